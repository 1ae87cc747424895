"""Dataset: a Python description of an input pipeline (TF1 tf.data.Dataset).

    ds = gc.data.Dataset.from_tensor_slices((x, y)).shuffle(100, seed=1).batch(32)
    features, labels = ds.make_one_shot_iterator().get_next()

A dataset holds its element structure, each leaf's dtype and static shape, the datasets
it reads and the tensors it is built from. Nothing runs when it is built: an iterator's
ops (data/iterator.py) evaluate those tensors in a Session and call `_iter(run)`, a
generator of elements, each a flat list of numpy arrays (one per leaf). map and filter
functions are traced once into a FuncGraph and run per element by control.compiled.
"""
import itertools

import numpy as np

from .. import errors
from ..graph import Node, Tensor, get_default_graph
from ..ops.control import FuncGraph, _unflatten, compiled
from ..ops.core import convert_to_tensor, placeholder
from ..ops.random import get_seed
from ..shapes import TensorShape
from .structure import flatten, shown, sparse_leaves, to_tensors

__all__ = ["Dataset"]


def _nest(structure, inner):
    """`structure` with each leaf replaced by the next structure of `inner`."""
    if structure is None:
        return next(inner)
    kind, parts = structure
    if kind is dict:
        return (dict, {k: _nest(s, inner) for k, s in parts.items()})
    return (kind, [_nest(s, inner) for s in parts])


def _describe(tensors):
    return "".join(f"\n  {errors.describe_tensor(t, t.name)}" for t in tensors)


class Dataset:
    """A pipeline of elements (TF1 tf.data.Dataset); build one with from_tensor_slices,
    from_tensors, range or zip, and transform it with the methods below."""
    _saved = ()     # the attributes a graph_def keeps besides structure, parents, tensors

    def __init__(self, structure, types, shapes, parents=(), tensors=(), functions=()):
        self._structure = structure
        self._types = list(types)
        self._shapes = [TensorShape(s.dims) if isinstance(s, TensorShape) else TensorShape(s)
                        for s in shapes]
        self._parents = tuple(parents)
        self._tensors = tuple(tensors)      # evaluated when an iterator is initialized
        self._functions = tuple(functions)  # traced map/filter functions (their captures)
        self._site = errors.user_site()

    # ---- what an element is -----------------------------------------------------------
    @property
    def output_types(self):
        """The dtypes of an element, in its structure."""
        return _unflatten(self._structure, iter(self._types))

    @property
    def output_shapes(self):
        """The static shapes of an element, in its structure."""
        return _unflatten(self._structure, iter(self._shapes))

    def __repr__(self):
        return (f"<{type(self).__name__} shapes: {self.output_shapes}, "
                f"types: {self.output_types}>")

    def _iter(self, run):
        """A generator of this dataset's elements (flat lists of arrays) in `run`."""
        raise NotImplementedError(f"{type(self).__name__} must define _iter")

    # ---- sources -----------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors):
        """The slices of `tensors` along dim 0 (a tensor, array, or tuple/dict of them;
        a list is one tensor, as in TF1). All components must have the same dim 0."""
        from .sources import _Slices
        return _Slices(*to_tensors(tensors))

    @staticmethod
    def from_tensors(tensors):
        """One element: `tensors` (a tensor, array, or tuple/dict of them)."""
        from .sources import _Tensors
        return _Tensors(*to_tensors(tensors))

    @staticmethod
    def range(*args):
        """range(stop), range(start, stop) or range(start, stop, step), as int64."""
        from .sources import _Range
        return _Range(range(*[_count(a, "a range argument", -(1 << 62)) for a in args]))

    @staticmethod
    def zip(datasets):
        """Elements of several datasets side by side (a tuple or dict of datasets);
        ends with the shortest."""
        from .sources import _Zip
        return _Zip(datasets)

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """The elements generator(*args) yields, as output_types (a dtype or a tuple/dict
        of them) of output_shapes (default: unknown); args are tensors, evaluated when
        the iterator starts. A graph holding one cannot be serialized (Python code)."""
        from .generator import from_generator
        return from_generator(generator, output_types, output_shapes, args)

    # ---- transformations ----------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False):
        """Consecutive elements stacked along a new dim 0 (None unless drop_remainder)."""
        return _Batch(self, _count(batch_size, "batch_size", 1), drop_remainder)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True):
        """Elements in a random order, drawn from a buffer of `buffer_size` (TF's
        algorithm). With a seed (or a graph seed) the order repeats in every session and
        after every initialization; reshuffle_each_iteration gives each repeat() epoch
        its own order."""
        seed = get_seed(get_default_graph(), seed)
        return _Shuffle(self, _count(buffer_size, "buffer_size", 1), seed,
                        reshuffle_each_iteration)

    def repeat(self, count=None):
        """The elements `count` times (None or -1: forever)."""
        return _Repeat(self, -1 if count is None else _count(count, "count", -1))

    def take(self, count):
        """The first `count` elements (-1: all)."""
        return _Islice(self, 0, _count(count, "count", -1), "take")

    def skip(self, count):
        """All but the first `count` elements (-1: none)."""
        return _Islice(self, _count(count, "count", -1), -1, "skip")

    def prefetch(self, buffer_size):
        """A no-op here: graphc makes each element when get_next runs, on one thread."""
        _count(buffer_size, "buffer_size", -1)
        return self

    def concatenate(self, dataset):
        """This dataset's elements, then `dataset`'s (same structure and dtypes)."""
        from .sources import _Concat
        return _Concat(self, dataset)

    def map(self, map_func, num_parallel_calls=None):
        """map_func applied to each element (a tuple element is passed as arguments).
        map_func is traced once into a graph; num_parallel_calls is accepted and
        ignored (elements are made one at a time)."""
        return _Map(self, _Function("map", map_func, self))

    def filter(self, predicate):
        """The elements for which predicate (traced once) returns a scalar bool True."""
        return _Filter(self, _Function("filter", predicate, self))

    def make_one_shot_iterator(self):
        """An iterator that starts on its first get_next run in each session."""
        from .iterator import Iterator
        return Iterator(self, one_shot=True)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator started (and restarted) by running its `initializer`."""
        from .iterator import Iterator
        return Iterator(self, one_shot=False)


def _count(value, what, low):
    if isinstance(value, (Tensor, Node)):
        raise TypeError(f"{what} must be a Python int here (graphc builds the pipeline "
                        f"in Python), not a tensor")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{what} must be an int >= {low}, got {value!r}")
    return int(value)


class _Function:
    """A map or filter function traced once into a FuncGraph; call() runs it on the
    leaves of one element (and the values of what it captured)."""

    def __init__(self, what, fn, ds):
        if not callable(fn):
            raise TypeError(f"Dataset.{what}: expected a function, got {type(fn).__name__}")
        graph = get_default_graph()
        with graph.name_scope(f"{what}_fn") as scope:
            fg = FuncGraph(graph, scope)
            with fg.as_default():
                phs = [placeholder(d, s, name="elem") for d, s in zip(ds._types, ds._shapes)]
                arg = _unflatten(ds._structure, iter(phs))
                value = fn(*arg) if type(arg) is tuple else fn(arg)
                if isinstance(value, list):           # TF1 turns a returned list into a tuple
                    value = tuple(value)
                leaves = []
                self.structure = flatten(value, leaves)
                outs = []
                for v in leaves:
                    if isinstance(v, Node) or v is None:
                        raise TypeError(f"Dataset.{what}: the function must return tensors, "
                                        f"got {type(v).__name__} in {shown(self.structure)}")
                    outs.append(fg.capture(v) if isinstance(v, Tensor) else convert_to_tensor(v))
        if not outs:
            raise ValueError(f"Dataset.{what}: the function returned no tensors")
        self.fg, self.outs, self.what = fg, tuple(outs), what
        self.captured = list(fg.captures)
        self.ins = tuple(phs) + tuple(fg.captures[t] for t in self.captured)

    def __call__(self, run, leaves):
        args = list(leaves) + [run.values[t] for t in self.captured]
        return compiled(run.session, self.fg, self.ins, self.outs)(args)


class _Batch(Dataset):
    _saved = ("_size", "_drop", "_sparse")

    def __init__(self, ds, size, drop):
        lead = size if drop else None
        shapes = [TensorShape(None if s.dims is None else (lead,) + s.dims)
                  for s in ds._shapes]
        self._sparse = sparse_leaves(ds._structure)
        for k in self._sparse:      # a batch of SparseTensors: one of rank + 1
            rank = ds._shapes[k + 2].dims[0] if ds._shapes[k + 2].rank == 1 else None
            rank = rank + 1 if isinstance(rank, int) else None
            shapes[k:k + 3] = [TensorShape((None, rank)), TensorShape((None,)),
                               TensorShape((rank,))]
        super().__init__(ds._structure, ds._types, shapes, parents=(ds,))
        self._size, self._drop = size, drop

    def _iter(self, run):
        it = self._parents[0]._iter(run)
        while True:
            rows = list(itertools.islice(it, self._size))
            if not rows or (self._drop and len(rows) < self._size):
                return
            out, sparse = [], {}
            for k in self._sparse:
                sparse.update(zip((k, k + 1, k + 2), _batch_sparse(
                    [[np.asarray(a) for a in r[k:k + 3]] for r in rows], self._types[k + 1])))
            for k, t in enumerate(self._types):
                if k in sparse:
                    out.append(sparse[k])
                    continue
                parts = [np.asarray(r[k]) for r in rows]
                if any(p.shape != parts[0].shape for p in parts):
                    raise ValueError(
                        f"batch (called at {errors.format_site(self._site)}): component "
                        f"{k} has elements of different shapes {sorted({p.shape for p in parts})}"
                        "; batch stacks elements of one shape")
                out.append(np.stack(parts).astype(t.np, copy=False))
            yield out


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


class _Shuffle(Dataset):
    _saved = ("_size", "_seed", "_reshuffle")

    def __init__(self, ds, size, seed, reshuffle):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))
        self._size, self._seed, self._reshuffle = size, seed, reshuffle

    def _iter(self, run):
        epoch = run.started(self)
        base = list(self._seed) if self._seed is not None else run.entropy(self)
        rng = np.random.default_rng(base + [epoch if self._reshuffle else 0])
        it = self._parents[0]._iter(run)
        buffer = list(itertools.islice(it, self._size))
        # TF's ShuffleDataset: emit a random slot, refill it from the input
        while buffer:
            i = int(rng.integers(len(buffer)))
            element = buffer[i]
            nxt = next(it, None)
            if nxt is not None:
                buffer[i] = nxt
            else:
                buffer[i] = buffer[-1]
                buffer.pop()
            yield element


class _Repeat(Dataset):
    _saved = ("_count",)

    def __init__(self, ds, count):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))
        self._count = count

    def _iter(self, run):
        epochs = itertools.count() if self._count < 0 else range(self._count)
        for _ in epochs:
            empty = True
            for element in self._parents[0]._iter(run):
                empty = False
                yield element
            if empty:               # an empty input repeated forever is still empty
                return


class _Islice(Dataset):
    _saved = ("_start", "_count")

    def __init__(self, ds, start, count, what):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))
        self._start, self._count = start, count

    def _iter(self, run):
        it = self._parents[0]._iter(run)
        if self._start < 0:
            return
        stop = None if self._count < 0 else self._start + self._count
        yield from itertools.islice(it, self._start, stop)


class _Map(Dataset):
    def __init__(self, ds, fn):
        super().__init__(fn.structure, [t.dtype for t in fn.outs], [t.shape for t in fn.outs],
                         parents=(ds,), functions=(fn,))

    def _iter(self, run):
        fn = self._functions[0]
        for element in self._parents[0]._iter(run):
            yield fn(run, element)


class _Filter(Dataset):
    def __init__(self, ds, fn):
        out = fn.outs[0]
        if fn.structure is not None or not out.dtype.is_bool or out.shape.rank not in (0, None):
            raise errors.DTypeError(
                f"Dataset.filter: the predicate must return one scalar bool tensor, but "
                f"returned {shown(fn.structure)} starting with{_describe([out])}")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         functions=(fn,))

    def _iter(self, run):
        fn = self._functions[0]
        for element in self._parents[0]._iter(run):
            keep = np.asarray(fn(run, element)[0])
            if keep.shape != ():
                raise ValueError(f"Dataset.filter (called at {errors.format_site(self._site)})"
                                 f": the predicate returned shape {keep.shape}, not a scalar")
            if keep:
                yield element
