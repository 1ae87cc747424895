"""Datasets made of datasets, and reduce: flat_map and interleave (a function of an
element that returns a dataset), Dataset.reduce (a function folded over the elements).

    ds.interleave(lambda f: gc.data.TextLineDataset(f), cycle_length=2, block_length=4)
    total = ds.reduce(np.int64(0), lambda s, x: s + x)

The function is traced once into a FuncGraph (as map's are). The dataset it returns is
built on that graph's placeholders; what that dataset reads (its tensors, its functions'
captures) become the traced function's outputs, computed for each input element; the
inner dataset then runs in a PipelineRun of its own holding those values. interleave
keeps `cycle_length` inner pipelines open and takes `block_length` elements from each
in turn: TF's InterleaveDataset order, which its parallel version keeps too (deterministic).
"""
import os

import numpy as np

from .. import errors
from ..graph import Tensor
from ..ops.control import _unflatten
from ..ops.registry import OpDef, apply, register
from ..shapes import TensorShape
from .dataset import (Dataset, Failed, _count, _invalid, _tensor_args, _value, check_pipeline,
                      strict)
from .functions import _Function
from .specs import nested_leaves
from .iterator import PipelineRun, _Handle, _infer_next, _Pipeline, _sources
from .structure import to_tensors

__all__ = []


class _DatasetFunction(_Function):
    """A flat_map/interleave function: returns a Dataset; its outputs are the values
    that dataset reads (self.keys, the tensors they stand for)."""

    def _outputs(self, fg, value, what):
        if not isinstance(value, Dataset):
            raise TypeError(f"`map_func` must return a `Dataset` object. Got {type(value)}.")
        init, live = _sources(value)
        self.dataset, self.structure, self.keys = value, None, init + live
        return [fg.capture(t) for t in self.keys]


def interleave(ds, map_func, cycle_length, block_length, what):
    """Dataset.interleave and flat_map: see their docstrings."""
    cycle = _count(_cpus() if cycle_length in (None, -1) else cycle_length,
                   "cycle_length", -(1 << 62))
    block = _count(1 if block_length in (None, -1) else block_length,
                   "block_length", -(1 << 62))
    for v, name in ((cycle, "cycle_length"), (block, "block_length")):
        if not isinstance(v, Tensor) and v <= 0:
            raise ValueError(f"{name} must be greater than zero.")
    return _Interleave(ds, _DatasetFunction(what, map_func, ds), cycle, block)


def _cpus():
    """TF's AUTOTUNE cycle_length: the number of CPU cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class _Interleave(Dataset):
    _saved = ("_cycle", "_block", "_keys")

    def __init__(self, ds, fn, cycle, block):
        inner = fn.dataset
        super().__init__(inner._structure, inner._types, inner._shapes, parents=(ds,),
                         tensors=_tensor_args(cycle, block), functions=(fn,),
                         dense=inner._dense, nested=inner._nested)
        self._inner = (inner,)          # not a parent: its tensors live in fn's graph
        self._cycle, self._block, self._keys = cycle, block, list(fn.keys)

    def _check(self, values):
        for v, name in ((self._cycle, "cycle_length"), (self._block, "block_length")):
            if isinstance(v, Tensor) and values[v] <= 0:
                raise _invalid(self, f"{name} must be greater than zero.")

    def _open(self, run, element):
        """The element's dataset, started in a run of its own (a Failed where the
        function failed)."""
        fn = self._functions[0]
        try:
            values = dict(zip(self._keys, fn(run, element) if fn.outs else []))
        except errors.OpError as e:
            return Failed(e)
        for k, part in getattr(fn, "parts", ()):     # window components' elements
            values[part] = element[k]
        check_pipeline(self._inner[0], values)
        return self._inner[0]._iter(PipelineRun(run.session, values))

    def _iter(self, run):
        cycle, block = _value(run, self._cycle), _value(run, self._block)
        inputs = self._parents[0]._iter(run)
        slots, i, b, n_open, ended = [None] * cycle, 0, 0, 0, False
        # TF's InterleaveDataset: a slot gives `block` elements, then the next slot;
        # an exhausted slot passes its turn and is refilled from the input on the next
        while not ended or n_open:
            if slots[i] is not None:
                element = next(slots[i], None)
                if type(element) is Failed:     # passed on, not counted (TF's interleave)
                    yield element
                    continue
                if element is not None:
                    b += 1
                    if b == block:
                        b, i = 0, (i + 1) % cycle
                    yield element
                    continue
                slots[i], n_open, b, i = None, n_open - 1, 0, (i + 1) % cycle
            elif not ended:
                x = next(inputs, None)
                if x is None:
                    ended = True
                    continue
                slot = x if type(x) is Failed else self._open(run, x)
                if type(slot) is Failed:
                    yield slot
                else:
                    slots[i], n_open = slot, n_open + 1
            else:
                b, i = 0, (i + 1) % cycle


# ---- reduce -------------------------------------------------------------------------------
class _Spec:
    """The (state, element) argument structure a reduce function is traced with."""

    def __init__(self, structure, types, shapes):
        self._structure, self._types, self._shapes = structure, types, shapes


def _relaxed(a, b):
    """The most specific shape both a and b fit (TF's state-shape relaxation)."""
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape(tuple(x if x == y else None for x, y in zip(a._dims, b._dims)))


def reduce(ds, initial_state, reduce_func):
    """Dataset.reduce: see its docstring."""
    nested_leaves(ds, "Dataset.reduce")
    structure, state = to_tensors(initial_state)
    types, shapes = [t.dtype for t in state], [t.shape for t in state]
    for _ in range(len(shapes) * 8 + 2):    # each retrace relaxes at least one dim
        spec = _Spec((tuple, [structure, ds._structure]), types + ds._types,
                     shapes + ds._shapes)
        fn = _Function("reduce", reduce_func, spec)
        if fn.structure != structure:
            raise TypeError("The element classes for the new state must match the initial "
                            f"state. Expected {_unflatten(structure, iter(types))} but got "
                            f"{_unflatten(fn.structure, iter(t.dtype for t in fn.outs))}.")
        got = [t.dtype for t in fn.outs]
        if got != types:
            raise TypeError("The element types for the new state must match the initial "
                            f"state. Expected {_unflatten(structure, iter(types))} but got "
                            f"{_unflatten(structure, iter(got))}.")
        new = [_relaxed(a, t.shape) for a, t in zip(shapes, fn.outs)]
        if [s._dims for s in new] == [s._dims for s in shapes]:
            break
        shapes = new
    folded = _Reduce(ds, structure, types, shapes, state, fn)
    h = _Handle()
    h.dataset, h.one_shot, h.site, h.name = folded, True, folded._site, "ReduceDataset"
    h.init_tensors, h.live = _sources(folded)
    node = apply(REDUCE_DATASET, h.init_tensors + h.live, name="ReduceDataset", handle=h)
    return _unflatten(structure, iter(node.outputs))


class _Reduce(Dataset):
    """One element: the state after folding the function over `ds`."""

    def __init__(self, ds, structure, types, shapes, state, fn):
        super().__init__(structure, types, shapes, parents=(ds,), tensors=state,
                         functions=(fn,))

    def _iter(self, run):
        fn = self._functions[0]
        state = [run.values[t] for t in self._tensors]
        for element in strict(self._parents[0]._iter(run)):
            state = [np.asarray(a, t.np) for a, t in zip(fn(run, state + list(element)),
                                                         self._types)]
            for k, (a, s) in enumerate(zip(state, self._shapes)):
                if not s.is_compatible_with(TensorShape(a.shape)):
                    raise _invalid(self, f"reduce: the new state's component {k} has shape "
                                         f"{a.shape}, not {s}")
        yield state


def _reduce_kernel(rt, *arrays, handle):
    n = len(handle.init_tensors)
    run = _Pipeline(rt.session, handle, dict(zip(handle.init_tensors, arrays[:n])))
    run.values.update(zip(handle.live, arrays[n:]))
    out = [np.asarray(a, t.dtype.np) for a, t in zip(run.next(), rt.node.outputs)]
    return tuple(out) if len(out) != 1 else out[0]


REDUCE_DATASET = register(OpDef(
    "ReduceDataset", _infer_next, _reduce_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.Dataset.reduce",
    signature="dataset.reduce(initial_state, reduce_func)",
    shape_rule="initial_state's shapes, relaxed where reduce_func changes them",
    dtypes="initial_state's dtypes",
    doc="Folds reduce_func over a dataset's elements; reads the whole dataset per run."))
