"""Shape-changing and array-building ops."""
import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..shapes import InferError, TensorShape, as_shape
from .core import constant, convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["shape", "size", "rank", "zeros", "ones", "zeros_like", "ones_like", "fill"]


def _static_shape(node):
    x = node.inputs[0]
    dims = x.shape.dims
    if dims is None:
        return None
    resolved = [x.graph.dims.resolve(d) for d in dims]
    if any(d is None for d in resolved):
        return None
    return np.array(resolved, dtype=node.attrs["out_type"].np)


def _infer_shape(ctx, x, *, out_type):
    return (x.shape.rank,), out_type


SHAPE = register(OpDef(
    "Shape", _infer_shape, lambda x, *, out_type: np.array(np.shape(x), out_type.np),
    static=_static_shape, partial=lambda node: node.inputs[0].shape,
    differentiable=False, api="shape",
    signature="shape(input, out_type=int32, name=None)", shape_rule="(rank of input,)",
    dtypes="any -> int32/int64", doc="The run-time shape of input."))


def shape(input, name=None, out_type=dtypes.int32):
    return apply1(SHAPE, (convert_to_tensor(input),), name=name,
                  out_type=dtypes.as_dtype(out_type))


def _static_size(node):
    v = _static_shape(node)
    return None if v is None else np.array(np.prod(v), node.attrs["out_type"].np)


SIZE = register(OpDef(
    "Size", lambda ctx, x, *, out_type: ((), out_type),
    lambda x, *, out_type: np.array(np.size(x), out_type.np),
    static=_static_size, differentiable=False, api="size",
    signature="size(input, out_type=int32, name=None)", shape_rule="()",
    dtypes="any -> int32/int64", doc="Number of elements of input."))


def size(input, name=None, out_type=dtypes.int32):
    return apply1(SIZE, (convert_to_tensor(input),), name=name,
                  out_type=dtypes.as_dtype(out_type))


def _static_rank(node):
    r = node.inputs[0].shape.rank
    return None if r is None else np.array(r, np.int32)


RANK = register(OpDef(
    "Rank", lambda ctx, x: ((), dtypes.int32), lambda x: np.array(np.ndim(x), np.int32),
    static=_static_rank, differentiable=False, api="rank", signature="rank(input, name=None)",
    shape_rule="()", dtypes="any -> int32", doc="Number of dimensions of input."))


def rank(input, name=None):
    return apply1(RANK, (convert_to_tensor(input),), name=name)


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
    dims_t = _shape_tensor(dims)
    return apply1(FILL, (dims_t, convert_to_tensor(value)), name=name)


def _shape_tensor(s):
    """A 1-D int tensor from a shape given as a tensor, list, tuple or TensorShape."""
    if isinstance(s, Tensor):
        return s
    if isinstance(s, TensorShape):
        s = s.as_list()
    if isinstance(s, (list, tuple)) and any(isinstance(d, Tensor) for d in s):
        return stack([convert_to_tensor(d, dtype=dtypes.int32) for d in s])
    return constant(np.array(s, dtype=np.int32).reshape(-1), dtype=dtypes.int32)


def zeros(shape, dtype=dtypes.float32, name=None):
    """A tensor of zeros. With a static shape it is a constant."""
    dtype = dtypes.as_dtype(dtype)
    if isinstance(shape, Tensor):
        return fill(shape, constant(0, dtype=dtype), name=name)
    return constant(0, dtype=dtype, shape=tuple(as_shape(shape).dims), name=name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    dtype = dtypes.as_dtype(dtype)
    if isinstance(shape, Tensor):
        return fill(shape, constant(1, dtype=dtype), name=name)
    return constant(1, dtype=dtype, shape=tuple(as_shape(shape).dims), name=name or "ones")


def _like(x, value, dtype, name):
    x = convert_to_tensor(x)
    dtype = dtypes.as_dtype(dtype) if dtype is not None else x.dtype
    if x.shape.is_fully_defined():
        return constant(value, dtype=dtype, shape=x.shape.dims, name=name)
    return fill(shape(x), constant(value, dtype=dtype), name=name)


def zeros_like(tensor, dtype=None, name=None):
    return _like(tensor, 0, dtype, name or "zeros_like")


def ones_like(tensor, dtype=None, name=None):
    return _like(tensor, 1, dtype, name or "ones_like")


def stack(values, axis=0, name="stack"):
    raise NotImplementedError("stack: to be written with the array-op set")


def strided_slice_(x, key):
    raise NotImplementedError("indexing: to be written with the array-op set")
