"""TFRecord framing and CRC-32C, by hand (TensorBoard's event files use them). Each record:

    uint64 length | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)

little-endian. Moved from events.py unchanged. A compressed TFRecord file (TF's
TFRecordOptions "ZLIB" / "GZIP") is one zlib or gzip stream of the whole framed file:
open_records and RecordWriter read and write those.
"""
import struct
import zlib

from .. import errors

__all__ = ["crc32c", "masked_crc32c", "encode_record", "read_records", "DataLossError",
           "open_records", "RecordWriter"]


class DataLossError(errors.DataLossError, ValueError):
    """A record that is truncated or fails its checksum: gc.errors.DataLossError (so TF1
    code's `except tf.errors.DataLossError` and `except OpError` catch it), and a
    ValueError as before."""


# ---- CRC-32C (Castagnoli) -------------------------------------------------------------
def _crc_of_byte(c):
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1      # 0x1EDC6F41, bits reversed
    return c


_CRC_TABLE = tuple(_crc_of_byte(n) for n in range(256))


def crc32c(data):
    """CRC-32C of bytes (iSCSI's checksum; TFRecord's). crc32c(b"123456789") == 0xE3069283."""
    if len(data) >= 1024:                   # long: graphc.io.crc32c's numpy tables
        from .crc32c import crc32c as fast
        return fast(data)
    crc, table = 0xFFFFFFFF, _CRC_TABLE
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    """TFRecord's masked CRC: rotate right by 15 bits, add 0xa282ead8 (mod 2**32)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# ---- records -----------------------------------------------------------------------------
def encode_record(data):
    """One TFRecord: length, its masked CRC, data, its masked CRC."""
    header = struct.pack("<Q", len(data))
    return (header + struct.pack("<I", masked_crc32c(header)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_records(f, name="<file>"):
    """The data of each record of binary file f, checked; DataLossError names the offset."""
    offset = 0
    while True:
        header = f.read(12)
        if not header:
            return
        if len(header) < 12:
            raise DataLossError(f"{name}: truncated record header at offset {offset}")
        length, crc = struct.unpack("<QI", header)
        if masked_crc32c(header[:8]) != crc:
            raise DataLossError(f"{name}: corrupted record length at offset {offset}")
        body = f.read(length + 4)
        if len(body) < length + 4:
            raise DataLossError(f"{name}: truncated record at offset {offset} "
                                f"({len(body)} of {length + 4} bytes)")
        data = body[:length]
        if masked_crc32c(data) != struct.unpack("<I", body[length:])[0]:
            raise DataLossError(f"{name}: corrupted record data at offset {offset}")
        offset += 12 + length + 4
        yield data


# ---- compressed files ------------------------------------------------------------------
class _Inflating:
    """A readable file that inflates a zlib stream as it is read (read(n) only)."""

    def __init__(self, f, name, wbits):
        self._f, self._name, self._buf = f, name, b""
        self._z = zlib.decompressobj(wbits)

    def read(self, n):
        while len(self._buf) < n and not self._z.eof:
            chunk = self._f.read(1 << 16)
            try:
                self._buf += self._z.decompress(chunk) if chunk else self._z.flush()
            except zlib.error as e:
                raise DataLossError(f"{self._name}: ZLIB stream is corrupted ({e})") from None
            if not chunk:
                break
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def close(self):
        self._f.close()


def open_records(path, compression_type=""):
    """A binary file object of path's framed records, decompressing "ZLIB"/"GZIP"."""
    f = open(path, "rb")
    if compression_type in _WBITS:
        return _Inflating(f, path, _WBITS[compression_type])
    return f


_WBITS = {"ZLIB": 15, "GZIP": 31}      # zlib's window bits: 31 asks for a gzip wrapper


class RecordWriter:
    """Writes framed records to path, compressed as a whole ("", "ZLIB", "GZIP")."""

    def __init__(self, path, compression_type="", level=None, mem_level=None,
                 strategy=None):
        self._f = open(path, "wb")
        self._z = None
        if compression_type in _WBITS:      # TF's zlib defaults: memLevel 9
            self._z = zlib.compressobj(-1 if level is None else level, zlib.DEFLATED,
                                       _WBITS[compression_type],
                                       9 if mem_level is None else mem_level,
                                       0 if strategy is None else strategy)

    def write(self, data):
        rec = encode_record(bytes(data))
        self._f.write(self._z.compress(rec) if self._z is not None else rec)

    def flush(self):
        if self._z is not None:
            self._f.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        self._f.flush()

    def close(self):
        if self._f.closed:
            return
        if self._z is not None:
            self._f.write(self._z.flush())
        self._f.close()
