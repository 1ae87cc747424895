"""Samples for gc.contrib.seq2seq's op (GatherTree), against a backtrace written here;
see samples.py."""
import numpy as np

import graphc as gc
from samples import Sample


def _inputs(rng):
    t, b, k = (int(n) for n in rng.integers(1, 5, size=3))
    step = rng.integers(0, 4, (t, b, k)).astype(np.int32)
    parent = rng.integers(0, k, (t, b, k)).astype(np.int32)
    lengths = rng.integers(0, t + 1, (b,)).astype(np.int32)
    return [step, parent, lengths, np.int32(1)]


def gather_tree_ref(step, parent, lengths, end):
    """Each beam followed back from its sequence's last step; end after the first end."""
    t_max, batch, beams = step.shape
    out = np.full(step.shape, end, step.dtype)
    for b in range(batch):
        n = int(lengths[b])
        for k in range(beams):
            beam = k
            for t in reversed(range(n)):
                out[t, b, k] = step[t, b, beam]
                beam = parent[t, b, beam]
            seen = False
            for t in range(n):
                if seen:
                    out[t, b, k] = end
                seen = seen or out[t, b, k] == end
    return out


SAMPLES = [
    Sample("GatherTree", lambda s, p, n, e: gc.contrib.seq2seq.gather_tree(s, p, n, e),
           _inputs, gather_tree_ref, grad=False),
]
