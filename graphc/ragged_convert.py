"""RaggedTensor to and from dense tensors, SparseTensors and Python lists:
from_tensor (a boolean_mask of the rows), to_tensor (a scatter_nd: its gradient a
gather_nd), from_sparse, to_sparse, gc.ragged.constant/constant_value/placeholder."""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.array_more import unravel_index
from .ops.asserts import Assert
from .ops.broadcast import select
from .ops.core import constant as dense_constant
from .ops.core import convert_to_tensor, identity, placeholder as placeholder_
from .ops.creation import fill, ones_like, zeros_like
from .ops.creation import range as range_
from .ops.gather import gather
from .ops.join import concat, stack
from .ops.mask import boolean_mask, sequence_mask
from .ops.scatter import scatter_nd
from .ragged_tensor import RaggedTensor, RaggedTensorValue, fail, rowids_of, \
    splits_of_lengths
from .shapes import TensorShape


def _uniform(values, nrows, length, dtype):
    """A RaggedTensor of nrows rows of `length` values each (from_tensor's inner dims);
    a static length shows in its shape, as TF's uniform_row_length does."""
    n = nrows if isinstance(nrows, Tensor) else dense_constant(np.asarray(nrows, dtype.np))
    step = length if isinstance(length, Tensor) else dense_constant(np.asarray(length, dtype.np))
    splits = range_(0, n + 1, 1, dtype=dtype) * step
    if isinstance(nrows, int):
        splits.set_shape([nrows + 1])
    rt = RaggedTensor(values, splits, internal=True)
    rt._uniform = length if isinstance(length, int) else None
    return rt


def _nested_lengths(lengths):
    """Whether from_tensor's lengths is TF's tuple of row_lengths, one per ragged dim."""
    return isinstance(lengths, (list, tuple)) and len(lengths) > 0 and \
        not isinstance(lengths[0], (int, float, np.integer, np.floating))


def _int_lengths(lengths, dt, api, what="lengths"):
    lengths = convert_to_tensor(lengths, name=what)
    if not lengths.dtype.is_integer:
        raise fail(errors.DTypeError, api, f"{what} must be integers", lengths=lengths)
    if lengths.shape.rank not in (None, 1):
        raise fail(errors.ShapeError, api, f"{what} must be a vector", lengths=lengths)
    return E.cast(lengths, dt) if lengths.dtype is not dt else lengths


def _from_nested_lengths(tensor, lengths, ragged_rank, shape, dt, api):
    """TF's from_tensor(lengths=(row_lengths, ...)): the values inside the ragged shape
    the nested row_lengths describe, masked out of the tensor's leading dims."""
    if ragged_rank not in (1, len(lengths)):
        raise ValueError(f"{api}: a tuple of {len(lengths)} row_lengths needs ragged_rank="
                         f"{len(lengths)}, not {ragged_rank}")
    if tensor.shape.rank <= len(lengths):
        raise fail(errors.ShapeError, api, f"{len(lengths)} row_lengths need a tensor of "
                   f"rank > {len(lengths)}, not of shape {tensor.shape}", tensor=tensor)
    lengths = [_int_lengths(x, dt, api) for x in lengths]
    ones = fill(stack([R.reduce_sum(lengths[-1])]), True)
    cols = _coordinates(RaggedTensor.from_nested_row_lengths(ones, lengths, validate=False))
    where = scatter_nd(stack(cols, axis=1), ones_like(ones, dtype=dtypes.int32),
                       shape[:len(lengths) + 1])
    values = boolean_mask(tensor, E.greater(where, 0))
    return RaggedTensor.from_nested_row_lengths(values, lengths, validate=False)


def from_tensor(tensor, lengths=None, padding=None, ragged_rank=1, name=None,
                row_splits_dtype=dtypes.int64):
    api = "RaggedTensor.from_tensor"
    dt = dtypes.as_dtype(row_splits_dtype)
    if lengths is not None and padding is not None:
        raise ValueError(f"{api}: specify lengths or padding, but not both")
    with name_scope(name, "RaggedFromTensor"):
        tensor = convert_to_tensor(tensor, name="tensor")
        rank = tensor.shape.rank
        if not isinstance(ragged_rank, int) or ragged_rank < 1:
            raise ValueError(f"{api}: ragged_rank must be an int >= 1, not {ragged_rank!r}")
        dims = tensor.shape._dims
        shape = A.shape(tensor, out_type=dt)
        if lengths is not None and _nested_lengths(lengths):
            return _from_nested_lengths(tensor, lengths, ragged_rank, shape, dt, api)
        if rank is None or ragged_rank >= rank:
            raise fail(errors.ShapeError, api, f"ragged_rank={ragged_rank} needs a tensor "
                       f"of rank > {ragged_rank}, not of shape {tensor.shape}", tensor=tensor)
        if lengths is None and padding is None:
            inner = ragged_rank + 1
        else:
            # padding and lengths apply to the innermost ragged dim only: the outer
            # ragged_rank - 1 dims are flattened into the rows, then rebuilt uniform (TF)
            inner = ragged_rank
        known = dims[:inner]
        total = int(np.prod(known)) if all(isinstance(d, int) for d in known) else None
        values = tensor
        if inner > 1:
            values = A.reshape(tensor, concat([A.reshape(R.reduce_prod(shape[:inner]), [1]),
                                               shape[inner:]], 0))
            values.set_shape((total,) + tuple(dims[inner:]))
        if inner == ragged_rank:
            values = _from_tensor_rows(values, lengths, padding, dt, api)
        for k in range(ragged_rank - 1 if inner == ragged_rank else ragged_rank, 0, -1):
            n = dims[:k]
            n = int(np.prod(n)) if all(isinstance(d, int) for d in n) else \
                R.reduce_prod(shape[:k])
            values = _uniform(values, n, dims[k] if isinstance(dims[k], int)
                              else shape[k], dt)
        return values


def _from_tensor_rows(tensor, lengths, padding, dt, api):
    """ragged_rank 1: row i keeps its first lengths[i] values (clipped to [0, width], as
    TF), or those up to its last one that is not all padding."""
    dims = tensor.shape._dims
    shape = A.shape(tensor, out_type=dt)
    rank = len(dims)
    if padding is not None:
        pad = convert_to_tensor(padding, dtype=tensor.dtype, name="padding")
        is_pad = E.equal(tensor, pad)
        if rank > 2:
            is_pad = R.reduce_all(is_pad, axis=list(range(2, rank)))
        pos = range_(1, shape[1] + 1, 1, dtype=dt)
        lengths = R.reduce_max(E.cast(E.logical_not(is_pad), dt) * pos, axis=1)
    else:
        lengths = _int_lengths(lengths, dt, api)
        lengths = E.maximum(E.minimum(lengths, shape[1]), zeros_like(lengths))
    values = boolean_mask(tensor, sequence_mask(lengths, shape[1]))
    splits = splits_of_lengths(lengths)
    if isinstance(dims[0], int):
        splits.set_shape([dims[0] + 1])
    return RaggedTensor(values, splits, internal=True)


def _coordinates(rt):
    """[cols]: for each row of flat_values, its index along the outer and ragged dims."""
    splits = rt.nested_row_splits
    cur, cols = None, []
    for s in reversed(splits):
        row = rowids_of(s)
        if cur is not None:
            row = gather(row, cur)
            pos = cur - gather(s, row)
        else:
            pos = range_(0, s[-1], 1, dtype=s.dtype) - gather(s, row)
        cols.insert(0, pos)
        cur = row
    cols.insert(0, cur)
    return cols


def to_tensor(rt, default_value=None, name=None, shape=None):
    api = "RaggedTensor.to_tensor"
    with name_scope(name, "RaggedToTensor"):
        flat = rt.flat_values
        k = rt.ragged_rank + 1
        cols = _coordinates(rt)
        dt = rt.row_splits.dtype
        bound = rt.bounding_shape()
        static = rt.shape._dims
        if shape is not None:
            want = TensorShape(shape)
            if want.rank is not None and static is not None and want.rank != len(static):
                raise fail(errors.ShapeError, api, f"shape {want} must have rank "
                           f"{len(static)}", flat_values=flat)
            wanted = np.array([-1 if d is None else d for d in want._dims], dt.np)
            if np.any(wanted[k:] >= 0) and static is not None and any(
                    w >= 0 and w != s for w, s in zip(wanted[k:], static[k:])):
                raise fail(errors.ShapeError, api, f"shape {want}: graphc cannot pad or "
                           "truncate the uniform inner dims", flat_values=flat)
            bound = select(E.greater_equal(dense_constant(wanted), 0),
                           dense_constant(wanted), bound)
            keep = None
            for j, c in enumerate(cols):
                inside = E.less(c, bound[j])
                keep = inside if keep is None else E.logical_and(keep, inside)
            cols = [boolean_mask(c, keep) for c in cols]
            flat = boolean_mask(flat, keep)
            static = [w if w >= 0 else s for w, s in zip(wanted, static)] \
                if static is not None else static
        indices = stack(cols, axis=1)
        if not flat.dtype.is_numeric or flat.dtype is dtypes.bool_:
            return _gathered(rt, default_value, static if shape is not None else None)
        dense = scatter_nd(indices, flat, bound)
        if default_value is not None:
            default = convert_to_tensor(default_value, dtype=flat.dtype, name="default")
            hit = scatter_nd(indices, ones_like(flat, dtype=dtypes.int32), bound)
            pad = fill(A.shape(dense), default) if default.shape.rank == 0 else \
                zeros_like(dense) + default
            dense = select(E.greater(hit, 0), dense, pad)
        if static is not None:
            dense.set_shape(static)
        return dense


def _gathered(rt, default, shape):
    """to_tensor of strings or bools (scatter_nd adds numbers): each dense position
    gathers its value, or the default from a row appended to the values. shape: the
    dims wanted (None: the bounding ones)."""
    dtype = rt.flat_values.dtype
    default = convert_to_tensor(b"" if default is None and dtype is dtypes.string else
                                False if default is None else default, dtype=dtype,
                                name="default")
    shape = list(shape) if shape is not None else [None] * (rt.ragged_rank + 1 +
                                                             (rt.flat_values.shape.rank - 1))
    values = rt.values
    if isinstance(values, RaggedTensor):
        values = _gathered(values, default, shape[1:])
    pad = fill(A.shape(values)[1:], default)[None]
    values = concat([values, pad], 0)
    n = A.shape(values)[0] - 1                  # the default row's index
    dt = rt.row_splits.dtype
    starts, lens = rt.row_splits[:-1], rt.row_splits[1:] - rt.row_splits[:-1]
    width = R.reduce_max(concat([lens, dense_constant([0], dt)], 0)) \
        if shape[1] is None else dense_constant(shape[1], dt)
    cols = range_(width, dtype=dt)[None, :]
    at = select(E.less(cols, lens[:, None]), starts[:, None] + cols, E.cast(n, dt) +
                zeros_like(cols))
    dense = gather(values, at)
    if shape[0] is not None:                    # rows cut off or padded
        rows = range_(shape[0], dtype=dt)
        dense = gather(concat([dense, fill(A.shape(dense)[1:], default)[None]], 0),
                       select(E.less(rows, A.shape(dense, out_type=dt)[0]), rows,
                              A.shape(dense, out_type=dt)[0] + zeros_like(rows)))
    return dense


def to_sparse(rt, name=None):
    with name_scope(name, "RaggedToSparse"):
        cols = [E.cast(c, dtypes.int64) for c in _coordinates(rt)]
        flat = rt.flat_values
        shape = rt.bounding_shape(out_type=dtypes.int64)
        from .sparse import SparseTensor
        if flat.shape.rank == 1:
            return SparseTensor(stack(cols, axis=1), flat, shape)
        k = rt.ragged_rank + 1
        inner = A.shape(flat, out_type=dtypes.int64)[1:]
        p = R.reduce_prod(inner)
        n = A.shape(flat, out_type=dtypes.int64)[0]
        j = range_(0, n * p, 1, dtype=dtypes.int64)
        outer = gather(stack(cols, axis=1), j // p)
        table = A.transpose(A.reshape(unravel_index(range_(0, p, 1, dtype=dtypes.int64),
                                                    inner), [-1, p]))
        idx = concat([outer, gather(table, j % p)], 1)
        idx.set_shape([None, flat.shape.rank - 1 + k])
        return SparseTensor(idx, A.reshape(flat, [-1]), shape)


def from_sparse(st_input, name=None, row_splits_dtype=dtypes.int64):
    api = "RaggedTensor.from_sparse"
    from .sparse import SparseTensor, SparseTensorValue
    if isinstance(st_input, SparseTensorValue):
        st_input = SparseTensor(*st_input)
    if not isinstance(st_input, SparseTensor):
        raise TypeError(f"{api}: st_input must be a SparseTensor, not "
                        f"{type(st_input).__name__}")
    if st_input.rank not in (2, None):
        raise fail(errors.ShapeError, api, f"st_input must be rank 2, not rank "
                   f"{st_input.rank}", indices=st_input.indices)
    dt = dtypes.as_dtype(row_splits_dtype)
    with name_scope(name, "RaggedFromSparse"):
        idx = st_input.indices
        rows, cols = E.cast(idx[:, 0], dt), E.cast(idx[:, 1], dt)
        nrows = E.cast(st_input.dense_shape[0], dt)
        rt = RaggedTensor.from_value_rowids(st_input.values, rows, nrows, validate=True)
        pos = range_(0, A.shape(rows, out_type=dt)[0], 1, dtype=dt) - gather(rt.row_splits,
                                                                              rows)
        ok = R.reduce_all(E.equal(pos, cols))
        check = Assert(ok, [f"{api}: SparseTensor is not right-ragged (its rows must be "
                            "filled from column 0, in order)", idx], name="check_ragged")
        with control_dependencies([check]):
            return rt.with_values(identity(rt.values))


# ---- Python lists -----------------------------------------------------------------------
def _depth(pylist):
    """K: the nesting depth of the scalars (or of the deepest list when there are none)."""
    stack_, scalar, deepest = [(pylist, 0)], set(), 0
    while stack_:
        x, d = stack_.pop()
        if isinstance(x, np.ndarray):
            x = x.tolist()
        if isinstance(x, (list, tuple)):
            deepest = max(deepest, d + 1)
            stack_.extend((c, d + 1) for c in x)
        else:
            scalar.add(d)
    if len(scalar) > 1:
        raise ValueError(f"all scalar values must have the same nesting depth, got "
                         f"depths {sorted(scalar)}")
    return scalar.pop() if scalar else deepest


def _parse(pylist, ragged_rank, inner_shape, api):
    """(flat values as a list, [row_splits lists], ragged_rank, inner_shape)."""
    if isinstance(pylist, np.ndarray):
        pylist = pylist.tolist()
    k = _depth(pylist)
    inner = None if inner_shape is None else tuple(int(d) for d in inner_shape)
    if ragged_rank is None:
        ragged_rank = max(0, k - 1 - (len(inner) if inner else 0))
    if ragged_rank < 0 or (k and ragged_rank >= k) and not (k == 0 and ragged_rank == 0):
        raise ValueError(f"{api}: ragged_rank={ragged_rank} must be in [0, {max(k - 1, 0)}]"
                         f" for a value of nesting depth {k}")
    current, nested = list(pylist) if ragged_rank else pylist, []
    for _ in range(ragged_rank):
        splits, nxt = [0], []
        for r in current:
            if isinstance(r, np.ndarray):
                r = r.tolist()
            if not isinstance(r, (list, tuple)):
                raise ValueError(f"{api}: a scalar {r!r} is where a list is expected")
            nxt.extend(r)
            splits.append(len(nxt))
        nested.append(splits)
        current = nxt
    if inner is None:
        inner = () if not current else np.shape(current)[1:]
        if len(inner) != k - 1 - ragged_rank and ragged_rank:
            raise ValueError(f"{api}: the inner values are not uniform: pass ragged_rank "
                             f"or inner_shape")
    return current, nested, ragged_rank, tuple(inner)


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=dtypes.int64):
    """A RaggedTensor of a nested Python list (a Tensor if it has no ragged dim):
    `gc.ragged.constant([[1, 2], [], [3]])` has shape (3, None) and dtype int32."""
    api = "ragged.constant"
    dt = dtypes.as_dtype(row_splits_dtype)
    with name_scope(name, "RaggedConstant"):
        flat, nested, rr, inner = _parse(pylist, ragged_rank, inner_shape, api)
        if rr == 0:
            return dense_constant(pylist, dtype=dtype)
        if not flat:
            values = dense_constant(np.zeros((0,) + inner, (dtypes.as_dtype(dtype) if dtype
                                                   else dtypes.float32).np), name="values")
        else:
            values = dense_constant(flat, dtype=dtype, name="values")
            if inner_shape is not None:
                values = A.reshape(values, (-1,) + inner)
        splits = [dense_constant(np.asarray(s, dt.np)) for s in nested]
        return RaggedTensor.from_nested_row_splits(values, splits, validate=False)


def constant_value(pylist, dtype=None, ragged_rank=None, inner_shape=None,
                   row_splits_dtype="int64"):
    """The RaggedTensorValue of a nested Python list (numpy's default dtypes):
    `gc.ragged.constant_value([[1, 2], [3]]).to_list()` is [[1, 2], [3]]."""
    api = "ragged.constant_value"
    sd = np.dtype(dtypes.as_dtype(row_splits_dtype).np)
    flat, nested, rr, inner = _parse(pylist, ragged_rank, inner_shape, api)
    npdt = None if dtype is None else np.dtype(dtypes.as_dtype(dtype).np)
    if rr == 0:
        return np.asarray(pylist, dtype=npdt)
    values = np.asarray(flat, dtype=npdt) if flat else np.zeros((0,) + inner, npdt or
                                                                np.float64)
    if inner_shape is not None:
        values = values.reshape((-1,) + inner)
    for s in reversed(nested):
        values = RaggedTensorValue(values, np.asarray(s, sd))
    return values


def placeholder(dtype, ragged_rank, value_shape=None, name=None):
    """A RaggedTensor of placeholders, fed with a RaggedTensorValue:
    `rt = gc.ragged.placeholder(gc.float32, 1, [])`,
    `sess.run(y, {rt: gc.ragged.constant_value([[1.], [2., 3.]])})`."""
    if not isinstance(ragged_rank, int) or ragged_rank < 0:
        raise ValueError(f"ragged.placeholder: ragged_rank must be an int >= 0, not "
                         f"{ragged_rank!r}")
    with name_scope(name, "RaggedPlaceholder"):
        value_shape = TensorShape(value_shape if value_shape is not None else ())
        if value_shape.rank is None:
            raise ValueError("ragged.placeholder: value_shape must have a known rank")
        flat = placeholder_(dtype, (None,) + tuple(value_shape._dims), name="flat_values")
        if ragged_rank == 0:
            return flat
        splits = [placeholder_(dtypes.int64, [None], name=f"row_splits_{i}")
                  for i in range(ragged_rank)]
        return RaggedTensor.from_nested_row_splits(flat, splits, validate=False)

