"""DOT export: structure, shapes on edges, clusters, roles, escaping, deep chains."""
import importlib.util
import re
import shutil
import sys
import warnings

import numpy as np
import pytest

import graphc as gc
from graphc.io import dot as dot_module

HAVE_PYDOT = importlib.util.find_spec("pydot") is not None
NODE_STMT = re.compile(r"^\s*n(\d+) \[", re.M)
EDGE_STMT = re.compile(r"^\s*n(\d+) -> n(\d+)(?: \[(.*)\])?;$", re.M)


def statements_outside_strings(text):
    """The text with every double-quoted string blanked out (escapes honoured)."""
    out, in_str, esc = [], False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
            out.append('""')
            continue
        out.append(ch)
    assert not in_str, "unterminated string"
    return "".join(out)


def check_structure(text, nodes):
    """Balanced braces, one node statement per op, one edge per input / control dep."""
    bare = statements_outside_strings(text)
    depth = 0
    for ch in bare:
        depth += ch == "{"
        depth -= ch == "}"
        assert depth >= 0
    assert depth == 0
    ids = [int(i) for i in NODE_STMT.findall(text)]
    assert sorted(ids) == sorted(n.id for n in nodes)
    edges = EDGE_STMT.findall(text)
    data = [e for e in edges if "style=" not in e[2]]
    control = [e for e in edges if "style=dashed" in e[2]]
    assert len(data) == sum(len(n.inputs) for n in nodes)
    assert len(control) == sum(len(n.control_inputs) for n in nodes)
    if HAVE_PYDOT:
        import networkx as nx
        import pydot
        with warnings.catch_warnings():            # pydot's pyparsing deprecations
            warnings.simplefilter("ignore")
            parsed = pydot.graph_from_dot_data(text)
        assert parsed and len(parsed) == 1
        g = nx.nx_pydot.from_pydot(parsed[0])
        op_nodes = [n for n in g.nodes if re.fullmatch(r"n\d+", n)]
        assert len(op_nodes) == len(nodes)
    return edges


def mlp():
    x = gc.placeholder(gc.float32, shape=(None, 4), name="x")
    with gc.name_scope("layer1"):
        W = gc.Variable(np.ones((4, 10), np.float32), name="W")
        h = gc.nn.relu(gc.matmul(x, W) + 1.0)
    with gc.name_scope("head"):
        with gc.name_scope("inner"):
            out = gc.matmul(h, gc.constant(np.ones((10, 2), np.float32)))
    with gc.control_dependencies([h]):
        z = gc.identity(out, name="z")
    return x, W, h, out, z


def test_whole_graph_structure_and_shapes():
    x, W, h, out, z = mlp()
    (dW,) = gc.gradients(out, [W])
    graph = gc.get_default_graph()
    text = gc.to_dot()
    edges = check_structure(text, graph.nodes)
    labels = [e[2] for e in edges]
    assert any('label="(?, 4) float32"' in a for a in labels)       # x -> MatMul
    assert any('label="(?, 10) float32"' in a for a in labels)
    assert any('label="(4, 10) float32"' in a for a in labels)      # W -> MatMul
    # every op's type and (scope-less) name are in its label; full name in the tooltip
    for node in graph.nodes:
        stmt = re.search(rf"^\s*n{node.id} \[(.*)\];$", text, re.M).group(1)
        short = node.name.rpartition("/")[2]
        label = node.type if short == node.type else f"{node.type}\\n{short}"
        assert re.search(rf'label="{re.escape(label)}(\\n|")', stmt), stmt
        assert f"'{node.name}' created at" in stmt
    # control dependency drawn dashed from h's node to z's node
    assert f"n{h.node.id} -> n{z.node.id} [style=dashed" in text
    # the variable's Assign points at the variable (dotted)
    assert f"n{W.initializer.id} -> n{W.node.id} [style=dotted" in text
    assert dW.node.role == "gradient"


def test_sources_and_roles_are_distinct():
    x, W, h, out, z = mlp()
    gc.gradients(out, [W])
    graph = gc.get_default_graph()
    (t,) = gc.jvp([gc.sin(x)], [x], [gc.ones_like(x)])
    assert t.node.role == "jvp"
    text = gc.to_dot()

    def style(node):
        stmt = re.search(rf"^\s*n{node.id} \[(.*)\];$", text, re.M).group(1)
        return (re.search(r"shape=(\w+)", stmt).group(1),
                re.search(r'fillcolor="([^"]+)"', stmt).group(1))

    forward = [n for n in graph.nodes if n.role == "forward"]
    gradient = [n for n in graph.nodes if n.role == "gradient"]
    assert gradient
    op_style = style(out.node)
    assert style(x.node)[0] != op_style[0]                       # placeholder
    assert style(W.node)[0] not in (op_style[0], style(x.node)[0])  # variable
    const = next(n for n in forward if n.type == "Const")
    assert style(const)[0] not in (op_style[0], style(x.node)[0], style(W.node)[0])
    grad_fills = {style(n)[1] for n in gradient}
    assert len(grad_fills) == 1
    assert grad_fills.isdisjoint(style(n)[1] for n in forward)
    assert style(t.node)[1] not in grad_fills | {style(n)[1] for n in forward}
    legend = text[text.index('"cluster legend"'):]
    assert "gradient op" in legend and "jvp" in legend and "variable" in legend


def test_name_scopes_are_nested_clusters():
    x, W, h, out, z = mlp()
    text = gc.to_dot()
    assert 'subgraph "cluster_layer1" {' in text
    outer = text.index('subgraph "cluster_head" {')
    inner = text.index('subgraph "cluster_head/inner" {')
    assert outer < inner
    # head/inner's MatMul sits inside head/inner, which sits inside head
    depth_at, depth = {}, 0
    for line in text[outer:].splitlines():
        m = NODE_STMT.match(line)
        if m:
            depth_at[int(m.group(1))] = depth
        bare = statements_outside_strings(line)
        depth += bare.count("{") - bare.count("}")
        if depth == 0:
            break
    assert depth_at[out.node.id] == 2


def test_fetches_export_only_their_ancestors():
    x, W, h, out, z = mlp()
    gc.gradients(out, [W])
    text = gc.to_dot(h)
    ids = {int(i) for i in NODE_STMT.findall(text)}
    graph = gc.get_default_graph()
    names = {graph.nodes[i].name for i in ids}
    assert names == {"x", "layer1/W", "layer1/MatMul", "layer1/add/y", "layer1/add",
                     "layer1/Relu"}
    check_structure(text, [graph.nodes[i] for i in ids])
    # a list of fetches, an op, a name, nested lists
    both = gc.to_dot([h, [z.node], "x:0"])
    assert f"n{z.node.id} [" in both and f"n{h.node.id} [" in both
    # the initializer brings its variable (the dotted edge target) along
    init = gc.to_dot(W.initializer)
    assert f"n{W.node.id} [" in init


def test_show_shapes_false_and_escaping():
    x = gc.placeholder(gc.float32, shape=(2,), name="x")
    y = gc.identity(x, name="y")
    text = gc.to_dot(show_shapes=False)
    assert "label=\"(2,) float32\"" not in text.split("->", 1)[1]
    check_structure(text, [x.node, y.node])
    from graphc.io.dot import _q        # names are TF1-valid; labels may hold anything
    assert _q('we"ird\\name') == '"we\\"ird\\\\name"'
    assert _q("multi\nline") == '"multi\\nline"'


def test_named_dims_on_edges():
    x = gc.placeholder(gc.float32, shape=("batch", 3), name="x")
    y = gc.nn.relu(x)
    assert 'label="(batch, 3) float32"' in gc.to_dot(y)


def test_bad_arguments():
    x = gc.placeholder(gc.float32, shape=(2,), name="x")
    other = gc.Graph()
    with other.as_default():
        y = gc.placeholder(gc.float32, shape=(2,), name="y")
    with pytest.raises(gc.errors.GraphError):
        gc.to_dot([x, y])
    with pytest.raises(TypeError):
        gc.to_dot(3)
    assert "n0 [" in gc.to_dot(other)
    assert gc.to_dot(gc.Graph()).startswith("digraph")


def test_write_dot(tmp_path, monkeypatch):
    x = gc.placeholder(gc.float32, shape=(None, 4), name="x")
    gc.nn.relu(x)
    path = tmp_path / "g.dot"
    written = gc.write_dot(str(path), svg=False)
    assert written == [str(path)]
    assert path.read_text() == gc.to_dot()
    monkeypatch.setattr(dot_module.shutil, "which", lambda name: None)
    assert gc.write_dot(str(path)) == [str(path)]
    with pytest.raises(FileNotFoundError):
        gc.write_dot(str(path), svg=True)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
def test_write_dot_renders_svg(tmp_path):
    x = gc.placeholder(gc.float32, shape=(None, 4), name="x")
    W = gc.Variable(np.ones((4, 2), np.float32), name="W")
    gc.gradients(gc.matmul(x, W), [W])
    written = gc.write_dot(str(tmp_path / "g.dot"))
    assert written == [str(tmp_path / "g.dot"), str(tmp_path / "g.svg")]
    assert "<svg" in (tmp_path / "g.svg").read_text()


@pytest.mark.slow     # test_deep.py checks a 100k chain in the default run
def test_deep_chain_exports_without_recursion():
    limit = sys.getrecursionlimit()
    x = gc.placeholder(gc.float32, shape=(None, 3), name="x")
    y = x
    for _ in range(100_000):
        y = gc.identity(y)
    assert sys.getrecursionlimit() == limit
    for text in (gc.to_dot(y), gc.to_dot()):
        assert text.count(' [label="Identity') == 100_000
        assert len(EDGE_STMT.findall(text)) == 100_000
        assert text.rstrip().endswith("}")


def test_branches_and_loop_bodies_are_clusters_beside_their_node():
    x = gc.placeholder(gc.float32, (3,), name="x")
    w = gc.constant(2.0, name="w")

    def body(k, y):
        return k + 1, gc.cond(y[0] > 0.0, lambda: y * w, lambda: -y)
    k, y = gc.while_loop(lambda k, y: k < 3, body, [0, x], name="loop")
    text = gc.to_dot(y)
    assert "compound=true" in text
    labels = re.findall(r'label="([^"]*) \(run by ([^)]*)\)"', text)
    assert ("loop/cond", "loop/Loop") in labels and ("loop/body", "loop/Loop") in labels
    # the cond inside the body: its branches are clusters too, run by the body's If
    assert {lab for lab, owner in labels if owner.startswith("loop/body/")} >= {
        "loop/body/cond/true", "loop/body/cond/false"}
    # the captured constant w reaches the true branch through the body (two levels)
    assert len(re.findall(r'label="captured"', text)) >= 3
    # every id used in an edge is declared, once
    declared = re.findall(r"^\s*((?:g\d+_)?n\d+) \[", text, re.M)
    assert len(declared) == len(set(declared))
    used = set(re.findall(r"((?:g\d+_)?n\d+) ->", text) + re.findall(r"-> ((?:g\d+_)?n\d+)", text))
    assert used <= set(declared)
