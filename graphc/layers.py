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
import numpy as np

from .graph import Tensor
from .initializers import zeros_initializer
from .layers_conv import (average_pooling1d, average_pooling2d,  # noqa: F401 (re-exports)
                          average_pooling3d, conv1d, conv2d, conv2d_transpose, conv3d,
                          max_pooling1d, max_pooling2d, max_pooling3d)
from .layers_utils import (_bias, _finish, _float_input, _format, _known,  # noqa: F401
                           _layer_scope, _positive_int, _rank, _smart_cond, _static_bool,
                           layer_variable)
from .ops.array import expand_dims, reshape, shape as shape_of, transpose
from .ops.core import convert_to_tensor, identity
from .ops.linalg import matmul, tensordot
from .ops.nn import dropout as _dropout

__all__ = ["dense", "dropout", "batch_normalization", "flatten", "conv2d", "max_pooling2d",
           "average_pooling2d", "conv1d", "conv3d", "conv2d_transpose", "max_pooling1d",
           "max_pooling3d", "average_pooling1d", "average_pooling3d"]


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
    x = _float_input(inputs, "Dense")
    units = _positive_int(units, "units", "dense")
    rank = _rank(x, "dense", at_least=2)
    last = _known(x, -1, "Dense", "last")
    with _layer_scope(name, "dense", reuse):
        kernel = layer_variable("kernel", [last, units], x.dtype, kernel_initializer,
                                kernel_regularizer, trainable=trainable,
                                constraint=kernel_constraint)
        bias = _bias(units, x.dtype, use_bias, bias_initializer, bias_regularizer,
                     bias_constraint, trainable)
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
            dims = x.shape._dims
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
    if x.shape.rank is None:        # TF1: (batch, -1) when run (rank 1 gives (n, 1))
        with _layer_scope(name, "flatten", scope_is_name=False):
            return reshape(x, [shape_of(x)[0], -1])
    rank = _rank(x, "flatten", at_least=1)
    with _layer_scope(name, "flatten", scope_is_name=False):
        if rank == 1:
            return expand_dims(x, 1)
        if fmt == "NCHW" and rank > 2:
            x = transpose(x, [0] + list(range(2, rank)) + [1])
        dims = [x.graph.dims.resolve(d) for d in x.shape._dims]
        if all(d is not None for d in dims[1:]):
            return reshape(x, [-1, int(np.prod(dims[1:]))])
        if dims[0] is not None:
            return reshape(x, [dims[0], -1])
        return reshape(x, [shape_of(x)[0], -1])


from .normalization import batch_normalization  # noqa: E402,F401  (it uses the helpers above)


from .layers_classes import *  # noqa: E402,F401,F403 (tf.layers.Dense, ...)
from .layers_conv_more import *  # noqa: E402,F401,F403 (separable, conv3d_transpose)
