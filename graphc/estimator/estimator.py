"""Estimator (TF1 tf.estimator.Estimator): a model_fn trained, evaluated and run for
predictions, each call in a fresh graph and a MonitoredSession that restores the
latest checkpoint of model_dir.

    def model_fn(features, labels, mode, params):
        pred = gc.layers.dense(features["x"], 1)
        loss = gc.losses.mean_squared_error(labels, pred)
        train_op = gc.train.GradientDescentOptimizer(0.1).minimize(
            loss, global_step=gc.train.get_global_step())
        return gc.estimator.EstimatorSpec(mode, predictions=pred, loss=loss,
                                          train_op=train_op)

    est = gc.estimator.Estimator(model_fn, model_dir="m")
    est.train(input_fn, steps=100)          # resumes from m's latest checkpoint
    est.evaluate(input_fn)                  # {'loss': ..., 'global_step': 100}
"""
import copy
import os
import tempfile

from ..graph import Graph, get_default_graph
from ..metrics import mean as metrics_mean
from ..ops.graphkeys import GraphKeys
from ..ops.random import set_random_seed
from ..summary import scalar
from ..tf_logging import get_logger
from ..train.checkpoint import latest_checkpoint, list_variables, load_variable
from ..train.checkpoint_reader import warm_start
from ..train.hooks import (CheckpointSaverHook, LoggingTensorHook, NanTensorHook,
                           StopAtStepHook)
from ..train.monitored import ChiefSessionCreator, MonitoredSession, MonitoredTrainingSession
from ..train.saver import Saver
from ..train.step import create_global_step, get_global_step
from . import estimator_lib as lib
from .model_fn import LOSS_METRIC_KEY, EstimatorSpec, ModeKeys
from .run_config import RunConfig

__all__ = ["Estimator"]

_log = get_logger


def _config_with_model_dir(config, model_dir):
    """TF1's maybe_overwrite_model_dir_and_session_config (a temp dir if none)."""
    if config is None:
        config = RunConfig()
        _log().info("Using default config.")
    if not isinstance(config, RunConfig):
        raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
    model_dir = None if model_dir is None else os.fspath(model_dir)
    if model_dir is not None and config.model_dir is not None \
            and config.model_dir != model_dir:
        raise ValueError("`model_dir` are set both in constructor and `RunConfig`, but "
                         f"with different values. In constructor: '{model_dir}', in "
                         f"`RunConfig`: '{config.model_dir}' ")
    if model_dir:
        return config.replace(model_dir=model_dir)
    if config.model_dir is None:
        model_dir = tempfile.mkdtemp()
        _log().warning("Using temporary folder as model directory: %s", model_dir)
        return config.replace(model_dir=model_dir)
    return config


class Estimator:
    """Trains, evaluates and predicts with model_fn(features, labels, mode, params,
    config) (TF1). model_fn may take any of those arguments by name (features is
    required) and returns an EstimatorSpec.

        est = gc.estimator.Estimator(model_fn, model_dir="m", params={"lr": 0.1},
                                     config=gc.estimator.RunConfig(tf_random_seed=1))

    warm_start_from: a checkpoint, a model dir, a SavedModel dir or WarmStartSettings
    whose variables initialize a model that has no checkpoint yet.
    """

    def __init__(self, model_fn, model_dir=None, config=None, params=None,
                 warm_start_from=None):
        self._config = _config_with_model_dir(config, model_dir)
        self._model_dir = self._config.model_dir
        self._session_config = self._config.session_config
        _log().info("Using config: %s", self._config)
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        lib.verify_model_fn_args(model_fn, params)
        self._model_fn = model_fn
        self._params = copy.deepcopy(params or {})
        self._warm_start_settings = lib.warm_start_settings(warm_start_from)
        for key in ("train_distribute", "eval_distribute"):
            strategy = getattr(self._config, key, None)
            if getattr(strategy, "num_replicas_in_sync", 1) > 1:
                _log().warning(
                    "RunConfig.%s has %d replicas, but graphc's Estimator does not "
                    "replicate model_fn: it runs one replica on each whole batch (the "
                    "same updates for a loss averaged over the batch, not for a summed "
                    "one). Use the strategy directly (docs/distribute.md) to replicate.",
                    key, strategy.num_replicas_in_sync)

    model_dir = property(lambda self: self._model_dir, doc="Where checkpoints go.")
    config = property(lambda self: copy.deepcopy(self._config), doc="A copy of the "
                      "RunConfig.")
    params = property(lambda self: copy.deepcopy(self._params), doc="A copy of params.")
    model_fn = property(lambda self: self._call_model_fn_bound, doc="The model_fn "
                        "with params and config bound: f(features, labels, mode, config).")

    def _call_model_fn_bound(self, features, labels, mode, config):
        return self._call_model_fn(features, labels, mode, config)

    # ---- checkpoints ----------------------------------------------------------------
    def latest_checkpoint(self):
        """The path of model_dir's latest checkpoint, or None."""
        return latest_checkpoint(self.model_dir)

    def _check_checkpoint_available(self):
        if not self.latest_checkpoint():
            raise ValueError(f"Could not find trained model in model_dir: {self.model_dir}.")

    def get_variable_names(self):
        """The names of the variables in model_dir's latest checkpoint."""
        self._check_checkpoint_available()
        return [name for name, _ in list_variables(self.model_dir)]

    def get_variable_value(self, name):
        """A variable's value (numpy) in model_dir's latest checkpoint."""
        self._check_checkpoint_available()
        return load_variable(self.model_dir, name)

    def eval_dir(self, name=None):
        """model_dir/eval, or model_dir/eval_<name>, where evaluate writes summaries."""
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    # ---- calling the user's functions -----------------------------------------------
    def _call_input_fn(self, input_fn, mode):
        args = lib.fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        return input_fn(**kwargs)

    def _call_model_fn(self, features, labels, mode, config):
        args = lib.fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = config
        spec = self._model_fn(features=features, **kwargs)
        if not isinstance(spec, EstimatorSpec):
            raise ValueError("model_fn should return an EstimatorSpec.")
        return spec

    def _new_graph(self, graph):
        """Seed the fresh graph and give it a global step (TF1)."""
        set_random_seed(self._config.tf_random_seed)
        step = create_global_step(graph)
        assert step is get_global_step(graph) and step.dtype.is_integer
        return step

    def _maybe_warm_start(self, checkpoint_path):
        if not checkpoint_path and self._warm_start_settings:
            _log().info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_start(*self._warm_start_settings)

    # ---- train ----------------------------------------------------------------------
    def train(self, input_fn, hooks=None, steps=None, max_steps=None,
              saving_listeners=None):
        """Train until input_fn's data ends, `steps` more steps, or the global step
        reaches max_steps (TF1). Resumes from model_dir's latest checkpoint and saves
        checkpoints as config says (and at the end). Returns self.

            est.train(input_fn, steps=100, hooks=[my_hook])
        """
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if max_steps is not None and max_steps <= lib.load_global_step(self._model_dir):
            _log().info("Skipping training since max_steps has already saved.")
            return self
        hooks = lib.check_hooks_type(hooks)
        if steps is not None or max_steps is not None:
            hooks.append(StopAtStepHook(steps, max_steps))
        saving_listeners = lib.check_listeners_type(saving_listeners)
        loss = self._train_model(input_fn, hooks, saving_listeners)
        _log().info("Loss for final step: %s.", loss)
        return self

    def _train_model(self, input_fn, hooks, saving_listeners):
        worker_hooks = []
        with Graph().as_default() as g:
            step = self._new_graph(g)
            result = self._call_input_fn(input_fn, ModeKeys.TRAIN)
            features, labels, input_hooks = lib.parse_input_fn_result(result)
            worker_hooks.extend(input_hooks)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN, self.config)
            return self._train_with_spec(spec, worker_hooks, hooks, step, saving_listeners)

    def _train_with_spec(self, spec, worker_hooks, hooks, step, saving_listeners):
        if self._warm_start_settings and not self.latest_checkpoint():
            _log().info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_start(*self._warm_start_settings)
        lib.add_loss_summary_and_saver(spec, self._config, scalar, Saver)
        worker_hooks.extend(hooks)
        worker_hooks.append(NanTensorHook(spec.loss))
        if self._config.log_step_count_steps is not None:
            worker_hooks.append(LoggingTensorHook(
                {"loss": spec.loss, "step": step},
                every_n_iter=self._config.log_step_count_steps))
        worker_hooks.extend(spec.training_hooks)
        chief_hooks = []
        saver_hooks = [h for h in worker_hooks + list(spec.training_chief_hooks)
                       if isinstance(h, CheckpointSaverHook)]
        c = self._config
        if (c.save_checkpoints_secs or c.save_checkpoints_steps) and not saver_hooks:
            chief_hooks = [CheckpointSaverHook(
                self._model_dir, save_secs=c.save_checkpoints_secs,
                save_steps=c.save_checkpoints_steps, scaffold=spec.scaffold,
                save_graph_def=c.checkpoint_save_graph_def)]
            saver_hooks = chief_hooks[:1]
        if saving_listeners:
            if not saver_hooks:
                raise ValueError("There should be a CheckpointSaverHook to use "
                                 "saving_listeners. Please set one of the "
                                 "RunConfig.save_checkpoints_steps or "
                                 "RunConfig.save_checkpoints_secs.")
            for listener in saving_listeners:
                if listener not in saver_hooks[0]._listeners:
                    saver_hooks[0]._listeners.append(listener)
        loss, any_step_done = None, False
        with MonitoredTrainingSession(
                checkpoint_dir=self._model_dir, scaffold=spec.scaffold,
                hooks=worker_hooks,
                chief_only_hooks=tuple(chief_hooks) + tuple(spec.training_chief_hooks),
                save_checkpoint_secs=0, save_summaries_steps=c.save_summary_steps,
                config=self._session_config, max_wait_secs=c.session_creation_timeout_secs,
                log_step_count_steps=c.log_step_count_steps,
                save_graph_def=c.checkpoint_save_graph_def) as sess:
            while not sess.should_stop():
                _, loss = sess.run([spec.train_op, spec.loss])
                any_step_done = True
        if not any_step_done:
            _log().warning("Training with estimator made no steps. Perhaps input is empty "
                           "or misspecified.")
        return loss

    # ---- evaluate -------------------------------------------------------------------
    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Run the eval_metric_ops (and the mean loss) over input_fn's data, or `steps`
        batches, with checkpoint_path (default: the latest) (TF1). Returns a dict of
        the metrics plus 'loss' and 'global_step', also written as summaries to
        eval_dir(name).

            metrics = est.evaluate(eval_input_fn, steps=10)
        """
        hooks = lib.check_hooks_type(hooks)
        if steps is not None:
            if steps <= 0:
                raise ValueError(f"Must specify steps > 0, given: {steps}")
            hooks.append(lib.StopAfterNEvalsHook(num_evals=steps))
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
            if not checkpoint_path:
                _log().info("Could not find trained model in model_dir: %s, running "
                            "initialization to evaluate.", self._model_dir)
        with Graph().as_default():
            scaffold, update_op, eval_dict, all_hooks = self._evaluate_build_graph(
                input_fn, hooks, checkpoint_path)
            results = lib.evaluate_once(checkpoint_path, scaffold, update_op, eval_dict,
                                        all_hooks, self._session_config)
        step = results[GraphKeys.GLOBAL_STEP]
        lib.write_dict_to_summary(self.eval_dir(name), results, step)
        if checkpoint_path:
            lib.write_checkpoint_path_to_summary(self.eval_dir(name), checkpoint_path, step)
        return results

    def _evaluate_build_graph(self, input_fn, hooks, checkpoint_path):
        step = self._new_graph(get_default_graph())
        result = self._call_input_fn(input_fn, ModeKeys.EVAL)
        features, labels, input_hooks = lib.parse_input_fn_result(result)
        spec = self._call_model_fn(features, labels, ModeKeys.EVAL, self.config)
        self._maybe_warm_start(checkpoint_path)
        if LOSS_METRIC_KEY in spec.eval_metric_ops:
            raise ValueError(f'Metric with name "{LOSS_METRIC_KEY}" is not allowed, '
                             "because Estimator already defines a default metric with "
                             "the same name.")
        spec.eval_metric_ops[LOSS_METRIC_KEY] = metrics_mean(spec.loss)
        update_op, eval_dict = lib.extract_metric_update_ops(spec.eval_metric_ops)
        if GraphKeys.GLOBAL_STEP in eval_dict:
            raise ValueError("Metric with name `global_step` is not allowed, because "
                             "Estimator already defines a default metric with the same "
                             "name.")
        eval_dict[GraphKeys.GLOBAL_STEP] = step
        all_hooks = list(input_hooks) + list(hooks) + list(spec.evaluation_hooks)
        return spec.scaffold, update_op, eval_dict, all_hooks

    # ---- predict --------------------------------------------------------------------
    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):
        """Yield the predictions of input_fn's data, one example at a time (or one
        batch with yield_single_examples=False), with checkpoint_path (default: the
        latest) (TF1). predict_keys picks some keys of dict predictions.

            for p in est.predict(input_fn, predict_keys=["probabilities"]): ...
        """
        hooks = lib.check_hooks_type(hooks)
        if not checkpoint_path:
            checkpoint_path = self.latest_checkpoint()
        if not checkpoint_path:
            _log().info("Could not find trained model in model_dir: %s, running "
                        "initialization to predict.", self._model_dir)
        with Graph().as_default() as g:
            self._new_graph(g)
            result = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            features, _, input_hooks = lib.parse_input_fn_result(result)
            if not lib.has_dataset_or_queue_runner(features):
                _log().warning("Input graph does not use tf.data.Dataset or contain a "
                               "QueueRunner. That means predict yields forever. This is "
                               "probably a mistake.")
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT, self.config)
            self._maybe_warm_start(checkpoint_path)
            predictions = _extract_keys(spec.predictions, predict_keys)
            all_hooks = list(input_hooks) + hooks + list(spec.prediction_hooks)
            creator = ChiefSessionCreator(checkpoint_filename_with_path=checkpoint_path,
                                          scaffold=spec.scaffold,
                                          config=self._session_config)
            with MonitoredSession(session_creator=creator, hooks=all_hooks) as sess:
                while not sess.should_stop():
                    values = sess.run(predictions)
                    if not yield_single_examples:
                        yield values
                    elif not isinstance(predictions, dict):
                        yield from values
                    else:
                        for i in range(_batch_length(values)):
                            yield {key: value[i] for key, value in values.items()}

    # ---- export ---------------------------------------------------------------------
    def export_saved_model(self, export_dir_base, serving_input_receiver_fn,
                           assets_extra=None, as_text=False, checkpoint_path=None,
                           experimental_mode=ModeKeys.PREDICT):
        """Export the model_fn's PREDICT graph with the latest (or checkpoint_path)
        variables as a SavedModel (graphc's format) in export_dir_base/<timestamp>;
        returns that path as bytes (TF1).

            path = est.export_saved_model("export", serving_input_receiver_fn)
        """
        from .export_saved import export_saved_model
        return export_saved_model(self, export_dir_base, serving_input_receiver_fn,
                                  assets_extra, as_text, checkpoint_path, experimental_mode)

    def export_savedmodel(self, export_dir_base, serving_input_receiver_fn,
                          assets_extra=None, as_text=False, checkpoint_path=None,
                          strip_default_attrs=False):
        """The older name of export_saved_model (TF1, deprecated)."""
        return self.export_saved_model(export_dir_base, serving_input_receiver_fn,
                                       assets_extra, as_text, checkpoint_path)


def _extract_keys(predictions, predict_keys):
    if not predict_keys:
        return predictions
    if not isinstance(predictions, dict):
        raise ValueError("predict_keys argument is not valid in case of non-dict "
                         "predictions.")
    existing = predictions.keys()
    picked = {k: v for k, v in predictions.items() if k in predict_keys}
    if not picked:
        raise ValueError(f"Expected to run at least one output from {existing}, provided "
                         f"{predict_keys}.")
    return picked


def _batch_length(values):
    length = None
    for key, value in values.items():
        length = length or value.shape[0]
        if value.shape[0] != length:
            raise ValueError("Batch length of predictions should be same. "
                             f"{key} has different batch length than others.")
    return length
