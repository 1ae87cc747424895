"""The compiler passes: each a pure function Program -> (Program, Changes)."""
import collections


class Changes:
    """What one pass did: node counts before/after, counts of each kind of change
    (folded constants, merged nodes, each rule fired) and a few examples."""
    __slots__ = ("name", "before", "after", "counts", "examples", "extra")

    def __init__(self, name, before=0):
        self.name = name
        self.before = before
        self.after = before
        self.counts = collections.Counter()
        self.examples = {}
        self.extra = {}

    def add(self, what, example=None, n=1):
        self.counts[what] += n
        if example is not None:
            ex = self.examples.setdefault(what, [])
            if len(ex) < 3:
                ex.append(example)

    def __bool__(self):
        return bool(self.counts) or self.before != self.after

    def summary(self):
        parts = [f"{k} x{v}" for k, v in sorted(self.counts.items())]
        return ", ".join(parts) if parts else "no change"

    def __repr__(self):
        return f"<Changes {self.name}: {self.before} -> {self.after} nodes; {self.summary()}>"
