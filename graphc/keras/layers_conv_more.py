"""More of Keras' convolution layers (graph mode, TF 1.x / tf_keras): Conv3D, the
transposed Conv1DTranspose and Conv3DTranspose, and, re-exported, SeparableConv1D/2D
and DepthwiseConv1D/2D (layers_conv_depthwise.py) and LocallyConnected1D/2D
(layers_local.py). Each computes in channels-last layout (channels_first inputs are
transposed in and out), so one code path serves both.

    h = gc.keras.layers.Conv3D(8, 3, padding="same", activation="relu")(clips)
    h = gc.keras.layers.SeparableConv2D(16, 3, depth_multiplier=2)(images)
"""
import graphc as gc
from . import initializers
from .layers_conv import Conv2DTranspose, Transposed, _Conv
from .layers_local import LocallyConnected1D, LocallyConnected2D  # noqa: F401

__all__ = ["Conv1DTranspose", "Conv3D", "Conv3DTranspose", "SeparableConv1D",
           "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D", "LocallyConnected1D",
           "LocallyConnected2D", "Convolution1DTranspose", "Convolution2DTranspose",
           "Convolution3D", "Convolution3DTranspose", "SeparableConvolution1D",
           "SeparableConvolution2D"]


def _to_last(x, rank):
    """(batch, channels, *spatial) -> (batch, *spatial, channels)."""
    return gc.transpose(x, [0] + list(range(2, rank + 2)) + [1])


def _to_first(x, rank):
    """(batch, *spatial, channels) -> (batch, channels, *spatial)."""
    return gc.transpose(x, [0, rank + 1] + list(range(1, rank + 1)))


def conv_last(x, kernel, strides, padding, dilation):
    """The channels-last convolution of rank len(strides) (1, 2 or 3)."""
    rank, pad = len(strides), padding.upper()
    if rank == 1:
        return gc.nn.conv1d(x, kernel, stride=strides[0], padding=pad,
                            dilations=dilation[0])
    conv = gc.nn.conv2d if rank == 2 else gc.nn.conv3d
    return conv(x, kernel, [1, *strides, 1], pad, dilations=[1, *dilation, 1])


def _serial(init):
    return initializers.serialize(initializers.get(init))


class _ConvMore(_Conv):
    """A convolution computed channels-last: `_convolve_last(x)`, then the bias, then
    (in the layer's data_format) the activation."""

    grouped = False     # tf_keras' configs carry groups=1 for every convolution

    def __init__(self, filters, kernel_size, groups=1, **kwargs):
        if (groups or 1) != 1 and not self.grouped:
            raise NotImplementedError(f"{type(self).__name__}(groups={groups}) is not "
                                      f"supported")
        super().__init__(filters, kernel_size, groups=groups, **kwargs)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        x = _to_last(inputs, self.rank) if first else inputs
        out = self._convolve_last(x)
        if self.use_bias:
            out = gc.nn.bias_add(out, self.bias)
        if first:
            out = _to_first(out, self.rank)
        return self.activation(out)

    def _convolve_last(self, x):
        return conv_last(x, self.kernel, self.strides, self.padding, self.dilation_rate)




class Conv3D(_ConvMore):
    """A 3-D convolution: (batch, d, h, w, in) -> (batch, d', h', w', filters), kernel
    (kd, kh, kw, in // groups, filters) 'conv3d/kernel:0'.

        gc.keras.layers.Conv3D(8, (3, 3, 3), strides=2, padding="same")
    """
    rank, grouped = 3, True

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, groups=groups, **kwargs)

    def _convolve_last(self, x):
        if self.groups == 1:
            return super()._convolve_last(x)
        xs = gc.split(x, self.groups, axis=-1)
        ks = gc.split(self.kernel, self.groups, axis=-1)
        return gc.concat([conv_last(xg, kg, self.strides, self.padding, self.dilation_rate)
                          for xg, kg in zip(xs, ks)], axis=-1)


class _ConvTranspose(Transposed, _ConvMore):
    """A transposed convolution computed channels-last (1-D and 3-D)."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self._set_output_padding(output_padding)

    def _convolve_last(self, x):
        dims, dyn = x.shape.as_list(), gc.shape(x)
        sizes = [self._out_len(i, dims[i + 1] if dims[i + 1] is not None else dyn[i + 1])
                 for i in range(self.rank)]
        out_shape = gc.stack([dyn[0]] + sizes + [self.filters])
        pad = self.padding.upper()
        if self.rank == 1:
            out = gc.nn.conv1d_transpose(x, self.kernel, out_shape, self.strides[0],
                                         padding=pad, dilations=self._dilation()[0])
        else:
            out = gc.nn.conv3d_transpose(x, self.kernel, out_shape, [1, *self.strides, 1],
                                         padding=pad, dilations=[1, *self._dilation(), 1])
        out.set_shape([dims[0]] + [self._out_len(i, dims[i + 1]) for i in range(self.rank)]
                      + [self.filters])
        return out

    def _config(self):
        config = super()._config()
        config.update(groups=1, output_padding=self.output_padding)
        return config


class Conv1DTranspose(_ConvTranspose):
    """A transposed 1-D convolution: (batch, steps, in) -> (batch, new_steps, filters),
    kernel (k, filters, in).

        gc.keras.layers.Conv1DTranspose(8, 3, strides=2, padding="same")   # steps * 2
    """
    rank = 1


class Conv3DTranspose(_ConvTranspose):
    """A transposed 3-D convolution, kernel (kd, kh, kw, filters, in). As in tf_keras,
    dilation_rate is accepted but not applied, and the config has none.

        gc.keras.layers.Conv3DTranspose(4, 3, strides=2, padding="same")
    """
    rank, dilated = 3, False

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, **kwargs)

    def _config(self):
        config = super()._config()
        del config["dilation_rate"]
        return config


# SeparableConv1D/2D and DepthwiseConv1D/2D build on _ConvMore (re-exported here)
from .layers_conv_depthwise import (DepthwiseConv1D, DepthwiseConv2D,  # noqa: E402
                                    SeparableConv1D, SeparableConv2D)


Convolution1DTranspose, Convolution2DTranspose = Conv1DTranspose, Conv2DTranspose
Convolution3D, Convolution3DTranspose = Conv3D, Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
