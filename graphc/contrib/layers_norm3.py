"""tf_slim's 3-D layers (max_pool3d, avg_pool3d, conv3d_transpose) and generalized
divisive normalization (GDN, gdn); layers_norm2.py re-exports them.

    net = slim.conv3d_transpose(vol, 8, [3, 3, 3], stride=2, scope="up1")  # up1/weights
    net = slim.max_pool3d(net, [2, 2, 2], scope="pool1")
    y = slim.gdn(images)                        # gdn/reparam_beta, gdn/reparam_gamma
"""
import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph, name_scope
from ..initializers import zeros_initializer
from ..layers_base import Layer
from ..layers_utils import _finish as _activity_loss, _padding
from ..ops.array import reshape, shape as shape_of
from ..autodiff.reverse import custom_gradient
from ..ops.cast import cast
from ..ops.conv3d import avg_pool3d as _avg_pool3d, conv3d_transpose as _conv3d_transpose
from ..ops.conv3d import max_pool3d as _max_pool3d
from ..ops.core import constant, convert_to_tensor, identity
from ..ops.elementwise import logical_or, maximum, relu as _relu, sqrt, square
from ..ops.join import stack
from ..ops.nn import bias_add as _bias_add
from ..ops.nn_misc import convolution as _convolution
from ..ops.scope import variable_scope
from .arg_scope import add_arg_scope
from .layers_base import (_check_format, _dim, _input, _ints, _layer_scope,
                          _model_variable, _rank_of, _variable_collections,
                          collect_named_outputs)
from .layers_init import xavier_initializer

__all__ = ["max_pool3d", "avg_pool3d", "convolution3d_transpose", "conv3d_transpose",
           "GDN", "gdn"]

_NDHWC, _NCDHW = "NDHWC", "NCDHW"


def _pool3d(pool, layer, inputs, kernel_size, stride, padding, data_format,
            outputs_collections, scope):
    if data_format not in (_NCDHW, _NDHWC):
        raise ValueError(f"{layer}: data_format has to be either NCDHW or NDHWC, not "
                         f"{data_format!r}")
    with name_scope(scope, layer, [inputs]) as sc:
        x = _input(inputs, layer, float_only=False)
        _rank_of(x, layer, (5,))
        k = _ints(kernel_size, 3, "kernel_size", layer)
        s = _ints(stride, 3, "stride", layer)
        full = (lambda v: [1, 1] + v) if data_format == _NCDHW else (lambda v: [1] + v + [1])
        outputs = pool(x, full(k), full(s), _padding(padding, layer),
                       data_format=data_format)
        return collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def max_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format=_NDHWC,
               outputs_collections=None, scope=None):
    """3-D max pooling over kernel_size windows (tf.contrib.layers.max_pool3d).

        net = slim.max_pool3d(vol, [2, 2, 2], scope="pool1")    # (N, D/2, H/2, W/2, C)
    """
    return _pool3d(_max_pool3d, "MaxPool3D", inputs, kernel_size, stride, padding,
                   data_format, outputs_collections, scope)


@add_arg_scope
def avg_pool3d(inputs, kernel_size, stride=2, padding="VALID", data_format=_NDHWC,
               outputs_collections=None, scope=None):
    """3-D average pooling over kernel_size windows (tf.contrib.layers.avg_pool3d); with
    'SAME', the mean of the real inputs only.

        net = slim.avg_pool3d(vol, 3, stride=1, padding="SAME")
    """
    return _pool3d(_avg_pool3d, "AvgPool3D", inputs, kernel_size, stride, padding,
                   data_format, outputs_collections, scope)


@add_arg_scope
def convolution3d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME",
                            data_format=_NDHWC, activation_fn=_relu, normalizer_fn=None,
                            normalizer_params=None,
                            weights_initializer=xavier_initializer(),
                            weights_regularizer=None,
                            biases_initializer=zeros_initializer(),
                            biases_regularizer=None, reuse=None,
                            variables_collections=None, outputs_collections=None,
                            trainable=True, scope=None):
    """A transposed 3-D convolution, weights (kd, kh, kw, num_outputs, in)
    (tf.contrib.layers.conv3d_transpose).

        up = slim.conv3d_transpose(vol, 16, [3, 3, 3], stride=2, scope="up1")

    Output size per spatial dim: n * stride ('SAME'), n * stride + max(k - stride, 0)
    ('VALID'); biases unless normalizer_fn is given or biases_initializer is None.
    """
    layer = "conv3d_transpose"
    with _layer_scope(scope, "Conv3d_transpose", reuse) as sc:
        _check_format(data_format, (_NCDHW, _NDHWC), layer)
        x = _input(inputs, layer)
        _rank_of(x, layer, (5,))
        k = _ints(kernel_size, 3, "kernel_size", layer)
        s = _ints(stride, 3, "stride", layer)
        pad = _padding(padding, layer)
        first = data_format == _NCDHW
        channels = _dim(x, 1 if first else -1, layer)
        weights = _model_variable("weights", k + [num_outputs, channels], x.dtype,
                                  weights_initializer, weights_regularizer, trainable,
                                  _variable_collections(variables_collections, "weights"))
        biases = None
        if not normalizer_fn and biases_initializer:
            biases = _model_variable("biases", [num_outputs], x.dtype, biases_initializer,
                                     biases_regularizer, trainable,
                                     _variable_collections(variables_collections, "biases"))
        dims = [x.graph.dims.resolve(d) for d in x.shape._dims]
        size = [d if d is not None else shape_of(x)[i] for i, d in enumerate(dims)]
        spatial = [n * si + (max(ki - si, 0) if pad == "VALID" else 0)
                   for n, ki, si in zip(size[2:] if first else size[1:4], k, s)]
        out = [size[0]] + ([num_outputs] + spatial if first else spatial + [num_outputs])
        if any(isinstance(v, Tensor) for v in out):
            out = stack([convert_to_tensor(v) for v in out])
        strides = [1, 1] + s if first else [1] + s + [1]
        outputs = _conv3d_transpose(x, weights, out, strides, pad, data_format=data_format)
        if biases is not None:
            outputs = _bias_add(outputs, biases, data_format=data_format)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


conv3d_transpose = convolution3d_transpose


def _lower_bound(x, bound):
    """maximum(x, bound) whose gradient passes where x >= bound, or where it would push x
    up (g < 0); none goes to the bound (tf_slim's GDNLowerBound)."""
    @custom_gradient
    def lower_bound(t):
        def grad(g):
            return cast(logical_or(t >= bound, g < 0), g.dtype) * g
        return maximum(t, bound), grad
    return lower_bound(identity(x))


class GDN(Layer):
    """Generalized divisive normalization (tf.contrib.layers.GDN):
    y[i] = x[i] / sqrt(beta[i] + sum_j gamma[j, i] * x[j]**2) over the channels, or
    x[i] * sqrt(...) when `inverse` (IGDN).

        layer = slim.GDN(gamma_init=0.1)
        y = layer(images)          # gdn/reparam_beta (C,), gdn/reparam_gamma (C, C)

    beta and gamma are kept as their square roots (offset by reparam_offset**2) and
    bounded below by sqrt(beta_min + reparam_offset**2) and reparam_offset.
    """

    def __init__(self, inverse=False, beta_min=1e-6, gamma_init=.1, reparam_offset=2**-18,
                 data_format="channels_last", activity_regularizer=None, trainable=True,
                 name=None, **kwargs):
        scope, reuse = kwargs.pop("_scope", None), kwargs.pop("_reuse", None)
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.inverse = inverse
        self._beta_min, self._gamma_init = beta_min, gamma_init
        self._reparam_offset = reparam_offset
        self.data_format = data_format
        self.activity_regularizer = activity_regularizer
        self._input_rank = None
        self._channel_axis()
        if scope is not None or reuse:      # tf.layers' _scope / _reuse: a fixed scope
            with variable_scope(scope if scope is not None else self._base_name,
                                reuse=reuse) as captured:
                pass
            self._scope = captured

    def _channel_axis(self):
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(f"Unsupported `data_format` for GDN layer: "
                             f"{self.data_format}.")
        return 1 if self.data_format == "channels_first" else -1

    def build(self, input_shape):
        rank = input_shape.rank
        self._check_rank(rank)
        channels = get_default_graph().dims.resolve(input_shape._dims[self._channel_axis()])
        if channels is None:
            raise ValueError("The channel dimension of the inputs to `GDN` must be defined.")
        self._input_rank = rank
        npdt = self.dtype.as_numpy_dtype
        offset = npdt(self._reparam_offset)
        pedestal = npdt(self._reparam_offset ** 2)

        def beta_init(shape, dtype=None, partition_info=None):
            return np.sqrt(np.ones(shape, npdt) + pedestal)

        def gamma_init(shape, dtype=None, partition_info=None):
            eye = np.eye(shape[0], dtype=npdt)
            return np.sqrt(npdt(self._gamma_init) * eye + pedestal)

        beta = self.add_weight("reparam_beta", [channels], initializer=beta_init)
        gamma = self.add_weight("reparam_gamma", [channels, channels],
                                initializer=gamma_init)
        with name_scope(self._current_scope.original_name_scope):
            beta_bound = constant(np.sqrt(npdt(self._beta_min) + pedestal), self.dtype)
            self.beta = square(_lower_bound(beta, beta_bound)) - pedestal
            self.gamma = square(_lower_bound(gamma, constant(offset, self.dtype))) - pedestal
        self.built = True

    def _check_rank(self, rank):
        want = (3, 4, 5) if self._input_rank is None else (self._input_rank,)
        if rank not in want:
            raise errors.ShapeError(
                f"Input 0 of layer {self.name} is incompatible with the layer: expected "
                f"ndim in {want}, found ndim={rank}")

    def call(self, inputs):
        with name_scope(self._current_scope.original_name_scope):
            return self._normalize(inputs)

    def _normalize(self, x):
        self._check_rank(x.shape.rank)
        ndim = self._input_rank
        channels = self.gamma.shape.as_list()[0]
        gamma = reshape(self.gamma, [1] * (ndim - 2) + [channels, channels])
        if self.data_format == "channels_first":
            norm = _convolution(square(x), gamma, "VALID",
                                data_format="NC" + "DHW"[-(ndim - 2):])
            norm = norm + reshape(self.beta, [1, channels] + [1] * (ndim - 2))
        else:
            norm = _bias_add(_convolution(square(x), gamma, "VALID"), self.beta)
        norm = sqrt(norm)
        outputs = x * norm if self.inverse else x / norm
        return _activity_loss(outputs, None, None, self.activity_regularizer)


def gdn(inputs, inverse=False, beta_min=1e-6, gamma_init=.1, reparam_offset=2**-18,
        data_format="channels_last", activity_regularizer=None, trainable=True, name=None,
        reuse=None):
    """GDN(...) applied to inputs (tf.contrib.layers.gdn); `name` is its variable scope
    (default a unique 'gdn'), `reuse` shares its variables.

        y = slim.gdn(images)                       # gdn/reparam_beta, gdn/reparam_gamma
        x_hat = slim.gdn(y, inverse=True, name="igdn")
    """
    x = convert_to_tensor(inputs)
    layer = GDN(inverse=inverse, beta_min=beta_min, gamma_init=gamma_init,
                reparam_offset=reparam_offset, data_format=data_format,
                activity_regularizer=activity_regularizer, trainable=trainable, name=name,
                dtype=x.dtype, _scope=name, _reuse=reuse)
    return layer.apply(x)
