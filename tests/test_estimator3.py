"""Estimator exporters (Final/Latest/BestExporter with train_and_evaluate),
keras.estimator.model_to_estimator."""
import os

import numpy as np
import pytest

import graphc as gc

X = np.random.RandomState(0).rand(32, 3).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)


def _model_fn(features, labels, mode):
    w = gc.get_variable("w", [3, 1], initializer=gc.zeros_initializer())
    pred = gc.matmul(features["x"], w)
    if mode == gc.estimator.ModeKeys.PREDICT:
        return gc.estimator.EstimatorSpec(mode, predictions={"y": pred})
    loss = gc.losses.mean_squared_error(labels, pred)
    train_op = gc.train.GradientDescentOptimizer(0.3).minimize(
        loss, global_step=gc.train.get_global_step())
    return gc.estimator.EstimatorSpec(mode, predictions=pred, loss=loss, train_op=train_op)


def _input_fn():
    return gc.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(8).repeat()


def _receiver_fn():
    return gc.estimator.export.build_raw_serving_input_receiver_fn(
        {"x": gc.placeholder(gc.float32, [None, 3])})()


def _estimator(tmp_path, steps=2):
    config = gc.estimator.RunConfig(save_checkpoints_steps=steps, tf_random_seed=1)
    return gc.estimator.Estimator(_model_fn, model_dir=str(tmp_path), config=config)


def _versions(path):
    return sorted(n for n in os.listdir(path) if n.isdigit())


def test_exporters_in_train_and_evaluate(tmp_path):
    est = _estimator(tmp_path)
    final = gc.estimator.FinalExporter("final", _receiver_fn)
    latest = gc.estimator.LatestExporter("latest", _receiver_fn, exports_to_keep=1)
    best = gc.estimator.BestExporter(serving_input_receiver_fn=_receiver_fn)
    eval_spec = gc.estimator.EvalSpec(_input_fn, steps=1, throttle_secs=0,
                                      exporters=[final, latest, best])
    metrics, exports = gc.estimator.train_and_evaluate(
        est, gc.estimator.TrainSpec(_input_fn, max_steps=6), eval_spec)
    assert metrics["global_step"] == 6
    assert len(exports) == 3
    base = os.path.join(str(tmp_path), "export")
    assert exports[0].decode().startswith(os.path.join(base, "final", ""))
    assert exports[1].decode().startswith(os.path.join(base, "latest", ""))
    assert len(_versions(os.path.join(base, "final"))) == 1
    assert len(_versions(os.path.join(base, "latest"))) == 1    # exports_to_keep=1
    assert os.path.isdir(os.path.join(base, "best_exporter"))
    # the export serves the trained weights
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], exports[1].decode())
        sig = meta.signature_def["serving_default"]
        got = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: X[:2]})
    np.testing.assert_allclose(got, X[:2] @ est.get_variable_value("w"), rtol=1e-5)


def test_final_exporter_skips_until_final(tmp_path):
    est = _estimator(tmp_path)
    est.train(_input_fn, steps=2)
    ckpt = est.latest_checkpoint()
    ex = gc.estimator.FinalExporter("f", _receiver_fn)
    path = os.path.join(str(tmp_path), "export", "f")
    assert ex.export(est, path, ckpt, {"loss": 1.0}, False) is None
    assert not os.path.exists(path)
    out = ex.export(est, path, ckpt, {"loss": 1.0}, True)
    assert os.path.isdir(out) and ex.name == "f"


def test_latest_exporter_garbage_collects(tmp_path):
    est = _estimator(tmp_path)
    est.train(_input_fn, steps=2)
    path = os.path.join(str(tmp_path), "export", "l")
    os.makedirs(os.path.join(path, "1000000000"))
    os.makedirs(os.path.join(path, "1000000001"))
    os.makedirs(os.path.join(path, "notaversion"))
    ex = gc.estimator.LatestExporter("l", _receiver_fn, exports_to_keep=2)
    out = ex.export(est, path, est.latest_checkpoint(), {}, False)
    assert sorted(os.listdir(path)) == ["1000000001", os.path.basename(out.decode()),
                                        "notaversion"]


def test_best_exporter_compares(tmp_path):
    est = _estimator(tmp_path)
    est.train(_input_fn, steps=2)
    ckpt = est.latest_checkpoint()
    path = os.path.join(str(tmp_path), "export", "best")
    ex = gc.estimator.BestExporter("best", _receiver_fn, event_file_pattern=None)
    assert ex.export(est, path, ckpt, {"loss": 2.0}, False) is not None   # first
    assert ex.export(est, path, ckpt, {"loss": 3.0}, False) is None       # worse
    assert ex._best_eval_result == {"loss": 2.0}


def test_best_exporter_reads_event_files(tmp_path):
    est = _estimator(tmp_path)
    est.train(_input_fn, steps=2)
    losses = [est.evaluate(_input_fn, steps=n)["loss"] for n in (1, 4)]
    ex = gc.estimator.BestExporter("best", _receiver_fn)
    path = os.path.join(str(tmp_path), "export", "best")
    # the best so far comes from model_dir/eval; the first call always exports
    assert ex.export(est, path, est.latest_checkpoint(), {"loss": 1e9}, False)
    assert ex._best_eval_result == {"loss": 1e9}
    ex2 = gc.estimator.BestExporter("best", _receiver_fn)
    ex2._has_exported = True
    assert ex2.export(est, path, est.latest_checkpoint(), {"loss": 1e9}, False) is None
    assert ex2._best_eval_result["loss"] == pytest.approx(min(losses))


def test_exporter_argument_errors():
    with pytest.raises(ValueError, match="must be positive number"):
        gc.estimator.LatestExporter("l", _receiver_fn, exports_to_keep=0)
    with pytest.raises(ValueError, match="must be a positive number. Got -1"):
        gc.estimator.BestExporter(exports_to_keep=-1)
    with pytest.raises(ValueError, match="`compare_fn` must not be None."):
        gc.estimator.BestExporter(compare_fn=None)
    with pytest.raises(ValueError, match="must include best_eval_result argument"):
        gc.estimator.BestExporter(compare_fn=lambda a, current_eval_result: True)
    with pytest.raises(ValueError, match="not expected args: \\['x'\\]"):
        gc.estimator.BestExporter(
            compare_fn=lambda best_eval_result, current_eval_result, x: True)
    with pytest.raises(ValueError, match="no loss is found"):
        gc.estimator.exporter._loss_smaller({}, {"loss": 1.0})
    with pytest.raises(ValueError, match="unique names"):
        gc.estimator.EvalSpec(_input_fn, exporters=[
            gc.estimator.FinalExporter("a", _receiver_fn),
            gc.estimator.LatestExporter("a", _receiver_fn)])


def _keras_model(compile=True):
    inp = gc.keras.Input((3,), name="feat")
    out = gc.keras.layers.Dense(1, name="out")(inp)
    model = gc.keras.Model(inp, out)
    if compile:
        model.compile(gc.keras.optimizers.SGD(0.1), "mse", metrics=["mae"])
    return model


def test_model_to_estimator_trains_from_keras_weights(tmp_path):
    from graphc.keras.estimator import model_to_estimator
    with gc.Graph().as_default():
        model = _keras_model()
        kernel, bias = model.get_weights()
        est = model_to_estimator(keras_model=model, model_dir=str(tmp_path))

    def input_fn():
        return gc.data.Dataset.from_tensor_slices(({"feat": X}, Y)).batch(8)
    before = est.evaluate(input_fn)
    err = X @ kernel + bias - Y
    assert before["loss"] == pytest.approx(float(np.mean(err ** 2)), rel=1e-5)
    assert before["mae"] == pytest.approx(float(np.mean(abs(err))), rel=1e-5)
    est.train(input_fn)
    after = est.evaluate(input_fn)
    assert after["global_step"] == 4 and after["loss"] < before["loss"]
    assert os.path.exists(os.path.join(str(tmp_path), "keras", "checkpoint"))
    pred = next(est.predict(lambda: gc.data.Dataset.from_tensor_slices(
        {"feat": X}).batch(4)))
    w, b = est.get_variable_value("out/kernel"), est.get_variable_value("out/bias")
    np.testing.assert_allclose(pred["out"], X[0] @ w + b, rtol=1e-5, atol=1e-6)


def test_model_to_estimator_errors(tmp_path):
    from graphc.keras.estimator import model_to_estimator
    with pytest.raises(ValueError, match="Either `keras_model` or `keras_model_path`"):
        model_to_estimator()
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="has not been compiled yet"):
            model_to_estimator(keras_model=_keras_model(False), model_dir=str(tmp_path))
        model = _keras_model()
        with pytest.raises(ValueError, match="but not both"):
            model_to_estimator(keras_model=model, keras_model_path="x.h5")
        with pytest.raises(NotImplementedError, match="checkpoint_format='saver'"):
            model_to_estimator(keras_model=model, checkpoint_format="checkpoint")
        est = model_to_estimator(keras_model=model, model_dir=str(tmp_path))
    with pytest.raises(KeyError, match="Missed keys"):
        est.evaluate(lambda: ({"other": X}, Y), steps=1)
