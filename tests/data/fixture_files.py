"""The files of a TF-made GraphDef fixture, as the make_tf_*.py scripts here write them
and tests/tf_fixtures.py reads them: <base>.pb, and <base>.npz holding "fetches" and
"feeds" (tensor names) and, per feed set k, "in{k}_{i}" and TF's "out{k}_{j}"."""
import numpy as np


def save(base, gd, fetches, feeds, wants):
    """Write GraphDef gd and TF's outputs `wants` of `fetches` on each feed dict."""
    with open(base + ".pb", "wb") as f:
        f.write(gd.SerializeToString())
    arrays = {"fetches": np.array([t.name for t in fetches]),
              "feeds": np.array([t.name for t in feeds[0]])}
    for k, (fd, want) in enumerate(zip(feeds, wants)):
        arrays.update({f"in{k}_{i}": np.asarray(v) for i, v in enumerate(fd.values())})
        arrays.update({f"out{k}_{j}": np.asarray(v) for j, v in enumerate(want)})
    np.savez(base + ".npz", **arrays)
