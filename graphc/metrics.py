"""tf.metrics (TF1): streaming metrics, accumulated in local variables over many runs.

    acc, acc_update = gc.metrics.accuracy(labels=y, predictions=gc.argmax(logits, 1))
    sess.run(gc.local_variables_initializer())      # (re)start: every metric back to 0
    for batch in batches:
        sess.run(acc_update, feed(batch))           # adds the batch, gives the metric so far
    print(sess.run(acc))                            # reads the metric, changes nothing

Each metric opens a variable scope (`name`, else its TF1 default made unique: 'mean',
'mean_1', ...) holding zero-initialized, non-trainable variables in the
LOCAL_VARIABLES and METRIC_VARIABLES collections, and returns (value, update_op). The
value is added to `metrics_collections`, the update op to `updates_collections`. A
division by zero gives 0. `weights` is a scalar or, after a trailing dim of size 1 is
squeezed or added as TF1 does, has the values' rank with each dim 1 or equal; mismatched
labels, predictions or weights raise a ShapeError where the metric is built. Values are
accumulated in float32, as in TF1.

The metrics per class (mean_iou, mean_per_class_accuracy) and at thresholds (auc,
precision_at_thresholds, ...) are in metrics_curves.py.
"""
from . import dtypes, errors
from .graph import control_dependencies
from .losses import (_assert_broadcastable,  # TF1's run-time half of broadcast_weights
                     squeeze_dynamic, weights_like)
from .ops import array as A, elementwise as E, reduce as R
from .ops.core import convert_to_tensor, identity
from .ops.creation import ones_like, zeros, zeros_like
from .ops.graphkeys import GraphKeys, add_to_collections
from .ops.math_extra import div_no_nan
from .ops.scope import variable_scope
from .ops.state import Variable
from .shapes import surely_differ

__all__ = ["mean", "mean_tensor", "accuracy", "mean_squared_error", "mean_absolute_error",
           "root_mean_squared_error", "mean_relative_error", "mean_cosine_distance",
           "percentage_below", "true_positives", "false_positives", "true_negatives",
           "false_negatives", "precision", "recall", "mean_per_class_accuracy", "mean_iou",
           "auc", "true_positives_at_thresholds", "false_positives_at_thresholds",
           "true_negatives_at_thresholds", "false_negatives_at_thresholds",
           "precision_at_thresholds", "recall_at_thresholds", "sensitivity_at_specificity",
           "specificity_at_sensitivity"]

F32 = dtypes.float32


# ---- shared helpers (metrics_curves.py uses them too) -------------------------------------
def _metric_variable(shape, dtype, name):
    """A variable of zeros in LOCAL_VARIABLES and METRIC_VARIABLES, never trainable."""
    return Variable(lambda: zeros(shape, dtype), trainable=False, name=name,
                    collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])


def _finish(value, update_op, metrics_collections, updates_collections):
    """(value, update_op), each added to its collections (TF1)."""
    if metrics_collections:
        add_to_collections(metrics_collections, value)
    if updates_collections:
        add_to_collections(updates_collections, update_op)
    return value, update_op


def _shape_error(api, problem, *labelled):
    """A ShapeError naming each (label, tensor) and the user's line."""
    lines = "".join(f"\n  {errors.describe_tensor(t, label)}" for label, t in labelled)
    return errors.ShapeError(f"{api}: {problem}{lines}" + errors.called_at(api))


def _check_compatible(api, a, b, names):
    if surely_differ(a.shape, b.shape):
        raise _shape_error(api, f"{names[0]} and {names[1]} must have compatible shapes, "
                                f"not {a.shape} and {b.shape}", (names[0], a), (names[1], b))


def _as_type(x, dtype):
    x = convert_to_tensor(x)
    return x if x.dtype is dtype else E.cast(x, dtype)


def _last_is_one(t):
    return t.shape._dims[-1] in (1, None)


def _squeeze_pair(api, labels, predictions):
    """(labels, predictions) as tensors, a trailing size-1 dim of one squeezed when their
    ranks differ by one (TF1's remove_squeezable_dimensions); then their shapes must be
    compatible."""
    labels, predictions = convert_to_tensor(labels), convert_to_tensor(predictions)
    rl, rp = labels.shape.rank, predictions.shape.rank
    if rp is not None and rl is not None:
        if rp == rl + 1 and _last_is_one(predictions):
            predictions = A.squeeze(predictions, [-1])
        elif rl == rp + 1 and _last_is_one(labels):
            labels = A.squeeze(labels, [-1])
    else:                                   # decided when run (TF1)
        labels, predictions = squeeze_dynamic(labels, predictions)
    _check_compatible(api, labels, predictions, ("labels", "predictions"))
    return labels, predictions


def _weights(api, weights, values, dtype=F32, shown=None):
    """weights in `dtype`, broadcast to values' shape (TF1's _remove_squeezable_dimensions
    then broadcast_weights): a scalar, or, after a trailing dim is squeezed or added when
    the ranks differ by one, values' rank with each dim 1 or equal. What the static
    shapes leave open is asserted when run. `shown`: the (label, tensor) that errors
    describe instead of values (the caller's tensor that values were made from)."""
    given = w = convert_to_tensor(weights)
    rw, rv = w.shape.rank, values.shape.rank
    if rw not in (0, None) and rv is not None:
        if rw == rv + 1 and _last_is_one(w):
            w = A.squeeze(w, [-1])
        elif rv == rw + 1:
            w = A.expand_dims(w, -1)
    elif rw != 0:                           # decided when run (TF1)
        w = weights_like(w, values)
    w = _as_type(w, dtype)
    ws, vs = w.shape, values.shape
    if ws.rank == 0:
        return w * ones_like(values, dtype=dtype)
    if ws.rank is not None and vs.rank is not None:
        pairs = list(zip(ws._dims, vs._dims))
        if ws.rank != vs.rank or any(isinstance(a, int) and isinstance(b, int)
                                     and a not in (1, b) for a, b in pairs):
            raise _shape_error(api, f"weights of shape {given.shape} cannot be broadcast to "
                                    f"values of shape {vs}: weights must be a scalar or have "
                                    f"the values' rank (give or take a trailing 1), each dim "
                                    f"1 or equal", ("weights", given), shown or ("values", values))
        if ws._dims == vs._dims and ws.is_fully_defined():
            return w
        if all(a == 1 or a == b and a is not None for a, b in pairs):
            return w * ones_like(values, dtype=dtype)
    with control_dependencies([_assert_broadcastable(api, w, values)]):
        return w * ones_like(values, dtype=dtype)


def _flat(t):
    return t if t.shape.rank is not None and t.shape.rank <= 1 else A.reshape(t, [-1])


# ---- means --------------------------------------------------------------------------------
def _mean(api, values, weights, metrics_collections, updates_collections, name,
          shown=None, per_element=False):
    """The streaming (weighted) mean of values, or of each element of values."""
    with variable_scope(name, "mean", (values, weights)):
        values = _as_type(values, F32)
        shape, suffix = [], ""
        if per_element:
            if not values.shape.is_fully_defined():
                raise _shape_error(api, f"the shape of values must be fully defined (it is "
                                        f"the variables'), not {values.shape}",
                                   ("values", values))
            shape, suffix = values.shape.as_list(), "_tensor"
        total = _metric_variable(shape, F32, "total" + suffix)
        count = _metric_variable(shape, F32, "count" + suffix)
        num_values = ones_like(values) if per_element else E.cast(A.size(values), F32)
        if weights is not None:
            weights = _weights(api, weights, values, shown=shown)
            values = values * weights
            num_values = weights if per_element else R.reduce_sum(weights)
        update_total = total.assign_add(values if per_element else R.reduce_sum(values))
        update_count = count.assign_add(num_values)
        value = div_no_nan(total, E.maximum(count, 0.0), name="value")
        update = div_no_nan(update_total, E.maximum(update_count, 0.0), name="update_op")
    return _finish(value, update, metrics_collections, updates_collections)


def mean(values, weights=None, metrics_collections=None, updates_collections=None,
         name=None):
    """The (weighted) mean of all values seen: sum(values * weights) / sum(weights).

        m, update = gc.metrics.mean(loss_per_example)
    """
    return _mean("mean", values, weights, metrics_collections, updates_collections, name)


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None,
                name=None):
    """The elementwise (weighted) mean of `values` (of a fully defined shape) over runs:
    `gc.metrics.mean_tensor(per_class_loss)`."""
    return _mean("mean_tensor", values, weights, metrics_collections, updates_collections,
                 name, per_element=True)


def accuracy(labels, predictions, weights=None, metrics_collections=None,
             updates_collections=None, name=None):
    """The (weighted) fraction of predictions equal to labels; predictions are cast to
    the labels' dtype first (TF1).

        acc, update = gc.metrics.accuracy(labels=y, predictions=gc.argmax(logits, 1))
    """
    labels, predictions = _squeeze_pair("accuracy", labels, predictions)
    if labels.dtype is not predictions.dtype:
        predictions = E.cast(predictions, labels.dtype)
    is_correct = E.cast(E.equal(predictions, labels), F32)
    return _mean("accuracy", is_correct, weights, metrics_collections, updates_collections,
                 name or "accuracy", ("predictions", predictions))


def _errors(api, labels, predictions):
    """(labels, predictions) squeezed and checked, labels in predictions' dtype."""
    labels, predictions = _squeeze_pair(api, labels, predictions)
    return _as_type(labels, predictions.dtype), predictions


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                       updates_collections=None, name=None):
    """The (weighted) mean of (labels - predictions)^2: `gc.metrics.mean_squared_error(y, p)`."""
    y, p = _errors("mean_squared_error", labels, predictions)
    return _mean("mean_squared_error", E.squared_difference(y, p), weights,
                 metrics_collections, updates_collections, name or "mean_squared_error",
                 ("predictions", p))


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """The (weighted) mean of |predictions - labels|."""
    y, p = _errors("mean_absolute_error", labels, predictions)
    return _mean("mean_absolute_error", E.abs(p - y), weights, metrics_collections,
                 updates_collections, name or "mean_absolute_error", ("predictions", p))


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """sqrt of the streaming mean_squared_error (variables under 'root_mean_squared_error')."""
    y, p = _errors("root_mean_squared_error", labels, predictions)
    mse, update = _mean("root_mean_squared_error", E.squared_difference(y, p), weights, None,
                        None, name or "root_mean_squared_error", ("predictions", p))
    return _finish(E.sqrt(mse), E.sqrt(update), metrics_collections, updates_collections)


def mean_relative_error(labels, predictions, normalizer, weights=None,
                        metrics_collections=None, updates_collections=None, name=None):
    """The (weighted) mean of |labels - predictions| / normalizer (0 where it is 0)."""
    y, p = _errors("mean_relative_error", labels, predictions)
    normalizer = _as_type(normalizer, p.dtype)
    _check_compatible("mean_relative_error", p, normalizer, ("predictions", "normalizer"))
    is_zero = E.equal(normalizer, 0.0)
    safe = E.select(is_zero, ones_like(normalizer), normalizer)
    relative = E.select(is_zero, zeros_like(y), E.abs(y - p) / safe)
    return _mean("mean_relative_error", relative, weights, metrics_collections,
                 updates_collections, name or "mean_relative_error", ("predictions", p))


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """1 - the (weighted) mean of sum(labels * predictions, dim), for unit vectors along
    dim (kept as a size-1 dim, so weights broadcast against it)."""
    y, p = _errors("mean_cosine_distance", labels, predictions)
    radial = R.reduce_sum(p * y, axis=[dim], keepdims=True)
    m, update = _mean("mean_cosine_distance", radial, weights, None, None,
                      name or "mean_cosine_distance")
    return _finish(1.0 - m, 1.0 - update, metrics_collections, updates_collections)


def percentage_below(values, threshold, weights=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """The (weighted) fraction of values < threshold."""
    values = convert_to_tensor(values)
    below = E.cast(E.less(values, threshold), F32)
    return _mean("percentage_below", below, weights, metrics_collections,
                 updates_collections, name or "percentage_below_threshold", ("values", values))


# ---- counts, precision and recall ---------------------------------------------------------
# which (label, prediction) each count wants, by its TF1 name
_CELLS = {"true_positives": (True, True), "false_positives": (False, True),
          "true_negatives": (False, False), "false_negatives": (True, False)}


def _count(api, cell, labels, predictions, weights, metrics_collections,
           updates_collections, name):
    """The (weighted) number of elements whose bool-cast label and prediction are `cell`,
    in the variable 'count' (TF1's _count_condition)."""
    with variable_scope(name, cell, (predictions, labels, weights)):
        labels, shown = _squeeze_pair(api, labels, predictions)
        labels, predictions = _as_type(labels, dtypes.bool_), _as_type(shown, dtypes.bool_)
        want_label, want_prediction = _CELLS[cell]
        hit = E.logical_and(labels if want_label else E.logical_not(labels),
                            predictions if want_prediction else E.logical_not(predictions))
        count = _metric_variable([], F32, "count")
        hit = E.cast(hit, F32)
        if weights is not None:
            hit = hit * _weights(api, weights, hit, shown=("predictions", shown))
        update = count.assign_add(R.reduce_sum(hit))
        return _finish(identity(count), update, metrics_collections, updates_collections)


def _counter(cell):
    def metric(labels, predictions, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        return _count(cell, cell, labels, predictions, weights, metrics_collections,
                      updates_collections, name)
    label, prediction = _CELLS[cell]
    metric.__name__ = metric.__qualname__ = cell
    metric.__doc__ = (f"The (weighted) number of elements with label {label} and "
                      f"prediction {prediction} (both cast to bool).\n\n        "
                      f"n, update = gc.metrics.{cell}(labels=y, predictions=p > 0.5)\n    ")
    return metric


true_positives = _counter("true_positives")
false_positives = _counter("false_positives")
true_negatives = _counter("true_negatives")
false_negatives = _counter("false_negatives")


def _ratio(hits, misses, name):
    """hits / (hits + misses), 0 unless the sum is positive (TF1's where)."""
    total = hits + misses
    return E.select(E.greater(total, 0.0), div_no_nan(hits, total), 0.0, name=name)


def _precision_or_recall(api, miss, labels, predictions, weights, metrics_collections,
                         updates_collections, name):
    with variable_scope(name, api, (predictions, labels, weights)):
        labels, predictions = _squeeze_pair(api, labels, predictions)   # _count casts them
        tp, tp_update = _count(api, "true_positives", labels, predictions, weights,
                               None, None, None)
        other, other_update = _count(api, miss, labels, predictions, weights, None, None,
                                     None)
        return _finish(_ratio(tp, other, "value"), _ratio(tp_update, other_update,
                                                          "update_op"),
                       metrics_collections, updates_collections)


def precision(labels, predictions, weights=None, metrics_collections=None,
              updates_collections=None, name=None):
    """tp / (tp + fp) over all runs (0 before any positive prediction); labels and
    predictions are cast to bool.

        p, update = gc.metrics.precision(labels=y, predictions=gc.sigmoid(logits) > 0.5)
    """
    return _precision_or_recall("precision", "false_positives", labels, predictions,
                                weights, metrics_collections, updates_collections, name)


def recall(labels, predictions, weights=None, metrics_collections=None,
           updates_collections=None, name=None):
    """tp / (tp + fn) over all runs (0 before any positive label); labels and
    predictions are cast to bool."""
    return _precision_or_recall("recall", "false_negatives", labels, predictions, weights,
                                metrics_collections, updates_collections, name)


# the metrics on confusion counts (per class, at thresholds) use the helpers above
from .metrics_curves import (auc, false_negatives_at_thresholds,  # noqa: E402
                             false_positives_at_thresholds, mean_iou,
                             mean_per_class_accuracy, precision_at_thresholds,
                             recall_at_thresholds, sensitivity_at_specificity,
                             specificity_at_sensitivity, true_negatives_at_thresholds,
                             true_positives_at_thresholds)
from . import metrics_at_k as _at_k  # noqa: E402
from .metrics_at_k import *  # noqa: F401,F403,E402
__all__ += _at_k.__all__
