"""tf.losses (TF1): per-example losses, weighted, reduced and added to the "losses"
collection.

    loss = gc.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    total = gc.losses.get_total_loss()          # the losses plus the regularization losses
    train_op = gc.train.AdamOptimizer(1e-3).minimize(total)

`weights` is a scalar or has the rank of the per-example losses, each dim 1 or equal
(nothing else is broadcast). `reduction` (gc.losses.Reduction) is by default
SUM_BY_NONZERO_WEIGHTS: the weighted sum over the number of nonzero weights, 0 when all
are zero. Labels and predictions must have compatible shapes (TF1 does not broadcast them
either). Unlike TF1, which computes in float32, a float64 loss stays float64.
"""
import numpy as np

from . import dtypes, errors
from .graph import Tensor, get_default_graph, name_scope
from .ops import array as A, elementwise as E, reduce as R
from .ops.asserts import Assert
from .ops.control import cond
from .ops.core import constant, convert_to_tensor, stop_gradient
from .ops.graphkeys import GraphKeys, add_to_collection, get_collection
from .ops.nn import (sigmoid_cross_entropy_with_logits, softmax_cross_entropy_with_logits_v2,
                     sparse_softmax_cross_entropy_with_logits)
from .shapes import surely_differ

__all__ = ["Reduction", "compute_weighted_loss", "add_loss", "absolute_difference",
           "mean_squared_error", "huber_loss", "log_loss", "hinge_loss", "cosine_distance",
           "softmax_cross_entropy", "sparse_softmax_cross_entropy", "sigmoid_cross_entropy",
           "mean_pairwise_squared_error",
           "get_losses", "get_regularization_losses", "get_regularization_loss",
           "get_total_loss"]


class Reduction:
    """How a loss function reduces its weighted per-example losses (TF1 names)."""
    NONE = "none"                                      # the weighted losses themselves
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"       # / number of elements
    MEAN = "weighted_mean"                             # / sum of the (broadcast) weights
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"  # / number of nonzero weights
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key!r}: one of {', '.join(cls.all())}")


# ---- weighting and reduction ---------------------------------------------------------------
def _as(x, dtype, what):
    """x as a tensor of `dtype`: a tensor of another dtype is cast (TF1 casts labels and
    weights), a Python or numpy value converted."""
    if isinstance(x, Tensor):
        return x if x.dtype is dtype else E.cast(x, dtype)
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected numbers or a tensor, got {x!r}")
    return constant(arr.astype(dtype.np), dtype=dtype, name=what)


def _float(x, what):
    x = convert_to_tensor(x, name=what)
    return x if x.dtype.is_floating else E.cast(x, dtypes.float32)


def _same_shape(api, a, b, names=("labels", "predictions")):
    if surely_differ(a.shape, b.shape):
        raise errors.ShapeError(
            f"{api}: {names[0]} and {names[1]} must have compatible shapes, not {a.shape} "
            f"and {b.shape}\n  {errors.describe_tensor(a, names[0])}\n  "
            f"{errors.describe_tensor(b, names[1])}" + errors.called_at(api))


def _check_weights(api, w, losses):
    """weights: a scalar, or the losses' rank with each dim 1 or the losses' (TF1's
    assert_broadcastable). What the static shapes leave open is checked when run: the
    returned Assert ops are to run before the weights are used."""
    ws, ls = w.shape, losses.shape
    if ws.rank == 0:
        return []
    if ws.rank is not None and ls.rank is not None:
        pairs = list(zip(ws._dims, ls._dims))
        static = [isinstance(a, int) and (a == 1 or isinstance(b, int)) for a, b in pairs]
        if ws.rank == ls.rank and all(a in (1, b) for (a, b), s in zip(pairs, static) if s):
            return [] if all(static) else [_assert_broadcastable(api, w, losses)]
        raise errors.ShapeError(
            f"{api}: weights of shape {ws} cannot be broadcast to the losses of shape {ls}:"
            f" weights must be a scalar or have the losses' rank, each dim 1 or equal\n  "
            f"{errors.describe_tensor(w, 'weights')}\n  "
            f"{errors.describe_tensor(losses, 'losses')}" + errors.called_at(api))
    return [_assert_broadcastable(api, w, losses)]


def _maybe_squeeze(x, when):
    """x without its last dim where the bool scalar `when` holds when the graph runs."""
    return cond(when, lambda: A.squeeze(x, [-1]), lambda: x)


def _could_be_one(t):
    """t's last dim may be 1 (its rank or that dim unknown)."""
    return t.shape.rank is None or (t.shape.rank > 0 and t.shape._dims[-1] in (1, None))


def squeeze_dynamic(labels, predictions, expected_rank_diff=0):
    """TF1's remove_squeezable_dimensions where a rank is unknown: the trailing size-1
    dim of predictions (labels) is squeezed when run if rank(predictions) - rank(labels)
    is expected_rank_diff + 1 (- 1). Static ranks are the caller's to handle."""
    diff = E.subtract(A.rank(predictions), A.rank(labels))
    if _could_be_one(predictions):
        predictions = _maybe_squeeze(predictions, E.equal(diff, expected_rank_diff + 1))
    if _could_be_one(labels):
        labels = _maybe_squeeze(labels, E.equal(diff, expected_rank_diff - 1))
    return labels, predictions


def weights_like(weights, values, expand=True):
    """TF1's dynamic-rank weights adjustment (metrics' and losses'
    _remove_squeezable_dimensions): a trailing size-1 dim squeezed when weights have one
    more dim than values, one added (with `expand`) when they have one less; a scalar
    stays. For weights or values of unknown rank; static ranks are the caller's."""
    diff = E.subtract(A.rank(weights), A.rank(values))
    squeezed = (lambda: A.squeeze(weights, [-1])) if _could_be_one(weights) else \
        (lambda: weights)
    other = (lambda: cond(E.equal(diff, -1), lambda: A.expand_dims(weights, -1),
                          lambda: weights)) if expand else (lambda: weights)
    adjusted = cond(E.equal(diff, 1), squeezed, other)
    if weights.shape.rank is not None:
        return adjusted
    return cond(E.equal(A.rank(weights), 0), lambda: weights, lambda: adjusted)


def _assert_broadcastable(api, w, losses):
    """The run-time half of _check_weights: an Assert op (TF1's message)."""
    with name_scope("assert_broadcastable"):
        ws, ls = A.shape(w), A.shape(losses)
        same_rank = E.equal(A.rank(w), A.rank(losses))
        dims_ok = cond(same_rank,        # only then can the dims be compared
                       lambda: R.reduce_all(E.logical_or(E.equal(ws, 1), E.equal(ws, ls))),
                       lambda: constant(False))
        ok = E.logical_or(E.equal(A.rank(w), 0), dims_ok)
        return Assert(ok, [f"{api}: weights can not be broadcast to values.",
                           "weights.shape=", ws, "values.shape=", ls])


def _safe_div(total, den):
    """total / den, or 0 where den is 0 (TF1's div_no_nan), named 'value'."""
    if not isinstance(den, Tensor):
        if den == 0:
            return E.multiply(total, 0.0, name="value")
        return E.divide(total, float(den), name="value")
    nonzero = E.not_equal(den, 0.0)
    safe = E.select(nonzero, den, A.ones_like(den))
    return E.select(nonzero, E.divide(total, safe), A.zeros_like(total), name="value")


def _num_elements(losses):
    n = losses.shape.num_elements()
    return n if n is not None else E.cast(A.size(losses), losses.dtype)


def _reduce(api, losses, weights, reduction, loss_collection):
    """Weights `losses`, reduces them per `reduction` and adds the result to
    `loss_collection` (inside the caller's name scope)."""
    Reduction.validate(reduction)
    if not losses.dtype.is_floating:
        raise errors.DTypeError(f"{api}: the losses must be floating point\n  "
                                + errors.describe_tensor(losses, "losses"))
    w = _as(weights, losses.dtype, "weights")
    with get_default_graph().control_dependencies(_check_weights(api, w, losses)):
        weighted = E.multiply(losses, w)
    if reduction == Reduction.NONE:
        loss = weighted
    else:
        total = R.reduce_sum(weighted)
        if reduction == Reduction.SUM:
            loss = total
        elif reduction == Reduction.MEAN:
            loss = _safe_div(total, R.reduce_sum(E.multiply(A.ones_like(losses), w)))
        elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
            loss = _safe_div(total, _num_elements(losses))
        elif not isinstance(weights, Tensor) and np.ndim(weights) == 0 and weights != 0:
            loss = _safe_div(total, _num_elements(losses))   # every weight is nonzero
        else:
            present = E.cast(E.not_equal(w, 0.0), losses.dtype)
            loss = _safe_div(total, R.reduce_sum(E.multiply(present, A.ones_like(losses))))
    add_loss(loss, loss_collection)
    return loss


def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """Adds `loss` to `loss_collection` (nothing if the collection is None or empty)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """`losses` weighted and reduced: `gc.losses.compute_weighted_loss(per_example, w)`."""
    with name_scope(scope, "weighted_loss"):
        return _reduce("compute_weighted_loss", convert_to_tensor(losses), weights,
                       reduction, loss_collection)


# ---- the losses ---------------------------------------------------------------------------
def _pair(api, labels, predictions, pname="predictions", to_float32=True):
    """(labels, predictions): predictions float (ints, and with to_float32 float16, cast
    to float32 as TF1's to_float does; float64 is kept, where TF1 would round it to
    float32), labels in the same dtype, shapes compatible."""
    if labels is None:
        raise ValueError(f"{api}: labels must not be None.")
    if predictions is None:
        raise ValueError(f"{api}: {pname} must not be None.")
    p = _float(predictions, pname)
    if to_float32 and p.dtype is dtypes.float16:
        p = E.cast(p, dtypes.float32)
    y = _as(labels, p.dtype, "labels")
    _same_shape(api, y, p, ("labels", pname))
    return y, p


def absolute_difference(labels, predictions, weights=1.0, scope=None,
                        loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """|predictions - labels|, weighted and reduced: `gc.losses.absolute_difference(y, p)`."""
    with name_scope(scope, "absolute_difference"):
        y, p = _pair("absolute_difference", labels, predictions)
        return _reduce("absolute_difference", E.abs(p - y), weights, reduction,
                       loss_collection)


def mean_squared_error(labels, predictions, weights=1.0, scope=None,
                       loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """(predictions - labels)^2, weighted and reduced: `gc.losses.mean_squared_error(y, p)`."""
    with name_scope(scope, "mean_squared_error"):
        y, p = _pair("mean_squared_error", labels, predictions)
        return _reduce("mean_squared_error", E.squared_difference(p, y), weights, reduction,
                       loss_collection)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None,
               loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 e^2 where |e| <= delta, else delta (|e| - 0.5 delta); e = predictions - labels.

        loss = gc.losses.huber_loss(y, p, delta=2.0)
    """
    with name_scope(scope, "huber_loss"):
        y, p = _pair("huber_loss", labels, predictions)
        err = E.abs(p - y)
        quadratic = E.minimum(err, delta)
        linear = err - quadratic
        losses = 0.5 * quadratic * quadratic + delta * linear
        return _reduce("huber_loss", losses, weights, reduction, loss_collection)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None,
             loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """-y log(p + eps) - (1 - y) log(1 - p + eps), for probabilities p and labels y in [0, 1].

        loss = gc.losses.log_loss(y, gc.sigmoid(logits))
    """
    with name_scope(scope, "log_loss"):
        y, p = _pair("log_loss", labels, predictions)
        losses = -y * E.log(p + epsilon) - (1.0 - y) * E.log(1.0 - p + epsilon)
        return _reduce("log_loss", losses, weights, reduction, loss_collection)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - (2 y - 1) logits) for labels y in {0, 1}: `gc.losses.hinge_loss(y, s)`."""
    with name_scope(scope, "hinge_loss"):
        y, x = _pair("hinge_loss", labels, logits, "logits")
        losses = E.relu(1.0 - (2.0 * y - 1.0) * x)
        return _reduce("hinge_loss", losses, weights, reduction, loss_collection)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES,
                    reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """1 - sum(labels * predictions, axis) (kept as a size-1 axis) for unit-normalized
    inputs: `gc.losses.cosine_distance(u, v, axis=1)`."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("cosine_distance: You must specify 'axis'.")
    with name_scope(scope, "cosine_distance_loss"):
        y, p = _pair("cosine_distance", labels, predictions)
        losses = 1.0 - R.reduce_sum(p * y, axis=(axis,), keepdims=True)
        return _reduce("cosine_distance", losses, weights, reduction, loss_collection)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Cross-entropy of softmax(logits) against `onehot_labels` (batch, classes), one loss
    per example; weights of shape (batch,) weight examples.

        loss = gc.losses.softmax_cross_entropy(y_onehot, logits, label_smoothing=0.1)

    label_smoothing s: labels become labels (1 - s) + s / classes. No gradient flows to
    the labels."""
    with name_scope(scope, "softmax_cross_entropy_loss"):
        y, x = _pair("softmax_cross_entropy", onehot_labels, logits, "logits",
                     to_float32=False)
        if label_smoothing > 0:
            n = x.shape._dims[-1] if x.shape.rank else None
            n = float(n) if isinstance(n, int) else E.cast(A.shape(y)[-1], x.dtype)
            y = y * (1.0 - label_smoothing) + label_smoothing / n
        y = stop_gradient(y, name="labels_stop_gradient")
        losses = softmax_cross_entropy_with_logits_v2(labels=y, logits=x, name="xentropy")
        return _reduce("softmax_cross_entropy", losses, weights, reduction, loss_collection)


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None,
                                 loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Cross-entropy of softmax(logits) (batch, classes) against int class ids `labels`
    (batch,): `gc.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)`.

    labels (batch, 1) and weights (batch, 1) are squeezed to (batch,), as in TF1."""
    with name_scope(scope, "sparse_softmax_cross_entropy_loss"):
        if labels is None or logits is None:
            raise ValueError("sparse_softmax_cross_entropy: labels and logits must not "
                             "be None.")
        y, x = convert_to_tensor(labels, name="labels"), _float(logits, "logits")
        ry, rx = y.shape.rank, x.shape.rank
        if ry is None or rx is None:        # TF1's squeeze decided when run
            y, _ = squeeze_dynamic(y, x, expected_rank_diff=1)
            ry = None
        elif ry == rx and y.shape._dims[-1] in (1, None):
            y = A.squeeze(y, [-1])
            ry -= 1
        if isinstance(weights, Tensor) or np.ndim(weights):
            w = _as(weights, x.dtype, "weights")
            if ry is not None and w.shape.rank == ry + 1:
                w = A.squeeze(w, [-1])
            elif ry is None or w.shape.rank is None:
                w = weights_like(w, y, expand=False)
            weights = w
        losses = sparse_softmax_cross_entropy_with_logits(labels=y, logits=x, name="xentropy")
        return _reduce("sparse_softmax_cross_entropy", losses, weights, reduction,
                       loss_collection)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0,
                          scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Elementwise logistic loss of `logits` against labels in [0, 1] (same shape).

        loss = gc.losses.sigmoid_cross_entropy(y, logits)

    label_smoothing s: labels become labels (1 - s) + s / 2."""
    with name_scope(scope, "sigmoid_cross_entropy_loss"):
        y, x = _pair("sigmoid_cross_entropy", multi_class_labels, logits, "logits",
                     to_float32=False)
        if label_smoothing > 0:
            y = y * (1.0 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=y, logits=x, name="xentropy")
        return _reduce("sigmoid_cross_entropy", losses, weights, reduction, loss_collection)


# ---- collections ---------------------------------------------------------------------------
def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    """The mean over pairs of elements of each example of the squared difference of
    their differences, (d_i - d_j)^2 for d = predictions - labels, weighted (TF1):

        loss = gc.losses.mean_pairwise_squared_error(y, p, weights=w)
    With n_b the number of nonzero weights in example b (weights broadcast to labels),
    TF1's loss is sum(w * (2 sum_b(d^2) / (n_b - 1) - 2 sum_b(d)^2 / (n_b (n_b - 1)))),
    the sums over each example's elements, each division 0 where its divisor is 0, the
    outer sum over every element of the weighted terms; 0 if no weight is nonzero. The
    `reduction` of the other losses does not apply."""
    api = "mean_pairwise_squared_error"
    with name_scope(scope, api):
        y, p = _pair(api, labels, predictions)
        w = _as(weights, p.dtype, "weights")
        with get_default_graph().control_dependencies(_check_weights(api, w, y)):
            diffs = E.subtract(p, y)
        if diffs.shape.rank is not None:
            axis = list(range(1, diffs.shape.rank))
        else:
            from .ops.creation import range as range_
            axis = range_(1, A.rank(diffs))
        sum_squares = R.reduce_sum(E.square(diffs), axis, keepdims=True)
        present = E.cast(E.not_equal(w, 0.0), p.dtype) * A.ones_like(diffs)
        num = R.reduce_sum(present, axis, keepdims=True, name="num_present")
        term1 = 2.0 * _safe_div(sum_squares, E.maximum(num - 1.0, 0.0))
        sum_diff = R.reduce_sum(diffs, axis, keepdims=True)
        term2 = 2.0 * _safe_div(E.square(sum_diff), E.maximum(num * (num - 1.0), 0.0))
        loss = R.reduce_sum(E.multiply(term1 - term2, w))
        mean_loss = E.select(R.reduce_sum(num) > 0.0, loss, A.zeros_like(loss), name="value")
        add_loss(mean_loss, loss_collection)
        return mean_loss


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    """The losses in `loss_collection` whose names match `scope` (a regex)."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    """The "regularization_losses" collection (filled by get_variable's regularizers)."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (a float32 0 if there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return E.add_n(losses, name=name)
    return constant(0.0, name=name)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of the losses and, by default, the regularization losses.

        train_op = gc.train.GradientDescentOptimizer(0.1).minimize(gc.losses.get_total_loss())
    """
    losses = get_losses(scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope)
    if not losses:
        raise ValueError(f"get_total_loss: no losses to add: the '{GraphKeys.LOSSES}' "
                         + (f"and '{GraphKeys.REGULARIZATION_LOSSES}' collections are"
                            if add_regularization_losses else "collection is")
                         + " empty" + (f" under scope {scope!r}" if scope else ""))
    return E.add_n(losses, name=name)
