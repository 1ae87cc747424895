"""Program: the immutable, topologically ordered IR of one compile.

A Program's records are graph Nodes (what the user built) or PNodes (what a pass made).
A PNode has exactly the fields of a Node, so OpDef.infer, OpDef.static and
registry.constant_value work on both; it is never added to the user's graph, and it
remembers the graph Node it stands for (`src`), whose name and creation site errors show.
Values are Tensors: outputs of graph Nodes or of PNodes.
"""
import itertools
import operator

import numpy as np

from .. import errors
from ..dtypes import as_dtype
from ..graph import Node, Tensor
from ..ops.core import CONST, PLACEHOLDER, ConstValue
from ..ops.registry import InferContext
from ..shapes import InferError, TensorShape, as_shape

_ids = itertools.count(1 << 48)     # PNode ids: above every graph id, in creation order


class PNode(Node):
    """A compiler-made record: like a Node, plus `src` (the graph Node it stands for)
    and `seq` (its place among stateful effects: the creation order of the graph)."""
    __slots__ = ("src", "seq")


def src_of(node):
    return node.src if type(node) is PNode else node


def seq_of(node):
    return node.seq if type(node) is PNode else node.id


def make_node(op, inputs, attrs, types, src, control=(), seq=None):
    """A new PNode of `op` on `inputs` (Tensors) with output `types` [(shape, dtype)]."""
    n = PNode.__new__(PNode)
    n.graph = src.graph
    n.op = op
    n.inputs = tuple(inputs)
    n.attrs = attrs
    n.name = src.name
    n.site = src.site
    n.control_inputs = tuple(control)
    n.role = src.role
    n.origin = src.origin
    n.id = next(_ids)
    n.src = src_of(src)
    n.seq = seq_of(src) if seq is None else seq
    n.outputs = tuple(Tensor(n, i, s, d) for i, (s, d) in enumerate(types))
    return n


def copy_node(node, inputs, control):
    """`node` with other inputs/control inputs (same op, attrs, types, origin)."""
    return make_node(node.op, inputs, node.attrs, [(t.shape, t.dtype) for t in node.outputs],
                     node, control)


def is_state_read(node):
    """A record that reads session state and computes nothing (a variable read): its
    value depends on when it runs, so each consumer reads at its own turn. The OpDef
    says so with `ref=True` (TF1's ref variables, whose reads alias the variable)."""
    return node.op.ref


class Program:
    """The records one run needs, in a valid execution order.

    nodes: records in execution order; feeds: the fed Tensors (graph tensors, in the
    order the feed values come); fetches: Tensors whose values are returned (graph or
    program tensors); targets: records run for their effects; graph: the user's Graph.
    """
    __slots__ = ("nodes", "feeds", "fetches", "targets", "graph")

    def __init__(self, nodes, feeds, fetches, targets, graph=None):
        self.nodes = tuple(nodes)
        self.feeds = tuple(feeds)
        self.fetches = tuple(fetches)
        self.targets = tuple(targets)
        self.graph = graph

    def __len__(self):
        return len(self.nodes)

    def replace(self, nodes=None, fetches=None, targets=None):
        return Program(self.nodes if nodes is None else nodes, self.feeds,
                       self.fetches if fetches is None else fetches,
                       self.targets if targets is None else targets, self.graph)

    def consumers(self):
        """{Tensor: number of uses by records and fetches}."""
        uses = {}
        for n in self.nodes:
            for t in n.inputs:
                uses[t] = uses.get(t, 0) + 1
        for t in self.fetches:
            uses[t] = uses.get(t, 0) + 1
        return uses


class Rewriter:
    """Builds a new node list from an old one, rewiring inputs as values are replaced."""

    def __init__(self):
        self.nodes = []
        self.subst = {}         # old Tensor -> new Tensor
        self.nsubst = {}        # old record -> new record (None: dropped)

    def value(self, t):
        return self.subst.get(t, t)

    def inputs_of(self, node):
        s = self.subst
        return tuple([s.get(t, t) for t in node.inputs])

    def control_of(self, node):
        if not node.control_inputs:
            return ()
        return tuple(dict.fromkeys(r for c in node.control_inputs for r in self.records(c)))

    def records(self, old):
        """What waiting for record `old` now means: the records that replaced it (one,
        or those making the values that replaced its outputs), none if dropped."""
        new = self.nsubst.get(old, old)
        return () if new is None else new if isinstance(new, tuple) else (new,)

    def rewired(self, node):
        """`node` with its inputs rewired (the node itself if nothing changed)."""
        s = self.subst
        if not s and not self.nsubst:
            return node
        changed = False
        for t in node.inputs:
            if t in s:
                changed = True
                break
        if not changed and node.control_inputs:
            ns = self.nsubst
            changed = any(c in ns for c in node.control_inputs)
        if not changed:
            return node
        return copy_node(node, self.inputs_of(node), self.control_of(node))

    def keep(self, node):
        """Append `node` (rewired); returns the record appended."""
        new = self.rewired(node)
        if new is not node:
            self.replace(node, new)
        self.nodes.append(new)
        return new

    def replace(self, old, new):
        """Uses of `old`'s outputs become uses of `new`'s (a record, Tensors, or a dict
        {old output: Tensor} for some of them)."""
        if isinstance(new, Node):
            self.nsubst[old] = new
            for a, b in zip(old.outputs, new.outputs):
                self.subst[a] = b
        else:       # control edges on `old` now wait for the records of the values
            pairs = list(new.items()) if isinstance(new, dict) else zip(old.outputs, new)
            made = []
            for a, b in pairs:
                self.subst[a] = b
                made.append(b.node)
            self.nsubst[old] = tuple(dict.fromkeys(made))

    def drop(self, old):
        self.nsubst[old] = None

    def program(self, prog):
        """The new Program (`prog` itself when nothing was replaced, dropped or added)."""
        if not self.subst and not self.nsubst and len(self.nodes) == len(prog.nodes):
            return prog
        fetches = tuple(self.value(t) for t in prog.fetches)
        targets = tuple(dict.fromkeys(r for n in prog.targets for r in self.records(n)))
        return prog.replace(self.nodes, fetches, targets)


def lower(fetches, targets=(), feeds=()):
    """The Program computing `fetches` and running `targets`, given `feeds`.

    Walks back from the fetches iteratively, stopping at fed tensors; a placeholder
    that is reached but not fed is a FeedError naming the fetch that needs it.
    """
    fed = set(feeds)
    via = needed(fetches, targets, fed)
    nodes = sorted(via, key=_node_id)         # ids are a topological order
    for n in nodes:
        if n.op is PLACEHOLDER:
            raise errors.UnfedPlaceholderError(_missing_feed(n, via))
    graph = nodes[-1].graph if nodes else next((t.graph for t in feeds), None)
    prog = Program(nodes, feeds, fetches, targets, graph)
    return _split_state_reads(_fed_values_as_placeholders(_drop_fed_controls(prog, fed)))


def _fed_values_as_placeholders(prog):
    """A fed tensor that some op computes (a fed intermediate, constant or variable
    value) becomes the output of a placeholder record standing for its op: the fed
    value replaces the computed one (TF1), so no pass may look through it to its op
    (x + zeros with the zeros fed is no x + 0)."""
    subst = {t: make_node(PLACEHOLDER, (), {"dtype": t.dtype, "shape": t.shape},
                          [(t.shape, t.dtype)], t.node).outputs[0]
             for t in prog.feeds if t.node.op is not PLACEHOLDER}
    if not subst:
        return prog
    rw = Rewriter()
    rw.subst.update(subst)
    for node in prog.nodes:
        rw.keep(node)
    out = rw.program(prog)
    return Program(out.nodes, [subst.get(t, t) for t in prog.feeds], out.fetches,
                   out.targets, prog.graph)


def needed(fetches, targets, fed):
    """{node: the node or fetch that needs it} for every graph node that computing
    `fetches` and running `targets` runs, given the `fed` tensors (iterative)."""
    via = {}
    stack = []
    for t in fetches:
        if t not in fed and t.node not in via:
            via[t.node] = t
            stack.append(t.node)
    for n in targets:
        if n not in via:
            via[n] = n
            stack.append(n)
    while stack:
        node = stack.pop()
        for t in node.inputs:
            if t not in fed and t.node not in via:
                via[t.node] = node
                stack.append(t.node)
        for c in node.control_inputs:
            if c not in via and not _all_fed(c, fed):
                via[c] = node
                stack.append(c)
    return via


_node_id = operator.attrgetter("id")


def _all_fed(node, fed):
    """Every output of `node` is fed: it has run, as far as its dependents can tell."""
    return bool(node.outputs) and all(t in fed for t in node.outputs)


def _drop_fed_controls(prog, fed):
    """Control dependencies on fed records (a placeholder that is fed) are met by the feed."""
    met = {c for n in prog.nodes for c in n.control_inputs if _all_fed(c, fed)}
    if not met:
        return prog
    rw = Rewriter()
    for c in met:
        rw.drop(c)
    for node in prog.nodes:
        rw.keep(node)
    return rw.program(prog)


def _split_state_reads(prog):
    """Give each consumer of a variable its own read, placed (in effect order) just
    after the last effect the consumer waits for (through its inputs and control
    dependencies): a read sees the assignments its consumer depends on and no others,
    as TF1's executor, which runs a ref variable's readers as soon as they are ready,
    usually does (`sess.run([acc, acc_op])` reads the metric before its update; a
    spectral norm's `u` is read by both discriminator calls before either assigns it).
    A fetched variable is read after every effect of the run. Only needed when the
    program has effects other than reads; CSE merges reads again where no effect lies
    between them."""
    if not any(n.op.stateful and (n.inputs or n.outputs) and not is_state_read(n)
               for n in prog.nodes):
        return prog
    rw = Rewriter()
    fed = set(prog.feeds)
    targets = set(prog.targets)
    waits_for = last_effects(prog.nodes)
    placed = {}             # node -> its place in rw.nodes, just after it
    early = {}              # place in rw.nodes -> the reads that go there
    for node in prog.nodes:
        if is_state_read(node):
            if node in targets:
                rw.nodes.append(node)
            else:
                rw.drop(node)           # read per consumer (below) and per fetch (after)
            continue
        reads = {}
        for t in node.inputs:
            if t not in reads and t not in fed and is_state_read(t.node):
                src = t.node
                r = make_node(src.op, (), src.attrs, [(o.shape, o.dtype) for o in src.outputs],
                              src, (), seq=node.id - 0.5)
                effect = waits_for[node]
                early.setdefault(0 if effect is None else placed[effect], []).append(r)
                reads[t] = r.outputs[t.index]
        if not reads:
            rw.keep(node)
        else:
            ins = tuple(reads[t] if t in reads else rw.value(t) for t in node.inputs)
            new = copy_node(node, ins, rw.control_of(node))
            rw.replace(node, new)
            rw.nodes.append(new)
        placed[node] = len(rw.nodes)
    rw.nodes = [n for i, n in enumerate(rw.nodes + [None])
                for n in early.get(i, []) + [n] if n is not None]
    fetches = []
    for t in prog.fetches:
        if t not in fed and is_state_read(t.node):
            src = t.node
            r = make_node(src.op, (), src.attrs, [(o.shape, o.dtype) for o in src.outputs],
                          src, (), seq=float("inf"))
            rw.nodes.append(r)
            t = r.outputs[t.index]
        fetches.append(rw.value(t))
    return prog.replace(rw.nodes, fetches, [r for n in prog.targets for r in rw.records(n)])


def last_effects(nodes):
    """{node: the last effect (in the order of `nodes`) among its ancestors in `nodes`
    through inputs and control dependencies, or None}: where a variable read for it may
    go at the earliest (also what the TF GraphDef exporter orders reads by). A random
    op's draw is no effect on variables."""
    pos = {n: i for i, n in enumerate(nodes)}
    last = {}
    for n in nodes:
        best = None
        for d in itertools.chain([t.node for t in n.inputs], n.control_inputs):
            if d not in pos:
                continue
            effect = d if d.op.stateful and not d.op.random and not is_state_read(d) \
                else last[d]
            if effect is not None and (best is None or pos[effect] > pos[best]):
                best = effect
        last[n] = best
    return last


def _missing_feed(node, via):
    cur = via[node]
    while not hasattr(cur, "index") and via[cur] is not cur:   # up to a fetch or target
        cur = via[cur]
    what = f"'{cur.name}'" if hasattr(cur, "index") else f"operation '{cur.name}'"
    return (f"placeholder '{node.name}' must be fed: fetch {what} depends on it\n"
            f"  {errors.describe_tensor(node.outputs[0], node.name)}\n"
            f"  feed it: feed_dict={{{node.name}: value}}")


def make_const(array, dtype, src):
    """A Const record holding `array` (converted to `dtype`), standing for `src`."""
    arr = np.asarray(array)
    if arr.dtype != dtype.np:
        arr = arr.astype(dtype.np)
    return make_node(CONST, (), {"value": ConstValue(arr), "dtype": dtype},
                     [(TensorShape(arr.shape), dtype)], src)


def emit(op, inputs, src, **attrs):
    """A new record of `op` on `inputs`, its types from op.infer (as the builder does);
    inputs that infer refuses (shapes fed in this run that cannot work together) are
    the run-time error the unoptimized run would raise at that op."""
    try:
        out = op.infer(InferContext(src.graph, tuple(inputs)), *inputs, **attrs)
    except InferError as e:
        from ..ops.registry import _build_error
        raise errors.ExecutionError(
            f"{src.type} '{src.name}' cannot run on the shapes fed in this run:\n"
            f"{_build_error(op, inputs, e, src.site)}", op=src_of(src)) from None
    out = out if isinstance(out, list) else [out]
    return make_node(op, inputs, attrs, [(as_shape(s), as_dtype(d)) for s, d in out], src)


def const_array(t):
    """The value of `t` if its producer is a Const record, else None."""
    node = t.node
    if node.op is CONST:
        return node.attrs["value"].array
    return None
