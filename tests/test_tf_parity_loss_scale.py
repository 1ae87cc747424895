"""Loss scaling against TF1 (tf.compat.v1.train.experimental): the same model trained
through MixedPrecisionLossScaleOptimizer with fixed and dynamic loss scales, over
batches with and without non-finite gradients, gives the same loss scale, good-step
count, global step and weights after every step. Skips without TensorFlow."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf

INF, NAN = np.inf, np.nan
BATCHES = [[[1, 2], [0.5, -1]], [[1, 2], [3, 1]], [[INF, 1], [0, 0]], [[1, 1], [2, 2]],
           [[NAN, 0], [1, 1]], [[0.5, 0.5], [1, -2]], [[2, 1], [1, 2]]]
OPTIMIZERS = {"sgd": lambda lib: lib.train.GradientDescentOptimizer(0.1),
              "adam": lambda lib: lib.train.AdamOptimizer(0.05),
              "momentum": lambda lib: lib.train.MomentumOptimizer(0.1, 0.9),
              "rmsprop": lambda lib: lib.train.RMSPropOptimizer(0.05)}
SCALES = {"fixed": lambda exp: 64,
          "dynamic": lambda exp: exp.DynamicLossScale(initial_loss_scale=4,
                                                      increment_period=2, multiplier=2.0),
          "dynamic_default": lambda exp: "dynamic"}


def _steps(lib, opt_name, scale_name, use_enable):
    exp = lib.train.experimental
    with lib.Graph().as_default():
        x = lib.placeholder(lib.float32, (None, 2))
        w = lib.Variable(np.array([[1.0], [-0.5]], np.float32), name="w")
        b = lib.Variable(np.array([0.1], np.float32), name="b")
        loss = lib.reduce_mean(lib.square(lib.matmul(x, w) + b - 1.0))
        inner = OPTIMIZERS[opt_name](lib)
        scale = SCALES[scale_name](exp)
        if use_enable:
            opt = exp.enable_mixed_precision_graph_rewrite(inner, loss_scale=scale)
        else:
            opt = exp.MixedPrecisionLossScaleOptimizer(inner, scale)
        gs = lib.train.get_or_create_global_step()
        step = opt.minimize(loss, global_step=gs)
        ls = opt._loss_scale
        good = getattr(ls, "_num_good_steps", None)
        out = []
        with lib.Session() as sess:
            sess.run(lib.global_variables_initializer())
            for batch in BATCHES:
                sess.run(step, {x: np.array(batch, np.float32)})
                vals = sess.run([ls(), gs, w, b] + ([good] if good is not None else []))
                out.append([np.asarray(v) for v in vals])
        names = sorted(v.name for v in opt.variables())
        if use_enable:
            exp.disable_mixed_precision_graph_rewrite()
    return out, names


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("scale_name", sorted(SCALES))
def test_training_with_loss_scaling_matches_tf(opt_name, scale_name):
    got, got_names = _steps(gc, opt_name, scale_name, False)
    want, want_names = _steps(tf.compat.v1, opt_name, scale_name, False)
    assert got_names == want_names
    for g, t in zip(got, want):
        assert len(g) == len(t)
        for a, e in zip(g, t):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=1e-6)


def test_enable_mixed_precision_graph_rewrite_matches_tf():
    got, _ = _steps(gc, "adam", "dynamic", True)
    want, _ = _steps(tf.compat.v1, "adam", "dynamic", True)
    for g, t in zip(got, want):
        for a, e in zip(g, t):
            np.testing.assert_allclose(a, e, rtol=2e-5, atol=1e-6)
    assert gc.config.optimizer.get_experimental_options().get(
        "auto_mixed_precision") is False


def test_loss_scale_configs_and_errors_match_tf():
    for lib in (gc, tf.compat.v1):
        with lib.Graph().as_default():
            pass
    g_exp, t_exp = gc.train.experimental, tf.compat.v1.train.experimental
    with tf.Graph().as_default(), gc.Graph().as_default():
        for make in (lambda e: e.FixedLossScale(3), lambda e: e.DynamicLossScale(),
                     lambda e: e.DynamicLossScale(8, 10, 4.0)):
            g, t = make(g_exp), make(t_exp)
            assert g.get_config() == t.get_config()
            assert repr(g) == repr(t)
    for bad in (0.5, "3"):
        with pytest.raises(ValueError) as te:
            t_exp.FixedLossScale(bad)
        with pytest.raises(ValueError) as ge:
            g_exp.FixedLossScale(bad)
        assert str(ge.value) == str(te.value)
