"""gc.image's JPEG and GIF codecs (TF1's tf.image / tf.io names) over the ops of
ops/image_jpeg.py. See docs/image-codecs.md.

    jpg = gc.image.encode_jpeg(image_uint8, quality=90)     # a string scalar
    back = gc.image.decode_jpeg(jpg, channels=3)            # TF's pixels, bit for bit
"""
from . import dtypes
from .ops.core import convert_to_tensor
from .ops.image_jpeg import (DECODE_AND_CROP_JPEG, DECODE_GIF, DECODE_JPEG,
                             ENCODE_JPEG, ENCODE_JPEG_VARIABLE_QUALITY, EXTRACT_JPEG_SHAPE)
from .ops.registry import apply1

__all__ = ["decode_jpeg", "encode_jpeg", "decode_and_crop_jpeg", "extract_jpeg_shape",
           "adjust_jpeg_quality", "random_jpeg_quality", "decode_gif"]


def _string(contents):
    return convert_to_tensor(contents, dtype=dtypes.string)


def _decode_attrs(channels, ratio, fancy_upscaling, try_recover_truncated,
                  acceptable_fraction, dct_method):
    return dict(channels=int(channels), ratio=int(ratio),
                fancy_upscaling=bool(fancy_upscaling),
                try_recover_truncated=bool(try_recover_truncated),
                acceptable_fraction=float(acceptable_fraction), dct_method=str(dct_method))


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="",
                name=None):
    """(h / ratio, w / ratio, channels) uint8 pixels of JPEG bytes; channels 0 keeps
    the file's (1 or 3); dct_method '' is 'INTEGER_FAST', as in TF:

        img = gc.image.decode_jpeg(contents, channels=3, dct_method="INTEGER_ACCURATE")
    """
    return apply1(DECODE_JPEG, (_string(contents),), name=name, **_decode_attrs(
        channels, ratio, fancy_upscaling, try_recover_truncated, acceptable_fraction,
        dct_method))


def decode_and_crop_jpeg(contents, crop_window, channels=0, ratio=1, fancy_upscaling=True,
                         try_recover_truncated=False, acceptable_fraction=1,
                         dct_method="", name=None):
    """decode_jpeg, then the window crop_window = [y, x, height, width] (int32) of it:

        patch = gc.image.decode_and_crop_jpeg(contents, [10, 20, 64, 64], channels=3)
    """
    window = convert_to_tensor(crop_window, dtype=dtypes.int32)
    return apply1(DECODE_AND_CROP_JPEG, (_string(contents), window), name=name,
                  **_decode_attrs(channels, ratio, fancy_upscaling, try_recover_truncated,
                                  acceptable_fraction, dct_method))


def extract_jpeg_shape(contents, output_type=dtypes.int32, name=None):
    """[height, width, channels] of a JPEG, read from its header only:

        hwc = gc.image.extract_jpeg_shape(contents)
    """
    return apply1(EXTRACT_JPEG_SHAPE, (_string(contents),), name=name,
                  output_type=dtypes.as_dtype(output_type))


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False,
                chroma_downsampling=True, density_unit="in", x_density=300, y_density=300,
                xmp_metadata="", name=None):
    """Baseline JPEG bytes of an (h, w, 1 or 3) uint8 image (libjpeg's tables scaled by
    quality; 4:2:0 chroma unless chroma_downsampling=False):

        jpg = gc.image.encode_jpeg(image, quality=75)
    """
    return apply1(ENCODE_JPEG, (convert_to_tensor(image),), name=name, format=str(format),
                  quality=int(quality), progressive=bool(progressive),
                  optimize_size=bool(optimize_size),
                  chroma_downsampling=bool(chroma_downsampling),
                  density_unit=str(density_unit), x_density=int(x_density),
                  y_density=int(y_density), xmp_metadata=str(xmp_metadata))


def adjust_jpeg_quality(image, jpeg_quality, dct_method="", name=None):
    """The image after a JPEG round trip at jpeg_quality (0..100, maybe a tensor), in
    the image's dtype (floats are taken in [0, 1]):

        lossy = gc.image.adjust_jpeg_quality(image, 30)
    """
    from .image import convert_image_dtype
    from .graph import name_scope
    with name_scope(name, "adjust_jpeg_quality"):
        image = convert_to_tensor(image)
        channels = image.shape._dims[-1] if image.shape.rank else None
        orig = image.dtype
        image = convert_image_dtype(image, dtypes.uint8, saturate=True)
        quality = convert_to_tensor(jpeg_quality, dtype=dtypes.int32)
        data = apply1(ENCODE_JPEG_VARIABLE_QUALITY, (image, quality))
        out = apply1(DECODE_JPEG, (data,), **_decode_attrs(
            channels or 0, 1, True, False, 1, dct_method))
        return convert_image_dtype(out, orig, saturate=True)


def random_jpeg_quality(image, min_jpeg_quality, max_jpeg_quality, seed=None):
    """adjust_jpeg_quality with a quality drawn uniformly from [min, max):

        noisy = gc.image.random_jpeg_quality(image, 40, 90, seed=1)
    """
    from .ops.random import random_uniform
    if (min_jpeg_quality < 0 or max_jpeg_quality < 0 or min_jpeg_quality > 100 or
            max_jpeg_quality > 100):
        raise ValueError("jpeg encoding range must be between 0 and 100.")
    if min_jpeg_quality >= max_jpeg_quality:
        raise ValueError("`min_jpeg_quality` must be less than `max_jpeg_quality`.")
    quality = random_uniform([], min_jpeg_quality, max_jpeg_quality, seed=seed,
                             dtype=dtypes.int32)
    return adjust_jpeg_quality(image, quality)


def decode_gif(contents, name=None):
    """(frames, h, w, 3) uint8 pixels of a GIF, frames composed as TF composes them:

        frames = gc.image.decode_gif(contents)
    """
    return apply1(DECODE_GIF, (_string(contents),), name=name)
