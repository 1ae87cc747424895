"""No recursion over graph depth: a 100,000-node chain builds, runs, differentiates and
exports with Python's default recursion limit."""
import sys

import numpy as np

import graphc as gc

N = 100_000


def test_100k_chain_builds_runs_differentiates_and_exports():
    assert sys.getrecursionlimit() <= 10_000
    x = gc.placeholder(gc.float64, (2,), name="x")
    y = x
    for _ in range(N):
        y = gc.sin(y)
    v, d = np.array([0.5, 1.0]), np.ones(2)
    for _ in range(N):              # the same chain, and its derivative, in numpy
        d = d * np.cos(v)
        v = np.sin(v)
    g, = gc.gradients(y, [x])
    with gc.Session() as s:
        out, grad = s.run([y, g], {x: [0.5, 1.0]})
    np.testing.assert_allclose(out, v, rtol=1e-12)
    np.testing.assert_allclose(grad, d, rtol=1e-9)
    dot = gc.to_dot(y)
    assert dot.count("->") >= N
