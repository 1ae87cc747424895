"""More of TF1's tf.layers: separable_conv1d, separable_conv2d, conv3d_transpose, their
classes (SeparableConv1D, SeparableConv2D, Conv3DTranspose) and InputSpec, the input
contract a layer object checks on each call; re-exported by graphc/layers.py.

    h = gc.layers.separable_conv2d(images, 32, 3, depth_multiplier=2, padding="same")
    # variables separable_conv2d/depthwise_kernel (3, 3, C, 2),
    #           separable_conv2d/pointwise_kernel (1, 1, 2C, 32), separable_conv2d/bias
    up = gc.layers.conv3d_transpose(volumes, 8, 3, strides=2, padding="same")
"""
from . import dtypes, errors
from .graph import Tensor
from .initializers import zeros_initializer
from .layers_classes import _Conv
from .layers_conv import _format_nd, _full, _tuple
from .layers_utils import (_bias, _causal, _finish, _float_input, _known, _layer_scope,
                           _padding, _positive_int, _rank, layer_variable)
from .ops.array import expand_dims, shape as shape_of, squeeze
from .ops.conv3d import conv3d_transpose as _nn_conv3d_transpose
from .ops.core import convert_to_tensor
from .ops.depthwise import separable_conv2d as _nn_separable_conv2d
from .ops.join import stack

__all__ = ["separable_conv1d", "separable_conv2d", "conv3d_transpose", "SeparableConv1D",
           "SeparableConv2D", "Conv3DTranspose", "InputSpec", "SeparableConvolution2D",
           "Convolution3DTranspose"]


# ---- InputSpec ---------------------------------------------------------------------------
class InputSpec:
    """What a layer accepts: dtype, shape, ndim, max_ndim, min_ndim and axes ({axis: size})
    (TF1 tf.layers.InputSpec(dtype=None, shape=None, ndim=None, max_ndim=None,
    min_ndim=None, axes=None, allow_last_axis_squeeze=False, name=None)).

        spec = gc.layers.InputSpec(ndim=4, axes={-1: 3})
        layer.input_spec = spec       # checked on each call of the layers in this module
    A shape sets ndim; axes' keys must be ints below ndim (or max_ndim).
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None, allow_last_axis_squeeze=False, name=None):
        self.dtype = dtypes.as_dtype(dtype).name if dtype is not None else None
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(self.shape) if shape is not None else ndim
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.allow_last_axis_squeeze, self.name = allow_last_axis_squeeze, name
        try:
            self.axes = {int(k): v for k, v in (axes or {}).items()}
        except (ValueError, TypeError):
            raise TypeError("The keys in axes must be integers.") from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            top = (self.ndim if self.ndim else self.max_ndim) - 1
            if max(self.axes) > top:
                raise ValueError(f"Axis {max(self.axes)} is greater than the maximum "
                                 f"allowed value: {top}")

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in (("dtype", self.dtype), ("shape", self.shape),
                                          ("ndim", self.ndim), ("max_ndim", self.max_ndim),
                                          ("min_ndim", self.min_ndim), ("axes", self.axes))
                 if v]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {"dtype": self.dtype, "shape": self.shape, "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": self.axes}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Raise a ValueError naming the layer when `inputs` (a tensor or a list) break
    `input_spec` (one InputSpec or a list, one per input); unknown ranks pass."""
    if not input_spec:
        return
    specs = list(input_spec) if isinstance(input_spec, (list, tuple)) else [input_spec]
    flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if len(flat) != len(specs):
        raise ValueError(f"Layer {layer_name} expects {len(specs)} input(s), but it "
                         f"received {len(flat)} input tensors. Inputs received: {flat}")
    for i, (x, spec) in enumerate(zip(flat, specs)):
        if spec is not None:
            _check_one(spec, convert_to_tensor(x), i, layer_name)


def _check_one(spec, x, i, layer_name):
    head = f"Input {i} of layer {layer_name} is incompatible with the layer: "
    if spec.dtype is not None and x.dtype.name != spec.dtype:
        raise ValueError(head + f"expected dtype={spec.dtype}, found dtype={x.dtype.name}")
    if x.shape._dims is None:
        return                          # an unknown rank: nothing more to check yet
    dims = tuple(x.graph.dims.resolve(d) for d in x.shape._dims)
    rank = len(dims)
    if spec.ndim is not None and not spec.allow_last_axis_squeeze and rank != spec.ndim:
        raise errors.ShapeError(head + f"expected ndim={spec.ndim}, found ndim={rank}. "
                                f"Full shape received: {dims}")
    if spec.max_ndim is not None and rank > spec.max_ndim:
        raise errors.ShapeError(head + f"expected max_ndim={spec.max_ndim}, found "
                                f"ndim={rank}")
    if spec.min_ndim is not None and rank < spec.min_ndim:
        raise errors.ShapeError(head + f": expected min_ndim={spec.min_ndim}, found "
                                f"ndim={rank}. Full shape received: {dims}")
    for axis, value in spec.axes.items():
        if value is not None and -rank <= axis < rank and dims[axis] not in (value, None):
            raise errors.ShapeError(head + f"expected axis {axis} of input shape to have "
                                    f"value {value} but received input with shape {dims}")
    if spec.shape is not None and any(a is not None and b is not None and a != b
                                      for a, b in zip(spec.shape, dims)):
        raise errors.ShapeError(f"Input {i} is incompatible with layer {layer_name}: "
                                f"expected shape={spec.shape}, found shape={dims}")


# ---- the functional layers ---------------------------------------------------------------
def _separable(rank, layer, inputs, filters, kernel_size, strides, padding, data_format,
               dilation_rate, depth_multiplier, activation, use_bias, depthwise_initializer,
               pointwise_initializer, bias_initializer, depthwise_regularizer,
               pointwise_regularizer, bias_regularizer, activity_regularizer,
               depthwise_constraint, pointwise_constraint, bias_constraint, trainable, name,
               reuse):
    """separable_conv1d and separable_conv2d: a depthwise convolution (depth_multiplier
    filters per input channel), then a 1x1 one mixing the channels, then the bias; the
    1-D layer runs as a 2-D one on a height of 1."""
    base = f"separable_conv{rank}d"
    x = _float_input(inputs, layer)
    filters = _positive_int(filters, "filters", base)
    multiplier = _positive_int(depth_multiplier, "depth_multiplier", base)
    k = _tuple(kernel_size, rank, "kernel_size", base)
    s = _tuple(strides, rank, "strides", base)
    d = _tuple(dilation_rate, rank, "dilation_rate", base)
    fmt = _format_nd(data_format, rank, base)
    _rank(x, layer, want=rank + 2)
    last = fmt.endswith("C")
    x, pad = _causal(x, padding, rank, 1 if last else 2, k[0], d[0], base)
    channels = _known(x, -1 if last else 1, layer, "channel")
    with _layer_scope(name, base, reuse):
        depthwise = layer_variable("depthwise_kernel", list(k) + [channels, multiplier],
                                   x.dtype, depthwise_initializer, depthwise_regularizer,
                                   trainable=trainable, constraint=depthwise_constraint)
        pointwise = layer_variable("pointwise_kernel",
                                   [1] * rank + [channels * multiplier, filters], x.dtype,
                                   pointwise_initializer, pointwise_regularizer,
                                   trainable=trainable, constraint=pointwise_constraint)
        bias = _bias(filters, x.dtype, use_bias, bias_initializer, bias_regularizer,
                     bias_constraint, trainable)
        if rank == 2:
            outputs = _nn_separable_conv2d(x, depthwise, pointwise, _full(s, fmt), pad,
                                           rate=d, data_format=fmt)
            return _finish(outputs, bias, activation, activity_regularizer, fmt)
        time = 1 if last else 2
        fmt2 = "NHWC" if last else "NCHW"
        outputs = _nn_separable_conv2d(expand_dims(x, time), expand_dims(depthwise, 0),
                                       expand_dims(pointwise, 0), _full((1, s[0]), fmt2),
                                       pad, rate=(1, d[0]), data_format=fmt2)
        return _finish(squeeze(outputs, [time]), bias, activation, activity_regularizer,
                       fmt)


def separable_conv1d(inputs, filters, kernel_size, strides=1, padding="valid",
                     data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=zeros_initializer(),
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """A depthwise separable 1-D convolution layer (TF1 tf.layers.separable_conv1d):
    depthwise_kernel (k, in, depth_multiplier), pointwise_kernel
    (1, in * depth_multiplier, filters), bias (filters,). padding may also be 'causal'.

        h = gc.layers.separable_conv1d(seq, 16, 5, padding="causal")  # (?, T, C) -> (?, T, 16)
    """
    return _separable(1, "SeparableConv1D", inputs, filters, kernel_size, strides, padding,
                      data_format, dilation_rate, depth_multiplier, activation, use_bias,
                      depthwise_initializer, pointwise_initializer, bias_initializer,
                      depthwise_regularizer, pointwise_regularizer, bias_regularizer,
                      activity_regularizer, depthwise_constraint, pointwise_constraint,
                      bias_constraint, trainable, name, reuse)


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                     activation=None, use_bias=True, depthwise_initializer=None,
                     pointwise_initializer=None, bias_initializer=zeros_initializer(),
                     depthwise_regularizer=None, pointwise_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """A depthwise separable 2-D convolution layer (TF1 tf.layers.separable_conv2d):
    depthwise_kernel (kh, kw, in, depth_multiplier), pointwise_kernel
    (1, 1, in * depth_multiplier, filters), bias (filters,).

        h = gc.layers.separable_conv2d(images, 32, 3, padding="same", activation=gc.nn.relu)
    """
    return _separable(2, "SeparableConv2D", inputs, filters, kernel_size, strides, padding,
                      data_format, dilation_rate, depth_multiplier, activation, use_bias,
                      depthwise_initializer, pointwise_initializer, bias_initializer,
                      depthwise_regularizer, pointwise_regularizer, bias_regularizer,
                      activity_regularizer, depthwise_constraint, pointwise_constraint,
                      bias_constraint, trainable, name, reuse)


def conv3d_transpose(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True,
                     kernel_initializer=None, bias_initializer=zeros_initializer(),
                     kernel_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                     trainable=True, name=None, reuse=None):
    """A transposed 3-D convolution layer (TF1 tf.layers.conv3d_transpose): kernel
    (kd, kh, kw, filters, in); each spatial dim n becomes n * stride, plus
    max(k - stride, 0) with 'valid'.

        up = gc.layers.conv3d_transpose(v, 8, 3, strides=2, padding="same")  # 4^3 -> 8^3
    """
    x = _float_input(inputs, "Conv3DTranspose")
    filters = _positive_int(filters, "filters", "conv3d_transpose")
    k = _tuple(kernel_size, 3, "kernel_size", "conv3d_transpose")
    s = _tuple(strides, 3, "strides", "conv3d_transpose")
    pad = _padding(padding, "conv3d_transpose")
    fmt = _format_nd(data_format, 3, "conv3d_transpose")
    _rank(x, "Conv3DTranspose", want=5)
    last = fmt.endswith("C")
    channels = _known(x, -1 if last else 1, "Conv3DTranspose", "channel")
    with _layer_scope(name, "conv3d_transpose", reuse):
        kernel = layer_variable("kernel", list(k) + [filters, channels], x.dtype,
                                kernel_initializer, kernel_regularizer, trainable=trainable,
                                constraint=kernel_constraint)
        bias = _bias(filters, x.dtype, use_bias, bias_initializer, bias_regularizer,
                     bias_constraint, trainable)
        dims = [x.graph.dims.resolve(dim) for dim in x.shape._dims]
        spatial = [1, 2, 3] if last else [2, 3, 4]
        sizes = []
        for i, ki, si in zip(spatial, k, s):
            n = dims[i] if dims[i] is not None else shape_of(x)[i]
            sizes.append(n * si + (max(ki - si, 0) if pad == "VALID" else 0))
        batch = dims[0] if dims[0] is not None else shape_of(x)[0]
        out = [batch] + (sizes + [filters] if last else [filters] + sizes)
        if any(isinstance(v, Tensor) for v in out):
            out = stack([convert_to_tensor(v, dtype=dtypes.int32) for v in out])
        outputs = _nn_conv3d_transpose(x, kernel, out, strides=_full(s, fmt), padding=pad,
                                       data_format=fmt)
        return _finish(outputs, bias, activation, activity_regularizer, fmt)


# ---- the layer classes -------------------------------------------------------------------
class _SpecConv(_Conv):
    """A convolution class checking its input_spec on each call (TF1 Keras' Conv):
    min_ndim before the first call, then the rank and the channel count it was built for."""
    _rank = 2

    def __call__(self, inputs, *args, **kwargs):
        assert_input_compatibility(self.input_spec, inputs, self.name)
        outputs = super().__call__(inputs, *args, **kwargs)
        if not self.input_spec.axes:
            x = convert_to_tensor(inputs)
            last = _format_nd(self._kw["data_format"], self._rank, self.name).endswith("C")
            axis = -1 if last else 1
            self.input_spec = InputSpec(ndim=self._rank + 2,
                                        axes={axis: x.graph.dims.resolve(x.shape._dims[axis])})
        return outputs


class SeparableConv1D(_SpecConv):
    """A depthwise separable 1-D convolution (TF1 tf.layers.SeparableConv1D); see
    gc.layers.separable_conv1d.

        conv = gc.layers.SeparableConv1D(16, 3, depth_multiplier=2)
        h = conv(seq)              # conv.depthwise_kernel, conv.pointwise_kernel, conv.bias
    """
    _fn, _rank = staticmethod(separable_conv1d), 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=zeros_initializer(),
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())
        self.depth_multiplier = depth_multiplier
        self.input_spec = InputSpec(min_ndim=3)


class SeparableConv2D(_SpecConv):
    """A depthwise separable 2-D convolution (TF1 tf.layers.SeparableConv2D); see
    gc.layers.separable_conv2d.

        conv = gc.layers.SeparableConv2D(32, 3, padding="same")
    """
    _fn, _rank = staticmethod(separable_conv2d), 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer=None,
                 pointwise_initializer=None, bias_initializer=zeros_initializer(),
                 depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())
        self.depth_multiplier = depth_multiplier
        self.input_spec = InputSpec(min_ndim=4)


class Conv3DTranspose(_SpecConv):
    """A transposed 3-D convolution (TF1 tf.layers.Conv3DTranspose): kernel
    (kd, kh, kw, filters, in); see gc.layers.conv3d_transpose.

        up = gc.layers.Conv3DTranspose(8, 3, strides=2, padding="same")
    """
    _fn, _rank = staticmethod(conv3d_transpose), 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())
        self.input_spec = InputSpec(min_ndim=5)


# TF1's aliases
SeparableConvolution2D = SeparableConv2D
Convolution3DTranspose = Conv3DTranspose
