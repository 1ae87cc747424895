"""gc.contrib.layers (tf.contrib.layers, as tf_slim keeps it): slim's layer functions,
each decorated with add_arg_scope as tf_slim's are.

    from graphc.contrib import slim
    with slim.arg_scope([slim.conv2d, slim.fully_connected],
                        weights_regularizer=slim.l2_regularizer(1e-4)):
        net = slim.conv2d(images, 32, [3, 3], scope="conv1")    # conv1/weights, conv1/biases
        net = slim.max_pool2d(net, [2, 2], scope="pool1")
        net = slim.flatten(net)
        logits = slim.fully_connected(net, 10, activation_fn=None, scope="logits")

Variables are named, shaped and collected as tf_slim's ('scope/weights', 'scope/biases',
also in MODEL_VARIABLES and in `variables_collections`), so TF checkpoints of slim
models restore into graphc. This module holds the weighted layers (fully_connected,
convolution, conv2d_transpose, separable_conv2d, bias_add); batch_norm and the other
normalizations are in layers_norm.py, pooling and the shape layers in layers_misc.py,
initializers and regularizers in layers_init.py.
"""
import functools

from .. import layers as _core
from ..initializers import zeros_initializer
from ..ops.graphkeys import GraphKeys, get_collection
from ..ops.elementwise import elu as _elu, relu as _relu, relu6 as _relu6
from ..ops.nn import bias_add as _bias_add
from ..ops.depthwise import depthwise_conv2d as _depthwise, separable_conv2d as _separable
from .arg_scope import add_arg_scope, arg_scope  # noqa: F401 (contrib.layers re-exports it)
from .layers_base import (_add_to_variable_collections, _check_format, _dim, _input,
                          _ints, _layer_scope, _model_variable, _rank_of,
                          _variable_collections, append_tensor_alias,  # noqa: F401
                          collect_named_outputs, convert_collection_to_dict,
                          get_tensor_aliases)
from .layers_init import *  # noqa: F401,F403
from .layers_init import __all__ as _init_all
from .layers_misc import *  # noqa: F401,F403
from .layers_misc import __all__ as _misc_all
from .layers_norm import *  # noqa: F401,F403
from .layers_norm import __all__ as _norm_all
from .layers_norm2 import *  # noqa: F401,F403
from .layers_norm2 import __all__ as _norm2_all
from .framework_optimizers import (OPTIMIZER_CLS_NAMES, OPTIMIZER_SUMMARIES,  # noqa: F401
                                   adaptive_clipping_fn, optimize_loss)
from .framework_summaries import (summarize_activation, summarize_activations,  # noqa: F401
                                  summarize_biases, summarize_collection, summarize_tensor,
                                  summarize_tensors, summarize_variables, summarize_weights)

__all__ = ["arg_scope", "fully_connected", "linear", "relu", "relu6", "elu",
           "convolution", "convolution1d", "convolution2d", "convolution3d", "conv1d",
           "conv2d", "conv3d", "convolution2d_transpose", "conv2d_transpose",
           "separable_convolution2d", "separable_conv2d", "bias_add",
           "collect_named_outputs", "append_tensor_alias", "get_tensor_aliases",
           "convert_collection_to_dict", "optimize_loss", "adaptive_clipping_fn",
           "OPTIMIZER_CLS_NAMES", "OPTIMIZER_SUMMARIES", "summarize_activation",
           "summarize_activations", "summarize_biases", "summarize_collection",
           "summarize_tensor", "summarize_tensors", "summarize_variables",
           "summarize_weights"] + _init_all + _misc_all + _norm_all + _norm2_all

_NHWC, _NCHW = "NHWC", "NCHW"
_RENAME = {"kernel": "weights", "bias": "biases"}


def _model_getter(rename):
    """A custom getter (slim's _model_variable_getter): the variable's last name part
    renamed by `rename`, and the variable also put in MODEL_VARIABLES."""
    def getter(getter, name, *args, **kwargs):
        parts = name.split("/")
        if parts[-1] in rename:
            name = "/".join(parts[:-1] + [rename[parts[-1]]])
        keys = list(kwargs.get("collections") or []) + [GraphKeys.GLOBAL_VARIABLES,
                                                          GraphKeys.MODEL_VARIABLES]
        kwargs["collections"] = list(dict.fromkeys(keys))
        return getter(name, *args, **kwargs)
    return getter


def _weighted(sc, outputs, outputs_collections, normalizer_fn, normalizer_params,
              activation_fn):
    """The end of every weighted layer: the normalizer, the activation and
    outputs_collections."""
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_named_outputs(outputs_collections, sc.name, outputs)


def _collect(variable, variables_collections, kind):
    if variable is not None:
        _add_to_variable_collections(variable, variables_collections, kind)


def _layer_variables(sc):
    """{short name: variable} of the global variables directly in scope `sc` (those a
    core layer made, or reused, in the layer's scope)."""
    found = {}
    for v in get_collection(GraphKeys.GLOBAL_VARIABLES):
        head, _, short = v.name.rpartition(":")[0].rpartition("/")
        if head == sc.name:
            found[short] = v
    return found


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=_relu, normalizer_fn=None,
                    normalizer_params=None,
                    weights_initializer=xavier_initializer(),  # noqa: F405
                    weights_regularizer=None, biases_initializer=zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """activation_fn(normalizer_fn(inputs @ weights + biases)) (tf.contrib.layers).

        net = slim.fully_connected(net, 256, scope="fc6")       # fc6/weights, fc6/biases
        logits = slim.fully_connected(net, 10, activation_fn=None)

    weights (last dim of inputs, num_outputs); no biases when normalizer_fn is given or
    biases_initializer is None. Inputs of rank > 2 are multiplied along the last axis.
    """
    if isinstance(num_outputs, bool) or not isinstance(num_outputs, int):
        raise ValueError(f"fully_connected: num_outputs type should be int, got "
                         f"{type(num_outputs)}")
    with _layer_scope(scope, "fully_connected", reuse, _model_getter(_RENAME)) as sc:
        x = _input(inputs, "fully_connected")
        outputs = _core.dense(x, num_outputs, **_core_args(
            normalizer_fn, weights_initializer, weights_regularizer, biases_initializer,
            biases_regularizer, trainable, sc, reuse))
        _collect_layer(sc, variables_collections)
        return _weighted(sc, outputs, outputs_collections, normalizer_fn,
                         normalizer_params, activation_fn)


def _core_args(normalizer_fn, weights_initializer, weights_regularizer,
               biases_initializer, biases_regularizer, trainable, sc, reuse):
    """The gc.layers arguments of a slim weighted layer: no biases when a normalizer
    follows or biases_initializer is None."""
    return dict(use_bias=bool(not normalizer_fn and biases_initializer),
                kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
                kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                trainable=trainable, name=sc, reuse=reuse)


def _collect_layer(sc, variables_collections):
    """Put the layer's weights and biases in variables_collections (slim's
    _add_variable_to_collections after the core layer)."""
    if not variables_collections:
        return
    own = _layer_variables(sc)
    for short, kind in (("weights", "weights"), ("depthwise_weights", "weights"),
                        ("pointwise_weights", "weights"), ("biases", "biases")):
        _collect(own.get(short), variables_collections, kind)


@add_arg_scope
def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                data_format=None, rate=1, activation_fn=_relu, normalizer_fn=None,
                normalizer_params=None,
                weights_initializer=xavier_initializer(),  # noqa: F405
                weights_regularizer=None, biases_initializer=zeros_initializer(),
                biases_regularizer=None, reuse=None, variables_collections=None,
                outputs_collections=None, trainable=True, scope=None, conv_dims=None):
    """An N-D convolution (N = rank(inputs) - 2: 1, 2 or 3) with weights
    (*kernel_size, in, num_outputs) and biases (tf.contrib.layers.convolution).

        net = slim.conv2d(images, 64, [3, 3], stride=2, scope="conv1")
        net = slim.convolution(seq, 16, 5, padding="VALID")     # a 1-D convolution

    data_format None or 'N...C': channels last; 'NC...': channels first. `rate`: the
    dilation rate. No biases when normalizer_fn is given or biases_initializer is None.
    """
    formats = (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW")
    if data_format not in formats:
        raise ValueError(f"convolution: Invalid data_format: {data_format!r}")
    with _layer_scope(scope, "Conv", reuse, _model_getter(_RENAME)) as sc:
        x = _input(inputs, "convolution")
        rank = _rank_of(x, "convolution")
        if conv_dims is not None and conv_dims + 2 != rank:
            raise ValueError(f"Convolution expects input with rank {conv_dims + 2}, got "
                             f"{rank}")
        if rank not in (3, 4, 5):
            raise ValueError(f"Convolution not supported for input with rank {rank}")
        df = "channels_first" if data_format and data_format.startswith("NC") \
            else "channels_last"
        layer = {3: _core.conv1d, 4: _core.conv2d, 5: _core.conv3d}[rank]
        outputs = layer(x, num_outputs, kernel_size, strides=stride, padding=padding,
                        data_format=df, dilation_rate=rate, **_core_args(
                            normalizer_fn, weights_initializer, weights_regularizer,
                            biases_initializer, biases_regularizer, trainable, sc, reuse))
        _collect_layer(sc, variables_collections)
        return _weighted(sc, outputs, outputs_collections, normalizer_fn,
                         normalizer_params, activation_fn)


def _fixed_dims(conv_dims, name):
    """convolution1d/2d/3d: convolution with conv_dims checked."""
    @add_arg_scope
    def conv(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
             rate=1, activation_fn=_relu, normalizer_fn=None, normalizer_params=None,
             weights_initializer=xavier_initializer(),  # noqa: F405
             weights_regularizer=None, biases_initializer=zeros_initializer(),
             biases_regularizer=None, reuse=None, variables_collections=None,
             outputs_collections=None, trainable=True, scope=None):
        return convolution(inputs, num_outputs, kernel_size, stride, padding, data_format,
                           rate, activation_fn, normalizer_fn, normalizer_params,
                           weights_initializer, weights_regularizer, biases_initializer,
                           biases_regularizer, reuse, variables_collections,
                           outputs_collections, trainable, scope, conv_dims=conv_dims)
    conv.__name__ = conv.__qualname__ = name
    conv.__doc__ = (f"convolution() for inputs of rank {conv_dims + 2} (tf.contrib.layers."
                    f"{name}).\n\n        net = slim.{name}(x, 32, 3, scope='conv1')\n")
    return conv


convolution1d = _fixed_dims(1, "convolution1d")
convolution2d = _fixed_dims(2, "convolution2d")
convolution3d = _fixed_dims(3, "convolution3d")
conv1d, conv2d, conv3d = convolution1d, convolution2d, convolution3d


@add_arg_scope
def convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format=_NHWC, activation_fn=_relu, normalizer_fn=None,
                            normalizer_params=None,
                            weights_initializer=xavier_initializer(),  # noqa: F405
                            weights_regularizer=None,
                            biases_initializer=zeros_initializer(),
                            biases_regularizer=None, reuse=None,
                            variables_collections=None, outputs_collections=None,
                            trainable=True, scope=None):
    """A transposed 2-D convolution, weights (kh, kw, num_outputs, in) (tf.contrib.layers).

        up = slim.conv2d_transpose(net, 32, [3, 3], stride=2, scope="up1")

    Output size: in * stride ('SAME'), in * stride + max(k - stride, 0) ('VALID').
    """
    with _layer_scope(scope, "Conv2d_transpose", reuse, _model_getter(_RENAME)) as sc:
        _check_format(data_format, (_NCHW, _NHWC), "conv2d_transpose")
        x = _input(inputs, "conv2d_transpose")
        df = "channels_first" if data_format.startswith("NC") else "channels_last"
        outputs = _core.conv2d_transpose(
            x, num_outputs, kernel_size, strides=stride, padding=padding, data_format=df,
            **_core_args(normalizer_fn, weights_initializer, weights_regularizer,
                         biases_initializer, biases_regularizer, trainable, sc, reuse))
        _collect_layer(sc, variables_collections)
        return _weighted(sc, outputs, outputs_collections, normalizer_fn,
                         normalizer_params, activation_fn)


conv2d_transpose = convolution2d_transpose


@add_arg_scope
def separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1,
                            padding="SAME", data_format=_NHWC, rate=1, activation_fn=_relu,
                            normalizer_fn=None, normalizer_params=None,
                            weights_initializer=xavier_initializer(),  # noqa: F405
                            pointwise_initializer=None, weights_regularizer=None,
                            biases_initializer=zeros_initializer(),
                            biases_regularizer=None, reuse=None,
                            variables_collections=None, outputs_collections=None,
                            trainable=True, scope=None):
    """A depthwise 2-D convolution (depthwise_weights (kh, kw, in, depth_multiplier))
    followed, unless num_outputs is None, by a 1x1 convolution (pointwise_weights
    (1, 1, in * depth_multiplier, num_outputs)); then biases (tf.contrib.layers).

        net = slim.separable_conv2d(net, 64, [3, 3], depth_multiplier=1, scope="sep1")
        dw = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=2)   # depthwise only
    """
    _check_format(data_format, (_NCHW, _NHWC), "separable_conv2d")
    with _layer_scope(scope, "SeparableConv2d", reuse) as sc:
        x = _input(inputs, "separable_conv2d")
        _rank_of(x, "separable_conv2d", (4,))
        kh, kw = _ints(kernel_size, 2, "kernel_size", "separable_conv2d")
        sh, sw = _ints(stride, 2, "stride", "separable_conv2d")
        dilation = _ints(rate, 2, "rate", "separable_conv2d")
        if padding not in ("SAME", "VALID"):
            padding = str(padding).upper()
        channels = _dim(x, 1 if data_format == _NCHW else -1, "separable_conv2d")
        strides = [1, 1, sh, sw] if data_format == _NCHW else [1, sh, sw, 1]
        weights = _variable_collections(variables_collections, "weights")
        depthwise = _model_variable("depthwise_weights", [kh, kw, channels, depth_multiplier],
                                    x.dtype, weights_initializer, weights_regularizer,
                                    trainable, weights)
        if num_outputs is not None:
            pointwise = _model_variable(
                "pointwise_weights", [1, 1, channels * depth_multiplier, num_outputs],
                x.dtype, pointwise_initializer or weights_initializer, weights_regularizer,
                trainable, weights)
            outputs = _separable(x, depthwise, pointwise, strides, padding, rate=dilation,
                                 data_format=data_format)
        else:
            num_outputs = channels * depth_multiplier
            outputs = _depthwise(x, depthwise, strides, padding, rate=dilation,
                                 data_format=data_format)
        if normalizer_fn is None and biases_initializer is not None:
            biases = _model_variable("biases", [num_outputs], x.dtype, biases_initializer,
                                     biases_regularizer, trainable,
                                     _variable_collections(variables_collections, "biases"))
            outputs = _bias_add(outputs, biases, data_format=data_format)
        return _weighted(sc, outputs, outputs_collections, normalizer_fn,
                         normalizer_params, activation_fn)


separable_conv2d = separable_convolution2d


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=zeros_initializer(), regularizer=None,
             reuse=None, variables_collections=None, outputs_collections=None,
             trainable=True, data_format=_NHWC, scope=None):
    """inputs + biases (one per channel), then activation_fn (tf.contrib.layers.bias_add).

        net = slim.bias_add(net, activation_fn=gc.nn.relu)     # BiasAdd/biases
    """
    _check_format(data_format, (_NCHW, _NHWC), "bias_add")
    with _layer_scope(scope, "BiasAdd", reuse) as sc:
        x = _input(inputs, "bias_add", float_only=False)
        rank = _rank_of(x, "bias_add")
        if rank != 4 and data_format == _NCHW:
            raise ValueError("bias_add: Data format NCHW only supports 4D Tensor")
        channels = _dim(x, 1 if data_format == _NCHW else -1, "bias_add", "`C`")
        biases = _model_variable("biases", [channels], x.dtype, initializer, regularizer,
                                 trainable,
                                 _variable_collections(variables_collections, "biases"))
        outputs = _bias_add(x, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


linear = functools.partial(fully_connected, activation_fn=None)
relu = functools.partial(fully_connected, activation_fn=_relu)
relu6 = functools.partial(fully_connected, activation_fn=_relu6)
elu = functools.partial(fully_connected, activation_fn=_elu)

from .layers_more import *  # noqa: F401,F403,E402 (TF 1.15 names tf_slim lacks)
from .layers_more import __all__ as _more_all  # noqa: E402
__all__ += _more_all
from .layers_more2 import *  # noqa: F401,F403,E402 (more TF 1.15 contrib names)
from .layers_more2 import __all__ as _more2_all  # noqa: E402
__all__ += _more2_all
from .layers_rev import RevBlock, rev_block  # noqa: F401,E402 (contrib rev_block_lib)
__all__ += ["rev_block", "RevBlock"]
