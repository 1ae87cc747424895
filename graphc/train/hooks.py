"""TF1's SessionRunHooks (tf.train.*Hook): stop at a step, save checkpoints and
summaries, log tensors, count steps, catch NaN losses, profile. They run inside a
MonitoredSession (graphc/train/monitored.py); the base protocol is session_run_hook.py."""
import os

from ..graph import get_default_graph
from ..io.serialize import SerializationError, write_graph
from ..summary import FileWriterCache, Summary
from ..tf_logging import get_logger
from .hooks_more import (FeedFnHook, FinalOpsHook, GlobalStepWaiterHook,  # noqa: F401
                         LoggingTensorHook, NanLossDuringTrainingError, NanTensorHook,
                         ProfilerHook)
from .session_manager import SAVERS
from .session_run_hook import (SecondOrStepTimer, SessionRunArgs,  # noqa: F401
                               SessionRunContext, SessionRunHook, SessionRunValues,
                               _global_step)

__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues",
           "SecondOrStepTimer", "StopAtStepHook", "CheckpointSaverListener",
           "CheckpointSaverHook", "StepCounterHook", "NanLossDuringTrainingError",
           "NanTensorHook", "LoggingTensorHook", "SummarySaverHook", "GlobalStepWaiterHook",
           "FinalOpsHook", "FeedFnHook", "ProfilerHook"]

_log = get_logger


class StopAtStepHook(SessionRunHook):
    """Requests a stop when the global step reaches last_step, or num_steps after the
    step the session started at (exactly one of the two).

        hooks=[gc.train.StopAtStepHook(last_step=1000)]
    """

    def __init__(self, num_steps=None, last_step=None):
        if num_steps is None and last_step is None:
            raise ValueError("One of num_steps or last_step must be specified.")
        if num_steps is not None and last_step is not None:
            raise ValueError("Only one of num_steps or last_step can be specified.")
        self._num_steps, self._last_step = num_steps, last_step

    def begin(self):
        self._global_step_tensor = _global_step("StopAtStepHook")

    def after_create_session(self, session, coord):
        if self._last_step is None:
            self._last_step = session.run(self._global_step_tensor) + self._num_steps

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        # the step fetched is read before the train op ran: +1 guesses the new one
        if run_values.results + 1 >= self._last_step:
            if run_context.session.run(self._global_step_tensor) >= self._last_step:
                run_context.request_stop()


class CheckpointSaverListener:
    """Called around the saves of a CheckpointSaverHook (TF1). after_save returning
    True stops the training."""

    def begin(self):
        pass

    def before_save(self, session, global_step_value):
        pass

    def after_save(self, session, global_step_value):
        pass

    def end(self, session, global_step_value):
        pass


class CheckpointSaverHook(SessionRunHook):
    """Saves a checkpoint checkpoint_dir/model.ckpt-STEP when the session starts, every
    save_secs or save_steps, and at the end (TF1). Also writes graph.pbtxt (graphc's
    JSON graph) and the graph to checkpoint_dir's event file.

        gc.train.CheckpointSaverHook("ckpt", save_steps=100)
    """

    def __init__(self, checkpoint_dir, save_secs=None, save_steps=None, saver=None,
                 checkpoint_basename="model.ckpt", scaffold=None, listeners=None,
                 save_graph_def=True):
        _log().info("Create CheckpointSaverHook.")
        if saver is not None and scaffold is not None:
            raise ValueError("You cannot provide both saver and scaffold.")
        self._saver, self._scaffold = saver, scaffold
        self._checkpoint_dir = checkpoint_dir
        self._save_path = os.path.join(checkpoint_dir, checkpoint_basename)
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)
        self._listeners = listeners or []
        self._steps_per_run = 1000000
        self._save_graph_def = save_graph_def

    def begin(self):
        self._summary_writer = FileWriterCache.get(self._checkpoint_dir)
        self._global_step_tensor = _global_step("CheckpointSaverHook")
        for listener in self._listeners:
            listener.begin()

    def after_create_session(self, session, coord):
        step = session.run(self._global_step_tensor)
        graph = get_default_graph()
        if self._save_graph_def:
            try:
                write_graph(graph, self._checkpoint_dir, "graph.pbtxt")
            except SerializationError as e:     # a py_func, from_generator...
                _log().warning("CheckpointSaverHook: graph.pbtxt not written: %s", e)
        self._summary_writer.add_graph(graph)
        self._save(session, step)
        self._timer.update_last_triggered_step(step)

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def after_run(self, run_context, run_values):
        if self._timer.should_trigger_for_step(run_values.results + self._steps_per_run):
            step = run_context.session.run(self._global_step_tensor)
            if self._timer.should_trigger_for_step(step):
                self._timer.update_last_triggered_step(step)
                if self._save(run_context.session, step):
                    run_context.request_stop()

    def end(self, session):
        last_step = session.run(self._global_step_tensor)
        if last_step != self._timer.last_triggered_step():
            self._save(session, last_step)
        for listener in self._listeners:
            listener.end(session, last_step)

    def _save(self, session, step):
        """Save at `step`; whether a listener asks to stop."""
        for listener in self._listeners:
            listener.before_save(session, step)
        _log().info("Saving checkpoints for %d into %s.", step, self._save_path)
        self._get_saver().save(session, self._save_path, global_step=step,
                               write_meta_graph=self._save_graph_def)
        stop = False
        for listener in self._listeners:
            if listener.after_save(session, step):
                _log().info("A CheckpointSaverListener requested that training be "
                            "stopped. listener: %s", listener)
                stop = True
        return stop

    def _get_saver(self):
        if self._saver is not None:
            return self._saver
        if self._scaffold is not None:
            return self._scaffold.saver
        savers = get_default_graph().get_collection(SAVERS)
        if not savers:
            raise RuntimeError(f"No items in collection {SAVERS}. Please add a saver to "
                               "the collection or provide a saver or scaffold.")
        if len(savers) > 1:
            raise RuntimeError(f"More than one item in collection {SAVERS}. Please "
                               "indicate which one to use by passing it to the constructor.")
        self._saver = savers[0]
        return self._saver


class StepCounterHook(SessionRunHook):
    """Logs (and writes as the summary 'global_step/sec') the steps per second, every
    every_n_steps or every_n_secs (TF1).

        gc.train.StepCounterHook(every_n_steps=100, output_dir="logs")
    """

    def __init__(self, every_n_steps=100, every_n_secs=None, output_dir=None,
                 summary_writer=None):
        if (every_n_steps is None) == (every_n_secs is None):
            raise ValueError("exactly one of every_n_steps and every_n_secs should be "
                             "provided.")
        self._timer = SecondOrStepTimer(every_steps=every_n_steps, every_secs=every_n_secs)
        self._summary_writer, self._output_dir = summary_writer, output_dir
        self._last_global_step = None
        self._steps_per_run = 1

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._global_step_tensor = _global_step("StepCounterHook")
        self._summary_tag = self._global_step_tensor.op.name + "/sec"

    def before_run(self, run_context):
        return SessionRunArgs(self._global_step_tensor)

    def _log_and_record(self, elapsed_steps, elapsed_time, global_step):
        rate = elapsed_steps / elapsed_time if elapsed_time > 0 else float("inf")
        if self._summary_writer is not None:
            self._summary_writer.add_summary(
                Summary([Summary.Value(self._summary_tag, simple_value=rate)]), global_step)
        _log().info("%s: %g", self._summary_tag, rate)

    def after_run(self, run_context, run_values):
        stale = run_values.results
        if self._timer.should_trigger_for_step(stale + self._steps_per_run):
            step = run_context.session.run(self._global_step_tensor)
            if self._timer.should_trigger_for_step(step):
                elapsed_time, elapsed_steps = self._timer.update_last_triggered_step(step)
                if elapsed_time is not None:
                    self._log_and_record(elapsed_steps, elapsed_time, step)
        if stale == self._last_global_step:
            _log().warning("It seems that global step (tf.train.get_global_step) has not "
                           "been increased. Current value (could be stable): %s vs "
                           "previous value: %s. You could increase the global step by "
                           "passing tf.train.get_global_step() to "
                           "Optimizer.apply_gradients or Optimizer.minimize.",
                           stale, self._last_global_step)
        self._last_global_step = stale


class SummarySaverHook(SessionRunHook):
    """Runs the summary op (summary_op, or the scaffold's) every save_steps or
    save_secs and writes it to output_dir's event file at the global step (TF1).

        gc.train.SummarySaverHook(save_steps=10, output_dir="logs",
                                  summary_op=gc.summary.merge_all())
    """

    def __init__(self, save_steps=None, save_secs=None, output_dir=None,
                 summary_writer=None, scaffold=None, summary_op=None):
        if (scaffold is None) == (summary_op is None):
            raise ValueError("Exactly one of scaffold or summary_op must be provided.")
        self._summary_op, self._summary_writer = summary_op, summary_writer
        self._output_dir, self._scaffold = output_dir, scaffold
        self._timer = SecondOrStepTimer(every_secs=save_secs, every_steps=save_steps)

    def begin(self):
        if self._summary_writer is None and self._output_dir:
            self._summary_writer = FileWriterCache.get(self._output_dir)
        self._next_step = None
        self._global_step_tensor = _global_step("SummarySaverHook")

    def before_run(self, run_context):
        self._request_summary = self._next_step is None or \
            self._timer.should_trigger_for_step(self._next_step)
        requests = {"global_step": self._global_step_tensor}
        if self._request_summary and self._get_summary_op() is not None:
            requests["summary"] = self._get_summary_op()
        return SessionRunArgs(requests)

    def after_run(self, run_context, run_values):
        if not self._summary_writer:
            return
        step = run_values.results["global_step"] + 1
        if self._next_step is None or self._request_summary:
            step = run_context.session.run(self._global_step_tensor)
        if self._request_summary:
            self._timer.update_last_triggered_step(step)
            for summary in run_values.results.get("summary", ()):
                self._summary_writer.add_summary(summary, step)
        self._next_step = step + 1

    def end(self, session=None):
        if self._summary_writer:
            self._summary_writer.flush()

    def _get_summary_op(self):
        op = self._summary_op if self._summary_op is not None else self._scaffold.summary_op
        if op is None:
            return None
        return op if isinstance(op, list) else [op]


