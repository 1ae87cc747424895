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

from .. import errors
from ..graph import get_default_graph
from ..ops.state import Variable
from ..session import _session_or_default
from .checkpoint import (DATA_SUFFIX, _headers, _prefix, _read, _write_atomic, _write_npz,
                         update_checkpoint_state)
from .object_graph import OBJECT_GRAPH_KEY, ObjectGraph, holds_trackable
from .saver import _fit

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
        raw = _read(path, [OBJECT_GRAPH_KEY])[OBJECT_GRAPH_KEY][()]
        return CheckpointLoadStatus(self, path, headers, json.loads(raw.decode("utf-8")))


def _check_graph(v, sess, what):
    if v.graph is not sess.graph:
        raise errors.GraphError(
            f"Checkpoint.{what}: variable '{v.node.name}' belongs to another graph than "
            "the session's; build the checkpoint's objects in the session's graph")


def _stored_value(sess, v):
    from ..ops.state import _stored
    return _stored(sess, v.node)


def _initialize(sess, variables):
    inits = [v.initializer for v in variables]
    if inits:
        sess.run(inits)


class _Status:
    """What every restore status shares: the checkpoint's root and its live objects."""

    def __init__(self, checkpoint):
        self._root = checkpoint

    def _live(self, sess=None):
        return ObjectGraph(self._root, sess.graph if sess is not None else self._root._graph)

    def expect_partial(self):
        """Say that a partial restore is intended (TF silences its warnings); returns
        self. graphc never warns about unrestored values."""
        return self


class InitializationOnlyStatus(_Status):
    """The status of restore(None): nothing to restore, initialize everything."""

    def _nothing(self):
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being "
                             "restored.")

    def assert_consumed(self):
        self._nothing()

    def assert_existing_objects_matched(self):
        self._nothing()

    def assert_nontrivial_match(self):
        self._nothing()

    def run_restore_ops(self, session=None):
        """Nothing to restore."""

    def initialize_or_restore(self, session=None):
        """Run the initializers of every variable reachable from the checkpoint."""
        sess = _session_or_default(session)
        _initialize(sess, self._live(sess).variables())


class CheckpointLoadStatus(_Status):
    """The status of restoring an object-based checkpoint (TF's CheckpointLoadStatus).

        status = ckpt.restore(path)
        status.assert_existing_objects_matched()    # every live variable has a value
        status.run_restore_ops(sess)                # now set them
    """

    def __init__(self, checkpoint, path, headers, object_graph):
        super().__init__(checkpoint)
        self._path, self._headers = path, headers
        self._nodes = object_graph["nodes"]
        self._names = None

    def _match(self, live):
        """{saved node id: live object}: the saved graph and the live one walked side by
        side from the root (children by local name), then optimizers' slots."""
        matched, queue = {0: live.objects[0]}, [(0, 0)]
        for saved_id, live_id in queue:             # grows while it is read
            live_children = dict(live.edges[live_id])
            for child in self._nodes[saved_id]["children"]:
                j = live_children.get(child["local_name"])
                if j is not None and child["node_id"] not in matched:
                    matched[child["node_id"]] = live.objects[j]
                    queue.append((child["node_id"], j))
        live_ids = {id(obj): i for i, obj in enumerate(live.objects)}
        for saved_id, node in enumerate(self._nodes):
            if saved_id not in matched or not node.get("slot_variables"):
                continue
            slots = {(v, n): s for v, n, s in live.slots.get(live_ids[id(matched[saved_id])], ())}
            for entry in node["slot_variables"]:
                var = matched.get(entry["original_variable_node_id"])
                s = slots.get((live_ids.get(id(var)), entry["slot_name"]))
                if s is not None and entry["slot_variable_node_id"] not in matched:
                    matched[entry["slot_variable_node_id"]] = live.objects[s]
        return matched

    def _key(self, saved_id):
        attrs = self._nodes[saved_id].get("attributes") or ()
        return attrs[0]["checkpoint_key"] if attrs else None

    def _saved_name(self, saved_id):
        """A saved node's path for messages ("(root).optimizer.beta1_power")."""
        if self._names is None:
            names, queue = {0: "(root)"}, [0]
            for i in queue:                         # breadth-first: the shortest path
                for child in self._nodes[i]["children"]:
                    if child["node_id"] not in names:
                        names[child["node_id"]] = names[i] + "." + child["local_name"]
                        queue.append(child["node_id"])
            for i, node in enumerate(self._nodes):
                for e in node.get("slot_variables", ()):
                    names.setdefault(e["slot_variable_node_id"], (
                        f"{names.get(e['original_variable_node_id'], '?')}'s slot "
                        f"'{e['slot_name']}' of {names.get(i, '?')}"))
            self._names = names
        return self._names.get(saved_id, f"(node {saved_id})")

    def assert_existing_objects_matched(self):
        """Raise AssertionError unless every variable reachable from the checkpoint
        (slot variables included) has a value in the file; returns self."""
        live = self._live()
        matched = self._match(live)
        bound = {id(obj) for i, obj in matched.items() if self._key(i) is not None}
        for i, obj in matched.items():
            if self._key(i) is not None and not isinstance(obj, Variable):
                raise AssertionError(
                    f"Checkpoint '{self._path}' holds a variable at {self._saved_name(i)} "
                    f"(key '{self._key(i)}') but the program has {obj!r} there")
        unbound = [v for v in live.variables() if id(v) not in bound]
        if unbound:
            shown = ", ".join(f"{v!r} at {live.describe(live._ids[id(v)])}" for v in unbound[:10])
            raise AssertionError(
                f"Found {len(unbound)} Python objects that were not bound to checkpointed "
                f"values, likely due to changes in the Python program. Showing "
                f"{min(10, len(unbound))} of {len(unbound)} unmatched objects: [{shown}]")
        return self

    def assert_consumed(self):
        """assert_existing_objects_matched(), and every value in the checkpoint has a
        live variable (variables made later, e.g. slots, can make it pass); returns self."""
        self.assert_existing_objects_matched()
        matched = self._match(self._live())
        for i in range(len(self._nodes)):
            key = self._key(i)
            if key is not None and i not in matched:
                shape, dtype = self._headers.get(key, ((), None))
                raise AssertionError(
                    f"Unresolved object in checkpoint {self._saved_name(i)}: its value "
                    f"'{key}' (shape {tuple(shape)}, {getattr(dtype, 'name', dtype)}) matches "
                    f"no object of the program (checkpoint '{self._path}')")
        return self

    def assert_nontrivial_match(self):
        """Raise AssertionError if nothing but the root matched; returns self."""
        live = self._live()
        if len(self._match(live)) <= 1:
            if live.variables():
                raise AssertionError(
                    "Nothing except the root object matched a checkpointed value. Typically "
                    "this means that the checkpoint does not match the Python program. The "
                    f"following objects have no matching checkpointed value: "
                    f"{live.variables()}")
            raise AssertionError(f"Nothing to load. No dependencies have been added to "
                                 f"{self._root!r} yet.")
        return self

    def run_restore_ops(self, session=None):
        """Set every matched variable in `session` (default session) to its value,
        matching again first, so that variables made since restore() are included.
        Values are checked (dtype, shape) before any is set."""
        sess = _session_or_default(session)
        self._restore(sess, self._live(sess))

    def _restore(self, sess, live):
        matched = self._match(live)
        pairs = [(self._key(i), v) for i, v in matched.items()
                 if self._key(i) is not None and isinstance(v, Variable)]
        for _, v in pairs:
            _check_graph(v, sess, "restore")
        values = _read(self._path, sorted({k for k, _ in pairs}))
        new = {v.node: _fit(values[k], k, v, self._path, False) for k, v in pairs}
        sess._variables.update(new)
        return {id(v) for _, v in pairs}

    def initialize_or_restore(self, session=None):
        """run_restore_ops(), then run the initializers of the variables the
        checkpoint has no value for."""
        sess = _session_or_default(session)
        live = self._live(sess)
        restored = self._restore(sess, live)
        _initialize(sess, [v for v in live.variables() if id(v) not in restored])


class NameBasedSaverStatus(_Status):
    """The status of restoring a gc.train.Saver checkpoint: variables by their names."""

    def __init__(self, checkpoint, path, headers):
        super().__init__(checkpoint)
        self._path, self._headers = path, headers

    def _pairs(self, live):
        return [(v.node.name, v) for v in live.variables() if v.node.name in self._headers]

    def assert_consumed(self):
        """Raise AssertionError unless every checkpoint value has a variable of that
        name and every variable a value; returns self."""
        self.assert_existing_objects_matched()
        names = {n for n, _ in self._pairs(self._live())}
        unused = sorted(set(self._headers) - names)
        if unused:
            raise AssertionError(f"Some objects had dependencies but were not restored by "
                                 f"name: the checkpoint's values {unused} match no variable")
        return self

    def assert_existing_objects_matched(self):
        """Raise AssertionError unless every reachable variable's name is in the file."""
        live = self._live()
        unmatched = [v for v in live.variables() if v.node.name not in self._headers]
        if unmatched:
            raise AssertionError(f"Found {len(unmatched)} Python objects that were not "
                                 f"bound to checkpointed values (by name): {unmatched}")
        return self

    def assert_nontrivial_match(self):
        if not self._pairs(self._live()):
            raise AssertionError("Nothing except the root object matched a checkpointed "
                                 "value (by name).")
        return self

    def run_restore_ops(self, session=None):
        """Set each reachable variable whose name is in the checkpoint."""
        sess = _session_or_default(session)
        pairs = self._pairs(self._live(sess))
        values = _read(self._path, sorted({n for n, _ in pairs}))
        sess._variables.update({v.node: _fit(values[n], n, v, self._path, False)
                                for n, v in pairs})

    def initialize_or_restore(self, session=None):
        """run_restore_ops(), then initialize the variables not in the checkpoint."""
        sess = _session_or_default(session)
        self.run_restore_ops(sess)
        _initialize(sess, [v for v in self._live(sess).variables()
                           if v.node.name not in self._headers])


from .checkpoint_manager import CheckpointManager  # noqa: E402  (it uses Checkpoint)
