"""gc.estimator against TF1's tf.estimator (the tensorflow-estimator package, whose last
release, 2.15, still runs on TF 2.x's internals once two removed modules are stubbed):
the same model_fn with constant initializers and the same data gives the same losses,
global steps, eval metrics, predictions and error messages.

Skips without TensorFlow or without tensorflow_estimator importable, e.g.
    pip install --no-deps --target /tmp/tfest tensorflow-estimator==2.15.0
    PYTHONPATH=/tmp/tfest python -m pytest tests/test_tf_parity_estimator.py
"""
import importlib.util
import re
import sys
import types

import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc


def _load_tf_estimator():
    """TF1's tf.estimator modules from the tensorflow_estimator package, importing only
    what is needed (its package __init__ pulls in TPU code TF 2.x no longer has)."""
    spec = importlib.util.find_spec("tensorflow_estimator")
    if spec is None:
        pytest.skip("needs the tensorflow-estimator package", allow_module_level=True)
    import tensorflow.python.distribute as distribute
    from tensorflow.python.util import tf_export
    name = "tensorflow.python.distribute.estimator_training"
    if name not in sys.modules:
        try:
            importlib.import_module(name)
        except ImportError:     # removed from TF: the estimator only asks it about
            stub = types.ModuleType(name)      # multi-worker setups
            stub.should_run_distribute_coordinator = lambda config: False
            sys.modules[name] = stub
            distribute.estimator_training = stub
    if not hasattr(tf_export, "ESTIMATOR_API_NAME"):
        tf_export.ESTIMATOR_API_NAME = "estimator"
        tf_export.API_ATTRS["estimator"] = tf_export._Attributes(
            "_estimator_api_names", "_estimator_api_constants")
        tf_export.API_ATTRS_V1["estimator"] = tf_export._Attributes(
            "_estimator_api_names_v1", "_estimator_api_constants_v1")
    if "tensorflow_estimator" not in sys.modules:
        pkg = types.ModuleType("tensorflow_estimator")
        pkg.__path__ = list(spec.submodule_search_locations)
        sys.modules["tensorflow_estimator"] = pkg
    try:
        from tensorflow_estimator.python.estimator import (estimator, model_fn, run_config,
                                                           training)
        from tensorflow_estimator.python.estimator.inputs import numpy_io
    except Exception as e:      # noqa: BLE001  (another TF may have moved more)
        pytest.skip(f"tensorflow_estimator does not import: {e}", allow_module_level=True)
    return types.SimpleNamespace(
        Estimator=estimator.Estimator, EstimatorSpec=model_fn.EstimatorSpec,
        ModeKeys=model_fn.ModeKeys, RunConfig=run_config.RunConfig,
        TrainSpec=training.TrainSpec, EvalSpec=training.EvalSpec,
        train_and_evaluate=training.train_and_evaluate,
        inputs=types.SimpleNamespace(numpy_input_fn=numpy_io.numpy_input_fn))


TFE = _load_tf_estimator()
LIBS = {"gc": (gc, gc.estimator), "tf": (v1, TFE)}
X = np.arange(30, dtype=np.float32).reshape(10, 3) / 10 - 1
Y_REG = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
Y_CLS = (X.sum(1) > -1.5).astype(np.int64).reshape(-1, 1)


def make_model_fn(m, E, classify=False):
    """A one-layer model with constant initializers, for module m (gc or v1)."""
    def model_fn(features, labels, mode, params):
        w = m.get_variable("w", [3, 1], initializer=m.constant_initializer(0.2))
        b = m.get_variable("b", [1], initializer=m.constant_initializer(-0.1))
        logits = m.matmul(features["x"], w) + b
        if classify:
            probs = m.sigmoid(logits)
            classes = m.cast(probs > 0.5, m.int64)
            preds = {"logits": logits, "probabilities": probs, "class_ids": classes}
        else:
            preds = {"y": logits}
        if mode == E.ModeKeys.PREDICT:
            return E.EstimatorSpec(mode, predictions=preds)
        if classify:
            loss = m.losses.sigmoid_cross_entropy(labels, logits)
            metrics = {"accuracy": m.metrics.accuracy(labels, classes),
                       "auc": m.metrics.auc(labels, probs),
                       "precision": m.metrics.precision(labels, classes),
                       "recall": m.metrics.recall(labels, classes),
                       "label/mean": m.metrics.mean(m.cast(labels, m.float32)),
                       "prediction/mean": m.metrics.mean(probs)}
        else:
            loss = m.losses.mean_squared_error(labels, logits)
            metrics = {"mae": m.metrics.mean_absolute_error(labels, logits),
                       "rmse": m.metrics.root_mean_squared_error(labels, logits)}
        opt = m.train.AdagradOptimizer(params["lr"]) if params.get("adagrad") else \
            m.train.GradientDescentOptimizer(params["lr"])
        train_op = opt.minimize(loss, global_step=m.train.get_global_step())
        return E.EstimatorSpec(mode, predictions=preds, loss=loss, train_op=train_op,
                               eval_metric_ops=metrics)
    return model_fn


def recorder(m):
    """A hook class of module m recording the loss of every training step."""
    class Recorder(m.train.SessionRunHook):
        def begin(self):
            self.values = []
            self.loss = m.get_collection(m.GraphKeys.LOSSES)[-1]

        def before_run(self, run_context):
            return m.train.SessionRunArgs(self.loss)

        def after_run(self, run_context, run_values):
            self.values.append(float(run_values.results))
    return Recorder()


def dataset_input_fn(m, y, epochs=1, batch=4):
    data = tf.data if m is v1 else gc.data
    return lambda: data.Dataset.from_tensor_slices(({"x": X}, y)).batch(batch).repeat(
        epochs)


def run_session(lib, tmp_path, classify, adagrad=False):
    """What one library gives for a train/evaluate/train/evaluate/predict session."""
    m, E = LIBS[lib]
    y = Y_CLS if classify else Y_REG
    est = E.Estimator(make_model_fn(m, E, classify), model_dir=str(tmp_path / lib),
                      params={"lr": 0.1, "adagrad": adagrad},
                      config=E.RunConfig(save_checkpoints_steps=2))
    out = {"eval0": est.evaluate(dataset_input_fn(m, y))}
    rec = recorder(m)
    est.train(dataset_input_fn(m, y, epochs=2), hooks=[rec])
    out["losses1"] = rec.values
    out["eval1"] = est.evaluate(dataset_input_fn(m, y), steps=2)
    rec = recorder(m)
    est.train(dataset_input_fn(m, y, epochs=None), hooks=[rec], steps=3)
    out["losses2"] = rec.values
    out["eval2"] = est.evaluate(dataset_input_fn(m, y), name="x")
    out["step"] = est.get_variable_value("global_step")
    out["names"] = sorted(est.get_variable_names())
    data = tf.data if m is v1 else gc.data
    preds = list(est.predict(lambda: data.Dataset.from_tensor_slices({"x": X}).batch(3)))
    out["preds"] = {k: np.stack([p[k] for p in preds]) for k in preds[0]}
    out["ckpt"] = est.latest_checkpoint().rsplit("/", 1)[1]
    return out


def compare(a, b, rtol=1e-5, atol=1e-6):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), (sorted(a), sorted(b))
        for k in a:
            compare(a[k], b[k], rtol, atol)
    elif isinstance(a, (list, tuple)) and a and not isinstance(a[0], str):
        assert len(a) == len(b)
        for x, z in zip(a, b):
            compare(x, z, rtol, atol)
    elif isinstance(a, str) or (isinstance(a, list)):
        assert a == b
    else:
        np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                                   rtol=rtol, atol=atol)
        assert np.asarray(a).dtype == np.asarray(b).dtype, (a, b)


@pytest.mark.parametrize("classify, adagrad", [(False, False), (True, True)])
def test_train_evaluate_predict_match_tf(tmp_path, classify, adagrad):
    got = run_session("gc", tmp_path, classify, adagrad)
    want = run_session("tf", tmp_path, classify, adagrad)
    assert got["step"] == want["step"] == 9 and got["ckpt"] == want["ckpt"]
    assert len(got["losses1"]) == 6 and len(got["losses2"]) == 3
    compare(got, want)


def test_numpy_input_fn_matches_tf(tmp_path):
    out = {}
    for lib, (m, E) in LIBS.items():
        est = E.Estimator(make_model_fn(m, E), model_dir=str(tmp_path / lib),
                          params={"lr": 0.05})
        rec = recorder(m)
        est.train(E.inputs.numpy_input_fn({"x": X}, Y_REG, batch_size=4, num_epochs=3,
                                          shuffle=False), hooks=[rec])
        res = est.evaluate(E.inputs.numpy_input_fn({"x": X}, Y_REG, batch_size=3,
                                                   shuffle=False))
        preds = est.predict(E.inputs.numpy_input_fn({"x": X}, batch_size=4, shuffle=False),
                            yield_single_examples=False)
        out[lib] = {"losses": rec.values, "eval": res,
                    "batches": [p["y"].shape for p in preds]}
    assert out["gc"]["batches"] == out["tf"]["batches"] == [(4, 1), (4, 1), (2, 1)]
    compare(out["gc"], out["tf"])


def test_train_and_evaluate_matches_tf(tmp_path):
    out = {}
    for lib, (m, E) in LIBS.items():
        evals = []

        class Count(m.train.SessionRunHook):
            def end(self, session):
                evals.append(session.run(m.train.get_global_step()))

        est = E.Estimator(make_model_fn(m, E), model_dir=str(tmp_path / lib),
                          params={"lr": 0.05},
                          config=E.RunConfig(save_checkpoints_steps=3))
        metrics, exports = E.train_and_evaluate(
            est, E.TrainSpec(dataset_input_fn(m, Y_REG, epochs=None), max_steps=7),
            E.EvalSpec(dataset_input_fn(m, Y_REG), steps=None, hooks=[Count()],
                       throttle_secs=0))
        out[lib] = {"metrics": metrics, "evals": evals, "exports": list(exports)}
    assert out["gc"]["evals"] == [3, 6, 7]
    compare(out["gc"], out["tf"])


def error_of(fn):
    try:
        fn()
    except (ValueError, TypeError) as e:
        return type(e).__name__, str(e).replace("tf.train.Scaffold", "Scaffold")
    return None


def test_errors_match_tf(tmp_path):
    def cases(m, E):
        good = make_model_fn(m, E)
        d = str(tmp_path / "e")
        return [
            lambda: E.Estimator(lambda features, extra: None, model_dir=d),
            lambda: E.Estimator(lambda labels: None, model_dir=d),
            lambda: E.Estimator(good, model_dir=d, params={}).train(
                dataset_input_fn(m, Y_REG), steps=1, max_steps=2),
            lambda: E.Estimator(good, model_dir=d, params={}).train(
                dataset_input_fn(m, Y_REG), steps=0),
            lambda: E.Estimator(good, model_dir=d, params={}).evaluate(
                dataset_input_fn(m, Y_REG), steps=-1),
            lambda: E.Estimator(lambda features, labels: None, model_dir=d).train(
                dataset_input_fn(m, Y_REG)),
            lambda: E.Estimator(lambda features: None, model_dir=d).train(
                dataset_input_fn(m, Y_REG)),
            lambda: E.Estimator(good, model_dir=d, params={}).get_variable_names(),
            lambda: E.RunConfig(save_checkpoints_steps=1, save_checkpoints_secs=2),
            lambda: E.RunConfig().replace(foo=1),
            lambda: E.RunConfig(keep_checkpoint_max=-1),
            lambda: E.RunConfig(log_step_count_steps=0),
            lambda: E.TrainSpec(dataset_input_fn(m, Y_REG), max_steps=0),
            lambda: E.EvalSpec(dataset_input_fn(m, Y_REG), steps=0),
            lambda: E.EvalSpec(dataset_input_fn(m, Y_REG), start_delay_secs=-1),
            lambda: E.inputs.numpy_input_fn(X),
            lambda: E.inputs.numpy_input_fn({"x": X}, Y_REG[:2], shuffle=False)(),
            lambda: E.inputs.numpy_input_fn({}, shuffle=False)(),
        ]

    def spec_cases(m, E):
        loss = m.reduce_sum(m.Variable([1.0, 2.0], name="v"), name="loss")
        op = m.no_op(name="noop")
        mode = E.ModeKeys
        return [
            lambda: E.EstimatorSpec(mode.TRAIN, loss=loss),
            lambda: E.EstimatorSpec(mode.EVAL, train_op=op),
            lambda: E.EstimatorSpec(mode.PREDICT),
            lambda: E.EstimatorSpec(mode.EVAL, loss=m.constant([1.0, 2.0])),
            lambda: E.EstimatorSpec(mode.EVAL, loss=loss, eval_metric_ops=[1]),
            lambda: E.EstimatorSpec(mode.EVAL, loss=loss, scaffold=1),
        ]

    for get in (cases, spec_cases):
        found = {}
        for lib, (m, E) in LIBS.items():
            with (gc.Graph() if lib == "gc" else v1.Graph()).as_default():
                found[lib] = [error_of(c) for c in get(m, E)]
        for i, (a, b) in enumerate(zip(found["gc"], found["tf"])):
            assert a is not None and b is not None, (i, a, b)
            # the texts up to where they show a Python object (reprs differ)
            a_text, b_text = (re.split(r"given: | \(<function|\n", t[1])[0] for t in (a, b))
            assert a[0] == b[0] and a_text == b_text, (i, a, b)


def test_run_config_matches_tf():
    names = ["model_dir", "tf_random_seed", "save_summary_steps", "save_checkpoints_steps",
             "save_checkpoints_secs", "keep_checkpoint_max", "keep_checkpoint_every_n_hours",
             "log_step_count_steps", "is_chief", "master", "num_ps_replicas",
             "num_worker_replicas", "task_id", "checkpoint_save_graph_def",
             "session_creation_timeout_secs"]
    for make in (lambda E: E.RunConfig(),
                 lambda E: E.RunConfig(save_checkpoints_steps=5, tf_random_seed=2),
                 lambda E: E.RunConfig(save_checkpoints_steps=5).replace(
                     save_checkpoints_secs=7, model_dir="m")):
        a, b = make(gc.estimator), make(TFE)
        assert [getattr(a, n) for n in names] == [getattr(b, n) for n in names]
