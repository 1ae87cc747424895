"""TF GraphDef import of TF's sparse ops (what tf.sparse.*, embedding_lookup_sparse and
feature columns build): each op's (indices, values, dense_shape) inputs become a
graphc SparseTensor and the op graphc's gc.sparse function, whose result is split back
into TF's outputs. graphc builds these from dense ops, so its own graphs export them as
those ops; only SparseReshape, a graphc op, exports as TF's (tf_graphdef_export_more2.py).
A reduction's axes and a concat's dim must be known when the graph is built (Consts).
"""
import numpy as np

import graphc as gc

from ..sparse import SparseTensor
from ..sparse_ops import fill_empty_rows_ordered
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}
_op = table_op(OPS)


def _sp(indices, values, shape):
    return SparseTensor(indices, values, shape)


def _parts(sp, *names):
    return [getattr(sp, k) for k in names or ("indices", "values", "dense_shape")]


@_op("SparseToDense", "Tindices Tindices T T", "T")
def _to_dense(n, indices, shape, values, default):
    return gc.sparse_to_dense(indices, shape, values, default,
                              validate_indices=n.attr("validate_indices", True), name=n.name)


@_op("SparseTensorDenseMatMul", "Tindices T =int64 T", "T")
def _matmul(n, indices, values, shape, b):
    return gc.sparse.sparse_dense_matmul(
        _sp(gc.cast(indices, gc.int64), values, shape), b,
        adjoint_a=n.attr("adjoint_a", False), adjoint_b=n.attr("adjoint_b", False),
        name=n.name)


@_op("SparseTensorDenseAdd", "Tindices T Tindices T", "T")
def _dense_add(n, indices, values, shape, dense):
    return gc.identity(gc.sparse.add(_sp(gc.cast(indices, gc.int64), values,
                                         gc.cast(shape, gc.int64)), dense), name=n.name)


@_op("SparseAdd", "=int64 T =int64 =int64 T =int64 Treal", "=int64 T =int64")
def _add(n, ai, av, ash, bi, bv, bsh, thresh):
    return _parts(gc.sparse.add(_sp(ai, av, ash), _sp(bi, bv, bsh), threshold=thresh))


@_op("SparseConcat", "N*=int64 N*T N*=int64", "=int64 T =int64")
def _concat(n, *parts):
    k = n.attr("N")
    sps = [_sp(parts[i], parts[k + i], parts[2 * k + i]) for i in range(k)]
    return _parts(gc.sparse.concat(n.attr("concat_dim"), sps, name=n.name))


@_op("SparseFillEmptyRows", "=int64 T =int64 T", "=int64 T =bool =int64")
def _fill_empty_rows(n, indices, values, shape, default):
    sp, empty, order = fill_empty_rows_ordered(_sp(indices, values, shape), default,
                                               name=n.name)
    where = gc.invert_permutation(order)        # where each input entry went
    return _parts(sp, "indices", "values") + [
        empty, gc.cast(where[:gc.shape(indices)[0]], gc.int64)]


def _axes(n, axes):
    return [int(a) for a in np.ravel(n.static(axes, "reduction_axes"))]


@_op("SparseReduceSum SparseReduceMax", "=int64 T =int64 =int32", "T")
def _reduce(n, indices, values, shape, axes):
    fn = gc.sparse.reduce_sum if n.op == "SparseReduceSum" else gc.sparse.reduce_max
    return gc.identity(fn(_sp(indices, values, shape), axis=_axes(n, axes),
                          keepdims=n.attr("keep_dims", False)), name=n.name)


@_op("SparseReduceSumSparse SparseReduceMaxSparse", "=int64 T =int64 =int32",
     "=int64 T =int64")
def _reduce_sparse(n, indices, values, shape, axes):
    fn = gc.sparse.reduce_sum_sparse if n.op == "SparseReduceSumSparse" else \
        gc.sparse.reduce_max_sparse
    return _parts(fn(_sp(indices, values, shape), axis=_axes(n, axes),
                     keepdims=n.attr("keep_dims", False)))


@_op("SparseReorder", "=int64 T =int64", "=int64 T")
def _reorder(n, indices, values, shape):
    return _parts(gc.sparse.reorder(_sp(indices, values, shape), name=n.name),
                  "indices", "values")


@_op("SparseReshape", "=int64 =int64 =int64", "=int64 =int64")
def _reshape(n, indices, shape, new_shape):
    values = gc.zeros(gc.shape(indices)[:1], gc.int8)       # (the values pass unchanged)
    return _parts(gc.sparse.reshape(_sp(indices, values, shape), new_shape, name=n.name),
                  "indices", "dense_shape")


@_op("SparseSlice", "=int64 T =int64 =int64 =int64", "=int64 T =int64")
def _slice(n, indices, values, shape, start, size):
    return _parts(gc.sparse.slice(_sp(indices, values, shape), start, size, name=n.name))


@_op("SparseSoftmax", "=int64 T =int64", "T")
def _softmax(n, indices, values, shape):
    return gc.identity(gc.sparse.softmax(_sp(indices, values, shape)).values, name=n.name)


@_op("SparseSparseMaximum SparseSparseMinimum", "=int64 T =int64 =int64 T =int64",
     "=int64 T")
def _sparse_max_min(n, ai, av, ash, bi, bv, bsh):
    fn = gc.sparse.maximum if n.op == "SparseSparseMaximum" else gc.sparse.minimum
    return _parts(fn(_sp(ai, av, ash), _sp(bi, bv, bsh), name=n.name), "indices", "values")


_CWISE = {"SparseDenseCwiseMul": gc.multiply, "SparseDenseCwiseDiv": gc.divide,
          "SparseDenseCwiseAdd": gc.add}


@_op(" ".join(_CWISE), "=int64 T =int64 T", "T")
def _cwise(n, indices, values, shape, dense):
    """The op of each value and the dense element at its index (dense broadcast to the
    dense shape, as TF's kernels do)."""
    full = gc.broadcast_to(dense, shape)
    return _CWISE[n.op](values, gc.gather_nd(full, indices), name=n.name)


_SEGMENT = {"Sum": gc.sparse_segment_sum, "Mean": gc.sparse_segment_mean,
            "SqrtN": gc.sparse_segment_sqrt_n}


def _segment(n, data, indices, segment_ids, num_segments=None):
    fn = _SEGMENT[n.op[len("SparseSegment"):].replace("WithNumSegments", "")]
    return fn(data, indices, segment_ids, num_segments=num_segments, name=n.name,
              sparse_gradient=n.attr("sparse_gradient", False))


for _k in _SEGMENT:
    OPS["SparseSegment" + _k] = (("T", "Tidx", "Tsegmentids"), ("T",), _segment)
    OPS[f"SparseSegment{_k}WithNumSegments"] = (
        ("T", "Tidx", "Tsegmentids", "Tnumsegments"), ("T",), _segment)
