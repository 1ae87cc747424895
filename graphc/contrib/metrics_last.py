"""The last of TF 1.15's tf.contrib.metrics: metrics that keep whole batches or histograms.

    values, update = gc.contrib.metrics.streaming_concat(x)
    auc, update = gc.contrib.metrics.streaming_dynamic_auc(labels, predictions)

streaming_concat keeps every value seen in a local variable whose length grows with each
update (graphc assigns the concatenation; contrib doubled a buffer: the values agree).
streaming_dynamic_auc uses every distinct prediction as a threshold. auc_using_histogram
and precision_recall_at_equal_thresholds bucket the scores instead, in O(N + bins).
recall_at_precision adds contrib's strict_mode to metrics_extra's version.
"""
import collections

from .. import dtypes, errors
from ..graph import control_dependencies
from ..initializers import zeros_initializer
from ..metrics import _finish, _metric_variable
from ..ops import array as A, elementwise as E, reduce as R
from ..ops.array_extra import lin_space
from ..ops.array_more import ensure_shape
from ..ops.broadcast import where
from ..ops.core import convert_to_tensor, group, identity
from ..ops.counting import histogram_fixed_width
from ..ops.creation import zeros
from ..ops.gather import unsorted_segment_sum
from ..ops.math_extra import div_no_nan
from ..ops.graphkeys import GraphKeys
from ..ops.mask import boolean_mask
from ..ops.scan import cumsum
from ..ops.scope import variable_scope
from ..ops.slice_pad import pad
from ..ops.sorting import top_k
from ..ops.state import Variable
from ..ops.tile_reverse import reverse
from ..ops.varstore import get_variable
from ..ops.where import unique_with_counts
from . import metrics_extra as _extra

__all__ = ["streaming_concat", "streaming_dynamic_auc", "auc_using_histogram",
           "precision_recall_at_equal_thresholds", "recall_at_precision"]

F32, F64 = dtypes.float32, dtypes.float64
_EPSILON = 1e-7
PrecisionRecallData = collections.namedtuple(
    "PrecisionRecallData", ["tp", "fp", "tn", "fn", "precision", "recall", "thresholds"])


def streaming_concat(values, axis=0, max_size=None, metrics_collections=None,
                     updates_collections=None, name=None):
    """(value, update_op): value is every batch of `values` seen so far, concatenated
    along `axis` (at most max_size long); update_op appends a batch and gives the new
    length (int32), as contrib's did.

        all_x, append = gc.contrib.metrics.streaming_concat(x)
    """
    values = convert_to_tensor(values, name="values")
    with variable_scope(name, "streaming_concat", (values,)):
        dims = values.shape._dims
        if dims is None:
            raise ValueError("`values` must have known statically known rank\n  "
                             + errors.describe_tensor(values, "values"))
        ndim = len(dims)
        axis = axis + ndim if axis < 0 else axis
        if not 0 <= axis < ndim:
            raise ValueError(f"axis = {axis!r} not in [0, {ndim!r})")
        fixed = [d for n, d in enumerate(dims) if n != axis]
        if any(not isinstance(d, int) for d in fixed):
            raise ValueError("all dimensions of `values` other than the dimension to "
                             "concatenate along must have statically known size\n  "
                             + errors.describe_tensor(values, "values"))
        array = Variable(lambda: zeros([0] + fixed, values.dtype), trainable=False,
                         name="array", validate_shape=False,
                         collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES])
        size = _metric_variable([], dtypes.int32, "size")
        to_front = [axis] + [n for n in range(ndim) if n != axis]
        back = [to_front.index(n) for n in range(ndim)]
        stored = ensure_shape(array.value(), [None] + fixed)     # contrib's set_shape
        value = A.transpose(stored, back, name="concat")
        batch = A.transpose(values, to_front)
        if max_size is not None:
            room = E.maximum(max_size - A.shape(stored)[0], 0)
            batch = batch[:E.minimum(A.shape(batch)[0], room)]
        grown = A.concat([stored, batch], 0)
        with control_dependencies([array.assign(grown)]):
            update_op = size.assign(A.shape(grown)[0])
        return _finish(value, update_op, metrics_collections, updates_collections)


def _dynamic_auc(labels, predictions, weights, curve):
    """Trapezoid AUC with every distinct prediction a threshold; 0 if one class only."""
    if weights is None:
        weights = E.cast(A.ones_like(labels), F64)
    total = R.reduce_sum(weights)
    pos_w = where(E.greater(labels, 0), weights, A.zeros_like(weights))
    total_pos = R.reduce_sum(pos_w)
    ordered, idx = top_k(predictions, k=A.size(predictions))
    o_labels, o_weights = A.gather(labels, idx), A.gather(weights, idx)
    _, _, counts = unique_with_counts(ordered)
    splits = E.cast(pad(cumsum(counts), [[1, 0]]), dtypes.int32)

    def left_of_splits(w):
        return A.gather(pad(cumsum(w), [[1, 0]]), splits)
    tp = left_of_splits(where(E.greater(o_labels, 0), o_weights, A.zeros_like(o_weights)))
    if curve == "ROC":
        fp = left_of_splits(where(E.less(o_labels, 1), o_weights, A.zeros_like(o_weights)))
        x, y = div_no_nan(fp, total - total_pos), div_no_nan(tp, total_pos)
    else:
        x = div_no_nan(tp, total_pos)
        y = where(E.greater(splits, 0), div_no_nan(tp, left_of_splits(o_weights)),
                  A.ones_like(tp))
    area = R.reduce_sum((y[1:] + y[:-1]) / 2.0 * E.abs(x[1:] - x[:-1]))
    one_class = E.logical_or(E.equal(total_pos, 0.0), E.equal(total_pos, total))
    return where(one_class, E.cast(0.0, F64), area)


def streaming_dynamic_auc(labels, predictions, curve="ROC", metrics_collections=(),
                          updates_collections=(), name=None, weights=None):
    """The exact (trapezoid) ROC or PR AUC of all batches seen so far, every distinct
    prediction a threshold; float64, and 0 while the labels hold one class only.
    Labels are 0/1 (checked at run time); predictions and weights are flattened.

        auc, update = gc.contrib.metrics.streaming_dynamic_auc(y, p, curve="PR")
    """
    from ..ops.asserts import assert_greater_equal, assert_less_equal
    if curve not in ["PR", "ROC"]:
        raise ValueError(f"curve must be either ROC or PR, {curve} unknown")
    labels = convert_to_tensor(labels, name="labels")
    predictions = convert_to_tensor(predictions, name="predictions")
    with variable_scope(name, "dynamic_auc"):
        if not labels.shape.is_compatible_with(predictions.shape):
            raise errors.ShapeError(
                f"streaming_dynamic_auc: shapes {labels.shape} and {predictions.shape} are "
                "incompatible\n  " + errors.describe_tensor(labels, "labels") + "\n  "
                + errors.describe_tensor(predictions, "predictions"))
        predictions = A.reshape(E.cast(predictions, F64), [-1])
        labels = A.reshape(E.cast(labels, dtypes.int64), [-1])
        checks = [assert_greater_equal(labels, A.zeros_like(labels),
                                       message="labels must be 0 or 1, at least one is <0"),
                  assert_less_equal(labels, A.ones_like(labels),
                                    message="labels must be 0 or 1, at least one is >1")]
        with control_dependencies(checks):       # checked on update, not on reading auc
            predictions, labels = identity(predictions), identity(labels)
        preds_acc, up_p = streaming_concat(predictions, name="concat_preds")
        labels_acc, up_l = streaming_concat(labels, name="concat_labels")
        updates = [up_l, up_p]
        weights_acc = None
        if weights is not None:
            w = A.reshape(E.cast(weights, F64), [-1])
            weights_acc, up_w = streaming_concat(w, name="concat_weights")
            updates.append(up_w)
        update_op = group(*updates)
        auc = _dynamic_auc(labels_acc, preds_acc, weights_acc, curve)
        return _finish(auc, update_op, metrics_collections, updates_collections)


def auc_using_histogram(boolean_labels, scores, score_range, nbins=100, collections=None,
                        check_shape=True, name=None):
    """ROC AUC from running int64 histograms of the scores of True and False records
    (Bouckaert's trapezoid over bins, high scores first); float32.

        auc, update = gc.contrib.metrics.auc_using_histogram(y, p, [0.0, 1.0], nbins=50)
    """
    if collections is None:
        collections = [GraphKeys.LOCAL_VARIABLES]
    labels = convert_to_tensor(boolean_labels, name="boolean_labels")
    scores = convert_to_tensor(scores, name="scores")
    with variable_scope(name, "auc_using_histogram", (labels, scores, score_range)):
        if labels.dtype is not dtypes.bool_:
            raise ValueError("Argument boolean_labels should have dtype bool.  Found: "
                             f"{labels.dtype.name}\n  "
                             + errors.describe_tensor(labels, "boolean_labels"))
        for t, what in ((labels, "boolean_labels"), (scores, "scores")):
            if check_shape and t.shape.rank not in (None, 1):
                raise ValueError(f"Argument {what} should have rank 1.  Found: {t.shape}\n  "
                                 + errors.describe_tensor(t, what))
        rng = convert_to_tensor(score_range, dtype=scores.dtype, name="score_range")
        hist_t = histogram_fixed_width(boolean_mask(scores, labels), rng, nbins=nbins,
                                       dtype=dtypes.int64, name="hist_true")
        hist_f = histogram_fixed_width(boolean_mask(scores, E.logical_not(labels)), rng,
                                       nbins=nbins, dtype=dtypes.int64, name="hist_false")
        with variable_scope(None, "hist_accumulate"):
            acc_t = get_variable("hist_true_acc", [nbins], dtypes.int64, zeros_initializer(),
                                 collections=collections, trainable=False)
            acc_f = get_variable("hist_false_acc", [nbins], dtypes.int64,
                                 zeros_initializer(), collections=collections,
                                 trainable=False)
            update_op = group(acc_t.assign_add(hist_t), acc_f.assign_add(hist_f),
                              name="update_op")
        dy = E.cast(reverse(E.divide(acc_t, R.reduce_sum(acc_t)), [0]), F32)
        dx = E.cast(reverse(E.divide(acc_f, R.reduce_sum(acc_f)), [0]), F32)
        y = cumsum(dy)
        auc = E.add(dx[0] * y[0] / 2.0, R.reduce_sum(dx[1:] * (y[1:] + y[:-1]) / 2.0),
                    name="auc")
        return auc, update_op


def precision_recall_at_equal_thresholds(labels, predictions, weights=None,
                                         num_thresholds=None, use_locking=None, name=None):
    """(PrecisionRecallData, update_op): tp, fp, tn, fn, precision, recall and thresholds,
    each of shape [num_thresholds] (default 201) at thresholds evenly spaced in [0, 1],
    from float64 buckets of floor(p * (num_thresholds - 1)) (a prediction counts at every
    threshold <= its bucket); cast back to predictions' dtype. labels must be bool.

        data, update = gc.contrib.metrics.precision_recall_at_equal_thresholds(y, p)
    """
    from ..ops.asserts import assert_greater_equal, assert_less_equal
    num_thresholds = 201 if num_thresholds is None else num_thresholds
    labels = convert_to_tensor(labels, name="labels")
    predictions = convert_to_tensor(predictions, name="predictions")
    if labels.dtype is not dtypes.bool_:
        raise TypeError(f"precision_recall_at_equal_thresholds: labels must be bool, got "
                        f"{labels.dtype.name}\n  " + errors.describe_tensor(labels, "labels"))
    weights = 1.0 if weights is None else weights
    with variable_scope(name, "precision_recall_at_equal_thresholds",
                        (labels, predictions, weights)):
        with control_dependencies([
                assert_greater_equal(predictions, E.cast(0.0, predictions.dtype),
                                     message="predictions must be in [0, 1]"),
                assert_less_equal(predictions, E.cast(1.0, predictions.dtype),
                                  message="predictions must be in [0, 1]")]):
            flat = A.reshape(predictions, [-1])
        if not predictions.shape.is_compatible_with(labels.shape):
            raise errors.ShapeError(
                f"precision_recall_at_equal_thresholds: shapes {predictions.shape} and "
                f"{labels.shape} are incompatible\n  "
                + errors.describe_tensor(predictions, "predictions") + "\n  "
                + errors.describe_tensor(labels, "labels"))
        f_labels = E.cast(labels, F64)
        w = E.cast(convert_to_tensor(weights), F64)
        true_w = A.reshape(f_labels * w * A.ones_like(f_labels), [-1])
        false_w = A.reshape((1.0 - f_labels) * w * A.ones_like(f_labels), [-1])
        bucket = E.cast(E.floor(flat * (num_thresholds - 1)), dtypes.int32)
        tp_b = _metric_variable([num_thresholds], F64, "variables/tp_buckets")
        fp_b = _metric_variable([num_thresholds], F64, "variables/fp_buckets")
        update_op = group(
            tp_b.assign_add(unsorted_segment_sum(true_w, bucket, num_thresholds)),
            fp_b.assign_add(unsorted_segment_sum(false_w, bucket, num_thresholds)))
        tp = cumsum(tp_b.value(), reverse=True, name="tp")
        fp = cumsum(fp_b.value(), reverse=True, name="fp")
        tn, fn = fp[0] - fp, tp[0] - tp
        precision = tp / E.maximum(_EPSILON, tp + fp)
        recall = tp / E.maximum(_EPSILON, tp + fn)
        out = predictions.dtype
        result = PrecisionRecallData(*[E.cast(t, out) for t in (
            tp, fp, tn, fn, precision, recall, lin_space(0.0, 1.0, num_thresholds))])
        return result, update_op


def recall_at_precision(labels, predictions, precision, weights=None, num_thresholds=200,
                        metrics_collections=None, updates_collections=None, name=None,
                        strict_mode=False):
    """tp / (tp + fn + 1e-7) at the threshold whose precision tp / (tp + fp + 1e-7) is
    closest to `precision`; with strict_mode, at the threshold whose precision is the
    smallest one >= `precision` (the argmax of 1 / (p - precision + 1e-7)), and 0 when
    that precision is below the target.

        r, update = gc.contrib.metrics.recall_at_precision(y, p, 0.8, strict_mode=True)
    """
    if not strict_mode:
        return _extra.recall_at_precision(labels, predictions, precision, weights,
                                          num_thresholds, metrics_collections,
                                          updates_collections, name)
    if not 0 <= precision <= 1:
        raise ValueError("`precision` must be in the range [0, 1].")
    with variable_scope(name, "recall_at_precision", (predictions, labels, weights)):
        values, updates = _extra._at_thresholds("recall_at_precision", labels, predictions,
                                                num_thresholds, weights,
                                                ("tp", "fn", "tn", "fp"))

        def at(c, label):
            precisions = E.divide(c["tp"], c["tp"] + c["fp"] + _EPSILON)
            i = R.argmax(E.divide(1.0, precisions - precision + _EPSILON), 0,
                         output_type=dtypes.int32)
            tp, fn = A.gather(c["tp"], i), A.gather(c["fn"], i)
            good = E.greater_equal(A.gather(precisions, i), precision)
            return where(good, E.divide(tp, tp + fn + _EPSILON), A.zeros_like(tp),
                         name=label)
        return _finish(at(values, "value"), at(updates, "update_op"), metrics_collections,
                       updates_collections)
