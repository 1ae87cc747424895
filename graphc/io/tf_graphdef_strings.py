"""TF GraphDef import and export of the preprocessing ops of serving graphs: string hash
buckets, StringLength, AsString and the image codecs (DecodeJpeg, DecodePng, DecodeImage, DecodeBmp,
DecodeGif, DecodeAndCropJpeg, ExtractJpegShape, EncodePng, EncodeJpeg). graphc's op
attrs are TF's (AsString keeps a printf format, rebuilt from and into TF's attrs), so
each op maps one to one (the export side: tf_graphdef_export_strings.py).
"""
import re

import graphc as gc

from .. import dtypes
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}
_op = table_op(OPS)

# ---- hash buckets ------------------------------------------------------------------------
_BUCKETS = {"fast": "StringToHashBucketFast", "strong": "StringToHashBucketStrong",
            "legacy": "StringToHashBucket"}


@_op("StringToHashBucketFast StringToHashBucket", "=string", "=int64")
def _bucket(n, s):
    fn = (gc.strings.to_hash_bucket_fast if n.op == "StringToHashBucketFast"
          else gc.string_to_hash_bucket)
    return fn(s, n.attr("num_buckets"), name=n.name)


@_op("StringToHashBucketStrong", "=string", "=int64")
def _bucket_strong(n, s):
    return gc.strings.to_hash_bucket_strong(s, n.attr("num_buckets"), list(n.attr("key")),
                                            name=n.name)


@_op("StringLength", "=string", "=int32")
def _length(n, s):
    return gc.strings.length(s, unit=n.attr("unit", "BYTE"), name=n.name)


# ---- AsString: graphc's printf format <-> TF's attrs -----------------------------------------
_FORMAT = re.compile(r"%([ +\-0#]?)(\d*)(?:\.(\d+))?([defg])$")


@_op("AsString", "T", "=string")
def _as_string(n, x):
    return gc.as_string(x, precision=n.attr("precision", -1),
                        scientific=n.attr("scientific", False),
                        shortest=n.attr("shortest", False), width=n.attr("width", -1),
                        fill=n.attr("fill", ""), name=n.name)


# ---- image codecs: the same attrs on both sides --------------------------------------------
_JPEG = ("channels", "ratio", "fancy_upscaling", "try_recover_truncated",
         "acceptable_fraction", "dct_method")
_CODECS = {"DecodeJpeg": _JPEG, "DecodeAndCropJpeg": _JPEG,
           "DecodePng": ("channels", "dtype"), "DecodeBmp": ("channels",),
           "DecodeGif": (), "DecodeImage": ("channels", "dtype", "expand_animations"),
           "ExtractJpegShape": ("output_type",)}


def _attrs(n, names, defaults):
    return {k: n.attr(k, defaults.get(k)) for k in names}


_JPEG_DEFAULTS = {"channels": 0, "ratio": 1, "fancy_upscaling": True,
                  "try_recover_truncated": False, "acceptable_fraction": 1.0,
                  "dct_method": ""}


@_op("DecodeJpeg", "=string", "=uint8")
def _decode_jpeg(n, s):
    return gc.image.decode_jpeg(s, name=n.name, **_attrs(n, _JPEG, _JPEG_DEFAULTS))


@_op("DecodeAndCropJpeg", "=string =int32", "=uint8")
def _decode_and_crop_jpeg(n, s, window):
    return gc.image.decode_and_crop_jpeg(s, window, name=n.name,
                                         **_attrs(n, _JPEG, _JPEG_DEFAULTS))


@_op("DecodePng", "=string", "dtype")
def _decode_png(n, s):
    return gc.image.decode_png(s, n.attr("channels", 0), n.attr("dtype", dtypes.uint8),
                               name=n.name)


@_op("DecodeBmp", "=string", "=uint8")
def _decode_bmp(n, s):
    return gc.image.decode_bmp(s, n.attr("channels", 0), name=n.name)


@_op("DecodeGif", "=string", "=uint8")
def _decode_gif(n, s):
    return gc.image.decode_gif(s, name=n.name)


@_op("DecodeImage", "=string", "dtype")
def _decode_image(n, s):
    return gc.image.decode_image(s, n.attr("channels", 0), n.attr("dtype", dtypes.uint8),
                                 name=n.name,
                                 expand_animations=n.attr("expand_animations", True))


@_op("ExtractJpegShape", "=string", "output_type")
def _extract_jpeg_shape(n, s):
    return gc.image.extract_jpeg_shape(s, n.attr("output_type", dtypes.int32), name=n.name)


@_op("EncodePng", "T", "=string")
def _encode_png(n, image):
    return gc.image.encode_png(image, n.attr("compression", -1), name=n.name)


@_op("EncodeJpeg", "=uint8", "=string")
def _encode_jpeg(n, image):
    names = ("format", "quality", "progressive", "optimize_size", "chroma_downsampling",
             "density_unit", "x_density", "y_density", "xmp_metadata")
    given = {k: n.attr(k, None) for k in names}
    return gc.image.encode_jpeg(image, name=n.name,
                                **{k: v for k, v in given.items() if v is not None})
