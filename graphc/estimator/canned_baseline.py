"""BaselineClassifier, BaselineRegressor and BaselineEstimator (TF1's
tf.compat.v1.estimator baselines): the model ignores the feature values and learns one
bias per logit, 'baseline/bias', so it predicts the (weighted) label distribution or
mean seen in training.

    est = gc.estimator.BaselineClassifier(n_classes=3)
    est.train(gc.estimator.inputs.numpy_input_fn({"x": x}, y, shuffle=True), steps=100)
"""
from ..feature_column_dense import NumericColumn
from ..graph import control_dependencies
from ..losses import Reduction
from ..ops.array import shape as shape_op
from ..ops.asserts import assert_equal
from ..initializers import zeros_initializer
from ..ops.creation import ones
from ..ops.scope import variable_scope
from ..ops.varstore import get_variable
from ..train.step import get_global_step
from .canned_optimizers import get_optimizer_instance
from .estimator import Estimator
from .head import regression_head
from .head_classification import binary_logistic_or_multi_class_head

__all__ = ["BaselineClassifier", "BaselineRegressor", "BaselineEstimator"]

_LEARNING_RATE = 0.3     # TF1's default for the baselines


def _weight_column_key(weight_column):
    if weight_column is None or isinstance(weight_column, str):
        return weight_column
    if not isinstance(weight_column, NumericColumn):
        raise TypeError("Weight column must be either a string or _NumericColumn. Given "
                        f"type: {type(weight_column)}.")
    return weight_column.key


def baseline_logits(features, num_outputs, weight_column=None):
    """[batch, num_outputs] logits: the variable 'baseline/bias' (zeros) repeated for
    each example; every feature but the weight column must have the same batch size."""
    key = _weight_column_key(weight_column)
    checks, batch_size = [], None
    for name, feature in features.items():
        if name == key:
            continue
        first_dim = shape_op(feature)[0]
        if batch_size is None:
            batch_size = first_dim
        else:
            checks.append(assert_equal(batch_size, first_dim))
    # made outside the checks' control dependencies: graphc's initializer would keep them
    with variable_scope("baseline"):
        bias = get_variable("bias", shape=[num_outputs], initializer=zeros_initializer())
    with control_dependencies(checks):
        with variable_scope("baseline"):
            return bias * ones([batch_size, num_outputs])


def baseline_model_fn(features, labels, mode, head, optimizer, weight_column=None,
                      config=None):
    """The model_fn of the baselines: the head's spec with a train_op_fn minimizing
    with optimizer (a name gets learning rate 0.3)."""
    del config
    logits = baseline_logits(features, head.logits_dimension, weight_column)

    def train_op_fn(loss):
        opt = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
        return opt.minimize(loss, global_step=get_global_step())

    return head.create_estimator_spec(features=features, mode=mode, logits=logits,
                                      labels=labels, train_op_fn=train_op_fn)


class BaselineClassifier(Estimator):
    """A classifier that learns the label distribution (TF1): logits are one bias
    per class, trained with FTRL (learning rate 0.3) on the summed loss.

        est = gc.estimator.BaselineClassifier(n_classes=3,
                                              label_vocabulary=["a", "b", "c"])
    Labels, predictions and metrics as LinearClassifier's.
    """

    def __init__(self, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Ftrl", config=None,
                 loss_reduction=Reduction.SUM):
        head = binary_logistic_or_multi_class_head(n_classes, weight_column,
                                                   label_vocabulary, loss_reduction)

        def _model_fn(features, labels, mode, config):
            return baseline_model_fn(features, labels, mode, head, optimizer,
                                     weight_column, config)

        super().__init__(model_fn=_model_fn, model_dir=model_dir, config=config)


class BaselineRegressor(Estimator):
    """A regressor that learns the mean label (TF1): logits are one bias per label
    dimension, trained with FTRL (learning rate 0.3) on the summed squared error.

        est = gc.estimator.BaselineRegressor(label_dimension=2, weight_column="w")
    """

    def __init__(self, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Ftrl", config=None, loss_reduction=Reduction.SUM):
        head = regression_head(label_dimension=label_dimension, weight_column=weight_column,
                               loss_reduction=loss_reduction)

        def _model_fn(features, labels, mode, config):   # TF1 passes no weight_column
            return baseline_model_fn(features, labels, mode, head, optimizer,
                                     config=config)

        super().__init__(model_fn=_model_fn, model_dir=model_dir, config=config)


class BaselineEstimator(Estimator):
    """A baseline with a given head (TF1): it learns one bias per logit, e.g. the
    ratio of examples having each class for a MultiLabelHead.

        est = gc.estimator.BaselineEstimator(head=gc.estimator.RegressionHead())
    """

    def __init__(self, head, model_dir=None, optimizer="Ftrl", config=None):
        def _model_fn(features, labels, mode, config):
            return baseline_model_fn(features, labels, mode, head, optimizer,
                                     config=config)

        super().__init__(model_fn=_model_fn, model_dir=model_dir, config=config)
