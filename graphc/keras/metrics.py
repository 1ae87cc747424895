"""gc.keras.metrics: Keras' metric functions (per-sample values; compile/fit average
them over the batch and the epoch).

    acc = gc.keras.metrics.sparse_categorical_accuracy(labels, probs)
"""
import graphc as gc
from . import backend as K
from .losses import (MAE, MAPE, MSE, MSLE, KLD, binary_crossentropy,
                     binary_focal_crossentropy, categorical_crossentropy,
                     categorical_focal_crossentropy, categorical_hinge, cosine,
                     cosine_proximity, hinge, kl_divergence, kld, kullback_leibler_divergence,
                     log_cosh, logcosh, mae, mape, mse, msle, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error,
                     mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                     squared_hinge)

__all__ = ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
           "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_logarithmic_error", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae",
           "mape", "msle", "get", "serialize", "deserialize", "MAE", "MAPE", "MSE", "MSLE",
           "KLD", "binary_focal_crossentropy", "categorical_focal_crossentropy",
           "cosine", "cosine_proximity", "hinge", "kl_divergence", "kld",
           "kullback_leibler_divergence", "log_cosh", "logcosh", "poisson",
           "squared_hinge"]


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


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(l2_normalize(y_true) * l2_normalize(y_pred), axis): the metric (1 for the
    same direction; the loss cosine_similarity is its negative)."""
    y_true = gc.nn.l2_normalize(y_true, axis=axis)
    y_pred = gc.nn.l2_normalize(y_pred, axis=axis)
    return gc.reduce_sum(y_true * y_pred, axis=axis)


_BY_NAME = {f.__name__: f for f in (
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
    top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, mean_squared_error,
    mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy,
    binary_focal_crossentropy, categorical_focal_crossentropy, categorical_hinge, hinge,
    squared_hinge, kl_divergence, log_cosh, poisson, cosine_similarity)}
_BY_NAME.update(mse=mse, mae=mae, mape=mape, msle=msle, MSE=mse, MAE=mae, MAPE=mape,
                MSLE=msle, kld=kld, KLD=kld, kullback_leibler_divergence=kld,
                logcosh=logcosh, cosine=cosine, cosine_proximity=cosine_proximity)


def get(identifier):
    """A metric function from a name ('accuracy' needs compile's choice), a metric
    object's class name ('AUC', 'Precision', ...: a new object), a config dict or a
    callable.

        gc.keras.metrics.get("cosine_similarity")       # the metric function
    """
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret metric identifier: {identifier}")


def deserialize(config, custom_objects=None):
    """A metric function or object from its name or {"class_name", "config"}.

        gc.keras.metrics.deserialize({"class_name": "MeanIoU",
                                      "config": {"num_classes": 3}})
    """
    from .utils import deserialize_keras_object
    objects = dict(_BY_NAME)
    objects.update({n: globals()[n] for n in _CLASSES})
    objects.update(Metric=Metric, MeanMetricWrapper=MeanMetricWrapper)
    return deserialize_keras_object(config, objects, custom_objects,
                                    printable_module_name="metric function")


_CLASSES = {"Mean", "Sum", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy",
            "SparseCategoricalAccuracy", "TopKCategoricalAccuracy",
            "SparseTopKCategoricalAccuracy", "MeanSquaredError", "MeanAbsoluteError",
            "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError",
            "RootMeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy",
            "SparseCategoricalCrossentropy", "Hinge", "SquaredHinge", "KLDivergence",
            "Poisson", "TruePositives", "FalsePositives", "TrueNegatives",
            "FalseNegatives", "Precision", "Recall", "AUC", "PrecisionAtRecall",
            "RecallAtPrecision", "SensitivityAtSpecificity", "SpecificityAtSensitivity",
            "CosineSimilarity", "LogCoshError", "CategoricalHinge", "MeanRelativeError",
            "MeanTensor", "R2Score", "F1Score", "FBetaScore", "IoU", "MeanIoU",
            "BinaryIoU", "OneHotIoU", "OneHotMeanIoU"}


def serialize(metric):
    """A metric object as {"class_name", "config"}; a function by its name."""
    from .utils import serialize_keras_object
    return serialize_keras_object(metric)


# the metric classes (they use the functions above)
from .metrics_classes import *  # noqa: E402,F401,F403
from .metrics_confusion import *  # noqa: E402,F401,F403
from .metrics_more import *  # noqa: E402,F401,F403
from .metrics_iou import *  # noqa: E402,F401,F403
from . import (metrics_classes as _mc, metrics_confusion as _mf,  # noqa: E402
               metrics_more as _mm, metrics_iou as _mi)

__all__ += _mc.__all__ + _mf.__all__ + _mm.__all__ + _mi.__all__
