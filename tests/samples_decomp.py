"""Samples for graphc/ops/decomp.py and graphc/ops/solve.py (see samples.py).

Inputs are well conditioned: symmetric positive definite matrices are B B^T + n I,
symmetric ones Q diag(e) Q^T with eigenvalues at least 0.5 apart, and svd inputs
U diag(s) V^T with singular values in [1, 4] at least 0.5 apart. Ops that read a
symmetric matrix get sym(x) = (x + x^T) / 2 of the raw input, so that finite
differences move them symmetrically; the eigen samples marked "lower" instead feed a
matrix whose upper triangle is noise, which the op must ignore (derivatives included).
"""
import numpy as np

import graphc as gc
from samples import Sample, normal


def _sym(x):
    return (x + gc.linalg.transpose(x)) * 0.5


def _orthogonal(r, batch, n):
    q, _ = np.linalg.qr(normal(r, batch + (n, n)))
    return q


def _spd(batch, n):
    def make(r):
        b = normal(r, batch + (n, n))
        return [b @ np.swapaxes(b, -1, -2) + n * np.eye(n)]
    return make


def _spaced(r, batch, k):
    """k values per batch entry, ascending, at least 0.5 apart, in about [1, 0.8 k + 1]."""
    steps = r.uniform(0.5, 1.0, size=batch + (k,))
    return 0.5 + np.cumsum(steps, axis=-1)


def _symmetric(batch, n, upper_noise=False):
    def make(r):
        q = _orthogonal(r, batch, n)
        e = _spaced(r, batch, n) * r.choice([-1, 1])
        x = (q * e[..., None, :]) @ np.swapaxes(q, -1, -2)
        if upper_noise:
            x = x + np.triu(normal(r, batch + (n, n)), 1)
        return [x]
    return make


def _with_singular_values(batch, m, n):
    def make(r):
        k = min(m, n)
        u = _orthogonal(r, batch, m)[..., :k]
        v = _orthogonal(r, batch, n)[..., :k]
        s = _spaced(r, batch, k)[..., ::-1]
        return [(u * s[..., None, :]) @ np.swapaxes(v, -1, -2)]
    return make


def _signed(v):
    """The documented sign convention: each column's largest-magnitude entry positive."""
    k = np.argmax(np.abs(v), axis=-2)[..., None, :]
    return np.sign(np.take_along_axis(v, k, axis=-2))


def _svd_ref(full_matrices=False):
    def ref(a):
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        v, k = np.swapaxes(vh, -1, -2), s.shape[-1]
        su, sv = _signed(u), _signed(v)
        sv[..., :k] = su[..., :k]
        return s, u * su, v * sv
    return ref


def _eigh_ref(a):
    e, v = np.linalg.eigh(a)
    return e, v * _signed(v)


def _band_ref(lower, upper):
    def ref(x):
        i, j = np.indices(x.shape[-2:])
        keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
        return np.where(keep, x, 0)
    return ref


def _solve_pair(batch, n, k, diag=None):
    def make(r):
        a = normal(r, batch + (n, n)) + (n if diag is None else diag) * np.eye(n)
        return [a, normal(r, batch + (n, k))]
    return make


def _tri_ref(lower, adjoint):
    def ref(a, b):
        t = np.tril(a) if lower else np.triu(a)
        return np.linalg.solve(np.swapaxes(t, -1, -2) if adjoint else t, b)
    return ref


def _slogdet_input(batch, n):
    """Q1 diag(d) Q2: |d| in [0.5, 2], random signs, so det has either sign."""
    def make(r):
        d = r.uniform(0.5, 2.0, size=batch + (n,)) * r.choice([-1, 1], size=batch + (n,))
        return [(_orthogonal(r, batch, n) * d[..., None, :]) @ _orthogonal(r, batch, n)]
    return make


def _lstsq_ref(l2):
    def ref(a, b):
        at = np.swapaxes(a, -1, -2)
        m, n = a.shape[-2:]
        if m >= n:
            return np.linalg.solve(at @ a + l2 * np.eye(n), at @ b)
        return at @ np.linalg.solve(a @ at + l2 * np.eye(m), b)
    return ref


def _lstsq_pair(batch, m, n, k):
    return lambda r: _with_singular_values(batch, m, n)(r) + [normal(r, batch + (m, k))]


SAMPLES = [
    # ---- band part, solves
    Sample("MatrixBandPart", lambda x: gc.matrix_band_part(x, 1, 0),
           lambda r: [normal(r, (4, 5))], _band_ref(1, 0)),
    Sample("MatrixBandPart", lambda x: gc.linalg.band_part(x, -1, 2),
           lambda r: [normal(r, (2, 5, 3))], _band_ref(-1, 2), id="batched, keep lower"),
    Sample("MatrixBandPart", lambda x: gc.matrix_band_part(x, 0, -1),
           lambda r: [r.integers(-5, 6, size=(3, 4)).astype(np.int32)], _band_ref(0, -1),
           grad=False, id="int32 upper"),
    Sample("MatrixSolve", gc.matrix_solve, _solve_pair((), 3, 2), np.linalg.solve),
    Sample("MatrixSolve", lambda a, b: gc.linalg.solve(a, b, adjoint=True),
           _solve_pair((2,), 4, 3), lambda a, b: np.linalg.solve(np.swapaxes(a, -1, -2), b),
           id="batched adjoint"),
    Sample("MatrixTriangularSolve", gc.matrix_triangular_solve, _solve_pair((), 4, 2, 3.0),
           _tri_ref(True, False)),
    Sample("MatrixTriangularSolve",
           lambda a, b: gc.linalg.triangular_solve(a, b, lower=False, adjoint=True),
           _solve_pair((2,), 3, 4, 3.0), _tri_ref(False, True), id="batched upper adjoint"),
    Sample("MatrixTriangularSolve", lambda a, b: gc.cholesky_solve(gc.cholesky(_sym(a)), b),
           lambda r: _spd((2,), 3)(r) + [normal(r, (2, 3, 2))], np.linalg.solve,
           rtol=1e-9, id="cholesky_solve"),
    Sample("LogMatrixDeterminant", gc.linalg.slogdet, _slogdet_input((), 3),
           lambda a: np.linalg.slogdet(a)),
    Sample("LogMatrixDeterminant", lambda a: gc.linalg.slogdet(a)[1],
           _slogdet_input((2, 3), 4), lambda a: np.linalg.slogdet(a)[1], id="batched"),
    # ---- cholesky and its composites
    Sample("Cholesky", lambda x: gc.cholesky(_sym(x)), _spd((), 4), np.linalg.cholesky),
    Sample("Cholesky", lambda x: gc.linalg.cholesky(_sym(x)), _spd((2,), 3),
           np.linalg.cholesky, id="batched"),
    Sample("Cholesky", lambda x: gc.linalg.logdet(_sym(x)), _spd((2,), 3),
           lambda x: np.linalg.slogdet(x)[1], rtol=1e-9, id="logdet"),
    Sample("Cholesky", gc.linalg.lstsq, _lstsq_pair((), 5, 3, 2), _lstsq_ref(0.0),
           rtol=1e-8, id="lstsq tall"),
    Sample("Cholesky", lambda a, b: gc.matrix_solve_ls(a, b, l2_regularizer=0.5),
           _lstsq_pair((2,), 3, 4, 2), _lstsq_ref(0.5), rtol=1e-8, id="lstsq wide l2"),
    # ---- qr
    Sample("Qr", gc.qr, lambda r: [normal(r, (5, 3))], lambda a: np.linalg.qr(a)),
    Sample("Qr", gc.linalg.qr, lambda r: [normal(r, (2, 4, 3))], lambda a: np.linalg.qr(a),
           id="batched"),
    Sample("Qr", lambda a: gc.qr(a, full_matrices=True), lambda r: [normal(r, (3, 3))],
           lambda a: np.linalg.qr(a, "complete"), id="square full"),
    Sample("Qr", lambda a: gc.qr(a, full_matrices=True), lambda r: [normal(r, (5, 3))],
           lambda a: np.linalg.qr(a, "complete"), grad=False, id="tall full, no grad"),
    Sample("Qr", gc.qr, lambda r: [normal(r, (2, 3, 5))], lambda a: np.linalg.qr(a),
           grad=False, id="wide, no grad"),
    # ---- svd
    Sample("Svd", gc.svd, _with_singular_values((), 5, 3), _svd_ref()),
    Sample("Svd", gc.linalg.svd, _with_singular_values((2,), 3, 5), _svd_ref(),
           id="batched wide"),
    Sample("Svd", lambda a: gc.svd(a, compute_uv=False), _with_singular_values((2,), 4, 3),
           lambda a: np.linalg.svd(a, compute_uv=False), id="values only"),
    Sample("Svd", lambda a: gc.svd(a)[0], _with_singular_values((), 3, 4),
           lambda a: np.linalg.svd(a, compute_uv=False), id="s of compute_uv"),
    Sample("Svd", lambda a: gc.svd(a, full_matrices=True), _with_singular_values((), 5, 3),
           _svd_ref(True), grad=False, id="tall full, no grad"),
    Sample("Svd", lambda a: gc.norm(a, ord=2, axis=[0, 2], keepdims=True),
           lambda r: [np.moveaxis(_with_singular_values((2,), 4, 3)(r)[0], 0, 1)],
           lambda a: np.linalg.norm(a, 2, axis=(0, 2), keepdims=True), id="norm ord=2"),
    # ---- self_adjoint_eig
    Sample("SelfAdjointEigV2", lambda x: gc.self_adjoint_eig(_sym(x)), _symmetric((), 4),
           _eigh_ref),
    Sample("SelfAdjointEigV2", gc.linalg.eigh, _symmetric((2,), 3, upper_noise=True),
           _eigh_ref, id="batched lower"),
    Sample("SelfAdjointEigV2", lambda x: gc.self_adjoint_eigvals(_sym(x)),
           _symmetric((2,), 4), np.linalg.eigvalsh, id="values only"),
    Sample("SelfAdjointEigV2", gc.linalg.eigvalsh, _symmetric((), 3, upper_noise=True),
           np.linalg.eigvalsh, id="values only lower"),
]
