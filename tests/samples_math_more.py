"""Samples for ops/math_more.py's and ops/special.py's ops; see samples.py."""
import numpy as np

import graphc as gc
from graphc.ops.special import _igamma_grad_a
from samples import Sample, broadcastable, normal, shape

try:
    from scipy import special
except ImportError:                 # the special-function samples then check shapes and
    special = None                  # gradients only (tests/test_math_more.py has more)


def _scipy(name):
    return None if special is None else getattr(special, name)


def _ints(r, s, lo, hi, dtype=np.int32):
    return r.integers(lo, hi, size=s).astype(dtype)


def _nonzero_ints(r, s, dtype=np.int32):
    return (r.integers(1, 6, size=s) * r.choice([-1, 1], size=s)).astype(dtype)


def _trunc_div_ref(x, y):
    """C division, from the magnitudes: |x| // |y| with the sign of x * y."""
    return np.sign(x) * np.sign(y) * (np.abs(x) // np.abs(y))


def _trunc_mod_ref(x, y):
    return x - _trunc_div_ref(x, y) * y


def _pair(r, lo, hi, lo2, hi2):
    """a of a random shape and x of a shape that broadcasts against it."""
    s = shape(r)
    return [r.uniform(lo, hi, size=s), r.uniform(lo2, hi2, size=broadcastable(r, s))]


def _igamma_grad_a_ref(a, x):
    h = 1e-6 * a
    return (special.gammainc(a + h, x) - special.gammainc(a - h, x)) / (2 * h)


def _y_with_zeros(r, s):
    return np.where(r.random(s) < 0.3, 0.0, normal(r, s))


def _betainc_inputs(r):
    s = shape(r)
    return [r.uniform(0.5, 5.0, size=broadcastable(r, s)),
            r.uniform(0.5, 5.0, size=broadcastable(r, s)), r.uniform(0.05, 0.95, size=s)]


SAMPLES = [
    # ---- C-style division
    Sample("TruncateDiv", gc.truncatediv,
           lambda r: [_ints(r, (3, 4), -20, 20), _nonzero_ints(r, (4,))], _trunc_div_ref,
           grad=False, id="int32"),
    Sample("TruncateDiv", gc.truncatediv,
           lambda r: [_ints(r, (2, 5), -50, 50, np.int64), _nonzero_ints(r, (2, 1), np.int64)],
           _trunc_div_ref, grad=False, id="int64"),
    Sample("TruncateDiv", gc.truncatediv,
           lambda r: [normal(r, (3, 4)) * 5, normal(r, (3, 4)) + 3.0],
           lambda x, y: np.trunc(x / y), grad=False, id="float"),
    Sample("TruncateMod", gc.truncatemod,
           lambda r: [_ints(r, (3, 4), -20, 20), _nonzero_ints(r, (3, 1))], _trunc_mod_ref,
           grad=False, id="int32"),
    Sample("TruncateMod", gc.truncatemod,
           lambda r: [normal(r, (4, 3)) * 5, normal(r, (3,)) + 3.0], np.fmod, grad=False,
           id="float"),
    # ---- multiply_no_nan, nextafter
    Sample("MulNoNan", gc.multiply_no_nan,
           lambda r: [normal(r, (3, 4)), _y_with_zeros(r, (3, 4))],
           lambda x, y: np.where(y == 0, 0.0, x * y), id="y has zeros"),
    Sample("MulNoNan", gc.multiply_no_nan,
           lambda r: [normal(r, (4,)), _y_with_zeros(r, (2, 3, 4))],
           lambda x, y: np.where(y == 0, 0.0, x * y), id="broadcast"),
    Sample("MulNoNan", gc.multiply_no_nan,
           lambda r: [np.array([np.inf, np.nan, -np.inf, 2.0]), np.array([0.0, 0.0, 0.0, 3.0])],
           lambda x, y: np.array([0.0, 0.0, 0.0, 6.0]), grad=False, id="inf and nan times 0"),
    Sample("NextAfter", gc.nextafter,
           lambda r: [normal(r, (3, 4)), normal(r, (4,))], np.nextafter),
    Sample("NextAfter", gc.nextafter,
           lambda r: [normal(r, (2, 3)).astype(np.float32), np.zeros((2, 3), np.float32)],
           np.nextafter, grad=False, id="float32 toward 0"),
    # ---- incomplete gamma
    Sample("Igamma", gc.igamma, lambda r: _pair(r, 0.5, 6.0, 0.1, 8.0), _scipy("gammainc"),
           rtol=1e-12),
    Sample("Igamma", gc.igamma, lambda r: _pair(r, 8.0, 40.0, 1.0, 60.0), _scipy("gammainc"),
           rtol=1e-11, atol=1e-300, id="large a"),
    Sample("Igammac", gc.igammac, lambda r: _pair(r, 0.5, 6.0, 0.1, 8.0), _scipy("gammaincc"),
           rtol=1e-12),
    Sample("Igammac", gc.igammac, lambda r: [r.uniform(0.5, 3.0, size=(2, 3)),
                                             r.uniform(20.0, 40.0, size=(2, 3))],
           _scipy("gammaincc"), rtol=1e-12, atol=0.0, id="tail (1 - P would be 0)"),
    Sample("IgammaGradA", _igamma_grad_a, lambda r: _pair(r, 0.5, 6.0, 0.1, 8.0),
           None if special is None else _igamma_grad_a_ref, grad=False, rtol=1e-6,
           atol=1e-9),
    # ---- incomplete beta, Hurwitz zeta
    Sample("Betainc", gc.betainc, _betainc_inputs, _scipy("betainc"), wrt=(2,), rtol=1e-12),
    Sample("Betainc", lambda x: gc.betainc(2.0, 3.0, x),
           lambda r: [r.uniform(0.05, 0.95, size=shape(r))],
           lambda x: x * x * (6.0 - 8.0 * x + 3.0 * x * x), rtol=1e-12, id="a=2 b=3 (quartic)"),
    Sample("Betainc", gc.betainc,
           lambda r: [r.uniform(20.0, 80.0, size=(4,)), r.uniform(20.0, 80.0, size=(3, 1)),
                      r.uniform(0.2, 0.8, size=(3, 4))],
           _scipy("betainc"), wrt=(2,), rtol=1e-10, atol=1e-300, id="large a, b"),
    Sample("Zeta", gc.zeta, lambda r: _pair(r, 1.5, 6.0, 0.3, 5.0), _scipy("zeta"), wrt=(1,),
           rtol=1e-12),
    Sample("Zeta", lambda q: gc.zeta(2.0, q), lambda r: [r.uniform(0.5, 30.0, size=shape(r))],
           _scipy("zeta") and (lambda q: special.zeta(2.0, q)), rtol=1e-12,
           id="x=2 (trigamma)"),
    # ---- modified Bessel functions (and the composites bessel_i0, bessel_i1)
    Sample("BesselI0e", gc.bessel_i0e, lambda r: [normal(r, shape(r)) * 4.0], _scipy("i0e"),
           rtol=1e-13),
    Sample("BesselI0e", gc.bessel_i0e,
           lambda r: [r.uniform(15.0, 60.0, (3, 4)) * r.choice([-1.0, 1.0], (3, 4))],
           _scipy("i0e"), rtol=1e-13, id="both series (|x| ~ 25)"),
    Sample("BesselI1e", gc.bessel_i1e, lambda r: [normal(r, shape(r)) * 4.0], _scipy("i1e"),
           rtol=1e-13),
    Sample("BesselI1e", gc.bessel_i1e,
           lambda r: [r.uniform(15.0, 60.0, (4, 3)) * r.choice([-1.0, 1.0], (4, 3))],
           _scipy("i1e"), rtol=1e-13, id="both series (|x| ~ 25)"),
    Sample("BesselI1e", gc.bessel_i1e, lambda r: [np.array([0.0, 1e-3, -2.0])],
           _scipy("i1e"), rtol=1e-13, id="x = 0 (d = 1/2)"),
    Sample("BesselI0e", gc.bessel_i0, lambda r: [normal(r, (2, 3)) * 4.0], _scipy("i0"),
           rtol=1e-13, id="bessel_i0 = e^|x| i0e"),
    Sample("BesselI1e", gc.bessel_i1, lambda r: [normal(r, (3, 2)) * 4.0], _scipy("i1"),
           rtol=1e-13, id="bessel_i1 = e^|x| i1e"),
]
