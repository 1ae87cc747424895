"""graphc/ops/nn_misc.py: convolution, atrous_conv2d, pool, crelu, xw_plus_b,
log_poisson_loss, sufficient_statistics, normalize_moments, gelu (composites: values
against numpy written from TF1's definitions, gradients against finite differences) and
the LRN and in_top_k ops beyond their registry samples (samples_nn_more.py)."""
import math

import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ShapeError
from graphc.testing import check_jvp, check_vjp
from helpers import raises, run
from samples_nn import conv_ref, tf_padding
from samples_nn_more import conv3d_ref, lrn_ref

RNG = np.random.default_rng(0)


def rand(*s):
    return RNG.standard_normal(s)


def upsampled(f, rate):
    """f (kh, kw, C, O) with rate - 1 zeros between taps (TF's atrous definition)."""
    kh, kw = f.shape[:2]
    out = np.zeros(((kh - 1) * rate + 1, (kw - 1) * rate + 1) + f.shape[2:])
    out[::rate, ::rate] = f
    return out


def pool_loops(x, window, strides, padding, dilation, reduce):
    """TF1's tf.nn.pool definition on channels-last x, N spatial dims: output[b, o, c] =
    reduce over taps z of x[b, o * s - pad_before + d * z, c], out-of-bounds skipped."""
    sp = x.shape[1:-1]
    geo = [tf_padding(n, k, s, padding, d) for n, k, s, d in zip(sp, window, strides, dilation)]
    out = np.zeros((x.shape[0],) + tuple(g[0] for g in geo) + (x.shape[-1],))
    for o in np.ndindex(*[g[0] for g in geo]):
        vals = []
        for z in np.ndindex(*window):
            i = tuple(oo * s - g[1] + d * zz
                      for oo, s, g, d, zz in zip(o, strides, geo, dilation, z))
            if all(0 <= ii < n for ii, n in zip(i, sp)):
                vals.append(x[(slice(None),) + i])
        out[(slice(None),) + o] = reduce(np.stack(vals), axis=0)
    return out


# ---- atrous_conv2d and convolution ---------------------------------------------------------
@pytest.mark.parametrize("rate, padding", [(1, "SAME"), (2, "SAME"), (3, "VALID")])
def test_atrous_conv2d_is_conv2d_with_upsampled_filters(rate, padding):
    x, f = rand(2, 9, 10, 3), rand(3, 2, 3, 4)
    y = gc.nn.atrous_conv2d(x, f, rate, padding)
    want = conv_ref(x, upsampled(f, rate), (1, 1), padding)
    if padding == "VALID":      # TF's doc: [batch, height - 2 (kh - 1)... for rate 2]
        assert y.shape == (2, 9 - (3 - 1) * rate, 10 - (2 - 1) * rate, 4)
    else:
        assert y.shape == (2, 9, 10, 4)
    np.testing.assert_allclose(run(y), want, rtol=1e-10, atol=1e-12)


def test_atrous_conv2d_gradients():
    check_vjp(lambda x, f: gc.nn.atrous_conv2d(x, f, 2, "SAME"), [rand(1, 5, 6, 2),
                                                                  rand(2, 3, 2, 3)])
    with pytest.raises(ValueError, match="positive"):
        gc.nn.atrous_conv2d(rand(1, 5, 5, 2), rand(2, 2, 2, 1), 0, "SAME")


def test_convolution_dispatches_on_the_filter_rank():
    x1, f1 = rand(2, 9, 3), rand(3, 3, 4)
    y1 = gc.nn.convolution(x1, f1, "SAME", strides=[2])
    np.testing.assert_allclose(run(y1), conv_ref(x1[:, None], f1[None], (1, 2), "SAME")[:, 0],
                               rtol=1e-10)
    x2, f2 = rand(2, 7, 8, 3), rand(3, 2, 3, 2)
    y2 = gc.nn.convolution(x2, f2, "VALID", dilation_rate=[2, 1])
    np.testing.assert_allclose(run(y2), conv_ref(x2, f2, (1, 1), "VALID", (2, 1)), rtol=1e-10)
    y2c = gc.nn.convolution(np.moveaxis(x2, -1, 1), f2, "SAME", strides=[2, 2],
                            data_format="NCHW")
    np.testing.assert_allclose(run(y2c), np.moveaxis(conv_ref(x2, f2, (2, 2), "SAME"), -1, 1),
                               rtol=1e-10)
    x3, f3 = rand(1, 4, 5, 6, 2), rand(2, 2, 3, 2, 3)
    y3 = gc.nn.convolution(x3, filters=f3, padding="SAME", dilations=[1, 2, 1])
    assert y3.node.op.name == "Conv3D" and y3.shape == (1, 4, 5, 6, 3)
    np.testing.assert_allclose(run(y3), conv3d_ref(x3, f3, (1, 1, 1), "SAME", (1, 2, 1)),
                               rtol=1e-10)
    check_vjp(lambda x, f: gc.nn.convolution(x, f, "SAME", dilation_rate=[2]),
              [rand(2, 6, 2), rand(2, 2, 3)])


def test_convolution_errors():
    x, f = gc.placeholder(gc.float32, (1, 8, 8, 3)), gc.zeros([3, 3, 3, 2])
    with pytest.raises(ValueError, match=r"len\(strides\)=3 but should be 2"):
        gc.nn.convolution(x, f, "SAME", strides=[1, 2, 1])
    with pytest.raises(ValueError, match="strides > 1 not supported in conjunction"):
        gc.nn.convolution(x, f, "SAME", strides=[2, 2], dilation_rate=[2, 1])
    with pytest.raises(ValueError, match='"NHWC" or "NCHW"'):
        gc.nn.convolution(x, f, "SAME", data_format="NCW")
    with pytest.raises(ValueError, match="rank"):
        gc.nn.convolution(gc.placeholder(gc.float32), gc.placeholder(gc.float32), "SAME")
    with pytest.raises(ValueError, match="1, 2 or 3"):
        gc.nn.convolution(rand(1, 2, 3, 4, 5, 6), rand(1, 1, 1, 1, 6, 2), "SAME")


# ---- pool ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["MAX", "AVG"])
@pytest.mark.parametrize("n, fmt", [(1, "NWC"), (1, "NCW"), (2, "NHWC"), (3, "NCDHW")])
def test_pool_matches_tf_definition(kind, n, fmt):
    window, strides = [3, 2, 2][:n], [2, 1, 2][:n]
    shape = (2,) + (7, 6, 5)[:n] + (3,)
    x = RNG.permutation(math.prod(shape)).reshape(shape) * 0.1     # no ties
    xin = np.moveaxis(x, -1, 1) if fmt.startswith("NC") else x
    y = gc.nn.pool(xin, window, kind, "SAME", strides=strides, data_format=fmt)
    got = run(y)
    got = np.moveaxis(got, 1, -1) if fmt.startswith("NC") else got
    reduce = np.max if kind == "MAX" else np.mean
    want = pool_loops(x, window, strides, "SAME", [1] * n, reduce)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12)
    check_vjp(lambda t: gc.nn.pool(t, window, kind, "SAME", strides=strides, data_format=fmt),
              [xin])


@pytest.mark.parametrize("kind", ["MAX", "AVG"])
@pytest.mark.parametrize("rates", [[2], [2, 3], [1, 2, 2]])
def test_dilated_pool_matches_tf_definition(kind, rates):
    n = len(rates)
    window = [2, 3, 2][:n]
    shape = (2,) + (8, 9, 7)[:n] + (2,)
    x = RNG.permutation(math.prod(shape)).reshape(shape) * 0.1     # no ties
    y = gc.nn.pool(x, window, kind, "VALID", dilation_rate=rates)
    reduce = np.max if kind == "MAX" else np.mean
    want = pool_loops(x, window, [1] * n, "VALID", rates, reduce)
    assert y.shape == want.shape
    np.testing.assert_allclose(run(y), want, rtol=1e-12)
    check_vjp(lambda t: gc.nn.pool(t, window, kind, "VALID", dilation_rate=rates), [x])
    p = gc.placeholder(gc.float64, (None,) * (n + 2))
    yp = gc.nn.pool(p, window, kind, "VALID", dilations=rates)
    np.testing.assert_allclose(run(yp, {p: x}), want, rtol=1e-12)


def test_pool_errors():
    x = gc.placeholder(gc.float32, (1, 8, 8, 3), name="x")
    with pytest.raises(ValueError, match="SAME padding is not implemented"):
        gc.nn.pool(x, [2, 2], "MAX", "SAME", dilation_rate=[2, 2])
    with pytest.raises(ValueError, match="window_shape"):
        gc.nn.pool(x, [2, 2], "MAX", "VALID", strides=[3, 1])
    with pytest.raises(ValueError, match="2-D MIN pooling is not supported"):
        gc.nn.pool(x, [2, 2], "MIN", "VALID")
    with pytest.raises(ValueError, match="1, 2 or 3"):
        gc.nn.pool(x, [2, 2, 2, 2], "MAX", "VALID")
    raises(ShapeError, lambda: gc.nn.pool(x, [2, 2, 2], "MAX", "VALID"), "rank 5", "'x'")
    raises(ShapeError, lambda: gc.nn.pool(x, [3, 1], "AVG", "VALID", dilation_rate=[4, 1]),
           "spans 9", "'x'")


# ---- small composites ----------------------------------------------------------------------
def test_crelu():
    x = rand(3, 4, 2)
    for axis in (-1, 1):
        y = gc.nn.crelu(x, axis=axis)
        want = np.concatenate([np.maximum(x, 0), np.maximum(-x, 0)], axis=axis)
        assert y.shape == want.shape
        np.testing.assert_allclose(run(y), want)
    check_vjp(lambda t: gc.nn.crelu(t, axis=0), [rand(3, 4) + np.sign(rand(3, 4))])


def test_xw_plus_b():
    x, w, b = rand(5, 3), rand(3, 4), rand(4)
    y = gc.nn.xw_plus_b(x, w, b, name="logits")
    assert y.shape == (5, 4) and y.node.name == "logits"
    np.testing.assert_allclose(run(y), x @ w + b, rtol=1e-12)
    check_vjp(gc.nn.xw_plus_b, [x, w, b])
    check_jvp(gc.nn.xw_plus_b, [x, w, b])


def test_log_poisson_loss():
    z = np.array([[0.0, 0.5, 1.0], [1.5, 3.0, 7.0]])
    c = rand(2, 3)
    got, full = run([gc.nn.log_poisson_loss(z, c), gc.nn.log_poisson_loss(z, c, True)])
    want = np.exp(c) - z * c
    np.testing.assert_allclose(got, want, rtol=1e-12)
    stirling = np.zeros_like(z)
    for idx, t in np.ndenumerate(z):
        if t > 1:                       # TF adds the term only outside 0 <= z <= 1
            stirling[idx] = t * math.log(t) - t + 0.5 * math.log(2 * math.pi * t)
    np.testing.assert_allclose(full, want + stirling, rtol=1e-12)
    # the term approximates log(z!): within 1% at z = 7
    assert abs(stirling[1, 2] - math.lgamma(8)) < 0.01 * math.lgamma(8)
    check_vjp(lambda li: gc.nn.log_poisson_loss(z, li, compute_full_loss=True), [c])
    t = gc.placeholder(gc.float64, (2, 3), name="t")
    raises(ShapeError, lambda: gc.nn.log_poisson_loss(t, gc.zeros([3, 2], gc.float64)),
           "same shape")


def test_sufficient_statistics_and_normalize_moments():
    t = gc.constant([[1, 2, 3], [4, 5, 6]])
    stats = gc.nn.sufficient_statistics(t, [1])
    assert stats[3] is None
    n, m_ss, v_ss = run(list(stats[:3]))
    assert n == 3 and n.dtype == np.int32                    # TF1's documented example
    np.testing.assert_array_equal(m_ss, [6, 15])
    np.testing.assert_array_equal(v_ss, [14, 77])
    x = rand(4, 3, 5) * 2 + 1
    for shift in (None, 0.7):
        stats = gc.nn.sufficient_statistics(x, [0, 2], shift=shift, keep_dims=True)
        assert stats[1].shape == (1, 3, 1) and (stats[3] is None) == (shift is None)
        mean, var = gc.nn.normalize_moments(*stats)
        np.testing.assert_allclose(run(mean), x.mean(axis=(0, 2), keepdims=True), rtol=1e-12)
        np.testing.assert_allclose(run(var), x.var(axis=(0, 2), keepdims=True), rtol=1e-10)
    p = gc.placeholder(gc.float64, (None, 3, None))
    count, m_ss, v_ss, _ = gc.nn.sufficient_statistics(p, [-1, 0])
    assert count.shape == () and m_ss.shape == (3,)
    np.testing.assert_allclose(run(count, {p: x}), 20)

    def moments(v):
        return list(gc.nn.normalize_moments(*gc.nn.sufficient_statistics(v, [1], shift=0.5)))
    check_vjp(moments, [x])
    check_jvp(moments, [x])


def test_gelu():
    x = np.concatenate([rand(20) * 3, [0.0, 1.0, -1.0]])
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x])
    tanh = np.array([0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v ** 3)))
                     for v in x])
    got, approx = run([gc.nn.gelu(x), gc.nn.gelu(x, approximate=True)])
    np.testing.assert_allclose(got, exact, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(approx, tanh, rtol=1e-12, atol=1e-15)
    assert abs(got[-2] - 0.8413447460685429) < 1e-12                # x Phi(x) at x = 1
    assert np.max(np.abs(got - approx)) < 1e-3
    for approximate in (False, True):
        check_vjp(lambda t: gc.nn.gelu(t, approximate=approximate), [x])
        check_jvp(lambda t: gc.nn.gelu(t, approximate=approximate), [x])


# ---- LRN -----------------------------------------------------------------------------------
def test_lrn_values_alias_and_second_derivatives():
    assert gc.nn.lrn is gc.nn.local_response_normalization
    x = rand(2, 3, 2, 9).astype(np.float32)
    y = gc.nn.lrn(x, depth_radius=3, bias=2.0, alpha=1e-1, beta=0.75)
    assert y.dtype == gc.float32 and y.node.op.name == "LRN"
    np.testing.assert_allclose(run(y), lrn_ref(x.astype(np.float64), 3, 2.0, 0.1, 0.75),
                               rtol=1e-5)

    def gradient(t):
        out = gc.nn.local_response_normalization(t, 2, 1.0, 0.5, 0.6)
        return gc.gradients(gc.reduce_sum(out * out * out), t)[0]
    check_vjp(gradient, [rand(1, 2, 2, 6)])
    check_jvp(gradient, [rand(1, 2, 2, 6)])
    check_vjp(gradient, [rand(1, 2, 2, 5)], dynamic=True)       # the depth known at run time


def test_lrn_errors():
    v = gc.placeholder(gc.float32, (3, 4, 5), name="v")
    raises(ShapeError, lambda: gc.nn.lrn(v), "rank 4", "'v'")
    raises(DTypeError, lambda: gc.nn.lrn(gc.zeros([1, 1, 1, 3], gc.int32)), "float")
    with pytest.raises(ValueError, match="depth_radius"):
        gc.nn.lrn(gc.zeros([1, 1, 1, 3]), depth_radius=-1)


# ---- in_top_k ------------------------------------------------------------------------------
def test_in_top_k_ties_count_as_in():
    p = np.array([[0.1, 0.3, 0.3, 0.2], [0.1, 0.3, 0.3, 0.2], [0.4, 0.4, 0.4, 0.4],
                  [0.5, np.inf, 0.1, 0.2], [0.5, 0.1, 0.1, 0.2]], np.float32)
    t = np.array([2, 3, 0, 0, 4], np.int64)
    np.testing.assert_array_equal(run(gc.nn.in_top_k(p, t, 1)),
                                  [True, False, True, False, False])
    np.testing.assert_array_equal(run(gc.nn.in_top_k(p, t, 3)),
                                  [True, True, True, False, False])
    k = gc.placeholder(gc.int64, (), name="k")
    hit = gc.nn.in_top_k(p, t, k)
    assert hit.shape == (5,) and hit.dtype == gc.bool
    np.testing.assert_array_equal(run(hit, {k: 0}), [False] * 5)


def test_in_top_k_static_shapes_and_errors():
    p = gc.placeholder(gc.float32, (None, 10), name="p")
    t = gc.placeholder(gc.int32, (8,), name="t")
    assert gc.nn.in_top_k(p, t, 5).shape.as_list() == [8]
    raises(ShapeError, lambda: gc.nn.in_top_k(gc.placeholder(gc.float32, (7, 10)), t, 5),
           "7 rows", "8 targets")
    raises(ShapeError, lambda: gc.nn.in_top_k(gc.zeros([8]), t, 1), "rank 2")
    raises(DTypeError, lambda: gc.nn.in_top_k(p, gc.zeros([8]), 1), "int")
    assert gc.gradients(gc.reduce_sum(gc.cast(gc.nn.in_top_k(p, t, 2), gc.float32)), p) \
        == [None]


def test_selu_and_sign_gradients_at_zero_are_tf1s():
    x = gc.placeholder(gc.float32, [3])
    dselu, = gc.gradients(gc.nn.selu(x), x)
    dsign, = gc.gradients(gc.sign(x), x)
    with gc.Session() as sess:
        a, b = sess.run([dselu, dsign], {x: [0.0, -1.0, 2.0]})
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    np.testing.assert_allclose(a, [scale, scale * alpha * np.exp(-1.0), scale], rtol=1e-6)
    assert b.tolist() == [0.0, 0.0, 0.0]          # TF1's Sign gradient: zeros, not None
