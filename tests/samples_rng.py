"""Samples for the rng family: gc.random.Generator's ops (graphc/ops/random_generator_ops.py,
random_generator_binomial.py) and RandomIndexShuffle. Exact TF bits are checked in
tests/test_rng.py (recorded values) and tests/test_tf_parity_rng.py."""
import numpy as np

import graphc as gc
from samples import Sample


def _kc(r):
    return [r.integers(0, 2**63, size=1).astype(np.uint64),
            r.integers(0, 2**63, size=2).astype(np.uint64)]


def _stats(x):
    x = gc.cast(x, gc.float64)
    return [gc.reduce_mean(x), gc.reduce_variance(x)]


def _v2(op, dtype=gc.float32, extra=()):
    def build(key, counter):
        return _stats(gc.ops.registry.apply1(op, (gc.constant([4000]), key, counter) + tuple(
            gc.constant(v, dtype) for v in extra), dtype=dtype, alg=1))
    return build


def _state(r):
    return [np.array([int(r.integers(0, 2**40)), 0, int(r.integers(0, 2**40))], np.int64)]


def _gen_draw(fn):
    def build(state):
        gen = gc.random.Generator.from_state(gc.Variable(state, trainable=False), "philox")
        with gc.control_dependencies([gen.state.initializer]):
            return fn(gen)
    return build


def _shuffle_in(r):
    n = int(r.integers(2, 40))
    return [np.arange(n, dtype=np.int64), r.integers(0, 2**32, size=3).astype(np.int64),
            np.array(n - 1, np.int64)]


def _is_perm(i, s, m):
    x = gc.random_index_shuffle(i, s, m)
    return [gc.reduce_sum(x), gc.reduce_sum(x * x), gc.reduce_max(x)]


R = gc.ops.random_generator_ops
SAMPLES = [
    Sample("StatelessRandomUniformV2", _v2(R.UNIFORM_V2), _kc, ref=lambda k, c: [0.5, 1 / 12],
           grad=False, atol=0.02),
    Sample("StatelessRandomNormalV2", _v2(R.NORMAL_V2, gc.float64), _kc,
           ref=lambda k, c: [0.0, 1.0], grad=False, atol=0.1),
    Sample("StatelessTruncatedNormalV2", _v2(R.TRUNCATED_V2), _kc,
           ref=lambda k, c: [0.0, 0.7737], grad=False, atol=0.06),
    Sample("StatelessRandomUniformFullIntV2", _v2(R.FULL_INT_V2, gc.uint32), _kc,
           ref=lambda k, c: [2.0**31, 2.0**64 / 12], grad=False, rtol=0.05),
    Sample("StatelessRandomUniformIntV2", _v2(R.INT_V2, gc.int64, (-3, 7)), _kc,
           ref=lambda k, c: [1.5, 8.25], grad=False, atol=0.3),
    Sample("RngReadAndSkip", _gen_draw(lambda g: g.skip(3)), _state,
           ref=lambda s: s, grad=False),
    Sample("StatefulRandomBinomial", _gen_draw(lambda g: _stats(g.binomial(
        [3000, 2], counts=[10.0, 100.0], probs=0.3))), _state,
        ref=lambda s: [(3.0 + 30.0) / 2, (2.1 + 21.0) / 2 + 13.5 ** 2], grad=False, rtol=0.05),
    Sample("NonDeterministicInts", lambda: gc.shape(gc.ops.registry.apply1(
        R.NON_DETERMINISTIC_INTS, (gc.constant([3, 2]),), dtype=gc.int64)),
        lambda r: [], ref=lambda: np.array([3, 2]), grad=False),
    Sample("RandomIndexShuffle", _is_perm, _shuffle_in,
           ref=lambda i, s, m: [i.sum(), (i * i).sum(), m], grad=False),
]
