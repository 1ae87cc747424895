"""CRC-32C (Castagnoli; TFRecord's and TF checkpoints' checksum), fast with numpy only.

    crc32c(b"123456789") == 0xE3069283
    crc32c(b, crc32c(a)) == crc32c(a + b)               # extend a running value
    crc32c_combine(crc32c(a), crc32c(b), len(b)) == crc32c(a + b)

How long inputs go fast. The CRC register update is linear over GF(2), so the register
after a run of bytes is the XOR of each byte's own contribution, a function of its value
and its distance to the end. The input is cut into chunks of 16 bytes (zeros in front
make the length a multiple of 16; leading zeros change nothing from register 0), read as
8 little-endian uint16 symbols, and each chunk's register is the XOR of 8 lookups in
per-position tables of 65536 entries: one numpy gather for a million bytes at a time.
The chunks' registers are then folded pairwise, level by level: left's register carried
over `m` zero bytes (a linear map, applied with 4 byte tables) XOR right's. The start
value enters by XOR into the first 4 bytes (the register meets the bytes there).
Short inputs take a byte loop in Python, which is faster below ~1 KB.
"""
import numpy as np

__all__ = ["crc32c", "crc32c_combine", "mask", "unmask"]

_POLY = 0x82F63B78              # CRC-32C, reflected
_CHUNK = 16                     # bytes per chunk of the table method
_SHORT = 1024                   # below this, the byte loop
_BATCH = 1 << 20                # bytes per gather
_MASK_DELTA = 0xA282EAD8


def _byte_table():
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> np.uint32(1)) ^ np.uint32(_POLY), t >> np.uint32(1))
    return t.astype(np.uint32)


_T = _byte_table()
_T_LIST = tuple(int(x) for x in _T)


def _zero_byte(reg):
    """Registers `reg` (uint32 array) after one more zero byte."""
    return _T[reg & np.uint32(0xFF)] ^ (reg >> np.uint32(8))


def _apply(tables, reg):
    """A linear map of registers given as 4 byte tables (one per byte of the register)."""
    return (tables[0][reg & np.uint32(0xFF)] ^ tables[1][(reg >> np.uint32(8)) & np.uint32(0xFF)]
            ^ tables[2][(reg >> np.uint32(16)) & np.uint32(0xFF)] ^ tables[3][reg >> np.uint32(24)])


def _zero_run_tables(levels=64):
    """[k] -> the byte tables of "carry the register over 2**k zero bytes"."""
    base = (np.arange(256, dtype=np.uint32)[None, :]
            << (np.arange(4, dtype=np.uint32)[:, None] * np.uint32(8)))
    out = [_zero_byte(base)]
    for _ in range(levels - 1):
        out.append(_apply(out[-1], out[-1]))
    return out


_ZEROS = _zero_run_tables()


def _position_tables():
    """[j, symbol] -> the register contributed by uint16 symbol j of a 16-byte chunk."""
    per_byte = np.zeros((_CHUNK, 256), np.uint32)
    per_byte[-1] = _T
    for i in range(_CHUNK - 2, -1, -1):
        per_byte[i] = _zero_byte(per_byte[i + 1])
    # symbol = lo | hi << 8, lo the earlier byte
    pairs = per_byte[0::2][:, None, :] ^ per_byte[1::2][:, :, None]
    return pairs.reshape(-1)


_PAIRS = _position_tables()
_OFFSETS = np.arange(_CHUNK // 2, dtype=np.int32) * 65536


def _carry(reg, n):
    """Register(s) `reg` carried over n zero bytes."""
    reg = np.asarray(reg, np.uint32)
    k = 0
    while n:
        if n & 1:
            reg = _apply(_ZEROS[k], reg)
        n >>= 1
        k += 1
    return reg


def _register_of(buf):
    """The register after `buf` (uint8 array, length a multiple of 16) from register 0."""
    regs = []
    for start in range(0, len(buf), _BATCH):
        sym = buf[start:start + _BATCH].view("<u2").reshape(-1, _CHUNK // 2)
        regs.append(np.bitwise_xor.reduce(_PAIRS[sym + _OFFSETS], axis=1))
    regs = np.concatenate(regs)
    k = 4                                   # segments of 2**k bytes
    while len(regs) > 1:
        if len(regs) % 2:                   # a zero segment in front changes nothing
            regs = np.concatenate([np.zeros(1, np.uint32), regs])
        regs = _apply(_ZEROS[k], regs[0::2]) ^ regs[1::2]
        k += 1
    return int(regs[0])


def crc32c(data, crc=0):
    """CRC-32C of bytes, continuing from the CRC `crc` of what came before.

        crc32c(b"123456789")                    # 0xE3069283
        crc32c(b"6789", crc32c(b"12345"))       # the same
    """
    reg = (crc ^ 0xFFFFFFFF) & 0xFFFFFFFF
    view = memoryview(data).cast("B") if not isinstance(data, (bytes, bytearray)) else data
    n = len(view)
    if n < _SHORT:
        table = _T_LIST
        for b in view:
            reg = table[(reg ^ b) & 0xFF] ^ (reg >> 8)
        return reg ^ 0xFFFFFFFF
    pad = -n % _CHUNK
    buf = np.zeros(pad + n, np.uint8)
    buf[pad:] = np.frombuffer(view, np.uint8)
    # the start register meets the first 4 bytes: XOR it into them, start from 0
    buf[pad:pad + 4] ^= np.frombuffer(reg.to_bytes(4, "little"), np.uint8)
    return _register_of(buf) ^ 0xFFFFFFFF


def crc32c_combine(crc1, crc2, len2):
    """The CRC-32C of a + b from crc1 = crc32c(a), crc2 = crc32c(b) and len(b).

        crc32c_combine(crc32c(b"12345"), crc32c(b"6789"), 4) == crc32c(b"123456789")
    """
    return int(_carry(crc1, len2)) ^ crc2


def mask(crc):
    """The masked CRC that TFRecord and TF's tables store (rotated, plus a constant)."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked):
    """The CRC that mask() turned into `masked`."""
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF
