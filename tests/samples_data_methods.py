"""Samples for the tf.data ops of graphc/data/single.py (DatasetCardinality,
DatasetToSingleElement); to be listed in tests/samples.py MODULES."""
import numpy as np

import graphc as gc
from samples import Sample


def _cardinality(x):
    return gc.data.Dataset.from_tensor_slices(x).batch(2).cardinality()


def _single(x):
    return gc.data.Dataset.from_tensors(x).map(lambda e: e * 2.0).get_single_element()


def _rows(rng):
    return [rng.standard_normal((int(rng.integers(1, 6)), int(rng.integers(1, 4))))]


SAMPLES = [
    Sample("DatasetCardinality", _cardinality, _rows,
           lambda x: np.int64(-(-x.shape[0] // 2)), grad=False),
    Sample("DatasetToSingleElement", _single, _rows, lambda x: x * 2.0, grad=False),
]
