"""The rest of TF 1.15's tf.contrib.framework that tf_slim does not carry: nest, sort,
the tensor checks (assert_scalar_int, with_shape, reduce_sum_n, ...), name-scope
helpers, get_placeholders, zero_initializer and the checkpoint readers.

    from graphc.contrib import framework
    framework.reduce_sum_n([gc.ones([2]), gc.ones([3])])          # 5.0
    framework.strip_name_scope("outer/inner/w", "outer")           # 'inner/w'
"""
import functools
import re
import warnings

from .. import nest  # noqa: F401 (tf.contrib.framework.nest)
from ..debugging import (assert_same_float_dtype, assert_scalar,  # noqa: F401
                         is_non_decreasing, is_numeric_tensor, is_strictly_increasing)
from ..graph import Graph, Tensor, get_default_graph
from ..ops.array_more import ensure_shape
from ..ops.core import convert_to_tensor
from ..train import init_from_checkpoint, list_variables, load_checkpoint  # noqa: F401
from ..train import load_variable  # noqa: F401

__all__ = ["nest", "sort", "argsort", "is_tensor", "assert_scalar", "assert_scalar_int",
           "assert_same_float_dtype", "is_non_decreasing", "is_strictly_increasing",
           "is_numeric_tensor", "convert_to_tensor_or_sparse_tensor", "reduce_sum_n",
           "with_shape", "with_same_shape", "get_graph_from_inputs", "get_name_scope",
           "prepend_name_scope", "strip_name_scope", "get_placeholders", "zero_initializer",
           "deprecated", "deprecated_args", "deprecated_arg_values", "load_checkpoint",
           "list_variables", "load_variable", "init_from_checkpoint"]


def _gc():
    import graphc
    return graphc


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """values sorted along axis (tf.contrib.framework.sort, = gc.sort).

        framework.sort(gc.constant([3, 1, 2]))                      # [1 2 3]
    """
    return _gc().sort(values, axis=axis, direction=direction, name=name)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """The indices that sort values along axis (tf.contrib.framework.argsort)."""
    return _gc().argsort(values, axis=axis, direction=direction, stable=stable, name=name)


def is_tensor(x):
    """True for a graphc Tensor, SparseTensor or other tensor-like value
    (tf.contrib.framework.is_tensor)."""
    return _gc().is_tensor(x)


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """value as a Tensor, a SparseTensor(Value) kept as a SparseTensor."""
    return _gc().convert_to_tensor_or_sparse_tensor(value, dtype=dtype, name=name)


def assert_scalar_int(tensor, name=None):
    """tensor, checked to be a scalar of an integer dtype (ValueError otherwise)
    (tf.contrib.framework.assert_scalar_int).

        framework.assert_scalar_int(gc.constant(3))
    """
    from ..errors import describe_tensor
    tensor = convert_to_tensor(tensor, name=name)
    if not tensor.dtype.is_integer:
        raise ValueError(f"Expected integer type for {tensor.name}, received type: "
                         f"{tensor.dtype}.\n  {describe_tensor(tensor)}")
    return assert_scalar(tensor, name=name)


def reduce_sum_n(tensors, name=None):
    """The sum of every element of every tensor, a scalar (tf.contrib.framework.
    reduce_sum_n).

        framework.reduce_sum_n([gc.ones([2, 2]), gc.ones([3])])     # 7.0
    """
    gc = _gc()
    if not tensors:
        raise ValueError("No tensors provided.")
    with gc.name_scope(name, "reduce_sum_n", tensors) as scope:
        tensors = [gc.reduce_sum(t, name=f"reduce/reduce{i}") for i, t in enumerate(tensors)]
        if len(tensors) == 1:
            return tensors[0]
        return gc.add_n(tensors, name=scope)


def with_shape(expected_shape, tensor):
    """tensor with its static shape merged with expected_shape; dims not known while
    building are checked when run (an InvalidArgumentError then). A static mismatch is
    a ValueError (tf.contrib.framework.with_shape).

        y = framework.with_shape([None, 3], x)
    """
    from ..errors import describe_tensor
    from ..shapes import TensorShape
    if isinstance(expected_shape, Tensor):
        expected_shape = _gc().get_static_value(expected_shape)
        if expected_shape is None:
            raise ValueError("with_shape: expected_shape must be known while building the "
                             "graph in graphc")
    expected = TensorShape(expected_shape)
    tensor = convert_to_tensor(tensor)
    if not tensor.shape.is_compatible_with(expected):
        raise ValueError(f"Shapes {tensor.shape} and {expected} are not compatible.\n  "
                         f"{describe_tensor(tensor)}")
    if tensor.shape.is_fully_defined() or expected.ndims is None:
        return tensor
    return ensure_shape(tensor, expected.as_list())


def with_same_shape(expected_tensor, tensor):
    """with_shape(the static shape of expected_tensor, tensor)
    (tf.contrib.framework.with_same_shape; graphc checks the static shape only)."""
    return with_shape(convert_to_tensor(expected_tensor).shape, tensor)


def get_graph_from_inputs(op_input_list, graph=None):
    """The graph the tensors of op_input_list live in (or `graph`, checked against
    them); the default graph when none is a Tensor (tf.contrib.framework)."""
    found = graph
    for t in op_input_list:
        g = getattr(t, "graph", None)
        if g is None:
            continue
        if found is None:
            found = g
        elif g is not found:
            raise ValueError(f"{t!r} must be from the same graph as the other inputs.")
    return found if found is not None else get_default_graph()


def get_name_scope():
    """The default graph's current name scope, e.g. 'outer/inner' (tf.contrib.framework).
    """
    return get_default_graph().get_name_scope()


def _scope_arg(scope):
    return scope[:-1] if scope and scope.endswith("/") else scope


def prepend_name_scope(name, import_scope):
    """name under import_scope, keeping a leading '^' or 'loc:@'
    (tf.contrib.framework.prepend_name_scope).

        framework.prepend_name_scope("^w", "imported")              # '^imported/w'
    """
    scope = _scope_arg(import_scope)
    if not scope:
        return name
    match = re.match(r"(\^|loc:@)?(.*)", name, re.S)
    return f"{match.group(1) or ''}{scope}/{match.group(2)}"


def strip_name_scope(name, export_scope):
    """name with a leading export_scope/ removed, keeping a leading '^' or 'loc:@'
    (tf.contrib.framework.strip_name_scope).

        framework.strip_name_scope("loc:@outer/w", "outer")         # 'loc:@w'
    """
    scope = _scope_arg(export_scope)
    if not scope:
        return name
    return re.sub(r"([\^]|loc:@|^)" + re.escape(scope) + r"[\/]+(.*)", r"\1\2", name,
                  count=1)


def get_placeholders(graph):
    """The output tensors of the graph's Placeholder ops, in creation order
    (tf.contrib.framework.get_placeholders).

        framework.get_placeholders(gc.get_default_graph())
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"Input graph needs to be a Graph: {graph}")
    return [op.outputs[0] for op in graph.get_operations() if op.type == "Placeholder"]


def zero_initializer(ref, use_locking=True, name="zero_initializer"):
    """An op that assigns zeros to the variable ref (tf.contrib.framework.
    zero_initializer).

        sess.run(framework.zero_initializer(v))
    """
    gc = _gc()
    return gc.assign(ref, gc.zeros(ref.shape, ref.dtype.base_dtype),
                     use_locking=use_locking, name=name)


def deprecated(date, instructions, warn_once=True):
    """A decorator: the function warns (DeprecationWarning) that it is deprecated."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            warnings.warn(f"{fn.__name__} is deprecated and will be removed after {date}. "
                          f"Instructions for updating: {instructions}",
                          DeprecationWarning, stacklevel=2)
            return fn(*args, **kwargs)
        return wrapper
    return decorate


def deprecated_args(date, instructions, *deprecated_arg_names_or_tuples, **kwargs):
    """A decorator: the function warns when it is called with one of the named
    arguments."""
    names = {a if isinstance(a, str) else a[0] for a in deprecated_arg_names_or_tuples}

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kw):
            used = sorted(names & set(kw))
            if used:
                warnings.warn(f"Calling {fn.__name__} with {used} is deprecated: "
                              f"{instructions}", DeprecationWarning, stacklevel=2)
            return fn(*args, **kw)
        return wrapper
    return decorate


def deprecated_arg_values(date, instructions, warn_once=True, **deprecated_kwargs):
    """A decorator: the function warns when called with one of the given argument
    values."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kw):
            used = sorted(k for k, v in deprecated_kwargs.items() if k in kw and kw[k] == v)
            if used:
                warnings.warn(f"Calling {fn.__name__} with {used} set to deprecated values: "
                              f"{instructions}", DeprecationWarning, stacklevel=2)
            return fn(*args, **kw)
        return wrapper
    return decorate
