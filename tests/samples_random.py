"""Samples for graphc.ops.random (see samples.py): static shape and dtype only; the
distributions and seeding are tested in test_nn_ops.py."""
import numpy as np

import graphc as gc
from samples import Sample, normal


def _shape(r):
    return [np.array([2, 3, 4][: int(r.integers(1, 4))], np.int32)]


SAMPLES = [
    Sample("RandomStandardNormal", lambda s: gc.random_normal(s, dtype=gc.float64),
           _shape, grad=False),
    Sample("RandomStandardNormal", lambda: gc.random_normal([3, 2], 1.0, 2.0, seed=1),
           lambda r: [], grad=False, id="static-shape"),
    Sample("RandomUniform", lambda s: gc.random_uniform(s), _shape, grad=False),
    Sample("RandomUniform", lambda: gc.random_uniform((2, 5), -1.0, 3.0), lambda r: [],
           grad=False, id="static-shape"),
    Sample("RandomUniformInt", lambda s: gc.random_uniform(s, 2, 9, dtype=gc.int32),
           _shape, grad=False),
    Sample("RandomUniformInt", lambda: gc.random_uniform([4], 0, 10, dtype=gc.int64),
           lambda r: [], grad=False, id="int64"),
    Sample("TruncatedNormal", lambda s: gc.truncated_normal(s, stddev=0.5), _shape,
           grad=False),
    Sample("RandomShuffle", gc.random_shuffle, lambda r: [normal(r, (5, 3))], grad=False),
    Sample("RandomShuffle", lambda x: gc.random_shuffle(x, seed=3),
           lambda r: [r.integers(0, 9, (4,)).astype(np.int32)], grad=False, id="int32"),
]
