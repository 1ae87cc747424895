"""while_loop: a functional While op whose condition and body are graphs of their own.

    i, y = gc.while_loop(lambda i, y: i < 10, lambda i, y: (i + 1, gc.tanh(y @ W)),
                         [gc.constant(0), x])

The condition and the body are traced once into FuncGraphs (ops/control.py: outer
tensors they use are captured), compiled per session on the first run, and the While
kernel calls them until the condition fails or `maximum_iterations` is reached.

Reverse mode is a WhileGrad node: its kernel runs the loop again from the initial
values, keeping each iteration's loop variables, then walks back through them with the
compiled vjp of the body (one forward recomputation, memory for one trajectory, only
while the gradient runs). Forward mode is a While over (values, tangents): the body's
jvp runs beside it. Second derivatives of a loop through its gradient are not built.
"""
import numpy as np

from .. import errors
from ..graph import Tensor, get_default_graph
from ..shapes import InferError, TensorShape, as_shape
from .control import FuncGraph, _flatten, _needed, _shown, _unflatten, compiled
from .core import convert_to_tensor, placeholder
from .registry import OpDef, apply, register

__all__ = ["while_loop"]


# ---- tracing ---------------------------------------------------------------------------------
def _trace(graph, fn, scope, structure, types):
    """Call `fn` on placeholders for the loop variables in a new FuncGraph."""
    fg = FuncGraph(graph, scope)
    with fg.as_default():
        args = [placeholder(d, s, name="loop_var") for s, d in types]
        value = fn(*_unflatten(structure, iter(args)))
        leaves = []
        shape = _flatten(value, leaves) if value is not None else None
        outs = [fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v)
                for v in leaves]
    return fg, args, shape, outs


def _plain(structure):
    """The structure with list and tuple not told apart (TF1 accepts either)."""
    if structure is None:
        return None
    kind, parts = structure
    if kind is dict:
        return {k: _plain(s) for k, s in parts.items()}
    return [_plain(s) for s in parts]


def _flatten_up_to(structure, value):
    """Leaves of `value` at the places of `structure`'s leaves (shape_invariants)."""
    if structure is None:
        return [value]
    kind, parts = structure
    items = parts.items() if kind is dict else enumerate(parts)
    return [leaf for k, s in items for leaf in _flatten_up_to(s, value[k])]


def _fits(shape, invariant):
    """`shape` is `invariant` or more specific."""
    if invariant.dims is None:
        return True
    if shape.dims is None or len(shape.dims) != len(invariant.dims):
        return False
    return all(not isinstance(i, int) or i == d for d, i in zip(shape.dims, invariant.dims))


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, name=None, maximum_iterations=None,
               return_same_structure=False):
    """Repeat `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (TF1 tf.while_loop).

        i, y = gc.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 2.0), [0, x])

    loop_vars: a list or tuple (nested structures allowed) of tensors or values; body
    returns the same structure with the same dtypes, and shapes that fit each variable's
    shape (or its entry in `shape_invariants`, which may leave dims unknown).
    maximum_iterations bounds the number of iterations. With one loop variable and
    return_same_structure=False the result is that tensor itself, as in TF1.
    Gradients (reverse mode) and jvps (forward mode) go through the loop.
    """
    if not callable(cond) or not callable(body):
        raise TypeError("while_loop: cond and body must be callables")
    seq = loop_vars if isinstance(loop_vars, (list, tuple)) else [loop_vars]
    leaves = []
    structure = _flatten(list(seq), leaves)
    if not leaves:
        raise ValueError("while_loop: loop_vars is empty")
    init = [convert_to_tensor(v) for v in leaves]
    invariants = [t.shape for t in init] if shape_invariants is None else [
        as_shape(s) for s in _flatten_up_to(structure, list(shape_invariants)
                                            if isinstance(loop_vars, (list, tuple))
                                            else [shape_invariants])]
    for i, (t, s) in enumerate(zip(init, invariants)):
        if not _fits(t.shape, s):
            raise errors.ShapeError(
                f"while_loop: loop variable {i} has shape {t.shape}, which does not fit its "
                f"shape invariant {s}\n  {errors.describe_tensor(t, t.name)}")
    types = [(s, t.dtype) for s, t in zip(invariants, init)]
    graph = get_default_graph()
    with graph.name_scope(name or "while") as scope:
        cfg, c_args, c_shape, c_outs = _trace(graph, cond, scope + "cond/", structure, types)
        if c_shape is not None and c_shape != (list, [None]) or len(c_outs) != 1:
            raise ValueError("while_loop: cond must return one bool tensor")
        c = c_outs[0]
        if not c.dtype.is_bool or c.shape.rank not in (0, None):
            raise errors.DTypeError(f"while_loop: cond must return a bool scalar, not "
                                    f"{errors.describe_tensor(c, c.name)}")
        bfg, b_args, b_shape, b_outs = _trace(graph, body, scope + "body/", structure, types)
        if b_shape is not None and _plain(b_shape) != _plain(structure):
            raise ValueError(f"while_loop: body must return the structure of loop_vars, "
                             f"{_shown(structure)}; it returned "
                             f"{_shown(b_shape)}")
        _check_body(init, invariants, b_outs)
        captured = list(dict.fromkeys(list(cfg.captures) + list(bfg.captures)))
        c_ins = tuple(c_args) + tuple(cfg.capture(t) for t in captured)
        b_ins = tuple(b_args) + tuple(bfg.capture(t) for t in captured)
        inputs = init + captured
        if maximum_iterations is not None:
            inputs.append(convert_to_tensor(maximum_iterations, name="maximum_iterations"))
        node = _make_while(inputs, (cfg, c_ins, tuple(c_outs)), (bfg, b_ins, tuple(b_outs)),
                           len(init), maximum_iterations is not None, "While")
    outs = node.outputs
    if not isinstance(loop_vars, (list, tuple)) or len(outs) == 1 and not return_same_structure:
        return outs[0]
    result = _unflatten(structure, iter(outs))
    kind = type(loop_vars)
    return result if kind is list else kind(*result) if hasattr(kind, "_fields") else kind(result)


def _check_body(init, invariants, outs):
    if len(outs) != len(init):
        raise ValueError(f"while_loop: body returned {len(outs)} tensors for "
                         f"{len(init)} loop variables")
    for i, (t, s, o) in enumerate(zip(init, invariants, outs)):
        if o.dtype is not t.dtype:
            raise errors.DTypeError(
                f"while_loop: loop variable {i} is {t.dtype.name} but body returns "
                f"{o.dtype.name} for it\n  {errors.describe_tensor(t, t.name)}\n  "
                f"{errors.describe_tensor(o, o.name)}")
        if not _fits(o.shape, s):
            raise errors.ShapeError(
                f"while_loop: loop variable {i} has shape {s} but body returns shape "
                f"{o.shape} for it; to let it vary, give a shape_invariants entry such as "
                f"TensorShape({tuple(None for _ in range(o.shape.rank or 0))})\n  "
                f"{errors.describe_tensor(t, t.name)}\n  {errors.describe_tensor(o, o.name)}")


def _effects(*specs):
    """Records of the specs' graphs that touch state or draw, run to make their outs."""
    found = []
    for fg, ins, outs in specs:
        fed = {t for t in ins if t is not None}
        found.extend(n for n in _needed([t for t in outs if t is not None], fed)
                     if n.op.stateful or n.op.random)
    return sorted(found, key=lambda n: n.id)


def _make_while(inputs, cond, body, n_vars, has_max, name):
    op = WHILE if _effects(cond, body) else STATELESS_WHILE
    control = list(dict.fromkeys(cond[0].outer_control + body[0].outer_control))
    with get_default_graph().control_dependencies(control):
        return apply(op, tuple(inputs), name=name, cond=cond, body=body, n_vars=n_vars,
                     has_max=has_max)


# ---- the While op ----------------------------------------------------------------------------
def _check_max(args, has_max):
    if has_max:
        m = args[-1]
        if not m.dtype.is_integer or m.shape.rank not in (0, None):
            raise InferError(f"maximum_iterations {{{len(args) - 1}}} must be an integer "
                             f"scalar, not {m.dtype.name} of shape {m.shape}")


def _infer_while(ctx, *args, cond, body, n_vars, has_max):
    _check_max(args, has_max)
    types = [(t.shape, t.dtype) for t in body[1][:n_vars]]
    return types if len(types) != 1 else types[0]


def _run_loop(session, args, cond, body, n_vars, has_max, trajectory=None):
    """The loop variables after the loop; each iteration's inputs go to `trajectory`."""
    test, step = compiled(session, *cond), compiled(session, *body)
    limit = int(args[-1]) if has_max else None
    extra = list(args[n_vars:len(args) - has_max])
    values, i = list(args[:n_vars]), 0
    while (limit is None or i < limit) and test(values + extra)[0]:
        if trajectory is not None:
            trajectory.append(values)
        values = step(values + extra)
        i += 1
    return values, extra


def _while_kernel(rt, *args, cond, body, n_vars, has_max):
    values, _ = _run_loop(rt.session, args, cond, body, n_vars, has_max)
    return values[0] if n_vars == 1 else tuple(values)


def _loop_parts(node):
    a = node.attrs
    n_vars = a["n_vars"]
    caps = node.inputs[n_vars:len(node.inputs) - a["has_max"]]
    fvars = tuple(i for i in range(n_vars) if node.inputs[i].dtype.is_floating)
    return a, n_vars, caps, fvars


def _vjp_while(node, gs):
    """Cotangents of the initial values and captured tensors: a WhileGrad node."""
    a, n_vars, caps, fvars = _loop_parts(node)
    if all(gs[i] is None for i in fvars):
        return [None] * len(node.inputs)
    effects = _effects(a["cond"], a["body"])
    if effects:
        raise errors.GradientError(
            f"differentiating {errors.describe_node(node)} runs its loop again, where "
            f"{errors.describe_node(effects[0])} would run (or draw) a second time: move it "
            "out of the loop, or stop the gradient through it")
    fcaps = tuple(j for j, c in enumerate(caps) if c.dtype.is_floating)
    bfg, b_ins, b_outs = a["body"]
    from ..autodiff.reverse import gradients
    with bfg.as_default():
        cots = [placeholder(b_ins[i].dtype, b_ins[i].shape, name="cotangent") for i in fvars]
        xs = [b_ins[i] for i in fvars] + [b_ins[n_vars + j] for j in fcaps]
        grads = gradients([b_outs[i] for i in fvars], xs, grad_ys=cots,
                          unconnected_gradients="zero")
    from .creation import zeros_like
    seeds = [gs[i] if gs[i] is not None else zeros_like(node.outputs[i]) for i in fvars]
    grad = apply(WHILE_GRAD, tuple(node.inputs) + tuple(seeds), name="while_grad",
                 cond=a["cond"], body=a["body"], vjp=(bfg, b_ins + tuple(cots), tuple(grads)),
                 n_vars=n_vars, has_max=a["has_max"], fvars=fvars, fcaps=fcaps)
    result = [None] * len(node.inputs)
    for k, i in enumerate(fvars):
        result[i] = grad.outputs[k]
    for k, j in enumerate(fcaps):
        result[n_vars + j] = grad.outputs[len(fvars) + k]
    return result


def _jvp_while(node, ts):
    """Tangents of the loop's results: a While over (values, tangents)."""
    a, n_vars, caps, fvars = _loop_parts(node)
    tcaps = [j for j, c in enumerate(caps) if ts[n_vars + j] is not None and c.dtype.is_floating]
    if not fvars or (not tcaps and all(ts[i] is None for i in fvars)):
        return [None] * len(node.outputs)
    (cfg, c_ins, c_outs), (bfg, b_ins, b_outs) = a["cond"], a["body"]
    from ..autodiff.forward import jvp
    from .creation import zeros_like
    with bfg.as_default():
        tv = [placeholder(b_ins[i].dtype, b_ins[i].shape, name="tangent") for i in fvars]
        tc = [placeholder(b_ins[n_vars + j].dtype, b_ins[n_vars + j].shape, name="tangent")
              for j in tcaps]
        touts = jvp([b_outs[i] for i in fvars],
                    [b_ins[i] for i in fvars] + [b_ins[n_vars + j] for j in tcaps], tv + tc)
    none_v, none_c = (None,) * len(fvars), (None,) * len(tcaps)
    cond = (cfg, c_ins[:n_vars] + none_v + c_ins[n_vars:] + none_c, c_outs)
    body = (bfg, b_ins[:n_vars] + tuple(tv) + b_ins[n_vars:] + tuple(tc),
            b_outs + tuple(touts))
    seeds = [ts[i] if ts[i] is not None else zeros_like(node.inputs[i]) for i in fvars]
    inputs = (list(node.inputs[:n_vars]) + seeds + list(caps) +
              [ts[n_vars + j] for j in tcaps] + list(node.inputs[len(node.inputs) - a["has_max"]:]))
    new = _make_while(inputs, cond, body, n_vars + len(fvars), a["has_max"], "while_jvp")
    result = [None] * len(node.outputs)
    for k, i in enumerate(fvars):
        result[i] = new.outputs[n_vars + k]
    return result


_DOC = dict(
    api="while_loop",
    signature="while_loop(cond, body, loop_vars, shape_invariants=None, "
              "maximum_iterations=None, name=None, return_same_structure=False)",
    shape_rule="each loop variable's shape invariant (its initial shape by default)",
    dtypes="the loop variables' dtypes")
WHILE = register(OpDef(
    "While", _infer_while, _while_kernel, vjp=_vjp_while, jvp=_jvp_while, stateful=True,
    uses_state=True, doc="A loop whose body or condition has effects or draws.", **_DOC))
STATELESS_WHILE = register(OpDef(
    "StatelessWhile", _infer_while, _while_kernel, vjp=_vjp_while, jvp=_jvp_while,
    uses_state=True, doc="A loop over pure condition and body graphs.", **_DOC))


# ---- WhileGrad -------------------------------------------------------------------------------
def _infer_while_grad(ctx, *args, cond, body, vjp, n_vars, has_max, fvars, fcaps):
    n_in = len(args) - len(fvars)
    _check_max(args[:n_in], has_max)
    types = [(args[i].shape, args[i].dtype) for i in fvars]
    types += [(args[n_vars + j].shape, args[n_vars + j].dtype) for j in fcaps]
    return types if len(types) != 1 else types[0]


def _while_grad_kernel(rt, *args, cond, body, vjp, n_vars, has_max, fvars, fcaps):
    n_in = len(args) - len(fvars)
    trajectory = []
    _, extra = _run_loop(rt.session, args[:n_in], cond, body, n_vars, has_max, trajectory)
    back = compiled(rt.session, *vjp)
    gs = list(args[n_in:])
    acc = [np.zeros_like(extra[j]) for j in fcaps]
    k = len(fvars)
    for values in reversed(trajectory):
        out = back(values + extra + gs)
        gs = out[:k]
        for a, g in zip(acc, out[k:]):
            np.add(a, g, out=a)
    result = gs + acc
    return result[0] if len(result) == 1 else tuple(result)


def _no_second_order(node, _):
    raise errors.GradientError(
        f"second derivatives through the gradient of a while_loop are not built "
        f"({errors.describe_node(node)}); forward mode over the loop (gc.jvp) works")


WHILE_GRAD = register(OpDef(
    "WhileGrad", _infer_while_grad, _while_grad_kernel, vjp=_no_second_order,
    jvp=_no_second_order, uses_state=True, api="gradients(while_loop)",
    signature="(built by gc.gradients of a while_loop)",
    shape_rule="the shapes of the loop's initial values and captured tensors",
    dtypes="theirs", doc="The reverse sweep of a while_loop over its recomputed trajectory."))
