"""Samples for the session-8 additions: tf.math.special (ops/special_more.py), sobol_sample,
fake quantization and quantize_and_dequantize; see samples.py."""
import numpy as np

import graphc as gc
from samples import Sample, shape

try:
    from scipy import special
except ImportError:                 # then shapes and gradients only (test_extras8 has more)
    special = None


def _scipy(fn):
    return None if special is None else fn


def _signed(lo, hi):
    def inputs(r):
        s = shape(r)
        return [r.uniform(lo, hi, size=s) * r.choice([-1.0, 1.0], size=s)]
    return inputs


def _pos(lo, hi):
    return lambda r: [r.uniform(lo, hi, size=shape(r))]


_S = gc.math.special
SAMPLES = [
    Sample("BesselJ0", _S.bessel_j0, _signed(0.1, 40.0), _scipy(lambda x: special.j0(x)),
           rtol=1e-11, atol=1e-12),
    Sample("BesselJ1", _S.bessel_j1, _signed(0.1, 40.0), _scipy(lambda x: special.j1(x)),
           rtol=1e-11, atol=1e-12),
    Sample("BesselJ1", _S.bessel_j1, lambda r: [np.array([0.0, 1e-7, -3.0])],
           _scipy(lambda x: special.j1(x)), rtol=1e-11, id="x = 0 (d = 1/2)"),
    Sample("BesselY0", _S.bessel_y0, _pos(0.2, 40.0), _scipy(lambda x: special.y0(x)),
           rtol=1e-11, atol=1e-12),
    Sample("BesselY1", _S.bessel_y1, _pos(0.2, 40.0), _scipy(lambda x: special.y1(x)),
           rtol=1e-11, atol=1e-12),
    Sample("BesselK0", _S.bessel_k0, _pos(0.2, 8.0), _scipy(lambda x: special.k0(x)),
           rtol=1e-12),
    Sample("BesselK0e", _S.bessel_k0e, _pos(0.2, 30.0), _scipy(lambda x: special.k0e(x)),
           rtol=1e-12),
    Sample("BesselK1", _S.bessel_k1, _pos(0.2, 8.0), _scipy(lambda x: special.k1(x)),
           rtol=1e-12),
    Sample("BesselK1e", _S.bessel_k1e, _pos(0.2, 30.0), _scipy(lambda x: special.k1e(x)),
           rtol=1e-12),
    Sample("Dawsn", _S.dawsn, _signed(0.0, 14.0), _scipy(lambda x: special.dawsn(x)),
           rtol=1e-12),
    Sample("Expint", _S.expint, _pos(0.5, 50.0), _scipy(lambda x: special.expi(x)),
           rtol=1e-11),
    Sample("FresnelCos", _S.fresnel_cos, _signed(0.0, 3.0),
           _scipy(lambda x: special.fresnel(x)[1]), rtol=1e-12, atol=1e-13),
    Sample("FresnelSin", _S.fresnel_sin, _signed(0.0, 3.0),
           _scipy(lambda x: special.fresnel(x)[0]), rtol=1e-12, atol=1e-13),
    Sample("Spence", _S.spence, _pos(0.05, 6.0), _scipy(lambda x: special.spence(x)),
           rtol=1e-12, atol=1e-13),
    Sample("Spence", _S.spence, lambda r: [np.array([1.0, 0.5, 2.0])],
           _scipy(lambda x: special.spence(x)), rtol=1e-12, atol=1e-13, id="x = 1 (d = -1)"),
]

# ---- sobol_sample --------------------------------------------------------------------------
SAMPLES.append(Sample(
    "SobolSample", lambda: gc.math.sobol_sample(3, 4, skip=1, dtype=gc.float64),
    lambda r: [], lambda: np.array([[0.75, 0.25, 0.25], [0.25, 0.75, 0.75],
                                    [0.375, 0.375, 0.625], [0.875, 0.875, 0.125]]),
    grad=False))


# ---- fake quantization: 16 bits and a wide finite difference, over which the quantized
# function has slope ~1 inside the range (the straight-through gradient)
def _f32(f):
    return lambda *xs: gc.cast(f(*[gc.cast(x, gc.float32) for x in xs]), gc.float64)


def _fq_ref(x, lo, hi, bits=16, narrow=False):
    qmin, qmax = (1 if narrow else 0), 2 ** bits - 1
    scale = (hi - lo) / (qmax - qmin)
    zp = np.clip(np.round(qmin - lo / scale), qmin, qmax)
    nmin, nmax = (qmin - zp) * scale, (qmax - zp) * scale
    return np.floor((np.clip(x, nmin, nmax) - nmin) / scale + 0.5) * scale + nmin


def _away(r, s, lo, hi, gap=0.15):
    """Uniform values with none within gap of lo or hi (the finite difference's reach)."""
    x = r.uniform(lo - 1, hi + 1, size=s)
    far = gap + 0.25
    return np.where(np.abs(x - lo) < gap, lo - far, np.where(np.abs(x - hi) < gap, hi + far, x))


_WIDE = dict(eps=0.1, rtol=1e-2, atol=1e-2)
SAMPLES += [
    Sample("FakeQuantWithMinMaxArgs",
           _f32(lambda x: gc.fake_quant_with_min_max_args(x, min=-2.0, max=3.0, num_bits=16)),
           lambda r: [_away(r, shape(r), -2.0, 3.0)], lambda x: _fq_ref(x, -2.0, 3.0),
           rtol=1e-5, atol=1e-5, grad_kw=_WIDE),
    Sample("FakeQuantWithMinMaxArgs",
           lambda x: gc.fake_quant_with_min_max_args(x, min=-1.0, max=1.0, num_bits=2,
                                                     narrow_range=True),
           lambda r: [r.uniform(-2, 2, (3, 4)).astype(np.float32)],
           lambda x: _fq_ref(x, -1.0, 1.0, 2, True), grad=False, rtol=1e-6, atol=1e-6,
           id="2 bits narrow"),
    Sample("FakeQuantWithMinMaxArgsGradient",
           lambda g, x: gc.fake_quant_with_min_max_args_gradient(g, x, min=-1.0, max=1.0),
           lambda r: [r.standard_normal((2, 5)).astype(np.float32),
                      r.uniform(-2, 2, (2, 5)).astype(np.float32)],
           lambda g, x: np.where(np.abs(x) <= 1.0, g, 0.0), grad=False),
    Sample("FakeQuantWithMinMaxVars",
           _f32(lambda x, a, b: gc.fake_quant_with_min_max_vars(x, a, b, num_bits=16)),
           lambda r: [_away(r, (3, 4), -1.0, 2.0, 0.6), np.array(-1.0), np.array(2.0)],
           lambda x, a, b: _fq_ref(x, a, b), rtol=1e-5, atol=1e-5, grad_kw=_WIDE),
    Sample("FakeQuantWithMinMaxVarsGradient",
           lambda g, x, a, b: list(gc.fake_quant_with_min_max_vars_gradient(g, x, a, b)),
           lambda r: [r.standard_normal((2, 3)).astype(np.float32),
                      r.uniform(-3, 3, (2, 3)).astype(np.float32),
                      np.float32(-1.0), np.float32(1.0)],
           lambda g, x, a, b: [np.where(np.abs(x) <= 1, g, 0), np.sum(np.where(x < -1, g, 0)),
                               np.sum(np.where(x > 1, g, 0))], grad=False, rtol=1e-5),
    Sample("FakeQuantWithMinMaxVarsPerChannel",
           _f32(lambda x, a, b: gc.fake_quant_with_min_max_vars_per_channel(x, a, b,
                                                                            num_bits=16)),
           lambda r: [np.stack([_away(r, (2, 3), -1.0, 1.0, 0.6),
                                _away(r, (2, 3), -0.5, 2.0, 0.6)], -1),
                      np.array([-1.0, -0.5]), np.array([1.0, 2.0])],
           lambda x, a, b: _fq_ref(x, a, b), rtol=1e-5, atol=1e-5, grad_kw=_WIDE),
    Sample("FakeQuantWithMinMaxVarsPerChannelGradient",
           lambda g, x, a, b: list(gc.fake_quant_with_min_max_vars_per_channel_gradient(
               g, x, a, b)),
           lambda r: [r.standard_normal((4, 2)).astype(np.float32),
                      r.uniform(-3, 3, (4, 2)).astype(np.float32),
                      np.array([-1.0, -2.0], np.float32), np.array([1.0, 0.5], np.float32)],
           lambda g, x, a, b: [np.where((x >= a) & (x <= b), g, 0),
                               np.sum(np.where(x < a, g, 0), 0),
                               np.sum(np.where(x > b, g, 0), 0)], grad=False, rtol=1e-5),
    Sample("FakeQuantWithMinMaxVarsJvp",
           lambda t, x: gc.ops.quantization_ops.apply1(
               gc.ops.quantization_ops.FAKE_QUANT_VARS_JVP,
               (t, gc.constant(np.float32(5.0)), gc.constant(np.float32(7.0)), x,
                gc.constant(np.float32(-1.0)), gc.constant(np.float32(1.0))),
               num_bits=8, narrow_range=False),
           lambda r: [r.standard_normal((3, 2)).astype(np.float32),
                      r.uniform(-3, 3, (3, 2)).astype(np.float32)],
           lambda t, x: np.where(x < -1, 5.0, np.where(x > 1, 7.0, t)), grad=False),
]


# ---- quantize_and_dequantize -----------------------------------------------------------
def _qdq_ref(x, lo, hi, bits=16):
    scale = min(-(2 ** (bits - 1)) / lo, (2 ** (bits - 1) - 1) / hi)
    return np.rint(np.clip(x, -(2 ** (bits - 1)) / scale, (2 ** (bits - 1) - 1) / scale)
                   * scale) / scale


SAMPLES += [
    Sample("QuantizeAndDequantizeV2",
           lambda x: gc.quantization.quantize_and_dequantize(x, -2.0, 3.0, num_bits=16,
                                                             range_given=True),
           lambda r: [r.uniform(-1.8, 2.8, size=shape(r))], lambda x: _qdq_ref(x, -2.0, 3.0),
           grad_kw=_WIDE),
    Sample("QuantizeAndDequantizeV4",
           lambda x: gc.quantization.quantize_and_dequantize_v2(x, -2.0, 3.0, num_bits=16,
                                                                range_given=True),
           lambda r: [r.uniform(-1.8, 2.8, size=shape(r))], lambda x: _qdq_ref(x, -2.0, 3.0),
           grad_kw=_WIDE),
    Sample("QuantizeAndDequantizeV4Grad",
           lambda g, x, a, b: list(gc.ops.quantize_dequantize.apply(
               gc.ops.quantize_dequantize.QDQ_V4_GRAD, (g, x, a, b), axis=1).outputs),
           lambda r: [r.standard_normal((2, 3)), r.uniform(-2, 2, (2, 3)),
                      np.array([-1.0, 0.0, -0.5]), np.array([1.0, 0.5, 2.0])],
           lambda g, x, a, b: [np.where((x >= a) & (x <= b), g, 0), np.zeros(3), np.zeros(3)],
           grad=False),
]
