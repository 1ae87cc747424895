"""gc.matmul (gc.linalg.matmul) on RaggedTensors, as TF's ragged dispatch does
(tensorflow/python/ops/ragged/ragged_math_ops.py `matmul`); ragged_dispatch.py sends
a call with a RaggedTensor operand here.

    a = gc.ragged.constant([[[1., 2.], [3., 4.]], [[5., 6.]]], ragged_rank=1)
    gc.matmul(a, gc.ones([2, 2, 3]))      # <RaggedTensor [[[3,3,3],[7,7,7]],[[11,11,11]]]>

The cases, as TF's:
- rank 2: a ragged operand must hold a uniform matrix (checked at run time); it is
  made dense and the result is a dense Tensor.
- rank 3, a batch of matrices [B, I, J] x [B, J, K] with I, J or K ragged: when `a` is
  the only ragged operand, ragged in I (ragged_rank 1) and not transposed, each row of
  `a` meets its batch's matrix of `b` (TF's batch-dim folding: one dense matmul over
  the rows). Otherwise each batch's matrices are padded with zeros to dense boxes,
  multiplied as one batched matmul (the zeros add nothing) and the product cut back to
  each batch's rows, and columns where K is ragged: the values of TF's map_fn over the
  batch, with its ragged_rank (2 when K is ragged, else 1).
- rank > 3: both operands become ragged_rank 1 over the outer dim, their row_splits
  are checked equal at run time, and their values are multiplied as above.
Gradients reach both operands' values through the gathers, scatters and masks used.
"""
from . import errors
from .graph import control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops.array_more import repeat
from .ops.asserts import assert_equal
from .ops.core import convert_to_tensor
from .ops.creation import fill, zeros_like
from .ops.gather import gather, unsorted_segment_sum
from .ops.linalg import matmul as dense_matmul
from .ops.segment import unsorted_segment_max
from .ragged_convert import from_tensor
from .ragged_util import fail, is_ragged, nvals

__all__ = ["matmul"]

_RAGGED_ERR = ("The matrices in `a` and `b` may not be ragged in their innermost "
               "dimension.")
_BATCH_ERR = "Batch dimensions of `a` and `b` do not have the same size."


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b where a, b or both are RaggedTensors (a_is_sparse/b_is_sparse are hints,
    ignored as by the dense matmul)."""
    for s, t, adj in (("a", transpose_a, adjoint_a), ("b", transpose_b, adjoint_b)):
        if t and adj:
            raise errors.UsageError(f"matmul: Only one of transpose_{s} and adjoint_{s} "
                                    "can be True." + errors.called_at("matmul"))
    kw = dict(transpose_a=bool(transpose_a), transpose_b=bool(transpose_b),
              adjoint_a=bool(adjoint_a), adjoint_b=bool(adjoint_b))
    with name_scope(name, "RaggedMatMul"):
        a = a if is_ragged(a) else convert_to_tensor(a, name="a")
        b = b if is_ragged(b) else convert_to_tensor(b, name="b")
        if a.dtype is not b.dtype:
            raise fail(errors.DTypeValueError, "matmul", "`a` and `b` must have the same "
                       f"dtype ({a.dtype.name} and {b.dtype.name}).", a=_flat(a), b=_flat(b))
        rank = _rank(a, b)
        levels, checks = [], []
        while rank > 3:         # one outer batch dim at a time, as TF's recursion
            a, b = _ragged1(a), _ragged1(b)
            _static_batch(a, b)
            checks.append(assert_equal(a.row_splits, b.row_splits,
                                       message="matmul: " + _BATCH_ERR))
            levels.append(a)
            a, b, rank = a.values, b.values, rank - 1
        with control_dependencies(checks):
            if not (is_ragged(a) or is_ragged(b)):      # dense values under rank > 3
                out = dense_matmul(a, b, **kw)
            else:
                out = _matmul_2d(a, b, kw) if rank == 2 else _matmul_3d(a, b, kw)
        for rt in reversed(levels):
            out = rt.with_values(out)
        return out


def _flat(x):
    return x.flat_values if is_ragged(x) else x


def _rank(a, b):
    """The common rank of a and b (TF's errors when they differ or are both unknown)."""
    ra, rb = a.shape.rank, b.shape.rank
    if ra is None and rb is None:
        raise fail(errors.ShapeError, "matmul", "matmul requires at least one input to "
                   "have known rank if either input is ragged.", a=_flat(a), b=_flat(b))
    rank = ra if ra is not None else rb
    if rank < 2 or (ra is not None and rb is not None and ra != rb):
        raise fail(errors.ShapeError, "matmul", f"`a` and `b` must have the same rank "
                   f"({ra} and {rb}).", a=_flat(a), b=_flat(b))
    return rank


def _ragged1(x):
    """x, a dense one as a RaggedTensor of ragged_rank 1 (int64 row_splits, as TF)."""
    return x if is_ragged(x) else from_tensor(x, ragged_rank=1)


def _static_batch(a, b):
    na, nb = _static_dim(a, 0), _static_dim(b, 0)
    if isinstance(na, int) and isinstance(nb, int) and na != nb:
        raise fail(errors.ShapeError, "matmul", f"{_BATCH_ERR} (`a` has {na}, `b` has "
                   f"{nb})", a=_flat(a), b=_flat(b))


def _matmul_2d(a, b, kw):
    """[I, J] x [J, K]: a dense Tensor, each ragged operand checked uniform at run time
    (its values fill its bounding box)."""
    checks = []
    dense = []
    for x in (a, b):
        if is_ragged(x):
            box = x.to_tensor()
            checks.append(assert_equal(A.size(x.flat_values), A.size(box),
                                       message="matmul: " + _RAGGED_ERR))
            x = box
        dense.append(x)
    with control_dependencies(checks):
        return dense_matmul(dense[0], dense[1], **kw)


def _matmul_3d(a, b, kw):
    ta = kw["transpose_a"] or kw["adjoint_a"]
    tb = kw["transpose_b"] or kw["adjoint_b"]
    dt = a.row_splits.dtype if is_ragged(a) else b.row_splits.dtype
    _static_batch(a, b)
    ka, kb = _static_dim(a, 1 if ta else 2), _static_dim(b, 2 if tb else 1)
    if ka is not None and kb is not None and ka != kb:
        raise fail(errors.ShapeError, "matmul", f"Matrix size-incompatible: the matrices "
                   f"of `a` have {ka} columns but those of `b` have {kb} rows",
                   a=_flat(a), b=_flat(b))
    check = assert_equal(nvals(a, dt), nvals(b, dt), message="matmul: " + _BATCH_ERR)
    with control_dependencies([check]):
        if is_ragged(a) and a.ragged_rank == 1 and not is_ragged(b) and not ta:
            return _folded(a, b, kw)
        return _padded(a, b, kw, dt)


def _folded(a, b, kw):
    """[B, (I), J] x [B, J, K]: row r of a (in batch n) times b[n], all rows at once:
    [sum I, 1, J] x [sum I, J, K] -> [sum I, K], under a's row_splits."""
    per_row = gather(b, a.value_rowids())
    prod = dense_matmul(A.expand_dims(a.values, 1), per_row, **kw)
    prod.set_shape([None] * 3)
    return a.with_values(A.squeeze(prod, [1]))


def _padded(a, b, kw, dt):
    """Each batch's matrices zero-padded to one box, one batched matmul, and the
    product cut back to each batch's rows (and columns, when they are ragged)."""
    ta = kw["transpose_a"] or kw["adjoint_a"]
    tb = kw["transpose_b"] or kw["adjoint_b"]
    a_box, a_rows, a_cols, checks = _box(a, dt, [])
    b_box, b_rows, b_cols, checks = _box(b, dt, checks)
    if ta:
        a_rows, a_cols = a_cols, a_rows
    if tb:
        b_rows, b_cols = b_cols, b_rows
    checks.append(assert_equal(a_cols, b_rows, message="matmul: Matrix size-incompatible: "
                               "in some batch, a matrix of `a` has a number of columns "
                               "(x) unlike the rows of the matrix of `b` (y)."))
    with control_dependencies(checks):
        prod = dense_matmul(a_box, b_box, **kw)
    prod.set_shape([None] * 3)      # known when one operand is a dense one of unknown rank
    ragged_k = is_ragged(b) and (b.ragged_rank == 2 or tb)
    if ragged_k:
        out = from_tensor(prod, lengths=(a_rows, repeat(b_cols, a_rows)), ragged_rank=2,
                          row_splits_dtype=dt)
        out._values._uniform = _static_dim(b, 1 if tb else 2)
    else:
        out = from_tensor(prod, lengths=a_rows, row_splits_dtype=dt)
    out._uniform = _static_dim(a, 2 if ta else 1)     # TF's _set_shape of the result
    n = prod.shape._dims[0] if prod.shape.rank is not None else None
    if isinstance(n, int):
        out.row_splits.set_shape([n + 1])
    return out


def _static_dim(x, k):
    d = x.shape._dims[k] if x.shape.rank is not None else None
    return d if isinstance(d, int) else None


def _as(t, dt):
    return t if t.dtype is dt else E.cast(t, dt)


def _box(x, dt, checks):
    """(x as a zero-padded dense [B, R, C], each batch's number of rows and columns as
    vectors of dt, checks + the run-time check that x's matrices are uniform)."""
    if not is_ragged(x):
        s = A.shape(x, out_type=dt)
        return x, fill(s[:1], s[1]), fill(s[:1], s[2]), checks
    rows = _as(x.row_lengths(), dt)
    if x.ragged_rank == 1:
        cols = fill(A.shape(rows, out_type=dt), A.shape(x.values, out_type=dt)[1])
        return x.to_tensor(), rows, cols, checks
    # [B, (I), (J)]: a batch's width is its longest row (0 when it has none), as the
    # bounding box of TF's x[n].to_tensor(); uniform when its values fill that box
    inner = _as(x.values.row_lengths(), dt)
    ids, n = x.value_rowids(), x.nrows()
    cols = E.maximum(unsorted_segment_max(inner, ids, n), zeros_like(rows))
    check = assert_equal(unsorted_segment_sum(inner, ids, n), rows * cols,
                         message="matmul: " + _RAGGED_ERR)
    return x.to_tensor(), rows, cols, checks + [check]
