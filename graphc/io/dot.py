"""DOT export: one DOT node per op, one edge per input tensor labelled with its shape and
dtype, control dependencies dashed, name scopes as nested clusters, gradient and jvp
subgraphs in their own colors.

    print(gc.to_dot(loss))          # the ops `loss` depends on
    gc.write_dot("model.dot")       # the default graph; also model.svg if `dot` exists
"""
import os
import shutil
import subprocess

from .. import errors
from ..graph import Graph, Node, Tensor, get_default_graph

__all__ = ["to_dot", "write_dot"]

# How sources look: op type -> (DOT shape, fill color, legend text).
_SOURCE_STYLE = {
    "Placeholder": ("invhouse", "#fff2cc", "placeholder (fed)"),
    "PlaceholderWithDefault": ("invhouse", "#fff2cc", "placeholder (fed)"),
    "VariableV2": ("cylinder", "#dae8fc", "variable"),
    "Const": ("note", "#eeeeee", "constant"),
}
_OP_STYLE = ("box", "#ffffff", "op")
# Roles other than "forward" override the fill color (the shape still tells the kind).
_ROLE_FILL = {"gradient": ("#f8cecc", "gradient op"), "jvp": ("#d5e8d4", "jvp (tangent) op")}
_ROLE_EDGE = {"gradient": "#b85450", "jvp": "#82b366"}


def _q(text):
    """A DOT double-quoted string: backslashes, quotes and newlines escaped."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def _label(*lines):
    """A multi-line DOT label (each line escaped, joined by DOT's centered break)."""
    return "\\n".join(_q(line)[1:-1] for line in lines)


def _flatten(fetches):
    """The Tensors/Nodes/names in a (nested) list, tuple or set, iteratively."""
    out, stack = [], [fetches]
    while stack:
        f = stack.pop()
        if isinstance(f, (list, tuple, set, frozenset)):
            stack.extend(reversed(list(f)))
        else:
            out.append(f)
    return out


def _select(graph_or_fetches):
    """(graph, nodes in id order): the whole graph, or the ancestors of the fetches."""
    if graph_or_fetches is None:
        graph_or_fetches = get_default_graph()
    if isinstance(graph_or_fetches, Graph):
        return graph_or_fetches, list(graph_or_fetches.nodes)
    items = _flatten(graph_or_fetches)
    graph = next((f.graph for f in items if isinstance(f, (Tensor, Node))),
                 get_default_graph())
    roots = []
    for f in items:
        if isinstance(f, str):
            f = graph.as_graph_element(f)
        if isinstance(f, Tensor):
            f = f.node
        if not isinstance(f, Node):
            raise TypeError(f"to_dot: expected a Graph, Tensor, Operation, name or a list "
                            f"of them, got {type(f).__name__}")
        if f.graph is not graph:
            raise errors.GraphError(f"to_dot: {f!r} (created at "
                                    f"{errors.format_site(f.site)}) is in another graph "
                                    "than the other fetches")
        roots.append(f)
    seen = set(roots)
    stack = list(roots)
    while stack:                                   # iterative: deep chains are fine
        node = stack.pop()
        for dep in _dependencies(node):
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return graph, sorted(seen, key=lambda n: n.id)  # ids are a topological order


def _ref_attrs(node):
    """(attr name, Node) for attributes that refer to another node (Assign's `var`)."""
    return [(k, v) for k, v in node.attrs.items() if isinstance(v, Node)]


def _dependencies(node):
    deps = [t.node for t in node.inputs]
    deps.extend(node.control_inputs)
    deps.extend(v for _, v in _ref_attrs(node))
    return deps


def _node_style(node):
    shape, fill, kind = _SOURCE_STYLE.get(node.type, _OP_STYLE)
    if node.role in _ROLE_FILL:
        fill, kind = _ROLE_FILL[node.role]
    return shape, fill, kind


def _node_label(node):
    short = node.name.rpartition("/")[2]          # the cluster around it shows the scope
    lines = [node.type] if short == node.type else [node.type, short]
    if node.type in _SOURCE_STYLE and len(node.outputs) == 1:
        t = node.outputs[0]
        if node.type == "Const" and t.shape.num_elements() == 1:
            lines.append(f"= {node.attrs['value'].array.reshape(-1)[0]}")
        else:
            lines.append(f"{t.shape} {t.dtype.name}")
    return _label(*lines)


def _edge_label(t):
    where = f"out {t.index}: " if len(t.node.outputs) > 1 else ""
    return _q(f"{where}{t.shape} {t.dtype.name}")


def _scope_of(name):
    return name.rpartition("/")[0]


def _inner_graphs(node):
    """The graphs of its own a node runs (cond's branches, a loop's body and condition),
    found in its attrs (nested tuples), in order."""
    found, stack = [], list(node.attrs.values())[::-1]
    while stack:
        v = stack.pop()
        if isinstance(v, tuple):
            stack.extend(reversed(v))
        elif isinstance(v, Graph) and v.outer is not None and v not in found:
            found.append(v)
    return found


def to_dot(graph_or_fetches=None, show_shapes=True, *, legend=True, rankdir="TB"):
    """Graphviz DOT text of a graph (default: the default graph), or of the ops that
    tensors/ops (or a list of them) depend on.

    One DOT node per op, labelled with its type and name; one edge per input tensor,
    labelled with its shape and dtype (`show_shapes=False` leaves edges bare); control
    dependencies dashed; an Assign's variable dotted; name scopes as nested clusters.
    Placeholders, variables and constants have their own shapes and colors; gradient and
    jvp nodes their own fill colors, explained in a legend.

        x = gc.placeholder(gc.float32, shape=(None, 4), name="x")
        print(gc.to_dot(gc.nn.relu(x)))     # edge: "(?, 4) float32"
    """
    graph, nodes = _select(graph_or_fetches)
    sites = {}                                     # node.site -> "file.py:12"
    prefix = {graph: "n"}                          # graph -> prefix of its nodes' DOT ids

    def nid(node):
        return f"{prefix[node.graph]}{node.id}"

    def site(node):
        text = sites.get(node.site)
        if text is None:
            text = sites[node.site] = errors.format_site(node.site)
        return text

    # Node statements, grouped by name scope.
    members = {}                                   # scope -> [statement]
    kinds = set()                                  # legend entries in use
    for node in nodes:
        shape, fill, kind = _node_style(node)
        kinds.add(kind)
        tip = f"{node.type} '{node.name}' created at {site(node)}"
        members.setdefault(_scope_of(node.name), []).append(
            f"{nid(node)} [label=\"{_node_label(node)}\", shape={shape}, "
            f"fillcolor=\"{fill}\", tooltip={_q(tip)}];")

    # The scope tree: every prefix of every scope is a cluster.
    children = {"": []}                            # scope -> its child scopes
    for scope in list(members):
        child = None
        while True:                                # up to the first known ancestor
            known = scope in children
            if not known:
                children[scope] = []
            if child is not None:
                children[scope].append(child)
            if known:
                break
            child, scope = scope, _scope_of(scope)

    lines = ["digraph graphc {",
             f"  rankdir={rankdir}; compound=true;",
             '  graph [fontname="Helvetica", fontsize=11];',
             '  node [style=filled, fontname="Helvetica", fontsize=10];',
             '  edge [fontname="Helvetica", fontsize=9];']
    lines.extend("  " + stmt for stmt in members.get("", ()))
    stack = [(child, 1) for child in reversed(children[""])]
    while stack:                                   # nested clusters, iteratively
        scope, depth = stack.pop()
        pad = "  " * depth
        if depth < 0:                              # a cluster's closing brace
            lines.append("  " * -depth + "}")
            continue
        lines.append(f"{pad}subgraph {_q('cluster_' + scope)} {{")
        lines.append(f"{pad}  label={_q(scope.rpartition('/')[2])}; tooltip={_q(scope)}; "
                     'style=rounded; color="#999999";')
        lines.extend(f"{pad}  {stmt}" for stmt in members.get(scope, ()))
        stack.append((scope, -depth))
        stack.extend((child, depth + 1) for child in reversed(children[scope]))

    lines.extend(_edges(nodes, nid, show_shapes))
    lines.extend(_inner_clusters(nodes, prefix, nid, show_shapes, kinds))

    if legend and nodes:
        lines.append(_legend(kinds, any(n.control_inputs for n in nodes)))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _edges(nodes, nid, show_shapes, pad="  "):
    """Data edges (shapes on them), control edges dashed, variable writes dotted."""
    lines = []
    for node in nodes:
        color = _ROLE_EDGE.get(node.role)
        for t in node.inputs:
            attrs = [f"label={_edge_label(t)}"] if show_shapes else []
            if color:
                attrs.append(f'color="{color}"')
            lines.append(f"{pad}{nid(t.node)} -> {nid(node)}"
                         + (f" [{', '.join(attrs)}];" if attrs else ";"))
        for c in node.control_inputs:
            if c.graph is node.graph:
                lines.append(f"{pad}{nid(c)} -> {nid(node)} [style=dashed, color=\"#666666\"];")
        for key, target in _ref_attrs(node):
            if target.graph is node.graph:
                lines.append(f"{pad}{nid(node)} -> {nid(target)} [style=dotted, label={_q(key)}];")
    return lines


def _inner_clusters(nodes, prefix, nid, show_shapes, kinds):
    """Each graph a node runs (a branch, a loop body), as a cluster beside the node: its
    nodes and edges, a blue dashed edge from each tensor it captures to the placeholder
    standing for it, and a dotted edge from the cluster to the node that runs it."""
    lines, queue = [], [(node, fg) for node in nodes for fg in _inner_graphs(node)]
    while queue:                                   # nested graphs join the queue
        owner, fg = queue.pop(0)
        if fg in prefix:                           # drawn already (a derivative reuses it)
            lines.append(f"  {prefix[fg]}{fg.nodes[-1].id} -> {nid(owner)} [style=dotted, "
                         f'ltail="cluster_{prefix[fg]}", color="#999999"];')
            continue
        prefix[fg] = f"g{len(prefix)}_n"
        name = fg.get_name_scope() or "function"
        lines.append(f'  subgraph "cluster_{prefix[fg]}" {{')
        lines.append(f"    label={_q(name + ' (run by ' + owner.name + ')')}; style=dashed; "
                     'color="#6c8ebf";')
        for node in fg.nodes:
            shape, fill, kind = _node_style(node)
            kinds.add(kind)
            lines.append(f'    {nid(node)} [label="{_node_label(node)}", shape={shape}, '
                         f'fillcolor="{fill}"];')
            queue.extend((node, g) for g in _inner_graphs(node))
        lines.append("  }")
        lines.extend(_edges(fg.nodes, nid, show_shapes))
        for outer, inner in fg.captures.items():
            if outer.graph in prefix:
                lines.append(f"  {nid(outer.node)} -> {nid(inner.node)} [style=dashed, "
                             f'color="#6c8ebf", label="captured"];')
        lines.append(f"  {nid(fg.nodes[-1])} -> {nid(owner)} [style=dotted, "
                     f'ltail="cluster_{prefix[fg]}", color="#999999"];')
    return lines


def _legend(kinds, has_control):
    rows = ['  subgraph "cluster legend" {',        # no scope cluster can be named so
            '    label="legend"; style=rounded; color="#999999"; fontsize=10;']
    styles = [_OP_STYLE] + list(_SOURCE_STYLE.values())
    styles += [(_OP_STYLE[0], fill, kind) for fill, kind in _ROLE_FILL.values()]
    done = set()
    for shape, fill, kind in styles:
        if kind in kinds and kind not in done:
            done.add(kind)
            rows.append(f"    legend_{len(done)} [label={_q(kind)}, shape={shape}, "
                        f'fillcolor="{fill}"];')
    if has_control:
        rows.append('    legend_control [label="- - ->  control dependency", shape=plaintext, '
                    'style=""];')
    rows.append("  }")
    return "\n".join(rows)


def write_dot(path, graph_or_fetches=None, show_shapes=True, svg=None):
    """Write the DOT text of `graph_or_fetches` (see to_dot) to `path`; also render
    `path` with .svg as suffix when the Graphviz `dot` program is on PATH (svg=None),
    always (svg=True: an error if `dot` is missing) or never (svg=False).
    Returns the list of paths written.

        gc.write_dot("model.dot", loss)     # ['model.dot', 'model.svg']
    """
    text = to_dot(graph_or_fetches, show_shapes=show_shapes)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    written = [os.fspath(path)]
    if svg is False:
        return written
    exe = shutil.which("dot")
    if exe is None:
        if svg:
            raise FileNotFoundError("write_dot(svg=True) needs the Graphviz `dot` program "
                                    "on PATH (e.g. apt install graphviz)")
        return written
    out = os.path.splitext(os.fspath(path))[0] + ".svg"
    proc = subprocess.run([exe, "-Tsvg", os.fspath(path), "-o", out],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`dot -Tsvg {path}` failed: {proc.stderr.strip()}")
    written.append(out)
    return written
