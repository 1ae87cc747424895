"""boolean_mask and its transpose (BooleanMaskGrad: zeros with g written where the mask
is true), and sequence_mask.

boolean_mask's output has as many rows as the mask has true elements: a value known
only when the graph runs, so that dim is unknown statically (None) unless the mask is
a constant. Gradients of any order flow to `tensor` through the pair.
"""
import numpy as np

from .. import dtypes
from ..graph import Tensor
from ..shapes import InferError
from .array import as_int, expand_dims, shape_of, static_value
from .core import constant, convert_to_tensor
from .creation import range as range_
from .elementwise import cast, less, maximum
from .indexing import _int_index
from .reduce import reduce_max
from .registry import OpDef, apply1, register

__all__ = ["boolean_mask", "sequence_mask"]


def _mask_key(axis, mask):
    return (slice(None),) * axis + (mask,)


def _infer_boolean_mask(ctx, tensor, mask, *, axis):
    if not mask.dtype.is_bool:
        raise InferError(f"mask {{1}} must be bool, not {mask.dtype.name}", "dtype")
    k, dims = mask.shape.rank, tensor.shape._dims
    if k is None:
        raise InferError("mask {1} must have a known rank (its dims may be unknown)")
    if k == 0:
        raise InferError("mask {1} cannot be a scalar")
    if dims is None:
        return None, tensor.dtype
    if axis + k > len(dims):
        raise InferError(f"mask {{1}} of rank {k} at axis {axis} needs {{0}} of rank >= "
                         f"{axis + k}, not {len(dims)}")
    for j, (d, m) in enumerate(zip(dims[axis:axis + k], mask.shape._dims)):
        ctx.merge_dims(d, m, f"mask {{{{1}}}} has {{b}} at dim {j} but {{{{0}}}} has {{a}} "
                             f"at dim {axis + j}")
    v = ctx.constant_value(mask)
    n = None if v is None else int(np.count_nonzero(v))
    return tuple(dims[:axis]) + (n,) + tuple(dims[axis + k:]), tensor.dtype


def _boolean_mask_vjp(node, gs):
    """g written into zeros of tensor's shape where the mask is true."""
    tensor, mask = node.inputs
    return [apply1(BOOLEAN_MASK_GRAD, (gs[0], mask, _shape(tensor)), **node.attrs), None]


def _shape(x):
    s = shape_of(x)
    return s if not isinstance(s, list) else constant(s, dtype=dtypes.int32)


def _batch_boolean_mask(node, args, batched):
    """vmap with only tensor batched: the same mask one axis further in."""
    if batched[1]:
        from ..autodiff.batching import batch_by_slices
        return batch_by_slices(node, args, batched)
    return [apply1(BOOLEAN_MASK, args, axis=node.attrs["axis"] + 1)]


BOOLEAN_MASK = register(OpDef(
    "BooleanMask", _infer_boolean_mask,
    lambda tensor, mask, *, axis: tensor[_mask_key(axis, mask)],
    vjp=_boolean_mask_vjp,
    jvp=lambda node, ts: None if ts[0] is None else apply1(
        BOOLEAN_MASK, (ts[0], node.inputs[1]), **node.attrs),
    batch=_batch_boolean_mask, api="boolean_mask",
    signature="boolean_mask(tensor, mask, name='boolean_mask', axis=None)",
    shape_rule="tensor[:axis] + (number of true,) + tensor[axis+rank(mask):]",
    dtypes="any; mask bool",
    doc="The elements (or slices) of tensor where mask is true, in row-major order; "
        "the count is unknown statically."))


def _infer_boolean_mask_grad(ctx, g, mask, shape_t, *, axis):
    _int_index(ctx, 2, shape_t, "shape")
    return ctx.shape_value(shape_t), g.dtype


def _boolean_mask_grad_kernel(g, mask, shape_v, *, axis):
    out = np.zeros(tuple(int(d) for d in shape_v), g.dtype)
    out[_mask_key(axis, mask)] = g      # each true element is reached once
    return out


BOOLEAN_MASK_GRAD = register(OpDef(
    "BooleanMaskGrad", _infer_boolean_mask_grad, _boolean_mask_grad_kernel,
    vjp=lambda node, gs: [apply1(BOOLEAN_MASK, (gs[0], node.inputs[1]), **node.attrs),
                          None, None],
    jvp=lambda node, ts: None if ts[0] is None else apply1(
        BOOLEAN_MASK_GRAD, (ts[0],) + tuple(node.inputs[1:]), **node.attrs),
    api="boolean_mask_grad", signature="(the vjp of boolean_mask)", shape_rule="`shape`",
    dtypes="any; mask bool, shape int",
    doc="Zeros of `shape` with g written where mask is true: boolean_mask's transpose."))


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """The parts of tensor where mask is true; mask's dims match tensor's from `axis`
    (default 0) on, and are flattened into one dim of unknown size:

        gc.boolean_mask([[1, 2], [3, 4], [5, 6]], [True, False, True])   # [[1, 2], [5, 6]]
        gc.boolean_mask(x, x > 0)                                        # 1-D: positives
    """
    tensor, mask = convert_to_tensor(tensor), convert_to_tensor(mask)
    axis = 0 if axis is None else as_int(static_value(axis, "boolean_mask: axis"))
    if not isinstance(axis, int):
        raise TypeError(f"boolean_mask: axis must be an int, not {axis!r}")
    if axis < 0:
        if tensor.shape.rank is None:
            raise ValueError("boolean_mask: a negative axis needs tensor's rank known")
        axis += tensor.shape.rank
    return apply1(BOOLEAN_MASK, (tensor, mask), name=name, axis=max(axis, 0))


def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool_, name=None):
    """mask[i..., j] = j < lengths[i...], for j in 0..maxlen-1 (maxlen: by default the
    largest length):

        gc.sequence_mask([1, 3, 2], 5)   # [[T, F, F, F, F], [T, T, T, F, F], [T, T, F, F, F]]
    """
    lengths = convert_to_tensor(lengths)
    if not lengths.dtype.is_integer:
        raise TypeError(f"sequence_mask: lengths must be integers, not {lengths.dtype.name}")
    if maxlen is None:
        maxlen = maximum(reduce_max(lengths), 0)
    elif not isinstance(maxlen, Tensor):
        maxlen = convert_to_tensor(maxlen, dtype=lengths.dtype)
    if maxlen.shape.rank not in (0, None):
        raise ValueError(f"sequence_mask: maxlen must be a scalar, not of shape {maxlen.shape}")
    # compared in maxlen's dtype (TF1 does the same: maxlen bounds every length)
    if lengths.dtype is not maxlen.dtype:
        lengths = cast(lengths, maxlen.dtype)
    row = range_(0, maxlen, 1, dtype=maxlen.dtype)
    dtype = dtypes.as_dtype(dtype)
    if dtype is dtypes.bool_:
        return less(row, expand_dims(lengths, -1), name=name or "sequence_mask")
    return cast(less(row, expand_dims(lengths, -1)), dtype, name=name or "sequence_mask")
