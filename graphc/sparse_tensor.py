"""TF1's SparseTensor: a Python composite of three tensors, int64 `indices` [N, rank],
`values` [N] and int64 `dense_shape` [rank], checked against each other when built;
SparseTensorValue, sparse_placeholder, and the argument helpers the sparse ops share.
Session.run fetches a SparseTensor as a SparseTensorValue and feeds its three parts from
one (feeds.py, session.py: _as_parts). sparse.py (gc.sparse) re-exports these names.

    sp = gc.SparseTensor([[0, 1], [2, 0]], [1., 2.], [3, 4])
"""
import collections

import numpy as np

from . import dtypes, errors
from .graph import Tensor, name_scope
from .ops import elementwise as E
from .ops.core import (as_shape_like, convert_to_tensor, placeholder,
                       placeholder_with_default)
from .ops.registry import shape_value
from .shapes import TensorShape

__all__ = ["SparseTensor", "SparseTensorValue", "sparse_placeholder"]


SparseTensorValue = collections.namedtuple("SparseTensorValue",
                                           ["indices", "values", "dense_shape"])


def _fail(cls, api, why, **tensors):
    """cls(message) naming each tensor and the user's line that called `api`."""
    lines = [f"{api}: {why}"]
    lines += [f"  {errors.describe_tensor(t, label)}" for label, t in tensors.items()]
    return cls("\n".join(lines) + errors.called_at(api))


def _int64(x, what, api):
    """x as an int64 tensor (Python ints become int64; an int tensor is cast; a list
    holding tensors is packed, as TF1 does)."""
    if isinstance(x, (list, tuple)) and any(isinstance(d, Tensor) for d in x):
        from .ops.array import _shape_tensor
        x = _shape_tensor(x)
    if not isinstance(x, Tensor):
        arr = np.asarray(x)
        if arr.dtype.kind not in "iu" and not (arr.size == 0 and arr.dtype.kind == "f"):
            raise errors.DTypeError(f"{api}: {what} must be integers, got {arr.dtype} "
                                    "values" + errors.called_at(api))
        return convert_to_tensor(arr.astype(np.int64), name=what)
    if not x.dtype.is_integer:
        raise _fail(errors.DTypeError, api, f"{what} must be an int tensor, not "
                    f"{x.dtype.name}", **{what: x})
    return x if x.dtype is dtypes.int64 else E.cast(x, dtypes.int64)


class SparseTensor:
    """A sparse tensor: dense[indices[i]] = values[i], zero elsewhere (TF1's
    tf.SparseTensor). `sp = gc.SparseTensor([[0, 1], [2, 0]], [1., 2.], [3, 4])`;
    `gc.sparse.to_dense(sp)` is the (3, 4) dense tensor."""

    def __init__(self, indices, values, dense_shape):
        api = "SparseTensor"
        with name_scope(None, "SparseTensor"):
            self._indices = _int64(indices, "indices", api)
            self._values = convert_to_tensor(values, name="values")
            self._dense_shape = _int64(dense_shape, "dense_shape", api)
        self._static_shape = None
        i, v, s = self._indices, self._values, self._dense_shape
        parts = dict(indices=i, values=v, dense_shape=s)
        if i.shape.rank not in (2, None):
            raise _fail(errors.ShapeError, api, f"indices must be 2-D [N, rank], not of "
                        f"shape {i.shape}", **parts)
        if v.shape.rank not in (1, None):
            raise _fail(errors.ShapeError, api, f"values must be 1-D [N], not of shape "
                        f"{v.shape}", **parts)
        if s.shape.rank not in (1, None):
            raise _fail(errors.ShapeError, api, f"dense_shape must be 1-D [rank], not of "
                        f"shape {s.shape}", **parts)
        r_i = i.shape._dims[1] if i.shape.rank == 2 else None
        r_s = s.shape._dims[0] if s.shape.rank == 1 else None
        if isinstance(r_i, int) and isinstance(r_s, int) and r_i != r_s:
            raise _fail(errors.ShapeError, api, f"indices hold index tuples of rank {r_i} "
                        f"but dense_shape has rank {r_s}", **parts)
        n_i = i.shape._dims[0] if i.shape.rank == 2 else None
        n_v = v.shape._dims[0] if v.shape.rank == 1 else None
        if isinstance(n_i, int) and isinstance(n_v, int) and n_i != n_v:
            raise _fail(errors.ShapeError, api, f"indices has {n_i} index tuples but "
                        f"values has {n_v} values", **parts)

    indices = property(lambda self: self._indices)
    values = property(lambda self: self._values)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    graph = property(lambda self: self._values.graph)
    op = property(lambda self: self._values.node)

    @property
    def shape(self):
        """The static dense shape: exact where dense_shape is a constant."""
        if self._static_shape is not None:
            return self._static_shape
        return shape_value(self._dense_shape)

    def get_shape(self):
        return self.shape

    def eval(self, feed_dict=None, session=None):
        """The SparseTensorValue of this tensor in `session` (default: the default one)."""
        from .session import _session_or_default
        return _session_or_default(session).run(self, feed_dict)

    @property
    def rank(self):
        r = self._indices.shape._dims[1] if self._indices.shape.rank == 2 else None
        return r if isinstance(r, int) else self.shape.rank

    def _as_parts(self):
        """The three tensors Session.run fetches (as a SparseTensorValue) and feeds."""
        return (self._indices, self._values, self._dense_shape)

    _value_type = SparseTensorValue

    def _feed_parts(self, value):
        """A fed SparseTensorValue or (indices, values, dense_shape) as three values."""
        if value is None:                       # make_callable's feed_list
            return (None, None, None)
        if isinstance(value, SparseTensor) or not (isinstance(value, (tuple, list))
                                                   and len(value) == 3):
            raise errors.FeedError(
                f"feed for SparseTensor with values '{self._values.name}' must be a "
                f"SparseTensorValue or an (indices, values, dense_shape) tuple, not "
                f"{type(value).__name__}")
        return tuple(value)

    def _cwise(self, other, op, name):
        """TF1's sparse_dense_cwise_mul/div: each value with the entry of dense `other`
        (broadcast to this dense shape) at its index; a SparseTensor of these indices."""
        if isinstance(other, (SparseTensor, SparseTensorValue)):
            raise TypeError(f"SparseTensor {name}: the other operand must be dense (TF1 "
                            "has no SparseTensor-by-SparseTensor product)")
        from .ops.creation import zeros_like
        from .ops.join import stack
        from .ops.scatter import gather_nd
        with name_scope(None, name):
            d = convert_to_tensor(other, dtype=self.dtype, name="dense")
            rank, dims = self.rank, d.shape._dims
            if dims is None or rank is None or len(dims) > rank or None in dims:
                from .ops.broadcast import broadcast_to
                at = gather_nd(broadcast_to(d, self._dense_shape), self._indices)
            elif not dims:
                at = d
            else:               # the entry of d at each index: no dense broadcast made
                col = [self._indices[:, rank - len(dims) + j] for j in range(len(dims))]
                zero = zeros_like(col[0])
                at = gather_nd(d, stack([c if n != 1 else zero for c, n in zip(col, dims)],
                                        axis=1))
            out = SparseTensor(self._indices, op(self._values, at), self._dense_shape)
        out._static_shape = self._static_shape
        return out

    def __mul__(self, other):
        """sp * dense: a SparseTensor of sp's indices (TF1: sparse_dense_cwise_mul)."""
        return self._cwise(other, E.multiply, "SparseDenseCwiseMul")

    def __truediv__(self, other):
        """sp / dense: a SparseTensor of sp's indices (TF1: sparse_dense_cwise_div)."""
        return self._cwise(other, E.truediv, "SparseDenseCwiseDiv")

    __div__ = __truediv__

    def __repr__(self):
        return (f"SparseTensor(indices={self._indices.name!r}, values="
                f"{self._values.name!r}, dense_shape={self._dense_shape.name!r}, "
                f"shape {self.shape} {self.dtype.name})")


def _sparse(x, api):
    if isinstance(x, SparseTensorValue):
        return SparseTensor(*x)
    if not isinstance(x, SparseTensor):
        raise TypeError(f"{api}: expected a SparseTensor, got {type(x).__name__}")
    return x


def sparse_placeholder(dtype, shape=None, name=None):
    """A SparseTensor of three placeholders, fed with a SparseTensorValue or an
    (indices, values, dense_shape) tuple:
    `sp = gc.sparse_placeholder(gc.float32, [None, 5])`,
    `sess.run(y, {sp: gc.SparseTensorValue(idx, vals, [3, 5])})`.

    As TF1's: `shape` is None (any rank; dense_shape must be fed), a list whose unknown
    dims are None or -1, or an int64 shape tensor (tkipf/gcn's
    `tf.constant(features[2], dtype=tf.int64)`). A given shape is the default of
    dense_shape (unknown dims -1) and, as far as it is known, the static shape."""
    api = "sparse_placeholder"

    def part(suffix):           # TF1 names the parts name/values ... without a scope
        return None if name is None else f"{name}/{suffix}"

    if shape is None:
        dense_shape = placeholder(dtypes.int64, [None], name=part("shape"))
        static = TensorShape(None)
    elif isinstance(shape, Tensor):
        if shape.dtype is not dtypes.int64:
            raise _fail(errors.DTypeError, api, f"a shape tensor must be int64 (it "
                        f"becomes dense_shape), not {shape.dtype.name}", shape=shape)
        if shape.shape.rank not in (1, None):
            raise _fail(errors.ShapeError, api, f"a shape tensor must be 1-D, not of "
                        f"shape {shape.shape}", shape=shape)
        dense_shape = placeholder_with_default(shape, shape.shape, name=part("shape"))
        static = shape_value(shape)
    else:
        dims = as_shape_like(shape)
        if dims is None:
            raise errors.ShapeError(f"{api}: shape {shape} has unknown rank; pass None "
                                    "for a sparse tensor of any rank")
        static = TensorShape(tuple(None if isinstance(d, (int, np.integer)) and d == -1
                                   else d for d in dims))
        default = np.array([d if isinstance(d, int) else -1 for d in static._dims],
                           np.int64)
        default = convert_to_tensor(default, name=part("shape_default"))
        dense_shape = placeholder_with_default(default, [static.rank], name=part("shape"))
    rank = dense_shape.shape._dims[0] if dense_shape.shape.rank == 1 else None
    values = placeholder(dtype, [None], name=part("values"))
    indices = placeholder(dtypes.int64, [None, rank], name=part("indices"))
    sp = SparseTensor(indices, values, dense_shape)
    sp._static_shape = static
    return sp
