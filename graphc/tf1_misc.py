"""TF1's small top-level helpers that are not ops: newaxis, dimension_value,
make_tensor_proto / make_ndarray, is_symbolic_tensor, batch_scatter_update and
required_space_to_batch_paddings (composites of graphc ops).

    v = gc.make_ndarray(gc.make_tensor_proto([[1, 2]], gc.int32))   # array([[1, 2]])
"""
import numpy as np

from . import dtypes
from .graph import Tensor
from .shapes import Dimension

__all__ = ["newaxis", "dimension_value", "make_tensor_proto", "make_ndarray",
           "is_symbolic_tensor", "executing_eagerly_outside_functions",
           "batch_scatter_update", "required_space_to_batch_paddings"]

newaxis = None      # x[:, gc.newaxis] as numpy's


def dimension_value(dimension):
    """The int (or None) of a TensorShape entry, whether a Dimension or already an int."""
    return dimension.value if isinstance(dimension, Dimension) else dimension


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False,
                      allow_broadcast=False):
    """A TensorProto (graphc.io.summary_protos.TensorProto, TF's wire format) holding
    values (TF1 tf.make_tensor_proto). A scalar with a shape is broadcast to it; a
    list with too few values is an error unless TF1 would pad it (it does not).

        p = gc.make_tensor_proto(np.eye(2), gc.float32)
    """
    from .io.summary_protos import TensorProto
    from .ops.core import _py_dtype, to_array
    from .ops.parsing_misc import tensor_proto
    dtype = _py_dtype(values) if dtype is None else dtypes.as_dtype(dtype)
    arr = to_array(values, dtype, "make_tensor_proto")
    if shape is not None:
        shape = tuple(int(d) for d in shape)
        if arr.shape != shape:
            if verify_shape or (arr.size != 1 and not allow_broadcast):
                raise TypeError(f"make_tensor_proto: expected shape {list(shape)}, "
                                f"got {list(arr.shape)}")
            arr = np.broadcast_to(arr.reshape(()) if arr.size == 1 else arr, shape)
    return TensorProto.FromString(tensor_proto(np.asarray(arr, order="C"), dtype))


def make_ndarray(tensor):
    """The numpy array a TensorProto holds (TF1 tf.make_ndarray)."""
    from .io.summary_protos import to_numpy
    return to_numpy(tensor)


def is_symbolic_tensor(tensor):
    """True for a graph tensor (graphc has no eager tensors)."""
    return isinstance(tensor, Tensor)


def executing_eagerly_outside_functions():
    """False: graphc always builds graphs."""
    return False


def batch_scatter_update(ref, indices, updates, use_locking=True, name=None):
    """ref[i..., indices[i..., j]] = updates[i..., j] for each batch index i...: a
    scatter_nd_update whose indices gain their batch coordinates (TF1
    tf.batch_scatter_update). indices' rank must be known."""
    from .ops import array as A, creation as C
    from .ops.core import convert_to_tensor
    from .ops.join import concat
    from .graph import name_scope
    with name_scope(name or "BatchScatterUpdate"):
        indices = convert_to_tensor(indices, name="indices")
        rank = indices.shape.rank
        if rank is None:
            raise ValueError(f"batch_scatter_update: the rank of indices "
                             f"'{indices.name}' must be known")
        nd = A.expand_dims(indices, -1)
        shape = A.shape(indices, out_type=indices.dtype)
        parts = []
        for d in range(rank - 1):
            reach = [1] * (rank + 1)
            reach[d] = -1
            batch = A.reshape(C.range(shape[d], dtype=indices.dtype), reach)
            parts.append(batch * C.ones_like(nd))
        return ref.scatter_nd_update(concat(parts + [nd], axis=-1), updates,
                                     use_locking=use_locking)


def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None,
                                     name=None):
    """(paddings, crops) that make input_shape + base paddings divisible by block_shape
    (TF1 tf.required_space_to_batch_paddings): the extra padding goes at the end and
    is what crops removes again."""
    from .ops import elementwise as E
    from .ops.core import convert_to_tensor
    from .ops.creation import zeros_like
    from .ops.join import stack
    from .graph import name_scope
    with name_scope(name or "required_space_to_batch_paddings"):
        input_shape = convert_to_tensor(input_shape, dtypes.int32, name="input_shape")
        block_shape = convert_to_tensor(block_shape, dtypes.int32, name="block_shape")
        if base_paddings is None:
            base_paddings = zeros_like(stack([input_shape, input_shape], axis=1))
        base_paddings = convert_to_tensor(base_paddings, dtypes.int32, name="base_paddings")
        start, end = base_paddings[:, 0], base_paddings[:, 1]
        full = input_shape + start + end
        extra = E.floormod(block_shape - E.floormod(full, block_shape), block_shape)
        paddings = stack([start, end + extra], axis=1, name="paddings")
        crops = stack([zeros_like(extra), extra], axis=1, name="crops")
        return paddings, crops
