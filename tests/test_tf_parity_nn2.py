"""TF parity of fractional_max_pool / fractional_avg_pool (TF's own pooling sequences for
the same seeds, values and gradients), extract_volume_patches, with_space_to_batch and
linalg.logm."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc
from graphc.ops.fractional_pool import (fractional_avg_pool_grad, fractional_avg_pool_with_sequences,
                                        fractional_max_pool_grad,
                                        fractional_max_pool_with_sequences)
from graphc.ops.volume_patches import extract_volume_patches

POOLS = ["fractional_max_pool", "fractional_avg_pool"]


@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("pseudo", [False, True])
@pytest.mark.parametrize("overlapping", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fractional_pool_seeded(pool, pseudo, overlapping, dtype):
    def fn(m, x):
        return getattr(m.nn, pool)(x, [1.0, 1.6, 1.35, 1.0], pseudo_random=pseudo,
                                   overlapping=overlapping, deterministic=True, seed=7,
                                   seed2=-12345678901)
    check(fn, rand(2, 13, 11, 3, dtype=dtype, seed=1), rtol=1e-5 if dtype == np.float32 else 1e-6)


@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_fractional_pool_integers(pool, dtype):
    def fn(m, x):
        return getattr(m.nn, pool)(x, [1, 2.3, 1.7, 1], overlapping=True, deterministic=True,
                                   seed=1, seed2=2)
    check(fn, rand(3, 17, 9, 2, dtype=dtype, low=-50, high=50, seed=2))


@pytest.mark.parametrize("seeds", [(1, 0), (0, 1), (123456789, 987654321), (-5, 2**40)])
@pytest.mark.parametrize("shape", [(1, 40, 23, 1), (1, 5, 5, 1), (1, 9, 30, 1)])
@pytest.mark.parametrize("ratio", [(1.0, 1.0), (1.41, 2.0), (2.9, 1.05)])
def test_sequences_many_seeds(seeds, shape, ratio):
    def fn(m, x):
        out = []
        for pseudo in (False, True):
            out += m.nn.fractional_max_pool(x, [1, *ratio, 1], pseudo_random=pseudo,
                                            deterministic=True, seed=seeds[0],
                                            seed2=seeds[1])[1:]
        return out
    check(fn, rand(*shape, seed=3), grad=False)


def _tf_pool(pool, x, overlapping):
    """TF's unseeded pool: (y, rows, cols, dx) for a cotangent g, in one run."""
    with tf.Graph().as_default():
        xt = tf.constant(x)
        y, r, c = getattr(v1.nn, pool)(xt, [1, 1.5, 1.8, 1], overlapping=overlapping)
        g = tf.constant(np.cos(np.arange(np.prod(y.shape)).reshape(y.shape)).astype(x.dtype))
        dx = v1.gradients(y, xt, grad_ys=g)[0]
        with v1.Session() as s:
            return s.run([y, r, c, dx, g])


@pytest.mark.parametrize("pool", POOLS)
@pytest.mark.parametrize("overlapping", [False, True])
def test_unseeded_tf_sequences_fed_to_graphc(pool, overlapping):
    """TF's random sequences, fed to graphc's pooling-with-sequences: same values and
    gradients."""
    x = rand(2, 12, 16, 3, seed=4)
    y, r, c, dx, g = _tf_pool(pool, x, overlapping)
    fn = (fractional_max_pool_with_sequences if pool == POOLS[0]
          else fractional_avg_pool_with_sequences)
    with gc.Graph().as_default():
        xt = gc.constant(x)
        yt = fn(xt, r, c, overlapping=overlapping)
        dxt = gc.gradients(yt, xt, grad_ys=gc.constant(g))[0]
        with gc.Session() as s:
            got_y, got_dx = s.run([yt, dxt])
    np.testing.assert_allclose(got_y, y, rtol=1e-12)
    np.testing.assert_allclose(got_dx, dx, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("overlapping", [False, True])
def test_gradient_ops_on_ties(dtype, overlapping):
    """FractionalMaxPoolGrad (first max of a tie wins) and FractionalAvgPoolGrad (summed
    in float64, then truncated for integers) on given sequences."""
    rng = np.random.default_rng(5)
    x = rng.integers(-2, 3, (2, 11, 9, 3)).astype(dtype)
    g = (rng.standard_normal((2, 6, 5, 3)) * 10).astype(dtype)
    rows = np.array([0, 2, 4, 6, 7, 9, 11]); cols = np.array([0, 2, 3, 5, 7, 9])
    with tf.Graph().as_default():
        pooled = fractional_pool_tf(x, rows, cols, overlapping)
        a = tf.raw_ops.FractionalMaxPoolGrad(
            orig_input=x, orig_output=pooled, out_backprop=g, row_pooling_sequence=rows,
            col_pooling_sequence=cols, overlapping=overlapping)
        b = tf.raw_ops.FractionalAvgPoolGrad(
            orig_input_tensor_shape=np.array(x.shape, np.int64), out_backprop=g,
            row_pooling_sequence=rows, col_pooling_sequence=cols, overlapping=overlapping)
        with v1.Session() as s:
            want_a, want_b = s.run([a, b])
    with gc.Graph().as_default():
        ya = fractional_max_pool_with_sequences(x, rows, cols, overlapping)
        ga = fractional_max_pool_grad(x, ya, g, rows, cols, overlapping)
        gb = fractional_avg_pool_grad(list(x.shape), g, rows, cols, overlapping)
        with gc.Session() as s:
            got_a, got_b = s.run([ga, gb])
    assert got_a.dtype == want_a.dtype and got_b.dtype == want_b.dtype
    np.testing.assert_array_equal(got_a, want_a)
    np.testing.assert_allclose(got_b, want_b, rtol=1e-6)


def fractional_pool_tf(x, rows, cols, overlapping):
    """The max pool of x over the regions of rows, cols, in numpy (TF's orig_output)."""
    out = np.zeros((x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3]), x.dtype)
    ov = 1 if overlapping else 0
    for i in range(len(rows) - 1):
        for j in range(len(cols) - 1):
            out[:, i, j] = x[:, rows[i]:min(rows[i + 1] + ov, x.shape[1]),
                             cols[j]:min(cols[j + 1] + ov, x.shape[2])].max(axis=(1, 2))
    return out


def test_fractional_pool_static_shapes_and_errors():
    """graphc's static sequence shapes are the run-time ones (OH + 1); TF's say OH."""
    with tf.Graph().as_default():
        y, r, c = v1.nn.fractional_max_pool(tf.zeros([2, 10, 7, 3]), [1, 1.5, 1.7, 1])
        assert y.shape.as_list() == [2, 6, 4, 3] and r.shape.as_list() == [6]
    with gc.Graph().as_default():
        y, r, c = gc.nn.fractional_max_pool(gc.zeros([2, 10, 7, 3]), [1, 1.5, 1.7, 1])
        assert y.shape.as_list() == [2, 6, 4, 3] and r.shape.as_list() == [7]
        assert c.shape.as_list() == [5] and r.dtype == gc.int64
    with tf.Graph().as_default(), pytest.raises(TypeError):
        v1.nn.fractional_max_pool(tf.zeros([1, 4, 4, 1], tf.float16), [1, 2, 2, 1])
    with gc.Graph().as_default(), pytest.raises(TypeError):
        gc.nn.fractional_max_pool(gc.zeros([1, 4, 4, 1], gc.float16), [1, 2, 2, 1])


VOLUME = {
    "valid": ((2, 4, 5, 6, 3), [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "VALID"),
    "same": ((2, 4, 5, 6, 3), [1, 2, 3, 2, 1], [1, 2, 2, 3, 1], "SAME"),
    "same_big_window": ((1, 3, 4, 5, 2), [1, 3, 4, 4, 1], [1, 1, 1, 2, 1], "SAME"),
    "ones": ((2, 3, 3, 3, 2), [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "VALID"),
    "too_big": ((1, 3, 4, 5, 2), [1, 4, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"),
}


@pytest.mark.parametrize("name", sorted(VOLUME))
def test_extract_volume_patches(name):
    shape, k, s, p = VOLUME[name]
    check(lambda m, x: m.extract_volume_patches(x, k, s, p) if m is v1 else
          extract_volume_patches(x, k, s, p), rand(*shape, seed=6))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int32, np.uint8, np.int64])
def test_extract_volume_patches_dtypes(dtype):
    fn = (lambda m, x: m.extract_volume_patches(x, [1, 2, 2, 3, 1], [1, 2, 1, 2, 1], "SAME")
          if m is v1 else extract_volume_patches(x, [1, 2, 2, 3, 1], [1, 2, 1, 2, 1], "SAME"))
    check(fn, rand(2, 3, 4, 5, 2, dtype=dtype, low=0, high=9, seed=7), rtol=1e-3)


def _conv(w):
    return lambda m: (lambda v, n, p: m.nn.conv2d(v, m.constant(w), [1, 1, 1, 1], p))


WSB = {
    "conv_same": ([2, 3], "SAME", (2, 3), None, None, lambda m, w: _conv(w)(m)),
    "conv_valid": ([2, 2], "VALID", None, None, None, lambda m, w: _conv(w)(m)),
    "rate_one": ([1, 1], "SAME", (2, 3), None, None, lambda m, w: _conv(w)(m)),
    "max_pool": ([3, 2], "SAME", (3, 2), None, None,
                 lambda m, w: lambda v, n, p: m.nn.max_pool(v, [1, 3, 2, 1], [1, 1, 1, 1], p)),
    "avg_pool_1d_dim2": ([2], "SAME", (3,), [2], None,
                         lambda m, w: lambda v, n, p: m.nn.avg_pool(v, [1, 1, 3, 1],
                                                                    [1, 1, 1, 1], p)),
    "nchw_identity": ([2, 2], "VALID", None, None, "NCHW", lambda m, w: lambda v, n, p: v * 2.0),
}


@pytest.mark.parametrize("name", sorted(WSB))
def test_with_space_to_batch(name):
    rate, padding, fshape, dims, fmt, make = WSB[name]
    w = rand(2, 3, 3, 4, seed=8)

    def fn(m, x):
        return m.nn.with_space_to_batch(x, rate, padding, make(m, w), filter_shape=fshape,
                                        spatial_dims=dims, data_format=fmt)
    check(fn, rand(2, 9, 8, 3, seed=9))


def _logm_cases():
    rng = np.random.default_rng(10)
    c = rng.standard_normal((2, 3, 4, 4)) + 1j * rng.standard_normal((2, 3, 4, 4))
    near = np.eye(3) + 0.1 * (rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3)))
    far = 50 * (rng.standard_normal((5, 5)) + 1j * rng.standard_normal((5, 5)))
    return {
        "batch": c, "near_identity": near, "large": far,
        "jordan": np.array([[2, 1, 0], [0, 2, 1], [0, 0, 2]], np.complex128),
        "hermitian": c[0, 0] @ c[0, 0].conj().T,
        "negative_real_eigs": np.array([[-1, 2], [0, -3]], np.complex128),
        "singular": np.array([[1, 0], [0, 0]], np.complex128),
        "one_by_one": np.array([[[-2 + 0j]], [[1j]]]),
        "empty": np.zeros((2, 0, 0), np.complex128),
    }


@pytest.mark.parametrize("name", sorted(_logm_cases()))
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_logm(name, dtype):
    a = _logm_cases()[name].astype(dtype)
    tol = 2e-4 if dtype == np.complex64 else 1e-9
    check(lambda m, x: m.linalg.logm(x), a, rtol=tol, atol=tol)


def test_logm_has_no_gradient_in_either():
    with tf.Graph().as_default():
        x = v1.placeholder(tf.complex128, [2, 2])
        with pytest.raises(LookupError):
            v1.gradients(tf.math.real(v1.linalg.logm(x)), x)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.complex128, [2, 2])
        with pytest.raises(gc.errors.GradientError, match="MatrixLogarithm"):
            gc.gradients(gc.real(gc.linalg.logm(x)), x)
