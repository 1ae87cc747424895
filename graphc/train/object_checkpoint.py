"""Object-based checkpoints (TF1 graph mode: tf.compat.v1.train.Checkpoint,
tf.train.CheckpointManager, tf.train.CheckpointOptions).

    ckpt = gc.train.Checkpoint(model=model, optimizer=opt)
    path = ckpt.save("ckpt/run")                    # "ckpt/run-1", default session
    status = ckpt.restore(gc.train.latest_checkpoint("ckpt"))
    status.assert_consumed().run_restore_ops()

Values are keyed by the object graph (graphc/train/object_graph.py: "model/layer_with_
weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"), written in graphc's .npz format together
with the object graph (JSON bytes under "_CHECKPOINTABLE_OBJECT_GRAPH"), so
gc.train.list_variables and load_variable read them. Restoring walks the saved object
graph and the live objects side by side from the root, matching children by name; the
match is redone each time the status runs, so variables made after restore() (a Keras
layer built later, an optimizer's slots) are restored by the next run_restore_ops().
"""
import json
import os

import numpy as np

from ..graph import get_default_graph
from ..ops.state import Variable
from ..session import _session_or_default
from .checkpoint import (DATA_SUFFIX, _headers, _prefix, _write_atomic, _write_npz,
                         update_checkpoint_state)
from .checkpoint_status import (CheckpointLoadStatus, InitializationOnlyStatus,
                                NameBasedSaverStatus, _check_graph)
from .object_graph import OBJECT_GRAPH_KEY, ObjectGraph, holds_trackable, read_object_graph

__all__ = ["Checkpoint", "CheckpointManager", "CheckpointOptions"]


class CheckpointOptions:
    """Options of Checkpoint.save/write (TF: tf.train.CheckpointOptions); accepted and
    kept, with no effect (graphc writes one file, synchronously, on the CPU).

        ckpt.save("ckpt/run", options=gc.train.CheckpointOptions())
    """

    def __init__(self, experimental_io_device=None, experimental_enable_async_checkpoint=False,
                 experimental_write_callbacks=None, enable_async=False,
                 experimental_skip_slot_variables=False, experimental_sharding_callback=None):
        self.experimental_io_device = experimental_io_device
        self.experimental_enable_async_checkpoint = experimental_enable_async_checkpoint
        self.experimental_write_callbacks = experimental_write_callbacks
        self.enable_async = enable_async
        self.experimental_skip_slot_variables = experimental_skip_slot_variables
        self.experimental_sharding_callback = experimental_sharding_callback


def _check_options(options):
    if options is not None and not isinstance(options, CheckpointOptions):
        raise TypeError(f"options must be a gc.train.CheckpointOptions, got "
                        f"{type(options).__name__} {options!r}")


class Checkpoint:
    """Saves and restores trackable objects (TF1: tf.compat.v1.train.Checkpoint).

        ckpt = gc.train.Checkpoint(step=step, model=model, optimizer=opt)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            ckpt.save("ckpt/run")                   # -> "ckpt/run-1"
        status = ckpt.restore("ckpt/run-1")         # in a graph built the same way
        with gc.Session() as sess:
            status.initialize_or_restore(sess)

    Keyword arguments (and attributes set later) are Variables, optimizers, gc.keras
    layers and models, gc.Modules, Checkpoints, or lists/dicts of them.
    """

    def __init__(self, **kwargs):
        self._save_counter = None
        self._graph = get_default_graph()
        for k, v in sorted(kwargs.items()):
            if not holds_trackable(v):
                raise ValueError(
                    f"`Checkpoint` was expecting a trackable object (an object derived "
                    f"from `Trackable`), got {v!r}: {k}= takes a gc.Variable, optimizer, "
                    "gc.keras layer or model, gc.Module, Checkpoint, or a list/dict of them")
            setattr(self, k, v)

    def _checkpoint_children(self):
        out = [(k, v) for k, v in vars(self).items()
               if not k.startswith("_") and holds_trackable(v)]
        return out + ([("save_counter", self._save_counter)] if self._save_counter is not None
                      else [])

    @property
    def save_counter(self):
        """The int64 variable counting save() calls (made when first needed)."""
        if self._save_counter is None:
            graph = self._graph
            with graph.as_default(), graph.name_scope(""), graph.control_dependencies(None):
                self._save_counter = Variable(np.int64(0), trainable=False,
                                              name="save_counter")
        return self._save_counter

    # ---- save ---------------------------------------------------------------------
    def write(self, file_prefix, session=None, options=None):
        """Write every variable reachable from this checkpoint to `file_prefix`
        (file_prefix + ".npz"); returns file_prefix. No counter, no state file.

            ckpt.write("ckpt/final")
        """
        _check_options(options)
        sess = _session_or_default(session)
        prefix = os.fspath(file_prefix)
        view = ObjectGraph(self, sess.graph)
        values = {}
        for i, key in view.keys().items():
            v = view.objects[i]
            _check_graph(v, sess, "write")
            values[key] = _stored_value(sess, v)
        graph_json = json.dumps(view.proto(), separators=(",", ":")).encode("utf-8")
        values[OBJECT_GRAPH_KEY] = np.array(graph_json)
        directory = os.path.dirname(os.path.abspath(prefix))
        os.makedirs(directory, exist_ok=True)
        _write_atomic(prefix + DATA_SUFFIX, lambda f: _write_npz(f, values))
        return prefix

    def save(self, file_prefix, session=None, options=None):
        """Add 1 to save_counter, write "<file_prefix>-<save_counter>" and name it in
        the directory's "checkpoint" file; returns that path.

            ckpt.save("ckpt/run")          # "ckpt/run-1", then "ckpt/run-2", ...
        """
        _check_options(options)
        sess = _session_or_default(session)
        counter = self.save_counter
        old = sess._variables.get(counter.node)
        new = np.asarray(np.int64(0 if old is None else old) + 1)
        new.setflags(write=False)
        sess._variables[counter.node] = new
        path = self.write(f"{os.fspath(file_prefix)}-{int(new)}", sess, options)
        update_checkpoint_state(os.path.dirname(os.path.abspath(path)), path)
        return path

    # ---- restore ------------------------------------------------------------------
    def restore(self, save_path):
        """A status object for restoring `save_path` into these objects; its
        run_restore_ops() or initialize_or_restore() sets the values (graph mode).

            status = ckpt.restore(gc.train.latest_checkpoint("ckpt"))
            status.assert_consumed().run_restore_ops(sess)

        save_path None gives a status whose initialize_or_restore() runs initializers.
        A checkpoint written by gc.train.Saver is restored by variable names.
        """
        self.save_counter       # noqa: B018  (restore makes it, as TF does)
        if save_path is None:
            return InitializationOnlyStatus(self)
        path = _prefix(os.fspath(save_path)) + DATA_SUFFIX
        headers = _headers(path)
        if OBJECT_GRAPH_KEY not in headers:
            return NameBasedSaverStatus(self, path, headers)
        return CheckpointLoadStatus(self, path, headers, read_object_graph(path))


def _stored_value(sess, v):
    from ..ops.state import _stored
    return _stored(sess, v.node)


from .checkpoint_manager import CheckpointManager  # noqa: E402  (it uses Checkpoint)
