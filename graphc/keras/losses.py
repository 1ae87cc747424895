"""gc.keras.losses: Keras' loss functions (per-sample values, the mean over the last
axis), with TF1 Keras' clipping of probabilities to [epsilon, 1 - epsilon].

    per_sample = gc.keras.losses.sparse_categorical_crossentropy(labels, probs)
"""
import numpy as np

import graphc as gc
from . import backend as K

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge",
           "squared_hinge", "kullback_leibler_divergence", "poisson", "mse", "mae", "mape",
           "msle", "kld", "MSE", "MAE", "MAPE", "MSLE", "KLD", "kl_divergence",
           "categorical_hinge", "log_cosh", "logcosh", "cosine_similarity",
           "cosine", "cosine_proximity", "binary_focal_crossentropy",
           "categorical_focal_crossentropy", "get", "serialize", "deserialize"]


def _pair(y_true, y_pred):
    y_pred = gc.convert_to_tensor(y_pred)
    y_true = gc.cast(gc.convert_to_tensor(y_true), y_pred.dtype)
    return y_true, y_pred


def _eps(dtype):
    return gc.constant(K.epsilon(), dtype=dtype)


def _logits_of(output, op_type):
    """The logits of a Softmax/Sigmoid output (TF1 Keras uses them, not the
    probabilities), else None."""
    if isinstance(output, gc.Variable) or output.op.type != op_type:
        return None
    return output.op.inputs[0]


def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true)^2, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return gc.reduce_mean(gc.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|, axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return gc.reduce_mean(gc.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    diff = gc.abs((y_true - y_pred) / gc.maximum(gc.abs(y_true), _eps(y_pred.dtype)))
    return 100.0 * gc.reduce_mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    eps = _eps(y_pred.dtype)
    first = gc.log(gc.maximum(y_pred, eps) + 1.0)
    second = gc.log(gc.maximum(y_true, eps) + 1.0)
    return gc.reduce_mean(gc.square(first - second), axis=-1)


def _binary_xent(y_true, y_pred, from_logits):
    """Elementwise sigmoid cross entropy; probabilities are clipped to [eps, 1 - eps]
    and turned into log-odds, a Sigmoid output's logits are used directly (TF1 Keras)."""
    logits = y_pred if from_logits else _logits_of(y_pred, "Sigmoid")
    if logits is None:
        eps = _eps(y_pred.dtype)
        p = gc.clip_by_value(y_pred, eps, 1.0 - eps)
        logits = gc.log(p / (1.0 - p))
    return gc.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean(sigmoid cross entropy, axis); labels smoothed towards 0.5.

        gc.keras.losses.binary_crossentropy(y, p)     # shape: y's without the last axis
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return gc.reduce_mean(_binary_xent(y_true, y_pred, from_logits), axis=axis)


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type "
                         f"{type(axis)}")


def _smooth_categorical(y_true, y_pred, label_smoothing, axis):
    if not label_smoothing:
        return y_true
    n = gc.cast(gc.shape(y_true)[axis], y_pred.dtype)
    return y_true * (1.0 - label_smoothing) + label_smoothing / n


def _normalized_probs(y_pred, axis):
    """y_pred / sum(y_pred, axis), clipped to [eps, 1 - eps]."""
    p = y_pred / gc.reduce_sum(y_pred, axis=axis, keepdims=True)
    eps = _eps(y_pred.dtype)
    return gc.clip_by_value(p, eps, 1.0 - eps)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                             axis=-1):
    """-sum(y_true * log(y_pred), axis), y_pred normalized to sum 1 and clipped to
    [eps, 1 - eps]; a Softmax output's logits are used directly (TF1 Keras).

        gc.keras.losses.categorical_crossentropy(one_hot, probs)      # (batch,)
    """
    _check_axis(axis)
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _smooth_categorical(y_true, y_pred, label_smoothing, axis)
    logits = y_pred if from_logits else _logits_of(y_pred, "Softmax")
    if logits is not None:
        return gc.nn.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits,
                                                         axis=axis)
    return -gc.reduce_sum(y_true * gc.log(_normalized_probs(y_pred, axis)), axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1,
                                    ignore_class=None):
    """Cross entropy with integer labels (shape (batch,) or (batch, 1)); probabilities
    are clipped to [eps, 1 - eps] before the log (TF1 Keras). Labels equal to
    ignore_class give 0 and are masked out of a Loss object's mean.

        gc.keras.losses.sparse_categorical_crossentropy([1, 0], probs)   # (2,)
    """
    y_pred = gc.convert_to_tensor(y_pred)
    y_true = gc.convert_to_tensor(y_true)
    rank = y_pred.shape.ndims
    if axis not in (-1, None) and rank is not None and axis % rank != rank - 1:
        perm = [d for d in range(rank) if d != axis % rank]
        y_pred = gc.transpose(y_pred, perm + [axis % rank])
    logits = y_pred if from_logits else _logits_of(y_pred, "Softmax")
    if logits is None:
        eps = _eps(y_pred.dtype)
        logits = gc.log(gc.clip_by_value(y_pred, eps, 1.0 - eps))
    labels = gc.cast(gc.reshape(y_true, [-1]), gc.int64)
    valid = None
    if ignore_class is not None:
        valid = gc.not_equal(labels, gc.constant(ignore_class, gc.int64))
        labels = labels * gc.cast(valid, gc.int64)
    flat = gc.reshape(logits, gc.stack([-1, gc.shape(logits)[-1]]))
    xent = gc.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=flat)
    if valid is not None:
        xent = gc.where_v2(valid, xent, gc.zeros_like(xent))
    if rank is not None and rank >= 3:
        xent = gc.reshape(xent, gc.shape(logits)[:-1])
        valid = None if valid is None else gc.reshape(valid, gc.shape(logits)[:-1])
    if valid is not None:
        K._set_mask(xent, valid)
    return xent


def _maybe_convert_labels(y_true):
    """0/1 labels as -1/1 (Keras: only when every label is 0 or 1): y + binary * (y - 1)."""
    binary = gc.reduce_all(gc.logical_or(gc.equal(y_true, 0.0), gc.equal(y_true, 1.0)))
    return y_true + gc.cast(binary, y_true.dtype) * (y_true - 1.0)


def hinge(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return gc.reduce_mean(gc.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _maybe_convert_labels(y_true)
    return gc.reduce_mean(gc.square(gc.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def kl_divergence(y_true, y_pred):
    """sum(y_true * log(y_true / y_pred), axis=-1), both clipped to [eps, 1]."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = _eps(y_pred.dtype)
    y_true = gc.clip_by_value(y_true, eps, 1.0)
    y_pred = gc.clip_by_value(y_pred, eps, 1.0)
    return gc.reduce_sum(y_true * gc.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true * log(y_pred + eps), axis=-1)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return gc.reduce_mean(y_pred - y_true * gc.log(y_pred + K.epsilon()), axis=-1)


def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0) with pos = sum(y_true * y_pred, -1) and
    neg = max((1 - y_true) * y_pred, -1).

        gc.keras.losses.categorical_hinge([[0., 1.]], [[0.6, 0.4]])     # [1.2]
    """
    y_true, y_pred = _pair(y_true, y_pred)
    pos = gc.reduce_sum(y_true * y_pred, axis=-1)
    neg = gc.reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return gc.maximum(neg - pos + 1.0, gc.zeros_like(pos))


def huber(y_true, y_pred, delta=1.0):
    """mean(0.5 x^2 if |x| <= delta else delta |x| - 0.5 delta^2, axis=-1), x = y_pred -
    y_true, computed in floatx (tf.keras).

        gc.keras.losses.huber(y, p, delta=1.0)
    """
    y_pred = gc.cast(y_pred, K.floatx())
    y_true = gc.cast(y_true, K.floatx())
    delta = gc.constant(delta, K.floatx())
    error = y_pred - y_true
    abs_error = gc.abs(error)
    quadratic = 0.5 * gc.square(error)
    linear = delta * abs_error - 0.5 * gc.square(delta)
    return gc.reduce_mean(gc.where_v2(gc.less_equal(abs_error, delta), quadratic, linear),
                          axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true)), axis=-1), as x + softplus(-2x) - log(2) (no
    overflow).

        gc.keras.losses.log_cosh(y, p)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    log2 = gc.constant(float(np.log(2.0)), x.dtype)
    return gc.reduce_mean(x + gc.nn.softplus(-2.0 * x) - log2, axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): -1 for the same
    direction, 0 for orthogonal or zero vectors (the loss; the metric is its negative).

        gc.keras.losses.cosine_similarity([[0., 1.]], [[0., 2.]])       # [-1.]
    """
    y_true = gc.nn.l2_normalize(y_true, axis=axis)
    y_pred = gc.nn.l2_normalize(y_pred, axis=axis)
    return -gc.reduce_sum(y_true * y_pred, axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """mean((1 - p_t)^gamma * bce, axis) with p_t the probability of the true class
    (times alpha / 1 - alpha for classes 1 / 0 with apply_class_balancing).

        gc.keras.losses.binary_focal_crossentropy(y, p, gamma=2.0)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    probs = gc.sigmoid(y_pred) if from_logits else y_pred
    p_t = y_true * probs + (1.0 - y_true) * (1.0 - probs)
    focal = gc.pow(1.0 - p_t, gamma) * _binary_xent(y_true, y_pred, from_logits)
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return gc.reduce_mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0,
                                   from_logits=False, label_smoothing=0.0, axis=-1):
    """sum(alpha * (1 - p)^gamma * -y_true * log(p), axis), p the clipped, normalized
    probabilities (softmax of y_pred when from_logits or y_pred is a Softmax's output).

        gc.keras.losses.categorical_focal_crossentropy(one_hot, probs)
    """
    _check_axis(axis)
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _smooth_categorical(y_true, y_pred, label_smoothing, axis)
    logits = y_pred if from_logits else _logits_of(y_pred, "Softmax")
    probs = y_pred if logits is None else gc.nn.softmax(logits, axis=axis)
    p = _normalized_probs(probs, axis)
    weight = gc.pow(1.0 - p, gamma) * alpha
    return gc.reduce_sum(weight * (-y_true * gc.log(p)), axis=axis)


kullback_leibler_divergence = kl_divergence
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence
logcosh = log_cosh
cosine = cosine_proximity = cosine_similarity

_BY_NAME = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, hinge, squared_hinge, kl_divergence,
    poisson, categorical_hinge, huber, log_cosh, cosine_similarity,
    binary_focal_crossentropy, categorical_focal_crossentropy)}
_BY_NAME.update(mse=mse, mae=mae, mape=mape, msle=msle, kld=kld, MSE=mse, MAE=mae,
                MAPE=mape, MSLE=msle, KLD=kld,
                kullback_leibler_divergence=kl_divergence,
                logcosh=log_cosh)


def get(identifier):
    """A loss from a function name ('huber', 'mse', ...: the function), a Loss class
    name ('Huber': a new object), a {"class_name", "config"} dict, a callable or None.

        gc.keras.losses.get("mse") is gc.keras.losses.mean_squared_error
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier}")


def serialize(loss):
    """A Loss object as {"class_name", "config"}; a function by its name."""
    from .utils import serialize_keras_object
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """The loss of serialize(): a function or Loss class name, or a config dict
    (custom_objects and the registered custom objects are searched first).

        gc.keras.losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}})
    """
    from .utils import deserialize_keras_object
    objects = dict(_BY_NAME)
    objects.update({n: globals()[n] for n in _CLASS_NAMES})
    return deserialize_keras_object(name, objects, custom_objects,
                                    printable_module_name="loss function")


# the Loss classes (they wrap the functions above)
from .losses_classes import *  # noqa: E402,F401,F403
from . import losses_classes as _lc  # noqa: E402

_CLASS_NAMES = tuple(n for n in _lc.__all__ if n != "Reduction")
__all__ += _lc.__all__
