"""TF's tf.math.special ops beyond the modified Bessel I functions (graphc/ops/special.py):
Bessel J0, J1, Y0, Y1, K0, K1 (and the scaled e^x K), Dawson's integral, the exponential
integral Ei, the Fresnel integrals and Spence's function. Each is one elementwise OpDef
with a float64 kernel from special_kernels.py (the input dtype is restored) and TF's
gradient (tensorflow/python/ops/math_grad.py's formulas, stated per op below).
"""
import numpy as np

from .broadcast import select
from .elementwise import _unary, cos, equal, exp, log, sin, square
from .special import bessel_i0, bessel_i0e, bessel_i1, bessel_i1e  # noqa: F401
from . import special_kernels as _k

__all__ = ["bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "bessel_k0", "bessel_k0e",
           "bessel_k1", "bessel_k1e", "dawsn", "expint", "fresnel_cos", "fresnel_sin",
           "spence"]


def _kernel(fn, index=None):
    def kernel(x):
        with np.errstate(all="ignore"):
            v = fn(x)
            v = v if index is None else v[index]
            return np.asarray(v).astype(x.dtype)
    kernel.__name__ = f"_{fn.__name__}_{index}"
    return kernel


def _k_unscaled(index):
    def fn(x):
        x64 = np.asarray(x, np.float64)
        ke = _k.bessel_ke(x64)[index]
        return np.where(x64 > 0, ke * np.exp(-np.where(x64 > 0, x64, 0.0)), ke)
    fn.__name__ = f"bessel_k{index}"
    return fn


def _at_zero(x, value, other):
    """`value` where x == 0, else `other` (TF's where_v2 guard of a 1/x formula)."""
    zero = equal(x, 0.0)
    return select(zero, value, other(select(zero, 1.0, x)))


def _j1_deriv(x, y, attrs):
    # j1' = j0 - j1 / x, and 1/2 at x = 0
    return _at_zero(x, 0.5, lambda xs: bessel_j0(x) - y / xs)


def _spence_deriv(x, y, attrs):
    # spence' = ln x / (1 - x), and -1 at x = 1
    one = equal(x, 1.0)
    return select(one, -1.0, log(x) / select(one, 1.0, 1.0 - x))   # no 0/0 computed at 1


BESSEL_J0, bessel_j0 = _unary(
    "BesselJ0", "bessel_j0", _kernel(_k.bessel_jy, 0), lambda x, y, a: -bessel_j1(x),
    kind="float", doc="The Bessel function of the first kind J_0(x); d = -bessel_j1(x).")
BESSEL_J1, bessel_j1 = _unary(
    "BesselJ1", "bessel_j1", _kernel(_k.bessel_jy, 1), _j1_deriv, kind="float",
    doc="The Bessel function of the first kind J_1(x); d = j0 - j1/x (1/2 at 0).")
BESSEL_Y0, bessel_y0 = _unary(
    "BesselY0", "bessel_y0", _kernel(_k.bessel_jy, 2), lambda x, y, a: -bessel_y1(x),
    kind="float", doc="The Bessel function of the second kind Y_0(x) (-inf at x <= 0); "
                      "d = -bessel_y1(x).")
BESSEL_Y1, bessel_y1 = _unary(
    "BesselY1", "bessel_y1", _kernel(_k.bessel_jy, 3),
    lambda x, y, a: bessel_y0(x) - y / x, kind="float",
    doc="The Bessel function of the second kind Y_1(x) (-inf at x <= 0); d = y0 - y1/x.")
BESSEL_K0, bessel_k0 = _unary(
    "BesselK0", "bessel_k0", _kernel(_k_unscaled(0)), lambda x, y, a: -bessel_k1(x),
    kind="float", doc="The modified Bessel function K_0(x) (inf at x <= 0); d = -k1.")
BESSEL_K0E, bessel_k0e = _unary(
    "BesselK0e", "bessel_k0e", _kernel(_k.bessel_ke, 0),
    lambda x, y, a: y - bessel_k1e(x), kind="float",
    doc="e^x K_0(x) (inf at x <= 0); d = k0e - k1e.")
BESSEL_K1, bessel_k1 = _unary(
    "BesselK1", "bessel_k1", _kernel(_k_unscaled(1)),
    lambda x, y, a: -bessel_k0(x) - y / x, kind="float",
    doc="The modified Bessel function K_1(x) (inf at x <= 0); d = -k0 - k1/x.")
BESSEL_K1E, bessel_k1e = _unary(
    "BesselK1e", "bessel_k1e", _kernel(_k.bessel_ke, 1),
    lambda x, y, a: y * (1.0 - 1.0 / x) - bessel_k0e(x), kind="float",
    doc="e^x K_1(x) (inf at x <= 0); d = k1e (1 - 1/x) - k0e.")
DAWSN, dawsn = _unary(
    "Dawsn", "dawsn", _kernel(_k.dawsn), lambda x, y, a: 1.0 - 2.0 * x * y, kind="float",
    doc="Dawson's integral e^-x^2 int_0^x e^t^2 dt; d = 1 - 2 x dawsn(x).")
EXPINT, expint = _unary(
    "Expint", "expint", _kernel(_k.expint), lambda x, y, a: exp(x) / x, kind="float",
    doc="The exponential integral Ei(x) (x > 0; -inf at 0, NaN below); d = e^x / x.")
FRESNEL_COS, fresnel_cos = _unary(
    "FresnelCos", "fresnel_cos", _kernel(_k.fresnel, 1),
    lambda x, y, a: cos((np.pi / 2.0) * square(x)), kind="float",
    doc="The Fresnel integral C(x) = int_0^x cos(pi t^2/2) dt; d = cos(pi x^2/2).")
FRESNEL_SIN, fresnel_sin = _unary(
    "FresnelSin", "fresnel_sin", _kernel(_k.fresnel, 0),
    lambda x, y, a: sin((np.pi / 2.0) * square(x)), kind="float",
    doc="The Fresnel integral S(x) = int_0^x sin(pi t^2/2) dt; d = sin(pi x^2/2).")
SPENCE, spence = _unary(
    "Spence", "spence", _kernel(_k.spence), _spence_deriv, kind="float",
    doc="Spence's function int_1^x ln t / (1 - t) dt (x >= 0, NaN below); "
        "d = ln x / (1 - x), -1 at x = 1.")

for _fn, _example in ((bessel_j0, "bessel_j0(1.0) is 0.7651977"),
                      (bessel_j1, "bessel_j1(1.0) is 0.4400506"),
                      (bessel_y0, "bessel_y0(1.0) is 0.0882570"),
                      (bessel_y1, "bessel_y1(1.0) is -0.7812128"),
                      (bessel_k0, "bessel_k0(1.0) is 0.4210244"),
                      (bessel_k0e, "bessel_k0e(1.0) is 1.1444631"),
                      (bessel_k1, "bessel_k1(1.0) is 0.6019072"),
                      (bessel_k1e, "bessel_k1e(1.0) is 1.6361535"),
                      (dawsn, "dawsn(1.0) is 0.5380795"),
                      (expint, "expint(1.0) is 1.8951178"),
                      (fresnel_cos, "fresnel_cos(1.0) is 0.7798934"),
                      (fresnel_sin, "fresnel_sin(1.0) is 0.4382591"),
                      (spence, "spence(0.5) is 0.5822405")):
    _fn.__doc__ = f"{_fn.__doc__}\n\n`gc.math.special.{_example}` (tf.math.special.{_fn.__name__}(x, name=None))."
