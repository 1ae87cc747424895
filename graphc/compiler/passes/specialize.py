"""specialize: the Program for feeds of known run-time shapes (JAX's jit does the same).

A graph built on `placeholder(float32, (None, 784))` has unknown dims everywhere
downstream, and the passes can only act on what they can prove: no buffer reuse or
in-place write where two operands' unknown dims might broadcast, no folding of
Shape/Size, no fused group of known size. Given the shapes the feeds have in this run,
each fed tensor with unknown dims is replaced by one of its run-time shape and every
record downstream is re-inferred, as the builder would have done; the passes that follow
then see exact shapes. The Session compiles one such Program per feed-shape signature
(up to feeds.MAX_SPECIALIZED; after that one general plan serves any shapes) and
checks every feed before choosing.
"""
from ...ops.core import PLACEHOLDER
from ...shapes import TensorShape
from .. import program as P
from . import Changes
from .fold import _refine


def specialize(program, shapes):
    """(Program, Changes) for feeds of these shapes (program.feeds order)."""
    ch = Changes("specialize", len(program.nodes))
    rw = P.Rewriter()
    feeds = []
    for t, s in zip(program.feeds, shapes):
        if t.shape.is_fully_defined() or s is None or t.node.op is not PLACEHOLDER:
            feeds.append(t)                 # (a fed intermediate keeps its shape)
            continue
        shape = TensorShape(tuple(s))
        fed = P.make_node(PLACEHOLDER, (), {"dtype": t.dtype, "shape": shape},
                          [(shape, t.dtype)], t.node).outputs[0]
        rw.subst[t] = fed
        feeds.append(fed)
        ch.add("feeds given their run-time shapes", t.name)
    if not rw.subst:
        return program, ch
    for node in program.nodes:
        new = rw.rewired(node)
        if new is not node:
            new = _refine(new)
            rw.replace(node, new)
            ch.add("records re-inferred", n=1)
        rw.nodes.append(new)
    out = rw.program(program)
    return P.Program(out.nodes, feeds, out.fetches, out.targets, out.graph), ch
