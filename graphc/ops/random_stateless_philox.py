"""Philox-4x32-10 (Salmon et al. 2011), the counter-based generator behind TF's stateless
random ops, and TF's conversions of its 32-bit words into numbers, so that graphc's
stateless ops give TF's bits for the same seed.

A seed (s0, s1) becomes a key and a 128-bit counter as TF's CPU kernels make them: one
Philox block of the counter (s0, s1) under a fixed key gives the key (its first two
words) and the counter's high half (the last two). Block i of a stream is Philox of
counter + i. Box-Muller uses the C library's log/sin/cos, as TF's kernels do: float32
through libm's logf/sinf/cosf (found with ctypes; with no libm, float64 numpy results
rounded, which can differ from TF in the last bit).
"""
import functools
import math

import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_SEED_KEY = np.array([0x3EC8F720, 0x02461E29], np.uint64)   # TF's seed-scrambling key


def philox(counters, key):
    """Philox-4x32-10 of counters [n, 4] (uint32 words, lowest first) under key (2
    words): [n, 4] uint32."""
    c0, c1, c2, c3 = (counters[:, i].astype(np.uint64) for i in range(4))
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    for _ in range(10):
        p0, p1 = _M0 * c0, _M1 * c2                 # 32x32 -> 64-bit products
        c0, c1, c2, c3 = ((p1 >> _SHIFT) ^ c1 ^ k0, p1 & _MASK,
                          (p0 >> _SHIFT) ^ c3 ^ k1, p0 & _MASK)
        k0, k1 = (k0 + _W0) & _MASK, (k1 + _W1) & _MASK
    return np.stack([c0, c1, c2, c3], 1).astype(np.uint32)


def key_counter(seed):
    """(counter [4], key [2]) of a seed of 2 ints, as TF's stateless kernels derive them."""
    s = np.asarray(seed).astype(np.int64).view(np.uint64)
    words = np.array([[s[0] & _MASK, s[0] >> _SHIFT, s[1] & _MASK, s[1] >> _SHIFT]])
    mix = philox(words.astype(np.uint32), _SEED_KEY)[0]
    return np.array([0, 0, mix[2], mix[3]], np.uint32), mix[:2].copy()


def blocks(seed, starts, n):
    """Philox blocks [len(starts), n, 4] of the seed's stream, n from each start."""
    counter, key = key_counter(seed)
    if n == 0:                                  # an empty shape draws nothing (TF)
        return np.zeros((np.size(starts), 0, 4), np.uint32)
    i = (np.asarray(starts, np.uint64).reshape(-1, 1) + np.arange(n, dtype=np.uint64)).ravel()
    words, carry = np.zeros((i.size, 4), np.uint32), np.zeros(i.size, np.uint64)
    for j, add in enumerate((i & _MASK, i >> _SHIFT, 0, 0)):   # counter + i, 128-bit
        v = np.uint64(counter[j]) + add + carry
        words[:, j], carry = v & _MASK, v >> _SHIFT
    return philox(words, key).reshape(-1, n, 4)


def stream(seed, n):
    """The first n 32-bit words of the seed's stream (uint32)."""
    return blocks(seed, [0], -(-n // 4))[0].ravel()[:n]


# ---- words -> numbers (TF's random_distributions conversions) ------------------------------
def to_float32(x):
    """[0, 1) from the low 23 bits: float 1.m - 1."""
    return ((x & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - \
        np.float32(1.0)


def to_float16(x):
    """[0, 1) from the low 10 bits."""
    h = ((x & np.uint32(0x3FF)) | np.uint32(0x3C00)).astype(np.uint16)
    return h.view(np.float16) - np.float16(1.0)


def to_uint64(lo, hi):
    return lo.astype(np.uint64) | (hi.astype(np.uint64) << _SHIFT)


def to_float64(hi, lo):
    """[0, 1) from 52 bits: the low 20 of `hi` above the 32 of `lo`."""
    bits = to_uint64(lo, hi) & np.uint64((1 << 52) - 1)
    return (bits | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0


@functools.lru_cache(maxsize=None)
def _libm():
    """libm's (logf, sinf, cosf) as numpy ufuncs, found on first use; None without libm."""
    import ctypes
    import ctypes.util
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fns = []
        for name in ("logf", "sinf", "cosf"):
            f = getattr(lib, name)
            f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
            fns.append(np.frompyfunc(f, 1, 1))
        return fns
    except (OSError, AttributeError):
        return None


_LOG64, _SIN64, _COS64 = (np.frompyfunc(f, 1, 1) for f in (math.log, math.sin, math.cos))


def _f32(fn, x, fallback):
    if x.size == 0:
        return x.astype(np.float32)
    if _libm() is None:
        return fallback(x.astype(np.float64)).astype(np.float32)
    return fn(x).astype(np.float32)


def box_muller32(x0, x1):
    """Two float32 normals from each pair of words: sqrt(-2 log u1) (sin, cos)(2 pi u2)."""
    u1 = np.maximum(to_float32(x0), np.float32(1e-7))
    v1 = (2.0 * np.pi * to_float32(x1).astype(np.float64)).astype(np.float32)
    log, sin, cos = _libm() or (None, None, None)
    r = np.sqrt(np.float32(-2.0) * _f32(log, u1, np.log))
    return np.stack([_f32(sin, v1, np.sin) * r, _f32(cos, v1, np.cos) * r], -1)


def box_muller64(x0, x1, x2, x3):
    """Two float64 normals from each 4 words."""
    u1 = np.maximum(to_float64(x0, x1), 1e-7)
    v1 = 2.0 * np.pi * to_float64(x2, x3)
    if u1.size == 0:
        return np.zeros(u1.shape + (2,))
    r = np.sqrt(-2.0 * _LOG64(u1).astype(np.float64))
    return np.stack([_SIN64(v1).astype(np.float64) * r, _COS64(v1).astype(np.float64) * r],
                    -1)
