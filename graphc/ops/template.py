"""tf.make_template (TF1): a function whose variables are created by its first call and
shared by every later call, through variable_scope's reuse."""
import functools

from .scope import variable_scope

__all__ = ["make_template", "Template"]


class Template:
    """func_ wrapped so that its get_variable calls share variables across calls (TF1).
    The first call (or make_template itself, with create_scope_now_) makes the variable
    scope, uniquified from name_ ('t', 't_1', ...); later calls reenter it with reuse."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None,
                 custom_getter=None):
        if not name:
            raise ValueError("make_template: name_ cannot be empty")
        self._name, self._func = name, func
        self._unique_name, self._custom_getter = unique_name, custom_getter
        self._scope, self._created = None, False
        if create_scope_now:
            with variable_scope(unique_name, name, custom_getter=custom_getter) as vs:
                self._scope = vs

    def __call__(self, *args, **kwargs):
        if self._created:
            with variable_scope(self._scope, reuse=True):
                return self._func(*args, **kwargs)
        if self._scope is not None:
            scope = variable_scope(self._scope, custom_getter=self._custom_getter)
        else:
            scope = variable_scope(self._unique_name, self._name,
                                   custom_getter=self._custom_getter)
        with scope as vs:
            self._scope = vs
            out = self._func(*args, **kwargs)
        self._created = True
        return out

    @property
    def name(self):
        return self._name

    @property
    def variable_scope(self):
        return self._scope

    @property
    def variable_scope_name(self):
        """The scope's name with a trailing '/' (TF1), or None before the first call."""
        return None if self._scope is None else self._scope.name.rstrip("/") + "/"

    @property
    def variables(self):
        """The global variables under the template's scope (after its first call)."""
        from .graphkeys import GraphKeys, get_collection
        if self._scope is None:
            return []
        return get_collection(GraphKeys.GLOBAL_VARIABLES, self.variable_scope_name)

    @property
    def trainable_variables(self):
        from .graphkeys import GraphKeys, get_collection
        if self._scope is None:
            return []
        return get_collection(GraphKeys.TRAINABLE_VARIABLES, self.variable_scope_name)


def make_template(name_, func_, create_scope_now_=False, unique_name_=None,
                  custom_getter_=None, **kwargs):
    """func_ with shared variables (TF1): every call after the first reuses them.

        dense = gc.make_template("dense", lambda x: x @ gc.get_variable("w", [3, 2]))
        a, b = dense(x1), dense(x2)             # one variable 'dense/w'
    kwargs are bound to func_ (functools.partial)."""
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(name_, func_, create_scope_now_, unique_name_, custom_getter_)
