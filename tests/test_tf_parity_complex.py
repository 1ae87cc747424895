"""graphc vs TF1 on complex numbers and the FFTs: values, dtypes, static shapes and
gradients (through complex intermediates with the harness; with respect to complex
inputs directly below, where TF's gradient convention shows)."""
import numpy as np
import pytest
from tf_parity import check, rand, tf, v1

import graphc as gc


def parts(m, z):
    return [m.math.real(z), m.math.imag(z)]


def cplx(m, a, b):
    return m.complex(a, b)


A, B = rand(3, 8, seed=1), rand(3, 8, seed=2)
ZEROS = (np.arange(24).reshape(3, 8) % 3 != 0).astype(np.float64)     # z = 0 at every 3rd
A3, B3 = rand(2, 3, 4, 6, seed=3), rand(2, 3, 4, 6, seed=4)
M1, M2 = rand(3, 4, seed=5), rand(3, 4, seed=6)

CASES = {
    "parts": (lambda m, a, b: parts(m, cplx(m, a, b) * cplx(m, b, a)), A, B),
    "abs_angle": (lambda m, a, b: [m.abs(cplx(m, a, b)), m.math.angle(cplx(m, a, b))], A, B),
    "conj": (lambda m, a, b: parts(m, m.math.conj(cplx(m, a, b)) * cplx(m, a, a)), A, B),
    "cast": (lambda m, a, b: [m.cast(cplx(m, a, b) * cplx(m, b, b), m.float64),
                              m.math.real(m.cast(a, m.complex128) * cplx(m, b, a))], A, B),
    "holomorphic": (lambda m, a, b: parts(m, m.exp(cplx(m, a, b) / 3) + m.sqrt(cplx(m, a, b))
                                          + m.log(cplx(m, a, b)) * m.tanh(cplx(m, b, a) / 4)
                                          + m.pow(cplx(m, a, b), cplx(m, b, a) / 5)
                                          - m.reciprocal(cplx(m, a, b)) + m.square(
                                              m.sin(cplx(m, a, b) / 2) * m.cos(cplx(m, b, a) / 3))),
                    A, B),
    "inverse_trig": (lambda m, a, b: parts(m, m.atan(cplx(m, a, b) / 3)
                                           + m.asin(cplx(m, a, b) / 3)
                                           + m.acos(cplx(m, b, a) / 3)
                                           + m.asinh(cplx(m, a, b) / 2)
                                           + m.acosh(cplx(m, b, a) + 3)
                                           + m.atanh(cplx(m, a, b) / 3)), A, B),
    "reduce": (lambda m, a, b: parts(m, m.reduce_sum(cplx(m, a, b), 1)
                                     + m.reduce_mean(cplx(m, b, a), 1)
                                     + m.reduce_prod(cplx(m, a, b) / 2, 1)), A, B),
    "matmul_adjoint": (lambda m, a, b: parts(m, m.matmul(cplx(m, a, b), cplx(m, b, a),
                                                        adjoint_b=True)
                                             + m.matmul(cplx(m, a, a), cplx(m, b, a) * 1j,
                                                        transpose_b=True)), M1, M2),
    "matmul_adjoint_a": (lambda m, a, b: parts(m, m.matmul(cplx(m, a, b), cplx(m, b, a),
                                                          adjoint_a=True)), M1, M2),
    "adjoint_einsum": (lambda m, a, b: parts(m, m.linalg.adjoint(cplx(m, a, b))
                                             + m.einsum("ij,ik->jk", cplx(m, a, b),
                                                        cplx(m, b, a))[:, :3]
                                             + m.transpose(cplx(m, b, a), conjugate=True)),
                       M1, M2),
    "array_ops": (lambda m, a, b: parts(m, m.concat([m.reshape(cplx(m, a, b), [4, 3]),
                                                     m.tile(m.gather(cplx(m, b, a), [2, 0]),
                                                            [1, 3])[:, :3]], 0)), M1, M2),
    "fft": (lambda m, a, b: parts(m, m.fft(cplx(m, a, b))) + parts(m, m.ifft(cplx(m, b, a))),
            A, B),
    "fft2d": (lambda m, a, b: parts(m, m.fft2d(cplx(m, a, b))) + parts(m, m.ifft2d(
        cplx(m, b, a))), A3, B3),
    "fft3d": (lambda m, a, b: parts(m, m.fft3d(cplx(m, a, b))) + parts(m, m.ifft3d(
        cplx(m, b, a))), A3, B3),
    "rfft": (lambda m, a: parts(m, m.spectral.rfft(a)) + parts(m, m.spectral.rfft(a, [8])),
             A),
    "rfft2d": (lambda m, a: parts(m, m.spectral.rfft2d(a)), A3),
    "irfft": (lambda m, a, b: [m.spectral.irfft(cplx(m, a, b)),
                               m.spectral.irfft(cplx(m, a, b), [15])], A, B),
    "irfft2d": (lambda m, a, b: [m.spectral.irfft2d(cplx(m, a, b))], A3, B3),
    # hunt 21. Ops whose complex value is real (the norm, squared_difference, moments):
    # only the real part is compared, as TF's gradient of the zero imaginary part is its
    # holomorphic formula applied to a non-holomorphic function (see docs/complex.md)
    "euclidean_norm": (lambda m, a, b: [m.math.real(m.math.reduce_euclidean_norm(
        cplx(m, a, b), 1)), m.math.real(m.math.reduce_euclidean_norm(cplx(m, b, a)))], A, B),
    "sign": (lambda m, a, b: parts(m, m.sign(cplx(m, a * ZEROS, b * ZEROS))), A, B),
    "squared_difference": (lambda m, a, b: [m.math.real(m.squared_difference(
        cplx(m, a, b), cplx(m, b, a * ZEROS)))], A, B),
    "moments": (lambda m, a, b: [m.math.real(m.nn.moments(cplx(m, a, b), [0])[1])], A, B),
    "div_no_nan": (lambda m, a, b: parts(m, m.div_no_nan(cplx(m, a, b), cplx(
        m, b * ZEROS, a * ZEROS))), A, B),
    "reciprocal_no_nan": (lambda m, a, b: parts(m, m.math.reciprocal_no_nan(
        cplx(m, a * ZEROS, b * ZEROS))), A, B),
}

# fft_length cropping or padding the input, and rfft3d/irfft3d: TF builds no gradient
# there (its rfft/irfft gradients fail on the shapes; the 3-D ones have none), so only
# the values are compared; graphc's gradients of these are checked against finite
# differences in tests/test_complex.py and the registry samples
CROPPED = {
    "rfft": (lambda m, a: parts(m, m.spectral.rfft(a, [5])) + parts(m, m.spectral.rfft(a, [11])),
             A),
    "rfft2d_3d": (lambda m, a: parts(m, m.spectral.rfft2d(a, [3, 7]))
                  + parts(m, m.spectral.rfft3d(a, [2, 5, 8])) + parts(m, m.spectral.rfft3d(a)),
                  A3),
    "irfft": (lambda m, a, b: [m.spectral.irfft(cplx(m, a, b), [7]),
                               m.spectral.irfft(cplx(m, a, b), [20])], A, B),
    "irfft2d_3d": (lambda m, a, b: [m.spectral.irfft2d(cplx(m, a, b), [5, 7]),
                                    m.spectral.irfft3d(cplx(m, a, b), [3, 2, 9]),
                                    m.spectral.irfft3d(cplx(m, a, b), [2, 3, 10])], A3, B3),
}


@pytest.mark.parametrize("name", sorted(CROPPED))
def test_cropped_and_padded_values(name):
    fn, *args = CROPPED[name]
    check(fn, *args, grad=False, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name):
    fn, *args = CASES[name]
    check(fn, *args, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["fft", "rfft", "irfft"])
def test_float32(name):
    fn, *args = CASES[name]
    check(fn, *[a.astype(np.float32) for a in args], rtol=2e-4, atol=2e-4)


def _both(fn, feeds, grad_wrt=True):
    """fn(m, *placeholders) on both libraries; the outputs and the gradients of
    sum(real(conj(w) * out)) with respect to every complex input."""
    res = []
    for m in (gc, v1):
        g = m.Graph()
        with g.as_default():
            phs = [m.placeholder(a.dtype, a.shape) for a in feeds]
            out = fn(m, *phs)
            w = np.random.default_rng(0).standard_normal(out.shape.as_list()) * (1 + 0.5j)
            grads = m.gradients(out, phs, grad_ys=m.constant(w.astype(out.dtype.as_numpy_dtype)))
            with m.Session(graph=g) as s:
                res.append(s.run([out] + grads, dict(zip(phs, feeds))))
    return res


@pytest.mark.parametrize("fn", [
    lambda m, z: m.abs(z), lambda m, z: m.math.angle(z), lambda m, z: m.exp(z) * m.conj(z),
    lambda m, z: m.math.real(z * m.conj(z)), lambda m, z: m.math.imag(z * z),
    lambda m, z: m.fft(z), lambda m, z: m.spectral.irfft(z), lambda m, z: m.spectral.irfft(z, [6]),
    lambda m, z: m.matmul(z, z, adjoint_a=True), lambda m, z: m.reduce_prod(z, 0),
    lambda m, z: m.spectral.ifft2d(z) / m.sqrt(z),
], ids=["abs", "angle", "exp_conj", "norm2", "imag_sq", "fft", "irfft", "irfft6",
        "matmul_adj", "prod", "ifft2d_sqrt"])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_input_gradients(fn, dtype):
    z = (rand(3, 4, seed=7) + 1j * rand(3, 4, seed=8)).astype(dtype)
    ours, theirs = _both(fn, [z])
    tol = 2e-5 if dtype == np.complex64 else 1e-10
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def test_dtypes_and_conversions():
    assert str(gc.complex64) == tf.complex64.name and str(gc.complex128) == tf.complex128.name
    assert gc.complex64.real_dtype.name == tf.complex64.real_dtype.name
    assert gc.as_dtype(np.complex128).name == tf.as_dtype(np.complex128).name
    with tf.Graph().as_default(), gc.Graph().as_default():
        assert gc.constant(1 + 2j).dtype.name == v1.constant(1 + 2j).dtype.name
        assert gc.convert_to_tensor([1j]).dtype.name == v1.convert_to_tensor([1j]).dtype.name


@pytest.mark.parametrize("make", [
    lambda m: m.spectral.rfft(m.placeholder(m.float32, [None, 6])),
    lambda m: m.spectral.rfft(m.placeholder(m.float32, [None, 6]), [4]),
    lambda m: m.spectral.irfft(m.placeholder(m.complex64, [2, None])),
    lambda m: m.spectral.irfft(m.placeholder(m.complex64, [2, 5]), [7]),
    lambda m: m.spectral.rfft2d(m.placeholder(m.float64, [3, None, 6]), [4, 4]),
    lambda m: m.fft2d(m.placeholder(m.complex128, [None, 3, 2])),
    lambda m: m.abs(m.placeholder(m.complex64, [2])),
])
def test_static_shapes(make):
    with tf.Graph().as_default(), gc.Graph().as_default():
        ours, theirs = make(gc), make(v1)
        assert ours.dtype.name == theirs.dtype.name
        # graphc may know more (TF drops the batch dims of irfft/rfft2d of partly known
        # shapes); wherever TF knows a dim, graphc knows the same one
        a, b = ours.shape.as_list(), theirs.shape.as_list()
        assert len(a) == len(b) and all(q is None or p == q for p, q in zip(a, b))


def test_sqrt_gradient_at_zero_is_inf():
    """complex64 sqrt'(0): (g * 0.5) / conj(sqrt(z)) is inf + nan*i, as TF's (hunt 21)."""
    re, im = np.array([0, 1, 0], np.float32), np.array([0, 0, 2], np.float32)
    check(lambda m, a, b: m.math.real(m.sqrt(cplx(m, a, b))), re, im, rtol=1e-6, atol=1e-7)
