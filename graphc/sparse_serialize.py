"""TF1's SparseTensor serialization: serialize_sparse, serialize_many_sparse and
deserialize_many_sparse. Each sparse tensor becomes three serialized TensorProtos
(indices, values, dense_shape) in TF's encoding, so the strings pass between graphc and
TF (a tf.data pipeline, a TFRecord) unchanged.

    s = gc.serialize_many_sparse(batch)              # (N, 3) strings
    back = gc.deserialize_many_sparse(s, gc.float32)  # the batch again
"""
import numpy as np

from . import dtypes
from .graph import name_scope
from .ops.core import convert_to_tensor
from .ops.parsing_misc import parse_tensor_proto, tensor_proto
from .ops.registry import OpDef, apply, register
from .shapes import InferError, TensorShape
from .sparse import SparseTensor, _sparse

__all__ = ["serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse"]

I64 = dtypes.int64


def _protos(indices, values, shape, dtype):
    return [tensor_proto(np.asarray(indices, np.int64), I64),
            tensor_proto(np.asarray(values), dtype, content=True),
            tensor_proto(np.asarray(shape, np.int64), I64)]


def _infer_serialize(ctx, indices, values, shape, *, many):
    rank = shape.shape._dims[0] if shape.shape.rank == 1 else None
    if many and rank == 0:
        raise InferError("serialize_many_sparse needs a SparseTensor of rank at least 1")
    return (TensorShape([None, 3]) if many else TensorShape([3])), dtypes.string


def _serialize_kernel(indices, values, shape, *, many):
    dtype = dtypes.string if values.dtype == object else dtypes.as_dtype(values.dtype)
    if not many:
        return np.array(_protos(indices, values, shape, dtype), object)
    if len(shape) < 1:
        raise ValueError("serialize_many_sparse needs a SparseTensor of rank at least 1")
    rows = np.asarray(indices[:, 0]) if len(indices) else np.zeros(0, np.int64)
    if len(rows) and np.any(np.diff(rows) < 0):
        raise ValueError("serialize_many_sparse needs its indices ordered by the first "
                         "dimension (call gc.sparse.reorder first)")
    out = np.empty((int(shape[0]), 3), object)
    for i in range(int(shape[0])):
        lo, hi = np.searchsorted(rows, i), np.searchsorted(rows, i, side="right")
        out[i] = _protos(indices[lo:hi, 1:], values[lo:hi], shape[1:], dtype)
    return out


SERIALIZE_SPARSE = register(OpDef(
    "SerializeSparse", _infer_serialize, _serialize_kernel, differentiable=False,
    api="serialize_sparse / serialize_many_sparse",
    signature="serialize_sparse(sp_input, name=None, out_type=tf.string)",
    shape_rule="(n, r) (n,) (r,) -> (3,), or (N, 3) when many", dtypes="-> string",
    doc="A SparseTensor (or each of its first-dimension rows) as three serialized "
        "TensorProtos: indices, values, dense_shape."))


def _serialize(sp_input, name, out_type, many, api):
    if dtypes.as_dtype(out_type) is not dtypes.string:
        raise TypeError(f"{api}: graphc serializes to strings only (out_type=gc.string)")
    sp = _sparse(sp_input, api)
    with name_scope(name, api.replace("_", " ").title().replace(" ", "")):
        node = apply(SERIALIZE_SPARSE, (sp.indices, sp.values, sp.dense_shape), name=api,
                     many=many)
    out = node.outputs[0]
    if many and sp.shape.rank is not None and sp.shape.rank > 0:
        out.set_shape([sp.shape._dims[0], 3])
    return out


def serialize_sparse(sp_input, name=None, out_type=dtypes.string):
    """A SparseTensor as a (3,) string tensor of serialized TensorProtos (TF1)."""
    return _serialize(sp_input, name, out_type, False, "serialize_sparse")


def serialize_many_sparse(sp_input, name=None, out_type=dtypes.string):
    """Each row (first-dimension index) of a SparseTensor of rank R as one serialized
    SparseTensor of rank R-1: an (N, 3) string tensor (TF1). Indices must be ordered."""
    return _serialize(sp_input, name, out_type, True, "serialize_many_sparse")


def _infer_deserialize(ctx, serialized, *, dtype, rank):
    if serialized.shape.rank not in (None, 2) or (
            serialized.shape.rank == 2 and serialized.shape._dims[1] not in (None, 3)):
        raise InferError(f"deserialize_many_sparse needs an (N, 3) string tensor, got "
                         f"{{0}} of shape {serialized.shape}")
    r = rank
    return [(TensorShape([None, r]), I64), (TensorShape([None]), dtype),
            (TensorShape([r]), I64)]


def _deserialize_kernel(serialized, *, dtype, rank):
    parts, ranks = [], set()
    for i, (ind, val, shp) in enumerate(np.asarray(serialized, object).reshape(-1, 3)):
        shape = parse_tensor_proto(bytes(shp), I64)
        ind = parse_tensor_proto(bytes(ind), I64).reshape(-1, len(shape))
        parts.append((i, ind, parse_tensor_proto(bytes(val), dtype), shape))
        ranks.add(len(shape))
    if len(ranks) > 1:
        raise ValueError(f"deserialize_many_sparse: the serialized SparseTensors have "
                         f"different ranks {sorted(ranks)}")
    r = ranks.pop() if ranks else (rank - 1 if rank else 0)
    if rank is not None and r + 1 != rank:
        raise ValueError(f"deserialize_many_sparse: expected rank {rank}, the serialized "
                         f"SparseTensors have rank {r + 1}")
    indices = np.concatenate(
        [np.hstack([np.full((len(ind), 1), i, np.int64), ind]) for i, ind, _, _ in parts]
        or [np.zeros((0, r + 1), np.int64)])
    values = np.concatenate([v for _, _, v, _ in parts] or
                            [np.zeros(0, object if dtype is dtypes.string else dtype.np)])
    inner = np.max([s for _, _, _, s in parts], axis=0) if parts else np.zeros(r, np.int64)
    return indices, values, np.concatenate([[len(parts)], inner]).astype(np.int64)


DESERIALIZE_SPARSE = register(OpDef(
    "DeserializeManySparse", _infer_deserialize, _deserialize_kernel, differentiable=False,
    api="deserialize_many_sparse",
    signature="deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None)",
    shape_rule="(N, 3) -> indices (n, R), values (n,), dense_shape (R,)",
    dtypes="string -> int64, dtype, int64",
    doc="N serialized SparseTensors as one of rank R+1; each dim but the first is the "
        "largest over the inputs."))


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """The SparseTensor of N rows that serialize_many_sparse wrote (TF1): row i holds
    the i-th serialized SparseTensor; the inner dense shape is the largest of them."""
    serialized = convert_to_tensor(serialized_sparse, name="serialized_sparse")
    dtype = dtypes.as_dtype(dtype)
    node = apply(DESERIALIZE_SPARSE, (serialized,), name=name or "DeserializeManySparse",
                 dtype=dtype, rank=None if rank is None else int(rank))
    return SparseTensor(*node.outputs)
