"""Dataset results as tensors: cardinality() (a DatasetCardinality op) and
get_single_element() (a DatasetToSingleElement op); as_numpy_iterator in a Session.

    n = gc.data.Dataset.range(10).batch(3).cardinality()    # sess.run(n) == 4
    x, y = gc.data.Dataset.from_tensors((1, 2.)).get_single_element()

Both ops are ReduceDataset's kind (nested.py): a one-shot pipeline over the dataset
started on every run, their inputs what the dataset reads. A dataset's cardinality is
its `_cardinality(values, parents' cardinalities)`, computed parents first.
"""
import numpy as np

from .. import dtypes
from ..ops.control import _unflatten
from ..ops.registry import OpDef, apply, register
from ..shapes import TensorShape
from .dataset import Dataset, _invalid, strict
from .iterator import _Handle, _infer_next, _sources
from .nested import _reduce_kernel
from .specs import nested_leaves

__all__ = []


def cardinality_of(root, values):
    """The cardinality of `root` given its tensors' values (iterative, parents first)."""
    done, stack = {}, [(root, False)]
    while stack:
        ds, ready = stack.pop()
        if id(ds) in done:
            continue
        if ready:
            done[id(ds)] = int(ds._cardinality(values, [done[id(p)] for p in ds._parents]))
            continue
        stack.append((ds, True))
        stack.extend((p, False) for p in ds._parents if id(p) not in done)
    return done[id(root)]


class _Cardinality(Dataset):
    """One element: the int64 cardinality of its parent."""

    def __init__(self, ds):
        super().__init__(None, [dtypes.int64], [TensorShape(())], parents=(ds,))

    def _iter(self, run):
        yield [np.int64(cardinality_of(self._parents[0], run.values))]


class _Single(Dataset):
    """The only element of its parent; InvalidArgumentError for none or several (TF's
    DatasetToSingleElement messages)."""

    def __init__(self, ds):
        super().__init__(ds._structure, ds._types, ds._shapes, parents=(ds,))

    def _iter(self, run):
        it = strict(self._parents[0]._iter(run))
        first = next(it, None)
        if first is None:
            raise _invalid(self, "Dataset was empty.")
        if next(it, None) is not None:
            raise _invalid(self, "Dataset had more than one element.")
        yield first


def _one_shot_op(op, dataset, name):
    """The outputs of `op` running `dataset`'s pipeline once per run."""
    h = _Handle()
    h.dataset, h.one_shot, h.site, h.name = dataset, True, dataset._site, op.name
    h.init_tensors, h.live = _sources(dataset)
    node = apply(op, h.init_tensors + h.live, name=name or op.name, handle=h)
    return node.outputs


def cardinality(ds):
    """Dataset.cardinality: see its docstring."""
    return _one_shot_op(DATASET_CARDINALITY, _Cardinality(ds), None)[0]


def get_single_element(ds, name=None):
    """Dataset.get_single_element: see its docstring."""
    nested_leaves(ds, "Dataset.get_single_element")
    single = _Single(ds)
    outs = _one_shot_op(DATASET_TO_SINGLE_ELEMENT, single, name)
    return _unflatten(single._structure, iter(outs))


def as_numpy_iterator(ds):
    """Dataset.as_numpy_iterator: see its docstring. The iterator's ops are built now
    (in the graph of the tensors the dataset reads, else the default graph)."""
    from ..graph import get_default_graph
    from ..session import Session
    init, live = _sources(ds)
    graph = (init + live)[0].graph if init + live else get_default_graph()
    with graph.as_default():
        nxt = ds.make_one_shot_iterator().get_next()
    return _numpy_elements(Session(graph=graph), nxt)


def _numpy_elements(sess, nxt):
    from ..errors import OutOfRangeError
    try:
        while True:
            try:
                value = sess.run(nxt)
            except OutOfRangeError:
                return
            yield value
    finally:
        sess.close()


DATASET_CARDINALITY = register(OpDef(
    "DatasetCardinality", _infer_next, _reduce_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.Dataset.cardinality", signature="dataset.cardinality()",
    shape_rule="a scalar", dtypes="int64",
    doc="A dataset's number of elements (-1 infinite, -2 unknown), computed per run."))
DATASET_TO_SINGLE_ELEMENT = register(OpDef(
    "DatasetToSingleElement", _infer_next, _reduce_kernel, uses_state=True, stateful=True,
    differentiable=False, api="data.Dataset.get_single_element",
    signature="dataset.get_single_element(name=None)",
    shape_rule="the dataset's output_shapes", dtypes="the dataset's output_types",
    doc="The only element of a dataset (InvalidArgumentError for none or several)."))
