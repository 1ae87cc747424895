"""TF1's Gamma, Exponential, Beta and Dirichlet (tf.distributions), as composites of
graphc ops. Samples come from gc.random_gamma, which is differentiable in its
concentration (implicit reparameterization), so all four are FULLY_REPARAMETERIZED as in
TF1. The Gamma-Gamma, Beta-Beta and Dirichlet-Dirichlet KL divergences."""
import numpy as np

from .distributions_base import FULLY_REPARAMETERIZED, Distribution
from .distributions_kl import RegisterKL
from .distributions_util import (ScalarEvent, check_value, float_params, gen_new_seed,
                                 guarded, init_float_params, lead_shape,
                                 same_shape_params, undefined_as_nan, vector_event_shape)

__all__ = ["Gamma", "Exponential", "Beta", "Dirichlet"]


def _gc():
    import graphc
    return graphc


class Gamma(ScalarEvent, Distribution):
    """The Gamma distribution with shape `concentration` and inverse scale `rate`:
    `tf.distributions.Gamma(concentration=2., rate=[1., 3.]).entropy()`."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True,
                 name="Gamma"):
        parameters = dict(locals())
        gc = _gc()
        self._concentration, self._rate = init_float_params(
            self, [("concentration", concentration), ("rate", rate)],
            lambda c, r: [gc.assert_positive(c), gc.assert_positive(r)],
            validate_args, allow_nan_stats, name, parameters)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("concentration", "rate"), sample_shape)

    @property
    def concentration(self):
        return self._concentration

    @property
    def rate(self):
        return self._rate

    def _sample_n(self, n, seed=None):
        gc = _gc()
        return gc.random_gamma(gc.reshape(n, [1]), self._concentration, beta=self._rate,
                               dtype=self.dtype, seed=seed)

    def _maybe_assert_valid_sample(self, x):
        return check_value(self.validate_args, x, lambda t: [_gc().assert_positive(t)])

    def _log_prob(self, x):
        # TF1's hooks: a subclass may override either part
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        # xlogy (TF's): x = 0 with concentration 1 gives log(rate), not NaN
        x = self._maybe_assert_valid_sample(x)
        return _gc().xlogy(self._concentration - 1.0, x) - self._rate * x

    def _log_normalization(self):
        gc = _gc()
        return gc.lgamma(self._concentration) - self._concentration * gc.log(self._rate)

    def _cdf(self, x):
        gc = _gc()
        x = self._maybe_assert_valid_sample(x)
        a = self._concentration
        z = self._rate * x
        return gc.igamma(a + gc.zeros_like(z), z + gc.zeros_like(a))

    def _entropy(self):
        gc = _gc()
        a = self._concentration
        return (a - gc.log(self._rate) + gc.lgamma(a) + (1.0 - a) * gc.digamma(a))

    def _mean(self):
        return self._concentration / self._rate

    def _variance(self):
        return self._concentration / _gc().square(self._rate)

    def _stddev(self):
        return _gc().sqrt(self._concentration) / self._rate

    def _mode(self):
        gc = _gc()
        mode = (self._concentration - 1.0) / self._rate
        return undefined_as_nan(
            self, mode, self._concentration > 1.0,
            "mode not defined when any concentration <= 1",
            lambda msg: gc.assert_less(gc.ones([], dtype=self.dtype), self._concentration,
                                       message=msg))


class Exponential(Gamma):
    """The exponential distribution with `rate` (Gamma(1, rate)):
    `tf.distributions.Exponential(rate=2.).cdf(1.)`. Its mode is NaN (or an assertion
    with allow_nan_stats=False), as TF1's, which inherits Gamma's mode."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True,
                 name="Exponential"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[rate]) as name:
            rate = gc.convert_to_tensor(rate, name="rate")
            super().__init__(concentration=gc.ones_like(rate), rate=rate,
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             name=name)
        self._parameters = parameters
        self._graph_parents = [self._rate]

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("rate",), sample_shape)

    def _sample_n(self, n, seed=None):
        # -log(u) / rate, u in [tiny, 1): u never 0
        gc = _gc()
        shape = lead_shape(n, self.batch_shape_tensor())
        tiny = float(np.finfo(self.dtype.as_numpy_dtype).tiny)
        u = gc.random_uniform(shape, minval=tiny, maxval=1.0, dtype=self.dtype, seed=seed)
        return -gc.log(u) / self._rate

    # cdf (so survival_function, 1 - cdf) is Gamma's igamma: NaN below 0, outside the
    # support, as TF's Exponential, which overrides only the log survival function
    def _log_survival_function(self, x):
        return -self._rate * self._maybe_assert_valid_sample(x)


class Beta(ScalarEvent, Distribution):
    """The Beta distribution on (0, 1), density x^(c1 - 1) (1 - x)^(c0 - 1) / B(c1, c0):
    `tf.distributions.Beta(concentration1=2., concentration0=3.).mean()`."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 allow_nan_stats=True, name="Beta"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[concentration1, concentration0]) as name:
            c1, c0 = float_params(("concentration1", concentration1),
                                  ("concentration0", concentration0))
            self._concentration1, self._concentration0 = guarded(
                validate_args, [c1, c0],
                lambda: [gc.assert_positive(c1), gc.assert_positive(c0)])
            self._total_concentration = self._concentration1 + self._concentration0
        self._batch_params = [self._total_concentration]
        super().__init__(dtype=self._total_concentration.dtype,
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._concentration1, self._concentration0],
                         name=name)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("concentration1", "concentration0"), sample_shape)

    @property
    def concentration1(self):
        return self._concentration1

    @property
    def concentration0(self):
        return self._concentration0

    @property
    def total_concentration(self):
        """concentration1 + concentration0."""
        return self._total_concentration

    def _sample_n(self, n, seed=None):
        # g1 / (g1 + g0) with independent gammas
        gc = _gc()
        ones = gc.ones_like(self._total_concentration)
        g1 = gc.random_gamma(gc.reshape(n, [1]), self._concentration1 * ones,
                             dtype=self.dtype, seed=seed)
        g0 = gc.random_gamma(gc.reshape(n, [1]), self._concentration0 * ones,
                             dtype=self.dtype, seed=gen_new_seed(seed, "beta"))
        return g1 / (g1 + g0)

    def _maybe_assert_valid_sample(self, x):
        gc = _gc()
        return check_value(self.validate_args, x, lambda t: [
            gc.assert_positive(t),
            gc.assert_less(t, gc.ones([], dtype=self.dtype),
                           message="sample must be less than `1`.")])

    def _log_normalization(self):
        """log B(c1, c0); TF1's entropy and Beta-Beta KL use it too."""
        gc = _gc()
        c1, c0 = self._concentration1, self._concentration0
        return gc.lgamma(c1) + gc.lgamma(c0) - gc.lgamma(self._total_concentration)

    def _log_prob(self, x):
        # TF1's hooks: a subclass may override either part
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        gc = _gc()
        x = self._maybe_assert_valid_sample(x)
        return (gc.xlogy(self._concentration1 - 1.0, x)
                + (self._concentration0 - 1.0) * gc.log1p(-x))

    def _cdf(self, x):
        gc = _gc()
        x = self._maybe_assert_valid_sample(x)
        c1, c0 = self._concentration1, self._concentration0
        zero = gc.zeros_like(x) + gc.zeros_like(self._total_concentration)
        return gc.betainc(c1 + zero, c0 + zero, x + zero)

    def _entropy(self):
        gc = _gc()
        c1, c0, total = (self._concentration1, self._concentration0,
                         self._total_concentration)
        return (self._log_normalization() - (c1 - 1.0) * gc.digamma(c1)
                - (c0 - 1.0) * gc.digamma(c0)
                + (total - 2.0) * gc.digamma(total))

    def _mean(self):
        return self._concentration1 / self._total_concentration

    def _variance(self):
        mean = self._mean()
        return mean * (1.0 - mean) / (1.0 + self._total_concentration)

    def _mode(self):
        gc = _gc()
        c1, c0 = self._concentration1, self._concentration0
        mode = (c1 - 1.0) / (self._total_concentration - 2.0)
        if self.allow_nan_stats:
            return undefined_as_nan(self, mode, gc.logical_and(c1 > 1.0, c0 > 1.0), "",
                                    None)
        one = gc.ones([], dtype=self.dtype)
        with gc.control_dependencies([
                gc.assert_less(one, c1, message="Mode undefined for concentration1 <= 1."),
                gc.assert_less(one, c0, message="Mode undefined for concentration0 <= 1.")]):
            return gc.identity(mode)


class Dirichlet(Distribution):
    """The Dirichlet distribution on the simplex; `concentration` has shape batch + [k]:
    `tf.distributions.Dirichlet([1., 2., 3.]).sample(4, seed=1)` has shape (4, 3)."""

    def __init__(self, concentration, validate_args=False, allow_nan_stats=True,
                 name="Dirichlet"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[concentration]) as name:
            concentration, = float_params(("concentration", concentration))
            self._concentration, = guarded(
                validate_args, [concentration],
                lambda: [gc.assert_positive(concentration),
                         gc.assert_rank_at_least(concentration, 1)])
            self._total_concentration = gc.reduce_sum(self._concentration, -1)
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._concentration],
                         name=name)

    @property
    def concentration(self):
        return self._concentration

    @property
    def total_concentration(self):
        """Sum of the concentration over the event axis."""
        return self._total_concentration

    def _batch_shape(self):
        return self._total_concentration.shape

    def _batch_shape_tensor(self):
        return _gc().shape(self._total_concentration)

    def _event_shape(self):
        return vector_event_shape(self._concentration.shape)

    def _event_shape_tensor(self):
        return _gc().shape(self._concentration)[-1:]

    def _k(self):
        gc = _gc()
        return gc.cast(self.event_shape_tensor()[0], self.dtype)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        g = gc.random_gamma(gc.reshape(n, [1]), self._concentration, dtype=self.dtype,
                            seed=seed)
        return g / gc.reduce_sum(g, -1, keepdims=True)

    def _maybe_assert_valid_sample(self, x):
        gc = _gc()
        return check_value(self.validate_args, x, lambda t: [
            gc.assert_positive(t),
            gc.assert_near(gc.ones([], dtype=self.dtype), gc.reduce_sum(t, -1),
                           message="sample last-dimension must sum to `1`")])

    def _log_prob(self, x):
        # TF1's hooks: a subclass may override either part
        return self._log_unnormalized_prob(x) - self._log_normalization()

    def _log_unnormalized_prob(self, x):
        gc = _gc()
        x = self._maybe_assert_valid_sample(x)
        return gc.reduce_sum(gc.xlogy(self._concentration - 1.0, x), -1)

    def _log_normalization(self):
        return _gc().lbeta(self._concentration)

    def _entropy(self):
        gc = _gc()
        c, total = self._concentration, self._total_concentration
        return (self._log_normalization() + (total - self._k()) * gc.digamma(total)
                - gc.reduce_sum((c - 1.0) * gc.digamma(c), -1))

    def _mean(self):
        return self._concentration / self._total_concentration[..., None]

    def _variance(self):
        mean = self._mean()
        return mean * (1.0 - mean) / (1.0 + self._total_concentration[..., None])

    def _covariance(self):
        # -m_i m_j / (1 + total) off the diagonal, the variance on it
        gc = _gc()
        x = gc.rsqrt(1.0 + self._total_concentration[..., None]) * self._mean()
        return gc.matrix_set_diag(-gc.matmul(x[..., None], x[..., None, :]),
                                  self._variance())

    def _mode(self):
        gc = _gc()
        c = self._concentration
        mode = (c - 1.0) / (self._total_concentration - self._k())[..., None]
        return undefined_as_nan(
            self, mode, gc.reduce_all(c > 1.0, axis=-1, keepdims=True),
            "Mode undefined when any concentration <= 1",
            lambda msg: gc.assert_less(gc.ones([], dtype=self.dtype), c, message=msg))


@RegisterKL(Gamma, Gamma)
def _kl_gamma_gamma(g0, g1, name=None):
    """KL(Gamma(a0, r0) || Gamma(a1, r1)) = (a0 - a1) digamma(a0) + lgamma(a1)
    - lgamma(a0) + a1 (log r0 - log r1) + a0 (r1 / r0 - 1)."""
    gc = _gc()
    with gc.name_scope(name or "kl_gamma_gamma"):
        a0, a1, r0, r1 = g0.concentration, g1.concentration, g0.rate, g1.rate
        return ((a0 - a1) * gc.digamma(a0) + gc.lgamma(a1) - gc.lgamma(a0)
                + a1 * (gc.log(r0) - gc.log(r1)) + a0 * (r1 / r0 - 1.0))


@RegisterKL(Beta, Beta)
def _kl_beta_beta(d1, d2, name=None):
    """KL(Beta(a1, b1) || Beta(a2, b2)) = lbeta2 - lbeta1 + (a1 - a2) digamma(a1)
    + (b1 - b2) digamma(b1) + (t2 - t1) digamma(t1), t = a + b."""
    gc = _gc()
    with gc.name_scope(name or "kl_beta_beta"):
        a1, b1, t1 = d1.concentration1, d1.concentration0, d1.total_concentration
        a2, b2, t2 = d2.concentration1, d2.concentration0, d2.total_concentration
        return (d2._log_normalization() - d1._log_normalization() + (a1 - a2) * gc.digamma(a1)
                + (b1 - b2) * gc.digamma(b1) + (t2 - t1) * gc.digamma(t1))


@RegisterKL(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(d1, d2, name=None):
    """KL(Dir(x) || Dir(y)) = sum((x - y)(digamma(x) - digamma(sum x))) + lbeta(y)
    - lbeta(x)."""
    gc = _gc()
    with gc.name_scope(name or "kl_dirichlet_dirichlet"):
        x, y = d1.concentration, d2.concentration
        digamma_diff = gc.digamma(x) - gc.digamma(gc.reduce_sum(x, -1, keepdims=True))
        return (gc.reduce_sum((x - y) * digamma_diff, -1) + gc.lbeta(y) - gc.lbeta(x))

