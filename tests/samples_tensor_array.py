"""Samples for graphc.ops.tensor_array (see samples.py)."""
import numpy as np

import graphc as gc
from graphc.ops.tensor_array_ops import pop
from samples import Sample, normal


def _ta(buf):
    return gc.TensorArray(buf.dtype, size=0, dynamic_size=True).unstack(buf)


def _room(buf, extra):
    """buf's rows in a TensorArray of fixed size with `extra` elements not written yet
    (TF1 fails a second write to an element)."""
    return gc.TensorArray(buf.dtype, size=gc.shape(buf)[0] + extra).unstack(buf)


def _written(buf, v):
    return np.concatenate([buf, v[None]])


def _scattered(buf, v):
    return np.concatenate([buf, v[::-1]])


def _grown(v):
    out = np.zeros((3,) + v.shape)
    out[2] = v
    return out


SAMPLES = [
    Sample("TensorArrayNew", lambda n: gc.TensorArray(gc.float32, size=n,
                                                      element_shape=(2, 3)).stack(),
           lambda r: [np.int32(4)], lambda n: np.zeros((4, 2, 3), np.float32)),
    Sample("TensorArrayScatter", lambda buf, v: _room(buf, 1).write(4, v).stack(),
           lambda r: [normal(r, (4, 3, 2)), normal(r, (3, 2))], _written, id="write"),
    Sample("TensorArrayScatter", lambda buf, v: _room(buf, 2).scatter([5, 4], v).stack(),
           lambda r: [normal(r, (4, 3)), normal(r, (2, 3))], _scattered, id="scatter"),
    Sample("TensorArrayScatter",
           lambda v: gc.TensorArray(gc.float64, size=0, dynamic_size=True).write(2, v).stack(),
           lambda r: [normal(r, (2, 3))], _grown, id="grow"),
    Sample("TensorArrayGather", lambda buf: _ta(buf).read(1),
           lambda r: [normal(r, (3, 4, 2))], lambda b: b[1], id="read"),
    Sample("TensorArrayGather", lambda buf: _ta(buf).gather([2, 0, 2]),
           lambda r: [normal(r, (3, 4))], lambda b: b[[2, 0, 2]], id="gather"),
    Sample("TensorArrayStack", lambda buf: _ta(buf).concat(),
           lambda r: [normal(r, (3, 4, 2))], lambda b: b.reshape(12, 2), id="concat"),
]


def _popped(buf, rows):
    out = buf.copy()
    out[rows] = 0
    return out, buf[rows]


# the cotangents of a write (TensorArray.write's vjp): the rows taken, then cleared
SAMPLES += [
    Sample("TensorArrayPop", lambda buf: list(pop(buf, gc.constant(1))),
           lambda r: [normal(r, (3, 4, 2))], lambda b: _popped(b, 1), id="row"),
    Sample("TensorArrayPop", lambda buf: list(pop(buf, gc.constant([2, 0]))),
           lambda r: [normal(r, (3, 4))], lambda b: _popped(b, [2, 0]), id="rows"),
]
