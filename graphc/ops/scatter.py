"""gather_nd and scatter_nd: each the other's transpose (gather_nd's vjp scatter-adds g
into params' shape; scatter_nd's vjp gathers g at the indices), so derivatives of any
order work. The last dim of `indices` holds index tuples into the leading dims of
params (or of `shape`); indices out of range are an error, as on TF1's CPU."""
import numpy as np

from ..shapes import InferError, TensorShape
from .array import _shape_tensor, as_int, reshape, shape, shape_of, static_value
from .core import convert_to_tensor
from .creation import range as range_
from .elementwise import broadcast_to
from .indexing import _int_index
from .join import concat
from .registry import OpDef, apply1, register

__all__ = ["gather_nd", "scatter_nd"]


def _depth(ctx, indices, i):
    """q, the length of the index tuples (indices' last dim), if known."""
    dims = indices.shape._dims
    if dims is not None and not dims:
        raise InferError(f"indices {{{i}}} must have at least one dim (its last dim holds "
                         "the index tuples)")
    return None if dims is None else ctx.resolve(dims[-1])


def _check_indices(ctx, indices, i, dims, q, target):
    """At build time: q fits the rank of `target` and constant indices are in range."""
    if dims is None or q is None:
        return
    if q > len(dims):
        raise InferError(f"indices {{{i}}} hold tuples of {q} indices, but {target} has "
                         f"only {len(dims)} dims")
    v = ctx.constant_value(indices)
    if v is None or not v.size:
        return
    for k in range(q):
        n = ctx.resolve(dims[k])
        bad = (v[..., k] < 0) | (n is not None and v[..., k] >= n)
        if bad.any():
            raise InferError(f"indices {{{i}}} hold {int(v[..., k][bad][0])} at position "
                             f"{k}, out of range for dim {k} of {target}, of size {n}")


def _key(indices, shape, api):
    """The numpy key of the index tuples (..., q) into `shape`; out of range raises."""
    q = indices.shape[-1]
    bad = (indices < 0) | (indices >= np.asarray(shape[:q], dtype=np.int64))
    if bad.any():
        at = tuple(int(a) for a in np.argwhere(bad.any(-1))[0])
        raise ValueError(f"{api}: indices{list(at)} = {indices[at].tolist()} does not "
                         f"index into shape {list(shape)}")
    return tuple(np.moveaxis(indices, -1, 0))


# ---- gather_nd ---------------------------------------------------------------------------
def _infer_gather_nd(ctx, params, indices):
    _int_index(ctx, 1, indices, "indices")
    q, dims, idims = _depth(ctx, indices, 1), params.shape._dims, indices.shape._dims
    _check_indices(ctx, indices, 1, dims, q, "params {0}")
    if q is None or dims is None:
        return None, params.dtype
    return tuple(idims[:-1]) + tuple(dims[q:]), params.dtype


def _gather_nd_kernel(params, indices):
    key = _key(indices, params.shape, "gather_nd")
    if not key:                          # q = 0: all of params for each index tuple
        return np.broadcast_to(params, indices.shape[:-1] + params.shape).copy()
    return np.asarray(params[key], dtype=params.dtype)    # one string element: an array


GATHER_ND = register(OpDef(
    "GatherNd", _infer_gather_nd, _gather_nd_kernel,
    vjp=lambda node, gs: [scatter_nd(node.inputs[1], gs[0], shape_of(node.inputs[0])),
                          None],
    jvp=lambda node, ts: None if ts[0] is None else gather_nd(ts[0], node.inputs[1]),
    api="gather_nd", signature="gather_nd(params, indices, name=None, batch_dims=0)",
    shape_rule="indices[:-1] + params[q:], q = indices[-1]", dtypes="any; indices int",
    doc="Slices of params at the index tuples in indices' last dim (scatter_nd's "
        "transpose)."))


def gather_nd(params, indices, name=None, batch_dims=0):
    """The slices params[i_0, ..., i_{q-1}] for each tuple in indices' last dim (of q):
    `gc.gather_nd(x, [[0, 1], [2, 0]])` is [x[0, 1], x[2, 0]].

    batch_dims=b: the first b dims of params and indices are batch dims, and each index
    tuple indexes into its own batch entry (b must be known when the graph is built).
    """
    params, indices = convert_to_tensor(params), convert_to_tensor(indices)
    b = as_int(static_value(batch_dims, "gather_nd: batch_dims"))
    if not isinstance(b, int) or b < 0:
        raise ValueError(f"gather_nd: batch_dims must be an int >= 0, not {batch_dims!r}")
    if b:
        indices = _with_batch_coordinates(params, indices, b)
    return apply1(GATHER_ND, (params, indices), name=name)


def _with_batch_coordinates(params, indices, b):
    """indices (B_0..B_{b-1}, ..., q) -> (..., b + q): each tuple led by its batch index."""
    r = indices.shape.rank
    if r is None or r < b + 1:
        raise ValueError(f"gather_nd: batch_dims={b} needs indices of known rank > {b}, "
                         f"got shape {indices.shape}")
    target = concat([shape(indices, out_type=indices.dtype)[:-1],
                     convert_to_tensor([1], dtype=indices.dtype)], 0)
    coords = []
    for k in range(b):
        d = indices.shape._dims[k]
        n = d if isinstance(d, int) else shape(indices, out_type=indices.dtype)[k]
        c = range_(n, dtype=indices.dtype)
        c = reshape(c, [1] * k + [-1] + [1] * (r - 1 - k))
        coords.append(broadcast_to(c, target))
    return concat(coords + [indices], -1)


# ---- scatter_nd --------------------------------------------------------------------------
def _infer_scatter_nd(ctx, indices, updates, shape_t):
    _int_index(ctx, 0, indices, "indices")
    _int_index(ctx, 2, shape_t, "shape")
    if updates.dtype.np.kind not in "biuf":     # bool updates add up as `or` (TF1)
        raise InferError(f"{{1}} has dtype {updates.dtype.name}, but this op needs a "
                         "numeric or bool dtype", "dtype")
    if shape_t.shape.rank not in (1, None):
        raise InferError(f"shape {{2}} must be 1-D, not of shape {shape_t.shape}")
    out = ctx.shape_value(shape_t)._dims
    if out is not None and any(isinstance(d, int) and d < 0 for d in out):
        raise InferError(f"shape {{2}} must have sizes >= 0, got {list(out)}")
    q, idims, udims = _depth(ctx, indices, 0), indices.shape._dims, updates.shape._dims
    _check_indices(ctx, indices, 0, out, q, "shape {2}")
    if out is None or q is None or idims is None or udims is None:
        return TensorShape(out), updates.dtype
    want = tuple(idims[:-1]) + tuple(out[q:])
    msg = (f"updates {{1}} must have shape indices.shape[:-1] + shape[{q}:] = "
           f"{TensorShape(want)}, not {updates.shape}")
    if len(udims) != len(want):
        raise InferError(msg)
    if not all(ctx.compatible(a, b) for a, b in zip(udims, want)):
        raise InferError(msg)
    merged = [ctx.merge(a, b) for a, b in zip(udims, want)]
    return tuple(out[:q]) + tuple(merged[len(idims) - 1:]), updates.dtype


def _scatter_nd_kernel(indices, updates, shape_v):
    out_shape = tuple(int(d) for d in shape_v)
    q = indices.shape[-1]
    if updates.shape != indices.shape[:-1] + out_shape[q:]:
        raise ValueError(f"scatter_nd: updates of shape {updates.shape} do not match "
                         f"indices of shape {indices.shape} into shape {list(out_shape)}")
    key = _key(indices, out_shape, "scatter_nd")
    out = np.zeros(out_shape, updates.dtype)
    if not key:                          # q = 0: every update adds to the whole output
        return np.sum(updates.reshape((-1,) + out_shape), axis=0, dtype=updates.dtype)
    np.add.at(out, key, updates)         # repeated index tuples add up
    return out


SCATTER_ND = register(OpDef(
    "ScatterNd", _infer_scatter_nd, _scatter_nd_kernel,
    vjp=lambda node, gs: [None, gather_nd(gs[0], node.inputs[0]), None],
    jvp=lambda node, ts: None if ts[1] is None else scatter_nd(
        node.inputs[0], ts[1], node.inputs[2]),
    api="scatter_nd", signature="scatter_nd(indices, updates, shape, name=None)",
    shape_rule="shape (updates: indices[:-1] + shape[q:])",
    dtypes="numeric or bool; indices, shape int",
    doc="Zeros of `shape` with updates added at the index tuples (repeats add up; "
        "gather_nd's transpose)."))


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of `shape` with each update added at its index tuple (repeats add up):
    `gc.scatter_nd([[1], [3]], [9., 10.], [5])` is [0, 9, 0, 10, 0]."""
    indices = convert_to_tensor(indices)
    shape_t = _shape_tensor(shape, "scatter_nd")
    return apply1(SCATTER_ND, (indices, convert_to_tensor(updates), shape_t), name=name)
