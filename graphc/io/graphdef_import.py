"""Graphs rebuilt from JSON graph_defs and meta graphs (TF1: import_graph_def,
import_meta_graph); the format itself is serialize.py's.

    with gc.Graph().as_default():
        y, = gc.import_graph_def("/tmp/model/graph.json", return_elements=["y:0"])

Import rebuilds each node through `registry.apply`, in creation order, so shapes and
dtypes are inferred again, and checks them against the recorded ones. Variables come
back as gc.Variables, collections and cond branch graphs (FuncGraphs) with them. Both
functions are importable from graphc.io.serialize as well. See docs/serialization.md.
"""
import json
import os

from .. import errors
from ..compiler.pipeline import no_cyclic_gc
from ..graph import Tensor, get_default_graph
from ..ops.registry import REGISTRY, apply
from ..ops.state import Variable
from ..saved_model.meta_graph import UNBOUND, UNBOUND_KEY
from ..shapes import TensorShape
from .serialize import FORMAT, META_FORMAT, VERSION, SerializationError, _decode

__all__ = ["import_graph_def", "import_meta_graph"]


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
    if _merge_dims(t.shape._dims, dims) is False:
        return f"shape {t.shape}, not {TensorShape(None if dims is None else tuple(dims))}"
    return None


class _Importer:
    """Rebuilds the nodes of one graph_def (or branch graph), in creation order."""

    def __init__(self, graph, gd, where, prefix, functions, funcs, input_map=None):
        self.graph, self.gd, self.where, self.prefix = graph, gd, where, prefix
        self.functions, self.funcs = functions, funcs    # specs; index -> _Importer
        self.root = self            # the main graph's importer (-1 in a reference)
        self.nodes = {}             # name in the graph_def -> rebuilt Node
        self.variables = {}         # rebuilt Variable -> initializer name
        self.input_map = {}
        entries = {e["name"]: e for e in gd["nodes"]} if input_map else {}
        for key, t in (input_map or {}).items():
            name, i = _tensor_ref(key)
            if name.lstrip("^").startswith(UNBOUND):   # export_scope's (import_meta_graph
                self.input_map[name if name[0] == "^" else f"{name}:{i}"] = t   # checks)
                continue
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
                # TF1: a ValueError either way
                cls = errors.DTypeValueError if why.startswith("dtype") else errors.ShapeError
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
            if name[0] == -1:       # of the main graph (a variable a branch reads)
                return self.root.ref(tag, name[1])
            return self.func(name[0]).ref(tag, name[1])
        if name.lstrip("^").startswith(UNBOUND):       # outside an export_scope
            key = name if tag == "op" else "%s:%d" % _tensor_ref(name)
            return self.root.input_map[key]
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
            sub.root = self.root
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
                v = _decode(v, self.ref)    # TF1 keeps a str as bytes (a bytes_list)
                self.graph.add_to_collection(key, v.encode() if isinstance(v, str) else v)

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
        node.device = e.get("device", "")
        if "role" in e:
            node.role = e["role"]
            node.origin = self.ref("op", e["origin"]) if "origin" in e else None
        if "gradient_override" in e:
            self.graph._node_grad_override[node] = e["gradient_override"]
        self.check(node, e)
        return node

    def wrap_variable(self, node, info):
        """The rebuilt VariableV2 node's output as the gc.Variable it was."""
        var = as_variable(node, info["trainable"])
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
                    t.shape._dims is None if dims is None else t.shape._dims == tuple(dims)):
                continue                        # the common case: rebuilt as recorded
            why = _misfit(t, dims, dtype_name)
            if why is not None:
                raise SerializationError(
                    f"{e['op']} '{e['name']}': output {t.index} rebuilds with {why} as "
                    "recorded in the graph_def (a graph_def edited by hand, or ops that "
                    "changed since it was written)")
            t.shape = TensorShape(_merge_dims(t.shape._dims, dims))


def as_variable(node, trainable):
    """A rebuilt VariableV2 node's output made a gc.Variable (before anything reads it):
    its initial value and initializer are the caller's to set."""
    from ..ops.variable_creator import resolve_sync
    out = node.outputs[0]
    var = Variable.__new__(Variable)
    Tensor.__init__(var, node, 0, out.shape, out.dtype)
    node.outputs = (var,)
    var.trainable = trainable
    var.constraint = None                       # a Python callable is not saved
    var.synchronization, var.aggregation, _ = resolve_sync(None, None, True, node.name)
    var._done = True
    var.initial_value = var.initializer = None
    return var


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
        try:
            with open(source, encoding="utf-8") as f, no_cyclic_gc():
                obj = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise SerializationError(
                f"{source} is not a graphc graph file (graphc writes JSON; {e}). A "
                "TensorFlow .pb holds protobuf: graphc imports a TensorFlow GraphDef "
                "with gc.import_graph_def(gc.GraphDef.FromString(data)), TensorFlow's "
                ".meta files with gc.train.import_meta_graph, and reads TensorFlow "
                "checkpoints with gc.train.load_checkpoint") from None
    _check_format(obj, fmt)
    return obj, source


def import_graph_def(graph_def, input_map=None, return_elements=None, name="import",
                     op_dict=None, producer_op_list=None):
    """Import a graph_def (a dict, or the path of a JSON file; a path of TF's .pb or
    text-format .pbtxt GraphDef imports through the TF importer) into the default graph,
    its names under name scope `name` ("" for none); returns the elements named in
    `return_elements` ("op" or "tensor:0") or None (TF1 semantics).

        x = gc.placeholder(gc.float32, (None, 3))
        y, = gc.import_graph_def(gd, input_map={"x:0": x}, return_elements=["y:0"])

    input_map replaces tensors of the graph_def ("name:0") with tensors of the default
    graph of compatible shape and the same dtype. Unlike TF1, the collections come too:
    imported variables are gc.Variables in "variables", initialized by
    global_variables_initializer.
    """
    from .tf_graphdef_import import import_tf_graph_def, is_tf_graph_def
    if isinstance(graph_def, (str, os.PathLike)):
        tf_gd = _tf_graph_def_file(graph_def)
        if tf_gd is not None:
            graph_def = tf_gd
    if is_tf_graph_def(graph_def):          # TF's protobuf GraphDef (a frozen .pb)
        return import_tf_graph_def(graph_def, input_map, return_elements, name, op_dict,
                                   producer_op_list)
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


def _tf_graph_def_file(path):
    """The TF GraphDef in file `path` (a .pb, or a .pbtxt in text format), or None for
    graphc's JSON."""
    with open(path, "rb") as f:
        if f.read(4096).lstrip()[:1] == b"{":
            return None             # (graphc's JSON: _load reads it, once)
        f.seek(0)
        data = f.read()
    from .tf_graphdef import GraphDef
    from .tf_graphdef_text_read import looks_like_graph_def_text, parse_graph_def_text
    if looks_like_graph_def_text(data):
        return parse_graph_def_text(data)
    try:
        return GraphDef.FromString(data)
    except Exception:           # (neither: _load's message says what graphc reads)
        return None


def _bind(gd, input_map):
    """gd without its collection of unbound inputs (an export_scope's), which
    input_map must give exactly (TF1's ValueError otherwise)."""
    unbound = [v for _, v in gd["collections"].get(UNBOUND_KEY, ())]
    given = {k for k in input_map or () if k.lstrip("^").startswith(UNBOUND)}
    if sorted(given) != sorted(unbound):
        missing = [n for n in unbound if n not in given]
        what = (f"Graph contains unbound inputs: {','.join(missing)}. Must provide these "
                "inputs through input_map." if missing else
                f"input_map: {sorted(given - set(unbound))} are not unbound inputs of the "
                f"graph (it has {unbound})")
        raise SerializationError(f"import_meta_graph: {what}")
    if not unbound:
        return gd
    return dict(gd, collections={k: v for k, v in gd["collections"].items()
                                 if k != UNBOUND_KEY})


def import_meta_graph(meta_graph_or_file, clear_devices=False, import_scope=None,
                      input_map=None):
    """Import a meta graph (a dict or a file path) into the default graph, its names
    under `import_scope`; returns a gc.train.Saver over its variables, or None if it has
    none (TF1). A TensorFlow `.meta` file (protobuf) imports too (tf_meta_graph.py).

        saver = gc.train.import_meta_graph("ckpt/model-100.meta")
        saver.restore(sess, "ckpt/model-100")
    """
    if isinstance(meta_graph_or_file, (str, os.PathLike)):
        from .tf_meta_graph import import_tf_meta_graph, is_tf_meta_graph_file
        if is_tf_meta_graph_file(meta_graph_or_file):       # TensorFlow's .meta
            return import_tf_meta_graph(meta_graph_or_file, import_scope, input_map)
    meta, source = _load(meta_graph_or_file, META_FORMAT)
    gd = meta["graph_def"]
    _check_format(gd, FORMAT)
    gd = _bind(gd, input_map)
    imp = _import(gd, input_map, import_scope or "", source)
    saver_def = meta.get("saver_def")
    if saver_def is None:           # TF1: a Saver over the imported global variables
        names = [_tensor_ref(ref)[0]
                 for tag, ref in gd["collections"].get("variables", ()) if tag == "tensor"]
        saver_def = {"var_list": {n: n for n in names}}
    if not saver_def["var_list"]:
        return None
    from ..train.saver import saver_from_def    # lazily: train may import io, not vice versa
    # checkpoint keys stay the names the graph was saved with, so a checkpoint of the
    # exported graph restores into the imported one under import_scope
    return saver_from_def(saver_def, lambda name: imp.ref("tensor", name))
