"""The file saved_model.json and the MetaGraphDef records loader.load returns.

A SavedModel directory, as TF1's, with graphc's exact graph beside TF's protobuf:

    export_dir/saved_model.json           every meta graph: tags, signatures, assets, graph
    export_dir/saved_model.pb             the same for TensorFlow (tf_saved_model_write.py)
    export_dir/variables/variables.index  the variables' values (TF's V2 checkpoint;
    export_dir/variables/variables.data-00000-of-00001    older graphc: variables.npz)
    export_dir/assets/                    the asset files, copied

saved_model.json holds {"format": "graphc.SavedModel", "version": 1,
"saved_model_schema_version": 1, "meta_graphs": [...]}, each meta graph {"tags": [...],
"signature_def": {key: SignatureDef}, "asset_file_def": [{"tensor_name", "filename"}],
"meta_graph": the graphc.MetaGraphDef that graphc.io.serialize.export_meta_graph
writes}. The main op is in that graph's collection "saved_model_main_op", as in TF1.
"""
import json
import os

from . import constants
from .signature_def_utils import SignatureDef
from .utils import TensorInfo, _Record

FORMAT, VERSION = "graphc.SavedModel", 1


class MetaInfoDef(_Record):
    """TF1's MetaInfoDef: the tags of a meta graph (and TF1's other fields, empty)."""
    __slots__ = ("tags", "tensorflow_version", "tensorflow_git_version",
                 "stripped_default_attrs")

    def __init__(self, tags=(), stripped_default_attrs=False):
        self.tags = list(tags)
        self.tensorflow_version = self.tensorflow_git_version = ""
        self.stripped_default_attrs = stripped_default_attrs


class AssetFileDef(_Record):
    """TF1's AssetFileDef: the tensor that holds an asset's path, and its file name in
    the assets/ directory."""
    __slots__ = ("tensor_info", "filename")

    def __init__(self, tensor_info=None, filename=""):
        self.tensor_info = TensorInfo() if tensor_info is None else tensor_info
        self.filename = filename


class MetaGraphDef(_Record):
    """One meta graph of a SavedModel, as loader.load returns it (TF1's MetaGraphDef):
    meta_info_def.tags, signature_def ({key: SignatureDef}), asset_file_def, and the
    graph as graphc's JSON dicts: graph_def, collection_def ({key: encoded values}),
    saver_def."""
    __slots__ = ("meta_info_def", "signature_def", "asset_file_def", "graph_def",
                 "collection_def", "saver_def")

    def __init__(self, record):
        meta = record["meta_graph"]
        self.meta_info_def = MetaInfoDef(record["tags"],
                                         record.get("stripped_default_attrs", False))
        self.signature_def = {k: SignatureDef.from_json(v)
                              for k, v in record["signature_def"].items()}
        self.asset_file_def = [AssetFileDef(TensorInfo(a["tensor_name"]), a["filename"])
                               for a in record["asset_file_def"]]
        self.graph_def = meta["graph_def"]
        self.collection_def = meta["graph_def"].get("collections", {})
        self.saver_def = meta.get("saver_def")

    def __repr__(self):
        return (f"<MetaGraphDef tags={self.meta_info_def.tags} signatures="
                f"{sorted(self.signature_def)} nodes={len(self.graph_def['nodes'])}>")


def saved_model_path(export_dir):
    return os.path.join(os.fsdecode(export_dir), constants.SAVED_MODEL_FILENAME_JSON)


def variables_prefix(export_dir):
    return os.path.join(os.fspath(export_dir), constants.VARIABLES_DIRECTORY,
                        constants.VARIABLES_FILENAME)


def write(export_dir, records, as_text):
    """Write saved_model.json (indented if as_text); returns its path."""
    path = saved_model_path(export_dir)
    data = {"format": FORMAT, "version": VERSION,
            "saved_model_schema_version": constants.SAVED_MODEL_SCHEMA_VERSION,
            "meta_graphs": records}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1 if as_text else None, allow_nan=False,
                  separators=None if as_text else (",", ":"))
        f.write("\n")
    return path


def read(export_dir):
    """The meta graph records of the SavedModel in export_dir (OSError, as TF1, if
    there is none)."""
    path = saved_model_path(export_dir)
    if not os.path.isfile(path):
        raise OSError(f"SavedModel file does not exist at: "
                      f"{os.path.join(os.fspath(export_dir), '')}"
                      f"{{{constants.SAVED_MODEL_FILENAME_JSON}|"
                      f"{constants.SAVED_MODEL_FILENAME_PB}}}")
    with open(path, encoding="utf-8") as f:
        try:
            data = json.load(f)
        except ValueError as e:
            raise OSError(f"Cannot parse file {path}: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise OSError(f"Cannot parse file {path}: not a graphc SavedModel (format "
                      f"{FORMAT!r})")
    if data.get("version") != VERSION:
        raise OSError(f"Cannot parse file {path}: SavedModel version "
                      f"{data.get('version')!r} is not supported (this graphc reads "
                      f"version {VERSION})")
    return data["meta_graphs"]
