"""gc.Module (TF: tf.Module): a named container of variables and submodules, with a
name scope, that gc.train.Checkpoint tracks by its attributes.

    class Dense(gc.Module):
        def __init__(self, n_in, n_out, name=None):
            super().__init__(name=name)
            with self.name_scope:
                self.w = gc.Variable(gc.ones([n_in, n_out]), name="w")
        @gc.Module.with_name_scope
        def __call__(self, x):
            return gc.matmul(x, self.w)
"""
import functools
import re

from .graph import get_default_graph
from .ops.state import Variable

__all__ = ["Module"]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# an upper-case letter after a lower-case letter or digit, or one that starts a word
# inside the name ("HTTPServer" -> "http_server", "MLP" -> "mlp")
_WORD_START = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=.)(?=[A-Z][a-z])")


def _snake(name):
    return _WORD_START.sub("_", name).lower()


class _ModuleScope:
    """The module's name scope, entered absolutely (TF's name_scope object)."""

    def __init__(self, name):
        self.name = name
        self._cm = None

    def __enter__(self):
        self._cm = get_default_graph().name_scope(self.name)
        return self._cm.__enter__()

    def __exit__(self, *exc):
        cm, self._cm = self._cm, None
        return cm.__exit__(*exc)


def _leaves(value):
    """[(path, leaf)] of a nested list/tuple/dict (dict keys sorted, as tf.nest)."""
    out, stack = [], [((), value)]
    while stack:
        path, x = stack.pop()
        if isinstance(x, dict):
            items = [(k, x[k]) for k in sorted(x, key=_sort_key)]
        elif isinstance(x, (list, tuple)):
            items = list(enumerate(x))
        else:
            out.append((path, x))
            continue
        stack.extend((path + (k,), v) for k, v in reversed(items))
    return out


def _sort_key(k):
    return (type(k).__name__, k) if not isinstance(k, (int, float, str)) else ("", str(k))


def _is_module(obj):
    from .keras.engine import Layer
    return isinstance(obj, (Module, Layer))


class Module:
    """Base class of a named set of variables and submodules (TF: tf.Module).

        m = MLP()                       # name "mlp" (the class name in snake case)
        m.variables                     # every variable, submodules' included
        m.trainable_variables
        gc.train.Checkpoint(model=m)    # keys "model/layers/0/w/...", as TF

    name must be a Python identifier; the module's name scope is made (unique) when it
    is constructed, inside the current scope, and `with self.name_scope:` re-enters it.
    Variables are found in the attributes (sorted by name; inside lists, tuples and
    dicts), then in each submodule in turn.
    """

    _TF_MODULE_IGNORED_PROPERTIES = frozenset(("_name", "_scope_name"))

    def __init__(self, name=None):
        if name is None:
            name = _snake(type(self).__name__)
        elif not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be "
                             "valid Python identifiers (e.g. a valid class name).")
        self._name = name
        with get_default_graph().name_scope(name) as scope:
            self._scope_name = scope

    @property
    def name(self):
        """The name given to the constructor (or the class name in snake case)."""
        return self._name

    @property
    def name_scope(self):
        """A context manager that enters this module's name scope ("mlp/")."""
        return _ModuleScope(self._scope_name)

    @property
    def variables(self):
        """Every Variable of this module and its submodules, each once."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable)))

    @property
    def trainable_variables(self):
        """The trainable Variables of this module and its submodules."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable)
                                   and x.trainable))

    @property
    def non_trainable_variables(self):
        """The Variables that are not trainable."""
        return tuple(self._flatten(predicate=lambda x: isinstance(x, Variable)
                                   and not x.trainable))

    @property
    def submodules(self):
        """Every module under this one (gc.Modules and gc.keras layers), outermost
        first; not this module itself."""
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(self, recursive=True, predicate=None, attribute_traversal_key=None,
                 with_path=False, expand_composites=False):
        """The values of the attributes (and of submodules' attributes) for which
        predicate is true, each once; with_path: (path, value) pairs."""
        predicate = predicate or (lambda _: True)
        seen, out = set(), []
        visited = {id(self)}
        stack = [((), self)]                # depth first: a module, then its submodules
        while stack:
            base, module = stack.pop()
            ignored = getattr(module, "_TF_MODULE_IGNORED_PROPERTIES", frozenset())
            found = []
            attrs = vars(module)
            for key in sorted(attrs, key=attribute_traversal_key):
                if key in ignored:
                    continue
                for path, leaf in _leaves(attrs[key]):
                    path = base + (key,) + path
                    if not with_path:
                        if id(leaf) in seen:
                            continue
                        seen.add(id(leaf))
                    if predicate(leaf):
                        out.append((path, leaf) if with_path else leaf)
                    if recursive and _is_module(leaf) and id(leaf) not in visited:
                        visited.add(id(leaf))
                        found.append((path, leaf))
            stack.extend(reversed(found))
        return out

    @classmethod
    def with_name_scope(cls, method):
        """Decorate a method so that it runs inside the module's name scope.

            @gc.Module.with_name_scope
            def __call__(self, x): ...
        """
        @functools.wraps(method)
        def wrapped(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapped
