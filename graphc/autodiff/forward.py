"""Forward mode: `jvp` appends a tangent subgraph to the graph.

Forward-mode AD pushes a tangent `x_dot` alongside each value. Node ids are a
topological order (the graph is append-only), so one walk over the nodes between xs and
ys in increasing id reaches each node after all its inputs' tangents are complete: each
node's jvp rule is called once. Symbolic zeros (None) are never materialized until an
output asks for one; broadcasting a rule's smaller tangent up to the output's shape
happens here, once, never in the rules.
"""
from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..ops import array, core, elementwise
from .reverse import as_list, builds_here

__all__ = ["jvp"]


def _same_static_shape(a, b):
    if a._dims is None or b._dims is None or len(a._dims) != len(b._dims):
        return False
    return all(x is not None and x == y for x, y in zip(a._dims, b._dims))


def _fit(t, out):
    """Tangent t (from a rule) as out's dtype and shape: rules may return a tangent of
    a smaller shape that broadcasts to out's (x + y with y_dot = 0 gives x_dot)."""
    t = core.convert_to_tensor(t, dtype=out.dtype)
    if _same_static_shape(t.shape, out.shape):
        return t
    if t.shape._dims is not None and out.shape._dims is not None and \
            len(t.shape._dims) == len(out.shape._dims) and \
            all(a == b or b is None and a is not None and a != 1
                for a, b in zip(t.shape._dims, out.shape._dims)):
        return t        # equal as far as is known, and no dim 1 left to broadcast
    if out.shape.is_fully_defined():
        return elementwise.broadcast_to(t, list(out.shape._dims))
    return elementwise.broadcast_to(t, array.shape(out, out_type=dtypes.int64))


def _carries_tangent(t):
    return t.dtype.is_differentiable


def _call_rule(node, ts):
    """node's jvp rule on input tangents ts: one tangent (or None) per output."""
    if not node.op.differentiable:
        return [None] * len(node.outputs)      # StopGradient, Shape, comparisons...
    if node.op.jvp is None:
        raise errors.GradientError(
            f"op {node.type} has no jvp rule ({errors.describe_node(node)}): add "
            "jvp= to its OpDef (see docs/adding-ops.md)")
    try:
        out = node.op.jvp(node, ts)
    except (errors.GraphcError, NotImplementedError) as e:
        raise errors.GradientError(
            f"building the jvp of {errors.describe_node(node)} failed:\n{e}") from e
    out = as_list(out) if len(node.outputs) != 1 or isinstance(out, (list, tuple)) \
        else [out]
    if len(out) != len(node.outputs):
        raise errors.GradientError(
            f"the jvp of {node.type} returned {len(out)} tangents for "
            f"{len(node.outputs)} outputs ({errors.describe_node(node)})")
    return out


def jvp(ys, xs, tangents, name="jvp", stop_gradients=None):
    """Jacobian-vector products: for each y, the derivative of y along `tangents`.

        x = gc.placeholder(gc.float64, (3,))
        y = gc.tanh(x) * 2.0
        y_dot, = gc.jvp([y], [x], [v])     # = 2 (1 - tanh(x)^2) * v

    ys, xs and tangents are tensors or lists of them (one tangent per x, of x's shape;
    None for a zero tangent). Returns one tensor per y: sum over i of dy/dx_i . v_i,
    zeros where y does not depend on xs. Built in one forward sweep under the name
    scope `jvp/`; integer and bool values carry no tangent. A 100,000-node chain is fine:
    the sweep is a loop, not a recursion.
    """
    from .reverse import between, capture_links

    ys, xs, tangents = as_list(ys), as_list(xs), as_list(tangents)
    if not ys:
        raise ValueError("jvp: ys is empty")
    if len(tangents) != len(xs):
        raise ValueError(f"jvp: {len(xs)} xs but {len(tangents)} tangents")
    for t in ys + xs:
        if not isinstance(t, Tensor):
            raise TypeError(f"jvp: expected tensors, got {type(t).__name__} {t!r}")
    graph = ys[0].graph
    if not builds_here(graph):
        with graph.as_default():
            return jvp(ys, xs, tangents, name, stop_gradients)
    stop = set(as_list(stop_gradients)) if stop_gradients is not None else set()
    links = capture_links(get_default_graph())      # in a cond branch or loop body
    order, _ = between(ys, xs, stop, links=links)
    with graph.name_scope(name):
        seeds = {}
        with graph._building("jvp"):
            for x, v in zip(xs, tangents):
                if v is None or not _carries_tangent(x):
                    continue
                v = _fit(v, x)
                seeds[x] = elementwise.add(seeds[x], v) if x in seeds else v
        tan = dict(seeds)
        for node in order:
            outer = links[0].get(node.outputs[0]) if len(node.outputs) == 1 else None
            if outer is not None:       # a captured placeholder: the outer tensor's tangent
                if tan.get(outer) is not None:
                    tan[node.outputs[0]] = tan[outer]
                continue
            ts = [tan.get(x) for x in node.inputs]
            if all(t is None for t in ts):
                continue
            with graph.name_scope(node.name + "_jvp"), graph._building("jvp", node):
                outs = _call_rule(node, ts)
                for out, t in zip(node.outputs, outs):
                    if t is None or not _carries_tangent(out):
                        continue
                    try:
                        t = _fit(t, out)
                    except errors.GraphcError as e:
                        raise errors.GradientError(
                            f"the jvp of {errors.describe_node(node)} gave a tangent of "
                            f"shape {getattr(t, 'shape', '?')} for an output of shape "
                            f"{out.shape}:\n{e}") from e
                    # an x that is also computed from another x: both paths add up,
                    # which keeps <w, jvp(v)> == <vjp(w), v> for dependent xs
                    tan[out] = elementwise.add(t, seeds[out]) if out in seeds else t
        result = []
        with graph._building("jvp"):
            for y in ys:
                t = tan.get(y)
                result.append(t if t is not None else array.zeros_like(y))
    return result
