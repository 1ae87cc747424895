"""The import table's sixth batch (tf_graphdef_ops.py's form): RandomPoissonV2, what
tf.random.poisson (and graphc's exporter, tf_graphdef_export_more3.py) writes, into
graphc's op of the same name.

Seeded as TF's (seed, seed2), both 0 drawing fresh entropy each Session, as an unseeded
TF op does; graphc's draws are Poisson(rate) counts from numpy's generator, not TF's
stream, so a seeded graph repeats itself in graphc but not TF's numbers. Rates graphc's
kernel refuses (negative, inf or NaN) fail when the graph runs.
"""
from ..ops.registry import REGISTRY, apply1
from .tf_graphdef_import_more4 import _seed_pair
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}

_op = table_op(OPS)


@_op("RandomPoissonV2", "S R", "dtype")
def _random_poisson(n, shape, rate):
    """shape + rate.shape counts of dtype, one Poisson(rate) draw each."""
    return apply1(REGISTRY["RandomPoissonV2"], (shape, rate), name=n.name,
                  dtype=n.attr("dtype"), seed=_seed_pair(n))
