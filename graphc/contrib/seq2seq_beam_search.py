"""tf.contrib.seq2seq.BeamSearchDecoder (TF 1.15): beam search over an RNN cell whose
outputs (through output_layer) are logits over the vocabulary.

    memory = gc.contrib.seq2seq.tile_batch(encoder_outputs, beam_width)   # for attention
    decoder = gc.contrib.seq2seq.BeamSearchDecoder(
        cell, embedding, start_tokens, end_token, initial_state=cell_state_tiled,
        beam_width=4, output_layer=gc.layers.Dense(vocab))
    outputs, state, lengths = gc.contrib.seq2seq.dynamic_decode(decoder, maximum_iterations=20)
    ids = outputs.predicted_ids                       # (batch, time, beam), best beam first

Each step: log_softmax of the logits of every beam, finished beams only continue with
end_token (log prob 0), total = beam log prob + step log prob, scored (divided by the
length penalty ((5 + length) / 6) ** weight, plus the coverage penalty of finished
beams), and the best beam_width of beam_width * vocab continuations are kept; their
parents' states are gathered. finalize backtracks with gather_tree.
"""
import collections

import numpy as np

from .. import dtypes, nest
from ..graph import Tensor, name_scope
from ..shapes import TensorShape
from ..ops.array import expand_dims, reshape, shape as shape_of, transpose
from ..ops.broadcast import select
from ..ops.cast import cast
from ..ops.core import convert_to_tensor
from ..ops.creation import fill, one_hot, ones_like, range as range_, zeros
from ..ops.elementwise import equal, floordiv, floormod, log, logical_not, logical_or, minimum
from ..ops.gather import gather
from ..ops.join import concat, stack
from ..ops.mask import sequence_mask
from ..ops.nn_extra import embedding_lookup
from ..ops.nn_softmax import log_softmax
from ..ops.reduce import reduce_all, reduce_max, reduce_mean, reduce_sum
from ..ops.rnn_wrappers import assert_like_rnncell
from ..ops.scatter import gather_nd
from ..ops.sorting import top_k
from ..ops.tensor_array import TensorArray
from ..ops.tile_reverse import tile
from .seq2seq_beam import gather_tree
from .seq2seq_decoder import Decoder, _is_layer, _layer_output_size
from .seq2seq_wrapper import AttentionWrapperState

__all__ = ["BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput"]


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths",
                                   "accumulated_attention_probs"))):
    """The beams' cell states, log probs, finished flags and lengths, (batch, beam, ...)."""
    __slots__ = ()


class BeamSearchDecoderOutput(collections.namedtuple(
        "BeamSearchDecoderOutput", ("scores", "predicted_ids", "parent_ids"))):
    """One step's scores, chosen ids and their parent beams, each (batch, beam)."""
    __slots__ = ()


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ("predicted_ids", "beam_search_decoder_output"))):
    """predicted_ids: the backtracked beams (gather_tree); beam_search_decoder_output:
    the per-step BeamSearchDecoderOutput."""
    __slots__ = ()


def _static(d):
    return d if isinstance(d, int) else None


def _passes(t):
    """TensorArrays (and their stand-ins in a decode step) are not reshaped per beam."""
    return isinstance(t, TensorArray) or not isinstance(t, Tensor)


class BeamSearchDecoder(Decoder):
    """Beam search decoding (TF 1.15 tf.contrib.seq2seq.BeamSearchDecoder).

        decoder = gc.contrib.seq2seq.BeamSearchDecoder(
            cell, embedding, start_tokens=gc.fill([batch], 1), end_token=2,
            initial_state=cell.zero_state(batch * 4, gc.float32), beam_width=4,
            output_layer=gc.layers.Dense(vocab), length_penalty_weight=0.6)

    initial_state has batch_size * beam_width rows (tile_batch the encoder's state and
    memory). The decode's outputs are FinalBeamSearchDecoderOutput; final_state's
    lengths hold each beam's length. reorder_tensor_arrays: TensorArrays in the final
    cell state (alignment_history) are reordered along the beams' ancestry and stacked.
    """

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        assert_like_rnncell("cell", cell)
        if output_layer is not None and not _is_layer(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell, self._output_layer = cell, output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            params = convert_to_tensor(embedding, name="embedding")
            self._embedding_fn = lambda ids: embedding_lookup(params, ids)
        self._start_tokens = convert_to_tensor(start_tokens, dtype=dtypes.int32,
                                               name="start_tokens")
        if self._start_tokens.shape.rank != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = convert_to_tensor(end_token, dtype=dtypes.int32, name="end_token")
        if self._end_token.shape.rank != 0:
            raise ValueError("end_token must be a scalar")
        b = _static(self._start_tokens.shape._dims[0])
        self._static_batch = b
        self._batch_size = b if b is not None else shape_of(self._start_tokens)[0]
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        self._initial_cell_state = nest.map_structure(self._maybe_split, initial_state)
        self._start_tokens = tile(expand_dims(self._start_tokens, 1), [1, beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = one_hot(zeros([self._batch_size], dtype=dtypes.int32), beam_width,
                                 on_value=False, off_value=True, dtype=dtypes.bool)

    batch_size = property(lambda self: self._batch_size)
    tracks_own_finished = property(lambda self: True)

    @property
    def output_size(self):
        k = TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=k, predicted_ids=k, parent_ids=k)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        size = self._cell.output_size if self._output_layer is None else nest.map_structure(
            lambda s: _layer_output_size(self._output_layer, s), self._cell.output_size)
        return BeamSearchDecoderOutput(scores=nest.map_structure(lambda _: dtype, size),
                                       predicted_ids=dtypes.int32, parent_ids=dtypes.int32)

    # ---- (batch * beam, ...) <-> (batch, beam, ...) ---------------------------------------
    def _split(self, t):
        s = shape_of(t)
        out = reshape(t, concat([[self._batch_size, self._beam_width], s[1:]], 0))
        rest = t.shape._dims[1:] if t.shape._dims is not None else None
        if rest is not None:
            want = TensorShape((self._static_batch, self._beam_width) + tuple(rest))
            if not out.shape.is_compatible_with(want):
                raise ValueError(
                    f"Unexpected behavior when reshaping between beam width and batch size.  "
                    f"The reshaped tensor has shape: {out.shape}.  We expected it to have "
                    f"shape (batch_size, beam_width, depth) == {want}.  Perhaps you forgot to "
                    f"create a zero_state with batch_size=encoder_batch_size * beam_width?")
            out.set_shape(want)
        return out

    def _merge(self, t):
        out = reshape(t, concat([[self._batch_size * self._beam_width], shape_of(t)[2:]], 0))
        if t.shape._dims is not None:
            bk = None if self._static_batch is None else self._static_batch * self._beam_width
            out.set_shape(TensorShape((bk,) + tuple(t.shape._dims[2:])))
        return out

    def _maybe_split(self, t):
        return t if _passes(t) or t.shape.rank is not None and t.shape.rank < 1 \
            else self._split(t)

    def _maybe_merge(self, t):
        return t if _passes(t) or t.shape.rank is not None and t.shape.rank < 2 \
            else self._merge(t)

    # ---- the Decoder interface -----------------------------------------------------------
    def initialize(self, name=None):
        """(finished, start inputs, BeamSearchDecoderState): only beam 0 is live
        (log prob 0; the others -inf), so the first step does not repeat a beam."""
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = one_hot(zeros([self._batch_size], dtype=dtypes.int32), self._beam_width,
                            on_value=0.0, off_value=-np.inf, dtype=dtype)
        attention = _attention_probs(self._initial_cell_state, self._coverage_penalty_weight)
        state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=self._finished,
            lengths=zeros([self._batch_size, self._beam_width], dtype=dtypes.int64),
            accumulated_attention_probs=() if attention is None else attention)
        return self._finished, self._start_inputs, state

    def step(self, time, inputs, state, name=None):
        """(BeamSearchDecoderOutput, next state, next inputs, finished) of one step."""
        with name_scope(name, "BeamSearchDecoderStep"):
            inputs = nest.map_structure(self._merge, inputs)
            cell_state = nest.map_structure(self._maybe_merge, state.cell_state)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = nest.map_structure(self._split, cell_outputs)
            next_cell_state = nest.map_structure(self._maybe_split, next_cell_state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            output, next_state = self._search_step(cell_outputs, next_cell_state, state)
            all_finished = reduce_all(next_state.finished)
            next_inputs = select(all_finished, self._start_inputs,
                                 self._embedding_fn(output.predicted_ids))
        return output, next_state, next_inputs, next_state.finished

    def finalize(self, outputs, final_state, sequence_lengths):
        """(FinalBeamSearchDecoderOutput, final state): the beams backtracked."""
        max_lengths = cast(reduce_max(final_state.lengths, axis=1), dtypes.int32)
        ids = gather_tree(outputs.predicted_ids, outputs.parent_ids, max_lengths,
                          self._end_token)
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=nest.map_structure(
                lambda t: self._sort_array_beams(t, outputs.parent_ids, final_state.lengths),
                final_state.cell_state))
        return FinalBeamSearchDecoderOutput(predicted_ids=ids,
                                            beam_search_decoder_output=outputs), final_state

    def _sort_array_beams(self, t, parent_ids, lengths):
        if not isinstance(t, TensorArray) or t.element_shape.rank is None or \
                t.element_shape.rank < 1:
            return t
        return _gather_tree_from_array(t.stack(), parent_ids, lengths, self._batch_size,
                                       self._beam_width)

    # ---- one beam-search step -----------------------------------------------------------
    def _search_step(self, logits, next_cell_state, beam_state):
        b, k = self._batch_size, self._beam_width
        end = self._end_token
        prev_finished = beam_state.finished
        not_finished = logical_not(prev_finished)
        step_log_probs = _mask_probs(log_softmax(logits), end, prev_finished)
        total = expand_dims(beam_state.log_probs, 2) + step_log_probs
        vocab = _static(logits.shape._dims[-1]) if logits.shape.rank else None
        vocab = vocab if vocab is not None else shape_of(logits)[-1]
        add = one_hot(fill([b, k], end), vocab, on_value=np.int64(0), off_value=np.int64(1),
                      dtype=dtypes.int64) * expand_dims(cast(not_finished, dtypes.int64), 2)
        new_lengths = add + expand_dims(beam_state.lengths, 2)
        accumulated = None
        attention = _attention_probs(next_cell_state, self._coverage_penalty_weight)
        if attention is not None:
            attention = attention * expand_dims(cast(not_finished, attention.dtype), 2)
            accumulated = beam_state.accumulated_attention_probs + attention
        scores = _scores(total, new_lengths, self._length_penalty_weight,
                         self._coverage_penalty_weight, prev_finished, accumulated)
        next_scores, word_indices = top_k(reshape(scores, [b, -1]), k=k)
        next_scores.set_shape((self._static_batch, k))
        word_indices.set_shape((self._static_batch, k))
        next_log_probs = _gather_beams(word_indices, total, b, k * vocab, [-1])
        next_word_ids = cast(floormod(word_indices, vocab), dtypes.int32)
        next_beam_ids = cast(floordiv(word_indices, vocab), dtypes.int32)
        parent_finished = _gather_beams(next_beam_ids, prev_finished, b, k, [-1])
        next_finished = logical_or(parent_finished, equal(next_word_ids, end))
        next_lengths = _gather_beams(next_beam_ids, beam_state.lengths, b, k, [-1]) + \
            cast(logical_not(parent_finished), dtypes.int64)
        next_accumulated = () if accumulated is None else _gather_beams(
            next_beam_ids, accumulated, b, k, [b * k, -1])
        next_cell_state = nest.map_structure(
            lambda t: t if _passes(t) or t.shape.rank is not None and t.shape.rank < 2 else
            _gather_beams(next_beam_ids, t, b, k, [b * k, -1]), next_cell_state)
        state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_log_probs,
                                       lengths=next_lengths, finished=next_finished,
                                       accumulated_attention_probs=next_accumulated)
        return BeamSearchDecoderOutput(next_scores, next_word_ids, next_beam_ids), state


def _mask_probs(probs, end_token, finished):
    """Finished beams: log prob 0 for end_token and the dtype's lowest for the rest."""
    vocab = shape_of(probs)[2]
    row = one_hot(end_token, vocab, on_value=probs.dtype.np.type(0),
                  off_value=np.finfo(probs.dtype.np).min, dtype=probs.dtype)
    return select(expand_dims(finished, 2), reshape(row, [1, 1, -1]), probs)


def _length_penalty(lengths, weight):
    if isinstance(weight, (int, float)) and weight == 0:
        return 1.0
    return ((5.0 + cast(lengths, dtypes.float32)) ** weight) / ((5.0 + 1.0) ** weight)


def _scores(log_probs, lengths, length_penalty_weight, coverage_penalty_weight, finished,
            accumulated):
    penalty = _length_penalty(lengths, length_penalty_weight)
    scores = log_probs if isinstance(penalty, float) else \
        log_probs / cast(penalty, log_probs.dtype)
    weight = convert_to_tensor(coverage_penalty_weight, name="coverage_penalty_weight")
    if weight.shape.rank != 0:
        raise ValueError(f"coverage_penalty_weight should be a scalar, but saw shape: "
                         f"{weight.shape}")
    if isinstance(coverage_penalty_weight, (int, float)) and coverage_penalty_weight == 0:
        return scores
    if accumulated is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty "
                         "is disabled.")
    # zeros (memory past its length) count as fully covered
    accumulated = select(equal(accumulated, 0.0), ones_like(accumulated), accumulated)
    penalty = reduce_sum(log(minimum(accumulated, 1.0)), 2) * cast(finished, scores.dtype)
    return scores + expand_dims(penalty * cast(weight, scores.dtype), 2)


def _attention_probs(cell_state, coverage_penalty_weight):
    """The mean alignments over the attention layers of an attentional cell state."""
    if isinstance(coverage_penalty_weight, (int, float)) and coverage_penalty_weight == 0:
        return None
    states = [cell_state] if isinstance(cell_state, AttentionWrapperState) else [
        s for s in cell_state if isinstance(s, AttentionWrapperState)] \
        if isinstance(cell_state, tuple) else []
    if not states:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")

    def mean(probs):
        if not isinstance(probs, tuple):
            return probs
        return reduce_mean(concat([expand_dims(p, -1) for p in probs], -1), -1)
    return mean(tuple(mean(s.alignments) for s in states)) if len(states) > 1 else \
        mean(states[0].alignments)


def _gather_beams(indices, gather_from, batch_size, range_size, gather_shape):
    """gather_from's rows picked per batch entry by indices (batch, beam) in
    [0, range_size) (TF's _tensor_gather_helper)."""
    with name_scope(None, "tensor_gather_helper"):
        offsets = expand_dims(range_(batch_size) * range_size, 1)
        flat = reshape(indices + offsets, [-1])
        out = gather(reshape(gather_from, gather_shape), flat)
        if len(gather_shape) == 1:          # one value per (batch, beam)
            out = reshape(out, shape_of(indices))
            static = (_static(batch_size), indices.shape._dims[1])
        else:                               # rows of (batch, beam, ...)
            out = reshape(out, concat([shape_of(indices), shape_of(gather_from)[2:]], 0))
            static = None if gather_from.shape._dims is None else (
                (_static(batch_size), indices.shape._dims[1]) + tuple(gather_from.shape._dims[2:]))
        if static is not None:
            out.set_shape(TensorShape(static))
        return out


def _gather_tree_from_array(t, parent_ids, lengths, batch_size, beam_width):
    """t (time, batch * beam or batch, beam, ...) reordered along the beams' ancestry;
    steps past a beam's length keep their own beam."""
    max_time = shape_of(parent_ids)[0]
    beam_ids = tile(reshape(range_(beam_width), [1, 1, -1]), [max_time, batch_size, 1])
    max_lengths = cast(reduce_max(lengths, axis=1), dtypes.int32)
    sorted_ids = gather_tree(beam_ids, parent_ids, max_lengths, beam_width + 1)
    in_bounds = transpose(sequence_mask(lengths, max_time), [2, 0, 1])
    sorted_ids = select(in_bounds, sorted_ids, beam_ids)
    time_ind = tile(reshape(range_(max_time), [-1, 1, 1]), [1, batch_size, beam_width])
    batch_ind = transpose(tile(reshape(range_(batch_size), [-1, 1, 1]),
                               [1, max_time, beam_width]), [1, 0, 2])
    indices = stack([time_ind, batch_ind, sorted_ids], -1)
    final_shape = shape_of(t)
    ordered = gather_nd(reshape(t, concat([[max_time, batch_size, beam_width, -1]], 0)),
                        indices)
    return reshape(ordered, final_shape)
