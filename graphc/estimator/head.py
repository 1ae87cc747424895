"""Heads of the canned estimators (TF1's internal tf.estimator head.py): given logits, a
head makes the predictions, the loss, the train_op, the eval metrics and the export
outputs of an EstimatorSpec.

    head = head_lib.regression_head(label_dimension=1)
    def model_fn(features, labels, mode, config):
        logits = gc.layers.dense(features["x"], head.logits_dimension)
        return head.create_estimator_spec(features=features, mode=mode, logits=logits,
                                          labels=labels, optimizer=gc.train.AdamOptimizer())

This module holds the shared checks, the _Head base and the regression head;
head_classification.py holds the binary (sigmoid) and multi-class (softmax) heads.
"""
import collections

from .. import dtypes
from ..feature_column import numeric_column
from ..feature_column_base import _LazyBuilder, is_feature_column
from ..graph import Tensor, control_dependencies, name_scope
from ..losses import Reduction, compute_weighted_loss, mean_squared_error
from ..metrics import mean as metrics_mean
from ..ops.array import expand_dims, shape as shape_op
from ..ops.asserts import Assert, assert_equal, assert_rank_at_least
from ..ops.broadcast import add_n
from ..ops.core import convert_to_tensor, group, identity
from ..ops.creation import ones_like
from ..ops.elementwise import cast, equal
from ..ops.graphkeys import GraphKeys, get_collection
from ..ops.join import concat
from ..ops.reduce import reduce_all, reduce_any, reduce_sum
from ..sparse import SparseTensor
from ..sparse_misc import convert_to_tensor_or_sparse_tensor
from ..summary import scalar
from ..train.step import get_global_step
from . import export_output
from .estimator_lib import fn_args
from .model_fn import AVERAGE_LOSS_METRIC_KEY, LOSS_METRIC_KEY, EstimatorSpec, ModeKeys

__all__ = []

DEFAULT_SERVING_KEY = "serving_default"
CLASSIFY_SERVING_KEY = "classification"
REGRESS_SERVING_KEY = "regression"
PREDICT_SERVING_KEY = "predict"

LossSpec = collections.namedtuple(
    "LossSpec", ["training_loss", "unreduced_loss", "weights", "processed_labels"])


class PredictionKeys:
    """The keys of a canned estimator's predictions (TF1)."""
    CLASSES = "classes"
    CLASS_IDS = "class_ids"
    ALL_CLASSES = "all_classes"
    ALL_CLASS_IDS = "all_class_ids"
    LOGISTIC = "logistic"
    LOGITS = "logits"
    PREDICTIONS = "predictions"
    PROBABILITIES = "probabilities"


class MetricKeys:
    """The keys of a canned estimator's eval metrics (TF1)."""
    LOSS = LOSS_METRIC_KEY
    LOSS_MEAN = AVERAGE_LOSS_METRIC_KEY
    LOSS_REGULARIZATION = "regularization_loss"
    ACCURACY = "accuracy"
    PRECISION = "precision"
    RECALL = "recall"
    ACCURACY_BASELINE = "accuracy_baseline"
    AUC = "auc"
    AUC_PR = "auc_precision_recall"
    LABEL_MEAN = "label/mean"
    PREDICTION_MEAN = "prediction/mean"
    ACCURACY_AT_THRESHOLD = "accuracy/positive_threshold_%g"
    PRECISION_AT_THRESHOLD = "precision/positive_threshold_%g"
    RECALL_AT_THRESHOLD = "recall/positive_threshold_%g"


def summary_key(head_name, val):
    return f"{val}/{head_name}" if head_name else val


def check_loss_reduction(loss_reduction):
    if loss_reduction not in Reduction.all() or loss_reduction == Reduction.NONE:
        raise ValueError(f"Invalid loss_reduction: {loss_reduction}")


def validate_loss_fn_args(loss_fn):
    """loss_fn takes labels and logits, and maybe features (TF1's messages)."""
    args = fn_args(loss_fn)
    for required in ("labels", "logits"):
        if required not in args:
            raise ValueError(f"loss_fn must contain argument: {required}. Given "
                             f"arguments: {args}")
    invalid = sorted(set(args) - {"labels", "logits", "features"})
    if invalid:
        raise ValueError(f"loss_fn has unexpected args: {invalid}")


def check_dense_labels_match_logits_and_reshape(labels, logits, expected_labels_dimension):
    """labels as [D0, ..., DN, expected_labels_dimension] (a [D0, ..., DN] label gets a
    last axis), checked statically where known and at run time otherwise (TF1)."""
    if labels is None:
        raise ValueError("You must provide a labels Tensor. Given: None. Suggested "
                         "troubleshooting steps: Check that your data contain your label "
                         "feature. Check that your input_fn properly parses and returns "
                         "labels.")
    d = expected_labels_dimension
    with name_scope(None, "labels", (labels, logits)) as scope:
        labels = convert_to_tensor_or_sparse_tensor(labels)
        if isinstance(labels, SparseTensor):
            raise ValueError(
                f"SparseTensor labels are not supported. labels must be a Tensor of shape "
                f"[D0, D1, ..., DN, {d}], e.g. [batch_size, {d}]. Suggested Fix (1): Check "
                f"the label feature in your data. Each example must contain {d} value(s). "
                "If not, your choice of label was probably incorrect. Suggested Fix (2): "
                "In your input_fn, use tf.sparse_tensor_to_dense() to turn labels into a "
                "Tensor.")
        if labels.shape.rank is not None and logits.shape.rank is not None \
                and labels.shape.rank == logits.shape.rank - 1:
            labels = expand_dims(labels, -1)
        err_msg = (f"labels shape must be [D0, D1, ... DN, {d}]. Suggested Fix: check your "
                   "n_classes argument to the estimator and/or the shape of your label.")
        rank_ok = assert_rank_at_least(labels, 2, message=err_msg)
        with control_dependencies([rank_ok]):
            dims = labels.shape._dims
            if dims is not None and dims and dims[-1] is not None and dims[-1] != d:
                raise ValueError(
                    f"Mismatched label shape. Expected labels dimension={d}.  Received "
                    f"{dims[-1]}. Suggested Fix:If your classifier expects one-hot encoding "
                    "label,check your n_classes argument to the estimator and/or the shape "
                    "of your label. Otherwise, check the shape of your label.")
            labels_shape = shape_op(labels)
            expected = concat([shape_op(logits)[:-1], [d]], 0)
            dim_ok = assert_equal(expected, labels_shape, message=err_msg,
                                  data=["expected_labels_shape: ", expected,
                                        "labels_shape: ", labels_shape])
            with control_dependencies([dim_ok]):
                return identity(labels, name=scope)


def get_weights_and_check_match_logits(features, weight_column, logits,
                                       allow_per_logit_weights=False):
    """The example weights of weight_column (a feature key or a dense column) as float32
    [D0, ..., DN, 1] (or [..., logits_dimension] if allowed), or 1. without one (TF1)."""
    if allow_per_logit_weights:
        err_msg = ("weights shape must be [D0, D1, ... DN], [D0, D1, ... DN, 1] or "
                   "[D0, D1, ... DN, logits_dimension]")
    else:
        err_msg = "weights shape must be [D0, D1, ... DN] or [D0, D1, ... DN, 1]"
    with name_scope(None, "weights", tuple(features.values()) + (logits,)) as scope:
        if weight_column is None:
            return 1.
        if isinstance(weight_column, str):
            weight_column = numeric_column(key=weight_column, shape=(1,))
        if not (is_feature_column(weight_column) and weight_column._is_dense):
            raise TypeError("Weight column must be either a string or _DenseColumn. Given "
                            f"type: {type(weight_column)}.")
        weights = weight_column._get_dense_tensor(_LazyBuilder(features))
        if not (weights.dtype.is_floating or weights.dtype.is_integer):
            raise ValueError("Weight column should be castable to float. Given dtype: "
                             f"{weights.dtype}")
        weights = cast(weights, dtypes.float32, name="weights")
        weights_shape = shape_op(weights, name="weights_shape")
        logits_shape = shape_op(logits, name="logits_shape")
        if weights.shape.rank is not None and logits.shape.rank is not None \
                and weights.shape.rank == logits.shape.rank - 1:
            ok = assert_equal(logits_shape[:-1], weights_shape, message=err_msg,
                              data=["logits_shape: ", logits_shape, "weights_shape: ",
                                    weights_shape])
            with control_dependencies([ok]):
                return expand_dims(weights, -1, name=scope)
        supported = concat([logits_shape[:-1], [1]], 0)
        if allow_per_logit_weights:
            cond = reduce_any([reduce_all(equal(logits_shape, weights_shape)),
                               reduce_all(equal(supported, weights_shape))])
            ok = Assert(cond, [err_msg, "logits_shape: ", logits_shape,
                               "weights_shape: ", weights_shape])
        else:
            ok = assert_equal(supported, weights_shape, message=err_msg,
                              data=["logits_shape: ", logits_shape, "weights_shape: ",
                                    weights_shape])
        with control_dependencies([ok]):
            return identity(weights, name=scope)


def check_logits_final_dim(logits, expected_logits_dimension):
    """logits as float32 [D0, ..., DN, logits_dimension] (TF1's checks)."""
    with name_scope(None, "logits", (logits,)) as scope:
        logits = cast(logits, dtypes.float32)
        logits_shape = shape_op(logits)
        rank_ok = assert_rank_at_least(
            logits, 2, data=[logits_shape],
            message="logits shape must be [D0, D1, ... DN, logits_dimension]")
        with control_dependencies([rank_ok]):
            dims = logits.shape._dims
            if dims is not None and dims and dims[-1] is not None:
                if isinstance(expected_logits_dimension, int) \
                        and dims[-1] != expected_logits_dimension:
                    raise ValueError("logits shape must be [D0, D1, ... DN, "
                                     f"logits_dimension={expected_logits_dimension}], got "
                                     f"{logits.shape}.")
                return logits
            ok = assert_equal(expected_logits_dimension, logits_shape[-1],
                              data=[logits_shape],
                              message="logits shape must be [D0, D1, ... DN, "
                                      f"logits_dimension={expected_logits_dimension}]")
            with control_dependencies([ok]):
                return identity(logits, name=scope)


def call_loss_fn(loss_fn, labels, logits, features, expected_loss_dim=1):
    """loss_fn(labels=, logits=[, features=]), checked at run time to be
    [D0, ..., DN, expected_loss_dim] (TF1)."""
    kwargs = {"features": features} if "features" in fn_args(loss_fn) else {}
    with name_scope(None, "call_loss_fn", [labels, logits] + list(features.values())):
        loss = loss_fn(labels=labels, logits=logits, **kwargs)
        logits_shape = shape_op(logits, name="logits_shape")
        expected = concat([logits_shape[:-1], [expected_loss_dim]], 0,
                          name="expected_loss_shape")
        loss_shape = shape_op(loss, name="loss_shape")
        ok = Assert(reduce_all(equal(loss_shape, expected)),
                    [f"loss_fn must return Tensor of shape [D0, D1, ... DN, "
                     f"{expected_loss_dim}]. ", "logits_shape: ", logits_shape,
                     "loss_shape: ", loss_shape], name="check_loss_shape")
        with control_dependencies([ok]):
            return identity(loss)


def predictions_mean(predictions, weights=None, name=None):
    """metrics.mean of the predictions as float32, weighted by broadcast weights."""
    with name_scope(name, "predictions_mean", (predictions, weights)) as scope:
        predictions = cast(predictions, dtypes.float32, name="predictions")
        return metrics_mean(predictions, weights=broadcast_weights(weights, predictions),
                            name=scope)


def broadcast_weights(weights, values):
    """weights broadcast to values' shape (TF's weights_broadcast_ops)."""
    if weights is None or not isinstance(weights, Tensor):
        return weights if weights is None else weights * ones_like(values)
    if weights.shape.is_fully_defined() and values.shape.is_fully_defined() \
            and weights.shape == values.shape:
        return weights
    return weights * ones_like(values)


def append_update_ops(train_op):
    """train_op grouped with the UPDATE_OPS collection (batch norm's moving averages)."""
    update_ops = get_collection(GraphKeys.UPDATE_OPS)
    return group(train_op, *update_ops) if update_ops else train_op


class _Head:
    """The top of a model: from logits to an EstimatorSpec (TF1's _Head). Subclasses
    give logits_dimension, create_loss, _predictions and _eval_metric_ops."""

    def __init__(self, weight_column=None, loss_reduction=Reduction.SUM, loss_fn=None,
                 name=None):
        self._weight_column = weight_column
        self._loss_reduction = loss_reduction
        self._loss_fn = loss_fn
        self._name = name

    name = property(lambda self: self._name, doc="The head's name (suffix of keys).")

    @property
    def logits_dimension(self):
        raise NotImplementedError("Calling an abstract method.")

    def create_loss(self, features, mode, logits, labels):
        """A LossSpec(training_loss, unreduced_loss, weights, processed_labels)."""
        raise NotImplementedError("Calling an abstract method.")

    def _weighted_loss(self, unweighted_loss, features, logits, labels,
                       allow_per_logit_weights=False):
        weights = get_weights_and_check_match_logits(
            features, self._weight_column, logits, allow_per_logit_weights)
        training_loss = compute_weighted_loss(unweighted_loss, weights=weights,
                                              reduction=self._loss_reduction)
        return LossSpec(training_loss, unweighted_loss, weights, labels)

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              train_op_fn=None, regularization_losses=None):
        """The EstimatorSpec of mode: predictions (and export outputs) from logits; in
        EVAL and TRAIN also the loss (plus regularization_losses) against labels, the
        eval metrics, or optimizer.minimize(loss) / train_op_fn(loss) (TF1)."""
        with name_scope(self._name, "head"):
            logits = check_logits_final_dim(logits, self.logits_dimension)
            predictions, export_outputs = self._predictions(logits)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions,
                                     export_outputs=export_outputs)
            spec = self.create_loss(features=features, mode=mode, logits=logits,
                                    labels=labels)
            reg_loss, loss = None, spec.training_loss
            if regularization_losses:
                reg_loss = add_n(list(regularization_losses))
                loss = add_n([spec.training_loss, reg_loss])
            if mode == ModeKeys.EVAL:
                with name_scope(None, "metrics"):
                    metrics = self._eval_metric_ops(spec, predictions, labels)
                    if reg_loss is not None:
                        metrics[summary_key(self._name, MetricKeys.LOSS_REGULARIZATION)] = \
                            metrics_mean(reg_loss, name=MetricKeys.LOSS_REGULARIZATION)
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=metrics)
            if optimizer is not None:
                if train_op_fn is not None:
                    raise ValueError("train_op_fn and optimizer cannot both be set.")
                train_op = optimizer.minimize(loss, global_step=get_global_step())
            elif train_op_fn is not None:
                train_op = train_op_fn(loss)
            else:
                raise ValueError("train_op_fn and optimizer cannot both be None.")
            train_op = append_update_ops(train_op)
            mean_loss = None
            if self._loss_reduction == Reduction.SUM:   # TF1 summarizes it for SUM only
                weight_sum = reduce_sum(spec.weights * ones_like(spec.unreduced_loss))
                mean_loss = spec.training_loss / weight_sum
        with name_scope(""):
            scalar(summary_key(self._name, MetricKeys.LOSS), loss)
            if mean_loss is not None:
                scalar(summary_key(self._name, MetricKeys.LOSS_MEAN), mean_loss)
            if reg_loss is not None:
                scalar(summary_key(self._name, MetricKeys.LOSS_REGULARIZATION), reg_loss)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


def regression_head(weight_column=None, label_dimension=1, loss_reduction=Reduction.SUM,
                    loss_fn=None, inverse_link_fn=None, name=None):
    """A head for regression with the mean squared error, summed over the batch and
    label_dimension by default (TF1's _regression_head).

        head = regression_head(label_dimension=2, weight_column="w")
    """
    check_loss_reduction(loss_reduction)
    if loss_fn:
        validate_loss_fn_args(loss_fn)
    return _RegressionHead(label_dimension, weight_column, loss_reduction, loss_fn,
                           inverse_link_fn, name)


class _RegressionHead(_Head):
    """See regression_head."""

    def __init__(self, label_dimension, weight_column=None, loss_reduction=Reduction.SUM,
                 loss_fn=None, inverse_link_fn=None, name=None):
        if label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        super().__init__(weight_column, loss_reduction, loss_fn, name)
        self._logits_dimension = label_dimension
        self._inverse_link_fn = inverse_link_fn

    logits_dimension = property(lambda self: self._logits_dimension)

    def create_loss(self, features, mode, logits, labels):
        """See _Head: mean squared error (or loss_fn) against float32 labels."""
        logits = convert_to_tensor(logits)
        labels = check_dense_labels_match_logits_and_reshape(labels, logits,
                                                             self._logits_dimension)
        labels = cast(labels, dtypes.float32)
        if self._loss_fn:
            loss = call_loss_fn(self._loss_fn, labels, logits, features,
                                self._logits_dimension)
        else:
            loss = mean_squared_error(labels=labels, predictions=logits,
                                      reduction=Reduction.NONE)
        return self._weighted_loss(loss, features, logits, labels,
                                   allow_per_logit_weights=True)

    def _predictions(self, logits):
        keys = PredictionKeys
        if self._inverse_link_fn:
            value = self._inverse_link_fn(logits)
            predictions = {keys.PREDICTIONS: value, keys.LOGITS: logits}
        else:
            value = logits
            predictions = {keys.PREDICTIONS: value}
        out = export_output.RegressionOutput(value=value)
        return predictions, {DEFAULT_SERVING_KEY: out, REGRESS_SERVING_KEY: out,
                             PREDICT_SERVING_KEY: export_output.PredictOutput(predictions)}

    def _eval_metric_ops(self, spec, predictions, labels):
        keys, w = MetricKeys, spec.weights
        value = predictions[PredictionKeys.PREDICTIONS]
        w_loss = broadcast_weights(w, spec.unreduced_loss)
        return {
            summary_key(self._name, keys.LOSS_MEAN): metrics_mean(spec.unreduced_loss,
                                                                  weights=w_loss),
            summary_key(self._name, keys.PREDICTION_MEAN): predictions_mean(
                value, weights=w, name=keys.PREDICTION_MEAN),
            summary_key(self._name, keys.LABEL_MEAN): metrics_mean(
                spec.processed_labels,
                weights=broadcast_weights(w, spec.processed_labels)),
        }
