"""prune: keep only the records the fetches and targets need (data or control)."""
from . import Changes


def prune(program, options=None):
    """Drop records no fetch or target reaches; one reverse sweep (records are in
    execution order, so every consumer comes before its producers in reverse)."""
    ch = Changes("prune", len(program.nodes))
    live = set(program.targets)
    live.update(t.node for t in program.fetches)
    add = live.add
    for node in reversed(program.nodes):
        if node in live:
            for t in node.inputs:
                add(t.node)
            if node.control_inputs:
                live.update(node.control_inputs)
    kept = [n for n in program.nodes if n in live]
    removed = len(program.nodes) - len(kept)
    if removed:
        for n in program.nodes:
            if n not in live:
                ch.add("removed", n.name)
                if ch.counts["removed"] >= 3:
                    break
        ch.counts["removed"] = removed
        program = program.replace(nodes=kept)
    ch.after = len(program.nodes)
    return program, ch
