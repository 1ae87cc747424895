"""TF's functional control flow and function calls in an imported GraphDef: the import
table rows of If/StatelessIf (tf.cond), While/StatelessWhile (tf.while_loop),
Case/StatelessCase (tf.switch_case) and PartitionedCall/StatefulPartitionedCall (a
tf.function called in a graph), whose functions are FunctionDefs of the GraphDef's
library (node.library).

    If(cond, input...)    -> gc.cond(cond, lambda: then_branch(input...),
                                           lambda: else_branch(input...))
    While(input...)       -> gc.while_loop(cond, body, [input...])
    Case(index, input...) -> gc.switch_case(index, [lambda: branch(input...), ...])
    PartitionedCall(args) -> the body of f, inlined on args

A function body is built by the importer's own per-node machinery (the OPS table, input
type checks, every attr honoured), in Kahn order, its input args bound to the given
tensors; a body may call functions in turn (nesting is followed by recursion, the body
itself never). Loop variables that the body passes through unchanged (TF's captured
tensors) stay the outer tensors inside the loop, so constants among them remain static.
"""
from .. import dtypes, errors
from ..graph import get_default_graph
from ..shapes import fits
from .serialize import SerializationError
from .tf_graphdef_functiondef import output_index, parse_function_def
from .tf_graphdef_ops import table_op

__all__ = ["OPS", "call_function"]

OPS = {}


_op = table_op(OPS)


# ---- function attrs --------------------------------------------------------------------
def _checked(n, f, key):
    if f.attr:
        raise n.fail(f"attr '{key}' calls function '{f.name}' with attrs {sorted(f.attr)}; "
                     "graphc imports functions without instantiation attrs only")
    if f.name not in n.library:
        raise n.fail(f"attr '{key}' names function '{f.name}', which is not in the "
                     "GraphDef's library", SerializationError)
    return f.name


def _func(n, key):
    """The name of the function that func attr `key` of node n calls."""
    n.used.add(key)
    if key not in n.nd.attr:
        raise n.fail(f"has no attr '{key}'", SerializationError)
    v = n.nd.attr[key]
    if v.WhichOneof("value") != "func":
        raise n.fail(f"attr '{key}' is not a function")
    return _checked(n, v.func, key)


def _funcs_of(v):
    """The function names an AttrValue refers to."""
    which = v.WhichOneof("value")
    if which == "func":
        return [v.func.name]
    return [f.name for f in v.list.func] if which == "list" else []


def _check_ops(n, fname):
    """Every op of function `fname` and of the functions it calls is importable, and
    every function called is in the library; all that is not is listed at once."""
    from .tf_graphdef_import import OPS as ALL, UnsupportedOpError
    bad, missing = {}, []
    seen, stack = {fname}, [fname]
    while stack:
        name = stack.pop()
        for nd in parse_function_def(n.library[name]).node_def:
            if nd.op not in ALL:
                bad.setdefault((name, nd.op), []).append(nd.name)
            for v in nd.attr.values():
                for f in _funcs_of(v):
                    if f not in n.library:
                        missing.append(f"function '{f}' (node '{nd.name}' of '{name}')")
                    elif f not in seen:
                        seen.add(f)
                        stack.append(f)
    if missing:
        raise n.fail(f"the GraphDef's library lacks {', '.join(missing)}",
                     SerializationError)
    if bad:
        lines = [f"  {op} in function '{fn}': {', '.join(repr(x) for x in names[:5])}"
                 + (f" and {len(names) - 5} more" if len(names) > 5 else "")
                 for (fn, op), names in sorted(bad.items())]
        raise n.fail(f"function '{fname}' has ops graphc does not import:\n"
                     + "\n".join(lines), UnsupportedOpError)


# ---- a function body -------------------------------------------------------------------
def _arg_dtype(n, where, arg):
    from .tf_graphdef_import import OPAQUE, tf_dtype
    if arg.type_attr or arg.number_attr or arg.type_list_attr or not arg.type:
        raise n.fail(f"{where}: arg '{arg.name}' has a polymorphic type (attrs "
                     f"{arg.type_attr or arg.number_attr or arg.type_list_attr!r}); graphc "
                     "imports functions of fixed types only")
    if arg.is_ref:
        raise n.fail(f"{where}: arg '{arg.name}' is a reference")
    return OPAQUE.get(arg.type) or tf_dtype(arg.type, f"{where} arg '{arg.name}'")


def _parse_inputs(n, where, fn, bound):
    """Each node's inputs as ("arg", name), ("out", node, arg, index) or ("ctrl", node)."""
    index = {}
    for i, nd in enumerate(fn.node_def):
        if nd.name in index or nd.name in bound:
            raise n.fail(f"{where} has two nodes (or args) named '{nd.name}'",
                         SerializationError)
        index[nd.name] = i
    parsed = []
    for nd in fn.node_def:
        ins = []
        for s in nd.input:
            parts = s.lstrip("^").split(":")
            if s.startswith("^"):
                if s[1:] in index:
                    ins.append(("ctrl", s[1:]))
                elif s[1:] not in bound:
                    raise n.fail(f"{where}: node '{nd.name}' has an unknown control input "
                                 f"'{s}'", SerializationError)
            elif len(parts) == 1 and s in bound:
                ins.append(("arg", s))
            elif len(parts) == 3 and parts[0] in index and parts[2].isdigit():
                ins.append(("out", parts[0], parts[1], int(parts[2])))
            else:
                raise n.fail(f"{where}: node '{nd.name}' has input '{s}', which is neither "
                             "an input arg nor 'node:output:index' of a node of the body",
                             SerializationError)
        parsed.append(ins)
    return index, parsed


def _kahn(fn, index, parsed):
    """The body's node positions, each after the nodes it reads (Kahn's algorithm)."""
    users, pending = [[] for _ in parsed], [0] * len(parsed)
    for i, ins in enumerate(parsed):
        for src in ins:
            if src[0] != "arg":
                users[index[src[1]]].append(i)
                pending[i] += 1
    from .tf_graphdef_import import kahn_order
    order = kahn_order(users, pending)
    if len(order) != len(parsed):
        stuck = [fn.node_def[i].name for i in range(len(parsed)) if pending[i]][:5]
        raise SerializationError(f"function '{fn.name}' has a cycle through {stuck}")
    return order


def _output(n, where, fn, built, bound, ref):
    """The tensor a "node:out:idx" (or input arg) reference of the body names."""
    from .tf_graphdef_import import OPS as ALL
    if ref in bound:
        return bound[ref]
    parts = ref.split(":")
    if len(parts) != 3 or parts[0] not in built or not parts[2].isdigit():
        raise n.fail(f"{where}: '{ref}' is not an output of a node of the body",
                     SerializationError)
    op_type, outs = built[parts[0]]
    k = output_index(op_type, ALL[op_type][1], parts[1], int(parts[2]))
    if k is None or k >= len(outs):
        raise n.fail(f"{where}: {op_type} node '{parts[0]}' has no output '{parts[1]}:"
                     f"{parts[2]}' that graphc knows", SerializationError)
    return outs[k]


def _in_function(err, where):
    try:
        return type(err)(f"{err}\n  in {where}")
    except Exception:                   # an error class with other arguments
        return err


def call_function(n, fname, args):
    """Build the body of library function `fname` into the default graph with its
    input args bound to tensors `args`; its output tensors (node n calls it)."""
    from .tf_graphdef_import import InputTypeError, Node, _build
    _check_ops(n, fname)
    fn = parse_function_def(n.library[fname])
    where = f"function '{fname}' (called by {n.op} node '{n.nd.name}')"
    sig = fn.signature
    if len(args) != len(sig.input_arg):
        raise n.fail(f"{where} takes {len(sig.input_arg)} inputs, the node gives "
                     f"{len(args)}", SerializationError)
    for i, (arg, t) in enumerate(zip(sig.input_arg, args)):
        d = _arg_dtype(n, where, arg)
        if isinstance(d, dtypes.DType) and t.dtype != d:
            raise n.fail(f"input {i} ('{arg.name}') of {where} is {d.name}, the node gives "
                         f"{t.dtype.name} ({t.name})", InputTypeError)
    bound = {arg.name: t for arg, t in zip(sig.input_arg, args)}
    index, parsed = _parse_inputs(n, where, fn, bound)
    graph = get_default_graph()
    scope = graph.get_name_scope()
    prefix = scope + "/" if scope else ""
    names = {gnode.name for gnode in graph.nodes}
    built, ops = {}, {}                 # node name -> (op type, outputs), Operation
    for i in _kahn(fn, index, parsed):
        nd = fn.node_def[i]
        inputs, controls = [], []
        for src in parsed[i]:
            if src[0] == "ctrl":
                controls.append(ops[src[1]])
            else:
                inputs.append(_output(n, where, fn, built, bound, src[1] if src[0] == "arg"
                                      else ":".join(map(str, src[1:]))))
        node = Node(nd, prefix, prefix + nd.name in names)
        node.library = n.library
        before = len(graph.nodes)
        try:
            op, outs = _build(node, inputs, controls, graph)
        except (errors.GraphcError, TypeError, ValueError) as err:
            raise _in_function(err, where) from None
        built[nd.name], ops[nd.name] = (nd.op, outs), op
        for gnode in graph.nodes[before:]:
            names.add(gnode.name)
            if nd.device:
                gnode.device = nd.device
    outs = []
    for i, arg in enumerate(sig.output_arg):
        if arg.name not in fn.ret:
            raise n.fail(f"{where} does not return its output '{arg.name}'",
                         SerializationError)
        t = _output(n, where, fn, built, bound, fn.ret[arg.name])
        d = _arg_dtype(n, where, arg)
        if isinstance(d, dtypes.DType) and t.dtype != d:
            raise n.fail(f"output {i} ('{arg.name}') of {where} is {d.name} in its "
                         f"signature, {t.dtype.name} in its body", SerializationError)
        outs.append(t)
    effects = [ops[fn.control_ret[c]] for c in sig.control_output
               if fn.control_ret.get(c) in ops]
    if effects and outs:            # the body's side effects run whenever it is called
        from ..ops.core import identity
        with graph.control_dependencies(effects):
            outs = [identity(t, name="control_ret") for t in outs]
    return outs if outs or not effects else effects


# ---- the call ops ----------------------------------------------------------------------
def _pred(n, c):
    """TF's predicate rule: a bool scalar; a number is true when not zero, a string
    when not empty; a tensor of rank > 0 is true when it has elements (a rank known only
    when run is told apart by a cond)."""
    import graphc as gc
    rank = c.shape.rank
    if rank is None:
        return gc.cond(gc.equal(gc.rank(c), 0), lambda: _pred(n, gc.reshape(c, [])),
                       lambda: gc.greater(gc.size(c), 0), name="pred")
    if rank > 0:
        return gc.greater(gc.size(c), 0, name="nonempty")
    if c.dtype == dtypes.bool:
        return c
    if c.dtype == dtypes.string:
        return gc.greater(gc.strings.length(c), 0, name="nonempty")
    return gc.not_equal(c, gc.zeros([], c.dtype), name="nonzero")


def _opaque_unknown(n, key, shapes):
    """shapes with those of the DT_RESOURCE / DT_VARIANT entries of type list attr `key`
    unknown: TF gives a handle shape (), graphc carries a TensorList as its buffer."""
    types = n.attr(key, [])
    return [None if i < len(types) and not isinstance(types[i], dtypes.DType) else s
            for i, s in enumerate(shapes)]


def _set_shapes(n, outs):
    """Refine the outputs' static shapes by the node's output_shapes attr."""
    import graphc as gc
    shapes = _opaque_unknown(n, "Tout", n.attr("output_shapes", []))
    if not shapes:
        return outs
    if len(shapes) != len(outs):
        raise n.fail(f"output_shapes has {len(shapes)} shapes for {len(outs)} outputs")
    for t, s in zip(outs, shapes):
        try:
            t.set_shape(gc.TensorShape(s))
        except errors.ShapeError:
            raise n.fail(f"output {t.name} of shape {t.shape} does not fit its "
                         f"output_shapes entry {gc.TensorShape(s)}") from None
    return outs


def _no_outputs(n):
    if not n.attr("Tout", []):
        raise n.fail("a call without outputs (run for its side effects only) is not "
                     "supported")


@_op("If StatelessIf", "Tcond *Tin", "*Tout")
def _if(n, cond, *args):
    """gc.cond with the branch functions built inside each branch."""
    import graphc as gc
    then_f, else_f = _func(n, "then_branch"), _func(n, "else_branch")
    _no_outputs(n)
    outs = gc.cond(_pred(n, cond), lambda: call_function(n, then_f, args),
                   lambda: call_function(n, else_f, args), strict=True)
    return _set_shapes(n, list(outs))


@_op("Case StatelessCase", "=int32 *Tin", "*Tout")
def _case(n, index, *args):
    """gc.switch_case: branch `index`, the last one when out of range (TF's Case)."""
    import graphc as gc
    n.used.add("branches")
    v = n.nd.attr["branches"] if "branches" in n.nd.attr else None
    if v is None or v.WhichOneof("value") != "list" or not v.list.func:
        raise n.fail("attr 'branches' must list the branch functions")
    fns = [_checked(n, f, "branches") for f in v.list.func]
    _no_outputs(n)
    if len(fns) == 1:
        outs = call_function(n, fns[0], args)
    else:
        outs = gc.switch_case(index, [lambda f=f: call_function(n, f, args) for f in fns])
    return _set_shapes(n, list(outs) if isinstance(outs, (list, tuple)) else [outs])


@_op("While StatelessWhile", "*T", "*T")
def _while(n, *args):
    """gc.while_loop: loop variables args, the cond and body functions traced inside;
    output_shapes are the loop's shape invariants."""
    import graphc as gc
    cond_f, body_f = _func(n, "cond"), _func(n, "body")
    body = parse_function_def(n.library[body_f])
    # the loop variables the body passes through unchanged stay the outer tensors
    fixed = {i for i, (a, o) in enumerate(zip(body.input_arg, body.output_arg))
             if body.ret.get(o.name) == a.name}

    def bind(vs):
        return [init[i] if i in fixed else v for i, v in enumerate(vs)]

    def cond(*vs):
        out = call_function(n, cond_f, bind(vs))
        if len(out) != 1:
            raise n.fail(f"cond function '{cond_f}' returns {len(out)} tensors, not one")
        return _pred(n, out[0])

    shapes = _opaque_unknown(n, "T", n.attr("output_shapes", []))
    if shapes and len(shapes) != len(args):
        raise n.fail(f"output_shapes has {len(shapes)} shapes for {len(args)} loop "
                     "variables")
    init = list(args)
    for i, s in enumerate(shapes):      # TF inferred more of a shape than graphc (a Fill
        inv = gc.TensorShape(s)         # of a partly known shape): TF's shape, asserted
        if not fits(init[i].shape, inv) and init[i].shape.is_compatible_with(inv):
            init[i] = gc.ensure_shape(init[i], inv)
    outs = gc.while_loop(cond, lambda *vs: call_function(n, body_f, bind(vs)), init,
                         shape_invariants=[gc.TensorShape(s) for s in shapes] or None,
                         parallel_iterations=n.attr("parallel_iterations", 10),
                         return_same_structure=True)
    return list(outs)


@_op("PartitionedCall StatefulPartitionedCall", "*Tin", "*Tout")
def _partitioned_call(n, *args):
    """The body of function f, inlined (under the node's name scope)."""
    import graphc as gc
    f = _func(n, "f")
    for key in ("config", "config_proto", "executor_type"):
        n.attr(key, "")                 # runtime options: no effect on the values
    graph = get_default_graph()
    # the node's scope "name/" is entered already, unless its name was taken
    with graph.name_scope(graph.get_name_scope() + "/" if n.name.endswith("/")
                          else n.nd.name) as scope:
        outs = call_function(n, f, list(args))
    if outs and isinstance(outs[0], gc.Tensor):
        return outs
    with graph.control_dependencies(outs):       # side effects only (or nothing)
        return gc.no_op(name=scope)
