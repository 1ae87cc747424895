"""Samples for conv_extra.py (conv2d_transpose, conv1d) and depthwise.py (see samples.py).
The references are samples_nn's naive loops over output pixels and taps, written from
TF's padding rule; the depthwise ones apply the same loops channel by channel."""
import numpy as np

import graphc as gc
from samples import Sample, normal
from samples_nn import _taps, conv_input_ref, conv_ref, out_hw


def dw_ref(x, f, strides, padding, dilations=(1, 1)):
    """out[n, i, j, c * M + m] = sum over taps of x[n, y, x, c] f[a, b, c, m]."""
    kh, kw, c, m = f.shape
    oh, ow = out_hw(x.shape[1:3], (kh, kw), strides, padding, dilations)
    out = np.zeros((x.shape[0], oh, ow, c, m))
    for i, j, a, b, y, xx in _taps(x.shape[1:3], (kh, kw), strides, padding, dilations):
        out[:, i, j] += x[:, y, xx, :, None] * f[a, b]
    return out.reshape(x.shape[0], oh, ow, c * m)


def dw_input_ref(sizes, f, g, strides, padding, dilations=(1, 1)):
    kh, kw, c, m = f.shape
    g = g.reshape(g.shape[:3] + (c, m))
    dx = np.zeros(sizes)
    for i, j, a, b, y, xx in _taps(sizes[1:3], (kh, kw), strides, padding, dilations):
        dx[:, y, xx] += (g[:, i, j] * f[a, b]).sum(-1)
    return dx


def dw_filter_ref(x, fsizes, g, strides, padding, dilations=(1, 1)):
    kh, kw, c, m = fsizes
    g = g.reshape(g.shape[:3] + (c, m))
    df = np.zeros(fsizes)
    for i, j, a, b, y, xx in _taps(x.shape[1:3], (kh, kw), strides, padding, dilations):
        df[a, b] += (x[:, y, xx, :, None] * g[:, i, j]).sum(0)
    return df


def _nchw(fn):
    """A reference on NHWC arrays applied to NCHW ones."""
    return lambda x, f: np.moveaxis(fn(np.moveaxis(x, 1, -1), f), -1, 1)


def _dw_sample(strides, padding, dilations=(1, 1), k=(3, 2), fmt="NHWC", hw=(5, 6)):
    def inputs(r):
        x = normal(r, (2,) + hw + (3,))
        return [np.moveaxis(x, -1, 1) if fmt == "NCHW" else x, normal(r, k + (3, 2))]

    def ref(x, f):
        return dw_ref(x, f, strides, padding, dilations)

    return Sample(
        "DepthwiseConv2dNative",
        lambda x, f: gc.nn.depthwise_conv2d(
            x, f, [1, *strides, 1] if fmt == "NHWC" else [1, 1, *strides], padding,
            rate=dilations, data_format=fmt),
        inputs, _nchw(ref) if fmt == "NCHW" else ref,
        id=f"{fmt} {padding}-s{strides[0]}{strides[1]}-d{dilations[0]}{dilations[1]}")


_G = (2, 3, 3, 6)         # the depthwise output of a (2, 5, 6, 3) input, SAME, strides 2


def _transpose_sample(strides, padding, out_shape, k=(3, 2)):
    """conv2d_transpose: value has conv2d's output shape of an out_shape input."""
    g_hw = out_hw(out_shape[1:3], k, strides, padding)

    def inputs(r):
        return [normal(r, (out_shape[0],) + g_hw + (4,)), normal(r, k + (out_shape[3], 4))]
    return Sample(
        "Conv2DBackpropInput",
        lambda x, f: gc.nn.conv2d_transpose(x, f, list(out_shape), [1, *strides, 1], padding),
        inputs, lambda x, f: conv_input_ref(out_shape, f, x, strides, padding),
        id=f"conv2d_transpose {padding}-s{strides[0]}{strides[1]}")


def _conv1d_ref(stride, padding, dilation=1):
    def ref(x, f):
        return conv_ref(x[:, None], f[None], (1, stride), padding, (1, dilation))[:, 0]
    return ref


SAMPLES = [
    # ---- conv2d_transpose (Conv2DBackpropInput), conv1d (Conv2D on a unit height)
    _transpose_sample((2, 2), "SAME", (2, 6, 5, 3)),
    _transpose_sample((1, 2), "VALID", (1, 5, 7, 2)),
    Sample("Conv2DBackpropInput",
           lambda x, f: gc.nn.conv2d_transpose(x, f, [2, 3, 6, 5], [1, 1, 2, 2], "SAME",
                                               data_format="NCHW"),
           lambda r: [normal(r, (2, 4, 3, 3)), normal(r, (3, 2, 3, 4))],
           lambda x, f: np.moveaxis(conv_input_ref((2, 6, 5, 3), f, np.moveaxis(x, 1, -1),
                                                   (2, 2), "SAME"), -1, 1),
           id="conv2d_transpose NCHW"),
    Sample("Conv2D", lambda x, f: gc.nn.conv1d(x, f, 2, "SAME"),
           lambda r: [normal(r, (2, 7, 3)), normal(r, (3, 3, 4))], _conv1d_ref(2, "SAME"),
           id="conv1d SAME-s2"),
    Sample("Conv2D", lambda x, f: gc.nn.conv1d(x, f, [1], "VALID", dilations=2),
           lambda r: [normal(r, (3, 8, 2)), normal(r, (2, 2, 5))],
           _conv1d_ref(1, "VALID", 2), id="conv1d VALID-d2"),
    Sample("Conv2D", lambda x, f: gc.nn.conv1d(x, f, [1, 1, 3], "SAME", data_format="NCW"),
           lambda r: [normal(r, (2, 3, 7)), normal(r, (2, 3, 4))],
           lambda x, f: np.moveaxis(_conv1d_ref(3, "SAME")(np.moveaxis(x, 1, -1), f), -1, 1),
           id="conv1d NCW-s3"),
    # ---- depthwise convolution and its gradient ops
    _dw_sample((1, 1), "SAME"),
    _dw_sample((2, 2), "SAME"),
    _dw_sample((2, 1), "VALID", k=(2, 3)),
    _dw_sample((1, 1), "SAME", dilations=(2, 1)),
    _dw_sample((1, 2), "VALID", fmt="NCHW", hw=(6, 5)),
    Sample("DepthwiseConv2dNativeBackpropInput",
           lambda f, g: gc.nn.depthwise_conv2d_native_backprop_input(
               [2, 5, 6, 3], f, g, [1, 2, 2, 1], "SAME"),
           lambda r: [normal(r, (3, 2, 3, 2)), normal(r, _G)],
           lambda f, g: dw_input_ref((2, 5, 6, 3), f, g, (2, 2), "SAME")),
    Sample("DepthwiseConv2dNativeBackpropFilter",
           lambda x, g: gc.nn.depthwise_conv2d_native_backprop_filter(
               x, [3, 2, 3, 2], g, [1, 2, 2, 1], "SAME"),
           lambda r: [normal(r, (2, 5, 6, 3)), normal(r, _G)],
           lambda x, g: dw_filter_ref(x, (3, 2, 3, 2), g, (2, 2), "SAME")),
    Sample("Conv2D", lambda x, d, p: gc.nn.separable_conv2d(x, d, p, [1, 1, 1, 1], "SAME"),
           lambda r: [normal(r, (2, 4, 5, 3)), normal(r, (3, 3, 3, 2)), normal(r, (1, 1, 6, 4))],
           lambda x, d, p: conv_ref(dw_ref(x, d, (1, 1), "SAME"), p, (1, 1), "VALID"),
           id="separable_conv2d"),
]
