"""Samples for ops/array_more.py's ops; see samples.py. (Its composites, ensure_shape,
repeat, space_to_batch_nd..., are built of ops with their own samples; tests/
test_array_more.py checks them.)"""
import numpy as np

import graphc as gc
from samples import Sample, normal


def _perm(r, n, dtype=np.int32):
    return r.permutation(n).astype(dtype)


def _invert_ref(x):
    out = np.empty_like(x)
    out[x] = np.arange(x.size, dtype=x.dtype)
    return out


def _scatter_ref(fn):
    """tensor with fn(tensor[t], update) applied for each index tuple t, in order."""
    def ref(t, i, u):
        out = t.copy()
        for k in np.ndindex(i.shape[:-1]):
            key = tuple(i[k])
            out[key] = fn(out[key], u[k])
        return out
    return ref


def _scatter_inputs(r):
    """tensor (4, 3, 2), indices (5, 1) into its first dim with repeats, updates
    (5, 3, 2); values spread out so that no max/min is a near tie."""
    t = r.permutation(24).reshape(4, 3, 2) * 0.5 + r.uniform(0, 0.1, (4, 3, 2))
    u = r.permutation(30).reshape(5, 3, 2) * 0.5 - 1.0 + r.uniform(0, 0.1, (5, 3, 2))
    return [t, np.array([[2], [0], [2], [3], [2]], np.int32), u]


def _scatter_inputs_2d(r):
    """tensor (3, 5), index pairs (2, 2, 2) hitting single elements, updates (2, 2)."""
    t = r.permutation(15).reshape(3, 5) * 0.5
    u = r.permutation(4).reshape(2, 2) * 1.5 + 0.25
    return [t, np.array([[[0, 4], [2, 1]], [[0, 4], [1, 0]]], np.int64), u]


SAMPLES = [
    Sample("InvertPermutation", lambda x: gc.invert_permutation(x),
           lambda r: [_perm(r, 7)], _invert_ref, grad=False),
    Sample("InvertPermutation", lambda x: gc.invert_permutation(x),
           lambda r: [_perm(r, 5, np.int64)], _invert_ref, grad=False, id="int64"),
    Sample("InvertPermutation", lambda x: gc.invert_permutation(x),
           lambda r: [np.zeros(0, np.int32)], _invert_ref, grad=False, id="empty"),
    Sample("TensorScatterMax", lambda t, i, u: gc.tensor_scatter_nd_max(t, i, u),
           _scatter_inputs, _scatter_ref(np.maximum), id="slices, repeats"),
    Sample("TensorScatterMax", lambda t, i, u: gc.tensor_scatter_nd_max(t, i, u),
           _scatter_inputs_2d, _scatter_ref(np.maximum), id="elements"),
    Sample("TensorScatterMin", lambda t, i, u: gc.tensor_scatter_nd_min(t, i, u),
           _scatter_inputs, _scatter_ref(np.minimum), id="slices, repeats"),
    Sample("TensorScatterMin", lambda t, i, u: gc.tensor_scatter_nd_min(t, i, u),
           _scatter_inputs_2d, _scatter_ref(np.minimum), id="elements"),
    Sample("TensorScatterMax", lambda t, i, u: gc.tensor_scatter_nd_max(t, i, u),
           lambda r: [normal(r, (3, 4)).astype(np.float32), np.array([[1]], np.int32),
                      normal(r, (1, 4)).astype(np.float32)],
           _scatter_ref(np.maximum), grad=False, id="float32"),
]
