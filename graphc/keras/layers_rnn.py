"""Keras' recurrent layers SimpleRNN, GRU and LSTM in graph mode (TF 1.x defaults:
hard_sigmoid recurrent activation, GRU reset_after=False), run by gc.scan over time.

    seq = gc.keras.layers.LSTM(32, return_sequences=True)(embedded)   # (batch, T, 32)
    last = gc.keras.layers.GRU(16)(seq)                                # (batch, 16)
"""
import graphc as gc
from . import activations
from . import initializers
from .engine import Layer

__all__ = ["SimpleRNN", "GRU", "LSTM"]


class _RNN(Layer):
    """A recurrent layer: `gates` blocks of `units` in kernel (in, gates*units) and
    recurrent_kernel (units, gates*units); `_step` maps (x_t projected, states) to
    (output, new states)."""
    gates, n_states = 1, 1

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if dropout or recurrent_dropout or stateful:
            raise NotImplementedError(f"{type(self).__name__}: dropout, recurrent_dropout "
                                      f"and stateful are not supported")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._regs = (kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.unroll = go_backwards, unroll

    def _bias_shape(self):
        return (self.gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        dims = input_shape.as_list() if input_shape.ndims is not None else None
        if dims is None or len(dims) != 3 or dims[-1] is None:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the "
                             f"layer: expected ndim=3 with a known last dim, found "
                             f"shape {input_shape}")
        k_reg, r_reg, b_reg = self._regs
        width = self.gates * self.units
        self.kernel = self.add_weight("kernel", (dims[-1], width),
                                      initializer=self.kernel_initializer, regularizer=k_reg)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width),
                                                initializer=self.recurrent_initializer,
                                                regularizer=r_reg)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", self._bias_shape(),
                                        initializer=self._bias_init(), regularizer=b_reg)
        self.built = True

    def _input_bias(self):
        return self.bias

    def call(self, inputs, initial_state=None, training=None, mask=None):
        if mask is not None:
            raise NotImplementedError("RNN masks are not supported")
        x = gc.transpose(inputs, [1, 0, 2])                     # time major
        if self.go_backwards:
            x = gc.reverse(x, [0])
        proj = gc.tensordot(x, self.kernel, [[2], [0]])
        if self.use_bias:
            proj = proj + self._input_bias()
        if initial_state is None:
            zeros = gc.zeros(gc.stack([gc.shape(inputs)[0], self.units]), inputs.dtype)
            states = (zeros,) * self.n_states
        else:
            states = tuple(initial_state) if isinstance(initial_state, (list, tuple)) \
                else (initial_state,)

        def step(carry, x_t):
            out, new = self._step(x_t, carry[1:])
            return (out,) + tuple(new)
        first = (states[0],) + states
        seq = gc.scan(step, proj, initializer=first)
        outputs = gc.transpose(seq[0], [1, 0, 2])
        last_states = [s[-1] for s in seq[1:]]
        result = outputs if self.return_sequences else seq[0][-1]
        if self.return_state:
            return [result] + last_states
        return result

    def _config(self):
        return {"units": self.units, "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias, "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards}


class SimpleRNN(_RNN):
    """h_t = activation(x_t . kernel + h_{t-1} . recurrent_kernel + bias).

        gc.keras.layers.SimpleRNN(8, return_sequences=True)
    """
    gates, n_states = 1, 1

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def _step(self, x_t, states):
        h = self.activation(x_t + gc.matmul(states[0], self.recurrent_kernel))
        return h, [h]


class LSTM(_RNN):
    """The LSTM of TF1 Keras: gates i, f, c, o in that order of the kernels' columns,
    recurrent_activation hard_sigmoid, unit_forget_bias (forget bias starts at 1).

        out, h, c = gc.keras.layers.LSTM(16, return_state=True)(x)
    """
    gates, n_states = 4, 2

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        u, base = self.units, self.bias_initializer

        def init(shape, dtype=None, partition_info=None):
            return gc.concat([base((u,), dtype=dtype), gc.ones((u,), dtype=dtype),
                              base((2 * u,), dtype=dtype)], 0)
        return init

    def _step(self, x_t, states):
        h, c = states
        u = self.units
        z = x_t + gc.matmul(h, self.recurrent_kernel)
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        c_new = f * c + i * self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
        h_new = o * self.activation(c_new)
        return h_new, [h_new, c_new]


class GRU(_RNN):
    """The GRU of TF1 Keras: gates z, r, h; reset_after=False (TF1's default) applies
    the reset gate before the recurrent kernel, reset_after=True after it (bias (2, 3u)).

        gc.keras.layers.GRU(16, return_sequences=True)
    """
    gates, n_states = 3, 1

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        return self.bias[0] if self.reset_after else self.bias

    def _step(self, x_t, states):
        h = states[0]
        u = self.units
        if self.reset_after:
            inner = gc.matmul(h, self.recurrent_kernel)
            if self.use_bias:
                inner = inner + self.bias[1]
            z = self.recurrent_activation(x_t[:, :u] + inner[:, :u])
            r = self.recurrent_activation(x_t[:, u:2 * u] + inner[:, u:2 * u])
            hh = self.activation(x_t[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            rk = self.recurrent_kernel
            z = self.recurrent_activation(x_t[:, :u] + gc.matmul(h, rk[:, :u]))
            r = self.recurrent_activation(x_t[:, u:2 * u] + gc.matmul(h, rk[:, u:2 * u]))
            hh = self.activation(x_t[:, 2 * u:] + gc.matmul(r * h, rk[:, 2 * u:]))
        h_new = z * h + (1.0 - z) * hh
        return h_new, [h_new]

    def _config(self):
        return dict(super()._config(), reset_after=self.reset_after)
