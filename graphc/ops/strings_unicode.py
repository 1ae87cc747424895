"""tf.strings.format, ngrams and the Unicode ops whose compat.v1 result is dense
(unicode_encode, unicode_transcode, and unicode_decode/_with_offsets/split of a
scalar; TF returns RaggedTensors for the rest)."""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .array import expand_dims
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, register
from .strings import map_array, need_string, obj, strings

_ESCAPES = {0x0a: b"\\n", 0x0d: b"\\r", 0x09: b"\\t", 0x22: b'\\"', 0x27: b"\\'",
            0x5c: b"\\\\"}


def _c_escape(v):
    """TF 2.21's string summary: C escapes, octal for ASCII control bytes and DEL, and
    bytes >= 0x80 (UTF-8 text) written as they are."""
    return b"".join(_ESCAPES.get(b) or (bytes([b]) if 0x20 <= b < 0x7f or b >= 0x80
                                        else b"\\%03o" % b) for b in v)


def _float_text(v, dtype):
    """TF's FloatToBuffer/DoubleToBuffer: %g at FLT_DIG/DBL_DIG, else 9/17 digits."""
    short, full = (6, 9) if dtype == np.float32 else (15, 17)
    if not np.isfinite(v):
        return "nan" if v != v else ("-inf" if v < 0 else "inf")
    s = "%.*g" % (short, v)
    return s if dtype(float(s)) == v else "%.*g" % (full, v)


def _element_text(v, dtype):
    if dtype.kind == "O":
        return '"' + _c_escape(v).decode("utf-8", "surrogateescape") + '"'
    if dtype.kind == "b":
        return "1" if v else "0"
    if dtype.kind == "f":
        return _float_text(v, dtype.type)
    return str(int(v))


def _summarize(x, summarize):
    """TF's Tensor::SummarizeValue(print_v2=true) layout of array x."""
    if x.ndim == 0:
        return _element_text(x[()], x.dtype)
    if x.size == 0:
        return "[]"
    rank = x.ndim

    def pick(n):
        if summarize < 0 or n <= 2 * summarize:
            return list(range(n)), None
        return list(range(summarize)) + list(range(n - summarize, n)), summarize
    # iterative layout: a stack of (sub-array, depth) turned into text fragments
    out, stack = [], [(x, 0, False)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        a, depth, _ = item
        if depth == rank - 1:
            idx, cut = pick(a.shape[0])
            texts = [_element_text(a[i], a.dtype) for i in idx]
            if cut is not None:
                texts.insert(cut, "...")
            out.append("[" + " ".join(texts) + "]")
            continue
        idx, cut = pick(a.shape[0])
        sep = "\n" * (rank - depth - 1) + " " * (depth + 1)
        parts = [(a[i], depth + 1, False) for i in idx]
        if cut is not None:
            parts.insert(cut, "...")
        seq = ["]"]
        for k in range(len(parts) - 1, -1, -1):
            seq.append(parts[k])
            if k:
                seq.append(sep)
        seq.append("[")
        stack.extend(seq)
    return "".join(out)


def _infer_format(ctx, *xs, template, placeholder, summarize):
    return (), dtypes.string


def _format_kernel(*xs, template, placeholder, summarize):
    pieces = template.split(placeholder)
    text = [pieces[0]]
    for x, piece in zip(xs, pieces[1:]):
        text.append(_summarize(obj(x) if isinstance(x, bytes) else np.asarray(x),
                               summarize))
        text.append(piece)
    return np.array("".join(text).encode("utf-8", "surrogateescape"), dtype=object)


STRING_FORMAT = register(OpDef(
    "StringFormat", _infer_format, _format_kernel, differentiable=False,
    api="strings.format", signature="strings.format(template, inputs, placeholder='{}', "
    "summarize=3, name=None)", shape_rule="() string", dtypes="any -> string",
    doc="A scalar string: the template with each placeholder replaced by a tensor."))


def format(template, inputs, placeholder="{}", summarize=3, name=None):
    """The template with each placeholder replaced by a summary of one input tensor.

        gc.strings.format('x={}', [gc.constant([1.5, 2.0])])      # b'x=[1.5 2]'
    """
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    n = template.count(placeholder)
    if n != len(inputs):
        raise ValueError(f"strings.format: the template expects {n} tensors, but the "
                         f"inputs has {len(inputs)}")
    return apply1(STRING_FORMAT, tuple(convert_to_tensor(x) for x in inputs), name=name,
                  template=template, placeholder=placeholder, summarize=int(summarize))


# ---- ngrams ---------------------------------------------------------------------------
def _pad_width(width, w):
    """TF's padding for ngrams of width w: padding_width (-1: w - 1), capped at w - 1."""
    return min(width if width >= 0 else w - 1, w - 1)


def _ngram_count(n, widths, width, preserve):
    """How many ngrams a row of n strings gives (a short nonempty row preserved gives 1).
    No strings give none, padding or not: TF's kernel returns nothing for an input
    without strings (and a dense input's rows all have n strings)."""
    if n == 0:
        return 0
    count = sum(max(0, n + 2 * _pad_width(width, w) - w + 1) for w in widths)
    return 1 if preserve and count == 0 and n > 0 else count


def _row_ngrams(row, widths, sep, pads, width, preserve):
    out = []
    for w in widths:
        p = _pad_width(width, w)
        padded = [pads[0]] * p + row + [pads[1]] * p
        out += [sep.join(padded[i:i + w]) for i in range(len(padded) - w + 1)]
    if preserve and not out and row:
        # TF joins the whole row with the full padding_width (not capped) on each side
        p = max(width, 0)
        out = [sep.join([pads[0]] * p + row + [pads[1]] * p)]
    return out


def _infer_ngrams(ctx, x, *, widths, separator, pads, width, preserve):
    need_string(ctx, 0)
    if x.shape.rank == 0:
        raise InferError("{0} must have rank >= 1, not be a scalar")
    if x.shape._dims is None:
        return None, dtypes.string
    n = x.shape._dims[-1]
    count = _ngram_count(n, widths, width, preserve) if isinstance(n, int) else None
    return x.shape._dims[:-1] + (count,), dtypes.string


def _ngrams_kernel(x, *, widths, separator, pads, width, preserve):
    x = obj(x)
    n = x.shape[-1]
    rows = x.reshape(int(np.prod(x.shape[:-1])), n).tolist()   # -1 fails on size 0
    sep, pads = separator.encode(), (pads[0].encode(), pads[1].encode())
    k = _ngram_count(n, widths, width, preserve)
    out = np.empty((len(rows), k), object)
    for i, r in enumerate(rows):
        out[i, :] = _row_ngrams(r, widths, sep, pads, width, preserve)
    return out.reshape(x.shape[:-1] + (k,))


NGRAMS = register(OpDef(
    "StringNGrams", _infer_ngrams, _ngrams_kernel, differentiable=False,
    api="strings.ngrams", signature="strings.ngrams(data, ngram_width, separator=' ', "
    "pad_values=None, padding_width=None, preserve_short_sequences=False, name=None)",
    shape_rule="(..., n) -> (..., number of ngrams)", dtypes="string",
    doc="Joined ngrams along the last axis of a dense string tensor."))


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """ngrams of the strings along the last axis (a dense input gives a dense result).

        gc.strings.ngrams(['a', 'b', 'c'], 2)                 # [b'a b' b'b c']
    """
    widths = (ngram_width,) if isinstance(ngram_width, int) else tuple(ngram_width)
    if not widths or any(not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(f"strings.ngrams: ngram_width must be ints >= 1, got {ngram_width}")
    if padding_width is not None and padding_width < 1:
        raise ValueError(f"strings.ngrams: padding_width must be >= 1, got {padding_width}")
    if pad_values is None:
        pads, width = ("", ""), 0
    else:
        pads = (pad_values, pad_values) if isinstance(pad_values, str) else tuple(pad_values)
        width = -1 if padding_width is None else int(padding_width)
    from ..ragged_tensor import RaggedTensor
    if isinstance(data, RaggedTensor):             # TF: ngrams of each innermost row
        from ..graph import name_scope
        from ..ragged_strings import ngrams as ragged_ngrams
        with name_scope(name, "StringNGrams"):
            return ragged_ngrams(data, widths, separator, pads, width,
                                 bool(preserve_short_sequences))
    return apply1(NGRAMS, (strings(data),), name=name, widths=widths, separator=separator,
                  pads=pads, width=width, preserve=bool(preserve_short_sequences))


# ---- unicode --------------------------------------------------------------------------
_CODECS = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}


def _codec(name, what):
    if name not in _CODECS:
        raise ValueError(f"{what}: encoding must be one of {sorted(_CODECS)}, not {name!r}")
    return _CODECS[name]


def _decode(v, codec, errors, repl, control):
    """(code points, byte offsets) of bytes v; each maximal invalid subsequence is one
    replacement_char (errors='replace'), dropped ('ignore') or an error ('strict')."""
    cps, offsets, pos = [], [], 0
    while pos < len(v):
        try:
            text, bad = v[pos:].decode(codec), None
        except UnicodeDecodeError as e:
            if errors == "strict":
                raise ValueError(f"unicode decoding: invalid {codec} data {v!r}") from None
            text, bad = v[pos:pos + e.start].decode(codec), (pos + e.start, pos + e.end)
        at = pos
        for ch in text:
            c = ord(ch)
            cps.append(repl if control and c < 0x20 else c)
            offsets.append(at)
            at += len(ch.encode(codec))
        if bad is None:
            break
        if errors == "replace":
            cps.append(repl)
            offsets.append(bad[0])
        pos = bad[1]
    return cps, offsets


def _encode(cps, codec, errors, repl):
    chars = []
    for c in cps:
        if 0 <= c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF:
            chars.append(chr(c))
        elif errors == "strict":
            raise ValueError(f"unicode_encode: invalid code point {c}")
        elif errors == "replace":
            chars.append(chr(repl))
    return "".join(chars).encode(codec)


def _attrs_ok(errors, repl, what):
    if errors not in ("replace", "ignore", "strict"):
        raise ValueError(f"{what}: errors must be 'replace', 'ignore' or 'strict', "
                         f"not {errors!r}")
    if not 0 <= repl <= 0x10FFFF or 0xD800 <= repl <= 0xDFFF:
        raise ValueError(f"{what}: replacement_char {repl} is not a valid code point")


def _infer_encode(ctx, x, *, codec, errors, repl):
    if x.dtype not in (dtypes.int32, dtypes.int64):
        raise InferError(f"{{0}} must hold int32 code points, not {x.dtype.name}", "dtype")
    if x.shape.rank == 0:
        raise InferError("{0} must have rank >= 1 (the last axis holds the characters)")
    return (None if x.shape._dims is None else x.shape._dims[:-1]), dtypes.string


UNICODE_ENCODE = register(OpDef(
    "UnicodeEncode", _infer_encode,
    lambda x, *, codec, errors, repl: _encode_rows(x, codec, errors, repl),
    differentiable=False, api="strings.unicode_encode",
    signature="strings.unicode_encode(input, output_encoding, errors='replace', "
    "replacement_char=65533, name=None)", shape_rule="(..., n) -> (...)",
    dtypes="int32 -> string", doc="Encodes code points along the last axis as strings."))


def _encode_rows(x, codec, errors, repl):
    lead = x.shape[:-1]
    rows = x.reshape(int(np.prod(lead)), x.shape[-1]).tolist()     # (no characters: b"")
    out = np.empty(len(rows), object)
    out[:] = [_encode(r, codec, errors, repl) for r in rows]
    return out.reshape(x.shape[:-1])


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533,
                   name=None):
    """Code points (int32, characters along the last axis) encoded as strings.

        gc.strings.unicode_encode([[104, 233]], 'UTF-8')      # [b'h\\xc3\\xa9']
    """
    _attrs_ok(errors, replacement_char, "unicode_encode")
    from ..ragged_tensor import RaggedTensor
    if isinstance(input, RaggedTensor):            # TF: the strings of the innermost rows
        from ..ragged_strings import encode_rows
        return encode_rows(input, _codec(output_encoding, "unicode_encode") and
                           output_encoding, errors, int(replacement_char))
    return apply1(UNICODE_ENCODE, (convert_to_tensor(input, dtype_hint=dtypes.int32),),
                  name=name, codec=_codec(output_encoding, "unicode_encode"),
                  errors=errors, repl=int(replacement_char))


def _infer_transcode(ctx, x, **attrs):
    need_string(ctx, 0)
    return x.shape, dtypes.string


def _transcode_kernel(x, *, codec_in, codec_out, errors, repl, control):
    return map_array(lambda v: "".join(map(chr, _decode(v, codec_in, errors, repl,
                                                         control)[0])).encode(codec_out), x)


UNICODE_TRANSCODE = register(OpDef(
    "UnicodeTranscode", _infer_transcode, _transcode_kernel, differentiable=False,
    api="strings.unicode_transcode",
    signature="strings.unicode_transcode(input, input_encoding, output_encoding, "
    "errors='replace', replacement_char=65533, replace_control_characters=False, "
    "name=None)", shape_rule="same as input", dtypes="string",
    doc="Re-encodes each string, replacing or dropping invalid sequences."))


def unicode_transcode(input, input_encoding, output_encoding, errors="replace",
                      replacement_char=65533, replace_control_characters=False, name=None):
    """Each string decoded from input_encoding and encoded in output_encoding.

        gc.strings.unicode_transcode(['hé'], 'UTF-8', 'UTF-16-BE')   # [b'\\x00h\\x00\\xe9']
    """
    _attrs_ok(errors, replacement_char, "unicode_transcode")
    return apply1(UNICODE_TRANSCODE, (strings(input),), name=name,
                  codec_in=_codec(input_encoding, "unicode_transcode"),
                  codec_out=_codec(output_encoding, "unicode_transcode"), errors=errors,
                  repl=int(replacement_char), control=bool(replace_control_characters))


def _infer_decode(ctx, x, *, codec, errors, repl, control):
    need_string(ctx, 0)
    if x.shape.rank not in (0, None):
        raise InferError(f"{{0}} must be a scalar (TF returns a RaggedTensor for shape "
                         f"{x.shape}, which graphc does not have)")
    return [((None,), dtypes.int32), ((None,), dtypes.int64)]


def _decode_kernel(x, *, codec, errors, repl, control):
    cps, offsets = _decode(x[()] if isinstance(x, np.ndarray) else x, codec, errors, repl,
                           control)
    return np.array(cps, np.int32), np.array(offsets, np.int64)


UNICODE_DECODE = register(OpDef(
    "UnicodeDecodeWithOffsets", _infer_decode, _decode_kernel, differentiable=False,
    api="strings.unicode_decode_with_offsets",
    signature="strings.unicode_decode_with_offsets(input, input_encoding, "
    "errors='replace', replacement_char=65533, replace_control_characters=False, "
    "name=None)", shape_rule="() -> (n,), (n,)", dtypes="string -> int32, int64",
    doc="The code points of a scalar string and their byte offsets."))


def _rows_input(input):
    """Whether unicode_decode's input gives a RaggedTensor (TF: any input of rank >= 1)."""
    from ..ragged_tensor import RaggedTensor
    if isinstance(input, RaggedTensor):
        return True
    return strings(input).shape.rank not in (0, None)


def _decode_rows(input, input_encoding, errors, replacement_char, control, offsets,
                 name):
    from ..graph import name_scope
    from ..ragged_strings import decode_rows, per_string
    _attrs_ok(errors, replacement_char, "unicode_decode")
    _codec(input_encoding, "unicode_decode")
    with name_scope(name, "UnicodeDecode"):
        return per_string(lambda x: decode_rows(x, input_encoding, errors,
                                                int(replacement_char), control, offsets),
                          input, "unicode_decode")


def unicode_decode_with_offsets(input, input_encoding, errors="replace",
                                replacement_char=65533, replace_control_characters=False,
                                name=None):
    """(code points, byte offsets) of a scalar string; of a tensor of rank >= 1 or a
    RaggedTensor, two RaggedTensors with one more ragged dim (as TF).

        cps, offs = gc.strings.unicode_decode_with_offsets('hé', 'UTF-8')   # [104 233], [0 1]
    """
    if _rows_input(input):
        return _decode_rows(input, input_encoding, errors, replacement_char,
                            bool(replace_control_characters), True, name)
    _attrs_ok(errors, replacement_char, "unicode_decode")
    node = apply(UNICODE_DECODE, (strings(input),), name=name,
                 codec=_codec(input_encoding, "unicode_decode"), errors=errors,
                 repl=int(replacement_char), control=bool(replace_control_characters))
    return tuple(node.outputs)


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,
                   replace_control_characters=False, name=None):
    """The code points (int32) of each string: a 1-D tensor for a scalar,
    `unicode_decode('hé', 'UTF-8')`; a RaggedTensor for rank >= 1 or a RaggedTensor,
    `unicode_decode(['hé', ''], 'UTF-8')` is [[104, 233], []]."""
    if _rows_input(input):
        return _decode_rows(input, input_encoding, errors, replacement_char,
                            bool(replace_control_characters), False, name)
    return unicode_decode_with_offsets(input, input_encoding, errors, replacement_char,
                                       replace_control_characters, name)[0]


def _chars(cps, input_encoding, errors, replacement_char):
    """Each code point re-encoded alone (a RaggedTensor's flat values, or a vector)."""
    from ..ragged_tensor import RaggedTensor
    if isinstance(cps, RaggedTensor):
        return cps.with_flat_values(_chars(cps.flat_values, input_encoding, errors,
                                           replacement_char))
    return unicode_encode(expand_dims(cps, -1), input_encoding, errors, replacement_char)


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533,
                  name=None):
    """The characters of each string, each re-encoded: `unicode_split('hé', 'UTF-8')`
    is [b'h' b'\\xc3\\xa9'] (a RaggedTensor for an input of rank >= 1, as TF)."""
    cps = unicode_decode(input, input_encoding, errors, replacement_char, name=name)
    return _chars(cps, input_encoding, errors, replacement_char)


def unicode_split_with_offsets(input, input_encoding, errors="replace",
                               replacement_char=65533, name=None):
    """(characters, byte offsets) of each string: unicode_split plus where each
    character starts."""
    cps, offsets = unicode_decode_with_offsets(input, input_encoding, errors,
                                               replacement_char, name=name)
    return _chars(cps, input_encoding, errors, replacement_char), offsets


__all__ = ["format", "ngrams", "unicode_encode", "unicode_transcode", "unicode_decode",
           "unicode_decode_with_offsets", "unicode_split", "unicode_split_with_offsets"]
