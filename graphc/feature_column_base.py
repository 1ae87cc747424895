"""What every feature column shares (gc.feature_column, TF1's tf.feature_column): the
column base class, the lazy feature builder that transforms each input once, and the
argument checks of the column constructors.

A column is an immutable namedtuple (hashable, equal by its fields, as TF1's). A dense
column gives a float32 tensor [batch, ...] (`_get_dense_tensor`); a categorical column
gives ids, and maybe weights, as SparseTensors (`_get_sparse_tensors`).
"""
import collections

import numpy as np

from . import dtypes
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops.array_extra import where_v2
from .ops.asserts import assert_positive
from .ops.control import cond
from .ops.core import convert_to_tensor, identity
from .ops.join import stack
from .ops.scatter import gather_nd
from .sparse import SparseTensor, SparseTensorValue
from .sparse_ops import sparse_reshape

IdWeightPair = collections.namedtuple("IdWeightPair", ["id_tensor", "weight_tensor"])


class _FeatureColumn:
    """Base of all columns: `name`, `parse_example_spec` and the TF1 private protocol
    (`_transform_feature`, `_parse_example_spec`, `_var_scope_name`)."""
    __slots__ = ()
    _is_dense = False           # has _variable_shape and _get_dense_tensor
    _is_categorical = False     # has _num_buckets and _get_sparse_tensors

    @property
    def _var_scope_name(self):
        return self.name

    @property
    def parse_example_spec(self):
        return self._parse_example_spec

    @property
    def num_buckets(self):
        return self._num_buckets

    @property
    def variable_shape(self):
        return self._variable_shape

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        """(ids, weights) of a categorical column: its transformed feature, unweighted."""
        return IdWeightPair(inputs.get(self), None)


def is_feature_column(x):
    return isinstance(x, _FeatureColumn)


class _LazyBuilder:
    """The features, each raw feature and each column's transform built at most once
    (TF1's _LazyBuilder): `builder.get("key")` is the raw feature (rank 1 made
    [batch, 1]); `builder.get(column)` is column._transform_feature(builder)."""

    def __init__(self, features):
        self._features = features.copy()
        self._feature_tensors = {}

    def get(self, key):
        if key in self._feature_tensors:
            return self._feature_tensors[key]
        if key in self._features:
            tensor = self._raw_feature(key)
            self._feature_tensors[key] = tensor
            return tensor
        if isinstance(key, str):
            raise ValueError(f"Feature {key} is not in features dictionary.")
        if not is_feature_column(key):
            raise TypeError(f'"key" must be either a "str" or "_FeatureColumn". '
                            f"Provided: {key}")
        transformed = key._transform_feature(self)
        if transformed is None:
            raise ValueError(f"Column {key.name} is not supported.")
        self._feature_tensors[key] = transformed
        return transformed

    def _raw_feature(self, key):
        """The feature as a Tensor or SparseTensor; a vector becomes [batch, 1]. Of
        unknown rank (a sparse_placeholder without shape, a py_func output), it is
        expanded at run time, when its rank is 1, by a cond (TF1)."""
        feature = as_tensor_or_sparse(self._features[key])
        rank = feature.shape.rank
        if rank == 0:
            raise ValueError(f"Feature (key: {key}) cannot have rank 0. Give: {feature}")
        if rank is not None:
            return _expand(feature) if rank == 1 else feature
        sparse = isinstance(feature, SparseTensor)
        rank = A.size(feature.dense_shape) if sparse else A.rank(feature)
        with control_dependencies([assert_positive(rank,
                                                   message="Feature cannot have rank 0")]):
            if sparse:
                return cond(E.equal(rank, 1), lambda: _expand(feature),
                            lambda: SparseTensor(identity(feature.indices),
                                                 identity(feature.values),
                                                 identity(feature.dense_shape)))
            return cond(E.equal(rank, 1), lambda: _expand(feature),
                        lambda: identity(feature))


def _expand(x):
    if isinstance(x, SparseTensor):
        return sparse_reshape(x, stack([x.dense_shape[0],
                                          convert_to_tensor(1, dtype=dtypes.int64)]))
    return A.expand_dims(x, -1)


def as_tensor_or_sparse(x):
    """A SparseTensor (from a SparseTensorValue too) or a Tensor."""
    if isinstance(x, SparseTensorValue):
        return SparseTensor(*x)
    if isinstance(x, (SparseTensor, Tensor)):
        return x
    return convert_to_tensor(x)


def to_sparse_input(input_tensor, ignore_value=None):
    """A SparseTensor as is; a dense tensor as a SparseTensor of its entries other than
    ignore_value (default: '' for strings, -1 for integers, 0 for floats)."""
    x = as_tensor_or_sparse(input_tensor)
    if isinstance(x, SparseTensor):
        return x
    with name_scope(None, "to_sparse_input"):
        if ignore_value is None:
            if x.dtype is dtypes.string:
                ignore_value = ""
            elif x.dtype.is_integer:
                ignore_value = -1        # -1 means a missing feature (TF1)
            else:
                ignore_value = 0
        if x.dtype is dtypes.string:
            ignore = convert_to_tensor(ignore_value, dtype=dtypes.string,
                                       name="ignore_value")
        else:
            ignore = E.cast(convert_to_tensor(ignore_value), x.dtype, name="ignore_value")
        indices = where_v2(E.not_equal(x, ignore), name="indices")
        return SparseTensor(indices, gather_nd(x, indices, name="values"),
                            A.shape(x, out_type=dtypes.int64, name="dense_shape"))


def check_key(key):
    if not isinstance(key, str):
        raise ValueError(f"key must be a string. Got: type {type(key)}. Given key: {key}")


def check_string_or_int(dtype, prefix):
    dtype = dtypes.as_dtype(dtype)
    if dtype is not dtypes.string and not dtype.is_integer:
        raise ValueError(f"{prefix} dtype must be string or integer. dtype: {dtype.name}.")


def _nested(x):
    return isinstance(x, (list, tuple))


def check_shape(shape, key):
    """shape as a tuple of positive ints (an int is one dimension)."""
    if shape is None:
        raise ValueError(f"shape must not be None. key: {key}")
    shape = tuple(shape) if _nested(shape) else (shape,)
    for d in shape:
        if not isinstance(d, (int, np.integer)) or isinstance(d, bool):
            raise TypeError(f"shape dimensions must be integer. shape: {shape}, key: {key}")
        if d < 1:
            raise ValueError(f"shape dimensions must be greater than 0. shape: {shape}, "
                             f"key: {key}")
    return tuple(int(d) for d in shape)


def _fill(shape, value):
    return tuple(_fill(shape[1:], value) for _ in range(shape[0])) if shape else value


def _fits(value, shape):
    """Whether a nested list has exactly `shape`."""
    if _nested(value) != bool(shape):
        return False
    if not shape:
        return True
    return len(value) == shape[0] and all(_fits(v, shape[1:]) for v in value)


def _flat(value):
    stack, out = [value], []
    while stack:
        v = stack.pop()
        if _nested(v):
            stack.extend(reversed(v))
        else:
            out.append(v)
    return out


def _as_tuple(value):
    return tuple(_as_tuple(v) for v in value) if _nested(value) else value


def check_default_value(shape, default_value, dtype, key):
    """numeric_column's default_value as a nested tuple of `shape` (TF1's rules)."""
    if default_value is None:
        return None
    if isinstance(default_value, int) and not isinstance(default_value, bool):
        return _fill(shape, default_value)
    if isinstance(default_value, float) and dtype.is_floating:
        return _fill(shape, default_value)
    if callable(getattr(default_value, "tolist", None)):     # numpy arrays
        default_value = default_value.tolist()
    if _nested(default_value):
        if not _fits(default_value, shape):
            raise ValueError(f"The shape of default_value must be equal to given shape. "
                             f"default_value: {default_value}, shape: {shape}, key: {key}")
        flat = _flat(default_value)
        if all(isinstance(v, int) for v in flat):
            return _as_tuple(default_value)
        if any(isinstance(v, float) for v in flat) and dtype.is_floating:
            return _as_tuple(default_value)
    raise TypeError(f"default_value must be compatible with dtype. default_value: "
                    f"{default_value}, dtype: {dtype.name}, key: {key}")
