"""Subclassed Keras layers and models (engine_track.py, models_sub.py): attribute
tracking of sublayers and variables, and a subclassed Model built, trained, summarized,
configured and saved as in tf_keras' graph mode."""
import numpy as np
import pytest

import graphc as gc

keras = gc.keras
RNG = np.random.default_rng(0)
X = RNG.standard_normal((12, 5)).astype(np.float32)
Y = RNG.standard_normal((12, 2)).astype(np.float32)


class Block(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.layers.Dense(4, activation="relu", kernel_regularizer="l2")
        self.later = []
        self.later.append(keras.layers.Dense(3))         # appended after assignment
        self.by_key = {"z": keras.layers.Dense(3, name="zz"),
                       "a": keras.layers.Dense(3, name="aa")}
        self.norm = keras.layers.BatchNormalization()
        self.mean = keras.metrics.Mean()                  # a metric is not a child
        self.scale = gc.Variable(np.ones(3, np.float32), name="scale")

    def call(self, x, training=None):
        h = self.later[0](self.first(x))
        h = self.by_key["z"](self.by_key["a"](h))
        return self.norm(h, training=training) * self.scale


class Net(keras.Model):
    def __init__(self, units=2, activation=None):
        super().__init__(name="net")
        self.block = Block()
        self.head = keras.layers.Dense(units, activation=activation)

    def call(self, x, training=None):
        return self.head(self.block(x, training=training))


def _names(ws):
    return [w.name.split("/")[-2] + "/" + w.name.split("/")[-1] if "/" in w.name
            else w.name for w in ws]


def test_layer_tracks_nested_layers_and_variables_in_tf_keras_order():
    with gc.Graph().as_default():
        b = Block()
        assert [w.name for w in b.weights] == ["scale:0"]      # before the first call
        b(gc.placeholder(gc.float32, [None, 5]))
        names = [w.name for w in b.weights]
        assert names[0] == "scale:0"
        assert [n.split("/")[1] for n in names[1:]] == [
            "dense", "dense", "dense_1", "dense_1", "aa", "aa", "zz", "zz",
            "batch_normalization", "batch_normalization", "batch_normalization",
            "batch_normalization"]
        assert len(b.trainable_weights) == 11 and len(b.non_trainable_weights) == 2
        assert len(b.losses) == 1 and len(b.updates) == 2
        b.trainable = False
        assert b.trainable_weights == [] and len(b.non_trainable_weights) == 13


def test_subclassed_model_fit_predict_evaluate_build_on_the_data():
    with gc.Graph().as_default():
        net = Net()
        with pytest.raises(ValueError, match="has not yet been built"):
            net.summary()
        net.compile(keras.optimizers.SGD(0.05), "mse")
        before = net.predict(X)
        assert before.shape == (12, 2)
        assert [t.name for t in net.inputs] == ["input_1:0"]
        assert [la.name for la in net.layers] == ["block", "dense_2"]
        assert len(net.weights) == 15 and len(net.losses) == 1 and len(net.updates) == 2
        loss0 = net.evaluate(X, Y, verbose=0)
        assert np.isfinite(loss0)
        hist = net.fit(X, Y, batch_size=12, epochs=3, verbose=0, shuffle=False)
        assert hist.history["loss"][-1] < hist.history["loss"][0]
        assert not np.allclose(net.predict(X), before)
        lines = []
        net.summary(print_fn=lines.append)
        assert any(line.startswith("block (Block)") and "multiple" in line
                   for line in lines)


def test_fit_step_equals_a_hand_written_sgd_step():
    class One(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    with gc.Graph().as_default():
        m = One()
        m.compile(keras.optimizers.SGD(0.1), "mse")
        m.predict(X[:1])
        w, b = m.get_weights()
        m.fit(X, Y, batch_size=12, epochs=1, verbose=0, shuffle=False)
        err = X @ w + b - Y
        gw = X.T @ (2 * err / err.size)
        gb = (2 * err / err.size).sum(0)
        w2, b2 = m.get_weights()
        np.testing.assert_allclose(w2, w - 0.1 * gw, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b2, b - 0.1 * gb, rtol=1e-5, atol=1e-6)


def test_training_is_the_learning_phase_in_fit_and_a_constant_in_build():
    seen = []

    class Probe(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x, training):
            seen.append(training)
            return self.dense(x)

    with gc.Graph().as_default():
        p = Probe()
        p.build((None, 5))
        assert seen == [False] and len(p.weights) == 2 and p.inputs == []
        assert [w.name for w in p.weights] == ["dense/kernel:0", "dense/bias:0"]
        p.compile("sgd", "mse")
        p.fit(X, Y[:, :1], epochs=1, verbose=0)
        assert isinstance(seen[-1], gc.Tensor)          # K.learning_phase()


def test_build_errors_match_tf_keras():
    class Two(keras.Model):
        def call(self, x, mask):
            return x
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="Input shape must be defined"):
            Net().build(None)
        with pytest.raises(ValueError, match="not one of the valid types"):
            Net().build(5)
        with pytest.raises(ValueError, match="Currently, you cannot build your model"):
            Two().build((None, 3))


def test_forgetting_super_init_raises():
    class Bad(keras.Model):
        def __init__(self):
            self.dense = keras.layers.Dense(2)

    class BadLayer(keras.layers.Layer):
        def __init__(self):
            self.v = gc.Variable(1.0)
    with pytest.raises(RuntimeError, match="forgot to call `super"):
        Bad()
    with pytest.raises(RuntimeError, match="subclassing `Layer`"):
        BadLayer()


def test_config_save_and_weight_files(tmp_path):
    with gc.Graph().as_default():
        net = Net(3, activation="tanh")
        assert net.get_config() == {"units": 3, "activation": "tanh"}
        again = Net.from_config(net.get_config())
        assert again.head.units == 3
        net.compile("sgd", "mse")
        net.predict(X)
        with pytest.raises(NotImplementedError, match="subclassed models"):
            net.save(str(tmp_path / "m.h5"))
        with pytest.raises(NotImplementedError, match="save_weights"):
            net.save(str(tmp_path / "m.gck"))
        for path in (tmp_path / "w.h5", tmp_path / "w.npz"):
            net.save_weights(str(path))
            other = Net(3, activation="tanh")
            with pytest.raises(ValueError, match="not created its variables yet"):
                other.load_weights(str(path))
            other.compile("sgd", "mse")
            other.predict(X[:1])
            other.load_weights(str(path))
            np.testing.assert_allclose(other.predict(X), net.predict(X), rtol=1e-6)


def test_non_plain_constructor_arguments_give_an_empty_config():
    class WithLayer(keras.Model):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def call(self, x):
            return self.inner(x)
    with gc.Graph().as_default():
        assert WithLayer(keras.layers.Dense(2)).get_config() == {}


def test_functional_models_inside_a_subclassed_model():
    with gc.Graph().as_default():
        inp = keras.Input((5,))
        encoder = keras.Model(inp, keras.layers.Dense(3, name="enc")(inp))

        class Outer(keras.Model):
            def __init__(self):
                super().__init__()
                self.encoder = encoder
                self.head = keras.layers.Dense(1, name="head")

            def call(self, x):
                return self.head(self.encoder(x))
        m = Outer()
        m.compile("sgd", "mse")
        m.fit(X, Y[:, :1], epochs=1, verbose=0)
        assert [w.name.split("/")[-2] for w in m.weights] == ["enc", "enc", "head",
                                                              "head"]


def test_a_model_made_in_a_strategy_scope_builds_its_weights_there():
    class One(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

    with gc.Graph().as_default():
        strategy = gc.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
        with strategy.scope():
            m = One()
            m.compile(keras.optimizers.SGD(0.1), "mse")
        m.fit(X, Y[:, :1], epochs=1, verbose=0)          # built here, outside the scope
        assert all(isinstance(w, gc.distribute.MirroredVariable) for w in m.weights)
