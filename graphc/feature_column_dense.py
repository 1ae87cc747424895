"""Dense feature columns (TF1's tf.feature_column): numbers, bucketized numbers,
multi-hot indicators and embeddings of categorical columns (shared ones too). Each
gives a float32 tensor [batch, ...] that input_layer flattens to [batch, n]."""
import collections
import math

from . import dtypes
from .feature_column_base import (IdWeightPair, _FeatureColumn, check_default_value,
                                  check_key, check_shape, is_feature_column)
from .feature_column_sequence import check_not_sequence, embedding_sequence, indicator_sequence
from .graph import get_default_graph, name_scope
from .initializers import truncated_normal_initializer
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.creation import one_hot, range as _range
from .ops.join import stack
from .ops.nn_composites import safe_embedding_lookup_sparse
from .ops.parsing_example import FixedLenFeature
from .ops.scatter import scatter_nd
from .ops.varstore import get_variable
from .shapes import TensorShape
from .sparse import SparseTensor, embedding_lookup_sparse, sparse_tensor_to_dense
from .sparse_ops import sparse_merge, sparse_slice

__all__ = ["numeric_column", "bucketized_column", "indicator_column", "embedding_column",
           "shared_embedding_columns"]


class NumericColumn(_FeatureColumn, collections.namedtuple(
        "NumericColumn", ["key", "shape", "default_value", "dtype", "normalizer_fn"])):
    """Real values of a fixed shape, as float32."""
    __slots__ = ()
    _is_dense = True
    name = property(lambda self: self.key)
    _variable_shape = property(lambda self: TensorShape(self.shape))

    @property
    def _parse_example_spec(self):
        return {self.key: FixedLenFeature(self.shape, self.dtype, self.default_value)}

    def _transform_feature(self, inputs):
        x = inputs.get(self.key)
        if isinstance(x, SparseTensor):
            raise ValueError(f"The corresponding Tensor of numerical column must be a Tensor. "
                             f"SparseTensor is not supported. key: {self.key}")
        if self.normalizer_fn is not None:
            x = self.normalizer_fn(x)
        return E.cast(x, dtypes.float32)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return inputs.get(self)


def numeric_column(key, shape=(1,), default_value=None, dtype=dtypes.float32,
                   normalizer_fn=None):
    """A real-valued feature of `shape` per example (cast to float32; normalizer_fn is
    applied first):

        price = gc.feature_column.numeric_column("price", normalizer_fn=lambda x: x / 100)
    default_value is used by parsing (make_parse_example_spec)."""
    shape = check_shape(shape, key)
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_integer or dtype.is_floating):
        raise ValueError(f"dtype must be convertible to float. dtype: {dtype.name}, "
                         f"key: {key}")
    default_value = check_default_value(shape, default_value, dtype, key)
    if normalizer_fn is not None and not callable(normalizer_fn):
        raise TypeError(f"normalizer_fn must be a callable. Given: {normalizer_fn}")
    check_key(key)
    return NumericColumn(key, shape, default_value, dtype, normalizer_fn)


class BucketizedColumn(_FeatureColumn, collections.namedtuple(
        "BucketizedColumn", ["source_column", "boundaries"])):
    """A numeric column's values as bucket ids: one-hot when dense, ids when
    categorical."""
    __slots__ = ()
    _is_dense = True
    _is_categorical = True
    name = property(lambda self: f"{self.source_column.name}_bucketized")
    _parse_example_spec = property(lambda self: self.source_column._parse_example_spec)
    _variable_shape = property(lambda self: TensorShape(
        tuple(self.source_column.shape) + (len(self.boundaries) + 1,)))
    _num_buckets = property(lambda self: (len(self.boundaries) + 1) *
                            self.source_column.shape[0])

    def _transform_feature(self, inputs):
        """The bucket of each value: the number of boundaries <= x (TF1's Bucketize)."""
        x = inputs.get(self.source_column)
        b = A.reshape(E.cast(list(self.boundaries), dtypes.float32), [-1])
        below = E.logical_not(E.less(A.expand_dims(x, -1), b))
        return R.reduce_sum(E.cast(below, dtypes.int32), -1)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        return one_hot(E.cast(inputs.get(self), dtypes.int64), len(self.boundaries) + 1,
                       on_value=1., off_value=0.)

    def _get_sparse_tensors(self, inputs, weight_collections=None, trainable=None):
        """Ids bucket + (len(boundaries) + 1) * i for value i of each example."""
        x = inputs.get(self)
        batch = A.shape(x)[0]
        dim = self.source_column.shape[0]
        i1 = A.reshape(A.tile(A.expand_dims(_range(0, batch), 1), [1, dim]), (-1,))
        i2 = A.tile(_range(0, dim), [batch])
        ids = A.reshape(x, (-1,)) + (len(self.boundaries) + 1) * i2
        indices = E.cast(A.transpose(stack((i1, i2))), dtypes.int64)
        dense_shape = E.cast(stack([batch, dim]), dtypes.int64)
        return IdWeightPair(SparseTensor(indices, ids, dense_shape), None)


def bucketized_column(source_column, boundaries):
    """A 1-D numeric column split by sorted boundaries into len(boundaries) + 1 buckets
    (bucket i holds boundaries[i-1] <= x < boundaries[i]):

        age = gc.feature_column.numeric_column("age")
        ages = gc.feature_column.bucketized_column(age, [18, 25, 30, 35, 40, 65])
    """
    if not isinstance(source_column, NumericColumn):
        raise ValueError(f"source_column must be a column generated with numeric_column(). "
                         f"Given: {source_column}")
    if len(source_column.shape) > 1:
        raise ValueError(f"source_column must be one-dimensional column. Given: "
                         f"{source_column}")
    if not boundaries:
        raise ValueError("boundaries must not be empty.")
    if not isinstance(boundaries, (list, tuple)):
        raise ValueError("boundaries must be a sorted list.")
    for lo, hi in zip(boundaries[:-1], boundaries[1:]):
        if lo >= hi:
            raise ValueError("boundaries must be a sorted list.")
    return BucketizedColumn(source_column, tuple(boundaries))


class IndicatorColumn(_FeatureColumn, collections.namedtuple(
        "IndicatorColumn", ["categorical_column"])):
    """A categorical column as a multi-hot float32 [batch, num_buckets]."""
    __slots__ = ()
    _is_dense = True
    name = property(lambda self: f"{self.categorical_column.name}_indicator")
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = property(lambda self: TensorShape(
        [1, self.categorical_column._num_buckets]))

    def _transform_feature(self, inputs):
        ids, weights = self.categorical_column._get_sparse_tensors(inputs)
        depth = self.categorical_column._num_buckets
        if weights is not None:     # the sum of the weights of each id
            merged = sparse_merge(ids, weights, depth)
            merged = sparse_slice(merged, [0, 0], merged.dense_shape)
            return scatter_nd(merged.indices, merged.values, merged.dense_shape)
        dense = sparse_tensor_to_dense(ids, default_value=-1)
        return R.reduce_sum(one_hot(dense, depth, on_value=1.0, off_value=0.0), axis=[-2])

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        check_not_sequence(self, "indicator_column")
        return inputs.get(self)

    _is_sequence_dense = True
    _get_sequence_dense_tensor = indicator_sequence


def indicator_column(categorical_column):
    """A categorical column as a multi-hot vector (count of each id; the summed weights
    for a weighted column):

        col = gc.feature_column.indicator_column(
            gc.feature_column.categorical_column_with_identity("day", 7))
    """
    if not (is_feature_column(categorical_column) and categorical_column._is_categorical):
        raise ValueError(f"Unsupported input type. Input must be a CategoricalColumn. "
                         f"Given: {categorical_column}")
    return IndicatorColumn(categorical_column)


def _lookup(column, embedding_weights, ids, weights):
    """The combined embeddings of the ids (TF1's safe_embedding_lookup_sparse)."""
    if column.ckpt_to_load_from is not None:
        from .train.checkpoint_reader import init_from_checkpoint
        init_from_checkpoint(column.ckpt_to_load_from,
                             {column.tensor_name_in_ckpt: embedding_weights})
    rank = ids.dense_shape.shape._dims[0] if ids.dense_shape.shape.rank == 1 else None
    if not column.use_safe_embedding_lookup and isinstance(rank, int) and rank <= 2:
        return embedding_lookup_sparse(embedding_weights, ids, weights,
                                       combiner=column.combiner, name=f"{column.name}_weights",
                                       max_norm=column.max_norm)
    return safe_embedding_lookup_sparse(embedding_weights, ids, weights,
                                        combiner=column.combiner,
                                        name=f"{column.name}_weights",
                                        max_norm=column.max_norm)


_EMBEDDING_FIELDS = ["categorical_column", "dimension", "combiner", "initializer",
                     "ckpt_to_load_from", "tensor_name_in_ckpt", "max_norm", "trainable",
                     "use_safe_embedding_lookup"]


class EmbeddingColumn(_FeatureColumn, collections.namedtuple(
        "EmbeddingColumn", _EMBEDDING_FIELDS)):
    """A categorical column's ids as combined rows of an embedding table."""
    __slots__ = ()
    _is_dense = True
    name = property(lambda self: f"{self.categorical_column.name}_embedding")
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = property(lambda self: TensorShape([self.dimension]))

    def _transform_feature(self, inputs):
        return inputs.get(self.categorical_column)

    _is_sequence_dense = True
    _get_sequence_dense_tensor = embedding_sequence

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        check_not_sequence(self, "embedding_column")
        return self._embed(inputs, weight_collections, trainable)

    def _embed(self, inputs, weight_collections=None, trainable=None):
        ids, weights = self.categorical_column._get_sparse_tensors(
            inputs, weight_collections=weight_collections, trainable=trainable)
        if weight_collections and "variables" not in weight_collections:
            weight_collections.append("variables")
        table = get_variable("embedding_weights",
                             shape=(self.categorical_column._num_buckets, self.dimension),
                             dtype=dtypes.float32, initializer=self.initializer,
                             trainable=self.trainable and trainable,
                             collections=weight_collections)
        return _lookup(self, table, ids, weights)


def _embedding_args(dimension, ckpt_to_load_from, tensor_name_in_ckpt, initializer, name):
    if dimension is None or dimension < 1:
        raise ValueError(f"Invalid dimension {dimension}.")
    if (ckpt_to_load_from is None) != (tensor_name_in_ckpt is None):
        raise ValueError("Must specify both `ckpt_to_load_from` and `tensor_name_in_ckpt` or "
                         "none of them.")
    if initializer is not None and not callable(initializer):
        raise ValueError(f"initializer must be callable if specified.{name}")
    if initializer is None:
        initializer = truncated_normal_initializer(mean=0.0, stddev=1 / math.sqrt(dimension))
    return initializer


def embedding_column(categorical_column, dimension, combiner="mean", initializer=None,
                     ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                     trainable=True, use_safe_embedding_lookup=True):
    """A categorical column as a dense embedding: the variable 'embedding_weights'
    [num_buckets, dimension] (default init truncated_normal, stddev 1/sqrt(dimension)),
    its rows at the ids combined by "mean", "sqrtn" or "sum" (weighted if the column is):

        words = gc.feature_column.categorical_column_with_hash_bucket("words", 10000)
        emb = gc.feature_column.embedding_column(words, dimension=16)
    ckpt_to_load_from/tensor_name_in_ckpt set the initial value from a checkpoint."""
    initializer = _embedding_args(dimension, ckpt_to_load_from, tensor_name_in_ckpt,
                                  initializer, f" Embedding of column_name: "
                                  f"{getattr(categorical_column, 'name', categorical_column)}")
    return EmbeddingColumn(categorical_column, dimension, combiner, initializer,
                           ckpt_to_load_from, tensor_name_in_ckpt, max_norm, trainable,
                           use_safe_embedding_lookup)


class _SharedEmbeddingColumn(_FeatureColumn, collections.namedtuple(
        "_SharedEmbeddingColumn", _EMBEDDING_FIELDS[:4] + ["shared_embedding_collection_name"]
        + _EMBEDDING_FIELDS[4:])):
    """An embedding column whose table is shared with the other columns of its
    collection (the graph collection shared_embedding_collection_name holds it)."""
    __slots__ = ()
    _is_dense = True
    name = property(lambda self: f"{self.categorical_column.name}_shared_embedding")
    _var_scope_name = property(lambda self: self.shared_embedding_collection_name)
    _parse_example_spec = property(lambda self: self.categorical_column._parse_example_spec)
    _variable_shape = property(lambda self: TensorShape([self.dimension]))

    def _transform_feature(self, inputs):
        return inputs.get(self.categorical_column)

    def _get_dense_tensor(self, inputs, weight_collections=None, trainable=None):
        # the variable scope is shared by all columns of the collection: a name scope
        # keeps each column's ops apart
        with name_scope(None, self.name):
            ids, weights = self.categorical_column._get_sparse_tensors(
                inputs, weight_collections=weight_collections, trainable=trainable)
            shape = (self.categorical_column._num_buckets, self.dimension)
            graph = get_default_graph()
            shared = graph.get_collection(self.shared_embedding_collection_name)
            if shared:
                if len(shared) > 1:
                    raise ValueError(f"Collection {shared} can only contain one variable. "
                                     "Suggested fix A: Choose a unique name for this "
                                     "collection. Suggested fix B: Do not add any variables "
                                     "to this collection. The feature_column library "
                                     "already adds a variable under the hood.")
                table = shared[0]
                if tuple(table.shape.as_list()) != shape:
                    raise ValueError(
                        f"Shared embedding collection {self.shared_embedding_collection_name}"
                        f" contains variable {table.name} of unexpected shape {table.shape}. "
                        f"Expected shape is {shape}. Suggested fix A: Choose a unique name "
                        "for this collection. Suggested fix B: Do not add any variables to "
                        "this collection. The feature_column library already adds a "
                        "variable under the hood.")
            else:
                table = get_variable("embedding_weights", shape=shape, dtype=dtypes.float32,
                                     initializer=self.initializer,
                                     trainable=self.trainable and trainable,
                                     collections=weight_collections)
                graph.add_to_collection(self.shared_embedding_collection_name, table)
            return _lookup(self, table, ids, weights)


def _unweighted(column):
    while isinstance(column, _FeatureColumn) and hasattr(column, "weight_feature_key"):
        column = column.categorical_column
    return column


def shared_embedding_columns(categorical_columns, dimension, combiner="mean",
                             initializer=None, shared_embedding_collection_name=None,
                             ckpt_to_load_from=None, tensor_name_in_ckpt=None, max_norm=None,
                             trainable=True, use_safe_embedding_lookup=True):
    """Embedding columns, one per categorical column (same type and num_buckets), that
    share one table, named after the sorted column names ('a_b_shared_embedding'):

        a, b = (gc.feature_column.categorical_column_with_identity(k, 100)
                for k in ("watched", "impression"))
        cols = gc.feature_column.shared_embedding_columns([a, b], dimension=8)
    """
    initializer = _embedding_args(dimension, ckpt_to_load_from, tensor_name_in_ckpt,
                                  initializer, "")
    columns = sorted(categorical_columns, key=lambda c: c.name)
    c0 = columns[0]
    if not (is_feature_column(c0) and c0._is_categorical):
        raise ValueError(f"All categorical_columns must be subclasses of _CategoricalColumn. "
                         f"Given: {c0}, of type: {type(c0)}")
    n = c0._num_buckets
    base = _unweighted(c0)
    for c in columns[1:]:
        c = _unweighted(c)
        if not isinstance(c, type(base)):
            raise ValueError(f"To use shared_embedding_column, all categorical_columns must "
                             f"have the same type, or be weighted_categorical_column or "
                             f"sequence column of the same type. Given column: {base} of "
                             f"type: {type(base)} does not match given column: {c} of type: "
                             f"{type(c)}")
        if n != c._num_buckets:
            raise ValueError(f"To use shared_embedding_column, all categorical_columns must "
                             f"have the same number of buckets. Given column: {base} with "
                             f"buckets: {n} does not match column: {c} with buckets: "
                             f"{c._num_buckets}")
    if not shared_embedding_collection_name:
        shared_embedding_collection_name = "_".join(c.name for c in columns) + \
            "_shared_embedding"
    return [_SharedEmbeddingColumn(c, dimension, combiner, initializer,
                                   shared_embedding_collection_name, ckpt_to_load_from,
                                   tensor_name_in_ckpt, max_norm, trainable,
                                   use_safe_embedding_lookup)
            for c in categorical_columns]
