"""Pooling (TF1 tf.nn.max_pool, avg_pool) and its gradient ops; the window geometry and
TF's SAME/VALID rule are in conv.py. Padded values are ignored: max pooling pads with
-inf, average pooling divides by the number of real inputs in each window.

The gradient ops are linear in their cotangent input and come in adjoint pairs, so
second derivatives close: max_pool_grad <-> max_pool_grad_grad, avg_pool_grad <-> avg_pool.
"""
import math

import numpy as np

from .core import convert_to_tensor
from .conv import (from_nhwc, geometry, hw_pair, nhwc_dims, out_dims, ranked_dims, shape_of,
                   sizes_nhwc, sizes_tensor, sizes_value, to_layout, to_nhwc, window_attrs)
from .elementwise import operands
from .registry import OpDef, apply1, register

__all__ = ["max_pool", "avg_pool", "max_pool_grad", "max_pool_grad_grad", "avg_pool_grad"]


# ---- pooling kernels -----------------------------------------------------------------------
def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


# The kernels work for any number of spatial dims (conv3d.py's 3-D pooling uses them too).
def _taps(x):
    """The axes of geo.windows(x) that run over a window's taps: (4, 5) in 2-D."""
    return tuple(range(x.ndim, 2 * x.ndim - 2))


def _max_pool_kernel(x, **attrs):
    fmt = attrs["data_format"]
    x = to_nhwc(x, fmt)
    win = geometry(x.shape, attrs["ksize"], attrs).windows(x, _lowest(x.dtype))
    big = np.fmax if x.dtype.kind == "f" else np.maximum    # a NaN never wins (TF)
    return from_nhwc(big.reduce(win, axis=_taps(x)), fmt)


def _argmax_taps(x, attrs):
    """The geometry and, per output element, the tap (a * kw + b) holding the first max:
    padding never wins (it is -inf, as TF ignores padded values)."""
    geo = geometry(x.shape, attrs["ksize"], attrs)
    win = geo.windows(x, _lowest(x.dtype))
    taps = win.reshape(win.shape[:x.ndim] + (math.prod(geo.k),))   # not -1: N may be 0
    if taps.dtype.kind == "f" and np.isnan(taps).any():             # a NaN never wins
        taps = np.where(np.isnan(taps), -np.inf, taps)
    return geo, taps.argmax(axis=-1)


def _max_pool_grad_kernel(x, y, g, **attrs):
    """Routes each g to the argmax of its window (summing where windows overlap)."""
    fmt = attrs["data_format"]
    x, g = to_nhwc(x, fmt), to_nhwc(g, fmt)
    geo, idx = _argmax_taps(x, attrs)
    cols = np.zeros(g.shape + (math.prod(geo.k),), g.dtype)
    np.put_along_axis(cols, idx[..., None], g[..., None], axis=-1)
    return from_nhwc(geo.col2im(cols.reshape(g.shape + geo.k)), fmt)


def _max_pool_grad_grad_kernel(x, y, h, **attrs):
    """The adjoint of max_pool_grad: h read at the argmax of each window."""
    fmt = attrs["data_format"]
    x, h = to_nhwc(x, fmt), to_nhwc(h, fmt)
    geo, idx = _argmax_taps(x, attrs)
    win = geo.windows(h)
    taps = win.reshape(win.shape[:h.ndim] + (math.prod(geo.k),))   # not -1: N may be 0
    out = np.take_along_axis(taps, idx[..., None], axis=-1)
    return from_nhwc(out[..., 0], fmt)


def _avg_counts(geo, dtype):
    """How many real (unpadded) inputs each window holds: SAME averages only those."""
    ones = np.ones((1,) + tuple(geo.hw) + (1,), dtype)
    return geo.windows(ones).sum(axis=_taps(ones))


def _avg_pool_kernel(x, **attrs):
    fmt = attrs["data_format"]
    x = to_nhwc(x, fmt)
    geo = geometry(x.shape, attrs["ksize"], attrs)
    out = geo.windows(x).sum(axis=_taps(x)) / _avg_counts(geo, x.dtype)
    return from_nhwc(out.astype(x.dtype, copy=False), fmt)


def _avg_pool_grad_kernel(sizes, g, **attrs):
    """Each g, divided by its window's count, spread evenly over the window."""
    fmt = attrs["data_format"]
    g = to_nhwc(g, fmt)
    geo = geometry(sizes_nhwc(sizes, fmt), attrs["ksize"], attrs)
    share = (g / _avg_counts(geo, g.dtype)).astype(g.dtype, copy=False)
    cols = np.broadcast_to(share.reshape(share.shape + (1,) * len(geo.k)), share.shape + geo.k)
    return from_nhwc(geo.col2im(cols), fmt)


# ---- pooling ops ---------------------------------------------------------------------------
def _layout(rank):
    return "NHWC" if rank == 4 else "NDHWC"


def infer_pool(kind, rank=4):
    """The infer rule of a pooling op on inputs of `rank` (conv3d.py's use rank 5)."""
    def infer(ctx, x, **attrs):
        ctx.require(0, kind)
        xd = nhwc_dims(ranked_dims(ctx, x, 0, "the input", rank), attrs["data_format"])
        return to_layout(out_dims(ctx, xd, attrs["ksize"], attrs, 0) + [xd[-1]],
                       attrs["data_format"]), x.dtype
    return infer


def infer_max_grad(out, rank=4):
    """MaxPoolGrad (out="input") and MaxPoolGradGrad (out="output"): (x, y, g) ops whose
    y and g must have the pool's output shape, or for GradGrad g the input's."""
    def infer(ctx, x, y, g, **attrs):
        ctx.same_dtype()
        ctx.require(0, "float")
        fmt = attrs["data_format"]
        xd = nhwc_dims(ranked_dims(ctx, x, 0, "the pooled input", rank), fmt)
        yd = out_dims(ctx, xd, attrs["ksize"], attrs, 0) + [xd[-1]]
        for i, t, want in ((1, y, yd), (2, g, yd if out == "input" else xd)):
            td = nhwc_dims(ranked_dims(ctx, t, i, "the pool's output", rank), fmt)
            for k, (a, b) in enumerate(zip(td, want)):
                ctx.merge_dims(a, b, f"{{{{{i}}}}} has {{a}} at dim {k} ({_layout(rank)}) "
                                     "but {b} was expected")
        return to_layout(xd if out == "input" else yd, fmt), x.dtype
    return infer


def infer_avg_grad(rank=4):
    """AvgPoolGrad's infer rule: (input sizes, g) with g of the pool's output shape."""
    def infer(ctx, sizes, g, **attrs):
        ctx.require(1, "float")
        fmt = attrs["data_format"]
        xd = nhwc_dims(sizes_value(ctx, sizes, 0, rank), fmt)
        want = out_dims(ctx, xd, attrs["ksize"], attrs, 0) + [xd[-1]]
        gd = nhwc_dims(ranked_dims(ctx, g, 1, "the gradient", rank), fmt)
        for k, (a, b) in enumerate(zip(gd, want)):
            ctx.merge_dims(a, b, f"the gradient {{{{1}}}} has {{a}} at dim {k} "
                                 f"({_layout(rank)}) but the pool's output has {{b}}")
        return to_layout(xd, fmt), g.dtype
    return infer


def _zeros_for(node):
    """TF1's cotangents of a max pool gradient op's orig_input and orig_output: zeros
    (second derivatives through a max pool are zeros, not None)."""
    from .elementwise import zeros_like_
    return [zeros_like_(node.inputs[0]), zeros_like_(node.inputs[1])]


MAX_POOL = register(OpDef(
    "MaxPool", infer_pool("numeric"), _max_pool_kernel,
    vjp=lambda node, gs: [_max_pool_grad(node.inputs[0], node.outputs[0], gs[0],
                                         **node.attrs)],
    jvp=lambda node, ts: _max_pool_grad_grad(node.inputs[0], node.outputs[0], ts[0],
                                             **node.attrs),
    api="nn.max_pool",
    signature="nn.max_pool(value, ksize, strides, padding, data_format='NHWC', name=None)",
    shape_rule="(N, H, W, C) -> (N, OH, OW, C); TF SAME/VALID", dtypes="numeric",
    doc="Max over each window; padding is ignored. The gradient goes to the first max."))
MAX_POOL_GRAD = register(OpDef(
    "MaxPoolGrad", infer_max_grad("input"), _max_pool_grad_kernel,
    vjp=lambda node, gs: _zeros_for(node) + [_max_pool_grad_grad(*node.inputs[:2], gs[0],
                                                                 **node.attrs)],
    jvp=lambda node, ts: None if ts[2] is None else _max_pool_grad(
        *node.inputs[:2], ts[2], **node.attrs),
    api="nn.max_pool_grad",
    signature="nn.max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding, "
              "data_format='NHWC')",
    shape_rule="shape of orig_input", dtypes="float",
    doc="The gradient of max_pool: each grad value added at its window's argmax."))
MAX_POOL_GRAD_GRAD = register(OpDef(
    "MaxPoolGradGrad", infer_max_grad("output"), _max_pool_grad_grad_kernel,
    vjp=lambda node, gs: _zeros_for(node) + [_max_pool_grad(*node.inputs[:2], gs[0],
                                                            **node.attrs)],
    jvp=lambda node, ts: None if ts[2] is None else _max_pool_grad_grad(
        *node.inputs[:2], ts[2], **node.attrs),
    api="nn.max_pool_grad_grad",
    signature="nn.max_pool_grad_grad(orig_input, orig_output, grad, ksize, strides, "
              "padding, data_format='NHWC')",
    shape_rule="shape of orig_output", dtypes="float",
    doc="The adjoint of max_pool_grad: grad (input-shaped) read at each window's argmax."))
AVG_POOL = register(OpDef(
    "AvgPool", infer_pool("float"), _avg_pool_kernel,
    vjp=lambda node, gs: [_avg_pool_grad(shape_of(node.inputs[0]), gs[0],
                                         **node.attrs)],
    jvp=lambda node, ts: _avg_pool(ts[0], **node.attrs),
    api="nn.avg_pool",
    signature="nn.avg_pool(value, ksize, strides, padding, data_format='NHWC', name=None)",
    shape_rule="(N, H, W, C) -> (N, OH, OW, C); TF SAME/VALID", dtypes="float",
    doc="Mean over each window of the real (unpadded) inputs."))
AVG_POOL_GRAD = register(OpDef(
    "AvgPoolGrad", infer_avg_grad(), _avg_pool_grad_kernel,
    vjp=lambda node, gs: [None, _avg_pool(gs[0], **node.attrs)],
    jvp=lambda node, ts: None if ts[1] is None else _avg_pool_grad(
        node.inputs[0], ts[1], **node.attrs),
    api="nn.avg_pool_grad",
    signature="nn.avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, "
              "data_format='NHWC')",
    shape_rule="orig_input_shape", dtypes="float; orig_input_shape int",
    doc="The gradient of avg_pool: each grad value spread evenly over its window."))


def _max_pool_grad(x, y, g, **kw):
    return apply1(MAX_POOL_GRAD, (x, y, g), **kw)


def _max_pool_grad_grad(x, y, h, **kw):
    return apply1(MAX_POOL_GRAD_GRAD, (x, y, h), **kw)


def _avg_pool(x, **kw):
    return apply1(AVG_POOL, (x,), **kw)


def _avg_pool_grad(sizes, g, **kw):
    return apply1(AVG_POOL_GRAD, (sizes, g), **kw)


def _pool_call(op, inputs, ksize, strides, padding, data_format, name):
    attrs = window_attrs(strides, padding, data_format)
    attrs["ksize"] = hw_pair(ksize, "ksize", attrs["data_format"])
    return apply1(op, inputs, name=name, **attrs)


def max_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """Max over windows: `gc.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")`."""
    x = convert_to_tensor(input if value is None else value)
    return _pool_call(MAX_POOL, (x,), ksize, strides, padding, data_format, name)


def avg_pool(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """Mean over windows (of the real inputs only, under SAME padding)."""
    x = convert_to_tensor(input if value is None else value)
    return _pool_call(AVG_POOL, (x,), ksize, strides, padding, data_format, name)


def max_pool_grad(orig_input, orig_output, grad, ksize, strides, padding,
                  data_format="NHWC", name=None):
    """The gradient of max_pool(orig_input) for the output cotangent grad."""
    x, y = operands(orig_input, orig_output, "max_pool_grad")
    g = convert_to_tensor(grad, dtype=x.dtype)
    return _pool_call(MAX_POOL_GRAD, (x, y, g), ksize, strides, padding, data_format, name)


def max_pool_grad_grad(orig_input, orig_output, grad, ksize, strides, padding,
                       data_format="NHWC", name=None):
    """grad (shaped like orig_input) read at each max_pool window's argmax."""
    x, y = operands(orig_input, orig_output, "max_pool_grad_grad")
    g = convert_to_tensor(grad, dtype=x.dtype)
    return _pool_call(MAX_POOL_GRAD_GRAD, (x, y, g), ksize, strides, padding, data_format,
                      name)


def avg_pool_grad(orig_input_shape, grad, ksize, strides, padding, data_format="NHWC",
                  name=None):
    """The gradient of avg_pool over an input of shape orig_input_shape."""
    g = convert_to_tensor(grad)
    return _pool_call(AVG_POOL_GRAD, (sizes_tensor(orig_input_shape), g), ksize, strides, padding,
                      data_format, name)
