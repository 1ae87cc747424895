"""tf.contrib.rnn's convolutional LSTM cells (TF 1.15 contrib/rnn/python/ops/rnn_cell.py):
ConvLSTMCell and its Conv1DLSTMCell, Conv2DLSTMCell, Conv3DLSTMCell.

    cell = gc.contrib.rnn.Conv2DLSTMCell(input_shape=[8, 8, 3], output_channels=16,
                                         kernel_shape=[3, 3])   # 'conv_2d_lstm_cell/kernel'
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)  # x: (batch, time, 8, 8, 3)

TF 1.15 makes the cell's 'kernel' and 'biases' with get_variable inside `call`; graphc
makes the same variables (names, shapes, initializers) in `build`, so the cells also run
inside dynamic_rnn's loop.
"""
from .. import errors
from ..initializers import zeros_initializer
from ..ops import elementwise as E
from ..ops.core import convert_to_tensor
from ..ops.join import concat, split
from ..ops.nn_misc import convolution
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell, flatten
from ..ops.rnn_cells import _units
from ..shapes import TensorShape, as_shape

__all__ = ["ConvLSTMCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell"]


class ConvLSTMCell(RNNCell):
    """A convolutional LSTM (Shi et al. 2015, TF 1.15's contrib cell). Inputs are
    (batch,) + input_shape, channels last; with conv(.) a "SAME" convolution of stride 1
    by `kernel` (kernel_shape + [in_channels + output_channels, 4 * output_channels]),
    plus `biases` (zeros) when use_bias:
    i, j, f, o = split(conv(concat([x, h], -1)), 4, -1);
    c' = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j); h' = tanh(c') * sigmoid(o),
    concatenated with x along the channels when skip_connection.

        cell = gc.contrib.rnn.ConvLSTMCell(1, input_shape=[10, 2], output_channels=4,
                                           kernel_shape=[3])
        out, state = cell(x_t, cell.zero_state(batch, gc.float32))   # x_t: (batch, 10, 2)

    The state is LSTMStateTuple(c, h), each (batch,) + input_shape[:-1] + [output_channels].
    As in TF, with skip_connection the new state's h is the output (with the input's
    channels too), so it no longer matches state_size: only one step can run.
    """

    def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape, use_bias=True,
                 skip_connection=False, forget_bias=1.0, initializers=None,
                 name="conv_lstm_cell"):
        super().__init__(name=name)
        input_shape = list(input_shape)
        if conv_ndims != len(input_shape) - 1:
            raise ValueError(f"Invalid input_shape {input_shape} for conv_ndims={conv_ndims}.")
        if len(kernel_shape) != conv_ndims:
            raise ValueError(f"kernel_shape {list(kernel_shape)} must have conv_ndims="
                             f"{conv_ndims} entries")
        self._conv_ndims = conv_ndims
        self._input_shape = input_shape
        self._output_channels = _units(output_channels, "output_channels")
        self._kernel_shape = [int(k) for k in kernel_shape]
        self._use_bias = use_bias
        self._forget_bias = forget_bias
        self._skip_connection = skip_connection
        total = output_channels + (input_shape[-1] if skip_connection else 0)
        size = TensorShape(input_shape[:-1] + [output_channels])
        self._state_size = LSTMStateTuple(size, size)
        self._output_size = TensorShape(input_shape[:-1] + [total])

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, inputs_shape):
        shape = as_shape(inputs_shape)
        depth = shape._dims[-1] if shape.rank else None
        if shape.rank != self._conv_ndims + 2 or not isinstance(depth, int):
            raise errors.ShapeError(
                f"{type(self).__name__}: expected inputs of rank {self._conv_ndims + 2} "
                f"(batch,) + input_shape with the channels known, saw shape: {shape}")
        n = self._output_channels
        self._kernel = self.add_variable(
            "kernel", self._kernel_shape + [depth + n, 4 * n])
        self._bias = self.add_variable("biases", [4 * n], initializer=zeros_initializer()) \
            if self._use_bias else None
        self._depth = depth
        self.built = True

    def _check(self, inputs, state):
        what = f"{type(self).__name__} '{self.scope_name}'"
        if inputs.shape.rank != self._conv_ndims + 2:
            raise errors.ShapeError(
                f"{what}: Conv Linear expects inputs of rank {self._conv_ndims + 2}, got rank "
                f"{inputs.shape.rank}\n  " + errors.describe_tensor(inputs, "inputs"))
        for s in flatten(state):
            if s.dtype is not inputs.dtype:
                raise errors.DTypeError(
                    f"{what}: the state is {s.dtype.name} but the inputs are "
                    f"{inputs.dtype.name}; graphc never converts: use gc.cast\n  "
                    + errors.describe_tensor(s, "state") + "\n  "
                    + errors.describe_tensor(inputs, "inputs"))
            if s.shape.rank != inputs.shape.rank:
                raise errors.ShapeError(
                    f"{what}: Conv Linear expects all args to be of same rank\n  "
                    + errors.describe_tensor(s, "state") + "\n  "
                    + errors.describe_tensor(inputs, "inputs"))

    def call(self, inputs, state):
        c, h = (convert_to_tensor(s) for s in state)
        self._check(inputs, (c, h))
        y = convolution(concat([inputs, h], self._conv_ndims + 1), self._kernel, "SAME")
        if self._bias is not None:
            y = y + self._bias
        i, j, f, o = split(y, 4, axis=self._conv_ndims + 1)
        new_c = E.sigmoid(f + self._forget_bias) * c + E.sigmoid(i) * E.tanh(j)
        out = E.tanh(new_c) * E.sigmoid(o)
        if self._skip_connection:
            out = concat([out, inputs], -1)
        return out, LSTMStateTuple(new_c, out)


class Conv1DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell with conv_ndims=1: inputs (batch, width, channels).

        cell = gc.contrib.rnn.Conv1DLSTMCell(input_shape=[10, 2], output_channels=4,
                                             kernel_shape=[3])    # 'conv_1d_lstm_cell/...'
    """

    def __init__(self, name="conv_1d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=1, name=name, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell with conv_ndims=2: inputs (batch, height, width, channels).

        cell = gc.contrib.rnn.Conv2DLSTMCell(input_shape=[8, 8, 3], output_channels=4,
                                             kernel_shape=[3, 3])   # 'conv_2d_lstm_cell/...'
    """

    def __init__(self, name="conv_2d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=2, name=name, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell with conv_ndims=3: inputs (batch, depth, height, width, channels).

        cell = gc.contrib.rnn.Conv3DLSTMCell(input_shape=[4, 4, 4, 1], output_channels=2,
                                             kernel_shape=[3, 3, 3])  # 'conv_3d_lstm_cell/...'
    """

    def __init__(self, name="conv_3d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=3, name=name, **kwargs)
