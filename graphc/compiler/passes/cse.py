"""common subexpression elimination: pure records with equal op, inputs and attributes
compute the same value; keep the first. Commutative ops compare inputs as a multiset.
Variable reads merge when no effect lies between them."""
from .. import program as P
from . import Changes


def _order(t):
    return t.node.id, t.index


def _key(node, inputs):
    attrs = ()
    if node.attrs:
        try:
            attrs = tuple(sorted(node.attrs.items()))
            hash(attrs)
        except TypeError:
            return None
    if node.op.commutative and len(inputs) > 1:
        if len(inputs) == 2:
            a, b = inputs
            ia, ib = a.node.id, b.node.id
            if ib < ia or ib == ia and b.index < a.index:
                inputs = (b, a)
        else:
            inputs = tuple(sorted(inputs, key=_order))
    return (node.op, inputs, attrs, node.control_inputs)


def cse(program, options=None):
    ch = Changes("cse", len(program.nodes))
    rw = P.Rewriter()
    seen = {}
    epoch = 0                   # effects so far: reads merge only within one epoch
    for node in program.nodes:
        new = rw.rewired(node)
        op = node.op
        key = None
        if op.ref:                          # a variable read (P.is_state_read)
            key = ("read", P.src_of(node), node.attrs.get("dtype"), epoch)
        elif op.stateful:
            epoch += 1
        elif op.pure and not op.uses_state and node.outputs:
            key = _key(new, new.inputs)
        if key is not None:
            first = seen.get(key)
            if first is not None:
                rw.replace(node, first)
                ch.add("merged", node.name)
                continue
            seen[key] = new
        if new is not node:
            rw.replace(node, new)
        rw.nodes.append(new)
    program = rw.program(program)
    ch.after = len(program.nodes)
    return program, ch
