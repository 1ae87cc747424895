"""gc.data: TF1's tf.data input pipelines (Dataset, Iterator), see docs/data.md."""
from .dataset import Dataset
from . import readers
from .readers import *  # noqa: F401,F403
from .iterator import Iterator, make_initializable_iterator, make_one_shot_iterator
from .options import Options, ThreadingOptions
from .specs import DatasetSpec
from . import experimental

__all__ = ["Dataset", "Iterator", "make_one_shot_iterator", "make_initializable_iterator",
           "Options", "ThreadingOptions", "DatasetSpec"]
__all__ += readers.__all__

# TF's constants and the TF1 structure helpers of tf.compat.v1.data
AUTOTUNE = -1                   # num_parallel_calls / buffer_size: graphc runs one at a time
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def get_output_types(dataset_or_iterator):
    """The element dtypes of a Dataset or Iterator, in the element's structure."""
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    """The element static shapes of a Dataset or Iterator, in the element's structure."""
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    """The element classes in the element's structure, as tf.compat.v1.data's: Tensor,
    SparseTensor for a sparse part, and a RaggedTensor part's RaggedTensorSpec (a
    window component's DatasetSpec) itself.

        gc.data.get_output_classes(gc.data.Dataset.from_tensors(rt))  # RaggedTensorSpec
    """
    from ..graph import Tensor
    from ..nest import map_structure
    from ..sparse import SparseTensor
    from ..type_spec import TensorSpec
    from ..type_spec_more import SparseTensorSpec
    return map_structure(lambda s: Tensor if isinstance(s, TensorSpec) else SparseTensor
                         if isinstance(s, SparseTensorSpec) else s,
                         dataset_or_iterator.element_spec)


__all__ += ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "get_output_types",
            "get_output_shapes", "get_output_classes"]

from . import single  # noqa: E402,F401 (its OpDefs belong in the registry from the start)
