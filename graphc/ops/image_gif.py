"""A GIF decoder in Python + numpy (LZW, interlacing, local colour tables): what the
DecodeGif op runs. Frames are composed as TF's DecodeGif composes them: each frame
starts as a copy of the previous one (the first as black), the frame's rectangle
(clipped to a canvas as large as the largest frame, as TF sizes it; the logical
screen size is not used) is painted, and pixels of the frame's transparent
index keep what was there. Disposal methods are read but, as in TF, not applied.
"""
import struct

import numpy as np

from .image_png import CodecError


def _err(msg):
    return CodecError(f"Invalid GIF data: {msg}")


def _sub_blocks(data, pos):
    """The concatenated data sub-blocks at pos, and the position after them."""
    parts = []
    while True:
        if pos >= len(data):
            raise _err("truncated data sub-blocks")
        n = data[pos]
        pos += 1
        if n == 0:
            return b"".join(parts), pos
        if pos + n > len(data):
            raise _err("truncated data sub-blocks")
        parts.append(data[pos:pos + n])
        pos += n


def lzw_decode(data, m, count):
    """The first `count` palette indices of GIF LZW data with minimum code size m."""
    if not 2 <= m <= 11:
        raise _err(f"bad LZW minimum code size {m}")
    clear, eoi = 1 << m, (1 << m) + 1
    roots = [bytes([i]) for i in range(clear)] + [b"", b""]
    table, size, prev = list(roots), m + 1, None
    out = bytearray()
    acc = nbits = pos = 0
    n = len(data)
    while len(out) < count:
        while nbits < size:
            if pos >= n:
                raise _err("image data ends early (too few pixels)")
            acc |= data[pos] << nbits
            pos += 1
            nbits += 8
        code = acc & ((1 << size) - 1)
        acc >>= size
        nbits -= size
        if code == clear:
            table, size, prev = list(roots), m + 1, None
            continue
        if code == eoi:
            break
        if prev is None:
            if code >= clear:
                raise _err("bad LZW code after a clear code")
            entry = table[code]
        elif code <= len(table) and code < 4096:
            entry = table[code] if code < len(table) else prev + prev[:1]
            if len(table) < 4096:
                table.append(prev + entry[:1])
                if len(table) == (1 << size) and size < 12:
                    size += 1
        else:
            raise _err(f"bad LZW code {code}")
        out += entry
        prev = entry
    if len(out) < count:
        raise _err("image data ends early (too few pixels)")
    return np.frombuffer(bytes(out[:count]), np.uint8)


def _palette(data, pos, size):
    if pos + size > len(data):
        raise _err("truncated colour table")
    return np.frombuffer(data[pos:pos + size], np.uint8).reshape(-1, 3)


def _deinterlace(px):
    h = px.shape[0]
    rows = np.concatenate([np.arange(0, h, 8), np.arange(4, h, 8), np.arange(2, h, 4),
                           np.arange(1, h, 2)])
    out = np.empty_like(px)
    out[rows] = px
    return out


def _frames(data):
    """(screen width, height, [(left, top, indices (h, w), palette, transparent)])."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise _err("not a GIF file")
    width, height, flags = struct.unpack("<HHB", data[6:11])
    pos, palette = 13, None
    if flags & 0x80:
        size = 3 << ((flags & 7) + 1)
        palette = _palette(data, pos, size)
        pos += size
    frames, transparent = [], None
    while pos < len(data):
        kind = data[pos]
        pos += 1
        if kind == 0x3B:
            break
        if kind == 0x21:
            if pos >= len(data):
                raise _err("truncated extension")
            label = data[pos]
            body, pos = _sub_blocks(data, pos + 1)
            if label == 0xF9 and len(body) >= 4:
                transparent = body[3] if body[0] & 1 else None
        elif kind == 0x2C:
            if pos + 9 > len(data):
                raise _err("truncated image descriptor")
            left, top, w, h, f = struct.unpack("<HHHHB", data[pos:pos + 9])
            pos += 9
            local = palette
            if f & 0x80:
                size = 3 << ((f & 7) + 1)
                local = _palette(data, pos, size)
                pos += size
            if pos >= len(data):
                raise _err("truncated image data")
            m = data[pos]
            raw, pos = _sub_blocks(data, pos + 1)
            px = lzw_decode(raw, m, w * h).reshape(h, w)
            if f & 0x40:
                px = _deinterlace(px)
            frames.append((left, top, px, local, transparent))
            transparent = None
        else:
            raise _err(f"unknown block type 0x{kind:02x}")
    if not frames:
        raise _err("the GIF has no frames")
    return width, height, frames


def gif_decode(data):
    """(frames, h, w, 3) uint8 pixels of GIF bytes."""
    _, _, frames = _frames(bytes(data))
    # TF's canvas is the largest frame's size, not the logical screen's
    height = max(f[2].shape[0] for f in frames)
    width = max(f[2].shape[1] for f in frames)
    out = np.zeros((len(frames), height, width, 3), np.uint8)
    for k, (left, top, px, palette, transparent) in enumerate(frames):
        if k:
            out[k] = out[k - 1]
        if palette is None:
            raise _err("missing color map")
        h, w = px.shape
        y1, x1 = min(top + h, height), min(left + w, width)
        if y1 <= top or x1 <= left:
            continue
        idx = px[:y1 - top, :x1 - left]
        keep = idx == transparent if transparent is not None else np.zeros(idx.shape, bool)
        if idx[~keep].size and int(idx[~keep].max()) >= len(palette):
            raise _err(f"found color index {int(idx[~keep].max())} outside of color map "
                       f"range {len(palette)}")
        region = out[k, top:y1, left:x1]
        region[~keep] = palette[idx[~keep]]
    return out
