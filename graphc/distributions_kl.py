"""The KL registry of tf.distributions: RegisterKL (a decorator that records a KL function
for a pair of distribution classes) and kl_divergence (finds the registered pair nearest
in both classes' MROs)."""

__all__ = ["kl_divergence", "RegisterKL"]


def _gc():
    import graphc
    return graphc


_DIVERGENCES = {}


def _registered_kl(type_a, type_b):
    """The KL function registered for the closest pair of ancestors of the classes."""
    best, best_dist = None, None
    for dist_a, parent_a in enumerate(type_a.__mro__):
        for dist_b, parent_b in enumerate(type_b.__mro__):
            fn = _DIVERGENCES.get((parent_a, parent_b))
            if fn is not None and (best is None or dist_a + dist_b < best_dist):
                best, best_dist = fn, dist_a + dist_b
    return best


def kl_divergence(distribution_a, distribution_b, allow_nan_stats=True, name=None):
    """KL[a || b] by the function registered with RegisterKL for the two classes (or
    their nearest ancestors). allow_nan_stats=False adds a run-time check for NaN:
    `tf.distributions.kl_divergence(Normal(0., 1.), Normal(1., 2.))`."""
    gc = _gc()
    fn = _registered_kl(type(distribution_a), type(distribution_b))
    if fn is None:
        raise NotImplementedError(
            "No KL(distribution_a || distribution_b) registered for distribution_a "
            "type %s and distribution_b type %s"
            % (type(distribution_a).__name__, type(distribution_b).__name__))
    with gc.name_scope("KullbackLeibler"):
        kl = fn(distribution_a, distribution_b, name=name)
        if allow_nan_stats:
            return kl
        kl = gc.identity(kl, name="kl")
        check = gc.Assert(
            gc.logical_not(gc.reduce_any(gc.is_nan(kl))),
            ["KL calculation between %s and %s returned NaN values (and was called "
             "with allow_nan_stats=False). Values:"
             % (distribution_a.name, distribution_b.name), kl])
        with gc.control_dependencies([check]):
            return gc.identity(kl, name="checked_kl")


class RegisterKL:
    """Decorator that registers a KL function `fn(a, b, name=None)` for two classes:
    `@tf.distributions.RegisterKL(MyDist, MyDist)`."""

    def __init__(self, dist_cls_a, dist_cls_b):
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, kl_fn):
        if not callable(kl_fn):
            raise TypeError("kl_fn must be callable, received: %s" % kl_fn)
        if self._key in _DIVERGENCES:
            raise ValueError("KL(%s || %s) has already been registered to: %s"
                             % (self._key[0].__name__, self._key[1].__name__,
                                _DIVERGENCES[self._key]))
        _DIVERGENCES[self._key] = kl_fn
        return kl_fn
