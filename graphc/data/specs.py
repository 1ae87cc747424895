"""Element specs of datasets: Dataset.element_spec (nested TypeSpecs, as TF) and
DatasetSpec, the type of a dataset (TF's tf.data.DatasetSpec).

    ds = gc.data.Dataset.from_tensor_slices((np.zeros((4, 3), np.float32), np.arange(4)))
    ds.element_spec      # (TensorSpec(shape=(3,), dtype=tf.float32, name=None),
                         #  TensorSpec(shape=(), dtype=tf.int64, name=None))

A dataset keeps a dtype and static shape per leaf; a SparseTensor component is three
leaves plus its static dense shape (`ds._dense`, one per SparseTensor), a RaggedTensor
component is 1 + ragged_rank leaves (structure.py's Ragged kind), a component of
a window() dataset is a dataset of the leaf's dtype and shape (`ds._nested`).
"""
from ..shapes import TensorShape
from ..type_spec import SparseTensorSpec, TensorSpec, TypeSpec, _shape, shape_repr
from .structure import Ragged, Sparse, ragged_leaves, sparse_leaves

__all__ = ["DatasetSpec"]


class DatasetSpec(TypeSpec):
    """The type of a Dataset (TF's tf.data.DatasetSpec): its element_spec and the shape
    of a batch of datasets (() for one dataset).

        gc.data.DatasetSpec(gc.TensorSpec([], gc.int64))
        # DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorShape([]))
    """
    __slots__ = ("_element_spec", "_dataset_shape")

    def __init__(self, element_spec, dataset_shape=()):
        self._element_spec, self._dataset_shape = element_spec, _shape(dataset_shape)

    element_spec = property(lambda self: self._element_spec)

    @property
    def value_type(self):
        from .dataset import Dataset
        return Dataset

    def _fields(self):
        return (self._element_spec, self._dataset_shape)

    @staticmethod
    def from_value(value):
        """The spec of a Dataset."""
        return DatasetSpec(value.element_spec)

    def __hash__(self):                 # TF's: one hash for every DatasetSpec
        return hash(DatasetSpec.__name__)

    def __repr__(self):
        return f"DatasetSpec({self._element_spec!r}, {shape_repr(self._dataset_shape)})"


def dense_shapes(structure, shapes, tensors=None):
    """The static dense shape of each SparseTensor of an element: known from its
    dense_shape tensor when given (`tensors`, the element's leaves), else its rank."""
    from ..ops.registry import shape_value
    out = []
    for k in sparse_leaves(structure):
        if tensors is not None:
            try:
                out.append(shape_value(tensors[k + 2]))
                continue
            except Exception:       # a dense_shape graphc cannot evaluate statically
                pass
        s = shapes[k + 2]
        out.append(TensorShape((None,) * s._dims[0]) if s.rank == 1 and
                   isinstance(s._dims[0], int) else TensorShape(None))
    return out


def leaf_specs(ds):
    """One spec per leaf of `ds`'s element (the first leaf of a SparseTensor holds its
    SparseTensorSpec, the other two None); window components are DatasetSpecs."""
    specs = [TensorSpec(s, t) for t, s in zip(ds._types, ds._shapes)]
    for k, dense in zip(sparse_leaves(ds._structure), ds._dense):
        specs[k:k + 3] = [SparseTensorSpec(dense, ds._types[k + 1]), None, None]
    for k, kind in ragged_leaves(ds._structure):
        n = len(kind.uniform)
        specs[k:k + n + 1] = [ragged_spec(kind, ds._types[k:k + n + 1],
                                          ds._shapes[k:k + n + 1])] + [None] * n
    return [DatasetSpec(s) if nested else s for s, nested in zip(specs, ds._nested)]


def ragged_spec(kind, types, shapes):
    """The RaggedTensorSpec of a Ragged component's leaf dtypes and shapes."""
    from ..type_spec import RaggedTensorSpec
    return RaggedTensorSpec(kind.shape(shapes[0], shapes[1]), types[0], len(kind.uniform),
                            types[1])


def element_spec(ds):
    """The element spec of `ds` in its element structure (recursion follows the user's
    nesting of tuples and dicts)."""
    leaves = iter(leaf_specs(ds))

    def build(s):
        if s is None:
            return next(leaves)
        kind, parts = s
        if kind is Sparse or isinstance(kind, Ragged):
            out = next(leaves)
            for _ in parts[1:]:
                next(leaves)
            return out
        if kind is dict:
            return {k: build(v) for k, v in parts.items()}
        items = [build(v) for v in parts]
        return kind(*items) if hasattr(kind, "_fields") else kind(items)
    return build(ds._structure)


def nested_leaves(ds, what):
    """Raises TypeError if `ds`'s elements hold datasets (from window): `what` (a
    transformation, an iterator) needs tensors."""
    if any(ds._nested):
        raise TypeError(f"{what}: the elements of {ds!r} (built at {_site(ds)}) are "
                        "datasets (Dataset.window's); graphc reads them only through "
                        "flat_map or interleave, e.g. ds.flat_map(lambda w: w.batch(n))")


def _site(ds):
    from .. import errors
    return errors.format_site(ds._site)
