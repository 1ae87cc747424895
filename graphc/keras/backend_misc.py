"""gc.keras.backend's helpers about tensors rather than values (is_sparse, to_dense,
is_keras_tensor, name_scope, learning_phase_scope), gradients and variable updates
(update*, moving_average_update), print_tensor, and the products dot and batch_dot
(tf.compat.v1.keras.backend). backend_ops.py re-exports them.

    K = gc.keras.backend
    y = K.batch_dot(x, w, axes=(2, 1))
"""
import contextlib
import sys

import graphc as gc
from ..graph import Tensor
from ..ops.state import Variable
from ..sparse_tensor import SparseTensor
from .backend import _state

__all__ = ["is_sparse", "to_dense", "is_keras_tensor", "name_scope", "learning_phase_scope",
           "gradients", "stop_gradient", "update", "update_add", "update_sub",
           "moving_average_update", "print_tensor", "dot", "batch_dot"]

_py_any = any


def _tensor(x):
    return x if isinstance(x, (Tensor, SparseTensor)) else gc.convert_to_tensor(x)

# ---- sparse, keras tensors, scopes ----------------------------------------------------------
def is_sparse(tensor):
    """Whether `tensor` is a gc.SparseTensor."""
    return isinstance(tensor, SparseTensor)


def to_dense(tensor):
    """A SparseTensor made dense (zeros elsewhere); anything else as it is."""
    return gc.sparse.to_dense(tensor) if is_sparse(tensor) else tensor


def is_keras_tensor(x):
    """Whether `x` is the output of a Keras layer (or Input). Raises ValueError for
    anything not a tensor.

        K.is_keras_tensor(gc.keras.Input((3,)))    # True
    """
    if not isinstance(x, (Tensor, SparseTensor, Variable)):
        raise ValueError(f"Unexpectedly found an instance of type `{type(x)}`. Expected "
                         "a symbolic tensor instance.")
    if isinstance(x, SparseTensor):
        return False
    entry = _state(x.graph).history.get(id(x))
    return entry is not None and entry[0] is x


def name_scope(name):
    """gc.name_scope(name): with K.name_scope('block1'): ..."""
    return gc.name_scope(name)


@contextlib.contextmanager
def learning_phase_scope(value):
    """Fix the learning phase to `value` (0 or 1) inside the block.

        with K.learning_phase_scope(1):
            y = K.dropout(x, 0.5) if K.learning_phase() else x
    """
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    st = _state()
    previous = st.fixed_phase
    st.fixed_phase = value
    try:
        yield value
    finally:
        st.fixed_phase = previous


# ---- gradients, updates, printing ---------------------------------------------------------
def gradients(loss, variables):
    """gc.gradients(loss, variables): a list with one entry per variable."""
    return gc.gradients(loss, variables, colocate_gradients_with_ops=True)


def stop_gradient(variables):
    """stop_gradient of a tensor, or of each tensor of a list."""
    if isinstance(variables, (list, tuple)):
        return [gc.stop_gradient(v) for v in variables]
    return gc.stop_gradient(variables)


def update(x, new_x):
    """x.assign(new_x)."""
    return gc.assign(x, new_x)


def update_add(x, increment):
    return gc.assign_add(x, increment)


def update_sub(x, decrement):
    return gc.assign_sub(x, decrement)


def moving_average_update(x, value, momentum):
    """TF1 Keras' update of a moving statistic, zero-debiased as
    assign_moving_average(x, value, momentum, zero_debias=True) does: a biased average
    b -= (b - value) * (1 - momentum) and a step count t beside x, then
    x = b / (1 - momentum^t).

        update = K.moving_average_update(moving_mean, batch_mean, 0.99)
    """
    from ..train.moving_averages import _zero_debias
    value = _tensor(value)
    with gc.name_scope("AssignMovingAvg"):
        rate = 1.0 - gc.cast(momentum, x.dtype)
        return _zero_debias(x, gc.cast(value, x.dtype), rate, "AssignMovingAvg")


def print_tensor(x, message="", summarize=3):
    """x, printing `message` and x's value to stdout whenever it is evaluated.

        x = K.print_tensor(x, message="x is: ")
    """
    op = gc.print(message, x, output_stream=sys.stdout, summarize=summarize)
    with gc.control_dependencies([op]):
        return gc.identity(x)


# ---- products -----------------------------------------------------------------------------
def dot(x, y):
    """Matrix product; for rank > 2 the last axis of x meets the second-to-last of y:
    (2, 3, 4) . (4, 5) -> (2, 3, 5); (2, 3) . (7, 3, 5) -> (2, 7, 5)."""
    x, y = _tensor(x), _tensor(y)
    if is_sparse(x):
        return gc.sparse.sparse_dense_matmul(x, y)
    nx, ny = x.shape.ndims, y.shape.ndims
    if nx is not None and (nx > 2 or ny > 2):
        return gc.tensordot(x, y, [[nx - 1], [ny - 2 if ny > 1 else 0]])
    return gc.matmul(x, y)


def batch_dot(x, y, axes=None):
    """Per-sample dot product of x and y over `axes` (x's axis, y's axis), never the
    batch axis 0. Default axes: (last of x, second-to-last of y; last when y is 2D).
    The result has x's axes (less the contracted one) and then y's; a rank-1 result
    becomes (batch, 1).

        K.batch_dot(x, y, axes=1)    # x, y (32, 20) -> (32, 1)
    """
    x, y = _tensor(x), _tensor(y)
    xs, ys = x.shape.as_list(), y.shape.as_list()
    nx, ny = len(xs), len(ys)
    if nx < 2 or ny < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs "
                         f"with shapes {tuple(xs)} and {tuple(ys)}.")
    if xs[0] is not None and ys[0] is not None and xs[0] != ys[0]:
        raise ValueError(f"Cannot do batch_dot on inputs with different batch sizes. "
                         f"Received inputs with shapes {tuple(xs)} and {tuple(ys)}.")
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [nx - 1, ny - 1 if ny == 2 else ny - 2]
    if _py_any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(f"Multiple target dimensions are not supported. Expected: "
                         f"None, int, (int, int), Provided: {axes}")
    a0 = axes[0] + nx if axes[0] < 0 else axes[0]
    a1 = axes[1] + ny if axes[1] < 0 else axes[1]
    if a0 == 0 or a1 == 0:
        raise ValueError(f"Cannot perform batch_dot over axis 0. If your inputs are not "
                         f"batched, add a dummy batch dimension to your inputs using "
                         f"K.expand_dims(x, 0). Received axes: {axes}")
    if xs[a0] is not None and ys[a1] is not None and xs[a0] != ys[a1]:
        raise ValueError(f"Cannot do batch_dot on inputs with shapes {tuple(xs)} and "
                         f"{tuple(ys)} with axes={axes}. x.shape[{a0}] != "
                         f"y.shape[{a1}] ({xs[a0]} != {ys[a1]}).")
    letters = "abcdefghijklmnopqrstuvwxy"
    xl = "z" + letters[:nx - 1]
    yl = ["z"] + list(letters[nx - 1:nx - 2 + ny])
    yl[a1] = xl[a0]
    yl = "".join(yl)
    out = xl.replace(xl[a0], "") + yl[1:].replace(xl[a0], "")
    result = gc.einsum(f"{xl},{yl}->{out}", x, y)
    return gc.expand_dims(result, 1) if len(out) == 1 else result
