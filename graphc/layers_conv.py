"""tf.layers' convolution and pooling layers (TF1): conv1d, conv2d, conv3d,
conv2d_transpose, max_pooling1d/2d/3d, average_pooling1d/2d/3d; re-exported by
graphc/layers.py.

    h = gc.layers.conv2d(images, 32, 3, padding="same", activation=gc.nn.relu)
    h = gc.layers.max_pooling2d(h, pool_size=2, strides=2)
"""
import numpy as np

from . import dtypes
from .graph import Tensor
from .initializers import zeros_initializer
from .layers_utils import (_bias, _causal, _finish, _float_input, _format, _known,
                           _layer_scope, _pair, _padding, _positive_int, _rank, layer_variable)
from .ops.array import shape as shape_of
from .ops.conv import conv2d as _conv2d
from .ops.conv3d import avg_pool3d as _avg_pool3d, conv3d as _nn_conv3d
from .ops.conv3d import max_pool3d as _max_pool3d
from .ops.conv_extra import conv1d as _nn_conv1d, conv2d_transpose as _nn_conv2d_transpose
from .ops.core import convert_to_tensor
from .ops.join import stack
from .ops.nn_more import avg_pool1d as _avg_pool1d, max_pool1d as _max_pool1d
from .ops.pool import avg_pool, max_pool

__all__ = ["conv2d", "max_pooling2d", "average_pooling2d", "conv1d", "conv3d",
           "conv2d_transpose", "max_pooling1d", "max_pooling3d", "average_pooling1d",
           "average_pooling3d"]


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """A 2-D convolution layer (TF1 tf.layers.conv2d): kernel (kh, kw, in, filters).

        h = gc.layers.conv2d(images, 32, 3, padding="same", activation=gc.nn.relu)
    """
    x = _float_input(inputs, "Conv2D")
    filters = _positive_int(filters, "filters", "conv2d")
    k = _pair(kernel_size, "kernel_size", "conv2d")
    s = _pair(strides, "strides", "conv2d")
    d = _pair(dilation_rate, "dilation_rate", "conv2d")
    pad, fmt = _padding(padding, "conv2d"), _format(data_format, "conv2d")
    _rank(x, "conv2d", want=4)
    channels = _known(x, -1 if fmt == "NHWC" else 1, "Conv2D", "channel")
    with _layer_scope(name, "conv2d", reuse):
        kernel = layer_variable("kernel", list(k) + [channels, filters], x.dtype,
                                kernel_initializer, kernel_regularizer, trainable=trainable,
                                constraint=kernel_constraint)
        bias = _bias(filters, x.dtype, use_bias, bias_initializer, bias_regularizer,
                     bias_constraint, trainable)
        outputs = _conv2d(x, kernel, strides=s, padding=pad, data_format=fmt, dilations=d)
        return _finish(outputs, bias, activation, activity_regularizer, fmt)


def _pooling(pool, layer, inputs, pool_size, strides, padding, data_format, name):
    x = convert_to_tensor(inputs)
    size = _pair(pool_size, "pool_size", layer)
    s = _pair(strides, "strides", layer)
    pad, fmt = _padding(padding, layer), _format(data_format, layer)
    _rank(x, layer, want=4)
    with _layer_scope(name, layer, scope_is_name=False):
        return pool(x, size, s, pad, data_format=fmt)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """The maximum over pool_size windows (TF1 tf.layers.max_pooling2d).

        h = gc.layers.max_pooling2d(h, pool_size=2, strides=2)   # (?, 28, 28, C) -> (?, 14, 14, C)
    """
    return _pooling(max_pool, "max_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


def average_pooling2d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
    """The mean over pool_size windows (TF1 tf.layers.average_pooling2d); with 'same',
    of the real inputs only."""
    return _pooling(avg_pool, "average_pooling2d", inputs, pool_size, strides, padding,
                    data_format, name)


# ---- 1-D and 3-D convolutions, conv2d_transpose, 1-D and 3-D pooling --------------------
_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _tuple(v, n, what, layer):
    """n positive ints from an int or a sequence of n (Keras normalize_tuple)."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (v,) * n
    try:
        v = tuple(_positive_int(d, what, layer) for d in v)
    except TypeError:
        v = ()
    if len(v) != n:
        raise ValueError(f"{layer}: the `{what}` argument must be an int or a tuple of {n} "
                         f"positive integers. Received: {v!r}")
    return v


def _format_nd(data_format, rank, layer):
    """'NWC'/'NCW', 'NHWC'/'NCHW' or 'NDHWC'/'NCDHW' for `rank` spatial dims."""
    return _FORMATS[rank][_format(data_format, layer) == "NCHW"]


def _full(values, fmt):
    """[1, *values, 1] for a channels-last format, else [1, 1, *values]."""
    return [1] + list(values) + [1] if fmt.endswith("C") else [1, 1] + list(values)


def _conv_nd(rank, layer, inputs, filters, kernel_size, strides, padding, data_format,
             dilation_rate, activation, use_bias, kernel_initializer, bias_initializer,
             kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
             bias_constraint, trainable, name, reuse, transpose=False):
    """The convolution layers but conv2d: kernel (*kernel_size, in, filters), or
    (*kernel_size, filters, in) when `transpose`."""
    base = f"conv{rank}d" + ("_transpose" if transpose else "")
    x = _float_input(inputs, layer)
    filters = _positive_int(filters, "filters", base)
    k = _tuple(kernel_size, rank, "kernel_size", base)
    s = _tuple(strides, rank, "strides", base)
    d = _tuple(dilation_rate, rank, "dilation_rate", base)
    fmt = _format_nd(data_format, rank, base)
    _rank(x, base, want=rank + 2)
    x, pad = (_causal(x, padding, rank, 1 if fmt.endswith("C") else 2, k[0], d[0], base)
              if not transpose else (x, _padding(padding, base)))
    channel_axis = -1 if fmt.endswith("C") else 1
    channels = _known(x, channel_axis, layer, "channel")
    with _layer_scope(name, base, reuse):
        shape = list(k) + ([filters, channels] if transpose else [channels, filters])
        kernel = layer_variable("kernel", shape, x.dtype, kernel_initializer,
                                kernel_regularizer, trainable=trainable,
                                constraint=kernel_constraint)
        bias = _bias(filters, x.dtype, use_bias, bias_initializer, bias_regularizer,
                     bias_constraint, trainable)
        if transpose:
            outputs = _conv_transpose(x, kernel, filters, k, s, pad, fmt)
        elif rank == 1:
            outputs = _nn_conv1d(x, kernel, s[0], pad, data_format=fmt, dilations=d[0])
        else:
            outputs = _nn_conv3d(x, kernel, strides=_full(s, fmt), padding=pad,
                                 data_format=fmt, dilations=_full(d, fmt))
        return _finish(outputs, bias, activation, activity_regularizer, fmt)


def _conv_transpose(x, kernel, filters, k, s, pad, fmt):
    """conv2d_transpose to Keras' output size: n * stride, plus max(k - stride, 0) when
    'VALID'; an unknown dim is computed at run time."""
    spatial = [1, 2] if fmt == "NHWC" else [2, 3]
    dims = [x.graph.dims.resolve(dim) for dim in x.shape._dims]
    out = [dims[0] if dims[0] is not None else shape_of(x)[0]]
    for i, ki, si in zip(spatial, k, s):
        n = dims[i] if dims[i] is not None else shape_of(x)[i]
        out.append(n * si + (max(ki - si, 0) if pad == "VALID" else 0))
    out = out[:1] + out[1:] + [filters] if fmt == "NHWC" else out[:1] + [filters] + out[1:]
    if any(isinstance(v, Tensor) for v in out):
        out = stack([convert_to_tensor(v, dtype=dtypes.int32) for v in out])
    return _nn_conv2d_transpose(x, kernel, out, strides=_full(s, fmt), padding=pad,
                                data_format=fmt)


def conv1d(inputs, filters, kernel_size, strides=1, padding="valid",
           data_format="channels_last", dilation_rate=1, activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """A 1-D convolution layer (TF1 tf.layers.conv1d): kernel (k, in, filters).

        h = gc.layers.conv1d(seq, 16, 5, padding="same")    # (?, T, C) -> (?, T, 16)

    padding 'causal' left-pads the time axis (output t sees inputs up to t), as Keras.
    """
    return _conv_nd(1, "Conv1D", inputs, filters, kernel_size, strides, padding,
                    data_format, dilation_rate, activation, use_bias, kernel_initializer,
                    bias_initializer, kernel_regularizer, bias_regularizer,
                    activity_regularizer, kernel_constraint, bias_constraint, trainable,
                    name, reuse)


def conv3d(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1, 1), activation=None,
           use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """A 3-D convolution layer (TF1 tf.layers.conv3d): kernel (kd, kh, kw, in, filters).

        h = gc.layers.conv3d(volumes, 8, 3)    # (?, D, H, W, C) -> (?, D-2, H-2, W-2, 8)
    """
    return _conv_nd(3, "Conv3D", inputs, filters, kernel_size, strides, padding,
                    data_format, dilation_rate, activation, use_bias, kernel_initializer,
                    bias_initializer, kernel_regularizer, bias_regularizer,
                    activity_regularizer, kernel_constraint, bias_constraint, trainable,
                    name, reuse)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                     trainable=True, name=None, reuse=None):
    """A transposed 2-D convolution layer (TF1 tf.layers.conv2d_transpose): kernel
    (kh, kw, filters, in); the output is `strides` times larger, plus max(k - stride, 0)
    with 'valid'.

        up = gc.layers.conv2d_transpose(h, 16, 3, strides=2, padding="same")  # 7x7 -> 14x14
    """
    return _conv_nd(2, "Conv2DTranspose", inputs, filters, kernel_size, strides, padding,
                    data_format, 1, activation, use_bias, kernel_initializer,
                    bias_initializer, kernel_regularizer, bias_regularizer,
                    activity_regularizer, kernel_constraint, bias_constraint, trainable,
                    name, reuse, transpose=True)


def _pooling_nd(rank, pool, layer, inputs, pool_size, strides, padding, data_format, name):
    x = convert_to_tensor(inputs)
    size = _tuple(pool_size, rank, "pool_size", layer)
    s = _tuple(strides, rank, "strides", layer)
    pad, fmt = _padding(padding, layer), _format_nd(data_format, rank, layer)
    _rank(x, layer, want=rank + 2)
    with _layer_scope(name, layer, scope_is_name=False):
        if rank == 1:
            return pool(x, size[0], s[0], pad, data_format=fmt)
        return pool(x, _full(size, fmt), _full(s, fmt), pad, data_format=fmt)


def max_pooling1d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """The maximum over pool_size windows of (batch, length, channels) inputs (TF1).

        h = gc.layers.max_pooling1d(seq, 2, 2)     # (?, 10, C) -> (?, 5, C)
    """
    return _pooling_nd(1, _max_pool1d, "max_pooling1d", inputs, pool_size, strides,
                       padding, data_format, name)


def average_pooling1d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
    """The mean over pool_size windows of (batch, length, channels) inputs (TF1)."""
    return _pooling_nd(1, _avg_pool1d, "average_pooling1d", inputs, pool_size, strides,
                       padding, data_format, name)


def max_pooling3d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                  name=None):
    """The maximum over pool_size windows of (batch, d, h, w, channels) inputs (TF1)."""
    return _pooling_nd(3, _max_pool3d, "max_pooling3d", inputs, pool_size, strides,
                       padding, data_format, name)


def average_pooling3d(inputs, pool_size, strides, padding="valid",
                      data_format="channels_last", name=None):
    """The mean over pool_size windows of (batch, d, h, w, channels) inputs (TF1)."""
    return _pooling_nd(3, _avg_pool3d, "average_pooling3d", inputs, pool_size, strides,
                       padding, data_format, name)
