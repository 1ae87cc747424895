"""tf.contrib.rnn's block cells (TF 1.15 lstm_ops.py, gru_ops.py, fused_rnn_cell.py):
LSTMBlockCell, GRUBlockCell(V2), LSTMBlockWrapper, LSTMBlockFusedCell, FusedRNNCell,
FusedRNNCellAdaptor and TimeReversedFusedRNN.

    cell = gc.contrib.rnn.LSTMBlockCell(32)                  # 'lstm_cell/kernel', '.../bias'
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)
    fused = gc.contrib.rnn.LSTMBlockFusedCell(32)            # x time-major: (time, batch, depth)
    outputs, (c, h) = fused(x_tm, dtype=gc.float32, sequence_length=lengths)

TF runs these as single kernels (LSTMBlockCell, GRUBlockCell, BlockLSTM); graphc builds
the same formulas from its ops, so their gradients come from the ops' rules. Variable
names and shapes are TF 1.15's, so checkpoints port between the two.
"""
import abc

from .. import dtypes, errors
from ..graph import Tensor
from ..initializers import constant_initializer
from ..ops import elementwise as E
from ..ops.array import expand_dims, shape, transpose
from ..ops.broadcast import clip_by_value
from ..ops.core import convert_to_tensor, stop_gradient
from ..ops.creation import range as range_, zeros
from ..ops.functional import scan
from ..ops.join import concat, split, stack, unstack
from ..ops.linalg import matmul
from ..ops.mask import sequence_mask
from ..ops.nn import bias_add
from ..ops.reverse_sequence import reverse_sequence
from ..ops.rnn import dynamic_rnn, static_rnn
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell
from ..ops.rnn_cells import _check_step, _input_depth, _units
from ..ops.scatter import gather_nd
from ..ops.tile_reverse import reverse

__all__ = ["LSTMBlockCell", "GRUBlockCell", "GRUBlockCellV2", "LSTMBlockWrapper",
           "LSTMBlockFusedCell", "FusedRNNCell", "FusedRNNCellAdaptor",
           "TimeReversedFusedRNN"]


def lstm_block_step(x, cs_prev, h_prev, w, b, wci=None, wcf=None, wco=None,
                    forget_bias=1.0, cell_clip=-1.0, use_peephole=False):
    """One step of TF's LSTMBlockCell kernel: (i, cs, f, o, ci, co, h).

        [i, ci, f, o] = [x, h_prev] @ w + b
        i = sigmoid(i + wci * cs_prev); f = sigmoid(f + forget_bias + wcf * cs_prev)
        cs = clip(tanh(ci) * i + cs_prev * f, cell_clip)     # no clipping if cell_clip <= 0
        o = sigmoid(o + wco * cs); co = tanh(cs); h = co * o

    The peephole terms are used only with use_peephole. As TF's kernels, the gradient
    goes through the clip as if it were the identity (straight-through).
    """
    i, ci, f, o = split(bias_add(matmul(concat([x, h_prev], 1), w), b), 4, axis=1)
    if use_peephole:
        i = E.sigmoid(i + wci * cs_prev)
        f = E.sigmoid(f + forget_bias + wcf * cs_prev)
    else:
        i, f = E.sigmoid(i), E.sigmoid(f + forget_bias)
    ci = E.tanh(ci)
    cs = ci * i + cs_prev * f
    if cell_clip is not None and cell_clip > 0:
        # clip(cs) forward, identity backward: TF's LSTMBlockCellGrad ignores the clip
        cs = cs + stop_gradient(clip_by_value(cs, -cell_clip, cell_clip) - cs)
    o = E.sigmoid(o + wco * cs) if use_peephole else E.sigmoid(o)
    co = E.tanh(cs)
    return i, cs, f, o, ci, co, co * o


class LSTMBlockCell(RNNCell):
    """TF 1.15's LSTMBlockCell: an LSTM (gates i, j, f, o; forget_bias added to f) with
    optional peepholes and cell clipping, variable-compatible with LSTMCell.

        cell = gc.contrib.rnn.LSTMBlockCell(16, use_peephole=True)
        # variables 'lstm_cell/kernel' (depth + 16, 64), 'lstm_cell/bias' (64,),
        # 'lstm_cell/w_i_diag', 'w_f_diag', 'w_o_diag' (16,)

    cell_clip: clip the memory to [-cell_clip, cell_clip] (None or <= 0: no clipping).
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 dtype=None, reuse=None, name="lstm_cell"):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = _units(num_units)
        self._forget_bias = forget_bias
        self._use_peephole = use_peephole
        self._cell_clip = cell_clip if cell_clip is not None else -1

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n], initializer=constant_initializer(0.0))
        if self._use_peephole:
            self._w_i_diag = self.add_variable("w_i_diag", [n])
            self._w_f_diag = self.add_variable("w_f_diag", [n])
            self._w_o_diag = self.add_variable("w_o_diag", [n])
        self.built = True

    def call(self, inputs, state):
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise ValueError("Expecting state to be a tuple with length 2.")
        _check_step(self, inputs, state)
        peep = (self._w_i_diag, self._w_f_diag, self._w_o_diag) if self._use_peephole \
            else (None, None, None)
        _, cs, _, _, _, _, h = lstm_block_step(
            inputs, state[0], state[1], self._kernel, self._bias, *peep,
            forget_bias=self._forget_bias, cell_clip=self._cell_clip,
            use_peephole=self._use_peephole)
        return h, LSTMStateTuple(cs, h)


class GRUBlockCell(RNNCell):
    """TF 1.15's GRUBlockCell: r, u = sigmoid([x, h] @ w_ru + b_ru);
    c = tanh([x, r * h] @ w_c + b_c); h' = (1 - u) * c + u * h.

        cell = gc.contrib.rnn.GRUBlockCell(16)   # 'gru_cell/w_ru' (depth+16, 32), 'b_ru'
                                                 # (1.0), 'w_c' (depth+16, 16), 'b_c' (0.0)

    `cell_size` is the deprecated name of num_units; give exactly one.
    """

    _names = ("w_ru", "b_ru", "w_c", "b_c")

    def __init__(self, num_units=None, cell_size=None, reuse=None, name="gru_cell"):
        super().__init__(name=name, _reuse=reuse)
        if (cell_size is None) == (num_units is None):
            raise ValueError("Exactly one of num_units or cell_size must be provided.")
        self._cell_size = _units(num_units if num_units is not None else cell_size)

    state_size = property(lambda self: self._cell_size)
    output_size = property(lambda self: self._cell_size)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._cell_size
        w_ru, b_ru, w_c, b_c = self._names
        self._gate_kernel = self.add_variable(w_ru, [depth + n, 2 * n])
        self._gate_bias = self.add_variable(b_ru, [2 * n], initializer=constant_initializer(1.0))
        self._candidate_kernel = self.add_variable(w_c, [depth + n, n])
        self._candidate_bias = self.add_variable(b_c, [n], initializer=constant_initializer(0.0))
        self.built = True

    def call(self, inputs, h_prev):
        size = h_prev.shape._dims[1] if isinstance(h_prev, Tensor) and h_prev.shape.rank == 2 \
            else None
        if isinstance(size, int) and size != self._cell_size:
            raise ValueError(f"Shape of h_prev[1] incorrect: cell_size {self._cell_size} vs "
                             f"{size}")
        _check_step(self, inputs, h_prev)
        ru = E.sigmoid(bias_add(matmul(concat([inputs, h_prev], 1), self._gate_kernel),
                                self._gate_bias))
        r, u = split(ru, 2, axis=1)
        c = E.tanh(bias_add(matmul(concat([inputs, h_prev * r], 1), self._candidate_kernel),
                            self._candidate_bias))
        new_h = (1 - u) * c + u * h_prev
        return new_h, new_h


class GRUBlockCellV2(GRUBlockCell):
    """GRUBlockCell with GRUCell's variable names: 'gates/kernel', 'gates/bias',
    'candidate/kernel', 'candidate/bias' (TF 1.15).

        cell = gc.contrib.rnn.GRUBlockCellV2(16)
    """

    _names = ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")


# ---- fused cells: the loop over time inside the cell ----------------------------------------
class FusedRNNCell(abc.ABC):
    """A whole RNN over time in one call (TF 1.15's abstract FusedRNNCell):

        outputs, state = fused(inputs, initial_state=None, dtype=None,
                               sequence_length=None, scope=None)

    inputs: time-major (time, batch, depth) or a list of (batch, depth) steps; outputs
    come back in the same form.
    """

    @abc.abstractmethod
    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        """(outputs, final_state) of the RNN over `inputs`."""


class FusedRNNCellAdaptor(FusedRNNCell):
    """An RNNCell used as a FusedRNNCell: static_rnn over the steps, or dynamic_rnn
    (time-major) with use_dynamic_rnn=True (TF 1.15).

        fused = gc.contrib.rnn.FusedRNNCellAdaptor(gc.nn.rnn_cell.GRUCell(8), True)
        outputs, state = fused(x_tm, dtype=gc.float32)        # x_tm: (time, batch, depth)
    """

    def __init__(self, cell, use_dynamic_rnn=False):
        self._cell = cell
        self._use_dynamic_rnn = use_dynamic_rnn

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        """(outputs, state), outputs a tensor or a list as `inputs` is."""
        is_list = isinstance(inputs, list)
        if self._use_dynamic_rnn:
            x = stack(inputs) if is_list else inputs
            outputs, state = dynamic_rnn(self._cell, x, sequence_length=sequence_length,
                                         initial_state=initial_state, dtype=dtype,
                                         time_major=True, scope=scope)
            return (unstack(outputs) if is_list else outputs), state
        steps = inputs if is_list else unstack(convert_to_tensor(inputs))
        outputs, state = static_rnn(self._cell, steps, initial_state=initial_state,
                                    dtype=dtype, sequence_length=sequence_length, scope=scope)
        return (outputs if is_list else stack(outputs)), state


class TimeReversedFusedRNN(FusedRNNCell):
    """A FusedRNNCell run over time reversed: each sequence's first sequence_length steps
    (all steps without it) are reversed before and after (TF 1.15).

        fw = gc.contrib.rnn.FusedRNNCellAdaptor(gc.nn.rnn_cell.BasicRNNCell(10), True)
        bw = gc.contrib.rnn.TimeReversedFusedRNN(fw)
        bw_out, bw_state = bw(x_tm, dtype=gc.float32)

    A list of steps is reversed whole, sequence_length or not (as TF).
    """

    def __init__(self, cell):
        self._cell = cell

    def _reverse(self, t, lengths):
        if isinstance(t, list):
            return list(reversed(t))
        if lengths is None:
            return reverse(t, [0])
        return reverse_sequence(t, E.cast(convert_to_tensor(lengths), dtypes.int64), 0, 1)

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        """(outputs, state) of the wrapped cell over the reversed inputs, outputs
        reversed back."""
        outputs, state = self._cell(self._reverse(inputs, sequence_length),
                                    initial_state=initial_state, dtype=dtype,
                                    sequence_length=sequence_length, scope=scope)
        return self._reverse(outputs, sequence_length), state


class LSTMBlockWrapper(FusedRNNCell):
    """The housekeeping of a fused LSTM (TF 1.15): zero initial state, masking past
    sequence_length and the final state at each sequence's end. Subclasses give
    `num_units`, `build(inputs_shape)` and `_call_cell(inputs, initial_cell_state,
    initial_output, dtype, sequence_length)` -> (cell states, outputs), both
    (time, batch, num_units). Like a TF1 layer it captures a variable scope on first use.

        outputs, (c, h) = gc.contrib.rnn.LSTMBlockFusedCell(8)(x_tm, dtype=gc.float32)
    """

    # a layer's scope handling, borrowed from RNNCell (a fused cell is no RNNCell)
    __init__ = RNNCell.__init__
    _set_scope, _scoped = RNNCell._set_scope, RNNCell._scoped
    add_variable = add_weight = RNNCell.add_variable
    dtype, name, scope_name = RNNCell.dtype, RNNCell.name, RNNCell.scope_name
    variables = weights = RNNCell.variables
    trainable_variables = trainable_weights = RNNCell.trainable_variables

    def _sub_cells(self):
        return []

    @property
    @abc.abstractmethod
    def num_units(self):
        """Number of units in this cell (output dimension)."""

    @abc.abstractmethod
    def _call_cell(self, inputs, initial_cell_state, initial_output, dtype, sequence_length):
        """(cell states, outputs), each (time, batch, num_units)."""

    def build(self, inputs_shape):
        self.built = True

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        """(outputs, LSTMStateTuple(c, h)) over time-major `inputs` (or a list of steps,
        then outputs is a list). A step at or past a sequence's length outputs zeros;
        the final state is each sequence's state at its last step."""
        is_list = isinstance(inputs, list)
        x = stack(inputs) if is_list else convert_to_tensor(inputs)
        if x.shape.rank != 3:
            raise errors.ShapeError(f"{type(self).__name__}: inputs must be (time, batch, "
                                    f"depth), got rank {x.shape.rank}\n  "
                                    + errors.describe_tensor(x, "inputs"))
        if not isinstance(x.shape._dims[2], int):
            raise ValueError(f"Expecting inputs_shape[2] to be set: {x.shape}")
        with self._scoped(scope, x.shape, x.dtype):
            outputs, state = self.call(x, initial_state, dtype, sequence_length)
        return (unstack(outputs) if is_list else outputs), state

    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        dims = inputs.shape._dims
        batch = dims[1] if isinstance(dims[1], int) else shape(inputs)[1]
        time_len = dims[0] if isinstance(dims[0], int) else shape(inputs)[0]
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            z = zeros([batch, self.num_units], dtype=dtype)
            initial_state = z, z
        else:
            if len(initial_state) != 2:
                raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
            initial_state = tuple(convert_to_tensor(s) for s in initial_state)
            dtype = dtype or initial_state[0].dtype
        c0, h0 = initial_state
        for s, what in ((c0, "initial cell state"), (h0, "initial output")):
            if s.dtype is not inputs.dtype:
                raise errors.DTypeError(
                    f"{type(self).__name__}: the {what} is {s.dtype.name} but the inputs are "
                    f"{inputs.dtype.name}; graphc never converts: use gc.cast\n  "
                    + errors.describe_tensor(s, what) + "\n  "
                    + errors.describe_tensor(inputs, "inputs"))
        if sequence_length is not None:
            sequence_length = E.cast(convert_to_tensor(sequence_length), dtypes.int32)
        cell_states, outputs = self._call_cell(inputs, c0, h0, dtype, sequence_length)
        if sequence_length is None:
            return outputs, LSTMStateTuple(cell_states[-1], outputs[-1])
        mask = transpose(sequence_mask(sequence_length, time_len, dtype=outputs.dtype), [1, 0])
        outputs = outputs * expand_dims(mask, -1)
        # index t + 1 of [initial, step 0, step 1, ...] is the state after step t
        where = stack([sequence_length, range_(batch)], axis=1)
        final_c = gather_nd(concat([c0[None], cell_states], 0), where)
        final_h = gather_nd(concat([h0[None], outputs], 0), where)
        return outputs, LSTMStateTuple(final_c, final_h)


class LSTMBlockFusedCell(LSTMBlockWrapper):
    """TF 1.15's LSTMBlockFusedCell: LSTMBlockCell's formulas over a whole time-major
    sequence in one call (TF's BlockLSTM kernel; here one loop over time).

        cell = gc.contrib.rnn.LSTMBlockFusedCell(16)      # 'lstm_fused_cell/kernel', '/bias'
        outputs, (c, h) = cell(x_tm, dtype=gc.float32, sequence_length=lengths)
    """

    def __init__(self, num_units, forget_bias=1.0, cell_clip=None, use_peephole=False,
                 reuse=None, dtype=None, name="lstm_fused_cell"):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = _units(num_units)
        self._forget_bias = forget_bias
        self._cell_clip = cell_clip if cell_clip is not None else -1
        self._use_peephole = use_peephole

    num_units = property(lambda self: self._num_units)

    def build(self, input_shape):
        depth, n = input_shape._dims[2], self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n], initializer=constant_initializer(0.0))
        if self._use_peephole:
            self._w_i_diag = self.add_variable("w_i_diag", [n])
            self._w_f_diag = self.add_variable("w_f_diag", [n])
            self._w_o_diag = self.add_variable("w_o_diag", [n])
        self.built = True

    def _call_cell(self, inputs, initial_cell_state=None, initial_output=None, dtype=None,
                   sequence_length=None):
        """(cs, h) over all steps: one scan, each step LSTMBlockCell's formulas."""
        peep = (self._w_i_diag, self._w_f_diag, self._w_o_diag) if self._use_peephole \
            else (None, None, None)

        def step(carry, x):
            _, cs, _, _, _, _, h = lstm_block_step(
                x, carry[0], carry[1], self._kernel, self._bias, *peep,
                forget_bias=self._forget_bias, cell_clip=self._cell_clip,
                use_peephole=self._use_peephole)
            return cs, h
        cs, h = scan(step, inputs, initializer=(initial_cell_state, initial_output))
        return cs, h
