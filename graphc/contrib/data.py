"""gc.contrib.data (TF 1.15's tf.contrib.data): mostly gc.data.experimental under its
older names, plus the few transformations only contrib had (batch_and_drop_remainder,
padded_batch_and_drop_remainder, sliding_window_batch, assert_element_shape,
reduce_dataset, sloppy_interleave, read_batch_features).

    from graphc.contrib import data
    ds = gc.data.Dataset.range(6).apply(data.sliding_window_batch(3))
    # [0 1 2], [1 2 3], [2 3 4], [3 4 5]
"""
from .. import nest as _nest
from ..data.dataset import Dataset as _Dataset
from ..data.experimental import (AUTOTUNE, Counter, CsvDataset, Optional,  # noqa: F401
                                 RandomDataset, Reducer, SqlDataset, TFRecordWriter,
                                 bucket_by_sequence_length, choose_from_datasets,
                                 copy_to_device, dense_to_sparse_batch, enumerate_dataset,
                                 get_next_as_optional, get_single_element,
                                 group_by_reducer, group_by_window, ignore_errors,
                                 make_batched_features_dataset, make_csv_dataset,
                                 map_and_batch, parallel_interleave, parse_example_dataset,
                                 prefetch_to_device, rejection_resample,
                                 sample_from_datasets, scan, shuffle_and_repeat, unbatch,
                                 unique)
from ..ops.array_more import ensure_shape as _ensure_shape
from ..shapes import TensorShape as _TensorShape

__all__ = ["AUTOTUNE", "Counter", "CsvDataset", "LMDBDataset", "Optional",
           "RandomDataset", "Reducer", "SqlDataset", "TFRecordWriter",
           "assert_element_shape", "batch_and_drop_remainder", "bucket_by_sequence_length",
           "choose_from_datasets", "copy_to_device", "dense_to_sparse_batch",
           "enumerate_dataset", "get_next_as_optional", "get_single_element",
           "group_by_reducer", "group_by_window", "ignore_errors",
           "make_batched_features_dataset", "make_csv_dataset", "map_and_batch",
           "padded_batch_and_drop_remainder", "parallel_interleave", "parse_example_dataset",
           "prefetch_to_device", "read_batch_features", "reduce_dataset",
           "rejection_resample", "sample_from_datasets", "scan", "shuffle_and_repeat",
           "sliding_window_batch", "sloppy_interleave", "unbatch", "unique"]


def batch_and_drop_remainder(batch_size):
    """A transformation: dataset.batch(batch_size, drop_remainder=True), so the batch
    dimension is static (tf.contrib.data.batch_and_drop_remainder).

        ds = gc.data.Dataset.range(7).apply(data.batch_and_drop_remainder(3))
        # [0 1 2], [3 4 5]; output_shapes (3,)
    """
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """A transformation: dataset.padded_batch(..., drop_remainder=True)
    (tf.contrib.data.padded_batch_and_drop_remainder).

        ds.apply(data.padded_batch_and_drop_remainder(2, [4]))
    """
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes=padded_shapes,
                                                padding_values=padding_values,
                                                drop_remainder=True)


def sliding_window_batch(window_size, stride=None, window_shift=None, window_stride=1):
    """A transformation: the windows of window_size elements, one every window_shift
    (default 1) elements, each taking every window_stride-th element, batched; a window
    that cannot be filled is dropped (tf.contrib.data.sliding_window_batch). `stride` is
    the deprecated name of window_shift.

        gc.data.Dataset.range(6).apply(data.sliding_window_batch(3, window_stride=2))
        # [0 2 4], [1 3 5]
    """
    if stride is not None and window_shift is not None:
        raise ValueError("Cannot specify both `stride` and `window_shift`")
    shift = window_shift if window_shift is not None else (
        stride if stride is not None else 1)

    def batch_window(*window):
        parts = window[0] if len(window) == 1 else window
        if isinstance(parts, _Dataset):
            return parts.batch(window_size, drop_remainder=True)
        zipped = _Dataset.zip(parts)
        return zipped.batch(window_size, drop_remainder=True)

    def apply(dataset):
        windows = dataset.window(window_size, shift=shift, stride=window_stride,
                                 drop_remainder=True)
        return windows.flat_map(batch_window)
    return apply


def assert_element_shape(expected_shapes):
    """A transformation: the dataset with its output_shapes merged with expected_shapes
    (a nested structure like the elements'); the dims static shapes leave unknown are
    checked when the elements are made (tf.contrib.data.assert_element_shape). An
    expected shape of unknown rank checks nothing.

        ds = ds.apply(data.assert_element_shape(gc.TensorShape([None, 2])))
    """
    def apply(dataset):
        flat_old = _nest.flatten(dataset.output_shapes)
        flat_new = [_TensorShape(s) for s in
                    _flatten_up_to(dataset.output_shapes, expected_shapes)]
        for old, new in zip(flat_old, flat_new):
            old.merge_with(new)     # a static mismatch is a ValueError now, as TF's

        def check(*elements):
            element = elements[0] if len(elements) == 1 else elements
            leaves = _nest.flatten(element)
            checked = [t if s.ndims is None else _ensure_shape(t, s.as_list())
                       for t, s in zip(leaves, flat_new)]
            return _nest.pack_sequence_as(element, checked)
        return dataset.map(check)
    return apply


def _flatten_up_to(shallow, deep):
    """The parts of `deep` at the leaves (TensorShapes) of `shallow`, in nest.flatten's
    order (an explicit stack: no recursion)."""
    out, stack = [], [(shallow, deep)]
    while stack:
        s, d = stack.pop()
        if isinstance(s, _TensorShape):
            out.append(d)
            continue
        if isinstance(s, dict):
            if not isinstance(d, dict) or sorted(d) != sorted(s):
                raise ValueError(f"assert_element_shape: expected_shapes {deep!r} does not "
                                 f"match the dataset's structure {shallow!r}")
            pairs = [(s[k], d[k]) for k in sorted(s)]
        else:
            if isinstance(d, (str, bytes)) or not hasattr(d, "__len__") or len(d) != len(s):
                raise ValueError(f"assert_element_shape: expected_shapes {deep!r} does not "
                                 f"match the dataset's structure {shallow!r}")
            pairs = list(zip(s, d))
        stack.extend(reversed(pairs))
    return out


def reduce_dataset(dataset, reducer):
    """dataset.reduce(reducer.init_func(0), reducer.reduce_func), as TF 1.15's
    tf.contrib.data.reduce_dataset (which does not apply reducer.finalize_func).

        r = data.Reducer(lambda k: np.int64(0), lambda s, x: s + x, lambda s: s)
        total = data.reduce_dataset(gc.data.Dataset.range(5), r)    # 10
    """
    import numpy as np
    if not isinstance(dataset, _Dataset):
        raise TypeError("`dataset` must be a `tf.data.Dataset` object.")
    return dataset.reduce(reducer.init_func(np.int64(0)), reducer.reduce_func)


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """parallel_interleave(map_func, cycle_length, block_length, sloppy=True)
    (tf.contrib.data.sloppy_interleave); graphc yields the deterministic order.

        ds.apply(data.sloppy_interleave(lambda x: gc.data.Dataset.from_tensors(x), 2))
    """
    return parallel_interleave(map_func, cycle_length, block_length, sloppy=True)


def read_batch_features(file_pattern, batch_size, features, reader=None,
                        reader_args=None, randomize_input=True, num_epochs=None,
                        capacity=10000):
    """The next-element tensors of a one-shot iterator over
    make_batched_features_dataset(file_pattern, batch_size, features, reader, ...,
    shuffle=randomize_input, shuffle_buffer_size=capacity)
    (tf.contrib.data.read_batch_features).

        feats = data.read_batch_features("train-*.tfrecord", 32,
                                         {"x": gc.FixedLenFeature([2], gc.float32)})
    """
    dataset = make_batched_features_dataset(
        file_pattern, batch_size, features, reader=reader, reader_args=reader_args,
        num_epochs=num_epochs, shuffle=randomize_input, shuffle_buffer_size=capacity)
    return dataset.make_one_shot_iterator().get_next()


class LMDBDataset:
    """tf.contrib.data.LMDBDataset: graphc has no LMDB reader; constructing one raises
    NotImplementedError."""

    def __init__(self, filenames):
        raise NotImplementedError("LMDBDataset: graphc cannot read LMDB files (there is "
                                  "no LMDB reader); convert the data to TFRecord files")
