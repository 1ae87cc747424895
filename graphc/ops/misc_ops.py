"""TF1's small stateful and reinterpreting ops: timestamp, count_up_to, bitcast, and
py_function (a Python function of eager-like values as a node).

    step = gc.Variable(0, name="step")
    tick = gc.count_up_to(step, 3)      # 0, 1, 2, then OutOfRangeError
    bits = gc.bitcast(gc.constant([1.0]), gc.int32)     # [1065353216]
"""
import threading
import time

import numpy as np

from .. import dtypes, errors
from ..shapes import InferError, TensorShape
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["timestamp", "count_up_to", "bitcast", "py_function"]


# ---- timestamp ----------------------------------------------------------------------
TIMESTAMP = register(OpDef(
    "Timestamp", lambda ctx: (TensorShape(()), dtypes.float64),
    lambda: np.array(time.time()), stateful=True, differentiable=False, api="timestamp",
    signature="timestamp(name=None)", shape_rule="-> ()", dtypes="-> float64",
    doc="Seconds since the epoch when the op runs (stateful: never folded or merged)."))


def timestamp(name=None):
    """The time the op runs at, in seconds since the epoch, as float64 (TF1 tf.timestamp).

        t0 = gc.timestamp(); ...; elapsed = gc.timestamp() - t0
    """
    return apply1(TIMESTAMP, (), name=name or "Timestamp")


# ---- count_up_to --------------------------------------------------------------------
def _infer_count(ctx, *, var, limit):
    t = var.outputs[0]
    if t.dtype not in (dtypes.int32, dtypes.int64):
        raise InferError(f"count_up_to needs an int32 or int64 variable; '{var.name}' is "
                         f"{t.dtype.name}", "dtype")
    if t.shape.rank not in (None, 0):
        raise InferError(f"count_up_to needs a scalar variable; '{var.name}' has shape "
                         f"{t.shape}")
    return TensorShape(()), t.dtype


def _count_kernel(rt, *, var, limit):
    from .state import _stored
    # queue runners' threads count epochs concurrently: read and increment under a lock
    lock = rt.session._op_state.setdefault("count_up_to_lock", threading.Lock())
    with lock:
        old = _stored(rt.session, var)
        if old >= limit:
            raise errors.OutOfRangeError(f"Reached limit of {limit}", op=rt.node)
        new = np.array(old + 1, old.dtype)
        new.setflags(write=False)
        rt.session._variables[var] = new
    return old


COUNT_UP_TO = register(OpDef(
    "CountUpTo", _infer_count, _count_kernel, stateful=True, uses_state=True,
    differentiable=False, api="count_up_to", signature="count_up_to(ref, limit, name=None)",
    shape_rule="() -> ()", dtypes="int32/int64 variable",
    doc="The variable's value, then adds 1 to it; OutOfRangeError once it is at limit."))


def count_up_to(ref, limit, name=None):
    """The value of the scalar int variable `ref`, incremented after reading; fails with
    OutOfRangeError once it has reached `limit` (TF1 tf.count_up_to).

        v = gc.Variable(0); c = gc.count_up_to(v, 2)   # 0, 1, then OutOfRangeError
    """
    var = getattr(ref, "node", None)
    if var is None or var.op.name != "VariableV2":
        raise TypeError(f"count_up_to: ref must be a Variable, got {ref!r}")
    return apply1(COUNT_UP_TO, (), name=name or "CountUpTo", var=var, limit=int(limit))


# ---- bitcast ------------------------------------------------------------------------
def _width(dtype):
    return np.dtype(dtype.np).itemsize


def _infer_bitcast(ctx, x, *, type):
    if x.dtype is dtypes.string or type is dtypes.string:
        raise InferError("bitcast cannot reinterpret strings", "dtype")
    a, b = _width(x.dtype), _width(type)
    dims = x.shape._dims
    if a == b or dims is None:
        return (x.shape if a == b else TensorShape(None)), type
    if a > b:
        return TensorShape(list(dims) + [a // b]), type
    if not dims or (isinstance(dims[-1], int) and dims[-1] != b // a):
        raise InferError(f"bitcast of {{0}} ({x.dtype.name}) to {type.name} needs a last "
                         f"dimension of {b // a}, not {dims[-1] if dims else 'none'}")
    return TensorShape(list(dims[:-1])), type


def _bitcast_kernel(x, *, type):
    x = np.ascontiguousarray(x)
    a, b = x.dtype.itemsize, _width(type)
    if a == b:
        return x.view(type.np)
    if a > b:
        return x.reshape(x.shape + (1,)).view(type.np)
    if x.ndim == 0 or x.shape[-1] != b // a:
        raise ValueError(f"last dimension must be {b // a}, not "
                         f"{x.shape[-1] if x.ndim else 'none'}")
    return x.view(type.np).reshape(x.shape[:-1])


BITCAST = register(OpDef(
    "Bitcast", _infer_bitcast, _bitcast_kernel, differentiable=False, api="bitcast",
    signature="bitcast(input, type, name=None)",
    shape_rule="same width: same shape; narrower: adds a last dim of the width ratio; "
               "wider: removes that last dim", dtypes="any numeric -> type",
    doc="The bytes of input read as another dtype (no conversion)."))


def bitcast(input, type, name=None):  # noqa: A002 (TF1 argument names)
    """The same bytes read as `type` (TF1 tf.bitcast): a wider source gains a last
    dimension of the width ratio; a narrower one must have that last dimension.

        gc.bitcast(gc.constant([1.0], gc.float32), gc.int32)   # [1065353216]
    """
    x = convert_to_tensor(input, name="input")
    return apply1(BITCAST, (x,), name=name or "Bitcast", type=dtypes.as_dtype(type))


# ---- py_function ----------------------------------------------------------------------
class _EagerValue(np.ndarray):
    """What py_function's Python function receives: a numpy array that also answers
    TF2's EagerTensor `.numpy()`."""

    def numpy(self):
        return np.asarray(self)


def _eager_result(value, dtype):
    """A numeric result converted to its Tout dtype as TF's convert_to_tensor does
    (float64 to float32, ints to floats; never a float to an int)."""
    if not (dtype.is_floating or dtype.is_integer or dtype.is_complex):
        return value
    arr = np.asarray(value)
    if arr.dtype.kind in "iu" or arr.dtype.kind == "f" and not dtype.is_integer or \
            arr.dtype.kind == "c" and dtype.is_complex:
        return arr.astype(dtype.np, copy=False)
    return value


def py_function(func, inp, Tout, name=None):  # noqa: N803 (TF1 argument name)
    """Wrap a Python function as an op (TF tf.py_function). The function gets arrays
    that also have `.numpy()` (as TF's EagerTensors do) and returns arrays or
    Python values of the Tout dtypes.

        y = gc.py_function(lambda x: x.numpy() * 2, [x], gc.float32)

    Unlike TF, graphc does not differentiate through func (it has no eager tape): the
    result has no gradient, as py_func's."""
    from .pyfunc import py_func

    from .. import dtypes
    listed = isinstance(Tout, (list, tuple))
    touts = [dtypes.as_dtype(t) for t in (Tout if listed else [Tout])]

    def call(*args):
        out = func(*(np.asarray(a).view(_EagerValue) for a in args))
        outs = list(out) if listed and isinstance(out, (list, tuple)) else [out]
        outs = [_eager_result(o, t) for o, t in zip(outs, touts)] + outs[len(touts):]
        return outs if listed else outs[0]
    call.__name__ = getattr(func, "__name__", "py_function")
    return py_func(call, inp, Tout, stateful=True, name=name or "EagerPyFunc")
