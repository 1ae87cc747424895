"""RaggedTensor and RaggedTensorValue (TF's tf.RaggedTensor).

A RaggedTensor is a Python composite of ordinary tensors: `flat_values` and one 1-D int
`row_splits` per ragged dimension (row i of a level is values[splits[i]:splits[i+1]]).
Every operation on it is an ordinary graph op on those parts, so gradients reach
flat_values through graphc's autodiff. Session.run fetches one as a RaggedTensorValue
and feeds its parts from one (feeds.py, session.py: _as_parts).
"""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import Assert
from .ops.core import constant, identity
from .ops.creation import fill, ones_like
from .ops.gather import unsorted_segment_sum
from .ops.join import concat
from .ops.registry import constant_value
from .ragged_util import (_SPLIT_DTYPES, _check_rowids, _check_static, _partition,  # noqa
                          _validated, _values, fail, is_ragged, nvals, rowids_of,
                          splits_of_lengths)
from .ragged_value import RaggedTensorValue
from .shapes import TensorShape

__all__ = ["RaggedTensor", "RaggedTensorValue"]


class RaggedTensor:
    """A tensor with ragged dims (TF's tf.RaggedTensor), built from its factories:

        rt = gc.RaggedTensor.from_row_splits([3., 1., 4., 1.], [0, 2, 2, 4])
        # [[3, 1], [], [4, 1]]: shape (3, None)
    """

    def __init__(self, values, row_splits, internal=False):
        if internal is not True:
            raise ValueError("RaggedTensor constructor is private; use a factory method "
                             "such as RaggedTensor.from_row_splits()")
        self._values = values
        self._row_splits = row_splits
        self._uniform = None        # a static uniform row length (from_tensor's)

    # ---- factories ---------------------------------------------------------------------
    @classmethod
    def _make(cls, values, row_splits, validate, api):
        """Checks and builds: values a Tensor or RaggedTensor, row_splits a 1-D int."""
        values = _values(values, api)
        row_splits = _partition(row_splits, "row_splits", api)
        if is_ragged(values) and values.row_splits.dtype is not row_splits.dtype:
            raise fail(errors.DTypeError, api, "dtype mismatch: row_splits is "
                       f"{row_splits.dtype.name} but the values' row_splits are "
                       f"{values.row_splits.dtype.name} (use with_row_splits_dtype)",
                       row_splits=row_splits, values_row_splits=values.row_splits)
        _check_static(values, row_splits, api)
        if validate:
            row_splits = _validated(values, row_splits, api)
        return cls(values, row_splits, internal=True)

    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate=True):
        """Row i is values[row_splits[i]:row_splits[i+1]]:
        `RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 2, 3])` is [[1, 2], [], [3]]."""
        with name_scope(name, "RaggedFromRowSplits"):
            return cls._make(values, row_splits, validate, "RaggedTensor.from_row_splits")

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate=True):
        """Row i has row_lengths[i] values:
        `RaggedTensor.from_row_lengths([1, 2, 3], [2, 0, 1])` is [[1, 2], [], [3]]."""
        api = "RaggedTensor.from_row_lengths"
        with name_scope(name, "RaggedFromRowLengths"):
            lengths = _partition(row_lengths, "row_lengths", api)
            if validate:
                ok = R.reduce_all(E.greater_equal(lengths, 0))
                with control_dependencies([Assert(ok, [f"{api}: row_lengths must be >= 0",
                                                       lengths], name="check_lengths")]):
                    lengths = identity(lengths)
            return cls._make(values, splits_of_lengths(lengths), validate, api)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None,
                          validate=True):
        """Value j goes to row value_rowids[j] (sorted); nrows defaults to the last
        rowid + 1: `from_value_rowids([1, 2, 3], [0, 0, 2], nrows=4)` is
        [[1, 2], [], [3], []]."""
        api = "RaggedTensor.from_value_rowids"
        with name_scope(name, "RaggedFromValueRowIds"):
            rowids = _partition(value_rowids, "value_rowids", api)
            if nrows is None:
                last = concat([constant(np.array([-1], rowids.dtype.np)), rowids], 0)[-1]
                nrows = last + 1
            elif isinstance(nrows, Tensor):
                if nrows.dtype is not rowids.dtype:
                    raise fail(errors.DTypeError, api, f"nrows is {nrows.dtype.name} but "
                               f"value_rowids is {rowids.dtype.name}", nrows=nrows,
                               value_rowids=rowids)
            else:
                nrows = constant(np.asarray(nrows, rowids.dtype.np), name="nrows")
            if validate:
                rowids = _check_rowids(rowids, nrows, api)
            lengths = unsorted_segment_sum(ones_like(rowids), rowids, nrows)
            rt = cls._make(values, splits_of_lengths(lengths), validate, api)
            n = constant_value(nrows)
            if n is not None:
                rt._row_splits.set_shape([int(n) + 1])
            return rt

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate=True):
        """row_splits = row_starts + [number of values]:
        `from_row_starts([1, 2, 3], [0, 2, 2])` is [[1, 2], [], [3]]."""
        api = "RaggedTensor.from_row_starts"
        with name_scope(name, "RaggedFromRowStarts"):
            starts = _partition(row_starts, "row_starts", api)
            n = A.reshape(nvals(_values(values, api), starts.dtype), [1])
            return cls._make(values, concat([starts, n], 0), validate, api)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate=True):
        """row_splits = [0] + row_limits:
        `from_row_limits([1, 2, 3], [2, 2, 3])` is [[1, 2], [], [3]]."""
        api = "RaggedTensor.from_row_limits"
        with name_scope(name, "RaggedFromRowLimits"):
            limits = _partition(row_limits, "row_limits", api)
            zero = constant(np.zeros(1, limits.dtype.np))
            return cls._make(values, concat([zero, limits], 0), validate, api)

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None,
                               validate=True):
        """from_row_splits applied innermost first, one level per row_splits."""
        if isinstance(nested_row_splits, Tensor) or not isinstance(
                nested_row_splits, (list, tuple)):
            raise TypeError("nested_row_splits must be a list of Tensors")
        with name_scope(name, "RaggedFromNestedRowSplits"):
            rt = flat_values
            for splits in reversed(nested_row_splits):
                rt = cls.from_row_splits(rt, splits, validate=validate)
            return rt

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate=True):
        """from_row_lengths applied innermost first, one level per row_lengths."""
        if isinstance(nested_row_lengths, Tensor) or not isinstance(
                nested_row_lengths, (list, tuple)):
            raise TypeError("nested_row_lengths must be a list of Tensors")
        with name_scope(name, "RaggedFromNestedRowlengths"):
            rt = flat_values
            for lengths in reversed(nested_row_lengths):
                rt = cls.from_row_lengths(rt, lengths, validate=validate)
            return rt

    @classmethod
    def from_nested_value_rowids(cls, flat_values, nested_value_rowids, nested_nrows=None,
                                 name=None, validate=True):
        """from_value_rowids applied innermost first."""
        nrows = [None] * len(nested_value_rowids) if nested_nrows is None else nested_nrows
        with name_scope(name, "RaggedFromNestedValueRowIds"):
            rt = flat_values
            for ids, n in reversed(list(zip(nested_value_rowids, nrows))):
                rt = cls.from_value_rowids(rt, ids, n, validate=validate)
            return rt

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank=1, name=None,
                    row_splits_dtype=dtypes.int64):
        """The rows of a dense tensor, cut at `lengths` or before trailing `padding`:
        `from_tensor([[1, 2], [3, 0]], padding=0)` is [[1, 2], [3]]."""
        from .ragged_convert import from_tensor
        return from_tensor(tensor, lengths, padding, ragged_rank, name, row_splits_dtype)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype=dtypes.int64):
        """The ragged rows of a rank-2 SparseTensor whose rows are filled from the left."""
        from .ragged_convert import from_sparse
        return from_sparse(st_input, name, row_splits_dtype)

    # ---- parts -------------------------------------------------------------------------
    values = property(lambda self: self._values, doc="The values of the outer ragged dim.")
    row_splits = property(lambda self: self._row_splits, doc="The outer row_splits.")
    dtype = property(lambda self: self.flat_values.dtype)
    graph = property(lambda self: self._row_splits.graph)

    @property
    def flat_values(self):
        """The innermost values: a Tensor."""
        v = self._values
        while is_ragged(v):
            v = v._values
        return v

    @property
    def nested_row_splits(self):
        """The row_splits of every ragged level, outermost first."""
        out, rt = [], self
        while is_ragged(rt):
            out.append(rt._row_splits)
            rt = rt._values
        return tuple(out)

    @property
    def ragged_rank(self):
        return len(self.nested_row_splits)

    @property
    def shape(self):
        """Static shape: nrows, None for each ragged dim, then flat_values' inner dims."""
        n = self._row_splits.shape._dims[0] if self._row_splits.shape.rank == 1 else None
        n = n - 1 if isinstance(n, int) else None
        inner = self.flat_values.shape
        if inner.rank is None:
            return TensorShape(None)
        ragged, level = [], self
        while is_ragged(level):
            ragged.append(level._uniform)
            level = level._values
        return TensorShape((n,) + tuple(ragged) + tuple(inner._dims[1:]))

    def get_shape(self):
        return self.shape

    @property
    def rank(self):
        return self.shape.rank

    def nrows(self, out_type=None, name=None):
        """The number of rows (a scalar of row_splits' dtype unless out_type)."""
        out_type = self._row_splits.dtype if out_type is None else dtypes.as_dtype(out_type)
        with name_scope(name, "RaggedNRows"):
            n = self._row_splits.shape._dims[0] if self._row_splits.shape.rank == 1 else None
            if isinstance(n, int):
                return constant(np.asarray(n - 1, out_type.np))
            return A.shape(self._row_splits, out_type=out_type)[0] - 1

    def row_starts(self, name=None):
        with name_scope(name, "RaggedRowStarts"):
            return self._row_splits[:-1]

    def row_limits(self, name=None):
        with name_scope(name, "RaggedRowLimits"):
            return self._row_splits[1:]

    def row_lengths(self, axis=1, name=None):
        """The length of each row: a Tensor for axis 1, a RaggedTensor for deeper
        ragged axes: `rt.row_lengths()` of [[1, 2], [], [3]] is [2, 0, 1]."""
        if axis == 0:
            return self.nrows(name=name)
        rank = self.rank
        if isinstance(rank, int) and axis < 0:
            axis += rank
        with name_scope(name, "RaggedRowLengths"):
            if axis == 1:
                return self._row_splits[1:] - self._row_splits[:-1]
            if is_ragged(self._values):
                return self.with_values(self._values.row_lengths(axis - 1))
            shape = A.shape(self._values, out_type=self._row_splits.dtype)
            if not isinstance(axis, int) or axis < 2 or not isinstance(rank, int) \
                    or axis >= rank:
                raise ValueError(f"row_lengths: axis {axis} out of range for rank {rank}")
            return self.with_values(fill(shape[:1], shape[axis - 1]))

    def nested_row_lengths(self, name=None):
        """The row_lengths of every ragged level, outermost first."""
        with name_scope(name, "RaggedNestedRowLengths"):
            return tuple(s[1:] - s[:-1] for s in self.nested_row_splits)

    def value_rowids(self, name=None):
        """The row of each value: [0, 0, 2] for [[1, 2], [], [3]]."""
        with name_scope(name, "RaggedValueRowIds"):
            return rowids_of(self._row_splits)

    def nested_value_rowids(self, name=None):
        with name_scope(name, "RaggedNestedValueRowIds"):
            return tuple(rowids_of(s) for s in self.nested_row_splits)

    def bounding_shape(self, axis=None, name=None, out_type=None):
        """The shape of the smallest dense box holding every row: [3, 2] for
        [[1, 2], [], [3]] (as row_splits' dtype unless out_type)."""
        out_type = self._row_splits.dtype if out_type is None else dtypes.as_dtype(out_type)
        with name_scope(name, "RaggedBoundingBox"):
            dims = [A.reshape(E.cast(self.nrows(), out_type), [1])]
            for s in self.nested_row_splits:
                longest = R.reduce_max(concat([constant(np.zeros(1, s.dtype.np)),
                                               s[1:] - s[:-1]], 0))
                dims.append(A.reshape(E.cast(longest, out_type), [1]))
            flat = self.flat_values
            dims.append(A.shape(flat, out_type=out_type)[1:])
            shape = concat(dims, 0)
            return shape if axis is None else shape[axis]

    # ---- new RaggedTensors with the same partitions --------------------------------------
    def with_values(self, new_values):
        """The same outer row_splits over new values (with as many rows)."""
        new_values = _values(new_values, "RaggedTensor.with_values")
        if is_ragged(new_values) and new_values.row_splits.dtype is not self._row_splits.dtype:
            raise fail(errors.DTypeError, "RaggedTensor.with_values", "the new values' "
                       "row_splits dtype differs", row_splits=self._row_splits,
                       new_row_splits=new_values.row_splits)
        rt = RaggedTensor(new_values, self._row_splits, internal=True)
        rt._uniform = self._uniform
        return rt

    def with_flat_values(self, new_values):
        """The same nested row_splits over new flat values."""
        if is_ragged(self._values):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype):
        """The same RaggedTensor with every row_splits cast to dtype (int32/int64)."""
        dtype = dtypes.as_dtype(dtype)
        if dtype not in _SPLIT_DTYPES:
            raise ValueError(f"dtype must be int32 or int64, not {dtype.name}")
        splits = self._row_splits
        if splits.dtype is not dtype:
            splits = E.cast(splits, dtype)
        values = self._values
        if is_ragged(values):
            values = values.with_row_splits_dtype(dtype)
        rt = RaggedTensor(values, splits, internal=True)
        rt._uniform = self._uniform
        return rt

    def to_tensor(self, default_value=None, name=None, shape=None):
        """The dense tensor, padded with default_value (0) to the bounding shape or to
        `shape` (which may also truncate): [[1, 2], [0, 0], [3, 0]]."""
        from .ragged_convert import to_tensor
        return to_tensor(self, default_value, name, shape)

    def to_sparse(self, name=None):
        """The SparseTensor of the values, at their (row, column, ...) positions."""
        from .ragged_convert import to_sparse
        return to_sparse(self, name)

    def __getitem__(self, key):
        from .ragged_index import getitem
        return getitem(self, key)

    # ---- the composite protocol Session.run uses (feeds.py) -----------------------------
    def _as_parts(self):
        return (self.flat_values,) + self.nested_row_splits

    @staticmethod
    def _value_type(flat_values, *nested_row_splits):
        v = flat_values
        for s in reversed(nested_row_splits):
            v = RaggedTensorValue(v, s)
        return v

    def _feed_parts(self, value):
        n = self.ragged_rank
        if value is None:                       # make_callable's feed_list
            return (None,) * (n + 1)
        if not isinstance(value, RaggedTensorValue) or value.ragged_rank != n:
            raise errors.FeedError(
                f"feed for a RaggedTensor of ragged_rank {n} with flat_values "
                f"'{self.flat_values.name}' must be a RaggedTensorValue of that ragged_rank, "
                f"not {value!r}")
        return (value.flat_values,) + tuple(value.nested_row_splits)

    def __bool__(self):
        raise TypeError("Using a symbolic RaggedTensor as a Python bool is not allowed: it "
                        "has no value until a Session runs the graph.")

    def __iter__(self):
        raise TypeError("Iterating over a symbolic RaggedTensor is not allowed: index it "
                        "(rt[i]) instead.")

    def __repr__(self):
        return (f"gc.RaggedTensor(values={self._values!r}, row_splits="
                f"{self._row_splits!r})")


from .ragged_math import install as _install  # noqa: E402 (needs RaggedTensor)

_install(RaggedTensor)
