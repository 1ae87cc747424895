"""The export side of tf_graphdef_strops.py: graphc's string ops as the NodeDefs that
TF's tf.compat.v1 API makes for them. graphc's static arguments that TF takes as inputs
(ReduceJoin's axes, Fingerprint's method, SparseCrossV2's sep) become Const nodes; the
dense rows graphc's StringNGrams and UnicodeEncode take become TF's ragged (values,
row_splits) pair, as tf.strings.ngrams makes of a dense tensor, and their ragged
results graphc's dense rows again."""
import numpy as np

from .. import dtypes
from ..ops.strings_hash import M64
from ..ops.strings_unicode import _CODECS as _UNICODE_CODECS
from ..ops.tensor_utils import get_static_value
from .tf_graphdef import AttrValue
from .tf_graphdef_export import export, in_dtype, rank_of
from .wire import signed64

__all__ = []

_i32, _i64, _str = dtypes.int32, dtypes.int64, dtypes.string
_ENCODING = {codec: name for name, codec in _UNICODE_CODECS.items()}


def _bytes_attr(v):
    """A string attr holding bytes v as they are (a str is UTF-8)."""
    v = v[()] if isinstance(v, np.ndarray) else v
    return AttrValue(s=v if isinstance(v, bytes) else str(v).encode("utf-8"))


# ---- joins -------------------------------------------------------------------------------
@export("StringJoin")
def _string_join(ex, n):
    ex.emit(n, "StringJoin", n.inputs, N=len(n.inputs), separator=n.attrs["separator"])


@export("ReduceJoin")
def _reduce_join(ex, n):
    axis = n.attrs["axis"]
    if axis is None:            # TF1's reduce_join(axis=None): [rank - 1, ..., 0]
        rank = rank_of(n.inputs[0])
        if rank is None:
            raise ex.fail(n, "all axes of an input of unknown rank (TF needs them listed)")
        axis = list(range(rank - 1, -1, -1))
    axes = ex.const(n, "reduction_indices", np.asarray(axis, np.int32).reshape(-1))
    ex.emit(n, "ReduceJoin", (n.inputs[0], axes), keep_dims=n.attrs["keepdims"],
            separator=n.attrs["separator"])


@export("UnsortedSegmentJoin")
def _segment_join(ex, n):
    ex.emit(n, "UnsortedSegmentJoin", n.inputs, Tindices=in_dtype(n, 1),
            Tnumsegments=in_dtype(n, 2), separator=n.attrs["separator"])


# ---- regex: TF's API writes the Static op for a constant pattern (and rewrite) ----------
@export("RegexReplace")
def _regex_replace(ex, n):
    x, pattern, rewrite = n.inputs
    p, r = get_static_value(pattern), get_static_value(rewrite)
    g = n.attrs["replace_global"]
    if p is None or r is None:
        ex.emit(n, "RegexReplace", n.inputs, replace_global=g)
        return
    ex.emit(n, "StaticRegexReplace", (x,), pattern=_bytes_attr(p), rewrite=_bytes_attr(r),
            replace_global=g)


@export("RegexFullMatch")
def _regex_full_match(ex, n):
    p = get_static_value(n.inputs[1])
    if p is None:
        ex.emit(n, "RegexFullMatch", n.inputs)
        return
    ex.emit(n, "StaticRegexFullMatch", n.inputs[:1], pattern=_bytes_attr(p))


# ---- elementwise -------------------------------------------------------------------------
@export("StringStrip", "DecodeBase64")
def _plain(ex, n):
    ex.emit(n, n.type, n.inputs)


@export("EncodeBase64")
def _encode_base64(ex, n):
    ex.emit(n, "EncodeBase64", n.inputs, pad=n.attrs["pad"])


@export("Substr")
def _substr(ex, n):
    ex.emit(n, "Substr", n.inputs, T=in_dtype(n, 1), unit=n.attrs["unit"])


@export("StringToNumber")
def _to_number(ex, n):
    ex.emit(n, "StringToNumber", n.inputs, out_type=n.attrs["out_type"])


@export("StringCase")
def _case(ex, n):
    ex.emit(n, "StringUpper" if n.attrs["upper"] else "StringLower", n.inputs,
            encoding="utf-8" if n.attrs["encoding"] else "")


@export("StringFormat")
def _format(ex, n):
    a = n.attrs
    ex.emit(n, "StringFormat", n.inputs, T=[t.dtype for t in n.inputs],
            template=a["template"], placeholder=a["placeholder"], summarize=a["summarize"])


@export("Fingerprint")
def _fingerprint(ex, n):
    method = ex.const(n, "method", n.attrs["method"], _str)
    ex.emit(n, "Fingerprint", (n.inputs[0], method), T=in_dtype(n))


# ---- split -------------------------------------------------------------------------------
@export("StringSplit")
def _string_split(ex, n):
    a = n.attrs
    x, sep = n.inputs
    rank = rank_of(x)
    if a["mode"] == "bytes":
        raise ex.fail(n, "bytes_split has no one TF op (TF builds it from unicode ops)")
    if rank not in (0, 1):
        raise ex.fail(n, f"an input of shape {x.shape}: TF's op takes a vector")
    if rank == 0:               # graphc splits a scalar as the vector [x]
        x = ex.emit(n, "Reshape", (x, ex.const(n, "shape", [1])), name="Reshape", T=_str,
                    Tshape=_i32)
    if a["mode"] == "chars":
        ex.emit(n, "StringSplit", (x, sep), skip_empty=a["skip_empty"])
    else:
        ex.emit(n, "StringSplitV2", (x, sep), maxsplit=a["maxsplit"])


# ---- graphc's dense rows <-> TF's ragged (values, row_splits) ----------------------------
def _ragged_rows(ex, n, x):
    """x's rows (its last axis) as TF's (flat values, int64 row_splits) NodeDef names."""
    dims = None if x.shape._dims is None else list(x.shape._dims)
    if not dims:
        raise ex.fail(n, f"an input of shape {x.shape} (its rows need a known rank >= 1)")
    flat = x if len(dims) == 1 else ex.emit(
        n, "Reshape", (x, ex.const(n, "flat_shape", [-1])), name="flat_values", T=x.dtype,
        Tshape=_i32)
    if None not in dims:
        rows = int(np.prod(dims[:-1]))
        return flat, ex.const(n, "row_splits", np.arange(rows + 1) * dims[-1], _i64)
    size = ex.emit(n, "Size", (x,), name="Size", T=x.dtype, out_type=_i64)
    if len(dims) == 1:          # one row: [0, size] (tf.strings.ngrams of a vector)
        return flat, ex.emit(n, "Pack", (ex.const(n, "zero", 0, _i64), size),
                             name="row_splits", N=2, T=_i64, axis=0)
    if not dims[-1]:
        raise ex.fail(n, f"rows of unknown or zero width (input shape {x.shape})")
    limit = ex.emit(n, "AddV2", (size, ex.const(n, "one", 1, _i64)), name="limit", T=_i64)
    return flat, ex.emit(n, "Range", (ex.const(n, "start", 0, _i64), limit,
                                      ex.const(n, "width", dims[-1], _i64)),
                         name="row_splits", Tidx=_i64)


def _shape_const(ex, n, dims, what):
    """A Const of shape dims (one unknown dim as -1), for a Reshape."""
    if dims is None or sum(d is None for d in dims) > 1 or None in dims and 0 in dims:
        raise ex.fail(n, f"a result of shape {tuple(dims or ())} with several unknown "
                         "dims cannot be rebuilt from TF's flat values")
    return ex.const(n, what, [-1 if d is None else d for d in dims])


@export("StringNGrams")
def _ngrams(ex, n):
    a = n.attrs
    x = n.inputs[0]
    values, splits = _ragged_rows(ex, n, x)
    attrs = dict(Tsplits=_i64, separator=a["separator"], ngram_widths=list(a["widths"]),
                 left_pad=a["pads"][0], right_pad=a["pads"][1], pad_width=a["width"],
                 preserve_short_sequences=a["preserve"])
    _emit_flat(ex, n, "StringNGrams", (values, splits), rank_of(x) == 1, attrs)


@export("UnicodeEncode")
def _unicode_encode(ex, n):
    a = n.attrs
    x = n.inputs[0]
    if x.dtype != _i32:
        raise ex.fail(n, f"code points of dtype {x.dtype.name}: TF's op takes int32")
    values, splits = _ragged_rows(ex, n, x)
    attrs = dict(Tsplits=_i64, output_encoding=_ENCODING[a["codec"]], errors=a["errors"],
                 replacement_char=a["repl"])
    _emit_flat(ex, n, "UnicodeEncode", (values, splits), rank_of(x) == 2, attrs)


def _emit_flat(ex, n, op, inputs, same, attrs):
    """TF's op of flat string results: n's own node where they are graphc's result
    (`same`), else reshaped to graphc's output shape."""
    if same:
        ex.emit(n, op, inputs, **attrs)
        return
    flat = ex.emit(n, op, inputs, name=op, **attrs)
    ex.emit(n, "Reshape", (flat, _shape_const(ex, n, n.outputs[0].shape._dims, "shape")),
            T=_str, Tshape=_i32)


@export("UnicodeTranscode")
def _unicode_transcode(ex, n):
    a = n.attrs
    ex.emit(n, "UnicodeTranscode", n.inputs, input_encoding=_ENCODING[a["codec_in"]],
            output_encoding=_ENCODING[a["codec_out"]], errors=a["errors"],
            replacement_char=a["repl"], replace_control_characters=a["control"])


@export("UnicodeDecodeWithOffsets")
def _unicode_decode(ex, n):
    """A scalar's (code points, offsets): TF's op on [x] gives (row_splits, code points,
    offsets). (Always the WithOffsets op, which tf.strings.unicode_decode's UnicodeDecode
    is not, so that the node keeps its two outputs.)"""
    a = n.attrs
    x = ex.emit(n, "Reshape", (n.inputs[0], ex.const(n, "shape", [-1])), name="Reshape",
                T=_str, Tshape=_i32)
    attrs = dict(Tsplits=_i64, input_encoding=_ENCODING[a["codec"]], errors=a["errors"],
                 replacement_char=a["repl"], replace_control_characters=a["control"])
    op = ex.emit(n, "UnicodeDecodeWithOffsets", (x,), name="UnicodeDecodeWithOffsets",
                 **attrs)
    ex.emit(n, "IdentityN", (op + ":1", op + ":2"), T=[dtypes.int32, _i64])


# ---- SparseCross: graphc's (indices, values, shape) per input -> TF's N of each ---------
@export("SparseCross")
def _sparse_cross(ex, n):
    a = n.attrs
    k = a["n_sparse"]
    xs = n.inputs
    idx, vals, shapes = xs[0:3 * k:3], xs[1:3 * k:3], xs[2:3 * k:3]
    dense = xs[3 * k:]
    inputs = [*idx, *vals, *shapes, *dense]
    types = dict(N=k, sparse_types=[t.dtype for t in vals],
                 dense_types=[t.dtype for t in dense])
    if not a["hashed"]:         # tf.sparse.cross's op (SparseCross joins with "_X_" only)
        sep = ex.const(n, "sep", a["separator"].encode("utf-8"), _str)
        ex.emit(n, "SparseCrossV2", (*inputs, sep), **types)
        return
    key = signed64(a["hash_key"] & M64)                    # TF's int64 attr
    internal = _str if all(t.dtype == _str for t in (*vals, *dense)) else _i64
    ex.emit(n, "SparseCross", inputs, hashed_output=True, num_buckets=a["num_buckets"],
            hash_key=key, out_type=_i64, internal_type=internal, **types)
