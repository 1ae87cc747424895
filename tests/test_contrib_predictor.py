"""gc.contrib.predictor (TF 1.15's tf.contrib.predictor): from_saved_model on
simple_save and Estimator exports, from_estimator, and their argument checks."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import predictor

E = gc.estimator
X = np.arange(12, dtype=np.float32).reshape(4, 3) / 10


def _simple_export(tmp_path):
    path = str(tmp_path / "simple")
    with gc.Graph().as_default(), gc.Session() as sess:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        k = gc.placeholder_with_default(gc.constant(1.0), [], name="k")
        w = gc.Variable(np.array([[1.0], [2.0], [3.0]], np.float32), name="w")
        y = gc.identity(gc.matmul(x, w) * k, name="y")
        sess.run(gc.global_variables_initializer())
        gc.saved_model.simple_save(sess, path, inputs={"x": x, "k": k},
                                   outputs={"y": y, "w": gc.identity(w, name="wout")})
    return path


def test_from_saved_model_runs_the_default_signature(tmp_path):
    path = _simple_export(tmp_path)
    predict = predictor.from_saved_model(path)
    assert set(predict.feed_tensors) == {"x", "k"} and set(predict.fetch_tensors) == \
        {"y", "w"}
    assert predict.feed_tensors["x"].name == "x:0"
    assert predict.feed_tensors["x"].graph is predict.graph
    assert isinstance(predict.session, gc.Session)
    out = predict({"x": X})
    assert set(out) == {"y", "w"}
    np.testing.assert_allclose(out["y"], X @ [[1.0], [2.0], [3.0]], rtol=1e-6)
    # a key left out is not fed (k keeps its default); a given one is
    np.testing.assert_allclose(predict({"x": X, "k": 2.0})["y"], 2 * out["y"], rtol=1e-6)
    with pytest.raises(ValueError, match="Got unexpected keys in input_dict: {'z'}"):
        predict({"x": X, "z": 1})
    assert "with feed tensors" in repr(predict)


def test_from_saved_model_names_and_arguments(tmp_path):
    path = _simple_export(tmp_path)
    predict = predictor.from_saved_model(path, input_names={"in": "x:0"},
                                         output_names={"out": "y:0"}, tags="serve")
    np.testing.assert_allclose(predict({"in": X})["out"], X @ [[1.0], [2.0], [3.0]],
                               rtol=1e-6)
    g = gc.Graph()
    assert predictor.from_saved_model(path, graph=g, tags=["serve"]).graph is g
    with pytest.raises(ValueError, match="must both be specified"):
        predictor.from_saved_model(path, input_names={"x": "x:0"})
    with pytest.raises(ValueError, match="at most one of signature_def_key"):
        predictor.from_saved_model(path, signature_def_key="serving_default",
                                   input_names={}, output_names={})
    with pytest.raises(ValueError, match='Got signature_def_key "nope". Available '
                                         r"signatures are \['serving_default'\]"):
        predictor.from_saved_model(path, signature_def_key="nope")
    with pytest.raises(RuntimeError, match="could not be found in SavedModel"):
        predictor.from_saved_model(path, tags="train")
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], path)
    sig = meta.signature_def["serving_default"]
    out = predictor.from_saved_model(path, signature_def=sig)({"x": X[:1]})
    np.testing.assert_allclose(out["y"], [[0.8]], rtol=1e-6)


def _model_fn(features, labels, mode):
    w = gc.get_variable("w", [3, 1], initializer=gc.constant_initializer(0.5))
    pred = gc.matmul(features["x"], w)
    if mode == E.ModeKeys.PREDICT:
        return E.EstimatorSpec(mode, predictions={"y": pred})
    loss = gc.reduce_mean(gc.square(pred - labels))
    step = gc.train.get_global_step()
    return E.EstimatorSpec(mode, loss=loss, train_op=gc.train.GradientDescentOptimizer(
        0.01).minimize(loss, global_step=step))


def _trained(tmp_path):
    est = E.Estimator(_model_fn, model_dir=str(tmp_path / "m"))
    est.train(lambda: gc.data.Dataset.from_tensor_slices(
        ({"x": X}, X.sum(1, keepdims=True))).batch(2), steps=2)
    receiver_fn = E.export.build_raw_serving_input_receiver_fn(
        {"x": gc.placeholder(gc.float32, [None, 3])})
    return est, receiver_fn


def test_from_estimator_and_its_export_agree(tmp_path):
    est, receiver_fn = _trained(tmp_path)
    w = est.get_variable_value("w")
    predict = predictor.from_estimator(est, receiver_fn)
    assert set(predict.feed_tensors) == {"x"} and set(predict.fetch_tensors) == {"y"}
    np.testing.assert_allclose(predict({"x": X})["y"], X @ w, rtol=1e-6)
    path = est.export_saved_model(str(tmp_path / "export"), receiver_fn)
    exported = predictor.from_saved_model(path.decode())
    np.testing.assert_allclose(exported({"x": X})["y"], X @ w, rtol=1e-6)
    with pytest.raises(KeyError, match="output_key 'nope'"):
        predictor.from_estimator(est, receiver_fn, output_key="nope")
    with pytest.raises(TypeError, match="Expected estimator to be of type"):
        predictor.from_estimator(object(), receiver_fn)
    with pytest.raises(NotImplementedError, match="tf.contrib.learn"):
        predictor.from_contrib_estimator(est, receiver_fn)
