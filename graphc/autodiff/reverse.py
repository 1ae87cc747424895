"""Reverse mode: `gradients` appends the backward sweep to the graph.

Reverse-mode AD is dynamic programming on the DAG. Node ids are a topological order
(the graph is append-only and a node's inputs exist before it). The sweep visits the
nodes between xs and ys as TF1 does (sweep_order: a queue from ys, a node entering once
its consumers are done), so every consumer of a tensor comes before the tensor's
producer, its cotangents are complete when it is reached, and they arrive in TF1's
order (the order the rows of an IndexedSlices gradient are joined in). Each
node's vjp is emitted once; fan-out is summed once (add_n) and broadcasting undone once
(sum_to) here, never in the rules.
"""
import inspect
from collections import deque

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..indexed_slices import IndexedSlices
from ..shapes import surely_differ
from ..ops import array, core, elementwise
from ..ops.registry import OpDef, apply, register, same_shape_as_output

_GRADIENT_REGISTRY = {}
_NOT_DIFFERENTIABLE = set()     # op types declared by no_gradient


class UnconnectedGradients:
    """What gradients gives for an x that ys do not depend on (TF's enum; its members'
    values are the strings gradients also takes)."""
    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """How gradients sums the gradients a tensor gets from several uses (TF1's names).
    graphc sums them with one add_n for every method."""
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


def no_gradient(op_type):
    """Declare that ops of type op_type have no gradient: gradients passes none through
    them (TF1's tf.no_gradient / tf.NotDifferentiable).

        gc.no_gradient("Floor")
    """
    if not isinstance(op_type, str):
        raise TypeError(f"op_type must be a string, not {op_type!r}")
    _NOT_DIFFERENTIABLE.add(op_type)


NotDifferentiable = no_gradient


class RegisterGradient:
    """Decorator: `@gc.RegisterGradient("MySquare") def f(op, grad): return [...]`.

    Used for ops of type T built inside `graph.gradient_override_map({T: "MySquare"})`.
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("RegisterGradient takes the gradient's name (a str)")
        self.op_type = op_type

    def __call__(self, fn):
        if self.op_type in _GRADIENT_REGISTRY:
            raise KeyError(f"a gradient named '{self.op_type}' is already registered")
        _GRADIENT_REGISTRY[self.op_type] = fn
        return fn


def _override_vjp(fn):
    def vjp(node, gs):      # a user's function gets zeros, not None, for a float output
        gs = [array.zeros_like(t) if g is None and t.dtype.is_differentiable else g
              for g, t in zip(gs, node.outputs)]    # the loss does not use (TF1)
        view, at = _tf_view(node)
        out = fn(view, *gs)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        if at is None:
            return out
        grads = [None] * len(node.inputs)   # back from TF's inputs to graphc's
        for g, j in zip(out, at):
            if g is not None and j is not None:
                grads[j] = g if grads[j] is None else grads[j] + g
        return grads
    return vjp


class _OpView:
    """An Operation as TF1's gradient functions see it: `inputs` in TF's order, with
    the values graphc keeps as attrs (Transpose's perm, Sum's axes, ConcatV2's axis...)
    as constant inputs; everything else is the node's."""

    def __init__(self, node, inputs):
        self._node, self.inputs = node, inputs

    def __getattr__(self, name):
        return getattr(self._node, name)


def _tf_view(node):
    """(the op a registered gradient function gets, TF input k -> graphc input index or
    None): the node itself where TF's inputs are graphc's."""
    from ..io.tf_graphdef_export import node_def_of, ref
    consts = {}
    nd = node_def_of(node, consts)
    if nd is None:
        return node, None
    names = [i for i in nd.input if not i.startswith("^")]
    own = {ref(t): j for j, t in enumerate(node.inputs)}
    if names == [ref(t) for t in node.inputs] or any(
            n not in own and n not in consts for n in names):
        return node, None
    with get_default_graph().control_dependencies(None):
        inputs = [node.inputs[own[n]] if n in own else core.constant(consts[n])
                  for n in names]
    return _OpView(node, inputs), [own.get(n) for n in names]


def _vjp_of(node):
    """The vjp rule for node: an override (gradient_override_map), or its OpDef's."""
    override = node.graph._node_grad_override.get(node)
    if override is not None:
        fn = _GRADIENT_REGISTRY.get(override)
        if fn is not None:
            return _override_vjp(fn)
        from ..ops.registry import REGISTRY
        builtin = REGISTRY.get(override)    # an op's own gradient: {"Sign": "Identity"},
        if builtin is not None and builtin.vjp is not None:     # the straight-through
            return builtin.vjp                                  # estimator's idiom
        raise errors.GradientError(
            f"no gradient registered as '{override}' (gradient_override_map of "
            f"{errors.describe_node(node)}); define it with @gc.RegisterGradient")
    if not node.op.differentiable or node.type in _NOT_DIFFERENTIABLE:
        return None
    if node.op.vjp is None:
        raise errors.GradientError(f"op {node.type} has no vjp rule ({errors.describe_node(node)})")
    return node.op.vjp


def as_list(x):
    """x as a list: a list or tuple is copied, anything else is wrapped."""
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _sum(terms, name=None, sparse=False):
    """The sum of gradient terms: dense, unless `sparse` and every term is an
    IndexedSlices (then their rows joined)."""
    if any(isinstance(t, IndexedSlices) for t in terms):
        if sparse and all(isinstance(t, IndexedSlices) for t in terms):
            return join_slices(terms)
        terms = [core.convert_to_tensor(t) for t in terms]
    if len(terms) == 1:
        return terms[0]
    return elementwise.add_n(terms)


def join_slices(slices):
    """One IndexedSlices of several (of one tensor): their rows and indices joined."""
    if len(slices) == 1:
        return slices[0]
    from ..ops.join import concat
    ids = [s.indices for s in slices]
    if len({i.dtype for i in ids}) > 1:
        ids = [elementwise.cast(i, dtypes.int64) for i in ids]
    return IndexedSlices(concat([s.values for s in slices], 0), concat(ids, 0),
                         slices[0].dense_shape)


def _same_static_shape(a, b):
    if a._dims is None or b._dims is None or len(a._dims) != len(b._dims):
        return False
    return all(x is not None and x == y for x, y in zip(a._dims, b._dims))


def unbroadcast(g, x, node=None, k=None):
    """g summed down to x's shape (undoes numpy broadcasting); x is input k of node."""
    if node is not None and not node.op.broadcasts:
        _check_exact(g, x, node)
        return g
    if _same_static_shape(g.shape, x.shape) or node is not None and \
            same_shape_as_output(node, k):
        return g
    if x.shape.is_fully_defined():
        return elementwise.sum_to(g, list(x.shape._dims))
    return elementwise.sum_to(g, array.shape(x, out_type=dtypes.int64))


def _check_exact(g, x, node):
    """A non-broadcasting op's vjp must give x's own shape (what is known of it)."""
    if surely_differ(g.shape, x.shape):
        raise errors.GradientError(
            f"the vjp of {errors.describe_node(node)} gave a cotangent of shape {g.shape} "
            f"for input {x.name} of shape {x.shape}")


def capture_links(graph):
    """For a cond branch or loop body being built: each captured placeholder (of it or of
    an enclosing function graph) -> the enclosing graph's tensor it stands for, and each
    graph's nesting level (the outermost 0). Gradients taken there follow these links, so
    a derivative with respect to an outer tensor also flows through the outer ops
    between it and what the body captured, as in TF1's in-graph control flow."""
    links, chain = {}, []
    while getattr(graph, "outer", None) is not None:
        chain.append(graph)
        links.update({inner: outer for outer, inner in graph.captures.items()})
        graph = graph.outer
    return links, {g: len(chain) - k for k, g in enumerate(chain)}


def outer_source(t, links):
    """The tensor of the outermost graph that t stands for in a cond branch or loop body:
    t followed out through captured placeholders (`links`, capture_links) and the live
    reads of captured variables; t itself where it captures nothing."""
    from ..ops.state import READ_LIVE
    while True:
        if t in links:
            t = links[t]
        elif t.node.op is READ_LIVE and t.node.inputs[0] in links:
            t = t.node.inputs[0]
        else:
            return t


def capture_chain(t, links):
    """The nodes between t and outer_source(t, links): the captures (and live reads) that
    carry an outer value into a body."""
    chain, source = [], outer_source(t, links)
    while t is not source:
        chain.append(t.node)
        t = links[t] if t in links else t.node.inputs[0]
    return chain


def between(ys, xs, stop=(), only=None, links=None):
    """Nodes on a path from xs to ys (ancestors of ys that depend on an x), in
    topological order. The nodes that make a tensor of stop are left out (TF's
    stop_gradients: such a tensor still receives its gradient, but its node passes none
    on); so are nodes outside `only` when it is given (a GradientTape's recorded nodes).
    `links` (capture_links) leads from a captured placeholder to the outer tensor."""
    stop_nodes = {t.node for t in stop}
    links, levels = links or ({}, {})

    def passes(n):
        return n not in stop_nodes and (only is None or n in only)

    xs_set = set(xs)

    def inputs(n):
        return _inputs_followed(n, links, xs_set)

    ancestors, stack = set(), [y.node for y in ys]
    while stack:
        n = stack.pop()
        if n in ancestors:
            continue
        ancestors.add(n)
        if passes(n):
            stack.extend(t.node for t in inputs(n))
    reached_t = set(xs_set)
    order = []
    for n in sorted(ancestors, key=lambda n: (levels.get(n.graph, 0), n.id)):
        if passes(n) and any(t in reached_t for t in inputs(n)):
            order.append(n)
            reached_t.update(n.outputs)
    return order, reached_t


def _inputs_followed(n, links, xs):
    """n's inputs as the sweep follows them: a captured placeholder's is the outer tensor
    it stands for (`links`), except for a captured x itself (the vjps of bodies)."""
    outer = links.get(n.outputs[0]) if links and len(n.outputs) == 1 else None
    return n.inputs if outer is None or n.outputs[0] in xs else (outer,)


def sweep_order(order, ys, xs, links=None):
    """The nodes of `order` (between(ys, xs)) in the order TF1's gradients visits them:
    a queue from ys' nodes, each node entering once all its consumers among `order` have
    passed their gradients back. Each tensor's gradients then arrive, and are summed or
    their rows joined, in TF1's order. Falls back to reversed(order) where the queue does
    not reach every node (an edge it cannot see)."""
    inside, xs = set(order), set(xs)

    def edges(n):
        return _inputs_followed(n, links, xs)

    pending = dict.fromkeys(order, 0)
    for n in order:
        for t in edges(n):
            if t.node in inside:
                pending[t.node] += 1
    queue = deque(dict.fromkeys(y.node for y in ys if y.node in inside and not pending[y.node]))
    sweep = []
    while queue:
        n = queue.popleft()
        sweep.append(n)
        for t in edges(n):
            if t.node in inside:
                pending[t.node] -= 1
                if pending[t.node] == 0:
                    queue.append(t.node)
    return sweep if len(sweep) == len(order) else order[::-1]


def builds_here(graph):
    """Whether the default graph is graph (or one of its function bodies). TF1 builds a
    derivative in its ys' graph whatever the default graph is: gradients, jvp, hessians
    and jacobian enter ys's graph where this is False."""
    from ..ops.scope import _root
    return _root(get_default_graph()) is _root(graph)


def gradients(ys, xs, grad_ys=None, name="gradients", stop_gradients=None,
              unconnected_gradients="none", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, _only=None, _dense=False):
    """Symbolic d(sum of ys)/d(x) for each x in xs, appended to the graph (TF1).

        loss = gc.reduce_sum(gc.square(x @ W))
        dW, = gc.gradients(loss, [W])

    Returns one tensor per x, or None where x does not reach ys (zeros with
    unconnected_gradients="zero"). Integer and bool paths carry no gradient. An x used
    only by row lookups (embedding_lookup, gather on axis 0) gets an IndexedSlices, as
    in TF1 (sparse_grads.py).
    """
    ys, xs = as_list(ys), as_list(xs)
    unconnected_gradients = getattr(unconnected_gradients, "value", unconnected_gradients)
    if unconnected_gradients not in ("none", "zero"):
        raise errors.UsageError("unconnected_gradients must be 'none' or 'zero'")
    if aggregation_method not in (None, 0, 1, 2):
        raise errors.UsageError(f"Invalid aggregation_method specified "
                                f"{aggregation_method!r} (use gc.AggregationMethod)")
    for t in ys + xs:
        if not isinstance(t, Tensor):
            raise errors.UsageTypeError(f"gradients: expected tensors, got "
                                        f"{type(t).__name__} {t!r}")
    if not ys:                  # TF1: nothing to differentiate, no gradient
        return [array.zeros_like(x) if unconnected_gradients == "zero" else None
                for x in xs]
    graph = ys[0].graph
    if not builds_here(graph):
        with graph.as_default():
            return gradients(ys, xs, grad_ys, name, stop_gradients, unconnected_gradients,
                             colocate_gradients_with_ops, gate_gradients,
                             aggregation_method, _only, _dense)
    grad_ys = as_list(grad_ys) if grad_ys is not None else [None] * len(ys)
    if len(grad_ys) != len(ys):
        raise errors.UsageError(f"gradients: {len(ys)} ys but {len(grad_ys)} grad_ys")
    stop = set(as_list(stop_gradients)) if stop_gradients is not None else set()
    _check_arguments(ys, xs, as_list(stop_gradients) if stop_gradients is not None else [],
                     grad_ys)
    links = capture_links(get_default_graph())      # in a cond branch or loop body
    order, reached = between(ys, xs, stop, _only, links)   # _only: a tape's (tape.py)
    grads = {}
    with graph.name_scope(name):
        with graph._building("gradient"):
            for y, gy in zip(ys, grad_ys):
                if not y.dtype.is_differentiable or y not in reached:
                    continue
                if gy is None:
                    gy = array.ones_like(y)
                else:
                    gy = core.convert_to_tensor(gy, dtype=y.dtype)
                grads.setdefault(y, []).append(gy)
        from .sparse_grads import PASS_THROUGH
        sweep = sweep_order(order, ys, xs, links[0])
        made_at = {}                # an IndexedSlices gradient -> where its node is in sweep
        for at, node in enumerate(sweep):
            keep = node.op in PASS_THROUGH          # passes an IndexedSlices on (TF1)
            gs = [_sum(grads[t], sparse=keep) if t in grads else None for t in node.outputs]
            if all(g is None for g in gs):
                continue
            outer = links[0].get(node.outputs[0]) if len(node.outputs) == 1 else None
            if outer is not None:       # a captured placeholder: on to the outer tensor
                if outer in reached and outer.dtype.is_differentiable:
                    grads.setdefault(outer, []).append(gs[0])
                continue
            vjp = _vjp_of(node)
            if vjp is None:
                continue
            with graph.name_scope(node.name + "_grad"), graph._building("gradient", node):
                try:
                    in_grads = vjp(node, gs)
                except errors.GraphcError as e:
                    raise errors.GradientError(
                        f"building the gradient of {errors.describe_node(node)} "
                        f"failed:\n{e}") from e
                if len(in_grads) != len(node.inputs):
                    raise errors.GradientError(
                        f"the vjp of {node.type} returned {len(in_grads)} gradients for "
                        f"{len(node.inputs)} inputs ({errors.describe_node(node)})")
                for k, (x, g) in enumerate(zip(node.inputs, in_grads)):
                    if g is None or x not in reached or not x.dtype.is_differentiable:
                        continue
                    if not isinstance(g, IndexedSlices):    # (a loop's, for a table)
                        g = unbroadcast(core.convert_to_tensor(g, dtype=x.dtype), x,
                                        node, k)
                    else:
                        made_at[id(g)] = at
                    grads.setdefault(x, []).append(g)
        from .sparse_grads import row_lookup, row_lookups
        # rows of a table: IndexedSlices, as TF1's (not for autodiff's own uses: _dense)
        lookups = {} if _dense else row_lookups(order, xs)
        result = []
        with graph._building("gradient"):
            place = {n: k for k, n in enumerate(sweep)}
            for x in xs:
                parts = [(n, _sum(grads[n.outputs[0]])) for n in lookups.get(x, ())
                         if row_lookup(n) and n.outputs[0] in grads]   # (a loop's come
                #                                         as IndexedSlices in grads[x])
                slices = [g for g in grads.get(x, ()) if isinstance(g, IndexedSlices)]
                if x in lookups and (parts or slices):
                    result.append(_rows_in_sweep_order(x, parts, slices, place, made_at))
                elif x in grads:
                    result.append(_sum(grads[x]))
                elif unconnected_gradients == "zero":
                    result.append(array.zeros_like(x))
                else:
                    result.append(None)
    return result


def _rows_in_sweep_order(x, parts, slices, place, made_at):
    """x's IndexedSlices gradient: the rows of its lookups `parts` [(gather node, its
    output's gradient)] and of the `slices` loops gave, joined in the order TF1's
    sweep produced them (`place`: a node's place in it; `made_at`: a slice's)."""
    from .sparse_grads import sparse_gradient
    pieces = sorted([(place[n], 0, (n, g)) for n, g in parts] +
                    [(made_at.get(id(g), len(place)), 1, g) for g in slices],
                    key=lambda p: p[:2])
    joined, run = [], []
    for _, is_slice, piece in pieces:
        if not is_slice:
            run.append(piece)           # neighbouring lookups: one IndexedSlices
            continue
        if run:
            joined, run = joined + [sparse_gradient(x, run)], []
        joined.append(piece)
    if run:
        joined.append(sparse_gradient(x, run))
    return join_slices(joined)


def _check_arguments(ys, xs, stop, grad_ys):
    """TF1's checks of gradients' arguments, before any pruning: all of one graph
    (ValueError), and each y one that a default gradient (ones) or its grad_y fits."""
    from ..ops.scope import _root          # (a cond branch's graph: its outermost one)
    first, home = ys[0], _root(ys[0].graph)
    for t in ys + xs + stop + grad_ys:
        if isinstance(t, Tensor) and _root(t.graph) is not home:
            raise errors.GraphError(
                f"gradients: {t.name} must be from the same graph as {first.name} (TF1's "
                f"ValueError)\n  {errors.describe_tensor(t, t.name)}\n  "
                + errors.describe_tensor(first, first.name))
    for i, (y, gy) in enumerate(zip(ys, grad_ys)):
        gd = gy.dtype if isinstance(gy, Tensor) else None
        if gy is None and y.dtype.is_complex:
            why = "a complex y needs its grad_ys (TF1: Gradients of complex tensors must set " \
                  "grad_ys)"
        elif gy is None and y.dtype is not dtypes.string:
            continue
        elif gy is None:
            why = "a default gradient (ones) cannot be made of strings; only a numeric y has one"
        elif y.dtype.is_floating or y.dtype.is_integer:
            if gd is None or gd.is_floating or gd.is_integer:
                continue
            why = f"its grad_ys is {gd.name}, not a real or integer tensor"
        elif y.dtype.is_complex:
            if gd is None or gd.is_complex:
                continue
            why = f"its grad_ys is {gd.name}, not a complex tensor"
        else:
            why = "it must be numeric to obtain a default gradient"
        raise errors.DTypeError(f"gradients: ys[{i}] is {y.dtype.name}: {why}\n  "
                                + errors.describe_tensor(y, y.name))


# ---- custom gradients -------------------------------------------------------------------
def _variables_read(nodes, links=None):
    """The Variables that nodes read, once each, in first-read order; in a body, the
    outer variables its captures stand for (`links`, capture_links)."""
    from ..ops.state import Variable
    seen = {}
    for n in nodes:
        for t in n.inputs:
            t = outer_source(t, links or {})
            if isinstance(t, Variable) and t.trainable:
                seen.setdefault(t, None)
    return list(seen)


def _infer_custom(ctx, *ins, grad_fn, n_vars=0, n_ys=1):
    types = [(y.shape, y.dtype) for y in ins[:n_ys]]
    return types[0] if n_ys == 1 else types


def _custom_vjp(node, gs):
    n_vars, n_ys = node.attrs.get("n_vars", 0), node.attrs.get("n_ys", 1)
    inputs = node.inputs[n_ys:]
    xs, variables = inputs[:len(inputs) - n_vars], inputs[len(inputs) - n_vars:]
    # every output's cotangent, zeros where unconnected (TF1 fills them so)
    dys = [g if g is not None else array.zeros_like(y) for g, y in zip(gs, node.outputs)]
    if n_vars:      # the Variables themselves, also where a body captured them (TF)
        links = capture_links(node.graph)[0]
        variables = [outer_source(v, links) for v in variables]
        out = node.attrs["grad_fn"](*dys, variables=variables)
        if not (isinstance(out, (list, tuple)) and len(out) == 2):
            raise errors.GradientError(
                "a custom gradient function given variables= must return (gradients of "
                "the inputs, gradients of the variables)")
        out, var_grads = as_list(out[0]), as_list(out[1])
        if len(var_grads) != n_vars:
            raise errors.GradientError(f"custom gradient function returned "
                                       f"{len(var_grads)} variable gradients for {n_vars} "
                                       "variables")
    else:
        out, var_grads = as_list(node.attrs["grad_fn"](*dys)), []
    if len(out) != len(xs):
        raise errors.GradientError(
            f"custom gradient function returned {len(out)} gradients for {len(xs)} inputs")
    return [None] * n_ys + out + var_grads


def _custom_kernel(*ins, grad_fn, n_vars=0, n_ys=1):
    return ins[0] if n_ys == 1 else tuple(ins[:n_ys])


CUSTOM_GRADIENT = register(OpDef(
    "CustomGradient", _infer_custom, _custom_kernel, vjp=_custom_vjp,
    jvp=lambda node, ts: ts[:node.attrs.get("n_ys", 1)] if node.attrs.get("n_ys", 1) > 1
    else ts[0], api="custom_gradient",
    signature="@custom_gradient def f(*xs): return y, grad_fn",
    shape_rule="same as y", dtypes="any",
    doc="y with the gradient given by grad_fn(dy) instead of y's own."))


def custom_gradient(f):
    """Decorator (TF semantics): f(*xs) returns (y, grad_fn); grad_fn(dy) gives one
    gradient per x. Gradients of the result use grad_fn instead of y's own subgraph.
    y may be a list or tuple of tensors: grad_fn then takes one dy per output.

        @gc.custom_gradient
        def clip_grad(x):
            return gc.identity(x), lambda dy: gc.clip_by_value(dy, -1., 1.)

    If f reads variables (not among xs), grad_fn must take them, as in TF:
    grad_fn(dy, variables=None) returns (gradients of xs, gradients of variables).
    """
    def wrapped(*xs):
        xs = [core.convert_to_tensor(x) for x in xs]
        graph = get_default_graph()
        first = len(graph.nodes)
        y, grad_fn = f(*xs)
        links = capture_links(graph)[0]
        own = [outer_source(x, links) for x in xs]      # the xs get dy as inputs
        variables = [v for v in _variables_read(graph.nodes[first:], links)
                     if not any(v is x for x in own)]
        if variables and "variables" not in inspect.signature(grad_fn).parameters:
            raise TypeError(
                f"@custom_gradient grad_fn must accept variables= since {f.__name__} reads "
                f"variables {[v.name for v in variables]}: it returns (gradients of the "
                "inputs, gradients of the variables)")
        attrs = {"n_vars": len(variables)} if variables else {}
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        if len(ys) > 1:
            attrs["n_ys"] = len(ys)
        ys = [core.convert_to_tensor(t) for t in ys]
        outs = apply(CUSTOM_GRADIENT, ys + xs + variables, name="CustomGradient",
                     grad_fn=grad_fn, **attrs).outputs
        return type(y)(outs) if isinstance(y, (list, tuple)) else outs[0]
    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = f.__doc__
    return wrapped


