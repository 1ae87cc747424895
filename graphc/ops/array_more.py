"""More of TF1's array functions, added for parity (see docs/tf1-compat.md).

Composites of existing ops (so they get gradients, jvps, vmap and shape inference from
the ops they build): ensure_shape (identity behind an Assert on the dims not known when
the graph is built), repeat (a gather), unravel_index, parallel_stack, batch_gather, and
space_to_batch_nd / batch_to_space_nd (pad, reshape, transpose, reshape and its
inverse; in space_batch.py). Ops: InvertPermutation (an int op that validates its input) and
TensorScatterMax / TensorScatterMin (the pure scatters with TF's tie-splitting vjp).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, control_dependencies, name_scope
from ..shapes import InferError, as_shape
from . import elementwise as E
from . import reduce as R
from .array import _shape_tensor, as_int, int_array, rank, reshape, shape, static_value
from .asserts import Assert
from .core import constant, convert_to_tensor, identity
from .counting import searchsorted
from .creation import fill, range as range_
from .gather import gather
from .indexing import _int_index
from .join import concat, stack
from .registry import OpDef, apply1, constant_value, register
from .scan import cumprod, cumsum
from .scatter import gather_nd, scatter_nd
from .state_scatter import _infer_tensor_scatter, _tensor_scatter_kernel

__all__ = ["ensure_shape", "repeat", "unravel_index", "invert_permutation", "parallel_stack",
           "tensor_scatter_nd_max", "tensor_scatter_nd_min", "tensor_scatter_max",
           "tensor_scatter_min", "batch_gather", "space_to_batch_nd", "batch_to_space_nd",
           "space_to_batch", "batch_to_space"]


def _shape_error(api, msg, *tensors):
    """A ShapeError naming each tensor and the caller's line."""
    lines = "".join(f"\n  {errors.describe_tensor(t, t.name)}" for t in tensors)
    return errors.ShapeError(f"{api}: {msg}{lines}" + errors.called_at(api))


def _tf_shape(s):
    """A shape as TF prints it: [?,5]."""
    if s._dims is None:
        return "<unknown>"
    return "[" + ",".join("?" if not isinstance(d, int) else str(d) for d in s._dims) + "]"


def _dim(x, k):
    """Dim k of x: an int where known, else a scalar int32 tensor."""
    d = x.shape._dims[k]
    return d if isinstance(d, int) else shape(x)[k]


def _known_rank(x, api, what="input"):
    r = x.shape.rank
    if r is None:
        raise _shape_error(api, f"{what} must have a rank known when the graph is built", x)
    return r


# ---- ensure_shape -------------------------------------------------------------------------
def ensure_shape(x, shape, name=None):  # noqa: A002 (TF1 names)
    """x, with its static shape merged with `shape` (a ShapeError now if they conflict)
    and a run-time check of the dims only known then (the run fails naming x):

        y = gc.ensure_shape(x, [None, 3])        # x: (?, ?) -> y: (?, 3), checked when run
    """
    x = convert_to_tensor(x)
    want = as_shape(shape)
    have = x.shape
    if want._dims is not None and have._dims is not None and (
            len(want._dims) != len(have._dims) or any(
                isinstance(a, int) and isinstance(b, int) and a != b
                for a, b in zip(have._dims, want._dims))):
        raise _shape_error("ensure_shape", f"the shape of x, {_tf_shape(have)}, is not "
                           f"compatible with the expected shape {_tf_shape(want)}", x)
    with name_scope(name, "EnsureShape"):
        check = _shape_check(x, want)
        if check is None:
            out = identity(x)
        else:
            with control_dependencies([check]):
                out = identity(x)
        out.set_shape(want)
        return out


def _shape_check(x, want):
    """An Assert that x's run-time shape matches `want` where graphc cannot tell now."""
    if want._dims is None:
        return None
    n = len(want._dims)
    known = x.shape._dims
    todo = [k for k, d in enumerate(want._dims) if isinstance(d, int)
            and (known is None or not isinstance(known[k], int))]
    if known is not None and not todo:
        return None
    s = shape(x)
    if known is None:           # the rank too; pad so that gathering position k is valid
        s = concat([s, fill([n], -1)], 0)[:n]
    got = gather(s, constant(np.array(todo, np.int32)))
    ok = R.reduce_all(E.equal(got, constant(np.array([want._dims[k] for k in todo],
                                                     np.int32))))
    if known is None:
        ok = E.logical_and(E.equal(rank(x), n), ok)
    return Assert(ok, [f"Shape of tensor {x.name}", shape(x),
                       f"is not compatible with expected shape {_tf_shape(want)}."],
                  summarize=n + 8)


# ---- repeat -------------------------------------------------------------------------------
def repeat(input, repeats, axis=None, name=None):  # noqa: A002 (TF1 names)
    """Each element of input repeated along axis (numpy's repeat; axis=None flattens
    input first). repeats is a scalar or one count per element (a 1-D int tensor):

        gc.repeat([[1, 2], [3, 4]], 2, axis=0)           # [[1, 2], [1, 2], [3, 4], [3, 4]]
        gc.repeat([[1, 2], [3, 4]], [1, 3], axis=1)      # [[1, 2, 2, 2], [3, 4, 4, 4]]
    """
    with name_scope(name, "Repeat"):
        x = convert_to_tensor(input)
        if axis is None:
            x, axis = reshape(x, [-1]), 0
        r = _known_rank(x, "repeat")
        axis = as_int(static_value(axis, "repeat: axis"))
        if not isinstance(axis, int) or not -r <= axis < r:
            raise _shape_error("repeat", f"axis {axis} is out of range for a tensor of "
                               f"rank {r}", x)
        axis %= r
        reps = repeats if isinstance(repeats, Tensor) else convert_to_tensor(
            int_array(repeats, "repeat", "repeats"))      # 1.5 raises: never truncated
        if not reps.dtype.is_integer:
            raise errors.DTypeError(f"repeat: repeats must be int, not {reps.dtype.name}\n  "
                                    + errors.describe_tensor(reps, reps.name))
        if reps.shape.rank not in (0, 1, None):
            raise _shape_error("repeat", "repeats must be a scalar or a 1-D tensor, not "
                               f"of shape {reps.shape}", reps)
        n = _dim(x, axis)
        return gather(x, _repeat_indices(reps, n), axis=axis)


def _repeat_indices(reps, n):
    """The source index of each output element along the axis: np.repeat(arange(n), reps),
    as a constant when reps and n are known."""
    v = constant_value(reps)
    if v is not None and isinstance(n, int):
        if v.ndim == 1 and v.size not in (1, n):
            raise _shape_error("repeat", f"repeats has {v.size} entries, but the axis has "
                               f"{n} elements", reps)
        if (v < 0).any():
            raise _shape_error("repeat", f"repeats must be >= 0, got {v.tolist()}", reps)
        return constant(np.repeat(np.arange(n, dtype=np.int32), np.broadcast_to(v, (n,))))
    counts = E.cast(reps, dtypes.int32)
    if reps.shape.rank != 1 or reps.shape._dims[0] != n or not isinstance(n, int):
        counts = counts * fill(_shape_tensor([n]), 1)        # broadcast to (n,)
    ends = cumsum(counts)                   # element i fills [ends[i-1], ends[i])
    return searchsorted(ends, range_(R.reduce_sum(counts)), side="right")


# ---- unravel_index ------------------------------------------------------------------------
def unravel_index(indices, dims, name=None):
    """The coordinates in an array of shape dims of each flat index (numpy's
    unravel_index): (len(dims),) for a scalar index, (len(dims), n) for n indices.

        gc.unravel_index([22, 41, 37], [7, 6])      # [[3, 6, 6], [4, 5, 1]]
    """
    with name_scope(name, "UnravelIndex"):
        indices, dims = E.operands(indices, dims, "unravel_index")
        for t, what in ((indices, "indices"), (dims, "dims")):
            if not t.dtype.is_integer:
                raise errors.DTypeError(f"unravel_index: {what} must be int, not "
                                        f"{t.dtype.name}\n  "
                                        + errors.describe_tensor(t, t.name))
        if indices.shape.rank not in (0, 1, None):
            raise _shape_error("unravel_index", "indices must be a scalar or 1-D, not of "
                               f"shape {indices.shape}", indices)
        if dims.shape.rank not in (1, None):
            raise _shape_error("unravel_index", f"dims must be 1-D, not of shape "
                               f"{dims.shape}", dims)
        strides = cumprod(dims, exclusive=True, reverse=True)
        ri = indices.shape.rank
        if ri is None:
            raise _shape_error("unravel_index", "indices must have a known rank", indices)
        col = [-1] + [1] * ri
        s, d = reshape(strides, col), reshape(dims, col)
        ok = R.reduce_all(E.logical_and(E.greater_equal(indices, 0),
                                        E.less(indices, R.reduce_prod(dims))))
        check = Assert(ok, ["index out of bound as with dims:", indices, "dims =", dims])
        with control_dependencies([check]):
            return E.mod(E.floordiv(indices, s), d)


# ---- invert_permutation -------------------------------------------------------------------
def _infer_invert_permutation(ctx, x):
    _int_index(ctx, 0, x, "x")
    if x.shape.rank not in (1, None):
        raise InferError(f"{{0}} must be 1-D, not of shape {x.shape}")
    v = ctx.constant_value(x)
    if v is not None and not np.array_equal(np.sort(v), np.arange(v.size)):
        raise InferError(f"{{0}} must be a permutation of 0..{v.size - 1}, not {v.tolist()}")
    return x.shape, x.dtype


def _invert_permutation_kernel(x):
    if x.ndim != 1:
        raise ValueError(f"invert_permutation: x must be 1-D, not of shape {x.shape}")
    if not np.array_equal(np.sort(x), np.arange(x.size)):
        raise ValueError(f"invert_permutation: {x.tolist()} is not a permutation of "
                         f"0..{x.size - 1}")
    out = np.empty_like(x)
    out[x] = np.arange(x.size, dtype=x.dtype)
    return out


INVERT_PERMUTATION = register(OpDef(
    "InvertPermutation", _infer_invert_permutation, _invert_permutation_kernel,
    differentiable=False, api="invert_permutation",
    signature="invert_permutation(x, name=None)", shape_rule="same as x (1-D)",
    dtypes="int32, int64",
    doc="The inverse permutation: out[x[i]] = i (x must be a permutation of 0..n-1)."))


def invert_permutation(x, name=None):
    """The inverse of the permutation x (1-D ints, each of 0..n-1 once): out[x[i]] = i.

        gc.invert_permutation([3, 4, 0, 2, 1])       # [2, 4, 3, 0, 1]
    """
    if not isinstance(x, Tensor):
        x = convert_to_tensor(int_array(x, "invert_permutation", "x"))
    return apply1(INVERT_PERMUTATION, (x,), name=name)


# ---- parallel_stack -----------------------------------------------------------------------
def parallel_stack(values, name="parallel_stack"):
    """stack(values, axis=0); as TF1, each value's shape must be known when the graph is
    built.

        gc.parallel_stack([x, y, z])        # (3,) + x.shape
    """
    values = [convert_to_tensor(v) for v in values]
    for v in values:
        if not v.shape.is_fully_defined():
            raise _shape_error("parallel_stack", "the shape of each value must be fully "
                               f"known when the graph is built, not {v.shape}", v)
    return stack(values, axis=0, name=name)


# ---- tensor_scatter_nd_max, tensor_scatter_nd_min -----------------------------------------
def _extremum_split(node):
    """(x indicators, update indicators, their count per output element): which inputs
    equal the output there; ties share the derivative (TF's _TensorScatterMinOrMaxGrad)."""
    x, indices, updates = node.inputs
    out = node.outputs[0]
    x_on = E.cast(E.equal(x, out), x.dtype)
    u_on = E.cast(E.equal(updates, gather_nd(out, indices)), x.dtype)
    count = x_on + scatter_nd(indices, u_on, shape(x))      # >= 1 everywhere
    return x_on, u_on, count


def _extremum_vjp(node, gs):
    """g_x = g x_on / count; g_updates = gather_nd(g / count, indices) u_on."""
    x_on, u_on, count = _extremum_split(node)
    g = gs[0] / count
    return [g * x_on, None, gather_nd(g, node.inputs[1]) * u_on]


def _extremum_jvp(node, ts):
    """(t_x x_on + scatter_nd(indices, t_updates u_on)) / count (the vjp's transpose)."""
    if ts[0] is None and ts[2] is None:
        return None
    x_on, u_on, count = _extremum_split(node)
    parts = []
    if ts[0] is not None:
        parts.append(ts[0] * x_on)
    if ts[2] is not None:
        parts.append(scatter_nd(node.inputs[1], ts[2] * u_on, shape(node.inputs[0])))
    total = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    return total / count


def _extremum_op(name, mode):
    api = f"tensor_scatter_nd_{mode}"
    return register(OpDef(
        name, lambda ctx, t, i, u: _infer_tensor_scatter(ctx, t, i, u, mode),
        lambda t, i, u: _tensor_scatter_kernel(t, i, u, mode),
        vjp=_extremum_vjp, jvp=_extremum_jvp, api=api,
        signature=f"{api}(tensor, indices, updates, name=None)", shape_rule="same as tensor",
        dtypes="numeric; indices int",
        doc=f"A copy of tensor with each update combined by {mode}imum into its index "
            "tuple; ties share the gradient equally."))


TENSOR_SCATTER_MAX = _extremum_op("TensorScatterMax", "max")
TENSOR_SCATTER_MIN = _extremum_op("TensorScatterMin", "min")


def _tensor_scatter(op, tensor, indices, updates, name):
    tensor = convert_to_tensor(tensor)
    updates = convert_to_tensor(updates, dtype=tensor.dtype)
    return apply1(op, (tensor, convert_to_tensor(indices), updates), name=name)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    """tensor with tensor[index tuple] = max(it, update) for each tuple in indices' last
    dim: `gc.tensor_scatter_nd_max([1., 5., 3.], [[0], [1]], [4., 2.])` is [4, 5, 3]."""
    return _tensor_scatter(TENSOR_SCATTER_MAX, tensor, indices, updates, name)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    """tensor with tensor[index tuple] = min(it, update) for each tuple in indices' last
    dim: `gc.tensor_scatter_nd_min([1., 5., 3.], [[0], [1]], [4., 2.])` is [1, 2, 3]."""
    return _tensor_scatter(TENSOR_SCATTER_MIN, tensor, indices, updates, name)


tensor_scatter_max = tensor_scatter_nd_max     # TF 1.15 names
tensor_scatter_min = tensor_scatter_nd_min


# ---- batch_gather -------------------------------------------------------------------------
def batch_gather(params, indices, name=None):
    """TF1's batch_gather: gather with batch_dims = rank(indices) - 1 (the leading dims of
    params and indices are batch dims): params (B, N, D), indices (B, K) -> (B, K, D).

        gc.batch_gather(scores, top_ids)
    """
    with name_scope(name, "BatchGather"):
        params, indices = convert_to_tensor(params), convert_to_tensor(indices)
        if indices.shape.rank is None:
            raise _shape_error("batch_gather", "batch_gather does not allow indices with "
                               "unknown shape", indices)
        return gather(params, indices, batch_dims=indices.shape.rank - 1)


# space_to_batch(_nd) and batch_to_space(_nd) live in space_batch.py, which imports the
# helpers above: imported last (it needs them defined)
from .space_batch import (batch_to_space, batch_to_space_nd, space_to_batch,  # noqa: E402
                          space_to_batch_nd)
