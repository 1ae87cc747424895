"""TF1's small top-level utilities: is_tensor, get_static_value, saturate_cast, newaxis,
init_scope, the extra tf.debugging checks (assert_scalar, assert_integer, assert_rank_in,
assert_same_float_dtype, assert_proper_iterable, is_numeric_tensor) and the deprecated
aliases TF1 scripts still call (initialize_all_variables, all_variables, op_scope...)."""

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from . import array as A
from . import elementwise as E
from .asserts import Assert
from .broadcast import clip_by_value
from .control import init_scope  # noqa: F401 (gc.init_scope)
from .core import convert_to_tensor, no_op
from .registry import constant_value
from .scope import variable_scope
from .state import (global_variables, global_variables_initializer,
                    local_variables_initializer, variables_initializer)

__all__ = ["is_tensor", "get_static_value", "saturate_cast", "newaxis", "init_scope",
           "assert_scalar", "assert_integer", "assert_rank_in", "assert_same_float_dtype",
           "assert_proper_iterable", "is_numeric_tensor", "initialize_all_variables",
           "initialize_local_variables", "initialize_variables", "all_variables",
           "op_scope", "variable_op_scope"]

newaxis = None


def is_tensor(x):
    """True for a graphc Tensor (a Variable too) or a composite of them (SparseTensor,
    IndexedSlices), as tf.is_tensor."""
    return isinstance(x, Tensor) or hasattr(x, "_as_parts")


def is_numeric_tensor(tensor):
    """True for a Tensor of a number dtype, quantized ones too (not bool or string)."""
    return isinstance(tensor, Tensor) and (tensor.dtype.is_numeric or
                                           tensor.dtype.is_quantized)


def get_static_value(tensor, partial=False):
    """The value of tensor as a numpy array if it is known when the graph is built (a
    constant, or folded from constants and static shapes), else None.

        gc.get_static_value(gc.shape(gc.zeros((2, 3))))     # array([2, 3], dtype=int32)
    """
    if not is_tensor(tensor):
        return tensor
    return constant_value(tensor) if isinstance(tensor, Tensor) else None


def saturate_cast(value, dtype, name=None):
    """value cast to dtype, first clamped to dtype's range (no wrap-around):

        gc.saturate_cast(gc.constant([-5., 300.]), gc.uint8)     # [0, 255]
    """
    with name_scope(name, "saturate_cast", [value]):
        value = convert_to_tensor(value, name="value")
        dtype = dtypes.as_dtype(dtype)
        src, dst = value.dtype, dtype
        if src.is_numeric and dst.is_numeric:
            lo, hi = _range(src.np), _range(dst.np)
            if lo[0] < hi[0] or lo[1] > hi[1]:
                low = _representable(max(lo[0], hi[0]), src.np, up=True)
                high = _representable(min(lo[1], hi[1]), src.np, up=False)
                value = clip_by_value(value, low, high)
        return E.cast(value, dtype, name=name or "saturate_cast")


def _range(np_dtype):
    info = np.finfo(np_dtype) if np_dtype.kind == "f" else np.iinfo(np_dtype)
    return float(info.min), float(info.max)


def _representable(bound, np_dtype, up):
    """bound in np_dtype, rounded inwards where the dtype cannot hold it exactly."""
    v = np.array(bound).astype(np_dtype)
    if np_dtype.kind == "f" and up and float(v) < bound:
        v = np.nextafter(v, np_dtype.type(np.inf))
    if np_dtype.kind == "f" and not up and float(v) > bound:
        v = np.nextafter(v, np_dtype.type(-np.inf))
    return v


# ---- more of tf.debugging ----------------------------------------------------------------
def assert_scalar(tensor, name=None, message=None):
    """tensor itself if it is a scalar (rank 0, checked now); a ValueError otherwise."""
    tensor = convert_to_tensor(tensor, name="tensor")
    if tensor.shape.rank != 0:
        raise errors.ShapeError(f"{message or ''}Expected scalar shape for {tensor.name}, "
                                f"saw shape: {tensor.shape}\n  "
                                + errors.describe_tensor(tensor, tensor.name)
                                + errors.called_at("assert_scalar"))
    return tensor


def assert_integer(x, message=None, name=None):
    """A no_op if x has an integer dtype (checked now); a TypeError otherwise."""
    x = convert_to_tensor(x, name="x")
    if not x.dtype.is_integer:
        raise errors.DTypeError(f"{message or ''}Expected integer type for {x.name}, got "
                                f"{x.dtype.name}\n  " + errors.describe_tensor(x, x.name)
                                + errors.called_at("assert_integer"))
    with name_scope(name, "assert_integer", [x]):
        return no_op(name="statically_determined_was_integer")


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """An op that fails when run unless x's rank is one of ranks (ints or scalar int
    tensors); decided now (a ShapeError or a no_op) when x's rank and every rank are
    known, as TF1 does."""
    message = message or ""
    with name_scope(name, "assert_rank_in", [x] + list(ranks)):
        x = convert_to_tensor(x, name="x")
        ranks = [r if isinstance(r, Tensor) else int(r) for r in ranks]
        for r in ranks:
            if isinstance(r, Tensor) and r.shape.rank not in (None, 0):
                raise errors.ShapeError(
                    f"Rank must be a scalar: {errors.describe_tensor(r, r.name)}"
                    + errors.called_at("assert_rank_in"))
        known = [constant_value(r) if isinstance(r, Tensor) else r for r in ranks]
        if x.shape.rank is not None and all(k is not None for k in known):
            known = [int(k) for k in known]
            if x.shape.rank in known:
                return no_op(name="static_checks_determined_all_ok")
            raise errors.ShapeError(
                f"{message}Tensor {x.name} must have rank in {known}. Received rank "
                f"{x.shape.rank}, shape {x.shape}\n  " + errors.describe_tensor(x, x.name)
                + errors.called_at("assert_rank_in"))
        rank = A.rank(x)
        ok = E.equal(rank, ranks[0] if ranks else -1)
        for r in ranks[1:]:
            ok = E.logical_or(ok, E.equal(rank, r))
        if data is None:
            data = [message, f"Tensor {x.name} must have rank in", *ranks,
                    "Received shape: ", A.shape(x)]
        return Assert(ok, data, summarize=summarize)


class FloatDTypeError(errors.DTypeError, ValueError):
    """assert_same_float_dtype's error: a DTypeError (graphc's) that is also the
    ValueError TF1 raises there."""


def assert_same_float_dtype(tensors=None, dtype=None):
    """The float dtype all tensors share (and `dtype`, if given; float32 if neither says
    one); a FloatDTypeError (a DTypeError and, as in TF1, a ValueError) if they differ
    or one is not float."""
    found = None if dtype is None else dtypes.as_dtype(dtype)
    for t in tensors or []:
        if t is None:
            continue
        if not t.dtype.is_floating:
            raise FloatDTypeError(f"Expected floating point type, got {t.dtype.name} for "
                                    f"{t.name}" + errors.called_at("assert_same_float_dtype"))
        if found is not None and t.dtype is not found:
            raise FloatDTypeError(f"{t.name}, type={t.dtype.name}: expected type "
                                    f"{found.name}" + errors.called_at("assert_same_float_dtype"))
        found = found or t.dtype
    if found is not None and not found.is_floating:
        raise FloatDTypeError(f"Expected floating point type, got {found.name}")
    return found or dtypes.float32


def assert_proper_iterable(values):
    """A TypeError if values is a tensor, an array or a string: a caller that meant a
    list of them would iterate over its elements or characters."""
    if is_tensor(values) or isinstance(values, (np.ndarray, str, bytes)):
        raise TypeError(f"Expected argument 'values' to be a \"proper\" iterable. Found: "
                        f"{type(values).__name__}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f"Expected argument 'values' to be iterable. Found: "
                        f"{type(values).__name__}")


# ---- deprecated TF1 aliases -----------------------------------------------------------------
def initialize_all_variables():
    """Deprecated TF1 name of global_variables_initializer()."""
    return global_variables_initializer()


def initialize_local_variables():
    """Deprecated TF1 name of local_variables_initializer()."""
    return local_variables_initializer()


def initialize_variables(var_list, name="init"):
    """Deprecated TF1 name of variables_initializer(var_list, name)."""
    return variables_initializer(var_list, name=name)


def all_variables():
    """Deprecated TF1 name of global_variables()."""
    return global_variables()


def op_scope(values, name, default_name=None):
    """Deprecated TF1 form of name_scope(name, default_name, values)."""
    return name_scope(name, default_name, values)


def variable_op_scope(values, name_or_scope, default_name=None, initializer=None,
                      regularizer=None, caching_device=None, partitioner=None,
                      custom_getter=None, reuse=None, dtype=None, use_resource=None):
    """Deprecated TF1 form of variable_scope(name_or_scope, default_name, values, ...)."""
    return variable_scope(name_or_scope, default_name=default_name, values=values,
                          initializer=initializer, regularizer=regularizer,
                          caching_device=caching_device, partitioner=partitioner,
                          custom_getter=custom_getter, reuse=reuse, dtype=dtype,
                          use_resource=use_resource)
