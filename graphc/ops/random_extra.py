"""More random ops (TF1 names): multinomial/categorical, random_gamma, random_poisson and
the stateless_* ops (in random_stateless.py, re-exported here), seeded as graphc/ops/random.py seeds (graph seed, op seed).

random_gamma draws u ~ U[0, 1) (a RandomUniform) and returns the gamma(alpha) quantile
at u: x = P^-1(alpha, u), P the regularized lower incomplete gamma function (IgammaInv,
a pure op). Each sample is then a smooth function of alpha at fixed u, and its
derivative is TF1's implicit reparameterization gradient (Figurnov et al. 2018):
dx/dalpha = -(dP/dalpha)(alpha, x) / p(x; alpha) (the RandomGammaGrad op), which finite
differences of the samples check exactly. P comes from its power series below
x = alpha + 1 and from the continued fraction of Q = 1 - P above it (Lentz's method,
carried with its derivative in alpha); x from Halley's method on log P or log Q in
log x (both concave there), from a Wilson-Hilferty start. This costs ~1-2 us a sample
(numpy's own gamma sampler is ~50x faster but not a function of alpha at fixed noise).
"""
import numpy as np

from .. import dtypes, errors
from ..shapes import InferError
from .array import shape as shape_op
from .core import convert_to_tensor
from .creation import zeros_like
from .elementwise import _binary, exp, log
from .gamma import _digamma_f64, _lgamma_kernel, lgamma
from .join import concat
from .random import _graph_of, _shape_tensor, get_seed, random_uniform
from .registry import OpDef, apply1, register, shape_value

__all__ = ["multinomial", "categorical", "random_gamma", "random_poisson",
           "stateless_random_uniform", "stateless_random_normal",
           "stateless_truncated_normal"]


# ---- multinomial / categorical -----------------------------------------------------------
def _infer_multinomial(ctx, logits, num_samples, *, seed, output_dtype):
    ctx.require(0, "float")
    if logits.shape.rank not in (2, None):
        raise InferError(f"logits {{0}} must be 2-D [batch, classes], not {logits.shape}")
    if not num_samples.dtype.is_integer or num_samples.shape.rank not in (0, None):
        raise InferError("num_samples {1} must be an int scalar", "dtype")
    if not output_dtype.is_integer:
        raise InferError(f"output_dtype must be int32 or int64, not {output_dtype.name}",
                         "dtype")
    n = ctx.constant_value(num_samples)
    if n is not None and n < 0:
        raise InferError(f"num_samples {{1}} must be >= 0, got {int(n)}")
    batch = None if logits.shape._dims is None else logits.shape._dims[0]
    return (batch, None if n is None else int(n)), output_dtype


def _multinomial_kernel(rt, logits, num_samples, *, seed, output_dtype):
    """Inverse-CDF draws from softmax(logits) per row (-inf logits: probability 0)."""
    b, k, n = logits.shape[0], logits.shape[1], int(num_samples)
    if n < 0:
        raise ValueError(f"multinomial: num_samples must be >= 0, got {n}")
    if b == 0 or n == 0:
        return np.zeros((b, n), output_dtype.np)
    # TF's kernel: a NaN or +inf logit is skipped like -inf; a row with no finite logit
    # draws num_classes (no class)
    x = np.where(np.isfinite(logits), logits.astype(np.float64), -np.inf)
    top = x.max(axis=1, keepdims=True) if k else np.full((b, 1), -np.inf)
    none = ~np.isfinite(top[:, 0])
    top[none] = 0.0
    cdf = np.cumsum(np.exp(x - top), axis=1) if k else np.zeros((b, 1))
    cdf[none] = 1.0
    cdf /= cdf[:, -1:]
    rows = np.arange(b)[:, None]
    # one searchsorted for all rows: row r's CDF shifted into [r, r + 1]
    pos = np.searchsorted((cdf + rows).ravel(), rt.rng().random((b, n)) + rows, "right")
    out = np.minimum(pos - rows * cdf.shape[1], max(k - 1, 0))
    out[none] = k
    return out.astype(output_dtype.np)


MULTINOMIAL = register(OpDef(
    "Multinomial", _infer_multinomial, _multinomial_kernel, api="multinomial",
    random=True, uses_state=True, differentiable=False,
    signature="multinomial(logits, num_samples, seed=None, output_dtype=int64)",
    shape_rule="[batch, classes] -> [batch, num_samples]",
    dtypes="logits float; num_samples int -> int32/int64",
    doc="Class indices drawn from softmax(logits), row by row."))


def multinomial(logits, num_samples, seed=None, name=None, output_dtype=None):
    """num_samples class indices per row of logits ([batch, classes], unnormalized log
    probabilities): `gc.multinomial([[0., 0., -1e9]], 5)` draws 0s and 1s."""
    logits = convert_to_tensor(logits)
    n = convert_to_tensor(num_samples)
    out = dtypes.int64 if output_dtype is None else dtypes.as_dtype(output_dtype)
    return apply1(MULTINOMIAL, (logits, n), name=name or "multinomial", output_dtype=out,
                  seed=get_seed(_graph_of(logits, n), seed))


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """TF 1.13's name for multinomial (gc.random.categorical)."""
    return multinomial(logits, num_samples, seed=seed, name=name or "categorical",
                       output_dtype=dtype)


# ---- random_poisson -----------------------------------------------------------------------
def _infer_poisson(ctx, shape, lam, *, seed, dtype):
    if not shape.dtype.is_integer or shape.shape.rank not in (1, None):
        raise InferError("the shape {0} must be a 1-D int tensor", "dtype")
    ctx.require(1, "numeric")
    lead, dims = ctx.shape_value(shape)._dims, lam.shape._dims
    if lead is None or dims is None:
        return None, dtype
    return tuple(lead) + tuple(dims), dtype


def _poisson_kernel(rt, shape, lam, *, seed, dtype):
    bad = ~(lam >= 0) | ~np.isfinite(lam)
    if bad.any():
        raise ValueError(f"random_poisson: lam must be finite and >= 0, got "
                         f"{lam[bad].ravel()[0]!r}")
    size = tuple(int(d) for d in shape) + lam.shape
    return rt.rng().poisson(lam.astype(np.float64), size=size).astype(dtype.np)


RANDOM_POISSON = register(OpDef(
    "RandomPoissonV2", _infer_poisson, _poisson_kernel, api="random_poisson",
    random=True, uses_state=True, differentiable=False,
    signature="random_poisson(lam, shape, dtype=float32, seed=None)",
    shape_rule="shape + lam.shape", dtypes="lam numeric -> dtype",
    doc="Poisson(lam) counts, `shape` of them for each rate in lam."))


def random_poisson(lam, shape, dtype=dtypes.float32, seed=None, name=None):
    """Poisson samples of shape `shape + lam.shape` (TF1 argument order: lam first):
    `gc.random_poisson([0.5, 12.], [10])` has shape (10, 2)."""
    dtype = dtypes.as_dtype(dtype)
    lam = convert_to_tensor(lam)    # its own dtype (TF1: lam may be float32 with dtype=int64)
    shape = _shape_tensor(shape, "random_poisson")
    return apply1(RANDOM_POISSON, (shape, lam), name=name or "random_poisson", dtype=dtype,
                  seed=get_seed(_graph_of(lam), seed))


# ---- the gamma distribution's quantile and its derivative ----------------------------------
_TINY = 1e-300


def _compact(going):
    """Drop the finished elements from a loop once they are an eighth of it (those kept
    a little longer change nothing: their terms stay below rounding)."""
    done = going.size - np.count_nonzero(going)
    return done and 8 * done >= going.size


def _series(a, x, deriv=False):
    """(S, H): S = sum_n t_n, t_0 = 1/a, t_n = t_{n-1} x / (a + n), so that
    P(a, x) = x^a e^-x S / Gamma(a); H = sum_n t_n h_n, h_n = sum_{k=1..n} 1 / (a + k)
    (only with deriv). Elements leave the loop as their terms fall below rounding."""
    s, sh = 1.0 / a, np.zeros_like(a)
    live, t, sl, shl, h, n = np.arange(a.size), s.copy(), s.copy(), sh, sh, 0
    while live.size and n < 100000:
        n += 1
        k = a + n
        t = t * x / k
        sl = sl + t
        if deriv:
            h = h + 1.0 / k
            shl = shl + t * h
        going = t > 1e-17 * sl                          # NaN counts as done
        if _compact(going):
            s[live], sh[live] = sl, shl
            live, a, x, t, sl, shl, h = (v[going] for v in (live, a, x, t, sl, shl, h))
    s[live], sh[live] = sl, shl
    return s, sh


def _cfrac(a, x, deriv=False):
    """(C, dC/da): Q(a, x) = x^a e^-x C / Gamma(a), C the continued fraction
    1 / (x + 1 - a - 1 (1 - a) / (x + 3 - a - 2 (2 - a) / ...)) by Lentz's method,
    carried with its derivative in a (db/da = -1, d(an)/da = i) when deriv."""
    b = x + 1.0 - a
    d = 1.0 / b
    f, dd, df, c, dc = d, d * d, d * d, None, None
    out, dout = np.empty_like(a), np.zeros_like(a)
    live, i = np.arange(a.size), 0
    while live.size and i < 100000:
        i += 1
        an = -i * (i - a)
        b = b + 2.0
        den = b + an * d
        if deriv:
            dd = (1.0 - i * d - an * dd) / (den * den)
        d = 1.0 / np.where(np.abs(den) < _TINY, _TINY, den)
        if c is None:                           # the first c = b + an / c0 with c0 = inf
            c, dc = b, np.full_like(a, -1.0)
        else:
            if deriv:
                dc = (i * c - an * dc) / (c * c) - 1.0
            c = b + an / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
        delta = c * d
        going = np.abs(delta - 1.0) > 1e-15             # NaN counts as done
        if deriv:       # at an integer a a term an is 0: the value is done there, its
            new = df * delta + f * (dc * d + c * dd)    # derivative is not (TF's)
            going |= np.abs(new - df) > 1e-15 * np.abs(new)
            df = new
        f = f * delta
        if _compact(going):
            out[live], dout[live] = f, df
            live, a, b, d, c, f, dd, dc, df = (
                v[going] for v in (live, a, b, d, c, f, dd, dc, df))
    out[live], dout[live] = f, df
    return out, dout


def _log_pq(a, x, lga):
    """log P, log Q and their first derivatives in log x (float64, x > 0; lga =
    lgamma(a))."""
    lf = a * np.log(x) - x - lga               # log(x^a e^-x / Gamma(a))
    lp, lq, dp, dq = (np.empty_like(x) for _ in range(4))
    low = x < a + 1.0
    s, _ = _series(a[low], x[low])
    lp[low] = lf[low] + np.log(s)
    lq[low] = np.log1p(-np.exp(lp[low]))
    dp[low], dq[low] = 1.0 / s, -np.exp(lf[low] - lq[low])
    hi = ~low
    c, _ = _cfrac(a[hi], x[hi])
    lq[hi] = lf[hi] + np.log(c)
    lp[hi] = np.log1p(-np.exp(lq[hi]))
    dp[hi], dq[hi] = np.exp(lf[hi] - lp[hi]), -1.0 / c
    return lp, lq, dp, dq


def _normal_quantile(u):
    """The standard normal quantile to ~5e-4 (Abramowitz-Stegun 26.2.23): a start only."""
    t = np.sqrt(-2.0 * np.log(np.minimum(u, 1.0 - u)))
    z = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (
        1.0 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
    return np.where(u < 0.5, -z, z)


def _igamma_inv(a, u, lga):
    """x with P(a, x) = u (float64; lga = lgamma(a)) by Halley's method on g(y) = log P
    - log u (or log Q - log(1 - u)) in y = log x: g'' = g' (a - x - g')."""
    lower = u < 0.5
    target = np.log(np.where(lower, u, 1.0 - u))
    # start: Wilson-Hilferty's cube of a normal, or the root of P ~ x^a / Gamma(a + 1)
    wh = 1.0 - 1.0 / (9 * a) + _normal_quantile(u) / (3 * np.sqrt(a))
    small = np.minimum((np.log(u) + lga + np.log(a)) / a, 0.0)
    y = np.where((a < 1) | (wh < 0.1), small, np.log(a * np.maximum(wh, 0.1) ** 3))
    todo, it = np.arange(a.size), 0
    while todo.size and it < 60:
        it += 1
        yy, aa, x = y[todo], a[todo], np.exp(y[todo])
        lp, lq, dp, dq = _log_pq(aa, x, lga[todo])
        lo = lower[todo]
        d1 = np.where(lo, dp, dq)
        step = (np.where(lo, lp, lq) - target[todo]) / d1
        den = 1.0 - 0.5 * step * (aa - x - d1)
        step = np.where(np.isfinite(den) & (den > 0.5), step / den, step)
        y[todo] = yy - np.clip(step, -1.0, 1.0)     # |step| <= 1: x moves by e at most
        # cubic convergence: after a step of 1e-7 the error is far below rounding
        todo = todo[~(np.abs(step) <= 1e-7 * np.maximum(1.0, np.abs(yy)))]
    return np.exp(y)


def _igamma_inv_kernel(alpha, u):
    a64 = alpha.astype(np.float64)
    with np.errstate(all="ignore"):              # once per alpha, before broadcasting
        a, u, lga = np.broadcast_arrays(a64, u.astype(np.float64), _lgamma_kernel(a64))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & np.isfinite(a) & (u >= 0) & (u <= 1)
    u = np.clip(u, _TINY, 1.0 - 2.0 ** -53)         # u = 0 gives the dtype's tiny (TF1)
    with np.errstate(all="ignore"):
        out[ok] = _igamma_inv(a[ok], u[ok], lga[ok])
    out[(a == np.inf) & ~np.isnan(u)] = np.inf     # TF1: gamma(inf) samples are inf
    return np.maximum(out, np.finfo(alpha.dtype).tiny).astype(alpha.dtype)


def _gamma_grad_kernel(alpha, sample):
    """dx/dalpha at fixed P(alpha, x) = -(dP/dalpha) / p(x):
    -x sum_n t_n (log x - psi(a + n + 1)) below a + 1, x ((log x - psi(a)) C + dC/da)
    above (Q = x p(x) C)."""
    a, x = np.broadcast_arrays(alpha.astype(np.float64), sample.astype(np.float64))
    ok = (a > 0) & np.isfinite(a)
    out = np.where(ok & (x >= 0), 0.0, np.nan)          # x = 0: dx/dalpha = 0
    low, hi = ok & (x > 0) & (x < a + 1.0), ok & (x >= a + 1.0) & np.isfinite(x)
    with np.errstate(all="ignore"):
        al, xl = a[low], x[low]
        s, sh = _series(al, xl, deriv=True)
        out[low] = -xl * ((np.log(xl) - _digamma_f64(al + 1.0)) * s - sh)
        ah, xh = a[hi], x[hi]
        c, dc = _cfrac(ah, xh, deriv=True)
        out[hi] = xh * ((np.log(xh) - _digamma_f64(ah)) * c + dc)
    return out.astype(alpha.dtype)


RANDOM_GAMMA_GRAD, random_gamma_grad = _binary(
    "RandomGammaGrad", "random_gamma_grad", _gamma_grad_kernel, kind="float",
    doc="d sample / d alpha of a gamma(alpha) sample at fixed CDF value (implicit "
        "reparameterization); no gradient of its own (TF1 neither).")
RANDOM_GAMMA_GRAD.signature = "(the vjp of random_gamma in alpha: alpha, sample)"


def _no_second_derivative(node, _):
    raise errors.GradientError(
        f"{errors.describe_node(node)}: random_gamma's derivative in alpha has no "
        "derivative of its own (TF1 neither): a second derivative in alpha is not available")


# differentiable, so that a second derivative in alpha fails loudly instead of missing a term
RANDOM_GAMMA_GRAD.differentiable = True
RANDOM_GAMMA_GRAD.vjp = RANDOM_GAMMA_GRAD.jvp = _no_second_derivative


def _igamma_inv_partials(a, u, x):
    """dx/da = RandomGammaGrad(a, x); dx/du = 1 / p(x) = exp(lgamma(a) - (a-1) log x + x)."""
    return random_gamma_grad(a, x), exp(lgamma(a) - (a - 1.0) * log(x) + x)


IGAMMA_INV, _igamma_inv_op = _binary(
    "IgammaInv", "random_gamma", _igamma_inv_kernel, _igamma_inv_partials, kind="float",
    doc="The gamma(alpha) quantile at u, P^-1(alpha, u): random_gamma's samples from "
        "uniform u, differentiable in alpha (implicit reparameterization) and u.")
IGAMMA_INV.signature = "random_gamma(shape, alpha, beta=None, dtype=float32, seed=None)"


def random_gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma(alpha, rate beta) samples of shape `shape + broadcast(alpha, beta).shape`:
    `gc.random_gamma([10], [0.5, 1.5])` has shape (10, 2). Differentiable in alpha
    (implicit reparameterization, as TF1) and in beta (x / beta). A second derivative
    in alpha raises a GradientError (RandomGammaGrad has no derivative; TF1 neither)."""
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError(f"random_gamma: dtype must be a float dtype, not {dtype.name}")
    shape = _shape_tensor(shape, "random_gamma")
    alpha = convert_to_tensor(alpha, dtype=dtype)
    beta = None if beta is None else convert_to_tensor(beta, dtype=dtype)
    with _graph_of(alpha, beta, shape).name_scope(name or "random_gamma"):
        if beta is not None:
            alpha = alpha + zeros_like(beta)
        dims = concat([shape, shape_op(alpha, out_type=shape.dtype)], 0)
        u = random_uniform(dims, dtype=dtype, seed=seed)
        lead = shape_value(shape)._dims
        if lead is not None and alpha.shape._dims is not None:   # concat's static value
            u.set_shape(tuple(lead) + tuple(alpha.shape._dims))  # may not be known
        x = _igamma_inv_op(alpha, u, name="sample")
        return gamma_floor(x if beta is None else x / beta, alpha)


def gamma_floor(x, alpha):
    """TF1's max(tiny, sample / beta): alpha = 0 samples 0 (then tiny), a negative beta
    gives tiny, and a sample never underflows to 0 (log(x) stays finite)."""
    from .broadcast import select
    from .elementwise import equal, maximum
    zero = zeros_like(x)
    x = select(equal(alpha + zero, 0), zero, x)
    return maximum(np.finfo(x.dtype.np).tiny.astype(x.dtype.np), x)


from .random_stateless import (stateless_random_normal,  # noqa: E402,F401
                               stateless_random_uniform, stateless_truncated_normal)
