"""Parity of the stateless random ops with TF: the same bits for uniform, normal,
truncated normal, int uniform and categorical; the same distribution (two-sample
Kolmogorov-Smirnov test) for gamma, poisson, binomial and the parameterized truncated
normal."""
import numpy as np
import pytest
from tf_parity import check, tf, v1  # noqa: F401

import graphc as gc

scipy_stats = pytest.importorskip("scipy.stats")

SEEDS = [np.array([5, -9], np.int64), np.array([2**40 + 3, -(2**35)], np.int64),
         np.array([0, 0], np.int32)]

EXACT = {
    "uniform": lambda m, s: m.random.stateless_uniform([3, 37], s),
    "uniform_f16": lambda m, s: m.random.stateless_uniform([13], s, dtype=m.float16),
    "uniform_f64": lambda m, s: m.random.stateless_uniform([7], s, minval=-2., maxval=3.,
                                                           dtype=m.float64),
    "normal": lambda m, s: m.random.stateless_normal([1001], s, mean=1., stddev=2.),
    "normal_f64": lambda m, s: m.random.stateless_normal([3, 5], s, dtype=m.float64),
    "normal_f16": lambda m, s: m.random.stateless_normal([9], s, dtype=m.float16),
    "truncated": lambda m, s: m.random.stateless_truncated_normal([1003], s),
    "truncated_f64": lambda m, s: m.random.stateless_truncated_normal([501], s,
                                                                      dtype=m.float64),
    "int32": lambda m, s: m.random.stateless_uniform([99], s, minval=-5, maxval=17,
                                                     dtype=m.int32),
    "int64": lambda m, s: m.random.stateless_uniform([9], s, minval=-5, maxval=2**40,
                                                     dtype=m.int64),
    "full_uint64": lambda m, s: m.random.stateless_uniform([9], s, minval=None,
                                                           maxval=None, dtype=m.uint64),
    "full_int32": lambda m, s: m.random.stateless_uniform([9], s, minval=None, maxval=None,
                                                          dtype=m.int32),
    "categorical": lambda m, s: m.random.stateless_categorical(
        [[0., 1., 2.], [2., -np.inf, 0.], [-1., -1., 5.]], 7, s),
    "multinomial": lambda m, s: m.random.stateless_multinomial(
        np.log([[0.2, 0.3, 0.5]]), 40, s, output_dtype=m.int32),
}


@pytest.mark.parametrize("seed", range(len(SEEDS)))
@pytest.mark.parametrize("case", sorted(EXACT))
def test_same_bits_as_tf(case, seed):
    check(EXACT[case], SEEDS[seed], grad=False, rtol=0, atol=0)


def _both(fn):
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            t = fn(m)
            with m.Session() as sess:
                out.append(sess.run(t))
    return out


SAME_LAW = {
    "gamma": lambda m: m.random.stateless_gamma([3000, 2], [4, 5], alpha=[0.5, 3.],
                                                beta=2.),
    "poisson": lambda m: m.random.stateless_poisson([3000, 2], [4, 5], lam=[0.7, 30.],
                                                    dtype=m.float32),
    "binomial": lambda m: m.random.stateless_binomial([3000, 2], [4, 5],
                                                      counts=[5., 40.], probs=[0.5, 0.1]),
    "ptn": lambda m: m.random.stateless_parameterized_truncated_normal(
        [3000, 3], [4, 5], means=[0., 1., 0.], stddevs=1., minvals=[-1., 2., 5.],
        maxvals=[3., 2.5, 7.]),
}


@pytest.mark.parametrize("case", sorted(SAME_LAW))
def test_same_distribution_as_tf(case):
    got, want = _both(SAME_LAW[case])
    assert got.dtype == want.dtype and got.shape == want.shape
    for j in range(got.shape[1]):
        a, b = got[:, j], want[:, j]
        if case in ("poisson", "binomial"):        # discrete: compare the frequencies
            k = np.arange(max(a.max(), b.max()) + 1)
            fa, fb = (np.bincount(x.astype(int), minlength=k.size) for x in (a, b))
            assert scipy_stats.chi2_contingency(np.stack([fa, fb])[:, (fa + fb) > 0]
                                                ).pvalue > 1e-3
        else:
            assert scipy_stats.ks_2samp(a, b).pvalue > 1e-3


def test_gamma_gradient_matches_tf_in_distribution():
    def fn(m):
        alpha = m.constant([0.5, 3.0], m.float64)
        x = m.random.stateless_gamma([4000, 2], [1, 2], alpha=alpha, dtype=m.float64)
        return m.gradients(m.reduce_mean(x), [alpha])[0]
    got, want = _both(fn)
    assert np.allclose(got, want, rtol=0.1)          # both ~ d E[x] / d alpha / 2 = 0.5
