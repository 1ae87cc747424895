"""TF parity for gc.random.Generator and random_index_shuffle: exact values (TF 2.x in
graph mode through tf.compat.v1). Each generator is fetched in its first run (TF's
binomial kernel can share a fresh variable's buffer with its initial value)."""
import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1  # noqa: F401


def _both(build, runs=1):
    """build(m, Generator-module) -> list of fetches, run in graphc and in TF."""
    out = []
    for m, mod, sess_cls, init in ((gc, gc.random, gc.Session, gc.global_variables_initializer),
                                   (v1, tf.random, v1.Session, v1.global_variables_initializer)):
        g = gc.Graph() if m is gc else tf.Graph()
        with g.as_default():
            fetches = build(m, mod)
            with sess_cls() as s:
                s.run(init())
                out.append([[s.run(f) for f in fetches] for _ in range(runs)])
    return out


def _same(a, b):
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            x, y = np.asarray(x), np.asarray(y)
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_array_equal(x, y)


DRAWS = {
    "normal": lambda g: g.normal([2, 3], mean=1.0, stddev=2.0),
    "normal64": lambda g: g.normal([5], dtype="float64"),
    "uniform": lambda g: g.uniform([7], minval=-2.0, maxval=3.0),
    "uniform64": lambda g: g.uniform([3], dtype="float64"),
    "uniform16": lambda g: g.uniform([4], dtype="float16"),
    "int32": lambda g: g.uniform([6], minval=-5, maxval=100, dtype="int32"),
    "int64": lambda g: g.uniform([6], minval=-2**40, maxval=2**41, dtype="int64"),
    "full_u64": lambda g: g.uniform_full_int([3]),
    "full_i32": lambda g: g.uniform_full_int([2, 2], dtype="int32"),
    "full_u32": lambda g: g.uniform([3], minval=None, maxval=None, dtype="uint32"),
    "truncated": lambda g: g.truncated_normal([9], stddev=0.5),
    "truncated64": lambda g: g.truncated_normal([5], dtype="float64"),
    "seeds": lambda g: g.make_seeds(3),
    "skip": lambda g: g.skip(7),
}


@pytest.mark.parametrize("kind", sorted(DRAWS))
def test_generator_draws_and_state(kind):
    def build(m, mod):
        gen = mod.Generator.from_seed(2**65 + 77)
        return [DRAWS[kind](gen), gen.state.read_value() if m is v1 else gen.state]
    a, b = _both(build, runs=2)
    _same(a, b)


def test_from_key_counter_state_carry_and_auto_select():
    def build(m, mod):
        g1 = mod.Generator.from_key_counter(-5, [-1, 3], "auto_select")
        g2 = mod.Generator.from_state([2**64 - 300, 2**63 + 1, 17], mod.Algorithm.PHILOX)
        return [g1.normal([3]), g2.uniform([2]), g2.skip(2)]
    a, b = _both(build, runs=3)
    _same(a, b)


@pytest.mark.parametrize("shape,counts,probs,dtype", [
    ([12], 10.0, 0.4, "int32"),
    ([12], 10.0, 0.7, "int32"),
    ([4, 3, 2], [[10.0], [300.0], [5.0]], [[0.25, 0.9]], "int64"),
    ([2, 5], [40.0, 200.0, 1000.0, 0.0, 7.0], [0.5, 0.3, 0.98, 0.5, 1.0], "float32"),
    ([3], [25.0, 12.0, 60.0], 0.45, "float64"),
])
def test_binomial(shape, counts, probs, dtype):
    def build(m, mod):
        gen = mod.Generator.from_state([12345, 0, 99], "philox")
        return [gen.binomial(shape, counts, probs, dtype=dtype)]
    a, b = _both(build)
    _same(a, b)


def test_create_rng_state():
    seeds = [1234, 2**70 + 5, [1, 2], [1, 2, 3, 4], -1, 2**64 - 1, [2**63, 5]]
    a, b = _both(lambda m, mod: [mod.create_rng_state(s, "philox") for s in seeds]
                 + [mod.create_rng_state(9, "threefry")])
    _same(a, b)


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint32", "uint64"])
def test_random_index_shuffle(dtype):
    def build(m, mod):
        idx = m.range(0, 300, dtype="int64")
        idx = m.cast(idx, dtype)
        out = []
        for top, seed, rounds in ((299, [1, 2, 3], 4), (2**20 + 7, [7, 0, 2**31], 6),
                                  (1, [4, 5, 6], 8), (65535, [-1, 9, 12], 4)):
            i = idx if top >= 299 else m.cast(m.range(0, 2, dtype="int64"), dtype)
            out.append(m.random_index_shuffle(i, m.constant(seed, "int64"),
                                              m.constant(top, dtype), rounds=rounds))
        out.append(m.random_index_shuffle(m.cast(m.range(0, 3, dtype="int64"), dtype),
                                          m.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
                                          m.constant([5, 6, 7], dtype)))
        out.append(mod.experimental.index_shuffle(m.cast(m.range(0, 50, dtype="int64"),
                                                          dtype), [5, 9], m.constant(49, dtype)))
        return out
    a, b = _both(build)
    _same(a, b)
