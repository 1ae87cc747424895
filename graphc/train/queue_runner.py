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
from ..graph import get_default_graph
from ..ops.graphkeys import GraphKeys, add_to_collection, get_collection
from ..shapes import TensorShape
from ..tf_logging import get_logger

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]


class QueueRunner:
    """Runs enqueue_ops, each in its own thread, until they fail with one of
    queue_closed_exception_types (default OutOfRangeError: the input ran out); the last
    thread to stop then runs close_op (default queue.close()). With a Coordinator, a
    further thread runs cancel_op (default queue.close(cancel_pending_enqueues=True))
    once the coordinator is asked to stop, so blocked enqueues end (TF1). With
    queue_runner_def (a to_proto dict), it runs the nodes named there (under
    import_scope) in the default graph instead.

        qr = gc.train.QueueRunner(q, [q.enqueue(x)])
        threads = qr.create_threads(sess, coord=coord, start=True)
    """

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None,
                 import_scope=None):
        if queue_runner_def is not None:
            if queue or enqueue_ops:
                raise ValueError("queue_runner_def and queue are mutually exclusive.")
            graph = get_default_graph()
            scope = import_scope.rstrip("/") + "/" if import_scope else ""
            queue, enqueue_ops, close_op, cancel_op, queue_closed_exception_types = \
                _parts_of_def(queue_runner_def,
                              lambda name: graph.as_graph_element(scope + name))
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

    def to_proto(self, export_scope=None):
        """This runner as a dict (TF1: a QueueRunnerDef, with its field names): the
        queue's and the ops' node names, relative to export_scope, and the error codes
        of queue_closed_exception_types; None when the queue is outside export_scope.
        Meta graphs carry the QUEUE_RUNNERS collection so.

            qr_def = qr.to_proto()      # {"queue_name": "batch/fifo_queue", ...}
        """
        scope = export_scope.rstrip("/") + "/" if export_scope else ""
        if not self._queue.name.startswith(scope):
            return None

        def strip(name):
            return name[len(scope):] if name.startswith(scope) else name
        return {"queue_name": strip(self._queue.name),
                "enqueue_op_name": [strip(op.name) for op in self._enqueue_ops],
                "close_op_name": strip(self._close_op.name),
                "cancel_op_name": strip(self._cancel_op.name),
                "queue_closed_exception_types": [
                    errors.error_code_from_exception_type(cls)
                    for cls in self._queue_closed_exception_types]}

    @staticmethod
    def from_proto(queue_runner_def, import_scope=None):
        """The QueueRunner a to_proto dict describes, over the nodes of those names
        (under import_scope) in the default graph (TF1)."""
        return QueueRunner(queue_runner_def=queue_runner_def, import_scope=import_scope)

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


def _parts_of_def(qr_def, node):
    """QueueRunner's arguments from a to_proto dict; node(name) finds a node."""
    from ..queues import QueueBase
    handle = node(qr_def["queue_name"])
    ref = handle.outputs[0]
    shapes = handle.attrs.get("shapes")         # (a from_list queue's node has none)
    queue = QueueBase(handle.attrs.get("component_types", ()),
                      None if shapes is None else [TensorShape(s) for s in shapes],
                      None, ref)
    codes = qr_def.get("queue_closed_exception_types") or ()
    types = tuple(errors.exception_type_from_error_code(c) for c in codes) or None
    return (queue, [node(n) for n in qr_def["enqueue_op_name"]],
            node(qr_def["close_op_name"]), node(qr_def["cancel_op_name"]), types)


def queue_runner_from_def(qr_def, node):
    """The QueueRunner of a to_proto dict, each node `node(its name)` (meta graphs)."""
    queue, enqueue_ops, close_op, cancel_op, types = _parts_of_def(qr_def, node)
    return QueueRunner(queue, enqueue_ops, close_op, cancel_op, types)


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
