"""gc.estimator's head-taking and baseline estimators, public heads, add_metrics and
early-stopping hooks against TF's (tensorflow-estimator 2.15, tf.compat.v1.estimator):
the same data give the same per-step losses, eval metrics, predictions and variables.

TF 2.15's public heads (tf.estimator.BinaryClassHead, ...) only train with a Keras
optimizer or a train_op_fn, so they are compared through the estimators that pass a
train_op_fn (BaselineEstimator, DNNLinearCombinedEstimator); Linear/DNNEstimator are
compared with TF's TF1 heads, which graphc's public heads with loss_reduction='sum'
match. Run with
    PYTHONPATH=/tmp/tfest:/tmp/tfkeras python -m pytest tests/test_tf_parity_estimator2.py
"""
import numpy as np
import pytest

from test_tf_parity_estimator_canned import (C, LIBS, W, X, Y_BIN, Y_REG, compare,  # noqa: E402
                                             needs_tf_keras, run_both, session)

import graphc as gc  # noqa: E402

from tensorflow_estimator.python.estimator import early_stopping as tf_es, extenders  # noqa
from tensorflow_estimator.python.estimator.canned import (  # noqa: E402
    baseline as tf_baseline, dnn as tf_dnn, dnn_linear_combined as tf_combined,
    head as tf_head_v1, linear as tf_linear)
from tensorflow_estimator.python.estimator.head import (  # noqa: E402
    binary_class_head, multi_class_head, regression_head)

Y3 = (np.arange(10) % 3).reshape(-1, 1)
E = gc.estimator


def _tf(lib):
    return lib.is_tf


def v2_head(lib, kind, **kw):
    """The public head `kind` of lib."""
    if not _tf(lib):
        return getattr(E, kind)(**kw)
    mod = {"BinaryClassHead": binary_class_head, "MultiClassHead": multi_class_head}.get(
        kind, regression_head)
    return getattr(mod, kind)(**kw)


def baseline(lib, name):
    return getattr(tf_baseline if _tf(lib) else E, name)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_baseline_classifier(tmp_path, n_classes):
    y = Y_BIN if n_classes == 2 else Y3

    def fn(lib, d):
        est = baseline(lib, "BaselineClassifier")(model_dir=d, n_classes=n_classes,
                                                  weight_column="w", optimizer="Adagrad")
        return session(lib, est, {"x": X, "w": W}, y)
    got, want = run_both(fn, tmp_path)
    assert got["names"][:2] == ["baseline/bias", "global_step"]
    compare(got, want)


def test_baseline_classifier_vocabulary_ftrl(tmp_path):
    y = np.array(["b", "a"] * 5).reshape(-1, 1)

    def fn(lib, d):
        est = baseline(lib, "BaselineClassifier")(model_dir=d, label_vocabulary=["a", "b"])
        return session(lib, est, {"x": X}, y)
    got, want = run_both(fn, tmp_path)
    compare(got, want)


def test_baseline_regressor(tmp_path):
    def fn(lib, d):
        est = baseline(lib, "BaselineRegressor")(
            model_dir=d, label_dimension=2, weight_column="w",
            loss_reduction=lib.m.losses.Reduction.MEAN)
        return session(lib, est, {"x": X, "w": W}, Y_REG)
    got, want = run_both(fn, tmp_path)
    compare(got, want)


@pytest.mark.parametrize("kind,kw,y", [
    ("BinaryClassHead", dict(weight_column="w", thresholds=[0.3]), Y_BIN),
    ("MultiClassHead", dict(n_classes=3, label_vocabulary=["a", "b", "c"]),
     np.array(list("abcabcabca")).reshape(-1, 1)),
    ("RegressionHead", dict(label_dimension=2, loss_reduction="sum"), Y_REG),
    ("PoissonRegressionHead", dict(weight_column="w"), np.abs(Y_REG[:, :1]) * 3),
    ("LogisticRegressionHead", dict(), (Y_REG[:, :1] > 0) * 0.8),
])
def test_baseline_estimator_public_heads(tmp_path, kind, kw, y):
    def fn(lib, d):
        est = baseline(lib, "BaselineEstimator")(head=v2_head(lib, kind, **kw),
                                                 model_dir=d, optimizer="SGD")
        return session(lib, est, {"x": X, "w": W}, y.astype(y.dtype))
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


def _v1_head(lib, kind):
    if _tf(lib):
        if kind == "binary":
            return tf_head_v1._binary_logistic_head_with_sigmoid_cross_entropy_loss(
                weight_column="w")
        return tf_head_v1._regression_head(label_dimension=2)
    if kind == "binary":
        return E.BinaryClassHead(weight_column="w", loss_reduction="sum")
    return E.RegressionHead(label_dimension=2, loss_reduction="sum")


def test_linear_estimator(tmp_path):
    def fn(lib, d):
        x, c, _ = lib.columns()
        cls = tf_linear.LinearEstimator if _tf(lib) else E.LinearEstimator
        est = cls(_v1_head(lib, "binary"), [x, c], model_dir=d, optimizer="Adagrad")
        return session(lib, est, {"x": X, "c": C, "w": W}, Y_BIN)
    got, want = run_both(fn, tmp_path)
    assert "linear/linear_model/c/weights" in got["names"]
    compare(got, want)


@needs_tf_keras
def test_dnn_estimator(tmp_path):
    from test_tf_parity_estimator_canned import _dnn_values

    def fn(lib, d):
        x, _, e = lib.columns()
        cls = tf_dnn.DNNEstimator if _tf(lib) else E.DNNEstimator
        est = cls(_v1_head(lib, "regression"), [4, 3], [x, e], model_dir=d,
                  warm_start_from=lib.write_checkpoint(_dnn_values(2)))
        return session(lib, est, {"x": X, "c": C}, Y_REG)
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


@needs_tf_keras
def test_dnn_linear_combined_estimator_public_head(tmp_path):
    def fn(lib, d):
        x, c, _ = lib.columns()
        cls = tf_combined.DNNLinearCombinedEstimator if _tf(lib) else \
            E.DNNLinearCombinedEstimator
        est = cls(v2_head(lib, "MultiClassHead", n_classes=3), model_dir=d,
                  linear_feature_columns=[x, c], linear_optimizer="SGD")
        return session(lib, est, {"x": X, "c": C}, Y3)
    got, want = run_both(fn, tmp_path)
    compare(got, want)


def test_add_metrics(tmp_path):
    def fn(lib, d):
        est = baseline(lib, "BaselineRegressor")(model_dir=d)
        m = lib.m

        def metric_fn(labels, predictions, features):
            return {"mae": m.metrics.mean_absolute_error(labels, predictions["predictions"]),
                    "x_mean": m.metrics.mean(features["x"]),
                    "average_loss": m.metrics.mean(labels)}
        est = (extenders.add_metrics if _tf(lib) else E.add_metrics)(est, metric_fn)
        return session(lib, est, {"x": X}, Y_REG[:, :1])
    got, want = run_both(fn, tmp_path)
    compare(got, want)


def test_bad_arguments_raise_like_tf():
    for lib in LIBS:
        with pytest.raises(ValueError, match="Invalid loss_reduction: weighted_sum. See"):
            v2_head(lib, "BinaryClassHead", loss_reduction="weighted_sum")
        with pytest.raises(ValueError, match='"label_vocabulary" does not have "n_classes"'):
            v2_head(lib, "MultiClassHead", n_classes=3, label_vocabulary=["a"])
        with pytest.raises(ValueError, match=r"n_classes must be > 2: 2\."):
            v2_head(lib, "MultiClassHead", n_classes=2)
        with pytest.raises(ValueError, match="not expected args"):
            (extenders.add_metrics if _tf(lib) else E.add_metrics)(
                baseline(lib, "BaselineRegressor")(), lambda labels, mode: {})
        with pytest.raises(ValueError, match="Only one of `run_every_secs`"):
            (tf_es if _tf(lib) else E.experimental).stop_if_lower_hook(
                baseline(lib, "BaselineRegressor")(), "loss", 1., run_every_steps=2)


def test_early_stopping_reads_the_same_eval_metrics(tmp_path):
    """TF's read_eval_metrics on graphc's eval dir, and both hooks stop at one step."""
    steps = []
    for lib in LIBS:
        est = baseline(lib, "BaselineRegressor")(model_dir=str(tmp_path / lib.name))
        inp = lib.inp({"x": X}, Y_REG[:, :1], batch_size=2, num_epochs=None, shuffle=False)
        hook = (tf_es if _tf(lib) else E.experimental).stop_if_lower_hook(
            est, "loss", 1e9, run_every_secs=None, run_every_steps=1)
        est.train(inp, steps=2, hooks=[hook])      # nothing evaluated yet: no stop
        est.evaluate(lib.inp({"x": X}, Y_REG[:, :1], shuffle=False))
        est.train(inp, steps=10, hooks=[hook])
        steps.append(int(est.get_variable_value("global_step")))
        if not _tf(lib):
            got = tf_es.read_eval_metrics(est.eval_dir())
            want = gc.estimator.early_stopping.read_eval_metrics(est.eval_dir())
            assert list(got) == list(want) == [2] and got[2] == pytest.approx(want[2])
    assert steps[0] == steps[1] == 3
