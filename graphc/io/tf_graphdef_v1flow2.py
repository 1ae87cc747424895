"""A TF1 while loop of an imported GraphDef (a frame of Enter, Merge, Switch, LoopCond,
NextIteration and Exit nodes) rebuilt as gc.while_loop; see tf_graphdef_v1flow.py.

Each loop variable k is

    Enter(init) -> Merge(Enter, NextIteration) -> Switch(Merge, LoopCond)
                   Switch:1 -> (body) -> NextIteration;   Switch:0 -> Exit

so the loop is gc.while_loop(cond, body, [init...]): cond rebuilds the frame's nodes that
LoopCond's input needs with the Merges bound to the loop variables, body those that the
NextIterations need with the Switch outputs bound to them. Enters with is_constant are
loop invariants: the outer tensor, captured. A GraphDef keeps no shape invariants, so a
variable whose shape the body changes (grown by concat) gets the dims that differ left
unknown, and the loop is traced again.
"""
from .. import errors
from ..graph import get_default_graph
from ..ops.control import _common_shape
from ..shapes import TensorShape, fits
from .serialize import SerializationError

__all__ = ["build_loop", "build_loop_gradient"]

_DT_RESOURCE = 20               # TF's DataType of a resource handle


def _one(flow, frame, nodes, what):
    if len(nodes) != 1:
        raise SerializationError(f"while loop '{frame}' has {len(nodes)} {what} nodes, "
                                 "not one")
    return nodes[0]


def _variables(flow, level, group, frame):
    """Per loop variable: (Enter, Merge, Switch, Exit or None, NextIteration)."""
    at = [u for u in group if len(flow.member[u]) == level + 1]
    variables = []
    for m in (u for u in at if flow.kind.get(u) == "lmerge"):
        enter, nxt = sorted((s for s, _ in flow.ins[m]),
                            key=lambda s: flow.nds[s].op != "Enter")
        switch = [u for u in flow.users[m] if flow.kind.get(u) == "lswitch"]
        switch = _one(flow, frame, switch, f"Switch (of Merge '{m}')")
        exits = [u for u in flow.users[switch] if flow.nds[u].op == "Exit"]
        if len(exits) > 1:
            raise flow._fail(switch, "feeds several Exits")
        variables.append((enter, m, switch, exits[0] if exits else None, nxt))
    return variables


def build_loop(flow, level, group, chain, prefix, names):
    """The loop of frame group[...] as one gc.while_loop; its Exits get the outputs."""
    import graphc as gc
    frame = flow.member[group[0]][level][1]
    at = [u for u in group if len(flow.member[u]) == level + 1]
    loop_cond = _one(flow, frame, [u for u in at if flow.nds[u].op == "LoopCond"], "LoopCond")
    variables = _variables(flow, level, group, frame)
    merged = {v[0] for v in variables}
    init, invariant = [], {}
    for u in (u for u in at if flow.nds[u].op == "Enter"):
        (src, i), = [s for s in flow.ins[u] if s[1] is not None] or [(None, None)]
        if src is None:
            raise flow._fail(u, "has no data input")
        t = flow.resolve(u, src, i, chain)
        node = flow.checked(u, prefix, names, ("T",), [t],
                            ("frame_name", "is_constant", "parallel_iterations"))
        if node.attr("is_constant", False):
            invariant[u] = t
        elif u not in merged:
            raise flow._fail(u, "is not constant and feeds no loop Merge")
    for enter, *_ in variables:
        if enter in invariant:
            raise flow._fail(enter, "is a constant Enter feeding a loop Merge")
        src, i = next(s for s in flow.ins[enter] if s[1] is not None)
        init.append(flow.resolve(enter, src, i, chain))
    graph = get_default_graph()
    scope = frame.rpartition("/")[0].replace("/", "_") or "while"
    if frame in flow.lift_frames:       # TF's gradient of it is lifted: each input slot
        slots = {}                      # its own Identity, which gc.gradients reaches
        with graph.control_dependencies(None):      # only through the loop
            wanted = flow.lift_frames[frame]
            for u in [u for u in invariant if u in wanted]:
                if _is_resource(flow, u):
                    slots[u] = _variable_slot(flow, u, invariant[u])
                else:
                    invariant[u] = slots[u] = _slot(invariant[u], scope, names)
            for k, (enter, *_) in enumerate(variables):
                if enter in wanted:
                    init[k] = slots[enter] = _slot(init[k], scope, names)
    skip = set(invariant) | {u for v in variables for u in v if u} | {loop_cond}
    inner = [u for u in group if u not in skip]

    def bind(values):
        sub = chain.new_child()
        for u, t in invariant.items():
            sub[u] = (None, [t])
        for (_, m, s, _, _), t in zip(variables, values):
            sub[m], sub[s] = (None, [t, None]), (None, [t, t])
        return sub

    def cond(*values):
        sub = bind(values)
        target = next(s for s in flow.ins[loop_cond] if s[1] is not None)
        flow.region(level + 1, inner, sub, [target])
        pred = flow.resolve(loop_cond, *target, sub)
        flow.checked(loop_cond, prefix, names, ("=bool",), [pred])
        return pred

    seen = []

    def body(*values):
        sub = bind(values)
        targets = [next(s for s in flow.ins[n] if s[1] is not None) for *_, n in variables]
        flow.region(level + 1, inner, sub, targets)
        outs = [flow.resolve(n, *t, sub) for (*_, n), t in zip(variables, targets)]
        for (*_, n), t in zip(variables, outs):
            flow.checked(n, prefix, names, ("T",), [t])
        seen[:] = [t.shape for t in outs]
        return outs

    shapes = [t.shape for t in init]
    before = len(graph.nodes)
    for attempt in range(4):
        try:
            with graph.control_dependencies(None):
                outs = gc.while_loop(cond, body, init, shape_invariants=shapes,
                                     return_same_structure=True, name=scope)
            break
        except errors.ShapeError:
            if attempt == 3 or len(seen) != len(shapes) or \
                    all(fits(s, inv) for s, inv in zip(seen, shapes)):
                raise
            shapes = [inv if fits(s, inv) else _common_shape(s, inv)
                      for s, inv in zip(seen, shapes)]
            if attempt == 2:
                shapes = [TensorShape(None) for _ in shapes]
    names.update(n.name for n in graph.nodes[before:])
    if frame in flow.lift_frames:
        stops = init + [t for u, t in invariant.items() if not _is_resource(flow, u)]
        flow.loops[frame] = (slots, {v[3]: t for v, t in zip(variables, outs) if v[3]},
                             stops)
    for (_, _, _, x, _), t in zip(variables, outs):
        if x is not None:
            flow.checked(x, prefix, names, ("T",), [t])
            t = flow.named(x, t, prefix, names)
            chain[x] = (t.node, [t])


def _is_resource(flow, enter):
    """Whether Enter `enter` carries a resource handle (a resource variable's)."""
    v = flow.nds[enter].attr.get("T")
    return v is not None and v.type == _DT_RESOURCE


def _variable_slot(flow, enter, handle):
    """The input slot of a resource variable's handle entering a loop whose gradient is
    lifted: the variable itself, which the loop's reads (ReadVariableOp, ResourceGather)
    capture, so that gc.gradients reaches it through them (TF's gradient w.r.t. the
    handle is the gradient w.r.t. the values read). Its other paths to the loop's Exits
    (through the loop's other inputs) are stopped (build_loop_gradient)."""
    from ..ops.state import VARIABLE
    from .tf_graphdef_ops import through_identities
    var = through_identities(handle)
    if var.op is not VARIABLE:
        raise flow._fail(enter, f"enters the handle {handle.name} (a {var.type}, not a "
                                "variable) into a TF1 while loop whose gradient graphc "
                                "lifts; graphc differentiates through variables' handles "
                                "only")
    return var.outputs[0]


def _slot(t, scope, names):
    """t through a fresh Identity: a loop input slot of its own."""
    from ..ops.core import identity
    t = identity(t, name=f"{scope}_input")
    names.add(t.node.name)
    return t


def _slices(grad, enter, x, d):
    """Gradient d of input slot x as TF's gradient loop accumulates an IndexedSlices:
    indices, values and dense_shape (graphc's loop gradient, like TF's accumulator,
    starts with a zero row at index 0; its rows come in forward order, TF's in
    backward order). A dense d is the slices of all its rows."""
    import graphc as gc
    from ..indexed_slices import IndexedSlices
    dtypes = dict(zip(("indices", "values", "dense_shape"), _part_dtypes(grad, enter)))
    if isinstance(d, IndexedSlices):
        indices, values, shape = d.indices, d.values, d.dense_shape
        if shape is None:
            shape = gc.shape(x)
    else:
        values = gc.zeros_like(x) if d is None else gc.convert_to_tensor(d)
        shape = gc.shape(x)
        indices = gc.range(shape[0])
    return [gc.cast(indices, dtypes["indices"]), values,
            gc.cast(shape, dtypes["dense_shape"])]


def _part_dtypes(grad, enter):
    """The dtypes of the Exits TF binds to enter's IndexedSlices gradient: indices,
    values, dense_shape."""
    from .tf_graphdef_import import tf_dtype
    from .. import dtypes
    return [tf_dtype(grad.types[(enter, p)], "a gradient loop's Exit")
            if (enter, p) in grad.types else dtypes.int32
            for p in ("indices", "values", "dense_shape")]


def _rebuild(flow, grad, inputs, prefix, names):
    """The forward loop of `grad` built again in the default graph from its inputs
    (`inputs`, one per grad.enters): a loop inside a tf.cond branch, whose gradient is
    in the gradient's cond (another graph)."""
    import collections
    enter = grad.enters[0][0]
    level = flow.member[enter].index(("w", grad.frame))
    group = [n for n in flow.order if len(flow.member[n]) > level and
             flow.member[n][level] == ("w", grad.frame)]
    outs = {}
    for (_, (src, i)), t in zip(grad.enters, inputs):
        outs.setdefault(src, {})[i] = t
    chain = collections.ChainMap({src: (None, [ts.get(k) for k in range(max(ts) + 1)])
                                  for src, ts in outs.items()})
    build_loop(flow, level, group, chain, prefix, names)


def _zero_flow(flow, exit_name, g):
    """Whether cotangent g of a loop's Exit is TF's scalar zeros_like(flow) of a
    TensorArray's flow (its array unread after the loop: dynamic_rnn's outputs when only
    the final state is used); graphc's flow is the array's buffer, whose cotangent is
    then zero, so the pair is left out."""
    return exit_name in flow.ta_flows and g.shape.rank == 0


def build_loop_gradient(flow, name, cotangents, controls, prefix, names):
    """A lifted TF1 loop gradient (tf_graphdef_v1grad.py): graphc's gradients of the
    forward loop's Exits, the cotangents as grad_ys, with respect to its input slots;
    an input slot the Exits do not depend on gets zeros."""
    import graphc as gc
    from .tf_graphdef_import import Node
    grad = flow.lifted[name]
    cotangents, inputs = cotangents[:len(grad.ys)], cotangents[len(grad.ys):]
    if grad.frame not in flow.loops:
        raise flow._fail(name, f"the TF1 while loop '{grad.frame}' whose gradient it is "
                               "was not built before it")
    slots, exits, stops = flow.loops[grad.frame]
    graph = get_default_graph()
    if any(t.graph is not graph for t in exits.values()):   # built in a cond's branch:
        _rebuild(flow, grad, inputs, prefix, names)         # again, in its gradient's
        slots, exits, stops = flow.loops[grad.frame]
    missing = [e for e in grad.xs if e not in slots] + [x for x in grad.ys if x not in exits]
    if missing:
        raise flow._fail(name, f"graphc's loop '{grad.frame}' has no {missing}")
    ys = [exits[x] for x in grad.ys]
    pairs = [(y, g) for x, y, g in zip(grad.ys, ys, cotangents)
             if y.dtype.is_differentiable and not _zero_flow(flow, x, g)]
    xs = [slots[e] for e in grad.xs]
    node = Node(flow.nds[name], prefix, prefix + name in names)
    before = len(graph.nodes)
    del controls            # (they only order it after the forward loop's Exits)
    with graph.name_scope(node.scope or None):
        grads = gc.gradients([y for y, _ in pairs], xs, [g for _, g in pairs],
                             name="gradients", _dense=not grad.sparse,
                             stop_gradients=stops) \
            if pairs else [None] * len(xs)
        outs = []
        for e, x, d in zip(grad.xs, xs, grads):
            if e in grad.sparse:
                outs += _slices(grad, e, x, d)
            else:
                outs.append(gc.zeros_like(x) if d is None else gc.convert_to_tensor(d))
        outs = [gc.identity(t) for t in outs]
    names.update(n.name for n in graph.nodes[before:])
    return outs[0].node if outs else None, outs
