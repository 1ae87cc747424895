"""Datasets that carry state from element to element: counter, random, enumerate,
scan, take_while, unique and ignore_errors (methods.py's entry points build them).

    ds = gc.data.Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s))
    ds = ds.take_while(lambda s: s < 5).unique()

scan's function is traced like reduce's (nested.py): on (state, element) placeholders,
retraced with relaxed state shapes until the shapes it returns fit the ones it got.
"""
import numpy as np

from .. import dtypes
from ..graph import Tensor, get_default_graph
from ..ops.control import _unflatten
from ..ops.core import convert_to_tensor
from ..ops.random import get_seed
from ..shapes import TensorShape
from ..type_spec import TensorSpec
from .dataset import INFINITE, Dataset, Failed, _invalid
from .functions import _Function, failed, predicate_results
from .nested import _relaxed, _Spec
from .specs import dense_shapes, nested_leaves
from .structure import to_tensors

__all__ = []


class _Shown(str):
    """A string shown bare inside a structure's repr."""
    __repr__ = str.__str__


def dtype_repr(d):
    """A dtype as TF prints it in messages: <dtype: 'int32'>."""
    return _Shown(f"<dtype: '{d.name}'>")


def returned_spec(fn, outs=None):
    """The TensorSpecs a traced function returned, in its structure (for messages)."""
    outs = fn.outs if outs is None else outs
    return _unflatten(fn.structure, iter(TensorSpec(t.shape, t.dtype) for t in outs))


# ---- counter, random, enumerate -----------------------------------------------------------
class _Counter(Dataset):
    """start, start + step, ... in `dtype`, forever (wrapping as the dtype does)."""

    def __init__(self, start, step, dtype):
        parts = []
        for v, what in ((start, "start"), (step, "step")):
            if isinstance(v, Tensor) and v.dtype is not dtype:
                raise ValueError(f"{what}: Tensor conversion requested dtype {dtype.name} for "
                                 f"Tensor with dtype {v.dtype.name}: {v!r}")
            parts.append(convert_to_tensor(v, dtype=dtype, name=what))
        super().__init__(None, [dtype], [TensorShape(())], tensors=parts)

    def _cardinality(self, values, n):
        return INFINITE

    def _iter(self, run):
        dtype = self._types[0].np
        value, step = (np.asarray(run.values[t], dtype) for t in self._tensors)
        while True:
            yield [value]
            value = np.add(value, step, dtype=dtype)


def counter(start, step, dtype):
    """Dataset.counter: see methods.py."""
    return _Counter(start, step, dtypes.int64 if dtype is None else dtypes.as_dtype(dtype))


def enumerate_dataset(ds, start):
    """Dataset.enumerate: a zip with an int64 counter from `start`."""
    if isinstance(start, Tensor) and start.dtype is not dtypes.int64:
        raise ValueError(f"start: Tensor conversion requested dtype int64 for Tensor with "
                         f"dtype {start.dtype.name}: {start!r}")
    return Dataset.zip((_Counter(start, 1, dtypes.int64), ds))


class _Random(Dataset):
    _saved = ("_seed", "_rerandomize")

    def __init__(self, seed, rerandomize):
        super().__init__(None, [dtypes.int64], [TensorShape(())])
        self._seed, self._rerandomize = seed, bool(rerandomize)

    def _cardinality(self, values, n):
        return INFINITE

    def _iter(self, run):
        epoch = run.started(self)
        base = list(self._seed) if self._seed is not None else run.entropy(self)
        rng = np.random.default_rng(base + [epoch if self._rerandomize else 0])
        while True:
            for v in rng.integers(0, 1 << 32, size=256, dtype=np.int64):
                yield [v]


def random(seed, rerandomize_each_iteration):
    """Dataset.random: see methods.py."""
    return _Random(get_seed(get_default_graph(), seed), rerandomize_each_iteration)


# ---- scan -----------------------------------------------------------------------------------
def _leaf_count(structure):
    """The number of leaves of an element structure."""
    n, stack = 0, [structure]
    while stack:
        s = stack.pop()
        if s is None:
            n += 1
        else:
            stack.extend(s[1].values() if s[0] is dict else s[1])
    return n


def scan(ds, initial_state, scan_func):
    """Dataset.scan: see methods.py."""
    nested_leaves(ds, "Dataset.scan")
    structure, state = to_tensors(initial_state)
    types, shapes, n = [t.dtype for t in state], [t.shape for t in state], len(state)
    for _ in range(n * 8 + 2):          # each retrace relaxes at least one dim
        spec = _Spec((tuple, [structure, ds._structure]), types + ds._types,
                     shapes + ds._shapes)
        fn = _Function("scan", scan_func, spec)
        s = fn.structure
        if s is None or s[0] is dict or len(s[1]) != 2:
            raise TypeError("Invalid `scan_func`. `scan_func` should return a pair consisting "
                            "of new state and the output value but its return type is "
                            f"{returned_spec(fn)}.")
        if s[1][0] != structure:
            raise TypeError("Invalid `scan_func`. The element classes for the new state must "
                            f"match the initial state. Expected "
                            f"{_unflatten(structure, iter(types))}, got "
                            f"{_unflatten(s[1][0], iter(t.dtype for t in fn.outs))}.")
        got = [t.dtype for t in fn.outs[:n]]
        if got != types:
            show = (lambda ds_: _unflatten(structure, iter(dtype_repr(d) for d in ds_)))
            raise TypeError("Invalid `scan_func`. The element types for the new state must "
                            f"match the initial state. Expected {show(types)}, got "
                            f"{show(got)}.")
        new = [_relaxed(a, t.shape) for a, t in zip(shapes, fn.outs)]
        if [x._dims for x in new] == [x._dims for x in shapes]:
            break
        shapes = new
    return _Scan(ds, state, shapes, fn, s[1][1])


class _Scan(Dataset):
    _saved = ("_n", "_state_shapes")

    def __init__(self, ds, state, shapes, fn, structure):
        self._n, self._state_shapes = len(state), tuple(shapes)
        outs = fn.outs[self._n:]
        out_shapes = [t.shape for t in outs]
        super().__init__(structure, [t.dtype for t in outs], out_shapes, parents=(ds,),
                         tensors=state, functions=(fn,),
                         dense=dense_shapes(structure, out_shapes, outs))

    def _cardinality(self, values, n):
        return n[0]

    def _iter(self, run):
        fn, n = self._functions[0], self._n
        state = [run.values[t] for t in self._tensors]
        for element in self._parents[0]._iter(run):
            out = element if type(element) is Failed else failed(fn, run, state + list(element))
            if out is None:
                return
            if type(out) is Failed:         # the state stays as it was (TF's scan)
                yield out
                continue
            state = [np.asarray(a, t.dtype.np) for a, t in zip(out[:n], fn.outs)]
            for k, (a, s) in enumerate(zip(state, self._state_shapes)):
                if not s.is_compatible_with(TensorShape(a.shape)):
                    raise _invalid(self, f"scan: the new state's component {k} has shape "
                                         f"{a.shape}, not {s}")
            yield out[n:]


# ---- take_while, unique ----------------------------------------------------------------------
class _TakeWhile(Dataset):
    def __init__(self, ds, predicate):
        fn = _Function("take_while", predicate, ds)
        out = fn.outs[0]
        if fn.structure is not None or not out.dtype.is_bool or out.shape.rank not in (0, None):
            raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             f"tensor but its return type is {returned_spec(fn)}.")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,),
                         functions=(fn,), dense=ds._dense)

    def _iter(self, run):
        for element, keep in predicate_results(self, run, lambda shape: _invalid(
                self, f"take_while: the predicate returned shape {shape}, not a scalar")):
            if not keep:
                return
            yield element


_UNIQUE_TYPES = (dtypes.int32, dtypes.int64, dtypes.string)


class _Unique(Dataset):
    def __init__(self, ds):
        nested_leaves(ds, "Dataset.unique")
        for t in ds._types:
            if t not in _UNIQUE_TYPES:
                raise TypeError(f"`tf.data.Dataset.unique` does not support type "
                                f"{dtype_repr(t)} -- only `tf.int32`, `tf.int64`, and "
                                "`tf.string` are supported.")
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))

    def _check(self, values):
        if len(self._types) != 1:           # TF checks this when the pipeline starts
            raise _invalid(self, "UniqueDataset only supports inputs with a single "
                                 "component.")

    def _iter(self, run):
        seen = set()
        for element in self._parents[0]._iter(run):
            if type(element) is Failed:
                yield element
                continue
            a = np.asarray(element[0])
            key = (a.shape, tuple(a.flat)) if a.dtype == object else (a.shape, a.tobytes())
            if key not in seen:
                seen.add(key)
                yield element


# ---- ignore_errors ------------------------------------------------------------------------------
class _IgnoreErrors(Dataset):
    """Drops the elements that failed (their Failed markers, dataset.py)."""
    _saved = ("_log",)

    def __init__(self, ds, log_warning):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))
        self._log = bool(log_warning)

    def _iter(self, run):
        for element in self._parents[0]._iter(run):
            if type(element) is not Failed:
                yield element
            elif self._log:
                from .. import tf_logging
                tf_logging.warning("Dataset.ignore_errors: skipping an element: %s",
                                   element.error)
