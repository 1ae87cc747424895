"""tf.contrib.rnn's independently recurrent cells and SRU (TF 1.15): IndRNNCell,
IndyGRUCell, IndyLSTMCell and SRUCell. Their recurrent weights are vectors (a Hadamard
product with the state), so each unit sees only its own state.

    cell = gc.contrib.rnn.IndyLSTMCell(32)     # 'indy_lstm_cell/kernel_w', 'kernel_u', 'bias'
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)
"""
from ..initializers import constant_initializer, random_uniform_initializer, zeros_initializer
from ..ops import elementwise as E
from ..ops.join import concat, split
from ..ops.linalg import matmul
from ..ops.nn import bias_add
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell
from ..ops.rnn_cells import _activation, _check_step, _input_depth, _units
from ..ops.tile_reverse import tile

__all__ = ["IndRNNCell", "IndyGRUCell", "IndyLSTMCell", "SRUCell"]


def _u(cell, name, n):
    """A recurrent weight row (1, n), uniform in [-1, 1) (TF 1.15)."""
    return cell.add_variable(name, [1, n], initializer=random_uniform_initializer(-1, 1))


class _Cell(RNNCell):
    """num_units, activation (default tanh), reuse, name, dtype: what these cells share."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)


class IndRNNCell(_Cell):
    """The IndRNN (TF 1.15): out = new_state = act(x @ kernel_w + state * kernel_u + bias).

        cell = gc.contrib.rnn.IndRNNCell(16)   # kernel_w (depth, 16), kernel_u (1, 16), bias
    """

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel_w = self.add_variable("kernel_w", [depth, n])
        self._kernel_u = _u(self, "kernel_u", n)
        self._bias = self.add_variable("bias", [n], initializer=zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        out = self._activation(bias_add(matmul(inputs, self._kernel_w) + state * self._kernel_u,
                                        self._bias))
        return out, out


class IndyGRUCell(_Cell):
    """A GRU with diagonal recurrent weights (TF 1.15):
    r, u = sigmoid(x @ gates/kernel_w + [h, h] * gates/kernel_u + gates/bias);
    c = act(x @ candidate/kernel + r * h * candidate/kernel_u + candidate/bias);
    h' = u * h + (1 - u) * c.

        cell = gc.contrib.rnn.IndyGRUCell(16)      # gates/bias starts at 1.0
    """

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype)
        self._kernel_initializer, self._bias_initializer = kernel_initializer, bias_initializer

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        k_init, b_init = self._kernel_initializer, self._bias_initializer
        self._gate_w = self.add_variable("gates/kernel_w", [depth, 2 * n], initializer=k_init)
        self._gate_u = _u(self, "gates/kernel_u", 2 * n)
        self._gate_b = self.add_variable("gates/bias", [2 * n], initializer=b_init or
                                         constant_initializer(1.0))
        self._cand_w = self.add_variable("candidate/kernel", [depth, n], initializer=k_init)
        self._cand_u = _u(self, "candidate/kernel_u", n)
        self._cand_b = self.add_variable("candidate/bias", [n], initializer=b_init or
                                         zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        gates = matmul(inputs, self._gate_w) + tile(state, [1, 2]) * self._gate_u
        r, u = split(E.sigmoid(bias_add(gates, self._gate_b)), 2, axis=1)
        cand = matmul(inputs, self._cand_w) + r * state * self._cand_u
        c = self._activation(bias_add(cand, self._cand_b))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class IndyLSTMCell(_Cell):
    """A basic LSTM with diagonal recurrent weights (TF 1.15): i, j, f, o = split(x @
    kernel_w + [h, h, h, h] * kernel_u + bias); c' = c * sigmoid(f + forget_bias) +
    sigmoid(i) * act(j); h' = act(c') * sigmoid(o).

        cell = gc.contrib.rnn.IndyLSTMCell(16)
    """

    def __init__(self, num_units, forget_bias=1.0, activation=None, reuse=None,
                 kernel_initializer=None, bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype)
        self._forget_bias = forget_bias
        self._kernel_initializer, self._bias_initializer = kernel_initializer, bias_initializer

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel_w = self.add_variable("kernel_w", [depth, 4 * n],
                                           initializer=self._kernel_initializer)
        self._kernel_u = _u(self, "kernel_u", 4 * n)
        self._bias = self.add_variable("bias", [4 * n], initializer=self._bias_initializer or
                                       zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        c, h = state
        gates = matmul(inputs, self._kernel_w) + tile(h, [1, 4]) * self._kernel_u
        i, j, f, o = split(bias_add(gates, self._bias), 4, axis=1)
        new_c = c * E.sigmoid(f + self._forget_bias) + E.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * E.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class SRUCell(_Cell):
    """The Simple Recurrent Unit (TF 1.15): x_bar, f, r, x_tx = split(x @ kernel);
    f, r = sigmoid([f, r] + bias); c' = f * c + (1 - f) * x_bar;
    h = r * act(c') + (1 - r) * x_tx. The output is h, the state c'.

        cell = gc.contrib.rnn.SRUCell(16)      # 'sru_cell/kernel' (depth, 64), 'bias' (32,)
    """

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth, 4 * n])
        self._bias = self.add_variable("bias", [2 * n], initializer=zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        x_bar, f_in, r_in, x_tx = split(matmul(inputs, self._kernel), 4, axis=1)
        f, r = split(E.sigmoid(bias_add(concat([f_in, r_in], 1), self._bias)), 2, axis=1)
        c = f * state + (1.0 - f) * x_bar
        h = r * self._activation(c) + (1.0 - r) * x_tx
        return h, c
