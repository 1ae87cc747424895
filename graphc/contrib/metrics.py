"""gc.contrib.metrics: TF 1.15's tf.contrib.metrics, the streaming metrics of TF1.

    acc, acc_update = gc.contrib.metrics.streaming_accuracy(predictions, labels)
    sess.run(gc.local_variables_initializer())
    for batch in batches:
        sess.run(acc_update, feed(batch))
    print(sess.run(acc))

Each streaming_* metric returns (value, update_op) with its state in zero-initialized
local variables (LOCAL_VARIABLES and METRIC_VARIABLES), exactly as gc.metrics, which most
of them wrap: contrib takes `predictions` before `labels`. The metrics contrib added
itself (covariance, pearson correlation, rates, count, cohen_kappa, f1_score, ...) are in
metrics_extra.py; everything is re-exported here.
"""
from .. import dtypes, metrics as _m
from ..graph import name_scope
from ..metrics import _finish, _metric_variable
from ..metrics_at_k import _at_k_name, _average_precision_per_row, _weighted
from ..metrics_curves import _counts_at_thresholds
from ..ops import array as A, elementwise as E, reduce as R
from ..ops.core import convert_to_tensor
from ..ops.math_extra import div_no_nan
from ..ops.nn_misc import in_top_k
from ..ops.sets import (set_difference, set_intersection, set_size,  # noqa: F401
                        set_union)
from ..sparse_misc import convert_to_tensor_or_sparse_tensor
from . import metrics_extra as _extra
from .metrics_extra import *  # noqa: F401,F403 (the contrib-only metrics)
from . import metrics_last as _last
from .metrics_last import *  # noqa: F401,F403 (recall_at_precision gains strict_mode)

__all__ = ["streaming_true_positives", "streaming_true_negatives",
           "streaming_false_positives", "streaming_false_negatives", "streaming_mean",
           "streaming_mean_tensor", "streaming_accuracy", "streaming_precision",
           "streaming_recall", "streaming_true_positives_at_thresholds",
           "streaming_false_negatives_at_thresholds", "streaming_false_positives_at_thresholds",
           "streaming_true_negatives_at_thresholds", "streaming_auc",
           "streaming_specificity_at_sensitivity", "streaming_sensitivity_at_specificity",
           "streaming_precision_at_thresholds", "streaming_recall_at_thresholds",
           "streaming_recall_at_k", "streaming_sparse_recall_at_k",
           "streaming_sparse_precision_at_k", "streaming_sparse_precision_at_top_k",
           "sparse_recall_at_top_k", "streaming_sparse_average_precision_at_k",
           "streaming_sparse_average_precision_at_top_k", "streaming_mean_absolute_error",
           "streaming_mean_relative_error", "streaming_mean_squared_error",
           "streaming_root_mean_squared_error", "streaming_mean_cosine_distance",
           "streaming_percentage_less", "streaming_mean_iou", "aggregate_metrics",
           "aggregate_metric_map", "set_difference", "set_intersection", "set_size",
           "set_union"] + _extra.__all__ + [
               n for n in _last.__all__ if n not in _extra.__all__]


def _pl(metric, api, example):
    """A contrib streaming_* metric: gc.metrics.<metric> with predictions first."""
    def wrapped(predictions, labels, weights=None, metrics_collections=None,
                updates_collections=None, name=None):
        return metric(labels=labels, predictions=predictions, weights=weights,
                      metrics_collections=metrics_collections,
                      updates_collections=updates_collections, name=name)
    wrapped.__name__ = wrapped.__qualname__ = api
    wrapped.__doc__ = (f"gc.metrics.{metric.__name__} with predictions first (TF 1.15 "
                       f"contrib).\n\n        {example}\n    ")
    return wrapped


streaming_true_positives = _pl(_m.true_positives, "streaming_true_positives",
                               "tp, update = streaming_true_positives(p > 0.5, y)")
streaming_true_negatives = _pl(_m.true_negatives, "streaming_true_negatives",
                               "tn, update = streaming_true_negatives(p > 0.5, y)")
streaming_false_positives = _pl(_m.false_positives, "streaming_false_positives",
                                "fp, update = streaming_false_positives(p > 0.5, y)")
streaming_false_negatives = _pl(_m.false_negatives, "streaming_false_negatives",
                                "fn, update = streaming_false_negatives(p > 0.5, y)")
streaming_accuracy = _pl(_m.accuracy, "streaming_accuracy",
                         "acc, update = streaming_accuracy(gc.argmax(logits, 1), y)")
streaming_precision = _pl(_m.precision, "streaming_precision",
                          "prec, update = streaming_precision(p > 0.5, y)")
streaming_recall = _pl(_m.recall, "streaming_recall",
                       "rec, update = streaming_recall(p > 0.5, y)")
streaming_mean_absolute_error = _pl(_m.mean_absolute_error, "streaming_mean_absolute_error",
                                    "mae, update = streaming_mean_absolute_error(p, y)")
streaming_mean_squared_error = _pl(_m.mean_squared_error, "streaming_mean_squared_error",
                                   "mse, update = streaming_mean_squared_error(p, y)")
streaming_root_mean_squared_error = _pl(_m.root_mean_squared_error,
                                        "streaming_root_mean_squared_error",
                                        "rmse, update = streaming_root_mean_squared_error(p, y)")


def streaming_mean(values, weights=None, metrics_collections=None, updates_collections=None,
                   name=None):
    """The (weighted) mean of all values seen (gc.metrics.mean).

        m, update = gc.contrib.metrics.streaming_mean(loss)
    """
    return _m.mean(values, weights, metrics_collections, updates_collections, name)


def streaming_mean_tensor(values, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The element-wise (weighted) mean of all values seen (gc.metrics.mean_tensor).

        m, update = gc.contrib.metrics.streaming_mean_tensor(batch_of_vectors)
    """
    return _m.mean_tensor(values, weights, metrics_collections, updates_collections, name)


def streaming_mean_relative_error(predictions, labels, normalizer, weights=None,
                                  metrics_collections=None, updates_collections=None,
                                  name=None):
    """The mean of |predictions - labels| / normalizer (gc.metrics.mean_relative_error).

        mre, update = gc.contrib.metrics.streaming_mean_relative_error(p, y, y)
    """
    return _m.mean_relative_error(labels, predictions, normalizer, weights,
                                  metrics_collections, updates_collections, name)


def streaming_mean_cosine_distance(predictions, labels, dim, weights=None,
                                   metrics_collections=None, updates_collections=None,
                                   name=None):
    """1 - the mean of sum(predictions * labels, dim) (gc.metrics.mean_cosine_distance).

        d, update = gc.contrib.metrics.streaming_mean_cosine_distance(p, y, dim=1)
    """
    return _m.mean_cosine_distance(labels, predictions, dim, weights, metrics_collections,
                                   updates_collections, name)


def streaming_percentage_less(values, threshold, weights=None, metrics_collections=None,
                              updates_collections=None, name=None):
    """The (weighted) fraction of values < threshold (gc.metrics.percentage_below).

        frac, update = gc.contrib.metrics.streaming_percentage_less(errors, 0.1)
    """
    return _m.percentage_below(values, threshold, weights, metrics_collections,
                               updates_collections, name)


def streaming_mean_iou(predictions, labels, num_classes, weights=None,
                       metrics_collections=None, updates_collections=None, name=None):
    """The mean intersection-over-union over classes (gc.metrics.mean_iou).

        miou, update = gc.contrib.metrics.streaming_mean_iou(pred_ids, label_ids, 21)
    """
    return _m.mean_iou(labels, predictions, num_classes, weights, metrics_collections,
                       updates_collections, name)


def streaming_auc(predictions, labels, weights=None, num_thresholds=200,
                  metrics_collections=None, updates_collections=None, curve="ROC",
                  name=None, summation_method="trapezoidal"):
    """The area under the ROC or PR curve (gc.metrics.auc) with predictions first.

        auc, update = gc.contrib.metrics.streaming_auc(gc.sigmoid(logits), y)
    """
    return _m.auc(labels, predictions, weights, num_thresholds, metrics_collections,
                  updates_collections, curve, name, summation_method)


def streaming_specificity_at_sensitivity(predictions, labels, sensitivity, weights=None,
                                         num_thresholds=200, metrics_collections=None,
                                         updates_collections=None, name=None):
    """gc.metrics.specificity_at_sensitivity with predictions first.

        spec, update = gc.contrib.metrics.streaming_specificity_at_sensitivity(p, y, 0.9)
    """
    return _m.specificity_at_sensitivity(labels, predictions, sensitivity, weights,
                                         num_thresholds, metrics_collections,
                                         updates_collections, name)


def streaming_sensitivity_at_specificity(predictions, labels, specificity, weights=None,
                                         num_thresholds=200, metrics_collections=None,
                                         updates_collections=None, name=None):
    """gc.metrics.sensitivity_at_specificity with predictions first.

        sens, update = gc.contrib.metrics.streaming_sensitivity_at_specificity(p, y, 0.9)
    """
    return _m.sensitivity_at_specificity(labels, predictions, specificity, weights,
                                         num_thresholds, metrics_collections,
                                         updates_collections, name)


def streaming_precision_at_thresholds(predictions, labels, thresholds, weights=None,
                                      metrics_collections=None, updates_collections=None,
                                      name=None):
    """The precision at each threshold (gc.metrics.precision_at_thresholds).

        prec, update = gc.contrib.metrics.streaming_precision_at_thresholds(p, y, [.5])
    """
    return _m.precision_at_thresholds(labels, predictions, thresholds, weights,
                                      metrics_collections, updates_collections, name)


def streaming_recall_at_thresholds(predictions, labels, thresholds, weights=None,
                                   metrics_collections=None, updates_collections=None,
                                   name=None):
    """The recall at each threshold (gc.metrics.recall_at_thresholds).

        rec, update = gc.contrib.metrics.streaming_recall_at_thresholds(p, y, [.5])
    """
    return _m.recall_at_thresholds(labels, predictions, thresholds, weights,
                                   metrics_collections, updates_collections, name)


def _count_at(key):
    def metric(predictions, labels, thresholds, weights=None):
        values, updates = _counts_at_thresholds(f"streaming_{metric.__name__}", labels,
                                                predictions, thresholds, weights, (key,))
        return values[key], updates[key]
    word = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
            "fn": "false_negatives"}[key]
    metric.__name__ = metric.__qualname__ = f"streaming_{word}_at_thresholds"
    metric.__doc__ = (f"The (weighted) {word.replace('_', ' ')} at each threshold: "
                      f"(variable, update), no scope and no collections (contrib).\n\n"
                      f"        n, update = gc.contrib.metrics.{metric.__name__}(p, y, "
                      f"[0.3, 0.7])\n    ")
    return metric


streaming_true_positives_at_thresholds = _count_at("tp")
streaming_false_negatives_at_thresholds = _count_at("fn")
streaming_false_positives_at_thresholds = _count_at("fp")
streaming_true_negatives_at_thresholds = _count_at("tn")


# ---- at k ---------------------------------------------------------------------------------
def streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None,
                          updates_collections=None, name=None):
    """The (weighted) fraction of rows whose label is in the top k predictions (a
    streaming mean of in_top_k, in the scope 'recall_at_<k>').

        r5, update = gc.contrib.metrics.streaming_recall_at_k(logits, labels, 5)
    """
    hits = E.cast(in_top_k(predictions, labels, k), dtypes.float32)
    return _m.mean(hits, weights, metrics_collections, updates_collections,
                   name or _at_k_name("recall", k))


def streaming_sparse_recall_at_k(predictions, labels, k, class_id=None, weights=None,
                                 metrics_collections=None, updates_collections=None,
                                 name=None):
    """gc.metrics.recall_at_k with predictions first.

        r, update = gc.contrib.metrics.streaming_sparse_recall_at_k(logits, label_ids, 5)
    """
    return _m.recall_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                          updates_collections, name)


def streaming_sparse_precision_at_k(predictions, labels, k, class_id=None, weights=None,
                                    metrics_collections=None, updates_collections=None,
                                    name=None):
    """gc.metrics.precision_at_k with predictions first.

        p, update = gc.contrib.metrics.streaming_sparse_precision_at_k(logits, ids, 5)
    """
    return _m.precision_at_k(labels, predictions, k, class_id, weights, metrics_collections,
                             updates_collections, name)


def streaming_sparse_precision_at_top_k(top_k_predictions, labels, class_id=None,
                                        weights=None, metrics_collections=None,
                                        updates_collections=None, name=None):
    """gc.metrics.precision_at_top_k of the class ids `top_k_predictions`.

        p, update = gc.contrib.metrics.streaming_sparse_precision_at_top_k(top_ids, ids)
    """
    return _m.precision_at_top_k(labels, top_k_predictions, class_id=class_id,
                                 weights=weights, metrics_collections=metrics_collections,
                                 updates_collections=updates_collections, name=name)


def sparse_recall_at_top_k(labels, top_k_predictions, class_id=None, weights=None,
                           metrics_collections=None, updates_collections=None, name=None):
    """gc.metrics.recall_at_top_k of the class ids `top_k_predictions` (labels first).

        r, update = gc.contrib.metrics.sparse_recall_at_top_k(ids, top_ids)
    """
    return _m.recall_at_top_k(labels, top_k_predictions, class_id=class_id, weights=weights,
                              metrics_collections=metrics_collections,
                              updates_collections=updates_collections, name=name)


def streaming_sparse_average_precision_at_k(predictions, labels, k, weights=None,
                                            metrics_collections=None,
                                            updates_collections=None, name=None):
    """gc.metrics.average_precision_at_k with predictions first.

        m, update = gc.contrib.metrics.streaming_sparse_average_precision_at_k(s, ids, 3)
    """
    return _m.average_precision_at_k(labels, predictions, k, weights, metrics_collections,
                                     updates_collections, name)


def streaming_sparse_average_precision_at_top_k(top_k_predictions, labels, weights=None,
                                                metrics_collections=None,
                                                updates_collections=None, name=None):
    """Mean average precision of the ranked class ids `top_k_predictions` [D1.., k] (k
    must be static), float64, as streaming_sparse_average_precision_at_k after top_k.

        m, update = gc.contrib.metrics.streaming_sparse_average_precision_at_top_k(ids, y)
    """
    api = "streaming_sparse_average_precision_at_top_k"
    idx = convert_to_tensor(top_k_predictions)
    k = idx.shape._dims[-1] if idx.shape.rank else None
    if not isinstance(k, int):
        raise ValueError(f"{api}: the last dimension of top_k_predictions must be set, "
                         f"not {idx.shape}")
    with name_scope(name, _at_k_name("average_precision", k), (idx, labels, weights)) as sc:
        labels = convert_to_tensor_or_sparse_tensor(labels)
        ap = _average_precision_per_row(api, labels, E.cast(idx, dtypes.int64))
        if weights is not None:
            ap, weights = _weighted(api, ap, weights, broadcast=True)
        with name_scope("max_1") as max_scope:
            max_var = _metric_variable([], dtypes.float64, max_scope)
            batch_max = (E.cast(A.size(ap), dtypes.float64) if weights is None
                         else R.reduce_sum(weights))
            max_update = max_var.assign_add(batch_max)
        with name_scope("total") as total_scope:
            total_var = _metric_variable([], dtypes.float64, total_scope)
            total_update = total_var.assign_add(R.reduce_sum(ap))
        return _finish(div_no_nan(total_var, max_var, name="mean"),
                       div_no_nan(total_update, max_update, name=sc),
                       metrics_collections, updates_collections)


# ---- grouping -----------------------------------------------------------------------------
def aggregate_metrics(*value_update_tuples):
    """([values], [update_ops]) of several (value, update_op) pairs.

        values, updates = gc.contrib.metrics.aggregate_metrics(m1, m2)
    """
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples):
    """({name: value}, {name: update_op}) of a {name: (value, update_op)} dict.

        values, updates = gc.contrib.metrics.aggregate_metric_map({"acc": m1, "auc": m2})
    """
    names = list(names_to_tuples.keys())
    values, updates = zip(*names_to_tuples.values())
    return dict(zip(names, values)), dict(zip(names, updates))
