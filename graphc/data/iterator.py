"""Iterators: how a dataset's elements enter the graph, through two stateful ops.

    it = ds.make_initializable_iterator()
    x = it.get_next()
    sess.run(it.initializer, feed_dict={...})   # MakeIterator: evaluates the dataset's
    sess.run(x)                                 # tensors; IteratorGetNext: one element

MakeIterator's inputs are the tensors the dataset is built from (constants, placeholders,
computed tensors) and those its map/filter functions capture: running it evaluates them
(so feeds work) and starts a pipeline for this Session in session._op_state. Each run of
IteratorGetNext advances it; its inputs are the variables the functions capture (read
afresh for every element, as TF1 reads them through their handle) and, for a one-shot
iterator, the dataset's tensors too (its pipeline starts on the first run per session).
"""
import numpy as np

from .. import errors
from ..graph import get_default_graph
from ..ops.control import _needed, _unflatten
from ..ops.registry import OpDef, apply, register

__all__ = ["Iterator", "make_one_shot_iterator", "make_initializable_iterator"]


class _Handle:
    """The identity of one iterator: keys its pipeline in each session."""
    __slots__ = ("dataset", "name", "site", "one_shot", "init_tensors", "live")

    def __repr__(self):
        return f"<iterator '{self.name}'>"


def _sources(dataset):
    """(tensors evaluated at initialization, variables read per element) of a dataset
    and all it reads; iterative over the chain of datasets."""
    init, live, stack, seen = {}, {}, [dataset], set()
    while stack:
        ds = stack.pop()
        if id(ds) in seen:
            continue
        seen.add(id(ds))
        init.update(dict.fromkeys(ds._tensors))
        for fn in ds._functions:
            for t in fn.captured:
                (live if t.node.op.ref else init)[t] = None
        stack.extend(ds._parents)
    return list(init), list(live)


class _Pipeline:
    """One started iterator in one session: the element generator and what it reads."""

    def __init__(self, session, handle, values):
        self.session = session
        self.values = values            # tensor -> array: what the datasets read
        self._starts = {}
        self._entropy = {}
        self._elements = handle.dataset._iter(self)
        self.done = False
        self.failed = None              # the error that ended the pipeline, if one did

    def started(self, ds):
        """How many times `ds` started before in this pipeline (its epoch number)."""
        k = self._starts.get(ds, 0)
        self._starts[ds] = k + 1
        return k

    def entropy(self, ds):
        """Fresh random seed words for an unseeded shuffle, fixed for this pipeline."""
        if ds not in self._entropy:
            self._entropy[ds] = [int(w) for w in np.random.SeedSequence().generate_state(2)]
        return self._entropy[ds]

    def next(self):
        """The next element, or None at the end. An error ends the pipeline (its
        generators cannot resume): later calls raise it again rather than report an
        end of sequence that would silently drop the remaining elements."""
        if self.failed is not None:
            raise ValueError(f"this iterator's pipeline failed on an earlier run "
                             f"({type(self.failed).__name__}: {self.failed}); run its "
                             "initializer to start again")
        if not self.done:
            try:
                return next(self._elements)
            except StopIteration:
                self.done = True
            except Exception as e:
                self.failed = e
                raise
        return None


def _infer_make(ctx, *inputs, handle):
    return []


def _make_kernel(rt, *arrays, handle):
    rt.session._op_state[handle] = _Pipeline(rt.session, handle,
                                             dict(zip(handle.init_tensors, arrays)))
    return ()


def _infer_next(ctx, *inputs, handle):
    ds = handle.dataset
    out = list(zip(ds._shapes, ds._types))
    return out if len(out) != 1 else out[0]


def _next_kernel(rt, *arrays, handle):
    state = rt.session._op_state.get(handle)
    n_init = len(handle.init_tensors) if handle.one_shot else 0
    if state is None:
        if not handle.one_shot:
            raise errors.FailedPreconditionError(
                f"GetNext failed because the iterator has not been initialized: "
                f"{errors.describe_node(rt.node)} reads iterator '{handle.name}' (made at "
                f"{errors.format_site(handle.site)}) before its initializer ran in this "
                "session: run sess.run(iterator.initializer) first")
        state = _Pipeline(rt.session, handle, dict(zip(handle.init_tensors, arrays)))
        rt.session._op_state[handle] = state
    state.values.update(zip(handle.live, arrays[n_init:]))
    element = state.next()
    if element is None:
        again = ("a one-shot iterator does not restart" if handle.one_shot else
                 "run its initializer to start again")
        raise errors.OutOfRangeError(
            f"End of sequence: {errors.describe_node(rt.node)} has no more elements in "
            f"iterator '{handle.name}' (made at {errors.format_site(handle.site)}); {again}")
    out = [np.asarray(a, dtype=t.dtype.np) for a, t in zip(element, rt.node.outputs)]
    return tuple(out) if len(out) != 1 else out[0]


MAKE_ITERATOR = register(OpDef(
    "MakeIterator", _infer_make, _make_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.Iterator.initializer",
    signature="dataset.make_initializable_iterator().initializer",
    shape_rule="no outputs", dtypes="any",
    doc="(Re)starts an iterator's pipeline in this session from its inputs' values."))
ITERATOR_GET_NEXT = register(OpDef(
    "IteratorGetNext", _infer_next, _next_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.Iterator.get_next",
    signature="iterator.get_next(name=None)",
    shape_rule="the dataset's output_shapes", dtypes="the dataset's output_types",
    doc="The next element of an iterator; OutOfRangeError at the end."))


class Iterator:
    """Elements of a dataset, one per run of get_next() (TF1 tf.data.Iterator)."""

    def __init__(self, dataset, one_shot, name="Iterator"):
        h = _Handle()
        h.dataset, h.one_shot, h.site = dataset, one_shot, errors.user_site()
        h.init_tensors, h.live = _sources(dataset)
        graph = get_default_graph()
        h.name = graph.unique_name(name)
        self._handle = h
        self._initializer = None
        if one_shot:
            fed = [n for n in _needed(h.init_tensors, set()) if n.type == "Placeholder"]
            if fed:
                raise errors.GraphError(
                    f"make_one_shot_iterator: the dataset reads "
                    f"{errors.describe_node(fed[0])}, which would have to be fed on every "
                    f"get_next, at {errors.format_site(h.site)}: use "
                    "make_initializable_iterator and feed it to the initializer")
        else:
            self._initializer = apply(MAKE_ITERATOR, h.init_tensors, name="MakeIterator",
                                      handle=h)

    @property
    def initializer(self):
        """The op that (re)starts the pipeline (initializable iterators only)."""
        if self._initializer is None:
            raise ValueError("a one-shot iterator has no initializer: it starts on its "
                             "first get_next run in each session")
        return self._initializer

    @property
    def output_types(self):
        return self._handle.dataset.output_types

    @property
    def output_shapes(self):
        return self._handle.dataset.output_shapes

    def get_next(self, name=None):
        """The next element, as tensors in the dataset's structure (static shapes and
        dtypes of output_shapes/output_types). Each run advances the iterator; at the
        end a run raises gc.errors.OutOfRangeError."""
        h = self._handle
        inputs = (h.init_tensors if h.one_shot else []) + h.live
        node = apply(ITERATOR_GET_NEXT, inputs, name=name or "IteratorGetNext", handle=h)
        return _unflatten(h.dataset._structure, iter(node.outputs))


def make_one_shot_iterator(dataset):
    """dataset.make_one_shot_iterator() (TF 1.13+ spelling)."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """dataset.make_initializable_iterator() (TF 1.13+ spelling)."""
    return dataset.make_initializable_iterator(shared_name)
