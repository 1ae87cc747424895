"""TF1's tf.graph_util on graphc's graph_defs (the JSON-able dicts of
graph.as_graph_def()): freezing a trained graph for inference.

    frozen = gc.graph_util.convert_variables_to_constants(
        sess, sess.graph.as_graph_def(), ["probabilities"])
    with gc.Graph().as_default():
        probs, = gc.import_graph_def(frozen, return_elements=["probabilities:0"], name="")
"""
import copy

from . import dtypes
from .io.serialize import GraphDefDict, _array_payload, import_graph_def  # noqa: F401
from .tf1_misc9 import must_run_on_cpu  # noqa: F401 (TF1 re-export)
from .tf_logging import info

__all__ = ["convert_variables_to_constants", "extract_sub_graph", "remove_training_nodes",
           "tensor_shape_from_node_def_name", "import_graph_def", "must_run_on_cpu"]


def _node_name(ref):
    """'x:1' and '^x' name node 'x'."""
    return ref.lstrip("^").split(":", 1)[0]


def _refs(entry):
    """The names of the nodes an entry reads: inputs, control inputs, ops in attrs, and a
    gradient node's forward node (its "origin", which importing it refers to)."""
    out = [_node_name(r) for r in entry.get("inputs", ())]
    out += [_node_name(r) for r in entry.get("control_inputs", ())]
    if "origin" in entry:
        out.append(entry["origin"])
    stack = list(entry.get("attrs", {}).values())
    while stack:
        tag, v = stack.pop()
        if tag in ("tensor", "op") and isinstance(v, str):
            out.append(_node_name(v))
        elif tag in ("tuple", "list"):
            stack.extend(v)
    return out


def _check(graph_def, api):
    if not isinstance(graph_def, dict) or "nodes" not in graph_def:
        raise TypeError(f"{api}: graph_def must be a graph_def dict (graph.as_graph_def()), "
                        f"not {type(graph_def).__name__}")


def extract_sub_graph(graph_def, dest_nodes):
    """The graph_def holding only dest_nodes and the nodes they depend on (data and
    control), in the original order; a name not in the graph is an error."""
    _check(graph_def, "extract_sub_graph")
    if isinstance(dest_nodes, str):
        raise TypeError("dest_nodes must be a list of node names, not a string")
    by_name = {e["name"]: e for e in graph_def["nodes"]}
    for name in dest_nodes:
        if name not in by_name:
            raise AssertionError(f"{name} is not in graph")
    keep, stack = set(), list(dest_nodes)
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        stack.extend(r for r in _refs(by_name[name]) if r in by_name)
    out = GraphDefDict((k, v) for k, v in graph_def.items()
                       if k not in ("nodes", "collections"))
    out["nodes"] = [copy.deepcopy(e) for e in graph_def["nodes"] if e["name"] in keep]
    for e in out["nodes"]:      # a variable kept without its initializer (TF1 keeps it so)
        var = e.get("variable", {})
        for k in ("initial_value", "initializer"):
            if var.get(k) is not None and _node_name(var[k]) not in keep:
                var[k] = None
    return out


def convert_variables_to_constants(sess, input_graph_def, output_node_names,
                                   variable_names_whitelist=None,
                                   variable_names_blacklist=None):
    """A graph_def of what output_node_names need, with every variable among it replaced
    by a constant holding its value in sess (TF1's freezing). Initializers, optimizer
    slots and other nodes the outputs do not need are left out, as are collections (a
    GraphDef has none). As in TF1, the readers of a frozen variable `w` read it through
    an Identity node 'w/read' (where the graph_def has no such node yet)."""
    sub = extract_sub_graph(input_graph_def, output_node_names)
    frozen = []
    for e in sub["nodes"]:
        if e["op"] != "VariableV2":
            continue
        name = e["name"]
        if variable_names_whitelist is not None and name not in variable_names_whitelist:
            continue
        if variable_names_blacklist is not None and name in variable_names_blacklist:
            continue
        value = sess.run(sess.graph.get_tensor_by_name(name + ":0"))
        dtype = dtypes.as_dtype(e["attrs"]["dtype"][1])
        e.clear()
        e.update({"name": name, "op": "Const", "inputs": [],
                  "attrs": {"value": ["const", _array_payload(value.astype(dtype.np))],
                            "dtype": ["dtype", dtype.name]},
                  "outputs": [[list(value.shape), dtype.name]]})
        frozen.append(e)
    _add_reads(sub, frozen)
    info("Froze %d variables.", len(frozen))
    info("Converted %d variables to const ops.", len(frozen))
    return sub


def _add_reads(graph_def, consts):
    """Each Const of consts that nodes read gets TF1's Identity '<name>/read' right after
    it, and they read that instead."""
    names = {e["name"] for e in graph_def["nodes"]}
    read = {c["name"] + ":0" for c in consts if c["name"] + "/read" not in names}
    used = set()
    for e in graph_def["nodes"]:
        used.update(r for r in e["inputs"] if r in read)
        e["inputs"] = [r[:-2] + "/read:0" if r in read else r for r in e["inputs"]]
    nodes = []
    for e in graph_def["nodes"]:
        nodes.append(e)
        if e["name"] + ":0" in used:
            nodes.append({"name": e["name"] + "/read", "op": "Identity",
                          "inputs": [e["name"] + ":0"],
                          "outputs": copy.deepcopy(e["outputs"])})
    graph_def["nodes"] = nodes


def remove_training_nodes(input_graph, protected_nodes=None):
    """input_graph without its Identity and CheckNumerics nodes (not protected ones), each
    reader rewired to the node's input (TF1's cleanup before inference)."""
    _check(input_graph, "remove_training_nodes")
    protected = set(protected_nodes or ())
    skip = {}
    for e in input_graph["nodes"]:
        if e["op"] in ("Identity", "CheckNumerics") and e["name"] not in protected \
                and len(e.get("inputs", ())) == 1 and not e.get("control_inputs"):
            skip[e["name"]] = e["inputs"][0]

    def resolve(ref):
        seen = set()
        while _node_name(ref) in skip and not ref.startswith("^") and ref not in seen:
            seen.add(ref)
            ref = skip[_node_name(ref)]
        return ref
    out = GraphDefDict((k, v) for k, v in input_graph.items() if k != "nodes")
    out["nodes"] = []
    for e in input_graph["nodes"]:
        if e["name"] in skip:
            continue
        e = copy.deepcopy(e)
        e["inputs"] = [resolve(r) for r in e.get("inputs", ())]
        out["nodes"].append(e)
    out.pop("collections", None)
    return out


def tensor_shape_from_node_def_name(graph, input_name):
    """The static shape of tensor input_name ('x' means 'x:0') of graph."""
    if ":" not in input_name:
        input_name += ":0"
    return graph.get_tensor_by_name(input_name).shape

