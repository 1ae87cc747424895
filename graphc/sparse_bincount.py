"""gc.sparse.bincount (TF 2.x tf.sparse.bincount): per-row (axis=-1) or whole-input
(axis=0) counts of non-negative ints, as a SparseTensor of the values seen.

One op per input kind, as TF: DenseCountSparseOutput (values [n] or [batch, n]),
SparseCountSparseOutput (a SparseTensor; row = its first index) and
RaggedCountSparseOutput (a ragged [batch, (n)]). Each returns (indices, values,
dense_shape) holding, for every row and every value v seen in it, the count of v (or
the sum of its weights, or 1 with binary_output), rows then values ascending. The
counted width is max(value) + 1 (1 when there are no values), raised to minlength and
then cut to maxlength; values >= that width are dropped. Counts have no gradient (TF).
"""
import numpy as np

from . import dtypes, errors
from .graph import name_scope
from .ops.array import reshape
from .ops.core import convert_to_tensor
from .ops.creation import zeros
from .ops.registry import OpDef, apply, register
from .shapes import InferError
from .sparse import SparseTensor, SparseTensorValue

__all__ = ["bincount"]

_VALUE_DTYPES = (dtypes.int32, dtypes.int64)
_WEIGHT_DTYPES = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def _count(rows, nrows, values, weights, binary_output, minlength, maxlength):
    """(indices, values, dense_shape) of the counts of `values` in each row (rows None:
    one unbatched count)."""
    if values.size and values.min() < 0:
        raise errors.InvalidArgumentError(
            f"Input values must all be non-negative; got value {int(values.min())}")
    width = int(values.max()) + 1 if values.size else 1
    if minlength >= 0:
        width = max(width, minlength)
    if maxlength >= 0:
        width = min(width, maxlength)
    keep = values < width
    row = np.zeros(values.shape, np.int64) if rows is None else rows.astype(np.int64)
    row, v = row[keep], values[keep].astype(np.int64)
    w = None if weights.size == 0 else weights[keep]
    key = row * max(width, 1) + v
    uniq, inverse = np.unique(key, return_inverse=True)
    if binary_output:
        counts = np.ones(len(uniq), weights.dtype)
    elif w is None:
        counts = np.bincount(inverse, minlength=len(uniq)).astype(weights.dtype)
    else:
        counts = np.zeros(len(uniq), weights.dtype)
        np.add.at(counts, inverse, w)
    r, c = np.divmod(uniq, max(width, 1))
    if rows is None:
        return c.reshape(-1, 1), counts, np.array([width], np.int64)
    return np.stack([r, c], 1).astype(np.int64), counts, np.array([nrows, width], np.int64)


def _check_weights(w, values):
    if w.size and w.shape != values.shape:
        raise errors.InvalidArgumentError(
            f"Weights and values must have the same shape. Weight shape: {list(w.shape)}; "
            f"values shape: {list(values.shape)}")


def _dense_kernel(values, weights, *, binary_output, minlength, maxlength):
    _check_weights(weights, values)
    if values.ndim == 2:
        rows = np.repeat(np.arange(values.shape[0]), values.shape[1])
        return _count(rows, values.shape[0], values.reshape(-1), weights.reshape(-1),
                      binary_output, minlength, maxlength)
    if values.ndim != 1:
        raise errors.InvalidArgumentError(
            f"Input must be a 1 or 2-dimensional tensor. Got: {values.ndim}")
    return _count(None, 0, values, weights, binary_output, minlength, maxlength)


def _sparse_kernel(indices, values, dense_shape, weights, *, binary_output, minlength,
                   maxlength):
    _check_weights(weights, values)
    if len(dense_shape) == 1:
        return _count(None, 0, values, weights, binary_output, minlength, maxlength)
    return _count(indices[:, 0], int(dense_shape[0]), values, weights, binary_output,
                  minlength, maxlength)


def _ragged_kernel(splits, values, weights, *, binary_output, minlength, maxlength):
    _check_weights(weights, values)
    if len(splits) == 0 or splits[0] != 0 or splits[-1] != len(values) or \
            np.any(np.diff(splits) < 0):
        raise errors.InvalidArgumentError(
            f"Splits must start at 0, be non-decreasing and end at the number of values "
            f"({len(values)}); got {splits.tolist()}")
    rows = np.repeat(np.arange(len(splits) - 1), np.diff(splits))
    return _count(rows, len(splits) - 1, values, weights, binary_output, minlength,
                  maxlength)


def _check_types(values, weights, vi, wi):
    if values.dtype not in _VALUE_DTYPES:
        raise InferError(f"values {{{vi}}} must be int32 or int64, not {values.dtype.name}",
                         "dtype")
    if weights.dtype not in _WEIGHT_DTYPES:
        raise InferError(f"weights {{{wi}}} must be int32, int64, float32 or float64, not "
                         f"{weights.dtype.name}", "dtype")


def _outputs(rank, dtype):
    return [((None, rank), dtypes.int64), ((None,), dtype), ((rank,), dtypes.int64)]


def _infer_dense(ctx, values, weights, **_):
    _check_types(values, weights, 0, 1)
    r = values.shape.rank
    if r not in (None, 1, 2):
        raise InferError(f"values {{0}} must be 1-D or 2-D (a batch of rows), not of rank {r}")
    vd, wd = values.shape._dims, weights.shape._dims
    if vd is not None and wd is not None and wd != (0,) and (len(vd) != len(wd) or any(
            isinstance(a, int) and isinstance(b, int) and a != b for a, b in zip(vd, wd))):
        raise InferError("weights {1} must have the shape of values {0}")
    return _outputs(r, weights.dtype)


def _infer_sparse(ctx, indices, values, dense_shape, weights, **_):
    _check_types(values, weights, 1, 3)
    n = dense_shape.shape._dims[0] if dense_shape.shape.rank == 1 else None
    return _outputs(None if n is None else 1 if n == 1 else 2, weights.dtype)


def _infer_ragged(ctx, splits, values, weights, **_):
    _check_types(values, weights, 1, 2)
    if values.shape.rank not in (None, 1):
        raise InferError("the ragged values {1} must be 1-D (ragged_rank 1)")
    return _outputs(2, weights.dtype)


def _op(name, infer, kernel, operands):
    return register(OpDef(
        name, infer, kernel, api="sparse.bincount", differentiable=False,
        signature=f"{name}({operands}, *, binary_output, minlength, maxlength)",
        shape_rule="-> indices [nnz, rank], values [nnz], dense_shape [rank]",
        dtypes="values int32/int64; weights (and counts) int32/int64/float32/float64",
        doc="Counts of each value per row, as a SparseTensor's parts."))


DENSE_COUNT = _op("DenseCountSparseOutput", _infer_dense, _dense_kernel, "values, weights")
SPARSE_COUNT = _op("SparseCountSparseOutput", _infer_sparse, _sparse_kernel,
                   "indices, values, dense_shape, weights")
RAGGED_COUNT = _op("RaggedCountSparseOutput", _infer_ragged, _ragged_kernel,
                   "splits, values, weights")


def _kind(x):
    from .ragged_tensor import RaggedTensor
    if isinstance(x, SparseTensorValue):
        return SparseTensor(x.indices, x.values, x.dense_shape)
    if isinstance(x, (SparseTensor, RaggedTensor)):
        return x
    return convert_to_tensor(x)


def bincount(values, weights=None, axis=0, minlength=None, maxlength=None,
             binary_output=False, name=None):
    """Counts of each value in `values` (dense, SparseTensor or RaggedTensor of
    non-negative int32/int64), over everything (axis=0: a 1-D SparseTensor) or per row
    (axis=-1: [batch, width]); weights (of values' kind and shape) sums them instead;
    binary_output gives 1 for every value present (TF 2.x tf.sparse.bincount).

        sp = gc.sparse.bincount([[1, 2, 2], [0, 5, 5]], axis=-1)
        # indices [[0,1],[0,2],[1,0],[1,5]], values [1,2,1,2], dense_shape [2, 6]
    """
    from .ragged_tensor import RaggedTensor
    if axis is None:
        axis = 0
    if axis not in (0, -1):
        raise ValueError(f"Unsupported value for argument axis={axis}. Only 0 and -1 are "
                         "currently supported.")
    if weights is not None and binary_output:
        raise ValueError("Arguments `binary_output` and `weights` are mutually exclusive. "
                         "Please specify only one.")
    minlength = -1 if minlength is None else int(minlength)
    maxlength = -1 if maxlength is None else int(maxlength)
    if minlength < -1 or maxlength < -1:
        raise ValueError(f"sparse.bincount: minlength and maxlength must be >= 0 (or "
                         f"None), got {minlength} and {maxlength}")
    attrs = dict(binary_output=bool(binary_output), minlength=minlength,
                 maxlength=maxlength)
    with name_scope(name, "count"):
        values = _kind(values)
        weights = None if weights is None else _kind(weights)
        if isinstance(values, SparseTensor) and weights is not None and \
                not isinstance(weights, SparseTensor):
            raise ValueError("Argument `weights` must be a SparseTensor if `values` is a "
                             f"SparseTensor. Received weights={weights!r}")
        if isinstance(values, RaggedTensor) and weights is not None and \
                not isinstance(weights, RaggedTensor):
            raise ValueError("`weights` must be a RaggedTensor if `values` is a "
                             f"RaggedTensor. Received argument weights={weights!r}")
        if not isinstance(values, (SparseTensor, RaggedTensor)) and \
                isinstance(weights, (SparseTensor, RaggedTensor)):
            raise ValueError("`weights` must be a dense tensor when `values` is one")
        if weights is not None:
            weights = weights if not isinstance(values, SparseTensor) else weights.values
        if axis == 0:
            if isinstance(values, RaggedTensor):
                values, weights = values.flat_values, \
                    None if weights is None else weights.flat_values
            elif isinstance(values, SparseTensor):
                values = values.values
            values = reshape(values, [-1])
            weights = None if weights is None else reshape(weights, [-1])
        w = zeros([0], values.values.dtype if isinstance(values, (SparseTensor, RaggedTensor))
                  else values.dtype) if weights is None else weights
        if isinstance(values, SparseTensor):
            node = apply(SPARSE_COUNT, (values.indices, values.values, values.dense_shape, w),
                         **attrs)
        elif isinstance(values, RaggedTensor):
            if values.ragged_rank != 1:
                raise ValueError("sparse.bincount: a RaggedTensor must have ragged_rank 1, "
                                 f"not {values.ragged_rank}")
            node = apply(RAGGED_COUNT, (values.row_splits, values.values,
                                        w.values if isinstance(w, RaggedTensor) else w),
                         **attrs)
        else:
            node = apply(DENSE_COUNT, (values, w), **attrs)
        return SparseTensor(*node.outputs)
