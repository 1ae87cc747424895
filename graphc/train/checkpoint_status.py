"""The restore statuses of tf.train.Checkpoint.restore (object_checkpoint.py): restoring
an object-based checkpoint (CheckpointLoadStatus: the saved object graph and the live one
matched from the root), a gc.train.Saver one by variable names (NameBasedSaverStatus), or
nothing (InitializationOnlyStatus, for restore(None)). object_checkpoint.py re-exports
them.

    status = ckpt.restore(path)
    status.assert_consumed().run_restore_ops(sess)
"""
from .. import errors
from ..ops.state import Variable
from ..session import _session_or_default
from .checkpoint import _read
from .object_graph import ObjectGraph
from .saver import _fit


def _check_graph(v, sess, what):
    if v.graph is not sess.graph:
        raise errors.GraphError(
            f"Checkpoint.{what}: variable '{v.node.name}' belongs to another graph than "
            "the session's; build the checkpoint's objects in the session's graph")


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
