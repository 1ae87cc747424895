"""Samples for the ops of gc.data.experimental (graphc/data/exp_optional.py, exp_io.py):
OptionalGetValue, IteratorGetNextAsOptional, DatasetToTFRecord."""
import os
import tempfile

import numpy as np

import graphc as gc
from samples import Sample


def _get_value(x):
    return gc.data.experimental.Optional.from_value((x, x * 2.0)).get_value()


def _next_optional(x):
    # a one-shot iterator cannot read a fed placeholder: its dataset is a constant one;
    # x rides along so that the sample has an input
    it = gc.data.Dataset.range(3).make_one_shot_iterator()
    opt = gc.data.experimental.get_next_as_optional(it)
    return [opt.has_value(), opt.get_value(), gc.identity(x)]


def _write(x):
    path = os.path.join(tempfile.gettempdir(), f"graphc-sample-{os.getpid()}.tfrecord")
    records = gc.data.Dataset.from_tensor_slices(gc.as_string(gc.reshape(x, [-1])))
    op = gc.data.experimental.TFRecordWriter(path).write(records)
    with gc.control_dependencies([op]):
        return gc.identity(x)


def _rows(rng):
    return [rng.standard_normal((int(rng.integers(1, 5)), int(rng.integers(1, 4))))]


SAMPLES = [
    Sample("OptionalGetValue", _get_value, _rows, lambda x: [x, x * 2.0], grad=False),
    Sample("IteratorGetNextAsOptional", _next_optional, _rows,
           lambda x: [np.bool_(True), np.int64(0), x], grad=False),
    Sample("DatasetToTFRecord", _write, _rows, lambda x: x, grad=False),
]
