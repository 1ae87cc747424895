"""tf.metrics (TF1) on confusion counts, re-exported by graphc/metrics.py (whose helpers
they use): per class (mean_iou, mean_per_class_accuracy) and at thresholds (auc,
precision/recall_at_thresholds, the counts at thresholds, sensitivity_at_specificity,
specificity_at_sensitivity).

At threshold t a prediction counts as positive when prediction > t, exactly as TF1
compares them (both float32). TF1 tiles a (thresholds, predictions) matrix for that; here
each prediction's number of thresholds below it (searchsorted) indexes a histogram, and
cumulative sums over the thresholds give the same counts in O(predictions + thresholds)
memory.

    auc, update = gc.metrics.auc(labels=y, predictions=gc.sigmoid(logits))
"""
import operator

import numpy as np

from . import dtypes
from .graph import control_dependencies
from .metrics import (F32, _as_type, _check_compatible, _finish, _flat, _metric_variable,
                      _shape_error, _squeeze_pair, _weights)
from .ops import array as A, elementwise as E, reduce as R
from .ops.asserts import (assert_greater_equal, assert_less, assert_less_equal,
                          assert_non_negative)
from .ops.core import constant, convert_to_tensor, identity
from .ops.counting import searchsorted
from .ops.creation import ones_like
from .ops.gather import gather, unsorted_segment_sum
from .ops.math_composite import confusion_matrix
from .ops.math_extra import div_no_nan
from .ops.matrix import matrix_diag_part
from .ops.scan import cumsum
from .ops.scope import variable_scope

__all__ = ["mean_per_class_accuracy", "mean_iou", "auc", "true_positives_at_thresholds",
           "false_positives_at_thresholds", "true_negatives_at_thresholds",
           "false_negatives_at_thresholds", "precision_at_thresholds", "recall_at_thresholds",
           "sensitivity_at_specificity", "specificity_at_sensitivity"]


# ---- per class -----------------------------------------------------------------------------
def _num_classes(api, num_classes):
    try:
        return operator.index(num_classes)
    except TypeError:
        raise TypeError(f"{api}: num_classes must be a Python int (the variables' shape), "
                        f"not {num_classes!r}") from None


def _class_ids(api, labels, predictions, weights):
    """labels and predictions (compatible shapes) flattened and int32; weights, unless a
    scalar, flattened too after a check that they have as many elements."""
    labels, predictions = convert_to_tensor(labels), convert_to_tensor(predictions)
    _check_compatible(api, labels, predictions, ("labels", "predictions"))
    if weights is not None:
        weights = convert_to_tensor(weights)
        if weights.shape.rank != 0:
            a, b = labels.shape.num_elements(), weights.shape.num_elements()
            if a is not None and b is not None and a != b:
                raise _shape_error(api, f"weights must have as many elements as labels, not "
                                        f"{b} and {a}", ("labels", labels),
                                   ("weights", weights))
            weights = _flat(weights)
    return (_as_type(_flat(labels), dtypes.int32), _as_type(_flat(predictions), dtypes.int32),
            weights)


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """The mean over the num_classes classes of each class's (weighted) accuracy (0 for a
    class never seen). As in TF1 the update op gives the per-class accuracies.

        acc, update = gc.metrics.mean_per_class_accuracy(y, gc.argmax(logits, 1), 10)
    """
    api = "mean_per_class_accuracy"
    n = _num_classes(api, num_classes)
    with variable_scope(name, "mean_accuracy", (predictions, labels, weights)):
        labels, predictions, weights = _class_ids(api, labels, predictions, weights)
        total = _metric_variable([n], F32, "total")
        count = _metric_variable([n], F32, "count")
        ones = ones_like(labels, dtype=F32)
        is_correct = E.cast(E.equal(predictions, labels), F32)
        if weights is not None:
            weights = _as_type(weights, F32)
            is_correct, ones = is_correct * weights, ones * weights
        # TF1's scatter_add fails on a label out of range; so does this
        checks = [assert_non_negative(labels, message=f"{api}: labels"),
                  assert_less(labels, n, message=f"{api}: labels")]
        with control_dependencies(checks):
            update_total = total.assign_add(unsorted_segment_sum(ones, labels, n))
            update_count = count.assign_add(unsorted_segment_sum(is_correct, labels, n))
        value = R.reduce_mean(div_no_nan(count, E.maximum(total, 0.0)),
                              name="mean_accuracy")
        update = div_no_nan(update_count, E.maximum(update_total, 0.0), name="update_op")
    return _finish(value, update, metrics_collections, updates_collections)


def _mean_iou_of(cm):
    """The mean over classes present (in labels or predictions) of diag / (row + col -
    diag), 0 if none is (TF1's compute_mean_iou)."""
    rows = E.cast(R.reduce_sum(cm, 0), F32)
    cols = E.cast(R.reduce_sum(cm, 1), F32)
    diag = E.cast(matrix_diag_part(cm), F32)
    den = rows + cols - diag
    num_valid = R.reduce_sum(E.cast(E.not_equal(den, 0.0), F32))
    iou = diag / E.select(E.greater(den, 0.0), den, ones_like(den))
    return E.select(E.greater(num_valid, 0.0), div_no_nan(R.reduce_sum(iou), num_valid),
                   0.0)


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The mean intersection-over-union of the classes, from a streaming confusion
    matrix (float64, 'total_confusion_matrix'); as in TF1 the update op gives that matrix.

        miou, update = gc.metrics.mean_iou(y, gc.argmax(logits, -1), num_classes=3)
    """
    api = "mean_iou"
    n = _num_classes(api, num_classes)
    with variable_scope(name, "mean_iou", (predictions, labels, weights)):
        labels, predictions, weights = _class_ids(api, labels, predictions, weights)
        total_cm = _metric_variable([n, n], dtypes.float64, "total_confusion_matrix")
        if weights is not None:
            weights = _weights(api, weights, labels, dtypes.float64)
        cm = confusion_matrix(labels, predictions, n, weights=weights, dtype=dtypes.float64)
        update = total_cm.assign_add(A.reshape(cm, [n, n]))
        return _finish(_mean_iou_of(total_cm), update, metrics_collections,
                       updates_collections)


# ---- counts at thresholds ------------------------------------------------------------------
_KEPSILON = 1e-7        # TF1's endpoints: a threshold below 0 and one above 1
# TF1's variable names, in the order it creates them
_COUNTS = {"tp": "true_positives", "fn": "false_negatives", "tn": "true_negatives",
           "fp": "false_positives"}


def _even_thresholds(num_thresholds, top=1.0 + _KEPSILON):
    """TF1's num_thresholds thresholds: -eps, then i / (num_thresholds - 1) for i in
    1 .. num_thresholds - 2, then `top`."""
    if num_thresholds < 2:
        raise ValueError(f"num_thresholds must be at least 2, not {num_thresholds}")
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - _KEPSILON] + inner + [top]


def _counts_at_thresholds(api, labels, predictions, thresholds, weights, includes):
    """({key: variable}, {key: update}) for the keys of `includes` ('tp', 'fn', 'tn',
    'fp'): the (weighted) counts at each threshold, in the order given (TF1's
    _confusion_matrix_at_thresholds). Predictions outside [0, 1] fail the run."""
    thresholds = np.asarray([float(t) for t in thresholds], np.float32)
    if thresholds.ndim != 1 or not thresholds.size:
        raise ValueError(f"{api}: thresholds must be a non-empty list of floats")
    labels, shown = _squeeze_pair(api, labels, predictions)
    message = f"{api}: predictions must be in [0, 1]"
    with control_dependencies([
            assert_greater_equal(shown, E.cast(0.0, shown.dtype), message=message),
            assert_less_equal(shown, E.cast(1.0, shown.dtype), message=message)]):
        predictions = identity(_as_type(shown, F32))
    labels = _as_type(labels, dtypes.bool_)
    order = np.argsort(thresholds, kind="stable")
    n = len(thresholds)
    # below[i]: how many thresholds are < prediction i, so it is positive at exactly those
    below = A.reshape(searchsorted(constant(thresholds[order][None]),
                                   A.reshape(predictions, [1, -1])), [-1])
    is_pos = A.reshape(labels, [-1])
    pos, neg = E.cast(is_pos, F32), E.cast(E.logical_not(is_pos), F32)
    if weights is not None:
        w = A.reshape(_weights(api, weights, predictions, shown=("predictions", shown)), [-1])
        pos, neg = pos * w, neg * w
    values, updates = {}, {}
    for key, var_name in _COUNTS.items():
        if key not in includes:
            continue
        hist = unsorted_segment_sum(pos if key in ("tp", "fn") else neg, below, n + 1)
        if key in ("tp", "fp"):      # positive at threshold k: more than k thresholds below
            counts = cumsum(hist, reverse=True, exclusive=True)[:n]
        else:
            counts = cumsum(hist)[:n]
        if (order != np.arange(n)).any():       # back to the caller's order
            counts = gather(counts, np.argsort(order).astype(np.int32))
        values[key] = _metric_variable([n], F32, var_name)
        updates[key] = values[key].assign_add(counts)
    return values, updates


def _count_at_thresholds(key, default):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with variable_scope(name, default, (predictions, labels, weights)):
            values, updates = _counts_at_thresholds(
                f"{default}_at_thresholds", labels, predictions, thresholds, weights, (key,))
            return _finish(identity(values[key]), updates[key], metrics_collections,
                           updates_collections)
    metric.__name__ = metric.__qualname__ = f"{default}_at_thresholds"
    metric.__doc__ = (f"The (weighted) {default.replace('_', ' ')} at each threshold (a "
                      f"prediction > threshold is positive; labels cast to bool).\n\n"
                      f"        n, update = gc.metrics.{metric.__name__}(y, p, [0.3, 0.7])"
                      "\n    ")
    return metric


true_positives_at_thresholds = _count_at_thresholds("tp", "true_positives")
false_positives_at_thresholds = _count_at_thresholds("fp", "false_positives")
true_negatives_at_thresholds = _count_at_thresholds("tn", "true_negatives")
false_negatives_at_thresholds = _count_at_thresholds("fn", "false_negatives")


def _rate_at_thresholds(api, miss, labels, predictions, thresholds, weights,
                        metrics_collections, updates_collections, name):
    """tp / (1e-7 + tp + miss) at each threshold (TF1's epsilon, not a safe division)."""
    with variable_scope(name, api, (predictions, labels, weights)):
        values, updates = _counts_at_thresholds(api, labels, predictions, thresholds,
                                                weights, ("tp", miss))
        word = api.split("_")[0]

        def rate(c, label):
            return E.divide(c["tp"], 1e-7 + c["tp"] + c[miss], name=f"{word}_{label}")
        return _finish(rate(values, "value"), rate(updates, "update_op"),
                       metrics_collections, updates_collections)


def precision_at_thresholds(labels, predictions, thresholds, weights=None,
                            metrics_collections=None, updates_collections=None, name=None):
    """tp / (1e-7 + tp + fp) at each threshold, for predictions in [0, 1].

        p, update = gc.metrics.precision_at_thresholds(y, probs, [0.25, 0.5, 0.75])
    """
    return _rate_at_thresholds("precision_at_thresholds", "fp", labels, predictions,
                               thresholds, weights, metrics_collections,
                               updates_collections, name)


def recall_at_thresholds(labels, predictions, thresholds, weights=None,
                         metrics_collections=None, updates_collections=None, name=None):
    """tp / (1e-7 + tp + fn) at each threshold, for predictions in [0, 1]."""
    return _rate_at_thresholds("recall_at_thresholds", "fn", labels, predictions,
                               thresholds, weights, metrics_collections,
                               updates_collections, name)


# ---- auc ------------------------------------------------------------------------------------
_SUMMATIONS = ("trapezoidal", "careful_interpolation", "minoring", "majoring")


def _interpolate_pr_auc(tp, fp, fn, n):
    """TF1's PR-AUC by interpolating precision between thresholds (Davis & Goadrich)."""
    dtp = tp[:n - 1] - tp[1:]
    p = tp + fp
    slope = div_no_nan(dtp, E.maximum(p[:n - 1] - p[1:], 0.0), name="prec_slope")
    intercept = tp[1:] - slope * p[1:]
    both = E.logical_and(E.greater(p[:n - 1], 0.0), E.greater(p[1:], 0.0))
    ratio = E.select(both, div_no_nan(p[:n - 1], E.maximum(p[1:], 0.0)), 1.0)
    return R.reduce_sum(div_no_nan(slope * (dtp + intercept * E.log(ratio)),
                                   E.maximum(tp[1:] + fn[1:], 0.0)),
                        name="interpolate_pr_auc")


def _auc_of(c, n, curve, summation_method, name):
    """The area under the curve through the n (x, y) points of the counts `c`: TF1's
    compute_auc, with its epsilon of 1e-6 against 0 / 0."""
    tp, fn, tn, fp = c["tp"], c["fn"], c["tn"], c["fp"]
    if curve == "PR" and summation_method == "careful_interpolation":
        return _interpolate_pr_auc(tp, fp, fn, n)
    eps = 1e-6
    rec = (tp + eps) / (tp + fn + eps)
    if curve == "ROC":
        x, y = fp / (fp + tn + eps), rec
    else:
        x, y = rec, (tp + eps) / (tp + fp + eps)
    left, right = y[:n - 1], y[1:]
    if summation_method in ("trapezoidal", "careful_interpolation"):
        height = (left + right) / 2.0
    else:
        height = (E.minimum if summation_method == "minoring" else E.maximum)(left, right)
    return R.reduce_sum((x[:n - 1] - x[1:]) * height, name=name)


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None,
        updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal",
        thresholds=None):
    """The area under the ROC (curve='ROC') or precision-recall (curve='PR') curve,
    from counts at num_thresholds thresholds: -1e-7, i / (num_thresholds - 1) for i in
    1 .. num_thresholds - 2, 1 + 1e-7 (or the sorted `thresholds` between those two),
    summed by `summation_method`: 'trapezoidal', 'careful_interpolation' (for PR:
    interpolated precision; for ROC: trapezoidal), 'minoring' or 'majoring'.
    Predictions must be in [0, 1]; labels are cast to bool.

        auc, update = gc.metrics.auc(labels=y, predictions=gc.sigmoid(logits))
    """
    if summation_method not in _SUMMATIONS:
        raise ValueError(f"Invalid summation_method: {summation_method!r}: one of "
                         f"{', '.join(_SUMMATIONS)}")
    if curve not in ("ROC", "PR"):
        raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
    if thresholds is not None:
        points = [0.0 - _KEPSILON] + sorted(thresholds) + [1.0 + _KEPSILON]
    else:
        points = _even_thresholds(num_thresholds)
    with variable_scope(name, "auc", (labels, predictions, weights)):
        values, updates = _counts_at_thresholds("auc", labels, predictions, points,
                                                weights, tuple(_COUNTS))
        n = len(points)
        value = _auc_of(values, n, curve, summation_method, "value")
        # a PR curve reads no true negatives; TF1 then never updates them, graphc does
        with control_dependencies(list(updates.values())):
            update = _auc_of(updates, n, curve, summation_method, "update_op")
        return _finish(value, update, metrics_collections, updates_collections)


# ---- one rate where another reaches a target --------------------------------------------------
def _at_target(api, target, target_name, labels, predictions, weights, num_thresholds,
               top, pick, metrics_collections, updates_collections, name):
    if not 0 <= target <= 1:
        raise ValueError(f"`{target_name}` must be in the range [0, 1]. Currently, "
                         f"`{target_name}` is {target}.")
    with variable_scope(name, api, (predictions, labels, weights)):
        values, updates = _counts_at_thresholds(
            api, labels, predictions, _even_thresholds(num_thresholds, top), weights,
            tuple(_COUNTS))
        return _finish(pick(values, "value"), pick(updates, "update_op"),
                       metrics_collections, updates_collections)


def sensitivity_at_specificity(labels, predictions, specificity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """The recall tp / (tp + fn) at the threshold whose specificity tn / (tn + fp) is
    nearest `specificity` (the first such threshold), for predictions in [0, 1]."""
    def pick(c, label):
        spec = c["tn"] / (c["tn"] + c["fp"] + _KEPSILON)
        k = R.argmin(E.abs(spec - specificity), 0, output_type=dtypes.int32)
        tp, fn = gather(c["tp"], k), gather(c["fn"], k)
        return E.divide(tp, tp + fn + _KEPSILON, name=label)
    return _at_target("sensitivity_at_specificity", specificity, "specificity", labels,
                      predictions, weights, num_thresholds, 1.0 + _KEPSILON, pick,
                      metrics_collections, updates_collections, name)


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None,
                               num_thresholds=200, metrics_collections=None,
                               updates_collections=None, name=None):
    """The specificity tn / (tn + fp) at the threshold whose sensitivity tp / (tp + fn)
    is nearest `sensitivity` (the last such threshold), for predictions in [0, 1]. As
    in TF1 the top threshold is 1 - 1e-7 here."""
    def pick(c, label):
        gap = E.abs(c["tp"] / (c["tp"] + c["fn"] + _KEPSILON) - sensitivity)
        at_min = E.cast(E.equal(gap, R.reduce_min(gap)), dtypes.int32)
        k = R.argmax(cumsum(at_min), 0, output_type=dtypes.int32)   # TF1's last-index trick
        tn, fp = gather(c["tn"], k), gather(c["fp"], k)
        return E.divide(tn, tn + fp + _KEPSILON, name=label)
    return _at_target("specificity_at_sensitivity", sensitivity, "sensitivity", labels,
                      predictions, weights, num_thresholds, 1.0 - _KEPSILON, pick,
                      metrics_collections, updates_collections, name)
