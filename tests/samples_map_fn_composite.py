"""Samples for map_fn's MapFnResults, MapFnSplit and MapFnCut (a RaggedTensor's rows cut
apart before the loop; graphc/ops/map_fn_composite.py) on
dense stacks (what the Loop makes when every call's part has one shape). The Ragged
stacks of parts that change length cannot be fed: tests/test_map_fn_composite.py checks
those through map_fn, gradients included."""
import numpy as np

from graphc.ops.map_fn_composite import map_cut, map_results, map_split
from samples import Sample, normal

SAMPLES = [
    Sample("MapFnResults", lambda x: map_results([x], ["concat"], [(None, 4)])[0],
           lambda r: [normal(r, (3, 2, 4))], lambda x: x.reshape(6, 4), id="concat"),
    Sample("MapFnResults", lambda x, d: map_results([x, d], ["as_is", "max"], [None, (2,)]),
           lambda r: [normal(r, (3, 2)), r.integers(1, 5, (3, 2))],
           lambda x, d: [x, d.max(axis=0)], wrt=(0,), id="as_is-max"),
    Sample("MapFnSplit", map_split, lambda r: [normal(r, (6, 4)), normal(r, (3, 2, 4))],
           lambda g, like: g.reshape(3, 2, 4), wrt=(0,)),
    Sample("MapFnCut", map_cut, lambda r: [normal(r, (6, 4)), np.array([0, 2, 4, 6])],
           lambda v, bounds: v.reshape(3, 2, 4), wrt=(0,)),
]
