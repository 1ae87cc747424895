"""JPEG parsing and Huffman entropy decoding (baseline and progressive, 8-bit) in
numpy + Python: jpeg_coefficients(data) -> a JpegFrame holding each component's
quantized DCT coefficients. ops/image_jpeg_pixels.py turns them into pixels.

The entropy decode is sequential by nature. Each restart interval is unstuffed and
cut into chunks; for a chunk, win[i] (a Python list) holds the 16 bits that start at
bit i, so reading a Huffman code or an n-bit value is one list lookup and a shift.
"""
import re
import struct

import numpy as np

from .image_jpeg_huffman import (ZIGZAG, ac_first, ac_refine, dc_first,  # noqa: F401
                                  dc_refine, jpeg_error, sequential)

_CHUNK = 1 << 14                       # bytes of bit windows built at a time
_MARGIN = 4096                         # bytes: more than one MCU can consume
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_RST = re.compile(rb"\xff+[\xd0-\xd7]")


class Component:
    __slots__ = ("cid", "h", "v", "tq", "bw", "bh", "coef", "width", "height")


class JpegFrame:
    """What the markers say (size, components, tables) plus the decoded coefficients."""

    def __init__(self):
        self.width = self.height = 0
        self.components = []
        self.progressive = False
        self.qt = {}
        self.adobe = None                  # the Adobe APP14 transform flag
        self.jfif = False
        self.hmax = self.vmax = 1
        self.mcux = self.mcuy = 0
        self.truncated = False             # the data ran out (try_recover_truncated)


def _lut(counts, symbols):
    """16-bit prefix -> (code length << 8 | symbol); 0 where no code matches."""
    lut = np.zeros(1 << 16, np.int32)
    code, k = 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            if k >= len(symbols) or code >= (1 << length):
                raise jpeg_error("bad Huffman table")
            lo = code << (16 - length)
            lut[lo:lo + (1 << (16 - length))] = (length << 8) | symbols[k]
            code += 1
            k += 1
        code <<= 1
    return lut.tolist()


def _windows(buf, start):
    """win[i] = the 16 bits of buf that start at bit 8 * start + i (zero padded)."""
    b = np.frombuffer(buf[start:start + _CHUNK + _MARGIN] + bytes(_MARGIN + 3), np.uint8)
    b = b.astype(np.int64)
    v24 = (b[:-2] << 16) | (b[1:-1] << 8) | b[2:]
    return (((v24[:, None] >> (8 - np.arange(8))) & 0xFFFF).ravel()).tolist()


class _Bits:
    """The bit reader of one restart interval."""
    __slots__ = ("buf", "base", "win", "pos")

    def __init__(self, buf):
        self.buf, self.base, self.pos = buf, 0, 0
        self.win = _windows(buf, 0)

    def refill(self):
        """Move the window so that the next MCU's bits are inside it."""
        if self.pos >= 8 * _CHUNK:
            byte = self.pos >> 3
            self.base += byte
            self.pos -= 8 * byte
            self.win = _windows(self.buf, self.base)


def _segments(data, start):
    """The unstuffed restart intervals of the scan at data[start:], and where it ends."""
    m = _SCAN_END.search(data, start)
    end = m.start() if m else len(data)
    parts = _RST.split(data[start:end])
    return [p.replace(b"\xff\x00", b"\xff") for p in parts], end


def _parse_sof(frame, body, marker):
    if len(body) < 6:
        raise jpeg_error("bad SOF marker")
    precision, h, w, n = struct.unpack(">BHHB", body[:6])
    if precision != 8:
        raise jpeg_error(f"unsupported JPEG data precision {precision}")
    if h == 0 or w == 0 or n == 0 or len(body) < 6 + 3 * n:
        raise jpeg_error("empty JPEG image (no width, height or components)")
    if n not in (1, 3, 4):
        raise jpeg_error(f"unsupported number of components {n}")
    frame.width, frame.height, frame.progressive = w, h, marker == 0xC2
    for i in range(n):
        c = Component()
        c.cid, hv, c.tq = body[6 + 3 * i], body[7 + 3 * i], body[8 + 3 * i]
        c.h, c.v = hv >> 4, hv & 15
        if not (1 <= c.h <= 4 and 1 <= c.v <= 4) or c.tq > 3:
            raise jpeg_error("bad sampling factors or quantization table index")
        frame.components.append(c)
    frame.hmax = max(c.h for c in frame.components)
    frame.vmax = max(c.v for c in frame.components)
    frame.mcux = -(-w // (8 * frame.hmax))
    frame.mcuy = -(-h // (8 * frame.vmax))
    for c in frame.components:
        c.width = -(-w * c.h // frame.hmax)
        c.height = -(-h * c.v // frame.vmax)
        c.bw, c.bh = frame.mcux * c.h, frame.mcuy * c.v
        c.coef = [0] * (c.bw * c.bh * 64)


def _parse_dqt(frame, body):
    pos = 0
    while pos < len(body):
        pq, tq = body[pos] >> 4, body[pos] & 15
        size = 128 if pq else 64
        raw = body[pos + 1:pos + 1 + size]
        if len(raw) != size or tq > 3:
            raise jpeg_error("bad DQT marker")
        q = np.frombuffer(raw, ">u2" if pq else np.uint8).astype(np.int64)
        table = np.zeros(64, np.int64)
        table[ZIGZAG] = q
        frame.qt[tq] = table
        pos += 1 + size


def _parse_dht(tables, body):
    pos = 0
    while pos + 17 <= len(body):
        tc, th = body[pos] >> 4, body[pos] & 15
        counts = list(body[pos + 1:pos + 17])
        n = sum(counts)
        symbols = list(body[pos + 17:pos + 17 + n])
        if len(symbols) != n or tc > 1 or th > 3:
            raise jpeg_error("bad DHT marker")
        tables[(tc, th)] = _lut(counts, symbols)
        pos += 17 + n
    if pos != len(body):
        raise jpeg_error("bad DHT marker")


def jpeg_header(data):
    """The JpegFrame of data's markers up to the first SOF (no entropy decoding)."""
    return _read(data, header_only=True)


def jpeg_coefficients(data, recover=False):
    """The JpegFrame of data with every component's coefficients decoded. A file that
    ends early is an error, or with recover (libjpeg's behaviour under TF's
    try_recover_truncated) leaves the blocks after the end zero (mid-gray)."""
    return _read(data, header_only=False, recover=recover)


def _read(data, header_only, recover=False):
    data = bytes(data)
    if data[:2] != b"\xff\xd8":
        raise jpeg_error("not a JPEG file: starts with " + data[:2].hex())
    frame, tables, restart = JpegFrame(), {}, 0
    pos, scans, ended = 2, 0, False
    while True:
        while pos < len(data) and data[pos] != 0xFF:     # garbage between markers
            pos += 1
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        if pos >= len(data):
            break
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            ended = True
            break
        if 0xD0 <= marker <= 0xD8 or marker == 0x01:
            continue
        if pos + 2 > len(data):
            break
        n, = struct.unpack(">H", data[pos:pos + 2])
        body = data[pos + 2:pos + n]
        if n < 2 or len(body) != n - 2:
            raise jpeg_error("premature end of data segment (a truncated marker)")
        pos += n
        if marker in (0xC0, 0xC1, 0xC2):
            if frame.components:
                raise jpeg_error("two SOF markers")
            _parse_sof(frame, body, marker)
            if header_only:
                return frame
        elif 0xC3 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            raise jpeg_error(f"unsupported JPEG process: SOF type 0x{marker:02x}")
        elif marker == 0xDB:
            _parse_dqt(frame, body)
        elif marker == 0xC4:
            _parse_dht(tables, body)
        elif marker == 0xDD:
            restart, = struct.unpack(">H", body[:2])
        elif marker == 0xE0 and body[:5] == b"JFIF\x00":
            frame.jfif = True
        elif marker == 0xEE and body[:5] == b"Adobe" and len(body) >= 12:
            frame.adobe = body[11]
        elif marker == 0xDA:
            if not frame.components:
                raise jpeg_error("SOS before SOF")
            segments, pos = _segments(data, pos)
            _scan(frame, body, tables, restart, segments, pos >= len(data))
            scans += 1
            if frame.truncated and not recover:
                raise jpeg_error("premature end of JPEG data")
            if frame.truncated:
                ended = True
                break
    if not frame.components:
        raise jpeg_error("no SOF marker (not a JPEG image?)")
    if scans == 0:
        raise jpeg_error("no image data (no SOS marker)")
    if not ended and not recover:
        raise jpeg_error("premature end of JPEG file (no EOI marker)")
    for c in frame.components:
        if c.tq not in frame.qt:
            raise jpeg_error(f"quantization table 0x{c.tq:02x} was not defined")
    return frame


def _scan(frame, body, tables, restart, segments, at_end):
    ns = body[0] if body else 0
    if ns < 1 or ns > 4 or len(body) < 4 + 2 * ns:
        raise jpeg_error("bad SOS marker")
    by_id = {c.cid: c for c in frame.components}
    comps, dcs, acs = [], [], []
    for i in range(ns):
        cid, t = body[1 + 2 * i], body[2 + 2 * i]
        if cid not in by_id:
            raise jpeg_error(f"SOS names an unknown component {cid}")
        comps.append(by_id[cid])
        dcs.append(t >> 4)
        acs.append(t & 15)
    ss, se, a = body[1 + 2 * ns], body[2 + 2 * ns], body[3 + 2 * ns]
    ah, al = a >> 4, a & 15
    if frame.progressive:
        if ss > se or se > 63 or (ss == 0) != (se == 0) or (ss > 0 and ns != 1) or al > 13:
            raise jpeg_error("bad progressive scan parameters")
    elif ss != 0 or se != 63 or a != 0:
        ss, se, ah, al = 0, 63, 0, 0           # libjpeg ignores them in sequential mode

    def table(cls, k):
        if (cls, k) not in tables:
            raise jpeg_error(f"Huffman table 0x{k:02x} was not defined")
        return tables[(cls, k)]

    need_dc = ss == 0 and ah == 0
    need_ac = se > 0
    dct = [table(0, k) if need_dc else None for k in dcs]
    act = [table(1, k) if need_ac else None for k in acs]
    if ns == 1:                                 # non-interleaved: the component's blocks
        c = comps[0]
        nx, ny = -(-c.width // 8), -(-c.height // 8)
        units = [[(0, (r * c.bw + x) * 64)] for r in range(ny) for x in range(nx)]
    else:
        units = []
        for my in range(frame.mcuy):
            for mx in range(frame.mcux):
                unit = []
                for j, c in enumerate(comps):
                    for dy in range(c.v):
                        row = (my * c.v + dy) * c.bw + mx * c.h
                        unit.extend((j, (row + dx) * 64) for dx in range(c.h))
                units.append(unit)
    step = restart or len(units)
    if ss == 0:
        decode = dc_first if ah == 0 else dc_refine
    else:
        decode = ac_first if ah == 0 else ac_refine
    if not frame.progressive:
        decode = sequential
    coefs = [c.coef for c in comps]
    for seg_i, first in enumerate(range(0, len(units), step)):
        if seg_i >= len(segments):
            frame.truncated = True
            return
        bits = _Bits(segments[seg_i])
        total = 8 * len(segments[seg_i])
        state = [0] * len(comps) + [0]          # DC predictions, then the EOB run
        for unit in units[first:first + step]:
            bits.refill()
            for j, base in unit:
                decode(bits, coefs[j], base, dct[j], act[j], state, j, ss, se, al)
            if bits.base * 8 + bits.pos > total:    # read past the data: zeros
                frame.truncated = True
                return
    if at_end:
        frame.truncated = True


def coefficient_blocks(c):
    """Component c's coefficients as an (bh, bw, 8, 8) int64 array (natural order)."""
    return np.array(c.coef, np.int64).reshape(c.bh, c.bw, 8, 8)
