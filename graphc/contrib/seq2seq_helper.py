"""tf.contrib.seq2seq's helpers (TF 1.15): what a BasicDecoder feeds its cell at each
step, how it picks a sample id from the cell's output, and when an entry is finished.

    helper = gc.contrib.seq2seq.TrainingHelper(decoder_inputs, target_lengths)
    helper = gc.contrib.seq2seq.GreedyEmbeddingHelper(embedding, start_tokens, end_token)

TF1 reads the next inputs inside a tf.cond (no read past the inputs' end); here the
read index is clamped and the result replaced by zeros when every entry is finished,
which gives the same values and gradients.
"""
from .. import dtypes, errors, nest
from ..shapes import TensorShape
from ..ops.array import shape as shape_of, size, transpose
from ..ops.broadcast import select
from ..ops.cast import cast
from ..ops.core import convert_to_tensor
from ..ops.creation import fill, zeros_like
from ..ops.elementwise import (equal, greater, greater_equal, less, maximum,
                               minimum, truediv)
from ..ops.gather import gather
from ..ops.join import concat
from ..ops.nn_extra import embedding_lookup
from ..ops.random import random_uniform
from ..ops.random_extra import categorical
from ..ops.reduce import argmax, reduce_all
from ..ops.rnn import _copy_through
from ..graph import name_scope

__all__ = ["Helper", "CustomHelper", "TrainingHelper", "GreedyEmbeddingHelper",
           "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper",
           "ScheduledOutputTrainingHelper", "InferenceHelper"]


class Helper:
    """The interface BasicDecoder uses (TF 1.15 tf.contrib.seq2seq.Helper): batch_size,
    sample_ids_shape, sample_ids_dtype; initialize() -> (finished, first_inputs);
    sample(time, outputs, state) -> sample_ids; next_inputs(time, outputs, state,
    sample_ids) -> (finished, next_inputs, next_state)."""

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def sample_ids_shape(self):
        raise NotImplementedError

    @property
    def sample_ids_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        raise NotImplementedError

    def sample(self, time, outputs, state, name=None):
        raise NotImplementedError

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        raise NotImplementedError


class CustomHelper(Helper):
    """A Helper from three functions (TF 1.15).

        helper = gc.contrib.seq2seq.CustomHelper(
            lambda: (finished0, inputs0),                       # initialize_fn
            lambda time, outputs, state: ids,                   # sample_fn
            lambda time, outputs, state, sample_ids: (finished, inputs, state))

    batch_size is known once initialize has run (the size of its `finished`)."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        self._initialize_fn, self._sample_fn = initialize_fn, sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = dtypes.as_dtype(sample_ids_dtype or dtypes.int32)

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with name_scope(name, "CustomHelperInitialize"):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "CustomHelperSample"):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name, "CustomHelperNextInputs"):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)


def _time_major(x, time_major):
    x = convert_to_tensor(x)
    if x.shape.rank is not None and x.shape.rank < 2:
        raise errors.ShapeError("TrainingHelper: inputs must have rank >= 2, [batch, time, "
                                "...]\n  " + errors.describe_tensor(x, x.name))
    return x if time_major else transpose(x, [1, 0] + list(range(2, x.shape.rank)))


def _read(x, t):
    """x[t] of a time-major tensor, t clamped to its last step (TF1 reads a TensorArray
    inside a cond; the value is replaced where that cond would not read)."""
    return gather(x, maximum(minimum(t, shape_of(x)[0] - 1), 0))


def _argmax_ids(outputs, what):
    if not hasattr(outputs, "dtype") or isinstance(outputs, (list, tuple, dict)):
        raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
    return argmax(outputs, axis=-1, output_type=dtypes.int32)


class _IdsHelper(Helper):
    """A helper whose samples are scalar int32 ids, batch_size kept in _batch_size."""

    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: TensorShape([]))
    sample_ids_dtype = property(lambda self: dtypes.int32)


class TrainingHelper(_IdsHelper):
    """Teacher forcing: step t's inputs are inputs[:, t] (TF 1.15).

        helper = gc.contrib.seq2seq.TrainingHelper(embedded_targets, target_lengths)

    inputs: (batch, time, ...) (time_major: (time, batch, ...)), or a structure of them;
    an entry is finished after sequence_length[b] steps; the inputs after every entry is
    finished are zeros. sample() is the argmax of the outputs."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with name_scope(name, "TrainingHelper"):
            self._inputs = nest.map_structure(lambda x: _time_major(x, time_major), inputs)
            self._sequence_length = convert_to_tensor(sequence_length,
                                                      name="sequence_length")
            if self._sequence_length.shape.rank != 1:
                raise ValueError(f"Expected sequence_length to be a vector, but received "
                                 f"shape: {self._sequence_length.shape}")
            self._zero_inputs = nest.map_structure(lambda x: zeros_like(_read(x, 0)),
                                                   self._inputs)
            self._batch_size = size(self._sequence_length)

    @property
    def inputs(self):
        return self._inputs

    @property
    def sequence_length(self):
        return self._sequence_length

    def _inputs_at(self, t, finished):
        all_finished = reduce_all(finished)
        return nest.map_structure(lambda x, z: select(all_finished, z, _read(x, t)),
                                  self._inputs, self._zero_inputs)

    def initialize(self, name=None):
        with name_scope(name, "TrainingHelperInitialize"):
            finished = equal(0, self._sequence_length)
            return finished, self._inputs_at(0, finished)

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "TrainingHelperSample"):
            return _argmax_ids(outputs, "TrainingHelper")

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with name_scope(name, "TrainingHelperNextInputs"):
            next_time = time + 1
            finished = greater_equal(next_time, self._sequence_length)
            return finished, self._inputs_at(next_time, finished), state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """TrainingHelper that, with probability sampling_probability (a scalar or one per
    entry), feeds instead the embedding of an id sampled from the outputs (logits)
    (TF 1.15). sample() returns the sampled id, or -1 where the entry is not sampled.

        helper = gc.contrib.seq2seq.ScheduledEmbeddingTrainingHelper(
            inputs, lengths, embedding, sampling_probability=0.25)
    """

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        self._embedding_fn = _embedding_fn(embedding)
        self._sampling_probability = _probability(sampling_probability)
        self._seed, self._scheduling_seed = seed, scheduling_seed
        super().__init__(inputs, sequence_length, time_major, name)

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "ScheduledEmbeddingTrainingHelperSample"):
            chosen = _bernoulli(self._sampling_probability, self.batch_size,
                                self._scheduling_seed)
            ids = categorical(outputs, 1, dtype=dtypes.int32, seed=self._seed)[:, 0]
            return select(chosen, ids, fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs"):
            finished, base, state = super().next_inputs(time, outputs, state, name=name)
            sampled = greater(sample_ids, -1)
            embedded = self._embedding_fn(maximum(sample_ids, 0))
            return finished, _copy_through(sampled, embedded, base), state


class ScheduledOutputTrainingHelper(TrainingHelper):
    """TrainingHelper that, with probability sampling_probability, feeds instead the
    step's outputs (through next_inputs_fn when given), concatenated with
    auxiliary_inputs[:, t + 1] when given (TF 1.15). sample() is the bool choice.

        helper = gc.contrib.seq2seq.ScheduledOutputTrainingHelper(inputs, lengths, 0.5)
    """

    def __init__(self, inputs, sequence_length, sampling_probability, time_major=False,
                 seed=None, next_inputs_fn=None, auxiliary_inputs=None, name=None):
        self._sampling_probability = _probability(sampling_probability)
        if auxiliary_inputs is None:
            both = inputs
            self._auxiliary = None
        else:
            inputs = convert_to_tensor(inputs)
            aux = nest.flatten(auxiliary_inputs)
            both = concat([inputs] + [convert_to_tensor(a) for a in aux], -1)
            self._auxiliary = [_time_major(a, time_major) for a in aux]
        self._seed, self._next_inputs_fn = seed, next_inputs_fn
        super().__init__(both, sequence_length, time_major, name)

    @property
    def sample_ids_shape(self):
        return TensorShape([])

    @property
    def sample_ids_dtype(self):
        return dtypes.bool

    def sample(self, time, outputs, state, name=None):
        with name_scope(name, "ScheduledOutputTrainingHelperSample"):
            return _bernoulli(self._sampling_probability, self.batch_size, self._seed)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name, "ScheduledOutputTrainingHelperNextInputs"):
            finished, base, state = super().next_inputs(time, outputs, state, name=name)
            chosen = cast(sample_ids, dtypes.bool)
            fed = outputs if self._next_inputs_fn is None else self._next_inputs_fn(outputs)
            if self._auxiliary is not None:
                fed = concat([fed] + [_read(a, time + 1) for a in self._auxiliary], -1)
            return finished, _copy_through(chosen, fed, base), state


def _embedding_fn(embedding):
    if callable(embedding):
        return embedding
    params = convert_to_tensor(embedding, name="embedding")
    return lambda ids: embedding_lookup(params, ids)


def _probability(p):
    p = convert_to_tensor(p, name="sampling_probability")
    if p.shape.rank not in (0, 1):
        raise ValueError(f"sampling_probability must be either a scalar or a vector. saw "
                         f"shape: {p.shape}")
    return p


def _bernoulli(p, batch_size, seed):
    """A (batch,) bool draw, True with probability p (a scalar or one per entry)."""
    return less(random_uniform([batch_size], dtype=p.dtype, seed=seed), p)


class GreedyEmbeddingHelper(_IdsHelper):
    """Inference by argmax: each step's id is the argmax of the outputs, fed back through
    `embedding` (a params tensor for embedding_lookup, or a callable on ids); an entry
    is finished when it emits end_token (TF 1.15).

        helper = gc.contrib.seq2seq.GreedyEmbeddingHelper(
            embedding, start_tokens=gc.fill([batch], 1), end_token=2)
    """

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = convert_to_tensor(start_tokens, dtype=dtypes.int32,
                                               name="start_tokens")
        self._end_token = convert_to_tensor(end_token, dtype=dtypes.int32, name="end_token")
        if self._start_tokens.shape.rank != 1:
            raise ValueError("start_tokens must be a vector")
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = size(self._start_tokens)
        self._start_inputs = self._embedding_fn(self._start_tokens)

    def initialize(self, name=None):
        finished = equal(zeros_like(self._start_tokens), 1)
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return _argmax_ids(outputs, type(self).__name__)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = equal(sample_ids, self._end_token)
        all_finished = reduce_all(finished)
        next_inputs = select(all_finished, self._start_inputs, self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """GreedyEmbeddingHelper that samples each id from the categorical distribution of
    the outputs (logits, divided by softmax_temperature when given) (TF 1.15).

        helper = gc.contrib.seq2seq.SampleEmbeddingHelper(embedding, start, end, seed=1)
    """

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                 seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature, self._seed = softmax_temperature, seed

    def sample(self, time, outputs, state, name=None):
        if not hasattr(outputs, "dtype"):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        logits = outputs if self._softmax_temperature is None else \
            truediv(outputs, self._softmax_temperature)
        return categorical(logits, 1, dtype=dtypes.int32, seed=self._seed)[:, 0]


class InferenceHelper(Helper):
    """Feeds back sample_fn(outputs) (through next_inputs_fn when given), without an
    embedding; end_fn(sample_ids) says which entries are finished (TF 1.15).

        helper = gc.contrib.seq2seq.InferenceHelper(
            sample_fn=lambda outputs: outputs, sample_shape=[depth],
            sample_dtype=gc.float32, start_inputs=start,
            end_fn=lambda ids: gc.reduce_all(gc.abs(ids) < 1e-3, axis=-1))
    """

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        self._sample_fn, self._end_fn = sample_fn, end_fn
        self._sample_shape = TensorShape(sample_shape)
        self._sample_dtype = dtypes.as_dtype(sample_dtype)
        self._next_inputs_fn = next_inputs_fn
        self._start_inputs = convert_to_tensor(start_inputs, name="start_inputs")
        b = self._start_inputs.shape._dims[0] if self._start_inputs.shape.rank else None
        self._batch_size = b if isinstance(b, int) else shape_of(self._start_inputs)[0]

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        return fill([self._batch_size], False), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = self._end_fn(sample_ids)
        fed = sample_ids if self._next_inputs_fn is None else self._next_inputs_fn(sample_ids)
        return finished, fed, state
