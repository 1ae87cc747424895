"""Element structures of datasets (TF1's nest rules for tf.data): tuples, namedtuples and
dicts are structure; anything else (a list too, as in TF1) is one tensor.

A structure is None (a leaf) or (kind, parts), as in ops/control.py, so that
control._unflatten rebuilds values from it. Recursion here follows the user's nesting.
A SparseTensor is three leaves (indices, values, dense_shape) of kind Sparse.
"""
from ..graph import Tensor
from ..ops.control import _shown as shown  # noqa: F401  (error messages)
from ..ops.core import convert_to_tensor


class Sparse:
    """The structure kind of a SparseTensor: rebuilt from its three parts (a
    SparseTensor of tensors; a SparseTensorValue of dtypes, shapes or arrays)."""
    _fields = ("indices", "values", "dense_shape")

    def __new__(cls, indices, values, dense_shape):
        from ..sparse import SparseTensor, SparseTensorValue
        if isinstance(values, Tensor):
            return SparseTensor(indices, values, dense_shape)
        return SparseTensorValue(indices, values, dense_shape)


def sparse_leaves(structure):
    """The leaf positions of the `indices` of each SparseTensor in structure."""
    out, stack, pos = [], [structure], 0
    while stack:                                  # depth-first, in leaf order
        s = stack.pop()
        if s is None:
            pos += 1
            continue
        kind, parts = s
        if kind is Sparse:
            out.append(pos)
            pos += 3
            continue
        parts = list(parts.values()) if kind is dict else list(parts)
        stack.extend(reversed(parts))
    return out


def flatten(value, leaves):
    """The structure of `value`, its leaves appended to `leaves` (unconverted)."""
    if hasattr(value, "_as_parts") and not isinstance(value, Tensor):   # a SparseTensor
        leaves.extend(value._as_parts())
        return (Sparse, [None, None, None])
    if isinstance(value, tuple):
        return (type(value), [flatten(v, leaves) for v in value])
    if isinstance(value, dict):
        return (dict, {k: flatten(value[k], leaves) for k in sorted(value)})
    leaves.append(value)
    return None


def to_tensors(value):
    """(structure, tensors) of a dataset's source value; non-tensors become constants."""
    leaves = []
    structure = flatten(value, leaves)
    return structure, [v if isinstance(v, Tensor) else convert_to_tensor(v, name=f"component_{i}")
                       for i, v in enumerate(leaves)]
