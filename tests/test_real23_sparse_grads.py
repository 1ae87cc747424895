"""A table's gradient stays an IndexedSlices when its only other uses send no gradient
back (TF1 sums only the gradients that arrive): Faster R-CNN decodes boxes from the
deltas it also gathers, for non_max_suppression and behind stop_gradient."""
import numpy as np

import graphc as gc


def test_uses_that_pass_no_gradient_keep_a_lookup_sparse():
    emb = gc.Variable(np.arange(15, dtype=np.float32).reshape(5, 3))
    rows = gc.gather(emb, [1, 3])
    frozen = gc.stop_gradient(emb * 2.0)
    picked = gc.argmax(gc.reduce_sum(emb * 1.0, 1))        # integer: no gradient back
    loss = gc.reduce_sum(rows) + gc.reduce_sum(frozen) + gc.reduce_sum(gc.gather(emb, picked))
    g, = gc.gradients(loss, [emb])
    assert isinstance(g, gc.IndexedSlices)
    dense, = gc.gradients(gc.reduce_sum(rows) + gc.reduce_sum(emb * 2.0), [emb])
    assert not isinstance(dense, gc.IndexedSlices)
    nd = gc.gather_nd(emb, gc.where(gc.reduce_sum(emb, 1) > 20.0))   # indices (?, 1)
    g_nd, = gc.gradients(gc.reduce_sum(nd) + gc.reduce_sum(frozen), [emb])
    assert isinstance(g_nd, gc.IndexedSlices)
    step = gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        assert sorted(sess.run(g.indices).tolist()) == [1, 3, 4]
        np.testing.assert_array_equal(sess.run(g_nd.indices), [2, 3, 4])
        for _ in range(2):
            sess.run(step)
        moved = sess.run(emb) - np.arange(15).reshape(5, 3)
    # TF's sparse momentum: untouched rows keep their value, looked-up rows move 0.1 + 0.19
    np.testing.assert_allclose(moved, [[0] * 3, [-0.29] * 3, [0] * 3, [-0.29] * 3, [-0.29] * 3],
                               atol=1e-6)
