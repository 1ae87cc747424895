"""TF1's tf.distributions machinery: ReparameterizationType, the Distribution base class
(sampling, the method fallbacks, name scopes, shapes) and the KL registry. The concrete
distributions live in distributions_continuous.py, distributions_gamma.py and
distributions_discrete.py; every one is a composite of graphc ops, so log_prob, entropy
and kl_divergence are differentiable through graphc's autodiff."""
import numpy as np

from . import dtypes
from .distributions_kl import kl_divergence
from .shapes import TensorShape

__all__ = ["ReparameterizationType", "FULLY_REPARAMETERIZED", "NOT_REPARAMETERIZED",
           "Distribution"]


def _gc():
    """The public graphc namespace (imported late: graphc imports this module)."""
    import graphc
    return graphc


class ReparameterizationType:
    """Whether a distribution's samples are differentiable in its parameters.
    Compare with `is` or `==` (identity): `d.reparameterization_type ==
    tf.distributions.FULLY_REPARAMETERIZED`."""

    def __init__(self, rep_type):
        self._rep_type = rep_type

    def __repr__(self):
        return "<Reparameterization Type: %s>" % self._rep_type

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


FULLY_REPARAMETERIZED = ReparameterizationType("FULLY_REPARAMETERIZED")
NOT_REPARAMETERIZED = ReparameterizationType("NOT_REPARAMETERIZED")


def _not_implemented(method, self):
    return NotImplementedError("%s is not implemented: %s" % (method, type(self).__name__))


class _Scope:
    """`with self._name_scope(name):` enters `<distribution name>/<name>/`."""

    def __init__(self, dist, name, values):
        self._outer = _gc().name_scope(dist.name, values=list(dist._graph_parents) + values)
        self._inner = None
        self._name = name

    def __enter__(self):
        self._outer.__enter__()
        self._inner = _gc().name_scope(self._name)
        return self._inner.__enter__()

    def __exit__(self, *exc):
        self._inner.__exit__(*exc)
        return self._outer.__exit__(*exc)


class Distribution:
    """Base class of TF1's distributions (tf.distributions.Distribution). Subclasses set
    their parameters and implement `_sample_n`, `_log_prob` or `_prob`, `_mean`, ... ;
    the public methods add name scopes, convert values and fall back (prob from
    log_prob, variance from stddev, survival_function from cdf, ...) as TF1 does."""

    def __init__(self, dtype, reparameterization_type, validate_args, allow_nan_stats,
                 parameters=None, graph_parents=None, name=None):
        graph_parents = [] if graph_parents is None else graph_parents
        for i, t in enumerate(graph_parents):
            if t is None or not isinstance(t, _gc().Tensor):
                raise ValueError("Graph parent item %d is not a Tensor; %s." % (i, t))
        if not name or name[-1] != "/":     # a unique scope name, as TF1's
            with _gc().name_scope(name or type(self).__name__) as name:
                pass
        self._dtype = dtype
        self._reparameterization_type = reparameterization_type
        self._allow_nan_stats = allow_nan_stats
        self._validate_args = validate_args
        self._parameters = dict(parameters or {})
        self._graph_parents = graph_parents
        self._name = name

    # --- properties -------------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def dtype(self):
        return self._dtype

    @property
    def parameters(self):
        """The constructor's arguments (a dict), as passed."""
        return {k: v for k, v in self._parameters.items()
                if not k.startswith("__") and k != "self"}

    @property
    def reparameterization_type(self):
        return self._reparameterization_type

    @property
    def allow_nan_stats(self):
        return self._allow_nan_stats

    @property
    def validate_args(self):
        return self._validate_args

    @property
    def batch_shape(self):
        """The static batch shape (a TensorShape)."""
        return TensorShape(self._batch_shape())

    @property
    def event_shape(self):
        """The static event shape (a TensorShape)."""
        return TensorShape(self._event_shape())

    def copy(self, **override_parameters_kwargs):
        """A new distribution of the same class, with some constructor args replaced."""
        parameters = dict(self.parameters, **override_parameters_kwargs)
        return type(self)(**parameters)

    @classmethod
    def param_shapes(cls, sample_shape, name="DistributionParamShapes"):
        """Shapes of the parameters that make `sample()` of shape `sample_shape`."""
        with _gc().name_scope(name, values=[sample_shape]):
            return cls._param_shapes(sample_shape)

    @classmethod
    def param_static_shapes(cls, sample_shape):
        """param_shapes for a static (TensorShape / list) sample_shape."""
        if isinstance(sample_shape, TensorShape):
            if not sample_shape.is_fully_defined():
                raise ValueError("TensorShape sample_shape must be fully defined")
            sample_shape = sample_shape.as_list()
        params = cls.param_shapes(sample_shape)
        static = {}
        for name, shape in params.items():
            value = _gc().get_static_value(shape)
            if value is None:
                raise ValueError("sample_shape must be a fully-defined TensorShape or list")
            static[name] = TensorShape(value.tolist())
        return static

    @classmethod
    def _param_shapes(cls, sample_shape):
        raise NotImplementedError("param_shapes is not implemented: %s" % cls.__name__)

    def _name_scope(self, name, values=()):
        return _Scope(self, name, list(values))

    # --- shapes -----------------------------------------------------------------------
    def batch_shape_tensor(self, name="batch_shape_tensor"):
        """The batch shape as a 1-D int32 tensor."""
        with self._name_scope(name):
            if self.batch_shape.is_fully_defined():
                return _gc().constant(self.batch_shape.as_list(), dtype=dtypes.int32,
                                      name="batch_shape")
            return self._batch_shape_tensor()

    def event_shape_tensor(self, name="event_shape_tensor"):
        """The event shape as a 1-D int32 tensor."""
        with self._name_scope(name):
            if self.event_shape.is_fully_defined():
                return _gc().constant(self.event_shape.as_list(), dtype=dtypes.int32,
                                      name="event_shape")
            return self._event_shape_tensor()

    def _batch_shape(self):
        return TensorShape(None)

    def _batch_shape_tensor(self):
        raise _not_implemented("batch_shape_tensor", self)

    def _event_shape(self):
        return TensorShape(None)

    def _event_shape_tensor(self):
        raise _not_implemented("event_shape_tensor", self)

    def is_scalar_event(self, name="is_scalar_event"):
        """A bool tensor: is the event shape `[]`?"""
        with self._name_scope(name):
            return self._is_scalar(self.event_shape, self.event_shape_tensor)

    def is_scalar_batch(self, name="is_scalar_batch"):
        """A bool tensor: is the batch shape `[]`?"""
        with self._name_scope(name):
            return self._is_scalar(self.batch_shape, self.batch_shape_tensor)

    @staticmethod
    def _is_scalar(static, dynamic):
        """TF1's _is_scalar_helper: the static rank, else the length of the shape tensor
        (statically where known)."""
        gc = _gc()
        if static.ndims is not None:
            return gc.constant(static.ndims == 0)
        shape = dynamic()
        if shape.shape.ndims is not None and shape.shape._dims[0] is not None:
            return gc.constant(shape.shape.as_list() == [0])
        return gc.equal(gc.shape(shape)[0], 0)

    # --- sampling ---------------------------------------------------------------------
    def sample(self, sample_shape=(), seed=None, name="sample"):
        """Samples of shape `sample_shape + batch_shape + event_shape`:
        `tf.distributions.Normal(0., 1.).sample([2, 3], seed=1)` has shape (2, 3)."""
        return self._call_sample_n(sample_shape, seed, name)

    def _call_sample_n(self, sample_shape, seed, name, **kwargs):
        gc = _gc()
        with self._name_scope(name, values=[sample_shape]):
            sample_shape = gc.convert_to_tensor(sample_shape, dtype=dtypes.int32,
                                                name="sample_shape")
            sample_shape, n = self._expand_sample_shape_to_vector(sample_shape,
                                                                  "sample_shape")
            samples = self._sample_n(n, seed, **kwargs)
            final = gc.concat([sample_shape, gc.shape(samples)[1:]], 0)
            samples = gc.reshape(samples, final)
            return self._set_sample_static_shape(samples, sample_shape)

    def _sample_n(self, n, seed=None):
        raise _not_implemented("sample_n", self)

    def _expand_sample_shape_to_vector(self, x, name):
        """(x as a vector, the number of draws: a numpy scalar where x is static)."""
        gc = _gc()
        static = gc.get_static_value(x)
        if static is None:
            prod = gc.reduce_prod(x)
        else:
            prod = np.prod(static, dtype=x.dtype.as_numpy_dtype)
        ndims = x.shape.ndims
        if ndims is None:
            x = gc.reshape(x, [-1])
        elif ndims == 0:
            if static is not None:
                x = gc.convert_to_tensor(np.array([static], dtype=x.dtype.as_numpy_dtype),
                                         name=name)
            else:
                x = gc.reshape(x, [1])
        elif ndims != 1:
            raise ValueError("Input is neither scalar nor vector.")
        return x, prod

    def _set_sample_static_shape(self, x, sample_shape):
        """TF1's static shape of a sample: the sample, batch and event parts, each where
        known, merged into x's shape."""
        static = _gc().get_static_value(sample_shape)
        sample_shape = TensorShape(None if static is None else static.tolist())
        ndims = x.shape.ndims
        sample_ndims = sample_shape.ndims
        batch_ndims = self.batch_shape.ndims
        event_ndims = self.event_shape.ndims
        if (ndims is None and sample_ndims is not None and batch_ndims is not None
                and event_ndims is not None):
            ndims = sample_ndims + batch_ndims + event_ndims
            x.set_shape([None] * ndims)
        if ndims is not None and sample_ndims is not None:
            x.set_shape(x.shape.merge_with(
                sample_shape.concatenate([None] * (ndims - sample_ndims))))
        if ndims is not None and event_ndims is not None:
            x.set_shape(x.shape.merge_with(
                TensorShape([None] * (ndims - event_ndims)).concatenate(self.event_shape)))
        if batch_ndims is not None:
            if ndims is not None:
                if sample_ndims is None and event_ndims is not None:
                    sample_ndims = ndims - batch_ndims - event_ndims
                elif event_ndims is None and sample_ndims is not None:
                    event_ndims = ndims - batch_ndims - sample_ndims
            if sample_ndims is not None and event_ndims is not None:
                x.set_shape(x.shape.merge_with(
                    TensorShape([None] * sample_ndims).concatenate(self.batch_shape)
                    .concatenate([None] * event_ndims)))
        return x

    # --- values -----------------------------------------------------------------------
    def _value(self, value):
        """`value` as a tensor, of the distribution's dtype where it is a Python value.
        A numpy value is cast to that dtype (as TF1's graph mode does with numpy's
        astype) where no value changes: float64 samples for a float32 Normal, 0./1.
        labels for an int32 Bernoulli. TF1 also truncates soft labels
        (Bernoulli.log_prob(np.array([0.7])) reads label 0); graphc never truncates
        silently and keeps such values as they are."""
        gc = _gc()
        if isinstance(value, gc.Tensor):
            return value
        if isinstance(value, (np.ndarray, np.generic)):
            try:
                cast = value.astype(self.dtype.as_numpy_dtype)
                same = np.array_equal(cast, value, equal_nan=cast.dtype.kind in "fc")
            except (TypeError, ValueError):   # TF1 then converts the value as it is
                same = False
            if same or (cast.dtype.kind in "fc" and value.dtype.kind in "fc"):
                value = cast
        return gc.convert_to_tensor(value, name="value", dtype_hint=self.dtype)

    def _call(self, value, name, first, second=None, combine=None, kwargs=None):
        """`first(value)`, or `combine(second(value))` where `first` is not implemented."""
        kwargs = kwargs or {}
        with self._name_scope(name, values=[value]):
            value = self._value(value)
            try:
                return first(value, **kwargs)
            except NotImplementedError as original:
                if second is None:
                    raise
                try:
                    return combine(second(value, **kwargs))
                except NotImplementedError:
                    raise original from None

    # TF1's _call_* methods: the public ones with keyword arguments for the hooks
    def _call_log_prob(self, value, name, **kwargs):
        return self._call(value, name, self._log_prob, self._prob, _gc().log, kwargs)

    def _call_prob(self, value, name, **kwargs):
        return self._call(value, name, self._prob, self._log_prob, _gc().exp, kwargs)

    def _call_log_cdf(self, value, name, **kwargs):
        return self._call(value, name, self._log_cdf, self._cdf, _gc().log, kwargs)

    def _call_cdf(self, value, name, **kwargs):
        return self._call(value, name, self._cdf, self._log_cdf, _gc().exp, kwargs)

    def _call_log_survival_function(self, value, name, **kwargs):
        # log1p(-cdf), through the public cdf (so from _log_cdf too)
        return self._call(value, name, self._log_survival_function, self.cdf,
                          lambda c: _gc().log1p(-c), kwargs)

    def _call_survival_function(self, value, name, **kwargs):
        # 1 - cdf, through the public cdf (so from _log_cdf too)
        return self._call(value, name, self._survival_function, self.cdf,
                          lambda c: 1.0 - c, kwargs)

    def _call_quantile(self, value, name, **kwargs):
        return self._call(value, name, self._quantile, kwargs=kwargs)

    def log_prob(self, value, name="log_prob"):
        """Log probability density/mass of `value`."""
        return self._call_log_prob(value, name)

    def prob(self, value, name="prob"):
        """Probability density/mass of `value`."""
        return self._call_prob(value, name)

    def log_cdf(self, value, name="log_cdf"):
        """log P[X <= value]."""
        return self._call_log_cdf(value, name)

    def cdf(self, value, name="cdf"):
        """P[X <= value]."""
        return self._call_cdf(value, name)

    def log_survival_function(self, value, name="log_survival_function"):
        """log P[X > value]: falls back to log1p(-cdf(value))."""
        return self._call_log_survival_function(value, name)

    def survival_function(self, value, name="survival_function"):
        """P[X > value]: falls back to 1 - cdf(value)."""
        return self._call_survival_function(value, name)

    def quantile(self, value, name="quantile"):
        """The x with P[X <= x] = value."""
        return self._call_quantile(value, name)

    def _log_prob(self, value):
        raise _not_implemented("log_prob", self)

    def _prob(self, value):
        raise _not_implemented("prob", self)

    def _log_cdf(self, value):
        raise _not_implemented("log_cdf", self)

    def _cdf(self, value):
        raise _not_implemented("cdf", self)

    def _log_survival_function(self, value):
        raise _not_implemented("log_survival_function", self)

    def _survival_function(self, value):
        raise _not_implemented("survival_function", self)

    def _quantile(self, value):
        raise _not_implemented("quantile", self)

    # --- statistics -------------------------------------------------------------------
    def _stat(self, name, fn):
        with self._name_scope(name):
            return fn()

    def entropy(self, name="entropy"):
        """Shannon entropy in nats."""
        return self._stat(name, self._entropy)

    def mean(self, name="mean"):
        return self._stat(name, self._mean)

    def mode(self, name="mode"):
        return self._stat(name, self._mode)

    def covariance(self, name="covariance"):
        """The covariance matrix of a vector event (shape batch + [k, k])."""
        return self._stat(name, self._covariance)

    def variance(self, name="variance"):
        """Variance: falls back to square(stddev)."""
        def fn():
            try:
                return self._variance()
            except NotImplementedError as original:
                try:
                    return _gc().square(self._stddev())
                except NotImplementedError:
                    raise original from None
        return self._stat(name, fn)

    def stddev(self, name="stddev"):
        """Standard deviation: falls back to sqrt(variance)."""
        def fn():
            try:
                return self._stddev()
            except NotImplementedError as original:
                try:
                    return _gc().sqrt(self._variance())
                except NotImplementedError:
                    raise original from None
        return self._stat(name, fn)

    def _entropy(self):
        raise _not_implemented("entropy", self)

    def _mean(self):
        raise _not_implemented("mean", self)

    def _mode(self):
        raise _not_implemented("mode", self)

    def _covariance(self):
        raise _not_implemented("covariance", self)

    def _variance(self):
        raise _not_implemented("variance", self)

    def _stddev(self):
        raise _not_implemented("stddev", self)

    def _cross_entropy(self, other):
        with _gc().name_scope("cross_entropy"):
            return self.entropy() + kl_divergence(self, other, self.allow_nan_stats)

    def cross_entropy(self, other, name="cross_entropy"):
        """H[self, other] = entropy(self) + KL[self || other] (the `_cross_entropy`
        hook)."""
        with self._name_scope(name):
            return self._cross_entropy(other)

    def _kl_divergence(self, other):
        return kl_divergence(self, other, self.allow_nan_stats)

    def kl_divergence(self, other, name="kl_divergence"):
        """KL[self || other], by the function registered for the two classes (the
        `_kl_divergence` hook)."""
        with self._name_scope(name):
            return self._kl_divergence(other)

    # --- printing ---------------------------------------------------------------------
    @staticmethod
    def _shape_str(shape):
        return "<unknown>" if shape.ndims is None else str(tuple(shape.as_list()))

    def __str__(self):
        # TF1 leaves out a shape of unknown rank
        known = "".join(", %s=%s" % (what, self._shape_str(shape))
                        for what, shape in (("batch_shape", self.batch_shape),
                                            ("event_shape", self.event_shape))
                        if shape.ndims is not None)
        return ('tfp.distributions.%s("%s"%s, dtype=%s)'
                % (type(self).__name__, self.name, known, self.dtype.name))

    def __repr__(self):
        return ("<tfp.distributions.%s '%s' batch_shape=%s event_shape=%s dtype=%s>"
                % (type(self).__name__, self.name, self._shape_str(self.batch_shape),
                   self._shape_str(self.event_shape), self.dtype.name))
