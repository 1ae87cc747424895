"""The global step (TF1 training_util) and learning-rate schedules of it."""
import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph
from ..ops import core, elementwise as el
from ..ops.state import Variable

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step",
           "global_step", "exponential_decay"]

GLOBAL_STEP = "global_step"     # the collection, and the variable's name


def get_global_step(graph=None):
    """The graph's global step Variable, or None (TF1: tf.train.get_global_step).

    Looks in the "global_step" collection, then for a tensor named 'global_step:0'.
    """
    graph = graph or get_default_graph()
    found = graph.get_collection(GLOBAL_STEP)
    if len(found) > 1:
        raise TypeError(f"the '{GLOBAL_STEP}' collection holds {len(found)} tensors; "
                        "a graph has at most one global step")
    if found:
        step = found[0]
    else:
        try:
            step = graph.get_tensor_by_name(GLOBAL_STEP + ":0")
        except (KeyError, ValueError):
            return None
    _assert_global_step(step)
    return step


def create_global_step(graph=None):
    """A new int64 scalar Variable 'global_step' (zero, not trainable), in the
    "variables" and "global_step" collections. ValueError if the graph has one."""
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("'global_step' already exists in this graph")
    with graph.as_default(), graph.name_scope(""), graph.control_dependencies(None):
        return Variable(np.int64(0), trainable=False, name=GLOBAL_STEP,
                        collections=["variables", GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The graph's global step, made first if there is none.

        step = gc.train.get_or_create_global_step()
        train_op = opt.minimize(loss, global_step=step)
    """
    graph = graph or get_default_graph()
    step = get_global_step(graph)
    return step if step is not None else create_global_step(graph)


def global_step(sess, global_step_tensor):
    """The value of the global step as a Python int."""
    return int(sess.run(global_step_tensor))


def _assert_global_step(step):
    if not isinstance(step, Tensor) or not step.dtype.is_integer or step.shape.rank != 0:
        raise TypeError(f"the global step must be an integer scalar tensor, got {step!r}")


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate,
                      staircase=False, name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps) (TF1).

    With staircase=True the exponent is floored, so the rate drops every decay_steps.
    The result has learning_rate's dtype (float32 for a Python float, as in TF1).

        lr = gc.train.exponential_decay(0.1, step, decay_steps=100, decay_rate=0.96)
    """
    if global_step is None:
        raise ValueError("global_step is required for exponential_decay")
    graph = global_step.graph if isinstance(global_step, Tensor) else get_default_graph()
    with graph.name_scope(name or "ExponentialDecay") as scope:
        lr = core.convert_to_tensor(learning_rate, name="learning_rate")
        dtype = lr.dtype
        if not dtype.is_floating:
            raise errors.DTypeError(f"exponential_decay: the learning rate must be "
                                    f"floating point\n  {errors.describe_tensor(lr, lr.name)}")
        step = el.cast(global_step, dtype)
        p = step / _as(decay_steps, dtype)
        if staircase:
            p = el.floor(p)
        return el.multiply(lr, el.pow(_as(decay_rate, dtype), p), name=scope)


def _as(value, dtype):
    if isinstance(value, Tensor):
        return value if value.dtype is dtype else el.cast(value, dtype)
    return core.constant(value, dtype=dtype)
