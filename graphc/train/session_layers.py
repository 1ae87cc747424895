"""The layers a MonitoredSession (monitored.py) wraps around a Session, innermost
first: _HookedSession (calls the hooks around each run), _CoordinatedSession (a
Coordinator: the errors its threads report win, close() joins them) and
_RecoverableSession (re-creates the session after an AbortedError or UnavailableError).
"""
import sys

from .. import errors
from ..run_metadata import RunMetadata, RunOptions
from ..tf_logging import get_logger
from .coordinator import Coordinator
from .session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

__all__ = ["SessionCreator"]

_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)


class SessionCreator:
    """Makes a Session for a MonitoredSession: subclass and define create_session()."""

    def create_session(self):
        raise NotImplementedError("create_session is not implemented for "
                                  f"{type(self).__name__}.")


class _WrappedSession:
    """Base of the layers: forwards to the session inside, stops when it stops."""

    def __init__(self, sess):
        self._sess = sess
        self._wrapped_is_stoppable = isinstance(sess, _WrappedSession)

    @property
    def graph(self):
        return self._sess.graph

    def _check_stop(self):
        return False

    def should_stop(self):
        if self._check_stop():
            return True
        if self._sess is not None:
            return self._wrapped_is_stoppable and self._sess.should_stop()
        return True

    def close(self):
        if self._sess is not None:
            try:
                self._sess.close()
            except _PREEMPTION_ERRORS as e:
                get_logger().error("An error occurred when attempting to close the session."
                                   " This may be due to a preemption in a connected worker "
                                   "or parameter server. Error: %s", e)
            finally:
                self._sess = None

    def run(self, *args, **kwargs):
        return self._sess.run(*args, **kwargs)

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        return step_fn(_StepContext(raw_session, run_with_hooks or self.run))


class _HookedSession(_WrappedSession):
    """Calls the hooks' before_run/after_run around each run, merging what they ask
    for (fetches, feeds, options) into it."""

    def __init__(self, sess, hooks):
        super().__init__(sess)
        self._hooks = hooks
        self._should_stop = False

    def _check_stop(self):
        return self._should_stop

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self.should_stop():
            raise RuntimeError("Run called even after should_stop requested.")
        actual_fetches = {"caller": fetches}
        context = SessionRunContext(SessionRunArgs(fetches, feed_dict), self._sess)
        options = options or RunOptions()
        feed_dict = self._call_hook_before_run(context, actual_fetches, feed_dict, options)
        run_metadata = run_metadata or RunMetadata()
        outputs = self._sess.run(actual_fetches, feed_dict=feed_dict, options=options,
                                 run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(context, SessionRunValues(
                results=outputs[hook] if hook in outputs else None, options=options,
                run_metadata=run_metadata))
        self._should_stop = self._should_stop or context.stop_requested
        return outputs["caller"]

    def _call_hook_before_run(self, context, fetch_dict, user_feed_dict, options):
        """The feed dict of the run (the user's and the hooks'); adds hook fetches to
        fetch_dict and merges the hooks' options into `options`."""
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(context)
            if request is None:
                continue
            if request.fetches is not None:
                fetch_dict[hook] = request.fetches
            if request.feed_dict:
                _raise_if_feeds_intersect(hook_feeds, request.feed_dict,
                                          "Same tensor is fed by two hooks.")
                hook_feeds.update(request.feed_dict)
            if request.options:
                options.trace_level = max(options.trace_level, request.options.trace_level)
        if not hook_feeds:
            return user_feed_dict
        if not user_feed_dict:
            return hook_feeds
        _raise_if_feeds_intersect(user_feed_dict, hook_feeds,
                                  "Same tensor is fed by a SessionRunHook and user.")
        hook_feeds.update(user_feed_dict)
        return hook_feeds


def _raise_if_feeds_intersect(feeds1, feeds2, message):
    both = set(feeds1) & set(feeds2)
    if both:
        raise RuntimeError(message + " Conflict(s): " + str(sorted(map(str, both))))


class _CoordinatedSession(_WrappedSession):
    """A session with a Coordinator: an error its threads reported wins over the run's
    own; close() asks them to stop and joins them."""

    def __init__(self, sess, coord, stop_grace_period_secs=120):
        super().__init__(sess)
        self._coord = coord
        self._stop_grace_period_secs = stop_grace_period_secs

    def _check_stop(self):
        self._coord.raise_requested_exception()
        return self._coord.should_stop()

    def close(self):
        self._coord.request_stop()
        try:
            self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs,
                             ignore_live_threads=True)
        finally:
            try:
                super().close()
            except Exception:           # noqa: BLE001  (TF1 ignores errors here)
                pass

    def run(self, *args, **kwargs):
        return self._coordinated(self._sess.run, *args, **kwargs)

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        return self._coordinated(self._sess.run_step_fn, step_fn, raw_session,
                                 run_with_hooks)

    def _coordinated(self, fn, *args, **kwargs):
        """fn's result; if it fails, an error a thread reported to the coordinator
        first is raised instead (TF1), except a preemption, which the recovery layer
        handles."""
        try:
            return fn(*args, **kwargs)
        except _PREEMPTION_ERRORS:
            raise
        except Exception:
            original = sys.exc_info()[1]
            try:
                self._coord.raise_requested_exception()
            except _PREEMPTION_ERRORS:
                raise
            except Exception:           # noqa: BLE001  (the run's own error is raised)
                raise original from None
            raise


class _RecoverableSession(_WrappedSession):
    """Re-creates the session (with the creator) after an AbortedError or
    UnavailableError, in a run or while creating it."""

    def __init__(self, sess_creator):
        self._sess_creator = sess_creator
        super().__init__(self._create_session())

    def _create_session(self):
        while True:
            try:
                return self._sess_creator.create_session()
            except _PREEMPTION_ERRORS as e:
                get_logger().info("An error was raised while a session was being created. "
                                  "A new session will be created. Error: %s", e)

    def _check_stop(self):
        try:
            if self._sess:
                return self._sess._check_stop()
            return True
        except _PREEMPTION_ERRORS as e:
            get_logger().info("An error was raised while considering whether the session "
                              "is complete. The current session will be closed and a new "
                              "session will be created. Error: %s", e)
            self.close()
            self._sess = self._create_session()
            return False
        except Exception:               # noqa: BLE001  (TF1: any other error stops it)
            return True

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                return self._sess.run(fetches, feed_dict=feed_dict, options=options,
                                      run_metadata=run_metadata)
            except _PREEMPTION_ERRORS as e:
                get_logger().info("An error was raised. The current session will be closed "
                                  "and a new session will be created. Error: %s", e)
                self.close()
                self._sess = None

    def run_step_fn(self, step_fn, raw_session, run_with_hooks):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                run_with_hooks = self._sess.run
                return self._sess.run_step_fn(step_fn, self._sess_creator.tf_sess,
                                              run_with_hooks)
            except _PREEMPTION_ERRORS as e:
                get_logger().info("An error was raised. The current session will be closed "
                                  "and a new session will be created. Error: %s", e)
                self.close()
                self._sess = None


class _CoordinatedSessionCreator(SessionCreator):
    """Makes the raw session, a Coordinator, calls after_create_session on the hooks,
    and wraps the session in _HookedSession and _CoordinatedSession."""

    def __init__(self, session_creator, hooks, stop_grace_period_secs):
        self._session_creator, self._hooks = session_creator, hooks
        self._stop_grace_period_secs = stop_grace_period_secs
        self.coord = None
        self.tf_sess = None

    def create_session(self):
        self.tf_sess = self._session_creator.create_session()
        self.coord = Coordinator()
        for hook in self._hooks:
            hook.after_create_session(self.tf_sess, self.coord)
        return _CoordinatedSession(_HookedSession(self.tf_sess, self._hooks), self.coord,
                                   self._stop_grace_period_secs)


class _StepContext:
    """What run_step_fn's step_fn gets: session (raw), run_with_hooks, request_stop."""

    def __init__(self, session, run_with_hooks_fn):
        self._session, self._run_with_hooks_fn = session, run_with_hooks_fn

    @property
    def session(self):
        return self._session

    def run_with_hooks(self, *args, **kwargs):
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self):
        raise StopIteration("step_fn has requested the iterations to stop.")
