"""The rest of TF's tf.math: ndtri (an op, with derivatives), and the compositions
erfcinv, xlog1py, approx_max_k and approx_min_k.

approx_max_k / approx_min_k are TF's approximate top-k for TPUs; the exact top-k is a
valid result of them (recall 1 >= any recall_target), so they run gc.nn.top_k and take
TF's gradient from it. TF's CPU kernel takes float16/float32 only, like these.
"""
import collections
import math

import numpy as np

from .. import dtypes
from ..graph import name_scope
from .array import transpose
from .core import convert_to_tensor
from .elementwise import _infer_unary, exp, log1p, negative
from .math_composite import _zero_where_x_is
from .registry import OpDef, apply1, register
from .sorting import top_k

__all__ = ["ndtri", "erfcinv", "xlog1py", "approx_max_k", "approx_min_k"]

_SQRT2 = math.sqrt(2.0)


def _ndtri_kernel(p):
    """The inverse of the standard normal cdf: scipy's where installed, else a Newton
    refinement (on the cdf written with erfc, accurate in the lower tail) of a start
    from erfinv or, far in the tails, from the asymptotic -sqrt(-2 log p)."""
    try:
        from scipy.special import ndtri as _ndtri
        return np.asarray(_ndtri(p), dtype=p.dtype)
    except ImportError:
        pass
    from .math_extra import _erfinv_kernel
    t = np.asarray(p, np.float64)
    lower = np.minimum(t, 1.0 - t)             # solve in the lower half, flip the sign
    with np.errstate(all="ignore"):
        x = _SQRT2 * _erfinv_kernel(2.0 * lower - 1.0)
        tail = np.sqrt(-2.0 * np.log(lower))
        x = np.where(lower < 1e-8, -(tail - np.log(tail * math.sqrt(2 * math.pi)) / tail), x)
        erfc = np.frompyfunc(math.erfc, 1, 1)
        for _ in range(3):
            cdf = 0.5 * np.asarray(erfc(-x / _SQRT2), np.float64)
            step = (cdf - lower) / (np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi))
            x = np.where(np.isfinite(step), x - step, x)
        x = np.where(t > 0.5, -x, x)
        x = np.where(t == 0, -np.inf, np.where(t == 1, np.inf, x))
        x = np.where((t < 0) | (t > 1) | np.isnan(t), np.nan, x)
    return np.asarray(x, dtype=p.dtype)


def _ndtri_vjp(node, gs):
    """g * sqrt(2 pi) exp(y^2 / 2), y the output."""
    y = node.outputs[0]
    return [gs[0] * (math.sqrt(2 * math.pi) * exp(0.5 * y * y))]


def _ndtri_jvp(node, ts):
    """t * sqrt(2 pi) exp(y^2 / 2)."""
    y = node.outputs[0]
    return ts[0] * (math.sqrt(2 * math.pi) * exp(0.5 * y * y))


NDTRI = register(OpDef(
    "Ndtri", _infer_unary("float"), _ndtri_kernel, vjp=_ndtri_vjp, jvp=_ndtri_jvp,
    elementwise=True, api="math.ndtri", signature="math.ndtri(x, name=None)",
    shape_rule="same as x", dtypes="float",
    doc="The inverse of the standard normal cdf (-inf at 0, inf at 1, NaN outside [0, 1]); "
        "d = sqrt(2 pi) e^(y^2/2)."))


def ndtri(x, name=None):
    """The x-quantile of the standard normal distribution, elementwise:

        gc.math.ndtri(gc.constant([0.025, 0.5]))   # [-1.959964, 0.]
    """
    return apply1(NDTRI, (convert_to_tensor(x),), name=name)


def erfcinv(x, name=None):
    """The inverse of erfc on [0, 2]: -ndtri(x / 2) / sqrt(2) (TF's formula):

        gc.math.erfcinv(gc.constant([0.5, 1.0]))   # [0.476936, 0.]
    """
    with name_scope(name, "erfcinv"):
        x = convert_to_tensor(x)
        return negative(ndtri(0.5 * x)) * (1.0 / _SQRT2)


def xlog1py(x, y, name=None):
    """x * log1p(y), and 0 where x == 0 (even for y == -1), elementwise:

        gc.math.xlog1py(gc.constant([0.0, 2.0]), [-1.0, 0.5])   # [0., 0.81093]
    """
    return _zero_where_x_is(x, y, lambda a, b: a * log1p(b), name or "xlog1py")


ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])


def _approx_k(operand, k, reduction_dimension, recall_target, aggregate_to_topk, largest,
              api, name):
    x = convert_to_tensor(operand)
    if x.dtype not in (dtypes.float16, dtypes.float32):
        raise TypeError(f"{api}: operand must be float16 or float32 (as TF's kernel), "
                        f"not {x.dtype.name}")
    if not isinstance(k, int) or isinstance(k, bool) or k < 0:
        raise ValueError(f"{api}: k must be a non-negative Python int, not {k!r}")
    if not 0.0 < float(recall_target) <= 1.0:
        raise ValueError(f"{api}: recall_target must be in (0, 1], not {recall_target!r}")
    r = x.shape.rank
    if r is None or r == 0:
        raise ValueError(f"{api}: operand needs a known rank of at least 1, "
                         f"not shape {x.shape}")
    if not -r <= reduction_dimension < r:
        raise ValueError(f"{api}: reduction_dimension {reduction_dimension} is out of "
                         f"range for rank {r}")
    axis = reduction_dimension % r
    size = x.shape._dims[axis]
    if isinstance(size, int) and k > size:
        raise ValueError(f"{api}: k = {k} is more than the {size} entries of dim {axis}")
    with name_scope(name, api):
        perm = list(range(r))
        perm[axis], perm[-1] = perm[-1], perm[axis]
        moved = x if axis == r - 1 else transpose(x, perm)
        values, indices = top_k(moved if largest else negative(moved), k)
        if not largest:
            values = negative(values)
        if axis != r - 1:
            values, indices = transpose(values, perm), transpose(indices, perm)
        return ApproxTopK(values, indices)


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """(values, indices) of the k largest entries along reduction_dimension, largest
    first (exact: a valid answer for any recall_target); indices are int32.

        values, idx = gc.math.approx_max_k(scores, 10)
    """
    return _approx_k(operand, k, reduction_dimension, recall_target, aggregate_to_topk,
                     True, "approx_max_k", name)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """(values, indices) of the k smallest entries along reduction_dimension, smallest
    first (exact); indices are int32.

        values, idx = gc.math.approx_min_k(distances, 10)
    """
    return _approx_k(operand, k, reduction_dimension, recall_target, aggregate_to_topk,
                     False, "approx_min_k", name)
