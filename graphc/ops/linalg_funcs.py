"""Matrix functions: expm (TF's matrix_exponential) and matrix_square_root as ops, and
the compositions pinv, matrix_rank and normalize.

Derivatives of the two ops are themselves built from ops, so they nest:
- expm: the Frechet derivative L(A, E) is the top-right block of
  expm([[A, E], [0, A]]); jvp = L(A, dA), vjp = L(A^T, g).
- matrix_square_root: S dS + dS S = dA (a Sylvester equation), solved as the linear
  system (S (x) I + I (x) S^T) vec(dS) = vec(dA) (row-major vec, n^2 x n^2, as TF);
  the vjp solves S^T X + X S^T = g.
"""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError
from .array import expand_dims, reshape, shape
from .broadcast import select
from .core import convert_to_tensor
from .creation import ones_like, zeros_like
from .elementwise import cast, greater, maximum, reciprocal
from .join import concat
from .linalg import matmul
from .matrix import (_linalg_dtype, _same_op, _square, matrix_diag_part, matrix_set_diag,
                     matrix_transpose)
from .norm import norm
from .reduce import reduce_max, reduce_sum
from .registry import OpDef, apply1, register
from .solve import matrix_solve

__all__ = ["expm", "matrix_square_root", "pinv", "matrix_rank", "normalize"]


def _infer_square(ctx, x):
    """(..., n, n), n merged from both matrix dims (TF's sqrtm: [?, 4, ?] -> [?, 4, 4])."""
    sq = _square(ctx, x)
    return (None if sq is None else tuple(sq[0]) + (sq[1], sq[1])), x.dtype


def _infer_expm(ctx, x):
    ctx.require(0, "float or complex")          # TF's expm takes complex matrices too
    dims = x.shape._dims
    if dims is not None:
        if len(dims) < 2:
            raise InferError(f"{{0}} must be a matrix or a batch of them (rank >= 2), not "
                             f"of rank {len(dims)}")
        ctx.merge_dims(dims[-2], dims[-1], "{{0}} must hold square matrices, not {a} x {b}")
    return x.shape, x.dtype


def _eye_like(a):
    return matrix_set_diag(zeros_like(a), ones_like(matrix_diag_part(a)))


# ---- expm ---------------------------------------------------------------------------------
# Pade [13/13] numerator coefficients and the 1-norm bound below which it is accurate to
# double precision (Higham, "The scaling and squaring method for the matrix exponential
# revisited", 2005).
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm_kernel(x):
    """Scaling and squaring: Pade [13/13] of A / 2^s, squared s times, per matrix."""
    n = x.shape[-1]
    wide = np.complex128 if x.dtype.kind == "c" else np.float64
    a = x.astype(wide).reshape((int(np.prod(x.shape[:-2])), n, n))
    norm1 = np.abs(a).sum(axis=-2).max(axis=-1, initial=0.0)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(norm1 / _THETA13))).astype(np.int64)
    a = a / (2.0 ** s)[:, None, None]
    b, eye = _PADE13, np.eye(n)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * eye
    r = np.linalg.solve(v - u, v + u) if n else v
    for k in range(int(s.max(initial=0))):
        r = np.where((k < s)[:, None, None], r @ r, r)
    return r.reshape(x.shape).astype(x.dtype)


def _frechet_expm(a, e):
    """L(a, e): the top-right n x n block of expm([[a, e], [0, a]])."""
    zero, eye = zeros_like(a), _eye_like(a)
    big = concat([concat([a, e], -1), concat([zero, a], -1)], -2)
    top, right = concat([eye, zero], -1), concat([zero, eye], -2)
    return matmul(matmul(top, expm(big)), right)


def _expm_vjp(node, gs):
    """L(A^H, g): the top-right block of expm([[A^H, g], [0, A^H]]) (A^T when real)."""
    return [_frechet_expm(matrix_transpose(node.inputs[0], conjugate=True), gs[0])]


def _expm_jvp(node, ts):
    """L(A, dA): the top-right block of expm([[A, dA], [0, A]])."""
    return _frechet_expm(node.inputs[0], ts[0])


EXPM = register(OpDef(
    "MatrixExponential", _infer_expm, _expm_kernel, vjp=_expm_vjp, jvp=_expm_jvp,
    batch=_same_op, api="linalg.expm", signature="linalg.expm(input, name=None)",
    shape_rule="(..., n, n) -> same", dtypes="float or complex",
    doc="The matrix exponential of each square matrix (Pade [13/13], scaling and "
        "squaring, in float64 or complex128)."))


def expm(input, name=None):  # noqa: A002 (TF1 names)
    """The matrix exponential sum_k A^k / k! of each square matrix (TF's
    tf.linalg.expm):

        gc.linalg.expm([[0., 1.], [0., 0.]])   # [[1., 1.], [0., 1.]]
    """
    return apply1(EXPM, (convert_to_tensor(input),), name=name or "matrix_exponential")


# ---- matrix_square_root -----------------------------------------------------------------------
def _sqrtm_kernel(x):
    """The principal square root of each matrix, real where one is (no eigenvalue on the
    negative real axis), NaN elsewhere and for NaN/inf input. First V sqrt(D) V^-1 from
    the eigendecomposition, in complex arithmetic, eigenvalues within rounding of 0 taken
    as 0; where that root misses (S @ S != A: a defective A, V singular) the
    Denman-Beavers iteration, whichever root has the smaller residual."""
    a = x.astype(_linalg_dtype(x))
    if a.size == 0:
        return a.astype(x.dtype)
    n = a.shape[-1]
    out = np.array([_sqrtm_one(m) for m in a.reshape((-1, n, n))]).reshape(a.shape)
    return out.astype(x.dtype)


def _sqrtm_one(a):
    """The principal real root of one float64 matrix a, or NaN (see _sqrtm_kernel)."""
    n = a.shape[-1]
    nan = np.full_like(a, np.nan)
    if not np.isfinite(a).all():
        return nan
    scale = max(np.abs(a).max(), np.finfo(np.float64).tiny)
    tol = 10 * n * np.finfo(np.float64).eps * scale
    w, v = np.linalg.eig(a)
    if np.any((np.abs(w.imag) <= tol) & (w.real < -tol)):
        return nan                              # a negative real eigenvalue: no real root

    def residual(r):
        return np.abs(r @ r - a).max() / scale if np.isfinite(r).all() else np.inf

    w = np.where(np.abs(w) <= tol, 0, w).astype(np.complex128)
    with np.errstate(all="ignore"):
        try:
            best = ((v * np.sqrt(w)) @ np.linalg.inv(v)).real
        except np.linalg.LinAlgError:
            best = nan
    if residual(best) > 1e3 * n * np.finfo(np.float64).eps:
        db = _denman_beavers(a)
        best = db if residual(db) < residual(best) else best
    return best if residual(best) < 1e-6 else nan


def _denman_beavers(a, steps=100):
    """Y -> (Y + Z^-1) / 2, Z -> (Z + Y^-1) / 2 from Y = A, Z = I: Y tends to sqrt(A) for
    A without eigenvalues on the closed negative real axis (defective ones too)."""
    y, z = a, np.eye(a.shape[-1])
    with np.errstate(all="ignore"):
        try:
            for _ in range(steps):
                y, z = (y + np.linalg.inv(z)) / 2, (z + np.linalg.inv(y)) / 2
                if np.abs(y @ y - a).max() <= 4 * np.finfo(np.float64).eps * np.abs(a).max():
                    break
        except np.linalg.LinAlgError:
            return np.full_like(a, np.nan)
    return y


def _kron(a, b):
    """kron of the last two dims of a and b (both (..., n, n)) -> (..., n^2, n^2)."""
    k = expand_dims(expand_dims(a, -1), -3) * expand_dims(expand_dims(b, -2), -4)
    n = shape(a)[-1]
    return reshape(k, concat([shape(a)[:-2], [n * n, n * n]], 0))


def _sylvester(m, c):
    """X with m X + X m = c: (m (x) I + I (x) m^T) vec(X) = vec(c), row-major vec."""
    eye = _eye_like(m)
    k = _kron(m, eye) + _kron(eye, matrix_transpose(m))
    n = shape(c)[-1]
    x = matrix_solve(k, reshape(c, concat([shape(c)[:-2], [n * n, 1]], 0)))
    return reshape(x, shape(c))


def _sqrtm_vjp(node, gs):
    """X with S^T X + X S^T = g, S the output."""
    return [_sylvester(matrix_transpose(node.outputs[0]), gs[0])]


def _sqrtm_jvp(node, ts):
    """dS with S dS + dS S = dA."""
    return _sylvester(node.outputs[0], ts[0])


MATRIX_SQUARE_ROOT = register(OpDef(
    "MatrixSquareRoot", _infer_square, _sqrtm_kernel, vjp=_sqrtm_vjp, jvp=_sqrtm_jvp,
    batch=_same_op, api="linalg.sqrtm", signature="linalg.sqrtm(input, name=None)",
    shape_rule="(..., n, n) -> same", dtypes="float",
    doc="The principal square root S (S @ S = A) of each square matrix; NaN where A has a "
        "negative real eigenvalue."))


def matrix_square_root(input, name=None):  # noqa: A002 (TF1 names)
    """The principal square root S of each square matrix, S @ S = input (TF's
    tf.linalg.sqrtm, tf.matrix_square_root):

        gc.matrix_square_root([[4., 0.], [0., 9.]])   # [[2., 0.], [0., 3.]]
    """
    return apply1(MATRIX_SQUARE_ROOT, (convert_to_tensor(input),), name=name)


# ---- pinv, matrix_rank, normalize ------------------------------------------------------------
def _float_matrices(a, api):
    a = convert_to_tensor(a)
    if not a.dtype.is_floating:
        raise TypeError(f"{api}: a must be float, not {a.dtype.name}")
    if a.shape.rank is not None and a.shape.rank < 2:
        raise ValueError(f"{api}: a must have rank >= 2, not shape {a.shape}")
    return a


def _max_dim(a):
    """max(rows, cols) of a's matrices, as a scalar of a's dtype."""
    m, n = (a.shape._dims[-2:] if a.shape.rank is not None else (None, None))
    if isinstance(m, int) and isinstance(n, int):
        return float(max(m, n))
    s = shape(a)
    return cast(maximum(s[-2], s[-1]), a.dtype)


def pinv(a, rcond=None, validate_args=False, name=None):
    """The Moore-Penrose pseudo-inverse of each matrix (..., m, n) -> (..., n, m), from the
    SVD; singular values at most rcond * the largest count as 0 (rcond defaults to
    10 * max(m, n) * eps, TF's default, not numpy's):

        gc.linalg.pinv([[1., 0.], [0., 0.]])   # [[1., 0.], [0., 0.]]
    """
    with name_scope(name, "pinv"):
        a = _float_matrices(a, "pinv")
        if rcond is None:
            rcond = 10.0 * _max_dim(a) * float(np.finfo(a.dtype.np).eps)
        rcond = convert_to_tensor(rcond, dtype=a.dtype)
        s, u, v = _svd(a)
        cutoff = expand_dims(rcond * reduce_max(s, -1), -1)
        keep = greater(s, cutoff)
        safe = select(keep, s, ones_like(s))             # no 1/0 (nor its gradient)
        s_inv = select(keep, reciprocal(safe), zeros_like(s))
        return matmul(v * expand_dims(s_inv, -2), u, transpose_b=True)


def _svd(a):
    from .decomp import svd
    return svd(a, full_matrices=False)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """The number of singular values above tol of each matrix, int32; tol defaults to
    eps * max(m, n) * the largest singular value:

        gc.linalg.matrix_rank([[1., 2.], [2., 4.]])   # 1
    """
    from .decomp import svd
    with name_scope(name, "matrix_rank"):
        a = _float_matrices(a, "matrix_rank")
        s = svd(a, compute_uv=False)
        if tol is None:
            tol = expand_dims(reduce_max(s, -1), -1) * (
                _max_dim(a) * float(np.finfo(a.dtype.np).eps))
        else:
            tol = expand_dims(convert_to_tensor(tol, dtype=a.dtype), -1)
        return reduce_sum(cast(greater(s, tol), dtypes.int32), -1)


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002 (TF names)
    """(tensor / norm, norm) with norm = gc.norm(tensor, ord, axis, keepdims=True):

        unit, length = gc.linalg.normalize([3., 4.])   # [0.6, 0.8], [5.]
    """
    with name_scope(name, "normalize"):
        tensor = convert_to_tensor(tensor)
        n = norm(tensor, ord=ord, axis=axis, keepdims=True)
        return tensor / n, n
