"""top_k (gc.nn.top_k, TF1's TopKV2), and sort and argsort built on it as TF1 builds
them: the sorted axis is moved last, ascending order sorts an order-reversed copy.

top_k is stable: among equal values the lower index comes first, so sort and argsort
are stable in both directions (TF1's argsort documents `stable=False` as "not yet
implemented"; its sort is stable too). Gradients flow from the values to the input
positions they came from (a segment sum; its transpose is a gather).
"""
import collections

import numpy as np

from .. import dtypes
from ..graph import Tensor, name_scope
from ..shapes import InferError
from .array import reshape, shape, shape_of, size, transpose
from .core import constant, convert_to_tensor
from .creation import range as range_
from .elementwise import maximum, negative, subtract
from .gather import gather, unsorted_segment_sum
from .indexing import _int_index, scalar_dim
from .join import concat
from .registry import OpDef, apply, register

__all__ = ["sort", "argsort"]       # top_k is gc.nn.top_k (nn.py re-exports it)


def _infer_top_k(ctx, x, k, *, sorted):
    ctx.require(0, "numeric")
    _int_index(ctx, 1, k, "k")
    if k.shape.rank not in (0, None):
        raise InferError(f"k {{1}} must be a scalar, not of shape {k.shape}")
    v = ctx.constant_value(k)
    if v is not None and v < 0:
        raise InferError(f"k {{1}} must be >= 0, got {int(v)}")
    dims, kd = x.shape._dims, scalar_dim(k)
    if dims is None:
        return [(None, x.dtype), (None, dtypes.int32)]
    if not dims:
        raise InferError("{0} must have at least one dim (top_k looks along the last)")
    n, kv = ctx.resolve(dims[-1]), ctx.resolve(kd)
    if n is not None and kv is not None and kv > n:
        raise InferError(f"k = {kv} is larger than the last dim of {{0}}, of size {n}")
    out = tuple(dims[:-1]) + (kd,)
    return [(out, x.dtype), (out, dtypes.int32)]


def _top_k_kernel(x, k, *, sorted):
    k, n = int(k), x.shape[-1]
    if not 0 <= k <= n:
        raise ValueError(f"top_k: k = {k} must be in 0..{n} (the size of the last dim)")
    # a stable descending order: sort the reversed row ascending, read it backwards;
    # NaN ranks below every number, as in TF's kernel
    key = np.where(np.isnan(x), -np.inf, x) if x.dtype.kind == "f" and \
        np.isnan(x).any() else x
    order = n - 1 - np.flip(np.argsort(np.flip(key, -1), axis=-1, kind="stable"), -1)
    idx = np.ascontiguousarray(order[..., :k])
    return np.take_along_axis(x, idx, -1), idx.astype(np.int32)


def _flat_positions(x, idx):
    """The position in reshape(x, [-1]) of each entry of idx (indices into x's last
    dim): row r's index j is at r * n + j. Returns a 1-D tensor."""
    n, total = x.shape._dims[-1] if x.shape.rank else None, x.shape.num_elements()
    if isinstance(n, int) and total is not None:
        rows = constant(np.arange(0, total, max(n, 1), dtype=np.int32))
    else:
        n = shape(x)[-1]
        rows = range_(0, size(x), maximum(n, 1))
    lead = shape_of(x)[:-1] if x.shape.rank is not None else shape(x)[:-1]
    lead = concat([lead, [1]], 0) if not isinstance(lead, list) else lead + [1]
    return reshape(idx + reshape(rows, lead), [-1])


def _top_k_vjp(node, gs):
    """g added back at the positions in x that the values came from."""
    if gs[0] is None:
        return [None, None]
    x, idx = node.inputs[0], node.outputs[1]
    g = unsorted_segment_sum(reshape(gs[0], [-1]), _flat_positions(x, idx),
                             size(x) if x.shape.num_elements() is None
                             else x.shape.num_elements())
    return [reshape(g, shape_of(x)), None]


def _top_k_jvp(node, ts):
    """The tangent of x at the positions the values came from (values'; indices none)."""
    if ts[0] is None:
        return None
    x, (values, idx) = node.inputs[0], node.outputs
    t = gather(reshape(ts[0], [-1]), _flat_positions(x, idx))
    return [reshape(t, shape_of(values)), None]


def _batch_top_k(node, args, batched):
    """vmap: top_k looks along the last dim, so a leading batch dim changes nothing."""
    if batched[1]:
        from ..autodiff.batching import batch_by_slices
        return batch_by_slices(node, args, batched)
    return list(apply(TOP_K, args, **node.attrs).outputs)


TOP_K = register(OpDef(
    "TopKV2", _infer_top_k, _top_k_kernel, vjp=_top_k_vjp, jvp=_top_k_jvp,
    batch=_batch_top_k, api="nn.top_k",
    signature="nn.top_k(input, k=1, sorted=True, name=None) -> (values, indices)",
    shape_rule="input[:-1] + (k,), twice", dtypes="numeric -> (same, int32)",
    doc="The k largest entries of each row (last dim), largest first, and their "
        "indices; at ties the lower index first."))


TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002 (TF1 names)
    """(values, indices) of the k largest entries along the last dim, in decreasing
    order (the lower index first at ties), as TF1's namedtuple:
    `values, idx = gc.nn.top_k(logits, 5)` or `gc.nn.top_k(logits, 5).indices`.
    Always sorted (TF1 leaves the order unspecified for sorted=False)."""
    x = convert_to_tensor(input)
    k = k if isinstance(k, Tensor) else convert_to_tensor(k, dtype=dtypes.int32)
    return TopKV2(*apply(TOP_K, (x, k), name=name, sorted=bool(sorted)).outputs)


# ---- sort, argsort ---------------------------------------------------------------------
def _sort(values, axis, direction, api):
    """(sorted values, indices) along axis, via top_k on the axis moved last."""
    x = convert_to_tensor(values)
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{api}: direction must be 'ASCENDING' or 'DESCENDING', "
                         f"not {direction!r}")
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"{api}: axis must be a Python int, not {axis!r}")
    if x.dtype.is_bool:
        raise TypeError(f"{api}: cannot sort bool values (TF1 sorts numbers only)")
    r = x.shape.rank
    if r == 0:
        raise ValueError(f"{api}: values must have at least one dim, not be a scalar")
    if r is None and axis != -1:
        raise ValueError(f"{api}: axis {axis} needs the rank of values known (-1 does not)")
    if r is not None and not -r <= axis < r:
        raise ValueError(f"{api}: axis {axis} is out of range for rank {r}")
    perm = None
    if r is not None and axis % r != r - 1:
        perm = list(range(r))
        perm[axis % r], perm[-1] = r - 1, axis % r
        x = transpose(x, perm)
    # ascending = descending of an order-reversed copy: -x, or -x - 1 (= ~x) for ints,
    # which never overflows
    flip = (lambda v: negative(v)) if x.dtype.is_floating else (lambda v: subtract(-v, 1))
    key = x if direction == "DESCENDING" else flip(x)
    n = x.shape._dims[-1] if r is not None else None
    n = n if isinstance(n, int) else shape(x)[-1]
    out, idx = top_k(key, n)
    if direction == "ASCENDING":
        out = flip(out)
    if perm is not None:
        out, idx = transpose(out, perm), transpose(idx, perm)
    return out, idx


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """values sorted along axis (stable): `gc.sort([3., 1., 2.])` is [1, 2, 3];
    direction='DESCENDING' gives [3, 2, 1]. Gradients flow back to the values."""
    with name_scope(name, "sort", [values]):
        return _sort(values, axis, direction, "sort")[0]


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The int32 indices that sort values along axis (always stable, whatever `stable`
    says): `gc.argsort([3., 1., 2.])` is [1, 2, 0]."""
    with name_scope(name, "argsort", [values]):
        return _sort(values, axis, direction, "argsort")[1]
