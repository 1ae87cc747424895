"""gc.data.experimental (TF1's tf.data.experimental), see docs/data-experimental.md:
the CSV readers (exp_csv.py, exp_csv_make.py), TFRecordWriter and SqlDataset
(exp_io.py), Optional and get_next_as_optional (exp_optional.py), save / load /
snapshot (exp_save.py, docs/data-save.md), the transformations
for Dataset.apply (exp_transforms.py here and below), get_structure, the option groups
and TF1's Structure aliases of the TypeSpecs.

    ds = ds.apply(gc.data.experimental.unbatch())
    gc.data.experimental.get_structure(ds)      # ds.element_spec
"""
from ..type_spec import (RaggedTensorSpec, SparseTensorSpec, TensorArraySpec, TensorSpec,
                         OptionalSpec, TypeSpec)
from .options import (AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions,
                      DistributeOptions, ExternalStatePolicy, OptimizationOptions,
                      ServiceOptions, ThreadingOptions)
from .specs import DatasetSpec
from .exp_csv import CsvDataset
from .exp_csv_make import make_csv_dataset
from .exp_io import SqlDataset, TFRecordWriter
from .exp_features import (index_table_from_dataset, make_batched_features_dataset,
                           parse_example_dataset, table_from_dataset)
from .exp_methods import (Counter, RandomDataset, bucket_by_sequence_length, cardinality,
                          choose_from_datasets, dense_to_ragged_batch, dense_to_sparse_batch,
                          enumerate_dataset,
                          get_single_element, group_by_window, ignore_errors,
                          rejection_resample, sample_from_datasets, scan, take_while, unique)
from .exp_optional import Optional, get_next_as_optional
from .exp_save import load, save, snapshot
from .exp_transforms import (Reducer, assert_cardinality, copy_to_device, from_list,
                             group_by_reducer, map_and_batch, pad_to_cardinality,
                             parallel_interleave,
                             prefetch_to_device, shuffle_and_repeat)

__all__ = ["unbatch", "get_structure", "AutoShardPolicy", "AutotuneAlgorithm",
           "AutotuneOptions", "DistributeOptions", "ExternalStatePolicy",
           "OptimizationOptions", "ServiceOptions", "ThreadingOptions", "Structure",
           "TensorStructure", "SparseTensorStructure", "RaggedTensorStructure",
           "TensorArrayStructure", "OptionalStructure", "DatasetStructure",
           "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "CsvDataset",
           "make_csv_dataset", "SqlDataset", "TFRecordWriter", "Optional",
           "dense_to_ragged_batch",
           "get_next_as_optional", "Reducer", "assert_cardinality", "copy_to_device",
           "from_list", "group_by_reducer", "map_and_batch", "parallel_interleave",
           "prefetch_to_device", "shuffle_and_repeat", "enable_debug_mode",
           "parse_example_dataset", "make_batched_features_dataset", "table_from_dataset",
           "index_table_from_dataset", "pad_to_cardinality", "enumerate_dataset", "unique",
           "scan", "take_while", "ignore_errors", "cardinality", "get_single_element",
           "group_by_window", "bucket_by_sequence_length", "rejection_resample",
           "sample_from_datasets", "choose_from_datasets", "Counter", "RandomDataset",
           "dense_to_sparse_batch", "save", "load", "snapshot"]

AUTOTUNE = -1                   # the values of gc.data's constants (TF's)
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2

# TF1's names of the TypeSpecs in tf.compat.v1.data.experimental
Structure, TensorStructure, SparseTensorStructure = TypeSpec, TensorSpec, SparseTensorSpec
RaggedTensorStructure, TensorArrayStructure = RaggedTensorSpec, TensorArraySpec
OptionalStructure, DatasetStructure = OptionalSpec, DatasetSpec


def unbatch():
    """A transformation (for Dataset.apply) that splits elements along dim 0."""
    return lambda dataset: dataset.unbatch()


def get_structure(dataset_or_iterator):
    """The element_spec of a Dataset or Iterator (TypeSpecs in the element's structure).

        gc.data.experimental.get_structure(gc.data.Dataset.range(3))
        # TensorSpec(shape=(), dtype=tf.int64, name=None)
    """
    try:
        return dataset_or_iterator.element_spec
    except AttributeError:
        raise TypeError("Invalid `dataset_or_iterator`. `dataset_or_iterator` must be a "
                        "`tf.data.Dataset` or tf.data.Iterator object, but got "
                        f"{type(dataset_or_iterator)}.") from None


def enable_debug_mode():
    """Accepted, as TF accepts it in graph mode: graphc already makes elements one at a
    time, in order, with map functions run as traced (TF's debug mode asks for that)."""
