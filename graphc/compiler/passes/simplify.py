"""algebraic simplification and numerical-stability rewrites: named rules (rules.py)
applied by a fixed-point driver with an iteration cap."""
import numpy as np

from ...ops.registry import REGISTRY
from .. import program as P
from .. import rules as R
from . import Changes
from .prune import prune

MAX_SWEEPS = 8          # whole-program sweeps until nothing fires
MAX_STEPS = 32          # rewrites of one record in one sweep


class RewriteLoopError(RuntimeError):
    """A rule keeps firing: the rules contradict each other (a compiler bug)."""


class RuleContext:
    """What a rule may do: count uses, make constants and new records."""

    def __init__(self, rw, uses, alias):
        self.rw = rw
        self._uses = uses
        self._alias = alias

    def uses(self, t):
        return self._uses.get(self._alias.get(t, t), 1)

    def emit(self, op, inputs, src, **attrs):
        """A new record of `op` (an OpDef or a registered op's name) on `inputs`."""
        node = P.emit(REGISTRY[op] if isinstance(op, str) else op, tuple(inputs), src, **attrs)
        self.rw.nodes.append(node)
        return node.outputs[0]

    def const(self, array, like, src):
        node = P.make_const(np.asarray(array, dtype=like.dtype.np), like.dtype, src)
        self.rw.nodes.append(node)
        return node.outputs[0]

    def zeros(self, node):
        return self.filled(node, 0)

    def filled(self, node, value):
        """A constant like node's output, every element `value` (None: size unknown or
        over 1 MiB)."""
        t = node.outputs[0]
        n = t.shape.num_elements()
        if n is None or n * t.dtype.size > (1 << 20):
            return None
        return self.const(np.full(t.shape._dims, value, t.dtype.np), t, node)


def _index(rules, unsafe):
    table = {}
    for r in rules:
        if r.unsafe and not unsafe:
            continue
        for name in r.ops:
            op = REGISTRY.get(name)
            if op is not None:
                table.setdefault(op, []).append(r)
    return table


def rewrite(program, rules, name, options=None):
    """Apply `rules` to every record until none fires (capped); dead records pruned."""
    table = _index(rules, getattr(options, "unsafe_math", False))
    ch = Changes(name, len(program.nodes))
    if not any(n.op in table for n in program.nodes):
        return program, ch                  # no rule looks at any of these ops
    R._FILLED.clear()
    for _ in range(MAX_SWEEPS):
        program, fired = _sweep(program, table, ch)
        if not fired:
            break
        program, _ = prune(program)
    R._FILLED.clear()
    ch.after = len(program.nodes)
    return program, ch


def _sweep(program, table, ch):
    rw = P.Rewriter()
    uses = program.consumers()
    alias = {}
    ctx = RuleContext(rw, uses, alias)
    fired = 0
    for node in program.nodes:
        cur = rw.rewired(node)
        if cur is not node:
            for a, b in zip(node.outputs, cur.outputs):
                alias[b] = a
        rw.nodes.append(cur)
        if len(cur.outputs) != 1 or _pinned(cur, table):
            if cur is not node:
                rw.replace(node, cur)
            continue
        out, steps = cur.outputs[0], 0
        while True:
            result = None
            for r in table.get(out.node.op, ()):
                result = r.fn(out.node, ctx)
                if result is not None:
                    break
            if result is None:
                break
            steps += 1
            if steps > MAX_STEPS:
                raise RewriteLoopError(f"rule {r.name!r} keeps firing on {node.type} "
                                       f"'{node.name}' ({MAX_STEPS} rewrites)")
            ch.add(r.name, node.name)
            fired += 1
            out = result
            if type(out.node) is not P.PNode or out.node.id < cur.id:
                break                   # an existing value: nothing new to simplify
        if out is not cur.outputs[0]:
            rw.replace(node, [out])
        elif cur is not node:
            rw.replace(node, cur)
    return rw.program(program), fired


def _pinned(node, table):
    """No rule may rewrite `node`: it, or an input record a rule could look through,
    waits for control inputs that the rewritten value would no longer wait for."""
    return node.op in table and (node.control_inputs or any(
        t.node.control_inputs for t in node.inputs))


def simplify(program, options=None):
    return rewrite(program, R.SIMPLIFY, "simplify", options)


def stabilize(program, options=None):
    return rewrite(program, R.STABILITY, "stability", options)
