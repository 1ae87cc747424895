"""Ops that make tensors from a shape or from values: fill, zeros, ones, zeros_like,
ones_like, one_hot, range.

This module defines gc.range: Python's own is spelled builtins.range here.
"""
import builtins
import math

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import InferError, as_shape
from .array import _computed, _shape_tensor, as_int, run_time, shape, static_value
from .core import constant, convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["zeros", "ones", "zeros_like", "ones_like", "fill", "one_hot", "range"]


def _infer_fill(ctx, dims, value):
    if not dims.dtype.is_integer:
        raise InferError("dims {0} must be an integer tensor", "dtype")
    if value.shape.rank not in (0, None):
        raise InferError(f"value {{1}} must be a scalar, not shape {value.shape}")
    v = ctx.constant_value(dims)
    if v is not None and (v.ndim != 1 or (v < 0).any()):
        raise InferError(f"dims {{0}} must be a 1-D list of sizes >= 0, got {v.tolist()}")
    return ctx.shape_value(dims), value.dtype


FILL = register(OpDef(
    "Fill", _infer_fill, lambda dims, value: np.full(tuple(int(d) for d in dims), value),
    vjp=lambda node, gs: [None, _reduce_all(gs[0])],
    jvp=lambda node, ts: None if ts[1] is None else fill(node.inputs[0], ts[1]),
    api="fill", signature="fill(dims, value, name=None)", shape_rule="dims (a 1-D int tensor)",
    dtypes="any", doc="A tensor of shape dims filled with value."))


def _reduce_all(g):
    from .reduce import reduce_sum
    return reduce_sum(g)


def fill(dims, value, name=None):
    dims_t = _shape_tensor(dims, "fill", "dims")
    return apply1(FILL, (dims_t, convert_to_tensor(value)), name=name)


def _scalar(value, dtype):
    """value (0 or 1) as a numpy scalar of dtype: bool zeros are False, ones True; a
    string zero is b"" and a string one does not exist (TF1)."""
    if dtype is dtypes.string:
        if value:
            raise errors.DTypeError("ones of dtype string do not exist (TF1 neither): "
                                    "use gc.fill(dims, b'...')")
        out = np.empty((), dtype=object)
        out[()] = b""
        return out
    return np.asarray(value).astype(dtype.np)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros. With a static shape it is a constant."""
    dtype = dtypes.as_dtype(dtype)
    if _computed(shape):
        return fill(shape, constant(_scalar(0, dtype), dtype=dtype), name=name)
    return constant(_scalar(0, dtype), dtype=dtype, shape=tuple(as_shape(shape)._dims),
                    name=name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    if _computed(shape):
        return fill(shape, constant(_scalar(1, dtype), dtype=dtype), name=name)
    return constant(_scalar(1, dtype), dtype=dtype, shape=tuple(as_shape(shape)._dims),
                    name=name or "ones")


def _like(x, value, dtype, name):
    from .core import as_sparse
    sp = as_sparse(x)
    if sp is not None and value == 0:       # TF1: zeros of the dense shape
        dtype = dtypes.as_dtype(dtype) if dtype is not None else sp.dtype
        return fill(sp.dense_shape, constant(_scalar(0, dtype), dtype=dtype), name=name)
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else x.dtype
    value = _scalar(value, dtype)
    if x.shape.is_fully_defined():
        return constant(value, dtype=dtype, shape=x.shape._dims, name=name)
    return fill(shape(x), constant(value, dtype=dtype), name=name)


def zeros_like(tensor, dtype=None, name=None):
    return _like(tensor, 0, dtype, name or "zeros_like")


def ones_like(tensor, dtype=None, name=None):
    return _like(tensor, 1, dtype, name or "ones_like")


# ---- one_hot, range -----------------------------------------------------------------------
def _infer_one_hot(ctx, indices, on, off, *, depth, axis):
    if not indices.dtype.is_integer:
        raise InferError(f"indices {{0}} must be integers, not {indices.dtype.name}", "dtype")
    ctx.same_dtype(1, 2)
    for i, t in ((1, on), (2, off)):
        if t.shape.rank not in (0, None):
            raise InferError(f"{{{i}}} must be a scalar, not of shape {t.shape}")
    if not isinstance(depth, int) or isinstance(depth, bool):
        raise InferError(f"depth must be an int, got {depth!r}", "dtype")  # TF: TypeError
    if depth < 0:
        raise InferError(f"depth must be >= 0, got {depth}")
    if indices.shape._dims is None:
        return None, on.dtype
    dims = list(indices.shape._dims)
    dims.insert(ctx.axis(axis, len(dims), extra=1), depth)
    return tuple(dims), on.dtype


def _one_hot_kernel(indices, on, off, *, depth, axis):
    hot = indices[..., None] == np.arange(depth)        # out-of-range indices: all off
    return np.where(np.moveaxis(hot, -1, axis), on, off).astype(on.dtype)


ONE_HOT = register(OpDef(
    "OneHot", _infer_one_hot, _one_hot_kernel, differentiable=False, api="one_hot",
    signature="one_hot(indices, depth, on_value=1, off_value=0, axis=-1, dtype=float32)",
    shape_rule="indices' shape with depth inserted at axis", dtypes="indices int -> dtype",
    doc="on_value where the index equals the position along axis, else off_value."))


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encoding: `gc.one_hot([0, 2], 3)` is [[1., 0., 0.], [0., 0., 1.]].

    on_value and off_value, where given, must have one dtype, and dtype's if it is given
    (Python numbers take dtype; TF1's TypeError otherwise)."""
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    on, off = (None if v is None else _hinted(v, dtype) for v in (on_value, off_value))
    _check_on_off(on, off, dtype)
    dtype = dtype or next((t.dtype for t in (on, off) if t is not None), dtypes.float32)
    on = np.ones((), dtype.np) if on is None else on
    off = np.zeros((), dtype.np) if off is None else off
    if run_time(depth) is not None:
        return _one_hot_dynamic(convert_to_tensor(indices), depth,
                                convert_to_tensor(on, dtype=dtype),
                                convert_to_tensor(off, dtype=dtype), axis, name)
    return apply1(ONE_HOT, (convert_to_tensor(indices), convert_to_tensor(on, dtype=dtype),
                            convert_to_tensor(off, dtype=dtype)), name=name,
                  depth=as_int(static_value(depth, "one_hot: depth")),
                  axis=-1 if axis is None else as_int(axis))


_TAKES = {"b": "b", "i": "iufc", "u": "iufc", "f": "fc", "c": "c"}


def _hinted(v, dtype):
    """v as TF's convert_to_tensor(v, dtype_hint=dtype): a number takes dtype where TF
    converts it (an int to a float, never a float to an int), else keeps its own."""
    if dtype is not None and not isinstance(v, Tensor) and np.ndim(v) == 0 and \
            dtype.np.kind not in _TAKES.get(np.asarray(v).dtype.kind, dtype.np.kind):
        return convert_to_tensor(v)
    return convert_to_tensor(v, dtype_hint=dtype)


def _check_on_off(on, off, dtype):
    """TF1's TypeErrors for on_value/off_value dtypes that differ (DTypeError here)."""
    given = [(w, t) for w, t in (("on_value", on), ("off_value", off)) if t is not None]
    bad = [(w, t) for w, t in given if dtype is not None and t.dtype is not dtype]
    if bad:
        (w, t), = bad[:1]
        why = f"dtype {t.dtype.name} of {w} does not match dtype parameter {dtype.name}"
    elif len(given) == 2 and on.dtype is not off.dtype:
        why = (f"dtype {on.dtype.name} of on_value does not match dtype {off.dtype.name} of "
               "off_value")
    else:
        return
    raise errors.DTypeError(
        f"one_hot: {why}" + "".join(f"\n  {errors.describe_tensor(t, w)}" for w, t in given)
        + errors.called_at("one_hot"))


def _one_hot_dynamic(indices, depth, on, off, axis, name):
    """one_hot with a depth known only at run time: indices == range(depth) picks on."""
    from .array import expand_dims, transpose
    from .broadcast import select
    from .elementwise import cast, equal
    rank = indices.shape.ndims
    axis = -1 if axis is None else as_int(axis)
    if axis not in (-1, rank):
        if rank is None:
            raise ValueError(f"one_hot: with a depth computed at run time ('{depth.name}'), "
                             f"axis={axis} needs indices of known rank")
    hit = equal(expand_dims(indices, -1), cast(range(depth), indices.dtype))
    out = select(hit, on, off, name=name if axis in (-1, rank) else None)
    if axis in (-1, rank):
        return out
    perm = list(builtins.range(axis)) + [rank] + list(builtins.range(axis, rank))
    return transpose(out, perm, name=name)


def _infer_range(ctx, start, limit, delta):
    ctx.same_dtype()
    ctx.require(0, "numeric")
    for i, t in enumerate((start, limit, delta)):
        if t.shape.rank not in (0, None):
            raise InferError(f"{{{i}}} must be a scalar, not of shape {t.shape}")
    vals = [ctx.constant_value(t) for t in (start, limit, delta)]
    if any(v is None for v in vals):
        return (None,), start.dtype
    s, lim, d = (v.item() for v in vals)
    if d == 0:
        raise InferError("delta {2} must not be 0")
    if d > 0 and s > lim or d < 0 and s < lim:
        raise InferError(f"range from {s} to {lim} by {d} goes the wrong way (TF1 requires "
                         f"start {'<=' if d > 0 else '>='} limit)")
    n = len(builtins.range(s, lim, d)) if start.dtype.is_integer else \
        max(0, math.ceil((lim - s) / d))         # numpy's length rule for float ranges
    return (n,), start.dtype


def _range_kernel(start, limit, delta):
    if delta == 0 or delta > 0 and start > limit or delta < 0 and start < limit:
        raise errors.ExecutionError(
            "Requires delta != 0" if delta == 0 else
            f"Requires start {'<=' if delta > 0 else '>='} limit when delta "
            f"{'>' if delta > 0 else '<'} 0: {start}/{limit}")
    return np.arange(start, limit, delta, dtype=start.dtype)


RANGE = register(OpDef(
    "Range", _infer_range, _range_kernel,
    differentiable=False, api="range",
    signature="range(start, limit=None, delta=1, dtype=None, name='range')",
    shape_rule="(ceil((limit - start) / delta),)", dtypes="numeric",
    doc="start, start + delta, ... up to (not including) limit."))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 (TF1 name)
    """[start, start + delta, ...) below limit, like Python's range: `gc.range(5)` is
    [0, 1, 2, 3, 4] (int32); `gc.range(0., 1., .25)` is float32."""
    from .core import _py_dtype
    from .elementwise import cast
    if limit is None:
        start, limit = 0, start
    args = (start, limit, delta)
    if dtype is None:
        order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
        found = [a.dtype if isinstance(a, Tensor) else _py_dtype(a) for a in args]
        odd = sorted({d.name for d in found if d not in order})
        if odd:                 # TF1 infers only among these four (a TypeError there too)
            raise errors.DTypeError(f"range: cannot infer a dtype from {', '.join(odd)} "
                                    "operands (int32, int64, float32 or float64 only): "
                                    "pass dtype=")
        dtype = max(found, key=order.index)
    dtype = dtypes.as_dtype(dtype)
    args = [cast(a, dtype) if isinstance(a, Tensor) and a.dtype is not dtype
            else convert_to_tensor(a, dtype=dtype) for a in args]
    return apply1(RANGE, args, name=name)
