"""Graphs as JSON (TF1: GraphDef and MetaGraphDef), never pickle: the format and export.

    gd = gc.get_default_graph().as_graph_def()          # a JSON-able dict
    gc.train.write_graph(gc.get_default_graph(), "/tmp/model", "graph.json")   # its JSON
    with gc.Graph().as_default():
        y, = gc.import_graph_def(gd, return_elements=["y:0"])     # or the file's path

A graph_def holds a format version, one entry per node in creation order (name, op,
input tensors, control inputs, attrs as [type tag, payload], each output's static shape
and dtype, creation site), the graph's collections, and the graphs of cond branches
("functions"). Arrays travel inside the JSON: up to 64 finite values as a list, others
as base64 of `.npy` bytes (np.save/np.load with allow_pickle=False). This module writes
graph_defs and decodes their values; graphdef_import.py rebuilds graphs from them
(import_graph_def, import_meta_graph: importable from here too). See
docs/serialization.md.
"""
import base64
import io
import json
import math
import os

import numpy as np

from .. import dtypes, errors
from ..compiler.pipeline import no_cyclic_gc
from ..graph import Graph, Node, Tensor, get_default_graph
from ..ops.core import ConstValue
from ..ops.registry import REGISTRY
from ..ops.state import Variable
from ..shapes import TensorShape

__all__ = ["graph_to_dict", "import_graph_def", "write_graph", "export_meta_graph",
           "import_meta_graph", "SerializationError"]

FORMAT, META_FORMAT, VERSION = "graphc.GraphDef", "graphc.MetaGraphDef", 1
_SMALL = 64     # arrays of up to this many finite values are stored as plain lists


class SerializationError(errors.GraphError):
    """A graph that cannot be written faithfully, or a graph_def that cannot be imported."""


class _Unserializable(Exception):
    """A value with no JSON encoding (a callable, a foreign node...); says what it is."""


def _array_payload(arr):
    dtype = dtypes._BY_NP.get(arr.dtype)
    if dtype is dtypes.string:          # bytes objects, each as base64 text
        if not all(isinstance(b, bytes) for b in arr.flat):
            raise _Unserializable(f"a numpy array of dtype {arr.dtype} holding more than bytes")
        return {"dtype": "string", "shape": list(arr.shape),
                "base64": [base64.b64encode(b).decode("ascii") for b in arr.flat]}
    if arr.size <= _SMALL and dtype is not None and not dtype.is_complex and (
            not dtype.is_floating or np.isfinite(arr).all()):
        return {"dtype": dtype.name, "shape": list(arr.shape), "values": arr.ravel().tolist()}
    buf = io.BytesIO()
    try:
        np.save(buf, arr, allow_pickle=False)
    except ValueError:
        raise _Unserializable(f"a numpy array of dtype {arr.dtype}") from None
    return {"npy": base64.b64encode(buf.getvalue()).decode("ascii")}


def _array(payload):
    if "npy" in payload:
        return np.load(io.BytesIO(base64.b64decode(payload["npy"])), allow_pickle=False)
    if "base64" in payload:
        out = np.empty(len(payload["base64"]), dtype=object)
        out[:] = [base64.b64decode(b) for b in payload["base64"]]
        return out.reshape(payload["shape"])
    return np.array(payload["values"], dtype=payload["dtype"]).reshape(payload["shape"])


def _dims(shape):
    return None if shape._dims is None else list(shape._dims)


def _is_function(g):
    """A cond branch's graph (ops/control.FuncGraph), which lives inside another."""
    return isinstance(g, Graph) and getattr(g, "outer", None) is not None


# ---- export -------------------------------------------------------------------------------
class _Writer:
    """Encodes one graph and the branch graphs (FuncGraphs) its nodes refer to."""

    def __init__(self, graph):
        self.graph = graph
        self.funcs, self.order = {}, []     # FuncGraph -> its index in self.order
        self.node = None                    # the node whose attrs are being encoded
        self.iterators = {}                 # data iterator handle -> first node holding it

    def fid(self, g):
        if g not in self.funcs:
            self.funcs[g] = len(self.order)
            self.order.append(g)
        return self.funcs[g]

    def encode(self, v, home):
        """[tag, payload] for an attr or collection value of a node of graph `home`."""
        t = type(v)
        if v is None:
            return ["none", None]
        if t in (bool, int, str):
            return [t.__name__, v]
        if t is bytes:
            return ["bytes", base64.b64encode(v).decode("ascii")]
        if t is float:
            return ["float", v if math.isfinite(v) else repr(v)]
        if t in (tuple, list):
            return [t.__name__, [self.encode(e, home) for e in v]]
        if t is dtypes.DType:
            return ["dtype", v.name]
        if t is TensorShape:
            return ["shape", _dims(v)]
        if t is ConstValue:
            return ["const", _array_payload(v.array)]
        if t is np.ndarray:
            return ["array", _array_payload(v)]
        if isinstance(v, np.generic):
            return ["scalar", _array_payload(np.asarray(v))]
        if isinstance(v, (Tensor, Node)):
            tag = "tensor" if isinstance(v, Tensor) else "op"
            if v.graph is home:
                return [tag, v.name]
            if _is_function(v.graph):               # a tensor of a cond branch
                return [tag, [self.fid(v.graph), v.name]]
            if v.graph is self.graph:               # of the main graph, in a branch
                return [tag, [-1, v.name]]
            raise _Unserializable(f"{v!r}, which belongs to another graph")
        if _is_function(v):
            return ["graph", self.fid(v)]
        from ..data.iterator import _Handle
        if t is _Handle:
            return self.iterator(v, home)
        from ..train.saver import Saver
        if isinstance(v, Saver):                    # TF1 keeps Savers in "savers"
            return ["saver", v.as_saver_def()]
        from ..train.queue_runner import QueueRunner
        if isinstance(v, QueueRunner):              # and QueueRunners in "queue_runners"
            if any(op.graph is not home for op in [v.close_op, *v.enqueue_ops]):
                raise _Unserializable(f"{v!r}, whose queue belongs to another graph")
            return ["queue_runner", v.to_proto()]
        what = "a Python callable" if callable(v) else f"a {t.__name__}"
        raise _Unserializable(f"{what} ({v!r}), which JSON cannot hold")

    def iterator(self, h, home):
        """A tf.data iterator's handle: its pipeline in the first node holding it (its
        MakeIterator, or a one-shot iterator's first IteratorGetNext), else a reference
        to that node, so that the nodes of one iterator share one handle again."""
        first = self.iterators.get(h)
        if first is not None:
            return ["iterator", {"same_as": self.encode(first, home)}]
        from ..data.graph_codec import Unwritable, encode_handle
        try:
            payload = encode_handle(h, lambda x: self.encode(x, home))
        except Unwritable as e:
            raise _Unserializable(str(e)) from None
        self.iterators[h] = self.node
        return ["iterator", payload]

    def entry(self, node, home):
        self.node = node
        op = node.op
        if REGISTRY.get(op.name) is not op:
            raise SerializationError(
                f"cannot serialize {errors.describe_node(node)}: its OpDef {op.name!r} is "
                "not the one in the op registry (ops.registry.register), so no other "
                "process could rebuild it")
        e = {"name": node.name, "op": op.name, "inputs": [t.name for t in node.inputs]}
        if node.control_inputs:
            e["control_inputs"] = [c.name for c in node.control_inputs]
        if node.device:
            e["device"] = node.device
        if node.attrs:
            e["attrs"] = {}
            for k, v in node.attrs.items():
                try:
                    e["attrs"][k] = self.encode(v, home)
                except _Unserializable as err:
                    raise SerializationError(
                        f"cannot serialize {errors.describe_node(node)}: its attr {k!r} is "
                        f"{err}; build this part of the graph in code after importing the "
                        "rest") from None
        e["outputs"] = [[_dims(t.shape), t.dtype.name] for t in node.outputs]
        e["site"] = list(node.site)
        if node.role != "forward":
            e["role"] = node.role
            if node.origin is not None and node.origin.graph is home:
                e["origin"] = node.origin.name
        if node in home._node_grad_override:
            e["gradient_override"] = home._node_grad_override[node]
        if node.outputs and isinstance(node.outputs[0], Variable):
            var = node.outputs[0]
            e["variable"] = {"trainable": bool(var.trainable), "initial_value":
                             var.initial_value.name if var.initial_value is not None else None,
                             "initializer": var.initializer.name if var.initializer else None}
        return e

    def graph_def(self):
        g = self.graph
        nodes = [self.entry(n, g) for n in g.nodes]
        collections = {}
        for key, values in g.collections.items():
            try:
                if not isinstance(key, str):
                    raise _Unserializable(f"a key of type {type(key).__name__}")
                collections[key] = [self.encode(v, g) for v in values]
            except _Unserializable as err:      # TF1 leaves such a collection out too
                from ..tf_logging import warning
                warning("Issue encountered when serializing %s: it holds %s; the "
                        "collection is left out.", key, err)
        functions = []
        for fg in self.order:           # grows as we go: a branch may hold branches
            functions.append({
                "scope": fg._scope, "nodes": [self.entry(n, fg) for n in fg.nodes],
                "outer_control": [n.name for n in fg.outer_control],
                "captures": [[self.encode(o, fg.outer), self.encode(i, fg)]
                             for o, i in fg.captures.items()]})
        gd = {"format": FORMAT, "version": VERSION, "nodes": nodes, "collections": collections}
        if functions:
            gd["functions"] = functions
        return gd


class GraphDefDict(dict):
    """graphc's graph_def: a JSON-able dict (see graph_to_dict) that also answers what
    TF1 code asks of a GraphDef: SerializeToString() gives the bytes of TF's `.pb`
    (gc.io.export_tf_graph_def) and .node TF's NodeDefs, so the freeze-and-write script

        frozen = gc.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["prob"])
        open("frozen.pb", "wb").write(frozen.SerializeToString())

    runs as written (a graph holding an op TF lacks raises UnsupportedOpError there)."""

    def SerializeToString(self):  # noqa: N802 (TF's protobuf name)
        from .tf_graphdef_export import export_tf_graph_def
        return export_tf_graph_def(dict(self)).SerializeToString()

    @property
    def node(self):
        from .tf_graphdef_export import export_tf_graph_def
        return export_tf_graph_def(dict(self)).node


class MetaGraphDict(dict):
    """graphc's meta graph (export_meta_graph's dict); .graph_def is its graph_def,
    .saver_def its Saver's (a dict, or None), .collection_def its collections ({key:
    encoded values}, as saved_model's MetaGraphDef has them)."""

    @property
    def graph_def(self):
        return GraphDefDict(self["graph_def"])

    @property
    def collection_def(self):
        return self["graph_def"].get("collections", {})

    @property
    def saver_def(self):
        return self.get("saver_def")


def graph_to_dict(graph=None):
    """The graph (default: the default graph) as a JSON-able dict (TF1: a GraphDef).

        gd = gc.io.serialize.graph_to_dict(graph)     # or graph.as_graph_def()
        text = json.dumps(gd)

    Raises SerializationError, naming the node, its op and where it was created, for
    what cannot be written faithfully: a callable attr (custom_gradient's grad_fn), an
    OpDef that is not in the registry. A collection holding a Python object is left out
    with a warning, as TF1's export_meta_graph does.
    """
    graph = get_default_graph() if graph is None else graph
    with no_cyclic_gc():        # ~10 objects a node, all kept: collections would only slow it
        return GraphDefDict(_Writer(graph).graph_def())


def _graph_text(gd):
    """graph_def JSON with one node per line: readable, diffable, not indented 100k deep."""
    head = json.dumps({k: v for k, v in gd.items() if k != "nodes"}, allow_nan=False)
    nodes = ",\n".join(json.dumps(n, allow_nan=False) for n in gd["nodes"])
    return f'{head[:-1]}, "nodes": [\n{nodes}\n]}}'


def _write_json(d, path, as_text=True):
    with no_cyclic_gc():
        if not as_text:
            text = json.dumps(d, separators=(",", ":"), allow_nan=False)
        elif "graph_def" in d:                  # a meta graph
            head = json.dumps({k: v for k, v in d.items() if k != "graph_def"})
            text = f'{head[:-1]}, "graph_def": {_graph_text(d["graph_def"])}}}'
        else:
            text = _graph_text(d)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


def write_graph(graph_or_graph_def, logdir, name, as_text=True):
    """Write a graph to logdir/name; returns the path (TF1).

        frozen = gc.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["y"])
        gc.train.write_graph(frozen, "/tmp/model", "frozen.pb", as_text=False)
        gc.train.write_graph(sess.graph, "/tmp/model", "graph.json")   # graphc's JSON

    A graph_def (a graphc graph_def dict such as as_graph_def() and
    convert_variables_to_constants return, a gc.GraphDef or a TF GraphDef object) is
    written as TF writes it: the bytes of TF's GraphDef protobuf (what
    graph_def.SerializeToString() gives; gc.GraphDef().ParseFromString and TF read it),
    or with as_text=True protobuf's text format (a .pbtxt). A graph TF has no ops for
    raises UnsupportedOpError. A gc.Graph is written as graphc's own JSON, which keeps
    everything (as_text=True: one node per line; False: compact; both load alike with
    gc.import_graph_def(path)).
    """
    from .tf_graphdef_import import is_tf_graph_def
    gd = graph_or_graph_def
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    if isinstance(gd, dict):
        from .tf_graphdef_export import export_tf_graph_def
        gd = export_tf_graph_def(gd)
    if is_tf_graph_def(gd):
        from .tf_graphdef import GraphDef
        from .tf_graphdef_text import graph_def_text
        if not isinstance(gd, GraphDef):
            gd = GraphDef.FromString(gd.SerializeToString())
        data = graph_def_text(gd).encode("utf-8") if as_text else gd.SerializeToString()
        with open(path, "wb") as f:
            f.write(data)
        return path
    _write_json(graph_to_dict(gd), path, as_text)
    return path


def export_meta_graph(filename=None, meta_info_def=None, graph_def=None, saver_def=None,
                      collection_list=None, as_text=False, graph=None, export_scope=None,
                      clear_devices=False, clear_extraneous_savers=False,
                      strip_default_attrs=False, save_debug_info=False, saver=None,
                      **kwargs):
    """The graph with its collections, and the names of what `saver` saves, as a dict
    (TF1: a MetaGraphDef), also written to `filename` as JSON if given.

        meta = gc.train.export_meta_graph("/tmp/model/model.meta", saver=saver)

    TF1's arguments: `meta_info_def` (a dict, kept as is), `graph_def` (a graph_def dict
    to write instead of the graph's), `saver_def` (a dict: Saver.as_saver_def(); or
    `saver=`, a gc.train.Saver: graphc's way), `collection_list` (the collections to
    keep; default all). The file is always JSON text, so `as_text` changes nothing; graphc places
    nothing on devices, keeps no default attrs, extra savers or debug info, so
    clear_devices, clear_extraneous_savers, strip_default_attrs and save_debug_info
    change nothing either. `export_scope` exports the nodes under that name scope only,
    the scope stripped from their names (saved_model/meta_graph.py's scoped_graph_def;
    import_meta_graph(import_scope=...) puts them under another); the saver_def then
    names the variables inside it.
    """
    if kwargs:
        raise TypeError(f"export_meta_graph: unexpected arguments {sorted(kwargs)}")
    graph = get_default_graph() if graph is None else graph
    gd = graph_to_dict(graph) if graph_def is None else graph_def
    if collection_list is not None:
        keep = set(collection_list)
        gd = {**gd, "collections": {k: v for k, v in gd["collections"].items()
                                    if k in keep}}
    if saver is not None:
        saver_def = saver.as_saver_def()
    if export_scope:
        from ..saved_model.meta_graph import scoped_graph_def, scoped_saver_def
        gd = scoped_graph_def(gd, export_scope)
        saver_def = saver_def and scoped_saver_def(saver_def, export_scope)
    meta = MetaGraphDict(format=META_FORMAT, version=VERSION, graph_def=gd)
    if meta_info_def is not None:
        meta["meta_info_def"] = dict(meta_info_def)
    if saver_def is not None:
        meta["saver_def"] = dict(saver_def)
    if filename:
        _write_json(meta, os.fspath(filename))
    return meta


# ---- decoding (graphdef_import.py rebuilds graphs with it) --------------------------------
def _decode(enc, ref):
    """The value of [tag, payload]; ref(tag, payload) gives rebuilt ops, tensors, graphs."""
    tag, v = enc
    if tag in ("none", "bool", "int", "str"):
        return v
    if tag in ("tuple", "list"):
        items = [_decode(x, ref) for x in v]
        return tuple(items) if tag == "tuple" else items
    if tag in ("tensor", "op", "graph"):
        return ref(tag, v)
    if tag == "iterator":                           # a tf.data iterator's handle
        if "same_as" in v:
            return _decode(v["same_as"], ref).attrs["handle"]
        from ..data.graph_codec import decode_handle
        return decode_handle(v, lambda x: _decode(x, ref))
    if tag == "saver":
        from ..train.saver import saver_from_def
        return saver_from_def(v, lambda name: ref("tensor", name))
    if tag == "queue_runner":
        from ..train.queue_runner import queue_runner_from_def
        return queue_runner_from_def(v, lambda name: ref("op", name))
    decode = {"float": float, "dtype": dtypes.as_dtype, "array": _array,
              "bytes": base64.b64decode,
              "shape": lambda d: TensorShape(None if d is None else tuple(d)),
              "const": lambda p: ConstValue(_array(p), fresh=True),
              "scalar": lambda p: _array(p)[()]}.get(tag)
    if decode is None:
        raise SerializationError(f"unknown value tag {tag!r} (payload {v!r})")
    return decode(v)


# import_graph_def and import_meta_graph live in graphdef_import.py, which imports this
# module (the format); importing it here at load time would make a cycle.


# the way back, in a module of its own (it imports this one's codec: imported last here)
from .graphdef_import import import_graph_def, import_meta_graph  # noqa: E402
