"""map_fn, scan, foldl, foldr and case: TF1's functional ops.

    squares = gc.map_fn(lambda x: x * x, elems)                 # elems: (n, ...)
    sums = gc.scan(lambda acc, x: acc + x, elems)                # running sums
    total = gc.foldl(lambda acc, x: acc + x, elems, initializer=0.0)

All but case are one Loop node over a function graph (ops/control.FuncGraph) called
once per element of the sliced inputs: a carry threads through the calls, per-element
outputs are stacked, and "summed" outputs (gradients of tensors every call reads) are
added up. Loop is closed under differentiation: the vjp of a Loop is a Loop running the
body's vjp in the other direction (fed the carries each call received, from one
recomputation of the forward loop), and its jvp a Loop with tangents beside the values,
so second derivatives and Hessians of scans work like any other op's. Random draws in
the function are hidden stacked outputs of the forward Loop (n_draws), fed to the
derivatives' replays instead of drawing anew.
"""
import itertools

import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph
from ..shapes import InferError, TensorShape
from .control import (FuncGraph, _flatten, _needed, _unflatten, compiled, cond,
                      draw_outputs)
from .core import convert_to_tensor, placeholder
from .registry import OpDef, apply, register

__all__ = ["map_fn", "scan", "foldl", "foldr", "case"]


# ---- the Loop op -----------------------------------------------------------------------------
def _parts(seq, n_carry, n_sliced, has_max=False):
    """(carry, sliced, rest) of a Loop's inputs or its body's (without maximum_iterations)."""
    end = len(seq) - has_max
    return seq[:n_carry], seq[n_carry:n_carry + n_sliced], seq[n_carry + n_sliced:end]


def _infer_loop(ctx, *args, body, cond, n_carry, n_sliced, n_ys, reverse, has_max,
                n_draws):
    fg, ins, outs = body
    if has_max:
        m = args[-1]
        if not m.dtype.is_integer or m.shape.rank not in (0, None):
            raise InferError(f"maximum_iterations {{{len(args) - 1}}} must be an integer "
                             f"scalar, not {m.dtype.name} of shape {m.shape}")
    n = None
    for t in args[n_carry:n_carry + n_sliced]:
        if t.shape.rank == 0:
            raise InferError("cannot loop over the elements of scalar {0}")
        d = t.shape.dims[0] if t.shape.dims is not None else None
        if isinstance(d, int):
            if isinstance(n, int) and n != d:
                raise InferError(f"the elements looped over have different lengths, "
                                 f"{n} and {d} (dim 0)")
            n = d
    carry, ys, zs = _parts(outs, n_carry, n_ys)
    types = [(t.shape, t.dtype) for t in ins[:n_carry]]
    types += [(TensorShape(None) if t.shape.dims is None else TensorShape((n,) + t.shape.dims),
               t.dtype) for t in ys]
    types += [(t.shape, t.dtype) for t in zs]
    return types if len(types) != 1 else types[0]


def _loop_kernel(rt, *args, body, cond, n_carry, n_sliced, n_ys, reverse, has_max,
                 n_draws):
    run = compiled(rt.session, *body)
    carry, sliced, rest = _parts(list(args), n_carry, n_sliced, has_max)
    test = limit = None
    if cond is None:                # for: every element
        n = len(sliced[0])
        if any(len(s) != n for s in sliced):
            raise ValueError(f"the elements looped over have different lengths: "
                             f"{[len(s) for s in sliced]}")
        order = range(n - 1, -1, -1) if reverse else range(n)
    else:                           # while: as long as cond holds
        test, order = compiled(rt.session, *cond), itertools.count()
        limit = int(args[-1]) if has_max else None
    ys, zs = [[] for _ in range(n_ys)], None
    unread = [None] * len(sliced)   # a condition reads no per-call input (draws fed back)
    for i in order:
        if test is not None and (i == limit or not test(carry + unread + rest)[0]):
            break
        out = run(carry + [s[i] for s in sliced] + rest)
        carry = out[:n_carry]
        for acc, y in zip(ys, out[n_carry:n_carry + n_ys]):
            acc.append(y)
        z = out[n_carry + n_ys:]
        if zs is None:
            zs = [np.array(v, copy=True) for v in z]
        else:
            for acc, v in zip(zs, z):
                np.add(acc, v, out=acc)
    outs = rt.node.outputs
    stacked = [_stack(acc[::-1] if reverse else acc) if acc else _empty(t)
               for acc, t in zip(ys, outs[n_carry:n_carry + n_ys])]
    if zs is None:                  # no element: sums of nothing
        zs = [np.zeros(_static(t), t.dtype.np) for t in outs[n_carry + n_ys:]]
    result = list(carry) + stacked + zs
    return result[0] if len(result) == 1 else tuple(result)


def _stack(values):
    shapes = {np.shape(v) for v in values}
    if len(shapes) > 1:
        raise ValueError(
            f"the values a call gives (or receives) change shape between calls "
            f"({', '.join(str(s) for s in sorted(shapes, key=len))}), so they cannot be "
            "stacked; the gradient of a loop variable whose shape changes is not supported")
    return np.stack(values)


def _static(t, skip=0):
    dims = t.shape.dims
    if dims is None or not all(isinstance(d, int) for d in dims[skip:]):
        raise ValueError(f"looping over no elements, the shape of '{t.name}' ({t.shape}) "
                         "must be known to make its empty result")
    return tuple(dims[skip:])


def _empty(t):
    return np.zeros((0,) + _static(t, 1), t.dtype.np)


def _floating(ts):
    return [i for i, t in enumerate(ts) if t.dtype.is_floating]


def effects(*specs):
    """The records of function graphs (fg, ins, outs) with effects or random draws that
    computing their outs runs."""
    found = set()
    for fg, ins, outs in specs:
        if fg is not None:
            fed = {t for t in ins if t is not None}
            found.update(n for n in _needed([t for t in outs if t is not None], fed)
                         if n.op.stateful or n.op.random)
    return sorted(found, key=lambda n: n.id)


def _replay(node):
    """What running node's function again needs: (the body's draw tensors, the node's
    hidden outputs holding their values for every call, the user's ys count). Refuses a
    function whose effects (or a condition's draws) would run a second time."""
    a = node.attrs
    fg, ins, outs = a["body"]
    nc, ny, nd = a["n_carry"], a["n_ys"], a["n_draws"]
    draws = outs[nc + ny - nd:nc + ny]
    body = (fg, tuple(ins) + tuple(draws), outs[:nc + ny - nd] + outs[nc + ny:])
    found = effects(body, a["cond"] or (None, (), ()))
    if found:
        raise errors.GradientError(
            f"differentiating {errors.describe_node(node)} runs its function again, where "
            f"{errors.describe_node(found[0])} would run a second time: move it "
            "out of the loop, or stop the gradient through it")
    return draws, node.outputs[nc + ny - nd:nc + ny], ny - nd


def _vjp_loop(node, gs):
    """A Loop in the other direction over the body's vjp, fed the carry each call got
    (and each call's random draws)."""
    a = node.attrs
    nc, ns = a["n_carry"], a["n_sliced"]
    fg, ins, outs = a["body"]
    draws, drawn, ny = _replay(node)
    c_in, s_in, r_in = _parts(node.inputs, nc, ns, a["has_max"])
    c_out, ys, zs = _parts(node.outputs[:nc + ny] + node.outputs[nc + a["n_ys"]:], nc, ny)
    fc, fs, fr = _floating(c_in), _floating(s_in), _floating(r_in)
    fy, fz = _floating(ys), _floating(zs)
    if not (fc or fs or fr) or all(g is None for g in gs[:nc + ny]) and all(
            g is None for g in gs[nc + a["n_ys"]:]):
        return [None] * len(node.inputs)
    from ..autodiff.reverse import gradients
    from .creation import zeros_like
    bc, bs, br = _parts(ins, nc, ns)
    oc, oy, oz = _parts(outs[:nc + ny] + outs[nc + a["n_ys"]:], nc, ny)
    with fg.as_default():
        cots = [placeholder(t.dtype, t.shape, name="cotangent")
                for t in [oc[i] for i in fc] + [oy[i] for i in fy] + [oz[i] for i in fz]]
        grads = gradients([oc[i] for i in fc] + [oy[i] for i in fy] + [oz[i] for i in fz],
                          [bc[i] for i in fc] + [bs[i] for i in fs] + [br[i] for i in fr],
                          grad_ys=cots, unconnected_gradients="zero")
    g_c, g_y, g_z = cots[:len(fc)], cots[len(fc):len(fc) + len(fy)], cots[len(fc) + len(fy):]
    gz_in = gs[nc + a["n_ys"]:]

    def seed(t, g):
        return g if g is not None else zeros_like(t)
    if nc:      # the carry each call received: one more forward loop, stacking them
        cond = a["cond"]
        if cond is not None:
            cfg, c_ins, c_outs = cond
            cc, cs, cr = _parts(c_ins, nc, ns)
            cond = (cfg, cc + cs + (None,) * len(draws) + cr, c_outs)
        traj = apply(STATELESS_LOOP, tuple(c_in) + tuple(s_in) + tuple(drawn) + tuple(r_in)
                     + tuple(node.inputs[len(node.inputs) - a["has_max"]:]), name="trajectory",
                     body=(fg, tuple(bc) + tuple(bs) + tuple(draws) + tuple(br),
                           tuple(oc) + tuple(bc)), cond=cond, n_carry=nc,
                     n_sliced=ns + len(draws), n_ys=nc, reverse=a["reverse"],
                     has_max=a["has_max"], n_draws=0).outputs[nc:2 * nc]
    else:
        traj = []
    inputs = ([seed(c_out[i], gs[i]) for i in fc] + list(traj) + list(s_in) + list(drawn) +
              [seed(ys[i], gs[nc + i]) for i in fy] + list(r_in) +
              [seed(zs[i], gz_in[i]) for i in fz])
    body = (fg, tuple(g_c) + tuple(bc) + tuple(bs) + tuple(draws) + tuple(g_y) + tuple(br) +
            tuple(g_z), tuple(grads))
    back = apply(STATELESS_LOOP, tuple(inputs), name="loop_grad", body=body, cond=None,
                 n_carry=len(fc), n_sliced=nc + ns + len(draws) + len(fy), n_ys=len(fs),
                 reverse=not a["reverse"], has_max=False, n_draws=0)
    result = [None] * len(node.inputs)
    for k, i in enumerate(fc + [nc + j for j in fs] + [nc + ns + j for j in fr]):
        result[i] = back.outputs[k]
    return result


def _jvp_loop(node, ts):
    """A Loop carrying tangents beside the values, the body's jvp beside the body (fed
    each call's random draws)."""
    a = node.attrs
    nc, ns = a["n_carry"], a["n_sliced"]
    fg, ins, outs = a["body"]
    c_in, s_in, r_in = _parts(node.inputs, nc, ns, a["has_max"])
    t_c, t_s, t_r = _parts(ts, nc, ns, a["has_max"])
    fc = _floating(c_in)
    ws = [j for j in _floating(s_in) if t_s[j] is not None]
    wr = [j for j in _floating(r_in) if t_r[j] is not None]
    if not ws and not wr and all(t_c[i] is None for i in fc):
        return [None] * len(node.outputs)
    draws, drawn, ny = _replay(node)
    from ..autodiff.forward import jvp
    from .creation import zeros_like
    bc, bs, br = _parts(ins, nc, ns)
    oc, oy, oz = _parts(outs[:nc + ny] + outs[nc + a["n_ys"]:], nc, ny)
    fy, fz = _floating(oy), _floating(oz)
    with fg.as_default():
        tc, tsl, tr = ([placeholder(t.dtype, t.shape, name="tangent") for t in ts_]
                       for ts_ in ([bc[i] for i in fc], [bs[j] for j in ws], [br[j] for j in wr]))
        touts = jvp([oc[i] for i in fc] + [oy[i] for i in fy] + [oz[i] for i in fz],
                    [bc[i] for i in fc] + [bs[j] for j in ws] + [br[j] for j in wr],
                    tc + tsl + tr)
    k1, k2 = len(fc), len(fc) + len(fy)
    body = (fg, tuple(bc) + tuple(tc) + tuple(bs) + tuple(draws) + tuple(tsl) + tuple(br) +
            tuple(tr), tuple(oc) + tuple(touts[:k1]) + tuple(oy) + tuple(touts[k1:k2]) +
            tuple(oz) + tuple(touts[k2:]))
    inputs = (list(c_in) + [t_c[i] if t_c[i] is not None else zeros_like(c_in[i]) for i in fc]
              + list(s_in) + list(drawn) + [t_s[j] for j in ws] + list(r_in) +
              [t_r[j] for j in wr] + list(node.inputs[len(node.inputs) - a["has_max"]:]))
    cond = a["cond"]
    if cond is not None:            # the condition reads no tangent and no draw
        cfg, c_ins, c_outs = cond
        cc, cs, cr = _parts(c_ins, nc, ns)
        cond = (cfg, cc + (None,) * len(fc) + cs + (None,) * (len(draws) + len(ws)) + cr +
                (None,) * len(wr), c_outs)
    new = apply(STATELESS_LOOP, tuple(inputs), name="loop_jvp", body=body, cond=cond,
                n_carry=nc + len(fc), n_sliced=ns + len(draws) + len(ws), n_ys=ny + len(fy),
                reverse=a["reverse"], has_max=a["has_max"], n_draws=0)
    nc2, ny2 = nc + len(fc), ny + len(fy)
    result = [None] * len(node.outputs)
    for k, i in enumerate(fc):
        result[i] = new.outputs[nc + k]
    for k, i in enumerate(fy):
        result[nc + i] = new.outputs[nc2 + ny + k]
    for k, i in enumerate(fz):
        result[nc + a["n_ys"] + i] = new.outputs[nc2 + ny2 + len(oz) + k]
    return result


_DOC = dict(api="map_fn / scan / foldl / foldr",
            signature="map_fn(fn, elems) / scan(fn, elems, initializer=None, reverse=False)",
            shape_rule="carry: its initial shape; per element: (n,) + the function's",
            dtypes="the function's")
LOOP = register(OpDef("Loop", _infer_loop, _loop_kernel, vjp=_vjp_loop, jvp=_jvp_loop,
                      stateful=True, uses_state=True,
                      doc="Calls a function graph once per element (with effects or draws).",
                      **_DOC))
STATELESS_LOOP = register(OpDef("StatelessLoop", _infer_loop, _loop_kernel, vjp=_vjp_loop,
                                jvp=_jvp_loop, uses_state=True,
                                doc="Calls a pure function graph once per element.", **_DOC))


# ---- the TF1 functions -----------------------------------------------------------------------
def _elems(elems, what):
    """(structure, tensors) of `elems`, each to be sliced along dim 0."""
    leaves = []
    structure = _flatten(elems, leaves)
    tensors = [convert_to_tensor(e) for e in leaves]
    if not tensors:
        raise ValueError(f"{what}: elems is empty")
    for t in tensors:
        if t.shape.rank == 0:
            raise errors.ShapeError(f"{what}: elems must have a dim 0 to loop over, but "
                                    f"{errors.describe_tensor(t, t.name)} is a scalar")
    return structure, tensors


def _slice_type(t):
    return (t.dtype, TensorShape(None if t.shape.dims is None else t.shape.dims[1:]))


def _build(what, fn, carry, carry_s, sliced, sliced_s, reverse, name, n_ys_of=None):
    """Trace fn(carry..., element...) and build the Loop. fn returns the new carry (when
    there is one) and/or the per-element outputs, as n_ys_of(result) says."""
    graph = get_default_graph()
    with graph.name_scope(name or what) as scope:
        fg = FuncGraph(graph, scope + "fn/")
        with fg.as_default():
            c_ph = [placeholder(t.dtype, t.shape, name="carry") for t in carry]
            s_ph = [placeholder(*_slice_type(t), name="elem") for t in sliced]
            args = []
            if carry_s is not False:
                args.append(_unflatten(carry_s, iter(c_ph)))
            if sliced_s is not False:
                args.append(_unflatten(sliced_s, iter(s_ph)))
            value = fn(*args)
            leaves = []
            out_s = _flatten(value, leaves)
            outs = [fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v)
                    for v in leaves]
        new_carry, ys, zs = n_ys_of(out_s, outs)
        for i, (t, o) in enumerate(zip(carry, new_carry)):
            if o.dtype is not t.dtype or not fits(o.shape, t.shape):
                raise ValueError(f"{what}: fn must return the accumulator's structure, dtypes "
                                 f"and shapes; part {i} is {o.dtype.name} {o.shape} for "
                                 f"{t.dtype.name} {t.shape}\n  {errors.describe_tensor(o, o.name)}")
        captured = list(fg.captures)
        ins = tuple(c_ph) + tuple(s_ph) + tuple(fg.capture(t) for t in captured)
        body_outs = tuple(new_carry) + tuple(ys) + tuple(zs)
        node = make_loop(tuple(carry) + tuple(sliced) + tuple(captured),
                         (fg, ins, body_outs), None, len(carry), len(sliced), len(ys), reverse,
                         False)
    return out_s, node.outputs[:len(carry) + len(ys)]


def make_loop(inputs, body, cond, n_carry, n_sliced, n_ys, reverse, has_max):
    """A Loop node (StatelessLoop when its graphs have no effects or draws). The values of
    the body's random draws in every call are extra stacked outputs after the n_ys user
    ones (n_draws of them), which its derivatives feed back instead of drawing anew."""
    fg, ins, outs = body
    draws = draw_outputs(outs, set(ins))
    if draws:
        body = (fg, ins, tuple(outs[:n_carry + n_ys]) + tuple(draws) +
                tuple(outs[n_carry + n_ys:]))
    op = LOOP if effects(body, cond or (None, (), ())) else STATELESS_LOOP
    control = [n for spec in (body, cond) if spec is not None for n in spec[0].outer_control]
    with get_default_graph().control_dependencies(list(dict.fromkeys(control))):
        return apply(op, tuple(inputs), name="Loop", body=body, cond=cond, n_carry=n_carry,
                     n_sliced=n_sliced, n_ys=n_ys + len(draws), reverse=reverse,
                     has_max=has_max, n_draws=len(draws))


def fits(shape, want):
    """`shape` is `want` or more specific (a loop variable's shape invariant holds)."""
    if want.dims is None:
        return True
    return shape.dims is not None and len(shape.dims) == len(want.dims) and all(
        not isinstance(w, int) or w == d for d, w in zip(shape.dims, want.dims))


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
           swap_memory=False, infer_shape=True, name=None):
    """fn applied to each element of `elems` along dim 0, results stacked (TF1 tf.map_fn).

        gc.map_fn(lambda row: gc.reduce_sum(row * row), x)       # x (n, d) -> (n,)

    elems may be a structure (tuple, list, dict) of tensors of the same length; fn gets
    the same structure of elements and may return any structure of tensors. `dtype`, when
    given, must match what fn returns (TF1 needs it; graphc infers it and checks).
    """
    structure, sliced = _elems(elems, "map_fn")

    def parts(out_s, outs):
        return [], outs, []
    out_s, outs = _build("map_fn", fn, [], False, sliced, structure, False, name, parts)
    if dtype is not None:
        want = []
        _flatten(dtype, want)
        got = [t.dtype.name for t in outs]
        from ..dtypes import as_dtype
        if [as_dtype(d).name for d in want] != got:
            raise errors.DTypeError(f"map_fn: dtype says {[as_dtype(d).name for d in want]} "
                                    f"but fn returns {got}")
    return _unflatten(out_s, iter(outs))


def _first(elems, what, reverse, initializer):
    """(carry structure, carry tensors, elems structure, sliced tensors, first element
    split off) for scan/fold: without an initializer the first element starts."""
    structure, sliced = _elems(elems, what)
    if initializer is not None:
        leaves = []
        carry_s = _flatten(initializer, leaves)
        return carry_s, [convert_to_tensor(v) for v in leaves], structure, sliced, None
    first = [t[-1] if reverse else t[0] for t in sliced]
    rest = [t[:-1] if reverse else t[1:] for t in sliced]
    return structure, first, structure, rest, first


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
         swap_memory=False, infer_shape=True, reverse=False, name=None):
    """The accumulator after each element: a = fn(a, x) along dim 0 (TF1 tf.scan).

        gc.scan(lambda a, x: a + x, gc.constant([1., 2., 3.]))     # [1., 3., 6.]

    Without `initializer` the first element (the last with reverse=True) starts the
    accumulator and is the first (last) result, as in TF1.
    """
    carry_s, carry, structure, sliced, first = _first(elems, "scan", reverse, initializer)

    def parts(out_s, outs):
        return outs, outs, []
    out_s, outs = _build("scan", fn, carry, carry_s, sliced, structure, reverse, name, parts)
    stacked = outs[len(carry):]
    if first is not None:
        from .join import concat
        pieces = [[f[None]] for f in first]
        stacked = [concat([s] + p if reverse else p + [s], 0) for s, p in zip(stacked, pieces)]
    return _unflatten(carry_s, iter(stacked))


def _fold(what, fn, elems, initializer, reverse, name):
    carry_s, carry, structure, sliced, _ = _first(elems, what, reverse, initializer)

    def parts(out_s, outs):
        return outs, [], []
    _, outs = _build(what, fn, carry, carry_s, sliced, structure, reverse, name, parts)
    return _unflatten(carry_s, iter(outs[:len(carry)]))


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """fn(...fn(fn(initializer, x0), x1)..., xn-1) (TF1 tf.foldl).

        gc.foldl(lambda a, x: a * x, gc.constant([1., 2., 3.]))     # 6.0
    """
    return _fold("foldl", fn, elems, initializer, False, name)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
          swap_memory=False, name=None):
    """foldl from the last element to the first (TF1 tf.foldr)."""
    return _fold("foldr", fn, elems, initializer, True, name)


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """The result of the first fn whose pred is true, else default() (TF1 tf.case).

        gc.case([(x < 0., lambda: -x), (x > 10., lambda: x / 10.)], default=lambda: x)

    A chain of conds: only the chosen function runs. Without a default the last pair's
    fn is it. exclusive=True checks, when run, that at most one pred holds.
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else \
        list(pred_fn_pairs)
    if not pairs:
        raise ValueError("case: pred_fn_pairs is empty")
    for p, f in pairs:
        if not callable(f):
            raise TypeError(f"case: {f!r} is not callable; each pair is (pred, fn)")
    checks = [_exclusive_check(pairs)] if exclusive else []
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]
    graph = get_default_graph()
    with graph.name_scope(name), graph.control_dependencies(checks):
        result = default
        for p, f in reversed(pairs):
            result = (lambda p, f, rest: lambda: cond(p, f, rest, strict=strict))(p, f, result)
        return result()


def _exclusive_check(pairs):
    """An Assert that at most one of the pairs' predicates holds (TF1's exclusive case)."""
    from .asserts import Assert
    from .elementwise import cast, less_equal
    from .join import stack
    from .reduce import reduce_sum
    preds = stack([convert_to_tensor(p) for p, _ in pairs])
    count = reduce_sum(cast(preds, "int32"))
    return Assert(less_equal(count, 1), ["Input error: exclusive=True: more than 1 "
                                         "conditions evaluated as True:", preds])
