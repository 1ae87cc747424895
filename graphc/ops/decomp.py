"""Matrix decompositions over the last two dims (any leading dims are a batch): qr, svd
and self_adjoint_eig(vals). Cholesky, the solves and their composites live in
ops/solve.py; gc.linalg re-exports both under tf.linalg's names.

Conventions, as in TF1:
- self_adjoint_eig reads only the lower triangle, and its derivatives follow it: the
  input's gradient is lower triangular (TF1's gradient).
- Eigenvectors and singular vectors are fixed up to sign by making the largest-magnitude
  entry of each column of v (eig) and u (svd; v's matching column flips with it)
  positive, so results do not depend on the LAPACK build.
- Gradients need distinct eigenvalues / singular values (nonzero where u or v has more
  rows than columns); qr's need m >= n (full_matrices only when m == n), svd's
  full_matrices=True matrices of known size, square or (reverse mode)
  |m - n| = 1 (TF1 raises NotImplementedError beyond).
"""
import numpy as np

from ..shapes import InferError
from .array import expand_dims
from .core import convert_to_tensor
from .creation import zeros_like
from .elementwise import reciprocal, square
from .linalg import matmul
from .matrix import (_diag_len, _linalg_dtype, _same_op, _square, matrix_diag,
                     matrix_diag_part, matrix_set_diag, matrix_transpose)
from .registry import OpDef, apply, apply1, register
from .solve import matrix_band_part, matrix_triangular_solve

__all__ = ["qr", "svd", "self_adjoint_eig", "self_adjoint_eigvals"]


# ---- helpers ----------------------------------------------------------------------------------
def _from_lower(x):
    """The symmetric matrix whose lower triangle is x's: tril(x) + tril(x, -1)^T."""
    low = matrix_band_part(x, -1, 0)
    return low + matrix_transpose(low) - matrix_diag(matrix_diag_part(x))


def _to_lower(g):
    """The adjoint of _from_lower: tril(g + g^T) with the diagonal of g."""
    return matrix_set_diag(matrix_band_part(g + matrix_transpose(g), -1, 0),
                           matrix_diag_part(g))


def _safe_reciprocal(x):
    """x / (x^2 + 1e-20): 1/x, but 0 at x = 0 (TF's _SafeReciprocal, a Lorentz broadening
    that gives repeated eigen- or singular values and zero singular values finite, zero
    gradients where the true ones are not defined)."""
    return x * reciprocal(x * x + 1e-20)


def _gaps(e):
    """F[i, j] = 1 / (e[j] - e[i]) off the diagonal (0 where e[j] = e[i]), 0 on it."""
    d = expand_dims(e, -2) - expand_dims(e, -1)
    return matrix_set_diag(_safe_reciprocal(d), zeros_like(e))


def _signs(v):
    """+-1 per column of v: the sign of its largest-magnitude entry."""
    if v.shape[-2] == 0:
        return np.ones(v.shape[:-2] + v.shape[-1:], v.dtype)
    k = np.argmax(np.abs(v), axis=-2)[..., None, :]
    s = np.sign(np.take_along_axis(v, k, axis=-2))[..., 0, :]
    return np.where(s == 0, 1, s).astype(v.dtype)


def _matrices(ctx, x):
    """The dims of a batch of float matrices {0} (rank >= 2), or None if rank unknown."""
    ctx.require(0, "float")
    dims = x.shape._dims
    if dims is not None and len(dims) < 2:
        raise InferError(f"{{0}} must be a matrix or a batch of them (rank >= 2), not of "
                         f"rank {len(dims)}")
    return dims


def _dims(node):
    """(m, n) of node's input, each None where unknown statically."""
    dims = node.inputs[0].shape._dims
    return (None, None) if dims is None else tuple(
        d if isinstance(d, int) else None for d in dims[-2:])


# ---- qr ---------------------------------------------------------------------------------------
def _infer_qr(ctx, x, *, full_matrices):
    dims = _matrices(ctx, x)
    if dims is None:
        return [(None, x.dtype), (None, x.dtype)]
    batch, m, n = tuple(dims[:-2]), dims[-2], dims[-1]
    k = m if full_matrices else _diag_len(ctx, m, n)
    return [(batch + (m, k), x.dtype), (batch + (k, n), x.dtype)]


def _qr_kernel(x, *, full_matrices):
    q, r = np.linalg.qr(x.astype(_linalg_dtype(x)), "complete" if full_matrices else "reduced")
    return q.astype(x.dtype), r.astype(x.dtype)


def _qr_check(node):
    m, n = _dims(node)
    if m is not None and n is not None and (m < n or node.attrs["full_matrices"] and m != n):
        raise NotImplementedError(
            f"qr: derivatives need m >= n (and m == n with full_matrices), got {m} x {n}")


def _times_r_inv(x, r):
    """x R^-1 for upper-triangular R."""
    return matrix_transpose(matrix_triangular_solve(r, matrix_transpose(x), lower=False,
                                                    adjoint=True))


def _times_r_inv_t(x, r):
    """x R^-T for upper-triangular R."""
    return matrix_transpose(matrix_triangular_solve(r, matrix_transpose(x), lower=False))


def _qr_vjp(node, gs):
    """m >= n: Q (gR + tril(Q^T gQ - gQ^T Q + R gR^T - gR R^T) R^-T) + (gQ - Q Q^T gQ) R^-T."""
    _qr_check(node)
    q, r = node.outputs
    gq = zeros_like(q) if gs[0] is None else gs[0]
    gr = zeros_like(r) if gs[1] is None else gs[1]
    qgq = matmul(q, gq, transpose_a=True)
    rgr = matmul(r, gr, transpose_b=True)
    low = matrix_band_part(qgq - matrix_transpose(qgq) + rgr - matrix_transpose(rgr), -1, 0)
    return [matmul(q, gr + _times_r_inv_t(low, r)) + _times_r_inv_t(gq - matmul(q, qgq), r)]


def _qr_jvp(node, ts):
    """C = Q^T dA R^-1, W = tril(C, -1) - tril(C, -1)^T: dR = (C - W) R,
    dQ = Q W + dA R^-1 - Q C (m >= n)."""
    if ts[0] is None:
        return [None, None]
    _qr_check(node)
    q, r = node.outputs
    da_r = _times_r_inv(ts[0], r)
    c = matmul(q, da_r, transpose_a=True)
    strict = matrix_band_part(c, -1, 0) - matrix_band_part(c, 0, 0)
    w = strict - matrix_transpose(strict)
    return [matmul(q, w - c) + da_r, matmul(c - w, r)]


QR = register(OpDef(
    "Qr", _infer_qr, _qr_kernel, vjp=_qr_vjp, jvp=_qr_jvp, batch=_same_op, api="qr",
    signature="qr(input, full_matrices=False, name=None)",
    shape_rule="(..., m, n) -> q (..., m, k), r (..., k, n); k = min(m, n) (m if "
               "full_matrices)", dtypes="float",
    doc="A = Q R, Q with orthonormal columns, R upper triangular (Householder, LAPACK's "
        "signs). Derivatives need m >= n."))


def qr(input, full_matrices=False, name=None):  # noqa: A002 (TF1 names)
    """(q, r) with input = q @ r for each matrix: q's columns orthonormal, r upper
    triangular. For a (5, 3) input q is (5, 3) and r (3, 3); full_matrices=True makes
    q (5, 5) and r (5, 3)."""
    node = apply(QR, (convert_to_tensor(input),), name=name,
                 full_matrices=bool(full_matrices))
    return node.outputs[0], node.outputs[1]


# ---- svd --------------------------------------------------------------------------------------
def _infer_svd(ctx, x, *, full_matrices, compute_uv):
    dims = _matrices(ctx, x)
    if dims is None:
        return [(None, x.dtype)] * 3 if compute_uv else (None, x.dtype)
    batch, m, n = tuple(dims[:-2]), dims[-2], dims[-1]
    k = _diag_len(ctx, m, n)
    if not compute_uv:
        return batch + (k,), x.dtype
    ku, kv = (m, n) if full_matrices else (k, k)
    return [(batch + (k,), x.dtype), (batch + (m, ku), x.dtype), (batch + (n, kv), x.dtype)]


def _svd_kernel(x, *, full_matrices, compute_uv):
    """numpy's SVD; a matrix with a NaN or inf gets all-NaN outputs (TF) instead of
    numpy's "SVD did not converge"."""
    a = x.astype(_linalg_dtype(x))
    bad = ~np.isfinite(a).all(axis=(-2, -1))
    if bad.any():
        a = np.where(bad[..., None, None], 0, a)
    if not compute_uv:
        outs = [np.linalg.svd(a, compute_uv=False)]
    else:
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        v = np.swapaxes(vh, -1, -2)
        su, sv = _signs(u), _signs(v)
        k = s.shape[-1]
        sv[..., :k] = su[..., :k]                 # u's column i and v's flip together
        outs = [s, u * su[..., None, :], v * sv[..., None, :]]
    outs = [np.where(bad.reshape(bad.shape + (1,) * (o.ndim - bad.ndim)), np.nan, o)
            .astype(x.dtype) for o in outs]
    return tuple(outs) if compute_uv else outs[0]


def _svd_parts(node, jvp=False):
    """(s, u, v, whether u may have more rows than columns, whether v may)."""
    m, n = _dims(node)
    if node.attrs["compute_uv"]:
        if node.attrs["full_matrices"] and (m is None or n is None or abs(m - n) > jvp):
            raise NotImplementedError(
                "svd: derivatives with full_matrices=True need matrices of known size, "
                f"square or (reverse mode) |m - n| = 1 (TF1's limits), got {m} x {n}")
        s, u, v = node.outputs
    else:
        s, u, v = svd(node.inputs[0])
    return s, u, v, not (m is not None and n is not None and m <= n), \
        not (m is not None and n is not None and n <= m)


def _svd_vjp(node, gs):
    """U [(F o (U^T gU - gU^T U)) S + diag(gS) + S (F o (V^T gV - gV^T V))] V^T
    + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T), F[i, j] = 1 / (s_j^2 - s_i^2)
    (Townsend 2016); with compute_uv=False, U diag(gS) V^T."""
    s, u, v, tall, wide = _svd_parts(node, jvp=True)
    gs_, gu, gv = gs if node.attrs["compute_uv"] else (gs[0], None, None)
    extra = None
    m, n = _dims(node)
    if node.attrs["compute_uv"] and node.attrs["full_matrices"] and m != n:
        # |m - n| = 1: the left-over column of the square factor (TF1's term): with
        # U = [U1 u2] (m > n), - u2 (gu2^T U1) S^-1 V^T; mirrored for V when m < n
        k = min(m, n)
        inv = expand_dims(_safe_reciprocal(s), -2)
        if m > n:
            u, u2 = u[..., :, :k], u[..., :, k:]
            if gu is not None:
                gu, gu2 = gu[..., :, :k], gu[..., :, k:]
                extra = -matmul(u2, matmul(gu2, u, transpose_a=True) * inv, transpose_b=False)
                extra = matmul(extra, v, transpose_b=True)
        else:
            v, v2 = v[..., :, :k], v[..., :, k:]
            if gv is not None:
                gv, gv2 = gv[..., :, :k], gv[..., :, k:]
                extra = -matmul(u * inv, matmul(matmul(v, gv2, transpose_a=True), v2,
                                                transpose_b=True))
    inner = [] if gs_ is None else [matrix_diag(gs_)]
    if gu is not None or gv is not None:
        f, inv = _gaps(square(s)), expand_dims(_safe_reciprocal(s), -2)
    if gu is not None:
        ugu = matmul(u, gu, transpose_a=True)
        inner.append(f * (ugu - matrix_transpose(ugu)) * expand_dims(s, -2))
    if gv is not None:
        vgv = matmul(v, gv, transpose_a=True)
        inner.append(expand_dims(s, -1) * (f * (vgv - matrix_transpose(vgv))))
    if not inner:
        return [None]
    ga = matmul(u, matmul(sum(inner[1:], inner[0]), v, transpose_b=True))
    if gu is not None and tall:
        ga = ga + matmul((gu - matmul(u, ugu)) * inv, v, transpose_b=True)
    if gv is not None and wide:
        ga = ga + matmul(u * inv, gv - matmul(v, vgv), transpose_b=True)
    return [ga if extra is None else ga + extra]


def _svd_jvp(node, ts):
    """dP = U^T dA V: dS = diag(dP), dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1,
    dV = V (F o (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1."""
    if ts[0] is None:
        return [None] * len(node.outputs)
    s, u, v, tall, wide = _svd_parts(node)
    dav = matmul(ts[0], v)
    dp = matmul(u, dav, transpose_a=True)
    if not node.attrs["compute_uv"]:
        return matrix_diag_part(dp)
    f, inv = _gaps(square(s)), expand_dims(_safe_reciprocal(s), -2)
    row, col, dpt = expand_dims(s, -2), expand_dims(s, -1), matrix_transpose(dp)
    du = matmul(u, f * (dp * row + col * dpt))
    dv = matmul(v, f * (col * dp + dpt * row))
    if tall:
        du = du + (dav - matmul(u, dp)) * inv
    if wide:
        dv = dv + (matmul(ts[0], u, transpose_a=True) - matmul(v, dpt)) * inv
    return [matrix_diag_part(dp), du, dv]


SVD = register(OpDef(
    "Svd", _infer_svd, _svd_kernel, vjp=_svd_vjp, jvp=_svd_jvp, batch=_same_op, api="svd",
    signature="svd(tensor, full_matrices=False, compute_uv=True, name=None)",
    shape_rule="(..., m, n) -> s (..., k), u (..., m, k), v (..., n, k); k = min(m, n) "
               "(u (..., m, m), v (..., n, n) if full_matrices)", dtypes="float",
    doc="A = u diag(s) v^T, s descending; each column of u has its largest-magnitude entry "
        "positive. Derivatives need distinct singular values."))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """(s, u, v) with tensor = u @ diag(s) @ transpose(v) for each matrix (TF1's order;
    v is not transposed), s descending; compute_uv=False returns s alone.
    `s, u, v = gc.svd(a)` for a (5, 3) gives s (3,), u (5, 3), v (3, 3)."""
    node = apply(SVD, (convert_to_tensor(tensor),), name=name,
                 full_matrices=bool(full_matrices), compute_uv=bool(compute_uv))
    return tuple(node.outputs) if compute_uv else node.outputs[0]


# ---- self_adjoint_eig ---------------------------------------------------------------------------
def _infer_eig(ctx, x, *, compute_v):
    sq = _square(ctx, x)
    if sq is None:
        return [(None, x.dtype)] * 2 if compute_v else (None, x.dtype)
    batch, n = sq
    e = (tuple(batch) + (n,), x.dtype)
    return [e, (tuple(batch) + (n, n), x.dtype)] if compute_v else e


def _eig_kernel(x, *, compute_v):
    a = x.astype(_linalg_dtype(x))
    if not compute_v:
        return np.linalg.eigvalsh(a).astype(x.dtype)
    e, v = np.linalg.eigh(a)
    return e.astype(x.dtype), (v * _signs(v)[..., None, :]).astype(x.dtype)


def _eig_vectors(node):
    if node.attrs["compute_v"]:
        return node.outputs
    return self_adjoint_eig(node.inputs[0])


def _eig_vjp(node, gs):
    """G = V (diag(gE) + F o (V^T gV)) V^T, F[i, j] = 1 / (e_j - e_i); the input's
    gradient is tril(G + G^T) with G's diagonal (the kernel reads the lower triangle)."""
    e, v = _eig_vectors(node)
    ge, gv = gs if node.attrs["compute_v"] else (gs[0], None)
    inner = [] if ge is None else [matrix_diag(ge)]
    if gv is not None:
        inner.append(_gaps(e) * matmul(v, gv, transpose_a=True))
    if not inner:
        return [None]
    g = matmul(v, matmul(sum(inner[1:], inner[0]), v, transpose_b=True))
    return [_to_lower(g)]


def _eig_jvp(node, ts):
    """M = V^T S V, S = tril(dA) + tril(dA, -1)^T: dE = diag(M), dV = V (F o M)."""
    if ts[0] is None:
        return [None] * len(node.outputs)
    e, v = _eig_vectors(node)
    m = matmul(v, matmul(_from_lower(ts[0]), v), transpose_a=True)
    if not node.attrs["compute_v"]:
        return matrix_diag_part(m)
    return [matrix_diag_part(m), matmul(v, _gaps(e) * m)]


SELF_ADJOINT_EIG = register(OpDef(
    "SelfAdjointEigV2", _infer_eig, _eig_kernel, vjp=_eig_vjp, jvp=_eig_jvp,
    batch=_same_op, api="self_adjoint_eig",
    signature="self_adjoint_eig(tensor, name=None); self_adjoint_eigvals(tensor, name=None)",
    shape_rule="(..., n, n) -> e (..., n), v (..., n, n)", dtypes="float",
    doc="Eigenvalues (ascending) and eigenvectors (columns; largest-magnitude entry "
        "positive) of symmetric matrices, from the lower triangle. Derivatives need "
        "distinct eigenvalues."))


def self_adjoint_eig(tensor, name=None):
    """(e, v): the eigenvalues of each symmetric matrix in ascending order and its
    eigenvectors as columns, tensor @ v = v * e (only the lower triangle is read).
    `gc.self_adjoint_eig([[2., 1.], [1., 2.]])[0]` is [1, 3]."""
    node = apply(SELF_ADJOINT_EIG, (convert_to_tensor(tensor),), name=name, compute_v=True)
    return node.outputs[0], node.outputs[1]


def self_adjoint_eigvals(tensor, name=None):
    """The eigenvalues of each symmetric matrix, ascending (the lower triangle is read)."""
    return apply1(SELF_ADJOINT_EIG, (convert_to_tensor(tensor),), name=name, compute_v=False)
