"""TF's tf.estimator.MultiLabelHead and MultiHead: a head for examples with any number
of labels out of n_classes (one sigmoid cross-entropy per class), and a head that
combines named heads (one loss, per-head predictions and metrics).

    head = gc.estimator.MultiHead([gc.estimator.MultiLabelHead(3, name="tags"),
                                   gc.estimator.RegressionHead(name="score")])
    est = gc.estimator.DNNEstimator(head, hidden_units=[8], feature_columns=columns)
    # labels: {"tags": multi-hot [batch, 3] (or a SparseTensor of ids),
    #          "score": [batch, 1]}

Both are built from the public API of heads.py; MultiHead lives in heads_multihead.py
(re-exported here).
"""
from .. import dtypes
from ..graph import control_dependencies, name_scope
from ..lookup_index import index_table_from_tensor
from ..metrics import accuracy, mean as metrics_mean
from ..metrics_curves import (auc, false_negatives_at_thresholds,
                              false_positives_at_thresholds, true_positives_at_thresholds)
from ..ops.array import squeeze
from ..ops.core import convert_to_tensor
from ..ops.elementwise import cast, greater, sigmoid
from ..ops.math_extra import div_no_nan
from ..ops.nn import sigmoid_cross_entropy_with_logits
from ..ops.reduce import reduce_mean
from ..sparse import SparseTensor
from ..sparse_misc import convert_to_tensor_or_sparse_tensor
from ..sparse_ops import sparse_to_indicator
from . import export_output
from .head import (CLASSIFY_SERVING_KEY, DEFAULT_SERVING_KEY, PREDICT_SERVING_KEY,
                   MetricKeys, PredictionKeys, _Head, broadcast_weights, call_loss_fn,
                   check_dense_labels_match_logits_and_reshape, summary_key,
                   validate_loss_fn_args)
from .head_classification import _class_strings, _per_example, assert_range
from .heads import SUM_OVER_BATCH_SIZE, Head, validate_loss_reduction
from .heads_multihead import MultiHead  # noqa: F401 (re-exported)

__all__ = ["MultiLabelHead", "MultiHead"]

_K = PredictionKeys
# the per-class metric keys (TF's MetricKeys.*_AT_CLASS and *_AT_NAME)
_AT_CLASS = ("probability_mean/class%d", "auc/class%d", "auc_precision_recall/class%d")
_AT_NAME = ("probability_mean/%s", "auc/%s", "auc_precision_recall/%s")


def _metric_classes(classes, n_classes, label_vocabulary):
    """classes_for_class_based_metrics as class ids (TF's checks and messages)."""
    if not classes:
        return ()
    classes = tuple(classes)
    if isinstance(classes[0], str):
        if not label_vocabulary:
            raise ValueError("label_vocabulary must be provided when "
                             "classes_for_class_based_metrics are strings.")
        return tuple(list(label_vocabulary).index(c) for c in classes)
    for class_id in classes:
        if class_id < 0 or class_id >= n_classes:
            raise ValueError(f"All classes_for_class_based_metrics must be in range "
                             f"[0, {n_classes - 1}]. Given: {class_id}")
    return classes


class _MultiLabelImpl(_Head):
    """The maths of MultiLabelHead (the role the TF1 heads play for heads.py)."""

    def __init__(self, n_classes, weight_column, thresholds, label_vocabulary, reduction,
                 loss_fn, metric_classes, name):
        super().__init__(weight_column, reduction, loss_fn, name)
        self._n_classes = n_classes
        self._thresholds = thresholds
        self._label_vocabulary = label_vocabulary
        self._metric_classes = metric_classes

    logits_dimension = property(lambda self: self._n_classes)

    def _processed_labels(self, logits, labels):
        """Multi-hot [D0, ..., DN, n_classes] labels: dense ones checked to be in [0, 1],
        SparseTensors of ids (or vocabulary strings) turned into indicators (TF)."""
        if labels is None:       # raises TF's "You must provide a labels Tensor" error
            check_dense_labels_match_logits_and_reshape(labels, logits, self._n_classes)
        labels = convert_to_tensor_or_sparse_tensor(labels)
        if isinstance(labels, SparseTensor):
            if labels.dtype == dtypes.string:
                if self._label_vocabulary is None:
                    raise ValueError("String labels need a label_vocabulary. Given labels "
                                     f"of dtype {labels.dtype}.")
                ids = index_table_from_tensor(tuple(self._label_vocabulary),
                                              name="class_id_lookup").lookup(labels.values)
                indicator = sparse_to_indicator(
                    SparseTensor(labels.indices, ids, labels.dense_shape), self._n_classes)
            else:
                if not labels.dtype.is_integer:
                    raise ValueError(f"Labels dtype should be integer. Instead got "
                                     f"{labels.dtype}.")
                checked = assert_range(
                    labels.values, self._n_classes,
                    message=f"labels must be an integer SparseTensor with values in "
                            f"[0, {self._n_classes})")
                with control_dependencies([checked]):
                    indicator = sparse_to_indicator(labels, self._n_classes)
            labels = cast(indicator, dtypes.int64)
        else:
            labels = assert_range(labels, 2, message="labels must be an integer indicator "
                                                     "Tensor with values in [0, 1]")
        return check_dense_labels_match_logits_and_reshape(labels, logits, self._n_classes)

    def create_loss(self, features, mode, logits, labels):
        """See _Head: the sigmoid cross-entropy averaged over the classes, [..., 1]."""
        logits = convert_to_tensor(logits)
        labels = self._processed_labels(logits, labels)
        if self._loss_fn:
            loss = call_loss_fn(self._loss_fn, labels, logits, features, 1)
        else:
            loss = sigmoid_cross_entropy_with_logits(labels=cast(labels, logits.dtype),
                                                     logits=logits)
            loss = reduce_mean(loss, axis=-1, keepdims=True)
        return self._weighted_loss(loss, features, logits, labels)

    def _predictions(self, logits):
        with name_scope(None, "predictions", (logits,)):
            probabilities = sigmoid(logits, name=_K.PROBABILITIES)
            classes = _per_example(_class_strings(self._n_classes, self._label_vocabulary),
                                   logits)
            predictions = {_K.LOGITS: logits, _K.PROBABILITIES: probabilities,
                           _K.CLASSES: classes}
        output = export_output.ClassificationOutput(
            scores=probabilities,
            classes=_per_example(_class_strings(self._n_classes, self._label_vocabulary),
                                 probabilities))
        return predictions, {DEFAULT_SERVING_KEY: output, CLASSIFY_SERVING_KEY: output,
                             PREDICT_SERVING_KEY: export_output.PredictOutput(predictions)}

    def _eval_metric_ops(self, spec, predictions, labels):
        """TF's Keras metrics as (value, update_op): average_loss, ROC and PR AUC over
        all (example, class) pairs, accuracy/precision/recall at each threshold
        (positive: probability > t) and the per-class metrics."""
        keys, w, key = MetricKeys, spec.weights, lambda k: summary_key(self._name, k)
        labels = spec.processed_labels
        probabilities = predictions[_K.PROBABILITIES]
        ops = {key(keys.LOSS_MEAN): metrics_mean(
            spec.unreduced_loss, weights=broadcast_weights(w, spec.unreduced_loss),
            name=keys.LOSS_MEAN)}
        ops[key(keys.AUC)] = _auc(labels, probabilities, w, "ROC", keys.AUC)
        ops[key(keys.AUC_PR)] = _auc(labels, probabilities, w, "PR", keys.AUC_PR)
        weights = broadcast_weights(w, probabilities)
        for t in self._thresholds:
            name = keys.ACCURACY_AT_THRESHOLD % t
            ops[key(name)] = accuracy(cast(labels, dtypes.float32),
                                      cast(greater(probabilities, t), dtypes.float32),
                                      weights=weights, name=name)
            for k, miss in ((keys.PRECISION_AT_THRESHOLD, false_positives_at_thresholds),
                            (keys.RECALL_AT_THRESHOLD, false_negatives_at_thresholds)):
                ops[key(k % t)] = _rate_at(labels, probabilities, t, weights, miss, k % t)
        vocabulary = self._label_vocabulary
        for class_id in self._metric_classes:
            label = class_id if vocabulary is None else vocabulary[class_id]
            at = _AT_CLASS if vocabulary is None else _AT_NAME
            p, y = probabilities[..., class_id:class_id + 1], labels[..., class_id:class_id + 1]
            ops[key(at[0] % label)] = metrics_mean(p, weights=broadcast_weights(w, p),
                                                   name=at[0] % label)
            ops[key(at[1] % label)] = _auc(y, p, w, "ROC", at[1] % label)
            ops[key(at[2] % label)] = _auc(y, p, w, "PR", at[2] % label)
        return ops


def _auc(labels, predictions, weights, curve, name):
    """Keras' AUC (200 thresholds; PR interpolates precision carefully)."""
    with name_scope(None, name) as scope:
        predictions = cast(predictions, dtypes.float32, name="predictions")
        method = "careful_interpolation" if curve == "PR" else "trapezoidal"
        return auc(labels=labels, predictions=predictions,
                   weights=broadcast_weights(weights, predictions), curve=curve,
                   summation_method=method, name=scope)


def _rate_at(labels, predictions, t, weights, miss_fn, name):
    """Keras' Precision / Recall at threshold t: tp / (tp + miss), 0 when empty."""
    with name_scope(None, name):
        tp, tp_update = true_positives_at_thresholds(labels, predictions, (t,), weights)
        miss, miss_update = miss_fn(labels, predictions, (t,), weights)
        return (squeeze(div_no_nan(tp, tp + miss), name="value"),
                squeeze(div_no_nan(tp_update, tp_update + miss_update), name="update_op"))


class MultiLabelHead(Head):
    """Multi-label classification: each example has zero or more of n_classes labels;
    the loss is the sigmoid cross-entropy averaged over the classes, weighted and
    reduced over the batch by loss_reduction (TF).

        head = gc.estimator.MultiLabelHead(3, thresholds=[0.5],
                                           label_vocabulary=["a", "b", "c"])
    Labels: a multi-hot [batch, n_classes] tensor, or a SparseTensor of class ids (of
    label_vocabulary's strings with a vocabulary). Predictions: logits, probabilities,
    classes. Metrics: average_loss, auc, auc_precision_recall, accuracy/precision/
    recall at each threshold, and probability_mean, auc, auc_precision_recall of each
    class of classes_for_class_based_metrics.
    """
    _prediction_keys = [_K.LOGITS, _K.PROBABILITIES, _K.CLASSES]

    def __init__(self, n_classes, weight_column=None, thresholds=None,
                 label_vocabulary=None, loss_reduction=SUM_OVER_BATCH_SIZE, loss_fn=None,
                 classes_for_class_based_metrics=None, name=None):
        if n_classes is None or n_classes < 2:
            raise ValueError("n_classes must be > 1 for multi-label classification. "
                             f"Given: {n_classes}")
        thresholds = tuple(thresholds) if thresholds else ()
        for t in thresholds:
            if t <= 0.0 or t >= 1.0:
                raise ValueError(f"thresholds must be in (0, 1) range. Given: {t}")
        if label_vocabulary is not None:
            if not isinstance(label_vocabulary, (list, tuple)):
                raise ValueError("label_vocabulary must be a list or tuple. Given type: "
                                 f"{type(label_vocabulary)}")
            if len(label_vocabulary) != n_classes:
                raise ValueError(f"Length of label_vocabulary must be n_classes "
                                 f"({n_classes}). Given: {len(label_vocabulary)}")
        if loss_fn:
            validate_loss_fn_args(loss_fn)
        reduction = validate_loss_reduction(loss_reduction)
        classes = _metric_classes(classes_for_class_based_metrics, n_classes,
                                  label_vocabulary)
        self._loss_reduction = loss_reduction
        self._impl = _MultiLabelImpl(n_classes, weight_column, thresholds,
                                     label_vocabulary, reduction, loss_fn, classes, name)
