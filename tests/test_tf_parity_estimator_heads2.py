"""gc.estimator.MultiLabelHead and MultiHead against tensorflow-estimator 2.15's: the
same data give the same per-step losses, eval metrics (keys and values), predictions
and variables, through BaselineEstimator, LinearEstimator and DNNEstimator. Run with
    PYTHONPATH=/tmp/tfest:/tmp/tfkeras python -m pytest tests/test_tf_parity_estimator_heads2.py

TF 2.15's public heads train only with a Keras optimizer or a train_op_fn; for
LinearEstimator and DNNEstimator (which pass a TF1 optimizer) TF's head is wrapped to
turn that optimizer into a train_op_fn, which is what graphc's heads do.
"""
import numpy as np
import pytest

from test_tf_parity_estimator_canned import (C, LIBS, W, X, compare,  # noqa: E402
                                             needs_tf_keras, run_both, session)
from test_tf_parity_estimator import recorder  # noqa: E402
from tf_parity import v1  # noqa: E402

import graphc as gc  # noqa: E402

from tensorflow_estimator.python.estimator.canned import (  # noqa: E402
    baseline as tf_baseline, dnn as tf_dnn, linear as tf_linear)
from tensorflow_estimator.python.estimator.head import (  # noqa: E402
    multi_class_head, multi_head, multi_label_head, regression_head)

E = gc.estimator
Y_ML = np.array([[1, 0, 1], [0, 0, 0], [1, 1, 1], [0, 1, 0], [1, 0, 0],
                 [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1], [0, 0, 0]], np.int64)
Y_REG2 = np.stack([X.sum(1), X[:, 0] - X[:, 2]], 1).astype(np.float32)
Y3 = (np.arange(10) % 3).reshape(-1, 1)


def _tf_head(kind):
    return {"MultiLabelHead": multi_label_head.MultiLabelHead,
            "MultiClassHead": multi_class_head.MultiClassHead,
            "RegressionHead": regression_head.RegressionHead,
            "MultiHead": multi_head.MultiHead}[kind]


def _with_tf1_optimizer(cls):
    """TF's head class, taking a TF1 optimizer as graphc's heads do."""
    class Head(cls):
        def create_estimator_spec(self, features, mode, logits, labels=None,
                                  optimizer=None, trainable_variables=None,
                                  train_op_fn=None, update_ops=None,
                                  regularization_losses=None):
            if optimizer is not None:
                def train_op_fn(loss):
                    return optimizer.minimize(loss,
                                              global_step=v1.train.get_global_step())
            return super().create_estimator_spec(
                features, mode, logits, labels, train_op_fn=train_op_fn,
                update_ops=update_ops, regularization_losses=regularization_losses)
    return Head


def head(lib, kind, tf1_optimizer=False, **kw):
    if not lib.is_tf:
        return getattr(E, kind)(**kw)
    cls = _tf_head(kind)
    return (_with_tf1_optimizer(cls) if tf1_optimizer else cls)(**kw)


def baseline(lib, h, d):
    cls = tf_baseline.BaselineEstimator if lib.is_tf else E.BaselineEstimator
    return cls(head=h, model_dir=d, optimizer="SGD")


@pytest.mark.parametrize("kw", [
    dict(n_classes=3),
    dict(n_classes=3, weight_column="w", thresholds=[0.3, 0.6],
         classes_for_class_based_metrics=[0, 2], loss_reduction="sum"),
    dict(n_classes=3, label_vocabulary=["a", "b", "c"], thresholds=[0.5],
         classes_for_class_based_metrics=["c", "a"], name="tags"),
])
def test_multi_label_head_baseline(tmp_path, kw):
    def fn(lib, d):
        return session(lib, baseline(lib, head(lib, "MultiLabelHead", **kw), d),
                       {"x": X, "w": W}, Y_ML)
    got, want = run_both(fn, tmp_path)
    assert "auc" in " ".join(got["eval"])
    compare(got, want, rtol=1e-4, atol=1e-5)


def _sparse_session(lib, est, values):
    """Train and evaluate on SparseTensor labels (class ids or strings)."""
    m = lib.m
    indices = [[0, 0], [0, 1], [2, 0], [3, 0], [3, 1], [3, 2]]

    def input_fn():
        labels = m.SparseTensor(indices, m.constant(values), [5, 3])
        return {"x": m.constant(X[:5]), "w": m.constant(W[:5])}, labels
    rec = recorder(m)
    est.train(input_fn, steps=3, hooks=[rec])
    return {"losses": rec.values, "eval": est.evaluate(input_fn, steps=2)}


@pytest.mark.parametrize("vocabulary", [None, ["a", "b", "c"]])
def test_multi_label_head_sparse_labels(tmp_path, vocabulary):
    values = [2, 0, 1, 0, 1, 2] if vocabulary is None else list("cabacb")

    def fn(lib, d):
        h = head(lib, "MultiLabelHead", n_classes=3, weight_column="w",
                 label_vocabulary=vocabulary, thresholds=[0.5])
        return _sparse_session(lib, baseline(lib, h, d), values)
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


def _three_heads(lib, tf1_optimizer=False, head_weights=None):
    heads = [head(lib, "MultiLabelHead", n_classes=3, name="tags", thresholds=[0.5]),
             head(lib, "RegressionHead", label_dimension=2, name="score"),
             head(lib, "MultiClassHead", n_classes=3, name="kind")]
    return head(lib, "MultiHead", tf1_optimizer, heads=heads, head_weights=head_weights)


LABELS = {"tags": Y_ML, "score": Y_REG2, "kind": Y3}


@pytest.mark.parametrize("head_weights", [None, [1., .5, 2.]])
def test_multi_head_baseline(tmp_path, head_weights):
    def fn(lib, d):
        est = baseline(lib, _three_heads(lib, head_weights=head_weights), d)
        return session(lib, est, {"x": X}, LABELS)
    got, want = run_both(fn, tmp_path)
    assert "loss/tags" in got["eval"] and "accuracy/kind" in got["eval"]
    assert ("score", "predictions") in got["preds"]
    compare(got, want, rtol=1e-4, atol=1e-5)


def test_multi_label_head_linear_estimator(tmp_path):
    def fn(lib, d):
        x, c, _ = lib.columns()
        cls = tf_linear.LinearEstimator if lib.is_tf else E.LinearEstimator
        h = head(lib, "MultiLabelHead", True, n_classes=3, weight_column="w",
                 thresholds=[0.4, 0.55], classes_for_class_based_metrics=[1, 2])
        est = cls(h, [x, c], model_dir=d, optimizer="Adagrad")
        return session(lib, est, {"x": X, "c": C, "w": W}, Y_ML)
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


@needs_tf_keras
def test_multi_head_dnn_estimator(tmp_path):
    from test_tf_parity_estimator_canned import _dnn_values
    values = _dnn_values(8)          # logits: 3 + 2 + 3

    def fn(lib, d):
        x, _, e = lib.columns()
        cls = tf_dnn.DNNEstimator if lib.is_tf else E.DNNEstimator
        est = cls(_three_heads(lib, True, [2., 1., .5]), [4, 3], [x, e], model_dir=d,
                  warm_start_from=lib.write_checkpoint(values))
        return session(lib, est, {"x": X, "c": C}, LABELS)
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


def test_bad_arguments_raise_like_tf():
    for lib in LIBS:
        for kw, match in [
                (dict(n_classes=1), "n_classes must be > 1 for multi-label"),
                (dict(n_classes=2, thresholds=[1.]), r"thresholds must be in \(0, 1\)"),
                (dict(n_classes=2, label_vocabulary="ab"), "label_vocabulary must be a"),
                (dict(n_classes=2, label_vocabulary=["a"]), "Length of label_vocabulary"),
                (dict(n_classes=2, classes_for_class_based_metrics=[2]),
                 r"must be in range \[0, 1\]. Given: 2"),
                (dict(n_classes=2, classes_for_class_based_metrics=["a"]),
                 "label_vocabulary must be provided"),
                (dict(n_classes=2, loss_reduction="none"), "Invalid loss_reduction")]:
            with pytest.raises(ValueError, match=match):
                head(lib, "MultiLabelHead", **kw)
        a = head(lib, "MultiLabelHead", n_classes=2, name="a")
        with pytest.raises(ValueError, match="All given heads must have name"):
            head(lib, "MultiHead", heads=[a, head(lib, "MultiLabelHead", n_classes=2)])
        with pytest.raises(ValueError, match="heads and head_weights must have the same"):
            head(lib, "MultiHead", heads=[a], head_weights=[1., 2.])
        with pytest.raises(ValueError, match="Must specify heads"):
            head(lib, "MultiHead", heads=[])
        b = head(lib, "MultiLabelHead", n_classes=3, name="b", loss_reduction="sum")
        with pytest.raises(ValueError, match="loss_reduction must be the same"):
            head(lib, "MultiHead", heads=[a, b]).loss_reduction
        with lib.m.Graph().as_default():
            mh = head(lib, "MultiHead", heads=[a, b])
            with pytest.raises(ValueError, match="Could not split logits"):
                mh.predictions(np.zeros((2, 4), np.float32))
            with pytest.raises(ValueError, match="labels has missing values"):
                mh.loss({"a": np.zeros((2, 2))}, np.zeros((2, 5), np.float32))
