"""The TypeSpecs of composite values (SparseTensor, RaggedTensor, IndexedSlices,
TensorArray, optional values, None) and type_spec_from_value; see type_spec.py.

    gc.RaggedTensorSpec([2, None], gc.int32)
    # RaggedTensorSpec(TensorShape([2, None]), tf.int32, 1, tf.int64)
"""
from . import dtypes
from .shapes import TensorShape
from .type_spec import TensorSpec, TypeSpec, _dtype, _shape

__all__ = ["SparseTensorSpec", "RaggedTensorSpec", "IndexedSlicesSpec", "TensorArraySpec",
           "OptionalSpec", "NoneTensorSpec", "type_spec_from_value"]


class SparseTensorSpec(TypeSpec):
    """The type of a SparseTensor: dense shape and dtype (TF's tf.SparseTensorSpec)."""
    __slots__ = ("_shape", "_dtype")

    def __init__(self, shape=None, dtype=dtypes.float32):
        self._shape, self._dtype = _shape(shape), dtypes.as_dtype(dtype)

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)

    @property
    def value_type(self):
        from .sparse import SparseTensor
        return SparseTensor

    def _fields(self):
        return (self._shape, self._dtype)

    @classmethod
    def from_value(cls, value):
        """The spec of a SparseTensor (or SparseTensorValue)."""
        from .sparse import SparseTensorValue
        if isinstance(value, SparseTensorValue):
            import numpy as np
            return cls(tuple(int(d) for d in np.asarray(value.dense_shape)),
                       dtypes.as_dtype(np.asarray(value.values).dtype))
        return cls(value.shape, value.dtype)

    # ---- TF's composite protocol: the parts of a value, and a value of parts -----------
    @property
    def _component_specs(self):
        """indices [None, rank], values [None], dense_shape [rank] (TF's)."""
        rank = self._shape.rank
        return [TensorSpec([None, rank], dtypes.int64), TensorSpec([None], self._dtype),
                TensorSpec([rank], dtypes.int64)]

    def _to_components(self, value):
        return [value.indices, value.values, value.dense_shape]

    def _from_components(self, tensors):
        """The SparseTensor of three tensors; its static shape is also this spec's."""
        from .sparse import SparseTensor
        sp = SparseTensor(*tensors)
        sp._static_shape = sp.shape.merge_with(self._shape)
        return sp

    def _batch(self, batch_size):
        """The spec of `batch_size` such values stacked (TF's)."""
        return SparseTensorSpec(TensorShape([batch_size]).concatenate(self._shape),
                                self._dtype)

    def _unbatch(self):
        """The spec of one row of such a value (TF's)."""
        return SparseTensorSpec(self._shape[1:], self._dtype)


class RaggedTensorSpec(TypeSpec):
    """The type of a RaggedTensor (TF's tf.RaggedTensorSpec): shape (None for ragged
    dims), dtype, ragged_rank (default rank - 1) and row_splits_dtype.

        gc.RaggedTensorSpec([2, None], gc.int32).ragged_rank     # 1
    """
    __slots__ = ("_shape", "_dtype", "_ragged_rank", "_row_splits_dtype", "_flat_values_spec")

    def __init__(self, shape=None, dtype=dtypes.float32, ragged_rank=None,
                 row_splits_dtype=dtypes.int64, flat_values_spec=None):
        self._shape = _shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        if flat_values_spec is not None:
            if not isinstance(flat_values_spec, TypeSpec):
                raise TypeError("flat_values_spec must be a TypeSpec, got "
                                f"{type(flat_values_spec).__name__}")
            if dtype is not None and dtypes.as_dtype(dtype) is not flat_values_spec.dtype:
                raise ValueError("dtype must be the same as flat_values_spec.dtype")
            self._dtype = flat_values_spec.dtype
        self._flat_values_spec = flat_values_spec
        if ragged_rank is None:
            if self._shape.rank is None:
                raise ValueError("Must specify ragged_rank or a shape with a known rank.")
            ragged_rank = self._shape.rank - 1
        if not isinstance(ragged_rank, int) or isinstance(ragged_rank, bool):
            raise TypeError(f"Argument `ragged_rank` must be an int. Received {ragged_rank}.")
        if self._shape.rank is not None and ragged_rank >= self._shape.rank:
            raise ValueError(f"Argument `ragged_rank` ({ragged_rank}) must be less than rank "
                             f"({self._shape.rank}).")
        self._ragged_rank = ragged_rank
        self._row_splits_dtype = dtypes.as_dtype(row_splits_dtype)

    shape = property(lambda self: self._shape)
    dtype = property(lambda self: self._dtype)
    ragged_rank = property(lambda self: self._ragged_rank)
    row_splits_dtype = property(lambda self: self._row_splits_dtype)
    flat_values_spec = property(lambda self: self._flat_values_spec)

    @property
    def value_type(self):
        from .ragged_tensor import RaggedTensor
        return RaggedTensor if self._ragged_rank > 0 else _tensor_type()

    def _fields(self):
        out = (self._shape, self._dtype, self._ragged_rank, self._row_splits_dtype)
        return out if self._flat_values_spec is None else out + (self._flat_values_spec,)

    @classmethod
    def from_value(cls, value):
        """The spec of a RaggedTensor."""
        return cls(value.shape, value.dtype, value.ragged_rank, value.row_splits.dtype)

    def is_compatible_with(self, spec_or_value):
        """As TypeSpec's; a ragged_rank-0 spec also takes a Tensor or TensorSpec of its
        shape and dtype (TF's: such a spec describes what becomes one ragged row)."""
        from .graph import Tensor
        if self._ragged_rank == 0 and self._flat_values_spec is None and isinstance(
                spec_or_value, (Tensor, TensorSpec)):
            return TensorSpec(self._shape, self._dtype).is_compatible_with(spec_or_value)
        return super().is_compatible_with(spec_or_value)

    # ---- TF's composite protocol: the parts of a value, and a value of parts -----------
    @property
    def _component_specs(self):
        """flat_values [None, inner dims...], then one row_splits per ragged dim (the
        outer one [nrows + 1]); a ragged_rank-0 spec: the Tensor itself (TF's)."""
        if self._ragged_rank <= 0:
            return [self._flat_values_spec or TensorSpec(self._shape, self._dtype)]
        flat = self._flat_values_spec or TensorSpec(
            TensorShape([None]).concatenate(self._shape[self._ragged_rank + 1:]),
            self._dtype)
        n = self._shape._dims[0] if self._shape.rank else None
        outer = TensorSpec([n + 1 if isinstance(n, int) else None], self._row_splits_dtype)
        inner = TensorSpec([None], self._row_splits_dtype)
        return [flat, outer] + [inner] * (self._ragged_rank - 1)

    def _to_components(self, value):
        from .ragged_util import is_ragged
        return [value.flat_values] + list(value.nested_row_splits) if is_ragged(value) \
            else [value]

    def _from_components(self, tensors):
        """The RaggedTensor of flat_values and nested row_splits (a ragged_rank-0 spec:
        the Tensor), its static shape merged with this spec's (TF's _set_shape)."""
        from .ragged_tensor import RaggedTensor
        flat, splits = tensors[0], list(tensors[1:])
        specs = self._component_specs
        for t, spec in zip(tensors, specs):
            t.set_shape(spec.shape)
        if not splits:
            return flat
        rt = RaggedTensor.from_nested_row_splits(flat, splits, validate=False)
        dims, level = self._shape._dims, rt
        for k in range(len(splits)):            # a ragged dim the spec knows the size of
            if dims is not None and isinstance(dims[k + 1], int):
                level._uniform = dims[k + 1]
            level = level.values
        return rt

    def _batch(self, batch_size):
        """The spec of `batch_size` such values stacked: one more ragged dim (TF's)."""
        return RaggedTensorSpec(TensorShape([batch_size]).concatenate(self._shape),
                                self._dtype, self._ragged_rank + 1, self._row_splits_dtype)

    def _unbatch(self):
        """The spec of one row of such a value: one ragged dim less (TF's)."""
        return RaggedTensorSpec(self._shape[1:], self._dtype, self._ragged_rank - 1,
                                self._row_splits_dtype)


def _tensor_type():
    from .graph import Tensor
    return Tensor


class IndexedSlicesSpec(TypeSpec):
    """The type of an IndexedSlices (TF's tf.IndexedSlicesSpec): dense shape, dtype,
    indices dtype, dense_shape dtype (None: no dense_shape) and indices' shape."""
    __slots__ = ("_shape", "_dtype", "_indices_dtype", "_dense_shape_dtype", "_indices_shape")

    def __init__(self, shape=None, dtype=dtypes.float32, indices_dtype=dtypes.int64,
                 dense_shape_dtype=None, indices_shape=None):
        self._shape, self._dtype = _shape(shape), dtypes.as_dtype(dtype)
        self._indices_dtype = dtypes.as_dtype(indices_dtype)
        self._dense_shape_dtype = _dtype(dense_shape_dtype)
        self._indices_shape = _shape(indices_shape).merge_with(TensorShape((None,)))

    @property
    def value_type(self):
        from .indexed_slices import IndexedSlices
        return IndexedSlices

    def _fields(self):
        return (self._shape, self._dtype, self._indices_dtype, self._dense_shape_dtype,
                self._indices_shape)


class TensorArraySpec(TypeSpec):
    """The type of a TensorArray (TF's tf.TensorArraySpec): element shape, dtype,
    dynamic_size and infer_shape. As in TF, compatibility looks at dtype and
    dynamic_size only."""
    __slots__ = ("_element_shape", "_dtype", "_dynamic_size", "_infer_shape")

    def __init__(self, element_shape=None, dtype=dtypes.float32, dynamic_size=False,
                 infer_shape=True):
        self._element_shape = _shape(element_shape)
        self._dtype = dtypes.as_dtype(dtype)
        self._dynamic_size, self._infer_shape = dynamic_size, infer_shape

    @property
    def value_type(self):
        from .ops.tensor_array import TensorArray
        return TensorArray

    def _fields(self):
        return (self._element_shape, self._dtype, self._dynamic_size, self._infer_shape)

    def is_compatible_with(self, other):
        other = self._as_spec(other)
        return (type(other) is type(self) and self._dtype is other._dtype
                and self._dynamic_size == other._dynamic_size)

    def most_specific_common_supertype(self, others):
        """TF's rule: this element shape, when dtypes and dynamic_size agree."""
        if not all(self.is_compatible_with(o) for o in others):
            return None
        return TensorArraySpec(self._element_shape, self._dtype, self._dynamic_size,
                               all(o._infer_shape for o in (self,) + tuple(others)))

    @classmethod
    def from_value(cls, value):
        """The spec of a TensorArray."""
        return cls(value.element_shape, value.dtype, value.dynamic_size,
                   value._meta.infer_shape)


class OptionalSpec(TypeSpec):
    """The type of an optional value of `element_spec` (TF's tf.OptionalSpec). graphc
    has no tf.experimental.Optional: value_type is None."""
    __slots__ = ("_element_spec",)

    def __init__(self, element_spec):
        self._element_spec = element_spec

    value_type = property(lambda self: None)

    def _fields(self):
        return (self._element_spec,)

    def __repr__(self):
        return f"OptionalSpec({self._element_spec!r},)"


class NoneTensorSpec(TypeSpec):
    """The type of None as a composite value (TF's NoneTensorSpec)."""
    __slots__ = ()

    value_type = property(lambda self: type(None))

    def _fields(self):
        return ()


def type_spec_from_value(value):
    """The TypeSpec of `value` (TF's tf.type_spec_from_value): a Tensor, SparseTensor,
    RaggedTensor, IndexedSlices, TensorArray, Dataset, None, or a numpy array / Python
    value convertible to a tensor. A tuple, list or dict is a TypeError, as in TF.

        gc.type_spec_from_value(np.zeros(3))    # TensorSpec([3], gc.float64)
    """
    from .graph import Tensor
    from .indexed_slices import IndexedSlices
    from .ops.tensor_array import TensorArray
    from .ragged_tensor import RaggedTensor
    from .sparse import SparseTensor, SparseTensorValue
    if isinstance(value, TypeSpec):
        raise TypeError(f"Could not build a TypeSpec for {value!r} of unsupported type "
                        f"{type(value)}.")
    if isinstance(value, Tensor):
        return TensorSpec(value.shape, value.dtype)
    if isinstance(value, (SparseTensor, SparseTensorValue)):
        return SparseTensorSpec.from_value(value)
    if isinstance(value, RaggedTensor):
        return RaggedTensorSpec.from_value(value)
    if isinstance(value, IndexedSlices):
        ds = value.dense_shape
        return IndexedSlicesSpec(value.shape, value.dtype, value.indices.dtype,
                                 None if ds is None else ds.dtype, value.indices.shape)
    if isinstance(value, TensorArray):
        return TensorArraySpec.from_value(value)
    if value is None:
        return NoneTensorSpec()
    from .data.dataset import Dataset
    if isinstance(value, Dataset):
        from .data.specs import DatasetSpec
        return DatasetSpec.from_value(value)
    if isinstance(value, list):         # TF converts a list (of tensors too) to a tensor
        from .ops.core import convert_to_tensor
        try:
            t = convert_to_tensor(value)
        except (TypeError, ValueError):
            t = None
        if t is not None:
            return TensorSpec(t.shape, t.dtype)
    if not isinstance(value, (tuple, list, dict)):
        import numpy as np
        try:
            if isinstance(value, (str, bytes)):
                return TensorSpec((), dtypes.string)
            arr = np.asarray(value)
            if arr.dtype.kind in "US" or arr.dtype.kind == "O" and arr.size and all(
                    isinstance(v, (str, bytes)) for v in arr.flat):
                return TensorSpec(arr.shape, dtypes.string)
            if arr.dtype.kind == "O":
                raise TypeError("not a tensor value")
            if isinstance(value, (bool, int, float, complex)):   # TF's Python defaults
                d = {bool: dtypes.bool, int: dtypes.int32, float: dtypes.float32,
                     complex: dtypes.complex128}[type(value)]
                return TensorSpec((), d)
            return TensorSpec(arr.shape, dtypes.as_dtype(arr.dtype))
        except (TypeError, ValueError):
            pass
    raise TypeError(f"Could not build a TypeSpec for {value!r} of unsupported type "
                    f"{type(value)}.")
