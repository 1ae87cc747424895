"""Batching datasets: batch, padded_batch and unbatch (Dataset's methods build them).

    ds.padded_batch(2, padded_shapes=[None], padding_values=np.int64(-1))
    ds.batch(4).unbatch()

batch_size may be an int64 scalar tensor (a placeholder fed to the initializer): the
pipeline reads it when it starts, and the static dim 0 is then unknown unless the tensor
is a constant and drop_remainder is set (TF1's rule).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..ops.core import convert_to_tensor
from ..ops.registry import shape_value
from ..shapes import TensorShape
from .dataset import Dataset, Failed, _count, _invalid, _static, _tensor_args, _value
from .specs import nested_leaves
from .ragged_batch import SizedBatch, batch_plan, batches, made, run_plan
from .structure import Sparse, ragged_leaves, sparse_leaves

__all__ = []


class _Batch(SizedBatch):
    _saved = ("_size", "_drop", "_sparse")

    def __init__(self, ds, size, drop):
        nested_leaves(ds, "Dataset.batch")
        lead = _static(size) if drop else None
        # SparseTensors gain a batch dim, RaggedTensors an outer ragged dim (ragged_batch.py)
        structure, types, shapes, dense, _ = batch_plan(ds, lead, False, None)
        self._sparse = sparse_leaves(ds._structure)
        super().__init__(structure, types, shapes, parents=(ds,),
                         tensors=_tensor_args(size), dense=dense)
        self._size, self._drop = size, drop

    def _iter(self, run):
        parent = self._parents[0]
        actions = batch_plan(parent, None, False, None)[4]
        for rows in batches(self, parent._iter(run), _value(run, self._size)):
            yield rows if type(rows) is Failed else made(run_plan, self, actions, rows, None)


def _batch_sparse(rows, dtype):
    """Sparse elements stacked: each row's indices prefixed by its position in the
    batch; the dense shape is the largest of each dim (TF's batch of SparseTensors)."""
    ranks = {len(s) for _, _, s in rows}
    if len(ranks) != 1:
        raise ValueError(f"batch: SparseTensor elements of different ranks {sorted(ranks)}")
    rank = len(rows[0][2])
    indices = np.concatenate([np.concatenate([np.full((len(i), 1), b, np.int64),
                                              np.reshape(i, (len(i), rank))], 1)
                              for b, (i, _, _) in enumerate(rows)])
    values = np.concatenate([np.asarray(v, dtype.np) for _, v, _ in rows])
    shape = np.max(np.stack([s for _, _, s in rows]), 0) if ranks != {0} else np.zeros(0)
    return [indices.astype(np.int64), values,
            np.concatenate([[len(rows)], shape]).astype(np.int64)]


def _up_to(value, structure, out, what):
    """The parts of `value` at the leaves of the element `structure` (TF's
    map_structure_up_to): a leaf of the element takes the whole value there."""
    stack = [(value, structure)]
    while stack:
        v, s = stack.pop()
        if s is None:
            out.append(v)
            continue
        kind, parts = s
        if kind is Sparse:
            raise TypeError(f"Dataset.padded_batch: {what} of a SparseTensor component: "
                            "padded_batch does not support SparseTensors")
        if kind is dict:
            if not isinstance(v, dict) or set(v) != set(parts):
                raise ValueError(f"Dataset.padded_batch: {what} {value!r} does not have the "
                                 "structure of the dataset's elements")
            stack.extend(reversed([(v[k], p) for k, p in parts.items()]))
            continue
        if not isinstance(v, (tuple, list)) or len(v) != len(parts):
            raise ValueError(f"Dataset.padded_batch: {what} {value!r} does not have the "
                             "structure of the dataset's elements")
        stack.extend(reversed(list(zip(v, parts))))
    return out


def _padded_shape(spec):
    """A padded shape as (dims tuple, or a 1-D int64 tensor read at the start; its
    static TensorShape): -1 and None are unknown dims (the longest in the batch)."""
    if isinstance(spec, TensorShape):
        return spec._dims, spec
    if isinstance(spec, Tensor):
        if spec.dtype not in (dtypes.int64, dtypes.int32) or spec.shape.rank != 1:
            raise ValueError(f"Dataset.padded_batch: a padded shape tensor must be a 1-D "
                             f"int64 tensor, got {errors.describe_tensor(spec, spec.name)}")
        from ..ops.cast import cast
        spec = spec if spec.dtype is dtypes.int64 else cast(spec, dtypes.int64)
        return spec, shape_value(spec)
    dims = (spec,) if isinstance(spec, (int, np.integer)) else tuple(spec)
    if any(isinstance(d, Tensor) for d in dims):     # [n, 3] with a tensor n: packed
        from ..ops.join import stack
        t = stack([convert_to_tensor(d, dtype=dtypes.int64) for d in dims])
        return t, shape_value(t)
    dims = tuple(None if d is None or int(d) == -1 else int(d) for d in dims)
    return dims, TensorShape(dims)


def _pad_value(v, dtype):
    """A padding value: a scalar tensor of the component's dtype (checked as TF1 does)."""
    t = v if isinstance(v, Tensor) else convert_to_tensor(v)
    if t.dtype is not dtype:
        raise TypeError(f"Invalid `padding_values`. `padding_values` values type {t.dtype!r} "
                        f"does not match type {dtype!r} of the corresponding input component.")
    if t.shape.rank != 0:
        raise ValueError(f"Invalid `padding_values`. `padding_values` values should be "
                         f"scalars, but got {t.shape}.")
    return t


def padded_batch(ds, batch_size, padded_shapes, padding_values, drop_remainder):
    """Dataset.padded_batch: see its docstring."""
    size = _count(batch_size, "batch_size", 1)
    for _, kind in ragged_leaves(ds._structure):
        from .specs import element_spec
        raise TypeError("`padded_batch` is only supported for datasets that produce tensor "
                        "elements but type spec of elements in the input dataset is not a "
                        f"subclass of TensorSpec: `{element_spec(ds)!r}`.")
    if padded_shapes is None:
        padded, statics = [], []
        for k, s in enumerate(ds._shapes):
            if s.rank is None:
                raise ValueError("You must provide `padded_shapes` argument because "
                                 f"component {k} has unknown rank.")
            padded.append(tuple(None for _ in s._dims))
            statics.append(TensorShape(padded[-1]))
    else:
        pairs = [_padded_shape(p) for p in _up_to(padded_shapes, ds._structure, [],
                                                  "padded_shapes")]
        padded, statics = [p for p, _ in pairs], [s for _, s in pairs]
    for p, s in zip(statics, ds._shapes):
        if p.rank is not None and s.rank is not None and (p.rank != s.rank or any(
                isinstance(a, int) and isinstance(b, int) and a < b
                for a, b in zip(p._dims, s._dims))):
            raise ValueError(f"The padded shape {p} is not compatible with the shape {s} "
                             "of the corresponding input component.")
    pads = [None] * len(ds._types)
    if padding_values is not None:
        pads = [_pad_value(v, t) for v, t in zip(
            _up_to(padding_values, ds._structure, [], "padding_values"), ds._types)]
    return _PaddedBatch(ds, size, padded, statics, pads, bool(drop_remainder))


class _PaddedBatch(SizedBatch):
    _saved = ("_size", "_drop", "_padded", "_pads")

    def __init__(self, ds, size, padded, statics, pads, drop):
        lead = _static(size) if drop else None
        shapes = [TensorShape(None if s._dims is None else (lead,) + s._dims) for s in statics]
        tensors = _tensor_args(size, *padded, *pads)
        super().__init__(ds._structure, ds._types, shapes, parents=(ds,), tensors=tensors)
        self._size, self._drop, self._padded, self._pads = size, drop, padded, pads

    def _iter(self, run):
        specs = [p if not isinstance(p, Tensor) else
                 tuple(None if d < 0 else int(d) for d in np.asarray(run.values[p]))
                 for p in self._padded]
        pads = [np.asarray(run.values[p]) if p is not None else
                np.asarray(b"" if t is dtypes.string else 0, dtype=t.np)
                for p, t in zip(self._pads, self._types)]
        for rows in batches(self, self._parents[0]._iter(run), _value(run, self._size)):
            yield rows if type(rows) is Failed else made(self._padded_rows, rows, specs, pads)

    def _padded_rows(self, rows, specs, pads):
        return [self._pad(k, [np.asarray(r[k], object if t is dtypes.string else None)
                              for r in rows], spec, pad)
                for k, (spec, pad, t) in enumerate(zip(specs, pads, self._types))]

    def _pad(self, k, parts, spec, pad):
        """The parts of component k padded to `spec` and stacked."""
        ranks = {p.ndim for p in parts}
        if ranks != {len(spec)}:
            raise _invalid(self, f"All elements in a batch must have the same rank as the "
                                 f"padded shape for component{k}: expected rank {len(spec)} "
                                 f"but got element with rank {sorted(ranks)[-1]}")
        most = np.max([p.shape for p in parts], axis=0) if spec else np.zeros(0, int)
        dims = tuple(int(m) if d is None else d for d, m in zip(spec, most))
        if any(int(m) > d for d, m in zip(dims, most)):
            raise errors.DataLossError(
                "Attempted to pad to a smaller size than the input element.\n  in the "
                f"padded_batch built at {errors.format_site(self._site)}")
        out = np.full((len(parts),) + dims, pad, dtype=self._types[k].np)
        for i, p in enumerate(parts):
            out[(i,) + tuple(slice(0, n) for n in p.shape)] = p
        return out


class _Unbatch(Dataset):
    def __init__(self, ds):
        nested_leaves(ds, "Dataset.unbatch")
        if sparse_leaves(ds._structure):
            raise TypeError("Dataset.unbatch: SparseTensor components are not supported "
                            "by graphc")
        if ragged_leaves(ds._structure):
            raise TypeError("Dataset.unbatch: RaggedTensor components are not supported "
                            "by graphc")
        if any(s.rank == 0 for s in ds._shapes):
            raise ValueError("Cannot unbatch an input with scalar components.")
        known = [s._dims[0] for s in ds._shapes if s.rank and isinstance(s._dims[0], int)]
        if len(set(known)) > 1:
            raise ValueError("`unbatch()` is only supported for datasets of elements whose "
                             "components have a matching leading dimension. Encountered "
                             f"both {known[0]} and {[n for n in known if n != known[0]][0]}.")
        shapes = [TensorShape(None if s._dims is None else s._dims[1:]) for s in ds._shapes]
        super().__init__(ds._structure, ds._types, shapes, parents=(ds,))

    def _iter(self, run):
        for element in self._parents[0]._iter(run):
            if type(element) is Failed:
                yield element
                continue
            parts = [np.asarray(a) for a in element]
            if any(p.ndim == 0 for p in parts):
                raise _invalid(self, "Input element must have a non-scalar value in each "
                                     "component.")
            for k, p in enumerate(parts[1:], 1):
                if p.shape[0] != parts[0].shape[0]:
                    raise _invalid(self, "Input element must have the same batch size in "
                                         f"each component. Component 0 has batch size "
                                         f"{parts[0].shape[0]} but component {k} has batch "
                                         f"size {p.shape[0]}.")
            for i in range(parts[0].shape[0]):
                yield [p[i] for p in parts]
