"""libjpeg's inverse DCTs in vectorized numpy integer arithmetic, bit for bit: the
accurate one (jidctint, 'INTEGER_ACCURATE'), the fast one (jidctfst, 'INTEGER_FAST',
TF's default) and the reduced 4x4, 2x2, 1x1 ones (jidctred) that scaled decodes use.

Every function takes (n, 8, 8) int64 quantized coefficients (natural order, [row, col]
= [vertical, horizontal] frequency) and the (8, 8) quantization table, and returns
(n, s, s) uint8 samples. Both passes' all-zero-AC shortcuts of the C code give the same
numbers as the full formulas, so they are not needed here.
"""
import numpy as np

_AAN = np.array([
    16384, 22725, 21407, 19266, 16384, 12873, 8867, 4520,
    22725, 31521, 29692, 26722, 22725, 17855, 12299, 6270,
    21407, 29692, 27969, 25172, 21407, 16819, 11585, 5906,
    19266, 26722, 25172, 22654, 19266, 15137, 10426, 5315,
    16384, 22725, 21407, 19266, 16384, 12873, 8867, 4520,
    12873, 17855, 16819, 15137, 12873, 10114, 6967, 3552,
    8867, 12299, 11585, 10426, 8867, 6967, 4799, 2446,
    4520, 6270, 5906, 5315, 4520, 3552, 2446, 1247], np.int64).reshape(8, 8)


def range_limit(x):
    """libjpeg's post-IDCT table: x + 128 clamped to [0, 255], x taken mod 1024."""
    s = ((x + 512) & 1023) - 512
    return np.clip(s + 128, 0, 255).astype(np.uint8)


def _descale(x, n):
    return (x + (1 << (n - 1))) >> n


def _islow_1d(v):
    """jidctint's 8-point butterfly on v[0..7]; returns the 8 outputs times 2**13."""
    z1 = (v[2] + v[6]) * 4433
    tmp2 = z1 - v[6] * 15137
    tmp3 = z1 + v[2] * 6270
    tmp0 = (v[0] + v[4]) << 13
    tmp1 = (v[0] - v[4]) << 13
    t10, t13, t11, t12 = tmp0 + tmp3, tmp0 - tmp3, tmp1 + tmp2, tmp1 - tmp2
    a0, a1, a2, a3 = v[7], v[5], v[3], v[1]
    z1, z2, z3, z4 = a0 + a3, a1 + a2, a0 + a2, a1 + a3
    z5 = (z3 + z4) * 9633
    a0, a1, a2, a3 = a0 * 2446, a1 * 16819, a2 * 25172, a3 * 12299
    z1, z2 = z1 * -7373, z2 * -20995
    z3, z4 = z3 * -16069 + z5, z4 * -3196 + z5
    a0, a1, a2, a3 = a0 + z1 + z3, a1 + z2 + z4, a2 + z2 + z3, a3 + z1 + z4
    return [t10 + a3, t11 + a2, t12 + a1, t13 + a0, t13 - a0, t12 - a1, t11 - a2,
            t10 - a3]


def idct_islow(coef, q):
    """'INTEGER_ACCURATE' (jpeg_idct_islow): CONST_BITS 13, PASS1_BITS 2."""
    d = coef * q
    cols = _islow_1d([d[:, k, :] for k in range(8)])          # pass 1: columns
    ws = np.stack([_descale(c, 11) for c in cols], 1)
    rows = _islow_1d([ws[:, :, k] for k in range(8)])         # pass 2: rows
    return range_limit(np.stack([_descale(r, 18) for r in rows], 2))


def _ifast_1d(v):
    """jidctfst's AAN butterfly (products shifted right 8 bits, no rounding)."""
    t10, t11 = v[0] + v[4], v[0] - v[4]
    t13 = v[2] + v[6]
    t12 = (((v[2] - v[6]) * 362) >> 8) - t13
    t0, t3, t1, t2 = t10 + t13, t10 - t13, t11 + t12, t11 - t12
    z13, z10, z11, z12 = v[5] + v[3], v[5] - v[3], v[1] + v[7], v[1] - v[7]
    t7 = z11 + z13
    t11 = ((z11 - z13) * 362) >> 8
    z5 = ((z10 + z12) * 473) >> 8
    t10 = ((z12 * 277) >> 8) - z5
    t12 = ((z10 * -669) >> 8) + z5
    t6 = t12 - t7
    t5 = t11 - t6
    t4 = t10 + t5
    return [t0 + t7, t1 + t6, t2 + t5, t3 - t4, t3 + t4, t2 - t5, t1 - t6, t0 - t7]


def idct_ifast(coef, q):
    """'INTEGER_FAST' (jpeg_idct_ifast): AAN with the scale folded into the table."""
    mult = (q * _AAN + (1 << 11)) >> 12
    d = coef * mult
    ws = np.stack(_ifast_1d([d[:, k, :] for k in range(8)]), 1)
    rows = _ifast_1d([ws[:, :, k] for k in range(8)])
    return range_limit(np.stack([r >> 5 for r in rows], 2))


def _red4_1d(v):
    """jidctred's 4-point output butterfly (inputs 0, 1, 2, 3, 5, 6, 7; 4 unused)."""
    t0 = v[0] << 14
    t2 = v[2] * 15137 - v[6] * 6270
    t10, t12 = t0 + t2, t0 - t2
    z1, z2, z3, z4 = v[7], v[5], v[3], v[1]
    a0 = z1 * -1730 + z2 * 11893 + z3 * -17799 + z4 * 8697
    a2 = z1 * -4176 + z2 * -4926 + z3 * 7373 + z4 * 20995
    return [t10 + a2, t12 + a0, t12 - a0, t10 - a2]


def idct_4x4(coef, q):
    """jpeg_idct_4x4: a 4x4 output from the 8x8 coefficients (ratio 2)."""
    d = coef * q
    ws = np.stack([_descale(c, 12) for c in _red4_1d([d[:, k, :] for k in range(8)])], 1)
    zero = np.zeros_like(ws[:, :, 0])
    cols = [ws[:, :, k] if k != 4 else zero for k in range(8)]
    return range_limit(np.stack([_descale(r, 19) for r in _red4_1d(cols)], 2))


def _red2_1d(v):
    t10 = v[0] << 15
    t0 = v[7] * -5906 + v[5] * 6967 + v[3] * -10426 + v[1] * 29692
    return [t10 + t0, t10 - t0]


def idct_2x2(coef, q):
    """jpeg_idct_2x2: a 2x2 output from the 8x8 coefficients (ratio 4)."""
    d = coef * q
    ws = np.stack([_descale(c, 13) for c in _red2_1d([d[:, k, :] for k in range(8)])], 1)
    return range_limit(np.stack([_descale(r, 20) for r in
                                 _red2_1d([ws[:, :, k] for k in range(8)])], 2))


def idct_1x1(coef, q):
    """jpeg_idct_1x1: the DC term alone (ratio 8)."""
    return range_limit(_descale(coef[:, :1, :1] * q[0, 0], 3))


def idct(coef, q, size, method):
    """The (n, size, size) samples of size 8, 4, 2 or 1; method 'fast' or 'accurate'."""
    if size == 8:
        return idct_ifast(coef, q) if method == "fast" else idct_islow(coef, q)
    return {4: idct_4x4, 2: idct_2x2, 1: idct_1x1}[size](coef, q)
