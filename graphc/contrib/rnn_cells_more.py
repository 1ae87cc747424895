"""More of tf.contrib.rnn's cells (TF 1.15 contrib/rnn/python/ops/rnn_cell.py):
LayerNormBasicLSTMCell, CoupledInputForgetGateLSTMCell, NASCell, UGRNNCell,
IntersectionRNNCell and GLSTMCell (PhasedLSTMCell: rnn_cells_phased.py).

    cell = gc.contrib.rnn.LayerNormBasicLSTMCell(32)   # 'layer_norm_basic_lstm_cell/kernel',
    outputs, state = gc.nn.dynamic_rnn(cell, x, dtype=gc.float32)    # '.../input/gamma', ...

TF 1.15 makes most of these variables with get_variable inside `call`; graphc makes the
same variables (same names, shapes and initializers) in `build`, so the cells also run
inside dynamic_rnn's loop. Formulas are TF 1.15's.
"""
from ..initializers import constant_initializer, zeros_initializer
from ..ops import elementwise as E
from ..ops.broadcast import clip_by_value
from ..ops.join import concat, split
from ..ops.linalg import matmul
from ..ops.nn import bias_add
from ..ops.reduce import reduce_mean
from ..ops.rnn_cell_base import LSTMStateTuple, RNNCell
from ..ops.rnn_cells import _activation, _check_step, _input_depth, _units
from ..ops.rnn_wrappers import _keep_prob, _should_dropout
from ..ops.nn import dropout as nn_dropout

__all__ = ["LayerNormBasicLSTMCell", "CoupledInputForgetGateLSTMCell", "NASCell",
           "UGRNNCell", "IntersectionRNNCell", "GLSTMCell"]


def _layer_norm(x, gamma, beta):
    """(x - mean) / sqrt(var + 1e-12) * gamma + beta over the last axis (contrib's
    layer_norm on a (batch, n) tensor)."""
    mean = reduce_mean(x, [1], keepdims=True)
    var = reduce_mean(E.square(x - mean), [1], keepdims=True)
    return (x - mean) * E.rsqrt(var + 1e-12) * gamma + beta


def _norm_vars(cell, scope, n, gain, shift):
    """'scope/gamma' (gain) and 'scope/beta' (shift), each (n,)."""
    return (cell.add_variable(f"{scope}/gamma", [n], initializer=constant_initializer(gain)),
            cell.add_variable(f"{scope}/beta", [n], initializer=constant_initializer(shift)))


def _sharded(cell, name, shape, shards):
    """TF 1.15's _get_concat_variable: rows split over 'name_0', 'name_1', ...
    (the first shape[0] % shards shards one row longer), concatenated."""
    if shards > shape[0]:
        raise ValueError(f"Too many shards: shape={shape}, num_shards={shards}")
    size, extra = shape[0] // shards, shape[0] % shards
    parts = [cell.add_variable(f"{name}_{i}", [size + (i < extra)] + list(shape[1:]))
             for i in range(shards)]
    return parts[0] if len(parts) == 1 else concat(parts, 0)


def _linear_vars(cell, prefix, rows, cols, bias=True, initializer=None):
    """contrib's _Linear: 'prefix/kernel' (rows, cols) and 'prefix/bias' (cols,), zeros."""
    p = prefix + "/" if prefix else ""
    k = cell.add_variable(p + "kernel", [rows, cols], initializer=initializer)
    b = cell.add_variable(p + "bias", [cols], initializer=zeros_initializer()) if bias else None
    return k, b


def _apply(parts, kernel, bias=None):
    y = matmul(parts[0] if len(parts) == 1 else concat(parts, 1), kernel)
    return y if bias is None else bias_add(y, bias)


class LayerNormBasicLSTMCell(RNNCell):
    """A basic LSTM with layer normalization and recurrent dropout (TF 1.15):
    i, j, f, o = split([x, h] @ kernel (+ bias without layer_norm)), each layer-normed
    ('input', 'transform', 'forget', 'output'); g = dropout(activation(j));
    c' = ln_state(c * sigmoid(f + forget_bias) + sigmoid(i) * g);
    h' = activation(c') * sigmoid(o).

        cell = gc.contrib.rnn.LayerNormBasicLSTMCell(16, dropout_keep_prob=0.9, dropout_prob_seed=1)

    Inside dynamic_rnn the dropout masks are drawn before the loop (as DropoutWrapper's).
    """

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=None,
                 layer_norm=True, norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._activation = _activation(activation)
        self._forget_bias = forget_bias
        self._keep_prob = _keep_prob(dropout_keep_prob, "dropout_keep_prob")
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain, self._norm_shift = norm_gain, norm_shift
        self._step_noise = {}

    state_size = property(lambda self: LSTMStateTuple(self._num_units, self._num_units))
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._kernel = self.add_variable("kernel", [depth + n, 4 * n])
        self._bias = None if self._layer_norm else self.add_variable("bias", [4 * n])
        self._norms = {}
        if self._layer_norm:
            for s in ("input", "transform", "forget", "output", "state"):
                self._norms[s] = _norm_vars(self, s, n, self._norm_gain, self._norm_shift)
        self.built = True

    def _register_noise(self, noise, input_dims):
        if _should_dropout(self._keep_prob):
            noise.request(self, ("g", 0), [self._num_units], self._seed)

    def _norm(self, x, scope):
        return _layer_norm(x, *self._norms[scope]) if self._layer_norm else x

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        c, h = state
        i, j, f, o = split(_apply([inputs, h], self._kernel, self._bias), 4, axis=1)
        i, j, f, o = (self._norm(t, s) for t, s in
                      zip((i, j, f, o), ("input", "transform", "forget", "output")))
        g = self._activation(j)
        if _should_dropout(self._keep_prob):
            u = self._step_noise.get(("g", 0))
            g = nn_dropout(g, keep_prob=self._keep_prob, seed=self._seed) if u is None \
                else E.divide(g, self._keep_prob) * E.floor(self._keep_prob + u)
        new_c = self._norm(c * E.sigmoid(f + self._forget_bias) + E.sigmoid(i) * g, "state")
        new_h = self._activation(new_c) * E.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


def _lstm_sizes(cell, num_units, num_proj, state_is_tuple=True):
    cell._num_units = _units(num_units)
    cell._num_proj = None if num_proj is None else _units(num_proj, "num_proj")
    m = cell._num_proj or cell._num_units
    cell._state_size = LSTMStateTuple(cell._num_units, m) if state_is_tuple \
        else cell._num_units + m
    cell._output_size = m


class CoupledInputForgetGateLSTMCell(RNNCell):
    """An LSTM whose input gate is 1 - forget gate (TF 1.15), optional peepholes,
    projection and layer normalization: j, f, o = split([x, m] @ W_0 (+ B));
    f = sigmoid(f + forget_bias (+ W_F_diag * c)); c' = f * c + (1 - f) * act(j);
    m' = sigmoid(o (+ W_O_diag * c')) * act(c') (@ W_P_0, clipped to proj_clip).

        cell = gc.contrib.rnn.CoupledInputForgetGateLSTMCell(16, use_peepholes=True)

    Variables: W_0 (depth + m, 3 * units) (W_0, W_1, ... with num_unit_shards), B (zeros,
    made but unused with layer_norm), W_F_diag, W_O_diag, W_P_0; with layer_norm
    transform/, forget/, output/, state/ gamma and beta. `initializer` is unused (TF).
    """

    def __init__(self, num_units, use_peepholes=False, initializer=None, num_proj=None,
                 proj_clip=None, num_unit_shards=1, num_proj_shards=1, forget_bias=1.0,
                 state_is_tuple=True, activation=None, reuse=None, layer_norm=False,
                 norm_gain=1.0, norm_shift=0.0):
        super().__init__(_reuse=reuse)
        _lstm_sizes(self, num_units, num_proj, state_is_tuple)
        self._use_peepholes, self._proj_clip = use_peepholes, proj_clip
        self._shards = (num_unit_shards, num_proj_shards)
        self._forget_bias, self._state_is_tuple = forget_bias, state_is_tuple
        self._activation = _activation(activation)
        self._layer_norm, self._gain, self._shift = layer_norm, norm_gain, norm_shift

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, inputs_shape):
        depth, n, m = _input_depth(self, inputs_shape), self._num_units, self._output_size
        self._w = _sharded(self, "W", [depth + m, 3 * n], self._shards[0])
        self._b = self.add_variable("B", [3 * n], initializer=zeros_initializer())
        self._norms = {s: _norm_vars(self, s, n, self._gain, self._shift)
                       for s in ("transform", "forget", "output", "state")} \
            if self._layer_norm else {}
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("W_F_diag", [n])
            self._w_o_diag = self.add_variable("W_O_diag", [n])
        if self._num_proj is not None:
            self._w_p = _sharded(self, "W_P", [n, self._num_proj], self._shards[1])
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        n, act = self._num_units, self._activation
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev, m_prev = split(state, [n, self._output_size], axis=1)
        j, f, o = split(_apply([inputs, m_prev], self._w,
                               None if self._layer_norm else self._b), 3, axis=1)
        if self._layer_norm:
            j, f, o = (_layer_norm(t, *self._norms[s])
                       for t, s in zip((j, f, o), ("transform", "forget", "output")))
        f_in = f + self._forget_bias
        f_act = E.sigmoid(f_in + self._w_f_diag * c_prev if self._use_peepholes else f_in)
        c = f_act * c_prev + (1 - f_act) * act(j)
        if self._layer_norm:
            c = _layer_norm(c, *self._norms["state"])
        m = E.sigmoid(o + self._w_o_diag * c if self._use_peepholes else o) * act(c)
        if self._num_proj is not None:
            m = matmul(m, self._w_p)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, (LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1))


class NASCell(RNNCell):
    """The recurrent cell found by Neural Architecture Search (TF 1.15): eight branches
    of x @ kernel and m @ recurrent_kernel (+ bias) combined by TF's fixed tree of
    sigmoid/relu/tanh; optional projection.

        cell = gc.contrib.rnn.NASCell(16, num_proj=8, use_bias=True)
        # 'nas_cell/recurrent_kernel' (8, 128), 'kernel' (depth, 128), 'bias',
        # 'projection_weights' (16, 8)
    """

    def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None, **kwargs):
        super().__init__(_reuse=reuse, **kwargs)
        _lstm_sizes(self, num_units, num_proj)
        self._use_bias = use_bias

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self.recurrent_kernel = self.add_variable("recurrent_kernel",
                                                  [self._output_size, 8 * n])
        self.kernel = self.add_variable("kernel", [depth, 8 * n])
        if self._use_bias:
            self.bias = self.add_variable("bias", [8 * n], initializer=zeros_initializer())
        if self._num_proj is not None:
            self.projection_weights = self.add_variable("projection_weights",
                                                        [n, self._num_proj])
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        c_prev, m_prev = state
        mm = matmul(m_prev, self.recurrent_kernel)
        if self._use_bias:
            mm = bias_add(mm, self.bias)
        a = split(matmul(inputs, self.kernel), 8, axis=1)
        b = split(mm, 8, axis=1)
        sig, tanh, relu = E.sigmoid, E.tanh, E.relu
        l1 = [sig(a[0] + b[0]), relu(a[1] + b[1]), sig(a[2] + b[2]), relu(a[3] * b[3]),
              tanh(a[4] + b[4]), sig(a[5] + b[5]), tanh(a[6] + b[6]), sig(a[7] + b[7])]
        l2_0 = tanh(tanh(l1[0] * l1[1]) + c_prev)
        l2_1, l2_2 = tanh(l1[2] + l1[3]), tanh(l1[4] * l1[5])
        l2_3 = sig(l1[6] + l1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))
        if self._num_proj is not None:
            new_m = matmul(new_m, self.projection_weights)
        return new_m, LSTMStateTuple(new_c, new_m)


class UGRNNCell(RNNCell):
    """The Update Gate RNN (TF 1.15): g, c = split([x, h] @ kernel + bias);
    h' = sigmoid(g + forget_bias) * h + (1 - sigmoid(g + forget_bias)) * act(c).

        cell = gc.contrib.rnn.UGRNNCell(16)     # 'ugrnn_cell/kernel' (depth+16, 32), 'bias'
    """

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=None,
                 reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._initializer, self._forget_bias = initializer, forget_bias
        self._activation = _activation(activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._k, self._b = _linear_vars(self, "", depth + n, 2 * n,
                                        initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        g_act, c_act = split(_apply([inputs, state], self._k, self._b), 2, axis=1)
        g = E.sigmoid(g_act + self._forget_bias)
        new = g * state + (1.0 - g) * self._activation(c_act)
        return new, new


class IntersectionRNNCell(RNNCell):
    """The Intersection RNN (+RNN, TF 1.15): x (projected to num_units by
    'in_projection' when its depth differs, which needs num_in_proj);
    gh, h, gy, y = split([x, s] @ kernel + bias); s' = gh * s + (1 - gh) * tanh(h),
    out = gy * x + (1 - gy) * y_activation(y), with gh, gy = sigmoid(. + forget_bias).

        cell = gc.contrib.rnn.IntersectionRNNCell(16, num_in_proj=16)
    """

    def __init__(self, num_units, num_in_proj=None, initializer=None, forget_bias=1.0,
                 y_activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = _units(num_units)
        self._num_input_proj = num_in_proj
        self._initializer, self._forget_bias = initializer, forget_bias
        self._y_activation = E.relu if y_activation is None else _activation(y_activation)

    state_size = property(lambda self: self._num_units)
    output_size = property(lambda self: self._num_units)

    def build(self, inputs_shape):
        depth, n = _input_depth(self, inputs_shape), self._num_units
        self._proj = None
        if depth != n:
            if not self._num_input_proj:
                raise ValueError("Must have input size == output size for Intersection RNN. "
                                 "To fix, num_in_proj should be set to num_units at cell "
                                 "init.")
            self._proj = _linear_vars(self, "in_projection", depth, n,
                                      initializer=self._initializer)
        self._k, self._b = _linear_vars(self, "", 2 * n, 4 * n, initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        if self._proj is not None:
            inputs = _apply([inputs], *self._proj)
        gh, h, gy, y = split(_apply([inputs, state], self._k, self._b), 4, axis=1)
        gh, gy = E.sigmoid(gh + self._forget_bias), E.sigmoid(gy + self._forget_bias)
        new_state = gh * state + (1.0 - gh) * E.tanh(h)
        new_y = gy * inputs + (1.0 - gy) * self._y_activation(y)
        return new_y, new_state


class GLSTMCell(RNNCell):
    """The group LSTM (G-LSTM, TF 1.15): the inputs and m split into number_of_groups
    equal parts; group k's gates [x_k, m_k] @ 'group<k>/kernel' (no bias), concatenated,
    plus bias_i, bias_j, bias_f, bias_o (zeros); then an LSTM step and an optional
    'projection/kernel'.

        cell = gc.contrib.rnn.GLSTMCell(16, number_of_groups=2)
    """

    def __init__(self, num_units, initializer=None, num_proj=None, number_of_groups=1,
                 forget_bias=1.0, activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        _lstm_sizes(self, num_units, num_proj)
        self._initializer, self._groups = initializer, number_of_groups
        self._forget_bias, self._activation = forget_bias, _activation(activation)
        if self._num_units % number_of_groups:
            raise ValueError("num_units must be divisible by number_of_groups")
        if self._num_proj and self._num_proj % number_of_groups:
            raise ValueError("num_proj must be divisible by number_of_groups")
        self._group_shape = [self._output_size // number_of_groups,
                             self._num_units // number_of_groups]

    state_size = property(lambda self: self._state_size)
    output_size = property(lambda self: self._output_size)

    def build(self, inputs_shape):
        depth, n, g = _input_depth(self, inputs_shape), self._num_units, self._groups
        if depth % g:
            raise ValueError(f"input size ({depth}) must be divisible by number_of_groups "
                             f"({g})")
        self._in_group = depth // g
        self._kernels = [self.add_variable(f"group{k}/kernel",
                                           [self._in_group + self._group_shape[0],
                                            4 * self._group_shape[1]],
                                           initializer=self._initializer) for k in range(g)]
        self._biases = [self.add_variable(f"bias_{s}", [n], initializer=zeros_initializer())
                        for s in "ijfo"]
        if self._num_proj is not None:
            self._proj = self.add_variable("projection/kernel", [n, self._num_proj],
                                           initializer=self._initializer)
        self.built = True

    def call(self, inputs, state):
        _check_step(self, inputs, state)
        c_prev, m_prev = state
        xs = split(inputs, self._groups, axis=1)
        ms = split(m_prev, self._groups, axis=1)
        parts = [split(_apply([x, m], k), 4, axis=1)
                 for x, m, k in zip(xs, ms, self._kernels)]
        i, j, f, o = (bias_add(concat([p[q] for p in parts], 1), b)
                      for q, b in enumerate(self._biases))
        c = E.sigmoid(f + self._forget_bias) * c_prev + E.sigmoid(i) * E.tanh(j)
        m = E.sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = matmul(m, self._proj)
        return m, LSTMStateTuple(c, m)
