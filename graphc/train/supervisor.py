"""TF1's tf.train.Supervisor: a session made ready (restored from logdir's latest
checkpoint, or initialized), a Coordinator, and background services on timers: a
checkpoint every save_model_secs, the summary op and the global_step/sec rate every
save_summaries_secs, written to logdir's event file. Threads are LooperThreads of the
Coordinator, so stop() (and leaving managed_session) stops and joins them.

    sv = gc.train.Supervisor(logdir="train_dir", save_model_secs=60)
    with sv.managed_session() as sess:
        while not sv.should_stop():
            sess.run(train_op)
"""
import contextlib
import os

from .. import dtypes
from ..graph import get_default_graph
from ..io.serialize import SerializationError, write_graph
from ..ops.graphkeys import GraphKeys, add_to_collection
from ..ops.init_checks import report_uninitialized_variables
from ..ops.state import global_variables, global_variables_initializer
from ..summary import FileWriter, merge_all
from ..tf_logging import get_logger
from .coordinator import Coordinator, LooperThread
from .saver import Saver
from .session_manager import Scaffold, SessionManager
from .step import global_step as _read_step
from .supervisor_services import (_START, _STOP, SVStepCounterThread, SVSummaryThread,
                                  SVTimerCheckpointThread, _add_session_log)

__all__ = ["Supervisor"]

def _first(key):
    """The first item of collection `key`, or None (TF1 logs when there are several)."""
    found = get_default_graph().get_collection(key)
    if len(found) > 1:
        get_logger().info("Found %d %s operations. Returning the first one.", len(found), key)
    return found[0] if found else None


class Supervisor:
    """Makes a session ready and runs its checkpoint and summary services (TF1
    tf.train.Supervisor; deprecated there in favour of MonitoredTrainingSession).

        sv = gc.train.Supervisor(logdir="train_dir", save_summaries_secs=10)
        with sv.managed_session() as sess:
            for _ in range(1000):
                if sv.should_stop():
                    break
                sess.run(train_op)

    Arguments left at USE_DEFAULT are taken from the graph's collections (ready_op,
    init_op, local_init_op, savers, summary_op, global_step) or made (and added
    there); None turns a piece off. The graph is finalized.
    """

    USE_DEFAULT = 0

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT,
                 is_chief=True, init_op=USE_DEFAULT, init_feed_dict=None,
                 local_init_op=USE_DEFAULT, logdir=None, summary_op=USE_DEFAULT,
                 saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None,
                 summary_writer=USE_DEFAULT, init_fn=None, local_init_run_options=None):
        graph = graph or get_default_graph()
        with graph.as_default():
            self._init_ready_op(ready_op, ready_for_local_init_op)
            self._init_init_op(init_op, init_feed_dict)
            self._init_local_init_op(local_init_op)
            self._init_saver(saver)
            self._init_summary_op(summary_op)
            self._init_global_step(global_step)
        self._graph = graph
        self._is_chief = is_chief
        self._coord = Coordinator()
        self._recovery_wait_secs = recovery_wait_secs
        self._stop_grace_secs = stop_grace_secs
        self._init_fn = init_fn
        self._local_init_run_options = local_init_run_options
        # only a chief writes checkpoints and events
        self._logdir = self._save_summaries_secs = self._save_model_secs = None
        self._save_path = self._summary_writer = None
        if is_chief:
            self._logdir = logdir
            self._save_summaries_secs = save_summaries_secs
            self._save_model_secs = save_model_secs
            if logdir:
                self._save_path = os.path.join(logdir, checkpoint_basename)
            if summary_writer is Supervisor.USE_DEFAULT:
                if logdir:
                    self._summary_writer = FileWriter(logdir)
            else:
                self._summary_writer = summary_writer
            self._graph_added_to_summary = False
        self._session_manager = session_manager or SessionManager(
            local_init_op=self._local_init_op, ready_op=self._ready_op,
            ready_for_local_init_op=self._ready_for_local_init_op, graph=graph,
            recovery_wait_secs=recovery_wait_secs,
            local_init_run_options=local_init_run_options)
        self._verify_setup()
        graph.finalize()

    # ---- the pieces, from the arguments or the collections ---------------------------
    def _init_ready_op(self, ready_op, ready_for_local_init_op):
        if ready_op is Supervisor.USE_DEFAULT:
            ready_op = _first(GraphKeys.READY_OP)
            if ready_op is None:
                ready_op = report_uninitialized_variables()
                add_to_collection(GraphKeys.READY_OP, ready_op)
        self._ready_op = ready_op
        if ready_for_local_init_op is Supervisor.USE_DEFAULT:
            ready_for_local_init_op = _first(GraphKeys.READY_FOR_LOCAL_INIT_OP)
        self._ready_for_local_init_op = ready_for_local_init_op

    def _init_init_op(self, init_op, init_feed_dict):
        if init_op is Supervisor.USE_DEFAULT:
            init_op = _first(GraphKeys.INIT_OP)
            if init_op is None:
                init_op = global_variables_initializer()
                add_to_collection(GraphKeys.INIT_OP, init_op)
        self._init_op, self._init_feed_dict = init_op, init_feed_dict

    def _init_local_init_op(self, local_init_op):
        if local_init_op is Supervisor.USE_DEFAULT:
            local_init_op = _first(GraphKeys.LOCAL_INIT_OP)
            if local_init_op is None:
                local_init_op = Scaffold.default_local_init_op()
                add_to_collection(GraphKeys.LOCAL_INIT_OP, local_init_op)
        self._local_init_op = local_init_op

    def _init_saver(self, saver):
        """TF1 also adds a new Saver to the SAVERS collection; graphc does not, as
        Scaffold does not: graph files cannot hold a Python object there."""
        if saver is Supervisor.USE_DEFAULT:
            saver = _first(GraphKeys.SAVERS)
            if saver is None and global_variables():
                saver = Saver()
        self._saver = saver

    def _init_summary_op(self, summary_op):
        if summary_op is Supervisor.USE_DEFAULT:
            summary_op = _first(GraphKeys.SUMMARY_OP)
            if summary_op is None:
                summary_op = merge_all()
                if summary_op is not None:
                    add_to_collection(GraphKeys.SUMMARY_OP, summary_op)
        self._summary_op = summary_op

    def _init_global_step(self, global_step):
        if global_step is Supervisor.USE_DEFAULT:
            global_step = _first(GraphKeys.GLOBAL_STEP)
            if global_step is None:
                global_step = self._default_global_step_tensor()
                if global_step is not None:
                    add_to_collection(GraphKeys.GLOBAL_STEP, global_step)
        self._global_step = global_step

    @staticmethod
    def _default_global_step_tensor():
        """The tensor 'global_step:0' when it is an int32/int64 one, else None."""
        try:
            step = get_default_graph().get_tensor_by_name("global_step:0")
        except (KeyError, ValueError):
            return None
        if step.dtype in (dtypes.int32, dtypes.int64):
            return step
        get_logger().warning("Found 'global_step' is not an int type: %s", step.dtype)
        return None

    def _verify_setup(self):
        if not self._is_chief:
            for op in self._graph.nodes:
                if op.type in ("Variable", "VariableV2") and not op.device:
                    raise ValueError("When using replicas, all Variables must have their "
                                     f"device set: {op}")

    # ---- properties ------------------------------------------------------------------
    is_chief = property(lambda self: self._is_chief)
    session_manager = property(lambda self: self._session_manager)
    coord = property(lambda self: self._coord)
    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    summary_writer = property(lambda self: self._summary_writer)
    summary_op = property(lambda self: self._summary_op)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)
    global_step = property(lambda self: self._global_step)
    saver = property(lambda self: self._saver)
    save_model_secs = property(lambda self: self._save_model_secs)
    save_path = property(lambda self: self._save_path)

    # ---- sessions and services ---------------------------------------------------------
    def _write_graph(self):
        """logdir/graph.pbtxt (graphc's JSON graph) and, once, the graph event."""
        if self._logdir:
            try:
                write_graph(self._graph, self._logdir, "graph.pbtxt")
            except SerializationError as e:     # a py_func, a tf.data iterator...
                get_logger().warning("Supervisor: graph.pbtxt not written: %s", e)
        if self._summary_writer and not self._graph_added_to_summary:
            self._summary_writer.add_graph(self._graph)
            self._graph_added_to_summary = True

    def start_standard_services(self, sess):
        """Start the checkpoint, summary and step-rate threads (those the arguments
        ask for); returns them. Only a chief may; without logdir nothing starts."""
        if not self._is_chief:
            raise RuntimeError("Only chief supervisor can start standard services. Because "
                               "only chief supervisors can write events.")
        if not self._logdir:
            get_logger().warning("Standard services need a 'logdir' passed to the "
                                 "SessionManager")
            return None
        if self._global_step is not None and self._summary_writer:
            _add_session_log(self._summary_writer, _START,
                             _read_step(sess, self._global_step))
        threads = []
        if self._save_summaries_secs and self._summary_writer:
            if self._summary_op is not None:
                threads.append(SVSummaryThread(self, sess))
            if self._global_step is not None:
                threads.append(SVStepCounterThread(self, sess))
        if self._saver and self._save_model_secs:
            threads.append(SVTimerCheckpointThread(self, sess))
        for t in threads:
            t.start()
        return threads

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        """A ready session: a chief restores logdir's latest checkpoint or runs the init
        op (and init_fn), then starts the services; others wait for a ready model.
        Queue runners start too (with start_standard_services)."""
        self._coord.clear_stop()
        if self._summary_writer:
            self._summary_writer.reopen()
        if self._is_chief:
            sess = self._session_manager.prepare_session(
                master, init_op=self._init_op, saver=self._saver,
                checkpoint_dir=self._logdir, wait_for_checkpoint=wait_for_checkpoint,
                max_wait_secs=max_wait_secs, config=config,
                init_feed_dict=self._init_feed_dict, init_fn=self._init_fn)
            self._write_graph()
            if start_standard_services:
                get_logger().info("Starting standard services.")
                self.start_standard_services(sess)
        else:
            sess = self._session_manager.wait_for_session(master, config=config,
                                                          max_wait_secs=max_wait_secs)
        if start_standard_services:
            get_logger().info("Starting queue runners.")
            self.start_queue_runners(sess)
        return sess

    def start_queue_runners(self, sess, queue_runners=None):
        """Start the threads of queue_runners (default: the graph's QUEUE_RUNNERS) under
        this supervisor's coordinator; returns them."""
        if queue_runners is None:
            queue_runners = self._graph.get_collection(GraphKeys.QUEUE_RUNNERS)
        threads = []
        for qr in queue_runners:
            threads.extend(qr.create_threads(sess, coord=self._coord, daemon=True,
                                             start=True))
        return threads

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """Start a LooperThread calling target(*args, **kwargs) every
        timer_interval_secs until a stop is requested; returns it."""
        looper = LooperThread(self._coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Request a stop, join the services (and `threads`) within stop_grace_secs,
        re-raising the first error they reported; then log STOP and close the writer."""
        self._coord.request_stop()
        try:
            self._coord.join(threads, stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            if close_summary_writer and self._summary_writer:
                _add_session_log(self._summary_writer, _STOP)
                self._summary_writer.close()
                self._graph_added_to_summary = False

    def request_stop(self, ex=None):
        """Ask the services and loops to stop (ex: an error to report; see Coordinator)."""
        self._coord.request_stop(ex=ex)

    def should_stop(self):
        """Whether a stop was requested."""
        return self._coord.should_stop()

    def stop_on_exception(self):
        """Coordinator.stop_on_exception: a context reporting its error as a stop."""
        return self._coord.stop_on_exception()

    def wait_for_stop(self):
        """Block until a stop is requested."""
        self._coord.wait_for_stop()

    def summary_computed(self, sess, summary, global_step=None):
        """Write a summary (what a summary op returned) at global_step (default: the
        global step's value in sess)."""
        if not self._summary_writer:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = _read_step(sess, self._global_step)
        self._summary_writer.add_summary(summary, global_step)

    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True,
                        close_summary_writer=True):
        """A context giving a ready session; on leaving it the services stop, their
        first error (or the block's, unless an OutOfRangeError) is raised, and the
        session closes.

            with sv.managed_session() as sess:
                while not sv.should_stop():
                    sess.run(train_op)
        """
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(
                master=master, config=config, start_standard_services=start_standard_services)
            yield sess
        except Exception as e:                  # noqa: BLE001 (TF1 reports them all)
            self.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    try:
                        sess.close()
                    except Exception:           # noqa: BLE001 (TF1 ignores them)
                        pass

    # TF1's CamelCase aliases
    PrepareSession = prepare_or_wait_for_session
    StartQueueRunners = start_queue_runners
    StartStandardServices = start_standard_services
    Stop = stop
    RequestStop = request_stop
    Loop = loop
    ShouldStop = should_stop
    StopOnException = stop_on_exception
    WaitForStop = wait_for_stop
    SummaryComputed = summary_computed
