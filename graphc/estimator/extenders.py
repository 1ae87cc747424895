"""tf.estimator.add_metrics (TF1's extenders.py): a copy of an Estimator whose EVAL
specs get extra eval_metric_ops.

    def my_auc(labels, predictions):
        return {"auc_ev": gc.metrics.auc(labels, predictions["logistic"])}
    est = gc.estimator.add_metrics(est, my_auc)
"""
from .estimator import Estimator
from .estimator_lib import fn_args
from .model_fn import ModeKeys

__all__ = ["add_metrics"]

_VALID_METRIC_FN_ARGS = {"features", "labels", "predictions", "config"}


def add_metrics(estimator, metric_fn):
    """A new Estimator (same model_dir, config and warm start) whose evaluation also
    reports metric_fn's metrics; metric_fn takes any of features, labels, predictions,
    config by name and returns {name: (value, update_op)}; its names override the
    model's (TF1).

        est = gc.estimator.add_metrics(
            est, lambda labels, predictions: {"mae": gc.metrics.mean_absolute_error(
                labels, predictions["predictions"])})
    """
    invalid = list(set(fn_args(metric_fn)) - _VALID_METRIC_FN_ARGS)
    if invalid:
        raise ValueError(f"metric_fn ({metric_fn}) has following not expected args: "
                         f"{invalid}")

    def new_model_fn(features, labels, mode, config):
        spec = estimator.model_fn(features, labels, mode, config)
        if mode != ModeKeys.EVAL:
            return spec
        given = {"features": features, "labels": labels,
                 "predictions": spec.predictions, "config": config}
        new_metrics = metric_fn(**{k: given[k] for k in fn_args(metric_fn)})
        all_metrics = dict(spec.eval_metric_ops or {})
        all_metrics.update(new_metrics)
        return spec._replace(eval_metric_ops=all_metrics)

    return Estimator(model_fn=new_model_fn, model_dir=estimator.model_dir,
                     config=estimator.config,
                     warm_start_from=estimator._warm_start_settings)
