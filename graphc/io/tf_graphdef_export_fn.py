"""FunctionDefs for the exporter (tf_graphdef_export_flow.py): a graphc function graph
(a cond branch, a loop body or condition: ops/control.FuncGraph) written as a function
of the GraphDef's library by running the export table over the nodes its outputs need.

    fx = FunctionBuilder(ex, node, fg, "then_branch")
    x = fx.arg(gc.float32, "x", bind=placeholder_in_fg)     # an input arg
    fx.export([out])                                          # the nodes `out` needs
    name = fx.finish([fx.ref(out)], [gc.float32])            # added to the library

Inside a FunctionDef a node reads "node:out_arg:index" (TF's output arg name of that
op, tf_graphdef_export_args.py) or an input arg by its name; the table's NodeDefs read
"node" / "node:k" as in a GraphDef, and finish() rewrites them. Nested control flow
exports its own functions into the same library (nesting is followed by recursion
through the table, the graph itself never).
"""
import re

from .. import errors
from ..ops.control import _needed
from .tf_graphdef import AttrValue, FunctionDef, GraphDef, ListValue, NameAttrList
from .tf_graphdef_export import EXPORT, Exporter, ref, shape_proto
from .tf_graphdef_export_args import OUTPUT_ARGS
from .tf_graphdef_functiondef import ArgDef, Function
from .tf_graphdef_import import UnsupportedOpError, tf_datatype

__all__ = ["FunctionBuilder", "VARIANT", "type_enum", "type_list", "unsupported",
           "refuse_unsupported", "sub_graphs", "shapes_attr", "func_attr"]

VARIANT = 21            # TF's DT_VARIANT: a TensorList handle


def type_enum(d):
    """TF's DataType number of a graphc dtype (an int passes through: DT_VARIANT)."""
    return d if isinstance(d, int) else tf_datatype(d)


def type_list(types):
    """A list(type) AttrValue (it may hold DT_VARIANT, which graphc has no dtype for)."""
    return AttrValue(list=ListValue(type=[type_enum(d) for d in types]))


def _clean(s, lower=True):
    s = re.sub(r"[^A-Za-z0-9_]", "_", s.lower() if lower else s).strip("_")
    return s if s and s[0].isalpha() else "f_" + s


def sub_graphs(node):
    """The function graphs (fg, ins, outs) of an If or Loop node ([] for other ops)."""
    a = node.attrs
    if node.type in ("If", "StatelessIf"):
        return list(zip(a["branches"], a["ins"], a["outs"]))
    if node.type in ("Loop", "StatelessLoop"):
        return [a["body"]] + ([a["cond"]] if a["cond"] is not None else [])
    return []


def needed_nodes(fg, ins, outs):
    """The nodes of fg that computing outs runs when ins are fed, in creation order."""
    fed = {t for t in ins if t is not None}
    return sorted((n for n in _needed([t for t in outs if t is not None], fed)),
                  key=lambda n: n.id)


def unsupported(node):
    """The nodes inside node's functions (nested ones too) without a TF export. A stack
    walks the nesting, no recursion."""
    found, stack = [], [node]
    while stack:
        for fg, ins, outs in sub_graphs(stack.pop()):
            for n in needed_nodes(fg, ins, outs):
                if n.type not in EXPORT:
                    found.append(n)
                stack.append(n)
    return found


def refuse_unsupported(ex, node):
    """Refuse node (an If or Loop) before writing anything when its functions hold ops
    without a TF export, listing them all with their creation sites."""
    bad = unsupported(node)
    if bad:
        listed = "\n".join(f"  {n.type} node '{n.name}' ({errors.format_site(n.site)})"
                           for n in bad[:20])
        more = f"\n  ... and {len(bad) - 20} more" if len(bad) > 20 else ""
        raise UnsupportedOpError(
            f"cannot export {node.type} node '{node.name}' ({errors.format_site(node.site)})"
            f" to TensorFlow: its functions hold {len(bad)} node(s) of op type(s) "
            f"{', '.join(sorted({n.type for n in bad}))} that graphc has no TF export "
            f"for:\n{listed}{more}")


class _FunctionExporter(Exporter):
    """The export table's view of a function body: emit writes into the body."""

    def __init__(self, parent, fg):     # not Exporter.__init__: gd holds the body's
        self.gd = GraphDef()            # NodeDefs; functions go to the top's library
        self.top = getattr(parent, "top", parent)
        self.taken = {n.name for n in fg.nodes}
        self.last = None
        self.readers = {}
        self.consts = {}


class FunctionBuilder:
    """One FunctionDef of the library being written for graphc node `node` (an If or a
    Loop) from function graph `fg`; `role` ("then_branch", "body" ...) names it."""

    def __init__(self, ex, node, fg, role):
        self.ex, self.node, self.fg, self.role = ex, node, fg, role
        self.sub = _FunctionExporter(ex, fg)
        self.args = []                  # ArgDefs
        self.arg_names = set()
        self.bound = {}                 # a placeholder node's name -> the ref it stands for
        self.stateful = False           # effects or random draws (nested ones too)

    # ---- inputs and extra nodes ----------------------------------------------------------
    def arg(self, dtype, hint, bind=None):
        """A new input arg of `dtype` (a graphc dtype or a DataType number); placeholder
        tensor `bind` of fg reads it. Returns its name (a ref)."""
        name = self.sub.unique(_clean(hint))
        self.args.append(ArgDef(name=name, type=type_enum(dtype)))
        self.arg_names.add(name)
        if bind is not None:
            self.bind(bind, name)
        return name

    def bind(self, placeholder, to):
        """fg's placeholder tensor stands for ref `to` (an arg, or an extra node)."""
        self.bound[placeholder.node.name] = to

    def emit(self, op, inputs, name, **attrs):
        """An extra NodeDef of the body reading refs `inputs`; returns its name."""
        return self.sub.emit(self.node, op, [self.ref(x) for x in inputs], name=name,
                             **attrs)

    def const(self, name, value, dtype):
        return self.sub.const(self.node, name, value, dtype)

    def ref(self, t):
        """A tensor of fg (or a ref string) as a ref in the body."""
        if isinstance(t, str):
            return t
        if t.graph is not self.fg:
            raise self.ex.fail(self.node, f"its {self.role.replace('_', ' ')} reads "
                                          f"{t.name} of another graph")
        return self.bound.get(t.node.name, ref(t)) if t.index == 0 else ref(t)

    # ---- the body --------------------------------------------------------------------------
    def export(self, outs):
        """Run the export table over the nodes of fg that computing `outs` (tensors of
        fg, None entries skipped) needs, the bound placeholders fed."""
        fed = [t for n in self.fg.nodes if n.name in self.bound for t in n.outputs]
        for n in needed_nodes(self.fg, fed, outs):
            if n.name in self.bound:
                continue
            if n.type == "Placeholder":
                raise self.ex.fail(self.node, f"its {self.role.replace('_', ' ')} reads "
                                              f"placeholder '{n.name}', which it is not fed")
            if n.type == "Assign":
                raise self.ex.fail(self.node, f"{n.type} node '{n.name}' in its "
                                              f"{self.role.replace('_', ' ')}: TF's "
                                              "functions take no reference (variable) inputs")
            self.stateful = self.stateful or n.op.stateful or n.op.random
            EXPORT[n.type](self.sub, n)

    def finish(self, outs, types, hints=None):
        """Write the function returning refs `outs` of dtypes `types` into the library;
        returns its name."""
        nodes = {nd.name: nd for nd in self.sub.gd.node}
        fn = Function()
        fn.signature.input_arg = list(self.args)
        for nd in self.sub.gd.node:
            ins = [self._resolve(nd.name, s, nodes) for s in nd.input]
            data = [s for s in ins if s is not None and not s.startswith("^")]
            nd.input = data + list(dict.fromkeys(s for s in ins if s and s[0] == "^"))
            fn.node_def.append(nd)
        names = set()
        for k, (o, d) in enumerate(zip(outs, types)):
            name = _clean(hints[k] if hints else f"output_{k}")
            while name in names:
                name += "_"
            names.add(name)
            fn.signature.output_arg.append(ArgDef(name=name, type=type_enum(d)))
            fn.ret[name] = self._resolve("(its result)", o, nodes)
        top = self.ex.top if hasattr(self.ex, "top") else self.ex
        taken = getattr(top, "functions", None)
        if taken is None:
            taken = top.functions = {f.signature.name for f in top.gd.library.function}
        base = f"{_clean(self.node.name, lower=False)}_{self.role}"
        fname, k = base, 0
        while fname in taken:
            k += 1
            fname = f"{base}_{k}"
        taken.add(fname)
        fn.signature.name = fname
        fn.signature.is_stateful = self.stateful
        top.gd.library.function.append(FunctionDef(fn.SerializeToString()))
        return fname

    def _resolve(self, reader, s, nodes):
        """Graph ref s ("name", "name:k", "^name") as a FunctionDef input (None: a
        control input on an arg, which has none)."""
        ctrl = s.startswith("^")
        name, _, k = s.lstrip("^").partition(":")
        k = int(k or 0)
        if name in self.bound:
            if k:
                raise self.ex.fail(self.node, f"'{s}' read in its function")
            if ctrl:
                target = self.bound[name].partition(":")[0]
                return None if target in self.arg_names else "^" + target
            name, _, k = self.bound[name].partition(":")
            k = int(k or 0)
        if name in self.arg_names:
            return None if ctrl else name
        nd = nodes.get(name)
        if nd is None:
            raise self.ex.fail(self.node, f"node '{reader}' of its "
                                          f"{self.role.replace('_', ' ')} reads '{s}', "
                                          "which is not in that function")
        if ctrl:
            return "^" + name
        return f"{name}:{output_arg(self.ex, self.node, nd, k)}"


def output_arg(ex, node, nd, k):
    """"out_arg:index" of output k of NodeDef nd, by TF's output arg names."""
    specs = OUTPUT_ARGS.get(nd.op)
    if specs is None:
        raise ex.fail(node, f"TF op {nd.op} (node '{nd.name}' in one of its functions) is "
                            "not in tf_graphdef_export_args.py's table of output arg names "
                            "(rerun tests/data/make_tf_output_args.py)")
    for spec in specs.split():
        for sep in "*+":
            if sep in spec:
                arg, attr = spec.split(sep)
                v = nd.attr[attr] if attr in nd.attr else None
                if v is None:
                    raise ex.fail(node, f"node '{nd.name}' ({nd.op}) lacks attr '{attr}'")
                count = v.i if sep == "*" else len(v.list.type)
                break
        else:
            arg, count = spec, 1
        if k < count:
            return f"{arg}:{k}"
        k -= count
    raise ex.fail(node, f"node '{nd.name}' ({nd.op}) has no output {k}")


def shapes_attr(shapes):
    """A list(shape) AttrValue of graphc TensorShapes."""
    return AttrValue(list=ListValue(shape=[shape_proto(s) for s in shapes]))


def func_attr(name):
    """A func AttrValue calling library function `name`."""
    return AttrValue(func=NameAttrList(name=name))

