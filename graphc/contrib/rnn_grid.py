"""tf.contrib.rnn's time-frequency and grid LSTM cells (TF 1.15
contrib/rnn/python/ops/rnn_cell.py): TimeFreqLSTMCell, GridLSTMCell and
BidirectionalGridLSTMCell.

    cell = gc.contrib.rnn.GridLSTMCell(4, feature_size=2, frequency_skip=1,
                                       num_frequency_blocks=[3])    # inputs (batch, 4)
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)

Both cut each step's inputs (batch, depth) into frequency slices of feature_size columns,
`frequency_skip` apart, and run an LSTM along them (the frequency direction) as well as
along time. TF 1.15 makes the variables with get_variable inside `call`; graphc makes the
same ones (names, shapes, initializers) in `build`, so the cells also run inside
dynamic_rnn's loop.
"""
import collections

from .. import errors
from ..initializers import zeros_initializer
from ..ops import elementwise as E
from ..ops.broadcast import clip_by_value
from ..ops.core import convert_to_tensor
from ..ops.creation import zeros_like
from ..ops.join import concat, split
from ..ops.linalg import matmul
from ..ops.nn import bias_add
from ..ops.slice_pad import pad
from ..ops.rnn_cell_base import RNNCell
from ..ops.rnn_cells import _input_depth, _units
from .rnn_cells_more import _sharded

__all__ = ["TimeFreqLSTMCell", "GridLSTMCell", "BidirectionalGridLSTMCell"]


def _slices(x, starts, size):
    """x[:, s:s + size] for each s."""
    return [x[:, s:s + size] for s in starts]


def _clip(c, clip):
    return c if clip is None else clip_by_value(c, -clip, clip)


class TimeFreqLSTMCell(RNNCell):
    """A time-frequency LSTM (Sainath & Li 2016, TF 1.15): for each frequency slice
    x_k = inputs[:, k * frequency_skip : k * frequency_skip + feature_size], k = 0..K-1,
    i, j, f, o = split([x_k, m_k(t-1), m_{k-1}(t)] @ W_0 + B) (m_{-1} = 0);
    c_k = sigmoid(f + forget_bias (+ W_F_diag * c_k(t-1))) * c_k(t-1)
          + sigmoid(i (+ W_I_diag * c_k(t-1))) * tanh(j), clipped to cell_clip;
    m_k = sigmoid(o (+ W_O_diag * c_k)) * tanh(c_k).
    The output is [m_0, ..., m_{K-1}] and the state one tensor [c_0, m_0, c_1, m_1, ...].

        cell = gc.contrib.rnn.TimeFreqLSTMCell(8, feature_size=2, frequency_skip=1)
        m, state = cell(x_t, gc.zeros([3, 2 * 8 * 3]))      # x_t: (3, 4), so K = 3

    As in TF, state_size is 2 * num_units and output_size num_units whatever K is: pass
    the initial state (batch, 2 * num_units * K) yourself. `initializer` is unused, as TF's.
    """

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_unit_shards=1, forget_bias=1.0, feature_size=None, frequency_skip=1,
                 reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._shards = num_unit_shards
        self._forget_bias = forget_bias
        self._feature_size = feature_size
        self._frequency_skip = frequency_skip

    state_size = property(lambda self: 2 * self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        if self._feature_size is None:
            raise ValueError("TimeFreqLSTMCell needs feature_size")
        k = int((depth - self._feature_size) / self._frequency_skip) + 1
        self._starts = [f * self._frequency_skip for f in range(k)]
        self._w = _sharded(self, "W", [self._feature_size + 2 * n, 4 * n], self._shards)
        self._b = self.add_variable("B", [4 * n], initializer=zeros_initializer())
        self._diag = [self.add_variable(f"W_{g}_diag", [n]) for g in "FIO"] \
            if self._use_peepholes else None
        self.built = True

    def call(self, inputs, state):
        state = convert_to_tensor(state)
        _check_inputs(self, inputs, state)
        n, sig = self._num_units, E.sigmoid
        m_freq, outs, states = None, [], []
        for k, x in enumerate(_slices(inputs, self._starts, self._feature_size)):
            c_prev, m_prev = state[:, 2 * k * n:(2 * k + 1) * n], \
                state[:, (2 * k + 1) * n:(2 * k + 2) * n]
            m_freq = zeros_like(m_prev) if m_freq is None else m_freq
            i, j, f, o = split(bias_add(matmul(concat([x, m_prev, m_freq], 1), self._w),
                                        self._b), 4, axis=1)
            if self._diag:
                wf, wi, wo = self._diag
                c = sig(f + self._forget_bias + wf * c_prev) * c_prev \
                    + sig(i + wi * c_prev) * E.tanh(j)
            else:
                c = sig(f + self._forget_bias) * c_prev + sig(i) * E.tanh(j)
            c = _clip(c, self._cell_clip)
            m = sig(o + self._diag[2] * c if self._diag else o) * E.tanh(c)
            m_freq = m
            outs.append(m)
            states += [c, m]
        return concat(outs, 1), concat(states, 1)


def _check_inputs(cell, inputs, state):
    what = f"{type(cell).__name__} '{cell.scope_name}'"
    if inputs.shape.rank != 2:
        raise errors.ShapeError(f"{what}: inputs must be (batch, depth)\n  "
                                + errors.describe_tensor(inputs, "inputs"))
    for s in (state if isinstance(state, tuple) else (state,)):
        s = convert_to_tensor(s)
        if s.dtype is not inputs.dtype:
            raise errors.DTypeError(
                f"{what}: the state is {s.dtype.name} but the inputs are "
                f"{inputs.dtype.name}; graphc never converts: use gc.cast\n  "
                + errors.describe_tensor(s, "state") + "\n  "
                + errors.describe_tensor(inputs, "inputs"))


class GridLSTMCell(RNNCell):
    """A grid LSTM along time and frequency (Kalchbrenner et al. 2016; peepholes as Sainath
    & Li 2016), TF 1.15's. The inputs are cut into blocks (start_freqindex_list /
    end_freqindex_list, or one block over all columns) of num_frequency_blocks[b] slices
    each; for slice k of block b, with x_k the slice and gates from
    [x_k, m_time_k(t-1), m_freq_{k-1}(t)] @ W_f_b + B_f_b (frequency LSTM) and @ W_t_b + B_t_b
    (time LSTM; the same weights with share_time_frequency_weights):
    c_freq = f_f * c_freq_{k-1} + i_f * tanh(j_f), c_time = f_t * c_time(t-1) + i_t * tanh(j_t)
    (f = 1 - i with couple_input_forget_gates; peepholes read c_freq_{k-1} and
    c_time(t-1), the output gates c_freq and c_time); m = sigmoid(o) * tanh(c).
    The output is [m_time_0, m_freq_0, m_time_1, ...], the state (c_time_k, m_time_k) per
    slice: a namedtuple with fields 'state_fKK_bBB_c', '..._m' (or one concatenated tensor).

        cell = gc.contrib.rnn.GridLSTMCell(4, feature_size=2, frequency_skip=1,
                                           num_frequency_blocks=[3])
        out, state = cell(x_t, cell.zero_state(batch, gc.float32))    # x_t: (batch, 4)

    `initializer` is unused, as TF's. As in TF, with state_is_tuple=False every block
    reads the state's first slices.
    """

    def __init__(self, num_units, use_peepholes=False, share_time_frequency_weights=False,
                 cell_clip=None, initializer=None, num_unit_shards=1, forget_bias=1.0,
                 feature_size=None, frequency_skip=None, num_frequency_blocks=None,
                 start_freqindex_list=None, end_freqindex_list=None,
                 couple_input_forget_gates=False, state_is_tuple=True, reuse=None):
        super().__init__(_reuse=reuse)
        if num_frequency_blocks is None:
            raise ValueError("Must specify num_frequency_blocks")
        self._num_units = n = _units(num_units)
        self._use_peepholes = use_peepholes
        self._share = share_time_frequency_weights
        self._couple = couple_input_forget_gates
        self._state_is_tuple = state_is_tuple
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._shards = num_unit_shards
        self._forget_bias = forget_bias
        self._feature_size = feature_size
        self._frequency_skip = frequency_skip
        self._num_frequency_blocks = [int(b) for b in num_frequency_blocks]
        self._start_freqindex_list = start_freqindex_list
        self._end_freqindex_list = end_freqindex_list
        self._total_blocks = sum(self._num_frequency_blocks)
        self._set_state_type("state", "GridLSTMStateTuple", 1)
        self._output_size = n * self._total_blocks * 2

    def _set_state_type(self, prefix, type_name, directions):
        prefixes = [p for p in ([prefix] if directions == 1 else ["fwd_" + prefix,
                                                                  "bwd_" + prefix])]
        names = [f"{p}_f{f:02d}_b{b:02d}_{cm}" for p in prefixes
                 for b, nb in enumerate(self._num_frequency_blocks) for f in range(nb)
                 for cm in "cm"]
        if self._state_is_tuple:
            self._state_tuple_type = collections.namedtuple(type_name, names)
            self._state_size = self._state_tuple_type(*[self._num_units] * len(names))
        else:
            self._state_tuple_type = None
            self._state_size = self._num_units * len(names)

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)
    state_tuple_type = property(lambda self: self._state_tuple_type)

    def _block_starts(self, depth, offset=0):
        """[[column where slice k of block b starts]] (TF's _make_tf_features)."""
        fs, skip = self._feature_size, self._frequency_skip
        if not self._start_freqindex_list:
            if len(self._num_frequency_blocks) != 1:
                raise ValueError(f"Length of num_frequency_blocks is not 1, but instead is "
                                 f"{len(self._num_frequency_blocks)}")
            ranges = [(0, depth)]
        else:
            if len(self._start_freqindex_list) != len(self._end_freqindex_list):
                raise ValueError("Length of start and end freqindex_list does not match "
                                 f"{len(self._start_freqindex_list)} "
                                 f"{len(self._end_freqindex_list)}")
            if len(self._num_frequency_blocks) != len(self._start_freqindex_list):
                raise ValueError("Length of num_frequency_blocks is not equal to "
                                 f"start_freqindex_list {len(self._num_frequency_blocks)} "
                                 f"{len(self._start_freqindex_list)}")
            ranges = list(zip(self._start_freqindex_list, self._end_freqindex_list))
        starts = []
        for (lo, hi), want in zip(ranges, self._num_frequency_blocks):
            k = int((hi - lo - fs) / skip) + 1
            if k != want:
                raise ValueError(f"Invalid num_frequency_blocks, requires {want} but gets "
                                 f"{k}, please check the input size and filter config are "
                                 "correct.")
            starts.append([lo + offset + f * skip for f in range(k)])
        return starts

    def _block_vars(self, b, prefix=""):
        """W_f_b, B_f_b (W_t_b, B_t_b) and the peepholes of block b, in TF's order; prefix
        'fwd/' or 'bwd/' for the bidirectional cell's sub-scopes."""
        n, gates = self._num_units, 3 if self._couple else 4
        shape = [self._feature_size + 2 * n, gates * n]
        v = {"wf": _sharded(self, f"{prefix}W_f_{b}", shape, self._shards),
             "bf": self.add_variable(f"{prefix}B_f_{b}", [gates * n],
                                     initializer=zeros_initializer())}
        if not self._share:
            v["wt"] = _sharded(self, f"{prefix}W_t_{b}", shape, self._shards)
            v["bt"] = self.add_variable(f"{prefix}B_t_{b}", [gates * n],
                                        initializer=zeros_initializer())
        if self._use_peepholes:
            names = [("F", "freq")] * (not self._couple) + [("I", "freq"), ("O", "freq")]
            if not self._share:
                names += [("F", "time")] * (not self._couple) + [("I", "time"), ("O", "time")]
            for g, d in names:
                for src in "ft":
                    v[g + d + src] = self.add_variable(f"{prefix}W_{g}_diag_{d}{src}_{b}", [n])
        return v

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        self._starts = self._block_starts(depth)
        self._vars = [self._block_vars(b) for b in range(len(self._starts))]
        self.built = True

    def _gates(self, v, which, x, peep):
        """sigmoid'd input and forget gates, tanh'd input and raw output gate of one
        LSTM ('freq' or 'time'); peep = (c_freq_prev, c_time_prev)."""
        w, b = (v["wf"], v["bf"]) if which == "freq" or self._share else (v["wt"], v["bt"])
        parts = split(bias_add(matmul(x, w), b), 3 if self._couple else 4, axis=1)
        i, o = parts[0], parts[-1]
        d = "freq" if self._share else which
        if self._use_peepholes:
            i = i + v["I" + d + "f"] * peep[0] + v["I" + d + "t"] * peep[1]
        i = E.sigmoid(i)
        if self._couple:
            f = 1.0 - i
        else:
            f = parts[2] + self._forget_bias
            if self._use_peepholes:
                f = f + v["F" + d + "f"] * peep[0] + v["F" + d + "t"] * peep[1]
            f = E.sigmoid(f)
        return i, f, E.tanh(parts[1]), o, d

    def _output(self, v, o, d, c, c_freq, c_time):
        if self._use_peepholes:
            o = o + v["O" + d + "f"] * c_freq + v["O" + d + "t"] * c_time
        return E.sigmoid(o) * E.tanh(c)

    def _run_block(self, inputs, b, starts, v, state, prefix):
        """TF's _compute: the outputs and new states of block b's slices."""
        n, outs, states = self._num_units, [], []
        m_freq = c_freq = None
        for k, x in enumerate(_slices(inputs, starts, self._feature_size)):
            if self._state_is_tuple:
                c_time = getattr(state, f"{prefix}_f{k:02d}_b{b:02d}_c")
                m_time = getattr(state, f"{prefix}_f{k:02d}_b{b:02d}_m")
            else:
                c_time = state[:, 2 * k * n:(2 * k + 1) * n]
                m_time = state[:, (2 * k + 1) * n:(2 * k + 2) * n]
            if m_freq is None:
                m_freq = c_freq = zeros_like(m_time)
            cell_in = concat([x, m_time, m_freq], 1)
            i, f, j, o_f, d_f = self._gates(v, "freq", cell_in, (c_freq, c_time))
            new_c_freq = _clip(f * c_freq + i * j, self._cell_clip)
            i, f, j, o_t, d_t = self._gates(v, "time", cell_in, (c_freq, c_time))
            new_c_time = _clip(f * c_time + i * j, self._cell_clip)
            m_freq = self._output(v, o_f, d_f, new_c_freq, new_c_freq, new_c_time)
            m_time = self._output(v, o_t, d_t, new_c_time, new_c_freq, new_c_time)
            c_freq = new_c_freq
            states += [new_c_time, m_time]
            outs += [m_time, m_freq]
        return outs, states

    def _pack(self, outs, states):
        state = self._state_tuple_type(*states) if self._state_is_tuple \
            else concat(states, 1)
        return concat(outs, 1), state

    def call(self, inputs, state):
        state = state if isinstance(state, tuple) else convert_to_tensor(state)
        _check_inputs(self, inputs, state)
        outs, states = [], []
        for b, (starts, v) in enumerate(zip(self._starts, self._vars)):
            o, s = self._run_block(inputs, b, starts, v, state, "state")
            outs += o
            states += s
        return self._pack(outs, states)


class BidirectionalGridLSTMCell(GridLSTMCell):
    """GridLSTMCell run along the frequency slices both ways (TF 1.15): the forward pass as
    GridLSTMCell's with variables under 'fwd/', then a backward pass over each block's
    slices in reverse order with its own variables under 'bwd/' (the time direction stays
    causal). backward_slice_offset shifts the backward slices that many columns (the
    inputs padded with zeros at the end, or at the front when negative). The output is
    [forward outputs, backward outputs] (4 * num_units per slice), the state a
    'BidirectionalGridLSTMStateTuple' with fields 'fwd_state_fKK_bBB_c', ...,
    'bwd_state_fKK_bBB_m' (bwd_state_f00 belongs to a block's last slice).

        cell = gc.contrib.rnn.BidirectionalGridLSTMCell(4, feature_size=2, frequency_skip=1,
                                                        num_frequency_blocks=[3])
        out, state = cell(x_t, cell.zero_state(batch, gc.float32))  # out: (batch, 48)

    The state is always a tuple, as TF's.
    """

    def __init__(self, num_units, use_peepholes=False, share_time_frequency_weights=False,
                 cell_clip=None, initializer=None, num_unit_shards=1, forget_bias=1.0,
                 feature_size=None, frequency_skip=None, num_frequency_blocks=None,
                 start_freqindex_list=None, end_freqindex_list=None,
                 couple_input_forget_gates=False, backward_slice_offset=0, reuse=None):
        super().__init__(num_units, use_peepholes, share_time_frequency_weights, cell_clip,
                         initializer, num_unit_shards, forget_bias, feature_size,
                         frequency_skip, num_frequency_blocks, start_freqindex_list,
                         end_freqindex_list, couple_input_forget_gates, True, reuse)
        self._backward_slice_offset = int(backward_slice_offset)
        self._set_state_type("state", "BidirectionalGridLSTMStateTuple", 2)
        self._output_size = 4 * self._num_units * self._total_blocks

    def build(self, inputs_shape):
        depth, off = _input_depth(self, inputs_shape), self._backward_slice_offset
        self._starts = self._block_starts(depth)
        # TF pads the inputs and slices from `off` (end padding) or from 0 (front padding)
        self._bwd_starts = [s[::-1] for s in self._block_starts(depth, max(off, 0))]
        self._vars = [self._block_vars(b, "fwd/") for b in range(len(self._starts))]
        self._bwd_vars = [self._block_vars(b, "bwd/") for b in range(len(self._starts))]
        self.built = True

    def call(self, inputs, state):
        _check_inputs(self, inputs, state)
        off = self._backward_slice_offset
        bwd_inputs = inputs if off == 0 else \
            pad(inputs, [[0, 0], [0, off]] if off > 0 else [[0, 0], [-off, 0]])
        outs, states = [], []
        for prefix, x, all_starts, all_vars in (
                ("fwd_state", inputs, self._starts, self._vars),
                ("bwd_state", bwd_inputs, self._bwd_starts, self._bwd_vars)):
            for b, (starts, v) in enumerate(zip(all_starts, all_vars)):
                o, s = self._run_block(x, b, starts, v, state, prefix)
                outs += o
                states += s
        return self._pack(outs, states)
