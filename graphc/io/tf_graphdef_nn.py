"""The import table of TF's nn and image ops, in tf_graphdef_ops.py's form:
NN_OPS[op type] = (input types, output types, build(node, *inputs))."""
import graphc as gc

from .tf_graphdef_ops import table_op

__all__ = ["NN_OPS"]

NN_OPS = {}


_op = table_op(NN_OPS)


def _layout(n):
    fmt = n.attr("data_format", "NHWC")
    if fmt not in ("NHWC", "NCHW"):
        raise n.fail(f"data_format {fmt!r} is not NHWC or NCHW")
    return fmt


def _padding(n, x, fmt):
    """(input, padding): an EXPLICIT padding becomes a gc.pad before a VALID op."""
    padding = n.attr("padding")
    explicit = n.attr("explicit_paddings", [])
    if padding != "EXPLICIT":
        if explicit:
            raise n.fail(f"explicit_paddings {explicit} given with padding {padding!r}")
        return x, padding
    if len(explicit) != 8:
        raise n.fail(f"explicit_paddings must have 8 values, not {explicit}")
    pairs = [explicit[i:i + 2] for i in range(0, 8, 2)]
    batch, chan = (0, 3) if fmt == "NHWC" else (0, 1)
    if any(pairs[batch]) or any(pairs[chan]):
        raise n.fail("explicit_paddings may only pad the spatial dimensions")
    if not any(p for pair in pairs for p in pair):
        return x, "VALID"
    return gc.pad(x, pairs, name=n.sub("explicit_pad")), "VALID"


def _conv_attrs(n):
    n.attr("use_cudnn_on_gpu", True)            # a GPU choice, no effect on values
    fmt = _layout(n)
    return fmt, n.attr("strides"), n.attr("dilations", [1, 1, 1, 1])


def _groups(n, x, w, fmt):
    """TF's grouped Conv2D: the input's channels a multiple g of the filter's in-channels
    (1: a plain conv). Known when the graph is built, else taken as 1."""
    c = x.shape._dims[3 if fmt == "NHWC" else 1] if x.shape.rank == 4 else None
    k = w.shape._dims[2] if w.shape.rank == 4 else None
    if not isinstance(c, int) or not isinstance(k, int) or c == k:
        return 1
    out = w.shape._dims[3]
    if k == 0 or c % k or (isinstance(out, int) and out % (c // k)):
        raise n.fail(f"input {x.name} has {c} channels, filter {w.name} of shape "
                     f"{w.shape} takes {k}: a grouped conv needs the channels a multiple "
                     "of the filter's in-channels and its out-channels of the groups",
                     ValueError)
    return c // k


@_op("Conv2D", "T T", "T")
def _conv2d(n, x, w):
    """groups g > 1: x's channels and w's out-channels split in g, each part convolved
    alone, the results concatenated along the channels (TF's grouped conv)."""
    fmt, strides, dilations = _conv_attrs(n)
    g = _groups(n, x, w, fmt)
    x, padding = _padding(n, x, fmt)
    if g == 1:
        return gc.nn.conv2d(x, w, strides=strides, padding=padding, data_format=fmt,
                            dilations=dilations, name=n.name)
    axis = 3 if fmt == "NHWC" else 1
    parts = [gc.nn.conv2d(xi, wi, strides=strides, padding=padding, data_format=fmt,
                          dilations=dilations, name=n.sub(f"group_{i}"))
             for i, (xi, wi) in enumerate(zip(gc.split(x, g, axis=axis),
                                              gc.split(w, g, axis=3)))]
    return gc.concat(parts, axis, name=n.name)


@_op("DepthwiseConv2dNative", "T T", "T")
def _depthwise(n, x, w):
    fmt, strides, dilations = _conv_attrs(n)
    x, padding = _padding(n, x, fmt)
    return gc.nn.depthwise_conv2d_native(x, w, strides, padding, data_format=fmt,
                                         dilations=dilations, name=n.name)


@_op("Conv2DBackpropInput", "=int32 T T", "T")
def _conv2d_backprop_input(n, sizes, w, dy):
    fmt, strides, dilations = _conv_attrs(n)
    padding = n.attr("padding")
    if padding == "EXPLICIT" or n.attr("explicit_paddings", []):
        raise n.fail("EXPLICIT padding is not supported for Conv2DBackpropInput")
    return gc.nn.conv2d_backprop_input(sizes, w, dy, strides, padding, data_format=fmt,
                                       dilations=dilations, name=n.name)


def _pool(fn):
    def build(n, x):
        fmt = _layout(n)
        padding = n.attr("padding")
        if padding == "EXPLICIT" or n.attr("explicit_paddings", []):
            raise n.fail("EXPLICIT padding is not supported for pooling")
        return fn(x, n.attr("ksize"), n.attr("strides"), padding, data_format=fmt,
                  name=n.name)
    return build


NN_OPS["MaxPool"] = (("T",), ("T",), _pool(gc.nn.max_pool))
NN_OPS["AvgPool"] = (("T",), ("T",), _pool(gc.nn.avg_pool))


@_op("MaxPoolV2", "T =int32 =int32", "T")
def _max_pool_v2(n, x, ksize, strides):
    fmt = _layout(n)
    return gc.nn.max_pool(x, [int(k) for k in n.static(ksize, "ksize")],
                          [int(s) for s in n.static(strides, "strides")],
                          n.attr("padding"), data_format=fmt, name=n.name)


@_op("BiasAdd", "T T", "T")
def _bias_add(n, x, b):
    fmt = n.attr("data_format", "NHWC")
    if fmt not in ("NHWC", "NCHW"):
        raise n.fail(f"data_format {fmt!r} is not NHWC or NCHW")
    return gc.nn.bias_add(x, b, data_format=fmt, name=n.name)


def _softmax(fn):
    return lambda n, x: fn(x, name=n.name)


NN_OPS["Softmax"] = (("T",), ("T",), _softmax(gc.nn.softmax))
NN_OPS["LogSoftmax"] = (("T",), ("T",), _softmax(gc.nn.log_softmax))


def _fused_batch_norm(n, x, scale, offset, mean, variance):
    """y = scale * (x - m) / sqrt(v + epsilon) + offset. Inference: m, v the mean and
    variance given, which are also the other outputs. Training (TF's CPU outputs): the
    batch mean and unbiased variance (with exponential_avg_factor f < 1, running
    averages (1 - f) * given + f * batch), then the batch mean and biased variance as
    the reserve spaces (what FusedBatchNormGrad reads). A frozen graph keeps a training
    branch behind a `training` placeholder: it imports, and runs when fed True."""
    factor = n.attr("exponential_avg_factor", 1.0)
    fmt = _layout(n)
    eps = n.attr("epsilon", 1e-4)
    if n.attr("is_training", True):
        if x.shape.rank is None:            # TF's shape function: rank 4
            x = gc.ensure_shape(x, [None] * 4)
        y, m, v = gc.nn.fused_batch_norm(x, scale, offset, epsilon=eps, data_format=fmt,
                                         is_training=True, name=n.sub("impl"))
        channels = gc.maximum(gc.shape(x)[3 if fmt == "NHWC" else 1], 1)  # (0: no rows)
        count = gc.cast(gc.size(x) // channels, v.dtype)
        biased = v * (count - 1) / count
        run_m, run_v = m, v
        if factor != 1.0:
            run_m, run_v = ((1 - factor) * old + factor * new
                            for old, new in ((mean, m), (variance, v)))
        outs = [gc.identity(y, name=n.sub("y")), run_m, run_v, m, biased]
    else:
        y, _, _ = gc.nn.fused_batch_norm(x, scale, offset, mean, variance, epsilon=eps,
                                         data_format=fmt, is_training=False,
                                         name=n.sub("impl"))
        # not named n.name: the IdentityN of all the outputs takes it (import's _wrap)
        outs = [gc.identity(y, name=n.sub("y")), mean, variance, mean, variance]
    if n.op == "FusedBatchNormV3":
        outs.append(gc.zeros([0], mean.dtype, name=n.sub("reserve_space_3")))
    return outs


NN_OPS["FusedBatchNorm"] = (("T",) * 5, ("T",) * 5, _fused_batch_norm)
NN_OPS["FusedBatchNormV2"] = (("T", "U", "U", "U", "U"), ("T", "U", "U", "U", "U"),
                              _fused_batch_norm)
NN_OPS["FusedBatchNormV3"] = (("T", "U", "U", "U", "U"), ("T", "U", "U", "U", "U", "U"),
                              _fused_batch_norm)


def _resize(fn):
    def build(n, images, size):
        return fn(images, size, align_corners=n.attr("align_corners", False),
                  half_pixel_centers=n.attr("half_pixel_centers", False), name=n.name)
    return build


NN_OPS["ResizeBilinear"] = (("T", "=int32"), ("=float32",),
                            _resize(gc.image.resize_bilinear))
NN_OPS["ResizeNearestNeighbor"] = (("T", "=int32"), ("T",),
                                   _resize(gc.image.resize_nearest_neighbor))


@_op("TopKV2", "T Tk", "T index_type")
def _top_k(n, x, k):
    if n.attr("index_type", gc.int32) != gc.int32:
        raise n.fail("index_type other than int32 is not supported")
    values, indices = gc.nn.top_k(x, k, sorted=n.attr("sorted", True), name=n.name)
    return [values, indices]
