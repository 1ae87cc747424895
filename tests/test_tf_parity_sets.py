"""tf.sets against TF1: intersection, union, difference (both ways) and size, on dense and
sparse operands of ints and strings; the SparseTensorValues must agree exactly."""
import numpy as np
import pytest
from tf_parity import v1

import graphc as gc

A = np.array([[[1, 2, 3, 3], [4, 4, 4, 4]], [[7, 1, 1, 0], [5, 6, 7, 8]]], np.int64)
B = np.array([[[3, 2, 9], [4, 1, 1]], [[0, 0, 0], [9, 8, 6]]], np.int64)
SP = ([[0, 0, 0], [0, 0, 3], [0, 1, 1], [1, 1, 0], [1, 1, 2]], [2, 8, 4, 6, 6], [2, 2, 4])


def _sp(m, dtype=np.int64):
    i, v, s = SP
    return m.SparseTensor(np.array(i, np.int64), np.array(v, dtype), np.array(s, np.int64))


CASES = {
    "intersection": lambda m: m.sets.intersection(A, B),
    "union": lambda m: m.sets.set_union(A, B),
    "difference": lambda m: m.sets.difference(A, B),
    "difference_b_a": lambda m: m.sets.set_difference(A, B, aminusb=False),
    "dense_sparse": lambda m: m.sets.intersection(A, _sp(m)),
    "sparse_dense": lambda m: m.sets.union(_sp(m), B),
    "sparse_sparse": lambda m: m.sets.difference(_sp(m), _sp(m)),
    "strings": lambda m: m.sets.union(m.constant([["a", "b"], ["c", "c"]]),
                                      m.constant([["b", "z"], ["a", "c"]])),
    "size": lambda m: m.sets.size(_sp(m)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sets(name):
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            with m.Session() as sess:
                out.append(sess.run(CASES[name](m)))
    got, want = out
    for a, b in zip(got if isinstance(got, tuple) else [got],
                    want if isinstance(want, tuple) else [want]):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype or a.dtype == object, (a.dtype, b.dtype)
        np.testing.assert_array_equal(a, b)
