"""Segment reductions (TF1): segment_sum/mean/max/min/prod over sorted segment ids, and
unsorted_segment_max/min/prod (ops), unsorted_segment_mean/sqrt_n (composites on
unsorted_segment_sum, as TF1 builds them).

Sorted ops: segment_ids is a sorted 1-D vector, one id per row of data; the output has
segment_ids[-1] + 1 rows (unknown statically unless the ids are constant) and an empty
segment gives 0 (1 for prod). Unsorted ops: segment_ids' shape is a prefix of data's,
num_segments rows come out, a negative id drops its slice, and an empty segment gives
the dtype's lowest value for max, its highest for min, 1 for prod, 0 for mean.

Gradients follow TF1's math_grad: max/min send g to the elements equal to their
segment's result, shared equally among ties; prod uses the product of the others
(exact with one zero in a segment, 0 with two). Each rule computes one data-shaped
factor d, so that vjp = gather(g) * d and jvp = segment_sum(t * d).
"""
import numpy as np

from .. import errors
from ..shapes import InferError
from .array import concat, expand_dims, fill, ones_like, rank, reshape, shape, transpose
from .array import zeros_like
from .core import convert_to_tensor
from .elementwise import (cast, divide, equal, greater, greater_equal, logical_and, maximum,
                          sqrt, select)
from .gather import _infer_segment_sum, check_segment_ids, gather, unsorted_segment_sum
from .indexing import _int_index
from .reduce import trunc_div
from .registry import OpDef, apply1, register

__all__ = ["segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
           "unsorted_segment_max", "unsorted_segment_min", "unsorted_segment_prod",
           "unsorted_segment_mean", "unsorted_segment_sqrt_n"]

_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "max": np.maximum,
          "min": np.minimum}


# ---- kernels ---------------------------------------------------------------------------------
def _start(kind, dtype):
    """The value of an empty segment (sorted max/min: 0, set after the reduction)."""
    if kind == "prod":
        return 1
    if kind in ("sum", "mean"):
        return 0
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min if kind == "max" else info.max


def _reduce(kind, data, ids, num, sorted_):
    """out[i] = the reduction of the data[j...] with ids[j...] == i (ids >= 0 here).
    data's inner dims (rest) may hold a 0: the rows are then counted from ids."""
    rest = data.shape[ids.ndim:]
    ids, data = ids.reshape(-1), data.reshape((ids.size,) + rest)
    out = np.full((num,) + rest, _start(kind, data.dtype), data.dtype)
    _UFUNC[kind].at(out, ids, data)
    if kind == "mean" or sorted_ and kind in ("max", "min"):
        count = np.bincount(ids, minlength=num).reshape((num,) + (1,) * len(rest))
        if kind != "mean":
            return np.where(count > 0, out, np.zeros((), data.dtype))
        if data.dtype.kind in "fc":
            return (out / np.maximum(count, 1)).astype(data.dtype)
        return trunc_div(out, np.maximum(count, 1)).astype(data.dtype)
    return out


def _sorted_kernel(kind, api):
    def kernel(data, ids):
        if ids.ndim != 1 or data.ndim < 1 or len(ids) != len(data):
            raise ValueError(f"{api}: segment_ids of shape {ids.shape} must be a vector "
                             f"with one id per row of data, of shape {data.shape}")
        if ids.size and ids[0] < 0:
            raise ValueError(f"{api}: segment ids must be >= 0, got {ids[0]}")
        down = np.flatnonzero(np.diff(ids) < 0)
        if down.size:
            j = int(down[0]) + 1
            raise ValueError(f"{api}: segment ids are not increasing: segment_ids[{j}] = "
                             f"{ids[j]} follows {ids[j - 1]}")
        return _reduce(kind, data, ids, int(ids[-1]) + 1 if ids.size else 0, True)
    return kernel


def _unsorted_kernel(kind, api):
    def kernel(data, ids, num):
        num = int(num)
        if data.shape[:ids.ndim] != ids.shape:
            raise ValueError(f"{api}: the shape {ids.shape} of segment_ids must be a prefix "
                             f"of the shape {data.shape} of data")
        check_segment_ids(ids, num)
        keep = ids >= 0                         # TF1 drops the slices of negative ids
        return _reduce(kind, data[keep], ids[keep], num, False)
    return kernel


# ---- static shapes ---------------------------------------------------------------------------
def _infer_sorted(ctx, data, ids, kinds="numeric"):
    ctx.require(0, kinds)
    _int_index(ctx, 1, ids, "segment_ids")
    if ids.shape.rank not in (1, None):
        raise InferError(f"segment_ids {{1}} must be a vector, not of shape {ids.shape}")
    dims = data.shape._dims
    if dims is not None and not dims:
        raise InferError("{0} is a scalar: segments split its first dim")
    v = ctx.constant_value(ids)
    n = None
    if v is not None and v.ndim == 1:
        if v.size and v[0] < 0:
            raise InferError(f"segment_ids {{1}} must be >= 0, got {v[0]}")
        if np.any(np.diff(v) < 0):
            raise InferError(f"segment_ids {{1}} must be sorted, got {v.tolist()}")
        n = int(v[-1]) + 1 if v.size else 0
    if dims is None:
        return None, data.dtype
    if ids.shape.rank == 1:
        ctx.merge_dims(dims[0], ids.shape._dims[0], "segment_ids {{1}} has {b} ids but {{0}} "
                                                   "has {a} rows")
    return (n,) + tuple(dims[1:]), data.dtype


# ---- gradients -------------------------------------------------------------------------------
def _lead(v, data, lead=None):
    """v, whose dims are the first dims of data (or those of `lead`, the same number),
    with unit dims added after them so that it broadcasts against data."""
    r, k = data.shape.rank, (v if lead is None else lead).shape.rank
    if r is not None and k is not None:
        for _ in range(r - k):
            v = expand_dims(v, -1)
        return v
    ones = fill(expand_dims(rank(data) - rank(v if lead is None else lead), 0), 1)
    return reshape(v, concat([shape(v), ones], 0))


class _Segments:
    """How a rule reaches the segments of node: its sum, prod and gather."""

    def __init__(self, node):
        self.node, self.data, self.ids = node, node.inputs[0], node.inputs[1]
        self.sorted = len(node.inputs) == 2
        if self.sorted:
            self.clipped, self.valid = self.ids, None
        else:                                   # negative ids: dropped (TF1)
            self.clipped = maximum(self.ids, 0)
            self.valid = _lead(greater_equal(self.ids, 0), self.data)

    def sum(self, x):
        if self.sorted:
            return segment_sum(x, self.ids)
        return unsorted_segment_sum(x, self.clipped, self.node.inputs[2])

    def prod(self, x):
        if self.sorted:
            return segment_prod(x, self.ids)
        return unsorted_segment_prod(x, self.ids, self.node.inputs[2])

    def gather(self, x):
        return gather(x, self.clipped)

    def keep(self, mask):
        """mask, and false where the id is dropped."""
        return mask if self.valid is None else logical_and(mask, self.valid)


def _factor(kind):
    """d(out[seg(j)]) / d(data[j]), data-shaped."""
    def factor(node):
        s, y = _Segments(node), node.outputs[0]
        data = s.data
        if kind == "sum":
            return None
        if kind == "mean":                       # 1 / the count of j's segment
            count = s.sum(ones_like(s.ids, dtype=data.dtype))
            return _lead(divide(1.0, s.gather(count)), data)
        if kind in ("max", "min"):               # the selected elements share g
            picked = s.keep(equal(data, s.gather(y)))
            share = cast(picked, data.dtype)
            return divide(share, s.gather(maximum(s.sum(share), 1.0)))
        is_zero = equal(data, 0.0)               # prod: the product of the others
        zeros = s.sum(cast(s.keep(is_zero), data.dtype.real_dtype))     # a count
        nonzero = select(is_zero, ones_like(data), data)
        d = select(is_zero, s.gather(s.prod(nonzero)), divide(s.gather(y), nonzero))
        d = select(greater(s.gather(zeros), 1.0), zeros_like(data), d)
        return d if s.valid is None else select(s.valid, d, zeros_like(data))
    return factor


def _vjp(factor):
    def vjp(node, gs):
        """gather(g, ids) * d, d = d out[ids[j]] / d data[j] (1 for sums)."""
        g, d = _Segments(node).gather(gs[0]), factor(node)   # d is 0 where ids < 0
        return [g if d is None else g * d] + [None] * (len(node.inputs) - 1)
    return vjp


def _jvp(factor):
    def jvp(node, ts):
        """segment_sum(t * d) (of t for sums: they are linear)."""
        if ts[0] is None:
            return None
        d = factor(node)
        return _Segments(node).sum(ts[0] if d is None else ts[0] * d)
    return jvp


def _batch_segment(node, args, batched):
    """vmap with only data batched: the batch dim moved behind the ids' dims and back."""
    data, ids = node.inputs[:2]
    r, k = data.shape.rank, ids.shape.rank
    if any(batched[1:]) or r is None or k is None:
        from ..autodiff.batching import batch_by_slices
        return batch_by_slices(node, args, batched)
    x = transpose(args[0], list(range(1, k + 1)) + [0] + list(range(k + 1, r + 1)))
    y = apply1(node.op, (x,) + tuple(args[1:]))
    return [transpose(y, [1, 0] + list(range(2, r - k + 2)))]


_EMPTY = {"sum": "0", "mean": "0", "prod": "1", "max": "0", "min": "0"}
_UNSORTED_EMPTY = {"prod": "1", "max": "the dtype's lowest value",
                   "min": "the dtype's highest value"}


def _sorted_op(kind):
    name, api = f"Segment{kind.capitalize()}", f"segment_{kind}"
    factor = _factor(kind)
    kinds = "numeric" if kind in ("max", "min") else "numeric or complex"
    return register(OpDef(
        name, lambda ctx, data, ids: _infer_sorted(ctx, data, ids, kinds),
        _sorted_kernel(kind, api), vjp=_vjp(factor),
        jvp=_jvp(factor), batch=_batch_segment, api=api,
        signature=f"{api}(data, segment_ids, name=None)",
        shape_rule="(segment_ids[-1] + 1,) + data[1:]; the count unknown statically",
        dtypes=f"{kinds}; segment_ids int",
        doc=f"The {kind} of the rows of data in each segment; segment_ids sorted, one per "
            f"row; an empty segment gives {_EMPTY[kind]}."))


def _unsorted_op(kind):
    name, api = f"UnsortedSegment{kind.capitalize()}", f"unsorted_segment_{kind}"
    factor = _factor(kind)
    return register(OpDef(
        name, _infer_segment_sum, _unsorted_kernel(kind, api), vjp=_vjp(factor),
        jvp=_jvp(factor), batch=_batch_segment, api=api,
        signature=f"{api}(data, segment_ids, num_segments, name=None)",
        shape_rule="(num_segments,) + data[rank(segment_ids):]",
        dtypes="numeric; segment_ids int",
        doc=f"The {kind} of the data[j...] with segment_ids[j...] == i; negative ids are "
            f"dropped; an empty segment gives {_UNSORTED_EMPTY[kind]}."))


SEGMENT_SUM = _sorted_op("sum")
SEGMENT_MEAN = _sorted_op("mean")
SEGMENT_MAX = _sorted_op("max")
SEGMENT_MIN = _sorted_op("min")
SEGMENT_PROD = _sorted_op("prod")
UNSORTED_SEGMENT_MAX = _unsorted_op("max")
UNSORTED_SEGMENT_MIN = _unsorted_op("min")
UNSORTED_SEGMENT_PROD = _unsorted_op("prod")


# ---- public functions ------------------------------------------------------------------------
def _sorted(op, data, segment_ids, name):
    return apply1(op, (convert_to_tensor(data), convert_to_tensor(segment_ids)), name=name)


def _unsorted(op, data, segment_ids, num_segments, name):
    return apply1(op, (convert_to_tensor(data), convert_to_tensor(segment_ids),
                       convert_to_tensor(num_segments)), name=name)


def segment_sum(data, segment_ids, name=None):
    """Sums of the rows of data per segment; segment_ids is sorted, one id per row:

        gc.segment_sum([[1, 2], [3, 4], [5, 6]], [0, 0, 2])   # [[4, 6], [0, 0], [5, 6]]
    """
    return _sorted(SEGMENT_SUM, data, segment_ids, name)


def segment_mean(data, segment_ids, name=None):
    """Means of the rows of data per segment (0 for an empty one):

        gc.segment_mean([1.0, 3.0, 5.0], [0, 0, 1])   # [2.0, 5.0]
    """
    return _sorted(SEGMENT_MEAN, data, segment_ids, name)


def segment_max(data, segment_ids, name=None):
    """Maxima of the rows of data per segment (0 for an empty one):

        gc.segment_max([1, 3, 2, 5], [0, 0, 2, 2])   # [3, 0, 5]
    """
    return _sorted(SEGMENT_MAX, data, segment_ids, name)


def segment_min(data, segment_ids, name=None):
    """Minima of the rows of data per segment (0 for an empty one):

        gc.segment_min([1, 3, 2, 5], [0, 0, 1, 1])   # [1, 2]
    """
    return _sorted(SEGMENT_MIN, data, segment_ids, name)


def segment_prod(data, segment_ids, name=None):
    """Products of the rows of data per segment (1 for an empty one):

        gc.segment_prod([2, 3, 4], [0, 0, 2])   # [6, 1, 4]
    """
    return _sorted(SEGMENT_PROD, data, segment_ids, name)


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """out[i] = max of data[j...] over segment_ids[j...] == i; empty: the dtype's lowest:

        gc.unsorted_segment_max([1, 5, 2], [1, 0, 1], 3)   # [5, 2, -2147483648]
    """
    return _unsorted(UNSORTED_SEGMENT_MAX, data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """out[i] = min of data[j...] over segment_ids[j...] == i; empty: the dtype's highest:

        gc.unsorted_segment_min([1, 5, 2], [1, 0, 1], 2)   # [5, 1]
    """
    return _unsorted(UNSORTED_SEGMENT_MIN, data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """out[i] = product of data[j...] over segment_ids[j...] == i; empty: 1:

        gc.unsorted_segment_prod([2, 5, 3], [1, 0, 1], 3)   # [5, 6, 1]
    """
    return _unsorted(UNSORTED_SEGMENT_PROD, data, segment_ids, num_segments, name)


def _counted(data, segment_ids, num_segments):
    """(sum, count) per segment, count >= 1 and shaped to divide the sum, both of data's
    dtype (TF1's _unsorted_segment_N); negative ids dropped."""
    data, ids = convert_to_tensor(data), convert_to_tensor(segment_ids)
    valid = greater_equal(ids, 0)
    kept = select(_lead(valid, data), data, zeros_like(data))
    clipped = maximum(ids, 0)
    total = unsorted_segment_sum(kept, clipped, num_segments)
    count = unsorted_segment_sum(cast(valid, data.dtype), clipped, num_segments)
    return total, _lead(maximum(count, 1), data, lead=ids)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """out[i] = mean of data[j...] over segment_ids[j...] == i (0 for an empty one);
    integer data gives float64, as TF1's division does:

        gc.unsorted_segment_mean([1.0, 2.0, 4.0], [1, 0, 1], 3)   # [2.0, 2.5, 0.0]
    """
    total, count = _counted(data, segment_ids, num_segments)
    return divide(total, count, name=name)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """out[i] = sum of data[j...] over segment_ids[j...] == i, divided by sqrt(count):

        gc.unsorted_segment_sqrt_n([1.0, 2.0, 4.0], [1, 0, 1], 2)   # [2.0, 3.5355]
    """
    data = convert_to_tensor(data)
    if not data.dtype.is_floating:
        raise errors.DTypeError(
            f"unsorted_segment_sqrt_n: data must be floating point (sqrt of the counts)\n"
            f"  {errors.describe_tensor(data, data.node.name)}"
            + errors.called_at("unsorted_segment_sqrt_n"))
    total, count = _counted(data, segment_ids, num_segments)
    return divide(total, sqrt(count), name=name)
