"""TF1's set operations on the last dimension (tf.sets): each row of a and b (a dense
tensor's last dim, or a SparseTensor's entries sharing all but the last index) is a set;
intersection, union and difference give a SparseTensor of the sorted result rows, size
the number of distinct values of each row. One op, SetOperation, does the three kinds
for any mix of dense and sparse operands; set_size is SetSize. No gradients (TF1 has
none)."""
import numpy as np

from .. import dtypes
from ..shapes import InferError, TensorShape
from .core import convert_to_tensor
from .registry import OpDef, apply, register

__all__ = ["set_intersection", "set_union", "set_difference", "set_size"]

_OPS = ("intersection", "union", "a-b", "b-a")


def _rows(parts, sparse):
    """(prefix shape, {flat prefix position: set of values}) of one operand."""
    if not sparse:
        (x,) = parts
        prefix = x.shape[:-1]
        # rows of an empty last dim are empty sets (reshape(-1, 0) cannot infer the -1)
        flat = x.reshape(int(np.prod(prefix)), x.shape[-1]) if x.ndim else x.reshape(1, 1)
        return prefix, {p: set(row.tolist()) for p, row in enumerate(flat)}
    indices, values, shape = parts
    prefix = tuple(int(d) for d in shape[:-1])
    rows = {}
    if len(indices):
        flat = np.ravel_multi_index(indices[:, :-1].T, prefix) if prefix else \
            np.zeros(len(indices), np.int64)
        for p, v in zip(flat.tolist(), values.tolist()):
            rows.setdefault(p, set()).add(v)
    return prefix, rows


def _split(inputs, a_sparse):
    n = 3 if a_sparse else 1
    return inputs[:n], inputs[n:]


def _values_of(x):
    return x.values if hasattr(x, "_as_parts") else x


def _infer_set_op(ctx, *inputs, set_operation, a_sparse, b_sparse, validate_indices):
    a, b = _split(inputs, a_sparse)
    va, vb = a[1] if a_sparse else a[0], b[1] if b_sparse else b[0]
    if va.dtype is not vb.dtype:
        raise InferError(f"a and b must have the same dtype, not {va.dtype.name} and "
                         f"{vb.dtype.name}", "dtype")
    if not (va.dtype.is_integer or va.dtype is dtypes.string):
        raise InferError(f"set operations take ints or strings, not {va.dtype.name}",
                         "dtype")
    ranks = [t.shape.rank for t, s in ((a[0], a_sparse), (b[0], b_sparse)) if not s]
    ranks += [t[2].shape._dims[0] for t, s in ((a, a_sparse), (b, b_sparse))
              if s and t[2].shape._dims is not None]
    known = {r for r in ranks if isinstance(r, int)}
    if len(known) > 1:
        raise InferError(f"a and b must have the same rank, not {sorted(known)}")
    if known and min(known) < 2:
        raise InferError("set operations need rank >= 2 (rows of sets in the last dim)")
    r = known.pop() if known else None
    return [((None, r), dtypes.int64), ((None,), va.dtype), ((r,), dtypes.int64)]


def _set_op_kernel(*inputs, set_operation, a_sparse, b_sparse, validate_indices):
    a, b = _split(inputs, a_sparse)
    pa, ra = _rows(a, a_sparse)
    pb, rb = _rows(b, b_sparse)
    if tuple(pa) != tuple(pb):
        raise ValueError(f"the shapes of a and b must agree but for the last dim: "
                         f"{tuple(pa)} and {tuple(pb)}")
    prefix = tuple(pa)
    n_rows = int(np.prod(prefix, dtype=np.int64))
    combine = {"intersection": set.__and__, "union": set.__or__,
               "a-b": set.__sub__, "b-a": lambda x, y: y - x}[set_operation]
    values_dtype = (a[1] if a_sparse else a[0]).dtype
    idx, vals, width = [], [], 0
    for p in range(n_rows):
        result = sorted(combine(ra.get(p, set()), rb.get(p, set())))
        if not result:
            continue
        coords = np.unravel_index(p, prefix) if prefix else ()
        for j, v in enumerate(result):
            idx.append([int(c) for c in coords] + [j])
            vals.append(v)
        width = max(width, len(result))
    out_idx = np.array(idx, np.int64).reshape(-1, len(prefix) + 1)
    out_vals = np.empty(len(vals), dtype=values_dtype)
    out_vals[:] = vals
    return out_idx, out_vals, np.array(prefix + (width,), np.int64)


SET_OPERATION = register(OpDef(
    "SetOperation", _infer_set_op, _set_op_kernel, differentiable=False,
    api="sets.intersection / union / difference",
    signature="sets.intersection(a, b, validate_indices=True)",
    shape_rule="(a rows) op (b rows) -> SparseTensor of rank(a)", dtypes="int or string",
    doc="Per-row set intersection, union or difference of dense or sparse a and b, as the "
        "indices, values and dense_shape of a SparseTensor of sorted rows."))


def _operand(x):
    if hasattr(x, "_as_parts"):                     # a SparseTensor
        return list(x._as_parts()), True
    return [convert_to_tensor(x)], False


def _set_operation(a, b, op, validate_indices, api):
    from ..sparse_ops import _new
    parts_a, a_sparse = _operand(a)
    parts_b, b_sparse = _operand(b)
    node = apply(SET_OPERATION, parts_a + parts_b, name=api, set_operation=op,
                 a_sparse=a_sparse, b_sparse=b_sparse,
                 validate_indices=bool(validate_indices))
    return _new(*node.outputs)


def set_intersection(a, b, validate_indices=True):
    """The sorted intersection of each row of a and b (last dim), a SparseTensor:
    `gc.sets.intersection([[1, 2, 3]], [[2, 3, 4]])` has rows [[2, 3]]."""
    return _set_operation(a, b, "intersection", validate_indices, "set_intersection")


def set_union(a, b, validate_indices=True):
    """The sorted union of each row of a and b (last dim), a SparseTensor."""
    return _set_operation(a, b, "union", validate_indices, "set_union")


def set_difference(a, b, aminusb=True, validate_indices=True):
    """The sorted difference of each row, a - b (b - a with aminusb=False), a
    SparseTensor."""
    return _set_operation(a, b, "a-b" if aminusb else "b-a", validate_indices,
                          "set_difference")


def _infer_set_size(ctx, indices, values, shape, *, validate_indices):
    r = shape.shape._dims[0] if shape.shape._dims is not None else None
    if isinstance(r, int) and r < 2:
        raise InferError("set_size needs rank >= 2 (rows of sets in the last dim)")
    return TensorShape(None if r is None else (None,) * (r - 1)), dtypes.int32


def _set_size_kernel(indices, values, shape, *, validate_indices):
    prefix, rows = _rows((indices, values, shape), True)
    out = np.zeros(int(np.prod(prefix, dtype=np.int64)), np.int32)
    for p, s in rows.items():
        out[p] = len(s)
    return out.reshape(prefix)


SET_SIZE = register(OpDef(
    "SetSize", _infer_set_size, _set_size_kernel, differentiable=False, api="sets.size",
    signature="sets.size(a, validate_indices=True)", shape_rule="a's dims but the last",
    dtypes="int or string", doc="The number of distinct values in each row of sparse a."))


def set_size(a, validate_indices=True):
    """The number of distinct values in each row (last dim) of SparseTensor a, int32."""
    if not hasattr(a, "_as_parts"):
        raise TypeError(f"Expected `SparseTensor`, got {a!r}")
    return apply(SET_SIZE, list(a._as_parts()), name="set_size",
                 validate_indices=bool(validate_indices)).outputs[0]
