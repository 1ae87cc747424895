"""tf.data.experimental's Example and lookup-table pieces: parse_example_dataset,
make_batched_features_dataset (files of tf.train.Examples to batches of feature dicts,
on gc.io.parse_example) and table_from_dataset / index_table_from_dataset (gc.lookup
tables filled from a dataset when the tables' initializer runs).

    ds = gc.data.experimental.make_batched_features_dataset(
        "train*.tfrecord", 32, {"x": gc.io.FixedLenFeature([], gc.float32)},
        label_key="x", num_epochs=1)
    table = gc.data.experimental.index_table_from_dataset(vocab_ds)
"""
import glob as _glob

import numpy as np

from .. import dtypes, errors
from ..ops.array import size
from ..ops.core import convert_to_tensor
from ..ops.creation import range as _range, zeros
from ..ops.join import concat
from ..ops.parsing_example import parse_example
from ..ops.array import reshape
from ..shapes import TensorShape
from .dataset import Dataset
from .readers import TFRecordDataset

__all__ = ["parse_example_dataset", "make_batched_features_dataset", "table_from_dataset",
           "index_table_from_dataset"]


def parse_example_dataset(features, num_parallel_calls=1, deterministic=None):
    """A transformation parsing each element (a vector of serialized tf.train.Examples)
    into a dict of features, as gc.io.parse_example.

        ds.batch(32).apply(gc.data.experimental.parse_example_dataset(
            {"x": gc.io.FixedLenFeature([], gc.int64, default_value=0)}))
    """
    if features is None:
        raise ValueError("Argument `features` is required, but not specified.")

    def apply(ds):
        shape = ds.output_shapes
        if (ds._structure is not None or ds.output_types is not dtypes.string
                or not shape.is_compatible_with(TensorShape([None]))):
            raise TypeError("Input dataset should be a dataset of vectors of strings. "
                            f"Instead it is `{ds.element_spec}`.")
        return ds.map(lambda records: parse_example(records, features))
    return apply


def _list_files(file_pattern):
    patterns = file_pattern if isinstance(file_pattern, (list, tuple)) else [file_pattern]
    names = sorted({n for p in patterns for n in _glob.glob(
        p.decode() if isinstance(p, bytes) else str(p))})
    if not names:
        raise errors.InvalidArgumentError(f"No files matched pattern: "
                                          f"{', '.join(map(str, patterns))}")
    return names


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None,
                                  label_key=None, reader_args=None, num_epochs=None,
                                  shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                                  prefetch_buffer_size=None, reader_num_threads=None,
                                  parser_num_threads=None, sloppy_ordering=False,
                                  drop_final_batch=False):
    """Batches of parsed tf.train.Examples read from the files matching file_pattern
    (TF's make_batched_features_dataset): a dict feature -> tensor (or SparseTensor),
    and the label_key feature apart if given. num_epochs=None repeats forever (and
    drops the last short batch); shuffle shuffles the files and the records.

        ds = gc.data.experimental.make_batched_features_dataset(
            "d.tfrecord", 2, {"y": gc.io.VarLenFeature(gc.int64)}, shuffle=False,
            num_epochs=1)
    """
    if reader is None:
        reader = TFRecordDataset
    if label_key is not None and label_key not in features:
        raise ValueError(f"The `label_key` provided ({label_key}) must be one of the "
                         f"`features` keys: {features.keys()}.")
    names = _list_files(file_pattern)
    args = list(reader_args or [])
    ds = Dataset.from_tensor_slices(np.array(names, object))
    if shuffle:
        ds = ds.shuffle(len(names), seed=shuffle_seed)
    threads = 1 if reader_num_threads is None else reader_num_threads

    def read(filename):
        out = reader(filename, *args)
        if not isinstance(out, Dataset):
            raise TypeError("The `reader` argument must return a `Dataset` object, got "
                            f"{type(out).__name__}.")
        return out
    ds = ds.interleave(read, cycle_length=threads, block_length=1)
    if ds.output_types == (dtypes.string, dtypes.string):     # (key, value) records
        ds = ds.map(lambda _, v: v)
    if shuffle:
        ds = ds.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        ds = ds.repeat(num_epochs)
    ds = ds.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    ds = ds.apply(parse_example_dataset(features))
    if label_key is not None:
        def split(parsed):
            parsed = dict(parsed)
            return parsed, parsed.pop(label_key)
        ds = ds.map(split)
    return ds


# ---- lookup tables from datasets ---------------------------------------------------------
def _columns(dataset, key_dtype, value_dtype):
    """1-D keys and values tensors: the dataset's (key, value) elements gathered by a
    ReduceDataset node (it reads the dataset when the table initializer runs)."""
    def grow(state, element):
        k, v = element
        return (concat([state[0], reshape(k, [1])], 0), concat([state[1], reshape(v, [1])], 0))
    return dataset.reduce((zeros([0], key_dtype), zeros([0], value_dtype)), grow)


def _check(dataset, key_dtype, vocab_size):
    if not isinstance(dataset, Dataset):
        raise TypeError(f"table_from_dataset: `dataset` must be a Dataset, got "
                        f"{type(dataset).__name__}")
    if vocab_size is not None:
        if vocab_size <= 0:
            raise ValueError(f"`vocab_size` must be greater than 0, got {vocab_size}.")
        dataset = dataset.take(vocab_size)
    return dataset


def table_from_dataset(dataset=None, num_oov_buckets=0, vocab_size=None, default_value=None,
                       hasher_spec=None, key_dtype=dtypes.string, name=None):
    """A static table of the (key, value) elements of `dataset` (the first vocab_size
    of them), filled when gc.tables_initializer() runs; missing keys give
    default_value, or with num_oov_buckets one of that many hash buckets.

        ds = gc.data.Dataset.from_tensor_slices((["a", "b"], np.array([7, 9])))
        table = gc.data.experimental.table_from_dataset(ds, default_value=np.int64(-1))
    """
    from .. import lookup
    dataset = _check(dataset, key_dtype, vocab_size)
    spec = dataset.output_types
    if not isinstance(spec, tuple) or len(spec) != 2 or dataset._structure[1] != [None, None]:
        raise ValueError("The given dataset must contain exactly 2 components (key, value), "
                         f"got elements of types {spec}.")
    key_dtype = dtypes.as_dtype(key_dtype)
    if spec[0] is not key_dtype or not dataset.output_shapes[0].is_compatible_with(
            TensorShape(())):
        raise ValueError(f"The given dataset key must be a scalar of dtype {key_dtype.name}, "
                         f"got {spec[0].name} of shape {dataset.output_shapes[0]}.")
    if default_value is None:
        raise ValueError("table_from_dataset: graphc needs a default_value (the value of "
                         "keys not in the table)")
    with _scope(name, "table_from_dataset"):
        keys, values = _columns(dataset, spec[0], spec[1])
        table = lookup.StaticHashTable(lookup.KeyValueTensorInitializer(keys, values),
                                       convert_to_tensor(default_value, dtype=spec[1]))
    if num_oov_buckets:
        return lookup.IdTableWithHashBuckets(table, num_oov_buckets,
                                             hasher_spec or lookup.FastHashSpec,
                                             key_dtype=key_dtype)
    return table


def index_table_from_dataset(dataset=None, num_oov_buckets=0, vocab_size=None,
                             default_value=-1, hasher_spec=None, key_dtype=dtypes.string,
                             name=None):
    """A table from each element of `dataset` (scalar keys) to its position (int64),
    as index_table_from_tensor; filled when the tables' initializer runs.

        table = gc.data.experimental.index_table_from_dataset(
            gc.data.Dataset.from_tensor_slices(["a", "b"]))
    """
    from .. import lookup
    dataset = _check(dataset, key_dtype, vocab_size)
    key_dtype = dtypes.as_dtype(key_dtype)
    if dataset._structure is not None or dataset.output_types is not key_dtype:
        raise ValueError(f"The given dataset key must be a scalar of dtype {key_dtype.name}, "
                         f"got {dataset.output_types}.")
    with _scope(name, "index_table_from_dataset"):
        keys = dataset.reduce(zeros([0], key_dtype),
                              lambda s, k: concat([s, reshape(k, [1])], 0))
        values = _range(size(keys, out_type=dtypes.int64), dtype=dtypes.int64)
        table = lookup.StaticHashTable(lookup.KeyValueTensorInitializer(keys, values),
                                       convert_to_tensor(default_value, dtype=dtypes.int64))
    if num_oov_buckets:
        return lookup.IdTableWithHashBuckets(table, num_oov_buckets,
                                             hasher_spec or lookup.FastHashSpec,
                                             key_dtype=key_dtype)
    return table


def _scope(name, default):
    from ..graph import get_default_graph
    return get_default_graph().name_scope(name or default)
