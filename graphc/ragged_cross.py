"""tf.ragged.cross, tf.ragged.cross_hashed and tf.ragged.stack_dynamic_partitions.

cross and cross_hashed reuse sparse_cross.py's SparseCross op (its strings and FarmHash
fingerprints are TF's): every input, ragged, sparse or dense, becomes a SparseTensor
in the order given (TF's RaggedCross keeps the user's order, unlike sparse.cross, which
puts the sparse inputs first), and the crosses' row ids become the result's row_splits.

stack_dynamic_partitions stably sorts the slices of data by partition (argsort is
stable in graphc) and gathers them, so gradients reach data through the gather.
"""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import Assert
from .ops.core import constant, convert_to_tensor, identity
from .ops.creation import fill, ones_like
from .ops.gather import unsorted_segment_sum
from .ops.registry import constant_value
from .ops.sorting import argsort
from .ops.where import where_
from .ragged_index import gather_rows
from .ragged_tensor import RaggedTensor, RaggedTensorValue
from .ragged_util import fail, is_ragged, splits_of_lengths
from .shapes import TensorShape
from .sparse_cross import _DEFAULT_HASH_KEY, _cross
from .sparse_tensor import SparseTensor, SparseTensorValue
from .ops.strings_hash import M64

__all__ = ["cross", "cross_hashed", "stack_dynamic_partitions"]


# ---- cross, cross_hashed ------------------------------------------------------------------
def _as_input(x, i, api):
    """Input i as a RaggedTensor, SparseTensor or Tensor (values converted)."""
    if isinstance(x, SparseTensorValue):
        x = SparseTensor(*x)
    elif isinstance(x, RaggedTensorValue):
        from .ragged_convert import constant as ragged_constant
        x = ragged_constant(x.to_list(), dtype=dtypes.as_dtype(x.dtype),
                            row_splits_dtype=dtypes.as_dtype(x.row_splits.dtype))
    elif not isinstance(x, (RaggedTensor, SparseTensor, Tensor)):
        x = convert_to_tensor(x, name=f"input_{i}")
    dtype = x.dtype if not isinstance(x, SparseTensor) else x.values.dtype
    if dtype is not dtypes.string and not dtype.is_integer:
        raise ValueError(f"{api}: Unexpected dtype for inputs[{i}]: {dtype!r} (inputs "
                         "must be string or integer)" + errors.called_at(api))
    rank = _rank(x)
    if rank not in (2, None):
        raise ValueError(f"{api}: tf.ragged.cross only supports inputs with rank=2; "
                         f"inputs[{i}] has rank {rank}" + errors.called_at(api))
    return x


def _rank(x):
    if isinstance(x, SparseTensor):
        n = x.dense_shape.shape._dims[0] if x.dense_shape.shape.rank == 1 else None
        return n if isinstance(n, int) else None
    if is_ragged(x):
        return x.ragged_rank + 1 if x.flat_values.shape.rank == 1 else x.shape.rank
    return x.shape.rank


def _batch(x):
    """The static number of rows of an input, or None."""
    if isinstance(x, SparseTensor):
        v = constant_value(x.dense_shape)
        return int(v[0]) if v is not None and len(v) else None
    d = x.shape._dims[0] if x.shape.rank else None
    return d if isinstance(d, int) else None


def _as_sparse(x):
    """A rank-2 input as a SparseTensor holding each of its features in row order."""
    if isinstance(x, SparseTensor):
        return x
    if is_ragged(x):
        return x.to_sparse()
    shape = A.shape(x, out_type=dtypes.int64)
    # every position of a dense input is a feature, empty strings and zeros too
    idx = where_(fill(shape, True))
    return SparseTensor(idx, A.reshape(x, [-1]), shape)


def _ragged_cross(inputs, hashed, num_buckets, hash_key, name, api):
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"{api}: Inputs must be a list, got {type(inputs).__name__}")
    with name_scope(name, "RaggedCross"):
        inputs = [_as_input(x, i, api) for i, x in enumerate(inputs)]
        splits = {x.row_splits.dtype for x in inputs if is_ragged(x)}
        if len(splits) > 1:
            raise errors.DTypeError(
                f"{api}: Input RaggedTensors have mismatched row_splits dtypes; use "
                "RaggedTensor.with_row_splits_dtype() to convert them to compatible dtypes"
                + errors.called_at(api))
        split_dtype = splits.pop() if splits else dtypes.int64
        out_dtype = dtypes.int64 if hashed else dtypes.string
        known = {b for b in (_batch(x) for x in inputs) if b is not None}
        if len(known) > 1:
            raise ValueError(f"{api}: inputs must all have the same batch dimension size; "
                             f"got {sorted(known)}" + errors.called_at(api))
        if not inputs:                  # TF: no rows
            return RaggedTensor.from_row_splits(
                constant(np.zeros(0, out_dtype.np), dtype=out_dtype),
                constant(np.zeros(1, split_dtype.np)), validate=False)
        sp = _cross([_as_sparse(x) for x in inputs], hashed, num_buckets, hash_key,
                    "_X_", None, api)
        rowids = sp.indices[:, 0]
        lengths = unsorted_segment_sum(ones_like(rowids), rowids, sp.dense_shape[0])
        row_splits = splits_of_lengths(E.cast(lengths, split_dtype))
        if known:
            row_splits.set_shape([known.pop() + 1])
        return RaggedTensor.from_row_splits(sp.values, row_splits, validate=False)


def cross(inputs, name=None):
    """tf.ragged.cross(inputs, name=None): for each row, every combination of one
    feature of each input (RaggedTensor, SparseTensor or dense 2-D Tensor of strings or
    integers, in the given order), joined by "_X_".

        a = gc.ragged.constant([["a", "b"], [], ["c"]])
        gc.ragged.cross([a, gc.constant([["x"], ["y"], ["z"]])])
        # [[b"a_X_x", b"b_X_x"], [], [b"c_X_z"]]
    """
    return _ragged_cross(inputs, False, 0, 0, name, "ragged.cross")


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """tf.ragged.cross_hashed(inputs, num_buckets=0, hash_key=None, name=None): the
    crosses of ragged.cross as TF's int64 FarmHash fingerprints (modulo num_buckets when
    it is > 0).

        ids = gc.ragged.cross_hashed([a, b], num_buckets=1000)
    """
    api = "ragged.cross_hashed"
    if num_buckets < 0:
        raise ValueError(f"{api}: Attr 'num_buckets' of 'RaggedCross' Op passed "
                         f"{num_buckets} less than minimum 0.")
    key = _DEFAULT_HASH_KEY if hash_key is None else int(hash_key)
    if not -(1 << 63) <= key < 1 << 63:
        raise ValueError(f"{api}: hash_key must be an int64, got {key}")
    return _ragged_cross(inputs, True, int(num_buckets), key & M64, name, api)


# ---- stack_dynamic_partitions -----------------------------------------------------------
_SDP = "ragged.stack_dynamic_partitions"


def _splits_check(a, b):
    """An Assert that row_splits b equals row_splits a (run-time)."""
    b = E.cast(b, a.dtype) if b.dtype is not a.dtype else b
    m = E.minimum(A.size(a), A.size(b))
    same = E.logical_and(E.equal(A.size(a), A.size(b)),
                         R.reduce_all(E.equal(a[:m], b[:m])))
    return Assert(same, [f"{_SDP}: partitions and data have different row_splits", a, b],
                  name="check_splits")


def _match_levels(data, partitions):
    """(data, partitions) with the ragged levels of partitions peeled off both, their
    row_splits checked equal at run time: partitions is then a Tensor."""
    if not is_ragged(partitions):
        return data, partitions
    if not is_ragged(data):
        data = RaggedTensor.from_tensor(data, ragged_rank=partitions.ragged_rank,
                                        row_splits_dtype=partitions.row_splits.dtype)
    checks = []
    while is_ragged(partitions):
        if not is_ragged(data):
            raise fail(errors.ShapeError, _SDP, "partitions has more ragged dims than data",
                       partitions=partitions.flat_values)
        checks.append(_splits_check(data.row_splits, partitions.row_splits))
        data, partitions = data.values, partitions.values
    with control_dependencies(checks):      # the result reads partitions: checks run
        return data, identity(partitions)


def _flatten_outer(data, partitions):
    """data with its first partitions.rank dims made one (partitions 1-D then)."""
    rank, drank = partitions.shape.rank, data.shape.rank
    if rank is None:
        raise fail(errors.ShapeError, _SDP, "partitions must have a known rank",
                   partitions=partitions)
    if rank == 0:
        one = _stack1(data) if is_ragged(data) else A.expand_dims(data, 0)
        return one, A.reshape(partitions, [1])
    if drank is not None and rank > drank:
        raise fail(errors.ShapeError, _SDP, f"partitions of rank {rank} must have a prefix "
                   f"of data's shape {data.shape}", partitions=partitions)
    head = data.shape._dims[:rank] if data.shape.rank is not None else None
    if head is not None and not TensorShape(head).is_compatible_with(partitions.shape):
        raise ValueError(f"{_SDP}: Shapes {partitions.shape} and {TensorShape(head)} are "
                         "incompatible (partitions.shape must be a prefix of data.shape)"
                         + errors.called_at(_SDP))
    if rank == 1:
        return data, partitions
    if is_ragged(data):
        raise fail(errors.ShapeError, _SDP, "a dense partitions of rank > 1 needs dense "
                   "data (give partitions as a RaggedTensor)", partitions=partitions)
    shape = A.shape(data)
    return (A.reshape(data, concat_shape(shape[rank:])), A.reshape(partitions, [-1]))


def concat_shape(inner):
    """The shape [-1] + inner (an int32 tensor)."""
    from .ops.join import concat
    return concat([constant(np.array([-1], np.int32)), inner], 0)


def _stack1(rt):
    """A RaggedTensor as one row of a new outer ragged dim."""
    n = rt.nrows(out_type=rt.row_splits.dtype)
    zero = constant(np.zeros(1, rt.row_splits.dtype.np))
    from .ops.join import concat
    return RaggedTensor.from_row_splits(rt, concat([zero, A.reshape(n, [1])], 0),
                                        validate=False)


def stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    """tf.ragged.stack_dynamic_partitions(data, partitions, num_partitions, name=None):
    row p of the result stacks the slices data[i] with partitions[i] == p, in order;
    shape [num_partitions, (D)] + data.shape[partitions.rank:].

        gc.ragged.stack_dynamic_partitions(["a", "b", "c", "d", "e"], [3, 0, 2, 0, 3], 4)
        # [[b"b", b"d"], [], [b"c"], [b"a", b"e"]]
    """
    with name_scope(name, "SegmentStack"):
        if not is_ragged(data):
            data = convert_to_tensor(data, name="data")
        if not is_ragged(partitions):
            partitions = convert_to_tensor(partitions, name="partitions")
        pdtype = partitions.dtype
        if pdtype not in (dtypes.int32, dtypes.int64):
            raise ValueError(f"{_SDP}: partitions must have dtype int32 or int64, not "
                             f"{pdtype.name}" + errors.called_at(_SDP))
        split_dtype = data.row_splits.dtype if is_ragged(data) else \
            partitions.row_splits.dtype if is_ragged(partitions) else pdtype
        n = _num_partitions(num_partitions, split_dtype)
        data, partitions = _match_levels(data, partitions)
        data, partitions = _flatten_outer(data, partitions)
        _check_constant(partitions, n)
        checks = [
            Assert(R.reduce_all(E.greater_equal(partitions, 0)),
                   ["partitions must be non-negative.", partitions], name="check_low"),
            Assert(R.reduce_all(E.less(E.cast(partitions, split_dtype), n)),
                   ["partitions must be less than num_partitions", partitions, n],
                   name="check_high")]
        with control_dependencies(checks):
            partitions = E.cast(partitions, split_dtype)
        order = argsort(partitions)
        values = gather_rows(data, order)
        lengths = unsorted_segment_sum(ones_like(partitions), partitions, n)
        row_splits = splits_of_lengths(lengths)
        static = constant_value(n)
        if static is not None:
            row_splits.set_shape([int(static) + 1])
        if is_ragged(values) and values.row_splits.dtype is not split_dtype:
            values = values.with_row_splits_dtype(split_dtype)
        return RaggedTensor.from_row_splits(values, row_splits, validate=False)


def _check_constant(partitions, n):
    """TF's run-time range checks, made at build time where both are constants."""
    p, top = constant_value(partitions), constant_value(n)
    if p is None or top is None:
        return
    p = np.asarray(p)
    if np.any(p < 0):
        raise ValueError(f"{_SDP}: partitions must be non-negative, got {p.tolist()}"
                         + errors.called_at(_SDP))
    if np.any(p >= int(top)):
        raise ValueError(f"{_SDP}: partitions must be less than num_partitions "
                         f"({int(top)}), got {p.tolist()}" + errors.called_at(_SDP))


def _num_partitions(num_partitions, dtype):
    """num_partitions as a scalar of dtype (an int >= 0, or an int tensor)."""
    if isinstance(num_partitions, Tensor):
        if not num_partitions.dtype.is_integer or num_partitions.shape.rank not in (0, None):
            raise fail(errors.DTypeError, _SDP, "num_partitions must be an int scalar",
                       num_partitions=num_partitions)
        v = constant_value(num_partitions)
        if v is not None and int(v) < 0:
            raise ValueError(f"{_SDP}: Expected nrows >= 0; got {int(v)}")
        return E.cast(num_partitions, dtype)
    if isinstance(num_partitions, bool) or not isinstance(num_partitions, (int, np.integer)):
        raise TypeError(f"{_SDP}: num_partitions must be an int or an int scalar tensor, "
                        f"got {num_partitions!r}")
    if num_partitions < 0:
        raise ValueError(f"{_SDP}: Expected nrows >= 0; got {num_partitions}")
    return constant(np.asarray(num_partitions, dtype.np), name="num_partitions")
