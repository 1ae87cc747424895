"""TF1's object-oriented layers (tf.layers.Dense, Conv2D, ...), on the functions of
graphc/layers.py.

    fc = gc.layers.Dense(64, activation=gc.nn.relu)     # no variables yet
    h1 = fc(x1)                                          # makes dense/kernel, dense/bias
    h2 = fc(x2)                                          # the same variables
    fc.trainable_variables                               # [dense/kernel, dense/bias]

A layer object's first call captures its variable scope (`name`, else a unique "dense",
"dense_1", ... in the current scope, as TF1's default names) and builds its variables
there by calling the functional layer; later calls enter the same scope with reuse, so
they share the variables wherever they are made. Its ops go in the scope's first name
scope ('dense/MatMul', then 'dense/MatMul_1').
"""
from .initializers import ones_initializer, zeros_initializer
from .layers import (average_pooling1d, average_pooling2d,
                     average_pooling3d, conv1d, conv2d, conv2d_transpose, conv3d, dense,
                     dropout, flatten, max_pooling1d, max_pooling2d, max_pooling3d)
from .layers_base import Layer, _config
from .normalization import batch_normalization

__all__ = ["Layer", "Dense", "Dropout", "Flatten", "Conv1D", "Conv2D", "Conv3D",
           "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
           "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D",
           "AvgPool2D", "AvgPool3D", "Convolution1D", "Convolution2D", "Convolution3D",
           "Convolution2DTranspose"]


class Dense(Layer):
    """activation(inputs @ kernel + bias) (TF1 tf.layers.Dense); see gc.layers.dense.

        fc = gc.layers.Dense(10, name="logits")
        logits = fc(h)                 # fc.kernel: 'logits/kernel', (h's last dim, 10)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._kw = _config(locals())
        self.units, self.activation, self.use_bias = units, activation, use_bias

    def call(self, inputs):
        return dense(inputs, trainable=self.trainable, name=self._current_scope, **self._kw)


class _Conv(Layer):
    """The convolution layers: `_fn` is the functional layer, `_kw` its arguments."""
    _fn = None

    def _init(self, local_vars):
        self._kw = _config(local_vars)
        self.filters, self.kernel_size = self._kw["filters"], self._kw["kernel_size"]
        self.strides, self.padding = self._kw["strides"], self._kw["padding"]
        self.data_format, self.activation = self._kw["data_format"], self._kw["activation"]

    def call(self, inputs):
        return self._fn(inputs, trainable=self.trainable, name=self._current_scope,
                        **self._kw)


class Conv1D(_Conv):
    """A 1-D convolution (TF1 tf.layers.Conv1D): kernel (kernel_size, in, filters)."""
    _fn = staticmethod(conv1d)

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class Conv2D(_Conv):
    """A 2-D convolution (TF1 tf.layers.Conv2D): kernel (kh, kw, in, filters).

        conv = gc.layers.Conv2D(32, 3, padding="same", activation=gc.nn.relu)
    """
    _fn = staticmethod(conv2d)

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class Conv3D(_Conv):
    """A 3-D convolution (TF1 tf.layers.Conv3D): kernel (kd, kh, kw, in, filters)."""
    _fn = staticmethod(conv3d)

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class Conv2DTranspose(_Conv):
    """A transposed 2-D convolution (TF1 tf.layers.Conv2DTranspose): kernel
    (kh, kw, filters, in)."""
    _fn = staticmethod(conv2d_transpose)

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class _Pooling(Layer):
    """The pooling layers: `_fn` is the functional layer."""
    _fn = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size, self.strides = pool_size, strides
        self.padding, self.data_format = padding, data_format

    def call(self, inputs):
        return self._fn(inputs, self.pool_size, self.strides, padding=self.padding,
                        data_format=self.data_format, name=self._current_scope)


class MaxPooling1D(_Pooling):
    """The maximum over pool_size windows of (batch, length, channels) inputs (TF1)."""
    _fn = staticmethod(max_pooling1d)


class MaxPooling2D(_Pooling):
    """The maximum over pool_size windows (TF1 tf.layers.MaxPooling2D).

        pool = gc.layers.MaxPooling2D(2, 2)      # (?, 28, 28, C) -> (?, 14, 14, C)
    """
    _fn = staticmethod(max_pooling2d)


class MaxPooling3D(_Pooling):
    """The maximum over pool_size windows of (batch, d, h, w, channels) inputs (TF1)."""
    _fn = staticmethod(max_pooling3d)


class AveragePooling1D(_Pooling):
    """The mean over pool_size windows of (batch, length, channels) inputs (TF1)."""
    _fn = staticmethod(average_pooling1d)


class AveragePooling2D(_Pooling):
    """The mean over pool_size windows (TF1 tf.layers.AveragePooling2D)."""
    _fn = staticmethod(average_pooling2d)


class AveragePooling3D(_Pooling):
    """The mean over pool_size windows of (batch, d, h, w, channels) inputs (TF1)."""
    _fn = staticmethod(average_pooling3d)


class Dropout(Layer):
    """inputs with a fraction `rate` zeroed and the rest scaled by 1/(1-rate) when called
    with `training` true (TF1 tf.layers.Dropout); see gc.layers.dropout.

        drop = gc.layers.Dropout(0.3)
        h = drop(h, training=is_training)       # a Python bool or a bool tensor
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        return dropout(inputs, self.rate, self.noise_shape, self.seed, training=training,
                       name=self._current_scope)


class Flatten(Layer):
    """inputs reshaped to (batch, everything else) (TF1 tf.layers.Flatten)."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format

    def call(self, inputs):
        return flatten(inputs, name=self._current_scope, data_format=self.data_format)


class BatchNormalization(Layer):
    """Batch normalization (TF1 tf.layers.BatchNormalization); see
    gc.layers.batch_normalization. `training` is given at call time; each call that may
    train adds its two moving-average ops to UPDATE_OPS and to `layer.updates`.

        bn = gc.layers.BatchNormalization(momentum=0.9)
        h = bn(h, training=is_training)
        with gc.control_dependencies(bn.updates):
            train_op = gc.train.AdamOptimizer(1e-3).minimize(loss)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=zeros_initializer(), gamma_initializer=ones_initializer(),
                 moving_mean_initializer=zeros_initializer(),
                 moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                 trainable=True, virtual_batch_size=None, adjustment=None, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._kw = _config(locals())
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale

    def call(self, inputs, training=False):
        return batch_normalization(inputs, training=training, trainable=self.trainable,
                                   name=self._current_scope, **self._kw)


# TF1's aliases
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose = Conv2DTranspose
