"""`python -m graphc`: demo, dot and ops subcommands.

    python -m graphc demo                 # a small model, a caught error, graph.dot
    python -m graphc dot model.py -o model.dot [--svg]
    python -m graphc ops > docs/ops.md
"""
import argparse
import os
import runpy
import sys

DEMO_FILE = "graphc_demo.py"

# The demo is a real script written to the current directory and run from there, so the
# error messages point at a file the user can open (errors name the first stack frame
# outside the graphc package; code inside graphc/__main__.py would be skipped).
DEMO_SOURCE = r'''"""The graphc demo (written by `python -m graphc demo`; run it again with
`python graphc_demo.py`, or export its graph with `python -m graphc dot graphc_demo.py`)."""
import linecache
import re

import numpy as np

import graphc as gc

rng = np.random.default_rng(0)
np.set_printoptions(precision=4, suppress=True)


def weights(n_in, n_out):
    return rng.normal(0.0, 0.5, size=(n_in, n_out)).astype(np.float32)


def show_error(e):
    """Print a graphc error and the source line it points at."""
    print(f"{type(e).__name__}: {e}")
    sites = re.findall(r"at (.+?):(\d+)$", str(e), flags=re.M)
    if sites:
        filename, line = sites[-1]
        source = linecache.getline(filename, int(line)).strip()
        print(f"\nThe offending line, {filename}:{line}:\n    {source}")


print("== 1. A deliberate mistake, caught when the graph is built ==")
with gc.Graph().as_default():                 # a scratch graph, thrown away
    try:
        x = gc.placeholder(gc.float32, shape=(None, 4), name="x")
        W1 = gc.Variable(weights(3, 8), name="W1")    # wrong: x has 4 features, not 3
        h = gc.matmul(x, W1)                          # the ShapeError is raised here
    except gc.errors.ShapeError as e:
        show_error(e)

print("\n== 2. The correct model: a 2-layer MLP ==")
x = gc.placeholder(gc.float32, shape=(None, 4), name="x")
y = gc.placeholder(gc.float32, shape=(None, 1), name="y")
with gc.name_scope("layer1"):
    W1 = gc.Variable(weights(4, 8), name="W")
    b1 = gc.Variable(np.zeros(8, np.float32), name="b")
    h = gc.nn.relu(gc.matmul(x, W1) + b1)
with gc.name_scope("layer2"):
    W2 = gc.Variable(weights(8, 1), name="W")
    b2 = gc.Variable(np.zeros(1, np.float32), name="b")
    out = gc.matmul(h, W2) + b2
print("out =", out)

# Training needs gradients and a mean; skip it if this graphc lacks a piece.
train = loss = None
try:
    with gc.name_scope("loss"):
        loss = gc.reduce_mean(gc.square(out - y))
    params = [W1, b1, W2, b2]
    grads = gc.gradients(loss, params)
    with gc.name_scope("sgd"):
        train = gc.group(*[p.assign_sub(0.1 * g) for p, g in zip(params, grads)])
except (AttributeError, NotImplementedError, gc.errors.GraphcError) as e:
    print(f"(skipping training: {type(e).__name__}: {e})")

xb = rng.normal(size=(5, 4)).astype(np.float32)
yb = xb.sum(axis=1, keepdims=True)            # learn y = x1 + x2 + x3 + x4
with gc.Session() as sess:
    sess.run(gc.global_variables_initializer())
    print("out for a batch of 5 rows:\n", sess.run(out, feed_dict={x: xb}))
    if train is not None:
        print("loss before training:", sess.run(loss, feed_dict={x: xb, y: yb}))
        for step in range(100):
            sess.run(train, feed_dict={x: xb, y: yb})
        print("loss after 100 SGD steps:", sess.run(loss, feed_dict={x: xb, y: yb}))

print("\n== 3. The graph, exported with its shapes ==")
for path in gc.write_dot("graph.dot"):
    print("wrote", path)
'''


def _demo(args):
    with open(DEMO_FILE, "w", encoding="utf-8") as f:
        f.write(DEMO_SOURCE)
    print(f"graphc demo: wrote {DEMO_FILE} and running it\n")
    runpy.run_path(os.path.abspath(DEMO_FILE), run_name="__main__")
    return 0


def _dot(args):
    import graphc as gc
    script = os.path.abspath(args.file)
    if not os.path.isfile(script):
        print(f"graphc dot: no such file: {args.file}", file=sys.stderr)
        return 2
    gc.reset_default_graph()
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [args.file] + args.args
    sys.path.insert(0, os.path.dirname(script))    # as `python FILE.py` would
    try:
        namespace = runpy.run_path(script, run_name="__main__")
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    graph = gc.get_default_graph()
    if not graph.nodes:                            # built in a `with Graph().as_default()`?
        graphs = [g for g in namespace.values() if isinstance(g, gc.Graph) and g.nodes]
        if len(graphs) != 1:
            print(f"graphc dot: {args.file} built nothing on the default graph (and left "
                  f"{len(graphs)} non-empty gc.Graph objects in its globals, not exactly "
                  "one)", file=sys.stderr)
            return 1
        graph = graphs[0]
    out = args.output or os.path.splitext(os.path.basename(script))[0] + ".dot"
    if out == "-":
        sys.stdout.write(gc.to_dot(graph, show_shapes=not args.no_shapes))
        return 0
    try:
        written = gc.write_dot(out, graph, show_shapes=not args.no_shapes, svg=args.svg)
    except FileNotFoundError as e:                 # --svg without Graphviz
        print(f"wrote {out}\ngraphc dot: {e}", file=sys.stderr)
        return 1
    for path in written:
        print("wrote", path)
    return 0


def _ops(args):
    from graphc.io import opdoc                   # importing graphc registers every op
    sys.stdout.write(opdoc.render())
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m graphc",
        description="graphc: a TF1-style define-then-run graph compiler on numpy.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("demo", help="build and run a small MLP, show a caught error, "
                       "write graph.dot (and graph.svg with Graphviz)")
    p.set_defaults(fn=_demo)
    p = sub.add_parser("dot", help="run a Python file that builds a graph and export it")
    p.add_argument("file", help="a Python file building a graph on the default graph")
    p.add_argument("args", nargs="*", help="arguments passed to the file (after --)")
    p.add_argument("-o", "--output", help="the .dot file to write ('-': stdout; "
                   "default: FILE's name with .dot, in the current directory)")
    p.add_argument("--svg", action="store_true",
                   help="also render an .svg with Graphviz `dot` (must be installed)")
    p.add_argument("--no-shapes", action="store_true", help="leave edges unlabelled")
    p.set_defaults(fn=_dot)
    p = sub.add_parser("ops", help="print docs/ops.md (the op table) to stdout")
    p.set_defaults(fn=_ops)
    args = parser.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
