"""TrainSpec, EvalSpec and train_and_evaluate (TF1), in TF1's local mode: one process
trains, and after each checkpoint saved (at most every throttle_secs, never the first
one) and at the end it evaluates the latest checkpoint.

    train_spec = gc.estimator.TrainSpec(train_input_fn, max_steps=1000)
    eval_spec = gc.estimator.EvalSpec(eval_input_fn, steps=10, throttle_secs=0)
    metrics, exports = gc.estimator.train_and_evaluate(est, train_spec, eval_spec)
"""
import collections
import os

from ..ops.graphkeys import GraphKeys
from ..tf_logging import get_logger
from ..train.hooks import CheckpointSaverListener
from ..train.session_run_hook import SecondOrStepTimer, SessionRunHook
from .estimator import Estimator

__all__ = ["TrainSpec", "EvalSpec", "train_and_evaluate"]

_log = get_logger


def _check_input_fn(input_fn):
    if not callable(input_fn):
        raise TypeError(f"`input_fn` must be callable, given: {input_fn}")


def _check_hooks(hooks):
    hooks = tuple(hooks or [])
    for hook in hooks:
        if not isinstance(hook, SessionRunHook):
            raise TypeError(f"All hooks must be `SessionRunHook` instances, given: {hook}")
    return hooks


def _check_exporters(exporters):
    """A tuple of exporters (objects with a unique string `name` and
    export(estimator, export_path, checkpoint_path, eval_result, is_the_final_export))."""
    if exporters is None:
        return ()
    if not isinstance(exporters, (list, tuple)):
        exporters = [exporters]
    names = set()
    for exporter in exporters:
        if not callable(getattr(exporter, "export", None)):
            raise TypeError(f"`exporters` must be an Exporter, an iterable of Exporter, or "
                            f"`None`, found {exporters}.")
        if not exporter.name:
            full_list = sorted(e.name for e in exporters)
            raise ValueError("An Exporter cannot have a name that is `None` or empty. All "
                             f"exporter names: {full_list}")
        if not isinstance(exporter.name, str):
            raise ValueError(f"An Exporter must have a string name. Given: "
                             f"{type(exporter.name)}")
        if exporter.name in names:
            full_list = sorted(e.name for e in exporters)
            raise ValueError("`exporters` must have unique names. Such a name cannot be "
                             f"`None`. All exporter names: {full_list}")
        names.add(exporter.name)
    return tuple(exporters)


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks",
                                                     "saving_listeners"])):
    """The training half of train_and_evaluate (TF1): input_fn, max_steps (None:
    until the input ends), hooks and saving_listeners.

        gc.estimator.TrainSpec(train_input_fn, max_steps=1000)
    """

    def __new__(cls, input_fn, max_steps=None, hooks=None, saving_listeners=None):
        _check_input_fn(input_fn)
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        hooks = _check_hooks(hooks)
        saving_listeners = tuple(saving_listeners or [])
        for listener in saving_listeners:
            if not isinstance(listener, CheckpointSaverListener):
                raise TypeError("All saving_listeners must be `CheckpointSaverListener` "
                                f"instances, given: {listener}")
        return super().__new__(cls, input_fn, max_steps, hooks, saving_listeners)


class EvalSpec(collections.namedtuple("EvalSpec", [
        "input_fn", "steps", "name", "hooks", "exporters", "start_delay_secs",
        "throttle_secs"])):
    """The evaluation half of train_and_evaluate (TF1): input_fn, steps (default 100;
    None: until the input ends), name, hooks, exporters, start_delay_secs (unused in
    local mode) and throttle_secs (the least time between two evaluations).

        gc.estimator.EvalSpec(eval_input_fn, steps=None, throttle_secs=0)
    """

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None,
                start_delay_secs=120, throttle_secs=600):
        _check_input_fn(input_fn)
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        hooks = _check_hooks(hooks)
        exporters = _check_exporters(exporters)
        if start_delay_secs < 0:
            raise ValueError(f"Must specify start_delay_secs >= 0, given: {start_delay_secs}")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, hooks, exporters,
                               start_delay_secs, throttle_secs)


class _Evaluator:
    """Evaluates the latest checkpoint unless it was evaluated already, then runs
    the exporters (TF1's _TrainingExecutor._Evaluator)."""

    def __init__(self, estimator, eval_spec, max_training_steps):
        self._estimator, self._eval_spec = estimator, eval_spec
        self._max_training_steps = max_training_steps
        self._previous_ckpt_path = None

    def evaluate_and_export(self):
        """(metrics or None, export results)."""
        latest = self._estimator.latest_checkpoint()
        if not latest:
            _log().warning("Estimator is not trained yet. Will start an evaluation when a "
                           "checkpoint is ready.")
            return None, []
        if latest == self._previous_ckpt_path:
            _log().warning("No new checkpoint ready for evaluation. Skip the current "
                           "evaluation pass as evaluation results are expected to be "
                           "same for the same checkpoint.")
            return None, []
        spec = self._eval_spec
        metrics = self._estimator.evaluate(input_fn=spec.input_fn, steps=spec.steps,
                                           name=spec.name, checkpoint_path=latest,
                                           hooks=spec.hooks)
        final = bool(self._max_training_steps) and \
            metrics[GraphKeys.GLOBAL_STEP] >= self._max_training_steps
        exports = []
        base = os.path.join(self._estimator.model_dir, "export")
        for exporter in spec.exporters:
            exports.append(exporter.export(
                estimator=self._estimator,
                export_path=os.path.join(base, exporter.name), checkpoint_path=latest,
                eval_result=metrics, is_the_final_export=final))
        self._previous_ckpt_path = latest
        return metrics, exports


class _EvaluateAfterSave(CheckpointSaverListener):
    """Evaluates after each checkpoint but the first (throttled) and at the end
    (TF1's _NewCheckpointListenerForEvaluate)."""

    def __init__(self, evaluator, throttle_secs):
        self._evaluator, self._throttle_secs = evaluator, throttle_secs
        self.eval_result, self.export_results = None, None

    def begin(self):
        self._timer = SecondOrStepTimer(every_secs=self._throttle_secs)
        self._is_first_run = True

    def after_save(self, session, global_step_value):
        if self._is_first_run:
            self._is_first_run = False
            return
        if self._timer.should_trigger_for_step(global_step_value):
            self._evaluate(global_step_value)
        else:
            _log().info("Skip the current checkpoint eval due to throttle secs (%s secs).",
                        self._throttle_secs)

    def end(self, session, global_step_value):
        if global_step_value != self._timer.last_triggered_step():
            self._evaluate(global_step_value)

    def _evaluate(self, global_step_value):
        self._timer.update_last_triggered_step(global_step_value)
        self.eval_result, self.export_results = self._evaluator.evaluate_and_export()
        if self.eval_result is None:
            raise RuntimeError("There was no new checkpoint after the training. Eval "
                               "status: no new checkpoint")


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Train with train_spec and evaluate with eval_spec as checkpoints are saved
    (TF1's local mode). Returns (the last evaluation's metrics, the export results).

        gc.estimator.train_and_evaluate(est, train_spec, eval_spec)
    """
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`. Got: "
                        f"{type(eval_spec)}")
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`. Got: "
                        f"{type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`. Got: "
                        f"{type(train_spec)}")
    config = estimator.config
    _log().info("Start train and evaluate loop. The evaluate will happen after every "
                "checkpoint. Checkpoint frequency is determined based on RunConfig "
                "arguments: save_checkpoints_steps %s or save_checkpoints_secs %s.",
                config.save_checkpoints_steps, config.save_checkpoints_secs)
    evaluator = _Evaluator(estimator, eval_spec, train_spec.max_steps)
    listener = _EvaluateAfterSave(evaluator, eval_spec.throttle_secs)
    estimator.train(input_fn=train_spec.input_fn, max_steps=train_spec.max_steps,
                    hooks=list(train_spec.hooks),
                    saving_listeners=list(train_spec.saving_listeners) + [listener])
    return listener.eval_result, listener.export_results
