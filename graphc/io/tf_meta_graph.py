"""TensorFlow's `.meta` files (a MetaGraphDef protobuf, what TF1's Saver.save writes
beside a checkpoint) in gc.train.import_meta_graph, the TF1 idiom

    saver = gc.train.import_meta_graph("model.ckpt.meta")     # a TF-written file
    saver.restore(sess, "model.ckpt")                          # TF's checkpoint
    sess.run(gc.get_collection("train_op")[0], feed)

The GraphDef is imported by graphc's TF importer (docs/tf-graphdef.md), the collections
of node names (node_list: "train_op", a script's own add_to_collection) come back as the
imported ops and tensors, and the returned saver runs the imported Saver's own nodes:
its restore op fed the checkpoint path (an imported RestoreV2), its save tensor. The
variables its VariableDef collections name become gc.Variables (in those collections,
with their initial values and initializers), so global_variables_initializer, a new
optimizer's minimize and a new gc.train.Saver work on them as after TF's import.
"""
import os

from ..graph import get_default_graph
from .events import DecodeError
from .serialize import SerializationError
from .tf_graphdef_import import VARIABLES_WANTED, import_tf_graph_def
from .wire import _fields

__all__ = ["is_tf_meta_graph_file", "import_tf_meta_graph"]


# TF1's collections whose items a MetaGraphDef holds as VariableDefs
VARIABLE_COLLECTIONS = ("variables", "trainable_variables", "local_variables",
                        "model_variables", "moving_average_variables", "metric_variables",
                        "global_step")


def _variable_def(buf):
    """A VariableDef's fields: variable_name (1), initializer_name (2), snapshot_name
    (3), is_resource (5), initial_value_name (6), trainable (7)."""
    names = {1: "variable_name", 2: "initializer_name", 3: "snapshot_name",
             6: "initial_value_name"}
    out = {}
    for f, _, v, _ in _fields(buf):
        if f in names:
            out[names[f]] = bytes(v).decode("utf-8")
        elif f == 7:
            out["trainable"] = bool(v)
    return out


def is_tf_meta_graph_file(path):
    """Whether `path` holds protobuf (TF's .meta), not graphc's JSON."""
    with open(path, "rb") as f:
        head = f.read(64).lstrip()
    return not head.startswith(b"{")


class TFMetaGraphSaver:
    """The Saver of an imported TF meta graph: restore(sess, path) and save(sess, path)
    run the graph's own restore op and save tensor (TF's SaverDef names)."""

    def __init__(self, graph, saver_def, scope):
        self._graph, self.saver_def, self._scope = graph, saver_def, scope

    def _tensor(self, key):
        return self._graph.get_tensor_by_name(self._scope + self.saver_def[key])

    def restore(self, sess, save_path):
        """Restore the variables from TF checkpoint `save_path` (a prefix)."""
        op = self._graph.get_operation_by_name(self._scope + self.saver_def["restore_op_name"])
        sess.run(op, {self._tensor("filename_tensor_name"): os.fspath(save_path)})

    def save(self, sess, save_path, global_step=None):
        """Write the variables as TF checkpoint save_path(-global_step); its prefix."""
        if global_step is not None:
            step = global_step if isinstance(global_step, int) else int(sess.run(global_step))
            save_path = f"{os.fspath(save_path)}-{step}"
        out = sess.run(self._tensor("save_tensor_name"),
                       {self._tensor("filename_tensor_name"): os.fspath(save_path)})
        return out.decode() if isinstance(out, bytes) else out


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
