"""TF1's loss scaling (gc.mixed_precision / gc.train.experimental): the loss scale
objects, the optimizer wrapper skipping non-finite steps, and
enable_mixed_precision_graph_rewrite. Against TF in test_tf_parity_loss_scale.py."""
import logging

import numpy as np
import pytest

import graphc as gc
from graphc.train import loss_scale as L

INF = np.inf


def _train(opt_fn, batches, loss_scale):
    """Losses of x @ w (w 2x1, ones) trained on `batches`; per step: (scale, good
    steps, global step, w)."""
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, (None, 2))
        w = gc.Variable(np.ones((2, 1), np.float32), name="w")
        loss = gc.reduce_sum(gc.matmul(x, w))
        if callable(loss_scale):
            loss_scale = loss_scale()       # its variables in this graph
        opt = gc.mixed_precision.MixedPrecisionLossScaleOptimizer(opt_fn(), loss_scale)
        gs = gc.train.get_or_create_global_step()
        step = opt.minimize(loss, global_step=gs)
        scale = opt._loss_scale
        out = []
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            for b in batches:
                sess.run(step, {x: np.array(b, np.float32)})
                if isinstance(scale, L.DynamicLossScale):
                    out.append(sess.run([scale(), scale._num_good_steps, gs, w]))
                else:
                    out.append([sess.run(scale()), 0] + sess.run([gs, w]))
        opt.names = [v.name for v in opt.variables()]
        return out, opt


@pytest.mark.parametrize("make", [lambda: gc.train.GradientDescentOptimizer(0.1),
                                  lambda: gc.train.AdamOptimizer(0.1),
                                  lambda: gc.train.MomentumOptimizer(0.1, 0.9)],
                         ids=["sgd", "adam", "momentum"])
def test_dynamic_scale_grows_shrinks_and_skips_non_finite_steps(make):
    def scale():
        return L.DynamicLossScale(initial_loss_scale=8, increment_period=2, multiplier=2)
    batches = [[[1, 2]], [[1, 2]], [[INF, 1]], [[1, 1]]]
    got, opt = _train(make, batches, scale)
    assert [float(s) for s, *_ in got] == [8.0, 16.0, 8.0, 8.0]
    assert [int(g) for _, g, _, _ in got] == [1, 0, 0, 1]
    assert [int(n) for _, _, n, _ in got] == [1, 2, 2, 3]
    np.testing.assert_array_equal(got[2][3], got[1][3])     # the inf step is skipped
    # the same steps without the inf batch and without scaling
    plain, _ = _train(make, [[[1, 2]], [[1, 2]], [[1, 1]]], 1)
    for a, b in zip([got[0], got[1], got[3]], plain):
        np.testing.assert_allclose(a[3], b[3], rtol=1e-5)
    assert opt.names[-2:] == ["current_loss_scale:0", "good_steps:0"]


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_scale_does_not_go_below_one_nor_overflow():
    def scale():
        return L.DynamicLossScale(initial_loss_scale=2, increment_period=1, multiplier=4)
    got, _ = _train(lambda: gc.train.GradientDescentOptimizer(0.0),
                    [[[INF, 0]], [[INF, 0]], [[1, 1]]], scale)
    assert [float(s) for s, *_ in got] == [1.0, 1.0, 4.0]
    got, _ = _train(lambda: gc.train.GradientDescentOptimizer(0.0), [[[0, 0]]],
                    lambda: L.DynamicLossScale(initial_loss_scale=3e38, increment_period=1))
    assert float(got[0][0]) == np.float32(3e38)             # x2 would be inf: kept


def test_fixed_scale_scales_and_unscales():
    got, opt = _train(lambda: gc.train.GradientDescentOptimizer(0.5),
                      [[[1, 2]], [[INF, 0]]], 128)
    np.testing.assert_allclose(got[0][3].ravel(), [0.5, 0.0])
    assert got[1][2] == 2 and np.isnan(got[1][3][0, 0]) or np.isinf(got[1][3][0, 0])
    assert repr(opt._loss_scale) == "FixedLossScale(128.0)"
    with gc.Graph().as_default():
        x = gc.Variable(3.0)
        opt = gc.train.experimental.MixedPrecisionLossScaleOptimizer(
            gc.train.GradientDescentOptimizer(1.0), 1024)
        (g, v), = opt.compute_gradients(x * x)
        with gc.Session() as sess:
            sess.run(x.initializer)
            assert sess.run(g) == 6.0


def test_loss_scale_objects():
    assert L.get(8).get_config() == {"loss_scale_value": 8.0}
    with gc.Graph().as_default():
        d = L.get("dynamic")
        assert d.get_config() == {"initial_loss_scale": 32768.0, "increment_period": 2000,
                                  "multiplier": 2.0}
        assert repr(d).startswith("DynamicLossScale(initial_loss_scale=32768.0")
        again = L.DynamicLossScale.from_config(d.get_config())
        assert again.increment_period == 2000
        assert L.get(d) is d and L.get(None) is None
    for bad, msg in [(0.5, "at least 1"), ("8", "must be a Python int or float")]:
        with pytest.raises(ValueError, match=msg):
            L.FixedLossScale(bad)
    with pytest.raises(ValueError, match="Could not interpret loss scale identifier"):
        L.get("static")
    with pytest.raises(ValueError, match="must be an instance of Optimizer"):
        gc.mixed_precision.MixedPrecisionLossScaleOptimizer(object(), 8)
    with pytest.raises(ValueError, match="loss_scale cannot be None"):
        gc.mixed_precision.MixedPrecisionLossScaleOptimizer(
            gc.train.GradientDescentOptimizer(0.1), None)


def test_enable_and_disable_the_graph_rewrite(caplog):
    opt = gc.train.GradientDescentOptimizer(0.1)
    try:
        with gc.Graph().as_default(), caplog.at_level(logging.WARNING, "graphc"):
            wrapped = gc.train.experimental.enable_mixed_precision_graph_rewrite(opt)
            assert isinstance(wrapped, gc.mixed_precision.MixedPrecisionLossScaleOptimizer)
            assert isinstance(wrapped._loss_scale, L.DynamicLossScale)
            opts = gc.config.optimizer.get_experimental_options()
            assert opts["auto_mixed_precision"] is True
            with pytest.raises(ValueError, match="must not already be an instance"):
                gc.mixed_precision.enable_mixed_precision_graph_rewrite(wrapped)
    finally:
        gc.mixed_precision.disable_mixed_precision_graph_rewrite()
    assert gc.config.optimizer.get_experimental_options()["auto_mixed_precision"] is False
    assert gc.compat.v1.mixed_precision.experimental.LossScale is L.LossScale
