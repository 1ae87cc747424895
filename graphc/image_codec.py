"""gc.image's codecs: encode_png, decode_png, decode_bmp, decode_image, is_jpeg on
string scalars (the ops of ops/image_codec.py; decode_image's op, which also reads
JPEG and GIF, is in ops/image_jpeg.py).

    png = gc.image.encode_png(image_uint8)          # a string scalar
    back = gc.image.decode_png(png, channels=3)
"""
from . import dtypes
from .ops.core import convert_to_tensor
from .ops.image_codec import DECODE_BMP, DECODE_PNG, ENCODE_PNG, IS_JPEG
from .ops.image_jpeg import DECODE_IMAGE
from .ops.registry import apply1

__all__ = ["encode_png", "decode_png", "decode_bmp", "decode_image", "is_jpeg"]


def _string(contents):
    return convert_to_tensor(contents, dtype=dtypes.string)


def encode_png(image, compression=-1, name=None):
    """PNG bytes (a string scalar) of an (h, w, c) uint8 or uint16 image, c in 1..4:

        s = gc.image.encode_png(image, compression=9)
    """
    return apply1(ENCODE_PNG, (convert_to_tensor(image),), name=name,
                  compression=int(compression))


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """(h, w, c) pixels of PNG bytes; channels 0 keeps the image's own (1 gray, 2 gray
    + alpha, 3 RGB, 4 RGBA), dtype uint8 or uint16:

        img = gc.image.decode_png(contents, channels=3)
    """
    return apply1(DECODE_PNG, (_string(contents),), name=name, channels=int(channels),
                  dtype=dtypes.as_dtype(dtype))


def decode_bmp(contents, channels=0, name=None):
    """(h, w, c) uint8 pixels of BMP bytes (uncompressed 8-, 24- or 32-bit):

        img = gc.image.decode_bmp(contents)
    """
    return apply1(DECODE_BMP, (_string(contents),), name=name, channels=int(channels))


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None,
                 expand_animations=True):
    """decode_png, decode_bmp, decode_jpeg or decode_gif, by the contents' magic bytes.
    A GIF gives (frames, h, w, 3), or its first frame with expand_animations=False;
    then the static shape is unknown, as in TF. A float dtype converts the pixels
    with convert_image_dtype:

        img = gc.image.decode_image(contents, channels=3, dtype=gc.float32)
    """
    from .image import convert_image_dtype
    dtype = dtypes.as_dtype(dtype)
    raw = dtype if dtype in (dtypes.uint8, dtypes.uint16) else dtypes.uint8
    out = apply1(DECODE_IMAGE, (_string(contents),), name=name or "DecodeImage",
                 channels=int(channels or 0), dtype=raw,
                 expand_animations=bool(expand_animations))
    return out if raw is dtype else convert_image_dtype(out, dtype)


def is_jpeg(contents, name=None):
    """True when the contents start with JPEG's magic bytes (ff d8 ff):

        gc.image.is_jpeg(contents)
    """
    return apply1(IS_JPEG, (_string(contents),), name=name)
