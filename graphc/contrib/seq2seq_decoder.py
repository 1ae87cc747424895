"""tf.contrib.seq2seq's decoders (TF 1.15): Decoder, BasicDecoder and dynamic_decode.

    helper = gc.contrib.seq2seq.TrainingHelper(targets_embedded, target_lengths)
    decoder = gc.contrib.seq2seq.BasicDecoder(cell, helper, cell.zero_state(b, gc.float32),
                                              output_layer=gc.layers.Dense(vocab))
    outputs, state, lengths = gc.contrib.seq2seq.dynamic_decode(decoder)
    logits = outputs.rnn_output                           # (batch, time, vocab)

dynamic_decode is one Loop node in while mode (ops/loop_op.py): its carry is (time,
state, inputs, finished, sequence_lengths) and each step's outputs are stacked outputs
of the Loop rather than TensorArray writes (TF1), which gives the same values and lets
gradients flow through a decode of any length: training through TrainingHelper works.
The decoder's variables are made when its first step is traced in the loop (in the
outermost graph, as TF's init_scope puts them).
"""
import collections

from .. import nest
from ..graph import Tensor
from ..shapes import TensorShape, as_shape
from ..ops.array import transpose
from ..ops.core import constant, convert_to_tensor
from ..ops.creation import fill, zeros_like
from ..ops.array import shape as shape_of
from ..ops.elementwise import greater_equal, logical_not, logical_or
from ..ops.reduce import reduce_all
from ..ops.array import expand_dims
from ..ops.broadcast import select
from ..ops.rnn_wrappers import assert_like_rnncell
from ..ops.scope import variable_scope
from .. import dtypes
from ..graph import name_scope
from .seq2seq_loop import ArrayRecording, Unrecordable, while_stacking

__all__ = ["Decoder", "BasicDecoder", "BasicDecoderOutput", "dynamic_decode"]


class Decoder:
    """The interface dynamic_decode drives (TF 1.15 tf.contrib.seq2seq.Decoder).

        class MyDecoder(gc.contrib.seq2seq.Decoder):
            batch_size, output_size, output_dtype          # properties
            def initialize(self, name=None): return finished, first_inputs, state
            def step(self, time, inputs, state, name=None):
                return outputs, next_state, next_inputs, finished

    finalize(outputs, final_state, sequence_lengths) may rework the stacked outputs
    (BeamSearchDecoder backtracks its beams there); the default raises
    NotImplementedError, which dynamic_decode takes as "nothing to do".
    tracks_own_finished: True when step's `finished` already includes earlier steps'
    (a decoder that reorders its batch entries between steps).
    """

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        raise NotImplementedError

    def step(self, time, inputs, state, name=None):
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        return False


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """One step's (or, stacked, a decode's) output of a BasicDecoder."""
    __slots__ = ()


def _is_layer(x):
    from ..keras.engine import Layer as KerasLayer
    from ..layers_base import Layer
    return isinstance(x, (Layer, KerasLayer))


class BasicDecoder(Decoder):
    """An RNN cell stepped by a Helper, with an optional output layer (TF 1.15).

        decoder = gc.contrib.seq2seq.BasicDecoder(
            cell, helper, initial_state, output_layer=gc.layers.Dense(vocab_size))

    Each step: (out, state) = cell(inputs, state); out = output_layer(out);
    sample_id = helper.sample(...); the helper gives finished and the next inputs.
    """

    def __init__(self, cell, helper, initial_state, output_layer=None):
        from .seq2seq_helper import Helper
        assert_like_rnncell("cell", cell)
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        if output_layer is not None and not _is_layer(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell, self._helper, self._output_layer = cell, helper, output_layer
        self._initial_state = initial_state

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        return nest.map_structure(lambda s: _layer_output_size(self._output_layer, s), size)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        """(finished, first_inputs, initial_state)."""
        return tuple(self._helper.initialize()) + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        """(BasicDecoderOutput(rnn_output, sample_id), next_state, next_inputs, finished)."""
        with name_scope(name, "BasicDecoderStep"):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


def _layer_output_size(layer, size):
    """The per-example output shape of `layer` on inputs of per-example shape `size`."""
    dims = as_shape(size).as_list()
    if hasattr(layer, "compute_output_shape"):
        return TensorShape(as_shape(layer.compute_output_shape(
            TensorShape([None] + dims)))._dims[1:])
    if hasattr(layer, "units"):
        return TensorShape(dims[:-1] + [layer.units])
    raise TypeError(f"BasicDecoder: cannot tell the output size of output_layer {layer!r}: "
                    "give it compute_output_shape")


def _transpose_batch_time(x):
    if x.shape.rank is not None and x.shape.rank < 2:
        return x
    return transpose(x, [1, 0] + list(range(2, x.shape.rank)))


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None):
    """(final_outputs, final_state, final_sequence_lengths): decoder.initialize() once,
    then decoder.step() until every batch entry is finished (TF 1.15).

        outputs, state, lengths = gc.contrib.seq2seq.dynamic_decode(
            decoder, maximum_iterations=20)
        ids = outputs.sample_id                           # (batch, time) int32

    Outputs are batch-major unless output_time_major. impute_finished zeroes the outputs
    of finished entries and keeps their state as it was (so the final state is the
    state at each entry's end, and no gradient flows from past it). maximum_iterations
    bounds the number of steps. final_sequence_lengths (int32, (batch,)) counts each
    entry's steps up to and including the one that finished it. Variables go under
    `scope` (default 'decoder'). parallel_iterations and swap_memory have no effect.
    """
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    with variable_scope(scope, default_name="decoder"):
        if maximum_iterations is not None:
            maximum_iterations = convert_to_tensor(maximum_iterations, dtype=dtypes.int32,
                                                   name="maximum_iterations")
            if maximum_iterations.shape.rank != 0:
                raise ValueError("maximum_iterations must be a scalar")
        finished, inputs, state = decoder.initialize()
        finished = convert_to_tensor(finished)
        if maximum_iterations is not None:
            finished = logical_or(finished, greater_equal(0, maximum_iterations))
        lengths = zeros_like(finished, dtype=dtypes.int32)
        time = constant(0, dtype=dtypes.int32)
        try:
            final_state, final_lengths, outputs = _decode_loop(
                decoder, time, state, inputs, finished, lengths, impute_finished,
                maximum_iterations, True)
        except Unrecordable:
            final_state, final_lengths, outputs = _decode_loop(
                decoder, time, state, inputs, finished, lengths, impute_finished,
                maximum_iterations, False)
        try:
            outputs, final_state = decoder.finalize(outputs, final_state, final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            outputs = nest.map_structure(_transpose_batch_time, outputs)
    return outputs, final_state, final_lengths


def _decode_loop(decoder, time, state, inputs, finished, lengths, impute_finished,
                 maximum_iterations, record):
    """(final state, final lengths, stacked time-major outputs) of the decode loop."""
    arrays = ArrayRecording(state, record)

    def body(carry):
        time, carried, inputs, finished, lengths = carry
        state = arrays.step_state(carried)
        outputs, decoder_state, next_inputs, decoder_finished = decoder.step(
            time, inputs, state)
        next_finished = decoder_finished if decoder.tracks_own_finished else \
            logical_or(decoder_finished, finished)
        next_lengths = _where(logical_not(finished),
                                     fill(shape_of(lengths), time + 1), lengths)
        nest.assert_same_structure(state, decoder_state)
        nest.assert_same_structure(inputs, next_inputs)
        if impute_finished:
            outputs = nest.map_structure(
                lambda o: _where(finished, zeros_like(o), o), outputs)
            decoder_state = nest.map_structure(
                lambda new, cur: _copy_state(finished, new, cur), decoder_state, state)
        carried, writes = arrays.split(decoder_state)
        return (time + 1, carried, next_inputs, next_finished, next_lengths), (outputs, writes)

    carry, (outputs, writes) = while_stacking(
        lambda carry: logical_not(reduce_all(carry[3])), body,
        (time, arrays.carry(state), inputs, finished, lengths), maximum_iterations)
    _, carried, _, _, final_lengths = carry
    return arrays.final(carried, writes), final_lengths, outputs


def _where(cond, x, y):
    """x where cond, else y; cond's dims are the leading dims of x and y (TF1's where
    with a (batch,) condition selects rows)."""
    x = convert_to_tensor(x)
    for _ in range((x.shape.rank or 0) - (cond.shape.rank or 0)):
        cond = expand_dims(cond, -1)
    return select(cond, x, y)


def _copy_state(finished, new, cur):
    """cur where finished, else new; TensorArrays and scalars pass through (TF 1.15)."""
    if not isinstance(cur, Tensor):
        return new
    new = convert_to_tensor(new)
    if new.shape.rank == 0 or cur.shape.rank == 0:
        return new
    return _where(finished, cur, new)
