"""The index work of the sparse ops (gc.sparse): four integer OpDefs that decide which
entries go where. The values then follow by gather / unsorted_segment_sum, so every
gradient w.r.t. values comes from those dense ops (TF1's SparseSliceGrad,
SparseAddGrad... are exactly those gathers).

SparseValidateIndices: indices unchanged, or an error if out of range, out of order or
    repeated (TF1's validate_indices).
SparseGroupBy: the rows of an int64 key matrix [N, k] grouped: one group id per row and
    the distinct rows in row-major order (sparse add, maximum, reduce_*_sparse, softmax).
SparseSliceSelect: which entries fall in a box [start, start + size), their shifted
    indices and the box's dense shape (sparse_slice, sparse_split).
SparseReshape: TF1's op of the same name: the indices of the same entries in a new
    dense shape (one dim may be -1).
"""
import numpy as np

from . import dtypes
from .ops.registry import OpDef, register
from .shapes import InferError

_I64 = dtypes.int64


def _rank_of(indices, shape):
    """The sparse rank known from indices [N, r] or dense_shape [r], or None."""
    r = indices.shape._dims[1] if indices.shape.rank == 2 else None
    if isinstance(r, int):
        return r
    s = shape.shape._dims[0] if shape.shape.rank == 1 else None
    return s if isinstance(s, int) else None


def _index_str(row):
    return "[" + ",".join(str(int(v)) for v in row) + "]"


# ---- SparseValidateIndices ------------------------------------------------------------------
def _validate(indices, shape):
    """None if indices are in range, sorted and distinct, else the first problem."""
    if indices.ndim != 2 or shape.ndim != 1 or indices.shape[1] != shape.shape[0]:
        return (f"indices of shape {indices.shape} do not hold index tuples of the rank "
                f"{shape.size} of dense_shape")
    bad = np.flatnonzero(np.any((indices < 0) | (indices >= shape), axis=1))
    if bad.size:
        i = int(bad[0])
        return (f"indices[{i}] = {_index_str(indices[i])} is out of bounds: need 0 <= "
                f"index < {_index_str(shape)}")
    if len(indices) < 2:
        return None
    prev, cur = indices[:-1], indices[1:]
    diff = cur != prev
    first = np.argmax(diff, axis=1)                  # the first dim where they differ
    rows = np.arange(len(cur))
    same = ~diff.any(axis=1)
    down = diff.any(axis=1) & (cur[rows, first] < prev[rows, first])
    hit = np.flatnonzero(down | same)
    if hit.size:
        i = int(hit[0]) + 1
        what = "repeated" if same[i - 1] else "out of order"
        return (f"indices[{i}] = {_index_str(indices[i])} is {what}; many sparse ops need "
                f"indices in row-major order without repeats: use gc.sparse.reorder")
    return None


def _infer_validate(ctx, indices, shape):
    for i, t in enumerate((indices, shape)):
        if not t.dtype.is_integer:
            raise InferError(f"{{{i}}} must be int64, not {t.dtype.name}", kind="dtype")
    vi, vs = ctx.constant_value(indices), ctx.constant_value(shape)
    if vi is not None and vs is not None:
        why = _validate(np.asarray(vi), np.asarray(vs))
        if why is not None:
            raise InferError(why)
    return indices.shape, indices.dtype


def _validate_kernel(indices, shape):
    why = _validate(indices, shape)
    if why is not None:
        raise ValueError(why)
    return indices


VALIDATE = register(OpDef(
    "SparseValidateIndices", _infer_validate, _validate_kernel, differentiable=False,
    api="sparse_to_dense",
    signature="sparse_validate_indices(indices, dense_shape) -> indices",
    shape_rule="(n, r), (r,) -> (n, r)", dtypes="int64",
    doc="The indices unchanged, or an error naming the first index that is out of range, "
        "out of row-major order or repeated (TF1's validate_indices)."))


# ---- SparseGroupBy --------------------------------------------------------------------------
def _infer_group_by(ctx, keys):
    if keys.dtype is not _I64:
        raise InferError(f"keys {{0}} must be int64, not {keys.dtype.name}", kind="dtype")
    if keys.shape.rank not in (2, None):
        raise InferError(f"keys {{0}} must be 2-D [N, k], not of shape {keys.shape}")
    n, k = keys.shape._dims if keys.shape.rank == 2 else (None, None)
    return [((n,), _I64), ((None, k), _I64)]


def _group_by_kernel(keys):
    n, k = keys.shape
    if k == 0:                                   # one group holding every row
        g = 1 if n else 0
        return np.zeros(n, np.int64), np.zeros((g, 0), np.int64)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), uniq.astype(np.int64)


GROUP_BY = register(OpDef(
    "SparseGroupBy", _infer_group_by, _group_by_kernel, differentiable=False,
    api="sparse.reduce_sum_sparse",
    signature="sparse_group_by(keys) -> (group_ids, group_keys)",
    shape_rule="(n, k) -> ((n,), (g, k)); g unknown statically", dtypes="int64",
    doc="The distinct rows of an int64 key matrix in row-major order, and the group id of "
        "each row (the grouping behind sparse add, maximum, reduce_*_sparse, softmax)."))


# ---- SparseSliceSelect ----------------------------------------------------------------------
def _vector(ctx, t, i, what, r):
    if not t.dtype.is_integer:
        raise InferError(f"{what} {{{i}}} must be integers, not {t.dtype.name}", kind="dtype")
    if t.shape.rank not in (1, None):
        raise InferError(f"{what} {{{i}}} must be a vector, not of shape {t.shape}")
    n = t.shape._dims[0] if t.shape.rank == 1 else None
    if isinstance(n, int) and isinstance(r, int) and n != r:
        raise InferError(f"{what} {{{i}}} has {n} entries but the sparse tensor has rank {r}")


def _infer_slice(ctx, indices, shape, start, size):
    r = _rank_of(indices, shape)
    _vector(ctx, start, 2, "start", r)
    _vector(ctx, size, 3, "size", r)
    return [((None, r), _I64), ((None,), _I64), ((r,), _I64)]


def _slice_kernel(indices, shape, start, size):
    r = shape.size
    if start.shape != (r,) or size.shape != (r,):
        raise ValueError(f"sparse_slice: start {start.tolist()} and size {size.tolist()} "
                         f"must have one entry per dim of the rank-{r} sparse tensor")
    start, size = start.astype(np.int64), size.astype(np.int64)
    # end = min(start + size, shape), without overflowing a huge size
    end = np.where(size > shape - start, shape, start + size)
    keep = np.all((indices >= start) & (indices < end), axis=1)
    picked = np.flatnonzero(keep).astype(np.int64)
    return ((indices[picked] - start).astype(np.int64), picked,
            np.maximum(end - start, 0).astype(np.int64))


SLICE = register(OpDef(
    "SparseSliceSelect", _infer_slice, _slice_kernel, differentiable=False,
    api="sparse_slice",
    signature="sparse_slice_select(indices, dense_shape, start, size) "
              "-> (indices, picked, dense_shape)",
    shape_rule="(n, r), (r,), (r,), (r,) -> ((m, r), (m,), (r,))", dtypes="int64",
    doc="The entries inside the box [start, min(start + size, dense_shape)), in input "
        "order: their indices less start, their positions in the input, the box's shape."))


# ---- SparseReshape --------------------------------------------------------------------------
def _infer_reshape(ctx, indices, shape, new_shape):
    _vector(ctx, new_shape, 2, "new_shape", None)
    k = new_shape.shape._dims[0] if new_shape.shape.rank == 1 else None
    n = indices.shape._dims[0] if indices.shape.rank == 2 else None
    return [((n, k), _I64), ((k,), _I64)]


def _reshape_plan(shape, new_shape):
    """The output dense shape (the -1 resolved) or a ValueError."""
    new_shape = new_shape.astype(np.int64)
    unknown = np.flatnonzero(new_shape == -1)
    if unknown.size > 1:
        raise ValueError(f"sparse_reshape: at most one dim of the new shape "
                         f"{new_shape.tolist()} can be -1")
    if np.any(new_shape < -1):
        raise ValueError(f"sparse_reshape: the new shape {new_shape.tolist()} has a "
                         f"negative dim")
    size = int(np.prod(shape, dtype=np.int64))
    known = int(np.prod(new_shape[new_shape != -1], dtype=np.int64))
    out = new_shape.copy()
    if unknown.size:
        if known == 0 or size % known:
            raise ValueError(f"sparse_reshape: cannot reshape a sparse tensor of dense "
                             f"shape {shape.tolist()} ({size} elements) to "
                             f"{new_shape.tolist()}")
        out[unknown[0]] = size // known
    elif known != size:
        raise ValueError(f"sparse_reshape: cannot reshape a sparse tensor of dense shape "
                         f"{shape.tolist()} ({size} elements) to {new_shape.tolist()} "
                         f"({known} elements)")
    return out


def _strides(shape):
    """Row-major strides of a dense shape, as int64."""
    out = np.ones(len(shape), np.int64)
    if len(shape) > 1:
        out[:-1] = np.cumprod(shape[::-1][:-1], dtype=np.int64)[::-1]
    return out


def _reshape_kernel(indices, shape, new_shape):
    out = _reshape_plan(shape.astype(np.int64), new_shape)
    flat = indices.astype(np.int64) @ _strides(shape) if indices.size else \
        np.zeros(len(indices), np.int64)
    new = np.zeros((len(indices), len(out)), np.int64)
    for d, s in enumerate(_strides(out)):
        new[:, d], flat = np.divmod(flat, s)
    return new, out


RESHAPE = register(OpDef(
    "SparseReshape", _infer_reshape, _reshape_kernel, differentiable=False,
    api="sparse_reshape",
    signature="sparse_reshape(input_indices, input_shape, new_shape) "
              "-> (output_indices, output_shape)",
    shape_rule="(n, r), (r,), (k,) -> ((n, k), (k,))", dtypes="int64",
    doc="The indices of the same entries in a new dense shape of as many elements (one "
        "dim may be -1); the values do not change."))
