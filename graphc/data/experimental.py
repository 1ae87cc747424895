"""tf.data.experimental's pieces graphc has: unbatch (for Dataset.apply), get_structure,
the option groups and TF1's Structure aliases of the TypeSpecs.

    ds = ds.apply(gc.data.experimental.unbatch())
    gc.data.experimental.get_structure(ds)      # ds.element_spec
"""
from ..type_spec import (RaggedTensorSpec, SparseTensorSpec, TensorArraySpec, TensorSpec,
                         OptionalSpec, TypeSpec)
from .options import (AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions,
                      DistributeOptions, ExternalStatePolicy, OptimizationOptions,
                      ServiceOptions, ThreadingOptions)
from .specs import DatasetSpec

__all__ = ["unbatch", "get_structure", "AutoShardPolicy", "AutotuneAlgorithm",
           "AutotuneOptions", "DistributeOptions", "ExternalStatePolicy",
           "OptimizationOptions", "ServiceOptions", "ThreadingOptions", "Structure",
           "TensorStructure", "SparseTensorStructure", "RaggedTensorStructure",
           "TensorArrayStructure", "OptionalStructure", "DatasetStructure"]

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
