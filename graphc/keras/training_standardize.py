"""The checks gc.keras' fit / evaluate / predict / *_on_batch run on the user's arrays
before any batch runs (tf_keras' training_utils_v1, TF 1.x graph mode): the number of
arrays, the inputs' shapes, equal sample counts, and targets that fit their loss.
Each raises TF's ValueError with TF's text.

    standardize_input_data(np.ones((8, 4)), ["dense_input"], [(None, 3)], "input")
    # ValueError: Error when checking input: expected dense_input to have shape (3,)
    #             but got array with shape (4,)
"""
import numpy as np

from . import losses as losses_mod
from .losses_classes import (BinaryCrossentropy, CategoricalCrossentropy, Loss,
                             LossFunctionWrapper, MeanSquaredError)

__all__ = ["standardize_input_data", "standardize_sample_or_class_weights",
           "check_array_lengths", "check_loss_and_target_compatibility"]

# the losses whose targets must have the output's shape (tf_keras checks only these)
_SAME_SHAPE_FNS = (losses_mod.mean_squared_error, losses_mod.binary_crossentropy,
                   losses_mod.categorical_crossentropy)
_SAME_SHAPE_CLASSES = (MeanSquaredError, BinaryCrossentropy, CategoricalCrossentropy)


def _single_array(x, expected_shape=None):
    """x as an array; one of rank 1 gets a trailing axis, (n,) -> (n, 1), unless a
    rank-1 shape is expected (tf_keras' standardize_single_array)."""
    if x is None:
        return None
    if isinstance(x, int):
        raise ValueError(f"Expected an array data type but received an integer: {x}")
    x = np.asarray(x)
    if x.ndim == 1 and (expected_shape is None or len(expected_shape) != 1):
        x = x[:, None]
    return x


def _length(data):
    """len(data), or None where it has none (None, a number, a 0-d array)."""
    try:
        return len(data)
    except TypeError:
        return None


def standardize_input_data(data, names, shapes=None, prefix="input"):
    """The arrays for `names` from one array, a list, or a dict by name (unknown keys
    are ignored), each as _single_array makes it. With `shapes` (batch axis first, not
    checked) each array must have its shape's rank and known dims; as in tf_keras,
    tf_keras then drops arrays past the len(shapes)-th silently; graphc refuses them, as
    it refuses any extra array. prefix: "input" or "target"."""
    if not names:
        if _length(data) and not isinstance(data, dict):
            raise ValueError(f"Error when checking model {prefix}: expected no data, but "
                             f"got: {str(data)[:200]}")
        return []
    if data is None:
        return [None] * len(names)
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f'No data provided for "{missing[0]}". Need data for each '
                             f"key in: {names}")
        data = [data[n] for n in names]
    elif isinstance(data, (list, tuple)):
        if data and len(names) == 1 and isinstance(data[0], (int, float, np.number)):
            data = [np.asarray(data)]         # a list of numbers is one array
        else:
            data = list(data)
    else:
        data = [data]
    if shapes is not None and len(data) == len(shapes):
        data = [_single_array(x, s) for x, s in zip(data, shapes)]
    else:
        data = [_single_array(x) for x in data]
    if len(data) != len(names):
        if data:
            raise ValueError(f"Error when checking model {prefix}: the list of Numpy "
                             f"arrays that you are passing to your model is not the size "
                             f"the model expected. Expected to see {len(names)} array(s), "
                             f"for inputs {names} but instead got the following list of "
                             f"{len(data)} arrays: {str(data)[:200]}...")
        if len(names) > 1:
            raise ValueError(f"Error when checking model {prefix}: you are passing a list "
                             f"as input to your model, but the model expects a list of "
                             f"{len(names)} Numpy arrays instead. The list you passed was: "
                             f"{str(data)[:200]}")
        data = [np.asarray(data)]
    for name, x, shape in zip(names, data, shapes or []):
        if shape is None or x is None:
            continue
        if x.ndim != len(shape):
            raise ValueError(f"Error when checking {prefix}: expected {name} to have "
                             f"{len(shape)} dimensions, but got array with shape {x.shape}")
        if any(d is not None and d != got for d, got in zip(shape[1:], x.shape[1:])):
            raise ValueError(f"Error when checking {prefix}: expected {name} to have shape "
                             f"{tuple(shape[1:])} but got array with shape {x.shape[1:]}")
    return data


def standardize_sample_or_class_weights(weights, names, what):
    """One `what` (sample_weight or class_weight) per output in `names` from None, one
    value, a list or a dict by output name (tf_keras' standardize_sample_weights)."""
    if weights is None or isinstance(weights, (list, tuple)) and not weights:
        return [None] * len(names)
    if len(names) == 1:
        if isinstance(weights, (list, tuple)) and len(weights) == 1:
            return list(weights)
        if isinstance(weights, dict) and names[0] in weights:
            return [weights[names[0]]]
        return [weights]
    if isinstance(weights, (list, tuple)):
        if len(weights) != len(names):
            raise ValueError(f"When passing a list as {what}, it should have one entry "
                             f"per model output. The model has {len(names)} outputs, but "
                             f"you passed {what} of length {len(weights)}")
        return list(weights)
    if isinstance(weights, dict):
        unknown = sorted(set(weights) - set(names), key=str)
        if unknown:
            raise ValueError(f"Unknown entries in {what} dictionary: {unknown}. Only "
                             f"expected following keys: {names}")
        return [weights.get(n) for n in names]
    raise TypeError(f"The model has multiple outputs, so `{what}` should be either a list "
                    f"or a dict. Provided `{what}` type not understood: {weights}")


def check_array_lengths(inputs, targets, weights=None):
    """All inputs, targets and sample weights hold the same number of samples
    (tf_keras' check_array_lengths, its messages)."""
    def lengths(arrays):
        return {len(a) for a in arrays or [] if a is not None}

    def shapes(arrays):
        return [a.shape for a in arrays if a is not None]
    set_x, set_y, set_w = lengths(inputs), lengths(targets), lengths(weights)
    if len(set_x) > 1:
        raise ValueError(f"All input arrays (x) should have the same number of samples. "
                         f"Got array shapes: {shapes(inputs)}")
    if len(set_y) > 1:
        raise ValueError(f"All target arrays (y) should have the same number of samples. "
                         f"Got array shapes: {shapes(targets)}")
    if set_x and set_y and set_x != set_y:
        raise ValueError(f"Input arrays should have the same number of samples as target "
                         f"arrays. Found {min(set_x)} input samples and {min(set_y)} "
                         f"target samples.")
    if len(set_w) > 1:
        raise ValueError(f"All sample_weight arrays should have the same number of "
                         f"samples. Got array shapes: {shapes(weights)}")
    if set_y and set_w and set_y != set_w:
        raise ValueError(f"Sample_weight arrays should have the same number of samples as "
                         f"target arrays. Got {min(set_y)} input samples and {min(set_w)} "
                         f"target samples.")


def _wrapped_fn(loss):
    """The loss function of a compiled loss: a plain function (TF wraps it in a
    LossFunctionWrapper) or a wrapper's fn; None for another Loss object."""
    if isinstance(loss, LossFunctionWrapper):
        return loss.fn
    return None if isinstance(loss, Loss) else loss


def _is_categorical_crossentropy(loss):
    return isinstance(loss, CategoricalCrossentropy) or \
        _wrapped_fn(loss) is losses_mod.categorical_crossentropy or \
        getattr(loss, "__name__", None) == "categorical_crossentropy"


def _loss_name(loss):
    fn = _wrapped_fn(loss)
    if isinstance(loss, Loss) and loss.name is not None:
        return loss.name
    return (fn if fn is not None else type(loss)).__name__


def check_loss_and_target_compatibility(targets, losses, output_shapes):
    """Targets that fit their output's loss (tf_keras' check): categorical_crossentropy
    needs one-hot rows, not a last axis of 1 (integer classes); mean_squared_error,
    binary_crossentropy and categorical_crossentropy need the output's shape past the
    batch axis. Other losses are not checked."""
    for y, loss, shape in zip(targets, losses, output_shapes):
        if y is None or loss is None:
            continue
        if _is_categorical_crossentropy(loss) and y.shape[-1] == 1:
            raise ValueError(
                f"You are passing a target array of shape {y.shape} while using as loss "
                f"`categorical_crossentropy`. `categorical_crossentropy` expects targets "
                f"to be binary matrices (1s and 0s) of shape (samples, classes). If your "
                f"targets are integer classes, you can convert them to the expected "
                f"format via:\n```\nfrom keras.utils import to_categorical\n"
                f"y_binary = to_categorical(y_int)\n```\n\nAlternatively, you can use the "
                f"loss function `sparse_categorical_crossentropy` instead, which does "
                f"expect integer targets.")
        if shape is None or not (isinstance(loss, _SAME_SHAPE_CLASSES) or
                                 _wrapped_fn(loss) in _SAME_SHAPE_FNS):
            continue
        if any(d is not None and d != got for got, d in zip(y.shape[1:], shape[1:])):
            raise ValueError(
                f"A target array with shape {y.shape} was passed for an output of shape "
                f"{shape} while using as loss `{_loss_name(loss)}`. This loss expects "
                f"targets to have the same shape as the output.")
