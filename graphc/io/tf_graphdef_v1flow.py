"""TF1 control flow in an imported GraphDef (control flow v1: what tf.cond and
tf.while_loop build in TF 1.x graphs, or after tf.compat.v1.disable_control_flow_v2()),
rebuilt as graphc's functional control flow:

    Switch(x, p) ... Merge(a, b)          -> gc.cond(p, lambda: a, lambda: b)
    RefSwitch(variable, p)                -> the variable, in either branch (its reads
                                             and assigns there: EMA, batch norm updates)
    Enter -> Merge(Enter, NextIteration) -> Switch(Merge, LoopCond) -> Identity ...
          -> NextIteration; Switch:0 -> Exit
                                          -> gc.while_loop(cond, body, [Enter inputs])

This is the classic "functionalize control flow" lowering. Each tensor gets a context:
the stack of frames it lives in, ("c", pred, branch) for a cond branch and ("w", frame)
for a loop. A Switch output k adds (pred, k == 1) to its data's context, an Enter adds
its frame, a Merge of a cond drops the branch and an Exit the loop; any other node
lives in the deepest context of its inputs (control inputs count: TF puts a branch's
constants under the cond's pivot by a control input). A region (the graph, a branch,
a loop body) is built in Kahn order where the nodes one level deeper are condensed into
one unit per cond or loop (the connected nodes of one pred or frame): a cond is built
as gc.cond over its Merges, a loop as gc.while_loop over its Merges, its cond and body
functions building the nodes of the loop that LoopCond and the NextIterations need.
Nesting is followed by recursion (one level per cond or loop), the graph never.
Tensors inside a branch or a loop cannot be returned (only Merge and Exit outputs).

TF's gradient of a cond (cond_grad) is a second cond on the same pred: a Switch of the
cotangent, branch ops reading the forward branches' tensors, a Merge. It comes after the
forward cond's Merges (through the loss), so a cond's nodes are split by stage, the
number of the level's Merges and Exits on their longest input path, taken as late as
their users allow (`stages`); a branch tensor another cond reads is exported by its cond
as an extra output (zero in the other branch) and read from `exported`.

TF's gradient of a while loop (a backward loop popping stacks the forward loop pushed)
is lifted first (tf_graphdef_v1grad.py): its nodes go, and its Exits read graphc's
gradient of the forward loop (build_loop_gradient in tf_graphdef_v1flow2.py).
"""
import collections
import contextlib

from .. import dtypes as _dtypes, errors
from ..graph import get_default_graph
from .serialize import SerializationError

__all__ = ["build_v1_flow"]


class ImportedGraph(dict):
    """TF name -> (op, outputs) of the nodes built at the top level; `dead` says why
    each other node (inside a branch or a loop) cannot be returned."""
    dead = {}


def _where(ctx):
    """A context in words."""
    parts = []
    for f in ctx:
        if f[0] == "w":
            parts.append(f"while loop '{f[1]}'")
        else:
            branch = {True: "true branch of ", False: "false branch of ", None: ""}[f[2]]
            parts.append(f"{branch}the cond on '{f[1][0]}:{f[1][1]}'")
    return " in ".join(reversed(parts)) or "the top level"


class _Flow:
    """The contexts of a GraphDef's nodes, and the builder of its regions."""

    def __init__(self, nodes, mapped, prefix, names, library):
        from .tf_graphdef_import import _split_input
        self.nds = {nd.name: nd for nd in nodes}
        self.ins = {nd.name: [_split_input(s) for s in nd.input] for nd in nodes}
        self.mapped, self.prefix, self.names, self.library = mapped, prefix, names, library
        self.users = {nd.name: [] for nd in nodes}
        for nd in nodes:
            for src, _ in self.ins[nd.name]:
                if src not in self.nds:
                    raise SerializationError(f"Node '{nd.name}': Unknown input node '{src}'")
                self.users[src].append(nd.name)
        self.order = self._kahn(nodes)
        from .tf_graphdef_tensorarray import ta_flows
        self.ta_flows = ta_flows(self.nds, self.ins, self.order)
        self.member, self.out, self.kind, self.pred = {}, {}, {}, {}
        self.exported = {}      # (name, index) in a cond branch -> the cond's output
        self.lifted = {}        # a lifted loop gradient's node -> its LoopGradient
        self.lift_frames = {}   # the frames of the loops those differentiate -> the
        #                         Enters whose input slots they differentiate by
        self.loops = {}         # such a frame -> its Enters' input slots, Exits' outputs
        for name in self.order:
            self._context(name)

    # ---- contexts ------------------------------------------------------------------------
    def _fail(self, name, msg, cls=SerializationError):
        return cls(f"{self.nds[name].op} node '{name}': {msg}")

    def _kahn(self, nodes):
        """Node names, each after its inputs; NextIteration -> Merge (a loop's back edge)
        does not count."""
        pending = {nd.name: sum(self.nds[s].op != "NextIteration" for s, _ in self.ins[nd.name])
                   for nd in nodes}
        ready = [nd.name for nd in reversed(nodes) if pending[nd.name] == 0]
        order = []
        while ready:
            name = ready.pop()
            order.append(name)
            if self.nds[name].op == "NextIteration":
                continue
            for user in reversed(self.users[name]):
                pending[user] -= 1
                if pending[user] == 0:
                    ready.append(user)
        if len(order) != len(nodes):
            stuck = [n for n, k in pending.items() if k][:5]
            raise SerializationError(f"the GraphDef has a cycle through {stuck} that is not "
                                     "a TF1 while loop (Merge <- NextIteration)")
        return order

    def ctx_of(self, src, i):
        """The context of output i of node src (i None: a control input)."""
        if self.kind.get(src) == "cswitch" and i is not None:
            return self.out[src] + (("c", self.pred[src], i == 1),)
        return self.out[src]

    def _deepest(self, name, ctxs):
        deepest = max(ctxs, key=len, default=())
        for c in ctxs:
            if deepest[:len(c)] != c:
                raise self._fail(name, f"its inputs come from different conds or loops "
                                       f"({_where(c)}; {_where(deepest)})")
        return deepest

    def _canonical(self, src, i):
        """The tensor a pred is an Identity (chain) of: TF switches a cond's values on
        `pred_id`, an Identity of the pred, and its pivot on the pred itself."""
        seen = set()
        while self.nds[src].op == "Identity" and i == 0 and src not in seen:
            seen.add(src)
            src, i = next(((s, k) for s, k in self.ins[src] if k is not None), (src, i))
        return src, i

    def _context(self, name):
        op, ins = self.nds[name].op, self.ins[name]
        back = [self.nds[s].op == "NextIteration" for s, _ in ins]
        ctxs = [self.ctx_of(s, i) for (s, i), b in zip(ins, back) if not b]
        if op == "Merge" and any(back):
            if len(ins) != 2 or sum(back) != 1 or self.nds[ins[back.index(False)][0]].op \
                    != "Enter":
                raise self._fail(name, "a loop's Merge takes one Enter and one "
                                       "NextIteration")
            self.kind[name] = "lmerge"
        elif op == "Merge":
            data = [(s, i) for s, i in ins if i is not None]
            cs = [self.ctx_of(s, i) for s, i in data]
            if len(data) != 2 or not cs[0] or not cs[1] or cs[0][:-1] != cs[1][:-1] \
                    or cs[0][-1][0] != "c" or cs[0][-1][:2] != cs[1][-1][:2]:
                raise self._fail(name, "inputs from different conds (" + "; ".join(
                    _where(c) for c in cs) + ")")
            if cs[0][-1][2] == cs[1][-1][2]:
                raise self._fail(name, f"both inputs come from the {_where(cs[0][-1:])}")
            self.kind[name], self.pred[name] = "cmerge", cs[0][-1][1]
            self._deepest(name, [self.ctx_of(s, i) for s, i in ins if i is None]
                          + [cs[0][:-1]])         # its control inputs
            self.member[name] = cs[0][:-1] + (("c", cs[0][-1][1], None),)
            self.out[name] = cs[0][:-1]
            return
        deepest = self._deepest(name, ctxs)
        self.member[name] = self.out[name] = deepest
        if op in ("Switch", "RefSwitch"):
            if len(ins) < 2 or ins[1][1] is None:
                raise self._fail(name, "has no pred input")
            if self.nds[ins[1][0]].op == "LoopCond":
                if op == "RefSwitch":
                    raise self._fail(name, "a variable switched into a TF1 while loop "
                                           "(RefSwitch on LoopCond) is not imported")
                self.kind[name] = "lswitch"
            else:
                self.kind[name], self.pred[name] = "cswitch", self._canonical(*ins[1])
        elif op == "Enter":
            v = self.nds[name].attr.get("frame_name")
            if v is None or not v.s:
                raise self._fail(name, "has no frame_name")
            frame = v.s.decode("utf-8", "replace")
            self.member[name] = self.out[name] = deepest + (("w", frame),)
        elif op == "Exit":
            if not deepest or deepest[-1][0] != "w":
                raise self._fail(name, f"its input is not in a while loop ({_where(deepest)})")
            self.out[name] = deepest[:-1]

    def key(self, name, level):
        """The cond (pred) or loop (frame) node `name` belongs to at nesting `level`."""
        return self.member[name][level][:2]

    def why(self, name):
        """Why node `name` cannot be read at the top level (nor a top-level node that
        was not built, which is an error of its own)."""
        ctx = self.member[name]
        if not ctx:
            from .tf_graphdef_import import UnsupportedOpError
            raise self._fail(name, "was not built: graphc cannot order it among the TF1 "
                                   "conds and loops of the graph", UnsupportedOpError)
        outs = "Exit" if ctx[-1][0] == "w" else "Merge"
        return f"it is inside {_where(ctx)} (only its {outs} outputs are available there)"

    # ---- building ------------------------------------------------------------------------
    def resolve(self, user, src, i, chain):
        """The tensor (the op, for a control input) that `user` reads."""
        if i is not None and (src, i) in self.mapped:
            return self.mapped[(src, i)]
        if src not in chain:
            if i is not None and (src, i) in self.exported:
                return self.exported[(src, i)]
            if i is None and self.nds[src].op == "NoOp" and self.member[src]:
                return None     # a gated gradient's group_deps in another stage of a
            #                     cond: it orders pure ops only, so it is dropped
            if i is None and user in self.lifted and self.member[src]:
                return None     # a forward Exit inside a cond: the lifted gradient,
            #                     in the cond's gradient, rebuilds the loop
            raise self._fail(user, f"cannot read '{src}': {self.why(src)}")
        op, outs = chain[src]
        if i is None:
            return op
        if i >= len(outs):
            raise SerializationError(f"Node '{user}': input '{src}:{i}' is out of range: "
                                     f"{src} has {len(outs)} outputs")
        return outs[i]

    def inputs(self, name, chain):
        inputs, controls = [], []
        for src, i in self.ins[name]:
            t = self.resolve(name, src, i, chain)
            if i is not None:
                inputs.append(t)
            elif t is not None:
                controls.append(t)
        return inputs, controls

    def stages(self, level, members, inside):
        """Per node deeper than `level` in a cond: its stage, the number of this level's
        Merges and Exits on the longest path to it, taken as late as its users allow.
        A v1 cond's gradient is a second cond on the same pred that reads the first
        one's branch tensors, after the first one's Merges: stages keep them apart."""
        asap = {}
        for m in members:
            asap[m] = max((asap.get(s, 0) + self.exits(s, level) for s, _ in self.ins[m]
                           if s in inside), default=0)
        stage = {}
        for m in reversed(members):
            if len(self.member[m]) <= level or self.member[m][level][0] != "c":
                continue
            later = [stage[u] for u in self.users[m] if u in stage and
                     not (u in self.lifted and self.nds[m].op == "Exit")]
            level_merge = self.kind.get(m) == "cmerge" and len(self.member[m]) == level + 1
            stage[m] = asap[m] if level_merge or not later else min(later)
        return stage

    def exits(self, name, level):
        """1 if `name` is a Merge or Exit leaving a cond or loop of nesting `level`."""
        return int(self.nds[name].op in ("Merge", "Exit") and len(self.out[name]) == level
                   and len(self.member[name]) == level + 1)

    def region(self, level, members, chain, targets=None):
        """Build `members` (node names in Kahn order, living at nesting `level` or in the
        conds and loops below it) into the default graph, recording them in `chain`;
        only the ancestors of `targets` ((name, index) pairs) unless it is None. A
        target, or a tensor another cond reads, inside a cond below is exported by it
        (`self.exported`)."""
        graph = get_default_graph()
        if level == 0:
            prefix, names = self.prefix, self.names
        else:
            scope = graph.get_name_scope()
            prefix, names = scope + "/" if scope else "", {n.name for n in graph.nodes}
        inside = set(members)
        stage = self.stages(level, members, inside)
        parent = {m: m for m in members if len(self.member[m]) > level}

        def find(u):
            while parent[u] != u:
                parent[u] = parent[parent[u]]
                u = parent[u]
            return u
        for u in parent:        # a cond or loop: the connected nodes of its pred/frame
            for src, _ in self.ins[u]:
                if src in parent and self.key(src, level) == self.key(u, level) \
                        and stage.get(src) == stage.get(u):
                    parent[find(src)] = find(u)
        unit = {m: find(m) if m in parent else m for m in members}
        groups, deps = collections.defaultdict(list), collections.defaultdict(set)
        exports = collections.defaultdict(dict)     # unit -> {(src, i): None}
        for m in members:
            groups[unit[m]].append(m)
            for s, i in self.ins[m]:
                if s in inside and unit[s] != unit[m]:
                    deps[unit[m]].add(unit[s])
                    if s in parent and i is not None and not self.exits(s, level):
                        exports[unit[s]][(s, i)] = None
        for s, i in targets or ():
            if s in parent and not self.exits(s, level):
                exports[unit[s]][(s, i)] = None
        if targets is None:
            needed = set(groups)
        else:
            needed = set()
            stack = [unit[s] for s, _ in targets if s in inside]
            while stack:
                u = stack.pop()
                if u not in needed:
                    needed.add(u)
                    stack.extend(deps[u])
        users = collections.defaultdict(list)
        pending = {u: 0 for u in needed}
        for u in needed:
            for d in deps[u]:
                users[d].append(u)
                pending[u] += 1
        ready = [u for u in reversed(groups) if u in needed and pending[u] == 0]
        while ready:
            u = ready.pop()
            del pending[u]
            if u in parent:
                from .tf_graphdef_v1flow2 import build_loop
                if self.key(u, level)[0] == "c":
                    self.build_cond(level, groups[u], chain, prefix, names, list(exports[u]))
                elif exports[u]:
                    s, i = next(iter(exports[u]))
                    raise self._fail(s, f"output {i} is read outside its {_where(self.member[s])}")
                else:
                    build_loop(self, level, groups[u], chain, prefix, names)
            else:
                self.build_plain(u, chain, graph, prefix, names)
            for v in reversed(users[u]):
                pending[v] -= 1
                if pending[v] == 0:
                    ready.append(v)
        if pending:
            from .tf_graphdef_import import UnsupportedOpError
            stuck = min(pending, key=members.index)
            raise self._fail(stuck, "graphc cannot order it: it is on a cycle through the "
                                    f"TF1 conds and loops of {_where(self.member[stuck][:level])}",
                             UnsupportedOpError)

    def build_plain(self, name, chain, graph, prefix, names):
        from .tf_graphdef_import import build_node
        nd = self.nds[name]
        inputs, controls = self.inputs(name, chain)
        if nd.op in ("Switch", "RefSwitch"):    # a cond's Switch: its data, in either
            self.checked(name, prefix, names, ("T", "=bool"), inputs)     # branch
            data = inputs[0]
            if nd.op == "RefSwitch":        # the variable itself (branches assign to it)
                if data.node.type != "VariableV2":
                    from .tf_graphdef_import import UnsupportedOpError
                    raise self._fail(name, f"switches {data.name}, a {data.node.type}: "
                                           "graphc imports RefSwitch of a variable only; "
                                           "freeze the graph first "
                                           "(convert_variables_to_constants)",
                                     UnsupportedOpError)
                if controls:
                    raise self._fail(name, "a RefSwitch with control inputs is not "
                                           "imported")
            if controls:
                from ..ops.core import identity
                with graph.control_dependencies(controls):
                    data = identity(data, name=f"{name.replace('/', '_')}_switch")
            chain[name] = (data.node, [data, data])
        elif nd.op == "Identity" and name in self.ta_flows:    # a TensorArray's flow
            from ..ops.core import identity
            node = self.checked(name, prefix, names, ("T",), inputs)
            with graph.control_dependencies(controls) if controls else \
                    contextlib.nullcontext(), graph.name_scope(node.scope or None):
                t = identity(inputs[0], name=node.name)
            names.add(t.node.name)
            chain[name] = (t.node, [t])
        elif name in self.lifted:
            from .tf_graphdef_v1flow2 import build_loop_gradient
            chain[name] = build_loop_gradient(self, name, inputs, controls, prefix, names)
        elif nd.op in ("Enter", "Exit", "Merge", "NextIteration", "LoopCond"):
            raise self._fail(name, f"is not part of a while loop that graphc recognizes "
                                   f"(it is in {_where(self.member[name])})")
        else:
            chain[name] = build_node(nd, inputs, controls, graph, prefix, names, self.library)

    def checked(self, name, prefix, names, spec, tensors, used=()):
        """The Node of control-flow node `name`, its type attrs checked against tensors
        and its other attrs (`used`) read; any other attr is refused."""
        from .tf_graphdef_import import Node, _check_types
        node = Node(self.nds[name], prefix, prefix + name in names)
        if name in self.ta_flows:       # a TensorArray's flow: float in TF, graphc's buffer
            node.attr("T", None)
            node.attr("N", None)
            spec = ("?",) * len(tensors) if spec == ("N*T",) else \
                tuple(s if s.startswith("=") else "?" for s in spec)
        _check_types(node, spec, tensors, "input")
        for key in used:
            node.attr(key, None)
        ignored = {k for k in node.nd.attr if not k.startswith("_")} - node.used
        if ignored:
            raise node.fail(f"attrs {sorted(ignored)} are not supported by graphc's importer")
        return node

    def named(self, name, t, prefix, names):
        """t as an Identity with the TF node's name (a Merge's or Exit's output 0)."""
        from .tf_graphdef_import import Node
        from ..ops.core import identity
        graph = get_default_graph()
        node = Node(self.nds[name], prefix, prefix + name in names)
        with graph.control_dependencies(None), graph.name_scope(node.scope or None):
            t = identity(t, name=node.name)
        names.add(t.node.name)
        return t

    def build_cond(self, level, group, chain, prefix, names, exports=()):
        """A cond's Merges as one gc.cond; a cond with no Merge and nothing to export is
        never built. `exports` ((name, index) pairs in its branches that another cond
        reads, as a cond's gradient reads its forward branch) become extra outputs:
        the branch's tensor, a zero in the other branch, which the reader never sees
        since it runs only under the same pred and branch."""
        import graphc as gc
        merges = [m for m in group if self.kind.get(m) == "cmerge"
                  and len(self.member[m]) == level + 1]
        if not merges and not exports:
            return
        first = (merges or [s for s, _ in exports])[0]
        pred_ref = self.pred[merges[0]] if merges else self.member[first][level][1]
        pred = self.resolve(first, *pred_ref, chain)
        picks = {True: [], False: []}       # per branch: (merge, (src, i)) it returns
        for m in merges:
            for k, (src, i) in enumerate(s for s in self.ins[m] if s[1] is not None):
                picks[self.ctx_of(src, i)[level][2]].append((m, src, i, k))
        side = {(s, i): self.member[s][level][2] for s, i in exports}
        dtypes, shapes = {}, {}             # an export's, once its branch is built

        def branch(b):
            def fn():
                sub = chain.new_child()
                inner = [u for u in group if self.member[u][level][2] is b]
                mine = [(s, i) for s, i in exports if side[(s, i)] is b]
                self.region(level + 1, inner, sub,
                            [(s, i) for _, s, i, _ in picks[b]] + mine)
                outs = [self.resolve(m, s, i, sub) for m, s, i, _ in picks[b]]
                outs += [gc.constant(k, gc.int32, name="value_index")
                         for _, _, _, k in picks[b]]
                for s, i in exports:
                    if side[(s, i)] is b:
                        t = self.resolve(s, s, i, sub)
                        dtypes[(s, i)], shapes[(s, i)] = t.dtype, t.shape
                    else:
                        t = gc.zeros([], dtypes.get((s, i)) or self.guess_dtype(s, i),
                                     name="unused")
                    outs.append(t)
                return outs
            return fn
        scope = first.rpartition("/")[0].replace("/", "_") or "cond"
        graph = get_default_graph()
        before = len(graph.nodes)
        for attempt in (0, 1):              # again with the dtypes the branches gave
            try:
                with graph.control_dependencies(None):
                    outs = gc.cond(pred, branch(True), branch(False), strict=True,
                                   name=scope)
                break
            except errors.DTypeError:
                if attempt or len(dtypes) < len(exports):
                    raise
        names.update(n.name for n in graph.nodes[before:])
        for j, m in enumerate(merges):
            out, index = outs[j], outs[len(merges) + j]
            self.checked(m, prefix, names, ("N*T",), [out, out])
            out = self.named(m, out, prefix, names)
            chain[m] = (out.node, [out, index])
        for (s, i), out in zip(exports, outs[2 * len(merges):]):
            out.set_shape(shapes[(s, i)])   # the reader sees only its branch's value
            self.exported[(s, i)] = out

    def guess_dtype(self, name, i):
        """The dtype output i of node `name` likely has, from its type attrs."""
        from .tf_graphdef_import import tf_dtype
        attr = self.nds[name].attr
        keys = ("U", "T", "dtype") if self.nds[name].op.startswith("FusedBatchNorm") and i \
            else ("T", "dtype", "DstT", "out_type")
        for key in keys:
            v = attr.get(key)
            if v is not None and v.type:
                return tf_dtype(v.type, f"node '{name}'")
        return _dtypes.float32


def build_v1_flow(nodes, mapped, graph, prefix, names, library):
    """Build GraphDef nodes holding TF1 control flow into `graph` (the default graph,
    under import scope `prefix`); the top-level nodes built, TF name -> (op, outputs)."""
    del graph
    from .tf_graphdef_v1grad import lift_loop_gradients
    given = [nd.name for nd in nodes]
    nodes, lifted = lift_loop_gradients(nodes)      # TF's gradients of its while loops
    flow = _Flow(nodes, mapped, prefix, names, library)
    flow.lifted = lifted
    for grad in lifted.values():
        flow.lift_frames.setdefault(grad.frame, set()).update(grad.xs)
    built = ImportedGraph()
    flow.region(0, flow.order, collections.ChainMap(built))
    built.dead = {n: flow.why(n) for n in flow.order if n not in built}
    if lifted:
        built.dead.update({n: "it is part of TF's gradient of a TF1 while loop, which graphc "
                              "replaces by its own gradient of the loop (only the gradient "
                              "loop's Exits are kept)" for n in given if n not in flow.nds})
    for src, i in mapped:
        if src in built.dead:
            raise ValueError(f"input_map['{src}:{i}']: {built.dead[src]}")
    return built
