"""Batching (vmap) of a piece of graph: the transformation behind jacobian and hessians.

`vmap(outputs, seeds)` rebuilds the nodes between `seeds` and `outputs` so that each seed
is replaced by a tensor with one extra leading batch dim (of size n), and every value
computed from it carries that dim too. Nodes that do not depend on a seed are shared,
not copied (except the random nodes passed as `fresh`, drawn once per element: the
random ops of vectorized_map's fn). Batching the jvp subgraph of y along the identity
basis of x gives the whole Jacobian in one Session.run (forward mode); batching the
gradient subgraph along the identity basis of y gives it by reverse mode; batching a
Hessian-vector product gives the dense Hessian.

Each op says how to batch it in `OpDef.batch(node, args, batched) -> outputs`, where
args[i] has the leading batch dim if batched[i]; returning the node's own output means
"this output is not batched". Without one, an elementwise op broadcasts (each batched
operand gets unit dims up to the output's rank, then the op runs as it is), and any
other op falls back to `unstack` over the batch dim, the op on each slice, and `stack`:
correct for every op, but n copies of the node; with a batch size known only at run
time, or for a random op, to a map_fn loop over the elements. The rules, written in
batching_rules.py, are put into their ops' OpDefs at its bottom (as TF1's gradient
registry did).
"""
from .. import errors
from ..graph import Tensor
from .batching_rules import (_batch_into_leading_dim, all_batched,  # noqa: F401
                             batch_all_inputs, batch_broadcasting, batch_by_loop,
                             batch_by_slices, batch_fresh, batch_size, batch_unbatched,
                             broadcast_batch, expand_to)
from .reverse import as_list

__all__ = ["vmap"]


def _rule_of(node):
    op = node.op
    if op.batch is not None:
        return op.batch
    if op.random:               # drawn anew for each element
        return batch_by_loop
    if op.elementwise:
        return batch_broadcasting
    return batch_by_slices


def _order(outputs, seeds, fresh):
    """The nodes to batch, in build order: those between the seeds and the outputs, and
    the fresh nodes the outputs use, with what depends on them."""
    from .reverse import between
    fresh_outs = [t for n in fresh for t in n.outputs]
    order, _ = between(outputs, list(seeds) + fresh_outs)
    used = {t for n in order for t in n.inputs} | set(outputs)
    needed = [n for n in fresh if any(t in used for t in n.outputs)]
    return sorted(set(order) | set(needed), key=lambda n: n.id)


# ---- the transformation --------------------------------------------------------------------
def vmap(outputs, seeds, name="vmap", fresh=()):
    """Batched versions of `outputs`, with each seed tensor replaced by its batched value.

        v = gc.zeros_like(x)                      # a stand-in for the tangent
        y_dot, = gc.jvp([y], [x], [v])
        J_rows, = vmap([y_dot], {v: basis})       # basis: (n,) + x.shape -> (n,) + y.shape

    `seeds` maps tensors to batched tensors of shape (n,) + their shape. Each output comes
    back with shape (n,) + its shape; one that does not depend on a seed is repeated.
    `fresh` lists random nodes to draw once per element even where no seed reaches them
    (vectorized_map's fn), instead of sharing one draw.
    """
    outputs = as_list(outputs)
    seeds = dict(seeds)
    if not seeds:
        raise ValueError("vmap: no seeds")
    for t, b in seeds.items():
        if not isinstance(t, Tensor) or not isinstance(b, Tensor):
            raise TypeError("vmap: seeds map tensors to batched tensors")
    graph = next(iter(seeds)).graph
    fresh = set(fresh)
    order = _order(outputs, seeds, fresh)
    new = dict(seeds)
    some = list(seeds.values())
    with graph.name_scope(name):
        for node in order:
            args = [new.get(t, t) for t in node.inputs]
            batched = [t in new for t in node.inputs]
            if not any(batched) and node not in fresh:
                continue
            with graph._building(node.role, node.origin):
                try:
                    if any(batched):
                        outs = _rule_of(node)(node, args, batched)
                    else:
                        outs = batch_fresh(node, args, some[0])
                except errors.GraphcError as e:
                    raise errors.GradientError(
                        f"batching {errors.describe_node(node)} failed:\n{e}") from e
            for out, b in zip(node.outputs, outs):
                if b is not out:
                    new[out] = b
        result = []
        for y in outputs:
            if y in new:
                result.append(new[y])
            else:
                result.append(broadcast_batch(y, some, [True] * len(some)))
    return result
