"""The per-block Huffman decoders of JPEG scans (libjpeg's decode_mcu variants):
sequential (DC + AC), progressive DC first / refine and AC first / refine. Each reads
bits from a _Bits reader of image_jpeg_decode.py (win[pos]: the 16 bits at pos) and
writes quantized coefficients into a component's flat coefficient list.
"""
import numpy as np

from .image_png import CodecError

# zigzag position k -> natural (row-major) index
ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15,
    23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63])
_ZZ = ZIGZAG.tolist()


def jpeg_error(msg):
    """The codec error of a bad JPEG (TF: InvalidArgumentError)."""
    return CodecError(f"Invalid JPEG data: {msg}")


def _bad_code():
    return jpeg_error("corrupt JPEG data: bad Huffman code")


def _extend(v, s):
    return v - (1 << s) + 1 if v < (1 << (s - 1)) else v


def sequential(bits, coef, base, dct, act, state, j, ss, se, al):
    win, pos = bits.win, bits.pos
    e = dct[win[pos]]
    if not e:
        raise _bad_code()
    pos += e >> 8
    s = e & 255
    if s:
        if s > 16:
            raise _bad_code()
        state[j] += _extend(win[pos] >> (16 - s), s)
        pos += s
    coef[base] = state[j]
    k = 1
    while k < 64:
        e = act[win[pos]]
        if not e:
            raise _bad_code()
        pos += e >> 8
        r, s = (e >> 4) & 15, e & 15
        if s:
            k += r
            if k > 63:
                raise jpeg_error("corrupt JPEG data: too many coefficients in a block")
            coef[base + _ZZ[k]] = _extend(win[pos] >> (16 - s), s)
            pos += s
            k += 1
        elif r == 15:
            k += 16
        else:
            break
    bits.pos = pos


def dc_first(bits, coef, base, dct, act, state, j, ss, se, al):
    win, pos = bits.win, bits.pos
    e = dct[win[pos]]
    if not e:
        raise _bad_code()
    pos += e >> 8
    s = e & 255
    if s:
        if s > 16:
            raise _bad_code()
        state[j] += _extend(win[pos] >> (16 - s), s)
        pos += s
    coef[base] = state[j] << al
    bits.pos = pos


def dc_refine(bits, coef, base, dct, act, state, j, ss, se, al):
    if bits.win[bits.pos] >> 15:
        coef[base] |= 1 << al
    bits.pos += 1


def ac_first(bits, coef, base, dct, act, state, j, ss, se, al):
    if state[-1]:
        state[-1] -= 1
        return
    win, pos = bits.win, bits.pos
    k = ss
    while k <= se:
        e = act[win[pos]]
        if not e:
            raise _bad_code()
        pos += e >> 8
        r, s = (e >> 4) & 15, e & 15
        if s:
            k += r
            if k > 63:
                raise jpeg_error("corrupt JPEG data: too many coefficients in a block")
            coef[base + _ZZ[k]] = _extend(win[pos] >> (16 - s), s) << al
            pos += s
        elif r == 15:
            k += 15
        else:
            run = 1 << r
            if r:
                run += win[pos] >> (16 - r)
                pos += r
            state[-1] = run - 1
            break
        k += 1
    bits.pos = pos


def ac_refine(bits, coef, base, dct, act, state, j, ss, se, al):
    win, pos = bits.win, bits.pos
    p1, m1 = 1 << al, -1 << al
    k = ss
    if not state[-1]:
        while k <= se:
            e = act[win[pos]]
            if not e:
                raise _bad_code()
            pos += e >> 8
            r, s = (e >> 4) & 15, e & 15
            if s:
                s = p1 if win[pos] >> 15 else m1
                pos += 1
            elif r != 15:
                run = 1 << r
                if r:
                    run += win[pos] >> (16 - r)
                    pos += r
                state[-1] = run
                break
            while k <= se:
                i = base + _ZZ[k]
                if coef[i]:
                    if win[pos] >> 15 and not coef[i] & p1:
                        coef[i] += p1 if coef[i] >= 0 else m1
                    pos += 1
                else:
                    r -= 1
                    if r < 0:
                        break
                k += 1
            if s and k <= 63:
                coef[base + _ZZ[k]] = s
            k += 1
    if state[-1]:
        while k <= se:
            i = base + _ZZ[k]
            if coef[i]:
                if win[pos] >> 15 and not coef[i] & p1:
                    coef[i] += p1 if coef[i] >= 0 else m1
                pos += 1
            k += 1
        state[-1] -= 1
    bits.pos = pos
