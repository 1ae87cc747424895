"""narrow: a record whose op can drop the outputs nobody uses is replaced by a narrower
one (a StatelessLoop: the stacked and summed outputs nobody reads, and the carries and
inputs only they needed, so its body computes less; an If: a branch's effects that only
unused outputs wait for do not run, as in TF1); the next prune removes what fed only
the dropped parts. How an op narrows is its OpDef's `narrow` (JAX's DCE rules for
scan and while do the same)."""
from .. import program as P
from . import Changes


def narrow(program, options=None):
    ch = Changes("narrow", len(program.nodes))
    if not any(n.op.narrow is not None for n in program.nodes):
        return program, ch
    uses = program.consumers()
    # a stateful record something waits for (a control edge, a target) runs whole
    waited = {c for n in program.nodes for c in n.control_inputs} | set(program.targets)
    rw = P.Rewriter()
    for node in program.nodes:
        new = rw.rewired(node)
        if node.op.narrow is not None and not (node.op.stateful and node in waited):
            used = [t in uses for t in node.outputs]
            got = node.op.narrow(new, used) if any(used) and not all(used) else None
            if got is not None:
                inputs, attrs, kept = got
                made = P.make_node(node.op, inputs, attrs,
                                   [(new.outputs[i].shape, new.outputs[i].dtype) for i in kept],
                                   new, new.control_inputs)
                rw.replace(node, {node.outputs[i]: t for i, t in zip(kept, made.outputs)})
                rw.nsubst[node] = made          # control edges on it now wait for `made`
                rw.nodes.append(made)
                ch.add("narrowed", f"{node.name}: {len(node.outputs)} -> {len(kept)} outputs")
                continue
        if new is not node:
            rw.replace(node, new)
        rw.nodes.append(new)
    program = rw.program(program)
    ch.after = len(program.nodes)
    return program, ch
