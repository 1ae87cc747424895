"""tf.keras.estimator.model_to_estimator (TF1): a compiled gc.keras model as an
Estimator. Its model_fn rebuilds the model from its config in the Estimator's graph,
fed by the input_fn's features (keyed by the model's input names), with the compiled
loss, optimizer (a copy from its config; the global step counts its updates) and
metrics; the first training warm-starts from the Keras model's current weights.

    model.compile("sgd", "mse", metrics=["mae"])
    est = gc.keras.estimator.model_to_estimator(keras_model=model, model_dir="m")
    est.train(lambda: ({"input_1": x}, y), steps=10)
"""
import os

import graphc as gc
from ..tf_logging import get_logger
from .estimator import Estimator, _config_with_model_dir
from .estimator_lib import WarmStartSettings
from .export_output import PredictOutput
from .model_fn import EstimatorSpec, ModeKeys

__all__ = ["model_to_estimator"]

_log = get_logger


def _keras():
    from .. import keras
    return keras


def _layer_name(tensor):
    from ..keras import backend as K
    return K._state(tensor.graph).history[id(tensor)][1].name


def _as_ordered_list(obj, names, what, order):
    """obj (a dict keyed by names, a list, or one tensor) as a list in names' order."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        missing = [n for n in names if n not in obj]
        if missing:
            raise KeyError(f"The dictionary passed into {what} does not have the expected "
                           f"{order} keys defined in the keras model.\n\tExpected keys: "
                           f"{set(names)}\n\t{what} keys: {set(obj)}\n\tMissed keys: "
                           f"{set(missing)}")
        return [obj[n] for n in names]
    if isinstance(obj, (list, tuple)):
        return list(obj)
    return [obj]


def _rebuild(keras_model, custom_objects):
    """A new model of keras_model's config, with new weights, in the default graph."""
    from ..keras.saving_config import layer_from_config
    return layer_from_config({"class_name": type(keras_model).__name__,
                              "config": keras_model.get_config()}, custom_objects)


def _new_optimizer(optimizer):
    from ..keras import optimizers
    try:
        return optimizers.deserialize(optimizers.serialize(optimizer))
    except (TypeError, ValueError, KeyError, AttributeError):
        return optimizer         # a gc.train.Optimizer: used as it is


def _compiled_loss_and_metrics(keras_model, clone, outputs, targets):
    """The compiled total loss (mean per output, weighted, plus the layers' losses)
    and {metric name: metrics.mean(values)} of the clone's outputs (TF's names)."""
    from ..keras import losses as losses_mod, training as keras_training
    from ..keras import training_weights as tw
    from ..keras.metrics_classes import Metric
    loss, metrics, loss_weights, _, weighted = keras_model._compile_args
    names = [_layer_name(t) for t in keras_model.outputs]
    per = keras_model._per_output
    loss_fns = [losses_mod.get(x) for x in per(loss, "loss")]
    weights = per(loss_weights, "loss_weights", 1.0) if loss_weights is not None \
        else [1.0] * len(names)
    metric_lists = [keras_training._as_list(m) for m in per(metrics, "metrics")] \
        if isinstance(metrics, dict) else [keras_training._as_list(metrics)] * len(names)
    if weighted:
        raise NotImplementedError("model_to_estimator: weighted_metrics are not supported")
    multi = len(names) > 1
    parts, ops = [], {}
    with gc.name_scope("loss"):
        for out, name, fn, w, target in zip(outputs, names, loss_fns, weights, targets):
            with gc.name_scope(f"{name}_loss"):
                value = tw.weighted_loss(fn(gc.cast(target, out.dtype), out), None, None)
            parts.append(value if w == 1.0 else value * w)
        total = gc.add_n(parts) if multi else parts[0]
        if clone.losses:
            total = total + gc.add_n([gc.cast(r, total.dtype) for r in clone.losses])
    with gc.name_scope("metrics"):
        for i, (out, name, fn, target) in enumerate(zip(outputs, names, loss_fns,
                                                        targets)):
            for m in metric_lists[i]:
                if isinstance(m, Metric) or (isinstance(m, str)
                                             and m in _keras().metrics._CLASSES):
                    raise NotImplementedError("model_to_estimator: Keras metric objects "
                                              f"are not supported ({m})")
                mfn, _ = keras_training._metric_fn(m, fn, out) if isinstance(m, str) \
                    else (m, None)
                mname = m if isinstance(m, str) else getattr(m, "__name__", "metric")
                key = f"{name}_{mname}" if multi else mname
                values = mfn(gc.cast(target, out.dtype), out)
                ops[key] = gc.metrics.mean(values, name=key)
    return total, ops


def _make_model_fn(keras_model, custom_objects, metric_names_map, export_outputs):
    input_names = [_layer_name(t) for t in keras_model.inputs]
    output_names = [_layer_name(t) for t in keras_model.outputs]

    def model_fn(features, labels, mode):
        _keras().backend.set_learning_phase(1 if mode == ModeKeys.TRAIN else 0)
        clone = _rebuild(keras_model, custom_objects)
        inputs = _as_ordered_list(features, input_names, "features", "input")
        inputs = [gc.cast(x, t.dtype) if x.dtype != t.dtype else x
                  for x, t in zip(inputs, clone.inputs)]
        outputs = clone(inputs if len(inputs) > 1 else inputs[0])
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        predictions = dict(zip(output_names, outputs))
        if mode == ModeKeys.PREDICT:
            outs = {"serving_default": PredictOutput(predictions)}
            if export_outputs is not None:
                outs = export_outputs
            return EstimatorSpec(mode, predictions=predictions, export_outputs=outs)
        targets = _as_ordered_list(labels, output_names, "labels", "output")
        loss, metrics = _compiled_loss_and_metrics(keras_model, clone, outputs, targets)
        if metric_names_map:
            _check_metric_names_map(metric_names_map, metrics)
            metrics = {metric_names_map[k]: v for k, v in metrics.items()}
        train_op = None
        if mode == ModeKeys.TRAIN:
            optimizer = _new_optimizer(keras_model.optimizer)
            with gc.name_scope("training"):
                step = optimizer.minimize(loss, var_list=clone.trainable_weights,
                                          global_step=gc.train.get_global_step())
                train_op = gc.group(step, *clone.updates)
        return EstimatorSpec(mode, predictions=predictions, loss=loss, train_op=train_op,
                             eval_metric_ops=metrics or None)
    return model_fn


def _check_metric_names_map(metric_names_map, metrics):
    expected, given = set(metrics), set(metric_names_map)
    if expected - given:
        raise ValueError("Invalid `metric_names_map`. The following keras model metric "
                         f'names:"{list(expected - given)}" do not exist in the '
                         "`metric_names_map` dictionary")
    if given - expected:
        raise ValueError("Invalid `metric_names_map`. There are unexpected keys in the "
                         f"`metric_names_map` dictionary. Expected keys: {list(expected)}, "
                         f"Received: {list(given - expected)}")


def _save_first_checkpoint(keras_model, custom_objects, config):
    """model_dir/keras/keras_model.ckpt holding keras_model's current weights under
    the rebuilt model's variable names (TF), unless a checkpoint is there already."""
    keras_dir = os.path.join(config.model_dir, "keras")
    latest = gc.train.latest_checkpoint(keras_dir)
    if latest:
        return latest
    values = keras_model.get_weights()
    os.makedirs(keras_dir, exist_ok=True)
    with gc.Graph().as_default():
        gc.set_random_seed(config.tf_random_seed)
        gc.train.create_global_step()
        _keras().backend.set_learning_phase(1)
        clone = _rebuild(keras_model, custom_objects)
        with gc.Session(config=config.session_config) as sess:
            sess.run(gc.global_variables_initializer())
            for var, value in zip(clone.weights, values):
                var.load(value, sess)
            path = os.path.join(keras_dir, "keras_model.ckpt")
            return gc.train.Saver().save(sess, path)


def model_to_estimator(keras_model=None, keras_model_path=None, custom_objects=None,
                       model_dir=None, config=None, checkpoint_format="saver",
                       metric_names_map=None, export_outputs=None):
    """An Estimator of a compiled gc.keras model (or of the model saved at
    keras_model_path) (TF1's tf.compat.v1.keras.estimator.model_to_estimator).

        est = gc.keras.estimator.model_to_estimator(keras_model=model, model_dir="m")
        est.train(input_fn, steps=100)     # input_fn: ({input name: x}, y)
    """
    if not (keras_model or keras_model_path):
        raise ValueError("Either `keras_model` or `keras_model_path` needs to be provided.")
    if keras_model and keras_model_path:
        raise ValueError("Please specity either `keras_model` or `keras_model_path`, but "
                         "not both.")
    config = _config_with_model_dir(config, model_dir)
    if not keras_model:
        _log().info("Loading models from %s", keras_model_path)
        keras_model = _keras().models.load_model(keras_model_path, custom_objects)
    if checkpoint_format not in ("saver", "checkpoint", None):
        raise ValueError(f'Checkpoint format must be one of "checkpoint" or "saver". Got '
                         f"{checkpoint_format}")
    if checkpoint_format != "saver":
        raise NotImplementedError("graphc's model_to_estimator writes name-based "
                                  "checkpoints only: use checkpoint_format='saver'")
    if not getattr(keras_model, "optimizer", None):
        raise ValueError("The given keras model has not been compiled yet. Please compile "
                         "the model with `model.compile()` before calling "
                         "`model_to_estimator()`.")
    if not keras_model.outputs:
        raise ValueError("model_to_estimator needs a built graph network (a functional "
                         "model or a Sequential model with an input shape)")
    model_fn = _make_model_fn(keras_model, custom_objects, metric_names_map,
                              export_outputs)
    warm_start = WarmStartSettings(_save_first_checkpoint(keras_model, custom_objects,
                                                          config))
    return Estimator(model_fn, config=config, warm_start_from=warm_start)
