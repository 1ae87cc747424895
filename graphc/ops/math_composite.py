"""TF1 math functions that are compositions of other ops, so their derivatives come from
those: reduce_variance, reduce_std, reduce_euclidean_norm, lbeta, xlogy, xdivy,
reciprocal_no_nan, accumulate_n, is_non_decreasing, is_strictly_increasing and
confusion_matrix; and cumulative_logsumexp, an op of its own (TF's CumulativeLogsumexp: a
running log-add-exp kernel, with TF's gradient written in log space).

Where a formula has a removable singularity (xlogy at x == 0, xdivy too), the input of
the singular op is replaced before it (the "double where"), so the gradient there is
0, never 0 * inf = NaN.
"""
import numpy as np

from .. import dtypes
from ..graph import control_dependencies, name_scope
from .array import as_int, reshape, static_value
from .asserts import assert_less, assert_non_negative
from .broadcast import select
from .core import convert_to_tensor
from .creation import ones_like, zeros_like
from .elementwise import (abs as abs_, add_n, cast, equal, exp, greater, greater_equal,
                          less, log, maximum, sqrt, square)
from .gamma import lgamma
from .gather import unsorted_segment_sum
from .math_extra import div_no_nan
from .reduce import reduce_all, reduce_max, reduce_mean, reduce_sum
from .join import stack
from .registry import OpDef, apply1, register
from .scan import _batch_scan, _infer_scan

__all__ = ["reduce_variance", "reduce_std", "reduce_euclidean_norm", "cumulative_logsumexp",
           "lbeta", "xlogy", "xdivy", "reciprocal_no_nan", "accumulate_n",
           "is_non_decreasing", "is_strictly_increasing", "confusion_matrix"]


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """The mean of squared deviations from the mean over axis (population variance):
    gc.reduce_variance([1., 2., 3., 4.]) is 1.25."""
    with name_scope(name, "reduce_variance"):
        x = convert_to_tensor(input_tensor)
        dev = x - reduce_mean(x, axis=axis, keepdims=True)
        if x.dtype.is_complex:          # TF: |x - mean|^2, a real variance
            dev = abs_(dev)
        return reduce_mean(square(dev), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(reduce_variance): gc.reduce_std([1., 3.]) is 1."""
    with name_scope(name, "reduce_std"):
        return sqrt(reduce_variance(input_tensor, axis, keepdims))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x^2)) over axis: gc.reduce_euclidean_norm([3., 4.]) is 5. Integers give
    integers, the root truncated (TF1): [[3, 4], [1, 2]] over axis 1 is [5, 2]. Complex x
    gives sqrt(sum |x|^2) (x conj(x)), real-valued in x's complex dtype (TF1)."""
    with name_scope(name, "reduce_euclidean_norm"):
        x = convert_to_tensor(input_tensor)
        if x.dtype.is_complex:
            from .complex_ops import imag, real
            sum_sq = reduce_sum(square(real(x)) + square(imag(x)), axis=axis,
                                keepdims=keepdims)
            return cast(sqrt(sum_sq), x.dtype)
        sum_sq = reduce_sum(square(x), axis=axis, keepdims=keepdims)
        if x.dtype.is_integer:
            return cast(sqrt(cast(sum_sq, dtypes.float64)), x.dtype)
        return sqrt(sum_sq)


def _clse_kernel(x, *, axis, exclusive, reverse):
    """A running log-add-exp along axis (TF's kernel): each prefix is exact however far
    below the row's maximum it lies, and an inf makes the later prefixes inf, not NaN."""
    if reverse:
        x = np.flip(x, axis)
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.logaddexp.accumulate(x, axis=axis, dtype=x.dtype)
    if exclusive and y.shape[axis]:    # shift by one along axis, -inf (log 0) in front
        y = np.moveaxis(y, axis, 0)
        y = np.concatenate([np.full((1,) + y.shape[1:], -np.inf, y.dtype), y[:-1]])
        y = np.moveaxis(y, 0, axis)
    return np.ascontiguousarray(np.flip(y, axis) if reverse else y)


def _infer_clse(ctx, x, **attrs):
    ctx.require(0, "float")
    return _infer_scan(ctx, x, **attrs)


def _log_parts(t):
    """(log t where t > 0, log -t where t < 0), dtype.min elsewhere; the log never sees
    t <= 0 (resp. >= 0), so the gradients through them stay finite (double where)."""
    low = t.dtype.min
    one = ones_like(t)
    pos, neg = greater(t, 0.0), less(t, 0.0)
    return (select(pos, log(select(pos, t, one)), low),
            select(neg, log(select(neg, -t, one)), low))


def _clse_vjp(node, gs):
    """TF's rule: dx_i = sum over the outputs y_j whose prefix holds x_i of
    g_j exp(x_i - y_j) (softmax weights), summed as a cumulative_logsumexp in the other
    direction of log g - y, with g split by sign so that the logs are defined."""
    x, y, a = node.inputs[0], node.outputs[0], node.attrs
    flags = dict(axis=a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"])
    lpos, lneg = _log_parts(gs[0])
    return [exp(cumulative_logsumexp(lpos - y, **flags) + x)
            - exp(cumulative_logsumexp(lneg - y, **flags) + x)]


def _clse_jvp(node, ts):
    """dy_j = sum over the prefix of y_j of t_i exp(x_i - y_j), split by the sign of t."""
    if ts[0] is None:
        return None
    x, y = node.inputs[0], node.outputs[0]
    lpos, lneg = _log_parts(ts[0])
    return (exp(cumulative_logsumexp(x + lpos, **node.attrs) - y)
            - exp(cumulative_logsumexp(x + lneg, **node.attrs) - y))


CUMULATIVE_LOGSUMEXP = register(OpDef(
    "CumulativeLogsumexp", _infer_clse, _clse_kernel, vjp=_clse_vjp, jvp=_clse_jvp,
    batch=_batch_scan, api="cumulative_logsumexp",
    signature="cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None)",
    shape_rule="same as x", dtypes="float",
    doc="log(cumsum(exp(x))) along axis as a running log-add-exp (flags as cumsum; "
        "exclusive puts -inf first); finite wherever the result is."))


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """log(cumsum(exp(x))) along axis (flags as cumsum), as a running log-add-exp (TF's
    kernel): no prefix underflows to -inf or overflows, however far x spreads, so
    [-200., 0., 1.] gives [-200., 0., 1.3133]. The gradient is TF's (softmax weights
    summed in log space)."""
    x = convert_to_tensor(x)
    return apply1(CUMULATIVE_LOGSUMEXP, (x,), name=name or "cumulative_logsumexp",
                  axis=as_int(static_value(axis, "cumulative_logsumexp: axis")),
                  exclusive=bool(exclusive), reverse=bool(reverse))


def lbeta(x, name=None):
    """log|B(x)| over the last dim: sum(lgamma(x)) - lgamma(sum(x)) (TF1's tf.lbeta)."""
    with name_scope(name, "lbeta"):
        x = convert_to_tensor(x)
        return reduce_sum(lgamma(x), axis=-1) - lgamma(reduce_sum(x, axis=-1))


def _zero_where_x_is(x, y, fn, name):
    """fn(x, y), and 0 where x == 0, with y replaced by 1 there before fn sees it."""
    with name_scope(name):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype)
        zero = equal(x, 0.0)
        safe = select(zero, ones_like(y * x), y * ones_like(x))
        return select(zero, zeros_like(safe), fn(x, safe))


def xlogy(x, y, name=None):
    """x * log(y), and 0 where x == 0 (even for y == 0)."""
    return _zero_where_x_is(x, y, lambda a, b: a * log(b), name or "xlogy")


def xdivy(x, y, name=None):
    """x / y, and 0 where x == 0 (even for y == 0)."""
    return _zero_where_x_is(x, y, lambda a, b: a / b, name or "xdivy")


def reciprocal_no_nan(x, name=None):
    """1 / x, and 0 where x == 0."""
    x = convert_to_tensor(x)
    return div_no_nan(ones_like(x), x, name=name)


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):  # noqa: A002
    """The sum of inputs (TF1's accumulate_n: add_n without waiting for all of them,
    which a plan that runs one op at a time has no use for)."""
    return add_n(inputs, name=name)


def _monotone(x, compare, name):
    with name_scope(name):
        flat = reshape(convert_to_tensor(x), [-1])
        return reduce_all(compare(flat[1:], flat[:-1]))


def is_non_decreasing(x, name=None):
    """True if x (flattened) has x[i] <= x[i + 1] for all i (an empty x is)."""
    return _monotone(x, greater_equal, name or "is_non_decreasing")


def is_strictly_increasing(x, name=None):
    """True if x (flattened) has x[i] < x[i + 1] for all i (an empty x is)."""
    return _monotone(x, greater, name or "is_strictly_increasing")


def confusion_matrix(labels, predictions, num_classes=None, dtype=dtypes.int32, name=None,
                     weights=None):
    """cm[i, j]: how many examples (or what weight of them) with label i were predicted
    j. num_classes (an int or a tensor of any int dtype, cast to int64 as TF1) defaults
    to 1 + the largest label or prediction (TF1); a negative label or prediction, or one
    >= num_classes, fails the run (TF1's asserts).

        gc.confusion_matrix([0, 1, 1], [0, 1, 0])     # [[1, 0], [1, 1]]"""
    with name_scope(name, "confusion_matrix"):
        labels = cast(convert_to_tensor(labels), dtypes.int64)      # all int64 (TF1)
        predictions = cast(convert_to_tensor(predictions), dtypes.int64)
        checks = [assert_non_negative(labels, message="confusion_matrix: labels"),
                  assert_non_negative(predictions, message="confusion_matrix: predictions")]
        if num_classes is None:
            n = maximum(reduce_max(labels), reduce_max(predictions)) + 1
        else:
            n = cast(convert_to_tensor(num_classes), dtypes.int64)    # any int tensor
            checks += [assert_less(labels, n, message="confusion_matrix: labels"),
                       assert_less(predictions, n, message="confusion_matrix: predictions")]
        dtype = dtypes.as_dtype(dtype)
        w = ones_like(labels, dtype=dtype) if weights is None else \
            cast(convert_to_tensor(weights), dtype)
        with control_dependencies(checks):
            counts = unsorted_segment_sum(w, labels * n + predictions, n * n)
        return reshape(counts, stack([n, n]))
