"""gc.keras HDF5 files (tf_keras' legacy layout): model and weight round trips, the
optimizer state, by_name / skip_mismatch loading, tf_keras' errors, and the ImportError
without h5py. The HDF5 parts skip where h5py is not installed."""
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.keras import saving
from graphc.keras.saving_h5_state import from_keras_model_config, to_keras_model_config

keras = gc.keras
L = keras.layers
RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 4)).astype(np.float32)
Y = RNG.integers(0, 3, 8)


def _h5py():
    return pytest.importorskip("h5py")


def _model(units=3, names=("hidden", "out")):
    x = keras.Input((4,), name="x")
    h = L.Dense(5, activation="relu", name=names[0])(x)
    h = L.BatchNormalization(name="bn")(h)
    return keras.Model(x, L.Dense(units, activation="softmax", name=names[1])(h))


def test_without_h5py_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)      # import h5py -> ImportError
    m = _model()
    with pytest.raises(ImportError, match=r"`save_model\(\)` using h5 format requires "
                                          r"h5py.*pip install graphc\[h5\]"):
        m.save(str(tmp_path / "m.h5"))
    with pytest.raises(ImportError, match=r"`save_weights\(\)` using h5 format"):
        saving.save_weights(m, str(tmp_path / "w.hdf5"))
    with pytest.raises(ImportError, match=r"`load_model\(\)` using h5 format"):
        keras.models.load_model(str(tmp_path / "m.keras"))
    with pytest.raises(ImportError, match="graphc\\[h5\\]"):
        m.save(str(tmp_path / "m"), save_format="h5")
    saving.save_weights(m, str(tmp_path / "w.npz"))      # graphc's own format needs none
    saving.load_weights(m, str(tmp_path / "w.npz"))


def test_other_formats_are_refused():
    with pytest.raises(NotImplementedError, match="'tf' is not supported"):
        _model().save("m", save_format="tf")


def test_model_file_round_trip_resumes_training(tmp_path):
    h5py = _h5py()
    path = str(tmp_path / "m.h5")
    m = _model()
    m.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
              metrics=["accuracy"])
    m.train_on_batch(X, Y)
    m.save(path)
    with h5py.File(path, "r") as f:
        assert set(f.attrs) == {"keras_version", "backend", "model_config",
                                "training_config"}
        config = f.attrs["model_config"]
        assert '"class_name": "Functional"' in getattr(config, "decode", str)(config)
        assert sorted(f["model_weights"]) == ["bn", "hidden", "out",
                                              "top_level_model_weights", "x"]
        assert list(f["model_weights/hidden"].attrs["weight_names"]) == [
            b"hidden/kernel:0", b"hidden/bias:0"]
        names = [n.decode() for n in f["optimizer_weights"].attrs["weight_names"]]
        assert names[:2] == ["training/Adam/iter:0", "training/Adam/hidden/kernel/m:0"]
        assert len(names) == 1 + 2 * 6 and int(f["optimizer_weights"][names[0]][()]) == 1
    want = m.predict(X)
    with gc.Graph().as_default():
        again = keras.models.load_model(path)
        np.testing.assert_allclose(again.predict(X), want, rtol=1e-6)
        assert again.metrics_names == ["loss", "acc"]
        loss_again = again.train_on_batch(X, Y)
        w_again = again.get_weights()
    loss = m.train_on_batch(X, Y)
    np.testing.assert_allclose(loss_again, loss, rtol=1e-6)
    for a, b in zip(w_again, m.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_sequential_sgd_momentum_and_uncompiled(tmp_path):
    _h5py()
    m = keras.Sequential([L.Dense(3, activation="tanh", input_shape=(4,)), L.Dense(2)])
    m.compile(keras.optimizers.SGD(0.1, momentum=0.9), "mse")
    ys = RNG.normal(size=(8, 2)).astype(np.float32)
    m.train_on_batch(X, ys)
    m.save(str(tmp_path / "s.hdf5"))
    with gc.Graph().as_default():
        again = keras.models.load_model(str(tmp_path / "s.hdf5"))
        assert isinstance(again, keras.Sequential)
        after = again.train_on_batch(X, ys), again.train_on_batch(X, ys)
    np.testing.assert_allclose(after, [m.train_on_batch(X, ys) for _ in range(2)],
                               rtol=1e-5)
    plain = _model()
    plain.save(str(tmp_path / "u.h5"))
    with gc.Graph().as_default():
        with pytest.warns(UserWarning, match="No training configuration found"):
            again = keras.models.load_model(str(tmp_path / "u.h5"))
        assert again._compile_args is None
        assert keras.models.load_model(str(tmp_path / "u.h5"), compile=False)


def test_weights_topological_by_name_and_errors(tmp_path):
    _h5py()
    path = str(tmp_path / "w.h5")
    m = _model()
    saving.save_weights(m, path)
    with pytest.raises(FileExistsError):
        saving.save_weights(m, path, overwrite=False)
    want, hidden = m.predict(X), m.get_layer("hidden").get_weights()[0]
    with gc.Graph().as_default():
        other = _model(names=("a", "b"))            # other names: order still loads
        saving.load_weights(other, path)
        np.testing.assert_allclose(other.predict(X), want, rtol=1e-6)
        by_name = _model(names=("hidden", "b"))
        saving.load_weights(by_name, path, by_name=True)
        np.testing.assert_array_equal(by_name.get_layer("hidden").get_weights()[0],
                                      hidden)
        wide = _model(units=4)
        with pytest.raises(ValueError, match=r"Shape mismatch in layer #2 \(named out\) "
                                             r"for weight out/kernel:0\. Weight expects "
                                             r"shape \(5, 4\)\. Received saved weight "
                                             r"with shape \(5, 3\)"):
            saving.load_weights(wide, path)
        with pytest.raises(ValueError, match=r"Shape mismatch in layer #3 \(named out\)"):
            saving.load_weights(wide, path, by_name=True)
        with pytest.warns(UserWarning, match=r"Skipping loading weights for layer #3 "
                                             r"\(named out\) due to mismatch in shape"):
            saving.load_weights(wide, path, by_name=True, skip_mismatch=True)
        with pytest.raises(ValueError, match="skip_mismatch can only be set to True when "
                                             "by_name is True"):
            saving.load_weights(wide, path, skip_mismatch=True)
        small = keras.Sequential([L.Dense(5, input_shape=(4,))])
        with pytest.raises(ValueError, match="Layer count mismatch when loading weights "
                                             "from file. Model expected 1 layers, found "
                                             "3 saved layers."):
            saving.load_weights(small, path)
        no_bias = keras.Model(*_two_layers(use_bias=False))
        saving.save_weights(no_bias, str(tmp_path / "nb.h5"))
        with pytest.raises(ValueError, match=r"Weight count mismatch for layer #0 \(named "
                                             r"dense_a in the current model, dense_a in "
                                             r"the save file\)\. Layer expects 2 "
                                             r"weight\(s\)\. Received 1 saved weight"):
            saving.load_weights(keras.Model(*_two_layers(use_bias=True)),
                                str(tmp_path / "nb.h5"))
        target = keras.Model(*_two_layers(use_bias=True))
        with pytest.warns(UserWarning, match="due to mismatch in number of weights"):
            saving.load_weights(target, str(tmp_path / "nb.h5"), by_name=True,
                                skip_mismatch=True)


def _two_layers(use_bias):
    x = keras.Input((4,), name="in")
    return x, L.Dense(2, use_bias=use_bias, name="dense_a")(x)


def test_open_file_objects_and_model_weights_group(tmp_path):
    h5py = _h5py()
    m = _model()
    want = m.predict(X)
    path = str(tmp_path / "f.h5")
    with h5py.File(path, "w") as f:
        m.save(f)
        assert f.id.valid                               # the caller's file stays open
    with gc.Graph().as_default():
        fresh = _model()
        saving.load_weights(fresh, path)                # a model file's model_weights
        np.testing.assert_allclose(fresh.predict(X), want, rtol=1e-6)
        with h5py.File(path, "r") as f:
            again = keras.models.load_model(f, compile=False)
        np.testing.assert_allclose(again.predict(X), want, rtol=1e-6)


def test_long_attributes_are_split_in_chunks(tmp_path):
    h5py = _h5py()
    from graphc.keras.saving_h5 import load_attributes, save_attributes
    names = [f"layer_{i:05d}_" + "x" * 200 for i in range(600)]   # > 64 KB in all
    with h5py.File(str(tmp_path / "a.h5"), "w") as f:
        save_attributes(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names0" in f.attrs
        assert load_attributes(f, "layer_names") == names
        with pytest.raises(RuntimeError, match="larger than 64512 bytes"):
            save_attributes(f, "big", ["y" * 70000])


def test_config_translation():
    m = _model()
    config = to_keras_model_config(m)
    assert config["class_name"] == "Functional"
    inner = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4],
                                                "ragged": False, "optional": False,
                                                "name": "i"}},
        {"class_name": "BatchNormalization", "config": {"axis": [1], "name": "bn"}}]}}
    back = from_keras_model_config(inner)
    assert back["config"]["layers"][0]["config"] == {"batch_input_shape": [None, 4],
                                                     "name": "i"}
    assert back["config"]["layers"][1]["config"]["axis"] == 1
    assert inner["config"]["layers"][1]["config"]["axis"] == [1]     # not mutated
    assert from_keras_model_config(config)["class_name"] == "Model"
    with gc.Graph().as_default():
        seq = saving.model_from_config(back)
        assert [type(la).__name__ for la in seq.layers] == ["BatchNormalization"]
    ragged = {"class_name": "InputLayer", "config": {"ragged": True, "name": "r"}}
    with pytest.raises(NotImplementedError, match="ragged=True"):
        from_keras_model_config(ragged)
    with pytest.raises(NotImplementedError, match="axes \\[1, 2\\]"):
        from_keras_model_config({"class_name": "BatchNormalization",
                                 "config": {"axis": [1, 2], "name": "b"}})
