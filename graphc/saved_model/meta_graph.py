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


# ---- export_scope: a meta graph of one name scope (TF1's export_scoped_meta_graph) ----------
UNBOUND, UNBOUND_KEY = "$unbound_inputs_", "unbound_inputs"


class _Scope:
    """Rewrites the names of a graphc graph_def for its scope `scope/` stripped: a name
    under it loses the prefix; a tensor outside it that a kept node reads becomes an
    unbound input, "$unbound_inputs_<name>" (TF1), which import_meta_graph's input_map
    must give; an op outside it that a kept node names (in an attr) cannot be kept."""

    def __init__(self, gd, scope):
        self.scope = scope.rstrip("/") + "/"
        self.gd, self.unbound, self.node = gd, [], None

    def inside(self, name):
        return name.startswith(self.scope)

    def strip(self, name):
        return name[len(self.scope):]

    def tensor(self, name):
        """A tensor input's new name: stripped, or its unbound input's."""
        if self.inside(name):
            return self.strip(name)
        op, _, index = name.rpartition(":")
        key = UNBOUND + (op if index == "0" else name)      # TF1 drops ":0"
        if key not in self.unbound:
            self.unbound.append(key)
        return f"{UNBOUND}{op}:{index}"

    def control(self, name):
        if self.inside(name):
            return self.strip(name)
        key = f"^{UNBOUND}{name}"
        if key not in self.unbound:
            self.unbound.append(key)
        return key

    def op(self, name, what):
        if not self.inside(name):
            from ..io.serialize import SerializationError
            raise SerializationError(
                f"export_meta_graph(export_scope={self.scope[:-1]!r}): {self.node['op']} "
                f"'{self.node['name']}' (created at {self.node['site'][0]}:"
                f"{self.node['site'][1]}) names op '{name}' in {what}, outside the scope; "
                "export a scope that holds it too")
        return self.strip(name)

    def value(self, enc, what, fids):
        """An encoded attr value [tag, payload] with its references rewritten."""
        tag, v = enc
        if tag in ("tuple", "list"):
            return [tag, [self.value(x, what, fids) for x in v]]
        if tag == "graph":
            return [tag, fids[v]]
        if tag in ("tensor", "op"):
            if isinstance(v, list):             # [branch graph index (-1: main), name]
                name = self.tensor(v[1]) if tag == "tensor" else self.op(v[1], what)
                return [tag, [v[0] if v[0] == -1 else fids[v[0]], name]]
            return [tag, self.tensor(v) if tag == "tensor" else self.op(v, what)]
        if tag == "iterator":
            return [tag, self.payload(v, what, fids)]
        return enc

    def payload(self, v, what, fids):
        """A structured payload (an iterator's) with the encoded values in it rewritten."""
        if isinstance(v, dict):
            return {k: self.payload(x, what, fids) for k, x in v.items()}
        if isinstance(v, list):
            if len(v) == 2 and v[0] in ("tensor", "op", "graph", "list", "tuple"):
                return self.value(v, what, fids)
            return [self.payload(x, what, fids) for x in v]
        return v

    def entry(self, e, fids):
        """A node's entry, its name and references rewritten."""
        self.node = e
        out = dict(e, name=self.strip(e["name"]), inputs=[self.tensor(t) for t in e["inputs"]])
        if "control_inputs" in e:
            out["control_inputs"] = [self.control(c) for c in e["control_inputs"]]
        if "attrs" in e:
            out["attrs"] = {k: self.value(v, f"attr {k!r}", fids) for k, v in e["attrs"].items()}
        if "origin" in e:               # (where a gradient node came from: kept if inside)
            if self.inside(e["origin"]):
                out["origin"] = self.strip(e["origin"])
            else:
                del out["origin"]
        if "variable" in e:
            var = dict(e["variable"])
            if var["initial_value"] is not None:
                var["initial_value"] = self.tensor(var["initial_value"])
            if var["initializer"] is not None:
                var["initializer"] = self.op(var["initializer"], "its initializer")
            out["variable"] = var
        return out

    def functions(self, kept):
        """{old index: new index} of the branch graphs the kept nodes use, in order."""
        used, stack = set(), [e for e in kept]
        functions = self.gd.get("functions", [])
        while stack:
            e = stack.pop()
            for enc in e.get("attrs", {}).values():
                for fid in _graph_ids(enc):
                    if fid >= 0 and fid not in used:
                        used.add(fid)
                        stack.extend(functions[fid]["nodes"])
        return {old: new for new, old in enumerate(sorted(used))}

    def collection(self, values):
        """A collection's encoded items that lie in the scope, renamed (TF1 drops the
        others)."""
        out = []
        for tag, v in values:
            if tag in ("tensor", "op") and isinstance(v, str):
                if self.inside(v):
                    out.append([tag, self.strip(v)])
            elif tag == "saver":            # Saver.to_proto(export_scope)
                names = v["var_list"]
                if names and all(self.inside(n) for n in names.values()):
                    out.append([tag, dict(v, var_list={k: self.strip(n)
                                                       for k, n in names.items()})])
            elif tag == "queue_runner":     # QueueRunner.to_proto(export_scope)
                if self.inside(v["queue_name"]):
                    out.append([tag, _strip_names(v, self)])
            elif tag == "iterator":
                continue                    # (a pipeline's handle: its node's, not kept)
            else:
                out.append([tag, v])
        return out

    def graph_def(self):
        kept = [e for e in self.gd["nodes"] if self.inside(e["name"])]
        fids = self.functions(kept)
        nodes = [self.entry(e, fids) for e in kept]
        functions = []
        for old in sorted(fids):
            f = self.gd["functions"][old]
            outside = [e["name"] for e in f["nodes"] if not self.inside(e["name"])]
            if outside or not self.inside(f["scope"]):
                from ..io.serialize import SerializationError
                raise SerializationError(
                    f"export_meta_graph(export_scope={self.scope[:-1]!r}): the branch "
                    f"graph '{f['scope']}' of a node in the scope holds nodes outside it "
                    f"({outside[:3]})")
            functions.append({
                "scope": self.strip(f["scope"]),
                "nodes": [self.entry(e, fids) for e in f["nodes"]],
                "outer_control": [self.control(n) for n in f["outer_control"]],
                "captures": [[self.value(o, "a capture", fids), self.value(i, "a capture", fids)]
                             for o, i in f["captures"]]})
        collections = {k: self.collection(v) for k, v in self.gd.get("collections", {}).items()}
        collections = {k: v for k, v in collections.items() if v}
        if self.unbound:
            collections[UNBOUND_KEY] = [["str", n] for n in self.unbound]
        out = dict(self.gd, nodes=nodes, collections=collections)
        out.pop("functions", None)
        if functions:
            out["functions"] = functions
        return out


def _graph_ids(enc):
    """The branch graph indices an encoded value refers to."""
    stack, out = [enc], []
    while stack:
        tag, v = stack.pop()
        if tag in ("tuple", "list"):
            stack.extend(v)
        elif tag == "graph":
            out.append(v)
        elif tag in ("tensor", "op") and isinstance(v, list):
            out.append(v[0])
    return out


def _strip_names(qr_def, scope):
    def strip(n):
        return scope.strip(n) if scope.inside(n) else n
    return dict(qr_def, queue_name=strip(qr_def["queue_name"]),
                enqueue_op_name=[strip(n) for n in qr_def["enqueue_op_name"]],
                close_op_name=strip(qr_def["close_op_name"]),
                cancel_op_name=strip(qr_def["cancel_op_name"]))


def scoped_graph_def(graph_def, export_scope):
    """graphc's graph_def restricted to the nodes under name scope export_scope, that
    prefix stripped from every name (TF1's export_meta_graph(export_scope=...)): a tensor
    from outside that a kept node reads is an unbound input "$unbound_inputs_<name>",
    listed in collection "unbound_inputs", which import_meta_graph's input_map must map;
    collection items outside the scope are left out.

        meta = gc.train.export_meta_graph(export_scope="tower_0")
        gc.train.import_meta_graph(meta, import_scope="tower_1")
    """
    return _Scope(graph_def, export_scope).graph_def()


def scoped_saver_def(saver_def, export_scope):
    """saver_def (a dict: Saver.as_saver_def) over the variables under export_scope,
    their node names stripped of it (their checkpoint keys kept, so a checkpoint of the
    whole graph restores into the imported scope); None when none is inside."""
    scope = export_scope.rstrip("/") + "/"
    names = {k: n[len(scope):] for k, n in saver_def.get("var_list", {}).items()
             if n.startswith(scope)}
    return dict(saver_def, var_list=names) if names else None
