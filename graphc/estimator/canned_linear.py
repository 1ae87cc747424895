"""LinearClassifier and LinearRegressor (TF1's tf.estimator canned linear models): a
feature_column.linear_model under scope 'linear', trained with FTRL by default.

    fc = gc.feature_column
    est = gc.estimator.LinearClassifier([fc.numeric_column("x", shape=(3,))],
                                        n_classes=3)
    est.train(gc.estimator.inputs.numpy_input_fn({"x": x}, y, shuffle=True), steps=100)
"""
import math

from ..feature_column import linear_model
from ..losses import Reduction
from ..ops.array import size
from ..ops.broadcast import add_n
from ..ops.elementwise import cast, equal
from ..ops.reduce import reduce_sum
from ..ops.scope import variable_scope
from ..graph import name_scope
from .. import dtypes
from ..summary import histogram, scalar
from .canned_optimizers import get_optimizer_instance
from .estimator import Estimator
from .head import regression_head
from .head_classification import binary_logistic_or_multi_class_head

__all__ = ["LinearClassifier", "LinearRegressor", "LinearEstimator"]

_LEARNING_RATE = 0.2


def _default_optimizer_learning_rate(feature_columns):
    """TF1's default FTRL rate when optimizer is None: min(0.2, 1/sqrt(#columns))."""
    return min(_LEARNING_RATE, 1.0 / math.sqrt(len(feature_columns)))


def _fraction_of_zero(variables):
    """The fraction of zero entries over all the variables (the model's sparsity)."""
    with name_scope("zero_fraction"):
        total = add_n([cast(size(v, out_type=dtypes.int64), dtypes.float32)
                       for v in variables])
        zeros = add_n([reduce_sum(cast(equal(v, 0.), dtypes.float32)) for v in variables])
        return zeros / total


def linear_logits(features, feature_columns, units, sparse_combiner="sum"):
    """[batch, units] logits of feature_column.linear_model named 'linear_model', with
    the 'bias' and 'fraction_of_zero_weights' summaries (TF1's linear_logit_fn)."""
    cols_to_vars = {}
    logits = linear_model(features, feature_columns, units=units,
                          sparse_combiner=sparse_combiner, cols_to_vars=cols_to_vars)
    bias = cols_to_vars.pop("bias")
    variables = [v for vs in cols_to_vars.values() for v in vs]
    if units > 1:
        histogram("bias", bias[0])
    else:
        scalar("bias", bias[0][0])
    scalar("fraction_of_zero_weights", _fraction_of_zero(variables))
    return logits


def linear_model_fn(features, labels, mode, head, feature_columns, optimizer, partitioner,
                    config, sparse_combiner="sum"):
    """The model_fn of the linear estimators: logits in scope 'linear', the head's spec
    with optimizer (a name gets learning rate 0.2; None: FTRL, see above)."""
    if not isinstance(features, dict):
        raise ValueError("features should be a dictionary of `Tensor`s. Given type: "
                         f"{type(features)}")
    with variable_scope("linear", values=tuple(features.values())):
        logits = linear_logits(features, feature_columns, head.logits_dimension,
                               sparse_combiner)
        if not optimizer:
            from ..train import FtrlOptimizer
            optimizer = FtrlOptimizer(_default_optimizer_learning_rate(feature_columns))
        optimizer = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
        return head.create_estimator_spec(features=features, mode=mode, labels=labels,
                                          optimizer=optimizer, logits=logits)


def _init_linear(est, head, feature_columns, model_dir, optimizer, config, partitioner,
                 warm_start_from, sparse_combiner):
    """Estimator.__init__ of the three linear estimators, with linear_model_fn on `head`."""
    columns = tuple(feature_columns or [])

    def _model_fn(features, labels, mode, config):
        return linear_model_fn(features, labels, mode, head, columns, optimizer, partitioner,
                               config, sparse_combiner)

    Estimator.__init__(est, model_fn=_model_fn, model_dir=model_dir, config=config,
                       warm_start_from=warm_start_from)


class LinearClassifier(Estimator):
    """A linear classifier (TF1): logistic regression for n_classes=2, softmax
    otherwise; the loss is summed over the batch (loss_reduction=SUM).

        est = gc.estimator.LinearClassifier(
            feature_columns=[price, fc.categorical_column_with_hash_bucket("w", 100)],
            n_classes=3, label_vocabulary=["lo", "mid", "hi"], optimizer="Adagrad")
    Labels: integers in [0, n_classes) (floats in [0, 1] for two classes) or strings
    of label_vocabulary. Predictions: logits, probabilities, class_ids, classes,
    all_class_ids, all_classes (and logistic for two classes). Variables:
    'linear/linear_model/<column>/weights', 'linear/linear_model/bias_weights'.
    partitioner is accepted and unused (graphc has no partitioned variables).
    """

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, sparse_combiner="sum"):
        head = binary_logistic_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)
        _init_linear(self, head, feature_columns, model_dir, optimizer, config, partitioner,
                     warm_start_from, sparse_combiner)


class LinearRegressor(Estimator):
    """A linear regressor (TF1): mean squared error summed over the batch and the
    label_dimension outputs (loss_reduction=SUM).

        est = gc.estimator.LinearRegressor([fc.numeric_column("x", shape=(3,))],
                                           label_dimension=2, weight_column="w")
    Predictions: {'predictions': [label_dimension] floats}. partitioner is unused.
    """

    def __init__(self, feature_columns, model_dir=None, label_dimension=1,
                 weight_column=None, optimizer="Ftrl", config=None, partitioner=None,
                 warm_start_from=None, loss_reduction=Reduction.SUM, sparse_combiner="sum"):
        head = regression_head(label_dimension=label_dimension, weight_column=weight_column,
                               loss_reduction=loss_reduction)
        _init_linear(self, head, feature_columns, model_dir, optimizer, config, partitioner,
                     warm_start_from, sparse_combiner)


class LinearEstimator(Estimator):
    """A linear model with a given head (TF1's tf.compat.v1.estimator.LinearEstimator):
    logits of feature_column.linear_model in scope 'linear', trained with FTRL.

        est = gc.estimator.LinearEstimator(
            head=gc.estimator.MultiLabelHead(n_classes=3), feature_columns=[price])
    The head is a public head (gc.estimator.BinaryClassHead, ...) or one of the TF1
    heads of graphc.estimator.head / head_classification. partitioner is unused.
    """

    def __init__(self, head, feature_columns, model_dir=None, optimizer="Ftrl", config=None,
                 partitioner=None, sparse_combiner="sum", warm_start_from=None):
        _init_linear(self, head, feature_columns, model_dir, optimizer, config, partitioner,
                     warm_start_from, sparse_combiner)
