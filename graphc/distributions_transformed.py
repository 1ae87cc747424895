"""TF 1.15's TransformedDistribution (tf.contrib.distributions.TransformedDistribution):
the distribution of Y = g(X) for X ~ `distribution` and a bijector g.

    ds = gc.contrib.distributions
    log_normal = ds.TransformedDistribution(distribution=ds.Normal(loc=0., scale=1.),
                                            bijector=ds.bijectors.Exp())
    y = log_normal.sample(3, seed=1)        # exp of normal draws
    lp = log_normal.log_prob(y)             # normal.log_prob(log y) - log y

sample is bijector.forward(distribution.sample(...)); log_prob(y) is
distribution.log_prob(g^{-1}(y)) + log|det J(g^{-1})(y)|; cdf and the survival
functions read the base distribution at g^{-1}(y); entropy is defined for a constant
Jacobian only. `batch_shape` / `event_shape` override a scalar base's (iid draws fill
them), as TF1's; graphc needs the overrides static. Everything is a composite of
graphc ops, so log_prob differentiates in the base's and the bijector's parameters.
"""
import numpy as np

from . import errors
from .distributions_base import Distribution
from .distributions_bijectors_simple import Identity

__all__ = ["TransformedDistribution"]


def _gc():
    import graphc
    return graphc


class TransformedDistribution(Distribution):
    """Y = bijector.forward(X), X ~ distribution (the Identity bijector where None)."""

    def __init__(self, distribution, bijector=None, batch_shape=None, event_shape=None,
                 validate_args=False, name=None):
        parameters = dict(locals())
        gc = _gc()
        name = name or (("" if bijector is None else bijector.name) + distribution.name)
        with gc.name_scope(name) as name:
            if bijector is None:
                bijector = Identity(validate_args=validate_args)
            self._override_batch = self._override(batch_shape, distribution.batch_shape,
                                                  "batch_shape")
            self._override_event = self._override(event_shape, distribution.event_shape,
                                                  "event_shape")
        # a scalar base with batch dims and an overridden event draws the event dims
        # left of the batch: rotate them to the right
        self._needs_rotation = bool(self._override_event and not self._override_batch
                                    and distribution.batch_shape.ndims != 0)
        self._rotate_ndims = len(self._override_event) if self._needs_rotation else 0
        self._reduce_event_axes = list(range(
            self._rotate_ndims - len(self._override_event), self._rotate_ndims))
        self._distribution = distribution
        self._bijector = bijector
        super().__init__(dtype=distribution.dtype,
                         reparameterization_type=distribution.reparameterization_type,
                         validate_args=validate_args,
                         allow_nan_stats=distribution.allow_nan_stats,
                         parameters=parameters,
                         graph_parents=(list(distribution._graph_parents)
                                        + list(bijector.graph_parents)),
                         name=name)
        self._parameters = parameters

    @staticmethod
    def _override(shape, base_shape, what):
        """A batch/event shape override as a static list ([] for none), checked as
        TF1's _maybe_validate_shape_override."""
        gc = _gc()
        api = "TransformedDistribution"
        if shape is None:
            return []
        t = gc.convert_to_tensor(shape, dtype=gc.int32, name=what)
        static = gc.get_static_value(t)
        if static is None:
            raise ValueError("%s: graphc needs a static %s override, not %s%s"
                             % (api, what, errors.describe_tensor(t), errors.called_at(api)))
        if np.ndim(static) != 1:
            raise ValueError("shape override must be a vector%s" % errors.called_at(api))
        static = [int(d) for d in static]
        if not static:
            return []
        if any(d <= 0 for d in static):
            raise ValueError("shape override must have positive elements%s"
                             % errors.called_at(api))
        if base_shape.ndims is None:
            raise ValueError("%s: a %s override needs the base distribution's %s rank "
                             "known%s" % (api, what, what, errors.called_at(api)))
        if base_shape.ndims != 0:
            raise ValueError("base distribution not scalar%s" % errors.called_at(api))
        return static

    @property
    def distribution(self):
        """The base distribution, p(x)."""
        return self._distribution

    @property
    def bijector(self):
        """The map x => y."""
        return self._bijector

    # --- shapes -----------------------------------------------------------------------
    def _batch_shape(self):
        if self._override_batch:
            return _gc().TensorShape(self._override_batch)
        return self._distribution.batch_shape

    def _batch_shape_tensor(self):
        if self._override_batch:
            return _gc().constant(self._override_batch, dtype=_gc().int32)
        return self._distribution.batch_shape_tensor()

    def _event_shape(self):
        base = (_gc().TensorShape(self._override_event) if self._override_event
                else self._distribution.event_shape)
        return self._bijector.forward_event_shape(base)

    def _event_shape_tensor(self):
        gc = _gc()
        base = (gc.constant(self._override_event, dtype=gc.int32) if self._override_event
                else self._distribution.event_shape_tensor())
        return self._bijector.forward_event_shape_tensor(base)

    def _event_ndims(self):
        """The event rank, a Python int where static."""
        ndims = self.event_shape.ndims
        return ndims if ndims is not None else _gc().size(self.event_shape_tensor())

    # --- sampling ---------------------------------------------------------------------
    def _sample_n(self, n, seed=None):
        gc = _gc()
        overrides = self._override_batch + self._override_event
        if isinstance(n, gc.Tensor):
            n_vec = gc.reshape(gc.cast(n, gc.int32), [1])
            ones = gc.constant(overrides, dtype=gc.int32)
            parts = [ones, n_vec] if self._needs_rotation else [n_vec, ones]
            sample_shape = gc.concat(parts, 0)
        else:
            sample_shape = (overrides + [int(n)] if self._needs_rotation
                            else [int(n)] + overrides)
        x = self._distribution.sample(sample_shape=sample_shape, seed=seed)
        return self._maybe_rotate_dims(x)

    def _call_sample_n(self, sample_shape, seed, name, **kwargs):
        # forward is applied last, so that its output is the cached y of the bijector
        gc = _gc()
        with self._name_scope(name, values=[sample_shape]):
            sample_shape = gc.convert_to_tensor(sample_shape, dtype=gc.int32,
                                                name="sample_shape")
            sample_shape, n = self._expand_sample_shape_to_vector(sample_shape,
                                                                  "sample_shape")
            x = self._sample_n(n, seed, **kwargs)
            x = gc.reshape(x, gc.concat([sample_shape, gc.shape(x)[1:]], 0))
            y = self._bijector.forward(x)
            return self._set_sample_static_shape(y, sample_shape)

    def _maybe_rotate_dims(self, x, rotate_right=False):
        """Moves the first rotate_ndims dims of x last (or, rotate_right, the last ones
        first)."""
        gc = _gc()
        if not self._needs_rotation:
            return x
        ndims = x.shape.ndims if x.shape.ndims is not None else gc.rank(x)
        n = ndims - self._rotate_ndims if rotate_right else self._rotate_ndims
        if isinstance(ndims, int):
            perm = list(range(n, ndims)) + list(range(0, n))
        else:
            perm = gc.concat([gc.range(n, ndims), gc.range(0, n)], 0)
        return gc.transpose(x, perm)

    # --- densities --------------------------------------------------------------------
    def _finish(self, y, value, combine_events):
        if self._override_event:
            value = combine_events(value, self._reduce_event_axes)
            event_ndims = self._event_ndims()
            if isinstance(event_ndims, int) and y.shape.ndims is not None:
                value.set_shape(_gc().broadcast_static_shape(
                    y.shape[:y.shape.ndims - event_ndims], self.batch_shape))
        return value

    def _log_prob(self, y):
        gc = _gc()
        x = self._bijector.inverse(y)
        ildj = self._bijector.inverse_log_det_jacobian(y, event_ndims=self._event_ndims())
        log_prob = self._distribution.log_prob(self._maybe_rotate_dims(x, True))
        log_prob = self._finish(y, log_prob, gc.reduce_sum)
        return log_prob + gc.cast(ildj, log_prob.dtype)

    def _prob(self, y):
        gc = _gc()
        x = self._bijector.inverse(y)
        ildj = self._bijector.inverse_log_det_jacobian(y, event_ndims=self._event_ndims())
        prob = self._distribution.prob(self._maybe_rotate_dims(x, True))
        prob = self._finish(y, prob, gc.reduce_prod)
        return prob * gc.exp(gc.cast(ildj, prob.dtype))

    def _base_at_inverse(self, method, y):
        if self._override_event:
            raise NotImplementedError("%s is not implemented when overriding event_shape"
                                      % method)
        return getattr(self._distribution, method)(self._bijector.inverse(y))

    def _log_cdf(self, y):
        return self._base_at_inverse("log_cdf", y)

    def _cdf(self, y):
        return self._base_at_inverse("cdf", y)

    def _log_survival_function(self, y):
        return self._base_at_inverse("log_survival_function", y)

    def _survival_function(self, y):
        return self._base_at_inverse("survival_function", y)

    def _quantile(self, p):
        # P[Y <= g(x_p)] = P[X <= x_p] = p
        if self._override_event:
            raise NotImplementedError("quantile is not implemented when overriding "
                                      "event_shape")
        return self._bijector.forward(self._distribution.quantile(p))

    def _entropy(self):
        # H[Y] = H[X] + E[log|det J(g)(X)|], the latter constant where J is
        gc = _gc()
        if not self._bijector.is_constant_jacobian:
            raise NotImplementedError("entropy is not implemented")
        entropy = self._distribution.entropy()
        if self._override_event:        # independent draws: the entropies add
            entropy = entropy * float(np.prod(self._override_event))
        if self._override_batch:
            base_batch = self._distribution.batch_shape_tensor()
            k = len(self._override_batch)
            entropy = gc.reshape(entropy, gc.concat([gc.ones([k], gc.int32), base_batch], 0))
            entropy = gc.tile(entropy, gc.concat(
                [gc.constant(self._override_batch, gc.int32), gc.ones_like(base_batch)], 0))
        dummy = gc.zeros(gc.concat([self.batch_shape_tensor(), self.event_shape_tensor()],
                                   0), dtype=self.dtype)
        ildj = self._bijector.inverse_log_det_jacobian(dummy,
                                                       event_ndims=self._event_ndims())
        entropy = entropy - gc.cast(ildj, entropy.dtype)
        entropy.set_shape(self.batch_shape)
        return entropy
