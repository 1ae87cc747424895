"""tf.contrib.layers' initializers and regularizers (tf_slim.layers.initializers and
.regularizers): xavier_initializer, variance_scaling_initializer (slim's own signature),
l1/l2/l1_l2/sum regularizers and apply_regularization.

    w = gc.get_variable("w", [784, 10], initializer=layers.xavier_initializer(),
                        regularizer=layers.l2_regularizer(1e-4))
"""
import math
import numbers

from .. import dtypes
from ..graph import name_scope
from ..ops.core import constant, convert_to_tensor
from ..ops.graphkeys import GraphKeys, add_to_collection, get_collection
from ..ops.nn import l2_loss
from ..ops.random import random_uniform, truncated_normal
from .. import math as _math

__all__ = ["xavier_initializer", "xavier_initializer_conv2d",
           "variance_scaling_initializer", "l1_regularizer", "l2_regularizer",
           "l1_l2_regularizer", "sum_regularizer", "apply_regularization"]


def xavier_initializer(uniform=True, seed=None, dtype=dtypes.float32):
    """Glorot/Xavier initialization: variance_scaling_initializer(1.0, 'FAN_AVG').

        w = gc.get_variable("w", [3, 3, 8, 16], initializer=layers.xavier_initializer())

    uniform: U(-sqrt(6 / (in + out)), +...); else a truncated normal of the same variance.
    """
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform,
                                        seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=dtypes.float32):
    """Values of variance factor / n, n = fan_in, fan_out or their mean by `mode`
    (tf.contrib.layers' signature; the default is He/MSRA initialization).

        init = layers.variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=True)

    Fans as slim computes them: fan_in = shape[-2] (shape[-1] for a vector), fan_out =
    shape[-1], both times the product of shape[:-2]. uniform: U(-sqrt(3 factor / n),
    +...); else a truncated normal of stddev sqrt(1.3 factor / n).
    """
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = list(shape)
        if shape:
            fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
            fan_out = float(shape[-1])
        else:
            fan_in = fan_out = 1.0
        for d in shape[:-2]:
            fan_in *= float(d)
            fan_out *= float(d)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_uniform(shape, -limit, limit, dtype, seed=seed)
        return truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype, seed=seed)
    return _initializer


def _check_scale(scale, what="scale"):
    """None when a Python scale of 0 disables the regularizer; errors as slim's."""
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"{what} cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}")
        if scale == 0.0:
            return None
    return scale


def l1_regularizer(scale, scope=None):
    """A function weights -> scale * sum(|weights|); scale 0.0 gives None.

        reg = layers.l1_regularizer(1e-4)
    """
    if _check_scale(scale) is None:
        return lambda _: None

    def l1(weights, name=None):
        with name_scope(scope, "l1_regularizer", [weights]) as name:
            s = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return _math.multiply(s, _math.reduce_sum(_math.abs(weights)), name=name)
    return l1


def l2_regularizer(scale, scope=None):
    """A function weights -> scale * sum(weights ** 2) / 2 (scale * gc.nn.l2_loss);
    scale 0.0 gives None.

        net = slim.conv2d(x, 32, 3, weights_regularizer=layers.l2_regularizer(4e-5))
    """
    if _check_scale(scale) is None:
        return lambda _: None

    def l2(weights):
        with name_scope(scope, "l2_regularizer", [weights]) as name:
            s = convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return _math.multiply(s, l2_loss(weights), name=name)
    return l2


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """A function weights -> l1_regularizer(scale_l1) + l2_regularizer(scale_l2).

        reg = layers.l1_l2_regularizer(1e-5, 1e-4)
    """
    if isinstance(scale_l1, numbers.Integral):
        raise ValueError(f"scale_l1 cannot be an integer: {scale_l1}")
    if isinstance(scale_l2, numbers.Integral):
        raise ValueError(f"scale_l2 cannot be an integer: {scale_l2}")
    scope = scope or "l1_l2_regularizer"
    if isinstance(scale_l1, numbers.Real) and scale_l1 == 0.0:
        return l2_regularizer(scale_l2, scope)
    if isinstance(scale_l2, numbers.Real) and scale_l2 == 0.0:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)],
                           scope=scope)


def sum_regularizer(regularizer_list, scope=None):
    """A function weights -> the sum of the regularizers' non-None results (None if
    all are None).

        reg = layers.sum_regularizer([layers.l1_regularizer(.1), layers.l2_regularizer(.2)])
    """
    regularizer_list = [r for r in regularizer_list if r]

    def sum_reg(weights):
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            terms = [t for t in (reg(weights) for reg in regularizer_list) if t is not None]
            return _math.add_n(terms, name=name) if terms else None
    return sum_reg


def apply_regularization(regularizer, weights_list=None):
    """The sum of regularizer(w) over weights_list (default: the WEIGHTS collection),
    also added to REGULARIZATION_LOSSES.

        penalty = layers.apply_regularization(layers.l2_regularizer(1e-3), [w1, w2])
    """
    if not weights_list:
        weights_list = get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    with name_scope("get_regularization_penalty", values=weights_list) as scope:
        penalties = [regularizer(w) for w in weights_list]
        penalties = [constant(0.0) if p is None else p for p in penalties]
        for p in penalties:
            if p.shape.rank != 0:
                raise ValueError("regularizer must return a scalar Tensor instead of a "
                                 f"Tensor with rank {p.shape.rank}.")
        total = _math.add_n(penalties, name=scope)
    add_to_collection(GraphKeys.REGULARIZATION_LOSSES, total)
    return total
