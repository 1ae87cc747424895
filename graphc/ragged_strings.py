"""The string ops whose TF result, or input, is a RaggedTensor: strings.split of any
rank, bytes_split, unicode_decode/_split(_with_offsets) of rank >= 1, unicode_encode,
ngrams and reduce_join of a RaggedTensor. Each is built from graphc's dense string ops
(ops/strings*.py call these for such inputs)."""
import numpy as np

from . import dtypes, errors
from .graph import name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.broadcast import select as where_v2
from .ops.core import constant, convert_to_tensor
from .ops.creation import fill
from .ops.creation import range as range_
from .ops.gather import gather
from .ops.join import concat
from .ops.scan import cumsum
from .ragged_convert import _uniform
from .ragged_index import _wrap, concat as ragged_concat, expand_dims
from .ragged_tensor import RaggedTensor, fail, is_ragged, rowids_of, splits_of_lengths

_I64 = dtypes.int64


def _levels(rt):
    out = []
    while is_ragged(rt):
        out.append(rt)
        rt = rt.values
    return out


def _nest(values, like):
    """values (one row per flat value of like) under like's row partitions."""
    for level in reversed(_levels(like)):
        values = _wrap(values, level.row_splits, level._uniform)
    return values


def per_string(fn, x, api):
    """fn (1-D strings -> RaggedTensor of one row per string, or a tuple of them)
    applied to every string of x, a RaggedTensor or a dense tensor of known rank >= 1:
    the rows keep x's shape (its uniform dims show in the static shape, as TF's
    uniform_row_length)."""
    if is_ragged(x):
        got = per_string(fn, x.flat_values, api)
        return tuple(_nest(g, x) for g in got) if isinstance(got, tuple) else _nest(got, x)
    x = convert_to_tensor(x, dtype=dtypes.string)
    r = x.shape.rank
    if r is None or r == 0:
        raise fail(errors.ShapeError, api, "needs an input of known rank >= 1", input=x)
    got = fn(A.reshape(x, [-1]))
    if r == 1:
        return got
    return tuple(_outer(g, x) for g in got) if isinstance(got, tuple) else _outer(got, x)


def _outer(rt, x):
    """rt (one row per element of x) under uniform partitions for x's dims."""
    r, dims = x.shape.rank, x.shape._dims
    shape = A.shape(x, out_type=rt.row_splits.dtype)
    for k in range(r - 1, 0, -1):
        lead = dims[:k]
        nrows = int(np.prod(lead)) if all(isinstance(d, int) for d in lead) else \
            R.reduce_prod(shape[:k])
        length = dims[k] if isinstance(dims[k], int) else shape[k]
        rt = _uniform(rt, nrows, length, rt.row_splits.dtype)
    return rt


# ---- unicode ----------------------------------------------------------------------------
_WIDTH = {"UTF-8": None, "UTF-16-BE": 2, "UTF-32-BE": 4}


def decode_rows(x, encoding, errors_, repl, control, offsets):
    """(code points, [byte offsets]) of the 1-D strings x as RaggedTensors (int64
    row_splits): each string is transcoded to UTF-32-BE (replacing or dropping invalid
    sequences as unicode_decode does) and read 4 bytes a character."""
    from .ops.parsing_misc import decode_raw
    from .ops.strings import substr
    from .ops.strings_more import length
    from .ops.strings_unicode import unicode_transcode
    u32 = unicode_transcode(x, encoding, "UTF-32-BE", errors=errors_, replacement_char=repl,
                            replace_control_characters=control)
    splits = splits_of_lengths(E.cast(length(u32), _I64) // 4)
    rows = rowids_of(splits)
    pos = range_(0, splits[-1], 1, dtype=_I64) - gather(splits, rows)
    chunk = substr(gather(u32, rows), E.cast(pos * 4, dtypes.int32), 4)
    cps = A.reshape(decode_raw(chunk, dtypes.int32, little_endian=False), [-1])
    rt = RaggedTensor.from_row_splits(cps, splits, validate=False)
    if not offsets:
        return rt
    w = _WIDTH[encoding]
    if w is None:
        size = 1 + E.cast(cps >= 0x80, _I64) + E.cast(cps >= 0x800, _I64) + \
            E.cast(cps >= 0x10000, _I64)
    elif w == 2:
        size = 2 + 2 * E.cast(cps >= 0x10000, _I64)
    else:
        size = fill(A.shape(cps, out_type=_I64), np.int64(4))
    before = cumsum(size, exclusive=True)
    starts = concat([before, A.reshape(R.reduce_sum(size), [1])], 0)
    return rt, rt.with_flat_values(before - gather(gather(starts, splits[:-1]), rows))


def encode_rows(rt, encoding, errors_, repl):
    """The strings of the innermost rows of code points of RaggedTensor rt: each code
    point encoded alone, then the rows joined."""
    from .ops.strings_more import unsorted_segment_join
    from .ops.strings_unicode import unicode_encode
    if is_ragged(rt.values):
        return rt.with_values(encode_rows(rt.values, encoding, errors_, repl))
    chars = unicode_encode(A.expand_dims(rt.values, -1), encoding, errors_, repl)
    return unsorted_segment_join(chars, rt.value_rowids(), rt.nrows())


def split_rows(x, sp_split):
    """strings.split's RaggedTensor: sp_split (1-D strings -> SparseTensor of tokens)
    on every string of x."""
    return per_string(lambda flat: RaggedTensor.from_sparse(sp_split(flat)), x,
                      "strings.split")


# ---- reduce_join --------------------------------------------------------------------------
def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """TF's ragged reduce_join: the strings joined along axis (None: all of them)."""
    from .ops.strings import reduce_join as dense_join
    rt = inputs
    with name_scope(name, "RaggedReduceJoin"):
        if axis is None:
            out = dense_join(rt.flat_values, separator=separator)
            return A.reshape(out, [1] * rt.rank) if keepdims else out
        rank = rt.rank
        axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        if not isinstance(rank, int) or any(not -rank <= int(a) < rank for a in axes):
            raise ValueError(f"strings.reduce_join: axis {axis} is out of range for a "
                             f"RaggedTensor of rank {rank}")
        axes = sorted({int(a) % rank for a in axes})
        out = rt
        for a in reversed(axes):
            out = _join1(out, a, separator, dense_join)
        if keepdims:
            for a in axes:
                out = expand_dims(out, a) if is_ragged(out) else A.expand_dims(out, a)
        return out


def _join1(x, axis, sep, dense_join):
    from .ops.strings_more import unsorted_segment_join
    if not is_ragged(x):
        return dense_join(x, axis=axis, separator=sep)
    if axis >= 2:
        return x.with_values(_join1(x.values, axis - 1, sep, dense_join))
    if is_ragged(x.values):
        raise ValueError("strings.reduce_join: graphc joins a RaggedTensor along axis 0 "
                         "or 1 only when ragged_rank is 1")
    splits = x.row_splits
    rows = x.value_rowids()
    if axis == 1:
        return unsorted_segment_join(x.values, rows, x.nrows(), separator=sep)
    pos = range_(0, splits[-1], 1, dtype=splits.dtype) - gather(splits, rows)
    longest = E.maximum(R.reduce_max(splits[1:] - splits[:-1]), 0)
    return unsorted_segment_join(x.values, pos, longest, separator=sep)


# ---- ngrams -----------------------------------------------------------------------------
def ngrams(rt, widths, separator, pads, width, preserve):
    """TF's ngrams of each innermost row of RaggedTensor rt (ops/strings_unicode.py's
    rules: padding min(padding_width, w - 1) a side, one ngram of the whole row with
    padding_width a side for a short row when preserve). An empty row gets the
    padding-only ngrams, unless no row has a string (TF's kernel: nothing then)."""
    from .ops.strings import string_join
    from .ops.strings_more import unsorted_segment_join
    from .ops.strings_unicode import _pad_width
    if is_ragged(rt.values):
        return rt.with_values(ngrams(rt.values, widths, separator, pads, width, preserve))
    if rt.values.shape.rank != 1:
        raise fail(errors.ShapeError, "strings.ngrams", "needs 1-D flat_values",
                   flat_values=rt.values)
    splits, dt = rt.row_splits, rt.row_splits.dtype
    n = splits[1:] - splits[:-1]
    any_values = E.cast(A.size(rt.values, out_type=dt) > 0, dt)
    p0, p1 = (constant(np.array([pads[k].encode()], object)) for k in (0, 1))
    values = concat([rt.values, p0], 0)           # never empty: gathers stay in range
    last = A.shape(values, out_type=dt)[0] - 1
    parts, total = [], None
    for w in widths:
        p = _pad_width(width, w)
        count = any_values * E.maximum(n + 2 * p - w + 1, 0)
        total = count if total is None else total + count
        new = splits_of_lengths(count)
        rows = rowids_of(new)
        start = range_(0, new[-1], 1, dtype=dt) - gather(new, rows)
        base, length = gather(splits, rows), gather(n, rows)
        pieces = []
        for k in range(w):
            q = start + k - p                        # position in the row, < 0: left pad
            tok = gather(values, E.minimum(E.maximum(base + q, 0), last))
            tok = where_v2(q < 0, p0[0], where_v2(q >= length, p1[0], tok))
            pieces.append(tok)
        parts.append(_wrap(string_join(pieces, separator) if w > 1 else pieces[0], new))
    if preserve:
        keep = E.cast(E.logical_and(E.equal(total, 0), n > 0), dt)
        whole = unsorted_segment_join(rt.values, rt.value_rowids(), rt.nrows(),
                                      separator=separator)
        pw = max(width, 0)
        if pw:
            whole = string_join([p0[0]] * pw + [whole] + [p1[0]] * pw, separator)
        from .ops.mask import boolean_mask
        parts.append(_wrap(boolean_mask(whole, keep > 0), splits_of_lengths(keep)))
    if len(parts) == 1:
        return parts[0]
    return ragged_concat(parts, axis=1)


__all__ = []
