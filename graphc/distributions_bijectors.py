"""TF 1.15's Bijector (tf.contrib.distributions.bijectors.Bijector): an invertible,
differentiable map Y = g(X) with the log-determinant of its Jacobian, built from graphc
ops so that everything a TransformedDistribution computes differentiates.

    b = gc.contrib.distributions.bijectors.Exp()
    y = b.forward(x)                                   # exp(x)
    b.inverse_log_det_jacobian(y, event_ndims=1)       # -sum(log(y), -1)

The public methods add name scopes (`<bijector name>/<method>/`), cache forward/inverse
pairs by tensor (so log_prob of a TransformedDistribution's own sample inverts exactly)
and sum the subclass's log-det-Jacobian over `event_ndims - min_event_ndims` trailing
dims, as TF1's Bijector does. The concrete bijectors live in
distributions_bijectors_simple.py, distributions_bijectors_affine.py and
distributions_bijectors_chain.py.
"""
import re

import numpy as np

from . import errors

__all__ = ["Bijector"]


def _gc():
    import graphc
    return graphc


def _camel_to_snake(name):
    s1 = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z0-9])([A-Z])", r"\1_\2", s1).lower()


class _Mapping:
    """One cached application: x, y = g(x) and ildj by event_ndims."""

    def __init__(self, x=None, y=None):
        self.x, self.y, self.ildj = x, y, {}


class _Scope:
    """`<bijector name>/<method name>/`, as TF1's Bijector._name_scope."""

    def __init__(self, bijector, name, values):
        self._outer = _gc().name_scope(bijector.name)
        self._name = name
        self._values = list(values) + list(bijector.graph_parents)
        self._inner = None

    def __enter__(self):
        self._outer.__enter__()
        self._inner = _gc().name_scope(self._name, values=self._values)
        return self._inner.__enter__()

    def __exit__(self, *exc):
        self._inner.__exit__(*exc)
        return self._outer.__exit__(*exc)


class Bijector:
    """Base class of TF1's bijectors. Subclasses implement `_forward`, `_inverse`,
    `_inverse_log_det_jacobian` and/or `_forward_log_det_jacobian` for the minimal event
    (`forward_min_event_ndims` trailing dims of x), and `_forward_event_shape(_tensor)` /
    `_inverse_event_shape(_tensor)` when they change the event shape. A missing
    log-det-Jacobian falls back to minus the other one at the mapped point."""

    def __init__(self, graph_parents=None, is_constant_jacobian=False, validate_args=False,
                 dtype=None, forward_min_event_ndims=None, inverse_min_event_ndims=None,
                 name=None):
        self._graph_parents = list(graph_parents or [])
        if forward_min_event_ndims is None and inverse_min_event_ndims is None:
            raise ValueError("Must specify at least one of `forward_min_event_ndims` "
                             "and `inverse_min_event_ndims`.")
        if inverse_min_event_ndims is None:
            inverse_min_event_ndims = forward_min_event_ndims
        if forward_min_event_ndims is None:
            forward_min_event_ndims = inverse_min_event_ndims
        for what, n in (("forward", forward_min_event_ndims),
                        ("inverse", inverse_min_event_ndims)):
            if not isinstance(n, int) or isinstance(n, bool):
                raise TypeError("Expected %s_min_event_ndims to be of type int, got %s"
                                % (what, type(n).__name__))
            if n < 0:
                raise ValueError("%s_min_event_ndims must be a non-negative integer."
                                 % what)
        self._forward_min_event_ndims = forward_min_event_ndims
        self._inverse_min_event_ndims = inverse_min_event_ndims
        self._is_constant_jacobian = is_constant_jacobian
        self._constant_ildj_map = {}
        self._validate_args = validate_args
        self._dtype = dtype
        self._from_x = {}
        self._from_y = {}
        self._name = name or _camel_to_snake(type(self).__name__.lstrip("_"))
        for i, t in enumerate(self._graph_parents):
            if t is None or not isinstance(t, _gc().Tensor):
                raise ValueError("Graph parent item %d is not a Tensor; %s." % (i, t))

    # --- properties -------------------------------------------------------------------
    @property
    def graph_parents(self):
        return self._graph_parents

    @property
    def forward_min_event_ndims(self):
        return self._forward_min_event_ndims

    @property
    def inverse_min_event_ndims(self):
        return self._inverse_min_event_ndims

    @property
    def is_constant_jacobian(self):
        """True where the Jacobian does not depend on the input (Affine, Identity)."""
        return self._is_constant_jacobian

    @property
    def _is_injective(self):
        return True

    @property
    def validate_args(self):
        return self._validate_args

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._name

    # --- event shapes -----------------------------------------------------------------
    def _name_scope(self, name, values=()):
        return _Scope(self, name, values)

    def _shape_tensor_call(self, shape, arg, name, fn):
        """fn(shape as an int32 tensor named `arg`), under the name scope `name`."""
        with self._name_scope(name, [shape]):
            return fn(_gc().convert_to_tensor(shape, dtype=_gc().int32, name=arg))

    def forward_event_shape_tensor(self, input_shape, name="forward_event_shape_tensor"):
        """The event shape (int32 vector) `forward` makes of one of shape input_shape."""
        return self._shape_tensor_call(input_shape, "input_shape", name,
                                       self._forward_event_shape_tensor)

    def forward_event_shape(self, input_shape):
        """forward_event_shape_tensor as a TensorShape (possibly partly unknown)."""
        return self._forward_event_shape(_gc().TensorShape(input_shape))

    def inverse_event_shape_tensor(self, output_shape, name="inverse_event_shape_tensor"):
        """The event shape (int32 vector) `inverse` makes of one of shape output_shape."""
        return self._shape_tensor_call(output_shape, "output_shape", name,
                                       self._inverse_event_shape_tensor)

    def inverse_event_shape(self, output_shape):
        """inverse_event_shape_tensor as a TensorShape (possibly partly unknown)."""
        return self._inverse_event_shape(_gc().TensorShape(output_shape))

    def _forward_event_shape_tensor(self, input_shape):
        return input_shape

    def _forward_event_shape(self, input_shape):
        return input_shape

    def _inverse_event_shape_tensor(self, output_shape):
        return output_shape

    def _inverse_event_shape(self, output_shape):
        return output_shape

    # --- the map and its inverse ------------------------------------------------------
    def _convert(self, value, name):
        t = _gc().convert_to_tensor(value, name=name)
        if self.dtype is not None and self.dtype.base_dtype != t.dtype.base_dtype:
            raise TypeError("%s: input had dtype %s but the bijector expects %s.%s"
                            % (self.name, t.dtype.name, self.dtype.name,
                               errors.called_at(self.name)))
        return t

    def forward(self, x, name="forward"):
        """Y = g(X)."""
        with self._name_scope(name, [x]):
            x = self._convert(x, "x")
            mapping = self._from_x.get(x) or _Mapping(x=x)
            if mapping.y is None:
                mapping.y = self._forward(x)
                self._cache(mapping)
            return mapping.y

    def inverse(self, y, name="inverse"):
        """X = g^{-1}(Y)."""
        with self._name_scope(name, [y]):
            y = self._convert(y, "y")
            mapping = self._from_y.get(y) or _Mapping(y=y)
            if mapping.x is None:
                mapping.x = self._inverse(y)
                self._cache(mapping)
            return mapping.x

    def _cache(self, mapping):
        if mapping.x is not None:
            self._from_x[mapping.x] = mapping
        if mapping.y is not None:
            self._from_y[mapping.y] = mapping

    def _forward(self, x):
        raise NotImplementedError("forward not implemented.")

    def _inverse(self, y):
        raise NotImplementedError("inverse not implemented")

    def _inverse_log_det_jacobian(self, y):
        raise NotImplementedError("inverse_log_det_jacobian not implemented.")

    def _forward_log_det_jacobian(self, x):
        raise NotImplementedError("forward_log_det_jacobian not implemented.")

    # --- log-det-Jacobians ------------------------------------------------------------
    def inverse_log_det_jacobian(self, y, event_ndims, name="inverse_log_det_jacobian"):
        """log |det dX/dY| at y, summed over the last `event_ndims` dims of y (at least
        inverse_min_event_ndims): shape y.shape[:-event_ndims] (broadcastable to it
        where the Jacobian is constant)."""
        with self._name_scope(name, [y]):
            key = self._event_ndims_key(event_ndims, self.inverse_min_event_ndims)
            if key in self._constant_ildj_map:
                return self._constant_ildj_map[key]
            y = self._convert(y, "y")
            mapping = self._from_y.get(y) or _Mapping(y=y)

            def through_x():
                if mapping.x is None:
                    mapping.x = self._inverse(y)
                return self._reduce_over_event(
                    mapping.x, -self._forward_log_det_jacobian(mapping.x),
                    self.forward_min_event_ndims, event_ndims)
            return self._cached_ildj(mapping, key, lambda: self._reduce_over_event(
                y, self._inverse_log_det_jacobian(y), self.inverse_min_event_ndims,
                event_ndims), through_x)

    def forward_log_det_jacobian(self, x, event_ndims, name="forward_log_det_jacobian"):
        """log |det dY/dX| at x, summed over the last `event_ndims` dims of x (at least
        forward_min_event_ndims)."""
        with self._name_scope(name, [x]):
            key = self._event_ndims_key(event_ndims, self.forward_min_event_ndims)
            if key in self._constant_ildj_map:
                return -1.0 * self._constant_ildj_map[key]
            x = self._convert(x, "x")
            mapping = self._from_x.get(x) or _Mapping(x=x)

            def through_y():
                if mapping.y is None:
                    mapping.y = self._forward(x)
                return self._reduce_over_event(
                    mapping.y, self._inverse_log_det_jacobian(mapping.y),
                    self.inverse_min_event_ndims, event_ndims)
            return -self._cached_ildj(mapping, key, lambda: self._reduce_over_event(
                x, -self._forward_log_det_jacobian(x), self.forward_min_event_ndims,
                event_ndims), through_y)

    def _cached_ildj(self, mapping, key, direct, fallback):
        """mapping.ildj[key] (the inverse log-det-Jacobian for event_ndims `key`):
        `direct()`, else `fallback()` (through the other side's hook) where direct's
        hook is not implemented; cached on the mapping and, for a constant Jacobian,
        per key."""
        if key not in mapping.ildj:
            try:
                ildj = direct()
            except NotImplementedError as original:
                try:
                    ildj = fallback()
                except NotImplementedError:
                    raise original from None
            mapping.ildj[key] = ildj
            self._cache(mapping)
            if self.is_constant_jacobian:
                self._constant_ildj_map[key] = ildj
        return mapping.ildj[key]

    def _event_ndims_key(self, event_ndims, min_event_ndims):
        """event_ndims as a Python int where static (checked against min_event_ndims),
        else the int32 scalar tensor itself."""
        gc = _gc()
        if isinstance(event_ndims, gc.Tensor):
            if not event_ndims.dtype.is_integer:
                raise ValueError("Expected integer dtype, got dtype %s"
                                 % event_ndims.dtype.name)
            if event_ndims.shape.ndims not in (None, 0):
                raise ValueError("Expected scalar event_ndims, got shape %s"
                                 % event_ndims.shape)
            static = gc.get_static_value(event_ndims)
            if static is None:
                return event_ndims
            event_ndims = static
        value = np.asarray(event_ndims)
        if value.dtype.kind not in "iu" or value.ndim != 0:
            raise ValueError("%s: event_ndims must be a scalar integer, not %r%s"
                             % (self.name, event_ndims, errors.called_at(self.name)))
        if int(value) < min_event_ndims:
            raise ValueError("event_ndims (%d) must be larger than min_event_ndims (%d)%s"
                             % (int(value), min_event_ndims, errors.called_at(self.name)))
        return int(value)

    def _reduce_over_event(self, t, ildj, min_event_ndims, event_ndims):
        """Sum ildj over the `event_ndims - min_event_ndims` dims left of t's minimal
        event; a constant Jacobian (given for one point) is first broadcast over them."""
        gc = _gc()
        n = self._event_ndims_key(event_ndims, min_event_ndims)
        if isinstance(n, int):
            if n == min_event_ndims:
                return ildj
            axes = list(range(-(n - min_event_ndims), 0))
        else:
            axes = gc.range(-(n - min_event_ndims), 0)
        if self.is_constant_jacobian:
            if isinstance(n, int) and t.shape.ndims is not None and \
                    t.shape[t.shape.ndims - n:t.shape.ndims - min_event_ndims] \
                    .is_fully_defined():
                part = t.shape[t.shape.ndims - n:t.shape.ndims - min_event_ndims]
                ones = gc.ones(part.as_list(), dtype=ildj.dtype)
            else:
                rank = gc.rank(t)
                ones = gc.ones(gc.shape(t)[rank - n:rank - min_event_ndims],
                               dtype=ildj.dtype)
            ildj = ones * ildj
        return gc.reduce_sum(ildj, axes)
