"""tf.nn.rnn_cell's composite cells (TF1 1.15): MultiRNNCell, DropoutWrapper and
ResidualWrapper.

    cells = [gc.nn.rnn_cell.DropoutWrapper(gc.nn.rnn_cell.BasicLSTMCell(64),
                                           output_keep_prob=keep) for _ in range(2)]
    cell = gc.nn.rnn_cell.MultiRNNCell(cells)   # 'multi_rnn_cell/cell_0/basic_lstm_cell/...'

The wrappers open no variable scope of their own (the wrapped cell's variables keep
their names); MultiRNNCell puts cell i under 'cell_i'.

Dropout inside dynamic_rnn: a random op in a loop's body would make the Loop stateful,
and the Loop's gradient (which replays the loop) is refused. So dynamic_rnn asks each
DropoutWrapper for the masks it needs (`_register_noise`), draws uniform noise for all
time steps before the loop (a _StepNoise) and hands the wrapper its slice at each step:
the masks are TF1's (a fresh one per step, floor(keep_prob + u)), and gradients go
through.
"""
import contextlib
import hashlib
import numbers

from .. import errors
from ..graph import Tensor, name_scope
from ..shapes import TensorShape
from . import elementwise as E
from .core import convert_to_tensor
from .indexing import slice as slice_
from .join import concat
from .nn import dropout as nn_dropout
from .random import random_uniform
from .registry import constant_value
from .rnn_cell_base import LSTMStateTuple, RNNCell, flatten, map_structure, pack_as, size_dims
from .scope import variable_scope

__all__ = ["MultiRNNCell", "DropoutWrapper", "ResidualWrapper"]


def assert_like_rnncell(cell_name, cell):
    """A TypeError unless `cell` has output_size, state_size, zero_state and is callable."""
    missing = [m for ok, m in [
        (hasattr(cell, "output_size"), "'output_size' property is missing"),
        (hasattr(cell, "state_size"), "'state_size' property is missing"),
        (hasattr(cell, "zero_state") or hasattr(cell, "get_initial_state"),
         "either 'zero_state' or 'get_initial_state' method is required"),
        (callable(cell), "is not callable")] if not ok]
    if missing:
        raise TypeError(f"The argument {cell_name!r} ({cell!r}) is not an RNNCell: "
                        f"{', '.join(missing)}.")


class MultiRNNCell(RNNCell):
    """Cells run in sequence, each on the previous one's output (TF1).

        cell = gc.nn.rnn_cell.MultiRNNCell([gc.nn.rnn_cell.GRUCell(n) for n in (64, 32)])

    The state is a tuple with one entry per cell (state_is_tuple=False: their
    concatenation, for cells with plain states); cell i's variables are under 'cell_i'.
    """

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not isinstance(cells, (list, tuple)):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells!r}.")
        for i, c in enumerate(cells):
            assert_like_rnncell(f"cells[{i}]", c)
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(isinstance(c.state_size, (tuple, list))
                                      for c in self._cells):
            raise ValueError(f"Some cells return tuples of states, but the flag "
                             f"state_is_tuple is not set.  State sizes are: "
                             f"{[c.state_size for c in self._cells]}")

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(c.state_size for c in self._cells)
        return sum(c.state_size for c in self._cells)

    output_size = property(lambda self: self._cells[-1].output_size)

    def _sub_cells(self):
        return [c for c in self._cells if isinstance(c, RNNCell)]

    def zero_state(self, batch_size, dtype):
        if self._state_is_tuple:
            with name_scope(type(self).__name__ + "ZeroState"):
                return tuple(c.zero_state(batch_size, dtype) for c in self._cells)
        return super().zero_state(batch_size, dtype)

    def build(self, inputs_shape):
        """Build each cell under 'cell_i', on the previous cell's output shape."""
        shape = inputs_shape
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if hasattr(cell, "_prebuild"):
                    cell._prebuild(shape, self.dtype)
            first = TensorShape(flatten(shape)[0])
            shape = TensorShape([first._dims[0] if first.rank else None]
                                + size_dims(cell.output_size))
        self.built = True

    def _register_noise(self, noise, input_dims):
        for cell in self._cells:
            if hasattr(cell, "_register_noise"):
                cell._register_noise(noise, input_dims)
            input_dims = size_dims(cell.output_size)

    def call(self, inputs, state):
        pos, x, new_states = 0, inputs, []
        for i, cell in enumerate(self._cells):
            with variable_scope(f"cell_{i}"):
                if self._state_is_tuple:
                    if not isinstance(state, (tuple, list)) or len(state) != len(self._cells):
                        raise ValueError(f"Expected state to be a tuple of length "
                                         f"{len(self._cells)}, but received: {state!r}")
                    cur = state[i]
                else:
                    cur = slice_(state, [0, pos], [-1, cell.state_size])
                    pos += cell.state_size
                x, new = cell(x, cur)
                new_states.append(new)
        return x, tuple(new_states) if self._state_is_tuple else concat(new_states, 1)


# ---- what both wrappers share: sizes, state and variables are the wrapped cell's ----------
def _init_wrapper(self, cell):
    RNNCell.__init__(self)
    assert_like_rnncell("cell", cell)
    self._cell = cell


def _wrapped_sub_cells(self):
    return [self._cell] if isinstance(self._cell, RNNCell) else []


def _wrapped_zero_state(self, batch_size, dtype):
    with name_scope(type(self).__name__ + "ZeroState"):
        return self._cell.zero_state(batch_size, dtype)


def _wrapped_prebuild(self, inputs_shape, dtype, scope=None):
    """The wrapped cell's: a wrapper opens no scope of its own."""
    if hasattr(self._cell, "_prebuild"):
        self._cell._prebuild(inputs_shape, dtype, scope)


def _wrapped_register_noise(self, noise, input_dims):
    if hasattr(self._cell, "_register_noise"):
        self._cell._register_noise(noise, input_dims)


def _default_state_filter(substate):
    """Dropout on every part of the state but an LSTM's memory c (TF1's default)."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def _state_plan(visitor, state):
    """One bool per leaf of `state`: drop it out? (TF1's get_traverse_shallow_structure
    with the visitor, expanded to the leaves.)"""
    plan = []

    def visit(s, on):
        if not on:
            plan.extend([False] * len(flatten(s)))
            return
        t = visitor(s)
        if not isinstance(s, (tuple, list)):
            if not isinstance(t, bool):
                raise TypeError(f"dropout_state_filter_visitor returned {t!r} for a leaf; "
                                "it must return a bool")
            plan.append(t)
        elif isinstance(t, bool):
            for part in s:
                visit(part, t)
        else:
            if not isinstance(t, (tuple, list)) or len(t) != len(s):
                raise TypeError(f"dropout_state_filter_visitor returned {t!r} for {s!r}; "
                                "it must return a bool or one bool per part")
            for part, flag in zip(s, t):
                visit(part, flag)
    visit(state, True)
    return plan


class DropoutWrapper(RNNCell):
    """Dropout on a cell's inputs, new state and output (TF1 DropoutWrapper).

        keep = gc.placeholder_with_default(1.0, [])      # feed 0.8 while training
        cell = gc.nn.rnn_cell.DropoutWrapper(gc.nn.rnn_cell.GRUCell(32),
                                             output_keep_prob=keep, seed=1)

    Each keep probability is a float in (0, 1] (1: no dropout there) or a scalar tensor
    of the values' dtype. A fresh mask per step; with variational_recurrent=True one mask
    drawn per run, shared by every step and every batch entry (TF1; give `dtype`, and
    `input_size` when inputs are dropped). State dropout skips an LSTM's memory c unless
    dropout_state_filter_visitor says otherwise.
    """

    wrapped_cell = property(lambda self: self._cell)
    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)
    _sub_cells = _wrapped_sub_cells
    zero_state = _wrapped_zero_state
    _prebuild = _wrapped_prebuild

    def __init__(self, cell, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0,
                 variational_recurrent=False, input_size=None, dtype=None, seed=None,
                 dropout_state_filter_visitor=None):
        _init_wrapper(self, cell)
        if dropout_state_filter_visitor is not None and not callable(
                dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._filter = dropout_state_filter_visitor or _default_state_filter
        for attr, p in [("input_keep_prob", input_keep_prob),
                        ("state_keep_prob", state_keep_prob),
                        ("output_keep_prob", output_keep_prob)]:
            setattr(self, "_" + attr, _keep_prob(p, attr))
        self._variational_recurrent = variational_recurrent
        self._seed = seed
        self._step_noise = {}       # (kind, i) -> this step's noise, while dynamic_rnn traces
        self._recurrent = {}        # kind -> noise per leaf (variational_recurrent)
        if variational_recurrent:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")
            if _should_dropout(self._input_keep_prob):
                if input_size is None:
                    raise ValueError("When variational_recurrent=True and input_keep_prob < "
                                     "1.0 or is unknown, input_size must be provided")
                self._recurrent["input"] = self._batch_noise("input", input_size, dtype)
            self._recurrent["state"] = self._batch_noise("state", cell.state_size, dtype)
            self._recurrent["output"] = self._batch_noise("output", cell.output_size, dtype)

    def _batch_noise(self, kind, sizes, dtype):
        """One draw of shape (1,) + size per leaf: the same for the whole batch (TF1)."""
        return [random_uniform([1] + size_dims(s), dtype=dtype, seed=self._gen_seed(kind, i))
                for i, s in enumerate(flatten(sizes))]

    def _gen_seed(self, salt_prefix, index):
        """TF1's per-mask seed: md5 of str(seed) + salt, or None without a seed."""
        if self._seed is None:
            return None
        digest = hashlib.md5(f"{self._seed}{salt_prefix}_{index}".encode("utf-8"))
        return int(digest.hexdigest()[:8], 16) & 0x7FFFFFFF

    def _register_noise(self, noise, input_dims):
        if not self._variational_recurrent:
            if _should_dropout(self._input_keep_prob):
                noise.request(self, ("input", 0), input_dims, self._gen_seed("input", 0))
            if _should_dropout(self._state_keep_prob):
                sizes = flatten(self._cell.state_size)
                plan = _state_plan(self._filter, self._cell.state_size)
                for i, (s, on) in enumerate(zip(sizes, plan)):
                    if on:
                        noise.request(self, ("state", i), size_dims(s),
                                      self._gen_seed("state", i))
            if _should_dropout(self._output_keep_prob):
                for i, s in enumerate(flatten(self._cell.output_size)):
                    noise.request(self, ("output", i), size_dims(s),
                                  self._gen_seed("output", i))
        _wrapped_register_noise(self, noise, input_dims)

    def _drop(self, kind, i, v, keep):
        if isinstance(keep, Tensor) and keep.dtype is not v.dtype:
            raise errors.DTypeError(
                f"DropoutWrapper: {kind}_keep_prob is {keep.dtype.name} but the {kind} is "
                f"{v.dtype.name}; graphc never converts: use gc.cast\n  "
                + errors.describe_tensor(keep, f"{kind}_keep_prob") + "\n  "
                + errors.describe_tensor(v, kind))
        if self._variational_recurrent:
            noise = self._recurrent[kind][i]
        else:
            noise = self._step_noise.get((kind, i))
        if noise is None:
            return nn_dropout(v, keep_prob=keep, seed=self._gen_seed(kind, i))
        # floor(keep + u) is 1 with probability keep, for u uniform in [0, 1); the
        # result keeps v's shape, whatever keep's (an unshaped placeholder), as TF's
        out = E.divide(v, keep) * E.floor(keep + noise)
        out.set_shape(v.shape)
        return out

    def __call__(self, inputs, state, scope=None):
        """The wrapped cell's step with dropout on its inputs, new state and output."""
        if _should_dropout(self._input_keep_prob):
            inputs = pack_as(inputs, [self._drop("input", i, convert_to_tensor(v),
                                                 self._input_keep_prob)
                                      for i, v in enumerate(flatten(inputs))])
        output, new_state = self._cell(inputs, state, scope=scope)
        if _should_dropout(self._state_keep_prob):
            plan = _state_plan(self._filter, new_state)
            new_state = pack_as(new_state, [
                self._drop("state", i, v, self._state_keep_prob) if on else v
                for i, (v, on) in enumerate(zip(flatten(new_state), plan))])
        if _should_dropout(self._output_keep_prob):
            output = pack_as(output, [self._drop("output", i, v, self._output_keep_prob)
                                      for i, v in enumerate(flatten(output))])
        return output, new_state


def _keep_prob(p, attr):
    """A float when known at build time (checked to be in (0, 1]), else the tensor."""
    value = constant_value(p) if isinstance(p, Tensor) else p
    if value is None:
        return p
    if not isinstance(value, (numbers.Real,)) and getattr(value, "ndim", 1) != 0:
        raise ValueError(f"Parameter {attr} must be a scalar, got {value!r}")
    value = float(value)
    if not 0 < value <= 1:
        raise ValueError(f"Parameter {attr} must be in (0, 1]: {value}")
    return value


def _should_dropout(p):
    return not isinstance(p, float) or p < 1


class ResidualWrapper(RNNCell):
    """The wrapped cell's output plus its inputs: residual_fn(inputs, output) (TF1).

        cell = gc.nn.rnn_cell.ResidualWrapper(gc.nn.rnn_cell.GRUCell(depth))

    The default residual_fn adds them, part by part; their shapes must agree.
    """

    wrapped_cell = property(lambda self: self._cell)
    state_size = property(lambda self: self._cell.state_size)
    output_size = property(lambda self: self._cell.output_size)
    _sub_cells = _wrapped_sub_cells
    zero_state = _wrapped_zero_state
    _prebuild = _wrapped_prebuild
    _register_noise = _wrapped_register_noise

    def __init__(self, cell, residual_fn=None):
        _init_wrapper(self, cell)
        self._residual_fn = residual_fn

    def __call__(self, inputs, state, scope=None):
        """(residual_fn(inputs, output), new_state) from the wrapped cell's step."""
        output, new_state = self._cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        if len(flatten(inputs)) != len(flatten(output)):
            raise ValueError("ResidualWrapper: the cell's inputs and outputs have different "
                             f"structures: {inputs!r} and {output!r}")
        return map_structure(_add_residual, inputs, output), new_state


def _add_residual(x, y):
    x = convert_to_tensor(x)
    if x.shape._dims is not None and y.shape._dims is not None and (
            len(x.shape._dims) != len(y.shape._dims) or any(
                isinstance(a, int) and isinstance(b, int) and a != b
                for a, b in zip(x.shape._dims, y.shape._dims))):
        raise errors.ShapeError(
            "ResidualWrapper: the cell's inputs and outputs must have the same shape\n  "
            + errors.describe_tensor(x, "inputs") + "\n  " + errors.describe_tensor(y, "output"))
    return x + y


class _StepNoise:
    """Uniform noise for every step of a loop over time, drawn before the loop, for the
    DropoutWrappers in it (see the module docstring). dynamic_rnn slices it per step."""

    def __init__(self):
        self.requests = []          # (wrapper, key, dims, seed)

    def request(self, wrapper, key, dims, seed):
        if not any(w is wrapper and k == key for w, k, _, _ in self.requests):
            self.requests.append((wrapper, key, list(dims), seed))

    def draw(self, steps, batch, dtype):
        """One (steps, batch) + dims tensor per request."""
        return [random_uniform([steps, batch] + dims, dtype=dtype, seed=seed)
                for _, _, dims, seed in self.requests]

    @contextlib.contextmanager
    def bound(self, slices):
        """While one step is traced, each wrapper reads its slice of this step."""
        for (w, key, _, _), s in zip(self.requests, slices):
            w._step_noise[key] = s
        try:
            yield
        finally:
            for w, _, _, _ in self.requests:
                w._step_noise.clear()
