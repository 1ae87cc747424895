"""A baseline JPEG encoder in numpy: libjpeg's RGB -> YCbCr fixed point, box
downsampling, an orthonormal float DCT, libjpeg's standard quantization tables scaled
by quality (jpeg_quality_scaling) and the standard Huffman tables of the JPEG spec's
Annex K. jpeg_encode is what EncodeJpeg runs; its bytes are valid JFIF, not TF's bytes.
"""
import struct

import numpy as np

from .image_jpeg_decode import ZIGZAG

_LUMA_Q = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99])
_CHROMA_Q = np.full(64, 99)
_CHROMA_Q[[0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 24, 25]] = [
    17, 18, 24, 47, 18, 21, 26, 66, 24, 26, 56, 47, 66]

# (bits per code length, symbols) of Annex K's tables: DC luma, AC luma, DC/AC chroma
_DC_VALS = "000102030405060708090a0b"
_HUFF = {
    (0, 0): ([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], _DC_VALS),
    (0, 1): ([0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], _DC_VALS),
    (1, 0): ([0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125],
             "01020300041105122131410613516107227114328191a1082342b1c11552d1f024336272"
             "82090a161718191a25262728292a3435363738393a434445464748494a53545556575859"
             "5a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3"
             "a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2"
             "e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"),
    (1, 1): ([0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 119],
             "000102031104052131061241510761711322328108144291a1b1c109233352f0156272d1"
             "0a162434e125f11718191a262728292a35363738393a434445464748494a535455565758"
             "595a636465666768696a737475767778797a82838485868788898a92939495969798999a"
             "a2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9da"
             "e2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa"),
}


def _codes(bits, vals):
    """symbol -> (code, length) of a table given as counts per length."""
    out, code, k = {}, 0, 0
    syms = bytes.fromhex(vals)
    for length, n in enumerate(bits, 1):
        for _ in range(n):
            out[syms[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return out


_CODES = {key: _codes(*v) for key, v in _HUFF.items()}


def quality_table(base, quality):
    """libjpeg's jpeg_quality_scaling applied to a base table, clamped to [1, 255]."""
    q = min(max(int(quality), 1), 100)
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((base * scale + 50) // 100, 1, 255)


def _dct_matrix():
    k = np.arange(8)
    m = np.sqrt(2 / 8) * np.cos((2 * k[None, :] + 1) * k[:, None] * np.pi / 16)
    m[0] /= np.sqrt(2)
    return m


_DCT = _dct_matrix()


def rgb_to_ycc(rgb):
    """libjpeg's rgb_ycc_convert (16-bit fixed point) on an (h, w, 3) image."""
    r, g, b = (rgb[..., k].astype(np.int64) for k in range(3))
    f = lambda x: int(x * 65536 + 0.5)  # noqa: E731
    half, off = 1 << 15, 128 << 16
    y = (f(0.299) * r + f(0.587) * g + f(0.114) * b + half) >> 16
    cb = (-f(0.16874) * r - f(0.33126) * g + f(0.5) * b + off + half - 1) >> 16
    cr = (f(0.5) * r - f(0.41869) * g - f(0.08131) * b + off + half - 1) >> 16
    return [y, cb, cr]


def _blocks(plane, q, bh, bw):
    """Quantized zigzag coefficients (bh * bw, 64) of an int plane padded to blocks."""
    h, w = plane.shape
    plane = np.pad(plane, ((0, bh * 8 - h), (0, bw * 8 - w)), mode="edge")
    x = plane.reshape(bh, 8, bw, 8).transpose(0, 2, 1, 3).astype(np.float64) - 128
    f = np.einsum("ux,nmxy,vy->nmuv", _DCT, x, _DCT).reshape(-1, 64)
    return np.round(f / q.reshape(64)).astype(np.int64)[:, ZIGZAG]


def _downsample(plane, h, v, out_h, out_w):
    """Box-average an int plane by (v, h) after edge padding to out size * factor."""
    p = np.pad(plane, ((0, out_h * v - plane.shape[0]), (0, out_w * h - plane.shape[1])),
               mode="edge")
    s = p.reshape(out_h, v, out_w, h).sum((1, 3))
    return (s + (h * v) // 2) // (h * v)


def _marker(code, body):
    return struct.pack(">BBH", 0xFF, code, len(body) + 2) + body


def _entropy(comps, units, restart):
    """The scan's bytes: Huffman-coded blocks in MCU order, RST markers every
    `restart` MCUs. comps: (zigzag blocks, table index) per component."""
    codes, lens, preds = [], [], [0] * len(comps)
    chunks = []

    def flush():
        if not lens:
            return b""
        n = np.array(lens, np.int64)
        c = np.array(codes, np.int64)
        idx = np.repeat(np.arange(n.size), n)
        offs = np.arange(idx.size) - np.repeat(np.cumsum(n) - n, n)
        bits = (c[idx] >> (n[idx] - 1 - offs)) & 1
        bits = np.concatenate([bits, np.ones(-bits.size % 8, np.int64)]).astype(np.uint8)
        codes.clear()
        lens.clear()
        return np.packbits(bits).tobytes().replace(b"\xff", b"\xff\x00")

    for i, unit in enumerate(units):
        if restart and i and i % restart == 0:
            chunks.append(flush() + bytes([0xFF, 0xD0 + (i // restart - 1) % 8]))
            preds = [0] * len(comps)
        for j, b in unit:
            blocks, t = comps[j]
            dc_codes, ac_codes = _CODES[(0, t)], _CODES[(1, t)]
            row = blocks[b]
            diff = int(row[0]) - preds[j]
            preds[j] = int(row[0])
            s = abs(diff).bit_length()
            code, n = dc_codes[s]
            codes.append((code << s) | (diff if diff >= 0 else diff + (1 << s) - 1))
            lens.append(n + s)
            nz = np.flatnonzero(row[1:]).tolist()
            last = 0
            for k in nz:
                k += 1
                run = k - last - 1
                while run > 15:
                    codes.append(ac_codes[0xF0][0])
                    lens.append(ac_codes[0xF0][1])
                    run -= 16
                v = int(row[k])
                s = abs(v).bit_length()
                code, n = ac_codes[(run << 4) | s]
                codes.append((code << s) | (v if v >= 0 else v + (1 << s) - 1))
                lens.append(n + s)
                last = k
            if last < 63:
                codes.append(ac_codes[0][0])
                lens.append(ac_codes[0][1])
    chunks.append(flush())
    return b"".join(chunks)


def jpeg_encode(image, quality=95, chroma_downsampling=True, density_unit="in",
                x_density=300, y_density=300, xmp_metadata=b"", sampling=None,
                restart=0):
    """Baseline JFIF bytes of an (h, w, 1 or 3) uint8 image. sampling: the luma
    (h, v) factors for colour images (default (2, 2), or (1, 1) without chroma
    downsampling); restart: MCUs per restart interval (0: none)."""
    height, width, c = image.shape
    if c == 1:
        planes, factors = [image[..., 0].astype(np.int64)], [(1, 1)]
    else:
        planes = rgb_to_ycc(image)
        hs, vs = sampling or ((2, 2) if chroma_downsampling else (1, 1))
        factors = [(hs, vs), (1, 1), (1, 1)]
    hmax, vmax = factors[0]
    mcux, mcuy = -(-width // (8 * hmax)), -(-height // (8 * vmax))
    tables = [quality_table(_LUMA_Q, quality), quality_table(_CHROMA_Q, quality)]
    comps = []
    for k, (plane, (h, v)) in enumerate(zip(planes, factors)):
        if (h, v) != (hmax, vmax):
            plane = _downsample(plane, hmax // h, vmax // v, -(-height * v // vmax),
                                -(-width * h // hmax))
        comps.append((_blocks(plane, tables[min(k, 1)], mcuy * v, mcux * h), min(k, 1)))
    units = []
    for my in range(mcuy):
        for mx in range(mcux):
            unit = []
            for j, (h, v) in enumerate(factors):
                for dy in range(v):
                    base = (my * v + dy) * mcux * h + mx * h
                    unit.extend((j, base + dx) for dx in range(h))
            units.append(unit)
    unit_code = {"in": 1, "cm": 2}.get(density_unit, 0)
    out = [b"\xff\xd8", _marker(0xE0, b"JFIF\x00\x01\x01" + struct.pack(
        ">BHHBB", unit_code, x_density, y_density, 0, 0))]
    if xmp_metadata:
        out.append(_marker(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + xmp_metadata))
    for t in range(len(set(min(k, 1) for k in range(len(planes))))):
        out.append(_marker(0xDB, bytes([t]) + bytes(tables[t][ZIGZAG].astype(np.uint8))))
    sof = struct.pack(">BHHB", 8, height, width, len(planes))
    for k, (h, v) in enumerate(factors):
        sof += bytes([k + 1, (h << 4) | v, min(k, 1)])
    out.append(_marker(0xC0, sof))
    for t in range(len(set(min(k, 1) for k in range(len(planes))))):
        for cls in (0, 1):
            bits, vals = _HUFF[(cls, t)]
            out.append(_marker(0xC4, bytes([(cls << 4) | t] + bits) + bytes.fromhex(vals)))
    if restart:
        out.append(_marker(0xDD, struct.pack(">H", restart)))
    sos = bytes([len(planes)])
    for k in range(len(planes)):
        sos += bytes([k + 1, min(k, 1) * 0x11])
    out.append(_marker(0xDA, sos + b"\x00\x3f\x00"))
    out.append(_entropy(comps, units, restart))
    out.append(b"\xff\xd9")
    return b"".join(out)
