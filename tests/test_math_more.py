"""ops/special.py and ops/math_more.py beyond the registry samples: the special-function
kernels against scipy.special over wide ranges (where scipy is installed), TF's values
off the domain, and the integer edge cases of the C-style division."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops import special as sp


def run(t, feed=None):
    with gc.Session() as sess:
        return sess.run(t, feed)


def _rel(got, want, floor=1e-300):
    return float(np.max(np.abs(got - want) / np.maximum(np.abs(want), floor)))


@pytest.mark.parametrize("lo,hi,tol", [(0.01, 1.0, 1e-13), (0.5, 10.0, 1e-13),
                                       (10.0, 200.0, 2e-12), (200.0, 5000.0, 1e-10)])
def test_igamma_against_scipy(lo, hi, tol):
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(0)
    a = rng.uniform(lo, hi, 3000)
    x = a * rng.uniform(0.01, 3.0, 3000)
    p, q, dpa = sp._igamma_f64(a, x)
    assert _rel(p, special.gammainc(a, x)) < tol
    assert _rel(q, special.gammaincc(a, x)) < 10 * tol
    h = 1e-5 * a                                   # d/da against central differences
    fd = (special.gammainc(a + h, x) - special.gammainc(a - h, x)) / (2 * h)
    np.testing.assert_allclose(dpa, fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("lo,hi", [(0.05, 1.0), (0.5, 10.0), (10.0, 500.0)])
def test_betainc_against_scipy(lo, hi):
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(1)
    a, b, x = rng.uniform(lo, hi, 3000), rng.uniform(lo, hi, 3000), rng.uniform(0, 1, 3000)
    # scipy flushes values below ~1e-280 to 0: compare above that
    np.testing.assert_allclose(sp._betainc_f64(a, b, x), special.betainc(a, b, x),
                               rtol=1e-11, atol=1e-250)


def test_zeta_against_scipy():
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(2)
    s, q = rng.uniform(1.01, 40.0, 3000), rng.uniform(0.01, 60.0, 3000)
    assert _rel(sp._zeta_f64(s, q), special.zeta(s, q)) < 1e-13
    s, q = np.array([2.0, 3.0, 4.0, 3.0]), np.array([-2.5, -1.5, -0.3, 0.7])
    np.testing.assert_allclose(sp._zeta_f64(s, q), special.zeta(s, q), rtol=1e-13)


def test_bessel_against_scipy():
    special = pytest.importorskip("scipy.special")
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.uniform(-60, 60, 3000), np.linspace(20, 30, 501),
                        10.0 ** rng.uniform(-300, 5, 500)])
    assert _rel(sp._bessel_ie_f64(x, 0), special.i0e(x)) < 5e-15
    assert _rel(sp._bessel_ie_f64(x, 1), special.i1e(x)) < 5e-15


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_values_off_the_domain_are_tfs():
    """TF's kernels: igamma(a, 0) = 0 even for a <= 0, igammac there NaN; betainc needs
    finite a, b > 0; zeta(x, q <= 0) needs an integer x and a non-integer q."""
    nan, inf = np.nan, np.inf
    a = np.array([0.0, 0.0, -1.0, 1.0, 1.0, inf, 1.0])
    x = np.array([0.0, 1.0, 1.0, -1.0, 0.0, 1.0, inf])
    p, q, dpa = sp._igamma_f64(a, x)
    np.testing.assert_array_equal(p, [0, nan, nan, nan, 0, 0, 1])
    np.testing.assert_array_equal(q, [nan, nan, nan, nan, 1, 1, 0])
    np.testing.assert_array_equal(dpa, [0, nan, nan, nan, 0, 0, 0])
    np.testing.assert_array_equal(
        sp._betainc_f64([0.0, 1.0, 1.0, 1.0, 2.0, inf], [1.0, 1.0, 1.0, 1.0, 2.0, 1.0],
                        [0.5, -0.1, 0.0, 1.0, 1.1, 0.5]), [nan, nan, 0, 1, nan, nan])
    np.testing.assert_array_equal(
        sp._zeta_f64([1.0, 0.5, 2.0, 2.0, 3.0, 2.5, inf, 2.0],
                     [1.0, 1.0, 0.0, -1.0, -2.0, -1.5, 1.0, inf]),
        [inf, nan, inf, inf, nan, nan, 1.0, 0.0])


def test_truncated_division_of_ints():
    x = np.arange(-9, 10, dtype=np.int64)[:, None]
    y = np.array([-4, -3, -1, 1, 2, 5], np.int64)
    q, r = run([gc.truncatediv(x, y), gc.truncatemod(x, y)])
    want_q = np.array([[int(a / b) for b in y] for a in x[:, 0]])
    np.testing.assert_array_equal(q, want_q)
    np.testing.assert_array_equal(r, x - want_q * y)
    assert q.dtype == np.int64 and r.dtype == np.int64


def test_real_tensors_pass_through_and_bool_is_refused():
    x = gc.constant([1.0, -2.0])
    assert gc.conj(x) is x and gc.real(x) is x
    np.testing.assert_array_equal(run(gc.imag(x)), [0.0, 0.0])
    with pytest.raises(TypeError, match="conj"):
        gc.conj(gc.constant([True]))


def test_igamma_second_derivative_in_x():
    """igamma's d/dx is built of graphc ops, so it differentiates again:
    d2/dx2 P(a, x) = x^(a-2) e^-x ((a - 1) - x) / Gamma(a)."""
    a, x = 2.5, np.array([0.5, 1.5, 4.0])
    xt = gc.constant(x)
    d1 = gc.gradients(gc.igamma(a, xt), xt)[0]
    d2 = gc.gradients(d1, xt)[0]
    from math import gamma
    np.testing.assert_allclose(run(d2), x ** (a - 2) * np.exp(-x) * (a - 1 - x) / gamma(a),
                               rtol=1e-12)
