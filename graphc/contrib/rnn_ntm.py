"""tf.contrib.rnn's NTMCell (TF 1.15): a neural Turing machine, a controller cell with
read and write heads over a memory matrix (Graves et al. 2014), its variables made in
`build` with TF's names (rnn_cells_last.py holds the other last cells).

    cell = gc.contrib.rnn.NTMCell(gc.nn.rnn_cell.GRUCell(16), memory_size=8,
                                  memory_vector_dim=4, read_head_num=1, write_head_num=1)
"""
import collections
import math

from .. import dtypes
from ..initializers import (constant_initializer, glorot_uniform_initializer,
                            truncated_normal_initializer, zeros_initializer)
from ..ops import elementwise as E
from ..ops.array import expand_dims, shape
from ..ops.control import cond
from ..ops.core import convert_to_tensor
from ..ops.creation import zeros
from ..ops.join import concat, split, stack
from ..ops.linalg import matmul
from ..ops.nn import bias_add
from ..ops.nn_softmax import softmax
from ..ops.reduce import reduce_sum
from ..ops.rnn_cell_base import RNNCell, flatten
from ..ops.rnn_cells import _check_step, _input_depth
from ..ops.rnn_wrappers import assert_like_rnncell
from ..ops.tile_reverse import reverse, tile
from ..shapes import TensorShape
from .rnn_cells_last import _clip
from .rnn_wrappers import _prebuild

__all__ = ["NTMCell", "NTMControllerState"]


NTMControllerState = collections.namedtuple(
    "NTMControllerState", ("controller_state", "read_vector_list", "w_list", "M", "time"))


class NTMCell(RNNCell):
    """A neural Turing machine with an RNN controller (Graves et al. 2014, Collier & Beel
    2018; TF 1.15). Each step: the controller reads [x, read vectors]; its output gives,
    clipped to clip_value, per head k = tanh, beta = softplus, g = sigmoid, a softmax shift
    s over 2 * shift_range + 1 places and gamma = 1 + softplus, and per write head erase
    (sigmoid) and add (tanh) vectors. Addressing: w = sharpen_gamma(shift_s(g * softmax(
    beta * cosine(M, k)) + (1 - g) * w_prev)); reads sum(w * M); writes
    M' = M * (1 - w e^T) + w a^T; the output is clip([controller out, reads] @ output_kernel
    + output_bias). At time 0 the read vectors, weights and memory come from the
    variables initial_read_vector_<i>, initial_address_weights_<i> and memory.

        ntm = gc.contrib.rnn.NTMCell(gc.nn.rnn_cell.BasicRNNCell(8), memory_size=6,
                                     memory_vector_dim=4, read_head_num=1, write_head_num=1)
        outputs, state = gc.nn.dynamic_rnn(ntm, x, dtype=gc.float32)
    """

    def __init__(self, controller, memory_size, memory_vector_dim, read_head_num,
                 write_head_num, shift_range=1, output_dim=None, clip_value=20,
                 dtype=dtypes.float32, name=None):
        super().__init__(dtype=dtype, name=name)
        assert_like_rnncell("NTM RNN controller cell", controller)
        self.controller = controller
        self.memory_size, self.memory_vector_dim = memory_size, memory_vector_dim
        self.read_head_num, self.write_head_num = read_head_num, write_head_num
        self.shift_range, self.output_dim, self.clip_value = shift_range, output_dim, clip_value
        self.num_parameters_per_head = memory_vector_dim + 2 * shift_range + 4
        self.num_heads = read_head_num + write_head_num
        self.total_parameter_num = (self.num_parameters_per_head * self.num_heads
                                    + memory_vector_dim * 2 * write_head_num)

    @property
    def state_size(self):
        return NTMControllerState(
            self.controller.state_size, [self.memory_vector_dim] * self.read_head_num,
            [self.memory_size] * self.num_heads,
            TensorShape([self.memory_size, self.memory_vector_dim]), TensorShape([]))

    output_size = property(lambda self: self.output_dim)

    def _sub_cells(self):
        return [self.controller] if isinstance(self.controller, RNNCell) else []

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        if self.output_dim is None:
            self.output_dim = depth
        c_out, reads = self.controller.output_size, self.memory_vector_dim * self.read_head_num

        def linear_init(n):
            return truncated_normal_initializer(stddev=1.0 / math.sqrt(n))
        self._params_kernel = self.add_variable(
            "parameters_kernel", [c_out, self.total_parameter_num], initializer=linear_init(c_out))
        self._params_bias = self.add_variable("parameters_bias", [self.total_parameter_num],
                                              initializer=zeros_initializer())
        self._output_kernel = self.add_variable("output_kernel", [c_out + reads, self.output_dim],
                                                initializer=linear_init(c_out + reads))
        self._output_bias = self.add_variable("output_bias", [self.output_dim],
                                              initializer=zeros_initializer())
        self._init_read_vectors = [
            self.add_variable(f"initial_read_vector_{i}", [1, self.memory_vector_dim],
                              initializer=glorot_uniform_initializer())
            for i in range(self.read_head_num)]
        self._init_address_weights = [
            self.add_variable(f"initial_address_weights_{i}", [1, self.memory_size],
                              initializer=glorot_uniform_initializer())
            for i in range(self.num_heads)]
        self._M = self.add_variable("memory", [self.memory_size, self.memory_vector_dim],
                                    initializer=constant_initializer(1e-6))
        # TF 1.15 makes the controller's variables at its first call, inside this scope
        batch = TensorShape(inputs_shape)._dims[0]
        _prebuild(self.controller, depth + reads, batch, self._dtype)
        self.built = True

    def call(self, x, prev_state):
        _check_step(self, x, flatten(prev_state[:4]))
        n = shape(x)[0]
        first = E.equal(prev_state.time, 0)

        def at_start(initial, previous):
            return cond(first, lambda: initial, lambda: previous)
        reads = [at_start(tile(E.tanh(v), [n, 1]), p)
                 for v, p in zip(self._init_read_vectors, prev_state.read_vector_list)]
        prev_ws = [at_start(tile(softmax(v), [n, 1]), p)
                   for v, p in zip(self._init_address_weights, prev_state.w_list)]
        prev_M = at_start(tile(expand_dims(self._M, 0), [n, 1, 1]), prev_state.M)
        c_out, c_state = self.controller(concat([x] + reads, 1), prev_state.controller_state)
        params = _clip(bias_add(matmul(c_out, self._params_kernel), self._params_bias),
                       self.clip_value)
        per_head, mvd = self.num_parameters_per_head * self.num_heads, self.memory_vector_dim
        heads = split(params[:, :per_head], self.num_heads, axis=1)
        erase_add = split(params[:, per_head:], 2 * self.write_head_num, axis=1)
        w_list = []
        for hp, prev_w in zip(heads, prev_ws):
            w_list.append(self._addressing(
                E.tanh(hp[:, :mvd]), E.softplus(hp[:, mvd]), E.sigmoid(hp[:, mvd + 1]),
                softmax(hp[:, mvd + 2:mvd + 3 + 2 * self.shift_range]),
                E.softplus(hp[:, -1]) + 1.0, prev_M, prev_w))
        read_vectors = [reduce_sum(expand_dims(w, 2) * prev_M, axis=1)
                        for w in w_list[:self.read_head_num]]
        M = prev_M
        for i, w in enumerate(w_list[self.read_head_num:]):
            w = expand_dims(w, 2)
            erase = expand_dims(E.sigmoid(erase_add[2 * i]), 1)
            add = expand_dims(E.tanh(erase_add[2 * i + 1]), 1)
            M = M * (1.0 - matmul(w, erase)) + matmul(w, add)
        out = bias_add(matmul(concat([c_out] + read_vectors, 1), self._output_kernel),
                       self._output_bias)
        return _clip(out, self.clip_value), NTMControllerState(
            c_state, read_vectors, w_list, M, prev_state.time + 1)

    def _addressing(self, k, beta, g, s, gamma, prev_M, prev_w):
        """Content focus (cosine similarity, softmax), interpolation, circular shift by s
        and sharpening by gamma (the NTM paper's eqs. 5-9)."""
        k = expand_dims(k, 2)
        k_norm = E.sqrt(reduce_sum(E.square(k), axis=1, keepdims=True))
        M_norm = E.sqrt(reduce_sum(E.square(prev_M), axis=2, keepdims=True))
        K = (matmul(prev_M, k) / (M_norm * k_norm + 1e-8))[:, :, 0]
        K_amplified = E.exp(expand_dims(beta, 1) * K)
        w_c = K_amplified / reduce_sum(K_amplified, axis=1, keepdims=True)
        g = expand_dims(g, 1)
        w_g = g * w_c + (1.0 - g) * prev_w
        ms, sr = self.memory_size, self.shift_range
        s = concat([s[:, :sr + 1], zeros([shape(s)[0], ms - (2 * sr + 1)], dtype=s.dtype),
                    s[:, -sr:]], 1)
        t = concat([reverse(s, [1]), reverse(s, [1])], 1)
        s_matrix = stack([t[:, ms - i - 1:2 * ms - i - 1] for i in range(ms)], axis=1)
        w_sharp = E.pow(reduce_sum(expand_dims(w_g, 1) * s_matrix, axis=2),
                        expand_dims(gamma, 1))
        return w_sharp / reduce_sum(w_sharp, axis=1, keepdims=True)

    def zero_state(self, batch_size, dtype):
        """Zeros for the reads, weights and memory, the controller's zero state and time 0
        (an int32 scalar); at time 0 the cell starts from its initial_* variables.

            state = ntm.zero_state(batch, gc.float32)
        """
        ms, mvd = self.memory_size, self.memory_vector_dim
        return NTMControllerState(
            self.controller.zero_state(batch_size, dtype),
            [zeros([batch_size, mvd], dtype=dtype) for _ in range(self.read_head_num)],
            [zeros([batch_size, ms], dtype=dtype) for _ in range(self.num_heads)],
            zeros([batch_size, ms, mvd], dtype=dtype), convert_to_tensor(0))
