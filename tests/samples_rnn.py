"""Samples for graphc.ops.reverse_sequence (see samples.py)."""
import numpy as np

import graphc as gc
from samples import Sample, normal


def _reverse_sequence_ref(seq_axis, batch_axis):
    def ref(x, lengths):
        out = np.array(x, copy=True)
        xb, ob = np.moveaxis(x, (batch_axis, seq_axis), (0, 1)), \
            np.moveaxis(out, (batch_axis, seq_axis), (0, 1))
        for b, k in enumerate(lengths):
            ob[b, :k] = xb[b, :k][::-1]
        return out
    return ref


def _inputs(shape, seq_axis, batch_axis, dtype=np.int32):
    def gen(r):
        x = normal(r, shape)
        lengths = r.integers(0, shape[seq_axis] + 1, size=shape[batch_axis]).astype(dtype)
        return [x, lengths]
    return gen


def _sample(shape, seq_axis, batch_axis, dtype=np.int32, id=""):
    return Sample("ReverseSequence",
                  lambda x, n: gc.reverse_sequence(x, n, seq_axis=seq_axis,
                                                   batch_axis=batch_axis),
                  _inputs(shape, seq_axis, batch_axis, dtype),
                  _reverse_sequence_ref(seq_axis, batch_axis), id=id)


SAMPLES = [
    _sample((4, 5, 3), 1, 0, id="batch_major"),
    _sample((5, 4, 3), 0, 1, np.int64, id="time_major_int64"),
    _sample((2, 3, 4, 5), 3, 1, id="rank4"),
    _sample((3, 6), -1, 0, id="negative_axis"),
]
