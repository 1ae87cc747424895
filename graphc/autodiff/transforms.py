"""Function transforms of TF's API built on custom_gradient and vmap: grad_pass_through
(a straight-through gradient), recompute_grad (gradient checkpointing) and
vectorized_map (one batched graph instead of a loop over elements)."""
from .. import nest
from ..graph import control_dependencies
from ..ops import core
from ..ops.gather import gather
from ..ops.scope import get_variable_scope, variable_scope
from .batching import vmap
from .reverse import custom_gradient, gradients

__all__ = ["grad_pass_through", "recompute_grad", "vectorized_map"]


def grad_pass_through(f):
    """f's value with the identity as its gradient (a straight-through estimator):

        y = gc.grad_pass_through(gc.round)(x)      # dy/dx = 1 although round's is 0
    """
    def wrapped(x):
        @custom_gradient
        def straight(x):
            return f(x), lambda dy: dy
        return straight(x)
    wrapped.__name__ = f"grad_pass_through_{getattr(f, '__name__', 'f')}"
    return wrapped


def recompute_grad(f):
    """f whose inner activations are not kept for the backward pass: gradients run f
    again (gradient checkpointing), trading compute for memory.

        block = gc.recompute_grad(lambda h: gc.nn.relu(gc.matmul(h, W1)) @ W2)
        y = block(block(x))

    The forward values inside f are freed as soon as f's output is computed; the
    gradient builds f afresh on the same inputs (reusing f's variables through the
    current variable scope, as TF1 does) once the output's gradient is known.
    """
    def wrapped(*args):
        @custom_gradient
        def checkpointed(*xs):
            y = f(*xs)

            def grad_fn(dy, variables=None):
                with control_dependencies([dy]):     # recompute only when needed
                    again = [core.identity(x) for x in xs]
                with variable_scope(get_variable_scope(), reuse=True):
                    y_again = f(*again)
                grads = gradients(y_again, again + list(variables or []), grad_ys=dy,
                                  stop_gradients=again, _dense=True)
                if variables is None:
                    return grads
                return grads[:len(xs)], grads[len(xs):]
            return y, grad_fn
        return checkpointed(*args)
    wrapped.__name__ = f"recompute_grad_{getattr(f, '__name__', 'f')}"
    return wrapped


def vectorized_map(fn, elems, fallback_to_while_loop=True, warn=True):
    """fn applied to each slice elems[i] along the first dim, stacked (like map_fn),
    built as one batched graph (vmap) instead of a loop:

        per_example = gc.vectorized_map(lambda row: gc.reduce_sum(row * w), x)

    elems may be a nested structure of tensors with the same first dim; fn gets one
    slice of each in that structure and may return a nested structure. Ops without a
    batching rule run once per element and are stacked, in a loop where the batch size
    is known only at run time, so every op works (TF's fallback_to_while_loop). Random
    ops in fn draw once per element, as in TF.
    """
    leaves = [core.convert_to_tensor(e) for e in nest.flatten(elems)]
    if not leaves:
        raise ValueError("vectorized_map: elems holds no tensors")
    for e in leaves:
        if e.shape.rank == 0:
            raise ValueError(f"vectorized_map: elems must have a first dim to map over, "
                             f"but {e.name} is a scalar")
    slices = [gather(e, 0, name="vectorized_map_element") for e in leaves]
    graph = slices[0].graph
    first = len(graph.nodes)
    out = fn(nest.pack_sequence_as(elems, slices))
    outs = [core.convert_to_tensor(t) for t in nest.flatten(out)]
    fresh = [n for n in graph.nodes[first:] if n.op.random]    # drawn per element (TF)
    batched = vmap(outs, dict(zip(slices, leaves)), name="vectorized_map", fresh=fresh)
    return nest.pack_sequence_as(out, batched)
