"""The Supervisor's background services (TF1's SVSummaryThread, SVStepCounterThread,
SVTimerCheckpointThread: LooperThreads of its Coordinator) and the SessionLog events it
writes (START, CHECKPOINT, STOP)."""
import time

from ..io.events import SessionLog
from ..summary import Summary
from ..tf_logging import get_logger
from .coordinator import LooperThread
from .step import global_step as _read_step

__all__ = []

# SessionLog.SessionStatus (TF's event.proto)
_START, _STOP, _CHECKPOINT = SessionLog.START, SessionLog.STOP, SessionLog.CHECKPOINT


def _add_session_log(writer, status, step=None, checkpoint_path=""):
    """writer.add_session_log(SessionLog(status, checkpoint_path), step)."""
    writer.add_session_log(SessionLog(status, checkpoint_path), step or None)


class SVSummaryThread(LooperThread):
    """Runs the summary op (and reads the global step) every save_summaries_secs."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        if self._sv.global_step is not None:
            summary, step = self._sess.run([self._sv.summary_op, self._sv.global_step])
        else:
            summary, step = self._sess.run(self._sv.summary_op), None
        if self._sv.summary_writer:
            get_logger().info("Recording summary at step %s.", step)
            self._sv.summary_writer.add_summary(summary, step)


class SVStepCounterThread(LooperThread):
    """Writes '<global step op>/sec', the steps per second since its last run."""

    def __init__(self, sv, sess, step_counter=None):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess
        self._last_time, self._last_step = 0.0, 0
        self._step_counter = sv.global_step if step_counter is None else step_counter
        self._summary_tag = f"{self._step_counter.node.name}/sec"

    def start_loop(self):
        self._last_time = time.time()
        self._last_step = _read_step(self._sess, self._step_counter)

    def run_loop(self):
        step = _read_step(self._sess, self._step_counter)
        added, self._last_step = step - self._last_step, step
        now = time.time()
        elapsed, self._last_time = now - self._last_time, now
        rate = added / elapsed if elapsed > 0.0 else float("inf")
        summary = Summary(value=[Summary.Value(tag=self._summary_tag, simple_value=rate)])
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(summary, step)


class SVTimerCheckpointThread(LooperThread):
    """Saves a checkpoint save_path-STEP every save_model_secs (and logs CHECKPOINT)."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_model_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        get_logger().info("Saving checkpoint to path %s", self._sv.save_path)
        self._sv.saver.save(self._sess, self._sv.save_path, global_step=self._sv.global_step)
        if self._sv.summary_writer and self._sv.global_step is not None:
            step = _read_step(self._sess, self._sv.global_step)
            _add_session_log(self._sv.summary_writer, _CHECKPOINT, step,
                             checkpoint_path=self._sv.save_path)
