"""gc.random.Generator and random_index_shuffle: TF's recorded values, state updates,
edge cases and errors (TF itself is compared in tests/test_tf_parity_rng.py)."""
import numpy as np
import pytest

import graphc as gc


def _run(*ts, init=True):
    with gc.Session() as s:
        if init:
            s.run(gc.global_variables_initializer())
        return [s.run(t) for t in ts]


def test_draws_match_recorded_tf_values_and_advance_the_state():
    gen = gc.random.Generator.from_seed(1234)
    st, sk, n = gen.state, gen.skip(5), gen.normal([3])
    ui = gen.uniform([5], minval=-3, maxval=10, dtype=gc.int64)
    tn = gen.truncated_normal([5])
    got = _run(st, sk, st, n, st, ui, tn)
    assert got[0].tolist() == [1234, 0, 0] and got[1].tolist() == [1234, 0, 0]
    assert got[2].tolist() == [2514, 0, 0] and got[4].tolist() == [3282, 0, 0]
    np.testing.assert_array_equal(got[3], np.float32([-1.049599, 1.743873, -0.08444959]))
    assert got[5].dtype == np.int64 and ((got[5] >= -3) & (got[5] < 10)).all()
    assert got[6].dtype == np.float32 and np.all(np.abs(got[6]) < 2)


def test_key_counter_floats_and_halves():
    gen = gc.random.Generator.from_key_counter(5, [7, 8], "philox")
    st, k = gen.state, gen.key
    u64 = gen.uniform([3], dtype=gc.float64)
    u16 = gen.uniform([2], dtype=gc.float16)
    got = _run(st, k, u64, u16)
    assert got[0].tolist() == [7, 8, 5] and got[1] == 5
    np.testing.assert_allclose(got[2], [0.66935815, 0.25204539, 0.35994685], rtol=1e-7)
    np.testing.assert_array_equal(got[3], np.float16([0.207, 0.968]))


def test_counter_carries_into_the_high_word():
    gen = gc.random.Generator.from_state([-1, 5, 9], "philox")
    sk = gen.skip(1)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        a, b = s.run(sk), s.run(sk)
    assert a.tolist() == [-1, 5, 9] and b.tolist() == [255, 6, 9]


def test_full_int_make_seeds_and_split():
    gen = gc.random.Generator.from_seed(7)
    ms = gen.make_seeds(2)
    assert ms.shape.as_list() == [2, 2] and ms.dtype == gc.int64
    got = _run(ms, gen.state)
    assert got[0].tolist() == [[784853886890614065, 8349095772848317176], [0, 0]]
    assert got[1].tolist() == [519, 0, 0]
    gen2 = gc.random.Generator.from_seed(7)
    kids = gen2.split(2)
    got = _run(kids[0].state, kids[1].state)
    assert got[0].tolist() == [0, 0, 784853886890614065]
    assert got[1].tolist() == [0, 0, 8349095772848317176]


def test_binomial_recorded_values():
    gen = gc.random.Generator.from_state([11, 0, 3], "philox")
    b = gen.binomial([4, 3, 2], [[10.], [30.], [5.]], [[0.25, 0.9]])
    p = gc.random.Generator.from_state([11, 0, 3], "philox").binomial([12], 10., 0.6)
    got = _run(b, gen.state, p)
    assert got[0].tolist() == [[[6, 9], [7, 26], [2, 4]], [[1, 10], [12, 26], [0, 3]],
                               [[3, 10], [7, 26], [0, 4]], [[2, 9], [11, 25], [1, 4]]]
    assert got[1].tolist() == [11 + 24 * 51200, 0, 3]
    assert got[2].tolist() == [1, 7, 6, 8, 3, 6, 6, 5, 5, 4, 7, 3]


def test_create_rng_state():
    cases = [(1234, [1234, 0, 0]), (2**70 + 5, [5, 64, 0]), ([1, 2], [0, 1, 2]),
             ([1, 2, 3, 4], [1, 2, 3]), (-1, [-1, -1, -1]), (2**64 - 1, [-1, 0, 0])]
    got = _run(*[gc.random.create_rng_state(s, "philox") for s, _ in cases], init=False)
    assert [g.tolist() for g in got] == [w for _, w in cases]
    t = gc.random.create_rng_state(gc.constant([4, 5]), 1)
    assert _run(t, init=False)[0].tolist() == [0, 4, 5]
    assert _run(gc.random.create_rng_state(3, "threefry"), init=False)[0].tolist() == [3, 0]


def test_reset_ops_and_from_state_variable():
    gen = gc.random.Generator.from_seed(1)
    ops = [gen.reset_from_seed(42), gen.reset([1, 2, 3]), gen.reset_from_key_counter(9, [4, 5])]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        got = [(s.run(op), s.run(gen.state)) for op in ops]
    assert [g[1].tolist() for g in got] == [[42, 0, 0], [1, 2, 3], [4, 5, 9]]
    v = gc.Variable(np.array([3, 0, 0], np.int64), trainable=False)
    assert gc.random.Generator.from_state(v, 1).state is v


def test_algorithm_names_and_threefry_refused():
    A = gc.random.Algorithm
    assert (A.PHILOX.value, A.THREEFRY.value, A.AUTO_SELECT.value) == (1, 2, 3)
    assert gc.random.Generator.from_seed(1, "Auto-Select").algorithm == 3
    with pytest.raises(ValueError, match="unsupported value"):
        gc.random.Generator.from_seed(1, "mersenne")
    gen = gc.random.Generator.from_seed(1, alg="threefry")
    assert gen.state.shape.as_list() == [2]
    with pytest.raises(NotImplementedError, match="ThreeFry"):
        gen.normal([2])
    with pytest.raises(ValueError, match="shape"):
        gc.random.Generator.from_state([1, 2], "philox")


def test_auto_select_is_philox_and_global_generator():
    a = gc.random.Generator.from_seed(1, "auto_select").normal([3])
    b = gc.random.Generator.from_seed(1, "philox").normal([3])
    x, y = _run(a, b)
    np.testing.assert_array_equal(x, y)
    g = gc.random.get_global_generator()
    assert g is gc.random.get_global_generator()
    mine = gc.random.Generator.from_seed(3)
    gc.random.set_global_generator(mine)
    assert gc.random.get_global_generator() is mine
    with gc.Graph().as_default():
        assert gc.random.get_global_generator() is not mine


def test_nondeterministic_state_differs_between_initializations():
    gen = gc.random.Generator.from_non_deterministic_state()
    with gc.Session() as s:
        s.run(gen.state.initializer)
        a = s.run(gen.state)
        s.run(gen.state.initializer)
        b = s.run(gen.state)
    assert a.shape == (3,) and a.tolist() != b.tolist()


def test_uniform_arguments():
    gen = gc.random.Generator.from_seed(1)
    with pytest.raises(ValueError, match="both"):
        gen.uniform([2], minval=0, dtype=gc.int32)
    x = gen.uniform([2, 3], minval=2.0, maxval=5.0)
    (v,) = _run(x)
    assert x.shape.as_list() == [2, 3] and ((v >= 2) & (v < 5)).all()
    bad = gen.uniform([2], minval=5, maxval=5, dtype=gc.int32)
    with pytest.raises(gc.errors.OpError, match="minval < maxval"):
        _run(bad)


def test_draws_are_never_merged():
    gen = gc.random.Generator.from_seed(5)
    a, b = gen.normal([4]), gen.normal([4])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        x, y = s.run([a, b])
    assert not np.array_equal(x, y)


def test_index_shuffle_values_shapes_and_errors():
    x = gc.random.experimental.index_shuffle(gc.range(10), [5, 8], 9)
    y = gc.random_index_shuffle(gc.range(10, dtype=gc.int64), [5, 8, 3],
                                gc.constant(9, gc.int64), rounds=6)
    z = gc.random_index_shuffle(3, [[5, 8, 1]], 9)
    s = gc.random_index_shuffle(3, [5, 8, 1], 9)
    assert x.shape.as_list() == [10] and z.shape.as_list() == [1] and s.shape.rank == 0
    got = _run(x, y, z, s, init=False)
    assert got[0].tolist() == [3, 8, 0, 1, 2, 7, 6, 9, 4, 5]
    assert got[1].tolist() == [6, 4, 7, 0, 1, 8, 3, 5, 9, 2]
    assert got[2].tolist() == [2] and got[3] == 2 and got[0].dtype == np.int32
    big = gc.random_index_shuffle(gc.range(1000, dtype=gc.int64), [1, 2, 3],
                                  gc.constant(999, gc.int64))
    assert sorted(_run(big, init=False)[0].tolist()) == list(range(1000))
    with pytest.raises(ValueError, match="rounds"):
        gc.random_index_shuffle(1, [1, 2, 3], 5, rounds=5)
    with pytest.raises(ValueError, match=r"\[3\] or \[n, 3\]"):
        gc.random.experimental.index_shuffle(gc.range(3), [[5, 8], [1, 2], [3, 4]], 9)
