"""The import table's fifth batch (tf_graphdef_ops.py's form): ops TF 2 SavedModels emit
for graphc ops that had no importer. Non-max suppression V1-V4 (graphc's
NonMaxSuppressionV5 with sigma 0), ResizeBicubic / ResizeArea, RGBToHSV / HSVToRGB,
ExtractImagePatches, DenseBincount, RaggedBincount and SparseBincount (Keras
TextVectorization's multi_hot / count / tf_idf), and StatelessRandomGetKeyCounter(Alg) /
StatelessRandomGetAlg (tf.random.stateless_* in TF 2: the Philox key and counter of a
seed, TF's bits).

Refused, with its reason: a seed of StatelessRandomGetKeyCounter known only at run time
(graphc derives Philox keys from seeds when the graph is built). ScaleAndTranslate
imports in tf_graphdef_scale.py.
"""
import numpy as np

import graphc as gc

from ..ops.random_stateless_philox import key_counter
from ..ops.registry import REGISTRY, apply
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}

_op = table_op(OPS)


# ---- non-max suppression ----------------------------------------------------------------
def _nms(n, boxes, scores, max_out, iou, score_threshold, pad=False):
    """graphc's NonMaxSuppressionV5 (sigma 0): (indices, scores, valid count). TF's
    thresholds may be float32 with float16 boxes (T_threshold): cast to the boxes'."""
    t = boxes.dtype
    ins = (boxes, gc.cast(scores, t), max_out, gc.cast(iou, t), gc.cast(score_threshold, t),
           gc.constant(0.0, t))
    return list(apply(REGISTRY["NonMaxSuppressionV5"], ins, name=n.name,
                      pad_to_max_output_size=pad).outputs)


@_op("NonMaxSuppression", "=float32 =float32 =int32", "=int32")
def _nms_v1(n, boxes, scores, max_out):
    iou = float(n.attr("iou_threshold", 0.5))
    return _nms(n, boxes, scores, max_out, gc.constant(iou, boxes.dtype),
                gc.constant(-np.inf, boxes.dtype))[0]


@_op("NonMaxSuppressionV2", "T T =int32 T_threshold", "=int32")
def _nms_v2(n, boxes, scores, max_out, iou):
    return _nms(n, boxes, scores, max_out, iou, gc.constant(-np.inf, boxes.dtype))[0]


@_op("NonMaxSuppressionV3", "T T =int32 T_threshold T_threshold", "=int32")
def _nms_v3(n, boxes, scores, max_out, iou, score_threshold):
    return _nms(n, boxes, scores, max_out, iou, score_threshold)[0]


@_op("NonMaxSuppressionV4", "T T =int32 T_threshold T_threshold", "=int32 =int32")
def _nms_v4(n, boxes, scores, max_out, iou, score_threshold):
    out = _nms(n, boxes, scores, max_out, iou, score_threshold,
               pad=bool(n.attr("pad_to_max_output_size", False)))
    return [out[0], out[2]]


# ---- images -----------------------------------------------------------------------------
@_op("ResizeBicubic", "T =int32", "=float32")
def _resize_bicubic(n, images, size):
    align, half = bool(n.attr("align_corners", False)), bool(n.attr("half_pixel_centers",
                                                                     False))
    if align and half:
        raise n.fail("half_pixel_centers=True needs align_corners=False (TF's kernel "
                     "refuses both)")
    return gc.image.resize_bicubic(images, size, align_corners=align,
                                   half_pixel_centers=half, name=n.name)


@_op("ResizeArea", "T =int32", "=float32")
def _resize_area(n, images, size):
    return gc.image.resize_area(images, size, align_corners=bool(n.attr("align_corners",
                                                                        False)),
                                name=n.name)


OPS["RGBToHSV"] = (("T",), ("T",), lambda n, x: gc.image.rgb_to_hsv(x, name=n.name))
OPS["HSVToRGB"] = (("T",), ("T",), lambda n, x: gc.image.hsv_to_rgb(x, name=n.name))


@_op("ExtractImagePatches", "T", "T")
def _extract_image_patches(n, images):
    padding = n.attr("padding")
    if padding not in ("SAME", "VALID"):
        raise n.fail(f"padding {padding!r} is not SAME or VALID")
    ksizes, strides, rates = (list(n.attr(k)) for k in ("ksizes", "strides", "rates"))
    for key, v in (("ksizes", ksizes), ("strides", strides), ("rates", rates)):
        if len(v) != 4 or v[0] != 1 or v[3] != 1:
            raise n.fail(f"{key} {v} must be [1, rows, cols, 1] (TF's kernel)")
    return gc.extract_image_patches(images, ksizes, strides, rates, padding, name=n.name)


# ---- bincounts (Keras TextVectorization's multi_hot / count / tf_idf) -------------------
def _counts(n, values, rows, nrows, size, weights):
    """(nrows, size) counts of values in their rows (rows None: one (size,) count), summing
    weights where given (non-empty); binary_output: 1 where a value occurs. Values >=
    size are skipped, negative ones an error (TF's kernels)."""
    binary = bool(n.attr("binary_output", False))
    t = n.attr("T")
    values, size = gc.cast(gc.reshape(values, [-1]), gc.int64), gc.cast(size, gc.int64)
    check = gc.Assert(gc.reduce_all(gc.greater_equal(values, 0)),
                      [f"{n.op} node '{n.nd.name}': input values must be non-negative"])
    with gc.control_dependencies([check]):
        keep = gc.less(values, size)
    total = size
    if rows is not None:
        values = values + gc.cast(rows, gc.int64) * size   # row r's values shifted by r*size
        total = gc.cast(nrows, gc.int64) * size
    ids = gc.where_v2(keep, values, gc.constant(-1, gc.int64))
    if weights.shape.num_elements() == 0 or binary:
        w = gc.cast(keep, t)
    else:
        w = gc.reshape(weights, [-1])
    counts = gc.unsorted_segment_sum(w, ids, total)
    if binary:
        counts = gc.minimum(counts, gc.ones_like(counts))
    shape = gc.reshape(size, [1]) if rows is None else gc.stack([gc.cast(nrows, gc.int64),
                                                                  size])
    return gc.reshape(counts, shape, name=n.name)


@_op("DenseBincount", "Tidx Tidx T", "T")
def _dense_bincount(n, arr, size, weights):
    """Counts of a vector, or per row of a matrix (rank known when the graph is built)."""
    rank = arr.shape.rank
    if rank not in (1, 2):
        raise n.fail(f"input {arr.name} must be a vector or a matrix (rank known when the "
                     f"graph is built), not of shape {arr.shape}")
    if weights.shape.num_elements() != 0 and not weights.shape.is_compatible_with(arr.shape):
        raise n.fail(f"weights ({weights.name}) must be empty or of the input's shape "
                     f"{arr.shape}, not {weights.shape}", ValueError)
    if rank == 1:
        return _counts(n, arr, None, None, size, weights)
    rows = gc.shape(arr)[0]
    return _counts(n, arr, gc.reshape(gc.zeros_like(arr) + gc.expand_dims(
        gc.range(rows, dtype=arr.dtype), 1), [-1]), rows, size, weights)


@_op("RaggedBincount", "=int64 Tidx Tidx T", "T")
def _ragged_bincount(n, splits, values, size, weights):
    """Counts per row of the ragged (values, row_splits); an empty splits: one count of
    everything (TF's kernel)."""
    if splits.shape.num_elements() == 0:
        return _counts(n, values, None, None, size, weights)
    rt = gc.RaggedTensor.from_row_splits(values, splits, validate=False)
    return _counts(n, values, rt.value_rowids(), rt.nrows(), size, weights)


@_op("SparseBincount", "=int64 Tidx =int64 Tidx T", "T")
def _sparse_bincount(n, indices, values, dense_shape, size, weights):
    """Counts of a SparseTensor's values: one count of all for a vector, per row (the
    first index) for a matrix."""
    rank = dense_shape.shape.num_elements()
    if rank not in (1, 2):
        raise n.fail(f"dense_shape {dense_shape.name} must have 1 or 2 entries, known when "
                     f"the graph is built, not of shape {dense_shape.shape}")
    if rank == 1:
        return _counts(n, values, None, None, size, weights)
    return _counts(n, values, indices[:, 0], dense_shape[0], size, weights)


# ---- stateless random: the Philox key and counter of a seed -----------------------------
_PHILOX = 1


def _key_counter(n, seed):
    """TF's GetKeyCounter (Philox: one block of the seed under a fixed key): key [1] and
    counter [2] uint64, as graphc's stateless draws take them."""
    from ..ops.tensor_utils import get_static_value
    s = get_static_value(seed)
    if s is None:
        raise n.fail(f"seed {seed.name} is known only at run time; graphc derives the "
                     "Philox key and counter of a seed when the graph is built (a Const)")
    s = np.asarray(s).ravel()
    if s.size != 2:
        raise n.fail(f"seed must have 2 values, not {s.size}", ValueError)
    counter, key = (w.astype(np.uint64) for w in key_counter(s))
    k = key[0] | (key[1] << np.uint64(32))
    c = counter[0::2] | (counter[1::2] << np.uint64(32))
    return [gc.constant(np.array([k], np.uint64), name=n.sub("key")),
            gc.constant(c, name=n.sub("counter"))]


OPS["StatelessRandomGetKeyCounter"] = (("Tseed",), ("=uint64", "=uint64"), _key_counter)
OPS["StatelessRandomGetKeyCounterAlg"] = (
    ("Tseed",), ("=uint64", "=uint64", "=int32"),
    lambda n, seed: _key_counter(n, seed) + [gc.constant(_PHILOX, gc.int32,
                                                         name=n.sub("alg"))])
OPS["StatelessRandomGetAlg"] = ((), ("=int32",),
                                lambda n: gc.constant(_PHILOX, gc.int32, name=n.name))
