"""Keras' DenseFeatures (tf.compat.v1.keras.layers.DenseFeatures): the dense tensor of
gc.feature_column columns as a Keras layer, like gc.feature_column.input_layer but
with its variables named after the layer ('dense_features/<column>/...').

    layer = gc.keras.layers.DenseFeatures([price, embedding_column(words, 8)])
    net = layer({"price": price_input, "words": words_input})
"""
import graphc as gc
from ..feature_column import _check_batch_sizes, _collections, _normalize
from ..feature_column_base import _LazyBuilder
from ..ops.graphkeys import GraphKeys
from ..ops.scope import AUTO_REUSE, variable_scope
from .engine import Layer, _flat

__all__ = ["DenseFeatures"]


class DenseFeatures(Layer):
    """The dense columns' tensors for a features dict, each flattened to [batch, n] and
    concatenated in order of column name (float32 [batch, sum of n]). Variables
    (embeddings) are made on the first call in scope '<layer name>/<column name>/' and
    shared by later calls; they are the layer's weights.

        out = gc.keras.layers.DenseFeatures([price, indicator])(features)
    """

    def __init__(self, feature_columns, trainable=True, name=None, partitioner=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if partitioner is not None:
            raise NotImplementedError("DenseFeatures(partitioner=...) is not supported")
        self._feature_columns = _normalize(feature_columns)
        for c in self._feature_columns:
            if not c._is_dense:
                raise ValueError(f"Items of feature_columns must be a DenseColumn. You can "
                                 f"wrap a categorical column with an embedding_column or "
                                 f"indicator_column. Given: {c}")
        self._scope = None

    def __call__(self, features, cols_to_output_tensors=None, training=None, **kwargs):
        if isinstance(features, dict):
            keys = sorted(features)
            features = [features[k] for k in keys]
            kwargs["_keys"] = tuple(keys)
        elif "_keys" not in kwargs:
            raise ValueError(f"We expected a dictionary here. Instead we got: {features}")
        if cols_to_output_tensors is not None:
            kwargs["cols_to_output_tensors"] = cols_to_output_tensors
        if training is not None:
            kwargs["training"] = training
        return super().__call__(list(_flat(features)), **kwargs)

    def _as_tensor(self, x):
        if isinstance(x, (gc.Tensor, gc.SparseTensor)):
            return x
        return gc.convert_to_tensor(x)

    def call(self, inputs, _keys=(), cols_to_output_tensors=None, training=None):
        features = dict(zip(_keys, _flat(inputs)))
        graph = gc.get_default_graph()
        if self._scope is None:
            with variable_scope(None, default_name=self.name) as vs:
                self._scope = vs
        outputs, made = [], []
        with variable_scope(self._scope, reuse=AUTO_REUSE):
            builder = _LazyBuilder(features)
            columns = sorted(self._feature_columns, key=lambda c: c.name)
            for column in columns:
                with variable_scope(column._var_scope_name) as vs:
                    tensor = column._get_dense_tensor(
                        builder, weight_collections=_collections(None),
                        trainable=self.trainable)
                    n = column._variable_shape.num_elements()
                    out = gc.reshape(tensor, gc.stack([gc.shape(tensor)[0], n]))
                    outputs.append(out)
                    made += graph.get_collection(GraphKeys.GLOBAL_VARIABLES,
                                                 scope=vs.name + "/")
                    if cols_to_output_tensors is not None:
                        cols_to_output_tensors[column] = out
            _check_batch_sizes(outputs, columns)
            result = gc.concat(outputs, 1)
        trainable = {id(v) for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)}
        for v in made:
            if all(v is not w for w in self._trainable_weights + self._non_trainable_weights):
                (self._trainable_weights if id(v) in trainable
                 else self._non_trainable_weights).append(v)
        return result

    def compute_output_shape(self, input_shape):
        total = sum(c._variable_shape.num_elements() for c in self._feature_columns)
        return gc.TensorShape([None, total])

    def get_config(self):
        """name, trainable, dtype, feature_columns (the column objects: graphc does not
        serialize columns) and partitioner."""
        config = super().get_config()
        config.update({"feature_columns": list(self._feature_columns),
                       "partitioner": None})
        return config
