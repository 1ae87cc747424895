"""optimize_loss (tf.contrib.layers.optimize_loss, tf_slim.layers.optimizers): a training
op from a loss, an optimizer (by name, class, factory or instance), a learning rate and
optional decay, gradient clipping, noise and multipliers, with training summaries.

    train_op = optimize_loss(loss, gc.train.get_or_create_global_step(),
                             learning_rate=0.1, optimizer="Adam", clip_gradients=5.0)
    sess.run(train_op)          # one step: returns the loss, increments global_step
"""
from .. import dtypes, summary
from ..graph import Tensor, get_default_graph
from ..indexed_slices import IndexedSlices
from ..ops.graphkeys import GraphKeys
from ..ops.scope import variable_scope
from ..ops.state import trainable_variables
from ..ops.varstore import get_variable
from ..train import optimizers as _opt, optimizers_extra as _opt_extra
from ..train.optimizer import Optimizer
from ..train.step import assert_global_step, get_global_step

__all__ = ["optimize_loss", "adaptive_clipping_fn", "OPTIMIZER_CLS_NAMES",
           "OPTIMIZER_SUMMARIES"]

OPTIMIZER_CLS_NAMES = {
    "Adagrad": _opt.AdagradOptimizer,
    "Adam": _opt.AdamOptimizer,
    "Ftrl": _opt_extra.FtrlOptimizer,
    "Momentum": lambda learning_rate: _opt.MomentumOptimizer(learning_rate, momentum=0.9),
    "RMSProp": _opt.RMSPropOptimizer,
    "SGD": _opt.GradientDescentOptimizer,
}

OPTIMIZER_SUMMARIES = ["learning_rate", "loss", "gradients", "gradient_norm",
                       "global_gradient_norm"]


def _gc():
    import graphc
    return graphc


def _with_dependencies(deps, tensor):
    """tensor passed through an Identity 'control_dependency' that runs after deps."""
    gc = _gc()
    with gc.name_scope("control_dependency") as scope, gc.control_dependencies(deps):
        return gc.identity(tensor, name=scope)


def _learning_rate(learning_rate):
    if isinstance(learning_rate, Tensor) and learning_rate.shape.rank == 0:
        return learning_rate
    if isinstance(learning_rate, float):
        if learning_rate < 0.0:
            raise ValueError(f"Invalid learning_rate {learning_rate}.")
        return get_variable("learning_rate", [], trainable=False,
                            initializer=_gc().constant_initializer(learning_rate))
    raise ValueError(f"Learning rate should be 0d Tensor or float. Got {learning_rate} of "
                     f"type {type(learning_rate)}")


def _make_optimizer(optimizer, learning_rate, lr):
    if isinstance(optimizer, str):
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer "
                             f"is string ({optimizer}).")
        if optimizer not in OPTIMIZER_CLS_NAMES:
            raise ValueError(f"Optimizer name should be one of "
                             f"[{', '.join(OPTIMIZER_CLS_NAMES)}], you provided {optimizer}.")
        return OPTIMIZER_CLS_NAMES[optimizer](learning_rate=lr)
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        if lr is None:
            raise ValueError("Learning rate is None, but should be specified if optimizer "
                             f"is class ({optimizer}).")
        return optimizer(learning_rate=lr)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if callable(optimizer):
        opt = optimizer(lr) if learning_rate is not None else optimizer()
        if not isinstance(opt, Optimizer):
            raise ValueError("Unrecognized optimizer: function should return subclass of "
                             f"Optimizer. Got {opt}.")
        return opt
    raise ValueError("Unrecognized optimizer: should be string, subclass of Optimizer, "
                     "instance of subclass of Optimizer or function with one argument. "
                     f"Got {optimizer}.")


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None,
                  gradient_multipliers=None, clip_gradients=None,
                  learning_rate_decay_fn=None, update_ops=None, variables=None, name=None,
                  summaries=None, colocate_gradients_with_ops=False,
                  increment_global_step=True):
    """A tensor that, run, takes one optimizer step on `loss` and returns the loss.

        train_op = optimize_loss(loss, global_step, 0.01, "SGD",
                                 learning_rate_decay_fn=lambda lr, s:
                                     gc.train.exponential_decay(lr, s, 100, 0.9),
                                 summaries=["loss", "gradients"])

    optimizer: a name of OPTIMIZER_CLS_NAMES, an Optimizer subclass (called with the
    learning rate), a function of the learning rate (of nothing if learning_rate is
    None) giving an Optimizer, or an Optimizer. A float learning_rate becomes the
    non-trainable variable '<name>/learning_rate'; a scalar tensor is used as it is.
    global_step None: the graph's (if any). update_ops None: the "update_ops" collection,
    run before the loss. gradient_noise_scale adds truncated-normal noise times it;
    gradient_multipliers {variable or variable name: factor}; clip_gradients a float
    (clip_by_global_norm) or a function of the (gradient, variable) list. summaries:
    some of OPTIMIZER_SUMMARIES (default loss, learning_rate, global_gradient_norm).
    The ops go under variable scope `name` (default "OptimizeLoss").
    """
    gc = _gc()
    loss = gc.convert_to_tensor(loss)
    gc.assert_scalar(loss)
    if global_step is None:
        global_step = get_global_step()
    else:
        assert_global_step(global_step)
    with variable_scope(name, "OptimizeLoss", [loss, global_step]):
        if update_ops is None:
            update_ops = list(dict.fromkeys(
                get_default_graph().get_collection(GraphKeys.UPDATE_OPS)))
        if update_ops:
            loss = _with_dependencies(list(update_ops), loss)
        lr = None if learning_rate is None else _learning_rate(learning_rate)
        if summaries is None:
            summaries = ["loss", "learning_rate", "global_gradient_norm"]
        for summ in summaries:
            if summ not in OPTIMIZER_SUMMARIES:
                raise ValueError(f"Summaries should be one of "
                                 f"[{', '.join(OPTIMIZER_SUMMARIES)}], you provided {summ}.")
        if learning_rate is not None and learning_rate_decay_fn is not None:
            if global_step is None:
                raise ValueError("global_step is required for learning_rate_decay_fn.")
            lr = learning_rate_decay_fn(lr, global_step)
            if "learning_rate" in summaries:
                summary.scalar("learning_rate", lr)
        opt = _make_optimizer(optimizer, learning_rate, lr)
        if variables is None:
            variables = trainable_variables()
        gradients = opt.compute_gradients(
            loss, variables, colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_noise_scale is not None:
            gradients = _add_scaled_noise(gradients, gradient_noise_scale)
        if gradient_multipliers is not None:
            gradients = _multiply_gradients(gradients, gradient_multipliers)
            if not gradients:
                raise ValueError("Empty list of (gradient, var) pairs encountered. This is "
                                 "most likely to be caused by an improper value of "
                                 "gradient_multipliers.")
        norms = "global_gradient_norm" in summaries or "gradient_norm" in summaries
        if norms:
            summary.scalar("global_norm/gradient_norm", _global_norm(gradients))
        if isinstance(clip_gradients, float):
            grads, tvars = zip(*gradients)
            gradients = list(zip(gc.clip_by_global_norm(list(grads), clip_gradients)[0],
                                 tvars))
        elif callable(clip_gradients):
            gradients = clip_gradients(gradients)
        elif clip_gradients is not None:
            raise ValueError(f"Unknown type {type(clip_gradients)} for clip_gradients")
        if "loss" in summaries:
            summary.scalar("loss", loss)
        for grad, var in gradients:
            values = grad.values if isinstance(grad, IndexedSlices) else grad
            if values is not None:
                var_name = var.name.replace(":", "_")
                if "gradients" in summaries:
                    summary.histogram(f"gradients/{var_name}", values)
                if "gradient_norm" in summaries:
                    summary.scalar(f"gradient_norm/{var_name}", gc.global_norm([values]))
        if clip_gradients is not None and norms:
            summary.scalar("global_norm/clipped_gradient_norm", _global_norm(gradients))
        grad_updates = opt.apply_gradients(
            gradients, global_step=global_step if increment_global_step else None,
            name="train")
        return _with_dependencies([grad_updates], loss)


def _global_norm(grads_and_vars):
    return _gc().global_norm([g for g, _ in grads_and_vars])


def _add_scaled_noise(grads_and_vars, scale):
    """Each gradient plus truncated_normal(its shape) * scale."""
    gc = _gc()
    noisy = []
    for grad, var in grads_and_vars:
        if grad is not None:
            shape = grad.dense_shape if isinstance(grad, IndexedSlices) else grad.shape
            grad = grad + gc.truncated_normal(shape) * scale
        noisy.append((grad, var))
    return noisy


def _multiply_gradients(grads_and_vars, multipliers):
    """The gradients of the variables keyed (by variable or name) in `multipliers` times
    the factor."""
    gc = _gc()
    out = []
    for grad, var in grads_and_vars:
        factor = _factor(multipliers, var)
        if grad is not None and factor is not None:
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * factor, grad.indices, grad.dense_shape)
            else:
                grad = grad * gc.cast(factor, grad.dtype)
        out.append((grad, var))
    return out


def _factor(multipliers, var):
    """multipliers[var], else multipliers[var.name], else None."""
    for key, factor in multipliers.items():
        if key is var:
            return factor
    return multipliers.get(var.name)


def adaptive_clipping_fn(std_factor=2.0, decay=0.95, static_max_norm=None,
                         global_step=None, report_summary=False, epsilon=1e-8, name=None):
    """A clip_gradients function for optimize_loss that keeps moving averages of the mean
    and variance of log(global norm) (non-trainable variables
    '<name or AdaptiveMaxNorm>/mean' and '/sq_mean') and, when the norm exceeds
    exp(mean + std_factor * std), rescales the gradients to norm exp(mean).

        optimize_loss(loss, step, 0.1, "SGD", clip_gradients=adaptive_clipping_fn())
    """
    gc = _gc()

    def gradient_clipping(grads_and_vars):
        grads, tvars = zip(*grads_and_vars)
        norm = gc.global_norm(list(grads))
        max_norm, log_mean = _adaptive_max_norm(norm, std_factor, decay, global_step,
                                                epsilon, name)
        if report_summary:
            summary.scalar("global_norm/adaptive_max_gradient_norm", max_norm)
        factor = gc.where(norm < max_norm, gc.ones_like(norm), gc.exp(log_mean) / norm)
        if static_max_norm is not None:
            factor = gc.minimum(static_max_norm / norm, factor)
        clipped = []
        for grad in grads:
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * factor, grad.indices, grad.dense_shape)
            elif grad is not None:
                grad = grad * factor
            clipped.append(grad)
        return list(zip(clipped, tvars))
    return gradient_clipping


def _adaptive_max_norm(norm, std_factor, decay, global_step, epsilon, name):
    """(exp(mean + std_factor * std), mean) of the moving log-norm statistics."""
    gc = _gc()
    with variable_scope(name, "AdaptiveMaxNorm", [norm]):
        log_norm = gc.log(norm + epsilon)

        def moving_average(var_name, value, decay):
            avg = get_variable(var_name, shape=value.shape, dtype=value.dtype,
                               initializer=gc.zeros_initializer(), trainable=False)
            # assign_moving_average without zero debiasing: avg -= (avg - value)(1-decay)
            with gc.name_scope(None, "AssignMovingAvg", [avg, value, decay]):
                rate = 1.0 - gc.convert_to_tensor(decay, dtype=avg.dtype.base_dtype)
                return avg.assign_sub((avg - value) * rate)

        if global_step is not None:
            n = gc.cast(global_step, dtypes.float32)
            decay = gc.minimum(decay, n / (n + 1.0))
        mean = moving_average("mean", log_norm, decay)
        sq_mean = moving_average("sq_mean", gc.square(log_norm), decay)
        variance = sq_mean - gc.square(mean)
        std = gc.sqrt(gc.maximum(epsilon, variance))
        return gc.exp(mean + std_factor * std), mean
