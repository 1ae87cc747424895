"""Small sparse helpers of TF1: sparse_matmul, convert_to_tensor_or_sparse_tensor, and
for gc.sparse: expand_dims, eye, from_dense."""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.broadcast import where
from .ops.core import constant, convert_to_tensor
from .ops.creation import ones_like
from .ops.join import concat, stack
from .ops.linalg import matmul
from .ops.registry import constant_value
from .ops.scatter import gather_nd
from .shapes import TensorShape
from .sparse import (SparseTensor, SparseTensorValue, _dims, _fail, _int64, _known_rank,
                     _sparse)

__all__ = ["sparse_matmul", "convert_to_tensor_or_sparse_tensor", "sparse_expand_dims",
           "sparse_eye", "sparse_from_dense"]


def _new(indices, values, dense_shape, static):
    out = SparseTensor(indices, values, dense_shape)
    out._static_shape = TensorShape(static)
    return out


def sparse_matmul(a, b, transpose_a=False, transpose_b=False, a_is_sparse=False,
                  b_is_sparse=False, name=None):
    """TF1's SparseMatMul: a plain float32 matmul (the *_is_sparse flags are hints):

        gc.sparse_matmul(a, b, b_is_sparse=True)     # == gc.matmul(a, b), float32"""
    def as_f32(x, what):
        if isinstance(x, Tensor):
            if x.dtype is not dtypes.float32:
                raise _fail(errors.DTypeError, "sparse_matmul", f"{what} must be float32, not "
                            f"{x.dtype.name}", **{what: x})
            return x
        return convert_to_tensor(np.asarray(x, np.float32))
    a, b = as_f32(a, "a"), as_f32(b, "b")
    return matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b,
                  name=name or "SparseMatMul")


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """value as a SparseTensor if it is one (or a SparseTensorValue), else as a Tensor
    (TF1): `gc.convert_to_tensor_or_sparse_tensor([1., 2.])` is a float32 Tensor."""
    if isinstance(value, SparseTensorValue):
        value = SparseTensor(*value)
    if isinstance(value, SparseTensor):
        if dtype is not None and dtypes.as_dtype(dtype) is not value.dtype:
            raise ValueError(f"convert_to_tensor_or_sparse_tensor: sparse dtype: given "
                             f"{dtypes.as_dtype(dtype).name}, actual {value.dtype.name}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


# ---- gc.sparse only ---------------------------------------------------------------------------
def sparse_expand_dims(sp_input, axis=None, name=None):
    """sp_input with a dim of size 1 inserted at axis (-1 when None; TF's
    tf.sparse.expand_dims): a (3, 5) tensor at axis -1 becomes (3, 5, 1)."""
    api = "sparse.expand_dims"
    sp = _sparse(sp_input, api)
    r = sp.rank
    axis = -1 if axis is None else int(axis)
    if r is None and axis < -1:
        _known_rank(sp, f"{api} with axis {axis}")
    if r is not None and not -r - 1 <= axis <= r:
        raise ValueError(f"{api}: axis {axis} out of range [{-r - 1}, {r}]")
    a = axis % (r + 1) if r is not None else axis if axis >= 0 else None   # None: last
    head, tail = (slice(None), slice(0, 0)) if a is None else (slice(None, a), slice(a, None))
    with name_scope(name, "ExpandDims"):
        zero = R.reduce_sum(sp.indices, 1, keepdims=True) * 0
        idx = concat([sp.indices[:, head], zero, sp.indices[:, tail]], 1)
        one = constant(np.array([1], np.int64))
        shape = concat([sp.dense_shape[head], one, sp.dense_shape[tail]], 0)
        static = None if r is None else list(_dims(sp))
        if static is not None:
            static.insert(a, 1)
        return _new(idx, sp.values, shape, static)


def sparse_eye(num_rows, num_columns=None, dtype=dtypes.float32, name=None):
    """A SparseTensor [num_rows, num_columns] with ones on the diagonal (TF's
    tf.sparse.eye): `gc.sparse.eye(2, 3)` has entries [0, 0] and [1, 1]."""
    api = "sparse.eye"
    with name_scope(name, "eye"):
        rows = _int64(num_rows, "num_rows", api)
        cols = rows if num_columns is None else _int64(num_columns, "num_columns", api)
        from .ops.creation import range as range_
        diag = range_(E.minimum(rows, cols), dtype=dtypes.int64)
        idx = stack([diag, diag], 1)
        values = ones_like(diag, dtype=dtypes.as_dtype(dtype))
        shape = stack([rows, cols])
        static = [constant_value(rows), constant_value(cols)]
        return _new(idx, values, shape, [None if v is None else int(v) for v in static])


def sparse_from_dense(tensor, name=None):
    """The SparseTensor of tensor's non-zero entries in row-major order (TF's
    tf.sparse.from_dense): [[0, 1.], [2, 0]] gives indices [[0, 1], [1, 0]]."""
    with name_scope(name, "dense_to_sparse"):
        x = convert_to_tensor(tensor)
        zero = constant(np.zeros((), x.dtype.np))
        idx = where(E.not_equal(x, zero))
        return _new(idx, gather_nd(x, idx), A.shape(x, out_type=dtypes.int64), x.shape)
