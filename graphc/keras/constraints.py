"""gc.keras.constraints: projections applied to a weight after each optimizer update
(tf.keras.constraints): MaxNorm, NonNeg, UnitNorm, MinMaxNorm (and their snake_case
aliases); by name ('max_norm', 'non_neg', 'nonneg', 'unit_norm', ...) or config.

    gc.keras.layers.Dense(8, kernel_constraint=gc.keras.constraints.max_norm(2.0))
    gc.keras.layers.Dense(8, kernel_constraint="non_neg")
"""
import graphc as gc

from . import backend as K
from .utils import deserialize_keras_object, get_keras_object, serialize_keras_object

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "RadialConstraint",
           "max_norm", "non_neg", "unit_norm", "min_max_norm", "radial_constraint",
           "maxnorm", "nonneg", "unitnorm",
           "get", "serialize", "deserialize"]


def _norms(w, axis):
    return gc.sqrt(gc.reduce_sum(gc.square(w), axis=axis, keepdims=True))


class Constraint:
    """The base of constraints: `constraint(w)` -> the projected weights."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class MaxNorm(Constraint):
    """Rescale each slice along `axis` whose L2 norm exceeds max_value:
    w * clip(n, 0, max_value) / (epsilon + n), n = ||w|| over `axis`.

        gc.keras.constraints.MaxNorm(max_value=2, axis=0)
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        n = _norms(w, self.axis)
        desired = gc.clip_by_value(n, 0.0, float(self.max_value))
        return w * (desired / (K.epsilon() + n))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """w * (w >= 0): negative weights become zero."""

    def __call__(self, w):
        return w * gc.cast(gc.greater_equal(w, 0.0), w.dtype)


class UnitNorm(Constraint):
    """w / (epsilon + ||w||) over `axis`: gc.keras.constraints.UnitNorm(axis=0)."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (K.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Norms along `axis` moved towards [min_value, max_value] by `rate`:
    desired = rate * clip(n, min, max) + (1 - rate) * n; w * desired / (epsilon + n).

        gc.keras.constraints.MinMaxNorm(min_value=0.5, max_value=1.0, rate=1.0)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value = min_value, max_value
        self.rate, self.axis = rate, axis

    def __call__(self, w):
        n = _norms(w, self.axis)
        clipped = gc.clip_by_value(n, float(self.min_value), float(self.max_value))
        desired = self.rate * clipped + (1.0 - self.rate) * n
        return w * (desired / (K.epsilon() + n))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value,
                "rate": self.rate, "axis": self.axis}


class RadialConstraint(Constraint):
    """Each (height, height) slice of a rank-4 conv kernel made radially symmetric: all
    entries of a square ring around the centre take one diagonal value, as tf_keras
    picks them (odd size 2s+1: the centre from [s-1, s-1], ring r from [s+r-1, s+r-1];
    even size 2s: the 2x2 centre from [s-1, s-1], ring r from [s+r, s+r]).

        gc.keras.layers.Conv2D(8, 5, kernel_constraint="radial_constraint")
    """

    def __call__(self, w):
        shape = w.shape
        if shape.ndims != 4:
            raise ValueError(f"The weight tensor must have rank 4. Received weight tensor "
                             f"with shape: {shape}")
        height, width, channels, kernels = shape.as_list()
        if height is None or height != width or height < 2:
            raise ValueError(f"RadialConstraint needs square kernels of a known size >= 2; "
                             f"got shape {shape}")
        s = height // 2

        def source(i, j):
            if height % 2:
                ring = max(abs(i - s), abs(j - s))
                return s - 1 + ring
            ring = max(s - 1 - i if i < s else i - s, s - 1 - j if j < s else j - s)
            return s - 1 if ring == 0 else s + ring
        idx = [[[source(i, j)] * 2 for j in range(height)] for i in range(height)]
        flat = gc.reshape(w, [height, width, -1])
        return gc.reshape(gc.gather_nd(flat, idx), [height, width, channels, kernels])


max_norm = maxnorm = MaxNorm
non_neg = nonneg = NonNeg
unit_norm = unitnorm = UnitNorm
min_max_norm = MinMaxNorm
radial_constraint = RadialConstraint

_BY_NAME = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm,
            "MinMaxNorm": MinMaxNorm, "max_norm": MaxNorm, "maxnorm": MaxNorm,
            "non_neg": NonNeg, "nonneg": NonNeg, "unit_norm": UnitNorm,
            "unitnorm": UnitNorm, "min_max_norm": MinMaxNorm,
            "RadialConstraint": RadialConstraint, "radial_constraint": RadialConstraint}


def serialize(constraint):
    """{"class_name": ..., "config": ...} (a plain function by its name; None -> None)."""
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """The constraint of serialize's dict (custom classes from custom_objects)."""
    return deserialize_keras_object(config, _BY_NAME, custom_objects, "constraint")


def get(identifier, custom_objects=None):
    """A constraint from None, a name, a config dict or a callable.

        gc.keras.constraints.get("max_norm").max_value        # 2
    """
    return get_keras_object(identifier, _BY_NAME, custom_objects, "constraint")
