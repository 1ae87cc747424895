"""TensorFlow's `.meta` files (a MetaGraphDef protobuf, what TF1's Saver.save writes
beside a checkpoint) in gc.train.import_meta_graph, the TF1 idiom

    saver = gc.train.import_meta_graph("model.ckpt.meta")     # a TF-written file
    saver.restore(sess, "model.ckpt")                          # TF's checkpoint
    sess.run(gc.get_collection("train_op")[0], feed)

The GraphDef is imported by graphc's TF importer (docs/tf-graphdef.md), the collections
of node names (node_list: "train_op", a script's own add_to_collection) come back as the
imported ops and tensors, and the returned saver runs the imported Saver's own nodes:
its restore op fed the checkpoint path (an imported RestoreV2), its save tensor, and
keeps the SaverDef's max_to_keep checkpoints in the state file, as TF's does. The
variables its VariableDef collections name become gc.Variables (in those collections,
with their initial values and initializers), so global_variables_initializer, a new
optimizer's minimize and a new gc.train.Saver work on them as after TF's import. A
VariableDef's save_slice_info_def makes its variable a part of a partitioned variable
again (a SlicedVariable, as TF's import gives it its SaveSliceInfo): the collections hold
the parts, as TF's do, and a new Saver saves them as slices of the full name (its
import_scope prefixed), what TF1's Saver writes and restores.
"""
import os
import time

from .. import errors
from ..graph import get_default_graph
from ..partitioned import SaveSliceInfo, SlicedVariable
from ..train.checkpoint import checkpoint_exists, remove_checkpoint, update_checkpoint_state
from .events import DecodeError
from .serialize import SerializationError
from .tf_graphdef_import import VARIABLES_WANTED, import_tf_graph_def
from .wire import _fields, _varints, signed64

__all__ = ["is_tf_meta_graph_file", "import_tf_meta_graph"]


# TF1's collections whose items a MetaGraphDef holds as VariableDefs
VARIABLE_COLLECTIONS = ("variables", "trainable_variables", "local_variables",
                        "model_variables", "moving_average_variables", "metric_variables",
                        "global_step")


def _variable_def(buf):
    """A VariableDef's fields: variable_name (1), initializer_name (2), snapshot_name
    (3), save_slice_info_def (4), is_resource (5), initial_value_name (6), trainable
    (7)."""
    names = {1: "variable_name", 2: "initializer_name", 3: "snapshot_name",
             6: "initial_value_name"}
    out = {}
    for f, _, v, _ in _fields(buf):
        if f in names:
            out[names[f]] = bytes(v).decode("utf-8")
        elif f == 4:
            out["save_slice_info"] = _save_slice_info_def(v)
        elif f == 7:
            out["trainable"] = bool(v)
    return out


def _save_slice_info_def(buf):
    """A SaveSliceInfoDef's fields: full_name (1), full_shape (2), var_offset (3) and
    var_shape (4), the int64 lists packed or not."""
    out = {"full_name": "", "full_shape": [], "var_offset": [], "var_shape": []}
    keys = {2: "full_shape", 3: "var_offset", 4: "var_shape"}
    for f, wire, v, _ in _fields(buf):
        if f == 1:
            out["full_name"] = bytes(v).decode("utf-8")
        elif f in keys:
            out[keys[f]] += [signed64(n) for n in _varints(wire, v)]
    return out


def _as_part(var, d, scope):
    """Imported variable `var` made a part of partitioned variable d["full_name"]
    (TF's Variable._init_from_proto gives it its SaveSliceInfo, the name prefixed with
    the import scope)."""
    if len({len(d["full_shape"]), len(d["var_offset"]), len(d["var_shape"])}) != 1 or \
            not var.shape.is_compatible_with(d["var_shape"]):
        raise SerializationError(
            f"import_meta_graph: the save_slice_info_def of variable '{var.node.name}' "
            f"(shape {var.shape}) is not a slice of it: full_shape {d['full_shape']}, "
            f"var_offset {d['var_offset']}, var_shape {d['var_shape']}")
    if not isinstance(var, SlicedVariable):
        var.__class__ = SlicedVariable      # (the same layout: SlicedVariable adds no slot)
    var._save_slice_info = SaveSliceInfo(scope + d["full_name"], d["full_shape"],
                                         d["var_offset"], d["var_shape"])


def is_tf_meta_graph_file(path):
    """Whether `path` holds protobuf (TF's .meta), not graphc's JSON."""
    with open(path, "rb") as f:
        head = f.read(64).lstrip()
    return not head.startswith(b"{")


class TFMetaGraphSaver:
    """The Saver of an imported TF meta graph: restore(sess, path) and save(sess, path)
    run the graph's own restore op and save tensor (TF's SaverDef names); save keeps
    the SaverDef's max_to_keep checkpoints (one more every keep_checkpoint_every_n_hours)
    in the directory's state file, as the Saver TF's import_meta_graph returns does."""

    def __init__(self, graph, saver_def, scope):
        self._graph, self.saver_def, self._scope = graph, saver_def, scope
        self._last = []             # [(prefix, time saved)], oldest first
        self._next_keep_time = time.time() + self._keep_hours() * 3600

    def _keep_hours(self):
        return self.saver_def.get("keep_checkpoint_every_n_hours", 0.0)

    def _tensor(self, key):
        return self._graph.get_tensor_by_name(self._scope + self.saver_def[key])

    @property
    def last_checkpoints(self):
        """The prefixes of the checkpoints kept, oldest first."""
        return [p for p, _ in self._last]

    def restore(self, sess, save_path):
        """Restore the variables from TF checkpoint `save_path` (a prefix)."""
        if save_path is None:
            raise errors.UsageError("Can't load save_path when it is None.")
        if not checkpoint_exists(os.fspath(save_path)):
            raise errors.UsageError(f"The passed save_path is not a valid checkpoint: "
                                    f"{os.fspath(save_path)}")
        op = self._graph.get_operation_by_name(self._scope + self.saver_def["restore_op_name"])
        sess.run(op, {self._tensor("filename_tensor_name"): os.fspath(save_path)})

    def save(self, sess, save_path, global_step=None, latest_filename=None,
             meta_graph_suffix="meta", write_meta_graph=True, write_state=True):
        """Write the variables as TF checkpoint save_path(-global_step); its prefix.
        write_state records it in the directory's state file (latest_filename,
        "checkpoint") and deletes the files of those past max_to_keep. The graph is not
        written again (write_meta_graph): the imported .meta describes it."""
        del write_meta_graph
        if global_step is not None:
            step = global_step if isinstance(global_step, int) else int(sess.run(global_step))
            save_path = f"{os.fspath(save_path)}-{step}"
        out = sess.run(self._tensor("save_tensor_name"),
                       {self._tensor("filename_tensor_name"): os.fspath(save_path)})
        prefix = out.decode() if isinstance(out, bytes) else out
        if write_state:
            dropped = self._record(prefix)
            update_checkpoint_state(os.path.dirname(os.path.abspath(prefix)), prefix,
                                    self.last_checkpoints, latest_filename)
            for old in dropped:
                remove_checkpoint(old, meta_graph_suffix=meta_graph_suffix)
        return prefix

    def _record(self, prefix):
        """Add `prefix` to the kept checkpoints; the prefixes whose files must go
        (TF1's _RecordLastCheckpoint and _MaybeDeleteOldCheckpoints)."""
        keep = self.saver_def.get("max_to_keep", 0)
        if not keep:
            return []                       # TF1: keep every file, record none
        self._last = [(p, t) for p, t in self._last if p != prefix]
        self._last.append((prefix, time.time()))
        dropped = []
        while len(self._last) > keep:
            old, saved = self._last.pop(0)
            if saved > self._next_keep_time:
                self._next_keep_time += self._keep_hours() * 3600   # kept for good
            else:
                dropped.append(old)
        return dropped


def import_tf_meta_graph(path, import_scope=None, input_map=None):
    """Import TF's .meta file `path` into the default graph; its saver (or None)."""
    from ..saved_model.tf_saved_model import _meta_graph
    with open(path, "rb") as f:
        data = f.read()
    try:
        m = _meta_graph(data)
    except (DecodeError, UnicodeDecodeError, ValueError, IndexError) as e:
        m = {"graph_def": None, "error": e}
    if m["graph_def"] is None:
        why = m.get("error", "no graph_def")
        raise SerializationError(f"{path} is not a graphc graph file (JSON) nor a "
                                 f"TensorFlow .meta (a MetaGraphDef protobuf): {why}")
    return import_parsed(m, import_scope, input_map)


def import_parsed(m, import_scope=None, input_map=None):
    """Import a parsed MetaGraphDef (saved_model/tf_saved_model.py's dict) into the
    default graph: its graph, variables and collections; its saver (or None)."""
    graph = get_default_graph()
    defs = {key: [_variable_def(b) for b in items] for key, items in m["collections"].items()
            if key in VARIABLE_COLLECTIONS}
    wanted = {d["variable_name"].split(":")[0]: d.get("trainable", False)
              for items in defs.values() for d in items}
    VARIABLES_WANTED.append(wanted)
    try:
        import_tf_graph_def(m["graph_def"], input_map, None, import_scope or "")
    finally:
        VARIABLES_WANTED.pop()
    scope = f"{import_scope}/" if import_scope else ""
    for key, items in defs.items():             # the variables, as gc.Variables
        for d in items:
            var = graph.get_tensor_by_name(scope + d["variable_name"])
            if d.get("initial_value_name") and var.initial_value is None:
                var.initial_value = graph.get_tensor_by_name(scope + d["initial_value_name"])
            if d.get("initializer_name") and var.initializer is None:
                var.initializer = graph.get_operation_by_name(scope + d["initializer_name"])
            if d.get("save_slice_info"):
                _as_part(var, d["save_slice_info"], scope)
            graph.add_to_collection(key, var)
    for key, names in m["collections"].items():
        if not names or not isinstance(names[0], str):
            continue                        # (bytes_list: VariableDefs above, and others)
        for name in names:
            item = graph.get_tensor_by_name(scope + name) if ":" in name else \
                graph.get_operation_by_name(scope + name)
            graph.add_to_collection(key, item)
    if not m["saver_def"].get("restore_op_name"):
        return None
    return TFMetaGraphSaver(graph, m["saver_def"], scope)
