"""gc.sparse.cross and gc.sparse.cross_hashed: feature crosses of sparse and dense
string/int64 columns (TF's SparseCross op).

For each batch row, every combination of one feature from each input (the sparse inputs
first, then the dense ones, each in the given order; the last input varies fastest).
cross joins a combination as text ("a_X_b"; int64 features in decimal); cross_hashed
folds hash_key with each feature's hash (FarmHash Fingerprint64 of a string, the value
itself for an int64) by FingerprintCat64, then takes it modulo num_buckets (or
2**63 - 1 when num_buckets is 0). The output is a SparseTensor [batch, max crosses].
"""
import itertools

import numpy as np

from . import dtypes, errors
from .graph import Tensor, name_scope
from .ops.elementwise import cast
from .ops.registry import OpDef, apply, register
from .ops.strings_hash import M64, fingerprint64
from .shapes import InferError
from .sparse import SparseTensor, SparseTensorValue

__all__ = ["cross", "cross_hashed", "sparse_cross", "sparse_cross_hashed"]

_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_MUL = 0xc6a4a7935bd1e995
_INT64_MAX = (1 << 63) - 1


def _shift_mix(v):
    return v ^ (v >> 47)


def fingerprint_cat64(fp1, fp2):
    """TF's FingerprintCat64: combines two uint64 fingerprints (order matters)."""
    r = fp1 ^ _MUL
    r ^= (_shift_mix((fp2 * _MUL) & M64) * _MUL) & M64
    r = (r * _MUL) & M64
    r = (_shift_mix(r) * _MUL) & M64
    return _shift_mix(r)


def _infer(ctx, *inputs, n_sparse, hashed, num_buckets, hash_key, separator):
    for i, t in enumerate(inputs):
        if i < 3 * n_sparse and i % 3 != 1:
            want, what = 2 if i % 3 == 0 else 1, "indices" if i % 3 == 0 else "dense_shape"
            if t.shape.rank not in (None, want):
                raise InferError(f"sparse input {i // 3}'s {what} must be {want}-D: {{{i}}}")
            continue
        if t.dtype not in (dtypes.int64, dtypes.string):
            raise InferError(f"All inputs must be int64 or string; input {{{i}}} is "
                             f"{t.dtype.name}", "dtype")
        rank = 1 if i < 3 * n_sparse else 2
        if t.shape.rank not in (None, rank):
            raise InferError(f"{'sparse values' if rank == 1 else 'dense inputs'} must be "
                             f"{rank}-D: {{{i}}}")
    out = dtypes.int64 if hashed else dtypes.string
    return [((None, 2), dtypes.int64), ((None,), out), ((2,), dtypes.int64)]


def _columns(arrays, n_sparse, hashed):
    """(batch size, per input: per row the list of its features, ready to combine)."""
    conv = (lambda v: fingerprint64(v) if isinstance(v, bytes) else v & M64) if hashed \
        else (lambda v: v if isinstance(v, bytes) else str(v).encode())
    shapes = [arrays[3 * i + 2] for i in range(n_sparse)]
    dense = arrays[3 * n_sparse:]
    batch = int(shapes[0][0]) if shapes else dense[0].shape[0]
    columns = []
    for i in range(n_sparse):
        idx, vals, shape = arrays[3 * i:3 * i + 3]
        if int(shape[0]) != batch:
            raise errors.ExecutionError(f"Expected batch size {batch} got {int(shape[0])} "
                                        f"at sparse tensor {i}")
        rows = idx[:, 0] if len(idx) else np.zeros(0, np.int64)
        if len(rows) and (rows.min() < 0 or rows.max() >= batch):
            raise errors.ExecutionError(f"sparse tensor {i} has a row index outside "
                                        f"[0, {batch})")
        order = np.argsort(rows, kind="stable")
        feats = [conv(v) for v in vals[order].tolist()]
        ends = np.cumsum(np.bincount(rows, minlength=batch)).tolist()
        columns.append([feats[a:b] for a, b in zip([0] + ends[:-1], ends)])
    for i, d in enumerate(dense):
        if d.shape[0] != batch:
            raise errors.ExecutionError(f"Expected batch size {batch} got {d.shape[0]} at "
                                        f"dense tensor {i}")
        columns.append([[conv(v) for v in row] for row in d.tolist()])
    return batch, columns


def _kernel(*arrays, n_sparse, hashed, num_buckets, hash_key, separator):
    batch, columns = _columns(arrays, n_sparse, hashed)
    sep = separator.encode()
    values, counts = [], []
    for b in range(batch):
        combos = list(itertools.product(*[col[b] for col in columns]))
        counts.append(len(combos))
        for combo in combos:
            if not hashed:
                values.append(sep.join(combo))
                continue
            h = hash_key
            for f in combo:
                h = fingerprint_cat64(h, f)
            values.append(h % num_buckets if num_buckets > 0 else h % _INT64_MAX)
    counts = np.asarray(counts, np.int64)
    rows = np.repeat(np.arange(batch, dtype=np.int64), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    cols = np.arange(len(rows), dtype=np.int64) - starts
    out = np.empty(len(values), np.int64 if hashed else object)
    out[:] = values
    width = int(counts.max()) if batch else 0
    return (np.stack([rows, cols], 1).reshape(-1, 2), out,
            np.asarray([batch, width], np.int64))


SPARSE_CROSS = register(OpDef(
    "SparseCross", _infer, _kernel, differentiable=False, api="sparse.cross",
    signature="sparse.cross(inputs, name=None, separator=None) / "
              "sparse.cross_hashed(inputs, num_buckets=0, hash_key=None, name=None)",
    shape_rule="-> indices (n, 2), values (n,), dense_shape (2,)",
    dtypes="inputs int64 or string; values string (cross) or int64 (hashed)",
    doc="Crosses of sparse and dense feature columns, as strings or hashed."))


def _int64(t):
    return cast(t, dtypes.int64) if t.dtype.is_integer and t.dtype is not dtypes.int64 else t


def _cross(inputs, hashed, num_buckets, hash_key, separator, name, api):
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError(f"{api}: inputs must be a non-empty list of SparseTensors and "
                        "Tensors")
    sparse, dense = [], []
    for x in inputs:
        if isinstance(x, SparseTensorValue):
            x = SparseTensor(*x)
        if isinstance(x, SparseTensor):
            sparse.append(x)
        elif isinstance(x, Tensor):
            dense.append(x)
        else:
            raise TypeError(f"{api}: inputs must be SparseTensors or Tensors, got "
                            f"{type(x).__name__}")
    with name_scope(name, "SparseCross"):
        # TF casts the other int features to int64 first
        flat = [t for sp in sparse for t in (sp.indices, _int64(sp.values), sp.dense_shape)]
        flat += [_int64(t) for t in dense]
        node = apply(SPARSE_CROSS, tuple(flat), name="SparseCross", n_sparse=len(sparse),
                     hashed=hashed, num_buckets=int(num_buckets), hash_key=int(hash_key),
                     separator=separator)
    return SparseTensor(*node.outputs)


def cross(inputs, name=None, separator=None):
    """The crosses of string/int64 features, joined by separator (default "_X_").

        a = gc.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], [2, 2])
        gc.sparse.cross([a, gc.constant([["x"], ["y"]])])
        # values [b"a_X_x", b"b_X_y", b"c_X_y"] at [0, 0], [1, 0], [1, 1]
    """
    sep = "_X_" if separator is None else separator
    return _cross(inputs, False, 0, 0, sep.decode() if isinstance(sep, bytes) else sep,
                  name, "sparse.cross")


def cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """The hashed crosses of string/int64 features (int64 ids; modulo num_buckets when
    it is > 0).

        ids = gc.sparse.cross_hashed([a, b], num_buckets=1000)
    """
    if num_buckets < 0:
        raise ValueError(f"sparse.cross_hashed: num_buckets must be >= 0, got {num_buckets}")
    key = _DEFAULT_HASH_KEY if hash_key is None else int(hash_key)
    if not -(1 << 63) <= key < 1 << 63:
        raise ValueError(f"sparse.cross_hashed: hash_key must be an int64, got {key}")
    key &= M64                  # TF reads the int64 attr as a uint64
    return _cross(inputs, True, num_buckets, key, "", name, "sparse.cross_hashed")


sparse_cross, sparse_cross_hashed = cross, cross_hashed
