"""Samples for fractional_pool.py, volume_patches.py and linalg_logm.py; see samples.py.
References are naive loops over output elements (the pooling sequences come from
fractional_seq.py, checked against TF's in tests/test_tf_parity_nn2.py)."""
import numpy as np

import graphc as gc
from graphc.ops.fractional_pool import (fractional_avg_pool_grad, fractional_avg_pool_with_sequences,
                                        fractional_max_pool_grad,
                                        fractional_max_pool_with_sequences)
from graphc.ops.fractional_seq import PhiloxStream, pooling_sequence
from graphc.ops.registry import apply1
from graphc.ops.volume_patches import EXTRACT_VOLUME_PATCHES_GRAD, extract_volume_patches
from samples import Sample, normal

ROWS, COLS = np.array([0, 2, 4, 5, 7, 9, 11]), np.array([0, 1, 3, 5, 7, 9])   # 11 x 9 input


def _regions(seq, n, overlapping):
    return [(seq[i], min(seq[i + 1] + overlapping, n)) for i in range(len(seq) - 1)]


def pool_ref(x, rows, cols, overlapping, kind):
    """(N, OH, OW, C): max (first in row-major order) or mean of each region."""
    out = np.zeros((x.shape[0], len(rows) - 1, len(cols) - 1, x.shape[3]), x.dtype)
    for i, (a, b) in enumerate(_regions(rows, x.shape[1], overlapping)):
        for j, (c, d) in enumerate(_regions(cols, x.shape[2], overlapping)):
            blk = x[:, a:b, c:d]
            if kind == "max":
                out[:, i, j] = blk.max(axis=(1, 2))
            elif x.dtype.kind == "f":
                out[:, i, j] = blk.mean(axis=(1, 2))
            else:
                out[:, i, j] = np.trunc(blk.sum(axis=(1, 2)) / blk[0, :, :, 0].size)
    return out


def seeded_ref(ratio, pseudo, overlapping, kind, seeds=(3, 5)):
    """The reference of a seeded pool: (output, rows, cols)."""
    def ref(x):
        stream = PhiloxStream(*seeds)
        rows = pooling_sequence(x.shape[1], int(x.shape[1] // ratio[1]), stream, pseudo)
        cols = pooling_sequence(x.shape[2], int(x.shape[2] // ratio[2]), stream, pseudo)
        return pool_ref(x, rows, cols, overlapping, kind), rows, cols
    return ref


def max_grad_ref(x, g, overlapping):
    dx = np.zeros(x.shape)
    for i, (a, b) in enumerate(_regions(ROWS, x.shape[1], overlapping)):
        for j, (c, d) in enumerate(_regions(COLS, x.shape[2], overlapping)):
            for n in range(x.shape[0]):
                for ch in range(x.shape[3]):
                    blk = x[n, a:b, c:d, ch]
                    r, s = np.unravel_index(np.argmax(blk), blk.shape)
                    dx[n, a + r, c + s, ch] += g[n, i, j, ch]
    return dx


def avg_grad_ref(g, shape, overlapping):
    dx = np.zeros(shape)
    for i, (a, b) in enumerate(_regions(ROWS, shape[1], overlapping)):
        for j, (c, d) in enumerate(_regions(COLS, shape[2], overlapping)):
            dx[:, a:b, c:d] += (g[:, i, j] / ((b - a) * (d - c)))[:, None, None]
    return dx


def patches_ref(x, k, s, padding):
    """(N, OP, OR, OC, kp*kr*kc*C) by a loop over output positions and taps."""
    dims = x.shape[1:4]
    if padding == "VALID":
        out = [-(-(n - kk + 1) // ss) for n, kk, ss in zip(dims, k, s)]
        pad = [0, 0, 0]
    else:
        out = [-(-n // ss) for n, ss in zip(dims, s)]
        pad = [max((o - 1) * ss + kk - n, 0) // 2 for o, ss, kk, n in zip(out, s, k, dims)]
    y = np.zeros((x.shape[0], *out, int(np.prod(k)) * x.shape[4]), x.dtype)
    for o in np.ndindex(*out):
        taps = []
        for t in np.ndindex(*k):
            at = [o[a] * s[a] - pad[a] + t[a] for a in range(3)]
            inside = all(0 <= at[a] < dims[a] for a in range(3))
            taps.append(x[:, at[0], at[1], at[2]] if inside else np.zeros_like(x[:, 0, 0, 0]))
        y[(slice(None),) + o] = np.concatenate(taps, axis=-1)
    return y


def patches_grad_ref(g, shape, k, s, padding):
    """The adjoint of patches_ref, column by column of its Jacobian."""
    x = np.zeros(shape)
    out = np.zeros(shape)
    for idx in np.ndindex(*shape):
        x[idx] = 1
        out[idx] = (patches_ref(x, k, s, padding) * g).sum()
        x[idx] = 0
    return out


def logm_ref(a):
    lam, v = np.linalg.eig(a)
    return (v * np.log(lam)[..., None, :]) @ np.linalg.inv(v)


def _logm_parts(a):
    """[real, imag] of logm: the registry's value check compares real arrays."""
    y = gc.linalg.logm(a)
    return [gc.real(y), gc.imag(y)]


def _parts(ref):
    return lambda a: [ref(a).real, ref(a).imag]


def _complex(r, s):
    return r.standard_normal(s) + 1j * r.standard_normal(s)


def _ties(r, s):
    return r.integers(-2, 3, size=s).astype(np.float64)


R = [1.0, 1.6, 1.3, 1.0]
SAMPLES = [
    Sample("FractionalMaxPool",
           lambda x: list(gc.nn.fractional_max_pool(x, R, deterministic=True, seed=3, seed2=5)),
           lambda r: [normal(r, (2, 11, 9, 3))], seeded_ref(R, False, 0, "max"), grad=False,
           id="values and sequences"),
    Sample("FractionalMaxPool",
           lambda x: gc.nn.fractional_max_pool(x, R, pseudo_random=True, overlapping=True,
                                               deterministic=True, seed=3, seed2=5)[0],
           lambda r: [normal(r, (2, 11, 9, 3))],
           lambda x: seeded_ref(R, True, 1, "max")(x)[0], id="pseudo-random, overlapping"),
    Sample("FractionalMaxPool",
           lambda x: gc.nn.fractional_max_pool(x, [1, 2.5, 1.5, 1], deterministic=True,
                                               seed=1, seed2=2)[0],
           lambda r: [r.integers(-9, 9, (3, 10, 7, 2)).astype(np.int32)],
           lambda x: seeded_ref([1, 2.5, 1.5, 1], False, 0, "max", (1, 2))(x)[0], grad=False,
           id="int32"),
    Sample("FractionalAvgPool",
           lambda x: list(gc.nn.fractional_avg_pool(x, R, overlapping=True, deterministic=True,
                                                    seed=3, seed2=5)),
           lambda r: [normal(r, (2, 11, 9, 3))], seeded_ref(R, False, 1, "avg"), grad=False,
           id="values and sequences, overlapping"),
    Sample("FractionalAvgPool",
           lambda x: gc.nn.fractional_avg_pool(x, R, pseudo_random=True, deterministic=True,
                                               seed=3, seed2=5)[0],
           lambda r: [normal(r, (2, 11, 9, 3))],
           lambda x: seeded_ref(R, True, 0, "avg")(x)[0], id="pseudo-random"),
    Sample("FractionalAvgPool",
           lambda x: gc.nn.fractional_avg_pool(x, [1, 2.5, 1.5, 1], overlapping=True,
                                               deterministic=True, seed=1, seed2=2)[0],
           lambda r: [r.integers(-50, 50, (3, 10, 7, 2)).astype(np.int64)],
           lambda x: seeded_ref([1, 2.5, 1.5, 1], False, 1, "avg", (1, 2))(x)[0],
           grad=False, id="int64, truncated means"),
    Sample("FractionalMaxPoolGrad",
           lambda x, g: fractional_max_pool_grad(
               x, fractional_max_pool_with_sequences(x, ROWS, COLS, True), g, ROWS, COLS, True),
           lambda r: [normal(r, (2, 11, 9, 3)), normal(r, (2, 6, 5, 3))],
           lambda x, g: max_grad_ref(x, g, 1), id="overlapping"),
    Sample("FractionalMaxPoolGrad",
           lambda x, g: fractional_max_pool_grad(x, x[:, :6, :5], g, ROWS, COLS),
           lambda r: [_ties(r, (2, 11, 9, 3)), normal(r, (2, 6, 5, 3))],
           lambda x, g: max_grad_ref(x, g, 0), wrt=(1,), id="ties: the first max"),
    Sample("FractionalMaxPoolGradGrad",
           lambda x: fractional_max_pool_with_sequences(x, ROWS, COLS, overlapping=True),
           lambda r: [normal(r, (2, 11, 9, 3))],
           lambda x: pool_ref(x, ROWS, COLS, 1, "max"), id="max pool with sequences"),
    Sample("FractionalAvgPoolGrad",
           lambda g: fractional_avg_pool_grad([2, 11, 9, 3], g, ROWS, COLS, overlapping=True),
           lambda r: [normal(r, (2, 6, 5, 3))],
           lambda g: avg_grad_ref(g, (2, 11, 9, 3), 1), id="overlapping"),
    Sample("FractionalAvgPoolGradGrad",
           lambda h: fractional_avg_pool_with_sequences(h, ROWS, COLS),
           lambda r: [normal(r, (2, 11, 9, 3))],
           lambda h: pool_ref(h, ROWS, COLS, 0, "avg"), id="avg pool with sequences"),
    Sample("ExtractVolumePatches",
           lambda x: extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 1, 2, 3, 1], "VALID"),
           lambda r: [normal(r, (2, 4, 5, 6, 3))],
           lambda x: patches_ref(x, (2, 3, 2), (1, 2, 3), "VALID"), id="VALID"),
    Sample("ExtractVolumePatches",
           lambda x: extract_volume_patches(x, [1, 2, 3, 2, 1], [1, 2, 2, 3, 1], "SAME"),
           lambda r: [normal(r, (2, 3, 5, 4, 2))],
           lambda x: patches_ref(x, (2, 3, 2), (2, 2, 3), "SAME"), id="SAME"),
    Sample("ExtractVolumePatchesGrad",
           lambda g: apply1(EXTRACT_VOLUME_PATCHES_GRAD, (gc.constant([1, 3, 4, 5, 2]), g),
                            ksizes=(2, 3, 2), strides=(1, 2, 2), padding="SAME"),
           lambda r: [normal(r, (1, 3, 2, 3, 24))],
           lambda g: patches_grad_ref(g, (1, 3, 4, 5, 2), (2, 3, 2), (1, 2, 2), "SAME"),
           id="SAME"),
    Sample("MatrixLogarithm", _logm_parts,
           lambda r: [_complex(r, (2, 3, 4, 4))], _parts(logm_ref), grad=False, rtol=1e-8, atol=1e-10,
           id="complex128 batch"),
    Sample("MatrixLogarithm", _logm_parts,
           lambda r: [_complex(r, (5, 5)).astype(np.complex64)], _parts(logm_ref), grad=False,
           rtol=1e-3, atol=1e-4, id="complex64"),
]
