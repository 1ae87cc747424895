"""Dataset.window: a dataset of windows, each component of a window a dataset (TF).

    ds = gc.data.Dataset.range(7).window(3, shift=2, stride=2)
    # windows [0, 2, 4], [2, 4, 6], [4, 6], [6]
    flat = ds.flat_map(lambda w: w.batch(3))

Window k holds the input elements at k*shift + j*stride for j < size, those that exist;
windows start while k*shift is within the input. drop_remainder keeps the full ones.
A window element runs through the pipeline as, per leaf, the list of that leaf's arrays
in the window; flat_map and interleave hand it to the datasets their function built on
the window's components (functions.py's _WindowPart).
"""
import collections

from ..graph import Tensor
from .dataset import Dataset, Failed, _count, _invalid, _tensor_args, _value
from .specs import nested_leaves
from .structure import sparse_leaves

__all__ = []

_NAMES = ("size", "shift", "stride")


class _Window(Dataset):
    _unwritable = "a Dataset.window (its elements are datasets)"

    def __init__(self, ds, size, shift, stride, drop_remainder):
        nested_leaves(ds, "Dataset.window")
        if sparse_leaves(ds._structure):
            raise TypeError("Dataset.window: SparseTensor components are not supported "
                            "by graphc")
        if not isinstance(drop_remainder, bool):
            raise TypeError(f"Dataset.window: drop_remainder must be a Python bool, got "
                            f"{drop_remainder!r}")
        args = [_count(v, n, -(1 << 62)) for v, n in
                zip((size, size if shift is None else shift, stride), _NAMES)]
        for v, n in zip(args, _NAMES):
            if not isinstance(v, Tensor) and v <= 0:
                raise ValueError(f"Window {n} must be greater than zero.")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         tensors=_tensor_args(*args), nested=[True] * len(ds._types))
        self._args, self._drop = tuple(args), drop_remainder

    def _check(self, values):
        for v, n in zip(self._args, _NAMES):
            if isinstance(v, Tensor) and values[v] <= 0:
                raise _invalid(self, f"Window {n} must be greater than zero.")

    def _cardinality(self, values, n):
        size, shift, stride = (int(values[v]) if isinstance(v, Tensor) else v
                               for v in self._args)
        if n[0] < 0:
            return n[0]
        if not self._drop:
            return -(-n[0] // shift)
        span = (size - 1) * stride + 1
        return (n[0] - span) // shift + 1 if n[0] >= span else 0

    def _iter(self, run):
        size, shift, stride = (_value(run, v) for v in self._args)
        it = self._parents[0]._iter(run)
        buf, base, ended, start = collections.deque(), 0, False, 0
        span = (size - 1) * stride + 1        # input elements a full window covers
        while True:
            while not ended and base + len(buf) < start + span:
                element = next(it, None)
                if element is None:
                    ended = True
                else:
                    buf.append(element)
            while buf and base < start:         # elements before this window's start
                buf.popleft()
                base += 1
            if base < start or not buf:         # the input ended before this start
                return
            rows = [buf[i] for i in range(0, min(span, len(buf)), stride)]
            if self._drop and len(rows) < size:
                return                          # the later windows are shorter still
            failed = [r for r in rows if type(r) is Failed]     # TF's: the window fails
            yield failed[0] if failed else [[r[k] for r in rows]
                                            for k in range(len(self._types))]
            start += shift
