"""Keras' attention layers: Attention (dot-product, Luong), AdditiveAttention (Bahdanau)
and MultiHeadAttention (tf.keras.layers, as graph-mode tf_keras builds them;
MultiHeadAttention in layers_multi_head.py, its EinsumDense in layers_einsum_dense.py).

    out = gc.keras.layers.Attention()([query, value])              # (batch, Tq, dim)
    out = gc.keras.layers.MultiHeadAttention(num_heads=2, key_dim=8)(query, value)
"""
import numpy as np

import graphc as gc
from .engine import Layer
from .layers_einsum_dense import EinsumDense
from .layers_multi_head import (MultiHeadAttention, _and, _as_bool, _large_negative,
                                _lower_triangle)

__all__ = ["Attention", "AdditiveAttention", "MultiHeadAttention", "EinsumDense"]

class _BaseDenseAttention(Layer):
    """Scores of [query, value(, key)], masked, softmaxed (dropout when training) and
    applied to value; the query mask zeroes output rows (tf_keras' BaseDenseAttention)."""

    def __init__(self, dropout=0.0, **kwargs):
        causal = kwargs.pop("causal", False)
        super().__init__(**kwargs)
        self.causal = causal
        self.dropout = dropout
        self.supports_masking = True

    def _check(self, inputs, mask):
        name = type(self).__name__
        if not isinstance(inputs, list):
            raise ValueError(f"{name} layer must be called on a list of inputs, namely "
                             f"[query, value] or [query, value, key]. Received: {inputs}.")
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(f"{name} layer accepts inputs list of length 2 or 3, namely "
                             f"[query, value] or [query, value, key]. Received length: "
                             f"{len(inputs)}.")
        if mask:
            if not isinstance(mask, list):
                raise ValueError(f"{name} layer mask must be a list, namely "
                                 f"[query_mask, value_mask]. Received: {mask}.")
            if len(mask) < 2 or len(mask) > len(inputs):
                raise ValueError(f"{name} layer mask must be a list of length 2, namely "
                                 f"[query_mask, value_mask]. Received length: "
                                 f"{len(mask)}.")

    def _scores(self, query, key):
        raise NotImplementedError

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=False):
        self._check(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._scores(query, key)
        scores_mask = None if v_mask is None else gc.expand_dims(_as_bool(v_mask), -2)
        if self.causal or use_causal_mask:
            shape = gc.shape(scores)
            scores_mask = _and(scores_mask, _lower_triangle(shape[-2], shape[-1]))
        if scores_mask is not None:
            scores -= -_large_negative(scores.dtype) * gc.cast(
                gc.logical_not(scores_mask), scores.dtype)
        weights = gc.nn.softmax(scores)
        used = weights
        if self.dropout > 0:
            used = _dropout(weights, self.dropout, self._training(training))
        result = gc.matmul(used, value)
        if q_mask is not None:
            result *= gc.cast(gc.expand_dims(_as_bool(q_mask), -1), result.dtype)
        return (result, weights) if return_attention_scores else result

    def compute_mask(self, inputs, mask=None):
        """The query's mask (the output rows follow the query)."""
        self._check(inputs, mask)
        return mask[0] if mask else None

    def compute_output_shape(self, input_shape):
        return gc.TensorShape(input_shape[0])

    def _config(self):
        return {"dropout": self.dropout}


def _dropout(x, rate, training):
    """gc.nn.dropout(x, rate) when `training` (a bool or a bool tensor), else x."""
    if isinstance(training, (bool, int, np.bool_)):
        return gc.nn.dropout(x, rate=rate) if training else gc.identity(x)
    return gc.cond(training, lambda: gc.nn.dropout(x, rate=rate), lambda: gc.identity(x))


class Attention(_BaseDenseAttention):
    """Dot-product attention (tf.keras.layers.Attention): scores = query . key^T
    (times a learned scalar 'scale' if use_scale), or with score_mode="concat"
    concat_score_weight * sum(tanh(scale * (query + key)), -1); softmax over the values.
    Call on [query, value] or [query, value, key]; masks [query_mask, value_mask];
    use_causal_mask=True (or the deprecated causal=True) lets step i see steps <= i.

        out, scores = gc.keras.layers.Attention()([q, v], return_attention_scores=True)
    """

    def __init__(self, use_scale=False, score_mode="dot", **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale
        self.score_mode = score_mode
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Received: score_mode={score_mode}. Acceptable values are: "
                             f"[\"dot\", \"concat\"]")

    def build(self, input_shape):
        self.scale = (self.add_weight("scale", (), initializer="ones")
                      if self.use_scale else None)
        self.concat_score_weight = (
            self.add_weight("concat_score_weight", (), initializer="ones")
            if self.score_mode == "concat" else None)
        self.built = True

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = gc.matmul(query, key, transpose_b=True)
            return scores * self.scale if self.scale is not None else scores
        total = gc.expand_dims(query, -2) + gc.expand_dims(key, -3)
        if self.scale is not None:
            total = self.scale * total
        return self.concat_score_weight * gc.reduce_sum(gc.tanh(total), axis=-1)

    def _config(self):
        return {**super()._config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode}


class AdditiveAttention(_BaseDenseAttention):
    """Additive (Bahdanau) attention (tf.keras.layers.AdditiveAttention): scores =
    sum(scale * tanh(query + key), -1), 'scale' a learned vector of the value's last
    dim (glorot_uniform) if use_scale.

        out = gc.keras.layers.AdditiveAttention()([q, v, k])
    """

    def __init__(self, use_scale=True, **kwargs):
        super().__init__(**kwargs)
        self.use_scale = use_scale

    def build(self, input_shape):
        dim = input_shape[1].as_list()[-1]
        self.scale = (self.add_weight("scale", (dim,), initializer="glorot_uniform")
                      if self.use_scale else None)
        self.built = True

    def _scores(self, query, key):
        t = gc.tanh(gc.expand_dims(query, -2) + gc.expand_dims(key, -3))
        return gc.reduce_sum(self.scale * t if self.use_scale else t, axis=-1)

    def _config(self):
        return {**super()._config(), "use_scale": self.use_scale}
