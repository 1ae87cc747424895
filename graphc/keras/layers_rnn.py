"""Keras' recurrent layers SimpleRNN, GRU, LSTM and RNN(cell) in graph mode (TF 1.x
defaults: hard_sigmoid recurrent activation, GRU reset_after=False), run by gc.scan over
time (or unrolled), with masks, return_state, go_backwards and stateful=True.

    seq = gc.keras.layers.LSTM(32, return_sequences=True)(embedded)   # (batch, T, 32)
    last = gc.keras.layers.GRU(16)(seq)                                # (batch, 16)
"""
import numpy as np

import graphc as gc
from . import backend as K
from .engine import Layer, _flat
from .layers_rnn_cells import (GRUCell, LSTMCell, SimpleRNNCell,  # noqa: F401
                               _CellMath, _gru_step, _lstm_step, _simple_step)

__all__ = ["RNN", "SimpleRNN", "GRU", "LSTM", "SimpleRNNCell", "LSTMCell", "GRUCell"]


class RNN(Layer):
    """A recurrent layer over a cell (tf.keras.layers.RNN): `cell.state_size` (int or
    list) and `cell.call(inputs, states) -> (output, new_states)`.

        out = gc.keras.layers.RNN(gc.keras.layers.LSTMCell(8), return_sequences=True)(x)

    With a mask (from Embedding(mask_zero=True) or Masking) a masked step keeps the
    states and repeats the previous output (zeros before the first step; zeros
    everywhere masked with zero_output_for_mask=True). stateful=True keeps the last
    states of each batch in variables for the next one (a fixed batch size is needed:
    batch_input_shape); reset_states() zeroes them.
    """

    def __init__(self, cell=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, time_major=False,
                 zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if time_major:
            raise NotImplementedError("RNN(time_major=True) is not supported")
        if isinstance(cell, (list, tuple)):     # RNN([cells]): one StackedRNNCells
            from .layers_rnn_more import StackedRNNCells
            cell = StackedRNNCells(cell)
        self.cell = cell
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, stateful, unroll
        self.zero_output_for_mask = zero_output_for_mask
        self.supports_masking = True
        self._state_vars = None

    # ---- what a subclass defines --------------------------------------------------------
    @property
    def _state_sizes(self):
        return [int(s) for s in gc.nest.flatten(self.cell.state_size)]

    @property
    def _output_size(self):
        return int(getattr(self.cell, "output_size", None) or self._state_sizes[0])

    def _build_step(self, input_shape):
        cell = self.cell
        if not getattr(cell, "built", True):
            with gc.name_scope(cell.name):
                cell.build(gc.TensorShape([input_shape[0], input_shape[-1]]))
            cell.built = True

    def _project(self, x):
        """The inputs (time major) as each step receives them."""
        return x

    def _step(self, x_t, states):
        out, new = self.cell.call(x_t, list(states))
        return out, list(gc.nest.flatten(new))

    # ---- building and calling -------------------------------------------------------------
    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        dims = input_shape.as_list() if input_shape.ndims is not None else None
        if dims is None or len(dims) != 3 or dims[-1] is None:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the "
                             f"layer: expected ndim=3 with a known last dim, found "
                             f"shape {input_shape}")
        self._build_step(dims)
        if self.stateful:
            if dims[0] is None:
                raise ValueError(
                    "If a RNN is stateful, it needs to know its batch size. Specify the "
                    "batch size of your input tensors: - If using a Sequential model, "
                    "specify the batch size by passing a `batch_input_shape` argument "
                    "to your first layer. - If using the functional API, specify the "
                    "batch size by passing a `batch_shape` argument to your Input layer.")
            dtype = gc.as_dtype(self.variable_dtype or K.floatx())
            self._state_vars = [
                gc.Variable(np.zeros((dims[0], n), dtype.np), trainable=False,
                            name="Variable") for n in self._state_sizes]
        self.built = True

    @property
    def states(self):
        """The state variables of a stateful layer (else [None] per state)."""
        if self._state_vars is None:
            return [None] * len(self._state_sizes)
        return list(self._state_vars)

    def _read_states(self):
        """The state variables read in the compute dtype: under a mixed policy they
        stay in the variable dtype (float32) and each read is a cast, as in tf_keras."""
        cell = self if self.cell is None else self.cell
        dtype = gc.as_dtype(self.compute_dtype or cell.compute_dtype or K.floatx())
        # read_value: one read that the forward pass and its gradient share (a bare
        # variable is read again by each consumer, so the gradient, built after the
        # state's assign, would see the new state)
        return [v.read_value() if v.dtype == dtype else gc.cast(v, dtype)
                for v in self._state_vars]

    def _assign_states(self, new_states):
        """Add the updates that store `new_states` (cast to the variables' dtype)."""
        self.add_update([v.assign(s if s.dtype == v.dtype else gc.cast(s, v.dtype))
                         for v, s in zip(self._state_vars, new_states)])

    def reset_states(self, states=None):
        """Set a stateful layer's states to zeros (or to the given arrays).

            model.layers[0].reset_states()
        """
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        if self._state_vars is None:
            raise RuntimeError("The layer has never been called and thus has no states.")
        values = [np.zeros(v.shape.as_list(), v.dtype.np) for v in self._state_vars] \
            if states is None else [np.asarray(s) for s in _flat(states)]
        if len(values) != len(self._state_vars):
            raise ValueError(f"Layer {self.name} expects {len(self._state_vars)} "
                             f"states, but it received {len(values)} state values.")
        for v, a in zip(self._state_vars, values):
            if tuple(v.shape.as_list()) != a.shape:
                raise ValueError(f"State {v.name} is incompatible with the layer: "
                                 f"expected shape={tuple(v.shape.as_list())}, found "
                                 f"shape={a.shape}")
        K.batch_set_value(list(zip(self._state_vars, values)))

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, list):
            initial_state = initial_state or inputs[1:] or None
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        x = gc.transpose(inputs, [1, 0, 2])                     # time major
        m = None if mask is None else gc.transpose(gc.cast(mask, gc.bool), [1, 0])
        if self.go_backwards:
            x = gc.reverse(x, [0])
            m = None if m is None else gc.reverse(m, [0])
        cell = self if self.cell is None else self.cell
        dropping = getattr(cell, "dropout", 0) or getattr(cell, "recurrent_dropout", 0)
        if dropping:
            cell._make_masks(inputs[:, 0, :], self._training(training))
        try:
            return self._call_masked(inputs, x, m, initial_state)
        finally:
            if dropping:
                cell._dp_masks = cell._rec_masks = None

    def _call_masked(self, inputs, x, m, initial_state):
        proj = self._project(x)
        batch = gc.shape(inputs)[0]
        if initial_state is not None:
            states = tuple(_flat(initial_state))
            if len(states) != len(self._state_sizes):
                raise ValueError(f"Layer {self.name} expects {len(self._state_sizes)} "
                                 f"initial states, got {len(states)}")
        elif self.stateful:
            states = tuple(self._read_states())
        else:
            states = tuple(gc.zeros(gc.stack([batch, n]), inputs.dtype)
                           for n in self._state_sizes)
        zero_out = gc.zeros(gc.stack([batch, self._output_size]), inputs.dtype)
        outputs, last, last_states = self._run(proj, m, states, zero_out)
        if self.stateful:
            self._assign_states(last_states)
        result = outputs if self.return_sequences else last
        if self.return_state:
            return [result] + list(last_states)
        return result

    def _masked_step(self, carry, x_t, m_t):
        out, new = self._step(x_t, carry[1:])
        if m_t is not None:
            keep = gc.expand_dims(m_t, -1)
            prev = gc.zeros_like(out) if self.zero_output_for_mask else carry[0]
            out = gc.where_v2(keep, out, prev)
            new = [gc.where_v2(keep, n, s) for n, s in zip(new, carry[1:])]
        return (out,) + tuple(new)

    def _run(self, proj, m, states, zero_out):
        """(outputs (batch, T, units), last output, last states) over time-major proj."""
        first = (zero_out,) + states
        if self.unroll:
            steps = proj.shape.as_list()[0]
            if steps is None:
                raise ValueError("Cannot unroll a RNN if the time dimension is undefined."
                                 " - If using a Sequential model, specify the time "
                                 "dimension by passing an `input_shape` or "
                                 "`batch_input_shape` argument to your first layer.")
            xs = gc.unstack(proj, axis=0)
            ms = [None] * steps if m is None else gc.unstack(m, axis=0)
            carry, outs = first, []
            for x_t, m_t in zip(xs, ms):
                carry = self._masked_step(carry, x_t, m_t)
                outs.append(carry[0])
            return gc.stack(outs, axis=1), carry[0], list(carry[1:])
        if m is None:
            seq = gc.scan(lambda c, x_t: self._masked_step(c, x_t, None), proj,
                          initializer=first)
        else:
            seq = gc.scan(lambda c, e: self._masked_step(c, e[0], e[1]), (proj, m),
                          initializer=first)
        outputs = gc.transpose(seq[0], [1, 0, 2])
        return outputs, seq[0][-1], [s[-1] for s in seq[1:]]

    def compute_output_shape(self, input_shape):
        """(batch, time, units) with return_sequences, else (batch, units); with
        return_state a list, the state shapes (batch, size) after the output's."""
        if isinstance(input_shape, list) and input_shape \
                and isinstance(input_shape[0], (list, tuple, gc.TensorShape)):
            input_shape = input_shape[0]
        dims = gc.TensorShape(input_shape).as_list()
        out = gc.TensorShape(dims[:2] + [self._output_size] if self.return_sequences
                             else [dims[0], self._output_size])
        if self.return_state:
            return [out] + [gc.TensorShape([dims[0], n]) for n in self._state_sizes]
        return out

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, list):
            mask = mask[0]
        out = mask if self.return_sequences else None
        if self.return_state:
            return [out] + [None] * len(self._state_sizes)
        return out

    def _config(self):
        config = {"return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards,
                  "stateful": self.stateful, "unroll": self.unroll}
        if self.zero_output_for_mask:
            config["zero_output_for_mask"] = True
        if type(self) is RNN:
            config["cell"] = {"class_name": type(self.cell).__name__,
                              "config": self.cell.get_config()}
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "cell" in config:
            from .saving_config import layer_from_config
            config["cell"] = layer_from_config(config["cell"], custom_objects)
        return cls(**config)


class _Fused(_CellMath, RNN):
    """SimpleRNN/LSTM/GRU: the layer holds the weights (TF1's names 'lstm/kernel:0')
    and projects the whole sequence by the kernel once, before the scan."""
    gates, n_states, step_fn = 1, 1, None

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, implementation=1, **kwargs):
        RNN.__init__(self, None, activity_regularizer=activity_regularizer, **kwargs)
        self._init_math(units, activation, recurrent_activation, use_bias,
                        kernel_initializer, recurrent_initializer, bias_initializer,
                        (kernel_regularizer, recurrent_regularizer, bias_regularizer),
                        (kernel_constraint, recurrent_constraint, bias_constraint),
                        dropout, recurrent_dropout, implementation)

    @property
    def _state_sizes(self):
        return [self.units] * self.n_states

    @property
    def _output_size(self):
        return self.units

    def _build_step(self, dims):
        self._build_weights(dims[-1])

    def _project(self, x):
        masks = self._dp_masks
        if masks is None:
            proj = gc.tensordot(x, self.kernel, [[2], [0]])
        elif len(masks) == 1:
            proj = gc.tensordot(x * masks[0], self.kernel, [[2], [0]])
        else:      # implementation=1: gate k sees the inputs times mask k
            u = self.units
            proj = gc.concat([gc.tensordot(x * m, self.kernel[:, k * u:(k + 1) * u],
                                           [[2], [0]]) for k, m in enumerate(masks)], -1)
        if self.use_bias:
            proj = proj + self._input_bias()
        return proj

    def _step(self, x_t, states):
        return type(self).step_fn(self, x_t, states)

    def _config(self):
        return dict(self._math_config(), **super()._config())


class SimpleRNN(_Fused):
    """h_t = activation(x_t . kernel + h_{t-1} . recurrent_kernel + bias).

        gc.keras.layers.SimpleRNN(8, return_sequences=True)
    """
    gates, n_states, step_fn = 1, 1, _simple_step

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)


class LSTM(_Fused):
    """The LSTM of TF1 Keras: gates i, f, c, o in that order of the kernels' columns,
    recurrent_activation hard_sigmoid, unit_forget_bias (forget bias starts at 1).

        out, h, c = gc.keras.layers.LSTM(16, return_state=True)(x)
    """
    gates, n_states, step_fn = 4, 2, _lstm_step

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias


class GRU(_Fused):
    """The GRU of TF1 Keras: gates z, r, h; reset_after=False (TF1's default) applies
    the reset gate before the recurrent kernel, reset_after=True after it (bias (2, 3u)).

        gc.keras.layers.GRU(16, return_sequences=True)
    """
    gates, n_states, step_fn = 3, 1, _gru_step

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after

