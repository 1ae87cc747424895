"""The datasets that start or join pipelines: from_tensor_slices, from_tensors, range,
zip and concatenate (Dataset's static methods and concatenate build them)."""
import numpy as np

from .. import dtypes, errors
from ..ops.control import _common_shape
from ..shapes import TensorShape
from ..graph import Tensor
from .dataset import (INFINITE, Failed, UNKNOWN, Dataset, _count, _describe, _invalid, _nest,
                      _tensor_args, _value)
from .specs import dense_shapes
from .structure import flatten, ragged_leaves, sparse_leaves


class _Slices(Dataset):
    def __init__(self, structure, tensors):
        site = errors.user_site()
        if not tensors:
            raise ValueError("from_tensor_slices: no tensors given")
        if ragged_leaves(structure):
            raise TypeError("from_tensor_slices: slicing a RaggedTensor is not supported "
                            "by graphc; use from_tensors, or slice dense tensors and "
                            "ragged_batch them")
        sparse = sparse_leaves(structure)
        full = dense_shapes(structure, [t.shape for t in tensors], tensors)
        # each component as sliced along dim 0: a SparseTensor by its dense shape (TF's)
        whole, comps, k = dict(zip(sparse, full)), [], 0
        while k < len(tensors):
            comps.append((tensors[k + 2], whole[k]) if k in whole else
                         (tensors[k], tensors[k].shape))
            k += 3 if k in whole else 1
        scalars = [t for t, s in comps if s.rank == 0]
        if scalars:
            raise errors.ShapeError(
                "from_tensor_slices: every component needs a dim 0 to slice, but these are "
                f"scalars:{_describe(scalars)}" + errors.called_at("from_tensor_slices", site))
        known = [(t, s._dims[0]) for t, s in comps
                 if s.rank is not None and isinstance(s._dims[0], int)]
        if any(n != known[0][1] for _, n in known):
            raise errors.ShapeError(
                "from_tensor_slices: the components have different sizes of dim 0 "
                f"({', '.join(str(n) for _, n in known)}); each element takes one slice of "
                f"every component:{_describe([t for t, _ in known])}"
                + errors.called_at("from_tensor_slices", site))
        shapes = [TensorShape(None if t.shape._dims is None else t.shape._dims[1:])
                  for t in tensors]
        dense = [TensorShape(None if d._dims is None else d._dims[1:]) for d in full]
        for k, d in zip(sparse, dense):
            shapes[k:k + 3] = [TensorShape([None, d.rank]), TensorShape([None]),
                               TensorShape([d.rank])]
        super().__init__(structure, [t.dtype for t in tensors], shapes, tensors=tensors,
                         dense=dense)

    def _cardinality(self, values, n):
        if sparse_leaves(self._structure)[:1] == [0]:   # the first is a SparseTensor
            return int(values[self._tensors[2]][0])
        return int(np.shape(values[self._tensors[0]])[0])

    def _iter(self, run):
        arrays = [np.asarray(run.values[t]) for t in self._tensors]
        parts = list(arrays)
        for k in sparse_leaves(self._structure):
            parts[k:k + 3] = [_SparseRows(*arrays[k:k + 3]), None, None]
        parts = [p for p in parts if p is not None]
        sizes = {len(p) if isinstance(p, _SparseRows) else p.shape[0] if p.ndim else None
                 for p in parts}
        if len(sizes) != 1 or None in sizes:
            raise ValueError(
                f"from_tensor_slices (called at {errors.format_site(self._site)}): the "
                f"components' run-time shapes {[a.shape for a in arrays]} do not have one "
                "common dim 0")
        for i in range(sizes.pop()):
            element = []
            for p in parts:             # a string stays a 0-d object array: NULs kept
                element.extend(p.row(i) if isinstance(p, _SparseRows) else
                               [p[i, ...] if p.dtype == object else p[i]])
            yield element


class _SparseRows:
    """A SparseTensor's value cut into its rows along dim 0: row(i) is the
    (indices, values, dense_shape) of row i, in the order of its entries."""

    def __init__(self, indices, values, dense_shape):
        indices = np.reshape(indices, (len(values), -1)).astype(np.int64)
        order = np.argsort(indices[:, 0], kind="stable")
        self.indices, self.values = indices[order], values[order]
        self.starts = np.searchsorted(self.indices[:, 0], np.arange(int(dense_shape[0]) + 1))
        self.shape = np.asarray(dense_shape[1:], np.int64)

    def __len__(self):
        return len(self.starts) - 1

    def row(self, i):
        a, b = self.starts[i], self.starts[i + 1]
        return [self.indices[a:b, 1:], self.values[a:b], self.shape]


class _Tensors(Dataset):
    def __init__(self, structure, tensors):
        shapes = [t.shape for t in tensors]
        super().__init__(structure, [t.dtype for t in tensors], shapes, tensors=tensors,
                         dense=dense_shapes(structure, shapes, tensors))

    def _cardinality(self, values, n):
        return 1

    def _iter(self, run):
        yield [run.values[t] for t in self._tensors]


class _Range(Dataset):
    _saved = ("_args",)

    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise TypeError(f"range expected at most 3 arguments, got {len(args)}"
                            if args else "range expected at least 1 argument, got 0")
        names = ("stop",) if len(args) == 1 else ("start", "stop", "step")
        args = [_count(a, n, -(1 << 62)) for a, n in zip(args, names)]
        start, stop, step = ([0] + args + [1]) if len(args) == 1 else (args + [1])[:3]
        if not isinstance(step, Tensor) and step == 0:
            raise ValueError("range() arg 3 must not be zero")
        super().__init__(None, [dtypes.int64], [TensorShape(())],
                         tensors=_tensor_args(start, stop, step))
        self._args = (start, stop, step)

    def _check(self, values):
        step = self._args[2]
        if isinstance(step, Tensor) and values[step] == 0:
            raise _invalid(self, "step must be a non-zero integer.")

    def _cardinality(self, values, n):
        start, stop, step = (int(values[a]) if isinstance(a, Tensor) else a for a in self._args)
        return max(0, -((start - stop) // step))        # ceil((stop - start) / step)

    def _iter(self, run):
        for i in range(*[_value(run, a) for a in self._args]):
            yield [np.int64(i)]


class _Zip(Dataset):
    def __init__(self, datasets):
        parts = []
        structure = flatten(datasets, parts)
        if not parts or not all(isinstance(d, Dataset) for d in parts):
            raise TypeError("Dataset.zip: expected a tuple or dict of datasets, got "
                            f"{datasets!r}")
        super().__init__(_nest(structure, iter([d._structure for d in parts])),
                         [t for d in parts for t in d._types],
                         [s for d in parts for s in d._shapes], parents=parts,
                         dense=[s for d in parts for s in d._dense],
                         nested=[n for d in parts for n in d._nested])

    def _cardinality(self, values, n):
        if UNKNOWN in n:
            return UNKNOWN
        finite = [c for c in n if c != INFINITE]
        return min(finite) if finite else INFINITE

    def _iter(self, run):
        for elements in zip(*[d._iter(run) for d in self._parents]):
            failed = [e for e in elements if type(e) is Failed]
            yield failed[0] if failed else [a for e in elements for a in e]    # TF's zip


class _Concat(Dataset):
    def __init__(self, a, b):
        if not isinstance(b, Dataset):
            raise TypeError(f"concatenate: expected a Dataset, got {type(b).__name__}")
        if a._structure != b._structure or a._types != b._types:
            raise errors.DTypeError(
                f"concatenate: the datasets' elements differ: {a!r} (built at "
                f"{errors.format_site(a._site)}) and {b!r} (built at "
                f"{errors.format_site(b._site)}); they need one structure and dtypes")
        if a._nested != b._nested:
            raise TypeError(f"concatenate: the elements of one dataset are datasets "
                            f"(window's), of the other not: {a!r} and {b!r}")
        super().__init__(a._structure, a._types,
                         [_common_shape(x, y) for x, y in zip(a._shapes, b._shapes)],
                         parents=(a, b), nested=a._nested,
                         dense=[x.most_specific_compatible_shape(y)
                                for x, y in zip(a._dense, b._dense)])

    def _cardinality(self, values, n):
        if INFINITE in n:
            return INFINITE
        return UNKNOWN if UNKNOWN in n else sum(n)

    def _iter(self, run):
        for d in self._parents:
            yield from d._iter(run)


def sparse_slices(sparse_tensor):
    """Dataset.from_sparse_tensor_slices: see methods.py."""
    from ..sparse import SparseTensor
    if not isinstance(sparse_tensor, SparseTensor):
        raise TypeError("`sparse_tensor` must be a `tf.sparse.SparseTensor` object. Was "
                        f"{sparse_tensor}.")
    return _SparseSlices(sparse_tensor)


class _SparseSlices(Dataset):
    """The rows of a SparseTensor, each an (indices, values, dense_shape) tuple (TF1)."""

    def __init__(self, st):
        rank = st.dense_shape.shape._dims[0] if st.dense_shape.shape.rank == 1 else None
        r = rank - 1 if isinstance(rank, int) else None
        super().__init__((tuple, [None, None, None]), [dtypes.int64, st.values.dtype,
                                                       dtypes.int64],
                         [TensorShape((None, r)), TensorShape((None,)), TensorShape((r,))],
                         tensors=(st.indices, st.values, st.dense_shape))

    def _cardinality(self, values, n):
        return int(np.asarray(values[self._tensors[2]])[0])

    def _iter(self, run):
        rows = _SparseRows(*(np.asarray(run.values[t]) for t in self._tensors))
        for i in range(len(rows)):
            yield rows.row(i)
