"""gc.contrib.metrics (TF 1.15 tf.contrib.metrics) against numpy written here."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import metrics as M

F = np.float32
RNG = np.random.default_rng(1)
P = [RNG.uniform(size=8).astype(F) for _ in range(3)]
Y = [RNG.uniform(size=8) > 0.5 for _ in range(3)]
W = [RNG.uniform(0.5, 2.0, size=8).astype(F) for _ in range(3)]


def _stream(build, batches):
    """(update value of each batch, final value) of a metric fed batch by batch."""
    with gc.Graph().as_default():
        holders = [gc.placeholder(gc.as_dtype(a.dtype), a.shape) for a in batches[0]]
        value, update = build(*holders)
        with gc.Session() as sess:
            sess.run(gc.local_variables_initializer())
            ups = [sess.run(update, dict(zip(holders, b))) for b in batches]
            return ups, sess.run(value)


def _counts(p, y, w, thresholds):
    """tp, fp, tn, fn at each threshold (prediction > threshold is positive)."""
    pos = p[None] > np.asarray(thresholds)[:, None]
    return ((pos & y) * w).sum(1), ((pos & ~y) * w).sum(1), ((~pos & ~y) * w).sum(1), \
        ((~pos & y) * w).sum(1)


def _even(n):
    return [-1e-7] + [i / (n - 1) for i in range(1, n - 1)] + [1 + 1e-7]


def test_streaming_covariance_and_pearson_match_numpy_over_batches():
    ups, val = _stream(lambda p, y, w: M.streaming_covariance(p, y, w), list(zip(P, Y, W)))
    for i, up in enumerate(ups):
        x = np.concatenate(P[:i + 1]).astype(np.float64)
        y = np.concatenate(Y[:i + 1]).astype(np.float64)
        w = np.concatenate(W[:i + 1]).astype(np.float64)
        mx, my = np.average(x, weights=w), np.average(y, weights=w)
        ref = np.sum(w * (x - mx) * (y - my)) / (w.sum() - 1)   # frequency weights
        np.testing.assert_allclose(up, ref, rtol=1e-4)
    assert val == ups[-1]
    ups, val = _stream(lambda p, y: M.streaming_pearson_correlation(p, y), list(zip(P, Y)))
    x, y = np.concatenate(P), np.concatenate(Y).astype(float)
    np.testing.assert_allclose(val, np.corrcoef(x, y)[0, 1], rtol=1e-4)


def test_covariance_is_nan_until_two_values():
    ups, _ = _stream(lambda p, y: M.streaming_covariance(p, y),
                     [(np.array([1.0], F), np.array([2.0], F)),
                      (np.array([3.0], F), np.array([5.0], F))])
    assert np.isnan(ups[0]) and ups[1] == pytest.approx(3.0)


def test_rates_and_count():
    batches = list(zip(P, Y, W))
    fpr, _ = _stream(lambda p, y, w: M.streaming_false_positive_rate(p > 0.5, y, w), batches)
    fnr, _ = _stream(lambda p, y, w: M.streaming_false_negative_rate(p > 0.5, y), batches)
    n, _ = _stream(lambda p, y, w: M.count(p, w), batches)
    fpr_t, _ = _stream(lambda p, y, w: M.streaming_false_positive_rate_at_thresholds(
        p, y, [0.3, 0.7], w), batches)
    tp_t, tp_v = _stream(lambda p, y, w: M.streaming_true_positives_at_thresholds(
        p, y, [0.3, 0.7]), batches)
    p, y, w = (np.concatenate(a) for a in (P, Y, W))
    pos = p > 0.5
    np.testing.assert_allclose(fpr[-1], (w * (pos & ~y)).sum() / (w * ~y).sum(), rtol=1e-5)
    np.testing.assert_allclose(fnr[-1], (~pos & y).sum() / y.sum(), rtol=1e-5)
    np.testing.assert_allclose(n[-1], w.sum(), rtol=1e-5)
    tp, fp, tn, fn = _counts(p, y, w, [0.3, 0.7])
    np.testing.assert_allclose(fpr_t[-1], fp / (1e-7 + fp + tn), rtol=1e-5)
    np.testing.assert_allclose(tp_v, _counts(p, y, np.ones_like(w), [0.3, 0.7])[0])


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_curve_points(curve):
    _, points = _stream(lambda y, p: M.streaming_curve_points(y, p, num_thresholds=5,
                                                              curve=curve), list(zip(Y, P)))
    p, y = np.concatenate(P), np.concatenate(Y)
    tp, fp, tn, fn = _counts(p, y, np.ones_like(p), _even(5))
    e = 1e-6
    rec = (tp + e) / (tp + fn + e)
    ref = (np.stack([fp / (fp + tn + e), rec], 1) if curve == "ROC"
           else np.stack([rec, (tp + e) / (tp + fp + e)], 1))
    np.testing.assert_allclose(points, ref, rtol=1e-5, atol=1e-7)


def test_f1_precision_at_recall_recall_at_precision():
    batches = list(zip(Y, P))
    f1, _ = _stream(lambda y, p: M.f1_score(y, p, num_thresholds=11), batches)
    par, _ = _stream(lambda y, p: M.precision_at_recall(y, p, 0.6, num_thresholds=11),
                     batches)
    rap, _ = _stream(lambda y, p: M.recall_at_precision(y, p, 0.55, num_thresholds=11),
                     batches)
    p, y = np.concatenate(P), np.concatenate(Y)
    tp, fp, tn, fn = _counts(p, y, np.ones_like(p), _even(11))
    e = 1e-7
    prec, rec = tp / (e + tp + fp), tp / (e + tp + fn)
    np.testing.assert_allclose(f1[-1], np.max(2 * prec * rec / (prec + rec + e)), rtol=1e-5)
    i = np.sum(tp / (tp + fn + e) >= 0.6) - 1
    np.testing.assert_allclose(par[-1], (tp[i] + e) / (tp[i] + fp[i] + e), rtol=1e-5)
    j = np.argmin(np.abs(tp / (tp + fp + e) - 0.55))
    np.testing.assert_allclose(rap[-1], tp[j] / (tp[j] + fn[j] + e), rtol=1e-5)


def test_cohen_kappa_matches_numpy():
    labels = [RNG.integers(0, 3, size=10).astype(np.int32) for _ in range(2)]
    preds = [np.where(RNG.uniform(size=10) < 0.6, a, RNG.integers(0, 3, size=10))
             .astype(np.int32) for a in labels]
    ups, val = _stream(lambda y, p: M.cohen_kappa(y, p, 3), list(zip(labels, preds)))
    y, p = np.concatenate(labels), np.concatenate(preds)
    cm = np.zeros((3, 3))
    np.add.at(cm, (y, p), 1)
    n = cm.sum()
    pe = (cm.sum(0) * cm.sum(1)).sum() / n
    np.testing.assert_allclose(val, (np.trace(cm) - pe) / (n - pe), rtol=1e-10)
    assert val.dtype == np.float64


def test_accuracy_is_not_streaming():
    with gc.Graph().as_default():
        a = M.accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4]))
        b = M.accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4]),
                       weights=np.array([1.0, 1.0, 2.0, 0.0], F))
        assert not gc.local_variables()
        with gc.Session() as s:
            assert s.run([a, b]) == [pytest.approx(0.75), pytest.approx(0.5)]
        with pytest.raises(ValueError, match="Labels should have"):     # TF: ValueError
            M.accuracy(np.array([1.0]), np.array([1.0]))
        with pytest.raises(ValueError, match="should match"):
            M.accuracy(np.array([1], np.int32), np.array([1], np.int64))


def test_wrappers_take_predictions_first_and_fill_collections():
    with gc.Graph().as_default():
        p = gc.constant([0.2, 0.8, 0.6])
        y = gc.constant([False, True, False])
        acc, up = M.streaming_accuracy(p > 0.5, y, metrics_collections=["m"],
                                       updates_collections=["u"])
        mse, up2 = M.streaming_mean_squared_error(p, gc.constant([0.0, 1.0, 1.0]))
        r, up3 = M.streaming_recall_at_k(gc.constant([[0.1, 0.9], [0.8, 0.2]]), [1, 1], 1)
        assert gc.get_collection("m") == [acc] and gc.get_collection("u") == [up]
        assert r.name.startswith("recall_at_1/")
        vals, ups = M.aggregate_metrics((acc, up), (mse, up2))
        names_v, names_u = M.aggregate_metric_map({"acc": (acc, up), "r": (r, up3)})
        assert vals == [acc, mse] and names_u["r"] is up3
        with gc.Session() as s:
            s.run(gc.local_variables_initializer())
            s.run(ups + [up3])
            np.testing.assert_allclose(s.run([acc, mse, r]), [2 / 3, (0.04 + 0.04 + 0.16) / 3,
                                                              0.5], rtol=1e-6)
        with pytest.raises(ValueError, match="at least one"):
            M.aggregate_metrics()


def test_set_ops_and_confusion_matrix_are_exported():
    with gc.Graph().as_default():
        a, b = np.array([[1, 2, 3]]), np.array([[2, 3, 4]])
        inter = M.set_intersection(a, b)
        size = M.set_size(M.set_union(a, b))
        cm = M.confusion_matrix([0, 1, 1], [0, 1, 0], num_classes=2)
        with gc.Session() as s:
            got = s.run([inter, size, cm])
    assert list(got[0].values) == [2, 3] and got[1].tolist() == [4]
    assert got[2].tolist() == [[1, 0], [1, 1]]


def test_errors():
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="ROC or PR"):
            M.streaming_curve_points(Y[0], P[0], curve="XX")
        with pytest.raises(ValueError, match="target_recall"):
            M.precision_at_recall(Y[0], P[0], 1.5)
        with pytest.raises(ValueError, match="precision"):
            M.recall_at_precision(Y[0], P[0], -0.1)
        with pytest.raises(ValueError, match="compatible shapes"):
            M.streaming_covariance(P[0], P[0][:4])
        with pytest.raises(ValueError, match="last dimension"):
            M.streaming_sparse_average_precision_at_top_k(
                gc.placeholder(gc.int32, (2, None)), [[1], [2]])
