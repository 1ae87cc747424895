"""From a JpegFrame's coefficients to pixels as TF's libjpeg-turbo setup makes them:
per-component (scaled) IDCT, 'fancy' triangle-filter chroma upsampling (h2v1, h1v2,
h2v2) or box replication, and libjpeg's table-driven YCbCr -> RGB in 16-bit fixed
point. decode_jpeg_pixels is what the DecodeJpeg kernels run.
"""
import numpy as np

from .image_jpeg_decode import coefficient_blocks, jpeg_coefficients
from .image_jpeg_idct import idct
from .image_png import CodecError

_ONE_HALF = 1 << 15


def _fix(x):
    return int(x * 65536 + 0.5)


_X = np.arange(256, dtype=np.int64) - 128
_CR_R = (_fix(1.40200) * _X + _ONE_HALF) >> 16
_CB_B = (_fix(1.77200) * _X + _ONE_HALF) >> 16
_CR_G = -_fix(0.71414) * _X
_CB_G = -_fix(0.34414) * _X + _ONE_HALF


def ycc_to_rgb(y, cb, cr):
    """jdcolor's ycc_rgb_convert on int planes: (h, w, 3) uint8."""
    r = y + _CR_R[cr]
    g = y + ((_CB_G[cb] + _CR_G[cr]) >> 16)
    b = y + _CB_B[cb]
    return np.clip(np.stack([r, g, b], -1), 0, 255).astype(np.uint8)


def rgb_to_gray(r, g, b):
    """jdcolor's rgb_gray_convert: (0.299 R + 0.587 G + 0.114 B) in 16-bit fixed point."""
    return ((_fix(0.299) * r + _fix(0.587) * g + _fix(0.114) * b + _ONE_HALF) >> 16)


def _edge(x, axis, shift):
    """x moved by one sample along axis, the edge sample repeated (shift -1: previous)."""
    n = x.shape[axis]
    idx = np.clip(np.arange(n) + shift, 0, n - 1)
    return np.take(x, idx, axis=axis)


def _interleave(a, b, axis):
    out = np.stack([a, b], axis + 1)
    shape = list(a.shape)
    shape[axis] *= 2
    return out.reshape(shape)


def upsample(x, fh, fv, fancy):
    """x (a downsampled int plane) enlarged fh times across and fv times down.
    libjpeg-turbo filters across only planes wider than 2 samples (else: boxes)."""
    if fh == 2 and x.shape[1] <= 2:
        fancy = False
    if fancy and fh == 2 and fv == 2:             # h2v2: triangle filter both ways
        near = 3 * x
        top, bottom = near + _edge(x, 0, -1), near + _edge(x, 0, 1)
        rows = []
        for cs in (top, bottom):
            c3 = 3 * cs
            rows.append(_interleave((c3 + _edge(cs, 1, -1) + 8) >> 4,
                                    (c3 + _edge(cs, 1, 1) + 7) >> 4, 1))
        return _interleave(rows[0], rows[1], 0)
    if fancy and fh == 2 and fv == 1:             # h2v1
        return _interleave((3 * x + _edge(x, 1, -1) + 1) >> 2,
                           (3 * x + _edge(x, 1, 1) + 2) >> 2, 1)
    if fancy and fh == 1 and fv == 2:             # h1v2
        return _interleave((3 * x + _edge(x, 0, -1) + 1) >> 2,
                           (3 * x + _edge(x, 0, 1) + 2) >> 2, 0)
    return np.repeat(np.repeat(x, fv, 0), fh, 1)


def _color_space(frame):
    """libjpeg's guess: 'gray', 'ycc', 'rgb', 'cmyk' or 'ycck'."""
    n = len(frame.components)
    if n == 1:
        return "gray"
    if n == 3:
        if frame.jfif:
            return "ycc"
        if frame.adobe is not None:
            return "rgb" if frame.adobe == 0 else "ycc"
        ids = tuple(c.cid for c in frame.components)
        return "rgb" if ids == (82, 71, 66) else "ycc"
    return "cmyk" if frame.adobe in (None, 0) else "ycck"


def _scaled_sizes(frame, smin):
    """Each component's IDCT size: chroma is enlarged by the IDCT where it can be."""
    sizes = []
    for c in frame.components:
        s = smin
        while (s < 8 and (frame.hmax * smin) % (c.h * s * 2) == 0 and
               (frame.vmax * smin) % (c.v * s * 2) == 0):
            s *= 2
        sizes.append(s)
    return sizes


def component_planes(frame, ratio, fancy, method):
    """Each component at output size (h, w) as int64 planes."""
    smin = 8 // ratio
    out_h, out_w = -(-frame.height // ratio), -(-frame.width // ratio)
    planes = []
    for c, s in zip(frame.components, _scaled_sizes(frame, smin)):
        q = frame.qt[c.tq].reshape(8, 8)
        blocks = idct(coefficient_blocks(c).reshape(-1, 8, 8), q, s, method)
        plane = blocks.reshape(c.bh, c.bw, s, s).transpose(0, 2, 1, 3)
        plane = plane.reshape(c.bh * s, c.bw * s).astype(np.int64)
        dh = -(-frame.height * c.v * s // (frame.vmax * 8))
        dw = -(-frame.width * c.h * s // (frame.hmax * 8))
        plane = plane[:dh, :dw]
        fh, rh = divmod(frame.hmax * smin, c.h * s)
        fv, rv = divmod(frame.vmax * smin, c.v * s)
        if rh or rv:
            raise CodecError("Invalid JPEG data: fractional sampling is not supported")
        if fh > 1 or fv > 1:
            plane = upsample(plane, fh, fv, fancy and s > 1)
        planes.append(plane[:out_h, :out_w])
    return planes


def decode_jpeg_pixels(data, channels=0, ratio=1, fancy=True, method="fast",
                       recover=False):
    """(h, w, channels) uint8 pixels of JPEG bytes, as TF's DecodeJpeg gives them."""
    if ratio not in (1, 2, 4, 8):
        raise CodecError(f"ratio must be 1, 2, 4 or 8, not {ratio}")
    frame = jpeg_coefficients(data, recover)
    space = _color_space(frame)
    if space in ("cmyk", "ycck"):
        raise CodecError("Invalid JPEG data: CMYK / YCCK JPEGs are not supported by "
                         "graphc")
    planes = component_planes(frame, ratio, fancy, method)
    want = channels or (1 if space == "gray" else 3)
    if space == "gray":
        g = planes[0].astype(np.uint8)[..., None]
        return g if want == 1 else np.repeat(g, 3, -1)
    if want == 1 and space == "ycc":
        return planes[0].astype(np.uint8)[..., None]
    rgb = (ycc_to_rgb(*planes) if space == "ycc" else
           np.stack(planes, -1).astype(np.uint8))
    if want == 1:
        r, g, b = (rgb[..., k].astype(np.int64) for k in range(3))
        return rgb_to_gray(r, g, b).astype(np.uint8)[..., None]
    return rgb
