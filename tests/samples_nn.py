"""Samples for graphc.ops.nn, conv and pool (see samples.py). The conv and pool references
are naive loops over output pixels written from TF's padding rule, independent of the
sliding-window kernels."""
import math

import numpy as np

import graphc as gc
from samples import Sample, normal, positive, shape


# ---- naive references (NHWC) ---------------------------------------------------------------
def tf_padding(n, k, stride, padding, dilation=1):
    """(out, pad_before) per TF: SAME out = ceil(n / s), pad_total = max((out - 1) s +
    k_eff - n, 0), pad_before = pad_total // 2; VALID out = ceil((n - k_eff + 1) / s)."""
    k_eff = (k - 1) * dilation + 1
    if padding == "VALID":
        return math.ceil((n - k_eff + 1) / stride), 0
    out = math.ceil(n / stride)
    return out, max((out - 1) * stride + k_eff - n, 0) // 2


def _taps(x_hw, k, strides, padding, dilations=(1, 1)):
    """Yields (i, j, a, b, y, x) for every output pixel (i, j), tap (a, b) that reads the
    real input pixel (y, x)."""
    (oh, pt), (ow, pl) = (tf_padding(n, kk, s, padding, d)
                          for n, kk, s, d in zip(x_hw, k, strides, dilations))
    for i in range(oh):
        for j in range(ow):
            for a in range(k[0]):
                for b in range(k[1]):
                    y = i * strides[0] + a * dilations[0] - pt
                    xx = j * strides[1] + b * dilations[1] - pl
                    if 0 <= y < x_hw[0] and 0 <= xx < x_hw[1]:
                        yield i, j, a, b, y, xx


def out_hw(x_hw, k, strides, padding, dilations=(1, 1)):
    return tuple(tf_padding(n, kk, s, padding, d)[0]
                 for n, kk, s, d in zip(x_hw, k, strides, dilations))


def conv_ref(x, f, strides, padding, dilations=(1, 1)):
    oh, ow = out_hw(x.shape[1:3], f.shape[:2], strides, padding, dilations)
    out = np.zeros((x.shape[0], oh, ow, f.shape[3]))
    for i, j, a, b, y, xx in _taps(x.shape[1:3], f.shape[:2], strides, padding, dilations):
        out[:, i, j] += x[:, y, xx] @ f[a, b]
    return out


def conv_input_ref(sizes, f, g, strides, padding, dilations=(1, 1)):
    dx = np.zeros(sizes)
    for i, j, a, b, y, xx in _taps(sizes[1:3], f.shape[:2], strides, padding, dilations):
        dx[:, y, xx] += g[:, i, j] @ f[a, b].T
    return dx


def conv_filter_ref(x, fsizes, g, strides, padding, dilations=(1, 1)):
    df = np.zeros(fsizes)
    for i, j, a, b, y, xx in _taps(x.shape[1:3], fsizes[:2], strides, padding, dilations):
        df[a, b] += x[:, y, xx].T @ g[:, i, j]
    return df


def _windows(x, k, strides, padding):
    """{(i, j): [(y, x), ...]} the real input pixels of each output pixel."""
    out = {}
    for i, j, a, b, y, xx in _taps(x.shape[1:3], k, strides, padding):
        out.setdefault((i, j), []).append((y, xx))
    return out


def pool_ref(x, k, strides, padding, reduce):
    oh, ow = out_hw(x.shape[1:3], k, strides, padding)
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    for (i, j), pix in _windows(x, k, strides, padding).items():
        out[:, i, j] = reduce(np.stack([x[:, y, xx] for y, xx in pix]), axis=0)
    return out


def max_pool_grad_ref(x, g, k, strides, padding, adjoint=False):
    """Routes g[n, i, j, c] to the first max of its window (adjoint: reads h there)."""
    out = np.zeros(pool_ref(x, k, strides, padding, np.max).shape if adjoint else x.shape)
    for (i, j), pix in _windows(x, k, strides, padding).items():
        vals = np.stack([x[:, y, xx] for y, xx in pix])            # (taps, N, C)
        first = vals.argmax(axis=0)
        for t, (y, xx) in enumerate(pix):
            m = first == t
            if adjoint:
                out[:, i, j] += np.where(m, g[:, y, xx], 0)
            else:
                out[:, y, xx] += np.where(m, g[:, i, j], 0)
    return out


def avg_pool_grad_ref(sizes, g, k, strides, padding):
    out = np.zeros(sizes)
    for (i, j), pix in _windows(np.zeros(sizes), k, strides, padding).items():
        for y, xx in pix:
            out[:, y, xx] += g[:, i, j] / len(pix)
    return out


# ---- samples -------------------------------------------------------------------------------
def _hw(r):
    """Spatial sizes, odd and even, never equal."""
    h = int(r.choice([4, 5, 6, 7]))
    return h, h + int(r.choice([1, 2]))


def _conv_sample(strides, padding, k=(3, 2), dilations=(1, 1), **kw):
    def inputs(r):
        h, w = _hw(r)
        return [normal(r, (2, h, w, 3)), normal(r, k + (3, 4))]
    return Sample(
        "Conv2D",
        lambda x, f: gc.nn.conv2d(x, f, strides=[1, *strides, 1], padding=padding,
                                  dilations=[1, *dilations, 1]),
        inputs, lambda x, f: conv_ref(x, f, strides, padding, dilations),
        id=f"{padding}-s{strides[0]}{strides[1]}-d{dilations[0]}", **kw)


def _nchw(t):
    return gc.transpose(t, [0, 3, 1, 2])


def _nhwc(t):
    return gc.transpose(t, [0, 2, 3, 1])


def _backprop_input_sample(strides, padding):
    def inputs(r):
        h, w = _hw(r)
        oh, ow = out_hw((h, w), (3, 2), strides, padding)
        return [np.array([2, h, w, 3], np.int32), normal(r, (3, 2, 3, 4)),
                normal(r, (2, oh, ow, 4))]
    return Sample(
        "Conv2DBackpropInput",
        lambda s, f, g: gc.nn.conv2d_backprop_input(s, f, g, [1, *strides, 1], padding),
        inputs, lambda s, f, g: conv_input_ref(tuple(s), f, g, strides, padding),
        id=f"{padding}-s{strides[0]}")


def _backprop_filter_sample(strides, padding):
    def inputs(r):
        h, w = _hw(r)
        oh, ow = out_hw((h, w), (2, 3), strides, padding)
        return [normal(r, (2, h, w, 3)), normal(r, (2, oh, ow, 4))]
    return Sample(
        "Conv2DBackpropFilter",
        lambda x, g: gc.nn.conv2d_backprop_filter(x, [2, 3, 3, 4], g, [1, *strides, 1],
                                                  padding),
        inputs, lambda x, g: conv_filter_ref(x, (2, 3, 3, 4), g, strides, padding),
        id=f"{padding}-s{strides[0]}")


def _distinct(r, s):
    """Values with no ties (max pooling is not differentiable at a tie)."""
    return (r.permutation(int(np.prod(s))).reshape(s) * 0.1 + r.uniform(0, 0.01, s))


def _pool_sample(op, k, strides, padding):
    fn = gc.nn.max_pool if op == "MaxPool" else gc.nn.avg_pool
    reduce = np.max if op == "MaxPool" else np.mean

    def inputs(r):
        return [_distinct(r, (2,) + _hw(r) + (3,))]
    return Sample(op, lambda x: fn(x, [1, *k, 1], [1, *strides, 1], padding), inputs,
                  lambda x: pool_ref(x, k, strides, padding, reduce),
                  id=f"{padding}-k{k[0]}{k[1]}-s{strides[0]}")


def _max_pool_grad_sample(op, padding, strides=(2, 2), k=(2, 3)):
    def inputs(r):
        h, w = _hw(r)
        oh, ow = out_hw((h, w), k, strides, padding)
        gs = (2, h, w, 3) if op == "MaxPoolGradGrad" else (2, oh, ow, 3)
        return [_distinct(r, (2, h, w, 3)), normal(r, gs)]

    def build(x, g):
        y = gc.nn.max_pool(x, k, strides, padding)
        fn = gc.nn.max_pool_grad_grad if op == "MaxPoolGradGrad" else gc.nn.max_pool_grad
        return fn(x, y, g, k, strides, padding)
    return Sample(op, build, inputs,
                  lambda x, g: max_pool_grad_ref(x, g, k, strides, padding,
                                                 adjoint=op == "MaxPoolGradGrad"),
                  id=padding)


def _avg_pool_grad_sample(padding, strides=(2, 1), k=(3, 2)):
    def inputs(r):
        h, w = _hw(r)
        oh, ow = out_hw((h, w), k, strides, padding)
        return [np.array([2, h, w, 3], np.int32), normal(r, (2, oh, ow, 3))]
    return Sample("AvgPoolGrad",
                  lambda s, g: gc.nn.avg_pool_grad(s, g, k, strides, padding),
                  inputs, lambda s, g: avg_pool_grad_ref(tuple(s), g, k, strides, padding),
                  id=padding)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _xent_inputs(r, axis=-1):
    """Labels that are distributions along the class axis: TF1's gradient w.r.t. the
    logits, softmax - labels, is the derivative only for those."""
    s = shape(r, rank=int(r.integers(1, 4)), lo=2)
    z = positive(r, s)
    return [z / z.sum(axis, keepdims=True), normal(r, s) * 3]


def _sparse_inputs(r):
    s = shape(r, rank=int(r.integers(0, 3)), lo=1)
    classes = int(r.integers(2, 6))
    return [r.integers(0, classes, size=s).astype(np.int32), normal(r, s + (classes,)) * 3]


def _sparse_ref(labels, logits):
    logp = _log_softmax(logits)
    return -np.take_along_axis(logp, labels[..., None].astype(np.intp), -1)[..., 0]


SAMPLES = [
    Sample("Softmax", gc.nn.softmax, lambda r: [normal(r, shape(r, rank=2, lo=2)) * 3],
           _softmax),
    Sample("Softmax", lambda x: gc.nn.softmax(x, axis=0),
           lambda r: [normal(r, shape(r, rank=3))], lambda x: _softmax(x, 0), id="axis0"),
    Sample("Softmax", gc.nn.softmax, lambda r: [normal(r, (3, 4)) * 1e4], _softmax,
           grad=False, id="huge-logits"),
    Sample("LogSoftmax", gc.nn.log_softmax, lambda r: [normal(r, shape(r, rank=2, lo=2)) * 3],
           _log_softmax),
    Sample("LogSoftmax", lambda x: gc.nn.log_softmax(x, axis=1),
           lambda r: [normal(r, shape(r, rank=3))], lambda x: _log_softmax(x, 1), id="axis1"),
    Sample("LogSoftmax", gc.nn.log_softmax, lambda r: [normal(r, (3, 4)) * 1e4],
           _log_softmax, grad=False, id="huge-logits"),
    Sample("SoftmaxCrossEntropyWithLogits",
           lambda z, x: gc.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
           _xent_inputs, lambda z, x: -(z * _log_softmax(x)).sum(-1), id="v2"),
    Sample("SoftmaxCrossEntropyWithLogits",
           lambda z, x: gc.nn.softmax_cross_entropy_with_logits(labels=z, logits=x, dim=0),
           lambda r: _xent_inputs(r, 0), lambda z, x: -(z * _log_softmax(x, 0)).sum(0),
           wrt=(1,),
           id="v1-axis0"),
    Sample("SparseSoftmaxCrossEntropyWithLogits",
           lambda z, x: gc.nn.sparse_softmax_cross_entropy_with_logits(labels=z, logits=x),
           _sparse_inputs, _sparse_ref),
    Sample("L2Loss", gc.nn.l2_loss, lambda r: [normal(r, (3, 4))],
           lambda x: np.sum(x * x) / 2),
    Sample("BiasAdd", gc.nn.bias_add,
           lambda r: [normal(r, (2, 3, 4)), normal(r, (4,))], lambda v, b: v + b),
    Sample("BiasAdd", lambda v, b: gc.nn.bias_add(v, b, data_format="NCHW"),
           lambda r: [normal(r, (2, 3, 4, 5)), normal(r, (3,))],
           lambda v, b: v + b[:, None, None], id="NCHW"),
    _conv_sample((1, 1), "SAME"),
    _conv_sample((2, 2), "SAME"),
    _conv_sample((1, 1), "VALID"),
    _conv_sample((2, 2), "VALID", k=(2, 3)),
    _conv_sample((1, 1), "SAME", dilations=(2, 1)),
    Sample("Conv2D",
           lambda x, f: _nhwc(gc.nn.conv2d(_nchw(x), f, [1, 1, 2, 1], "SAME",
                                           data_format="NCHW")),
           lambda r: [normal(r, (2, 5, 6, 3)), normal(r, (3, 2, 3, 4))],
           lambda x, f: conv_ref(x, f, (2, 1), "SAME"), id="NCHW"),
    _backprop_input_sample((1, 1), "SAME"),
    _backprop_input_sample((2, 2), "VALID"),
    _backprop_filter_sample((2, 2), "SAME"),
    _backprop_filter_sample((1, 1), "VALID"),
    _pool_sample("MaxPool", (2, 2), (2, 2), "VALID"),
    _pool_sample("MaxPool", (3, 2), (2, 2), "SAME"),
    _pool_sample("MaxPool", (2, 3), (1, 1), "SAME"),
    _pool_sample("AvgPool", (2, 2), (2, 2), "VALID"),
    _pool_sample("AvgPool", (3, 2), (2, 2), "SAME"),
    _pool_sample("AvgPool", (2, 3), (1, 1), "SAME"),
    _max_pool_grad_sample("MaxPoolGrad", "SAME"),
    _max_pool_grad_sample("MaxPoolGrad", "VALID", strides=(1, 1)),
    _max_pool_grad_sample("MaxPoolGradGrad", "SAME"),
    _max_pool_grad_sample("MaxPoolGradGrad", "VALID", strides=(1, 1)),
    _avg_pool_grad_sample("SAME"),
    _avg_pool_grad_sample("VALID"),
]
