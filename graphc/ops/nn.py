"""Neural-network ops (TF1 tf.nn, exported as gc.nn): softmax, log_softmax, the
cross-entropies, l2_loss, bias_add, dropout, moments; conv2d (conv.py) and pooling
(pool.py).

Softmax-based losses shift logits by their max, so logits of 1e4 give no inf or NaN:
    log_softmax(x) = (x - max x) - log(sum(exp(x - max x))).
"""
import numpy as np

from .. import errors
from ..graph import Tensor, name_scope
from ..shapes import InferError
from . import array as A
from . import elementwise as E
from . import reduce as R
from .conv import *  # noqa: F401,F403
from .conv import __all__ as _conv_all
from .core import convert_to_tensor, stop_gradient
from .creation import range as range_
from .join import concat
from .elementwise import operands
from .pool import *  # noqa: F401,F403
from .pool import __all__ as _pool_all
from .random import random_uniform
from .registry import OpDef, apply1, register
# after pool and random, as when these ops were defined here: the same registration order
from .nn_softmax import (LOG_SOFTMAX, SOFTMAX, SOFTMAX_XENT,  # noqa: F401 (re-exports)
                         SPARSE_SOFTMAX_XENT, log_softmax, softmax,
                         softmax_cross_entropy_with_logits,
                         softmax_cross_entropy_with_logits_v2,
                         sparse_softmax_cross_entropy_with_logits)

__all__ = ["softmax", "log_softmax", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "l2_loss", "bias_add", "dropout",
           "moments"] + _conv_all + _pool_all


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise logistic loss, stable for large |x|:
    max(x, 0) - x * z + log(1 + exp(-|x|)) for logits x and labels z."""
    if labels is None or logits is None:
        raise errors.UsageError(
            "sigmoid_cross_entropy_with_logits: both labels and logits are required"
            + errors.called_at("sigmoid_cross_entropy_with_logits"))
    x, z = operands(logits, labels, "sigmoid_cross_entropy_with_logits")
    _check_same_shape("sigmoid_cross_entropy_with_logits", z, x)
    # max(x, 0) and -|x| as selects on x >= 0 (TF's form), not relu and abs: their
    # derivatives are 1 and -1 at x = 0, so the gradient there is sigmoid(0) - z
    with name_scope(name, "logistic_loss", [x]) as scope:     # TF1's names
        nonneg = E.greater_equal(x, E.zeros_like_(x))
        return E.add(E.select(nonneg, x, E.zeros_like_(x)) - x * z,
                     E.softplus(E.select(nonneg, -x, x)), name=scope)


def _check_same_shape(api, a, b):
    s, t = a.shape, b.shape
    if s.rank is None or t.rank is None:
        return
    if s.rank == t.rank and all(
            x is None or y is None or not isinstance(x, int) or not isinstance(y, int) or x == y
            for x, y in zip(s._dims, t._dims)):
        return
    raise errors.ShapeError(
        f"{api}: labels and logits must have the same shape, not {s} and {t}\n"
        f"  {errors.describe_tensor(a, a.name)}\n  {errors.describe_tensor(b, b.name)}"
        + errors.called_at(api))


# ---- compositions -------------------------------------------------------------------------
def _infer_l2_loss(ctx, t):
    ctx.require(0, "float")
    return (), t.dtype


def _l2_loss_kernel(t):
    acc = np.float32 if t.dtype == np.float16 else t.dtype      # float16 sums in float32
    return np.asarray(np.sum(np.square(t, dtype=acc)) / 2, t.dtype)


L2_LOSS = register(OpDef(
    "L2Loss", _infer_l2_loss, _l2_loss_kernel,
    vjp=lambda node, gs: [node.inputs[0] * gs[0]],
    jvp=lambda node, ts: None if ts[0] is None else R.reduce_sum(node.inputs[0] * ts[0]),
    api="nn.l2_loss", signature="nn.l2_loss(t, name=None)", shape_rule="a scalar",
    dtypes="float", doc="sum(t ** 2) / 2, a scalar (weight decay)."))


def l2_loss(t, name=None):
    """sum(t ** 2) / 2, a scalar (weight decay): TF1's L2Loss op."""
    return apply1(L2_LOSS, (convert_to_tensor(t),), name=name)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of x over `axes`: `mean, var = gc.nn.moments(x, axes=[0])`.

    variance = mean((x - stop_gradient(mean))^2), as TF1 computes it: the first-order
    gradient is the same either way (that term's is zero), but second derivatives through
    moments (MAML's meta-gradients, gradient penalties through a layer or batch norm) are
    TF1's, not the exact ones. For exact ones, write mean((x - mean)^2) out."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    return _moments(x, axes, keep, name, hold_mean=True)


def _moments(x, axes, keep, name=None, hold_mean=False):
    """moments; with hold_mean=False the variance's mean is not held by stop_gradient, so
    second derivatives are exact (fused_batch_norm's, as TF's FusedBatchNormGrad has)."""
    from ..graph import get_default_graph
    x = convert_to_tensor(x)
    axes = [int(a) for a in (axes if isinstance(axes, (list, tuple)) else [axes])]
    with get_default_graph().name_scope(name or "moments"):    # TF1's names
        y = E.cast(x, "float32") if x.dtype.name == "float16" else x   # float16: in float32
        mean = R.reduce_mean(y, axis=axes, keepdims=True, name="mean")
        var = R.reduce_mean(E.squared_difference(y, stop_gradient(mean) if hold_mean
                                                 else mean),
                            axis=axes, keepdims=True, name="variance")
        if not keep:
            mean, var = A.squeeze(mean, axes), A.squeeze(var, axes)
        if y is not x:
            mean, var = E.cast(mean, x.dtype), E.cast(var, x.dtype)
    return mean, var


# ---- bias_add and dropout -----------------------------------------------------------------
def _channel_axis(rank, data_format):
    return rank - 1 if data_format == "NHWC" else 1


def _infer_bias_add(ctx, value, bias, *, data_format):
    ctx.same_dtype()
    ctx.require(0, "numeric")
    if bias.shape.rank not in (1, None):
        raise InferError(f"the bias {{1}} must be 1-D, not of shape {bias.shape}")
    r = value.shape.rank
    if r is None:                       # the kernel finds dim 1 at run time (NCHW)
        return value.shape, value.dtype
    if r < 2:
        raise InferError(f"the value {{0}} must have rank >= 2, not {r}")
    c = _channel_axis(r, data_format)
    dims = list(value.shape._dims)
    dims[c] = ctx.merge_dims(dims[c], bias.shape._dims[0] if bias.shape.rank else None,
                             f"the bias {{{{1}}}} has {{b}} elements but {{{{0}}}} has {{a}} "
                             f"channels (dim {c}, data_format {data_format})")
    return tuple(dims), value.dtype


def _bias_add_kernel(value, bias, *, data_format):
    c = value.ndim - 1 if data_format == "NHWC" else 1
    if value.ndim < 2 or bias.ndim != 1 or bias.shape[0] != value.shape[c]:
        _bias_add_error(value, bias, data_format)
    if data_format == "NCHW":
        bias = bias.reshape((-1,) + (1,) * (value.ndim - 2))
    return value + bias


def _bias_add_error(value, bias, data_format):
    """The run-time checks that static shapes left open (TF's words at the end)."""
    if value.ndim < 2:
        why = (f"the value must have rank >= 2, not shape {value.shape} (Input tensor must "
               f"be at least 2D: {_tf_dims(value.shape)})")
    elif bias.ndim != 1:
        why = (f"the bias must be 1-D, not of shape {bias.shape} (Biases must be 1D: "
               f"{_tf_dims(bias.shape)})")
    else:
        c = value.ndim - 1 if data_format == "NHWC" else 1
        why = (f"the bias has {bias.shape[0]} elements but the value of shape {value.shape} "
               f"has {value.shape[c]} channels (dim {c}, data_format {data_format}); a bias "
               f"is never broadcast (Must provide as many biases as the last dimension of "
               f"the input tensor: {_tf_dims(bias.shape)} vs. {_tf_dims(value.shape)})")
    raise errors.InvalidArgumentError(f"bias_add: {why}")


def _tf_dims(shape):
    return "[" + ",".join(map(str, shape)) + "]"


def _bias_add_vjp(node, gs):
    """gvalue = g; gbias = g summed over every axis but the channel axis. reduce_sum, not
    the sweep's sum_to: TF's BiasAddGrad accumulates float16 in float32, as reduce_sum
    does, while a plain broadcast's Sum stays in float16."""
    value, fmt, g = node.inputs[0], node.attrs["data_format"], gs[0]
    r = value.shape.rank
    if fmt == "NHWC":
        if r is None:                   # every axis but the last, known at run time
            return [g, R.reduce_sum(g, axis=range_(0, A.rank(g) - 1))]
        return [g, R.reduce_sum(g, axis=list(range(r - 1)))]
    if r is None:                       # every axis but 1, known at run time
        axes = concat([[0], range_(2, A.rank(g))], 0)
        return [g, R.reduce_sum(g, axis=axes)]
    return [g, R.reduce_sum(g, axis=[k for k in range(r) if k != 1])]


def _bias_add_jvp(node, ts):
    """Linear: d = bias_add(dvalue, dbias), a zero standing in for a missing tangent."""
    value, bias = node.inputs
    tv = ts[0] if ts[0] is not None else A.zeros_like(value)
    tb = ts[1] if ts[1] is not None else A.zeros_like(bias)
    return bias_add(tv, tb, data_format=node.attrs["data_format"])


BIAS_ADD = register(OpDef(
    "BiasAdd", _infer_bias_add, _bias_add_kernel, vjp=_bias_add_vjp, jvp=_bias_add_jvp,
    broadcasts=True,  # the bias is broadcast; the vjp sums its cotangent itself (float32)
    api="nn.bias_add", signature="nn.bias_add(value, bias, data_format=None, name=None)",
    shape_rule="value (..., C) + bias (C,) -> value's shape (C is dim 1 for NCHW)",
    dtypes="numeric (value, bias same)",
    doc="Adds a 1-D bias along the channel (last) axis of value."))


def bias_add(value, bias, data_format=None, name=None):
    """value + bias along the channel axis: `gc.nn.bias_add(conv, b)` with b of shape (C,)."""
    fmt = data_format or "NHWC"
    if fmt.startswith("NC"):
        fmt = "NCHW"
    elif fmt.startswith("N") and fmt.endswith("C"):
        fmt = "NHWC"
    else:
        raise errors.UsageError(f"bias_add: data_format must be NHWC or NCHW, not "
                                f"{data_format!r}" + errors.called_at("bias_add"))
    value, bias = operands(value, bias, "bias_add")
    return apply1(BIAS_ADD, (value, bias), name=name, data_format=fmt)


def dropout(x, keep_prob=None, noise_shape=None, seed=None, name=None, rate=None):
    """x / keep_prob where a uniform draw keeps it (probability keep_prob), else 0.

        h = gc.nn.dropout(h, keep_prob=0.5)     # or rate=0.5
    keep_prob may be a tensor (e.g. a placeholder fed 1.0 for evaluation). noise_shape
    (broadcastable to x's shape) shares one draw along axes of size 1."""
    x = convert_to_tensor(x)
    if not x.dtype.is_floating:
        raise errors.DTypeError(f"dropout: x must be a float tensor, not {x.dtype.name}\n  "
                                + errors.describe_tensor(x, x.name))
    if keep_prob is not None and rate is not None:
        raise _dropout_error("Cannot specify both 'keep_prob' and 'rate'.")
    if keep_prob is None and rate is None:
        raise _dropout_error("`rate` must be provided. Received: rate=None")
    keep = (1 - rate) if keep_prob is None else keep_prob
    if not isinstance(keep, Tensor):
        keep = float(keep)
        if not 0 < keep <= 1 and keep_prob is None:
            raise _dropout_error(f"`rate` must be a scalar tensor or a float in the range "
                                 f"[0, 1). Received: rate={rate}")
        if not 0 < keep <= 1:
            raise _dropout_error(f"keep_prob must be in (0, 1], got {keep_prob} (TF1 "
                                 f"drops with rate = 1 - keep_prob = {1 - keep}, which must "
                                 f"be in [0, 1))")
        if keep == 1:
            return x
    if noise_shape is None:
        noise_shape = (x.shape._dims if x.shape.is_fully_defined()
                       else A.shape(x))
    # floor(keep + u) is 1 with probability keep, for u uniform in [0, 1)
    mask = E.floor(keep + random_uniform(noise_shape, dtype=x.dtype, seed=seed))
    out = E.multiply(E.divide(x, keep), mask, name=name)
    out.set_shape(x.shape)      # the mask broadcasts to x: the result has x's shape
    return out


def _dropout_error(msg):
    """dropout's argument errors: a UsageError (TF1's ValueError) at the user's line."""
    return errors.UsageError(f"dropout: {msg}" + errors.called_at("dropout"))
