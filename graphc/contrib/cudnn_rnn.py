"""tf.contrib.cudnn_rnn (TF 1.15) on the CPU: the cuDNN-compatible cells and the
CudnnLSTM / CudnnGRU / CudnnRNNTanh / CudnnRNNRelu layers. See docs/contrib-cudnn-rnn.md.

    lstm = cudnn_rnn.CudnnLSTM(num_layers=2, num_units=16)
    outputs, (h, c) = lstm(x)            # x time-major: (time, batch, depth)

TF keeps a layer's weights in one opaque cuDNN blob ('cudnn_lstm/opaque_kernel') and saves
them under TF canonical names. graphc has no cuDNN: a layer makes those canonical
variables themselves (e.g. 'cudnn_lstm/rnn/multi_rnn_cell/cell_0/
cudnn_compatible_lstm_cell/kernel') and runs the compatible cells over time, so its
checkpoint keys are the ones TF's saveable writes.
"""
from .. import dtypes, errors
from ..initializers import constant_initializer, zeros_initializer
from ..layers_base import Layer
from ..ops import elementwise as E
from ..ops.array import transpose
from ..ops.join import concat, split, stack, unstack
from ..ops.linalg import matmul
from ..ops.nn import bias_add, dropout as _dropout
from ..ops.reverse_sequence import reverse_sequence
from ..ops.rnn import dynamic_rnn
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell
from ..ops.rnn_cells import GRUCell, _check_step, _input_depth, _units
from ..ops.scope import variable_scope
from ..ops.tile_reverse import reverse
from ..shapes import TensorShape
from .rnn_block import LSTMBlockCell

__all__ = ["CudnnCompatibleLSTMCell", "CudnnCompatibleGRUCell", "CudnnLSTM", "CudnnGRU",
           "CudnnRNNTanh", "CudnnRNNRelu", "CUDNN_RNN_UNIDIRECTION", "CUDNN_RNN_BIDIRECTION",
           "CUDNN_LSTM", "CUDNN_GRU", "CUDNN_RNN_TANH", "CUDNN_RNN_RELU",
           "CUDNN_INPUT_LINEAR_MODE", "CUDNN_INPUT_SKIP_MODE", "CUDNN_INPUT_AUTO_MODE",
           "CUDNN_LSTM_PARAMS_PER_LAYER", "CUDNN_GRU_PARAMS_PER_LAYER",
           "CUDNN_RNN_TANH_PARAMS_PER_LAYER", "CUDNN_RNN_RELU_PARAMS_PER_LAYER"]

CUDNN_RNN_UNIDIRECTION, CUDNN_RNN_BIDIRECTION = "unidirectional", "bidirectional"
CUDNN_LSTM, CUDNN_GRU, CUDNN_RNN_TANH, CUDNN_RNN_RELU = "lstm", "gru", "rnn_tanh", "rnn_relu"
CUDNN_INPUT_LINEAR_MODE, CUDNN_INPUT_SKIP_MODE = "linear_input", "skip_input"
CUDNN_INPUT_AUTO_MODE = "auto_select"
CUDNN_LSTM_PARAMS_PER_LAYER, CUDNN_GRU_PARAMS_PER_LAYER = 8, 6
CUDNN_RNN_TANH_PARAMS_PER_LAYER = CUDNN_RNN_RELU_PARAMS_PER_LAYER = 2


class CudnnCompatibleLSTMCell(LSTMBlockCell):
    """TF 1.15's CudnnCompatibleLSTMCell: an LSTMBlockCell with forget_bias 0, no peepholes
    and no clipping, whose 'cudnn_compatible_lstm_cell/kernel' and '.../bias' are
    CudnnLSTM's canonical weights (gates i, j, f, o; bias = cuDNN's input + recurrent bias).

        cell = cudnn_rnn.CudnnCompatibleLSTMCell(16)
        outputs, (c, h) = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)
    """

    def __init__(self, num_units, reuse=None, name="cudnn_compatible_lstm_cell"):
        super().__init__(num_units, forget_bias=0, cell_clip=None, use_peephole=False,
                         reuse=reuse, name=name)
        self._bias_initializer = None       # the CudnnLSTM layer sets its own

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = self.add_variable(
            "bias", [4 * n], initializer=self._bias_initializer or constant_initializer(0.0))
        self.built = True


class CudnnCompatibleGRUCell(GRUCell):
    """TF 1.15's CudnnCompatibleGRUCell, cuDNN's GRU (the reset gate is applied after the
    recurrent matmul, which has its own bias):

        r, u = split(sigmoid([x, h] @ gates/kernel + gates/bias))
        c = tanh(x @ candidate/input_projection/kernel + candidate/input_projection/bias
                 + r * (h @ candidate/hidden_projection/kernel
                        + candidate/hidden_projection/bias))
        h' = u * h + (1 - u) * c

        cell = cudnn_rnn.CudnnCompatibleGRUCell(16)     # gates/bias starts at 1.0
    """

    def __init__(self, num_units, reuse=None, kernel_initializer=None,
                 name="cudnn_compatible_gru_cell"):
        super().__init__(num_units, reuse=reuse, kernel_initializer=kernel_initializer,
                         name=name)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        k_init, b_init = self._kernel_initializer, self._bias_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n],
                                              initializer=k_init)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n], initializer=b_init or constant_initializer(1.0))
        proj = []
        for part, rows in (("input", depth), ("hidden", n)):
            kernel = self.add_variable(f"candidate/{part}_projection/kernel", [rows, n],
                                       initializer=k_init)
            bias = self.add_variable(f"candidate/{part}_projection/bias", [n],
                                     initializer=b_init or zeros_initializer())
            proj.append((kernel, bias))
        self._input_projection, self._hidden_projection = proj
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        gates = E.sigmoid(bias_add(matmul(concat([inputs, state], 1), self._gate_kernel),
                                   self._gate_bias))
        r, u = split(gates, 2, axis=1)
        hi = bias_add(matmul(inputs, self._input_projection[0]), self._input_projection[1])
        hh = bias_add(matmul(state, self._hidden_projection[0]), self._hidden_projection[1])
        c = E.tanh(hi + r * hh)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class _CudnnCompatibleRNNCell(RNNCell):
    """cuDNN's plain RNN, h' = act([x, h] @ kernel + bias), with BasicRNNCell's variable
    names ('basic_rnn_cell/kernel', '.../bias'), as TF's saveable names them."""

    def __init__(self, num_units, activation, name="basic_rnn_cell"):
        super().__init__(name=name)
        self._num_units, self._act = _units(num_units), activation
        self._bias_initializer = None

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, n])
        self._bias = self.add_variable("bias", [n],
                                       initializer=self._bias_initializer or zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        h = self._act(bias_add(matmul(concat([inputs, state], 1), self._kernel), self._bias))
        return h, h


class _CudnnRNN(Layer):
    """The CudnnLSTM / CudnnGRU / CudnnRNNTanh / CudnnRNNRelu layer (TF 1.15), on the CPU.

    Call it on time-major inputs (time, batch, depth); it returns (outputs, states):
    outputs (time, batch, num_dirs * num_units), states a tuple ((h, c) for the LSTM,
    (h,) otherwise) of (num_layers * num_dirs, batch, num_units) tensors, ordered layer by
    layer, forward before backward.
    """

    _rnn_mode = None
    _num_params_per_layer = None

    def __init__(self, num_layers, num_units, input_mode=CUDNN_INPUT_LINEAR_MODE,
                 direction=CUDNN_RNN_UNIDIRECTION, dropout=0., seed=None,
                 dtype=dtypes.float32, kernel_initializer=None, bias_initializer=None,
                 name=None):
        super().__init__(dtype=dtype, name=name)
        if direction not in (CUDNN_RNN_UNIDIRECTION, CUDNN_RNN_BIDIRECTION):
            raise ValueError(f"Invalid direction: {direction}, expecting "
                             f"{CUDNN_RNN_UNIDIRECTION} or {CUDNN_RNN_BIDIRECTION}")
        if input_mode not in (CUDNN_INPUT_LINEAR_MODE, CUDNN_INPUT_SKIP_MODE,
                              CUDNN_INPUT_AUTO_MODE):
            raise ValueError(f"Invalid input_mode: {input_mode}, expecting one of "
                             f"{CUDNN_INPUT_LINEAR_MODE}, {CUDNN_INPUT_SKIP_MODE}, "
                             f"{CUDNN_INPUT_AUTO_MODE}")
        if input_mode != CUDNN_INPUT_LINEAR_MODE:
            raise NotImplementedError(f"graphc's CPU cuDNN layers support only input_mode="
                                      f"'{CUDNN_INPUT_LINEAR_MODE}', not {input_mode!r}")
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}")
        self._num_layers = _units(num_layers, "num_layers")
        self._num_units = _units(num_units)
        self._input_mode, self._direction = input_mode, direction
        self._dropout, self._seed = float(dropout), seed
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer
        self._input_size = None
        self._cells = []            # [layer][direction]

    num_layers = property(lambda self: self._num_layers)
    num_units = property(lambda self: self._num_units)
    input_mode = property(lambda self: self._input_mode)
    input_size = property(lambda self: self._input_size)
    rnn_mode = property(lambda self: self._rnn_mode)
    direction = property(lambda self: self._direction)
    num_dirs = property(lambda self: 1 if self._direction == CUDNN_RNN_UNIDIRECTION else 2)
    cells = property(lambda self: [list(c) for c in self._cells])

    @property
    def canonical_weight_shapes(self):
        """cuDNN's canonical weight shapes, layer by layer, forward before backward:
        (num_units, layer input size) for each gate's input weight, then
        (num_units, num_units) for each recurrent one."""
        if not self.built:
            raise RuntimeError("canonical_weight_shapes invoked before input shape is known")
        gates, n = self._num_params_per_layer // 2, self._num_units
        shapes = []
        for layer in range(self._num_layers):
            depth = self._input_size if layer == 0 else n * self.num_dirs
            shapes += ([[n, depth]] * gates + [[n, n]] * gates) * self.num_dirs
        return shapes

    @property
    def canonical_bias_shapes(self):
        """cuDNN's canonical bias shapes: (num_units,) for each weight."""
        return [[self._num_units]] * (self._num_params_per_layer * self._num_layers
                                      * self.num_dirs)

    def state_shape(self, batch_size):
        """The shape of each initial state tensor, one per entry of the state tuple.

            lstm.state_shape(4)        # ([layers * dirs, 4, units], [layers * dirs, 4, units])
        """
        shape = [self._num_layers * self.num_dirs, batch_size, self._num_units]
        return (shape, shape) if self._rnn_mode == CUDNN_LSTM else (shape,)

    def _make_cell(self):
        raise NotImplementedError

    def _prefix(self, layer, d):
        if self._direction == CUDNN_RNN_UNIDIRECTION:
            return f"rnn/multi_rnn_cell/cell_{layer}"
        return f"stack_bidirectional_rnn/cell_{layer}/bidirectional_rnn/{('fw', 'bw')[d]}"

    def build(self, input_shape):
        shape = TensorShape(input_shape)
        if shape.rank != 3:
            raise ValueError(f"Expecting input_shape with 3 dims, got {shape.rank}")
        if shape._dims[-1] is None:
            raise ValueError("The last dimension of the inputs to `CudnnRNN` should be "
                             "defined. Found `None`.")
        self._input_size = shape._dims[-1]
        for layer in range(self._num_layers):
            depth = self._input_size if layer == 0 else self._num_units * self.num_dirs
            row = []
            for d in range(self.num_dirs):
                cell = self._make_cell()
                cell._bias_initializer = self._bias_initializer or zeros_initializer()
                with variable_scope(self._prefix(layer, d), initializer=self._kernel_initializer,
                                    auxiliary_name_scope=False):
                    cell._prebuild(TensorShape([None, depth]), self._dtype,
                                   scope=cell._base_name)
                row.append(cell)
            self._cells.append(row)
        self.built = True

    def call(self, inputs, initial_state=None, sequence_lengths=None, time_major=True,
             training=True):
        """(outputs, states) of the stacked RNN on `inputs` (see the class docstring).

            outputs, (h, c) = lstm(x, initial_state=(h0, c0), sequence_lengths=lengths)

        sequence_lengths: (batch,) ints; outputs past a sequence's length are zeros and
        its state is the one at its last step. time_major=False takes and returns
        (batch, time, ...). Dropout (between layers) applies only when training is True.
        """
        x = inputs if time_major else transpose(inputs, [1, 0, 2])
        if x.shape.rank != 3:
            raise errors.ShapeError(f"{type(self).__name__}: inputs must be 3-D, got shape "
                                    f"{x.shape}\n  " + errors.describe_tensor(x, "inputs"))
        lstm = self._rnn_mode == CUDNN_LSTM
        init = None
        if initial_state is not None:
            states = tuple(initial_state)
            if len(states) != (2 if lstm else 1):
                raise ValueError(f"{type(self).__name__}: initial_state must be a tuple of "
                                 f"{2 if lstm else 1} tensors, got {len(states)}")
            init = [unstack(s, self._num_layers * self.num_dirs) for s in states]
        hs, cs = [], []
        for layer, row in enumerate(self._cells):
            if layer > 0 and self._dropout > 0 and training:
                x = _dropout(x, rate=self._dropout, seed=self._seed)
            outs = []
            for d, cell in enumerate(row):
                k = layer * self.num_dirs + d
                state = None
                if init is not None:
                    state = LSTMStateTuple(init[1][k], init[0][k]) if lstm else init[0][k]
                out, final = self._run(cell, x, d == 1, state, sequence_lengths,
                                       f"{self._prefix(layer, d)}")
                outs.append(out)
                hs.append(final.h if lstm else final)
                if lstm:
                    cs.append(final.c)
            x = outs[0] if len(outs) == 1 else concat(outs, 2)
        outputs = x if time_major else transpose(x, [1, 0, 2])
        return outputs, ((stack(hs), stack(cs)) if lstm else (stack(hs),))

    def _run(self, cell, x, backward, state, lengths, scope):
        """One direction of one layer, time-major."""
        if backward:
            x = reverse(x, [0]) if lengths is None else \
                reverse_sequence(x, lengths, seq_axis=0, batch_axis=1)
        out, final = dynamic_rnn(cell, x, sequence_length=lengths, initial_state=state,
                                 dtype=self._dtype, time_major=True, scope=scope)
        if backward:
            out = reverse(out, [0]) if lengths is None else \
                reverse_sequence(out, lengths, seq_axis=0, batch_axis=1)
        return out, final


class CudnnLSTM(_CudnnRNN):
    """cuDNN's multi-layer LSTM (TF 1.15 tf.contrib.cudnn_rnn.CudnnLSTM), run on the CPU
    with CudnnCompatibleLSTMCell; returns (outputs, (h, c)).

        lstm = cudnn_rnn.CudnnLSTM(2, 16, direction="bidirectional")
        outputs, (h, c) = lstm(x)           # x: (time, batch, depth); h, c: (4, batch, 16)
    """

    _rnn_mode, _num_params_per_layer = CUDNN_LSTM, CUDNN_LSTM_PARAMS_PER_LAYER

    def _make_cell(self):
        return CudnnCompatibleLSTMCell(self._num_units)


class CudnnGRU(_CudnnRNN):
    """cuDNN's multi-layer GRU (TF 1.15), on the CPU with CudnnCompatibleGRUCell; returns
    (outputs, (h,)).

        gru = cudnn_rnn.CudnnGRU(1, 16)
        outputs, (h,) = gru(x)
    """

    _rnn_mode, _num_params_per_layer = CUDNN_GRU, CUDNN_GRU_PARAMS_PER_LAYER

    def _make_cell(self):
        return CudnnCompatibleGRUCell(self._num_units)


class CudnnRNNTanh(_CudnnRNN):
    """cuDNN's multi-layer tanh RNN (TF 1.15): h' = tanh(W x + R h + b); (outputs, (h,)).

        rnn = cudnn_rnn.CudnnRNNTanh(1, 16)
    """

    _rnn_mode, _num_params_per_layer = CUDNN_RNN_TANH, CUDNN_RNN_TANH_PARAMS_PER_LAYER

    def _make_cell(self):
        return _CudnnCompatibleRNNCell(self._num_units, E.tanh)


class CudnnRNNRelu(_CudnnRNN):
    """cuDNN's multi-layer ReLU RNN (TF 1.15): h' = relu(W x + R h + b); (outputs, (h,)).

        rnn = cudnn_rnn.CudnnRNNRelu(1, 16)
    """

    _rnn_mode, _num_params_per_layer = CUDNN_RNN_RELU, CUDNN_RNN_RELU_PARAMS_PER_LAYER

    def _make_cell(self):
        return _CudnnCompatibleRNNCell(self._num_units, E.relu)
