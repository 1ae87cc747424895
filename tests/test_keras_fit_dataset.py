"""gc.keras fit / evaluate / predict on gc.data.Datasets (training_generator.py): steps
or one whole pass, a fresh pass per evaluate, predict and validation epoch, validation
data as a dataset with array or dataset training data, and the infinite-dataset error."""
import numpy as np
import pytest

import graphc as gc

keras = gc.keras
RNG = np.random.default_rng(1)
X = RNG.standard_normal((40, 3)).astype(np.float32)
Y = (X @ np.array([1.0, -1.0, 0.5], np.float32))[:, None].astype(np.float32)


def _model():
    m = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    m.compile(keras.optimizers.SGD(0.1), "mse")
    return m


def _ds(n=40, batch=10):
    return gc.data.Dataset.from_tensor_slices((X[:n], Y[:n])).batch(batch)


def test_evaluate_and_predict_read_the_whole_dataset_each_call():
    with gc.Graph().as_default():
        m = _model()
        want = m.evaluate(X, Y, batch_size=10, verbose=0)
        ds = _ds()
        for _ in range(2):                                   # a fresh pass each call
            assert m.evaluate(ds, verbose=0) == pytest.approx(want, rel=1e-6)
            np.testing.assert_allclose(m.predict(ds), m.predict(X), rtol=1e-5, atol=1e-7)
        assert m.evaluate(ds, steps=2, verbose=0) == pytest.approx(
            m.evaluate(X[:20], Y[:20], batch_size=10, verbose=0), rel=1e-6)
        features = gc.data.Dataset.from_tensor_slices(X).batch(7)   # inputs only
        np.testing.assert_allclose(m.predict(features), m.predict(X), rtol=1e-5, atol=1e-7)


def test_fit_one_pass_per_epoch_equals_fit_on_arrays_without_shuffling():
    with gc.Graph().as_default():
        a, b = _model(), _model()
        b.set_weights(a.get_weights())
        ha = a.fit(_ds(), epochs=3, verbose=0)
        hb = b.fit(X, Y, batch_size=10, epochs=3, shuffle=False, verbose=0)
        np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-5)
        for wa, wb in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_allclose(wa, wb, rtol=1e-5)


def test_steps_per_epoch_continues_the_pass_and_validation_restarts():
    with gc.Graph().as_default():
        m = _model()
        val = _ds(20, 10)
        h = m.fit(_ds().repeat(), steps_per_epoch=3, epochs=2, validation_data=val,
                  verbose=0)
        assert sorted(h.history) == ["loss", "val_loss"]
        assert h.history["val_loss"][-1] == pytest.approx(
            m.evaluate(X[:20], Y[:20], batch_size=10, verbose=0), rel=1e-6)
        h2 = m.fit(X, Y, epochs=1, validation_data=val, validation_steps=1, verbose=0)
        assert h2.history["val_loss"][0] == pytest.approx(
            m.evaluate(X[:10], Y[:10], verbose=0), rel=1e-6)


def test_an_infinite_dataset_needs_steps():
    with gc.Graph().as_default():
        m = _model()
        with pytest.raises(ValueError, match="infinite dataset.*steps_per_epoch"):
            m.fit(_ds().repeat(), epochs=1, verbose=0)
        with pytest.raises(ValueError, match="infinite dataset.*`steps`"):
            m.evaluate(_ds().repeat(), verbose=0)
        with pytest.raises(ValueError, match="ended after 4 of 5 steps"):
            m.evaluate(_ds(), steps=5, verbose=0)


def test_dict_inputs_are_matched_by_input_name():
    with gc.Graph().as_default():
        a, b = keras.Input((3,), name="a"), keras.Input((1,), name="b")
        m = keras.Model([a, b], keras.layers.Dense(1)(keras.layers.concatenate([a, b])))
        m.compile("sgd", "mse")
        assert m.input_names == ["a", "b"]
        feats = {"b": X[:, :1], "a": X}
        np.testing.assert_allclose(m.predict(feats), m.predict([X, X[:, :1]]))
        ds = gc.data.Dataset.from_tensor_slices((feats, Y)).batch(8)
        m.fit(ds, epochs=1, verbose=0)
        assert m.evaluate(ds, verbose=0) == pytest.approx(
            m.evaluate(feats, Y, verbose=0), rel=1e-5)
        with pytest.raises(ValueError, match='No data provided for "b"'):
            m.predict({"a": X})
        with pytest.raises(ValueError, match=r"Unknown entries in data dictionary: \['c'\]"):
            m.predict({"a": X, "b": X[:, :1], "c": X})


def test_a_subclassed_model_built_from_dict_data():
    class Two(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, inputs):
            return self.dense(gc.concat([inputs["a"], inputs["b"]], 1))

    with gc.Graph().as_default():
        m = Two()
        m.compile("sgd", "mse")
        feats = {"b": X[:, :1], "a": X}
        m.fit(feats, Y, epochs=1, verbose=0)
        assert m.input_names == ["a", "b"] and m.predict(feats).shape == (40, 1)
