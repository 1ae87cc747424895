"""Samples for the data-dependent ops of where.py, segment.py and partition.py (see
samples.py). The references are plain loops over elements, independent of the kernels.
Gradient samples keep every segment non-empty: an empty unsorted max is the dtype's
lowest value, whose finite difference is meaningless."""
import numpy as np

import graphc as gc
from samples import Sample, normal


# ---- references ------------------------------------------------------------------------------
def _unique_ref(x, out=np.int32, counts=False):
    y, idx, count = [], [], []
    for v in x.tolist():
        if v not in y:
            y.append(v)
            count.append(0)
        idx.append(y.index(v))
        count[y.index(v)] += 1
    res = [np.array(y, x.dtype), np.array(idx, out)]
    return res + [np.array(count, out)] if counts else res


_START = {"sum": 0.0, "prod": 1.0, "max": -np.inf, "min": np.inf}
_STEP = {"sum": np.add, "prod": np.multiply, "max": np.maximum, "min": np.minimum}


def _segment_ref(kind, sorted_=True, num=None, empty=None):
    """out[i] = the reduction of the data[j...] with ids[j...] == i, element by element."""
    def ref(data, ids, *rest):
        n = num if num is not None else (int(ids.max()) + 1 if ids.size else 0)
        flat_ids = ids.reshape(-1)
        rows = data.reshape((flat_ids.size,) + data.shape[ids.ndim:])
        out = np.zeros((n,) + rows.shape[1:])
        for i in range(n):
            members = [rows[j] for j in range(len(flat_ids)) if flat_ids[j] == i]
            if not members:
                out[i] = 0.0 if sorted_ and kind != "prod" else \
                    (1.0 if kind == "prod" else empty)
                continue
            if kind == "mean":
                out[i] = sum(members) / len(members)
                continue
            acc = np.full(rows.shape[1:], _START[kind])
            for m in members:
                acc = _STEP[kind](acc, m)
            out[i] = acc
        return out
    return ref


def _sorted_ids(r, n, segments=4, gaps=True):
    """Sorted ids with every segment below the last one present unless gaps."""
    if gaps:
        return np.sort(r.integers(0, segments, size=n)).astype(np.int32)
    ids = np.concatenate([np.arange(segments), r.integers(0, segments, size=n - segments)])
    return np.sort(ids).astype(np.int32)


def _covering_ids(r, shape, num, negatives=True):
    """Unsorted ids of `shape` covering 0..num-1 (no empty segment), some -1 if negatives."""
    size = int(np.prod(shape))
    ids = np.concatenate([np.arange(num), r.integers(-1 if negatives else 0, num,
                                                     size=size - num)])
    return r.permutation(ids).reshape(shape).astype(np.int32)


def _with_zeros(r, s):
    """Values with |x| in [0.5, 1.5], about one in three set to exactly 0."""
    x = r.uniform(0.5, 1.5, size=s) * r.choice([-1.0, 1.0], size=s)
    return np.where(r.random(s) < 0.3, 0.0, x)


def _sorted(kind, gen, ref=None, **kw):
    fn = getattr(gc, f"segment_{kind}")
    return Sample(f"Segment{kind.capitalize()}", fn, gen, ref or _segment_ref(kind), **kw)


def _unsorted(kind, gen, num, empty=None, **kw):
    fn = getattr(gc, f"unsorted_segment_{kind}")
    return Sample(f"UnsortedSegment{kind.capitalize()}", lambda x, i: fn(x, i, num), gen,
                  _segment_ref(kind, False, num, empty), **kw)


def _rows(r, n=7, segments=4, gaps=True, cols=(3,)):
    return [normal(r, (n,) + cols), _sorted_ids(r, n, segments, gaps)]


def _grid(r, num=4, negatives=True, shape=(2, 4), cols=(3,), gen=normal):
    return [gen(r, shape + cols), _covering_ids(r, shape, num, negatives)]


def _partition_ref(n):
    return lambda x, p: [x[p == k] for k in range(n)]


def _stitch_ref(indices, data):
    out_rows = max(int(i.max()) for i in indices if i.size) + 1
    rest = data[0].shape[indices[0].ndim:]
    out = np.zeros((out_rows,) + rest)
    for i, x in zip(indices, data):
        for pos in np.ndindex(i.shape):
            out[i[pos]] = x[pos]
    return out


def _split_permutation(r, n=6, rest=(2,)):
    """A permutation of 0..n-1 in two pieces, and data for each piece."""
    perm = r.permutation(n).astype(np.int32)
    k = int(r.integers(1, n))
    return [perm[:k], perm[k:], normal(r, (k,) + rest), normal(r, (n - k,) + rest)]


_DUPS = [np.array([0, 2], np.int32), np.array([[2, 1], [0, 4]], np.int32)]

SAMPLES = [
    # ---- where(condition), unique, unique_with_counts
    Sample("Where", gc.where, lambda r: [r.random((3, 4)) < 0.5],
           lambda c: np.array([[i, j] for i in range(3) for j in range(4) if c[i, j]],
                              np.int64).reshape(-1, 2), grad=False),
    Sample("Where", gc.where, lambda r: [r.integers(-1, 2, size=(5,)).astype(np.float32)],
           lambda c: np.array([[i] for i in range(5) if c[i] != 0], np.int64).reshape(-1, 1),
           grad=False, id="numeric"),
    Sample("Where", lambda: gc.where([[True, False], [False, True]]), lambda r: [],
           lambda: np.array([[0, 0], [1, 1]]), grad=False, id="constant"),
    Sample("Unique", lambda x: list(gc.unique(x)),
           lambda r: [r.integers(0, 5, size=9).astype(np.int32)], _unique_ref, grad=False),
    Sample("Unique", lambda x: list(gc.unique(x, out_idx=gc.int64)),
           lambda r: [r.choice([-0.5, 1.5, 2.0], size=7)],
           lambda x: _unique_ref(x, np.int64), grad=False, id="float, int64 idx"),
    Sample("UniqueWithCounts", lambda x: list(gc.unique_with_counts(x)),
           lambda r: [r.integers(-3, 3, size=10).astype(np.int64)],
           lambda x: _unique_ref(x, counts=True), grad=False),
    # ---- sorted segment reductions
    _sorted("sum", _rows),
    _sorted("sum", lambda r: [r.integers(-5, 5, size=(6, 2)).astype(np.int32),
                              _sorted_ids(r, 6)], grad=False, id="int32"),
    Sample("SegmentSum", lambda x: gc.segment_sum(x, [0, 0, 2, 3, 3]),
           lambda r: [normal(r, (5, 2, 3))],
           lambda x: _segment_ref("sum")(x, np.array([0, 0, 2, 3, 3])), id="constant ids"),
    _sorted("mean", lambda r: _rows(r, cols=(2, 3))),
    _sorted("mean", lambda r: [r.integers(-9, 9, size=(6,)).astype(np.int32),
                               _sorted_ids(r, 6)], grad=False, id="int32",
            ref=lambda x, i: np.trunc(_segment_ref("mean")(x, i))),
    _sorted("max", lambda r: _rows(r, gaps=False)),
    _sorted("max", _rows, grad=False, id="empty segments"),
    _sorted("min", lambda r: _rows(r, gaps=False, cols=())),
    _sorted("min", lambda r: [r.integers(0, 3, size=(8, 2)).astype(np.int32),
                              _sorted_ids(r, 8)], grad=False, id="int32 ties and gaps"),
    _sorted("prod", lambda r: _rows(r, n=6, segments=3)),
    _sorted("prod", lambda r: [_with_zeros(r, (8, 3)), _sorted_ids(r, 8, 3, gaps=False)],
            id="zeros"),
    # ---- unsorted segment reductions (negative ids dropped)
    _unsorted("max", _grid, 4),
    _unsorted("max", lambda r: _grid(r, num=3, shape=(6,), cols=(2,)), 5,
              empty=np.finfo(np.float64).min, grad=False, id="empty segments"),
    _unsorted("min", lambda r: _grid(r, num=3, shape=(5,), cols=()), 3),
    _unsorted("min", lambda r: [r.integers(-4, 4, size=(6,)).astype(np.int32),
                                r.integers(-1, 3, size=(6,)).astype(np.int32)], 4,
              empty=np.iinfo(np.int32).max, grad=False, id="int32"),
    _unsorted("prod", lambda r: _grid(r, gen=_with_zeros), 4),
    _unsorted("prod", lambda r: _grid(r, num=3, shape=(3, 2), cols=(2,)), 5, empty=1.0,
              id="empty segments"),
    Sample("RealDiv", lambda x, i: gc.unsorted_segment_mean(x, i, 5), _grid,
           _segment_ref("mean", False, 5, 0.0), id="unsorted_segment_mean"),
    Sample("RealDiv", lambda x, i: gc.unsorted_segment_sqrt_n(x, i, 4),
           lambda r: _grid(r, shape=(7,)),
           lambda x, i: _segment_ref("sum", False, 4, 0.0)(x, i) / np.sqrt(np.maximum(
               np.bincount(i[i >= 0], minlength=4), 1))[:, None],
           id="unsorted_segment_sqrt_n"),
    # ---- dynamic_partition, dynamic_stitch
    Sample("DynamicPartition", lambda x, p: gc.dynamic_partition(x, p, 3),
           lambda r: [normal(r, (7, 2)), r.integers(0, 3, size=7).astype(np.int32)],
           _partition_ref(3)),
    Sample("DynamicPartition", lambda x, p: gc.dynamic_partition(x, p, 2),
           lambda r: [normal(r, (2, 3, 4)), r.integers(0, 2, size=(2, 3)).astype(np.int32)],
           _partition_ref(2), id="2-D partitions"),
    Sample("DynamicPartition", lambda x, p: gc.dynamic_partition(x, p, 1),
           lambda r: [normal(r, (4,)), np.zeros(4, np.int32)], _partition_ref(1),
           id="one partition"),
    Sample("DynamicPartition", lambda x: gc.dynamic_partition(x, [1, 0, 1], 2),
           lambda r: [normal(r, (3, 2))], lambda x: _partition_ref(2)(x, np.array([1, 0, 1])),
           id="constant partitions"),
    Sample("DynamicStitch", lambda i, j, a, b: gc.dynamic_stitch([i, j], [a, b]),
           _split_permutation, lambda i, j, a, b: _stitch_ref([i, j], [a, b])),
    Sample("DynamicStitch", lambda a, b: gc.dynamic_stitch(_DUPS, [a, b]),
           lambda r: [normal(r, (2, 3)), normal(r, (2, 2, 3))],
           lambda a, b: _stitch_ref(_DUPS, [a, b]), id="repeated and missing indices"),
    Sample("DynamicStitch", lambda i, j, a, b: gc.dynamic_stitch([i, j], [a, b]),
           lambda r: [r.integers(0, 4, size=3).astype(np.int32),
                      r.integers(0, 4, size=(2, 2)).astype(np.int32),
                      normal(r, (3,)), normal(r, (2, 2))],
           lambda i, j, a, b: _stitch_ref([i, j], [a, b]), id="run-time repeats"),
]
