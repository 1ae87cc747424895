"""Executable: a flat plan of kernel calls over value slots, built once, run many times.

Running it does no graph work: no name lookups, no shape inference, only kernel calls.
Each intermediate slot is cleared right after its last use.
"""
import functools

import numpy as np

from .. import errors


class Runtime:
    """What a stateful kernel sees: the session whose state it reads, and its node."""
    __slots__ = ("session", "node")

    def __init__(self, session, node):
        self.session = session
        self.node = node

    def rng(self):
        """This node's random generator in this session (made on first use)."""
        rngs = self.session._rngs
        gen = rngs.get(self.node)
        if gen is None:
            seed = self.node.attrs.get("seed")
            gen = np.random.default_rng(None if seed is None else list(seed))
            rngs[self.node] = gen
        return gen


class Executable:
    """A compiled Program bound to a session's state.

    steps: (kernel, input slots, output slot or tuple of slots, slots to free after).
    """

    def __init__(self, program, session):
        self.program = program
        slot = {}
        for t in program.feeds:
            slot[t] = len(slot)
        self.feed_slots = [slot[t] for t in program.feeds]
        steps, nodes = [], []
        for node in program.nodes:
            ins = [slot[t] for t in node.inputs]
            outs = []
            for t in node.outputs:
                if t not in slot:
                    slot[t] = len(slot)
                outs.append(slot[t])
            kernel = node.op.kernel
            if node.op.uses_state:
                kernel = functools.partial(kernel, Runtime(session, node))
            if node.attrs:
                kernel = functools.partial(kernel, **node.attrs)
            out = outs[0] if len(outs) == 1 else tuple(outs)
            steps.append([kernel, ins, out, ()])
            nodes.append(node)
        self.fetch_slots = [slot[t] for t in program.fetches]
        keep = set(self.feed_slots) | set(self.fetch_slots)
        last = {}
        for i, (_, ins, _, _) in enumerate(steps):
            for s in ins:
                last[s] = i
        frees = [[] for _ in steps]
        for s, i in last.items():
            if s not in keep:
                frees[i].append(s)
        for i, step in enumerate(steps):
            step[3] = tuple(frees[i])
        self.steps = [tuple(s) for s in steps]
        self.nodes = nodes
        self.n_slots = len(slot)

    def run(self, feed_values):
        """Run the plan on feed values (ordered as program.feeds); fetch values out."""
        vals = [None] * self.n_slots
        for s, v in zip(self.feed_slots, feed_values):
            vals[s] = v
        i = 0
        try:
            for i, (kernel, ins, out, frees) in enumerate(self.steps):
                r = kernel(*[vals[s] for s in ins])
                if type(out) is int:
                    vals[out] = r
                else:
                    for s, v in zip(out, r):
                        vals[s] = v
                for s in frees:
                    vals[s] = None
        except errors.GraphcError:
            raise
        except Exception as e:
            raise errors.ExecutionError(self._explain(i, vals, e)) from e
        return [vals[s] for s in self.fetch_slots]

    def _explain(self, i, vals, e):
        node = self.nodes[i]
        ins = self.steps[i][1]
        lines = [f"{node.type} '{node.name}' failed at run time: {type(e).__name__}: {e}",
                 f"  created at {errors.format_site(node.site)}"]
        if node.origin is not None:
            lines.append(f"  ({node.role} of {errors.describe_node(node.origin)})")
        for t, s in zip(node.inputs, ins):
            v = vals[s]
            got = f"{np.shape(v)} {np.asarray(v).dtype}" if v is not None else "freed"
            lines.append(f"  input {errors.describe_tensor(t, t.name)}; at run time {got}")
        return "\n".join(lines)
