"""DNNLinearCombinedClassifier and DNNLinearCombinedRegressor (TF1's "wide and deep"):
the sum of a linear model's logits (scope 'linear', FTRL) and a DNN's logits (scope
'dnn', Adagrad), each part trained by its own optimizer.

    est = gc.estimator.DNNLinearCombinedClassifier(
        linear_feature_columns=[crossed], dnn_feature_columns=[embedded, price],
        dnn_hidden_units=[64, 32])
"""
import math

from ..graph import control_dependencies
from ..losses import Reduction
from ..ops.core import group
from ..ops.elementwise import relu
from ..ops.graphkeys import GraphKeys, get_collection
from ..ops.scope import variable_scope
from ..ops.state import assign_add
from ..train.step import get_global_step
from .canned_dnn import add_layer_summary, dnn_logits
from .canned_linear import linear_logits
from .canned_optimizers import get_optimizer_instance
from .estimator import Estimator
from .head import regression_head
from .head_classification import binary_logistic_or_multi_class_head

__all__ = ["DNNLinearCombinedClassifier", "DNNLinearCombinedRegressor",
           "DNNLinearCombinedEstimator"]

_DNN_LEARNING_RATE = 0.001
_LINEAR_LEARNING_RATE = 0.005


def _linear_learning_rate(num_linear_feature_columns):
    """min(0.005, 1/sqrt(#linear columns)), TF1's default for a named optimizer."""
    return min(_LINEAR_LEARNING_RATE, 1. / math.sqrt(num_linear_feature_columns))


def _validate_feature_columns(linear_feature_columns, dnn_feature_columns):
    columns = list(linear_feature_columns or []) + list(dnn_feature_columns or [])
    if not columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    return columns


def dnn_linear_combined_model_fn(features, labels, mode, head, linear_feature_columns=None,
                                 linear_optimizer="Ftrl", dnn_feature_columns=None,
                                 dnn_optimizer="Adagrad", dnn_hidden_units=None,
                                 dnn_activation_fn=relu, dnn_dropout=None,
                                 input_layer_partitioner=None, config=None,
                                 batch_norm=False, linear_sparse_combiner="sum"):
    """The model_fn of the combined estimators (TF1): dnn logits + linear logits; the
    train op runs each optimizer on its scope's trainable variables, then increments
    the global step."""
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")
    if not linear_feature_columns and not dnn_feature_columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be "
                         "defined.")
    dnn_part = linear_part = None
    if dnn_feature_columns:
        dnn_optimizer = get_optimizer_instance(dnn_optimizer,
                                               learning_rate=_DNN_LEARNING_RATE)
        if not dnn_hidden_units:
            raise ValueError("dnn_hidden_units must be defined when dnn_feature_columns "
                             "is specified.")
        with variable_scope("dnn", values=tuple(features.values())) as scope:
            dnn_part = (scope.name, dnn_optimizer, dnn_logits(
                features, mode, head.logits_dimension, dnn_hidden_units,
                tuple(dnn_feature_columns), dnn_activation_fn, dnn_dropout, batch_norm))
    if linear_feature_columns:
        linear_optimizer = get_optimizer_instance(
            linear_optimizer, learning_rate=_linear_learning_rate(len(linear_feature_columns)))
        with variable_scope("linear", values=tuple(features.values())) as scope:
            logits = linear_logits(features, tuple(linear_feature_columns),
                                   head.logits_dimension, linear_sparse_combiner)
            add_layer_summary(logits, scope.name)
            linear_part = (scope.name, linear_optimizer, logits)
    parts = [p for p in (dnn_part, linear_part) if p is not None]
    logits = parts[0][2] if len(parts) == 1 else dnn_part[2] + linear_part[2]

    def _train_op_fn(loss):
        train_ops = [opt.minimize(loss, var_list=get_collection(
            GraphKeys.TRAINABLE_VARIABLES, scope=scope)) for scope, opt, _ in parts]
        with control_dependencies([group(*train_ops)]):
            return assign_add(get_global_step(), 1).op

    return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                      train_op_fn=_train_op_fn, logits=logits)


def _init_combined(est, head, model_dir, linear_feature_columns, linear_optimizer,
                   dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
                   dnn_dropout, input_layer_partitioner, config, batch_norm,
                   linear_sparse_combiner, warm_start_from):
    """Estimator.__init__ of the three wide-and-deep estimators, with
    dnn_linear_combined_model_fn on `head`."""

    def _model_fn(features, labels, mode, config):
        return dnn_linear_combined_model_fn(
            features, labels, mode, head, linear_feature_columns, linear_optimizer,
            dnn_feature_columns, dnn_optimizer, dnn_hidden_units, dnn_activation_fn,
            dnn_dropout, input_layer_partitioner, config, batch_norm,
            linear_sparse_combiner)

    Estimator.__init__(est, model_fn=_model_fn, model_dir=model_dir, config=config,
                       warm_start_from=warm_start_from)


class DNNLinearCombinedClassifier(Estimator):
    """A wide-and-deep classifier (TF1): linear logits over linear_feature_columns plus
    DNN logits over dnn_feature_columns; logistic for n_classes=2, softmax otherwise.
    Named optimizers get learning rates min(0.005, 1/sqrt(#linear columns)) (linear)
    and 0.001 (dnn).

        est = gc.estimator.DNNLinearCombinedClassifier(
            linear_feature_columns=[words], dnn_feature_columns=[fc.embedding_column(
                words, 8)], dnn_hidden_units=[16], n_classes=3)
    """

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=relu, dnn_dropout=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, batch_norm=False,
                 linear_sparse_combiner="sum"):
        self._feature_columns = _validate_feature_columns(linear_feature_columns,
                                                          dnn_feature_columns)
        head = binary_logistic_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)
        _init_combined(self, head, model_dir, linear_feature_columns, linear_optimizer,
                       dnn_feature_columns, dnn_optimizer, dnn_hidden_units,
                       dnn_activation_fn, dnn_dropout, input_layer_partitioner, config,
                       batch_norm, linear_sparse_combiner, warm_start_from)


class DNNLinearCombinedRegressor(Estimator):
    """A wide-and-deep regressor (TF1): the mean squared error of linear plus DNN
    logits, summed over the batch and label_dimension.

        est = gc.estimator.DNNLinearCombinedRegressor(
            linear_feature_columns=[price], dnn_feature_columns=[price],
            dnn_hidden_units=[8])
    """

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None,
                 dnn_activation_fn=relu, dnn_dropout=None, label_dimension=1,
                 weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, batch_norm=False,
                 linear_sparse_combiner="sum"):
        self._feature_columns = _validate_feature_columns(linear_feature_columns,
                                                          dnn_feature_columns)
        head = regression_head(label_dimension=label_dimension, weight_column=weight_column,
                               loss_reduction=loss_reduction)
        _init_combined(self, head, model_dir, linear_feature_columns, linear_optimizer,
                       dnn_feature_columns, dnn_optimizer, dnn_hidden_units,
                       dnn_activation_fn, dnn_dropout, input_layer_partitioner, config,
                       batch_norm, linear_sparse_combiner, warm_start_from)


class DNNLinearCombinedEstimator(Estimator):
    """A wide-and-deep model with a given head (TF1's
    tf.compat.v1.estimator.DNNLinearCombinedEstimator): linear plus DNN logits, each
    part trained by its own optimizer. TF1 gives it no warm_start_from.

        est = gc.estimator.DNNLinearCombinedEstimator(
            head=gc.estimator.MultiClassHead(3), linear_feature_columns=[words],
            dnn_feature_columns=[fc.embedding_column(words, 4)], dnn_hidden_units=[8])
    """

    def __init__(self, head, model_dir=None, linear_feature_columns=None,
                 linear_optimizer="Ftrl", dnn_feature_columns=None, dnn_optimizer="Adagrad",
                 dnn_hidden_units=None, dnn_activation_fn=relu, dnn_dropout=None,
                 input_layer_partitioner=None, config=None, batch_norm=False,
                 linear_sparse_combiner="sum"):
        self._feature_columns = _validate_feature_columns(linear_feature_columns,
                                                          dnn_feature_columns)
        _init_combined(self, head, model_dir, linear_feature_columns, linear_optimizer,
                       dnn_feature_columns, dnn_optimizer, dnn_hidden_units,
                       dnn_activation_fn, dnn_dropout, input_layer_partitioner, config,
                       batch_norm, linear_sparse_combiner, None)
