"""conv2d_transpose and conv1d (TF1 tf.nn), built as TF1 builds them: conv2d_transpose is
conv2d_backprop_input with value as the cotangent; conv1d is conv2d on a unit height dim.
No new ops: both differentiate through conv.py's three ops.
"""
import numpy as np

from .. import errors
from ..graph import Tensor
from .array import _shape_tensor, expand_dims, squeeze
from .conv import _format, conv2d, conv2d_backprop_input
from .core import convert_to_tensor
from .elementwise import operands

__all__ = ["conv2d_transpose", "conv1d", "extract_image_patches"]


def shape_error(api, msg, t):
    """Raise a ShapeError from `api` about tensor t, naming it and the user's line."""
    raise errors.ShapeError(f"{api}: {msg}\n  {errors.describe_tensor(t, t.node.name)}"
                            + errors.called_at(api))


def _dim(t, k):
    return t.shape._dims[k] if t.shape.rank is not None else None


def _clash(a, b):
    return isinstance(a, int) and isinstance(b, int) and a != b


def conv2d_transpose(value=None, filter=None, output_shape=None, strides=None,
                     padding="SAME", data_format="NHWC", name=None, input=None,
                     filters=None, dilations=None):
    """The transpose of conv2d (the gradient of conv2d with respect to its input), TF1:

        y = gc.nn.conv2d_transpose(x, W, [8, 14, 14, 3], [1, 2, 2, 1], "SAME")
    x (8, 7, 7, 16) and W (kh, kw, 3, 16) -- [height, width, output_channels,
    in_channels] -- give y of output_shape, (8, 14, 14, 3)."""
    return conv_transpose("conv2d_transpose", conv2d_backprop_input, _format(data_format),
                          input if value is None else value,
                          filters if filter is None else filter, output_shape, strides,
                          padding, dilations, name)


def conv_transpose(api, backprop_input, data_format, value, filter, output_shape, strides,
                   padding, dilations, name):
    """conv{2,3}d_transpose: backprop_input(output_shape, filter, value), after checking
    ranks and channel counts against the filter [spatial..., output_channels,
    in_channels] (its rank is that of data_format)."""
    if value is None or filter is None or output_shape is None or strides is None:
        raise TypeError(f"{api} needs value, filter, output_shape and strides")
    rank = len(data_format)
    x, f = operands(value, filter, api)
    axis = data_format.index("C")
    spatial = ", ".join(("depth", "height", "width")[5 - rank:])
    if f.shape.rank not in (rank, None):
        shape_error(api, f"the filter must have rank {rank}: [{spatial}, output_channels, "
                    "in_channels]", f)
    if x.shape.rank not in (rank, None):
        shape_error(api, f"value must have rank {rank} ({data_format})", x)
    if _clash(_dim(x, axis), _dim(f, rank - 1)):
        shape_error(api, f"value has {_dim(x, axis)} channels but the filter "
                    f"'{f.node.name}' (of shape {f.shape}) expects {_dim(f, rank - 1)} (its "
                    f"dim {rank - 1})", x)
    sizes = _shape_tensor(output_shape, api, "output_shape")
    if sizes.shape.rank != 1 or sizes.shape._dims[0] not in (rank, None):
        shape_error(api, f"output_shape must be a vector of {rank} sizes", sizes)
    if isinstance(output_shape, (list, tuple, np.ndarray)) and not isinstance(
            output_shape[axis], Tensor) and _clash(int(output_shape[axis]), _dim(f, rank - 2)):
        shape_error(api, f"output_shape {list(output_shape)} asks for "
                    f"{output_shape[axis]} channels but the filter makes {_dim(f, rank - 2)} "
                    f"(its dim {rank - 2})", f)
    return backprop_input(sizes, f, x, strides, padding, data_format=data_format,
                          dilations=dilations, name=name)


def _sequence(value, name):
    """TF1's _get_sequence for one spatial dim: an int, [v] or [1, v, 1] -> v."""
    if value is None:
        return 1
    if isinstance(value, Tensor):
        raise TypeError(f"conv1d: {name} must be known when the graph is built")
    v = [value] if np.ndim(value) == 0 else list(value)
    if len(v) == 3:
        return v
    if len(v) != 1:
        raise ValueError(f"conv1d: {name} should be of length 1 or 3 but was {len(v)}")
    return int(v[0])


def conv1d(value=None, filters=None, stride=None, padding=None, use_cudnn_on_gpu=None,
           data_format=None, name=None, input=None, dilations=None):
    """1-D cross-correlation, TF1 semantics (conv2d on a unit height dim):

        y = gc.nn.conv1d(x, W, stride=2, padding="SAME")
    x (N, W, C) and W (kw, C, O) give (N, ceil(W / 2), O); "NCW" is (N, C, W)."""
    value = input if value is None else value
    if value is None or filters is None or stride is None or padding is None:
        raise TypeError("conv1d needs value, filters, stride and padding")
    if data_format in (None, "NWC", "NHWC"):
        data_format, spatial, width = "NHWC", 1, 2
    elif data_format in ("NCW", "NCHW"):
        data_format, spatial, width = "NCHW", 2, 3
    else:
        raise ValueError(f'conv1d: data_format must be "NWC" or "NCW", not {data_format!r}')
    x, f = operands(value, filters, "conv1d")
    if x.shape.rank not in (3, None):
        shape_error("conv1d", "value must have rank 3: [batch, width, channels] (NWC) or "
                    "[batch, channels, width] (NCW)", x)
    if f.shape.rank not in (3, None):
        shape_error("conv1d", "filters must have rank 3: [width, in_channels, out_channels]",
                    f)
    strides, rates = [1, 1, 1, 1], [1, 1, 1, 1]
    for out, v, what in ((strides, stride, "stride"), (rates, dilations, "dilations")):
        s = _sequence(v, what)
        if isinstance(s, list):                 # [1, v, 1] (NWC) or [1, 1, v] (NCW)
            c = 2 if spatial == 1 else 1
            if s[0] != 1 or s[c] != 1:
                raise ValueError(f"conv1d: {what} {s}: the batch and channel entries must "
                                 "be 1")
            s = int(s[3 - c])
        out[width] = s
    y = conv2d(expand_dims(x, spatial), expand_dims(convert_to_tensor(f), 0), strides,
               padding, data_format=data_format, dilations=rates)
    return squeeze(y, [spatial], name=name)


def extract_image_patches(images, ksizes, strides, rates, padding, name=None, sizes=None):
    """The kh x kw patches of NHWC images (TF1), each flattened into the depth dim in
    [ksize_rows, ksize_cols, depth] order: (N, OH, OW, kh * kw * C), the windows, strides,
    rates (dilations) and SAME/VALID padding of conv2d. Built as conv2d with a one-hot
    filter, so it differentiates like conv2d (float images; the channels must be known).

        p = gc.extract_image_patches(x, [1, 3, 3, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    """
    ksizes = sizes if ksizes is None else ksizes
    x = convert_to_tensor(images)
    if x.shape.rank not in (4, None):
        shape_error("extract_image_patches", "images must have rank 4 (NHWC)", x)
    if x.dtype.is_integer:      # uint8 images (TF1): the patches of float64, exact to 2^53
        from .cast import cast
        from .elementwise import round as round_
        p = extract_image_patches(cast(x, "float64"), ksizes, strides, rates, padding)
        return cast(round_(p), x.dtype, name=name or "ExtractImagePatches")
    c = _dim(x, 3)
    kh, kw = (int(k) for k in (ksizes[1:3] if len(ksizes) == 4 else ksizes))
    if isinstance(c, int):
        eye = np.eye(kh * kw * c, dtype=x.dtype.np).reshape(kh, kw, c, kh * kw * c)
        return conv2d(x, convert_to_tensor(eye), strides, padding, dilations=rates,
                      name=name or "ExtractImagePatches")
    # channels known at run time only: each channel an image of one channel, its
    # patches (kh * kw of them) then interleaved back as [rows, cols, depth]
    from .array import concat, reshape, shape, transpose
    s = shape(x)
    one = reshape(transpose(x, [0, 3, 1, 2]), concat([[-1], s[1:3], [1]], 0))
    eye = np.eye(kh * kw, dtype=x.dtype.np).reshape(kh, kw, 1, kh * kw)
    p = conv2d(one, convert_to_tensor(eye), strides, padding, dilations=rates)
    p = transpose(reshape(p, concat([s[:1], s[3:], shape(p)[1:]], 0)), [0, 2, 3, 4, 1])
    return reshape(p, concat([shape(p)[:3], [-1]], 0), name=name or "ExtractImagePatches")
