"""Samples for session 8's small TF1 ops: Bitcast, Timestamp, and the SparseTensor
serialization ops (checked by a round trip, since their string outputs are compared
byte for byte with TF's in tests/test_tf_parity_misc8.py)."""
import numpy as np

import graphc as gc
from samples import Sample, shape


def _bitcast_ref(x, to):
    x = np.ascontiguousarray(x)
    a, b = x.dtype.itemsize, np.dtype(to).itemsize
    if a == b:
        return x.view(to)
    if a > b:
        return x.reshape(x.shape + (1,)).view(to)
    return x.view(to).reshape(x.shape[:-1])


def _bitcast(src, to, last=None):
    def inputs(rng):
        s = shape(rng, rank=int(rng.integers(1, 3))) + ((last,) if last else ())
        return [rng.standard_normal(s).astype(src) if np.dtype(src).kind == "f"
                else rng.integers(-100, 100, size=s).astype(src)]
    return Sample("Bitcast", lambda x: gc.bitcast(x, to), inputs,
                  lambda x: _bitcast_ref(x, to), grad=False, id=f"{np.dtype(src)}->{np.dtype(to)}")


def _sparse_round_trip(many):
    def build(indices, values, dense_shape):
        sp = gc.SparseTensor(indices, values, dense_shape)
        if many:
            back = gc.deserialize_many_sparse(gc.serialize_many_sparse(sp), gc.float32,
                                              rank=2)
        else:
            back = gc.deserialize_many_sparse(gc.reshape(gc.serialize_sparse(
                gc.SparseTensor(indices[:, 1:], values, dense_shape[1:])), [1, 3]),
                gc.float32, rank=2)
        return [back.indices, back.values, back.dense_shape]

    def inputs(rng):
        dense = rng.standard_normal((int(rng.integers(1, 4)), 5)).astype(np.float32)
        dense[rng.random(dense.shape) < 0.5] = 0
        if not many:
            dense = dense[:1]
        idx = np.argwhere(dense).astype(np.int64)
        return [idx, dense[tuple(idx.T)], np.array(dense.shape, np.int64)]

    def ref(indices, values, dense_shape):
        rows = int(dense_shape[0]) if many else 1
        # every row is serialized with the batch's inner shape, so their max is it too
        return [indices, values, np.concatenate([[rows], dense_shape[1:]]).astype(np.int64)]
    return Sample("SerializeSparse" if not many else "DeserializeManySparse", build,
                  inputs, ref, grad=False, id="many" if many else "one")


def _expm_ref(a):
    """Taylor series of exp(a), enough terms for these small matrices."""
    out, term = np.eye(a.shape[-1], dtype=a.dtype), np.eye(a.shape[-1], dtype=a.dtype)
    for k in range(1, 40):
        term = term @ a / k
        out = out + term
    return [np.real(out), np.imag(out)]


def _complex_matrix(rng):
    n = int(rng.integers(1, 4))
    return [0.5 * (rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)))]


SAMPLES = [
    _bitcast(np.float32, np.int32), _bitcast(np.float64, np.int32),
    _bitcast(np.int32, np.float64, last=2), _bitcast(np.int16, np.uint8),
    _bitcast(np.uint8, np.int32, last=4),
    # the time itself differs from run to run; its sign does not
    Sample("Timestamp", lambda: gc.sign(gc.timestamp()), lambda rng: [],
           lambda: np.float64(1.0), grad=False),
    _sparse_round_trip(False), _sparse_round_trip(True),
    Sample("MatrixExponential", lambda a: [gc.real(gc.linalg.expm(a)),
                                           gc.imag(gc.linalg.expm(a))],
           _complex_matrix, _expm_ref, rtol=1e-9, atol=1e-12, id="complex"),
]
