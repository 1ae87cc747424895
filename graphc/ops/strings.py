"""String ops (TF1's top-level string functions): as_string, string_join, reduce_join,
regex_replace, string_strip, substr, string_to_number, and (from strings_base.py) the
helpers the other string modules share. Strings are object arrays of bytes; every string
op is non-differentiable, as in TF1. The hash buckets, fingerprint and base64 live in
strings_buckets.py, splitting and the tf.strings-only ops in strings_more.py and
strings_unicode.py."""
import re

import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .re2_unicode import unicode_class
from .registry import OpDef, apply1, register
from .strings_base import (_either, _elementwise, char_starts,  # noqa: F401 (re-exports)
                           map_array, need_scalar, need_string, obj, strings)

__all__ = ["as_string", "reduce_join", "regex_replace", "string_join", "string_strip",
           "string_to_hash_bucket", "string_to_hash_bucket_fast",
           "string_to_hash_bucket_strong", "string_to_number", "substr", "encode_base64",
           "decode_base64", "fingerprint", "string_split"]


# ---- as_string ------------------------------------------------------------------------
def _infer_as_string(ctx, x, *, fmt, kind):
    if x.dtype is dtypes.string:
        raise InferError("{0} is already a string tensor; as_string needs numbers or "
                         "bools", "dtype")
    return x.shape, dtypes.string


def _as_string_kernel(x, *, fmt, kind):
    if kind == "b":
        return map_array(lambda v: b"true" if v else b"false", x)
    if kind in "fc":
        def one(v):
            text = fmt % v                  # a NaN or inf padded to the width, as
            if not np.isfinite(v) and "0" in text:  # printf: with spaces, not zeros
                text = text.replace("0", "").rjust(len(text))
            if v != v and np.signbit(v):    # printf writes the sign of a NaN
                text = "-nan".rjust(len(text)) if text.startswith(" ") else \
                    "-nan".ljust(len(text))
            return text.encode()
        if kind == "c":                     # TF: "(real,imag)", each in the float format
            return map_array(lambda v: b"(" + one(v.real) + b"," + one(v.imag) + b")",
                             x.astype(np.complex128))
        return map_array(one, x.astype(np.float64))
    return map_array(lambda v: (fmt % v).encode(), x)


AS_STRING = register(OpDef(
    "AsString", _infer_as_string, _as_string_kernel, differentiable=False,
    api="as_string", signature="as_string(input, precision=-1, scientific=False, "
    "shortest=False, width=-1, fill='', name=None)", shape_rule="same as input",
    dtypes="numeric, bool -> string", doc="Each number formatted as a string (printf)."))


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",
              name=None):
    """Numbers or bools as strings, printf style (TF1 tf.as_string).

        gc.as_string([1.5, 2.25], precision=1, width=6, fill='0')   # [b'0001.5' b'0002.2']
    """
    x = convert_to_tensor(input)
    if scientific and shortest:
        raise ValueError("as_string: cannot use both scientific and shortest")
    if len(fill) > 1:
        raise ValueError(f"as_string: fill must be at most one character, not {fill!r}")
    if fill and fill not in " +-0#":
        raise ValueError(f"as_string: fill {fill!r} is not supported (one of ' +-0#')")
    kind = x.dtype.np.kind
    if precision > -1 and kind not in "fc":
        raise ValueError(f"as_string: precision is only for floats and complex numbers, "
                         f"not {x.dtype.name}")
    fmt = "%" + fill + (str(width) if width > -1 else "")
    if kind in "fc":
        fmt += ("." + str(precision) if precision > -1 else "")
        fmt += "e" if scientific else "g" if shortest else "f"
    else:
        fmt += "d"
    return apply1(AS_STRING, (x,), name=name, fmt=fmt, kind=kind)


# ---- string_join, reduce_join ---------------------------------------------------------
def _infer_string_join(ctx, *xs, separator):
    shape = ()
    for i, x in enumerate(xs):
        need_string(ctx, i)
        if x.shape.rank == 0:
            continue
        if shape == ():
            shape, first = x.shape, i
            continue
        if x.shape._dims is None:
            continue
        if shape._dims is None or len(shape._dims) != len(x.shape._dims) or not all(
                ctx.compatible(a, b) for a, b in zip(shape._dims, x.shape._dims)):
            raise InferError(f"string_join inputs must be scalars or of one shape: "
                             f"{{{first}}} has shape {shape} but {{{i}}} has {x.shape}")
        shape = type(shape)(tuple(ctx.merge(a, b) for a, b in zip(shape._dims, x.shape._dims))) \
            if shape._dims is not None else x.shape
    return shape, dtypes.string


def _string_join_kernel(*xs, separator):
    xs = [obj(x) for x in xs]
    shapes = {x.shape for x in xs if x.ndim}
    if len(shapes) > 1:
        raise ValueError(f"string_join: inputs must be scalars or of one shape, got "
                         f"{sorted(shapes)}")
    parts = np.broadcast_arrays(*xs)
    sep = separator.encode()
    out = np.empty(parts[0].shape, dtype=object)
    out.reshape(-1)[:] = [sep.join(t) for t in zip(*(np.ravel(p).tolist() for p in parts))]
    return out


STRING_JOIN = register(OpDef(
    "StringJoin", _infer_string_join, _string_join_kernel, differentiable=False,
    api="string_join", signature="string_join(inputs, separator='', name=None)",
    shape_rule="the common shape (scalars broadcast)", dtypes="string",
    doc="Elementwise concatenation of string tensors with a separator."))


def string_join(inputs, separator="", name=None):
    """Joins string tensors elementwise (scalars broadcast).

        gc.string_join([['a', 'b'], 'c'], separator='-')   # [b'a-c' b'b-c']
    """
    return apply1(STRING_JOIN, tuple(strings(x) for x in inputs), name=name,
                  separator=separator)


def _infer_reduce_join(ctx, x, *, axis, keepdims, separator):
    need_string(ctx, 0)
    if x.shape._dims is None:
        return None, dtypes.string
    rank = len(x.shape._dims)
    axes = range(rank) if axis is None else {ctx.axis(a, rank) for a in axis}
    dims = []
    for k, d in enumerate(x.shape._dims):
        if k not in axes:
            dims.append(d)
        elif keepdims:
            dims.append(1)
    return tuple(dims), dtypes.string


def _reduce_join_kernel(x, *, axis, keepdims, separator):
    x = obj(x)
    # TF1: the axes are joined in the order given, the first varying fastest
    # (reduce_join([["a","b"],["c","d"]], [0, 1]) is "acbd"); None is [rank-1, ..., 0]
    axes = tuple(range(x.ndim))[::-1] if axis is None else \
        tuple(dict.fromkeys(a % x.ndim for a in axis))
    rest = [k for k in range(x.ndim) if k not in axes]
    moved = np.transpose(x, rest + list(axes[::-1]))
    lead = moved.shape[:len(rest)]
    rows = moved.reshape(int(np.prod(lead)), int(np.prod(moved.shape[len(rest):])))
    sep = separator.encode()
    out = np.empty(lead, object)
    out.reshape(-1)[:] = [sep.join(r) for r in rows.tolist()]
    if keepdims:
        out = out.reshape([1 if k in axes else n for k, n in enumerate(x.shape)])
    return out


REDUCE_JOIN = register(OpDef(
    "ReduceJoin", _infer_reduce_join, _reduce_join_kernel, differentiable=False,
    api="reduce_join", signature="reduce_join(inputs, axis=None, keep_dims=False, "
    "separator='', name=None, reduction_indices=None, keepdims=None)",
    shape_rule="input shape without (or with 1 at) the joined axes", dtypes="string",
    doc="Joins strings along axes, in row-major order."))


def reduce_join(inputs, axis=None, keep_dims=None, separator="", name=None,
                reduction_indices=None, keepdims=None):
    """Joins the strings along `axis` (all axes if None; [] joins nothing).

        gc.reduce_join([['a', 'b'], ['c', 'd']], axis=0, separator='-')   # [b'a-c' b'b-d']
    """
    x = strings(inputs)
    if axis is None:
        axis = reduction_indices
    if axis is not None:
        axis = tuple(int(a) for a in np.ravel(axis))
    keep = bool(keepdims if keepdims is not None else keep_dims)
    return apply1(REDUCE_JOIN, (x,), name=name, axis=axis, keepdims=keep,
                  separator=separator)


# ---- regex ----------------------------------------------------------------------------
def _infer_regex(ctx, x, *_, replace_global=None):
    need_string(ctx, 0)
    for i in range(1, len(ctx.inputs)):
        need_string(ctx, i)
        need_scalar(ctx, i, "the pattern/rewrite")
    return x.shape, (dtypes.string if replace_global is not None else dtypes.bool_)


def _re2_rewrite(rewrite):
    """RE2's rewrite string (\\0..\\9 groups, \\\\ a backslash) as a Python re template.
    Any other backslash makes the rewrite invalid: RE2 writes what came before it and
    drops the rest, so TF's `\\g<1>` deletes the match (it is not a group)."""
    text, out, i = _text(rewrite), [], 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out.append(c)
        elif i + 1 < len(text) and text[i + 1].isdigit() and text[i + 1] < "\x80":
            out.append(f"\\g<{text[i + 1]}>")
            i += 1
        elif i + 1 < len(text) and text[i + 1] == "\\":
            out.append("\\\\")
            i += 1
        else:
            break
        i += 1
    return "".join(out)


# RE2's POSIX classes (ASCII, as RE2's) and Perl classes (ASCII too: \d is [0-9])
_POSIX = {"alpha": "A-Za-z", "digit": "0-9", "alnum": "0-9A-Za-z", "upper": "A-Z",
          "lower": "a-z", "space": "\t\n\v\f\r ", "punct": "!-/:-@\\[-`{-~",
          "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f", "blank": "\t ",
          "cntrl": "\x00-\x1f\x7f", "print": " -~", "graph": "!-~"}
_PERL = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\t\n\f\r "}


def _text(b):
    b = b[()] if isinstance(b, np.ndarray) else b
    return b.decode("utf-8", "surrogateescape") if isinstance(b, bytes) else b


_WORD = "[0-9A-Za-z_]"                               # RE2's \b is ASCII
_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"
_MULTILINE = re.compile(r"\(\?[a-zA-Z]*m[a-zA-Z]*[:)]")


def _complement(body):
    r"""A class body of every character outside the ASCII class body `body` (\W, \D, \S
    and [:^name:] inside a class, ASCII as RE2's)."""
    inside = re.compile(f"[{body}]")
    out, c = [], 0
    while c < 128:
        if inside.match(chr(c)):
            c += 1
            continue
        first = c
        while c < 128 and not inside.match(chr(c)):
            c += 1
        out.append(f"\\x{first:02x}" if c - 1 == first else f"\\x{first:02x}-\\x{c - 1:02x}")
    return "".join(out) + "\\x80-\\U0010ffff"


def _hex_char(src, i):
    r"""RE2's \x{hex} at src[i]: (Python escape, index after it)."""
    end = src.find("}", i)
    return f"\\U{int(src[i + 3:end], 16):08x}", end + 1


def _re2_class(src, i):
    r"""The RE2 class starting at src[i] == '[': (Python pattern, index after it)."""
    j, neg, parts = i + 1, False, []
    if src[j:j + 1] == "^":
        neg, j = True, j + 1
    if src[j:j + 1] == "]":                     # a ']' first in a class is literal
        parts.append("\\]")
        j += 1
    while j < len(src) and src[j] != "]":
        if src.startswith("[:", j):
            end = src.find(":]", j + 2)
            name = src[j + 2:end] if end > 0 else None
            if name in _POSIX or name and name[0] == "^" and name[1:] in _POSIX:
                parts.append(_POSIX[name] if name in _POSIX else _complement(_POSIX[name[1:]]))
                j = end + 2
                continue
        c = src[j]
        if c == "\\" and j + 1 < len(src):
            e = src[j + 1]
            if e in _PERL:
                parts.append(_PERL[e])
            elif e.lower() in _PERL:
                parts.append(_complement(_PERL[e.lower()]))
            elif e in "pP":
                body, j = unicode_class(src, j)
                parts.append(body)
                continue
            elif e == "x" and src[j + 2:j + 3] == "{":
                esc, j = _hex_char(src, j)
                parts.append(esc)
                continue
            else:
                parts.append(src[j:j + 2])
            j += 2
            continue
        parts.append("\\" + c if c in "[&~|" else c)    # Python warns of set operations
        j += 1
    return f"[{'^' if neg else ''}{''.join(parts)}]", j + 1


def _re2(pattern):
    """An RE2 pattern (UTF-8: '.' is one character) as a compiled Python pattern on str:
    POSIX classes ([[:punct:]], [[:^alpha:]]), ASCII \\d \\w \\s \\b as RE2's, Unicode
    classes (\\pL, \\p{Lu}, \\P{N}: re2_unicode.py), $ and \\z at the end of the text only
    (RE2 without (?m)), \\x{hex} and \\Q..\\E."""
    src, out, i = _text(pattern), [], 0
    multiline = _MULTILINE.search(src) is not None
    while i < len(src):
        c = src[i]
        if c == "\\" and i + 1 < len(src):
            e = src[i + 1]
            if e.lower() in _PERL:
                out.append(f"[{'^' if e.isupper() else ''}{_PERL[e.lower()]}]")
            elif e in "pP":
                body, i = unicode_class(src, i)
                out.append(f"[{body}]")
                continue
            elif e in "bB":
                out.append(_BOUNDARY if e == "b" else _NOT_BOUNDARY)
            elif e == "z":
                out.append("\\Z")
            elif e == "x" and src[i + 2:i + 3] == "{":
                esc, i = _hex_char(src, i)
                out.append(esc)
                continue
            elif e == "Q":                      # a literal up to \E (or the end)
                end = src.find("\\E", i + 2)
                end = len(src) if end < 0 else end
                out.append(re.escape(src[i + 2:end]))
                i = end + 2
                continue
            else:
                out.append(src[i:i + 2])
            i += 2
            continue
        if c == "[":
            part, i = _re2_class(src, i)
            out.append(part)
            continue
        out.append("\\Z" if c == "$" and not multiline else c)
        i += 1
    return re.compile("".join(out))


def _re2_global_sub(rx, rewrite, text):
    r"""rx.sub(rewrite, text) with RE2's GlobalReplace rule: an empty match right where
    the previous match ended is skipped (Python 3.7+ replaces it too: "ab  " with
    r"\s*$" -> "!" gives "ab!" in RE2 and TF, "ab!!" in re.sub)."""
    out, p, last_end = [], 0, -1
    while p <= len(text):
        m = rx.search(text, p)
        if m is None:
            break
        out.append(text[p:m.start()])
        if m.start() == m.end() == last_end:    # skip a character, search again
            out.append(text[p:p + 1])
            p += 1
            continue
        out.append(m.expand(rewrite))
        p = last_end = m.end()
    out.append(text[p:])
    return "".join(out)


def _regex_replace_kernel(x, pattern, rewrite, *, replace_global):
    rx, rw = _re2(pattern), _re2_rewrite(rewrite)
    if replace_global:
        def sub(v):
            return _re2_global_sub(rx, rw, _text(v))
    else:
        def sub(v):
            return rx.sub(rw, _text(v), count=1)
    return map_array(lambda v: sub(v).encode("utf-8", "surrogateescape"), x)


REGEX_REPLACE = register(OpDef(
    "RegexReplace", _infer_regex, _regex_replace_kernel, differentiable=False,
    api="regex_replace", signature="regex_replace(input, pattern, rewrite, "
    "replace_global=True, name=None)", shape_rule="same as input", dtypes="string",
    doc="Replaces regex matches (RE2 syntax on UTF-8; \\1 groups in the rewrite)."))


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """Replaces matches of `pattern` by `rewrite` (\\0 the match, \\1.. the groups).

        gc.regex_replace(['abc'], 'b(c)', r'<\\1>')   # [b'a<c>']
    """
    return apply1(REGEX_REPLACE, (strings(input), strings(pattern), strings(rewrite)),
                  name=name, replace_global=bool(replace_global))


def _regex_full_match_kernel(x, pattern):
    rx = _re2(pattern)
    return map_array(lambda v: rx.fullmatch(_text(v)) is not None, x, np.bool_)


REGEX_FULL_MATCH = register(OpDef(
    "RegexFullMatch", _infer_regex, _regex_full_match_kernel, differentiable=False,
    api="strings.regex_full_match",
    signature="strings.regex_full_match(input, pattern, name=None)",
    shape_rule="same as input", dtypes="string -> bool",
    doc="Whether each whole string matches the regex."))


# ---- strip, substr --------------------------------------------------------------------
STRING_STRIP = _elementwise(
    "StringStrip", "string_strip", lambda v: v.strip(), None,
    "string_strip(input, name=None)", "Strips leading and trailing ASCII whitespace.")


def string_strip(input, name=None):
    """Each string without leading and trailing whitespace: `gc.string_strip([' a '])`."""
    return apply1(STRING_STRIP, (strings(input),), name=name)


def _substr_one(v, pos, n, unit):
    starts = char_starts(v) if unit == "UTF8_CHAR" else None
    size = len(starts) if starts is not None else len(v)
    if not -size <= pos <= size:
        raise ValueError(f"substr: pos {pos} out of range for string {v!r} of {size} "
                         f"{'characters' if starts is not None else 'bytes'}")
    pos = pos + size if pos < 0 else pos
    end = size if n < 0 else min(size, pos + n)
    if starts is None:
        return v[pos:end]
    starts.append(len(v))
    return v[starts[pos]:starts[end]]


def _infer_substr(ctx, x, pos, n, *, unit):
    need_string(ctx, 0)
    for i in (1, 2):
        if not ctx.inputs[i].dtype.is_integer:
            raise InferError(f"{{{i}}} must be int32 or int64, not "
                             f"{ctx.inputs[i].dtype.name}", "dtype")
    ctx.same_dtype(1, 2)
    return ctx.broadcast(), dtypes.string


def _substr_kernel(x, pos, n, *, unit):
    x = obj(x)
    xs, ps, ns = np.broadcast_arrays(x, pos, n)
    out = np.empty(xs.shape, object)
    out.reshape(-1)[:] = [_substr_one(v, p, k, unit) for v, p, k in
                          zip(xs.ravel().tolist(), ps.ravel().tolist(), ns.ravel().tolist())]
    return out


SUBSTR = register(OpDef(
    "Substr", _infer_substr, _substr_kernel, differentiable=False, api="substr",
    signature="substr(input, pos, len, name=None, unit='BYTE')",
    shape_rule="broadcast of input, pos, len", dtypes="string, int",
    doc="Substrings [pos, pos+len) in bytes or UTF-8 characters (pos < 0 from the end)."))


def substr(input, pos, len, name=None, unit="BYTE"):
    """Substrings of `len` bytes (or UTF-8 characters) from `pos` (negative: from the
    end); `len` < 0 takes the rest.

        gc.substr(['hello', 'world'], 1, 3)        # [b'ell' b'orl']
    """
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"substr: unit must be 'BYTE' or 'UTF8_CHAR', not {unit!r}")
    x = strings(input)
    p = convert_to_tensor(pos)
    n = convert_to_tensor(len, dtype=p.dtype if isinstance(len, (int, list)) else None)
    return apply1(SUBSTR, (x, p, n), name=name, unit=unit)


# ---- string_to_number -----------------------------------------------------------------
_FLOAT = re.compile(rb"[ \t\n\v\f\r]*([+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf"
                    rb"|infinity|nan|0x[0-9a-f]+))[ \t\n\v\f\r]*", re.IGNORECASE)
_INT = re.compile(rb"[ \t\n\v\f\r]*([+-]?\d+)[ \t\n\v\f\r]*")


def parse_number(v, out_type):
    """The number the bytes v spell for out_type as TF's parsers (safe_strto32/64,
    safe_strtof/d) read them: surrounding whitespace allowed, no '_' separators, hex
    floats; None when v is not one, or an int out of out_type's range."""
    is_int = out_type.is_integer
    m = (_INT if is_int else _FLOAT).fullmatch(v)
    if m is None:
        return None
    s = m.group(1).decode()
    if is_int:
        k = int(s)
        info = np.iinfo(out_type.np)
        return k if info.min <= k <= info.max else None
    t = s.lstrip("+-").lower()
    return (-1 if s.startswith("-") else 1) * int(t, 16) if t.startswith("0x") else float(s)


def _to_number_kernel(x, *, out_type):
    def one(v):
        k = parse_number(v, out_type)
        if k is None:
            raise ValueError(f"StringToNumberOp could not correctly convert string: "
                             f"{v.decode('utf-8', 'replace')}")
        return k
    with np.errstate(over="ignore"):
        return map_array(one, x, out_type.np)


def _infer_to_number(ctx, x, *, out_type):
    need_string(ctx, 0)
    return x.shape, out_type


STRING_TO_NUMBER = register(OpDef(
    "StringToNumber", _infer_to_number, _to_number_kernel, differentiable=False,
    api="string_to_number",
    signature="string_to_number(string_tensor, out_type=gc.float32, name=None)",
    shape_rule="same as input", dtypes="string -> float32, float64, int32, int64",
    doc="Parses each string as a number."))


def string_to_number(string_tensor=None, out_type=dtypes.float32, name=None, input=None):
    """Each string parsed as a number of `out_type` (float32/float64/int32/int64).

        gc.string_to_number(['1.5', ' 2 '])      # [1.5 2.] float32
    """
    string_tensor = _either(string_tensor, input, "string_to_number")
    out_type = dtypes.as_dtype(out_type)
    if out_type not in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise TypeError(f"string_to_number: out_type must be float32, float64, int32 or "
                        f"int64, not {out_type.name}")
    return apply1(STRING_TO_NUMBER, (strings(string_tensor),), name=name, out_type=out_type)


# these build on the helpers above
from .strings_buckets import (decode_base64, encode_base64, fingerprint,  # noqa: E402
                              string_to_hash_bucket, string_to_hash_bucket_fast,
                              string_to_hash_bucket_strong)
from .strings_more import string_split  # noqa: E402
