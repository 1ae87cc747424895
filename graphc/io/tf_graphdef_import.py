"""TensorFlow GraphDefs (a frozen `.pb`) rebuilt as graphc graphs: what
gc.import_graph_def does when given a gc.GraphDef (or a TF GraphDef object).

    gd = gc.GraphDef.FromString(open("frozen.pb", "rb").read())
    probs, = gc.import_graph_def(gd, return_elements=["softmax:0"])

Each node is built through graphc's public functions, in topological order (Kahn's
algorithm: no recursion), by the op table of tf_graphdef_ops.py / tf_graphdef_nn.py.
Node names keep TF's form under the import scope ("import/conv1/Conv2D:0"); an op that
graphc builds from several nodes ends in an Identity carrying the TF name. Input
dtypes are checked against the node's type attrs (TF's "Input 0 of node ... was
passed"), every attr must be honoured (or the node is refused, by name), and an
unknown op is reported with all the others of the graph at once. See
docs/tf-graphdef.md.
"""
import contextlib

from .. import dtypes, errors
from ..compiler.pipeline import no_cyclic_gc
from ..graph import Tensor, get_default_graph
from .serialize import SerializationError
from .tf_graphdef import GraphDef
from .tf_graphdef_function import OPS as _CALL_OPS
from .tf_graphdef_import_grads import OPS as _GRAD_OPS
from .tf_graphdef_import_more import OPS as _MORE_OPS
from .tf_graphdef_import_more3 import OPS as _MORE3_OPS
from .tf_graphdef_import_more4 import OPS as _MORE4_OPS
from .tf_graphdef_import_more5 import OPS as _MORE5_OPS
from .tf_graphdef_import_more6 import OPS as _MORE6_OPS
from .tf_graphdef_lookup import OPS as _LOOKUP_OPS
from .tf_graphdef_misc_ops import OPS as _MISC_OPS
from .tf_graphdef_parsing import OPS as _PARSING_OPS
from .tf_graphdef_queues import OPS as _QUEUE_OPS
from .tf_graphdef_resource import OPS as _RESOURCE_OPS
from .tf_graphdef_scale import OPS as _SCALE_OPS
from .tf_graphdef_sparse import OPS as _SPARSE_OPS
from .tf_graphdef_strings import OPS as _STRING_OPS
from .tf_graphdef_strops import OPS as _STROPS_OPS
from .tf_graphdef_summary import OPS as _SUMMARY_OPS
from .tf_graphdef_tensorarray import OPS as _TENSOR_ARRAY_OPS
from .tf_graphdef_nn import NN_OPS
from .tf_graphdef_ops import OPS as _BASE_OPS

__all__ = ["import_tf_graph_def", "is_tf_graph_def", "tf_dtype", "tf_datatype", "OPS",
           "UnsupportedOpError"]

OPS = {**_BASE_OPS, **NN_OPS, **_MORE_OPS, **_GRAD_OPS, **_MORE3_OPS, **_CALL_OPS,
       **_MORE4_OPS, **_RESOURCE_OPS, **_TENSOR_ARRAY_OPS, **_STRING_OPS, **_LOOKUP_OPS,
       **_PARSING_OPS, **_STROPS_OPS, **_SPARSE_OPS,
       **_SUMMARY_OPS, **_QUEUE_OPS, **_MISC_OPS, **_MORE5_OPS, **_MORE6_OPS, **_SCALE_OPS}

# DataType numbers (types.proto) of the dtypes graphc has
_DTYPE_OF = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
             7: "string", 8: "complex64", 9: "int64", 10: "bool", 17: "uint16",
             18: "complex128", 19: "float16", 22: "uint32", 23: "uint64"}
_CONTROL_FLOW = {"Enter", "Exit", "Merge", "Switch", "NextIteration", "LoopCond",
                 "RefEnter", "RefExit", "RefMerge", "RefSwitch", "RefNextIteration"}
_V1_FLOW = {"Enter", "Exit", "Merge", "Switch", "RefSwitch", "NextIteration", "LoopCond"}
_V1_LOOP_GRADIENT = {"StackV2", "StackPushV2", "StackPopV2", "TensorArrayGradV3",
                     "ControlTrigger"}
_REQUIRED = object()


class OpaqueType:
    """DT_RESOURCE / DT_VARIANT in a type attr: graphc carries such a handle as the
    tensor it stands for (a TensorArray or TensorList: its buffer), whatever its dtype,
    so the type checks let any tensor pass (tf_graphdef_tensorarray.py)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<TF {self.name} type>"


OPAQUE = {20: OpaqueType("resource"), 21: OpaqueType("variant")}


class UnsupportedOpError(SerializationError):
    """A GraphDef node whose op or attrs graphc cannot import."""


class InputTypeError(errors.DTypeError, ValueError):
    """An input of a node with another dtype than its type attr says (TF1 raises a
    ValueError, graphc's dtype errors are TypeErrors: this is both)."""


def is_tf_graph_def(obj):
    """True for a gc.GraphDef or a TensorFlow GraphDef protobuf object."""
    return isinstance(obj, GraphDef) or (type(obj).__name__ == "GraphDef"
                                         and hasattr(obj, "SerializeToString"))


def tf_dtype(num, where):
    """The graphc dtype of a TF DataType number."""
    name = _DTYPE_OF.get(int(num))
    if name is None:
        kind = "a reference (non-frozen variable) type" if num > 100 else "a type"
        raise UnsupportedOpError(f"{where}: DataType {num} is {kind} graphc does not have")
    return dtypes.as_dtype(name)


def tf_datatype(dtype):
    """The TF DataType number of a graphc dtype (gc.float32 -> 1)."""
    name = dtypes.as_dtype(dtype).name
    return next(num for num, n in _DTYPE_OF.items() if n == name)


def _split_input(s):
    """'x' -> ('x', 0), 'x:1' -> ('x', 1), '^x' -> ('x', None) (control input)."""
    if s.startswith("^"):
        return s[1:], None
    name, sep, index = s.rpartition(":")
    return (name, int(index)) if sep and index.isdigit() else (s, 0)


class Node:
    """One NodeDef while it is built: its attrs (decoded), names, and errors."""

    def __init__(self, nd, prefix, taken):
        self.nd, self.op, self.full = nd, nd.op, prefix + nd.name
        # the final op takes the TF name exactly ("prefix/name/" is absolute) and inner
        # ops go under "prefix/name/", unless a node of the graph already has the name:
        # then it is made unique in the import scope, as TF1 does
        self.name = nd.name if taken else self.full + "/"
        self.scope = prefix if taken else self.full + "/"
        self.used = set()
        self.library = {}       # function name -> FunctionDef (the GraphDef's library)

    def sub(self, what):
        """The name of an inner op of this node's mapping (built in scope "name/")."""
        return what

    def fail(self, msg, cls=UnsupportedOpError):
        return cls(f"{self.op} node '{self.nd.name}': {msg}")

    def attr(self, key, default=_REQUIRED):
        """The attr's value (str, int, float, bool, dtype, dims, ndarray or list)."""
        self.used.add(key)
        if key not in self.nd.attr:
            if default is _REQUIRED:
                default = _registry_default(self.op, key)
                if default is _REQUIRED:
                    raise self.fail(f"has no attr '{key}'", SerializationError)
            return default
        return self.decode(key, self.nd.attr[key])

    def decode(self, key, v):
        which = v.WhichOneof("value")
        where = f"{self.op} node '{self.nd.name}' attr '{key}'"
        if which == "s":
            return v.s.decode("utf-8", "replace")
        if which in ("i", "f", "b"):
            return getattr(v, which)
        if which == "type":
            return OPAQUE.get(v.type) or tf_dtype(v.type, where)
        if which == "shape":
            return _dims(v.shape)
        if which == "tensor":           # every encoding TF writes (make_ndarray's reader)
            from ..ops.parsing_misc import _DT_OF, parse_tensor_proto
            name = _DT_OF.get(v.tensor.dtype)
            if name is None:
                raise UnsupportedOpError(f"{where}: a TensorProto of a dtype graphc does "
                                         f"not read ({v.tensor.dtype})")
            return parse_tensor_proto(v.tensor.SerializeToString(), dtypes.as_dtype(name))
        if which == "list":
            lv = v.list
            if lv.s:
                return [s.decode("utf-8", "replace") for s in lv.s]
            if lv.type:
                return [OPAQUE.get(t) or tf_dtype(t, where) for t in lv.type]
            if lv.shape:
                return [_dims(s) for s in lv.shape]
            return list(lv.i or lv.f or lv.b)
        if which is None:
            return []                       # an empty list attr
        raise self.fail(f"attr '{key}' holds a {which}, which graphc does not import")

    def static(self, t, what):
        """The value of input t, which this mapping needs when the graph is built."""
        from ..ops.tensor_utils import get_static_value
        v = get_static_value(t)
        if v is None:
            raise self.fail(f"input '{what}' ({t.name}) must be known when the graph is "
                            "built (a Const), as graphc's op takes it as a static value")
        return v


def _dims(shape):
    """A TensorShapeProto as graphc dims: None for unknown rank, None for -1 sizes."""
    if shape.unknown_rank:
        return None
    return [d.size if d.size >= 0 else None for d in shape.dim]


def _check_types(node, spec, tensors, kind):
    """The input (or output) dtypes agree with the node's type attrs: spec is "T",
    "N*T" (N of type T), "*T" (a list(type) attr) or "=int32" (fixed), "?" (any)."""
    want = []
    for s in spec:
        if s == "?":
            want.append(None)
        elif s.startswith("="):
            want.append(dtypes.as_dtype(s[1:]))
        elif s.startswith("*"):
            want.extend(node.attr(s[1:], [None] * len(tensors)))
        elif "*" in s:
            count, t = s.split("*")
            fixed = len(spec) - 1       # the other entries of spec are single tensors
            d = dtypes.as_dtype(t[1:]) if t.startswith("=") else node.attr(t, None)
            want.extend([d] * node.attr(count, len(tensors) - fixed))
        else:               # a type attr left out (stripped defaults): not checked
            want.append(node.attr(s, None))
    if kind == "output" and len(tensors) != len(want):
        raise node.fail(f"graphc built {len(tensors)} outputs, TF has {len(want)}",
                        SerializationError)
    if kind == "input" and len(tensors) != len(want):
        raise node.fail(f"has {len(tensors)} inputs, the op takes {len(want)}",
                        SerializationError)
    for i, (t, d) in enumerate(zip(tensors, want)):
        if d is not None and not isinstance(d, OpaqueType) and t.dtype != d:
            if kind == "input":     # TF's import error
                tf_name = {"float32": "float", "float64": "double", "float16": "half"}
                raise InputTypeError(
                    f"Input {i} of node {node.full} was passed "
                    f"{tf_name.get(t.dtype.name, t.dtype.name)} from {t.name} incompatible "
                    f"with expected {tf_name.get(d.name, d.name)}.")
            raise node.fail(f"output {i} is {t.dtype.name} in graphc, {d.name} in TF",
                            SerializationError)


def kahn_order(users, pending):
    """Positions 0..n-1 in an order where each comes after those it waits for (Kahn's
    algorithm, no recursion): users[i] lists who waits for i, pending[j] counts what j
    waits for (used up). Shorter than n where there is a cycle."""
    ready = [i for i in range(len(users)) if pending[i] == 0][::-1]
    order = []
    while ready:
        i = ready.pop()
        order.append(i)
        for j in reversed(users[i]):
            pending[j] -= 1
            if pending[j] == 0:
                ready.append(j)
    return order


def _topological(nodes):
    """The NodeDefs in an order where each comes after its inputs (Kahn's algorithm),
    with their parsed inputs; a cycle (a TF1 while loop) is an error."""
    index = {nd.name: i for i, nd in enumerate(nodes)}
    parsed, users = [], [[] for _ in nodes]
    pending = [0] * len(nodes)
    for i, nd in enumerate(nodes):
        ins = [_split_input(s) for s in nd.input]
        for src, _ in ins:
            j = index.get(src)
            if j is None:
                raise SerializationError(f"Node '{nd.name}': Unknown input node '{src}'")
            users[j].append(i)
            pending[i] += 1
        parsed.append(ins)
    order = kahn_order(users, pending)
    if len(order) != len(nodes):
        stuck = [nodes[i].name for i in range(len(nodes)) if pending[i]][:5]
        raise SerializationError(f"the GraphDef has a cycle (a TF1 while loop?) through "
                                 f"{stuck}; graphc cannot import it")
    return [(nodes[i], parsed[i]) for i in order]


class UnregisteredOpError(UnsupportedOpError, errors.NotFoundError):
    """GraphDef nodes of op types graphc does not know: an UnsupportedOpError, and the
    NotFoundError TF raises for an op type not registered in its binary."""


def _unsupported(nodes):
    lifted = {}
    if any(nd.op in _V1_LOOP_GRADIENT for nd in nodes) and \
            any(nd.op in _V1_FLOW for nd in nodes):     # what build_v1_flow will build
        from .tf_graphdef_v1grad import lift_loop_gradients
        nodes, lifted = lift_loop_gradients(nodes)
    bad = {}
    for nd in nodes:
        if nd.op not in OPS and nd.op not in _V1_FLOW and nd.name not in lifted:
            bad.setdefault(nd.op, []).append(nd.name)
    if not bad:
        return
    lines = [f"  {op}: {', '.join(repr(n) for n in names[:5])}"
             + (f" and {len(names) - 5} more" if len(names) > 5 else "")
             for op, names in sorted(bad.items())]
    hint = ""
    if bad.keys() & _CONTROL_FLOW:
        hint += "\nTF1 control flow on reference (non-frozen) variables is not imported " \
                "beyond a cond's RefSwitch; freeze the graph first " \
                "(convert_variables_to_constants)."
    if bad.keys() & _V1_LOOP_GRADIENT:
        hint += "\nTF's gradient of a TF1 while loop (tf.gradients through tf.while_loop " \
                "or dynamic_rnn) is imported by dropping its backward loop (StackV2, " \
                "StackPushV2, StackPopV2, ControlTrigger) for graphc's own gradient of the " \
                "forward loop, when every stack is popped only in a backward loop that " \
                "graphc pairs with its forward loop (a frame named '<gradients scope>/' + " \
                "the forward frame, its counter entering from the forward loop's Exit) and " \
                "TensorArrayGradV3 is in a graph with TF1 control flow; otherwise import " \
                "the forward graph and take graphc's gradients of it (gc.gradients)."
    raise UnregisteredOpError("the GraphDef has ops graphc does not import (TF: Op type "
                              "not registered):\n" + "\n".join(lines) + hint)


def _input_map(input_map, by_name, graph):
    out = {}
    missing = []
    for key, t in (input_map or {}).items():
        if key.startswith("^"):
            raise SerializationError(f"input_map: control input '{key}' cannot be mapped "
                                     "by graphc")
        name, i = _split_input(key)
        if name not in by_name:
            missing.append(key)
            continue
        if not isinstance(t, Tensor) or t.graph is not graph:
            raise TypeError(f"input_map['{key}'] must be a Tensor of the graph being "
                            f"imported into, got {t!r}")
        out[(name, i)] = t
    if missing:
        raise ValueError("Attempted to map inputs that were not found in graph_def: "
                         f"[{', '.join(missing)}]")
    return out


def _wrap(node, outs):
    """Give the outputs the TF name when graphc's mapping built them under other names
    or in another order (a parse node's, by feature where TF's are by kind): one output
    through an Identity, several through one IdentityN, so "name:k" is output k as in
    TF."""
    if not outs or not node.name.endswith("/") or (
            all(t.node.name == node.full for t in outs)
            and all(t.index == k or t.index < k for k, t in enumerate(outs))):
        return outs         # (a repeat of an earlier output: a TensorArray's flow)
    if len(outs) == 1:
        from ..ops.core import identity
        return [identity(outs[0], name=node.name)]
    for t in outs:      # a mapping named one of several outputs as the node: the
        if t.node.name == node.full:        # IdentityN of them all takes that name
            t.graph._rename(t.node, node.full + "_out")
    from ..ops.array_extra import identity_n
    return identity_n(outs, name=node.name)


def _registry_default(op, key):
    """TF's default of attr `key` of op `op` (its registry's, tf_raw_op_defs.py): TF 2
    leaves default-valued attrs out of the NodeDefs of its functions (Range's Tidx)."""
    from .tf_raw_op_defs import RAW_OP_DEFS
    entry = RAW_OP_DEFS.get(op)
    for spec in entry[3] if entry else ():
        if spec[0].rpartition("=")[2] == key and len(spec) == 5:
            value = spec[4]
            if spec[1] == "type":
                return dtypes.as_dtype(value)
            if spec[1] == "list(type)":
                return [dtypes.as_dtype(v) for v in value]
            return value
    return _REQUIRED


def _live_reads(node, inputs):
    """inputs, each ref variable's value read when the node runs: in TF1 a variable's
    `read` Identity aliases its buffer, so a node waiting for an update by a control
    edge (ExponentialMovingAverage.apply under control_dependencies([train_op])) reads
    the updated value; graphc reads variables once per run, so such a node gets a read
    of its own after its control inputs. Ops taking a ref or resource input (Assign,
    Apply*, ReadVariableOp...) keep theirs."""
    from ..ops.registry import apply
    from ..ops.state import READ_LIVE
    from .tf_raw_op_defs import RAW_OP_DEFS
    entry = RAW_OP_DEFS.get(node.op)
    if entry is None or "&" in entry[1] or "=resource" in entry[1]:
        return inputs                   # (a ref or a resource handle input: the variable)
    out = list(inputs)
    for i, t in enumerate(inputs):
        src = t.node
        while src.type == "Identity" and src.inputs:
            src = src.inputs[0].node
        if src.op.name == "VariableV2" and not getattr(src, "tf_resource", False):
            base = node.nd.name.rpartition("/")[2]          # (in the node's scope)
            out[i] = apply(READ_LIVE, (t,), name=f"{base}_read_{i}", var=src).outputs[0]
    return out


def _build(node, inputs, controls, graph):
    ins_spec, outs_spec, build = OPS[node.op]
    _check_types(node, ins_spec, inputs, "input")
    with graph.control_dependencies(controls) if controls else contextlib.nullcontext(), \
            graph.name_scope(node.scope or None):
        if controls:
            inputs = _live_reads(node, inputs)
        try:
            result = build(node, *inputs)
        except UnsupportedOpError:
            raise
        except (errors.GraphcError, TypeError, ValueError) as err:
            try:
                named = type(err)(f"{err}\n  while importing {node.op} node "
                                  f"'{node.nd.name}'")
            except Exception:               # an error class with other arguments
                raise err from None
            raise named from None
        if isinstance(result, Tensor):
            outs = [result]
        elif isinstance(result, (tuple, list)):
            outs = list(result)
        else:
            outs = []                           # an op without outputs (NoOp)
        outs = _wrap(node, outs)
    _check_types(node, outs_spec, outs, "output")
    ignored = {k for k in node.nd.attr if not k.startswith("_")} - node.used
    if ignored:
        raise node.fail(f"attrs {sorted(ignored)} are not supported by graphc's importer")
    op = result if not outs else outs[0].node
    return op, outs


def build_node(nd, inputs, controls, graph, prefix, names, library):
    """Build NodeDef nd on its resolved inputs in graph, under import scope prefix;
    names (the graph's node names) grows by the nodes built. (op, outputs)."""
    node = Node(nd, prefix, prefix + nd.name in names)
    node.library = library
    before = len(graph.nodes)
    built = _build(node, inputs, controls, graph)
    for gnode in graph.nodes[before:]:
        names.add(gnode.name)
        if nd.device:
            gnode.device = nd.device
    wanted = VARIABLES_WANTED[-1] if VARIABLES_WANTED else None
    if wanted is not None and nd.name in wanted and built[1] and \
            built[1][0].node.op.name == "VariableV2":
        from .graphdef_import import as_variable        # (it imports this module)
        as_variable(built[1][0].node, wanted[nd.name])
        built = (built[0], [t.node.outputs[t.index] for t in built[1]])
    return built


# TF node name -> trainable, of the variables a TF .meta's VariableDefs name, while
# tf_meta_graph.py imports its GraphDef: their nodes become gc.Variables when built
VARIABLES_WANTED = []


def import_tf_graph_def(graph_def, input_map=None, return_elements=None, name="import",
                        op_dict=None, producer_op_list=None):
    """Import a TF GraphDef (gc.GraphDef, or TF's) into the default graph under name
    scope `name`; returns the ops ("name") and tensors ("name:0") of return_elements,
    or None (TF1 tf.import_graph_def).

        x = gc.placeholder(gc.float32, (None, 28, 28, 1))
        logits, = gc.import_graph_def(gd, {"input:0": x}, ["logits:0"])
    """
    del op_dict                                 # deprecated and unused in TF1 too
    if producer_op_list is not None:
        raise ValueError("import_graph_def: producer_op_list is not supported by graphc "
                         "(it strips default attrs using TF's OpDefs)")
    if not isinstance(graph_def, GraphDef):
        graph_def = GraphDef.FromString(graph_def.SerializeToString())
    graph = get_default_graph()
    nodes = list(graph_def.node)
    by_name = {}
    for nd in nodes:
        if nd.name in by_name:
            raise SerializationError(f"the GraphDef has two nodes named '{nd.name}'")
        by_name[nd.name] = nd
    mapped = _input_map(input_map, by_name, graph)
    _unsupported(nodes)
    library = {f.signature.name: f for f in graph_def.library.function}
    built = {}                  # TF name -> (op, [tensors])
    names = {gnode.name for gnode in graph.nodes}
    with graph.control_dependencies(None), no_cyclic_gc(), \
            graph.name_scope("import" if name is None else name) as prefix:
        order = []
        if any(nd.op in _V1_FLOW for nd in nodes):     # TF1 cond/while: Switch, Enter...
            from .tf_graphdef_v1flow import build_v1_flow
            built = build_v1_flow(nodes, mapped, graph, prefix, names, library)
        else:
            order = _topological(nodes)
        for nd, parsed in order:
            inputs, controls = [], []
            for src, i in parsed:
                if i is None:
                    controls.append(built[src][0])
                    continue
                t = mapped.get((src, i))
                if t is None:
                    outs = built[src][1]
                    if i >= len(outs):
                        raise SerializationError(
                            f"Node '{nd.name}': input '{src}:{i}' is out of range: "
                            f"{src} has {len(outs)} outputs")
                    t = outs[i]
                inputs.append(t)
            built[nd.name] = build_node(nd, inputs, controls, graph, prefix, names, library)
    unused = [f"{src}:{i}" for src, i in mapped if i >= len(built[src][1])]
    if unused:
        raise ValueError("Attempted to map inputs that were not found in graph_def: "
                         f"[{', '.join(unused)}]")
    if return_elements is None:
        return None
    out = []
    for r in return_elements:
        src, i = _split_input(r) if ":" in r else (r, None)
        if src in getattr(built, "dead", {}):       # inside a TF1 cond branch or loop
            raise ValueError(f"Requested return '{r}': {built.dead[src]}")
        if src not in built:
            kind = "tensor" if ":" in r else "node"
            raise ValueError(f"Requested return {kind} '{r}' not found in graph def")
        if i is not None and i >= len(built[src][1]):
            raise ValueError(f"Invalid return output {i} of node '{src}', which has "
                             f"{len(built[src][1])} output(s)")
        out.append(built[src][0] if i is None else
                   mapped.get((src, i), built[src][1][i]))
    return out

