"""TF1's sparse math: sparse + sparse (sparse_add), sparse_maximum/minimum,
sparse_reduce_max, sparse_reduce_{max,sum}_sparse, sparse_softmax and
sparse_segment_{sum,mean,sqrt_n}. Entries are grouped by SparseGroupBy (sparse_plan.py)
and the values combined by unsorted segment reductions, so gradients reach the values.

TF1's kernels assume row-major ordered inputs (their results are garbled otherwise);
these group by index, so ordered inputs give TF1's results and unordered ones the same
results as their reordered copies.
"""
import numpy as np

from . import dtypes, errors
from .graph import control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import Assert
from .autodiff.sparse_grads import dense_rows
from .ops.core import constant, convert_to_tensor, identity, stop_gradient
from .ops.creation import ones_like, range as range_
from .ops.gather import gather, unsorted_segment_sum
from .ops.join import concat
from .ops.mask import boolean_mask
from .ops.registry import apply
from .ops.segment import _lead, segment_sum, unsorted_segment_max
from .shapes import TensorShape
from .sparse import SparseTensor, _fail, _reduction, _sparse
from .sparse_plan import GROUP_BY

__all__ = ["sparse_maximum", "sparse_minimum", "sparse_reduce_max", "sparse_reduce_max_sparse",
           "sparse_reduce_sum_sparse", "sparse_softmax", "sparse_segment_sum",
           "sparse_segment_mean", "sparse_segment_sqrt_n"]


def _group(keys):
    """(group id per row of keys, the distinct rows in row-major order, their count)."""
    ids, uniq = apply(GROUP_BY, (keys,)).outputs
    return ids, uniq, A.shape(uniq, out_type=dtypes.int64)[0]


def _new(indices, values, dense_shape, static):
    out = SparseTensor(indices, values, dense_shape)
    out._static_shape = TensorShape(static)
    return out


def _same_shape(a, b, api):
    """b's dense shape, made to wait for a run-time check that it equals a's."""
    sa, sb = a.shape, b.shape
    if sa.rank is not None and sb.rank is not None and not sa.is_compatible_with(sb):
        raise _fail(errors.ShapeError, api, f"the operands' dense shapes {sa} and {sb} differ",
                    a_dense_shape=a.dense_shape, b_dense_shape=b.dense_shape)
    ok = R.reduce_all(E.equal(a.dense_shape, b.dense_shape))
    check = Assert(ok, [f"{api}: the operands' dense shapes differ", a.dense_shape,
                        b.dense_shape], name="check_shapes")
    with control_dependencies([check]):
        return identity(a.dense_shape), sa.merge_with(sb) if sa.rank is not None else sb


def _union(a, b, api):
    """(group ids of a's entries, of b's entries, union indices, groups, dense shape)."""
    a, b = _sparse(a, api), _sparse(b, api)
    if a.dtype is not b.dtype:
        raise _fail(errors.DTypeError, api, f"the operands' dtypes differ: {a.dtype.name} "
                    f"and {b.dtype.name}", a_values=a.values, b_values=b.values)
    shape, static = _same_shape(a, b, api)
    ids, uniq, g = _group(concat([a.indices, b.indices], 0))
    n_a = A.shape(a.indices, out_type=dtypes.int64)[0]
    n_b = A.shape(b.indices, out_type=dtypes.int64)[0]
    ids_a = gather(ids, range_(n_a, dtype=dtypes.int64))
    ids_b = gather(ids, range_(n_a, n_a + n_b, dtype=dtypes.int64))
    return a, b, ids_a, ids_b, uniq, g, shape, static


def sparse_add_sparse(a, b, threshold):
    """a + b of two SparseTensors: the union of their entries (row-major), values added;
    an index present in both is dropped when |sum| < threshold (TF1's SparseAdd)."""
    api = "sparse_add"
    with name_scope(None, "SparseAdd"):
        a, b, ids_a, ids_b, uniq, g, shape, static = _union(a, b, api)
        total = unsorted_segment_sum(a.values, ids_a, g) + unsorted_segment_sum(b.values,
                                                                                 ids_b, g)
        if threshold is None or (isinstance(threshold, (int, float)) and threshold <= 0):
            return _new(uniq, total, shape, static)
        # TF1 thresholds only the sums of entries present in both operands
        both = E.greater(unsorted_segment_sum(ones_like(ids_a), ids_a, g)
                         + unsorted_segment_sum(ones_like(ids_b), ids_b, g), 1)
        small = E.less(E.abs(total), convert_to_tensor(threshold, dtype=a.dtype))
        keep = E.logical_not(E.logical_and(both, small))
        return _new(boolean_mask(uniq, keep), boolean_mask(total, keep), shape, static)


def _binary_max_min(sp_a, sp_b, name, api, fn, op_name):
    with name_scope(name, op_name):
        a, b, ids_a, ids_b, uniq, g, shape, static = _union(sp_a, sp_b, api)
        # a missing entry counts as an implicit 0 (TF1)
        va = unsorted_segment_sum(a.values, ids_a, g)
        vb = unsorted_segment_sum(b.values, ids_b, g)
        return _new(uniq, fn(va, vb), shape, static)


def sparse_maximum(sp_a, sp_b, name=None):
    """The elementwise maximum of two SparseTensors of the same dense shape, over the
    union of their entries, a missing entry counting as 0 (TF1):
    `gc.sparse_maximum(a, b)` with a = {[0, 1]: -1}, b = {} gives {[0, 1]: 0}."""
    return _binary_max_min(sp_a, sp_b, name, "sparse_maximum", E.maximum,
                           "SparseSparseMaximum")


def sparse_minimum(sp_a, sp_b, name=None):
    """The elementwise minimum of two SparseTensors (see sparse_maximum)."""
    return _binary_max_min(sp_a, sp_b, name, "sparse_minimum", E.minimum,
                           "SparseSparseMinimum")


# ---- reductions -----------------------------------------------------------------------------
def sparse_reduce_max_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None):
    """The max of sp_input's values over axis, as a SparseTensor holding only the groups
    that have entries (TF1): `gc.sparse_reduce_max_sparse(sp, 1)` of a (3, 5) sp is a
    SparseTensor of dense shape (3,). Implicit zeros do not count."""
    return _reduce_sparse(sp_input, axis, keepdims, reduction_axes, keep_dims,
                          unsorted_segment_max, "sparse_reduce_max_sparse",
                          "SparseReduceMaxSparse")


def sparse_reduce_sum_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None):
    """The sum of sp_input's values over axis, as a SparseTensor holding the groups
    that have entries (TF1): `gc.sparse_reduce_sum_sparse(sp, 1, keepdims=True)`."""
    return _reduce_sparse(sp_input, axis, keepdims, reduction_axes, keep_dims,
                          unsorted_segment_sum, "sparse_reduce_sum_sparse",
                          "SparseReduceSumSparse")


def _reduce_sparse(sp_input, axis, keepdims, reduction_axes, keep_dims, segment_reduce,
                   api, scope):
    """The groups of sp_input's values over axis that have entries, each reduced by
    segment_reduce, as a SparseTensor."""
    sp = _sparse(sp_input, api)
    with name_scope(None, scope):
        keys, shape, dims = _reduction(sp, axis, keepdims, reduction_axes, keep_dims, api)
        ids, uniq, g = _group(keys)
        return _new(uniq, segment_reduce(sp.values, ids, g), shape, dims)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None,
                      keep_dims=None):
    """The dense max of sp_input's values over axis (TF1): implicit zeros do not count,
    and a group without entries is 0. `gc.sparse_reduce_max(sp, 1)` of a (3, 5) sp has
    shape (3,)."""
    api = "sparse_reduce_max"
    sp = _sparse(sp_input, api)
    with name_scope(None, "SparseReduceMax"):
        keys, shape, dims = _reduction(sp, axis, keepdims, reduction_axes, keep_dims, api)
        ids, uniq, g = _group(keys)
        top = unsorted_segment_max(sp.values, ids, g)
        if dims == []:                        # a scalar: at most one group
            return R.reduce_sum(top)
        from .sparse_ops import _scatter
        out = _scatter(uniq, top, shape, repeats=False)
        if dims is not None:
            out.set_shape(dims)
        return out


def sparse_softmax(sp_input, name=None):
    """The softmax of sp_input's values over its last dim, among the entries present
    (implicit zeros are not -inf... they are left out), same indices (TF1):
    entries [0, 1] = 1 and [0, 3] = 2 become 0.269 and 0.731."""
    api = "sparse_softmax"
    sp = _sparse(sp_input, api)
    if isinstance(sp.rank, int) and sp.rank < 2:
        raise ValueError(f"{api}: needs a SparseTensor of rank >= 2, not {sp.rank}")
    if not sp.dtype.is_floating:
        raise _fail(errors.DTypeError, api, f"values must be float, not {sp.dtype.name}",
                    values=sp.values)
    with name_scope(name, "SparseSoftmax"):
        ids, _, g = _group(sp.indices[:, :-1])    # the rows of the last dim
        top = unsorted_segment_max(stop_gradient(sp.values), ids, g)
        e = E.exp(sp.values - gather(top, ids))
        out = e / gather(unsorted_segment_sum(e, ids, g), ids)
        res = SparseTensor(sp.indices, out, sp.dense_shape)
        res._static_shape = sp._static_shape
        return res


# ---- sparse_segment_* -----------------------------------------------------------------------
def _segments(kind, data, indices, segment_ids, name, num_segments, sparse_gradient=False):
    api = f"sparse_segment_{kind}"
    with name_scope(name, f"SparseSegment{kind.title().replace('_', '')}"):
        data = convert_to_tensor(data)
        if kind != "sum" and not data.dtype.is_floating:
            raise _fail(errors.DTypeError, api, f"data must be float, not {data.dtype.name}",
                        data=data)
        # data's gradient: dense as TF1's, an IndexedSlices with sparse_gradient (TF2)
        picked = gather(data, indices) if sparse_gradient else dense_rows(data, indices)
        ids = convert_to_tensor(segment_ids)
        if not ids.dtype.is_integer:
            raise _fail(errors.DTypeError, api, f"segment_ids must be integers, not "
                        f"{ids.dtype.name}", segment_ids=ids)
        out_dtype = data.dtype
        if out_dtype is dtypes.float16:         # TF's kernel adds half in float32
            picked = E.cast(picked, dtypes.float32)
        ones = ones_like(ids, dtype=picked.dtype)
        if num_segments is None:
            total, count = segment_sum(picked, ids), segment_sum(ones, ids)
        else:
            ok = E.logical_and(R.reduce_all(E.greater_equal(ids[1:], ids[:-1])),
                               R.reduce_all(E.greater_equal(ids, 0)))
            check = Assert(ok, [f"{api}: segment ids must be >= 0 and sorted", ids],
                           name="check_segment_ids")
            with control_dependencies([check]):
                ids = identity(ids)
            total = unsorted_segment_sum(picked, ids, num_segments)
            count = unsorted_segment_sum(ones, ids, num_segments)
        if kind != "sum":
            count = E.maximum(count, constant(np.ones((), picked.dtype.np)))
            den = count if kind == "mean" else E.sqrt(count)
            total = total / _lead(den, total)
        return total if total.dtype is out_dtype else E.cast(total, out_dtype)


def sparse_segment_sum(data, indices, segment_ids, name=None, num_segments=None,
                       sparse_gradient=False):
    """segment_sum(gather(data, indices), segment_ids) (TF1): sorted segment ids; the
    result has num_segments rows, or max(segment_ids) + 1:

        gc.sparse_segment_sum(x, [0, 2, 1], [0, 0, 1])   # [x0 + x2, x1]"""
    return _segments("sum", data, indices, segment_ids, name, num_segments,
                     sparse_gradient)


def sparse_segment_mean(data, indices, segment_ids, name=None, num_segments=None,
                        sparse_gradient=False):
    """The mean of the rows data[indices] in each segment, 0 for an empty one (TF1):
    `gc.sparse_segment_mean(x, [0, 2], [0, 0])` is [(x0 + x2) / 2]."""
    return _segments("mean", data, indices, segment_ids, name, num_segments,
                     sparse_gradient)


def sparse_segment_sqrt_n(data, indices, segment_ids, name=None, num_segments=None,
                          sparse_gradient=False):
    """The sum of the rows data[indices] in each segment over sqrt(its size) (TF1):
    `gc.sparse_segment_sqrt_n(x, [0, 2], [0, 0])` is [(x0 + x2) / sqrt(2)]."""
    return _segments("sqrt_n", data, indices, segment_ids, name, num_segments,
                     sparse_gradient)
