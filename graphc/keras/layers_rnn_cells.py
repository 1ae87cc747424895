"""The recurrent cells of gc.keras (SimpleRNNCell, LSTMCell, GRUCell, for
gc.keras.layers.RNN) and the step maths they share with SimpleRNN, LSTM and GRU.

    cell = gc.keras.layers.LSTMCell(8)
    out = gc.keras.layers.RNN(cell)(x)          # == LSTM(8)(x) with the same weights
"""
import graphc as gc
from . import activations
from . import initializers
from .engine import Layer

__all__ = ["SimpleRNNCell", "LSTMCell", "GRUCell"]


class _CellMath:
    """The weights of a recurrent step: `gates` blocks of `units` in kernel
    (in, gates*units) and recurrent_kernel (units, gates*units), and a bias."""
    gates, n_states = 1, 1
    unit_forget_bias, reset_after = False, False

    def _init_math(self, units, activation, recurrent_activation, use_bias,
                   kernel_initializer, recurrent_initializer, bias_initializer, regs):
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._regs = regs

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
        k_reg, r_reg, b_reg = self._regs
        width = self.gates * self.units
        self.kernel = self.add_weight("kernel", (input_dim, width),
                                      initializer=self.kernel_initializer, regularizer=k_reg)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=r_reg)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(),
                                        initializer=self._bias_init(), regularizer=b_reg)

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
        return config


def _simple_step(cell, z, states):
    """h = activation(z + h_prev . recurrent_kernel), z the projected input."""
    h = cell.activation(z + gc.matmul(states[0], cell.recurrent_kernel))
    return h, [h]


def _lstm_step(cell, z, states):
    """Gates i, f, c, o: c = f*c_prev + i*act(zc); h = o*act(c)."""
    h, c = states
    u = cell.units
    z = z + gc.matmul(h, cell.recurrent_kernel)
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
        inner = gc.matmul(h, cell.recurrent_kernel)
        if cell.use_bias:
            inner = inner + cell.bias[1]
        z = cell.recurrent_activation(z_in[:, :u] + inner[:, :u])
        r = cell.recurrent_activation(z_in[:, u:2 * u] + inner[:, u:2 * u])
        hh = cell.activation(z_in[:, 2 * u:] + r * inner[:, 2 * u:])
    else:
        rk = cell.recurrent_kernel
        z = cell.recurrent_activation(z_in[:, :u] + gc.matmul(h, rk[:, :u]))
        r = cell.recurrent_activation(z_in[:, u:2 * u] + gc.matmul(h, rk[:, u:2 * u]))
        hh = cell.activation(z_in[:, 2 * u:] + gc.matmul(r * h, rk[:, 2 * u:]))
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
                 dropout=0.0, recurrent_dropout=0.0, **kwargs):
        Layer.__init__(self, **kwargs)
        if dropout or recurrent_dropout:
            raise NotImplementedError(f"{type(self).__name__}: dropout and "
                                      f"recurrent_dropout are not supported")
        self._init_math(units, activation, recurrent_activation, use_bias,
                        kernel_initializer, recurrent_initializer, bias_initializer,
                        (kernel_regularizer, recurrent_regularizer, bias_regularizer))

    @property
    def state_size(self):
        return self.units if self.n_states == 1 else [self.units] * self.n_states

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        self._build_weights(int(input_shape[-1]))
        self.built = True

    def call(self, inputs, states, training=None):
        z = gc.matmul(inputs, self.kernel)
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
