"""Math on RaggedTensors: Python operators (elementwise on flat_values, a dense operand
broadcast to the values by gathering its rows), the reductions over ragged axes
(unsorted segment ops keyed by value_rowids, as TF's ragged_math_ops), map_flat_values,
ragged.range and the segment-id/row-splits conversions."""
import builtins

import numpy as np

from . import dtypes, errors, nest
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops import segment as S
from .ops.asserts import Assert
from .ops.core import convert_to_tensor, identity
from .ops.creation import ones_like, zeros_like
from .ops.creation import range as range_
from .ops.gather import gather, unsorted_segment_sum
from .ragged_tensor import RaggedTensor, fail, is_ragged, rowids_of, splits_of_lengths

_SEGMENT = {"sum": unsorted_segment_sum, "prod": S.unsorted_segment_prod,
            "max": S.unsorted_segment_max, "min": S.unsorted_segment_min}
_DENSE = {"sum": R.reduce_sum, "prod": R.reduce_prod, "max": R.reduce_max,
          "min": R.reduce_min, "mean": R.reduce_mean, "all": R.reduce_all,
          "any": R.reduce_any}


# ---- elementwise ------------------------------------------------------------------------
def _same_splits(x, y, api):
    """x's flat_values, made to wait for checks that y has x's nested row_splits."""
    if x.ragged_rank != y.ragged_rank:
        raise ValueError(f"{api}: the RaggedTensors have ragged_rank {x.ragged_rank} and "
                         f"{y.ragged_rank}")
    checks = []
    for a, b in zip(x.nested_row_splits, y.nested_row_splits):
        if a is b:
            continue
        if a.dtype is not b.dtype:
            raise fail(errors.DTypeError, api, "the row_splits dtypes differ",
                       x_row_splits=a, y_row_splits=b)
        if a.shape.rank == 1 and b.shape.rank == 1 and isinstance(a.shape._dims[0], int) \
                and isinstance(b.shape._dims[0], int) and a.shape._dims[0] != b.shape._dims[0]:
            raise fail(errors.ShapeError, api, "the RaggedTensors have different numbers "
                       "of rows", x_row_splits=a, y_row_splits=b)
        checks.append(Assert(R.reduce_all(E.equal(a, b)), [
            f"{api}: RaggedTensors must have the same row splits", a, b],
            name="check_splits"))
    if not checks:
        return x.flat_values
    with control_dependencies(checks):
        return identity(x.flat_values)


def _outer_rows(rt):
    """The outer row of each flat value (value_rowids composed through the levels)."""
    splits = rt.nested_row_splits
    rows = rowids_of(splits[-1])
    for s in reversed(splits[:-1]):
        rows = gather(rowids_of(s), rows)
    return rows


def _dense_for_flat(rt, d, api):
    """The dense operand d, shaped to broadcast against rt's flat_values."""
    rank, k = rt.rank, rt.ragged_rank
    r = d.shape.rank
    if rank is None or r is None:
        raise fail(errors.ShapeError, api, "needs the ranks of both operands",
                   flat_values=rt.flat_values, dense=d)
    if r <= rank - 1 - k:
        return d
    if r > rank:
        raise fail(errors.ShapeError, api, f"cannot broadcast a dense operand of rank {r} "
                   f"against a RaggedTensor of shape {rt.shape}", dense=d)
    dims = (1,) * (rank - r) + tuple(d.shape._dims)
    for j in builtins.range(1, k + 1):
        if isinstance(dims[j], int) and dims[j] != 1:
            raise fail(errors.ShapeError, api, f"cannot broadcast dim {j} of size "
                       f"{dims[j]} against the ragged dim {j} of {rt.shape}", dense=d)
    shape = A.shape(d)
    inner = shape[r - (rank - 1 - k):] if rank - 1 - k else shape[:0]
    if dims[0] == 1:
        return A.reshape(d, inner)
    from .ops.join import concat
    lead = shape[:1] if r == rank else shape[:0] + 1
    d2 = A.reshape(d, concat([lead, inner], 0))
    rows = _outer_rows(rt)
    if not isinstance(dims[0], int):
        rows = rows * E.cast(E.not_equal(A.shape(d2, out_type=rows.dtype)[0], 1), rows.dtype)
    return gather(d2, rows)


def elementwise(fn, x, y, api, name=None):
    """fn(x, y) where one or both are RaggedTensors: a RaggedTensor of x's structure."""
    xr, yr = is_ragged(x), is_ragged(y)
    with name_scope(name, "Ragged" + api.title().replace("_", "")):
        if xr and yr:
            return x.with_flat_values(fn(_same_splits(x, y, api), y.flat_values))
        rt, other = (x, y) if xr else (y, x)
        other = other if isinstance(other, Tensor) else convert_to_tensor(
            other, dtype=rt.dtype if not isinstance(other, (bool, np.bool_)) or
            rt.dtype is dtypes.bool_ else None)
        d = _dense_for_flat(rt, other, api)
        flat = fn(rt.flat_values, d) if xr else fn(d, rt.flat_values)
        return rt.with_flat_values(flat)


def _binary(fn, api):
    def op(self, other):
        return elementwise(fn, self, other, api)

    def rop(self, other):
        return elementwise(fn, other, self, api)
    return op, rop


def install(cls):
    """The Python operators of RaggedTensor."""
    for name, fn in [("add", E.add), ("sub", E.subtract), ("mul", E.multiply),
                     ("truediv", E.divide), ("floordiv", E.floordiv), ("mod", E.mod),
                     ("pow", E.pow), ("and", E.logical_and), ("or", E.logical_or),
                     ("xor", E.logical_xor)]:
        op, rop = _binary(fn, name)
        setattr(cls, f"__{name}__", op)
        setattr(cls, f"__r{name}__", rop)
    for name, fn in [("lt", E.less), ("le", E.less_equal), ("gt", E.greater),
                     ("ge", E.greater_equal)]:
        setattr(cls, f"__{name}__", _binary(fn, name)[0])
    cls.__neg__ = lambda self: self.with_flat_values(E.negative(self.flat_values))
    cls.__pos__ = lambda self: self
    cls.__abs__ = lambda self: self.with_flat_values(E.abs(self.flat_values))
    cls.__invert__ = lambda self: self.with_flat_values(E.logical_not(self.flat_values))


def map_flat_values(op, *args, **kwargs):
    """op applied to the flat_values of the RaggedTensors among args (which must share
    their nested row_splits): `gc.ragged.map_flat_values(gc.exp, rt)`."""
    leaves = [x for x in nest.flatten([args, kwargs]) if is_ragged(x)]
    if not leaves:
        return op(*args, **kwargs)
    first = leaves[0]
    flats = {id(x): _same_splits(x, first, "map_flat_values") for x in leaves}
    args, kwargs = nest.map_structure(
        lambda x: flats[id(x)] if is_ragged(x) else x, (list(args), kwargs))
    return first.with_flat_values(op(*args, **kwargs))


# ---- reductions -------------------------------------------------------------------------
def _segment(kind, data, ids, num):
    """out[i] = the reduction of the rows of data with ids == i; ragged data gives
    ragged rows as long as the longest row reduced into them."""
    if not is_ragged(data):
        return _SEGMENT[kind](data, ids, num)
    lengths = data.row_lengths()
    longest = E.maximum(S.unsorted_segment_max(lengths, ids, num), 0)
    out = splits_of_lengths(longest)
    rows = data.value_rowids()
    pos = range_(0, data.row_splits[-1], 1, dtype=rows.dtype) - gather(data.row_splits, rows)
    vids = gather(gather(out, ids), rows) + pos
    return RaggedTensor(_segment(kind, data.values, vids, out[-1]), out, internal=True)


def _reduce1(kind, x, axis):
    """x reduced over one axis (sum, prod, max or min)."""
    if not is_ragged(x):
        return _DENSE[kind](x, axis=axis)
    if axis == 0:
        splits = x.row_splits
        rows = x.value_rowids()
        pos = range_(0, splits[-1], 1, dtype=splits.dtype) - gather(splits, rows)
        longest = E.maximum(R.reduce_max(x.row_lengths()), 0)
        return _segment(kind, x.values, pos, longest)
    if axis == 1:
        return _segment(kind, x.values, x.value_rowids(), x.nrows())
    return x.with_values(_reduce1(kind, x.values, axis - 1))


def _map(fn, x):
    return x.with_flat_values(fn(x.flat_values)) if is_ragged(x) else fn(x)


def _reduce_axis(kind, x, axis):
    if kind in ("sum", "prod", "max", "min"):
        return _reduce1(kind, x, axis)
    ints = _map(lambda v: E.cast(E.logical_not(v) if kind == "all" else v, dtypes.int32),
                x)
    total = _reduce1("sum", ints, axis)
    return _map(lambda v: E.equal(v, 0) if kind == "all" else E.greater(v, 0), total)


def _reduce(kind, api, input_tensor, axis, keepdims, name):
    if not is_ragged(input_tensor):
        return _DENSE[kind](input_tensor, axis=axis, keepdims=keepdims, name=name)
    rt = input_tensor
    if kind in ("all", "any") and rt.dtype is not dtypes.bool_:
        raise fail(errors.DTypeError, api, f"needs bool values, not {rt.dtype.name}",
                   flat_values=rt.flat_values)
    with name_scope(name, "Ragged" + api.title().replace("_", "")):
        if kind == "mean":
            # mean = sum / count over all the axes together, as TF (not a mean of
            # means); integer values give float64 (truediv), axis=None included.
            total = _reduce("sum", api, rt, axis, keepdims, None)
            count = _reduce("sum", api, _map(ones_like, rt), axis, keepdims, None)
            if is_ragged(total):
                return elementwise(E.divide, total, count, api)
            return E.divide(total, count)
        if axis is None:
            out = _DENSE[kind](rt.flat_values)
            if keepdims:
                out = A.reshape(out, [1] * rt.rank)
            return out
        rank = rt.rank
        axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
        if any(not isinstance(a, (int, np.integer)) for a in axes):
            raise TypeError(f"{api}: axis must be Python ints for a RaggedTensor")
        if any(not -rank <= a < rank for a in axes):
            raise fail(errors.ShapeError, api, f"axis {axis} out of range for a "
                       f"RaggedTensor of rank {rank}", flat_values=rt.flat_values)
        axes = sorted({int(a) % rank for a in axes})
        out = rt
        for a in reversed(axes):
            out = _reduce_axis(kind, out, a)
        if keepdims:
            from .ragged_index import expand_dims
            for a in axes:
                out = expand_dims(out, a)
        return out


def _reducer(kind, api, doc):
    def reduce(input_tensor, axis=None, keepdims=None, name=None):
        return _reduce(kind, api, input_tensor, axis, bool(keepdims), name)
    reduce.__name__ = api
    reduce.__doc__ = doc
    return reduce


reduce_sum = _reducer("sum", "reduce_sum", """The sum over axis of a RaggedTensor (TF's
    tf.reduce_sum on one): `gc.ragged.reduce_sum(rt, axis=1)` of [[1, 2], [], [3]] is
    [3, 0, 3]; axis 0 sums the columns: [4, 2].""")
reduce_prod = _reducer("prod", "reduce_prod", """The product over axis (1 for an empty
    row): `gc.ragged.reduce_prod(rt, axis=1)`.""")
reduce_max = _reducer("max", "reduce_max", """The maximum over axis (the dtype's lowest
    value for an empty row, as TF): `gc.ragged.reduce_max(rt, axis=1)`.""")
reduce_min = _reducer("min", "reduce_min", """The minimum over axis (the dtype's highest
    value for an empty row): `gc.ragged.reduce_min(rt, axis=1)`.""")
reduce_mean = _reducer("mean", "reduce_mean", """The mean over axis (NaN for an empty
    row, 0/0; over several axes their sum over their count, as TF; integers give
    float64): `gc.ragged.reduce_mean(rt, axis=1)`.""")
reduce_all = _reducer("all", "reduce_all", """Logical and over axis (True for an empty
    row): `gc.ragged.reduce_all(rt > 0, axis=1)`.""")
reduce_any = _reducer("any", "reduce_any", """Logical or over axis (False for an empty
    row): `gc.ragged.reduce_any(rt > 0, axis=1)`.""")


# ---- ragged.range and segment ids -------------------------------------------------------
def range(starts, limits=None, deltas=1, dtype=None, name=None,  # noqa: A001 (TF name)
          row_splits_dtype=dtypes.int64):
    """One range per row: row i is range(starts[i], limits[i], deltas[i]) (scalars
    broadcast): `gc.ragged.range([0, 5], [3, 7])` is [[0, 1, 2], [5, 6]]."""
    api = "ragged.range"
    sd = dtypes.as_dtype(row_splits_dtype)
    if limits is None:
        starts, limits = 0, starts
    with name_scope(name, "RaggedRange"):
        args = [convert_to_tensor(a, dtype=dtype) for a in (starts, limits, deltas)]
        order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
        if any(a.dtype not in order for a in args):
            raise fail(errors.DTypeError, api, "starts, limits and deltas must be int32, "
                       "int64, float32 or float64", starts=args[0], limits=args[1],
                       deltas=args[2])
        dt = max((a.dtype for a in args), key=order.index)
        s, lim, d = [E.cast(a, dt) if a.dtype is not dt else a for a in args]
        for a in (s, lim, d):
            if a.shape.rank not in (0, 1, None):
                raise fail(errors.ShapeError, api, "starts, limits and deltas must be "
                           "scalars or vectors", **{"input": a})
        scalar = all(a.shape.rank == 0 for a in (s, lim, d))
        zero = zeros_like(s) + zeros_like(lim) + zeros_like(d)
        s, lim, d = [A.reshape(a + zero, [-1]) for a in (s, lim, d)]
        with control_dependencies([Assert(R.reduce_all(E.not_equal(d, 0)),
                                          [f"{api}: Requires delta != 0"],
                                          name="check_delta")]):
            d = identity(d)
        if dt.is_integer:
            n = E.floordiv(lim - s + d - E.sign(d), d)
        else:
            n = E.ceil(E.divide(lim - s, d))
        n = E.cast(E.maximum(n, zeros_like(n)), sd)
        splits = splits_of_lengths(n)
        rows = rowids_of(splits)
        pos = range_(0, splits[-1], 1, dtype=sd) - gather(splits, rows)
        values = gather(s, rows) + E.cast(pos, dt) * gather(d, rows)
        rt = RaggedTensor.from_row_splits(values, splits, validate=False)
        if scalar:
            rt._row_splits.set_shape([2])
        return rt


def row_splits_to_segment_ids(splits, name=None, out_type=None):
    """The row of each value: `row_splits_to_segment_ids([0, 2, 2, 3])` is [0, 0, 2]."""
    with name_scope(name, "RaggedSplitsToSegmentIds"):
        from .ragged_tensor import _partition
        splits = _partition(splits, "splits", "ragged.row_splits_to_segment_ids")
        ids = rowids_of(splits)
        out_type = splits.dtype if out_type is None else dtypes.as_dtype(out_type)
        return ids if out_type is ids.dtype else E.cast(ids, out_type)


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None, name=None):
    """row_splits of sorted segment ids: `segment_ids_to_row_splits([0, 0, 2])` is
    [0, 2, 2, 3]; num_segments defaults to the last id + 1."""
    with name_scope(name, "SegmentIdsToRaggedSplits"):
        if out_type is None:
            out_type = segment_ids.dtype if isinstance(segment_ids, Tensor) else dtypes.int64
        from .ragged_tensor import _partition
        ids = _partition(segment_ids, "segment_ids", "ragged.segment_ids_to_row_splits",
                         dtype=dtypes.as_dtype(out_type))
        if num_segments is None:
            num_segments = R.reduce_max(_with_minus_one(ids)) + 1
        num = convert_to_tensor(num_segments)
        lengths = unsorted_segment_sum(ones_like(ids), ids, num)
        splits = splits_of_lengths(lengths)
        out_type = dtypes.as_dtype(out_type)
        return splits if splits.dtype is out_type else E.cast(splits, out_type)


def _with_minus_one(ids):
    from .ops.join import concat
    return concat([convert_to_tensor(np.array([-1], ids.dtype.np)), ids], 0)
