"""Tridiagonal systems: tridiagonal_solve (an op), and the compositions
tridiagonal_matmul and eigh_tridiagonal (the eigen-decomposition of the dense symmetric
matrix; eigenvectors follow gc.self_adjoint_eig's sign convention, not TF's).

Formats, as TF: 'compact' diagonals (..., 3, M) hold [superdiag, maindiag, subdiag],
superdiag[i] = A[i, i+1] (its last entry ignored) and subdiag[i] = A[i, i-1] (its
first ignored); 'sequence' is that as a tuple of three (..., M) tensors (super and sub
may also have M - 1 entries); 'matrix' is the (..., M, M) matrix itself, of which only
the three diagonals are read.

The solve eliminates row by row (sequential in the row, vectorized over the batch and
the right-hand sides): with partial_pivoting, the row of the larger entry of the
column is the pivot (LAPACK's gtsv); without, Thomas's algorithm. A zero pivot gives
inf/NaN entries, as TF's kernel (no error).

Derivatives: x = A^-1 b gives g_b = A^-T g (a solve with the transposed diagonals) and
g_A = -g_b x^T on the three diagonals; jvp dx = A^-1 (db - dA x).
"""
import numpy as np

from ..graph import name_scope
from ..shapes import InferError
from .core import convert_to_tensor
from .creation import zeros_like
from .array import expand_dims, squeeze
from .join import concat, stack
from .matrix import matrix_diag_part, matrix_transpose
from .reduce import reduce_sum
from .registry import OpDef, apply1, register
from .solve import matrix_band_part

__all__ = ["tridiagonal_solve", "tridiagonal_matmul", "eigh_tridiagonal"]


def _infer_tridiagonal_solve(ctx, diagonals, rhs, *, partial_pivoting):
    ctx.same_dtype()
    ctx.require(0, "float")
    d, b = diagonals.shape._dims, rhs.shape._dims
    if d is not None and (len(d) < 2 or d[-2] not in (3, None)):
        raise InferError("{0} must be compact diagonals of shape (..., 3, M)")
    if b is not None and len(b) < 2:
        raise InferError("{1} must have rank >= 2 (..., M, K)")
    if d is None or b is None:
        return rhs.shape, rhs.dtype
    if len(d) != len(b):
        raise InferError(f"the batch shapes of {{0}} and {{1}} differ (ranks {len(d)} and "
                         f"{len(b)})")
    batch = tuple(ctx.merge_dims(p, q, "the batch dims of {{0}} and {{1}} differ: {a} vs {b}")
                  for p, q in zip(d[:-2], b[:-2]))
    m = ctx.merge_dims(d[-1], b[-2], "{{0}} has M = {a} but {{1}} has {b} rows")
    return batch + (m, b[-1]), rhs.dtype


def _tridiagonal_solve_kernel(diagonals, rhs, *, partial_pivoting):
    dt = np.float32 if diagonals.dtype == np.float16 else diagonals.dtype
    sup, main, sub = (diagonals[..., i, :].astype(dt) for i in range(3))
    b = rhs.astype(dt)
    m = b.shape[-2]
    if m == 0:
        return b.astype(rhs.dtype)
    u0, u1, u2 = [], [], []          # row i of U: entries at columns i, i+1, i+2
    y = []
    c0, c1, cb = main[..., 0], sup[..., 0], b[..., 0, :]
    with np.errstate(all="ignore"):
        for i in range(m - 1):
            n0, n1 = sub[..., i + 1], main[..., i + 1]
            n2 = sup[..., i + 1] if i + 2 < m else np.zeros_like(n1)
            nb = b[..., i + 1, :]
            swap = (np.abs(n0) > np.abs(c0)) if partial_pivoting else np.zeros(c0.shape, bool)
            p0, p1 = np.where(swap, n0, c0), np.where(swap, n1, c1)
            p2 = np.where(swap, n2, 0)
            pb = np.where(swap[..., None], nb, cb)
            o0, o1, o2 = np.where(swap, c0, n0), np.where(swap, c1, n1), np.where(swap, 0, n2)
            ob = np.where(swap[..., None], cb, nb)
            f = o0 / p0
            u0.append(p0), u1.append(p1), u2.append(p2), y.append(pb)
            c0, c1, cb = o1 - f * p1, o2 - f * p2, ob - f[..., None] * pb
        u0.append(c0), u1.append(np.zeros_like(c0)), u2.append(np.zeros_like(c0))
        y.append(cb)
        x = [None] * m
        for i in range(m - 1, -1, -1):
            t = y[i]
            if i + 1 < m:
                t = t - u1[i][..., None] * x[i + 1]
            if i + 2 < m:
                t = t - u2[i][..., None] * x[i + 2]
            x[i] = t / u0[i][..., None]
    return np.stack(x, axis=-2).astype(rhs.dtype)


def _shift_left(v):
    """v[..., i + 1] at i, 0 at the end."""
    return concat([v[..., 1:], zeros_like(v[..., :1])], -1)


def _shift_right(v):
    """v[..., i - 1] at i, 0 at the start."""
    return concat([zeros_like(v[..., :1]), v[..., :-1]], -1)


def _rows_shifted(x, up):
    """x[..., i + 1, :] (up) or x[..., i - 1, :] at row i, zero rows at the ends."""
    if up:
        return concat([x[..., 1:, :], zeros_like(x[..., :1, :])], -2)
    return concat([zeros_like(x[..., :1, :]), x[..., :-1, :]], -2)


def _transposed(diagonals):
    """The compact diagonals of A^T: super' = sub shifted left, sub' = super shifted right."""
    sup, main, sub = diagonals[..., 0, :], diagonals[..., 1, :], diagonals[..., 2, :]
    return stack([_shift_left(sub), main, _shift_right(sup)], -2)


def _tridiagonal_solve_vjp(node, gs):
    """g_b = A^-T g; g_diagonals = -[sum_k g_b[i] x[i+1], g_b[i] x[i], g_b[i] x[i-1]]."""
    diagonals = node.inputs[0]
    x = node.outputs[0]
    gb = apply1(TRIDIAGONAL_SOLVE, (_transposed(diagonals), gs[0]), **node.attrs)
    g_sup = -reduce_sum(gb * _rows_shifted(x, True), -1)
    g_main = -reduce_sum(gb * x, -1)
    g_sub = -reduce_sum(gb * _rows_shifted(x, False), -1)
    return [stack([g_sup, g_main, g_sub], -2), gb]


def _tridiagonal_solve_jvp(node, ts):
    """dx = A^-1 (db - dA x)."""
    x = node.outputs[0]
    t = ts[1]
    if ts[0] is not None:
        dax = _compact_matmul(ts[0], x)
        t = -dax if t is None else t - dax
    return apply1(TRIDIAGONAL_SOLVE, (node.inputs[0], t), **node.attrs)


TRIDIAGONAL_SOLVE = register(OpDef(
    "TridiagonalSolve", _infer_tridiagonal_solve, _tridiagonal_solve_kernel,
    vjp=_tridiagonal_solve_vjp, jvp=_tridiagonal_solve_jvp, api="linalg.tridiagonal_solve",
    signature="linalg.tridiagonal_solve(diagonals, rhs, diagonals_format='compact', "
              "transpose_rhs=False, conjugate_rhs=False, name=None, partial_pivoting=True, "
              "perturb_singular=False)",
    shape_rule="(..., 3, M), (..., M, K) -> (..., M, K)", dtypes="float",
    doc="X with A X = rhs for tridiagonal A given by its three diagonals (compact "
        "format); partial pivoting by default."))


def _compact_matmul(diagonals, rhs):
    """A @ rhs for compact diagonals (..., 3, M) and rhs (..., M, N)."""
    sup = expand_dims(diagonals[..., 0, :], -1)
    main = expand_dims(diagonals[..., 1, :], -1)
    sub = expand_dims(diagonals[..., 2, :], -1)
    return (sup * _rows_shifted(rhs, True) + main * rhs
            + sub * _rows_shifted(rhs, False))


def _compact(diagonals, diagonals_format, api, dtype=None):
    """The compact (..., 3, M) form of diagonals given in diagonals_format."""
    if diagonals_format == "compact":
        return convert_to_tensor(diagonals, dtype=dtype)
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise ValueError(f"{api}: diagonals_format='sequence' needs a list or tuple of "
                             f"three tensors [superdiag, maindiag, subdiag]")
        main = convert_to_tensor(diagonals[1], dtype=dtype)
        sup = convert_to_tensor(diagonals[0], dtype=main.dtype)
        sub = convert_to_tensor(diagonals[2], dtype=main.dtype)
        m = main.shape._dims[-1] if main.shape.rank else None
        # M - 1 entries: pad super at the end and sub at the start (their ignored entries)
        if sup.shape.rank and isinstance(m, int) and sup.shape._dims[-1] == m - 1:
            sup = concat([sup, zeros_like(main[..., :1])], -1)
        if sub.shape.rank and isinstance(m, int) and sub.shape._dims[-1] == m - 1:
            sub = concat([zeros_like(main[..., :1]), sub], -1)
        return stack([sup, main, sub], -2)
    if diagonals_format == "matrix":
        a = convert_to_tensor(diagonals, dtype=dtype)
        if a.shape.rank is not None and a.shape.rank < 2:
            raise ValueError(f"{api}: diagonals_format='matrix' needs a (..., M, M) matrix, "
                             f"not shape {a.shape}")
        diag = matrix_band_part(a, 0, 0)
        sup = reduce_sum(matrix_band_part(a, 0, 1) - diag, -1)      # A[i, i+1], 0 at the end
        sub = reduce_sum(matrix_band_part(a, 1, 0) - diag, -1)      # A[i, i-1], 0 at start
        return stack([sup, matrix_diag_part(a), sub], -2)
    raise ValueError(f"{api}: diagonals_format must be 'compact', 'sequence' or 'matrix', "
                     f"not {diagonals_format!r}")


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False,
                      conjugate_rhs=False, name=None, partial_pivoting=True,
                      perturb_singular=False):
    """X with A X = rhs for each tridiagonal A, given by its diagonals (compact
    (..., 3, M), a sequence of three (..., M) tensors, or the (..., M, M) matrix); rhs is
    (..., M, K) or (..., M) (then so is X); transpose_rhs reads rhs as (..., K, M).

        x = gc.linalg.tridiagonal_solve([[1., 1., 0.], [4., 4., 4.], [0., 1., 1.]],
                                        [[5.], [6.], [5.]])    # [[1], [1], [1]]
    """
    if perturb_singular:
        raise NotImplementedError("tridiagonal_solve: perturb_singular=True is not "
                                  "supported by graphc")
    with name_scope(name, "tridiagonal_solve"):
        diagonals = _compact(diagonals, diagonals_format, "tridiagonal_solve")
        rhs = convert_to_tensor(rhs, dtype=diagonals.dtype)
        vector = rhs.shape.rank is not None and diagonals.shape.rank is not None and \
            rhs.shape.rank == diagonals.shape.rank - 1
        if vector:
            rhs = expand_dims(rhs, -1)
        elif transpose_rhs:
            rhs = matrix_transpose(rhs)
        x = apply1(TRIDIAGONAL_SOLVE, (diagonals, rhs), partial_pivoting=bool(partial_pivoting))
        return squeeze(x, [-1]) if vector else x


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """A @ rhs for each tridiagonal A given by its diagonals (formats as
    tridiagonal_solve), rhs (..., M, N):

        gc.linalg.tridiagonal_matmul([[1., 1., 0.], [4., 4., 4.], [0., 1., 1.]],
                                     [[1.], [1.], [1.]])      # [[5], [6], [5]]
    """
    with name_scope(name, "tridiagonal_matmul"):
        diagonals = _compact(diagonals, diagonals_format, "tridiagonal_matmul")
        rhs = convert_to_tensor(rhs, dtype=diagonals.dtype)
        if rhs.shape.rank is not None and rhs.shape.rank < 2:
            raise ValueError(f"tridiagonal_matmul: rhs must have rank >= 2 (..., M, N), not "
                             f"shape {rhs.shape}")
        return _compact_matmul(diagonals, rhs)


def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None,
                     name=None):
    """The eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal alpha
    (n,) and off-diagonal beta (n - 1,), and with eigvals_only=False also the
    eigenvectors as columns (each one's largest-magnitude entry positive, graphc's
    convention for self_adjoint_eig). select='i' keeps the eigenvalues of indices
    select_range = (lo, hi), inclusive; select='v' those in (lo, hi]. tol is ignored
    (the values are exact to rounding):

        gc.linalg.eigh_tridiagonal([2., 2.], [1.])   # [1., 3.]
    """
    from .creation import range as range_
    from .decomp import self_adjoint_eig, self_adjoint_eigvals
    from .elementwise import cast, equal, greater, less_equal, logical_and
    from .linalg import matmul
    from .mask import boolean_mask
    from .matrix import matrix_diag
    if select not in ("a", "i", "v"):
        raise ValueError(f"eigh_tridiagonal: select must be 'a', 'i' or 'v', not {select!r}")
    if select != "a" and (select_range is None or len(select_range) != 2):
        raise ValueError("eigh_tridiagonal: select='i' or 'v' needs select_range = (lo, hi)")
    with name_scope(name, "eigh_tridiagonal"):
        alpha = convert_to_tensor(alpha)
        beta = convert_to_tensor(beta, dtype=alpha.dtype)
        if alpha.shape.rank not in (None, 1) or beta.shape.rank not in (None, 1):
            raise ValueError(f"eigh_tridiagonal: alpha and beta must be vectors, not shapes "
                             f"{alpha.shape} and {beta.shape}")
        n = range_(_length(alpha))
        shift = cast(equal(expand_dims(n, -1) + 1, n), alpha.dtype)   # S[i, i+1] = 1
        upper = matmul(matrix_diag(concat([beta, zeros_like(alpha[:1])], 0)), shift)
        a = matrix_diag(alpha) + upper + matrix_transpose(upper)
        if eigvals_only:
            e, v = self_adjoint_eigvals(a), None
        else:
            e, v = self_adjoint_eig(a)
        if select == "i":
            lo, hi = int(select_range[0]), int(select_range[1])
            e = e[lo:hi + 1]
            v = None if v is None else v[:, lo:hi + 1]
        elif select == "v":
            lo = convert_to_tensor(select_range[0], dtype=alpha.dtype)
            hi = convert_to_tensor(select_range[1], dtype=alpha.dtype)
            keep = logical_and(greater(e, lo), less_equal(e, hi))
            e = boolean_mask(e, keep)
            v = None if v is None else boolean_mask(v, keep, axis=1)
        return e if eigvals_only else (e, v)


def _length(x):
    """The length of vector x, a scalar int32 tensor."""
    from .array import shape
    return shape(x)[0]
