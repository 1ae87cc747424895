"""PIL's image loading rules without PIL, for the file-backed iterators
(image_directory.py): `load_image_array` decodes PNG / JPEG / BMP / GIF with graphc's own
decoders, converts the color mode as PIL's `convert` and resizes as PIL's `resize`
(nearest: pixel (x + 0.5) * in / out; the others: PIL's separable filters in its 22-bit
fixed point).

    px = load_image_array("cat.png", color_mode="rgb", target_size=(64, 64))
"""
import math
import os

import numpy as np

__all__ = ["load_image_array"]

_PREC = 22        # PIL's PRECISION_BITS for 8-bit images: 32 - 8 - 2


def _hamming(x):
    x = abs(x)
    if x == 0.0:
        return 1.0
    if x >= 1.0:
        return 0.0
    x *= math.pi
    return math.sin(x) / x * (0.54 + 0.46 * math.cos(x))


def _bicubic(x, a=-0.5):
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


def _sinc(x):
    return 1.0 if x == 0.0 else math.sin(x * math.pi) / (x * math.pi)


def _lanczos(x):
    return _sinc(x) * _sinc(x / 3.0) if -3.0 <= x < 3.0 else 0.0


# PIL's resampling filters: (support, kernel)
_FILTERS = {"box": (0.5, lambda x: 1.0 if -0.5 < x <= 0.5 else 0.0),
            "bilinear": (1.0, lambda x: max(0.0, 1.0 - abs(x))),
            "hamming": (1.0, _hamming), "bicubic": (2.0, _bicubic),
            "lanczos": (3.0, _lanczos)}


def _pil_weights(n_in, n_out, lo, hi, method):
    """(n_out, n_in) int64 weights of PIL's resample along one axis over the box
    [lo, hi), in PIL's fixed point (coefficients times 2**22, rounded)."""
    support, fn = _FILTERS[method]
    scale = (hi - lo) / n_out
    fscale = max(scale, 1.0)
    support *= fscale
    w = np.zeros((n_out, n_in), np.int64)
    for o in range(n_out):
        center = lo + (o + 0.5) * scale
        x0 = max(int(center - support + 0.5), 0)
        x1 = min(int(center + support + 0.5), n_in)
        k = [fn((x + 0.5 - center) / fscale) for x in range(x0, x1)]
        total = sum(k)
        for x, v in zip(range(x0, x1), k):
            v = v / total if total else 0.0
            w[o, x] = int(v * (1 << _PREC) + (0.5 if v >= 0 else -0.5))
    return w


def _pil_resize(px, size, method, box):
    """(h, w, c) uint8 pixels resized to size = (height, width) over box = (left, top,
    right, bottom) as PIL's Image.resize does it."""
    (oh, ow), (h, w) = size, px.shape[:2]
    left, top, right, bottom = box
    if method == "nearest":
        iy = np.floor(top + (np.arange(oh) + 0.5) * (bottom - top) / oh).astype(int)
        ix = np.floor(left + (np.arange(ow) + 0.5) * (right - left) / ow).astype(int)
        return px[np.clip(iy, 0, h - 1)][:, np.clip(ix, 0, w - 1)]
    out = px.astype(np.int64)
    if (ow, left, right) != (w, 0, w):          # horizontal pass first, as PIL
        wx = _pil_weights(w, ow, left, right, method)
        out = np.einsum("jw,hwc->hjc", wx, out)
        out = np.clip((out + (1 << (_PREC - 1))) >> _PREC, 0, 255)
    if (oh, top, bottom) != (h, 0, h):
        wy = _pil_weights(h, oh, top, bottom, method)
        out = np.einsum("ih,hwc->iwc", wy, out)
        out = np.clip((out + (1 << (_PREC - 1))) >> _PREC, 0, 255)
    return out.astype(np.uint8)


def _pil_convert(px, color_mode):
    """(h, w, c) uint8 pixels converted to color_mode as PIL's Image.convert does:
    grayscale L = (19595 R + 38470 G + 7471 B + 2**15) >> 16, alpha 255 when added."""
    c = px.shape[2]
    if color_mode == "grayscale":
        if c <= 2:
            return px[:, :, :1]
        rgb = px[:, :, :3].astype(np.int64)
        lum = (rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 32768) >> 16
        return lum.astype(np.uint8)[:, :, None]
    rgb = np.repeat(px[:, :, :1], 3, axis=2) if c <= 2 else px[:, :, :3]
    if color_mode == "rgb":
        return rgb
    alpha = px[:, :, -1:] if c in (2, 4) else np.full(px.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([rgb, alpha], axis=2)


def load_image_array(path, color_mode="rgb", target_size=None, interpolation="nearest",
                     keep_aspect_ratio=False):
    """The (h, w, c) uint8 pixels load_img would give for a file, read without PIL
    (PNG, JPEG, BMP, GIF; the first frame of an animation).

        px = load_image_array("cat.png", target_size=(32, 32))   # (32, 32, 3) uint8
    """
    from ...ops.image_jpeg import DECODE_IMAGE
    from ... import dtypes
    if color_mode not in ("grayscale", "rgb", "rgba"):
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    with open(os.fspath(path), "rb") as f:
        data = f.read()
    px = DECODE_IMAGE.kernel(np.array(data, dtype=object), channels=0, dtype=dtypes.uint8,
                             expand_animations=False)
    px = _pil_convert(np.asarray(px), color_mode)
    if target_size is None or tuple(px.shape[:2]) == tuple(target_size):
        return px
    if interpolation not in _FILTERS and interpolation != "nearest":
        raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                         f"Supported methods are nearest, {', '.join(_FILTERS)}")
    height, width = px.shape[:2]
    box = (0, 0, width, height)
    if keep_aspect_ratio:
        crop_h = min(height, (width * target_size[0]) // target_size[1])
        crop_w = min(width, (height * target_size[1]) // target_size[0])
        top, left = (height - crop_h) // 2, (width - crop_w) // 2
        box = (left, top, left + crop_w, top + crop_h)
    return _pil_resize(px, tuple(target_size), interpolation, box)
