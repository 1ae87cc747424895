"""JPEG and GIF codec ops on string scalars: DecodeJpeg, DecodeAndCropJpeg,
ExtractJpegShape, EncodeJpeg, EncodeJpegVariableQuality, DecodeGif and DecodeImage
(decode_image over PNG, BMP, JPEG and GIF). The codecs are in image_jpeg_decode.py,
image_jpeg_idct.py, image_jpeg_pixels.py, image_jpeg_encode.py and image_gif.py;
none of these ops is differentiable.
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .image_codec import _check_channels, _contents, _scalar_string
from .image_gif import gif_decode
from .image_jpeg_decode import jpeg_header
from .image_jpeg_encode import jpeg_encode
from .image_jpeg_pixels import decode_jpeg_pixels
from .image_png import CodecError, bmp_decode, png_decode
from .registry import OpDef, register

_METHODS = {"": "fast", "INTEGER_FAST": "fast", "INTEGER_ACCURATE": "accurate"}


def _check_decode_attrs(channels, ratio, dct_method):
    _check_channels(channels, (0, 1, 3))
    if ratio not in (1, 2, 4, 8):
        raise InferError(f"ratio must be 1, 2, 4 or 8, not {ratio}")
    if dct_method not in _METHODS and dct_method != "INTEGER_FLOAT":
        raise InferError(f"dct_method must be '', 'INTEGER_FAST' or 'INTEGER_ACCURATE', "
                         f"not {dct_method!r}")


def _infer_decode_jpeg(ctx, contents, *, channels, ratio, fancy_upscaling,
                       try_recover_truncated, acceptable_fraction, dct_method):
    _scalar_string(contents, "decode_jpeg")
    _check_decode_attrs(channels, ratio, dct_method)
    return (None, None, channels or None), dtypes.uint8


def _jpeg(data, channels, ratio, fancy_upscaling, try_recover_truncated, dct_method):
    if not data:
        raise CodecError("Input is empty.")
    return decode_jpeg_pixels(data, channels, ratio, fancy_upscaling,
                              _METHODS.get(dct_method, "fast"), try_recover_truncated)


def _decode_jpeg_kernel(contents, *, channels, ratio, fancy_upscaling,
                        try_recover_truncated, acceptable_fraction, dct_method):
    return _jpeg(_contents(contents, "decode_jpeg"), channels, ratio, fancy_upscaling,
                 try_recover_truncated, dct_method)


_DECODE_ATTRS = ("channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False, "
                 "acceptable_fraction=1, dct_method=''")

DECODE_JPEG = register(OpDef(
    "DecodeJpeg", _infer_decode_jpeg, _decode_jpeg_kernel, differentiable=False,
    api="image.decode_jpeg", signature=f"decode_jpeg(contents, {_DECODE_ATTRS})",
    shape_rule="() string -> (h, w, channels)", dtypes="string -> uint8",
    doc="Decodes a baseline or progressive JPEG with libjpeg-turbo's integer IDCT, "
        "fancy upsampling and colour conversion (TF's pixels exactly)."))


def _infer_crop(ctx, contents, window, *, channels, ratio, fancy_upscaling,
                try_recover_truncated, acceptable_fraction, dct_method):
    _scalar_string(contents, "decode_and_crop_jpeg")
    _check_decode_attrs(channels, ratio, dct_method)
    if window.dtype is not dtypes.int32:
        raise InferError(f"crop_window {{1}} must be int32, not {window.dtype.name}",
                         "dtype")
    if window.shape.rank not in (1, None) or window.shape._dims not in (None, (4,), (None,)):
        raise InferError("crop_window {1} must be a vector of 4 ints [y, x, h, w]")
    value = ctx.constant_value(window)
    h, w = (int(value[2]), int(value[3])) if value is not None else (None, None)
    return (h, w, channels or None), dtypes.uint8


def _crop_kernel(contents, window, *, channels, ratio, fancy_upscaling,
                 try_recover_truncated, acceptable_fraction, dct_method):
    px = _jpeg(_contents(contents, "decode_and_crop_jpeg"), channels, ratio,
               fancy_upscaling, try_recover_truncated, dct_method)
    if np.shape(window) != (4,):
        raise CodecError(f"crop_window must be of shape [4], not {np.shape(window)}")
    y, x, h, w = (int(v) for v in window)
    if y < 0 or x < 0 or h <= 0 or w <= 0 or y + h > px.shape[0] or x + w > px.shape[1]:
        raise CodecError(f"Invalid JPEG data or crop window: y={y}, x={x}, h={h}, w={w} "
                         f"for an image of {px.shape[0]} x {px.shape[1]}")
    return np.ascontiguousarray(px[y:y + h, x:x + w])


DECODE_AND_CROP_JPEG = register(OpDef(
    "DecodeAndCropJpeg", _infer_crop, _crop_kernel, differentiable=False,
    api="image.decode_and_crop_jpeg",
    signature=f"decode_and_crop_jpeg(contents, crop_window, {_DECODE_ATTRS})",
    shape_rule="() string, (4,) int32 [y, x, h, w] -> (h, w, channels)",
    dtypes="string, int32 -> uint8",
    doc="decode_jpeg then the crop window [y, x, h, w] of the (scaled) image."))


def _infer_shape(ctx, contents, *, output_type):
    _scalar_string(contents, "extract_jpeg_shape")
    if output_type not in (dtypes.int32, dtypes.int64):
        raise InferError(f"output_type must be int32 or int64, not {output_type.name}",
                         "dtype")
    return (3,), output_type


def _shape_kernel(contents, *, output_type):
    data = _contents(contents, "extract_jpeg_shape")
    if not data:
        raise CodecError("Input is empty.")
    f = jpeg_header(data)
    return np.array([f.height, f.width, len(f.components)], output_type.as_numpy_dtype)


EXTRACT_JPEG_SHAPE = register(OpDef(
    "ExtractJpegShape", _infer_shape, _shape_kernel, differentiable=False,
    api="image.extract_jpeg_shape", signature="extract_jpeg_shape(contents, "
    "output_type=int32)", shape_rule="() string -> (3,)", dtypes="string -> int32/int64",
    doc="[height, width, components] from a JPEG's SOF marker (no decoding)."))


def _check_image(image):
    if image.dtype is not dtypes.uint8:
        raise InferError(f"image {{0}} must be uint8, not {image.dtype.name}", "dtype")
    d = image.shape._dims
    if image.shape.rank not in (3, None) or (d is not None and d[2] not in (1, 3, None)):
        raise InferError(f"image {{0}} must have 1 or 3 channels (h, w, c), not "
                         f"{image.shape}")


def _infer_encode(ctx, image, *, format, quality, progressive, optimize_size,
                  chroma_downsampling, density_unit, x_density, y_density, xmp_metadata):
    _check_image(image)
    if format not in ("", "grayscale", "rgb"):
        raise InferError(f"format must be '', 'grayscale' or 'rgb', not {format!r}")
    if density_unit not in ("in", "cm"):
        raise InferError(f"density_unit must be 'in' or 'cm', not {density_unit!r}")
    return (), dtypes.string


def _encode(image, quality, format="", chroma_downsampling=True, density_unit="in",
            x_density=300, y_density=300, xmp_metadata=b""):
    c = image.shape[-1] if image.ndim == 3 else 0
    if image.ndim != 3 or c not in (1, 3):
        raise CodecError(f"image must have 1 or 3 channels, got {list(image.shape)}")
    if format and c != {"grayscale": 1, "rgb": 3}[format]:
        raise CodecError(f"format {format} expects {1 if format == 'grayscale' else 3} "
                         f"channels, got {list(image.shape)}")
    if not 0 <= quality <= 100:
        raise CodecError(f"quality must be in [0,100], got {quality}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise CodecError(f"JPEG encoding failed: invalid image size {image.shape[1]} x "
                         f"{image.shape[0]}")
    if isinstance(xmp_metadata, str):
        xmp_metadata = xmp_metadata.encode()
    data = jpeg_encode(image, quality, chroma_downsampling, density_unit, x_density,
                       y_density, xmp_metadata)
    return np.array(data, dtype=object)


def _encode_kernel(image, *, format, quality, progressive, optimize_size,
                   chroma_downsampling, density_unit, x_density, y_density, xmp_metadata):
    return _encode(image, quality, format, chroma_downsampling, density_unit, x_density,
                   y_density, xmp_metadata)


ENCODE_JPEG = register(OpDef(
    "EncodeJpeg", _infer_encode, _encode_kernel, differentiable=False,
    api="image.encode_jpeg", signature="encode_jpeg(image, format='', quality=95, "
    "progressive=False, optimize_size=False, chroma_downsampling=True, density_unit='in', "
    "x_density=300, y_density=300, xmp_metadata='')", shape_rule="(h, w, 1|3) -> ()",
    dtypes="uint8 -> string",
    doc="Baseline JFIF encoding with libjpeg's quality-scaled tables (4:2:0 chroma)."))


def _infer_variable(ctx, image, quality):
    _check_image(image)
    if quality.dtype is not dtypes.int32 or quality.shape.rank not in (0, None):
        raise InferError("quality {1} must be an int32 scalar", "dtype")
    return (), dtypes.string


def _variable_kernel(image, quality):
    return _encode(image, int(quality))


ENCODE_JPEG_VARIABLE_QUALITY = register(OpDef(
    "EncodeJpegVariableQuality", _infer_variable, _variable_kernel, differentiable=False,
    api="image.adjust_jpeg_quality", signature="encode_jpeg_variable_quality(images, "
    "quality)", shape_rule="(h, w, 1|3), () -> ()", dtypes="uint8, int32 -> string",
    doc="encode_jpeg with the quality a tensor (what adjust_jpeg_quality builds)."))


def _infer_gif(ctx, contents):
    _scalar_string(contents, "decode_gif")
    return (None, None, None, 3), dtypes.uint8


def _gif_kernel(contents):
    data = _contents(contents, "decode_gif")
    if not data:
        raise CodecError("Input is empty.")
    return gif_decode(data)


DECODE_GIF = register(OpDef(
    "DecodeGif", _infer_gif, _gif_kernel, differentiable=False, api="image.decode_gif",
    signature="decode_gif(contents)", shape_rule="() string -> (frames, h, w, 3)",
    dtypes="string -> uint8", doc="Decodes every frame of a (maybe animated) GIF."))


def _infer_any(ctx, contents, *, channels, dtype, expand_animations):
    _scalar_string(contents, "decode_image")
    _check_channels(channels)
    if dtype not in (dtypes.uint8, dtypes.uint16):
        raise InferError(f"dtype must be uint8 or uint16, not {dtype.name}", "dtype")
    return (None if expand_animations else (None, None, channels or None)), dtype


def _any_kernel(contents, *, channels, dtype, expand_animations):
    data = _contents(contents, "decode_image")
    wide = dtype is dtypes.uint16
    if data[:3] == b"\xff\xd8\xff":
        if channels not in (0, 1, 3):
            raise CodecError(f"channels must be 0, 1 or 3 for JPEG, not {channels}")
        px = decode_jpeg_pixels(data, channels)
    elif data[:3] == b"GIF":
        if channels not in (0, 3):
            raise CodecError(f"channels must be 0 or 3 for GIF, not {channels}")
        px = gif_decode(data)
        px = px if expand_animations else px[0]
    elif data[:2] == b"BM":
        px = bmp_decode(data, channels)
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        return png_decode(data, channels, wide)
    else:
        raise CodecError("Unknown image file format. One of JPEG, PNG, GIF, BMP required.")
    return px.astype(np.uint16) << np.uint16(8) if wide else px   # TF scales by 256


DECODE_IMAGE = register(OpDef(
    "DecodeImage", _infer_any, _any_kernel, differentiable=False,
    api="image.decode_image", signature="decode_image(contents, channels=None, "
    "dtype=uint8, expand_animations=True)",
    shape_rule="() string -> (h, w, c), or (frames, h, w, 3) for GIF",
    dtypes="string -> uint8 / uint16",
    doc="Decodes a PNG, BMP, JPEG or GIF, picked by the magic bytes (TF's DecodeImage)."))
