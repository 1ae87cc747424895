"""Cholesky and linear solves over the last two dims (any leading dims are a batch):
matrix_band_part, matrix_solve, matrix_triangular_solve, slogdet (LogMatrixDeterminant),
cholesky, and the composites cholesky_solve, logdet and matrix_solve_ls. (ops/decomp.py
holds qr, svd and the eigendecomposition; gc.linalg re-exports both under tf.linalg's
names.)

The solves need the batch dims of matrix and rhs to be equal (TF1's MatrixSolve does not
broadcast them). cholesky reads only the lower triangle, and its derivatives treat the
input as symmetric: a tangent dA acts as (dA + dA^T) / 2 and the gradient is symmetric
(TF1's gradient).
"""
import numpy as np

from .. import dtypes
from ..graph import Tensor, name_scope
from ..shapes import InferError
from .array import expand_dims, shape
from .control import cond
from .core import convert_to_tensor
from .elementwise import greater_equal, log
from .linalg import matmul
from .matrix import (_linalg_dtype, _same_op, _square, matrix_diag_part, matrix_inverse,
                     matrix_set_diag, matrix_transpose)
from .reduce import reduce_sum
from .registry import OpDef, apply, apply1, constant_value, register

__all__ = ["matrix_band_part", "matrix_solve", "matrix_triangular_solve", "cholesky_solve",
           "cholesky", "matrix_solve_ls"]


def _both_batched(node, args, batched):
    """vmap of a two-operand solve: repeat the unbatched operand along the batch dim."""
    from ..autodiff.batching import batch_all_inputs
    return batch_all_inputs(node, args, batched)


# ---- band part ------------------------------------------------------------------------------
def _infer_band(ctx, x, *, num_lower, num_upper):
    if x.shape.rank is not None and x.shape.rank < 2:
        raise InferError(f"{{0}} must be a matrix or a batch of them (rank >= 2), not of "
                         f"rank {x.shape.rank}")
    return x.shape, x.dtype


def _band_kernel(x, *, num_lower, num_upper):
    i = np.arange(x.shape[-2])[:, None]
    j = np.arange(x.shape[-1])
    keep = np.ones((x.shape[-2], x.shape[-1]), bool)
    if num_lower >= 0:
        keep &= i - j <= num_lower
    if num_upper >= 0:
        keep &= j - i <= num_upper
    return np.where(keep, x, np.zeros((), x.dtype))


MATRIX_BAND_PART = register(OpDef(
    "MatrixBandPart", _infer_band, _band_kernel,
    vjp=lambda node, gs: [apply1(node.op, (gs[0],), **node.attrs)],
    jvp=lambda node, ts: None if ts[0] is None else apply1(node.op, (ts[0],), **node.attrs),
    batch=_same_op, api="matrix_band_part",
    signature="matrix_band_part(input, num_lower, num_upper, name=None)",
    shape_rule="same as input (..., m, n)", dtypes="any",
    doc="Keeps the entries with i - j <= num_lower and j - i <= num_upper (a negative "
        "count keeps that whole triangle); zeros elsewhere. Linear: its own vjp."))


def _band_count(v, what):
    """v as a Python int, or the scalar int tensor itself when only a run knows it."""
    if isinstance(v, Tensor):
        c = constant_value(v)
        if c is None:
            if v.shape.rank not in (0, None) or not v.dtype.is_integer:
                raise TypeError(f"matrix_band_part: {what} must be a scalar integer, got {v}")
            return v
        v = c
    if np.ndim(v) != 0 or np.asarray(v).dtype.kind not in "iu":
        raise TypeError(f"matrix_band_part: {what} must be an integer, got {v!r}")
    return int(v)


def matrix_band_part(input, num_lower, num_upper, name=None):  # noqa: A002 (TF1 names)
    """The band of each matrix: entries (i, j) with i - j <= num_lower and
    j - i <= num_upper, zeros elsewhere; -1 keeps the whole lower (upper) triangle.
    `gc.matrix_band_part(x, -1, 0)` is the lower triangle of x, `(x, 0, 0)` its diagonal.
    Band widths known only when the graph runs (scalar int tensors) build the mask."""
    x = convert_to_tensor(input)
    lo, up = _band_count(num_lower, "num_lower"), _band_count(num_upper, "num_upper")
    if isinstance(lo, int) and isinstance(up, int):
        return apply1(MATRIX_BAND_PART, (x,), name=name, num_lower=lo, num_upper=up)
    return _band_mask(x, lo, up, name)


def _band_mask(x, lo, up, name):
    """x where (lo < 0 or i - j <= lo) and (up < 0 or j - i <= up), else 0."""
    from .creation import range as range_, zeros_like
    from .elementwise import cast, less, less_equal, logical_and, logical_or, select
    with name_scope(name, "MatrixBandPart"):
        m, n = (shape(x, out_type=dtypes.int64)[k] for k in (-2, -1))
        d = expand_dims(range_(m), -1) - range_(n)          # i - j, (m, n)
        keep = [logical_or(less(cast(b, dtypes.int64), 0), less_equal(sign * d,
                                                                       cast(b, dtypes.int64)))
                for b, sign in ((lo, 1), (up, -1))]
        return select(logical_and(*keep), x, zeros_like(x))


def _triangle(x, lower):
    return matrix_band_part(x, -1, 0) if lower else matrix_band_part(x, 0, -1)


# ---- matrix_solve, matrix_triangular_solve ---------------------------------------------------
def _infer_solve(ctx, a, b, **attrs):
    """op(A) X = B: A (..., n, n), B (..., n, k) -> X (..., n, k)."""
    ctx.same_dtype()
    sq = _square(ctx, a)
    bd = b.shape._dims
    if bd is not None and len(bd) < 2:
        raise InferError(f"the right-hand side {{1}} must be a matrix or a batch of them "
                         f"(rank >= 2), not of rank {len(bd)}")
    if sq is None or bd is None:
        return b.shape, b.dtype
    batch, n = sq
    if len(batch) != len(bd) - 2:
        raise InferError(f"{{0}} and {{1}} must have the same batch dims, but {{0}} has "
                         f"{len(batch)} and {{1}} has {len(bd) - 2}")
    rows = ctx.merge_dims(n, bd[-2], "the right-hand side {{1}} must have as many rows as "
                                     "{{0}}: {{0}} is {a} x {a} but {{1}} has {b} rows")
    out = [ctx.merge_dims(x, y, "batch dims differ: {{0}} has {a} but {{1}} has {b}")
           for x, y in zip(batch, bd[:-2])]
    return tuple(out) + (rows, bd[-1]), b.dtype


def _solve_kernel(a, b, *, adjoint):
    dt = _linalg_dtype(a)
    a = np.swapaxes(a, -1, -2) if adjoint else a
    return np.linalg.solve(a.astype(dt), b.astype(dt)).astype(b.dtype)


def _solve_vjp(node, gs):
    """X = op(A)^-1 B: gB = op(A)^-T g; gA = -gB X^T (adjoint: -X gB^T)."""
    a, x, adj = node.inputs[0], node.outputs[0], node.attrs["adjoint"]
    gb = matrix_solve(a, gs[0], adjoint=not adj)
    ga = -matmul(x, gb, transpose_b=True) if adj else -matmul(gb, x, transpose_b=True)
    return [ga, gb]


def _solve_jvp(node, ts):
    """dX = op(A)^-1 (dB - op(dA) X)."""
    a, x, adj = node.inputs[0], node.outputs[0], node.attrs["adjoint"]
    if ts[0] is None and ts[1] is None:
        return None
    rhs = ts[1]
    if ts[0] is not None:
        dax = matmul(ts[0], x, transpose_a=adj)
        rhs = -dax if rhs is None else rhs - dax
    return matrix_solve(a, rhs, adjoint=adj)


MATRIX_SOLVE = register(OpDef(
    "MatrixSolve", _infer_solve, _solve_kernel, vjp=_solve_vjp, jvp=_solve_jvp,
    batch=_both_batched, api="matrix_solve",
    signature="matrix_solve(matrix, rhs, adjoint=False, name=None)",
    shape_rule="(..., n, n), (..., n, k) -> (..., n, k)", dtypes="float (same)",
    doc="X with op(A) X = B, op(A) = A or A^T (adjoint); an error if A is singular."))


def _tri_kernel(a, b, *, lower, adjoint):
    a = np.tril(a) if lower else np.triu(a)
    return _solve_kernel(a, b, adjoint=adjoint)


def _tri_vjp(node, gs):
    """X = op(T)^-1 B, T = A's triangle: gB = op(T)^-T g; gA = triangle(-gB X^T)
    (adjoint: triangle(-X gB^T))."""
    a, x = node.inputs[0], node.outputs[0]
    lower, adj = node.attrs["lower"], node.attrs["adjoint"]
    gb = matrix_triangular_solve(a, gs[0], lower=lower, adjoint=not adj)
    ga = -matmul(x, gb, transpose_b=True) if adj else -matmul(gb, x, transpose_b=True)
    return [_triangle(ga, lower), gb]


def _tri_jvp(node, ts):
    """dX = op(T)^-1 (dB - op(triangle(dA)) X)."""
    a, x = node.inputs[0], node.outputs[0]
    lower, adj = node.attrs["lower"], node.attrs["adjoint"]
    if ts[0] is None and ts[1] is None:
        return None
    rhs = ts[1]
    if ts[0] is not None:
        dax = matmul(_triangle(ts[0], lower), x, transpose_a=adj)
        rhs = -dax if rhs is None else rhs - dax
    return matrix_triangular_solve(a, rhs, lower=lower, adjoint=adj)


MATRIX_TRIANGULAR_SOLVE = register(OpDef(
    "MatrixTriangularSolve", _infer_solve, _tri_kernel, vjp=_tri_vjp, jvp=_tri_jvp,
    batch=_both_batched, api="matrix_triangular_solve",
    signature="matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None)",
    shape_rule="(..., n, n), (..., n, k) -> (..., n, k)", dtypes="float (same)",
    doc="X with op(T) X = B, T the lower (upper) triangle of A; the other triangle is "
        "never read, and gets no gradient."))


def _operands(matrix, rhs):
    a = convert_to_tensor(matrix)
    b = rhs if isinstance(rhs, Tensor) else convert_to_tensor(rhs, dtype=a.dtype)
    return a, b


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """X with matrix @ X = rhs (adjoint=True: matrix^T @ X = rhs), for each matrix in the
    batch: (..., n, n), (..., n, k) -> (..., n, k).
    `gc.matrix_solve([[2., 0.], [0., 4.]], [[2.], [2.]])` is [[1], [0.5]]."""
    return apply1(MATRIX_SOLVE, _operands(matrix, rhs), name=name, adjoint=bool(adjoint))


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """matrix_solve with the lower (lower=True) or upper triangle of matrix; the other
    triangle is ignored. `gc.matrix_triangular_solve([[2., 9.], [1., 1.]], [[2.], [2.]])`
    is [[1], [1]] (the 9 is never read)."""
    return apply1(MATRIX_TRIANGULAR_SOLVE, _operands(matrix, rhs), name=name,
                  lower=bool(lower), adjoint=bool(adjoint))


def cholesky_solve(chol, rhs, name=None):
    """X with A X = rhs, given chol = cholesky(A): two triangular solves,
    L^-T (L^-1 rhs). `gc.cholesky_solve(gc.cholesky(a), b)` equals gc.matrix_solve(a, b)."""
    with name_scope(name, "cholesky_solve"):
        chol, rhs = _operands(chol, rhs)
        y = matrix_triangular_solve(chol, rhs, lower=True, adjoint=False)
        return matrix_triangular_solve(chol, y, lower=True, adjoint=True)


# ---- slogdet ----------------------------------------------------------------------------------
def _infer_slogdet(ctx, x):
    sq = _square(ctx, x)
    batch = None if sq is None else sq[0]
    return [(batch, x.dtype), (batch, x.dtype)]


def _slogdet_kernel(x):
    with np.errstate(invalid="ignore"):
        sign, logdet = np.linalg.slogdet(x.astype(_linalg_dtype(x)))
    sign = np.where(np.isnan(logdet), np.nan, sign)      # a NaN matrix: sign NaN (TF)
    return np.asarray(sign, x.dtype), np.asarray(logdet, x.dtype)


def _slogdet_vjp(node, gs):
    """g_logdet A^-T; the sign is piecewise constant and gets no gradient."""
    if gs[1] is None:
        return [None]
    g = expand_dims(expand_dims(gs[1], -1), -1)
    return [g * matrix_inverse(node.inputs[0], adjoint=True)]


def _slogdet_jvp(node, ts):
    """d log|det A| = trace(A^-1 dA); the sign's tangent is zero."""
    if ts[0] is None:
        return [None, None]
    return [None, reduce_sum(matrix_diag_part(matrix_solve(node.inputs[0], ts[0])), axis=-1)]


LOG_MATRIX_DETERMINANT = register(OpDef(
    "LogMatrixDeterminant", _infer_slogdet, _slogdet_kernel,
    vjp=_slogdet_vjp, jvp=_slogdet_jvp, batch=_same_op, api="linalg.slogdet",
    signature="linalg.slogdet(input, name=None)", shape_rule="(..., n, n) -> (...), (...)",
    dtypes="float", doc="(sign, log|det|) of each square matrix (by LU); det = sign * "
                        "exp(log|det|). d log|det| = A^-T."))


def slogdet(input, name=None):  # noqa: A002 (TF1 names)
    """(sign, log_abs_determinant) of each square matrix in the last two dims, so that
    det = sign * exp(log_abs_determinant) without overflow: for a 200 x 200 float32
    matrix 2 I, log_abs_determinant is 200 log 2, though the determinant overflows."""
    node = apply(LOG_MATRIX_DETERMINANT, (convert_to_tensor(input),), name=name)
    return node.outputs[0], node.outputs[1]


# ---- cholesky and its composites: logdet, matrix_solve_ls -------------------------------
def _sym(x):
    """(x + x^T) / 2."""
    return 0.5 * (x + matrix_transpose(x))


def _lower_half_diag(x):
    """Phi(x): the lower triangle of x with its diagonal halved."""
    return matrix_set_diag(matrix_band_part(x, -1, 0), 0.5 * matrix_diag_part(x))


def _infer_same_square(ctx, x):
    sq = _square(ctx, x)
    return (None if sq is None else tuple(sq[0]) + (sq[1], sq[1])), x.dtype


def _cholesky_vjp(node, gs):
    """sym(L^-T Phi(L^T g) L^-1), Phi: the lower triangle with its diagonal halved
    (Murray 2016, TF1's rule)."""
    low = node.outputs[0]
    p = _lower_half_diag(matmul(low, gs[0], transpose_a=True))
    y = matrix_triangular_solve(low, p, adjoint=True)                         # L^-T P
    z = matrix_transpose(matrix_triangular_solve(low, matrix_transpose(y), adjoint=True))
    return [_sym(z)]                                                          # Y L^-1


def _cholesky_jvp(node, ts):
    """dL = L Phi(L^-1 sym(dA) L^-T)."""
    if ts[0] is None:
        return None
    low = node.outputs[0]
    y = matrix_triangular_solve(low, _sym(ts[0]))                             # L^-1 S
    x = matrix_triangular_solve(low, matrix_transpose(y))                     # L^-1 S L^-T
    return matmul(low, _lower_half_diag(x))


CHOLESKY = register(OpDef(
    "Cholesky", _infer_same_square,
    lambda x: np.linalg.cholesky(x.astype(_linalg_dtype(x))).astype(x.dtype),
    vjp=_cholesky_vjp, jvp=_cholesky_jvp, batch=_same_op, api="cholesky",
    signature="cholesky(input, name=None)", shape_rule="same as input (..., n, n)",
    dtypes="float", doc="Lower-triangular L with A = L L^T, A symmetric positive definite "
                        "(only its lower triangle is read); an error if A is not."))


def cholesky(input, name=None):  # noqa: A002 (TF1 names)
    """The lower-triangular L with input = L @ L^T, for each symmetric positive definite
    matrix (only the lower triangle is read). `gc.cholesky([[4., 2.], [2., 5.]])` is
    [[2, 0], [1, 2]]."""
    return apply1(CHOLESKY, (convert_to_tensor(input),), name=name)


def logdet(matrix, name=None):
    """log det(A) of each symmetric positive definite matrix, as 2 sum(log(diag(L))) with
    L = cholesky(A): finite where det(A) itself would overflow."""
    with name_scope(name, "logdet"):
        chol = cholesky(matrix)
        return 2.0 * reduce_sum(log(matrix_diag_part(chol)), axis=-1)


def _regularized_gram(a, l2, transpose_a):
    gram = matmul(a, a, transpose_a=transpose_a, transpose_b=not transpose_a)
    if isinstance(l2, (int, float)) and l2 == 0:
        return gram
    return matrix_set_diag(gram, matrix_diag_part(gram) + l2)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """The least-squares X of matrix @ X = rhs (..., m, n), (..., m, k) -> (..., n, k), by
    the normal equations with a Cholesky factorization (TF1's fast path):
    X = (A^T A + l2 I)^-1 A^T B if m >= n, else the minimum-norm A^T (A A^T + l2 I)^-1 B.
    With unknown m or n (or rank) the choice is made at run time (a cond).

    fast=False gives the minimum-norm least-squares solution, also for rank-deficient
    matrices, ignoring l2_regularizer (as TF1's complete orthogonal decomposition):
    here the pseudo-inverse from an SVD, V diag(1/s) U^T B with s below
    max(m, n) eps s_max dropped. (TF1 has no gradient for fast=False; graphc
    differentiates the SVD, which needs distinct singular values.)"""
    with name_scope(name, "matrix_solve_ls"):
        a, b = _operands(matrix, rhs)
        if not fast:
            return _pinv_solve(a, b)
        if a.shape.rank is not None and a.shape.rank < 2:
            raise ValueError(f"matrix_solve_ls: matrix needs a rank >= 2, got shape {a.shape}")

        def overdetermined():
            gram = _regularized_gram(a, l2_regularizer, True)
            return cholesky_solve(cholesky(gram), matmul(a, b, transpose_a=True))

        def underdetermined():
            gram = _regularized_gram(a, l2_regularizer, False)
            return matmul(a, cholesky_solve(cholesky(gram), b), transpose_a=True)

        m, n = a.shape._dims[-2:] if a.shape.rank is not None else (None, None)
        if isinstance(m, int) and isinstance(n, int):
            return overdetermined() if m >= n else underdetermined()
        dims = shape(a)
        return cond(greater_equal(dims[-2], dims[-1]), overdetermined, underdetermined)


def _pinv_solve(a, b):
    """pinv(A) B = V diag(1/s) U^T B, singular values below max(m, n) eps s_max dropped."""
    from .decomp import svd
    from .elementwise import cast, greater, maximum, reciprocal, select
    from .creation import ones_like, zeros_like
    from .reduce import reduce_max
    s, u, v = svd(a)
    dims = shape(a)
    size = cast(maximum(dims[-2], dims[-1]), a.dtype)
    cutoff = expand_dims(reduce_max(s, axis=-1), -1) * (size * np.finfo(a.dtype.np).eps)
    keep = greater(s, cutoff)
    inv_s = select(keep, reciprocal(select(keep, s, ones_like(s))), zeros_like(s))
    return matmul(v * expand_dims(inv_s, -2), matmul(u, b, transpose_a=True))
