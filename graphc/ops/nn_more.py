"""More of TF1's tf.nn: one op and, as TF1 builds them, composites of existing ops.

Op: MaxPoolWithArgmax (max_pool_with_argmax: the pooled values and the flat index of
each window's first max; the values differentiate as max_pool's, through pool.py's
MaxPoolGrad / MaxPoolGradGrad).
Composites (their derivatives are those of the ops they use): the TF2-named pooling
wrappers (max_pool1d/2d, avg_pool1d/2d, max_pool_v2, avg_pool_v2) and the transposed
convolutions conv1d_transpose, conv_transpose and atrous_conv2d_transpose (on the conv
ops' backprop-input ops). dilation2d/erosion2d, relu_layer, weighted_moments,
safe_embedding_lookup_sparse and batch_norm_with_global_normalization are in
nn_composites.py.
"""
import collections

import numpy as np

from .. import dtypes
from ..graph import Tensor
from . import array as A
from .array_extra import depth_to_space, space_to_depth  # noqa: F401 (gc.nn names)
from .conv import hw_pair, window_attrs
from .conv3d import avg_pool3d, conv3d_transpose, max_pool3d
from .conv_extra import conv2d_transpose, shape_error
from .core import convert_to_tensor
from .elementwise import operands
from .join import concat
from .pool import (MAX_POOL_GRAD, MAX_POOL_GRAD_GRAD, _argmax_taps, _lowest, _taps, avg_pool,
                   infer_pool, max_pool)
from .registry import OpDef, apply, apply1, register

__all__ = ["space_to_depth", "depth_to_space", "max_pool_with_argmax", "max_pool1d",
           "max_pool2d", "avg_pool1d", "avg_pool2d", "max_pool_v2", "avg_pool_v2",
           "conv1d_transpose", "conv_transpose", "atrous_conv2d_transpose"]


# ---- max_pool_with_argmax ------------------------------------------------------------------
# argmax is the flat index of the max in its image, ((y * W) + x) * C + c, plus b * H * W * C
# with include_batch_in_index; (y, x) is the first maximal tap of the window in row-major
# order (padding never wins), the element max_pool's gradient goes to.
def _pool_attrs(attrs):
    """The attrs of the MaxPool* ops among those of a MaxPoolWithArgmax node."""
    return {k: attrs[k] for k in ("ksize", "strides", "padding", "data_format")}


def _infer_argmax_pool(ctx, x, *, include_batch_in_index, Targmax, **attrs):
    shape, dtype = infer_pool("numeric")(ctx, x, **attrs)
    return [(shape, dtype), (shape, Targmax)]


def _argmax_pool_kernel(x, *, include_batch_in_index, Targmax, **attrs):
    geo, tap = _argmax_taps(x, attrs)               # tap = a * kw + b, per output element
    n, h, w, c = x.shape
    _, oh, ow, _ = tap.shape
    a, b = np.divmod(tap, geo.k[1])
    rows = np.arange(oh)[:, None, None] * geo.strides[0] - geo.pads[1][0] + a
    cols = np.arange(ow)[None, :, None] * geo.strides[1] - geo.pads[2][0] + b
    flat = (rows * w + cols) * c + np.arange(c)     # (N, OH, OW, C): the max's position
    if include_batch_in_index:
        flat = flat + np.arange(n)[:, None, None, None] * (h * w * c)
    values = geo.windows(x, _lowest(x.dtype)).max(axis=_taps(x))
    return values, flat.astype(Targmax.np)


def _argmax_pool_vjp(node, gs):
    """The values' cotangent routed as max_pool's: max_pool_grad(x, y, g)."""
    if gs[0] is None:
        return [None]
    return [apply1(MAX_POOL_GRAD, (node.inputs[0], node.outputs[0], gs[0]),
                   **_pool_attrs(node.attrs))]


def _argmax_pool_jvp(node, ts):
    """dy = dx read at each window's argmax (max_pool_grad_grad); argmax has none."""
    if ts[0] is None:
        return None
    return [apply1(MAX_POOL_GRAD_GRAD, (node.inputs[0], node.outputs[0], ts[0]),
                   **_pool_attrs(node.attrs)), None]


MAX_POOL_WITH_ARGMAX = register(OpDef(
    "MaxPoolWithArgmax", _infer_argmax_pool, _argmax_pool_kernel, vjp=_argmax_pool_vjp,
    jvp=_argmax_pool_jvp, api="nn.max_pool_with_argmax",
    signature="nn.max_pool_with_argmax(input, ksize, strides, padding, data_format='NHWC', "
              "Targmax=None, name=None, output_dtype=None, include_batch_in_index=False)",
    shape_rule="(N, H, W, C) -> (N, OH, OW, C) twice; TF SAME/VALID",
    dtypes="numeric -> (same, Targmax: int64 default)",
    doc="max_pool and the flat index ((b*H + y)*W + x)*C + c of each max (b*H only with "
        "include_batch_in_index)."))

MaxPoolWithArgmax = collections.namedtuple("MaxPoolWithArgmax", ["output", "argmax"])


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", Targmax=None,
                         name=None, output_dtype=None, include_batch_in_index=False):
    """max_pool and where each max came from (TF1, NHWC only):

        y, idx = gc.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    idx[b, i, j, c] is (y * W + x) * C + c for the input pixel (y, x) of the window's first
    max, plus b * H * W * C with include_batch_in_index; int64 unless Targmax says int32."""
    if data_format != "NHWC":
        raise ValueError(f"max_pool_with_argmax: data_format must be 'NHWC', not "
                         f"{data_format!r}")
    if Targmax is not None and output_dtype is not None:
        raise ValueError("max_pool_with_argmax: give Targmax or output_dtype, not both")
    targmax = dtypes.as_dtype(Targmax or output_dtype or dtypes.int64)
    if targmax not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"max_pool_with_argmax: Targmax must be int32 or int64, not "
                        f"{targmax.name}")
    attrs = window_attrs(strides, padding, data_format)
    attrs["ksize"] = hw_pair(ksize, "ksize", data_format)
    node = apply(MAX_POOL_WITH_ARGMAX, (convert_to_tensor(input),), name=name,
                 include_batch_in_index=bool(include_batch_in_index), Targmax=targmax,
                 **attrs)
    return MaxPoolWithArgmax(*node.outputs)


# ---- pooling wrappers with TF2's names ----------------------------------------------------
def _sequence(value, n, channel_index, what):
    """TF's _get_sequence: an int, [v], n values or n + 2 values -> the n + 2 values with
    batch and channel entries 1."""
    if value is None:
        return [1] * (n + 2)
    v = [value] if isinstance(value, (int, np.integer)) else list(value)
    if len(v) == n + 2:
        return v
    if len(v) == 1:
        v = v * n
    elif len(v) != n:
        raise ValueError(f"{what} should be of length 1, {n} or {n + 2}, got {value!r}")
    return [1, 1] + v if channel_index == 1 else [1] + v + [1]


def _pool1d(pool2d, api, input, ksize, strides, padding, data_format, name):
    """A 1-D pool as TF builds it: the 2-D pool over a unit height dim."""
    data_format = data_format or "NWC"
    if data_format not in ("NWC", "NCW"):
        raise ValueError(f'{api}: data_format must be "NWC" or "NCW", not {data_format!r}')
    channel_index = 1 if data_format == "NCW" else 2
    ksize = [1] + _sequence(ksize, 1, channel_index, "ksize")
    strides = [1] + _sequence(strides, 1, channel_index, "strides")
    axis = 1 if data_format == "NWC" else 2
    x = A.expand_dims(convert_to_tensor(input), axis)
    y = pool2d(x, ksize, strides, padding, data_format="NHWC" if axis == 1 else "NCHW")
    return A.squeeze(y, [axis], name=name)


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Max over windows of the one spatial dim of (N, W, C) ("NWC") or (N, C, W) ("NCW"):
    `gc.nn.max_pool1d(x, 2, 2, "VALID")`."""
    return _pool1d(max_pool, "max_pool1d", input, ksize, strides, padding, data_format, name)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Mean over windows of the one spatial dim (of the real inputs only, under SAME)."""
    return _pool1d(avg_pool, "avg_pool1d", input, ksize, strides, padding, data_format, name)


def _pool2d(pool, input, ksize, strides, padding, data_format, name):
    data_format = data_format or "NHWC"
    channel_index = 1 if data_format.startswith("NC") else 3
    return pool(input, _sequence(ksize, 2, channel_index, "ksize"),
                _sequence(strides, 2, channel_index, "strides"), padding,
                data_format=data_format, name=name)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """max_pool with ksize and strides an int, [h, w] or a 4-list:
    `gc.nn.max_pool2d(x, 2, 2, "SAME")`."""
    return _pool2d(max_pool, input, ksize, strides, padding, data_format,
                   name or "MaxPool2d")                 # TF's name for this entry point


def avg_pool2d(value, ksize, strides, padding, data_format="NHWC", name=None, input=None):
    """avg_pool with ksize and strides an int, [h, w] or a 4-list (TF1's second name)."""
    return _pool2d(avg_pool, input if value is None else value, ksize, strides, padding,
                   data_format, name or "AvgPool2D")


def _pool_nd(api, pools, input, ksize, strides, padding, data_format, name):
    """Dispatch on the number n of spatial dims: input's rank - 2, else len(data_format) - 2."""
    x = convert_to_tensor(input)
    if x.shape.rank is not None:
        n = x.shape.rank - 2
    elif data_format is not None:
        n = len(data_format) - 2
    else:
        raise ValueError(f"{api}: the input must have a known rank or data_format be given")
    if not 1 <= n <= 3:
        shape_error(api, f"the input must have rank 3, 4 or 5, not {n + 2}", x)
    channel_index = 1 if data_format is not None and data_format.startswith("NC") else n + 1
    ksize = _sequence(ksize, n, channel_index, "ksize")
    strides = _sequence(strides, n, channel_index, "strides")
    if n == 1:
        return pools[0](x, ksize, strides, padding, data_format=data_format, name=name)
    fmt = data_format or ("NHWC" if n == 2 else "NDHWC")
    return pools[n - 1](x, ksize, strides, padding, data_format=fmt, name=name)


def max_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """N-D max pooling, N = rank - 2 = 1, 2 or 3 (TF2's tf.nn.max_pool):
    `gc.nn.max_pool_v2(x, 3, 2, "SAME")`."""
    return _pool_nd("max_pool_v2", (max_pool1d, max_pool, max_pool3d), input, ksize, strides,
                    padding, data_format, name)


def avg_pool_v2(input, ksize, strides, padding, data_format=None, name=None):
    """N-D average pooling, N = rank - 2 = 1, 2 or 3 (TF2's tf.nn.avg_pool)."""
    return _pool_nd("avg_pool_v2", (avg_pool1d, avg_pool, avg_pool3d), input, ksize, strides,
                    padding, data_format, name)


# ---- transposed convolutions ---------------------------------------------------------------
def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC",
                     dilations=None, name=None):
    """The transpose of conv1d, as TF builds it (conv2d_transpose over a unit height dim):

        y = gc.nn.conv1d_transpose(x, W, [8, 20, 3], 2)
    x (8, 10, 16) and W (kw, 3, 16) -- [width, output_channels, in_channels] -- give
    y of output_shape, (8, 20, 3)."""
    if data_format in (None, "NWC"):
        fmt, axis, channel_index = "NHWC", 1, 2
    elif data_format == "NCW":
        fmt, axis, channel_index = "NCHW", 2, 1
    else:
        raise ValueError(f'conv1d_transpose: data_format must be "NWC" or "NCW", not '
                         f"{data_format!r}")
    strides = [1] + _sequence(strides, 1, channel_index, "strides")
    dilations = [1] + _sequence(dilations, 1, channel_index, "dilations")
    x, f = operands(input, filters, "conv1d_transpose")
    if isinstance(output_shape, Tensor):
        sizes = A._shape_tensor(output_shape)
        one = convert_to_tensor([1], dtype=sizes.dtype)
        sizes = concat([sizes[:axis], one, sizes[axis:]], 0)
    else:
        sizes = list(output_shape)
        sizes = sizes[:axis] + [1] + sizes[axis:]
    y = conv2d_transpose(A.expand_dims(x, axis), A.expand_dims(f, 0), sizes, strides, padding,
                         data_format=fmt, dilations=dilations)
    return A.squeeze(y, [axis], name=name)


def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None,
                   dilations=None, name=None):
    """The transpose of convolution, N = len(output_shape) - 2 = 1, 2 or 3 spatial dims:

        y = gc.nn.conv_transpose(x, W, [8, 14, 14, 3], 2)"""
    if isinstance(output_shape, Tensor):
        n = output_shape.shape._dims[0] if output_shape.shape.rank == 1 else None
        if not isinstance(n, int):
            raise ValueError("conv_transpose: output_shape must have a known length")
        n -= 2
    else:
        n = len(output_shape) - 2
    if not 1 <= n <= 3:
        raise ValueError(f"conv_transpose: output_shape must have 3, 4 or 5 entries, not "
                         f"{n + 2}")
    if n == 1:
        return conv1d_transpose(input, filters, output_shape, strides, padding,
                                data_format=data_format, dilations=dilations, name=name)
    op = conv2d_transpose if n == 2 else conv3d_transpose
    fmt = data_format or ("NHWC" if n == 2 else "NDHWC")
    channel_index = 1 if fmt.startswith("NC") else n + 1
    return op(input, filters, output_shape, _sequence(strides, n, channel_index, "strides"),
              padding, data_format=fmt, name=name,
              dilations=_sequence(dilations, n, channel_index, "dilations"))


def atrous_conv2d_transpose(value, filters, output_shape, rate, padding, name=None):
    """The transpose of atrous_conv2d: conv2d_transpose with dilations [1, rate, rate, 1]
    and strides 1 (TF1):

        y = gc.nn.atrous_conv2d_transpose(x, W, [8, 14, 14, 3], rate=2, padding="SAME")"""
    if isinstance(rate, bool) or int(rate) != rate or rate < 1:
        raise ValueError(f"atrous_conv2d_transpose: rate must be an int >= 1, not {rate!r}")
    rate = int(rate)
    return conv2d_transpose(value, filters, output_shape, [1, 1, 1, 1], padding,
                            dilations=[1, rate, rate, 1], name=name)
