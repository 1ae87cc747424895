"""Keras' ConvLSTM1D/2D/3D (tf_keras, graph mode): an LSTM whose input and recurrent
transforms are convolutions. Inputs (batch, time, *spatial, channels) (or
(batch, time, channels, *spatial) with channels_first); kernel (*kernel_size, in,
4 * filters) and recurrent_kernel (*kernel_size, filters, 4 * filters), gates i, f, c, o
in that order; the recurrent convolution has stride 1 and 'same' padding. Like
layers_rnn's LSTM, the input convolution runs once over the whole sequence before a
gc.scan over time; the layer computes channels-last and transposes at its edges.

    h = gc.keras.layers.ConvLSTM2D(8, 3, padding="same", return_sequences=True)(clips)
"""
import numpy as np

import graphc as gc
from . import activations
from . import backend as K
from . import initializers
from .layers_conv import _format, _padding, _tuple
from .layers_conv import conv_length
from .layers_conv_more import conv_last
from .layers_rnn import RNN
from .layers_rnn_cells import _dropout_masks

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]


class _ConvLSTM(RNN):
    """The ConvLSTMs of `rank` spatial dims (ConvRNN + ConvLSTMCell in tf_keras)."""
    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="hard_sigmoid",
                 use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, dropout=0.0,
                 recurrent_dropout=0.0, **kwargs):
        if kwargs.get("unroll"):
            raise ValueError("Unrolling is not possible with convolutional RNNs. "
                             "Received: unroll=True")
        kwargs.pop("unroll", None)
        if not kwargs.get("name"):
            kwargs["name"] = K.unique_name(f"conv_lstm{self.rank}d")
        super().__init__(None, return_sequences=return_sequences,
                         return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, activity_regularizer=activity_regularizer,
                         **kwargs)
        n = self.rank
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.padding = _padding(padding).lower()
        self.data_format = _format(data_format)
        self.dilation_rate = _tuple(dilation_rate, n, "dilation_rate")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias, self.unit_forget_bias = use_bias, unit_forget_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer, self.recurrent_regularizer, self.bias_regularizer = (
            kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self.kernel_constraint, self.recurrent_constraint, self.bias_constraint = (
            kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))

    @property
    def _state_sizes(self):
        return [self.filters, self.filters]

    # ---- layout --------------------------------------------------------------------
    def _split(self, dims):
        """(spatial, channels) of a per-step shape list (batch first)."""
        if self.data_format == "channels_first":
            return list(dims[2:]), dims[1]
        return list(dims[1:-1]), dims[-1]

    def _join(self, batch, spatial, channels):
        if self.data_format == "channels_first":
            return [batch, channels] + list(spatial)
        return [batch] + list(spatial) + [channels]

    def _out_spatial(self, spatial):
        return [conv_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]

    def _to_last(self, x):
        """A per-step tensor in the layer's layout -> channels-last."""
        if self.data_format == "channels_last":
            return x
        return gc.transpose(x, [0] + list(range(2, self.rank + 2)) + [1])

    def _to_layout(self, x, lead=1):
        """A channels-last tensor with `lead` leading axes -> the layer's layout."""
        if self.data_format == "channels_last":
            return x
        r = self.rank
        return gc.transpose(x, list(range(lead)) + [lead + r]
                            + list(range(lead, lead + r)))

    def compute_output_shape(self, input_shape):
        """The output shape (and the two state shapes with return_state).

            ConvLSTM2D(3, 2).compute_output_shape((None, 4, 6, 6, 1))  # (None, 5, 5, 3)
        """
        dims = gc.TensorShape(input_shape).as_list()
        spatial, _ = self._split([dims[0]] + dims[2:])
        state = self._join(dims[0], self._out_spatial(spatial), self.filters)
        out = state[:1] + [dims[1]] + state[1:] if self.return_sequences else state
        if self.return_state:
            return [gc.TensorShape(out), gc.TensorShape(state), gc.TensorShape(state)]
        return gc.TensorShape(out)

    # ---- weights -------------------------------------------------------------------
    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        f, base = self.filters, self.bias_initializer

        def init(shape, dtype=None, partition_info=None):
            return gc.concat([base((f,), dtype=dtype), gc.ones((f,), dtype=dtype),
                              base((2 * f,), dtype=dtype)], 0)
        return init

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        dims = input_shape.as_list() if input_shape.ndims is not None else None
        if dims is None or len(dims) != self.rank + 3:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the "
                             f"layer: expected ndim={self.rank + 3}, found shape "
                             f"{input_shape}")
        spatial, c = self._split([dims[0]] + dims[2:])
        if c is None:
            raise ValueError(f"The channel dimension of the inputs (last axis) to layer "
                             f"{self.name} should be defined. Found None. Full input "
                             f"shape received: input_shape={input_shape}")
        f4 = 4 * self.filters
        self.kernel = self.add_weight("kernel", self.kernel_size + (c, f4),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", self.kernel_size + (self.filters, f4),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (f4,), initializer=self._bias_init(),
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        if self.stateful:
            state = self._join(dims[0], self._out_spatial(spatial), self.filters)
            if any(d is None for d in state):
                raise ValueError(f"If a RNN is stateful, it needs to know its batch size "
                                 f"and the full shape of its inputs (layer {self.name}: "
                                 f"found {input_shape}). Specify a `batch_input_shape` "
                                 f"(Sequential) or a `batch_shape` (Input).")
            dtype = gc.as_dtype(self.variable_dtype or K.floatx())
            self._state_vars = [gc.Variable(np.zeros(state, dtype.np), trainable=False,
                                            name="Variable") for _ in range(2)]
        self.built = True

    # ---- calling -------------------------------------------------------------------
    def _recurrent(self, h):
        """The recurrent convolution (stride 1, 'same'), h times mask k for gate block
        k under recurrent dropout."""
        ones, masks, f = (1,) * self.rank, self._rec_masks, self.filters
        if masks is None:
            return conv_last(h, self.recurrent_kernel, ones, "same", ones)
        return gc.concat([conv_last(h * m, self.recurrent_kernel[..., k * f:(k + 1) * f],
                                    ones, "same", ones) for k, m in enumerate(masks)], -1)

    def _project(self, x, masks):
        """The input convolution of every step at once: (T, b, *sp, c) ->
        (T, b, *out_sp, 4 * filters), bias included; x times mask k (one (b, *sp, c)
        mask per sequence) for gate block k when masks are given."""
        dims, dyn = x.shape.as_list(), gc.shape(x)

        def steps(t):               # (T, b, ...) -> (T * b, ...)
            if all(d is not None for d in dims[2:]):
                return gc.reshape(t, [-1] + dims[2:])
            return gc.reshape(t, gc.concat([[-1], dyn[2:]], 0))
        args = (self.strides, self.padding, self.dilation_rate)
        if masks is None:
            out = conv_last(steps(x), self.kernel, *args)
        else:
            f = self.filters
            out = gc.concat([conv_last(steps(x * m), self.kernel[..., k * f:(k + 1) * f],
                                       *args) for k, m in enumerate(masks)], -1)
        if self.use_bias:
            out = gc.nn.bias_add(out, self.bias)
        out = gc.reshape(out, gc.concat([dyn[:2], gc.shape(out)[1:]], 0))
        out.set_shape(dims[:2] + self._out_spatial(dims[2:-1]) + [4 * self.filters])
        return out

    def _step(self, z, states):
        """Gates i, f, c, o: c = f*c_prev + i*act(zc); h = o*act(c)."""
        h, c = states
        z = z + self._recurrent(h)
        f = self.filters
        act, rec = self.activation, self.recurrent_activation
        i, fg, o = rec(z[..., :f]), rec(z[..., f:2 * f]), rec(z[..., 3 * f:])
        c_new = fg * c + i * act(z[..., 2 * f:3 * f])
        h_new = o * act(c_new)
        return h_new, [h_new, c_new]

    def _masked_step(self, carry, z, m_t):
        out, new = self._step(z, carry[1:])
        if m_t is not None:
            keep = gc.reshape(m_t, [-1] + [1] * (self.rank + 1))
            out = gc.where_v2(keep, out, carry[0])
            new = [gc.where_v2(keep, n, s) for n, s in zip(new, carry[1:])]
        return (out,) + tuple(new)

    def call(self, inputs, mask=None, training=None, initial_state=None):
        if isinstance(inputs, list):
            initial_state = initial_state or inputs[1:] or None
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        r = self.rank
        perm = ([1, 0] + list(range(3, r + 3)) + [2] if self.data_format == "channels_first"
                else [1, 0] + list(range(2, r + 3)))
        x = gc.transpose(inputs, perm)                     # (T, b, *sp, c)
        m = None if mask is None else gc.transpose(gc.cast(mask, gc.bool), [1, 0])
        if self.go_backwards:
            x = gc.reverse(x, [0])
            m = None if m is None else gc.reverse(m, [0])
        phase = self._training(training)
        dp = _dropout_masks(gc.ones_like(x[0]), self.dropout, 4, phase)
        proj = self._project(x, dp)
        zero = gc.zeros_like(proj[0][..., :self.filters])
        self._rec_masks = _dropout_masks(gc.ones_like(zero), self.recurrent_dropout, 4,
                                         phase)
        try:
            if initial_state is not None:
                states = [self._to_last(s) for s in initial_state]
                if len(states) != 2:
                    raise ValueError(f"Layer {self.name} expects 2 initial states, got "
                                     f"{len(states)}")
            elif self.stateful:
                states = [self._to_last(v) for v in self._read_states()]
            else:
                states = [zero, zero]
            first = (zero,) + tuple(states)
            if m is None:
                seq = gc.scan(lambda c, z: self._masked_step(c, z, None), proj,
                              initializer=first)
            else:
                seq = gc.scan(lambda c, e: self._masked_step(c, e[0], e[1]), (proj, m),
                              initializer=first)
        finally:
            self._rec_masks = None
        last_states = [self._to_layout(s[-1]) for s in seq[1:]]
        if self.stateful:
            self._assign_states(last_states)
        if self.return_sequences:
            result = self._to_layout(gc.transpose(seq[0], [1, 0] + list(range(2, r + 3))),
                                     lead=2)
        else:
            result = self._to_layout(seq[0][-1])
        return [result] + last_states if self.return_state else result

    def _config(self):
        return {"return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": False, "time_major": False,
                "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer":
                    initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "unit_forget_bias": self.unit_forget_bias, "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout}


class ConvLSTM1D(_ConvLSTM):
    """A ConvLSTM over (batch, time, steps, channels).

        gc.keras.layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True)
    """
    rank = 1


class ConvLSTM2D(_ConvLSTM):
    """A ConvLSTM over (batch, time, rows, cols, channels): kernel (kh, kw, in, 4 * f),
    recurrent_kernel (kh, kw, f, 4 * f), bias (4 * f,) ('conv_lstm2d/kernel:0').

        out, h, c = gc.keras.layers.ConvLSTM2D(8, 3, return_state=True)(clips)
    """
    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)


class ConvLSTM3D(_ConvLSTM):
    """A ConvLSTM over (batch, time, d, h, w, channels).

        gc.keras.layers.ConvLSTM3D(4, 3, padding="same")
    """
    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, **kwargs)
