"""gc.feature_column: TF1's tf.feature_column. Columns describe how raw features (a dict
of Tensors and SparseTensors) become model inputs; input_layer concatenates dense
columns, linear_model sums one weight per id/value.

    price = gc.feature_column.numeric_column("price")
    words = gc.feature_column.categorical_column_with_hash_bucket("words", 1000)
    net = gc.feature_column.input_layer(
        features, [price, gc.feature_column.embedding_column(words, 8)])

The columns live in feature_column_base.py (builder, checks), feature_column_dense.py
and feature_column_categorical.py.
"""
import collections.abc

from . import dtypes
from .feature_column_base import _LazyBuilder, is_feature_column
from .feature_column_categorical import (categorical_column_with_hash_bucket,
                                         categorical_column_with_identity,
                                         categorical_column_with_vocabulary_file,
                                         categorical_column_with_vocabulary_list,
                                         crossed_column, weighted_categorical_column)
from .feature_column_dense import (bucketized_column, embedding_column, indicator_column,
                                   numeric_column, shared_embedding_columns)
from .feature_column_sequence import (SequenceFeatures,
                                      sequence_categorical_column_with_hash_bucket,
                                      sequence_categorical_column_with_identity,
                                      sequence_categorical_column_with_vocabulary_file,
                                      sequence_categorical_column_with_vocabulary_list,
                                      sequence_numeric_column)
from .graph import get_default_graph, name_scope
from .initializers import zeros_initializer
from .ops import array as A
from .ops.broadcast import add_n
from .ops.graphkeys import GraphKeys
from .ops.core import convert_to_tensor
from .ops.join import concat, stack
from .ops.linalg import matmul
from .ops.nn import bias_add
from .ops.nn_composites import safe_embedding_lookup_sparse
from .ops.scope import variable_scope
from .ops.varstore import get_variable
from .partitioned import PartitionedVariable
from .sparse_ops import sparse_reshape

__all__ = ["numeric_column", "bucketized_column", "categorical_column_with_identity",
           "categorical_column_with_vocabulary_list",
           "categorical_column_with_vocabulary_file", "categorical_column_with_hash_bucket",
           "crossed_column", "weighted_categorical_column", "indicator_column",
           "embedding_column", "shared_embedding_columns", "input_layer", "linear_model",
           "make_parse_example_spec", "sequence_categorical_column_with_identity",
           "sequence_categorical_column_with_hash_bucket",
           "sequence_categorical_column_with_vocabulary_file",
           "sequence_categorical_column_with_vocabulary_list", "sequence_numeric_column",
           "SequenceFeatures"]


def _normalize(feature_columns):
    """feature_columns as a non-empty list of columns with distinct names."""
    if is_feature_column(feature_columns):
        feature_columns = [feature_columns]
    if isinstance(feature_columns, collections.abc.Iterator):
        feature_columns = list(feature_columns)
    if isinstance(feature_columns, dict):
        raise ValueError("Expected feature_columns to be iterable, found dict.")
    for c in feature_columns:
        if not is_feature_column(c):
            raise ValueError(f"Items of feature_columns must be a _FeatureColumn. Given "
                             f"(type {type(c)}): {c}.")
    if not feature_columns:
        raise ValueError("feature_columns must not be empty.")
    seen = {}
    for c in feature_columns:
        if c.name in seen:
            raise ValueError(f"Duplicate feature column name found for columns: {c} and "
                             f"{seen[c.name]}. This usually means that these columns refer "
                             f"to same base feature. Either one must be discarded or a "
                             f"duplicated but renamed item must be inserted in features "
                             f"dict.")
        seen[c.name] = c
    return list(feature_columns)


def _check_batch_sizes(tensors, columns):
    """Equal static batch sizes, where known (TF1's message)."""
    first = None
    for t, c in zip(tensors, columns):
        n = t.shape._dims[0] if t.shape.rank else None
        if isinstance(n, int):
            if first is None:
                first = (c, n)
            elif first[1] != n:
                raise ValueError(f"Batch size (first dimension) of each feature must be "
                                 f"same. Batch size of columns ({first[0].name}, {c.name}): "
                                 f"({first[1]}, {n})")


def _collections(weight_collections):
    out = list(weight_collections or [])
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES):
        if key not in out:
            out.append(key)
    return out


def _batch_by(tensor, n):
    """[batch, n], to flatten a column's tensor."""
    return stack([A.shape(tensor)[0], n])


def input_layer(features, feature_columns, weight_collections=None, trainable=True,
                cols_to_vars=None, cols_to_output_tensors=None):
    """The dense columns' tensors, each flattened to [batch, n], concatenated in order of
    column name: a float32 [batch, sum of n] (TF1).

        net = gc.feature_column.input_layer(features, [price, embedding, indicator])
    Variables are made in scope 'input_layer/<column name>/' (e.g.
    'input_layer/words_embedding/embedding_weights') and go to weight_collections,
    "variables" and "model_variables". cols_to_vars / cols_to_output_tensors, if dicts,
    receive each column's variables / output tensor."""
    feature_columns = _normalize(feature_columns)
    for c in feature_columns:
        if not c._is_dense:
            raise ValueError(f"Items of feature_columns must be a _DenseColumn. You can wrap "
                             f"a categorical column with an embedding_column or "
                             f"indicator_column. Given: {c}")
    weight_collections = _collections(weight_collections)
    graph = get_default_graph()
    with variable_scope(None, default_name="input_layer", values=list(features.values())):
        builder = _LazyBuilder(features)
        outputs, ordered = [], []
        for column in sorted(feature_columns, key=lambda c: c.name):
            ordered.append(column)
            with variable_scope(None, default_name=column._var_scope_name) as vs:
                tensor = column._get_dense_tensor(builder, weight_collections=weight_collections,
                                                  trainable=trainable)
                out = A.reshape(tensor, _batch_by(tensor,
                                                  column._variable_shape.num_elements()))
                outputs.append(out)
                if cols_to_vars is not None:
                    cols_to_vars[column] = graph.get_collection(GraphKeys.GLOBAL_VARIABLES,
                                                                scope=vs.name)
                if cols_to_output_tensors is not None:
                    cols_to_output_tensors[column] = out
        _check_batch_sizes(outputs, ordered)
        return concat(outputs, 1)


def _weighted_sum(column, builder, units, sparse_combiner, weight_collections, weights):
    """[batch, units]: the column's dense tensor times weights, or for a categorical
    column the weights' rows at its ids combined by sparse_combiner."""
    if column._is_categorical:
        ids, w = column._get_sparse_tensors(builder, weight_collections=weight_collections)
        ids = sparse_reshape(ids, _rows(ids))
        if w is not None:
            w = sparse_reshape(w, _rows(w))
        return safe_embedding_lookup_sparse(weights, ids, sparse_weights=w,
                                            combiner=sparse_combiner, name="weighted_sum")
    tensor = column._get_dense_tensor(builder, weight_collections=weight_collections)
    tensor = A.reshape(tensor, _batch_by(tensor, column._variable_shape.num_elements()))
    return matmul(tensor, weights, name="weighted_sum")


def _rows(sp):
    """[rows, -1] as int64, for sparse_reshape to 2-D."""
    return stack([sp.dense_shape[0], convert_to_tensor(-1, dtype=dtypes.int64)])


def _parts(var):
    """A variable as a list of variables: a PartitionedVariable's parts, or [var]
    (TF1's _get_expanded_variable_list)."""
    return list(var) if isinstance(var, PartitionedVariable) else [var]


def _add_to(var, keys):
    """var, or each part of a PartitionedVariable, added to the collections `keys` where
    not there yet (TF1's _add_to_collections: collections never hold the
    PartitionedVariable itself, so global_variables_initializer() and Saver work)."""
    graph = get_default_graph()
    for part in _parts(var):
        for key in keys:
            if part not in graph.get_collection(key):
                graph.add_to_collection(key, part)


def linear_model(features, feature_columns, units=1, sparse_combiner="sum",
                 weight_collections=None, trainable=True, cols_to_vars=None):
    """A linear prediction [batch, units]: the sum over columns (in order of name) of
    dense tensor @ weights, or of the combined weight rows of a categorical column's
    ids (sparse_combiner "sum", "mean" or "sqrtn"), plus a bias (TF1).

        logits = gc.feature_column.linear_model(features, [price, words], units=3)
    Variables (zeros): 'linear_model/<column name>/weights' [n or num_buckets, units]
    and 'linear_model/bias_weights' [units], also in weight_collections and
    "model_variables". cols_to_vars, if a dict, receives each column's variables and
    'bias'. Under a variable_scope partitioner, the collections and cols_to_vars hold
    each variable's parts ('.../weights/part_0', ...), not the PartitionedVariable
    (cols_to_vars['bias'] only the first part, as TF1's)."""
    feature_columns = _normalize(feature_columns)
    for c in feature_columns:
        if not (c._is_dense or c._is_categorical):
            raise ValueError(f"Items of feature_columns must be either a _DenseColumn or "
                             f"_CategoricalColumn. Given: {c}")
    weight_collections = _collections(weight_collections)
    graph = get_default_graph()
    with variable_scope(None, default_name="linear_model") as model_scope:
        pass
    # TF1 names each column's scope uniquely in the caller's scope before building (a
    # second linear_model makes 'linear_model_1/x_1/weights'), then uses it inside
    scope_names = {}
    for column in sorted(feature_columns, key=lambda c: c.name):
        with variable_scope(None, default_name=column._var_scope_name) as vs:
            scope_names[column] = vs.name.split("/")[-1]
    # TF1's _LinearModel layer re-enters its scope (name scope 'linear_model_1/') and
    # then its call opens 'linear_model/': ops are 'linear_model_1/linear_model/...'
    with variable_scope(model_scope), name_scope(model_scope.name.split("/")[-1]):
        builder = _LazyBuilder(features)
        sums, ordered, col_vars = [], [], {}
        for column in sorted(feature_columns, key=lambda c: c.name):
            ordered.append(column)
            with variable_scope(scope_names[column]) as vs:
                rows = column._num_buckets if column._is_categorical else \
                    column._variable_shape.num_elements()
                weights = get_variable("weights", shape=[rows, units],
                                       initializer=zeros_initializer(), trainable=trainable)
                _add_to(weights, weight_collections)
                sums.append(_weighted_sum(column, builder, units, sparse_combiner,
                                          weight_collections, weights))
                col_vars[column] = graph.get_collection(GraphKeys.GLOBAL_VARIABLES,
                                                        scope=vs.name)
        _check_batch_sizes(sums, ordered)
        no_bias = add_n(sums, name="weighted_sum_no_bias")
        bias = get_variable("bias_weights", shape=[units], initializer=zeros_initializer(),
                            trainable=trainable)
        _add_to(bias, weight_collections)
        # TF1 takes its bias layer's variables[0]: the first part only, when the
        # bias (units > 1) is split
        col_vars["bias"] = _parts(bias)[:1]
        predictions = bias_add(no_bias, bias, name="weighted_sum")
    if cols_to_vars is not None:
        cols_to_vars.update(col_vars)
    return predictions


def make_parse_example_spec(feature_columns):
    """The parsing spec {key: FixedLenFeature or VarLenFeature} of the columns, for
    gc.parse_example:

        spec = gc.feature_column.make_parse_example_spec([price, words])
        features = gc.parse_example(serialized, spec)
    """
    result = {}
    for column in feature_columns:
        if not is_feature_column(column):
            raise ValueError(f"All feature_columns must be _FeatureColumn instances. "
                             f"Given: {column}")
        spec = column._parse_example_spec
        for key, value in spec.items():
            if key in result and value != result[key]:
                raise ValueError(f"feature_columns contain different parse_spec for key "
                                 f"{key}. Given {value} and {result[key]}")
        result.update(spec)
    return result

