"""tf_slim's other normalizations (tf_slim.layers.normalization): group_norm and
instance_norm; the 3-D layers and gdn are in layers_norm3.py (their names are
re-exported here, so gc.contrib.layers and gc.contrib.slim take them from this `__all__`).

    net = slim.conv2d(images, 32, [3, 3], normalizer_fn=slim.group_norm,
                      normalizer_params={"groups": 8}, scope="conv1")   # conv1/GroupNorm/beta
    net = slim.instance_norm(net, activation_fn=gc.nn.relu)            # InstanceNorm/gamma
"""
from ..initializers import ones_initializer, zeros_initializer
from ..ops.array import reshape, shape as shape_of
from ..ops.elementwise import rsqrt
from ..ops.nn import moments
from ..ops.nn_extra import batch_normalization as _batch_norm
from ..ops.nn_misc import normalize_moments, sufficient_statistics
from .arg_scope import add_arg_scope
from .layers_base import (_dim, _input, _layer_scope, _model_variable, _rank_of,
                          _variable_collections, collect_named_outputs)
from .layers_norm3 import *  # noqa: F401,F403
from .layers_norm3 import __all__ as _norm3_all

__all__ = ["group_norm", "instance_norm"] + _norm3_all


def _beta_gamma(shape, dtype, center, scale, param_initializers, trainable,
                variables_collections):
    """The model variables beta (center) and gamma (scale) of one layer, else None."""
    inits = param_initializers or {}
    made = []
    for name, on, default in (("beta", center, zeros_initializer()),
                              ("gamma", scale, ones_initializer())):
        made.append(_model_variable(
            name, shape, dtype, inits.get(name, default), None, trainable,
            _variable_collections(variables_collections, name)) if on else None)
    return made


def _finish(outputs, activation_fn, outputs_collections, sc):
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def instance_norm(inputs, center=True, scale=True, epsilon=1e-6, activation_fn=None,
                  param_initializers=None, reuse=None, variables_collections=None,
                  outputs_collections=None, trainable=True, data_format="NHWC",
                  scope=None):
    """Normalize each example's channels over their spatial axes (all axes but the batch
    and the channels), then gamma * . + beta (tf.contrib.layers.instance_norm).

        net = slim.instance_norm(net, scope="in1")       # in1/beta, in1/gamma: (C,)
        net = slim.instance_norm(net, data_format="NCHW", center=False)
    """
    x = _input(inputs, "instance_norm")
    rank = _rank_of(x, "instance_norm")
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError(f"instance_norm: data_format has to be either NCHW or NHWC, "
                         f"not {data_format!r}")
    with _layer_scope(scope, "InstanceNorm", reuse) as sc:
        c_axis = 1 if data_format == "NCHW" else rank - 1
        channels = _dim(x, c_axis, "instance_norm")
        beta, gamma = _beta_gamma([channels], x.dtype, center, scale, param_initializers,
                                  trainable, variables_collections)
        if data_format == "NCHW":
            bshape = [1, channels] + [1] * (rank - 2)
            beta = None if beta is None else reshape(beta, bshape)
            gamma = None if gamma is None else reshape(gamma, bshape)
        axes = [i for i in range(1, rank) if i != c_axis]
        mean, variance = moments(x, axes, keep_dims=True)
        outputs = _batch_norm(x, mean, variance, beta, gamma, epsilon, name="instancenorm")
        return _finish(outputs, activation_fn, outputs_collections, sc)


def _group_axes(x, rank, groups, channels_axis, reduction_axes):
    """(channels, channels_axis, reduction axes) of group_norm, checked as tf_slim does."""
    if channels_axis > rank - 1 or channels_axis < -rank:
        raise ValueError(f"group_norm: channels_axis {channels_axis} is out of bounds for "
                         f"inputs of rank {rank}")
    channels_axis %= rank
    channels = _dim(x, channels_axis, "group_norm")
    axes = []
    for a in reduction_axes:
        if not -rank <= a < rank:
            raise ValueError(f"group_norm: reduction axis {a} is out of bounds for inputs "
                             f"of rank {rank}")
        a %= rank
        if a == channels_axis:
            raise ValueError("group_norm: reduction_axis must be mutually exclusive with "
                             f"channels_axis ({channels_axis})")
        _dim(x, a, "group_norm", f"reduction axis {a}")
        axes.append(a)
    if groups > channels:
        raise ValueError(f"group_norm: Invalid groups {groups} for {channels} channels.")
    if channels % groups != 0:
        raise ValueError(f"group_norm: {channels} channels is not commensurate with "
                         f"{groups} groups.")
    return channels, channels_axis, axes


@add_arg_scope
def group_norm(inputs, groups=32, channels_axis=-1, reduction_axes=(-3, -2), center=True,
               scale=True, epsilon=1e-6, activation_fn=None, param_initializers=None,
               reuse=None, variables_collections=None, outputs_collections=None,
               trainable=True, scope=None, mean_close_to_zero=False):
    """Group normalization (tf.contrib.layers.group_norm): the channels split into
    `groups` groups, each normalized over its channels and `reduction_axes`, then
    gamma * . + beta per channel.

        net = slim.group_norm(net, groups=8)                       # NHWC: GroupNorm/beta
        net = slim.group_norm(net, groups=4, channels_axis=1,
                              reduction_axes=(-2, -1))             # NCHW

    mean_close_to_zero computes the moments from sums of x and x**2 (faster, less
    accurate when the mean is far from zero), as TF does.
    """
    x = _input(inputs, "group_norm")
    rank = _rank_of(x, "group_norm")
    channels, c_axis, axes = _group_axes(x, rank, groups, channels_axis, reduction_axes)
    known = [x.graph.dims.resolve(d) for d in x.shape._dims]
    dims = [d if d is not None else shape_of(x)[i] for i, d in enumerate(known)]
    grouped = dims[:c_axis] + [groups, channels // groups] + dims[c_axis + 1:]
    bshape = [1] * c_axis + [groups, channels // groups] + [1] * (rank - c_axis - 1)
    xg = reshape(x, grouped)
    moments_axes = [c_axis + 1] + [a + 1 if a > c_axis else a for a in axes]
    with _layer_scope(scope, "GroupNorm", reuse) as sc:
        beta, gamma = _beta_gamma([channels], x.dtype, center, scale, param_initializers,
                                  trainable, variables_collections)
        if mean_close_to_zero:
            counts, mean_ss, variance_ss, _ = sufficient_statistics(xg, moments_axes,
                                                                    keep_dims=True)
            mean, variance = normalize_moments(counts, mean_ss, variance_ss, shift=None)
        else:
            mean, variance = moments(xg, moments_axes, keep_dims=True)
        # x * gain + offset, gain = gamma / sqrt(var + eps), offset = beta - mean * gain
        gain = rsqrt(variance + epsilon)
        offset = -mean * gain
        if gamma is not None:
            gamma = reshape(gamma, bshape)
            gain, offset = gain * gamma, offset * gamma
        if beta is not None:
            offset = offset + reshape(beta, bshape)
        outputs = reshape(xg * gain + offset, dims)
        return _finish(outputs, activation_fn, outputs_collections, sc)

