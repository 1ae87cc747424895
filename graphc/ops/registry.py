"""OpDef: everything about one op in one record, and `apply`, the one way to build a node.

An OpDef holds the op's shape/dtype rule (`infer`), its numpy `kernel`, its `vjp` and
`jvp` rules (written with graphc ops) and the facts that passes read (`elementwise`,
`commutative`, `stateful`, `random`). Attributes are keyword-only and hashable.
"""
import types

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..shapes import Dimension, InferError, TensorShape, as_shape, dim_str


class _Registry(dict):
    """Op name -> OpDef. The packages in graphc._LAZY (contrib, estimator, keras, test)
    load on first use, and contrib registers ops: looking up a name not yet registered,
    or listing the ops, loads those packages first (a GraphDef or saved graph may name
    their ops before the user touched them)."""
    __slots__ = ()

    def _complete(self):
        """Load the lazy packages; whether any was not loaded yet."""
        import sys
        import graphc                   # (while graphc itself imports, _LAZY is not set)
        todo = [m for m in getattr(graphc, "_LAZY", ()) if f"graphc.{m}" not in sys.modules]
        for m in todo:
            getattr(graphc, m)
        return bool(todo)

    def __missing__(self, name):
        if self._complete():
            return self[name]
        raise KeyError(name)

    def get(self, name, default=None):
        if not dict.__contains__(self, name) and not self._complete():
            return default
        return dict.get(self, name, default)

    def __contains__(self, name):
        return dict.__contains__(self, name) or self._complete() and \
            dict.__contains__(self, name)

    def __iter__(self):
        self._complete()
        return dict.__iter__(self)

    def __len__(self):
        self._complete()
        return dict.__len__(self)

    def keys(self):
        self._complete()
        return dict.keys(self)

    def values(self):
        self._complete()
        return dict.values(self)

    def items(self):
        self._complete()
        return dict.items(self)


REGISTRY = _Registry()


class OpDef:
    """The record of one op.

    infer(ctx, *inputs, **attrs) -> (shape, dtype) or a list of them (multi-output);
        raises shapes.InferError naming operands as {0}, {1}...
    kernel(*arrays, **attrs) -> array or tuple of arrays. With `uses_state`, the kernel
        is called kernel(rt, *arrays, **attrs), rt giving the session state and node.
    vjp(node, gs) -> one cotangent (or None) per input; gs holds one cotangent per
        output (None where that output gets none). For ops that `broadcasts` (default:
        the elementwise ones) a cotangent may have the broadcast shape: the sweep sums
        it back. Other ops return cotangents of their inputs' exact shapes.
    jvp(node, tangents) -> the tangent of each output (a tensor, or a list when the op
        has several outputs); tangents holds None for symbolic zeros.
    batch(node, args, batched) -> the outputs of the op applied to args, where args[i]
        has an extra leading batch dim if batched[i] (a vmap rule; see
        autodiff/batching.py). Returning node's own output says "not batched".
    """
    __slots__ = ("name", "api", "infer", "kernel", "vjp", "jvp", "elementwise",
                 "commutative", "stateful", "random", "differentiable", "uses_state",
                 "signature", "doc", "shape_rule", "dtypes", "kernel_out", "static",
                 "partial", "ref", "broadcasts",
                 "batch", "narrow")

    def __init__(self, name, infer, kernel, *, api=None, vjp=None, jvp=None,
                 elementwise=False, commutative=False, stateful=False, random=False,
                 differentiable=True, uses_state=False, signature="", doc="",
                 shape_rule="", dtypes="", kernel_out=None, static=None, partial=None, ref=False,
                 broadcasts=None,
                 batch=None, narrow=None):
        self.name = name
        self.api = api or name
        self.infer = infer
        self.kernel = kernel
        self.vjp = vjp
        self.jvp = jvp
        self.elementwise = elementwise
        self.commutative = commutative
        self.stateful = stateful
        self.random = random
        self.differentiable = differentiable
        self.uses_state = uses_state
        self.signature = signature
        self.doc = doc
        self.shape_rule = shape_rule
        self.dtypes = dtypes
        # kernel_out(*arrays, out=buf, **attrs) writes into buf (in place / reuse). An op
        # with kernel_out promises that both kernels return a new array they own, never
        # a view of an input: the memory planner may overwrite it later.
        self.kernel_out = kernel_out
        self.static = static           # static(node) -> value known from shapes alone, or None
        # inputs broadcast against each other, so the sweep sums cotangents back to the
        # inputs' shapes (default: elementwise ops); other ops' vjps return exact shapes
        self.broadcasts = elementwise if broadcasts is None else broadcasts
        self.ref = ref                 # output read when each consumer runs (TF1 ref
                                       # semantics: a variable read sees earlier assigns)
        self.partial = partial         # partial(node) -> TensorShape: what is known of the
                                       # value of a 1-D shape tensor (e.g. Shape of (?, 3))
        self.batch = batch             # batch(node, args, batched) -> outputs: the vmap
                                       # rule (autodiff/batching.py); None: the generic one
        self.narrow = narrow           # narrow(node, used) -> (inputs, attrs, kept output
                                       # positions) of a node computing only the used
                                       # outputs, or None (compiler/passes/narrow.py)

    @property
    def pure(self):
        return not (self.stateful or self.random)

    def __repr__(self):
        return f"<OpDef {self.name}>"


def register(opdef):
    if dict.__contains__(REGISTRY, opdef.name):
        raise ValueError(f"op {opdef.name} is registered twice")
    REGISTRY[opdef.name] = opdef
    return opdef


# dtype kinds an op accepts (numpy kind letters). "numeric" stays real: max, comparisons,
# floordiv... refuse complex as TF does; ops with complex kernels name the complex kinds.
_KINDS = {"float": "f", "int": "iu", "numeric": "iuf", "int_or_float": "iuf", "bool": "b",
          "numeric or string": "iufO", "complex": "c", "float or complex": "fc",
          "numeric or complex": "iufc", "numeric, complex or string": "iufcO"}


_NO_BINDINGS = types.MappingProxyType({})
_NO_ATTRS = types.MappingProxyType({})   # shared by nodes without attributes


class InferContext:
    """What an infer rule may consult: the graph's named dims, operand constants."""
    __slots__ = ("graph", "inputs", "new_bindings")

    def __init__(self, graph, inputs):
        self.graph = graph
        self.inputs = inputs
        self.new_bindings = _NO_BINDINGS     # made on the first binding (rare)

    def resolve(self, d):
        """The int a dim is known to be, else None."""
        if isinstance(d, int):
            return d
        if isinstance(d, str):
            if d in self.new_bindings:
                return self.new_bindings[d]
            return self.graph.dims.resolve(d)
        return None

    def dim_str(self, d):
        if isinstance(d, str):
            bound = self.graph.dims.sizes.get(d)
            if bound is not None:
                return f"'{d}' (bound to {bound[0]} at {errors.format_site(bound[1])})"
            if d in self.new_bindings:
                return f"'{d}' (= {self.new_bindings[d]})"
            return f"'{d}'"
        return dim_str(d)

    def compatible(self, a, b):
        if a is None or b is None or a == b:
            return True
        ra, rb = self.resolve(a), self.resolve(b)
        return ra is None or rb is None or ra == rb

    def _bind(self, name, size):
        if self.new_bindings is _NO_BINDINGS:
            self.new_bindings = {}
        self.new_bindings[name] = size

    def merge(self, a, b):
        """The more precise of two compatible dims; binds named dims to sizes."""
        if a is None or a == b:
            return b
        if b is None:
            return a
        ra, rb = self.resolve(a), self.resolve(b)
        if isinstance(a, str) and ra is None and rb is not None:
            self._bind(a, rb)
        if isinstance(b, str) and rb is None and ra is not None:
            self._bind(b, ra)
        if isinstance(a, int):
            return a
        return b if isinstance(b, int) else a

    def merge_dims(self, a, b, what):
        """merge(a, b), raising InferError(`what` formatted with the two dims) if they clash."""
        if not self.compatible(a, b):
            raise InferError(what.format(a=self.dim_str(a), b=self.dim_str(b)))
        return self.merge(a, b)

    def broadcast(self, *idx):
        """numpy broadcasting of the shapes of inputs idx (default: all inputs)."""
        if not idx and len(self.inputs) == 2:   # the common case, without allocating:
            a, b = self.inputs[0].shape, self.inputs[1].shape   # shapes are immutable
            if a._dims is not None and b._dims is not None:
                if a._dims == b._dims or not b._dims:
                    return a
                if not a._dims:
                    return b
        idx = idx or range(len(self.inputs))
        shapes = [self.inputs[i].shape._dims for i in idx]
        if None in shapes:
            return TensorShape(None)
        ranked = [d for d in shapes if d]               # scalars broadcast as they are
        if not ranked or all(d == ranked[0] for d in ranked[1:]):
            return TensorShape(ranked[0] if ranked else ())     # the common case, fast
        result, owner = (), None
        for i in idx:
            s = self.inputs[i].shape
            if s._dims is None:
                return TensorShape(None)
            if owner is None:
                result, owner = s._dims, i
                continue
            a, b = list(result), list(s._dims)
            n = max(len(a), len(b))
            a = [1] * (n - len(a)) + a
            b = [1] * (n - len(b)) + b
            out = []
            for k, (x, y) in enumerate(zip(a, b)):
                if x == 1:
                    out.append(y)
                elif y == 1:
                    out.append(x)
                elif self.compatible(x, y):
                    out.append(self.merge(x, y))
                else:
                    raise InferError(
                        f"shapes cannot be broadcast: {{{owner}}} has {self.dim_str(x)} but "
                        f"{{{i}}} has {self.dim_str(y)} at dim {k - n} (counting from the "
                        f"right; numpy broadcasting needs equal sizes or 1)")
            result = tuple(out)
        return TensorShape(result)

    def axis(self, axis, rank, i=0, extra=0):
        """Normalize an axis for operand i of `rank` (rank+extra positions are valid)."""
        n = rank + extra
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
            raise InferError(f"axis must be an int, got {axis!r}", "dtype")  # TF: TypeError
        if not -n <= axis < n:
            raise InferError(f"axis {axis} is out of range for {{{i}}} of rank {rank} "
                             f"(valid: {-n}..{n - 1})")
        return int(axis) % n

    def same_dtype(self, *idx):
        """The common dtype of inputs idx (default all); different dtypes are an error."""
        if not idx and len(self.inputs) == 2 and self.inputs[0].dtype is self.inputs[1].dtype:
            return self.inputs[0].dtype
        idx = idx or range(len(self.inputs))
        first = None
        for i in idx:
            d = self.inputs[i].dtype
            if first is None:
                first = i
            elif d is not self.inputs[first].dtype:
                raise InferError(
                    f"dtypes differ: {{{first}}} is {self.inputs[first].dtype.name} but {{{i}}} "
                    f"is {d.name}; graphc never converts silently: use gc.cast", "dtype")
        return self.inputs[first].dtype

    def require(self, i, kind):
        """Check input i's dtype is of `kind`: float, int, numeric, bool, or any."""
        d = self.inputs[i].dtype
        if kind != "any" and d.np.kind not in _KINDS[kind]:
            raise InferError(f"{{{i}}} has dtype {d.name}, but this op needs a {kind} "
                             "dtype", "dtype")
        return d

    def constant_value(self, t):
        """The value of t if it is known at build time (a constant), else None."""
        return constant_value(t)

    def shape_value(self, t):
        """What is known at build time of a 1-D int tensor used as a shape."""
        return shape_value(t)


def shape_value(t):
    """A TensorShape of what is statically known about the value of shape tensor t:
    exact for constants, (?, 3) for shape(x) with x of shape (?, 3) (TF1:
    constant_value_as_shape)."""
    v = constant_value(t)
    if v is not None:       # -1 (reshape's inferred dim) is unknown, as in TF1
        return TensorShape(tuple(None if d < 0 else int(d) for d in np.reshape(v, -1)))
    if t.node.op.partial is not None:
        s = t.node.op.partial(t.node)
        if s is not None:
            return s
    n = t.shape._dims[0] if t.shape.rank == 1 else None
    return TensorShape((None,) * n if isinstance(n, int) else None)


_STATIC_NODES = 64          # how far back constant_value looks
_STATIC_ELEMENTS = 1 << 16  # the largest value it computes


def constant_value(t):
    """The value of `t` if it follows from constants and static shapes alone, else None.

    Like TF1's tensor_util.constant_value: lets reshape/fill/tile with computed shapes
    get exact static shapes. Looks at most _STATIC_NODES nodes back, iteratively.
    """
    values = {}
    order, stack, seen = [], [t.node], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if len(seen) > _STATIC_NODES:
            return None
        known = _known_shape_elements(node)
        if known is not None:
            values[node] = (known,)
            continue
        if node.op.static is not None:
            v = node.op.static(node)
            if v is None:
                return None
            values[node] = v if isinstance(v, tuple) else (v,)
            continue
        if not node.op.pure or node.op.uses_state or not node.outputs:
            return None
        order.append(node)
        stack.extend(i.node for i in node.inputs)
    for node in sorted(order, key=lambda n: n.id):
        args = [values[i.node][i.index] for i in node.inputs]
        try:
            out = node.op.kernel(*args, **node.attrs)
        except Exception:
            return None
        out = out if isinstance(out, tuple) else (out,)
        if any(np.size(o) > _STATIC_ELEMENTS for o in out):
            return None
        values[node] = out
    return values[t.node][t.index]


def _known_shape_elements(node):
    """The value of shape(x)[i] (or a slice of it) where those dims of x are known,
    though others are not (TF's shape inference: tf.range(tf.shape(x)[1]) has a static
    size when x's dim 1 is): the slice run on the dims' positions picks them. None
    otherwise."""
    if node.op.name != "StridedSlice" or not node.inputs or \
            node.inputs[0].node.op.name != "Shape":
        return None
    shape = node.inputs[0].node.inputs[0].shape
    if shape._dims is None or shape.is_fully_defined():
        return None         # (fully known: the Shape folds, as any constant)
    try:
        picked = node.op.kernel(np.arange(len(shape._dims)), **node.attrs)
    except Exception:
        return None
    dims = [shape._dims[int(i)] for i in np.ravel(picked)]
    if any(not isinstance(d, int) for d in dims):
        return None
    return np.asarray(dims, node.outputs[0].dtype.np).reshape(np.shape(picked))


def same_shape_as_output(node, k):
    """Input k of an elementwise node surely has the output's run-time shape: it has the
    output's rank, and wherever its dim is unknown no other input can stretch it (the
    others have 1 there, nothing, or the same named dim)."""
    if not node.op.elementwise:
        return False
    dims, out = node.inputs[k].shape._dims, node.outputs[0].shape._dims
    if dims is None or out is None or len(dims) != len(out):
        return False
    for pos, d in enumerate(dims):
        if isinstance(d, int):
            if d != out[pos]:
                return False
            continue
        for j, y in enumerate(node.inputs):
            if j == k:
                continue
            yd = y.shape._dims
            if yd is None:
                return False
            off = pos - (len(dims) - len(yd))
            if off >= 0 and not (yd[off] == 1 or isinstance(d, str) and yd[off] == d):
                return False
    return True


def _graph_of(inputs):
    graph = None
    for t in inputs:
        if graph is None:
            graph = t.node.graph
        elif t.node.graph is not graph:
            first = inputs[0]
            raise errors.GraphError(
                f"tensors from different graphs cannot be combined:\n"
                f"  {errors.describe_tensor(first, first.name)}\n"
                f"  {errors.describe_tensor(t, t.name)}\n"
                f"  build both in one graph (with graph.as_default())")
    return graph if graph is not None else get_default_graph()


def _build_error(op, inputs, e, site):
    labels = []
    for t in inputs:
        labels.append(t.node.name if len(t.node.outputs) == 1 else t.name)
    try:
        msg = e.msg.format(*labels)
    except (IndexError, KeyError):
        msg = e.msg
    lines = [f"{op.api}: {msg}"]
    seen = set()
    for t, label in zip(inputs, labels):
        if label not in seen:
            seen.add(label)
            lines.append("  " + errors.describe_tensor(t, label))
    cls = errors.DTypeError if e.kind == "dtype" else errors.ShapeError
    return cls("\n".join(lines) + errors.called_at(op.api, site))


def apply(op, inputs=(), name=None, **attrs):
    """Build one node of `op` on `inputs` in their graph; check shapes/dtypes now."""
    inputs = tuple(inputs)
    for t in inputs:
        if not isinstance(t, Tensor):
            raise TypeError(f"{op.api}: expected Tensor inputs, got {type(t).__name__}")
    default = get_default_graph()
    if default.outer is not None:           # building a cond branch: capture outer values
        inputs = default.capture_all(inputs)
    graph = _graph_of(inputs)
    site = errors.user_site()
    for k, v in attrs.items():
        if type(v) is Dimension or type(v) in (tuple, list) and Dimension in map(type, v):
            attrs[k] = _dim_values(v)
    ctx = InferContext(graph, inputs)
    try:
        out = op.infer(ctx, *inputs, **attrs)
    except InferError as e:
        raise _build_error(op, inputs, e, site) from None
    if isinstance(out, list):
        out = [(as_shape(s), dtypes.as_dtype(d)) for s, d in out]
    else:       # one output, usually a TensorShape and a DType already
        s, d = out
        out = [(s if type(s) is TensorShape else as_shape(s),
                d if type(d) is dtypes.DType else dtypes.as_dtype(d))]
    node = graph._add_node(op, inputs, attrs or _NO_ATTRS, out, name or op.name, site)
    if ctx.new_bindings:
        for dim, size in ctx.new_bindings.items():
            graph.dims.sizes.setdefault(dim, (size, site))
    return node


def apply_elementwise(op, inputs, kind, out_dtype=None, name=None):
    """apply1() of a unary or binary elementwise op whose infer rule is: operands of one
    dtype, of `kind` (a dtype kind, as InferContext.require takes), broadcast; the result
    of `out_dtype` (None: the operands'). The common case, Tensor operands of one graph
    with equal shapes (or a scalar beside a shape) outside a cond branch, is checked here
    without an InferContext: that is a third of the cost of building a chain of adds.
    Anything else goes through apply(), which infers, captures and reports errors."""
    x = inputs[0]
    if type(x) is not Tensor or get_default_graph().outer is not None:
        return apply1(op, inputs, name)
    d, s = x.dtype, x.shape
    if len(inputs) == 2:
        y = inputs[1]
        if type(y) is not Tensor or y.dtype is not d or y.node.graph is not x.node.graph:
            return apply1(op, inputs, name)
        dx, dy = s._dims, y.shape._dims
        if dx is None or dy is None:
            return apply1(op, inputs, name)
        if dx != dy and dy:
            if dx:                      # two shapes that differ: apply() broadcasts
                return apply1(op, inputs, name)
            s = y.shape                 # a scalar x beside a shaped y
    if kind != "any" and d.np.kind not in _KINDS[kind]:
        return apply1(op, inputs, name)
    site = errors.user_site()
    return x.node.graph._add_node(op, inputs, _NO_ATTRS, [(s, out_dtype or d)],
                                  name or op.name, site).outputs[0]


def _dim_values(v):
    """An attr holding TF1 Dimension objects (x.shape[i]) with their values instead, so
    it is an ordinary (hashable) int attr."""
    if type(v) is Dimension:
        return v.value
    return type(v)(d.value if type(d) is Dimension else d for d in v)


def apply1(op, inputs=(), name=None, **attrs):
    """apply() for single-output ops: returns the output tensor."""
    return apply(op, inputs, name, **attrs).outputs[0]
