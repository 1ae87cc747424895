"""TF1's SparseTensor and the basic sparse ops (gc.sparse), built from dense ops so that
gradients come for free: to_dense is a scatter_nd, the sparse-dense matmul a gather of
b's rows scaled by the values and summed into rows (unsorted_segment_sum).

A SparseTensor (sparse_tensor.py, re-exported here) is a Python composite of three
tensors: int64 `indices` [N, rank], `values` [N] and int64 `dense_shape` [rank].
Session.run fetches one as a SparseTensorValue and feeds its three parts from one
(feeds.py, session.py: _as_parts).
"""
import numpy as np

from . import dtypes, errors
from .graph import control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import Assert
from .ops.core import constant, convert_to_tensor, identity
from .ops.creation import ones_like, range as range_, zeros_like
from .autodiff.sparse_grads import dense_rows
from .ops.gather import gather, unsorted_segment_sum
from .ops.join import concat as _concat
from .ops.broadcast import where
from .ops.scan import cumprod
from .ops.scatter import scatter_nd
from .ops.sorting import argsort
from .sparse_tensor import (SparseTensor, SparseTensorValue, _fail, _int64,  # noqa: F401
                            _sparse, sparse_placeholder)

__all__ = ["SparseTensor", "SparseTensorValue", "sparse_placeholder",
           "sparse_tensor_to_dense", "sparse_tensor_dense_matmul", "sparse_reduce_sum",
           "sparse_add", "sparse_reorder", "sparse_retain", "embedding_lookup_sparse",
           "to_dense", "reduce_sum", "add", "reorder", "retain", "sparse_dense_matmul",
           "matmul", "concat", "expand_dims", "eye", "fill_empty_rows", "from_dense",
           "maximum", "merge", "minimum", "reduce_max", "reduce_max_sparse",
           "reduce_sum_sparse", "reset_shape", "reshape", "segment_mean", "segment_sqrt_n",
           "segment_sum", "slice", "softmax", "split", "to_indicator", "transpose", "mask",
           "cross", "cross_hashed", "placeholder"]

placeholder = sparse_placeholder        # tf.sparse.placeholder


def _in_range(sp, api):
    """sp's indices, made to wait for a run-time check that 0 <= indices < dense_shape."""
    idx = sp.indices
    ok = R.reduce_all(E.logical_and(E.greater_equal(idx, 0), E.less(idx, sp.dense_shape)))
    check = Assert(ok, [f"{api}: indices out of range for dense_shape", sp.dense_shape,
                        "indices:", idx], name="check_indices")
    with control_dependencies([check]):
        return identity(idx)


def _checked(t, ok, message, *data):
    """t, made to wait for a run-time check that ok holds (else fails with message)."""
    check = Assert(ok, [message, *data], name="check_shapes")
    with control_dependencies([check]):
        return identity(t)


def _same_shape(a, b):
    """Whether the 1-D shapes a and b are equal, as a bool tensor; safe for different
    lengths (concat(a, b) == concat(b, a) entrywise, plus the lengths)."""
    n_a, n_b = A.reshape(A.size(a, out_type=a.dtype), [1]), A.reshape(
        A.size(b, out_type=a.dtype), [1])
    return R.reduce_all(E.equal(_concat([a, b, n_a], 0), _concat([b, a, n_b], 0)))


def sparse_tensor_to_dense(sp_input, default_value=None, validate_indices=True, name=None):
    """The dense tensor of sp_input: values at the indices, default_value elsewhere:
    `gc.sparse.to_dense(gc.SparseTensor([[0, 1]], [5.], [2, 2]))` is [[0, 5], [0, 0]].
    Out-of-range indices fail at run time. With validate_indices (TF1's default), so do
    indices out of row-major order or repeated (gc.sparse.reorder sorts them); without
    it, a repeated index keeps its last value."""
    sp = _sparse(sp_input, "sparse_tensor_to_dense")
    if validate_indices:
        from .sparse_plan import VALIDATE
        from .ops.registry import apply
        checked = SparseTensor(apply(VALIDATE, (sp.indices, sp.dense_shape)).outputs[0],
                               sp.values, sp.dense_shape)
        checked._static_shape, sp = sp._static_shape, checked
    if sp.dtype is dtypes.string:
        return _strings_to_dense(sp, default_value, name)
    with name_scope(name, "SparseToDense") as scope:
        from .sparse_ops import _scatter
        if default_value is None or isinstance(default_value, (int, float)) and \
                default_value == 0:
            return _scatter(sp.indices, sp.values, sp.dense_shape, name=scope)
        dense = _scatter(sp.indices, sp.values, sp.dense_shape)
        hit = scatter_nd(sp.indices, ones_like(sp.values, dtype=dtypes.int32),
                         sp.dense_shape)
        fill = convert_to_tensor(default_value, dtype=sp.dtype)
        from .ops.broadcast import select
        return select(E.greater(hit, 0), dense, zeros_like(dense) + fill, name=scope)


def _strings_to_dense(sp, default_value, name):
    """A string SparseTensor made dense: each position gathers its value, or the default
    (b"" unless given) where no index is (sparse_ops._gather_dense)."""
    from .sparse_ops import _gather_dense
    with name_scope(name, "SparseToDense") as scope:
        fill = b"" if default_value is None else default_value
        return _gather_dense(sp.indices, sp.values, sp.dense_shape, fill, name=scope)


def _known_rank(sp, api):
    """sp's static rank, or a ValueError naming api when it is unknown."""
    r = sp.rank
    if not isinstance(r, int):
        raise _fail(errors.ShapeError, api, "needs a SparseTensor of known rank (indices "
                                            "[N, rank] or dense_shape [rank] of known size)")
    return r


def _dims(sp):
    """The static dims of sp's dense shape (a tuple of int or None), None if rank unknown."""
    r = sp.rank
    if not isinstance(r, int):
        return None
    s = sp.shape
    if s.rank is None:
        return (None,) * r
    return tuple(d if isinstance(d, int) else None for d in s._dims)


def _rank(sp):
    """sp's rank as an int64 scalar computed at run time."""
    return A.shape(sp.dense_shape, out_type=dtypes.int64)[0]


def _row_major(indices, dense_shape):
    """The row-major flat index of each index tuple of indices [N, r] in dense_shape [r]:
    sum_k indices[:, k] * prod(dense_shape[k + 1:]) (any rank, known or not)."""
    strides = cumprod(dense_shape, exclusive=True, reverse=True)
    return R.reduce_sum(indices * strides, 1)


def _axis_mask(sp, axis, api):
    """int64 [rank]: 1 on the dims in axis (an int or a list; every dim when None), 0
    elsewhere, negative axes counting from the end. A constant when sp's rank is known
    (an axis out of range raises here), else computed at run time (and checked there)."""
    r = sp.rank
    axes = None if axis is None else np.atleast_1d(np.asarray(axis, np.int64)).reshape(-1)
    if isinstance(r, int):
        if axes is not None and np.any((axes < -r) | (axes >= r)):
            raise _fail(errors.ShapeError, api, f"axis {axis!r} out of range for rank {r}",
                        dense_shape=sp.dense_shape)
        hit = np.ones(r, bool) if axes is None else np.isin(np.arange(r), axes % r)
        return constant(hit.astype(np.int64))
    if axes is None:
        return ones_like(sp.dense_shape)
    rank, a = _rank(sp), constant(axes)
    ok = R.reduce_all(E.logical_and(E.greater_equal(a, -rank), E.less(a, rank)))
    check = Assert(ok, [f"{api}: axis {axis!r} out of range for rank", rank],
                   name="check_axis")
    with control_dependencies([check]):
        a = E.floormod(a, rank)
    hit = E.equal(A.expand_dims(range_(rank, dtype=dtypes.int64), 1), a)
    return E.cast(R.reduce_any(hit, 1), dtypes.int64)


def _reduction(sp, axis, keepdims, reduction_axes, keep_dims, api):
    """(group keys [N, k], dense shape [k] of the reduction of sp over axis, its static
    dims or None): the kept index columns, or with keepdims all columns, the reduced
    ones zeroed (dims of size 1)."""
    axis = reduction_axes if axis is None else axis
    keepdims = bool(keep_dims if keepdims is None else keepdims)
    gone = _axis_mask(sp, axis, api)
    if keepdims:
        keys = sp.indices * (1 - gone)
        shape = sp.dense_shape * (1 - gone) + gone
    else:
        cols = A.reshape(where(E.equal(gone, 0)), [-1])
        keys, shape = gather(sp.indices, cols, axis=1), gather(sp.dense_shape, cols)
    static = _dims(sp)
    if static is None:
        return keys, shape, [] if axis is None and not keepdims else None
    r = len(static)
    axes = range(r) if axis is None else {a % r for a in np.atleast_1d(axis).tolist()}
    dims = [1 if k in axes else static[k] for k in range(r)] if keepdims else \
        [static[k] for k in range(r) if k not in axes]
    return keys, shape, dims


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """The dense product A @ b of a rank-2 SparseTensor A [M, K] and a dense b [K, N]:
    each value a_ij scales row j of b into output row i (a gather and an
    unsorted_segment_sum, so gradients reach sp_a.values and b)."""
    api = "sparse_tensor_dense_matmul"
    sp = _sparse(sp_a, api)
    b = convert_to_tensor(b, dtype=sp.dtype)
    if sp.rank not in (2, None):
        raise _fail(errors.ShapeError, api, f"sp_a must be rank 2, not rank {sp.rank}",
                    indices=sp.indices, dense_shape=sp.dense_shape)
    if b.shape.rank not in (2, None):
        raise _fail(errors.ShapeError, api, f"b must be rank 2, not of shape {b.shape}",
                    b=b)
    with name_scope(name, "SparseTensorDenseMatMul"):
        if adjoint_b:
            b = A.transpose(b)
        idx = _in_range(sp, api)
        rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
        m_dim, k_dim = (1, 0) if adjoint_a else (0, 1)
        static = sp.shape
        k = static._dims[k_dim] if static.rank == 2 else None
        n_b = b.shape._dims[0] if b.shape.rank == 2 else None
        if isinstance(k, int) and isinstance(n_b, int) and k != n_b:
            raise _fail(errors.ShapeError, api, f"inner dimensions differ: sp_a has {k} "
                        f"(dim {k_dim}) but b has {n_b}", values=sp.values, b=b)
        m = static._dims[m_dim] if static.rank == 2 else None
        m = m if isinstance(m, int) else sp.dense_shape[m_dim]
        rows_b = A.shape(b, out_type=dtypes.int64)[0]
        cols = _checked(cols, E.equal(sp.dense_shape[k_dim], rows_b),
                        f"{api}: inner dimensions differ: sp_a (adjoint_a={adjoint_a}) has",
                        sp.dense_shape[k_dim], "(dense_shape:", sp.dense_shape, ") but b has",
                        rows_b)
        picked = dense_rows(b, cols) * A.expand_dims(sp.values, 1)     # b's gradient: dense
        return unsorted_segment_sum(picked, rows, m)


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, name=None, reduction_axes=None,
                      keep_dims=None):
    """The dense sum of sp_input's values over `axis` (all of them when None): for
    `sp` of dense shape (3, 4), `gc.sparse.reduce_sum(sp, 1)` has shape (3,)."""
    api = "sparse_reduce_sum"
    sp = _sparse(sp_input, api)
    axis = reduction_axes if axis is None else axis
    keepdims = bool(keep_dims if keepdims is None else keepdims)
    with name_scope(name, "SparseReduceSum"):
        if axis is None and not keepdims:
            return R.reduce_sum(sp.values)
        keys, shape, dims = _reduction(sp, axis, keepdims, None, None, api)
        total = unsorted_segment_sum(sp.values, _row_major(keys, shape), R.reduce_prod(shape))
        out = A.reshape(total, shape)
        if dims is not None:
            out.set_shape(dims)
        return out


def sparse_add(a, b, threshold=None, thresh=None):
    """a + b where one or both are SparseTensors (TF1). Sparse + dense is dense
    (repeated indices add up); sparse + sparse is a SparseTensor over the union of the
    entries in row-major order, dropping the sums of indices present in both with
    |sum| < threshold:

        gc.sparse_add(sp, sp, threshold=0.5)"""
    api = "sparse_add"
    threshold = thresh if threshold is None else threshold
    sa, sb = isinstance(a, (SparseTensor, SparseTensorValue)), \
        isinstance(b, (SparseTensor, SparseTensorValue))
    if sa and sb:
        from .sparse_math import sparse_add_sparse
        return sparse_add_sparse(a, b, threshold)
    if not (sa or sb):
        raise _fail(errors.DTypeError, api, "one of a and b must be a SparseTensor")
    sp, dense = (_sparse(a, api), b) if sa else (_sparse(b, api), a)
    dense = convert_to_tensor(dense, dtype=sp.dtype)
    with name_scope(None, "SparseTensorDenseAdd"):
        shape = A.shape(dense, out_type=dtypes.int64)
        idx = _checked(_in_range(sp, api), _same_shape(sp.dense_shape, shape),
                       f"{api}: the SparseTensor's dense_shape", sp.dense_shape,
                       "differs from the dense operand's shape", shape)
        return dense + scatter_nd(idx, sp.values, shape)


def sparse_reorder(sp_input, name=None):
    """sp_input with its entries in row-major order (TF1's canonical order)."""
    sp = _sparse(sp_input, "sparse_reorder")
    with name_scope(name, "SparseReorder"):
        order = argsort(_row_major(sp.indices, sp.dense_shape), stable=True)
        # the values' gradient stays dense (TF1's SparseReorder gradient gathers it)
        out = SparseTensor(gather(sp.indices, order), dense_rows(sp.values, order),
                           sp.dense_shape)
    out._static_shape = sp._static_shape
    return out


def sparse_retain(sp_input, to_retain):
    """The entries of sp_input where the bool vector to_retain [N] is true (a gather of
    them, as TF1: a variable's values get an IndexedSlices gradient)."""
    sp = _sparse(sp_input, "sparse_retain")
    keep = convert_to_tensor(to_retain, dtype=dtypes.bool_)
    kept = A.reshape(where(keep), [-1])
    out = SparseTensor(gather(sp.indices, kept), gather(sp.values, kept), sp.dense_shape)
    out._static_shape = sp._static_shape
    return out


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod",
                            name=None, combiner=None, max_norm=None):
    """One combined embedding per row of sp_ids [batch, ...] (TF1): the rows of params
    at the ids of the row, weighted by sp_weights' values (1 if None), combined by
    "sum", "mean" (sum / sum of weights) or "sqrtn" (sum / sqrt(sum of squared
    weights)). As TF1, the result has max(row) + 1 rows; an empty row in between is
    0, or NaN for a weighted mean/sqrtn (TF1's 0/0)."""
    from .ops.nn_extra import embedding_lookup
    api = "embedding_lookup_sparse"
    combiner = "mean" if combiner is None else combiner
    if combiner not in ("sum", "mean", "sqrtn"):
        raise _fail(errors.UsageError, api, f"combiner must be 'sum', 'mean' or 'sqrtn', not "
                                            f"{combiner!r}")
    sp_ids = _sparse(sp_ids, api)
    if not sp_ids.dtype.is_integer:
        raise _fail(errors.DTypeError, api, f"sp_ids must hold integer ids, not "
                    f"{sp_ids.dtype.name}", values=sp_ids.values)
    with name_scope(name, "embedding_lookup_sparse") as scope:
        rows = sp_ids.indices[:, 0]
        n = R.reduce_max(_concat([rows, convert_to_tensor([-1], dtype=dtypes.int64)], 0)) + 1
        emb = embedding_lookup(params, sp_ids.values, partition_strategy=partition_strategy,
                               max_norm=max_norm)
        r = emb.shape.rank
        if sp_weights is None:
            if combiner == "sum":
                return unsorted_segment_sum(emb, rows, n, name=scope)
            total = unsorted_segment_sum(emb, rows, n)
            count = unsorted_segment_sum(ones_like(rows, dtype=emb.dtype), rows, n)
            den = count if combiner == "mean" else E.sqrt(count)
            den = E.maximum(den, convert_to_tensor(1, dtype=emb.dtype))    # empty row: 0
        else:
            w = _sparse(sp_weights, api).values
            w = convert_to_tensor(w, dtype=emb.dtype)
            if r is None:
                raise _fail(errors.ShapeError, api, "weights need params of known rank")
            weighted = emb * A.reshape(w, [-1] + [1] * (r - 1))
            if combiner == "sum":
                return unsorted_segment_sum(weighted, rows, n, name=scope)
            total = unsorted_segment_sum(weighted, rows, n)
            den = unsorted_segment_sum(w if combiner == "mean" else E.square(w), rows, n)
            den = den if combiner == "mean" else E.sqrt(den)
        den = A.reshape(den, [-1] + [1] * (r - 1)) if r is not None else \
            A.expand_dims(den, 1)
        return E.divide(total, den, name=scope)


to_dense = sparse_tensor_to_dense
reduce_sum = sparse_reduce_sum
add = sparse_add
reorder = sparse_reorder
retain = sparse_retain
sparse_dense_matmul = sparse_tensor_dense_matmul
matmul = sparse_tensor_dense_matmul

# The rest of gc.sparse (sparse_ops.py and sparse_math.py import this module's names,
# which are all defined by now).
from .sparse_misc import (sparse_expand_dims as expand_dims, sparse_eye as eye,  # noqa
                          sparse_from_dense as from_dense)
from .sparse_ops import (sparse_concat as concat,  # noqa: E402
                         sparse_fill_empty_rows as fill_empty_rows, sparse_maximum as maximum,
                         sparse_merge as merge, sparse_minimum as minimum,
                         sparse_reduce_max as reduce_max,
                         sparse_reduce_max_sparse as reduce_max_sparse,
                         sparse_reduce_sum_sparse as reduce_sum_sparse,
                         sparse_reset_shape as reset_shape, sparse_reshape as reshape,
                         sparse_segment_mean as segment_mean,
                         sparse_segment_sqrt_n as segment_sqrt_n,
                         sparse_segment_sum as segment_sum, sparse_slice as slice,
                         sparse_softmax as softmax, sparse_split as split,
                         sparse_to_indicator as to_indicator, sparse_transpose as transpose)
from .indexed_slices import sparse_mask as mask  # noqa: E402,F401
from .sparse_cross import cross, cross_hashed  # noqa: E402,F401
from .accumulators import SparseConditionalAccumulator  # noqa: E402,F401 (tf.sparse has it)
from .sparse_bincount import *  # noqa: E402,F401,F403 (tf.sparse.bincount)
