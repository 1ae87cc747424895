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
# One op, two of TF's. rule="broadcast" (the default) is TF's SelectV2 (where_v2, TF2's
# tf.where): condition, x and y broadcast as numpy does. TF1's Select (gc.where) is
# stricter: x and y of one shape, and the condition a scalar (picking all of x or all of
# y), of their shape, or a vector picking rows of x. Its nodes carry rule="same", with the
# operands as given, or rule="rows", with a vector condition that where() reshaped to
# (n, 1, ...): that node also computes as numpy broadcasting does (and exports as TF's
# SelectV2), while its checks stay TF1's.
_HINT = "TF1's where; gc.where_v2 broadcasts"


def _equal_shapes(ctx, i, j):
    """The shape of inputs i and j merged; TF1's Select needs them equal."""
    s, t = ctx.inputs[i].shape, ctx.inputs[j].shape
    if s._dims is None or t._dims is None:
        return (s if t._dims is None else t)._dims
    if len(s._dims) != len(t._dims):
        raise InferError(f"{{{i}}} and {{{j}}} must have the same shape ({_HINT}), not {s} "
                         f"and {t}")
    return tuple(ctx.merge_dims(a, b, f"{{{{{i}}}}} and {{{{{j}}}}} must have the same shape "
                                      f"({_HINT}): dim {k} is {{a}} and {{b}}")
                 for k, (a, b) in enumerate(zip(s._dims, t._dims)))


def _infer_select(ctx, c, a, b, *, rule="broadcast"):
    if not c.dtype.is_bool:
        raise InferError(f"the condition {{0}} must be bool, not {c.dtype.name}", "dtype")
    ctx.same_dtype(1, 2)
    if rule == "broadcast":
        return ctx.broadcast(), a.dtype
    data = _equal_shapes(ctx, 1, 2)
    cond = c.shape._dims
    if data is None or cond is None or not cond:        # unknown ranks, a scalar condition
        return data, a.dtype
    if rule == "rows" or (len(cond) == 1 and len(data) > 1):     # a vector picks rows
        ctx.merge_dims(cond[0], data[0], f"the condition {{{{0}}}} has {{a}} elements but "
                                         f"x {{{{1}}}} has {{b}} rows ({_HINT})")
        return data, a.dtype
    if len(cond) != len(data):
        raise InferError(f"the condition {{0}} must be a scalar, a vector of x's rows or of "
                         f"x's shape {TensorShape(data)}, not of shape {c.shape} ({_HINT})")
    return tuple(ctx.merge_dims(p, q, f"the condition {{{{0}}}} must have x's shape: dim {k} "
                                      f"is {{a}} and {{b}} ({_HINT})")
                 for k, (p, q) in enumerate(zip(cond, data))), a.dtype


def _dims(shape):
    return "[" + ",".join(map(str, shape)) + "]"     # TF's way: [3,2]


def _check_tf1_select(c, x, y, rule):
    """TF1's Select kernel's checks, with its words (InvalidArgumentError)."""
    rows = rule == "rows" or (c.ndim == 1 and x.ndim != 1)
    if c.ndim and not rows:
        for k, t in ((1, x), (2, y)):
            if t.shape != c.shape:
                raise errors.InvalidArgumentError(
                    f"Inputs to operation Select of type Select must have the same size and "
                    f"shape.  Input 0: {_dims(c.shape)} != input {k}: {_dims(t.shape)} "
                    f"({_HINT})")
        return
    if rows and x.ndim == 0:
        raise errors.InvalidArgumentError(
            f"'then' must be at least a vector, but saw shape: [] ({_HINT})")
    if rows and x.shape[0] != c.shape[0]:
        raise errors.InvalidArgumentError(
            f"Number of batches of 'then' must match size of 'cond', but saw: {x.shape[0]} "
            f"vs. {c.shape[0]} ({_HINT})")
    if x.shape != y.shape:
        raise errors.InvalidArgumentError(
            f"'then' and 'else' must have the same size.  but received: {_dims(x.shape)} vs. "
            f"{_dims(y.shape)} ({_HINT})")


def _select_kernel(c, x, y, *, rule="broadcast"):
    if rule != "broadcast":
        _check_tf1_select(c, x, y, rule)
        if c.ndim == 1 and x.ndim > 1:      # TF1: a vector condition picks rows
            c = c.reshape((-1,) + (1,) * (x.ndim - 1))
    return np.where(c, x, y)


def _select_vjp(node, gs):
    """gx = where(c, g, 0), gy = where(c, 0, g) (under the node's rule)."""
    c, a, b = node.inputs
    g = gs[0]
    zero = zeros_like_(g)
    return [None, _select(c, g, zero, node.attrs), _select(c, zero, g, node.attrs)]


def _select_jvp(node, ts):
    c, a, b = node.inputs
    _, ta, tb = ts
    if ta is None and tb is None:
        return None
    ta = ta if ta is not None else zeros_like_(a)
    tb = tb if tb is not None else zeros_like_(b)
    return _select(c, ta, tb, node.attrs)


def _select_batch(node, args, batched):
    """vmap. Where every rank is known, TF1's Select computes as numpy broadcasting does
    (a vector condition was reshaped to rows), so the batched op is where_v2's; with a
    rank unknown, slice by slice."""
    from ..autodiff.batching_rules import batch_broadcasting, batch_by_slices, expand_to
    if not node.attrs:
        return batch_broadcasting(node, args, batched)
    rank = node.outputs[0].shape.rank
    if rank is None or any(t.shape.rank is None for t in node.inputs):
        return batch_by_slices(node, args, batched)
    return [select(*(expand_to(a, rank) if b else a for a, b in zip(args, batched)))]


SELECT = register(OpDef(
    "Select", _infer_select, _select_kernel, vjp=_select_vjp, jvp=_select_jvp,
    batch=_select_batch, elementwise=True, api="where",
    signature="where(condition, x, y, name=None)",
    shape_rule="numpy broadcast of condition, x, y (rule 'broadcast'); TF1's: x, y equal, "
               "the condition a scalar, x's shape or a vector of x's rows",
    dtypes="condition bool; x, y same",
    doc="x where condition else y: TF2/numpy broadcasting, or TF1's rules (gc.where)."))


def _select(c, x, y, attrs):
    return apply1(SELECT, (c, x, y), **attrs)


def select(condition, x, y, name=None):
    """x where condition else y, all three broadcast as numpy does (where_v2)."""
    x, y = operands(x, y, "where")
    return apply1(SELECT, (convert_to_tensor(condition), x, y), name=name)


def where(condition, x=None, y=None, name=None):
    """Elementwise x where condition, else y; with condition alone, the int64
    coordinates of its true elements, one row each (TF1; where.py). As TF1's Select, x
    and y must have one shape, and the condition x's shape, a scalar (all of x or all of
    y) or, for x of rank >= 2, a vector picking rows of x; gc.where_v2 broadcasts all
    three as numpy does:

        gc.where([True, False, True], [1, 2, 3], [9, 9, 9])     # [1, 9, 3]
        gc.where([True, False], [[1, 2], [3, 4]], [[0, 0], [0, 0]])   # [[1, 2], [0, 0]]
        gc.where([[True, False], [True, True]])                # [[0, 0], [1, 0], [1, 1]]
    """
    if x is None and y is None:
        from .where import where_
        return where_(condition, name=name)
    if x is None or y is None:
        raise errors.UsageError("where: x and y must both be given or both be None"
                                + errors.called_at("where"))
    x, y = operands(x, y, "where")
    condition = convert_to_tensor(condition)
    rank = x.shape.rank if x.shape.rank is not None else y.shape.rank
    if condition.shape.rank != 1 or rank is None or rank < 2:
        return apply1(SELECT, (condition, x, y), name=name, rule="same")
    _check_rows(condition, x, y)
    from .array import reshape          # (n,) -> (n, 1, ...): numpy broadcasting picks rows
    condition = reshape(condition, [-1] + [1] * (rank - 1))
    return apply1(SELECT, (condition, x, y), name=name, rule="rows")


def _check_rows(c, x, y):
    """A vector condition has one element per row of x and y (checked here, where the
    message can name the condition itself rather than its reshape)."""
    n = c.shape._dims[0]
    m = next((t.shape._dims[0] for t in (x, y) if t.shape.rank and
              isinstance(t.shape._dims[0], int)), None)
    if isinstance(n, int) and m is not None and n != m:
        raise errors.ShapeError(
            f"where: the condition has {n} elements but x and y have {m} rows ({_HINT})\n"
            + "\n".join(f"  {errors.describe_tensor(t, t.node.name)}" for t in (c, x, y))
            + errors.called_at("where"))


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
            f"{out.shape}\n  {errors.describe_tensor(t, 't')}" + errors.called_at("clip_by_value"))
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
    from .array import _shape_tensor        # lazy, as _shape_of: no import cycle
    x = convert_to_tensor(input)
    return apply1(BROADCAST_TO, (x, _shape_tensor(shape, "broadcast_to")), name=name)
