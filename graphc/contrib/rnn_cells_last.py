"""The last of tf.contrib.rnn's cells (TF 1.15 contrib/rnn/python/ops/rnn_cell.py):
LayerNormBasicGRUCell, LayerNormLSTMCell, WeightNormLSTMCell, MinimalRNNCell and CFNCell
(NTMCell: rnn_ntm.py).

    cell = gc.contrib.rnn.LayerNormLSTMCell(32, layer_norm=True)
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)

TF 1.15 makes most of these variables with get_variable inside `call`; graphc makes the
same ones (names, shapes, initializers, order) in `build`, so the cells also run inside
dynamic_rnn's loop. Formulas are TF 1.15's.
"""
import contextlib

from ..initializers import zeros_initializer
from ..keras import initializers as keras_initializers
from ..ops import elementwise as E
from ..ops.broadcast import clip_by_value
from ..ops.join import concat, split
from ..ops.linalg import matmul
from ..ops.nn import bias_add
from ..ops.nn_extra import l2_normalize
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell
from ..ops.rnn_cells import _activation, _check_step, _input_depth, _units
from ..ops.scope import variable_scope
from .rnn_cells_more import _layer_norm, _norm_vars

__all__ = ["LayerNormBasicGRUCell", "LayerNormLSTMCell", "WeightNormLSTMCell",
           "MinimalRNNCell", "CFNCell"]


def _clip(x, clip):
    return x if clip is None else clip_by_value(x, -clip, clip)


class LayerNormBasicGRUCell(RNNCell):
    """A GRU with layer normalization before its nonlinearities (TF 1.15):
    z = sigmoid(ln_update_gate([x, h] @ update_gate/kernel)),
    r = sigmoid(ln_reset_gate([x, h] @ reset_gate/kernel)),
    h' = (1 - z) * h + z * act(ln(x @ candidate_linear_x/kernel)
                                + r * ln(h @ candidate_linear_h/kernel)).
    With layer_norm=False the four norms are replaced by the '<scope>/bias' variables.

        cell = gc.contrib.rnn.LayerNormBasicGRUCell(16)   # 'update_gate/gamma', ...
    """

    def __init__(self, num_units, activation=None, layer_norm=True, norm_gain=1.0,
                 norm_shift=0.0, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)
        self._layer_norm = layer_norm
        self._g, self._b = norm_gain, norm_shift

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    _SCOPES = ("update_gate", "reset_gate", "candidate_linear_x", "candidate_linear_h")

    def build(self, inputs_shape):
        d, n = _input_depth(self, inputs_shape), self._num_units
        self._norms = {s: _norm_vars(self, s, n, self._g, self._b) for s in self._SCOPES} \
            if self._layer_norm else {}
        rows = {"update_gate": d + n, "reset_gate": d + n, "candidate_linear_x": d,
                "candidate_linear_h": n}
        self._kernels = {s: self.add_variable(f"{s}/kernel", [rows[s], n])
                         for s in self._SCOPES}
        self._biases = {} if self._layer_norm else \
            {s: self.add_variable(f"{s}/bias", [n]) for s in self._SCOPES}
        self.built = True

    def _part(self, x, scope):
        y = matmul(x, self._kernels[scope])
        return _layer_norm(y, *self._norms[scope]) if self._layer_norm \
            else bias_add(y, self._biases[scope])

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        args = concat([inputs, state], 1)
        z = E.sigmoid(self._part(args, "update_gate"))
        r = E.sigmoid(self._part(args, "reset_gate"))
        candidate = self._activation(self._part(inputs, "candidate_linear_x")
                                     + r * self._part(state, "candidate_linear_h"))
        new_h = (1.0 - z) * state + z * candidate
        return new_h, new_h


class _ProjectedLSTM(RNNCell):
    """What LayerNormLSTMCell and WeightNormLSTMCell share: LSTMStateTuple(c, m) with m of
    num_proj (or num_units) columns, optional peepholes, cell_clip and proj_clip."""

    def __init__(self, num_units, use_peepholes, cell_clip, initializer, num_proj,
                 proj_clip, forget_bias, activation, reuse):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip, self._proj_clip = cell_clip, proj_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._forget_bias = forget_bias
        self._activation = _activation(activation)

    state_size = property(lambda self: LSTMStateTuple(self._num_units,
                                                      self._num_proj or self._num_units))
    output_size = property(lambda self: self._num_proj or self._num_units)

    def _peepholes(self, prefix=""):
        n = self._num_units
        return [self.add_variable(f"{prefix}w_{g}_diag", [n], initializer=self._initializer)
                for g in "fio"] if self._use_peepholes else None

    def _lstm(self, gates, c, norm=lambda x, scope: x):
        """TF's LSTM update from the split gates: (new_c, m before the projection)."""
        i, j, f, o = gates
        act, sig = self._activation, E.sigmoid
        if self._diag:
            wf, wi, wo = self._diag
            new_c = c * sig(f + self._forget_bias + wf * c) + sig(i + wi * c) * act(j)
        else:
            new_c = c * sig(f + self._forget_bias) + sig(i) * act(j)
        new_c = _clip(norm(new_c, "state"), self._cell_clip)
        m = sig(o + wo * new_c if self._diag else o) * act(new_c)
        return new_c, m


class LayerNormLSTMCell(_ProjectedLSTM):
    """An LSTM (peepholes, cell clipping, projection as LSTMCell) with optional layer
    normalization (TF 1.15): i, j, f, o = split([x, m] @ kernel (+ bias without
    layer_norm)), each normed ('input', 'transform', 'forget', 'output');
    c' = ln_state(sigmoid(f + forget_bias (+ w_f_diag * c)) * c
                  + sigmoid(i (+ w_i_diag * c)) * act(j)), clipped;
    m = sigmoid(o (+ w_o_diag * c')) * act(c') (@ projection/kernel, clipped).

        cell = gc.contrib.rnn.LayerNormLSTMCell(16, layer_norm=True, num_proj=8)

    As in TF, `bias` is made (zeros) also with layer_norm=True, where it is unused.
    """

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, forget_bias=1.0, activation=None,
                 layer_norm=False, norm_gain=1.0, norm_shift=0.0, reuse=None):
        super().__init__(num_units, use_peepholes, cell_clip, initializer, num_proj,
                         proj_clip, forget_bias, activation, reuse)
        self._layer_norm = layer_norm
        self._norm_gain, self._norm_shift = norm_gain, norm_shift

    def build(self, inputs_shape):
        d, n = _input_depth(self, inputs_shape), self._num_units
        init, p = self._initializer, self._num_proj or self._num_units
        self._kernel = self.add_variable("kernel", [d + p, 4 * n], initializer=init)
        self._bias = self.add_variable("bias", [4 * n], initializer=zeros_initializer())
        self._norms = {}
        gates = ("input", "transform", "forget", "output")
        if self._layer_norm:
            for s in gates:
                self._norms[s] = _norm_vars(self, s, n, self._norm_gain, self._norm_shift)
        self._diag = self._peepholes()
        if self._layer_norm:
            self._norms["state"] = _norm_vars(self, "state", n, self._norm_gain,
                                              self._norm_shift)
        self._proj = self.add_variable("projection/kernel", [n, self._num_proj],
                                       initializer=init) if self._num_proj else None
        self.built = True

    def _norm(self, x, scope):
        return _layer_norm(x, *self._norms[scope]) if self._layer_norm else x

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        c, m = state
        y = matmul(concat([inputs, m], 1), self._kernel)
        y = y if self._layer_norm else bias_add(y, self._bias)
        gates = [self._norm(g, s) for g, s in
                 zip(split(y, 4, axis=1), ("input", "transform", "forget", "output"))]
        new_c, m = self._lstm(gates, c, self._norm)
        if self._proj is not None:
            m = _clip(matmul(m, self._proj), self._proj_clip)
        return m, LSTMStateTuple(new_c, m)


class WeightNormLSTMCell(_ProjectedLSTM):
    """An LSTM with weight normalization (Salimans & Kingma 2016; TF 1.15): the kernel's
    rows for the inputs and for m are each l2-normalized per column and scaled by 'norm_0'
    and 'norm_1' (norm=False: LSTMCell's plain kernel); i, j, f, o = split([x, m] @ W + bias),
    c' = c * sigmoid(f + forget_bias (+ w_f_diag * c)) + sigmoid(i (+ w_i_diag * c)) * act(j),
    m' = sigmoid(o (+ w_o_diag * c')) * act(c') (@ the normalized projection/kernel).

        cell = gc.contrib.rnn.WeightNormLSTMCell(16)  # 'wn_lstm_cell/wn_lstm_cell/kernel'

    As TF 1.15's, the cell's scope is always 'wn_lstm_cell' (never made unique) and the
    variables live in a second 'wn_lstm_cell' scope inside it.
    """

    def __init__(self, num_units, norm=True, use_peepholes=False, cell_clip=None,
                 initializer=None, num_proj=None, proj_clip=None, forget_bias=1,
                 activation=None, reuse=None):
        super().__init__(num_units, use_peepholes, cell_clip, initializer, num_proj,
                         proj_clip, forget_bias, activation, reuse)
        self._norm = norm

    def _set_scope(self, scope=None):
        # TF 1.15 sets the layer's _scope to the plain string 'wn_lstm_cell'
        if self._scope is None:
            with contextlib.ExitStack() as stack:
                if scope is not None:
                    stack.enter_context(variable_scope(scope))
                with variable_scope("wn_lstm_cell") as captured:
                    pass
            self._scope = captured

    def _normalized(self, prefix, row_splits, cols):
        """prefix + 'kernel', its row blocks l2-normalized per column times 'norm_<i>'."""
        init = self._initializer
        w = self.add_variable(prefix + "kernel", [sum(row_splits), cols], initializer=init)
        if not self._norm:
            return w
        parts, start = [], 0
        for i, rows in enumerate(row_splits):
            g = self.add_variable(f"{prefix}norm_{i}", [cols], initializer=init)
            parts.append(l2_normalize(w[start:start + rows, :], axis=0) * g)
            start += rows
        return concat(parts, 0) if len(parts) > 1 else parts[0]

    def build(self, inputs_shape):
        d, n = _input_depth(self, inputs_shape), self._num_units
        p = self._num_proj or n
        self._kernel = self._normalized("wn_lstm_cell/", [d, p], 4 * n)
        self._bias = self.add_variable("wn_lstm_cell/bias", [4 * n],
                                       initializer=zeros_initializer())
        self._diag = self._peepholes("wn_lstm_cell/")
        self._proj = self._normalized("wn_lstm_cell/projection/", [n], self._num_proj) \
            if self._num_proj else None
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        c, m = state
        gates = split(bias_add(matmul(concat([inputs, m], 1), self._kernel), self._bias), 4,
                      axis=1)
        new_c, m = self._lstm(gates, c)
        if self._proj is not None:
            m = _clip(matmul(m, self._proj), self._proj_clip)
        return m, LSTMStateTuple(new_c, m)


class _KerasStyleCell(RNNCell):
    """units, activation ('tanh'), kernel_initializer ('glorot_uniform'),
    bias_initializer ('ones'), name, dtype: what MinimalRNNCell and CFNCell share."""

    def __init__(self, units, activation="tanh", kernel_initializer="glorot_uniform",
                 bias_initializer="ones", name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.units = _units(units, "units")
        self.activation = _activation(activation)
        self.kernel_initializer = keras_initializers.get(kernel_initializer)
        self.bias_initializer = keras_initializers.get(bias_initializer)

    state_size = property(lambda self: self.units)
    output_size = property(lambda self: self.units)


class MinimalRNNCell(_KerasStyleCell):
    """The MinimalRNN (Chen, Pennington & Schoenholz 2018; TF 1.15): z = act(x @ W_x);
    u = sigmoid([z, h] @ [W; V] + bias); h' = u * h + (1 - u) * z, with kernel holding
    W_x, W and V stacked by rows: (depth + 2 * units, units).

        cell = gc.contrib.rnn.MinimalRNNCell(16)        # 'minimal_rnn_cell/kernel', 'bias'
    """

    def build(self, inputs_shape):
        d, u = _input_depth(self, inputs_shape), self.units
        self.kernel = self.add_variable("kernel", [d + 2 * u, u],
                                        initializer=self.kernel_initializer)
        self.bias = self.add_variable("bias", [u], initializer=self.bias_initializer)
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        d = self._input_depth
        feedforward = self.activation(matmul(inputs, self.kernel[:d]))
        u = E.sigmoid(bias_add(matmul(concat([feedforward, state], 1), self.kernel[d:]),
                               self.bias))
        new_h = u * state + (1.0 - u) * feedforward
        return new_h, new_h


class CFNCell(_KerasStyleCell):
    """The chaos-free network (Laurent & von Brecht 2017; TF 1.15):
    theta, eta = split(sigmoid(h @ recurrent_kernel + x @ V + bias));
    h' = theta * act(h) + (1 - eta) * act(x @ W), with kernel = [V, W]: (depth, 3 * units).

        cell = gc.contrib.rnn.CFNCell(16)     # 'cfn_cell/kernel', 'recurrent_kernel', 'bias'
    """

    def build(self, inputs_shape):
        d, u = _input_depth(self, inputs_shape), self.units
        self.kernel = self.add_variable("kernel", [d, 3 * u],
                                        initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_variable("recurrent_kernel", [u, 2 * u],
                                                  initializer=self.kernel_initializer)
        self.bias = self.add_variable("bias", [2 * u], initializer=self.bias_initializer)
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        u = self.units
        gates = E.sigmoid(bias_add(matmul(state, self.recurrent_kernel)
                                   + matmul(inputs, self.kernel[:, :2 * u]), self.bias))
        theta, eta = split(gates, 2, axis=1)
        proj_input = matmul(inputs, self.kernel[:, 2 * u:])
        new_h = theta * self.activation(state) + (1.0 - eta) * self.activation(proj_input)
        return new_h, new_h
