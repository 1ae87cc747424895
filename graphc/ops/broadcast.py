"""Elementwise ops whose operands combine by more than numpy's two-operand rule: where
(three operands), add_n (any number, never broadcast), clip_by_value, and the two
broadcasting helpers gradients need (sum_to, broadcast_to)."""
import numpy as np

from .. import dtypes, errors
from ..shapes import InferError, TensorShape, surely_differ
from .core import convert_to_tensor
from .elementwise import maximum, minimum, operands, sum_terms, zeros_like_
from .registry import OpDef, apply1, register

__all__ = ["where", "add_n", "clip_by_value", "sum_to", "broadcast_to"]


# ---- where, add_n, clip_by_value ----------------------------------------------------------
def _infer_select(ctx, c, a, b):
    if not c.dtype.is_bool:
        raise InferError(f"the condition {{0}} must be bool, not {c.dtype.name}", "dtype")
    ctx.same_dtype(1, 2)
    return ctx.broadcast(), a.dtype


def _select_vjp(node, gs):
    c, a, b = node.inputs
    g = gs[0]
    zero = zeros_like_(g)
    return [None, select(c, g, zero), select(c, zero, g)]


def _select_jvp(node, ts):
    c, a, b = node.inputs
    _, ta, tb = ts
    if ta is None and tb is None:
        return None
    ta = ta if ta is not None else zeros_like_(a)
    tb = tb if tb is not None else zeros_like_(b)
    return select(c, ta, tb)


SELECT = register(OpDef(
    "Select", _infer_select, np.where, vjp=_select_vjp, jvp=_select_jvp, elementwise=True,
    api="where", signature="where(condition, x, y, name=None)",
    shape_rule="numpy broadcast of condition, x, y", dtypes="condition bool; x, y same",
    doc="x where condition else y (TF2/numpy broadcasting)."))


def select(condition, x, y, name=None):
    """x where condition else y, all three broadcast as numpy does (where_v2)."""
    x, y = operands(x, y, "where")
    return apply1(SELECT, (convert_to_tensor(condition), x, y), name=name)


def where(condition, x=None, y=None, name=None):
    """Elementwise x where condition, else y; with condition alone, the int64
    coordinates of its true elements, one row each (TF1; where.py). As in TF1, a vector
    condition with matrices (or higher) x, y picks whole rows; otherwise the three
    broadcast as numpy does:

        gc.where([True, False, True], [1, 2, 3], [9, 9, 9])     # [1, 9, 3]
        gc.where([True, False], [[1, 2], [3, 4]], [[0, 0], [0, 0]])   # [[1, 2], [0, 0]]
        gc.where([[True, False], [True, True]])                # [[0, 0], [1, 0], [1, 1]]
    """
    if x is None and y is None:
        from .where import where_
        return where_(condition, name=name)
    if x is None or y is None:
        raise ValueError("where: x and y must both be given or both be None")
    x, y = operands(x, y, "where")
    condition = convert_to_tensor(condition)
    rank = max(x.shape.rank or 0, y.shape.rank or 0)
    if condition.shape.rank == 1 and rank > 1:      # TF1's Select: condition[i] picks row i
        from .array import reshape
        condition = reshape(condition, [-1] + [1] * (rank - 1))
    return select(condition, x, y, name=name)


def _infer_add_n(ctx, *xs):
    if not xs:
        raise InferError("add_n needs at least one input")
    ctx.same_dtype()
    shape = xs[0].shape
    for i, x in enumerate(xs[1:], 1):
        if shape._dims is None or x.shape._dims is None:
            shape = shape if shape._dims is not None else x.shape
            continue
        if len(shape._dims) != len(x.shape._dims):
            raise InferError(f"add_n inputs must have equal shapes: {{0}} has {xs[0].shape} "
                             f"but {{{i}}} has {x.shape}")
        shape = TensorShape(tuple(ctx.merge_dims(
            a, b, f"add_n inputs must have equal shapes: {{{{0}}}} has {xs[0].shape} but "
                  f"{{{{{i}}}}} has {x.shape}") for a, b in zip(shape._dims, x.shape._dims)))
    return shape, xs[0].dtype


def _add_n_kernel(*xs):
    if len(xs) == 1:
        return xs[0]
    if any(x.shape != xs[0].shape for x in xs):     # add_n never broadcasts
        raise ValueError(f"add_n inputs must have equal shapes, got "
                         f"{[np.shape(x) for x in xs]}")
    out = np.add(xs[0], xs[1])
    for x in xs[2:]:
        out += x
    return out


ADD_N = register(OpDef(
    "AddN", _infer_add_n, _add_n_kernel,
    vjp=lambda node, gs: [gs[0]] * len(node.inputs),
    jvp=lambda node, ts: sum_terms(ts), elementwise=True, commutative=True, api="add_n",
    signature="add_n(inputs, name=None)", shape_rule="all inputs the same shape",
    dtypes="numeric (all same)", doc="Sum of a list of same-shaped tensors."))


def add_n(inputs, name=None):
    inputs = [convert_to_tensor(x) for x in inputs]
    return apply1(ADD_N, inputs, name=name)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """max(min(t, clip_value_max), clip_value_min), in TF1's order (so clip_value_min wins
    where the bounds cross). The bounds may broadcast to t but never make it bigger:

        gc.clip_by_value(x, -1.0, 1.0)

    An IndexedSlices (a sparse gradient) gives an IndexedSlices of its clipped values,
    as in TF1.
    """
    from ..indexed_slices import IndexedSlices
    if isinstance(t, IndexedSlices):
        return IndexedSlices(clip_by_value(t.values, clip_value_min, clip_value_max, name),
                             t.indices, t.dense_shape)
    t = convert_to_tensor(t)
    from ..graph import name_scope
    with name_scope(name, "clip_by_value", [t]) as scope:    # TF1's names
        out = maximum(minimum(t, clip_value_max), clip_value_min, name=scope)
    if surely_differ(out.shape, t.shape):
        raise errors.ShapeError(
            f"clip_by_value: the bounds would broadcast t of shape {t.shape} to "
            f"{out.shape}\n  {errors.describe_tensor(t, 't')}\n"
            f"  in clip_by_value called at {errors.format_site(errors.user_site())}")
    return out


# ---- broadcasting helpers that gradients need ---------------------------------------------
def _infer_sum_to(ctx, g, shape):
    if not shape.dtype.is_integer:
        raise InferError("the target shape {1} must be an integer tensor", "dtype")
    return ctx.shape_value(shape), g.dtype


def sum_to_kernel(g, shape):
    shape = tuple(int(d) for d in shape)
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape)
                                       if d == 1 and g.shape[i + lead] != 1)
    return np.sum(g, axis=axes, keepdims=False).reshape(shape) if axes else g.reshape(shape)


def _shape_of(t):
    from .array import shape
    return shape(t, out_type=dtypes.int64)


SUM_TO = register(OpDef(
    "SumTo", _infer_sum_to, sum_to_kernel,
    vjp=lambda node, gs: [broadcast_to(gs[0], _shape_of(node.inputs[0])), None],
    jvp=lambda node, ts: None if ts[0] is None else sum_to(ts[0], node.inputs[1]),
    api="sum_to", signature="sum_to(g, shape)",
    shape_rule="`shape` (a 1-D int tensor)", dtypes="numeric; shape int",
    doc="Sums g over the axes that broadcasting to g.shape expanded from `shape`."))


def sum_to(g, shape, name=None):
    return apply1(SUM_TO, (g, convert_to_tensor(shape, dtype_hint=dtypes.int64)), name=name)


def _infer_broadcast_to(ctx, x, shape):
    if not shape.dtype.is_integer:
        raise InferError("the target shape {1} must be an integer tensor", "dtype")
    target = ctx.shape_value(shape)._dims
    if x.shape._dims is not None and target is not None:
        if len(x.shape._dims) > len(target):
            raise InferError(f"cannot broadcast {{0}} of shape {x.shape} to {target}: "
                             "more dims than the target")
        for k, d in enumerate(x.shape._dims):
            t = target[k + len(target) - len(x.shape._dims)]
            r, rt = ctx.resolve(d), ctx.resolve(t)
            if r is not None and rt is not None and r != 1 and r != rt:
                raise InferError(f"cannot broadcast {{0}} of shape {x.shape} to {target}")
    return target, x.dtype


BROADCAST_TO = register(OpDef(
    "BroadcastTo", _infer_broadcast_to,
    lambda x, shape: np.broadcast_to(x, tuple(int(d) for d in shape)),
    vjp=lambda node, gs: [sum_to(gs[0], _shape_of(node.inputs[0])), None],
    jvp=lambda node, ts: None if ts[0] is None else broadcast_to(ts[0], node.inputs[1]),
    api="broadcast_to", signature="broadcast_to(input, shape, name=None)",
    shape_rule="`shape`", dtypes="any; shape int",
    doc="input broadcast (numpy rules) to `shape`."))


def broadcast_to(input, shape, name=None):
    x = convert_to_tensor(input)
    return apply1(BROADCAST_TO, (x, convert_to_tensor(shape, dtype_hint=dtypes.int64)),
                  name=name)
