"""Neural-network ops (TF1 tf.nn, exported as gc.nn): softmax, log_softmax, the
cross-entropies, l2_loss, bias_add, dropout, moments; conv2d (conv.py) and pooling
(pool.py).

Softmax-based losses shift logits by their max, so logits of 1e4 give no inf or NaN:
    log_softmax(x) = (x - max x) - log(sum(exp(x - max x))).
"""
import numpy as np

from .. import errors
from ..graph import Tensor
from ..shapes import InferError
from . import array as A
from . import elementwise as E
from . import reduce as R
from .conv import *  # noqa: F401,F403
from .conv import __all__ as _conv_all
from .core import convert_to_tensor, stop_gradient
from .elementwise import operands
from .pool import *  # noqa: F401,F403
from .pool import __all__ as _pool_all
from .random import random_uniform
from .registry import OpDef, apply, apply1, register

__all__ = ["softmax", "log_softmax", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits",
           "sigmoid_cross_entropy_with_logits", "l2_loss", "bias_add", "dropout",
           "moments"] + _conv_all + _pool_all


def _sum(x, axis):
    return R.reduce_sum(x, axis=axis, keepdims=True)


def _infer_along(ctx, x, *, axis):
    ctx.require(0, "float")
    if x.shape.rank is not None:
        if x.shape.rank == 0:
            raise InferError("{0} is a scalar: this op needs rank >= 1")
        ctx.axis(axis, x.shape.rank)
    return x.shape, x.dtype


def _softmax_kernel(x, *, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_kernel(x, *, axis):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def _softmax_vjp(node, gs):
    """y = softmax(x): gx = u - y * sum(u), u = g * y. (Written so that the compiler's
    "(g/y)*y -> g" rule makes the gradient of log(softmax(x)) exact: g - y * sum(g).)"""
    y, axis = node.outputs[0], node.attrs["axis"]
    u = gs[0] * y
    return [u - y * _sum(u, axis)]


def _softmax_jvp(node, ts):
    """dy = y * (t - sum(t * y))."""
    y, axis = node.outputs[0], node.attrs["axis"]
    return y * (ts[0] - _sum(ts[0] * y, axis))


def _log_softmax_vjp(node, gs):
    """y = log_softmax(x): gx = g - exp(y) * sum(g)."""
    y, axis = node.outputs[0], node.attrs["axis"]
    return [gs[0] - E.exp(y) * _sum(gs[0], axis)]


def _log_softmax_jvp(node, ts):
    """dy = t - sum(exp(y) * t)."""
    y, axis = node.outputs[0], node.attrs["axis"]
    return ts[0] - _sum(E.exp(y) * ts[0], axis)


SOFTMAX = register(OpDef(
    "Softmax", _infer_along, _softmax_kernel, vjp=_softmax_vjp, jvp=_softmax_jvp,
    api="nn.softmax", signature="nn.softmax(logits, axis=-1, name=None)",
    shape_rule="same as logits", dtypes="float",
    doc="exp(x) / sum(exp(x)) along axis, computed with x shifted by its max."))
LOG_SOFTMAX = register(OpDef(
    "LogSoftmax", _infer_along, _log_softmax_kernel, vjp=_log_softmax_vjp,
    jvp=_log_softmax_jvp, api="nn.log_softmax",
    signature="nn.log_softmax(logits, axis=-1, name=None)", shape_rule="same as logits",
    dtypes="float", doc="x - logsumexp(x) along axis; finite for any finite logits."))


def _axis_arg(axis, dim):
    axis = dim if axis is None else axis
    return -1 if axis is None else int(axis)


def softmax(logits, axis=None, name=None, dim=None):
    """exp(logits) normalized along axis (default the last): `gc.nn.softmax(x @ W + b)`."""
    return apply1(SOFTMAX, (convert_to_tensor(logits),), name=name, axis=_axis_arg(axis, dim))


def log_softmax(logits, axis=None, name=None, dim=None):
    """log(softmax(logits)), computed stably along axis (default the last)."""
    return apply1(LOG_SOFTMAX, (convert_to_tensor(logits),), name=name,
                  axis=_axis_arg(axis, dim))


# ---- cross-entropies -----------------------------------------------------------------------
# Two outputs, as TF1's op has: the loss, and its gradient with respect to the logits
# ("backprop", softmax(x) * sum(z) - z), made in the same kernel from the same softmax, so
# the gradient sweep reuses it instead of computing softmax again.
def _infer_xent(ctx, labels, logits, *, axis):
    ctx.same_dtype()
    ctx.require(1, "float")
    s, t = labels.shape, logits.shape
    if s.rank is not None and t.rank is not None:
        if s.rank != t.rank:
            raise InferError(f"labels {{0}} and logits {{1}} must have the same shape, not "
                             f"{s} and {t}")
        dims = [ctx.merge_dims(a, b, f"labels {{{{0}}}} and logits {{{{1}}}} must have the "
                                     f"same shape: dim {k} is {{a}} and {{b}}")
                for k, (a, b) in enumerate(zip(s.dims, t.dims))]
    else:
        dims = (s if s.rank is not None else t).dims
    if dims is None:
        return [(None, logits.dtype), (None, logits.dtype)]
    if not dims:
        raise InferError("logits {1} is a scalar: the classes need an axis")
    a = ctx.axis(axis, len(dims), 1)
    return [(dims[:a] + dims[a + 1:], logits.dtype), (dims, logits.dtype)]


def _xent_kernel(labels, logits, *, axis):
    if labels.shape != logits.shape:        # never broadcast silently (TF1 refuses too)
        raise ValueError(f"labels of shape {labels.shape} and logits of shape "
                         f"{logits.shape} must have the same shape")
    ls = _log_softmax_kernel(logits, axis=axis)
    loss = -np.sum(labels * ls, axis=axis)
    return loss, np.exp(ls) * np.sum(labels, axis=axis, keepdims=True) - labels


def _xent_vjp(node, gs):
    """loss = -sum(z * log_softmax(x)): gz = -g log_softmax(x), gx = g * backprop.
    backprop = s * sum(z) - z, s = softmax(x) (its own cotangent h, for second
    derivatives): gx = u - s * sum(u) with u = h * sum(z) * s; gz = sum(h * s) - h."""
    z, x = node.inputs
    axis = node.attrs["axis"]
    gz = gx = None
    if gs[0] is not None:
        g = A.expand_dims(gs[0], axis)
        gz, gx = g * -log_softmax(x, axis), g * node.outputs[1]
    if gs[1] is not None:
        h, s = gs[1], softmax(x, axis)
        u = h * _sum(z, axis) * s
        gx = E.sum_terms([gx, u - s * _sum(u, axis)])
        gz = E.sum_terms([gz, _sum(h * s, axis) - h])
    return [gz, gx]


def _xent_jvp(node, ts):
    """d loss = sum(tz * -log_softmax(x) + tx * backprop);
    d backprop = s * (tx - sum(tx * s)) * sum(z) + s * sum(tz) - tz."""
    (tz, tx), (z, x) = ts, node.inputs
    axis, bp = node.attrs["axis"], node.outputs[1]
    s = softmax(x, axis)
    loss = [R.reduce_sum(tz * -log_softmax(x, axis), axis=axis) if tz is not None else None,
            R.reduce_sum(tx * bp, axis=axis) if tx is not None else None]
    back = [s * (tx - _sum(tx * s, axis)) * _sum(z, axis) if tx is not None else None,
            s * _sum(tz, axis) - tz if tz is not None else None]
    return [E.sum_terms(loss), E.sum_terms(back)]


SOFTMAX_XENT = register(OpDef(
    "SoftmaxCrossEntropyWithLogits", _infer_xent, _xent_kernel, vjp=_xent_vjp,
    jvp=_xent_jvp, api="nn.softmax_cross_entropy_with_logits_v2",
    signature="nn.softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1)",
    shape_rule="labels and logits the same shape; the class axis is removed (a second "
               "output, the gradient w.r.t. logits, has their shape)",
    dtypes="float (labels, logits same)",
    doc="-sum(labels * log_softmax(logits)) along axis, stable for large logits."))


def softmax_cross_entropy_with_logits_v2(_sentinel=None, labels=None, logits=None, axis=None,
                                         name=None, dim=None):
    """Cross-entropy of softmax(logits) against a distribution `labels` (same shape),
    one value per example. Gradients flow to labels too (stop_gradient them if needed)."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits: pass labels= and logits= "
                         "by keyword")
    logits, labels = operands(logits, labels, "softmax_cross_entropy_with_logits")
    return apply1(SOFTMAX_XENT, (labels, logits), name=name, axis=_axis_arg(axis, dim))


def softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """TF1's v1: like _v2, but labels get no gradient."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("softmax_cross_entropy_with_logits: pass labels= and logits= "
                         "by keyword")
    logits, labels = operands(logits, labels, "softmax_cross_entropy_with_logits")
    return apply1(SOFTMAX_XENT, (stop_gradient(labels), logits), name=name,
                  axis=_axis_arg(axis, dim))


def _infer_sparse_xent(ctx, labels, logits):
    ctx.require(0, "int")
    ctx.require(1, "float")
    s, t = labels.shape, logits.shape
    if t.rank == 0:
        raise InferError("logits {1} is a scalar: the classes need a last axis")
    if s.rank is not None and t.rank is not None:
        if s.rank != t.rank - 1:
            raise InferError(f"labels {{0}} must have the shape of logits {{1}} without its "
                             f"last (class) axis: rank {t.rank - 1}, not {s.rank}")
        dims = tuple(ctx.merge_dims(a, b, f"labels {{{{0}}}} must have the shape of logits "
                                          f"{{{{1}}}} without its class axis: dim {k} is "
                                          "{a}, not {b}")
                     for k, (a, b) in enumerate(zip(s.dims, t.dims)))
        t = t.dims[-1:]
    else:
        dims = s.dims if s.rank is not None else None if t.rank is None else t.dims[:-1]
        t = (None,) if t.rank is None else t.dims[-1:]
    return [(dims, logits.dtype), (None if dims is None else dims + tuple(t), logits.dtype)]


def _sparse_xent_kernel(labels, logits):
    """(loss, backprop): loss = logsumexp(x) - x[label], backprop = softmax(x) - onehot."""
    n = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        bad = labels[(labels < 0) | (labels >= n)].flat[0]
        raise ValueError(f"label {bad} is out of range for {n} classes (0..{n - 1})")
    idx = labels[..., None].astype(np.intp)
    logp = _log_softmax_kernel(logits, axis=-1)
    picked = np.take_along_axis(logp, idx, axis=-1)
    backprop = np.exp(logp)
    np.put_along_axis(backprop, idx, np.exp(picked) - 1, axis=-1)
    return -picked[..., 0], backprop


def _sparse_xent_vjp(node, gs):
    """gx = g * backprop (output 1) + softmax's vjp of the backprop cotangent h:
    p * (h - sum(h * p)), p = softmax(x)."""
    logits = node.inputs[1]
    terms = []
    if gs[0] is not None:
        terms.append(A.expand_dims(gs[0], -1) * node.outputs[1])
    if gs[1] is not None:
        p = softmax(logits)
        terms.append(p * (gs[1] - _sum(gs[1] * p, -1)))
    return [None, terms[0] if len(terms) == 1 else terms[0] + terms[1]]


def _sparse_xent_jvp(node, ts):
    """dloss = sum(t * backprop); dbackprop = p * (t - sum(t * p))."""
    t = ts[1]
    if t is None:
        return None
    p = softmax(node.inputs[1])
    return [R.reduce_sum(t * node.outputs[1], axis=-1), p * (t - _sum(t * p, -1))]


SPARSE_SOFTMAX_XENT = register(OpDef(
    "SparseSoftmaxCrossEntropyWithLogits", _infer_sparse_xent, _sparse_xent_kernel,
    vjp=_sparse_xent_vjp, jvp=_sparse_xent_jvp,
    api="nn.sparse_softmax_cross_entropy_with_logits",
    signature="nn.sparse_softmax_cross_entropy_with_logits(labels, logits)",
    shape_rule="labels (...), logits (..., classes) -> loss (...), backprop like logits",
    dtypes="labels int; logits float",
    doc="-log_softmax(logits)[label] per example (and its gradient, softmax - onehot)."))


def sparse_softmax_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None,
                                             name=None):
    """Cross-entropy with integer class labels: labels (batch,), logits (batch, classes)."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits: pass labels= and "
                         "logits= by keyword")
    node = apply(SPARSE_SOFTMAX_XENT, (convert_to_tensor(labels), convert_to_tensor(logits)),
                 name=name)
    return node.outputs[0]


def sigmoid_cross_entropy_with_logits(_sentinel=None, labels=None, logits=None, name=None):
    """Elementwise logistic loss, stable for large |x|:
    max(x, 0) - x * z + log(1 + exp(-|x|)) for logits x and labels z."""
    if _sentinel is not None or labels is None or logits is None:
        raise ValueError("sigmoid_cross_entropy_with_logits: pass labels= and logits= "
                         "by keyword")
    x, z = operands(logits, labels, "sigmoid_cross_entropy_with_logits")
    _check_same_shape("sigmoid_cross_entropy_with_logits", z, x)
    return E.add(E.relu(x) - x * z, E.softplus(-E.abs(x)), name=name)


def _check_same_shape(api, a, b):
    s, t = a.shape, b.shape
    if s.rank is None or t.rank is None:
        return
    if s.rank == t.rank and all(
            x is None or y is None or not isinstance(x, int) or not isinstance(y, int) or x == y
            for x, y in zip(s.dims, t.dims)):
        return
    raise errors.ShapeError(
        f"{api}: labels and logits must have the same shape, not {s} and {t}\n"
        f"  {errors.describe_tensor(a, a.name)}\n  {errors.describe_tensor(b, b.name)}\n"
        f"  in {api} called at {errors.format_site(errors.user_site())}")


# ---- compositions -------------------------------------------------------------------------
def l2_loss(t, name=None):
    """sum(t ** 2) / 2, a scalar (weight decay)."""
    t = convert_to_tensor(t)
    return E.multiply(R.reduce_sum(E.square(t)), 0.5, name=name)


def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """(mean, variance) of x over `axes`: `mean, var = gc.nn.moments(x, axes=[0])`.

    variance = mean((x - mean)^2). TF1 wraps the mean in stop_gradient here; graphc does
    not: that term's first-order gradient is zero anyway, and keeping it makes second
    derivatives exact."""
    keep = bool(keepdims if keepdims is not None else keep_dims)
    x = convert_to_tensor(x)
    axes = [int(a) for a in (axes if isinstance(axes, (list, tuple)) else [axes])]
    mean = R.reduce_mean(x, axis=axes, keepdims=True)
    var = R.reduce_mean(E.squared_difference(x, mean), axis=axes, keepdims=keep)
    if not keep:
        mean = A.squeeze(mean, axes)
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
    if r is None:
        if data_format == "NCHW":
            raise InferError("data_format NCHW needs a value {0} of known rank")
        return value.shape, value.dtype
    if r < 2:
        raise InferError(f"the value {{0}} must have rank >= 2, not {r}")
    c = _channel_axis(r, data_format)
    dims = list(value.shape.dims)
    dims[c] = ctx.merge_dims(dims[c], bias.shape[0] if bias.shape.rank else None,
                             f"the bias {{{{1}}}} has {{b}} elements but {{{{0}}}} has {{a}} "
                             f"channels (dim {c}, data_format {data_format})")
    return tuple(dims), value.dtype


def _bias_add_kernel(value, bias, *, data_format):
    if data_format == "NCHW":
        bias = bias.reshape((-1,) + (1,) * (value.ndim - 2))
    return value + bias


def _bias_add_vjp(node, gs):
    """gvalue = g; gbias = g summed over every axis but the channel axis."""
    value, fmt, g = node.inputs[0], node.attrs["data_format"], gs[0]
    if fmt == "NHWC":
        return [g, g]                   # the sweep sums g down to the bias shape
    r = value.shape.rank
    return [g, R.reduce_sum(g, axis=[k for k in range(r) if k != 1])]


def _bias_add_jvp(node, ts):
    """Linear: d = bias_add(dvalue, dbias), a zero standing in for a missing tangent."""
    value, bias = node.inputs
    tv = ts[0] if ts[0] is not None else A.zeros_like(value)
    tb = ts[1] if ts[1] is not None else A.zeros_like(bias)
    return bias_add(tv, tb, data_format=node.attrs["data_format"])


BIAS_ADD = register(OpDef(
    "BiasAdd", _infer_bias_add, _bias_add_kernel, vjp=_bias_add_vjp, jvp=_bias_add_jvp,
    broadcasts=True,  # the bias is broadcast: its cotangent is summed back by the sweep
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
        raise ValueError(f"bias_add: data_format must be NHWC or NCHW, not {data_format!r}")
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
    if (keep_prob is None) == (rate is None):
        raise ValueError("dropout: give exactly one of keep_prob and rate")
    keep = (1 - rate) if keep_prob is None else keep_prob
    if not isinstance(keep, Tensor):
        keep = float(keep)
        if not 0 < keep <= 1:
            raise ValueError(f"dropout: keep_prob must be in (0, 1], got {keep}")
        if keep == 1:
            return x
    if noise_shape is None:
        noise_shape = (x.shape.dims if x.shape.is_fully_defined()
                       else A.shape(x))
    # floor(keep + u) is 1 with probability keep, for u uniform in [0, 1)
    mask = E.floor(keep + random_uniform(noise_shape, dtype=x.dtype, seed=seed))
    return E.multiply(E.divide(x, keep), mask, name=name)
