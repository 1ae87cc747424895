"""gc.estimator.MultiLabelHead and MultiHead (no TensorFlow needed;
tests/test_tf_parity_estimator_heads2.py compares them with TF)."""
import numpy as np
import pytest

import graphc as gc

E = gc.estimator
LOGITS = np.array([[-1., 1., .5], [-1.5, 1.5, 0.], [2., -.5, -1.], [.3, .2, -2.]],
                  np.float32)
Y = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 0], [1, 1, 1]], np.int64)
W = np.array([[1.], [2.], [.5], [1.]], np.float32)


def _xent(y, logits):
    return np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))


def _run(fetches, init_tables=False):
    with gc.Session() as sess:
        sess.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        if init_tables:
            sess.run(gc.tables_initializer())
        return sess.run(fetches)


def _eval(head, labels, logits=LOGITS, features=None, **kw):
    """The eval metrics' values after one update, and the loss."""
    with gc.Graph().as_default():
        spec = head.create_estimator_spec(features or {}, E.ModeKeys.EVAL, logits, labels,
                                          **kw)
        with gc.Session() as sess:
            sess.run([gc.local_variables_initializer(), gc.tables_initializer()])
            sess.run({k: u for k, (_, u) in spec.eval_metric_ops.items()})
            return sess.run({k: v for k, (v, _) in spec.eval_metric_ops.items()}), \
                sess.run(spec.loss)


def test_loss_is_mean_over_classes_then_reduced():
    per_example = _xent(Y, LOGITS).mean(1, keepdims=True)
    for reduction, want in [("sum_over_batch_size", (per_example * W).sum() / 4),
                            ("sum", (per_example * W).sum())]:
        with gc.Graph().as_default():
            head = E.MultiLabelHead(3, weight_column="w", loss_reduction=reduction)
            loss = head.loss(Y, LOGITS, features={"w": W}, regularization_losses=[1.5])
            assert _run(loss) == pytest.approx(want + 1.5, rel=1e-5)


def test_sparse_and_vocabulary_labels_match_multi_hot():
    indices = [[0, 0], [0, 1], [1, 0], [1, 1], [3, 0], [3, 1], [3, 2]]
    ids = [0, 2, 0, 1, 2, 0, 1]
    want = _xent(Y, LOGITS).mean()
    with gc.Graph().as_default():
        sparse = gc.SparseTensor(indices, np.array(ids, np.int64), [4, 3])
        got = E.MultiLabelHead(3).loss(sparse, LOGITS)
        words = gc.SparseTensor(indices, np.array(["a", "c", "a", "b", "c", "a", "b"]),
                                [4, 3])
        got_words = E.MultiLabelHead(3, label_vocabulary=["a", "b", "c"]).loss(words,
                                                                              LOGITS)
        assert _run([got, got_words], init_tables=True) == pytest.approx([want, want],
                                                                         rel=1e-5)


def test_bad_labels_fail():
    with gc.Graph().as_default():
        with pytest.raises(gc.errors.InvalidArgumentError,     # known: when built (TF)
                           match=r"labels must be an integer indicator Tensor"):
            E.MultiLabelHead(3).loss(np.array([[0, 2, 1]] * 4), LOGITS)
        fed = gc.placeholder(gc.int64, [4, 3])
        loss = E.MultiLabelHead(3).loss(fed, LOGITS)
        with gc.Session() as sess, pytest.raises(
                gc.errors.InvalidArgumentError,
                match=r"labels must be an integer indicator Tensor"):
            sess.run(loss, {fed: np.array([[0, 2, 1]] * 4)})
        ids = gc.placeholder(gc.int64, [1])
        bad = E.MultiLabelHead(3).loss(gc.SparseTensor([[0, 0]], ids, [4, 1]), LOGITS)
        with gc.Session() as sess, pytest.raises(
                gc.errors.InvalidArgumentError,
                match=r"integer SparseTensor with values in \[0, 3\)"):
            sess.run(bad, {ids: [3]})
        with pytest.raises(ValueError, match="Labels dtype should be integer"):
            E.MultiLabelHead(3).loss(gc.SparseTensor([[0, 0]], [1.], [4, 1]), LOGITS)
        with pytest.raises(ValueError, match="Mismatched label shape"):
            E.MultiLabelHead(3).loss(np.zeros((4, 2), np.int64), LOGITS)
        with pytest.raises(ValueError, match="You must provide a labels Tensor"):
            E.MultiLabelHead(3).loss(None, LOGITS)
        with pytest.raises(ValueError, match=r"logits_dimension=2\]"):
            E.MultiLabelHead(2).loss(Y, LOGITS)


def test_predictions_and_export_outputs():
    head = E.MultiLabelHead(3, label_vocabulary=["a", "b", "c"])
    with gc.Graph().as_default():
        spec = head.create_estimator_spec({}, E.ModeKeys.PREDICT, LOGITS)
        preds = _run(spec.predictions)
        assert sorted(spec.export_outputs) == ["classification", "predict",
                                               "serving_default"]
        only = head.predictions(LOGITS, keys=["probabilities"])
        with pytest.raises(ValueError, match="Prediction key must be in PredictionKeys"):
            head.predictions(LOGITS, keys=["class_ids"])
    assert sorted(preds) == ["classes", "logits", "probabilities"]
    np.testing.assert_allclose(preds["probabilities"], 1 / (1 + np.exp(-LOGITS)), rtol=1e-6)
    assert preds["classes"].tolist() == [[b"a", b"b", b"c"]] * 4
    assert list(only) == ["probabilities"]


def test_eval_metrics():
    head = E.MultiLabelHead(3, weight_column="w", thresholds=[0.5],
                            classes_for_class_based_metrics=[2, 0])
    metrics, loss = _eval(head, Y, features={"w": W})
    probs = 1 / (1 + np.exp(-LOGITS))
    pred, wb = probs > 0.5, np.broadcast_to(W, Y.shape)
    assert sorted(metrics) == [
        "accuracy/positive_threshold_0.5", "auc", "auc/class0", "auc/class2",
        "auc_precision_recall", "auc_precision_recall/class0",
        "auc_precision_recall/class2", "average_loss", "precision/positive_threshold_0.5",
        "probability_mean/class0", "probability_mean/class2",
        "recall/positive_threshold_0.5"]
    per_example = _xent(Y, LOGITS).mean(1, keepdims=True)
    assert metrics["average_loss"] == pytest.approx((per_example * W).sum() / W.sum(),
                                                    rel=1e-5)
    assert loss == pytest.approx((per_example * W).sum() / 4, rel=1e-5)
    assert metrics["accuracy/positive_threshold_0.5"] == pytest.approx(
        (wb * (pred == Y)).sum() / wb.sum(), rel=1e-5)
    tp = (wb * (pred & (Y == 1))).sum()
    assert metrics["precision/positive_threshold_0.5"] == pytest.approx(
        tp / (wb * pred).sum(), rel=1e-5)
    assert metrics["recall/positive_threshold_0.5"] == pytest.approx(
        tp / (wb * (Y == 1)).sum(), rel=1e-5)
    assert metrics["probability_mean/class2"] == pytest.approx(
        (W[:, 0] * probs[:, 2]).sum() / W.sum(), rel=1e-5)
    # class 0: positives have probabilities .27, .18, .57; the negative .88
    assert metrics["auc/class0"] == pytest.approx(0., abs=1e-2)


def test_class_metric_names_with_vocabulary_and_head_name():
    head = E.MultiLabelHead(3, label_vocabulary=["a", "b", "c"], name="t",
                            classes_for_class_based_metrics=["c"])
    metrics, _ = _eval(head, Y, regularization_losses=[0.25])
    assert sorted(metrics) == ["auc/c/t", "auc/t", "auc_precision_recall/c/t",
                               "auc_precision_recall/t", "average_loss/t",
                               "probability_mean/c/t", "regularization_loss/t"]


def test_constructor_errors():
    for kw, match in [(dict(n_classes=1), "n_classes must be > 1"),
                      (dict(n_classes=None), "n_classes must be > 1"),
                      (dict(n_classes=2, thresholds=[0.]), r"Given: 0\.0"),
                      (dict(n_classes=2, label_vocabulary={"a": 1}), "list or tuple"),
                      (dict(n_classes=3, label_vocabulary=["a"]), r"n_classes \(3\)"),
                      (dict(n_classes=2, classes_for_class_based_metrics=[-1]), "Given: -1"),
                      (dict(n_classes=2, loss_fn=lambda x: x), "must contain argument"),
                      (dict(n_classes=2, loss_reduction="mean"), "Invalid loss_reduction")]:
        with pytest.raises(ValueError, match=match):
            E.MultiLabelHead(**kw)


def _multi():
    return E.MultiHead([E.MultiLabelHead(3, name="tags"),
                        E.RegressionHead(label_dimension=2, name="score")],
                       head_weights=[2., .5])


def test_multi_head_loss_and_split_logits():
    head = _multi()
    assert head.name == "tags_score" and head.logits_dimension == 5
    assert head.loss_reduction == "sum_over_batch_size"
    score = np.arange(8, dtype=np.float32).reshape(4, 2) / 4
    logits = np.concatenate([LOGITS, np.zeros((4, 2), np.float32)], 1)
    want = 2 * _xent(Y, LOGITS).mean() + .5 * (score ** 2).mean() + 1.
    with gc.Graph().as_default():
        loss = head.loss({"tags": Y, "score": score}, logits, regularization_losses=[1.])
        split = head.predictions(logits)
        assert _run(loss) == pytest.approx(want, rel=1e-5)
        values = _run(split)
    np.testing.assert_array_equal(values[("tags", "logits")], LOGITS)
    np.testing.assert_array_equal(values[("score", "predictions")], np.zeros((4, 2)))


def test_multi_head_eval_train_and_predict_specs():
    head = _multi()
    score = np.ones((4, 2), np.float32)
    labels = {"tags": Y, "score": score}
    logits = {"tags": LOGITS, "score": np.zeros((4, 2), np.float32)}
    metrics, loss = _eval(head, labels, logits, regularization_losses=[0.5])
    assert sorted(metrics) == [
        "auc/tags", "auc_precision_recall/tags", "average_loss/score", "average_loss/tags",
        "label/mean/score", "loss/score", "loss/tags", "prediction/mean/score",
        "regularization_loss/tags_score"]
    assert metrics["loss/score"] == pytest.approx(1.)
    assert loss == pytest.approx(2 * metrics["loss/tags"] + .5 + .5, rel=1e-5)
    with gc.Graph().as_default():
        spec = head.create_estimator_spec({}, E.ModeKeys.PREDICT, logits)
        assert sorted(spec.export_outputs) == [
            "predict", "score", "score/predict", "score/regression", "serving_default",
            "tags", "tags/classification", "tags/predict"]
        assert spec.export_outputs["serving_default"] is spec.export_outputs["tags"]
        assert sorted(spec.export_outputs["predict"].outputs) == [
            "score/predictions", "tags/classes", "tags/logits", "tags/probabilities"]
    with gc.Graph().as_default():
        gc.train.create_global_step()
        spec = head.create_estimator_spec({}, E.ModeKeys.TRAIN, logits, labels,
                                          train_op_fn=lambda loss: gc.no_op())
        assert spec.train_op is not None
        with pytest.raises(ValueError, match="train_op_fn and optimizer cannot both be None"):
            head.create_estimator_spec({}, E.ModeKeys.TRAIN, logits, labels)


def test_multi_head_errors():
    a, b = E.MultiLabelHead(2, name="a"), E.MultiLabelHead(3, name="b")
    with pytest.raises(ValueError, match="Must specify heads"):
        E.MultiHead([])
    with pytest.raises(ValueError, match="All given heads must have name"):
        E.MultiHead([a, E.RegressionHead()])
    with pytest.raises(ValueError, match="same size"):
        E.MultiHead([a, b], head_weights=[1.])
    with pytest.raises(ValueError, match="loss_reduction must be the same"):
        E.MultiHead([a, E.MultiLabelHead(2, name="c", loss_reduction="sum")]).loss_reduction
    head = E.MultiHead([a, b])
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="Could not split logits of shape"):
            head.predictions(np.zeros((2, 4), np.float32))
        with pytest.raises(ValueError, match="logits has missing values"):
            head.predictions({"a": np.zeros((2, 2), np.float32)})
        with pytest.raises(ValueError, match="labels must be a dict"):
            head.loss(np.zeros((2, 5)), np.zeros((2, 5), np.float32))


def test_estimators_train_with_the_heads(tmp_path):
    x = np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3)
    tags = np.stack([x[:, 0] > 0, x[:, 1] > x[:, 2], x[:, 2] < .5], 1).astype(np.int64)
    score = x.sum(1, keepdims=True)
    inp = E.inputs.numpy_input_fn({"x": x}, {"tags": tags, "score": score}, batch_size=4,
                                  num_epochs=None, shuffle=False)
    once = E.inputs.numpy_input_fn({"x": x}, {"tags": tags, "score": score},
                                   shuffle=False)
    columns = [gc.feature_column.numeric_column("x", shape=(3,))]
    head = E.MultiHead([E.MultiLabelHead(3, name="tags"), E.RegressionHead(name="score")])
    for est in [E.LinearEstimator(head, columns, model_dir=str(tmp_path / "l"),
                                  optimizer="SGD"),
                E.DNNEstimator(head, [4], columns, model_dir=str(tmp_path / "d")),
                E.BaselineEstimator(head, model_dir=str(tmp_path / "b"))]:
        before = est.train(inp, steps=1).evaluate(once)["loss"]
        after = est.train(inp, steps=30).evaluate(once)
        assert after["loss"] < before and after["global_step"] == 31
        first = next(est.predict(E.inputs.numpy_input_fn({"x": x}, shuffle=False)))
        assert first[("tags", "probabilities")].shape == (3,)
