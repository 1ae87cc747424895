"""gather and unsorted_segment_sum: each other's transpose (gather's vjp scatter-adds
into params' shape; the segment sum's vjp gathers), so derivatives of any order work."""
import numpy as np

from ..shapes import InferError
from .array import as_int, reshape, run_time, shape, static_value, transpose
from .core import convert_to_tensor
from .indexing import _int_index, scalar_dim
from .registry import OpDef, apply1, constant_value, register

__all__ = ["gather", "unsorted_segment_sum"]


def _infer_gather(ctx, params, indices, *, axis):
    _int_index(ctx, 1, indices, "indices")
    dims, idims, v = params.shape._dims, indices.shape._dims, ctx.constant_value(indices)
    a = None if dims is None else ctx.axis(axis, len(dims))
    n = None if dims is None else ctx.resolve(dims[a])
    if v is not None and v.size and (v.min() < 0 or n is not None and v.max() >= n):
        bad = v.min() if v.min() < 0 else v.max()      # TF's CPU kernel: no wrap-around
        size = "dim" if n is None else n
        raise InferError(f"indices {{1}} {'hold' if bad < 0 else 'reach'} {bad}, out of "
                         f"range [0, {size}) for dim {axis if a is None else a} of {{0}}" +
                         (" (gather does not count from the end)" if bad < 0 else ""))
    if dims is None or idims is None:
        return None, params.dtype
    return tuple(dims[:a]) + tuple(idims) + tuple(dims[a + 1:]), params.dtype


def _gather_vjp(node, gs):
    """Scatter-add g back into params' shape (unsorted_segment_sum over the indices).
    For axis a > 0, g (P[:a], I, P[a+1:]) is first brought to (I, P[:a], P[a+1:]). With
    an unknown rank (params' or indices'), TF1's run-time form: indices flattened, g
    reshaped to (P[:a], -1, P[a+1:]) and transposed with run-time permutations."""
    params, indices = node.inputs
    r, ni, g = params.shape.rank, indices.shape.rank, gs[0]
    axis = node.attrs["axis"]
    if axis != 0 and (r is None or ni is None):
        return [_gather_vjp_dynamic(params, indices, g, axis), None]
    a = axis % r if axis else 0
    d = params.shape._dims[a] if r is not None else None
    n = d if isinstance(d, int) else shape(params)[a]
    if a == 0:
        return [unsorted_segment_sum(g, indices, n), None]
    lead = list(range(a, a + ni)) + list(range(a)) + \
        list(range(a + ni, r - 1 + ni))
    s = unsorted_segment_sum(transpose(g, lead), indices, n)    # (n, P[:a], P[a+1:])
    back = list(range(1, a + 1)) + [0] + list(range(a + 1, r))
    return [transpose(s, back), None]


def _gather_vjp_dynamic(params, indices, g, axis):
    """gather's vjp along axis != 0 with ranks known only at run time (TF1's
    _GatherV2Grad, batch_dims 0)."""
    from .array import rank
    from .creation import range as range_
    from .elementwise import mod
    from .join import concat, stack
    ps = shape(params)
    r = rank(params)
    a = mod(axis, r) if axis < 0 else axis
    outer, inner = gather(ps, range_(a)), gather(ps, range_(a + 1, r))
    values = reshape(g, concat([outer, [-1], inner], 0))     # (P[:a], I flat, P[a+1:])
    lead = concat([stack([a]), range_(a), range_(a + 1, r)], 0)
    s = unsorted_segment_sum(transpose(values, lead), reshape(indices, [-1]), ps[a])
    back = concat([range_(1, a + 1), [0], range_(a + 1, r)], 0)
    return transpose(s, back)


def check_indices(indices, n, what="indices"):
    """TF's CPU kernels refuse an index outside [0, n) (a negative one included)."""
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        at = np.argwhere((indices < 0) | (indices >= n))[0]
        from ..errors import ExecutionError
        raise ExecutionError(f"{what}[{', '.join(map(str, at))}] = {indices[tuple(at)]} "
                             f"is not in [0, {n})")


def _gather_kernel(params, indices, *, axis):
    check_indices(indices, params.shape[axis])
    return np.asarray(np.take(params, indices, axis=axis), params.dtype)  # 0-d strings too


GATHER = register(OpDef(
    "GatherV2", _infer_gather, _gather_kernel,
    vjp=_gather_vjp,
    jvp=lambda node, ts: None if ts[0] is None else gather(
        ts[0], node.inputs[1], axis=node.attrs["axis"]),
    api="gather", signature="gather(params, indices, validate_indices=None, name=None, "
                            "axis=None, batch_dims=0)",
    shape_rule="params[:axis] + indices + params[axis+1:]", dtypes="any; indices int",
    doc="Picks slices of params along axis (an index outside [0, dim) fails the run)."))


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """Slices of params at indices along axis: `gc.gather(embeddings, ids)` gives one
    row of embeddings per id.

    batch_dims=b: the first b dims of params and indices are batch dims, each batch entry
    gathering from its own params (axis defaults to b): `gc.gather(x, ids, batch_dims=1)`
    with x (B, N, D), ids (B, K) gives (B, K, D).
    """
    params, indices = convert_to_tensor(params), convert_to_tensor(indices)
    b = as_int(static_value(batch_dims, "gather: batch_dims"))
    if not b and axis is not None and run_time(axis) is not None:
        return _gather_run_time_axis(params, indices, run_time(axis), name)
    axis = b if axis is None else as_int(static_value(axis, "gather: axis"))
    if b:
        return _gather_batched(params, indices, axis, b, name)
    return apply1(GATHER, (params, indices), name=name, axis=axis)


def _gather_run_time_axis(params, indices, axis, name):
    """gather along an axis known at run time (TF1 takes a tensor): params' axis moved
    first, gathered along 0, and indices' dims moved to where the axis was."""
    from .creation import range as range_
    from .dynamic_axis import _at, back, to_front
    from .join import concat
    k = indices.shape.ndims
    if k is None or params.shape.ndims is None:
        raise TypeError(f"gather: axis '{axis.name}' is computed at run time, which needs "
                        "the ranks of params and indices known when the graph is built")
    moved, _ = to_front(params, axis)
    out = apply1(GATHER, (moved, indices), axis=0)
    at, r = _at(params, axis)
    perm = concat([range_(k, k + at), range_(k), range_(k + at, k + r - 1)], 0)
    return back(out, perm, params.shape.ndims - 1 + k, name)


def _gather_batched(params, indices, axis, batch_dims, name):
    """gather_nd (batch_dims=b) of params with axis moved to b, on indices with a last
    dim of 1; the result's params[b:axis] dims then move back in front of indices'.
    params may have an unknown rank where axis == b (nothing moves: batch_gather)."""
    from .array import expand_dims
    from .scatter import gather_nd
    r, ri = params.shape.rank, indices.shape.rank
    if r is None and ri is not None and axis == (batch_dims + ri if batch_dims < 0
                                                 else batch_dims) >= 0:
        # axis == batch_dims (batch_gather's case): no dim moves, params' rank not needed
        return gather_nd(params, expand_dims(indices, -1), batch_dims=axis, name=name)
    if r is None or ri is None:
        raise ValueError(f"gather: batch_dims needs params and indices of known rank, got "
                         f"shapes {params.shape} and {indices.shape}")
    b = batch_dims + ri if batch_dims < 0 else batch_dims
    a = axis + r if axis < 0 else axis
    if not (0 <= b <= ri and b <= a < r):
        raise ValueError(f"gather: batch_dims={batch_dims} must be in [-{ri}, {ri}] and at "
                         f"most axis={axis}, for params of shape {params.shape} and indices "
                         f"of shape {indices.shape}")
    p = params if a == b else transpose(
        params, list(range(b)) + [a] + [k for k in range(b, r) if k != a])
    pd, idims = params.shape._dims, indices.shape._dims
    static = [i if i is not None else q for i, q in zip(idims[:b], pd[:b])] + \
        list(pd[b:a]) + list(idims[b:]) + list(pd[a + 1:])   # TF1's static shape
    if a == b:
        out = gather_nd(p, expand_dims(indices, -1), batch_dims=b, name=name)
    else:
        out = gather_nd(p, expand_dims(indices, -1), batch_dims=b)  # (B, I, P[b:a], P[a+1:])
        m = ri + a - b
        perm = list(range(b)) + list(range(ri, m)) + list(range(b, ri)) + \
            list(range(m, ri + r - b - 1))
        out = transpose(out, perm, name=name)
    out.set_shape([d if isinstance(d, int) else None for d in static])
    return out


def _infer_segment_sum(ctx, data, ids, num):
    ctx.require(0, "numeric or complex")
    _int_index(ctx, 1, ids, "segment_ids")
    _int_index(ctx, 2, num, "num_segments")
    if num.shape.rank not in (0, None):
        raise InferError(f"num_segments {{2}} must be a scalar, not of shape {num.shape}")
    v, k = ctx.constant_value(ids), ctx.constant_value(num)
    if k is not None and k < 0:
        raise InferError(f"num_segments {{2}} must be >= 0, got {k}")
    if v is not None and k is not None and v.size and v.max() >= k:
        at = tuple(int(i) for i in np.argwhere(v >= k)[0])
        raise InferError(f"segment_ids {{1}} hold {v[at]} at {list(at)}, out of range "
                         f"[0, {k}) for num_segments {{2}} = {k} (a negative id drops its "
                         "data)")
    dims, idims = data.shape._dims, ids.shape._dims
    if dims is None or idims is None:
        return None, data.dtype
    if len(idims) > len(dims) or not all(ctx.compatible(a, b) for a, b in zip(dims, idims)):
        raise InferError(f"the shape {ids.shape} of segment_ids {{1}} must be a prefix of "
                         f"the shape {data.shape} of data {{0}}")
    return (scalar_dim(num),) + tuple(dims[len(idims):]), data.dtype


def check_segment_ids(ids, num):
    """TF's kernels refuse a segment id >= num_segments (a negative one drops its data)."""
    if num < 0:
        from ..errors import ExecutionError
        raise ExecutionError(f"num_segments must be >= 0, got {num}")
    over = np.argwhere(ids >= num)
    if over.size:
        at = tuple(int(i) for i in over[0])
        from ..errors import ExecutionError
        raise ExecutionError(f"segment_ids{list(at)} = {ids[at]} is out of range "
                             f"[0, {num})")


def _segment_sum_kernel(data, ids, num):
    num = int(num)
    check_segment_ids(ids, num)
    out = np.zeros((num,) + data.shape[ids.ndim:], data.dtype)
    if ids.size and ids.min() < 0:          # TF1: a negative id drops its data
        keep = ids >= 0
        ids, data = ids[keep], data[keep]
    np.add.at(out, ids, data)               # repeated ids add up
    return out


def _segment_sum_vjp(node, gs):
    """g gathered at the ids (a dropped, negative id gets 0: a mask of ids' shape with
    ones for data's inner dims, their number computed at run time if a rank is
    unknown, as TF1's _GatherDropNegatives)."""
    from .creation import ones
    from .elementwise import cast, greater_equal, maximum
    from .join import concat
    data, ids, _ = node.inputs
    v = constant_value(ids)
    if v is not None and (v.size == 0 or v.min() >= 0):
        return [gather(gs[0], ids), None, None]
    kept = greater_equal(ids, 0)
    picked = gather(gs[0], maximum(ids, 0))
    if data.shape.rank is None or ids.shape.rank is None:   # TF1: ranks at run time
        from .array import rank
        from .join import stack
        ones_ = ones(stack([rank(data) - rank(ids)]), "int32")
    else:
        ones_ = ones([data.shape.rank - ids.shape.rank], "int32")
    mask = reshape(cast(kept, picked.dtype), concat([shape(ids), ones_], 0))
    return [picked * mask, None, None]


SEGMENT_SUM = register(OpDef(
    "UnsortedSegmentSum", _infer_segment_sum, _segment_sum_kernel,
    vjp=_segment_sum_vjp,
    jvp=lambda node, ts: None if ts[0] is None else unsorted_segment_sum(
        ts[0], *node.inputs[1:]),
    api="unsorted_segment_sum",
    signature="unsorted_segment_sum(data, segment_ids, num_segments, name=None)",
    shape_rule="(num_segments,) + data[rank(segment_ids):]",
    dtypes="numeric or complex; segment_ids int",
    doc="out[i] = sum of the data[j...] with segment_ids[j...] == i (gather's transpose)."))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """out[i] = sum of data[j] over the j with segment_ids[j] == i. Ids must be below
    num_segments; a negative id drops its data (TF1: padding ids of -1)."""
    return apply1(SEGMENT_SUM, (convert_to_tensor(data), convert_to_tensor(segment_ids),
                                convert_to_tensor(num_segments)), name=name)
