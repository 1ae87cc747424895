"""Stateless random ops: TF's bits for the same seed (golden values taken from TF 2.21's
tf.random.stateless_* on CPU), Philox-4x32-10's published known answers, and the
stateless distributions' arguments, shapes and errors."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops import random_stateless_philox as P


def run(t, feed=None):
    with gc.Session() as sess:
        return sess.run(t, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def test_philox_known_answers():
    # Random123's known-answer tests for Philox-4x32-10
    cases = [([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
             ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2,
              [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
             ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
              [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1])]
    for ctr, key, want in cases:
        got = P.philox(np.array([ctr], np.uint32), np.array(key, np.uint32))[0]
        assert got.tolist() == want


def test_stream_blocks_count_up_the_128_bit_counter():
    w = P.blocks([3, 4], [0, 5], 3)
    assert np.array_equal(w[1, 0], P.blocks([3, 4], [5], 1)[0, 0])
    assert np.array_equal(P.stream([3, 4], 12), w[0].ravel())


GOLDEN = [  # (builder, TF's values for seed [5, -9] unless said)
    (lambda s: gc.random.stateless_uniform([4], s),
     [0.26458489894866943, 0.45409083366394043, 0.04239213466644287, 0.355374813079834]),
    (lambda s: gc.random.stateless_uniform([3], s, dtype=gc.float64),
     [0.11667982759716145, 0.33913800186547416, 0.4023490078389933]),
    (lambda s: gc.random.stateless_normal([4], s),
     [0.46388915181159973, -1.563327431678772, 1.983033299446106, -1.545691967010498]),
    (lambda s: gc.random.stateless_truncated_normal([5], [1, 2]),
     [0.544110119342804, 0.20738030970096588, 0.0735643208026886, 0.04643455147743225,
      0.16820591688156128]),
    (lambda s: gc.random.stateless_uniform([4], s, minval=-5, maxval=17, dtype=gc.int32),
     [-4, -5, 2, 15]),
    (lambda s: gc.random.stateless_uniform([2], s, minval=None, maxval=None,
                                           dtype=gc.int64),
     [-6144563941442724373, -563657023954784997]),
    (lambda s: gc.random.stateless_categorical([[0., 1., 2.], [2., -np.inf, 0.]], 6, s),
     [[1, 2, 2, 1, 2, 0], [0, 0, 0, 0, 0, 2]]),
]


@pytest.mark.parametrize("i", range(len(GOLDEN)))
def test_bits_equal_tf(i):
    build, want = GOLDEN[i]
    got = run(build([5, -9]))
    assert got.tolist() == want


def test_seed_may_be_fed_and_int64():
    seed = gc.placeholder(gc.int64, [2])
    x = gc.random.stateless_uniform([4], seed)
    assert run(x, {seed: [5, -9]}).tolist() == GOLDEN[0][1]


def test_dtypes_and_scaling():
    s = [1, 2]
    x = gc.random.stateless_uniform([3, 2], s, minval=-2.0, maxval=3.0, dtype=gc.float16)
    assert x.dtype is gc.float16 and x.shape.as_list() == [3, 2]
    v = run(x)
    assert (v >= -2).all() and (v < 3).all()
    n = run(gc.random.stateless_normal([5], s, mean=10.0, stddev=0.5))
    assert np.allclose(n, 10 + 0.5 * run(gc.random.stateless_normal([5], s)))


def test_truncated_normal_stays_within_two_stddev():
    x = run(gc.random.stateless_truncated_normal([5001], [7, 8], dtype=gc.float64))
    assert np.abs(x).max() < 2 and abs(x.std() - 0.8796) < 0.03


def test_int_uniform_arguments():
    with pytest.raises(ValueError, match="both maxval and minval"):
        gc.random.stateless_uniform([2], [1, 2], dtype=gc.int32)
    with pytest.raises(ValueError, match="int32, int64"):
        gc.random.stateless_uniform([2], [1, 2], minval=None, maxval=None, dtype=gc.int16)
    x = gc.random.stateless_uniform([2], [1, 2], minval=3, maxval=3, dtype=gc.int32)
    with pytest.raises(gc.errors.ExecutionError, match="minval < maxval"):
        run(x)
    u = run(gc.random.stateless_uniform([1000], [1, 2], minval=2**40, maxval=2**40 + 3,
                                        dtype=gc.int64))
    assert set(u.tolist()) == {2**40, 2**40 + 1, 2**40 + 2}


def test_categorical_skips_impossible_classes_and_has_int32():
    x = gc.random.stateless_multinomial([[-np.inf, 0., -np.inf]], 50, [3, 4],
                                        output_dtype=gc.int32)
    assert x.dtype is gc.int32 and x.shape.as_list() == [1, 50]
    assert (run(x) == 1).all()
    with pytest.raises(gc.errors.ShapeError, match="2-D"):
        gc.random.stateless_categorical([1., 2.], 3, [1, 2])


def test_gamma_mean_and_gradient_in_alpha():
    alpha = gc.constant([0.5, 3.0], gc.float64)
    x = gc.random.stateless_gamma([4000, 2], [1, 2], alpha=alpha, beta=2.0, dtype=gc.float64)
    assert x.shape.as_list() == [4000, 2]
    (g,) = gc.gradients(gc.reduce_mean(x, 0)[1], [alpha])
    v, gv = run([x, g])
    assert np.allclose(v.mean(0), [0.25, 1.5], rtol=0.08)
    assert abs(gv[1] - 0.5) < 0.05 and gv[0] == 0          # d mean / d alpha = 1 / beta
    assert np.array_equal(v, run(x))                        # the same every run


def test_poisson_binomial_ptn_shapes_dtypes_and_moments():
    p = gc.random.stateless_poisson([3000, 2], [1, 2], lam=[0.5, 12.0])
    b = gc.random.stateless_binomial([3000], [1, 2], counts=20.0, probs=0.25,
                                     output_dtype=gc.float64)
    t = gc.random.stateless_parameterized_truncated_normal(
        [3000, 2], [1, 2], means=[0.0, 0.0], minvals=[4.0, -1.0], maxvals=[6.0, 0.0])
    assert (p.dtype, b.dtype, t.dtype) == (gc.int32, gc.float64, gc.float32)
    pv, bv, tv = run([p, b, t])
    assert np.allclose(pv.mean(0), [0.5, 12.0], rtol=0.06)
    assert abs(bv.mean() - 5.0) < 0.15
    assert (tv[:, 0] >= 4).all() and (tv[:, 0] <= 6).all() and (tv[:, 1] <= 0).all()
    assert abs(tv[:, 0].mean() - 4.2256) < 0.02          # E[z | 4 < z < 6]
    assert np.array_equal(pv, run(p))


def test_params_that_do_not_broadcast_fail():
    x = gc.random.stateless_poisson([3, 2], [1, 2], lam=[1.0, 2.0, 3.0])
    with pytest.raises(gc.errors.ExecutionError, match="broadcast"):
        run(x)


def test_namespace():
    r = gc.random
    assert r.stateless_gamma is r.stateless_random_gamma
    assert r.stateless_poisson is r.stateless_random_poisson
    for name in ("stateless_categorical", "stateless_multinomial", "stateless_binomial",
                 "stateless_parameterized_truncated_normal"):
        assert callable(getattr(r, name))
