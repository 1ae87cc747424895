"""Samples for the tf.data ops of graphc/data/nested.py and handles.py (ReduceDataset,
IteratorV2, IteratorToStringHandle); listed in tests/samples.py MODULES."""
import numpy as np

import graphc as gc
from samples import Sample


def _sum_squares(x):
    return gc.data.Dataset.from_tensor_slices(x).reduce(
        np.float64(0), lambda s, e: s + gc.reduce_sum(e * e))


def _grow(x):
    return gc.data.Dataset.from_tensor_slices(x).reduce(
        gc.zeros([0], gc.float64), lambda s, e: gc.concat([s, gc.reshape(e, [-1])], 0))


def _handle(x):
    return gc.data.Dataset.from_tensor_slices(x).make_initializable_iterator().string_handle()


def _structure_handle(x):
    it = gc.data.Iterator.from_structure(gc.float64, gc.TensorShape(None))
    it.make_initializer(gc.data.Dataset.from_tensors(x))
    return it._anchor.outputs[0]


def _rows(rng):
    return [rng.standard_normal((int(rng.integers(1, 5)), int(rng.integers(1, 4))))]


SAMPLES = [
    Sample("ReduceDataset", _sum_squares, _rows, lambda x: np.sum(x * x), grad=False),
    Sample("ReduceDataset", _grow, _rows, lambda x: x.reshape(-1), grad=False, id="grow"),
    Sample("IteratorToStringHandle", _handle, _rows, grad=False),
    Sample("IteratorV2", _structure_handle, _rows, grad=False),
]
