"""Samples for the index ops of gc.sparse (graphc/sparse_plan.py); see samples.py. The
values of the sparse ops follow by gather / segment sums: their gradients are checked
in test_sparse_ops.py."""
import numpy as np

from graphc.ops.registry import apply
from graphc.sparse_plan import GROUP_BY, RESHAPE, SLICE, VALIDATE
import graphc as gc
from samples import Sample


def _entries(r, shape, n):
    """n distinct index tuples of a dense shape, in row-major order, as int64 [n, rank]."""
    flat = np.sort(r.choice(int(np.prod(shape)), size=n, replace=False))
    return np.stack(np.unravel_index(flat, shape), 1).astype(np.int64)


def _slice_ref(idx, shape, start, size):
    end = np.minimum(shape, start + size)
    keep = np.all((idx >= start) & (idx < end), 1)
    return [idx[keep] - start, np.flatnonzero(keep), np.maximum(end - start, 0)]


def _reshape_ref(idx, shape, new):
    flat = np.ravel_multi_index(idx.T, shape)
    out = new.copy()
    if (out == -1).any():
        out[out == -1] = np.prod(shape) // np.prod(out[out != -1])
    return [np.stack(np.unravel_index(flat, out), 1), out]


def _group_ref(keys):
    uniq, inv = np.unique(keys, axis=0, return_inverse=True)
    return [inv.reshape(-1), uniq]


SAMPLES = [
    Sample("SparseValidateIndices", lambda i, s: apply(VALIDATE, (i, s)).outputs[0],
           lambda r: [_entries(r, (3, 4, 5), 7), np.array([3, 4, 5], np.int64)],
           lambda i, s: i, grad=False),
    Sample("SparseGroupBy", lambda k: list(apply(GROUP_BY, (k,)).outputs),
           lambda r: [r.integers(0, 3, size=(9, 2)).astype(np.int64)], _group_ref,
           grad=False),
    Sample("SparseSliceSelect", lambda i, s, st, sz: list(apply(SLICE, (i, s, st, sz)).outputs),
           lambda r: [_entries(r, (4, 6), 10), np.array([4, 6], np.int64),
                      np.array([1, 2], np.int64), np.array([2, 9], np.int64)],
           _slice_ref, grad=False),
    Sample("SparseReshape", lambda i, s, n: list(apply(RESHAPE, (i, s, n)).outputs),
           lambda r: [_entries(r, (4, 6), 7), np.array([4, 6], np.int64),
                      np.array([3, -1, 2], np.int64)],
           _reshape_ref, grad=False),
    Sample("SparseReshape", lambda i, s, n: list(apply(RESHAPE, (i, s, n)).outputs),
           lambda r: [_entries(r, (2, 3, 4), 5), np.array([2, 3, 4], np.int64),
                      np.array([6, 4], np.int64)],
           _reshape_ref, grad=False, id="merge dims"),
]


# ---- tf.sets (graphc/ops/sets.py) ---------------------------------------------------------
def _set_rows_ref(a, b, combine):
    """numpy reference of a set operation on dense rows: (indices, values, shape)."""
    rows = [sorted(combine(set(x.tolist()), set(y.tolist())))
            for x, y in zip(a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1]))]
    prefix = a.shape[:-1]
    idx = [list(np.unravel_index(p, prefix)) + [j] for p, r in enumerate(rows)
           for j in range(len(r))]
    vals = [v for r in rows for v in r]
    return (np.array(idx, np.int64).reshape(-1, a.ndim), np.array(vals, a.dtype),
            np.array(prefix + (max(map(len, rows), default=0),), np.int64))


def _small_ints(r, shape):
    return r.integers(0, 5, size=shape).astype(np.int64)


SAMPLES += [
    Sample("SetOperation", lambda a, b: list(gc.sets.intersection(a, b)._as_parts()),
           lambda r: [_small_ints(r, (3, 4)), _small_ints(r, (3, 5))],
           lambda a, b: _set_rows_ref(a, b, set.__and__), grad=False),
    Sample("SetOperation", lambda a, b: list(gc.sets.difference(a, b)._as_parts()),
           lambda r: [_small_ints(r, (2, 3, 4)), _small_ints(r, (2, 3, 2))],
           lambda a, b: _set_rows_ref(a, b, set.__sub__), grad=False, id="difference 3-D"),
    Sample("SetSize", lambda i, v, s: gc.sets.size(gc.SparseTensor(i, v, s)),
           lambda r: [np.array([[0, 0], [0, 2], [2, 1]], np.int64),
                      np.array([3, 3, 1], np.int64), np.array([3, 4], np.int64)],
           lambda i, v, s: np.array([1, 0, 1], np.int32), grad=False),
]
