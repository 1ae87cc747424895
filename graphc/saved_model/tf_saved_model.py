"""TensorFlow's own SavedModels (saved_model.pb, written by TF1's SavedModelBuilder or
simple_save): loader.load reads them too. Each MetaGraphDef's GraphDef is imported with
graphc's TF GraphDef importer (docs/tf-graphdef.md), its Saver's restore op (an imported
RestoreV2) reads export_dir/variables/variables, and its main op (or legacy init op)
runs with the asset tensors fed the paths of export_dir/assets/ files, as TF's loader
does; the collections come back as for a TF .meta (io/tf_meta_graph.py: variables as
gc.Variables). TF 2's SavedModels (tf.saved_model.save of a tf.Module, Keras model.save)
load the same way, as TF1's loader loads them: their graph calls the traced functions
(StatefulPartitionedCall, imported with their library), their Saver's restore op is a
function that reads the checkpoint, their init op (tables) is the main op, and their
signatures are the serving functions' inputs and outputs; the object graph (the Python
objects' structure) is not rebuilt.
"""
import os
import struct

from ..io.events import DecodeError
from ..io.tf_graphdef import GraphDef
from ..io.wire import _fields, signed64
from . import constants
from .meta_graph import AssetFileDef, MetaGraphDef, MetaInfoDef
from .signature_def_utils import SignatureDef
from .utils import CooSparse, Dim, TensorInfo, TensorShapeProto

__all__ = ["TF_SAVED_MODEL", "read_tf", "load_tf"]

TF_SAVED_MODEL = "saved_model.pb"


def _text(b):
    return bytes(b).decode("utf-8")


def _map(buf, value):
    """(key, value(bytes)) of a protobuf map entry."""
    key, v = "", b""
    for f, _, x, _ in _fields(buf):
        if f == 1:
            key = _text(x)
        elif f == 2:
            v = value(x)
    return key, v


def _shape(buf):
    """A TensorShapeProto: dim (2) {size (1), name (2)}, unknown_rank (3)."""
    dims, unknown = [], False
    for f, _, x, _ in _fields(buf):
        if f == 2:
            parts = {g: y for g, _, y, _ in _fields(x)}
            dims.append(Dim(signed64(parts.get(1, 0)), _text(parts.get(2, b""))))
        elif f == 3:
            unknown = bool(x)
    return TensorShapeProto(dims, unknown)


def _tensor_info(buf):
    name, dtype, shape, coo = "", 0, TensorShapeProto(unknown_rank=True), None
    for f, _, x, _ in _fields(buf):
        if f == 1:
            name = _text(x)
        elif f == 2:
            dtype = x
        elif f == 3:
            shape = _shape(x)
        elif f == 4:
            parts = {g: _text(y) for g, _, y, _ in _fields(x)}
            coo = CooSparse(parts.get(1, ""), parts.get(2, ""), parts.get(3, ""))
    return TensorInfo(name, dtype, shape, coo)


def _signature(buf):
    inputs, outputs, method = {}, {}, ""
    for f, _, x, _ in _fields(buf):
        if f in (1, 2):
            k, v = _map(x, _tensor_info)
            (inputs if f == 1 else outputs)[k] = v
        elif f == 3:
            method = _text(x)
    return SignatureDef(inputs, outputs, method)


def _saver_def(buf):
    """A SaverDef as graphc's SaverDef (a dict with TF's fields as attributes):
    filename_tensor_name (1), save_tensor_name (2), restore_op_name (3), max_to_keep
    (4), sharded (5), keep_checkpoint_every_n_hours (6, a float), version (7); an absent
    field is proto3's default, what TF reads for it (max_to_keep 0 keeps every file)."""
    from ..train.saver import SaverDef
    names = {1: "filename_tensor_name", 2: "save_tensor_name", 3: "restore_op_name"}
    d = SaverDef(max_to_keep=0, sharded=False, keep_checkpoint_every_n_hours=0.0,
                 version=SaverDef.LEGACY)
    for f, _, x, _ in _fields(buf):
        if f in names:
            d[names[f]] = _text(x)
        elif f == 4:
            d["max_to_keep"] = signed64(x)
        elif f == 5:
            d["sharded"] = bool(x)
        elif f == 6:
            d["keep_checkpoint_every_n_hours"] = struct.unpack("<f", x)[0]
        elif f == 7:
            d["version"] = x
    return d


def _collection(buf):
    """A CollectionDef's node names (node_list), bytes (bytes_list) or AssetFileDefs
    (any_list, where TF1's builder keeps the assets: "saved_model_assets"), else []."""
    for f, _, x, _ in _fields(buf):
        if f in (1, 2):
            return [_text(y) if f == 1 else bytes(y) for g, _, y, _ in _fields(x) if g == 1]
        if f == 5:
            anys = [dict((g, y) for g, _, y, _ in _fields(a)) for h, _, a, _ in _fields(x)
                    if h == 1]
            return [_asset_file_def(a[2]) for a in anys
                    if _text(a.get(1, b"")).endswith("tensorflow.AssetFileDef")]
    return []


def _asset_file_def(buf):
    info, filename = TensorInfo(), ""
    for g, _, y, _ in _fields(buf):
        if g == 1:
            info = _tensor_info(y)
        elif g == 2:
            filename = _text(y)
    return AssetFileDef(info, filename)


def _meta_graph(buf):
    m = {"tags": [], "graph_def": None, "saver_def": {}, "collections": {},
         "signature_def": {}, "asset_file_def": []}
    for f, _, x, _ in _fields(buf):
        if f == 1:          # MetaInfoDef: tags are field 4
            m["tags"] += [_text(y) for g, _, y, _ in _fields(x) if g == 4]
        elif f == 2:
            m["graph_def"] = GraphDef.FromString(bytes(x))
        elif f == 3:
            m["saver_def"] = _saver_def(x)
        elif f == 4:
            k, v = _map(x, _collection)
            m["collections"][k] = v
        elif f == 5:
            k, v = _map(x, _signature)
            m["signature_def"][k] = v
        elif f == 6:
            m["asset_file_def"].append(_asset_file_def(x))
        # (7: TF 2's object graph, the Python objects' structure: not rebuilt)
    if not m["asset_file_def"]:     # TF1's builder: the assets collection (TF's loader too)
        m["asset_file_def"] = m["collections"].get(constants.ASSETS_KEY, [])
    return m


def read_tf(export_dir):
    """The meta graphs of TF's saved_model.pb (or saved_model.pbtxt) in export_dir, as
    dicts."""
    path = os.path.join(os.fsdecode(export_dir), TF_SAVED_MODEL)
    if not os.path.isfile(path):
        path += "txt"
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith("txt"):
        from ..io.tf_graphdef_text_read import saved_model_text_wire
        if b"object_graph_def" in data:
            raise OSError(f"{path}: a TF 2 SavedModel in text format (its object graph "
                          "has no text reader in graphc; TF writes saved_model.pb)")
        try:
            data = saved_model_text_wire(data)
        except (ValueError, UnicodeDecodeError) as e:
            raise OSError(f"Cannot parse file {path}: {e}") from None
    try:
        return [_meta_graph(x) for field, _, x, _ in _fields(data) if field == 2]
    except (DecodeError, UnicodeDecodeError) as e:
        raise OSError(f"Cannot parse file {path}: {e}") from None


class TFMetaGraphDef(MetaGraphDef):
    """A meta graph of TF's saved_model.pb, as loader.load returns it: graph_def is the
    TF GraphDef, collection_def {key: node names or bytes}, saver_def a SaverDef (TF's
    fields as attributes: saver_def.sharded, .max_to_keep, .version ...)."""
    __slots__ = ()

    def __init__(self, m):              # (not MetaGraphDef's: no graphc JSON record)
        self.meta_info_def = MetaInfoDef(m["tags"])
        self.signature_def = m["signature_def"]
        self.asset_file_def = m["asset_file_def"]
        self.graph_def = m["graph_def"]
        self.collection_def = m["collections"]
        self.saver_def = m["saver_def"]

    def __repr__(self):
        return (f"<MetaGraphDef tags={self.meta_info_def.tags} signatures="
                f"{sorted(self.signature_def)} nodes={len(self.graph_def.node)} (TF)>")


def load_tf(sess, m, export_dir, import_scope):
    """Import meta graph m into sess's graph, restore its variables, run its main op."""
    from ..io.tf_meta_graph import import_parsed
    if m["graph_def"] is None:
        raise OSError(f"{export_dir}: the meta graph of tags {m['tags']} has no graph")
    graph = sess.graph
    with graph.as_default():
        saver = import_parsed(m, import_scope)
    scope = f"{import_scope}/" if import_scope else ""
    if saver is not None:
        saver.restore(sess, os.path.join(os.fspath(export_dir), constants.VARIABLES_DIRECTORY,
                                         constants.VARIABLES_FILENAME))
    ops = m["collections"].get(constants.MAIN_OP_KEY) or \
        m["collections"].get(constants.LEGACY_INIT_OP_KEY) or []
    if len(ops) > 1:
        raise RuntimeError(f"Expected exactly one SavedModel main op. Found: {ops}")
    if ops:
        feeds = {graph.get_tensor_by_name(scope + a.tensor_info.name): os.fsencode(
            os.path.join(os.fspath(export_dir), constants.ASSETS_DIRECTORY, a.filename))
            for a in m["asset_file_def"]}
        sess.run(graph.get_operation_by_name(scope + ops[0].split(":")[0]), feed_dict=feeds)
    return TFMetaGraphDef(m)
