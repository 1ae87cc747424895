"""Cast (TF1's cast, to_float, to_double, to_int32, to_int64): a dtype conversion whose
gradient is cast back (elementwise.py re-exports it)."""
import numpy as np

from .. import dtypes, errors
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["cast", "to_float", "to_double", "to_int32", "to_int64"]


def _infer_cast(ctx, x, *, dtype):
    return x.shape, dtype


def _cast_kernel(x, *, dtype):
    if x.dtype.kind == "c" and dtype.np.kind != "c":
        x = x.real                  # complex -> real drops the imaginary part (TF1)
    return x.astype(dtype.np)


def _cast_vjp(node, gs):
    x = node.inputs[0]
    if not x.dtype.is_differentiable or gs[0] is None:
        return [None]
    return [cast(gs[0], x.dtype)]


def _cast_jvp(node, ts):
    if ts[0] is None or not node.attrs["dtype"].is_differentiable:
        return None
    return cast(ts[0], node.attrs["dtype"])


def _cast_out(x, out, *, dtype):
    if x.dtype.kind == "c" and out.dtype.kind != "c":
        x = x.real
    np.copyto(out, x, casting="unsafe")         # the conversion astype does
    return out


def _cast_partial(node):
    """An int shape vector cast to another int dtype is the same shape (TF1)."""
    x = node.inputs[0]
    if not (x.dtype.is_integer and node.outputs[0].dtype.is_integer):
        return None
    from .registry import shape_value
    return shape_value(x)


CAST = register(OpDef(
    "Cast", _infer_cast, _cast_kernel, vjp=_cast_vjp,
    kernel_out=_cast_out, partial=_cast_partial,
    jvp=_cast_jvp, elementwise=True, api="cast", signature="cast(x, dtype, name=None)",
    shape_rule="same as x", dtypes="any -> dtype",
    doc="Converts to dtype (float -> int truncates toward zero, complex -> real drops the "
        "imaginary part, like TF1)."))


def cast(x, dtype, name=None):
    """x converted to dtype; a SparseTensor's values (TF1: edit_distance(gc.cast(
    decoded[0], gc.int32), labels) after a CTC decoder)."""
    try:
        dtype = dtypes.as_dtype(dtype)
    except TypeError as e:                  # TF1: TypeError; here a DTypeError at this line
        raise errors.DTypeError(f"cast: {e}" + errors.called_at("cast")) from None
    from ..indexed_slices import IndexedSlices
    if isinstance(x, IndexedSlices):        # a sparse gradient stays one (TF1)
        return IndexedSlices(cast(x.values, dtype, name=name), x.indices, x.dense_shape)
    if hasattr(x, "_as_parts") and hasattr(x, "indices"):         # a SparseTensor
        from ..sparse_tensor import SparseTensor
        out = SparseTensor(x.indices, cast(x.values, dtype, name=name), x.dense_shape)
        out._static_shape = getattr(x, "_static_shape", None)
        return out
    x = convert_to_tensor(x)
    if (x.dtype is dtypes.string) != (dtype is dtypes.string):
        raise _unsupported(x, dtype)
    return apply1(CAST, (x,), name=name, dtype=dtype)


class CastError(errors.DTypeError, errors.UnimplementedError):
    """A cast between strings and numbers: a DTypeError, raised when the Cast is built,
    that is also the UnimplementedError TF's kernel raises ("Cast string to float is
    not supported")."""


def _unsupported(x, dtype):
    def tf_name(d):
        return {"float32": "float", "float64": "double", "float16": "half"}.get(d.name, d.name)
    how = ("parse strings with gc.strings.to_number" if x.dtype is dtypes.string else
           "format numbers with gc.strings.as_string")
    return CastError(f"cast: Cast {tf_name(x.dtype)} to {tf_name(dtype)} is not supported "
                     f"({how})\n  {errors.describe_tensor(x, 'x')}" + errors.called_at("cast"))


def to_float(x, name=None):
    return cast(x, dtypes.float32, name)


def to_double(x, name=None):
    return cast(x, dtypes.float64, name)


def to_int32(x, name=None):
    return cast(x, dtypes.int32, name)


def to_int64(x, name=None):
    return cast(x, dtypes.int64, name)
