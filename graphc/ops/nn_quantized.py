"""gc.nn's quantized kernels (TF's CPU ones): quantized_avg_pool, quantized_max_pool,
quantized_relu_x and quantized_conv2d. Each returns (output, min_output, max_output).

    avg pool:  window sum / valid-element count in integers (truncated toward zero, TF's
               int32 SpatialAvgPool), ranges unchanged
    relu_x:    clip(q, Q(0), Q(max_value)), Q(v) = round(v s) - round(lo s) + qmin clamped,
               s = 2^bits / ((hi - lo) 2^bits / (2^bits - 1)) (double)
    conv2d:    sum (x - Q_x(0)) (f - Q_f(0)) over the window (padding adds 0), int32;
               range: +-2^31 (or its float) * (hi_x - lo_x) / 255 * (hi_f - lo_f) / 255
"""
import collections

import numpy as np

from .. import dtypes
from ..dtypes import qint8, qint32, quint8
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply, register

__all__ = ["quantized_avg_pool", "quantized_max_pool", "quantized_relu_x",
           "quantized_conv2d"]

_F = np.float32
QuantizedResult = collections.namedtuple("QuantizedResult",
                                         ["output", "min_output", "max_output"])
QuantizedReluX = collections.namedtuple("QuantizedReluX",
                                        ["activations", "min_activations", "max_activations"])


def _f2q_unclamped(v, lo, hi, npdt):
    """TF's FloatToQuantizedUnclamped (double arithmetic, ranges given as float32)."""
    qmin = int(np.iinfo(npdt).min)
    lo, hi = float(_F(lo)), float(_F(hi))
    if lo == hi:
        return qmin
    steps = 2.0 ** (np.dtype(npdt).itemsize * 8)
    scale = steps / ((hi - lo) * (steps / (steps - 1.0)))
    return int(_round(float(_F(v)) * scale) - _round(lo * scale)) + qmin


def _round(a):
    """std::round of a double: halves away from zero."""
    t = float(np.trunc(a))
    return t + float(np.sign(a)) if abs(a - t) >= 0.5 else t


def _f2q(v, lo, hi, npdt):
    info = np.iinfo(npdt)
    return min(max(_f2q_unclamped(v, lo, hi, npdt), int(info.min)), int(info.max))


def _windows(ksize, strides, padding, h, w):
    """Output size and top/left padding of a 2-D window sweep (TF's SAME/VALID)."""
    out, pads = [], []
    for n, k, s in ((h, ksize[1], strides[1]), (w, ksize[2], strides[2])):
        o = (n - k) // s + 1 if padding == "VALID" else -(-n // s)
        out.append(max(o, 0))
        pads.append(max((o - 1) * s + k - n, 0) // 2 if padding == "SAME" else 0)
    return out, pads


def _patches(x, kh, kw, sh, sw, oh, ow, pt, pl, fill):
    """(b, oh, ow, kh, kw, c) windows of x (NHWC) padded with `fill`, and the valid mask."""
    b, h, w, c = x.shape
    ph = max((oh - 1) * sh + kh - h - pt, 0)
    pw = max((ow - 1) * sw + kw - w - pl, 0)
    xp = np.pad(x, ((0, 0), (pt, ph), (pl, pw), (0, 0)), constant_values=fill)
    mask = np.pad(np.ones((h, w), bool), ((pt, ph), (pl, pw)))
    iy = (np.arange(oh) * sh)[:, None] + np.arange(kh)[None, :]          # (oh, kh)
    ix = (np.arange(ow) * sw)[:, None] + np.arange(kw)[None, :]          # (ow, kw)
    win = xp[:, iy[:, None, :, None], ix[None, :, None, :], :]            # b oh ow kh kw c
    return win, mask[iy[:, None, :, None], ix[None, :, None, :]]          # oh ow kh kw


def _pool_kernel(x, lo, hi, *, ksize, strides, padding, kind):
    (oh, ow), (pt, pl) = _windows(ksize, strides, padding, x.shape[1], x.shape[2])
    info = np.iinfo(x.dtype)
    fill = info.min if kind == "max" else 0
    win, mask = _patches(x, ksize[1], ksize[2], strides[1], strides[2], oh, ow, pt, pl, fill)
    if kind == "max":
        out = win.max(axis=(3, 4)) if win.size else np.zeros(win.shape[:3] + win.shape[5:])
    else:
        total = win.astype(np.int64).sum(axis=(3, 4))
        count = mask.sum(axis=(2, 3))[None, :, :, None]
        # TF's kernel: int32 sums divided by the counts in C++ (truncated toward zero)
        out = np.trunc(total / np.maximum(count, 1)).astype(np.int64)
    return np.ascontiguousarray(out.astype(x.dtype)), _F(lo), _F(hi)


def _check_scalars(ctx, idx):
    for i in idx:
        if ctx.inputs[i].dtype is not dtypes.float32:
            raise InferError(f"{{{i}}} must be float32", "dtype")
        if ctx.inputs[i].shape.rank not in (None, 0):
            raise InferError(f"{{{i}}} must be a scalar")


def _check_4(name, v):
    if not isinstance(v, tuple) or len(v) != 4 or not all(isinstance(a, int) for a in v):
        raise InferError(f"{name} must be a list of 4 ints, got {v!r}")


def _out_dim(n, k, s, padding):
    if n is None:
        return None
    return max((n - k) // s + 1, 0) if padding == "VALID" else -(-n // s)


def _infer_pool(ctx, x, lo, hi, *, ksize, strides, padding, kind):
    if x.dtype not in (quint8, qint8):
        raise InferError(f"{{0}} has dtype {x.dtype.name}; quantized pooling takes quint8 "
                         "or qint8 (TF's CPU kernels)", "dtype")
    _check_scalars(ctx, (1, 2))
    _check_4("ksize", ksize)
    _check_4("strides", strides)
    if padding not in ("SAME", "VALID"):
        raise InferError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    if ksize[0] != 1 or strides[0] != 1 or ksize[3] != 1 or strides[3] != 1:
        raise InferError("pooling is only supported over rows and columns (ksize and "
                         "strides must be 1 in the batch and depth dims)")
    if min(ksize + strides) < 1:
        raise InferError("ksize and strides must be positive")
    if x.shape.rank not in (None, 4):
        raise InferError("{0} must be 4-D (NHWC)")
    d = x.shape._dims if x.shape.rank == 4 else (None,) * 4
    out = (d[0], _out_dim(d[1], ksize[1], strides[1], padding),
           _out_dim(d[2], ksize[2], strides[2], padding), d[3])
    return [(out, x.dtype), ((), dtypes.float32), ((), dtypes.float32)]


_POOL_SIG = "(input, min_input, max_input, ksize, strides, padding, name=None)"
QUANTIZED_AVG_POOL = register(OpDef(
    "QuantizedAvgPool", _infer_pool, _pool_kernel, api="nn.quantized_avg_pool",
    differentiable=False, signature="nn.quantized_avg_pool" + _POOL_SIG,
    shape_rule="pooled NHWC; scalars", dtypes="quint8, qint8",
    doc="Average pooling of quantized values (integer mean); the range passes through."))
QUANTIZED_MAX_POOL = register(OpDef(
    "QuantizedMaxPool", _infer_pool, _pool_kernel, api="nn.quantized_max_pool",
    differentiable=False, signature="nn.quantized_max_pool" + _POOL_SIG,
    shape_rule="pooled NHWC; scalars", dtypes="quint8, qint8",
    doc="Max pooling of quantized values; the range passes through."))


def _pool(op, kind, input, min_input, max_input, ksize, strides, padding, name):
    x = convert_to_tensor(input)
    node = apply(op, (x, _scalar(min_input), _scalar(max_input)), name=name,
                 ksize=tuple(int(k) for k in ksize), strides=tuple(int(s) for s in strides),
                 padding=padding, kind=kind)
    return QuantizedResult(*node.outputs)


def _scalar(v):
    return convert_to_tensor(v, dtype=dtypes.float32)


def quantized_avg_pool(input, min_input, max_input, ksize, strides, padding,  # noqa: A002
                       name=None):
    """Average pooling of a quantized NHWC tensor (TF's QuantizedAvgPool): each output is
    the mean of its window's valid elements truncated toward zero (TF's integer division);
    returns (output, min_output, max_output), the range unchanged.

    `gc.nn.quantized_avg_pool(q, 0.0, 1.0, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")`
    """
    return _pool(QUANTIZED_AVG_POOL, "avg", input, min_input, max_input, ksize, strides,
                 padding, name)


def quantized_max_pool(input, min_input, max_input, ksize, strides, padding,  # noqa: A002
                       name=None):
    """Max pooling of a quantized NHWC tensor (TF's QuantizedMaxPool); returns (output,
    min_output, max_output), the range unchanged.

    `gc.nn.quantized_max_pool(q, 0.0, 1.0, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")`
    """
    return _pool(QUANTIZED_MAX_POOL, "max", input, min_input, max_input, ksize, strides,
                 padding, name)


# -- relu_x -----------------------------------------------------------------------------

def _infer_relu_x(ctx, x, max_value, lo, hi, *, out_type):
    if (x.dtype, out_type) not in ((quint8, quint8), (qint32, qint32)):
        raise InferError(f"{{0}} is {x.dtype.name} with out_type {out_type.name}: the "
                         "quantized relu kernels take quint8 -> quint8 or qint32 -> qint32",
                         "dtype")
    _check_scalars(ctx, (1, 2, 3))
    return [(x.shape, out_type), ((), dtypes.float32), ((), dtypes.float32)]


def _relu_x_kernel(x, max_value, lo, hi, *, out_type):
    q0 = _f2q(0.0, lo, hi, x.dtype)
    q1 = _f2q(max_value, lo, hi, x.dtype)
    out = np.minimum(np.maximum(x, np.array(q0, x.dtype)), np.array(q1, x.dtype))
    return out.astype(out_type.np.dtype), _F(lo), _F(hi)


QUANTIZED_RELU_X = register(OpDef(
    "QuantizedReluX", _infer_relu_x, _relu_x_kernel, api="nn.quantized_relu_x",
    differentiable=False,
    signature="nn.quantized_relu_x(features, max_value, min_features, max_features, "
              "out_type=tf.quint8, name=None)",
    shape_rule="same as features; scalars", dtypes="quint8 or qint32",
    doc="min(max(features, 0), max_value) on quantized values; the range passes through."))


def quantized_relu_x(features, max_value, min_features, max_features, out_type=quint8,
                     name=None):
    """min(max(features, 0), max_value) with 0 and max_value quantized over
    [min_features, max_features] (TF's QuantizedReluX, computed as TF's QuantizedRelu6
    kernel does with 6 replaced by max_value); returns (activations, min_activations,
    max_activations).

    `gc.nn.quantized_relu_x(q, 1.0, -1.0, 2.0)` for a quint8 q.
    """
    x = convert_to_tensor(features)
    node = apply(QUANTIZED_RELU_X, (x, _scalar(max_value), _scalar(min_features),
                                    _scalar(max_features)),
                 name=name, out_type=dtypes.as_dtype(out_type))
    return QuantizedReluX(*node.outputs)


# -- conv2d -----------------------------------------------------------------------------

def _infer_qconv(ctx, x, f, *ranges, strides, padding, out_type, dilations):
    if x.dtype is not quint8 or f.dtype is not quint8 or out_type is not qint32:
        raise InferError(f"{{0}} is {x.dtype.name}, {{1}} {f.dtype.name} and out_type "
                         f"{out_type.name}: TF's quantized_conv2d kernel takes quint8 input "
                         "and filter and gives qint32", "dtype")
    _check_scalars(ctx, (2, 3, 4, 5))
    _check_4("strides", strides)
    _check_4("dilations", dilations)
    if padding not in ("SAME", "VALID"):
        raise InferError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    if strides[0] != 1 or strides[3] != 1 or min(strides) < 1:
        raise InferError("strides must be positive and 1 in the batch and depth dims")
    if strides[1] != strides[2]:
        raise InferError("quantized_conv2d supports only equal row and column strides "
                         "(as TF)")
    if dilations != (1, 1, 1, 1):
        raise InferError("quantized_conv2d supports only dilations [1, 1, 1, 1] (as TF)")
    for i, t in ((0, x), (1, f)):
        if t.shape.rank not in (None, 4):
            raise InferError(f"{{{i}}} must be 4-D")
    xd = x.shape._dims if x.shape.rank == 4 else (None,) * 4
    fd = f.shape._dims if f.shape.rank == 4 else (None,) * 4
    ctx.merge_dims(xd[3], fd[2], "{{0}} has {a} channels but {{1}} expects {b}")
    kh, kw = fd[0], fd[1]
    oh = None if kh is None else _out_dim(xd[1], kh, strides[1], padding)
    ow = None if kw is None else _out_dim(xd[2], kw, strides[2], padding)
    return [((xd[0], oh, ow, fd[3]), out_type), ((), dtypes.float32), ((), dtypes.float32)]


def _level(lo, hi, npdt):
    info = np.iinfo(npdt)
    return _F((_F(hi) - _F(lo)) / _F(int(info.max) - int(info.min)))


def _qconv_kernel(x, f, lo_x, hi_x, lo_f, hi_f, *, strides, padding, out_type, dilations):
    kh, kw = f.shape[0], f.shape[1]
    (oh, ow), (pt, pl) = _windows((1, kh, kw, 1), strides, padding, x.shape[1], x.shape[2])
    xs = x.astype(np.int64) - _f2q_unclamped(0.0, lo_x, hi_x, x.dtype)
    fs = f.astype(np.int64) - _f2q_unclamped(0.0, lo_f, hi_f, f.dtype)
    win, _ = _patches(xs, kh, kw, strides[1], strides[2], oh, ow, pt, pl, 0)
    acc = np.einsum("bijklc,klco->bijo", win, fs)
    out = np.clip(acc, -2 ** 31, 2 ** 31 - 1).astype(np.int32)
    level = _F(_level(lo_x, hi_x, x.dtype) * _level(lo_f, hi_f, f.dtype))
    return out, _F(level * _F(-2.0 ** 31)), _F(level * _F(2 ** 31 - 1))


QUANTIZED_CONV2D = register(OpDef(
    "QuantizedConv2D", _infer_qconv, _qconv_kernel, api="nn.quantized_conv2d",
    differentiable=False,
    signature="nn.quantized_conv2d(input, filter, min_input, max_input, min_filter, "
              "max_filter, strides, padding, out_type=tf.qint32, dilations=[1, 1, 1, 1], "
              "name=None)",
    shape_rule="conv2d NHWC; scalars", dtypes="quint8, quint8 -> qint32",
    doc="2-D convolution of quantized input and filter, accumulated in qint32."))


def quantized_conv2d(input, filter, min_input, max_input, min_filter,  # noqa: A002
                     max_filter, strides, padding, out_type=qint32, dilations=(1, 1, 1, 1),
                     name=None):
    """2-D convolution (NHWC) of quint8 input and filter with zero points taken from
    their ranges, accumulated in qint32 (TF's QuantizedConv2D); returns (output,
    min_output, max_output).

    `gc.nn.quantized_conv2d(x, w, 0.0, 1.0, -1.0, 1.0, [1, 1, 1, 1], "SAME")`
    """
    x, f = convert_to_tensor(input), convert_to_tensor(filter)
    node = apply(QUANTIZED_CONV2D, (x, f) + tuple(_scalar(v) for v in (
        min_input, max_input, min_filter, max_filter)), name=name,
        strides=tuple(int(s) for s in strides), padding=padding,
        out_type=dtypes.as_dtype(out_type), dilations=tuple(int(d) for d in dilations))
    return QuantizedResult(*node.outputs)
