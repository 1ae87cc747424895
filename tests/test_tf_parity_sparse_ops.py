"""TF1 parity of the sparse ops (sparse_ops.py, sparse_math.py, sparse_misc.py): the
same graph in graphc and in tf.compat.v1, values fed; SparseTensor results are
compared part by part (indices, values, dense_shape), gradients w.r.t. the values."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc

IDX = [[2, 0], [0, 3], [1, 1], [0, 1], [2, 4]]            # not in row-major order
SORTED = [[0, 1], [0, 3], [1, 1], [2, 0], [2, 4]]
OTHER = [[0, 3], [1, 0], [1, 1], [2, 2]]
SHAPE = [3, 5]


def parts(sp):
    return [sp.indices, sp.values, sp.dense_shape]


def st(m, v, idx=IDX, shape=SHAPE):
    return m.SparseTensor(idx, v, shape)


V5, V4 = rand(5, seed=1), rand(4, seed=2)
X = rand(6, 3, seed=3)

CASES = {
    "to_dense": (lambda m, v, d: m.sparse_to_dense(SORTED, SHAPE, v, d), V5, np.array(0.5)),
    "sparse_to_dense_default": (lambda m, v: m.sparse.to_dense(st(m, v), default_value=-1.0,
                                                               validate_indices=False), V5),
    "slice": (lambda m, v: parts(m.sparse_slice(st(m, v), [1, 1], [5, 3])), V5),
    "reshape": (lambda m, v: parts(m.sparse_reshape(st(m, v), [5, -1])), V5),
    "reshape_3d": (lambda m, v: parts(m.sparse.reshape(st(m, v), [3, 5, 1])), V5),
    "transpose": (lambda m, v: parts(m.sparse_transpose(st(m, v))), V5),
    "reorder": (lambda m, v: parts(m.sparse_reorder(st(m, v))), V5),
    "reset_shape": (lambda m, v: parts(m.sparse_reset_shape(st(m, v), [4, 6]))
                    + parts(m.sparse.reset_shape(st(m, v))), V5),
    "expand_dims": (lambda m, v: parts(m.sparse.expand_dims(st(m, v), 1)), V5),
    "fill_empty_rows": (lambda m, v, d: parts(m.sparse_fill_empty_rows(
        st(m, v, [[3, 0], [0, 3], [0, 1]], [5, 4]), d)[0]) + [m.sparse.fill_empty_rows(
            st(m, v, [[3, 0], [0, 3], [0, 1]], [5, 4]), d)[1]], rand(3, seed=4), np.array(7.)),
    "merge": (lambda m, w: parts(m.sparse_merge(st(m, np.array([2, 0, 4, 1, 3], np.int64)),
                                                st(m, w), 6)), V5),
    "add": (lambda m, v, w: parts(m.sparse_add(st(m, v, SORTED), st(m, w, OTHER))), V5, V4),
    "add_threshold": (lambda m, v, w: parts(m.sparse.add(st(m, v, SORTED), st(m, w, OTHER),
                                                         thresh=0.8)), V5, V4),
    "add_dense": (lambda m, v, x: m.sparse_add(x, st(m, v, SORTED)), V5, rand(3, 5)),
    "softmax": (lambda m, v: parts(m.sparse_softmax(st(m, v, SORTED))), V5),
    "softmax_3d": (lambda m, v: parts(m.sparse.softmax(st(
        m, v, [[0, 0, 1], [0, 0, 2], [1, 0, 0], [1, 1, 3]], [2, 2, 4]))), V4),
    "segment_sum": (lambda m, x: m.sparse_segment_sum(x, [0, 5, 2, 2], [0, 0, 2, 3]), X),
    "segment_mean": (lambda m, x: m.sparse_segment_mean(x, [0, 5, 2], [1, 1, 2]), X),
    "segment_sqrt_n": (lambda m, x: m.sparse.segment_sqrt_n(x, [0, 5, 2], [0, 0, 2]), X),
    "segment_sum_n": (lambda m, x: m.sparse.segment_sum(x, [4, 1], [0, 2], num_segments=4), X),
    "segment_mean_n": (lambda m, x: m.sparse.segment_mean(x, [4, 1, 3], [1, 1, 2],
                                                          num_segments=5), X),
    "sparse_matmul": (lambda m, a, b: m.sparse_matmul(a, b, transpose_b=True, a_is_sparse=True),
                      rand(2, 3, dtype=np.float32), rand(4, 3, dtype=np.float32)),
    "from_dense": (lambda m, x: parts(m.sparse.from_dense(x)),
                   np.array([[0., 1.5, 0.], [2., 0., -1.]])),
}

NO_GRAD = {   # TF1 registers no gradient for these (graphc's composites have one)
    "to_dense_scalar": (lambda m, v: m.sparse_to_dense([1, 3], [6], v), np.array(2.0)),
    "split": (lambda m, v: parts(m.sparse_split(sp_input=st(m, v), num_split=2, axis=1)[0])
              + parts(m.sparse.split(sp_input=st(m, v), num_split=2, axis=-1)[1]), V5),
    "concat0_expand": (lambda m, v, w: parts(m.sparse.concat(
        0, [st(m, v), st(m, w, OTHER, [4, 7])], expand_nonconcat_dim=True)), V5, V4),
    "concat1": (lambda m, v, w: parts(m.sparse_concat(1, [st(m, v), st(m, w, OTHER)])),
                V5, V4),
    "max": (lambda m, v, w: parts(m.sparse_maximum(st(m, v, SORTED), st(m, w, OTHER)))
            + parts(m.sparse.minimum(st(m, v, SORTED), st(m, w, OTHER))), V5, V4),
    "reduce_max": (lambda m, v: [m.sparse_reduce_max(st(m, v), 1),
                                 m.sparse.reduce_max(st(m, v), 0, keepdims=True),
                                 m.sparse_reduce_max(st(m, v))], V5),
    "reduce_max_sparse": (lambda m, v: parts(m.sparse_reduce_max_sparse(st(m, v, SORTED), 0))
                          + parts(m.sparse.reduce_max_sparse(st(m, v, SORTED), 1, True)), V5),
    "reduce_sum_sparse": (lambda m, v: parts(m.sparse_reduce_sum_sparse(st(m, v, SORTED), 1))
                          + parts(m.sparse.reduce_sum_sparse(st(m, v, SORTED))), V5),
    "to_indicator": (lambda m, v: m.sparse_to_indicator(
        st(m, v, [[0, 0], [0, 1], [1, 0]], [2, 3]), 4), np.array([2, 0, 2], np.int64)),
    "eye": (lambda m, x: parts(m.sparse.eye(2, 4)) + [x], rand(2)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    check(fn, *args)


@pytest.mark.parametrize("name", sorted(NO_GRAD))
def test_case_no_gradient(name):
    fn, *args = NO_GRAD[name]
    check(fn, *args, grad=False)


# shapes fed at run time that do not fit: both fail when run (hunt 21)
MISMATCH = {
    "matmul_adjoint_a": (lambda m, sp, d: m.sparse_tensor_dense_matmul(sp, d, adjoint_a=True),
                         [2, 4], (4, 3)),
    "matmul": (lambda m, sp, d: m.sparse_tensor_dense_matmul(sp, d), [2, 5], (4, 3)),
    "matmul_adjoint_b": (lambda m, sp, d: m.sparse_tensor_dense_matmul(sp, d, adjoint_b=True),
                         [2, 4], (4, 3)),
    "add_dense": (lambda m, sp, d: m.sparse.add(sp, d), [2, 4], (4, 3)),
    "add_dense_rank": (lambda m, sp, d: m.sparse_add(d, sp), [2, 4], (2, 4, 1)),
}


@pytest.mark.parametrize("name", sorted(MISMATCH))
def test_run_time_shape_mismatch_fails(name):
    fn, shape, dense = MISMATCH[name]
    for m, error in ((gc, gc.errors.InvalidArgumentError), (v1, tf.errors.InvalidArgumentError)):
        with m.Graph().as_default():
            idx, val = m.placeholder(m.int64, [None, 2]), m.placeholder(m.float32, [None])
            shp, d = m.placeholder(m.int64, [2]), m.placeholder(m.float32, None)
            out = fn(m, m.SparseTensor(idx, val, shp), d)
            feed = {idx: [[1, 0]], val: [3.0], shp: shape, d: np.ones(dense, np.float32)}
            with m.Session() as sess, pytest.raises(error):
                sess.run(out, feed)
