"""add_loss and add_metric against tf_keras (graph mode): a functional model with a
symbolic loss and metric added after construction, and a layer adding both in its
call, give the same layers (TensorFlowOpLayers, AddLoss, AddMetric), metrics_names,
fit history and evaluate results with the same weights. Skips without TF/tf_keras."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import run_both, tf

RNG = np.random.default_rng(3)
X = RNG.standard_normal((16, 3)).astype(np.float32)
Y = RNG.standard_normal((16, 1)).astype(np.float32)


def _functional(keras, ops):
    x = keras.Input((3,))
    h = keras.layers.Dense(4, activation="tanh")(x)
    model = keras.Model(x, keras.layers.Dense(1)(h))
    model.add_loss(ops.reduce_mean(ops.square(h)) * 0.1)
    model.add_metric(ops.reduce_mean(h), name="h_mean", aggregation="mean")
    model.add_loss(lambda: 0.01 * ops.reduce_sum(model.layers[1].kernel))
    return model


def _in_call(keras, ops):
    class Penalized(keras.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight("w", (int(shape[-1]), 2), initializer="ones")

        def call(self, inputs):
            out = ops.matmul(inputs, self.w)
            self.add_loss(0.05 * ops.reduce_mean(ops.abs(out)))
            self.add_metric(ops.reduce_max(out), name="out_max", aggregation="mean")
            return out

    x = keras.Input((3,))
    return keras.Model(x, keras.layers.Dense(1)(Penalized()(x)))


@pytest.mark.parametrize("make", [_functional, _in_call], ids=["functional", "in_call"])
def test_added_losses_and_metrics_match_tf_keras(make):
    def build(keras):
        model = make(keras, gc if keras is gc.keras else tf)
        model.compile("sgd", "mse", metrics=[keras.metrics.MeanAbsoluteError()])
        return model

    def run(model):
        hist = model.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        return ([(la.name, type(la).__name__) for la in model.layers],
                model.metrics_names, hist.history,
                model.evaluate(X, Y, batch_size=8, verbose=0))

    (gl, gn, gh, ge), (tl, tn, th, te) = run_both(build, run)
    assert gl == tl
    assert gn == tn
    assert sorted(gh) == sorted(th)
    for k in th:
        np.testing.assert_allclose(gh[k], th[k], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ge, te, rtol=1e-4, atol=1e-6)


def test_add_metric_errors_match_tf_keras():
    for keras, ops, graph in ((gc.keras, gc, gc.Graph), (__import__("tf_keras"), tf,
                                                          tf.Graph)):
        with graph().as_default():
            x = keras.Input((3,))
            model = keras.Model(x, keras.layers.Dense(1)(x))
            with pytest.raises(ValueError, match="only `mean`"):
                model.add_metric(ops.reduce_mean(x), name="m", aggregation="sum")
            with pytest.raises(ValueError, match="provide a name"):
                model.add_metric(ops.reduce_mean(x), aggregation="mean")


def test_compile_without_loss_matches_tf_keras():
    """The Keras VAE idiom: compile(optimizer) alone, fit(x) on add_loss's loss."""
    def build(keras):
        ops = gc if keras is gc.keras else tf
        x = keras.Input((3,))
        recon = keras.layers.Dense(3)(keras.layers.Dense(2, activation="tanh")(x))
        model = keras.Model(x, recon)
        model.add_loss(ops.reduce_mean(ops.reduce_sum(ops.square(recon - x), axis=1)))
        model.compile("sgd")
        return model

    def run(model):
        hist = model.fit(X, batch_size=4, epochs=2, shuffle=False, verbose=0)
        return model.metrics_names, hist.history["loss"], model.evaluate(X, verbose=0)

    (gn, gh, ge), (tn, th, te) = run_both(build, run)
    assert gn == tn
    np.testing.assert_allclose(gh, th, rtol=1e-4)
    np.testing.assert_allclose(ge, te, rtol=1e-4)
