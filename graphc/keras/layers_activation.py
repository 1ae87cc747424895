"""Keras' advanced activation layers (graph-mode tf.keras, TF 1.x): ReLU, LeakyReLU,
PReLU (a trainable slope), ELU, ThresholdedReLU and Softmax (with an optional mask).
All keep the input's shape and pass Keras masks through.

    h = gc.keras.layers.ReLU(max_value=6.0)(h)          # relu6
    p = gc.keras.layers.Softmax(axis=-1)(scores, mask)  # masked entries -> 0
"""
import numpy as np

import graphc as gc
from . import constraints, initializers, regularizers
from .engine import InputSpec, Layer

__all__ = ["ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax"]


def _f32(value):
    """Keras keeps these factors as floatx numbers (0.3 reads back as 0.30000001...)."""
    return float(np.float32(value))


def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras' backend relu: x for threshold < x < max_value, max_value above it and
    alpha * (x - threshold) below the threshold (K.relu, TF1's formula and ops)."""
    if alpha != 0.0:
        if max_value is None and threshold == 0:
            return gc.nn.leaky_relu(x, alpha=alpha)
        negative = gc.nn.relu(threshold - x if threshold != 0 else -x)
    clip = max_value is not None
    if threshold != 0:
        x = x * gc.cast(gc.greater(x, gc.cast(threshold, x.dtype)), x.dtype)
    elif max_value == 6:
        x, clip = gc.nn.relu6(x), False       # relu6 when it is exactly that
    else:
        x = gc.nn.relu(x)
    if clip:
        x = gc.clip_by_value(x, gc.zeros([], x.dtype), gc.cast(max_value, x.dtype))
    if alpha != 0.0:
        x = x - gc.cast(alpha, x.dtype) * negative
    return x


class ReLU(Layer):
    """max(x, 0), or with options: max_value above max_value, x above `threshold`,
    negative_slope * (x - threshold) below it (tf.keras.layers.ReLU).

        gc.keras.layers.ReLU(max_value=6.0, negative_slope=0.1)(h)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0.0:
            raise ValueError(f"max_value of a ReLU layer cannot be a negative value. "
                             f"Received: {max_value}")
        if negative_slope is None or negative_slope < 0.0:
            raise ValueError(f"negative_slope of a ReLU layer cannot be a negative value. "
                             f"Received: {negative_slope}")
        if threshold is None or threshold < 0.0:
            raise ValueError(f"threshold of a ReLU layer cannot be a negative value. "
                             f"Received: {threshold}")
        self.supports_masking = True
        self.max_value = None if max_value is None else _f32(max_value)
        self.negative_slope, self.threshold = _f32(negative_slope), _f32(threshold)

    def call(self, inputs):
        return relu(inputs, alpha=self.negative_slope, max_value=self.max_value,
                    threshold=self.threshold)

    def _config(self):
        return {"max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


class LeakyReLU(Layer):
    """x for x >= 0, alpha * x below (alpha 0.3 by default).

        gc.keras.layers.LeakyReLU(alpha=0.1)(h)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("The alpha value of a Leaky ReLU layer cannot be None, "
                             f"Expecting a float. Received: {alpha}")
        self.supports_masking = True
        self.alpha = _f32(alpha)

    def call(self, inputs):
        return relu(inputs, alpha=self.alpha)

    def _config(self):
        return {"alpha": self.alpha}


class PReLU(Layer):
    """x for x >= 0, alpha * x below, with `alpha` a trainable weight shaped like one
    example ('prelu/alpha:0', zeros), of size 1 along the `shared_axes`.

        gc.keras.layers.PReLU(shared_axes=[1, 2])(feature_maps)   # one alpha per channel
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape):
        dims = gc.TensorShape(input_shape).as_list()
        shape = list(dims[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(dims):
                raise ValueError(f"PReLU layer {self.name}: shared axis {axis} is out of "
                                 f"range for inputs of shape {tuple(dims)}")
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(f"PReLU layer {self.name} needs the non-batch dims of its "
                             f"input to be known (or shared), got shape {tuple(dims)}")
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        axes = {i: dims[i] for i in range(1, len(dims))
                if self.shared_axes and i not in self.shared_axes}
        self.input_spec = InputSpec(ndim=len(dims), axes=axes)
        self.built = True

    def call(self, inputs):
        return gc.nn.relu(inputs) + (-self.alpha) * gc.nn.relu(-inputs)

    def _config(self):
        return {"alpha_initializer": initializers.serialize(self.alpha_initializer),
                "shared_axes": self.shared_axes}


class ELU(Layer):
    """x for x > 0, alpha * (exp(x) - 1) below (tf.keras.layers.ELU).

        gc.keras.layers.ELU(alpha=0.5)(h)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        if alpha is None:
            raise ValueError("Alpha of an ELU layer cannot be None, expecting a float. "
                             f"Received: {alpha}")
        self.supports_masking = True
        self.alpha = _f32(alpha)

    def call(self, inputs):
        res = gc.nn.elu(inputs)
        if self.alpha == 1:
            return res
        return gc.where(inputs > 0, res, gc.cast(self.alpha, res.dtype) * res)

    def _config(self):
        return {"alpha": self.alpha}


class ThresholdedReLU(Layer):
    """x for x > theta, else 0 (theta >= 0, default 1.0).

        gc.keras.layers.ThresholdedReLU(theta=0.5)(h)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        if theta is None:
            raise ValueError("Theta of a Thresholded ReLU layer cannot be None, expecting "
                             f"a float. Received: {theta}")
        if theta < 0:
            raise ValueError("The theta value of a Thresholded ReLU layer should be >=0. "
                             f"Received: {theta}")
        self.supports_masking = True
        self.theta = _f32(theta)

    def call(self, inputs):
        return inputs * gc.cast(gc.greater(inputs, gc.cast(self.theta, inputs.dtype)),
                                inputs.dtype)

    def _config(self):
        return {"theta": self.theta}


def _large_negative(dtype):
    """What a masked logit gets added: -1e9, or half float16's minimum for float16."""
    return float(np.finfo(np.float16).min) / 2.0 if dtype == gc.float16 else -1e9


class Softmax(Layer):
    """softmax over `axis` (an int, or a list: the joint softmax over those axes). A
    `mask` (True: keep) adds -1e9 to the masked logits (robust_masking: replaces them).

        probs = gc.keras.layers.Softmax()(scores, mask=valid)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, axis=-1, robust_masking=False, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.robust_masking = robust_masking
        self.axis = axis

    def call(self, inputs, mask=None):
        if mask is not None:
            big = _large_negative(inputs.dtype)
            if self.robust_masking:
                if mask.dtype != gc.bool:
                    mask = gc.greater(mask, gc.constant(0.5, mask.dtype))
                inputs = gc.where_v2(mask, inputs, gc.constant(big, inputs.dtype))
            else:
                inputs = inputs + (1.0 - gc.cast(mask, inputs.dtype)) * big
        axis = self.axis
        if isinstance(axis, (tuple, list)):
            if len(axis) > 1:
                return gc.exp(inputs - gc.reduce_logsumexp(inputs, axis=list(axis),
                                                           keepdims=True))
            axis = axis[0]
        rank = inputs.shape.ndims
        if rank is not None and rank <= 1:
            raise ValueError(f"Cannot apply softmax to a tensor that is 1D (layer "
                             f"{self.name}). Received input: {inputs.name} of shape "
                             f"{inputs.shape}")
        return gc.nn.softmax(inputs, axis=axis)

    def _config(self):
        config = {"axis": self.axis}
        if self.robust_masking:
            config["robust_masking"] = True
        return config
