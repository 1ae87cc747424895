"""Control flow: `cond`, as a functional If op whose branches are graphs of their own.

    y = gc.cond(x > 0.0, lambda: gc.sqrt(x), lambda: gc.zeros_like(x))

Each branch function is traced into a FuncGraph. A tensor of an enclosing graph used
inside a branch is *captured*: the branch gets a placeholder for it and the If node an
input, so the outer compiler sees one opaque node and each branch is compiled (by the
same compiler, once per session) on its first run. Only the taken branch runs.

Gradients and jvps are If nodes too (TF2 and JAX do the same): the differentiated branch
graph recomputes the forward branch from the If's inputs and then runs its vjp (or jvp).
Recomputing would draw random numbers again, so the values of random ops in a branch
(dropout masks) are extra, hidden outputs of the forward If, fed to the derivative's
branch in place of a second draw.
"""
import contextlib

import numpy as np

from .. import dtypes, errors
from ..graph import Graph, Node, Tensor, get_default_graph
from ..shapes import InferError, TensorShape
from .core import constant, convert_to_tensor, identity, placeholder
from .registry import OpDef, apply, register
from .state import READ_LIVE, VARIABLE

__all__ = ["cond"]

# collections a function graph shares with the outermost graph, as TF's FuncGraph does
# (and the regularization losses, which variables made inside add there, as TF1)
_SHARED = frozenset(("variables", "trainable_variables", "local_variables",
                     "model_variables", "moving_average_variables", "regularization_losses"))


class FuncGraph(Graph):
    """The graph of a cond branch, a loop body or condition, a map_fn function. Built
    inside it, an op on a tensor of an enclosing graph captures that tensor as a
    placeholder of this graph (`captures`: outer -> inner).

    Variables made while it is built go to the outermost graph (init_scope), so that
    tf.layers or an RNN cell may create theirs inside a cond or a loop body as in TF1. Its
    collections show the enclosing graphs' items before its own; the variable collections
    are the outermost graph's."""

    def __init__(self, outer, scope):
        super().__init__()
        self.outer = outer
        self.seed = outer.seed
        self.captures = {}
        self.outer_control = []     # control inputs from enclosing graphs: go on the If
        self._scope = self._base = scope

    live_variables = False      # cond branches and loop bodies read variables live

    def capture(self, t):
        """The tensor of this graph standing for `t` (a tensor of an enclosing graph): the
        captured placeholder; for a variable in a cond branch or loop body, a read of the
        variable at this use (ReadCapturedVariable), which sees the assigns made before
        it, as TF1's variables do."""
        if t.graph is self:
            return t
        inner = self.capture_placeholder(t)
        if self.live_variables and t.node.op is VARIABLE:
            with self.as_default():
                return apply(READ_LIVE, (inner,), name=t.node.name.replace("/", "_") + "_read",
                             var=t.node).outputs[0]
        return inner

    def capture_placeholder(self, t):
        """The placeholder of this graph bound to `t` (a tensor of an enclosing graph)."""
        if t.graph is self:
            return t
        if self.outer is not t.graph:
            if not isinstance(self.outer, FuncGraph):
                raise errors.GraphError(
                    f"{errors.describe_tensor(t, t.name)} belongs to another graph than "
                    f"the one '{self._base.rstrip('/')}' is built in")
            t = self.outer.capture(t)      # nested conds: one level at a time
        inner = self.captures.get(t)
        if inner is None:
            with self.as_default(), self.name_scope("capture"):
                inner = placeholder(t.dtype, t.shape, name=t.node.name.replace("/", "_"))
            self.captures[t] = inner
        return inner

    def capture_all(self, inputs):
        return tuple([t if t.graph is self else self.capture(t) for t in inputs])

    @property
    def root(self):
        """The outermost graph (not a function graph) this one is built in."""
        return self.outer.root if isinstance(self.outer, FuncGraph) else self.outer

    def lifted_scope(self):
        """The current name scope as the outermost graph names it: each function graph's
        own part ('cond/true/' -> 'cond/') dropped, as TF1's in-graph control flow names
        ops ('cond/Variable')."""
        scope, g = self._scope, self
        while isinstance(g, FuncGraph):
            own = g._base
            if scope.startswith(own):
                scope = own.rstrip("/").rpartition("/")[0] + "/" + scope[len(own):]
            scope = scope.lstrip("/")
            g = g.outer
        return scope

    def add_to_collection(self, key, value):
        if key in _SHARED:
            self.root.add_to_collection(key, value)
        else:
            super().add_to_collection(key, value)

    def get_collection(self, key, scope=None):
        if key in _SHARED:
            return self.root.get_collection(key, scope)
        return self.outer.get_collection(key, scope) + super().get_collection(key, scope)

    def get_collection_ref(self, key):
        return (self.root if key in _SHARED else super()).get_collection_ref(key)

    def _add_node(self, op, inputs, attrs, out_types, name, site):
        if op.ref:
            raise errors.GraphError(
                f"a variable cannot be created inside '{self._base.rstrip('/')}' (a cond "
                f"branch or a loop's function), at {errors.format_site(site)}: create it "
                "outside and use it inside")
        saved = self._control
        if saved:
            mine = []
            for group in saved:
                for n in group:
                    (mine if n.graph is self else self.outer_control).append(n)
            self._control = [tuple(mine)] if mine else []
        try:
            return super()._add_node(op, inputs, attrs, out_types, name, site)
        finally:
            self._control = saved


@contextlib.contextmanager
def init_scope():
    """TF's init_scope: ops built inside go to the outermost graph (out of any cond
    branch or loop body being built, under the name scope it would give them) and run
    outside any control dependencies; for variables, their initializers and other
    one-off setup."""
    graph = get_default_graph()
    if not isinstance(graph, FuncGraph):
        with graph.control_dependencies(None):
            yield
        return
    root = graph.root
    with root.as_default(), root.name_scope(graph.lifted_scope()), \
            root.control_dependencies(None):
        yield


# ---- tracing a branch ------------------------------------------------------------------------
class SparseSpec:
    """How control flow rebuilds a SparseTensor from its indices, values and dense_shape
    (its three leaves), as _Spec (tensor_array.py) does a TensorArray from its flow."""
    __name__ = "SparseTensor"

    def __init__(self, dtype):
        self.dtype = dtype

    def __call__(self, items):
        from ..sparse_tensor import SparseTensor
        return SparseTensor(*items)

    def __eq__(self, other):            # cond's branches return the same structure
        return isinstance(other, SparseSpec) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("SparseTensor", self.dtype))


class RaggedSpec:
    """How control flow rebuilds a RaggedTensor from its flat_values and nested
    row_splits (its ragged_rank + 1 leaves), as SparseSpec does a SparseTensor."""
    __name__ = "RaggedTensor"

    def __init__(self, dtype, ragged_rank, splits_dtype):
        self.dtype, self.ragged_rank, self.splits_dtype = dtype, ragged_rank, splits_dtype

    def __call__(self, items):
        from ..ragged_tensor import RaggedTensor
        return RaggedTensor.from_nested_row_splits(items[0], items[1:], validate=False)

    def _key(self):
        return ("RaggedTensor", self.dtype, self.ragged_rank, self.splits_dtype)

    def __eq__(self, other):            # cond's branches return the same structure
        return isinstance(other, RaggedSpec) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())


def _flatten(value, leaves):
    """The structure of a branch's result (lists, tuples, namedtuples, dicts), its leaves
    appended to `leaves`. Recursion here follows the user's nesting, not the graph."""
    from ..ragged_tensor import RaggedTensor
    from ..sparse_tensor import SparseTensor
    if isinstance(value, SparseTensor):
        leaves += [value.indices, value.values, value.dense_shape]
        return (SparseSpec(value.dtype), [None, None, None])
    if isinstance(value, RaggedTensor):
        splits = list(value.nested_row_splits)
        leaves += [value.flat_values] + splits
        return (RaggedSpec(value.dtype, len(splits), splits[0].dtype),
                [None] * (len(splits) + 1))
    if isinstance(value, (list, tuple)):
        return (type(value), [_flatten(v, leaves) for v in value])
    if isinstance(value, dict):
        return (dict, {k: _flatten(v, leaves) for k, v in value.items()})
    if hasattr(value, "_spec"):         # a TensorArray: its flow, rebuilt by its spec
        leaves.append(value.flow)
        return (value._spec(), [None])
    leaves.append(value)
    return None


def _unflatten(structure, leaves):
    if structure is None:
        return next(leaves)
    kind, parts = structure
    if kind is dict:
        return {k: _unflatten(s, leaves) for k, s in parts.items()}
    items = [_unflatten(s, leaves) for s in parts]
    return kind(*items) if hasattr(kind, "_fields") else kind(items)


def _shown(structure):
    if structure is None:
        return "tensor"
    kind, parts = structure
    if kind is dict:
        return "{" + ", ".join(f"{k!r}: {_shown(s)}" for k, s in parts.items()) + "}"
    return f"{kind.__name__}({', '.join(_shown(s) for s in parts)})"


def _trace(graph, fn, scope, taken, strict=True):
    """Run branch function `fn` into a new FuncGraph: (graph, structure, outputs); a
    one-element list or tuple is unpacked unless `strict` (TF1)."""
    fg = FuncGraph(graph, scope)
    fg.live_variables = True
    with fg.as_default():
        value = fn()
        if not strict and isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        if value is None:
            raise errors.StructureError(
                f"cond: the {'true' if taken else 'false'} branch returned None; a branch "
                f"must return tensors (or ops){errors.called_at('cond')}")
        leaves = []
        structure = _flatten(value, leaves)
        outs = []
        for v in leaves:
            if isinstance(v, Node):         # an op: the output says it has run (TF1)
                with fg.control_dependencies([v]):
                    v = identity(constant(taken))
            elif isinstance(v, Tensor):
                v = fg.capture(v)
            else:
                v = convert_to_tensor(v)
            outs.append(v)
    return fg, structure, outs


def _needed(outs, fed):
    """The records of a branch that computing `outs` runs when `fed` tensors are fed."""
    seen, stack = set(), [t.node for t in outs if t not in fed]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        stack.extend(t.node for t in n.inputs if t not in fed)
        stack.extend(n.control_inputs)
    return seen


def _reads(outs, ins):
    """The positions of `ins` (None: not an input) that computing `outs` reads."""
    outs = [t for t in outs if t is not None]
    read = {t for n in _needed(outs, {t for t in ins if t is not None})
            for t in n.inputs} | set(outs)
    return {p for p, t in enumerate(ins) if t is not None and t in read}


def _draws(node):
    """The record draws random numbers when it runs: a random op, or an If or a Loop
    around one (they hand their draws out as hidden outputs)."""
    return node.op.random or node.op is IF and len(node.outputs) > node.attrs["n_user"] \
        or node.attrs.get("n_draws", 0) > 0


def draw_outputs(outs, fed):
    """The outputs of the records with draws that computing `outs` runs when `fed` is
    fed: what a derivative, which runs the function again, is fed instead of drawing anew
    (all of a record's outputs, so that an If or a Loop around draws is not run again)."""
    nodes = sorted(_needed([t for t in outs if t is not None], fed), key=lambda n: n.id)
    return [t for n in nodes if _draws(n) for t in n.outputs]


# ---- the If op -------------------------------------------------------------------------------
def _common_shape(a, b):
    """The most specific shape both a and b have (a dim where they differ is unknown)."""
    if a._dims is None or b._dims is None or len(a._dims) != len(b._dims):
        return TensorShape(None)
    return TensorShape(tuple(x if x == y else None for x, y in zip(a._dims, b._dims)))


def _infer_if(ctx, pred, *args, branches, ins, outs, n_user, n_saved, replay=False):
    if not pred.dtype.is_bool:
        raise InferError(f"the predicate {{0}} must be bool, not {pred.dtype.name}", "dtype")
    if pred.shape.rank not in (0, None):
        raise InferError(f"the predicate {{0}} must be a scalar, not of shape {pred.shape}")
    types = []
    for a, b in zip(*outs):
        a, b = (b, b) if a is None else (a, a) if b is None else (a, b)
        types.append((_common_shape(a.shape, b.shape), a.dtype))
    return types if len(types) != 1 else types[0]


def _if_kernel(rt, pred, *args, branches, ins, outs, n_user, n_saved, replay=False):
    k = 0 if pred else 1
    with quietly(rt.session, replay):
        values = compiled(rt.session, branches[k], ins[k], outs[k])(args)
    if len(values) == 1:
        return values[0]
    # an output this branch does not make (the other branch's draws) is never read
    return tuple([_dummy(t) if v is None else v for v, t in zip(values, rt.record.outputs)])


@contextlib.contextmanager
def quietly(session, replay):
    """While a replay runs (a derivative's If or Loop computing a branch or body again),
    Print and print write nothing: TF1 prints once, when the forward value is made."""
    if not replay:
        yield
        return
    session._quiet += 1
    try:
        yield
    finally:
        session._quiet -= 1


def compiled(session, fg, ins, outs, keep=()):
    """run(args) -> the values of `outs` (None where an entry is None), computed in graph
    `fg` from args fed where `ins` has a tensor; compiled once per session. The values
    of outs[p] for p in `keep` come back as the kernels made them, never copied (a
    loop's own buffers, which its body writes in place)."""
    key = (fg, ins, outs, keep)
    run = session._branches.get(key)
    if run is None:
        from ..feeds import _results
        pick = [i for i, t in enumerate(ins) if t is not None]
        exe = session._compile([t for t in outs if t is not None], [ins[i] for i in pick])
        where = [i for i, t in enumerate(outs) if t is not None]
        dense = len(where) == len(outs)
        strings = [k for k, i in enumerate(where) if outs[i].dtype is dtypes.string]
        for p in keep:
            exe.copy_out[exe.out_index[where.index(p)]] = False

        def run(args):
            values = _results(exe, exe.run(*[args[i] for i in pick]), scalars=False)
            for k in strings:       # a ufunc on 0-d object arrays gives a bare bytes
                if not isinstance(values[k], np.ndarray):
                    values[k] = np.asarray(values[k], dtype=object)
            if dense:
                return values
            result = [None] * len(outs)
            for i, v in zip(where, values):
                result[i] = v
            return result
        session._branches[key] = run
    return run


def _dummy(t):
    """Zeros standing for a value that is never read (read-only, allocating nothing)."""
    dims = t.shape._dims
    shape = tuple(d if isinstance(d, int) else 0 for d in dims) if dims is not None else (0,)
    return np.broadcast_to(np.zeros((), t.dtype.np), shape)


def vjp_builder(which, wrt):
    """build(ins, outs) for a traced function's vjp: cotangent placeholders for
    outs[which], and the gradients of those outputs w.r.t. ins[wrt] (zeros where
    unconnected). gc.cond's and CriticalSection's gradients trace it."""
    from ..autodiff.reverse import gradients

    def build(ins, outs):
        cots = [placeholder(outs[i].dtype, outs[i].shape, name="cotangent") for i in which]
        return cots, gradients([outs[i] for i in which], [ins[i] for i in wrt],
                               grad_ys=cots, unconnected_gradients="zero", _dense=True)
    return build


def _vjp_if(node, gs):
    """The cotangents of the If's inputs: an If whose branches run their vjp."""
    n_user = node.attrs["n_user"]
    args = node.inputs[1:len(node.inputs) - node.attrs["n_saved"]]
    wrt = [i for i, x in enumerate(args) if x.dtype.is_floating]
    which = [i for i in range(n_user) if gs[i] is not None]
    if not wrt or not which:
        return [None] * len(node.inputs)
    grad = _derived(node, [gs[i] for i in which], vjp_builder(which, wrt), "cond_grad")
    result = [None] * len(node.inputs)
    for j, i in enumerate(wrt):
        result[1 + i] = grad.outputs[j]
    return result


def _jvp_if(node, ts):
    """The tangents of the If's outputs: an If whose branches run their jvp."""
    n_user = node.attrs["n_user"]
    args = node.inputs[1:len(node.inputs) - node.attrs["n_saved"]]
    along = [i for i, x in enumerate(args) if ts[1 + i] is not None and x.dtype.is_floating]
    which = [i for i in range(n_user) if node.outputs[i].dtype.is_floating]
    if not along or not which:
        return [None] * len(node.outputs)
    from ..autodiff.forward import jvp

    def build(ins, outs):
        tans = [placeholder(ins[i].dtype, ins[i].shape, name="tangent") for i in along]
        return tans, jvp([outs[i] for i in which], [ins[i] for i in along], tans)
    tangent = _derived(node, [ts[1 + i] for i in along], build, "cond_jvp")
    result = [None] * len(node.outputs)
    for j, i in enumerate(which):
        result[i] = tangent.outputs[j]
    return result


def _derived(node, extra, build, name):
    """An If over node's branches computing what `build(ins, outs) -> (new placeholders,
    results)` adds to each branch, fed node's inputs, `extra` (for the new placeholders)
    and node's random draws (hidden outputs), so that no branch draws twice."""
    a = node.attrs
    n_args = len(node.inputs) - 1 - a["n_saved"]
    args, hidden = node.inputs[1:], node.outputs[a["n_user"]:]
    specs = []
    for fg, ins, outs in zip(a["branches"], a["ins"], a["outs"]):
        with fg.as_default():
            new, results = build(ins, outs)
        specs.append((fg, ins[:n_args] + tuple(new) + ins[n_args:] + outs[a["n_user"]:],
                      results))
    new_args = args[:n_args] + tuple(extra) + args[n_args:] + hidden
    return _make_if(node.inputs[0], new_args, specs, a["n_saved"] + len(hidden), name,
                    recompute=node)


# stateful only in what they print or check: a derivative that runs a branch or loop body
# again may run them again (the values are the same; a Print prints twice)
_REPLAYABLE = frozenset(("Assert", "Print", "PrintV2", "CheckNumerics", "NoOp"))


def has_effect(node):
    """The record changes state or draws: running it again is not the same (a captured
    variable's read only reads, an Assert only checks: they may run again)."""
    return (node.op.stateful or node.op.random) and node.op is not READ_LIVE and \
        node.op.name not in _REPLAYABLE


def _make_if(pred, args, specs, n_saved, name, recompute=None):
    """Build an If node. specs: per branch (FuncGraph, its tensor fed from each of args
    (None: not used by that branch), its outputs). Random draws the outputs need become
    hidden outputs. `recompute`: the If being differentiated, whose branch effects must
    not run a second time."""
    saved, stateful = [], False
    for fg, ins, outs in specs:
        fed = {t for t in ins if t is not None}
        nodes = sorted(_needed(outs, fed), key=lambda n: n.id)
        saved.append(draw_outputs(outs, fed))
        effects = [n for n in nodes if has_effect(n)]
        if recompute is not None and effects:
            raise errors.GradientError(
                f"differentiating {errors.describe_node(recompute)} recomputes its branch, "
                f"where {errors.describe_node(effects[0])} would run a second time: move "
                "it out of the cond, or stop the gradient through it")
        stateful = stateful or bool(effects)
    (fg0, ins0, outs0), (fg1, ins1, outs1) = specs
    outs0 = tuple(outs0) + tuple(saved[0]) + (None,) * len(saved[1])
    outs1 = tuple(outs1) + (None,) * len(saved[0]) + tuple(saved[1])
    control = list(dict.fromkeys(fg0.outer_control + fg1.outer_control))
    graph = get_default_graph()
    with graph.control_dependencies(control):
        return apply(IF if stateful else STATELESS_IF, (pred,) + tuple(args), name=name,
                     branches=(fg0, fg1), ins=(tuple(ins0), tuple(ins1)),
                     outs=(outs0, outs1), n_user=len(specs[0][2]), n_saved=n_saved,
                     replay=recompute is not None)


def _narrow_if(node, used):
    """The If computing only the used outputs (in both branches), fed only the inputs
    those read: (inputs, attrs, kept output positions). Effects only unused outputs
    needed do not run (TF1 runs a branch's ops only where something uses them)."""
    a = node.attrs
    kept = [i for i, u in enumerate(used) if u]
    outs = tuple(tuple(o[i] for i in kept) for o in a["outs"])
    n_args = len(node.inputs) - 1
    read = set()
    for ins, o in zip(a["ins"], outs):
        read |= _reads(o, ins)
    args = sorted(read)
    saved_from = n_args - a["n_saved"]
    attrs = dict(a, ins=tuple(tuple(ins[p] for p in args) for ins in a["ins"]), outs=outs,
                 n_user=sum(i < a["n_user"] for i in kept),
                 n_saved=sum(p >= saved_from for p in args))
    return [node.inputs[0]] + [node.inputs[1 + p] for p in args], attrs, kept


_DOC = dict(
    api="cond", signature="cond(pred, true_fn, false_fn, strict=False, name=None)",
    shape_rule="each output: the shapes of both branches' outputs, unknown where they differ",
    dtypes="bool predicate; both branches' outputs of the same dtypes")
IF = register(OpDef(
    "If", _infer_if, _if_kernel, vjp=_vjp_if, jvp=_jvp_if, stateful=True, uses_state=True,
    narrow=_narrow_if,
    doc="Runs one of two branch graphs (with effects or random draws).", **_DOC))
STATELESS_IF = register(OpDef(
    "StatelessIf", _infer_if, _if_kernel, vjp=_vjp_if, jvp=_jvp_if, uses_state=True,
    narrow=_narrow_if,
    doc="Runs one of two pure branch graphs.", **_DOC))


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """`true_fn()` if `pred` else `false_fn()`; only the branch taken runs (TF1 tf.cond).

        y = gc.cond(x > 0.0, lambda: gc.sqrt(x), lambda: gc.zeros_like(x))

    Both functions return the same structure (a tensor, or lists, tuples and dicts of
    them; an op there gives a bool tensor that says it ran) with the same dtypes; an
    output's shape is what both branches agree on. With strict=False a one-element list
    or tuple a branch returns is unpacked, as in TF1. Ops created in a branch but not
    returned do not run (use control dependencies), except those it adds to UPDATE_OPS:
    the If's output standing for them joins the enclosing graph's UPDATE_OPS, so TF1's
    `with control_dependencies(get_collection(UPDATE_OPS))` runs the taken branch's.
    Gradients, jvps and vmap go through. fn1 and fn2 are TF1's deprecated names of
    true_fn and false_fn.
    """
    for kw, old, new in (("true_fn", fn1, "fn1"), ("false_fn", fn2, "fn2")):
        if old is not None and (true_fn if kw == "true_fn" else false_fn) is not None:
            raise errors.UsageTypeError(
                f"cond: {new} and {kw} are arguments to the same parameter ({new} is its "
                f"deprecated name): pass only {kw}{errors.called_at('cond')}")
    true_fn = fn1 if true_fn is None else true_fn
    false_fn = fn2 if false_fn is None else false_fn
    if not callable(true_fn) or not callable(false_fn):
        raise errors.UsageTypeError("cond: true_fn and false_fn must be callables (e.g. "
                                    f"lambda: x * 2.0){errors.called_at('cond')}")
    graph = get_default_graph()
    pred = convert_to_tensor(pred)
    with graph.name_scope(name or "cond") as scope:
        (fg0, s0, outs0), (fg1, s1, outs1) = [
            _trace(graph, fn, scope + sub, taken, strict)
            for fn, sub, taken in ((true_fn, "true/", True), (false_fn, "false/", False))]
        if s0 != s1:
            raise errors.StructureError(
                f"cond: true_fn and false_fn must return the same structure; true_fn "
                f"returned {_shown(s0)}, false_fn {_shown(s1)}{errors.called_at('cond')}")
        if not outs0:
            raise errors.StructureError(f"cond: the branches return no tensors"
                                        f"{errors.called_at('cond')}")
        for i, (a, b) in enumerate(zip(outs0, outs1)):
            if a.dtype is not b.dtype:          # TF1: a ValueError
                raise errors.DTypeValueError(
                    f"cond: output {i} is {a.dtype.name} in true_fn but {b.dtype.name} in "
                    f"false_fn\n  {errors.describe_tensor(a, a.name)}\n  "
                    f"{errors.describe_tensor(b, b.name)}{errors.called_at('cond')}")
        n_user = len(outs0)
        updated = _updates_ran(fg0, fg1)
        if updated:
            outs0, outs1 = outs0 + [updated[0]], outs1 + [updated[1]]
        captured = list(dict.fromkeys(list(fg0.captures) + list(fg1.captures)))
        ins = [tuple(fg.capture_placeholder(t) for t in captured) for fg in (fg0, fg1)]
        node = _make_if(pred, captured, [(fg0, ins[0], outs0), (fg1, ins[1], outs1)], 0,
                        "If")
        if updated:
            graph.add_to_collection("update_ops", node.outputs[n_user])
    return _unflatten(s0, iter(node.outputs[:n_user]))


def _updates_ran(*branches):
    """For branches that put ops in UPDATE_OPS (batch_normalization(training=True) in a
    cond): per branch a bool output computed after them. The If's output is what the
    enclosing graph's UPDATE_OPS gets, so TF1's `control_dependencies(UPDATE_OPS)` runs
    the taken branch's updates; none when no branch has updates."""
    if not any(fg.collections.get("update_ops") for fg in branches):
        return None
    flags = []
    for fg in branches:
        with fg.as_default(), fg.control_dependencies(fg.collections.get("update_ops", [])):
            flags.append(identity(constant(True), name="updates_ran"))
    return flags
