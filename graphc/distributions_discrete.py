"""TF1's Bernoulli, Categorical, Multinomial and DirichletMultinomial (tf.distributions),
as composites of graphc ops; the Bernoulli-Bernoulli and Categorical-Categorical KL
divergences. None is reparameterized (the samples are integers)."""
from . import dtypes
from .distributions_base import NOT_REPARAMETERIZED, Distribution
from .distributions_kl import RegisterKL
from .distributions_util import (LogitsProbs, ScalarEvent, check_value, float_params,
                                 gen_new_seed, guarded, lead_shape, logits_and_probs,
                                 same_shape_params, scalar_event_shape,
                                 scalar_event_shape_tensor, vector_batch_shape,
                                 vector_event_shape)

__all__ = ["Bernoulli", "Categorical", "Multinomial", "DirichletMultinomial"]


def _gc():
    import graphc
    return graphc


def _integer_form_checks(x):
    """Run-time checks that x holds non-negative integers."""
    gc = _gc()
    return [gc.assert_non_negative(x),
            gc.assert_equal(x, gc.round(x),
                            message="'%s' cannot contain fractional components." % x.name)]


def _log_combinations(n, counts):
    """log(n! / prod(counts!)), the multinomial coefficient."""
    gc = _gc()
    return gc.lgamma(n + 1.0) - gc.reduce_sum(gc.lgamma(counts + 1.0), -1)


def _count_draws(logits, num, seed):
    """Counts (float, shape [m, k]) of num[i] categorical draws from logits[i] ([m, k]):
    max(num) draws per row, those past num[i] masked out (i.i.d., so the first num[i] are
    a faithful sample)."""
    gc = _gc()
    k = gc.shape(logits)[-1]
    most = gc.maximum(gc.reduce_max(gc.concat([num, [0]], 0)), 0)
    draws = gc.multinomial(logits, most, seed=seed, output_dtype=dtypes.int32)
    keep = gc.range(most)[None, :] < num[:, None]
    hits = gc.one_hot(draws, k, dtype=logits.dtype) * gc.cast(keep, logits.dtype)[..., None]
    return gc.reduce_sum(hits, -2)


class Bernoulli(LogitsProbs, ScalarEvent, Distribution):
    """The Bernoulli distribution on {0, 1}, from logits or probs (exactly one):
    `tf.distributions.Bernoulli(probs=[0.3, 0.6]).sample(5, seed=1)` (int32, (5, 2))."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Bernoulli"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, False,
                                                         validate_args)
        self._batch_params = [self._logits]
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    @classmethod
    def _param_shapes(cls, sample_shape):
        return same_shape_params(("logits",), sample_shape)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        u = gc.random_uniform(lead_shape(n, self.batch_shape_tensor()), seed=seed,
                              dtype=self._probs.dtype)
        return gc.cast(u < self._probs, self.dtype)

    def _log_prob(self, event):
        gc = _gc()
        if self.validate_args:
            event = check_value(True, event, lambda t: [gc.assert_equal(
                t, gc.cast(gc.cast(t, gc.bool), t.dtype),
                message="Elements must be bool-equivalent.")])
        event = gc.cast(event, self._logits.dtype)
        logits = self._logits
        if not (event.shape.is_fully_defined() and logits.shape.is_fully_defined()
                and event.shape == logits.shape):
            logits = gc.ones_like(event) * logits
            event = gc.ones_like(logits) * event
        return -gc.nn.sigmoid_cross_entropy_with_logits(labels=event, logits=logits)

    def _entropy(self):
        gc = _gc()
        return (-self._logits * (gc.sigmoid(self._logits) - 1.0)
                + gc.nn.softplus(-self._logits))

    def _mean(self):
        return _gc().identity(self._probs)

    def _variance(self):
        mean = self._mean()
        return mean * (1.0 - mean)

    def _mode(self):
        return _gc().cast(self._probs > 0.5, self.dtype)


class Categorical(LogitsProbs, Distribution):
    """A distribution over {0, ..., k-1}; logits or probs have shape batch + [k]:
    `tf.distributions.Categorical(logits=[0., 1., 2.]).log_prob(2)`."""

    def __init__(self, logits=None, probs=None, dtype=dtypes.int32, validate_args=False,
                 allow_nan_stats=True, name="Categorical"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[logits, probs]) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, True,
                                                         validate_args)
            self._event_size = gc.identity(gc.shape(self._logits)[-1], name="event_size")
        super().__init__(dtype=dtypes.as_dtype(dtype),
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=[self._logits, self._probs],
                         name=name)

    @property
    def event_size(self):
        """The number of classes k (an int32 scalar tensor)."""
        return self._event_size

    _event_shape = scalar_event_shape
    _event_shape_tensor = scalar_event_shape_tensor

    def _batch_shape(self):
        return vector_batch_shape(self._logits.shape)

    def _batch_shape_tensor(self):
        return _gc().shape(self._logits)[:-1]

    def _sample_n(self, n, seed=None):
        gc = _gc()
        logits = gc.reshape(self._logits, [-1, self._event_size])
        out = dtypes.int64 if self.dtype.size > 4 else dtypes.int32
        draws = gc.multinomial(logits, n, seed=seed, output_dtype=out)
        draws = gc.reshape(gc.transpose(draws), lead_shape(n, self.batch_shape_tensor()))
        return gc.cast(draws, self.dtype)

    def _event_and_params(self, k, params):
        """k as int32/int64 and params broadcast against it (batch shapes equal)."""
        gc = _gc()
        if not k.dtype.is_integer:
            if self.validate_args:
                k = check_value(True, k, _integer_form_checks)
            k = gc.cast(k, dtypes.int32)
        elif k.dtype not in (dtypes.int32, dtypes.int64):
            k = gc.cast(k, dtypes.int32)
        batch = params.shape[:-1] if params.shape.ndims is not None else None
        if not (k.shape.is_fully_defined() and batch is not None
                and batch.is_fully_defined() and k.shape == batch):
            params = params * gc.ones_like(k[..., None], dtype=params.dtype)
            k = k * gc.ones(gc.shape(params)[:-1], dtype=k.dtype)
        return k, params

    def _log_prob(self, k):
        gc = _gc()
        k, logits = self._event_and_params(k, self._logits)
        return -gc.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=logits)

    def _cdf(self, k):
        # TF1's convention: sum of probs[i] for i < k (0 for k <= 0, 1 for k >= classes)
        gc = _gc()
        k, probs = self._event_and_params(k, self._probs)
        flat_probs = gc.reshape(probs, [-1, self._event_size])
        flat_k = gc.reshape(k, [-1])
        below = gc.cast(gc.range(self._event_size), k.dtype)[None, :] < flat_k[:, None]
        summed = gc.reduce_sum(gc.where(below, flat_probs, gc.zeros_like(flat_probs)), -1)
        return gc.reshape(summed, gc.shape(k))

    def _entropy(self):
        gc = _gc()
        return -gc.reduce_sum(gc.nn.log_softmax(self._logits) * self._probs, -1)

    def _mode(self):
        gc = _gc()
        return gc.cast(gc.argmax(self._logits, axis=-1), self.dtype)


class _Counts(Distribution):
    """The shared part of Multinomial and DirichletMultinomial: counts of total_count
    draws over k classes (event shape [k]); `_mean_val` is the mean, batch + [k]."""

    def _batch_shape(self):
        return vector_batch_shape(self._mean_val.shape)

    def _batch_shape_tensor(self):
        return _gc().shape(self._mean_val)[:-1]

    def _event_shape(self):
        return vector_event_shape(self._mean_val.shape)

    def _event_shape_tensor(self):
        return _gc().shape(self._mean_val)[-1:]

    @property
    def total_count(self):
        """Number of draws."""
        return self._total_count

    def _maybe_assert_valid_sample(self, counts):
        gc = _gc()
        return check_value(self.validate_args, counts, lambda t: _integer_form_checks(t) + [
            gc.assert_equal(self._total_count, gc.reduce_sum(t, -1),
                            message="counts must sum to `self.total_count`")])

    def _draw_counts(self, n, logits, seed):
        """[n] + batch + [k] counts of total_count draws from logits (shape [n] + batch +
        [k] or broadcastable to it)."""
        gc = _gc()
        full = lead_shape(n, gc.shape(self._mean_val))
        logits = logits + gc.zeros(full, dtype=self.dtype)
        num = gc.cast(self._total_count * gc.ones(full[:-1], dtype=self.dtype),
                      dtypes.int32)
        k = gc.shape(logits)[-1]
        counts = _count_draws(gc.reshape(logits, [-1, k]), gc.reshape(num, [-1]), seed)
        return gc.reshape(counts, full)

    def _mean(self):
        return _gc().identity(self._mean_val)


class Multinomial(LogitsProbs, _Counts):
    """Counts of total_count draws from a categorical given by logits or probs:
    `tf.distributions.Multinomial(total_count=5., probs=[.2, .3, .5]).sample(2, seed=1)`
    has shape (2, 3)."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False,
                 allow_nan_stats=True, name="Multinomial"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[total_count, logits, probs]) as name:
            self._logits, self._probs = logits_and_probs(logits, probs, True,
                                                         validate_args)
            total_count = gc.convert_to_tensor(total_count, name="total_count")
            self._total_count = check_value(validate_args, total_count,
                                            _integer_form_checks)
            self._mean_val = self._total_count[..., None] * self._probs
        super().__init__(dtype=self._probs.dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._logits, self._probs],
                         name=name)

    def _sample_n(self, n, seed=None):
        return self._draw_counts(n, self._logits, seed)

    def _log_prob(self, counts):
        # TF1's hooks: a subclass may override either part
        return self._log_unnormalized_prob(counts) - self._log_normalization(counts)

    def _log_unnormalized_prob(self, counts):
        gc = _gc()
        counts = self._maybe_assert_valid_sample(counts)
        return gc.reduce_sum(counts * gc.nn.log_softmax(self._logits), -1)

    def _log_normalization(self, counts):
        counts = self._maybe_assert_valid_sample(counts)
        return -_log_combinations(self._total_count, counts)

    def _probs_batch(self):
        return self._probs * _gc().ones_like(self._total_count)[..., None]

    def _variance(self):
        return self._mean_val - self._mean_val * self._probs_batch()

    def _covariance(self):
        gc = _gc()
        p = self._probs_batch()
        return gc.matrix_set_diag(-gc.matmul(self._mean_val[..., None], p[..., None, :]),
                                  self._variance())


class DirichletMultinomial(_Counts):
    """Counts of total_count draws from probabilities that are themselves a Dirichlet
    draw: `tf.distributions.DirichletMultinomial(5., [1., 2., 3.]).mean()`."""

    def __init__(self, total_count, concentration, validate_args=False,
                 allow_nan_stats=True, name="DirichletMultinomial"):
        parameters = dict(locals())
        gc = _gc()
        with gc.name_scope(name, values=[total_count, concentration]) as name:
            total_count, concentration = float_params(
                ("total_count", total_count), ("concentration", concentration))
            self._total_count = check_value(validate_args, total_count,
                                            _integer_form_checks)
            self._concentration, = guarded(
                validate_args, [concentration],
                lambda: [gc.assert_positive(concentration)])
            self._total_concentration = gc.reduce_sum(self._concentration, -1)
            self._mean_val = (self._total_count[..., None] * self._concentration
                              / self._total_concentration[..., None])
        super().__init__(dtype=self._concentration.dtype,
                         reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=[self._total_count, self._concentration],
                         name=name)

    @property
    def concentration(self):
        return self._concentration

    @property
    def total_concentration(self):
        return self._total_concentration

    def _sample_n(self, n, seed=None):
        gc = _gc()
        c = self._concentration + gc.zeros_like(self._mean_val)
        g = gc.random_gamma(gc.reshape(n, [1]), c, dtype=self.dtype, seed=seed)
        return self._draw_counts(n, gc.log(g),
                                 gen_new_seed(seed, salt="dirichlet_multinomial"))

    def _log_prob(self, counts):
        gc = _gc()
        counts = self._maybe_assert_valid_sample(counts)
        c = self._concentration
        return (gc.lbeta(c + counts) - gc.lbeta(c)
                + _log_combinations(self._total_count, counts))

    def _scale(self):
        """(n + a0) / (1 + a0): how much the Dirichlet widens the multinomial."""
        n, a0 = self._total_count, self._total_concentration
        return ((n + a0) / (1.0 + a0))[..., None]

    def _variance(self):
        p = self._mean_val / self._total_count[..., None]
        return self._scale() * self._mean_val * (1.0 - p)

    def _covariance(self):
        gc = _gc()
        p = self._concentration / self._total_concentration[..., None]
        off = -gc.matmul(self._mean_val[..., None], p[..., None, :]) * self._scale()[..., None]
        return gc.matrix_set_diag(off, self._variance())


@RegisterKL(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(a, b, name=None):
    """KL(Ber(a) || Ber(b)) in logits: sigmoid(la) (sp(-lb) - sp(-la))
    + sigmoid(-la) (sp(lb) - sp(la)), sp = softplus."""
    gc = _gc()
    with gc.name_scope(name or "kl_bernoulli_bernoulli"):
        sp = gc.nn.softplus
        la, lb = a.logits, b.logits
        return (gc.sigmoid(la) * (sp(-lb) - sp(-la))
                + gc.sigmoid(-la) * (sp(lb) - sp(la)))


@RegisterKL(Categorical, Categorical)
def _kl_categorical_categorical(a, b, name=None):
    """KL(Cat(a) || Cat(b)) = sum(softmax(la) (log_softmax(la) - log_softmax(lb)))."""
    gc = _gc()
    with gc.name_scope(name or "kl_categorical_categorical"):
        delta = gc.nn.log_softmax(a.logits) - gc.nn.log_softmax(b.logits)
        return gc.reduce_sum(gc.nn.softmax(a.logits) * delta, -1)

