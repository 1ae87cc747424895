"""More of the import table (tf_graphdef_ops.py's form): Bucketize (bucketized feature
columns), a TF1 Saver's SaveV2/RestoreV2/MergeV2Checkpoints/ShardedFilename, and the
gradient ops of the sparse segment reductions that TF's gradient code
writes for embedding_column / linear_model (SparseSegmentSum/Mean/SqrtNGrad and their
V2 forms). Each is built from graphc ops with TF's CPU kernel's arithmetic, so graphc
differentiates it again.
"""
import graphc as gc

from ..ops import checkpoint_ops as CK
from ..ops.registry import apply
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}
_op = table_op(OPS)


@_op("Bucketize", "T", "=int32")
def _bucketize(n, x):
    """The number of boundaries <= x (std::upper_bound over the float boundaries). TF
    compares a float boundary with an integer input as float32, with a double as double."""
    boundaries = [float(b) for b in n.attr("boundaries")]
    if not boundaries:
        return gc.zeros_like(x, dtype=gc.int32, name=n.name)
    if x.dtype != gc.float64:
        x = gc.cast(x, gc.float32)
    b = gc.cast(gc.constant(boundaries, dtype=gc.float32), gc.float64)
    below = gc.logical_not(gc.less(gc.expand_dims(gc.cast(x, gc.float64), -1), b))
    return gc.reduce_sum(gc.cast(below, gc.int32), axis=-1, name=n.name)


# ---- gradients of SparseSegmentSum / Mean / SqrtN -----------------------------------------
_KIND = {"Sum": "sum", "Mean": "mean", "SqrtN": "sqrtn"}


def _scaled_rows(kind, grad, segment_ids):
    """Row i of the result is grad[segment_ids[i]] * scale[segment_ids[i]], the scale
    1 (sum), 1/max(count, 1) (mean) or 1/sqrt(max(count, 1)) (sqrtn), count the number
    of rows of segment s; TF computes the scale in double and casts it to T."""
    rows = gc.gather(grad, segment_ids)
    if kind == "sum":
        return rows
    ones = gc.ones_like(segment_ids, dtype=gc.float64)
    count = gc.maximum(gc.unsorted_segment_sum(ones, segment_ids, gc.shape(grad)[0]), 1.0)
    scale = 1.0 / (count if kind == "mean" else gc.sqrt(count))
    scale = gc.cast(gc.gather(scale, segment_ids), grad.dtype)
    trailing = gc.ones_like(gc.shape(grad)[1:])
    return rows * gc.reshape(scale, gc.concat([[-1], trailing], 0))


def _segment_grad(n, grad, indices, segment_ids, output_dim0):
    """output[indices[i]] += grad[segment_ids[i]] * scale (TF's SparseSegment*Grad)."""
    kind = _KIND[n.op[len("SparseSegment"):-len("Grad")]]
    rows = _scaled_rows(kind, grad, segment_ids)
    return gc.unsorted_segment_sum(rows, indices, output_dim0, name=n.name)


def _segment_grad_v2(n, grad, indices, segment_ids, dense_output_dim0):
    """(values, sorted_unique_indices): the rows of the V1 gradient at the distinct
    indices, in increasing order of index (TF's SparseSegment*GradV2)."""
    kind = _KIND[n.op[len("SparseSegment"):-len("GradV2")]]
    rows = _scaled_rows(kind, grad, segment_ids)
    unique = gc.unique(gc.sort(indices))[0]
    position = gc.searchsorted(unique, indices)
    values = gc.unsorted_segment_sum(rows, position, gc.size(unique))
    return values, unique


for _kind in _KIND:
    _op(f"SparseSegment{_kind}Grad", "T Tidx Tsegmentids =int32", "T")(_segment_grad)
    _op(f"SparseSegment{_kind}GradV2", "T Tidx Tsegmentids =int32", "T Tidx")(
        _segment_grad_v2)


# ---- a TF1 Saver's nodes (ops/checkpoint_ops.py) ------------------------------------------
@_op("SaveV2", "=string =string =string *dtypes", "")
def _save_v2(n, prefix, names, slices, *tensors):
    return apply(CK.SAVE_V2, (prefix, names, slices, *tensors), name=n.name)


@_op("RestoreV2", "=string =string =string", "*dtypes")
def _restore_v2(n, prefix, names, slices):
    node = apply(CK.RESTORE_V2, (prefix, names, slices), name=n.name,
                 dtypes=tuple(n.attr("dtypes")))
    return list(node.outputs)


@_op("MergeV2Checkpoints", "=string =string", "")
def _merge_v2(n, prefixes, destination):
    return apply(CK.MERGE_V2_CHECKPOINTS, (prefixes, destination), name=n.name,
                 delete_old_dirs=n.attr("delete_old_dirs", True),
                 allow_missing_files=n.attr("allow_missing_files", False))


@_op("ShardedFilename", "=string =int32 =int32", "=string")
def _sharded_filename(n, basename, shard, num_shards):
    return apply(CK.SHARDED_FILENAME, (basename, shard, num_shards), name=n.name).outputs[0]
