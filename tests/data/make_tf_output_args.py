"""Writes graphc/io/tf_graphdef_export_args.py: the output arg names of every TF op
the export table can emit (a FunctionDef node reads "node:out_arg:index"), from TF's
op registry. Run with TensorFlow installed, from the repository root:

    python tests/data/make_tf_output_args.py

The op names are the string literals of graphc/io/tf_graphdef_export*.py (the
@export lists, whose graphc types are also TF's op names, and the ops emitted by
name) and graphc's export table's keys (some exporters take their names from tables)
that TF's registry knows; rerun it after adding ops to the export table."""
import ast
import glob
import os
import sys

from tensorflow.python.framework import op_def_registry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.path.join(ROOT, "graphc", "io", "tf_graphdef_export_args.py")


def literals(path):
    with open(path) as f:
        tree = ast.parse(f.read())
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def spec(arg):
    """"name" (one tensor), "name*N" (number_attr N), "name+T" (type_list_attr T)."""
    if arg.number_attr:
        return f"{arg.name}*{arg.number_attr}"
    if arg.type_list_attr:
        return f"{arg.name}+{arg.type_list_attr}"
    return arg.name


def main():
    names = set()
    for path in sorted(glob.glob(os.path.join(ROOT, "graphc", "io", "tf_graphdef_export*.py"))):
        if not path.endswith("_args.py"):
            names |= literals(path)
    # and the names exporters take from tables (the image codecs' @export(*_CODECS),
    # the hash buckets' _BUCKETS): graphc's export table itself
    sys.path.insert(0, ROOT)
    from graphc.io.tf_graphdef_export import EXPORT
    from graphc.io.tf_graphdef_strings import _BUCKETS
    names |= set(EXPORT) | set(_BUCKETS.values())
    table = {}
    for name in sorted(names):
        if not name.isidentifier():
            continue
        op = op_def_registry.get(name)
        if op is not None:
            table[name] = " ".join(spec(a) for a in op.output_arg)
    lines = []
    line = "   "
    for name, outs in table.items():
        item = f" {name!r}: {outs!r},"
        if len(line) + len(item) > 92:
            lines.append(line)
            line = "   "
        line += item
    lines.append(line)
    body = "\n".join(lines)
    with open(TARGET, "w") as f:
        f.write(f'''"""TF's output arg names of the ops the export table emits (made from TF's op
registry by tests/data/make_tf_output_args.py; rerun it after adding ops to the table).
Per op, its output args in order: "name" (one tensor), "name*N" (a list of attr N's
count of tensors), "name+T" (one tensor per dtype of list attr T)."""

__all__ = ["OUTPUT_ARGS"]

OUTPUT_ARGS = {{
{body}
}}
''')
    print(f"{len(table)} ops -> {TARGET}")


if __name__ == "__main__":
    main()
