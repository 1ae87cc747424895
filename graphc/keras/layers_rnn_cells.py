"""The recurrent cells of gc.keras (SimpleRNNCell, LSTMCell, GRUCell, for
gc.keras.layers.RNN) and the step maths they share with SimpleRNN, LSTM and GRU.

    cell = gc.keras.layers.LSTMCell(8)
    out = gc.keras.layers.RNN(cell)(x)          # == LSTM(8)(x) with the same weights
"""
import numpy as np

import graphc as gc
from . import activations
from . import backend as K
from . import initializers
from .engine import Layer

__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell"]


class _CellMath:
    """The weights of a recurrent step: `gates` blocks of `units` in kernel
    (in, gates*units) and recurrent_kernel (units, gates*units), and a bias."""
    gates, n_states = 1, 1
    unit_forget_bias, reset_after = False, False

    def _init_math(self, units, activation, recurrent_activation, use_bias,
                   kernel_initializer, recurrent_initializer, bias_initializer, regs,
                   cons=(None, None, None), dropout=0.0, recurrent_dropout=0.0,
                   implementation=1):
        self.units = int(units)
        self.kernel_regularizer, self.recurrent_regularizer, self.bias_regularizer = regs
        self.kernel_constraint, self.recurrent_constraint, self.bias_constraint = cons
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.implementation = implementation
        self._dp_masks = self._rec_masks = None
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def _bias_shape(self):
        if self.reset_after:
            return (2, 3 * self.units)
        return (self.gates * self.units,)

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        u, base = self.units, self.bias_initializer

        def init(shape, dtype=None, partition_info=None):
            return gc.concat([base((u,), dtype=dtype), gc.ones((u,), dtype=dtype),
                              base((2 * u,), dtype=dtype)], 0)
        return init

    def _build_weights(self, input_dim):
        width = self.gates * self.units
        self.kernel = self.add_weight("kernel", (input_dim, width),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(),
                                        initializer=self._bias_init(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _make_masks(self, x0, training):
        """TF's RNN dropout: one mask per sequence (shared by all steps), one per gate
        with implementation=1, else one; x0 is the first step's inputs (batch, in)."""
        count = self.gates if self.implementation == 1 else 1
        h0 = gc.ones(gc.stack([gc.shape(x0)[0], self.units]), x0.dtype)
        self._dp_masks = _dropout_masks(gc.ones_like(x0), self.dropout, count, training)
        self._rec_masks = _dropout_masks(h0, self.recurrent_dropout, count, training)

    def _masked_matmul(self, x, masks, w):
        """x . w, with x times mask k for column block k when masks are given."""
        if masks is None:
            return gc.matmul(x, w)
        if len(masks) == 1:
            return gc.matmul(x * masks[0], w)
        u = self.units
        return gc.concat([gc.matmul(x * m, w[:, k * u:(k + 1) * u])
                          for k, m in enumerate(masks)], axis=-1)

    def _input_bias(self):
        return self.bias[0] if self.reset_after else self.bias

    def _math_config(self):
        config = {"units": self.units,
                  "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias,
                  "kernel_initializer": initializers.serialize(self.kernel_initializer),
                  "recurrent_initializer":
                      initializers.serialize(self.recurrent_initializer),
                  "bias_initializer": initializers.serialize(self.bias_initializer)}
        if self.gates > 1:
            config["recurrent_activation"] = activations.serialize(
                self.recurrent_activation)
        if self.gates == 4:
            config["unit_forget_bias"] = self.unit_forget_bias
        if self.gates == 3:
            config["reset_after"] = self.reset_after
        config.update(dropout=self.dropout, recurrent_dropout=self.recurrent_dropout)
        if self.gates > 1:
            config["implementation"] = self.implementation
        return config


def _dropout_masks(ones, rate, count, training):
    """`count` masks dropout(ones, rate) in the training phase (ones otherwise), or
    None when rate is 0."""
    if not rate:
        return None
    if isinstance(training, (bool, int, np.bool_)):
        return [gc.nn.dropout(ones, rate=rate) if training else ones
                for _ in range(count)]
    return [gc.cond(training, lambda: gc.nn.dropout(ones, rate=rate), lambda: ones)
            for _ in range(count)]


def _rec(cell, k):
    """The recurrent dropout mask of gate block k (None without recurrent dropout)."""
    masks = cell._rec_masks
    if masks is None:
        return None
    return masks[k] if len(masks) > 1 else masks[0]


def _drop(h, mask):
    return h if mask is None else h * mask


def _simple_step(cell, z, states):
    """h = activation(z + h_prev . recurrent_kernel), z the projected input."""
    h = cell.activation(z + gc.matmul(_drop(states[0], _rec(cell, 0)),
                                      cell.recurrent_kernel))
    return h, [h]


def _lstm_step(cell, z, states):
    """Gates i, f, c, o: c = f*c_prev + i*act(zc); h = o*act(c)."""
    h, c = states
    u = cell.units
    z = z + cell._masked_matmul(h, cell._rec_masks, cell.recurrent_kernel)
    i = cell.recurrent_activation(z[:, :u])
    f = cell.recurrent_activation(z[:, u:2 * u])
    c_new = f * c + i * cell.activation(z[:, 2 * u:3 * u])
    o = cell.recurrent_activation(z[:, 3 * u:])
    h_new = o * cell.activation(c_new)
    return h_new, [h_new, c_new]


def _gru_step(cell, z_in, states):
    """Gates z, r, h; h = z*h_prev + (1-z)*hh (reset before or after the kernel)."""
    h = states[0]
    u = cell.units
    if cell.reset_after:
        inner = cell._masked_matmul(h, cell._rec_masks, cell.recurrent_kernel)
        if cell.use_bias:
            inner = inner + cell.bias[1]
        z = cell.recurrent_activation(z_in[:, :u] + inner[:, :u])
        r = cell.recurrent_activation(z_in[:, u:2 * u] + inner[:, u:2 * u])
        hh = cell.activation(z_in[:, 2 * u:] + r * inner[:, 2 * u:])
    else:
        rk = cell.recurrent_kernel
        hz, hr, hh_in = (_drop(h, _rec(cell, k)) for k in range(3))
        z = cell.recurrent_activation(z_in[:, :u] + gc.matmul(hz, rk[:, :u]))
        r = cell.recurrent_activation(z_in[:, u:2 * u] + gc.matmul(hr, rk[:, u:2 * u]))
        hh = cell.activation(z_in[:, 2 * u:] + gc.matmul(r * hh_in, rk[:, 2 * u:]))
    h_new = z * h + (1.0 - z) * hh
    return h_new, [h_new]


class _Cell(_CellMath, Layer):
    """A cell: call(inputs, states) -> (output, new states) for one time step."""
    step_fn = None

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, implementation=1, **kwargs):
        Layer.__init__(self, **kwargs)
        self._init_math(units, activation, recurrent_activation, use_bias,
                        kernel_initializer, recurrent_initializer, bias_initializer,
                        (kernel_regularizer, recurrent_regularizer, bias_regularizer),
                        (kernel_constraint, recurrent_constraint, bias_constraint),
                        dropout, recurrent_dropout, implementation)

    @property
    def state_size(self):
        return self.units if self.n_states == 1 else [self.units] * self.n_states

    @property
    def output_size(self):
        return self.units

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """Zero states (tf_keras): one (batch, units) tensor, or a list for an LSTM;
        the batch and dtype from `inputs` when given (what tf.nn.dynamic_rnn asks)."""
        if inputs is not None:
            batch_size, dtype = gc.shape(inputs)[0], dtype or inputs.dtype
        zeros = [gc.zeros(gc.stack([batch_size, self.units]) if isinstance(
            batch_size, gc.Tensor) else [batch_size, self.units], dtype or K.floatx())
            for _ in range(self.n_states)]
        return zeros[0] if self.n_states == 1 else zeros

    def build(self, input_shape):
        self._build_weights(int(input_shape[-1]))
        self.built = True

    def call(self, inputs, states, training=None):
        """One step; without masks from the RNN layer (_make_masks), dropout makes
        fresh masks for this step."""
        fresh = self._dp_masks is None and self._rec_masks is None and \
            (self.dropout or self.recurrent_dropout)
        if fresh:
            self._make_masks(inputs, self._training(training))
        try:
            return self._step_call(inputs, states)
        finally:
            if fresh:
                self._dp_masks = self._rec_masks = None

    def _step_call(self, inputs, states):
        z = self._masked_matmul(inputs, self._dp_masks, self.kernel)
        if self.use_bias:
            z = z + self._input_bias()
        out, new = type(self).step_fn(self, z, list(states))
        return out, new

    def _config(self):
        return self._math_config()


class SimpleRNNCell(_Cell):
    """The step of SimpleRNN: gc.keras.layers.RNN(gc.keras.layers.SimpleRNNCell(8))."""
    gates, n_states, step_fn = 1, 1, _simple_step


class LSTMCell(_Cell):
    """The step of LSTM (TF1 defaults: hard_sigmoid, unit_forget_bias).

        gc.keras.layers.RNN(gc.keras.layers.LSTMCell(8), return_state=True)
    """
    gates, n_states, step_fn = 4, 2, _lstm_step

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias


class GRUCell(_Cell):
    """The step of GRU (TF1 defaults: hard_sigmoid, reset_after=False)."""
    gates, n_states, step_fn = 3, 1, _gru_step

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after
