"""Keras' depthwise-separable and depthwise convolutions (tf_keras, graph mode):
SeparableConv1D/2D (a depthwise convolution, then a pointwise 1x1 one) and
DepthwiseConv1D/2D (each channel with its own depth_multiplier filters), on
gc.nn.separable_conv2d and gc.nn.depthwise_conv2d; the 1-D layers run the 2-D ops over
a unit height. gc.keras.layers re-exports them through layers_conv_more.

    h = gc.keras.layers.SeparableConv2D(16, 3, depth_multiplier=2)(images)
"""
import graphc as gc
from . import initializers
from .layers_conv_more import _ConvMore, _serial

__all__ = ["SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D"]


def _check_dilated_strides(layer):
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(f"`strides > 1` not supported in conjunction with "
                         f"`dilation_rate > 1`. Received: strides={layer.strides} and "
                         f"dilation_rate={layer.dilation_rate} (layer {layer.name})")


def _as_2d(layer, x):
    """A 1-D layer's channels-last input (batch, steps, c) as (batch, 1, steps, c), and
    its strides and dilation for the 2-D op."""
    return (gc.expand_dims(x, 1), [1, 1, layer.strides[0], 1],
            (1, layer.dilation_rate[0]))


class _SeparableConv(_ConvMore):
    """A depthwise convolution (depth_multiplier maps per channel) then a pointwise
    1x1 convolution to `filters`: weights depthwise_kernel, pointwise_kernel, bias."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = depthwise_regularizer
        self.pointwise_regularizer = pointwise_regularizer
        self.depthwise_constraint = depthwise_constraint
        self.pointwise_constraint = pointwise_constraint

    def build(self, input_shape):
        c = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (c, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (c * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _convolve_last(self, x):
        dw, pw = self.depthwise_kernel, self.pointwise_kernel
        if self.rank == 2:
            return gc.nn.separable_conv2d(x, dw, pw, [1, *self.strides, 1],
                                          self.padding.upper(), rate=self.dilation_rate)
        pad = self.padding.upper()
        if pad == "CAUSAL":     # left zeros, so out[t] sees no input after t
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            x, pad = gc.pad(x, [[0, 0], [left, 0], [0, 0]]), "VALID"
        x, strides, rate = _as_2d(self, x)
        out = gc.nn.separable_conv2d(x, gc.expand_dims(dw, 0), gc.expand_dims(pw, 0),
                                     strides, pad, rate=rate)
        return gc.squeeze(out, [1])

    def _config(self):
        config = super()._config()
        config.update(groups=1, depth_multiplier=self.depth_multiplier,
                      depthwise_initializer=_serial(self.depthwise_initializer),
                      pointwise_initializer=_serial(self.pointwise_initializer))
        return config


class SeparableConv1D(_SeparableConv):
    """A depthwise-separable 1-D convolution: depthwise_kernel (k, in, depth_multiplier),
    pointwise_kernel (1, in * depth_multiplier, filters).

        gc.keras.layers.SeparableConv1D(16, 5, depth_multiplier=2, padding="same")
    """
    rank = 1


class SeparableConv2D(_SeparableConv):
    """A depthwise-separable 2-D convolution (gc.nn.separable_conv2d).

        gc.keras.layers.SeparableConv2D(32, 3, strides=2, padding="same")
    """
    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)


class _DepthwiseConv(_ConvMore):
    """Each input channel convolved with its own depth_multiplier filters: output
    channels in * depth_multiplier; weights depthwise_kernel, bias."""

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(1, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.filters = None
        _check_dilated_strides(self)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = depthwise_regularizer
        self.depthwise_constraint = depthwise_constraint

    def build(self, input_shape):
        c = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (c, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (c * self.depth_multiplier,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _out_channels(self, channels):
        return None if channels is None else channels * self.depth_multiplier

    def _convolve_last(self, x):
        if self.rank == 2:
            return gc.nn.depthwise_conv2d(x, self.depthwise_kernel, [1, *self.strides, 1],
                                          self.padding.upper(), rate=self.dilation_rate)
        x, strides, rate = _as_2d(self, x)
        out = gc.nn.depthwise_conv2d(x, gc.expand_dims(self.depthwise_kernel, 0), strides,
                                     self.padding.upper(), rate=rate)
        return gc.squeeze(out, [1])

    def get_config(self):
        config = super().get_config()
        for key in ("filters", "kernel_initializer", "kernel_regularizer",
                    "kernel_constraint"):
            config.pop(key, None)
        config.update(groups=1, depth_multiplier=self.depth_multiplier,
                      depthwise_initializer=_serial(self.depthwise_initializer))
        return config


class DepthwiseConv1D(_DepthwiseConv):
    """A depthwise 1-D convolution: (batch, steps, c) -> (batch, new_steps,
    c * depth_multiplier), depthwise_kernel (k, c, depth_multiplier).

        gc.keras.layers.DepthwiseConv1D(3, depth_multiplier=2, padding="same")
    """
    rank = 1


class DepthwiseConv2D(_DepthwiseConv):
    """A depthwise 2-D convolution (gc.nn.depthwise_conv2d), depthwise_kernel
    (kh, kw, c, depth_multiplier).

        gc.keras.layers.DepthwiseConv2D(3, strides=2, padding="same")
    """
    rank = 2

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)
