"""Samples for the bitwise ops, Ndtri and the linalg ops of graphc/ops/linalg_lu.py,
linalg_funcs.py and linalg_tridiag.py (see samples.py).

Inputs are well conditioned with distinct dims: LU inputs are normal matrices (pivots
then change under no small step), matrix square roots get matrices with eigenvalues in
[1, 3] (symmetric B B^T + n I, or V D V^-1 with V near the identity), tridiagonal
systems are diagonally dominant.
"""

import statistics

import numpy as np

import graphc as gc
from samples import Sample, normal


# ---- bitwise ---------------------------------------------------------------------------------
def _ints(dtype, s, lo=None, hi=None):
    info = np.iinfo(dtype)
    lo = info.min if lo is None else lo
    hi = info.max if hi is None else hi
    return lambda r: r.integers(lo, hi, size=s, endpoint=True).astype(dtype)


def _pair(dtype, sx, sy, ylo=None, yhi=None):
    return lambda r: [_ints(dtype, sx)(r), _ints(dtype, sy, ylo, yhi)(r)]


def _shift_ref(left):
    def ref(x, y):
        bits = x.dtype.itemsize * 8
        amount = np.clip(y.astype(np.int64), 0, bits - 1)
        u = x.astype(np.int64) if x.dtype.kind == "i" else x.astype(np.uint64)
        if left:
            out = (x.astype(np.uint64) << amount.astype(np.uint64)) & np.uint64(2 ** bits - 1)
            return out.astype(f"u{x.dtype.itemsize}").view(x.dtype)
        return (u >> amount.astype(u.dtype)).astype(x.dtype)
    return ref


_BITWISE = [
    ("BitwiseAnd", gc.bitwise.bitwise_and, np.bitwise_and),
    ("BitwiseOr", gc.bitwise.bitwise_or, np.bitwise_or),
    ("BitwiseXor", gc.bitwise.bitwise_xor, np.bitwise_xor),
]

SAMPLES = [
    Sample(op, fn, _pair(dt, (3, 4), sy), ref, grad=False, id=np.dtype(dt).name)
    for op, fn, ref in _BITWISE
    for dt, sy in ((np.int8, (4,)), (np.uint8, (3, 1)), (np.int32, (3, 4)),
                   (np.int64, ()), (np.int16, (1, 4)), (np.uint16, (3, 4)))
] + [
    Sample("Invert", gc.bitwise.invert, lambda r, dt=dt: [_ints(dt, (2, 5))(r)],
           np.invert, grad=False, id=np.dtype(dt).name)
    for dt in (np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64)
] + [
    Sample(op, fn, _pair(dt, (2, 3, 5), (3, 5), -3, np.dtype(dt).itemsize * 8 + 3),
           _shift_ref(left), grad=False, id=np.dtype(dt).name)
    for op, fn, left in (("LeftShift", gc.bitwise.left_shift, True),
                         ("RightShift", gc.bitwise.right_shift, False))
    for dt in (np.int8, np.int16, np.int32, np.int64)
] + [
    Sample(op, fn, _pair(dt, (3, 5), (5,), 0, np.dtype(dt).itemsize * 8 + 3),
           _shift_ref(left), grad=False, id=np.dtype(dt).name)
    for op, fn, left in (("LeftShift", gc.bitwise.left_shift, True),
                         ("RightShift", gc.bitwise.right_shift, False))
    for dt in (np.uint8, np.uint16)
]


# ---- ndtri -----------------------------------------------------------------------------------
def _ndtri_ref(p):
    inv = np.frompyfunc(statistics.NormalDist().inv_cdf, 1, 1)
    return np.asarray(inv(p), np.float64).astype(p.dtype)


SAMPLES += [
    Sample("Ndtri", gc.math.ndtri, lambda r: [r.uniform(0.02, 0.98, size=(3, 4))],
           _ndtri_ref, rtol=1e-9),
    Sample("Ndtri", gc.math.ndtri, lambda r: [10.0 ** -r.uniform(3, 12, size=(5,))],
           _ndtri_ref, rtol=1e-9, grad=False, id="lower tail"),
    Sample("Ndtri", gc.math.ndtri,
           lambda r: [r.uniform(0.1, 0.9, size=(2, 3)).astype(np.float32)], _ndtri_ref,
           rtol=1e-5, grad=False, id="float32"),
]


# ---- lu --------------------------------------------------------------------------------------
def _lu_ref(a):
    """Textbook row-by-row elimination with partial pivoting, one matrix at a time."""
    n = a.shape[-1]
    flat = a.reshape((-1, n, n)).astype(np.float64)
    lus, perms = [], []
    for m in flat:
        m, p = m.copy(), list(range(n))
        for k in range(n):
            i = k + int(np.argmax(np.abs(m[k:, k])))
            m[[k, i]], p[k], p[i] = m[[i, k]], p[i], p[k]
            for j in range(k + 1, n):
                m[j, k] /= m[k, k]
                m[j, k + 1:] -= m[j, k] * m[k, k + 1:]
        lus.append(m)
        perms.append(p)
    return (np.array(lus).reshape(a.shape).astype(a.dtype),
            np.array(perms, np.int32).reshape(a.shape[:-1]))


def _lu_pieces(lu, p):
    """A = P^T L U in numpy, for the composition samples."""
    n = lu.shape[-1]
    low = np.tril(lu, -1) + np.eye(n)
    up = np.triu(lu)
    a = np.empty_like(lu)
    np.put_along_axis(a, p[..., None].astype(np.int64), low @ up, axis=-2)
    return a


SAMPLES += [
    Sample("Lu", lambda x: list(gc.linalg.lu(x)), lambda r: [normal(r, (4, 4))], _lu_ref),
    Sample("Lu", lambda x: list(gc.linalg.lu(x, output_idx_type=gc.int64)),
           lambda r: [normal(r, (2, 3, 5, 5))],
           lambda a: (_lu_ref(a)[0], _lu_ref(a)[1].astype(np.int64)), id="batched int64"),
    Sample("Lu", lambda x: list(gc.linalg.lu(x)),
           lambda r: [normal(r, (3, 3), np.float32)], _lu_ref, rtol=1e-4, atol=1e-5,
           grad=False, id="float32"),
    Sample("Lu", lambda x: gc.linalg.lu_reconstruct(*gc.linalg.lu(x)),
           lambda r: [normal(r, (2, 4, 4))], lambda a: a, id="reconstruct"),
    Sample("Lu", lambda x, b: gc.linalg.lu_solve(*gc.linalg.lu(x), b),
           lambda r: [normal(r, (3, 3)) + 3 * np.eye(3), normal(r, (3, 5))],
           np.linalg.solve, id="lu_solve"),
    Sample("Lu", lambda x: gc.linalg.lu_matrix_inverse(*gc.linalg.lu(x)),
           lambda r: [normal(r, (2, 4, 4)) + 4 * np.eye(4)], np.linalg.inv, id="inverse"),
]


# ---- expm, matrix square root ---------------------------------------------------------------
def _expm_ref(a):
    """Taylor series of a / 2^s (40 terms), squared s times."""
    s = max(0, int(np.ceil(np.log2(max(np.abs(a).sum(-2).max(), 1e-300)))) + 1)
    x = a / 2.0 ** s
    term = np.broadcast_to(np.eye(a.shape[-1]), a.shape).copy()
    out = term.copy()
    for k in range(1, 40):
        term = term @ x / k
        out = out + term
    for _ in range(s):
        out = out @ out
    return out


def _positive_spectrum(batch, n, symmetric):
    def make(r):
        e = r.uniform(1.0, 3.0, size=batch + (n,))
        if symmetric:
            q, _ = np.linalg.qr(normal(r, batch + (n, n)))
            return [(q * e[..., None, :]) @ np.swapaxes(q, -1, -2)]
        v = np.eye(n) + 0.3 * normal(r, batch + (n, n))
        return [(v * e[..., None, :]) @ np.linalg.inv(v)]
    return make


def _sqrtm_ref(a):
    w, v = np.linalg.eig(a)
    return ((v * np.sqrt(w.astype(complex))[..., None, :]) @ np.linalg.inv(v)).real


SAMPLES += [
    Sample("MatrixExponential", gc.linalg.expm, lambda r: [normal(r, (3, 3))], _expm_ref,
           rtol=1e-10, atol=1e-12),
    Sample("MatrixExponential", gc.linalg.expm, lambda r: [3 * normal(r, (2, 4, 4))],
           _expm_ref, rtol=1e-9, atol=1e-9, id="batched, squarings"),
    Sample("MatrixExponential", gc.linalg.expm,
           lambda r: [normal(r, (3, 3), np.float32)], _expm_ref, rtol=1e-5, atol=1e-6,
           grad=False, id="float32"),
    Sample("MatrixSquareRoot", gc.matrix_square_root,
           _positive_spectrum((), 3, True), _sqrtm_ref, rtol=1e-9, atol=1e-12),
    Sample("MatrixSquareRoot", gc.linalg.sqrtm, _positive_spectrum((2,), 4, False),
           _sqrtm_ref, rtol=1e-8, atol=1e-10, id="batched nonsymmetric"),
]


# ---- tridiagonal solve -----------------------------------------------------------------------
def _dense(d):
    m = d.shape[-1]
    i = np.arange(m)
    a = np.zeros(d.shape[:-2] + (m, m), d.dtype)
    a[..., i, i] = d[..., 1, :]
    a[..., i[:-1], i[:-1] + 1] = d[..., 0, :-1]
    a[..., i[1:], i[1:] - 1] = d[..., 2, 1:]
    return a


def _tridiag_pair(batch, m, k, dominant=True):
    def make(r):
        d = normal(r, batch + (3, m))
        if dominant:
            d[..., 1, :] += 4.0 * np.sign(d[..., 1, :] + 1e-12)
        return [d, normal(r, batch + (m, k))]
    return make


SAMPLES += [
    Sample("TridiagonalSolve", gc.linalg.tridiagonal_solve, _tridiag_pair((), 5, 2),
           lambda d, b: np.linalg.solve(_dense(d), b)),
    Sample("TridiagonalSolve", lambda d, b: gc.linalg.tridiagonal_solve(d, b,
                                                                        partial_pivoting=False),
           _tridiag_pair((2,), 4, 3), lambda d, b: np.linalg.solve(_dense(d), b),
           id="thomas batched"),
    Sample("TridiagonalSolve", gc.linalg.tridiagonal_solve,
           _tridiag_pair((3,), 6, 1, dominant=False),
           lambda d, b: np.linalg.solve(_dense(d), b), rtol=1e-8, atol=1e-10,
           grad=False, id="pivoting, not dominant"),
]



# ---- diagonals k = (lo, hi) (MatrixDiagV3, MatrixDiagPartV3, MatrixSetDiagV3) ----------------
# The references walk TF's formulas entry by entry (tf.linalg.diag_part's docstring): band
# row m holds diagonal d = hi - m; entry t of it is input[t + max(-d, 0) - offset,
# t + max(d, 0) - offset], offset = max_diag_len - len(d) for right-aligned diagonals.
def _offset(d, rows, cols, n, align):
    length = min(cols - max(d, 0), rows + min(d, 0))
    left = d >= 0 and align.startswith("LEFT") or d <= 0 and align.endswith("LEFT")
    return 0 if left else n - length


def _k_pair(k):
    return (k, k) if np.ndim(k) == 0 else (k[0], k[-1])


def diag_part_ref(x, k=0, padding_value=0, align="RIGHT_LEFT"):
    lo, hi = _k_pair(k)
    rows, cols = x.shape[-2:]
    n = min(rows + min(hi, 0), cols - max(lo, 0))
    out = np.full(x.shape[:-2] + (hi - lo + 1, n), padding_value, x.dtype)
    for m in range(hi - lo + 1):
        d = hi - m
        off = _offset(d, rows, cols, n, align)
        for t in range(n):
            i, j = t + max(-d, 0) - off, t + max(d, 0) - off
            if 0 <= i < rows and 0 <= j < cols:
                out[..., m, t] = x[..., i, j]
    return out if lo < hi else out[..., 0, :]


def diag_ref(diagonal, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    lo, hi = _k_pair(k)
    band = diagonal if lo < hi else diagonal[..., None, :]
    n = band.shape[-1]
    min_rows, min_cols = n - min(hi, 0), n + max(lo, 0)
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    num_rows = min_rows if num_rows == -1 else num_rows
    num_cols = min_cols if num_cols == -1 else num_cols
    out = np.full(band.shape[:-2] + (num_rows, num_cols), padding_value, band.dtype)
    for i in range(num_rows):
        for j in range(num_cols):
            d = j - i
            if lo <= d <= hi:
                t = j - max(d, 0) + _offset(d, num_rows, num_cols, n, align)
                out[..., i, j] = band[..., hi - d, t]
    return out


def set_diag_ref(x, diagonal, k=0, align="RIGHT_LEFT"):
    lo, hi = _k_pair(k)
    band = diagonal if lo < hi else diagonal[..., None, :]
    rows, cols = x.shape[-2:]
    n = band.shape[-1]
    out = x.copy()
    for i in range(rows):
        for j in range(cols):
            d = j - i
            if lo <= d <= hi:
                out[..., i, j] = band[..., hi - d, j - max(d, 0) + _offset(d, rows, cols, n,
                                                                            align)]
    return out


def _band_len(rows, cols, k):
    lo, hi = _k_pair(k)
    return min(rows + min(hi, 0), cols - max(lo, 0))


def _set_diag_inputs(batch, rows, cols, k):
    lo, hi = _k_pair(k)
    band = () if lo == hi else (hi - lo + 1,)
    return lambda r: [normal(r, batch + (rows, cols)),
                      normal(r, batch + band + (_band_len(rows, cols, k),))]


# (k, num_rows, num_cols, padding_value, align, diagonal shape)
_DIAG_CASES = [
    ((-1, 2), -1, -1, 0, "RIGHT_LEFT", (2, 4, 3)),
    (1, 5, -1, 0.5, "LEFT_RIGHT", (3,)),
    ((-2, -1), -1, 6, -1.0, "LEFT_LEFT", (2, 2, 3)),
    ((0, 2), 6, -1, 2.0, "RIGHT_RIGHT", (3, 4)),
    (-2, -1, -1, 0, "RIGHT_LEFT", (2, 3, 2)),
]
# (k, padding_value, align, input shape)
_PART_CASES = [
    ((-1, 2), 0, "RIGHT_LEFT", (2, 3, 4)),
    ((1, 3), 9.0, "LEFT_RIGHT", (3, 5)),
    (-2, 0, "RIGHT_LEFT", (4, 3)),
    ((-3, 1), -1.0, "RIGHT_RIGHT", (2, 5, 3)),
    ((-1, 0), 0.5, "LEFT_LEFT", (4, 2)),
]
# (k, align, input shape)
_SET_CASES = [
    ((-1, 2), "RIGHT_LEFT", (2, 3, 4)),
    (1, "RIGHT_LEFT", (3, 5)),
    ((-2, 0), "LEFT_LEFT", (2, 5, 3)),
    ((0, 1), "LEFT_RIGHT", (4, 2)),
    ((-1, 1), "RIGHT_RIGHT", (3, 4)),
]


def _ints32(s):
    return lambda r: [r.integers(-9, 10, size=s).astype(np.int32)]


SAMPLES += [
    Sample("MatrixDiagV3",
           lambda d, k=k, nr=nr, nc=nc, p=p, a=a: gc.linalg.diag(
               d, k=k, num_rows=nr, num_cols=nc, padding_value=p, align=a),
           lambda r, s=s: [normal(r, s)],
           lambda d, k=k, nr=nr, nc=nc, p=p, a=a: diag_ref(d, k, nr, nc, p, a),
           id=f"k={k} rows={nr} cols={nc} pad={p} {a}")
    for k, nr, nc, p, a, s in _DIAG_CASES
] + [
    Sample("MatrixDiagV3", lambda d: gc.matrix_diag(d, k=(-1, 1), padding_value=7,
                                                    align="LEFT_RIGHT"),
           _ints32((2, 3, 3)), lambda d: diag_ref(d, (-1, 1), padding_value=7,
                                                  align="LEFT_RIGHT"),
           grad=False, id="int32"),
    Sample("MatrixDiagPartV3", lambda x: gc.matrix_diag_part(x, k=(0, 2), padding_value=-5),
           _ints32((2, 3, 4)), lambda x: diag_part_ref(x, (0, 2), -5), grad=False,
           id="int32"),
] + [
    Sample("MatrixDiagPartV3",
           lambda x, k=k, p=p, a=a: gc.linalg.diag_part(x, k=k, padding_value=p, align=a),
           lambda r, s=s: [normal(r, s)],
           lambda x, k=k, p=p, a=a: diag_part_ref(x, k, p, a),
           id=f"k={k} pad={p} {a} {s}")
    for k, p, a, s in _PART_CASES
] + [
    Sample("MatrixSetDiagV3", lambda x, d, k=k, a=a: gc.linalg.set_diag(x, d, k=k, align=a),
           _set_diag_inputs(s[:-2], s[-2], s[-1], k),
           lambda x, d, k=k, a=a: set_diag_ref(x, d, k, a), id=f"k={k} {a} {s}")
    for k, a, s in _SET_CASES
]
