"""The string hashes TF1 buckets with, in pure Python on bytes (uint64 arithmetic mod
2**64): FarmHash's Fingerprint64 (to_hash_bucket_fast, fingerprint), TF's legacy
Hash64 (to_hash_bucket, a MurmurHash64A variant seeded 0xDECAFCAFFE) and SipHash-2-4
(to_hash_bucket_strong). Each is a function bytes -> int in [0, 2**64)."""
import struct

M64 = (1 << 64) - 1
K0, K1, K2 = 0xc3a5c85c97cb3127, 0xb492b66fbe98f273, 0x9ae16a3b2f90404f


def _f64(s, i):
    return struct.unpack_from("<Q", s, i)[0]


def _f32(s, i):
    return struct.unpack_from("<I", s, i)[0]


def _rot(v, r):
    """Right rotation of a uint64."""
    return ((v >> r) | (v << (64 - r))) & M64 if r else v


def _shift_mix(v):
    return v ^ (v >> 47)


def _len16(u, v, mul):
    a = ((u ^ v) * mul) & M64
    a ^= a >> 47
    b = ((v ^ a) * mul) & M64
    b ^= b >> 47
    return (b * mul) & M64


def _len0to16(s, n):
    if n >= 8:
        mul = K2 + n * 2
        a = (_f64(s, 0) + K2) & M64
        b = _f64(s, n - 8)
        c = (_rot(b, 37) * mul + a) & M64
        d = ((_rot(a, 25) + b) * mul) & M64
        return _len16(c, d, mul)
    if n >= 4:
        mul = K2 + n * 2
        return _len16(n + (_f32(s, 0) << 3), _f32(s, n - 4), mul)
    if n > 0:
        y = s[0] + (s[n >> 1] << 8)
        z = n + (s[n - 1] << 2)
        return (_shift_mix(((y * K2) ^ (z * K0)) & M64) * K2) & M64
    return K2


def _len17to32(s, n):
    mul = K2 + n * 2
    a = (_f64(s, 0) * K1) & M64
    b = _f64(s, 8)
    c = (_f64(s, n - 8) * mul) & M64
    d = (_f64(s, n - 16) * K2) & M64
    return _len16((_rot((a + b) & M64, 43) + _rot(c, 30) + d) & M64,
                  (a + _rot((b + K2) & M64, 18) + c) & M64, mul)


def _len33to64(s, n):
    mul = K2 + n * 2
    a = (_f64(s, 0) * K2) & M64
    b = _f64(s, 8)
    c = (_f64(s, n - 8) * mul) & M64
    d = (_f64(s, n - 16) * K2) & M64
    y = (_rot((a + b) & M64, 43) + _rot(c, 30) + d) & M64
    z = _len16(y, (a + _rot((b + K2) & M64, 18) + c) & M64, mul)
    e = (_f64(s, 16) * mul) & M64
    f = _f64(s, 24)
    g = ((y + _f64(s, n - 32)) * mul) & M64
    h = ((z + _f64(s, n - 24)) * mul) & M64
    return _len16((_rot((e + f) & M64, 43) + _rot(g, 30) + h) & M64,
                  (e + _rot((f + a) & M64, 18) + g) & M64, mul)


def _weak32(s, i, a, b):
    w, x, y, z = _f64(s, i), _f64(s, i + 8), _f64(s, i + 16), _f64(s, i + 24)
    a = (a + w) & M64
    b = _rot((b + a + z) & M64, 21)
    c = a
    a = (a + x + y) & M64
    b = (b + _rot(a, 44)) & M64
    return (a + z) & M64, (b + c) & M64


def fingerprint64(s):
    """FarmHash Fingerprint64 (farmhashna Hash64) of bytes s."""
    n = len(s)
    if n <= 16:
        return _len0to16(s, n)
    if n <= 32:
        return _len17to32(s, n)
    if n <= 64:
        return _len33to64(s, n)
    seed = 81
    y = (seed * K1 + 113) & M64
    z = (_shift_mix((y * K2 + 113) & M64) * K2) & M64
    v0 = v1 = w0 = w1 = 0
    x = (seed * K2 + _f64(s, 0)) & M64
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    i = 0
    while True:
        x = (_rot((x + y + v0 + _f64(s, i + 8)) & M64, 37) * K1) & M64
        y = (_rot((y + v1 + _f64(s, i + 48)) & M64, 42) * K1) & M64
        x ^= w1
        y = (y + v0 + _f64(s, i + 40)) & M64
        z = (_rot((z + w0) & M64, 33) * K1) & M64
        v0, v1 = _weak32(s, i, (v1 * K1) & M64, (x + w0) & M64)
        w0, w1 = _weak32(s, i + 32, (z + w1) & M64, (y + _f64(s, i + 16)) & M64)
        z, x = x, z
        i += 64
        if i == end:
            break
    mul = K1 + ((z & 0xff) << 1)
    i = last64
    w0 = (w0 + ((n - 1) & 63)) & M64
    v0 = (v0 + w0) & M64
    w0 = (w0 + v0) & M64
    x = (_rot((x + y + v0 + _f64(s, i + 8)) & M64, 37) * mul) & M64
    y = (_rot((y + v1 + _f64(s, i + 48)) & M64, 42) * mul) & M64
    x ^= (w1 * 9) & M64
    y = (y + v0 * 9 + _f64(s, i + 40)) & M64
    z = (_rot((z + w0) & M64, 33) * mul) & M64
    v0, v1 = _weak32(s, i, (v1 * mul) & M64, (x + w0) & M64)
    w0, w1 = _weak32(s, i + 32, (z + w1) & M64, (y + _f64(s, i + 16)) & M64)
    z, x = x, z
    return _len16((_len16(v0, w0, mul) + _shift_mix(y) * K0 + z) & M64,
                  (_len16(v1, w1, mul) + x) & M64, mul)


def legacy_hash64(s, seed=0xDECAFCAFFE):
    """TF's tensorflow::Hash64 (MurmurHash64A-style) of bytes s."""
    m, n = 0xc6a4a7935bd1e995, len(s)
    h = (seed ^ (n * m)) & M64
    body = n - n % 8
    for k in struct.unpack_from(f"<{body // 8}Q", s):
        k = (k * m) & M64
        k ^= k >> 47
        k = (k * m) & M64
        h = ((h ^ k) * m) & M64
    if n > body:
        h ^= int.from_bytes(s[body:], "little")
        h = (h * m) & M64
    h ^= h >> 47
    h = (h * m) & M64
    return h ^ (h >> 47)


def _sip_round(v0, v1, v2, v3):
    v0 = (v0 + v1) & M64
    v1 = _rot(v1, 51) ^ v0          # rotate left 13
    v0 = _rot(v0, 32)
    v2 = (v2 + v3) & M64
    v3 = _rot(v3, 48) ^ v2          # rotate left 16
    v0 = (v0 + v3) & M64
    v3 = _rot(v3, 43) ^ v0          # rotate left 21
    v2 = (v2 + v1) & M64
    v1 = _rot(v1, 47) ^ v2          # rotate left 17
    v2 = _rot(v2, 32)
    return v0, v1, v2, v3


def siphash24(s, k0, k1):
    """SipHash-2-4 of bytes s under the 128-bit key (k0, k1)."""
    v0, v1 = k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d
    v2, v3 = k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573
    n = len(s)
    body = n - n % 8
    blocks = list(struct.unpack_from(f"<{body // 8}Q", s))
    blocks.append(((n & 0xff) << 56) | int.from_bytes(s[body:], "little"))
    for m in blocks:
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(*_sip_round(v0, v1, v2, v3))
        v0 ^= m
    v2 ^= 0xff
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3
