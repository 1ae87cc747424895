"""slim.training (tf_slim.training.training): create_train_op with a gradient transform,
and the gradient helpers that slim.learning shares.

    train_op = slim.training.create_train_op(
        total_loss, gc.train.GradientDescentOptimizer(0.1),
        transform_grads_fn=slim.training.clip_gradient_norms_fn(1.0))
"""
from .. import summary
from ..graph import get_default_graph
from ..indexed_slices import IndexedSlices
from ..ops.graphkeys import GraphKeys
from ..ops.state import trainable_variables
from ..train.optimizer import Optimizer
from ..train.step import get_or_create_global_step
from .. import tf_logging as logging

__all__ = ["add_gradients_summaries", "clip_gradient_norms", "clip_gradient_norms_fn",
           "create_train_op", "multiply_gradients"]

_USE_GLOBAL_STEP = 0


def _gc():
    import graphc
    return graphc


def add_gradients_summaries(grads_and_vars):
    """A histogram '<var op name>_gradient' and a scalar '<var op name>_gradient_norm'
    summary for each gradient that is not None; returns them.

        add_gradients_summaries(opt.compute_gradients(loss))
    """
    gc = _gc()
    summaries = []
    for grad, var in grads_and_vars:
        if grad is None:
            logging.info("Var %s has no gradient", var.op.name)
            continue
        values = grad.values if isinstance(grad, IndexedSlices) else grad
        summaries.append(summary.histogram(var.op.name + "_gradient", values))
        summaries.append(summary.scalar(var.op.name + "_gradient_norm",
                                        gc.global_norm([values])))
    return summaries


def clip_gradient_norms(gradients_to_variables, max_norm):
    """Each gradient clipped by its own norm to `max_norm` (gc.clip_by_norm).

        grads = clip_gradient_norms(opt.compute_gradients(loss), 1.0)
    """
    gc = _gc()
    clipped = []
    for grad, var in gradients_to_variables:
        if isinstance(grad, IndexedSlices):
            grad = IndexedSlices(gc.clip_by_norm(grad.values, max_norm), grad.indices,
                                 grad.dense_shape)
        elif grad is not None:
            grad = gc.clip_by_norm(grad, max_norm)
        clipped.append((grad, var))
    return clipped


def clip_gradient_norms_fn(max_norm):
    """A transform_grads_fn that applies clip_gradient_norms(grads, max_norm)."""
    def clip_norms(gradients_to_variables):
        return clip_gradient_norms(gradients_to_variables, max_norm)
    return clip_norms


def multiply_gradients(grads_and_vars, gradient_multipliers):
    """The gradients of the variables keyed (by Variable or op name) in
    `gradient_multipliers` times their factor.

        grads = multiply_gradients(grads, {"fc/weights": 10.0})
    """
    gc = _gc()
    if not isinstance(grads_and_vars, list):
        raise ValueError("`grads_and_vars` must be a list.")
    if not gradient_multipliers:
        raise ValueError("`gradient_multipliers` is empty.")
    if not isinstance(gradient_multipliers, dict):
        raise ValueError("`gradient_multipliers` must be a dict.")
    out = []
    for grad, var in grads_and_vars:
        factor = next((f for k, f in gradient_multipliers.items() if k is var),
                      gradient_multipliers.get(var.op.name))
        if factor is not None:
            if grad is None:
                raise ValueError("Requested multiple of `None` gradient.")
            if isinstance(grad, IndexedSlices):
                grad = IndexedSlices(grad.values * gc.convert_to_tensor(factor, grad.dtype),
                                     grad.indices, grad.dense_shape)
            else:
                grad = grad * gc.convert_to_tensor(factor, dtype=grad.dtype)
        out.append((grad, var))
    return out


def create_train_op(total_loss, optimizer, global_step=_USE_GLOBAL_STEP, update_ops=None,
                    variables_to_train=None, transform_grads_fn=None,
                    summarize_gradients=False, gate_gradients=Optimizer.GATE_OP,
                    aggregation_method=None, colocate_gradients_with_ops=False,
                    check_numerics=True):
    """A tensor that, run, takes one step of `optimizer` on total_loss and returns the
    loss (checked for inf and nan if check_numerics). The update ops (default the
    "update_ops" collection) run first; global_step defaults to the graph's (made if
    missing); None leaves no step counter. transform_grads_fn maps the (gradient,
    variable) list. The result joins the "train_op" collection.

        train_op = slim.training.create_train_op(loss, gc.train.AdamOptimizer(1e-3))
    """
    gc = _gc()
    graph = get_default_graph()
    if global_step is _USE_GLOBAL_STEP:
        global_step = get_or_create_global_step()
    in_collection = list(dict.fromkeys(graph.get_collection(GraphKeys.UPDATE_OPS)))
    update_ops = in_collection if update_ops is None else list(dict.fromkeys(update_ops))
    if any(all(op is not u for u in update_ops) for op in in_collection):
        logging.warning("update_ops in create_train_op does not contain all the "
                        "update_ops in GraphKeys.UPDATE_OPS")
    if update_ops:
        with gc.control_dependencies(update_ops):
            barrier = gc.no_op(name="update_barrier")
        total_loss = _with_dependencies([barrier], total_loss)
    if variables_to_train is None:
        variables_to_train = trainable_variables()
    else:
        trainable = trainable_variables()
        for v in variables_to_train:
            if not (v.trainable or any(v is t for t in trainable)):
                raise AssertionError(f"create_train_op: {v.name} is not trainable")
    if not variables_to_train:
        raise AssertionError("create_train_op: no variables to train")
    grads = optimizer.compute_gradients(
        total_loss, variables_to_train, gate_gradients=gate_gradients,
        aggregation_method=aggregation_method,
        colocate_gradients_with_ops=colocate_gradients_with_ops)
    if transform_grads_fn:
        grads = transform_grads_fn(grads)
    if summarize_gradients:
        with gc.name_scope("summarize_grads"):
            add_gradients_summaries(grads)
    grad_updates = optimizer.apply_gradients(grads, global_step=global_step)
    with gc.name_scope("train_op"):
        if check_numerics:
            total_loss = gc.check_numerics(total_loss, "LossTensor is inf or nan")
        train_op = _with_dependencies([grad_updates], total_loss)
    train_ops = graph.collections.setdefault(GraphKeys.TRAIN_OP, [])
    if all(train_op is not t for t in train_ops):
        train_ops.append(train_op)
    return train_op


def _with_dependencies(deps, tensor):
    """tensor passed through an Identity 'control_dependency' that runs after deps."""
    gc = _gc()
    with gc.name_scope("control_dependency") as scope, gc.control_dependencies(deps):
        return gc.identity(tensor, name=scope)
