"""gc.raw_ops: TF's raw ops (tf.raw_ops), one function per op type that graphc's
GraphDef importer builds, taking exactly TF's keyword arguments (inputs and attrs by
the names of TF's Python API) and `name`:

    y = gc.raw_ops.MatMul(a=x, b=w, transpose_b=True)
    s = gc.raw_ops.Add(x=1.0, y=2, name="sum")          # float32, as in TF
    vals, idx = gc.raw_ops.Unique(x=[3, 1, 3])          # a namedtuple (y, idx)

A call checks its keywords as TF's wrapper does, converts the inputs and infers the
type and number attrs from them (raw_ops_args.py), fills the attr defaults, and builds
the NodeDef through the importer's build_node (tf_graphdef_import.py) in the default
graph, under the given name made unique (TF's default: the op type). It returns what
TF returns: a Tensor for one output, a list for a list output, a namedtuple with the
output names for several outputs, and the Operation for an op without outputs.

The signatures are data (tf_raw_op_defs.py, made from TF's registry). An op TF has
but the importer does not build, or one taking functions (If, While...), is an
AttributeError that says so. See docs/raw-ops.md.
"""
import collections
import inspect
import types

import numpy as np

from .. import dtypes
from ..graph import get_default_graph

__all__ = ["raw_ops", "RawOpsModule"]


class _Input:
    """One input arg: keyword `name`, OpDef name `tf_name`, and its type: `fixed` (a
    dtype name) or `type` (a type attr), `count` (a number attr), `listed` (the type
    attr is a list(type) attr), `ref`."""
    __slots__ = ("name", "tf_name", "fixed", "type", "count", "listed", "ref")

    def __init__(self, text):
        key, spec = text.split(":", 1)
        self.name, _, tf_name = key.partition("=")
        self.tf_name = tf_name or self.name
        self.ref = spec.startswith("&")
        spec = spec.lstrip("&")
        self.listed = spec.startswith("[")
        self.count, _, spec = spec.rpartition("*") if "*" in spec else ("", "", spec)
        spec = spec.strip("[]")
        self.fixed = spec[1:] if spec.startswith("=") else ""
        self.type = "" if self.fixed else spec


class _Attr:
    """One attr: keyword `name`, OpDef name `tf_name`, `kind` (TF's attr type:
    "int", "list(type)"...), `allowed` values (names), `minimum`, `default`."""
    __slots__ = ("name", "tf_name", "kind", "allowed", "minimum", "has_default", "default")

    def __init__(self, entry, type_sets):
        key, self.kind, allowed, self.minimum = entry[:4]
        self.name, _, tf_name = key.partition("=")
        self.tf_name = tf_name or self.name
        self.allowed = tuple(type_sets[allowed].split()) if isinstance(allowed, int) \
            else allowed
        self.has_default = len(entry) == 5
        self.default = entry[4] if self.has_default else None
        if self.kind == "tensor" and self.default is not None:    # [values, dtype]
            from ..tf1_misc import make_tensor_proto
            values, dtype = self.default
            dtype = dtypes.as_dtype(dtype)
            self.default = make_tensor_proto(np.asarray(values, dtype.np), dtype)


class RawOpSignature:
    """An op's raw-op signature, parsed from its RAW_OP_DEFS entry: `op`, `pyname`
    (TF's Python function name), `inputs`, `outputs` (name, _Input-like type), `attrs`
    (by OpDef name), `params` (the keywords in TF's order) and `required` ones."""

    def __init__(self, op, entry, type_sets):
        self.op = op
        self.pyname, ins, outs, attrs = entry
        self.inputs = [_Input(s) for s in ins.split()]
        self.outputs = [_Input(s) for s in outs.split()]
        self.attrs = {a.tf_name: a for a in (_Attr(e, type_sets) for e in attrs)}
        inferred = {a.type for a in self.inputs} | {a.count for a in self.inputs}
        plain = [a for a in self.attrs.values() if a.tf_name not in inferred]
        self.params = [a.name for a in self.inputs] + \
            [a.name for a in plain if not a.has_default] + \
            [a.name for a in plain if a.has_default]
        self.required = set(self.params[:len(self.inputs)]) | \
            {a.name for a in plain if not a.has_default}
        self.defaults = {a.name: _shown(a) for a in plain if a.has_default}
        self.funcs = [a.tf_name for a in self.attrs.values() if "func" in a.kind]
        self.result = collections.namedtuple(op, [o.name for o in self.outputs]) \
            if len(self.outputs) > 1 else None


def _listing(names):
    """Python's way of listing missing arguments: 'a', 'a' and 'b', 'a', 'b', and 'c'."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def _check_keywords(sig, args, kwargs):
    """TF's wrapper's own checks: keywords only, no unknown ones, none missing."""
    if args:
        raise TypeError(f"{sig.pyname} only takes keyword args (possible keys: "
                        f"{sig.params + ['name']}). Please pass these args as kwargs "
                        "instead.")
    for key in kwargs:
        if key != "name" and key not in sig.defaults and key not in sig.required:
            raise TypeError(f"{sig.pyname}() got an unexpected keyword argument '{key}'")
    missing = [p for p in sig.params if p in sig.required and p not in kwargs]
    if missing:
        s = "s" if len(missing) > 1 else ""
        raise TypeError(f"{sig.pyname}() missing {len(missing)} required positional "
                        f"argument{s}: {_listing(missing)}")


def _input_name(t):
    """A tensor as a NodeDef input: "node" for output 0, "node:k" for output k."""
    return t.node.name if t.index == 0 else f"{t.node.name}:{t.index}"


def _count(out, attrs):
    if out.count:
        return attrs[out.count]
    return len(attrs[out.type]) if out.listed else 1


def _result(sig, op, outs, attrs):
    """TF's return value: a Tensor, a list, a namedtuple of them, or the Operation."""
    if not outs:
        return op
    groups, at = [], 0
    for out in sig.outputs:
        n = _count(out, attrs)
        groups.append(outs[at:at + n] if out.count or out.listed else outs[at])
        at += n
    if sig.result is None:
        return groups[0]
    return sig.result(*groups)


def call(sig, args, kwargs):
    """Build op sig.op from a raw-op call's keyword arguments (the function body of
    every gc.raw_ops.X)."""
    from .raw_ops_args import attr_value, convert_attrs, convert_inputs
    from .tf_graphdef import NodeDef
    from .tf_graphdef_import import build_node
    _check_keywords(sig, args, kwargs)
    name = kwargs.get("name")
    if name is None:
        name = sig.op
    elif not isinstance(name, str):
        raise TypeError(f"expected string or bytes-like object, got '{type(name).__name__}'")
    graph = get_default_graph()
    full = graph.unique_name(name)
    with graph.name_scope(full + "/"):      # converted inputs are "name/x", as in TF
        groups, inferred = convert_inputs(sig, kwargs)
    attrs = convert_attrs(sig, kwargs, inferred)
    inputs = [t for group in groups for t in group]
    nd = NodeDef(name=full, op=sig.op, input=[_input_name(t) for t in inputs],
                 attr={k: attr_value(sig, k, sig.attrs[k].kind, v)
                       for k, v in attrs.items()})
    op, outs = build_node(nd, inputs, [], graph, "", set(), {})
    return _result(sig, op, outs, attrs)


def _shown(attr):
    """An attr's default as TF's signature shows it (a dtype as a dtype object)."""
    try:
        if attr.kind == "type":
            return dtypes.as_dtype(attr.default)
        if attr.kind == "list(type)":
            return [dtypes.as_dtype(d) for d in attr.default]
    except TypeError:           # a dtype graphc lacks (bfloat16): its name
        pass
    return attr.default


def _make_function(op, sig):
    def raw_op(*args, **kwargs):
        return call(sig, args, kwargs)

    raw_op.__name__ = raw_op.__qualname__ = sig.pyname
    raw_op.__module__ = "graphc.raw_ops"
    params = [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                default=sig.defaults.get(p, inspect.Parameter.empty))
              for p in sig.params]
    params.append(inspect.Parameter("name", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    default=None))
    raw_op.__signature__ = inspect.Signature(params)
    outs = ", ".join(o.name for o in sig.outputs) or "no outputs (returns the Operation)"
    raw_op.__doc__ = (f"tf.raw_ops.{op}{raw_op.__signature__}: TF's {op} op, built by "
                      f"graphc's GraphDef importer (keyword arguments only).\n\n"
                      f"Outputs: {outs}.\n\n    gc.raw_ops.{op}(" +
                      ", ".join(f"{p}=..." for p in sig.params
                                if p in sig.required) + ")\n")
    return raw_op


class RawOpsModule(types.ModuleType):
    """The gc.raw_ops namespace: attribute X is TF's raw op X as a graphc function
    (made on first use); dir() lists the ops graphc supports.

        y = gc.raw_ops.Conv2D(input=x, filter=k, strides=[1, 1, 1, 1], padding="SAME")
    """

    def __init__(self):
        super().__init__("graphc.raw_ops", "TF's raw ops (tf.raw_ops) built by graphc.")
        self._tables = None         # (defs, type sets, TF-only names), loaded on first use

    def _load(self):
        """The signature tables (a large generated module, imported only when a raw op
        is first asked for: `import graphc` does not pay for it)."""
        if self._tables is None:
            from .tf_raw_op_defs import RAW_OP_DEFS, TF_ONLY, TYPE_SETS
            self._tables = (RAW_OP_DEFS, TYPE_SETS, frozenset(TF_ONLY))
        return self._tables

    def _signature(self, op):
        defs, type_sets, _ = self._load()
        entry = defs.get(op)
        return None if entry is None else RawOpSignature(op, entry, type_sets)

    def __getattr__(self, op):
        if op.startswith("_"):
            raise AttributeError(f"module 'graphc.raw_ops' has no attribute '{op}'")
        defs, _, tf_only = self._load()
        if op not in defs:
            if op in tf_only:
                raise AttributeError(f"raw_ops.{op}: TF's raw op {op} is not supported by "
                                     "graphc (its GraphDef importer does not build it)")
            raise AttributeError(f"module 'graphc.raw_ops' has no attribute '{op}'")
        sig = self._signature(op)
        if sig.funcs:
            raise AttributeError(f"raw_ops.{op}: TF's raw op {op} takes functions (attr "
                                 f"'{sig.funcs[0]}'), which graphc's raw_ops does not "
                                 "support: use gc.cond / gc.while_loop")
        fn = _make_function(op, sig)
        setattr(self, op, fn)           # made once per op
        return fn

    def __dir__(self):
        return sorted(op for op, (_, _, _, attrs) in self._load()[0].items()
                      if not any("func" in a[1] for a in attrs))


raw_ops = RawOpsModule()
