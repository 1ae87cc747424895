"""gc.estimator: Estimator train/evaluate/predict/export, EstimatorSpec's checks,
RunConfig, numpy_input_fn and train_and_evaluate (TF1 behaviour)."""
import os
import re

import numpy as np
import pytest

import graphc as gc

E = gc.estimator
X = (np.arange(24, dtype=np.float32).reshape(8, 3) / 10)
Y = X.sum(1, keepdims=True)


def model_fn(features, labels, mode, params):
    """A linear model with constant initial weights."""
    x = features["x"] if isinstance(features, dict) else features
    w = gc.get_variable("w", [3, 1], initializer=gc.constant_initializer(0.1))
    b = gc.get_variable("b", [1], initializer=gc.zeros_initializer())
    pred = gc.matmul(x, w) + b
    if mode == E.ModeKeys.PREDICT:
        return E.EstimatorSpec(mode, predictions={"y": pred, "twice": 2.0 * pred})
    loss = gc.losses.mean_squared_error(labels, pred)
    train_op = gc.train.GradientDescentOptimizer(params.get("lr", 0.1)).minimize(
        loss, global_step=gc.train.get_global_step())
    return E.EstimatorSpec(mode, predictions=pred, loss=loss, train_op=train_op,
                           eval_metric_ops={"mae": gc.metrics.mean_absolute_error(labels,
                                                                                  pred)})


def input_fn(epochs=1, batch=4):
    return lambda: gc.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(batch).repeat(
        epochs)


def make(tmp_path, **kw):
    kw.setdefault("params", {})
    return E.Estimator(model_fn, model_dir=str(tmp_path / "m"), **kw)


class LossRecorder(gc.train.SessionRunHook):
    def begin(self):
        self.losses = []
        self.loss = gc.get_collection(gc.GraphKeys.LOSSES)

    def before_run(self, run_context):
        return gc.train.SessionRunArgs(self.loss)

    def after_run(self, run_context, run_values):
        self.losses.append(float(run_values.results[0]))


# ---- train, evaluate, predict --------------------------------------------------------
def test_train_loss_falls_and_training_resumes(tmp_path):
    est = make(tmp_path)
    rec = LossRecorder()
    assert est.train(input_fn(epochs=5), hooks=[rec]) is est
    assert len(rec.losses) == 10 and rec.losses[-1] < rec.losses[0] / 4
    assert est.latest_checkpoint().endswith("model.ckpt-10")
    assert est.get_variable_value("global_step") == 10
    est.train(input_fn(), steps=1)                  # resumes: global step goes on
    assert est.get_variable_value("global_step") == 11
    est.train(input_fn(epochs=None), max_steps=13)
    assert est.get_variable_value("global_step") == 13
    est.train(input_fn(), max_steps=5)              # already past: skipped
    assert est.get_variable_value("global_step") == 13
    assert sorted(est.get_variable_names()) == ["b", "global_step", "w"]


def test_evaluate_returns_metrics_and_writes_summaries(tmp_path):
    est = make(tmp_path)
    first = est.evaluate(input_fn())                # no checkpoint: initialized model
    w, b = np.full((3, 1), 0.1, np.float32), 0.0
    pred = X @ w + b
    assert first["global_step"] == 0
    np.testing.assert_allclose(first["loss"], np.mean((Y - pred) ** 2), rtol=1e-5)
    np.testing.assert_allclose(first["mae"], np.mean(np.abs(Y - pred)), rtol=1e-5)
    est.train(input_fn())
    res = est.evaluate(input_fn(), steps=1, name="val")
    assert res["global_step"] == 2 and set(res) == {"loss", "mae", "global_step"}
    w, b = est.get_variable_value("w"), est.get_variable_value("b")
    pred = X[:4] @ w + b                            # steps=1: the first batch only
    np.testing.assert_allclose(res["loss"], np.mean((Y[:4] - pred) ** 2), rtol=1e-5)
    tags = {}
    path = est.eval_dir("val")
    assert path == os.path.join(est.model_dir, "eval_val")
    for name in os.listdir(path):
        for event in gc.train.summary_iterator(os.path.join(path, name)):
            if event.WhichOneof("what") == "summary":
                for v in event.summary.value:
                    tags[v.tag] = (event.step, v)
    assert set(tags) == {"loss", "mae", "checkpoint_path"}
    assert tags["loss"][0] == 2
    np.testing.assert_allclose(tags["loss"][1].simple_value, res["loss"], rtol=1e-6)
    assert os.path.isdir(est.eval_dir())


def test_predict(tmp_path):
    est = make(tmp_path)
    est.train(input_fn())
    w, b = est.get_variable_value("w"), est.get_variable_value("b")
    pred_fn = lambda: gc.data.Dataset.from_tensor_slices({"x": X}).batch(3)  # noqa: E731
    preds = list(est.predict(pred_fn))
    assert len(preds) == 8 and set(preds[0]) == {"y", "twice"}
    np.testing.assert_allclose(np.stack([p["y"] for p in preds]), X @ w + b, rtol=1e-5)
    only = list(est.predict(pred_fn, predict_keys=["twice"]))
    assert set(only[0]) == {"twice"}
    batches = list(est.predict(pred_fn, yield_single_examples=False))
    assert [len(b["y"]) for b in batches] == [3, 3, 2]
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        list(est.predict(pred_fn, predict_keys=["nope"]))
    old = list(est.predict(pred_fn, checkpoint_path=os.path.join(est.model_dir,
                                                                 "model.ckpt-0")))
    np.testing.assert_allclose(old[0]["y"], X[0] @ np.full(3, 0.1), rtol=1e-5)


def test_input_fn_returning_tensors_and_numpy_input_fn(tmp_path):
    est = make(tmp_path)
    fn = E.inputs.numpy_input_fn({"x": X}, Y, batch_size=3, num_epochs=2, shuffle=False)
    rec = LossRecorder()
    est.train(fn, hooks=[rec])
    assert est.get_variable_value("global_step") == 6 and len(rec.losses) == 6
    # a single-array x gives one tensor; predict's tensors come from a one-shot iterator
    preds = list(est.predict(E.inputs.numpy_input_fn(X, batch_size=5, shuffle=False)))
    assert len(preds) == 8 and set(preds[0]) == {"y", "twice"}


def test_numpy_input_fn_batches_and_errors():
    with gc.Graph().as_default():
        feats, labels = E.inputs.numpy_input_fn({"b": X, "a": X[:, :1]}, Y, batch_size=3,
                                                num_epochs=2, shuffle=False)()
        assert sorted(feats) == ["a", "b"] and feats["b"].shape.as_list() == [None, 3]
        with gc.Session() as sess:
            sizes = []
            try:
                while True:
                    f, l = sess.run((feats, labels))
                    sizes.append(len(l))
            except gc.errors.OutOfRangeError:
                pass
        assert sizes == [3, 3, 3, 3, 3, 1]          # batches run across the epochs
        forever = E.inputs.numpy_input_fn(X, batch_size=3, num_epochs=None,
                                          shuffle=True)()
        assert forever.shape.as_list() == [3, 3]
        f, y = E.inputs.numpy_input_fn({"x": X}, {"y1": Y, "y2": Y}, shuffle=False)()
        assert sorted(y) == ["y1", "y2"]
    with pytest.raises(ValueError, match="shuffle must be provided"):
        E.inputs.numpy_input_fn(X)
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        E.inputs.numpy_input_fn(X, Y[:3], shuffle=False)()
    with pytest.raises(ValueError, match="duplicate keys"):
        E.inputs.numpy_input_fn({"x": X}, {"x": Y}, shuffle=False)()
    with pytest.raises(TypeError, match="x must be a dict or array; got list"):
        E.inputs.numpy_input_fn([1, 2], shuffle=False)()


# ---- hooks, listeners, arguments -------------------------------------------------------
def test_hooks_and_listeners_run(tmp_path):
    calls = []

    class Hook(gc.train.SessionRunHook):
        def __init__(self, tag):
            self.tag = tag

        def begin(self):
            calls.append(("begin", self.tag))

        def end(self, session):
            calls.append(("end", self.tag))

    class Listener(gc.train.CheckpointSaverListener):
        def after_save(self, session, step):
            calls.append(("saved", step))

    def fn(features, labels, mode):
        spec = model_fn(features, labels, mode, {})
        return spec._replace(training_hooks=[Hook("spec-train")],
                             training_chief_hooks=[Hook("chief")],
                             evaluation_hooks=[Hook("spec-eval")],
                             prediction_hooks=[Hook("spec-predict")])

    est = E.Estimator(fn, model_dir=str(tmp_path / "m"),
                      config=E.RunConfig(save_checkpoints_steps=1))
    est.train(input_fn(), hooks=[Hook("user")], saving_listeners=[Listener()])
    assert ("end", "user") in calls and ("end", "spec-train") in calls
    assert ("begin", "chief") in calls
    assert [c for c in calls if c[0] == "saved"] == [("saved", 0), ("saved", 1),
                                                     ("saved", 2)]
    est.evaluate(input_fn(), hooks=[Hook("user-eval")])
    assert ("end", "spec-eval") in calls and ("end", "user-eval") in calls
    list(est.predict(lambda: gc.data.Dataset.from_tensor_slices({"x": X}).batch(4)))
    assert ("end", "spec-predict") in calls
    with pytest.raises(TypeError, match="Hooks must be a SessionRunHook, given: 3"):
        est.train(input_fn(), hooks=[3])
    with pytest.raises(TypeError, match="saving_listeners must be a list of "
                                        "CheckpointSaverListener"):
        est.train(input_fn(), saving_listeners=[3])
    no_saves = E.Estimator(fn, model_dir=str(tmp_path / "n"),
                           config=E.RunConfig(save_checkpoints_secs=None))
    with pytest.raises(ValueError, match="There should be a CheckpointSaverHook"):
        no_saves.train(input_fn(), saving_listeners=[Listener()])


def test_model_fn_and_input_fn_get_arguments_by_name(tmp_path):
    seen = {}

    def fn(features, mode, config, params, labels):
        seen.update(mode=mode, config=config, params=params)
        return model_fn(features, labels, mode, params)

    def in_fn(mode, params, config):
        seen["input"] = (mode, params["lr"], config.model_dir)
        return input_fn()()

    est = E.Estimator(fn, model_dir=str(tmp_path / "m"), params={"lr": 0.05})
    est.train(in_fn, steps=1)
    assert seen["mode"] == "train" and seen["params"] == {"lr": 0.05}
    assert isinstance(seen["config"], E.RunConfig)
    assert seen["input"] == ("train", 0.05, est.model_dir)
    est.evaluate(in_fn, steps=1)
    assert seen["mode"] == "eval" == seen["input"][0]
    assert est.params == {"lr": 0.05} and est.params is not est.params


def test_training_is_repeatable_with_a_seed(tmp_path):
    def fn(features, labels, mode):
        w = gc.get_variable("w", [3, 1], initializer=gc.random_normal_initializer())
        loss = gc.reduce_mean(gc.square(gc.matmul(features["x"], w) - labels))
        op = gc.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=gc.train.get_global_step())
        return E.EstimatorSpec(mode, loss=loss, train_op=op)

    values = []
    for d in ("a", "b"):
        est = E.Estimator(fn, model_dir=str(tmp_path / d),
                          config=E.RunConfig(tf_random_seed=7))
        est.train(input_fn(), steps=1)
        values.append(est.get_variable_value("w"))
    np.testing.assert_array_equal(values[0], values[1])


def test_warm_start_from(tmp_path):
    old = make(tmp_path)
    old.train(input_fn())
    new = E.Estimator(model_fn, model_dir=str(tmp_path / "new"), params={"lr": 1e-9},
                      warm_start_from=old.model_dir)
    new.train(input_fn(), steps=1)
    np.testing.assert_allclose(new.get_variable_value("w"), old.get_variable_value("w"),
                               rtol=1e-6)
    assert new.get_variable_value("global_step") == 1    # the step is not warm-started
    with pytest.raises(ValueError, match="warm_start_from must be a string or a "
                                         "WarmStartSettings"):
        E.Estimator(model_fn, params={}, warm_start_from=3)


# ---- errors ------------------------------------------------------------------------------
def test_estimator_errors(tmp_path):
    with pytest.raises(ValueError, match=r"must include features argument"):
        E.Estimator(lambda x, labels: None)
    with pytest.raises(ValueError, match=r"has following not expected args: \['extra'\]"):
        E.Estimator(lambda features, extra: None)
    with pytest.raises(ValueError, match="does not include params argument"):
        E.Estimator(lambda features: None, params={"a": 1})
    with pytest.raises(ValueError, match="model_fn must be provided"):
        E.Estimator(None)
    with pytest.raises(ValueError, match="config must be an instance of `RunConfig`"):
        E.Estimator(model_fn, config={})
    with pytest.raises(ValueError, match="`model_dir` are set both in constructor and"):
        E.Estimator(model_fn, model_dir="a", config=E.RunConfig(model_dir="b"))
    est = make(tmp_path)
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps."):
        est.train(input_fn(), steps=1, max_steps=1)
    with pytest.raises(ValueError, match="Must specify steps > 0, given: 0"):
        est.train(input_fn(), steps=0)
    with pytest.raises(ValueError, match="Must specify max_steps > 0, given: -1"):
        est.train(input_fn(), max_steps=-1)
    with pytest.raises(ValueError, match="Must specify steps > 0, given: 0"):
        est.evaluate(input_fn(), steps=0)
    with pytest.raises(ValueError, match="Could not find trained model in model_dir"):
        est.get_variable_names()
    with pytest.raises(ValueError, match="model_fn should return an EstimatorSpec."):
        E.Estimator(lambda features, labels: None).train(input_fn())
    with pytest.raises(ValueError, match="model_fn does not take labels, but input_fn "
                                         "returns labels."):
        E.Estimator(lambda features: None).train(input_fn())
    with pytest.raises(ValueError, match="input_fn should return \\(features, labels\\) "
                                         "as a len 2 tuple."):
        est.train(lambda: (X, Y, Y))

    def with_loss_metric(features, labels, mode):
        spec = model_fn(features, labels, mode, {})
        return spec._replace(eval_metric_ops={"loss": gc.metrics.mean(spec.loss)})
    with pytest.raises(ValueError, match='Metric with name "loss" is not allowed'):
        E.Estimator(with_loss_metric).evaluate(input_fn())


def test_estimator_spec_checks():
    M = E.ModeKeys
    assert (M.TRAIN, M.EVAL, M.PREDICT) == ("train", "eval", "infer")
    with gc.Graph().as_default():
        loss = gc.reduce_sum(gc.Variable([1.0, 2.0]))
        op = gc.no_op()
        with pytest.raises(ValueError, match="Missing train_op."):
            E.EstimatorSpec(M.TRAIN, loss=loss)
        with pytest.raises(ValueError, match="Missing loss."):
            E.EstimatorSpec(M.EVAL, train_op=op)
        with pytest.raises(ValueError, match="Missing predictions."):
            E.EstimatorSpec(M.PREDICT)
        with pytest.raises(TypeError, match="train_op must be Operation or Tensor"):
            E.EstimatorSpec(M.TRAIN, loss=loss, train_op=3)
        with pytest.raises(TypeError, match="loss must be Tensor, given: 1.0"):
            E.EstimatorSpec(M.TRAIN, loss=1.0, train_op=op)
        with pytest.raises(ValueError, match="Loss must be scalar"):
            E.EstimatorSpec(M.EVAL, loss=gc.constant([1.0, 2.0]))
        with pytest.raises(TypeError, match=r"predictions\[a\] must be Tensor"):
            E.EstimatorSpec(M.PREDICT, predictions={"a": 1})
        with pytest.raises(TypeError, match="All hooks must be SessionRunHook instances"):
            E.EstimatorSpec(M.EVAL, loss=loss, evaluation_hooks=[1])
        with pytest.raises(TypeError, match="eval_metric_ops must be a dict"):
            E.EstimatorSpec(M.EVAL, loss=loss, eval_metric_ops=[1])
        with pytest.raises(TypeError, match="Values of eval_metric_ops must be"):
            E.EstimatorSpec(M.EVAL, loss=loss, eval_metric_ops={"m": loss})
        with pytest.raises(TypeError, match="scaffold must be tf.train.Scaffold"):
            E.EstimatorSpec(M.EVAL, loss=loss, scaffold=1)
        one = E.EstimatorSpec(M.EVAL, loss=gc.constant([3.0]))
        assert one.loss.shape.as_list() == [] and one.predictions == {}
        spec = E.EstimatorSpec(M.PREDICT, predictions=loss)
        assert list(spec.export_outputs) == ["serving_default"]
        with pytest.raises(ValueError, match="mode of EstimatorSpec cannot be changed."):
            spec._replace(mode=M.TRAIN)
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match='loss with "Sum:0" must be from the default '
                                             'graph'):
            E.EstimatorSpec(M.EVAL, loss=loss)


def test_run_config():
    c = E.RunConfig()
    assert (c.save_checkpoints_secs, c.save_checkpoints_steps) == (600, None)
    assert (c.save_summary_steps, c.keep_checkpoint_max, c.log_step_count_steps,
            c.tf_random_seed, c.model_dir, c.is_chief, c.num_worker_replicas) == \
        (100, 5, 100, None, None, True, 1)
    c2 = c.replace(save_checkpoints_steps=10, tf_random_seed=3)
    assert (c2.save_checkpoints_secs, c2.save_checkpoints_steps, c2.tf_random_seed) == \
        (None, 10, 3)
    assert c.save_checkpoints_secs == 600            # replace makes a copy
    with pytest.raises(ValueError, match="cannot be both set"):
        E.RunConfig(save_checkpoints_steps=1, save_checkpoints_secs=1)
    with pytest.raises(ValueError, match="Replacing model_fn is not supported"):
        c.replace(model_fn=1)
    with pytest.raises(ValueError, match="keep_checkpoint_max should be >= 0"):
        E.RunConfig(keep_checkpoint_max=-1)
    with pytest.raises(ValueError, match="model_dir should be non-empty."):
        E.RunConfig(model_dir="")
    with pytest.raises(ValueError, match="session_config must be instance of ConfigProto"):
        E.RunConfig(session_config={})
    assert E.RunConfig(session_config=gc.ConfigProto()).session_config is not None


# ---- train_and_evaluate, export ------------------------------------------------------------
def test_train_and_evaluate(tmp_path):
    evals = []

    class Count(gc.train.SessionRunHook):
        def end(self, session):
            evals.append(1)

    est = E.Estimator(model_fn, model_dir=str(tmp_path / "m"), params={},
                      config=E.RunConfig(save_checkpoints_steps=3))
    metrics, exports = E.train_and_evaluate(
        est, E.TrainSpec(input_fn(epochs=None), max_steps=7),
        E.EvalSpec(input_fn(), steps=None, hooks=[Count()], throttle_secs=0))
    # checkpoints at 0 (not evaluated), 3, 6 and 7
    assert len(evals) == 3 and metrics["global_step"] == 7 and exports == []
    assert set(metrics) == {"loss", "mae", "global_step"}
    with pytest.raises(TypeError, match="`input_fn` must be callable"):
        E.TrainSpec(3)
    with pytest.raises(ValueError, match="Must specify max_steps > 0, given: 0"):
        E.TrainSpec(input_fn(), max_steps=0)
    with pytest.raises(ValueError, match="Must specify throttle_secs >= 0"):
        E.EvalSpec(input_fn(), throttle_secs=-1)
    with pytest.raises(TypeError, match="`name` must be string"):
        E.EvalSpec(input_fn(), name=3)
    assert E.EvalSpec(input_fn()).steps == 100
    with pytest.raises(TypeError, match="`eval_spec` must have type"):
        E.train_and_evaluate(est, E.TrainSpec(input_fn()), None)


def test_export_saved_model(tmp_path):
    est = make(tmp_path)
    with pytest.raises(ValueError, match="Couldn't find trained model at"):
        est.export_saved_model(str(tmp_path / "export"), None or (lambda: None))
    est.train(input_fn())
    receiver_fn = E.export.build_raw_serving_input_receiver_fn(
        {"x": gc.placeholder(gc.float32, [None, 3])})
    path = est.export_saved_model(str(tmp_path / "export"), receiver_fn)
    assert isinstance(path, bytes) and re.search(rb"export/\d+$", path)
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], path.decode())
        sig = meta.signature_def["serving_default"]
        x = sess.graph.get_tensor_by_name(sig.inputs["x"].name)
        y = sess.graph.get_tensor_by_name(sig.outputs["y"].name)
        got = sess.run(y, {x: X})
    w, b = est.get_variable_value("w"), est.get_variable_value("b")
    np.testing.assert_allclose(got, X @ w + b, rtol=1e-5)
    parsing = E.export.build_parsing_serving_input_receiver_fn(
        {"x": gc.FixedLenFeature([3], gc.float32)})
    with gc.Graph().as_default():
        receiver = parsing()
        assert list(receiver.receiver_tensors) == ["examples"]
        assert receiver.features["x"].shape.as_list() == [None, 3]
        with pytest.raises(ValueError, match="feature x must be a Tensor, SparseTensor, "
                                             "or RaggedTensor."):
            E.export.ServingInputReceiver({"x": 1}, receiver.receiver_tensors)
        single = E.export.ServingInputReceiver(receiver.features["x"],
                                               receiver.receiver_tensors["examples"])
        assert list(single.features) == ["feature"] and list(single.receiver_tensors) == \
            ["input"]
        with pytest.raises(ValueError, match="Classification classes must be a string"):
            E.export.ClassificationOutput(classes=receiver.features["x"])


def test_doc_code_runs(tmp_path, monkeypatch):
    """docs/estimator.md's python blocks run, in order, in one namespace."""
    monkeypatch.chdir(tmp_path)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "docs", "estimator.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) >= 2
    namespace = {"__name__": "__main__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"estimator.md[{i}]", "exec"), namespace)
