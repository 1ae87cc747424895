"""Counting and searching (TF1): set difference (setdiff1d: ListDiff), bincount,
searchsorted (LowerBound, UpperBound) and histogram_fixed_width. Integer results, not
differentiable (bincount's weights are, through unsorted_segment_sum). Moved from
math_extra.py unchanged.
"""
import collections

import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError
from .array import reshape
from .core import constant, convert_to_tensor
from .elementwise import less, maximum, minimum, operands, select
from .indexing import _int_index, scalar_dim, unsorted_segment_sum
from .join import concat
from .reduce import reduce_max
from .registry import OpDef, apply, apply1, register

__all__ = ["setdiff1d", "bincount", "searchsorted", "histogram_fixed_width"]


def _scalar(t, i, what):
    if t.shape.rank not in (0, None):
        raise InferError(f"{what} {{{i}}} must be a scalar, not of shape {t.shape}")


# ---- setdiff1d: ListDiff ------------------------------------------------------------------
def _infer_list_diff(ctx, x, y, *, out_idx):
    ctx.same_dtype()
    for i, t in enumerate((x, y)):
        if t.shape.rank not in (1, None):
            raise InferError(f"{{{i}}} must be 1-D, not of shape {t.shape}")
    vx, vy = ctx.constant_value(x), ctx.constant_value(y)
    k = None if vx is None or vy is None else int(np.count_nonzero(~np.isin(vx, vy)))
    return [((k,), x.dtype), ((k,), out_idx)]


def _list_diff_kernel(x, y, *, out_idx):
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"setdiff1d: x and y must be 1-D, got shapes {x.shape} and {y.shape}")
    keep = ~np.isin(x, y)
    return x[keep], np.flatnonzero(keep).astype(out_idx.np)


LIST_DIFF = register(OpDef(
    "ListDiff", _infer_list_diff, _list_diff_kernel, differentiable=False, api="setdiff1d",
    signature="setdiff1d(x, y, index_dtype=int32, name=None) -> (out, idx)",
    shape_rule="(n,), (m,) -> ((k,), (k,)); k unknown statically",
    dtypes="any (x, y same); idx index_dtype",
    doc="The elements of x that are not in y, in x's order (repeats kept), and their "
        "positions in x."))

ListDiff = collections.namedtuple("ListDiff", ["out", "idx"])


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """(out, idx): the values of 1-D x not in y, in order, and out == gather(x, idx):

        out, idx = gc.setdiff1d([1, 2, 3, 4, 5, 6], [1, 3, 5])     # [2, 4, 6], [1, 3, 5]
    """
    index_dtype = dtypes.as_dtype(index_dtype)
    if index_dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"setdiff1d: index_dtype must be int32 or int64, not "
                        f"{index_dtype.name}")
    x, y = operands(x, y, "setdiff1d")
    return ListDiff(*apply(LIST_DIFF, (x, y), name=name, out_idx=index_dtype).outputs)


# ---- bincount -----------------------------------------------------------------------------
_BIN_DTYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def _infer_bincount(ctx, arr, size, *, dtype):
    _int_index(ctx, 0, arr, "arr")
    _int_index(ctx, 1, size, "size")
    _scalar(size, 1, "size")
    n = ctx.constant_value(size)
    if n is not None and n < 0:
        raise InferError(f"size {{1}} must be >= 0, got {int(n)}")
    return (scalar_dim(size),), dtype


def _bincount_kernel(arr, size, *, dtype):
    n, a = int(size), arr.reshape(-1)
    if n < 0:
        raise ValueError(f"bincount: size must be >= 0, got {n}")
    if a.size and a.min() < 0:
        raise ValueError(f"bincount: arr must be non-negative, got {a.min()}")
    return np.bincount(a[a < n], minlength=n).astype(dtype.np)


BINCOUNT = register(OpDef(
    "Bincount", _infer_bincount, _bincount_kernel, differentiable=False, api="bincount",
    signature="bincount(arr, weights=None, minlength=None, maxlength=None, dtype=int32)",
    shape_rule="(size,)", dtypes="arr int -> dtype",
    doc="How often each of 0..size-1 occurs in arr (values >= size are skipped; negative "
        "ones are an error); the weighted form is an unsorted_segment_sum."))


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32,
             name=None):
    """out[i] = how many entries of arr equal i (the sum of their weights, if given);
    len(out) = max(arr) + 1 (0 for an empty arr), at least minlength, at most maxlength
    (larger values are skipped):

        gc.bincount([1, 1, 2, 3, 2, 4, 4, 5])      # [0, 2, 2, 1, 2, 1]
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in _BIN_DTYPES:
        raise TypeError(f"bincount: dtype must be one of int32, int64, float32, float64, "
                        f"not {dtype.name}")
    with name_scope(name, "bincount"):
        arr = convert_to_tensor(arr, dtype_hint=dtypes.int32)
        if isinstance(minlength, int) and minlength == maxlength:   # a static length
            size = convert_to_tensor(minlength, dtype=arr.dtype)
        else:       # max(arr) + 1, and 0 for an empty arr: the max of arr and -1, plus 1
            size = reduce_max(concat([reshape(arr, [-1]), constant([-1], arr.dtype)], 0)) + 1
            if minlength is not None:
                size = maximum(size, minlength)
            if maxlength is not None:
                size = minimum(size, maxlength)
        if weights is None:
            return apply1(BINCOUNT, (arr, size), dtype=dtype)
        ids = select(less(arr, size), arr, -1)       # a negative id is dropped
        return unsorted_segment_sum(convert_to_tensor(weights), ids, size)


# ---- searchsorted: LowerBound, UpperBound -------------------------------------------------
def _infer_bound(ctx, seq, values, *, out_type):
    ctx.same_dtype()
    ctx.require(0, "numeric")
    sd, vd = seq.shape._dims, values.shape._dims
    for i, d in ((0, sd), (1, vd)):
        if d is not None and not d:
            raise InferError(f"{{{i}}} must have at least one dim (rows on the last dim)")
    if sd is None or vd is None:
        return values.shape, out_type
    if len(sd) != len(vd):
        raise InferError(f"sorted_sequence {{0}} and values {{1}} must have the same rank "
                         f"(the same leading dims), not {len(sd)} and {len(vd)}")
    what = (f"sorted_sequence {{{{0}}}} and values {{{{1}}}} must have the same leading "
            f"dims, not {seq.shape} and {values.shape}")
    lead = tuple(ctx.merge_dims(a, b, what) for a, b in zip(sd[:-1], vd[:-1]))
    return lead + vd[-1:], out_type


def _bound_kernel(side):
    def kernel(seq, values, *, out_type):
        if seq.ndim != values.ndim or seq.shape[:-1] != values.shape[:-1]:
            raise ValueError(f"searchsorted: the leading dims of sorted_sequence "
                             f"{seq.shape} and values {values.shape} differ")
        n = int(np.prod(values.shape[:-1]))         # explicit: -1 is ambiguous when empty
        rows_s = seq.reshape(n, seq.shape[-1])
        rows_v = values.reshape(n, values.shape[-1])
        out = np.empty(rows_v.shape, out_type.np)
        for k in range(len(rows_v)):                # one binary search per row
            out[k] = np.searchsorted(rows_s[k], rows_v[k], side)
        return out.reshape(values.shape)
    return kernel


def _bound_op(name, side, doc):
    return register(OpDef(
        name, _infer_bound, _bound_kernel(side), differentiable=False, api="searchsorted",
        signature=f"searchsorted(sorted_sequence, values, side='{side}', out_type=int32, "
                  "name=None)",
        shape_rule="(..., m), (..., k) -> (..., k)", dtypes="numeric (both same) -> out_type",
        doc=doc))


LOWER_BOUND = _bound_op("LowerBound", "left", "For each value, the first index in its row "
                        "of sorted_sequence whose entry is >= it (row-wise on the last dim).")
UPPER_BOUND = _bound_op("UpperBound", "right", "For each value, the first index in its row "
                        "of sorted_sequence whose entry is > it (row-wise on the last dim).")


def searchsorted(sorted_sequence, values, side="left", out_type=dtypes.int32, name=None):
    """Where each value would go in its row (last dim) of sorted_sequence to keep it
    sorted; leading dims are rows and must match:

        gc.searchsorted([[0, 3, 9, 10], [1, 2, 3, 4]], [[2, 10], [0, 9]])   # [[1, 3], [0, 4]]
    side="right" puts a value after the entries equal to it.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be either 'right' or 'left'.  Saw: {side}.")
    out_type = dtypes.as_dtype(out_type)
    if out_type not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"searchsorted: out_type must be int32 or int64, not {out_type.name}")
    seq, values = operands(sorted_sequence, values, "searchsorted")
    return apply1(LOWER_BOUND if side == "left" else UPPER_BOUND, (seq, values), name=name,
                  out_type=out_type)


# ---- histogram_fixed_width ----------------------------------------------------------------
def _infer_histogram(ctx, values, value_range, nbins, *, dtype):
    ctx.same_dtype(0, 1)
    ctx.require(0, "numeric")
    _int_index(ctx, 2, nbins, "nbins")
    _scalar(nbins, 2, "nbins")
    vr = value_range.shape
    if vr.rank is not None and (vr.rank != 1 or not ctx.compatible(vr._dims[0], 2)):
        raise InferError(f"value_range {{1}} must have shape (2,), not {vr}")
    n, r = ctx.constant_value(nbins), ctx.constant_value(value_range)
    if n is not None and n <= 0:
        raise InferError(f"nbins {{2}} must be > 0, got {int(n)}")
    if r is not None and not r[0] < r[1]:
        raise InferError(f"value_range {{1}} must have value_range[0] < value_range[1], "
                         f"got {r.tolist()}")
    return (scalar_dim(nbins),), dtype


def _histogram_kernel(values, value_range, nbins, *, dtype):
    n, (lo, hi), v = int(nbins), value_range, values.reshape(-1)
    if n <= 0 or not lo < hi:
        raise ValueError(f"histogram_fixed_width: needs nbins > 0 and value_range[0] < "
                         f"value_range[1], got {n} and {value_range.tolist()}")
    if v.dtype.kind == "f" and np.isnan(v).any():
        raise ValueError("histogram_fixed_width: values must not contain NaN")
    # TF1's kernel: step = (hi - lo) / nbins in double; the bin of x is
    # int(min((max(x, lo) - lo) / step, nbins - 1)): out-of-range values go to the edges
    step = float(hi - lo) / n
    idx = np.minimum((np.maximum(v, lo) - lo).astype(np.float64) / step, n - 1)
    return np.bincount(idx.astype(np.int64), minlength=n).astype(dtype.np)


HISTOGRAM_FIXED_WIDTH = register(OpDef(
    "HistogramFixedWidth", _infer_histogram, _histogram_kernel, differentiable=False,
    api="histogram_fixed_width",
    signature="histogram_fixed_width(values, value_range, nbins=100, dtype=int32, "
              "name=None)",
    shape_rule="(nbins,)", dtypes="numeric (values, value_range same) -> dtype",
    doc="Counts of values in nbins equal bins over value_range; values below or above "
        "the range count in the first or last bin."))


def histogram_fixed_width(values, value_range, nbins=100, dtype=dtypes.int32, name=None):
    """How many of values fall in each of nbins equal-width bins over [lo, hi]
    (value_range); values out of the range are counted in the edge bins:

        gc.histogram_fixed_width([-1.0, 0.0, 1.5, 2.0, 5.0, 15], [0.0, 5.0], nbins=5)
        # [2, 1, 1, 0, 2]
    """
    dtype = dtypes.as_dtype(dtype)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"histogram_fixed_width: dtype must be int32 or int64, not "
                        f"{dtype.name}")
    values, value_range = operands(values, value_range, "histogram_fixed_width")
    return apply1(HISTOGRAM_FIXED_WIDTH, (values, value_range,
                                          convert_to_tensor(nbins, dtype_hint=dtypes.int32)),
                  name=name, dtype=dtype)
