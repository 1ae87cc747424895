"""Graph (append-only, TF1's tf.Graph), the default graph and its scopes; Node and Tensor
(node.py) are re-exported here."""
import contextlib
import difflib
import re

from . import device_spec, errors
from .node import Node, Operation, Tensor, _as_node  # noqa: F401 (re-exported)
from .shapes import DimBindings


# TF1's rule for a node's full name: a letter, digit or '.' first, then also _ - / > \
# (so "scope/_0" is valid: TF's clip_by_global_norm names its outputs so)
_VALID_NAME = re.compile(r"[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*\Z")


class Graph:
    """An append-only graph of Nodes (TF1: tf.Graph)."""
    outer = None        # the enclosing graph of a cond branch (ops/control.FuncGraph)

    def __init__(self):
        self.nodes = []
        self.dims = DimBindings()       # named dim -> (size, site)
        self.collections = {}
        self.seed = None
        self.finalized = False
        self._by_name = {}
        self._name_counts = {}
        self._valid_bases = set()       # names (before numbering) known to be valid
        self._scope = ""
        self._control = []
        self._devices = []              # gc.device() scopes, outermost first
        self._colocate = []             # gc.colocate_with() nodes, outermost first
        self._role = "forward"
        self._origin = None
        self._grad_override = {}        # op type -> registered gradient name (in scope)
        self._node_grad_override = {}   # node -> registered gradient name
        self.var_store = None           # gc.get_variable's store and scopes (ops/scope.py)
        self._unfeedable, self._unfetchable = set(), set()

    # ---- building -------------------------------------------------------------
    def _add_node(self, op, inputs, attrs, out_types, name, site):
        if self.finalized:
            raise errors.FinalizedGraphError(
                f"the graph is finalized and cannot be modified (adding a {op.name} at "
                f"{errors.format_site(site)})")
        control = tuple(n for group in self._control for n in group) if self._control else ()
        full = self.unique_name(name)
        absolute = name[-1:] == "/"
        # full is base or base_N: checking base once per graph checks them all
        base = full if absolute else self._scope + name
        if base not in self._valid_bases:
            if not _VALID_NAME.match(base):
                raise ValueError(f"'{full}' is not a valid node name (TF1's rule: letters, "
                                 "digits and . to start, then also _ - / >; no ':' or spaces)"
                                 f" for the {op.name} at {errors.format_site(site)}")
            self._valid_bases.add(base)
        if absolute and full in self._by_name:     # used twice (TF1's error); unique_name
            # made any other name an unused one
            raise ValueError(f"Duplicate node name in graph: '{full}': the {op.name} at "
                             f"{errors.format_site(site)} and "
                             f"{errors.describe_node(self._by_name[full])}")
        node = Node(self, op, inputs, attrs, full, site, control, self._role, self._origin)
        if len(out_types) == 1:
            node.outputs = (Tensor(node, 0, *out_types[0]),)
        else:
            node.outputs = tuple([Tensor(node, i, s, d) for i, (s, d) in enumerate(out_types)])
        self.nodes.append(node)
        self._by_name[node.name] = node
        if self._colocate:                  # TF1: the outermost colocation op's device
            node.device = self._colocate[0].device
        elif self._devices:
            node.device = device_spec.place(self._devices, node)
        if self._grad_override and node.type in self._grad_override:
            self._node_grad_override[node] = self._grad_override[node.type]
        return node

    def _rename(self, node, base):
        """Give `node` the absolute name `base`, or base_1, base_2... if that is taken
        (the GraphDef importer frees a TF name so)."""
        name, k = base, 0
        while name in self._by_name:
            k += 1
            name = f"{base}_{k}"
        del self._by_name[node.name]
        node.name = name
        self._by_name[name] = node

    def unique_name(self, name, mark_as_used=True):
        """`scope/name`, or `scope/name_N` if that is taken (TF1 rules: names differing
        only in case count as taken, 'out' after 'Out' is 'out_1'). A name ending in '/'
        is an absolute name, used as it is (TF1 does this for name scopes)."""
        if name[-1:] == "/":
            return name[:-1]
        full = self._scope + name if self._scope else name
        key = full.lower()
        counts = self._name_counts
        i = counts.get(key)
        if i is None and full not in self._by_name:
            if mark_as_used:
                counts[key] = 1
            return full
        i = i or 1
        lower = key == full
        while True:         # every node asks: format each candidate once
            cand = f"{full}_{i}"
            cand_key = cand if lower else f"{key}_{i}"
            if cand not in self._by_name and cand_key not in counts:
                break
            i += 1
        if mark_as_used:
            counts[key] = i + 1
            counts[cand_key] = 1
        return cand

    @contextlib.contextmanager
    def name_scope(self, name):
        """Prefix names of nodes built inside with `name/` (made unique, TF1 style)."""
        old = self._scope
        if name is None or name == "":
            new = ""
        elif name.endswith("/"):
            new = name
        else:
            new = self.unique_name(name) + "/"
        self._scope = new
        try:
            yield new
        finally:
            self._scope = old

    def get_name_scope(self):
        return self._scope.rstrip("/")

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs):
        """Nodes built inside run only after `control_inputs` (None clears them)."""
        if control_inputs is None:
            saved, self._control = self._control, []
            try:
                yield
            finally:
                self._control = saved
            return
        nodes = tuple(_as_node(c) for c in control_inputs)
        for n in nodes:                 # this graph's, or an enclosing one's (a branch)
            g = self
            while g is not None and g is not n.graph:
                g = g.outer
            if g is None:
                raise ValueError(f"control_dependencies: {n.type} '{n.name}' (created at "
                                 f"{errors.format_site(n.site)}) is not an element of "
                                 "this graph")
        self._control.append(nodes)
        try:
            yield
        finally:
            self._control.pop()

    @contextlib.contextmanager
    def device(self, device_name_or_function):
        """Nodes built inside record this device (TF1 tf.device: a string such as
        "/cpu:0", a DeviceSpec, a function of the node, or None to clear the outer
        scopes); nested strings merge field by field, as in TF1. graphc runs every node
        on the CPU with numpy: the string is kept on Operation.device and exported."""
        spec = device_name_or_function
        if hasattr(spec, "to_string"):
            spec = spec.to_string()
        elif isinstance(spec, str):
            device_spec.parse(spec)         # a bad string fails here, at the user's line
        self._devices.append(spec)
        try:
            yield
        finally:
            self._devices.pop()

    @contextlib.contextmanager
    def colocate_with(self, op, ignore_existing=False):
        """Nodes built inside take `op`'s device (TF1 tf.colocate_with; the device
        scopes around do not apply, as in TF1)."""
        saved = self._colocate
        if op is None and ignore_existing:  # TF1: colocate_with(None, True) clears them
            self._colocate = []
        else:
            node = _as_node(op)
            self._colocate = [node] if ignore_existing else saved + [node]
        try:
            yield
        finally:
            self._colocate = saved

    @contextlib.contextmanager
    def _building(self, role, origin=None):
        """Mark nodes built inside as part of a gradient or jvp subgraph."""
        saved = self._role, self._origin
        self._role, self._origin = role, origin
        try:
            yield
        finally:
            self._role, self._origin = saved

    @contextlib.contextmanager
    def gradient_override_map(self, op_type_map):
        """Inside, ops of type K use the gradient registered under op_type_map[K]."""
        saved = dict(self._grad_override)
        self._grad_override.update(op_type_map)
        try:
            yield
        finally:
            self._grad_override = saved

    @contextlib.contextmanager
    def as_default(self):
        _default_stack.append(self)
        try:
            yield self
        finally:
            _default_stack.pop()

    def finalize(self):
        """Make the graph read-only: adding a node afterwards raises GraphError."""
        self.finalized = True

    # ---- lookup ---------------------------------------------------------------
    def get_operations(self):
        return list(self.nodes)

    def get_operation_by_name(self, name):
        node = self._by_name.get(name)
        if node is None:
            raise errors.NotFoundError(self._missing(f"no operation named '{name}'", name))
        return node

    def get_tensor_by_name(self, name):
        op_name, sep, index = name.rpartition(":")
        if not sep or not index.isdigit():
            raise errors.GraphError(f"'{name}' is not a tensor name: tensor names look like "
                                    f"'{name}:0' (operation name, colon, output index)")
        node = self._by_name.get(op_name)
        if node is None:
            raise errors.NotFoundError(
                self._missing(f"no tensor named '{name}'", op_name, suffix=f":{index}"))
        if int(index) >= len(node.outputs):
            raise errors.NotFoundError(f"'{name}': operation '{op_name}' has only "
                                       f"{len(node.outputs)} output(s)")
        return node.outputs[int(index)]

    def as_graph_element(self, obj):
        if isinstance(obj, (Tensor, Node)):
            if obj.graph is not self:
                raise errors.GraphError(f"{obj!r} is not an element of this graph")
            return obj
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else \
                self.get_operation_by_name(obj)
        raise TypeError(f"cannot interpret {type(obj).__name__} {obj!r} as a graph element")

    def _missing(self, msg, name, suffix=""):
        return _Missing(msg, name, suffix, list(self._by_name))

    def add_to_collection(self, key, value):
        self.collections.setdefault(key, []).append(value)

    def add_to_collections(self, names, value):
        """value added to each collection named (a name or a list of them)."""
        for key in ([names] if isinstance(names, str) else dict.fromkeys(names)):
            self.add_to_collection(key, value)

    def clear_collection(self, name):
        self.collections.pop(name, None)

    @property
    def version(self):
        """Grows as ops are added (TF1): the number of ops."""
        return len(self.nodes)

    def prevent_feeding(self, tensor):
        """Session.run refuses a feed for `tensor` (TF1)."""
        self._unfeedable.add(tensor)

    def prevent_fetching(self, op):
        """Session.run refuses to fetch `op` or its outputs (TF1)."""
        self._unfetchable.add(getattr(op, "node", op))

    def is_feedable(self, tensor):
        return tensor not in self._unfeedable

    def is_fetchable(self, tensor_or_op):
        return getattr(tensor_or_op, "node", tensor_or_op) not in self._unfetchable

    def get_all_collection_keys(self):
        """The names of this graph's non-empty collections (TF1)."""
        return [k for k, v in self.collections.items() if v]

    def get_collection_ref(self, key):
        """The list behind collection `key` itself (created empty if missing)."""
        return self.collections.setdefault(key, [])

    def get_collection(self, key, scope=None):
        """A copy of collection `key`; with `scope`, only the values whose name matches
        that regular expression at its start (TF1: re.match)."""
        items = list(self.collections.get(key, ()))
        if scope is None:
            return items
        pattern = re.compile(scope)
        return [x for x in items
                if isinstance(getattr(x, "name", None), str) and pattern.match(x.name)]

    def as_graph_def(self, from_version=None, add_shapes=False):
        """This graph as a JSON-able dict (TF1: GraphDef); see graphc/io/serialize.py.

            gd = graph.as_graph_def()
            gc.import_graph_def(gd, name="copy")
        """
        from .io.serialize import graph_to_dict
        return graph_to_dict(self)

    def to_networkx(self, nodes=None):
        """A networkx.DiGraph: one node per op (keyed by name), edges carry shape/dtype."""
        import networkx as nx   # here only: importing it costs 0.2 s and 20k objects that
        # Python's cyclic collector would rescan while every graph is built
        g = nx.DiGraph()
        nodes = self.nodes if nodes is None else nodes
        for n in nodes:
            g.add_node(n.name, type=n.type, role=n.role)
        for n in nodes:
            for t in n.inputs:
                g.add_edge(t.node.name, n.name, tensor=t.name, shape=str(t.shape),
                           dtype=t.dtype.name)
            for c in n.control_inputs:
                g.add_edge(c.name, n.name, control=True)
        return g


_global_default = [Graph()]
_default_stack = []


def get_default_graph():
    return _default_stack[-1] if _default_stack else _global_default[0]


def reset_default_graph():
    """Replace the global default graph with a new, empty one."""
    if _default_stack:
        raise errors.GraphError("reset_default_graph() called inside a "
                                "`with graph.as_default()` block")
    _global_default[0] = Graph()


def name_scope(name, default_name=None, values=None):
    """Module-level TF1 name_scope on the default graph (or the graph of `values`)."""
    graph = get_default_graph()
    for v in values or ():
        if isinstance(v, (Tensor, Node)):
            graph = v.graph
            break
    return graph.name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs):
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function):
    """TF1 tf.device on the default graph (see Graph.device)."""
    return get_default_graph().device(device_name_or_function)


def colocate_with(op, ignore_existing=False):
    """TF1 tf.colocate_with on the default graph (see Graph.colocate_with); `op` must be
    an Operation or Tensor."""
    return get_default_graph().colocate_with(op, ignore_existing)


@contextlib.contextmanager
def container(container_name):
    """TF1 tf.container: the resource container of the variables built inside, which
    distributed TF1 clears with Session.reset. graphc keeps variable values in each
    Session and has no shared containers: the name is accepted and has no effect."""
    yield


class _Missing:
    """The message of a name not in the graph, with 'did you mean' names. The search
    runs when the message is first read, not when the error is raised, so code that
    probes names (try/except KeyError) does not pay it for each miss."""

    def __init__(self, msg, name, suffix, names):
        self._parts, self._text = (msg, name, suffix, names), None

    def __str__(self):
        if self._text is None:
            msg, name, suffix, names = self._parts
            near = difflib.get_close_matches(name, names, n=3)
            self._text = msg + (f"; did you mean {', '.join(repr(n + suffix) for n in near)}?"
                                if near else "")
        return self._text
