"""The per-kind kernels of ParseExample: one kind of feature spec over the found values
of a batch of records (FixedLenFeature, FixedLenSequenceFeature, VarLenFeature,
SparseFeature; RaggedFeature is in parsing_ragged.py). A found value is a numpy array,
or None where the record lacks the feature."""
import numpy as np

# the list kinds of a Feature (its oneof's field numbers), and TF's names of the dtypes
_KIND = {"string": 1, "float32": 2, "int64": 3}
_TYPE_NAME = {1: "string", 2: "float", 3: "int64"}
_NP = {"string": object, "float32": np.float32, "int64": np.int64}


def _dims(shape):
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


# ---- one kind of feature, over a batch of found values ---------------------------------
def _dense(spec, found):
    _, key, dtype, shape, default, _ = spec
    size = int(np.prod(shape, dtype=np.int64))
    out = np.empty((len(found),) + shape, _NP[dtype])
    for b, values in enumerate(found):
        if values is None:
            if default is None:
                raise ValueError(f"Name: <unknown>, Feature: {key} (data type: "
                                 f"{_TYPE_NAME[_KIND[dtype]]}) is required but could not "
                                 f"be found (record {b}).")
            values = default
        elif len(values) != size:
            raise ValueError(f"Name: <unknown>, Key: {key}, Index: {b}.  Number of "
                             f"{_TYPE_NAME[_KIND[dtype]]} values != expected.  Values "
                             f"size: {len(values)} but output shape: {_dims(shape)}")
        # `out[b, ...]`: a record of shape () of an object (bytes) array gets its bytes,
        # not the 0-d array itself (`out[b] = ...` would store the array object)
        out[b, ...] = np.asarray(values, out.dtype).reshape(shape)
    return [out]


def _sequence(spec, found):
    """FixedLenSequenceFeature: each record's rows, padded to the longest."""
    _, key, dtype, shape, default, _ = spec
    stride = int(np.prod(shape, dtype=np.int64))
    rows = []
    for b, values in enumerate(found):
        n = 0 if values is None else len(values)
        if stride == 0 and n or stride and n % stride:
            raise ValueError(f"Name: <unknown>, Key: {key}, Index: {b}.  Number of "
                             f"{_TYPE_NAME[_KIND[dtype]]} values is not a multiple of "
                             f"stride length. Saw {n} values but output shape is: "
                             f"{_dims((None,) + shape)}")
        rows.append(0 if values is None or stride == 0 else n // stride)
    pad = (b"" if dtype == "string" else 0) if default is None else default[0]
    out = np.full((len(found), max(rows, default=0)) + shape, pad, _NP[dtype])
    for b, values in enumerate(found):
        if rows[b]:
            out[b, :rows[b]] = np.asarray(values, out.dtype).reshape((rows[b],) + shape)
    return [out]


def _var(spec, found):
    """VarLenFeature: indices [N, 2] (record, position), values [N], [B, longest]."""
    dtype = spec[2]
    lens = [0 if v is None else len(v) for v in found]
    rows = np.repeat(np.arange(len(found), dtype=np.int64), lens)
    cols = np.concatenate([np.arange(n, dtype=np.int64) for n in lens] or
                          [np.zeros(0, np.int64)])
    values = [v for v in found if v is not None and len(v)]
    values = (np.concatenate(values).astype(_NP[dtype]) if values
              else np.zeros(0, _NP[dtype]))
    return [np.stack([rows, cols], 1), values,
            np.array([len(found), max(lens, default=0)], np.int64)]


def _sparse(spec, found_ix, found_values):
    """SparseFeature: indices from the index features, values from the value feature."""
    _, key, dtype, size, _, (index_keys, value_key, already_sorted) = spec
    indices, values = [], []
    for b, vals in enumerate(found_values):
        n = 0 if vals is None else len(vals)
        cols = []
        for k, ix in zip(index_keys, found_ix[b]):
            m = 0 if ix is None else len(ix)
            if m != n:
                raise ValueError(f"Name: <unknown>, Key: {key}, Index: {b}.  Number of "
                                 f"indices in '{k}' ({m}) != number of values in "
                                 f"'{value_key}' ({n})")
            cols.append(np.zeros(0, np.int64) if ix is None else ix)
        block = np.stack([np.full(n, b, np.int64)] + cols, 1)
        if not already_sorted and n:
            order = np.lexsort(block[:, ::-1].T)
            block, vals = block[order], vals[order]
        indices.append(block)
        values.append(np.zeros(0, _NP[dtype]) if vals is None else vals)
    rank = 1 + len(size)
    return [np.concatenate(indices or [np.zeros((0, rank), np.int64)]).reshape(-1, rank),
            np.concatenate(values or [np.zeros(0, _NP[dtype])]).astype(_NP[dtype]),
            np.array((len(found_values),) + size, np.int64)]
