"""Sparse gradients (TF1's IndexedSlices): the gradient of a tensor whose every
differentiable use on the way to ys is a row lookup (a gather along axis 0 with it as
the params, as embedding_lookup does) is an IndexedSlices of the looked-up rows'
gradients and their indices, as TF1's gather gradient is, not a dense tensor of the
whole table. gradients() returns it; optimizers then update only those rows.

    emb = gc.Variable(np.ones((1000, 16), np.float32))
    loss = gc.reduce_sum(gc.nn.embedding_lookup(emb, ids))
    g, = gc.gradients(loss, [emb])          # an IndexedSlices (values, indices)
"""
from .. import dtypes
from ..indexed_slices import IndexedSlices
from ..ops import array, elementwise
from ..ops.core import IDENTITY
from ..ops.state import READ_LIVE

PASS_THROUGH = (IDENTITY, READ_LIVE)    # ops whose gradient passes an IndexedSlices on
from ..ops.gather import GATHER
from ..ops.scatter import GATHER_ND
from ..ops.join import concat


def row_lookups(order, xs):
    """{x: its gather nodes} for the floating xs whose every differentiable use among
    the nodes `order` (those between xs and ys) is a row lookup, directly or through
    identities (TF1's Identity gradient passes an IndexedSlices on: w.read_value())."""
    stands_for = {x: x for x in xs if x.dtype.is_floating}
    uses, live = {}, _passing(order)
    for n in order:
        if n not in live:
            continue
        if n.op in PASS_THROUGH and n.inputs[0] in stands_for:
            stands_for[n.outputs[0]] = stands_for[n.inputs[0]]
            continue
        for i, t in enumerate(n.inputs):
            if t in stands_for:
                lookup = (i == 0 and row_lookup(n) or _loop_rows(n, i)) and \
                    n not in n.graph._node_grad_override    # a user's gradient decides
                uses.setdefault(stands_for[t], []).append(n if lookup else None)
    return {x: ns for x, ns in uses.items() if None not in ns}


def _passing(order):
    """The nodes of `order` that may pass a gradient back to their inputs: TF1 sums only
    the gradients that come back, so a use of x whose output feeds only a stop_gradient
    or integer results (a box decoded for non_max_suppression) does not make x's
    gradient dense. A node none of `order` consumes is one of ys; a placeholder that
    captures an outer tensor in a branch or body consumes it."""
    from ..graph import get_default_graph
    from .reverse import _NOT_DIFFERENTIABLE, capture_links
    links = capture_links(get_default_graph())[0]
    consumers = {}
    for n in order:
        outer = links.get(n.outputs[0]) if len(n.outputs) == 1 else None
        for t in n.inputs if outer is None else (outer,):
            consumers.setdefault(t.node, []).append((n, t))
    passing = set()
    for n in reversed(order):
        blocks = n not in n.graph._node_grad_override and (
            not n.op.differentiable or n.type in _NOT_DIFFERENTIABLE)
        uses = consumers.get(n, ())
        if not blocks and (not uses or any(c in passing and t.dtype.is_differentiable
                                           for c, t in uses)):
            passing.add(n)
    return passing


def _loop_rows(n, i):
    """Whether loop node n's input i is captured by its body and read there only by row
    lookups (its gradient then comes back as an IndexedSlices, as TF1's does)."""
    from ..ops.loop_op import LOOP, STATELESS_LOOP
    if n.op not in (LOOP, STATELESS_LOOP) or not n.attrs.get("back_prop", True):
        return False
    fg, ins, _ = n.attrs["body"]
    first = n.attrs["n_carry"] + n.attrs["n_sliced"]
    return first <= i < len(ins) and n.inputs[i].dtype.is_floating and \
        only_row_lookups(ins[i], fg)


def only_row_lookups(t, fg):
    """Whether every differentiable use of t in function graph fg is a row lookup
    (through identities and nested loops)."""
    found, stack = False, [t]
    while stack:
        u = stack.pop()
        for n in fg.nodes:
            for i, inp in enumerate(n.inputs):
                if inp is not u or not n.op.differentiable:
                    continue
                if n.op in PASS_THROUGH:
                    stack.append(n.outputs[0])
                elif i == 0 and row_lookup(n) or _loop_rows(n, i):
                    found = True
                else:
                    return False
    return found


def row_lookup(n):
    """Whether n reads rows of its input 0, as TF1's sparse gradients see it: gather on
    axis 0, or gather_nd with indices of shape (n, 1) (TF1's _GatherNdGrad)."""
    if n.op is GATHER:
        return n.attrs["axis"] == 0
    if n.op is GATHER_ND:
        dims = n.inputs[1].shape._dims
        return dims is not None and len(dims) == 2 and dims[1] == 1
    return False


def dense_rows(params, indices):
    """params[indices] along axis 0 whose gradient stays dense (a GatherNd, not a
    lookup): TF1's sparse_tensor_dense_matmul and sparse_segment_* give dense gradients
    to their dense operand."""
    from ..ops.scatter import gather_nd     # indices (n, 1, 1): not a row lookup
    rows = gather_nd(params, array.expand_dims(array.expand_dims(indices, -1), -1))
    return array.squeeze(rows, [1])


def sparse_gradient(x, parts):
    """The IndexedSlices gradient of x from [(gather node, its output's gradient)]: the
    rows, and the looked-up indices."""
    rows = (-1,) + tuple(x.shape._dims[1:]) if x.shape.is_fully_defined() else \
        concat([[-1], array.shape(x)[1:]], 0)
    values, indices = [], []
    for n, g in parts:
        values.append(array.reshape(g, rows))
        indices.append(array.reshape(n.inputs[1], [-1]))
    if len({i.dtype for i in indices}) > 1:
        indices = [elementwise.cast(i, dtypes.int64) for i in indices]
    if len(parts) == 1:
        return IndexedSlices(values[0], indices[0], array.shape(x))
    return IndexedSlices(concat(values, 0), concat(indices, 0), array.shape(x))
