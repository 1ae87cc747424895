"""Parity of gc.contrib.metrics with TF 1.15's tf.contrib.metrics where contrib was a thin
wrapper over tf.metrics (predictions first): the reference calls TF 2.21's
tf.compat.v1.metrics the way contrib did, and the contrib-only metrics that are
compositions of tf.metrics (streaming_recall_at_k, the false positive rate) are composed
the same way. Two update runs and the final value, and the local variables' names."""
import numpy as np
import pytest

from tf_parity import tf, v1

import graphc as gc
from graphc.contrib import metrics as M

RNG = np.random.default_rng(3)
P = [RNG.uniform(size=(6, 1)).astype(np.float32) for _ in range(2)]
Y = [(RNG.uniform(size=(6, 1)) > 0.4) for _ in range(2)]
W = [RNG.uniform(size=(6, 1)).astype(np.float32) for _ in range(2)]
LOGITS = [RNG.normal(size=(6, 5)).astype(np.float32) for _ in range(2)]
IDS = [RNG.integers(0, 5, size=(6,)).astype(np.int64) for _ in range(2)]


def _run(m, build, batches):
    """(updates of each batch, final value, local variable names) of one metric."""
    with m.Graph().as_default():
        holders = [m.placeholder(m.as_dtype(a.dtype), a.shape) for a in batches[0]]
        value, update = build(m, *holders)
        with m.Session() as sess:
            sess.run(m.local_variables_initializer())
            ups = [sess.run(update, dict(zip(holders, b))) for b in batches]
            names = sorted(v.name for v in m.local_variables())
            return ups, sess.run(value), names


CASES = {
    "accuracy": (lambda m, p, y, w: M.streaming_accuracy(p > 0.5, y, w) if m is gc
                 else v1.metrics.accuracy(y, p > 0.5, w)),
    "precision": (lambda m, p, y, w: M.streaming_precision(p > 0.5, y, w) if m is gc
                  else v1.metrics.precision(y, p > 0.5, w)),
    "recall": (lambda m, p, y, w: M.streaming_recall(p > 0.5, y) if m is gc
               else v1.metrics.recall(y, p > 0.5)),
    "tp": (lambda m, p, y, w: M.streaming_true_positives(p > 0.5, y, w) if m is gc
           else v1.metrics.true_positives(y, p > 0.5, w)),
    "tn": (lambda m, p, y, w: M.streaming_true_negatives(p > 0.5, y) if m is gc
           else v1.metrics.true_negatives(y, p > 0.5)),
    "mean": (lambda m, p, y, w: M.streaming_mean(p, w) if m is gc else v1.metrics.mean(p, w)),
    "mean_tensor": (lambda m, p, y, w: M.streaming_mean_tensor(p, w) if m is gc
                    else v1.metrics.mean_tensor(p, w)),
    "mae": (lambda m, p, y, w: M.streaming_mean_absolute_error(p, w, name="mae") if m is gc
            else v1.metrics.mean_absolute_error(w, p, name="mae")),
    "rmse": (lambda m, p, y, w: M.streaming_root_mean_squared_error(p, w) if m is gc
             else v1.metrics.root_mean_squared_error(w, p)),
    "relative": (lambda m, p, y, w: M.streaming_mean_relative_error(p, w, w + 1.0) if m is gc
                 else v1.metrics.mean_relative_error(w, p, w + 1.0)),
    "cosine": (lambda m, p, y, w: M.streaming_mean_cosine_distance(p, w, 1) if m is gc
               else v1.metrics.mean_cosine_distance(w, p, 1)),
    "less": (lambda m, p, y, w: M.streaming_percentage_less(p, 0.5, w) if m is gc
             else v1.metrics.percentage_below(p, 0.5, w)),
    "auc": (lambda m, p, y, w: M.streaming_auc(p, y, w, num_thresholds=20) if m is gc
            else v1.metrics.auc(y, p, w, num_thresholds=20)),
    "auc_pr": (lambda m, p, y, w: M.streaming_auc(p, y, curve="PR") if m is gc
               else v1.metrics.auc(y, p, curve="PR")),
    "spec": (lambda m, p, y, w: M.streaming_specificity_at_sensitivity(p, y, 0.7) if m is gc
             else v1.metrics.specificity_at_sensitivity(y, p, 0.7)),
    "sens": (lambda m, p, y, w: M.streaming_sensitivity_at_specificity(p, y, 0.6) if m is gc
             else v1.metrics.sensitivity_at_specificity(y, p, 0.6)),
    "prec_t": (lambda m, p, y, w: M.streaming_precision_at_thresholds(p, y, [.2, .6], w)
               if m is gc else v1.metrics.precision_at_thresholds(y, p, [.2, .6], w)),
    "rec_t": (lambda m, p, y, w: M.streaming_recall_at_thresholds(p, y, [.2, .6]) if m is gc
              else v1.metrics.recall_at_thresholds(y, p, [.2, .6])),
    "miou": (lambda m, p, y, w: M.streaming_mean_iou(
        m.cast(p > 0.5, m.int32), m.cast(y, m.int32), 2) if m is gc
        else v1.metrics.mean_iou(tf.cast(y, tf.int32), tf.cast(p > 0.5, tf.int32), 2)),
    "fpr": (lambda m, p, y, w: M.streaming_false_positive_rate(p > 0.5, y, w) if m is gc
            else _tf_fpr(p > 0.5, y, w)),
}


def _tf_fpr(p, y, w):
    """contrib 1.15's streaming_false_positive_rate, composed on tf.compat.v1.metrics."""
    with v1.variable_scope(None, "false_positive_rate"):
        p, y = tf.cast(tf.squeeze(p, -1), tf.bool), tf.cast(tf.squeeze(y, -1), tf.bool)
        w = tf.squeeze(w, -1)
        fp, fp_up = v1.metrics.false_positives(y, p, w)
        tn, tn_up = v1.metrics.true_negatives(y, p, w)

        def rate(a, b, name):
            return tf.where(a + b > 0, tf.math.divide_no_nan(a, a + b), 0.0, name=name)
        return rate(fp, tn, "value"), rate(fp_up, tn_up, "update_op")


@pytest.mark.parametrize("case", sorted(CASES))
def test_wrappers_match_tf_metrics(case):
    batches = list(zip(P, Y, W))
    got = _run(gc, CASES[case], batches)
    want = _run(v1, CASES[case], batches)
    for g, w in zip(got[0] + [got[1]], want[0] + [want[1]]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert got[2] == want[2]


def test_recall_at_k_and_sparse_at_k_match_tf():
    def build_recall(m, logits, ids):
        if m is gc:
            return M.streaming_recall_at_k(logits, m.cast(ids, m.int32), 2)
        hits = tf.cast(tf.math.in_top_k(ids, logits, 2), tf.float32)  # contrib's composition
        return v1.metrics.mean(hits, name="recall_at_2")

    def build_sparse(m, logits, ids):
        if m is gc:
            return M.streaming_sparse_recall_at_k(logits, m.expand_dims(ids, -1), 3)
        return v1.metrics.recall_at_k(tf.expand_dims(ids, -1), logits, 3)

    def build_ap(m, logits, ids):
        if m is gc:
            return M.streaming_sparse_average_precision_at_k(logits, m.expand_dims(ids, -1), 3)
        return v1.metrics.average_precision_at_k(tf.expand_dims(ids, -1), logits, 3)

    batches = list(zip(LOGITS, IDS))
    for build in (build_recall, build_sparse, build_ap):
        got, want = _run(gc, build, batches), _run(v1, build, batches)
        for g, w in zip(got[0] + [got[1]], want[0] + [want[1]]):
            np.testing.assert_allclose(g, w, rtol=1e-6)
        assert got[2] == want[2]


def test_average_precision_at_top_k_matches_tf_after_top_k():
    def build(m, logits, ids):
        if m is gc:
            _, top = m.nn.top_k(logits, 3)
            return M.streaming_sparse_average_precision_at_top_k(top, m.expand_dims(ids, -1))
        return v1.metrics.average_precision_at_k(tf.expand_dims(ids, -1), logits, 3)

    batches = list(zip(LOGITS, IDS))
    got, want = _run(gc, build, batches), _run(v1, build, batches)
    for g, w in zip(got[0] + [got[1]], want[0] + [want[1]]):
        np.testing.assert_allclose(g, w, rtol=1e-6)
