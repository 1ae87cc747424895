"""Element structures of datasets (TF1's nest rules for tf.data): tuples, namedtuples and
dicts are structure; anything else (a list too, as in TF1) is one tensor.

A structure is None (a leaf) or (kind, parts), as in ops/control.py, so that
control._unflatten rebuilds values from it. Recursion here follows the user's nesting.
"""
from ..graph import Tensor
from ..ops.control import _shown as shown  # noqa: F401  (error messages)
from ..ops.core import convert_to_tensor


def flatten(value, leaves):
    """The structure of `value`, its leaves appended to `leaves` (unconverted)."""
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
