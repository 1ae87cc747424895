"""TF's gradient of a TF1 while loop (what tf.gradients through tf.while_loop or
dynamic_rnn builds in a control-flow-v1 graph), imported by LIFTING it: the backward
loop is dropped and each of its results becomes graphc's own gradient of the imported
forward loop.

TF differentiates a loop of frame F with a second loop, the backward frame
"<grad scope>/" + F, which runs the body's gradient once per forward iteration, popping
the forward values it needs from stacks that the forward loop pushed them onto:

    forward frame F:   f_count (a counter loop variable), StackPushV2(Enter(f_acc), v)
    outside:           f_acc = StackV2(max_size); the cotangents g_k of F's Exits
    backward frame B:  b_count (Enter of f_count's Exit), StackPopV2(Enter(f_acc)),
                       per forward loop variable k:  Enter "<Exit_k>_grad/b_exit" (g_k)
                           -> Merge -> Switch -> Exit "<Enter_k>_grad/Exit"
                       per loop invariant Enter E:  an accumulator from zeros
                           -> Exit "<E>_grad/b_acc_3"

Lifted, that is

    B's Exits  -> gc.gradients([F's Exits], [F's input slots], grad_ys=[g_k])

with respect to the forward loop's input SLOTS (build_loop feeds each through its own
Identity), not the tensors: one that also reaches the loss outside the loop gets TF's
outside path from TF's graph. B's nodes, the stacks, their pushes and Enters and the
ControlTriggers go; control edges to them are dropped; f_count stays (an unused int
loop variable). A backward Exit is paired with the forward loop variable whose
cotangent its Switch/Merge/Enter chain carries (that Enter's name says which forward
Exit, "<Exit>_grad/b_exit"), or, for an accumulator, with the invariant Enter its name
gives; a backward Exit read outside B that neither pairs is refused by name. Pairing
looks through Identities between a Switch and its Exit (gated gradients put
tuple/control_dependency there); an invariant whose gradient TF accumulates as
IndexedSlices (a gather in the loop) has three accumulators, bound to the indices,
values and dense_shape of graphc's gradient (LoopGradient.sparse); a counter a later
tf.gradients added to B (its Exit read by that gradient's own, empty, backward loop) is
bound to F's f_count Exit, which counts the same iterations. The lifted node's inputs
are the cotangents, then the data inputs of F's Enters (so that a loop inside a
tf.cond branch can be built again in its gradient's cond), then control edges from F's
Exits.

TensorArrayGradV3 outside B (the gradients of TensorArray stack/unstack around
dynamic_rnn's loop) is rewritten too: graphc's TensorArray buffer *is* its flow, so the
gradient array's handle is the forward handle and its flow ("gradient_flow", an Identity
of the forward flow after the TensorArrayGradV3) is a zero buffer where it is written
(a read's or gather's gradient) and the gradient buffer it already is where it is read
(a write's or scatter's gradient, reading what the backward loop accumulated).
"""
import re

from .serialize import SerializationError
from .tf_graphdef import NodeDef

__all__ = ["lift_loop_gradients", "LoopGradient", "LIFTED_OP"]

LIFTED_OP = "_V1LoopGradient"
_STACK_OPS = {"StackV2", "StackPushV2", "StackPopV2"}
_TA_WRITES = {"TensorArrayWriteV3", "TensorArrayScatterV3"}
_TA_READS = {"TensorArrayReadV3", "TensorArrayGatherV3"}
# TF's names in a gradient loop, after "<grad scope>/": a loop variable's cotangent
# Enter and gradient Exit, an invariant's accumulator (x, e: forward Exit, Enter)
_B_EXIT = re.compile(r"^(?P<x>.+)_grad(?:_\d+)?/b_exit$")
_B_ACC = re.compile(r"^(?P<e>.+)_grad(?:_\d+)?/b_acc(?:_\d+)?$")
_B_OUT = re.compile(r"^(?P<e>.+)_grad(?:_\d+)?/Exit(?:_\d+)?$")
_PARTS = ("indices", "values", "dense_shape")    # of an IndexedSlices gradient


class LoopGradient:
    """One lifted backward loop: its outputs are the gradients of forward frame `frame`'s
    Exits `ys` (cotangents: the node's inputs, in order) with respect to the input slots
    of its Enters `xs` (one output each)."""

    def __init__(self, frame, backward, ys, xs, sparse=()):
        self.frame, self.backward, self.ys, self.xs = frame, backward, ys, xs
        self.sparse = set(sparse)       # xs whose gradient TF accumulates as IndexedSlices
        self.types = {}                 # (x, part) -> the TF DataType of its Exit
        self.enters = []                # (Enter, its data input): the loop's inputs,
        #                                 the node's inputs after the cotangents

    def outputs(self):
        """(x, part) per output: part None for a dense gradient, else "indices",
        "values" or "dense_shape" of an IndexedSlices one."""
        return [(x, p) for x in self.xs
                for p in (_PARTS if x in self.sparse else (None,))]

    def __repr__(self):
        return f"LoopGradient({self.frame!r}, ys={self.ys}, xs={self.xs})"


def _split(s):
    from .tf_graphdef_import import _split_input
    return _split_input(s)


class _Unordered(Exception):
    """The nodes cannot be put in order (an unknown input, a cycle that is no loop):
    nothing is lifted, and the flow builder reports it."""


class _Frames:
    """Per node: the stack of while-loop frames it lives in (conds ignored), and per
    Exit the frame it leaves."""

    def __init__(self, nodes):
        self.nds = {nd.name: nd for nd in nodes}
        self.ins = {nd.name: [_split(s) for s in nd.input] for nd in nodes}
        self.users = {n: [] for n in self.nds}
        for n, ins in self.ins.items():
            for s, i in ins:
                if s not in self.nds:
                    raise _Unordered(s)
                self.users[s].append((n, i))
        pending = {n: sum(self.nds[s].op != "NextIteration" for s, _ in ins)
                   for n, ins in self.ins.items()}
        ready = [n for n, k in pending.items() if k == 0]
        self.order = []
        while ready:
            n = ready.pop()
            self.order.append(n)
            if self.nds[n].op == "NextIteration":
                continue
            for u, _ in self.users[n]:
                pending[u] -= 1
                if pending[u] == 0:
                    ready.append(u)
        if len(self.order) != len(self.nds):
            raise _Unordered("a cycle")
        self.ctx, self.left = {}, {}
        for n in self.order:
            nd = self.nds[n]
            cs = [self.ctx[s] for s, _ in self.ins[n] if self.nds[s].op != "NextIteration"]
            deep = max(cs, key=len, default=())
            if nd.op == "Enter" and "frame_name" in nd.attr:
                self.ctx[n] = deep + (nd.attr["frame_name"].s.decode("utf-8", "replace"),)
            elif nd.op == "Exit" and deep:
                self.ctx[n], self.left[n] = deep[:-1], deep[-1]
            else:
                self.ctx[n] = deep

    def data(self, n):
        return next(((s, i) for s, i in self.ins[n] if i is not None), (None, None))

    def constant(self, n):
        v = self.nds[n].attr.get("is_constant")
        return bool(v is not None and v.b)


def _fail(nd, msg):
    return SerializationError(f"{nd.op} node '{nd.name}': {msg}")


def _pairs(fr):
    """backward frame -> forward frame, found by b_count: an Enter of B reading an Exit
    of F, where B is F under a gradient name scope."""
    pairs = {}
    for n in fr.order:
        if fr.nds[n].op != "Enter" or not fr.ctx[n]:
            continue
        src, _ = fr.data(n)
        if src is None or fr.nds[src].op != "Exit" or src not in fr.left:
            continue
        b, f = fr.ctx[n][-1], fr.left[src]
        if b != f and b.endswith("/" + f) and fr.ctx[src] == fr.ctx[n][:-1]:
            if pairs.get(b, f) != f:
                raise _fail(fr.nds[n], f"the gradient loop '{b}' pairs with two forward "
                                       f"loops ('{pairs[b]}', '{f}'); graphc cannot tell "
                                       "which one it differentiates")
            pairs[b] = f
    # a gradient loop inside another one goes with it; a loop that only reads another
    # one's Exit in a scope that ends like it (no "<x>_grad/b_exit" or "b_acc" Enters
    # of TF's gradient) is no gradient loop
    nested = [b for b in pairs if any(c in pairs for c in _frames_around(fr, b))]
    return {b: f for b, f in pairs.items() if b not in nested and _tf_made(fr, b, f)}


def _tf_made(fr, b, f):
    """Whether frame b has the Enters TF's gradient names "<x>_grad/b_exit" or
    "<x>_grad/b_acc_1" (x a node of the forward loop)."""
    scope = b[:-len(f)]
    for n in fr.order:
        if fr.nds[n].op == "Enter" and fr.ctx[n] and fr.ctx[n][-1] == b and \
                n.startswith(scope):
            m = _B_EXIT.match(n[len(scope):]) or _B_ACC.match(n[len(scope):])
            if m is not None and m[1] in fr.nds:
                return True
    return False


def _frames_around(fr, frame):
    """The frames enclosing `frame` (those of its Enters' inputs)."""
    for n in fr.order:
        if fr.nds[n].op == "Enter" and fr.ctx[n] and fr.ctx[n][-1] == frame:
            return fr.ctx[n][:-1]
    return ()


def _loop_var(fr, exit_name):
    """Exit -> Switch -> Merge -> (Enter, Merge) of one loop variable; None when the
    chain is not there. Identities between the Switch and the Exit are followed: gated
    gradients (minimize's GATE_OP) put tuple/control_dependency there."""
    switch, _ = fr.data(exit_name)
    seen = set()
    while switch is not None and fr.nds[switch].op == "Identity" and switch not in seen:
        seen.add(switch)
        switch, _ = fr.data(switch)
    if switch is None or fr.nds[switch].op != "Switch":
        return None
    merge, _ = fr.data(switch)
    if merge is None or fr.nds[merge].op != "Merge":
        return None
    enters = [s for s, i in fr.ins[merge] if i is not None and fr.nds[s].op == "Enter"]
    return (enters[0], merge) if len(enters) == 1 else None


def _lift_one(fr, b, f, inside):
    """The LoopGradient of backward frame b (forward f, `inside`: b's nodes), the
    cotangents (its inputs) and {backward Exit: the output it is}; an Exit that cannot
    be paired is left out when nothing outside b reads it (b_count's), else refused."""
    scope = b[:-len(f)]                   # "<grad scope>/"
    f_exits = {n for n, fl in fr.left.items() if fl == f}
    exit_enter = {}                       # forward Exit -> its loop variable's Enter
    for x in f_exits:
        var = _loop_var(fr, x)
        if var is not None:
            exit_enter[x] = var[0]
    ys, cots = [], []
    for n in fr.order:                    # the cotangents: b_exit Enters of B
        nd = fr.nds[n]
        if nd.op != "Enter" or not fr.ctx[n] or fr.ctx[n][-1] != b or \
                not n.startswith(scope):
            continue
        m = _B_EXIT.match(n[len(scope):])
        if m is None or m["x"] not in f_exits:
            continue
        if m["x"] not in exit_enter:
            raise _fail(nd, f"its forward Exit '{m['x']}' is not a loop variable's Exit "
                            "that graphc recognizes")
        ys.append(m["x"])
        cots.append(fr.data(n))
    xs, bound, parts, aliases = [], {}, {}, {}
    for n in fr.order:                    # B's Exits: each paired, or not read outside
        if fr.left.get(n) != b:
            continue
        nd = fr.nds[n]
        var = _loop_var(fr, n)
        rest = n[len(scope):] if n.startswith(scope) else None
        enter = None
        if var is not None and var[0] in inside:
            m = _B_EXIT.match(var[0][len(scope):]) if var[0].startswith(scope) else None
            if m is not None and m["x"] in exit_enter:      # a loop variable's gradient
                enter = exit_enter[m["x"]]
                named = _B_OUT.match(rest or "")
                if named is None or named["e"] != enter:
                    raise _fail(nd, f"its loop variable carries the cotangent of '{m['x']}'"
                                    f" (forward Enter '{enter}'), but its name does not "
                                    "name that Enter; graphc cannot pair it")
            else:                                           # an invariant's accumulator
                m = _B_ACC.match(rest or "")
                e = m["e"] if m else None
                if e is not None and e in fr.nds and fr.nds[e].op == "Enter" and \
                        fr.ctx[e] and fr.ctx[e][-1] == f and fr.constant(e):
                    enter = e
        if enter is None and all(u in inside for u, _ in fr.users[n]):
            continue                      # b_count's Exit, say
        if enter is None and _counter(fr, n):
            count = _forward_count(fr, b, f)
            if count is not None:         # a later tf.gradients' f_count of B: B runs
                aliases[n] = count        # as often as F, whose f_count Exit says it
                continue
        if enter is None:
            raise _fail(nd, f"is an output of the gradient loop '{b}' (of the TF1 while "
                            f"loop '{f}') that graphc cannot pair with an input of the "
                            "forward loop, so it cannot lift the gradient loop")
        if enter not in xs:
            xs.append(enter)
        bound[n] = enter
        parts.setdefault(enter, []).append(n)
    sparse = set()
    for e, exits in parts.items():        # an IndexedSlices gradient: three accumulators
        if len(exits) == 1:
            continue
        kinds = {_acc_part(fr, x): x for x in exits}
        if len(exits) != 3 or set(kinds) != set(_PARTS):
            raise _fail(fr.nds[exits[0]], f"the gradient of '{e}' is accumulated by "
                                          f"{exits}, which graphc cannot read as the "
                                          "indices, values and dense_shape of an "
                                          "IndexedSlices")
        sparse.add(e)
        for part, x in kinds.items():
            bound[x] = (e, part)
    grad = LoopGradient(f, b, ys, xs, sparse)
    for n, v in bound.items():
        t = fr.nds[n].attr.get("T")
        if isinstance(v, tuple) and t is not None:
            grad.types[v] = t.type
    outputs = grad.outputs()
    bound = {n: outputs.index(v if isinstance(v, tuple) else (v, None))
             for n, v in bound.items()}
    return grad, cots, bound, aliases


def _counter(fr, exit_name):
    """Whether Exit `exit_name` ends a counter loop variable (TF's f_count: from a
    constant, plus a constant each iteration)."""
    var = _loop_var(fr, exit_name)
    if var is None:
        return False
    enter, merge = var
    src, _ = fr.data(enter)
    nxt = [s for s, i in fr.ins[merge] if i is not None and fr.nds[s].op == "NextIteration"]
    if src is None or fr.nds[src].op != "Const" or len(nxt) != 1:
        return False
    add, _ = fr.data(nxt[0])
    return add is not None and fr.nds[add].op in ("Add", "AddV2") and \
        any(fr.nds[s].op == "Const" for s, i in fr.ins[add] if i is not None)


def _forward_count(fr, b, f):
    """The Exit of forward loop f that backward loop b counts down from (f_count's,
    which b_count enters); None when there is none."""
    for n in fr.order:
        if fr.nds[n].op == "Enter" and fr.ctx[n] and fr.ctx[n][-1] == b:
            src, _ = fr.data(n)
            if src is not None and fr.left.get(src) == f and _counter(fr, src):
                return src
    return None


def _acc_part(fr, exit_name):
    """Which part of an IndexedSlices an accumulator Exit of TF's gradient loop carries
    (TF's AddBackpropIndexedSlicesAccumulator): the dense_shape is the Maximum of the
    shapes, the values the floating one, the indices the other one."""
    var = _loop_var(fr, exit_name)
    if var is not None:
        nxt = [s for s, i in fr.ins[var[1]] if i is not None and
               fr.nds[s].op == "NextIteration"]
        if nxt and fr.nds[fr.data(nxt[0])[0] or nxt[0]].op == "Maximum":
            return "dense_shape"
    t = fr.nds[exit_name].attr.get("T")
    return "indices" if t is not None and t.type in (3, 9) else "values"


def _rewrite_ta_grads(fr, keep, replace):
    """TensorArrayGradV3 (outside a lifted loop) -> an Identity of the forward handle;
    its gradient_flow Identity -> zeros where it is written, kept where it is read."""
    for n in fr.order:
        nd = fr.nds[n]
        if nd.op != "TensorArrayGradV3" or n not in keep:
            continue
        if any(i == 1 for u, i in fr.users[n] if u in keep):
            raise _fail(nd, "its flow_out output is read; graphc imports the gradient "
                            "TensorArray's flow as its gradient_flow Identity only")
        handle, flow = [(s, i) for s, i in fr.ins[n] if i is not None][:2]
        replace[n] = NodeDef(name=n, op="Identity", input=[_join(handle)], device=nd.device)
        for u, i in fr.users[n]:
            ud = fr.nds[u]
            if i is not None or ud.op != "Identity" or u not in keep or \
                    fr.data(u) != flow:
                continue
            kinds = {fr.nds[w].op for w, j in fr.users[u] if j is not None and w in keep}
            if kinds <= _TA_READS:
                continue
            if not kinds <= _TA_WRITES:
                raise _fail(ud, "the flow of a gradient TensorArray is both written and "
                                f"read ({sorted(kinds)}); graphc cannot tell its value")
            replace[u] = NodeDef(name=u, op="ZerosLike", input=[_join(flow)],
                                 device=ud.device)


def _join(src):
    s, i = src
    return s if i == 0 else f"{s}:{i}"


def lift_loop_gradients(nodes):
    """The GraphDef's nodes with TF1 while loops' gradient loops lifted (see the module
    docstring), and {name of each new LIFTED_OP node: its LoopGradient}. Nodes that
    cannot be lifted are left as they are (the importer refuses their ops by name)."""
    if not any(nd.op in _STACK_OPS or nd.op == "TensorArrayGradV3" for nd in nodes):
        return nodes, {}
    try:
        fr = _Frames(nodes)
    except _Unordered:
        return nodes, {}
    pairs = _pairs(fr)
    drop = {n for n in fr.order if any(b in pairs for b in fr.ctx[n])
            or fr.left.get(n) in pairs}
    stack_enter = set()
    for n in fr.order:
        src, _ = fr.data(n)
        if fr.nds[n].op in ("Enter", "Switch", "Identity") and src is not None and (
                fr.nds[src].op == "StackV2" or src in stack_enter):   # a stack's handle
            stack_enter.add(n)
    pops = [n for n in fr.order if fr.nds[n].op == "StackPopV2"]
    if pairs and all(p in drop for p in pops):      # every stack is read only by lifted
        drop |= stack_enter | {n for n in fr.order if fr.nds[n].op in _STACK_OPS}
        drop |= {n for n in fr.order if fr.nds[n].op == "ControlTrigger" and
                 all(s in drop for s, _ in fr.ins[n])}
    keep = {n for n in fr.order if n not in drop}
    replace, lifted, extra = {}, {}, {}
    taken = set(fr.nds)
    for b, f in sorted(pairs.items()):
        inside = {n for n in drop if b in fr.ctx[n] or fr.left.get(n) == b}
        grad, cots, bound, aliases = _lift_one(fr, b, f, inside)
        for n, src in aliases.items():
            replace[n] = NodeDef(name=n, op="Identity", input=[src], device=fr.nds[n].device)
            keep.add(n)
        if not bound:
            continue
        name, k = b + "/lifted_gradient", 0
        while name in taken:
            k += 1
            name = f"{b}/lifted_gradient_{k}"
        taken.add(name)
        controls = sorted("^" + x for x, fl in fr.left.items() if fl == f and x in keep)
        grad.enters = [(n, fr.data(n)) for n in fr.order if fr.nds[n].op == "Enter" and
                       fr.ctx[n] and fr.ctx[n][-1] == f and n not in drop and
                       fr.data(n)[0] is not None and fr.ctx[fr.data(n)[0]] == fr.ctx[n][:-1]]
        lifted[name] = grad
        first = min(bound, key=fr.order.index)
        extra[first] = NodeDef(name=name, op=LIFTED_OP,
                               input=[_join(c) for c in cots] +
                               [_join(src) for _, src in grad.enters] + controls)
        for n, k in bound.items():
            replace[n] = NodeDef(name=n, op="Identity", input=[f"{name}:{k}"],
                                 device=fr.nds[n].device)
            keep.add(n)
    _rewrite_ta_grads(fr, keep, replace)
    out = []
    for nd in nodes:
        n = nd.name
        if n in extra:
            out.append(extra[n])
        if n not in keep:
            continue
        nd = replace.get(n, nd)
        ins = [s for s in nd.input if _split(s)[0] in keep or _split(s)[0] in lifted]
        for s in nd.input:
            src, i = _split(s)
            if i is not None and src not in keep and src not in lifted:
                raise _fail(fr.nds[n], f"reads '{s}', a node of the gradient of a TF1 "
                                       "while loop that graphc lifts (it keeps only the "
                                       "gradient loop's Exits)")
        if len(ins) != len(nd.input):
            nd = _copy(nd, ins)
        out.append(nd)
    return out, lifted


def _copy(nd, inputs):
    new = NodeDef(name=nd.name, op=nd.op, input=list(inputs), device=nd.device)
    for k, v in nd.attr.items():
        new.attr[k] = v
    return new

