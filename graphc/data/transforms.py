"""Datasets that reorder, select or replay their input's elements: shuffle, repeat,
take/skip, shard and cache (Dataset's methods build them).

Their counts are Python ints or int64 scalar tensors read when the pipeline starts
(dataset._count); a tensor's value is checked then (InvalidArgumentError, as TF's
kernels do) and a Python int when the dataset is built.
"""
import itertools

import numpy as np

from ..graph import Tensor
from .dataset import INFINITE, UNKNOWN, Dataset, Failed, _count, _invalid, _tensor_args, _value

__all__ = []


class _Shuffle(Dataset):
    _saved = ("_size", "_seed", "_reshuffle")

    def __init__(self, ds, size, seed, reshuffle):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=_tensor_args(size))
        self._size, self._seed, self._reshuffle = size, seed, reshuffle

    def _check(self, values):
        if isinstance(self._size, Tensor) and values[self._size] <= 0:
            raise _invalid(self, "buffer_size must be greater than zero or "
                                 "UNKNOWN_CARDINALITY")

    def _cardinality(self, values, n):
        return n[0]

    def _iter(self, run):
        epoch = run.started(self)
        base = list(self._seed) if self._seed is not None else run.entropy(self)
        rng = np.random.default_rng(base + [epoch if self._reshuffle else 0])
        it, size = self._parents[0]._iter(run), _value(run, self._size)
        buffer, hole, ended = [], None, False
        # TF's ShuffleDataset: fill the buffer (passing on a failed element when met),
        # emit a random slot; the next element takes the slot it left
        while True:
            while not ended and (len(buffer) < size or hole is not None):
                element = next(it, None)
                if element is None:
                    ended = True
                elif type(element) is Failed:
                    yield element
                elif hole is None:
                    buffer.append(element)
                else:
                    buffer[hole], hole = element, None
            if hole is not None:            # the input ended: the last slot moves in
                buffer[hole] = buffer[-1]
                buffer.pop()
                hole = None
            if not buffer:
                return
            hole = int(rng.integers(len(buffer)))
            yield buffer[hole]


class _Repeat(Dataset):
    _saved = ("_count",)

    def __init__(self, ds, count):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=_tensor_args(count))
        self._count = count

    def _cardinality(self, values, n):
        count = int(values[self._count]) if isinstance(self._count, Tensor) else self._count
        if count < 0:
            return 0 if n[0] == 0 else INFINITE
        return 0 if count == 0 else n[0] if n[0] < 0 else count * n[0]

    def _iter(self, run):
        count = _value(run, self._count)
        epochs = itertools.count() if count < 0 else range(count)
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
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=_tensor_args(start, count))
        self._start, self._count = start, count

    def _cardinality(self, values, n):
        start, count = (int(values[v]) if isinstance(v, Tensor) else v
                        for v in (self._start, self._count))
        if start < 0:               # skip(-1)
            return 0
        if n[0] == UNKNOWN:
            return UNKNOWN
        if n[0] == INFINITE:
            return INFINITE if count < 0 else count
        rest = max(0, n[0] - start)
        return rest if count < 0 else min(rest, count)

    def _iter(self, run):
        start, count = _value(run, self._start), _value(run, self._count)
        if start < 0 or count == 0:     # skip(-1): everything is skipped
            return
        stop, n = None if count < 0 else start + count, 0
        for element in self._parents[0]._iter(run):     # a failed one is passed on,
            if type(element) is not Failed:             # not counted (TF's take, skip)
                n += 1
                if n <= start:
                    continue
            yield element
            if n == stop:
                return


class _Shard(Dataset):
    _saved = ("_num", "_index")

    def __init__(self, ds, num_shards, index):
        num = _count(num_shards, "num_shards", -(1 << 62))
        index = _count(index, "index", -(1 << 62))
        if not isinstance(num, Tensor):         # a Python int: checked now
            _shard_check(num, None if isinstance(index, Tensor) else index, ValueError)
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=_tensor_args(num, index))
        self._num, self._index = num, index

    def _check(self, values):
        num, index = (int(values[v]) if isinstance(v, Tensor) else v
                      for v in (self._num, self._index))
        _shard_check(num, index, lambda m: _invalid(self, m))

    def _cardinality(self, values, n):
        num, index = (int(values[v]) if isinstance(v, Tensor) else v
                      for v in (self._num, self._index))
        return n[0] if n[0] < 0 else n[0] // num + (index < n[0] % num)

    def _iter(self, run):
        num, index = _value(run, self._num), _value(run, self._index)
        n = -1
        for element in self._parents[0]._iter(run):     # a failed one is passed on
            if type(element) is Failed:
                yield element
            else:
                n += 1
                if n % num == index:
                    yield element


def _shard_check(num, index, error):
    """TF's ShardDataset checks: raises error(message)."""
    if num <= 0:
        raise error("Number of shards must be greater than zero (currently num_shards = "
                    f"{num}).")
    if index is not None and not 0 <= index < num:
        raise error(f"Index must be between 0 and {num - 1} (currently index = {index}).")


class _Cache(Dataset):
    """In memory, per pipeline: the first complete pass is kept and replayed by the
    later ones (repeat); a pass left unfinished is not kept (TF's memory cache)."""

    def __init__(self, ds, filename):
        if isinstance(filename, Tensor) or filename not in ("", None):
            raise ValueError(f"Dataset.cache: a file cache (filename={filename!r}) is not "
                             "supported by graphc; use cache() to cache in memory")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))

    def _cardinality(self, values, n):
        return n[0]

    def _iter(self, run):
        kept = run.store(self)
        if "elements" in kept:
            yield from kept["elements"]
            return
        elements = []
        for element in self._parents[0]._iter(run):
            if type(element) is not Failed:     # not replayed (TF's cache)
                elements.append(element)
            yield element
        kept["elements"] = elements
