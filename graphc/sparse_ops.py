"""TF1's sparse structure ops: sparse_to_dense, concat, slice, split, reshape,
transpose, reset_shape, fill_empty_rows, to_indicator, merge, expand_dims, eye,
from_dense, sparse_matmul and convert_to_tensor_or_sparse_tensor. The math ops (add,
maximum, reduce_*, softmax, segment_*) are in sparse_math.py; every top-level name of
both is in this module's __all__ (star-imported into gc).

Index work is done by the integer ops of sparse_plan.py; values follow by gather, so
gradients reach the values (and default values) as TF1's *Grad ops send them.
"""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import Assert
from .ops.broadcast import broadcast_to, select, where
from .ops.core import constant, convert_to_tensor, identity, stop_gradient
from .ops.creation import ones_like, range as range_, zeros_like
from .autodiff.sparse_grads import dense_rows
from .ops.gather import gather, unsorted_segment_sum
from .ops.join import concat, stack
from .ops.registry import apply, constant_value
from .ops.scatter import scatter_nd
from .ops.sorting import argsort
from .shapes import TensorShape
from .ops.segment import unsorted_segment_max
from .ops.where import unique
from .sparse import (SparseTensor, _axis_mask, _dims, _fail, _in_range, _int64,
                     _rank, _row_major, _sparse)
from .sparse import sparse_reorder, sparse_retain
from .sparse_plan import RESHAPE, SLICE, VALIDATE
from .sparse_math import (sparse_maximum, sparse_minimum,  # noqa: F401
                          sparse_reduce_max, sparse_reduce_max_sparse,
                          sparse_reduce_sum_sparse, sparse_segment_mean,
                          sparse_segment_sqrt_n, sparse_segment_sum, sparse_softmax)
from .sparse_misc import convert_to_tensor_or_sparse_tensor, sparse_matmul  # noqa: F401

__all__ = ["sparse_to_dense", "sparse_concat", "sparse_slice", "sparse_split",
           "sparse_reshape", "sparse_transpose", "sparse_reset_shape",
           "sparse_fill_empty_rows", "sparse_to_indicator", "sparse_merge", "sparse_matmul",
           "convert_to_tensor_or_sparse_tensor", "sparse_maximum", "sparse_minimum",
           "sparse_reduce_max", "sparse_reduce_max_sparse", "sparse_reduce_sum_sparse",
           "sparse_segment_sum", "sparse_segment_mean", "sparse_segment_sqrt_n",
           "sparse_softmax", "sparse_reorder", "sparse_retain"]


def _new(indices, values, dense_shape, static=None):
    """A SparseTensor of three tensors, with a static dense shape where known."""
    out = SparseTensor(indices, values, dense_shape)
    if static is not None and TensorShape(static).rank is not None:
        out._static_shape = TensorShape(static).merge_with(out.shape) \
            if out.shape.rank is not None else TensorShape(static)
    return out


def _last_of_repeats(indices, shape):
    """True for each index that no later entry repeats (TF1's SparseToDense keeps it)."""
    _, which = unique(_row_major(indices, shape))
    pos = range_(A.size(which))
    return E.equal(gather(unsorted_segment_max(pos, which, A.size(which)), which), pos)


def _scatter(indices, values, shape, repeats=True, name=None):
    """scatter_nd that also takes bool values and, with `repeats`, keeps the last value
    of a repeated index (TF1's SparseToDense) while the gradient still reaches every
    entry (TF1's gather_nd gradient). Strings: _gather_dense with default b""."""
    if values.dtype is dtypes.string:
        return _gather_dense(indices, values, shape, b"", repeats, name)
    if repeats:
        last = _last_of_repeats(indices, shape)
        kept = select(last, values, zeros_like(values))
        values = values + stop_gradient(kept - values) if values.dtype.is_floating else kept
    if values.dtype is dtypes.bool_:
        hit = scatter_nd(indices, E.cast(values, dtypes.int32), shape)
        return E.greater(hit, 0, name=name)
    return scatter_nd(indices, values, shape, name=name)


def _gather_dense(indices, values, shape, default, repeats=True, name=None):
    """The dense tensor of values of any dtype (strings): each position gathers entry k
    of [default, *values], k scattered as 1..n to the indices (0 elsewhere; a repeated
    index keeps its last entry)."""
    n = A.shape(values, out_type=dtypes.int64)[0]
    number = range_(1, n + 1, dtype=dtypes.int64)
    if repeats:
        number = select(_last_of_repeats(indices, shape), number, zeros_like(number))
    at = scatter_nd(indices, number, shape)
    fill = A.reshape(convert_to_tensor(default, dtype=values.dtype), [1])
    return gather(concat([fill, values], 0), at, name=name)


def sparse_to_dense(sparse_indices, output_shape, sparse_values, default_value=0,
                    validate_indices=True, name=None):
    """The dense tensor of output_shape with sparse_values at sparse_indices and
    default_value elsewhere (TF1). Indices: a scalar, a vector (of a 1-D output) or a
    matrix [N, rank]; values: one per index or a scalar for all:

        gc.sparse_to_dense([[0, 1], [1, 0]], [2, 2], [5., 6.])   # [[0, 5], [6, 0]]

    With validate_indices, indices out of row-major order or repeated fail (TF1)."""
    api = "sparse_to_dense"
    with name_scope(name, "SparseToDense") as scope:
        idx = _int64(sparse_indices, "sparse_indices", api)
        shape = _int64(output_shape, "output_shape", api)
        values = convert_to_tensor(sparse_values)
        if idx.shape.rank == 0:
            idx = A.reshape(idx, [1, 1])
        elif idx.shape.rank == 1:
            idx = A.expand_dims(idx, 1)
        elif idx.shape.rank not in (2, None):
            raise _fail(errors.ShapeError, api, f"sparse_indices must be 0-D, 1-D or 2-D, "
                        f"not of shape {idx.shape}", sparse_indices=idx)
        if shape.shape.rank == 0:
            shape = A.reshape(shape, [1])
        if values.shape.rank == 0:                   # one value for every index
            values = gather(A.reshape(values, [1]), zeros_like(idx[:, 0]))
        elif values.shape.rank not in (1, None):
            raise _fail(errors.ShapeError, api, f"sparse_values must be a scalar or a "
                        f"vector, not of shape {values.shape}", sparse_values=values)
        idx = apply(VALIDATE, (idx, shape)).outputs[0] if validate_indices else \
            _in_range(SparseTensor(idx, values, shape), api)
        zero = isinstance(default_value, (int, float, bool)) and default_value == 0
        if values.dtype is dtypes.string:       # (TF1's default 0 is b"" for strings)
            default = b"" if zero else convert_to_tensor(default_value, dtype=values.dtype)
            _scalar_default(default, api)
            return _gather_dense(idx, values, shape, default, name=scope)
        if zero:
            return _scatter(idx, values, shape, name=scope)
        dense = _scatter(idx, values, shape)
        default = convert_to_tensor(default_value, dtype=values.dtype)
        _scalar_default(default, api)
        hit = scatter_nd(idx, ones_like(idx[:, 0], dtype=dtypes.int32), shape)
        return select(E.greater(hit, 0), dense, broadcast_to(default, A.shape(dense)),
                      name=scope)


def _scalar_default(default, api):
    if isinstance(default, Tensor) and default.shape.rank not in (0, None):
        raise _fail(errors.ShapeError, api, f"default_value must be a scalar, not of "
                    f"shape {default.shape}", default_value=default)


def _concat_static(sps, r, axis, expand, api):
    """The static dense shape of sparse_concat(axis, sps) (None when the rank is unknown)."""
    if r is None:
        return None
    statics = [_dims(s) or (None,) * r for s in sps]
    static = []
    for d in range(r):
        col = [st[d] for st in statics]
        if d == axis % r:
            static.append(sum(col) if None not in col else None)
        elif expand:
            static.append(max(col) if None not in col else None)
        else:
            known = {c for c in col if c is not None}
            if len(known) > 1:
                raise _fail(errors.ShapeError, api, f"the dense shapes differ in dim {d}: "
                            f"{statics}", **{f"dense_shape_{i}": s.dense_shape
                                             for i, s in enumerate(sps)})
            static.append(known.pop() if known else None)
    return static


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """The SparseTensors sp_inputs joined along axis, entries in row-major order (TF1):
    inputs of dense shapes (3, 5) and (3, 6) concatenated on axis 1 give (3, 11). With
    expand_nonconcat_dim the other dims are the largest of the inputs' (else they must
    agree)."""
    api = "sparse_concat"
    axis = concat_dim if concat_dim is not None else axis
    expand = expand_nonconcat_dim if expand_nonconcat_dims is None else expand_nonconcat_dims
    sps = [_sparse(s, api) for s in sp_inputs]
    if not sps:
        raise _fail(errors.UsageError, api, "needs at least one SparseTensor")
    ranks = {s.rank for s in sps} - {None}
    if len(ranks) > 1:
        raise _fail(errors.ShapeError, api, f"the inputs have different ranks {sorted(ranks)}")
    ref = next((s for s in sps if s.rank is not None), sps[0])
    with name_scope(name, "SparseConcat"):
        mask = _axis_mask(ref, axis, api)
        offset = constant(np.int64(0))
        indices, shapes = [], []
        for s in sps:
            indices.append(s.indices + mask * offset)
            offset = offset + R.reduce_sum(s.dense_shape * mask)
            shapes.append(s.dense_shape)
        stacked = stack(shapes)
        if expand:
            base = R.reduce_max(stacked, 0)
        else:
            base = shapes[0]
            same = R.reduce_all(E.equal(stacked * (1 - mask), base * (1 - mask)))
            check = Assert(same, [f"{api}: the dense shapes differ outside axis {axis}",
                                  stacked], name="check_shapes")
            with control_dependencies([check]):
                base = identity(base)
        out_shape = base * (1 - mask) + offset * mask
        static = _concat_static(sps, ref.rank, axis, expand, api)
        joined = _new(concat(indices, 0), concat([s.values for s in sps], 0), out_shape, static)
        return sparse_reorder(joined)


def sparse_slice(sp_input, start, size, name=None):
    """The entries of sp_input inside the box [start, start + size), with indices less
    start, in input order; the dense shape is the box cut at sp_input's bounds:

        gc.sparse_slice(sp, [0, 1], [2, 10])    # sp (3, 5) -> dense shape (2, 4)"""
    api = "sparse_slice"
    sp = _sparse(sp_input, api)
    with name_scope(name, "SparseSlice"):
        start = _int64(start, "start", api)
        size = _int64(size, "size", api)
        idx, picked, shape = apply(SLICE, (sp.indices, sp.dense_shape, start, size)).outputs
        return _new(idx, dense_rows(sp.values, picked), shape)   # TF1: a dense gradient


class _KeywordRequired:
    def __repr__(self):
        return "KeywordRequired()"


_KEYWORD = _KeywordRequired()


def sparse_split(keyword_required=_KEYWORD, sp_input=None, num_split=None, axis=None,
                 name=None, split_dim=None):
    """num_split SparseTensors cutting sp_input along axis; the first dim % num_split
    pieces are one longer (TF1). Arguments by keyword only:

        a, b = gc.sparse_split(sp_input=sp, num_split=2, axis=1)   # (3, 5) -> 3 + 2"""
    api = "sparse_split"
    if keyword_required is not _KEYWORD:
        raise _fail(errors.UsageError, api, "keyword arguments are required (sp_input=, "
                                            "num_split=, axis=)")
    axis = split_dim if axis is None else axis
    if sp_input is None or num_split is None or axis is None:
        raise _fail(errors.UsageError, api, "sp_input, num_split and axis are required")
    sp = _sparse(sp_input, api)
    if not isinstance(num_split, (int, np.integer)) or num_split < 1:
        raise _fail(errors.UsageError, api, f"num_split must be a positive Python int, not "
                                            f"{num_split!r}")
    n = int(num_split)
    with name_scope(name, "SparseSplit"):
        mask = _axis_mask(sp, axis, api)
        dim = R.reduce_sum(sp.dense_shape * mask)
        base, extra = dim // n, dim % n
        static = _dims(sp)
        out = []
        for i in range(n):
            ii = constant(np.int64(i))
            begin = ii * base + E.minimum(ii, extra)
            length = base + E.cast(E.less(ii, extra), dtypes.int64)
            piece = sparse_slice(sp, mask * begin, sp.dense_shape * (1 - mask) + mask * length)
            if static is not None:
                want, a = list(static), axis % len(static)
                d = static[a]
                want[a] = None if d is None else d // n + (1 if i < d % n else 0)
                piece._static_shape = TensorShape(want)
            out.append(piece)
        return out


def sparse_reshape(sp_input, shape, name=None):
    """sp_input's entries in a new dense shape of as many elements (one dim may be -1),
    values unchanged (TF1): a (3, 5) tensor reshaped to [5, -1] has dense shape (5, 3)."""
    api = "sparse_reshape"
    sp = _sparse(sp_input, api)
    with name_scope(name, "SparseReshape"):
        new_shape = _int64(shape, "shape", api)
        idx, out_shape = apply(RESHAPE, (sp.indices, sp.dense_shape, new_shape)).outputs
        out = _new(idx, identity(sp.values), out_shape)
    want = constant_value(new_shape)
    if want is not None:
        static = sp.shape
        if static.rank is not None and static.is_fully_defined():
            from .sparse_plan import _reshape_plan
            try:
                plan = _reshape_plan(np.array(static.as_list(), np.int64), np.asarray(want))
            except ValueError as e:
                raise _fail(errors.ShapeError, api, str(e).split(": ", 1)[1],
                            dense_shape=sp.dense_shape, shape=new_shape) from None
            out._static_shape = TensorShape(plan.tolist())
        else:
            out._static_shape = TensorShape([None if d == -1 else int(d) for d in want])
    return out


def sparse_transpose(sp_input, perm=None, name=None):
    """sp_input with its dims permuted (reversed when perm is None), entries in
    row-major order (TF1): a (3, 5) tensor transposes to (5, 3)."""
    api = "sparse_transpose"
    sp = _sparse(sp_input, api)
    r = sp.rank
    if perm is None and r is not None:
        perm = list(range(r - 1, -1, -1))
    p = constant_value(convert_to_tensor(perm)) if isinstance(perm, Tensor) else perm
    p = None if p is None else [int(v) for v in np.reshape(p, -1)]
    if p is not None and sorted(p) != list(range(len(p) if r is None else r)):
        raise _fail(errors.UsageError, api, f"perm {p} is not a permutation of the "
                                            f"{len(p) if r is None else r} dims")
    with name_scope(name, "SparseTranspose"):
        if perm is None:                                 # rank unknown: reverse the dims
            perm_t = _rank(sp) - 1 - range_(_rank(sp), dtype=dtypes.int64)
        else:
            perm_t = _int64(perm, "perm", api)
        idx = gather(sp.indices, perm_t, axis=1)
        dims = _dims(sp) or (None,) * len(p or ())
        static = None if p is None else [dims[k] for k in p]
        out = _new(idx, sp.values, gather(sp.dense_shape, perm_t), static)
        return sparse_reorder(out)


def sparse_reset_shape(sp_input, new_shape=None):
    """sp_input with a new dense shape: the tightest one (max index + 1 per dim) when
    new_shape is None, else new_shape, which must be >= the current shape (TF1)."""
    api = "sparse_reset_shape"
    sp = _sparse(sp_input, api)
    r = sp.rank
    with name_scope(None, "SparseResetShape"):
        if new_shape is None:
            tight = E.maximum(R.reduce_max(sp.indices, 0) + 1, constant(np.int64(0)))
            return _new(sp.indices, sp.values, tight, None if r is None else (None,) * r)
        shape = _int64(new_shape, "new_shape", api)
        if shape.shape.rank != 1 or r is not None and shape.shape._dims[0] not in (r, None):
            raise _fail(errors.ShapeError, api, f"new_shape must be a vector of {r} dims",
                        new_shape=shape)
        want, have = constant_value(shape), constant_value(sp.dense_shape)
        if want is not None and have is not None:
            if np.any(np.asarray(want) < np.asarray(have)):
                raise _fail(errors.ShapeError, api,
                            f"new_shape {np.asarray(want).tolist()} must be >= the current "
                            f"dense shape {np.asarray(have).tolist()} in every dim")
        else:
            ok = R.reduce_all(E.greater_equal(shape, sp.dense_shape))
            check = Assert(ok, [f"{api}: new_shape must be >= the current dense shape",
                                shape, sp.dense_shape], name="check_shape")
            with control_dependencies([check]):
                shape = identity(shape)
        static = None if want is None else [int(d) for d in np.reshape(want, -1)]
        return _new(sp.indices, sp.values, shape, static)


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """(sp, empty_row_indicator): sp_input with one entry default_value at [row, 0, ...]
    for each empty row, entries sorted by row (stable), and a bool [rows] saying which
    rows were empty (TF1). Gradients reach the values and default_value."""
    return fill_empty_rows_ordered(sp_input, default_value, name)[:2]


def fill_empty_rows_ordered(sp_input, default_value, name=None):
    """sparse_fill_empty_rows, and the order its entries were taken in (the input's
    entries, then the new ones): TF's reverse_index_map is that order's inverse."""
    api = "sparse_fill_empty_rows"
    sp = _sparse(sp_input, api)
    with name_scope(name, "SparseFillEmptyRows"):
        rows = sp.indices[:, 0]
        count = unsorted_segment_sum(ones_like(rows), rows, sp.dense_shape[0])
        empty = E.equal(count, 0)
        new_rows = where(empty)                              # [k, 1] int64
        new_idx = new_rows * _axis_mask(sp, 0, api)          # [row, 0, ...]
        default = convert_to_tensor(default_value, dtype=sp.dtype)
        fill = broadcast_to(default, A.shape(new_rows[:, 0]))
        all_rows = concat([rows, new_rows[:, 0]], 0)
        order = argsort(all_rows, stable=True)
        idx = gather(concat([sp.indices, new_idx], 0), order)
        values = gather(concat([sp.values, fill], 0), order)
        return _new(idx, values, sp.dense_shape, _dims(sp)), empty, order


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """A dense bool tensor [..., vocab_size]: True at [..., id] for each id in the last
    dim of the int SparseTensor sp_input (TF1):

        gc.sparse_to_indicator(ids, 4)   # ids [[2, 0], [2]] -> [[F, F... T at 0 and 2]]"""
    api = "sparse_to_indicator"
    sp = _sparse(sp_input, api)
    if not sp.dtype.is_integer:
        raise _fail(errors.DTypeError, api, f"sp_input must hold integer ids, not "
                    f"{sp.dtype.name}", values=sp.values)
    with name_scope(name, "SparseToIndicator") as scope:
        vocab = _int64(vocab_size, "vocab_size", api)
        ids = E.cast(sp.values, dtypes.int64)
        idx = concat([sp.indices[:, :-1], A.expand_dims(ids, 1)], 1)
        shape = concat([sp.dense_shape[:-1], A.reshape(vocab, [1])], 0)
        box = _in_range(SparseTensor(idx, sp.values, shape), api)
        out = E.greater(scatter_nd(box, ones_like(ids, dtype=dtypes.int32), shape), 0,
                        name=scope)
        v, dims = constant_value(vocab), _dims(sp)
        if dims is not None:
            out.set_shape(list(dims[:-1]) + [None if v is None else int(v)])
        return out


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """A SparseTensor [..., vocab_size] with sp_values' values at [..., id] for the ids
    of sp_ids (TF1); lists of sp_ids and vocab_size give one new dim per id tensor.
    Entries are put in row-major order unless already_sorted."""
    api = "sparse_merge"
    many = isinstance(sp_ids, (list, tuple))
    ids_list = [_sparse(s, api) for s in (sp_ids if many else [sp_ids])]
    vocabs = list(vocab_size) if many else [vocab_size]
    if len(vocabs) != len(ids_list):
        raise _fail(errors.UsageError, api,
                    f"{len(ids_list)} sp_ids but {len(vocabs)} vocab sizes")
    values = _sparse(sp_values, api)
    first = ids_list[0]
    with name_scope(name, "SparseMerge"):
        cols = [first.indices[:, :-1]]
        for s in ids_list:
            if not s.dtype.is_integer:
                raise _fail(errors.DTypeError, api, f"sp_ids must hold integer ids, not "
                            f"{s.dtype.name}", values=s.values)
            cols.append(A.expand_dims(E.cast(s.values, dtypes.int64), 1))
        sizes = [A.reshape(_int64(v, "vocab_size", api), [1]) for v in vocabs]
        shape = concat([first.dense_shape[:-1]] + sizes, 0)
        known = [constant_value(s) for s in sizes]
        static = None if _dims(first) is None else list(_dims(first)[:-1]) + \
            [None if k is None else int(k[0]) for k in known]
        out = _new(concat(cols, 1), values.values, shape, static)
        return out if already_sorted else sparse_reorder(out)
