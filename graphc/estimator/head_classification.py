"""The classification heads of the canned estimators (TF1's head.py): binary
classification with the sigmoid cross-entropy and multi-class classification with the
sparse softmax cross-entropy, both summed over the batch by default.

    head = binary_logistic_or_multi_class_head(n_classes=3, weight_column=None,
                                               label_vocabulary=["a", "b", "c"],
                                               loss_reduction=gc.losses.Reduction.SUM)
"""
from .. import dtypes
from ..graph import control_dependencies, name_scope
from ..losses import Reduction, sparse_softmax_cross_entropy
from ..lookup_index import index_table_from_tensor, index_to_string_table_from_tensor
from ..metrics import accuracy, mean as metrics_mean, precision, recall
from ..metrics_curves import auc, precision_at_thresholds, recall_at_thresholds
from ..ops.array import expand_dims, shape as shape_op, squeeze, tile
from ..ops.asserts import assert_less_equal, assert_non_negative
from ..ops.core import constant, convert_to_tensor, identity
from ..ops.creation import range as range_op, zeros_like
from ..ops.elementwise import cast, greater_equal, maximum, sigmoid
from ..ops.nn import sigmoid_cross_entropy_with_logits
from ..ops.join import concat
from ..ops.nn_softmax import softmax
from ..ops.reduce import argmax
from ..ops.strings import as_string
from . import export_output
from .head import (CLASSIFY_SERVING_KEY, DEFAULT_SERVING_KEY, PREDICT_SERVING_KEY,
                   REGRESS_SERVING_KEY, MetricKeys, PredictionKeys, _Head, broadcast_weights,
                   call_loss_fn, check_dense_labels_match_logits_and_reshape,
                   check_loss_reduction, predictions_mean, summary_key,
                   validate_loss_fn_args)

__all__ = []


def assert_range(labels, n_classes, message=None):
    """labels, checked at run time to lie in [0, n_classes - 1] (TF1's messages)."""
    with name_scope(None, "assert_range", (labels,)):
        less = assert_less_equal(labels, convert_to_tensor(n_classes - 1, dtype=labels.dtype),
                                 message=message or "Labels must <= n_classes - 1")
        non_negative = assert_non_negative(labels, message=message or "Labels must >= 0")
        with control_dependencies([less, non_negative]):
            return identity(labels)


def _class_strings(n_classes, label_vocabulary):
    if label_vocabulary:
        return constant(list(label_vocabulary), dtype=dtypes.string)
    return as_string(range_op(n_classes))


def _per_example(row, logits):
    """[batch, n]: the row [n] repeated for every example of logits."""
    return tile(expand_dims(row, 0), [shape_op(logits)[0], 1])


def _class_predictions(logits, class_ids, probabilities, n_classes, label_vocabulary):
    """The keys both classification heads predict, and their classification output."""
    keys = PredictionKeys
    if label_vocabulary:
        table = index_to_string_table_from_tensor(list(label_vocabulary),
                                                  name="class_string_lookup")
        classes = table.lookup(class_ids)
    else:
        classes = as_string(class_ids, name="str_classes")
    predictions = {keys.LOGITS: logits, keys.PROBABILITIES: probabilities,
                   keys.CLASS_IDS: class_ids, keys.CLASSES: classes,
                   keys.ALL_CLASS_IDS: _per_example(range_op(n_classes), logits),
                   keys.ALL_CLASSES: _per_example(_class_strings(n_classes,
                                                                 label_vocabulary), logits)}
    output = export_output.ClassificationOutput(
        scores=probabilities,
        classes=_per_example(_class_strings(n_classes, label_vocabulary), probabilities))
    return predictions, output


def _check_vocabulary(label_vocabulary, error, what):
    if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
        raise error(f"label_vocabulary should be {what}. Given type: "
                    f"{type(label_vocabulary)}")


def multi_class_head(n_classes, weight_column=None, label_vocabulary=None,
                     loss_reduction=Reduction.SUM, loss_fn=None, name=None):
    """A head for n_classes > 2 classes: softmax cross-entropy of integer labels in
    [0, n_classes) or strings of label_vocabulary (TF1's
    _multi_class_head_with_softmax_cross_entropy_loss).

        head = multi_class_head(3, label_vocabulary=["cat", "dog", "fish"])
    """
    _check_vocabulary(label_vocabulary, ValueError, "a list or a tuple")
    check_loss_reduction(loss_reduction)
    if loss_fn:
        validate_loss_fn_args(loss_fn)
    return _MultiClassHead(n_classes, weight_column, label_vocabulary, loss_reduction,
                           loss_fn, name)


class _MultiClassHead(_Head):
    """See multi_class_head."""

    def __init__(self, n_classes, weight_column=None, label_vocabulary=None,
                 loss_reduction=Reduction.SUM, loss_fn=None, name=None):
        if n_classes is None:
            raise ValueError("n_classes cannot be None")
        if isinstance(n_classes, int) and n_classes <= 2:
            raise ValueError(f"n_classes must be > 2: {n_classes}.")
        super().__init__(weight_column, loss_reduction, loss_fn, name)
        self._n_classes = n_classes
        self._label_vocabulary = label_vocabulary

    logits_dimension = property(lambda self: self._n_classes)

    def _label_ids(self, labels):
        if self._label_vocabulary is None:
            if not labels.dtype.is_integer:
                raise ValueError(f"Labels dtype should be integer. Instead got "
                                 f"{labels.dtype}.")
            ids = labels
        else:
            if labels.dtype != dtypes.string:
                raise ValueError("Labels dtype should be string if there is a vocabulary. "
                                 f"Instead got {labels.dtype}")
            ids = index_table_from_tensor(tuple(self._label_vocabulary),
                                          name="class_id_lookup").lookup(labels)
        return assert_range(ids, self._n_classes)

    def create_loss(self, features, mode, logits, labels):
        """See _Head: sparse softmax cross-entropy [D0, ..., DN, 1] of the label ids."""
        logits = convert_to_tensor(logits)
        labels = check_dense_labels_match_logits_and_reshape(labels, logits, 1)
        label_ids = self._label_ids(labels)
        if self._loss_fn:
            loss = call_loss_fn(self._loss_fn, label_ids, logits, features, 1)
        else:
            loss = sparse_softmax_cross_entropy(labels=label_ids, logits=logits,
                                                reduction=Reduction.NONE)
            loss = expand_dims(loss, -1)
        return self._weighted_loss(loss, features, logits, label_ids)

    def _predictions(self, logits):
        keys = PredictionKeys
        with name_scope(None, "predictions", (logits,)):
            class_ids = expand_dims(argmax(logits, -1, name=keys.CLASS_IDS), -1)
            probabilities = softmax(logits, name=keys.PROBABILITIES)
            predictions, output = _class_predictions(logits, class_ids, probabilities,
                                                     self._n_classes,
                                                     self._label_vocabulary)
        return predictions, {DEFAULT_SERVING_KEY: output, CLASSIFY_SERVING_KEY: output,
                             PREDICT_SERVING_KEY: export_output.PredictOutput(predictions)}

    def _eval_metric_ops(self, spec, predictions, labels):
        keys, w = MetricKeys, spec.weights
        class_ids = predictions[PredictionKeys.CLASS_IDS]
        return {
            summary_key(self._name, keys.LOSS_MEAN): metrics_mean(
                spec.unreduced_loss, weights=broadcast_weights(w, spec.unreduced_loss),
                name=keys.LOSS_MEAN),
            summary_key(self._name, keys.ACCURACY): accuracy(
                spec.processed_labels, class_ids, weights=w, name=keys.ACCURACY),
        }


def binary_logistic_head(weight_column=None, thresholds=None, label_vocabulary=None,
                         loss_reduction=Reduction.SUM, loss_fn=None, name=None):
    """A head for two classes: sigmoid cross-entropy of labels in [0, 1] or strings of a
    two-word label_vocabulary; thresholds add accuracy/precision/recall metrics at
    those cut-offs (TF1's _binary_logistic_head_with_sigmoid_cross_entropy_loss).

        head = binary_logistic_head(thresholds=[0.3, 0.7])
    """
    thresholds = tuple(thresholds) if thresholds else ()
    _check_vocabulary(label_vocabulary, TypeError, "a list or tuple")
    for t in thresholds:
        if t <= 0.0 or t >= 1.0:
            raise ValueError(f"thresholds not in (0, 1): {(thresholds,)}.")
    check_loss_reduction(loss_reduction)
    if loss_fn:
        validate_loss_fn_args(loss_fn)
    return _BinaryLogisticHead(weight_column, thresholds, label_vocabulary, loss_reduction,
                               loss_fn, name)


class _BinaryLogisticHead(_Head):
    """See binary_logistic_head."""

    def __init__(self, weight_column=None, thresholds=None, label_vocabulary=None,
                 loss_reduction=Reduction.SUM, loss_fn=None, name=None):
        super().__init__(weight_column, loss_reduction, loss_fn, name)
        self._thresholds = tuple(thresholds) if thresholds else ()
        self._label_vocabulary = label_vocabulary

    logits_dimension = property(lambda self: 1)

    def create_loss(self, features, mode, logits, labels):
        """See _Head: sigmoid cross-entropy of float32 labels in [0, 1]."""
        logits = convert_to_tensor(logits)
        labels = check_dense_labels_match_logits_and_reshape(labels, logits, 1)
        if self._label_vocabulary is not None:
            labels = index_table_from_tensor(tuple(self._label_vocabulary),
                                             name="class_id_lookup").lookup(labels)
        labels = assert_range(cast(labels, dtypes.float32), 2)
        if self._loss_fn:
            loss = call_loss_fn(self._loss_fn, labels, logits, features, 1)
        else:
            loss = sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        return self._weighted_loss(loss, features, logits, labels)

    def _predictions(self, logits):
        keys = PredictionKeys
        with name_scope(None, "predictions", (logits,)):
            logistic = sigmoid(logits, name=keys.LOGISTIC)
            two_class_logits = concat([zeros_like(logits), logits], -1,
                                      name="two_class_logits")
            probabilities = softmax(two_class_logits, name=keys.PROBABILITIES)
            class_ids = expand_dims(argmax(two_class_logits, -1, name=keys.CLASS_IDS), -1)
            predictions, output = _class_predictions(logits, class_ids, probabilities, 2,
                                                     self._label_vocabulary)
            predictions[keys.LOGISTIC] = logistic
        return predictions, {
            DEFAULT_SERVING_KEY: output, CLASSIFY_SERVING_KEY: output,
            REGRESS_SERVING_KEY: export_output.RegressionOutput(value=logistic),
            PREDICT_SERVING_KEY: export_output.PredictOutput(predictions)}

    def _eval_metric_ops(self, spec, predictions, labels):
        keys, w, key = MetricKeys, spec.weights, lambda k: summary_key(self._name, k)
        labels = spec.processed_labels
        class_ids = predictions[PredictionKeys.CLASS_IDS]
        logistic = predictions[PredictionKeys.LOGISTIC]
        with name_scope(None, keys.LABEL_MEAN) as scope:
            labels_mean = metrics_mean(labels, weights=broadcast_weights(w, labels),
                                       name=scope)
        with name_scope(None, "accuracy_baseline"):
            value, update = labels_mean
            baseline = (maximum(value, 1. - value, name="value"),
                        maximum(update, 1. - update, name="update_op"))
        ops = {
            key(keys.LOSS_MEAN): metrics_mean(
                spec.unreduced_loss, weights=broadcast_weights(w, spec.unreduced_loss),
                name=keys.LOSS_MEAN),
            key(keys.ACCURACY): accuracy(labels, class_ids, weights=w, name=keys.ACCURACY),
            key(keys.PRECISION): precision(labels, class_ids, weights=w,
                                           name=keys.PRECISION),
            key(keys.RECALL): recall(labels, class_ids, weights=w, name=keys.RECALL),
            key(keys.PREDICTION_MEAN): predictions_mean(logistic, weights=w,
                                                        name=keys.PREDICTION_MEAN),
            key(keys.LABEL_MEAN): labels_mean,
            key(keys.ACCURACY_BASELINE): baseline,
            key(keys.AUC): _auc(labels, logistic, w, "ROC", keys.AUC),
            key(keys.AUC_PR): _auc(labels, logistic, w, "PR", keys.AUC_PR),
        }
        for t in self._thresholds:
            ops[key(keys.ACCURACY_AT_THRESHOLD % t)] = accuracy(
                labels, cast(greater_equal(logistic, t), dtypes.float32), weights=w,
                name=keys.ACCURACY_AT_THRESHOLD % t)
            for k, fn in ((keys.PRECISION_AT_THRESHOLD, precision_at_thresholds),
                          (keys.RECALL_AT_THRESHOLD, recall_at_thresholds)):
                value, update = fn(labels, logistic, thresholds=(t,), weights=w,
                                   name=k % t)
                ops[key(k % t)] = (squeeze(value), squeeze(update))
        return ops


def _auc(labels, predictions, weights, curve, name):
    with name_scope(None, name) as scope:
        predictions = cast(predictions, dtypes.float32, name="predictions")
        return auc(labels=labels, predictions=predictions,
                   weights=broadcast_weights(weights, predictions), curve=curve,
                   name=scope)


def binary_logistic_or_multi_class_head(n_classes, weight_column, label_vocabulary,
                                        loss_reduction):
    """The binary head for n_classes == 2, else the multi-class head (TF1)."""
    if n_classes == 2:
        return binary_logistic_head(weight_column=weight_column,
                                    label_vocabulary=label_vocabulary,
                                    loss_reduction=loss_reduction)
    return multi_class_head(n_classes, weight_column=weight_column,
                            label_vocabulary=label_vocabulary,
                            loss_reduction=loss_reduction)
