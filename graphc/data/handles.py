"""Reinitializable and feedable iterators (TF1's Iterator.from_structure and
Iterator.from_string_handle), built by Iterator's static methods.

    it = gc.data.Iterator.from_structure(ds_train.output_types, ds_train.output_shapes)
    x = it.get_next()
    train_init, val_init = it.make_initializer(ds_train), it.make_initializer(ds_val)

A from_structure iterator has a _Handle whose dataset is a _Declared (its structure,
dtypes and shapes, no elements). Each make_initializer is a MakeIterator of the
dataset's own handle with `target` set to the iterator's: it starts the dataset's
pipeline under the iterator's key in session._op_state, where get_next finds it. An
IteratorV2 node (made first, so a graph_def writes the handle there) outputs its string
handle. string_handle() is IteratorToStringHandle: the session maps that string to the
iterator, and a from_string_handle iterator's get_next (IteratorGetNext with
from_string=True) looks up the iterator named by the fed string, checks its element
types and shapes (InvalidArgumentError, as TF) and advances it.
"""
from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from ..ops.core import convert_to_tensor
from ..ops.registry import apply
from ..shapes import TensorShape
from .dataset import Dataset
from .generator import _shape_leaves
from .iterator import (ITERATOR_TO_STRING_HANDLE, ITERATOR_V2, MAKE_ITERATOR, Iterator,
                       _Handle, _sources)
from .specs import nested_leaves
from .structure import Sparse, flatten, leaves_along

__all__ = []


class _Declared(Dataset):
    """The element structure, dtypes and shapes an iterator declares; no elements."""

    def _iter(self, run):
        raise errors.FailedPreconditionError("a declared element structure has no elements")


def _declared(output_types, output_shapes, output_classes, what):
    types = []
    structure = flatten(output_types, types)
    try:
        types = [dtypes.as_dtype(t) for t in types]
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what}: output_types must be dtypes (or a tuple/dict of them): "
                        f"{e}") from None
    shapes = [TensorShape(None)] * len(types)
    if output_shapes is not None:
        shapes = []
        _shape_leaves(output_shapes, structure, shapes)
    if output_classes is None:
        return _Declared(structure, types, shapes)
    from ..sparse import SparseTensor
    classes = leaves_along(output_classes, structure, (tuple, list), lambda: TypeError(
        f"{what}: output_classes {output_classes!r} does not have the structure of "
        "output_types"))
    structure, types, shapes, dense = _with_sparse(
        structure, [c is SparseTensor for c in classes], types, shapes)
    return _Declared(structure, types, shapes, dense=dense)


def _with_sparse(structure, sparse, types, shapes):
    """The structure, leaf dtypes and shapes, and SparseTensor dense shapes, where the
    leaves flagged in `sparse` are SparseTensors of that values dtype and dense shape
    (TF1's output_classes=SparseTensor)."""
    leaf = iter(range(len(types)))
    out_types, out_shapes, dense = [], [], []

    def walk(s):
        if s is not None:
            kind, parts = s
            if kind is dict:
                return (dict, {k: walk(v) for k, v in parts.items()})
            return (kind, [walk(v) for v in parts])
        k = next(leaf)
        if not sparse[k]:
            out_types.append(types[k])
            out_shapes.append(shapes[k])
            return None
        rank = shapes[k].rank
        out_types.extend([dtypes.int64, types[k], dtypes.int64])
        out_shapes.extend([TensorShape([None, rank]), TensorShape([None]), TensorShape([rank])])
        dense.append(shapes[k])
        return (Sparse, [None, None, None])
    structure = walk(structure)
    return structure, out_types, out_shapes, dense


def _new(dataset, name):
    h = _Handle()
    h.dataset, h.one_shot, h.site = dataset, False, errors.user_site()
    h.init_tensors, h.live = [], []
    h.name = get_default_graph().unique_name(name)
    it = Iterator.__new__(Iterator)
    it._handle, it._initializer, it._string = h, None, None
    return it


def from_structure(output_types, output_shapes, shared_name, output_classes):
    """Iterator.from_structure: see its docstring. shared_name is accepted; graphc's
    sessions share nothing, so it has no effect."""
    it = _new(_declared(output_types, output_shapes, output_classes,
                        "Iterator.from_structure"), "Iterator")
    it._anchor = apply(ITERATOR_V2, [], name="IteratorV2", handle=it._handle)
    return it


def from_string_handle(string_handle, output_types, output_shapes, output_classes):
    """Iterator.from_string_handle: see its docstring."""
    t = string_handle if isinstance(string_handle, Tensor) else convert_to_tensor(string_handle)
    if t.dtype is not dtypes.string:
        raise ValueError(f"Tensor conversion requested dtype string for Tensor with dtype "
                         f"{t.dtype.name}: {errors.describe_tensor(t, t.name)}")
    if t.shape.rank not in (0, None):
        raise errors.ShapeError(f"Iterator.from_string_handle: the string handle must be a "
                                f"scalar: {errors.describe_tensor(t, t.name)}")
    it = _new(_declared(output_types, output_shapes, output_classes,
                        "Iterator.from_string_handle"), "Iterator")
    it._string = t
    return it


def make_initializer(it, dataset, name):
    """Iterator.make_initializer: see its docstring."""
    h = it._handle
    if not isinstance(h.dataset, _Declared) or it._string is not None:
        raise ValueError("make_initializer: only an iterator made by "
                         "Iterator.from_structure can be initialized with a dataset")
    if not isinstance(dataset, Dataset):
        raise TypeError(f"make_initializer: expected a Dataset, got {type(dataset).__name__}")
    nested_leaves(dataset, "make_initializer")
    want = h.dataset
    if dataset._structure != want._structure:
        raise ValueError("The two structures don't have the same nested structure.\n\n"
                         f"First structure: {want.output_types}\n\n"
                         f"Second structure: {dataset.output_types}")
    if dataset._types != want._types:
        raise TypeError(f"Expected output types {want.output_types} but got dataset with "
                        f"output types {dataset.output_types}.")
    if not all(a.is_compatible_with(b) for a, b in zip(want._shapes + want._dense,
                                                       dataset._shapes + dataset._dense)):
        raise TypeError(f"Expected output shapes compatible with {want.output_shapes} but "
                        f"got dataset with output shapes {dataset.output_shapes}.")
    d = _Handle()
    d.dataset, d.one_shot, d.site = dataset, False, errors.user_site()
    d.init_tensors, d.live = _sources(dataset)
    d.name = f"{h.name}/{get_default_graph().unique_name('dataset')}"
    return apply(MAKE_ITERATOR, d.init_tensors, name=name or "make_initializer", handle=d,
                 target=h)


def string_handle(it, name):
    """Iterator.string_handle: see its docstring."""
    if it._string is not None:
        return it._string
    h = it._handle
    node = apply(ITERATOR_TO_STRING_HANDLE, h.init_tensors if h.one_shot else [],
                 name=name or "IteratorToStringHandle", handle=h)
    return node.outputs[0]
