"""TF GraphDef import of the string ops of serving graphs' preprocessing: StringJoin,
ReduceJoin, (Static)RegexReplace, (Static)RegexFullMatch, StringStrip, Substr,
StringToNumber, Encode/DecodeBase64, StringSplit(V2), StringLower/Upper, StringFormat,
StringNGrams, UnicodeDecode(WithOffsets), UnicodeEncode, UnicodeTranscode, Fingerprint,
UnsortedSegmentJoin and SparseCross(V2). The export side: tf_graphdef_export_strops.py.

Where TF takes or gives a ragged (values, row_splits) pair (StringNGrams, UnicodeEncode,
UnicodeDecode of any shape), graphc builds its RaggedTensor ops (ragged_strings.py):
rows of any lengths.
"""
import numpy as np

import graphc as gc

from .. import dtypes
from ..ops.registry import apply
from ..ops.strings_hash import M64
from ..ops.strings_unicode import _CODECS as _UNICODE_CODECS
from ..sparse_cross import SPARSE_CROSS
from .tf_graphdef_ops import table_op

__all__ = ["OPS"]

OPS = {}
_op = table_op(OPS)


def raw_s(n, key, default=None):
    """A string attr's bytes as written (Node.attr decodes them as UTF-8)."""
    n.used.add(key)
    if key not in n.nd.attr:
        if default is None:
            raise n.fail(f"has no attr '{key}'")
        return default
    return n.nd.attr[key].s


def _scalar_bytes(n, t, what):
    v = n.static(t, what)
    return v[()] if isinstance(v, np.ndarray) else v


# ---- joins -------------------------------------------------------------------------------
@_op("StringJoin", "N*=string", "=string")
def _string_join(n, *xs):
    return gc.strings.join(list(xs), separator=n.attr("separator", ""), name=n.name)


@_op("ReduceJoin", "=string =int32", "=string")
def _reduce_join(n, x, axes):
    axes = [int(a) for a in np.ravel(n.static(axes, "reduction_indices"))]
    if len(set(axes)) != len(axes):
        raise n.fail(f"reduction_indices {axes} repeat an axis (TF's kernel refuses it)")
    return gc.strings.reduce_join(x, axis=axes, keepdims=n.attr("keep_dims", False),
                                  separator=n.attr("separator", ""), name=n.name)


@_op("UnsortedSegmentJoin", "=string Tindices Tnumsegments", "=string")
def _segment_join(n, x, ids, num):
    return gc.strings.unsorted_segment_join(x, ids, num, separator=n.attr("separator", ""),
                                            name=n.name)


# ---- regex -------------------------------------------------------------------------------
@_op("RegexReplace", "=string =string =string", "=string")
def _regex_replace(n, x, pattern, rewrite):
    return gc.strings.regex_replace(x, pattern, rewrite,
                                    replace_global=n.attr("replace_global", True),
                                    name=n.name)


@_op("StaticRegexReplace", "=string", "=string")
def _static_regex_replace(n, x):
    pattern = gc.constant(raw_s(n, "pattern"), gc.string, name="pattern")
    rewrite = gc.constant(raw_s(n, "rewrite"), gc.string, name="rewrite")
    return gc.strings.regex_replace(x, pattern, rewrite,
                                    replace_global=n.attr("replace_global", True),
                                    name=n.name)


@_op("RegexFullMatch", "=string =string", "=bool")
def _regex_full_match(n, x, pattern):
    return gc.strings.regex_full_match(x, pattern, name=n.name)


@_op("StaticRegexFullMatch", "=string", "=bool")
def _static_regex_full_match(n, x):
    pattern = gc.constant(raw_s(n, "pattern"), gc.string, name="pattern")
    return gc.strings.regex_full_match(x, pattern, name=n.name)


# ---- elementwise -------------------------------------------------------------------------
@_op("StringStrip", "=string", "=string")
def _strip(n, x):
    return gc.strings.strip(x, name=n.name)


@_op("Substr", "=string T T", "=string")
def _substr(n, x, pos, length):
    return gc.strings.substr(x, pos, length, unit=n.attr("unit", "BYTE"), name=n.name)


@_op("StringToNumber", "=string", "out_type")
def _to_number(n, x):
    return gc.strings.to_number(x, out_type=n.attr("out_type", dtypes.float32), name=n.name)


@_op("EncodeBase64", "=string", "=string")
def _encode_base64(n, x):
    return gc.encode_base64(x, pad=n.attr("pad", False), name=n.name)


@_op("DecodeBase64", "=string", "=string")
def _decode_base64(n, x):
    return gc.decode_base64(x, name=n.name)


def _case(upper):
    def build(n, x):
        encoding = n.attr("encoding", "")
        if encoding not in ("", "utf-8"):       # (TF's kernel takes only these two)
            raise n.fail(f"encoding={encoding!r}: TF and graphc take '' or 'utf-8'")
        fn = gc.strings.upper if upper else gc.strings.lower
        return fn(x, encoding=encoding, name=n.name)
    return build


OPS["StringLower"] = (("=string",), ("=string",), _case(False))
OPS["StringUpper"] = (("=string",), ("=string",), _case(True))


@_op("StringFormat", "*T", "=string")
def _format(n, *xs):
    return gc.strings.format(n.attr("template", "%s"), list(xs),
                             placeholder=n.attr("placeholder", "%s"),
                             summarize=n.attr("summarize", 3), name=n.name)


@_op("Fingerprint", "T =string", "=uint8")
def _fingerprint(n, x, method):
    m = _scalar_bytes(n, method, "method")
    if m != b"farmhash64":
        raise n.fail(f"method {m!r}: graphc has only b'farmhash64'")
    return gc.fingerprint(x, name=n.name)


# ---- split -------------------------------------------------------------------------------
@_op("StringSplit", "=string =string", "=int64 =string =int64")
def _string_split(n, x, sep):
    from ..ops.strings_more import _sparse_split
    sp = _sparse_split(x, sep, n.name, "chars", bool(n.attr("skip_empty", True)))
    return sp.indices, sp.values, sp.dense_shape


@_op("StringSplitV2", "=string =string", "=int64 =string =int64")
def _string_split_v2(n, x, sep):
    from ..ops.strings_more import _sparse_split
    if x.shape.rank not in (1, None):
        raise n.fail(f"input of shape {x.shape}: TF's op takes a vector")
    sp = _sparse_split(x, sep, n.name, "str", maxsplit=int(n.attr("maxsplit", -1)))
    return sp.indices, sp.values, sp.dense_shape


# ---- ragged rows (values, row_splits): graphc's RaggedTensor ops ---------------------
def _ngram_rows(values, splits, widths, sep, pads, pad, preserve):
    """TF's StringNGrams kernel on the ragged (values, splits): per row, the ngrams of each
    width in turn, each side padded min(pad (-1: w - 1), w - 1), so an empty row gets
    pad-only ngrams; no strings at all give none; preserve: a nonempty row without
    ngrams gives one of the whole row, pad a side. (values, row_splits)."""
    from ..ops.mask import boolean_mask
    from ..ops.strings_unicode import _pad_width
    from ..ragged_index import concat as ragged_concat
    from ..ragged_tensor import RaggedTensor, rowids_of, splits_of_lengths
    dt = splits.dtype
    rt = RaggedTensor.from_row_splits(values, splits, validate=False)
    lens = splits[1:] - splits[:-1]
    any_data = gc.cast(gc.size(values, out_type=dt) > 0, dt)
    p0, p1 = (gc.constant(np.array([pads[k].encode()], object)) for k in (0, 1))
    padded = gc.concat([values, p0], 0)          # never empty: gathers stay in range
    last = gc.size(padded, out_type=dt) - 1
    parts, total = [], None
    for w in widths:
        p = _pad_width(pad, w)
        count = any_data * gc.maximum(lens + (2 * p - w + 1), 0)
        total = count if total is None else total + count
        new = splits_of_lengths(count)
        rows = rowids_of(new)
        start = gc.range(0, new[-1], 1, dtype=dt) - gc.gather(new, rows)
        base, length = gc.gather(splits, rows), gc.gather(lens, rows)
        pieces = []
        for k in range(w):
            q = start + (k - p)                      # position in the row, < 0: left pad
            tok = gc.gather(padded, gc.minimum(gc.maximum(base + q, 0), last))
            pieces.append(gc.where_v2(q < 0, p0[0], gc.where_v2(q >= length, p1[0], tok)))
        flat = gc.strings.join(pieces, separator=sep) if w > 1 else pieces[0]
        parts.append(RaggedTensor.from_row_splits(flat, new, validate=False))
    if preserve:
        keep = gc.logical_and(gc.equal(total, 0), lens > 0)
        whole = gc.strings.unsorted_segment_join(values, rt.value_rowids(), rt.nrows(),
                                         separator=sep)
        pw = max(pad, 0)
        if pw:
            whole = gc.strings.join([p0[0]] * pw + [whole] + [p1[0]] * pw, separator=sep)
        parts.append(RaggedTensor.from_row_splits(boolean_mask(whole, keep),
                                                  splits_of_lengths(gc.cast(keep, dt)),
                                                  validate=False))
    out = parts[0] if len(parts) == 1 else ragged_concat(parts, axis=1)
    return out.values, out.row_splits


@_op("StringNGrams", "=string Tsplits", "=string Tsplits")
def _ngrams(n, data, splits):
    """The ngrams of each row of the ragged (data, data_splits), rows of any lengths."""
    widths = list(n.attr("ngram_widths"))
    pad = int(n.attr("pad_width"))
    if not widths or min(widths) < 1:
        raise n.fail(f"ngram_widths {widths} must be ints >= 1")
    if data.shape.rank not in (1, None):
        raise n.fail(f"data {data.name} of shape {data.shape}: TF's op takes a vector")
    pads = (n.attr("left_pad", ""), n.attr("right_pad", ""))
    with gc.name_scope(n.sub("ngrams")):
        values, out_splits = _ngram_rows(gc.reshape(data, [-1]), splits, tuple(widths),
                                         n.attr("separator", " "), pads, pad,
                                         bool(n.attr("preserve_short_sequences", False)))
    return values, gc.cast(out_splits, n.attr("Tsplits", dtypes.int64))


def _codec(n, key):
    name = n.attr(key)
    if name not in _UNICODE_CODECS:
        raise n.fail(f"{key}={name!r}: graphc has only {sorted(_UNICODE_CODECS)}")
    return name


def _errors(n):
    errors, repl = n.attr("errors", "replace"), n.attr("replacement_char", 65533)
    if errors not in ("replace", "ignore", "strict"):
        raise n.fail(f"errors={errors!r}: one of 'replace', 'ignore', 'strict'")
    return errors, repl


@_op("UnicodeEncode", "=int32 Tsplits", "=string")
def _unicode_encode(n, values, splits):
    errors, repl = _errors(n)
    rt = gc.RaggedTensor.from_row_splits(values, splits, validate=False)
    return gc.strings.unicode_encode(rt,
                                     _codec(n, "output_encoding"), errors=errors,
                                     replacement_char=repl, name=n.name)


@_op("UnicodeTranscode", "=string", "=string")
def _unicode_transcode(n, x):
    errors, repl = _errors(n)
    return gc.strings.unicode_transcode(
        x, _codec(n, "input_encoding"), _codec(n, "output_encoding"), errors=errors,
        replacement_char=repl,
        replace_control_characters=n.attr("replace_control_characters", False),
        name=n.name)


def _unicode_decode(offsets):
    def build(n, x):
        """Each string of x (any shape, flattened: TF's rows) decoded: the row_splits,
        the code points (and each one's byte offset in its string). One string: graphc's
        op; several: graphc's ragged decode, whose offsets after an invalid sequence
        count the replacement's bytes, not the input's (TF's)."""
        errors, repl = _errors(n)
        kw = dict(errors=errors, replacement_char=repl,
                  replace_control_characters=n.attr("replace_control_characters", False))
        tsplits = n.attr("Tsplits", dtypes.int64)
        codec = _codec(n, "input_encoding")
        if x.shape.num_elements() == 1:
            cps, starts = gc.strings.unicode_decode_with_offsets(gc.reshape(x, []), codec,
                                                                 **kw)
            size = gc.size(cps, out_type=tsplits)
            splits = gc.stack([gc.zeros((), size.dtype), size])
            return (splits, cps, starts) if offsets else (splits, cps)
        got = gc.strings.unicode_decode_with_offsets(gc.reshape(x, [-1]), codec,
                                                     name=n.sub("decode"), **kw)
        splits = gc.cast(got[0].row_splits, tsplits)
        return (splits, got[0].values, got[1].values) if offsets else (splits,
                                                                       got[0].values)
    return build


OPS["UnicodeDecode"] = (("=string",), ("Tsplits", "=int32"), _unicode_decode(False))
OPS["UnicodeDecodeWithOffsets"] = (("=string",), ("Tsplits", "=int32", "=int64"),
                                   _unicode_decode(True))


# ---- SparseCross -------------------------------------------------------------------------
def _cross(n, xs, hashed, num_buckets, key, separator):
    count = n.attr("N")
    idx, vals, shapes = xs[:count], xs[count:2 * count], xs[2 * count:3 * count]
    flat = [t for sp in zip(idx, vals, shapes) for t in sp] + list(xs[3 * count:])
    node = apply(SPARSE_CROSS, tuple(flat), name=n.name, n_sparse=count, hashed=hashed,
                 num_buckets=int(num_buckets), hash_key=int(key) & M64,
                 separator=separator)
    return tuple(node.outputs)


def _cross_types(n):
    """The feature inputs' dtypes; TF's op hashes or prints int64 features by
    internal_type, graphc (and TF's Python API) as themselves."""
    types = n.attr("sparse_types", []) + n.attr("dense_types", [])
    for t in types:
        if t not in (dtypes.int64, dtypes.string):
            raise n.fail(f"a feature of dtype {t.name}: int64 or string only")
    return types


@_op("SparseCross", "N*=int64 *sparse_types N*=int64 *dense_types", "=int64 out_type =int64")
def _sparse_cross(n, *xs):
    types = _cross_types(n)
    hashed = n.attr("hashed_output")
    internal = n.attr("internal_type", dtypes.string)
    if hashed and internal is dtypes.string and dtypes.int64 in types:
        raise n.fail("internal_type=string with an int64 feature hashes its decimal "
                     "text; graphc hashes int64 features as themselves (internal_type="
                     "int64, what tf.sparse.cross_hashed writes)")
    n.attr("out_type")
    return _cross(n, xs, hashed, n.attr("num_buckets") if hashed else 0,
                  n.attr("hash_key") if hashed else 0, "_X_")


@_op("SparseCrossV2", "N*=int64 *sparse_types N*=int64 *dense_types =string",
     "=int64 =string =int64")
def _sparse_cross_v2(n, *xs):
    _cross_types(n)
    sep = _scalar_bytes(n, xs[-1], "sep")
    try:
        sep = sep.decode("utf-8")
    except UnicodeDecodeError:
        raise n.fail(f"sep {sep!r} is not UTF-8 text, which graphc's op keeps") from None
    return _cross(n, xs[:-1], False, 0, 0, sep)
