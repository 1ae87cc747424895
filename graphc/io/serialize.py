"""Graphs as JSON (TF1: GraphDef and MetaGraphDef), never pickle.

    gd = gc.get_default_graph().as_graph_def()          # a JSON-able dict
    gc.train.write_graph(gd, "/tmp/model", "graph.json")
    with gc.Graph().as_default():
        y, = gc.import_graph_def("/tmp/model/graph.json", return_elements=["y:0"])

A graph_def holds a format version, one entry per node in creation order (name, op,
input tensors, control inputs, attrs as [type tag, payload], each output's static shape
and dtype, creation site), the graph's collections, and the graphs of cond branches
("functions"). Arrays travel inside the JSON: up to 64 finite values as a list, others
as base64 of `.npy` bytes (np.save/np.load with allow_pickle=False). Import rebuilds
each node through `registry.apply`, so shapes and dtypes are inferred again, and checks
them against the recorded ones. See docs/serialization.md.
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
from ..ops.registry import REGISTRY, apply
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
    if arr.size <= _SMALL and dtype is not None and (
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
    return np.array(payload["values"], dtype=payload["dtype"]).reshape(payload["shape"])


def _dims(shape):
    return None if shape.dims is None else list(shape.dims)


def _is_function(g):
    """A cond branch's graph (ops/control.FuncGraph), which lives inside another."""
    return isinstance(g, Graph) and getattr(g, "outer", None) is not None


# ---- export -------------------------------------------------------------------------------
class _Writer:
    """Encodes one graph and the branch graphs (FuncGraphs) its nodes refer to."""

    def __init__(self, graph):
        self.graph = graph
        self.funcs, self.order = {}, []     # FuncGraph -> its index in self.order

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
            raise _Unserializable(f"{v!r}, which belongs to another graph")
        if _is_function(v):
            return ["graph", self.fid(v)]
        what = "a Python callable" if callable(v) else f"a {t.__name__}"
        raise _Unserializable(f"{what} ({v!r}), which JSON cannot hold")

    def entry(self, node, home):
        op = node.op
        if REGISTRY.get(op.name) is not op:
            raise SerializationError(
                f"cannot serialize {errors.describe_node(node)}: its OpDef {op.name!r} is "
                "not the one in the op registry (ops.registry.register), so no other "
                "process could rebuild it")
        e = {"name": node.name, "op": op.name, "inputs": [t.name for t in node.inputs]}
        if node.control_inputs:
            e["control_inputs"] = [c.name for c in node.control_inputs]
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
            except _Unserializable as err:
                raise SerializationError(f"cannot serialize collection {key!r}: it holds "
                                         f"{err}") from None
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


def graph_to_dict(graph=None):
    """The graph (default: the default graph) as a JSON-able dict (TF1: a GraphDef).

        gd = gc.io.serialize.graph_to_dict(graph)     # or graph.as_graph_def()
        text = json.dumps(gd)

    Raises SerializationError, naming the node, its op and where it was created, for
    what cannot be written faithfully: a callable attr (custom_gradient's grad_fn), an
    OpDef that is not in the registry, a collection holding a Python object.
    """
    graph = get_default_graph() if graph is None else graph
    with no_cyclic_gc():        # ~10 objects a node, all kept: collections would only slow it
        return _Writer(graph).graph_def()


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
    """Write a graph (or a graph_def dict) as JSON to logdir/name; returns the path (TF1).

        gc.train.write_graph(sess.graph, "/tmp/model", "graph.json")

    as_text=True writes one node per line, as_text=False compact JSON: both load alike.
    """
    gd = graph_or_graph_def
    if not isinstance(gd, dict):
        gd = graph_to_dict(gd)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    _write_json(gd, path, as_text)
    return path


def export_meta_graph(filename=None, graph=None, saver=None, clear_devices=False):
    """The graph with its collections, and the names of what `saver` saves, as a dict
    (TF1: a MetaGraphDef), also written to `filename` as JSON if given.

        meta = gc.train.export_meta_graph("/tmp/model/model.meta", saver=saver)

    clear_devices is accepted for TF1 compatibility (graphc places nothing on devices).
    """
    graph = get_default_graph() if graph is None else graph
    meta = {"format": META_FORMAT, "version": VERSION, "graph_def": graph_to_dict(graph)}
    if saver is not None:
        saver.build()                   # its var_list as {checkpoint name: Variable}
        meta["saver_def"] = {"var_list": {k: v.node.name for k, v in saver._var_list.items()}}
    if filename:
        _write_json(meta, os.fspath(filename))
    return meta


# ---- import -------------------------------------------------------------------------------
def _check_format(d, fmt):
    if not isinstance(d, dict) or d.get("format") != fmt:
        raise SerializationError(f"not a {fmt}: expected a dict with format {fmt!r}, got "
                                 f"{type(d).__name__} {str(d)[:60]}")
    if d.get("version") != VERSION:
        raise SerializationError(f"{fmt} version {d.get('version')!r} is not supported "
                                 f"(this graphc reads version {VERSION})")


def _site(e, where):
    """(file, 'line (imported ...)'): the original site, and where it was imported."""
    filename, line = e.get("site") or ("<graph_def>", 0)
    return (filename, f"{str(line).split(' (', 1)[0]} ({where})")


def _tensor_ref(ref):
    op_name, sep, index = ref.rpartition(":")
    return (op_name, int(index)) if sep and index.isdigit() else (ref, 0)


def _merge_dims(have, want):
    """The rebuilt dims refined by the recorded ones, or False where they disagree."""
    if want is None or have is None:
        return have if want is None else tuple(want)
    if len(have) != len(want):
        return False
    out = []
    for a, b in zip(have, want):
        if isinstance(a, int) and isinstance(b, int) and a != b:
            return False
        # a known size wins, then the rebuilt dim, unless that one is unknown
        out.append(b if a is None or isinstance(b, int) and not isinstance(a, int) else a)
    return tuple(out)


def _misfit(t, dims, dtype_name):
    """Why tensor t cannot stand for a recorded output, or None."""
    if t.dtype.name != dtype_name:
        return f"dtype {t.dtype.name}, not {dtype_name}"
    if _merge_dims(t.shape.dims, dims) is False:
        return f"shape {t.shape}, not {TensorShape(None if dims is None else tuple(dims))}"
    return None


class _Importer:
    """Rebuilds the nodes of one graph_def (or branch graph), in creation order."""

    def __init__(self, graph, gd, where, prefix, functions, funcs, input_map=None):
        self.graph, self.gd, self.where, self.prefix = graph, gd, where, prefix
        self.functions, self.funcs = functions, funcs    # specs; index -> _Importer
        self.nodes = {}             # name in the graph_def -> rebuilt Node
        self.variables = {}         # rebuilt Variable -> initializer name
        self.input_map = {}
        entries = {e["name"]: e for e in gd["nodes"]} if input_map else {}
        for key, t in (input_map or {}).items():
            name, i = _tensor_ref(key)
            e = entries.get(name)
            if e is None or i >= len(e["outputs"]):
                raise SerializationError(f"input_map: '{key}' is not a tensor of the "
                                         "graph_def (TF1: Attempted to map inputs that were "
                                         "not found in graph_def)")
            if not isinstance(t, Tensor) or t.graph is not graph:
                raise TypeError(f"input_map['{key}'] must be a Tensor of the graph being "
                                f"imported into, got {t!r}")
            why = _misfit(t, *e["outputs"][i])
            if why is not None:
                cls = errors.DTypeError if why.startswith("dtype") else errors.ShapeError
                raise cls(f"input_map['{key}']: the substitute has {why} as in the "
                          f"graph_def ({e['op']} '{name}', created at "
                          f"{errors.format_site(_site(e, where))})\n"
                          f"  {errors.describe_tensor(t, 'substitute')}")
            self.input_map[f"{name}:{i}"] = t

    def ref(self, tag, name):
        """The rebuilt op or tensor `name` ([index, name] for one of a branch graph)."""
        if tag == "graph":
            return self.func(name).graph
        if isinstance(name, list):
            return self.func(name[0]).ref(tag, name[1])
        op_name, i = _tensor_ref(name) if tag == "tensor" else (name, None)
        node = self.nodes.get(op_name)
        if node is None:
            raise SerializationError(f"'{name}' is used before it is defined in the graph_def")
        return node if i is None else node.outputs[i]

    def input(self, ref):
        """Input tensor `ref` ("name:0"): its input_map substitute, else the rebuilt one."""
        t = self.input_map.get(ref)
        return self.ref("tensor", ref) if t is None else t

    def func(self, index):
        """The branch graph `index`, rebuilt on first use (cond's FuncGraph)."""
        if index not in self.funcs:
            from ..ops.control import FuncGraph
            spec = self.functions[index]
            fg = FuncGraph(self.graph, self.prefix + spec["scope"])
            sub = self.funcs[index] = _Importer(fg, spec, self.where, self.prefix,
                                                self.functions, self.funcs)
            with fg.as_default(), fg.name_scope(self.prefix):
                sub.run()
            fg.outer_control = [self.ref("op", n) for n in spec["outer_control"]]
            fg.captures = {_decode(o, self.ref): _decode(i, sub.ref)
                           for o, i in spec["captures"]}
        return self.funcs[index]

    def run(self):
        for e in self.gd["nodes"]:
            site = _site(e, self.where)
            try:
                node = self.build(e)
            except errors.GraphcError as err:
                raise type(err)(f"{err}\n  while importing {e['op']} '{e['name']}' created "
                                f"at {errors.format_site(site)}") from None
            node.site = site
            self.nodes[e["name"]] = node
        for var, init in self.variables.items():
            var.initializer = self.nodes[init] if init else None
        for key, values in self.gd.get("collections", {}).items():
            for v in values:
                self.graph.add_to_collection(key, _decode(v, self.ref))

    def build(self, e):
        op = REGISTRY.get(e["op"])
        if op is None:
            raise SerializationError(
                f"{e['op']} '{e['name']}': no op {e['op']!r} is registered in this process; "
                "import the module that registers it before importing the graph")
        inputs = [self.input(r) for r in e["inputs"]]
        attrs = {k: _decode(v, self.ref) for k, v in e.get("attrs", {}).items()}
        if "control_inputs" in e:
            with self.graph.control_dependencies(
                    [self.ref("op", c) for c in e["control_inputs"]]):
                node = apply(op, inputs, name=e["name"], **attrs)
        else:
            node = apply(op, inputs, name=e["name"], **attrs)
        if "variable" in e:
            self.wrap_variable(node, e["variable"])
        if "role" in e:
            node.role = e["role"]
            node.origin = self.ref("op", e["origin"]) if "origin" in e else None
        if "gradient_override" in e:
            self.graph._node_grad_override[node] = e["gradient_override"]
        self.check(node, e)
        return node

    def wrap_variable(self, node, info):
        """The rebuilt VariableV2 node's output as the gc.Variable it was."""
        out = node.outputs[0]
        var = Variable.__new__(Variable)
        Tensor.__init__(var, node, 0, out.shape, out.dtype)
        node.outputs = (var,)
        var.trainable = info["trainable"]
        init = info["initial_value"]
        var.initial_value = None if init is None else self.input(init)
        self.variables[var] = info["initializer"]

    def check(self, node, e):
        """The rebuilt outputs agree with the recorded ones (and are refined by them, as
        Tensor.set_shape refined the originals)."""
        recorded = e["outputs"]
        if len(recorded) != len(node.outputs):
            raise SerializationError(f"{e['op']} '{e['name']}' was recorded with "
                                     f"{len(recorded)} outputs but rebuilds with "
                                     f"{len(node.outputs)}")
        for t, (dims, dtype_name) in zip(node.outputs, recorded):
            if t.dtype.name == dtype_name and (
                    t.shape.dims is None if dims is None else t.shape.dims == tuple(dims)):
                continue                        # the common case: rebuilt as recorded
            why = _misfit(t, dims, dtype_name)
            if why is not None:
                raise SerializationError(
                    f"{e['op']} '{e['name']}': output {t.index} rebuilds with {why} as "
                    "recorded in the graph_def (a graph_def edited by hand, or ops that "
                    "changed since it was written)")
            t.shape = TensorShape(_merge_dims(t.shape.dims, dims))


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
    decode = {"float": float, "dtype": dtypes.as_dtype, "array": _array,
              "shape": lambda d: TensorShape(None if d is None else tuple(d)),
              "const": lambda p: ConstValue(_array(p), fresh=True),
              "scalar": lambda p: _array(p)[()]}.get(tag)
    if decode is None:
        raise SerializationError(f"unknown value tag {tag!r} (payload {v!r})")
    return decode(v)


def _import(gd, input_map, name, source):
    graph = get_default_graph()
    here = errors.format_site(errors.user_site())
    where = f"imported from {source} at {here}" if source else f"imported at {here}"
    with graph.control_dependencies(None), no_cyclic_gc(), \
            graph.name_scope("import" if name is None else name) as prefix:
        imp = _Importer(graph, gd, where, prefix, gd.get("functions", []), {}, input_map)
        imp.run()
    return imp


def _load(obj, fmt):
    source = None
    if isinstance(obj, (str, os.PathLike)):
        source = os.fspath(obj)
        with open(source, encoding="utf-8") as f, no_cyclic_gc():
            obj = json.load(f)
    _check_format(obj, fmt)
    return obj, source


def import_graph_def(graph_def, input_map=None, return_elements=None, name="import"):
    """Import a graph_def (a dict, or the path of a JSON file) into the default graph,
    its names under name scope `name` ("" for none); returns the elements named in
    `return_elements` ("op" or "tensor:0") or None (TF1 semantics).

        x = gc.placeholder(gc.float32, (None, 3))
        y, = gc.import_graph_def(gd, input_map={"x:0": x}, return_elements=["y:0"])

    input_map replaces tensors of the graph_def ("name:0") with tensors of the default
    graph of compatible shape and the same dtype. Unlike TF1, the collections come too:
    imported variables are gc.Variables in "variables", initialized by
    global_variables_initializer.
    """
    graph_def, source = _load(graph_def, FORMAT)
    imp = _import(graph_def, input_map, name, source)
    if return_elements is None:
        return None
    out = []
    for r in return_elements:
        try:
            out.append(imp.ref("tensor" if ":" in r else "op", r))
        except SerializationError:
            raise SerializationError(f"return_elements: '{r}' is not in the graph_def "
                                     "(TF1: Requested return_element not found)") from None
    return out


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None,
                      input_map=None):
    """Import a meta graph (a dict or a file path) into the default graph, its names
    under `import_scope`; returns a gc.train.Saver over its variables, or None if it has
    none (TF1).

        saver = gc.train.import_meta_graph("ckpt/model-100.meta")
        saver.restore(sess, "ckpt/model-100")
    """
    meta, source = _load(meta_graph_or_file, META_FORMAT)
    gd = meta["graph_def"]
    _check_format(gd, FORMAT)
    imp = _import(gd, input_map, import_scope or "", source)
    if "saver_def" in meta:
        names = meta["saver_def"]["var_list"]
    else:                   # TF1: a Saver over the imported global variables
        names = {_tensor_ref(ref)[0]: _tensor_ref(ref)[0]
                 for tag, ref in gd["collections"].get("variables", ()) if tag == "tensor"}
    if not names:
        return None
    from ..train.saver import Saver     # lazily: train may import io, not vice versa
    # checkpoint keys stay the names the graph was saved with, so a checkpoint of the
    # exported graph restores into the imported one under import_scope
    return Saver(var_list={k: imp.ref("tensor", v + ":0") for k, v in names.items()})
