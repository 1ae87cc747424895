"""TF parity of the session-8 additions: tf.math.special, sobol_sample, fake quantization,
quantize_and_dequantize, logm, spectral dct and the nn extras."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1  # noqa: F401

import graphc as gc

_SPECIAL = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "bessel_j0", "bessel_j1",
            "bessel_y0", "bessel_y1", "bessel_k0", "bessel_k0e", "bessel_k1", "bessel_k1e",
            "dawsn", "expint", "fresnel_cos", "fresnel_sin", "spence"]
_POSITIVE = {"bessel_y0", "bessel_y1", "bessel_k0", "bessel_k0e", "bessel_k1", "bessel_k1e",
             "expint", "spence"}


def _special(m, name):
    return getattr((gc.math if m is gc else tf.math).special, name)


def _points(name, dtype):
    x = np.concatenate([np.linspace(0.05, 4.0, 40), np.linspace(4.5, 45.0, 25)])
    if name not in _POSITIVE:
        x = np.concatenate([-x[::3], x])
    return x.astype(dtype)


@pytest.mark.parametrize("name", _SPECIAL)
def test_special_values_and_gradients_float64(name):
    x = _points(name, np.float64)
    check(lambda m, x: _special(m, name)(x), x, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", _SPECIAL)
def test_special_float32(name):
    x = _points(name, np.float32)
    check(lambda m, x: _special(m, name)(x), x, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", _SPECIAL)
def test_special_edges(name):
    x = np.array([0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-8, 700.0])
    if name.startswith("bessel_i") and not name.endswith("e"):
        x = x[x != 700.0]
    check(lambda m, x: _special(m, name)(x), x, grad=False, rtol=1e-9, atol=1e-12)


def test_special_namespace():
    assert sorted(n for n in dir(tf.math.special) if not n.startswith("_")) == \
        sorted(gc.math.special.__all__)


@pytest.mark.parametrize("dim,n,skip,dtype", [(1, 100, 0, np.float32), (40, 2000, 17,
                                                                        np.float64),
                                              (13, 300, 1000, np.float32)])
def test_sobol_sample_bits(dim, n, skip, dtype):
    with tf.Graph().as_default(), v1.Session() as tsess:   # graph mode: other parity
        want = tsess.run(tf.math.sobol_sample(dim, n, skip=skip, dtype=dtype))  # files
    with gc.Session() as sess:                                          # turn eager off
        got = sess.run(gc.math.sobol_sample(dim, n, skip=skip, dtype=dtype))
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)


# ---- fake quantization -------------------------------------------------------------------
_FQ_X = np.concatenate([np.linspace(-8, 8, 97), [-6.0, 6.0, 0.0, -0.01, 5.99]]).astype(
    np.float32).reshape(2, 51)


@pytest.mark.parametrize("lo,hi,bits,narrow", [(-6.0, 6.0, 8, False), (-1.3, 2.7, 4, True),
                                               (0.5, 3.0, 8, False), (-3.0, -0.2, 5, False),
                                               (-0.1, 7.9, 16, True), (-2.0, 2.0, 2, False)])
def test_fake_quant_args(lo, hi, bits, narrow):
    check(lambda m, x: m.fake_quant_with_min_max_args(x, min=lo, max=hi, num_bits=bits,
                                                      narrow_range=narrow),
          _FQ_X, rtol=0, atol=0)
    g = rand(2, 51, dtype=np.float32, seed=1)
    check(lambda m, g, x: m.quantization.fake_quant_with_min_max_args_gradient(
        g, x, min=lo, max=hi, num_bits=bits, narrow_range=narrow), g, _FQ_X, grad=False,
        rtol=0, atol=0)


@pytest.mark.parametrize("lo,hi,bits,narrow", [(-6.0, 6.0, 8, False), (-1.3, 2.7, 4, True),
                                               (0.5, 3.0, 8, False), (-3.0, -0.2, 3, True)])
def test_fake_quant_vars(lo, hi, bits, narrow):
    check(lambda m, x, a, b: m.fake_quant_with_min_max_vars(x, a, b, num_bits=bits,
                                                            narrow_range=narrow),
          _FQ_X, np.float32(lo), np.float32(hi), rtol=1e-6, atol=1e-6)


def test_fake_quant_per_channel():
    x = np.linspace(-4, 4, 60, dtype=np.float32).reshape(3, 4, 5)
    lo = np.array([-1.0, -3.5, 0.3, -2.0, -0.7], np.float32)
    hi = np.array([1.0, 0.5, 2.0, 2.0, 3.3], np.float32)
    for bits, narrow in ((8, False), (3, True)):
        check(lambda m, x, a, b: m.fake_quant_with_min_max_vars_per_channel(
            x, a, b, num_bits=bits, narrow_range=narrow), x, lo, hi, rtol=1e-6, atol=1e-6)
    g = rand(3, 4, 5, dtype=np.float32, seed=3)
    check(lambda m, g, x, a, b: m.fake_quant_with_min_max_vars_per_channel_gradient(
        g, x, a, b), g, x, lo, hi, grad=False, rtol=1e-6, atol=1e-6)


# ---- quantize_and_dequantize -------------------------------------------------------------
@pytest.mark.parametrize("kw", [
    dict(), dict(signed_input=False), dict(range_given=True), dict(num_bits=4),
    dict(round_mode="HALF_UP", num_bits=3), dict(narrow_range=True, num_bits=5),
    dict(range_given=True, signed_input=False, num_bits=6)])
@pytest.mark.parametrize("v", [1, 2])
def test_quantize_and_dequantize(kw, v):
    x = np.round(rand(4, 6, seed=4, low=-3, high=3) * 8) / 8        # some exact halves
    if not kw.get("signed_input", True):
        x = np.abs(x)
    lo, hi = np.float64(-1.5 if kw.get("signed_input", True) else 0.2), np.float64(2.0)
    f = "quantize_and_dequantize" + ("_v2" if v == 2 else "")
    check(lambda m, x, a, b: getattr(m.quantization, f)(x, a, b, **kw), x, lo, hi,
          rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("v", [1, 2])
def test_quantize_and_dequantize_axis(v):
    x = rand(3, 4, 5, dtype=np.float32, seed=5)
    lo = np.array([-1.0, -0.5, -2.0, -0.1], np.float32)
    hi = np.array([1.0, 0.7, 0.2, 3.0], np.float32)
    f = "quantize_and_dequantize" + ("_v2" if v == 2 else "")
    check(lambda m, x, a, b: getattr(m.quantization, f)(
        x, a, b, range_given=False, axis=1, num_bits=4), x, lo, hi, rtol=1e-6, atol=1e-6)


# ---- nn extras -------------------------------------------------------------------------
def _top(m, name):
    if m is gc:
        import graphc.ops.nn_backprop as nb
        return getattr(nb, name)
    return getattr(m, name)


def test_conv2d_backprop_v2():
    # TF's CPU build has no Conv2DBackprop*V2 kernels: compare with the sizes forms
    x, w, dy = rand(2, 5, 6, 3, seed=6), rand(3, 2, 3, 4, seed=7), rand(2, 3, 3, 4, seed=8)

    def filt(m, x, w, dy):
        if m is gc:
            return _top(m, "conv2d_backprop_filter_v2")(x, w, dy, [1, 2, 2, 1], "SAME")
        return m.nn.conv2d_backprop_filter(x, m.shape(w), dy, [1, 2, 2, 1], "SAME")

    def inp(m, x, w, dy):
        if m is gc:
            return _top(m, "conv2d_backprop_input_v2")(x, w, dy, [1, 2, 2, 1], "SAME")
        return m.nn.conv2d_backprop_input(m.shape(x), w, dy, [1, 2, 2, 1], "SAME")
    check(filt, x, w, dy)
    check(inp, x, w, dy)
    assert "explicit_paddings" in str(__import__("inspect").signature(
        v1.conv2d_backprop_filter_v2))


def test_depthwise_backprop_aliases():
    x, dy = rand(1, 5, 5, 2, seed=9), rand(1, 4, 4, 6, seed=10)
    check(lambda m, x, dy: m.nn.depthwise_conv2d_backprop_filter(x, [2, 2, 2, 3], dy,
                                                                 [1, 1, 1, 1], "VALID"), x, dy)
    w = rand(2, 2, 2, 3, seed=11)
    check(lambda m, w, dy: m.nn.depthwise_conv2d_backprop_input([1, 5, 5, 2], w, dy,
                                                                [1, 1, 1, 1], "VALID"), w, dy)


def test_losses_and_bins():
    loss, sw = rand(6, 3, seed=12), rand(6, 1, seed=13)
    check(lambda m, l: m.nn.compute_average_loss(l), loss)
    check(lambda m, l, s: m.nn.compute_average_loss(l, sample_weight=s, global_batch_size=10),
          loss, sw)
    check(lambda m, a, b: m.nn.scale_regularization_loss([a, b]), rand(3, seed=14),
          rand(3, seed=15))
    v = np.concatenate([rand(4, 5, seed=16, low=-3, high=3).ravel(), [-1.0, 1.0, 0.0]])
    v = v.astype(np.float32)
    check(lambda m, v: _top(m, "histogram_fixed_width_bins")(v, [-1.0, 1.0], nbins=7), v)
    check(lambda m, x: m.spectral.dct(x, type=2, norm="ortho"), rand(3, 8, dtype=np.float32),
          rtol=1e-5, atol=1e-5)
    check(lambda m, x: m.nn.space_to_batch(x, [[0, 1], [1, 0]], 2), rand(1, 3, 3, 2))
