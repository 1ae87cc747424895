"""TF 1.15's count distributions of tf.contrib.distributions: Poisson, Geometric and
NegativeBinomial, as composites of graphc ops (none is reparameterized).

    ds = gc.contrib.distributions
    ds.Poisson(rate=[1., 4.]).log_prob([0., 3.])
    ds.Geometric(probs=0.3).cdf(2.)                        # 1 - 0.7^3
    ds.NegativeBinomial(total_count=5., probs=0.4).mean()  # 5 * 0.4 / 0.6
"""
import numpy as np

from .distributions_base import NOT_REPARAMETERIZED, Distribution
from .distributions_discrete import _integer_form_checks
from .distributions_util import (LogitsProbs, ScalarEvent, check_value, gen_new_seed,
                                 lead_shape, logits_and_probs, same_shape_params)

__all__ = ["Poisson", "Geometric", "NegativeBinomial"]


def _gc():
    import graphc
    return graphc


def _float_param(value, name):
    t = _gc().convert_to_tensor(value, name=name)
    if not t.dtype.is_floating:
        raise TypeError("%s.dtype (%s) is a not a float-type." % (name, t.dtype.name))
    return t


class Poisson(ScalarEvent, Distribution):
    """Counts with mean `rate` (or exp(log_rate)): log_prob(x) = x log(rate) - rate -
    lgamma(x + 1), also at non-integer x (TF1's interpolation)."""

    def __init__(self, rate=None, log_rate=None, validate_args=False,
                 allow_nan_stats=True, name="Poisson"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[rate]) as name:
            if (rate is None) == (log_rate is None):
                raise ValueError("Must specify exactly one of `rate` and `log_rate`.")
            if log_rate is None:
                rate = _float_param(rate, "rate")
                checks = [gc.assert_positive(rate)] if validate_args else []
                with gc.control_dependencies(checks):
                    self._rate = gc.identity(rate, name="rate")
                    self._log_rate = gc.log(rate, name="log_rate")
            else:
                log_rate = _float_param(log_rate, "log_rate")
                self._rate = gc.exp(log_rate, name="rate")
                self._log_rate = log_rate
        self._batch_params = [self._rate]
        super().__init__(dtype=self._rate.dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._rate], name=name)

    @property
    def rate(self):
        return self._rate

    @property
    def log_rate(self):
        return self._log_rate

    def _counts(self, x):
        return check_value(self.validate_args, x, _integer_form_checks)

    def _log_prob(self, x):
        x = self._counts(x)
        return x * self._log_rate - _gc().lgamma(1.0 + x) - self._rate

    def _log_cdf(self, x):
        return _gc().log(self.cdf(x))

    def _cdf(self, x):
        # P[X <= x] = Q(x + 1, rate), the regularized upper incomplete gamma
        return _gc().igammac(1.0 + self._counts(x), self._rate)

    def _mean(self):
        return _gc().identity(self._rate)

    def _variance(self):
        return _gc().identity(self._rate)

    def _mode(self):
        return _gc().floor(self._rate)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        return gc.random_poisson(self._rate, gc.reshape(n, [1]), dtype=self.dtype,
                                 seed=seed)


class Geometric(LogitsProbs, ScalarEvent, Distribution):
    """The number of failures before the first success, success probability `probs`
    (or sigmoid(logits)): P[X = k] = (1 - p)^k p."""

    def __init__(self, logits=None, probs=None, validate_args=False, allow_nan_stats=True,
                 name="Geometric"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[logits, probs]) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, False,
                                                         validate_args)
            if validate_args:
                self._probs = check_value(True, self._probs, lambda t: [
                    gc.assert_positive(t, message="probs has components <= 0.")])
        self._batch_params = [self._probs]
        super().__init__(dtype=self._probs.dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._probs, self._logits],
                         name=name)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("logits",), sample_shape)

    def _counts(self, x):
        # scipy's floor where not validated
        if self.validate_args:
            return check_value(True, x, _integer_form_checks)
        return _gc().floor(x)

    def _sample_n(self, n, seed=None):
        # floor(log(u) / log(1 - p)), u uniform on (0, 1)
        gc = _gc()
        u = gc.random_uniform(lead_shape(n, gc.shape(self._probs)),
                              minval=np.finfo(self.dtype.as_numpy_dtype).tiny, maxval=1.0,
                              dtype=self.dtype, seed=seed)
        return gc.floor(gc.log(u) / gc.log1p(-self._probs))

    def _log_prob(self, x):
        gc = _gc()
        x = self._counts(x) * gc.ones_like(self._probs)
        probs = self._probs * gc.ones_like(x)
        safe = gc.where(gc.equal(x, 0.0), gc.zeros_like(probs), probs)   # p = 1, x = 0
        return x * gc.log1p(-safe) + gc.log(probs)

    def _cdf(self, x):
        gc = _gc()
        x = self._counts(x) * gc.ones_like(self._probs)
        return gc.where(x < 0.0, gc.zeros_like(x),
                        -gc.expm1((1.0 + x) * gc.log1p(-self._probs)))

    def _entropy(self):
        # (-(1-p) log(1-p) - p log p) / p = softplus(logits) / p - logits
        gc = _gc()
        probs = self._probs
        if self.validate_args:
            probs = check_value(True, probs, lambda t: [gc.assert_less(
                t, gc.constant(1.0, t.dtype),
                message="Entropy is undefined when logits = inf or probs = 1.")])
        return gc.nn.softplus(self._logits) / probs - self._logits

    def _mean(self):
        return _gc().exp(-self._logits)

    def _variance(self):
        return self._mean() / self._probs

    def _mode(self):
        return _gc().zeros(self.batch_shape_tensor(), dtype=self.dtype)


class NegativeBinomial(LogitsProbs, ScalarEvent, Distribution):
    """The number of successes (probability `probs`) before `total_count` failures:
    P[X = k] = C(k + r - 1, k) p^k (1 - p)^r."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="NegativeBinomial"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[total_count, logits, probs]) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, False,
                                                         validate_args)
            total_count = gc.convert_to_tensor(total_count, name="total_count",
                                               dtype_hint=self._probs.dtype)
            self._total_count = check_value(validate_args, total_count, lambda t: [
                gc.assert_non_negative(t)])
        self._batch_params = [self._total_count, self._probs]
        super().__init__(dtype=self._probs.dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._probs, self._logits],
                         name=name)

    @property
    def total_count(self):
        return self._total_count

    def _counts(self, x):
        return check_value(self.validate_args, x, _integer_form_checks)

    def _sample_n(self, n, seed=None):
        # X ~ Poisson(lam), lam ~ Gamma(total_count, rate=(1 - p) / p)
        gc = _gc()
        rate = gc.random_gamma(gc.reshape(n, [1]), self._total_count,
                               beta=gc.exp(-self._logits), dtype=self.dtype, seed=seed)
        return gc.random_poisson(rate, [], dtype=self.dtype,
                                 seed=gen_new_seed(seed, "negative_binom"))

    def _log_prob(self, x):
        return self._log_unnormalized_prob(x) - self._log_normalization(x)

    def _log_unnormalized_prob(self, x):
        gc = _gc()
        x = self._counts(x)
        return (self._total_count * gc.math.log_sigmoid(-self._logits)
                + x * gc.math.log_sigmoid(self._logits))

    def _log_normalization(self, x):
        gc = _gc()
        x = self._counts(x)
        return (-gc.lgamma(self._total_count + x) + gc.lgamma(1.0 + x)
                + gc.lgamma(self._total_count))

    def _cdf(self, x):
        gc = _gc()
        return gc.betainc(self._total_count, 1.0 + self._counts(x), gc.sigmoid(-self._logits))

    def _mean(self):
        return self._total_count * _gc().exp(self._logits)

    def _mode(self):
        gc = _gc()
        adjusted = gc.where(1.0 < self._total_count, self._total_count - 1.0,
                            gc.zeros_like(self._total_count))
        return gc.floor(adjusted * gc.exp(self._logits))

    def _variance(self):
        return self._mean() / _gc().sigmoid(-self._logits)

