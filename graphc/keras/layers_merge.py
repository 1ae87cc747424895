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

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._combine(out, x)
        return out

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"A merge layer ({type(self).__name__}) should be called on "
                             f"a list of at least 2 inputs. Got {len(inputs)} inputs.")
        return self._merge(_same_rank(inputs))

    def compute_output_shape(self, input_shape):
        """The broadcast of the shapes after the batch axis (trailing axes aligned),
        with the batch size the inputs agree on (tf_keras)."""
        shapes = [gc.TensorShape(s) for s in input_shape]
        if any(s.ndims is None for s in shapes):
            return gc.TensorShape(None)
        out = shapes[0].as_list()[1:]
        for s in shapes[1:]:
            out = _broadcast(out, s.as_list()[1:])
        batch = {s.as_list()[0] for s in shapes} - {None}
        return gc.TensorShape([batch.pop() if len(batch) == 1 else None] + out)


class Add(_Merge):
    """inputs[0] + inputs[1] + ..."""

    def _combine(self, a, b):
        return a + b


class Subtract(_Merge):
    """inputs[0] - inputs[1] (exactly two inputs)."""

    def _merge(self, inputs):
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

    def _merge(self, inputs):
        return super()._merge(inputs) / float(len(inputs))

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

    def compute_output_shape(self, input_shape):
        """The shapes joined on `axis`: None there when any input's is unknown."""
        dims = [gc.TensorShape(s).as_list() for s in input_shape]
        out = list(dims[0])
        axis = self.axis % len(out)
        for d in dims[1:]:
            out[axis] = None if None in (out[axis], d[axis]) else out[axis] + d[axis]
        return gc.TensorShape(out)

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


def _same_rank(inputs):
    """Inputs of lower rank expanded at axis 1 until all ranks agree (tf_keras): a
    (batch, 3) vector merged with a (batch, 2, 3) sequence is applied at every step."""
    ranks = [x.shape.ndims for x in inputs]
    if None in ranks or len(set(ranks)) == 1:
        return list(inputs)
    top = max(ranks)
    out = []
    for x, r in zip(inputs, ranks):
        for _ in range(top - r):
            x = gc.expand_dims(x, 1)
        out.append(x)
    return out


def _broadcast(a, b):
    """Keras' elementwise output shape of two shapes (trailing axes aligned)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return list(a)
    out = list(a[:len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b):], b):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise ValueError(f"Inputs have incompatible shapes. Received shapes "
                             f"{tuple(a)} and {tuple(b)}")
        else:
            out.append(i)
    return out


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
