"""gc.estimator's canned estimators (LinearClassifier/Regressor, DNNClassifier/Regressor,
DNNLinearCombined*) and their heads: training lowers the loss, evaluate gives TF1's
metric keys, predict TF1's prediction keys, and bad arguments or labels fail as in TF1."""
import numpy as np
import pytest

import graphc as gc
from graphc.estimator.canned_optimizers import get_optimizer_instance
from graphc.estimator.head import regression_head
from graphc.estimator.head_classification import binary_logistic_head, multi_class_head

fc = gc.feature_column
E = gc.estimator
RNG = np.random.RandomState(0)
X = RNG.uniform(-1, 1, (48, 3)).astype(np.float32)
C = np.array([["a"], ["b"], ["c"]] * 16)
Y_BIN = ((X @ [2., -1., .5]) > 0).astype(np.int64).reshape(-1, 1)
Y_MULTI = np.digitize(X @ [2., -1., .5], [-0.5, 0.5]).reshape(-1, 1)
Y_REG = np.stack([X @ [1., -2., .5], X @ [.3, .3, -1.]], 1).astype(np.float32)
BIN_KEYS = ["accuracy", "accuracy_baseline", "auc", "auc_precision_recall", "average_loss",
            "global_step", "label/mean", "loss", "precision", "prediction/mean", "recall"]


def columns():
    return [fc.numeric_column("x", shape=(3,)),
            fc.embedding_column(fc.categorical_column_with_vocabulary_list("c", ["a", "b"]),
                                2)]


def fit(est, y, steps=30, features=None):
    """Loss before and after training, evaluation, predictions."""
    features = features or {"x": X, "c": C}
    train = E.inputs.numpy_input_fn(features, y, batch_size=16, num_epochs=None,
                                    shuffle=False)
    evaluate = E.inputs.numpy_input_fn(features, y, batch_size=48, shuffle=False)
    before = est.evaluate(evaluate)["loss"]
    est.train(train, steps=steps)
    metrics = est.evaluate(evaluate)
    preds = list(est.predict(E.inputs.numpy_input_fn(features, batch_size=20,
                                                     shuffle=False)))
    assert len(preds) == 48
    assert metrics["loss"] < before, (before, metrics["loss"])
    return metrics, preds


def test_linear_classifier_binary(tmp_path):
    est = E.LinearClassifier([fc.numeric_column("x", shape=(3,)),
                              fc.categorical_column_with_vocabulary_list("c", ["a", "b"])],
                             model_dir=str(tmp_path))
    metrics, preds = fit(est, Y_BIN)
    assert sorted(metrics) == BIN_KEYS and metrics["global_step"] == 30
    assert metrics["accuracy"] > 0.8
    p = preds[0]
    assert sorted(p) == ["all_class_ids", "all_classes", "class_ids", "classes", "logistic",
                         "logits", "probabilities"]
    assert p["class_ids"].dtype == np.int64 and p["classes"].dtype == object
    assert p["all_classes"].tolist() == [b"0", b"1"] and p["all_class_ids"].tolist() == [0, 1]
    np.testing.assert_allclose(p["probabilities"].sum(), 1, rtol=1e-6)
    np.testing.assert_allclose(p["logistic"], 1 / (1 + np.exp(-p["logits"])), rtol=1e-5)
    names = est.get_variable_names()
    assert "linear/linear_model/x/weights" in names
    assert "linear/linear_model/c/weights" in names
    assert "linear/linear_model/bias_weights" in names


def test_linear_classifier_multi_class_vocabulary(tmp_path):
    vocab = ["lo", "mid", "hi"]
    y = np.array(vocab)[Y_MULTI]
    est = E.LinearClassifier([fc.numeric_column("x", shape=(3,))], n_classes=3,
                             label_vocabulary=vocab, optimizer="Adagrad",
                             model_dir=str(tmp_path))
    metrics, preds = fit(est, y, steps=40)
    assert sorted(metrics) == ["accuracy", "average_loss", "global_step", "loss"]
    assert preds[0]["all_classes"].tolist() == [b"lo", b"mid", b"hi"]
    ids = np.array([p["class_ids"][0] for p in preds])
    assert [p["classes"][0].decode() for p in preds] == [vocab[i] for i in ids]
    assert est.get_variable_value("linear/linear_model/x/weights").shape == (3, 3)


def test_linear_regressor_weights_and_dimension(tmp_path):
    w = RNG.uniform(0.5, 2, (48, 1)).astype(np.float32)
    est = E.LinearRegressor([fc.numeric_column("x", shape=(3,))], label_dimension=2,
                            weight_column="w", model_dir=str(tmp_path),
                            optimizer=lambda: gc.train.GradientDescentOptimizer(0.01))
    metrics, preds = fit(est, Y_REG, features={"x": X, "w": w})
    assert sorted(metrics) == ["average_loss", "global_step", "label/mean", "loss",
                               "prediction/mean"]
    np.testing.assert_allclose(metrics["label/mean"],
                               np.sum(Y_REG * w) / np.sum(w * np.ones_like(Y_REG)), rtol=1e-5)
    assert list(preds[0]) == ["predictions"] and preds[0]["predictions"].shape == (2,)


def test_dnn_classifier_and_regressor(tmp_path):
    config = E.RunConfig(tf_random_seed=1)
    est = E.DNNClassifier([8, 4], columns(), n_classes=3, dropout=0.1,
                          model_dir=str(tmp_path / "c"), config=config,
                          optimizer=lambda: gc.train.AdamOptimizer(0.05))
    metrics, preds = fit(est, Y_MULTI)
    assert preds[0]["probabilities"].shape == (3,)
    # batch norm's moving averages (momentum 0.999) move slowly: check it runs
    est = E.DNNClassifier([8, 4], columns(), n_classes=3, batch_norm=True,
                          model_dir=str(tmp_path / "bn"), config=config)
    est.train(E.inputs.numpy_input_fn({"x": X, "c": C}, Y_MULTI, batch_size=16,
                                      shuffle=False), steps=2)
    mean = est.get_variable_value("dnn/hiddenlayer_0/batchnorm_0/moving_mean")
    assert np.abs(mean).max() > 0
    names = est.get_variable_names()
    for n in ["dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_1/bias", "dnn/logits/kernel",
              "dnn/hiddenlayer_0/batchnorm_0/moving_mean",
              "dnn/input_from_feature_columns/input_layer/c_embedding/embedding_weights"]:
        assert n in names, n
    assert est.get_variable_value("dnn/hiddenlayer_1/kernel").shape == (8, 4)
    reg = E.DNNRegressor([6], [fc.numeric_column("x", shape=(3,))], label_dimension=2,
                         model_dir=str(tmp_path / "r"), config=config, optimizer="RMSProp")
    fit(reg, Y_REG)


def test_dnn_linear_combined(tmp_path):
    est = E.DNNLinearCombinedClassifier(
        linear_feature_columns=[fc.numeric_column("x", shape=(3,))],
        dnn_feature_columns=columns(), dnn_hidden_units=[4], dnn_optimizer="SGD",
        linear_optimizer=gc.train.FtrlOptimizer(0.5), model_dir=str(tmp_path / "c"),
        config=E.RunConfig(tf_random_seed=3))
    metrics, _ = fit(est, Y_BIN)
    assert sorted(metrics) == BIN_KEYS and metrics["global_step"] == 30
    names = est.get_variable_names()
    assert "dnn/logits/kernel" in names and "linear/linear_model/x/weights" in names
    linear_only = E.DNNLinearCombinedRegressor(
        linear_feature_columns=[fc.numeric_column("x", shape=(3,))],
        linear_optimizer="SGD", model_dir=str(tmp_path / "r"))
    fit(linear_only, Y_REG[:, :1])
    with pytest.raises(ValueError, match="Either linear_feature_columns or "
                                         "dnn_feature_columns must be defined."):
        E.DNNLinearCombinedRegressor()


def test_label_errors(tmp_path):
    x = [fc.numeric_column("x", shape=(3,))]
    inp = E.inputs.numpy_input_fn({"x": X}, Y_MULTI + 1, batch_size=16, shuffle=False)
    est = E.LinearClassifier(x, n_classes=3, model_dir=str(tmp_path / "a"))
    with pytest.raises(gc.errors.InvalidArgumentError, match="Labels must <= n_classes - 1"):
        est.train(inp, steps=1)
    neg = E.inputs.numpy_input_fn({"x": X}, -Y_BIN, batch_size=16, shuffle=False)
    with pytest.raises(gc.errors.InvalidArgumentError, match="Labels must >= 0"):
        E.LinearClassifier(x, model_dir=str(tmp_path / "b")).train(neg, steps=1)
    wide = E.inputs.numpy_input_fn({"x": X}, Y_REG, batch_size=16, shuffle=False)
    with pytest.raises(ValueError, match="Mismatched label shape. Expected labels "
                                         "dimension=1.  Received 2"):
        E.LinearRegressor(x, model_dir=str(tmp_path / "c")).train(wide, steps=1)
    floats = E.inputs.numpy_input_fn({"x": X}, Y_MULTI.astype(np.float32), batch_size=16,
                                     shuffle=False)
    with pytest.raises(ValueError, match="Labels dtype should be integer"):
        E.LinearClassifier(x, n_classes=3, model_dir=str(tmp_path / "d")).train(floats,
                                                                                steps=1)


def test_argument_errors():
    x = [fc.numeric_column("x", shape=(3,))]
    with pytest.raises(ValueError, match=r"n_classes must be > 2: 1\."):
        E.LinearClassifier(x, n_classes=1)
    with pytest.raises(ValueError, match="Invalid loss_reduction: none"):
        E.DNNClassifier([2], x, loss_reduction=gc.losses.Reduction.NONE)
    with pytest.raises(ValueError, match="Invalid label_dimension 0."):
        E.LinearRegressor(x, label_dimension=0)
    with pytest.raises(ValueError, match=r"thresholds not in \(0, 1\)"):
        binary_logistic_head(thresholds=[0.5, 1.0])
    with pytest.raises(ValueError, match="loss_fn must contain argument: logits"):
        regression_head(loss_fn=lambda labels: labels)
    with pytest.raises(ValueError, match="label_vocabulary should be a list or a tuple"):
        multi_class_head(3, label_vocabulary="abc")
    with pytest.raises(ValueError, match="Unsupported optimizer name: Foo. Supported names "
                                         "are: \\('Adagrad', 'Adam', 'Ftrl', 'RMSProp', "
                                         "'SGD'\\)"):
        get_optimizer_instance("Foo", 0.1)
    with pytest.raises(ValueError, match="learning_rate must be specified"):
        get_optimizer_instance("SGD")
    with pytest.raises(ValueError, match="The given object is not an Optimizer instance"):
        get_optimizer_instance(lambda: 3)
    opt = get_optimizer_instance("Adam", 0.01)
    assert isinstance(opt, gc.train.AdamOptimizer)
    est = E.DNNRegressor([2], x)
    with pytest.raises(ValueError, match="features should be a dictionary"):
        est.train(lambda: (gc.constant(X), gc.constant(Y_REG[:, :1])), steps=1)


def test_head_with_thresholds_loss_fn_and_regularization():
    head = binary_logistic_head(thresholds=[0.3], weight_column="w",
                                loss_reduction=gc.losses.Reduction.MEAN,
                                loss_fn=lambda labels, logits: gc.square(labels - logits))
    with gc.Graph().as_default():
        gc.train.create_global_step()
        logits = gc.constant([[0.5], [-1.0], [2.0]])
        labels = gc.constant([1, 0, 0])
        w = gc.constant([1., 2., 1.])
        spec = head.create_estimator_spec(features={"w": w}, mode=E.ModeKeys.EVAL,
                                          logits=logits, labels=labels,
                                          regularization_losses=[gc.constant(0.25)])
        assert "accuracy/positive_threshold_0.3" in spec.eval_metric_ops
        assert "regularization_loss" in spec.eval_metric_ops
        with gc.Session() as sess:
            sess.run(gc.local_variables_initializer())
            loss = sess.run(spec.loss)
            sess.run([u for _, u in spec.eval_metric_ops.values()])
            acc = sess.run(spec.eval_metric_ops["accuracy/positive_threshold_0.3"][0])
    err = np.array([0.25, 1.0, 4.0])
    np.testing.assert_allclose(loss, np.sum(err * [1, 2, 1]) / 4 + 0.25, rtol=1e-6)
    # logistic >= 0.3: [T, F, T] vs labels [1, 0, 0]: weights 1, 2 right, 1 wrong
    np.testing.assert_allclose(acc, 3 / 4, rtol=1e-6)
