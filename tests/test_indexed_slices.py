"""IndexedSlices (TF1's sparse gradients) and the optimizers' sparse updates: a variable
read only through row lookups gets an IndexedSlices from compute_gradients, and
apply_gradients then touches only those rows (tests/test_tf_parity_train.py compares
every optimizer with TF1 itself)."""
import numpy as np
import pytest

import graphc as gc


def _table(shape=(6, 3)):
    return np.arange(np.prod(shape), dtype=np.float64).reshape(shape) / 10.0


def _run(fetches, feed=None):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        return sess.run(fetches, feed)


def test_indexed_slices_is_a_composite_fetched_as_its_value():
    s = gc.IndexedSlices(gc.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                         gc.constant([2, 0, 2]), gc.constant([4, 2]))
    assert s.dtype is gc.float32 and s.shape.as_list() == [4, 2]
    got = _run(s)
    assert isinstance(got, gc.IndexedSlicesValue)
    np.testing.assert_array_equal(got.indices, [2, 0, 2])
    np.testing.assert_array_equal(got.dense_shape, [4, 2])
    # used as a tensor it is the dense sum (repeats add up), as in TF1
    dense = _run(gc.convert_to_tensor(s) * 1.0)
    np.testing.assert_array_equal(dense, [[3, 4], [0, 0], [6, 8], [0, 0]])
    np.testing.assert_array_equal(_run(gc.reduce_sum(s, axis=0)), [9, 12])
    np.testing.assert_array_equal(_run((-s).values)[0], [-1, -2])


def test_indexed_slices_checks_its_parts():
    with pytest.raises(gc.errors.DTypeError, match="1-D int"):
        gc.IndexedSlices(gc.ones((2, 3)), gc.constant([0.0, 1.0]))
    with pytest.raises(gc.errors.ShapeError, match="rows"):
        gc.IndexedSlices(gc.constant(1.0), gc.constant([0]))
    with pytest.raises(ValueError, match="dense_shape is None"):
        gc.convert_to_tensor(gc.IndexedSlices(gc.ones((2, 3)), gc.constant([0, 1])))


def test_compute_gradients_is_sparse_only_for_row_lookups():
    emb = gc.Variable(_table(), name="emb")
    dense = gc.Variable(_table(), name="dense")
    ids = gc.placeholder(gc.int32, [None])
    rows = gc.nn.embedding_lookup(emb, ids) + gc.gather(dense, ids)
    gc.summary.histogram("emb", emb)            # a use off the loss's path
    loss = gc.reduce_sum(gc.square(rows)) + gc.nn.l2_loss(dense)
    (g_emb, _), (g_dense, _) = gc.train.GradientDescentOptimizer(0.1).compute_gradients(
        loss, [emb, dense])
    assert isinstance(g_emb, gc.IndexedSlices)
    assert isinstance(g_dense, gc.Tensor)
    got = _run(g_emb, {ids: [1, 1, 5]})
    np.testing.assert_array_equal(got.indices, [1, 1, 5])
    want = gc.gradients(loss, emb)[0]           # gc.gradients too (TF1): sparse
    assert isinstance(want, gc.IndexedSlices)
    want = gc.convert_to_tensor(want)
    np.testing.assert_allclose(_run(gc.convert_to_tensor(g_emb), {ids: [1, 1, 5]}),
                               _run(want, {ids: [1, 1, 5]}))


def _momentum_reference(table, steps, lr=0.1, mu=0.9):
    """numpy: TF1's SparseApplyMomentum on loss = sum(rows^2), one step per id list."""
    var, accum = table.copy(), np.zeros_like(table)
    for ids in steps:
        g = np.zeros_like(var)
        np.add.at(g, ids, 2 * var[ids])
        touched = np.unique(ids)
        accum[touched] = accum[touched] * mu + g[touched]
        var[touched] -= lr * accum[touched]
    return var, accum


def test_sparse_momentum_updates_only_the_rows_looked_up():
    emb = gc.Variable(_table(), name="emb")
    ids = gc.placeholder(gc.int32, [None])
    loss = gc.reduce_sum(gc.square(gc.nn.embedding_lookup(emb, ids)))
    opt = gc.train.MomentumOptimizer(0.1, 0.9)
    train = opt.minimize(loss)
    steps = [[1, 1, 4], [2], [1, 3, 3]]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for s in steps:
            sess.run(train, {ids: s})
        var, accum = sess.run([emb, opt.get_slot(emb, "momentum")])
    want_var, want_accum = _momentum_reference(_table(), steps)
    np.testing.assert_allclose(var, want_var, rtol=1e-12)
    np.testing.assert_allclose(accum, want_accum, rtol=1e-12)
    np.testing.assert_array_equal(var[[0, 5]], _table()[[0, 5]])   # never looked up


@pytest.mark.parametrize("make", [lambda: gc.train.GradientDescentOptimizer(0.1),
                                  lambda: gc.train.AdagradOptimizer(0.1),
                                  lambda: gc.train.ProximalAdagradOptimizer(0.1)],
                         ids=["sgd", "adagrad", "proximal_adagrad"])
def test_sparse_and_dense_updates_agree_where_tf1s_do(make):
    """For these optimizers a zero gradient row changes nothing, so the sparse update
    equals the dense one of the summed-up gradient."""
    def train(sparse):
        with gc.Graph().as_default():
            emb = gc.Variable(_table(), name="emb")
            loss = gc.reduce_sum(gc.sin(gc.gather(emb, [0, 2, 2, 5])))
            opt = make()
            (g, v), = opt.compute_gradients(loss, [emb])
            assert isinstance(g, gc.IndexedSlices)
            step = opt.apply_gradients([(g if sparse else gc.convert_to_tensor(g), v)])
            with gc.Session() as sess:
                sess.run(gc.global_variables_initializer())
                for _ in range(3):
                    sess.run(step)
                return sess.run(emb)
    np.testing.assert_allclose(train(True), train(False), rtol=1e-12)


def test_apply_gradients_takes_user_indexed_slices():
    v = gc.Variable(np.zeros((4, 2)), name="v")
    g = gc.IndexedSlices(gc.constant([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]], gc.float64),
                         gc.constant([3, 0, 3]), gc.constant([4, 2]))
    opt = gc.train.MomentumOptimizer(1.0, 0.5)
    step = opt.apply_gradients([(g, v)])
    got = _run([step, v])[1]
    np.testing.assert_array_equal(got, [[-2, -2], [0, 0], [0, 0], [-5, -5]])
    bad = gc.IndexedSlices(gc.ones((2, 3), gc.float64), gc.constant([0, 1]))
    with pytest.raises(gc.errors.ShapeError, match="do not fit variable 'v'"):
        opt.apply_gradients([(bad, v)])
    with pytest.raises(gc.errors.DTypeError, match="float32"):
        opt.apply_gradients([(gc.IndexedSlices(gc.ones((2, 2)), gc.constant([0, 1])), v)])


def test_an_optimizer_with_only_apply_dense_gets_the_dense_gradient():
    class HalfStep(gc.train.Optimizer):
        def __init__(self):
            super().__init__(False, "HalfStep")

        def _apply_dense(self, grad, var):
            return var.assign_sub(grad * 0.5).node

    emb = gc.Variable(_table(), name="emb")
    loss = gc.reduce_sum(gc.gather(emb, [1, 1]))
    got = _run([HalfStep().minimize(loss), emb])[1]
    want = _table()
    want[1] -= 1.0
    np.testing.assert_allclose(got, want)


def test_clipping_keeps_indexed_slices():
    s = gc.IndexedSlices(gc.constant([[3.0, 4.0], [0.0, 0.0]]), gc.constant([0, 2]),
                         gc.constant([3, 2]))
    c = gc.clip_by_norm(s, 1.0)
    (cg,), norm = gc.clip_by_global_norm([s], 2.5)
    assert isinstance(c, gc.IndexedSlices) and isinstance(cg, gc.IndexedSlices)
    got_c, got_cg, got_norm, got_gn = _run([c.values, cg.values, norm, gc.global_norm([s])])
    np.testing.assert_allclose(got_c, [[0.6, 0.8], [0, 0]], rtol=1e-6)
    np.testing.assert_allclose(got_cg, [[1.5, 2.0], [0, 0]], rtol=1e-6)
    assert got_norm == pytest.approx(5.0) and got_gn == pytest.approx(5.0)


def test_sparse_step_never_builds_a_dense_gradient():
    """The point of sparse updates: a step on a big table scatters rows, with no
    table-sized scatter-add or zero tensor in the plan."""
    emb = gc.Variable(np.zeros((100000, 8), np.float32), name="emb")
    ids = gc.placeholder(gc.int32, [None])
    loss = gc.reduce_sum(gc.square(gc.nn.embedding_lookup(emb, ids) - 1.0))
    train = gc.train.AdagradOptimizer(0.5).minimize(loss)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train, {ids: [7, 99999, 7]})
        exe = sess.compile(train, feed_list=[ids])
        got = sess.run(emb)
    assert not any(n.op.name == "UnsortedSegmentSum" and n.outputs[0].shape.dims
                   and n.outputs[0].shape.as_list()[0] == 100000 for n in exe.program.nodes)
    assert np.count_nonzero(got.any(axis=1)) == 2


def test_register_tensor_conversion_function():
    class Meters:
        def __init__(self, v):
            self.v = v

    gc.register_tensor_conversion_function(
        Meters, lambda value, dtype=None, name=None, as_ref=False:
        gc.constant(value.v, dtype=dtype or gc.float32))
    assert _run(gc.add(Meters(2.0), 1.0)) == 3.0
    with pytest.raises(TypeError, match="base_type"):
        gc.register_tensor_conversion_function(float, lambda v, **kw: v)


def test_sparse_mask_drops_the_masked_rows():
    a = gc.IndexedSlices(gc.constant([[1.0], [2.0], [3.0], [4.0]]),
                         gc.constant([12, 26, 37, 45]), gc.constant([50, 1]))
    b = gc.sparse_mask(a, [12, 45])
    assert isinstance(b, gc.IndexedSlices) and gc.sparse.mask is gc.sparse_mask
    got = _run(b)
    np.testing.assert_array_equal(got.indices, [26, 37])
    np.testing.assert_array_equal(got.values, [[2.0], [3.0]])
    with pytest.raises(TypeError, match="IndexedSlices"):
        gc.sparse_mask(gc.constant([1.0]), [0])
