"""Keras' convolution, pooling and batch-normalization layers (graph mode, TF 1.x):
Conv1D, Conv2D, Conv2DTranspose, MaxPooling1D/2D, AveragePooling1D/2D, the global
poolings, and BatchNormalization (layers_normalization.py, re-exported here).

    h = gc.keras.layers.Conv2D(32, 3, padding="same", activation="relu")(images)
"""
import numpy as np

import graphc as gc
from . import activations
from . import initializers
from .engine import Layer
from .layers_normalization import BatchNormalization  # noqa: F401 (re-exported)

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D",
           "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "BatchNormalization", "Convolution1D", "Convolution2D", "MaxPool1D",
           "MaxPool2D", "AvgPool1D", "AvgPool2D", "GlobalAvgPool2D", "GlobalMaxPool2D"]


def _tuple(v, n, what):
    t = (int(v),) * n if np.isscalar(v) else tuple(int(x) for x in v)
    if len(t) != n:
        raise ValueError(f"The `{what}` argument must be a tuple of {n} integers. "
                         f"Received: {v}")
    return t


def _padding(p, causal=False):
    allowed = ("valid", "same", "causal") if causal else ("valid", "same")
    if str(p).lower() not in allowed:
        raise ValueError(f"The `padding` argument must be one of "
                         f"{', '.join(repr(a) for a in allowed)}. Received: {p}")
    return str(p).upper()


def _format(data_format):
    """data_format, or the backend's image_data_format() when None (as tf_keras)."""
    from .backend import image_data_format
    fmt = (data_format or image_data_format()).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(f"The `data_format` argument must be one of 'channels_first', "
                         f"'channels_last'. Received: {data_format}")
    return fmt


class _Conv(Layer):
    """The convolutions: `rank` spatial dims, kernel (*kernel_size, in, filters)."""
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        n = self.rank
        self.filters = int(filters)
        self.groups = int(groups or 1)
        if self.filters % self.groups:
            raise ValueError(f"The number of filters must be evenly divisible by the "
                             f"number of groups. Received: groups={self.groups}, "
                             f"filters={self.filters}")
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.padding = _padding(padding, causal=True).lower()
        if self.padding == "causal" and n != 1:
            raise ValueError("Causal padding is only supported for `Conv1D`and "
                             "`SeparableConv1D`.")
        self.data_format = _format(data_format)
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def _channels(self, input_shape):
        dims = input_shape.as_list() if input_shape.ndims is not None else None
        if dims is None or len(dims) != self.rank + 2:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the "
                             f"layer: expected ndim={self.rank + 2}, found shape "
                             f"{input_shape}")
        c = dims[1] if self.data_format == "channels_first" else dims[-1]
        if c is None:
            raise ValueError("The channel dimension of the inputs should be defined. "
                             "Found `None`.")
        if c % self.groups:
            raise ValueError(f"The number of input channels must be evenly divisible by "
                             f"the number of groups. Received groups={self.groups}, but "
                             f"the input has {c} channels (full input shape is "
                             f"{input_shape}).")
        return c

    def _kernel_shape(self, channels):
        return self.kernel_size + (channels // self.groups, self.filters)

    def build(self, input_shape):
        shape = self._kernel_shape(self._channels(input_shape))
        self.kernel = self.add_weight("kernel", shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def _nd_format(self):
        first = self.data_format == "channels_first"
        return {1: "NCW" if first else "NWC", 2: "NCHW" if first else "NHWC"}[self.rank]

    def _full(self, values):
        return ([1, 1] + list(values) if self.data_format == "channels_first"
                else [1] + list(values) + [1])

    def _convolve(self, inputs):
        if self.groups == 1:
            return self._convolve_with(inputs, self.kernel)
        axis = 1 if self.data_format == "channels_first" else -1     # grouped: per group
        parts = zip(gc.split(inputs, self.groups, axis=axis),
                    gc.split(self.kernel, self.groups, axis=-1))
        return gc.concat([self._convolve_with(x, k) for x, k in parts], axis)

    def _convolve_with(self, inputs, kernel):
        fmt, pad = self._nd_format(), self.padding.upper()
        if self.padding == "causal":        # left zeros, so out[t] sees no input after t
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time = [[0, 0], [0, 0], [left, 0]] if fmt == "NCW" else \
                [[0, 0], [left, 0], [0, 0]]
            inputs, pad = gc.pad(inputs, time), "VALID"
        if self.rank == 1:
            return gc.nn.conv1d(inputs, kernel, stride=self.strides[0], padding=pad,
                                data_format=fmt, dilations=self.dilation_rate[0])
        return gc.nn.conv2d(inputs, kernel, strides=self._full(self.strides),
                            padding=pad, data_format=fmt,
                            dilations=self._full(self.dilation_rate))

    def call(self, inputs):
        out = self._convolve(inputs)
        if self.use_bias:
            fmt = "NCHW" if self.data_format == "channels_first" else "NHWC"
            if self.rank == 1 and self.data_format == "channels_first":
                out = out + gc.reshape(self.bias, (1, self.filters, 1))
            else:
                out = gc.nn.bias_add(out, self.bias, data_format=fmt)
        return self.activation(out)

    def _out_len(self, i, n):
        return conv_length(n, self.kernel_size[i], self.padding, self.strides[i],
                           self.dilation_rate[i])

    def _out_channels(self, channels):
        return self.filters

    def compute_output_shape(self, input_shape):
        """The output TensorShape for an input shape (Keras' conv arithmetic)."""
        dims = gc.TensorShape(input_shape).as_list()
        first = self.data_format == "channels_first"
        spatial = dims[2:] if first else dims[1:-1]
        out = [self._out_len(i, n) for i, n in enumerate(spatial)]
        c = self._out_channels(dims[1] if first else dims[-1])
        return gc.TensorShape([dims[0], c] + out if first else [dims[0]] + out + [c])

    def _config(self):
        return {"filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "groups": self.groups, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}


class Conv1D(_Conv):
    """A 1-D convolution: (batch, steps, in) -> (batch, new_steps, filters).

        gc.keras.layers.Conv1D(16, 3, activation="relu")
    """
    rank = 1


class Conv2D(_Conv):
    """A 2-D convolution: kernel (kh, kw, in, filters), 'conv2d/kernel:0'.

        gc.keras.layers.Conv2D(32, (3, 3), strides=2, padding="same")
    """
    rank = 2


def conv_length(n, k, padding, stride, dilation=1):
    """Keras' conv_output_length: the output length of a convolution (None stays None)."""
    if n is None:
        return None
    k = (k - 1) * dilation + 1
    if padding == "valid":
        n = n - k + 1
    elif padding == "full":
        n = n + k - 1
    return (n + stride - 1) // stride


def deconv_length(n, k, padding, output_padding, stride, dilation=1):
    """The output length of a transposed convolution (Keras' deconv_output_length);
    `n` may be an int, None or a scalar tensor."""
    if n is None:
        return None
    k = (k - 1) * dilation + 1
    if output_padding is None:
        if padding == "valid":
            return n * stride + max(k - stride, 0)
        return n * stride
    pad = k // 2 if padding == "same" else 0
    return (n - 1) * stride + k - 2 * pad + output_padding


class Transposed:
    """What the transposed convolutions share: kernel (*kernel_size, filters, in) and
    output lengths by deconv_length, output_padding below each stride."""
    dilated = True          # False: dilation_rate kept but unused (tf_keras' Conv3DTranspose)

    def _set_output_padding(self, output_padding):
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = _tuple(output_padding, self.rank, "output_padding")
            for s, p in zip(self.strides, self.output_padding):
                if p >= s:
                    raise ValueError(f"Strides {self.strides} must be greater than output "
                                     f"padding {self.output_padding}. (layer "
                                     f"{self.name})")

    def _kernel_shape(self, channels):
        return self.kernel_size + (self.filters, channels)

    def _dilation(self):
        return self.dilation_rate if self.dilated else (1,) * self.rank

    def _out_len(self, i, n):
        op = None if self.output_padding is None else self.output_padding[i]
        return deconv_length(n, self.kernel_size[i], self.padding, op, self.strides[i],
                             self._dilation()[i])


class Conv2DTranspose(Transposed, Conv2D):
    """A transposed 2-D convolution: kernel (kh, kw, filters, in); output size
    in*stride ('same') or in*stride + max(k - stride, 0) ('valid'), or, with
    output_padding, (in - 1)*stride + k - 2*pad + output_padding (Keras' arithmetic).

        gc.keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same")
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), **kwargs):
        if (kwargs.pop("groups", 1) or 1) != 1:
            raise NotImplementedError("Conv2DTranspose(groups != 1) is not supported")
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
        self._set_output_padding(output_padding)

    def _convolve(self, inputs):
        first = self.data_format == "channels_first"
        axes = (2, 3) if first else (1, 2)
        dims, dyn = inputs.shape.as_list(), gc.shape(inputs)
        sizes = [self._out_len(i, dims[ax] if dims[ax] is not None else dyn[ax])
                 for i, ax in enumerate(axes)]
        out_shape = ([dyn[0], self.filters] + sizes) if first else \
            ([dyn[0]] + sizes + [self.filters])
        out = gc.nn.conv2d_transpose(inputs, self.kernel, gc.stack(out_shape),
                                     strides=self._full(self.strides),
                                     padding=self.padding.upper(),
                                     data_format="NCHW" if first else "NHWC",
                                     dilations=self._full(self.dilation_rate))
        out.set_shape(self.compute_output_shape(inputs.shape))
        return out

    def _config(self):
        config = super()._config()
        config["output_padding"] = self.output_padding
        return config


class _Pool(Layer):
    """Max or average pooling over `rank` spatial dims (strides default: pool_size)."""
    rank, kind = 2, "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _tuple(pool_size, self.rank, "pool_size")
        self.strides = _tuple(strides if strides is not None else pool_size, self.rank,
                              "strides")
        self.padding = _padding(padding).lower()
        self.data_format = _format(data_format)

    def call(self, inputs):
        first = self.data_format == "channels_first"
        pool = gc.nn.max_pool if self.kind == "max" else gc.nn.avg_pool
        x = inputs
        size, strides = self.pool_size, self.strides
        if self.rank == 1:          # (batch, steps, c) as (batch, steps, 1, c)
            x = gc.expand_dims(x, 3 if first else 2)
            size, strides = size + (1,), strides + (1,)
        full = (lambda v: [1, 1, *v]) if first else (lambda v: [1, *v, 1])
        out = pool(x, ksize=full(size), strides=full(strides),
                   padding=self.padding.upper(), data_format="NCHW" if first else "NHWC")
        if self.rank == 1:
            out = gc.squeeze(out, [3 if first else 2])
        return out

    def compute_output_shape(self, input_shape):
        """Each spatial length pooled by conv_length (Keras' arithmetic)."""
        dims = gc.TensorShape(input_shape).as_list()
        start = 2 if self.data_format == "channels_first" else 1
        for i in range(self.rank):
            dims[start + i] = conv_length(dims[start + i], self.pool_size[i], self.padding,
                                          self.strides[i])
        return gc.TensorShape(dims)

    def _config(self):
        return {"pool_size": self.pool_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling1D(_Pool):
    """Max over windows of `pool_size` steps: gc.keras.layers.MaxPooling1D(2)."""
    rank, kind = 1, "max"


class AveragePooling1D(_Pool):
    rank, kind = 1, "avg"


class MaxPooling2D(_Pool):
    """Max over pool_size windows: gc.keras.layers.MaxPooling2D((2, 2))."""
    rank, kind = 2, "max"


class AveragePooling2D(_Pool):
    rank, kind = 2, "avg"


class _GlobalPool(Layer):
    """Mean or max over every spatial axis."""
    rank, kind = 2, "avg"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _format(data_format)
        self.keepdims = keepdims

    def call(self, inputs):
        first = self.data_format == "channels_first"
        axes = list(range(2, 2 + self.rank)) if first else list(range(1, 1 + self.rank))
        reduce = gc.reduce_mean if self.kind == "avg" else gc.reduce_max
        return reduce(inputs, axis=axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        """(batch, channels), or with keepdims the spatial axes kept as 1."""
        dims = gc.TensorShape(input_shape).as_list()
        first = self.data_format == "channels_first"
        channels = dims[1] if first else dims[-1]
        if not self.keepdims:
            return gc.TensorShape([dims[0], channels])
        ones = [1] * self.rank
        return gc.TensorShape([dims[0], channels] + ones if first
                              else [dims[0]] + ones + [channels])

    def _config(self):
        return {"data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPool):
    """(batch, steps, c) -> (batch, c); with a mask, the mean over unmasked steps."""
    rank, kind = 1, "avg"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format, keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        axis = 2 if self.data_format == "channels_first" else 1
        m = gc.expand_dims(gc.cast(mask, inputs.dtype),
                           1 if self.data_format == "channels_first" else 2)
        return gc.reduce_sum(inputs * m, axis=axis, keepdims=self.keepdims) / \
            gc.reduce_sum(m, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalMaxPooling1D(_GlobalPool):
    rank, kind = 1, "max"


class GlobalAveragePooling2D(_GlobalPool):
    """(batch, h, w, c) -> (batch, c), the mean over h and w."""
    rank, kind = 2, "avg"


class GlobalMaxPooling2D(_GlobalPool):
    """(batch, h, w, c) -> (batch, c), the max over h and w."""
    rank, kind = 2, "max"


Convolution1D, Convolution2D = Conv1D, Conv2D
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = (MaxPooling1D, MaxPooling2D, AveragePooling1D,
                                              AveragePooling2D)
GlobalAvgPool2D, GlobalMaxPool2D = GlobalAveragePooling2D, GlobalMaxPooling2D
