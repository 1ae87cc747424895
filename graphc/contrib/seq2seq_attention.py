"""tf.contrib.seq2seq's attention mechanisms (TF 1.15): Bahdanau (additive) and Luong
(multiplicative) attention, their monotonic variants, and the functions they use.

    attention = gc.contrib.seq2seq.BahdanauAttention(
        num_units=32, memory=encoder_outputs, memory_sequence_length=source_lengths)
    alignments, next_state = attention(query, state)      # (batch, max_time) each

A mechanism projects the memory once (memory_layer, 'memory_layer/kernel') into its
keys; each call scores a query against the keys (its variables go under
'bahdanau_attention/...' or 'luong_attention/...' in the caller's scope; an
AttentionWrapper's) and turns the scores into alignments. Scores past a memory's
sequence length are set to score_mask_value (-inf) first.
"""
import functools
import math

import numpy as np

from .. import dtypes, errors, nest
from ..graph import control_dependencies, name_scope
from ..initializers import constant_initializer, ones_initializer, zeros_initializer
from ..ops.array import expand_dims, reshape, shape as shape_of, squeeze, transpose
from ..ops.asserts import assert_equal
from ..ops.broadcast import clip_by_value, select
from ..ops.cast import cast
from ..ops.core import convert_to_tensor
from ..ops.creation import one_hot, ones, ones_like, zeros
from ..ops.elementwise import exp, greater, log, rsqrt, sigmoid, square, tanh
from ..ops.functional import scan
from ..ops.join import concat
from ..ops.linalg import matmul
from ..ops.mask import sequence_mask
from ..ops.nn_softmax import softmax
from ..ops.random import random_normal
from ..ops.reduce import argmax, reduce_sum
from ..ops.scan import cumprod, cumsum
from ..ops.scope import variable_scope
from ..ops.varstore import get_variable

__all__ = ["AttentionMechanism", "BahdanauAttention", "LuongAttention",
           "BahdanauMonotonicAttention", "LuongMonotonicAttention", "monotonic_attention",
           "safe_cumprod", "hardmax"]


def hardmax(logits, name=None):
    """One-hot of the argmax of logits along its last axis, in logits' dtype (TF 1.15).

        gc.contrib.seq2seq.hardmax([[1., 3., 2.]])   # [[0., 1., 0.]]
    """
    with name_scope(name, "Hardmax"):
        logits = convert_to_tensor(logits, name="logits")
        depth = logits.shape._dims[-1] if logits.shape.rank else None
        if not isinstance(depth, int):
            depth = shape_of(logits)[-1]
        return one_hot(argmax(logits, -1), depth, dtype=logits.dtype)


def safe_cumprod(x, *args, **kwargs):
    """cumprod(x) computed as exp(cumsum(log(clip(x, tiny, 1)))), for x in [0, 1]: no
    underflow to 0 and stable gradients (TF 1.15). Takes cumsum's axis, exclusive,
    reverse.

        gc.contrib.seq2seq.safe_cumprod(p, axis=1, exclusive=True)
    """
    with name_scope(None, "SafeCumprod"):
        x = convert_to_tensor(x, name="x")
        tiny = np.finfo(x.dtype.np).tiny
        return exp(cumsum(log(clip_by_value(x, tiny, 1)), *args, **kwargs))


def monotonic_attention(p_choose_i, previous_attention, mode):
    """The expected alignments of monotonic attention, given each memory entry's
    probability of being chosen p_choose_i and the previous step's alignments, both
    (batch, max_time) (TF 1.15; Raffel et al. 2017). mode: 'recursive' (a scan over
    memory), 'parallel' (cumprod/cumsum, may be less exact) or 'hard' (p_choose_i in
    {0, 1}: a one-hot result).

        a = gc.contrib.seq2seq.monotonic_attention(gc.sigmoid(score), prev, "parallel")
    """
    p = convert_to_tensor(p_choose_i, name="p_choose_i")
    prev = convert_to_tensor(previous_attention, name="previous_attention")
    if mode == "recursive":
        b = p.shape._dims[0] if p.shape.rank else None
        b = b if isinstance(b, int) else shape_of(p)[0]
        shifted = concat([ones([b, 1], dtype=p.dtype), 1 - p[:, :-1]], 1)
        # q_j = (1 - p_{j-1}) q_{j-1} + prev_j, over memory positions j
        q = scan(lambda acc, yz: yz[0] * acc + yz[1],
                 (transpose(shifted, [1, 0]), transpose(prev, [1, 0])),
                 zeros([b], dtype=p.dtype))
        return p * transpose(q, [1, 0])
    if mode == "parallel":
        cp = safe_cumprod(1 - p, axis=1, exclusive=True)
        return p * cp * cumsum(prev / clip_by_value(cp, 1e-10, 1.0), axis=1)
    if mode == "hard":
        p = p * cumsum(prev, axis=1)       # nothing before the previous step's choice
        return p * cumprod(1 - p, axis=1, exclusive=True)   # nothing after the first choice
    raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")


class AttentionMechanism:
    """The base of attention mechanisms (TF 1.15): AttentionWrapper accepts instances."""

    @property
    def alignments_size(self):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError


def _dense(units, name, dtype):
    from ..layers_classes import Dense
    kw = {} if dtype is None else {"dtype": dtypes.as_dtype(dtype)}
    return Dense(units, name=name, use_bias=False, **kw)


def _is_layer(x):
    from .seq2seq_decoder import _is_layer as is_layer
    return is_layer(x)


def _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined):
    """memory with the rows past each entry's length zeroed (TF1's _prepare_memory)."""
    memory = nest.map_structure(lambda m: convert_to_tensor(m, name="memory"), memory)
    if check_inner_dims_defined:
        for m in nest.flatten(memory):
            if m.shape._dims is None or not all(isinstance(d, int) for d in m.shape._dims[2:]):
                raise ValueError(f"Expected memory {m.name} to have fully defined inner "
                                 f"dims, but saw shape: {m.shape}")
    if memory_sequence_length is None:
        return memory
    first = nest.flatten(memory)[0]
    mask = sequence_mask(memory_sequence_length, shape_of(first)[1], dtype=first.dtype)

    def masked(m):
        b_seq = memory_sequence_length.shape._dims[0]
        b_mem = m.shape._dims[0] if m.shape.rank else None
        message = "memory_sequence_length and memory tensor batch sizes do not match."
        if isinstance(b_seq, int) and isinstance(b_mem, int):
            if b_seq != b_mem:
                raise ValueError(f"{message}\n  {errors.describe_tensor(m, m.name)}")
            checks = []
        else:
            checks = [assert_equal(shape_of(memory_sequence_length)[0], shape_of(m)[0],
                                   message=message)]
        with control_dependencies(checks):
            extra = [1] * (m.shape.rank - 2)
            return m * reshape(mask, concat([shape_of(mask), extra], 0) if extra else
                               shape_of(mask))
    return nest.map_structure(masked, memory)


def _mask_score(score, memory_sequence_length, score_mask_value):
    if memory_sequence_length is None:
        return score
    mask = sequence_mask(memory_sequence_length, shape_of(score)[1])
    return select(mask, score, score_mask_value * ones_like(score))


class _BaseAttentionMechanism(AttentionMechanism):
    """Memory preparation, masking and the per-call variable scope shared by the four
    mechanisms (TF 1.15's _BaseAttentionMechanism)."""

    _scope_name = "attention"

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None,
                 memory_layer=None, check_inner_dims_defined=True, score_mask_value=None,
                 custom_key_value_fn=None, name=None):
        if query_layer is not None and not _is_layer(query_layer):
            raise TypeError(f"query_layer is not a Layer: {type(query_layer).__name__}")
        if memory_layer is not None and not _is_layer(memory_layer):
            raise TypeError(f"memory_layer is not a Layer: {type(memory_layer).__name__}")
        if not callable(probability_fn):
            raise TypeError(f"probability_fn must be callable, saw type: "
                            f"{type(probability_fn).__name__}")
        self._query_layer, self._memory_layer = query_layer, memory_layer
        if memory_sequence_length is not None:
            memory_sequence_length = convert_to_tensor(memory_sequence_length,
                                                       name="memory_sequence_length")
            if memory_sequence_length.shape.rank not in (None, 1):
                raise ValueError(f"memory_sequence_length must be a vector, saw shape: "
                                 f"{memory_sequence_length.shape}")
        self._memory_sequence_length = memory_sequence_length
        self._call_scope = None
        with name_scope(name, "BaseAttentionMechanismInit"):
            self._values = _prepare_memory(memory, memory_sequence_length,
                                           check_inner_dims_defined)
            self._keys = self._memory_layer(self._values) if self._memory_layer is not None \
                else self._values
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
        self.dtype = self._values.dtype
        if score_mask_value is None:
            score_mask_value = self.dtype.np.type(-np.inf)
        self._probability_fn = lambda score, prev: probability_fn(
            _mask_score(score, memory_sequence_length, score_mask_value), prev)
        dims = self._keys.shape._dims
        b = dims[0] if dims else None
        t = dims[1] if dims and len(dims) > 1 else None
        self._batch_size = b if isinstance(b, int) else shape_of(self._keys)[0]
        self._alignments_size = t if isinstance(t, int) else shape_of(self._keys)[1]

    memory_layer = property(lambda self: self._memory_layer)
    query_layer = property(lambda self: self._query_layer)
    values = property(lambda self: self._values)
    keys = property(lambda self: self._keys)
    batch_size = property(lambda self: self._batch_size)
    alignments_size = property(lambda self: self._alignments_size)
    state_size = property(lambda self: self._alignments_size)

    def initial_alignments(self, batch_size, dtype):
        """Zeros (batch_size, alignments_size): the alignments before the first step."""
        return zeros([batch_size, self._alignments_size], dtype=dtype)

    def initial_state(self, batch_size, dtype):
        """The attention state before the first step: initial_alignments."""
        return self.initial_alignments(batch_size, dtype)

    def _scope(self):
        """The mechanism's variable scope: made in the caller's scope on the first call,
        entered again (reusing) on later ones (TF1 re-opens the same name per call)."""
        if self._call_scope is None:
            return variable_scope(None, default_name=self._scope_name)
        return variable_scope(self._call_scope, reuse=True)

    def __call__(self, query, state):
        """(alignments, next_state) for query (batch, query_depth) and the previous
        state (batch, alignments_size): probability_fn(masked score, state)."""
        query = convert_to_tensor(query)
        with self._scope() as vs:
            self._call_scope = vs
            score = self._score(query)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def _luong_score(query, keys, scale):
    depth, key_units = query.shape._dims[-1], keys.shape._dims[-1]
    if not isinstance(depth, int) or depth != key_units:
        raise ValueError(f"Incompatible or unknown inner dimensions between query and keys.  "
                         f"Query ({query.name}) has units: {depth}.  Keys ({keys.name}) have "
                         f"units: {key_units}.  Perhaps you need to set num_units to the "
                         f"keys' dimension ({key_units})?")
    score = squeeze(matmul(expand_dims(query, 1), keys, transpose_b=True), [1])
    return score if scale is None else scale * score


def _bahdanau_score(processed_query, keys, normalize):
    dtype = processed_query.dtype
    n = keys.shape._dims[2]
    if not isinstance(n, int):
        raise ValueError(f"BahdanauAttention: the keys' depth must be known, not "
                         f"{keys.shape}")
    q = expand_dims(processed_query, 1)
    v = get_variable("attention_v", [n], dtype=dtype)
    if normalize:
        g = get_variable("attention_g", shape=(), dtype=dtype,
                         initializer=constant_initializer(math.sqrt(1.0 / n)))
        b = get_variable("attention_b", [n], dtype=dtype, initializer=zeros_initializer())
        normed_v = g * v * rsqrt(reduce_sum(square(v)))
        return reduce_sum(normed_v * tanh(keys + q + b), [2])
    return reduce_sum(v * tanh(keys + q), [2])


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention (TF 1.15; Luong et al. 2015): score = query . keys_j,
    keys = memory @ W (memory_layer); with scale, times a learned scalar 'attention_g'.

        attention = gc.contrib.seq2seq.LuongAttention(16, memory, lengths, scale=True)

    The query's depth must equal num_units."""

    _scope_name = "luong_attention"

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="LuongAttention"):
        probability_fn = softmax if probability_fn is None else probability_fn
        super().__init__(None, memory, lambda score, _: probability_fn(score),
                         memory_sequence_length, _dense(num_units, "memory_layer", dtype),
                         score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units, self._scale, self._name = num_units, scale, name

    def _score(self, query):
        g = get_variable("attention_g", shape=(), dtype=query.dtype,
                         initializer=ones_initializer()) if self._scale else None
        return _luong_score(query, self._keys, g)


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention (TF 1.15; Bahdanau et al. 2015): score_j = v . tanh(keys_j +
    query @ W_q); with normalize, v is weight-normalized, g * v / |v|, plus a bias.

        attention = gc.contrib.seq2seq.BahdanauAttention(16, memory, lengths)
    """

    _scope_name = "bahdanau_attention"

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        probability_fn = softmax if probability_fn is None else probability_fn
        super().__init__(_dense(num_units, "query_layer", dtype), memory,
                         lambda score, _: probability_fn(score), memory_sequence_length,
                         _dense(num_units, "memory_layer", dtype),
                         score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units, self._normalize, self._name = num_units, normalize, name

    def _score(self, query):
        return _bahdanau_score(self._query_layer(query), self._keys, self._normalize)


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode, seed=None):
    if sigmoid_noise > 0:
        score = score + sigmoid_noise * random_normal(shape_of(score), dtype=score.dtype,
                                                      seed=seed)
    p = cast(greater(score, 0), score.dtype) if mode == "hard" else sigmoid(score)
    return monotonic_attention(p, previous_alignments, mode)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
    def initial_alignments(self, batch_size, dtype):
        """All the attention on the first memory entry: one_hot(0) per batch entry."""
        return one_hot(zeros([batch_size], dtype=dtypes.int32), self._alignments_size,
                       dtype=dtype)

    def _biased(self, score, dtype):
        bias = get_variable("attention_score_bias", shape=(), dtype=dtype,
                            initializer=constant_initializer(self._score_bias_init))
        return score + bias


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """Monotonic attention with Bahdanau scores plus a learned scalar bias, alignments by
    monotonic_attention(sigmoid(score + noise), previous alignments, mode) (TF 1.15).

        attention = gc.contrib.seq2seq.BahdanauMonotonicAttention(16, memory, mode="hard")
    """

    _scope_name = "bahdanau_monotonic_attention"

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
                 score_bias_init=0., mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        fn = functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise,
                               mode=mode, seed=sigmoid_noise_seed)
        super().__init__(_dense(num_units, "query_layer", dtype), memory, fn,
                         memory_sequence_length, _dense(num_units, "memory_layer", dtype),
                         score_mask_value=score_mask_value, name=name)
        self._num_units, self._normalize, self._name = num_units, normalize, name
        self._score_bias_init = score_bias_init

    def _score(self, query):
        q = self._query_layer(query)
        return self._biased(_bahdanau_score(q, self._keys, self._normalize), q.dtype)


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """Monotonic attention with Luong scores plus a learned scalar bias (TF 1.15).

        attention = gc.contrib.seq2seq.LuongMonotonicAttention(16, memory, scale=True)
    """

    _scope_name = "luong_monotonic_attention"

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
                 score_bias_init=0., mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        fn = functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise,
                               mode=mode, seed=sigmoid_noise_seed)
        super().__init__(None, memory, fn, memory_sequence_length,
                         _dense(num_units, "memory_layer", dtype),
                         score_mask_value=score_mask_value, name=name)
        self._num_units, self._scale, self._name = num_units, scale, name
        self._score_bias_init = score_bias_init

    def _score(self, query):
        g = get_variable("attention_g", shape=(), dtype=query.dtype,
                         initializer=ones_initializer()) if self._scale else None
        return self._biased(_luong_score(query, self._keys, g), query.dtype)
