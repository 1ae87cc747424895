"""Samples for the sigx family (see samples.py): the N-D FFTs against numpy.fft, the
count ops against a dict-of-counts reference, GuaranteeConst, the two candidate samplers
(all_candidate_sampler's value; learned unigram's shapes, its learning is tested in
test_sigx.py) and DecodeJSONExample against hand-written wire bytes."""
import numpy as np

import graphc as gc
import graphc.io.json_example  # noqa: F401 (registers DecodeJSONExample)
from samples import Sample


def _c(r, s):
    return (r.standard_normal(s) + 1j * r.standard_normal(s)).astype(np.complex128)


def _ri(fn):
    """[real, imag] of a complex result (the registry compares real arrays)."""
    def split(*args):
        y = fn(*args)
        if isinstance(y, np.ndarray):
            return [y.real, y.imag]
        return [gc.real(y), gc.imag(y)]
    return split


def _counts_ref(rows_of, width_extra=0, binary=False):
    """(indices, values, dense_shape) from a dict of (row, value) -> count."""
    def ref(*arrays):
        rows, vals, w, nrows = rows_of(*arrays)
        acc = {}
        for i, (r, v) in enumerate(zip(rows, vals)):
            acc[(r, v)] = 1 if binary else acc.get((r, v), 0) + (1 if w is None else w[i])
        keys = sorted(acc)
        width = max([v for v in vals] + [0]) + 1
        dtype = w.dtype if w is not None else vals.dtype
        if nrows is None:
            return [np.array([[k[1]] for k in keys], np.int64).reshape(-1, 1),
                    np.array([acc[k] for k in keys], dtype), np.array([width], np.int64)]
        return [np.array([list(k) for k in keys], np.int64).reshape(-1, 2),
                np.array([acc[k] for k in keys], dtype), np.array([nrows, width], np.int64)]
    return ref


def _dense_rows(x, w=None):
    return (np.repeat(np.arange(x.shape[0]), x.shape[1]), x.reshape(-1),
            None if w is None else w.reshape(-1), x.shape[0])


def _sp(x):
    st = gc.sparse.bincount(x, axis=-1)
    return [st.indices, st.values, st.dense_shape]


def _parts(st):
    return [st.indices, st.values, st.dense_shape]


_JSON = ['{}', '{"features": {}}', '{"features": {"feature": {"c": {"bytesList": '
         '{"value": ["aGk="]}}}}}']
_JSON_BIN = [b'', b'\n\x00', b'\n\r\n\x0b\n\x01c\x12\x06\n\x04\n\x02hi']

SAMPLES = [
    Sample("FFTND", _ri(lambda x: gc.signal.fftnd(x, axes=[0, 2])),
           lambda r: [_c(r, (2, 3, 4))], ref=_ri(lambda x: np.fft.fftn(x, axes=[0, 2])),
           grad=False),
    Sample("FFTND", _ri(lambda x: gc.signal.fftnd(x, fft_length=[5, 2], axes=[-1, 0],
                                                  norm="ortho")),
           lambda r: [_c(r, (3, 2, 4))],
           ref=_ri(lambda x: np.fft.fftn(x, s=[5, 2], axes=[-1, 0], norm="ortho")), grad=False,
           id="pad-crop-ortho"),
    Sample("IFFTND", _ri(lambda x: gc.signal.ifftnd(x, norm="forward")),
           lambda r: [_c(r, (2, 3))], ref=_ri(lambda x: np.fft.ifftn(x, norm="forward")),
           grad=False),
    Sample("RFFTND", _ri(lambda x: gc.signal.rfftnd(x, fft_length=[4, 6], axes=[0, 1])),
           lambda r: [r.standard_normal((3, 5, 2))],
           ref=_ri(lambda x: np.fft.rfftn(x, s=[4, 6], axes=[0, 1])), grad=False),
    Sample("IRFFTND", lambda y: gc.signal.irfftnd(y, axes=[1, 2]),
           lambda r: [_c(r, (2, 3, 4))], ref=lambda y: np.fft.irfftn(y, axes=[1, 2]),
           grad=False),
    Sample("GuaranteeConst", gc.guarantee_const, lambda r: [r.standard_normal((2, 3))],
           ref=lambda x: x, grad=False),
    Sample("AllCandidateSampler",
           lambda t: list(gc.random.all_candidate_sampler(t, 2, 5, True)),
           lambda r: [r.integers(0, 5, (3, 2)).astype(np.int64)],
           ref=lambda t: [np.arange(5), np.ones(t.shape, np.float32),
                          np.ones(5, np.float32)], grad=False),
    Sample("LearnedUnigramCandidateSampler",
           lambda t: list(gc.nn.learned_unigram_candidate_sampler(t, 2, 4, False, 6,
                                                                  seed=3)),
           lambda r: [r.integers(0, 6, (3, 2)).astype(np.int64)],
           grad=False),
    Sample("DenseCountSparseOutput", _sp,
           lambda r: [r.integers(0, 6, (3, 5)).astype(np.int64)],
           ref=_counts_ref(lambda x: _dense_rows(x)), grad=False),
    Sample("DenseCountSparseOutput",
           lambda x, w: _parts(gc.sparse.bincount(x, weights=w, axis=-1)),
           lambda r: [r.integers(0, 4, (2, 4)).astype(np.int32), r.standard_normal((2, 4))],
           ref=_counts_ref(_dense_rows), grad=False, id="weights"),
    Sample("SparseCountSparseOutput",
           lambda v: _parts(gc.sparse.bincount(
               gc.SparseTensor([[0, 1], [0, 3], [2, 0], [2, 2]], v, [4, 4]), axis=-1)),
           lambda r: [r.integers(0, 5, (4,)).astype(np.int64)],
           ref=_counts_ref(lambda v: (np.array([0, 0, 2, 2]), v, None, 4)), grad=False),
    Sample("RaggedCountSparseOutput",
           lambda v: _parts(gc.sparse.bincount(
               gc.RaggedTensor.from_row_splits(v, [0, 3, 3, 5]), axis=-1,
               binary_output=True)),
           lambda r: [r.integers(0, 3, (5,)).astype(np.int32)],
           ref=_counts_ref(lambda v: (np.array([0, 0, 0, 2, 2]), v, None, 3), binary=True),
           grad=False),
    Sample("DecodeJSONExample", lambda x: gc.strings.length(gc.io.decode_json_example(x)),
           lambda r: [np.array(_JSON, dtype=object)],
           ref=lambda x: np.array([len(b) for b in _JSON_BIN]), grad=False),
]
