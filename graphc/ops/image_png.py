"""PNG and BMP codecs in numpy and the stdlib's zlib (no image library): what the
EncodePng / DecodePng / DecodeBmp ops of ops/image_codec.py run.

decode_png reads every colour type (gray, RGB, palette, gray + alpha, RGBA) at every
bit depth PNG allows (1, 2, 4, 8, 16) with the five scanline filters, interlaced
(Adam7) or not. Conversions follow TF's libpng setup: low bit depths are scaled to 8
bits, a palette becomes RGB (RGBA with a tRNS chunk), a gray or RGB tRNS colour key
makes a requested alpha channel 0 where the key matches, 16-bit samples read
as uint8 keep their high byte, 8-bit samples read as uint16 are scaled by 257, RGB to
gray is (9797 R + 19234 G + 3737 B + 16384) >> 15 (libpng's rgb_to_gray with 0.299,
0.587), and an added alpha channel is opaque.
"""
import struct
import zlib

import numpy as np

_SIG = b"\x89PNG\r\n\x1a\n"
_NATIVE = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}        # colour type -> channels (palette: RGB)


class CodecError(ValueError):
    """Contents that are not a valid image of the expected format."""


def _chunks(data):
    if data[:8] != _SIG:
        raise CodecError("decode_png: the contents are not a PNG image (bad signature)")
    pos = 8
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n:
            raise CodecError("decode_png: truncated PNG chunk")
        yield kind, body
        pos += 12 + n
        if kind == b"IEND":
            return


def _unfilter(raw, height, stride, bpp):
    """The scanlines of raw (each led by its filter byte) with the filters undone."""
    rows = np.frombuffer(raw, np.uint8)
    if rows.size < height * (stride + 1):
        raise CodecError("decode_png: not enough image data")
    rows = rows[:height * (stride + 1)].reshape(height, stride + 1)
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + prev) & 255
        elif kind in (1, 3, 4):               # these need the bytes already decoded
            cur = np.zeros(stride, np.int32)
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                if kind == 1:
                    p = a
                elif kind == 3:
                    p = (a + prev[i]) >> 1
                else:
                    b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + p) & 255
        else:
            raise CodecError(f"decode_png: unknown filter type {kind}")
        out[y] = cur
        prev = cur
    return out


def _samples(rows, width, depth, count):
    """(h, width * count) sample values (uint16) of the unfiltered rows."""
    if depth == 16:
        v = rows.reshape(rows.shape[0], -1, 2).astype(np.uint16)
        return (v[..., 0] << 8 | v[..., 1])[:, :width * count]
    if depth == 8:
        return rows[:, :width * count].astype(np.uint16)
    bits = np.unpackbits(rows, axis=1).reshape(rows.shape[0], -1, depth)
    weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint16)
    return (bits.astype(np.uint16) @ weights)[:, :width * count]


# Adam7's passes: (first row, first column, row step, column step)
_ADAM7 = ((0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2),
          (1, 0, 2, 1))


def png_decode(data, channels=0, uint16=False):
    """(h, w, c) uint8 or uint16 pixels of PNG bytes."""
    header, palette, trns, idat = None, None, None, []
    for kind, body in _chunks(bytes(data)):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IDAT":
            idat.append(body)
    if header is None or not idat:
        raise CodecError("decode_png: the PNG has no IHDR or no IDAT chunk")
    w, h, depth, ctype, _, _, interlace = header
    if ctype not in _NATIVE or depth not in (1, 2, 4, 8, 16):
        raise CodecError(f"decode_png: unsupported colour type {ctype} / depth {depth}")
    count = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise CodecError(f"decode_png: corrupt image data ({e})") from None
    px = np.zeros((h, w, count), np.uint16)
    at = 0
    for r0, c0, rs, cs in (_ADAM7 if interlace else ((0, 0, 1, 1),)):
        ph, pw = max(0, -(-(h - r0) // rs)), max(0, -(-(w - c0) // cs))
        if ph == 0 or pw == 0:                  # an empty pass has no scanlines
            continue
        stride = (pw * count * depth + 7) // 8
        rows = _unfilter(raw[at:], ph, stride, max(1, count * depth // 8))
        px[r0::rs, c0::cs] = _samples(rows, pw, depth, count).reshape(ph, pw, count)
        at += ph * (stride + 1)
    bits = depth
    if trns is not None and ctype in (0, 2) and channels in (2, 4):
        # a colour key, where alpha is asked for: that colour transparent (TF's libpng)
        key = np.frombuffer(trns[:2 * count], ">u2")
        opaque = np.any(px != key, axis=-1, keepdims=True)
        if depth < 8:
            px, bits = px * (255 // ((1 << depth) - 1)), 8
        top = 65535 if bits == 16 else 255
        px = np.concatenate([px, np.where(opaque, top, 0).astype(np.uint16)], -1)
        return _convert(px, bits, channels, uint16)
    if ctype == 3:
        if palette is None:
            raise CodecError("decode_png: a palette image without a PLTE chunk")
        if px.size and px.max() >= len(palette):
            raise CodecError("decode_png: a palette index is out of range")
        rgb = palette[px[..., 0]].astype(np.uint16)
        if trns is not None:
            alpha = np.full(len(palette), 255, np.uint16)
            t = np.frombuffer(trns, np.uint8)[:len(palette)]
            alpha[:len(t)] = t
            rgb = np.concatenate([rgb, alpha[px[..., 0]][..., None]], -1)
        px, bits = rgb, 8
    elif depth < 8:                              # gray 1/2/4 bits scaled to 0..255
        px, bits = px * (255 // ((1 << depth) - 1)), 8
    # libpng adds alpha before expanding low bit depths: its filler stays (1 << depth) - 1
    return _convert(px, bits, channels, uint16, (1 << depth) - 1 if depth < 8 else None)


def _convert(px, bits, channels, uint16, filler=None):
    """px (h, w, native channels) with `bits`-bit values as `channels` channels of the
    requested width; an added alpha channel holds filler (default: opaque)."""
    top = filler if filler is not None else 65535 if bits == 16 else 255
    c = px.shape[-1]
    want = channels or c
    color, alpha = px[..., :c - (c in (2, 4))], px[..., c - 1:] if c in (2, 4) else None
    if want in (1, 2) and color.shape[-1] == 3:
        r, g, b = (color[..., k].astype(np.int64) for k in range(3))
        half = 16384 if bits == 16 else 0       # libpng rounds only 16-bit samples
        color = ((9797 * r + 19234 * g + 3737 * b + half) >> 15)[..., None]
    elif want in (3, 4) and color.shape[-1] == 1:
        color = np.repeat(color, 3, -1)
    if want in (2, 4):
        alpha = np.full(color.shape[:-1] + (1,), top) if alpha is None else alpha
        out = np.concatenate([color, alpha], -1)
    else:
        out = color
    out = out.astype(np.uint32)
    if bits == 16 and not uint16:
        return (out >> 8).astype(np.uint8)
    if bits == 8 and uint16:
        return (out * 257).astype(np.uint16)
    return out.astype(np.uint16 if uint16 else np.uint8)


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + \
        struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_encode(image, compression=-1):
    """PNG bytes of an (h, w, c) uint8 or uint16 image, c in 1..4 (filter 0 rows)."""
    h, w, c = image.shape
    depth = 16 if image.dtype == np.uint16 else 8
    ctype = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    px = image.astype(">u2" if depth == 16 else np.uint8).reshape(h, -1).view(np.uint8)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), px.reshape(h, -1)], 1).tobytes()
    level = 6 if compression == -1 else int(compression)
    return (_SIG + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)) +
            _chunk(b"IDAT", zlib.compress(raw, level)) + _chunk(b"IEND", b""))


def bmp_decode(data, channels=0):
    """(h, w, c) uint8 pixels of an uncompressed 24- or 32-bit (or 8-bit gray) BMP."""
    data = bytes(data)
    if data[:2] != b"BM" or len(data) < 54:
        raise CodecError("decode_bmp: the contents are not a BMP image")
    offset, = struct.unpack("<I", data[10:14])
    w, h, _, bpp, compression = struct.unpack("<iiHHI", data[18:34])
    if bpp not in (8, 24, 32) or compression not in (0, 3):
        raise CodecError(f"decode_bmp: unsupported BMP ({bpp} bits, compression "
                         f"{compression})")
    c = bpp // 8
    if channels not in (0, 1, 3, 4):
        raise CodecError(f"decode_bmp: channels must be 0, 1, 3 or 4, not {channels}")
    stride = (w * c + 3) // 4 * 4
    rows = np.frombuffer(data, np.uint8, abs(h) * stride, offset).reshape(abs(h), stride)
    px = rows[:, :w * c].reshape(abs(h), w, c)
    if h > 0:
        px = px[::-1]                           # bottom-up rows
    if c >= 3:
        px = px[..., [2, 1, 0, 3][:c]]          # BGR(A) -> RGB(A)
    return _convert(px.astype(np.uint16), 8, channels, False)
