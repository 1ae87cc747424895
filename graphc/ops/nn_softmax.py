"""softmax, log_softmax and the softmax cross-entropies (TF1 tf.nn; graphc/ops/nn.py
re-exports them as gc.nn's). They shift logits by their max, so logits of 1e4 give no
inf or NaN:
    log_softmax(x) = (x - max x) - log(sum(exp(x - max x))).
"""
import numpy as np

from .. import errors
from ..shapes import InferError
from . import array as A
from . import elementwise as E
from . import reduce as R
from .core import convert_to_tensor, stop_gradient
from .elementwise import operands
from .registry import OpDef, apply, apply1, register

__all__ = ["softmax", "log_softmax", "softmax_cross_entropy_with_logits",
           "softmax_cross_entropy_with_logits_v2", "sparse_softmax_cross_entropy_with_logits"]


def _sum(x, axis):
    return R.reduce_sum(x, axis=axis, keepdims=True)


def _infer_along(ctx, x, *, axis):
    ctx.require(0, "float")
    if x.shape.rank is not None:
        if x.shape.rank == 0:
            raise InferError("{0} is a scalar: this op needs rank >= 1")
        ctx.axis(axis, x.shape.rank)
    return x.shape, x.dtype


def _row_max(x, axis):
    """The max along axis, kept; -inf for zero classes (an empty axis: TF1 gives an
    empty softmax and a loss of 0 there)."""
    return x.max(axis=axis, keepdims=True, initial=-np.inf)


def _softmax_kernel(x, *, axis):
    e = np.exp(x - _row_max(x, axis))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax_kernel(x, *, axis):
    s = x - _row_max(x, axis)
    with np.errstate(divide="ignore"):     # log 0 of zero classes: an empty result
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


def _axis_arg(axis, dim, api="softmax"):
    """The static axis of axis or dim (TF1's old name); default the last."""
    axis = dim if axis is None else axis
    return -1 if axis is None else A.as_int(A.static_value(axis, f"{api}: axis"))


def _along(op, logits, axis, dim, name):
    """op along axis (default the last; a tensor computed at run time too)."""
    axis = dim if axis is None else axis
    x = convert_to_tensor(logits)
    if axis is not None and A.run_time(axis) is not None:
        from .dynamic_axis import along
        return along(x, A.run_time(axis), lambda m: apply1(op, (m,), axis=-1), last=True,
                     name=name)
    return apply1(op, (x,), name=name, axis=_axis_arg(axis, None, op.api))


def softmax(logits, axis=None, name=None, dim=None):
    """exp(logits) normalized along axis (default the last): `gc.nn.softmax(x @ W + b)`."""
    return _along(SOFTMAX, logits, axis, dim, name)


def log_softmax(logits, axis=None, name=None, dim=None):
    """log(softmax(logits)), computed stably along axis (default the last)."""
    return _along(LOG_SOFTMAX, logits, axis, dim, name)


# ---- cross-entropies -----------------------------------------------------------------------
# Two outputs, as TF1's op has: the loss, and its gradient with respect to the logits
# ("backprop", softmax(x) * sum(z) - z), made in the same kernel from the same softmax, so
# the gradient sweep reuses it instead of computing softmax again.
def _labels_clash(s, t, axis):
    """Why labels of dims s cannot meet logits of dims t in TF's kernel, or None. TF
    flattens both to [rows, classes] and stretches a labels row or class count of 1 (so
    labels (2, 1) fit logits (2, 3)); graphc stretches labels only, never logits, as
    numpy broadcasting would. Dims unknown (None) are taken to fit."""
    if len(s) > len(t) or len(s) < len(t) and axis != -1:   # (TF moves axis last first)
        return f"labels of rank {len(s)} cannot go with logits of rank {len(t)}"
    a = axis % len(t)
    s = (1,) * (len(t) - len(s)) + tuple(s)
    for k, (p, q) in enumerate(zip(s, t)):
        if p not in (1, None) and q is not None and p != q:
            return f"dim {k} is {p} in the labels but {q} in the logits"
    outer = [k for k in range(len(t)) if k != a]
    if any(s[k] == 1 and t[k] not in (1, None) for k in outer) and \
            any(s[k] not in (1, None) for k in outer):
        return ("the labels stretch some of the logits' rows but not all (their rows, "
                "the dims but the class axis, must be all 1 or all the logits')")
    return None


def _infer_xent(ctx, labels, logits, *, axis):
    ctx.same_dtype()
    ctx.require(1, "float")
    s, t = labels.shape._dims, logits.shape._dims
    if t is None:
        return [(None, logits.dtype), (None, logits.dtype)]
    if not t:
        raise InferError("logits {1} is a scalar: the classes need an axis")
    a = ctx.axis(axis, len(t), 1)
    dims = list(t)
    if s is not None:
        why = _labels_clash([ctx.resolve(d) for d in s], [ctx.resolve(d) for d in t], axis)
        if why is not None:
            raise InferError(f"labels {{0}} of shape {labels.shape} do not fit logits {{1}} "
                             f"of shape {logits.shape}: {why}")
        for k, d in enumerate(s, len(t) - len(s)):     # labels' dims other than 1: logits'
            if d != 1 and d is not None:
                dims[k] = ctx.merge(dims[k], d)
    return [(dims[:a] + dims[a + 1:], logits.dtype), (dims, logits.dtype)]


def _xent_kernel(labels, logits, *, axis):
    if labels.shape != logits.shape:        # labels (2, 1) for logits (2, 3): TF's kernel
        why = _labels_clash(labels.shape, logits.shape, axis)
        if why is not None:
            raise errors.InvalidArgumentError(
                f"softmax_cross_entropy_with_logits: labels of shape {labels.shape} do "
                f"not fit logits of shape {logits.shape}: {why} (logits and labels must be "
                f"broadcastable)")
        labels = np.broadcast_to(labels, logits.shape)
    ls = _log_softmax_kernel(logits, axis=axis)
    loss = -np.sum(labels * ls, axis=axis)
    return loss, np.exp(ls) - labels


def _same_shape(z, x):
    """Whether labels z surely have the shape of logits x (else they may be stretched)."""
    return z.shape.is_fully_defined() and z.shape == x.shape


def _xent_vjp(node, gs):
    """loss = -sum(z * log_softmax(x)): gz = -g log_softmax(x), gx = g * backprop, where
    backprop = softmax(x) - z is TF1's gradient (exact when each row of z sums to 1; TF1
    gives it for any labels: a padded step's all-zero labels still pull its logits
    toward uniform). backprop's own cotangent h (second derivatives): gx = s * (h -
    sum(h * s)), gz = -h. Stretched labels get gz summed back to their shape."""
    z, x = node.inputs
    axis = node.attrs["axis"]
    gz = gx = None
    if gs[0] is not None:
        g = A.expand_dims(gs[0], axis)
        gz, gx = g * -log_softmax(x, axis), g * node.outputs[1]
    if gs[1] is not None:
        h, s = gs[1], softmax(x, axis)
        gx = E.sum_terms([gx, s * (h - _sum(h * s, axis))])
        gz = E.sum_terms([gz, -h])
    if gz is not None and not _same_shape(z, x):
        gz = E.sum_to(gz, list(z.shape._dims) if z.shape.is_fully_defined() else
                      A.shape(z, out_type="int64"))
    return [gz, gx]


def _xent_jvp(node, ts):
    """d loss = sum(tz * -log_softmax(x) + tx * backprop) (TF1's backprop, as the vjp);
    d backprop = s * (tx - sum(tx * s)) - tz."""
    (tz, tx), (z, x) = ts, node.inputs
    axis, bp = node.attrs["axis"], node.outputs[1]
    s = softmax(x, axis)
    if tz is not None and not _same_shape(z, x):        # stretched labels
        tz = E.broadcast_to(tz, A.shape(x))
    loss = [R.reduce_sum(tz * -log_softmax(x, axis), axis=axis) if tz is not None else None,
            R.reduce_sum(tx * bp, axis=axis) if tx is not None else None]
    back = [s * (tx - _sum(tx * s, axis)) if tx is not None else None,
            -tz if tz is not None else None]
    return [E.sum_terms(loss), E.sum_terms(back)]


SOFTMAX_XENT = register(OpDef(
    "SoftmaxCrossEntropyWithLogits", _infer_xent, _xent_kernel, vjp=_xent_vjp,
    jvp=_xent_jvp, api="nn.softmax_cross_entropy_with_logits_v2",
    signature="nn.softmax_cross_entropy_with_logits_v2(labels, logits, axis=-1)",
    shape_rule="logits' shape without the class axis (a second output, the gradient "
               "w.r.t. logits, has logits' shape); labels of logits' shape, or stretched "
               "from rows or classes of 1 as TF's kernel stretches them",
    dtypes="float (labels, logits same)",
    doc="-sum(labels * log_softmax(logits)) along axis, stable for large logits."))


def _missing(api):
    """The error of a cross-entropy called without labels or logits (TF1's ValueError)."""
    return errors.UsageError(f"{api}: both labels and logits are required"
                             + errors.called_at(api))


def softmax_cross_entropy_with_logits_v2(labels=None, logits=None, axis=None,
                                         name=None, dim=None):
    """Cross-entropy of softmax(logits) against a distribution `labels` (same shape),
    one value per example. Gradients flow to labels too (stop_gradient them if needed)."""
    if labels is None or logits is None:
        raise _missing("softmax_cross_entropy_with_logits")
    logits, labels = operands(logits, labels, "softmax_cross_entropy_with_logits")
    return apply1(SOFTMAX_XENT, (labels, logits), name=name, axis=_axis_arg(axis, dim))


def softmax_cross_entropy_with_logits(labels=None, logits=None, dim=-1,
                                      name=None, axis=None):
    """TF1's v1: like _v2, but labels get no gradient."""
    if labels is None or logits is None:
        raise _missing("softmax_cross_entropy_with_logits")
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
                     for k, (a, b) in enumerate(zip(s._dims, t._dims)))
        t = t._dims[-1:]
    else:
        dims = s._dims if s.rank is not None else None if t.rank is None else t._dims[:-1]
        t = (None,) if t.rank is None else t._dims[-1:]
    return [(dims, logits.dtype), (None if dims is None else dims + tuple(t), logits.dtype)]


def _sparse_xent_kernel(labels, logits):
    """(loss, backprop): loss = logsumexp(x) - x[label], backprop = softmax(x) - onehot."""
    n = logits.shape[-1]
    if labels.shape != logits.shape[:-1]:
        raise ValueError(f"labels of shape {labels.shape} must have the shape of logits "
                         f"{logits.shape} without its last (class) axis")
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


def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None,
                                             name=None):
    """Cross-entropy with integer class labels: labels (batch,), logits (batch, classes)."""
    if labels is None or logits is None:
        raise _missing("sparse_softmax_cross_entropy_with_logits")
    node = apply(SPARSE_SOFTMAX_XENT, (convert_to_tensor(labels), convert_to_tensor(logits)),
                 name=name)
    return node.outputs[0]
