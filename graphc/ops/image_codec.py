"""Image codec ops on string tensors (scalars holding bytes): EncodePng, DecodePng,
DecodeBmp and IsJpeg. The codecs are in ops/image_png.py; none is differentiable.
DecodeImage (any of PNG, BMP, JPEG and GIF) is in ops/image_jpeg.py.
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .image_png import CodecError, bmp_decode, png_decode, png_encode
from .registry import OpDef, register


def _contents(x, api):
    """The bytes of a string scalar."""
    v = x.item() if isinstance(x, np.ndarray) else x
    if isinstance(v, str):
        v = v.encode()
    if not isinstance(v, (bytes, bytearray)):
        raise CodecError(f"{api}: contents must be bytes, not {type(v).__name__}")
    return bytes(v)


def _scalar_string(t, api):
    if t.dtype is not dtypes.string:
        raise InferError(f"contents {{0}} must be a string tensor, not {t.dtype.name}",
                         "dtype")
    if t.shape.rank not in (0, None):
        raise InferError(f"contents {{0}} must be a scalar, not of shape {t.shape}")


def _check_channels(channels, allowed=(0, 1, 2, 3, 4)):
    if channels not in allowed:
        raise InferError(f"channels must be one of {allowed}, not {channels}")


def _infer_decode(ctx, contents, *, channels, dtype):
    _scalar_string(contents, "decode")
    _check_channels(channels)
    if dtype not in (dtypes.uint8, dtypes.uint16):
        raise InferError(f"dtype must be uint8 or uint16, not {dtype.name}", "dtype")
    return (None, None, channels or None), dtype


def _decode_png_kernel(contents, *, channels, dtype):
    return png_decode(_contents(contents, "decode_png"), channels, dtype is dtypes.uint16)


DECODE_PNG = register(OpDef(
    "DecodePng", _infer_decode, _decode_png_kernel, differentiable=False,
    api="image.decode_png", signature="decode_png(contents, channels=0, dtype=uint8)",
    shape_rule="() string -> (h, w, channels)", dtypes="string -> uint8 / uint16",
    doc="Decodes one PNG (any colour type and bit depth; not interlaced) to HWC pixels; "
        "channels 0 keeps the image's own."))


def _infer_bmp(ctx, contents, *, channels):
    _scalar_string(contents, "decode_bmp")
    _check_channels(channels, (0, 1, 3, 4))
    return (None, None, channels or None), dtypes.uint8


def _decode_bmp_kernel(contents, *, channels):
    return bmp_decode(_contents(contents, "decode_bmp"), channels)


DECODE_BMP = register(OpDef(
    "DecodeBmp", _infer_bmp, _decode_bmp_kernel, differentiable=False,
    api="image.decode_bmp", signature="decode_bmp(contents, channels=0)",
    shape_rule="() string -> (h, w, channels)", dtypes="string -> uint8",
    doc="Decodes one uncompressed BMP (8-, 24- or 32-bit) to HWC uint8 pixels."))


def _infer_encode(ctx, image, *, compression):
    if image.dtype not in (dtypes.uint8, dtypes.uint16):
        raise InferError(f"image {{0}} must be uint8 or uint16, not {image.dtype.name}",
                         "dtype")
    d = image.shape._dims
    if image.shape.rank not in (3, None) or (d is not None and d[2] not in (1, 2, 3, 4,
                                                                               None)):
        raise InferError(f"image {{0}} must be (height, width, 1..4 channels), not "
                         f"{image.shape}")
    if not -1 <= compression <= 9:
        raise InferError(f"compression must be in [-1, 9], not {compression}")
    return (), dtypes.string


def _encode_png_kernel(image, *, compression):
    return np.array(png_encode(image, compression), dtype=object)


ENCODE_PNG = register(OpDef(
    "EncodePng", _infer_encode, _encode_png_kernel, differentiable=False,
    api="image.encode_png", signature="encode_png(image, compression=-1)",
    shape_rule="(h, w, c) -> () string", dtypes="uint8 / uint16 -> string",
    doc="Encodes an HWC image (1 to 4 channels) as PNG bytes (zlib level compression)."))


def _infer_is_jpeg(ctx, contents):
    _scalar_string(contents, "is_jpeg")
    return (), dtypes.bool_


def _is_jpeg_kernel(contents):
    return np.bool_(_contents(contents, "is_jpeg")[:3] == b"\xff\xd8\xff")


IS_JPEG = register(OpDef(
    "IsJpeg", _infer_is_jpeg, _is_jpeg_kernel, differentiable=False, api="image.is_jpeg",
    signature="is_jpeg(contents)", shape_rule="() string -> () bool",
    dtypes="string -> bool", doc="Whether the contents start with JPEG's magic bytes."))
