"""Depthwise 2-D convolution (TF1 tf.nn.depthwise_conv2d and its native op) with its two
gradient ops, and separable_conv2d (a depthwise then a 1x1 convolution, as TF1 builds it).

A depthwise convolution filters each input channel on its own: with a filter of shape
(kh, kw, C, M), out[n, i, j, c * M + m] = sum over a, b of
xp[n, i*sh + a*dh, j*sw + b*dw, c] * f[a, b, c, m] (xp: x padded as conv2d pads it,
see conv.py). Kernels run one vectorized step per filter tap. As for conv2d, the op and
its two gradient ops are bilinear and each other's adjoints, so derivatives of any
order are built from these three ops.
"""
import numpy as np

from .conv import (_conv_attrs, _format, backprop_infers, bilinear_jvp, conv2d, from_nhwc,
                   geometry, hw_pair, nhwc_dims, out_dims, ranked_dims, shape_of, sizes_nhwc,
                   sizes_tensor, tap_rows, to_layout, to_nhwc)
from .conv_extra import shape_error
from .elementwise import operands
from .registry import OpDef, apply1, register

__all__ = ["depthwise_conv2d", "depthwise_conv2d_native",
           "depthwise_conv2d_native_backprop_input",
           "depthwise_conv2d_native_backprop_filter", "separable_conv2d"]


# ---- static shapes -------------------------------------------------------------------------
def _times(ctx, c, m):
    c, m = ctx.resolve(c), ctx.resolve(m)
    return None if c is None or m is None else c * m


def _check_g(ctx, xd, fd, gd, attrs, ix, ig):
    """The cotangent g must have the shape depthwise_conv2d_native(x, f) has."""
    c = ctx.merge_dims(xd[3], fd[2], f"{{{{{ix}}}}} has {{a}} channels but the filter "
                                     "expects {b}")
    want = out_dims(ctx, xd, fd[:2], attrs, ix) + [_times(ctx, c, fd[3])]
    for k, (a, b) in enumerate(zip(gd, want)):
        ctx.merge_dims(a, b, f"the gradient {{{{{ig}}}}} has {{a}} at dim {k} (NHWC) but "
                             "the depthwise convolution's output has {b}")


def _infer_dw(ctx, x, f, **attrs):
    ctx.same_dtype()
    ctx.require(0, "float")
    xd = nhwc_dims(ranked_dims(ctx, x, 0, "the input"), attrs["data_format"])
    fd = ranked_dims(ctx, f, 1, "the filter, [height, width, in_channels, multiplier]")
    c = ctx.merge_dims(xd[3], fd[2], "{{0}} has {a} input channels but {{1}} expects {b}")
    out = out_dims(ctx, xd, fd[:2], attrs, 0) + [_times(ctx, c, fd[3])]
    return to_layout(out, attrs["data_format"]), x.dtype


_infer_dw_input, _infer_dw_filter = backprop_infers(_check_g)


# ---- kernels -------------------------------------------------------------------------------
def _dw_kernel(x, f, **attrs):
    fmt = attrs["data_format"]
    x = to_nhwc(x, fmt)
    kh, kw, c, m = f.shape
    win = geometry(x.shape, (kh, kw), attrs).windows(x)     # (N, OH, OW, C, kh, kw)
    out = np.zeros(win.shape[:4] + (m,), _acc(x.dtype))
    for a in range(kh):                                      # one step per filter tap
        for b in range(kw):
            out += win[..., a, b, None] * f[a, b]
    return from_nhwc(out.reshape(out.shape[:3] + (c * m,)).astype(x.dtype, copy=False), fmt)


def _dw_input_kernel(sizes, f, g, **attrs):
    """dx: each tap (a, b) adds sum over m of g[n, i, j, c, m] f[a, b, c, m] to the input
    pixel it read (col2im, one strided add per tap, without the columns array)."""
    fmt = attrs["data_format"]
    kh, kw, c, m = f.shape
    g = to_nhwc(g, fmt)
    g = g.reshape(g.shape[:3] + (c, m))
    geo = geometry(sizes_nhwc(sizes, fmt), (kh, kw), attrs)
    (sh, sw), (dh, dw), (oh, ow) = geo.strides, geo.dilations, geo.out
    (pt, pb), (pl, pr) = geo.pads[1], geo.pads[2]
    n, h, w = g.shape[0], geo.hw[0], geo.hw[1]
    xp = np.zeros((n, h + pt + pb, w + pl + pr, c), f.dtype)
    for a in range(kh):
        for b in range(kw):
            xp[:, tap_rows(a * dh, oh, sh), tap_rows(b * dw, ow, sw)] += np.einsum("nhwcm,cm->nhwc", g, f[a, b])
    return from_nhwc(xp[:, pt:pt + h, pl:pl + w], fmt)


def _dw_filter_kernel(x, sizes, g, **attrs):
    """df[a, b, c, m] = sum over n, i, j of window(x)[n, i, j, c, a, b] g[n, i, j, c, m]."""
    fmt = attrs["data_format"]
    x, g = to_nhwc(x, fmt), to_nhwc(g, fmt)
    kh, kw, c, m = (int(d) for d in sizes)
    win = geometry(x.shape, (kh, kw), attrs).windows(x)
    g = g.reshape(g.shape[:3] + (c, m)).astype(_acc(x.dtype), copy=False)
    df = np.empty((kh, kw, c, m), x.dtype)
    for a in range(kh):
        for b in range(kw):
            df[a, b] = np.einsum("nhwc,nhwcm->cm", win[..., a, b], g, dtype=g.dtype)
    return df


def _acc(dtype):
    """The accumulator of the forward and filter-gradient sums: float32 for float16, as
    TF's kernels (TF's input gradient adds its taps up in float16, and so does ours)."""
    return np.float32 if dtype == np.float16 else dtype


# ---- derivatives (all three ops are bilinear) ----------------------------------------------
def _dw_vjp(node, gs):
    """y = dw(x, f): gx = dw_input(g, f), gf = dw_filter(x, g)."""
    x, f = node.inputs
    kw = dict(node.attrs)
    return [_input(shape_of(x), f, gs[0], **kw), _filter(x, shape_of(f), gs[0], **kw)]


# d dw(x, f) = dw(dx, f) + dw(x, df) (_dw is defined below: looked up when run)
_dw_jvp = bilinear_jvp(lambda x, f, **kw: _dw(x, f, **kw))


def _dw_input_vjp(node, gs):
    """dx = dw_input(f, g); its adjoints: h -> dw_filter(h, g) for f, dw(h, f) for g."""
    sizes, f, g = node.inputs
    h, kw = gs[0], dict(node.attrs)
    return [None, _filter(h, shape_of(f), g, **kw), _dw(h, f, **kw)]


_dw_input_jvp = bilinear_jvp(lambda *args, **kw: _input(*args, **kw), 1, 2)


def _dw_filter_vjp(node, gs):
    """df = dw_filter(x, g); its adjoints: H -> dw_input(H, g) for x, dw(x, H) for g."""
    x, sizes, g = node.inputs
    h, kw = gs[0], dict(node.attrs)
    return [_input(shape_of(x), h, g, **kw), None, _dw(x, h, **kw)]


_dw_filter_jvp = bilinear_jvp(lambda *args, **kw: _filter(*args, **kw), 0, 2)


def _batch_dw(node, args, batched):
    """vmap: the batch folded into the images' batch dim, as for conv2d."""
    from ..autodiff.batching import _batch_into_leading_dim
    return _batch_into_leading_dim(node, args, batched)


_SIG = "strides, padding, data_format='NHWC', dilations=[1, 1, 1, 1], name=None"
DEPTHWISE = register(OpDef(
    "DepthwiseConv2dNative", _infer_dw, _dw_kernel, vjp=_dw_vjp, jvp=_dw_jvp,
    batch=_batch_dw, api="nn.depthwise_conv2d_native",
    signature=f"nn.depthwise_conv2d_native(input, filter, {_SIG})",
    shape_rule="(N, H, W, C) * (kh, kw, C, M) -> (N, OH, OW, C * M); TF SAME/VALID",
    dtypes="float (input, filter same)",
    doc="Each input channel cross-correlated with its own M filters (TF1 depthwise conv)."))
DEPTHWISE_INPUT = register(OpDef(
    "DepthwiseConv2dNativeBackpropInput", _infer_dw_input, _dw_input_kernel,
    vjp=_dw_input_vjp, jvp=_dw_input_jvp, api="nn.depthwise_conv2d_native_backprop_input",
    signature="nn.depthwise_conv2d_native_backprop_input(input_sizes, filter, "
              f"out_backprop, {_SIG})",
    shape_rule="input_sizes", dtypes="float; input_sizes int",
    doc="The gradient of a depthwise convolution with respect to its input."))
DEPTHWISE_FILTER = register(OpDef(
    "DepthwiseConv2dNativeBackpropFilter", _infer_dw_filter, _dw_filter_kernel,
    vjp=_dw_filter_vjp, jvp=_dw_filter_jvp, api="nn.depthwise_conv2d_native_backprop_filter",
    signature="nn.depthwise_conv2d_native_backprop_filter(input, filter_sizes, "
              f"out_backprop, {_SIG})",
    shape_rule="filter_sizes", dtypes="float; filter_sizes int",
    doc="The gradient of a depthwise convolution with respect to its filter."))


def _dw(x, f, **kw):
    return apply1(DEPTHWISE, (x, f), **kw)


def _input(sizes, f, g, **kw):
    return apply1(DEPTHWISE_INPUT, (sizes, f, g), **kw)


def _filter(x, sizes, g, **kw):
    return apply1(DEPTHWISE_FILTER, (x, sizes, g), **kw)


# ---- public functions ----------------------------------------------------------------------
def depthwise_conv2d_native(input, filter, strides, padding, data_format="NHWC",
                            dilations=None, name=None):
    """The depthwise convolution op: filter (kh, kw, C, M) gives C * M output channels,
    channel c * M + m from input channel c and filter[:, :, c, m]."""
    x, f = operands(input, filter, "depthwise_conv2d_native")
    return apply1(DEPTHWISE, (x, f), name=name,
                  **_conv_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d_native_backprop_input(input_sizes, filter, out_backprop, strides,
                                           padding, data_format="NHWC", dilations=None,
                                           name=None):
    """The gradient of depthwise_conv2d_native with respect to an input of input_sizes."""
    f, g = operands(filter, out_backprop, "depthwise_conv2d_native_backprop_input")
    return apply1(DEPTHWISE_INPUT, (sizes_tensor(input_sizes), f, g), name=name,
                  **_conv_attrs(strides, padding, data_format, dilations))


def depthwise_conv2d_native_backprop_filter(input, filter_sizes, out_backprop, strides,
                                            padding, data_format="NHWC", dilations=None,
                                            name=None):
    """The gradient of depthwise_conv2d_native with respect to a filter of filter_sizes."""
    x, g = operands(input, out_backprop, "depthwise_conv2d_native_backprop_filter")
    return apply1(DEPTHWISE_FILTER, (x, sizes_tensor(filter_sizes), g), name=name,
                  **_conv_attrs(strides, padding, data_format, dilations))


def _rate(rate, dilations, strides, data_format, api):
    """TF1's `rate` (or dilations) as a dilation pair; strides must be 1 where it is > 1."""
    if rate is not None and dilations is not None:
        raise ValueError(f"{api}: give rate or dilations, not both")
    rate = hw_pair(rate if rate is not None else dilations, "rate", data_format)
    if max(rate) > 1 and max(hw_pair(strides, "strides", data_format)) > 1:
        raise ValueError(f"{api}: rate {list(rate)} > 1 needs strides of 1, got "
                         f"{strides!r}")
    return rate


def depthwise_conv2d(input, filter, strides, padding, rate=None, name=None,
                     data_format=None, dilations=None):
    """Depthwise 2-D convolution (TF1): each of the C input channels convolved with its
    own channel_multiplier filters, giving C * multiplier output channels:

        y = gc.nn.depthwise_conv2d(images, W, strides=[1, 1, 1, 1], padding="SAME")
    images (N, H, W, C) and W (kh, kw, C, M) give (N, H, W, C * M). `rate` dilates the
    filter (atrous convolution; strides must then be 1)."""
    data_format = _format(data_format or "NHWC")
    rate = _rate(rate, dilations, strides, data_format, "depthwise_conv2d")
    return depthwise_conv2d_native(input, filter, strides, padding, data_format, rate,
                                   name=name)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, rate=None,
                     name=None, data_format=None, dilations=None):
    """A depthwise convolution, then a 1x1 convolution that mixes the channels (TF1):

        y = gc.nn.separable_conv2d(images, Wd, Wp, [1, 1, 1, 1], "SAME")
    Wd (kh, kw, C, M) and Wp (1, 1, C * M, O) give (N, H, W, O)."""
    x, dw = operands(input, depthwise_filter, "separable_conv2d")
    pw = operands(x, pointwise_filter, "separable_conv2d")[1]
    if pw.shape.rank not in (4, None) or pw.shape.rank == 4 and any(
            d not in (1, None) for d in pw.shape._dims[:2]):
        shape_error("separable_conv2d", "the pointwise filter must have shape "
                    "(1, 1, in_channels * multiplier, out_channels)", pw)
    data_format = _format(data_format or "NHWC")
    rate = _rate(rate, dilations, strides, data_format, "separable_conv2d")
    y = depthwise_conv2d_native(x, dw, strides, padding, data_format, rate)
    return conv2d(y, pw, [1, 1, 1, 1], "VALID", data_format=data_format, name=name)
