"""TF1's last small helpers: errors.raise_exception_on_not_ok_status,
graph_util.must_run_on_cpu, io.gfile.get_registered_schemes, and tf.debugging's
traceback-filtering and device-placement-logging switches.

graphc runs every node on one CPU and its errors already name the op and the user's
line that created it (no frames are filtered), so the switches answer what graphc does
(no filtering, no placement log) and warn when asked for what it does not do.

    with gc.errors.raise_exception_on_not_ok_status() as status:
        status.set(gc.errors.NOT_FOUND, "no such thing")    # raises NotFoundError on exit
"""
from . import errors

__all__ = ["raise_exception_on_not_ok_status", "must_run_on_cpu",
           "get_registered_schemes", "enable_traceback_filtering",
           "disable_traceback_filtering", "is_traceback_filtering_enabled",
           "set_log_device_placement", "get_log_device_placement"]


class Status:
    """A status to fill (TF1's TF_Status): code gc.errors.OK until set()."""
    __slots__ = ("code", "message")

    def __init__(self):
        self.code, self.message = errors.OK, ""

    def set(self, code, message):
        self.code, self.message = int(code), str(message)


class raise_exception_on_not_ok_status:      # noqa: N801 (TF1's name)
    """Context manager giving a Status; on exit, a status set to a code other than OK
    raises that code's error class (NotFoundError...) with its message (TF1).

        with gc.errors.raise_exception_on_not_ok_status() as status:
            status.set(gc.errors.INVALID_ARGUMENT, "bad")   # InvalidArgumentError on exit
    """

    def __enter__(self):
        self.status = Status()
        return self.status

    def __exit__(self, exc_type, exc_value, tb):
        status, self.status = self.status, None
        if status.code != errors.OK:
            raise errors.exception_type_from_error_code(status.code)(
                None, None, status.message)
        return False


# TF1's graph_util._VARIABLE_OPS: the ops pin_variables_on_cpu pins
_VARIABLE_OPS = frozenset({"Assign", "AssignAdd", "AssignSub", "Queue", "ScatterAdd",
                           "ScatterSub", "ScatterUpdate", "TruncatedNormal", "Variable",
                           "VariableV2"})


def must_run_on_cpu(node, pin_variables_on_cpu=False):
    """Whether TF1 must place operation `node` on the CPU: a string or int32 Const, an
    int32 (Parallel)DynamicStitch or a Cast from int32; with pin_variables_on_cpu also
    the variable ops (Assign, Scatter*, VariableV2, TruncatedNormal...). graphc runs
    everything on the CPU anyway; this answers TF1's question for device functions.

        gc.graph_util.must_run_on_cpu(gc.constant("a").op)     # True
    """
    from .graph import Node
    if not isinstance(node, Node):
        raise TypeError(f"must_run_on_cpu takes an operation (graphc's Node), not "
                        f"{type(node).__name__}")
    from . import dtypes
    op = node.type
    if pin_variables_on_cpu and op in _VARIABLE_OPS:
        return True
    if op in ("Const", "DynamicStitch", "ParallelDynamicStitch"):
        dtype = node.outputs[0].dtype
        return dtype is dtypes.int32 or (op == "Const" and dtype is dtypes.string)
    if op == "Cast":
        return node.inputs[0].dtype is dtypes.int32
    return False


def get_registered_schemes():
    """The URI schemes gfile reads (TF1: ['ram', 'file', '', 'gs']). graphc's gfile
    reads local paths only: ['']."""
    return [""]


def enable_traceback_filtering():
    """TF hides its own frames from tracebacks; graphc filters none (its errors name the
    op and the user's line in the message), so this only warns that nothing changes."""
    _warn("enable_traceback_filtering: graphc does not filter traceback frames (its "
          "errors name the op and where it was created in the message)")


def disable_traceback_filtering():
    """Nothing to do: graphc filters no traceback frames."""


def is_traceback_filtering_enabled():
    """False: graphc shows every frame.

        gc.debugging.is_traceback_filtering_enabled()   # False
    """
    return False


_LOG_PLACEMENT = [False]


def set_log_device_placement(enabled):
    """Sessions made afterwards log each op they compile with its device to stderr, as
    ConfigProto(log_device_placement=True) does (TF's tf.debugging one)."""
    _LOG_PLACEMENT[0] = bool(enabled)


def get_log_device_placement():
    """Whether set_log_device_placement(True) is in force."""
    return _LOG_PLACEMENT[0]


def _warn(msg):
    import warnings
    warnings.warn(msg, stacklevel=3)
