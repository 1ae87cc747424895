"""A test-side PNG writer for every colour type, bit depth and scanline filter (the
decoders are checked against TensorFlow on its files); and a BMP writer."""
import struct
import zlib

import numpy as np


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + \
        struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter(rows, bpp, kinds):
    out, prev = [], [0] * len(rows[0])
    for y, row in enumerate(rows):
        k = kinds[y % len(kinds)]
        line = bytearray([k])
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = [0, a, b, (a + b) >> 1, _paeth(a, b, c)][k]
            line.append((x - p) & 255)
        out.append(bytes(line))
        prev = list(row)
    return b"".join(out)


def png(samples, depth, ctype, palette=None, trns=None, kinds=(0, 1, 2, 3, 4)):
    """PNG bytes of samples (h, w, count) ints at `depth` bits, colour type ctype."""
    h, w, count = samples.shape
    flat = samples.reshape(h, w * count).astype(np.int64)
    rows = []
    for r in flat:
        if depth == 16:
            rows.append([int(v) for v in np.stack([r >> 8, r & 255], 1).reshape(-1)])
        elif depth == 8:
            rows.append([int(v) for v in r])
        else:
            bits = ((r[:, None] >> np.arange(depth - 1, -1, -1)) & 1).reshape(-1)
            rows.append([int(v) for v in np.packbits(bits.astype(np.uint8))])
    bpp = max(1, count * depth // 8)
    body = _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
    if palette is not None:
        body += _chunk(b"PLTE", np.asarray(palette, np.uint8).tobytes())
    if trns is not None:
        body += _chunk(b"tRNS", bytes(trns))
    raw = _filter(rows, bpp, kinds)
    return (b"\x89PNG\r\n\x1a\n" + body + _chunk(b"IDAT", zlib.compress(raw)) +
            _chunk(b"IEND", b""))


def bmp(pixels, top_down=False):
    """Uncompressed BMP bytes of (h, w, 3 or 4) uint8 RGB(A) pixels."""
    h, w, c = pixels.shape
    stride = (w * c + 3) // 4 * 4
    rows = pixels[..., [2, 1, 0, 3][:c]]
    if not top_down:
        rows = rows[::-1]
    data = b"".join(r.tobytes() + b"\0" * (stride - w * c) for r in rows)
    info = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, 8 * c, 0,
                       len(data), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + len(data), 0, 0, 54) + info + data
