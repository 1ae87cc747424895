"""tf.contrib.seq2seq.AttentionWrapper (TF 1.15): an RNN cell that attends over a
memory after each step of the cell it wraps.

    attention = gc.contrib.seq2seq.LuongAttention(32, encoder_outputs, source_lengths)
    cell = gc.contrib.seq2seq.AttentionWrapper(gc.nn.rnn_cell.LSTMCell(32), attention,
                                               attention_layer_size=32)
    state = cell.zero_state(batch, gc.float32).clone(cell_state=encoder_state)

One step: cell_inputs = cell_input_fn(inputs, previous attention); (out, cell_state) =
cell(cell_inputs, cell_state); each mechanism's alignments from `out`; context =
alignments @ values; attention = attention_layer([out, context]) (or the context).
Its variables: '<scope>/attention_wrapper/<cell>/...', '.../attention_layer/kernel' and
the mechanism's '.../bahdanau_attention/...'.
"""
import collections

from .. import nest
from ..graph import Tensor, control_dependencies, name_scope
from ..shapes import TensorShape
from ..ops.array import expand_dims, shape as shape_of, squeeze
from ..ops.asserts import assert_equal
from ..ops.core import identity
from ..ops.creation import zeros
from ..ops.join import concat
from ..ops.linalg import matmul
from ..ops.rnn_cell_base import RNNCell
from ..ops.rnn_wrappers import assert_like_rnncell
from ..ops.tensor_array import TensorArray
from .. import dtypes
from .seq2seq_attention import AttentionMechanism, _dense

__all__ = ["AttentionWrapper", "AttentionWrapperState"]


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState", ("cell_state", "attention", "time", "alignments",
                                  "alignment_history", "attention_state"))):
    """The state of an AttentionWrapper (TF 1.15): the wrapped cell's state, the last
    attention (batch, attention size), the step count `time`, each mechanism's
    alignments and state, and (alignment_history=True) a TensorArray of the alignments
    of every step (else ())."""
    __slots__ = ()

    def clone(self, **kwargs):
        """A copy with the given fields replaced, each new tensor taking the static shape
        of the one it replaces:

            state = cell.zero_state(batch, gc.float32).clone(cell_state=encoder_state)
        """
        def with_same_shape(old, new):
            if isinstance(old, Tensor) and isinstance(new, Tensor):
                if not old.shape.is_compatible_with(new.shape):
                    raise ValueError(f"AttentionWrapperState.clone: {new.name} has shape "
                                     f"{new.shape}, which does not fit {old.shape}")
                new = identity(new)
                new.set_shape(new.shape.merge_with(old.shape))
            return new
        return nest.map_structure(with_same_shape, self, self._replace(**kwargs))


def _compute_attention(mechanism, cell_output, attention_state, attention_layer):
    """(attention, alignments, next_attention_state) of one mechanism."""
    alignments, next_state = mechanism(cell_output, state=attention_state)
    context = squeeze(matmul(expand_dims(alignments, 1), mechanism.values), [1])
    attention = context if attention_layer is None else \
        attention_layer(concat([cell_output, context], 1))
    return attention, alignments, next_state


def _depth(t):
    d = t.shape._dims[-1] if t.shape.rank else None
    if not isinstance(d, int):
        raise ValueError(f"AttentionWrapper: the depth of {t.name} must be known, not "
                         f"{t.shape}")
    return d


class AttentionWrapper(RNNCell):
    """An RNN cell wrapped with attention over one or more AttentionMechanisms (TF 1.15).

        cell = gc.contrib.seq2seq.AttentionWrapper(
            gc.nn.rnn_cell.GRUCell(16), gc.contrib.seq2seq.BahdanauAttention(16, memory),
            attention_layer_size=16, alignment_history=True)

    attention_layer_size (an int, or one per mechanism): project [cell output, context]
    with a Dense layer (no bias) to get the attention; attention_layer gives the layers
    instead; with neither, the attention is the context. output_attention: the cell's
    output is the attention (Luong) rather than the wrapped cell's output (Bahdanau).
    cell_input_fn(inputs, attention) makes the wrapped cell's inputs (default: concat).
    initial_cell_state: the cell state zero_state returns.
    """

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None,
                 attention_fn=None):
        super().__init__(name=name)
        assert_like_rnncell("cell", cell)
        if isinstance(attention_mechanism, (list, tuple)):
            self._is_multi, mechanisms = True, tuple(attention_mechanism)
            for m in mechanisms:
                if not isinstance(m, AttentionMechanism):
                    raise TypeError(f"attention_mechanism must contain only instances of "
                                    f"AttentionMechanism, saw type: {type(m).__name__}")
        else:
            if not isinstance(attention_mechanism, AttentionMechanism):
                raise TypeError(f"attention_mechanism must be an AttentionMechanism or list "
                                f"of multiple AttentionMechanism instances, saw type: "
                                f"{type(attention_mechanism).__name__}")
            self._is_multi, mechanisms = False, (attention_mechanism,)
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: concat([inputs, attention], -1)  # noqa
        elif not callable(cell_input_fn):
            raise TypeError(f"cell_input_fn must be callable, saw type: "
                            f"{type(cell_input_fn).__name__}")
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be "
                             "set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer_size must contain exactly one "
                                 f"integer per attention_mechanism, saw: {len(sizes)} vs "
                                 f"{len(mechanisms)}")
            self._attention_layers = tuple(_dense(n, "attention_layer", m.dtype)
                                           for n, m in zip(sizes, mechanisms))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                           else (attention_layer,))
            if len(layers) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer must contain exactly one "
                                 f"layer per attention_mechanism, saw: {len(layers)} vs "
                                 f"{len(mechanisms)}")
            self._attention_layers = layers
            self._attention_layer_size = sum(
                _out_units(layer, cell.output_size + _depth(m.values))
                for layer, m in zip(layers, mechanisms))
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(_depth(m.values) for m in mechanisms)
        self._attention_fn = attention_fn or _compute_attention
        self._cell, self._attention_mechanisms = cell, mechanisms
        self._cell_input_fn, self._output_attention = cell_input_fn, output_attention
        self._alignment_history = alignment_history
        self._initial_cell_state = None
        if initial_cell_state is not None:
            with name_scope(name, "AttentionWrapperInit"):
                last = nest.flatten(initial_cell_state)[-1]
                with control_dependencies(self._batch_size_checks(
                        _batch(last), "When constructing AttentionWrapper: Non-matching batch "
                        "sizes between the memory (encoder output) and initial_cell_state.")):
                    self._initial_cell_state = nest.map_structure(
                        lambda s: identity(s, name="check_initial_cell_state"),
                        initial_cell_state)

    def _sub_cells(self):
        return [self._cell]

    def _batch_size_checks(self, batch_size, message):
        """Asserts (or, for static sizes, an immediate ValueError) that each mechanism's
        memory has batch_size entries."""
        checks = []
        for m in self._attention_mechanisms:
            a, b = batch_size, m.batch_size
            if isinstance(a, int) and isinstance(b, int):
                if a != b:
                    raise ValueError(f"{message} (batch sizes {a} and {b})")
                continue
            checks.append(assert_equal(a, b, message=message))
        return checks

    def _item_or_tuple(self, seq):
        t = tuple(seq)
        return t if self._is_multi else t[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        ms = self._attention_mechanisms
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in ms),
            attention_state=self._item_or_tuple(m.state_size for m in ms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else () for m in ms))

    def zero_state(self, batch_size, dtype):
        """The state before the first step (TF 1.15): initial_cell_state or the cell's
        zero state, zero attention, time 0, each mechanism's initial alignments and an
        empty alignment history. batch_size must match the memory's batch (tile the
        memory with tile_batch for beam search)."""
        dtype = dtypes.as_dtype(dtype)
        with name_scope(type(self).__name__ + "ZeroState"):
            cell_state = self._initial_cell_state if self._initial_cell_state is not None \
                else self._cell.zero_state(batch_size, dtype)
            message = (f"When calling zero_state of AttentionWrapper {self._base_name}: "
                       "Non-matching batch sizes between the memory (encoder output) and the "
                       "requested batch size.  Are you using the BeamSearchDecoder?  If so, "
                       "make sure your encoder output has been tiled to beam_width via "
                       "tf.contrib.seq2seq.tile_batch, and the batch_size= argument passed "
                       "to zero_state is batch_size * beam_width.")
            with control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = nest.map_structure(
                    lambda s: identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dtype)
                          for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state, time=zeros([], dtype=dtypes.int32),
                attention=zeros([batch_size, self._attention_layer_size], dtype=dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(
                    m.initial_state(batch_size, dtype) for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(
                    TensorArray(dtype, size=0, dynamic_size=True,
                                element_shape=a.shape) if self._alignment_history else ()
                    for a in alignments))

    def call(self, inputs, state):
        """(output, next AttentionWrapperState) of one step."""
        if not isinstance(state, AttentionWrapperState):
            raise TypeError(f"Expected state to be instance of AttentionWrapperState. "
                            f"Received type {type(state)} instead.")
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
        message = (f"When applying AttentionWrapper {self.name}: Non-matching batch sizes "
                   "between the memory (encoder output) and the query (decoder output).  Are "
                   "you using the BeamSearchDecoder?  You may need to tile your memory input "
                   "via the tf.contrib.seq2seq.tile_batch function with argument "
                   "multiple=beam_width.")
        with control_dependencies(self._batch_size_checks(_batch(cell_output), message)):
            cell_output = identity(cell_output, name="checked_cell_output")
        if self._is_multi:
            prev_states, prev_histories = state.attention_state, state.alignment_history
        else:
            prev_states, prev_histories = [state.attention_state], [state.alignment_history]
        attentions, alignments, states, histories = [], [], [], []
        for i, m in enumerate(self._attention_mechanisms):
            layer = self._attention_layers[i] if self._attention_layers else None
            attention, align, next_state = self._attention_fn(m, cell_output, prev_states[i],
                                                              layer)
            histories.append(prev_histories[i].write(state.time, align)
                             if self._alignment_history else ())
            attentions.append(attention)
            alignments.append(align)
            states.append(next_state)
        attention = concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(states),
            alignments=self._item_or_tuple(alignments),
            alignment_history=self._item_or_tuple(histories))
        return (attention if self._output_attention else cell_output), next_state

    def _prebuild(self, inputs_shape, dtype, scope=None):
        """Make every variable (the wrapped cell's, the mechanisms', the attention
        layers') by one step built outside a loop and never run (dynamic_rnn)."""
        b = self._attention_mechanisms[0].batch_size
        dims = TensorShape(inputs_shape).as_list()[1:]
        self(zeros([b] + dims, dtype=dtype), self.zero_state(b, dtype), scope=scope)


def _batch(t):
    b = t.shape._dims[0] if t.shape.rank else None
    return b if isinstance(b, int) else shape_of(t)[0]


def _out_units(layer, in_units):
    if hasattr(layer, "compute_output_shape"):
        return TensorShape(layer.compute_output_shape(TensorShape([None, in_units])))._dims[-1]
    if hasattr(layer, "units"):
        return layer.units
    raise TypeError(f"AttentionWrapper: cannot tell the output size of attention_layer "
                    f"{layer!r}")

