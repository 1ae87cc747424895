"""The global step (TF1 training_util); the schedules of it are in decay.py."""
from .. import dtypes
from ..graph import Tensor, get_default_graph

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step",
           "global_step", "assert_global_step"]

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
    """A new int64 scalar variable 'global_step' (zero, not trainable), in the
    "variables" and "global_step" collections, made by get_variable in the current
    variable scope (TF1: 'model/global_step' inside variable_scope('model')). ValueError
    if the graph has one."""
    from ..initializers import zeros_initializer
    from ..ops.varstore import get_variable
    graph = graph or get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError("'global_step' already exists in this graph")
    with graph.as_default(), graph.name_scope(""), graph.control_dependencies(None):
        return get_variable(GLOBAL_STEP, [], dtypes.int64,
                            initializer=zeros_initializer(), trainable=False,
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


def assert_global_step(global_step_tensor):
    """A TypeError unless global_step_tensor is an integer scalar tensor or Variable
    (TF1 tf.train.assert_global_step)."""
    _assert_global_step(global_step_tensor)
