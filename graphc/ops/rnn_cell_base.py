"""The base of tf.nn.rnn_cell (TF1 1.15): RNNCell, LSTMStateTuple, and the nested
structures (TF1's nest) that states and sizes come in.

    class MinimalCell(gc.nn.rnn_cell.RNNCell):       # see RNNCell
        ...

A cell is a TF1 layer used once or many times: on its first use it captures a variable
scope (`name`, else a unique 'basic_lstm_cell', 'basic_lstm_cell_1', ... inside the
current scope) and creates its variables there in `build(inputs_shape)`; later calls
reuse them. dynamic_rnn builds a cell (`_prebuild`, what the first call does before
computing) before tracing the loop over time, whose body then only reads them.
"""
import collections
import contextlib
import re

from .. import dtypes
from ..graph import Tensor, name_scope
from ..shapes import as_shape
from .control import _flatten, _unflatten
from .core import convert_to_tensor
from .creation import zeros
from .graphkeys import GraphKeys, get_collection
from .scope import variable_scope
from .varstore import get_variable

__all__ = ["RNNCell", "LSTMStateTuple"]


# ---- nested structures (TF1's nest, over tuples, lists, namedtuples and dicts) --------------
def flatten(structure):
    leaves = []
    _flatten(structure, leaves)
    return leaves


def pack_as(structure, leaves):
    """`leaves` in the nesting of `structure`."""
    return _unflatten(_flatten(structure, []), iter(leaves))


def map_structure(fn, *structures):
    flat = [flatten(s) for s in structures]
    if any(len(f) != len(flat[0]) for f in flat):
        raise ValueError(f"structures differ: {[len(f) for f in flat]} elements")
    return pack_as(structures[0], [fn(*xs) for xs in zip(*flat)])


def size_dims(size):
    """The dims of one entry of a state_size or output_size: an int or a TensorShape."""
    if isinstance(size, Tensor):
        raise TypeError(f"a state or output size must be an int or TensorShape, not a tensor "
                        f"({size.name})")
    return as_shape(size).as_list()


def _to_snake_case(name):
    """TF1's layer base name: 'BasicLSTMCell' -> 'basic_lstm_cell'."""
    s = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s if s[0] != "_" else "private" + s


def _float_dtype(dtype):
    if dtype is None:
        return None
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"RNN cell only supports floating point inputs, but saw dtype: "
                         f"{dtype.name}")
    return dtype


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """The state of an LSTM cell: (c, h), the memory and the output (TF1).

        c, h = state            # state = LSTMStateTuple(c, h)
    """
    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype is not h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype.name} vs {h.dtype.name}")
        return c.dtype


class RNNCell:
    """An RNN cell (TF1 tf.nn.rnn_cell.RNNCell): `(output, new_state) = cell(inputs,
    state)` for one time step. Subclasses give `state_size`, `output_size`, create their
    variables in `build(inputs_shape)` with `self.add_variable` and compute in `call`.

        class MinimalCell(gc.nn.rnn_cell.RNNCell):
            state_size = output_size = 4
            def build(self, inputs_shape):
                self.w = self.add_variable("w", [inputs_shape[-1], 4])
            def call(self, inputs, state):
                h = gc.tanh(gc.matmul(inputs, self.w) + state)
                return h, h

    A cell that calls gc.get_variable in `call` works when called directly (static_rnn),
    but dynamic_rnn needs its variables made in `build`: it runs `call` inside a loop.
    """

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None):
        self.trainable = trainable
        self._name = name
        self._base_name = name or _to_snake_case(type(self).__name__)
        self._dtype = _float_dtype(dtype)
        self._reuse = _reuse
        self._scope = None          # the VariableScope captured on first use
        self._weights = []          # variables this cell made or got, in order
        self.built = False

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def dtype(self):
        return self._dtype

    @property
    def name(self):
        return self._scope.name.split("/")[-1] if self._scope is not None else self._base_name

    @property
    def scope_name(self):
        return self._scope.name if self._scope is not None else None

    @property
    def variables(self):
        return list(self._weights) + [v for c in self._sub_cells() for v in c.variables]

    weights = variables

    @property
    def trainable_variables(self):
        trainable = get_collection(GraphKeys.TRAINABLE_VARIABLES)
        return [v for v in self.variables if any(v is t for t in trainable)]

    trainable_weights = trainable_variables

    def _sub_cells(self):
        return []

    def build(self, inputs_shape):
        """Create the cell's variables (TF1 Layer.build); the first call (or dynamic_rnn,
        before its loop) runs it in the cell's scope with the inputs' shape:

            def build(self, inputs_shape):
                self.w = self.add_variable("w", [inputs_shape[-1], 4])
        """
        self.built = True

    def call(self, inputs, state):
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs, state)")

    def __call__(self, inputs, state, scope=None):
        """(output, new_state): one step from `state` on `inputs` (a (batch, depth) tensor).

            out, state = cell(x_t, state)

        The first call captures the cell's variable scope (`scope` if given) and builds
        it; later calls reuse its variables wherever they are made.
        """
        inputs = map_structure(convert_to_tensor, inputs)
        first = flatten(inputs)[0]
        shapes = map_structure(lambda t: t.shape, inputs)
        with self._scoped(scope, shapes, first.dtype):
            return self.call(inputs, state)

    def _prebuild(self, inputs_shape, dtype, scope=None):
        """Capture the scope and build, as the first call would, without computing a
        step (dynamic_rnn does this outside its loop). A TF 1.0-style cell that never
        ran RNNCell.__init__ (and overrides __call__) makes its variables in its first
        call instead, in the loop's body, as TF's dynamic_rnn lets it."""
        if "_scope" not in vars(self):
            return
        with self._scoped(scope, inputs_shape, dtype, calling=False):
            pass

    def _register_noise(self, noise, input_dims):
        """Ask `noise` (a _StepNoise) for the per-step draws this cell makes: none."""

    def _set_scope(self, scope=None):
        if self._scope is not None:
            return
        if self._reuse:
            with variable_scope(scope if scope is not None else self._base_name) as captured:
                pass
        else:
            with variable_scope(scope, default_name=self._base_name) as captured:
                pass
        self._scope = captured

    @contextlib.contextmanager
    def _scoped(self, scope, inputs_shape, dtype, calling=True):
        """In the cell's variable scope (reusing after the first call) and first name
        scope; builds the cell on its first use. A first call after _prebuild still makes
        the variables `call` asks get_variable for (TF1: the first call is in the loop)."""
        self._set_scope(scope)
        called = getattr(self, "_called", False)
        with variable_scope(self._scope, reuse=True if called else self._reuse,
                            auxiliary_name_scope=False) as vs:
            with name_scope(vs.original_name_scope):
                if not self.built:
                    if self._dtype is None:         # TF1's Layer: the inputs' dtype (its
                        self._dtype = dtypes.as_dtype(dtype)    # own cells want floats)
                    self.build(inputs_shape)
                    self.built = True
                if calling:
                    self._called = True
                yield vs

    def add_variable(self, name, shape, dtype=None, initializer=None, regularizer=None,
                     trainable=None):
        """get_variable(name) in the cell's scope (TF1 Layer.add_variable), tracked in
        `cell.variables`; dtype defaults to the cell's.

            self._kernel = self.add_variable("kernel", [depth + n, n])   # in build()
        """
        self._set_scope(None)
        with variable_scope(self._scope, reuse=True if self.built else self._reuse,
                            auxiliary_name_scope=False):
            v = get_variable(name, shape, dtype=dtype or self._dtype, initializer=initializer,
                             regularizer=regularizer,
                             trainable=self.trainable if trainable is None else trainable)
        if all(v is not w for w in self._weights):
            self._weights.append(v)
        return v

    add_weight = add_variable

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        """zero_state(batch_size, dtype), batch size and dtype read from `inputs` if given.

            state = cell.get_initial_state(inputs=x_t)         # x_t: (batch, depth)
        """
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            batch_size = inputs.shape._dims[0] if inputs.shape.rank else None
            if not isinstance(batch_size, int):
                from .array import shape
                batch_size = shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(f"batch_size and dtype cannot be None while constructing initial "
                             f"state: batch_size={batch_size}, dtype={dtype}")
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Zeros of shape (batch_size,) + each entry of state_size (TF1).

            state = cell.zero_state(gc.shape(x)[0], gc.float32)
        """
        dtype = dtypes.as_dtype(dtype)
        with name_scope(type(self).__name__ + "ZeroState"):
            return map_structure(lambda s: zeros([batch_size] + size_dims(s), dtype),
                                 self.state_size)

    def __repr__(self):
        where = f" '{self._scope.name}'" if self._scope is not None else ""
        return f"<{type(self).__name__}{where}>"
