"""gc.keras against tf_keras (the legacy Keras 2 of TF 2.21) in TF1 graph mode: names,
forward values with the same weights, losses, one optimizer step, fit's losses."""
import os
import sys

import numpy as np
import pytest

import graphc as gc
from tf_parity import tf

_TFK = "/tmp/p8/tfkeras"
if os.path.isdir(_TFK) and _TFK not in sys.path:
    sys.path.insert(0, _TFK)
tfk = pytest.importorskip("tf_keras")
from tf_keras.src import backend as _tfk_backend  # noqa: E402 (get_session/set_session)

RNG = np.random.default_rng(0)


def _both(build):
    """build(keras) in a fresh graphc graph and a fresh TF graph: (gc_result, tf_result)
    with the graphs left as default while `build` runs."""
    out = []
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            out.append((g, build(lib)))
    return out


def _tf_session(g):
    return tf.compat.v1.Session(graph=g)


def test_layer_and_variable_names():
    def build(k):
        m = k.Sequential([k.layers.Conv2D(2, 3, input_shape=(6, 6, 1)),
                          k.layers.BatchNormalization(), k.layers.Flatten(),
                          k.layers.Dense(4), k.layers.Dense(2)])
        return m, [la.name for la in m.layers], [w.name for w in m.weights]
    (_, (gm, gl, gw)), (_, (tm, tl, tw)) = _both(build)
    assert gl == tl and gw == tw and gm.name == tm.name
    assert gm.inputs[0].name == tm.inputs[0].name


LAYERS = [
    ("dense3d", lambda k: k.layers.Dense(3, activation="tanh"), (2, 4, 5)),
    ("conv2d_same", lambda k: k.layers.Conv2D(3, (3, 2), strides=2, padding="same"),
     (2, 7, 6, 2)),
    ("conv2d_dil", lambda k: k.layers.Conv2D(2, 3, dilation_rate=2, activation="relu"),
     (2, 8, 8, 2)),
    ("conv1d", lambda k: k.layers.Conv1D(4, 3, strides=2, padding="same"), (2, 9, 3)),
    ("deconv_valid", lambda k: k.layers.Conv2DTranspose(3, 3, strides=2), (2, 4, 5, 2)),
    ("deconv_same", lambda k: k.layers.Conv2DTranspose(2, (3, 2), strides=2,
                                                        padding="same"), (2, 4, 5, 3)),
    ("maxpool2d", lambda k: k.layers.MaxPooling2D(3, 2, padding="same"), (2, 7, 6, 2)),
    ("avgpool2d", lambda k: k.layers.AveragePooling2D((2, 3)), (2, 7, 6, 2)),
    ("maxpool1d", lambda k: k.layers.MaxPooling1D(2), (2, 9, 3)),
    ("avgpool1d", lambda k: k.layers.AveragePooling1D(3, 2, padding="same"), (2, 9, 3)),
    ("gap", lambda k: k.layers.GlobalAveragePooling2D(), (2, 5, 4, 3)),
    ("gmp", lambda k: k.layers.GlobalMaxPooling2D(), (2, 5, 4, 3)),
    ("bn", lambda k: k.layers.BatchNormalization(), (3, 4)),
    ("flatten", lambda k: k.layers.Flatten(), (2, 3, 4)),
    ("reshape", lambda k: k.layers.Reshape((-1, 2)), (2, 3, 4)),
    ("lstm", lambda k: k.layers.LSTM(3, recurrent_activation="hard_sigmoid",
                                     return_sequences=True), (2, 5, 4)),
    ("lstm_last", lambda k: k.layers.LSTM(3, recurrent_activation="sigmoid"), (2, 5, 4)),
    ("gru", lambda k: k.layers.GRU(3, recurrent_activation="hard_sigmoid",
                                   reset_after=False, return_sequences=True), (2, 5, 4)),
    ("gru_after", lambda k: k.layers.GRU(3, recurrent_activation="sigmoid",
                                         reset_after=True), (2, 5, 4)),
    ("simple_rnn", lambda k: k.layers.SimpleRNN(3, go_backwards=True), (2, 5, 4)),
]


@pytest.mark.parametrize("name,make,shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_forward(name, make, shape):
    xs = RNG.standard_normal(shape).astype(np.float32)

    def build(k):
        x = k.Input(shape=shape[1:])
        layer = make(k)
        return x, layer, layer(x)
    (gg, (gx, gl, gy)), (tg, (tx, tl, ty)) = _both(build)
    with gg.as_default():
        weights = [w + RNG.uniform(-0.5, 0.5, w.shape).astype(w.dtype) if w.ndim else w
                   for w in gl.get_weights()]
        if name == "bn":
            weights[3] = np.abs(weights[3]) + 0.5
        gl.set_weights(weights)
        got = gc.keras.backend.get_session().run(gy, {gx: xs})
    with tg.as_default(), _tf_session(tg) as sess:
        _tfk_backend.set_session(sess)
        sess.run(tf.compat.v1.global_variables_initializer())
        tl.set_weights(weights)
        want = sess.run(ty, {tx: xs})
    assert gy.shape.as_list() == ty.shape.as_list()
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


def test_embedding_and_merge_forward():
    ids = np.array([[1, 4, 0], [3, 3, 2]], np.int32)

    def build(k):
        x = k.Input(shape=(3,), dtype="int32")
        e = k.layers.Embedding(5, 2)
        h = e(x)
        y = k.layers.concatenate([h, k.layers.add([h, h]), k.layers.multiply([h, h])])
        return x, e, y
    (gg, (gx, ge, gy)), (tg, (tx, te, ty)) = _both(build)
    with gg.as_default():
        table = RNG.standard_normal((5, 2)).astype(np.float32)
        ge.set_weights([table])
        got = gc.keras.backend.get_session().run(gy, {gx: ids})
    with tg.as_default(), _tf_session(tg) as sess:
        _tfk_backend.set_session(sess)
        te.set_weights([table])
        want = sess.run(ty, {tx: ids})
    np.testing.assert_allclose(got, want, rtol=1e-6)


LOSSES = ["mean_squared_error", "mean_absolute_error", "binary_crossentropy",
          "categorical_crossentropy", "sparse_categorical_crossentropy"]


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("from_logits", [False, True])
def test_loss_values(loss, from_logits):
    if from_logits and loss.startswith("mean"):
        pytest.skip("no from_logits")
    p = RNG.uniform(0, 1, (4, 3)).astype(np.float32)
    if loss != "binary_crossentropy":   # TF 1.15 clips to log-odds, tf_keras adds eps:
        p[0, 0], p[1, 1] = 0.0, 1.0     # they differ only at 0 and 1 (docs/keras.md)
    if loss == "categorical_crossentropy" and not from_logits:
        p = p / p.sum(1, keepdims=True)
    y = (RNG.uniform(0, 1, (4, 3)) > 0.5).astype(np.float32)
    if loss == "sparse_categorical_crossentropy":
        y = np.array([0, 1, 2, 1], np.float32)
    elif loss == "categorical_crossentropy":
        y = np.eye(3, dtype=np.float32)[[0, 1, 2, 1]]
    kw = {"from_logits": True} if from_logits else {}
    got = gc.keras.backend.get_session().run(getattr(gc.keras.losses, loss)(y, p, **kw))
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        want = sess.run(getattr(tfk.losses, loss)(tf.constant(y), tf.constant(p), **kw))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def _mlp(k, out_act):
    return k.Sequential([k.layers.Dense(5, activation="relu", input_shape=(4,)),
                         k.layers.Dense(3, activation=out_act)])


@pytest.mark.parametrize("opt", ["sgd", "adam", "rmsprop", "adagrad"])
def test_one_training_step(opt):
    xs = RNG.standard_normal((8, 4)).astype(np.float32)
    ys = RNG.integers(0, 3, 8)
    results = []
    init = None
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            m = _mlp(lib, "softmax")
            if lib is gc.keras:
                optimizer = {"sgd": lib.optimizers.SGD(lr=0.1), "adam": "adam",
                             "rmsprop": "rmsprop", "adagrad": "adagrad"}[opt]
                m.compile(optimizer, "sparse_categorical_crossentropy")
                init = m.get_weights()
                loss = m.train_on_batch(xs, ys)
                results.append((loss, m.get_weights()))
            else:
                legacy = tfk.optimizers.legacy
                optimizer = {"sgd": legacy.SGD(0.1), "adam": legacy.Adam(),
                             "rmsprop": legacy.RMSprop(), "adagrad": legacy.Adagrad()}[opt]
                with tf.compat.v1.Session(graph=g) as sess:
                    _tfk_backend.set_session(sess)
                    m.compile(optimizer, "sparse_categorical_crossentropy")
                    sess.run(tf.compat.v1.global_variables_initializer())
                    m.set_weights(init)
                    loss = m.train_on_batch(xs, ys)
                    results.append((loss, m.get_weights()))
    (gl, gw), (tl, tw) = results
    assert gl == pytest.approx(float(tl), rel=1e-5)
    for a, b in zip(gw, tw):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("loss,out_act,metric", [
    ("sparse_categorical_crossentropy", "softmax", "accuracy"),
    ("categorical_crossentropy", "softmax", "accuracy"),
    ("binary_crossentropy", "sigmoid", "accuracy"),
    ("mse", None, "mae")])
def test_fit_losses_shuffle_false(loss, out_act, metric):
    xs = RNG.standard_normal((20, 4)).astype(np.float32)
    labels = RNG.integers(0, 3, 20)
    ys = {"sparse_categorical_crossentropy": labels,
          "categorical_crossentropy": np.eye(3, dtype=np.float32)[labels],
          "binary_crossentropy": (RNG.uniform(size=(20, 3)) > 0.5).astype(np.float32),
          "mse": RNG.standard_normal((20, 3)).astype(np.float32)}[loss]
    hist, init = [], None
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            m = _mlp(lib, out_act)
            if lib is gc.keras:
                m.compile(lib.optimizers.SGD(lr=0.05), loss, metrics=[metric])
                init = m.get_weights()
                h = m.fit(xs, ys, batch_size=8, epochs=3, shuffle=False, verbose=0,
                          validation_data=(xs[:6], ys[:6]))
                hist.append(h.history)
            else:
                with tf.compat.v1.Session(graph=g) as sess:
                    _tfk_backend.set_session(sess)
                    m.compile(tfk.optimizers.legacy.SGD(0.05), loss, metrics=[metric])
                    sess.run(tf.compat.v1.global_variables_initializer())
                    m.set_weights(init)
                    h = m.fit(xs, ys, batch_size=8, epochs=3, shuffle=False, verbose=0,
                              validation_data=(xs[:6], ys[:6]))
                    hist.append(h.history)
    got, want = hist
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=1e-4)
    np.testing.assert_allclose(got["val_loss"], want["val_loss"], rtol=1e-4)
    tf_metric = {"accuracy": "accuracy", "mae": "mae"}[metric]
    gc_metric = {"accuracy": "acc", "mae": "mean_absolute_error"}[metric]
    np.testing.assert_allclose(got[gc_metric], want[tf_metric], rtol=1e-4)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 3, 2)])
def test_batchnorm_training_step(shape):
    xs = (RNG.standard_normal(shape) * 2 + 1).astype(np.float32)
    ys = RNG.standard_normal((shape[0], 1)).astype(np.float32)
    res, init = [], None
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            m = lib.Sequential([lib.layers.BatchNormalization(momentum=0.5,
                                                               input_shape=shape[1:]),
                                lib.layers.Flatten(), lib.layers.Dense(1)])
            if lib is gc.keras:
                m.compile(lib.optimizers.SGD(lr=0.1), "mse")
                init = m.get_weights()
                res.append((m.train_on_batch(xs, ys), m.get_weights(), m.predict(xs)))
            else:
                with tf.compat.v1.Session(graph=g) as sess:
                    _tfk_backend.set_session(sess)
                    m.compile(tfk.optimizers.legacy.SGD(0.1), "mse")
                    sess.run(tf.compat.v1.global_variables_initializer())
                    m.set_weights(init)
                    res.append((m.train_on_batch(xs, ys), m.get_weights(), m.predict(xs)))
    (gl, gw, gp), (tl, tw, tp) = res
    assert gl == pytest.approx(float(tl), rel=1e-5)
    for a, b in zip(gw, tw):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(gp, tp, rtol=1e-4, atol=1e-5)


def test_predict_on_batch_of_no_samples():
    """An empty batch gives an empty (0, 2) prediction (hunt 21)."""
    got = []
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            inp = lib.layers.Input((4,))
            m = lib.models.Model(inp, lib.layers.Dense(2, activation="softmax")(inp))
            m.compile("sgd", "sparse_categorical_crossentropy")
            if lib is gc.keras:
                got.append(m.predict_on_batch(np.zeros((0, 4), np.float32)))
                continue
            with tf.compat.v1.Session(graph=g) as sess:
                _tfk_backend.set_session(sess)
                sess.run(tf.compat.v1.global_variables_initializer())
                got.append(m.predict_on_batch(np.zeros((0, 4), np.float32)))
    assert got[0].shape == got[1].shape == (0, 2)
    assert got[0].dtype == got[1].dtype
