"""add_loss and add_metric (graph-mode tf_keras): on a functional model the tensor joins
the network through op layers and an AddLoss / AddMetric layer; in a layer's call the
layer keeps it; callables are called by `losses`. Values checked by hand; the same
models against tf_keras in test_tf_parity_keras_add_loss.py."""
import numpy as np
import pytest

import graphc as gc
from graphc import keras

RNG = np.random.default_rng(0)
X = RNG.standard_normal((8, 3)).astype(np.float32)
Y = RNG.standard_normal((8, 1)).astype(np.float32)


def _model():
    x = keras.Input((3,))
    h = keras.layers.Dense(4)(x)
    return keras.Model(x, keras.layers.Dense(1)(h)), h


def test_functional_add_loss_and_metric_join_the_network():
    with gc.Graph().as_default():
        model, h = _model()
        model.add_loss(gc.reduce_mean(gc.square(h)) * 0.5)
        model.add_metric(gc.reduce_max(h, axis=1), name="h_max", aggregation="mean")
        assert [la.name for la in model.layers] == [
            "input_1", "dense", "dense_1", "tf_op_layer_Square", "tf_op_layer_Mean",
            "tf_op_layer_mul", "add_loss", "tf_op_layer_Max", "add_metric"]
        model.compile("sgd", "mse")
        assert model.metrics_names == ["loss", "h_max"]
        w1, b1, w2, b2 = model.get_weights()
        hv = X @ w1 + b1
        mse = np.mean((hv @ w2 + b2 - Y) ** 2)
        loss, h_max = model.evaluate(X, Y, batch_size=3, verbose=0)
        np.testing.assert_allclose(h_max, hv.max(1).mean(), rtol=1e-5)
        # evaluate averages the loss over batches by size, as Keras
        parts = [np.mean((hv[i:i + 3] @ w2 + b2 - Y[i:i + 3]) ** 2)
                 + 0.5 * np.mean(hv[i:i + 3] ** 2) for i in range(0, 8, 3)]
        np.testing.assert_allclose(loss, np.average(parts, weights=[3, 3, 2]), rtol=1e-5)
        assert loss > mse
        history = model.fit(X, Y, epochs=3, verbose=0)
        assert sorted(history.history) == ["h_max", "loss"]


def test_configs_and_clones_keep_the_added_layers():
    with gc.Graph().as_default():
        model, h = _model()
        model.add_loss(0.1 * gc.reduce_sum(h))
        model.add_metric(gc.reduce_mean(h), name="h_mean", aggregation="mean")
        for again in (keras.models.model_from_json(model.to_json()),
                      keras.models.clone_model(model)):
            assert [la.name for la in again.layers] == [la.name for la in model.layers]
            assert len(again.losses) == 1
            again.compile("sgd", "mse")
            again.set_weights(model.get_weights())
            model.compile("sgd", "mse")
            np.testing.assert_allclose(again.evaluate(X, Y, verbose=0),
                                       model.evaluate(X, Y, verbose=0), rtol=1e-6)


def test_callable_losses_are_called_by_losses():
    with gc.Graph().as_default():
        model, _ = _model()
        kernel = model.layers[1].kernel
        model.add_loss(lambda: gc.reduce_sum(kernel))
        model.add_loss(lambda: None)
        assert len(model.losses) == 1
        model.compile("sgd", "mse")
        sess = keras.backend.get_session()
        total = sess.run(gc.add_n(model.losses))
        np.testing.assert_allclose(total, model.get_weights()[0].sum(), rtol=1e-6)


def test_a_layer_adds_losses_and_metrics_in_call():
    class Probe(keras.layers.Layer):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.seen = keras.metrics.Mean(name="seen")

        def call(self, inputs):
            self.add_loss(gc.reduce_mean(gc.abs(inputs)))
            self.add_metric(gc.reduce_min(inputs), name="low", aggregation="mean")
            self.add_metric(self.seen(inputs))
            return inputs * 2.0

    with gc.Graph().as_default():
        x = keras.Input((3,))
        model = keras.Model(x, keras.layers.Dense(1)(Probe()(x)))
        assert [la.name for la in model.layers] == ["input_1", "probe", "dense"]
        model.compile("sgd", "mse")
        assert model.metrics_names == ["loss", "low", "seen"]
        _, low, seen = model.evaluate(X, Y, batch_size=4, verbose=0)
        np.testing.assert_allclose(low, np.mean([X[:4].min(), X[4:].min()]), rtol=1e-5)
        np.testing.assert_allclose(seen, X.mean(), rtol=1e-5)


def test_add_metric_errors():
    with gc.Graph().as_default():
        model, h = _model()
        with pytest.raises(ValueError, match="only `mean`"):
            model.add_metric(gc.reduce_mean(h), name="m", aggregation="max")
        with pytest.raises(ValueError, match="provide a name"):
            model.add_metric(gc.reduce_mean(h), aggregation="mean")
        with pytest.raises(ValueError, match="aggregated metric result tensor"):
            model.add_metric(gc.reduce_mean(h), name="m")
        with pytest.raises(ValueError, match="symbolic Tensor"):
            model.add_metric(1.0, name="m", aggregation="mean")
        mean = keras.metrics.Mean()
        with pytest.raises(ValueError, match="Functional Model is not supported"):
            model.add_metric(mean(h))


def test_compile_without_a_loss_trains_on_the_added_losses():
    """The Keras VAE idiom: compile() with no loss, fit(x) with no targets; an output
    given loss None gets no target among several."""
    with gc.Graph().as_default():
        x = keras.Input((3,))
        recon = keras.layers.Dense(3)(x)
        model = keras.Model(x, recon)
        model.add_loss(gc.reduce_mean(gc.square(recon - x)))
        model.compile(keras.optimizers.Adam(0.05))
        first = model.evaluate(X, verbose=0)
        model.fit(X, epochs=30, batch_size=4, verbose=0)
        assert model.evaluate(X, verbose=0) < first / 2
    with gc.Graph().as_default():
        x = keras.Input((3,))
        a, b = keras.layers.Dense(1, name="a")(x), keras.layers.Dense(2, name="b")(x)
        model = keras.Model(x, [a, b])
        model.add_loss(0.0 * gc.reduce_sum(b))
        model.compile("sgd", loss={"a": "mse", "b": None})
        assert len(model.targets) == 1 and model.metrics_names == ["loss", "a_loss"]
        assert np.isfinite(model.evaluate(X, Y, verbose=0)).all()
    with gc.Graph().as_default():
        model, _ = _model()
        with pytest.raises(ValueError, match="no loss to optimize"):
            model.compile("sgd")


def test_add_metric_on_a_model_makes_no_stray_layer():
    """The checks of a functional model's add_metric make no layer (no name taken)."""
    with gc.Graph().as_default():
        model, h = _model()
        model.add_metric(gc.reduce_mean(h), name="h_mean", aggregation="mean")
        assert keras.layers.Layer().name == "layer"
