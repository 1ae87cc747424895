"""TF 1.15's elementwise bijectors (tf.contrib.distributions.bijectors): Identity, Exp,
PowerTransform, Softplus, Sigmoid, Square and Inline, each a few graphc ops.

    Exp().forward(x) == exp(x); Exp().inverse_log_det_jacobian(y, event_ndims=0) == -log(y)
    Softplus(hinge_softness=c).forward(x) == c * softplus(x / c)
"""
import math

import numpy as np

from . import errors
from .distributions_bijectors import Bijector

__all__ = ["Identity", "Exp", "PowerTransform", "Softplus", "Sigmoid", "Square",
           "Inline", "softplus_inverse"]


def _gc():
    import graphc
    return graphc


def _checked(validate_args, x, make_checks):
    """x behind the run-time assertions make_checks(x) when validate_args."""
    gc = _gc()
    if not validate_args:
        return x
    with gc.control_dependencies(make_checks(x)):
        return gc.identity(x)


def softplus_inverse(x):
    """log(exp(x) - 1), as x + log(-expm1(-x)); log(x) for tiny x and x for large x,
    where the formula loses all precision (TF1's distribution_util.softplus_inverse)."""
    gc = _gc()
    threshold = np.log(np.finfo(x.dtype.as_numpy_dtype).eps) + 2.0
    too_small = x < np.exp(threshold)
    too_large = x > -threshold
    safe = gc.where(gc.logical_or(too_small, too_large), gc.ones_like(x), x)
    y = safe + gc.log(-gc.expm1(-safe))
    return gc.where(too_small, gc.log(gc.where(too_small, x, gc.ones_like(x))),
                    gc.where(too_large, x, y))


class Identity(Bijector):
    """Y = X."""

    def __init__(self, validate_args=False, name="identity"):
        super().__init__(forward_min_event_ndims=0, is_constant_jacobian=True,
                         validate_args=validate_args, name=name)

    def _forward(self, x):
        return x

    def _inverse(self, y):
        return y

    def _inverse_log_det_jacobian(self, y):
        return _gc().constant(0.0, dtype=y.dtype)

    def _forward_log_det_jacobian(self, x):
        return _gc().constant(0.0, dtype=x.dtype)


class PowerTransform(Bijector):
    """Y = (1 + X * c)^(1 / c) for a static power c >= 0; c = 0 is Y = exp(X)."""

    def __init__(self, power=0.0, validate_args=False, name="power_transform"):
        gc = _gc()
        value = gc.get_static_value(gc.convert_to_tensor(power, name="power"))
        if value is None or np.ndim(value) != 0 or value < 0:
            raise ValueError("`power` must be a non-negative TF constant, not %r%s"
                             % (power, errors.called_at(name)))
        self._power = float(value)
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args,
                         name=name)

    @property
    def power(self):
        return self._power

    def _forward(self, x):
        gc = _gc()
        x = _checked(self.validate_args, x, lambda t: [gc.assert_less_equal(
            -1.0 / self.power, t, message="Forward transformation input must be at "
            "least -1/power.")] if self.power else [])
        if self.power == 0.0:
            return gc.exp(x)
        return gc.exp(gc.log1p(x * self.power) / self.power)

    def _inverse(self, y):
        gc = _gc()
        y = _checked(self.validate_args, y, lambda t: [gc.assert_positive(
            t, message="Inverse transformation input must be greater than 0.")])
        if self.power == 0.0:
            return gc.log(y)
        return gc.expm1(gc.log(y) * self.power) / self.power

    def _inverse_log_det_jacobian(self, y):
        # dx/dy = y^(c - 1)
        return (self.power - 1.0) * _gc().log(y)

    def _forward_log_det_jacobian(self, x):
        # dy/dx = (1 + x c)^(1/c - 1); exp(x) for c = 0
        if self.power == 0.0:
            return x
        return (1.0 / self.power - 1.0) * _gc().log1p(x * self.power)


class Exp(PowerTransform):
    """Y = exp(X): `TransformedDistribution(Normal(mu, sigma), Exp())` is a log-normal."""

    def __init__(self, validate_args=False, name="exp"):
        super().__init__(power=0.0, validate_args=validate_args, name=name)


class Softplus(Bijector):
    """Y = c * log(1 + exp(X / c)), c = hinge_softness (1 when None)."""

    def __init__(self, hinge_softness=None, validate_args=False, name="softplus"):
        gc = _gc()
        with gc.name_scope(name, values=[hinge_softness]):
            c = None if hinge_softness is None else \
                gc.convert_to_tensor(hinge_softness, name="hinge_softness")
            if validate_args and c is not None:
                c = _checked(True, c, lambda t: [gc.assert_none_equal(
                    gc.zeros([], t.dtype), t, message="hinge_softness must be non-zero")])
        self._hinge_softness = c
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args,
                         name=name)

    @property
    def hinge_softness(self):
        return self._hinge_softness

    def _c(self, t):
        return _gc().cast(self._hinge_softness, t.dtype)

    def _forward(self, x):
        gc = _gc()
        if self._hinge_softness is None:
            return gc.nn.softplus(x)
        return self._c(x) * gc.nn.softplus(x / self._c(x))

    def _inverse(self, y):
        if self._hinge_softness is None:
            return softplus_inverse(y)
        return self._c(y) * softplus_inverse(y / self._c(y))

    def _inverse_log_det_jacobian(self, y):
        # dx/dy = 1 / (1 - exp(-y)), stable for large y
        gc = _gc()
        if self._hinge_softness is not None:
            y = y / self._c(y)
        return -gc.log(-gc.expm1(-y))

    def _forward_log_det_jacobian(self, x):
        # dy/dx = sigmoid(x) = exp(-softplus(-x))
        gc = _gc()
        if self._hinge_softness is not None:
            x = x / self._c(x)
        return -gc.nn.softplus(-x)


class Sigmoid(Bijector):
    """Y = 1 / (1 + exp(-X))."""

    def __init__(self, validate_args=False, name="sigmoid"):
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args,
                         name=name)

    def _forward(self, x):
        return _gc().sigmoid(x)

    def _inverse(self, y):
        gc = _gc()
        return gc.log(y) - gc.log1p(-y)

    def _inverse_log_det_jacobian(self, y):
        # dx/dy = 1 / (y (1 - y))
        gc = _gc()
        return -gc.log(y) - gc.log1p(-y)

    def _forward_log_det_jacobian(self, x):
        # dy/dx = sigmoid(x) sigmoid(-x)
        gc = _gc()
        return -gc.nn.softplus(-x) - gc.nn.softplus(x)


class Square(Bijector):
    """Y = X^2 on X >= 0."""

    def __init__(self, validate_args=False, name="square"):
        super().__init__(forward_min_event_ndims=0, validate_args=validate_args,
                         name=name)

    def _non_negative(self, t):
        gc = _gc()
        return _checked(self.validate_args, t, lambda v: [gc.assert_non_negative(v)])

    def _forward(self, x):
        return _gc().square(self._non_negative(x))

    def _inverse(self, y):
        return _gc().sqrt(self._non_negative(y))

    def _forward_log_det_jacobian(self, x):
        # dy/dx = 2 x
        return math.log(2.0) + _gc().log(self._non_negative(x))

    def _inverse_log_det_jacobian(self, y):
        # dx/dy = 1 / (2 sqrt(y))
        return math.log(0.5) - 0.5 * _gc().log(self._non_negative(y))


class Inline(Bijector):
    """A bijector of user functions: `Inline(forward_fn=gc.exp, inverse_fn=gc.log,
    inverse_log_det_jacobian_fn=lambda y: -gc.log(y), forward_min_event_ndims=0)`."""

    def __init__(self, forward_fn=None, inverse_fn=None, inverse_log_det_jacobian_fn=None,
                 forward_log_det_jacobian_fn=None, forward_event_shape_fn=None,
                 forward_event_shape_tensor_fn=None, inverse_event_shape_fn=None,
                 inverse_event_shape_tensor_fn=None, is_constant_jacobian=False,
                 validate_args=False, forward_min_event_ndims=None,
                 inverse_min_event_ndims=None, name="inline"):
        super().__init__(forward_min_event_ndims=forward_min_event_ndims,
                         inverse_min_event_ndims=inverse_min_event_ndims,
                         is_constant_jacobian=is_constant_jacobian,
                         validate_args=validate_args, name=name)
        self._fns = {"_forward": forward_fn, "_inverse": inverse_fn,
                     "_inverse_log_det_jacobian": inverse_log_det_jacobian_fn,
                     "_forward_log_det_jacobian": forward_log_det_jacobian_fn,
                     "_forward_event_shape": forward_event_shape_fn,
                     "_forward_event_shape_tensor": forward_event_shape_tensor_fn,
                     "_inverse_event_shape": inverse_event_shape_fn,
                     "_inverse_event_shape_tensor": inverse_event_shape_tensor_fn}

    def _call_fn(self, hook, value):
        fn = self._fns[hook]
        if fn is None:
            if hook.endswith("shape") or hook.endswith("shape_tensor"):
                return value                  # an unchanged event shape
            raise NotImplementedError("%s not implemented." % hook.lstrip("_"))
        return fn(value)

    def _forward(self, x):
        return self._call_fn("_forward", x)

    def _inverse(self, y):
        return self._call_fn("_inverse", y)

    def _inverse_log_det_jacobian(self, y):
        return self._call_fn("_inverse_log_det_jacobian", y)

    def _forward_log_det_jacobian(self, x):
        return self._call_fn("_forward_log_det_jacobian", x)

    def _forward_event_shape(self, input_shape):
        return self._call_fn("_forward_event_shape", input_shape)

    def _forward_event_shape_tensor(self, input_shape):
        return self._call_fn("_forward_event_shape_tensor", input_shape)

    def _inverse_event_shape(self, output_shape):
        return self._call_fn("_inverse_event_shape", output_shape)

    def _inverse_event_shape_tensor(self, output_shape):
        return self._call_fn("_inverse_event_shape_tensor", output_shape)
