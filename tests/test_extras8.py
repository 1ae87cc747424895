"""Session-8 additions without TF or scipy: tf.math.special identities and known values,
sobol_sample, fake quantization, quantize_and_dequantize and the nn extras."""
import numpy as np
import pytest

import graphc as gc


def run(t, feed=None):
    with gc.Session() as sess:
        return sess.run(t, feed)


S = gc.math.special


def test_special_known_values():
    # values from DLMF / A&S tables
    want = {"bessel_j0": 0.7651976865579666, "bessel_j1": 0.4400505857449335,
            "bessel_y0": 0.08825696421567696, "bessel_y1": -0.7812128213002887,
            "bessel_k0": 0.42102443824070834, "bessel_k1": 0.6019072301972346,
            "dawsn": 0.5380795069127684, "expint": 1.8951178163559368,
            "fresnel_cos": 0.7798934003768228, "fresnel_sin": 0.43825914739035476}
    for name, v in want.items():
        np.testing.assert_allclose(run(getattr(S, name)(np.float64(1.0))), v, rtol=1e-13,
                                   err_msg=name)
    np.testing.assert_allclose(run(S.spence(np.float64(0.5))), np.pi ** 2 / 12 -
                               np.log(2) ** 2 / 2, rtol=1e-14)
    assert run(S.spence(np.float64(1.0))) == 0.0


def test_special_identities_across_ranges():
    x = np.concatenate([np.linspace(0.01, 24.9, 300), np.linspace(25.1, 80, 100)])
    j0, j1, y0, y1 = run([S.bessel_j0(x), S.bessel_j1(x), S.bessel_y0(x), S.bessel_y1(x)])
    np.testing.assert_allclose(j1 * y0 - j0 * y1, 2 / (np.pi * x), rtol=1e-11)   # Wronskian
    xi = np.linspace(0.05, 30, 200)
    k0, k1 = run([S.bessel_k0e(xi), S.bessel_k1e(xi)])
    i0, i1 = run([gc.bessel_i0e(xi), gc.bessel_i1e(xi)])
    np.testing.assert_allclose(i0 * k1 + i1 * k0, 1 / xi, rtol=1e-12)          # Wronskian
    # spence(x) + spence(1 - x) = pi^2/6 - ln x ln(1 - x)
    u = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(run(S.spence(u)) + run(S.spence(1 - u)),
                               np.pi ** 2 / 6 - np.log(u) * np.log(1 - u), rtol=1e-12)


def test_special_edges_and_dtypes():
    x = np.array([0.0, -1.0, np.inf, -np.inf], np.float32)
    assert run(S.bessel_y0(x)).tolist()[:2] == [-np.inf, -np.inf]
    assert run(S.bessel_k0(x)).tolist()[:3] == [np.inf, np.inf, 0.0]
    assert run(S.fresnel_sin(x)).tolist() == [0.0, -0.43825915455818176, 0.5, -0.5]
    assert np.isnan(run(S.expint(np.float64(-1.0))))
    assert run(S.dawsn(np.float16(0.5))).dtype == np.float16
    with pytest.raises(TypeError, match="float"):
        S.bessel_j0(gc.constant([1, 2]))


def test_special_gradients():
    x = gc.placeholder(gc.float64, [3])
    feed = {x: np.array([0.5, 1.0, 2.0])}
    g = run(gc.gradients(S.spence(x), x)[0], feed)
    np.testing.assert_allclose(g, [np.log(0.5) / 0.5, -1.0, -np.log(2.0)])
    g = run(gc.gradients(S.bessel_j0(x), x)[0], feed)
    np.testing.assert_allclose(g, -run(S.bessel_j1(x), feed))


def test_sobol_sample():
    got = run(gc.math.sobol_sample(2, 4))
    assert got.dtype == np.float32 and got.shape == (4, 2)
    np.testing.assert_array_equal(got, [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75],
                                        [0.375, 0.375]])
    pts = run(gc.math.sobol_sample(40, 1024, dtype=gc.float64))
    # a (t, m, s)-net: each dim's first 1024 points (with 0) fill the 1024 bins once
    assert all(len(np.unique(np.floor(np.r_[0, pts[:1023, d]] * 1024))) == 1024
               for d in range(40))
    with pytest.raises(Exception, match="1..40"):
        gc.math.sobol_sample(41, 3)
    with pytest.raises(Exception, match="at least one"):
        gc.math.sobol_sample(2, 0)


def test_fake_quant_args_nudges_zero():
    x = np.array([-0.1, 0.0, 0.3, 0.5, 7.0], np.float32)
    y = run(gc.fake_quant_with_min_max_args(x, min=0.1, max=1.0, num_bits=2))
    assert y[1] == 0.0 and y.dtype == np.float32          # the range moves to include 0
    np.testing.assert_allclose(y, [0.0, 0.0, 0.3, 0.6, 0.9], rtol=1e-6)   # [0, 0.9]
    with pytest.raises(Exception, match="smaller than max"):
        gc.fake_quant_with_min_max_args(x, min=1.0, max=1.0)
    with pytest.raises(Exception, match="num_bits"):
        gc.fake_quant_with_min_max_args(x, num_bits=17)
    with pytest.raises(Exception, match="float32"):
        gc.fake_quant_with_min_max_args(gc.constant([1.0], gc.float64))


def test_fake_quant_vars_gradients():
    x = gc.placeholder(gc.float32, [4])
    lo, hi = gc.constant(-1.0), gc.constant(1.0)
    y = gc.fake_quant_with_min_max_vars(x, lo, hi)
    dx, dlo, dhi = gc.gradients(y, [x, lo, hi], grad_ys=gc.constant([1., 2., 3., 4.]))
    got = run([dx, dlo, dhi], {x: np.array([-3, 0.2, 0.5, 2], np.float32)})
    np.testing.assert_array_equal(got[0], [0, 2, 3, 0])
    assert got[1] == 1.0 and got[2] == 4.0
    with pytest.raises(Exception, match="vector"):
        gc.fake_quant_with_min_max_vars_per_channel(x, lo, hi)
    with pytest.raises(Exception, match="entries"):
        gc.fake_quant_with_min_max_vars_per_channel(gc.zeros([2, 3]), [0.0, 1.0],
                                                    [1.0, 2.0])


def test_quantize_and_dequantize():
    x = np.array([-1.0, -0.3, 0.2, 0.5], np.float64)
    y = run(gc.quantization.quantize_and_dequantize(x, -1.0, 1.0, num_bits=3,
                                                    range_given=True))
    np.testing.assert_allclose(y, [-1.0, -1 / 3, 1 / 3, 2 / 3])     # scale 3 (max side)
    for mode, want in (("HALF_UP", 1.0), ("HALF_TO_EVEN", 0.0)):
        up = run(gc.quantization.quantize_and_dequantize(np.array([0.5]), -4.0, 3.0,
                                                         num_bits=3, range_given=True,
                                                         round_mode=mode))
        assert up[0] == want
    # per-slice given ranges (TF 2.21's kernel rejects range_given with an axis)
    z = run(gc.quantization.quantize_and_dequantize(
        np.array([[0.3, 3.0], [-0.3, -3.0]]), [-1.0, -4.0], [1.0, 4.0], num_bits=3,
        range_given=True, axis=1))
    np.testing.assert_allclose(z, [[1 / 3, 8 / 3], [-1 / 3, -8 / 3]])
    xt = gc.placeholder(gc.float64, [4])
    y2 = gc.quantization.quantize_and_dequantize_v2(xt, -0.5, 0.5, range_given=True)
    g = run(gc.gradients(y2, xt)[0], {xt: x})
    np.testing.assert_array_equal(g, [0, 1, 1, 1])
    with pytest.raises(Exception, match="round_mode"):
        gc.quantization.quantize_and_dequantize(x, 0.0, 1.0, round_mode="UP")
    assert not hasattr(gc, "quantize_and_dequantize") or \
        "quantize_and_dequantize" not in gc.quantization.__all__


def test_nn_extras():
    assert run(gc.nn.compute_average_loss([1.0, 2.0, 3.0])) == 2.0
    assert run(gc.nn.compute_average_loss([1.0, 2.0], sample_weight=2.0,
                                          global_batch_size=4)) == 1.5
    assert run(gc.nn.scale_regularization_loss([1.0, 2.0])) == 3.0
    from graphc.ops.nn_backprop import histogram_fixed_width_bins
    b = run(histogram_fixed_width_bins([-5.0, 0.0, 0.49, 0.5, 9.0], [0.0, 1.0], nbins=2))
    assert b.tolist() == [0, 0, 0, 1, 1] and b.dtype == np.int32
    assert gc.spectral.dct is gc.signal.dct and gc.nn.space_to_batch is not None
