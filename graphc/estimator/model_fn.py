"""ModeKeys and EstimatorSpec (TF1 tf.estimator): what a model_fn returns, checked as
TF1 checks it when the spec is made.

    def model_fn(features, labels, mode, params):
        ...
        return gc.estimator.EstimatorSpec(mode, predictions=pred, loss=loss,
                                          train_op=train_op)
"""
import collections

from ..graph import Node, Tensor, get_default_graph
from ..ops.array import reshape
from ..shapes import TensorShape
from ..train.session_manager import Scaffold
from ..train.session_run_hook import SessionRunHook
from .export_output import default_export_outputs

__all__ = ["ModeKeys", "EstimatorSpec"]

LOSS_METRIC_KEY = "loss"
AVERAGE_LOSS_METRIC_KEY = "average_loss"


class ModeKeys:
    """The three modes of a model_fn (TF1): TRAIN 'train', EVAL 'eval', PREDICT
    'infer'."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


_GRAPH_ERROR = ('{0} with "{1}" must be from the default graph. Possible causes of this '
                'error include: \n\n1) {0} was created outside the context of the default '
                'graph.\n\n2) The object passed through to EstimatorSpec was not created '
                'in the most recent call to "model_fn".')

_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
           "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks",
           "prediction_hooks"]


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _FIELDS)):
    """The ops and objects a model_fn returns (TF1). TRAIN needs loss and train_op,
    EVAL needs loss, PREDICT needs predictions; the rest is optional.

        gc.estimator.EstimatorSpec(mode, predictions={"y": y}, loss=loss,
                                   train_op=train_op,
                                   eval_metric_ops={"mse": gc.metrics.mean_squared_error(
                                       labels, y)})

    loss must have one element (a [1] loss is reshaped to a scalar); every tensor and
    op must be in the default graph; hooks must be SessionRunHooks; eval_metric_ops
    is a dict of (value, update_op) pairs. In PREDICT mode export_outputs defaults to
    {'serving_default': PredictOutput(predictions)}.
    """

    def __new__(cls, mode, predictions=None, loss=None, train_op=None,
                eval_metric_ops=None, export_outputs=None, training_chief_hooks=None,
                training_hooks=None, scaffold=None, evaluation_hooks=None,
                prediction_hooks=None):
        train_op = _check_train_op(train_op, mode)
        loss = _check_loss(loss, mode)
        predictions = _check_predictions(predictions, mode)
        if mode == ModeKeys.PREDICT:
            export_outputs = default_export_outputs(export_outputs, predictions)
        hooks = [_check_hooks(h) for h in (training_chief_hooks, training_hooks,
                                           evaluation_hooks, prediction_hooks)]
        eval_metric_ops = _check_eval_metric_ops(eval_metric_ops)
        scaffold = scaffold or Scaffold()
        if not isinstance(scaffold, Scaffold):
            raise TypeError(f"scaffold must be tf.train.Scaffold. Given: {scaffold}")
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metric_ops,
                               export_outputs, hooks[0], hooks[1], scaffold, hooks[2],
                               hooks[3])

    def _replace(self, **kwds):
        """A copy with some fields changed, validated again (TF1)."""
        if "mode" in kwds and self.mode != kwds["mode"]:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(**dict(self._asdict(), **kwds))


def _check_in_graph(x, what, name):
    if x.graph is not get_default_graph():
        raise ValueError(_GRAPH_ERROR.format(what, name))


def _check_tensor(x, name):
    if not isinstance(x, Tensor):
        raise TypeError(f"{name} must be Tensor, given: {x}")
    return x


def _check_train_op(train_op, mode):
    if train_op is None:
        if mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        return None
    if not isinstance(train_op, (Node, Tensor)):
        raise TypeError(f"train_op must be Operation or Tensor, given: {train_op}")
    _check_in_graph(train_op, "train_op", train_op.name)
    return train_op


def _check_loss(loss, mode):
    if loss is None:
        if mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        return None
    loss = _check_tensor(loss, "loss")
    if loss.shape.num_elements() not in (None, 1):
        raise ValueError(f"Loss must be scalar, given: {loss}")
    if not loss.shape.is_compatible_with(TensorShape([])):
        loss = reshape(loss, [])
    _check_in_graph(loss, "loss", loss.name)
    return loss


def _check_predictions(predictions, mode):
    if predictions is None:
        if mode == ModeKeys.PREDICT:
            raise ValueError("Missing predictions.")
        return {}
    if isinstance(predictions, dict):
        predictions = {k: _check_tensor(v, f"predictions[{k}]")
                       for k, v in predictions.items()}
        for k, v in predictions.items():
            _check_in_graph(v, "prediction values", f"{k}: {v.name}")
        return predictions
    predictions = _check_tensor(predictions, "predictions")
    _check_in_graph(predictions, "prediction values", predictions.name)
    return predictions


def _check_hooks(hooks):
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError(f"All hooks must be SessionRunHook instances, given: {hook}")
    return hooks


def _check_eval_metric_ops(eval_metric_ops):
    if eval_metric_ops is None:
        return {}
    if not isinstance(eval_metric_ops, dict):
        raise TypeError(f"eval_metric_ops must be a dict, given: {eval_metric_ops}")
    for key, value in eval_metric_ops.items():
        if not isinstance(value, tuple) or len(value) != 2:
            raise TypeError("Values of eval_metric_ops must be (metric_value, update_op) "
                            f"tuples, given: {value} for key: {key}")
    for key, value in eval_metric_ops.items():
        for x in value:
            if not isinstance(x, (Node, Tensor)):
                raise TypeError(f"eval_metric_ops[{key}] must hold Tensors or "
                                f"Operations, given: {x}")
            _check_in_graph(x, "eval_metric_ops", f"{key}: {x.name}")
    return dict(eval_metric_ops)

