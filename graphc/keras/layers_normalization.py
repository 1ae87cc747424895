"""Keras' BatchNormalization layer (graph mode, TF 1.x): the batch's statistics in the
training phase, the moving ones otherwise, and the moving-average updates in
`layer.updates` (layers_conv.py re-exports it); and LayerNormalization, the statistics
of each example over the given axes.

    h = gc.keras.layers.BatchNormalization()(h)
    h = gc.keras.layers.LayerNormalization()(h)
"""
import numpy as np

import graphc as gc
from . import initializers
from .engine import Layer

__all__ = ["BatchNormalization", "LayerNormalization"]


class BatchNormalization(Layer):
    """Normalizes with the batch's statistics in the training phase, else the moving
    ones; weights gamma, beta (trainable), moving_mean, moving_variance. Each call adds
    the two moving-average updates `moving -= (moving - batch_stat) * (1 - momentum)`
    to `layer.updates` (fit runs them). As in TF1 Keras, 4-D inputs on axis 1 or 3
    (fused) update the moving variance with the unbiased batch variance. Under a
    float16 policy (mixed_float16) the weights are float32 and the statistics are
    computed in float32; the output has the compute dtype, as in tf_keras.

        h = gc.keras.layers.BatchNormalization()(h)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, fused=None, virtual_batch_size=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        if renorm or virtual_batch_size is not None:
            raise NotImplementedError("BatchNormalization: renorm and virtual_batch_size "
                                      "are not supported")
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale, self.fused = center, scale, fused
        self._inits = [initializers.get(i) for i in (gamma_initializer, beta_initializer,
                       moving_mean_initializer, moving_variance_initializer)]
        self.gamma_regularizer, self.beta_regularizer = gamma_regularizer, beta_regularizer
        self.gamma_constraint, self.beta_constraint = gamma_constraint, beta_constraint

    def build(self, input_shape):
        dims = input_shape.as_list()
        self._ndim = len(dims)
        self._axes = _validate_axis(self.axis, input_shape)
        self._axis = self._axes[0]
        if any(dims[a] is None for a in self._axes):
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined "
                             f"dimension but the layer received an input with shape "
                             f"{input_shape}.")
        # several axes (tf_keras): parameters of the input's rank, 1 on reduced axes
        c = (dims[self._axis],) if len(self._axes) == 1 else \
            tuple(d if i in self._axes else 1 for i, d in enumerate(dims))
        g_init, b_init, m_init, v_init = self._inits
        # tf_keras: float32 parameters for float16 layers, never read as float16
        pd = dict(dtype="float32" if self.dtype == "float16" else self.dtype,
                  autocast=False)
        self.gamma = self.add_weight("gamma", c, initializer=g_init,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint, **pd) if self.scale \
            else None
        self.beta = self.add_weight("beta", c, initializer=b_init,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint, **pd) if self.center \
            else None
        self.moving_mean = self.add_weight("moving_mean", c, initializer=m_init,
                                           trainable=False, **pd)
        self.moving_variance = self.add_weight("moving_variance", c, initializer=v_init,
                                               trainable=False, **pd)
        self._is_fused = (self.fused is not False and self._ndim == 4
                          and self._axes in ([1], [3]))
        self.built = True

    def call(self, inputs, training=None):
        inputs, out_dtype = _float32_inputs(self, inputs)
        out = self._normalize(inputs, training)
        return out if out.dtype == out_dtype else gc.cast(out, out_dtype)

    def _normalize(self, inputs, training):
        training = self._training(training)
        axes = [i for i in range(self._ndim) if i not in self._axes]
        multi = len(self._axes) > 1         # parameters already of the input's rank
        shape = [1] * self._ndim
        shape[self._axis] = -1

        def bcast(v):
            return v if multi or self._axis == self._ndim - 1 else gc.reshape(v, shape)
        mean, var = gc.nn.moments(inputs, axes, keep_dims=multi)
        static = training if isinstance(training, (bool, int, np.bool_)) else None
        if static is not None:
            use_mean, use_var = (mean, var) if static else (self.moving_mean,
                                                            self.moving_variance)
        else:
            use_mean = gc.cond(training, lambda: mean, lambda: gc.identity(self.moving_mean))
            use_var = gc.cond(training, lambda: var,
                              lambda: gc.identity(self.moving_variance))
        out = gc.nn.batch_normalization(
            inputs, bcast(use_mean), bcast(use_var),
            None if self.beta is None else bcast(self.beta),
            None if self.gamma is None else bcast(self.gamma), self.epsilon)
        if static is False:
            return out
        upd_var = use_var
        if self._is_fused:          # the fused kernel's unbiased batch variance
            n = gc.cast(gc.size(inputs) // gc.size(var), var.dtype)
            unbiased = var * n / (n - 1.0)
            upd_var = unbiased if static else gc.cond(
                training, lambda: unbiased, lambda: gc.identity(self.moving_variance))
        decay = 1.0 - self.momentum
        with gc.name_scope("AssignMovingAvg"):
            m_op = gc.assign_sub(self.moving_mean, (self.moving_mean - use_mean) * decay)
        with gc.name_scope("AssignMovingAvg_1"):
            v_op = gc.assign_sub(self.moving_variance,
                                 (self.moving_variance - upd_var) * decay)
        self.add_update([m_op, v_op])
        return out

    def _config(self):
        g, b, m, v = (initializers.serialize(i) for i in self._inits)
        return {"axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "beta_initializer": b,
                "gamma_initializer": g, "moving_mean_initializer": m,
                "moving_variance_initializer": v}


def _float32_inputs(layer, inputs):
    """(inputs in the compute dtype, or float32 when that is float16; the compute
    dtype): tf_keras' normalization layers compute float16 inputs in float32."""
    dtype = gc.as_dtype(layer.compute_dtype or inputs.dtype)
    if inputs.dtype != dtype:
        inputs = gc.cast(inputs, dtype)
    if dtype == gc.float16:
        inputs = gc.cast(inputs, gc.float32)
    return inputs, dtype


def _validate_axis(axis, input_shape):
    """`axis` (an int or ints) as a list of non-negative axes of `input_shape`."""
    rank = input_shape.ndims
    if not rank:
        raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}")
    axes = [axis] if isinstance(axis, int) else list(axis)
    axes = [a + rank if a < 0 else a for a in axes]
    if any(a < 0 or a >= rank for a in axes):
        raise ValueError(f"Invalid value for `axis` argument. Expected 0 <= axis < "
                         f"inputs.rank (with inputs.rank={rank}). Received: "
                         f"axis={tuple(axes)}")
    if len(axes) != len(set(axes)):
        raise ValueError(f"Duplicate axis: {tuple(axes)}")
    return axes


class LayerNormalization(Layer):
    """Normalizes each example over `axis` (the last by default) to mean 0 and variance
    1, then scales by gamma and shifts by beta (weights shaped like those axes):
    (x - mean) / sqrt(var + epsilon) * gamma + beta, the same in training and inference.

        h = gc.keras.layers.LayerNormalization(epsilon=1e-6)(h)   # 'layer_normalization/gamma:0'
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument "
                            f"'axis', but received: {axis!r}")
        self.epsilon, self.center, self.scale = epsilon, center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = gc.TensorShape(input_shape)
        self.axis = _validate_axis(self.axis, input_shape)
        dims = input_shape.as_list()
        shape = [dims[a] for a in self.axis]
        if None in shape:
            raise ValueError(f"LayerNormalization {self.name}: the normalized axes "
                             f"{self.axis} of the input must be known, got shape "
                             f"{tuple(dims)}")
        self.gamma = self.add_weight("gamma", shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint,
                                     autocast=False) if self.scale else None
        self.beta = self.add_weight("beta", shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint,
                                    autocast=False) if self.center else None
        self.built = True

    def call(self, inputs):
        inputs, out_dtype = _float32_inputs(self, inputs)
        dtype = gc.as_dtype(self.dtype or "float32")
        if inputs.dtype != dtype:
            inputs = gc.cast(inputs, dtype)
        ndims = inputs.shape.ndims
        bshape = [1] * ndims
        for a in self.axis:
            bshape[a] = inputs.shape.as_list()[a]

        def bcast(v):
            if v is None or self.axis == [ndims - 1]:
                return v
            return gc.reshape(v, bshape)
        mean, var = gc.nn.moments(inputs, self.axis, keep_dims=True)
        out = gc.nn.batch_normalization(inputs, mean, var, bcast(self.beta),
                                        bcast(self.gamma), self.epsilon)
        out.set_shape(inputs.shape)
        return out if out.dtype == out_dtype else gc.cast(out, out_dtype)

    def _config(self):
        return {"axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}
