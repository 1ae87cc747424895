"""Variable scopes and get_variable (TF1): variables named by scope, shared on request.

    with gc.variable_scope("layer1"):
        W = gc.get_variable("W", [784, 100])        # 'layer1/W', glorot_uniform values
    with gc.variable_scope("layer1", reuse=True):
        assert gc.get_variable("W") is W

Each graph keeps one store (graph.var_store; a cond or while_loop branch uses its outer
graph's): the variables get_variable made, by full name, the current VariableScope and how
often each scope name was opened (for default_name). A variable's name depends only on
the variable scope; a variable_scope also opens a name scope for the ops built inside,
with TF1's rules: re-entering a scope (object or name) keeps its variable-scope name but
opens a fresh name scope ('layer1_1/').
"""
import contextlib
import functools

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from .graphkeys import GraphKeys

__all__ = ["AUTO_REUSE", "VariableScope", "variable_scope", "get_variable_scope"]


class _ReuseMode:
    """The type of AUTO_REUSE (TF1: an enum member; truthy, like True)."""

    def __repr__(self):
        return "gc.AUTO_REUSE"


AUTO_REUSE = _ReuseMode()


def _unsupported(api, **args):
    for key, value in args.items():
        if value is not None:
            raise ValueError(f"{api}: {key} is not supported by graphc (got {value!r}); "
                             f"leave it None")


class VariableScope:
    """What get_variable uses inside a variable_scope (TF1 tf.VariableScope): `name` (the
    prefix of variable names), `reuse` (False, True or AUTO_REUSE), default `initializer`,
    `regularizer`, `partitioner`, `dtype` and `custom_getter`, and `original_name_scope`.

        with gc.variable_scope("rnn") as scope:
            W = gc.get_variable("W", [3, 3])
            scope.reuse_variables()
            assert gc.get_variable("W") is W
    """

    def __init__(self, reuse, name="", initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None, name_scope="",
                 dtype=dtypes.float32, use_resource=None, constraint=None):
        _unsupported("VariableScope", constraint=constraint)
        self._name = name
        self._partitioner = partitioner
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtypes.as_dtype(dtype)
        self._use_resource = use_resource

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    dtype = property(lambda self: self._dtype)
    custom_getter = property(lambda self: self._custom_getter)
    caching_device = property(lambda self: self._caching_device)
    use_resource = property(lambda self: self._use_resource)
    partitioner = property(lambda self: self._partitioner)
    constraint = property(lambda self: None)

    def reuse_variables(self):
        """From now on, get_variable in this scope returns existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_dtype(self, dtype):
        self._dtype = dtypes.as_dtype(dtype)

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def get_collection(self, name):
        """The values of collection `name` whose names start with this scope's."""
        from .graphkeys import get_collection
        return get_collection(name, self._name + "/" if self._name else "")

    def global_variables(self):
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self):
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def local_variables(self):
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def _copy(self, reuse):
        return VariableScope(reuse, self._name, self._initializer, self._regularizer,
                             self._caching_device, self._partitioner, self._custom_getter,
                             self._name_scope, self._dtype, self._use_resource)

    def __repr__(self):
        return f"<gc.VariableScope '{self._name}' reuse={self._reuse!r}>"


class _Store:
    """One graph's get_variable state: variables by full name (a partitioned variable's
    parts by theirs), the PartitionedVariables by full name, the current scope and the
    number of times each scope name is open (reset when its parent closes)."""

    def __init__(self):
        self.vars = {}
        self.partitioned = {}
        self.current = VariableScope(False)
        self.counts = {}

    def close_subscopes(self, name):
        for k in self.counts:
            if k.startswith(name + "/"):
                self.counts[k] = 0


def _root(graph):
    while graph.outer is not None:      # a cond/while_loop branch shares its outer graph's
        graph = graph.outer
    return graph


def _store(graph=None):
    graph = _root(graph or get_default_graph())
    if graph.var_store is None:
        graph.var_store = _Store()
    return graph.var_store


def _wrap_getter(custom, old):
    """A custom getter that calls `old` (the enclosing scope's) as its getter (TF1)."""
    if old is None:
        return custom

    def wrapped(getter, *args, **kwargs):
        return custom(functools.partial(old, getter), *args, **kwargs)
    return wrapped


class _PureScope:
    """Entering a variable scope without its name scope (TF1 _pure_variable_scope)."""

    def __init__(self, store, name_or_scope, reuse, old_name_scope, defaults):
        self.store, self.nos, self.reuse = store, name_or_scope, reuse
        self.old_name_scope, self.defaults = old_name_scope, defaults

    def __enter__(self):
        st, nos = self.store, self.nos
        self.old = old = st.current
        if isinstance(nos, VariableScope):       # jump to a captured scope
            self.name = nos.name
            new = nos._copy(nos.reuse if not self.reuse else self.reuse)
            getter = nos.custom_getter
            st.counts[self.name] = st.counts.get(self.name, 0) + 1
            self.saved_counts = dict(st.counts)
        else:                                    # prolong the current scope
            self.name = f"{old.name}/{nos}" if old.name else nos
            new = VariableScope(self.reuse or old.reuse, self.name, old.initializer,
                                old.regularizer, old.caching_device, old.partitioner,
                                old.custom_getter,
                                nos if self.old_name_scope is None else self.old_name_scope,
                                old.dtype, old.use_resource)
            getter = old.custom_getter
            st.counts[self.name] = st.counts.get(self.name, 0) + 1
        d = self.defaults
        for key in ("initializer", "regularizer", "caching_device", "partitioner",
                    "use_resource"):
            if d[key] is not None:
                setattr(new, "_" + key, d[key])
        if d["dtype"] is not None:
            new.set_dtype(d["dtype"])
        if d["custom_getter"] is not None:
            new._custom_getter = _wrap_getter(d["custom_getter"], getter)
        st.current = self.scope = new
        return new

    def __exit__(self, *exc):
        st = self.store
        if st.current is not self.scope:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self.nos, VariableScope):
            st.counts = self.saved_counts
        else:
            st.close_subscopes(self.name)
        st.current = self.old


def _unique_scope_name(store, prefix):
    """`prefix`, or `prefix_N`, not yet open in the current variable scope."""
    cur = store.current.name
    full = f"{cur}/{prefix}" if cur else prefix
    if not store.counts.get(full):
        return prefix
    i = 1
    while store.counts.get(f"{full}_{i}"):
        i += 1
    return f"{prefix}_{i}"


def _graph_of(values):
    """The graph of the tensors in `values` (all must share one), else None."""
    graphs = {id(_root(v.graph)): v for v in values or () if isinstance(v, Tensor)}
    if len(graphs) > 1:
        a, b = list(graphs.values())[:2]
        raise errors.GraphError(
            f"variable_scope: values from different graphs\n  "
            f"{errors.describe_tensor(a, a.name)}\n  {errors.describe_tensor(b, b.name)}")
    return _root(next(iter(graphs.values())).graph) if graphs else None


class variable_scope:  # noqa: N801  (TF1 name: a class used as a context manager)
    """A variable scope and a name scope (TF1 tf.variable_scope).

        with gc.variable_scope("encoder"):
            W = gc.get_variable("W", [4, 3])          # 'encoder/W'
            y = gc.matmul(x, W)                       # op 'encoder/MatMul'
        with gc.variable_scope("encoder", reuse=True):
            assert gc.get_variable("W") is W          # ops here go in 'encoder_1/'

    `reuse`: True (get_variable only returns existing variables), gc.AUTO_REUSE (returns
    them or creates), None or False (inherit the enclosing scope's). With name_or_scope
    None, `default_name` is made unique ('dense', 'dense_1', ...). `initializer`,
    `regularizer`, `partitioner`, `dtype` and `custom_getter` become defaults of
    get_variable inside.
    """

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None,
                 regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                 reuse=None, dtype=None, use_resource=None, constraint=None,
                 auxiliary_name_scope=True):
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError(f"VariableScope: name_or_scope must be a string or VariableScope, "
                            f"not {type(name_or_scope).__name__}")
        if reuse is False:      # TF1: False means None (inherit)
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError(f"The reuse parameter must be True or False or None or "
                             f"gc.AUTO_REUSE, not {reuse!r}")
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(f"The auxiliary_name_scope must be `True` or `False`, "
                            f"not {auxiliary_name_scope!r}")
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"The custom_getter must be callable, not {custom_getter!r}")
        _unsupported("variable_scope", constraint=constraint)
        self._nos, self._default_name, self._reuse = name_or_scope, default_name, reuse
        self._aux = auxiliary_name_scope
        self._graph = _graph_of(values)
        self._defaults = dict(initializer=initializer, regularizer=regularizer, dtype=dtype,
                              custom_getter=custom_getter, caching_device=caching_device,
                              partitioner=partitioner, use_resource=use_resource)

    def __enter__(self):
        self._stack = contextlib.ExitStack()
        try:
            graph = get_default_graph()
            if self._graph is not None and self._graph is not _root(graph):
                graph = self._stack.enter_context(self._graph.as_default())
            return self._enter(graph)
        except BaseException:
            self._stack.close()
            raise

    def _enter(self, graph):
        store, nos, enter = _store(graph), self._nos, self._stack.enter_context
        ns = None
        if not self._aux:               # stay in the current name scope
            cur = graph.get_name_scope()
            ns = graph.name_scope(cur + "/" if cur else "")
        if nos is not None:
            ns_name = nos if isinstance(nos, str) else nos.name.split("/")[-1]
            old_ns = None
            if ns_name or ns is not None:
                entered = enter(ns or graph.name_scope(ns_name))
                old_ns = entered if isinstance(nos, str) else nos.original_name_scope
            self._pure = _PureScope(store, nos, self._reuse, old_ns, self._defaults)
        else:
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            entered = enter(ns or graph.name_scope(self._default_name))
            unique = _unique_scope_name(store, self._default_name)
            self._pure = _PureScope(store, unique, None, entered, self._defaults)
        return self._pure.__enter__()

    def __exit__(self, *exc):
        try:
            self._pure.__exit__(*exc)
        finally:
            self._stack.close()


def get_variable_scope():
    """The current VariableScope: `gc.get_variable_scope().reuse_variables()`."""
    return _store().current
