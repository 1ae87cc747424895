"""The last tf.contrib.metrics (metrics_last.py) against brute force written here."""
import numpy as np
import pytest

import graphc as gc
from graphc.contrib import metrics as cm

RNG = np.random.default_rng(3)
P = [RNG.uniform(size=6).round(1), RNG.uniform(size=5).round(1)]   # rounding makes ties
Y = [np.array([0, 1, 1, 0, 1, 0]), np.array([1, 0, 0, 1, 1])]
W = [RNG.uniform(0.5, 2, size=6), RNG.uniform(0.5, 2, size=5)]


def _stream(build, feeds):
    """Builds a metric on placeholders, runs the updates per batch, returns the value."""
    with gc.Graph().as_default():
        p = gc.placeholder(gc.float64, (None,))
        y = gc.placeholder(gc.int64, (None,))
        w = gc.placeholder(gc.float64, (None,))
        value, update = build(p, y, w)
        with gc.Session() as s:
            s.run(gc.local_variables_initializer())
            for pv, yv, wv in feeds:
                s.run(update, {p: pv, y: yv, w: wv})
            return s.run(value)


def _roc_auc(p, y, w):
    """Probability a positive outranks a negative (ties half), weighted by pairs."""
    num = den = 0.0
    for i in np.flatnonzero(y == 1):
        for j in np.flatnonzero(y == 0):
            num += w[i] * w[j] * ((p[i] > p[j]) + 0.5 * (p[i] == p[j]))
            den += w[i] * w[j]
    return num / den


def _pr_auc(p, y, w):
    """Trapezoids over (recall, precision) at every distinct threshold, from (0, 1)."""
    pts = [(0.0, 1.0)]
    for t in sorted(set(p), reverse=True):
        hit = p >= t
        tp = (w * hit * (y == 1)).sum()
        pts.append((tp / (w * (y == 1)).sum(), tp / (w * hit).sum()))
    return sum((x1 - x0) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in zip(pts, pts[1:]))


def test_streaming_concat_axes_and_max_size():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 4))
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, (2, None))
        v, up = cm.streaming_concat(x, axis=1)
        vm, upm = cm.streaming_concat(x, axis=-1, max_size=5)
        assert v.shape.as_list() == [2, None] and up.dtype == gc.int32
        with gc.Session() as s:
            s.run(gc.local_variables_initializer())
            assert s.run(v).shape == (2, 0)
            assert s.run([up, upm], {x: a}) == [3, 3]
            assert s.run([up, upm], {x: b}) == [7, 5]
            got, capped = s.run([v, vm])
    np.testing.assert_array_equal(got, np.concatenate([a, b], 1))
    np.testing.assert_array_equal(capped, np.concatenate([a, b], 1)[:, :5])


def test_streaming_concat_errors():
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="statically known size"):
            cm.streaming_concat(gc.placeholder(gc.float32, (None, None)))
        with pytest.raises(ValueError, match="not in"):
            cm.streaming_concat(gc.placeholder(gc.float32, (None,)), axis=1)


@pytest.mark.parametrize("weighted", [False, True])
def test_streaming_dynamic_auc_roc_and_pr(weighted):
    p, y, w = (np.concatenate(v) for v in (P, Y, W))
    w = w if weighted else np.ones_like(p)
    for curve, ref in (("ROC", _roc_auc), ("PR", _pr_auc)):
        got = _stream(lambda pp, yy, ww: cm.streaming_dynamic_auc(
            yy, pp, curve=curve, weights=ww if weighted else None), zip(P, Y, W))
        np.testing.assert_allclose(got, ref(p, y, w), rtol=1e-12)


def test_streaming_dynamic_auc_one_class_is_zero_and_bad_labels_fail():
    got = _stream(lambda p, y, w: cm.streaming_dynamic_auc(y, p), [([0.2, 0.9], [1, 1],
                                                                    [1.0, 1.0])])
    assert got == 0.0
    with pytest.raises(ValueError, match="ROC or PR"):
        cm.streaming_dynamic_auc([0], [0.5], curve="XY")
    with pytest.raises(Exception, match="labels must be 0 or 1"):
        _stream(lambda p, y, w: cm.streaming_dynamic_auc(y, p), [([0.2], [2], [1.0])])


def test_auc_using_histogram_matches_binned_auc():
    p, y = np.concatenate(P), np.concatenate(Y)
    nbins = 4
    with gc.Graph().as_default():
        pp = gc.placeholder(gc.float64, (None,))
        yy = gc.placeholder(gc.bool, (None,))
        auc, update = cm.auc_using_histogram(yy, pp, [0.0, 1.0], nbins=nbins)
        assert auc.dtype == gc.float32
        assert len(gc.get_collection(gc.GraphKeys.LOCAL_VARIABLES)) == 2
        with gc.Session() as s:
            s.run(gc.local_variables_initializer())
            for pv, yv in zip(P, Y):
                s.run(update, {pp: pv, yy: yv.astype(bool)})
            got = s.run(auc)
    # The binned scores' ROC AUC with ties half: exactly Bouckaert's trapezoids.
    bins = np.clip(np.floor(p * nbins), 0, nbins - 1)
    np.testing.assert_allclose(got, _roc_auc(bins, y, np.ones_like(p)), rtol=1e-6)
    with gc.Graph().as_default(), pytest.raises(ValueError, match="dtype bool"):
        cm.auc_using_histogram([1, 0], [0.1, 0.2], [0.0, 1.0])


def test_precision_recall_at_equal_thresholds():
    n = 6
    with gc.Graph().as_default():
        pp = gc.placeholder(gc.float32, (None,))
        yy = gc.placeholder(gc.bool, (None,))
        ww = gc.placeholder(gc.float32, (None,))
        data, update = cm.precision_recall_at_equal_thresholds(yy, pp, ww, num_thresholds=n)
        with gc.Session() as s:
            s.run(gc.local_variables_initializer())
            for pv, yv, wv in zip(P, Y, W):
                s.run(update, {pp: pv, yy: yv.astype(bool), ww: wv})
            got = s.run(data)
    p, y, w = (np.concatenate(v) for v in (P, Y, W))
    thr = np.linspace(0, 1, n)
    b = np.floor(p.astype(np.float32) * (n - 1))     # each prediction's bucket
    tp = np.array([(w * (y == 1) * (b >= i)).sum() for i in range(n)])
    fp = np.array([(w * (y == 0) * (b >= i)).sum() for i in range(n)])
    fn, tn = tp[0] - tp, fp[0] - fp
    want = dict(tp=tp, fp=fp, tn=tn, fn=fn, thresholds=thr,
                precision=tp / np.maximum(1e-7, tp + fp), recall=tp / np.maximum(1e-7, tp + fn))
    for k, v in want.items():
        np.testing.assert_allclose(getattr(got, k), v, rtol=1e-5, atol=1e-6, err_msg=k)
    assert got.tp.dtype == np.float32
    with gc.Graph().as_default(), pytest.raises(TypeError, match="bool"):
        cm.precision_recall_at_equal_thresholds([1], [0.5])


@pytest.mark.parametrize("target", [0.3, 0.6, 0.75, 0.99])
def test_recall_at_precision_strict_mode(target):
    p, y = np.concatenate(P), np.concatenate(Y)
    k = 20

    def build(pp, yy, ww):
        strict = cm.recall_at_precision(yy, pp, target, num_thresholds=k, strict_mode=True)
        loose = cm.recall_at_precision(yy, pp, target, num_thresholds=k)
        return [strict[0], loose[0]], [strict[1], loose[1]]
    got, loose = _stream(build, zip(P, Y, W))
    thr = [-1e-7] + [i / (k - 1) for i in range(1, k - 1)] + [1 + 1e-7]
    tp = np.array([((p > t) & (y == 1)).sum() for t in thr], float)
    fp = np.array([((p > t) & (y == 0)).sum() for t in thr], float)
    fn = (y == 1).sum() - tp
    prec = tp / (tp + fp + 1e-7)
    i = np.argmax(1.0 / (prec - target + 1e-7))
    want = tp[i] / (tp[i] + fn[i] + 1e-7) if prec[i] >= target else 0.0
    np.testing.assert_allclose(got, want, rtol=1e-5)
    j = np.argmin(np.abs(prec - target))
    np.testing.assert_allclose(loose, tp[j] / (tp[j] + fn[j] + 1e-7), rtol=1e-5)
