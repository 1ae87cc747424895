"""Keras' MultiHeadAttention (tf.keras.layers.MultiHeadAttention, as graph-mode tf_keras
builds it): EinsumDense projections 'query', 'key', 'value' and 'attention_output'
around scaled dot-product attention over any attention axes. layers_attention.py
re-exports it.

    mha = gc.keras.layers.MultiHeadAttention(num_heads=2, key_dim=8)
    out = mha(query, value)                         # (batch, T, query dim)
"""
import collections.abc
import math
import string

import graphc as gc
from . import backend as K
from . import constraints, initializers, regularizers
from .engine import Layer
from .layers_core import Dropout
from .layers_einsum_dense import EinsumDense

__all__ = ["MultiHeadAttention"]

_LETTERS = string.ascii_lowercase


def _as_bool(mask):
    return mask if mask.dtype == gc.bool else gc.cast(mask, gc.bool)


def _and(a, b):
    return b if a is None else (a if b is None else gc.logical_and(a, b))


def _lower_triangle(rows, cols):
    """A bool [rows, cols] mask, True where column <= row (causal attention)."""
    return gc.greater_equal(gc.expand_dims(gc.range(rows), 1),
                            gc.expand_dims(gc.range(cols), 0))


def _large_negative(dtype):
    """What masked scores get added: -1e9, or float16's lowest (Keras)."""
    return -65504.0 if dtype == gc.float16 else -1e9


def _projection(free, bound, out_dims):
    """(equation, bias axes) of an EinsumDense from `free` kept input dims, `bound`
    contracted ones, to `out_dims` new ones."""
    letters = iter(_LETTERS)
    kept = "".join(next(letters) for _ in range(free))
    summed = "".join(next(letters) for _ in range(bound))
    new = "".join(next(letters) for _ in range(out_dims))
    return f"{kept}{summed},{summed}{new}->{kept}{new}", new


def _attention_equations(rank, axes):
    """The (dot product, combine) einsums of projected tensors of `rank` attending over
    `axes`: scores are (batch dims..., target axes..., source axes...)."""
    target = _LETTERS[:rank]
    batch = [i for i in range(rank) if i not in axes and i != rank - 1]
    extra = iter(_LETTERS[rank:])
    source = "".join(target[i] if i in batch or i == rank - 1 else next(extra)
                     for i in range(rank))
    product = ("".join(target[i] for i in batch) + "".join(target[i] for i in axes)
               + "".join(source[i] for i in axes))
    return (f"{source},{target}->{product}", f"{product},{source}->{target}", len(product))


class MultiHeadAttention(Layer):
    """Multi-head attention (tf.keras.layers.MultiHeadAttention): query, key and value
    projected to num_heads heads (EinsumDense 'query', 'key', 'value'), scaled
    dot-product attention over `attention_axes` (default: all but batch and features),
    and an output projection 'attention_output' back to the query's last dim (or to
    `output_shape`). Call layer(query, value, key=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False); the inputs'
    Keras masks join attention_mask.

        mha = gc.keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
        out, scores = mha(q, v, return_attention_scores=True)   # scores (B, 2, T, S)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 softmax_robust_masking=False, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads, self._key_dim = num_heads, key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout, self._use_bias, self._output_shape = dropout, use_bias, output_shape
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self._softmax_robust_masking = softmax_robust_masking
        if attention_axes is not None and not isinstance(attention_axes,
                                                         collections.abc.Sized):
            attention_axes = (attention_axes,)
        self._attention_axes = attention_axes
        self._query_shape = self._key_shape = self._value_shape = None
        self._sublayers = []

    # ---- calling: query, value, key and attention_mask travel as one input list -------
    # a config writes them as tf_keras does: the query as the input, the others as
    # keyword arguments (key left out when it is the value) (saving_config._call_arguments)
    _packed_arguments = ("query", "value", "key", "attention_mask")
    _packed_defaults = {"key": "value"}

    def __call__(self, query, value=None, key=None, attention_mask=None, **kwargs):
        if value is None and isinstance(query, (list, tuple)):
            inputs = list(query)        # a functional model replaying this call
        elif value is None:
            raise TypeError(f"MultiHeadAttention {self.name}: missing argument 'value'; "
                            f"call it as layer(query, value)")
        else:
            inputs = [query, value]
            if key is not None or attention_mask is not None:
                inputs.append(value if key is None else key)
            if attention_mask is not None:
                inputs.append(attention_mask)
        return super().__call__(inputs, **kwargs)

    def build(self, input_shape):
        shapes = [gc.TensorShape(s) for s in input_shape]
        self._query_shape, self._value_shape = shapes[0], shapes[1]
        self._key_shape = shapes[2] if len(shapes) > 2 else shapes[1]
        common = dict(kernel_initializer=self._kernel_initializer,
                      bias_initializer=self._bias_initializer,
                      kernel_regularizer=self._kernel_regularizer,
                      bias_regularizer=self._bias_regularizer,
                      activity_regularizer=self._activity_regularizer,
                      kernel_constraint=self._kernel_constraint,
                      bias_constraint=self._bias_constraint, dtype=self.dtype_policy)

        def dense(shape, heads_dim, name):
            eq, bias = _projection(shape.ndims - 1, 1, 2)
            return EinsumDense(eq, [None] * (shape.ndims - 2) + [self._num_heads, heads_dim],
                               bias_axes=bias if self._use_bias else None, name=name,
                               **common)
        self._query_dense = dense(self._query_shape, self._key_dim, "query")
        self._key_dense = dense(self._key_shape, self._key_dim, "key")
        self._value_dense = dense(self._value_shape, self._value_dim, "value")
        rank = self._value_shape.ndims + 1
        self._attention_axes = (tuple(range(1, rank - 2)) if self._attention_axes is None
                                else tuple(self._attention_axes))
        self._dot_product_equation, self._combine_equation, scores_rank = \
            _attention_equations(rank, self._attention_axes)
        self._norm_axes = tuple(range(scores_rank - len(self._attention_axes), scores_rank))
        K.unique_name("softmax")        # tf_keras makes a Softmax layer here: the name
        self._dropout_layer = Dropout(rate=self._dropout, dtype=self.dtype_policy)
        out_shape = self._output_shape or [self._query_shape.as_list()[-1]]
        if not isinstance(out_shape, collections.abc.Sized):
            out_shape = [out_shape]
        free = self._query_shape.ndims - 1
        eq, bias = _projection(free, 2, len(out_shape))
        self._output_dense = EinsumDense(eq, [None] * (free - 1) + list(out_shape),
                                         bias_axes=bias if self._use_bias else None,
                                         name="attention_output", **common)
        self._sublayers = [self._query_dense, self._key_dense, self._value_dense,
                           self._output_dense]
        self.built = True

    def _attention_mask(self, inputs, masks, attention_mask, use_causal_mask):
        """The inputs' Keras masks (query [B,T,1], value and key [B,1,S]), the causal
        mask [1,T,S] and attention_mask, AND-ed; None when there are none."""
        auto = None
        if masks[0] is not None:
            auto = gc.expand_dims(_as_bool(masks[0]), 2)
        for m in masks[1:3]:
            if m is not None:
                auto = _and(auto, gc.expand_dims(_as_bool(m), 1))
        if use_causal_mask:
            causal = _lower_triangle(gc.shape(inputs[0])[1], gc.shape(inputs[1])[1])
            auto = _and(auto, gc.expand_dims(causal, 0))
        if auto is None:
            return attention_mask
        return auto if attention_mask is None else gc.logical_and(
            _as_bool(attention_mask), auto)

    def _masked_softmax(self, scores, mask):
        if mask is not None:
            for _ in range(scores.shape.ndims - mask.shape.ndims):
                mask = gc.expand_dims(mask, -len(self._attention_axes) * 2 - 1)
            big = _large_negative(scores.dtype)
            if self._softmax_robust_masking:
                scores = gc.where_v2(mask, scores, gc.fill(gc.shape(scores),
                                                           gc.cast(big, scores.dtype)))
            else:
                scores += (1.0 - gc.cast(mask, scores.dtype)) * big
        if len(self._norm_axes) > 1:
            return gc.exp(scores - gc.reduce_logsumexp(scores, axis=list(self._norm_axes),
                                                       keepdims=True))
        return gc.nn.softmax(scores, axis=self._norm_axes[0])

    def call(self, inputs, mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        masks = list(mask) if mask else [None] * len(inputs)
        if len(inputs) < 3:
            masks.append(masks[1])
        attention_mask = self._attention_mask(inputs, masks,
                                              inputs[3] if len(inputs) > 3 else None,
                                              use_causal_mask)
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        query = query * (1.0 / math.sqrt(float(self._key_dim)))
        scores = gc.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask)
        dropped = self._dropout_layer(scores, training=training)
        out = gc.einsum(self._combine_equation, dropped, value)
        out = self._output_dense(out)
        return (out, scores) if return_attention_scores else out

    def compute_mask(self, inputs, mask=None):
        """The query's mask."""
        return mask[0] if mask else None

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape = gc.TensorShape(query_shape)
        value_shape = gc.TensorShape(value_shape)
        key_shape = value_shape if key_shape is None else gc.TensorShape(key_shape)
        if query_shape.as_list()[-1] != value_shape.as_list()[-1]:
            raise ValueError(f"The last dimension of `query_shape` and `value_shape` must "
                             f"be equal, but are {query_shape.as_list()[-1]}, "
                             f"{value_shape.as_list()[-1]}. Received: query_shape="
                             f"{query_shape}, value_shape={value_shape}")
        if value_shape.as_list()[1:-1] != key_shape.as_list()[1:-1]:
            raise ValueError(f"All dimensions of `value` and `key`, except the last one, "
                             f"must be equal. Received {value_shape} and {key_shape}")
        if self._output_shape:
            extra = self._output_shape
            extra = list(extra) if isinstance(extra, collections.abc.Sized) else [extra]
            return gc.TensorShape(query_shape.as_list()[:-1] + extra)
        return query_shape

    # ---- weights: the four projections' ------------------------------------------------
    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [w for la in self._sublayers for w in la.trainable_weights]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return [w for la in self._sublayers for w in la.weights]
        return [w for la in self._sublayers for w in la.non_trainable_weights]

    @property
    def losses(self):
        return self._losses + [x for la in self._sublayers for x in la.losses]

    def get_config(self):
        config = super().get_config()
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer",
                    "kernel_constraint", "bias_constraint"):
            config.pop(key, None)

        def shape(s):
            return None if s is None else s.as_list()
        config.update({
            "num_heads": self._num_heads, "key_dim": self._key_dim,
            "value_dim": self._value_dim, "dropout": self._dropout,
            "use_bias": self._use_bias, "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "query_shape": shape(self._query_shape), "key_shape": shape(self._key_shape),
            "value_shape": shape(self._value_shape),
            "softmax_robust_masking": self._softmax_robust_masking})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("query_shape", "key_shape", "value_shape"):
            config.pop(key, None)
        return cls(**config)
