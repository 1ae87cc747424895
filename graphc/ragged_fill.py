"""tf.compat.v1's raw ragged fill ops: RaggedFillEmptyRows and its gradient op.

    out = gc.ragged_fill_empty_rows(value_rowids, values, nrows, default_value)
    out.output_value_rowids, out.output_values, out.empty_row_indicator,
    out.reverse_index_map

A ragged tensor given by the row of each value (value_rowids, any order) gets one
default_value in each of its nrows rows that has no value. The values of a row keep
their input order; reverse_index_map[i] is where values[i] went. The gradient of
output_values flows to values (a gather) and to default_value (the sum over the filled
slots), through RaggedFillEmptyRowsGrad, as in TF.
"""
import collections

import numpy as np

from . import dtypes
from .ops.core import convert_to_tensor
from .ops.registry import OpDef, apply, register
from .shapes import InferError

__all__ = ["ragged_fill_empty_rows", "ragged_fill_empty_rows_grad"]

RaggedFillEmptyRows = collections.namedtuple(
    "RaggedFillEmptyRows", ["output_value_rowids", "output_values", "empty_row_indicator",
                            "reverse_index_map"])
RaggedFillEmptyRowsGrad = collections.namedtuple(
    "RaggedFillEmptyRowsGrad", ["d_values", "d_default_value"])


def _rank(t, i, rank, what):
    if t.shape.rank not in (rank, None):
        kind = "a scalar" if rank == 0 else f"rank {rank}"
        raise InferError(f"{what} {{{i}}} must be {kind}, not of shape {t.shape}")


def _dim0(t):
    return t.shape._dims[0] if t.shape.rank == 1 else None


def _int64(t, i, what):
    if t.dtype is not dtypes.int64:
        raise InferError(f"{what} {{{i}}} must be int64, not {t.dtype.name}", "dtype")


def _infer_fill(ctx, value_rowids, values, nrows, default_value):
    _rank(value_rowids, 0, 1, "value_rowids")
    _rank(values, 1, 1, "values")
    _rank(nrows, 2, 0, "nrows")
    _rank(default_value, 3, 0, "default_value")
    _int64(value_rowids, 0, "value_rowids")
    _int64(nrows, 2, "nrows")
    t = ctx.same_dtype(1, 3)
    n = _dim0(value_rowids)
    if n is not None and _dim0(values) is not None:
        n = ctx.merge_dims(n, _dim0(values), "value_rowids {{0}} (length {a}) and values "
                           "{{1}} (length {b}) differ in length")
    elif n is None:
        n = _dim0(values)
    return [((None,), dtypes.int64), ((None,), t), ((None,), dtypes.bool_),
            ((n,), dtypes.int64)]


def _fill_kernel(value_rowids, values, nrows, default_value):
    rows = np.asarray(value_rowids, np.int64)
    n, count = int(nrows), len(rows)
    if n < 0:
        raise ValueError(f"Expected shape dimensions to be non-negative, got {n}")
    if len(values) != count:
        raise ValueError(f"values has {len(values)} elements but value_rowids has {count}")
    if n == 0 and count:
        raise ValueError(f"Received SparseTensor with dense_shape[0] = 0 but "
                         f"indices.shape[0] = {count}")
    bad = np.flatnonzero((rows < 0) | (rows >= n))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"indices({i}, 0) is invalid: {int(rows[i])} >= {n}")
    counts = np.bincount(rows, minlength=n)
    empty = counts == 0
    sizes = counts + empty
    starts = np.cumsum(sizes) - sizes               # each output row's first slot
    order = np.argsort(rows, kind="stable")         # a row's values keep their order
    first_in_sorted = np.cumsum(counts) - counts    # each row's first position in order
    sorted_rows = rows[order]
    reverse = np.empty(count, np.int64)
    reverse[order] = starts[sorted_rows] + np.arange(count) - first_in_sorted[sorted_rows]
    out_values = np.empty(int(sizes.sum()), values.dtype)
    out_values[reverse] = values
    out_values[starts[empty]] = default_value
    out_rows = np.repeat(np.arange(n, dtype=np.int64), sizes)
    return out_rows, out_values, empty, reverse


def _fill_vjp(node, gs):
    """d values = g[reverse_index_map]; d default_value = sum of g over the filled slots
    (RaggedFillEmptyRowsGrad, as TF)."""
    g = gs[1]
    if g is None:
        return [None, None, None, None]
    d_values, d_default = ragged_fill_empty_rows_grad(node.outputs[3], g)
    return [None, d_values, None, d_default]


def _fill_jvp(node, ts):
    """out_dot = scatter(values_dot to reverse_index_map) + default_dot at the other
    slots."""
    from .ops.creation import ones_like
    from .ops.gather import unsorted_segment_sum
    from .ops.array import size
    t_values, t_default = ts[1], ts[3]
    if t_values is None and t_default is None:
        return [None, None, None, None]
    reverse, out = node.outputs[3], node.outputs[1]
    m = size(out, out_type=dtypes.int64)
    dot = None
    if t_values is not None:
        dot = unsorted_segment_sum(t_values, reverse, m)
    if t_default is not None:
        taken = unsorted_segment_sum(ones_like(node.inputs[1]), reverse, m)
        filled = (1 - taken) * t_default
        dot = filled if dot is None else dot + filled
    return [None, dot, None, None]


RAGGED_FILL = register(OpDef(
    "RaggedFillEmptyRows", _infer_fill, _fill_kernel, vjp=_fill_vjp, jvp=_fill_jvp,
    api="ragged_fill_empty_rows",
    signature="ragged_fill_empty_rows(value_rowids, values, nrows, default_value)",
    shape_rule="(n,) int64, (n,), () int64, () -> (m,) int64, (m,), (nrows,) bool, "
               "(n,) int64",
    dtypes="values, default_value: any (the same); value_rowids, nrows int64",
    doc="Puts default_value into each empty row of a ragged tensor given by value "
        "row ids: (output_value_rowids, output_values, empty_row_indicator, "
        "reverse_index_map)."))


def _infer_fill_grad(ctx, reverse_index_map, grad_values):
    _rank(reverse_index_map, 0, 1, "reverse_index_map")
    _rank(grad_values, 1, 1, "grad_values")
    _int64(reverse_index_map, 0, "reverse_index_map")
    t = ctx.require(1, "numeric or complex")
    return [((_dim0(reverse_index_map),), t), ((), t)]


def _fill_grad_kernel(reverse_index_map, grad_values):
    m = len(grad_values)
    rim = np.asarray(reverse_index_map, np.int64)
    bad = np.flatnonzero((rim < 0) | (rim >= m))
    if bad.size:
        raise ValueError(f"Elements in reverse index must be in [0, {m}) but got "
                         f"{int(rim[bad[0]])}")
    visited = np.zeros(m, bool)
    visited[rim] = True
    d_default = np.sum(grad_values[~visited], dtype=grad_values.dtype)
    return grad_values[rim], np.asarray(d_default, grad_values.dtype)


RAGGED_FILL_GRAD = register(OpDef(
    "RaggedFillEmptyRowsGrad", _infer_fill_grad, _fill_grad_kernel, differentiable=False,
    api="ragged_fill_empty_rows_grad",
    signature="ragged_fill_empty_rows_grad(reverse_index_map, grad_values)",
    shape_rule="(n,) int64, (m,) -> (n,), ()",
    dtypes="grad_values numeric or complex; reverse_index_map int64",
    doc="RaggedFillEmptyRows' gradient: grad_values gathered at reverse_index_map, and "
        "the sum of grad_values at the slots it does not name (TF registers no "
        "gradient for it)."))


def ragged_fill_empty_rows(value_rowids, values, nrows, default_value, name=None):
    """tf.compat.v1.ragged_fill_empty_rows: fills each empty row of a ragged tensor
    (given by value_rowids, int64) with default_value. Returns the namedtuple
    (output_value_rowids, output_values, empty_row_indicator, reverse_index_map):

        out = gc.ragged_fill_empty_rows(gc.constant([0, 0, 2], gc.int64),
                                        [1., 2., 3.], gc.constant(4, gc.int64), -1.)
        # output_value_rowids [0 0 1 2 3], output_values [1 2 -1 3 -1],
        # empty_row_indicator [F T F T], reverse_index_map [0 1 3]
    """
    values = convert_to_tensor(values)
    out = apply(RAGGED_FILL, (convert_to_tensor(value_rowids, dtype=dtypes.int64), values,
                              convert_to_tensor(nrows, dtype=dtypes.int64),
                              convert_to_tensor(default_value, dtype=values.dtype)),
                name=name)
    return RaggedFillEmptyRows(*out.outputs)


def ragged_fill_empty_rows_grad(reverse_index_map, grad_values, name=None):
    """tf.compat.v1.ragged_fill_empty_rows_grad: the namedtuple (d_values,
    d_default_value) of ragged_fill_empty_rows' gradient:

        d = gc.ragged_fill_empty_rows_grad(gc.constant([0, 1, 3], gc.int64),
                                           [1., 2., 3., 4., 5.])
        # d_values [1 2 4], d_default_value 8 (= 3 + 5)
    """
    out = apply(RAGGED_FILL_GRAD, (convert_to_tensor(reverse_index_map, dtype=dtypes.int64),
                                   convert_to_tensor(grad_values)), name=name)
    return RaggedFillEmptyRowsGrad(*out.outputs)
