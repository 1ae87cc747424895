"""The public heads of tf.estimator (TF's BinaryClassHead, MultiClassHead,
RegressionHead, PoissonRegressionHead, LogisticRegressionHead): the top of a model,
from logits to predictions, a loss, a train_op, eval metrics and export outputs.

    head = gc.estimator.BinaryClassHead(weight_column="w", thresholds=[0.3])
    def model_fn(features, labels, mode):
        logits = gc.layers.dense(features["x"], head.logits_dimension)
        return head.create_estimator_spec(
            features, mode, logits, labels,
            train_op_fn=lambda loss: gc.train.AdamOptimizer().minimize(
                loss, global_step=gc.train.get_global_step()))

Each public head wraps one of the TF1 heads of head.py / head_classification.py (which
compute the same losses, predictions and metrics) and gives it TF's public API:
loss_reduction is a tf.keras.losses.Reduction string ('sum_over_batch_size' by
default), loss(), predictions(keys) and create_estimator_spec(..., trainable_variables,
update_ops, ...).
"""
from .. import dtypes
from ..graph import name_scope
from ..losses import Reduction
from ..ops.broadcast import add_n
from ..ops.core import group
from ..metrics import accuracy
from ..metrics_curves import auc
from ..ops.elementwise import cast, exp, greater, sigmoid
from ..ops.nn import sigmoid_cross_entropy_with_logits
from ..ops.nn_misc import log_poisson_loss
from ..summary import scalar
from ..train.step import get_global_step
from .head import (MetricKeys, PredictionKeys, _RegressionHead, append_update_ops,
                   broadcast_weights,
                   check_logits_final_dim, summary_key, validate_loss_fn_args)
from .head_classification import _BinaryLogisticHead, _MultiClassHead, assert_range
from .model_fn import EstimatorSpec, ModeKeys

__all__ = ["Head", "BinaryClassHead", "MultiClassHead", "RegressionHead",
           "PoissonRegressionHead", "LogisticRegressionHead"]

SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
# tf.keras.losses.Reduction's values -> the TF1 reduction that computes the same loss
_REDUCTIONS = {"auto": Reduction.SUM_OVER_BATCH_SIZE, "sum": Reduction.SUM,
               "sum_over_batch_size": Reduction.SUM_OVER_BATCH_SIZE}
_LIST_ERROR = "{} should be a list or a tuple. Given type: {}"


def validate_loss_reduction(loss_reduction):
    """loss_reduction must be a tf.keras.losses.Reduction other than NONE (TF)."""
    if loss_reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid loss_reduction: {loss_reduction}. See "
                         "`tf.losses.Reduction` for valid options.")
    return _REDUCTIONS[loss_reduction]


def _check_vocabulary(label_vocabulary):
    if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
        raise ValueError(f"label_vocabulary should be a list or a tuple. Given type: "
                         f"{type(label_vocabulary)}")


def _check_list(value, what):
    if value is not None and not isinstance(value, (list, tuple)):
        raise ValueError(_LIST_ERROR.format(what, type(value)))


class Head:
    """The interface of the public heads (TF's tf.estimator.Head). A subclass sets
    self._impl (a TF1 head doing the maths), self._loss_reduction and
    self._prediction_keys (None: predictions() takes no keys)."""

    _impl = None
    _loss_reduction = SUM_OVER_BATCH_SIZE
    _prediction_keys = None

    name = property(lambda self: self._impl.name, doc="The head's name (key suffix).")
    logits_dimension = property(lambda self: self._impl.logits_dimension,
                                doc="The size of the logits' last axis.")
    loss_reduction = property(lambda self: self._loss_reduction,
                              doc="How the batch's losses are reduced.")

    def loss(self, labels, logits, features=None, mode=None, regularization_losses=None):
        """The training loss of a batch, reduced by loss_reduction, plus the sum of
        regularization_losses.

            loss = head.loss(labels, logits, features={"w": w})
        """
        del mode
        with name_scope(None, "losses", (logits, labels)):
            logits = check_logits_final_dim(logits, self.logits_dimension)
            spec = self._impl.create_loss(features=features or {}, mode=None,
                                          logits=logits, labels=labels)
            if regularization_losses is None:
                return spec.training_loss
            return spec.training_loss + add_n(list(regularization_losses))

    def _all_predictions(self, logits):
        return self._impl._predictions(check_logits_final_dim(logits,
                                                              self.logits_dimension))

    def predictions(self, logits, keys=None):
        """The predictions of keys (default: all) as a dict.

            head.predictions(logits, keys=["class_ids", "probabilities"])
        """
        valid = self._prediction_keys
        if keys:
            for key in keys:
                if key not in valid:
                    raise ValueError(f"Prediction key must be in PredictionKeys, given: "
                                     f"{key}.Valid prediction keys include {valid}.")
        else:
            keys = valid
        predictions = self._all_predictions(logits)[0]
        return {k: predictions[k] for k in valid if k in keys}

    def metrics(self, regularization_losses=None):
        """Keras metric objects (TF) are not available in graphc."""
        raise NotImplementedError("graphc's heads have no Keras metric objects: use "
                                  "create_estimator_spec in EVAL mode for eval_metric_ops.")

    update_metrics = metrics

    def _eval_metric_ops(self, spec, predictions, labels):
        return self._impl._eval_metric_ops(spec, predictions, labels)

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None,
                              trainable_variables=None, train_op_fn=None, update_ops=None,
                              regularization_losses=None):
        """The EstimatorSpec of mode (TF's Head.create_estimator_spec). TRAIN needs
        optimizer (a graphc Optimizer, minimizing over trainable_variables, or over all
        trainable variables plus the UPDATE_OPS collection when None) or train_op_fn.

            spec = head.create_estimator_spec(features, mode, logits, labels,
                                              optimizer=gc.train.AdagradOptimizer(0.1))
        """
        impl = self._impl
        with name_scope(self.name, "head"):
            predictions, export_outputs = self._all_predictions(logits)
            logits = check_logits_final_dim(logits, self.logits_dimension)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode, predictions=predictions,
                                     export_outputs=export_outputs)
            spec = impl.create_loss(features=features, mode=mode, logits=logits,
                                    labels=labels)
            loss, reg_loss = spec.training_loss, None
            if regularization_losses is not None:
                reg_loss = add_n(list(regularization_losses))
                loss = loss + reg_loss
            if mode == ModeKeys.EVAL:
                with name_scope(None, "metrics"):
                    metrics = self._eval_metric_ops(spec, predictions, labels)
                    if reg_loss is not None:
                        from ..metrics import mean
                        metrics[summary_key(self.name, MetricKeys.LOSS_REGULARIZATION)] = \
                            mean(reg_loss, name=MetricKeys.LOSS_REGULARIZATION)
                return EstimatorSpec(mode, predictions=predictions, loss=loss,
                                     eval_metric_ops=metrics)
        train_op = _train_op(optimizer, trainable_variables, train_op_fn, update_ops, loss)
        with name_scope(""):
            scalar(summary_key(self.name, MetricKeys.LOSS), loss)
            if reg_loss is not None:
                scalar(summary_key(self.name, MetricKeys.LOSS_REGULARIZATION), reg_loss)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op)


def _train_op(optimizer, trainable_variables, train_op_fn, update_ops, loss):
    """TF's create_estimator_spec_train_op, in name scope 'training'."""
    _check_list(update_ops, "update_ops")
    with name_scope(""), name_scope("training"):
        if optimizer is not None:
            if train_op_fn is not None:
                raise ValueError("train_op_fn and optimizer cannot both be set.")
            if trainable_variables is None:     # as TF1's heads: all trainable variables
                train_op = append_update_ops(optimizer.minimize(
                    loss, global_step=get_global_step()))
            else:
                _check_list(trainable_variables, "trainable_variables")
                train_op = optimizer.minimize(loss, var_list=list(trainable_variables),
                                              global_step=get_global_step())
        elif train_op_fn is not None:
            train_op = train_op_fn(loss)
        else:
            raise ValueError("train_op_fn and optimizer cannot both be None.")
        if update_ops is not None:
            train_op = group(train_op, *update_ops)
        return train_op


_K = PredictionKeys
_CLASS_KEYS = [_K.LOGITS, _K.PROBABILITIES, _K.CLASS_IDS, _K.CLASSES, _K.ALL_CLASS_IDS,
               _K.ALL_CLASSES]


class BinaryClassHead(Head):
    """Binary classification: sigmoid cross-entropy of labels in {0, 1} (or the two
    words of label_vocabulary), weighted and reduced by loss_reduction (TF).

        head = gc.estimator.BinaryClassHead(thresholds=[0.5], label_vocabulary=["n", "y"])
    Predictions: logits, logistic, probabilities, class_ids, classes, all_class_ids,
    all_classes. Metrics: accuracy, precision, recall, auc, auc_precision_recall,
    label/mean, prediction/mean, accuracy_baseline, average_loss, and
    accuracy/precision/recall at each threshold.
    """
    _prediction_keys = [_K.LOGITS, _K.LOGISTIC] + _CLASS_KEYS[1:]

    def __init__(self, weight_column=None, thresholds=None, label_vocabulary=None,
                 loss_reduction=SUM_OVER_BATCH_SIZE, loss_fn=None, name=None):
        _check_vocabulary(label_vocabulary)
        thresholds = tuple(thresholds) if thresholds else ()
        for t in thresholds:
            if t <= 0.0 or t >= 1.0:
                raise ValueError(f"thresholds not in (0, 1): {(thresholds,)}.")
        reduction = validate_loss_reduction(loss_reduction)
        if loss_fn:
            validate_loss_fn_args(loss_fn)
        self._loss_reduction = loss_reduction
        self._impl = _BinaryLogisticHead(weight_column, thresholds, label_vocabulary,
                                         reduction, loss_fn, name)

    def _eval_metric_ops(self, spec, predictions, labels):
        """TF1's binary metrics, but as TF's Keras metrics: the PR AUC interpolates
        precision, the accuracy at threshold t counts logistic > t (not >=)."""
        ops = self._impl._eval_metric_ops(spec, predictions, labels)
        keys, w, key = MetricKeys, spec.weights, lambda k: summary_key(self.name, k)
        labels = spec.processed_labels
        logistic = predictions[PredictionKeys.LOGISTIC]
        with name_scope(None, keys.AUC_PR) as scope:
            scores = cast(logistic, dtypes.float32, name="predictions")
            ops[key(keys.AUC_PR)] = auc(labels=labels, predictions=scores,
                                        weights=broadcast_weights(w, scores), curve="PR",
                                        summation_method="careful_interpolation",
                                        name=scope)
        for t in self._impl._thresholds:
            name = keys.ACCURACY_AT_THRESHOLD % t
            ops[key(name)] = accuracy(labels, cast(greater(logistic, t), dtypes.float32),
                                      weights=w, name=name)
        return ops


class MultiClassHead(Head):
    """Multi-class classification (n_classes > 2): sparse softmax cross-entropy of
    integer labels in [0, n_classes) or strings of label_vocabulary (TF).

        head = gc.estimator.MultiClassHead(3, label_vocabulary=["a", "b", "c"])
    Predictions: logits, probabilities, class_ids, classes, all_class_ids,
    all_classes. Metrics: accuracy, average_loss.
    """
    _prediction_keys = _CLASS_KEYS

    def __init__(self, n_classes, weight_column=None, label_vocabulary=None,
                 loss_reduction=SUM_OVER_BATCH_SIZE, loss_fn=None, name=None):
        if n_classes is None:
            raise ValueError("n_classes cannot be None")
        _check_vocabulary(label_vocabulary)
        if label_vocabulary is not None and len(label_vocabulary) != n_classes:
            raise ValueError(
                '"label_vocabulary" does not have "n_classes" items. '
                f"len(label_vocabulary)={len(label_vocabulary)}, n_classes={n_classes}, "
                f"label_vocabulary={label_vocabulary}")
        reduction = validate_loss_reduction(loss_reduction)
        if loss_fn:
            validate_loss_fn_args(loss_fn)
        self._loss_reduction = loss_reduction
        self._impl = _MultiClassHead(n_classes, weight_column, label_vocabulary, reduction,
                                     loss_fn, name)


class RegressionHead(Head):
    """Regression: mean squared error (or loss_fn) of [batch, label_dimension] float
    labels; with inverse_link_fn the predictions are inverse_link_fn(logits) (TF).

        head = gc.estimator.RegressionHead(label_dimension=2, weight_column="w")
    Predictions: predictions (and logits with inverse_link_fn). Metrics:
    average_loss, prediction/mean, label/mean.
    """

    def __init__(self, label_dimension=1, weight_column=None,
                 loss_reduction=SUM_OVER_BATCH_SIZE, loss_fn=None, inverse_link_fn=None,
                 name=None):
        if label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        reduction = validate_loss_reduction(loss_reduction)
        if loss_fn:
            validate_loss_fn_args(loss_fn)
        self._loss_reduction = loss_reduction
        self._impl = _RegressionHead(label_dimension, weight_column, reduction, loss_fn,
                                     inverse_link_fn, name)

    def predictions(self, logits):
        """{'predictions': ...} (plus 'logits' with an inverse_link_fn).

            head.predictions(logits)["predictions"]
        """
        return self._all_predictions(logits)[0]


class PoissonRegressionHead(RegressionHead):
    """Poisson regression: log_poisson_loss of non-negative labels against
    log-rate logits; predictions are exp(logits) (TF).

        head = gc.estimator.PoissonRegressionHead(compute_full_loss=False)
    """

    def __init__(self, label_dimension=1, weight_column=None,
                 loss_reduction=SUM_OVER_BATCH_SIZE, compute_full_loss=True, name=None):
        self._compute_full_loss = compute_full_loss
        super().__init__(label_dimension, weight_column, loss_reduction,
                         loss_fn=self._poisson_loss, inverse_link_fn=exp, name=name)

    def _poisson_loss(self, labels, logits):
        return log_poisson_loss(targets=labels, log_input=logits,
                                compute_full_loss=self._compute_full_loss)


class LogisticRegressionHead(RegressionHead):
    """Logistic regression: sigmoid cross-entropy of float labels in [0, 1];
    predictions are sigmoid(logits), with regression metrics only (TF).

        head = gc.estimator.LogisticRegressionHead(weight_column="w")
    """

    def __init__(self, weight_column=None, loss_reduction=SUM_OVER_BATCH_SIZE, name=None):
        super().__init__(1, weight_column, loss_reduction, loss_fn=self._logistic_loss,
                         inverse_link_fn=sigmoid, name=name)

    def _logistic_loss(self, labels, logits):
        labels = assert_range(cast(labels, dtypes.float32), 2,
                              message="Labels must be in range [0, 1]")
        return sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
