"""gc.metrics (TF1's tf.metrics): each streaming metric fed batch by batch against numpy on
all the batches at once; weights, names, collections, the reset, errors; auc against a
numpy transcription of TF1's thresholded counts and sums."""
import numpy as np
import pytest

import graphc as gc
from helpers import raises

M = gc.metrics
N, BATCHES = 12, 3


def batches(seed=0, n=N, count=BATCHES):
    """`count` dicts of numpy inputs: probabilities p (some exactly 0, 1 and on TF1's
    thresholds), 0/1 labels y, weights w (some 0), real r and t, class ids c and cp."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        p = rng.random(n).astype(np.float32)
        p[:4] = [0.0, 1.0, 0.5, np.float32(2 / 4)]
        y = (rng.random(n) < 0.2 + 0.6 * p).astype(np.int32)
        w = (rng.random(n) * (rng.random(n) < 0.8)).astype(np.float32)
        c = rng.integers(0, 4, n).astype(np.int32)
        cp = np.where(rng.random(n) < 0.6, c, rng.integers(0, 4, n)).astype(np.int32)
        out.append(dict(p=p, y=y, w=w, r=rng.standard_normal(n).astype(np.float32),
                        t=rng.standard_normal(n).astype(np.float32), c=c, cp=cp))
    return out


def placeholders(n=None):
    """Placeholders for the keys of batches(), with batch dim n (None: unknown)."""
    floats, ints = "p w r t".split(), "y c cp".split()
    ph = {k: gc.placeholder(gc.float32, [n], name=k) for k in floats}
    ph.update({k: gc.placeholder(gc.int32, [n], name=k) for k in ints})
    return ph


def stream(metrics, ph, data):
    """Runs each metric's update op on each batch; returns ([update results per batch],
    final values): {name: ...} like `metrics`, {name: (value, update_op)}."""
    updates = {k: m[1] for k, m in metrics.items()}
    values = {k: m[0] for k, m in metrics.items()}
    seen = []
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        for b in data:
            seen.append(s.run(updates, {ph[k]: v for k, v in b.items()}))
        return seen, s.run(values)


def cat(data, key):
    return np.concatenate([b[key] for b in data])


def check_streams(metrics, ph, data, reference, rtol=2e-6, atol=1e-6):
    """Each update result equals reference(batches so far) and the final value equals
    reference(all batches): reference(data) -> {name: expected}."""
    seen, final = stream(metrics, ph, data)
    for i, got in enumerate(seen):
        want = reference(data[:i + 1])
        for k in metrics:
            np.testing.assert_allclose(got[k], want[k], rtol=rtol, atol=atol, err_msg=k)
    want = reference(data)
    for k in metrics:
        np.testing.assert_allclose(final[k], want[k], rtol=rtol, atol=atol, err_msg=k)


def wmean(x, w=None):
    w = np.ones_like(x) if w is None else np.broadcast_to(w, x.shape)
    return np.sum(x * w, dtype=np.float64) / np.sum(w, dtype=np.float64) if w.sum() else 0.0


# ---- means ---------------------------------------------------------------------------------
def test_mean_streams_the_weighted_mean_over_batches():
    ph = placeholders()
    r, w = ph["r"], ph["w"]
    metrics = {"plain": M.mean(r), "w": M.mean(r, weights=w),
               "w_col": M.mean(r, weights=gc.expand_dims(w, -1)),     # squeezed (TF1)
               "scalar": M.mean(r, weights=2.0),
               "tensor": M.mean_tensor(gc.reshape(r, [3, 4]), weights=gc.reshape(w, [3, 4])),
               "below": M.percentage_below(r, 0.25, weights=w)}

    def ref(d):
        rv, wv = cat(d, "r"), cat(d, "w")
        rows, wrows = rv.reshape(-1, 3, 4), wv.reshape(-1, 3, 4)
        tensor = np.divide((rows * wrows).sum(0), wrows.sum(0),
                           out=np.zeros((3, 4)), where=wrows.sum(0) != 0)
        return {"plain": rv.mean(), "w": wmean(rv, wv), "w_col": wmean(rv, wv),
                "scalar": rv.mean(), "tensor": tensor, "below": wmean(rv < 0.25, wv)}
    check_streams(metrics, ph, batches(n=N), ref)


def test_mean_is_0_before_any_update_and_when_all_weights_are_0():
    value, update = M.mean(gc.constant([1.0, 2.0]), weights=[0.0, 0.0])
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run(value) == 0.0
        assert s.run(update) == 0.0 and s.run(value) == 0.0


def test_accuracy_casts_predictions_to_the_labels_dtype():
    ph = placeholders()
    labels_col = gc.expand_dims(ph["c"], -1)                # (n, 1) labels are squeezed
    metrics = {"acc": M.accuracy(ph["c"], ph["cp"]),
               "acc_w": M.accuracy(labels_col, ph["cp"], weights=ph["w"]),
               "acc_p": M.accuracy(ph["c"], gc.expand_dims(ph["cp"], -1)),   # and predictions
               # float predictions become int labels' dtype: 0.7 -> 0 (TF1)
               "acc_cast": M.accuracy(ph["y"], ph["p"] + 0.25)}

    def ref(d):
        c, cp, w = cat(d, "c"), cat(d, "cp"), cat(d, "w")
        y, p = cat(d, "y"), cat(d, "p")
        return {"acc": np.mean(c == cp), "acc_w": wmean(c == cp, w), "acc_p": np.mean(c == cp),
                "acc_cast": np.mean(y == (p + np.float32(0.25)).astype(np.int32))}
    check_streams(metrics, ph, batches(), ref)


def test_regression_errors():
    ph = placeholders()
    t, r, w = ph["t"], ph["r"], ph["w"]
    u = gc.stack([r, t, r * t], axis=1)
    v = gc.stack([t, r, w], axis=1)
    u, v = gc.nn.l2_normalize(u, 1), gc.nn.l2_normalize(v, 1)
    metrics = {"mse": M.mean_squared_error(t, r, weights=w),
               "mae": M.mean_absolute_error(t, r),
               "rmse": M.root_mean_squared_error(t, r, weights=w),
               "mre": M.mean_relative_error(t, r, normalizer=gc.abs(t) + 0.5, weights=w),
               "mre0": M.mean_relative_error(t, r, normalizer=gc.zeros_like(t)),
               "cos": M.mean_cosine_distance(u, v, dim=1, weights=gc.expand_dims(w, 1)),
               # (n,) weights on the (n, 1) cosines: a trailing dim added (TF1)
               "cos_w": M.mean_cosine_distance(u, v, dim=1, weights=w)}

    def ref(d):
        tv, rv, wv = (cat(d, k).astype(np.float64) for k in "trw")
        uv, vv = np.stack([rv, tv, rv * tv], 1), np.stack([tv, rv, wv], 1)
        uv /= np.linalg.norm(uv, axis=1, keepdims=True)
        vv /= np.linalg.norm(vv, axis=1, keepdims=True)
        cos = 1 - wmean(np.sum(uv * vv, 1), wv)
        return {"mse": wmean((tv - rv) ** 2, wv), "mae": np.mean(np.abs(tv - rv)),
                "rmse": np.sqrt(wmean((tv - rv) ** 2, wv)),
                "mre": wmean(np.abs(tv - rv) / (np.abs(tv) + 0.5), wv), "mre0": 0.0,
                "cos": cos, "cos_w": cos}
    check_streams(metrics, ph, batches(), ref, rtol=1e-5, atol=1e-5)


# ---- counts, precision, recall -----------------------------------------------------------
def test_counts_precision_and_recall_take_bool_castable_values():
    ph = placeholders()
    y, p, w = ph["y"], ph["p"], ph["w"]
    hard = p > 0.5
    metrics = {"tp": M.true_positives(y, hard, weights=w), "fp": M.false_positives(y, hard),
               "tn": M.true_negatives(y, hard, weights=w), "fn": M.false_negatives(y, hard),
               "prec": M.precision(y, hard, weights=w), "rec": M.recall(y, hard),
               # floats cast to bool: nonzero is True
               "prec_f": M.precision(y, p), "rec_f": M.recall(gc.cast(y, gc.float32), hard)}

    def ref(d):
        yv, pv, wv = cat(d, "y").astype(bool), cat(d, "p"), cat(d, "w").astype(np.float64)
        h = pv > 0.5
        tp, fp, fn = (np.sum(a * wv) for a in (yv & h, ~yv & h, yv & ~h))
        ntp, nfp, nfn = (np.sum(a) for a in (yv & h, ~yv & h, yv & ~h))
        ftp, ffp = np.sum(yv & (pv != 0)), np.sum(~yv & (pv != 0))
        return {"tp": tp, "fp": nfp, "tn": np.sum((~yv & ~h) * wv), "fn": nfn,
                "prec": tp / (tp + fp), "rec": ntp / (ntp + nfn), "prec_f": ftp / (ftp + ffp),
                "rec_f": ntp / (ntp + nfn)}
    check_streams(metrics, ph, batches(), ref)


def test_precision_and_recall_are_0_without_positives():
    prec = M.precision([1, 0, 1], [False, False, False])
    rec = M.recall([0, 0, 0], [True, False, True])
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run([prec[1], rec[1]]) == [0.0, 0.0]
        assert s.run([prec[0], rec[0]]) == [0.0, 0.0]


def test_update_ops_update_every_variable_and_accumulate():
    prec, update = M.precision([1, 0, 1, 1], [True, True, False, True])
    tp, fp = gc.get_collection(gc.GraphKeys.METRIC_VARIABLES)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run(update) == pytest.approx(2 / 3)
        assert s.run([tp, fp]) == [2.0, 1.0]              # one run updated both
        assert s.run(update) == pytest.approx(2 / 3)
        assert s.run([tp, fp]) == [4.0, 2.0]              # and a second run adds again
        assert s.run(prec) == pytest.approx(2 / 3) and s.run([tp, fp]) == [4.0, 2.0]
    # a PR auc reads no true negatives, and still counts them
    _, pr_update = M.auc([1, 0, 0], [0.9, 0.2, 0.6], curve="PR", num_thresholds=3)
    tn = gc.get_collection(gc.GraphKeys.METRIC_VARIABLES, "auc/true_negatives")[0]
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        s.run(pr_update)
        assert s.run(tn).tolist() == [0.0, 1.0, 2.0]        # thresholds -1e-7, 0.5, 1 + 1e-7


# ---- per class -------------------------------------------------------------------------------
def per_class(d, weighted):
    c, cp = cat(d, "c"), cat(d, "cp")
    w = cat(d, "w").astype(np.float64) if weighted else np.ones(len(c))
    cm = np.zeros((5, 5))
    np.add.at(cm, (c, cp), w)
    return cm


def iou_of(cm):
    den = cm.sum(0) + cm.sum(1) - np.diag(cm)
    return np.mean(np.diag(cm)[den > 0] / den[den > 0])


def test_mean_per_class_accuracy_and_mean_iou():
    ph = placeholders()
    c, cp, w = ph["c"], ph["cp"], ph["w"]
    metrics = {"acc": M.mean_per_class_accuracy(c, cp, 5, weights=w),   # class 4 never seen
               "iou": M.mean_iou(gc.expand_dims(c, 1), gc.expand_dims(cp, 1), 5,
                                 weights=gc.expand_dims(w, 1)),
               "iou_nw": M.mean_iou(c, cp, num_classes=4)}
    data = batches()
    seen, final = stream(metrics, ph, data)
    for i, got in enumerate(seen + [None]):
        cm = per_class(data[:i + 1], weighted=True)
        totals = cm.sum(1)
        per_acc = np.divide(np.diag(cm), totals, out=np.zeros(5), where=totals > 0)
        iou_nw = iou_of(per_class(data[:i + 1], weighted=False))
        if got is None:         # the values after the last batch
            np.testing.assert_allclose([final["acc"], final["iou"], final["iou_nw"]],
                                       [per_acc.mean(), iou_of(cm), iou_nw], rtol=1e-6)
        else:                   # TF1's update ops: per-class accuracies, the matrix
            np.testing.assert_allclose(got["acc"], per_acc, rtol=1e-6)
            np.testing.assert_allclose(got["iou"], cm, rtol=1e-6)
            np.testing.assert_allclose(got["iou_nw"], per_class(data[:i + 1], False)[:4, :4])
    assert metrics["iou"][1].shape == (5, 5) and metrics["iou"][1].dtype is gc.float64


def test_mean_iou_is_0_with_no_class_seen():
    iou, _ = M.mean_iou([0, 1], [1, 0], 3)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run(iou) == 0.0


# ---- auc and the thresholded metrics -------------------------------------------------------
def tf1_thresholds(num_thresholds):
    """TF1's auc thresholds, in Python floats (float32 once in the graph)."""
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - 1e-7] + inner + [1.0 + 1e-7]


def tf1_counts(labels, predictions, thresholds, weights=None):
    """TF1's _confusion_matrix_at_thresholds as it computes it: a (thresholds,
    predictions) float32 comparison, prediction > threshold."""
    p = predictions.astype(np.float32).ravel()
    t = np.asarray(thresholds, np.float32)
    pos = labels.astype(bool).ravel()
    w = np.ones(p.shape) if weights is None else np.asarray(weights, np.float64).ravel()
    above = p[None, :] > t[:, None]
    return {"tp": (above & pos) @ w, "fp": (above & ~pos) @ w, "fn": (~above & pos) @ w,
            "tn": (~above & ~pos) @ w}


def tf1_auc(c, curve="ROC", summation_method="trapezoidal"):
    """TF1's compute_auc (and interpolate_pr_auc) on counts at thresholds."""
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    if curve == "PR" and summation_method == "careful_interpolation":
        dtp, p = tp[:-1] - tp[1:], tp + fp
        dp = np.maximum(p[:-1] - p[1:], 0)
        slope = np.divide(dtp, dp, out=np.zeros_like(dtp), where=dp != 0)
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, p[:-1] / np.where(both, p[1:], 1), 1)
        num, den = slope * (dtp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0)
        return np.sum(np.divide(num, den, out=np.zeros_like(num), where=den != 0))
    eps = 1e-6
    rec = (tp + eps) / (tp + fn + eps)
    x, y = (fp / (fp + tn + eps), rec) if curve == "ROC" else (rec, (tp + eps) / (tp + fp + eps))
    height = {"minoring": np.minimum(y[:-1], y[1:]), "majoring": np.maximum(y[:-1], y[1:])
              }.get(summation_method, (y[:-1] + y[1:]) / 2)
    return np.sum((x[:-1] - x[1:]) * height)


AUC_CASES = {"roc": {}, "roc_w": {"weighted": 1.0}, "pr": {"curve": "PR"},
             "pr_careful": {"curve": "PR", "summation_method": "careful_interpolation",
                            "weighted": 1.0},
             "roc_careful": {"summation_method": "careful_interpolation"},
             "minoring": {"summation_method": "minoring", "num_thresholds": 5},
             "majoring": {"summation_method": "majoring", "num_thresholds": 5},
             "few": {"num_thresholds": 5}, "given": {"thresholds": [0.7, 0.2, 0.5, 0.3]},
             # weights this small make TF1's epsilon (1e-6) count
             "tiny_w": {"weighted": 1e-5}, "pr_tiny_w": {"curve": "PR", "weighted": 1e-5}}


def test_auc_is_tf1s_thresholded_sum():
    ph = placeholders()
    metrics = {}
    for key, case in AUC_CASES.items():
        kw = {k: v for k, v in case.items() if k != "weighted"}
        w = ph["w"] * case["weighted"] if case.get("weighted") else None
        metrics[key] = M.auc(ph["y"], ph["p"], weights=w, **kw)

    def ref(d):
        out = {}
        for key, case in AUC_CASES.items():
            if "thresholds" in case:
                points = [-1e-7] + sorted(case["thresholds"]) + [1 + 1e-7]
            else:
                points = tf1_thresholds(case.get("num_thresholds", 200))
            w = cat(d, "w") * np.float32(case["weighted"]) if case.get("weighted") else None
            counts = tf1_counts(cat(d, "y"), cat(d, "p"), points, w)
            out[key] = tf1_auc(counts, case.get("curve", "ROC"),
                               case.get("summation_method", "trapezoidal"))
        return out
    check_streams(metrics, ph, batches(), ref, rtol=1e-5, atol=1e-6)


def exact_roc_auc(y, p):
    """P(score of a positive > score of a negative), ties counted half."""
    pos, neg = p[y == 1], p[y == 0]
    return np.mean((pos[:, None] > neg[None]) + 0.5 * (pos[:, None] == neg[None]))


def test_auc_approaches_the_exact_roc_auc():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 2000)
    p = np.clip(0.5 + (y - 0.5) * 0.4 + 0.3 * rng.standard_normal(2000), 0, 1)
    value, update = M.auc(y, p.astype(np.float32), num_thresholds=1000)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        s.run(update)
        assert s.run(value) == pytest.approx(exact_roc_auc(y, p), abs=2e-3)
    # four separated scores: every threshold step is exact, so is the area (TF1: 0.75)
    value, update = M.auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run(update) == pytest.approx(0.75, abs=1e-5)


def test_rates_and_counts_at_thresholds_keep_the_thresholds_order():
    ph = placeholders()
    y, p, w = ph["y"], ph["p"], ph["w"]
    thresholds = [0.7, 0.1, 0.5, 0.0, 1.0, 0.3]     # unsorted; 0.5, 0 and 1 hit values
    metrics = {"prec": M.precision_at_thresholds(y, p, thresholds, weights=w),
               "rec": M.recall_at_thresholds(y, p, thresholds),
               "tp": M.true_positives_at_thresholds(y, p, thresholds),
               "fp": M.false_positives_at_thresholds(y, p, thresholds, weights=w),
               "tn": M.true_negatives_at_thresholds(y, p, thresholds),
               "fn": M.false_negatives_at_thresholds(y, p, thresholds, weights=2.0)}

    def ref(d):
        yv, pv, wv = cat(d, "y"), cat(d, "p"), cat(d, "w")
        cw, c = tf1_counts(yv, pv, thresholds, wv), tf1_counts(yv, pv, thresholds)
        return {"prec": cw["tp"] / (1e-7 + cw["tp"] + cw["fp"]),
                "rec": c["tp"] / (1e-7 + c["tp"] + c["fn"]), "tp": c["tp"], "fp": cw["fp"],
                "tn": c["tn"], "fn": 2 * c["fn"]}
    check_streams(metrics, ph, batches(), ref)


def test_sensitivity_at_specificity_and_back():
    ph = placeholders()
    y, p, w = ph["y"], ph["p"], ph["w"]
    metrics = {"sens": M.sensitivity_at_specificity(y, p, 0.7, weights=w, num_thresholds=50),
               "spec": M.specificity_at_sensitivity(y, p, 0.6, num_thresholds=50)}

    def ref(d):
        yv, pv, wv = cat(d, "y"), cat(d, "p"), cat(d, "w")
        cw = tf1_counts(yv, pv, tf1_thresholds(50), wv)
        k = np.argmin(np.abs(cw["tn"] / (cw["tn"] + cw["fp"] + 1e-7) - 0.7))
        top = tf1_thresholds(50)[:-1] + [1.0 - 1e-7]          # TF1's, for this one
        c = tf1_counts(yv, pv, top)
        gap = np.abs(c["tp"] / (c["tp"] + c["fn"] + 1e-7) - 0.6)
        j = np.flatnonzero(gap == gap.min())[-1]                # the last closest
        return {"sens": cw["tp"][k] / (cw["tp"][k] + cw["fn"][k] + 1e-7),
                "spec": c["tn"][j] / (c["tn"][j] + c["fp"][j] + 1e-7)}
    check_streams(metrics, ph, batches(), ref, rtol=1e-5)
    # ties: the first closest threshold for one, the last for the other (TF1)
    y, p = [1, 1, 0, 0, 0], [0.9, 0.8, 0.3, 0.5, 0.6]
    _, sens = M.sensitivity_at_specificity(y, p, 1.0, num_thresholds=50)
    _, spec = M.specificity_at_sensitivity(y, p, 1.0, num_thresholds=50)
    # its top threshold is 1 - 1e-7 (TF1's): a negative scored 1.0 is a false positive
    _, spec_top = M.specificity_at_sensitivity([1, 0, 0], [0.5, 1.0, 0.2], 0.0)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        assert s.run([sens, spec, spec_top]) == pytest.approx([1.0, 1.0, 0.5])


# ---- variables, names, collections, reset ----------------------------------------------------
def test_metric_variables_are_local_named_by_scope_and_not_trainable():
    x = gc.placeholder(gc.float32, [None])
    M.mean(x)
    M.mean(x)
    M.accuracy(x, x, name="my_acc")
    M.precision(x, x)
    M.auc(x, x)
    M.mean_iou(x, x, 2)
    names = [v.name for v in gc.get_collection(gc.GraphKeys.METRIC_VARIABLES)]
    assert names == ["mean/total:0", "mean/count:0", "mean_1/total:0", "mean_1/count:0",
                     "my_acc/total:0", "my_acc/count:0", "precision/true_positives/count:0",
                     "precision/false_positives/count:0", "auc/true_positives:0",
                     "auc/false_negatives:0", "auc/true_negatives:0", "auc/false_positives:0",
                     "mean_iou/total_confusion_matrix:0"]
    assert gc.local_variables() == gc.get_collection(gc.GraphKeys.METRIC_VARIABLES)
    assert gc.global_variables() == [] and gc.trainable_variables() == []
    assert gc.GraphKeys.METRIC_VARIABLES == "metric_variables"


def test_local_variables_initializer_resets_every_metric():
    ph = placeholders()
    metrics = {"mean": M.mean(ph["r"]), "auc": M.auc(ph["y"], ph["p"]),
               "iou": M.mean_iou(ph["c"], ph["cp"], 4)}
    first, second = batches(seed=1, count=2)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        s.run({k: m[1] for k, m in metrics.items()}, {ph[k]: v for k, v in first.items()})
        s.run(gc.local_variables_initializer())
        assert all(v == 0 for v in s.run({k: m[0] for k, m in metrics.items()}).values())
        s.run({k: m[1] for k, m in metrics.items()}, {ph[k]: v for k, v in second.items()})
        got = s.run({k: m[0] for k, m in metrics.items()})
    assert got["mean"] == pytest.approx(second["r"].mean(), rel=1e-6)
    counts = tf1_counts(second["y"], second["p"], tf1_thresholds(200))
    assert got["auc"] == pytest.approx(tf1_auc(counts), rel=1e-5)


def test_metrics_and_updates_collections():
    x = gc.constant([1.0, 2.0])
    value, update = M.mean(x, metrics_collections=["m"], updates_collections="u")
    p, p_update = M.precision([1, 0], [1, 1], metrics_collections=["m", "all"],
                              updates_collections=["u"])
    rmse, rmse_update = M.root_mean_squared_error(x, x, metrics_collections="m")
    a, a_update = M.auc([1, 0], [0.3, 0.6], updates_collections=["u"])
    tp, tp_update = M.true_positives_at_thresholds([1, 0], [0.3, 0.6], [0.5],
                                                   metrics_collections="m")
    assert gc.get_collection("m") == [value, p, rmse, tp]
    assert gc.get_collection("all") == [p]
    assert gc.get_collection("u") == [update, p_update, a_update]
    M.mean(x, metrics_collections=None, updates_collections=[])
    assert len(gc.get_collection("m")) == 4 and len(gc.get_collection("u")) == 3


def test_metrics_run_on_an_unknown_batch_size_and_check_weights_when_run():
    x, w = gc.placeholder(gc.float32, [None, None]), gc.placeholder(gc.float32, [None, None])
    value, update = M.mean(x, weights=w)
    auc, auc_update = M.auc(gc.cast(x > 0.5, gc.int32), x, weights=w)
    xv = np.array([[0.2, 0.9], [0.6, 0.1]], np.float32)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        got = s.run([update, auc_update], {x: xv, w: [[1.0], [3.0]]})
        assert got[0] == pytest.approx((1.1 + 3 * 0.7) / 8)
        counts = tf1_counts(xv > 0.5, xv, tf1_thresholds(200), [1, 1, 3, 3])
        assert got[1] == pytest.approx(tf1_auc(counts), rel=1e-5)
        with pytest.raises(gc.errors.ExecutionError, match="weights can not be broadcast"):
            s.run(update, {x: xv, w: [[1.0, 2.0, 3.0]]})


# ---- errors --------------------------------------------------------------------------------
def test_mismatched_shapes_raise_at_the_users_line():
    a3, b2 = gc.constant([1, 0, 1], name="a3"), gc.constant([1, 0], name="b2")
    p3 = gc.constant([0.1, 0.5, 0.9], name="p3")
    raises(gc.errors.ShapeError, lambda: M.accuracy(a3, b2), "accuracy: labels and "
           "predictions must have compatible shapes, not (3,) and (2,)", "'a3'", "'b2'")
    raises(gc.errors.ShapeError, lambda: M.auc(b2, p3), "auc:", "'b2'", "'p3'")
    raises(gc.errors.ShapeError, lambda: M.precision(b2, a3), "precision:", "(2,) and (3,)")
    raises(gc.errors.ShapeError, lambda: M.mean_iou(a3, b2, 2), "mean_iou:", "'a3'")
    raises(gc.errors.ShapeError, lambda: M.mean_squared_error(p3, gc.ones([3, 2])),
           "mean_squared_error: labels and predictions", "(3,) and (3, 2)")


def test_weights_that_do_not_broadcast_raise_at_the_users_line():
    p3 = gc.constant([0.1, 0.5, 0.9], name="p3")
    w2 = gc.constant([1.0, 2.0], name="w2")
    raises(gc.errors.ShapeError, lambda: M.mean(p3, weights=w2), "mean: weights of shape "
           "(2,) cannot be broadcast to values of shape (3,)", "'w2'", "'p3'")
    raises(gc.errors.ShapeError, lambda: M.accuracy(p3, p3, weights=w2), "accuracy:",
           "predictions: constant 'p3'")
    raises(gc.errors.ShapeError, lambda: M.auc([1, 0, 1], p3, weights=w2), "auc: weights")
    raises(gc.errors.ShapeError, lambda: M.true_positives([1, 0, 1], p3, weights=w2),
           "true_positives: weights")
    raises(gc.errors.ShapeError, lambda: M.mean(gc.ones([2, 3]), weights=gc.ones([3, 2])),
           "mean: weights of shape (3, 2)")
    raises(gc.errors.ShapeError, lambda: M.mean_per_class_accuracy([0, 1, 1], [0, 1, 0], 2,
                                                                   weights=w2),
           "weights must have as many elements as labels, not 2 and 3")
    raises(gc.errors.ShapeError, lambda: M.mean_tensor(gc.placeholder(gc.float32, [None])),
           "mean_tensor: the shape of values must be fully defined")


def test_bad_arguments_and_bad_values():
    y, p = [1, 0], [0.2, 0.7]
    with pytest.raises(ValueError, match="Curve must be either ROC or PR"):
        M.auc(y, p, curve="XY")
    with pytest.raises(ValueError, match="Invalid summation_method"):
        M.auc(y, p, summation_method="simpson")
    with pytest.raises(ValueError, match="num_thresholds must be at least 2"):
        M.auc(y, p, num_thresholds=1)
    with pytest.raises(ValueError, match="`specificity` must be in the range"):
        M.sensitivity_at_specificity(y, p, 1.5)
    with pytest.raises(TypeError, match="num_classes must be a Python int"):
        M.mean_iou(y, y, gc.constant(2))
    with pytest.raises(gc.errors.InvalidArgumentError, match="predictions must be in"):
        M.auc(y, [0.2, 1.5])                # known when built: decided then (TF)
    with pytest.raises(gc.errors.InvalidArgumentError, match="mean_per_class_accuracy"):
        M.mean_per_class_accuracy([0, 3], [0, 1], 3)
    p = gc.placeholder(gc.float32, [2])
    c = gc.placeholder(gc.int64, [2])
    _, bad_auc = M.auc(y, p)
    _, bad_class = M.mean_per_class_accuracy(c, [0, 1], 3)
    with gc.Session() as s:
        s.run(gc.local_variables_initializer())
        with pytest.raises(gc.errors.ExecutionError, match="predictions must be in"):
            s.run(bad_auc, {p: [0.2, 1.5]})
        with pytest.raises(gc.errors.ExecutionError, match="mean_per_class_accuracy"):
            s.run(bad_class, {c: [0, 3]})
