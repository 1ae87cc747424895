"""TF1's tf.linalg.logm: the principal matrix logarithm of complex square matrices (op
MatrixLogarithm, no gradient in TF either).

Inverse scaling and squaring (Kenney & Laub; Higham, Functions of Matrices, 11.5): take
square roots (the scaled product Denman-Beavers iteration) until ||A - I||_1 <= 0.25,
then log(I + X) by the [8/8] Pade approximant in partial fractions (8-point
Gauss-Legendre), times 2^s. Matrices with an eigenvalue on the closed negative real axis
have no principal square root chain there; they take V diag(log lambda) V^-1 instead.
A singular matrix gives NaNs, as TF's does. Asking for a gradient raises GradientError
(TF: LookupError). Computed in complex128, rounded to the dtype.
"""
import functools

import numpy as np

from .. import dtypes, errors
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["logm"]

_THETA = 0.25                          # ||A - I||_1 bound of the [8/8] Pade step


@functools.lru_cache(maxsize=None)
def _quadrature():
    """8-point Gauss-Legendre nodes and weights on [0, 1] (numpy.polynomial is imported
    here, on first use: it is 600 objects for every import of graphc to make)."""
    nodes, weights = np.polynomial.legendre.leggauss(8)
    return (nodes + 1) / 2, weights / 2


def _norm1(x):
    return np.abs(x).sum(axis=-2).max(axis=-1)


def _sqrtm(a):
    """Principal square roots of a stack of matrices (no eigenvalue on the closed
    negative real axis): the scaled product Denman-Beavers iteration, Y -> sqrt(A)."""
    n = a.shape[-1]
    eye = np.eye(n)
    y, m = a.copy(), a.copy()
    for _ in range(100):
        m_inv = np.linalg.inv(m)
        far = _norm1(m - eye) > 1e-2
        mu = np.where(far, np.abs(np.linalg.det(m)) ** (-1 / (2 * n)), 1.0)[:, None, None]
        y = 0.5 * mu * (y @ (eye + m_inv / mu ** 2))
        m = 0.5 * (eye + 0.5 * (mu ** 2 * m + m_inv / mu ** 2))
        if np.all(_norm1(m - eye) <= 1e-15 * n):
            break
    return y


def _log_near_identity(a):
    """log(A) for ||A - I|| <= 0.25: sum_j w_j X (I + t_j X)^-1, X = A - I."""
    eye = np.eye(a.shape[-1])
    x = a - eye
    return sum(w * np.linalg.solve(eye + t * x, x) for t, w in zip(*_quadrature()))


def _log_iss(a):
    s = np.zeros(a.shape[0])
    eye = np.eye(a.shape[-1])
    for _ in range(64):
        far = _norm1(a - eye) > _THETA
        if not far.any():
            break
        a = a.copy()
        a[far] = _sqrtm(a[far])
        s += far
    return _log_near_identity(a) * (2.0 ** s)[:, None, None]


def _log_eig(a):
    lam, v = np.linalg.eig(a)
    return np.swapaxes(np.linalg.solve(np.swapaxes(v, -1, -2),
                                       np.swapaxes(v * np.log(lam)[..., None, :], -1, -2)),
                       -1, -2)


def _logm_kernel(x):
    n = x.shape[-1]
    a = x.reshape((int(np.prod(x.shape[:-2])), n, n)).astype(np.complex128)
    out = np.full(a.shape, np.nan + 0j)
    if a.size:
        finite = np.isfinite(a).all(axis=(1, 2))
        lam = np.zeros(a.shape[:2], a.dtype)
        lam[finite] = np.linalg.eigvals(a[finite])
        tiny = 1e-14 * np.maximum(np.abs(lam).max(axis=1, keepdims=True), 1e-300)
        cut = ((np.abs(lam.imag) <= tiny) & (lam.real < 0)).any(axis=1)
        singular = (lam == 0).any(axis=1) | ~finite
        with np.errstate(all="ignore"):
            eig = cut & ~singular
            iss = ~cut & ~singular
            if eig.any():
                out[eig] = _log_eig(a[eig])
            if iss.any():
                out[iss] = _log_iss(a[iss])
    return out.reshape(x.shape).astype(x.dtype)


def _infer_logm(ctx, x):
    if x.dtype not in (dtypes.complex64, dtypes.complex128):
        raise InferError(f"{{0}} has dtype {x.dtype.name}; logm takes complex64 or "
                         "complex128 matrices", "dtype")
    if x.shape.rank is None:
        return x.shape, x.dtype
    if x.shape.rank < 2:
        raise InferError(f"{{0}} must have rank >= 2 (a stack of square matrices), not "
                         f"shape {x.shape}")
    dims = list(x.shape._dims)
    d = ctx.merge_dims(dims[-2], dims[-1], "{{0}} is not square: it has {a} rows and {b} "
                                           "columns")
    return tuple(dims[:-2]) + (d, d), x.dtype


def _no_gradient(node, _):
    """TF registers no gradient for MatrixLogarithm: asking for one is an error there too."""
    raise errors.GradientError(
        f"{errors.describe_node(node)} has no gradient (TF1 defines none for "
        "MatrixLogarithm): register one with @gc.RegisterGradient and "
        "graph.gradient_override_map({'MatrixLogarithm': name}), or use gc.stop_gradient")


MATRIX_LOGARITHM = register(OpDef(
    "MatrixLogarithm", _infer_logm, _logm_kernel, vjp=_no_gradient, jvp=_no_gradient,
    api="linalg.logm", signature="linalg.logm(input, name=None)",
    shape_rule="(..., n, n) -> (..., n, n)", dtypes="complex64, complex128",
    doc="The principal matrix logarithm (TF has no gradient for it)."))


def logm(input, name=None):  # noqa: A002
    """The principal logarithm of each complex square matrix (TF1 tf.linalg.logm):

        gc.linalg.logm(gc.constant([[1j, 0], [0, 2]], gc.complex128))
    gives [[pi/2 * 1j, 0], [0, log 2]]. Real dtypes are refused, as in TF; there is no
    gradient (TF has none)."""
    return apply1(MATRIX_LOGARITHM, (convert_to_tensor(input),), name=name)
