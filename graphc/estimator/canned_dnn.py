"""DNNClassifier and DNNRegressor (TF1's tf.estimator canned deep models): an input_layer
of the feature columns, hidden dense layers and a logits layer under scope 'dnn',
trained with Adagrad (learning rate 0.05) by default.

    fc = gc.feature_column
    est = gc.estimator.DNNClassifier(hidden_units=[16, 8],
                                     feature_columns=[fc.numeric_column("x", shape=(3,))],
                                     n_classes=3, dropout=0.1)
"""
from ..feature_column import input_layer
from ..initializers import glorot_uniform_initializer
from ..layers import dense, dropout as dropout_layer
from ..losses import Reduction
from ..normalization import batch_normalization
from ..ops.elementwise import relu
from ..ops.nn_extra import zero_fraction
from ..ops.scope import variable_scope
from ..summary import histogram, scalar
from .canned_optimizers import get_optimizer_instance
from .estimator import Estimator
from .head import regression_head
from .head_classification import binary_logistic_or_multi_class_head
from .model_fn import ModeKeys

__all__ = ["DNNClassifier", "DNNRegressor", "DNNEstimator"]

_LEARNING_RATE = 0.05


def add_layer_summary(value, tag):
    """The fraction of zeros and a histogram of a layer's output, as TF1 records them."""
    scalar(f"{tag}/fraction_of_zero_values", zero_fraction(value))
    histogram(f"{tag}/activation", value)


def dnn_logits(features, mode, units, hidden_units, feature_columns, activation_fn=relu,
               dropout=None, batch_norm=False):
    """[batch, units] logits: input_layer in 'input_from_feature_columns', then
    'hiddenlayer_<i>' dense layers (glorot uniform kernels, zero biases; dropout in
    TRAIN; batch norm 'hiddenlayer_<i>/batchnorm_<i>' with momentum 0.999) and a
    'logits' dense layer (TF1's dnn_logit_fn)."""
    if not isinstance(units, int) or isinstance(units, bool):
        raise ValueError(f"units must be an int.  Given type: {type(units)}")
    is_training = mode == ModeKeys.TRAIN
    with variable_scope("input_from_feature_columns"):
        net = input_layer(features, feature_columns)
    for i, n in enumerate(hidden_units):
        with variable_scope(f"hiddenlayer_{i}") as scope:
            net = dense(net, n, activation=activation_fn,
                        kernel_initializer=glorot_uniform_initializer(), name=scope)
            if dropout is not None and is_training:
                net = dropout_layer(net, rate=dropout, training=True)
            if batch_norm:
                net = batch_normalization(net, momentum=0.999, training=is_training,
                                          name=f"batchnorm_{i}")
        add_layer_summary(net, scope.name)
    with variable_scope("logits") as scope:
        logits = dense(net, units, kernel_initializer=glorot_uniform_initializer(),
                       name=scope)
    add_layer_summary(logits, scope.name)
    return logits


def validate_features(features):
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")


def dnn_model_fn(features, labels, mode, head, hidden_units, feature_columns,
                 optimizer="Adagrad", activation_fn=relu, dropout=None,
                 input_layer_partitioner=None, config=None, batch_norm=False):
    """The model_fn of the DNN estimators: logits in scope 'dnn' and the head's spec
    with optimizer (a name gets learning rate 0.05)."""
    optimizer = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
    validate_features(features)
    with variable_scope("dnn", values=tuple(features.values())):
        logits = dnn_logits(features, mode, head.logits_dimension, hidden_units,
                            feature_columns, activation_fn, dropout, batch_norm)
        return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          optimizer=optimizer, logits=logits)


def _init_dnn(est, head, hidden_units, feature_columns, model_dir, optimizer, activation_fn,
              dropout, input_layer_partitioner, config, warm_start_from, batch_norm):
    """Estimator.__init__ of the three DNN estimators, with dnn_model_fn on `head`."""
    columns = tuple(feature_columns or [])

    def _model_fn(features, labels, mode, config):
        return dnn_model_fn(features, labels, mode, head, hidden_units, columns, optimizer,
                            activation_fn, dropout, input_layer_partitioner, config,
                            batch_norm)

    Estimator.__init__(est, model_fn=_model_fn, model_dir=model_dir, config=config,
                       warm_start_from=warm_start_from)


class DNNClassifier(Estimator):
    """A feed-forward classifier (TF1): hidden_units dense layers, logistic output for
    n_classes=2 and softmax otherwise; the loss is summed over the batch.

        est = gc.estimator.DNNClassifier(
            hidden_units=[32, 16], n_classes=3,
            feature_columns=[fc.embedding_column(words, 8), price],
            optimizer=lambda: gc.train.AdamOptimizer(0.01), dropout=0.2)
    Variables: 'dnn/hiddenlayer_<i>/kernel' and '/bias', 'dnn/logits/kernel' and
    '/bias', 'dnn/input_from_feature_columns/input_layer/<column>/...'. Predictions as
    LinearClassifier's. input_layer_partitioner is accepted and unused.
    """

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2,
                 weight_column=None, label_vocabulary=None, optimizer="Adagrad",
                 activation_fn=relu, dropout=None, input_layer_partitioner=None,
                 config=None, warm_start_from=None, loss_reduction=Reduction.SUM,
                 batch_norm=False):
        head = binary_logistic_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)
        _init_dnn(self, head, hidden_units, feature_columns, model_dir, optimizer,
                  activation_fn, dropout, input_layer_partitioner, config, warm_start_from,
                  batch_norm)


class DNNRegressor(Estimator):
    """A feed-forward regressor (TF1): mean squared error summed over the batch and the
    label_dimension outputs.

        est = gc.estimator.DNNRegressor(hidden_units=[16], label_dimension=2,
                                        feature_columns=[fc.numeric_column("x")])
    """

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Adagrad", activation_fn=relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 loss_reduction=Reduction.SUM, batch_norm=False):
        head = regression_head(label_dimension=label_dimension, weight_column=weight_column,
                               loss_reduction=loss_reduction)
        _init_dnn(self, head, hidden_units, feature_columns, model_dir, optimizer,
                  activation_fn, dropout, input_layer_partitioner, config, warm_start_from,
                  batch_norm)


class DNNEstimator(Estimator):
    """A feed-forward network with a given head (TF1's
    tf.compat.v1.estimator.DNNEstimator): hidden_units dense layers in scope 'dnn',
    trained with Adagrad (learning rate 0.05) by default.

        est = gc.estimator.DNNEstimator(head=gc.estimator.RegressionHead(),
                                        hidden_units=[16, 8], feature_columns=[price])
    input_layer_partitioner is accepted and unused.
    """

    def __init__(self, head, hidden_units, feature_columns, model_dir=None,
                 optimizer="Adagrad", activation_fn=relu, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None,
                 batch_norm=False):
        _init_dnn(self, head, hidden_units, feature_columns, model_dir, optimizer,
                  activation_fn, dropout, input_layer_partitioner, config, warm_start_from,
                  batch_norm)
