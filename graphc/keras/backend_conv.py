"""gc.keras.backend's convolution, pooling, resizing and padding functions
(tf.compat.v1.keras.backend). data_format is 'channels_last' or 'channels_first'
(default: image_data_format()); channels_first inputs are transposed to channels_last,
computed, and transposed back, as TF's CPU kernels make Keras do.

    K = gc.keras.backend
    y = K.conv2d(x, kernel, strides=(2, 2), padding="same")
    y = K.pool2d(y, (2, 2), pool_mode="avg")
"""
import itertools

import numpy as np

import graphc as gc
from ..graph import Tensor
from ..ops.image_resize import resize_images_v2
from .backend import int_shape
from .backend_ops import batch_dot, image_data_format, repeat_elements

__all__ = ["conv1d", "conv2d", "conv2d_transpose", "conv3d", "depthwise_conv2d",
           "separable_conv2d", "pool2d", "pool3d", "local_conv1d", "local_conv2d",
           "bias_add", "resize_images", "resize_volumes", "temporal_padding",
           "spatial_2d_padding", "spatial_3d_padding"]

_LAST = {3: "NWC", 4: "NHWC", 5: "NDHWC"}


def _format(data_format):
    data_format = image_data_format() if data_format is None else data_format
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format}")
    return data_format


def _padding(padding):
    if padding == "same":
        return "SAME"
    if padding == "valid":
        return "VALID"
    raise ValueError(f"Invalid padding: {padding}")


def _to_last(x, data_format):
    """x in channels_last order (channels_first inputs transposed)."""
    if data_format == "channels_first":
        n = x.shape.ndims
        return gc.transpose(x, [0] + list(range(2, n)) + [1])
    return x


def _from_last(x, data_format):
    if data_format == "channels_first":
        n = x.shape.ndims
        return gc.transpose(x, [0, n - 1] + list(range(1, n - 1)))
    return x


def _conv(x, kernel, strides, padding, data_format, dilation_rate):
    data_format = _format(data_format)
    padding = _padding(padding)
    x = _to_last(gc.convert_to_tensor(x), data_format)
    y = gc.nn.convolution(x, kernel, padding, strides=strides, dilation_rate=dilation_rate,
                          data_format=_LAST[x.shape.ndims])
    return _from_last(y, data_format)


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """1D convolution of x (batch, steps, channels) with kernel (k, in, out); padding
    'valid', 'same' or 'causal' (left padding of dilation_rate * (k - 1), applied to
    axis 1 before any channels_first transpose, as TF1 Keras).

        K.conv1d(x, kernel, padding="causal")
    """
    kernel_shape = kernel.shape.as_list()
    if padding == "causal":
        x = temporal_padding(x, (dilation_rate * (kernel_shape[0] - 1), 0))
        padding = "valid"
    return _conv(x, kernel, (strides,), padding, data_format, (dilation_rate,))


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1)):
    """2D convolution with kernel (kh, kw, in, out).

        K.conv2d(images, kernel, strides=(2, 2), padding="same")
    """
    return _conv(x, kernel, tuple(strides), padding, data_format, tuple(dilation_rate))


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    """3D convolution with kernel (kd, kh, kw, in, out)."""
    return _conv(x, kernel, tuple(strides), padding, data_format, tuple(dilation_rate))


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    """The transpose of conv2d: kernel (kh, kw, out, in), output_shape the full output
    shape in data_format order (its batch may be None).

        K.conv2d_transpose(x, kernel, (None, 8, 8, 3), strides=(2, 2), padding="same")
    """
    data_format = _format(data_format)
    x = _to_last(gc.convert_to_tensor(x), data_format)
    if isinstance(output_shape, (tuple, list)):
        output_shape = tuple(output_shape)
        if data_format == "channels_first":
            output_shape = (output_shape[0],) + output_shape[2:] + (output_shape[1],)
        if output_shape[0] is None:
            output_shape = (gc.shape(x)[0],) + output_shape[1:]
        output_shape = gc.stack(list(output_shape))
    elif data_format == "channels_first":
        output_shape = gc.gather(output_shape, [0, 2, 3, 1])
    padding = _padding(padding)
    if tuple(dilation_rate) == (1, 1):
        y = gc.nn.conv2d_transpose(x, kernel, output_shape, (1,) + tuple(strides) + (1,),
                                   padding=padding)
    else:
        if dilation_rate[0] != dilation_rate[1]:
            raise ValueError(f"Expected the 2 dimensions of the `dilation_rate` argument "
                             f"to be equal to each other. Received: dilation_rate="
                             f"{dilation_rate}")
        y = gc.nn.atrous_conv2d_transpose(x, kernel, output_shape, rate=dilation_rate[0],
                                          padding=padding)
    return _from_last(y, data_format)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    """Depthwise 2D convolution with kernel (kh, kw, in, multiplier)."""
    data_format = _format(data_format)
    x = _to_last(gc.convert_to_tensor(x), data_format)
    y = gc.nn.depthwise_conv2d(x, depthwise_kernel, (1,) + tuple(strides) + (1,),
                               _padding(padding), rate=tuple(dilation_rate))
    return _from_last(y, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding="valid", data_format=None, dilation_rate=(1, 1)):
    """A depthwise convolution followed by a 1x1 one (pointwise_kernel
    (1, 1, in * multiplier, out))."""
    data_format = _format(data_format)
    if len(tuple(strides)) != 2:
        raise ValueError(f"`strides` must be a tuple of 2 integers. Received: "
                         f"strides={strides}")
    x = _to_last(gc.convert_to_tensor(x), data_format)
    y = gc.nn.separable_conv2d(x, depthwise_kernel, pointwise_kernel,
                               (1,) + tuple(strides) + (1,), _padding(padding),
                               rate=tuple(dilation_rate))
    return _from_last(y, data_format)


def _pool(x, pool_size, strides, padding, data_format, pool_mode, n):
    data_format = _format(data_format)
    if len(tuple(pool_size)) != n or len(tuple(strides)) != n:
        raise ValueError(f"`pool_size` and `strides` must be tuples of {n} integers. "
                         f"Received: pool_size={pool_size}, strides={strides}")
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pooling mode: {pool_mode}")
    x = _to_last(gc.convert_to_tensor(x), data_format)
    ksize, strides = (1,) + tuple(pool_size) + (1,), (1,) + tuple(strides) + (1,)
    padding = _padding(padding)
    if n == 2:
        fn = gc.nn.max_pool if pool_mode == "max" else gc.nn.avg_pool
    else:
        fn = gc.nn.max_pool3d if pool_mode == "max" else gc.nn.avg_pool3d
    return _from_last(fn(x, ksize, strides, padding), data_format)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None,
           pool_mode="max"):
    """2D max ('max') or average ('avg') pooling.

        K.pool2d(x, (2, 2), strides=(2, 2), pool_mode="avg")
    """
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 2)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None,
           pool_mode="max"):
    """3D max ('max') or average ('avg') pooling."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, 3)


def _local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format):
    """Unshared-weight convolution: one (patch_size, out) kernel per output position."""
    data_format = _format(data_format)
    kernel_shape = int_shape(kernel)
    feature_dim, channels_out = kernel_shape[1], kernel_shape[-1]
    nd = len(output_shape)
    patches = []
    for position in itertools.product(*(range(n) for n in output_shape)):
        slices = [slice(None)] + ([slice(None)] if data_format == "channels_first" else [])
        slices += [slice(position[d] * strides[d], position[d] * strides[d] + kernel_size[d])
                   for d in range(nd)]
        if data_format == "channels_last":
            slices.append(slice(None))
        patches.append(gc.reshape(inputs[tuple(slices)], [1, -1, feature_dim]))
    out = batch_dot(gc.concat(patches, 0), kernel)
    out = gc.reshape(out, list(output_shape) + [-1, channels_out])
    if data_format == "channels_first":
        perm = [nd, nd + 1] + list(range(nd))
    else:
        perm = [nd] + list(range(nd)) + [nd + 1]
    return gc.transpose(out, perm)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """LocallyConnected1D's product: kernel (output_length, k * in, out).

        K.local_conv1d(x, kernel, (3,), (1,))
    """
    return _local_conv(inputs, kernel, kernel_size, strides, (int_shape(kernel)[0],),
                       data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """LocallyConnected2D's product: kernel (rows * cols, kh * kw * in, out),
    output_shape (rows, cols)."""
    return _local_conv(inputs, kernel, kernel_size, strides, tuple(output_shape),
                       data_format)


def bias_add(x, bias, data_format=None):
    """x + bias on the channel axis; a bias of rank ndim(x) - 1 is added per position.

        K.bias_add(x, b, data_format="channels_first")
    """
    data_format = _format(data_format)
    x = gc.convert_to_tensor(x)
    bias_shape = tuple(int_shape(bias))
    nd = x.shape.ndims
    if len(bias_shape) != 1 and len(bias_shape) != nd - 1:
        raise ValueError(f"Unexpected bias dimensions {len(bias_shape)}. Expected it to "
                         f"be 1 or {nd - 1} dimensions")
    if len(bias_shape) == 1:
        fmt = "NCHW" if data_format == "channels_first" else "NHWC"
        return gc.nn.bias_add(x, bias, data_format=fmt)
    if nd in (3, 4, 5):
        if data_format == "channels_first":
            return x + gc.reshape(bias, (1, bias_shape[-1]) + bias_shape[:-1])
        return x + gc.reshape(bias, (1,) + bias_shape)
    return gc.nn.bias_add(x, bias)


_METHODS = ("area", "bicubic", "bilinear", "gaussian", "lanczos3", "lanczos5",
            "mitchellcubic", "nearest")


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    """Images scaled by integer factors with TF 2's tf.image.resize (half-pixel centers,
    no antialias): 'nearest' keeps the dtype, the other methods give float32.

        K.resize_images(x, 2, 2, "channels_last")                 # (n, 2h, 2w, c)
        K.resize_images(x, 2, 2, "channels_last", "lanczos3")     # ScaleAndTranslate
    """
    if data_format == "channels_first":
        rows, cols = 2, 3
    elif data_format == "channels_last":
        rows, cols = 1, 2
    else:
        raise ValueError(f"Invalid `data_format` argument: {data_format}")
    if interpolation not in _METHODS:
        raise ValueError(f"`interpolation` argument should be one of: {list(_METHODS)}. "
                         f"Received: \"{interpolation}\".")
    x = gc.convert_to_tensor(x)
    static = x.shape.as_list()[rows:cols + 1] if x.shape.ndims is not None else [None]
    if all(d is not None for d in static):
        size = gc.constant(static, dtype=gc.int32)
    else:
        size = gc.shape(x)[rows:cols + 1]
    size = size * gc.constant(np.array([height_factor, width_factor], dtype="int32"))
    if data_format == "channels_first":
        x = gc.transpose(x, [0, 2, 3, 1])
    x = resize_images_v2(x, size, method=interpolation)
    if data_format == "channels_first":
        x = gc.transpose(x, [0, 3, 1, 2])
    return x


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    """Each voxel repeated depth/height/width_factor times along its axes."""
    if data_format == "channels_first":
        axes = (2, 3, 4)
    elif data_format == "channels_last":
        axes = (1, 2, 3)
    else:
        raise ValueError(f"Invalid data_format: {data_format}")
    for axis, factor in zip(axes, (depth_factor, height_factor, width_factor)):
        x = repeat_elements(x, factor, axis=axis)
    return x


def _pairs(padding, n, what):
    padding = tuple(tuple(p) for p in padding)
    if len(padding) != n or any(len(p) != 2 for p in padding):
        raise ValueError(f"{what}: `padding` should be {n} pairs of integers. "
                         f"Received: padding={padding}")
    return [list(p) for p in padding]


def temporal_padding(x, padding=(1, 1)):
    """Zeros added before/after axis 1 of (batch, steps, features)."""
    if len(tuple(padding)) != 2:
        raise ValueError(f"temporal_padding: `padding` should be a pair of integers. "
                         f"Received: padding={padding}")
    return gc.pad(x, [[0, 0], list(padding), [0, 0]])


def _spatial_padding(x, padding, data_format, n, what):
    data_format = _format(data_format)
    pattern = _pairs(padding, n, what)
    if data_format == "channels_first":
        return gc.pad(x, [[0, 0], [0, 0]] + pattern)
    return gc.pad(x, [[0, 0]] + pattern + [[0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    """Zeros around the rows and columns: K.spatial_2d_padding(x, ((1, 1), (2, 2)))."""
    return _spatial_padding(x, padding, data_format, 2, "spatial_2d_padding")


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    """Zeros around the three spatial axes."""
    return _spatial_padding(x, padding, data_format, 3, "spatial_3d_padding")


del Tensor
