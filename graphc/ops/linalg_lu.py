"""LU with partial pivoting (TF's Lu op) and its compositions lu_solve, lu_reconstruct
and lu_matrix_inverse.

Conventions, as TF: `lower_upper, perm = lu(a)` packs the unit lower triangular L
(diagonal implicit) below the diagonal and U on and above it, and
a[..., perm, :] = L @ U. The pivot of column k is the first entry of largest magnitude
in rows k..n-1 (LAPACK's and Eigen's choice); a zero pivot is left as it is.

Derivatives (square a, nonsingular): with X = L^-1 P dA U^-1,
d(lower_upper) = L tril(X, -1) + triu(X) U, since L^-1 dL is strictly lower and
dU U^-1 upper triangular.
"""
import numpy as np

from .. import dtypes
from ..graph import name_scope
from ..shapes import InferError
from .array import expand_dims, shape
from .core import convert_to_tensor
from .creation import ones_like, range as range_, zeros_like
from .elementwise import cast, equal
from .linalg import matmul
from .matrix import _linalg_dtype, _same_op, _square, matrix_diag_part, matrix_set_diag
from .matrix import matrix_transpose
from .registry import OpDef, apply, register
from .solve import matrix_band_part, matrix_triangular_solve

__all__ = ["lu", "lu_solve", "lu_reconstruct", "lu_matrix_inverse"]


def _infer_lu(ctx, x, *, output_idx_type):
    sq = _square(ctx, x)
    if output_idx_type not in (dtypes.int32, dtypes.int64):
        raise InferError(f"output_idx_type must be int32 or int64, not "
                         f"{output_idx_type.name}", "dtype")
    perm = None if sq is None else tuple(sq[0]) + (sq[1],)
    lu_shape = None if sq is None else tuple(sq[0]) + (sq[1], sq[1])
    return [(lu_shape, x.dtype), (perm, output_idx_type)]


def _lu_kernel(x, *, output_idx_type):
    n = x.shape[-1]
    a = x.astype(_linalg_dtype(x)).reshape((int(np.prod(x.shape[:-2])), n, n))  # a copy
    perm = np.tile(np.arange(n), (a.shape[0], 1))
    rows = np.arange(a.shape[0])
    for k in range(n):      # the elimination is sequential in k, vectorized over the batch
        p = k + np.argmax(np.abs(a[:, k:, k]), axis=1)
        a[rows, k], a[rows, p] = a[rows, p], a[rows, k].copy()
        perm[rows, k], perm[rows, p] = perm[rows, p], perm[rows, k].copy()
        pivot = a[:, k, k:k + 1]
        safe = np.where(pivot == 0, 1, pivot)
        a[:, k + 1:, k] /= safe
        a[:, k + 1:, k + 1:] -= a[:, k + 1:, k:k + 1] * a[:, k:k + 1, k + 1:]
    return (a.reshape(x.shape).astype(x.dtype),
            perm.reshape(x.shape[:-1]).astype(output_idx_type.np))


def _factors(lower_upper):
    """(L, U): the unit lower and the upper triangular factors packed in lower_upper."""
    low = matrix_band_part(lower_upper, -1, 0)
    return (matrix_set_diag(low, ones_like(matrix_diag_part(lower_upper))),
            matrix_band_part(lower_upper, 0, -1))


def _perm_matrix(perm, like):
    """P with P @ A = A[..., perm, :]: P[i, j] = 1 where j == perm[i], of like's dtype."""
    cols = range_(shape(like)[-1])
    return cast(equal(expand_dims(cast(perm, dtypes.int32), -1), cols), like.dtype)


def _times_u_inv(z, u):
    """z U^-1 for upper triangular U."""
    return matrix_transpose(matrix_triangular_solve(u, matrix_transpose(z), lower=False,
                                                    adjoint=True))


def _lu_vjp(node, gs):
    """With L, U the factors and G = g: G_X = tril(L^T tril(G, -1), -1) + triu(triu(G) U^T),
    and g_a = P^T L^-T G_X U^-T."""
    if gs[0] is None:
        return [None]
    lower_upper, perm = node.outputs
    low, up = _factors(lower_upper)
    g = gs[0]
    gx = (_lower_strict(matmul(low, _lower_strict(g), transpose_a=True))
          + matrix_band_part(matmul(matrix_band_part(g, 0, -1), up, transpose_b=True), 0, -1))
    m = matrix_triangular_solve(low, gx, lower=True, adjoint=True)
    m = matrix_transpose(matrix_triangular_solve(up, matrix_transpose(m), lower=False))
    return [matmul(_perm_matrix(perm, lower_upper), m, transpose_a=True)]


def _lower_strict(x):
    """tril(x, -1)."""
    return matrix_band_part(x, -1, 0) - matrix_band_part(x, 0, 0)


def _lu_jvp(node, ts):
    """X = L^-1 P dA U^-1: d(lower_upper) = L tril(X, -1) + triu(X) U; perm is constant."""
    if ts[0] is None:
        return [None, None]
    lower_upper, perm = node.outputs
    low, up = _factors(lower_upper)
    pda = matmul(_perm_matrix(perm, lower_upper), ts[0])
    x = _times_u_inv(matrix_triangular_solve(low, pda, lower=True), up)
    return [matmul(low, _lower_strict(x)) + matmul(matrix_band_part(x, 0, -1), up), None]


LU = register(OpDef(
    "Lu", _infer_lu, _lu_kernel, vjp=_lu_vjp, jvp=_lu_jvp, batch=_same_op, api="linalg.lu",
    signature="linalg.lu(input, output_idx_type=int32, name=None) -> (lu, p)",
    shape_rule="(..., n, n) -> lu (..., n, n), p (..., n)", dtypes="float -> (same, int)",
    doc="LU with partial pivoting: input[..., p, :] = L @ U, L unit lower (packed below "
        "the diagonal of lu), U upper."))


def lu(input, output_idx_type=dtypes.int32, name=None):  # noqa: A002 (TF1 names)
    """(lu, p): the LU decomposition with partial pivoting of each square matrix, L and
    U packed in lu (L's unit diagonal implicit), and input[..., p, :] = L @ U:

        lower_upper, perm = gc.linalg.lu([[1., 2.], [3., 4.]])
        # lower_upper [[3, 4], [1/3, 2/3]], perm [1, 0]
    """
    node = apply(LU, (convert_to_tensor(input),), name=name,
                 output_idx_type=dtypes.as_dtype(output_idx_type))
    return node.outputs[0], node.outputs[1]


def _lu_operands(lower_upper, perm, api):
    lower_upper = convert_to_tensor(lower_upper)
    perm = convert_to_tensor(perm)
    if not lower_upper.dtype.is_floating:
        raise TypeError(f"{api}: lower_upper must be float, not {lower_upper.dtype.name}")
    if not perm.dtype.is_integer:
        raise TypeError(f"{api}: perm must be int32 or int64, not {perm.dtype.name}")
    r = lower_upper.shape.rank
    if r is not None and r < 2:
        raise ValueError(f"{api}: lower_upper must have rank >= 2, not shape "
                         f"{lower_upper.shape}")
    return lower_upper, perm


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """X with A @ X = rhs, from (lower_upper, perm) = lu(A): U^-1 L^-1 rhs[perm]:

        x = gc.linalg.lu_solve(*gc.linalg.lu(a), rhs)     # = gc.linalg.solve(a, rhs)
    """
    with name_scope(name, "lu_solve"):
        lower_upper, perm = _lu_operands(lower_upper, perm, "lu_solve")
        rhs = convert_to_tensor(rhs, dtype=lower_upper.dtype)
        low, up = _factors(lower_upper)
        y = matrix_triangular_solve(low, matmul(_perm_matrix(perm, lower_upper), rhs))
        return matrix_triangular_solve(up, y, lower=False)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The matrix A that lu(A) factored: P^T L U.

        a2 = gc.linalg.lu_reconstruct(*gc.linalg.lu(a))   # = a
    """
    with name_scope(name, "lu_reconstruct"):
        lower_upper, perm = _lu_operands(lower_upper, perm, "lu_reconstruct")
        low, up = _factors(lower_upper)
        return matmul(_perm_matrix(perm, lower_upper), matmul(low, up), transpose_a=True)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """The inverse of A from (lower_upper, perm) = lu(A): lu_solve with the identity.

        a_inv = gc.linalg.lu_matrix_inverse(*gc.linalg.lu(a))
    """
    with name_scope(name, "lu_matrix_inverse"):
        lower_upper, perm = _lu_operands(lower_upper, perm, "lu_matrix_inverse")
        eye = matrix_set_diag(zeros_like(lower_upper), ones_like(matrix_diag_part(lower_upper)))
        return lu_solve(lower_upper, perm, eye)
