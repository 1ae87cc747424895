"""A gc.GraphDef in protobuf's text format: the `.pbtxt` TF1's
`tf.io.write_graph(graph_def, logdir, name, as_text=True)` writes (what
google.protobuf.text_format.MessageToString prints for TF's GraphDef: two-space
indents, C-escaped strings, map entries in key order, DT_* enum names), its function
library included.

    text = gc.io.tf_graphdef_text.graph_def_text(gd)
"""
import numpy as np

__all__ = ["graph_def_text"]

_DT_NAMES = {1: "DT_FLOAT", 2: "DT_DOUBLE", 3: "DT_INT32", 4: "DT_UINT8", 5: "DT_INT16",
             6: "DT_INT8", 7: "DT_STRING", 8: "DT_COMPLEX64", 9: "DT_INT64", 10: "DT_BOOL",
             17: "DT_UINT16", 18: "DT_COMPLEX128", 19: "DT_HALF", 22: "DT_UINT32",
             23: "DT_UINT64"}
_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"',
            ord("'"): "\\'", ord("\\"): "\\\\"}


def quote(data):
    """protobuf's CEscape: printable ASCII as is, the rest as three-digit octal."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return '"' + "".join(_ESCAPES.get(c) or (chr(c) if 32 <= c < 127 else f"\\{c:03o}")
                         for c in data) + '"'


def _float(x):
    x = np.float32(x)
    return "inf" if x == np.inf else "-inf" if x == -np.inf else str(x)


class _Writer:
    def __init__(self):
        self.lines, self.depth = [], 0

    def field(self, name, value):
        self.lines.append(f"{'  ' * self.depth}{name}: {value}")

    def open(self, name):
        self.lines.append(f"{'  ' * self.depth}{name} {{")
        self.depth += 1

    def close(self):
        self.depth -= 1
        self.lines.append(f"{'  ' * self.depth}}}")

    def message(self, name, write, m):
        self.open(name)
        write(self, m)
        self.close()


def _shape(w, s):
    for d in s.dim:
        w.open("dim")
        if d.size:
            w.field("size", d.size)
        if d.name:
            w.field("name", quote(d.name))
        w.close()
    if s.unknown_rank:
        w.field("unknown_rank", "true")


def _tensor(w, t):
    if t._unknown:
        raise ValueError("a TensorProto with fields graphc keeps as bytes (half_val, "
                         "float_val ...) has no text form here; write the GraphDef "
                         "with as_text=False")
    if t.dtype:
        w.field("dtype", _DT_NAMES.get(t.dtype, t.dtype))
    w.message("tensor_shape", _shape, t.tensor_shape)
    if t.tensor_content:
        w.field("tensor_content", quote(t.tensor_content))
    for s in t.string_val:
        w.field("string_val", quote(s))


def _name_attr_list(w, f):
    if f.name:
        w.field("name", quote(f.name))
    _attr_map(w, f.attr)


def _list(w, v):
    for s in v.s:
        w.field("s", quote(s))
    for i in v.i:
        w.field("i", i)
    for f in v.f:
        w.field("f", _float(f))
    for b in v.b:
        w.field("b", "true" if b else "false")
    for t in v.type:
        w.field("type", _DT_NAMES.get(t, t))
    for s in v.shape:
        w.message("shape", _shape, s)
    for t in v.tensor:
        w.message("tensor", _tensor, t)
    for f in v.func:
        w.message("func", _name_attr_list, f)


def _attr_value(w, v):
    which = v.WhichOneof("value")
    if which is None:
        return
    x = getattr(v, which)
    if which in ("s", "placeholder"):
        w.field(which, quote(x))
    elif which == "i":
        w.field("i", x)
    elif which == "f":
        w.field("f", _float(x))
    elif which == "b":
        w.field("b", "true" if x else "false")
    elif which == "type":
        w.field("type", _DT_NAMES.get(x, x))
    else:
        write = {"list": _list, "shape": _shape, "tensor": _tensor,
                 "func": _name_attr_list}[which]
        w.message(which, write, x)


def _attr_map(w, attr):
    for key in sorted(attr):
        w.open("attr")
        w.field("key", quote(key))
        w.message("value", _attr_value, attr[key])
        w.close()


def _node(w, nd):
    if nd._rest:
        raise ValueError(f"node '{nd.name}' has fields graphc keeps as bytes "
                         "(experimental_debug_info ...); write it with as_text=False")
    w.field("name", quote(nd.name))
    w.field("op", quote(nd.op))
    for s in nd.input:
        w.field("input", quote(s))
    if nd.device:
        w.field("device", quote(nd.device))
    _attr_map(w, nd.attr)


def _versions(w, v):
    if v.producer:
        w.field("producer", v.producer)
    if v.min_consumer:
        w.field("min_consumer", v.min_consumer)
    for b in v.bad_consumers:
        w.field("bad_consumers", b)


def _arg(w, a):
    w.field("name", quote(a.name))
    if a.type:
        w.field("type", _DT_NAMES.get(a.type, a.type))
    for key in ("type_attr", "number_attr", "type_list_attr"):
        if getattr(a, key):
            w.field(key, quote(getattr(a, key)))
    if a.is_ref:
        w.field("is_ref", "true")


def _signature(w, sig):
    w.field("name", quote(sig.name))
    for a in sig.input_arg:
        w.message("input_arg", _arg, a)
    for a in sig.output_arg:
        w.message("output_arg", _arg, a)
    if sig.is_stateful:
        w.field("is_stateful", "true")
    for c in sig.control_output:
        w.field("control_output", quote(c))


def _string_map(w, name, m):
    for key in sorted(m):
        w.open(name)
        w.field("key", quote(key))
        w.field("value", quote(m[key]))
        w.close()


def _function(w, fn):
    w.message("signature", _signature, fn.signature)
    for nd in fn.node_def:
        w.message("node_def", _node, nd)
    _string_map(w, "ret", fn.ret)
    _attr_map(w, fn.attr)
    _string_map(w, "control_ret", fn.control_ret)


def _library(w, lib):
    from .tf_graphdef_functiondef import parse_function_def
    for f in lib.function:
        fn = parse_function_def(f)
        if fn.signature.attr or fn.SerializeToString() != f.SerializeToString():
            raise ValueError(f"function '{fn.name}' has fields graphc keeps only as bytes "
                             "(attr definitions, arg attrs ...); write the GraphDef with "
                             "as_text=False")
        w.message("function", _function, fn)


def graph_def_text(gd):
    """gd (a gc.GraphDef) in protobuf's text format, ending in a newline (empty for an
    empty GraphDef). Fields graphc keeps only as bytes (debug info, gradient functions,
    a function's attr definitions) have no text form here: ValueError, write those as
    binary."""
    w = _Writer()
    _graph_def(w, gd)
    return "".join(line + "\n" for line in w.lines)


def _graph_def(w, gd):
    """Write gd's fields (a GraphDef's body; saved_model's writer nests it)."""
    if gd._rest or gd.library._rest:
        raise ValueError("a GraphDef with debug info or gradient functions has no text "
                         "form in graphc; write it with as_text=False")
    for nd in gd.node:
        w.message("node", _node, nd)
    if gd.library.function:
        w.message("library", _library, gd.library)
    if gd.version:
        w.field("version", gd.version)
    if gd.versions.SerializeToString():
        w.message("versions", _versions, gd.versions)
