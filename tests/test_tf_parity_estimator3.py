"""gc.estimator's exporters (FinalExporter, LatestExporter, BestExporter) against
tensorflow-estimator 2.15's: train_and_evaluate with the same model_fn, data and
exporters gives the same metrics, the same export results (None where an exporter
skips) and the same model_dir/export/<name>/<timestamp> layout; the exports serve the
same predictions. Run with
    PYTHONPATH=/tmp/p8/tfest:/tmp/p8/tfkeras python -m pytest tests/test_tf_parity_estimator3.py
"""
import os

import numpy as np
import pytest

from tf_parity import v1  # noqa: F401  (skips without TensorFlow)

from test_tf_parity_estimator_canned import needs_tf_keras  # noqa: E402  (legacy Keras)
from test_tf_parity_estimator import LIBS, X, Y_REG, make_model_fn  # noqa: E402

import graphc as gc  # noqa: E402
import graphc.keras.estimator  # noqa: E402,F401  (gc.keras.estimator)

from tensorflow_estimator.python.estimator import exporter as tf_exporter  # noqa: E402
from tensorflow_estimator.python.estimator.export import export as tf_export  # noqa: E402


def _receiver_fn(m, lib):
    export = tf_export if lib == "tf" else gc.estimator.export

    def fn():
        return export.build_raw_serving_input_receiver_fn(
            {"x": m.placeholder(m.float32, [None, 3])})()
    return fn


def _exporters(lib, receiver_fn, compare_fn):
    mod = tf_exporter if lib == "tf" else gc.estimator
    kw = {} if compare_fn is None else {"compare_fn": compare_fn}
    return [mod.FinalExporter("final", receiver_fn),
            mod.LatestExporter("latest", receiver_fn, exports_to_keep=2),
            mod.BestExporter(serving_input_receiver_fn=receiver_fn, exports_to_keep=1,
                             **kw)]


def _input_fn(m, repeat):
    def fn():
        ds = m.data.Dataset.from_tensor_slices(({"x": X}, Y_REG)).batch(4)
        return ds.repeat() if repeat else ds
    return fn


def _serve(m, path):
    with m.Graph().as_default(), m.Session() as sess:
        meta = m.saved_model.loader.load(sess, ["serve"], path)
        sig = meta.signature_def["serving_default"]
        return sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: X})


def _run(lib, tmp_path, compare_fn):
    m, E = LIBS[lib]
    model_dir = str(tmp_path / lib)
    est = E.Estimator(make_model_fn(m, E), model_dir=model_dir, params={"lr": 0.1},
                      config=E.RunConfig(save_checkpoints_steps=2, tf_random_seed=1))
    eval_spec = E.EvalSpec(_input_fn(m, False), steps=None, throttle_secs=0,
                           exporters=_exporters(lib, _receiver_fn(m, lib), compare_fn))
    metrics, exports = E.train_and_evaluate(
        est, E.TrainSpec(_input_fn(m, True), max_steps=6), eval_spec)
    base = os.path.join(model_dir, "export")
    layout = {name: len(os.listdir(os.path.join(base, name)))
              for name in sorted(os.listdir(base))}
    relative = [None if e is None else os.path.relpath(
        os.path.dirname(e.decode() if isinstance(e, bytes) else e), base) for e in exports]
    served = [None if e is None else _serve(m, e.decode() if isinstance(e, bytes) else e)
              for e in exports]
    return metrics, relative, layout, served


@pytest.mark.parametrize("compare", ["loss", "larger_loss"])
def test_exporters_train_and_evaluate(tmp_path, compare):
    compare_fn = None if compare == "loss" else \
        (lambda best_eval_result, current_eval_result:
         current_eval_result["loss"] > best_eval_result["loss"])
    got = _run("gc", tmp_path, compare_fn)
    want = _run("tf", tmp_path, compare_fn)
    assert set(got[0]) == set(want[0])
    for key in want[0]:
        np.testing.assert_allclose(got[0][key], want[0][key], rtol=1e-5)
    assert got[1] == want[1]
    assert got[2] == want[2]
    for g, w in zip(got[3], want[3]):
        if w is None:
            assert g is None
        else:
            np.testing.assert_allclose(g, w, rtol=1e-5)


def test_best_exporter_from_event_files(tmp_path):
    """A second BestExporter on the same model_dir starts from the eval events."""
    results = {}
    for lib in ("gc", "tf"):
        m, E = LIBS[lib]
        model_dir = str(tmp_path / lib)
        est = E.Estimator(make_model_fn(m, E), model_dir=model_dir, params={"lr": 0.1},
                          config=E.RunConfig(tf_random_seed=1))
        est.train(_input_fn(m, True), steps=3)
        evals = [est.evaluate(_input_fn(m, False), steps=s) for s in (1, 3)]
        ex = _exporters(lib, _receiver_fn(m, lib), None)[2]
        ex._has_exported = True      # as after an export in an earlier process
        path = os.path.join(model_dir, "export", "best")
        worse = {"loss": np.float32(1e6), "global_step": 3}
        skipped = ex.export(est, path, est.latest_checkpoint(), worse, False)
        results[lib] = (skipped, ex._best_eval_result, [e["loss"] for e in evals])
    assert results["gc"][0] is None and results["tf"][0] is None
    assert set(results["gc"][1]) == set(results["tf"][1])
    for key in results["tf"][1]:
        np.testing.assert_allclose(results["gc"][1][key], results["tf"][1][key], rtol=1e-5)
    np.testing.assert_allclose(results["gc"][2], results["tf"][2], rtol=1e-5)


def test_exporter_errors():
    for mod in (tf_exporter, gc.estimator):
        with pytest.raises(ValueError) as e_pos:
            mod.LatestExporter("l", None, exports_to_keep=0)
        with pytest.raises(ValueError) as e_cmp:
            mod.BestExporter(compare_fn=lambda a, b: True)
        with pytest.raises(ValueError) as e_best:
            mod.BestExporter(exports_to_keep=0)
        msgs = [str(e_pos.value), str(e_cmp.value).split(")")[-1], str(e_best.value)]
        if mod is tf_exporter:
            want = msgs
        else:
            assert msgs == want


KX = np.random.RandomState(0).rand(16, 3).astype(np.float32)
KY = (KX @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)


def _keras_estimator(lib, tmp_path, metrics):
    m = LIBS[lib][0]
    if lib == "tf":
        import tf_keras as keras
        from tensorflow_estimator.python.estimator import keras_lib
        to_est = keras_lib.model_to_estimator
    else:
        keras, to_est = gc.keras, gc.keras.estimator.model_to_estimator
    with m.Graph().as_default():
        inp = keras.Input((3,), name="feat")
        hid = keras.layers.Dense(4, activation="relu", name="hid",
                                 kernel_initializer=keras.initializers.Constant(0.3))(inp)
        out = keras.layers.Dense(1, name="out",
                                 kernel_initializer=keras.initializers.Constant(-0.2))(hid)
        model = keras.Model(inp, out)
        sgd = keras.optimizers.legacy.SGD if lib == "tf" else keras.optimizers.SGD
        model.compile(sgd(0.05), "mse", metrics=metrics)
        return m, to_est(keras_model=model, model_dir=str(tmp_path / lib))


@needs_tf_keras
def test_model_to_estimator(tmp_path):
    got = {}
    for lib in ("gc", "tf"):
        m, est = _keras_estimator(lib, tmp_path, ["mae"])

        def input_fn():
            return m.data.Dataset.from_tensor_slices(({"feat": KX}, KY)).batch(4)
        before = est.evaluate(input_fn)
        est.train(input_fn)
        after = est.evaluate(input_fn)
        preds = [p["out"] for p in est.predict(
            lambda: m.data.Dataset.from_tensor_slices({"feat": KX}).batch(4))]
        got[lib] = before, after, np.array(preds)
    for g, w in zip(got["gc"][:2], got["tf"][:2]):
        assert set(g) == set(w)
        for key in w:
            np.testing.assert_allclose(g[key], w[key], rtol=1e-5)
    np.testing.assert_allclose(got["gc"][2], got["tf"][2], rtol=1e-5)
