"""tf.estimator.inputs (TF1): input_fns over numpy arrays (pandas_input_fn too, when
pandas is installed).

    input_fn = gc.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=32,
                                                  num_epochs=1, shuffle=False)
    est.train(input_fn)
"""
import collections
import importlib.util

import numpy as np

from ..data.dataset import Dataset

__all__ = ["numpy_input_fn"]

_TARGET_KEY = "__target_key__"
_FEATURE_KEY = "__direct_np_input__"


def _ordered_features(x):
    """x as an OrderedDict of arrays, sorted by key (one array: one key)."""
    if isinstance(x, dict):
        if not x:
            raise ValueError("x cannot be an empty dict")
        return collections.OrderedDict(sorted(x.items(), key=lambda kv: kv[0]))
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError("x cannot be an empty array")
        return collections.OrderedDict({_FEATURE_KEY: x})
    raise TypeError(f"x must be a dict or array; got {type(x).__name__}")


def _unique_target_key(features):
    key = _TARGET_KEY
    while key in features:
        key += "_n"
    return key


def _batches(arrays, batch_size, num_epochs, shuffle, queue_capacity):
    """The next batch of `arrays` (a list of tensors): each epoch in order, or
    shuffled with a buffer of queue_capacity; the last batch may be short unless
    num_epochs is None."""
    ds = Dataset.from_tensor_slices(tuple(np.asarray(a) for a in arrays))
    if shuffle:
        ds = ds.shuffle(queue_capacity)
    ds = ds.repeat(num_epochs).batch(batch_size, drop_remainder=num_epochs is None)
    return list(ds.make_one_shot_iterator().get_next())


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None,
                   queue_capacity=1000, num_threads=1):
    """An input_fn giving batches of x (a dict of arrays, or one array) and y (an
    array, a dict of arrays, or None), num_epochs times (None: forever) (TF1).

        input_fn = gc.estimator.inputs.numpy_input_fn({"x": x}, y, batch_size=4,
                                                      shuffle=False)
        features, labels = input_fn()

    The features come back as a dict, or as one tensor when x is an array; with y
    None only the features. Batches run across epoch boundaries; the last one may be
    short (batch dim None) unless num_epochs is None (then it is batch_size).
    shuffle must be given; True shuffles each epoch through a buffer of
    queue_capacity elements. num_threads is accepted and unused.
    """
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is "
                         f"recommended to set it as True for training); got {shuffle}")

    def input_fn():
        data = _ordered_features(x)
        feature_keys = list(data)
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            ordered_y = collections.OrderedDict(sorted(y.items(), key=lambda kv: kv[0]))
            target_keys = list(ordered_y)
            duplicates = set(feature_keys) & set(target_keys)
            if duplicates:
                raise ValueError(f"{len(duplicates)} duplicate keys are found in both x "
                                 f"and y: {duplicates}")
            data.update(ordered_y)
        else:
            target_keys = _unique_target_key(data)
            data[target_keys] = y
        if len({np.shape(v)[0] for v in data.values()}) != 1:
            shapes_x = {k: np.shape(data[k]) for k in feature_keys}
            if target_keys is None:
                shape_y = None
            elif isinstance(target_keys, str):
                shape_y = np.shape(y)
            else:
                shape_y = {k: np.shape(data[k]) for k in target_keys}
            raise ValueError("Length of tensors in x and y is mismatched. All elements in "
                             "x and y must have the same length.\n"
                             f"Shapes in x: {shapes_x}\nShapes in y: {shape_y}\n")
        batch = _batches(list(data.values()), batch_size, num_epochs, shuffle,
                         queue_capacity)
        if isinstance(x, np.ndarray):
            features = batch[0]
        else:
            features = dict(zip(feature_keys, batch[:len(feature_keys)]))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))
    return input_fn


HAVE_PANDAS = importlib.util.find_spec("pandas") is not None

if HAVE_PANDAS:
    def pandas_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None,
                        queue_capacity=1000, num_threads=1, target_column="target"):
        """An input_fn over a pandas DataFrame x (a dict of its columns) and a Series
        or DataFrame y (TF1); as numpy_input_fn otherwise.

            input_fn = gc.estimator.inputs.pandas_input_fn(df, df.pop("y"),
                                                           shuffle=False)
        """
        if not isinstance(shuffle, bool):
            raise ValueError("shuffle must be provided and explicitly set as boolean "
                             "(it is recommended to set it as True for training); got "
                             f"{shuffle}")
        features = {k: x[k].values for k in x.columns}
        if y is not None:
            if target_column in features:
                raise ValueError(f"Cannot use name {target_column} for target column: "
                                 "DataFrame already has a column with that name: "
                                 f"{list(x.columns)}")
            if not np.array_equal(np.asarray(x.index), np.asarray(y.index)):
                raise ValueError(f"Index for x and y are mismatched.\nIndex for x: "
                                 f"{x.index}\nIndex for y: {y.index}\n")
            if hasattr(y, "columns"):
                y = {k: y[k].values for k in y.columns}
            else:
                y = y.values
        return numpy_input_fn(features, y, batch_size, num_epochs, shuffle,
                              queue_capacity, num_threads)

    __all__.append("pandas_input_fn")
