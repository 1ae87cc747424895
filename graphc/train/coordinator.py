"""TF1's thread coordination (tf.train.Coordinator, LooperThread), basic_train_loop and
the checkpoint watchers checkpoints_iterator / wait_for_new_checkpoint."""
import contextlib
import sys
import threading
import time

from .. import errors
from ..tf_logging import get_logger
from .checkpoint import latest_checkpoint

__all__ = ["Coordinator", "LooperThread", "basic_train_loop", "checkpoints_iterator",
           "wait_for_new_checkpoint"]


class Coordinator:
    """Lets threads ask each other to stop, and hands their first error to join()
    (TF1: tf.train.Coordinator).

        coord = gc.train.Coordinator()
        threads = [threading.Thread(target=work, args=(coord,)) for _ in range(4)]
        for t in threads: t.start()
        coord.join(threads)             # re-raises the first error a thread reported

    An exception of a clean_stop_exception_types class (default: OutOfRangeError)
    passed to request_stop stops the threads without being reported.
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        """None for a clean-stop exception (or exc_info triple of one), else ex."""
        ex2 = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(ex2, self._clean_stop_exception_types):
            return None
        return ex

    def request_stop(self, ex=None):
        """Ask every thread to stop. ex: an exception (or sys.exc_info() triple) to
        report; the first one reported is re-raised by join(). After join(), a
        reported exception is raised at once instead."""
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1].with_traceback(ex[2])
                if ex is not None:
                    exc = sys.exc_info()[1]
                    raise exc if exc is not None else ex
            if self._stop_event.is_set():
                return
            if ex and self._exc_info_to_raise is None:
                if isinstance(ex, tuple):
                    get_logger().info("Error reported to Coordinator: %s", ex[1],
                                      exc_info=ex)
                    self._exc_info_to_raise = ex
                else:
                    get_logger().info("Error reported to Coordinator: %s, %s",
                                      type(ex), ex)
                    info = sys.exc_info()
                    self._exc_info_to_raise = info if info[1] is ex else \
                        (type(ex), ex, ex.__traceback__)
                if len(self._exc_info_to_raise) != 3 or \
                        not self._exc_info_to_raise[0] or not self._exc_info_to_raise[1]:
                    try:
                        raise ValueError("ex must be a tuple or sys.exc_info must return "
                                         f"the current exception: {self._exc_info_to_raise}")
                    except ValueError:
                        self._exc_info_to_raise = sys.exc_info()
            self._stop_event.set()

    def clear_stop(self):
        """Forget the stop request and the reported exception (before reusing it)."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        """Whether a stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """A context in which any exception is reported with request_stop (and not
        raised further).

            with coord.stop_on_exception():
                while not coord.should_stop():
                    work()
        """
        try:
            yield
        except:                             # noqa: E722  (TF1 reports everything)
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Block until a stop is requested or `timeout` seconds pass; should_stop()."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        """Have join() wait for `thread` too."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait until a stop is requested and the threads (those given plus the
        registered ones) end, giving them stop_grace_period_secs after the request.
        Then re-raise the first reported exception, or RuntimeError naming the threads
        still alive (only logged when ignore_live_threads)."""
        with self._lock:
            threads = set(self._registered_threads) | set(threads or ())
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        wait = 0.001
        while any(t.is_alive() for t in threads) and stop_grace_period_secs >= 0.0:
            time.sleep(wait)
            stop_grace_period_secs -= wait
            wait = max(min(2 * wait, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                _, value, tb = self._exc_info_to_raise
                raise value.with_traceback(tb)
            if stragglers:
                msg = "Coordinator stopped with threads still running: " + " ".join(stragglers)
                if not ignore_live_threads:
                    raise RuntimeError(msg)
                get_logger().info(msg)

    @property
    def joined(self):
        """Whether join() has run."""
        return self._joined

    def raise_requested_exception(self):
        """Raise the reported exception now, if there is one."""
        with self._lock:
            if self._exc_info_to_raise:
                _, value, tb = self._exc_info_to_raise
                raise value.with_traceback(tb)


class LooperThread(threading.Thread):
    """A daemon thread calling run_loop() (or target) until the coordinator stops,
    every timer_interval_secs or (None) back to back (TF1). Its errors go to the
    coordinator; it registers itself there.

        gc.train.LooperThread.loop(coord, 0.5, target=report)
    """

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord}")
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if target:
            self._args, self._kwargs = args or (), kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass "
                             "'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Start a LooperThread calling target(*args, **kwargs); returns it."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args,
                              kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_time = time.time()
                while not self._coord.wait_for_stop(next_time - time.time()):
                    next_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called once in the thread before the loop."""

    def stop_loop(self):
        """Called once in the thread after the loop."""

    def run_loop(self):
        """One iteration: calls target unless overridden."""
        if self._target:
            self._target(*self._args, **self._kwargs)


def basic_train_loop(supervisor, train_step_fn, args=None, kwargs=None, master=""):
    """Call train_step_fn(sess, *args, **kwargs) until supervisor.should_stop() (TF1).
    graphc has no Supervisor: any object with managed_session(master) (a context giving
    a session) and should_stop() serves.

        gc.train.basic_train_loop(sup, lambda sess: sess.run(train_op))
    """
    args, kwargs = args or (), kwargs or {}
    with supervisor.managed_session(master) as sess:
        while not supervisor.should_stop():
            train_step_fn(sess, *args, **kwargs)


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1,
                            timeout=None):
    """The latest checkpoint of checkpoint_dir once it differs from last_checkpoint;
    None if none comes within `timeout` seconds (None: wait forever).

        path = gc.train.wait_for_new_checkpoint("ckpt", timeout=10)
    """
    get_logger().info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        path = latest_checkpoint(checkpoint_dir)
        if path is not None and path != last_checkpoint:
            get_logger().info("Found new checkpoint at %s", path)
            return path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None,
                         timeout_fn=None):
    """Yield each new checkpoint of checkpoint_dir as it appears, at most one per
    min_interval_secs (TF1). Ends after `timeout` seconds without a new one, unless
    timeout_fn() then returns False (keep waiting).

        for path in gc.train.checkpoints_iterator("ckpt", timeout=60):
            evaluate(path)
    """
    path = None
    while True:
        new = wait_for_new_checkpoint(checkpoint_dir, path, timeout=timeout)
        if new is None:
            if not timeout_fn:
                get_logger().info("Timed-out waiting for a checkpoint.")
                return
            if timeout_fn():
                return
            continue
        start = time.time()
        path = new
        yield path
        wait = start + min_interval_secs - time.time()
        if wait > 0:
            time.sleep(wait)
