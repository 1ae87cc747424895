"""graphc's SavedModels for TensorFlow: the saved_model.pb (or saved_model.pbtxt) that
SavedModelBuilder writes beside graphc's saved_model.json, so that TF1's
tf.saved_model.loader.load, TF 2's tf.saved_model.load and TF Serving load a model
built and trained in graphc.

Each meta graph is TF1's MetaGraphDef: the graph as TF's GraphDef (io/tf_graphdef_export.py),
the Saver TF1 would have built for it (save/Const, save/SaveV2, save/control_dependency,
save/RestoreV2, save/Assign*, save/restore_all) and its SaverDef, the variable
collections as VariableDefs, the other collections of ops and tensors as node lists, the
signatures and the asset files. The variables themselves are TF's V2 checkpoint
(variables/variables.index and .data-00000-of-00001), which graphc's Saver writes.

A graph with an op TF has no counterpart for cannot be written so; builder.py then writes
saved_model.json only, and says why.
"""
import os
import struct

from ..graph import Node, Tensor
from ..io.tf_graphdef_export import export_tf_graph_def
from ..io.tf_graphdef_export_checkpoint import add_saver, save_slice_info_fields
from ..io.tf_graphdef_text import _graph_def, _Writer, quote
from ..io.tf_meta_graph import VARIABLE_COLLECTIONS
from ..io.wire import I32, VARINT, _bytes, _key, _varint
from ..ops.state import Variable
from . import constants
from .utils import DT_ENUM, _DT_PROTO

__all__ = ["tf_meta_graph", "write_tf", "export_tf_meta_graph"]


# ---- a message as [(field name, number, value)], written binary or as text -------------
class Enum(int):
    """An enum field's value: its number, and its name for the text format."""
    def __new__(cls, number, name):
        self = super().__new__(cls, number)
        self.name = name
        return self


class Float(float):
    """A `float` field (fixed32)."""


class Embedded:
    """A message graphc models elsewhere (a GraphDef): its bytes and its text writer."""
    def __init__(self, data, write_text):
        self.data, self.write_text = data, write_text


def encode(fields):
    out = []
    for _, number, v in fields:
        if isinstance(v, list):
            out.append(_bytes(number, encode(v)))
        elif isinstance(v, Embedded):
            out.append(_bytes(number, v.data))
        elif isinstance(v, Float):
            out.append(_key(number, I32) + struct.pack("<f", v))
        elif isinstance(v, (bool, int)):
            out.append(_key(number, VARINT) + _varint(int(v)))
        else:
            out.append(_bytes(number, v.encode("utf-8") if isinstance(v, str) else v))
    return b"".join(out)


def write_text(w, fields):
    for name, _, v in fields:
        if isinstance(v, list):
            w.message(name, write_text, v)
        elif isinstance(v, Embedded):
            w.message(name, v.write_text, None)
        elif isinstance(v, Enum):
            w.field(name, v.name)
        elif isinstance(v, bool):
            w.field(name, "true" if v else "false")
        elif isinstance(v, (int, Float)):
            w.field(name, repr(float(v)) if isinstance(v, Float) else v)
        else:
            w.field(name, quote(v))


def _entry(name, key, value):
    return (name, _MAP_FIELD[name], [("key", 1, key), ("value", 2, value)])


_MAP_FIELD = {"collection_def": 4, "signature_def": 5, "inputs": 1, "outputs": 2}


# ---- the parts of a MetaGraphDef ---------------------------------------------------------
def _shape(proto):
    """A saved_model.utils TensorShapeProto as fields."""
    if proto.unknown_rank:
        return [("unknown_rank", 3, True)]
    return [("dim", 2, [f for f in (("size", 1, d.size), ("name", 2, d.name)) if f[2]])
            for d in proto.dim]


def _tensor_info(info):
    fields = [("name", 1, info.name)] if info.name else []
    if info.coo_sparse is not None:
        c = info.coo_sparse
        fields.append(("coo_sparse", 4, [("values_tensor_name", 1, c.values_tensor_name),
                                         ("indices_tensor_name", 2, c.indices_tensor_name),
                                         ("dense_shape_tensor_name", 3,
                                          c.dense_shape_tensor_name)]))
    if info.dtype:
        fields.append(("dtype", 2, Enum(info.dtype, _DT_PROTO[info.dtype])))
    fields.append(("tensor_shape", 3, _shape(info.tensor_shape)))
    return fields


def _signature(sig):
    fields = [_entry(kind, k, _tensor_info(v)) for kind, infos in
              (("inputs", sig.inputs), ("outputs", sig.outputs))
              for k, v in sorted(infos.items())]
    return fields + ([("method_name", 3, sig.method_name)] if sig.method_name else [])


def _variable_def(v, gd_names, trainable):
    """A VariableDef: the variable, its initializer and initial value, and its
    snapshot (the "<name>/read" Identity TF1 reads it through, where the graph has one;
    else the variable itself, which every reader in graphc's export reads)."""
    name = v.node.name
    read = f"{name}/read" if f"{name}/read" in gd_names else name
    fields = [("variable_name", 1, f"{name}:0")]
    if v.initializer is not None:
        fields.append(("initializer_name", 2, v.initializer.name))
    fields.append(("snapshot_name", 3, f"{read}:0"))
    fields += save_slice_info_fields(v)         # (a partitioned variable's part)
    if v.initial_value is not None:
        fields.append(("initial_value_name", 6, v.initial_value.name))
    if trainable:
        fields.append(("trainable", 7, True))
    return encode(fields)


def _collections(graph, gd_names):
    """graphc's collections as CollectionDefs: the variable ones as VariableDefs, those
    of ops and tensors as node lists. Collections of other Python objects (queue
    runners, savers, iterators) have no TF form here and are left out."""
    trainable = {id(v) for v in graph.get_collection("trainable_variables")}
    out = []
    for key in sorted(graph.get_all_collection_keys()):
        items = graph.get_collection(key)
        if key in VARIABLE_COLLECTIONS:     # (io/tf_meta_graph.py's)
            defs = [_variable_def(v, gd_names, id(v) in trainable)
                    for v in items if isinstance(v, Variable)]
            if defs:
                out.append(_entry("collection_def", key,
                                  [("bytes_list", 2, [("value", 1, d) for d in defs])]))
            continue
        names = [x.name for x in items if isinstance(x, (Node, Tensor))]
        if names and len(names) == len(items):
            out.append(_entry("collection_def", key,
                              [("node_list", 1, [("value", 1, n) for n in names])]))
    return out


def tf_meta_graph(graph, tags, signature_def_map, assets, var_list, sharded=False):
    """The MetaGraphDef (fields) of `graph` for TF: var_list {checkpoint name: Variable}
    saved by its Saver (sharded by device if `sharded`), assets [{"tensor_name",
    "filename"}]. Raises UnsupportedOpError (from the GraphDef exporter) where TF cannot
    have it."""
    gd = export_tf_graph_def(graph)
    gd_names = {nd.name for nd in gd.node}
    collections = _collections(graph, gd_names)
    saver_def = add_saver(gd, var_list, sharded) if var_list else None
    fields = [("meta_info_def", 1, [("tags", 4, t) for t in tags])] if tags else []
    fields.append(("graph_def", 2, Embedded(gd.SerializeToString(),
                                            lambda w, _: _graph_def(w, gd))))
    if saver_def:
        fields.append(("saver_def", 3, saver_def))
    fields += collections
    fields += [_entry("signature_def", k, _signature(sig))
               for k, sig in sorted(signature_def_map.items())]
    fields += [("asset_file_def", 6, [
        ("tensor_info", 1, [("name", 1, a["tensor_name"]),
                            ("dtype", 2, Enum(DT_ENUM["string"], "DT_STRING")),
                            ("tensor_shape", 3, [])]),
        ("filename", 2, a["filename"])]) for a in assets]
    return fields


def write_tf(export_dir, metas, as_text):
    """Write saved_model.pb (as_text: saved_model.pbtxt) holding the meta graphs
    `metas` (tf_meta_graph's); returns its path."""
    fields = [("saved_model_schema_version", 1, constants.SAVED_MODEL_SCHEMA_VERSION)]
    fields += [("meta_graphs", 2, m) for m in metas]
    name = constants.SAVED_MODEL_FILENAME_PBTXT if as_text else constants.SAVED_MODEL_FILENAME_PB
    return _write(os.path.join(export_dir, name), fields, as_text)


def _write(path, fields, as_text):
    """Write the message `fields` to `path` as protobuf bytes, or its text format
    when `as_text`; returns `path`."""
    if as_text:
        w = _Writer()
        write_text(w, fields)
        data = "".join(line + "\n" for line in w.lines).encode("utf-8")
    else:
        data = encode(fields)
    with open(path, "wb") as f:
        f.write(data)
    return path


def export_tf_meta_graph(filename, graph=None, saver=None, as_text=False):
    """Write `graph` (default: the default graph) as TensorFlow's MetaGraphDef, the
    `.meta` TF1's tf.train.import_meta_graph reads: the graph as TF's GraphDef, the
    Saver nodes TF1 would add for `saver` (default: every global variable) and its
    SaverDef, VariableDefs and node-list collections ("train_op" ...). Pair it with a
    checkpoint of gc.train.Saver(write_version=gc.train.SaverDef.V2), whose files TF
    restores:

        saver = gc.train.Saver(write_version=gc.train.SaverDef.V2)
        prefix = saver.save(sess, "ckpt/model", write_meta_graph=False)
        gc.io.export_tf_meta_graph(prefix + ".meta", saver=saver)
        # in TensorFlow: tf.compat.v1.train.import_meta_graph("ckpt/model.meta")
        #                .restore(sess, "ckpt/model")

    A graph with an op that has no TF export raises UnsupportedOpError naming it.
    Returns the path written."""
    from ..graph import get_default_graph
    from ..train.saver import Saver
    graph = get_default_graph() if graph is None else graph
    if saver is None:
        with graph.as_default():
            saver = Saver(allow_empty=True)
    saver.build()
    fields = tf_meta_graph(graph, (), {}, (), saver._var_list, saver.saver_def.sharded)
    return _write(os.fspath(filename), fields, as_text)
