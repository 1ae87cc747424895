"""TF1's MonitoredSession family: a Session wrapped with hooks (session_run_hook.py),
a Coordinator, checkpoint restore at creation, and re-creation of the session after an
AbortedError or UnavailableError. MonitoredTrainingSession adds the usual hooks.

    with gc.train.MonitoredTrainingSession(checkpoint_dir="ckpt", hooks=[
            gc.train.StopAtStepHook(last_step=1000)]) as sess:
        while not sess.should_stop():
            sess.run(train_op)

The wrapping layers of the session are in session_layers.py.
"""
import inspect

from .. import errors
from ..graph import get_default_graph
from .hooks import CheckpointSaverHook, StepCounterHook, SummarySaverHook
from ..ops.graphkeys import GraphKeys
from .coordinator import Coordinator
from .session_layers import (SessionCreator, _CoordinatedSession,
                             _CoordinatedSessionCreator, _HookedSession,
                             _RecoverableSession)
from .session_manager import Scaffold, SessionManager

__all__ = ["Scaffold", "SessionManager", "SessionCreator", "ChiefSessionCreator",
           "WorkerSessionCreator", "MonitoredSession", "SingularMonitoredSession",
           "MonitoredTrainingSession"]
USE_DEFAULT = object()


class ChiefSessionCreator(SessionCreator):
    """Finalizes the scaffold and makes a Session restored from checkpoint_dir's latest
    checkpoint (or checkpoint_filename_with_path), else initialized (TF1).

        creator = gc.train.ChiefSessionCreator(checkpoint_dir="ckpt")
        with gc.train.MonitoredSession(session_creator=creator) as sess: ...
    """

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._session_manager = None
        self._master, self._config = master, config

    def _get_session_manager(self):
        if self._session_manager is None:
            s = self._scaffold
            self._session_manager = SessionManager(
                local_init_op=s.local_init_op, local_init_feed_dict=s.local_init_feed_dict,
                ready_op=s.ready_op, ready_for_local_init_op=s.ready_for_local_init_op,
                graph=get_default_graph())
        return self._session_manager

    def create_session(self):
        self._scaffold.finalize()
        return self._get_session_manager().prepare_session(
            self._master, saver=self._scaffold.saver, checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config, init_op=self._scaffold.init_op,
            init_feed_dict=self._scaffold.init_feed_dict, init_fn=self._scaffold.init_fn)


class WorkerSessionCreator(ChiefSessionCreator):
    """A worker's creator (TF1: waits for the chief to initialize the model). graphc is
    single-process and its sessions share no variables, so there is no chief to wait
    for: the worker initializes its own session from the scaffold's init ops (never
    from a checkpoint); max_wait_secs is accepted and unused."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        super().__init__(scaffold, master, config)
        self._max_wait_secs = max_wait_secs


class _QueueRunnerStartingCreator(_CoordinatedSessionCreator):
    """TF1's coordinated creator: the graph's queue runners start in the new session
    with its Coordinator, before the hooks' after_create_session; closing the session
    asks the coordinator to stop (their cancel threads close the queues) and joins them."""

    def create_session(self):
        from .queue_runner import start_queue_runners
        self.tf_sess = self._session_creator.create_session()
        self.coord = Coordinator()
        if self.tf_sess.graph.get_collection(GraphKeys.QUEUE_RUNNERS):
            start_queue_runners(sess=self.tf_sess, coord=self.coord)
        for hook in self._hooks:
            hook.after_create_session(self.tf_sess, self.coord)
        return _CoordinatedSession(_HookedSession(self.tf_sess, self._hooks), self.coord,
                                   self._stop_grace_period_secs)


class _MonitoredSessionBase:
    """MonitoredSession's behaviour; the subclasses differ in their creator."""

    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        self._graph_was_finalized = get_default_graph().finalized
        self._graph = get_default_graph()
        self._hooks = list(hooks or [])
        for hook in self._hooks:
            hook.begin()
        self._coordinated_creator = _QueueRunnerStartingCreator(
            session_creator or ChiefSessionCreator(), self._hooks, stop_grace_period_secs)
        if should_recover:
            self._sess = _RecoverableSession(self._coordinated_creator)
        else:
            self._sess = self._coordinated_creator.create_session()

    @property
    def graph(self):
        """The graph the session runs."""
        return self._tf_sess().graph

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Session.run with the hooks called around it (TF1)."""
        return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                              run_metadata=run_metadata)

    def run_step_fn(self, step_fn):
        """Call step_fn(step_context) once: step_context.session is the raw session,
        step_context.run_with_hooks(...) runs with the hooks, and
        step_context.request_stop() ends the loop (StopIteration, which the `with`
        block absorbs). Returns what step_fn returns."""
        params = tuple(inspect.signature(step_fn).parameters)
        if params != ("step_context",) and params != ("self", "step_context"):
            raise ValueError("`step_fn` may either have one `step_context` argument, or "
                             "`self` and `step_context` arguments if it's an instance "
                             f"method. Got {params} instead.")
        return self._sess.run_step_fn(step_fn, self._tf_sess(), run_with_hooks=None)

    def should_stop(self):
        """True once a hook, the coordinator or an error asked to stop."""
        return self._sess is None or self._sess.should_stop()

    def close(self):
        """Call the hooks' end(), then close the session (TF1)."""
        self._close_internal()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None       # absorbs OutOfRangeError and StopIteration

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type:
                for hook in self._hooks:
                    hook.end(self._coordinated_creator.tf_sess)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._sess.close()
            finally:
                self._sess = None
                self._coordinated_creator.tf_sess = None
                self._coordinated_creator.coord = None
                if not self._graph_was_finalized:
                    self._graph.finalized = False   # TF1's _unsafe_unfinalize

    def _is_closed(self):
        return self._sess is None

    def _tf_sess(self):
        return self._coordinated_creator.tf_sess


class MonitoredSession(_MonitoredSessionBase):
    """A Session with hooks, made by session_creator (default ChiefSessionCreator:
    restore or initialize), re-created after AbortedError/UnavailableError (TF1).

        hooks = [gc.train.StopAtStepHook(last_step=100)]
        with gc.train.MonitoredSession(hooks=hooks) as sess:
            while not sess.should_stop():
                sess.run(train_op)

    Creating it calls each hook's begin(), finalizes the graph and calls
    after_create_session; close() (or leaving the `with` block) calls end() on the
    hooks unless an error is leaving it, and un-finalizes the graph if it was not
    finalized before. The `with` block absorbs OutOfRangeError (the end of the data).
    """

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSessionBase):
    """A MonitoredSession without recovery whose raw session is reachable (TF1).

        with gc.train.SingularMonitoredSession(hooks=hooks) as sess:
            sess.raw_session().run(...)         # no hooks called
    """

    def __init__(self, hooks=None, scaffold=None, master="", config=None,
                 checkpoint_dir=None, stop_grace_period_secs=120,
                 checkpoint_filename_with_path=None):
        creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                      checkpoint_dir=checkpoint_dir,
                                      checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self):
        """The Session inside, which runs without hooks."""
        return self._tf_sess()


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None,  # noqa: N802
                             scaffold=None, hooks=None, chief_only_hooks=None,
                             save_checkpoint_secs=USE_DEFAULT,
                             save_summaries_steps=USE_DEFAULT,
                             save_summaries_secs=USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100,
                             max_wait_secs=7200, save_checkpoint_steps=USE_DEFAULT,
                             summary_dir=None, save_graph_def=True):
    """A MonitoredSession for training (TF1). The chief restores checkpoint_dir's latest
    checkpoint (else initializes) and gets, in this order, chief_only_hooks, a
    StepCounterHook (every log_step_count_steps), a SummarySaverHook (every
    save_summaries_steps, default 100, or save_summaries_secs) writing to summary_dir
    (default checkpoint_dir), a CheckpointSaverHook (every save_checkpoint_secs, default
    600, or save_checkpoint_steps) and then `hooks`. A non-chief gets `hooks` only.

        with gc.train.MonitoredTrainingSession(
                checkpoint_dir="ckpt", save_checkpoint_steps=100,
                hooks=[gc.train.StopAtStepHook(last_step=1000)]) as sess:
            while not sess.should_stop():
                sess.run(train_op)
    """
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None
    scaffold = scaffold or Scaffold()
    if not is_chief:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config,
                                       max_wait_secs=max_wait_secs)
        return MonitoredSession(session_creator=creator, hooks=hooks or [],
                                stop_grace_period_secs=stop_grace_period_secs)
    all_hooks = list(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir,
                                  master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(StepCounterHook(output_dir=summary_dir,
                                             every_n_steps=log_step_count_steps))
        if (save_summaries_steps and save_summaries_steps > 0) or \
                (save_summaries_secs and save_summaries_secs > 0):
            all_hooks.append(SummarySaverHook(scaffold=scaffold,
                                              save_steps=save_summaries_steps,
                                              save_secs=save_summaries_secs,
                                              output_dir=summary_dir))
    if checkpoint_dir and ((save_checkpoint_secs and save_checkpoint_secs > 0) or
                           (save_checkpoint_steps and save_checkpoint_steps > 0)):
        all_hooks.append(CheckpointSaverHook(checkpoint_dir, save_steps=save_checkpoint_steps,
                                             save_secs=save_checkpoint_secs,
                                             scaffold=scaffold,
                                             save_graph_def=save_graph_def))
    all_hooks.extend(hooks or [])
    return MonitoredSession(session_creator=creator, hooks=all_hooks,
                            stop_grace_period_secs=stop_grace_period_secs)
