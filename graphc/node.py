"""Node (one op application, TF1's tf.Operation) and Tensor (one of its outputs, the
user's handle): what a Graph (graph.py) holds. graph.py re-exports both."""
from . import errors
from .shapes import TensorShape, as_shape


class Node:
    """One application of an OpDef to input tensors (TF1: tf.Operation)."""
    __slots__ = ("graph", "op", "inputs", "attrs", "outputs", "name", "site",
                 "control_inputs", "id", "role", "origin", "device",
                 "__dict__")    # a user's own attributes (TF1 code tags ops: op.foo = 1)

    def __init__(self, graph, op, inputs, attrs, name, site, control_inputs, role, origin):
        self.graph = graph
        self.op = op
        self.inputs = inputs
        self.attrs = attrs
        self.name = name
        self.site = site
        self.control_inputs = control_inputs
        self.role = role        # "forward", "gradient" or "jvp": DOT draws them apart
        self.origin = origin    # for gradient/jvp nodes: the forward node differentiated
        self.outputs = ()
        self.id = len(graph.nodes)
        self.device = ""        # TF1's placement string: recorded, exported; numpy runs all

    @property
    def type(self):
        return self.op.name

    def get_attr(self, key):
        """Attr `key` as TF1's op has it where graphc exports the op to TF (MaxPool's
        ksize [1, 2, 2, 1], padding b"SAME", T, SrcT...), else graphc's own attr."""
        nd = self._tf_node_def()
        if nd is not None and key in nd.attr:
            from .io.tf_graphdef_attr import attr_python
            return attr_python(nd.attr[key])
        if key in self.attrs:
            return self.attrs[key]
        raise ValueError(f"Operation '{self.name}' has no attr named '{key}'.")

    @property
    def node_def(self):
        """TF's NodeDef of this op (as gc.io.export_tf_graph_def writes it)."""
        nd = self._tf_node_def()
        if nd is None:
            raise ValueError(f"{self.type} node '{self.name}' has no TensorFlow NodeDef "
                             "(graphc cannot export it)")
        return nd

    def _tf_node_def(self):
        from .io.tf_graphdef_export import node_def_of
        return node_def_of(self)

    def values(self):
        """The output tensors (TF1's Operation.values())."""
        return tuple(self.outputs)

    @property
    def traceback(self):
        """Where the op was made: [(filename, lineno, function, line)], the user's frame
        (TF1 keeps the whole stack; graphc the frame outside graphc)."""
        import linecache
        filename, lineno = self.site
        return [(filename, lineno, "<module>",
                 linecache.getline(filename, lineno).strip() if lineno else "")]

    def run(self, feed_dict=None, session=None):
        """Run this node in `session` (default: the default session), TF1 style."""
        from .session import _session_or_default
        _session_or_default(session, f"execute operation '{self.name}' using `run()`").run(
            self, feed_dict)

    def __repr__(self):
        return f"<gc.Operation '{self.name}' type={self.type}>"


Operation = Node


class Tensor:
    """A symbolic value: output `index` of `node`, with a static shape and dtype."""
    __slots__ = ("node", "index", "shape", "dtype",
                 "__dict__")    # a user's own attributes (TF1: v.param = True, x.foo = 1)
    __array_ufunc__ = None      # numpy defers to our reflected operators
    __array_priority__ = 100

    def __init__(self, node, index, shape, dtype):
        self.node = node
        self.index = index
        self.shape = shape
        self.dtype = dtype

    @property
    def op(self):
        return self.node

    @property
    def graph(self):
        return self.node.graph

    @property
    def name(self):
        return f"{self.node.name}:{self.index}"

    @property
    def ndim(self):
        return self.shape.rank

    @property
    def value_index(self):
        """Which output of its op this tensor is (TF1)."""
        return self.index

    @property
    def device(self):
        return self.node.device

    def consumers(self):
        """The operations that read this tensor (TF1), in creation order."""
        return [n for n in self.node.graph.nodes if any(t is self for t in n.inputs)]

    def get_shape(self):
        return self.shape

    def set_shape(self, shape):
        """Refine the static shape (TF1); it must be compatible with what is known."""
        shape = as_shape(shape)
        if self.shape._dims is None:
            self.shape = shape
            return
        if shape._dims is None:
            return
        old = self.shape._dims
        if len(old) != len(shape._dims) or any(
                isinstance(a, int) and isinstance(b, int) and a != b
                for a, b in zip(old, shape._dims)):
            raise errors.ShapeError(f"set_shape: {shape} is incompatible with the known "
                                    f"shape\n  {errors.describe_tensor(self, self.name)}")
        self.shape = TensorShape(tuple(a if b is None else b for a, b in zip(old, shape._dims)))

    def eval(self, feed_dict=None, session=None):
        """The value of this tensor in `session` (default: the default session)."""
        from .session import _session_or_default
        return _session_or_default(session, f"evaluate tensor '{self.name}' using "
                                            "`eval()`").run(self, feed_dict)

    def __bool__(self):
        raise TypeError(
            f"Using the symbolic tensor '{self.name}' as a Python bool is not allowed: it "
            "has no value until a Session runs the graph. Use gc.where/gc.logical_* for "
            "graph logic, or evaluate it with sess.run first.")

    def __iter__(self):
        raise TypeError(
            f"Iterating over the symbolic tensor '{self.name}' is not allowed: its length "
            "is only known when the graph runs. Use gc.unstack(t) or index it (t[i]).")

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"Cannot convert the symbolic tensor '{self.name}' to a numpy array: it has "
            "no value until a Session runs it. Use sess.run(t) or t.eval().")

    def __len__(self):
        d = self.shape[0] if self.shape.rank else None
        if not isinstance(d, int):
            raise TypeError(f"len() of tensor '{self.name}' with shape {self.shape}: "
                            "the first dimension is not statically known")
        return d

    def __repr__(self):
        return f"<gc.Tensor '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def _as_node(x):
    if isinstance(x, Node):
        return x
    if isinstance(x, Tensor):
        return x.node
    op = getattr(x, "op", None)         # an IndexedSlices or SparseTensor: its values' op
    if isinstance(op, Node):
        return op
    raise TypeError(f"expected a graphc Operation or Tensor, got {type(x).__name__}")
