"""TF1's SessionRunHook protocol: the hook base class, the three small records a
MonitoredSession passes to hooks around each run (graphc/train/monitored.py), and the
timer hooks use to act every N steps or seconds."""
import collections
import time

from .step import get_global_step

__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues",
           "SecondOrStepTimer"]


class SessionRunHook:
    """Code that MonitoredSession calls around session creation and each run (TF1).
    Subclass it and override what you need; every method does nothing by default.

        class CountHook(gc.train.SessionRunHook):
            def begin(self):
                self.runs = 0
            def after_run(self, run_context, run_values):
                self.runs += 1

    Order: begin() (the graph can still be changed), after_create_session(session,
    coord) (graph finalized), then before_run/after_run around each run, and end(session)
    when the MonitoredSession closes without an error.
    """

    def begin(self):
        """Called once before the session is made; may add ops to the graph."""

    def after_create_session(self, session, coord):
        """Called when the session is made (and after each re-creation)."""

    def before_run(self, run_context):
        """Called before each run; may return SessionRunArgs to add fetches, feeds or
        options to it."""
        return None

    def after_run(self, run_context, run_values):
        """Called after each run with the results of what before_run asked for."""

    def end(self, session):
        """Called at the end of the session (not when it ends with an exception)."""


class SessionRunArgs(collections.namedtuple("SessionRunArgs",
                                            ["fetches", "feed_dict", "options"])):
    """What a hook adds to a run: fetches (any structure Session.run takes), a feed
    dict and RunOptions (TF1).

        return gc.train.SessionRunArgs({"loss": loss}, feed_dict={keep: 0.5})
    """

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """What hooks learn about the run in progress (TF1): original_args (the caller's
    SessionRunArgs), session (the raw Session; runs on it call no hooks) and
    request_stop().

        run_context.request_stop()      # the MonitoredSession stops after this run
    """

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        """The caller's fetches and feed_dict, as SessionRunArgs."""
        return self._original_args

    @property
    def session(self):
        """The raw Session that runs (without hooks)."""
        return self._session

    @property
    def stop_requested(self):
        """Whether a hook called request_stop() during this run."""
        return self._stop_requested

    def request_stop(self):
        """Make should_stop() True after this run."""
        self._stop_requested = True


class SessionRunValues(collections.namedtuple("SessionRunValues",
                                              ["results", "options", "run_metadata"])):
    """What after_run receives (TF1): results (the values of this hook's fetches, or
    None when it asked for none), the run's options and run_metadata."""


class SecondOrStepTimer:
    """Fires every `every_secs` seconds or every `every_steps` steps (exactly one).

        timer = gc.train.SecondOrStepTimer(every_steps=100)
        if timer.should_trigger_for_step(step):
            timer.update_last_triggered_step(step)
    """

    def __init__(self, every_secs=None, every_steps=None):
        self.reset()
        self._every_secs, self._every_steps = every_secs, every_steps
        if every_secs is None and every_steps is None:
            raise ValueError("Either every_secs or every_steps should be provided.")
        if every_secs is not None and every_steps is not None:
            raise ValueError("Can not provide both every_secs and every_steps.")

    def reset(self):
        """Forget the last trigger: the next step triggers."""
        self._last_step, self._last_time = None, None

    def should_trigger_for_step(self, step):
        """Whether `step` is due: the first step, or enough time or steps since the last."""
        if self._last_step is None:
            return True
        if self._last_step == step:
            return False
        if self._every_secs is not None and time.time() >= self._last_time + self._every_secs:
            return True
        return self._every_steps is not None and step >= self._last_step + self._every_steps

    def update_last_triggered_step(self, step):
        """Record a trigger at `step`; (seconds, steps) since the last, or (None, None)."""
        now = time.time()
        elapsed = (None, None) if self._last_time is None else \
            (now - self._last_time, step - self._last_step)
        self._last_time, self._last_step = now, step
        return elapsed

    def last_triggered_step(self):
        """The step of the last trigger, or None."""
        return self._last_step


class _NeverTriggerTimer:
    def reset(self):
        pass

    def should_trigger_for_step(self, step):
        return False

    def update_last_triggered_step(self, step):
        return (None, None)

    def last_triggered_step(self):
        return None


def _global_step(hook):
    """The global step for `hook`'s begin(); RuntimeError naming the hook if none."""
    step = get_global_step()
    if step is None:
        raise RuntimeError(f"Global step should be created to use {hook}.")
    return step
