"""The log-gamma function and its derivatives: lgamma, digamma, polygamma (TF1 names).

No scipy: lgamma is Python's math.lgamma (the C library's) element by element; digamma
and polygamma shift x upward with the recurrence psi^(n)(x) = psi^(n)(x + 1) -
(-1)^n n! / x^(n+1) and finish with the asymptotic (Euler-Maclaurin) series (digamma
reflects x < 1/2 to 1 - x first). tests/test_math_ops.py checks all three against
scipy, where it is installed, to 1e-11 relative. Each is the next one's derivative:
lgamma' = digamma, digamma' = polygamma(1, .), polygamma(n, .)' = polygamma(n + 1, .).
"""
import math

import numpy as np

from ..graph import Tensor
from .core import convert_to_tensor
from .elementwise import _binary, _typed, _unary, operands

__all__ = ["lgamma", "digamma", "polygamma"]

# B_2k for k = 1..8: the Bernoulli numbers of the asymptotic series
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def _lgamma_one(v):
    try:
        return math.lgamma(v)
    except ValueError:              # a pole (0, -1, -2...): log|Gamma| is +inf there
        return math.inf


_lgamma_ufunc = np.frompyfunc(_lgamma_one, 1, 1)


def _lgamma_kernel(x):
    return np.asarray(_lgamma_ufunc(np.asarray(x, np.float64)), np.float64).astype(x.dtype)


def _digamma_f64(x):
    """psi(x) in float64; reflection psi(x) = psi(1 - x) - pi cot(pi x) below 1/2."""
    low = x < 0.5
    a = np.where(low, 1.0 - x, x)
    out = np.zeros_like(a)
    ok = np.isfinite(a)
    a = np.where(ok, a, 20.0)
    while True:                      # psi(a) = psi(a + 1) - 1/a, until a >= 10
        small = a < 10.0
        if not small.any():
            break
        out -= np.where(small, 1.0 / np.where(small, a, 1.0), 0.0)
        a = a + small
    inv2 = 1.0 / (a * a)
    series, p = 0.0, inv2
    for k, b in enumerate(_BERNOULLI[:7], 1):
        series = series + b / (2 * k) * p
        p = p * inv2
    out += np.log(a) - 0.5 / a - series
    frac = x - np.round(x)           # tan(pi x) has period 1 in x: reduce first (accuracy)
    out = np.where(low, out - np.pi / np.tan(np.pi * frac), out)
    out = np.where(low & (frac == 0), np.nan, out)      # poles at 0, -1, -2...
    return np.where(ok, out, np.where(x == np.inf, np.inf, np.nan))


def cot_term(n, x):
    """pi^(n+1) P_n(cot(pi x)), P_n(cot y) the n-th derivative of cot y (P_0(c) = c,
    P_k+1 = -(1 + c^2) P_k'): the reflection term of psi^(n) and of zeta(n + 1, q) for
    x < 0, so those cost O(1) there, not O(|x|). cot is taken of x's distance to the
    nearest integer, exact in float64."""
    poly = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(int(n)):
        poly = -np.polynomial.Polynomial([1.0, 0.0, 1.0]) * poly.deriv()
    frac = x - np.round(x)
    return np.pi ** (n + 1) * poly(np.cos(np.pi * frac) / np.sin(np.pi * frac))


def hurwitz(s, q):
    """The Hurwitz zeta sum_k (q + k)^-s for s > 1, q finite and not a pole: direct terms
    below 12 + s, then Euler-Maclaurin (8 Bernoulli terms); a q < 0 (then s = n + 1 is an integer) by the reflection
    zeta(s, q) = (-1)^n (cot_term(n, q) / n! + zeta(s, 1 - q))."""
    neg = q < 0
    if neg.any():
        right = hurwitz(s, np.where(neg, 1.0 - q, q))
        n = np.where(neg, s - 1.0, 0.0)
        refl = np.zeros_like(q)
        for k in np.unique(n[neg]):
            at = neg & (n == k)
            refl[at] = cot_term(k, q[at]) / math.factorial(int(k))
        return np.where(neg, (-1.0) ** n * (refl + right), right)
    start = 12.0 + np.minimum(s, 100.0)     # far enough that the tail converges fast
    a, total = q.copy(), np.zeros_like(q)
    while True:
        small = a < start
        if not small.any():
            break
        total += np.where(small, np.where(small, a, 1.0) ** -s, 0.0)
        a = a + small
    tail = a ** (1.0 - s) / (s - 1.0) + 0.5 * a ** -s
    coef = s / 2.0                          # s (s+1) ... (s+2k-2) / (2k)!
    for k, b in enumerate(_BERNOULLI, 1):
        if k > 1:
            coef = coef * (s + 2 * k - 3) * (s + 2 * k - 2) / ((2 * k - 1) * (2 * k))
        tail = tail + b * coef * a ** (-s - 2.0 * k + 1.0)
    return total + tail


def _polygamma_f64(n, x):
    """psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for one integer n >= 1; at the poles
    (integers <= 0) +inf for odd n (both sides tend to it) and NaN for even n (the sides
    tend to -inf and +inf), as TF; 0 at inf."""
    pole = (x <= 0) & (x == np.floor(x))
    ok = np.isfinite(x) & ~pole
    z = hurwitz(np.full(np.shape(x), n + 1.0), np.where(ok, x, 1.0))
    sign = (-1.0) ** (n + 1)
    return np.where(ok, sign * math.factorial(n) * z,
                    np.where(pole, np.inf if n % 2 else np.nan,
                             np.where(x == np.inf, 0.0, np.nan)))


def _digamma_kernel(x):
    with np.errstate(all="ignore"):         # poles and infinities give inf/NaN quietly
        return _digamma_f64(np.asarray(x, np.float64)).astype(x.dtype)


def _polygamma_kernel(a, x):
    a64, x64 = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(a64.shape, np.nan)
    with np.errstate(all="ignore"):
        _fill_polygamma(out, a64, x64)
    return out.astype(x.dtype)


def _fill_polygamma(out, a64, x64):
    """out = psi^(a)(x) where a is an integer in 0..170 (others stay NaN: TF1 gives NaN
    for non-integers, and float64's 170! is the largest factorial)."""
    for n in np.unique(a64[np.isfinite(a64)]):
        if 0 <= n <= 170 and n == int(n):
            pick = a64 == n
            out[pick] = _digamma_f64(x64[pick]) if n == 0 else \
                _polygamma_f64(int(n), x64[pick])


LGAMMA, lgamma = _unary("Lgamma", "lgamma", _typed(_lgamma_kernel),
                        lambda x, y, a: digamma(x), kind="float",
                        doc="log|Gamma(x)| (+inf at the poles 0, -1, -2...); d = digamma(x).")
DIGAMMA, digamma = _unary("Digamma", "digamma", _typed(_digamma_kernel),
                          lambda x, y, a: polygamma(1.0, x), kind="float",
                          doc="psi(x) = d/dx lgamma(x) (NaN at 0, -1, -2...); "
                              "d = polygamma(1, x).")
POLYGAMMA, _polygamma = _binary(
    "Polygamma", "polygamma", _polygamma_kernel,
    lambda a, x, z: (None, polygamma(a + 1.0, x)), kind="float",
    doc="psi^(a)(x), the a-th derivative of digamma, for integers a in 0..170 (NaN for "
        "other a); no gradient for a (TF1 neither).")
POLYGAMMA.signature = "polygamma(a, x, name=None)"


def polygamma(a, x, name=None):
    """The a-th derivative of digamma at x; a holds non-negative integers (as floats of
    x's dtype; other values give NaN). `gc.polygamma(1.0, 1.0)` is pi^2 / 6."""
    if not isinstance(a, Tensor):        # x decides the dtype, even as a numpy array
        x = convert_to_tensor(x)
    a, x = operands(a, x, "polygamma")
    return _polygamma(a, x, name=name)
