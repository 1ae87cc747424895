"""Datasets that regroup elements: group_by_window (and bucket_by_sequence_length on it),
rebatch and sparse_batch (methods.py's entry points build them).

    ds.group_by_window(lambda x: x % 2, lambda key, w: w.batch(3), window_size=3)
    ds.bucket_by_sequence_length(lambda x: gc.size(x), [3, 5], [2, 2, 2])

group_by_window's reduce_func is traced once, like flat_map's (nested.py), on a key
placeholder and a window dataset (_GroupPart) whose elements the run hands in: each full
group as it fills, then the partial groups in key order (TF's order).
"""
import itertools

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..ops.control import FuncGraph, _unflatten
from ..ops.core import placeholder
from ..ops.registry import constant_value
from ..shapes import TensorShape
from .batching import _up_to
from .dataset import Dataset, Failed, _count, _invalid, _tensor_args, _value, check_pipeline
from .functions import _Function, failed
from .nested import _DatasetFunction, _Spec
from .pipeline import PipelineRun
from .specs import nested_leaves
from .stateful import returned_spec
from ..type_spec import TensorSpec
from .structure import Sparse, sparse_leaves, to_tensors

__all__ = []


class _GroupPart(Dataset):
    """A group's window inside reduce_func: the run's values hold its elements under
    this dataset itself."""
    _unwritable = "a Dataset.group_by_window (its reduce_func reads Python windows)"

    def __init__(self, ds):
        super().__init__(ds._structure, ds._types, ds._shapes, dense=ds._dense)

    def _iter(self, run):
        yield from run.values[self]


class _ReduceFunction(_DatasetFunction):
    """reduce_func(key, window) traced once: returns a Dataset (see _DatasetFunction)."""

    def __init__(self, fn, ds):
        if not callable(fn):
            raise TypeError(f"Dataset.group_by_window: expected a function, got "
                            f"{type(fn).__name__}")
        graph = get_default_graph()
        with graph.name_scope("reduce_fn") as scope:
            fg = FuncGraph(graph, scope)
            with fg.as_default():
                key = placeholder(dtypes.int64, [], name="key")
                self.window = _GroupPart(ds)
                value = fn(key, self.window)
                if not isinstance(value, Dataset):
                    structure, ts = to_tensors(value)
                    spec = _unflatten(structure, iter(TensorSpec(t.shape, t.dtype) for t in ts))
                    raise TypeError("Invalid `reduce_func`. `reduce_func` must return a single "
                                    "`tf.data.Dataset` object but its return type is "
                                    f"{spec}.")
                outs = self._outputs(fg, value, "group_by_window")
        self.fg, self.outs, self.what = fg, tuple(outs), "group_by_window"
        self._fed, self.parts = [0], []
        self.captured = list(fg.captures)
        self.ins = (key,) + tuple(fg.captures[t] for t in self.captured)


def _scalar_int64(fn, what):
    """Checks that a traced key_func/window_size_func returns one int64 scalar (TF's
    ValueErrors)."""
    out = fn.outs[0]
    if fn.structure is None and out.dtype is not dtypes.int64:
        raise ValueError(f"Tensor conversion requested dtype int64 for Tensor with dtype "
                         f"{out.dtype.name}: {out!r}")
    if fn.structure is not None or out.dtype is not dtypes.int64 or \
            out.shape.rank not in (0, None):
        raise ValueError(f"Invalid `{what}`. `{what}` must return a single `tf.int64` scalar "
                         f"tensor but its return type is {returned_spec(fn)}.")
    return fn


def group_by_window(ds, key_func, reduce_func, window_size, window_size_func):
    """Dataset.group_by_window: see methods.py."""
    nested_leaves(ds, "Dataset.group_by_window")
    if (window_size is None) == (window_size_func is None):
        raise ValueError("Either the `window_size` argument or the `window_size_func` "
                         "argument must be specified.")
    key_fn = _scalar_int64(_Function("group_by_window", key_func, ds), "key_func")
    size = None
    if window_size is not None:
        size = _count(window_size, "window_size", -(1 << 62))
        functions = ()
    else:
        functions = (_scalar_int64(_Function("group_by_window", window_size_func, _Spec(
            None, [dtypes.int64], [TensorShape(())])), "window_size_func"),)
    return _GroupByWindow(ds, key_fn, _ReduceFunction(reduce_func, ds), size, functions)


class _GroupByWindow(Dataset):
    _unwritable = "a Dataset.group_by_window (its reduce_func reads Python windows)"

    def __init__(self, ds, key_fn, reduce_fn, size, more):
        inner = reduce_fn.dataset
        super().__init__(inner._structure, inner._types, inner._shapes, parents=(ds,),
                         tensors=_tensor_args(size), functions=(key_fn, reduce_fn) + more,
                         dense=inner._dense, nested=inner._nested)
        self._inner, self._size = (inner,), size

    def _window_size(self, run, key):
        if self._size is not None:
            size = _value(run, self._size)
        else:
            size = int(np.asarray(self._functions[2](run, [key])[0]))
        if size <= 0:
            raise _invalid(self, f"Window size must be greater than zero, but got {size}.")
        return size

    def _reduce(self, run, key, group):
        fn = self._functions[1]
        values = dict(zip(fn.keys, fn(run, [key]) if fn.outs else []))
        values[fn.window] = group
        check_pipeline(self._inner[0], values)
        return self._inner[0]._iter(PipelineRun(run.session, values))

    def _iter(self, run):
        key_fn, groups = self._functions[0], {}
        for element in self._parents[0]._iter(run):
            key = element if type(element) is Failed else failed(key_fn, run, element)
            if type(key) is Failed:
                yield key
                continue
            if key is None:
                break
            key = np.int64(np.asarray(key[0]))
            size = self._window_size(run, key)
            group = groups.setdefault(int(key), [])
            group.append(element)
            if len(group) >= size:
                del groups[int(key)]
                yield from self._reduce(run, key, group)
        for key in sorted(groups):          # the partial groups, in key order
            yield from self._reduce(run, np.int64(key), groups[key])


# ---- bucket_by_sequence_length ----------------------------------------------------------
def bucket_by_sequence_length(ds, element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes, padding_values, pad_to_bucket_boundary,
                              no_padding, drop_remainder):
    """Dataset.bucket_by_sequence_length: group_by_window keyed by the length's bucket,
    each window padded_batch-ed (or batch-ed: no_padding) by its bucket's size."""
    import graphc as gc     # the public ops (imported by now)
    bounds, sizes = [int(b) for b in bucket_boundaries], [int(b) for b in bucket_batch_sizes]
    if len(sizes) != len(bounds) + 1:
        raise ValueError("`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` "
                         f"but `len(bucket_batch_sizes)={len(sizes)}` and "
                         f"`len(bucket_boundaries)={len(bounds)}`.")
    low = np.array([np.iinfo(np.int32).min] + bounds, np.int32)
    high = np.array(bounds + [np.iinfo(np.int32).max], np.int32)

    def bucket_of(*element):
        length = element_length_func(*element)
        inside = gc.logical_and(gc.less_equal(low, length), gc.less(length, high))
        return gc.reduce_min(gc.where(inside))

    def window_size(bucket):
        return gc.gather(np.array(sizes, np.int64), bucket)

    def batch(bucket, window):
        size = window_size(bucket)
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary:
            check = gc.debugging.assert_less(
                bucket, np.int64(len(sizes) - 1), message="When pad_to_bucket_boundary=True, "
                "elements must have length < max(bucket_boundaries).")
            with gc.control_dependencies([check]):
                filler = gc.gather(np.array(bounds, np.int64), bucket) - 1
        wanted = window.output_shapes if padded_shapes is None else padded_shapes
        shapes = [_filled(s, filler) for s in _up_to(wanted, ds._structure, [],
                                                     "padded_shapes")]
        return window.padded_batch(size, _unflatten(ds._structure, iter(shapes)),
                                   padding_values, drop_remainder)
    return ds.group_by_window(bucket_of, batch, window_size_func=window_size)


def _filled(shape, filler):
    """A padded shape's dims with its unknown ones set to `filler` (None: unknown)."""
    dims = shape if isinstance(shape, Tensor) else TensorShape(
        shape._dims if isinstance(shape, TensorShape) else shape)._dims
    if isinstance(dims, Tensor) or dims is None:
        return dims
    return [filler if d is None else d for d in dims]


# ---- rebatch, sparse_batch ----------------------------------------------------------------
class _Rebatch(Dataset):
    _saved = ("_sizes", "_drop")

    def __init__(self, ds, sizes, lead, drop):
        shapes = [TensorShape(None if s._dims is None else (lead,) + s._dims[1:])
                  for s in ds._shapes]
        super().__init__(ds._structure, ds._types, shapes, parents=(ds,),
                         tensors=_tensor_args(sizes))
        self._sizes, self._drop = sizes, drop

    def _check(self, values):
        sizes = self._sizes
        if isinstance(sizes, Tensor) and (np.size(values[sizes]) == 0 or
                                          np.any(np.asarray(values[sizes]) <= 0)):
            raise _invalid(self, "batch_sizes must be greater than zero.")

    def _iter(self, run):
        sizes = self._sizes
        sizes = np.asarray(run.values[sizes]).reshape(-1) if isinstance(sizes, Tensor) else sizes
        wants, rows = itertools.cycle([int(n) for n in sizes]), []
        want = next(wants)
        for element in self._parents[0]._iter(run):
            if type(element) is Failed:
                yield element
                continue
            parts = [np.asarray(a) for a in element]
            if any(p.ndim == 0 or p.shape[0] != parts[0].shape[0] for p in parts):
                raise _invalid(self, "rebatch: the components of an element need one "
                                     f"leading dimension, got {[p.shape for p in parts]}")
            rows.extend(zip(*parts))
            while len(rows) >= want:
                yield self._stack(rows[:want])
                rows, want = rows[want:], next(wants)
        if rows and not self._drop:
            yield self._stack(rows)

    def _stack(self, rows):
        return [np.stack([r[k] for r in rows]).astype(t.np, copy=False)
                for k, t in enumerate(self._types)]


def rebatch(ds, batch_size, drop_remainder):
    """Dataset.rebatch: see methods.py."""
    nested_leaves(ds, "Dataset.rebatch")
    if sparse_leaves(ds._structure):
        raise TypeError("Dataset.rebatch: SparseTensor components are not supported by graphc")
    if any(s.rank == 0 for s in ds._shapes):
        raise ValueError("Invalid `batch_sizes`. Expected dataset with rank of >= 1 but found "
                         "a dataset with scalar elements. Fix the issue by adding the `batch` "
                         "transformation to the dataset.")
    if isinstance(batch_size, Tensor):
        if batch_size.dtype is not dtypes.int64 or batch_size.shape.rank not in (0, 1, None):
            raise ValueError(f"Dataset.rebatch: batch_size must be an int64 scalar or vector, "
                             f"got {errors.describe_tensor(batch_size, batch_size.name)}")
        sizes, known = batch_size, constant_value(batch_size)
    else:
        sizes = tuple(int(n) for n in np.reshape(batch_size, -1))
        if not sizes or min(sizes) <= 0:
            raise ValueError(f"Dataset.rebatch: batch sizes must be > 0, got {batch_size!r}")
        known = sizes
    known = None if known is None else {int(n) for n in np.reshape(known, -1)}
    lead = next(iter(known)) if drop_remainder and known and len(known) == 1 else None
    return _Rebatch(ds, sizes, lead, bool(drop_remainder))


def _tf_shape(dims):
    return "[" + ",".join(str(d) for d in dims) + "]"


class _SparseBatch(Dataset):
    _saved = ("_size", "_row")

    def __init__(self, ds, batch_size, row_shape):
        nested_leaves(ds, "Dataset.sparse_batch")
        if ds._structure is not None:
            raise TypeError("`dense_to_sparse_batch` requires an input dataset whose elements "
                            "have a single component, but the given dataset has the following "
                            f"component types: {ds.output_types}.")
        dims = TensorShape(row_shape)._dims if not isinstance(row_shape, TensorShape) \
            else row_shape._dims
        if dims is None:
            raise ValueError("Dataset.sparse_batch: row_shape must have a known rank")
        size = _count(batch_size, "batch_size", 1)
        r = len(dims) + 1
        super().__init__((Sparse, [None, None, None]), [dtypes.int64, ds._types[0], dtypes.int64],
                         [TensorShape((None, r)), TensorShape((None,)), TensorShape((r,))],
                         parents=(ds,), tensors=_tensor_args(size),
                         dense=[TensorShape((None,) + tuple(dims))])
        self._size, self._row = size, tuple(dims)

    def _iter(self, run):
        it, size = self._parents[0]._iter(run), _value(run, self._size)
        while True:
            rows = [np.asarray(e[0]) for e in itertools.islice(it, size)]
            if not rows:
                return
            yield self._sparse(rows)

    def _sparse(self, rows):
        row = self._row
        for a in rows:
            if a.ndim != len(row):
                raise _invalid(self, f"Input element had shape ({_tf_shape(a.shape)}) that is "
                                     f"incompatible with the row shape ({_tf_shape(row)}).")
            if any(d is not None and n > d for n, d in zip(a.shape, row)):
                raise errors.DataLossError(
                    f"Input element had shape ({_tf_shape(a.shape)}) that is larger than the "
                    f"row shape ({_tf_shape(row)}).\n  in the sparse_batch built at "
                    f"{errors.format_site(self._site)}")
        most = np.max([a.shape for a in rows], axis=0) if row else []
        dims = [int(m) if d is None else d for d, m in zip(row, most)]
        indices = [np.concatenate([np.full((a.size, 1), b, np.int64),
                                   np.argwhere(np.ones(a.shape, bool)).reshape(a.size, a.ndim)], 1)
                   for b, a in enumerate(rows)]
        values = np.concatenate([a.reshape(-1) for a in rows]).astype(self._types[1].np)
        return [np.concatenate(indices).astype(np.int64), values,
                np.array([len(rows)] + dims, np.int64)]
