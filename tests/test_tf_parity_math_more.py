"""Parity with tf.compat.v1 for ops/math_more.py: C-style division, multiply_no_nan,
nextafter, arg_max/arg_min, conj/real/imag of real tensors, and the special functions
(igamma, igammac, betainc, zeta, the modified Bessel functions), values and gradients."""
import numpy as np
import pytest
from tf_parity import check, rand

F32 = dict(rtol=2e-5, atol=1e-6)          # TF's float32 kernels compute in float32


def _i(*values, dtype=np.int32):
    return np.array(values, dtype)


NEG_INTS = _i(7, -7, 7, -7, 0, 9, -1, 5).reshape(2, 4)
NEG_DIVS = _i(2, 2, -2, -2, 3, -4, 3, 1).reshape(2, 4)
A_EDGE = np.array([0.0, 0.0, -1.0, 1.0, 1.0, np.inf, 1.0, 2.0, 0.5, 3.0])
X_EDGE = np.array([0.0, 1.0, 1.0, -1.0, 0.0, 1.0, np.inf, np.nan, 1e-300, 1e3])
S_EDGE = np.array([1.0, 0.5, 2.0, 2.0, 3.0, 2.5, 2.0, 3.0, np.inf, 2.0, np.inf, 4.0])
Q_EDGE = np.array([1.0, 1.0, 0.0, -1.0, -1.5, -1.5, -2.5, -2.0, 1.0, np.inf, 2.0, 0.7])

CASES = {
    # ---- C-style division (TF: truncatediv has gradient None, truncatemod none at all)
    "truncatediv_int32": (lambda m, x, y: m.truncatediv(x, y), NEG_INTS, NEG_DIVS),
    "truncatediv_int64_bcast": (lambda m, x, y: m.truncatediv(x, y),
                                NEG_INTS.astype(np.int64), _i(3, -2, 5, -7, dtype=np.int64)),
    "truncatediv_float": (lambda m, x, y: m.truncatediv(x, y), rand(3, 4, low=-9, high=9),
                          rand(4, low=1, high=3) * np.array([1, -1, 1, -1])),
    "truncatediv_float32": (lambda m, x, y: m.truncatediv(x, y),
                            rand(2, 3, dtype=np.float32, low=-9, high=9),
                            np.float32(-2.5)),
    "truncatemod_int32": (lambda m, x, y: m.truncatemod(x, y), NEG_INTS, NEG_DIVS),
    "truncatemod_int64_bcast": (lambda m, x, y: m.truncatemod(x, y),
                                NEG_INTS.astype(np.int64), _i(3, -2, 5, -7, dtype=np.int64)),
    "truncatemod_float": (lambda m, x, y: m.truncatemod(x, y),
                          np.array([7.0, -7.0, 7.5, 1.0, -0.5]),
                          np.array([2.0, 2.0, -2.0, 0.0, 0.3]), {"grad": False}),
    "truncatemod_float32": (lambda m, x, y: m.truncatemod(x, y),
                            rand(3, 2, dtype=np.float32, low=-9, high=9),
                            rand(2, dtype=np.float32, low=1, high=3), {"grad": False}),
    # ---- multiply_no_nan, nextafter
    "multiply_no_nan": (lambda m, x, y: m.math.multiply_no_nan(x, y), rand(3, 4),
                        np.where(rand(3, 4, seed=1) > 0.5, 0.0, rand(3, 4, seed=2))),
    "multiply_no_nan_bcast": (lambda m, x, y: m.math.multiply_no_nan(x, y), rand(4),
                              np.where(rand(2, 3, 4, seed=3) > 0.5, 0.0, rand(2, 3, 4))),
    "multiply_no_nan_inf_nan": (lambda m, x, y: m.math.multiply_no_nan(x, y),
                                np.array([np.inf, np.nan, -np.inf, 2.0], np.float32),
                                np.array([0.0, 0.0, 0.0, 3.0], np.float32), {"grad": False}),
    "nextafter_f64": (lambda m, x, y: m.math.nextafter(x, y), rand(3, 4), rand(4, seed=5)),
    "nextafter_f32_to_0": (lambda m, x, y: m.math.nextafter(x, y),
                           rand(2, 3, dtype=np.float32), np.zeros((2, 3), np.float32)),
    # ---- deprecated names, complex-number functions on real tensors
    "arg_max_1": (lambda m, x: m.arg_max(x, 1), rand(3, 5)),
    "arg_max_neg": (lambda m, x: m.arg_max(x, -3, output_type=m.int32), rand(4, 2, 3)),
    "arg_max_int": (lambda m, x: m.arg_max(x, 0), rand(5, 3, dtype=np.int32, low=-9, high=9)),
    "arg_min_0": (lambda m, x: m.arg_min(x, 0), rand(4, 3)),
    "arg_min_neg_int32": (lambda m, x: m.arg_min(x, dimension=-1, output_type=m.int32),
                          rand(2, 3, 5, dtype=np.float32)),
    "conj_float": (lambda m, x: m.conj(x) * 2.0, rand(3, 4)),
    "conj_int": (lambda m, x: m.math.conj(x), rand(3, dtype=np.int64, low=-5, high=5)),
    "real_float32": (lambda m, x: m.real(x) * 3.0, rand(2, 3, dtype=np.float32)),
    "real_int": (lambda m, x: m.math.real(x), rand(4, dtype=np.int32, low=-5, high=5)),
    "imag_float": (lambda m, x: m.imag(x) + x, rand(3, 2)),
    "imag_int": (lambda m, x: m.math.imag(x), rand(4, 2, dtype=np.int32, low=-5, high=5)),
    # ---- incomplete gamma
    "igamma_bcast": (lambda m, a, x: m.igamma(a, x), rand(3, 1, low=0.3, high=6),
                     rand(1, 4, low=0.1, high=9), {"rtol": 1e-9, "atol": 1e-12}),
    "igamma_large": (lambda m, a, x: m.math.igamma(a, x), rand(2, 3, low=10, high=60),
                     rand(2, 3, low=5, high=80), {"rtol": 1e-9, "atol": 1e-12}),
    "igamma_f32": (lambda m, a, x: m.igamma(a, x), rand(4, dtype=np.float32, low=0.5, high=4),
                   rand(3, 4, dtype=np.float32, low=0.1, high=6), F32),
    "igammac_bcast": (lambda m, a, x: m.igammac(a, x), rand(4, low=0.3, high=6),
                      rand(2, 4, low=0.1, high=9), {"rtol": 1e-9, "atol": 1e-12}),
    "igammac_tail": (lambda m, a, x: m.math.igammac(a, x), rand(3, low=0.5, high=3),
                     rand(3, low=20, high=40), {"rtol": 1e-9, "atol": 0.0}),
    "igammac_f32": (lambda m, a, x: m.igammac(a, x), rand(3, dtype=np.float32, low=0.5, high=4),
                    rand(3, dtype=np.float32, low=0.1, high=6), F32),
    "igamma_edges": (lambda m, a, x: m.igamma(a, x), A_EDGE, X_EDGE, {"grad": False}),
    "igammac_edges": (lambda m, a, x: m.igammac(a, x), A_EDGE, X_EDGE, {"grad": False}),
    # ---- incomplete beta
    "betainc": (lambda m, a, b, x: m.betainc(a, b, x), rand(3, 4, low=0.3, high=5),
                rand(3, 4, low=0.3, high=5, seed=8), rand(3, 4, low=0.02, high=0.98),
                {"rtol": 1e-9, "atol": 1e-12}),
    "betainc_scalar_ab": (lambda m, a, b, x: m.math.betainc(a, b, x), np.float64(2.5),
                          np.float64(0.7), rand(2, 5, low=0.01, high=0.99),
                          {"rtol": 1e-9, "atol": 1e-12}),
    "betainc_scalar_x": (lambda m, a, b, x: m.betainc(a, b, x), rand(4, low=1, high=40),
                         rand(4, low=1, high=40, seed=9), np.float64(0.4),
                         {"rtol": 1e-9, "atol": 1e-12}),
    "betainc_f32": (lambda m, a, b, x: m.betainc(a, b, x), rand(5, dtype=np.float32, low=0.5,
                    high=4), rand(5, dtype=np.float32, low=0.5, high=4, seed=3),
                    rand(5, dtype=np.float32, low=0.05, high=0.95), F32),
    "betainc_edges": (lambda m, a, b, x: m.betainc(a, b, x),
                      np.array([0.0, 1.0, -1.0, 1.0, 1.0, 1.0, 2.0, np.inf, 1.0, 2.0]),
                      np.array([1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, np.inf, 3.0]),
                      np.array([0.5, 0.5, 0.5, -0.1, 0.0, 1.0, 1.1, 0.5, 0.5, 0.5]),
                      {"grad": False}),
    # ---- Hurwitz zeta (TF: no gradient in x)
    "zeta_bcast": (lambda m, s, q: m.zeta(s, q), rand(3, 1, low=1.2, high=6),
                   rand(4, low=0.2, high=8), {"rtol": 1e-9, "atol": 1e-12}),
    "zeta_scalar_s": (lambda m, s, q: m.math.zeta(s, q), np.float64(2.0),
                      rand(2, 3, low=0.5, high=30), {"rtol": 1e-9, "atol": 1e-12}),
    "zeta_f32": (lambda m, s, q: m.zeta(s, q), rand(4, dtype=np.float32, low=1.5, high=5),
                 rand(4, dtype=np.float32, low=0.5, high=5), F32),
    "zeta_edges": (lambda m, s, q: m.zeta(s, q), S_EDGE, Q_EDGE, {"grad": False,
                                                                   "rtol": 1e-9}),
    # ---- modified Bessel functions (TF1 has them under tf.math only)
    "bessel_i0e": (lambda m, x: m.math.bessel_i0e(x), rand(3, 4, low=-40, high=40),
                   {"rtol": 1e-12, "atol": 1e-14}),
    "bessel_i1e": (lambda m, x: m.math.bessel_i1e(x), rand(4, 3, low=-40, high=40),
                   {"rtol": 1e-12, "atol": 1e-14}),
    "bessel_i1e_at_0": (lambda m, x: m.math.bessel_i1e(x), np.array([0.0, 1e-3, -2.0, 0.0])),
    "bessel_ie_f32": (lambda m, x: [m.math.bessel_i0e(x), m.math.bessel_i1e(x)],
                      rand(2, 5, dtype=np.float32, low=-30, high=30), F32),
    "bessel_ie_edges": (lambda m, x: [m.math.bessel_i0e(x), m.math.bessel_i1e(x)],
                        np.array([0.0, 1e-300, -700.0, 1e6, np.inf, -np.inf, np.nan]),
                        {"grad": False}),
    "bessel_i0": (lambda m, x: m.math.bessel_i0(x), rand(3, 4, low=-20, high=20),
                  {"rtol": 1e-12, "atol": 1e-14}),
    "bessel_i1": (lambda m, x: m.math.bessel_i1(x), rand(4, 3, low=-20, high=20),
                  {"rtol": 1e-12, "atol": 1e-14}),
    "bessel_i0_i1_f32": (lambda m, x: [m.math.bessel_i0(x), m.math.bessel_i1(x)],
                         rand(5, dtype=np.float32, low=-8, high=8), F32),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    kw = args.pop() if isinstance(args[-1], dict) else {}
    check(fn, *args, **kw)


@pytest.mark.parametrize("fn", ["truncatediv", "truncatemod"])
def test_integer_division_by_zero_fails_the_run(fn):
    """TF fails the run (InternalError); graphc raises at run time too."""
    import graphc as gc
    with gc.Graph().as_default():
        x = gc.placeholder(gc.int32, [2])
        y = getattr(gc, fn)(x, gc.constant([1, 0]))
        with gc.Session() as sess:
            with pytest.raises(Exception, match="division by zero"):
                sess.run(y, {x: [3, 4]})
