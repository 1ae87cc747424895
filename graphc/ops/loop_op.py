"""The Loop op: a function graph (ops/control.FuncGraph) called once per element of its
sliced inputs (for mode) or while a condition graph holds (while mode), behind map_fn,
scan, foldl, foldr (ops/functional.py), while_loop (ops/loop.py) and dynamic_rnn.

A carry threads through the calls, per-call outputs are stacked, and "summed" outputs
(gradients of tensors every call reads) are added up. Loop is closed under
differentiation: its vjp is a Loop running the body's vjp in the other direction, fed
the carry each call received (stacked by one replay of the forward loop); its jvp is a
Loop with tangents beside the values; so loops differentiate to any order. Random draws
in the body are hidden stacked outputs of the forward Loop (n_draws), fed to the
derivatives' replays instead of drawing anew; effects (assign) make derivatives refuse.
"""
import itertools

import numpy as np

from .. import errors
from ..graph import get_default_graph
from ..shapes import InferError, TensorShape
from .control import _needed, _reads, compiled, draw_outputs, has_effect, quietly
from .core import placeholder
from .registry import OpDef, apply, register
from .tensor_array_ops import Buffer, Owned, in_place_carries, owned_copy

__all__ = ["make_loop"]


# ---- the Loop op -----------------------------------------------------------------------------
def _parts(seq, n_carry, n_sliced, has_max=False):
    """(carry, sliced, rest) of a Loop's inputs or its body's (without maximum_iterations)."""
    end = len(seq) - has_max
    return seq[:n_carry], seq[n_carry:n_carry + n_sliced], seq[n_carry + n_sliced:end]


def _infer_loop(ctx, *args, body, cond, n_carry, n_sliced, n_ys, reverse, has_max,
                n_draws, ragged=False, back_prop=True, like=None, replay=False):
    fg, ins, outs = body
    if has_max:
        m, at = args[-1], len(args) - 1
        if not (m.dtype.is_integer or m.dtype.is_floating):
            raise InferError(f"maximum_iterations {{{at}}} must be a real number (TF1 "
                             f"counts calls in its dtype), not {m.dtype.name}", "dtype")
        if m.shape.rank not in (0, None):
            raise InferError(f"maximum_iterations {{{at}}} must be a scalar, not of shape "
                             f"{m.shape}")
    n = None
    for t in args[n_carry:n_carry + n_sliced]:
        if t.shape.rank == 0:
            raise InferError("cannot loop over the elements of scalar {0}")
        d = t.shape._dims[0] if t.shape._dims is not None else None
        if isinstance(d, int):
            if isinstance(n, int) and n != d:
                raise InferError(f"the elements looped over have different lengths, "
                                 f"{n} and {d} (dim 0)")
            n = d
    carry, ys, zs = _parts(outs, n_carry, n_ys)
    types = [(t.shape, t.dtype) for t in ins[:n_carry]]
    types += [(TensorShape(None) if t.shape._dims is None else TensorShape((n,) + t.shape._dims),
               t.dtype) for t in ys]
    types += [(t.shape, t.dtype) for t in zs]
    return types if len(types) != 1 else types[0]


def _loop_kernel(rt, *args, replay=False, **attrs):
    """A Loop; a replay (a derivative's loop running the body again) prints nothing."""
    with quietly(rt.session, replay):
        return _run_loop(rt, *args, **attrs)


def _run_loop(rt, *args, body, cond, n_carry, n_sliced, n_ys, reverse, has_max,
              n_draws, ragged=False, back_prop=True, like=None):
    owned = _owned(rt.session, body, n_carry)
    run = compiled(rt.session, *body, keep=owned)   # an owned buffer comes back uncopied
    carry, sliced, rest = _parts(list(args), n_carry, n_sliced, has_max)
    for k in owned:                 # a TensorArray's buffer: copied once, then written in place
        carry[k] = owned_copy(carry[k])
    test = limit = None
    if cond is None:                # for: every element
        n = len(sliced[0])
        if any(len(s) != n for s in sliced):
            raise ValueError(f"the elements looped over have different lengths: "
                             f"{[len(s) for s in sliced]}")
        order = range(n - 1, -1, -1) if reverse else range(n)
    else:                           # while: as long as cond holds
        test, order = compiled(rt.session, *cond), itertools.count()
        limit = args[-1] if has_max else None
    ys, zs = [[] for _ in range(n_ys)], None
    unread = [None] * len(sliced)   # a condition reads no per-call input (draws fed back)
    for i in order:
        # TF1 counts calls from 0 while count < maximum_iterations: none for a limit
        # <= 0, ceil(limit) for a float one (its counter has the limit's dtype)
        if test is not None and (has_max and not i < limit or
                                 not test(carry + unread + rest)[0]):
            break
        out = run(carry + [s[i] if isinstance(s, Ragged) else s[i, ...]  # arrays, strings
                           for s in sliced] + rest)
        carry = out[:n_carry]       # owned ones: the same buffers, written in place
        for acc, y in zip(ys, out[n_carry:n_carry + n_ys]):
            acc.append(y)           # never an owned buffer (in_place_carries)
        z = out[n_carry + n_ys:]
        if zs is None:
            zs = [np.array(v, copy=True) for v in z]
        else:
            for acc, v in zip(zs, z):
                np.add(acc, v, out=acc)
    outs = rt.record.outputs
    carry = [c.view(Buffer) if isinstance(c, Owned) else c for c in carry]
    like = like or (None,) * len(body[2])
    stacked = [_stack(acc[::-1] if reverse else acc, ragged) if acc else
               _none_of(t, like[n_carry + j], args, stacked=True)
               for j, (acc, t) in enumerate(zip(ys, outs[n_carry:n_carry + n_ys]))]
    if zs is None:                  # no element: sums of nothing
        zs = [_none_of(t, like[n_carry + n_ys + j], args)
              for j, t in enumerate(outs[n_carry + n_ys:])]
    result = list(carry) + stacked + zs
    return result[0] if len(result) == 1 else tuple(result)


def _owned(session, body, n_carry):
    """The carries the loop writes in place (tensor_array_ops.in_place_carries), found
    once per session: no other value the body reads or gives, nor any earlier call's
    output, shares their buffers."""
    key = ("owned", body, n_carry)
    owned = session._branches.get(key)
    if owned is None:
        owned = session._branches[key] = tuple(in_place_carries(*body, n_carry))
    return owned


class Ragged(np.ndarray):
    """Values of different shapes, one per call (an object array): the carries a loop
    whose variables change shape received, stacked for its gradient's loop."""


def _stack(values, ragged=False):
    shapes = {np.shape(v) for v in values}
    if len(shapes) > 1 and ragged:
        out = np.empty(len(values), object)
        for k, v in enumerate(values):
            out[k] = np.asarray(v)
        return out.view(Ragged)
    if len(shapes) > 1:
        raise ValueError(
            f"the values a call gives (or receives) change shape between calls "
            f"({', '.join(str(s) for s in sorted(shapes, key=len))}), so they cannot be "
            "stacked: a map_fn or scan function must give one shape in every call")
    return np.stack(values)


def _static(t, skip=0):
    dims = t.shape._dims
    if dims is None or not all(isinstance(d, int) for d in dims[skip:]):
        raise ValueError(f"looping over no elements, the shape of '{t.name}' ({t.shape}) "
                         "must be known to make its empty result")
    return tuple(dims[skip:])


def _none_of(t, like, args, stacked=False):
    """Output t of a loop that made no call: the stack of no values (dim 0 of 0) or the
    sum of none. Its shape is t's static one, else that of the input `like` names: (its
    position, whether t stacks values shaped as it (a carry) or has its whole shape)."""
    dims = t.shape._dims
    if dims is not None and all(isinstance(d, int) for d in dims[stacked:]):
        shape = tuple(dims[stacked:])
        return np.zeros(((0,) if stacked else ()) + shape, t.dtype.np)
    if like is not None:
        pos, per_call = like
        return np.zeros(((0,) if per_call else ()) + np.shape(args[pos]), t.dtype.np)
    _static(t, int(stacked))            # raises: the shape is unknown


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
                         if has_effect(n))
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


def _draw_like(like, n_carry, n_ys, n_draws):
    """like with None for the draws' outputs, which make_loop puts after the ys."""
    like = tuple(like)
    return like[:n_carry + n_ys] + (None,) * n_draws + like[n_carry + n_ys:]


def _vjp_loop(node, gs):
    """A Loop in the other direction over the body's vjp, fed the carry each call got
    (and each call's random draws)."""
    a = node.attrs
    if not a.get("back_prop", True):
        return [None] * len(node.inputs)
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
    from ..autodiff.sparse_grads import only_row_lookups
    rows = [j for j in fr if only_row_lookups(br[j], fg)]   # tables read by row lookups:
    with fg.as_default():                                   # IndexedSlices, as TF1's
        cots = [placeholder(t.dtype, t.shape, name="cotangent")
                for t in [oc[i] for i in fc] + [oy[i] for i in fy] + [oz[i] for i in fz]]
        grads = gradients([oc[i] for i in fc] + [oy[i] for i in fy] + [oz[i] for i in fz],
                          [bc[i] for i in fc] + [bs[i] for i in fs] + [br[i] for i in fr],
                          grad_ys=cots, unconnected_gradients="zero", _dense=not rows)
        from ..indexed_slices import IndexedSlices
        sparse = {}
        for k, j in enumerate(fr):
            g = grads[len(fc) + len(fs) + k]
            if j in rows and isinstance(g, IndexedSlices):
                sparse[j] = (g.values, _array().reshape(g.indices, [-1]))
        grads = [_array().convert_to_tensor(g) if isinstance(g, IndexedSlices) else g
                 for g in grads]
    g_c, g_y, g_z = cots[:len(fc)], cots[len(fc):len(fc) + len(fy)], cots[len(fc) + len(fy):]
    gz_in = gs[nc + a["n_ys"]:]

    def seed(t, g):
        return g if g is not None else zeros_like(t)
    kept = _read_carries(grads, bc, ns + len(draws) + len(fy))
    if kept:    # the carry each call received: one more forward loop, stacking them
        cond = a["cond"]
        if cond is not None:
            cfg, c_ins, c_outs = cond
            cc, cs, cr = _parts(c_ins, nc, ns)
            cond = (cfg, cc + cs + (None,) * len(draws) + cr, c_outs)
        traj = apply(STATELESS_LOOP, tuple(c_in) + tuple(s_in) + tuple(drawn) + tuple(r_in)
                     + tuple(node.inputs[len(node.inputs) - a["has_max"]:]), name="trajectory",
                     body=(fg, tuple(bc) + tuple(bs) + tuple(draws) + tuple(br),
                           tuple(oc) + tuple(bc[k] for k in kept)), cond=cond, n_carry=nc,
                     n_sliced=ns + len(draws), n_ys=len(kept), reverse=a["reverse"],
                     has_max=a["has_max"], n_draws=0, ragged=True, replay=True,
                     like=(None,) * nc + tuple((k, True) for k in kept)
                     ).outputs[nc:nc + len(kept)]
    else:
        traj = []
    inputs = ([seed(c_out[i], gs[i]) for i in fc] + list(traj) + list(s_in) + list(drawn) +
              [seed(ys[i], gs[nc + i]) for i in fy] + list(r_in) +
              [seed(zs[i], gz_in[i]) for i in fz])
    n_cs = len(fc) + len(fs)
    dense_r = [(k, j) for k, j in enumerate(fr) if j not in sparse]
    outs_back = list(grads[:n_cs]) + [t for j in fr if j in sparse for t in sparse[j]] + \
        [grads[n_cs + k] for k, _ in dense_r]       # a table's rows and ids: per call
    body = (fg, tuple(g_c) + tuple(bc[k] for k in kept) + tuple(bs) + tuple(draws) +
            tuple(g_y) + tuple(br) + tuple(g_z), tuple(outs_back))
    first_s = len(fc) + len(kept)                   # where the sliced inputs start
    first_r = first_s + ns + len(draws) + len(fy)   # and the rest
    like = ((None,) * len(fc) + tuple((first_s + j, False) for j in fs) +
            tuple((first_r + j, True) for j in fr if j in sparse for _ in (0, 1)) +
            tuple((first_r + j, False) for _, j in dense_r))  # a gradient: its input's
    back = apply(STATELESS_LOOP, tuple(inputs), name="loop_grad", body=body, cond=None,
                 n_carry=len(fc), n_sliced=len(kept) + ns + len(draws) + len(fy),
                 n_ys=len(fs) + 2 * len(sparse), reverse=not a["reverse"], has_max=False,
                 n_draws=0, like=like, replay=True,
                 ragged=bool(sparse) or a.get("ragged", False))
    outputs = list(back.outputs[:n_cs])
    at = n_cs
    for j in fr:
        if j in sparse:                     # the calls' rows and ids, joined
            values, ids = back.outputs[at:at + 2]
            at += 2
            outputs.append(_indexed_slices(values, ids, r_in[j]))
    outputs += back.outputs[at:]
    order = [fc, [nc + j for j in fs], [nc + ns + j for j in fr if j in sparse],
             [nc + ns + j for _, j in dense_r]]
    result = [None] * len(node.inputs)
    live = _connected(fg, bc, oc, oy, oz, gs, nc, a["n_ys"])
    xs = {nc + ns + j: br[j] for j in fr}
    xs.update({i: bc[i] for i in fc})
    xs.update({nc + j: bs[j] for j in fs})
    for i, g in zip([i for part in order for i in part], outputs):
        if live(xs[i]):     # else no differentiable path to the loss: None, as TF1
            result[i] = g
    return result


def _array():
    """ops.array (imported when a gradient is built: it imports this module)."""
    from . import array
    return array


def _indexed_slices(values, ids, table):
    """The IndexedSlices of `table` from the stacked per-call rows and ids of a loop's
    gradient (calls of different sizes: a Ragged stack; none: an empty one). Like TF1's
    while-loop accumulator it starts with a zero row at index 0 (so an optimizer with
    momentum moves row 0 too, as in TF1)."""
    from ..indexed_slices import IndexedSlices
    from .join import concat
    A = _array()
    rows = apply(CONCAT_CALLS, (values, table), name="rows").outputs[0]
    flat_ids = A.reshape(apply(CONCAT_CALLS, (ids, table), name="ids").outputs[0], [-1])
    zero = A.zeros(A.concat([[1], A.shape(table)[1:]], 0), rows.dtype)
    return IndexedSlices(concat([zero, rows], 0),
                         concat([A.zeros([1], flat_ids.dtype), flat_ids], 0), A.shape(table))


def _concat_calls_kernel(stacked, like):
    if stacked.dtype == object:         # a Ragged stack: calls of different sizes
        parts = [np.asarray(p) for p in stacked]
        return np.concatenate(parts) if parts else \
            np.zeros((0,) + like.shape[1:], stacked.dtype)
    return np.ascontiguousarray(stacked.reshape((-1,) + stacked.shape[2:]))


def _split_calls(g, stacked):
    """g cut back into the calls' parts: a reshape for a dense stack, a cut for a Ragged
    one (calls whose parts differ in length)."""
    from .map_fn_composite import map_split         # (map_fn_composite imports this module)
    return map_split(g, stacked)


def _infer_concat_calls(ctx, stacked, like):
    dims = stacked.shape._dims
    return (None if dims is None else (None,) + tuple(dims[2:])), stacked.dtype


CONCAT_CALLS = register(OpDef(
    "ConcatCalls", _infer_concat_calls, _concat_calls_kernel,
    vjp=lambda node, gs: [_split_calls(gs[0], node.inputs[0]), None],
    jvp=lambda node, ts: None if ts[0] is None else apply(
        CONCAT_CALLS, (ts[0], node.inputs[1])).outputs[0],
    api="(a loop's sparse gradient)",
    signature="(the per-call rows of a loop's IndexedSlices gradient, joined)",
    shape_rule="(calls, n, ...) -> (calls * n, ...)", dtypes="any",
    doc="Joins the per-call rows (or ids) a loop's gradient stacked along dim 0; calls of "
        "different sizes come as a Ragged stack."))


def _connected(fg, bc, oc, oy, oz, gs, nc, n_ys):
    """Whether a body input has a differentiable path to an output that gets a
    cotangent (directly, or through the carries into later calls): the others'
    gradients are None, not zeros, as TF1's are."""
    users = {}
    for n in fg.nodes:
        if n.op.differentiable:
            for t in n.inputs:
                if t.dtype.is_differentiable:
                    users.setdefault(t, []).append(n)
    reached = {}

    def reach(x):           # the differentiable tensors x leads to (x included)
        if x not in reached:
            seen, stack = {x}, [x]
            while stack:
                for n in users.get(stack.pop(), ()):
                    for o in n.outputs:
                        if o.dtype.is_differentiable and o not in seen:
                            seen.add(o)
                            stack.append(o)
            reached[x] = seen
        return reached[x]
    targets = {o for o, g in zip(list(oc) + list(oy), gs[:nc + len(oy)]) if g is not None}
    targets |= {o for o, g in zip(oz, gs[nc + n_ys:]) if g is not None}
    while True:             # a carry whose input reaches a target feeds one next call
        more = {oc[k] for k in range(nc) if oc[k] not in targets and targets & reach(bc[k])}
        if not more:
            return lambda x: bool(targets & reach(x))
        targets |= more


def _read_carries(grads, carries, n_other_sliced):
    """Which carries (positions) the body's vjp reads: only those are stacked for the
    backward loop (a carry the vjp does not read, like a TensorArray's buffer under its
    writes, costs no copy per call). At least one when nothing else is sliced, since the
    stacked values give the backward loop its number of calls."""
    kept = sorted(_reads(grads, carries))
    return kept or ([0] if carries and not n_other_sliced else [])


def _jvp_loop(node, ts):
    """A Loop carrying tangents beside the values, the body's jvp beside the body (fed
    each call's random draws)."""
    a = node.attrs
    if not a.get("back_prop", True):
        return [None] * len(node.outputs)
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
                reverse=a["reverse"], has_max=a["has_max"], n_draws=0, replay=True,
                ragged=a.get("ragged", False))
    nc2, ny2 = nc + len(fc), ny + len(fy)
    result = [None] * len(node.outputs)
    for k, i in enumerate(fc):
        result[i] = new.outputs[nc + k]
    for k, i in enumerate(fy):
        result[nc + i] = new.outputs[nc2 + ny + k]
    for k, i in enumerate(fz):
        result[nc + a["n_ys"] + i] = new.outputs[nc2 + ny2 + len(oz) + k]
    return result


def _narrow_loop(node, used):
    """The StatelessLoop computing only the used outputs: unused stacked and summed
    outputs go, so do carries that no kept output, and no test of the condition, reads
    (a fixed point over the body), and inputs nothing kept reads. (inputs, attrs, kept
    output positions), or None when everything is needed."""
    a = node.attrs
    nc, ns, ny = a["n_carry"], a["n_sliced"], a["n_ys"]
    fg, ins, outs = a["body"]
    cond = a["cond"]
    n_in = len(ins)
    keep_y = [nc + j for j in range(ny) if used[nc + j]]
    keep_z = [j for j in range(nc + ny, len(outs)) if used[j]]
    cond_reads = _reads(cond[2], cond[1]) if cond is not None else set()
    carries = {k for k in range(nc) if used[k] or k in cond_reads}
    while True:
        read = _reads([outs[k] for k in sorted(carries)] + [outs[j] for j in keep_y + keep_z],
                      ins)
        more = carries | {k for k in read if k < nc}
        if more == carries:
            break
        carries = more
    inputs = sorted(carries) + [p for p in range(nc, n_in) if p in read or p in cond_reads]
    sliced = [p for p in inputs if nc <= p < nc + ns]
    if cond is None and ns and not sliced:      # a for loop's length: one sliced input
        inputs = sorted(inputs + [nc])
        sliced = [nc]
    kept = sorted(carries) + keep_y + keep_z
    if len(kept) == len(outs) and len(inputs) == n_in:
        return None
    attrs = dict(a)
    attrs["body"] = (fg, tuple(ins[p] for p in inputs), tuple(outs[j] for j in kept))
    if cond is not None:
        attrs["cond"] = (cond[0], tuple(cond[1][p] for p in inputs), cond[2])
    attrs.update(n_carry=len(carries), n_sliced=len(sliced), n_ys=len(keep_y))
    if a.get("like"):
        attrs["like"] = tuple(None if a["like"][j] is None or a["like"][j][0] not in inputs
                              else (inputs.index(a["like"][j][0]), a["like"][j][1])
                              for j in kept)
    extra = node.inputs[n_in:]                  # maximum_iterations
    return [node.inputs[p] for p in inputs] + list(extra), attrs, kept


_DOC = dict(api="map_fn / scan / foldl / foldr / while_loop",
            signature="map_fn(fn, elems) / scan(fn, elems, initializer=None, reverse=False) "
                      "/ while_loop(cond, body, loop_vars)",
            shape_rule="carry: its initial shape; per element: (n,) + the function's",
            dtypes="the function's")
LOOP = register(OpDef("Loop", _infer_loop, _loop_kernel, vjp=_vjp_loop, jvp=_jvp_loop,
                      stateful=True, uses_state=True,
                      doc="Calls a function graph once per element (with effects or draws).",
                      **_DOC))
STATELESS_LOOP = register(OpDef("StatelessLoop", _infer_loop, _loop_kernel, vjp=_vjp_loop,
                                jvp=_jvp_loop, uses_state=True, narrow=_narrow_loop,
                                doc="Calls a pure function graph once per element.", **_DOC))


def make_loop(inputs, body, cond, n_carry, n_sliced, n_ys, reverse, has_max,
              back_prop=True, like=None):
    """A Loop node (StatelessLoop when its graphs have no effects or draws). The values of
    the body's random draws in every call are extra stacked outputs after the n_ys user
    ones (n_draws of them), which its derivatives feed back instead of drawing anew.
    back_prop=False: no derivative goes through it (TF1's while_loop argument). like:
    for each body output, None or (input position, per call): the input whose run-time
    shape gives that output's when no call runs (see _none_of)."""
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
                     has_max=has_max, n_draws=len(draws),
                     **({} if back_prop else {"back_prop": False}),
                     **({"like": _draw_like(like, n_carry, n_ys, len(draws))}
                        if like else {}))
