"""TF's quantize (QuantizeV2), dequantize (Dequantize) and quantized_concat, on the
quantized dtypes qint8, quint8, qint16, quint16, qint32 (also exported here).

All arithmetic is float32, step for step as TF's CPU kernels do it ([lo, hi] the range,
T's limits qmin..qmax, bits its width):

    range:        lo' = min(0, lo); eps = max(1, |lo|, |hi|) * ensure_minimum_range;
                  hi' = max(0, hi, lo' + eps)
    MIN_COMBINED: q = round((clip(x, lo, hi) - lo) * (qmax - qmin) / (hi - lo) - half)
                  x = (q + half) * (hi - lo) / (qmax - qmin) + lo   (half = 2^(bits-1) signed)
    MIN_FIRST:    s = (2^bits - 1) / (hi - lo); q = clip(round(x s) - (round(lo s) - qmin))
                  x = (r - qmin * t) + q t, t = 1 / s, r = round(lo / t) t
    SCALED:       s = min(qmin' / lo, qmax / hi) (sides of the wrong sign skipped),
                  q = round(clip(x, qmin' / s, qmax / s) s);  x = q max(lo / qmin', hi / qmax)
                  (qmin' = qmin + narrow_range; unsigned T: x = q hi / qmax; per tensor,
                  qint32 values that round to 2^31 as floats dequantize as -2^31, as in TF)
round is half away from zero (SCALED may round half to even). These are TF's reference
kernels; TF built with oneDNN on x86 swaps in oneDNN kernels for quint8 MIN_FIRST and
q(u)int8 SCALED/HALF_TO_EVEN quantize, which can differ (see docs). Float -> int conversion
follows x86 (NaN and values past int32 become INT32_MIN, then wrap to T's width).
"""
import collections

import numpy as np

from .. import dtypes
from ..dtypes import QUANTIZED_DTYPES, qint8, qint16, qint32, quint8, quint16
from ..shapes import InferError
from .core import convert_to_tensor
from .quantize_dequantize import range_shape
from .registry import OpDef, apply, apply1, register

__all__ = ["quantize", "quantize_v2", "dequantize", "quantized_concat",
           "qint8", "quint8", "qint16", "quint16", "qint32"]

_MODES = ("MIN_COMBINED", "MIN_FIRST", "SCALED")
_ROUND_MODES = ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN")
_F = np.float32

QuantizeV2 = collections.namedtuple("QuantizeV2", ["output", "output_min", "output_max"])
QuantizedConcat = collections.namedtuple("QuantizedConcat",
                                         ["output", "output_min", "output_max"])


def limits(npdt):
    """(lowest, highest) of the integer storage type."""
    info = np.iinfo(npdt)
    return int(info.min), int(info.max)


def round_away(v):
    """std::round: halves away from zero (exact for every float)."""
    r = np.trunc(v)
    return np.where(np.abs(v - r) >= _F(0.5), r + np.sign(v), r).astype(v.dtype)


def store(v, npdt):
    """Float -> T as x86 converts: NaN and values outside int32 give INT32_MIN, then the
    int32 wraps to T's width."""
    ok = np.isfinite(v) & (v >= -2.0 ** 31) & (v < 2.0 ** 31)
    i = np.where(ok, v, _F(-2.0 ** 31)).astype(np.int64).astype(np.int32)
    return i.astype(npdt)


def f2q_scale(lo, hi, npdt):
    """FloatToQuantizedStruct's (range_scale, range_min_scaled), float32."""
    bits = np.dtype(npdt).itemsize * 8
    with np.errstate(all="ignore"):
        steps = (2.0 ** bits - 1.0) / np.float64(_F(hi) - _F(lo))
        scale = np.where(hi == lo, 0.0, steps).astype(_F)
        return scale, round_away(_F(lo) * scale)


def quantize_min_first(x, lo, hi, npdt):
    """MIN_FIRST (TF's FloatTensorToQuantizedInPlaceUsingEigen), float32."""
    qmin, qmax = limits(npdt)
    scale, min_scaled = f2q_scale(lo, hi, npdt)
    low, high = max(_F(qmin), _F(-2.147483648e9)), min(_F(qmax), _F(2.147483520e9))
    with np.errstate(all="ignore"):
        v = round_away(x * scale) - (min_scaled - _F(qmin))
        v = np.minimum(np.maximum(v, low), high)
    return store(v, npdt)


def dequantize_min_first(q, lo, hi):
    """MIN_FIRST (TF's QuantizedToFloatStruct and DEQUANTIZE_WITH_EIGEN), float32."""
    bits = q.dtype.itemsize * 8
    qmin = _F(limits(q.dtype)[0])
    lo, hi = _F(lo), _F(hi)
    with np.errstate(all="ignore"):
        t = _F(np.float64(hi - lo) / (2.0 ** bits - 1.0))
        r = np.where(hi == lo, lo, round_away(lo / t) * t).astype(_F)
        return ((r - qmin * t) + q.astype(_F) * t).astype(_F)


def _adjust_range(lo, hi, ensure):
    lo2 = np.minimum(_F(0), lo)
    eps = np.maximum(_F(1), np.maximum(np.abs(lo), np.abs(hi))) * _F(ensure)
    return lo2, np.maximum(_F(0), np.maximum(hi, lo2 + eps)).astype(_F)


def _per_channel(x, lo, hi, axis):
    """x with `axis` last and lo, hi as broadcastable float32 arrays."""
    if axis == -1:
        return x, _F(lo), _F(hi)
    return np.moveaxis(x, axis, -1), np.asarray(lo, _F), np.asarray(hi, _F)


def _quantize_kernel(x, lo, hi, *, T, mode, round_mode, narrow_range, axis,
                     ensure_minimum_range):
    if np.any(np.asarray(hi) < np.asarray(lo)):
        raise ValueError("quantize: input_max_range must be larger than input_min_range.")
    npdt = T.np.dtype
    xm, lo, hi = _per_channel(x, lo, hi, axis)
    lo, hi = _adjust_range(lo, hi, ensure_minimum_range)
    qmin, qmax = limits(npdt)
    with np.errstate(all="ignore"):
        if mode == "MIN_COMBINED":
            scale = ((float(qmax) - float(qmin)) / np.float64(hi - lo)).astype(_F)
            half = _F((qmax - qmin + 1) / 2.0) if qmin < 0 else _F(0)
            v = round_away((np.minimum(np.maximum(xm, lo), hi) - lo) * scale - half)
            out = store(v, npdt)
        elif mode == "MIN_FIRST":
            out = quantize_min_first(xm, lo, hi, npdt)
        else:
            qlo, qhi = _F(qmin + (1 if narrow_range else 0)), _F(qmax)
            big = np.finfo(_F).max
            s_lo = np.where(qlo * lo > 0, qlo / lo, big).astype(_F)
            s_hi = np.where(qhi * hi > 0, qhi / hi, big).astype(_F)
            scale = np.minimum(s_lo, s_hi)
            lo, hi = (qlo / scale).astype(_F), (qhi / scale).astype(_F)
            v = np.minimum(np.maximum(xm, lo), hi) * scale
            out = store(np.rint(v) if round_mode == "HALF_TO_EVEN" else round_away(v), npdt)
    out = out if axis == -1 else np.moveaxis(out, -1, axis)
    return np.ascontiguousarray(out), np.asarray(lo, _F), np.asarray(hi, _F)


def _dequantize_kernel(q, lo, hi, *, mode, narrow_range, axis, dtype):
    qm, lo, hi = _per_channel(q, lo, hi, axis)
    qmin, qmax = limits(q.dtype)
    with np.errstate(all="ignore"):
        if mode == "MIN_COMBINED":
            scale = ((hi - lo) / (_F(qmax) - _F(qmin))).astype(_F)
            half = (_F(qmax) - _F(qmin) + _F(1)) / _F(2) if qmin < 0 else _F(0)
            out = (qm.astype(_F) + half) * scale + lo
        elif mode == "MIN_FIRST":
            out = dequantize_min_first(qm, lo, hi)
        else:
            f = qm.astype(_F)
            if q.dtype == np.int32 and axis == -1:  # TF: values rounding to 2^31 wrap
                f = np.where(f >= _F(2.0 ** 31), _F(-2.0 ** 31), f)
            s_hi = (hi / _F(qmax)).astype(_F)
            if qmin < 0:
                s_lo = (lo / _F(qmin + (1 if narrow_range else 0))).astype(_F)
                s_hi = np.where(s_lo < s_hi, s_hi, s_lo)     # std::max(s_lo, s_hi)
            out = f * s_hi
    out = np.asarray(out, _F)
    return np.ascontiguousarray(out if axis == -1 else np.moveaxis(out, -1, axis))


def _check_ranges(ctx, x, lo, hi, axis):
    """Scalar ranges (axis -1) or vectors matching x's `axis` dim; returns their shape."""
    for i in (1, 2):
        ctx.require(i, "float")
        if ctx.inputs[i].dtype is not dtypes.float32:
            raise InferError(f"{{{i}}} must be float32", "dtype")
    return range_shape(ctx, x, lo, hi, axis)


def _check_mode(mode, axis, op):
    if mode not in _MODES:
        raise InferError(f"mode must be one of {_MODES}, got {mode!r}")
    if mode == "MIN_FIRST" and axis != -1:
        raise InferError(f"MIN_FIRST mode is not implemented for {op} with axis != -1")


def _infer_quantize(ctx, x, lo, hi, *, T, mode, round_mode, narrow_range, axis,
                    ensure_minimum_range):
    if x.dtype is not dtypes.float32:
        raise InferError("{0} must be float32 (QuantizeV2 takes float32 only)", "dtype")
    if T not in QUANTIZED_DTYPES:
        raise InferError(f"T must be a quantized dtype (qint8, quint8, qint16, quint16, "
                         f"qint32), got {T.name}", "dtype")
    _check_mode(mode, axis, "Quantize")
    if round_mode not in _ROUND_MODES:
        raise InferError(f"round_mode must be one of {_ROUND_MODES}, got {round_mode!r}")
    if round_mode == "HALF_TO_EVEN" and mode != "SCALED":
        raise InferError("round_mode HALF_TO_EVEN is only supported in SCALED mode")
    r = _check_ranges(ctx, x, lo, hi, axis)
    return [(x.shape, T), (r, dtypes.float32), (r, dtypes.float32)]


def _infer_dequantize(ctx, q, lo, hi, *, mode, narrow_range, axis, dtype):
    if not q.dtype.is_quantized:
        raise InferError(f"{{0}} has dtype {q.dtype.name}; dequantize needs a quantized "
                         "dtype (qint8, quint8, qint16, quint16, qint32)", "dtype")
    if dtype is not dtypes.float32:
        raise InferError(f"dtype must be float32 (TF also allows bfloat16, which graphc "
                         f"lacks), got {dtype.name}", "dtype")
    _check_mode(mode, axis, "Dequantize")
    _check_ranges(ctx, q, lo, hi, axis)
    return q.shape, dtype


QUANTIZE_V2 = register(OpDef(
    "QuantizeV2", _infer_quantize, _quantize_kernel, api="quantize", differentiable=False,
    signature="quantize(input, min_range, max_range, T, mode='MIN_COMBINED', "
              "round_mode='HALF_AWAY_FROM_ZERO', name=None, narrow_range=False, axis=None, "
              "ensure_minimum_range=0.01)",
    shape_rule="(input, range, range)", dtypes="float32 -> T (quantized)",
    doc="Quantizes float32 to T over [min_range, max_range] (widened to hold 0); returns "
        "(output, output_min, output_max)."))
DEQUANTIZE = register(OpDef(
    "Dequantize", _infer_dequantize, _dequantize_kernel, api="dequantize",
    differentiable=False,
    signature="dequantize(input, min_range, max_range, mode='MIN_COMBINED', name=None, "
              "axis=None, narrow_range=False, dtype=tf.float32)",
    shape_rule="same as input", dtypes="quantized -> float32",
    doc="Maps quantized values back to float32 over [min_range, max_range]."))


def _axis(x, axis):
    if axis is None:
        return -1
    if axis < 0:
        if x.shape.rank is None:
            raise ValueError("input should have known rank to use negative axis.")
        return int(axis) % x.shape.rank
    return int(axis)


def _range(v):
    return convert_to_tensor(v, dtype=dtypes.float32)


def quantize_v2(input, min_range, max_range, T, mode="MIN_COMBINED", name=None,  # noqa: A002
                round_mode="HALF_AWAY_FROM_ZERO", narrow_range=False, axis=None,
                ensure_minimum_range=0.01):
    """quantize with TF1's older argument order (name before round_mode)."""
    x = convert_to_tensor(input)
    node = apply(QUANTIZE_V2, (x, _range(min_range), _range(max_range)), name=name,
                 T=dtypes.as_dtype(T), mode=mode, round_mode=round_mode,
                 narrow_range=bool(narrow_range), axis=_axis(x, axis),
                 ensure_minimum_range=float(ensure_minimum_range))
    return QuantizeV2(*node.outputs)


def quantize(input, min_range, max_range, T, mode="MIN_COMBINED",  # noqa: A002
             round_mode="HALF_AWAY_FROM_ZERO", name=None, narrow_range=False, axis=None,
             ensure_minimum_range=0.01):
    """Quantizes float32 `input` to the quantized dtype T (op QuantizeV2); returns the
    namedtuple (output, output_min, output_max). A negative `axis` quantizes per slice
    of that axis (axis=-1 too, as in TF: only axis=None is per tensor).

    `gc.quantize([0.0, 1.0], 0.0, 1.0, gc.quint8).output` evaluates to [0, 255].
    """
    return quantize_v2(input, min_range, max_range, T, mode, name, round_mode, narrow_range,
                       axis, ensure_minimum_range)


def dequantize(input, min_range, max_range, mode="MIN_COMBINED", name=None,  # noqa: A002
               axis=None, narrow_range=False, dtype=dtypes.float32):
    """Converts quantized `input` back to float32 over [min_range, max_range].

    `gc.dequantize(gc.quantize([0.0, 1.0], 0.0, 1.0, gc.quint8).output, 0.0, 1.0)`
    evaluates to [0.0, 1.0].
    """
    x = convert_to_tensor(input)
    return apply1(DEQUANTIZE, (x, _range(min_range), _range(max_range)), name=name,
                  mode=mode, narrow_range=bool(narrow_range), axis=_axis(x, axis),
                  dtype=dtypes.as_dtype(dtype))


# -- QuantizedConcat --------------------------------------------------------------------

def _infer_qconcat(ctx, dim, *rest, N):
    values = rest[:N]
    ctx.require(0, "int")
    if dim.shape.rank not in (None, 0):
        raise InferError("concat_dim {0} must be a scalar")
    dtype = ctx.same_dtype(*range(1, N + 1))
    for i in range(N + 1, 3 * N + 1):
        if ctx.inputs[i].dtype is not dtypes.float32:
            raise InferError(f"{{{i}}} must be float32", "dtype")
        if ctx.inputs[i].shape.rank not in (None, 0):
            raise InferError(f"{{{i}}} must be a scalar (input_mins and input_maxes hold "
                             "one scalar per value)")
    if dtype not in (quint8, qint32):
        raise InferError(f"quantized_concat takes quint8 or qint32 values (TF's CPU "
                         f"kernels), got {dtype.name}", "dtype")
    out = _concat_shape(ctx, values, ctx.constant_value(dim))
    return [(out, dtype), ((), dtypes.float32), ((), dtypes.float32)]


def _concat_shape(ctx, values, axis):
    ranks = {v.shape.rank for v in values} - {None}
    if len(ranks) > 1:
        raise InferError("values have different ranks: " + ", ".join(map(str, sorted(ranks))))
    if not ranks:
        return None
    rank = ranks.pop()
    if axis is None:
        return (None,) * rank
    axis = ctx.axis(int(axis), rank)
    dims = [None] * rank
    total = 0
    for j, v in enumerate(values):
        for k, d in enumerate(v.shape._dims):
            if k == axis:
                total = None if total is None or d is None else total + d
            else:
                dims[k] = ctx.merge_dims(dims[k], d, f"{{{{{j + 1}}}}} has {{b}} at dim {k} "
                                         f"but earlier values have {{a}}")
    dims[axis] = total
    return tuple(dims)


def _qconcat_kernel(dim, *rest, N):
    values, mins, maxes = rest[:N], rest[N:2 * N], rest[2 * N:]
    lo = min(_F(0), min(_F(m) for m in mins))
    hi = max(_F(m) for m in maxes)
    if values[0].dtype.kind == "i":          # signed: a range symmetric about zero
        hi = max(abs(lo), abs(hi))
        lo = -hi
    axis = int(dim)
    if not -values[0].ndim <= axis < values[0].ndim:
        raise ValueError(f"quantized_concat: concat_dim {axis} is out of range for rank "
                         f"{values[0].ndim}")
    parts = []
    for v, a, b in zip(values, mins, maxes):
        if _F(a) == lo and _F(b) == hi:
            parts.append(v)
        else:
            parts.append(quantize_min_first(dequantize_min_first(v, a, b), lo, hi, v.dtype))
    return np.concatenate(parts, axis=axis), _F(lo), _F(hi)


QUANTIZED_CONCAT = register(OpDef(
    "QuantizedConcat", _infer_qconcat, _qconcat_kernel, api="quantized_concat",
    differentiable=False,
    signature="quantized_concat(concat_dim, values, input_mins, input_maxes, name=None)",
    shape_rule="concat of values along concat_dim; scalars", dtypes="quint8 or qint32",
    doc="Concatenates quantized values, requantizing each to the union of their ranges."))


def quantized_concat(concat_dim, values, input_mins, input_maxes, name=None):
    """Concatenates quantized tensors along `concat_dim`, requantizing each (MIN_FIRST)
    from its [min, max] to the common range; returns (output, output_min, output_max).
    quint8 keeps [min(0, mins), max(maxes)]; qint32 a range symmetric about zero.

    `gc.quantized_concat(0, [a, b], [0.0, -1.0], [1.0, 1.0])` for quint8 a, b.
    """
    values = [convert_to_tensor(v) for v in values]
    mins = [_range(m) for m in input_mins]
    maxes = [_range(m) for m in input_maxes]
    n = len(values)
    if n < 2:
        raise ValueError(f"quantized_concat: values needs at least 2 tensors, got {n}")
    if len(mins) != n or len(maxes) != n:
        raise ValueError(f"quantized_concat: {n} values but {len(mins)} input_mins and "
                         f"{len(maxes)} input_maxes")
    dim = convert_to_tensor(concat_dim, dtype=dtypes.int32)
    node = apply(QUANTIZED_CONCAT, [dim] + values + mins + maxes, name=name, N=n)
    return QuantizedConcat(*node.outputs)
