"""gc.keras.utils' dataset makers from arrays and datasets (tf.keras.utils):
timeseries_dataset_from_array (windows of an array, with targets) and split_dataset.

    ds = gc.keras.utils.timeseries_dataset_from_array(data, targets, sequence_length=10)
"""
import random

import numpy as np

from .. import dtypes

__all__ = ["timeseries_dataset_from_array", "split_dataset"]


# ---- arrays -----------------------------------------------------------------------------
def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None):
    """A Dataset of sliding windows over data (tf.keras.utils.timeseries_dataset_from_
    array): window k is data[s + p_k + i * sampling_rate] for i < sequence_length, with
    s = start_index and p_k = k * sequence_stride; its target is targets[s + p_k].
    shuffle permutes the windows (np.random.RandomState(seed), then a shuffle buffer).

        ds = timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=4)
        # windows [0 1 2], [1 2 3], ... [7 8 9]
    """
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: "
                             f"start_index={start_index}")
        if start_index >= n:
            raise ValueError(f"`start_index` must be lower than the length of the data. "
                             f"Received: start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError(f"`end_index` must be lower than the length of the data. "
                             f"Received: end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: "
                             f"end_index={end_index}")
    for name, v in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if v <= 0:
            raise ValueError(f"`{name}` must be higher than 0. Received: {name}={v}")
        if v >= n:
            raise ValueError(f"`{name}` must be lower than the length of the data. "
                             f"Received: {name}={v}, for data of length {n}")
    start = start_index or 0
    end = n if end_index is None else end_index
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        num_seqs = min(num_seqs, len(targets))
    positions = np.arange(0, num_seqs, sequence_stride,
                          dtype="int32" if num_seqs < 2147483647 else "int64")
    if shuffle:
        seed = np.random.randint(1e6) if seed is None else seed
        np.random.RandomState(seed).shuffle(positions)
    data = np.asarray(data)[start:end]
    steps = np.arange(sequence_length) * sampling_rate
    tail = None if targets is None else np.asarray(targets)[start:end]
    from .. import data as gcdata
    from ..type_spec import TensorSpec
    spec = TensorSpec((sequence_length,) + data.shape[1:], dtypes.as_dtype(data.dtype))
    if tail is not None:
        spec = (spec, TensorSpec(tail.shape[1:], dtypes.as_dtype(tail.dtype)))

    def gen():
        for p in positions:
            yield data[p + steps] if tail is None else (data[p + steps], tail[p])
    ds = gcdata.Dataset.from_generator(gen, output_signature=spec).prefetch(gcdata.AUTOTUNE)
    if batch_size is not None:
        if shuffle:
            ds = ds.shuffle(buffer_size=batch_size * 8, seed=seed)
        return ds.batch(batch_size)
    return ds.shuffle(buffer_size=1024, seed=seed) if shuffle else ds


def _split_sizes(left, right, total):
    """tf_keras' sizes of the two parts (floats: fractions, rounded; ints: counts)."""
    bad = [v is not None and type(v) not in (int, float) for v in (left, right)]
    if all(bad):
        raise TypeError(f"Invalid `left_size` and `right_size` Types. Expected: integer or "
                        f"float or None, Received: type(left_size)={type(left)} and "
                        f"type(right_size)={type(right)}")
    if bad[0]:
        raise TypeError(f"Invalid `left_size` Type. Expected: int or float or None, "
                        f"Received: type(left_size)={type(left)}.  ")
    if bad[1]:
        raise TypeError(f"Invalid `right_size` Type. Expected: int or float or None,"
                        f"Received: type(right_size)={type(right)}.")
    if left == 0 and right == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    for name, v in (("left_size", left), ("right_size", right)):
        if (type(v) is int and (v <= 0 or v >= total)) or \
                (type(v) is float and (v <= 0 or v >= 1)):
            how = "smaller than {}," if name == "left_size" else "and smaller than {}"
            raise ValueError(f"`{name}` should be either a positive integer "
                             f"{how.format(total)} or a float within the range `[0, 1]`. "
                             f"Received: {name}={v}")
    if type(left) is type(right) is float and left + right > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It "
                         "must be less than or equal to 1.")
    # as tf_keras: fractions rounded to ints, counts turned to floats
    left = round(left * total) if type(left) is float else \
        (float(left) if type(left) is int else left)
    right = round(right * total) if type(right) is float else \
        (float(right) if type(right) is int else right)
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than "
                         f"the {{total_length}}. Received: left_size + right_size = "
                         f"{left + right}and total_length = {total}")
    if left == 0 or right == 0:
        side = "left" if left == 0 else "right"
        raise ValueError(f"With `dataset` of length={total}, `left_size`={float(left)} and "
                         f"`right_size`={float(right)}.Resulting {side} side dataset split "
                         f"will be empty. Adjust any of the aforementioned parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """(left, right) Datasets of the samples of a numpy array, a list/tuple of arrays
    (samples along dim 0) or a gc.data.Dataset (read with as_numpy_iterator, unbatched;
    a batched one gives batched halves) (tf.keras.utils.split_dataset).

        left, right = split_dataset(np.arange(10), left_size=0.8)   # 8 and 2 samples
    """
    from .. import data
    from ..data.batching import _Batch
    is_ds = isinstance(dataset, data.Dataset)
    if not (is_ds or isinstance(dataset, (list, tuple, np.ndarray))):
        raise TypeError(f"The `dataset` argument must be either a `tf.data.Dataset` object "
                        f"or a list/tuple of arrays. Received: dataset={dataset} of type "
                        f"{type(dataset)}")
    if right_size is None and left_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be "
                         "specified. Received: left_size=None and right_size=None")
    batch = dataset._size if isinstance(dataset, _Batch) else None
    if is_ds:
        samples = list((dataset.unbatch() if batch is not None else dataset)
                       .as_numpy_iterator())
    elif isinstance(dataset, np.ndarray):
        samples = list(dataset)
    else:
        if not len(dataset):
            raise ValueError("Received an empty list dataset. Please provide a non-empty "
                             "list of arrays.")
        if not isinstance(dataset[0], np.ndarray):
            raise ValueError(f"Expected a list of `numpy.ndarray` objects,Received: "
                             f"{type(dataset[0])}")
        samples = list(zip(*dataset))
    if not samples:
        raise ValueError("Received an empty Dataset. `dataset` must be a non-empty "
                         "list/tuple of `numpy.ndarray` objects or `tf.data.Dataset` "
                         "objects.")
    if shuffle:
        random.seed(random.randint(0, int(1e6)) if seed is None else seed)
        random.shuffle(samples)
    left, right = _split_sizes(left_size, right_size, len(samples))
    halves = []
    for part in (samples[:left], samples[-right:]):
        if isinstance(part[0], tuple):
            part = tuple(np.array(col) for col in zip(*part))
        elif isinstance(part[0], dict):
            part = {k: np.array([s[k] for s in part]) for k in part[0]}
        else:
            part = np.array(part)
        ds = data.Dataset.from_tensor_slices(part)
        halves.append(ds.batch(batch) if isinstance(batch, int) else ds)
    return halves[0], halves[1]
