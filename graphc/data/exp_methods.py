"""tf.data.experimental's names for what are Dataset methods in later TF versions: the
transformations return a function for Dataset.apply, the rest call the method.

    ds = ds.apply(gc.data.experimental.enumerate_dataset(start=1))
    n = gc.data.experimental.cardinality(ds)        # an int64 scalar tensor
"""
from .. import dtypes
from .dataset import Dataset

__all__ = ["enumerate_dataset", "unique", "scan", "take_while", "ignore_errors",
           "cardinality", "get_single_element", "group_by_window",
           "bucket_by_sequence_length", "rejection_resample", "sample_from_datasets",
           "choose_from_datasets", "Counter", "RandomDataset", "dense_to_sparse_batch",
           "dense_to_ragged_batch"]


def enumerate_dataset(start=0):
    """Pairs (index, element), the index counting from `start` (Dataset.enumerate)."""
    return lambda ds: ds.enumerate(start)


def unique():
    """The first occurrence of each element (Dataset.unique)."""
    return lambda ds: ds.unique()


def scan(initial_state, scan_func):
    """scan_func(state, element) -> (new state, output), over the elements
    (Dataset.scan). `ds.apply(gc.data.experimental.scan(np.int64(0),
    lambda s, x: (s + x, s + x)))`."""
    return lambda ds: ds.scan(initial_state, scan_func)


def take_while(predicate):
    """The elements until predicate(element) is False (Dataset.take_while)."""
    return lambda ds: ds.take_while(predicate)


def ignore_errors(log_warning=False):
    """The elements, without those whose making raised an error (Dataset.ignore_errors)."""
    return lambda ds: ds.ignore_errors(log_warning)


def cardinality(dataset):
    """The number of elements of `dataset` as an int64 scalar tensor (INFINITE_CARDINALITY
    or UNKNOWN_CARDINALITY where not known); Dataset.cardinality."""
    return dataset.cardinality()


def get_single_element(dataset):
    """The one element of `dataset` as tensors (Dataset.get_single_element)."""
    if not isinstance(dataset, Dataset):
        raise TypeError("Invalid `dataset`. Expected a `tf.data.Dataset` object but got "
                        f"{type(dataset)}.")
    return dataset.get_single_element()


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """Windows of elements with one key_func(element), each reduced by
    reduce_func(key, window dataset) (Dataset.group_by_window)."""
    return lambda ds: ds.group_by_window(key_func, reduce_func, window_size,
                                         window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """Padded batches of elements of similar length (Dataset.bucket_by_sequence_length)."""
    return lambda ds: ds.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """Elements resampled towards target_dist over class_func(element)'s classes, as
    (class, element) pairs (Dataset.rejection_resample)."""
    return lambda ds: ds.rejection_resample(class_func, target_dist, initial_dist, seed)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    """Elements drawn at random from `datasets` by weights (Dataset.sample_from_datasets)."""
    return Dataset.sample_from_datasets(datasets, weights, seed, stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=False):
    """Elements of datasets[c] for each c of choice_dataset; the experimental default
    keeps going past an empty input (Dataset.choose_from_datasets defaults to stop)."""
    return Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset)


def Counter(start=0, step=1, dtype=dtypes.int64):  # noqa: N802  (TF's name)
    """start, start + step, ... forever, as `dtype` (Dataset.counter)."""
    return Dataset.counter(start, step, dtype)


def RandomDataset(seed=None, rerandomize_each_iteration=None, name=None):  # noqa: N802
    """Pseudo-random int64 scalars forever (Dataset.random); a function here, not a
    class."""
    return Dataset.random(seed=seed, rerandomize_each_iteration=rerandomize_each_iteration)


def dense_to_sparse_batch(batch_size, row_shape):
    """Batches of elements as SparseTensors of dense shape [batch, row_shape]
    (Dataset.sparse_batch)."""
    return lambda ds: ds.sparse_batch(batch_size, row_shape)


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64):
    """Batches of elements whose components of unknown dims become RaggedTensors
    (Dataset.ragged_batch), for Dataset.apply.

        ds.apply(gc.data.experimental.dense_to_ragged_batch(2))
    """
    return lambda ds: ds.ragged_batch(batch_size, drop_remainder, row_splits_dtype)
