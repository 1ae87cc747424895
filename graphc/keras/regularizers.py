"""gc.keras.regularizers: weight penalties added to a layer's losses (tf.keras.
regularizers): L1, L2, L1L2 and l1, l2, l1_l2; by name ('l1', 'l2', 'l1_l2') or config.

    gc.keras.layers.Dense(8, kernel_regularizer=gc.keras.regularizers.l2(1e-4))
    gc.keras.layers.Dense(8, kernel_regularizer="l2")          # l2 = 0.01
"""
import numpy as np

import graphc as gc

from .utils import deserialize_keras_object, get_keras_object, serialize_keras_object

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize",
           "deserialize"]


def _f32(value):
    """Keras keeps factors as floatx numbers (0.01 reads back as 0.009999999776...)."""
    return float(np.float32(value))


class Regularizer:
    """The base of regularizers: `reg(weights)` -> a scalar penalty."""

    def __call__(self, x):
        return gc.constant(0.0)

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2) (both 0 by default).

        gc.keras.regularizers.L1L2(l1=0.01, l2=0.001)
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _f32(l1), _f32(l2)

    def __call__(self, x):
        total = gc.zeros([], x.dtype)
        if self.l1:
            total = total + gc.cast(self.l1, x.dtype) * gc.reduce_sum(gc.abs(x))
        if self.l2:
            total = total + gc.cast(self.l2, x.dtype) * gc.reduce_sum(gc.square(x))
        return total

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """l1 * sum(|x|); gc.keras.regularizers.L1(0.01) (== l1(0.01))."""

    def __init__(self, l1=0.01, **kwargs):
        self.l1 = _f32(kwargs.pop("l", l1))
        if kwargs:
            raise TypeError(f"L1: unexpected argument {sorted(kwargs)[0]!r}")

    def __call__(self, x):
        return gc.cast(self.l1, x.dtype) * gc.reduce_sum(gc.abs(x))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 * sum(x^2); gc.keras.regularizers.L2(0.01) (== l2(0.01))."""

    def __init__(self, l2=0.01, **kwargs):
        self.l2 = _f32(kwargs.pop("l", l2))
        if kwargs:
            raise TypeError(f"L2: unexpected argument {sorted(kwargs)[0]!r}")

    def __call__(self, x):
        return gc.cast(self.l2, x.dtype) * gc.reduce_sum(gc.square(x))

    def get_config(self):
        return {"l2": self.l2}


l1, l2 = L1, L2


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811 (the parameters shadow the aliases, as Keras)
    """L1L2(l1, l2) with Keras' defaults 0.01: gc.keras.regularizers.l1_l2(1e-3, 1e-4)."""
    return L1L2(l1=l1, l2=l2)


_BY_NAME = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": l1_l2}


def serialize(regularizer):
    """{"class_name": ..., "config": ...} (a plain function by its name; None -> None).

        gc.keras.regularizers.serialize(gc.keras.regularizers.l2(0.1))
        # {'class_name': 'L2', 'config': {'l2': 0.10000000149011612}}
    """
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """The regularizer of serialize's dict (custom classes from custom_objects)."""
    return deserialize_keras_object(config, _BY_NAME, custom_objects, "regularizer")


def get(identifier, custom_objects=None):
    """A regularizer from None, a name ('l1', 'l2', 'l1_l2': factors 0.01), a config
    dict or a callable.

        gc.keras.regularizers.get("l2").l2          # 0.009999999776482582
    """
    return get_keras_object(identifier, _BY_NAME, custom_objects, "regularizer")
