"""gc.contrib.layers' unweighted layers (tf_slim.layers): max_pool2d, avg_pool2d,
flatten, dropout, one_hot_encoding, repeat, stack, softmax, unit_norm, maxout.

    net = slim.max_pool2d(net, [2, 2], scope="pool1")
    net = slim.dropout(slim.flatten(net), 0.5, is_training=is_training)
    net = slim.repeat(net, 2, slim.conv2d, 64, [3, 3], scope="conv2")  # conv2/conv2_1, _2
"""
from .. import dtypes
from .. import layers as _core
from ..graph import name_scope
from ..ops.array import reshape, shape as shape_of
from ..ops.array_extra import strided_slice
from ..ops.join import concat, stack as _stack
from ..ops.cast import to_int64
from ..ops.core import convert_to_tensor
from ..ops.creation import one_hot, ones
from ..ops.elementwise import div, sqrt, square
from ..ops.nn_more import avg_pool2d as _avg_pool2d, max_pool2d as _max_pool2d
from ..ops.nn_softmax import softmax as _softmax
from ..ops.reduce import reduce_max, reduce_sum
from ..ops.tile_reverse import tile
from .arg_scope import add_arg_scope
from .layers_base import (_check_format, _input, _ints, _layer_scope, _rank_of,
                          collect_named_outputs)

__all__ = ["max_pool2d", "avg_pool2d", "flatten", "dropout", "one_hot_encoding", "repeat",
           "stack", "softmax", "unit_norm", "maxout"]


def _pool(pool, default, inputs, kernel_size, stride, padding, data_format,
          outputs_collections, scope):
    layer = default
    _check_format(data_format, ("NCHW", "NHWC"), layer)
    with name_scope(scope, default, [inputs]) as sc:
        x = _input(inputs, layer, float_only=False)
        _rank_of(x, layer, (4,))
        kh, kw = _ints(kernel_size, 2, "kernel_size", layer)
        sh, sw = _ints(stride, 2, "stride", layer)
        if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
            raise ValueError(f"{layer}: padding must be 'SAME' or 'VALID', not {padding!r}")
        full = (lambda a, b: [1, 1, a, b]) if data_format == "NCHW" else \
            (lambda a, b: [1, a, b, 1])
        outputs = pool(x, full(kh, kw), full(sh, sw), padding.upper(),
                       data_format=data_format)
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D max pooling over kernel_size windows (tf.contrib.layers.max_pool2d).

        net = slim.max_pool2d(net, [3, 3], stride=2, padding="SAME", scope="pool1")
    """
    return _pool(_max_pool2d, "MaxPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    """2-D average pooling over kernel_size windows (tf.contrib.layers.avg_pool2d).

        net = slim.avg_pool2d(net, [7, 7], stride=1, scope="global_pool")
    """
    return _pool(_avg_pool2d, "AvgPool2D", inputs, kernel_size, stride, padding,
                 data_format, outputs_collections, scope)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    """inputs as (batch, everything else) (tf.contrib.layers.flatten).

        net = slim.flatten(net)       # (N, 7, 7, 64) -> (N, 3136)
    """
    with name_scope(scope, "Flatten", [inputs]) as sc:
        x = convert_to_tensor(inputs)
        rank = x.shape.rank
        if rank is not None and rank < 2:
            raise ValueError("flatten: inputs must have a least 2 dimensions\n  "
                             f"inputs: {x.name} of shape {x.shape}")
        outputs = _core.flatten(x)
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True,
            outputs_collections=None, scope=None, seed=None):
    """inputs with values kept with probability keep_prob (scaled by 1 / keep_prob) when
    is_training, else inputs (tf.contrib.layers.dropout).

        net = slim.dropout(net, 0.8, is_training=is_training_placeholder)
    """
    with _layer_scope(scope, "Dropout") as sc:
        x = convert_to_tensor(inputs)
        outputs = _core.dropout(x, rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                                training=is_training)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0,
                     outputs_collections=None, scope=None):
    """One-hot rows of num_classes floats for integer labels (tf.contrib.layers).

        onehot = slim.one_hot_encoding(labels, 10)     # float32 (N, 10)
    """
    with name_scope(scope, "OneHotEncoding", [labels]) as sc:
        labels = convert_to_tensor(labels)
        if labels.dtype is dtypes.int32:
            labels = to_int64(labels)
        outputs = one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return collect_named_outputs(outputs_collections, sc, outputs)


def _layer_name(layer, default):
    """The name repeat and stack give the layer calls: its __name__ (a partial's
    function's), else `default`."""
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):
        return layer.func.__name__
    return default


def repeat(inputs, repetitions, layer, *args, **kwargs):
    """`layer` applied `repetitions` times, with scopes 'scope/scope_1', 'scope/scope_2',
    ... (scope: kwargs' 'scope', else the layer's name) (tf.contrib.layers.repeat).

        net = slim.repeat(net, 3, slim.conv2d, 256, [3, 3], scope="conv3")
    """
    scope = kwargs.pop("scope", None)
    with _layer_scope(scope, "Repeat"):
        outputs = convert_to_tensor(inputs)
        scope = scope or _layer_name(layer, "repeat")
        for i in range(repetitions):
            kwargs["scope"] = f"{scope}_{i + 1}"
            outputs = layer(outputs, *args, **kwargs)
        return outputs


def stack(inputs, layer, stack_args, **kwargs):
    """`layer` applied once per entry of stack_args (the call's extra positional
    arguments), scopes as repeat's (tf.contrib.layers.stack).

        net = slim.stack(net, slim.fully_connected, [32, 64, 128], scope="fc")
    """
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with _layer_scope(scope, "Stack"):
        outputs = convert_to_tensor(inputs)
        scope = scope or _layer_name(layer, "stack")
        for i, layer_args in enumerate(stack_args):
            kwargs["scope"] = f"{scope}_{i + 1}"
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last axis of logits of any rank >= 2 (tf.contrib.layers).

        probs = slim.softmax(logits)
    """
    with _layer_scope(scope, "softmax"):
        logits = convert_to_tensor(logits)
        _rank_of(logits, "softmax")
        if logits.shape.rank < 2:
            raise ValueError(f"softmax: logits must have rank >= 2, not "
                             f"{logits.shape.rank}: {logits.name}")
        n = logits.graph.dims.resolve(logits.shape._dims[-1])
        if n is None:
            raise ValueError(f"softmax: the last dimension of logits must be known: "
                             f"{logits.name} of shape {logits.shape}")
        predictions = _softmax(reshape(logits, [-1, n]))
        predictions = reshape(predictions, shape_of(logits))
        predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
    """inputs / sqrt(epsilon + sum(inputs ** 2 along dim)) (tf.contrib.layers.unit_norm).

        v = slim.unit_norm(embeddings, dim=1)
    """
    with _layer_scope(scope, "UnitNorm"):
        x = convert_to_tensor(inputs)
        rank = _rank_of(x, "unit_norm")
        if not isinstance(dim, int) or dim < 0 or dim >= rank:
            raise ValueError("dim must be positive but smaller than the input rank.")
        lengths = sqrt(epsilon + reduce_sum(square(x), dim, True))
        multiples = []
        if dim > 0:
            multiples.append(ones([dim], dtypes.int32))
        multiples.append(strided_slice(shape_of(x), [dim], [dim + 1]))
        if dim < rank - 1:
            multiples.append(ones([rank - 1 - dim], dtypes.int32))
        return div(x, tile(lengths, concat(multiples, 0)))


@add_arg_scope
def maxout(inputs, num_units, axis=-1, scope=None):
    """The max over groups of channels along `axis`: num_units outputs there
    (tf.contrib.layers.maxout).

        net = slim.maxout(net, num_units=4)        # (N, 12) -> (N, 4)
    """
    with _layer_scope(scope, "MaxOut"):
        x = convert_to_tensor(inputs)
        _rank_of(x, "maxout")
        shape = [x.graph.dims.resolve(d) for d in x.shape._dims]
        channels = shape[axis]
        if channels is None:
            raise ValueError(f"maxout: the dimension {axis} of inputs must be known: "
                             f"{x.name} of shape {x.shape}")
        if channels % num_units:
            raise ValueError(f"number of features({channels}) is not a multiple of "
                             f"num_units({num_units})")
        shape[axis] = num_units
        shape += [channels // num_units]
        dyn = shape_of(x)
        shape = [dyn[i] if d is None else d for i, d in enumerate(shape)]
        if any(not isinstance(d, int) for d in shape):
            shape = _stack([convert_to_tensor(d, dtype=dtypes.int32) for d in shape])
        return reduce_max(reshape(x, shape), -1, keepdims=False)
