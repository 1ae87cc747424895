"""Sequence feature columns (TF 1.15's tf.feature_column.sequence_* and
tf.keras.experimental.SequenceFeatures): each example holds a sequence of values, so a
column gives a dense tensor [batch, T, d] (T: the longest sequence of the batch) and the
sequence lengths [batch] (int64).

    watches = gc.feature_column.sequence_categorical_column_with_identity("watches", 1000)
    rating = gc.feature_column.sequence_numeric_column("rating")
    layer = gc.feature_column.SequenceFeatures(
        [rating, gc.feature_column.embedding_column(watches, 10)])
    sequence_input, sequence_length = layer(features)     # [B, T, 11], [B]

A sequence categorical column wraps an ordinary categorical column and gives its ids as
a 3-D SparseTensor [batch, T, k]; embedding_column and indicator_column over it combine
the k ids of each step (feature_column_dense.py calls `embedding_sequence` and
`indicator_sequence` below).
"""
import collections

import numpy as np

from . import dtypes
from .feature_column_base import (IdWeightPair, _FeatureColumn, _LazyBuilder, check_key,
                                  check_shape)
from .feature_column_categorical import (categorical_column_with_hash_bucket,
                                         categorical_column_with_identity,
                                         categorical_column_with_vocabulary_file,
                                         categorical_column_with_vocabulary_list)
from .graph import control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.asserts import assert_equal
from .ops.core import convert_to_tensor, identity
from .ops.join import concat, stack
from .ops.parsing_example import VarLenFeature
from .ops.scope import AUTO_REUSE, variable_scope
from .ops.segment import unsorted_segment_max
from .shapes import TensorShape
from .sparse import SparseTensor, sparse_tensor_to_dense
from .sparse_ops import sparse_reshape

__all__ = ["sequence_categorical_column_with_identity",
           "sequence_categorical_column_with_hash_bucket",
           "sequence_categorical_column_with_vocabulary_file",
           "sequence_categorical_column_with_vocabulary_list", "sequence_numeric_column",
           "SequenceFeatures"]


def sequence_length_from_sparse_tensor(sp, num_elements=1):
    """int64 [batch]: per row, 1 + the largest index in dim 1, divided by num_elements
    and rounded up (0 for a row with no values)."""
    with name_scope(None, "sequence_length"):
        rows = sp.indices[:, 0]
        steps = sp.indices[:, 1] + 1
        longest = unsorted_segment_max(steps, rows, sp.dense_shape[0])
        longest = E.maximum(longest, convert_to_tensor(0, dtype=dtypes.int64))
        if num_elements == 1:
            return longest
        n = convert_to_tensor(num_elements, dtype=dtypes.int64)
        return E.floordiv(longest + (n - 1), n)


def _to_3d(sp):
    """[d0, d1, d2 * ... * dk]: the values of one step kept apart from the next."""
    shape = sp.dense_shape
    inner = R.reduce_prod(shape[2:])
    return sparse_reshape(sp, stack([shape[0], shape[1], inner]))


class SequenceCategoricalColumn(_FeatureColumn, collections.namedtuple(
        "SequenceCategoricalColumn", ["categorical_column"])):
    """A categorical column over sequences: its ids as a 3-D SparseTensor."""
    __slots__ = ()
    _is_categorical = True
    _is_sequence = True
    name = property(lambda self: self.categorical_column.name)
    _num_buckets = property(lambda self: self.categorical_column._num_buckets)
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)

    def _transform_feature(self, inputs):
        return self.categorical_column._transform_feature(inputs)

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        ids, weights = self.categorical_column._get_sparse_tensors(
            inputs, weight_collections=weight_collections, trainable=trainable)
        return IdWeightPair(_to_3d(ids), None if weights is None else _to_3d(weights))


def sequence_categorical_column_with_identity(key, num_buckets, default_value=None):
    """Sequences of integer ids in [0, num_buckets) (categorical_column_with_identity
    over sequences), for embedding_column or indicator_column in SequenceFeatures:

        watches = gc.feature_column.sequence_categorical_column_with_identity(
            "watches", num_buckets=1000)
    """
    return SequenceCategoricalColumn(categorical_column_with_identity(
        key=key, num_buckets=num_buckets, default_value=default_value))


def sequence_categorical_column_with_hash_bucket(key, hash_bucket_size,
                                                 dtype=dtypes.string):
    """Sequences of hashed ids (categorical_column_with_hash_bucket over sequences):

        tokens = gc.feature_column.sequence_categorical_column_with_hash_bucket(
            "tokens", hash_bucket_size=1000)
    """
    return SequenceCategoricalColumn(categorical_column_with_hash_bucket(
        key=key, hash_bucket_size=hash_bucket_size, dtype=dtype))


def sequence_categorical_column_with_vocabulary_file(key, vocabulary_file,
                                                     vocabulary_size=None,
                                                     num_oov_buckets=0, default_value=None,
                                                     dtype=dtypes.string):
    """Sequences of ids from a vocabulary file, one value a line:

        states = gc.feature_column.sequence_categorical_column_with_vocabulary_file(
            "states", "states.txt", num_oov_buckets=5)
    """
    return SequenceCategoricalColumn(categorical_column_with_vocabulary_file(
        key=key, vocabulary_file=vocabulary_file, vocabulary_size=vocabulary_size,
        num_oov_buckets=num_oov_buckets, default_value=default_value, dtype=dtype))


def sequence_categorical_column_with_vocabulary_list(key, vocabulary_list, dtype=None,
                                                     default_value=-1, num_oov_buckets=0):
    """Sequences of ids from an in-memory vocabulary:

        colors = gc.feature_column.sequence_categorical_column_with_vocabulary_list(
            "colors", ["R", "G", "B"], num_oov_buckets=2)
    """
    return SequenceCategoricalColumn(categorical_column_with_vocabulary_list(
        key=key, vocabulary_list=vocabulary_list, dtype=dtype, default_value=default_value,
        num_oov_buckets=num_oov_buckets))


class SequenceNumericColumn(_FeatureColumn, collections.namedtuple(
        "SequenceNumericColumn", ["key", "shape", "default_value", "dtype",
                                  "normalizer_fn"])):
    """Sequences of real values, `shape` per step (not cast: the feature's dtype)."""
    __slots__ = ()
    _is_sequence_dense = True
    name = property(lambda self: self.key)
    _variable_shape = property(lambda self: TensorShape(self.shape))
    _parse_example_spec = property(lambda self: {self.key: VarLenFeature(self.dtype)})

    def _transform_feature(self, inputs):
        x = inputs.get(self.key)
        return x if self.normalizer_fn is None else self.normalizer_fn(x)

    def _get_sequence_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        """(dense [batch, T] + shape, sequence lengths [batch]): the values padded with
        default_value, each step `shape`; a 2-D feature counts num_elements values a
        step."""
        sp = inputs.get(self)
        if not isinstance(sp, SparseTensor):
            raise ValueError(f"sequence_numeric_column {self.key}: the feature must be a "
                             f"SparseTensor (parse it as a VarLenFeature), got {sp}")
        default = convert_to_tensor(np.asarray(self.default_value, sp.dtype.np))
        dense = sparse_tensor_to_dense(sp, default_value=default)
        dense = A.reshape(dense, concat([A.shape(dense)[:1], [-1], list(self.shape)], 0))
        per_step = self._variable_shape.num_elements() if sp.shape.rank == 2 else 1
        return dense, sequence_length_from_sparse_tensor(sp, num_elements=per_step)


def sequence_numeric_column(key, shape=(1,), default_value=0., dtype=dtypes.float32,
                            normalizer_fn=None):
    """Sequences of numbers, `shape` per step (a 2-D feature is read `shape`'s number of
    values a step); default_value pads short sequences:

        rating = gc.feature_column.sequence_numeric_column("rating")
    normalizer_fn is applied to the raw (sparse) feature."""
    shape = check_shape(shape, key)
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype.name}, "
                         f"key: {key}")
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    check_key(key)
    return SequenceNumericColumn(key, shape, default_value, dtype, normalizer_fn)


# ---- the hooks of embedding_column and indicator_column ---------------------------------
def check_not_sequence(column, api):
    """ValueError if a dense column's categorical column is a sequence one (input_layer
    takes no sequences, TF1's message)."""
    cat = column.categorical_column
    if getattr(cat, "_is_sequence", False):
        raise ValueError(f"In {api}: {column.name}. categorical_column must not be of type "
                         f"_SequenceCategoricalColumn. Suggested fix A: If you wish to use "
                         f"input_layer, use a non-sequence categorical_column_with_*. "
                         f"Suggested fix B: If you wish to create sequence input, use "
                         f"SequenceFeatures instead of input_layer. Given (type "
                         f"{type(cat)}): {cat}")


def _require_sequence(column, api):
    cat = column.categorical_column
    if not getattr(cat, "_is_sequence", False):
        raise ValueError(f"In {api}: {column.name}. categorical_column must be of type "
                         f"SequenceCategoricalColumn to use SequenceFeatures. Suggested "
                         f"fix: Use one of sequence_categorical_column_with_*. Given (type "
                         f"{type(cat)}): {cat}")


def embedding_sequence(column, inputs, weight_collections=None, trainable=None):
    """(embeddings [batch, T, dimension], sequence lengths) of an embedding_column."""
    _require_sequence(column, "embedding_column")
    dense = column._embed(inputs, weight_collections, trainable)
    ids = column.categorical_column._get_sparse_tensors(inputs).id_tensor
    return dense, sequence_length_from_sparse_tensor(ids)


def indicator_sequence(column, inputs, weight_collections=None, trainable=None):
    """(multi-hot [batch, T, num_buckets], sequence lengths) of an indicator_column."""
    _require_sequence(column, "indicator_column")
    dense = inputs.get(column)
    ids = column.categorical_column._get_sparse_tensors(inputs).id_tensor
    return dense, sequence_length_from_sparse_tensor(ids)


# ---- the layer --------------------------------------------------------------------------
def _all_equal(tensors):
    """The first tensor, after run-time checks that the others equal it."""
    if len(tensors) == 1:
        return tensors[0]
    with name_scope(None, "assert_all_equal"):
        checks = [assert_equal(tensors[0], t) for t in tensors[1:]]
        with control_dependencies(checks):
            return identity(tensors[0])


class SequenceFeatures:
    """The sequence input of an RNN (tf.keras.experimental.SequenceFeatures, TF 1.15):
    called on a features dict it gives (sequence_input [batch, T, sum of d], int64
    sequence_length [batch]), the columns' tensors concatenated in order of name.

        layer = gc.feature_column.SequenceFeatures([rating, watches_embedding])
        sequence_input, sequence_length = layer(features)
        mask = gc.sequence_mask(sequence_length)
    Columns: sequence_numeric_column, and embedding_column / indicator_column of a
    sequence_categorical_column_*; all must give the same lengths (checked at run time).
    Variables: '<layer name>/<column name>/...', e.g.
    'sequence_features/watches_embedding/embedding_weights', made on the first call and
    shared by later calls."""

    def __init__(self, feature_columns, trainable=True, name=None, **kwargs):
        from .feature_column import _normalize
        if kwargs:
            raise TypeError(f"Keyword argument not understood: {sorted(kwargs)[0]!r}")
        columns = _normalize(feature_columns)
        for c in columns:
            if not getattr(c, "_is_sequence_dense", False):
                raise ValueError(f"Items of feature_columns must be a SequenceDenseColumn. "
                                 f"You can wrap a sequence categorical column with an "
                                 f"embedding_column or indicator_column. Given: {c}")
        from .keras import backend as K
        self._feature_columns = sorted(columns, key=lambda c: c.name)
        self.trainable = trainable
        self.name = name or K.unique_name("sequence_features")
        self._scope = None
        self.built = False

    def __call__(self, features, training=None):
        from .feature_column import _check_batch_sizes
        if not isinstance(features, dict):
            raise ValueError(f"We expected a dictionary here. Instead we got: {features}")
        if self._scope is None:
            with variable_scope(None, default_name=self.name) as vs:
                self._scope = vs
        outputs, lengths = [], []
        with variable_scope(self._scope, reuse=AUTO_REUSE if self.built else None):
            builder = _LazyBuilder(features)
            for column in self._feature_columns:
                with variable_scope(column._var_scope_name):
                    dense, length = column._get_sequence_dense_tensor(
                        builder, trainable=self.trainable)
                    n = column._variable_shape.num_elements()
                    shape = A.shape(dense)
                    outputs.append(A.reshape(dense, stack([shape[0], shape[1],
                                                           convert_to_tensor(n)])))
                    lengths.append(length)
            _check_batch_sizes(lengths, self._feature_columns)
            length = _all_equal(lengths)
            result = concat(outputs, -1)
        self.built = True
        return result, length

    def _collection(self, key):
        if self._scope is None:
            return []
        from .graph import get_default_graph
        return get_default_graph().get_collection(key, scope=self._scope.name + "/")

    @property
    def weights(self):
        """The layer's variables (after the first call)."""
        return self._collection("variables")

    variables = weights

    @property
    def trainable_weights(self):
        return self._collection("trainable_variables") if self.trainable else []

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        train = set(self.trainable_weights)
        return [v for v in self.weights if v not in train]

    def compute_output_shape(self, input_shape):
        d = sum(c._variable_shape.num_elements() for c in self._feature_columns)
        return TensorShape([None, None, d])

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "feature_columns": list(self._feature_columns)}
