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


def _sequence_records(rng):
    """Serialized SequenceExamples of random token lists (an object array)."""
    T = gc.train
    toks = [rng.integers(0, 9, int(rng.integers(0, 4))).tolist()
            for _ in range(int(rng.integers(1, 4)))]
    recs = [T.SequenceExample(feature_lists=T.FeatureLists(feature_list={"tok": T.FeatureList(
        feature=[T.Feature(int64_list=T.Int64List(value=[t])) for t in ts])})
    ).SerializeToString() for ts in toks]
    out = np.empty(len(recs), object)
    out[:] = recs
    return out


def _padded(toks):
    longest = max(map(len, toks), default=0)
    return [np.array([t + [0] * (longest - len(t)) for t in toks], np.int64).reshape(
        len(toks), longest), np.array([len(t) for t in toks], np.int64)]


SAMPLES.append(Sample(
    "ParseSequenceExample",
    lambda s: (lambda c, f, n: [f["tok"], n["tok"]])(*gc.io.parse_sequence_example(
        s, sequence_features={"tok": gc.FixedLenSequenceFeature([], gc.int64,
                                                                allow_missing=True)})),
    lambda rng: [_sequence_records(rng)],
    lambda s: _padded([[gc.train.Feature.FromString(b).int64_list.value[0]
                        for b in _steps_of(r)] for r in s]), grad=False, id="padded"))


def _steps_of(record):
    """The serialized Features of the 'tok' list of one SequenceExample."""
    ex = gc.train.SequenceExample.FromString(bytes(record))
    return [f.SerializeToString() for f in ex.feature_lists.feature_list["tok"].feature]
