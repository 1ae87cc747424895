"""Helpers the distributions share: parameter conversion and validation, the constructor
of broadcast float parameters, logits/probs (and their properties), batch and event
shapes, undefined statistics (NaN or a run-time assertion), the normal cdf and its log,
and per-draw seeds."""
import math

import numpy as np

from . import dtypes
from .distributions_base import FULLY_REPARAMETERIZED, Distribution
from .shapes import TensorShape


def _gc():
    import graphc
    return graphc


def float_params(*named):
    """Tensors of (name, value) pairs, all of one float dtype (TF1's
    assert_same_float_dtype: Python values become float32)."""
    gc = _gc()
    tensors = [gc.convert_to_tensor(v, name=n) for n, v in named]
    try:
        gc.assert_same_float_dtype(tensors)
    except TypeError as e:              # TF1's distributions raise ValueError here
        raise ValueError(str(e)) from None
    return tensors


def identity_params(validate_args, named, checks):
    """TF1's parameters of Normal, Laplace, Uniform, StudentT and Gamma:
    identity(value, name=name) of each (name, value) pair, behind the run-time
    `checks(*tensors)` when validate_args, all of one float dtype. The identity makes
    gradients with respect to `d.loc` those through the distribution only, as in TF1."""
    gc = _gc()
    tensors = [gc.convert_to_tensor(v) for _, v in named]
    with gc.control_dependencies(checks(*tensors) if validate_args else []):
        tensors = [gc.identity(t, name=n) for (n, _), t in zip(named, tensors)]
    try:
        gc.assert_same_float_dtype(tensors)
    except TypeError as e:              # TF1's distributions raise ValueError here
        raise ValueError(str(e)) from None
    return tensors


def init_float_params(dist, named, checks, validate_args, allow_nan_stats, name,
                      parameters):
    """TF1's constructor of a distribution of float parameters that broadcast to its
    batch shape (Normal, Uniform, StudentT, Gamma, ...): the (name, value) pairs as
    identity_params makes them, under the name scope `name`, then Distribution's
    constructor (fully reparameterized, the parameters its graph parents). Returns the
    parameter tensors, which ScalarEvent's batch shape broadcasts."""
    gc = _gc()
    with gc.name_scope(name, values=[v for _, v in named]) as name:
        tensors = identity_params(validate_args, named, checks)
    dist._batch_params = tensors
    Distribution.__init__(dist, dtype=tensors[0].dtype,
                          reparameterization_type=FULLY_REPARAMETERIZED,
                          validate_args=validate_args, allow_nan_stats=allow_nan_stats,
                          parameters=parameters, graph_parents=list(tensors), name=name)
    return tensors


def same_shape_params(names, sample_shape):
    """_param_shapes of parameters that all have the sample's shape."""
    shape = _gc().convert_to_tensor(sample_shape, dtype=dtypes.int32, name="sample_shape")
    return {n: shape for n in names}


def lead_shape(n, shape):
    """concat([[n], shape]): the shape of n draws of a batch."""
    gc = _gc()
    return gc.concat([gc.reshape(n, [1]), shape], 0)


def scalar_event_shape(dist):
    """The static event shape of a scalar distribution: []."""
    return TensorShape([])


def scalar_event_shape_tensor(dist):
    """The event shape of a scalar distribution as a tensor: [] (int32)."""
    return _gc().constant([], dtype=dtypes.int32)


class ScalarEvent:
    """Mixin of a distribution of scalar events whose batch shape is the broadcast of
    the parameter tensors `self._batch_params` (its constructor sets them)."""

    def _batch_shape(self):
        return static_broadcast(*self._batch_params)

    def _batch_shape_tensor(self):
        return batch_shape_of(*self._batch_params)[1]

    _event_shape = scalar_event_shape
    _event_shape_tensor = scalar_event_shape_tensor


def vector_batch_shape(shape):
    """The batch part (all but the last dim) of a vector-event parameter's static
    shape."""
    return TensorShape(None) if shape.ndims is None else shape[:-1]


def vector_event_shape(shape):
    """The event part (the last dim) of a vector-event parameter's static shape."""
    return TensorShape(None) if shape.ndims is None else shape[-1:]


def guarded(validate_args, tensors, checks):
    """`tensors` behind run-time `checks()` when validate_args (identities), else as is."""
    gc = _gc()
    if not validate_args:
        return tensors
    with gc.control_dependencies(checks()):
        return [gc.identity(t) for t in tensors]


def check_value(validate_args, x, checks):
    """`x` behind the run-time checks `checks(x)` when validate_args."""
    return guarded(validate_args, [x], lambda: checks(x))[0]


def logits_and_probs(logits, probs, multidimensional, validate_args, dtype=None):
    """(logits, probs) from exactly one of them: softmax/log for a vector event
    (multidimensional), sigmoid/logit for a scalar one."""
    gc = _gc()
    if (logits is None) == (probs is None):
        raise ValueError("Must pass probs or logits, but not both.")
    if probs is None:
        logits = gc.convert_to_tensor(logits, name="logits", dtype=dtype)
        if not logits.dtype.is_floating:
            raise TypeError("logits must having floating type.")
        if validate_args and multidimensional:
            logits = check_value(True, logits, lambda t: [gc.assert_rank_at_least(t, 1)])
        with gc.name_scope("probs"):
            probs = gc.nn.softmax(logits) if multidimensional else gc.sigmoid(logits)
        return logits, probs
    probs = gc.convert_to_tensor(probs, name="probs", dtype=dtype)
    if not probs.dtype.is_floating:
        raise TypeError("probs must having floating type.")

    def checks(p):
        one = gc.constant(1.0, dtype=p.dtype)
        out = [gc.assert_non_negative(p)]
        if multidimensional:
            out.append(gc.assert_rank_at_least(p, 1))
            out.append(gc.assert_near(gc.reduce_sum(p, -1), one,
                                      message="probs does not sum to 1."))
        else:
            out.append(gc.assert_less_equal(p, one,
                                            message="probs has components greater than 1."))
        return out
    probs = check_value(validate_args, probs, checks)
    with gc.name_scope("logits"):
        logits = gc.log(probs) if multidimensional else gc.log(probs) - gc.log1p(-probs)
    return logits, probs


class LogitsProbs:
    """Mixin of the logits and probs properties of a distribution made from exactly one
    of them (logits_and_probs sets `_logits` and `_probs`)."""

    @property
    def logits(self):
        """Log-odds (scalar events) or unnormalized log-probabilities (vector events)."""
        return self._logits

    @property
    def probs(self):
        """Probability of a 1 (scalar events) or of each class (vector events)."""
        return self._probs


def undefined_as_nan(dist, value, defined, message, assertion):
    """`value` where `defined`, NaN elsewhere (allow_nan_stats), else `value` behind the
    run-time `assertion()` that fails with `message`."""
    gc = _gc()
    if dist.allow_nan_stats:
        nan = gc.fill(gc.shape(value), gc.constant(np.nan, dtype=value.dtype))
        return gc.where(gc.broadcast_to(defined, gc.shape(value)), value, nan)
    with gc.control_dependencies([assertion(message)]):
        return gc.identity(value)


def ones_batch(dist):
    """ones(batch_shape) of the distribution's dtype."""
    return _gc().ones(dist.batch_shape_tensor(), dtype=dist.dtype)


def batch_shape_of(*tensors):
    """(static, dynamic) broadcast shape of the tensors."""
    gc = _gc()
    static, dynamic = tensors[0].shape, gc.shape(tensors[0])
    for t in tensors[1:]:
        static = gc.broadcast_static_shape(static, t.shape)
        dynamic = gc.broadcast_dynamic_shape(dynamic, gc.shape(t))
    return static, dynamic


def static_broadcast(*tensors):
    """The static broadcast shape of the tensors (unknown dims where not known)."""
    gc = _gc()
    static = tensors[0].shape
    for t in tensors[1:]:
        static = gc.broadcast_static_shape(static, t.shape)
    return static


def gen_new_seed(seed, salt):
    """A second seed derived from `seed` (None stays None), so two draws in one sample
    are independent."""
    if seed is None:
        return None
    digest = 0
    for ch in "%s%s" % (seed, salt):
        digest = (digest * 131 + ord(ch)) % 2147483647
    return digest


def ndtr(x):
    """The standard normal cdf: 0.5 * erfc(-x / sqrt(2))."""
    gc = _gc()
    return 0.5 * gc.erfc(-x * (1.0 / math.sqrt(2.0)))


def log_ndtr(x):
    """log of the standard normal cdf, accurate in both tails: -ndtr(-x) for large x
    (log1p of a tiny number), log(ndtr(x)) in the middle, and for very negative x the
    asymptotic series -x^2/2 - log(-x) - log(2 pi)/2 + log(1 + sum_n (-1)^n (2n-1)!! /
    x^(2n)) (three terms)."""
    gc = _gc()
    lower, upper = (-20.0, 8.0) if x.dtype == dtypes.float64 else (-10.0, 5.0)
    lower_c = gc.constant(lower, dtype=x.dtype)
    upper_c = gc.constant(upper, dtype=x.dtype)
    big = -ndtr(-gc.maximum(x, upper_c))         # log(1 - q) ~ -q for tiny q
    mid = gc.log(ndtr(gc.maximum(gc.minimum(x, upper_c), lower_c)))
    xs = gc.minimum(x, lower_c)                  # the series is used only below `lower`
    x2 = gc.square(xs)
    inv = 1.0 / x2
    series = 1.0 - inv + 3.0 * inv * inv - 15.0 * inv * inv * inv
    small = -0.5 * x2 - gc.log(-xs) - 0.5 * math.log(2.0 * math.pi) + gc.log(series)
    return gc.where(x > upper_c, big, gc.where(x > lower_c, mid, small))
