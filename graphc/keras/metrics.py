"""gc.keras.metrics: Keras' metric functions (per-sample values; compile/fit average
them over the batch and the epoch).

    acc = gc.keras.metrics.sparse_categorical_accuracy(labels, probs)
"""
import graphc as gc
from . import backend as K
from .losses import (binary_crossentropy, categorical_crossentropy, mae, mape, mse, msle,
                     mean_absolute_error, mean_absolute_percentage_error,
                     mean_squared_error, mean_squared_logarithmic_error,
                     sparse_categorical_crossentropy)

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae",
           "mape", "msle", "get", "serialize"]


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """mean(y_true == (y_pred > threshold), axis=-1)."""
    y_pred = gc.convert_to_tensor(y_pred)
    y_true = gc.cast(y_true, y_pred.dtype)
    hit = gc.cast(gc.greater(y_pred, threshold), y_pred.dtype)
    return gc.reduce_mean(gc.cast(gc.equal(y_true, hit), K.floatx()), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """argmax(y_true) == argmax(y_pred), as floats."""
    return gc.cast(gc.equal(gc.argmax(y_true, axis=-1), gc.argmax(y_pred, axis=-1)),
                   K.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    """y_true == argmax(y_pred) as floats; labels (batch, 1) are squeezed first."""
    y_pred = gc.convert_to_tensor(y_pred)
    y_true = gc.convert_to_tensor(y_true)
    if (y_true.shape.ndims is not None and y_pred.shape.ndims is not None
            and y_true.shape.ndims == y_pred.shape.ndims):
        y_true = gc.squeeze(y_true, [-1])
    pred = gc.argmax(y_pred, axis=-1)
    if pred.dtype != y_true.dtype:
        pred = gc.cast(pred, y_true.dtype)
    return gc.cast(gc.equal(y_true, pred), K.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    hit = gc.nn.in_top_k(y_pred, gc.cast(gc.argmax(y_true, axis=-1), gc.int32), k)
    return gc.cast(hit, K.floatx())


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_true = gc.convert_to_tensor(y_true)
    if y_true.shape.ndims == y_pred.shape.ndims:
        y_true = gc.squeeze(y_true, [-1])
    return gc.cast(gc.nn.in_top_k(y_pred, gc.cast(y_true, gc.int32), k), K.floatx())


_BY_NAME = {f.__name__: f for f in (
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy)}
_BY_NAME.update(mse=mse, mae=mae, mape=mape, msle=msle)


def get(identifier):
    """A metric function from a name ('accuracy' needs compile's choice), a metric
    object's class name ('AUC', 'Precision', ...: a new object) or a callable."""
    if isinstance(identifier, str) and identifier in _CLASSES:
        return globals()[identifier]()
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown metric function: {identifier}")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric function identifier: {identifier!r}")


_CLASSES = {"Mean", "Sum", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
            "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
            "SparseTopKCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError",
            "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
            "RootMeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy",
            "SparseCategoricalCrossentropy", "Hinge", "SquaredHinge", "KLDivergence",
            "Poisson", "TruePositives", "FalsePositives", "TrueNegatives",
            "FalseNegatives", "Precision", "Recall", "AUC"}


def serialize(metric):
    return getattr(metric, "__name__", type(metric).__name__)


# the metric classes (they use the functions above)
from .metrics_classes import *  # noqa: E402,F401,F403
from .metrics_confusion import *  # noqa: E402,F401,F403
from . import metrics_classes as _mc, metrics_confusion as _mf  # noqa: E402

__all__ += _mc.__all__ + _mf.__all__
