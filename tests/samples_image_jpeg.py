"""Samples for the JPEG and GIF codec ops (ops/image_jpeg.py): none is differentiable.
References are round trips (decoded pixels close to the encoded ones) or exact values
(GIF pixels, JPEG headers)."""
import numpy as np

import graphc as gc
from gif_writer import gif
from graphc.ops.image_jpeg_encode import jpeg_encode
from samples import Sample

_PALETTE = [(0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255), (9, 99, 199)]


def _string(b):
    return np.array(b, dtype=object)


def _smooth(r, h, w, c=3):
    """A smooth uint8 image (JPEG keeps it within a few levels)."""
    y, x = np.mgrid[0:h, 0:w]
    base = [(np.sin(x / 5 + k) + np.cos(y / 7 - k)) * 50 + 128 for k in range(c)]
    return np.clip(np.stack(base, -1) + r.integers(-2, 3, (h, w, c)), 0, 255).astype(np.uint8)


def _jpeg_inputs(r):
    x = _smooth(r, int(r.integers(9, 30)), int(r.integers(9, 40)))
    return [_string(jpeg_encode(x, 98, chroma_downsampling=False)), x]


def _gif_inputs(r):
    h, w = int(r.integers(2, 9)), int(r.integers(2, 11))
    frames = [r.integers(0, 5, (h, w)), r.integers(0, 5, (h, w))]
    return [_string(gif(w, h, [dict(pixels=frames[0]),
                               dict(pixels=frames[1], transparent=0)], _PALETTE)),
            np.stack(frames)]


def _gif_ref(s, frames):
    pal = np.array(_PALETTE, np.uint8)
    first = pal[frames[0]]
    second = np.where((frames[1] == 0)[..., None], first, pal[frames[1]])
    return np.stack([first, second])


SAMPLES = [
    Sample("DecodeJpeg", lambda s, x: gc.image.decode_jpeg(s, channels=3), _jpeg_inputs,
           lambda s, x: x.astype(np.uint8), grad=False, rtol=0, atol=12),
    Sample("DecodeAndCropJpeg", lambda s, x: gc.image.decode_and_crop_jpeg(s, [1, 2, 5, 6]),
           _jpeg_inputs, lambda s, x: x[1:6, 2:8], grad=False, rtol=0, atol=12),
    Sample("ExtractJpegShape", lambda s, x: gc.image.extract_jpeg_shape(s), _jpeg_inputs,
           lambda s, x: np.array(x.shape, np.int32), grad=False),
    Sample("EncodeJpeg", lambda x: gc.image.decode_jpeg(gc.image.encode_jpeg(
        x, quality=98, chroma_downsampling=False)), lambda r: [_smooth(r, 11, 17)],
        lambda x: x, grad=False, rtol=0, atol=12),
    Sample("EncodeJpegVariableQuality", lambda x: gc.image.adjust_jpeg_quality(x, 97),
           lambda r: [_smooth(r, 13, 10)], lambda x: x, grad=False, rtol=0, atol=16),
    Sample("DecodeGif", lambda s, f: gc.image.decode_gif(s), _gif_inputs, _gif_ref,
           grad=False),
    Sample("DecodeImage", lambda s, f: gc.image.decode_image(s), _gif_inputs, _gif_ref,
           grad=False),
    Sample("DecodeImage", lambda s, x: gc.image.decode_image(
        s, channels=3, expand_animations=False), _jpeg_inputs, lambda s, x: x, grad=False,
        rtol=0, atol=12, id="jpeg"),
]
