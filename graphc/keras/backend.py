"""gc.keras.backend: the per-graph state of graph-mode tf.keras (TF 1.x): the Keras
session, the learning phase, unique layer names, and small helpers.

    sess = gc.keras.backend.get_session()      # the default session, or Keras' own
    lp = gc.keras.backend.learning_phase()     # bool tensor, False unless fed True
"""
import weakref

import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph

__all__ = ["get_session", "set_session", "clear_session", "learning_phase",
           "set_learning_phase", "epsilon", "set_epsilon", "floatx", "set_floatx",
           "int_shape", "function", "get_uid", "reset_uids", "get_value", "set_value",
           "batch_get_value", "batch_set_value", "eval", "placeholder", "variable",
           "get_mask", "manual_variable_initialization"]

_EPSILON = [1e-7]
_FLOATX = ["float32"]
_MANUAL_VAR_INIT = [False]
_STATES = weakref.WeakKeyDictionary()   # graph -> _GraphState


class _GraphState:
    """What Keras keeps per graph: name counters, the learning phase, the session,
    tensors' Keras history and the variables already initialized."""

    def __init__(self):
        self.uids = {}
        self.learning_phase = None      # the placeholder, made on first use
        self.fixed_phase = None         # set_learning_phase's 0/1
        self.session = None
        self.history = {}               # id(tensor) -> (tensor, layer, node_index, index)
        self.masks = {}                 # id(tensor) -> (tensor, mask): TF1's _keras_mask
        self.initialized = set()        # ids of variables known to be initialized
        self.checked = set()            # ids of nodes known not to use Keras history
        self.metric_results = {}        # id(tensor) -> (tensor, the Metric that made it)


def _state(graph=None):
    graph = graph if graph is not None else get_default_graph()
    st = _STATES.get(graph)
    if st is None:
        st = _STATES[graph] = _GraphState()
    return st


def get_uid(prefix=""):
    """1, 2, ... per prefix and graph (Keras' name counter).

        gc.keras.backend.get_uid("input")   # 1, then 2
    """
    uids = _state().uids
    uids[prefix] = uids.get(prefix, 0) + 1
    return uids[prefix]


def reset_uids():
    """Restart the name counters of the default graph."""
    _state().uids.clear()


def unique_name(base, zero_based=True):
    """`base`, `base_1`, ... (zero_based, as layers) or `base_1`, `base_2`, ... (inputs)."""
    n = get_uid(base)
    if zero_based:
        return base if n == 1 else f"{base}_{n - 1}"
    return f"{base}_{n}"


def get_mask(x):
    """The Keras mask a layer attached to tensor `x` (TF1's `x._keras_mask`), or None.

        e = gc.keras.layers.Embedding(10, 4, mask_zero=True)(ids)
        gc.keras.backend.get_mask(e)          # not_equal(ids, 0), bool (batch, T)
    """
    entry = _state(x.graph).masks.get(id(x)) if isinstance(x, Tensor) else None
    return None if entry is None or entry[0] is not x else entry[1]


def _set_mask(x, mask):
    st = _state(x.graph)
    if mask is None:
        st.masks.pop(id(x), None)
    else:
        st.masks[id(x)] = (x, mask)


def learning_phase():
    """The training flag of Keras layers (TF1: a bool placeholder_with_default False
    named 'keras_learning_phase'; fit feeds True). After set_learning_phase, that value.

        y = gc.keras.layers.Dropout(0.5)(x)   # drops only when the phase is True
    """
    from ..ops.core import placeholder_with_default
    st = _state()
    if st.fixed_phase is not None:
        return st.fixed_phase
    if st.learning_phase is None:
        graph = get_default_graph()
        with graph.name_scope(""):
            st.learning_phase = placeholder_with_default(False, [], name="keras_learning_phase")
    return st.learning_phase


def set_learning_phase(value):
    """Fix the learning phase of the default graph to 0 (test) or 1 (train)."""
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _state().fixed_phase = value


def _phase_tensor():
    """The learning-phase placeholder to feed, or None when the phase is fixed."""
    st = _state()
    return None if st.fixed_phase is not None else learning_phase()


def get_session():
    """The session Keras runs in (TF1): the default session when one is open on the
    default graph, else Keras' own session of that graph. Variables not yet initialized
    are initialized first (as TF1 Keras does), unless manual_variable_initialization(True).

        sess = gc.keras.backend.get_session()
    """
    from ..session import Session, get_default_session
    graph = get_default_graph()
    st = _state(graph)
    sess = get_default_session()
    if sess is None or sess.graph is not graph:
        if st.session is None or getattr(st.session, "_closed", False):
            st.session = Session(graph=graph)
        sess = st.session
    if not _MANUAL_VAR_INIT[0]:
        _initialize_variables(sess, st, graph)
    return sess


def manual_variable_initialization(value):
    """True: get_session() no longer initializes the variables, the user does (e.g.
    with gc.global_variables_initializer()); False (the default): it initializes those
    not yet initialized (tf.keras.backend.manual_variable_initialization(value)).

        gc.keras.backend.manual_variable_initialization(True)
    """
    _MANUAL_VAR_INIT[0] = bool(value)


def _initialize_variables(sess, st, graph):
    from ..ops.state import global_variables
    from ..ops.init_checks import is_variable_initialized
    from ..ops.state import variables_initializer
    fresh = [v for v in global_variables() if id(v) not in st.initialized]
    if not fresh:
        return
    flags = sess.run([is_variable_initialized(v) for v in fresh])
    todo = [v for v, ok in zip(fresh, flags) if not ok]
    if todo:
        sess.run(variables_initializer(todo))
    st.initialized.update(id(v) for v in fresh)


def set_session(session):
    """Make `session` the Keras session of the default graph."""
    _state().session = session


def clear_session():
    """Forget the default graph's Keras state and start a new default graph (TF1)."""
    from ..graph import reset_default_graph
    st = _STATES.pop(get_default_graph(), None)
    if st is not None and st.session is not None:
        st.session.close()
    reset_default_graph()


def epsilon():
    """The fuzz factor of Keras' losses and metrics: 1e-7."""
    return _EPSILON[0]


def set_epsilon(value):
    _EPSILON[0] = float(value)


def floatx():
    """Keras' default float type, 'float32'."""
    return _FLOATX[0]


def set_floatx(value):
    if value not in ("float16", "float32", "float64"):
        raise ValueError(f"Unknown floatx type: {value}")
    _FLOATX[0] = str(value)


def int_shape(x):
    """The static shape as a tuple of ints and None (None for an unknown rank).

        gc.keras.backend.int_shape(gc.placeholder(gc.float32, (None, 3)))  # (None, 3)
    """
    if hasattr(x, "shape") and not isinstance(x, Tensor):
        return tuple(np.shape(x))
    if x.shape.ndims is None:
        return None
    return tuple(x.shape.as_list())


def placeholder(shape=None, ndim=None, dtype=None, name=None):
    """A placeholder of `shape` (or `ndim` unknown dims), dtype floatx by default."""
    from ..ops.core import placeholder as _placeholder
    if shape is None and ndim is not None:
        shape = (None,) * ndim
    return _placeholder(dtypes.as_dtype(dtype or floatx()), shape, name=name)


def variable(value, dtype=None, name=None):
    """A gc.Variable of `value`, registered as initialized by Keras when first run."""
    from ..ops.state import Variable
    value = np.asarray(value, dtype=dtype or floatx())
    return Variable(value, name=name)


def eval(x):
    return get_session().run(x)


def get_value(x):
    """The value of a variable (or tensor) in the Keras session; a plain value as it is."""
    if not isinstance(x, Tensor):
        return x
    return get_session().run(x)


def batch_get_value(xs):
    return get_session().run(list(xs)) if xs else []


def set_value(x, value):
    """Load `value` into variable `x` in the Keras session."""
    x.load(np.asarray(value, dtype=x.dtype.np), get_session())


def batch_set_value(tuples):
    sess = get_session()
    for x, value in tuples:
        x.load(np.asarray(value, dtype=x.dtype.np), sess)


class _Function:
    """tf_keras' GraphExecutionFunction: inputs and outputs may be single tensors or
    lists (the result keeps the outputs' form); an update is an op or a (variable,
    new value) pair, assigned."""

    def __init__(self, inputs, outputs, updates):
        from ..ops.core import group
        from ..ops.state import assign
        self._single = not isinstance(outputs, (list, tuple))
        self.inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        self.outputs = [outputs] if self._single else list(outputs)
        ops = [assign(u[0], u[1]) if isinstance(u, (list, tuple)) else u for u in updates]
        self.update = group(*ops) if ops else None

    def __call__(self, values):
        sess = get_session()
        if not isinstance(values, (list, tuple)):
            values = [values]
        feed = dict(zip(self.inputs, values))
        fetch = self.outputs + ([self.update] if self.update is not None else [])
        out = sess.run(fetch, feed)
        return out[0] if self._single else out[:len(self.outputs)]


def function(inputs, outputs, updates=None, name=None):
    """A callable running `outputs` (and `updates`) for a list of input values.

        f = gc.keras.backend.function([model.input], [model.output])
        f([xs])    # [predictions]
    """
    return _Function(inputs, outputs, updates or [])


# the backend's tensor functions (K.sum, K.dot, K.conv2d, ...), after the session ones
from . import backend_nn as _backend_nn, backend_ops as _backend_ops  # noqa: E402
from .backend_nn import *  # noqa: E402,F401,F403
from .backend_ops import *  # noqa: E402,F401,F403

__all__ = __all__ + _backend_ops.__all__ + _backend_nn.__all__
