"""Element structures of datasets (TF1's nest rules for tf.data): tuples, namedtuples and
dicts are structure; anything else (a list too, as in TF1) is one tensor.

A structure is None (a leaf) or (kind, parts), as in ops/control.py, so that
control._unflatten rebuilds values from it. Recursion here follows the user's nesting.
A SparseTensor is three leaves (indices, values, dense_shape) of kind Sparse; a
RaggedTensor is 1 + ragged_rank leaves (flat_values, then each row_splits, outermost
first) of a Ragged kind, which also keeps the static sizes of its ragged dims.
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


class Ragged:
    """The structure kind of a RaggedTensor: `Ragged(uniform)(flat_values, *splits)`
    rebuilds one from its parts (a RaggedTensor of tensors; the flat dtype of dtypes,
    the static shape of shapes, a RaggedTensorValue of arrays). `uniform` holds the
    static size (or None) of each ragged dim, as RaggedTensor.shape shows them."""
    __name__ = "RaggedTensor"
    _fields = ()        # _unflatten calls a kind that has _fields with the parts

    def __init__(self, uniform):
        self.uniform = tuple(uniform)

    def __eq__(self, other):
        return isinstance(other, Ragged) and other.uniform == self.uniform

    def __hash__(self):
        return hash(("Ragged", self.uniform))

    def __repr__(self):
        return f"Ragged({self.uniform})"

    def shape(self, flat_shape, outer_splits_shape):
        """The static shape of the RaggedTensor of these leaf shapes."""
        from ..shapes import TensorShape
        if flat_shape.rank is None:
            return TensorShape(None)
        n = outer_splits_shape._dims[0] if outer_splits_shape.rank == 1 else None
        n = n - 1 if isinstance(n, int) else None
        return TensorShape((n,) + self.uniform + tuple(flat_shape._dims[1:]))

    def __call__(self, flat_values, *splits):
        from ..dtypes import DType
        from ..ragged_tensor import RaggedTensor
        from ..ragged_value import RaggedTensorValue
        from ..shapes import TensorShape
        if isinstance(flat_values, DType):
            return flat_values
        if isinstance(flat_values, TensorShape):
            return self.shape(flat_values, splits[0])
        if isinstance(flat_values, Tensor):
            rt = flat_values
            for s, u in zip(reversed(splits), reversed(self.uniform)):
                rt = RaggedTensor(rt, s, internal=True)
                rt._uniform = u
            return rt
        v = flat_values
        for s in reversed(splits):
            v = RaggedTensorValue(v, s)
        return v


def ragged_of(value):
    """(the Ragged kind, parts) of a RaggedTensor, or None for anything else."""
    from ..ragged_tensor import RaggedTensor
    if not isinstance(value, RaggedTensor):
        return None
    kind = Ragged(value.shape._dims[1:1 + value.ragged_rank] if value.shape.rank is not None
                  else (None,) * value.ragged_rank)
    return kind, list(value._as_parts())


def ragged_leaves(structure):
    """(leaf position of flat_values, the Ragged kind) of each RaggedTensor in structure."""
    out, stack, pos = [], [structure], 0
    while stack:                                  # depth-first, in leaf order
        s = stack.pop()
        if s is None:
            pos += 1
            continue
        kind, parts = s
        if isinstance(kind, Ragged):
            out.append((pos, kind))
            pos += len(parts)
            continue
        if kind is Sparse:
            pos += 3
            continue
        parts = list(parts.values()) if kind is dict else list(parts)
        stack.extend(reversed(parts))
    return out


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
    ragged = ragged_of(value)
    if ragged is not None:
        leaves.extend(ragged[1])
        return (ragged[0], [None] * len(ragged[1]))
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


def sparse_parts(value):
    """The SparseTensors of an element's value, in leaf order."""
    from ..nest import flatten as nest_flatten
    from ..sparse import SparseTensor
    return [v for v in nest_flatten(value) if isinstance(v, SparseTensor)]


def with_dense_shapes(value, dense):
    """The element's value, its SparseTensors given the static dense shapes `dense`."""
    from ..shapes import TensorShape
    for sp, shape in zip(sparse_parts(value), dense):
        sp._static_shape = TensorShape(shape).merge_with(sp.shape)
    return value


def leaves_along(value, structure, sequences, error):
    """The parts of `value` at the leaves of the element `structure`, in leaf order: a
    dict kind matched by its keys, a tuple kind by an instance of `sequences` of its
    length (a part there is a leaf); raises error() where value does not fit."""
    if structure is None:
        return [value]
    kind, parts = structure
    if kind is dict and isinstance(value, dict) and set(value) == set(parts):
        pairs = [(value[k], p) for k, p in parts.items()]
    elif kind is not dict and isinstance(value, sequences) and len(value) == len(parts):
        pairs = list(zip(value, parts))
    else:
        raise error()
    return [leaf for v, p in pairs for leaf in leaves_along(v, p, sequences, error)]
