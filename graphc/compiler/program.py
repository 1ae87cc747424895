"""Program: the immutable, topologically ordered IR of one compile."""
from .. import errors


class Program:
    """The nodes one run needs, in a valid execution order.

    nodes: tuple of Nodes (topological); feeds: tuple of fed Tensors; fetches: tuple of
    Tensors whose values are returned; targets: Nodes run for their effects.
    """
    __slots__ = ("nodes", "feeds", "fetches", "targets")

    def __init__(self, nodes, feeds, fetches, targets):
        self.nodes = tuple(nodes)
        self.feeds = tuple(feeds)
        self.fetches = tuple(fetches)
        self.targets = tuple(targets)

    def __len__(self):
        return len(self.nodes)


def lower(fetches, targets=(), feeds=()):
    """The Program computing `fetches` and running `targets`, given `feeds`.

    Walks back from the fetches iteratively, stopping at fed tensors; a placeholder
    that is reached but not fed is a FeedError naming the fetch that needs it.
    """
    fed = set(feeds)
    via = {}                                   # node -> the node or fetch that needs it
    stack = []
    for t in fetches:
        if t not in fed and t.node not in via:
            via[t.node] = t
            stack.append(t.node)
    for n in targets:
        if n not in via:
            via[n] = n
            stack.append(n)
    while stack:
        node = stack.pop()
        for t in node.inputs:
            if t not in fed and t.node not in via:
                via[t.node] = node
                stack.append(t.node)
        for c in node.control_inputs:
            if c not in via:
                via[c] = node
                stack.append(c)
    nodes = sorted(via, key=lambda n: n.id)    # ids are a topological order
    for n in nodes:
        if n.type == "Placeholder":
            raise errors.FeedError(_missing_feed(n, via))
    return Program(nodes, feeds, fetches, targets)


def _missing_feed(node, via):
    cur = via[node]
    while not hasattr(cur, "index") and via[cur] is not cur:   # up to a fetch or target
        cur = via[cur]
    what = f"'{cur.name}'" if hasattr(cur, "index") else f"operation '{cur.name}'"
    return (f"placeholder '{node.name}' must be fed: fetch {what} depends on it\n"
            f"  {errors.describe_tensor(node.outputs[0], node.name)}\n"
            f"  feed it: feed_dict={{{node.name}: value}}")
