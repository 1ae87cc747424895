"""Batches whose components may be RaggedTensors: Dataset.batch (batching.py's _Batch)
and Dataset.ragged_batch / tf.data.experimental.dense_to_ragged_batch build them.

    ds = gc.data.Dataset.range(5).map(lambda x: gc.range(x))
    ds.ragged_batch(2).element_spec
    # RaggedTensorSpec(TensorShape([None, None]), tf.int64, 1, tf.int64)

A plan (batch_plan) says, per component of the input element, how a batch is made:
dense leaves are stacked, SparseTensors get a batch index (batching._batch_sparse),
RaggedTensors get one more outer ragged dim whose row_splits count each element's rows,
and, in ragged_batch, a dense component with unknown dims becomes a RaggedTensor whose
ragged dims are its dims up to the last unknown one (TF's rule) before that.
SizedBatch, the base of the three batching datasets, checks the batch size and gives
their cardinality.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import TensorShape
from .dataset import Dataset, Failed, _count, _invalid, _static, _tensor_args, _value
from .specs import nested_leaves
from .structure import Ragged, Sparse

__all__ = []


def _last_unknown(shape):
    """The index of the last unknown dim of a known-rank shape, or None."""
    if shape.rank is None:
        return None
    unknown = [i for i, d in enumerate(shape._dims) if not isinstance(d, int)]
    return unknown[-1] if unknown else None


def batch_plan(ds, lead, to_ragged, splits_dtype):
    """(structure, types, shapes, sparse dense shapes, actions) of the batches of ds's
    elements; lead is the static batch size (or None). Each action is
    ("stack", k), ("sparse", k), ("ragged", k, parts) or ("to_ragged", k, u) for the
    leaf k of the input element where that component starts."""
    types, shapes, dense, actions = [], [], [], []
    pos = [0]
    outer = TensorShape((None if lead is None else lead + 1,))
    sparse_dense = iter(ds._dense)

    def walk(s):                      # recursion follows the user's nesting
        k = pos[0]
        if s is None:
            pos[0] += 1
            t, sh = ds._types[k], ds._shapes[k]
            u = _last_unknown(sh) if to_ragged else None
            if u is None:
                types.append(t)
                shapes.append(TensorShape(None if sh._dims is None else (lead,) + sh._dims))
                actions.append(("stack", k))
                return None
            types.extend([t] + [splits_dtype] * (u + 1))
            shapes.extend([TensorShape((None,) + sh._dims[u + 1:]), outer] +
                          [TensorShape((None,))] * u)
            actions.append(("to_ragged", k, u))
            return (Ragged(sh._dims[:u + 1]), [None] * (u + 2))
        kind, parts = s
        if kind is Sparse:
            pos[0] += 3
            rank = ds._shapes[k + 2]._dims[0] if ds._shapes[k + 2].rank == 1 else None
            rank = rank + 1 if isinstance(rank, int) else None
            types.extend(ds._types[k:k + 3])
            shapes.extend([TensorShape((None, rank)), TensorShape((None,)),
                           TensorShape((rank,))])
            d = next(sparse_dense)
            dense.append(TensorShape(None if d._dims is None else (lead,) + d._dims))
            actions.append(("sparse", k))
            return s
        if isinstance(kind, Ragged):
            n = len(parts)
            pos[0] += n
            rows = ds._shapes[k + 1]._dims[0] if ds._shapes[k + 1].rank == 1 else None
            flat = ds._shapes[k]
            types.extend([ds._types[k], ds._types[k + 1]] + ds._types[k + 1:k + n])
            shapes.extend([TensorShape(None if flat._dims is None else (None,) + flat._dims[1:]),
                           outer] + [TensorShape((None,))] * (n - 1))
            actions.append(("ragged", k, n))
            rows = rows - 1 if isinstance(rows, int) else None
            return (Ragged((rows,) + kind.uniform), [None] * (n + 1))
        if kind is dict:
            return (dict, {key: walk(v) for key, v in parts.items()})
        return (kind, [walk(v) for v in parts])

    structure = walk(ds._structure)
    return structure, types, shapes, dense, actions


def run_plan(ds, actions, rows, splits_dtype):
    """The leaves of one batch of `rows` (each a list of the input element's arrays)."""
    from .batching import _batch_sparse
    out = []
    for action in actions:
        k = action[1]
        if action[0] == "stack":
            dtype = object if ds._types[len(out)] is dtypes.string else None
            parts = [np.asarray(r[k], dtype) for r in rows]     # b"a\0" stays b"a\0"
            if any(p.shape != parts[0].shape for p in parts):
                raise errors.InvalidArgumentError(
                    f"batch (called at {errors.format_site(ds._site)}): component "
                    f"{k} has elements of different shapes {sorted({p.shape for p in parts})}"
                    "; batch stacks elements of one shape")
            out.append(np.stack(parts).astype(ds._types[len(out)].np, copy=False))
        elif action[0] == "sparse":
            out.extend(_batch_sparse([[np.asarray(a) for a in r[k:k + 3]] for r in rows],
                                     ds._types[len(out) + 1]))
        elif action[0] == "ragged":
            n = action[2]
            out.extend(batch_ragged(ds, [[np.asarray(a) for a in r[k:k + n]] for r in rows],
                                    ds._types[len(out) + 1]))
        else:
            u = action[2]
            out.extend(batch_ragged(ds, [_dense_parts(ds, np.asarray(r[k]), u, splits_dtype)
                                         for r in rows], splits_dtype))
    return out


def _dense_parts(ds, a, u, splits_dtype):
    """A dense element as the (flat_values, row_splits...) of a RaggedTensor whose
    ragged dims are its dims 1..u (uniform rows)."""
    flat = a.reshape((-1,) + a.shape[u + 1:])
    splits, rows = [], a.shape[0]
    for j in range(1, u + 1):
        splits.append(np.arange(rows + 1, dtype=splits_dtype.np) * a.shape[j])
        rows *= a.shape[j]
    return [flat] + splits


def batch_ragged(ds, elements, splits_dtype):
    """RaggedTensor (or dense, no row_splits) elements, each [flat_values, row_splits...],
    as one RaggedTensor with one more outer ragged dim: [flat_values, outer, ...]."""
    nrows = [len(e[1]) - 1 if len(e) > 1 else len(e[0]) for e in elements]
    out_splits = [np.concatenate([[0], np.cumsum(nrows)]).astype(splits_dtype.np)]
    for level in range(1, len(elements[0])):
        parts, offset = [np.zeros(1, splits_dtype.np)], 0
        for e in elements:
            s = np.asarray(e[level]).astype(splits_dtype.np)
            parts.append(s[1:] + offset)
            offset += int(s[-1])
        out_splits.append(np.concatenate(parts))
    inner = {np.shape(e[0])[1:] for e in elements}
    if len(inner) > 1:
        raise _invalid(ds, f"Cannot batch RaggedTensors whose flat_values have different "
                           f"inner shapes {sorted(inner)}")
    flat = np.concatenate([np.asarray(e[0]) for e in elements])
    return [flat] + out_splits


def batch_cardinality(n, size, drop):
    """The number of batches of `size` of n elements (INFINITE, UNKNOWN kept)."""
    return n if n < 0 else n // size if drop else -(-n // size)


def batches(ds, elements, size):
    """Lists of `size` elements (the last may be shorter; dropped under ds._drop), and
    in their place each failed element met: the rows gathered before it are dropped, as
    TF's batch drops them when its input fails."""
    rows = []
    for element in elements:
        if type(element) is Failed:
            rows = []
            yield element
            continue
        rows.append(element)
        if len(rows) == size:
            yield rows
            rows = []
    if rows and not ds._drop:
        yield rows


def made(make, *args):
    """make(*args), or a Failed holding its OpError (a batch of unlike shapes fails as
    an element: the iterator goes on to the next batch)."""
    try:
        return make(*args)
    except errors.OpError as e:
        return Failed(e)


class SizedBatch(Dataset):
    """The base of the batching datasets (batch, padded_batch, ragged_batch): a batch
    size `_size` (an int or a scalar tensor) checked at initialization, and the
    cardinality it gives, `_drop` saying whether a short last batch is dropped."""

    def _check(self, values):
        if isinstance(self._size, Tensor) and values[self._size] <= 0:
            raise _invalid(self, "Batch size must be greater than zero.")

    def _cardinality(self, values, n):
        return batch_cardinality(n[0], int(values[self._size]) if isinstance(
            self._size, Tensor) else self._size, self._drop)


class _RaggedBatch(SizedBatch):
    """Dataset.ragged_batch: batch, where components of unknown dims become ragged."""
    _unwritable = "a Dataset.ragged_batch, which graphc cannot write"

    def __init__(self, ds, size, drop, splits_dtype):
        nested_leaves(ds, "Dataset.ragged_batch")
        lead = _static(size) if drop else None
        structure, types, shapes, dense, self._actions = batch_plan(ds, lead, True,
                                                                    splits_dtype)
        super().__init__(structure, types, shapes, parents=(ds,),
                         tensors=_tensor_args(size), dense=dense)
        self._size, self._drop, self._splits_dtype = size, drop, splits_dtype

    def _iter(self, run):
        for rows in batches(self, self._parents[0]._iter(run), _value(run, self._size)):
            yield rows if type(rows) is Failed else made(
                run_plan, self, self._actions, rows, self._splits_dtype)


def ragged_batch(ds, batch_size, drop_remainder=False, row_splits_dtype=dtypes.int64):
    """Dataset.ragged_batch: see methods.py."""
    dtype = dtypes.as_dtype(row_splits_dtype)
    if dtype not in (dtypes.int32, dtypes.int64):
        raise ValueError(f"Dataset.ragged_batch: row_splits_dtype must be int32 or int64, "
                         f"not {dtype.name}")
    return _RaggedBatch(ds, _count(batch_size, "batch_size", 1), bool(drop_remainder), dtype)
