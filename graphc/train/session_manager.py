"""TF1's Scaffold (the ops that make a training session ready) and SessionManager (makes
the session: restores the latest checkpoint, or runs the init ops)."""
import time

import numpy as np

from .. import errors
from ..graph import get_default_graph
from ..ops.core import group
from ..ops.graphkeys import get_collection, add_to_collection
from ..ops.init_checks import report_uninitialized_variables
from ..ops.state import (global_variables, global_variables_initializer,
                         local_variables_initializer)
from ..session import Session
from ..summary import merge_all
from ..tf_logging import get_logger
from .checkpoint import get_checkpoint_state
from .saver import Saver

__all__ = ["Scaffold", "SessionManager"]

# TF1's GraphKeys for these (graphc's GraphKeys does not list them)
INIT_OP, READY_OP, READY_FOR_LOCAL_INIT_OP = "init_op", "ready_op", "ready_for_local_init_op"
LOCAL_INIT_OP, SUMMARY_OP, SAVERS = "local_init_op", "summary_op", "savers"


def _default_init_op():
    return group(global_variables_initializer())


def _default_local_init_op():
    """TF1's default: the local variables' and the lookup tables' initializers."""
    from ..ops.lookup_ops import tables_initializer
    return group(local_variables_initializer(), tables_initializer())


def _get_saver_or_default():
    """The one Saver of the SAVERS collection, else a new Saver(allow_empty=True), added
    to the collection (TF1: CheckpointSaverHook then finds it there)."""
    savers = get_collection(SAVERS)
    if len(savers) > 1:
        raise RuntimeError(f"More than one item in collection {SAVERS}. Please indicate "
                           "which one to use by passing it to the constructor.")
    if savers:
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    add_to_collection(SAVERS, saver)
    return saver


class Scaffold:
    """The pieces of a training graph a MonitoredSession needs (TF1): init_op,
    ready_op, ready_for_local_init_op, local_init_op, summary_op, saver, init_fn.
    Those not given are taken from their graph collection or made by finalize().

        scaffold = gc.train.Scaffold(saver=gc.train.Saver(max_to_keep=2))
        with gc.train.MonitoredTrainingSession(scaffold=scaffold, ...) as sess: ...

    init_fn(scaffold, session) runs after init_op when no checkpoint was restored.
    """

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None,
                 saver=None, copy_from_scaffold=None, local_init_feed_dict=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            c = copy_from_scaffold
            init_op = init_op or c.init_op
            init_feed_dict = init_feed_dict or c.init_feed_dict
            init_fn = init_fn or c._user_init_fn
            ready_op = ready_op or c.ready_op
            ready_for_local_init_op = ready_for_local_init_op or c.ready_for_local_init_op
            local_init_op = local_init_op or c.local_init_op
            local_init_feed_dict = local_init_feed_dict or c.local_init_feed_dict
            summary_op = summary_op or c.summary_op
            saver = saver or c.saver
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op, self._init_feed_dict = init_op, init_feed_dict
        self._ready_op, self._ready_for_local_init_op = ready_op, ready_for_local_init_op
        self._local_init_op, self._local_init_feed_dict = local_init_op, local_init_feed_dict
        self._summary_op, self._saver = summary_op, saver

    def finalize(self):
        """Fill in what was not given, then finalize the default graph."""
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default("init_op", INIT_OP, _default_init_op)
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default("ready_op", READY_OP,
                                                     report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", READY_FOR_LOCAL_INIT_OP,
                lambda: report_uninitialized_variables(global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", LOCAL_INIT_OP, Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default("summary_op", SUMMARY_OP, merge_all)
        if self._saver is None:
            self._saver = _get_saver_or_default()
        self._saver.build()
        get_default_graph().finalize()
        get_logger().info("Graph was finalized.")
        return self

    init_fn = property(lambda self: self._init_fn)
    init_op = property(lambda self: self._init_op)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    local_init_op = property(lambda self: self._local_init_op)
    summary_op = property(lambda self: self._summary_op)
    saver = property(lambda self: self._saver)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    local_init_feed_dict = property(lambda self: self._local_init_feed_dict)

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """The one item of collection_key, else default_constructor() (added there)."""
        found = get_collection(collection_key)
        if len(found) > 1:
            raise RuntimeError(
                f"More than one item in collection {collection_key}. Please indicate "
                f"which one to use by passing it to the tf.Scaffold constructor as: "
                f"tf.Scaffold({arg_name}=item to use)")
        op = found[0] if found else default_constructor()
        if op is not None and not found:
            add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """group(local_variables_initializer()) (TF1 adds the table initializers)."""
        return _default_local_init_op()


def _name_of(op):
    return getattr(op, "name", op)


class SessionManager:
    """Makes sessions ready to train (TF1): restore the latest checkpoint, or run the
    init ops; then the local init op; then check ready_op.

        sm = gc.train.SessionManager()
        sess = sm.prepare_session("", init_op=init, saver=saver, checkpoint_dir="ckpt")
    """

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None,
                 graph=None, recovery_wait_secs=30, local_init_run_options=None,
                 local_init_feed_dict=None):
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph or get_default_graph()
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_feed_dict = local_init_feed_dict
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a "
                             "local_init_op , ready_for_local_init_op [%s]"
                             % _name_of(ready_for_local_init_op))

    def _restore_checkpoint(self, master, saver, checkpoint_dir, checkpoint_filename_with_path,
                            wait_for_checkpoint, max_wait_secs, config):
        """(a new Session, whether a checkpoint was restored into it)."""
        sess = Session(master, graph=self._graph, config=config)
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and "
                             "checkpoint_filename_with_path.")
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        wait_time = 0
        state = get_checkpoint_state(checkpoint_dir)
        while not state or not state.model_checkpoint_path:
            if wait_for_checkpoint and wait_time < max_wait_secs:
                get_logger().info("Waiting for checkpoint to be available.")
                time.sleep(self._recovery_wait_secs)
                wait_time += self._recovery_wait_secs
                state = get_checkpoint_state(checkpoint_dir)
            else:
                return sess, False
        saver.restore(sess, state.model_checkpoint_path)
        saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
        return sess, True

    def prepare_session(self, master, init_op=None, saver=None, checkpoint_dir=None,
                        wait_for_checkpoint=False, max_wait_secs=7200, config=None,
                        init_feed_dict=None, init_fn=None,
                        checkpoint_filename_with_path=None):
        """A Session restored from checkpoint_dir's latest checkpoint (or
        checkpoint_filename_with_path), else initialized by init_op and init_fn(sess);
        then local_init_op runs and ready_op must report nothing uninitialized."""
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path,
            wait_for_checkpoint, max_wait_secs, config)
        if not restored:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn "
                                   "or local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready for local_init."
                               f"  Init op: {_name_of(init_op)}, init fn: {init_fn}, "
                               f"error: {msg}")
        ok, msg = self._model_ready(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready.  Init op: "
                               f"{_name_of(init_op)}, init fn: {init_fn}, local_init_op: "
                               f"{_name_of(self._local_init_op)}, error: {msg}")
        return sess

    def recover_session(self, master, saver=None, checkpoint_dir=None,
                        wait_for_checkpoint=False, max_wait_secs=7200, config=None,
                        checkpoint_filename_with_path=None):
        """(a Session, whether it is ready): restored from a checkpoint when there is
        one, with no init op run."""
        sess, restored = self._restore_checkpoint(
            master, saver, checkpoint_dir, checkpoint_filename_with_path,
            wait_for_checkpoint, max_wait_secs, config)
        ok, msg = self._try_run_local_init_op(sess)
        if not restored:
            return sess, False
        if not ok:
            get_logger().info("Restoring model from %s did not make model ready for local "
                              "init: %s", checkpoint_dir, msg)
            return sess, False
        ready, msg = self._model_ready(sess)
        if not ready:
            get_logger().info("Restoring model from %s did not make model ready: %s",
                              checkpoint_dir, msg)
            return sess, False
        return sess, True

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """A Session whose model is ready, trying every recovery_wait_secs; raises
        DeadlineExceededError after max_wait_secs. In graphc every Session starts with
        no variable values, so only a local_init_op can make a new one ready."""
        if max_wait_secs is None:
            max_wait_secs = float("Inf")
        deadline = time.time() + max_wait_secs
        while True:
            sess = Session(master, graph=self._graph, config=config)
            ok, msg = self._try_run_local_init_op(sess)
            if ok:
                ok, msg = self._model_ready(sess)
                if ok:
                    return sess
            sess.close()
            if deadline - time.time() - self._recovery_wait_secs < 0:
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {max_wait_secs} "
                    f"secs: {msg}")
            get_logger().info("Waiting for model to be ready.  Ready_for_local_init_op:  "
                              "%s, ready: %s", _name_of(self._ready_for_local_init_op), msg)
            time.sleep(self._recovery_wait_secs)

    def _ready(self, op, sess, what):
        """(True, None) or (False, message) from running a ready op."""
        if op is None:
            return True, None
        try:
            value = sess.run(op)
        except errors.FailedPreconditionError as e:
            return False, f"{what}: {e}"
        value = np.asarray(value)
        if value.size == 0 or value.dtype == np.int32:
            return True, None
        names = ", ".join(v.decode("utf-8") if isinstance(v, bytes) else str(v)
                          for v in value.ravel())
        return False, "Variables not initialized: " + names

    def _model_ready(self, sess):
        return self._ready(self._ready_op, sess, "Model not ready")

    def _try_run_local_init_op(self, sess):
        if self._local_init_op is None:
            return True, None
        ok, msg = self._ready(self._ready_for_local_init_op, sess,
                              "Model not ready for local init")
        if not ok:
            return False, msg
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict)
        return True, None
