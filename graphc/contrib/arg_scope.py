"""arg_scope (tf.contrib.framework / slim): default keyword arguments for the functions
decorated with add_arg_scope, within a `with` block.

    with gc.contrib.framework.arg_scope([layers.conv2d, layers.fully_connected],
                                        activation_fn=gc.nn.relu):
        net = layers.conv2d(images, 32, [3, 3])    # relu unless given explicitly

Scopes nest (an inner scope adds to or overrides the outer one's arguments for each
function); `with arg_scope(saved_scope):` re-enters a scope dict that an earlier
`with ... as saved_scope` gave. Explicit keyword arguments always win. As TF's, the
stack of scopes is one per process.
"""
import contextlib
import functools

__all__ = ["arg_scope", "add_arg_scope", "current_arg_scope", "has_arg_scope",
           "arg_scoped_arguments", "arg_scope_func_key"]

_STACK = [{}]
_DECORATED = {}                 # func key -> the argument names it takes


def arg_scope_func_key(op):
    """The key of a function in an arg scope dict (TF's: its `_key_op`, else str(op))."""
    return getattr(op, "_key_op", str(op))


def current_arg_scope():
    """The innermost scope: {function key: {argument: value}}."""
    return _STACK[-1]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Give the functions of `list_ops_or_scope` (each decorated with add_arg_scope) the
    default keyword arguments `kwargs` inside the block; or, given a scope dict from an
    earlier arg_scope, re-enter that scope. Yields the scope dict now in force."""
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a "
                             "dictionary, kwargs must be empty.")
        scope = dict(list_ops_or_scope)
    elif isinstance(list_ops_or_scope, (list, tuple)):
        scope = dict(current_arg_scope())
        for op in list_ops_or_scope:
            key = arg_scope_func_key(op)
            if not has_arg_scope(op):
                raise ValueError(f"{key} is not decorated with @add_arg_scope")
            scope[key] = {**scope.get(key, {}), **kwargs}
    else:
        raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope "
                        "(i.e. dict)")
    _STACK.append(scope)
    try:
        yield scope
    finally:
        _STACK.pop()


def add_arg_scope(func):
    """Decorate `func` so that arg_scope can give it default keyword arguments."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        defaults = current_arg_scope().get(key)
        return func(*args, **({**defaults, **kwargs} if defaults else kwargs))

    code, n = func.__code__, len(func.__defaults__ or ())
    _DECORATED[key] = code.co_varnames[code.co_argcount - n:code.co_argcount]
    func_with_args._key_op = key
    return func_with_args


def has_arg_scope(func):
    """Whether `func` was decorated with add_arg_scope."""
    return arg_scope_func_key(func) in _DECORATED


def arg_scoped_arguments(func):
    """The names of the defaulted arguments of a function decorated with
    add_arg_scope."""
    return _DECORATED[arg_scope_func_key(func)]
