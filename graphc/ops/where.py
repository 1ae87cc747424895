"""Ops whose output size is a value of their input: where(condition) with one argument
(the coordinates of the true elements) and unique / unique_with_counts.

Their first output dim is known only when the graph runs (None statically) unless the
input is a constant. None of them has a gradient: coordinates and first-occurrence
indices are integers, and unique's values jump when two inputs become equal.
"""
import collections

import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply, apply1, register

__all__ = ["unique", "unique_with_counts"]     # where: broadcast.py's where calls where_


# ---- where(condition): Where --------------------------------------------------------------
def _infer_where(ctx, condition):
    if not (condition.dtype.is_bool or condition.dtype.is_numeric):
        raise InferError(f"the condition {{0}} must be bool or numeric, not "
                         f"{condition.dtype.name}", "dtype")
    rank = condition.shape.rank
    v = ctx.constant_value(condition)
    n = None if v is None else int(np.count_nonzero(v))
    return (n, rank), dtypes.int64


WHERE = register(OpDef(
    "Where", _infer_where, lambda c: np.argwhere(c).astype(np.int64),
    differentiable=False, api="where",
    signature="where(condition, x=None, y=None, name=None)  (the one-argument form)",
    shape_rule="(number of true elements, rank(condition))",
    dtypes="bool or numeric (nonzero is true) -> int64",
    doc="The coordinates of the true (nonzero) elements of condition, one row each, in "
        "row-major order; the count is unknown statically."))


def where_(condition, name=None):
    """The one-argument gc.where: an int64 (num_true, rank) tensor of coordinates."""
    return apply1(WHERE, (convert_to_tensor(condition, dtype_hint=dtypes.bool_),),
                  name=name or "Where")


# ---- unique, unique_with_counts -----------------------------------------------------------
def _infer_unique(counts):
    def infer(ctx, x, *, out_idx):
        if x.shape.rank not in (1, None):
            raise InferError(f"{{0}} must be 1-D (unique looks at a vector), not of "
                             f"shape {x.shape}")
        v = ctx.constant_value(x)
        k = None if v is None else len(_unique(v)[0])
        n = x.shape._dims[0] if x.shape.rank == 1 else None
        outs = [((k,), x.dtype), ((n,), out_idx)]
        return outs + [((k,), out_idx)] if counts else outs
    return infer


def _unique(x):
    """(y, idx, counts) with y in the order of first occurrence (TF1), not sorted.
    NaNs are never equal to each other (each is its own value, as in TF1)."""
    if x.ndim != 1:
        raise ValueError(f"unique expects a 1-D vector, got shape {x.shape}")
    _, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True, equal_nan=False)
    order = np.argsort(first, kind="stable")   # sorted values -> first-occurrence order
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return x[first[order]], rank[inverse.reshape(-1)], counts[order]


def _unique_kernel(counts):
    def kernel(x, *, out_idx):
        y, idx, c = _unique(x)
        outs = (y, idx.astype(out_idx.np), c.astype(out_idx.np))
        return outs if counts else outs[:2]
    return kernel


_UNIQUE_SIG = "(x, out_idx=int32, name=None)"
UNIQUE = register(OpDef(
    "Unique", _infer_unique(False), _unique_kernel(False), differentiable=False,
    api="unique", signature=f"unique{_UNIQUE_SIG} -> (y, idx)",
    shape_rule="(n,) -> ((k,), (n,)); k unknown statically", dtypes="any; idx out_idx",
    doc="The distinct values of a vector in order of first occurrence, and for each "
        "element the position of its value in y."))
UNIQUE_WITH_COUNTS = register(OpDef(
    "UniqueWithCounts", _infer_unique(True), _unique_kernel(True), differentiable=False,
    api="unique_with_counts", signature=f"unique_with_counts{_UNIQUE_SIG} -> (y, idx, count)",
    shape_rule="(n,) -> ((k,), (n,), (k,))", dtypes="any; idx, count out_idx",
    doc="unique, and how many times each distinct value occurs."))

Unique = collections.namedtuple("Unique", ["y", "idx"])
UniqueWithCounts = collections.namedtuple("UniqueWithCounts", ["y", "idx", "count"])


def _out_idx(out_idx, api):
    out_idx = dtypes.as_dtype(out_idx)
    if out_idx not in (dtypes.int32, dtypes.int64):
        raise TypeError(f"{api}: out_idx must be int32 or int64, not {out_idx.name}")
    return out_idx


def unique(x, out_idx=dtypes.int32, name=None):
    """(y, idx): the distinct values of 1-D x in order of first occurrence, and
    x == gather(y, idx) (TF1's namedtuple Unique):

        y, idx = gc.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
        # y = [1, 2, 4, 7, 8], idx = [0, 0, 1, 2, 2, 2, 3, 4, 4]
    """
    node = apply(UNIQUE, (convert_to_tensor(x),), name=name,
                 out_idx=_out_idx(out_idx, "unique"))
    return Unique(*node.outputs)


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """(y, idx, count): unique's results and how often each value of y occurs in x:

        y, idx, count = gc.unique_with_counts([1, 1, 2, 4, 4, 4, 7, 8, 8])
        # count = [2, 1, 3, 1, 2]
    """
    node = apply(UNIQUE_WITH_COUNTS, (convert_to_tensor(x),), name=name,
                 out_idx=_out_idx(out_idx, "unique_with_counts"))
    return UniqueWithCounts(*node.outputs)
