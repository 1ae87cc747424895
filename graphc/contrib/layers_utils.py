"""TF 1.15's tensorflow.contrib.layers.python.layers.utils (tf_slim's layers/utils.py):
the helpers slim-style layer code imports from that path. The alias helpers live in
layers_base.py and are re-exported here.

    from graphc.contrib.layers.python.layers import utils
    is_training = utils.constant_value(training)                   # True, False or None
    net = utils.smart_cond(training, lambda: net_a, lambda: net_b)  # static where known
    kh, kw = utils.two_element_tuple(3)                             # (3, 3)
"""
from ..ops.state import Variable
from .layers_base import (append_tensor_alias, collect_named_outputs,  # noqa: F401
                          convert_collection_to_dict, get_tensor_aliases)

__all__ = ["collect_named_outputs", "constant_value", "static_cond", "smart_cond",
           "get_variable_collections", "two_element_tuple", "n_positive_integers",
           "channel_dimension", "last_dimension", "append_tensor_alias",
           "gather_tensors_aliases", "get_tensor_aliases", "convert_collection_to_dict"]


def _gc():
    import graphc
    return graphc


def gather_tensors_aliases(tensors):
    """The aliases of every tensor in `tensors`, in order (get_tensor_aliases of each)."""
    aliases = []
    for tensor in tensors:
        aliases += get_tensor_aliases(tensor)
    return aliases


def constant_value(value_or_tensor_or_var, dtype=None):
    """The value of a Python value, or of a tensor known at build time; None for a
    tensor that is not, and for a Variable. A tensor of another `dtype` than the one
    given is a ValueError: `utils.constant_value(gc.constant(True))` is True."""
    gc = _gc()
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = value_or_tensor_or_var
    if not isinstance(value, gc.Tensor):
        return value
    if dtype and value.dtype != dtype:
        raise ValueError("It has the wrong type %s instead of %s" % (value.dtype, dtype))
    return None if isinstance(value, Variable) else gc.get_static_value(value)


def static_cond(pred, fn1, fn2):
    """fn1() if the Python value `pred` is true, else fn2()."""
    if not callable(fn1):
        raise TypeError("fn1 must be callable.")
    if not callable(fn2):
        raise TypeError("fn2 must be callable.")
    return fn1() if pred else fn2()


def smart_cond(pred, fn1, fn2, name=None):
    """static_cond where `pred` is known at build time (constant_value), else
    gc.cond(pred, fn1, fn2)."""
    value = constant_value(pred)
    if value is not None:
        return static_cond(value, fn1, fn2)
    return _gc().cond(pred, fn1, fn2, name=name)


def get_variable_collections(variables_collections, name):
    """variables_collections[name] for a dict (None where missing), else it as it is."""
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def _get_dimension(shape, dim, min_rank=1):
    """Dimension `dim` of the TensorShape `shape` (of rank >= min_rank), which must be
    known."""
    dims = shape._dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError("rank of shape must be at least %d not: %d" % (min_rank, len(dims)))
    value = dims[dim]
    if not isinstance(value, int):
        raise ValueError("dimension %d of shape must be known but is None: %s" % (dim, shape))
    return value


def channel_dimension(shape, data_format, min_rank=1):
    """The channel dimension of `shape`: dim 1 for 'channels_first', else the last."""
    return _get_dimension(shape, 1 if data_format == "channels_first" else -1, min_rank)


def last_dimension(shape, min_rank=1):
    """The last dimension of `shape`, which must be known."""
    return _get_dimension(shape, -1, min_rank)


def two_element_tuple(int_or_tuple):
    """(h, w) from an int, a list or tuple of 2 ints, or a TensorShape of rank 2."""
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError("Must be a list with 2 elements: %s" % (int_or_tuple,))
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    if isinstance(int_or_tuple, _gc().TensorShape) and int_or_tuple.rank == 2:
        return int_or_tuple[0], int_or_tuple[1]
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n, value):
    """`value` as a tuple of n positive ints: one int repeated, or a sequence of n:
    `n_positive_integers(2, 3)` is (3, 3)."""
    n_orig = n
    n = int(n)
    if n < 1 or n != n_orig:
        raise ValueError("n must be a positive integer")
    try:
        value = int(value)
    except (TypeError, ValueError):
        if len(value) != n:
            raise ValueError("Expected sequence of %d positive integers, but received %r"
                             % (n, value)) from None
        try:
            values = tuple(int(x) for x in value)
        except (TypeError, ValueError):
            raise ValueError("Expected sequence of %d positive integers, but received %r"
                             % (n, value)) from None
        for x in values:
            if x < 1:
                raise ValueError("expected positive integer, but received %d" % x)
        return values
    if value < 1:
        raise ValueError("expected positive integer, but received %d" % value)
    return (value,) * n
