"""TF 1.15's mixtures (tf.contrib.distributions): Mixture (a Categorical over a list of
distributions of one batch and event shape) and MixtureSameFamily (a Categorical over
the last batch dim of one distribution).

    ds = gc.contrib.distributions
    mix = ds.Mixture(cat=ds.Categorical(probs=[0.3, 0.7]),
                     components=[ds.Normal(-1., 1.), ds.Normal(2., 0.5)])
    gmm = ds.MixtureSameFamily(
        mixture_distribution=ds.Categorical(probs=[0.3, 0.7]),
        components_distribution=ds.Normal(loc=[-1., 2.], scale=[1., 0.5]))
    mix.log_prob(x); gmm.mean(); gmm.variance(); gmm.sample(5, seed=1)

log_prob is logsumexp over components of log p(k) + log p(x | k); mean and variance by
the laws of total expectation and variance. A sample draws every component and keeps the
drawn one (TF1's use_static_graph path): samples are NOT_REPARAMETERIZED, as TF1's.
"""
from . import errors
from .distributions_base import NOT_REPARAMETERIZED, Distribution
from .distributions_discrete import Categorical
from .distributions_util import gen_new_seed

__all__ = ["Mixture", "MixtureSameFamily"]


def _gc():
    import graphc
    return graphc


def _expand_right(x, n):
    """x with n trailing dims of size 1."""
    for _ in range(n):
        x = _gc().expand_dims(x, -1)
    return x


class Mixture(Distribution):
    """p(x) = sum_k cat.probs[k] * components[k].prob(x)."""

    def __init__(self, cat, components, validate_args=False, allow_nan_stats=True,
                 use_static_graph=False, name="Mixture"):
        parameters = dict(locals())
        gc = _gc()
        api = "Mixture"
        if not isinstance(cat, Categorical):
            raise TypeError("cat must be a Categorical distribution, but saw: %s%s"
                            % (cat, errors.called_at(api)))
        if not components:
            raise ValueError("components must be a non-empty list or tuple%s"
                             % errors.called_at(api))
        if not isinstance(components, (list, tuple)):
            raise TypeError("components must be a list or tuple, but saw: %s%s"
                            % (components, errors.called_at(api)))
        if not all(isinstance(c, Distribution) for c in components):
            raise TypeError("all entries in components must be Distribution instances "
                            "but saw: %s%s" % (components, errors.called_at(api)))
        dtype = components[0].dtype
        if not all(d.dtype == dtype for d in components):
            raise TypeError("All components must have the same dtype, but saw dtypes: "
                            "%s%s" % ([(d.name, d.dtype.name) for d in components],
                                      errors.called_at(api)))
        event_shape = components[0].event_shape
        batch_shape = cat.batch_shape
        for d in components:
            event_shape = event_shape.merge_with(d.event_shape)
            batch_shape = batch_shape.merge_with(d.batch_shape)
        if event_shape.ndims is None:
            raise ValueError("Expected to know rank(event_shape) from components, but "
                             "none of the components provide a static number of ndims%s"
                             % errors.called_at(api))
        with gc.name_scope(name, values=[cat.logits]) as name:
            k = gc.get_static_value(cat.event_size)
            if k is None:
                raise ValueError("Could not infer number of classes from cat and unable "
                                 "to compare this value to the number of components "
                                 "passed in.%s" % errors.called_at(api))
            if int(k) != len(components):
                raise ValueError("cat.num_classes != len(components): %d vs. %d%s"
                                 % (int(k), len(components), errors.called_at(api)))
            self._assertions = []
            if validate_args:
                cat_batch = cat.batch_shape_tensor()
                for i, d in enumerate(components):
                    message = "components[%d] batch shape must match cat batch shape" % i
                    self._assertions += [
                        gc.assert_equal(gc.size(cat_batch), gc.size(d.batch_shape_tensor()),
                                        message=message),
                        gc.assert_equal(cat_batch, d.batch_shape_tensor(), message=message)]
        self._cat = cat
        self._components = list(components)
        self._num_components = len(components)
        self._static_event_shape = event_shape
        self._static_batch_shape = batch_shape
        self._use_static_graph = use_static_graph
        parents = list(cat._graph_parents)
        for c in components:
            parents += list(c._graph_parents)
        super().__init__(dtype=dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters, graph_parents=parents, name=name)
        self._parameters = parameters

    @property
    def cat(self):
        return self._cat

    @property
    def components(self):
        return self._components

    @property
    def num_components(self):
        return self._num_components

    def _batch_shape(self):
        return self._static_batch_shape

    def _batch_shape_tensor(self):
        return self._cat.batch_shape_tensor()

    def _event_shape(self):
        return self._static_event_shape

    def _event_shape_tensor(self):
        return self._components[0].event_shape_tensor()

    def _cat_probs(self, log_probs):
        """The num_components batchwise (log) probabilities of cat."""
        gc = _gc()
        fn = gc.nn.log_softmax if log_probs else gc.nn.softmax
        return gc.unstack(fn(self._cat.logits), num=self._num_components, axis=-1)

    def _mean(self):
        gc = _gc()
        with gc.control_dependencies(self._assertions):
            e = self._static_event_shape.ndims
            return gc.add_n([_expand_right(p, e) * d.mean()
                             for p, d in zip(self._cat_probs(False), self._components)])

    def _stddev(self):
        # law of total variance: E[Var(X|k)] + Var(E[X|k])
        gc = _gc()
        with gc.control_dependencies(self._assertions):
            e = self._static_event_shape.ndims
            means = gc.stack([d.mean() for d in self._components], axis=-1)
            devs = gc.stack([d.stddev() for d in self._components], axis=-1)
            probs = gc.stack([_expand_right(p, e) for p in self._cat_probs(False)], axis=-1)
            mean = gc.reduce_sum(probs * means, -1, keepdims=True)
            return gc.sqrt(gc.reduce_sum(probs * (gc.square(devs)
                                                  + gc.square(means - mean)), -1))

    def _log_mix(self, per_component):
        """logsumexp_k (log cat.probs[k] + per_component[k])."""
        gc = _gc()
        terms = [lp + v for lp, v in zip(self._cat_probs(True), per_component)]
        return gc.reduce_logsumexp(gc.stack(terms, 0), [0])

    def _log_prob(self, x):
        gc = _gc()
        with gc.control_dependencies(self._assertions):
            return self._log_mix([d.log_prob(x) for d in self._components])

    def _prob(self, x):
        return _gc().exp(self._log_prob(x))

    def _log_cdf(self, x):
        gc = _gc()
        with gc.control_dependencies(self._assertions):
            return self._log_mix([d.log_cdf(x) for d in self._components])

    def _sample_n(self, n, seed=None):
        gc = _gc()
        with gc.control_dependencies(self._assertions):
            e = self._static_event_shape.ndims
            picks = self._cat.sample(n, seed=seed)                      # [n, B]
            draws = []
            for c in self._components:
                seed = gen_new_seed(seed, "mixture")
                draws.append(c.sample(n, seed=seed))                    # [n, B, E]
            x = gc.stack(draws, -e - 1)                                 # [n, B, k, E]
            mask = gc.one_hot(picks, self._num_components, dtype=x.dtype)
            return gc.reduce_sum(x * _expand_right(mask, e), -e - 1)    # [n, B, E]

    def entropy_lower_bound(self, name="entropy_lower_bound"):
        """sum_k cat.probs[k] * H[components[k]], a lower bound on the entropy (by the
        concavity of -x log x)."""
        gc = _gc()
        with self._name_scope(name, values=[self._cat.logits]):
            with gc.control_dependencies(self._assertions):
                return gc.add_n([p * d.entropy() for p, d in
                                 zip(self._cat_probs(False), self._components)])


class MixtureSameFamily(Distribution):
    """p(x) = sum_k mixture_distribution.probs[..., k] * components_distribution[..., k]
    .prob(x): the components are the last batch dim of components_distribution."""

    def __init__(self, mixture_distribution, components_distribution, validate_args=False,
                 allow_nan_stats=True, name="MixtureSameFamily"):
        parameters = dict(locals())
        gc = _gc()
        api = "MixtureSameFamily"
        mix, comp = mixture_distribution, components_distribution
        with gc.name_scope(name) as name:
            if not mix.dtype.is_integer:
                raise ValueError("`mixture_distribution.dtype` (%s) is not over integers%s"
                                 % (mix.dtype.name, errors.called_at(api)))
            if mix.event_shape.ndims is not None and mix.event_shape.ndims != 0:
                raise ValueError("`mixture_distribution` must have scalar `event_dim`s%s"
                                 % errors.called_at(api))
            if comp.event_shape.ndims is None or comp.batch_shape.ndims is None:
                raise ValueError("%s: graphc needs the static batch and event ranks of "
                                 "components_distribution%s" % (api, errors.called_at(api)))
            if comp.batch_shape.ndims < 1:
                raise ValueError("%s: components_distribution must have a batch dim "
                                 "indexing the components, not batch shape %s%s"
                                 % (api, comp.batch_shape, errors.called_at(api)))
            mdbs, cdbs = mix.batch_shape, comp.batch_shape[:-1]
            if mdbs.is_fully_defined() and cdbs.is_fully_defined():
                if mdbs.ndims != 0 and mdbs != cdbs:
                    raise ValueError("`mixture_distribution.batch_shape` (`%s`) is not "
                                     "compatible with `components_distribution.batch_shape`"
                                     " (`%s`)%s" % (mdbs.as_list(), cdbs.as_list(),
                                                    errors.called_at(api)))
            km = mix.logits.shape._dims[-1] if mix.logits.shape.ndims else None
            kc = comp.batch_shape._dims[-1]
            if km is not None and kc is not None and km != kc:
                raise ValueError("`mixture_distribution components` (%d) does not equal "
                                 "`components_distribution.batch_shape[-1]` (%d)%s"
                                 % (km, kc, errors.called_at(api)))
        self._mixture_distribution = mix
        self._components_distribution = comp
        self._event_ndims = comp.event_shape.ndims
        self._num_components = km if km is not None else kc
        if self._num_components is None:
            self._num_components = gc.shape(mix.logits)[-1]
        super().__init__(dtype=comp.dtype, reparameterization_type=NOT_REPARAMETERIZED,
                         validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                         parameters=parameters,
                         graph_parents=list(mix._graph_parents) + list(comp._graph_parents),
                         name=name)
        self._parameters = parameters

    @property
    def mixture_distribution(self):
        return self._mixture_distribution

    @property
    def components_distribution(self):
        return self._components_distribution

    def _batch_shape(self):
        return self._components_distribution.batch_shape[:-1]

    def _batch_shape_tensor(self):
        return self._components_distribution.batch_shape_tensor()[:-1]

    def _event_shape(self):
        return self._components_distribution.event_shape

    def _event_shape_tensor(self):
        return self._components_distribution.event_shape_tensor()

    def _pad_mixture_dims(self, x):
        """x [..., B', k] -> [..., B, k, 1 * event_ndims], with the batch dims of a
        scalar-batch mixture_distribution added as 1s (TF1's pad_mixture_dimensions)."""
        gc = _gc()
        if self._mixture_distribution.batch_shape.ndims == 0:
            pad = self.batch_shape.ndims
            if pad:
                s = gc.shape(x)
                x = gc.reshape(x, gc.concat([s[:-1], gc.ones([pad], gc.int32), s[-1:]], 0))
        return _expand_right(x, self._event_ndims)

    def _pad_sample_dims(self, x):
        """x [S, B, E] -> [S, B, 1, E]: one value for every component."""
        return _gc().expand_dims(x, -1 - self._event_ndims)

    def _sample_n(self, n, seed=None):
        gc = _gc()
        x = self._components_distribution.sample(n, seed=seed)              # [n, B, k, E]
        picks = self._mixture_distribution.sample(n, seed=gen_new_seed(seed, "mixture"))
        mask = gc.one_hot(picks, self._num_components, dtype=x.dtype)        # [n, B, k]
        return gc.reduce_sum(x * self._pad_mixture_dims(mask), -1 - self._event_ndims)

    def _log_mix(self, per_component):
        gc = _gc()
        log_mix = gc.nn.log_softmax(self._mixture_distribution.logits, axis=-1)  # [B, k]
        return gc.reduce_logsumexp(per_component + log_mix, axis=-1)            # [S, B]

    def _log_prob(self, x):
        x = self._pad_sample_dims(x)
        return self._log_mix(self._components_distribution.log_prob(x))

    def _log_cdf(self, x):
        x = self._pad_sample_dims(x)
        return self._log_mix(self._components_distribution.log_cdf(x))

    def _probs(self):
        return self._pad_mixture_dims(self._mixture_distribution.probs)      # [B, k, 1s]

    def _mean(self):
        gc = _gc()
        return gc.reduce_sum(self._probs() * self._components_distribution.mean(),
                             axis=-1 - self._event_ndims)                   # [B, E]

    def _variance(self):
        # law of total variance: E[Var(X|k)] + Var(E[X|k])
        gc = _gc()
        probs = self._probs()
        comp = self._components_distribution
        axis = -1 - self._event_ndims
        mean_var = gc.reduce_sum(probs * comp.variance(), axis=axis)
        var_mean = gc.reduce_sum(probs * gc.squared_difference(
            comp.mean(), self._pad_sample_dims(self._mean())), axis=axis)
        return mean_var + var_mean

    def _covariance(self):
        gc = _gc()
        if self._event_ndims != 1:
            raise NotImplementedError("covariance is not implemented")
        probs = gc.expand_dims(self._probs(), -1)                           # [B, k, 1, 1]
        comp = self._components_distribution
        mean_cov = gc.reduce_sum(probs * comp.covariance(), axis=-3)
        z = comp.mean() - self._pad_sample_dims(self._mean())               # [B, k, e]
        outer = gc.expand_dims(z, -2) * gc.expand_dims(z, -1)
        return mean_cov + gc.reduce_sum(probs * outer, axis=-3)
