"""TFRecord framing and CRC-32C, by hand (TensorBoard's event files use them). Each record:

    uint64 length | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)

little-endian. Moved from events.py unchanged.
"""
import struct

__all__ = ["crc32c", "masked_crc32c", "encode_record", "read_records", "DataLossError"]


class DataLossError(ValueError):
    """A record of an event file that is truncated or fails its checksum (TF's name)."""


# ---- CRC-32C (Castagnoli) -------------------------------------------------------------
def _crc_of_byte(c):
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1      # 0x1EDC6F41, bits reversed
    return c


_CRC_TABLE = tuple(_crc_of_byte(n) for n in range(256))


def crc32c(data):
    """CRC-32C of bytes (iSCSI's checksum; TFRecord's). crc32c(b"123456789") == 0xE3069283."""
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
