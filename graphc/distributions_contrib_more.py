"""More of TF 1.15's tf.contrib.distributions: Independent, Deterministic,
VectorDeterministic and Kumaraswamy (the count distributions are in
distributions_contrib_more_counts.py).

    ds = gc.contrib.distributions
    d = ds.Independent(ds.Normal(loc=mu, scale=sigma), reinterpreted_batch_ndims=1)
    d.log_prob(x)                       # the Normal's log_prob summed over the last dim
    ds.Deterministic([0., 1.]).prob([0., 1.1])          # [1., 0.]
"""
import numpy as np

from . import errors
from .distributions_base import FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, Distribution
from .distributions_bijectors_more import Kumaraswamy as KumaraswamyBijector
from .distributions_continuous import Uniform
from .distributions_kl import RegisterKL, kl_divergence
from .distributions_transformed import TransformedDistribution
from .distributions_util import (ScalarEvent, check_value, vector_batch_shape,
                                 vector_event_shape)
from .shapes import TensorShape

__all__ = ["Independent", "Deterministic", "VectorDeterministic", "Kumaraswamy"]


def _gc():
    import graphc
    return graphc


class Independent(Distribution):
    """The last `reinterpreted_batch_ndims` batch dims of `distribution` read as event
    dims: log_prob sums over them. None reinterprets all batch dims but the first (the
    base's batch rank must then be static)."""

    def __init__(self, distribution, reinterpreted_batch_ndims=None, validate_args=False,
                 name=None):
        parameters = dict(locals())
        api = "Independent"
        name = name or "Independent" + distribution.name
        batch_ndims = distribution.batch_shape.ndims
        if reinterpreted_batch_ndims is None:
            if batch_ndims is None:
                raise ValueError("%s: graphc needs the batch rank of %s static to pick "
                                 "reinterpreted_batch_ndims%s"
                                 % (api, distribution.name, errors.called_at(api)))
            reinterpreted_batch_ndims = max(0, batch_ndims - 1)
        n = _gc().get_static_value(_gc().convert_to_tensor(reinterpreted_batch_ndims))
        if n is None or np.ndim(n) != 0 or not np.issubdtype(np.asarray(n).dtype,
                                                               np.integer):
            raise ValueError("%s: reinterpreted_batch_ndims must be a static scalar "
                             "integer, not %r%s" % (api, reinterpreted_batch_ndims,
                                                    errors.called_at(api)))
        n = int(n)
        if n < 0:
            raise ValueError("reinterpreted_batch_ndims(%d) must be non-negative." % n)
        if batch_ndims is not None and n > batch_ndims:
            raise ValueError("reinterpreted_batch_ndims(%d) cannot exceed "
                             "distribution.batch_ndims(%d)" % (n, batch_ndims))
        self._distribution = distribution
        self._reinterpreted_batch_ndims = n
        super().__init__(dtype=distribution.dtype,
                         reparameterization_type=distribution.reparameterization_type,
                         validate_args=validate_args,
                         allow_nan_stats=distribution.allow_nan_stats,
                         parameters=parameters,
                         graph_parents=list(distribution._graph_parents), name=name)

    @property
    def distribution(self):
        return self._distribution

    @property
    def reinterpreted_batch_ndims(self):
        return self._reinterpreted_batch_ndims

    def _batch_shape(self):
        base = self._distribution.batch_shape
        if base.ndims is None:
            return base
        return base[:base.ndims - self._reinterpreted_batch_ndims]

    def _batch_shape_tensor(self):
        base = self._distribution.batch_shape_tensor()
        return base[:_gc().size(base) - self._reinterpreted_batch_ndims]

    def _event_shape(self):
        base = self._distribution.batch_shape
        if base.ndims is None:
            return TensorShape(None)
        moved = base[base.ndims - self._reinterpreted_batch_ndims:]
        return moved.concatenate(self._distribution.event_shape)

    def _event_shape_tensor(self):
        gc = _gc()
        base = self._distribution.batch_shape_tensor()
        moved = base[gc.size(base) - self._reinterpreted_batch_ndims:]
        return gc.concat([moved, self._distribution.event_shape_tensor()], 0)

    def _sample_n(self, n, seed=None):
        return self._distribution.sample(n, seed=seed)

    def _reduce(self, fn, x):
        if self._reinterpreted_batch_ndims == 0:
            return x
        return fn(x, list(range(-self._reinterpreted_batch_ndims, 0)))

    def _log_prob(self, x):
        return self._reduce(_gc().reduce_sum, self._distribution.log_prob(x))

    def _prob(self, x):
        return self._reduce(_gc().reduce_prod, self._distribution.prob(x))

    def _log_cdf(self, x):
        return self._reduce(_gc().reduce_sum, self._distribution.log_cdf(x))

    def _entropy(self):
        return self._reduce(_gc().reduce_sum, self._distribution.entropy())

    def _mean(self):
        return self._distribution.mean()

    def _variance(self):
        return self._distribution.variance()

    def _stddev(self):
        return self._distribution.stddev()

    def _mode(self):
        return self._distribution.mode()


@RegisterKL(Independent, Independent)
def _kl_independent(a, b, name="kl_independent"):
    """KL of products is the sum of the KLs: the bases' KL summed over the
    reinterpreted dims."""
    p, q = a.distribution, b.distribution
    if not (a.event_shape.is_fully_defined() and b.event_shape.is_fully_defined()):
        raise NotImplementedError("kl_divergence(Independent, Independent): graphc needs "
                                  "both event shapes static")
    if a.event_shape != b.event_shape:
        raise ValueError("Event shapes do not match.")
    if p.event_shape != q.event_shape:
        raise NotImplementedError("KL between Independents with different event shapes "
                                  "not supported.")
    n = a.event_shape.ndims - p.event_shape.ndims
    kl = kl_divergence(p, q, name=name)
    return _gc().reduce_sum(kl, list(range(-n, 0))) if n else kl


class _BaseDeterministic(Distribution):
    """A point mass at `loc`; prob is 1 within atol + rtol * |loc| of it."""

    def __init__(self, loc, atol, rtol, is_vector, validate_args, allow_nan_stats, name,
                 parameters):
        gc = _gc()
        with gc.name_scope(name, values=[loc, atol, rtol]) as name:
            loc = gc.convert_to_tensor(loc, name="loc")
            if is_vector and validate_args:
                msg = "Argument loc must be at least rank 1."
                if loc.shape.ndims is not None:
                    if loc.shape.ndims < 1:
                        raise ValueError(msg)
                else:
                    loc = check_value(True, loc,
                                      lambda t: [gc.assert_rank_at_least(t, 1, message=msg)])
            self._loc = loc
            self._batch_params = [loc]
            super().__init__(dtype=loc.dtype, reparameterization_type=NOT_REPARAMETERIZED,
                             validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                             parameters=parameters, graph_parents=[loc], name=name)
            self._atol = self._tol(atol)
            self._rtol = self._tol(rtol)
            self._slack = self._atol if rtol is None else \
                self._atol + self._rtol * gc.abs(self._loc)

    def _tol(self, tol):
        gc = _gc()
        if tol is None:
            return gc.convert_to_tensor(0, dtype=self._loc.dtype)
        tol = gc.convert_to_tensor(tol, dtype=self._loc.dtype)
        return check_value(self.validate_args, tol, lambda t: [gc.assert_non_negative(
            t, message="Argument 'tol' must be non-negative")])

    @property
    def loc(self):
        return self._loc

    @property
    def atol(self):
        return self._atol

    @property
    def rtol(self):
        return self._rtol

    def _entropy(self):
        return _gc().zeros(self.batch_shape_tensor(), dtype=self.dtype)

    def _mean(self):
        return _gc().identity(self._loc)

    def _variance(self):
        return _gc().zeros_like(self._loc)

    def _mode(self):
        return self.mean()

    def _sample_n(self, n, seed=None):
        gc = _gc()
        ones = gc.ones_like(gc.shape(self._loc))
        return gc.tile(self._loc[None, ...], gc.concat([gc.reshape(n, [1]), ones], 0))


class Deterministic(ScalarEvent, _BaseDeterministic):
    """The constant random variable `loc` (a batch of scalars):
    `Deterministic([0., 1.]).prob([0., 1.1])` is [1., 0.]."""

    def __init__(self, loc, atol=None, rtol=None, validate_args=False,
                 allow_nan_stats=True, name="Deterministic"):
        parameters = dict(locals())
        super().__init__(loc, atol, rtol, False, validate_args, allow_nan_stats, name,
                         parameters)

    def _prob(self, x):
        gc = _gc()
        return gc.cast(gc.abs(x - self._loc) <= self._slack, self.dtype)

    def _cdf(self, x):
        gc = _gc()
        return gc.cast(x >= self._loc - self._slack, self.dtype)


class VectorDeterministic(_BaseDeterministic):
    """The constant random vector `loc` (shape batch + [k]): prob is 1 where every
    coordinate is within the slack."""

    def __init__(self, loc, atol=None, rtol=None, validate_args=False,
                 allow_nan_stats=True, name="VectorDeterministic"):
        parameters = dict(locals())
        super().__init__(loc, atol, rtol, True, validate_args, allow_nan_stats, name,
                         parameters)

    def _batch_shape(self):
        return vector_batch_shape(self._loc.shape)

    def _batch_shape_tensor(self):
        return _gc().shape(self._loc)[:-1]

    def _event_shape(self):
        return vector_event_shape(self._loc.shape)

    def _event_shape_tensor(self):
        return _gc().shape(self._loc)[-1:]

    def _prob(self, x):
        gc = _gc()
        if self.validate_args:
            x = check_value(True, x, lambda t: [
                gc.assert_rank_at_least(t, 1),
                gc.assert_equal(self.event_shape_tensor(), gc.shape(t)[-1:], message=(
                    "Argument 'x' not defined in the same space R^k as this "
                    "distribution"))])
        return gc.cast(gc.reduce_all(gc.abs(x - self._loc) <= self._slack, axis=-1),
                       self.dtype)


class Kumaraswamy(TransformedDistribution):
    """The Kumaraswamy distribution on (0, 1): pdf a b x^(a-1) (1 - x^a)^(b-1), a =
    concentration1, b = concentration0; Uniform(0, 1) through the Kumaraswamy bijector,
    so FULLY_REPARAMETERIZED: `Kumaraswamy(2., 5.).sample(3, seed=1)`."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False,
                 allow_nan_stats=True, name="Kumaraswamy"):
        gc = _gc()
        with gc.name_scope(name, values=[concentration1, concentration0]) as name:
            a = gc.convert_to_tensor(concentration1, name="concentration1")
            b = gc.convert_to_tensor(concentration0, name="concentration0")
            batch = gc.broadcast_static_shape(a.shape, b.shape)
            if not batch.is_fully_defined():
                raise ValueError("Kumaraswamy: graphc needs the broadcast shape of %s and "
                                 "%s static%s" % (errors.describe_tensor(a),
                                                  errors.describe_tensor(b),
                                                  errors.called_at("Kumaraswamy")))
        super().__init__(
            distribution=Uniform(low=gc.zeros([], dtype=a.dtype),
                                 high=gc.ones([], dtype=a.dtype),
                                 allow_nan_stats=allow_nan_stats),
            bijector=KumaraswamyBijector(concentration1=a, concentration0=b,
                                         validate_args=validate_args),
            batch_shape=batch.as_list(), name=name)
        self._reparameterization_type = FULLY_REPARAMETERIZED

    @property
    def concentration1(self):
        return self.bijector.concentration1

    @property
    def concentration0(self):
        return self.bijector.concentration0

    def _entropy(self):
        # (1 - 1/b) + (1 - 1/a) H_b - log(a b), H_b = digamma(b + 1) - digamma(1)
        gc = _gc()
        a, b = self.concentration1, self.concentration0
        harmonic = gc.digamma(b + 1.0) - gc.digamma(gc.ones([], dtype=b.dtype))
        return (1.0 - 1.0 / b) + (1.0 - 1.0 / a) * harmonic - gc.log(a) - gc.log(b)

    def _moment(self, n):
        # E[X^n] = b B(1 + n/a, b)
        gc = _gc()
        ones = gc.ones_like(self.concentration1 + self.concentration0, dtype=self.dtype)
        a, b = ones * self.concentration1, ones * self.concentration0
        return gc.exp(gc.log(b) + gc.lbeta(gc.stack([1.0 + n / a, b], -1)))

    def _mean(self):
        return self._moment(1.0)

    def _variance(self):
        return self._moment(2.0) - _gc().square(self._moment(1.0))

    def _mode(self):
        # ((a - 1) / (a b - 1))^(1/a), defined for a > 1 and b > 1
        gc = _gc()
        a, b = self.concentration1, self.concentration0
        mode = gc.pow((a - 1.0) / (a * b - 1.0), 1.0 / a)
        if self.allow_nan_stats:
            nan = gc.fill(self.batch_shape_tensor(),
                          gc.constant(np.nan, dtype=self.dtype))
            return gc.where(gc.logical_and(a > 1.0, b > 1.0), mode + gc.zeros_like(nan),
                            nan)
        one = gc.ones([], dtype=self.dtype)
        with gc.control_dependencies([
                gc.assert_less(one, a, message="Mode undefined for concentration1 <= 1."),
                gc.assert_less(one, b, message="Mode undefined for concentration0 <= 1.")]):
            return gc.identity(mode)
