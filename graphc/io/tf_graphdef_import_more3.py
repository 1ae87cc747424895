"""More of the import table (tf_graphdef_ops.py's form): the ops graphc's exporter writes
that the other tables lacked, so graphc -> TF GraphDef -> graphc round-trips, and the
TF1 model ops behind them: ReverseSequence (bidirectional_dynamic_rnn), DynamicPartition
(partitioned embeddings), SpaceToBatchND / BatchToSpaceND (atrous convolution), 3-D
convolution and pooling and their gradients, CropAndResize and its gradients,
AdjustContrastv2, the FFTs, TensorScatter*, the stateless random ops, fake
quantization, the decompositions (Svd, Qr, Lu, SelfAdjointEigV2 ...), search, set and
histogram ops, Bitcast, MaxPoolWithArgmax and ExtractVolumePatches.

Not here: RandomUniformInt, Multinomial and RandomShuffle (unseeded, graphc's draws
could not repeat an exported graph's; tests/test_tf_graphdef_export.py would need to
skip them as it skips RandomUniform). Each builds graphc's op of the same name, whose
kernel follows TF's; the vectors of
Svd and SelfAdjointEigV2 follow graphc's sign convention (see docs/tf-graphdef.md).
"""
import graphc as gc

from ..ops.registry import REGISTRY, apply, apply1
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}


_op = table_op(OPS)


def _empty(dtype, name):
    return gc.zeros([0], dtype, name=name)


# ---- sequences, partitions, blocks ------------------------------------------------------
@_op("ReverseSequence", "T Tlen", "T")
def _reverse_sequence(n, x, lengths):
    return gc.reverse_sequence(x, lengths, seq_axis=n.attr("seq_dim"),
                               batch_axis=n.attr("batch_dim", 0), name=n.name)


@_op("DynamicPartition", "T =int32", "num_partitions*T")
def _dynamic_partition(n, data, partitions):
    return gc.dynamic_partition(data, partitions, n.attr("num_partitions"))


@_op("SpaceToBatchND", "T Tblock_shape Tpaddings", "T")
def _space_to_batch_nd(n, x, block, paddings):
    return gc.space_to_batch_nd(x, block, paddings, name=n.name)


@_op("BatchToSpaceND", "T Tblock_shape Tcrops", "T")
def _batch_to_space_nd(n, x, block, crops):
    return gc.batch_to_space_nd(x, block, crops, name=n.name)


@_op("TensorScatterUpdate TensorScatterAdd TensorScatterSub TensorScatterMax "
     "TensorScatterMin", "T Tindices T", "T")
def _tensor_scatter(n, tensor, indices, updates):
    policy = n.attr("bad_indices_policy", "")
    if policy not in ("", "DEFAULT", "ERROR"):
        raise n.fail(f"bad_indices_policy {policy!r}: graphc raises on bad indices")
    kind = n.op[len("TensorScatter"):].lower()
    return getattr(gc, "tensor_scatter_nd_" + kind)(tensor, indices, updates, name=n.name)


# ---- 3-D convolution and pooling --------------------------------------------------------
def _layout3(n):
    fmt = n.attr("data_format", "NDHWC")
    if fmt not in ("NDHWC", "NCDHW"):
        raise n.fail(f"data_format {fmt!r} is not NDHWC or NCDHW")
    padding = n.attr("padding")
    if padding not in ("SAME", "VALID"):
        raise n.fail(f"padding {padding!r} is not SAME or VALID")
    return fmt, padding


def _conv3d_args(n):
    fmt, padding = _layout3(n)
    return dict(strides=n.attr("strides"), padding=padding, data_format=fmt,
                dilations=n.attr("dilations", [1, 1, 1, 1, 1]), name=n.name)


@_op("Conv3D", "T T", "T")
def _conv3d(n, x, w):
    return gc.nn.conv3d(x, w, **_conv3d_args(n))


@_op("Conv3DBackpropInputV2", "Tshape T T", "T")
def _conv3d_backprop_input(n, sizes, w, g):
    return gc.nn.conv3d_backprop_input_v2(sizes, w, g, **_conv3d_args(n))


@_op("Conv3DBackpropFilterV2", "T =int32 T", "T")
def _conv3d_backprop_filter(n, x, sizes, g):
    return gc.nn.conv3d_backprop_filter_v2(x, sizes, g, **_conv3d_args(n))


def _window3(n):
    fmt, padding = _layout3(n)
    return dict(ksize=n.attr("ksize"), strides=n.attr("strides"), padding=padding,
                data_format=fmt, name=n.name)


OPS["MaxPool3D"] = (("T",), ("T",), lambda n, x: gc.nn.max_pool3d(x, **_window3(n)))
OPS["AvgPool3D"] = (("T",), ("T",), lambda n, x: gc.nn.avg_pool3d(x, **_window3(n)))
OPS["AvgPool3DGrad"] = (("=int32", "T"), ("T",),
                        lambda n, s, g: gc.nn.avg_pool3d_grad(s, g, **_window3(n)))
OPS["MaxPool3DGrad"] = (("TInput", "TInput", "T"), ("T",),
                        lambda n, x, y, g: gc.nn.max_pool3d_grad(x, y, g, **_window3(n)))
OPS["MaxPool3DGradGrad"] = (("T", "T", "T"), ("T",), lambda n, x, y, g:
                            gc.nn.max_pool3d_grad_grad(x, y, g, **_window3(n)))


@_op("MaxPoolWithArgmax", "T", "T Targmax")
def _max_pool_with_argmax(n, x):
    padding = n.attr("padding")
    if padding not in ("SAME", "VALID"):
        raise n.fail(f"padding {padding!r} is not SAME or VALID")
    out, idx = gc.nn.max_pool_with_argmax(
        x, n.attr("ksize"), n.attr("strides"), padding, Targmax=n.attr("Targmax", gc.int64),
        include_batch_in_index=n.attr("include_batch_in_index", False))
    return [out, idx]


@_op("ExtractVolumePatches", "T", "T")
def _extract_volume_patches(n, x):
    return gc.extract_volume_patches(x, n.attr("ksizes"), n.attr("strides"),
                                     n.attr("padding"), name=n.name)


# ---- images -----------------------------------------------------------------------------
def _method(n):
    method = n.attr("method", "bilinear")
    if method not in ("bilinear", "nearest"):
        raise n.fail(f"method {method!r} is not bilinear or nearest")
    return method


@_op("CropAndResize", "T =float32 =int32 =int32", "=float32")
def _crop_and_resize(n, image, boxes, box_ind, size):
    return gc.image.crop_and_resize(image, boxes, box_ind, size, method=_method(n),
                                    extrapolation_value=n.attr("extrapolation_value", 0.0),
                                    name=n.name)


@_op("CropAndResizeGradImage", "=float32 =float32 =int32 =int32", "T")
def _crop_grad_image(n, grads, boxes, box_ind, size):
    return apply1(REGISTRY["CropAndResizeGradImage"], (grads, boxes, box_ind, size),
                  name=n.name, method=_method(n), T=n.attr("T"))


@_op("CropAndResizeGradBoxes", "=float32 T =float32 =int32", "=float32")
def _crop_grad_boxes(n, grads, image, boxes, box_ind):
    if n.attr("method", "bilinear") != "bilinear":
        raise n.fail("method must be bilinear (TF's kernel)")
    return apply1(REGISTRY["CropAndResizeGradBoxes"], (grads, image, boxes, box_ind),
                  name=n.name)


@_op("AdjustContrastv2", "T =float32", "T")
def _adjust_contrast(n, images, factor):
    """(x - mean) * factor + mean, the mean over each image's height and width."""
    return gc.identity(gc.image.adjust_contrast(images, factor), name=n.name)


# ---- FFTs -------------------------------------------------------------------------------
for _name in ("FFT", "FFT2D", "FFT3D", "IFFT", "IFFT2D", "IFFT3D"):
    OPS[_name] = (("Tcomplex",), ("Tcomplex",), lambda n, x, f=getattr(
        gc.signal, _name.lower()): f(x, name=n.name))
for _name in ("RFFT", "RFFT2D", "RFFT3D"):
    OPS[_name] = (("Treal", "=int32"), ("Tcomplex",), lambda n, x, length, f=getattr(
        gc.signal, _name.lower()): f(x, length, name=n.name))
for _name in ("IRFFT", "IRFFT2D", "IRFFT3D"):
    OPS[_name] = (("Tcomplex", "=int32"), ("Treal",), lambda n, x, length, f=getattr(
        gc.signal, _name.lower()): f(x, length, name=n.name))


# ---- random -----------------------------------------------------------------------------
def _stateless(n, *inputs):
    return apply1(REGISTRY[n.op], inputs, name=n.name, dtype=n.attr("dtype"))


for _name in ("StatelessRandomUniform", "StatelessRandomNormal", "StatelessTruncatedNormal",
              "StatelessRandomUniformFullInt"):
    OPS[_name] = (("T", "Tseed"), ("dtype",), _stateless)
OPS["StatelessRandomUniformInt"] = (("T", "Tseed", "dtype", "dtype"), ("dtype",), _stateless)


@_op("StatelessMultinomial", "T =int32 Tseed", "output_dtype")
def _stateless_multinomial(n, logits, num_samples, seed):
    return apply1(REGISTRY["StatelessMultinomial"], (logits, num_samples, seed), name=n.name,
                  output_dtype=n.attr("output_dtype", gc.int64))


# ---- fake quantization ------------------------------------------------------------------
def _bits(n):
    return dict(num_bits=n.attr("num_bits", 8), narrow_range=n.attr("narrow_range", False))


def _range(n):
    return dict(min=n.attr("min", -6.0), max=n.attr("max", 6.0), **_bits(n))


_Q = gc.quantization
OPS["FakeQuantWithMinMaxArgs"] = (("=float32",), ("=float32",), lambda n, x:
                                  _Q.fake_quant_with_min_max_args(x, name=n.name, **_range(n)))
OPS["FakeQuantWithMinMaxArgsGradient"] = (
    ("=float32", "=float32"), ("=float32",), lambda n, g, x:
    _Q.fake_quant_with_min_max_args_gradient(g, x, name=n.name, **_range(n)))
for _name, _fn in (("FakeQuantWithMinMaxVars", _Q.fake_quant_with_min_max_vars),
                   ("FakeQuantWithMinMaxVarsPerChannel",
                    _Q.fake_quant_with_min_max_vars_per_channel)):
    OPS[_name] = (("=float32",) * 3, ("=float32",), lambda n, x, lo, hi, f=_fn:
                  f(x, lo, hi, name=n.name, **_bits(n)))
for _name, _fn in (("FakeQuantWithMinMaxVarsGradient",
                    _Q.fake_quant_with_min_max_vars_gradient),
                   ("FakeQuantWithMinMaxVarsPerChannelGradient",
                    _Q.fake_quant_with_min_max_vars_per_channel_gradient)):
    OPS[_name] = (("=float32",) * 4, ("=float32",) * 3, lambda n, g, x, lo, hi, f=_fn:
                  list(f(g, x, lo, hi, **_bits(n))))


def _quantize_dequantize(n, x, lo, hi):
    return apply1(REGISTRY[n.op], (x, lo, hi), name=n.name,
                  signed_input=n.attr("signed_input", True), num_bits=n.attr("num_bits", 8),
                  range_given=n.attr("range_given", False),
                  round_mode=n.attr("round_mode", "HALF_TO_EVEN"),
                  narrow_range=n.attr("narrow_range", False), axis=n.attr("axis", -1))


OPS["QuantizeAndDequantizeV2"] = (("T",) * 3, ("T",), _quantize_dequantize)
OPS["QuantizeAndDequantizeV4"] = (("T",) * 3, ("T",), _quantize_dequantize)


@_op("QuantizeAndDequantizeV4Grad", "T T T T", "T T T")
def _quantize_dequantize_grad(n, g, x, lo, hi):
    return list(apply(REGISTRY["QuantizeAndDequantizeV4Grad"], (g, x, lo, hi),
                      axis=n.attr("axis", -1)).outputs)


# ---- linear algebra ---------------------------------------------------------------------
@_op("Svd", "T", "T T T")
def _svd(n, x):
    full, uv = n.attr("full_matrices", False), n.attr("compute_uv", True)
    if not uv:          # TF's u and v are then empty
        s = gc.svd(x, full_matrices=full, compute_uv=False)
        return [s, _empty(x.dtype, n.sub("u")), _empty(x.dtype, n.sub("v"))]
    return list(gc.svd(x, full_matrices=full, compute_uv=True))


@_op("SelfAdjointEigV2", "T", "T T")
def _self_adjoint_eig(n, x):
    if not n.attr("compute_v", True):
        return [gc.self_adjoint_eigvals(x), _empty(x.dtype, n.sub("v"))]
    return list(gc.self_adjoint_eig(x))


@_op("Qr", "T", "T T")
def _qr(n, x):
    return list(gc.qr(x, full_matrices=n.attr("full_matrices", False)))


@_op("Lu", "T", "T output_idx_type")
def _lu(n, x):
    return list(gc.linalg.lu(x, output_idx_type=n.attr("output_idx_type", gc.int32)))


@_op("LogMatrixDeterminant", "T", "T T")
def _slogdet(n, x):
    return list(gc.linalg.slogdet(x))


OPS["MatrixLogarithm"] = (("T",), ("T",), lambda n, x: gc.linalg.logm(x, name=n.name))


@_op("TridiagonalSolve", "T T", "T")
def _tridiagonal_solve(n, diagonals, rhs):
    return gc.linalg.tridiagonal_solve(
        diagonals, rhs, partial_pivoting=n.attr("partial_pivoting", True),
        perturb_singular=n.attr("perturb_singular", False), name=n.name)


# ---- search, sets, histograms, bits -----------------------------------------------------
for _name, _side in (("LowerBound", "left"), ("UpperBound", "right")):
    OPS[_name] = (("T", "T"), ("out_type",), lambda n, seq, v, side=_side: gc.searchsorted(
        seq, v, side=side, out_type=n.attr("out_type", gc.int32), name=n.name))


@_op("ListDiff", "T T", "T out_idx")
def _list_diff(n, x, y):
    return list(gc.setdiff1d(x, y, index_dtype=n.attr("out_idx", gc.int32)))


@_op("UniqueWithCounts", "T", "T out_idx out_idx")
def _unique_with_counts(n, x):
    return list(gc.unique_with_counts(x, out_idx=n.attr("out_idx", gc.int32)))


@_op("HistogramFixedWidth", "T T =int32", "dtype")
def _histogram(n, values, value_range, nbins):
    return apply1(REGISTRY["HistogramFixedWidth"], (values, value_range, nbins), name=n.name,
                  dtype=n.attr("dtype", gc.int32))


@_op("Bitcast", "T", "type")
def _bitcast(n, x):
    return gc.bitcast(x, n.attr("type"), name=n.name)
