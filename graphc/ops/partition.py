"""dynamic_partition and dynamic_stitch (TF1), each the other's gradient.

dynamic_partition splits data into num_partitions pieces by an int tensor `partitions`
whose shape is a prefix of data's; how many slices each piece gets is known only when
the graph runs (None statically, unless partitions is a constant). dynamic_stitch
interleaves slices back by index lists; where an index repeats, the later slice wins
(TF1), and rows that no index names are 0. Its gradient sends g only to the slices
that won (later TF versions fix TF1's gather, which also fed the overwritten ones).
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError, TensorShape
from .array import reshape, shape, size, transpose
from .array import range as range_
from .array import zeros_like
from .core import constant, convert_to_tensor
from .elementwise import add, equal, select
from .gather import gather
from .indexing import _int_index
from .registry import OpDef, apply, apply1, constant_value, register
from .segment import _lead

__all__ = ["dynamic_partition", "dynamic_stitch"]


# ---- dynamic_partition ---------------------------------------------------------------------
def _prefix(ctx, data, ids, i, j, what):
    """data's dims after those of ids (whose shape must be a prefix of data's), or None;
    ids is operand i, data operand j."""
    dims, idims = data.shape._dims, ids.shape._dims
    if dims is None or idims is None:
        return None
    if len(idims) > len(dims) or not all(ctx.compatible(a, b) for a, b in zip(dims, idims)):
        raise InferError(f"the shape {ids.shape} of {what} {{{i}}} must be a prefix of the "
                         f"shape {data.shape} of {{{j}}}")
    for a, b in zip(dims, idims):
        ctx.merge(a, b)
    return tuple(dims[len(idims):])


def _infer_partition(ctx, data, partitions, *, num_partitions):
    _int_index(ctx, 1, partitions, "partitions")
    rest = _prefix(ctx, data, partitions, 1, 0, "partitions")
    v = ctx.constant_value(partitions)
    counts = [None] * num_partitions
    if v is not None:
        bad = v[(v < 0) | (v >= num_partitions)]
        if bad.size:
            raise InferError(f"partitions {{1}} holds {int(bad[0])}, not in "
                             f"[0, {num_partitions})")
        counts = np.bincount(v.reshape(-1), minlength=num_partitions).tolist()
    return [(None if rest is None else (n,) + rest, data.dtype) for n in counts]


def _partition_kernel(data, partitions, *, num_partitions):
    if data.shape[:partitions.ndim] != partitions.shape:
        raise ValueError(f"dynamic_partition: the shape {partitions.shape} of partitions "
                         f"must be a prefix of the shape {data.shape} of data")
    bad = np.argwhere((partitions < 0) | (partitions >= num_partitions))
    if bad.size:
        at = tuple(int(i) for i in bad[0])
        raise ValueError(f"dynamic_partition: partitions{list(at)} = {partitions[at]} is "
                         f"not in [0, {num_partitions})")
    outs = tuple(data[partitions == k] for k in range(num_partitions))
    return outs[0] if num_partitions == 1 else outs


def _partition_vjp(node, gs):
    """The cotangents stitched back to the positions their slices came from (TF1)."""
    data, partitions = node.inputs
    n = node.attrs["num_partitions"]
    positions = reshape(range_(0, size(partitions)), shape(partitions))
    where_from = dynamic_partition(positions, partitions, n)
    gs = [g if g is not None else zeros_like(y) for g, y in zip(gs, node.outputs)]
    return [reshape(dynamic_stitch(where_from, gs), shape(data)), None]


def _partition_jvp(node, ts):
    if ts[0] is None:
        return None
    return dynamic_partition(ts[0], node.inputs[1], node.attrs["num_partitions"])


def _batch_partition(node, args, batched):
    """vmap with only data batched: the batch dim moved behind partitions' dims."""
    r, k = node.inputs[0].shape.rank, node.inputs[1].shape.rank
    if batched[1] or r is None or k is None:
        from ..autodiff.batching import batch_by_slices
        return batch_by_slices(node, args, batched)
    x = transpose(args[0], list(range(1, k + 1)) + [0] + list(range(k + 1, r + 1)))
    outs = apply(PARTITION, (x, args[1]), **node.attrs).outputs
    return [transpose(y, [1, 0] + list(range(2, r - k + 2))) for y in outs]


PARTITION = register(OpDef(
    "DynamicPartition", _infer_partition, _partition_kernel, vjp=_partition_vjp,
    jvp=_partition_jvp, batch=_batch_partition, api="dynamic_partition",
    signature="dynamic_partition(data, partitions, num_partitions, name=None)",
    shape_rule="num_partitions x (count,) + data[rank(partitions):]; counts unknown "
               "statically", dtypes="any; partitions int",
    doc="Splits data into num_partitions lists of slices: outputs[i] holds the "
        "data[j...] with partitions[j...] == i, in row-major order."))


def dynamic_partition(data, partitions, num_partitions, name=None):
    """The slices of data by partition number (a list of num_partitions tensors):

        gc.dynamic_partition([10, 20, 30, 40, 50], [0, 0, 1, 1, 0], 2)
        # [[10, 20, 50], [30, 40]]
    """
    if not isinstance(num_partitions, (int, np.integer)) or isinstance(num_partitions, bool) \
            or num_partitions < 1:
        raise ValueError(f"dynamic_partition: num_partitions must be an int >= 1, not "
                         f"{num_partitions!r}")
    node = apply(PARTITION, (convert_to_tensor(data), convert_to_tensor(partitions)),
                 name=name, num_partitions=int(num_partitions))
    return list(node.outputs)


# ---- dynamic_stitch ------------------------------------------------------------------------
def _infer_stitch(ctx, *args):
    n = len(args) // 2
    indices, data = args[:n], args[n:]
    if n == 0:
        raise InferError("dynamic_stitch needs at least one (indices, data) pair")
    ctx.same_dtype(*range(n, 2 * n))
    rest = None
    for i, (ix, x) in enumerate(zip(indices, data)):
        _int_index(ctx, i, ix, "indices")
        r = _prefix(ctx, x, ix, i, n + i, "indices")
        if r is None:
            continue
        if rest is None:
            rest, first = r, i
            continue
        if len(r) != len(rest):
            raise InferError(f"the slices of {{{n + i}}} have shape {TensorShape(r)} but "
                             f"those of {{{n + first}}} have {TensorShape(rest)}")
        rest = tuple(ctx.merge_dims(a, b, f"the slices of {{{{{n + i}}}}} have {{b}} at "
                                          f"a dim where those of {{{{{n + first}}}}} have "
                                          "{a}") for a, b in zip(rest, r))
    values = [ctx.constant_value(ix) for ix in indices]
    for i, v in enumerate(values):
        if v is not None and v.size and v.min() < 0:
            raise InferError(f"indices {{{i}}} holds {int(v.min())}: indices must be >= 0")
    rows = None
    if all(v is not None for v in values):
        rows = max([int(v.max()) for v in values if v.size] + [-1]) + 1
    return (None if rest is None else (rows,) + rest), data[0].dtype


def _stitch_kernel(*args):
    n = len(args) // 2
    indices, data = args[:n], args[n:]
    flat, rows = [], []
    for i, x in zip(indices, data):
        if x.shape[:i.ndim] != i.shape:
            raise ValueError(f"dynamic_stitch: the shape {i.shape} of indices must be a "
                             f"prefix of the shape {x.shape} of its data")
        flat.append(i.reshape(-1))
        rows.append(x.reshape((i.size,) + x.shape[i.ndim:]))
    rest = data[0].shape[indices[0].ndim:]
    if any(r.shape[1:] != rest for r in rows):
        raise ValueError(f"dynamic_stitch: the data slices have different shapes: "
                         f"{[r.shape[1:] for r in rows]}")
    flat, rows = np.concatenate(flat), np.concatenate(rows)
    if flat.size and flat.min() < 0:
        raise ValueError(f"dynamic_stitch: indices must be >= 0, got {int(flat.min())}")
    out = np.zeros(((int(flat.max()) + 1 if flat.size else 0),) + rest, data[0].dtype)
    # the last slice of each index wins: the first occurrence in the reversed list
    targets, last = np.unique(flat[::-1], return_index=True)
    out[targets] = rows[len(flat) - 1 - last]
    return out


def _positions(indices):
    """Distinct int32 labels, one per element of each index tensor, in stitch order."""
    labels, start = [], constant(0, dtype=dtypes.int32)
    for ix in indices:
        n = size(ix)
        labels.append(reshape(range_(start, add(start, n)), shape(ix)))
        start = add(start, n)
    return labels


def _without_repeats(indices):
    """Whether every index is known at build time to appear once."""
    values = [constant_value(ix) for ix in indices]
    if any(v is None for v in values):
        return False
    flat = np.concatenate([v.reshape(-1) for v in values])
    return len(np.unique(flat)) == flat.size


def _stitch_vjp(node, gs):
    """gather(g, indices[i]) for data[i], zero where a later slice took the index."""
    n = len(node.inputs) // 2
    indices, data = node.inputs[:n], node.inputs[n:]
    grads = [gather(gs[0], ix) for ix in indices]
    if not _without_repeats(indices):
        labels = _positions(indices)
        winner = dynamic_stitch(indices, labels)
        grads = [select(_lead(equal(gather(winner, ix), lab), x), g, zeros_like(g))
                 for ix, lab, x, g in zip(indices, labels, data, grads)]
    return [None] * n + grads


def _stitch_jvp(node, ts):
    n = len(node.inputs) // 2
    if all(t is None for t in ts[n:]):
        return None
    data = node.inputs[n:]
    tangents = [t if t is not None else zeros_like(x) for t, x in zip(ts[n:], data)]
    return dynamic_stitch(node.inputs[:n], tangents)


def _batch_stitch(node, args, batched):
    """vmap with only data batched: each batch dim moved behind its indices' dims."""
    n = len(node.inputs) // 2
    ranks = [(x.shape.rank, ix.shape.rank) for ix, x in zip(node.inputs[:n], node.inputs[n:])]
    from ..autodiff.batching import all_batched, batch_by_slices
    if any(batched[:n]) or any(r is None or k is None for r, k in ranks):
        return batch_by_slices(node, args, batched)
    moved = []
    for x, (r, k) in zip(all_batched(args[n:], batched[n:]), ranks):
        moved.append(transpose(x, list(range(1, k + 1)) + [0] + list(range(k + 1, r + 1))))
    y = apply1(STITCH, tuple(args[:n]) + tuple(moved))
    rest = ranks[0][0] - ranks[0][1]
    return [transpose(y, [1, 0] + list(range(2, rest + 2)))]


STITCH = register(OpDef(
    "DynamicStitch", _infer_stitch, _stitch_kernel, vjp=_stitch_vjp, jvp=_stitch_jvp,
    batch=_batch_stitch, api="dynamic_stitch",
    signature="dynamic_stitch(indices, data, name=None)",
    shape_rule="(max(indices) + 1,) + data[i][rank(indices[i]):]",
    dtypes="any (all data the same); indices int",
    doc="merged[indices[i][j...]] = data[i][j...]; at a repeated index the later slice "
        "wins; rows no index names are 0."))


def dynamic_stitch(indices, data, name=None):
    """Interleaves the slices of the data tensors into one, by index:

        gc.dynamic_stitch([[0, 2], [1, 3]], [[10, 30], [20, 40]])   # [10, 20, 30, 40]
    """
    indices, data = list(indices), list(data)
    if len(indices) != len(data) or not indices:
        raise ValueError(f"dynamic_stitch: needs as many index tensors as data tensors "
                         f"(at least one), got {len(indices)} and {len(data)}")
    indices = [convert_to_tensor(i) for i in indices]
    data = [convert_to_tensor(x) for x in data]
    return apply1(STITCH, tuple(indices) + tuple(data), name=name)
