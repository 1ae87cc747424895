"""TF1's tf.train.queue_runner: QueueRunner (threads that run a queue's enqueue ops until
it is closed), add_queue_runner and start_queue_runners.

    qr = gc.train.QueueRunner(queue, [enqueue_op] * 2)
    gc.train.add_queue_runner(qr)
    coord = gc.train.Coordinator()
    threads = gc.train.start_queue_runners(sess, coord)
    ...                                     # sess.run(queue.dequeue()) ...
    coord.request_stop(); coord.join(threads)
"""
import threading
import weakref

from .. import errors
from ..ops.graphkeys import GraphKeys, add_to_collection, get_collection
from ..tf_logging import get_logger

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]


class QueueRunner:
    """Runs enqueue_ops, each in its own thread, until they fail with one of
    queue_closed_exception_types (default OutOfRangeError: the input ran out); the last
    thread to stop then runs close_op (default queue.close()). With a Coordinator, a
    further thread runs cancel_op (default queue.close(cancel_pending_enqueues=True))
    once the coordinator is asked to stop, so blocked enqueues end (TF1).

        qr = gc.train.QueueRunner(q, [q.enqueue(x)])
        threads = qr.create_threads(sess, coord=coord, start=True)
    """

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None,
                 import_scope=None):
        if queue_runner_def is not None:
            raise NotImplementedError("QueueRunner(queue_runner_def=...): graphc has no "
                                      "QueueRunnerDef protos; build it from the queue")
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = enqueue_ops
        self._close_op = close_op
        self._cancel_op = cancel_op
        if queue_closed_exception_types is not None and (
                not isinstance(queue_closed_exception_types, tuple)
                or not queue_closed_exception_types
                or not all(isinstance(t, type) and issubclass(t, errors.OpError)
                           for t in queue_closed_exception_types)):
            raise TypeError("queue_closed_exception_types, when provided, must be a tuple "
                            "of tf.error types, but saw: %s" % (queue_closed_exception_types,))
        if self._close_op is None:
            self._close_op = queue.close()
        if self._cancel_op is None:
            self._cancel_op = queue.close(cancel_pending_enqueues=True)
        self._queue_closed_exception_types = tuple(
            queue_closed_exception_types or (errors.OutOfRangeError,))
        self._lock = threading.Lock()
        self._runs_per_session = weakref.WeakKeyDictionary()
        self._exceptions_raised = []

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return self._enqueue_ops

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def queue_closed_exception_types(self):
        return self._queue_closed_exception_types

    @property
    def exceptions_raised(self):
        """The exceptions the threads raised (when they had no coordinator to tell)."""
        return self._exceptions_raised

    @property
    def name(self):
        """The name of the queue."""
        return self._queue.name

    def _run(self, sess, enqueue_op, coord=None):
        """One thread: run enqueue_op until the queue's input ends or coord stops."""
        decremented = False
        try:
            enqueue = sess.make_callable(enqueue_op)
            while not (coord and coord.should_stop()):
                try:
                    enqueue()
                except self._queue_closed_exception_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:
                            try:
                                sess.run(self._close_op)
                            except Exception as e:      # noqa: BLE001  (TF1 ignores it)
                                get_logger().debug("Ignored exception: %s", e)
                    return
        except Exception as e:                          # noqa: BLE001
            if coord:
                coord.request_stop(e)
            else:
                get_logger().error("Exception in QueueRunner: %s", e)
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _close_on_stop(self, sess, cancel_op, coord):
        """Once coord stops: close the queue, cancelling enqueues that wait."""
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:                          # noqa: BLE001  (TF1 ignores it)
            get_logger().debug("Ignored exception: %s", e)

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """The threads running the enqueue ops in `sess` (plus one that cancels them
        when `coord` stops); [] if they already run in sess. Registered with coord.

            threads = qr.create_threads(sess, coord=coord, daemon=True, start=True)"""
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord),
                                    name=f"QueueRunnerThread-{self.name}-{op.name}")
                   for op in self._enqueue_ops]
        if coord:
            threads.append(threading.Thread(
                target=self._close_on_stop, args=(sess, self._cancel_op, coord),
                name=f"QueueRunnerThread-{self.name}-close_on_stop"))
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads


def add_queue_runner(qr, collection=GraphKeys.QUEUE_RUNNERS):
    """Adds qr to the graph's queue runners (TF1 tf.train.add_queue_runner).

        gc.train.add_queue_runner(gc.train.QueueRunner(q, [enqueue]))"""
    add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=GraphKeys.QUEUE_RUNNERS):
    """Starts the threads of every queue runner of sess's graph (TF1); returns them.

        threads = gc.train.start_queue_runners(sess=sess, coord=coord)"""
    from ..session import Session, get_default_session
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if not isinstance(sess, Session):
        if type(sess).__name__ in ("MonitoredSession", "SingularMonitoredSession"):
            return []
        raise TypeError(f"sess must be a `tf.Session` object. Given class: {sess.__class__}")
    with sess.graph.as_default():
        runners = get_collection(collection)
        if not runners:
            get_logger().warning("`tf.train.start_queue_runners()` was called when no queue "
                                 "runners were defined. You can safely remove the call to "
                                 "this deprecated function.")
        threads = []
        for qr in runners:
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
