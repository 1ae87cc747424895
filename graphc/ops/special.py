"""TF1's special functions, added for parity (see docs/tf1-compat.md): igamma, igammac,
betainc, zeta and the modified Bessel functions of order 0 and 1 (moved out of
math_more.py, which keeps the C-style division and the other small math functions).

No scipy: the special functions are float64 numpy kernels (the input dtype is restored
at the end), each a vectorized loop that drops the entries that have converged:
- igamma P(a, x) / igammac Q(a, x): the power series of P where x < a + 1, else the
  continued fraction of Q by the modified Lentz method (Numerical Recipes 6.2). Both carry
  their derivative in a (forward mode through the recurrences): IgammaGradA.
- betainc I_x(a, b): the continued fraction of Numerical Recipes 6.4, on 1 - x (with a
  and b swapped) past x = (a + 1) / (a + b + 2).
- zeta(x, q) = sum_k (q + k)^-x (Hurwitz): direct terms until q + k >= 12 + x, then the
  Euler-Maclaurin tail (gamma.py's polygamma is the integer case).
- bessel_i0e, bessel_i1e: the power series of I_nu times e^-|x| for |x| <= 25, the
  asymptotic series e^-x I_nu(x) ~ (2 pi x)^-1/2 sum_k (-1)^k a_k(nu) / x^k beyond.
tests/test_math_more.py checks all of them against scipy.special where it is installed.
"""
import numpy as np

from ..graph import Tensor, name_scope
from .broadcast import select
from .core import convert_to_tensor
from .elementwise import _binary, _infer_binary, _unary
from .elementwise import abs as abs_
from .elementwise import equal, exp, operands, sign
from .gamma import _digamma_f64, _lgamma_kernel, hurwitz, lgamma
from .math_composite import xlogy
from .registry import OpDef, apply1, register

__all__ = ["igamma", "igammac", "betainc", "zeta", "bessel_i0e", "bessel_i1e", "bessel_i0",
           "bessel_i1"]

_EPS = 1e-15            # relative tolerance of the series and continued fractions
_TINY = 1e-300          # the modified Lentz method's stand-in for 0
_MAX_ITER = 20000       # enough for a, b up to ~1e7 (the terms needed grow as sqrt(a))


# ---- incomplete gamma --------------------------------------------------------------------
def _lgamma64(v):
    return _lgamma_kernel(np.asarray(v, np.float64))


def _gamma_series(a, x):
    """s = sum_n x^n / ((a+1)...(a+n)) and ds/da, so that P = x^a e^-x / Gamma(a+1) * s."""
    s, ds = np.ones_like(a), np.zeros_like(a)
    t, dt = np.ones_like(a), np.zeros_like(a)
    live = np.arange(a.size)
    for n in range(1, _MAX_ITER):
        if not live.size:
            break
        al, xl = a[live], x[live]
        r = xl / (al + n)
        dt_l = (dt[live] - t[live] / (al + n)) * r   # d/da of t_n = t_(n-1) x / (a + n)
        t_l = t[live] * r
        t[live], dt[live] = t_l, dt_l
        s[live] += t_l
        ds[live] += dt_l
        done = (t_l <= _EPS * s[live]) & (np.abs(dt_l) <= _EPS * np.abs(ds[live]))
        live = live[~done]
    return s, ds


def _gamma_cf(a, x):
    """h and dh/da of the continued fraction Q = x^a e^-x / Gamma(a) * h, by modified
    Lentz: b_n = x + 2n + 1 - a, a_n = -n (n - a); the primes are d/da."""
    b = x + 1.0 - a
    c = np.full_like(a, 1.0 / _TINY)
    dc = np.zeros_like(a)
    d = 1.0 / b
    dd = d * d                      # d(1/b)/da with db/da = -1
    h, dh = d.copy(), dd.copy()
    live = np.arange(a.size)
    for n in range(1, _MAX_ITER):
        if not live.size:
            break
        al = a[live]
        an = -n * (n - al)
        bl = b[live] + 2.0
        b[live] = bl
        big_d = an * d[live] + bl
        dbig_d = n * d[live] + an * dd[live] - 1.0
        big_d = np.where(np.abs(big_d) < _TINY, _TINY, big_d)
        cl = c[live]
        big_c = bl + an / cl
        dbig_c = -1.0 + n / cl - an * dc[live] / cl / cl   # cl * cl may overflow
        big_c = np.where(np.abs(big_c) < _TINY, _TINY, big_c)
        d_l = 1.0 / big_d
        dd_l = -dbig_d * d_l * d_l
        delta = d_l * big_c
        ddelta = dd_l * big_c + d_l * dbig_c
        hl = h[live]
        dh_l = dh[live] * delta + hl * ddelta
        h_l = hl * delta
        d[live], dd[live], c[live], dc[live] = d_l, dd_l, big_c, dbig_c
        h[live], dh[live] = h_l, dh_l
        done = (np.abs(delta - 1.0) <= _EPS) & \
            (np.abs(hl * ddelta) <= _EPS * (np.abs(h_l) + np.abs(dh_l)))
        live = live[~done]
    return h, dh


def _igamma_f64(a, x):
    """(P, Q, dP/da) of float64 arrays a, x broadcast together; NaN off the domain
    a > 0, x >= 0, except P(a, 0) = 0 (TF: igamma checks x == 0 first, igammac not)."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    p, q, dpa = (np.full(a.shape, np.nan) for _ in range(3))
    ok = (a > 0) & (x >= 0)
    for mask, pv, qv in ((ok & (x == 0), 0.0, 1.0),            # P(a, 0) = 0
                         (ok & (x == np.inf), 1.0, 0.0),       # P(a, inf) = 1
                         (ok & (a == np.inf) & (x < np.inf), 0.0, 1.0)):
        p[mask], q[mask], dpa[mask] = pv, qv, 0.0
    at0 = (x == 0) & ~np.isnan(a)
    p[at0], dpa[at0] = 0.0, 0.0
    rest = ok & (x > 0) & (x < np.inf) & (a < np.inf)
    ser = rest & (x < a + 1.0)
    cf = rest & ~ser
    if ser.any():
        am, xm = a[ser], x[ser]
        s, ds = _gamma_series(am, xm)
        front = np.exp(am * np.log(xm) - xm - _lgamma64(am + 1.0))
        p[ser] = front * s
        q[ser] = 1.0 - p[ser]
        dpa[ser] = front * (s * (np.log(xm) - _digamma_f64(am + 1.0)) + ds)
    if cf.any():
        am, xm = a[cf], x[cf]
        h, dh = _gamma_cf(am, xm)
        front = np.exp(am * np.log(xm) - xm - _lgamma64(am))
        q[cf] = front * h
        p[cf] = 1.0 - q[cf]
        dpa[cf] = -front * (h * (np.log(xm) - _digamma_f64(am)) + dh)
    return p, q, dpa


def _igamma_kernel(a, x):
    with np.errstate(all="ignore"):
        return _igamma_f64(a, x)[0].astype(x.dtype)


def _igammac_kernel(a, x):
    with np.errstate(all="ignore"):
        return _igamma_f64(a, x)[1].astype(x.dtype)


def _igamma_grad_a_kernel(a, x):
    with np.errstate(all="ignore"):
        return _igamma_f64(a, x)[2].astype(x.dtype)


def _igamma_dx(a, x):
    """d/dx P(a, x) = x^(a-1) e^-x / Gamma(a), in logs (Gamma(a) overflows early)."""
    return exp(xlogy(a - 1.0, x) - x - lgamma(a))


def _igamma_grad_a(a, x, name=None):
    return apply1(IGAMMA_GRAD_A, (a, x), name=name)


IGAMMA_GRAD_A = register(OpDef(
    "IgammaGradA", _infer_binary("float"), _igamma_grad_a_kernel, elementwise=True,
    differentiable=False, api="igamma_grad_a", signature="igamma_grad_a(a, x, name=None)",
    shape_rule="numpy broadcast of a and x", dtypes="float (a, x same)",
    doc="d/da igamma(a, x), by forward differentiation of igamma's series or continued "
        "fraction (TF's IgammaGradA); no gradient (TF neither)."))
IGAMMA, igamma = _binary(
    "Igamma", "igamma", _igamma_kernel,
    lambda a, x, z: (_igamma_grad_a(a, x), _igamma_dx(a, x)), kind="float",
    doc="The regularized lower incomplete gamma function P(a, x) (a > 0, x >= 0, else "
        "NaN); d/da = igamma_grad_a(a, x), d/dx = x^(a-1) e^-x / Gamma(a).")
IGAMMAC, igammac = _binary(
    "Igammac", "igammac", _igammac_kernel,
    lambda a, x, z: (-_igamma_grad_a(a, x), -_igamma_dx(a, x)), kind="float",
    doc="The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), accurate "
        "where P is near 1; the derivatives are igamma's, negated.")
IGAMMA.signature = "igamma(a, x, name=None)"
IGAMMAC.signature = "igammac(a, x, name=None)"
_igamma, _igammac = igamma, igammac


def igamma(a, x, name=None):
    """P(a, x), the regularized lower incomplete gamma function: gc.igamma(a, x)."""
    return _igamma(a, x, name=name)


def igammac(a, x, name=None):
    """Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function."""
    return _igammac(a, x, name=name)


# ---- incomplete beta --------------------------------------------------------------------
def _beta_cf(a, b, x):
    """The continued fraction of I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * cf (NR betacf)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(a)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    live = np.arange(a.size)
    for m in range(1, _MAX_ITER):
        if not live.size:
            break
        al, bl, xl = a[live], b[live], x[live]
        dl, cl, hl = d[live], c[live], h[live]
        m2 = 2 * m
        for aa in (m * (bl - m) * xl / ((qam[live] + m2) * (al + m2)),        # even step
                   -(al + m) * (qab[live] + m) * xl / ((al + m2) * (qap[live] + m2))):
            dl = 1.0 + aa * dl
            dl = 1.0 / np.where(np.abs(dl) < _TINY, _TINY, dl)
            cl = 1.0 + aa / cl
            cl = np.where(np.abs(cl) < _TINY, _TINY, cl)
            delta = dl * cl
            hl = hl * delta
        d[live], c[live], h[live] = dl, cl, hl
        live = live[np.abs(delta - 1.0) > _EPS]
    return h


def _betainc_f64(a, b, x):
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0) & (a < np.inf) & (b < np.inf) & (x >= 0) & (x <= 1)
    out[ok & (x == 0)] = 0.0
    out[ok & (x == 1)] = 1.0
    mid = ok & (x > 0) & (x < 1)
    if mid.any():
        am, bm, xm = a[mid], b[mid], x[mid]
        front = np.exp(_lgamma64(am + bm) - _lgamma64(am) - _lgamma64(bm)
                       + am * np.log(xm) + bm * np.log1p(-xm))
        swap = xm >= (am + 1.0) / (am + bm + 2.0)       # I_x(a, b) = 1 - I_(1-x)(b, a)
        cf = _beta_cf(np.where(swap, bm, am), np.where(swap, am, bm),
                      np.where(swap, 1.0 - xm, xm))
        out[mid] = np.where(swap, 1.0 - front * cf / bm, front * cf / am)
    return out


def _betainc_kernel(a, b, x):
    with np.errstate(all="ignore"):
        return _betainc_f64(a, b, x).astype(x.dtype)


def _infer_betainc(ctx, a, b, x):
    ctx.same_dtype()
    ctx.require(0, "float")
    return ctx.broadcast(), x.dtype


def _betainc_dx(a, b, x):
    """d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b), in logs."""
    return exp(xlogy(a - 1.0, x) + xlogy(b - 1.0, 1.0 - x) - lgamma(a) - lgamma(b)
               + lgamma(a + b))


def _betainc_vjp(node, gs):
    """(None, None, g x^(a-1) (1-x)^(b-1) / B(a, b)): no derivatives in a, b (TF1 neither)."""
    return [None, None, gs[0] * _betainc_dx(*node.inputs)]


def _betainc_jvp(node, ts):
    """t_x x^(a-1) (1-x)^(b-1) / B(a, b); tangents of a and b are dropped, as in the vjp."""
    return None if ts[2] is None else ts[2] * _betainc_dx(*node.inputs)


BETAINC = register(OpDef(
    "Betainc", _infer_betainc, _betainc_kernel, vjp=_betainc_vjp, jvp=_betainc_jvp,
    elementwise=True, api="betainc", signature="betainc(a, b, x, name=None)",
    shape_rule="numpy broadcast of a, b, x", dtypes="float (a, b, x same)",
    doc="The regularized incomplete beta function I_x(a, b) (a, b > 0 finite, 0 <= x <= "
        "1, else NaN); d/dx = x^(a-1) (1-x)^(b-1) / B(a, b); not differentiable in a, b "
        "(TF1 neither: their gradients are None)."))


def betainc(a, b, x, name=None):
    """I_x(a, b) = B(x; a, b) / B(a, b): `gc.betainc(2.0, 3.0, 0.5)` is 0.6875."""
    like = next((v for v in (x, a, b) if isinstance(v, Tensor)), None)
    if like is None:                        # Python values take the first tensor's dtype
        like = x = convert_to_tensor(x)
    a, b, x = (operands(v, like, "betainc")[0] for v in (a, b, x))
    return apply1(BETAINC, (a, b, x), name=name)


# ---- Hurwitz zeta -----------------------------------------------------------------------
def _zeta_f64(s, q):
    """sum_k (q + k)^-s: direct terms below 12 + s, then Euler-Maclaurin (8 Bernoulli
    terms). TF's rules off the domain: s == 1 inf, s < 1 NaN; q <= 0 needs an integer s
    (else NaN) and a non-integer q (else inf for even s, NaN for odd)."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    out = np.full(s.shape, np.nan)
    s_int = s == np.floor(s)
    q_int = q == np.floor(q)
    out[s == 1] = np.inf
    big = s > 1
    neg = big & (q <= 0)
    out[neg & q_int & s_int & (np.fmod(s, 2) == 0)] = np.inf
    ok = big & ((q > 0) | (s_int & ~q_int))
    out[ok & (q == np.inf)] = 0.0
    top = ok & (s == np.inf) & (q < np.inf)
    out[top] = np.where(q[top] == 1, 1.0, np.where(np.abs(q[top]) > 1, 0.0, np.inf))
    rest = ok & (s < np.inf) & (q < np.inf)
    if rest.any():
        out[rest] = hurwitz(s[rest], q[rest])
    return out


def _zeta_kernel(x, q):
    with np.errstate(all="ignore"):
        return _zeta_f64(x, q).astype(x.dtype)


ZETA, zeta = _binary(
    "Zeta", "zeta", _zeta_kernel, lambda x, q, z: (None, -x * zeta(x + 1.0, q)),
    kind="float",
    doc="The Hurwitz zeta function sum_k (q + k)^-x (x > 1; inf at x = 1, NaN below); "
        "d/dq = -x zeta(x + 1, q); not differentiable in x (TF1 neither).")
ZETA.signature = "zeta(x, q, name=None)"
_zeta = zeta


def zeta(x, q, name=None):
    """The Hurwitz zeta function sum_k (q + k)^-x: gc.zeta(x, q)."""
    return _zeta(x, q, name=name)


# ---- modified Bessel functions ----------------------------------------------------------
_BESSEL_SERIES_MAX = 25.0       # |x| beyond this: the asymptotic series (error ~e^-2|x|)


def _bessel_ie_f64(x, nu):
    """e^-|x| I_nu(x) for nu = 0 or 1 (I_1 is odd, I_0 even)."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    out = np.full(x.shape, np.nan)
    small = ax <= _BESSEL_SERIES_MAX
    if small.any():             # I_nu(x) = (x/2)^nu sum_k (x^2/4)^k / (k! (k + nu)!)
        xs = ax[small]
        y = xs * xs / 4.0
        t = np.ones_like(xs)
        s = t.copy()
        for k in range(1, 200):
            t = t * y / (k * (k + nu))
            s = s + t
            if np.all(t <= _EPS * s):
                break
        out[small] = (xs / 2.0) ** nu * s * np.exp(-xs)
    large = ax > _BESSEL_SERIES_MAX
    if large.any():             # (2 pi x)^-1/2 sum_k prod_j (-(4 nu^2 - (2j-1)^2)) / (k! (8x)^k)
        xl = ax[large]
        t = np.ones_like(xl)
        s = t.copy()
        for k in range(1, 40):
            t = -t * (4 * nu * nu - (2 * k - 1) ** 2) / (8.0 * k * xl)
            s = s + t
        out[large] = s / np.sqrt(2 * np.pi * xl)
    return np.sign(x) * out if nu == 1 else out


def _bessel_kernel(nu):
    def kernel(x):
        with np.errstate(all="ignore"):
            return _bessel_ie_f64(x, nu).astype(x.dtype)
    return kernel


def _i1e_deriv(x, y, attrs):
    # i1e' = i0e - i1e (sign(x) + 1/x), and its limit 1/2 at x = 0
    zero = equal(x, 0.0)
    return select(zero, 0.5, bessel_i0e(x) - y * (sign(x) + 1.0 / select(zero, 1.0, x)))


BESSEL_I0E, bessel_i0e = _unary(
    "BesselI0e", "bessel_i0e", _bessel_kernel(0),
    lambda x, y, a: bessel_i1e(x) - sign(x) * y, kind="float",
    doc="e^-|x| I_0(x), the exponentially scaled modified Bessel function of order 0; "
        "d = bessel_i1e(x) - sign(x) bessel_i0e(x).")
BESSEL_I1E, bessel_i1e = _unary(
    "BesselI1e", "bessel_i1e", _bessel_kernel(1), _i1e_deriv, kind="float",
    doc="e^-|x| I_1(x), the exponentially scaled modified Bessel function of order 1; "
        "d = bessel_i0e(x) - bessel_i1e(x) (sign(x) + 1/x), 1/2 at x = 0.")


def bessel_i0(x, name=None):
    """I_0(x) = e^|x| bessel_i0e(x): `gc.bessel_i0(0.0)` is 1 (overflows past |x| ~ 713)."""
    with name_scope(name, "bessel_i0"):
        x = convert_to_tensor(x)
        return exp(abs_(x)) * bessel_i0e(x)


def bessel_i1(x, name=None):
    """I_1(x) = e^|x| bessel_i1e(x): `gc.bessel_i1(0.0)` is 0; odd in x."""
    with name_scope(name, "bessel_i1"):
        x = convert_to_tensor(x)
        return exp(abs_(x)) * bessel_i1e(x)
