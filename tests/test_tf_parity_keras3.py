"""gc.keras Bidirectional/TimeDistributed, RNN dropout, regularizers, constraints,
metric objects and optimizer options against tf_keras (legacy Keras 2) in graph mode."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf

from keras_parity import run_both as _run_both, tfk

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 5, 4)).astype(np.float32)
IDS = np.array([[1, 2, 0, 0, 0], [3, 0, 4, 0, 5], [0, 0, 6, 7, 1]], np.int32)


def _close(a, b, rtol=1e-5, atol=1e-6):
    for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


@pytest.mark.parametrize("mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("rnn", ["lstm", "gru"])
def test_bidirectional(mode, rnn):
    def build(k):
        inp = k.Input((5,), dtype="int32")
        e = k.layers.Embedding(8, 4, mask_zero=True)(inp)
        layer = (k.layers.LSTM(3, recurrent_activation="hard_sigmoid",
                               return_sequences=True, return_state=True)
                 if rnn == "lstm" else
                 k.layers.GRU(3, recurrent_activation="hard_sigmoid", reset_after=False,
                              return_sequences=True, return_state=True))
        return k.Model(inp, k.layers.Bidirectional(layer, merge_mode=mode)(e))
    a, b = _run_both(build, lambda m: m.predict(IDS))
    _close(a, b)


def test_bidirectional_training_and_names():
    def build(k):
        m = k.Sequential([k.layers.Bidirectional(k.layers.SimpleRNN(3),
                                                 input_shape=(5, 4)),
                          k.layers.Dense(1)])
        m.compile(k.optimizers.SGD(0.1) if k is gc.keras
                  else tfk.optimizers.legacy.SGD(0.1), "mse")
        return m

    def run(m):
        for _ in range(3):
            m.train_on_batch(X, np.ones((3, 1), np.float32))
        return m.get_weights() + [m.predict(X)]
    a, b = _run_both(build, run)
    _close(a, b, rtol=1e-4, atol=1e-5)


def test_time_distributed():
    def build(k):
        inp = k.Input((5, 4))
        h = k.layers.TimeDistributed(k.layers.Dense(3, activation="tanh"))(inp)
        return k.Model(inp, k.layers.TimeDistributed(k.layers.Dense(2))(h))
    a, b = _run_both(build, lambda m: m.predict(X))
    _close(a, b)


def test_rnn_dropout_test_phase_and_shared_mask():
    def build(k):
        inp = k.Input((5, 4))
        return k.Model(inp, k.layers.LSTM(3, dropout=0.4, recurrent_dropout=0.3,
                                          recurrent_activation="hard_sigmoid")(inp))
    a, b = _run_both(build, lambda m: m.predict(X))
    _close(a, b)
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            inp = lib.Input((6, 3))
            out = lib.layers.SimpleRNN(3, activation=None, dropout=0.5, use_bias=False,
                                       kernel_initializer="identity",
                                       recurrent_initializer="zeros", unroll=True,
                                       return_sequences=True)(inp, training=True)
            if lib is gc.keras:
                got = gc.keras.backend.get_session().run(out, {inp: np.ones((4, 6, 3))})
            else:
                with tf.compat.v1.Session() as s:
                    s.run(tf.compat.v1.global_variables_initializer())
                    got = s.run(out, {inp: np.ones((4, 6, 3))})
            np.testing.assert_allclose(got, np.repeat(got[:, :1], 6, 1))
            assert set(np.unique(got)) <= {0.0, 2.0}


def test_regularizer_and_constraint_values_and_configs():
    w = RNG.standard_normal((4, 3)).astype(np.float32)
    regs = [("l1", {"l1": 0.3}), ("l2", {"l2": 0.2}), ("l1_l2", {"l1": 0.1, "l2": 0.4})]
    cons = [("MaxNorm", {"max_value": 1.5, "axis": 0}), ("NonNeg", {}),
            ("UnitNorm", {"axis": 1}),
            ("MinMaxNorm", {"min_value": 1.0, "max_value": 1.2, "rate": 0.7, "axis": 0})]
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        tf_vals = [sess.run(getattr(tfk.regularizers, n)(**kw)(tf.constant(w)))
                   for n, kw in regs]
        tf_vals += [sess.run(getattr(tfk.constraints, n)(**kw)(tf.constant(w)))
                    for n, kw in cons]
        tf_cfg = [tfk.regularizers.get(n).get_config() for n in ("l1", "l2", "l1_l2")]
        tf_cfg += [tfk.constraints.get(n).get_config() for n in ("max_norm", "unit_norm")]
        tf_dense = tfk.layers.Dense(2, kernel_regularizer="l2",
                                    kernel_constraint="max_norm").get_config()
    with gc.Graph().as_default():
        sess = gc.Session()
        gc_vals = [sess.run(getattr(gc.keras.regularizers, n)(**kw)(gc.constant(w)))
                   for n, kw in regs]
        gc_vals += [sess.run(getattr(gc.keras.constraints, n)(**kw)(gc.constant(w)))
                    for n, kw in cons]
        gc_cfg = [gc.keras.regularizers.get(n).get_config() for n in ("l1", "l2", "l1_l2")]
        gc_cfg += [gc.keras.constraints.get(n).get_config()
                   for n in ("max_norm", "unit_norm")]
        gc_dense = gc.keras.layers.Dense(2, kernel_regularizer="l2",
                                         kernel_constraint="max_norm").get_config()
    _close(gc_vals, tf_vals)
    assert gc_cfg == tf_cfg
    for key in ("kernel_regularizer", "kernel_constraint"):
        assert gc_dense[key]["class_name"] == tf_dense[key]["class_name"]
        assert gc_dense[key]["config"] == tf_dense[key]["config"]
    assert sorted(gc_dense) == sorted(tf_dense)


def test_regularized_constrained_training():
    xs = RNG.standard_normal((16, 4)).astype(np.float32)
    ys = RNG.standard_normal((16, 2)).astype(np.float32) * 3

    def build(k):
        m = k.Sequential([k.layers.Dense(2, input_shape=(4,), kernel_regularizer="l1_l2",
                                         bias_regularizer=k.regularizers.l2(0.1),
                                         kernel_constraint="max_norm",
                                         bias_constraint="non_neg")])
        m.compile(k.optimizers.SGD(0.1) if k is gc.keras
                  else tfk.optimizers.legacy.SGD(0.1), "mse")
        return m

    def run(m):
        out = [m.train_on_batch(xs, ys) for _ in range(3)]
        return [np.float32(out)] + m.get_weights()
    a, b = _run_both(build, run)
    _close(a, b, rtol=1e-4, atol=1e-5)


METRICS = ["Mean", "Sum", "Accuracy", "BinaryAccuracy", "MeanSquaredError",
           "RootMeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy",
           "Precision", "Recall", "TruePositives", "FalseNegatives", "AUC", "AUC-PR",
           "AUC-minoring", "Precision-thr", "Recall-topk", "Hinge", "SquaredHinge"]


@pytest.mark.parametrize("name", METRICS)
def test_metric_objects(name):
    yt = (RNG.random((2, 6, 3)) > 0.5).astype(np.float32)
    yp = RNG.random((2, 6, 3)).astype(np.float32)
    sw = RNG.random((2, 6)).astype(np.float32)
    args = {"AUC-PR": ("AUC", {"curve": "PR", "num_thresholds": 50}),
            "AUC-minoring": ("AUC", {"summation_method": "minoring"}),
            "Precision-thr": ("Precision", {"thresholds": [0.2, 0.5, 0.8]}),
            "Recall-topk": ("Recall", {"top_k": 2, "class_id": 1})}
    cls, kw = args.get(name, (name, {}))
    results = []
    for lib in (gc.keras, tfk):
        g = gc.Graph() if lib is gc.keras else tf.Graph()
        with g.as_default():
            m = getattr(lib.metrics, cls)(**kw)
            t, p, w = (gc.placeholder if lib is gc.keras else
                       tf.compat.v1.placeholder)(np.float32 if lib is tfk else gc.float32,
                                                 None), None, None
            p = (gc.placeholder(gc.float32, (None, 6, 3)) if lib is gc.keras
                 else tf.compat.v1.placeholder(tf.float32, (None, 6, 3)))
            t = (gc.placeholder(gc.float32, (None, 6, 3)) if lib is gc.keras
                 else tf.compat.v1.placeholder(tf.float32, (None, 6, 3)))
            w = (gc.placeholder(gc.float32, (None, 6)) if lib is gc.keras
                 else tf.compat.v1.placeholder(tf.float32, (None, 6)))
            upd = m.update_state(p, sample_weight=w) if cls in ("Mean", "Sum") \
                else m.update_state(t, p, sample_weight=w)
            sess = gc.keras.backend.get_session() if lib is gc.keras \
                else tf.compat.v1.Session()
            if lib is tfk:
                sess.run(tf.compat.v1.variables_initializer(m.variables))
            for i in range(2):
                sess.run(upd, {t: yt[i:i + 1], p: yp[i:i + 1], w: sw[i:i + 1]})
            results.append((m.name, sess.run(m.result())))
    assert results[0][0] == results[1][0]
    _close(results[0][1], results[1][1], rtol=1e-5, atol=1e-6)


def test_metric_objects_in_fit():
    xs = RNG.standard_normal((40, 4)).astype(np.float32)
    ys = (xs[:, 0] > 0).astype(np.float32)

    def build(k):
        m = k.Sequential([k.layers.Dense(1, activation="sigmoid", input_shape=(4,))])
        m.compile(k.optimizers.SGD(0.1) if k is gc.keras
                  else tfk.optimizers.legacy.SGD(0.1), "binary_crossentropy",
                  metrics=[k.metrics.AUC(), k.metrics.Precision(), k.metrics.Recall()])
        return m

    def run(m):
        h = m.fit(xs, ys, batch_size=8, epochs=2, shuffle=False, verbose=0)
        return [np.asarray(h.history[n]) for n in ("auc", "precision", "recall")] + \
            [np.asarray(m.evaluate(xs, ys, verbose=0)[1:])]
    a, b = _run_both(build, run)
    _close(a, b, rtol=1e-4, atol=1e-5)


OPTS = [("sgd_decay", lambda k: k.SGD(0.1, momentum=0.5, decay=0.3)),
        ("adam_amsgrad", lambda k: k.Adam(0.05, amsgrad=True)),
        ("adam_decay", lambda k: k.Adam(0.05, decay=0.2)),
        ("rmsprop_centered", lambda k: k.RMSprop(0.01, centered=True)),
        ("rmsprop_centered_mom", lambda k: k.RMSprop(0.01, momentum=0.5, centered=True)),
        ("adagrad_decay", lambda k: k.Adagrad(0.1, decay=0.5))]


@pytest.mark.parametrize("name,make", OPTS, ids=[o[0] for o in OPTS])
def test_optimizer_options(name, make):
    xs = RNG.standard_normal((16, 4)).astype(np.float32)
    ys = xs @ np.arange(4, dtype=np.float32)[:, None]

    def build(k):
        m = k.Sequential([k.layers.Dense(1, input_shape=(4,))])
        m.compile(make(k.optimizers if k is gc.keras else tfk.optimizers.legacy), "mse")
        return m

    def run(m):
        return [np.float32([m.train_on_batch(xs, ys) for _ in range(4)])] + m.get_weights()
    a, b = _run_both(build, run)
    _close(a, b, rtol=1e-4, atol=1e-5)
