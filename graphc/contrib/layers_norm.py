"""gc.contrib.layers' normalizations (tf_slim.layers): batch_norm and layer_norm.

    with slim.arg_scope([slim.conv2d], normalizer_fn=slim.batch_norm,
                        normalizer_params={"is_training": is_training, "decay": 0.99}):
        net = slim.conv2d(images, 32, [3, 3], scope="conv1")   # conv1/BatchNorm/beta, ...
    update_ops = gc.get_collection(gc.GraphKeys.UPDATE_OPS)
"""
from .. import dtypes, errors
from .. import layers as _core
from ..graph import control_dependencies
from ..layers_utils import _smart_cond, _static_bool
from ..ops.array import reshape, shape as shape_of
from ..ops.core import constant, identity
from ..ops.graphkeys import GraphKeys, add_to_collections
from ..ops.nn import moments
from ..ops.nn_extra import batch_normalization as _batch_norm, fused_batch_norm
from ..initializers import ones_initializer, zeros_initializer
from .arg_scope import add_arg_scope
from .layers_base import (_add_to_variable_collections, _check_format, _input,
                          _layer_scope, _model_variable, _rank_of, _variable_collections,
                          collect_named_outputs)

__all__ = ["batch_norm", "layer_norm"]

_UNSUPPORTED = (("batch_weights", None), ("zero_debias_moving_mean", False),
                ("renorm", False), ("adjustment", None))


def _model_getter(getter, name, *args, **kwargs):
    """A custom getter putting the core layer's variables in MODEL_VARIABLES too."""
    keys = list(kwargs.get("collections") or []) + [GraphKeys.GLOBAL_VARIABLES,
                                                      GraphKeys.MODEL_VARIABLES]
    kwargs["collections"] = list(dict.fromkeys(keys))
    return getter(name, *args, **kwargs)


def _moving_average(variable, value, decay):
    """variable -= (variable - value) * (1 - decay) (assign_moving_average, no debias)."""
    return variable.assign_sub((variable - value) * (1.0 - decay))


def _params(shape, dtype, center, scale, param_initializers, param_regularizers,
            trainable, variables_collections):
    """beta, gamma (None when not center / scale), moving_mean, moving_variance."""
    inits, regs = param_initializers or {}, param_regularizers or {}
    made = {}
    for name, on, default, train in (("beta", center, zeros_initializer(), trainable),
                                     ("gamma", scale, ones_initializer(), trainable),
                                     ("moving_mean", True, zeros_initializer(), False),
                                     ("moving_variance", True, ones_initializer(), False)):
        made[name] = _model_variable(
            name, shape, dtype, inits.get(name, default),
            regs.get(name) if name in ("beta", "gamma") else None, train,
            _variable_collections(variables_collections, name)) if on else None
    return made["beta"], made["gamma"], made["moving_mean"], made["moving_variance"]


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
               activation_fn=None, param_initializers=None, param_regularizers=None,
               updates_collections=GraphKeys.UPDATE_OPS, is_training=True, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               batch_weights=None, fused=None, data_format="NHWC",
               zero_debias_moving_mean=False, scope=None, renorm=False,
               renorm_clipping=None, renorm_decay=0.99, adjustment=None):
    """Batch normalization over all axes but the channels (tf.contrib.layers.batch_norm):
    the batch's statistics when is_training, else the moving ones.

        net = slim.batch_norm(net, is_training=True, scale=True)   # BatchNorm/beta, gamma
        with gc.control_dependencies(gc.get_collection(gc.GraphKeys.UPDATE_OPS)):
            train_op = optimizer.minimize(loss)

    Variables 'BatchNorm/beta' (center), '/gamma' (scale; off by default), '/moving_mean',
    '/moving_variance'. Update ops `moving -= (moving - batch) * (1 - decay)` go to
    updates_collections; with updates_collections=None they run with the outputs. As
    tf_slim's, fused (None: True) 2-D and 4-D inputs use gc.nn.fused_batch_norm, whose
    moving variance follows the unbiased batch variance; otherwise gc.nn.moments'.
    batch_weights, renorm, adjustment and zero_debias_moving_mean=True are not
    implemented.
    """
    for key, default in _UNSUPPORTED:
        if locals()[key] is not default and locals()[key] != default:
            raise NotImplementedError(f"batch_norm: {key} is not implemented in graphc")
    fused = True if fused is None else fused
    x = _input(inputs, "batch_norm")
    rank = _rank_of(x, "batch_norm")
    default_updates = updates_collections == GraphKeys.UPDATE_OPS
    if fused and rank in (2, 4) and (rank == 2 or not default_updates):
        return _fused_batch_norm(x, decay, center, scale, epsilon, activation_fn,
                                 param_initializers, param_regularizers,
                                 updates_collections, is_training, reuse,
                                 variables_collections, outputs_collections, trainable,
                                 data_format, scope)
    _check_format(data_format, ("NCHW", "NHWC"), "batch_norm")
    if default_updates:
        with _layer_scope(scope, "BatchNorm", reuse, _model_getter) as sc:
            inits, regs = param_initializers or {}, param_regularizers or {}
            outputs = _core.batch_normalization(
                x, axis=1 if data_format == "NCHW" else -1, momentum=decay,
                epsilon=epsilon, center=center, scale=scale,
                beta_initializer=inits.get("beta", zeros_initializer()),
                gamma_initializer=inits.get("gamma", ones_initializer()),
                moving_mean_initializer=inits.get("moving_mean", zeros_initializer()),
                moving_variance_initializer=inits.get("moving_variance",
                                                      ones_initializer()),
                beta_regularizer=regs.get("beta"), gamma_regularizer=regs.get("gamma"),
                training=is_training, trainable=trainable, name=sc, reuse=reuse,
                fused=fused)
            if variables_collections:
                own = {v.name.rpartition(":")[0].rpartition("/")[2]: v
                       for v in sc.global_variables()}
                for name in ("moving_mean", "moving_variance", "beta", "gamma"):
                    if name in own:
                        _add_to_variable_collections(own[name], variables_collections,
                                                     name)
            if activation_fn is not None:
                outputs = activation_fn(outputs)
            return collect_named_outputs(outputs_collections, sc.name, outputs)
    with _layer_scope(scope, "BatchNorm", reuse) as sc:
        return _legacy_batch_norm(x, rank, sc, decay, center, scale, epsilon,
                                  activation_fn, param_initializers, updates_collections,
                                  is_training, variables_collections, outputs_collections,
                                  trainable, data_format)


def _legacy_batch_norm(x, rank, sc, decay, center, scale, epsilon, activation_fn,
                       param_initializers, updates_collections, is_training,
                       variables_collections, outputs_collections, trainable,
                       data_format):
    """slim's own unfused batch norm (custom updates_collections): moments' variance."""
    nchw = data_format == "NCHW"
    c_axis = 1 if nchw else rank - 1
    c = x.graph.dims.resolve(x.shape._dims[c_axis])
    if c is None:
        raise errors.ShapeError("batch_norm: the channels dimension of inputs must be known"
                                "\n  " + errors.describe_tensor(x, "inputs"))
    axes = [i for i in range(rank) if i != c_axis]
    beta, gamma, moving_mean, moving_variance = _params(
        [c], x.dtype, center, scale, param_initializers, None, trainable,
        variables_collections)
    static = _static_bool(is_training, "batch_norm")
    if static is None or static:
        mean, variance = moments(x, axes, keep_dims=nchw)
        if nchw:
            mean, variance = reshape(mean, [-1]), reshape(variance, [-1])
        stored = lambda: (moving_mean, moving_variance)   # noqa: E731

        def updates():
            return (_moving_average(moving_mean, mean, decay),
                    _moving_average(moving_variance, variance, decay))
        if updates_collections is None:
            def forced():
                with control_dependencies(list(updates())):
                    return identity(mean), identity(variance)
            mean, variance = _smart_cond(static, is_training, forced, stored)
        else:
            update_mean, update_variance = _smart_cond(static, is_training, updates,
                                                       stored)
            add_to_collections(updates_collections, update_mean)
            add_to_collections(updates_collections, update_variance)
            batch = (mean, variance)
            mean, variance = _smart_cond(static, is_training, lambda: batch, stored)
    else:
        mean, variance = moving_mean, moving_variance
    if nchw:
        bshape = [1, c] + [1] * (rank - 2)
        mean, variance = reshape(mean, bshape), reshape(variance, bshape)
        beta = None if beta is None else reshape(beta, bshape)
        gamma = None if gamma is None else reshape(gamma, bshape)
    outputs = _batch_norm(x, mean, variance, beta, gamma, epsilon)
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_named_outputs(outputs_collections, sc.name, outputs)


def _fused_batch_norm(x, decay, center, scale, epsilon, activation_fn, param_initializers,
                      param_regularizers, updates_collections, is_training, reuse,
                      variables_collections, outputs_collections, trainable, data_format,
                      scope):
    """slim's fused path (2-D inputs, or custom updates_collections): float32 params,
    gc.nn.fused_batch_norm; 2-D inputs go through (N, 1, 1, C)."""
    _check_format(data_format, ("NCHW", "NHWC"), "batch_norm")
    nchw = data_format == "NCHW"
    with _layer_scope(scope, "BatchNorm", reuse) as sc:
        original = x
        rank = x.shape.rank
        c = x.graph.dims.resolve(x.shape._dims[1 if nchw and rank == 4 else -1])
        if c is None:
            raise errors.ShapeError("batch_norm: the `C` dimension of inputs must be known"
                                    "\n  " + errors.describe_tensor(x, "inputs"))
        if rank == 2:
            x = reshape(x, [-1, c, 1, 1] if nchw else [-1, 1, 1, c])
        beta, gamma, moving_mean, moving_variance = _params(
            [c], dtypes.float32, center, scale, param_initializers, param_regularizers,
            trainable, variables_collections)
        if beta is None:
            beta = constant(0.0, dtype=dtypes.float32, shape=[c])
        if gamma is None:
            gamma = constant(1.0, dtype=dtypes.float32, shape=[c])
        static = _static_bool(is_training, "batch_norm")
        outputs, mean, variance = _smart_cond(
            static, is_training,
            lambda: fused_batch_norm(x, gamma, beta, epsilon=epsilon,
                                     data_format=data_format),
            lambda: fused_batch_norm(x, gamma, beta, mean=moving_mean,
                                     variance=moving_variance, epsilon=epsilon,
                                     is_training=False, data_format=data_format))
        if static is None or static:
            def updates():
                return (_moving_average(moving_mean, mean, decay),
                        _moving_average(moving_variance, variance, decay))
            if updates_collections is None:
                def forced():
                    with control_dependencies(list(updates())):
                        return identity(outputs)
                result = outputs
                outputs = _smart_cond(static, is_training, forced, lambda: result)
            else:
                update_mean, update_variance = _smart_cond(
                    static, is_training, updates, lambda: (moving_mean, moving_variance))
                add_to_collections(updates_collections, update_mean)
                add_to_collections(updates_collections, update_variance)
        if rank == 2:
            dims = [original.graph.dims.resolve(d) for d in original.shape._dims]
            target = [-1 if d is None else d for d in dims]
            outputs = reshape(outputs, target if target.count(-1) <= 1
                              else shape_of(original))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None,
               variables_collections=None, outputs_collections=None, trainable=True,
               begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Normalize inputs over axes begin_norm_axis.. (mean 0, variance 1, epsilon 1e-12),
    then beta + gamma * (shape inputs.shape[begin_params_axis:]) (tf.contrib.layers).

        h = slim.layer_norm(h, scope="ln1")       # ln1/beta, ln1/gamma
    """
    with _layer_scope(scope, "LayerNorm", reuse) as sc:
        x = _input(inputs, "layer_norm")
        rank = _rank_of(x, "layer_norm")
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError(f"layer_norm: begin_params_axis ({begin_params_axis}) and "
                             f"begin_norm_axis ({begin_norm_axis}) must be < rank(inputs) "
                             f"({rank})")
        dims = [x.graph.dims.resolve(d) for d in x.shape._dims][begin_params_axis:]
        if any(d is None for d in dims):
            raise errors.ShapeError(
                f"layer_norm: shape(inputs)[{begin_params_axis}:] is not fully defined: "
                f"{x.shape}\n  " + errors.describe_tensor(x, "inputs"))
        beta, gamma, _, _ = (None, None, None, None)
        if center:
            beta = _model_variable("beta", dims, x.dtype, zeros_initializer(), None,
                                   trainable, _variable_collections(variables_collections,
                                                                    "beta"))
        if scale:
            gamma = _model_variable("gamma", dims, x.dtype, ones_initializer(), None,
                                    trainable, _variable_collections(variables_collections,
                                                                     "gamma"))
        mean, variance = moments(x, list(range(begin_norm_axis, rank)), keep_dims=True)
        eps = 1e-3 if x.dtype is dtypes.float16 else 1e-12
        outputs = _batch_norm(x, mean, variance, beta, gamma, eps)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)
