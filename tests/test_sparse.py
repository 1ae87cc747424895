"""SparseTensor, gc.sparse ops and embedding_lookup_sparse: values against numpy,
gradients by finite differences, feeding and fetching through Session.run, errors."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp
from helpers import raises, run

IDX = np.array([[0, 1], [2, 3], [1, 0], [2, 0]], np.int64)
VALS = np.array([1.5, -2.0, 3.0, 4.0])
SHAPE = np.array([3, 5], np.int64)


def dense_of(idx, vals, shape, default=0.0):
    out = np.full(tuple(shape), default, np.asarray(vals).dtype)
    for i, v in zip(idx, vals):
        out[tuple(i)] = v
    return out


def test_sparse_tensor_properties_and_static_shape():
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    assert sp.dtype == gc.float64 and sp.indices.dtype == gc.int64
    assert sp.dense_shape.dtype == gc.int64
    assert sp.shape.as_list() == [3, 5] and sp.get_shape().as_list() == [3, 5]
    assert sp.graph is gc.get_default_graph()
    sp32 = gc.SparseTensor(gc.constant(IDX.astype(np.int32)), VALS, [3, 5])
    assert sp32.indices.dtype == gc.int64


def test_to_dense_and_default_value():
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    with pytest.raises(gc.errors.ShapeError, match="out of order"):   # IDX is unordered
        gc.sparse.to_dense(sp)                                        # (TF1 refuses it too)
    got = run(gc.sparse.to_dense(sp, validate_indices=False))
    np.testing.assert_array_equal(got, dense_of(IDX, VALS, SHAPE))
    got = run(gc.sparse_tensor_to_dense(sp, default_value=-1.0, validate_indices=False))
    np.testing.assert_array_equal(got, dense_of(IDX, VALS, SHAPE, -1.0))


def test_to_dense_out_of_range_fails_at_run_time():
    sp = gc.SparseTensor([[0, 1], [3, 0]], [1.0, 2.0], [3, 5])
    with pytest.raises(gc.errors.ShapeError, match="out of bounds"):
        gc.sparse.to_dense(sp)          # constant indices: caught when built


def test_to_dense_out_of_range_fed_fails():
    sp = gc.sparse_placeholder(gc.float32, shape=[3, 5])
    d = gc.sparse.to_dense(sp)
    with pytest.raises(gc.errors.GraphcError, match="(?i)range|index"):
        run(d, {sp: gc.SparseTensorValue([[0, 7]], [1.0], [3, 5])})


@pytest.mark.parametrize("adj_a, adj_b", [(False, False), (True, False), (False, True),
                                          (True, True)])
def test_dense_matmul_values(adj_a, adj_b):
    rng = np.random.default_rng(0)
    a = dense_of(IDX, VALS, SHAPE)
    a_op = a.T if adj_a else a
    b = rng.standard_normal((a_op.shape[1], 4))
    b_in = b.T if adj_b else b
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    y = gc.sparse_tensor_dense_matmul(sp, b_in, adjoint_a=adj_a, adjoint_b=adj_b)
    assert y.shape.as_list() == [a_op.shape[0], 4]
    np.testing.assert_allclose(run(y), a_op @ b)


def test_dense_matmul_gradients_wrt_values_and_b():
    rng = np.random.default_rng(1)
    b = rng.standard_normal((5, 2))
    check_vjp(lambda v, bb: gc.sparse.sparse_dense_matmul(
        gc.SparseTensor(IDX, v, SHAPE), bb), [VALS, b])
    check_vjp(lambda v, bb: gc.sparse.sparse_dense_matmul(
        gc.SparseTensor(IDX, v, SHAPE), bb, adjoint_a=True), [VALS, rng.standard_normal((3, 2))])


def test_reduce_sum():
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    a = dense_of(IDX, VALS, SHAPE)
    assert run(gc.sparse_reduce_sum(sp)) == pytest.approx(a.sum())
    for axis in (0, 1, -1):
        np.testing.assert_allclose(run(gc.sparse.reduce_sum(sp, axis)), a.sum(axis))
    got = run(gc.sparse.reduce_sum(sp, 1, keepdims=True))
    np.testing.assert_allclose(got, a.sum(1, keepdims=True))
    np.testing.assert_allclose(run(gc.sparse.reduce_sum(sp, keepdims=True)),
                               a.sum(keepdims=True))
    sp3 = gc.SparseTensor([[0, 1, 2], [1, 0, 2], [1, 1, 0]], [1.0, 2.0, 3.0], [2, 2, 3])
    a3 = dense_of(np.array([[0, 1, 2], [1, 0, 2], [1, 1, 0]]), [1.0, 2.0, 3.0], [2, 2, 3])
    np.testing.assert_allclose(run(gc.sparse.reduce_sum(sp3, [0, 2])), a3.sum((0, 2)))
    np.testing.assert_allclose(run(gc.sparse.reduce_sum(sp3, 1)), a3.sum(1))


def test_add_sparse_and_dense():
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    d = np.arange(15.0).reshape(3, 5)
    want = d + dense_of(IDX, VALS, SHAPE)
    np.testing.assert_allclose(run(gc.sparse_add(sp, d)), want)
    np.testing.assert_allclose(run(gc.sparse.add(d, sp)), want)
    twice = gc.sparse.add(sp, sp)                   # sparse + sparse stays sparse
    assert isinstance(twice, gc.SparseTensor)
    np.testing.assert_allclose(run(gc.sparse.to_dense(twice)), 2 * dense_of(IDX, VALS, SHAPE))


def test_reorder_and_retain():
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    got = run(gc.sparse.reorder(sp))
    order = np.lexsort((IDX[:, 1], IDX[:, 0]))
    np.testing.assert_array_equal(got.indices, IDX[order])
    np.testing.assert_array_equal(got.values, VALS[order])
    kept = run(gc.sparse.retain(sp, [True, False, True, False]))
    np.testing.assert_array_equal(kept.indices, IDX[[0, 2]])
    np.testing.assert_array_equal(kept.values, VALS[[0, 2]])
    np.testing.assert_array_equal(kept.dense_shape, SHAPE)


def test_fetch_returns_sparse_tensor_value_anywhere_in_a_structure():
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    x = gc.constant(2.0)
    with gc.Session() as sess:
        v = sess.run(sp)
        assert isinstance(v, gc.SparseTensorValue)
        np.testing.assert_array_equal(v.indices, IDX)
        np.testing.assert_array_equal(v.values, VALS)
        np.testing.assert_array_equal(v.dense_shape, SHAPE)
        out = sess.run({"s": [sp, x]})
        assert isinstance(out["s"][0], gc.SparseTensorValue) and out["s"][1] == 2.0


def test_feed_sparse_placeholder_with_value_or_tuple():
    sp = gc.sparse_placeholder(gc.float32, name="sp")
    assert sp.shape.rank is None
    y = gc.sparse.to_dense(sp)
    idx, vals = [[0, 1], [1, 2]], np.array([5.0, 6.0], np.float32)
    with gc.Session() as sess:
        got = sess.run(y, {sp: gc.SparseTensorValue(idx, vals, [2, 3])})
        np.testing.assert_array_equal(got, dense_of(idx, vals, [2, 3]))
        got = sess.run(y, feed_dict={sp: (idx, vals, [3, 4])})       # a plain tuple
        np.testing.assert_array_equal(got, dense_of(idx, vals, [3, 4]))
        back = sess.run(sp, {sp: gc.SparseTensorValue(idx, vals, [2, 3])})
        np.testing.assert_array_equal(back.values, vals)
        with pytest.raises(gc.errors.FeedError):
            sess.run(y, {sp: vals})
        with pytest.raises(gc.errors.FeedError):
            sess.run(y, {sp: (idx, vals, [2, 3]), sp.indices: idx, sp.values: vals})


def test_sparse_placeholder_known_shape_is_its_default():
    sp = gc.sparse_placeholder(gc.float64, shape=[2, 4])
    assert sp.shape.as_list() == [2, 4]
    y = gc.sparse_tensor_dense_matmul(sp, np.ones((4, 3)))
    assert y.shape.as_list() == [2, 3]
    got = run(y, {sp: gc.SparseTensorValue([[1, 3]], [2.0], [2, 4])})
    np.testing.assert_allclose(got, [[0, 0, 0], [2, 2, 2]])


def test_dynamic_dense_shape_reduce_and_matmul_range_check():
    sp = gc.sparse_placeholder(gc.float32, shape=[None, 4])
    r = gc.sparse.reduce_sum(sp, 0)
    y = gc.sparse_tensor_dense_matmul(sp, np.ones((4, 2), np.float32))
    idx, vals = [[0, 1], [2, 1], [2, 3]], np.array([1.0, 2.0, 3.0], np.float32)
    feed = {sp: gc.SparseTensorValue(idx, vals, [3, 4])}
    with gc.Session() as sess:
        np.testing.assert_allclose(sess.run(r, feed), [0, 3, 0, 3])
        np.testing.assert_allclose(sess.run(y, feed), [[1, 1], [0, 0], [5, 5]])
        with pytest.raises(gc.errors.GraphcError, match="out of range"):
            sess.run(y, {sp: gc.SparseTensorValue([[0, 4]], [1.0], [3, 4])})
        with pytest.raises(gc.errors.GraphcError, match="out of range"):
            sess.run(y, {sp: gc.SparseTensorValue([[-1, 0]], [1.0], [3, 4])})


def _els_numpy(params, ids, rows, weights, combiner):
    n = rows.max() + 1
    w = np.ones(len(ids)) if weights is None else weights
    out = np.zeros((n,) + params.shape[1:])
    den = np.zeros(n)
    for r, i, wi in zip(rows, ids, w):
        out[r] += wi * params[i]
        den[r] += wi if combiner == "mean" else wi * wi
    if combiner == "sum":
        return out
    den = den if combiner == "mean" else np.sqrt(den)
    with np.errstate(invalid="ignore"):
        return out / den[:, None]


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
def test_embedding_lookup_sparse_values(combiner, weighted):
    rng = np.random.default_rng(2)
    params = rng.standard_normal((6, 3))
    idx = np.array([[0, 0], [0, 1], [2, 0], [2, 1], [2, 2]], np.int64)
    ids = np.array([1, 4, 1, 0, 5], np.int64)
    w = np.array([0.5, 2.0, 1.0, 3.0, 1.5])
    sp_ids = gc.SparseTensor(idx, ids, [4, 3])
    sp_w = gc.SparseTensor(idx, w, [4, 3]) if weighted else None
    y = gc.nn.embedding_lookup_sparse(params, sp_ids, sp_w, combiner=combiner)
    got = run(y)
    want = _els_numpy(params, ids, idx[:, 0], w if weighted else None, combiner)
    assert got.shape == (3, 3)          # TF1: max(row) + 1 rows
    np.testing.assert_allclose(got[[0, 2]], want[[0, 2]])
    if weighted and combiner != "sum":
        assert np.isnan(got[1]).all()   # TF1's 0/0 for an empty row
    else:
        np.testing.assert_array_equal(got[1], 0.0)


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_embedding_lookup_sparse_gradients(combiner):
    rng = np.random.default_rng(3)
    params = rng.standard_normal((5, 2))
    idx = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], np.int64)
    ids = np.array([1, 3, 1, 0, 4], np.int64)
    w = rng.uniform(0.5, 2.0, 5)

    def f(p, wv):
        return gc.nn.embedding_lookup_sparse(p, gc.SparseTensor(idx, ids, [2, 3]),
                                             gc.SparseTensor(idx, wv, [2, 3]),
                                             combiner=combiner)
    check_vjp(f, [params, w])
    check_vjp(lambda p: gc.nn.embedding_lookup_sparse(
        p, gc.SparseTensor(idx, ids, [2, 3]), None, combiner=combiner), [params])


def test_embedding_lookup_sparse_partitioned_params():
    rng = np.random.default_rng(4)
    table = rng.standard_normal((5, 2))
    shards = [table[0::2], table[1::2]]          # "mod": id i in shard i % 2, row i // 2
    sp_ids = gc.SparseTensor([[0, 0], [0, 1], [1, 0]], np.array([3, 4, 1]), [2, 2])
    got = run(gc.nn.embedding_lookup_sparse(shards, sp_ids, None, combiner="sum"))
    np.testing.assert_allclose(got, [table[3] + table[4], table[1]])


def test_errors_at_build_time():
    raises(gc.errors.ShapeError, lambda: gc.SparseTensor([[0, 1]], [1.0], [3, 4, 5]),
           "rank 2", "rank 3", "dense_shape")
    raises(gc.errors.ShapeError, lambda: gc.SparseTensor([[0, 1]], [[1.0]], [3, 4]),
           "values must be 1-D", "values")
    raises(gc.errors.DTypeError, lambda: gc.SparseTensor([[0.5, 1.0]], [1.0], [3, 4]),
           "indices must be integers")
    raises(gc.errors.DTypeError,
           lambda: gc.SparseTensor(gc.constant([[0.0, 1.0]]), [1.0], [3, 4]),
           "indices must be an int tensor", "float32")
    raises(gc.errors.ShapeError, lambda: gc.SparseTensor([[0, 1], [1, 1]], [1.0], [3, 4]),
           "2 index tuples", "1 values")
    sp = gc.SparseTensor(IDX, VALS, SHAPE)
    raises(gc.errors.ShapeError, lambda: gc.sparse_tensor_dense_matmul(sp, np.ones((4, 2))),
           "inner dimensions differ", "b:")
    with pytest.raises(ValueError, match="combiner"):
        gc.nn.embedding_lookup_sparse(np.ones((3, 2)), gc.SparseTensor(IDX, [0, 1, 2, 0],
                                                                       SHAPE), None, combiner="max")


def test_sparse_namespace_placeholder_is_the_sparse_one():
    """tf.sparse.placeholder is sparse_placeholder (a SparseTensor of placeholders), not
    the dense placeholder the module happens to import."""
    assert gc.sparse.placeholder is gc.sparse_placeholder
    sp = gc.sparse.placeholder(gc.float32, [None, 3])
    assert isinstance(sp, gc.SparseTensor)


def test_sparse_times_and_over_dense_keep_the_indices():
    """TF1's sp * dense and sp / dense (sparse_dense_cwise_mul/div): dense broadcast to
    the sparse shape, read only at the indices (values checked against TF 2.21)."""
    sp = gc.SparseTensor([[0, 0, 1], [1, 2, 0], [1, 1, 1]], np.array([1.0, 2.0, 3.0]), [2, 3, 2])
    d = gc.constant(np.arange(12.0).reshape(2, 3, 2) + 1)
    ph = gc.placeholder(gc.float64, None)
    outs = [sp * d, sp / gc.constant(np.array([[2.0], [4.0], [8.0]])), sp * 3.0, sp * ph,
            sp / np.array([1.0, 2.0])]
    assert all(isinstance(o, gc.SparseTensor) for o in outs)
    assert outs[0].shape.as_list() == [2, 3, 2]
    g, = gc.gradients(gc.reduce_sum((sp * d).values), [d])
    with gc.Session() as s:
        got = s.run([o.values for o in outs] + [g], {ph: np.full((3, 1), 5.0)})
        assert s.run(outs[0]).indices.tolist() == [[0, 0, 1], [1, 2, 0], [1, 1, 1]]
    want = [[2, 22, 30], [0.5, 0.25, 0.75], [3, 6, 9], [5, 10, 15], [0.5, 2, 1.5]]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b)
    dense_g = np.zeros((2, 3, 2))
    dense_g[0, 0, 1], dense_g[1, 2, 0], dense_g[1, 1, 1] = 1.0, 2.0, 3.0
    np.testing.assert_allclose(got[-1], dense_g)
    with pytest.raises(TypeError, match="must be dense"):
        sp * sp


def test_fed_shapes_that_do_not_fit_fail_when_run():
    """sparse_tensor_dense_matmul (adjoint_a too) and sparse + dense check the fed
    dense_shape against the dense operand when run (TF1; hunt 21)."""
    idx, val = gc.placeholder(gc.int64, [None, 2]), gc.placeholder(gc.float32, [None])
    shp, d = gc.placeholder(gc.int64, [2]), gc.placeholder(gc.float32, [None, None])
    sp = gc.SparseTensor(idx, val, shp)
    feed = {idx: [[1, 0]], val: [3.0], shp: [2, 4], d: np.ones((4, 3), np.float32)}
    assert run(gc.sparse_tensor_dense_matmul(sp, d), feed).tolist() == [[0] * 3, [3] * 3]
    for out, name in [(gc.sparse_tensor_dense_matmul(sp, d, adjoint_a=True),
                       "sparse_tensor_dense_matmul"), (gc.sparse.add(sp, d), "sparse_add")]:
        with pytest.raises(gc.errors.InvalidArgumentError, match=name):
            run(out, feed)
    feed[d] = np.ones((2, 4), np.float32)
    assert run(gc.sparse.add(sp, d), feed)[1, 0] == 4
