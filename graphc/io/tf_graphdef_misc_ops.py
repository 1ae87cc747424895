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


# ---- what TF 2's Keras preprocessing (TextVectorization, ragged rows) builds ------------
# (its bincounts: tf_graphdef_import_more5.py)
@_op("RaggedTensorToTensor", "Tshape T T num_row_partition_tensors*Tindex", "T")
def _ragged_to_tensor(n, shape, values, default, *partitions):
    """RaggedTensor.to_tensor: the ragged tensor of values and its row partitions
    (ROW_SPLITS, outermost first; or FIRST_DIM_SIZE and one VALUE_ROWIDS), padded with
    default_value to `shape` (-1: the bounding size; a constant)."""
    kinds = [k.decode() if isinstance(k, bytes) else k
             for k in n.attr("row_partition_types", [])]
    n.attr("num_row_partition_tensors")
    if kinds and all(k == "ROW_SPLITS" for k in kinds):
        rt = values
        for splits in reversed(partitions):
            rt = gc.RaggedTensor.from_row_splits(rt, splits, validate=False)
    elif kinds == ["FIRST_DIM_SIZE", "VALUE_ROWIDS"]:
        rt = gc.RaggedTensor.from_value_rowids(values, partitions[1], nrows=partitions[0],
                                               validate=False)
    else:
        raise n.fail(f"row_partition_types {kinds}: graphc imports ROW_SPLITS, or "
                     "FIRST_DIM_SIZE and one VALUE_ROWIDS")
    want = n.static(shape, "shape")
    want = None if want.ndim == 0 else [None if d < 0 else int(d) for d in want.tolist()]
    #   (a scalar -1: TF's "no shape", the bounding shape)
    return gc.identity(rt.to_tensor(default_value=default, shape=want), name=n.name)


# ---- more of TF1 training graphs' ops (orthogonal_initializer, LRN, resize, morphology)
for _name, _ins, _fn in (("DiagPart", ("T",), gc.diag_part), ("Diag", ("T",), gc.diag),
                         ("ClipByValue", ("T",) * 3, gc.clip_by_value),
                         ("Xlogy", ("T",) * 2, gc.math.xlogy),
                         ("Xdivy", ("T",) * 2, gc.math.xdivy)):
    OPS[_name] = (_ins, ("T",), lambda n, *xs, f=_fn: f(*xs, name=n.name))


@_op("EnsureShape", "T", "T")
def _ensure_shape(n, x):
    return gc.ensure_shape(x, n.attr("shape"), name=n.name)


@_op("RandomGammaGrad", "T T", "T")
def _random_gamma_grad(n, alpha, sample):
    from ..ops.random_extra import random_gamma_grad
    return random_gamma_grad(alpha, sample, name=n.name)


def _vjp(n, forward, x, g):
    """TF's gradient op of a forward op: graphc's gradient of forward(x) w.r.t. x with
    cotangent g (the forward op recomputed inside; its other inputs behind
    stop_gradient, so a path from x through them is not counted: TF's graph has it)."""
    (d,) = gc.gradients(forward(x), [x], grad_ys=[g])
    return gc.identity(gc.convert_to_tensor(d), name=n.name)


@_op("LRNGrad", "T T T", "T")
def _lrn_grad(n, grads, image, output):
    del output                              # (recomputed from image)
    return _vjp(n, lambda x: gc.nn.lrn(
        x, depth_radius=n.attr("depth_radius", 5), bias=n.attr("bias", 1.0),
        alpha=n.attr("alpha", 1.0), beta=n.attr("beta", 0.5)), image, grads)


@_op("ResizeBicubicGrad", "=float32 T", "T")
def _resize_bicubic_grad(n, grads, image):
    size = gc.shape(grads)[1:3]
    return _vjp(n, lambda x: gc.image.resize_bicubic(
        x, size, align_corners=n.attr("align_corners", False),
        half_pixel_centers=n.attr("half_pixel_centers", False)), image, grads)


@_op("Dilation2DBackpropInput", "T T T", "T")
def _dilation2d_backprop_input(n, image, kernel, grads):
    return _vjp(n, lambda x: gc.nn.dilation2d(
        x, gc.stop_gradient(kernel), strides=n.attr("strides"), rates=n.attr("rates"),
        padding=n.attr("padding")), image, grads)


@_op("Dilation2DBackpropFilter", "T T T", "T")
def _dilation2d_backprop_filter(n, image, kernel, grads):
    return _vjp(n, lambda k: gc.nn.dilation2d(
        gc.stop_gradient(image), k, strides=n.attr("strides"), rates=n.attr("rates"),
        padding=n.attr("padding")), kernel, grads)


@_op("Dilation2D", "T T", "T")
def _dilation2d(n, image, kernel):
    return gc.nn.dilation2d(image, kernel, strides=n.attr("strides"), rates=n.attr("rates"),
                            padding=n.attr("padding"), name=n.name)
