"""TF 1.15's Logistic, OneHotCategorical and the relaxed (Gumbel-softmax / Concrete)
distributions of tf.contrib.distributions: ExpRelaxedOneHotCategorical,
RelaxedOneHotCategorical and RelaxedBernoulli, as composites of graphc ops.

    ds = gc.contrib.distributions
    d = ds.RelaxedOneHotCategorical(temperature=0.5, logits=[-2., 2., 0.])
    y = d.sample(4, seed=1)          # (4, 3) points of the simplex, differentiable in logits
    lp = d.log_prob(y)

The relaxed samples are reparameterized: y = softmax((logits + Gumbel noise) / temperature)
(log_softmax for the Exp variant), so gradients of a loss of y reach logits and
temperature. RelaxedOneHotCategorical is the Exp variant through the Exp bijector and
RelaxedBernoulli a Logistic(logits / t, 1 / t) through Sigmoid, as in TF1.
"""
import math

import numpy as np

from . import dtypes
from .distributions_base import FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, Distribution
from .distributions_bijectors_simple import Exp, Sigmoid
from .distributions_continuous import _LocScale
from .distributions_kl import RegisterKL
from .distributions_transformed import TransformedDistribution
from .distributions_util import (LogitsProbs, check_value, lead_shape, logits_and_probs,
                                 same_shape_params, vector_batch_shape,
                                 vector_event_shape)

__all__ = ["Logistic", "OneHotCategorical", "ExpRelaxedOneHotCategorical",
           "RelaxedOneHotCategorical", "RelaxedBernoulli"]


def _gc():
    import graphc
    return graphc


def _open_uniform(shape, dtype, seed):
    """Uniform draws on the open interval (0, 1): the smallest normal float is the low
    end, so neither log(u) nor log(1 - u) is infinite."""
    return _gc().random_uniform(shape, minval=np.finfo(dtype.as_numpy_dtype).tiny,
                                maxval=1.0, dtype=dtype, seed=seed)


class Logistic(_LocScale):
    """The logistic distribution: cdf(x) = sigmoid((x - loc) / scale),
    `tf.contrib.distributions.Logistic(loc=0., scale=[1., 2.]).log_prob(0.5)`."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True,
                 name="Logistic"):
        parameters = dict(locals())
        super().__init__(loc, scale, validate_args, allow_nan_stats, name, parameters)

    def _sample_n(self, n, seed=None):
        # x = loc + scale * logit(u)
        gc = _gc()
        u = _open_uniform(lead_shape(n, self.batch_shape_tensor()), self.dtype, seed)
        return (gc.log(u) - gc.log1p(-u)) * self._scale + self._loc

    def _log_unnormalized_prob(self, x):
        # log(e^-z / (1 + e^-z)^2)
        z = self._z(x)
        return -z - 2.0 * _gc().nn.softplus(-z)

    def _log_normalization(self):
        return _gc().log(self._scale)

    def _cdf(self, x):
        return _gc().sigmoid(self._z(x))

    def _log_cdf(self, x):
        return -_gc().nn.softplus(-self._z(x))

    def _survival_function(self, x):
        return _gc().sigmoid(-self._z(x))

    def _log_survival_function(self, x):
        return -_gc().nn.softplus(self._z(x))

    def _entropy(self):
        return 2.0 + _gc().log(self._scale * _gc().ones_like(self._loc))

    def _stddev(self):
        return self._scale * _gc().ones_like(self._loc) * (math.pi / math.sqrt(3.0))


class _VectorEvent(LogitsProbs, Distribution):
    """The shared shapes of OneHotCategorical and ExpRelaxedOneHotCategorical: logits
    batch + [k], event shape [k]."""

    @property
    def event_size(self):
        """The number of classes k (an int32 scalar tensor)."""
        return self._event_size

    def _batch_shape(self):
        return vector_batch_shape(self._logits.shape)

    def _batch_shape_tensor(self):
        return _gc().shape(self._logits)[:-1]

    def _event_shape(self):
        return vector_event_shape(self._logits.shape)

    def _event_shape_tensor(self):
        return _gc().shape(self._logits)[-1:]

    def _broadcast_2d(self, x):
        """(logits, x) broadcast against each other and flattened to [-1, k], and the
        shape of the result's leading dims."""
        gc = _gc()
        logits = self._logits
        if not (x.shape.is_fully_defined() and logits.shape.is_fully_defined()
                and x.shape == logits.shape):
            logits = gc.ones_like(x, dtype=logits.dtype) * logits
            x = gc.ones_like(logits, dtype=x.dtype) * x
        lead = gc.shape(logits)[:-1]
        return (gc.reshape(logits, [-1, self._event_size]),
                gc.reshape(x, [-1, self._event_size]), lead)

    def _set_lead_shape(self, out, x):
        """out's static shape: the broadcast of x's and the logits' leading dims."""
        if x.shape.ndims is not None and self._logits.shape.ndims is not None:
            out.set_shape(_gc().broadcast_static_shape(x.shape[:-1],
                                                       self._logits.shape[:-1]))
        return out


class OneHotCategorical(_VectorEvent):
    """A categorical distribution over one-hot vectors (event shape [k]):
    `OneHotCategorical(probs=[.1, .5, .4]).sample(2, seed=1)` has shape (2, 3), int32."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="OneHotCategorical"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[logits, probs]) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, True,
                                                         validate_args)
            with gc.name_scope("event_size"):
                self._event_size = gc.shape(self._logits)[-1]
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        logits_2d = gc.reshape(self._logits, [-1, self._event_size])
        draws = gc.transpose(gc.multinomial(logits_2d, n, seed=seed))
        one_hot = gc.one_hot(draws, self._event_size, dtype=self.dtype)
        return gc.reshape(one_hot, lead_shape(n, gc.shape(self._logits)))

    def _log_prob(self, x):
        # graphc checks what TF 1.15 means to: entries >= 0 that sum to 1 per event
        gc = _gc()
        x = check_value(self.validate_args, x, lambda t: [
            gc.assert_non_negative(t),
            gc.assert_near(gc.reduce_sum(t, -1), gc.ones([], t.dtype),
                           message="x must sum to 1 over the last dimension.")])
        logits_2d, x_2d, lead = self._broadcast_2d(x)
        out = -gc.nn.softmax_cross_entropy_with_logits_v2(
            labels=gc.cast(x_2d, logits_2d.dtype), logits=logits_2d)
        return self._set_lead_shape(gc.reshape(out, lead), x)

    def _entropy(self):
        gc = _gc()
        return -gc.reduce_sum(gc.nn.log_softmax(self._logits) * self._probs, -1)

    def _mode(self):
        gc = _gc()
        out = gc.one_hot(gc.argmax(self._logits, axis=-1), self._event_size,
                         dtype=self.dtype)
        out.set_shape(self._logits.shape)
        return out

    def _variance(self):
        return self._probs * (1.0 - self._probs)

    def _covariance(self):
        gc = _gc()
        p = self._probs
        return gc.matrix_set_diag(-gc.matmul(p[..., None], p[..., None, :]),
                                  self._variance())


@RegisterKL(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(a, b, name=None):
    """KL = sum(softmax(la) (log_softmax(la) - log_softmax(lb)), -1)."""
    gc = _gc()
    with gc.name_scope(name or "kl_categorical_categorical"):
        delta = gc.nn.log_softmax(a.logits) - gc.nn.log_softmax(b.logits)
        return gc.reduce_sum(gc.nn.softmax(a.logits) * delta, -1)


class ExpRelaxedOneHotCategorical(_VectorEvent):
    """The log of a RelaxedOneHotCategorical draw (Maddison et al.'s ExpConcrete): samples
    are log_softmax((logits + Gumbel noise) / temperature), each with logsumexp 0.
    `temperature` is a scalar (or broadcasts against the flattened [-1, 1] batch, as in
    TF1)."""

    def __init__(self, temperature, logits=None, probs=None, dtype=None,
                 validate_args=False, allow_nan_stats=True,
                 name="ExpRelaxedOneHotCategorical"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[logits, probs, temperature]) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, True,
                                                         validate_args)
            temperature = gc.convert_to_tensor(temperature, name="temperature",
                                               dtype_hint=self._logits.dtype)
            if dtype is None:
                dtype = self._logits.dtype
                if not validate_args:
                    temperature = gc.cast(temperature, dtype)
            checks = [gc.assert_positive(temperature)] if validate_args else []
            with gc.control_dependencies(checks):
                self._temperature = gc.identity(temperature, name="temperature")
                self._temperature_2d = gc.reshape(temperature, [-1, 1],
                                                  name="temperature_2d")
            with gc.name_scope("event_size"):
                self._event_size = gc.shape(self._logits)[-1]
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=FULLY_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._logits, self._probs, self._temperature],
                         name=name)

    @property
    def temperature(self):
        """The temperature (> 0): near 0 samples are nearly one-hot."""
        return self._temperature

    def _sample_n(self, n, seed=None):
        gc = _gc()
        shape = lead_shape(n, gc.shape(self._logits))
        logits_2d = gc.reshape(self._logits * gc.ones(shape, dtype=self.dtype),
                               [-1, self._event_size])
        u = _open_uniform(gc.shape(logits_2d), self.dtype, seed)
        gumbel = -gc.log(-gc.log(u))
        samples = gc.nn.log_softmax((gumbel + logits_2d) / self._temperature_2d)
        return gc.reshape(samples, shape)

    def _log_prob(self, x):
        # log p(x) = lgamma(k) + (k - 1) log t + sum_i log_softmax(logits - t x)_i
        gc = _gc()
        x = check_value(self.validate_args, x, lambda t: [
            gc.assert_non_positive(t),
            gc.assert_near(gc.zeros([], dtype=self.dtype), gc.reduce_logsumexp(t, -1))])
        logits_2d, x_2d, lead = self._broadcast_2d(x)
        k = gc.cast(self._event_size, x.dtype)
        log_norm_const = gc.lgamma(k) + (k - 1.0) * gc.log(self._temperature)
        log_softmax = gc.nn.log_softmax(logits_2d - x_2d * self._temperature_2d)
        log_prob = log_norm_const + gc.reduce_sum(log_softmax, -1)
        return self._set_lead_shape(gc.reshape(log_prob, lead), x)


class RelaxedOneHotCategorical(TransformedDistribution):
    """Gumbel-softmax / Concrete: softmax((logits + Gumbel noise) / temperature), points
    of the simplex that approach one-hot draws of Categorical(logits) as temperature -> 0.
    `RelaxedOneHotCategorical(0.5, probs=[.1, .5, .4]).sample(seed=1)`. As in TF1, the
    parameters live on `.distribution` (an ExpRelaxedOneHotCategorical)."""

    def __init__(self, temperature, logits=None, probs=None, dtype=None,
                 validate_args=False, allow_nan_stats=True,
                 name="RelaxedOneHotCategorical"):
        dist = ExpRelaxedOneHotCategorical(temperature, logits=logits, probs=probs,
                                           dtype=dtype, validate_args=validate_args,
                                           allow_nan_stats=allow_nan_stats)
        super().__init__(dist, Exp(), name=name)


class RelaxedBernoulli(LogitsProbs, TransformedDistribution):
    """The binary Concrete distribution on (0, 1): sigmoid((logits + L) / temperature),
    L standard logistic; `RelaxedBernoulli(0.5, probs=[.3, .9]).sample(4, seed=1)`."""

    def __init__(self, temperature, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="RelaxedBernoulli"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[logits, probs, temperature]) as name:
            temperature = gc.convert_to_tensor(temperature, name="temperature")
            checks = [gc.assert_positive(temperature)] if validate_args else []
            with gc.control_dependencies(checks):
                self._temperature = gc.identity(temperature, name="temperature")
            self._logits, self._probs = logits_and_probs(logits, probs, False,
                                                         validate_args)
            super().__init__(
                distribution=Logistic(self._logits / self._temperature,
                                      1.0 / self._temperature,
                                      validate_args=validate_args,
                                      allow_nan_stats=allow_nan_stats,
                                      name="Logistic"),
                bijector=Sigmoid(validate_args=validate_args),
                validate_args=validate_args, name=name)
        self._parameters = parameters

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("logits",), sample_shape)

    @property
    def temperature(self):
        return self._temperature
