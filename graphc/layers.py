"""tf.layers (TF1): dense, dropout, batch_normalization, flatten, conv1d, conv2d, conv3d,
conv2d_transpose, max_pooling1d/2d/3d, average_pooling1d/2d/3d, and the layer classes
(Dense, Conv2D, ..., graphc/layers_classes.py).

    h = gc.layers.dense(x, 128, activation=gc.nn.relu)       # variables dense/kernel, dense/bias
    h = gc.layers.batch_normalization(h, training=is_training)
    h = gc.layers.dropout(h, rate=0.5, training=is_training)  # a bool tensor: gc.cond
    logits = gc.layers.dense(h, 10, name="logits")

Each call is one TF1 layer object used once: it opens a variable scope, `name` if given
(with reuse=True a call shares the variables of an earlier call of that name), else a
unique "dense", "dense_1", ...; its ops go in that scope's name scope. Variables come from
gc.get_variable, so regularizers fill "regularization_losses" and a variable_scope's
default initializer and reuse apply.
"""
import contextlib

import numpy as np

from . import dtypes, errors
from .graph import Tensor, name_scope
from .initializers import zeros_initializer
from .ops.array import expand_dims, reshape, shape as shape_of, transpose
from .ops.conv import conv2d as _conv2d
from .ops.conv3d import avg_pool3d as _avg_pool3d, conv3d as _nn_conv3d
from .ops.conv3d import max_pool3d as _max_pool3d
from .ops.conv_extra import conv1d as _nn_conv1d, conv2d_transpose as _nn_conv2d_transpose
from .ops.control import cond
from .ops.core import convert_to_tensor, identity
from .ops.elementwise import cast
from .ops.graphkeys import GraphKeys, add_to_collection
from .ops.join import stack
from .ops.linalg import matmul, tensordot
from .ops.nn import bias_add, dropout as _dropout
from .ops.nn_more import avg_pool1d as _avg_pool1d, max_pool1d as _max_pool1d
from .ops.pool import avg_pool, max_pool
from .ops.registry import constant_value
from .ops.scope import VariableScope, variable_scope
from .ops.varstore import get_variable

__all__ = ["dense", "dropout", "batch_normalization", "flatten", "conv2d", "max_pooling2d",
           "average_pooling2d", "conv1d", "conv3d", "conv2d_transpose", "max_pooling1d",
           "max_pooling3d", "average_pooling1d", "average_pooling3d"]


@contextlib.contextmanager
def _layer_scope(name, base_name, reuse=None, scope_is_name=True):
    """The scopes of one call of a TF1 layer: the variable scope its constructor captures
    (`name` for dense and conv2d, else a unique default name), entered again with `reuse`,
    and that scope's first name scope for the ops. A VariableScope `name` is a layer
    object's captured scope (layers_classes.py), entered as it is."""
    if isinstance(name, VariableScope):
        captured = name
    elif name is not None and scope_is_name:
        with variable_scope(name) as captured:
            pass
    elif reuse:
        with variable_scope(name or base_name) as captured:
            pass
    else:
        with variable_scope(None, default_name=name or base_name) as captured:
            pass
    with variable_scope(captured, reuse=reuse, auxiliary_name_scope=False) as scope:
        with name_scope(scope.original_name_scope):
            yield scope


def _float_input(inputs, layer):
    x = convert_to_tensor(inputs)
    if not x.dtype.is_floating:
        raise errors.DTypeError(f"Unable to build `{layer}` layer with non-floating point "
                                f"dtype {x.dtype.name}\n  " + errors.describe_tensor(x, "inputs"))
    return x


def _known(x, axis, layer, what):
    """The size of x's dim `axis` (a bound named dim counts); an error if unknown."""
    d = x.graph.dims.resolve(x.shape.dims[axis])
    if d is None:
        raise errors.ShapeError(f"The {what} dimension of the inputs to `{layer}` should be "
                                f"defined. Found `None`.\n  " + errors.describe_tensor(x, "inputs"))
    return d


def _rank(x, layer, want=None, at_least=None):
    r = x.shape.rank
    if r is None or want is not None and r != want or at_least is not None and r < at_least:
        need = f"ndim={want}" if want is not None else f"min_ndim={at_least}"
        raise errors.ShapeError(f"Input 0 of layer {layer} is incompatible with the layer: "
                                f"expected {need}, found ndim={r}\n  "
                                + errors.describe_tensor(x, "inputs"))
    return r


def _positive_int(v, what, layer):
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 1:
        raise ValueError(f"{layer}: {what} must be a positive int, got {v!r}")
    return int(v)


def _pair(v, what, layer):
    """(a, b) from an int or a pair of ints (Keras normalize_tuple)."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        v = (v, v)
    try:
        v = tuple(_positive_int(d, what, layer) for d in v)
    except TypeError:
        v = ()
    if len(v) != 2:
        raise ValueError(f"{layer}: the `{what}` argument must be an int or a tuple of 2 "
                         f"positive integers. Received: {v!r}")
    return v


def _format(data_format, layer):
    """NHWC or NCHW; None means channels_last and case does not count (TF1 Keras)."""
    fmt = {"channels_last": "NHWC", "channels_first": "NCHW"}.get(
        "channels_last" if data_format is None else str(data_format).lower())
    if fmt is None:
        raise ValueError(f"{layer}: data_format must be 'channels_last' or 'channels_first', "
                         f"not {data_format!r}")
    return fmt


def _padding(padding, layer):
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError(f"{layer}: padding must be 'valid' or 'same', not {padding!r}")
    return padding.upper()


def _no_constraints(layer, **constraints):
    for key, c in constraints.items():
        if c is not None:
            raise ValueError(f"{layer}: {key} is not supported by graphc (optimizers do not "
                             f"apply constraints); got {c!r}")


def _static_bool(training, layer):
    """`training` as True or False when known now (a Python bool, 0 or 1, or a tensor
    with a constant value: TF1's smart_cond), None when only a run decides."""
    if isinstance(training, Tensor):
        value = constant_value(training)
        return None if value is None else bool(value)
    if isinstance(training, (bool, np.bool_, int, np.integer)) and training in (0, 1):
        return bool(training)
    raise TypeError(f"{layer}: training must be a Python bool (or 1 or 0) or a bool "
                    f"tensor, not {training!r}")


def _smart_cond(static, pred, true_fn, false_fn):
    """true_fn() or false_fn() when `static` decides, else gc.cond(pred, ...)."""
    if static is None:
        return cond(pred, true_fn, false_fn)
    return true_fn() if static else false_fn()


def _finish(outputs, bias, activation, activity_regularizer, data_format="NHWC"):
    """bias_add, the activation and the activity regularizer's loss (mean over the batch)."""
    if bias is not None:
        outputs = bias_add(outputs, bias, data_format=data_format)
    if activation is not None:
        outputs = activation(outputs)
    if activity_regularizer is not None:
        with name_scope("ActivityRegularizer"):
            loss = activity_regularizer(outputs)
            if loss is not None:
                batch = cast(shape_of(outputs)[0], loss.dtype)
                add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss / batch)
    return outputs


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          trainable=True, name=None, reuse=None):
    """activation(inputs @ kernel + bias), a fully connected layer (TF1 tf.layers.dense).

        h = gc.layers.dense(x, 64, activation=gc.nn.relu, name="fc1")
        h2 = gc.layers.dense(x2, 64, activation=gc.nn.relu, name="fc1", reuse=True)

    kernel (last dim of inputs, units) and bias (units,) live in the layer's variable
    scope ('fc1/kernel'). Inputs of rank > 2 are multiplied along their last axis.
    kernel_initializer None: the scope's default, else glorot_uniform.
    """
    _no_constraints("dense", kernel_constraint=kernel_constraint,
                    bias_constraint=bias_constraint)
    x = _float_input(inputs, "Dense")
    units = _positive_int(units, "units", "dense")
    rank = _rank(x, "dense", at_least=2)
    last = _known(x, -1, "Dense", "last")
    with _layer_scope(name, "dense", reuse):
        kernel = get_variable("kernel", [last, units], x.dtype, kernel_initializer,
                              kernel_regularizer, trainable=trainable)
        bias = None
        if use_bias:
            bias = get_variable("bias", [units], x.dtype, bias_initializer, bias_regularizer,
                                trainable=trainable)
        if rank == 2:
            outputs = matmul(x, kernel)
        else:
            outputs = tensordot(x, kernel, [[rank - 1], [0]])
        return _finish(outputs, bias, activation, activity_regularizer)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """inputs with a fraction `rate` of values zeroed and the rest scaled by 1/(1-rate)
    when `training`, else inputs unchanged (TF1 tf.layers.dropout).

        is_training = gc.placeholder_with_default(False, [])
        h = gc.layers.dropout(h, rate=0.3, training=is_training)

    `training` is a Python bool (or 1 or 0) or a bool scalar tensor (then a gc.cond).
    `noise_shape`: the mask's shape; a None entry takes that dim of inputs.
    """
    x = _float_input(inputs, "Dropout")
    with _layer_scope(name, "dropout", scope_is_name=False):
        if noise_shape is not None and not isinstance(noise_shape, Tensor):
            dims = x.shape.dims
            noise_shape = [(dims[i] if isinstance(dims[i], int) else shape_of(x)[i])
                           if d is None else d for i, d in enumerate(noise_shape)]
        return _smart_cond(_static_bool(training, "dropout"), training,
                           lambda: _dropout(x, noise_shape=noise_shape, seed=seed, rate=rate),
                           lambda: identity(x))


def flatten(inputs, name=None, data_format="channels_last"):
    """inputs reshaped to (batch, everything else); rank 1 becomes (batch, 1).

        gc.layers.flatten(images)          # (?, 28, 28, 1) -> (?, 784)

    data_format "channels_first" moves the channel axis last first (Keras does this too,
    so that the order matches a channels_last model's).
    """
    x = convert_to_tensor(inputs)
    fmt = _format(data_format, "flatten")
    rank = _rank(x, "flatten", at_least=1)
    with _layer_scope(name, "flatten", scope_is_name=False):
        if rank == 1:
            return expand_dims(x, 1)
        if fmt == "NCHW" and rank > 2:
            x = transpose(x, [0] + list(range(2, rank)) + [1])
        dims = [x.graph.dims.resolve(d) for d in x.shape.dims]
        if all(d is not None for d in dims[1:]):
            return reshape(x, [-1, int(np.prod(dims[1:]))])
        if dims[0] is not None:
            return reshape(x, [dims[0], -1])
        return reshape(x, [shape_of(x)[0], -1])


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
           data_format="channels_last", dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer=None, bias_initializer=zeros_initializer(),
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """A 2-D convolution layer (TF1 tf.layers.conv2d): kernel (kh, kw, in, filters).

        h = gc.layers.conv2d(images, 32, 3, padding="same", activation=gc.nn.relu)
    """
    _no_constraints("conv2d", kernel_constraint=kernel_constraint,
                    bias_constraint=bias_constraint)
    x = _float_input(inputs, "Conv2D")
    filters = _positive_int(filters, "filters", "conv2d")
    k = _pair(kernel_size, "kernel_size", "conv2d")
    s = _pair(strides, "strides", "conv2d")
    d = _pair(dilation_rate, "dilation_rate", "conv2d")
    pad, fmt = _padding(padding, "conv2d"), _format(data_format, "conv2d")
    _rank(x, "conv2d", want=4)
    channels = _known(x, -1 if fmt == "NHWC" else 1, "Conv2D", "channel")
    with _layer_scope(name, "conv2d", reuse):
        kernel = get_variable("kernel", list(k) + [channels, filters], x.dtype,
                              kernel_initializer, kernel_regularizer, trainable=trainable)
        bias = None
        if use_bias:
            bias = get_variable("bias", [filters], x.dtype, bias_initializer,
                                bias_regularizer, trainable=trainable)
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
    _no_constraints(base, kernel_constraint=kernel_constraint,
                    bias_constraint=bias_constraint)
    x = _float_input(inputs, layer)
    filters = _positive_int(filters, "filters", base)
    k = _tuple(kernel_size, rank, "kernel_size", base)
    s = _tuple(strides, rank, "strides", base)
    d = _tuple(dilation_rate, rank, "dilation_rate", base)
    pad, fmt = _padding(padding, base), _format_nd(data_format, rank, base)
    _rank(x, base, want=rank + 2)
    channel_axis = -1 if fmt.endswith("C") else 1
    channels = _known(x, channel_axis, layer, "channel")
    with _layer_scope(name, base, reuse):
        shape = list(k) + ([filters, channels] if transpose else [channels, filters])
        kernel = get_variable("kernel", shape, x.dtype, kernel_initializer,
                              kernel_regularizer, trainable=trainable)
        bias = None
        if use_bias:
            bias = get_variable("bias", [filters], x.dtype, bias_initializer,
                                bias_regularizer, trainable=trainable)
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
    dims = [x.graph.dims.resolve(dim) for dim in x.shape.dims]
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


from .normalization import batch_normalization  # noqa: E402,F401  (it uses the helpers above)


from .layers_classes import *  # noqa: E402,F401,F403 (tf.layers.Dense, ...)
