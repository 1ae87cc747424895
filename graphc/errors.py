"""The graphc error tree and the one formatter for "where was this created".

Every error names the node or tensor at fault and the user line that created it.
Messages are built only when an error is raised.
"""
import os
import sys

_PKG_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


class GraphcError(Exception):
    """Base class of every error graphc raises on purpose."""


class ShapeError(GraphcError, ValueError):
    """Shapes that cannot work together (raised when the bad node is built)."""


class DTypeError(GraphcError, TypeError):
    """Dtypes that cannot work together; graphc never promotes silently."""


class FeedError(GraphcError, ValueError):
    """A feed or fetch given to Session.run that does not fit the graph."""


class FeedTypeError(FeedError, TypeError):
    """A feed key or fetch that is no tensor of the Session's graph (an unknown name, an
    operation's name, a tensor of another graph, a number): a FeedError, and TF1's
    TypeError ("Cannot interpret feed_dict key as Tensor")."""


class DTypeValueError(DTypeError, ValueError):
    """A dtype mismatch TF1 reports as a ValueError (convert_to_tensor(t, dtype=...),
    get_variable reuse, import_graph_def's input_map, Dataset.filter's predicate): a
    DTypeError, and TF1's ValueError."""


class UsageError(GraphcError, ValueError):
    """An API given arguments it cannot work with, where TF1 raises a ValueError: a
    Saver with no variables, a checkpoint path that names no checkpoint, a Variable with
    no initial value."""


class UsageTypeError(UsageError, TypeError):
    """An argument of the wrong kind, where TF1 raises a TypeError: a function argument
    that is not callable, one parameter passed under both of its names."""


class StructureError(UsageError, TypeError):
    """Nested structures that must match and do not: a cond's branches, a while_loop
    body's result and its loop_vars. TF1 raises ValueError or TypeError there (by how
    they differ): this is both."""


class NoDefaultSessionError(GraphcError, ValueError):
    """Tensor.eval(), Operation.run() and the like with no session given and no default
    session (TF1's ValueError)."""


# ---- TF1's run-time error classes (tf.errors) --------------------------------------------
# The canonical error codes, as TF1 numbers them (OpError.error_code).
OK, CANCELLED, UNKNOWN, INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND = 0, 1, 2, 3, 4, 5
ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED, FAILED_PRECONDITION = 6, 7, 8, 9
ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS = 10, 11, 12, 13, 14, 15
UNAUTHENTICATED = 16


class OpError(GraphcError):
    """The base of the run-time errors (TF1: tf.errors.OpError): .message, .op (the
    node at fault, or None), .node_def and .error_code.

        try:
            sess.run(batch)
        except gc.errors.OpError as e:      # OutOfRangeError, ExecutionError, ...
            print(e.error_code, e.message)

    Built either as graphc raises them, `ExecutionError(message)` (op= and node_def=
    keywords optional), or with TF1's arguments, `NotFoundError(node_def, op, message)`
    and `OpError(node_def, op, message, error_code)`.
    """
    _code = UNKNOWN

    def __init__(self, *args, op=None, node_def=None):
        if len(args) >= 3:                  # TF1's (node_def, op, message[, error_code])
            node_def, op, message = args[:3]
            code = args[3] if len(args) > 3 and type(self) is OpError else self._code
        else:
            message = args[0] if args else ""
            code = self._code
        super().__init__(message)
        self._message, self._op, self._node_def, self._error_code = \
            message, op, node_def, code

    @property
    def message(self):
        """The error message."""
        return str(self._message)

    @property
    def op(self):
        """The node that failed (graphc's Node, TF1's Operation), or None."""
        return self._op

    @property
    def node_def(self):
        """The failing node's definition, or None."""
        return self._node_def

    @property
    def error_code(self):
        """The canonical error code (gc.errors.INVALID_ARGUMENT, ...)."""
        return self._error_code

    def __str__(self):
        return str(self._message)

    def __reduce__(self):
        return _rebuild_op_error, (type(self), str(self._message), self._error_code)


def _rebuild_op_error(cls, message, code):
    e = cls(message)
    e._error_code = code
    return e


class ExecutionError(OpError):
    """A kernel failed at run time; the original exception is chained."""
    _code = INVALID_ARGUMENT


# TF1's name for the run-time failures TF1 code catches most (bad shapes or values that
# only show when the graph runs): graphc raises ExecutionError for all of them.
InvalidArgumentError = ExecutionError


class UnfedPlaceholderError(FeedError, ExecutionError):
    """A fetch depends on a placeholder that was not fed: a FeedError, and TF1's
    InvalidArgumentError ("You must feed a value for placeholder tensor ...")."""


class CheckpointShapeError(ShapeError, ExecutionError):
    """A checkpoint tensor whose shape is not the restored variable's (or a partitioned
    variable's full shape): a ShapeError, and TF1's InvalidArgumentError (what TF's
    Assign or RestoreV2 raises)."""


class CheckpointDTypeError(DTypeError, ExecutionError):
    """A checkpoint tensor of another dtype than the restored variable's: a DTypeError,
    and TF1's InvalidArgumentError (what TF's RestoreV2 raises)."""


class OutOfRangeError(OpError):
    """An iterator has no more elements (TF1's name): the end of a tf.data pipeline."""
    _code = OUT_OF_RANGE


class FailedPreconditionError(OpError):
    """Something was used before the step that must come first (TF1's name): get_next
    of an iterator whose initializer has not run in this session."""
    _code = FAILED_PRECONDITION


class UninitializedVariableError(FailedPreconditionError):
    """A variable was read in a Session before it was initialized (TF1 raises a
    FailedPreconditionError there, so `except FailedPreconditionError` catches it)."""


def _tf1_class(name, code, doc):
    """One of TF1's error classes that only TF1 code raises (see docs/errors.md)."""
    return type(name, (OpError,), {"__doc__": doc, "_code": code, "__module__": __name__})


CancelledError = _tf1_class("CancelledError", CANCELLED, "An operation was cancelled.")
UnknownError = _tf1_class("UnknownError", UNKNOWN, "An error of no other kind.")
DeadlineExceededError = _tf1_class("DeadlineExceededError", DEADLINE_EXCEEDED,
                                   "A deadline expired before the operation could end.")
AlreadyExistsError = _tf1_class("AlreadyExistsError", ALREADY_EXISTS,
                                "An entity to create already exists.")
PermissionDeniedError = _tf1_class("PermissionDeniedError", PERMISSION_DENIED,
                                   "The caller may not run the operation.")
ResourceExhaustedError = _tf1_class("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                                    "Some resource (memory, quota) ran out.")
AbortedError = _tf1_class("AbortedError", ABORTED, "The operation was aborted (a "
                          "concurrent action); MonitoredSession re-creates its session.")
UnimplementedError = _tf1_class("UnimplementedError", UNIMPLEMENTED,
                                "The operation is not implemented or supported.")
InternalError = _tf1_class("InternalError", INTERNAL, "An internal invariant broke.")
UnavailableError = _tf1_class("UnavailableError", UNAVAILABLE, "The runtime is not "
                              "available now; MonitoredSession re-creates its session.")
DataLossError = _tf1_class("DataLossError", DATA_LOSS, "Unrecoverable data loss or "
                           "corruption.")
UnauthenticatedError = _tf1_class("UnauthenticatedError", UNAUTHENTICATED,
                                  "The request has no valid credentials.")


class GradientError(GraphcError, ValueError):
    """A gradient (or jvp) could not be built."""


class GraphError(GraphcError, ValueError):
    """Misuse of a Graph: finalized graph, mixed graphs, bad names."""


class FinalizedGraphError(GraphError, RuntimeError):
    """A node added to a finalized graph: a GraphError, and TF1's RuntimeError ("Graph
    is finalized and cannot be modified.")."""


class ClosedSessionError(GraphcError, RuntimeError):
    """A Session used after close(): a GraphcError, and TF1's RuntimeError ("Attempted
    to use a closed Session.")."""

    def __init__(self, message="Attempted to use a closed Session."):
        super().__init__(message)


class NotFoundError(OpError, KeyError):
    """A name that is not in the graph (TF1's NotFoundError: code NOT_FOUND)."""
    _code = NOT_FOUND

    def __str__(self):
        return str(self.args[0]) if self.args else ""


_CODE_TO_CLASS = {CANCELLED: CancelledError, UNKNOWN: UnknownError,
                  INVALID_ARGUMENT: InvalidArgumentError,
                  DEADLINE_EXCEEDED: DeadlineExceededError, NOT_FOUND: NotFoundError,
                  ALREADY_EXISTS: AlreadyExistsError,
                  PERMISSION_DENIED: PermissionDeniedError,
                  RESOURCE_EXHAUSTED: ResourceExhaustedError,
                  FAILED_PRECONDITION: FailedPreconditionError, ABORTED: AbortedError,
                  OUT_OF_RANGE: OutOfRangeError, UNIMPLEMENTED: UnimplementedError,
                  INTERNAL: InternalError, UNAVAILABLE: UnavailableError,
                  DATA_LOSS: DataLossError, UNAUTHENTICATED: UnauthenticatedError}
_CLASS_TO_CODE = {cls: code for code, cls in _CODE_TO_CLASS.items()}


def exception_type_from_error_code(error_code):
    """The error class of a canonical code (KeyError for OK or an unknown code).

        gc.errors.exception_type_from_error_code(gc.errors.OUT_OF_RANGE)  # OutOfRangeError
    """
    return _CODE_TO_CLASS[error_code]


def error_code_from_exception_type(cls):
    """The canonical code of an error class; UNKNOWN (with a warning) for any other.

        gc.errors.error_code_from_exception_type(gc.errors.NotFoundError)   # 5
    """
    try:
        return _CLASS_TO_CODE[cls]
    except (KeyError, TypeError):
        import warnings
        warnings.warn("Unknown class exception")
        return UNKNOWN


_INSIDE = {}        # co_filename -> whether it is one of graphc's own files
_SITES = {}         # id(code) -> (code, {f_lasti: site}); holding code keeps its id unique


def user_site():
    """(filename, lineno) of the innermost stack frame outside the graphc package.

    Every node asks, so it is cached per call site: a frame's line number costs a walk
    of its code's line table, and a loop building 100k nodes shares one site tuple."""
    f = sys._getframe(1)
    while f is not None:
        code = f.f_code
        inside = _INSIDE.get(code.co_filename)
        if inside is None:
            inside = _INSIDE[code.co_filename] = code.co_filename.startswith(_PKG_DIR)
        if not inside:
            break
        f = f.f_back
    if f is None:
        return ("<unknown>", 0)
    entry = _SITES.get(id(code))
    if entry is None:
        if len(_SITES) >= 4096:     # bounded: generated code (exec, lambdas) comes and goes
            _SITES.clear()
        entry = _SITES[id(code)] = (code, {})
    site = entry[1].get(f.f_lasti)
    if site is None:
        site = entry[1][f.f_lasti] = (code.co_filename, f.f_lineno)
    return site


def format_site(site):
    """'path/file.py:12', relative to the working directory when inside it."""
    filename, lineno = site
    try:
        rel = os.path.relpath(filename)
        if not rel.startswith(".."):
            filename = rel
    except ValueError:
        pass
    return f"{filename}:{lineno}"


def called_at(api, site=None):
    """The last line of a build-time error: which API the user called, and where.

        raise ShapeError(f"conv2d: ...{called_at('conv2d')}")
        # conv2d: ...
        #   in conv2d called at model.py:12
    """
    return f"\n  in {api} called at {format_site(site or user_site())}"


def describe_node(node):
    """"MatMul 'dense/MatMul' created at model.py:12" """
    return f"{node.type} '{node.name}' created at {format_site(node.site)}"


def describe_tensor(t, label=None):
    """One line about a tensor: its label, producer, shape, dtype and creation site."""
    node = t.node
    kind = {"Placeholder": "placeholder", "VariableV2": "variable",
            "Const": "constant"}.get(node.type, node.type)
    name = node.name if len(node.outputs) == 1 else t.name
    head = f"{label}: " if label else ""
    return (f"{head}{kind} '{name}'  shape {t.shape} {t.dtype.name}, "
            f"created at {format_site(node.site)}")
