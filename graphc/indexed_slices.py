"""TF1's IndexedSlices: a sparse gradient, the rows `values[i]` of a dense tensor at row
`indices[i]` (repeats add up), zero elsewhere.

Optimizer.compute_gradients returns one for a variable that reaches the loss only through
gathers (embedding lookups), and apply_gradients then updates only the rows it names, as
TF1's sparse kernels do: the step never builds a dense gradient of the whole table.

    grad, var = opt.compute_gradients(loss, [embeddings])[0]   # grad: an IndexedSlices
    sess.run(grad)          # IndexedSlicesValue(values=..., indices=..., dense_shape=...)

Used as a tensor (any op, gc.convert_to_tensor) it becomes the dense sum, as in TF1.
`gc.gradients` itself always returns dense tensors (docs/tf1-compat.md).
"""
import collections

from . import dtypes, errors
from .ops.core import convert_to_tensor, register_tensor_conversion_function
from .ops.gather import unsorted_segment_sum
from .ops.registry import shape_value
from .shapes import TensorShape

__all__ = ["IndexedSlices", "IndexedSlicesValue", "convert_to_tensor_or_indexed_slices",
           "sparse_mask"]

IndexedSlicesValue = collections.namedtuple("IndexedSlicesValue",
                                            ["values", "indices", "dense_shape"])


class IndexedSlices:
    """dense[indices[i]] += values[i] (TF1's tf.IndexedSlices): values (N, ...) rows,
    indices (N,) int row numbers, dense_shape (rank,) int or None.

        s = gc.IndexedSlices(values, indices, dense_shape=gc.shape(table))
        dense = gc.convert_to_tensor(s)       # unsorted_segment_sum of the rows
    """

    def __init__(self, values, indices, dense_shape=None):
        self._values = convert_to_tensor(values)
        self._indices = convert_to_tensor(indices)
        self._dense_shape = None if dense_shape is None else convert_to_tensor(dense_shape)
        if not self._indices.dtype.is_integer or self._indices.shape.rank not in (1, None):
            raise errors.DTypeError(
                "IndexedSlices: indices must be a 1-D int tensor\n  "
                + errors.describe_tensor(self._indices, "indices"))
        if self._values.shape.rank == 0:
            raise errors.ShapeError("IndexedSlices: values must hold rows (rank >= 1)\n  "
                                    + errors.describe_tensor(self._values, "values"))

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dense_shape = property(lambda self: self._dense_shape)
    dtype = property(lambda self: self._values.dtype)
    graph = property(lambda self: self._values.graph)
    name = property(lambda self: self._values.name)
    op = property(lambda self: self._values.node)
    device = property(lambda self: "")

    @property
    def shape(self):
        """The dense static shape: values' row shape under dense_shape's first dim."""
        rows = self._values.shape
        if rows.rank is None:
            return TensorShape(None)
        known = None if self._dense_shape is None else shape_value(self._dense_shape)
        n = known._dims[0] if known is not None and known.rank else None
        return TensorShape((n,) + tuple(rows._dims[1:]))

    def get_shape(self):
        return self.shape

    def __neg__(self):
        return IndexedSlices(-self._values, self._indices, self._dense_shape)

    # ---- the composite protocol Session.run uses (feeds.py) -------------------------------
    def _as_parts(self):
        if self._dense_shape is None:
            return (self._values, self._indices)
        return (self._values, self._indices, self._dense_shape)

    @property
    def _value_type(self):
        if self._dense_shape is None:
            return lambda values, indices: IndexedSlicesValue(values, indices, None)
        return IndexedSlicesValue

    def _feed_parts(self, value):
        n = len(self._as_parts())
        if value is None:
            return (None,) * n
        if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
            raise errors.FeedError(
                f"feed for IndexedSlices with values '{self._values.name}' must be an "
                f"IndexedSlicesValue or a (values, indices, dense_shape) tuple, not "
                f"{type(value).__name__}")
        return tuple(value)[:n]

    def __repr__(self):
        shape = "None" if self._dense_shape is None else repr(self._dense_shape.name)
        return (f"IndexedSlices(indices={self._indices.name!r}, values="
                f"{self._values.name!r}, dense_shape={shape}, {self.dtype.name})")


def _to_dense(value, dtype=None, name=None, as_ref=False):
    """The dense tensor of an IndexedSlices: the rows summed into place (TF1 converts
    the same way, with a warning about memory, which graphc leaves to the docs)."""
    if value.dense_shape is None:
        raise ValueError(f"cannot convert {value!r} to a tensor: its dense_shape is None")
    dense = unsorted_segment_sum(value.values, value.indices, value.dense_shape[0])
    if dtype is not None and dense.dtype is not dtypes.as_dtype(dtype):
        raise errors.DTypeError(f"convert_to_tensor: expected {dtypes.as_dtype(dtype).name} "
                                f"but {value!r} holds {dense.dtype.name}")
    return dense


register_tensor_conversion_function(IndexedSlices, _to_dense)


def convert_to_tensor_or_indexed_slices(value, dtype=None, name=None):
    """An IndexedSlices (or SparseTensor) as it is, anything else through
    convert_to_tensor (TF1)."""
    if isinstance(value, IndexedSlices) or hasattr(value, "_as_parts"):
        if dtype is not None and value.dtype is not dtypes.as_dtype(dtype):
            raise errors.DTypeError(f"convert_to_tensor_or_indexed_slices: expected "
                                    f"{dtype.name}, got {value!r}")
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def sparse_mask(a, mask_indices, name=None):
    """The rows of IndexedSlices a whose indices are not in mask_indices (TF1):

        b = gc.sparse_mask(a, [12, 45])   # a.indices [12, 26, 37, 45] -> b.indices [26, 37]
    """
    if not isinstance(a, IndexedSlices):
        raise TypeError(f"sparse_mask: a must be an IndexedSlices, not {type(a).__name__}")
    from .graph import name_scope
    from .ops.counting import setdiff1d
    from .ops.gather import gather
    with name_scope(name, "sparse_mask"):
        out_indices, to_gather = setdiff1d(a.indices, convert_to_tensor(
            mask_indices, dtype=a.indices.dtype))
        return IndexedSlices(gather(a.values, to_gather), out_indices, a.dense_shape)
