"""A tiny GIF writer for the codec tests (TF cannot encode GIF): real LZW coding."""
import struct


def _lzw(indices, m):
    """LZW codes (LSB first) of palette indices with minimum code size m."""
    clear, eoi = 1 << m, (1 << m) + 1
    acc = nbits = 0
    out = bytearray()

    def emit(code, size):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(acc & 255)
            acc >>= 8
            nbits -= 8

    def reset():
        return {(i,): i for i in range(clear)}, eoi + 1, m + 1

    table, nxt, size = reset()
    emit(clear, size)
    w = ()
    for k in indices:
        wk = w + (int(k),)
        if wk in table:
            w = wk
            continue
        emit(table[w], size)
        table[wk] = nxt
        nxt += 1
        if nxt == (1 << size) + 1 and size < 12:
            size += 1
        if nxt >= 4094:                       # start over before the table fills
            emit(clear, size)
            table, nxt, size = reset()
        w = (int(k),)
    if w:
        emit(table[w], size)
        if nxt == (1 << size) and size < 12:
            size += 1
    emit(eoi, size)
    if nbits:
        out.append(acc & 255)
    return bytes(out)


def _blocks(data):
    return b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255]
                    for i in range(0, len(data), 255)) + b"\x00"


def _table(palette):
    n = max(2, len(palette))
    bits = max(1, (n - 1).bit_length())
    padded = list(palette) + [(0, 0, 0)] * ((1 << bits) - len(palette))
    return bits, b"".join(bytes(c) for c in padded)


def gif(width, height, frames, palette, interlace=False):
    """GIF89a bytes. frames: dicts with 'pixels' (h, w) indices and optional 'left',
    'top', 'transparent', 'disposal', 'palette' (a local colour table)."""
    bits, gct = _table(palette)
    out = [b"GIF89a", struct.pack("<HHBBB", width, height, 0x80 | 0x70 | (bits - 1), 0, 0),
           gct]
    for f in frames:
        px = f["pixels"]
        h, w = px.shape
        trans = f.get("transparent")
        packed = (f.get("disposal", 0) << 2) | (trans is not None)
        out.append(b"\x21\xf9\x04" + struct.pack("<BHB", packed, 10, trans or 0) + b"\x00")
        flags, lct, fbits = 0x40 if interlace else 0, b"", bits
        if f.get("palette"):
            fbits, lct = _table(f["palette"])
            flags |= 0x80 | (fbits - 1)
        out.append(b"\x2c" + struct.pack("<HHHHB", f.get("left", 0), f.get("top", 0), w, h,
                                         flags) + lct)
        rows = list(range(h))
        if interlace:
            rows = (list(range(0, h, 8)) + list(range(4, h, 8)) + list(range(2, h, 4)) +
                    list(range(1, h, 2)))
        m = max(2, fbits)
        out.append(bytes([m]) + _blocks(_lzw(px[rows].ravel().tolist(), m)))
    out.append(b"\x3b")
    return b"".join(out)
