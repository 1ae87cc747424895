"""tf.contrib.rnn's cell wrappers (TF 1.15): OutputProjectionWrapper,
InputProjectionWrapper, EmbeddingWrapper, AttentionCellWrapper and HighwayWrapper.

    cell = gc.contrib.rnn.OutputProjectionWrapper(gc.nn.rnn_cell.GRUCell(32), 10)
    # 'rnn/output_projection_wrapper/kernel' (32, 10), '.../gru_cell/gates/kernel', ...

Each wrapper but HighwayWrapper has its own scope (the snake-cased class name) and the
wrapped cell's variables sit inside it, as in TF 1.15; HighwayWrapper makes 'carry_w',
'carry_b' (and 'transform_w', 'transform_b') in the scope it is called in. The wrapped
cell is built in the wrapper's build, so the wrappers run inside dynamic_rnn.
"""
import math

from .. import dtypes, errors
from ..graph import name_scope
from ..initializers import constant_initializer, random_uniform_initializer
from ..shapes import TensorShape
from ..ops import elementwise as E
from ..ops.array import reshape
from ..ops.core import convert_to_tensor
from ..ops.join import concat, split
from ..ops.linalg import matmul
from ..ops.nn_extra import embedding_lookup
from ..ops.nn_softmax import softmax
from ..ops.reduce import reduce_sum
from ..ops.rnn_cell_base import RNNCell, flatten, map_structure, size_dims
from ..ops.rnn_cells import _input_depth
from ..ops.rnn_wrappers import _wrapped_register_noise, _wrapped_sub_cells, assert_like_rnncell
from ..ops.scope import get_variable_scope
from ..ops.varstore import get_variable
from .rnn_cells_more import _apply, _linear_vars

__all__ = ["OutputProjectionWrapper", "InputProjectionWrapper", "EmbeddingWrapper",
           "AttentionCellWrapper", "HighwayWrapper"]


def _prebuild(cell, depth, batch, dtype):
    """Build the wrapped cell (inside the wrapper's scope) on (batch, depth) inputs."""
    if hasattr(cell, "_prebuild"):
        cell._prebuild(TensorShape([batch, depth]), dtype)


def _batch(inputs_shape):
    first = TensorShape(flatten(inputs_shape)[0]) if not isinstance(inputs_shape, TensorShape) \
        else inputs_shape
    return first._dims[0] if first.rank else None


class _Wrapper(RNNCell):
    """A wrapper with a scope of its own; sizes and state are the wrapped cell's."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        assert_like_rnncell("cell", cell)
        self._cell = cell

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)
    _sub_cells = _wrapped_sub_cells
    _register_noise = _wrapped_register_noise

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


class OutputProjectionWrapper(_Wrapper):
    """The wrapped cell's output @ kernel + bias (then `activation`), TF 1.15.

        cell = gc.contrib.rnn.OutputProjectionWrapper(gc.nn.rnn_cell.GRUCell(32), 10)
    """

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size, self._activation = output_size, activation

    output_size = property(lambda self: self._output_size)

    def build(self, inputs_shape):
        _prebuild(self._cell, _input_depth(self, inputs_shape), _batch(inputs_shape),
                  self.dtype)
        depth = size_dims(self._cell.output_size)[-1]
        self._k, self._b = _linear_vars(self, "", depth, self._output_size)
        self.built = True

    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)
        projected = _apply([output], self._k, self._b)
        return (self._activation(projected) if self._activation else projected), new_state


class InputProjectionWrapper(_Wrapper):
    """The wrapped cell on inputs @ kernel + bias (then `activation`), TF 1.15.

        cell = gc.contrib.rnn.InputProjectionWrapper(gc.nn.rnn_cell.GRUCell(32), 16)
    """

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse)
        self._num_proj, self._activation = num_proj, activation

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        self._k, self._b = _linear_vars(self, "", depth, self._num_proj)
        _prebuild(self._cell, self._num_proj, _batch(inputs_shape), self.dtype)
        self.built = True

    def _register_noise(self, noise, input_dims):
        _wrapped_register_noise(self, noise, [self._num_proj])

    def call(self, inputs, state):
        projected = _apply([inputs], self._k, self._b)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class EmbeddingWrapper(_Wrapper):
    """The wrapped cell on embedding[ids] (TF 1.15): 'embedding' (embedding_classes,
    embedding_size), by default uniform in [-sqrt 3, sqrt 3) (variance 1).

        cell = gc.contrib.rnn.EmbeddingWrapper(gc.nn.rnn_cell.GRUCell(32), 1000, 64)
        out, state = cell(ids, state)                     # ids: (batch,) or (batch, 1) ints

    Float ids are cast to int32.
    """

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(f"Both embedding_classes and embedding_size must be > 0: "
                             f"{embedding_classes}, {embedding_size}.")
        self._classes, self._size = embedding_classes, embedding_size
        self._initializer = initializer

    def __call__(self, inputs, state, scope=None):
        """The wrapped cell's step on the embedded ids; the dtype is the state's."""
        ids = convert_to_tensor(inputs)
        with self._scoped(scope, ids.shape, flatten(state)[0].dtype):
            return self.call(ids, state)

    def build(self, inputs_shape):
        init = self._initializer or get_variable_scope().initializer or \
            random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
        self._embedding = self.add_variable("embedding", [self._classes, self._size],
                                            initializer=init)
        _prebuild(self._cell, self._size, _batch(inputs_shape), self.dtype)
        self.built = True

    def _register_noise(self, noise, input_dims):
        _wrapped_register_noise(self, noise, [self._size])

    def call(self, inputs, state):
        ids = inputs if inputs.dtype.is_integer else E.cast(inputs, dtypes.int32)
        embedded = embedding_lookup(self._embedding, reshape(ids, [-1]))
        return self._cell(embedded, state)


class AttentionCellWrapper(_Wrapper):
    """Attention over the cell's last attn_length outputs (TF 1.15, Bahdanau-style).
    The state is (cell state, attns (attn_size), attn_states (attn_size *
    attn_length)); per step: x' = [x, attns] @ kernel + bias, the cell on x', a new
    attention from the cell's new state, output = [cell output, attns'] @
    attn_output_projection, which is pushed onto attn_states.

        cell = gc.contrib.rnn.AttentionCellWrapper(gc.nn.rnn_cell.LSTMCell(16), 4)
    """

    def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None,
                 input_size=None, state_is_tuple=True, reuse=None):
        super().__init__(cell, reuse)
        if isinstance(cell.state_size, (tuple, list)) and not state_is_tuple:
            raise ValueError(f"Cell returns tuple of states, but the flag state_is_tuple is "
                             f"not set. State size is: {cell.state_size}")
        if attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length}")
        self._attn_size = attn_size or size_dims(cell.output_size)[-1]
        self._attn_vec_size = attn_vec_size or self._attn_size
        self._attn_length, self._input_size = attn_length, input_size
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    output_size = property(lambda self: self._attn_size)
    zero_state = RNNCell.zero_state

    def build(self, inputs_shape):
        depth, a, v = _input_depth(self, inputs_shape), self._attn_size, self._attn_vec_size
        in_size = self._input_size or depth
        self._lin1 = _linear_vars(self, "", depth + a, in_size)
        _prebuild(self._cell, in_size, _batch(inputs_shape), self.dtype)
        q = sum(size_dims(s)[-1] for s in flatten(self._cell.state_size))
        self._attn_w = self.add_variable("attention/attn_w", [1, 1, a, v])
        self._attn_v = self.add_variable("attention/attn_v", [v])
        self._lin3 = _linear_vars(self, "attention", q, v)
        out = size_dims(self._cell.output_size)[-1]
        self._lin2 = _linear_vars(self, "attn_output_projection", out + a, a)
        self.built = True

    def _register_noise(self, noise, input_dims):
        _wrapped_register_noise(self, noise, [self._input_size or input_dims[-1]])

    def call(self, inputs, state):
        length, a = self._attn_length, self._attn_size
        if self._state_is_tuple:
            state, attns, attn_states = state
        else:
            cs = self._cell.state_size
            state, attns, attn_states = split(state, [cs, a, a * length], axis=1)
        attn_states = reshape(attn_states, [-1, length, a])
        cell_output, new_state = self._cell(_apply([inputs, attns], *self._lin1), state)
        query = concat(flatten(new_state), 1) if self._state_is_tuple else new_state
        new_attns, new_attn_states = self._attention(query, attn_states)
        output = _apply([cell_output, new_attns], *self._lin2)
        new_attn_states = reshape(concat([new_attn_states, output[:, None, :]], 1),
                                  [-1, length * a])
        new_state = (new_state, new_attns, new_attn_states)
        return output, (new_state if self._state_is_tuple else concat(list(new_state), 1))

    def _attention(self, query, attn_states):
        """(sum_t softmax(v . tanh(h_t @ attn_w + query @ W))_t h_t, attn_states[:, 1:])."""
        length, a, v = self._attn_length, self._attn_size, self._attn_vec_size
        features = reshape(matmul(reshape(attn_states, [-1, a]), reshape(self._attn_w, [a, v])),
                           [-1, length, v])
        y = _apply([query], *self._lin3)[:, None, :]
        s = reduce_sum(self._attn_v * E.tanh(features + y), [2])
        weights = softmax(s)
        new_attns = reduce_sum(weights[:, :, None] * attn_states, [1])
        return new_attns, attn_states[:, 1:, :]


class HighwayWrapper(RNNCell):
    """A highway connection around the cell (TF 1.15): out = x * carry + y * transform,
    carry = sigmoid(x @ carry_w + carry_b), transform = 1 - carry (coupled) or
    sigmoid(x @ transform_w + transform_b) (carry_b starts at carry_bias_init,
    transform_b at minus it). Inputs and outputs must have the same shape.

        cell = gc.contrib.rnn.HighwayWrapper(gc.nn.rnn_cell.GRUCell(depth))

    Its variables are made in the scope it is called in (e.g. 'rnn/carry_w').
    """

    def __init__(self, cell, couple_carry_transform_gates=True, carry_bias_init=1.0):
        super().__init__()
        assert_like_rnncell("cell", cell)
        self._cell = cell
        self._couple = couple_carry_transform_gates
        self._carry_bias_init = carry_bias_init
        self._gates = None

    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)
    _sub_cells = _wrapped_sub_cells
    _register_noise = _wrapped_register_noise

    def zero_state(self, batch_size, dtype):
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    @property
    def variables(self):
        return list(self._weights) + self._cell.variables

    def _make_gates(self, depth, dtype):
        if self._gates is not None:
            return
        b = self._carry_bias_init

        def var(name, shape, init=None):
            v = get_variable(name, shape, dtype=dtype, initializer=init)
            self._weights.append(v)
            return v
        carry = (var("carry_w", [depth, depth]),
                 var("carry_b", [depth], constant_initializer(b)))
        transform = None if self._couple else (
            var("transform_w", [depth, depth]),
            var("transform_b", [depth], constant_initializer(-b)))
        self._gates = carry, transform

    def _prebuild(self, inputs_shape, dtype, scope=None):
        """Build the wrapped cell, then carry_w/carry_b in the current scope."""
        if hasattr(self._cell, "_prebuild"):
            self._cell._prebuild(inputs_shape, dtype, scope)
        self._make_gates(TensorShape(inputs_shape)._dims[-1], dtype)

    def __call__(self, inputs, state, scope=None):
        """(highway(inputs, cell output), new_state)."""
        inputs = convert_to_tensor(inputs)
        outputs, new_state = self._cell(inputs, state, scope=scope)
        if inputs.shape.rank != 2 or not inputs.shape.is_compatible_with(outputs.shape):
            raise errors.ShapeError("HighwayWrapper: the cell's inputs and outputs must have "
                                    "the same (batch, depth) shape\n  "
                                    + errors.describe_tensor(inputs, "inputs") + "\n  "
                                    + errors.describe_tensor(outputs, "outputs"))
        self._make_gates(inputs.shape._dims[1], inputs.dtype)
        (cw, cb), transform = self._gates
        carry = E.sigmoid(_apply([inputs], cw, cb))
        t = 1 - carry if transform is None else E.sigmoid(_apply([inputs], *transform))
        return map_structure(lambda x, y: x * carry + y * t, inputs, outputs), new_state
