"""Samples for the index ops of gc.sparse (graphc/sparse_plan.py); see samples.py. The
values of the sparse ops follow by gather / segment sums: their gradients are checked
in test_sparse_ops.py."""
import numpy as np

from graphc.ops.registry import apply
from graphc.sparse_plan import GROUP_BY, RESHAPE, SLICE, VALIDATE
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
