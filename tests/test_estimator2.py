"""gc.estimator's baselines, head-taking estimators, public heads, add_metrics and
early-stopping hooks (no TensorFlow needed; tests/test_tf_parity_estimator2.py compares
them with TF)."""
import numpy as np
import pytest

import graphc as gc

E = gc.estimator
X = np.arange(24, dtype=np.float32).reshape(8, 3) / 10 - 1
Y_BIN = np.array([1, 0, 1, 1, 0, 1, 1, 0]).reshape(-1, 1)
W = np.array([1, 2, 1, 1, 3, 1, 1, 1], np.float32).reshape(-1, 1)


def inp(features, labels=None, **kw):
    kw.setdefault("shuffle", False)
    return E.inputs.numpy_input_fn(features, labels, **kw)


def test_baseline_classifier_learns_label_distribution(tmp_path):
    est = E.BaselineClassifier(model_dir=str(tmp_path), optimizer="SGD")
    est.train(inp({"x": X}, Y_BIN, batch_size=8, num_epochs=None), steps=300)
    assert est.get_variable_names() == ["baseline/bias", "global_step"]
    p = next(est.predict(inp({"x": X[:1]})))
    np.testing.assert_allclose(p["logistic"], [5 / 8], atol=1e-3)
    assert sorted(p) == ["all_class_ids", "all_classes", "class_ids", "classes",
                         "logistic", "logits", "probabilities"]
    metrics = est.evaluate(inp({"x": X}, Y_BIN))
    assert metrics["accuracy"] == pytest.approx(5 / 8)
    assert metrics["accuracy_baseline"] == pytest.approx(5 / 8)


def test_baseline_regressor_weighted_mean(tmp_path):
    y = np.arange(8, dtype=np.float32).reshape(-1, 1)
    est = E.BaselineRegressor(model_dir=str(tmp_path), weight_column="w", optimizer="SGD",
                              loss_reduction=gc.losses.Reduction.MEAN)
    est.train(inp({"x": X, "w": W}, y, batch_size=8, num_epochs=None), steps=200)
    want = float((W[:, 0] * y[:, 0]).sum() / W.sum())
    assert est.get_variable_value("baseline/bias")[0] == pytest.approx(want, abs=1e-3)


def test_baseline_checks_batch_sizes(tmp_path):
    est = E.BaselineRegressor(model_dir=str(tmp_path))

    def input_fn():
        return {"a": gc.constant(X), "b": gc.constant(X[:3])}, gc.constant(Y_BIN[:, :1] * 1.)
    with pytest.raises(gc.errors.InvalidArgumentError):
        est.train(input_fn, steps=1)


def _spec(head, mode, labels=None, features=None, **kw):
    with gc.Graph().as_default():
        gc.train.get_or_create_global_step()
        logits = gc.constant([[1.], [-2.], [0.5]])
        spec = head.create_estimator_spec(features or {}, mode, logits, labels, **kw)
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.local_variables_initializer(),
                      gc.tables_initializer()])
            if mode == E.ModeKeys.PREDICT:
                return spec, sess.run(spec.predictions)
            if mode == E.ModeKeys.EVAL:
                sess.run([u for _, u in spec.eval_metric_ops.values()])
                return spec, sess.run({k: v for k, (v, _) in spec.eval_metric_ops.items()}), \
                    sess.run(spec.loss)
            return spec, sess.run(spec.loss)


def test_binary_class_head_loss_is_mean_by_default():
    labels = np.array([[1], [0], [0]])
    head = E.BinaryClassHead()
    assert head.loss_reduction == "sum_over_batch_size" and head.logits_dimension == 1
    logits = np.array([1., -2., .5])
    want = np.mean(np.log1p(np.exp(-logits)) + logits * (1 - labels[:, 0]))
    _, loss = _spec(head, E.ModeKeys.TRAIN, labels, train_op_fn=lambda l: gc.no_op())
    assert loss == pytest.approx(want, rel=1e-5)
    _, loss = _spec(E.BinaryClassHead(loss_reduction="sum"), E.ModeKeys.TRAIN, labels,
                    train_op_fn=lambda l: gc.no_op())
    assert loss == pytest.approx(3 * want, rel=1e-5)


def test_binary_class_head_eval_and_predictions():
    head = E.BinaryClassHead(thresholds=[0.5], label_vocabulary=["n", "y"])
    _, metrics, _ = _spec(head, E.ModeKeys.EVAL, np.array([["y"], ["n"], ["n"]]),
                          regularization_losses=[0.5])
    assert metrics["accuracy"] == pytest.approx(2 / 3)
    assert metrics["regularization_loss"] == pytest.approx(0.5)
    assert "accuracy/positive_threshold_0.5" in metrics and "auc_precision_recall" in metrics
    _, preds = _spec(head, E.ModeKeys.PREDICT)
    assert preds["classes"].ravel().tolist() == [b"y", b"n", b"y"]
    with gc.Graph().as_default():
        p = head.predictions(gc.constant([[1.]]), keys=["class_ids", "logistic"])
        assert sorted(p) == ["class_ids", "logistic"]
        with pytest.raises(ValueError, match="Prediction key must be in PredictionKeys"):
            head.predictions(gc.constant([[1.]]), keys=["predictions"])


def test_regression_heads():
    y = np.array([[1.], [0.], [2.]], np.float32)
    _, preds = _spec(E.PoissonRegressionHead(), E.ModeKeys.PREDICT)
    np.testing.assert_allclose(preds["predictions"], np.exp([[1.], [-2.], [.5]]), rtol=1e-6)
    assert sorted(preds) == ["logits", "predictions"]
    _, loss = _spec(E.PoissonRegressionHead(compute_full_loss=False), E.ModeKeys.TRAIN, y,
                    train_op_fn=lambda l: gc.no_op())
    logits = np.array([[1.], [-2.], [.5]])
    assert loss == pytest.approx(np.mean(np.exp(logits) - y * logits), rel=1e-5)
    _, metrics, loss = _spec(E.RegressionHead(), E.ModeKeys.EVAL, y)
    assert loss == pytest.approx(np.mean((logits - y) ** 2), rel=1e-5)
    assert sorted(metrics) == ["average_loss", "label/mean", "prediction/mean"]
    with pytest.raises(gc.errors.InvalidArgumentError, match=r"Labels must be in range"):
        _spec(E.LogisticRegressionHead(), E.ModeKeys.TRAIN, y,
              train_op_fn=lambda l: gc.no_op())


def test_head_train_op_arguments():
    head = E.MultiClassHead(3)
    labels = np.array([[0], [2], [1]])
    with gc.Graph().as_default():
        logits = gc.get_variable("v", initializer=gc.constant([[1., 0, 0]] * 3))
        gc.train.get_or_create_global_step()
        opt = gc.train.GradientDescentOptimizer(0.1)
        with pytest.raises(ValueError, match="train_op_fn and optimizer cannot both be set"):
            head.create_estimator_spec({}, "train", logits, labels, optimizer=opt,
                                       train_op_fn=lambda l: l)
        with pytest.raises(ValueError, match="cannot both be None"):
            head.create_estimator_spec({}, "train", logits, labels)
        with pytest.raises(ValueError, match="update_ops should be a list or a tuple"):
            head.create_estimator_spec({}, "train", logits, labels, optimizer=opt,
                                       update_ops=gc.no_op())
        spec = head.create_estimator_spec({}, "train", logits, labels, optimizer=opt,
                                          trainable_variables=[logits])
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            before = sess.run(spec.loss)
            sess.run(spec.train_op)
            assert sess.run(spec.loss) < before
            assert sess.run(gc.train.get_global_step()) == 1


def test_head_argument_errors():
    with pytest.raises(ValueError, match="Invalid loss_reduction: weighted_sum"):
        E.RegressionHead(loss_reduction=gc.losses.Reduction.SUM)
    with pytest.raises(ValueError, match=r"thresholds not in \(0, 1\)"):
        E.BinaryClassHead(thresholds=[1.5])
    with pytest.raises(ValueError, match="label_vocabulary should be a list or a tuple"):
        E.BinaryClassHead(label_vocabulary="ab")
    with pytest.raises(ValueError, match="Invalid label_dimension 0"):
        E.RegressionHead(label_dimension=0)
    with pytest.raises(ValueError, match="n_classes cannot be None"):
        E.MultiClassHead(None)


def test_linear_estimator_with_public_head(tmp_path):
    fc = gc.feature_column
    est = E.LinearEstimator(E.MultiClassHead(3, weight_column="w"),
                            [fc.numeric_column("x", shape=(3,))], model_dir=str(tmp_path))
    y = np.array([0, 1, 2, 0, 1, 2, 0, 1]).reshape(-1, 1)
    est.train(inp({"x": X, "w": W}, y, batch_size=4), steps=2)
    assert "linear/linear_model/x/weights" in est.get_variable_names()
    assert sorted(est.evaluate(inp({"x": X, "w": W}, y))) == [
        "accuracy", "average_loss", "global_step", "loss"]


def test_add_metrics(tmp_path):
    est = E.BaselineRegressor(model_dir=str(tmp_path))
    y = np.arange(8, dtype=np.float32).reshape(-1, 1)
    est.train(inp({"x": X}, y, batch_size=4), steps=1)

    def metric_fn(labels, predictions, config):
        assert isinstance(config, E.RunConfig)
        return {"mae": gc.metrics.mean_absolute_error(labels, predictions["predictions"])}
    est2 = E.add_metrics(est, metric_fn)
    assert est2.model_dir == est.model_dir
    m = est2.evaluate(inp({"x": X}, y))
    bias = est.get_variable_value("baseline/bias")[0]
    assert m["mae"] == pytest.approx(np.abs(y - bias).mean(), rel=1e-5)
    with pytest.raises(ValueError, match=r"has following not expected args: \['mode'\]"):
        E.add_metrics(est, lambda mode: {})


def test_early_stopping_hooks(tmp_path):
    from graphc.estimator.early_stopping import read_eval_metrics
    est = E.BaselineRegressor(model_dir=str(tmp_path))
    y = np.arange(8, dtype=np.float32).reshape(-1, 1)
    train = inp({"x": X}, y, batch_size=4, num_epochs=None)
    ex = E.experimental
    hooks = [ex.stop_if_no_decrease_hook(est, "loss", 100, run_every_secs=None,
                                         run_every_steps=1),
             ex.stop_if_higher_hook(est, "loss", 1e9, run_every_secs=None,
                                    run_every_steps=1)]
    est.train(train, steps=3, hooks=hooks)
    assert read_eval_metrics(est.eval_dir()) == {}
    est.evaluate(inp({"x": X}, y), steps=1)
    loss = read_eval_metrics(est.eval_dir())[3]["loss"]
    hook = ex.stop_if_lower_hook(est, "loss", loss + 1, run_every_secs=None,
                                 run_every_steps=1)
    est.train(train, steps=5, hooks=hooks + [hook])
    assert est.get_variable_value("global_step") == 4
    assert est.get_variable_value("signal_early_stopping/STOP")
    calls = []
    hook = ex.make_early_stopping_hook(est, lambda: calls.append(1) or len(calls) == 2,
                                       run_every_secs=None, run_every_steps=1)
    est.train(train, steps=5, hooks=[hook])
    assert est.get_variable_value("global_step") == 6
    with pytest.raises(TypeError, match="`estimator` must have type"):
        ex.make_early_stopping_hook(object(), lambda: True)
    with pytest.raises(TypeError, match="`should_stop_fn` must be callable"):
        ex.make_early_stopping_hook(est, 3)
