"""Categorical feature columns (TF1's tf.feature_column): ids from integers, from a
vocabulary list or file, from string hashing, from crosses, and weighted ids. Each
transforms its feature into a SparseTensor of int64 ids in [0, num_buckets)."""
import collections

import numpy as np

from . import dtypes
from .feature_column_base import (IdWeightPair, _FeatureColumn, check_key,
                                  check_string_or_int, is_feature_column, to_sparse_input)
from .lookup_index import index_table_from_file, index_table_from_tensor
from .ops import elementwise as E
from .ops.array import shape as _shape
from .ops.array_extra import where_v2
from .ops.core import convert_to_tensor
from .ops.creation import fill
from .ops.parsing_example import VarLenFeature
from .ops.strings import as_string
from .ops.strings_buckets import string_to_hash_bucket_fast
from .sparse import SparseTensor
from .sparse_cross import cross_hashed

__all__ = ["categorical_column_with_identity", "categorical_column_with_vocabulary_list",
           "categorical_column_with_vocabulary_file", "categorical_column_with_hash_bucket",
           "crossed_column", "weighted_categorical_column"]


def _compatible(column, sp):
    if column.dtype.is_integer != sp.dtype.is_integer:
        raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. key: "
                         f"{column.key}, column dtype: {column.dtype.name}, tensor dtype: "
                         f"{sp.dtype.name}")
    check_string_or_int(sp.dtype, f"column_name: {column.key} input_tensor")


def _int64_keys(column, sp):
    """(table key dtype, the SparseTensor's values as keys): integers as int64."""
    if sp.dtype.is_integer:
        return dtypes.int64, SparseTensor(sp.indices, E.cast(sp.values, dtypes.int64),
                                          sp.dense_shape)
    return column.dtype, sp


class IdentityCategoricalColumn(_FeatureColumn, collections.namedtuple(
        "IdentityCategoricalColumn", ["key", "number_buckets", "default_value"])):
    """Integer ids used as they are (categorical_column_with_identity)."""
    __slots__ = ()
    _is_categorical = True
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: self.number_buckets)
    _parse_example_spec = property(lambda self: {self.key: VarLenFeature(dtypes.int64)})

    def _transform_feature(self, inputs):
        sp = to_sparse_input(inputs.get(self.key))
        if not sp.dtype.is_integer:
            raise ValueError(f"Invalid input, not integer. key: {self.key} dtype: "
                             f"{sp.dtype.name}")
        values = E.cast(sp.values, dtypes.int64, name="values")
        if self.default_value is not None:      # out-of-range ids -> default_value
            n = convert_to_tensor(self.number_buckets, dtype=dtypes.int64)
            zero = convert_to_tensor(0, dtype=dtypes.int64)
            bad = E.logical_or(E.less(values, zero), E.greater_equal(values, n),
                               name="out_of_range")
            values = where_v2(bad, fill(_shape(values), convert_to_tensor(
                self.default_value, dtype=dtypes.int64), name="default_values"), values)
        return SparseTensor(sp.indices, values, sp.dense_shape)


def categorical_column_with_identity(key, num_buckets, default_value=None):
    """Integer inputs in [0, num_buckets) used as ids; others become default_value
    (kept as they are when it is None):

        col = gc.feature_column.categorical_column_with_identity("video_id", 1000)
    Dense inputs drop -1 (missing)."""
    if num_buckets < 1:
        raise ValueError(f"num_buckets {num_buckets} < 1, column_name {key}")
    if default_value is not None and not 0 <= default_value < num_buckets:
        raise ValueError(f"default_value {default_value} not in range [0, {num_buckets}), "
                         f"column_name {key}")
    check_key(key)
    return IdentityCategoricalColumn(key, num_buckets, default_value)


class VocabularyListCategoricalColumn(_FeatureColumn, collections.namedtuple(
        "VocabularyListCategoricalColumn",
        ["key", "vocabulary_list", "dtype", "default_value", "num_oov_buckets"])):
    """Ids from the position in an in-memory vocabulary."""
    __slots__ = ()
    _is_categorical = True
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: len(self.vocabulary_list) + self.num_oov_buckets)
    _parse_example_spec = property(lambda self: {self.key: VarLenFeature(self.dtype)})

    def _transform_feature(self, inputs):
        sp = to_sparse_input(inputs.get(self.key))
        _compatible(self, sp)
        key_dtype, sp = _int64_keys(self, sp)
        table = index_table_from_tensor(
            vocabulary_list=tuple(self.vocabulary_list), default_value=self.default_value,
            num_oov_buckets=self.num_oov_buckets, dtype=key_dtype, name=f"{self.key}_lookup")
        return table.lookup(sp)


def categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None,
                                            default_value=-1, num_oov_buckets=0):
    """Ids from each value's position in vocabulary_list; other values get
    default_value, or one of num_oov_buckets hashed buckets after the vocabulary:

        col = gc.feature_column.categorical_column_with_vocabulary_list(
            "color", ["R", "G", "B"], num_oov_buckets=2)
    """
    if vocabulary_list is None or len(vocabulary_list) < 1:
        raise ValueError(f"vocabulary_list {vocabulary_list} must be non-empty, "
                         f"column_name: {key}")
    if len(set(vocabulary_list)) != len(vocabulary_list):
        raise ValueError(f"Duplicate keys in vocabulary_list {vocabulary_list}, "
                         f"column_name: {key}")
    arr = np.array(vocabulary_list)
    vocab_dtype = dtypes.string if arr.dtype.kind in "USO" else dtypes.as_dtype(arr.dtype)
    if num_oov_buckets:
        if default_value != -1:
            raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
        if num_oov_buckets < 0:
            raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets} in {key}.")
    check_string_or_int(vocab_dtype, f"column_name: {key} vocabulary")
    if dtype is None:
        dtype = vocab_dtype
    elif dtypes.as_dtype(dtype).is_integer != vocab_dtype.is_integer:
        raise ValueError(f"dtype {dtypes.as_dtype(dtype).name} and vocabulary dtype "
                         f"{vocab_dtype.name} do not match, column_name: {key}")
    check_key(key)
    return VocabularyListCategoricalColumn(key, tuple(vocabulary_list), dtypes.as_dtype(dtype),
                                           default_value, num_oov_buckets)


class VocabularyFileCategoricalColumn(_FeatureColumn, collections.namedtuple(
        "VocabularyFileCategoricalColumn", ["key", "vocabulary_file", "vocabulary_size",
                                            "num_oov_buckets", "dtype", "default_value"])):
    """Ids from the line number in a vocabulary file."""
    __slots__ = ()
    _is_categorical = True
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: self.vocabulary_size + self.num_oov_buckets)
    _parse_example_spec = property(lambda self: {self.key: VarLenFeature(self.dtype)})

    def _transform_feature(self, inputs):
        sp = to_sparse_input(inputs.get(self.key))
        _compatible(self, sp)
        key_dtype, sp = _int64_keys(self, sp)
        table = index_table_from_file(
            vocabulary_file=self.vocabulary_file, num_oov_buckets=self.num_oov_buckets,
            vocab_size=self.vocabulary_size, default_value=self.default_value,
            key_dtype=key_dtype, name=f"{self.key}_lookup")
        return table.lookup(sp)


def categorical_column_with_vocabulary_file(key, vocabulary_file, vocabulary_size=None,
                                            num_oov_buckets=0, default_value=None,
                                            dtype=dtypes.string):
    """categorical_column_with_vocabulary_list with the vocabulary read from a file, one
    value a line (vocabulary_size: the first lines only; default all):

        col = gc.feature_column.categorical_column_with_vocabulary_file(
            "country", "countries.txt", num_oov_buckets=1)
    """
    if not vocabulary_file:
        raise ValueError(f"Missing vocabulary_file in {key}.")
    if vocabulary_size is None:
        try:
            with open(vocabulary_file, "rb") as f:
                vocabulary_size = sum(1 for _ in f)
        except OSError:
            raise ValueError(f"vocabulary_file in {key} does not exist.") from None
    if vocabulary_size < 1:
        raise ValueError(f"Invalid vocabulary_size in {key}.")
    if num_oov_buckets:
        if default_value is not None:
            raise ValueError(f"Can't specify both num_oov_buckets and default_value in {key}.")
        if num_oov_buckets < 0:
            raise ValueError(f"Invalid num_oov_buckets {num_oov_buckets} in {key}.")
    dtype = dtypes.as_dtype(dtype)
    check_string_or_int(dtype, f"column_name: {key}")
    check_key(key)
    return VocabularyFileCategoricalColumn(
        key, vocabulary_file, vocabulary_size, 0 if num_oov_buckets is None else
        num_oov_buckets, dtype, -1 if default_value is None else default_value)


class HashedCategoricalColumn(_FeatureColumn, collections.namedtuple(
        "HashedCategoricalColumn", ["key", "hash_bucket_size", "dtype"])):
    """Ids from FarmHash Fingerprint64 of the value (as a string) mod hash_bucket_size."""
    __slots__ = ()
    _is_categorical = True
    name = property(lambda self: self.key)
    _num_buckets = property(lambda self: self.hash_bucket_size)
    _parse_example_spec = property(lambda self: {self.key: VarLenFeature(self.dtype)})

    def _transform_feature(self, inputs):
        sp = to_sparse_input(inputs.get(self.key))
        check_string_or_int(sp.dtype, f"column_name: {self.key} input_tensor")
        if self.dtype.is_integer != sp.dtype.is_integer:
            raise ValueError(f"Column dtype and SparseTensors dtype must be compatible. "
                             f"key: {self.key}, column dtype: {self.dtype.name}, tensor "
                             f"dtype: {sp.dtype.name}")
        text = sp.values if self.dtype is dtypes.string else as_string(sp.values)
        ids = string_to_hash_bucket_fast(text, self.hash_bucket_size, name="lookup")
        return SparseTensor(sp.indices, ids, sp.dense_shape)


def categorical_column_with_hash_bucket(key, hash_bucket_size, dtype=dtypes.string):
    """Ids by hashing: Fingerprint64(value) % hash_bucket_size, as TF1
    (integers are hashed as their decimal strings):

        col = gc.feature_column.categorical_column_with_hash_bucket("query", 1000)
    """
    if hash_bucket_size is None:
        raise ValueError(f"hash_bucket_size must be set. key: {key}")
    if hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be at least 1. hash_bucket_size: "
                         f"{hash_bucket_size}, key: {key}")
    check_key(key)
    dtype = dtypes.as_dtype(dtype)
    check_string_or_int(dtype, f"column_name: {key}")
    return HashedCategoricalColumn(key, hash_bucket_size, dtype)


def _int64_or_string(x):
    """Integer features as int64 (TF1's sparse_cross casts int32 itself)."""
    if x.dtype is dtypes.string or x.dtype is dtypes.int64:
        return x
    if isinstance(x, SparseTensor):
        return SparseTensor(x.indices, E.cast(x.values, dtypes.int64), x.dense_shape)
    return E.cast(x, dtypes.int64)


def _leaf_keys(column):
    """The keys of a crossed column, nested crossed columns expanded (iteratively)."""
    out, stack = [], list(reversed(column.keys))
    while stack:
        k = stack.pop()
        if isinstance(k, CrossedColumn):
            stack.extend(reversed(k.keys))
        else:
            out.append(k)
    return out


class CrossedColumn(_FeatureColumn, collections.namedtuple(
        "CrossedColumn", ["keys", "hash_bucket_size", "hash_key"])):
    """Ids of hashed crosses of several categorical features."""
    __slots__ = ()
    _is_categorical = True
    _num_buckets = property(lambda self: self.hash_bucket_size)

    @property
    def name(self):
        return "_X_".join(sorted(k.name if is_feature_column(k) else k
                                 for k in _leaf_keys(self)))

    @property
    def _parse_example_spec(self):
        spec = {}
        for k in self.keys:
            if is_feature_column(k):
                spec.update(k._parse_example_spec)
            else:
                spec[k] = VarLenFeature(dtypes.string)
        return spec

    def _transform_feature(self, inputs):
        tensors = []
        for k in _leaf_keys(self):
            if isinstance(k, str):
                tensors.append(inputs.get(k))
            elif is_feature_column(k) and k._is_categorical:
                pair = k._get_sparse_tensors(inputs)
                if pair.weight_tensor is not None:
                    raise ValueError(f"crossed_column does not support weight_tensor, but "
                                     f"the given column populates weight_tensor. Given "
                                     f"column: {k.name}")
                tensors.append(pair.id_tensor)
            else:
                raise ValueError(f"Unsupported column type. Given: {k}")
        return cross_hashed([_int64_or_string(t) for t in tensors],
                            num_buckets=self.hash_bucket_size, hash_key=self.hash_key)


def crossed_column(keys, hash_bucket_size, hash_key=None):
    """Ids of the crosses of several features: feature keys (strings, raw features) or
    categorical columns (not hashed ones), hashed into hash_bucket_size buckets exactly
    as TF1's sparse_cross_hashed:

        col = gc.feature_column.crossed_column(["country", "language"], 10000)
    """
    if not hash_bucket_size or hash_bucket_size < 1:
        raise ValueError(f"hash_bucket_size must be > 1. hash_bucket_size: "
                         f"{hash_bucket_size}")
    if not keys or len(keys) < 2:
        raise ValueError(f"keys must be a list with length > 1. Given: {keys}")
    for k in keys:
        if not isinstance(k, str) and not (is_feature_column(k) and k._is_categorical):
            raise ValueError(f"Unsupported key type. All keys must be either string, or "
                             f"categorical column except HashedCategoricalColumn. Given: {k}")
        if isinstance(k, HashedCategoricalColumn):
            raise ValueError(f"categorical_column_with_hash_bucket is not supported for "
                             f"crossing. Hashing before crossing will increase probability "
                             f"of collision. Instead, use the feature name as a string. "
                             f"Given: {k}")
    return CrossedColumn(tuple(keys), hash_bucket_size, hash_key)


class WeightedCategoricalColumn(_FeatureColumn, collections.namedtuple(
        "WeightedCategoricalColumn", ["categorical_column", "weight_feature_key", "dtype"])):
    """A categorical column's ids with a weight for each id from another feature."""
    __slots__ = ()
    _is_categorical = True
    name = property(lambda self: f"{self.categorical_column.name}_weighted_by_"
                                 f"{self.weight_feature_key}")
    _num_buckets = property(lambda self: self.categorical_column._num_buckets)

    @property
    def _parse_example_spec(self):
        spec = dict(self.categorical_column._parse_example_spec)
        if self.weight_feature_key in spec:
            raise ValueError(f"Parse config {spec[self.weight_feature_key]} already exists "
                             f"for {self.weight_feature_key}.")
        spec[self.weight_feature_key] = VarLenFeature(self.dtype)
        return spec

    def _transform_feature(self, inputs):
        weights = inputs.get(self.weight_feature_key)
        if weights is None:
            raise ValueError(f"Missing weights {self.weight_feature_key}.")
        if weights.dtype is not self.dtype:
            raise ValueError(f"Bad dtype, expected {self.dtype.name}, but got "
                             f"{weights.dtype.name}.")
        if not isinstance(weights, SparseTensor):      # dense weights: 0 means missing
            weights = to_sparse_input(weights, ignore_value=0.0)
        if not weights.dtype.is_floating:
            weights = SparseTensor(weights.indices, E.cast(weights.values, dtypes.float32),
                                   weights.dense_shape)
        return inputs.get(self.categorical_column), weights

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        ids, weights = inputs.get(self)
        return IdWeightPair(ids, weights)


def weighted_categorical_column(categorical_column, weight_feature_key,
                                dtype=dtypes.float32):
    """A categorical column whose ids carry weights, read from the feature
    weight_feature_key (same indices as the ids):

        ids = gc.feature_column.categorical_column_with_identity("word", 1000)
        col = gc.feature_column.weighted_categorical_column(ids, "word_weight")
    """
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    if dtype is None or not (dtype.is_integer or dtype.is_floating):
        raise ValueError(f"dtype {dtype} is not convertible to float.")
    return WeightedCategoricalColumn(categorical_column, weight_feature_key, dtype)
