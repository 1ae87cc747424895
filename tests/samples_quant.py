"""Samples for the quant family: QuantizeV2, Dequantize, QuantizedConcat and gc.nn's
quantized kernels. References are float64 textbook formulas (one quantum of slack for
quantized outputs; tests/test_tf_parity_quant.py checks TF's exact values)."""
import numpy as np

import graphc as gc
from samples import Sample

SAMPLES = []


def _q(x, name):
    return gc.cast(x, getattr(gc, name))


def _round(v):
    return np.where(v < 0, -np.floor(-v + 0.5), np.floor(v + 0.5))


def _ints(r, shape, npdt):
    info = np.iinfo(npdt)
    return r.integers(info.min, int(info.max) + 1, shape).astype(npdt)


def _mc_ref(x, lo, hi):
    """MIN_COMBINED to qint8 over [lo, hi] (lo <= 0 < hi)."""
    v = (np.clip(x.astype(np.float64), lo, hi) - lo) * 255 / (hi - lo) - 128
    return [_round(v), np.float32(lo), np.float32(hi)]


def _scaled_ref(x, lo, hi):
    """SCALED, per channel of the last axis, to quint8: scale 255 / hi."""
    s = 255.0 / hi
    return [_round(np.clip(x, 0, hi) * s), np.zeros_like(lo), hi]


def _first_ref(x, lo, hi):
    """MIN_FIRST to quint16 over [lo, hi]."""
    s = 65535.0 / (hi - lo)
    return [np.clip(_round(x * s) - _round(lo * s), 0, 65535), np.float32(lo), np.float32(hi)]


def _pool_ref(x, k, st, kind):
    b, h, w, c = x.shape
    oh, ow = (h - k[0]) // st[0] + 1, (w - k[1]) // st[1] + 1
    out = np.zeros((b, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            win = x[:, i * st[0]:i * st[0] + k[0], j * st[1]:j * st[1] + k[1], :].astype(float)
            out[:, i, j] = win.max(axis=(1, 2)) if kind == "max" else np.trunc(
                win.mean(axis=(1, 2)))              # TF: int32 division
    return [out, -1.0, 2.0]


def _conv_ref(x, f):
    """VALID, stride 1, zero points 85 (input over [-1, 2]) and 128 (filter over [-1, 1])."""
    xs, fs = x.astype(np.int64) - 85, f.astype(np.int64) - 128
    b, h, w, _ = x.shape
    kh, kw, _, o = f.shape
    out = np.zeros((b, h - kh + 1, w - kw + 1, o))
    for i in range(h - kh + 1):
        for j in range(w - kw + 1):
            out[:, i, j] = np.einsum("bklc,klco->bo", xs[:, i:i + kh, j:j + kw], fs)
    level = np.float32(np.float32(3.0 / 255) * np.float32(2.0 / 255))
    return [out, level * -2.0 ** 31, level * np.float32(2 ** 31 - 1)]


def _concat_ref(a, b):
    """quint8 a over [0, 1] and b over [0, 2] requantized to [0, 2]."""
    a2 = _round(_round(a * (1 / 255.0) * (255 / 2.0)))
    return [np.concatenate([a2, b], axis=1), 0.0, 2.0]


SAMPLES += [
    Sample("QuantizeV2", lambda x: list(gc.quantize(x, -1.0, 2.0, gc.qint8)),
           lambda r: [r.uniform(-2, 3, (3, 4)).astype(np.float32)],
           lambda x: _mc_ref(x, -1.0, 2.0), grad=False, rtol=0, atol=1, id="min_combined"),
    Sample("QuantizeV2",
           lambda x, a, b: list(gc.quantize(x, a, b, gc.quint8, mode="SCALED", axis=-1)),
           lambda r: [r.uniform(-1, 4, (2, 3, 4)).astype(np.float32),
                      np.float32([-1, 0, -0.5, -2]), np.float32([1, 2, 3, 0.5])],
           _scaled_ref, grad=False, rtol=0, atol=1, id="scaled per channel"),
    Sample("QuantizeV2",
           lambda x: list(gc.quantize(x, -0.5, 1.5, gc.quint16, mode="MIN_FIRST")),
           lambda r: [r.uniform(-1, 2, (5, 2)).astype(np.float32)],
           lambda x: _first_ref(x, -0.5, 1.5), grad=False, rtol=0, atol=1, id="min_first"),
    Sample("Dequantize", lambda q: gc.dequantize(_q(q, "qint8"), -1.0, 2.0),
           lambda r: [_ints(r, (3, 5), np.int8)],
           lambda q: (q + 128.0) * 3.0 / 255 - 1.0, grad=False, rtol=1e-6, atol=1e-6,
           id="min_combined"),
    Sample("Dequantize",
           lambda q, a, b: gc.dequantize(_q(q, "qint16"), a, b, mode="SCALED", axis=0),
           lambda r: [_ints(r, (2, 3), np.int16), np.float32([-1, 0.5]),
                      np.float32([2, 3])],
           lambda q, a, b: q * np.maximum(a / -32768.0, b / 32767.0)[:, None], grad=False,
           rtol=1e-6, atol=1e-9, id="scaled per channel"),
    Sample("Dequantize",
           lambda q: gc.dequantize(_q(q, "quint8"), 0.0, 2.0, mode="MIN_FIRST"),
           lambda r: [_ints(r, (4,), np.uint8)], lambda q: q * 2.0 / 255, grad=False,
           rtol=1e-6, atol=1e-6, id="min_first"),
    Sample("QuantizedConcat",
           lambda a, b: list(gc.quantized_concat(1, [_q(a, "quint8"), _q(b, "quint8")],
                                                 [0.0, 0.0], [1.0, 2.0])),
           lambda r: [_ints(r, (2, 3), np.uint8), _ints(r, (2, 2), np.uint8)], _concat_ref,
           grad=False, rtol=0, atol=1),
    Sample("QuantizedAvgPool",
           lambda x: list(gc.nn.quantized_avg_pool(_q(x, "quint8"), -1.0, 2.0, [1, 2, 3, 1],
                                                   [1, 2, 1, 1], "VALID")),
           lambda r: [_ints(r, (2, 5, 6, 3), np.uint8)],
           lambda x: _pool_ref(x, (2, 3), (2, 1), "avg"), grad=False, rtol=0, atol=0),
    Sample("QuantizedMaxPool",
           lambda x: list(gc.nn.quantized_max_pool(_q(x, "qint8"), -1.0, 2.0, [1, 3, 2, 1],
                                                   [1, 1, 2, 1], "VALID")),
           lambda r: [_ints(r, (1, 4, 7, 2), np.int8)],
           lambda x: _pool_ref(x, (3, 2), (1, 2), "max"), grad=False, rtol=0, atol=0),
    Sample("QuantizedReluX",
           lambda x: list(gc.nn.quantized_relu_x(_q(x, "quint8"), 1.0, -1.0, 2.0)),
           lambda r: [_ints(r, (3, 4), np.uint8)],
           lambda x: [np.clip(x, 85, 170), -1.0, 2.0], grad=False, rtol=0, atol=0),
    Sample("QuantizedConv2D",
           lambda x, f: list(gc.nn.quantized_conv2d(_q(x, "quint8"), _q(f, "quint8"), -1.0,
                                                    2.0, -1.0, 1.0, [1, 1, 1, 1], "VALID")),
           lambda r: [_ints(r, (2, 4, 5, 3), np.uint8), _ints(r, (2, 3, 3, 2), np.uint8)],
           _conv_ref, grad=False, rtol=1e-7, atol=0),
]
