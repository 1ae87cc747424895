"""tf.layers.batch_normalization (TF1): the batch's statistics when training, moving
averages of them (updated by ops in UPDATE_OPS) otherwise; 4-D inputs take the fused op.

    h = gc.layers.batch_normalization(h, training=is_training)

graphc/layers.py re-exports it and holds the helpers it shares with the other layers
(the layer's scopes, input checks, the training switch).
"""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, name_scope
from .initializers import ones_initializer, zeros_initializer
from .layers import (_float_input, _known, _layer_scope, _smart_cond,
                     _static_bool)
from .ops.array import reshape, shape as shape_of
from .ops.core import constant, convert_to_tensor, identity
from .ops.creation import ones_like, zeros_like
from .ops.elementwise import cast
from .ops.graphkeys import GraphKeys, add_to_collection
from .ops.join import concat
from .ops.nn import moments
from .ops.reduce import reduce_mean
from .ops.nn_extra import batch_normalization as _batch_norm, fused_batch_norm
from .ops.varstore import get_variable
from .renorm import checked_clipping, renormalized

__all__ = ["batch_normalization"]


def _bn_axes(axis, x):
    """TF1's `axis` (an int or a list of ints) as non-negative axes of x, sizes known."""
    ndims = x.shape.rank
    if not ndims:
        raise errors.ShapeError("batch_normalization: Input has undefined rank or rank 0\n  "
                                + errors.describe_tensor(x, "inputs"))
    given = [axis] if isinstance(axis, (int, np.integer)) else axis
    if not isinstance(given, (list, tuple)) or isinstance(axis, bool):
        raise TypeError(f"batch_normalization: axis must be int or list, not {axis!r}")
    for a in given:
        if not -ndims <= a < ndims:
            raise ValueError(f"batch_normalization: Invalid axis: {a} (inputs of rank {ndims})")
    axes = [int(a) % ndims for a in given]
    if len(set(axes)) != len(axes):
        raise ValueError(f"batch_normalization: Duplicate axis: {list(given)}")
    for a in axes:
        _known(x, a, "batch_normalization", f"axis {a}")
    return axes


def _as(value, dtype):
    """A tensor or a Python number as a tensor of `dtype`."""
    value = convert_to_tensor(value, dtype=None if isinstance(value, Tensor) else dtype)
    return value if value.dtype is dtype else cast(value, dtype)


def _assign_moving_average(variable, value, decay):
    """variable -= (variable - value) * decay, named 'AssignMovingAvg' (TF1 Keras)."""
    with name_scope("AssignMovingAvg") as scope:
        delta = (variable - _as(value, variable.dtype)) * decay
        return variable.assign_sub(delta, name=scope)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True,
                        scale=True, beta_initializer=zeros_initializer(),
                        gamma_initializer=ones_initializer(),
                        moving_mean_initializer=zeros_initializer(),
                        moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                        training=False, trainable=True, name=None, reuse=None, renorm=False,
                        renorm_clipping=None, renorm_momentum=0.99, fused=None,
                        virtual_batch_size=None, adjustment=None):
    """gamma * (inputs - mean) / sqrt(variance + epsilon) + beta over all axes but `axis`
    (TF1 tf.layers.batch_normalization): the batch's mean and variance when `training`,
    else moving averages of them. With virtual_batch_size v ("ghost" batches) the batch
    is reshaped to (v, -1, ...) as TF1's layer does, each of its batch / v ghost batches
    (rows k, k + batch/v, ...) normalized by its own moments and the moving averages
    following their mean; the parameters then have shape (1, 1, ..., C).

        h = gc.layers.batch_normalization(h, training=is_training)
        with gc.control_dependencies(gc.get_collection(gc.GraphKeys.UPDATE_OPS)):
            train_op = gc.train.AdamOptimizer(1e-3).minimize(loss)

    Variables 'batch_normalization/gamma', '.../beta' (trainable) and '.../moving_mean',
    '.../moving_variance' (not trainable), float32 for float16 inputs. `training`: a Python
    bool or a bool tensor (then a gc.cond). Unless training is False, each call adds two
    ops to UPDATE_OPS, `moving -= (moving - batch_stat) * (1 - momentum)`, to be run by
    the caller. As in TF1 (fused None or True), 4-D inputs on axis 1 or 3 take
    gc.nn.fused_batch_norm: epsilon at least 1.001e-5, the moving variance following the
    unbiased batch variance (n / (n - 1)); else gc.nn.moments' variance. renorm=True is
    batch renormalization as TF 2.x's layer does it (renorm.py). adjustment(shape of
    inputs) -> (scale, bias), when training, scales and shifts the normalized values
    before gamma and beta (TF's layer; not fused, not with virtual_batch_size).
    """
    if adjustment is not None and fused:
        raise ValueError("batch_normalization: passing fused=True is not supported when "
                         "adjustment is specified")
    if adjustment is not None and virtual_batch_size is not None:
        raise ValueError("batch_normalization: when using virtual_batch_size, adjustment "
                         "cannot be specified")
    if renorm and fused:
        raise ValueError("batch_normalization: passing both fused=True and renorm=True is "
                         "not supported")
    if renorm:
        renorm_clipping = checked_clipping(renorm_clipping)
    x = _float_input(inputs, "BatchNormalization")
    axes = _bn_axes(axis, x)
    original = x
    if virtual_batch_size is not None:
        x, axes = _ghost_batches(x, axes, virtual_batch_size, fused)
    ndims, dims = x.shape.rank, [x.graph.dims.resolve(d) for d in x.shape._dims]
    shape = [dims[axes[0]]] if len(axes) == 1 and x is original else [
        dims[i] if i in axes else 1 for i in range(ndims)]
    pdtype = dtypes.float32 if x.dtype is dtypes.float16 else x.dtype
    static = _static_bool(training, "batch_normalization")
    use_fused = fused is not False and ndims == 4 and axes in ([1], [3]) and \
        x is original and not renorm and adjustment is None
    with _layer_scope(name, "batch_normalization", reuse):
        gamma = get_variable("gamma", shape, pdtype, gamma_initializer, gamma_regularizer,
                             trainable=trainable, constraint=gamma_constraint) \
            if scale else None
        beta = get_variable("beta", shape, pdtype, beta_initializer, beta_regularizer,
                            trainable=trainable, constraint=beta_constraint) \
            if center else None
        moving_mean = get_variable("moving_mean", shape, pdtype, moving_mean_initializer,
                                   trainable=False)
        moving_variance = get_variable("moving_variance", shape, pdtype,
                                       moving_variance_initializer, trainable=False)
        variables = (gamma, beta, moving_mean, moving_variance)
        if renorm:
            outputs = renormalized(x, axes, variables, (moving_mean_initializer,
                                                        moving_variance_initializer),
                                   epsilon, static, training, momentum, renorm_momentum,
                                   renorm_clipping, x is not original)
            return outputs if x is original else _ungrouped(outputs, original)
        if adjustment is not None and static is not False:
            variables = _adjusted(variables, adjustment(shape_of(x)), static, training)
        outputs, mean, variance = _fused(x, axes, variables, epsilon, static, training) \
            if use_fused else _unfused(x, axes, variables, epsilon, static, training,
                                       ghost=x is not original)
        if x is not original:       # ghost batches: one step toward their mean moments
            mean, variance = (reduce_mean(v, axis=1, keepdims=True) for v in (mean, variance))
            outputs = _ungrouped(outputs, original)
        if static is not False:
            # not training: decay 0 and the moving statistics themselves, a no-op
            decay = _smart_cond(static, training, lambda: _as(1.0 - momentum, pdtype),
                                lambda: constant(0.0, dtype=pdtype))
            for var, value in ((moving_mean, mean), (moving_variance, variance)):
                update = _assign_moving_average(var, value, decay)
                add_to_collection(GraphKeys.UPDATE_OPS, update)
        return outputs


def _adjusted(variables, adjustment, static, training):
    """variables with gamma and beta composed after the adjustment's (scale, bias) while
    training (TF's layer): gamma' = scale * gamma, beta' = bias * gamma + beta."""
    gamma, beta, moving_mean, moving_variance = variables
    scale, bias = (convert_to_tensor(v, dtype=moving_mean.dtype) for v in adjustment)
    scale = _smart_cond(static, training, lambda: scale, lambda: ones_like(scale))
    bias = _smart_cond(static, training, lambda: bias, lambda: zeros_like(bias))
    new_gamma = scale if gamma is None else scale * gamma
    new_beta = bias if gamma is None else bias * gamma
    new_beta = new_beta if beta is None else new_beta + beta
    return new_gamma, new_beta, moving_mean, moving_variance


def _ghost_batches(x, axes, size, fused):
    """(x as (size, -1, ...), axes moved past the new dim 1): TF1's virtual batches."""
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
        raise ValueError(f"batch_normalization: virtual_batch_size must be a positive "
                         f"integer that divides the true batch size of the input tensor, "
                         f"not {size!r}")
    if 0 in axes:
        raise ValueError("batch_normalization: when using virtual_batch_size, the batch "
                         "dimension must be 0 and thus axis cannot include 0")
    if fused:
        raise ValueError("batch_normalization: fused=True is not supported with "
                         "virtual_batch_size; leave fused None")
    batch = x.shape._dims[0]
    if isinstance(batch, int) and batch % size:
        raise errors.ShapeError(f"batch_normalization: virtual_batch_size {size} does not "
                                f"divide the batch size {batch}\n  "
                                + errors.describe_tensor(x, "inputs"))
    ghost = reshape(x, concat([[size, -1], shape_of(x)[1:]], 0))
    ghost.set_shape([size, batch // size if isinstance(batch, int) else None]
                    + list(x.shape._dims[1:]))
    return ghost, [a + 1 for a in axes]


def _ungrouped(outputs, original):
    """The outputs of ghost batches in the inputs' shape."""
    outputs = reshape(outputs, shape_of(original))
    outputs.set_shape(original.shape)
    return outputs


def _fused(x, axes, variables, epsilon, static, training):
    """(outputs, mean, unbiased variance) of gc.nn.fused_batch_norm, as TF1's fused path."""
    gamma, beta, moving_mean, moving_variance = variables
    fmt = "NCHW" if axes == [1] else "NHWC"
    dtype, shape = moving_mean.dtype, moving_mean.shape.as_list()
    g = gamma if gamma is not None else constant(1.0, dtype=dtype, shape=shape)
    b = beta if beta is not None else constant(0.0, dtype=dtype, shape=shape)
    return _smart_cond(
        static, training,
        lambda: fused_batch_norm(x, g, b, epsilon=epsilon, data_format=fmt),
        lambda: fused_batch_norm(x, g, b, moving_mean, moving_variance, epsilon=epsilon,
                                 data_format=fmt, is_training=False))


def param_layout(x, axes, ghost, dtype):
    """(the axes x's moments reduce, as_x): as_x puts a parameter or statistic ((C,), or
    of x's rank) in x's layout ((1, C, 1, ...) unless the axis is the last) and `dtype`.
    Ghost batches (dim 1) each get their own moments."""
    ndims = x.shape.rank
    reduction = [i for i in range(ndims) if i not in axes and not (ghost and i == 1)]
    channels = [1] * ndims
    channels[axes[0]] = x.graph.dims.resolve(x.shape._dims[axes[0]])

    def as_x(v):
        if v is None:
            return None
        v = _as(v, dtype)
        if v.shape.rank == ndims or reduction == list(range(ndims - 1)):
            return v
        return reshape(v, channels)
    return reduction, as_x


def _unfused(x, axes, variables, epsilon, static, training, ghost=False):
    """(outputs, mean, variance): gc.nn.moments over the other axes, or the moving ones."""
    gamma, beta, moving_mean, moving_variance = variables
    reduction, as_x = param_layout(x, axes, ghost, x.dtype)
    keep = moving_mean.shape.rank == x.shape.rank   # several axes, or ghost batches
    xp = _as(x, moving_mean.dtype)
    mean, variance = _smart_cond(
        static, training, lambda: moments(xp, reduction, keep_dims=keep),
        lambda: (identity(moving_mean), identity(moving_variance)))
    outputs = _batch_norm(x, *map(as_x, (mean, variance, beta, gamma)), epsilon)
    return outputs, mean, variance
