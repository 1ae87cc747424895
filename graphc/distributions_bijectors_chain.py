"""TF 1.15's composite bijectors (tf.contrib.distributions.bijectors): Chain (a
composition, applied right to left), Invert (a bijector run backwards) and Reshape (a
new event shape, same values).

    Chain([Exp(), Softplus()]).forward(x) == exp(softplus(x))
    Invert(Exp()).forward(y) == log(y)
    Reshape(event_shape_out=[2, 3]).forward(x)     # x: (..., 6) -> (..., 2, 3)
"""
import numpy as np

from . import errors
from .distributions_bijectors import Bijector

__all__ = ["Chain", "Invert", "Reshape"]


def _gc():
    import graphc
    return graphc


def _min_event_ndims(bijectors, forward):
    """The event rank a composition needs: the largest minimal rank any member needs,
    counted in the composition's input dims (members that change the rank move it)."""
    needed = 0
    reach = 0           # dims of the current input the members so far have touched
    for b in (reversed(bijectors) if forward else bijectors):
        lo, hi = ((b.forward_min_event_ndims, b.inverse_min_event_ndims) if forward
                  else (b.inverse_min_event_ndims, b.forward_min_event_ndims))
        if reach < lo:
            needed += lo - reach
        reach = max(reach, lo) - (lo - hi)
    return needed


class Chain(Bijector):
    """The composition of `bijectors`: forward applies the last one first,
    `Chain([b1, b2]).forward(x) == b1.forward(b2.forward(x))`. Empty is the identity."""

    def __init__(self, bijectors=None, validate_args=False, name=None):
        bijectors = tuple(bijectors or ())
        dtypes = {b.dtype for b in bijectors} - {None}
        if len(dtypes) > 1:
            raise ValueError("incompatible dtypes: %s%s"
                             % (sorted(d.name for d in dtypes), errors.called_at("Chain")))
        self._bijectors = bijectors
        super().__init__(
            graph_parents=[t for b in bijectors for t in b.graph_parents],
            forward_min_event_ndims=_min_event_ndims(bijectors, True),
            inverse_min_event_ndims=_min_event_ndims(bijectors, False),
            is_constant_jacobian=all(b.is_constant_jacobian for b in bijectors),
            validate_args=validate_args, dtype=dtypes.pop() if dtypes else None,
            name=name or ("identity" if not bijectors else
                          "_of_".join(["chain"] + [b.name for b in bijectors])))

    @property
    def bijectors(self):
        return self._bijectors

    def _forward_event_shape(self, input_shape):
        for b in reversed(self._bijectors):
            input_shape = b.forward_event_shape(input_shape)
        return input_shape

    def _forward_event_shape_tensor(self, input_shape):
        for b in reversed(self._bijectors):
            input_shape = b.forward_event_shape_tensor(input_shape)
        return input_shape

    def _inverse_event_shape(self, output_shape):
        for b in self._bijectors:
            output_shape = b.inverse_event_shape(output_shape)
        return output_shape

    def _inverse_event_shape_tensor(self, output_shape):
        for b in self._bijectors:
            output_shape = b.inverse_event_shape_tensor(output_shape)
        return output_shape

    def _forward(self, x):
        for b in reversed(self._bijectors):
            x = b.forward(x)
        return x

    def _inverse(self, y):
        for b in self._bijectors:
            y = b.inverse(y)
        return y

    def _inverse_log_det_jacobian(self, y):
        # each member at its own input, over the dims the chain's minimal event spans
        gc = _gc()
        ildj = gc.constant(0.0, dtype=y.dtype)
        event_ndims = self.inverse_min_event_ndims
        for b in self._bijectors:
            ildj = ildj + b.inverse_log_det_jacobian(y, event_ndims=event_ndims)
            event_ndims += b.forward_min_event_ndims - b.inverse_min_event_ndims
            y = b.inverse(y)
        return ildj

    def _forward_log_det_jacobian(self, x):
        gc = _gc()
        fldj = gc.constant(0.0, dtype=x.dtype)
        event_ndims = self.forward_min_event_ndims
        for b in reversed(self._bijectors):
            fldj = fldj + b.forward_log_det_jacobian(x, event_ndims=event_ndims)
            event_ndims += b.inverse_min_event_ndims - b.forward_min_event_ndims
            x = b.forward(x)
        return fldj


class Invert(Bijector):
    """`bijector` backwards: Invert(b).forward == b.inverse, and the Jacobians swap."""

    def __init__(self, bijector, validate_args=False, name=None):
        if not bijector._is_injective:
            raise NotImplementedError("Invert is not implemented for non-injective "
                                      "bijectors.")
        self._bijector = bijector
        super().__init__(graph_parents=bijector.graph_parents,
                         forward_min_event_ndims=bijector.inverse_min_event_ndims,
                         inverse_min_event_ndims=bijector.forward_min_event_ndims,
                         is_constant_jacobian=bijector.is_constant_jacobian,
                         validate_args=validate_args, dtype=bijector.dtype,
                         name=name or "_".join(["invert", bijector.name]))

    @property
    def bijector(self):
        return self._bijector

    def _forward_event_shape(self, input_shape):
        return self._bijector.inverse_event_shape(input_shape)

    def _forward_event_shape_tensor(self, input_shape):
        return self._bijector.inverse_event_shape_tensor(input_shape)

    def _inverse_event_shape(self, output_shape):
        return self._bijector.forward_event_shape(output_shape)

    def _inverse_event_shape_tensor(self, output_shape):
        return self._bijector.forward_event_shape_tensor(output_shape)

    def _forward(self, x):
        return self._bijector.inverse(x)

    def _inverse(self, y):
        return self._bijector.forward(y)

    def _inverse_log_det_jacobian(self, y):
        return self._bijector._forward_log_det_jacobian(y)

    def _forward_log_det_jacobian(self, x):
        return self._bijector._inverse_log_det_jacobian(x)


def _static_shape(value, name, api):
    """A static int vector (one -1 allowed), as a Python list."""
    gc = _gc()
    static = gc.get_static_value(gc.convert_to_tensor(value, dtype=gc.int32, name=name))
    if static is None or np.ndim(static) != 1:
        raise ValueError("%s: %s must be a static integer vector, not %r%s"
                         % (api, name, value, errors.called_at(api)))
    static = [int(d) for d in static]
    if sum(d == -1 for d in static) > 1 or any(d < -1 for d in static):
        raise ValueError("%s: %s may hold at most one -1 and no other negative size, "
                         "not %s%s" % (api, name, static, errors.called_at(api)))
    return static


class Reshape(Bijector):
    """Replaces the event shape `event_shape_in` (the last len(event_shape_in) dims) by
    `event_shape_out`; each may hold one -1. Its Jacobian is the identity."""

    def __init__(self, event_shape_out, event_shape_in=(-1,), validate_args=False,
                 name=None):
        name = name or "reshape"
        self._in = _static_shape(event_shape_in, "event_shape_in", name)
        self._out = _static_shape(event_shape_out, "event_shape_out", name)
        super().__init__(forward_min_event_ndims=len(self._in),
                         inverse_min_event_ndims=len(self._out),
                         is_constant_jacobian=True, validate_args=validate_args,
                         name=name)

    @staticmethod
    def _resolve(target, total):
        """target with its -1 filled from the element count `total` (None: unknown)."""
        if -1 not in target:
            return list(target)
        known = int(np.prod([d for d in target if d != -1]))
        return [(total // known if total is not None and known else None) if d == -1
                else d for d in target]

    def _map_shape(self, shape, source, target):
        gc = _gc()
        shape = gc.TensorShape(shape)
        if shape.ndims is None:
            return gc.TensorShape(None)
        if shape.ndims < len(source):
            raise ValueError("%s: the event shape %s has fewer dims than %s%s"
                             % (self.name, shape, source, errors.called_at(self.name)))
        part = shape[shape.ndims - len(source):]
        total = part.num_elements() if part.is_fully_defined() else None
        return shape[:shape.ndims - len(source)].concatenate(
            self._resolve(target, total))

    def _reshape(self, t, source, target):
        gc = _gc()
        lead = gc.shape(t)[:gc.rank(t) - len(source)]
        out = gc.reshape(t, gc.concat([lead, gc.constant(target, gc.int32)], 0))
        if t.shape.ndims is not None:
            out.set_shape(self._map_shape(t.shape, source, target))
        return out

    def _forward(self, x):
        return self._reshape(x, self._in, self._out)

    def _inverse(self, y):
        return self._reshape(y, self._out, self._in)

    def _forward_event_shape(self, input_shape):
        return self._map_shape(input_shape, self._in, self._out)

    def _inverse_event_shape(self, output_shape):
        return self._map_shape(output_shape, self._out, self._in)

    def _forward_event_shape_tensor(self, input_shape):
        return self._shape_tensor(input_shape, self._in, self._out)

    def _inverse_event_shape_tensor(self, output_shape):
        return self._shape_tensor(output_shape, self._out, self._in)

    def _shape_tensor(self, shape, source, target):
        gc = _gc()
        n = gc.size(shape) - len(source)
        target_t = gc.constant(target, gc.int32)
        if -1 in target:
            known = int(np.prod([d for d in target if d != -1]))
            fill = gc.reduce_prod(shape[n:]) // known
            target_t = gc.where(gc.equal(target_t, -1), gc.fill([len(target)], fill),
                                target_t)
        return gc.concat([shape[:n], target_t], 0)

    def _forward_log_det_jacobian(self, x):
        return _gc().constant(0.0, dtype=x.dtype)

    def _inverse_log_det_jacobian(self, y):
        return _gc().constant(0.0, dtype=y.dtype)
