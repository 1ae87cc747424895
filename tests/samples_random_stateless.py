"""Samples for random_stateless ops: shapes, value ranges and moments (the exact bits are
checked against TF's in tests/test_random_stateless.py)."""
import numpy as np

import graphc as gc
from samples import Sample  # noqa: F401


def _seed(r):
    return [r.integers(-2**40, 2**40, size=2).astype(np.int64)]


def _stats(x):
    x = gc.cast(x, gc.float64)
    return [gc.reduce_mean(x), gc.reduce_variance(x), gc.reduce_min(x), gc.reduce_max(x)]


def _logits(r):
    return [np.array([[np.log(0.2), np.log(0.3), np.log(0.5)], [np.log(0.7), -np.inf,
                      np.log(0.3)]]), _seed(r)[0]]


def _frequencies(logits, seed):
    x = gc.random.stateless_categorical(logits, 20000, seed)
    return [gc.reduce_mean(gc.cast(gc.equal(x, c), gc.float64), axis=1) for c in range(3)]


SAMPLES = [
    Sample("StatelessRandomUniformInt", lambda s: _stats(gc.random.stateless_uniform(
        [20000], s, minval=-3, maxval=7, dtype=gc.int64)), _seed,
        ref=lambda s: [1.5, 8.25, -3.0, 6.0], grad=False, atol=0.15),
    Sample("StatelessRandomUniformInt", lambda s: gc.random.stateless_uniform(
        [2, 3], s, minval=0, maxval=5, dtype=gc.int32), _seed, grad=False, id="shape"),
    Sample("StatelessRandomUniformFullInt", lambda s: _stats(gc.random.stateless_uniform(
        [20000], s, minval=None, maxval=None, dtype=gc.uint32)), _seed,
        ref=lambda s: [2.0**31, 2.0**64 / 12, 0.0, 2.0**32], grad=False, rtol=0.03,
        atol=2**32 / 500),
    Sample("StatelessMultinomial", _frequencies, _logits,
           ref=lambda lg, s: [np.exp(lg[:, c]) for c in range(3)], grad=False, atol=0.015),
    Sample("StatelessRandomPoisson", lambda s: _stats(gc.random.stateless_poisson(
        [20000], s, lam=3.5, dtype=gc.float32))[:2], _seed, ref=lambda s: [3.5, 3.5],
        grad=False, rtol=0.05),
    Sample("StatelessRandomBinomial", lambda s: _stats(gc.random.stateless_binomial(
        [20000], s, counts=10.0, probs=0.3))[:2], _seed, ref=lambda s: [3.0, 2.1],
        grad=False, rtol=0.05),
    Sample("StatelessParameterizedTruncatedNormal", lambda s: _stats(
        gc.random.stateless_parameterized_truncated_normal(
            [20000], s, means=1.0, stddevs=2.0, minvals=-1.0, maxvals=3.0)), _seed,
        ref=lambda s: [1.0, 4 * 0.2911, -1.0, 3.0], grad=False, atol=0.04),
]
