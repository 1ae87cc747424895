"""Keras' merge layers: Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum
and the functions concatenate, add, ...; their masks combine the inputs' masks.

    h = gc.keras.layers.concatenate([a, b])          # along the last axis
"""
import graphc as gc
from .engine import Layer

__all__ = ["Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
           "concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum"]


class _Merge(Layer):
    """A layer on a list of tensors of one shape, combined elementwise; its mask is
    the AND of the inputs' masks."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        _check_mask_list(inputs, mask)
        masks = [m for m in mask if m is not None]
        if not masks:
            return None
        return gc.reduce_all(gc.stack(masks, axis=0), axis=0)

    def _combine(self, a, b):
        raise NotImplementedError

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"A merge layer ({type(self).__name__}) should be called on "
                             f"a list of at least 2 inputs. Got {len(inputs)} inputs.")
        out = inputs[0]
        for x in inputs[1:]:
            out = self._combine(out, x)
        return out


class Add(_Merge):
    """inputs[0] + inputs[1] + ..."""

    def _combine(self, a, b):
        return a + b


class Subtract(_Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError("A `Subtract` layer should be called on exactly 2 inputs")
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """inputs[0] * inputs[1] * ..."""

    def _combine(self, a, b):
        return a * b


class Maximum(_Merge):
    def _combine(self, a, b):
        return gc.maximum(a, b)


class Minimum(_Merge):
    def _combine(self, a, b):
        return gc.minimum(a, b)


class Average(_Merge):
    """The mean of the inputs."""

    def call(self, inputs):
        return super().call(inputs) / float(len(inputs))

    def _combine(self, a, b):
        return a + b


class Concatenate(_Merge):
    """The inputs joined along `axis` (default -1)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("A `Concatenate` layer should be called on a list of at "
                             "least 2 inputs")
        return gc.concat(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        """The inputs' masks (all-True for unmasked ones) joined on `axis`, then ANDed
        over the last axis (TF1 Keras)."""
        if mask is None:
            return None
        _check_mask_list(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(gc.ones_like(x, dtype=gc.bool))
            elif m.shape.ndims is not None and m.shape.ndims < x.shape.ndims:
                masks.append(gc.expand_dims(m, -1))
            else:
                masks.append(m)
        return gc.reduce_all(gc.concat(masks, axis=self.axis), axis=-1)

    def _config(self):
        return {"axis": self.axis}


def _check_mask_list(inputs, mask):
    if not isinstance(mask, (list, tuple)):
        raise ValueError(f"`mask` should be a list. Received: mask={mask}")
    if not isinstance(inputs, (list, tuple)) or len(mask) != len(inputs):
        raise ValueError(f"The lists `inputs` and `mask` should have the same length. "
                         f"Received: inputs={inputs}, mask={mask}")


def concatenate(inputs, axis=-1, **kwargs):
    """Concatenate(axis)(inputs): gc.keras.layers.concatenate([a, b])."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """Add()(inputs): gc.keras.layers.add([a, b])."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)
