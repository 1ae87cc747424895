"""gc.contrib.losses: TF 1.15's tf.contrib.losses, the deprecated forerunner of tf.losses.

    loss = gc.contrib.losses.mean_squared_error(predictions, labels, weights=w)
    xent = gc.contrib.losses.softmax_cross_entropy(logits, onehot_labels)
    total = gc.contrib.losses.get_total_loss()

It differs from gc.losses as contrib did: predictions (or logits) come first, there is no
`reduction` and no `loss_collection` (every loss goes to the "losses" collection), and
the weighted sum is divided by the number of elements that nonzero weights reach, with
the weights broadcast from the *front*: weights of shape [batch] or [batch, d1..dK] scale
the sum of each losses[b, ..., k] over the remaining dims (a trailing weights dim of 1 is
squeezed first). hinge_loss returns the unreduced per-element losses. Everything is
computed in float32; compute_weighted_loss casts its result back to the losses' dtype.
"""
from .. import dtypes, errors
from ..graph import name_scope
from ..losses import _same_shape, add_loss, get_losses, get_regularization_losses
from ..ops import array as A, elementwise as E, reduce as R
from ..ops.core import convert_to_tensor
from ..ops.creation import ones
from ..ops.graphkeys import GraphKeys
from ..ops.nn import sigmoid_cross_entropy_with_logits
from ..ops.nn_softmax import (softmax_cross_entropy_with_logits_v2,
                              sparse_softmax_cross_entropy_with_logits)

__all__ = ["absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance",
           "get_losses", "get_regularization_losses", "get_total_loss", "hinge_loss",
           "log_loss", "mean_pairwise_squared_error", "mean_squared_error",
           "sigmoid_cross_entropy", "softmax_cross_entropy", "sparse_softmax_cross_entropy"]

F32 = dtypes.float32


def _f32(x):
    x = convert_to_tensor(x)
    return x if x.dtype is F32 else E.cast(x, F32)


def _known_rank(api, t, what):
    if t.shape.rank is None:
        raise ValueError(f"{api}: {what}.get_shape().ndims cannot be None\n  "
                         + errors.describe_tensor(t, what))
    return t.shape.rank


def _safe_div(num, den, name=None):
    """num / den where den > 0, else 0 (no NaN in the gradient either)."""
    safe = E.select(E.equal(den, 0.0), A.ones_like(den), den)
    return E.select(E.greater(den, 0.0), E.divide(num, safe), A.zeros_like(num), name=name)


def _scale_losses(losses, weights):
    """sum(losses summed over the dims weights lacks, times weights): weights broadcast
    from the front of losses' shape."""
    axis = list(range(weights.shape.rank, losses.shape.rank))
    reduced = R.reduce_sum(losses, axis=axis) if axis else losses
    return R.reduce_sum(E.multiply(reduced, weights))


def _num_present(losses, weights, per_batch=False):
    """How many elements of losses the nonzero weights reach (per batch row if asked)."""
    rl, rw = losses.shape.rank, weights.shape.rank
    if rw == 0:
        if rl == 0:                               # TF 1.15 cannot slice a scalar's batch
            n = E.select(E.equal(weights, 0.0), 0.0, 1.0)
            return A.reshape(n, [1]) if per_batch else n
        batch = E.cast(A.shape(losses)[0], F32)
        each = E.divide(E.cast(A.size(losses), F32), batch)
        each = E.select(E.equal(weights, 0.0), 0.0, each)
        rows = E.multiply(ones(A.shape(losses)[:1], F32), each)
        return rows if per_batch else R.reduce_sum(rows)
    nonzero = E.cast(E.not_equal(weights, 0.0), F32)
    if rw > 1:
        nonzero = R.reduce_sum(nonzero, axis=list(range(1, rw)))
    rest = A.shape(losses)[rw:]
    rows = E.multiply(nonzero, E.cast(R.reduce_prod(rest), F32))
    return rows if per_batch else R.reduce_sum(rows)


def _weights(api, weights):
    w = _f32(weights)
    _known_rank(api, w, "weights")
    if w.shape.rank > 1 and w.shape._dims[-1] in (1, None):
        w = A.squeeze(w, [-1])
    return w


def compute_weighted_loss(losses, weights=1.0, scope=None):
    """The weighted mean of `losses`, added to the "losses" collection (contrib rule:
    sum(losses * weights) over the number of elements that nonzero weights reach).

        loss = gc.contrib.losses.compute_weighted_loss(per_example, weights=[1., 0., 2.])
    """
    with name_scope(scope, "weighted_loss"):
        losses = convert_to_tensor(losses)
        dtype = losses.dtype
        losses = _f32(losses)
        _known_rank("compute_weighted_loss", losses, "losses")
        w = _weights("compute_weighted_loss", weights)
        total = _scale_losses(losses, w)
        mean = _safe_div(R.reduce_sum(total), _num_present(losses, w), name="value")
        mean = mean if dtype is F32 else E.cast(mean, dtype)
        add_loss(mean)
        return mean


def _pair(api, predictions, labels, names=("predictions", "labels")):
    if labels is None:
        raise ValueError(f"{api}: {names[1]} must not be None.")
    p, y = convert_to_tensor(predictions), convert_to_tensor(labels)
    _same_shape(api, p, y, names)
    return _f32(p), _f32(y)


def absolute_difference(predictions, labels=None, weights=1.0, scope=None):
    """|predictions - labels|, weighted as compute_weighted_loss.

        loss = gc.contrib.losses.absolute_difference(p, y)
    """
    with name_scope(scope, "absolute_difference") as sc:
        p, y = _pair("absolute_difference", predictions, labels)
        return compute_weighted_loss(E.abs(E.subtract(p, y)), weights, scope=sc)


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """(predictions - labels)^2, weighted as compute_weighted_loss.

        loss = gc.contrib.losses.mean_squared_error(p, y, weights=2.0)
    """
    with name_scope(scope, "mean_squared_error") as sc:
        p, y = _pair("mean_squared_error", predictions, labels)
        return compute_weighted_loss(E.square(E.subtract(p, y)), weights, scope=sc)


def log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None):
    """-y log(p + eps) - (1 - y) log(1 - p + eps), weighted as compute_weighted_loss.

        loss = gc.contrib.losses.log_loss(probabilities, labels)
    """
    with name_scope(scope, "log_loss") as sc:
        p, y = _pair("log_loss", predictions, labels)
        losses = (-E.multiply(y, E.log(p + epsilon))
                  - E.multiply(1.0 - y, E.log(1.0 - p + epsilon)))
        return compute_weighted_loss(losses, weights, scope=sc)


def hinge_loss(logits, labels=None, scope=None):
    """max(0, 1 - (2 labels - 1) * logits), per element and unweighted (contrib).

        per_element = gc.contrib.losses.hinge_loss(logits, labels)
    """
    with name_scope(scope, "hinge_loss"):
        logits, y = _pair("hinge_loss", logits, labels, ("logits", "labels"))
        ones = A.ones_like(y)
        signs = E.subtract(2.0 * y, ones)
        return E.relu(E.subtract(ones, E.multiply(signs, logits)))


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0,
                          scope=None):
    """Sigmoid cross entropy, labels smoothed towards 1/2, weighted.

        loss = gc.contrib.losses.sigmoid_cross_entropy(logits, labels, label_smoothing=0.1)
    """
    with name_scope(scope, "sigmoid_cross_entropy_loss") as sc:
        logits = convert_to_tensor(logits)
        y = convert_to_tensor(multi_class_labels)
        _same_shape("sigmoid_cross_entropy", logits, y, ("logits", "multi_class_labels"))
        y = y if y.dtype is logits.dtype else E.cast(y, logits.dtype)
        if label_smoothing > 0:
            y = y * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = sigmoid_cross_entropy_with_logits(labels=y, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    """Softmax cross entropy over the last axis, labels smoothed towards 1/num_classes.

        loss = gc.contrib.losses.softmax_cross_entropy(logits, onehot, weights=[1., 2.])
    """
    with name_scope(scope, "softmax_cross_entropy_loss") as sc:
        logits = convert_to_tensor(logits)
        y = convert_to_tensor(onehot_labels)
        _same_shape("softmax_cross_entropy", logits, y, ("logits", "onehot_labels"))
        y = y if y.dtype is logits.dtype else E.cast(y, logits.dtype)
        if label_smoothing > 0:
            n = E.cast(A.shape(y)[1], logits.dtype)
            y = y * (1.0 - label_smoothing) + label_smoothing / n
        losses = softmax_cross_entropy_with_logits_v2(labels=y, logits=logits,
                                                      name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    """Softmax cross entropy of integer labels ([batch] or [batch, 1]).

        loss = gc.contrib.losses.sparse_softmax_cross_entropy(logits, class_ids)
    """
    with name_scope(scope, "sparse_softmax_cross_entropy_loss") as sc:
        labels = convert_to_tensor(labels)
        labels = A.reshape(labels, A.shape(labels)[:1])
        losses = sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                          name="xentropy")
        return compute_weighted_loss(losses, weights, scope=sc)


def cosine_distance(predictions, labels=None, axis=None, weights=1.0, scope=None, dim=None):
    """1 - sum(predictions * labels, axis) for unit-normalized inputs, weighted.

        loss = gc.contrib.losses.cosine_distance(p, y, axis=1)
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("`axis` and `dim` cannot both be None.")
    with name_scope(scope, "cosine_distance_loss") as sc:
        p, y = _pair("cosine_distance", predictions, labels)
        losses = 1.0 - R.reduce_sum(E.multiply(p, y), axis=[axis])
        return compute_weighted_loss(losses, weights, scope=sc)


def mean_pairwise_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """Mean over each batch row of ((p_i - p_j) - (y_i - y_j))^2, weighted per row.

        loss = gc.contrib.losses.mean_pairwise_squared_error(p, y)
    """
    api = "mean_pairwise_squared_error"
    with name_scope(scope, api):
        p, y = _pair(api, predictions, labels)
        w = _f32(weights)
        diffs = E.subtract(p, y)
        _known_rank(api, diffs, "diffs")
        _known_rank(api, w, "weights")
        axis = list(range(1, diffs.shape.rank))
        num = _num_present(diffs, w, per_batch=True)
        term1 = 2.0 * _safe_div(R.reduce_sum(E.square(diffs), axis=axis), num)
        term2 = 2.0 * _safe_div(E.square(R.reduce_sum(diffs, axis=axis)), E.square(num))
        loss = _scale_losses(term1 - term2, w)
        mean = E.select(R.reduce_sum(num) > 0.0, loss, A.zeros_like(loss), name="value")
        add_loss(mean)
        return mean


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    """add_n of the "losses" collection and, by default, the regularization losses.

        total = gc.contrib.losses.get_total_loss()
    """
    losses = get_losses()
    if add_regularization_losses:
        losses += get_regularization_losses()
    if not losses:
        raise ValueError(f"get_total_loss: the '{GraphKeys.LOSSES}' collection"
                         + (f" and '{GraphKeys.REGULARIZATION_LOSSES}'"
                            if add_regularization_losses else "") + " hold no loss")
    return E.add_n(losses, name=name)


# tf.contrib.losses.metric_learning
from . import losses_metric_learning as metric_learning  # noqa: E402,F401
