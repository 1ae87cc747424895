"""graphc graphs written as TensorFlow GraphDefs: a model built or trained with graphc,
handed to TensorFlow (tf.compat.v1.import_graph_def, TF Serving, TFLite's converter).

    frozen = gc.graph_util.convert_variables_to_constants(
        sess, sess.graph.as_graph_def(), ["probs"])
    gd = gc.io.export_tf_graph_def(frozen)           # a gc.GraphDef (or from a gc.Graph)
    gc.io.write_graph(gd, "/tmp/model", "model.pb", as_text=False)

Each graphc node becomes the NodeDef TF's Python API would have made for it: TF's op
name (graphc's Add is TF's AddV2), TF's attrs (T, Tidx, strides of four ...), and the
constant inputs TF has where graphc keeps an attr (a reduction's axes, a transpose's
perm) as Const nodes named "<node>/<input>". The node keeps its name, so "probs:0"
means the same tensor in both. A graphc op with no TF counterpart here is refused
before anything is written: one UnsupportedOpError lists every such node with its type
and creation site. The ops table is tf_graphdef_export_ops.py; see docs/tf-graphdef.md.
"""
import functools

import numpy as np

from .. import dtypes, errors
from ..compiler.program import last_effects
from ..graph import Graph, get_default_graph
from .summary_protos import TensorShapeProto
from .tf_graphdef import AttrValue, GraphDef, ListValue, NodeDef
from .tf_graphdef_import import UnsupportedOpError, tf_datatype

__all__ = ["export_tf_graph_def", "EXPORT", "node_def_of"]

EXPORT = {}             # graphc op type -> fn(ex, node) that emits the node's NodeDefs
PRODUCER = 1882         # the GraphDef version TF 2.21 writes (versions.producer)


def export_tf_graph_def(graph=None, add_shapes=False):
    """`graph` (a gc.Graph, default the default graph, or a graphc graph_def dict such
    as convert_variables_to_constants returns) as a gc.GraphDef holding TensorFlow's
    ops; its SerializeToString() is the bytes of a TF `.pb`.

        gd = gc.io.export_tf_graph_def(sess.graph)
        with open("model.pb", "wb") as f:
            f.write(gd.SerializeToString())

    add_shapes=True records each node's output shapes in its "_output_shapes" attr, as
    TF1's as_graph_def(add_shapes=True) does.
    """
    if isinstance(graph, dict):
        from .serialize import import_graph_def
        with Graph().as_default() as g:
            import_graph_def(graph, name="")
        graph = g
    graph = get_default_graph() if graph is None else graph
    if not isinstance(graph, Graph):
        raise TypeError(f"export_tf_graph_def: expected a gc.Graph or a graph_def dict, "
                        f"got {type(graph).__name__}")
    missing = [n for n in graph.nodes if n.type not in EXPORT]
    if missing:
        listed = "\n".join(f"  {n.type} node '{n.name}' ({errors.format_site(n.site)})"
                           for n in missing[:20])
        more = f"\n  ... and {len(missing) - 20} more" if len(missing) > 20 else ""
        kinds = sorted({n.type for n in missing})
        raise UnsupportedOpError(
            f"cannot export {len(missing)} node(s) to a TensorFlow GraphDef: graphc has no "
            f"TF export for op type(s) {', '.join(kinds)}:\n{listed}{more}")
    ex = Exporter(graph)
    for node in graph.nodes:
        EXPORT[node.type](ex, node)
        if add_shapes:
            ex.last.attr["_output_shapes"] = AttrValue(list=ListValue(
                shape=[shape_proto(t.shape) for t in node.outputs]))
    return ex.gd


def node_def_of(node, consts=None):
    """The NodeDef TF's graph would hold for `node` (what its exporter emits under the
    node's own name), or None where graphc cannot export it. consts, a dict, gets the
    values of the inner Const nodes it reads ({their name: array})."""
    fn = EXPORT.get(node.type)
    if fn is None:
        return None
    ex = Exporter(node.graph)
    try:
        fn(ex, node)
    except Exception:       # (an exporter's refusal: no TF NodeDef to show)
        return None
    if consts is not None:
        consts.update(ex.consts)
    return next((nd for nd in ex.gd.node if nd.name == node.name), None)


def in_dtype(node, k=0):
    """The dtype of node's input k (most ops' T attr)."""
    return node.inputs[k].dtype


def seeds(node):
    """TF's (seed, seed2) attrs from graphc's `seed` attr (None: 0, 0, TF's "random")."""
    seed = node.attrs.get("seed")
    if seed is None:
        return 0, 0
    if isinstance(seed, (tuple, list)):
        return int(seed[0]), int(seed[1])
    return 0, int(seed)


def rank_of(x):
    """x's rank, or None if unknown."""
    return None if x.shape._dims is None else len(x.shape._dims)


def shape_proto(shape):
    """A graphc TensorShape as a TensorShapeProto (-1 for an unknown dim)."""
    if shape._dims is None:
        return TensorShapeProto(unknown_rank=True)
    return TensorShapeProto(dim=[TensorShapeProto.Dim(-1 if d is None else d)
                                 for d in shape._dims])


class Shape:
    """An attr value to write as a shape (a bare tuple would be a list of ints)."""
    __slots__ = ("shape",)

    def __init__(self, shape):
        self.shape = shape


def attr_value(v):
    """A Python attr value as an AttrValue: a dtype, bool, int, float, str, Shape, an
    ndarray (a tensor), or a list of ints / floats / dtypes / strs / Shapes."""
    if isinstance(v, AttrValue):
        return v
    if isinstance(v, dtypes.DType):
        return AttrValue(type=tf_datatype(v))
    if isinstance(v, (bool, np.bool_)):
        return AttrValue(b=bool(v))
    if isinstance(v, (int, np.integer)):
        return AttrValue(i=int(v))
    if isinstance(v, (float, np.floating)):
        return AttrValue(f=float(v))
    if isinstance(v, str):
        return AttrValue(s=v.encode("utf-8"))
    if isinstance(v, Shape):
        return AttrValue(shape=shape_proto(v.shape))
    if isinstance(v, np.ndarray):
        from ..tf1_misc import make_tensor_proto
        return AttrValue(tensor=make_tensor_proto(v, dtypes.as_dtype(v.dtype)))
    v = list(v)
    if all(isinstance(x, dtypes.DType) for x in v) and v:
        return AttrValue(list=ListValue(type=[tf_datatype(x) for x in v]))
    if all(isinstance(x, str) for x in v) and v:
        return AttrValue(list=ListValue(s=[x.encode("utf-8") for x in v]))
    if all(isinstance(x, Shape) for x in v) and v:
        return AttrValue(list=ListValue(shape=[shape_proto(x.shape) for x in v]))
    if all(isinstance(x, (float, np.floating)) for x in v) and v:
        return AttrValue(list=ListValue(f=[float(x) for x in v]))
    return AttrValue(list=ListValue(i=[int(x) for x in v]))


def ref(t):
    """A tensor's name as a NodeDef input: "node" for output 0, "node:k" otherwise."""
    return t.node.name if t.index == 0 else f"{t.node.name}:{t.index}"


class Exporter:
    """The GraphDef being written, and the names taken in it."""

    def __init__(self, graph):
        self.gd = GraphDef()
        self.gd.versions.producer = PRODUCER
        self._graph = graph
        self.last = None
        self.consts = {}        # an inner Const's name -> its value (node_def_of)

    # the graph-wide tables, made when an exporter first asks (node_def_of exports one
    # node, usually without them: Operation.get_attr must not scan the whole graph)
    @functools.cached_property
    def taken(self):
        return {n.name for n in self._graph.nodes}

    @functools.cached_property
    def users(self):
        """A node -> the nodes reading it (data or control)."""
        users = {}
        for n in self._graph.nodes:
            for t in n.inputs:
                users.setdefault(t.node, []).append(n)
            for c in n.control_inputs:
                users.setdefault(c, []).append(n)
        return users

    @functools.cached_property
    def readers(self):
        """A VariableV2 node -> the nodes reading its value."""
        readers = {}
        for n in self._graph.nodes:
            for t in n.inputs:
                if t.node.type == "VariableV2":
                    readers.setdefault(t.node, []).append(n)
        return readers

    @functools.cached_property
    def last_effects(self):
        """A node -> the last effect among its ancestors, in id order (graphc's program
        order), or None: graphc reads a variable for the node just after that effect."""
        return last_effects(sorted(self._graph.nodes, key=lambda n: n.id))

    def reads_before(self, effect, var):
        """The readers of ref variable `var` that graphc runs before `effect` updates it
        (those that do not wait for it nor for an effect made after it), to be the
        effect's control inputs, as TF runs a ready reader whenever it likes. An edge
        makes running the effect run the reader (its feeds, its variables'
        initialization), so a reader gets one only where the two meet downstream (both
        run when that runs); a variable's initializer gets none. Readers fetched beside
        the effect without meeting it (sess.run([v.assign(2.), v * 10])) are left to
        TF's executor, which reads first in practice, as graphc does."""
        readers = self.readers.get(var, ())
        init = getattr(var.outputs[0], "initializer", None)
        if not readers or effect is getattr(init, "node", init) \
                or effect.name == f"{var.name}/Assign":
            return []
        after, out = None, []
        for r in readers:
            last = self.last_effects.get(r)
            if last is not None and last.id >= effect.id:
                continue                    # graphc reads for r after the effect
            down = self.reach(r)
            if effect in down:
                continue                    # r feeds the effect: ordered already
            after = self.reach(effect) if after is None else after
            if down & after:
                out.append(r)
        return out

    def reach(self, start, targets=None):
        """The nodes reachable from `start` along its users (itself excluded); with
        `targets`, just whether one of those is reached (stops there)."""
        seen, stack = set(), list(self.users.get(start, ()))
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            if targets is not None and n in targets:
                return True
            seen.add(n)
            stack.extend(self.users.get(n, ()))
        return False if targets is not None else seen

    def unique(self, base):
        """A node name not taken yet: base, else base_1, base_2 ... (TF1's rule)."""
        name, k = base, 0
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name

    def emit(self, node, op, inputs, name=None, control=(), **attrs):
        """Add NodeDef `op` for graphc `node`, reading `inputs` (Tensors or input
        names); it takes the node's name and control inputs (plus the nodes `control`)
        unless `name` is given (an inner node, named uniquely under the node's).
        Returns its name."""
        ins = [x if isinstance(x, str) else ref(x) for x in inputs]
        if name is None:
            name = node.name
            ins += list(dict.fromkeys("^" + c.name for c in (*node.control_inputs, *control)))
        else:
            name = self.unique(f"{node.name}/{name}")
        nd = NodeDef(name=name, op=op, input=ins, device=node.device)
        for key in sorted(attrs):
            if attrs[key] is not None:
                nd.attr[key] = attr_value(attrs[key])
        self.gd.node.append(nd)
        self.last = nd
        return name

    def const(self, node, name, value, dtype=dtypes.int32):
        """An inner Const node of `node` holding `value`; returns its name."""
        arr = np.asarray(value, dtype=dtypes.as_dtype(dtype).np)
        name = self.emit(node, "Const", (), name=name, value=arr, dtype=dtypes.as_dtype(dtype))
        self.consts[name] = arr
        return name

    def fail(self, node, why):
        return UnsupportedOpError(f"cannot export {node.type} node '{node.name}' "
                                  f"({errors.format_site(node.site)}) to TensorFlow: {why}")


def export(*types):
    """Register fn(ex, node) as the exporter of graphc op types `types`."""
    def register(fn):
        for t in types:
            EXPORT[t] = fn
        return fn
    return register


from . import tf_graphdef_export_ops  # noqa: E402,F401 (fills EXPORT)
from .tf_graphdef_scale import EXPORTS as _SCALE_EXPORTS  # noqa: E402 (ScaleAndTranslate)
EXPORT.update(_SCALE_EXPORTS)
