"""The export side of tf_graphdef_strings.py (string hash buckets, StringLength,
AsString, the image codecs): each graphc op becomes TF's op of the same attrs."""
from .tf_graphdef_export import export, in_dtype
from .tf_graphdef_strings import _BUCKETS, _CODECS, _FORMAT

__all__ = []


@export("StringToHashBucket")
def _export_bucket(ex, n):
    a = n.attrs
    key = {"key": list(a["key"])} if a["how"] == "strong" else {}
    ex.emit(n, _BUCKETS[a["how"]], n.inputs, num_buckets=a["num_buckets"], **key)


@export("StringLength")
def _export_length(ex, n):
    ex.emit(n, "StringLength", n.inputs, unit=n.attrs["unit"])


@export("AsString")
def _export_as_string(ex, n):
    fill, width, precision, conv = _FORMAT.match(n.attrs["fmt"]).groups()
    ex.emit(n, "AsString", n.inputs, T=in_dtype(n), fill=fill,
            width=int(width) if width else -1,
            precision=int(precision) if precision else -1,
            scientific=conv == "e", shortest=conv == "g")


@export(*_CODECS)
def _export_decode(ex, n):
    ex.emit(n, n.type, n.inputs, **{k: n.attrs[k] for k in _CODECS[n.type]})


@export("EncodePng")
def _export_encode_png(ex, n):
    ex.emit(n, "EncodePng", n.inputs, T=in_dtype(n), compression=n.attrs["compression"])


@export("EncodeJpeg")
def _export_encode_jpeg(ex, n):
    ex.emit(n, "EncodeJpeg", n.inputs, **n.attrs)
