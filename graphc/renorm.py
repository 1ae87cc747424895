"""Batch renormalization for tf.layers.batch_normalization(renorm=True), as TF 2.x's layer
(tf_keras BatchNormalization) does it: during training the batch-normalized values are
corrected by r = sigma_B / sigma_R and d = (mu_B - mu_R) / sigma_R (clipped by
renorm_clipping's rmin, rmax, dmax; no gradient through them), where mu_R and sigma_R
are moving averages (renorm_momentum) of the batch mean and standard deviation. The
inference statistics follow moving_mean and moving_stddev (momentum); moving_variance is
set to moving_stddev^2 - epsilon. Variables: 'moving_stddev', 'renorm_mean',
'renorm_stddev' besides the usual four, none trainable.

    h = gc.layers.batch_normalization(h, training=is_training, renorm=True,
                                      renorm_clipping={"rmax": 3.0, "dmax": 5.0})
"""
from .layers_utils import _smart_cond
from .ops.activations import relu
from .ops.core import identity, stop_gradient
from .ops.creation import ones_like, zeros_like
from .ops.elementwise import maximum, minimum, sqrt
from .ops.graphkeys import GraphKeys, add_to_collection
from .ops.nn import moments
from .ops.nn_extra import batch_normalization as _batch_norm
from .ops.reduce import reduce_mean
from .ops.varstore import get_variable

__all__ = ["checked_clipping", "renormalized"]


def _stddev_initializer(variance_initializer):
    def init(shape, dtype=None, partition_info=None):
        return sqrt(variance_initializer(shape, dtype=dtype))
    return init


def checked_clipping(clipping):
    """renorm_clipping as a dict of rmin, rmax, dmax (TF's error for other keys)."""
    clipping = dict(clipping or {})
    unknown = set(clipping) - {"rmin", "rmax", "dmax"}
    if unknown:
        raise ValueError(f"batch_normalization: invalid keys for renorm_clipping: "
                         f"{sorted(unknown)} (rmin, rmax, dmax)")
    return clipping


def renormalized(x, axes, variables, initializers, epsilon, static, training, momentum,
                 renorm_momentum, clipping, ghost):
    """The renormalized outputs of x (in its normalized layout: ghost batches on dim 1);
    its updates go to UPDATE_OPS unless training is False."""
    from .normalization import _as, _assign_moving_average, param_layout
    gamma, beta, moving_mean, moving_variance = variables
    shape, dtype = moving_mean.shape.as_list(), moving_mean.dtype
    mean_initializer, variance_initializer = initializers
    init = _stddev_initializer(variance_initializer)
    moving_stddev = get_variable("moving_stddev", shape, dtype, init, trainable=False)
    renorm_mean = get_variable("renorm_mean", shape, dtype, mean_initializer,
                               trainable=False)
    renorm_stddev = get_variable("renorm_stddev", shape, dtype, init, trainable=False)
    reduction, as_x = param_layout(x, axes, ghost, dtype)
    ndims = x.shape.rank
    xp = _as(x, dtype)
    if static is False:
        out = _batch_norm(xp, *map(as_x, (moving_mean, moving_variance, beta, gamma)),
                          epsilon)
        return _as(out, x.dtype)
    keep = moving_mean.shape.rank == ndims
    b_mean, b_var = moments(xp, reduction, keep_dims=keep)
    mean, var = (reduce_mean(v, axis=1, keepdims=True) for v in (b_mean, b_var)) \
        if ghost else (b_mean, b_var)
    mean = _smart_cond(static, training, lambda: mean, lambda: identity(moving_mean))
    var = _smart_cond(static, training, lambda: var, lambda: identity(moving_variance))
    stddev = sqrt(var + epsilon)
    floor = maximum(renorm_stddev, sqrt(_as(epsilon, dtype)))
    r, d = stddev / floor, (mean - renorm_mean) / floor
    with x.graph.control_dependencies([r, d]):      # r and d see the averages before
        mean, stddev = identity(mean), identity(stddev)     # their updates below
    if clipping.get("rmin") is not None:
        r = maximum(r, _as(clipping["rmin"], dtype))
    if clipping.get("rmax") is not None:
        r = minimum(r, _as(clipping["rmax"], dtype))
    if clipping.get("dmax") is not None:
        dmax = _as(clipping["dmax"], dtype)
        d = minimum(maximum(d, -dmax), dmax)
    r = stop_gradient(_smart_cond(static, training, lambda: r, lambda: ones_like(r)),
                      name="renorm_r")
    d = stop_gradient(_smart_cond(static, training, lambda: d, lambda: zeros_like(d)),
                      name="renorm_d")
    scale, offset = r, d            # (x * r + d) * gamma + beta
    if gamma is not None:
        scale, offset = scale * gamma, offset * gamma
    if beta is not None:
        offset = offset + beta
    if ghost:                       # each ghost batch normalized by its own moments
        mean_x = _smart_cond(static, training, lambda: b_mean, lambda: identity(moving_mean))
        var_x = _smart_cond(static, training, lambda: b_var,
                            lambda: identity(moving_variance))
    else:
        mean_x, var_x = mean, var
    out = _batch_norm(xp, as_x(mean_x), as_x(var_x), as_x(offset), as_x(scale), epsilon)

    def update(var, value, m):
        return _smart_cond(static, training,
                           lambda: _assign_moving_average(var, value, _as(1.0 - m, dtype)),
                           lambda: identity(var))
    with x.graph.control_dependencies([update(renorm_mean, mean, renorm_momentum),
                                       update(renorm_stddev, stddev, renorm_momentum)]):
        mean, var = identity(mean), identity(var)
    mean_update = update(moving_mean, mean, momentum)

    def variance_update():
        s = _assign_moving_average(moving_stddev, sqrt(var + epsilon),
                                   _as(1.0 - momentum, dtype))
        return moving_variance.assign(relu(s * s - epsilon), name="AssignNewValue")
    var_update = _smart_cond(static, training, variance_update,
                             lambda: identity(moving_variance))
    add_to_collection(GraphKeys.UPDATE_OPS, mean_update)
    add_to_collection(GraphKeys.UPDATE_OPS, var_update)
    return _as(out, x.dtype)
