"""tf.nn.rnn_cell's cells (TF1 1.15): BasicRNNCell, GRUCell, BasicLSTMCell and LSTMCell,
with TF1's formulas, variable names and shapes.

    cell = gc.nn.rnn_cell.BasicLSTMCell(32)
    output, state = cell(x_t, cell.zero_state(batch, gc.float32))   # 'basic_lstm_cell/kernel'

Each builds its variables in build(inputs_shape) (see rnn_cell_base.RNNCell) and checks
each step's inputs and state in call.
"""
from .. import errors
from ..graph import Tensor, get_default_graph
from ..initializers import constant_initializer, zeros_initializer
from ..shapes import as_shape
from . import elementwise as E
from .broadcast import clip_by_value
from .core import convert_to_tensor
from .join import concat, split
from .linalg import matmul
from .nn import bias_add
from .rnn_cell_base import LSTMStateTuple, RNNCell, _float_dtype, flatten

__all__ = ["BasicRNNCell", "GRUCell", "BasicLSTMCell", "LSTMCell"]


_ACTIVATIONS = {"tanh": E.tanh, "sigmoid": E.sigmoid, "relu": E.relu, "relu6": E.relu6,
                "elu": E.elu, "selu": E.selu, "softplus": E.softplus,
                "softsign": E.softsign, "linear": lambda x: x}


def _activation(activation):
    if activation is None:
        return E.tanh
    if callable(activation):
        return activation
    if activation in _ACTIVATIONS:
        return _ACTIVATIONS[activation]
    raise ValueError(f"Unknown activation {activation!r}: a callable or one of "
                     f"{sorted(_ACTIVATIONS)}")


def _units(n, what="num_units"):
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {n!r}")
    return n


# ---- checks shared by the cells -------------------------------------------------------------
def _input_depth(cell, inputs_shape):
    """The depth of the inputs a cell builds for (and its dtype is a float, as TF1's
    cells check in build)."""
    _float_dtype(cell._dtype)
    shape = as_shape(inputs_shape)
    d = shape._dims[-1] if shape.rank else None
    d = get_default_graph().dims.resolve(d) if d is not None else None
    if shape.rank != 2 or d is None:
        raise errors.ShapeError(f"{type(cell).__name__}: expected inputs of shape (batch, "
                                f"depth) with the depth known, saw shape: {shape}")
    cell._input_depth = d
    return d


def _check_step(cell, inputs, state):
    """inputs (batch, depth) of the cell's dtype and depth; state of the same dtype."""
    what = f"{type(cell).__name__} '{cell.scope_name}'"
    if not isinstance(inputs, Tensor):
        raise TypeError(f"{what}: inputs must be one tensor, not {type(inputs).__name__}")
    if inputs.shape.rank != 2:
        raise errors.ShapeError(
            f"Input 0 of layer {cell.name} is incompatible with the layer: expected ndim=2, "
            f"found ndim={inputs.shape.rank}\n  " + errors.describe_tensor(inputs, "inputs"))
    if not inputs.dtype.is_floating:
        raise errors.DTypeError(f"RNN cell only supports floating point inputs, but saw "
                                f"dtype: {inputs.dtype.name}\n  "
                                + errors.describe_tensor(inputs, "inputs"))
    if inputs.dtype is not cell.dtype:
        raise errors.DTypeError(
            f"{what} has {cell.dtype.name} variables but its inputs are "
            f"{inputs.dtype.name}; graphc never converts: use gc.cast\n  "
            + errors.describe_tensor(inputs, "inputs"))
    d = inputs.shape._dims[1]
    if isinstance(d, int) and d != cell._input_depth:
        raise errors.ShapeError(f"{what} was built for inputs of depth {cell._input_depth}, "
                                f"but these have depth {d}\n  "
                                + errors.describe_tensor(inputs, "inputs"))
    for s in flatten(state):
        s = convert_to_tensor(s)
        if s.dtype is not inputs.dtype:
            raise errors.DTypeError(
                f"{what}: the state is {s.dtype.name} but the inputs are "
                f"{inputs.dtype.name}; graphc never converts: use gc.cast\n  "
                + errors.describe_tensor(s, "state") + "\n  "
                + errors.describe_tensor(inputs, "inputs"))


def _linear(parts, kernel, bias):
    """concat(parts, 1) @ kernel + bias."""
    return bias_add(matmul(concat(parts, 1), kernel), bias)


# ---- the cells ------------------------------------------------------------------------------
class BasicRNNCell(RNNCell):
    """output = new_state = activation([inputs, state] @ kernel + bias) (TF1).

        cell = gc.nn.rnn_cell.BasicRNNCell(16)      # 'basic_rnn_cell/kernel' (depth+16, 16)
    """

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        n = self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, n])
        self._bias = self.add_variable("bias", [n], initializer=zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        output = self._activation(_linear([inputs, state], self._kernel, self._bias))
        return output, output


class GRUCell(RNNCell):
    """A GRU (TF1): r, u = split(sigmoid([x, h] @ gates/kernel + gates/bias));
    c = activation([x, r * h] @ candidate/kernel + candidate/bias); h' = u*h + (1-u)*c.

        cell = gc.nn.rnn_cell.GRUCell(16)           # gates/bias starts at 1.0
    """

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        b_init = self._bias_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n],
                                              initializer=self._kernel_initializer)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n],
            initializer=b_init if b_init is not None else constant_initializer(1.0))
        self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n],
                                                   initializer=self._kernel_initializer)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [n],
            initializer=b_init if b_init is not None else zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        value = E.sigmoid(_linear([inputs, state], self._gate_kernel, self._gate_bias))
        r, u = split(value, 2, axis=1)
        c = self._activation(_linear([inputs, r * state], self._candidate_kernel,
                                     self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


def _lstm_state(cell, state, c_size, h_size):
    """(c, h) from a tuple state or a concatenated one."""
    if cell._state_is_tuple:
        if not isinstance(state, (tuple, list)) or len(state) != 2:
            raise TypeError(f"{type(cell).__name__}: with state_is_tuple=True the state is "
                            f"an LSTMStateTuple(c, h), not {type(state).__name__}")
        return state
    from .indexing import slice as slice_
    return slice_(state, [0, 0], [-1, c_size]), slice_(state, [0, c_size], [-1, h_size])


class BasicLSTMCell(RNNCell):
    """An LSTM without peepholes, clipping or projection (TF1). One kernel
    (depth + units, 4 * units) gives the gates i, j, f, o in that order:
    c' = c * sigmoid(f + forget_bias) + sigmoid(i) * activation(j),
    h' = activation(c') * sigmoid(o); the state is LSTMStateTuple(c', h').

        cell = gc.nn.rnn_cell.BasicLSTMCell(32)     # 'basic_lstm_cell/kernel', '.../bias'
    """

    def __init__(self, num_units, forget_bias=1.0, state_is_tuple=True, activation=None,
                 reuse=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        self._num_units = _units(num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = self.add_variable("bias", [4 * n], initializer=zeros_initializer())
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        n, act = self._num_units, self._activation
        c, h = _lstm_state(self, state, n, n)
        i, j, f, o = split(_linear([inputs, h], self._kernel, self._bias), 4, axis=1)
        new_c = c * E.sigmoid(f + self._forget_bias) + E.sigmoid(i) * act(j)
        new_h = act(new_c) * E.sigmoid(o)
        new_state = LSTMStateTuple(new_c, new_h) if self._state_is_tuple else \
            concat([new_c, new_h], 1)
        return new_h, new_state


class LSTMCell(RNNCell):
    """An LSTM with optional peepholes, cell clipping and a projection (TF1 LSTMCell).

        cell = gc.nn.rnn_cell.LSTMCell(64, use_peepholes=True, num_proj=32, cell_clip=3.0)

    Variables: kernel (depth + h, 4 * units) for the gates i, j, f, o, bias (zeros);
    with use_peepholes w_f_diag, w_i_diag, w_o_diag (units,); with num_proj
    projection/kernel (units, num_proj), and then h (the output) has num_proj entries.
    `initializer` is for the kernels and peepholes. Shards (num_unit_shards,
    num_proj_shards) need partitioned variables, which graphc does not have.
    """

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None,
                 num_proj=None, proj_clip=None, num_unit_shards=None, num_proj_shards=None,
                 forget_bias=1.0, state_is_tuple=True, activation=None, reuse=None, name=None,
                 dtype=None):
        super().__init__(name=name, dtype=dtype, _reuse=reuse)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise ValueError("LSTMCell: num_unit_shards and num_proj_shards need "
                             "partitioned variables, which graphc does not support")
        self._num_units = _units(num_units)
        self._num_proj = None if num_proj is None else _units(num_proj, "num_proj")
        self._use_peepholes = use_peepholes
        self._cell_clip, self._proj_clip = cell_clip, proj_clip
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)
        h = self._num_proj or self._num_units
        self._state_size = (LSTMStateTuple(self._num_units, h) if state_is_tuple
                            else self._num_units + h)
        self._output_size = h

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        init = self._initializer
        self._kernel = self.add_variable("kernel", [depth + self._output_size, 4 * n],
                                         initializer=init)
        self._bias = self.add_variable("bias", [4 * n], initializer=zeros_initializer())
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_variable("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_variable("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel", [n, self._num_proj],
                                                  initializer=init)
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        act, fb = self._activation, self._forget_bias
        c_prev, m_prev = _lstm_state(self, state, self._num_units, self._output_size)
        i, j, f, o = split(_linear([inputs, m_prev], self._kernel, self._bias), 4, axis=1)
        if self._use_peepholes:
            c = (E.sigmoid(f + fb + self._w_f_diag * c_prev) * c_prev +
                 E.sigmoid(i + self._w_i_diag * c_prev) * act(j))
        else:
            c = E.sigmoid(f + fb) * c_prev + E.sigmoid(i) * act(j)
        if self._cell_clip is not None:
            c = clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = E.sigmoid(o + self._w_o_diag * c) * act(c)
        else:
            m = E.sigmoid(o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state
