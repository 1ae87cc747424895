"""Samples for the complex ops and the FFTs; see samples.py.

test_registry's value check compares outputs as float64, so a complex result is
returned as its real and imaginary parts (gc.real, gc.imag); complex inputs are fed as
complex128 and graphc.testing differentiates them as pairs of reals.
"""
import numpy as np

import graphc as gc
from samples import Sample, shape


def cnormal(rng, s):
    return rng.standard_normal(s) + 1j * rng.standard_normal(s)


def parts(z):
    return [gc.real(z), gc.imag(z)]


def ref_parts(z):
    return [np.real(z), np.imag(z)]


def _c(rng, rank=None, lo=1):
    return [cnormal(rng, shape(rng, rank, lo=lo))]


def _away(rng, s, gap=0.3):
    """Complex values with |z| >= gap (angle and abs have a kink at 0)."""
    z = cnormal(rng, s)
    small = np.abs(z) < gap
    return np.where(small, z / np.maximum(np.abs(z), 1e-3) * gap * 2, z)


SAMPLES = [
    Sample("Complex", lambda a, b: parts(gc.complex(a, b)),
           lambda rng: [rng.standard_normal(s := shape(rng)), rng.standard_normal(s)],
           lambda a, b: [a, b], id="same"),
    Sample("Complex", lambda a, b: parts(gc.complex(a, b)),
           lambda rng: [rng.standard_normal((3, 4)), rng.standard_normal((4,))],
           lambda a, b: [a + 0 * b, b + 0 * a], id="broadcast"),
    Sample("Real", lambda z: gc.real(z * z), lambda rng: _c(rng), lambda z: np.real(z * z)),
    Sample("Imag", lambda z: gc.imag(z * z), lambda rng: _c(rng), lambda z: np.imag(z * z)),
    Sample("Conj", lambda z: parts(gc.conj(z) * z * z), lambda rng: _c(rng),
           lambda z: ref_parts(np.conj(z) * z * z)),
    Sample("Angle", lambda z: gc.angle(z), lambda rng: [_away(rng, shape(rng))], np.angle),
    Sample("ComplexAbs", lambda z: gc.abs(z), lambda rng: [_away(rng, shape(rng))], np.abs),
    # the elementwise ops on complex: their vjps conjugate the derivative
    Sample("Mul", lambda a, b: parts(a * b), lambda rng: [cnormal(rng, (2, 3)),
                                                          cnormal(rng, (3,))],
           lambda a, b: ref_parts(a * b), id="complex"),
    Sample("RealDiv", lambda a, b: parts(a / b), lambda rng: [cnormal(rng, (2, 3)),
                                                              _away(rng, (3,), 0.5)],
           lambda a, b: ref_parts(a / b), id="complex"),
    Sample("Exp", lambda z: parts(gc.exp(z)), lambda rng: _c(rng),
           lambda z: ref_parts(np.exp(z)), id="complex"),
    Sample("Log", lambda z: parts(gc.log(z)), lambda rng: [_away(rng, (2, 3), 0.5)],
           lambda z: ref_parts(np.log(z)), id="complex"),
    Sample("Sqrt", lambda z: parts(gc.sqrt(z)), lambda rng: [_away(rng, (4,), 0.5)],
           lambda z: ref_parts(np.sqrt(z)), id="complex"),
    Sample("Tanh", lambda z: parts(gc.tanh(z)), lambda rng: [0.5 * cnormal(rng, (3,))],
           lambda z: ref_parts(np.tanh(z)), id="complex"),
    *[Sample(op, lambda z, f=f: parts(f(z)),
             lambda rng, s=shift: [0.4 * cnormal(rng, (3,)) + s],
             lambda z, g=g: ref_parts(g(z)), id="complex")
      for op, f, g, shift in (("Atan", gc.atan, np.arctan, 0), ("Asin", gc.asin, np.arcsin, 0),
                              ("Acos", gc.acos, np.arccos, 0),
                              ("Asinh", gc.asinh, np.arcsinh, 0),
                              ("Acosh", gc.acosh, np.arccosh, 3),
                              ("Atanh", gc.atanh, np.arctanh, 0))],
    Sample("Pow", lambda a, b: parts(gc.pow(a, b)),
           lambda rng: [_away(rng, (3,), 0.5), 0.5 * cnormal(rng, (3,))],
           lambda a, b: ref_parts(np.power(a, b)), id="complex"),
    Sample("Prod", lambda z: parts(gc.reduce_prod(z, axis=1)), lambda rng: _c(rng, 2),
           lambda z: ref_parts(np.prod(z, axis=1)), id="complex"),
    Sample("Sum", lambda z: parts(gc.reduce_sum(z, axis=0)), lambda rng: _c(rng, 2),
           lambda z: ref_parts(np.sum(z, axis=0)), id="complex"),
    Sample("MatMul", lambda a, b: parts(gc.matmul(a, b, adjoint_b=True)),
           lambda rng: [cnormal(rng, (2, 3)), cnormal(rng, (4, 3))],
           lambda a, b: ref_parts(a @ np.conj(b).T), id="complex-adjoint"),
    Sample("Einsum", lambda a, b: parts(gc.einsum("ij,jk->ik", a, b)),
           lambda rng: [cnormal(rng, (2, 3)), cnormal(rng, (3, 4))],
           lambda a, b: ref_parts(a @ b), id="complex"),
    Sample("Cast", lambda z: gc.cast(z, gc.float64), lambda rng: _c(rng), np.real,
           id="complex-to-real"),
    # complex values that are real: |a - b|^2, the norm (only re(g) flows back)
    Sample("SquaredDifference", lambda a, b: parts(gc.squared_difference(a, b)),
           lambda rng: [cnormal(rng, (2, 3)), cnormal(rng, (3,))],
           lambda a, b: ref_parts((a - b) * np.conj(a - b)), id="complex"),
    Sample("Sqrt", lambda z: parts(gc.reduce_euclidean_norm(z, 1)),
           lambda rng: [_away(rng, (2, 3), 0.5)],
           lambda z: ref_parts(np.sqrt(np.sum(np.abs(z) ** 2, axis=1)) + 0j),
           id="complex-euclidean-norm"),
    Sample("DivNoNan", lambda a, b: parts(gc.div_no_nan(a, b)),
           lambda rng: [cnormal(rng, (2, 3)), _away(rng, (3,), 0.5)],
           lambda a, b: ref_parts(a / b), id="complex"),
    Sample("DivNoNan", lambda z: parts(gc.sign(z)), lambda rng: [_away(rng, (4,), 0.5)],
           lambda z: ref_parts(z / np.abs(z)), id="complex-sign"),
    Sample("Cast", lambda x: parts(gc.cast(x, gc.complex128) * (1 + 2j)),
           lambda rng: [rng.standard_normal(shape(rng))],
           lambda x: ref_parts(x * (1 + 2j)), id="real-to-complex"),
]

for _name, _fn, _k in [("FFT", np.fft.fftn, 1), ("IFFT", np.fft.ifftn, 1),
                       ("FFT2D", np.fft.fftn, 2), ("IFFT2D", np.fft.ifftn, 2),
                       ("FFT3D", np.fft.fftn, 3), ("IFFT3D", np.fft.ifftn, 3)]:
    _api = getattr(gc, _name.lower())
    SAMPLES.append(Sample(
        _name, lambda z, f=_api: parts(f(z)),
        lambda rng, k=_k: [cnormal(rng, shape(rng, k + int(rng.integers(0, 2))))],
        lambda z, f=_fn, k=_k: ref_parts(f(z, axes=tuple(range(-k, 0)))), atol=1e-9))


def _rfft_sample(name, k, lengths):
    api = getattr(gc, name.lower())
    inverse = name.startswith("I")

    def build(x):
        return api(x, lengths) if inverse else parts(api(x, lengths))

    def inputs(rng):
        s = shape(rng, k + 1, lo=2, hi=6)
        return [cnormal(rng, s) if inverse else rng.standard_normal(s)]

    def ref(x):
        fn = np.fft.irfftn if inverse else np.fft.rfftn
        out = fn(x, s=lengths, axes=tuple(range(-k, 0)))
        return out if inverse else ref_parts(out)
    return Sample(name, build, inputs, ref, id="x".join(map(str, lengths)), atol=1e-9)


SAMPLES += [_rfft_sample(n, k, ls) for n, k, ls in [
    ("RFFT", 1, [4]), ("RFFT", 1, [9]), ("IRFFT", 1, [6]), ("IRFFT", 1, [11]),
    ("RFFT2D", 2, [3, 8]), ("IRFFT2D", 2, [5, 4]), ("RFFT3D", 3, [2, 3, 5]),
    ("IRFFT3D", 3, [3, 2, 7])]]
