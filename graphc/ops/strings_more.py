"""String splitting (TF1 string_split, tf.strings.split and bytes_split, as
SparseTensors, or RaggedTensors where result_type asks), length, lower/upper and
unsorted_segment_join."""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import apply, apply1, OpDef, register
from .strings import char_starts, map_array, need_scalar, need_string, obj, strings

__all__ = ["string_split"]


def _tokens(v, sep, mode, skip_empty, maxsplit):
    """The tokens of bytes v: mode 'chars' (TF1 string_split: each byte of sep is a
    delimiter), 'str' (str.split semantics, sep b'' = whitespace runs) or 'bytes'."""
    if mode == "bytes":
        return [v[i:i + 1] for i in range(len(v))]
    if mode == "chars":
        if not v:
            return []
        if not sep:
            return [v[i:i + 1] for i in range(len(v))]
        out, start = [], 0
        for i, b in enumerate(v):
            if b in sep:
                out.append(v[start:i])
                start = i + 1
        out.append(v[start:])
        return [t for t in out if t] if skip_empty else out
    if not sep:
        return v.split(None, maxsplit)
    return v.split(sep, maxsplit)


def _infer_split(ctx, x, sep, *, mode, skip_empty, maxsplit):
    need_string(ctx, 0)
    need_string(ctx, 1)
    need_scalar(ctx, 1, "the delimiter")
    if mode == "chars" and x.shape.rank not in (1, None):
        raise InferError(f"{{0}} must be 1-D (a vector of strings), not of shape {x.shape}")
    r = x.shape.rank
    out_rank = max(r, 1) + 1 if r is not None else None
    return [((None, out_rank), dtypes.int64), ((None,), dtypes.string),
            ((out_rank,), dtypes.int64)]


def _split_kernel(x, sep, *, mode, skip_empty, maxsplit):
    x = obj(x)
    shape = x.shape or (1,)
    toks = [_tokens(v, sep[()] if isinstance(sep, np.ndarray) else sep, mode, skip_empty,
                    maxsplit) for v in x.ravel().tolist()]
    counts = np.array([len(t) for t in toks], dtype=np.int64)
    n = int(counts.sum())
    rows = np.repeat(np.arange(len(toks)), counts)
    cols = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    lead = np.stack(np.unravel_index(rows, shape), axis=1) if n else \
        np.zeros((0, len(shape)), np.int64)
    indices = np.concatenate([lead, cols[:, None]], axis=1).astype(np.int64)
    values = np.empty(n, dtype=object)
    values[:] = [t for ts in toks for t in ts]
    width = int(counts.max()) if counts.size else 0
    return indices, values, np.array(list(shape) + [width], dtype=np.int64)


STRING_SPLIT = register(OpDef(
    "StringSplit", _infer_split, _split_kernel, differentiable=False, api="string_split",
    signature="string_split(source, delimiter=' ', skip_empty=True)",
    shape_rule="(n...) -> SparseTensor (n..., max tokens)", dtypes="string",
    doc="Splits strings into a SparseTensor of tokens."))


def _sparse_split(x, sep, name, mode, skip_empty=True, maxsplit=-1):
    from ..sparse import SparseTensor
    node = apply(STRING_SPLIT, (x, strings(sep)), name=name, mode=mode,
                 skip_empty=skip_empty, maxsplit=maxsplit)
    return SparseTensor(*node.outputs)


def string_split(source, sep=None, skip_empty=True, delimiter=None,
                 result_type="SparseTensor", name=None):
    """TF1 tf.string_split: splits a vector of strings at any byte of `sep` (default
    ' '; `delimiter` is its old name; '' splits into bytes); a SparseTensor of shape
    (n, max tokens).

        sp = gc.string_split(['a b', 'c'])    # values [b'a' b'b' b'c'], shape [2 2]
    """
    if sep is not None and delimiter is not None:
        raise ValueError("string_split: give sep or delimiter, not both")
    _check_result_type(result_type, "string_split")
    sep = sep if sep is not None else delimiter if delimiter is not None else " "
    return _result(_sparse_split(strings(source), sep, name, "chars", bool(skip_empty)),
                   result_type)


def split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None,
          name=None):
    """tf.compat.v1.strings.split: Python str.split semantics on each string (sep None:
    runs of whitespace). Returns a SparseTensor of rank input rank + 1.

        gc.strings.split(['a<>b', 'c'], sep='<>')   # values [b'a' b'b' b'c']
    """
    _check_result_type(result_type, "strings.split")
    from ..ragged_tensor import RaggedTensor
    x = input if input is not None else source
    sep = b"" if sep is None else sep
    maxsplit = -1 if maxsplit is None else int(maxsplit)
    if isinstance(x, RaggedTensor) or (result_type == "RaggedTensor" and
                                       strings(x).shape.rank not in (0, 1, None)):
        # TF: the tokens of every string of a RaggedTensor or of a rank >= 2 tensor
        from ..graph import name_scope
        from ..ragged_strings import split_rows
        with name_scope(name, "StringSplit"):
            rt = split_rows(x, lambda flat: _sparse_split(flat, sep, None, "str",
                                                          maxsplit=maxsplit))
        return rt if result_type == "RaggedTensor" else rt.to_sparse()
    return _result(_sparse_split(strings(x), sep, name, "str", maxsplit=maxsplit),
                   result_type)


def _check_result_type(result_type, api):
    if result_type not in ("SparseTensor", "RaggedTensor"):
        raise ValueError(f"{api}: result_type must be 'SparseTensor' or 'RaggedTensor', "
                         f"not {result_type!r}")


def _result(sp, result_type):
    if result_type == "SparseTensor":
        return sp
    from ..ragged_tensor import RaggedTensor
    return RaggedTensor.from_sparse(sp)


def bytes_split(input, name=None):
    """The bytes of each string: a 1-D tensor for a scalar input, else a RaggedTensor
    with one more ragged dim (as TF).

        gc.strings.bytes_split('ab')                 # [b'a' b'b']
        gc.strings.bytes_split(['ab', ''])           # [[b'a', b'b'], []]
    """
    from ..ragged_tensor import RaggedTensor
    if isinstance(input, RaggedTensor) or strings(input).shape.rank != 0:
        from ..ragged_strings import split_rows
        return split_rows(input, lambda flat: _sparse_split(flat, b"", name, "bytes"))
    return _sparse_split(strings(input), b"", name, "bytes").values


# ---- length, lower, upper -------------------------------------------------------------
def _infer_same(out):
    def infer(ctx, x, **attrs):
        need_string(ctx, 0)
        return x.shape, out or x.dtype
    return infer


def _length(v, unit):
    return len(char_starts(v)) if unit == "UTF8_CHAR" else len(v)


STRING_LENGTH = register(OpDef(
    "StringLength", _infer_same(dtypes.int32),
    lambda x, *, unit: map_array(lambda v: _length(v, unit), x, np.int32),
    differentiable=False, api="strings.length",
    signature="strings.length(input, name=None, unit='BYTE')", shape_rule="same as input",
    dtypes="string -> int32", doc="Length of each string in bytes or UTF-8 characters."))


def length(input, name=None, unit="BYTE"):
    """Length of each string in bytes or (unit='UTF8_CHAR') UTF-8 characters."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"strings.length: unit must be 'BYTE' or 'UTF8_CHAR', not {unit!r}")
    return apply1(STRING_LENGTH, (strings(input),), name=name, unit=unit)


def _case(v, upper, encoding):
    if not encoding:                      # ASCII letters only, as TF without encoding
        return v.upper() if upper else v.lower()
    s = v.decode("utf-8", "replace")       # TF: each bad byte sequence becomes U+FFFD
    return (s.upper() if upper else s.lower()).encode("utf-8")


STRING_CASE = register(OpDef(
    "StringCase", _infer_same(None),
    lambda x, *, upper, encoding: map_array(lambda v: _case(v, upper, encoding), x),
    differentiable=False, api="strings.lower",
    signature="strings.lower(input, encoding='', name=None)", shape_rule="same as input",
    dtypes="string", doc="Lower or upper case (ASCII, or UTF-8 with encoding='utf-8')."))


def _case_op(input, encoding, name, upper):
    enc = encoding.lower().replace("-", "")
    if enc not in ("", "utf8"):
        raise ValueError(f"strings.lower/upper: encoding must be '' or 'utf-8', "
                         f"not {encoding!r}")
    return apply1(STRING_CASE, (strings(input),), name=name, upper=upper, encoding=enc)


def lower(input, encoding="", name=None):
    """Each string in lower case: `gc.strings.lower(['AbC'])` is [b'abc']."""
    return _case_op(input, encoding, name, False)


def upper(input, encoding="", name=None):
    """Each string in upper case: `gc.strings.upper(['AbC'])` is [b'ABC']."""
    return _case_op(input, encoding, name, True)


# ---- unsorted_segment_join ------------------------------------------------------------
def _infer_segment_join(ctx, x, ids, n, *, separator):
    need_string(ctx, 0)
    if not ids.dtype.is_integer or not n.dtype.is_integer:
        raise InferError("segment_ids {1} and num_segments {2} must be int tensors",
                         "dtype")
    need_scalar(ctx, 2, "num_segments")
    k = ctx.constant_value(n)
    xd, idd = x.shape._dims, ids.shape._dims
    if xd is None or idd is None:
        return None, dtypes.string
    if len(idd) > len(xd) or not all(ctx.compatible(a, b) for a, b in zip(xd, idd)):
        raise InferError(f"segment_ids {{1}} of shape {ids.shape} must be a prefix of "
                         f"the shape {x.shape} of {{0}}")
    return (None if k is None else int(k),) + tuple(xd[len(idd):]), dtypes.string


def _join_after_nonempty(items, sep):
    """TF's UnsortedSegmentJoin: the separator goes before an item only once the joined
    text is not empty (['', 'q'] -> 'q', but ['a', ''] -> 'a,')."""
    out = b""
    for s in items:
        out = out + sep + s if out else s
    return out


def _segment_join_kernel(x, ids, n, *, separator):
    x = obj(x)
    n = int(n)
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        raise ValueError(f"unsorted_segment_join: segment_ids must be in [0, {n}), got "
                         f"values from {ids.min()} to {ids.max()}")
    rest = x.shape[ids.ndim:]
    rows = x.reshape((ids.size,) + rest)
    parts = [[] for _ in range(n)]
    for i, s in enumerate(ids.ravel().tolist()):
        parts[s].append(rows[i])
    sep = separator.encode()
    out = np.empty((n,) + rest, object)
    for s in range(n):
        if not parts[s]:
            out[s] = b""
            continue
        stacked = np.stack(parts[s], axis=-1).reshape(-1, len(parts[s]))
        joined = [_join_after_nonempty(r, sep) for r in stacked.tolist()]
        if rest:
            out[s] = np.array(joined, dtype=object).reshape(rest)
        else:
            out[s] = joined[0]
    return out


UNSORTED_SEGMENT_JOIN = register(OpDef(
    "UnsortedSegmentJoin", _infer_segment_join, _segment_join_kernel,
    differentiable=False, api="strings.unsorted_segment_join",
    signature="strings.unsorted_segment_join(inputs, segment_ids, num_segments, "
    "separator='', name=None)", shape_rule="(ids..., rest) -> (num_segments, rest)",
    dtypes="string", doc="Joins the strings of each segment, in input order."))


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """Joins inputs[i] into segment segment_ids[i], in order; empty segments are b''.

        gc.strings.unsorted_segment_join(['a', 'b', 'c'], [1, 0, 1], 2)   # [b'b' b'ac']
    """
    return apply1(UNSORTED_SEGMENT_JOIN, (strings(inputs), convert_to_tensor(segment_ids),
                                          convert_to_tensor(num_segments)),
                  name=name, separator=separator)
