"""gc.keras.losses: Keras' loss functions (per-sample values, the mean over the last
axis), with TF1 Keras' clipping of probabilities to [epsilon, 1 - epsilon].

    per_sample = gc.keras.losses.sparse_categorical_crossentropy(labels, probs)
"""
import graphc as gc
from . import backend as K

__all__ = ["mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "hinge",
           "squared_hinge", "kullback_leibler_divergence", "poisson", "mse", "mae", "mape",
           "msle", "kld", "get", "serialize", "deserialize", "Loss", "MeanSquaredError",
           "MeanAbsoluteError", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy"]


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


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    """mean(sigmoid cross entropy, axis=-1); probabilities are clipped to
    [eps, 1 - eps] and turned into log-odds (TF1 Keras).

        gc.keras.losses.binary_crossentropy(y, p)     # shape: y's without the last axis
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = y_pred if from_logits else _logits_of(y_pred, "Sigmoid")
    if logits is None:
        eps = _eps(y_pred.dtype)
        p = gc.clip_by_value(y_pred, eps, 1.0 - eps)
        logits = gc.log(p / (1.0 - p))
    xent = gc.nn.sigmoid_cross_entropy_with_logits(labels=y_true, logits=logits)
    return gc.reduce_mean(xent, axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0):
    """-sum(y_true * log(y_pred), axis=-1), y_pred normalized to sum 1 and clipped to
    [eps, 1 - eps]; a Softmax output's logits are used directly (TF1 Keras)."""
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        n = gc.cast(gc.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n
    logits = y_pred if from_logits else _logits_of(y_pred, "Softmax")
    if logits is not None:
        return gc.nn.softmax_cross_entropy_with_logits_v2(labels=y_true, logits=logits)
    p = y_pred / gc.reduce_sum(y_pred, axis=-1, keepdims=True)
    eps = _eps(y_pred.dtype)
    p = gc.clip_by_value(p, eps, 1.0 - eps)
    return -gc.reduce_sum(y_true * gc.log(p), axis=-1)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """Cross entropy with integer labels (shape (batch,) or (batch, 1)); probabilities
    are clipped to [eps, 1 - eps] before the log (TF1 Keras).

        gc.keras.losses.sparse_categorical_crossentropy([1, 0], probs)   # (2,)
    """
    y_pred = gc.convert_to_tensor(y_pred)
    y_true = gc.convert_to_tensor(y_true)
    logits = y_pred if from_logits else _logits_of(y_pred, "Softmax")
    if logits is None:
        eps = _eps(y_pred.dtype)
        logits = gc.log(gc.clip_by_value(y_pred, eps, 1.0 - eps))
    rank = logits.shape.ndims
    labels = gc.cast(gc.reshape(y_true, [-1]), gc.int64)
    flat = gc.reshape(logits, gc.stack([-1, gc.shape(logits)[-1]]))
    xent = gc.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=flat)
    if rank is not None and rank >= 3:
        return gc.reshape(xent, gc.shape(logits)[:-1])
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


def kullback_leibler_divergence(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    eps = _eps(y_pred.dtype)
    y_true = gc.clip_by_value(y_true, eps, 1.0)
    y_pred = gc.clip_by_value(y_pred, eps, 1.0)
    return gc.reduce_sum(y_true * gc.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    y_true, y_pred = _pair(y_true, y_pred)
    return gc.reduce_mean(y_pred - y_true * gc.log(y_pred + K.epsilon()), axis=-1)


mse, mae, mape, msle, kld = (mean_squared_error, mean_absolute_error,
                             mean_absolute_percentage_error,
                             mean_squared_logarithmic_error, kullback_leibler_divergence)


class Loss:
    """A loss object: `loss(y_true, y_pred, sample_weight=None)` is the weighted mean of
    the per-sample losses (Keras' SUM_OVER_BATCH_SIZE).

        gc.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    """
    fn = None

    def __init__(self, name=None, **kwargs):
        self.name, self._kwargs = name, kwargs

    def call(self, y_true, y_pred):
        return type(self).fn(y_true, y_pred, **self._kwargs)

    def __call__(self, y_true, y_pred, sample_weight=None):
        losses = self.call(y_true, y_pred)
        if sample_weight is not None:
            w = gc.cast(sample_weight, losses.dtype)
            if w.shape.ndims is not None and w.shape.ndims > losses.shape.ndims:
                w = gc.squeeze(w, [-1])
            losses = losses * w
        return gc.reduce_mean(losses)


class MeanSquaredError(Loss):
    fn = staticmethod(mean_squared_error)


class MeanAbsoluteError(Loss):
    fn = staticmethod(mean_absolute_error)


class BinaryCrossentropy(Loss):
    fn = staticmethod(binary_crossentropy)

    def __init__(self, from_logits=False, label_smoothing=0, name=None):
        super().__init__(name, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(BinaryCrossentropy):
    fn = staticmethod(categorical_crossentropy)


class SparseCategoricalCrossentropy(Loss):
    fn = staticmethod(sparse_categorical_crossentropy)

    def __init__(self, from_logits=False, name=None):
        super().__init__(name, from_logits=from_logits)


_BY_NAME = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, binary_crossentropy, categorical_crossentropy,
    sparse_categorical_crossentropy, hinge, squared_hinge, kullback_leibler_divergence,
    poisson)}
_BY_NAME.update(mse=mse, mae=mae, mape=mape, msle=msle, kld=kld)


def get(identifier):
    """A loss function from a name or a callable.

        gc.keras.losses.get("mse") is gc.keras.losses.mean_squared_error
    """
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss function: {identifier}")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret loss function identifier: {identifier!r}")


def serialize(loss):
    return getattr(loss, "__name__", type(loss).__name__)


def deserialize(name):
    return get(name)
