"""Iterators: how a dataset's elements enter the graph, through two stateful ops.

    it = ds.make_initializable_iterator()
    x = it.get_next()
    sess.run(it.initializer, feed_dict={...})   # MakeIterator: evaluates the dataset's
    sess.run(x)                                 # tensors; IteratorGetNext: one element

MakeIterator's inputs are the tensors the dataset is built from (constants, placeholders,
computed tensors) and those its map/filter functions capture: running it evaluates them
(so feeds work) and starts a pipeline (pipeline.py) for this Session in
session._op_state. Each run of IteratorGetNext advances it; its inputs are the variables
the functions capture (read afresh for every element, as TF1 reads them through their
handle) and, for a one-shot iterator, the dataset's tensors too (its pipeline starts on
the first run per session).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import get_default_graph
from ..ops.control import _needed, _unflatten
from ..ops.registry import OpDef, apply, register
from ..shapes import InferError, TensorShape
from .pipeline import PipelineRun, _Pipeline, _start  # noqa: F401 (re-exported)
from .specs import nested_leaves
from .structure import with_dense_shapes

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


def _infer_make(ctx, *inputs, handle, target=None):
    return []


def _make_kernel(rt, *arrays, handle, target=None):
    """Starts `handle`'s pipeline, kept under `target` (a from_structure iterator's
    handle) or under handle itself."""
    _start(rt.session, target or handle,
           _Pipeline(rt.session, handle, dict(zip(handle.init_tensors, arrays))))
    return ()


def _infer_next(ctx, *inputs, handle, from_string=False):
    if from_string:
        s = inputs[0]
        if s.dtype is not dtypes.string or s.shape.rank not in (0, None):
            raise InferError(f"a string handle must be a scalar string tensor, not {{0}} of "
                             f"{s.dtype.name} {s.shape}", "dtype")
    ds = handle.dataset
    out = list(zip(ds._shapes, ds._types))
    return out if len(out) != 1 else out[0]


def _next_kernel(rt, *arrays, handle, from_string=False):
    target = _target(rt, arrays[0], handle) if from_string else handle
    state = rt.session._op_state.get(target)
    if state is None:
        if not target.one_shot or from_string:
            raise errors.FailedPreconditionError(
                f"GetNext failed because the iterator has not been initialized: "
                f"{errors.describe_node(rt.node)} reads iterator '{target.name}' (made at "
                f"{errors.format_site(target.site)}) before its initializer ran in this "
                "session: run sess.run(iterator.initializer) first")
        state = _start(rt.session, handle,
                       _Pipeline(rt.session, handle, dict(zip(handle.init_tensors, arrays))))
    if state.handle is handle:
        n_init = len(handle.init_tensors) if handle.one_shot else 0
        state.values.update(zip(handle.live, arrays[n_init:]))
    else:
        state.refresh()
    element = state.next()
    if element is None:
        again = ("a one-shot iterator does not restart" if target.one_shot else
                 "run its initializer to start again")
        raise errors.OutOfRangeError(
            f"End of sequence: {errors.describe_node(rt.node)} has no more elements in "
            f"iterator '{target.name}' (made at {errors.format_site(target.site)}); {again}")
    out = [np.asarray(a, dtype=t.dtype.np) for a, t in zip(element, rt.node.outputs)]
    if state.handle is not handle:      # declared shapes may be narrower than the data's
        for k, (a, t) in enumerate(zip(out, rt.node.outputs)):
            if not t.shape.is_compatible_with(TensorShape(a.shape)):
                raise errors.InvalidArgumentError(
                    f"Incompatible shapes at component {k}: expected {tf_shape(t.shape)} "
                    f"but got {tf_shape(TensorShape(a.shape))}.\n  in "
                    f"{errors.describe_node(rt.node)}")
    return tuple(out) if len(out) != 1 else out[0]


def tf_shape(s):
    """A shape as TF's kernels print it: [2,?], <unknown>."""
    if s.rank is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in s._dims) + "]"


def tf_dtype(d):
    """A dtype's name as TF's kernels print it (DataTypeString)."""
    return {"float32": "float", "float64": "double", "float16": "half"}.get(d.name, d.name)


_HANDLES = "data.iterator_handles"      # session._op_state: bytes <-> iterator handle


def string_handle_of(session, handle):
    """The string naming `handle`'s iterator in this session (made on first use)."""
    by_string = session._op_state.setdefault(_HANDLES, {})
    by_handle = session._op_state.setdefault(_HANDLES + "/rev", {})
    s = by_handle.get(handle)
    if s is None:
        s, k = f"graphc-iterator:{handle.name}".encode(), 1
        while s in by_string:           # two imported copies of one iterator's name
            k += 1
            s = f"graphc-iterator:{handle.name}#{k}".encode()
        by_string[s], by_handle[handle] = handle, s
    return s


def _target(rt, value, handle):
    """The iterator a fed string handle names, checked against `handle`'s declared
    element types and shapes (TF's IteratorFromStringHandle checks)."""
    v = value.item() if isinstance(value, np.ndarray) else value
    v = v.encode() if isinstance(v, str) else v
    target = rt.session._op_state.get(_HANDLES, {}).get(v)
    where = f"\n  in {errors.describe_node(rt.node)}"
    if target is None:
        raise errors.InvalidArgumentError(
            f"Could not parse string_handle as a valid ResourceHandle{where}")
    want, got = handle.dataset, target.dataset
    if len(want._types) != len(got._types):
        raise errors.InvalidArgumentError(
            f"Number of components does not match: expected {len(want._types)} types but "
            f"got {len(got._types)}.{where}")
    for k, (a, b) in enumerate(zip(want._types, got._types)):
        if a is not b:
            raise errors.InvalidArgumentError(
                f"Data type mismatch at component {k}: expected {tf_dtype(a)} but got "
                f"{tf_dtype(b)}.{where}")
    for k, (a, b) in enumerate(zip(want._shapes, got._shapes)):
        if not a.is_compatible_with(b):
            raise errors.InvalidArgumentError(
                f"Incompatible shapes at component {k}: expected {tf_shape(a)} but got "
                f"{tf_shape(b)}.{where}")
    return target


def _infer_string(ctx, *inputs, handle):
    return (), dtypes.string


def _string_kernel(rt, *arrays, handle):
    """The iterator's string handle; a one-shot iterator starts here if it has not
    (TF runs its OneShotIterator op first)."""
    if handle.one_shot and rt.session._op_state.get(handle) is None:
        _start(rt.session, handle,
               _Pipeline(rt.session, handle, dict(zip(handle.init_tensors, arrays))))
    return np.asarray(string_handle_of(rt.session, handle), dtype=object)


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
ITERATOR_V2 = register(OpDef(
    "IteratorV2", _infer_string, _string_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.Iterator.from_structure",
    signature="Iterator.from_structure(output_types, output_shapes=None, shared_name=None, "
              "output_classes=None)",
    shape_rule="a scalar", dtypes="string",
    doc="A reinitializable iterator (its make_initializer ops start it); outputs its "
        "string handle."))
ITERATOR_TO_STRING_HANDLE = register(OpDef(
    "IteratorToStringHandle", _infer_string, _string_kernel, uses_state=True,
    stateful=True, differentiable=False, api="data.Iterator.string_handle",
    signature="iterator.string_handle(name=None)", shape_rule="a scalar", dtypes="string",
    doc="The string naming an iterator in this session, to feed from_string_handle."))


class Iterator:
    """Elements of a dataset, one per run of get_next() (TF1 tf.data.Iterator)."""

    def __init__(self, dataset, one_shot, name="Iterator"):
        nested_leaves(dataset, "make_one_shot_iterator" if one_shot else
                      "make_initializable_iterator")
        h = _Handle()
        h.dataset, h.one_shot, h.site = dataset, one_shot, errors.user_site()
        h.init_tensors, h.live = _sources(dataset)
        graph = get_default_graph()
        h.name = graph.unique_name(name)
        self._handle = h
        self._initializer = None
        self._string = None             # a from_string_handle iterator's handle tensor
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
            raise ValueError("this iterator has no initializer: a one-shot iterator starts "
                             "on its first get_next run in each session, a from_structure "
                             "iterator by its make_initializer(dataset) ops")
        return self._initializer

    @property
    def output_types(self):
        return self._handle.dataset.output_types

    @property
    def output_shapes(self):
        return self._handle.dataset.output_shapes

    @property
    def output_classes(self):
        return self._handle.dataset.output_classes

    @property
    def element_spec(self):
        """The type of an element (TypeSpecs in its structure), as the dataset's."""
        return self._handle.dataset.element_spec

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None,
                       output_classes=None):
        """A reinitializable iterator of elements of this structure: each
        make_initializer(dataset) op (re)starts it on that dataset.

            it = gc.data.Iterator.from_structure(gc.int64, gc.TensorShape([]))
            x = it.get_next()
            train_init = it.make_initializer(gc.data.Dataset.range(10))
        """
        from .handles import from_structure
        return from_structure(output_types, output_shapes, shared_name, output_classes)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None,
                           output_classes=None):
        """A feedable iterator: get_next reads the iterator whose string_handle() value
        is fed to `string_handle` (a scalar string placeholder).

            h = gc.placeholder(gc.string, shape=[])
            it = gc.data.Iterator.from_string_handle(h, gc.int64, gc.TensorShape([]))
            x = it.get_next()        # sess.run(x, {h: sess.run(train_it.string_handle())})
        """
        from .handles import from_string_handle
        return from_string_handle(string_handle, output_types, output_shapes, output_classes)

    def make_initializer(self, dataset, name=None):
        """The op that (re)starts this from_structure iterator on `dataset` (whose
        element structure, dtypes and compatible shapes it declared)."""
        from .handles import make_initializer
        return make_initializer(self, dataset, name)

    def string_handle(self, name=None):
        """A scalar string tensor naming this iterator in a session, to feed to a
        from_string_handle iterator's placeholder."""
        from .handles import string_handle
        return string_handle(self, name)

    def get_next(self, name=None):
        """The next element, as tensors in the dataset's structure (static shapes and
        dtypes of output_shapes/output_types). Each run advances the iterator; at the
        end a run raises gc.errors.OutOfRangeError."""
        h = self._handle
        if self._string is not None:
            node = apply(ITERATOR_GET_NEXT, [self._string], name=name or "IteratorGetNext",
                         handle=h, from_string=True)
            return _element(h.dataset, node.outputs)
        inputs = (h.init_tensors if h.one_shot else []) + h.live
        node = apply(ITERATOR_GET_NEXT, inputs, name=name or "IteratorGetNext", handle=h)
        return _element(h.dataset, node.outputs)

    def get_next_as_optional(self):
        """An Optional holding the next element, or none at the end (no
        OutOfRangeError); gc.data.experimental.get_next_as_optional(self)."""
        from .exp_optional import get_next_as_optional
        return get_next_as_optional(self)


def _element(dataset, outputs):
    """The outputs in the dataset's element structure; its SparseTensors get their static
    dense shapes (TF's get_next)."""
    return with_dense_shapes(_unflatten(dataset._structure, iter(outputs)), dataset._dense)


def make_one_shot_iterator(dataset):
    """dataset.make_one_shot_iterator() (TF 1.13+ spelling)."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """dataset.make_initializable_iterator() (TF 1.13+ spelling)."""
    return dataset.make_initializable_iterator(shared_name)


# modules whose ops and datasets an imported graph may need: registered on import
from . import batching, handles, nested, transforms  # noqa: E402,F401
