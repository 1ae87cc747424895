"""gc.test against TF1's tf.test: the gradient checker's Jacobians, TestCase's graph,
seeds and assertion messages."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1


def _jacobians(m, fn, shapes, values, y_shape):
    g = m.Graph()
    with g.as_default():
        xs = [m.constant(v) for v in values]      # each x fed alone; the others keep these
        y = fn(m, *xs)
        with m.Session(graph=g):
            return m.test.compute_gradient(xs, shapes, y, y_shape,
                                           x_init_value=[v + 0.5 for v in values])


@pytest.mark.parametrize("fn, shapes, y_shape", [
    (lambda m, a, b: m.matmul(a, b), [(2, 3), (3, 2)], (2, 2)),
    (lambda m, a: m.nn.softmax(a), [(2, 3)], (2, 3)),
    (lambda m, a: m.gather(a, [2, 0, 2]), [(3, 2)], (3, 2)),
    (lambda m, a: m.reduce_max(a, axis=1), [(2, 3)], (2,)),
])
def test_compute_gradient_same_jacobians(fn, shapes, y_shape):
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(s) for s in shapes]
    ours = _jacobians(gc, fn, shapes, values, y_shape)
    theirs = _jacobians(v1, fn, shapes, values, y_shape)
    for (t1, n1), (t2, n2) in zip(ours, theirs):
        assert t1.shape == t2.shape and t1.dtype == t2.dtype
        np.testing.assert_allclose(t1, t2, atol=1e-12)
        np.testing.assert_allclose(n1, n2, atol=1e-9)


def _case(m):
    class C(m.test.TestCase):
        def runTest(self):
            pass
    filtering = tf.debugging.is_traceback_filtering_enabled()
    c = C()                 # TF's TestCase turns TF's traceback filtering off for good
    if filtering:
        tf.debugging.enable_traceback_filtering()
    c.setUp()
    return c


def test_setup_graph_seed_and_messages():
    messages = []
    for m in (gc, v1):
        c = _case(m)        # (TF's graph seed is set only in TF1 graph mode, not here)
        assert np.random.randint(1 << 30) == np.random.RandomState(87654321).randint(1 << 30)
        try:
            c.assertAllInRange(np.array([1, 2, 5, -1]), 0, 4)
        except AssertionError as e:
            messages.append(str(e))
        c.tearDown()
    assert messages[0] == messages[1]


def test_equal_graph_defs_pass_and_differences_fail():
    def build(m, scale):
        g = m.Graph()
        with g.as_default():
            x = m.placeholder(m.float32, (2,), name="x")
            m.multiply(x, m.constant(scale, name="c"), name="y")
        return g
    gc.test.assert_equal_graph_def(gc.io.export_tf_graph_def(build(gc, 2.0)),
                                   gc.io.export_tf_graph_def(build(gc, 2.0)))
    tf.test.assert_equal_graph_def(build(v1, 2.0).as_graph_def(),
                                   build(v1, 2.0).as_graph_def())
    for m, export in ((gc, gc.io.export_tf_graph_def), (v1, lambda g: g.as_graph_def())):
        with pytest.raises(AssertionError):
            m.test.assert_equal_graph_def(export(build(m, 2.0)), export(build(m, 3.0)))
