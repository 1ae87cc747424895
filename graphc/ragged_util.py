"""The helpers RaggedTensor's modules share: error messages naming the tensors,
row-partition checks (at build time for constants, run-time asserts for validate=True),
value_rowids and row_splits from row lengths."""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, control_dependencies
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import Assert
from .ops.core import constant, convert_to_tensor, identity
from .ops.counting import searchsorted
from .ops.creation import range as range_
from .ops.join import concat
from .ops.registry import constant_value
from .ops.scan import cumsum


def fail(cls, api, why, **tensors):
    """cls(message) naming each tensor and the user's line that called `api`."""
    lines = [f"{api}: {why}"]
    lines += [f"  {errors.describe_tensor(t, label)}" for label, t in tensors.items()
              if isinstance(t, Tensor)]
    return cls("\n".join(lines) + errors.called_at(api))


def is_ragged(x):
    from .ragged_tensor import RaggedTensor
    return isinstance(x, RaggedTensor)


_SPLIT_DTYPES = (dtypes.int32, dtypes.int64)


def _partition(x, what, api, dtype=None):
    """x as a 1-D int32/int64 tensor (Python values become `dtype`, default int64)."""
    if not isinstance(x, Tensor):
        arr = np.asarray(x)
        if arr.dtype.kind not in "iu" and arr.size:
            raise errors.DTypeError(f"{api}: {what} must be integers, got {arr.dtype} "
                                    "values" + errors.called_at(api))
        x = constant(arr.astype((dtype or dtypes.int64).np), name=what)
    if x.dtype not in _SPLIT_DTYPES:
        raise fail(errors.DTypeError, api, f"{what} must be int32 or int64, not "
                   f"{x.dtype.name}", **{what: x})
    if x.shape.rank not in (1, None):
        raise fail(errors.ShapeError, api, f"{what} must be 1-D, not of shape {x.shape}",
                   **{what: x})
    return x


def _values(values, api):
    if is_ragged(values):
        return values
    values = convert_to_tensor(values, name="values")
    if values.shape.rank == 0:
        raise fail(errors.ShapeError, api, "values must have rank >= 1, not be a scalar",
                   values=values)
    return values


def nvals(values, out_type):
    """The number of rows of values (a tensor or a RaggedTensor), as out_type."""
    if is_ragged(values):
        return values.nrows(out_type=out_type)
    return A.shape(values, out_type=out_type)[0]


def _dim0(values):
    return values.shape._dims[0] if values.shape.rank else None


def rowids_of(splits):
    """value_rowids: the row of each value, from row_splits (splits' dtype)."""
    idx = range_(0, splits[-1], 1, dtype=splits.dtype)
    return searchsorted(splits[1:], idx, side="right", out_type=splits.dtype)


def splits_of_lengths(lengths):
    """row_splits [0, cumsum(lengths)...] of row_lengths."""
    zero = constant(np.zeros(1, lengths.dtype.np))
    return concat([zero, cumsum(lengths)], 0)


def _check_static(values, splits, api):
    """Build-time checks of constant row_splits: starts at 0, non-decreasing, ends at
    the number of values."""
    v = constant_value(splits)
    if v is None:
        return
    n = _dim0(values)
    why = None
    if v.size == 0:
        why = "row_splits must have at least one entry (0)"
    elif v[0] != 0:
        why = f"row_splits must start with 0, not {v[0]}"
    elif np.any(np.diff(v) < 0):
        why = f"row_splits must be non-decreasing, got {v.tolist()}"
    elif isinstance(n, int) and v[-1] != n:
        why = f"row_splits ends at {v[-1]} but values has {n} rows"
    if why:
        parts = dict(row_splits=splits)
        if isinstance(values, Tensor):
            parts["values"] = values
        raise fail(errors.ShapeError, api, why, **parts)


def _validated(values, splits, api):
    """splits, made to wait for TF's run-time checks (validate=True)."""
    n = nvals(values, splits.dtype)
    checks = [
        Assert(E.equal(splits[0], 0), [f"{api}: row_splits must start with 0", splits],
               name="check_start"),
        Assert(R.reduce_all(E.greater_equal(splits[1:], splits[:-1])),
               [f"{api}: row_splits must be non-decreasing", splits], name="check_order"),
        Assert(E.equal(splits[-1], n), [f"{api}: row_splits must end with the number of "
                                        "values", splits, n], name="check_end")]
    with control_dependencies(checks):
        return identity(splits, name="row_splits")


def _check_rowids(rowids, nrows, api):
    """rowids, made to wait for run-time checks: sorted, in [0, nrows)."""
    ok = R.reduce_all(E.logical_and(E.greater_equal(rowids, 0), E.less(rowids, nrows)))
    checks = [Assert(ok, [f"{api}: value_rowids must be in [0, nrows)", rowids, nrows],
                     name="check_range"),
              Assert(R.reduce_all(E.greater_equal(rowids[1:], rowids[:-1])),
                     [f"{api}: value_rowids must be sorted", rowids], name="check_order")]
    with control_dependencies(checks):
        return identity(rowids)
