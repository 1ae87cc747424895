"""Row selection on RaggedTensors: gather of rows, __getitem__, boolean_mask, concat,
stack and expand_dims. Each builds new row_splits from row lengths (a cumsum) and moves
the values with a gather, whose gradient reaches flat_values."""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.array_more import invert_permutation
from .ops.asserts import Assert
from .ops.broadcast import where
from .ops.core import constant, convert_to_tensor, identity
from .ops.creation import range as range_
from .ops.gather import gather as dense_gather, unsorted_segment_sum
from .ops.join import concat as dense_concat
from .ops.mask import boolean_mask as dense_boolean_mask
from .ragged_tensor import RaggedTensor, fail, is_ragged, rowids_of, \
    splits_of_lengths


def _wrap(values, splits, uniform=None):
    rt = RaggedTensor(values, splits, internal=True)
    rt._uniform = uniform
    return rt


def gather_rows(x, idx):
    """Rows idx (1-D) of a Tensor or RaggedTensor."""
    if not is_ragged(x):
        return dense_gather(x, idx)
    splits = x.row_splits
    idx = E.cast(idx, splits.dtype) if idx.dtype is not splits.dtype else idx
    starts = dense_gather(splits, idx)
    lengths = dense_gather(splits, idx + 1) - starts
    new = splits_of_lengths(lengths)
    rows = rowids_of(new)
    src = dense_gather(starts - new[:-1], rows) + range_(0, new[-1], 1, dtype=splits.dtype)
    return _wrap(gather_rows(x.values, src), new, x._uniform)


def _row(x, i):
    """Row i (an int or scalar int tensor; negative counts from the end) of ragged x."""
    splits = x.row_splits
    n = x.shape._dims[0] if x.shape.rank else None
    if not isinstance(i, Tensor) and isinstance(n, int) and not -n <= i < n:
        raise fail(errors.ShapeError, "RaggedTensor.__getitem__", f"row index {i} is out "
                   f"of range for a RaggedTensor of {n} rows", row_splits=splits)
    i = convert_to_tensor(i, dtype=splits.dtype) if not isinstance(i, Tensor) else \
        E.cast(i, splits.dtype)
    n = x.nrows()
    i = where(E.less(i, 0), i + n, i)
    ok = E.logical_and(E.greater_equal(i, 0), E.less(i, n))
    with control_dependencies([Assert(ok, ["RaggedTensor[i]: row index out of range", i, n],
                                      name="check_row")]):
        i = identity(i)
    return gather_rows(x.values, range_(0, splits[i + 1] - splits[i], 1,
                                        dtype=splits.dtype) + splits[i])


def _is_index(k):
    return isinstance(k, (int, np.integer)) and not isinstance(k, bool) or \
        isinstance(k, Tensor) and k.shape.rank == 0


def getitem(rt, key):
    """rt[key]: ints and slices on the outer and ragged dims, anything a Tensor takes
    on the uniform inner dims: rt[1], rt[1:], rt[:, 1:3], rt[..., 0]. As in TF, an
    int on a ragged dim (rt[:, 0]) raises ValueError."""
    key = key if isinstance(key, tuple) else (key,)
    if any(k is None for k in key):
        raise ValueError("RaggedTensor.__getitem__: graphc does not support tf.newaxis "
                         "on a RaggedTensor")
    if any(k is Ellipsis for k in key):
        rank = rt.rank
        if rank is None or sum(k is Ellipsis for k in key) > 1:
            raise ValueError("RaggedTensor.__getitem__: one Ellipsis, on a known rank")
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (rank - len(key) + 1) + key[i + 1:]
    for k in key:
        if not (_is_index(k) or isinstance(k, slice)):
            raise TypeError(f"RaggedTensor.__getitem__: key {k!r} must be an int, a "
                            "scalar int tensor or a slice")
    with name_scope(None, "RaggedGetItem"):
        return _getitem(rt, key)


def _getitem(x, key):
    if not key:
        return x
    if not is_ragged(x):
        return x[key]
    k0, rest = key[0], key[1:]
    if _is_index(k0):
        return _getitem(_row(x, k0), rest)
    if k0 != slice(None):
        x = gather_rows(x, range_(0, x.nrows(), 1, dtype=x.row_splits.dtype)[k0])
    return _inner(x, rest)


def _inner(x, key):
    """key applied to dims 1... of x, keeping its outer dim."""
    if not key:
        return x
    if not is_ragged(x):
        return x[(slice(None),) + key]
    k1, rest = key[0], key[1:]
    if _is_index(k1):
        raise ValueError("Cannot index into an inner ragged dimension.")
    if k1 != slice(None):
        x = _slice_rows(x, k1, x.row_lengths())
    return x.with_values(_inner(x.values, rest))


def _slice_rows(x, s, lengths):
    """Each row of x sliced by s (Python slice semantics, step > 0)."""
    step = 1 if s.step is None else int(s.step)
    if step <= 0:
        raise ValueError("RaggedTensor.__getitem__: graphc slices ragged dims with a "
                         "positive step only")

    def bound(b, default):
        if b is None:
            return default
        if not isinstance(b, Tensor):
            b = int(b)
            return E.minimum(b, lengths) if b >= 0 else E.maximum(lengths + b, 0)
        if not b.dtype.is_integer or b.shape.rank not in (None, 0):
            raise fail(errors.DTypeError, "RaggedTensor.__getitem__", "a slice bound "
                       "must be an integer scalar", bound=b)
        b = E.cast(b, lengths.dtype) if b.dtype is not lengths.dtype else b
        # a run-time bound: Python's rule for both signs, chosen per run
        return where(E.greater_equal(b, 0), E.minimum(b, lengths),
                     E.maximum(lengths + b, 0))
    splits = x.row_splits
    start, stop = bound(s.start, 0 * lengths), bound(s.stop, lengths)
    n = E.maximum(stop - start, 0)
    n = (n + (step - 1)) // step if step > 1 else n
    new = splits_of_lengths(n)
    rows = rowids_of(new)
    pos = range_(0, new[-1], 1, dtype=splits.dtype) - dense_gather(new, rows)
    src = dense_gather(splits[:-1] + start, rows) + pos * step
    return _wrap(gather_rows(x.values, src), new)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """The rows `indices` of params (TF's tf.gather dispatch on a RaggedTensor, axis 0):
    `gc.ragged.gather(rt, [2, 0])` of [[1, 2], [], [3]] is [[3], [1, 2]]."""
    if not is_ragged(params):
        return dense_gather(params, indices, validate_indices, name, axis, batch_dims)
    if axis not in (None, 0) or batch_dims != 0:
        raise ValueError("ragged.gather: graphc gathers the rows (axis 0) of a "
                         "RaggedTensor only")
    with name_scope(name, "RaggedGather"):
        indices = convert_to_tensor(indices, name="indices")
        if not indices.dtype.is_integer:
            raise fail(errors.DTypeError, "ragged.gather", "indices must be integers",
                       indices=indices)
        r = indices.shape.rank
        if r == 0:
            return _row(params, indices)
        if r is None:
            raise fail(errors.ShapeError, "ragged.gather", "indices must have a known "
                       "rank", indices=indices)
        out = gather_rows(params, A.reshape(indices, [-1]))
        dims = indices.shape._dims
        shape = A.shape(indices, out_type=params.row_splits.dtype)
        for k in range(r - 1, 0, -1):
            n = R.reduce_prod(shape[:k])
            out = _wrap(out, range_(0, n + 1, 1, dtype=shape.dtype) * shape[k],
                        dims[k] if isinstance(dims[k], int) else None)
        return out


def _ragged_pair(data, mask, api):
    if not is_ragged(data):
        from .ragged_convert import from_tensor
        data = from_tensor(data, ragged_rank=mask.ragged_rank,
                           row_splits_dtype=mask.row_splits.dtype)
    if data.ragged_rank < mask.ragged_rank:
        raise ValueError(f"{api}: mask has ragged_rank {mask.ragged_rank}, data only "
                         f"{data.ragged_rank}")
    return data


def boolean_mask(data, mask, name=None):
    """The parts of data where mask is true; mask's dims are data's outer dims and the
    result is ragged in mask's last dim (TF's tf.ragged.boolean_mask):
    `gc.ragged.boolean_mask([[1, 2], [3, 4]], [[True, False], [True, True]])` is
    [[1], [3, 4]]."""
    api = "ragged.boolean_mask"
    with name_scope(name, "RaggedMask"):
        if not is_ragged(mask):
            mask = convert_to_tensor(mask, name="mask")
            if mask.dtype is not dtypes.bool_:
                raise fail(errors.DTypeError, api, "mask must be bool", mask=mask)
            r = mask.shape.rank
            if r == 1:
                if is_ragged(data):
                    return gather_rows(data, where(mask)[:, 0])
                return dense_boolean_mask(data, mask)
            if r is None or r == 0:
                raise fail(errors.ShapeError, api, "mask must have a known rank >= 1",
                           mask=mask)
            from .ragged_convert import from_tensor
            mask = from_tensor(mask, ragged_rank=r - 1,
                               row_splits_dtype=data.row_splits.dtype
                               if is_ragged(data) else dtypes.int64)
        data = _ragged_pair(data, mask, api)
        m = mask.ragged_rank
        levels = [data]
        for _ in range(m):
            levels.append(levels[-1].values)
        keep = mask.flat_values
        kept = boolean_mask(levels[m], keep) if is_ragged(levels[m]) else \
            dense_boolean_mask(levels[m], keep)
        inner = levels[m - 1]
        counts = unsorted_segment_sum(E.cast(keep, inner.row_splits.dtype),
                                      rowids_of(inner.row_splits), inner.nrows())
        out = _wrap(kept, splits_of_lengths(counts))
        for level in reversed(levels[:m - 1]):
            out = _wrap(out, level.row_splits, level._uniform)
        return out


def _as_ragged_list(values, api, ragged_rank=None):
    """The inputs as RaggedTensors of one ragged_rank (dense ones converted)."""
    from .ragged_convert import from_tensor
    values = list(values)
    if not values:
        raise ValueError(f"{api}: needs at least one input")
    rr = [v.ragged_rank for v in values if is_ragged(v)]
    k = max(rr) if ragged_rank is None and rr else ragged_rank
    if any(r != k for r in rr):
        raise ValueError(f"{api}: the inputs have different ragged ranks {sorted(set(rr))}")
    dts = {v.row_splits.dtype for v in values if is_ragged(v)}
    if len(dts) > 1:
        raise ValueError(f"{api}: the inputs' row_splits dtypes differ (int32 and int64)")
    dt = dts.pop() if dts else dtypes.int64
    return [v if is_ragged(v) else from_tensor(convert_to_tensor(v), ragged_rank=k,
                                               row_splits_dtype=dt) for v in values]


def _concat0(values):
    """Rows of the inputs (all Tensors or all RaggedTensors of one ragged_rank) in turn."""
    if not is_ragged(values[0]):
        return dense_concat(list(values), 0)
    parts, offset = [values[0].row_splits], None
    for prev, v in zip(values, values[1:]):
        offset = prev.row_splits[-1] if offset is None else offset + prev.row_splits[-1]
        parts.append(v.row_splits[1:] + offset)
    return _wrap(_concat0([v.values for v in values]), dense_concat(parts, 0))


def concat(values, axis, name=None):
    """The inputs joined along axis (TF's tf.concat dispatch on RaggedTensors), axis 0
    (rows one after the other) or 1 (row i of each input, joined):
    `gc.ragged.concat([rt, rt], axis=1)`."""
    api = "ragged.concat"
    with name_scope(name, "RaggedConcat"):
        if not any(is_ragged(v) for v in values):
            return dense_concat(list(values), axis)
        values = _as_ragged_list(values, api)
        rank = values[0].rank
        axis = axis + rank if isinstance(rank, int) and axis < 0 else axis
        if axis == 0:
            return _concat0(values)
        if axis != 1:
            raise ValueError(f"{api}: graphc joins RaggedTensors along axis 0 or 1, not "
                             f"{axis}")
        return _concat_rows(values)


def _concat_rows(values):
    """Row i of the result: row i of each input, in turn (a gather of _concat0's rows)."""
    dt = values[0].row_splits.dtype
    lengths = [v.row_splits[1:] - v.row_splits[:-1] for v in values]
    n0 = values[0].nrows()
    checks = [Assert(E.equal(v.nrows(), n0), ["ragged.concat: inputs must have the same "
                                              "number of rows", v.nrows(), n0],
                     name="check_nrows") for v in values[1:]]
    with control_dependencies(checks):
        total = identity(lengths[0])
    for ln in lengths[1:]:
        total = total + ln
    new = splits_of_lengths(total)
    dests, prefix = [], new[:-1]
    for v, ln in zip(values, lengths):
        rows = rowids_of(v.row_splits)
        pos = range_(0, v.row_splits[-1], 1, dtype=dt) - dense_gather(v.row_splits, rows)
        dests.append(dense_gather(prefix, rows) + pos)
        prefix = prefix + ln
    perm = invert_permutation(dense_concat(dests, 0))
    return _wrap(gather_rows(_concat0([v.values for v in values]), perm), new)


def expand_dims(input, axis, name=None):  # noqa: A002 (TF name)
    """input with a new dim of size 1 at axis (TF's tf.expand_dims dispatch): for rt of
    shape (3, None), axis 0 gives (1, 3, None) and axis 1 (3, 1, None)."""
    if not is_ragged(input):
        return A.expand_dims(input, axis, name=name)
    with name_scope(name, "RaggedExpandDims"):
        rank = input.rank
        if isinstance(rank, int) and axis < 0:
            axis += rank + 1
        dt = input.row_splits.dtype
        n = input.nrows()
        static = input.shape._dims[0] if input.shape.rank else None
        if axis == 0:
            splits = A.stack([constant(np.zeros((), dt.np)), n])
            return _wrap(input, splits, static if isinstance(static, int) else None)
        if axis == 1:
            return _wrap(input, range_(0, n + 1, 1, dtype=dt), 1)
        return input.with_values(expand_dims(input.values, axis - 1))


def stack(values, axis=0, name=None):
    """The inputs stacked along a new axis 0 or 1 (TF's tf.ragged.stack): stacking
    [[1, 2], [3]] and [[4]] gives [[[1, 2], [3]], [[4]]]."""
    api = "ragged.stack"
    values = list(values)
    with name_scope(name, "RaggedConcat"):
        if not values:
            raise ValueError(f"{api}: needs at least one input")
        if all(not is_ragged(v) for v in values):
            values = [convert_to_tensor(v) for v in values]
            if axis == 0 and values[0].shape.rank is not None:
                rows = [A.reshape(A.shape(v, out_type=dtypes.int64)[0], [1]) for v in values]
                splits = splits_of_lengths(dense_concat(rows, 0))
                return _wrap(dense_concat(values, 0), splits)
            return A.stack(values, axis)
        values = _as_ragged_list(values, api)
        rank = values[0].rank
        axis = axis + rank + 1 if isinstance(rank, int) and axis < 0 else axis
        if axis == 0:
            dt = values[0].row_splits.dtype
            rows = [A.reshape(v.nrows(), [1]) for v in values]
            splits = splits_of_lengths(dense_concat(rows, 0))
            return _wrap(_concat0(values), E.cast(splits, dt) if splits.dtype is not dt
                         else splits)
        if axis != 1:
            raise ValueError(f"{api}: graphc stacks RaggedTensors along axis 0 or 1, "
                             f"not {axis}")
        return _concat_rows([expand_dims(v, 1) for v in values])
