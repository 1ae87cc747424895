"""gc.keras HDF5 files against tf_keras (TF 2.21's legacy Keras 2, graph mode): models
and weights written by one load in the other with the same predictions, and a compiled
model resumes training with the same optimizer state (the next step's loss and
weights agree)."""
import numpy as np
import pytest

import graphc as gc
from graphc.keras import saving
from keras_parity import tfk, tfk_backend
from tf_parity import tf

h5py = pytest.importorskip("h5py")
RNG = np.random.default_rng(0)


class _TFSession:
    """A tf.Graph with a v1 Session that tf_keras uses."""

    def __enter__(self):
        self.graph = tf.Graph()
        self.ctx = self.graph.as_default()
        self.ctx.__enter__()
        self.sess = tf.compat.v1.Session(graph=self.graph)
        tfk_backend.set_session(self.sess)
        return self.sess

    def __exit__(self, *exc):
        self.sess.close()
        self.ctx.__exit__(*exc)


def _mlp(k):
    x = k.Input((6,), name="x")
    h = k.layers.Dense(5, activation="relu")(x)
    h = k.layers.BatchNormalization()(h)
    h2 = k.layers.Dense(5, activation="tanh")(x)
    h = k.layers.Add()([h, h2])
    return k.Model(x, k.layers.Dense(3, activation="softmax")(h))


def _convnet(k):
    return k.Sequential([
        k.layers.Conv2D(4, 3, padding="same", activation="relu", input_shape=(8, 8, 2)),
        k.layers.MaxPooling2D(),
        k.layers.BatchNormalization(),
        k.layers.Conv2D(3, 2, strides=2),
        k.layers.AveragePooling2D(pool_size=1),
        k.layers.Flatten(),
        k.layers.Dense(3, activation="softmax")])


def _text(k):
    x = k.Input((5,), dtype="int32")
    e = k.layers.Embedding(10, 4, mask_zero=True)(x)
    a = k.layers.LSTM(3, recurrent_activation="sigmoid")(e)
    b = k.layers.GRU(3, recurrent_activation="sigmoid", reset_after=True)(e)
    c = k.layers.SimpleRNN(3)(e)
    h = k.layers.Concatenate()([a, b, c])
    h = k.layers.Reshape((3, 3))(h)
    h = k.layers.Conv1D(2, 2)(h)
    h = k.layers.GlobalAveragePooling1D()(h)
    h = k.layers.Activation("relu")(k.layers.Multiply()([h, h]))
    return k.Model(x, k.layers.Dense(3, activation="softmax")(h))


def _misc(k):
    """Layers whose training is random or that hold no weights (predictions only)."""
    x = k.Input((4, 6))
    h = k.layers.Dropout(0.5)(x)
    h = k.layers.Permute((2, 1))(h)
    h = k.layers.LeakyReLU(0.2)(k.layers.Dense(3)(h))
    h = k.layers.Bidirectional(k.layers.LSTM(2, recurrent_activation="sigmoid"))(h)
    h = k.layers.RepeatVector(2)(h)
    h = k.layers.TimeDistributed(k.layers.Dense(2))(h)
    h = k.layers.Average()([k.layers.Flatten()(h), k.layers.Dense(4)(k.layers.Flatten()(x))])
    return k.Model(x, k.layers.Softmax()(h))


MODELS = {"mlp": (_mlp, (16, 6)), "convnet": (_convnet, (16, 8, 8, 2)),
          "text": (_text, None), "misc": (_misc, (16, 4, 6))}


def _data(kind):
    shape = MODELS[kind][1]
    x = RNG.integers(0, 10, (16, 5)).astype(np.int32) if shape is None \
        else RNG.normal(size=shape).astype(np.float32)
    return x, RNG.integers(0, 3, 16)


OPTIMIZERS = {
    "sgd": lambda o: o.SGD(0.1, momentum=0.9),
    "sgd_plain": lambda o: o.SGD(0.1),
    "adam": lambda o: o.Adam(0.01),
    "amsgrad": lambda o: o.Adam(0.01, amsgrad=True),
    "rmsprop": lambda o: o.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": lambda o: o.Adagrad(0.1),
    "adadelta": lambda o: o.Adadelta(1.0),
    "adamax": lambda o: o.Adamax(0.01),
    "nadam": lambda o: o.Nadam(0.01),
    "ftrl": lambda o: o.Ftrl(0.1),
}


def _train_save(k, kind, opt_name, path, x, y):
    """Build, compile, train two steps, save: (predictions, next loss, next weights)."""
    model = MODELS[kind][0](k)
    opts = gc.keras.optimizers if k is gc.keras else tfk.optimizers.legacy
    model.compile(OPTIMIZERS[opt_name](opts), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.train_on_batch(x, y)
    model.train_on_batch(x, y)
    model.save(path)
    pred = model.predict(x)
    loss = model.train_on_batch(x, y)
    return pred, loss, model.get_weights()


def _load_resume(k, path, x, y):
    model = (gc.keras.models if k is gc.keras else tfk.models).load_model(path)
    pred = model.predict(x)
    loss = model.train_on_batch(x, y)
    return pred, loss, model.get_weights()


def _compare(got, want):
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-4, atol=1e-5)
    assert len(got[2]) == len(want[2])
    for a, b in zip(got[2], want[2]):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.filterwarnings("error:Error in loading the saved optimizer")
@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
def test_tf_keras_model_file_resumes_in_graphc(tmp_path, opt_name):
    x, y = _data("mlp")
    path = str(tmp_path / "tf.h5")
    with _TFSession():
        want = _train_save(tfk, "mlp", opt_name, path, x, y)
    with gc.Graph().as_default():
        got = _load_resume(gc.keras, path, x, y)
    _compare(got, want)


@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
def test_graphc_model_file_resumes_in_tf_keras(tmp_path, opt_name):
    x, y = _data("mlp")
    path = str(tmp_path / "gc.h5")
    with gc.Graph().as_default():
        want = _train_save(gc.keras, "mlp", opt_name, path, x, y)
    with _TFSession():
        got = _load_resume(tfk, path, x, y)
    _compare(got, want)


@pytest.mark.filterwarnings("error:Error in loading the saved optimizer")
@pytest.mark.parametrize("kind", ["convnet", "text"])
def test_architectures_resume_both_ways(tmp_path, kind):
    x, y = _data(kind)
    for writer, reader in [(tfk, gc.keras), (gc.keras, tfk)]:
        path = str(tmp_path / f"{writer.__name__}.h5")
        ctx = gc.Graph().as_default() if writer is gc.keras else _TFSession()
        with ctx:
            want = _train_save(writer, kind, "adam", path, x, y)
        ctx = gc.Graph().as_default() if reader is gc.keras else _TFSession()
        with ctx:
            got = _load_resume(reader, path, x, y)
        _compare(got, want)


def test_model_with_dropout_both_ways(tmp_path):
    x, _ = _data("misc")
    for writer, reader in [(tfk, gc.keras), (gc.keras, tfk)]:
        path = str(tmp_path / f"{writer.__name__}.h5")
        ctx = gc.Graph().as_default() if writer is gc.keras else _TFSession()
        with ctx as sess:
            m = _misc(writer)
            if writer is tfk:
                sess.run(tf.compat.v1.global_variables_initializer())
            m.save(path)
            want = m.predict(x)
        ctx = gc.Graph().as_default() if reader is gc.keras else _TFSession()
        with ctx:
            m = (gc.keras.models if reader is gc.keras else tfk.models).load_model(path)
            np.testing.assert_allclose(m.predict(x), want, rtol=1e-5, atol=1e-6)


def _fresh(k, kind):
    return MODELS[kind][0](k)


@pytest.mark.parametrize("kind", list(MODELS))
def test_weight_files_both_ways(tmp_path, kind):
    x, _ = _data(kind)
    tf_path, gc_path = str(tmp_path / "tf_w.h5"), str(tmp_path / "gc_w.h5")
    with _TFSession() as sess:
        m = _fresh(tfk, kind)
        sess.run(tf.compat.v1.global_variables_initializer())
        m.save_weights(tf_path)
        tf_pred = m.predict(x)
    with gc.Graph().as_default():
        m = _fresh(gc.keras, kind)
        saving.load_weights(m, tf_path)
        np.testing.assert_allclose(m.predict(x), tf_pred, rtol=1e-5, atol=1e-6)
        m2 = _fresh(gc.keras, kind)             # other layer names: by_name finds none
        saving.load_weights(m2, tf_path, by_name=True)
        saving.save_weights(m, gc_path)
    with _TFSession():
        m = _fresh(tfk, kind)
        m.load_weights(gc_path)
        np.testing.assert_allclose(m.predict(x), tf_pred, rtol=1e-5, atol=1e-6)


def test_by_name_and_skip_mismatch_like_tf_keras(tmp_path):
    path = str(tmp_path / "w.h5")

    def build(k, units):
        x = k.Input((4,))
        h = k.layers.Dense(3, name="shared")(x)
        return k.Model(x, k.layers.Dense(units, name="head")(h))

    with _TFSession() as sess:
        m = build(tfk, 2)
        sess.run(tf.compat.v1.global_variables_initializer())
        m.save_weights(path)
        shared = m.get_layer("shared").get_weights()
    with gc.Graph().as_default():
        m = build(gc.keras, 5)
        with pytest.raises(ValueError, match="Shape mismatch in layer #2 \\(named head\\)"):
            saving.load_weights(m, path, by_name=True)
        with pytest.warns(UserWarning, match="Skipping loading weights for layer #2"):
            saving.load_weights(m, path, by_name=True, skip_mismatch=True)
        for a, b in zip(m.get_layer("shared").get_weights(), shared):
            np.testing.assert_array_equal(a, b)
    with _TFSession():
        m = build(tfk, 5)
        with pytest.raises(ValueError, match="Shape mismatch in layer #2 \\(named head\\)"):
            m.load_weights(path, by_name=True)


def test_file_layout_matches_tf_keras(tmp_path):
    """Same attributes, groups and dataset names as tf_keras' file of the same model."""
    x, y = _data("mlp")
    layouts = []
    for k in (tfk, gc.keras):
        path = str(tmp_path / f"{k.__name__}.h5")
        ctx = gc.Graph().as_default() if k is gc.keras else _TFSession()
        with ctx:
            _train_save(k, "mlp", "adam", path, x, y)
        with h5py.File(path, "r") as f:
            names = []
            f.visit(names.append)
            attrs = {n: sorted(f[n].attrs) for n in names}
            layer_names = [n if isinstance(n, str) else n.decode()
                           for n in f["model_weights"].attrs["layer_names"]]
            layouts.append((sorted(f.attrs), sorted(names), attrs, layer_names))
    assert layouts[0] == layouts[1]
