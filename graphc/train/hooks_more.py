"""More of TF1's SessionRunHooks: NaN checks, tensor logging, final ops, feeds, waiting
for a step and profiling (the checkpoint, summary and step hooks are in hooks.py)."""
import os
import time

import numpy as np

from .. import errors
from ..graph import get_default_graph
from ..run_metadata import RunOptions
from ..tf_logging import get_logger
from .session_run_hook import (SecondOrStepTimer, SessionRunArgs, SessionRunHook,
                               _global_step, _NeverTriggerTimer)

__all__ = ["NanLossDuringTrainingError", "NanTensorHook", "LoggingTensorHook",
           "GlobalStepWaiterHook", "FinalOpsHook", "FeedFnHook", "ProfilerHook"]

_log = get_logger


class NanLossDuringTrainingError(errors.GraphcError, RuntimeError):
    """Raised by NanTensorHook when the loss is NaN (TF1's, a RuntimeError)."""

    def __str__(self):
        return "NaN loss during training."


class NanTensorHook(SessionRunHook):
    """Checks loss_tensor after every run: NaN raises NanLossDuringTrainingError, or,
    with fail_on_nan_loss=False, logs a warning and stops the training (TF1).

        gc.train.NanTensorHook(loss)
    """

    def __init__(self, loss_tensor, fail_on_nan_loss=True):
        self._loss_tensor, self._fail_on_nan_loss = loss_tensor, fail_on_nan_loss

    def before_run(self, run_context):
        return SessionRunArgs(self._loss_tensor)

    def after_run(self, run_context, run_values):
        if np.isnan(run_values.results):
            msg = "Model diverged with loss = NaN."
            if self._fail_on_nan_loss:
                _log().error(msg)
                raise NanLossDuringTrainingError
            _log().warning(msg)
            run_context.request_stop()


def _as_graph_element(obj):
    """A tensor of the default graph from a tensor or a name ("x" means "x:0")."""
    graph = get_default_graph()
    if not isinstance(obj, str):
        if getattr(obj, "graph", None) is not graph:
            raise ValueError(f"Passed {obj} should have graph attribute that is equal to "
                             f"current graph {graph}.")
        return obj
    if ":" in obj:
        return graph.as_graph_element(obj)
    element = graph.as_graph_element(obj + ":0")
    try:
        graph.as_graph_element(obj + ":1")
    except (KeyError, ValueError):
        return element
    raise ValueError(f"Name {obj} is ambiguous, as this `Operation` has multiple outputs "
                     "(at least 2).")


class LoggingTensorHook(SessionRunHook):
    """Logs tensors ("tag = value, ...") every every_n_iter runs or every_n_secs, and/or
    at_end (TF1). tensors: a dict {tag: tensor or name} (logged in sorted tag order) or
    a list of tensors or names; formatter(values dict) may make the line instead.

        gc.train.LoggingTensorHook({"loss": loss, "step": step}, every_n_iter=10)
    """

    def __init__(self, tensors, every_n_iter=None, every_n_secs=None, at_end=False,
                 formatter=None):
        only_at_end = at_end and every_n_iter is None and every_n_secs is None
        if not only_at_end and (every_n_iter is None) == (every_n_secs is None):
            raise ValueError("either at_end and/or exactly one of every_n_iter and "
                             "every_n_secs must be provided.")
        if every_n_iter is not None and every_n_iter <= 0:
            raise ValueError(f"invalid every_n_iter={every_n_iter}.")
        if isinstance(tensors, dict):
            self._tag_order = sorted(tensors)
        else:
            self._tag_order = tensors
            tensors = {item: item for item in tensors}
        self._tensors, self._formatter, self._log_at_end = tensors, formatter, at_end
        self._timer = _NeverTriggerTimer() if only_at_end else \
            SecondOrStepTimer(every_secs=every_n_secs, every_steps=every_n_iter)

    def begin(self):
        self._timer.reset()
        self._iter_count = 0
        self._current_tensors = {tag: _as_graph_element(t)
                                 for tag, t in self._tensors.items()}

    def before_run(self, run_context):
        self._should_trigger = self._timer.should_trigger_for_step(self._iter_count)
        return SessionRunArgs(self._current_tensors) if self._should_trigger else None

    def _log_tensors(self, values):
        elapsed, _ = self._timer.update_last_triggered_step(self._iter_count)
        with np.printoptions(suppress=True):
            if self._formatter:
                _log().info(self._formatter(values))
                return
            line = ", ".join("%s = %s" % (tag, values[tag]) for tag in self._tag_order)
            if elapsed is not None:
                _log().info("%s (%.3f sec)", line, elapsed)
            else:
                _log().info("%s", line)

    def after_run(self, run_context, run_values):
        if self._should_trigger:
            self._log_tensors(run_values.results)
        self._iter_count += 1

    def end(self, session):
        if self._log_at_end:
            self._log_tensors(session.run(self._current_tensors))


class GlobalStepWaiterHook(SessionRunHook):
    """Delays the first run until the global step reaches wait_until_step (TF1: lets
    a worker start after the chief has trained a while)."""

    def __init__(self, wait_until_step):
        self._wait_until_step = wait_until_step

    def begin(self):
        self._worker_is_started = False
        self._global_step_tensor = _global_step("_GlobalStepWaiterHook")

    def before_run(self, run_context):
        if self._worker_is_started:
            return None
        if self._wait_until_step <= 0:
            self._worker_is_started = True
            return None
        _log().info("Waiting for global step %d before starting training.",
                    self._wait_until_step)
        last_logged = 0
        while True:
            step = run_context.session.run(self._global_step_tensor)
            if step >= self._wait_until_step:
                self._worker_is_started = True
                return None
            if step - last_logged > 1000:
                _log().info("Waiting for global step %d before starting training. Current "
                            "step is %d.", self._wait_until_step, step)
                last_logged = step
            time.sleep(0.5)


class FinalOpsHook(SessionRunHook):
    """Runs final_ops when the session ends; final_ops_values holds their values (TF1).

        final = gc.train.FinalOpsHook({"acc": accuracy})
        ... after the MonitoredSession closes: final.final_ops_values["acc"]
    """

    def __init__(self, final_ops, final_ops_feed_dict=None):
        self._final_ops, self._final_ops_feed_dict = final_ops, final_ops_feed_dict
        self._final_ops_values = None

    @property
    def final_ops_values(self):
        """The values of final_ops at the end, or None before it."""
        return self._final_ops_values

    def end(self, session):
        if self._final_ops is not None:
            try:
                self._final_ops_values = session.run(self._final_ops,
                                                     feed_dict=self._final_ops_feed_dict)
            except (errors.OutOfRangeError, StopIteration):
                _log().warning("An OutOfRangeError or StopIteration exception is raised by "
                               "the code in FinalOpsHook: the final ops must not read "
                               "another batch from the input.")
                raise


class FeedFnHook(SessionRunHook):
    """Feeds feed_fn()'s dict into every run (TF1)."""

    def __init__(self, feed_fn):
        self.feed_fn = feed_fn

    def before_run(self, run_context):
        return SessionRunArgs(fetches=None, feed_dict=self.feed_fn())


class ProfilerHook(SessionRunHook):
    """Traces a run every save_steps or save_secs (not the first) and writes its kernel
    timeline as Chrome trace JSON to output_dir/timeline-STEP.json (TF1); open it in
    chrome://tracing or Perfetto. show_dataflow and show_memory are accepted and ignored.

        gc.train.ProfilerHook(save_steps=100, output_dir="prof")
    """

    def __init__(self, save_steps=None, save_secs=None, output_dir="", show_dataflow=True,
                 show_memory=False):
        self._output_file = os.path.join(output_dir, "timeline-{}.json")
        self._output_dir = output_dir
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        self._next_step = None
        self._global_step_tensor = _global_step("ProfilerHook")

    def before_run(self, run_context):
        self._request_summary = self._next_step is not None and \
            self._timer.should_trigger_for_step(self._next_step)
        opts = RunOptions(trace_level=RunOptions.FULL_TRACE) if self._request_summary \
            else None
        return SessionRunArgs({"global_step": self._global_step_tensor}, options=opts)

    def after_run(self, run_context, run_values):
        stale = run_values.results["global_step"]
        if self._next_step is None:
            self._timer.update_last_triggered_step(stale)
        step = stale + 1
        if self._request_summary:
            step = run_context.session.run(self._global_step_tensor)
            self._timer.update_last_triggered_step(step)
            path = self._output_file.format(step)
            _log().info("Saving timeline for %d into '%s'.", step, path)
            if self._output_dir:
                os.makedirs(self._output_dir, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(run_values.run_metadata.chrome_trace())
        self._next_step = step + 1
