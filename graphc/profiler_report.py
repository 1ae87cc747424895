"""The profiler's views and their text (TF's C++ tfprof: tfprof_scope, tfprof_graph,
tfprof_op, tfprof_show): which nodes are accounted, how their stats add up, which are
displayed, and in what order (profiler_text.py writes the lines).

scope: nodes nest by name ("dense/MatMul" under "dense"); graph: a node's children are
its inputs; op: one entry per op type, largest first. A node counts ("is accounted")
when one of its types matches account_type_regexes; it is displayed when it passes the
min_* limits (its own params and FLOPs, its subtree's bytes and time), the depth limit
and the name regexes. A hidden node's displayed descendants move up to its nearest
displayed ancestor. Every walk here is iterative (`walk`).
"""
import re
import sys

from .profiler_protos import GraphNodeProto, MultiGraphNodeProto, TensorShapeProto
from .profiler_stats import (GRAPH_PARENT, MULTI, ROOT, SCOPE_PARENT, SELF, TOTAL,
                             ShowNode, parent_node)
from .profiler_text import format_multi, format_node, legend, query_doc

__all__ = ["show", "walk"]

_ORDER_KEY = {"bytes": "requested_bytes", "peak_bytes": "peak_bytes",
              "residual_bytes": "residual_bytes", "output_bytes": "output_bytes",
              "micros": "exec_micros", "accelerator_micros": "accelerator_exec_micros",
              "cpu_micros": "cpu_exec_micros", "params": "parameters",
              "float_ops": "float_ops"}


def walk(roots, ctx, enter, leave):
    """The iterative form of this recursion over a tree (or a DAG, when `enter` skips
    nodes it has seen):

        def rec(nodes, ctx):
            out = []
            for n in nodes:
                e = enter(n, ctx)          # None: skip n; else (kids, kids_ctx, note)
                if e is not None:
                    out += leave(n, e[2], rec(e[0] or (), e[1]))
            return out
    """
    frames = [[iter(roots), ctx, [], None, None]]     # nodes, ctx, out, node, note
    while True:
        frame = frames[-1]
        for node in frame[0]:
            entered = enter(node, frame[1])
            if entered is not None:
                frame[3], frame[4] = node, entered[2]
                frames.append([iter(entered[0] or ()), entered[1], [], None, None])
                break
        else:
            frames.pop()
            if not frames:
                return frame[2]
            parent = frames[-1]
            parent[2].extend(leave(parent[3], parent[4], frame[2]))


# ---- filters shared by the views --------------------------------------------------
def _matches(name, regexes):
    return any(re.fullmatch(r, name) for r in regexes)


def reaccount(node, opts):
    """Refresh node's own stats at opts.step; whether one of its types is accounted."""
    node.reinit(opts.step)
    if opts.account_type_regexes == [".*"]:
        return True
    return any(re.fullmatch(r, t) for r in opts.account_type_regexes
               for t in node.node.op_types)


def should_show(node, opts, depth, multi=False):
    if node.name == ROOT:
        return True
    t, s = node.t, node.s
    mins = [(t["requested_bytes"], opts.min_bytes), (t["peak_bytes"], opts.min_peak_bytes),
            (t["residual_bytes"], opts.min_residual_bytes),
            (t["output_bytes"], opts.min_output_bytes), (t["exec_micros"], opts.min_micros),
            (t["accelerator_exec_micros"], opts.min_accelerator_micros),
            (t["cpu_exec_micros"], opts.min_cpu_micros)]
    if multi:       # the op view compares totals throughout
        mins += [(t["parameters"], opts.min_params), (t["float_ops"], opts.min_float_ops)]
    else:
        mins += [(s["parameters"], opts.min_params), (s["float_ops"], opts.min_float_ops),
                 (s["run_count"], opts.min_occurrence)]
    if any(v < m for v, m in mins) or depth > opts.max_depth:
        return False
    if opts.show_name_regexes != [".*"] and not _matches(node.name, opts.show_name_regexes):
        return False
    return not _matches(node.name, opts.hide_name_regexes)


def sort_nodes(nodes, opts):
    if not opts.order_by or not nodes:
        return nodes
    key = _ORDER_KEY.get(opts.order_by)
    if key is None:
        return sorted(nodes, key=lambda n: (n.name != ROOT, n.name))
    return sorted(nodes, key=lambda n: (n.name != ROOT, -n.t[key]))


# ---- scope and graph views --------------------------------------------------------
def _tree_nodes(stats, cmd):
    """The root of the scope or graph view's tree (ShowNodes with their children)."""
    nodes = {name: ShowNode(g) for name, g in stats.nodes.items()}
    if cmd == "scope":
        for name in list(nodes):
            while "/" in name:
                name = name.rsplit("/", 1)[0]
                if name not in nodes:
                    nodes[name] = ShowNode(parent_node(name, SCOPE_PARENT))
    roots, used = [], set()
    for name in sorted(nodes):
        node = nodes[name]
        if cmd == "scope":
            if "/" in name:
                nodes[name.rsplit("/", 1)[0]].children.append(node)
            else:
                roots.append(node)
            continue
        for src in node.node.inputs:
            used.add(src)
            if src in nodes:
                node.children.append(nodes[src])
    if cmd == "graph":
        roots = [nodes[name] for name in sorted(nodes) if name not in used]
    root = ShowNode(parent_node(ROOT, SCOPE_PARENT if cmd == "scope" else GRAPH_PARENT))
    root.children = roots
    return root


def _account(roots, opts, graph_view):
    """The accounted nodes among roots' trees, each holding its accounted descendants
    (show_children) and their totals. The scope view keeps a node whose descendants
    count; the graph view hands them to its nearest accounted ancestor."""
    seen = set()

    def enter(node, _):
        if graph_view:
            if node.name in seen:
                return None
            seen.add(node.name)
        else:
            node.reset_total()
        return node.children, None, None

    def leave(node, _, counted):
        node.account = reaccount(node, opts)
        if not (node.account or (counted and not graph_view)):
            return counted if graph_view else []
        node.show_children = list(counted)
        node.reset_total()
        node.add_self()
        for c in counted:
            node.aggregate(c)
        return [node]
    return walk(roots, None, enter, leave)


def _search_root(roots, regexes, graph_view):
    """The topmost nodes whose names match one of the start regexes."""
    seen = set()

    def enter(node, _):
        if graph_view:
            if node.name in seen:
                return None
            seen.add(node.name)
        hit = _matches(node.name, regexes)
        return (None if hit else node.show_children), None, hit

    return walk(roots, None, enter, lambda node, hit, sub: [node] if hit else sub)


def _print_tree(root, opts, graph_view):
    """Decide what is displayed below root; set each displayed node's line."""
    seen = set()

    def enter(node, ctx):
        if graph_view:
            if node.name in seen:
                return None
            seen.add(node.name)
        depth, indent = ctx
        show = should_show(node, opts, depth)
        deeper = not _matches(node.name, opts.trim_name_regexes) and depth <= opts.max_depth
        kids = node.show_children if deeper else None
        return kids, (depth + 1, indent + 2 if show else indent), (show, indent)

    def leave(node, note, shown):
        show, indent = note
        if not show:
            return shown
        node.show_children = []
        if opts.account_displayed_op_only:
            node.reset_total()
            node.add_self()
        for c in sort_nodes(shown, opts):
            node.show_children.append(c)
            if opts.account_displayed_op_only:
                node.aggregate(c)
        node.formatted = " " * indent + format_node(node, opts) + "\n"
        return [node]
    return walk([root], (1, 0), enter, leave)[0]


def graph_proto(node):
    """node's GraphNodeProto (without children)."""
    p = GraphNodeProto(name=node.name)
    values = p._values
    for k in SELF:
        if node.s[k]:
            values[k] = int(node.s[k])
    for k in TOTAL:
        if node.t.get(k):
            values["total_" + k] = int(node.t[k])
    if node.node.device:
        p.devices.append(node.node.device)
    shapes = p.input_shapes
    for i, vec in node.node.input_shapes().items():
        shapes[i] = TensorShapeProto.from_vec(vec)
    return p


def tree_view(stats, cmd, opts):
    """(text, GraphNodeProto) of the scope or graph view."""
    graph_view = cmd == "graph"
    root = _tree_nodes(stats, cmd)
    if opts.output == "pprof":
        sys.stderr.write("Only 'code' view supports pprof output now.\n")
        return "", graph_proto(root)
    roots = _account(root.children, opts, graph_view)
    for n in roots:
        root.aggregate(n)
    if opts.start_name_regexes != [".*"]:
        roots = _search_root(roots, opts.start_name_regexes, graph_view)
    root.show_children = roots
    root = _print_tree(root, opts, graph_view)
    text, proto = [legend(opts) + root.formatted], graph_proto(root)
    stack = [(c, proto) for c in reversed(root.show_children)]
    while stack:
        node, parent = stack.pop()
        text.append(node.formatted)
        child = graph_proto(node)
        parent.children.append(child)
        stack.extend((c, child) for c in reversed(node.show_children))
    return "".join(text), proto


# ---- op view ----------------------------------------------------------------------
def _reaccount_multi(node, groups, opts):
    """Snapshot the nodes of node's op type that match account_type_regexes (TF's
    TFMultiGraphNode::SnapshotNodes); whether any did."""
    regexes, members = opts.account_type_regexes, groups[node.name]
    if regexes == [".*"]:
        picked = list(members)
    else:
        picked = [g for r in regexes for g in members
                  if any(re.fullmatch(r, t) for t in g.op_types)]
    s = node.s = dict.fromkeys(SELF, 0)
    node.graph_nodes, devices, types = [], set(), set()
    for g in picked:
        for k in SELF[:-2]:
            s[k] += g.stat(k, opts.step)
        s["float_ops"] += g.float_ops_at(opts.step)
        s["parameters"] += g.parameters()
        devices.add(g.device)
        types |= g.op_types
    for g in sorted({g.name: g for g in picked}.values(), key=lambda g: g.name):
        one = ShowNode(g)
        one.reinit(opts.step)
        one.add_self()
        node.graph_nodes.append(one)
    node.devices, node.node.op_types = devices, types
    return bool(picked) or regexes == [".*"]


def multi_proto(node):
    p = MultiGraphNodeProto(name=node.name)
    for k in MULTI:
        if node.s.get(k):
            p._values[k] = int(node.s[k])
        if node.t[k]:
            p._values["total_" + k] = int(node.t[k])
    p.graph_nodes.extend(graph_proto(g) for g in node.graph_nodes)
    return p


def op_view(stats, opts):
    """(text, MultiGraphNodeProto) of the op view: a chain of op types."""
    groups = {}
    for name in sorted(stats.nodes):
        g = stats.nodes[name]
        groups.setdefault(g.op, []).append(g)
    groups[ROOT] = []
    types = {op: ShowNode(parent_node(op, op), MULTI) for op in groups}
    root = types.pop(ROOT)
    root.s = dict.fromkeys(SELF, 0)
    if opts.output == "pprof":
        sys.stderr.write("Only 'code' view supports pprof output now.\n")
        return "", multi_proto(root)
    text = format_multi(root, root, opts)
    if not types:
        return text, multi_proto(root)
    nodes = []
    for op in sorted(types):
        n = types[op]
        n.account = _reaccount_multi(n, groups, opts)
        n.reset_total()
        n.add_self()
        nodes.append(n)
    accounted = _chain([n for n in sort_nodes(nodes, opts) if n.account], root)
    start = 0
    if opts.start_name_regexes and opts.start_name_regexes != [".*"]:
        start = next((i for i, n in enumerate(accounted)
                      if _matches(n.name, opts.start_name_regexes)), len(accounted))
    shown = []
    for depth, n in enumerate(accounted[start:]):
        if _matches(n.name, opts.trim_name_regexes) or depth > opts.max_depth:
            break
        if should_show(n, opts, depth, multi=True):
            shown.append(n)
    if opts.account_displayed_op_only:
        for n in shown:
            n.reset_total()
            n.add_self()
        root.reset_total()
        _chain(shown, root)
    text = legend(opts, multi=True) + "".join(format_multi(n, root, opts) for n in shown)
    proto = parent = multi_proto(root)
    for n in shown:
        child = multi_proto(n)
        parent.children.append(child)
        parent = child
    return text, proto


def _chain(nodes, root):
    """Each node's totals include every later node's; root's are the first's."""
    for a, b in zip(reversed(nodes[:-1]), reversed(nodes[1:])):
        a.aggregate(b)
    if nodes:
        root.aggregate(nodes[0])
    return nodes


# ---- running one command ----------------------------------------------------------
def show(stats, cmd, opts):
    """Run cmd ("scope", "graph" or "op") on stats with Options opts: print or write
    the report as opts.output says; return the view's proto."""
    stdout = opts.output == "stdout"
    if stdout:
        sys.stdout.write("\n=========================Options=============================\n"
                         + opts.text() +
                         "\n==================Model Analysis Report======================\n")
    proto = _show(stats, cmd, opts)
    if stdout:
        sys.stdout.write("\n======================End of Report==========================\n")
        sys.stdout.flush()
    return proto


def _show(stats, cmd, opts):
    empty = MultiGraphNodeProto() if cmd == "op" else GraphNodeProto()
    if opts.step >= 0 and opts.step not in stats.steps:
        sys.stderr.write(f"Options -step={opts.step} not found.\nAvailable steps: "
                         + "".join(f"{s} " for s in sorted(stats.steps)) + "\n")
        return empty
    text, proto = op_view(stats, opts) if cmd == "op" else tree_view(stats, cmd, opts)
    report = query_doc(cmd, opts) + "Profile:\n" + text
    if opts.output == "stdout":
        sys.stdout.write(report)
    elif opts.output == "file":
        with open(opts.output_options["outfile"], "w") as f:
            f.write(report)
    return proto
