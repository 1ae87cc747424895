"""TF1's Normal, Laplace, Uniform and StudentT (tf.distributions), as composites of
graphc ops; the Normal-Normal KL divergence."""
import math

import numpy as np

from .distributions_base import Distribution
from .distributions_kl import RegisterKL
from .distributions_util import (ScalarEvent, gen_new_seed, init_float_params,
                                 lead_shape, log_ndtr, ndtr, ones_batch, same_shape_params,
                                 undefined_as_nan)

__all__ = ["Normal", "Laplace", "Uniform", "StudentT"]


def _gc():
    import graphc
    return graphc


def _ndtri(p):
    """TF1's special_math.ndtri at the ends: -inf for p <= 0, inf for p >= 1, with zero
    gradient there (ndtri sees 0.5 instead, so its infinite slope never meets the zero
    cotangent); NaN stays NaN."""
    gc = _gc()
    low, high = p <= 0.0, p >= 1.0
    outside = gc.logical_or(low, high)
    x = gc.math.ndtri(gc.where(outside, gc.fill(gc.shape(p), gc.constant(0.5, p.dtype)), p))
    inf = gc.fill(gc.shape(p), gc.constant(np.inf, dtype=p.dtype))
    return gc.where(low, -inf, gc.where(high, inf, x))


class _LocScale(ScalarEvent, Distribution):
    """The shared part of Normal, Laplace and Logistic: loc, scale > 0, batch =
    broadcast."""

    def __init__(self, loc, scale, validate_args, allow_nan_stats, name, parameters):
        self._loc, self._scale = init_float_params(
            self, [("loc", loc), ("scale", scale)],
            lambda loc, scale: [_gc().assert_positive(scale)],
            validate_args, allow_nan_stats, name, parameters)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("loc", "scale"), sample_shape)

    @property
    def loc(self):
        """The location parameter."""
        return self._loc

    @property
    def scale(self):
        """The scale parameter."""
        return self._scale

    def _z(self, x):
        """x standardized: (x - loc) / scale."""
        with _gc().name_scope("standardize", values=[x]):
            return (x - self._loc) / self._scale

    def _inv_z(self, z):
        """x from its standardized z: z * scale + loc."""
        with _gc().name_scope("reconstruct", values=[z]):
            return z * self._scale + self._loc

    def _log_prob(self, x):
        # TF1's hooks: a subclass may override either part
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _mean(self):
        return self._loc * _gc().ones_like(self._scale)

    def _mode(self):
        return self._mean()


class Normal(_LocScale):
    """The normal distribution N(loc, scale^2):
    `tf.distributions.Normal(loc=0., scale=[1., 2.]).log_prob(0.5)`."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="Normal"):
        parameters = dict(locals())
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, parameters)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        shape = lead_shape(n, self.batch_shape_tensor())
        draws = gc.random_normal(shape, mean=0.0, stddev=1.0, dtype=self._loc.dtype,
                                 seed=seed)
        return draws * self._scale + self._loc

    def _log_unnormalized_prob(self, x):
        return -0.5 * _gc().square(self._z(x))

    def _log_normalization(self):
        return 0.5 * math.log(2.0 * math.pi) + _gc().log(self._scale)

    def _cdf(self, x):
        return ndtr(self._z(x))

    def _log_cdf(self, x):
        return log_ndtr(self._z(x))

    def _survival_function(self, x):
        return ndtr(-self._z(x))

    def _log_survival_function(self, x):
        return log_ndtr(-self._z(x))

    def _quantile(self, p):
        return self._inv_z(_ndtri(p))

    def _entropy(self):
        gc = _gc()
        scale = self._scale * gc.ones_like(self._loc)
        return 0.5 * math.log(2.0 * math.pi * math.e) + gc.log(scale)

    def _stddev(self):
        return self._scale * _gc().ones_like(self._loc)


class Laplace(_LocScale):
    """The Laplace distribution, density exp(-|x - loc| / scale) / (2 scale):
    `tf.distributions.Laplace(loc=0., scale=1.).sample(3, seed=1)`."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="Laplace"):
        parameters = dict(locals())
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, parameters)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        shape = lead_shape(n, self.batch_shape_tensor())
        np_dtype = self.dtype.as_numpy_dtype
        low = np.nextafter(np_dtype(-1.0), np_dtype(1.0))   # never -1: log1p(-1) = -inf
        u = gc.random_uniform(shape, minval=float(low), maxval=1.0, dtype=self.dtype,
                              seed=seed)
        return self._loc - self._scale * gc.sign(u) * gc.log1p(-gc.abs(u))

    def _log_unnormalized_prob(self, x):
        return -_gc().abs(self._z(x))

    def _log_normalization(self):
        return math.log(2.0) + _gc().log(self._scale)

    def _cdf(self, x):
        gc = _gc()
        z = self._z(x)
        return 0.5 - 0.5 * gc.sign(z) * gc.expm1(-gc.abs(z))

    @staticmethod
    def _log_cdf_laplace(z):
        """log cdf of the standard Laplace: log(1/2) + z below 0, log1p(-exp(-z)/2)
        above (exp(-|z|) keeps the unused branch finite)."""
        gc = _gc()
        upper = gc.log1p(-0.5 * gc.exp(-gc.abs(z)))
        return gc.where(z < 0.0, z - math.log(2.0), upper)

    def _log_cdf(self, x):
        return self._log_cdf_laplace(self._z(x))

    def _log_survival_function(self, x):
        return self._log_cdf_laplace(-self._z(x))

    def _entropy(self):
        gc = _gc()
        scale = self._scale + gc.zeros_like(self._loc)
        return math.log(2.0) + 1.0 + gc.log(scale)

    def _mean(self):
        return self._loc + _gc().zeros_like(self._scale)

    def _stddev(self):
        return math.sqrt(2.0) * self._scale + _gc().zeros_like(self._loc)


class Uniform(ScalarEvent, Distribution):
    """The uniform distribution on [low, high):
    `tf.distributions.Uniform(low=0., high=[1., 2.]).mean()`."""

    def __init__(self, low=0.0, high=1.0, validate_args=False, allow_nan_stats=True,
                 name="Uniform"):
        parameters = dict(locals())
        self._low, self._high = init_float_params(
            self, [("low", low), ("high", high)],
            lambda low, high: [_gc().assert_less(
                low, high, message="uniform not defined when low >= high.")],
            validate_args, allow_nan_stats, name, parameters)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("low", "high"), sample_shape)

    @property
    def low(self):
        """Lower boundary of the support."""
        return self._low

    @property
    def high(self):
        """Upper boundary of the support (excluded)."""
        return self._high

    def range(self, name="range"):
        """high - low."""
        with self._name_scope(name):
            return self._high - self._low

    def _sample_n(self, n, seed=None):
        gc = _gc()
        shape = lead_shape(n, self.batch_shape_tensor())
        u = gc.random_uniform(shape, dtype=self.dtype, seed=seed)
        return self._low + self.range() * u

    def _prob(self, x):
        gc = _gc()
        width = self.range()
        bx = x * gc.ones_like(width)
        outside = gc.logical_or(bx < self._low, bx >= self._high)
        inside = gc.where(outside, gc.zeros_like(bx), gc.ones_like(bx) / width)
        return gc.where(gc.is_nan(bx), bx, inside)

    def _cdf(self, x):
        gc = _gc()
        shape = gc.broadcast_dynamic_shape(gc.shape(x), self.batch_shape_tensor())
        zeros = gc.zeros(shape, dtype=self.dtype)
        ones = gc.ones(shape, dtype=self.dtype)
        bx = x * ones
        below = gc.where(bx < self._low, zeros, (bx - self._low) / self.range())
        return gc.where(bx >= self._high, ones, below)

    def _entropy(self):
        return _gc().log(self.range())

    def _mean(self):
        return (self._low + self._high) / 2.0

    def _variance(self):
        return _gc().square(self.range()) / 12.0

    def _stddev(self):
        return self.range() / math.sqrt(12.0)


class StudentT(ScalarEvent, Distribution):
    """Student's t distribution with df degrees of freedom, location and scale:
    `tf.distributions.StudentT(df=3., loc=0., scale=1.).cdf(1.)`."""

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="StudentT"):
        parameters = dict(locals())
        self._df, self._loc, self._scale = init_float_params(
            self, [("df", df), ("loc", loc), ("scale", scale)],
            lambda df, loc, scale: [_gc().assert_positive(df)],
            validate_args, allow_nan_stats, name, parameters)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("df", "loc", "scale"), sample_shape)

    @property
    def df(self):
        """Degrees of freedom."""
        return self._df

    @property
    def loc(self):
        return self._loc

    @property
    def scale(self):
        return self._scale

    def _sample_n(self, n, seed=None):
        # t = z / sqrt(g / df), g ~ Gamma(df/2, 1/2): both draws are reparameterized
        gc = _gc()
        shape = lead_shape(n, self.batch_shape_tensor())
        z = gc.random_normal(shape, dtype=self.dtype, seed=seed)
        df = self._df * ones_batch(self)
        g = gc.random_gamma(gc.reshape(n, [1]), 0.5 * df, beta=0.5, dtype=self.dtype,
                            seed=gen_new_seed(seed, salt="student_t"))
        return z * gc.rsqrt(g / df) * self._scale + self._loc

    def _log_prob(self, x):
        # TF1's hooks: a subclass may override either part
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        gc = _gc()
        y = (x - self._loc) / self._scale
        return -0.5 * (self._df + 1.0) * gc.log1p(gc.square(y) / self._df)

    def _log_normalization(self):
        gc = _gc()
        return (gc.log(gc.abs(self._scale)) + 0.5 * gc.log(self._df)
                + 0.5 * math.log(math.pi) + gc.lgamma(0.5 * self._df)
                - gc.lgamma(0.5 * (self._df + 1.0)))

    def _cdf(self, x):
        # P[T <= t] = betainc(df/2, 1/2, df / (t^2 + df)) / 2 for t < 0 (mirrored above)
        gc = _gc()
        y = (x - self._loc) / self._scale
        df = self._df + gc.zeros_like(y)
        y = y + gc.zeros_like(df)
        x_t = df / (gc.square(y) + df)
        tail = 0.5 * gc.betainc(0.5 * df, 0.5 * gc.ones_like(df), x_t)
        return gc.where(y < 0.0, tail, 1.0 - tail)

    def _entropy(self):
        gc = _gc()
        df = self._df * ones_batch(self)
        half = gc.stack([0.5 * df, 0.5 * gc.ones_like(df)], axis=-1)
        return (0.5 * (df + 1.0) * (gc.digamma(0.5 * (df + 1.0)) - gc.digamma(0.5 * df))
                + 0.5 * gc.log(df) + gc.lbeta(half) + gc.log(gc.abs(self._scale)))

    def _mean(self):
        gc = _gc()
        mean = self._loc * ones_batch(self)
        one = gc.constant(1.0, dtype=self.dtype)
        return undefined_as_nan(
            self, mean, self._df > one, "mean not defined for components of df <= 1",
            lambda msg: gc.assert_less(gc.ones([], dtype=self.dtype), self._df,
                                       message=msg))

    def _variance(self):
        # scale^2 df / (df - 2) for df > 2, infinite for 1 < df <= 2, undefined below
        gc = _gc()
        ones = ones_batch(self)
        df = self._df * ones
        denom = gc.where(df > 2.0, df - 2.0, ones)
        var = ones * gc.square(self._scale) * df / denom
        inf = gc.fill(gc.shape(var), gc.constant(np.inf, dtype=self.dtype))
        defined = gc.where(df > 2.0, var, inf)
        # inf where 1 < df <= 2, so only df <= 1 is undefined (NaN or the assertion)
        return undefined_as_nan(
            self, defined, df > 1.0, "variance not defined for components of df <= 1",
            lambda msg: gc.assert_less(gc.ones([], dtype=self.dtype), self._df,
                                       message=msg))

    def _mode(self):
        return _gc().identity(self._loc)


@RegisterKL(Normal, Normal)
def _kl_normal_normal(n_a, n_b, name=None):
    """KL(N(m_a, s_a) || N(m_b, s_b)) = (m_a - m_b)^2 / (2 s_b^2)
    + (r - 1 - log r) / 2 with r = s_a^2 / s_b^2."""
    gc = _gc()
    with gc.name_scope(name or "kl_normal_normal"):
        var_b = gc.square(n_b.scale)
        ratio = gc.square(n_a.scale) / var_b
        return (gc.squared_difference(n_a.loc, n_b.loc) / (2.0 * var_b)
                + 0.5 * (ratio - 1.0 - gc.log(ratio)))
