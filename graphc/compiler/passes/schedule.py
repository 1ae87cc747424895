"""scheduling: an execution order that keeps peak live memory low.

Greedy list scheduling: among the records whose dependencies (data, control, and the
order of effects) have run, run the one that frees the most bytes net of what it
allocates; ties keep the original order. The greedy order is kept only if its planned
peak is lower than the original order's.
"""
import heapq

from .. import program as P
from . import Changes


def nbytes(t):
    """Static size of t in bytes, or 0 when a dim is unknown."""
    n = t.shape.num_elements()
    return 0 if n is None else n * t.dtype.size


def allocates(node):
    """The record makes new arrays when it runs (not a constant or a variable read)."""
    return bool(node.inputs) or not (node.op.static is not None or P.is_state_read(node))


def effect_edges(nodes):
    """(before, after) pairs that keep effects in order: effects (stateful records other
    than reads) keep their relative order; each read stays between the same effects."""
    edges = []
    last = None
    pending = []                # reads since the last effect
    for n in nodes:
        if not n.op.stateful:
            continue
        if P.is_state_read(n):
            if last is not None:
                edges.append((last, n))
            pending.append(n)
            continue
        if last is not None:
            edges.append((last, n))
        for r in pending:
            edges.append((r, n))
        pending = []
        last = n
    return edges


def peak_bytes(nodes, feeds, fetches):
    """Planned peak of live intermediate bytes when `nodes` run in this order, each value
    freed after its last use (fetched values live to the end)."""
    last = {}
    for i, n in enumerate(nodes):
        for t in n.inputs:
            last[t] = i
    keep = set(fetches)
    live = peak = 0
    dies = [[] for _ in nodes]
    for t, i in last.items():
        if t not in keep:
            dies[i].append(t)
    counted = set()
    for i, n in enumerate(nodes):
        if allocates(n):
            for t in n.outputs:
                b = nbytes(t)
                live += b
                counted.add(t)
        if live > peak:
            peak = live
        for t in dies[i]:
            if t in counted:
                live -= nbytes(t)
    return peak


SMALL_BYTES = 16 << 20   # all values together under this: reordering saves too little


def schedule(program, options=None):
    ch = Changes("schedule", len(program.nodes))
    nodes = program.nodes
    total = 0
    for n in nodes:
        for t in n.outputs:
            b = t.shape.num_elements()
            if b is None:
                total = None
                break
            total += b * t.dtype.size
        if total is None or total >= SMALL_BYTES:
            break
    if total is not None and total < SMALL_BYTES:
        ch.extra["skipped"] = f"all values together are under {SMALL_BYTES} bytes"
        return program, ch
    order = _greedy(nodes, program.fetches)
    if order is not None and any(a is not b for a, b in zip(order, nodes)):
        before = peak_bytes(nodes, program.feeds, program.fetches)
        after = peak_bytes(order, program.feeds, program.fetches)
        ch.extra["peak before"] = before
        ch.extra["peak after"] = after
        if after < before:
            moved = sum(a is not b for a, b in zip(order, nodes))
            ch.add("reordered", n=moved)
            ch.add(f"peak bytes {before} -> {after}")
            program = program.replace(nodes=order)
    return program, ch


def _greedy(nodes, fetches):
    n = len(nodes)
    if n < 3:
        return None
    pos = {node: i for i, node in enumerate(nodes)}
    succ = [[] for _ in range(n)]
    indeg = [0] * n
    for i, node in enumerate(nodes):
        deps = set()
        for t in node.inputs:
            j = pos.get(t.node)
            if j is not None:
                deps.add(j)
        for c in node.control_inputs:
            j = pos.get(c)
            if j is not None:
                deps.add(j)
        for j in deps:
            succ[j].append(i)
        indeg[i] = len(deps)
    for a, b in effect_edges(nodes):
        i, j = pos[a], pos[b]
        succ[i].append(j)
        indeg[j] += 1
    remaining = {}                  # Tensor -> consumers not yet run
    consumers = {}
    for i, node in enumerate(nodes):
        for t in set(node.inputs):
            remaining[t] = remaining.get(t, 0) + 1
            consumers.setdefault(t, []).append(i)
    keep = set(fetches)
    size = {}
    for node in nodes:
        if allocates(node):
            for t in node.outputs:
                size[t] = nbytes(t)

    def score(i):
        node = nodes[i]
        freed = sum(size.get(t, 0) for t in set(node.inputs)
                    if remaining[t] == 1 and t not in keep)
        return freed - sum(size.get(t, 0) for t in node.outputs)

    ready = [(-score(i), i) for i in range(n) if indeg[i] == 0]
    heapq.heapify(ready)
    cur = {i: s for s, i in ready}
    done = [False] * n
    order = []
    while ready:
        s, i = heapq.heappop(ready)
        if done[i] or cur.get(i) != s:
            continue
        done[i] = True
        node = nodes[i]
        order.append(node)
        for t in set(node.inputs):
            remaining[t] -= 1
            if remaining[t] == 1 and size.get(t):
                for j in consumers[t]:
                    if not done[j] and indeg[j] == 0:
                        cur[j] = -score(j)
                        heapq.heappush(ready, (cur[j], j))
        for j in succ[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                cur[j] = -score(j)
                heapq.heappush(ready, (cur[j], j))
    if len(order) != n:
        raise AssertionError("schedule: the dependency graph has a cycle (compiler bug)")
    return order
