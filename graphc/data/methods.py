"""The Dataset methods TF 2 added to tf.compat.v1.data.Dataset (DatasetV1): the public
entry points, bound into the Dataset class body (dataset.py); each builds its datasets
in stateful.py, grouping.py, sampling.py or single.py.

    ds = gc.data.Dataset.range(10).scan(np.int64(0), lambda s, x: (s + x, s + x))
    n = ds.cardinality()                  # an int64 scalar tensor: 10

This module imports the others only inside its functions: dataset.py imports it while
the Dataset class is being defined.
"""
from .. import dtypes

__all__ = []


# ---- sources -----------------------------------------------------------------------------
def counter(start=0, step=1, dtype=None, name=None):
    """Dataset.counter(start=0, step=1, dtype=tf.int64): start, start + step, ... forever
    (scalars of dtype; start and step are converted to it).

        gc.data.Dataset.counter(2, 3, gc.int32)      # 2, 5, 8, ...
    """
    from .stateful import counter as build
    return build(start, step, dtype)


def random(seed=None, rerandomize_each_iteration=None, name=None):
    """Dataset.random(seed=None, rerandomize_each_iteration=None): an endless stream of
    random int64 scalars in [0, 2**32) (TF's range; not TF's stream). With a seed (op or
    graph seed) every iterator initialization repeats it; rerandomize_each_iteration
    gives each repeat() epoch a new stream.

        gc.data.Dataset.random(seed=4).take(3)
    """
    from .stateful import random as build
    return build(seed, rerandomize_each_iteration)


def from_sparse_tensor_slices(sparse_tensor):
    """Dataset.from_sparse_tensor_slices(sparse_tensor) (TF1): the rows of a SparseTensor
    of rank N, each as an (indices, values, dense_shape) tuple of rank N - 1, as TF1.

        st = gc.SparseTensor([[0, 1], [2, 0]], [1., 2.], [3, 4])
        gc.data.Dataset.from_sparse_tensor_slices(st)     # 3 elements
    """
    from .sources import sparse_slices
    return sparse_slices(sparse_tensor)


def list_files(file_pattern, shuffle=None, seed=None, name=None):
    """Dataset.list_files(file_pattern, shuffle=None, seed=None): the file names matching
    file_pattern (a glob or a list of them; a string tensor), as scalar strings, in a
    random order unless shuffle=False (then sorted). No match: InvalidArgumentError
    "No files matched pattern: ..." when the iterator starts.

        gc.data.Dataset.list_files("/data/*.tfrecord", shuffle=False)
    """
    from .sampling import list_files as build
    return build(file_pattern, shuffle, seed)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    """Dataset.choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    for each int64 scalar of choice_dataset, the next element of datasets[choice]. An
    exhausted choice ends it (stop_on_empty_dataset) or is skipped.

        gc.data.Dataset.choose_from_datasets([a, b], gc.data.Dataset.range(2).repeat(3))
    """
    from .sampling import choose_from_datasets as build
    return build(datasets, choice_dataset, stop_on_empty_dataset)


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                         rerandomize_each_iteration=None):
    """Dataset.sample_from_datasets(datasets, weights=None, seed=None,
    stop_on_empty_dataset=False, rerandomize_each_iteration=None): elements of datasets
    drawn at random in proportion to weights (a list, a float tensor, or a Dataset of
    weight vectors; default uniform). Exhausted datasets drop out and the weights of the
    rest are renormalized (it ends when no dataset with weight is left), or the first
    exhausted draw ends it (stop_on_empty_dataset).

        gc.data.Dataset.sample_from_datasets([a, b], weights=[0.9, 0.1], seed=1)
    """
    from .sampling import sample_from_datasets as build
    return build(datasets, weights, seed, stop_on_empty_dataset, rerandomize_each_iteration)


# ---- transformations ---------------------------------------------------------------------
def enumerate(self, start=0, name=None):
    """(index, element) pairs, the index an int64 counting from start.

        gc.data.Dataset.range(3, 6).enumerate(start=5)   # (5, 3), (6, 4), (7, 5)
    """
    from .stateful import enumerate_dataset
    return enumerate_dataset(self, start)


def scan(self, initial_state, scan_func, name=None):
    """scan_func(state, element) -> (new_state, output) folded over the elements; yields
    each output. scan_func is traced like map's; state shapes that change are relaxed.

        ds.scan(np.int64(0), lambda s, x: (s + x, s + x))   # running sums
    """
    from .stateful import scan as build
    return build(self, initial_state, scan_func)


def take_while(self, predicate, name=None):
    """The elements up to the first for which predicate (a scalar bool) is False.

        gc.data.Dataset.range(10).take_while(lambda x: x < 4)    # 0, 1, 2, 3
    """
    from .stateful import _TakeWhile
    return _TakeWhile(self, predicate)


def unique(self, name=None):
    """The elements not seen before (one int32, int64 or string tensor per element).

        gc.data.Dataset.from_tensor_slices([1, 3, 1, 2]).unique()   # 1, 3, 2
    """
    from .stateful import _Unique
    return _Unique(self)


def ignore_errors(self, log_warning=False, name=None):
    """The elements whose map/filter/scan/take_while function ran without a run-time
    error (OpError); with log_warning each skipped error is logged. graphc resumes only
    through map, filter, scan, take_while, shuffle, repeat and unique datasets (see
    docs/data.md); other errors still stop the pipeline.

        ds.map(lambda x: gc.debugging.check_numerics(1. / x, "x")).ignore_errors()
    """
    from .stateful import _IgnoreErrors
    return _IgnoreErrors(self, log_warning)


def group_by_window(self, key_func, reduce_func, window_size=None, window_size_func=None,
                    name=None):
    """Elements grouped by key_func (an int64 scalar); each group of window_size (or
    window_size_func(key)) elements, and at the end each partial group in key order, is
    handed as a dataset to reduce_func(key, window), whose dataset's elements follow.

        ds.group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
    """
    from .grouping import group_by_window as build
    return build(self, key_func, reduce_func, window_size, window_size_func)


def bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                              bucket_batch_sizes, padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False, name=None):
    """Elements batched by length bucket: element_length_func (an int32 scalar) picks the
    bucket [boundary_i, boundary_i+1); each bucket pads (padded_batch) batches of its
    bucket_batch_sizes entry.

        ds.bucket_by_sequence_length(lambda x: gc.size(x), [3, 5], [2, 2, 2])
    """
    from .grouping import bucket_by_sequence_length as build
    return build(self, element_length_func, bucket_boundaries, bucket_batch_sizes,
                 padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
                 drop_remainder)


def rebatch(self, batch_size, drop_remainder=False, name=None):
    """The rows of batched elements regrouped into batches of batch_size (an int, or a
    list/int64 vector of sizes used in turn).

        gc.data.Dataset.range(10).batch(4).rebatch(3)    # [0 1 2] [3 4 5] [6 7 8] [9]
    """
    from .grouping import rebatch as build
    return build(self, batch_size, drop_remainder)


def sparse_batch(self, batch_size, row_shape, name=None):
    """Batches of batch_size dense elements as one SparseTensor of dense shape
    [n, *row_shape] (every entry of an element becomes a value).

        ds.map(lambda x: gc.fill([x], x)).sparse_batch(2, [6])
    """
    from .grouping import _SparseBatch
    return _SparseBatch(self, batch_size, row_shape)


def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64,
                 name=None):
    """Batches of batch_size elements in which each component of unknown dims becomes
    a RaggedTensor (ragged up to its last unknown dim; row_splits of row_splits_dtype)
    and each RaggedTensor component gains an outer ragged dim; fully known components
    are stacked as by batch.

        gc.data.Dataset.range(4).map(lambda x: gc.range(x)).ragged_batch(2)
        # [[], [0]], [[0, 1], [0, 1, 2]] as RaggedTensors
    """
    from .ragged_batch import ragged_batch as build
    return build(self, batch_size, drop_remainder, row_splits_dtype)


def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                       name=None):
    """(class, element) pairs resampled so that the classes (class_func: an int scalar)
    follow target_dist: TF's rejection resampling, mixed with the original stream;
    without initial_dist the class distribution is estimated as elements pass.

        ds.rejection_resample(lambda x: gc.cast(x % 2, gc.int32), [0.5, 0.5], seed=1)
    """
    from .sampling import rejection_resample as build
    return build(self, class_func, target_dist, initial_dist, seed)


def map_with_legacy_function(self, map_func, num_parallel_calls=None, deterministic=None,
                             use_unbounded_threadpool=False):
    """TF1's map with legacy tracing: the same as map in graphc (one way of tracing)."""
    return self.map(map_func, num_parallel_calls)


def filter_with_legacy_function(self, predicate):
    """TF1's filter with legacy tracing: the same as filter in graphc."""
    return self.filter(predicate)


# ---- results -----------------------------------------------------------------------------
def cardinality(self):
    """The number of elements as an int64 scalar tensor (computed when it runs):
    gc.data.INFINITE_CARDINALITY (-1) or UNKNOWN_CARDINALITY (-2) where not countable
    without running the pipeline (filter, TF1's map, ...), as TF.

        gc.data.Dataset.range(10).batch(3).cardinality()     # 4 when run
    """
    from .single import cardinality as build
    return build(self)


def get_single_element(self, name=None):
    """The one element of this dataset as tensors (InvalidArgumentError when run if it
    has none or more than one).

        x, y = gc.data.Dataset.from_tensors((1, 2.)).get_single_element()
    """
    from .single import get_single_element as build
    return build(self, name)


def as_numpy_iterator(self):
    """The elements as numpy values. TF1 graph mode raises here; graphc (graph-only)
    instead builds a one-shot iterator in the dataset's graph and runs it in a fresh
    Session of that graph (so pipelines that read variables or placeholders cannot).

        list(gc.data.Dataset.range(3).as_numpy_iterator())     # [0, 1, 2]
    """
    from .single import as_numpy_iterator as build
    return build(self)


STATIC = ("counter", "random", "from_sparse_tensor_slices", "list_files",
          "choose_from_datasets", "sample_from_datasets")
