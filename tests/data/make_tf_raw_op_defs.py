"""Writes graphc/io/tf_raw_op_defs.py: the signatures of TF's raw ops (tf.raw_ops.X)
for every op type of graphc's GraphDef import table that TF's registry knows, and the
names of all of TF's raw ops. Run with TensorFlow installed, from the repository root:

    python tests/data/make_tf_raw_op_defs.py

Per op it records the Python function's name, its inputs (the keyword name, the
OpDef's name where TF's Python API renames it, and the type: a type attr, a fixed
dtype, a number attr or a list(type) attr, and whether it is a ref) and its attrs
(type, allowed values, minimum, default). Rerun it after adding ops to the import
table (graphc/io/tf_graphdef_*.py)."""
import inspect
import os
import re
import sys

import numpy as np
import tensorflow as tf
from tensorflow.core.framework import types_pb2
from tensorflow.python.framework import op_def_registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.path.join(ROOT, "graphc", "io", "tf_raw_op_defs.py")
sys.path.insert(0, ROOT)


def dtype_name(num):
    return tf.dtypes.as_dtype(num).name


def type_spec(arg):
    """'T', '=int32', 'N*T', 'N*=int32' or '[T]' (a list(type) attr); '&' first: a ref."""
    base = f"={dtype_name(arg.type)}" if arg.type != types_pb2.DT_INVALID else arg.type_attr
    if arg.number_attr:
        base = f"{arg.number_attr}*{base}"
    elif arg.type_list_attr:
        base = f"[{arg.type_list_attr}]"
    return ("&" if arg.is_ref else "") + base


def shape_value(shape):
    if shape.unknown_rank:
        return None
    return [d.size if d.size >= 0 else None for d in shape.dim]


def short(f):
    """A float attr as TF's wrappers write it: the shortest float32 repr (0.2, not
    0.20000000298023224)."""
    return float(str(np.float32(f)))


def attr_value(v, kind):
    """An AttrValue as a Python literal (dtypes by name, shapes as lists or None)."""
    which = v.WhichOneof("value")
    if which == "list":
        lv = v.list
        return {"list(string)": lambda: [s.decode() for s in lv.s],
                "list(int)": lambda: list(lv.i), "list(float)": lambda: [short(f) for f in lv.f],
                "list(bool)": lambda: list(lv.b),
                "list(type)": lambda: [dtype_name(t) for t in lv.type],
                "list(shape)": lambda: [shape_value(s) for s in lv.shape]}[kind]()
    if which == "s":
        return v.s.decode()
    if which == "type":
        return dtype_name(v.type)
    if which == "shape":
        return shape_value(v.shape)
    if which == "f":
        return short(v.f)
    if which in ("i", "b"):
        return getattr(v, which)
    if which is None and kind.startswith("list("):
        return []
    if which == "tensor":           # (ImageSummary's bad_color): [values, dtype name]
        return [tf.make_ndarray(v.tensor).tolist(), dtype_name(v.tensor.dtype)]
    raise ValueError(f"a default of kind {which} ({kind})")


def helper_args(fn):
    """OpDef arg name -> Python keyword, read from the wrapper's _apply_op_helper call."""
    src = inspect.getsource(fn)
    start = src.index("_apply_op_helper(")
    call = src[start:src.index(")", start)]
    return {k: v for k, v in re.findall(r"(\w+)=(\w+)", call)}


def op_entry(name, type_sets):
    op = op_def_registry.get(name)
    fn = getattr(tf.raw_ops, name)
    to_py = helper_args(fn)
    params = [p for p in inspect.signature(fn).parameters.values() if p.name != "name"]
    inferred = set()
    inputs = []
    for arg in op.input_arg:
        py = to_py[arg.name]
        inputs.append(py if py == arg.name else f"{py}={arg.name}")
        inputs[-1] += ":" + type_spec(arg)
        inferred |= {arg.type_attr, arg.number_attr, arg.type_list_attr} - {""}
    attrs = []
    for a in op.attr:
        py = a.name if a.name in inferred else to_py[a.name]
        allowed = None
        if a.allowed_values.list.type:
            types = " ".join(dtype_name(t) for t in a.allowed_values.list.type)
            allowed = type_sets.setdefault(types, len(type_sets))
        elif a.allowed_values.list.s:
            allowed = tuple(s.decode() for s in a.allowed_values.list.s)
        entry = (py if py == a.name else f"{py}={a.name}", a.type, allowed,
                 a.minimum if a.has_minimum else None)
        if a.HasField("default_value") and not a.type.startswith("func") and \
                not a.type.startswith("list(func"):
            entry += (attr_value(a.default_value, a.type),)
        attrs.append(entry)
    # the keyword order TF's Python wrapper has: inputs, attrs without, attrs with default
    plain = [a for a in attrs if a[0].split("=")[0] not in inferred]
    order = [i.split(":")[0].split("=")[0] for i in inputs] + \
        [a[0].split("=")[0] for a in plain if len(a) == 4] + \
        [a[0].split("=")[0] for a in plain if len(a) == 5]
    got = [p.name for p in params]
    assert order == got, (name, order, got)
    outputs = " ".join(f"{a.name}:{type_spec(a)}" for a in op.output_arg)
    return (fn.__name__, " ".join(inputs), outputs, tuple(attrs))


def wrap(items, indent="    ", width=92):
    lines, line = [], indent
    for item in items:
        if len(line) + len(item) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += item + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def wrap_string(s, width=84):
    """A long string literal as adjacent literals on several lines."""
    parts, line = [], ""
    for word in s.split(" "):
        if line and len(line) + len(word) + 1 > width:
            parts.append(repr(line + " "))
            line = word
        else:
            line = f"{line} {word}" if line else word
    parts.append(repr(line))
    return "\n    ".join(parts)


def format_op(name, entry):
    """One RAW_OP_DEFS item, its attrs one a line where the whole is too long."""
    pyname, inputs, outputs, attrs = entry
    one = f"    {name!r}: {entry!r},"
    if len(one) <= 96:
        return one
    head = f"    {name!r}: ({pyname!r}, {inputs!r}, {outputs!r}, ("
    if len(head) > 96:
        head = f"    {name!r}: (\n        {pyname!r}, {inputs!r}, {outputs!r}, ("
    if len(head) > 96 + len(repr(name)) + 8:
        head = f"    {name!r}: (\n        {pyname!r},\n        {inputs!r},\n        {outputs!r}, ("
    return head + "".join(f"\n        {a!r}," for a in attrs) + ")),"


def main():
    from graphc.io.tf_graphdef_import import OPS
    type_sets = {}
    table = {}
    for name in sorted(OPS):
        if op_def_registry.get(name) is not None and hasattr(tf.raw_ops, name):
            table[name] = op_entry(name, type_sets)
    tf_only = sorted(n for n in dir(tf.raw_ops) if not n.startswith("_") and n not in table)
    sets = "\n".join(f"    # {i}\n    " + wrap_string(types) + "," for types, i in type_sets.items())
    ops = "\n".join(format_op(name, entry) for name, entry in table.items())
    with open(TARGET, "w") as f:
        f.write(f'''"""TF's raw op signatures for gc.raw_ops (made from TF's op registry and tf.raw_ops
by tests/data/make_tf_raw_op_defs.py; rerun it after adding ops to the import table).

RAW_OP_DEFS[op type] = (Python name, inputs, outputs, attrs):
  inputs: "keyword[=opdef name]:type" each, where type is a type attr ("T"), a fixed
    dtype ("=int32"), a number attr's count of either ("N*T"), or a list(type) attr
    ("[T]"); a leading "&" marks a ref input.
  outputs: "name:type" each (the OpDef's output args, types as for inputs).
  attrs: (name[=opdef name], attr type, allowed, minimum[, default]) each, allowed
    being an index into TYPE_SETS (type attrs) or a tuple of strings, or None.
TF_ONLY lists TF's other raw ops (those graphc's importer does not build)."""

__all__ = ["RAW_OP_DEFS", "TYPE_SETS", "TF_ONLY"]

TYPE_SETS = (
{sets}
)

RAW_OP_DEFS = {{
{ops}
}}

TF_ONLY = """
{wrap(tf_only, indent="")}
""".split()
''')
    print(f"{len(table)} ops, {len(tf_only)} TF-only -> {TARGET}")


if __name__ == "__main__":
    main()
