"""Samples for graphc.ops.debug and graphc.ops.asserts (see samples.py): CheckNumerics
and Print pass their input through; PrintV2 and Assert have no outputs, so their
samples run them as control dependencies of an identity. What they print and raise is
tested in test_nn_training_ops.py."""
import numpy as np

import graphc as gc
from samples import Sample, normal, shape


def _after(op, x):
    with gc.control_dependencies([op]):
        return gc.identity(x)


def _ints(r):
    return r.integers(-5, 5, size=shape(r, rank=1)).astype(np.int32)


SAMPLES = [
    Sample("CheckNumerics", lambda x: gc.check_numerics(x, "x"),
           lambda r: [normal(r, shape(r))], lambda x: x),
    Sample("CheckNumerics", lambda x: gc.check_numerics(gc.tanh(x), "tanh") * x,
           lambda r: [normal(r, (3, 4))], lambda x: np.tanh(x) * x, id="in-a-product"),
    Sample("Print", lambda x, d: gc.Print(x, [d, "text"], "sample: ", first_n=1),
           lambda r: [normal(r, shape(r)), _ints(r)], lambda x, d: x),
    Sample("Print", lambda x: gc.Print(x * 2.0, [x], summarize=2) * x,
           lambda r: [normal(r, (2, 3))], lambda x: 2 * x * x, id="in-a-product"),
    Sample("PrintV2", lambda x: _after(gc.print("sample:", x, summarize=1), x),
           lambda r: [normal(r, shape(r))], lambda x: x, grad=False),
    Sample("Assert", lambda x: _after(gc.assert_less(x, 10.0), x),
           lambda r: [normal(r, shape(r))], lambda x: x, grad=False),
    Sample("Assert", lambda x, n: _after(gc.Assert(gc.reduce_all(x > -100.0), [n]), x),
           lambda r: [normal(r, (3, 2)), _ints(r)], lambda x, n: x, grad=False,
           id="data"),
]
