"""TF1 tf.saved_model.builder: SavedModelBuilder writes a SavedModel directory (one or
more meta graphs, each with its tags and signatures, sharing one set of variables and
assets). Its layout is meta_graph.py's.

    b = gc.saved_model.builder.SavedModelBuilder("export/1")
    b.add_meta_graph_and_variables(sess, [gc.saved_model.tag_constants.SERVING],
                                   signature_def_map={"serving_default": sig})
    b.save()
"""
import os
import shutil

from .. import errors
from ..graph import Node, get_default_graph
from . import constants, meta_graph
from .signature_def_utils import SignatureDef

__all__ = ["SavedModelBuilder", "Builder"]

ASSET_FILEPATHS = "asset_filepaths"     # TF1's GraphKeys.ASSET_FILEPATHS


class SavedModelBuilder:
    """Builds a SavedModel in `export_dir`, which must not exist or be empty (TF1:
    tf.saved_model.builder.SavedModelBuilder).

        b = SavedModelBuilder("export/1")
        b.add_meta_graph_and_variables(sess, ["serve"], signature_def_map=sigs,
                                       assets_collection=[vocab_path], main_op=init)
        b.add_meta_graph(["train"])         # the same variables, other tags
        b.save()                            # -> b"export/1/saved_model.pb"

    The directory holds TF1's files, which TensorFlow loads (tf.saved_model.loader.load,
    tf.saved_model.load, TF Serving): saved_model.pb and the variables as TF's V2
    checkpoint (tf_saved_model_write.py), and beside them graphc's exact graph,
    saved_model.json, which graphc's loader reads. A graph holding an op TensorFlow has
    no counterpart for (a py_func ...) gets saved_model.json only, with a warning that
    names the op. clear_devices and strip_default_attrs are accepted and change nothing
    (graphc places nothing on devices and writes every attr).
    """

    def __init__(self, export_dir):
        self._export_dir = os.fsdecode(export_dir)
        if os.path.exists(self._export_dir):
            if os.listdir(self._export_dir):
                raise AssertionError(
                    f"Export directory {self._export_dir} already exists, and isn't empty. "
                    "Please choose a different export directory, or delete all the "
                    "contents of the specified directory.")
        else:
            os.makedirs(self._export_dir)
        self._records = []
        self._tf_metas, self._tf_refused = [], None   # saved_model.pb's meta graphs
        self._has_saved_variables = False

    def add_meta_graph_and_variables(self, sess, tags, signature_def_map=None,
                                     assets_collection=None, legacy_init_op=None,
                                     clear_devices=False, main_op=None,
                                     strip_default_attrs=False, saver=None):
        """Save the variables of sess's graph (their values in sess) and add its meta
        graph under `tags`; the first call of a builder, once (TF1).

        signature_def_map: {key: SignatureDef}. assets_collection: string tensors (e.g.
        constants) holding the paths of files to copy into assets/; at load their
        tensors are fed the copies' paths when main_op runs. main_op (or
        legacy_init_op): an op that loader.load runs after restoring the variables.
        saver: the Saver to save with (default: one over every global variable).
        """
        if self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has already "
                                 "been saved. Please invoke `add_meta_graph()` instead.")
        graph = sess.graph
        record = self._record(graph, tags, signature_def_map, assets_collection,
                              legacy_init_op, main_op, strip_default_attrs)
        saver = self._saver(graph, saver)
        variables_dir = os.path.join(self._export_dir, constants.VARIABLES_DIRECTORY)
        os.makedirs(variables_dir, exist_ok=True)
        if saver is not None:
            _tf_format(saver).save(sess, meta_graph.variables_prefix(self._export_dir),
                                   write_meta_graph=False, write_state=False)
        self._finish(record, graph, saver)
        self._has_saved_variables = True

    def add_meta_graph(self, tags, signature_def_map=None, assets_collection=None,
                       legacy_init_op=None, clear_devices=False, main_op=None,
                       strip_default_attrs=False, saver=None):
        """Add the default graph's meta graph under `tags`, its variables restored from
        those add_meta_graph_and_variables saved (TF1). Arguments as there."""
        if not self._has_saved_variables:
            raise AssertionError("Graph state including variables and assets has not been "
                                 "saved yet. Please invoke `add_meta_graph_and_variables()` "
                                 "first.")
        graph = get_default_graph()
        record = self._record(graph, tags, signature_def_map, assets_collection,
                              legacy_init_op, main_op, strip_default_attrs)
        self._finish(record, graph, self._saver(graph, saver))

    def save(self, as_text=False):
        """Write saved_model.pb (as_text=True: saved_model.pbtxt) and saved_model.json
        (indented if as_text); returns the path of TF's file, as bytes (TF1), or of
        saved_model.json where the graph has no TF form (a warning says why)."""
        path = meta_graph.write(self._export_dir, self._records, as_text)
        from . import tf_saved_model_write
        refused = self._tf_refused
        if refused is None:
            try:
                path = tf_saved_model_write.write_tf(self._export_dir, self._tf_metas,
                                                     as_text)
            except ValueError as e:         # (a GraphDef part with no text form)
                refused = e
        if refused is not None:
            from ..tf_logging import warning
            warning("SavedModelBuilder.save: %s only, no %s for TensorFlow: %s", path,
                    "saved_model.pbtxt" if as_text else "saved_model.pb", refused)
        return os.fsencode(path)

    # ---- helpers ---------------------------------------------------------------------
    def _record(self, graph, tags, signature_def_map, assets_collection, legacy_init_op,
                main_op, strip_default_attrs):
        tags = [tags] if isinstance(tags, str) else list(tags)
        if not all(isinstance(t, str) for t in tags):
            raise TypeError(f"tags must be strings, got {tags!r}")
        sigs = self._signatures = _check_signatures(graph, signature_def_map or {})
        _add_main_op(graph, main_op if main_op is not None else legacy_init_op)
        assets = self._copy_assets(graph, assets_collection)
        return {"tags": tags, "signature_def": {k: v.to_json() for k, v in sigs.items()},
                "asset_file_def": assets,
                "stripped_default_attrs": bool(strip_default_attrs)}

    def _saver(self, graph, saver):
        if saver is not None:
            return saver
        from ..train.saver import Saver, SaverDef
        with graph.as_default():
            saver = Saver(allow_empty=True, max_to_keep=None, write_version=SaverDef.V2)
        return saver if saver._var_list else None

    def _finish(self, record, graph, saver):
        from ..io.serialize import export_meta_graph
        meta = export_meta_graph(graph=graph, saver=saver)
        collections = meta["graph_def"]["collections"]
        main = graph.get_collection(constants.MAIN_OP_KEY)     # this one's or an earlier
        if main:
            collections[constants.MAIN_OP_KEY] = [["op", op.name] for op in main]
        if record["asset_file_def"]:
            collections[constants.ASSETS_KEY] = [
                ["tensor", a["tensor_name"]] for a in record["asset_file_def"]]
        record["meta_graph"] = meta
        self._records.append(record)
        if self._tf_refused is None:
            from ..io.tf_graphdef_import import UnsupportedOpError
            from . import tf_saved_model_write
            if saver is not None:
                saver.build()
            try:
                self._tf_metas.append(tf_saved_model_write.tf_meta_graph(
                    graph, record["tags"], self._signatures, record["asset_file_def"],
                    saver._var_list if saver is not None else {}))
            except (UnsupportedOpError, errors.UnimplementedError) as e:
                self._tf_refused = e

    def _copy_assets(self, graph, assets_collection):
        """Copy each asset file into assets/; [{"tensor_name", "filename"}]."""
        if not assets_collection:
            return []
        from ..session import Session
        tensors = list(assets_collection)
        for t in tensors:
            if getattr(t, "graph", None) is not graph or t.dtype.name != "string":
                raise TypeError(f"assets_collection holds {t!r}; it takes string tensors "
                                "of the graph being saved, holding file paths")
        with Session(graph=graph) as sess:      # paths come from the graph (constants)
            paths = sess.run(tensors)
        assets_dir = os.path.join(self._export_dir, constants.ASSETS_DIRECTORY)
        out = []
        for t, path in zip(tensors, paths):
            path = os.fsdecode(path.item() if hasattr(path, "item") else path)
            name = os.path.basename(path)
            dest = os.path.join(assets_dir, name)
            if not os.path.isfile(path):
                raise errors.NotFoundError(f"asset '{path}' of tensor '{t.name}' does not "
                                           "exist")
            os.makedirs(assets_dir, exist_ok=True)
            if not os.path.exists(dest):        # TF1: the first file of a name wins
                shutil.copyfile(path, dest)
            out.append({"tensor_name": t.name, "filename": name})
        return out


Builder = SavedModelBuilder


def _check_signatures(graph, signature_def_map):
    """signature_def_map, checked: SignatureDefs whose tensors are in `graph`."""
    if not isinstance(signature_def_map, dict):
        raise TypeError(f"signature_def_map must be a dict {{key: SignatureDef}}, got "
                        f"{type(signature_def_map).__name__}")
    for key, sig in signature_def_map.items():
        if not isinstance(sig, SignatureDef):
            raise TypeError(f"signature_def_map[{key!r}] is {type(sig).__name__} {sig!r}, "
                            "not a SignatureDef (build it with signature_def_utils)")
        for kind, infos in (("inputs", sig.inputs), ("outputs", sig.outputs)):
            for k, info in infos.items():
                c = info.coo_sparse
                names = [info.name] if c is None else [
                    c.values_tensor_name, c.indices_tensor_name, c.dense_shape_tensor_name]
                if not all(names) or not info.dtype:
                    raise AssertionError("All TensorInfo protos used in the SignatureDefs "
                                         "must have the name and dtype fields set.")
                for name in names:
                    try:
                        graph.get_tensor_by_name(name)
                    except (KeyError, ValueError):
                        raise ValueError(f"signature '{key}': {kind}['{k}'] names "
                                         f"'{name}', which is not a tensor of the graph "
                                         "being saved") from None
    return signature_def_map


def _add_main_op(graph, op):
    """Puts the main op (if any) in the graph's main op collection, checked as TF1
    checks it."""
    if op is None:
        return
    if not isinstance(op, Node):
        raise TypeError(f"main_op needs to be an Operation: {op!r}")
    if op.graph is not graph:
        raise ValueError(f"main_op {op.name!r} belongs to another graph than the one "
                         "being saved")
    for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
        if graph.get_collection(key):
            raise ValueError(f"Graph already contains one or more main ops under the "
                             f"collection {key}.")
    graph.add_to_collection(constants.MAIN_OP_KEY, op)  # later meta graphs keep it (TF1)


def _tf_format(saver):
    """saver, or a twin of it writing TF's V2 checkpoint files (what saved_model.pb's
    restore op reads) where it writes graphc's .npz."""
    from ..ops.state import Variable
    from ..train.saver import Saver, SaverDef
    saver.build()                               # (a Saver(defer_build=True) too)
    if saver._write_version == SaverDef.V2 or not all(
            isinstance(v, Variable) for v in saver._var_list.values()):
        return saver
    return Saver(dict(saver._var_list), allow_empty=True, max_to_keep=None,
                 write_version=SaverDef.V2)
