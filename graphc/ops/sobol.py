"""tf.math.sobol_sample: points of the Sobol sequence (TF's SobolSample op).

TF uses the Joe-Kuo direction numbers (new-joe-kuo-6.21201, 21201 dimensions); graphc
embeds that table for dimensions 1..40 (dimension 1 is the van der Corput sequence,
m_k = 1). Each row below is the primitive polynomial p (its bits, leading and trailing
1 included: degree s = bit_length - 1, middle coefficients a) and m_1..m_s.

Point n (n = skip + 1, skip + 2, ...: TF leaves out the all-zero point 0) is the XOR of
the 32-bit direction numbers v_k of the bits k set in the Gray code n ^ (n >> 1), times
2^-32 (exact in float64, rounded once to float32).
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

__all__ = ["sobol_sample"]

MAX_DIM = 40
_BITS = 32
_JOE_KUO = (
    '3 1', '7 1 3', '11 1 3 1', '13 1 1 1', '19 1 1 3 3', '25 1 3 5 13', '37 1 1 5 5 17',
    '41 1 1 5 5 5', '47 1 1 7 11 19', '55 1 1 5 1 1', '59 1 1 1 3 11', '61 1 3 5 5 31',
    '67 1 3 3 9 7 49', '91 1 1 1 15 21 21', '97 1 3 1 13 27 49', '103 1 1 1 15 7 5',
    '109 1 3 1 15 13 25', '115 1 1 5 5 19 61', '131 1 3 7 11 23 15 103',
    '137 1 3 7 13 13 15 69', '143 1 1 3 13 7 35 63', '145 1 3 5 9 1 25 53',
    '157 1 3 1 13 9 35 107', '167 1 3 1 5 27 61 31', '171 1 1 5 11 19 41 61',
    '185 1 3 5 3 3 13 69', '191 1 1 7 13 1 19 1', '193 1 3 7 5 13 19 59',
    '203 1 1 3 9 25 29 41', '211 1 3 5 13 23 1 55', '213 1 3 7 3 13 59 17',
    '229 1 3 1 3 5 53 69', '239 1 1 5 5 23 33 13', '241 1 1 7 7 1 61 123',
    '247 1 1 7 9 13 61 49', '253 1 3 3 5 3 55 33', '285 1 3 1 15 31 13 49 245',
    '299 1 3 5 15 31 59 63 97', '301 1 3 1 11 11 11 77 249')


def _directions(dim):
    """uint64 array (dim, 32): v_k = m_k 2^(32-k), then the Sobol recurrence."""
    v = np.zeros((dim, _BITS), np.uint64)
    v[0] = [1 << (_BITS - 1 - k) for k in range(_BITS)]
    for j in range(1, dim):
        row = [int(t) for t in _JOE_KUO[j - 1].split()]
        p, m = row[0], row[1:]
        s = p.bit_length() - 1
        a = (p >> 1) & ((1 << (s - 1)) - 1)
        vj = [m[k] << (_BITS - 1 - k) for k in range(min(s, _BITS))]
        for k in range(s, _BITS):
            x = vj[k - s] ^ (vj[k - s] >> s)
            for i in range(1, s):               # a_i: bit s-1-i of a
                if (a >> (s - 1 - i)) & 1:
                    x ^= vj[k - i]
            vj.append(x)
        v[j] = vj
    return v


def _sobol_kernel(dim, num_results, skip, *, dtype):
    dim, n, skip = int(dim), int(num_results), int(skip)
    if not 1 <= dim <= MAX_DIM:
        raise ValueError(f"sobol_sample: dim must be in 1..{MAX_DIM} in graphc (TF: "
                         f"1..21201), got {dim}")
    if n < 1:
        raise ValueError(f"sobol_sample: num_results must be at least one, got {n}")
    if skip < 0:
        raise ValueError(f"sobol_sample: skip must be non-negative, got {skip}")
    idx = np.arange(skip + 1, skip + 1 + n, dtype=np.uint64)
    gray = idx ^ (idx >> np.uint64(1))
    v = _directions(dim)
    x = np.zeros((n, dim), np.uint64)
    for k in range(_BITS):
        bit = ((gray >> np.uint64(k)) & np.uint64(1)).astype(bool)
        x[bit] ^= v[:, k]
    return (x.astype(np.float64) * 2.0 ** -_BITS).astype(dtype.np)


def _infer_sobol(ctx, dim, num_results, skip, *, dtype):
    for i, t in enumerate((dim, num_results, skip)):
        if t.dtype is not dtypes.int32 or t.shape.rank not in (0, None):
            raise InferError(f"{{{i}}} must be an int32 scalar", "dtype")
    if dtype not in (dtypes.float32, dtypes.float64):
        raise InferError(f"dtype must be float32 or float64, not {dtype.name}", "dtype")
    d, n = ctx.constant_value(dim), ctx.constant_value(num_results)
    if d is not None and not 1 <= int(d) <= MAX_DIM:
        raise InferError(f"dim {int(d)} is outside 1..{MAX_DIM} (graphc embeds the "
                         f"Joe-Kuo table up to {MAX_DIM} dimensions; TF has 21201)")
    if n is not None and int(n) < 1:
        raise InferError(f"num_results must be at least one, got {int(n)}")
    return (None if n is None else int(n), None if d is None else int(d)), dtype


SOBOL_SAMPLE = register(OpDef(
    "SobolSample", _infer_sobol, _sobol_kernel, api="math.sobol_sample",
    differentiable=False,
    signature="sobol_sample(dim, num_results, skip=0, dtype=float32, name=None)",
    shape_rule="(num_results, dim)", dtypes="int32 scalars -> float32/float64",
    doc="Points skip+1 .. skip+num_results of the Sobol sequence (Joe-Kuo directions, "
        f"dim <= {MAX_DIM} in graphc)."))


def sobol_sample(dim, num_results, skip=0, dtype=dtypes.float32, name=None):
    """Points of the Sobol low-discrepancy sequence in [0, 1)^dim, shape [num_results,
    dim]; the zero point is left out, as in TF.

    `gc.math.sobol_sample(2, 3)` gives [[0.5, 0.5], [0.75, 0.25], [0.25, 0.75]].
    """
    args = [convert_to_tensor(v, dtype=dtypes.int32) for v in (dim, num_results, skip)]
    return apply1(SOBOL_SAMPLE, tuple(args), name=name or "SobolSample",
                  dtype=dtypes.as_dtype(dtype))
