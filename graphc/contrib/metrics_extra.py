"""The metrics tf.contrib.metrics (TF 1.15) added to tf.metrics: rates, covariance and
Pearson correlation, count, Cohen's kappa, the best F1 over thresholds, precision at a
recall and recall at a precision, ROC/PR curve points, and the non-streaming accuracy
and confusion_matrix. Re-exported by gc.contrib.metrics (see metrics.py).

    r, update = gc.contrib.metrics.streaming_pearson_correlation(predictions, labels)
"""
from .. import dtypes, errors
from ..graph import control_dependencies, name_scope
from ..metrics import (_as_type, _finish, _metric_variable, _squeeze_pair, _weights,
                       false_negatives, false_positives, true_negatives, true_positives)
from ..metrics_curves import _counts_at_thresholds, _even_thresholds
from ..ops import array as A, elementwise as E, reduce as R
from ..ops.asserts import assert_equal
from ..ops.core import convert_to_tensor, group, identity
from ..ops.matrix import diag_part
from ..ops.math_composite import confusion_matrix
from ..ops.scope import variable_scope

__all__ = ["streaming_false_positive_rate", "streaming_false_negative_rate",
           "streaming_false_positive_rate_at_thresholds",
           "streaming_false_negative_rate_at_thresholds", "streaming_covariance",
           "streaming_pearson_correlation", "streaming_curve_points", "count",
           "cohen_kappa", "f1_score", "precision_at_recall", "recall_at_precision",
           "accuracy", "confusion_matrix"]

F32, F64 = dtypes.float32, dtypes.float64
_EPSILON = 1e-7


def _safe_div(num, den, name=None):
    """num / den where den > 0, else 0 (contrib's _safe_div)."""
    safe = E.select(E.greater(den, 0.0), den, A.ones_like(den))
    return E.select(E.greater(den, 0.0), E.divide(num, safe), 0.0, name=name)


# ---- rates --------------------------------------------------------------------------------
def _rate(api, hit, other, predictions, labels, weights, metrics_collections,
          updates_collections, name):
    """hit / (hit + other) of two bool counts, 0 while the sum is 0."""
    with variable_scope(name, api, (predictions, labels, weights)):
        labels, predictions = _squeeze_pair(api, labels, predictions)
        labels, predictions = _as_type(labels, dtypes.bool_), _as_type(predictions,
                                                                       dtypes.bool_)
        a, a_update = hit(labels, predictions, weights)
        b, b_update = other(labels, predictions, weights)
        return _finish(_safe_div(a, a + b, "value"),
                       _safe_div(a_update, a_update + b_update, "update_op"),
                       metrics_collections, updates_collections)


def streaming_false_positive_rate(predictions, labels, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    """fp / (fp + tn) over all runs (0 before any negative label); inputs cast to bool.

        fpr, update = gc.contrib.metrics.streaming_false_positive_rate(p > 0.5, y)
    """
    return _rate("false_positive_rate", false_positives, true_negatives, predictions,
                 labels, weights, metrics_collections, updates_collections, name)


def streaming_false_negative_rate(predictions, labels, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    """fn / (fn + tp) over all runs (0 before any positive label); inputs cast to bool.

        fnr, update = gc.contrib.metrics.streaming_false_negative_rate(p > 0.5, y)
    """
    return _rate("false_negative_rate", false_negatives, true_positives, predictions,
                 labels, weights, metrics_collections, updates_collections, name)


def _rate_at(api, hit, other, predictions, labels, thresholds, weights,
             metrics_collections, updates_collections, name):
    with variable_scope(name, api, (predictions, labels, weights)):
        values, updates = _counts_at_thresholds(api, labels, predictions, thresholds,
                                                weights, (hit, other))
        word = api[:-len("_at_thresholds")]

        def rate(c, label):
            return E.divide(c[hit], _EPSILON + c[hit] + c[other], name=f"{word}_{label}")
        return _finish(rate(values, "value"), rate(updates, "update_op"),
                       metrics_collections, updates_collections)


def streaming_false_positive_rate_at_thresholds(predictions, labels, thresholds,
                                                weights=None, metrics_collections=None,
                                                updates_collections=None, name=None):
    """fp / (1e-7 + fp + tn) at each threshold (prediction > threshold is positive).

        fpr, update = gc.contrib.metrics.streaming_false_positive_rate_at_thresholds(
            p, y, [0.25, 0.5, 0.75])
    """
    return _rate_at("false_positive_rate_at_thresholds", "fp", "tn", predictions, labels,
                    thresholds, weights, metrics_collections, updates_collections, name)


def streaming_false_negative_rate_at_thresholds(predictions, labels, thresholds,
                                                weights=None, metrics_collections=None,
                                                updates_collections=None, name=None):
    """fn / (1e-7 + fn + tp) at each threshold (prediction > threshold is positive).

        fnr, update = gc.contrib.metrics.streaming_false_negative_rate_at_thresholds(
            p, y, [0.5])
    """
    return _rate_at("false_negative_rate_at_thresholds", "fn", "tp", predictions, labels,
                    thresholds, weights, metrics_collections, updates_collections, name)


# ---- moments ------------------------------------------------------------------------------
def streaming_covariance(predictions, labels, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """The unbiased sample covariance comoment / (count - 1) over all runs (NaN while
    count <= 1), merged batch by batch with Chan et al.'s update:
    C_AB = C_A + C_B + (mean_x_A - mean_x_B)(mean_y_A - mean_y_B) n_A n_B / n_AB.
    Weights are frequency weights.

        cov, update = gc.contrib.metrics.streaming_covariance(p, y)
    """
    api = "streaming_covariance"
    with variable_scope(name, "covariance", (predictions, labels, weights)):
        labels, predictions = _squeeze_pair(api, labels, predictions)
        x, y = _as_type(predictions, F32), _as_type(labels, F32)
        count = _metric_variable([], F32, "count")
        mean_x = _metric_variable([], F32, "mean_prediction")
        mean_y = _metric_variable([], F32, "mean_label")
        comoment = _metric_variable([], F32, "comoment")
        if weights is None:
            n_b = E.cast(A.size(y), F32)
            wx, wy = x, y
        else:
            weights = _weights(api, weights, y, shown=("labels", labels))
            n_b = R.reduce_sum(weights)
            wx, wy = x * weights, y * weights
        n_ab = count.assign_add(n_b)
        n_a = n_ab - n_b
        bx = _safe_div(R.reduce_sum(wx), n_b, "batch_mean_prediction")
        dx = _safe_div((bx - mean_x) * n_b, n_ab, "delta_mean_prediction")
        prev_x = mean_x.assign_add(dx) - dx
        by = _safe_div(R.reduce_sum(wy), n_b, "batch_mean_label")
        dy = _safe_div((by - mean_y) * n_b, n_ab, "delta_mean_label")
        prev_y = mean_y.assign_add(dy) - dy
        residuals = (x - bx) * (y - by)
        c_b = R.reduce_sum(residuals if weights is None else residuals * weights)
        update_comoment = comoment.assign_add(
            c_b + (prev_x - bx) * (prev_y - by) * (n_a * n_b / n_ab))

        def cov(c, n, label):
            few = E.less_equal(n, 1.0)
            return E.select(few, float("nan"), E.divide(c, E.select(few, 1.0, n - 1.0)),
                            name=label)
        value = cov(identity(comoment), identity(count), "covariance")
        with control_dependencies([update_comoment]):
            update = cov(identity(comoment), identity(count), "update_op")
    return _finish(value, update, metrics_collections, updates_collections)


def streaming_pearson_correlation(predictions, labels, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    """cov(p, y) / sqrt(var(p) var(y)) over all runs, from three streaming_covariance
    metrics ('covariance', 'variance_predictions', 'variance_labels').

        r, update = gc.contrib.metrics.streaming_pearson_correlation(p, y)
    """
    api = "streaming_pearson_correlation"
    with variable_scope(name, "pearson_r", (predictions, labels, weights)):
        labels, predictions = _squeeze_pair(api, labels, predictions)
        if weights is not None:
            weights = _weights(api, weights, _as_type(labels, F32), shown=("labels", labels))
        cov, u_cov = streaming_covariance(predictions, labels, weights, name="covariance")
        vp, u_vp = streaming_covariance(predictions, predictions, weights,
                                        name="variance_predictions")
        vl, u_vl = streaming_covariance(labels, labels, weights, name="variance_labels")
        value = E.divide(cov, E.sqrt(vp) * E.sqrt(vl), name="pearson_r")
        update = E.divide(u_cov, E.sqrt(u_vp) * E.sqrt(u_vl), name="update_op")
    return _finish(value, update, metrics_collections, updates_collections)


def count(values, weights=None, metrics_collections=None, updates_collections=None,
          name=None):
    """The (weighted) number of values seen over all runs.

        n, update = gc.contrib.metrics.count(batch_ids)
    """
    with variable_scope(name, "count", (values, weights)):
        values = convert_to_tensor(values)
        total = _metric_variable([], F32, "count")
        if weights is None:
            n = E.cast(A.size(values), F32)
        else:
            n = R.reduce_sum(_weights("count", weights, _as_type(values, F32),
                                      shown=("values", values)))
        update = total.assign_add(n)
        return _finish(identity(total), update, metrics_collections, updates_collections)


# ---- curves -------------------------------------------------------------------------------
def streaming_curve_points(labels=None, predictions=None, weights=None, num_thresholds=200,
                           metrics_collections=None, updates_collections=None, curve="ROC",
                           name=None):
    """[num_thresholds, 2] points of the ROC curve (fp rate, recall) or the PR curve
    (recall, precision) at evenly spaced thresholds, with contrib's 1e-6 smoothing:
    recall = (tp + e) / (tp + fn + e), fp rate = fp / (fp + tn + e),
    precision = (tp + e) / (tp + fp + e). The update op returns nothing useful.

        points, update = gc.contrib.metrics.streaming_curve_points(y, p, num_thresholds=5)
    """
    with variable_scope(name, "curve_points", (labels, predictions, weights)):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"curve must be either ROC or PR, {curve} unknown")
        values, updates = _counts_at_thresholds(
            "streaming_curve_points", labels, predictions, _even_thresholds(num_thresholds),
            weights, ("tp", "fn", "tn", "fp"))
        eps = 1.0e-6
        tp, fn, tn, fp = (values[k] for k in ("tp", "fn", "tn", "fp"))
        rec = E.divide(tp + eps, tp + fn + eps)
        if curve == "ROC":
            xs, ys = E.divide(fp, fp + tn + eps), rec
        else:
            xs, ys = rec, E.divide(tp + eps, tp + fp + eps)
        points = A.stack([xs, ys], axis=1)
        update = group(*updates.values())
    return _finish(points, update, metrics_collections, updates_collections)


def _at_thresholds(api, labels, predictions, num_thresholds, weights, includes):
    thresholds = [0.0 - _EPSILON] + [i * 1.0 / (num_thresholds - 1)
                                     for i in range(1, num_thresholds - 1)] + [1.0 + _EPSILON]
    return _counts_at_thresholds(api, labels, predictions, thresholds, weights, includes)


def f1_score(labels, predictions, weights=None, num_thresholds=200,
             metrics_collections=None, updates_collections=None, name=None):
    """The best F1 = 2PR / (P + R + 1e-7) over num_thresholds evenly spaced thresholds,
    P = tp / (1e-7 + tp + fp) and R = tp / (1e-7 + tp + fn).

        f1, update = gc.contrib.metrics.f1_score(y, gc.sigmoid(logits))
    """
    with variable_scope(name, "f1", (labels, predictions, weights)):
        values, updates = _at_thresholds("f1_score", labels, predictions, num_thresholds,
                                         weights, ("tp", "fp", "fn"))

        def best(c, label):
            p = E.divide(c["tp"], _EPSILON + c["tp"] + c["fp"], name="precision_" + label)
            r = E.divide(c["tp"], _EPSILON + c["tp"] + c["fn"], name="recall_" + label)
            return R.reduce_max(2.0 * p * r / (p + r + _EPSILON))
        return _finish(best(values, "value"), best(updates, "update"), metrics_collections,
                       updates_collections)


def precision_at_recall(labels, predictions, target_recall, weights=None,
                        num_thresholds=200, metrics_collections=None,
                        updates_collections=None, name=None):
    """(tp + 1e-7) / (tp + fp + 1e-7) at the largest threshold whose recall
    tp / (tp + fn + 1e-7) is >= target_recall.

        p, update = gc.contrib.metrics.precision_at_recall(y, probabilities, 0.9)
    """
    if target_recall < 0 or target_recall > 1:
        raise ValueError("`target_recall` must be in the range [0, 1].")
    with variable_scope(name, "precision_at_recall", (predictions, labels, weights)):
        values, updates = _at_thresholds("precision_at_recall", labels, predictions,
                                         num_thresholds, weights, ("tp", "fn", "tn", "fp"))

        def at(c, label):
            recalls = E.divide(c["tp"], c["tp"] + c["fn"] + _EPSILON)
            i = R.reduce_sum(E.cast(E.greater_equal(recalls, target_recall),
                                    dtypes.int32)) - 1
            tp, fp = A.gather(c["tp"], i), A.gather(c["fp"], i)
            return E.divide(tp + _EPSILON, tp + fp + _EPSILON, name=label)
        return _finish(at(values, "value"), at(updates, "update_op"), metrics_collections,
                       updates_collections)


def recall_at_precision(labels, predictions, precision, weights=None, num_thresholds=200,
                        metrics_collections=None, updates_collections=None, name=None):
    """tp / (tp + fn + 1e-7) at the threshold whose precision tp / (tp + fp + 1e-7) is
    closest to `precision` (the first such threshold).

        r, update = gc.contrib.metrics.recall_at_precision(y, probabilities, 0.8)
    """
    if not 0 <= precision <= 1:
        raise ValueError("`precision` must be in the range [0, 1].")
    with variable_scope(name, "recall_at_precision", (predictions, labels, weights)):
        values, updates = _at_thresholds("recall_at_precision", labels, predictions,
                                         num_thresholds, weights, ("tp", "fn", "tn", "fp"))

        def at(c, label):
            precisions = E.divide(c["tp"], c["tp"] + c["fp"] + _EPSILON)
            i = R.argmin(E.abs(precisions - precision), 0, output_type=dtypes.int32)
            tp, fn = A.gather(c["tp"], i), A.gather(c["fn"], i)
            return E.divide(tp, tp + fn + _EPSILON, name=label)
        return _finish(at(values, "value"), at(updates, "update_op"), metrics_collections,
                       updates_collections)


# ---- agreement ----------------------------------------------------------------------------
def cohen_kappa(labels, predictions_idx, num_classes, weights=None,
                metrics_collections=None, updates_collections=None, name=None):
    """Cohen's kappa (po - pe) / (N - pe) of class ids over all runs, float64: po the
    (weighted) agreements, pe = sum_c rows_c cols_c / N. 0 while N == pe.

        kappa, update = gc.contrib.metrics.cohen_kappa(y, gc.argmax(logits, 1), 10)
    """
    api = "cohen_kappa"
    with variable_scope(name, "cohen_kappa", (labels, predictions_idx, weights)):
        labels = convert_to_tensor(labels)
        if labels.shape.rank is not None and labels.shape.rank > 2:
            raise errors.ShapeError(f"{api}: labels must have rank at most 2, not "
                                    f"{labels.shape}\n  "
                                    + errors.describe_tensor(labels, "labels"))
        if labels.shape.rank == 2:
            labels = A.squeeze(labels, [-1])
        labels, predictions_idx = _squeeze_pair(api, labels, predictions_idx)
        w = None if weights is None else convert_to_tensor(weights)
        stat = dtypes.int64 if w is None or w.dtype.is_integer else F32
        if w is not None and w.shape.rank is not None and labels.shape.rank is not None \
                and w.shape.rank == labels.shape.rank + 1:
            w = A.squeeze(w, [-1])
        po = _metric_variable([num_classes], stat, "po")
        pe_row = _metric_variable([num_classes], stat, "pe_row")
        pe_col = _metric_variable([num_classes], stat, "pe_col")
        table = confusion_matrix(labels, predictions_idx, num_classes=num_classes, weights=w,
                                 dtype=stat, name="counts_in_table")
        u_po = po.assign_add(diag_part(table))
        u_row = pe_row.assign_add(R.reduce_sum(table, axis=0))
        u_col = pe_col.assign_add(R.reduce_sum(table, axis=1))

        def kappa(po, row, col, label):
            total = E.cast(R.reduce_sum(row), F64)
            pe = R.reduce_sum(_safe_div(E.cast(row * col, F64), total))
            po_sum = E.cast(R.reduce_sum(po), F64)
            return _safe_div(po_sum - pe, total - pe, name=label)
        return _finish(kappa(po, pe_row, pe_col, "value"),
                       kappa(u_po, u_row, u_col, "update_op"),
                       metrics_collections, updates_collections)


def accuracy(predictions, labels, weights=None, name=None):
    """The (weighted) fraction of predictions equal to labels in this run: not streaming,
    no variables (tf.contrib.metrics.accuracy). Labels are bool, integer or string, of the
    predictions' dtype and shape (checked when run).

        acc = gc.contrib.metrics.accuracy(gc.argmax(logits, 1), labels)
    """
    with name_scope(name, "accuracy", (predictions, labels)):
        predictions, labels = convert_to_tensor(predictions), convert_to_tensor(labels)
        if not (labels.dtype.is_integer or labels.dtype in (dtypes.bool_, dtypes.string)):
            raise ValueError(f"Labels should have bool, integer, or string dtype, "
                                    f"not {labels.dtype}\n  "
                                    + errors.describe_tensor(labels, "labels"))
        if labels.dtype is not predictions.dtype:
            raise ValueError(f"Dtypes of predictions and labels should match. Given: "
                                    f"predictions ({predictions.dtype}) and labels "
                                    f"({labels.dtype})")
        with control_dependencies([assert_equal(A.shape(predictions), A.shape(labels))]):
            correct = E.cast(E.equal(predictions, labels), F32)
        if weights is None:
            return R.reduce_mean(correct)
        weights = convert_to_tensor(weights)
        with control_dependencies([assert_equal(A.shape(predictions), A.shape(weights))]):
            weights = E.cast(weights, F32)
            return E.divide(R.reduce_sum(correct * weights), R.reduce_sum(weights))
