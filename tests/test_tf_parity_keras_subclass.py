"""Subclassed layers and models against tf_keras in TF1 graph mode: tracked layers and
weights (names and order), losses and updates, the layers list, build on data, fit,
evaluate and predict values, get_config, and the errors."""
import numpy as np
import pytest

import graphc as gc
from keras_parity import tf, tfk, tfk_backend

RNG = np.random.default_rng(4)
X = RNG.standard_normal((16, 5)).astype(np.float32)
Y = RNG.standard_normal((16, 2)).astype(np.float32)


def _classes(keras, variable):
    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first = keras.layers.Dense(4, activation="relu", kernel_regularizer="l2")
            self.later = []
            self.later.append(keras.layers.Dense(3))
            self.by_key = {"z": keras.layers.Dense(3, name="zz"),
                           "a": keras.layers.Dense(3, name="aa")}
            self.norm = keras.layers.BatchNormalization()
            self.scale = variable(np.full(3, 1.5, np.float32), name="scale")

        def call(self, x, training=None):
            h = self.later[0](self.first(x))
            h = self.by_key["z"](self.by_key["a"](h))
            return self.norm(h, training=training) * self.scale

    class Net(keras.Model):
        def __init__(self, units=2):
            super().__init__(name="net")
            self.block = Block()
            self.pair = (keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(units))

        def call(self, x, training=None):
            return self.pair[1](self.pair[0](self.block(x, training=training)))
    return Block, Net


def _run(lib, sess=None):
    keras = lib.keras if lib is gc else tfk
    variable = gc.Variable if lib is gc else tf.Variable
    Block, Net = _classes(keras, variable)
    out = {}
    net = Net(units=2)
    out["layers0"] = [la.name for la in net.layers]
    sgd = keras.optimizers.SGD(0.05) if lib is gc else tfk.optimizers.legacy.SGD(0.05)
    net.compile(sgd, "mse")
    net.predict(X[:2])
    if sess is not None:
        sess.run(tf.compat.v1.global_variables_initializer())
    ws = net.get_weights()
    net.set_weights([np.random.default_rng(i).standard_normal(w.shape).astype(np.float32)
                     * 0.3 + (1.0 if "variance" in n.name else 0.0)
                     for i, (w, n) in enumerate(zip(ws, net.weights))])
    out["weights"] = [w.name for w in net.weights]
    out["trainable"] = [w.name for w in net.trainable_weights]
    out["block"] = [w.name for w in net.block.weights]
    out["layers"] = [la.name for la in net.layers]
    out["inputs"] = [t.name for t in net.inputs]
    out["counts"] = (len(net.losses), len(net.updates), net.count_params())
    out["config"] = net.get_config()
    out["pred"] = net.predict(X)
    out["eval"] = np.float64(net.evaluate(X, Y, verbose=0))
    out["hist"] = net.fit(X, Y, batch_size=8, epochs=2, verbose=0,
                          shuffle=False).history["loss"]
    out["after"] = net.predict(X)
    out["moving"] = [net.get_weights()[i] for i, w in enumerate(net.weights)
                     if "moving" in w.name]
    return out


def test_a_subclassed_model_matches_tf_keras():
    with gc.Graph().as_default():
        mine = _run(gc)
    g = tf.Graph()
    with g.as_default(), tf.compat.v1.Session(graph=g) as sess:
        tfk_backend.set_session(sess)
        theirs = _run(tf, sess)
    for key in ("layers0", "layers", "inputs", "counts", "config"):
        assert mine[key] == theirs[key], key
    for key in ("weights", "trainable", "block"):      # graphc names share "net/"
        assert mine[key] == theirs[key], key
    for key in ("pred", "eval", "hist", "after", "moving"):
        np.testing.assert_allclose(np.asarray(mine[key], np.float64),
                                   np.asarray(theirs[key], np.float64),
                                   rtol=2e-4, atol=2e-5, err_msg=key)


@pytest.mark.parametrize("case", ["summary", "build_none", "load_unbuilt"])
def test_errors_match_tf_keras(case, tmp_path):
    messages = []
    for lib in (gc, tf):
        keras = gc.keras if lib is gc else tfk
        g = gc.Graph() if lib is gc else tf.Graph()
        with g.as_default():
            _, Net = _classes(keras, gc.Variable if lib is gc else tf.Variable)
            net = Net()
            with pytest.raises(Exception) as err:
                if case == "summary":
                    net.summary()
                elif case == "build_none":
                    net.build(None)
                else:
                    path = str(tmp_path / f"{lib.__name__}.h5")
                    built = Net()
                    built.compile("sgd", "mse")
                    if lib is tf:
                        tfk_backend.set_session(tf.compat.v1.Session(graph=g))
                    built.predict(X[:1])
                    built.save_weights(path)
                    net.load_weights(path)
            messages.append((type(err.value).__name__, str(err.value)))
    assert messages[0] == messages[1]
