"""gc.estimator's canned estimators against TF1's (the tensorflow-estimator package):
the same columns, data and initial values give the same per-step losses, eval
metrics, predictions, variable names and trained values.

Linear models start from zeros in both libraries; DNN models warm-start from a
checkpoint each library writes with the same values. The DNN tests need TF1 layers,
which TF 2.x only has with the tf_keras package (TF_USE_LEGACY_KERAS=1), e.g.
    pip install --no-deps --target /tmp/tfest tensorflow-estimator==2.15.0
    pip install --no-deps --target /tmp/tfkeras tf-keras==2.21.0
    PYTHONPATH=/tmp/tfest:/tmp/tfkeras python -m pytest tests/test_tf_parity_estimator_canned.py
"""
import importlib.util
import os
import re
import tempfile

import numpy as np
import pytest

from tf_parity import v1

HAS_TF_KERAS = importlib.util.find_spec("tf_keras") is not None
if HAS_TF_KERAS:            # tf.compat.v1.layers, which TF1's DNN uses, needs tf_keras;
    os.environ["TF_USE_LEGACY_KERAS"] = "1"    # set before tf.keras is first touched

from test_tf_parity_estimator import recorder  # noqa: E402  (loads tf.estimator)

import graphc as gc  # noqa: E402

from tensorflow.python.feature_column import feature_column as tf_fc   # noqa: E402
from tensorflow_estimator.python.estimator.canned import (  # noqa: E402
    dnn as tf_dnn, dnn_linear_combined as tf_combined, linear as tf_linear)
from tensorflow_estimator.python.estimator.inputs import numpy_io  # noqa: E402

from tensorflow_estimator.python.estimator.estimator import (  # noqa: E402
    WarmStartSettings as TFWarmStartSettings)

needs_tf_keras = pytest.mark.skipif(not HAS_TF_KERAS, reason="TF1 layers need tf_keras")

X = np.arange(30, dtype=np.float32).reshape(10, 3) / 10 - 1
C = np.array([["a"], ["b"], ["c"], ["a"], ["b"], ["c"], ["a"], ["b"], ["c"], ["a"]])
W = np.array([1, 2, 1, 0.5, 1, 3, 1, 1, 2, 1], np.float32).reshape(-1, 1)
Y_BIN = (X.sum(1) > -1.5).astype(np.int64).reshape(-1, 1)
Y_MULTI = np.array(["lo", "hi", "mid", "lo", "hi", "mid", "mid", "hi", "lo", "lo"])
Y_REG = np.stack([X @ [1., -2., .5], X @ [.3, .3, -1.]], 1).astype(np.float32)


class Lib:
    """One library's pieces: graphc or TF1."""

    def __init__(self, name):
        self.name, self.is_tf = name, name == "tf"
        self.m = v1 if self.is_tf else gc
        E = gc.estimator
        self.inp = numpy_io.numpy_input_fn if self.is_tf else E.inputs.numpy_input_fn
        self.LinearClassifier = tf_linear.LinearClassifier if self.is_tf else \
            E.LinearClassifier
        self.LinearRegressor = tf_linear.LinearRegressor if self.is_tf else E.LinearRegressor
        self.DNNClassifier = tf_dnn.DNNClassifier if self.is_tf else E.DNNClassifier
        self.DNNRegressor = tf_dnn.DNNRegressor if self.is_tf else E.DNNRegressor
        self.Combined = tf_combined.DNNLinearCombinedRegressor if self.is_tf else \
            E.DNNLinearCombinedRegressor

    def columns(self):
        if self.is_tf:
            num, voc, emb = (tf_fc._numeric_column, tf_fc._categorical_column_with_vocabulary_list,
                             tf_fc._embedding_column)
        else:
            f = gc.feature_column
            num, voc, emb = (f.numeric_column, f.categorical_column_with_vocabulary_list,
                             f.embedding_column)
        x = num("x", shape=(3,))
        c = voc("c", ["a", "b"])
        return x, c, emb(c, 2)

    def write_checkpoint(self, values):
        """A checkpoint holding values {name: array}, for warm_start_from."""
        m = self.m
        path = os.path.join(tempfile.mkdtemp(), "init.ckpt")
        with m.Graph().as_default():
            vs = [m.get_variable(k, initializer=m.constant(v)) for k, v in values.items()]
            with m.Session() as sess:
                sess.run(m.variables_initializer(vs))
                m.train.Saver(vs).save(sess, path)
        return path


LIBS = [Lib("gc"), Lib("tf")]


def session(lib, est, features, labels, eval_batch=4):
    """Losses of 2 training epochs (batches of 4), evaluation, predictions."""
    rec = recorder(lib.m)
    est.train(lib.inp(features, labels, batch_size=4, num_epochs=2, shuffle=False),
              hooks=[rec])
    out = {"losses": rec.values,
           "eval": est.evaluate(lib.inp(features, labels, batch_size=eval_batch,
                                        shuffle=False))}
    preds = list(est.predict(lib.inp(features, batch_size=3, shuffle=False)))
    out["preds"] = {k: np.stack([p[k] for p in preds]) for k in preds[0]}
    # optimizer state is named differently: TF1 adds 'part_0/' or 't_0/' to the slots
    # of its (one-part) partitioned variables
    names = [n for n in est.get_variable_names() if not re.search(
        r"(Ftrl|Ftrl_1|Adagrad|RMSProp|RMSProp_1|Adam|Adam_1|beta[12]_power)$", n)]
    out["names"] = sorted(names)
    out["values"] = {n: est.get_variable_value(n) for n in names}
    return out


def compare(a, b, rtol=2e-5, atol=2e-6, path=""):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), (path, sorted(a), sorted(b))
        for k in a:
            compare(a[k], b[k], rtol, atol, f"{path}/{k}")
        return
    if isinstance(a, list) and a and isinstance(a[0], str):
        assert a == b, path
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (path, a.shape, b.shape, a.dtype,
                                                       b.dtype)
    if a.dtype == object:
        assert (a == b).all(), path
    else:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=path)


def run_both(fn, tmp_path):
    return [fn(lib, str(tmp_path / lib.name)) for lib in LIBS]


@pytest.mark.parametrize("optimizer", ["Ftrl", "SGD", "Adagrad"])
def test_linear_binary_classifier(tmp_path, optimizer):
    def fn(lib, d):
        x, c, _ = lib.columns()
        est = lib.LinearClassifier([x, c], model_dir=d, optimizer=optimizer)
        return session(lib, est, {"x": X, "c": C}, Y_BIN)
    got, want = run_both(fn, tmp_path)
    assert len(got["losses"]) == 5 and "linear/linear_model/c/weights" in got["names"]
    compare(got, want)


def test_linear_multi_class_vocabulary_weights(tmp_path):
    def fn(lib, d):
        x, c, _ = lib.columns()
        est = lib.LinearClassifier([x, c], model_dir=d, n_classes=3, weight_column="w",
                                   label_vocabulary=["lo", "mid", "hi"],
                                   sparse_combiner="mean")
        return session(lib, est, {"x": X, "c": C, "w": W}, Y_MULTI.reshape(-1, 1))
    got, want = run_both(fn, tmp_path)
    assert got["preds"]["classes"].dtype == object
    compare(got, want)


def test_linear_regressor_label_dimension(tmp_path):
    def fn(lib, d):
        x, c, _ = lib.columns()
        est = lib.LinearRegressor([x, c], model_dir=d, label_dimension=2,
                                  optimizer=lambda: lib.m.train.AdamOptimizer(0.1),
                                  weight_column="w",
                                  loss_reduction=lib.m.losses.Reduction.MEAN)
        return session(lib, est, {"x": X, "c": C, "w": W}, Y_REG, eval_batch=3)
    got, want = run_both(fn, tmp_path)
    compare(got, want)


def _dnn_values(units, seed=0):
    rng = np.random.RandomState(seed)
    r = lambda *s: rng.uniform(-1, 1, s).astype(np.float32)   # noqa: E731
    return {"dnn/input_from_feature_columns/input_layer/c_embedding/embedding_weights":
            r(2, 2), "dnn/hiddenlayer_0/kernel": r(5, 4), "dnn/hiddenlayer_0/bias": r(4),
            "dnn/hiddenlayer_1/kernel": r(4, 3), "dnn/hiddenlayer_1/bias": r(3),
            "dnn/logits/kernel": r(3, units), "dnn/logits/bias": r(units)}


@needs_tf_keras
@pytest.mark.parametrize("n_classes", [2, 3])
def test_dnn_classifier_warm_started(tmp_path, n_classes):
    y = Y_BIN if n_classes == 2 else (np.arange(10) % 3).reshape(-1, 1)

    def fn(lib, d):
        x, _, e = lib.columns()
        start = lib.write_checkpoint(_dnn_values(1 if n_classes == 2 else 3))
        est = lib.DNNClassifier([4, 3], [x, e], model_dir=d, n_classes=n_classes,
                                warm_start_from=start)
        return session(lib, est, {"x": X, "c": C}, y)
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


@needs_tf_keras
def test_dnn_regressor_and_combined_warm_started(tmp_path):
    def fn(lib, d):
        x, _, e = lib.columns()
        start = lib.write_checkpoint(_dnn_values(2, seed=1))
        a = lib.DNNRegressor([4, 3], [x, e], model_dir=d + "a", label_dimension=2,
                             activation_fn=lib.m.nn.tanh, optimizer="RMSProp",
                             warm_start_from=start)
        settings = (TFWarmStartSettings if lib.is_tf else gc.estimator.WarmStartSettings)(
            start, vars_to_warm_start="dnn.*")
        b = lib.Combined(model_dir=d + "b", linear_feature_columns=[x],
                         dnn_feature_columns=[x, e], dnn_hidden_units=[4, 3],
                         dnn_optimizer="SGD", label_dimension=2, warm_start_from=settings)
        return {"dnn": session(lib, a, {"x": X, "c": C}, Y_REG),
                "combined": session(lib, b, {"x": X, "c": C}, Y_REG)}
    got, want = run_both(fn, tmp_path)
    compare(got, want, rtol=1e-4, atol=1e-5)


def test_label_out_of_range_fails_like_tf(tmp_path):
    messages = []
    for lib in LIBS:
        x, _, _ = lib.columns()
        est = lib.LinearClassifier([x], model_dir=str(tmp_path / lib.name), n_classes=3)
        with pytest.raises(Exception) as e:
            est.train(lib.inp({"x": X}, Y_BIN * 3, batch_size=4, shuffle=False), steps=1)
        assert isinstance(e.value, lib.m.errors.InvalidArgumentError)
        messages.append("Labels must <= n_classes - 1" in str(e.value))
    assert messages == [True, True]


def test_bad_arguments_raise_like_tf():
    for lib in LIBS:
        x, _, _ = lib.columns()
        with pytest.raises(ValueError, match=r"n_classes must be > 2: 1\."):
            lib.LinearClassifier([x], n_classes=1)
        with pytest.raises(ValueError, match="Invalid loss_reduction: none"):
            lib.DNNRegressor([2], [x], loss_reduction="none")
        with pytest.raises(TypeError, match="label_vocabulary should be a list or tuple"):
            lib.LinearClassifier([x], label_vocabulary="ab")
