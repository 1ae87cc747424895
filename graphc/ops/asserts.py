"""Run-time assertions (TF1): Assert and the assert_* functions built on it.

Assert is a stateful op with no outputs: run it, or make other ops wait for it with
control_dependencies. When its condition is false it fails; the executable re-raises
that as an ExecutionError naming the node and where it was built, with TF's message:
    assertion failed: [] [Condition x == y did not hold element-wise:] [x (x:0) = ] [1 2 3]...
Static facts are checked when the op is built, as TF1 does, where graphc has an
error for them: a wrong known rank (ShapeError) or dtype (DTypeError). A comparison
(assert_equal, assert_less, ..., assert_positive, ...) whose both sides are known when
the graph is built (constants, the shapes of placeholders of known shape) is decided
then, as TF does: a false one raises InvalidArgumentError at once, with its data (the
op is still built, and checks again when run).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, name_scope
from ..shapes import InferError
from . import array as A
from . import elementwise as E
from . import reduce as R
from .core import convert_to_tensor, no_op
from .debug import data_parts, render
from .registry import OpDef, apply, constant_value, register

__all__ = ["Assert", "assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_positive", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_near", "assert_rank",
           "assert_rank_at_least", "assert_type"]


def _infer_assert(ctx, cond, *data, summarize, parts):
    if not cond.dtype.is_bool:
        raise InferError(f"the condition {{0}} must be bool, not {cond.dtype.name}", "dtype")
    if cond.shape.rank not in (0, None):
        raise InferError(f"the condition {{0}} must be a scalar, not of shape {cond.shape}")
    return []


def _assert_kernel(cond, *data, summarize, parts):
    if cond.size != 1 or cond.ndim > 1:
        raise ValueError(f"In[0] should be a scalar: {list(cond.shape)}")
    if cond.reshape(-1)[0]:
        return ()
    texts = render(parts, data, summarize)
    raise AssertionError("assertion failed: " + " ".join(f"[{t}]" for t in texts))


ASSERT = register(OpDef(
    "Assert", _infer_assert, _assert_kernel, stateful=True, differentiable=False,
    api="Assert", signature="Assert(condition, data, summarize=None, name=None)",
    shape_rule="no outputs", dtypes="condition bool; data any",
    doc="Fails at run time, printing data (up to summarize values each), unless "
        "condition holds."))


def Assert(condition, data, summarize=None, name=None):
    """An op that fails when run unless `condition` (a bool scalar) is true; the error
    shows each of `data` (strings as they are, tensors summarized).

        check = gc.Assert(gc.reduce_all(x > 0), ["x must be positive:", x])
        with gc.control_dependencies([check]):
            y = gc.log(x)"""
    with name_scope(name, "Assert"):
        cond = convert_to_tensor(condition)
        parts, tensors = data_parts(data)
        return apply(ASSERT, (cond, *tensors), name="Assert",
                     summarize=3 if summarize is None else int(summarize), parts=parts)


def _pair(x, y):
    """x and y as tensors; a Python value takes the other's dtype (TF1 names them x, y)."""
    if isinstance(y, Tensor) and not isinstance(x, Tensor):
        y = convert_to_tensor(y)
        return convert_to_tensor(x, dtype=y.dtype, name="x"), y
    x = convert_to_tensor(x, name="x")
    return x, convert_to_tensor(y, dtype=None if isinstance(y, Tensor) else x.dtype, name="y")


def _static_check(x, y, compare, data):
    """TF's _assert_static: when x and y are known now, a false comparison raises
    InvalidArgumentError here (with the data, tensors by their known values)."""
    xv, yv = constant_value(x), constant_value(y)
    if xv is None or yv is None or np.all(compare(xv, yv)):
        return
    shown = []
    for d in data:
        v = constant_value(d) if isinstance(d, Tensor) else d
        shown.append(str(d.name if isinstance(d, Tensor) and v is None else v))
    raise errors.InvalidArgumentError(
        "\n".join(shown) + f"\n  (decided when the graph was built, at "
        f"{errors.format_site(errors.user_site())})")


def _binary(sym, opname, compare, static, doc, held="hold element-wise"):
    def fn(x, y, data=None, summarize=None, message=None, name=None):
        with name_scope(name, opname, [x, y]):
            x, y = _pair(x, y)
            if data is None:
                data = [message or "", f"Condition x {sym} y did not {held}:",
                        f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
            elif message is not None:           # TF's: the message leads the data
                data = [message] + list(data)
            condition = R.reduce_all(compare(x, y))
            _static_check(x, y, static, data)
            return Assert(condition, data, summarize=summarize)
    fn.__name__ = fn.__qualname__ = opname
    fn.__doc__ = (f"An op that fails when run unless x {sym} y for every pair of "
                  f"(broadcast) elements.\n\n        {doc}\n    data, summarize and "
                  "message shape the error (TF1's defaults show x and y).")
    return fn


assert_equal = _binary("==", "assert_equal", E.equal, np.equal,
                       "with gc.control_dependencies([gc.assert_equal(n, 3)]): ...")
assert_none_equal = _binary("!=", "assert_none_equal", E.not_equal, np.not_equal,
                            "gc.assert_none_equal(x, 0)", "hold for every single element")
assert_less = _binary("<", "assert_less", E.less, np.less, "gc.assert_less(p, 1.0)")
assert_less_equal = _binary("<=", "assert_less_equal", E.less_equal, np.less_equal,
                            "gc.assert_less_equal(p, 1.0)")
assert_greater = _binary(">", "assert_greater", E.greater, np.greater,
                         "gc.assert_greater(n, 0)")
assert_greater_equal = _binary(">=", "assert_greater_equal", E.greater_equal,
                               np.greater_equal, "gc.assert_greater_equal(p, 0.0)")


def _sign(sym, opname, zero_left, check):
    def fn(x, data=None, summarize=None, message=None, name=None):
        message = message or ""
        with name_scope(name, opname, [x]):
            x = convert_to_tensor(x, name="x")
            if data is None:
                data = [message, f"Condition x {sym} 0 did not hold element-wise:",
                        f"x ({x.name}) = ", x]
            zero = convert_to_tensor(0, dtype=x.dtype)
            a, b = (zero, x) if zero_left else (x, zero)
            return check(a, b, data=data, summarize=summarize)
    fn.__name__ = fn.__qualname__ = opname
    fn.__doc__ = (f"An op that fails when run unless x {sym} 0 element-wise.\n\n"
                  f"        with gc.control_dependencies([gc.{opname}(x)]): ...")
    return fn


assert_positive = _sign(">", "assert_positive", True, assert_less)
assert_negative = _sign("<", "assert_negative", False, assert_less)
assert_non_negative = _sign(">=", "assert_non_negative", True, assert_less_equal)
assert_non_positive = _sign("<=", "assert_non_positive", False, assert_less_equal)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None,
                name=None):
    """An op that fails when run unless |x - y| < atol + rtol * |y| element-wise
    (defaults: 10 eps of x's dtype).

        gc.assert_near(gc.reduce_sum(p, 1), 1.0, atol=1e-5)"""
    message = message or ""
    with name_scope(name, "assert_near", [x, y]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_floating:             # TF raises ValueError here
            raise ValueError("assert_near: x must be a float tensor\n  "
                             + errors.describe_tensor(x, x.name))
        y = convert_to_tensor(y, dtype=x.dtype, name="y")
        eps = float(np.finfo(x.dtype.np).eps)
        rtol = 10 * eps if rtol is None else rtol
        atol = 10 * eps if atol is None else atol
        if data is None:
            shown = [t.name if isinstance(t, Tensor) else t for t in (rtol, atol)]
            data = [message, "x and y not equal to tolerance rtol = %s, atol = %s" %
                    tuple(shown), f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        rtol = convert_to_tensor(rtol, dtype=x.dtype, name="rtol")
        atol = convert_to_tensor(atol, dtype=x.dtype, name="atol")
        close = E.less(E.abs(x - y), atol + rtol * E.abs(y))
        return Assert(R.reduce_all(close), data, summarize=summarize)


def _rank_assert(opname, words, static_ok, dynamic_ok):
    def fn(x, rank, data=None, summarize=None, message=None, name=None):
        message = message or ""
        with name_scope(name, opname, [x]):
            x = convert_to_tensor(x, name="x")
            rank = convert_to_tensor(rank, dtype=dtypes.int32, name="rank")
            if rank.shape.rank not in (0, None):
                raise ValueError("Rank must be a scalar.")
            if data is None:
                data = [message, f"Tensor {x.name} must have {words}", rank,
                        "Received shape: ", A.shape(x)]
            want = constant_value(rank)
            if want is not None and x.shape.rank is not None:
                if static_ok(x.shape.rank, int(want)):
                    return no_op(name="static_checks_determined_all_ok")
                raise errors.ShapeError(
                    f"{message}.  Tensor {x.name} must have {words} {int(want)}.  Received "
                    f"rank {x.shape.rank}, shape {x.shape}\n  "
                    f"{errors.describe_tensor(x, x.name)}" + errors.called_at(opname))
            return Assert(dynamic_ok(A.rank(x), rank), data, summarize=summarize)
    fn.__name__ = fn.__qualname__ = opname
    fn.__doc__ = (f"An op that fails when run unless x has {words} `rank`; when both are "
                  "known at build time, a ShapeError now\n    (or, if they agree, a no_op)."
                  f"\n\n        with gc.control_dependencies([gc.{opname}(x, 2)]): ...")
    return fn


assert_rank = _rank_assert("assert_rank", "rank", lambda a, b: a == b, E.equal)
assert_rank_at_least = _rank_assert("assert_rank_at_least", "rank at least",
                                    lambda a, b: a >= b, E.greater_equal)


def assert_type(tensor, tf_type, message=None, name=None):
    """Checks now (statically) that tensor has dtype tf_type; returns a no_op.

        gc.assert_type(ids, gc.int64)"""
    message = message or ""
    tensor = convert_to_tensor(tensor, name="tensor")
    want = dtypes.as_dtype(tf_type)
    if tensor.dtype is not want:
        raise errors.DTypeError(f"{message}  {tensor.name} must be of type {want.name}, not "
                                f"{tensor.dtype.name}\n  "
                                + errors.describe_tensor(tensor, tensor.name))
    with name_scope(name, "assert_type", [tensor]):
        return no_op(name="statically_determined_correct_type")
