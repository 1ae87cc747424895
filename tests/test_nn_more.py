"""graphc/ops/nn_more.py's composites and gc.losses.mean_pairwise_squared_error without
TensorFlow: values against numpy written from TF1's definitions, gradients and jvps
against finite differences, build-time errors. (tests/test_tf_parity_nn_more.py checks
them against TF itself; samples_nn_more2.py has the MaxPoolWithArgmax op's samples.)"""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import ShapeError
from graphc.testing import check_jvp, check_vjp
from helpers import raises, run
from samples_nn import tf_padding

RNG = np.random.default_rng(0)


def rand(*s):
    return RNG.standard_normal(s)


def dilation_ref(x, f, strides, rates, padding):
    """TF's Dilation2D: max over taps of the in-range x[y, x] + f[a, b]."""
    n, h, w, c = x.shape
    kh, kw, _ = f.shape
    (oh, top), (ow, left) = (tf_padding(d, k, s, padding, r) for d, k, s, r in
                             ((h, kh, strides[0], rates[0]), (w, kw, strides[1], rates[1])))
    out = np.full((n, oh, ow, c), -np.inf)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    y = i * strides[0] + a * rates[0] - top
                    xx = j * strides[1] + b * rates[1] - left
                    if 0 <= y < h and 0 <= xx < w:
                        out[:, i, j] = np.maximum(out[:, i, j], x[:, y, xx] + f[a, b])
    return out


@pytest.mark.parametrize("strides,rates,padding", [((1, 1), (1, 1), "VALID"),
                                                   ((2, 1), (1, 1), "SAME"),
                                                   ((1, 1), (2, 3), "SAME"),
                                                   ((1, 2), (2, 1), "VALID")])
def test_dilation2d_value_and_derivatives(strides, rates, padding):
    x, f = rand(2, 7, 6, 3), rand(3, 2, 3)
    fn = lambda x, f: gc.nn.dilation2d(x, f, [1, *strides, 1], [1, *rates, 1], padding)
    np.testing.assert_allclose(run(fn(gc.constant(x), gc.constant(f))),
                               dilation_ref(x, f, strides, rates, padding))
    check_vjp(fn, [x, f])
    check_jvp(fn, [x, f])


def test_erosion2d_is_the_dual_of_dilation2d():
    x, k = rand(2, 6, 5, 2), rand(2, 3, 2)
    y = run(gc.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"))
    np.testing.assert_allclose(y, -dilation_ref(-x, k[::-1, ::-1], (1, 1), (1, 1), "SAME"))
    check_vjp(lambda x, k: gc.nn.erosion2d(x, k, [1, 1, 1, 1], [1, 2, 1, 1], "VALID"), [x, k])


def test_dilation2d_gradient_goes_to_the_first_max():
    x = np.zeros((1, 2, 2, 1))                # every tap ties: (0, 0) takes it all
    f = np.zeros((2, 2, 1))
    xt, ft = gc.constant(x), gc.constant(f)
    gx, gf = run(gc.gradients(gc.nn.dilation2d(xt, ft, [1, 1, 1, 1], [1, 1, 1, 1], "VALID"),
                              [xt, ft]))
    np.testing.assert_array_equal(gx[0, :, :, 0], [[1, 0], [0, 0]])
    np.testing.assert_array_equal(gf[:, :, 0], [[1, 0], [0, 0]])


def test_dilation2d_needs_a_static_filter_size():
    """The input's height and width may be fed (test_run_time_args.py); the filter's
    taps are unrolled, so its height and width must be known."""
    x = gc.placeholder(gc.float64, [None, None, 5, 3])
    f = gc.placeholder(gc.float64, [None, 2, 3])
    raises(ShapeError, lambda: gc.nn.dilation2d(x, f, [1, 1, 1, 1], [1, 1, 1, 1], "SAME"),
           "dilation2d", "height and width of the filter")


def test_dilation2d_unknown_batch():
    x = gc.placeholder(gc.float64, [None, 5, 4, 2])
    y = gc.nn.dilation2d(x, np.ones((2, 2, 2)), [1, 1, 1, 1], [1, 1, 1, 1], "VALID")
    assert y.shape.as_list() == [None, 4, 3, 2]
    v = rand(3, 5, 4, 2)
    np.testing.assert_allclose(run(y, {x: v}), dilation_ref(v, np.ones((2, 2, 2)), (1, 1),
                                                            (1, 1), "VALID"))


def test_max_pool_with_argmax_gradient_is_max_pools():
    x = rand(2, 5, 6, 3)
    xt = gc.constant(x)
    y, idx = gc.nn.max_pool_with_argmax(xt, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    assert idx.dtype == gc.int64
    g = rand(*y.shape.as_list())
    want = gc.gradients(gc.nn.max_pool(xt, [1, 3, 3, 1], [1, 2, 2, 1], "SAME"), xt,
                        grad_ys=gc.constant(g))[0]
    got = gc.gradients(y, xt, grad_ys=gc.constant(g))[0]
    np.testing.assert_allclose(run(got), run(want))
    # the gradient lands where argmax points
    flat = np.zeros(x.size)
    np.add.at(flat, run(idx).reshape(-1) + np.repeat(np.arange(2) * 90, 27), g.reshape(-1))
    np.testing.assert_allclose(run(got).reshape(-1), flat)


def test_max_pool_with_argmax_rejects_nchw():
    with pytest.raises(ValueError, match="NHWC"):
        gc.nn.max_pool_with_argmax(rand(1, 2, 4, 4), 2, 2, "VALID", data_format="NCHW")


def test_pool_wrappers_match_the_ops():
    x = rand(2, 7, 6, 3)
    np.testing.assert_allclose(run(gc.nn.max_pool2d(x, 3, 2, "SAME")),
                               run(gc.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")))
    np.testing.assert_allclose(run(gc.nn.avg_pool_v2(x, [2, 3], 1, "VALID")),
                               run(gc.nn.avg_pool(x, [1, 2, 3, 1], [1, 1, 1, 1], "VALID")))
    s = rand(2, 9, 3)
    np.testing.assert_allclose(run(gc.nn.max_pool1d(s, 2, 2, "VALID")),
                               s[:, :8].reshape(2, 4, 2, 3).max(axis=2))
    np.testing.assert_allclose(run(gc.nn.max_pool_v2(s, 2, 2, "VALID")),
                               s[:, :8].reshape(2, 4, 2, 3).max(axis=2))


def test_conv1d_transpose_is_the_adjoint_of_conv1d():
    x, f, g = rand(2, 9, 3), rand(3, 3, 4), rand(2, 5, 4)
    y = run(gc.nn.conv1d(x, f, 2, "SAME"))
    back = run(gc.nn.conv1d_transpose(g, f, [2, 9, 3], 2, "SAME"))
    np.testing.assert_allclose(np.sum(y * g), np.sum(x * back))
    check_vjp(lambda g, f: gc.nn.conv_transpose(g, f, [2, 9, 3], 2), [g, f])


def test_atrous_conv2d_transpose_is_the_adjoint_of_atrous_conv2d():
    x, f, g = rand(2, 7, 6, 3), rand(3, 2, 3, 4), rand(2, 7, 6, 4)
    y = run(gc.nn.atrous_conv2d(x, f, 2, "SAME"))
    back = run(gc.nn.atrous_conv2d_transpose(g, f, [2, 7, 6, 3], 2, "SAME"))
    np.testing.assert_allclose(np.sum(y * g), np.sum(x * back))


def test_weighted_moments_formulas():
    x, w = rand(5, 3), np.abs(rand(5, 1)) + 0.1
    mean, var = run(gc.nn.weighted_moments(x, [0], w))
    m = (w * x).sum(0) / (w * np.ones_like(x)).sum(0)
    np.testing.assert_allclose(mean, m)
    np.testing.assert_allclose(var, (w * (x - m) ** 2).sum(0) / (w * np.ones_like(x)).sum(0))
    check_vjp(lambda x, w: gc.nn.weighted_moments(x, [0], w), [x, w])


def test_relu_layer_and_bn_with_global_normalization():
    x, w, b = rand(4, 3), rand(3, 5), rand(5)
    np.testing.assert_allclose(run(gc.nn.relu_layer(x, w, b)), np.maximum(x @ w + b, 0))
    t, m, v, beta, gamma = rand(3, 4), rand(4), np.abs(rand(4)), rand(4), rand(4)
    y = run(gc.nn.batch_norm_with_global_normalization(t, m, v, beta, gamma, 0.1, True))
    np.testing.assert_allclose(y, (t - m) / np.sqrt(v + 0.1) * gamma + beta)
    y = run(gc.nn.batch_norm_with_global_normalization(t, m, v, beta, gamma, 0.1, False))
    np.testing.assert_allclose(y, (t - m) / np.sqrt(v + 0.1) + beta)


def test_safe_embedding_lookup_sparse_prunes_and_fills():
    table = rand(6, 2)
    idx = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [3, 0]], np.int64)
    ids = np.array([1, 4, -1, 2, 5], np.int64)
    w = np.array([2.0, 1.0, 5.0, -1.0, 3.0])
    sp, wsp = gc.SparseTensor(idx, ids, [4, 3]), gc.SparseTensor(idx, w, [4, 3])
    got = run(gc.nn.safe_embedding_lookup_sparse(table, sp, wsp))       # mean
    want = np.stack([(2 * table[1] + table[4]) / 3, np.zeros(2), np.zeros(2), table[5]])
    np.testing.assert_allclose(got, want)
    got = run(gc.nn.safe_embedding_lookup_sparse(table, sp, wsp, combiner="sum",
                                                 default_id=0))
    want = np.stack([2 * table[1] + table[4], -table[2], table[0], 3 * table[5]])
    np.testing.assert_allclose(got, want)


def test_mean_pairwise_squared_error_formula():
    y, p = rand(3, 4), rand(3, 4)
    loss = gc.losses.mean_pairwise_squared_error(y, p, weights=[[1.0], [2.0], [0.0]])
    assert loss.dtype == gc.float64                   # graphc keeps float64 (TF1: float32)
    d = p - y
    want = 0.0
    for b, wb in enumerate([1.0, 2.0, 0.0]):
        pairs = (d[b][:, None] - d[b][None, :]) ** 2
        want += wb * pairs.sum() / (4 * 3)      # the mean over the 12 ordered pairs
    np.testing.assert_allclose(run(loss), want)
    assert loss in gc.get_collection(gc.GraphKeys.LOSSES)
    check_vjp(lambda y, p: gc.losses.mean_pairwise_squared_error(y, p), [y, p])
