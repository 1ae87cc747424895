"""complex64/complex128, the complex ops and the FFTs (values, dtypes, errors,
gradients under TF's convention)."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors


def run(fetches, feed=None):
    with gc.Session() as s:
        return s.run(fetches, feed)


@pytest.fixture(autouse=True)
def fresh_graph():
    with gc.Graph().as_default():
        yield


def test_dtypes():
    assert gc.complex64.is_complex and gc.complex128.is_complex
    assert not gc.float32.is_complex
    assert gc.complex64.real_dtype is gc.float32
    assert gc.complex128.real_dtype is gc.float64
    assert gc.float64.real_dtype is gc.float64
    assert gc.as_dtype(np.complex64) is gc.complex64
    assert gc.as_dtype("complex128") is gc.complex128
    assert gc.as_dtype(complex) is gc.complex128
    assert gc.complex64.size == 8 and gc.complex64.is_numeric


def test_constants_and_feeds():
    assert gc.constant(1 + 2j).dtype is gc.complex128          # TF1: Python complex
    assert gc.constant([1, 2], dtype=gc.complex64).dtype is gc.complex64
    p = gc.placeholder(gc.complex64, [2])
    v = run(gc.identity(p), {p: [1.0, 2 + 1j]})
    assert v.dtype == np.complex64 and v[1] == 2 + 1j
    q = gc.placeholder(gc.float32, [1])
    with pytest.raises(errors.FeedError, match="cannot convert complex"):
        run(gc.identity(q), {q: [1 + 1j]})
    with pytest.raises(errors.DTypeError):
        gc.constant(1 + 1j, dtype=gc.float32)


def test_cast_and_parts():
    z = gc.constant([1.5 + 2j, -3 - 4j], dtype=gc.complex64)
    re, im, c, a, r = run([gc.cast(z, gc.float32), gc.imag(z), gc.conj(z), gc.abs(z),
                           gc.real(z)])
    np.testing.assert_array_equal(re, [1.5, -3])
    assert re.dtype == np.float32 and a.dtype == np.float32 and im.dtype == np.float32
    np.testing.assert_array_equal(im, [2, -4])
    np.testing.assert_array_equal(c, [1.5 - 2j, -3 + 4j])
    np.testing.assert_allclose(a, [2.5, 5])
    np.testing.assert_array_equal(r, re)
    assert gc.to_complex64(gc.constant([1.0])).dtype is gc.complex64
    assert gc.to_complex128(gc.constant([1])).dtype is gc.complex128
    np.testing.assert_allclose(run(gc.angle(gc.constant([1j, -1 + 0j]))), [np.pi / 2, np.pi])


def test_real_tensors_pass_through():
    x = gc.constant([-1.0, 2.0])
    assert gc.real(x) is x and gc.conj(x) is x
    np.testing.assert_array_equal(run(gc.imag(x)), [0, 0])
    np.testing.assert_allclose(run(gc.angle(x)), [np.pi, 0], rtol=1e-7)   # TF1 on reals
    with pytest.raises(TypeError, match="numeric"):
        gc.real(gc.constant("a"))


def test_complex_builder():
    z = gc.complex([2.25, 3.25], [4.75, 5.75])
    assert z.dtype is gc.complex64
    np.testing.assert_array_equal(run(z), [2.25 + 4.75j, 3.25 + 5.75j])
    w = gc.complex(gc.constant(1.0, gc.float64), gc.constant([2.0, 3.0], gc.float64))
    assert w.dtype is gc.complex128 and w.shape.as_list() == [2]
    with pytest.raises(errors.DTypeError, match="dtypes differ"):
        gc.complex(gc.constant(1.0), gc.constant(1.0, gc.float64))
    with pytest.raises(errors.DTypeError, match="float"):
        gc.complex(gc.constant(1), gc.constant(2))


def test_numeric_ops_keep_refusing_complex():
    z = gc.constant([1 + 1j])
    for fn in (gc.maximum, gc.less, gc.floordiv):
        with pytest.raises(errors.DTypeError, match="complex128"):
            fn(z, z)
    with pytest.raises(errors.DTypeError):
        gc.reduce_max(z)
    with pytest.raises(errors.DTypeError):
        gc.sigmoid(z) if False else gc.erf(z)


def test_elementwise_and_reductions():
    a = np.array([[1 + 2j, -0.5 + 0.25j], [2 - 1j, 0.3 + 0.7j]])
    x = gc.constant(a)
    got = run([x + x, x - 1, x * x, x / (x + 3), -x, gc.square(x), gc.sqrt(x), gc.exp(x),
               gc.log(x), gc.reciprocal(x), gc.pow(x, x), gc.tanh(x), gc.sin(x),
               gc.cos(x), gc.equal(x, x), gc.not_equal(x, 0),
               gc.reduce_sum(x, 0), gc.reduce_mean(x), gc.reduce_prod(x, 1)])
    want = [a + a, a - 1, a * a, a / (a + 3), -a, a * a, np.sqrt(a), np.exp(a), np.log(a),
            1 / a, a ** a, np.tanh(a), np.sin(a), np.cos(a), a == a, a != 0, a.sum(0),
            a.mean(), a.prod(1)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_matmul_adjoint_and_transposes():
    a = np.array([[1 + 1j, 2 - 1j, 0.5j], [3 + 0j, -1j, 1 + 2j]])
    b = np.array([[2j, 1 + 0j], [1 - 1j, 3 + 0j], [0.5 + 0j, -2j]])
    x, y = gc.constant(a), gc.constant(b)
    got = run([gc.matmul(x, y), gc.matmul(x, x, adjoint_a=True),
               gc.matmul(x, x, adjoint_b=True), gc.linalg.adjoint(x),
               gc.transpose(x, conjugate=True), gc.conjugate_transpose(x),
               gc.einsum("ij,jk->ik", x, y), gc.tensordot(x, y, 1)])
    want = [a @ b, a.conj().T @ a, a @ a.conj().T, a.conj().T, a.conj().T, a.conj().T,
            a @ b, a @ b]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    with pytest.raises(ValueError, match="only one"):
        gc.matmul(x, x, transpose_a=True, adjoint_a=True)


def test_array_ops_accept_complex():
    a = np.arange(6).reshape(2, 3) * (1 + 1j)
    x = gc.constant(a)
    got = run([gc.reshape(x, [3, 2]), gc.concat([x, x], 0), gc.stack([x, x]),
               gc.gather(x, [1, 0]), gc.slice(x, [0, 1], [2, 2]), gc.pad(x, [[1, 0], [0, 1]]),
               gc.tile(x, [1, 2]), x[:, ::-1], gc.zeros_like(x), gc.ones_like(x)])
    want = [a.reshape(3, 2), np.concatenate([a, a]), np.stack([a, a]), a[[1, 0]],
            a[:, 1:3], np.pad(a, [[1, 0], [0, 1]]), np.tile(a, [1, 2]), a[:, ::-1],
            np.zeros_like(a), np.ones_like(a)]
    for g, w in zip(got, want):
        assert g.dtype == np.complex128
        np.testing.assert_array_equal(g, w)


def _grads(fn, z):
    p = gc.placeholder(gc.complex64, [len(z)])
    return run(gc.gradients(fn(p), p)[0], {p: z})


def test_gradient_convention_matches_tf():
    # TF's gradient of a real loss L of z = x + iy is dL/dx + i dL/dy
    z = np.array([1 + 2j, -0.5 + 0.3j], np.complex64)
    np.testing.assert_allclose(_grads(lambda z: gc.real(z * gc.conj(z)), z), 2 * z)
    np.testing.assert_allclose(_grads(gc.abs, z), z / np.abs(z), rtol=1e-6)
    np.testing.assert_allclose(_grads(gc.angle, z), [-0.4 + 0.2j, -0.88235295 - 1.4705882j],
                               rtol=1e-6)
    np.testing.assert_allclose(_grads(lambda z: gc.imag(z * z), z), [4 + 2j, 0.6 - 1j],
                               rtol=1e-6)
    np.testing.assert_allclose(_grads(gc.abs, np.zeros(2, np.complex64)), [0, 0])


def test_fft_values_and_dtypes():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((2, 3, 4, 5)) + 1j * rng.standard_normal((2, 3, 4, 5))
    x = gc.constant(z.astype(np.complex64))
    got = run([gc.fft(x), gc.ifft(x), gc.fft2d(x), gc.ifft2d(x), gc.fft3d(x), gc.ifft3d(x)])
    want = [np.fft.fft(z), np.fft.ifft(z), np.fft.fft2(z), np.fft.ifft2(z),
            np.fft.fftn(z, axes=(1, 2, 3)), np.fft.ifftn(z, axes=(1, 2, 3))]
    for g, w in zip(got, want):
        assert g.dtype == np.complex64
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4)
    assert gc.spectral.fft is gc.fft and gc.spectral.irfft3d is gc.irfft3d


def test_rfft_lengths_crop_and_pad():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 6))
    t = gc.constant(x)
    r = gc.rfft(t)
    assert r.dtype is gc.complex128 and r.shape.as_list() == [3, 4]
    assert gc.rfft(gc.constant(x, gc.float32)).dtype is gc.complex64
    got = run([r, gc.rfft(t, [4]), gc.rfft(t, [9]), gc.rfft2d(t, [2, 8]),
               gc.irfft(r), gc.irfft(r, [5]), gc.irfft(r, [12]), gc.irfft2d(gc.rfft2d(t))])
    want = [np.fft.rfft(x), np.fft.rfft(x, 4), np.fft.rfft(x, 9), np.fft.rfftn(x, (2, 8), axes=(0, 1)),
            x, np.fft.irfft(np.fft.rfft(x), 5), np.fft.irfft(np.fft.rfft(x), 12), x]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-10)


def test_fft_static_shapes_and_fed_lengths():
    p = gc.placeholder(gc.float32, [None, 6])
    assert gc.rfft(p).shape.as_list() == [None, 4]
    assert gc.rfft(p, [4]).shape.as_list() == [None, 3]
    n = gc.placeholder(gc.int32, [1])
    r = gc.rfft(p, n)
    assert r.shape.as_list() == [None, None]
    q = gc.placeholder(gc.complex64, [2, None])
    assert gc.irfft(q).shape.as_list() == [2, None]
    assert gc.irfft(q, [7]).shape.as_list() == [2, 7]
    x = np.random.default_rng(2).standard_normal((2, 6)).astype(np.float32)
    np.testing.assert_allclose(run(r, {p: x, n: [7]}), np.fft.rfft(x, 7), rtol=1e-4,
                               atol=1e-5)
    g = gc.gradients(gc.reduce_sum(gc.abs(r)), p)[0]
    assert run(g, {p: x, n: [7]}).shape == (2, 6)


def test_fft_errors():
    with pytest.raises(errors.DTypeError, match="complex"):
        gc.fft(gc.constant([1.0, 2.0]))
    with pytest.raises(errors.ShapeError, match="rank >= 2"):
        gc.fft2d(gc.constant([1j, 2j]))
    with pytest.raises(errors.DTypeError, match="float"):
        gc.rfft(gc.constant([1j, 2j]))
    with pytest.raises(errors.ShapeError, match=r"shape \(1,\)"):
        gc.rfft(gc.constant([1.0, 2.0]), [2, 2])
    with pytest.raises(errors.DTypeError, match="complex"):
        gc.irfft(gc.constant([1.0, 2.0]))


def test_fft_gradients_finite_differences():
    from graphc.testing import check_transpose, check_vjp
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 5))
    z = x + 1j * rng.standard_normal((2, 5))
    for fn, a in [(lambda x: gc.rfft(x, [8]), x), (lambda x: gc.rfft(x, [3]), x),
                  (lambda z: gc.irfft(z, [6]), z), (lambda z: gc.irfft(z, [12]), z),
                  (lambda z: gc.irfft2d(z, [3, 7]), z), (lambda z: gc.fft2d(z), z)]:
        check_vjp(fn, [a])
        check_vjp(fn, [a], dynamic=True)
        check_transpose(fn, [a])


def test_hunt21_complex_sign_sqdiff_div_no_nan_and_norm():
    """TF's complex kernels: sign z/|z| (0 at 0), squared_difference |z - w|^2,
    div_no_nan (0 where w == 0) and the real-valued euclidean norm."""
    z = gc.constant(np.array([3 + 4j, 0, -2j], np.complex64))
    w = gc.constant(np.array([1j, 0, 1], np.complex64))
    got = run([gc.sign(z), gc.squared_difference(z, w), gc.div_no_nan(z, w),
               gc.math.reciprocal_no_nan(z), gc.math.reduce_euclidean_norm(z),
               gc.nn.moments(z, [0])[1]])
    want = [[0.6 + 0.8j, 0, -1j], [18, 0, 5], [4 - 3j, 0, -2j], [0.12 - 0.16j, 0, 0.5j],
            np.sqrt(29), 8.2222222]
    for g, w_ in zip(got, want):
        assert g.dtype == np.complex64
        np.testing.assert_allclose(g, w_, rtol=1e-6, atol=1e-6)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_hunt21_gradients_of_real_valued_complex_ops():
    """|z - w|^2 and the norm are real: d/dz is 2 (z - w) and z / |z| (TF's convention);
    sqrt'(0) is inf in the real direction, as TF's (g * 0.5) / conj(sqrt z)."""
    z = gc.placeholder(gc.complex128, [3])
    zv = np.array([1 + 2j, 3j, 1])
    loss = gc.real(gc.reduce_sum(gc.squared_difference(z, 1j)))
    norm = gc.real(gc.math.reduce_euclidean_norm(z))
    g1, g2 = run(gc.gradients(loss, z) + gc.gradients(norm, z), {z: zv})
    np.testing.assert_allclose(g1, 2 * (zv - 1j))
    np.testing.assert_allclose(g2, zv / np.sqrt(15))
    c = gc.placeholder(gc.complex64, [2])
    g0 = run(gc.gradients(gc.real(gc.reduce_sum(gc.sqrt(c))), c)[0], {c: [0, 4]})
    assert g0[0].real == np.inf and g0[1] == 0.25
    from graphc.testing import check_vjp
    check_vjp(lambda a, b: gc.squared_difference(a, b), [zv, zv[::-1] * 0.5])
