"""edit_distance (TF1's EditDistance): the Levenshtein distance between the sequences of
two SparseTensors, one per position of their dense shapes without the last dim.

The kernel runs one dynamic-programming row per hypothesis position, vectorized over all
the sequence pairs and the truth positions at once: with tmp[j] the best of a deletion
and a substitution, the row is d[j] = j + min over k <= j of (tmp[k] - k) (insertions
are a running minimum), so no Python loop runs over truth positions or pairs.
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .registry import OpDef, apply1, register

__all__ = ["edit_distance"]


def _infer_edit_distance(ctx, h_idx, h_vals, h_shape, t_idx, t_vals, t_shape, *, normalize):
    if h_vals.dtype is not t_vals.dtype:
        raise InferError(f"hypothesis values {{1}} are {h_vals.dtype.name} but truth values "
                         f"{{4}} are {t_vals.dtype.name}", "dtype")
    ranks = []
    for i, s in ((0, h_idx), (3, t_idx)):
        if s.shape.rank == 2 and isinstance(s.shape._dims[1], int):
            ranks.append(s.shape._dims[1])
    for i in (2, 5):
        r = ctx.inputs[i].shape._dims[0] if ctx.inputs[i].shape.rank == 1 else None
        if isinstance(r, int):
            ranks.append(r)
    if len(set(ranks)) > 1:
        raise InferError(f"hypothesis and truth have different ranks: {ranks[0]} and "
                         f"{ranks[-1]}")
    if not ranks:
        return (None, dtypes.float32)
    hs, ts = ctx.shape_value(h_shape)._dims, ctx.shape_value(t_shape)._dims
    out = []
    for k in range(ranks[0] - 1):
        a = hs[k] if hs is not None else None
        b = ts[k] if ts is not None else None
        out.append(max(a, b) if isinstance(a, int) and isinstance(b, int) else None)
    return (tuple(out), dtypes.float32)


def _entries(idx, vals, shape, what):
    """idx, vals in row-major order, checked against their dense shape."""
    idx = np.asarray(idx, np.int64).reshape(-1, len(shape))
    bad = np.flatnonzero(((idx < 0) | (idx >= shape)).any(axis=1))
    if bad.size:
        raise ValueError(f"edit_distance: {what} indices[{bad[0]}] = {idx[bad[0]].tolist()} "
                         f"is out of bounds for its dense_shape {shape.tolist()}")
    if len(idx):
        order = np.lexsort(idx.T[::-1])
        idx, vals = idx[order], np.asarray(vals)[order]
    return idx, np.asarray(vals)


def _padded(groups, idx, vals, present):
    """[G, M] values of each present group's sequence and the lengths [G]."""
    pos = np.searchsorted(present, groups)
    lens = np.bincount(pos, minlength=len(present))
    start = np.concatenate([[0], np.cumsum(lens)[:-1]])
    col = np.arange(len(groups)) - np.repeat(start, lens)
    out = np.zeros((len(present), max(int(lens.max(initial=0)), 1)), vals.dtype)
    out[pos, col] = vals
    return out, lens


def levenshtein(h, lh, t, lt):
    """Edit distances [G] of the sequences h[g, :lh[g]] and t[g, :lt[g]]."""
    n_t = t.shape[1]
    cols = np.arange(n_t + 1)
    row = np.broadcast_to(cols, (len(h), n_t + 1)).astype(np.int64)
    dist = np.where(lh == 0, lt, 0)
    for i in range(1, int(lh.max(initial=0)) + 1):
        tmp = np.empty_like(row)
        tmp[:, 0] = i
        tmp[:, 1:] = np.minimum(row[:, 1:] + 1, row[:, :-1] + (h[:, i - 1:i] != t))
        row = np.minimum.accumulate(tmp - cols, axis=1) + cols
        done = lh == i
        dist[done] = row[done, lt[done]]
    return dist


def _edit_distance_kernel(h_idx, h_vals, h_shape, t_idx, t_vals, t_shape, *, normalize):
    h_shape, t_shape = np.asarray(h_shape, np.int64), np.asarray(t_shape, np.int64)
    if h_shape.shape != t_shape.shape:
        raise ValueError(f"edit_distance: hypothesis has rank {h_shape.size} but truth "
                         f"rank {t_shape.size}")
    out_shape = np.maximum(h_shape[:-1], t_shape[:-1])
    h_idx, h_vals = _entries(h_idx, h_vals, h_shape, "hypothesis")
    t_idx, t_vals = _entries(t_idx, t_vals, t_shape, "truth")
    flat = np.zeros(int(np.prod(out_shape)), np.float32)
    h_g = np.ravel_multi_index(h_idx[:, :-1].T, out_shape) if len(out_shape) else \
        np.zeros(len(h_idx), np.int64)
    t_g = np.ravel_multi_index(t_idx[:, :-1].T, out_shape) if len(out_shape) else \
        np.zeros(len(t_idx), np.int64)
    present = np.union1d(h_g, t_g)
    if present.size:
        h, lh = _padded(h_g, h_idx, h_vals, present)
        t, lt = _padded(t_g, t_idx, t_vals, present)
        dist = levenshtein(h, lh, t, lt).astype(np.float64)
        if normalize:
            with np.errstate(divide="ignore", invalid="ignore"):
                dist = np.where(lt > 0, dist / np.maximum(lt, 1), np.where(dist > 0, np.inf, 0))
        flat[present] = dist
    return flat.reshape(tuple(out_shape))


EDIT_DISTANCE = register(OpDef(
    "EditDistance", _infer_edit_distance, _edit_distance_kernel, differentiable=False,
    api="edit_distance", signature="edit_distance(hypothesis, truth, normalize=True, "
                                   "name='edit_distance')",
    shape_rule="two SparseTensors of rank R -> max of their dense shapes' first R - 1 dims",
    dtypes="any values (the same for both) -> float32",
    doc="Levenshtein distance per sequence (normalized by the truth's length)."))


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """The Levenshtein distance between the last-dim sequences of two SparseTensors
    (TF1): for hypothesis and truth of dense shapes (2, 1, 4) and (2, 2, 3) the result
    has shape (2, 2), one distance per [i, j], divided by the truth's length when
    normalize (inf where the truth is empty and the hypothesis is not, 0 where both are).

        h = gc.SparseTensor([[0, 0], [0, 1]], [1, 2], [1, 2])
        t = gc.SparseTensor([[0, 0]], [1], [1, 1])
        gc.edit_distance(h, t)          # [1.0]: one deletion over a truth of length 1
    """
    from ..sparse import SparseTensor, SparseTensorValue
    parts = []
    for what, sp in (("Hypothesis", hypothesis), ("Truth", truth)):
        if isinstance(sp, SparseTensorValue):
            sp = SparseTensor(*sp)
        if not isinstance(sp, SparseTensor):
            raise TypeError(f"edit_distance: {what} must be a SparseTensor, not "
                            f"{type(sp).__name__}")
        parts += [sp.indices, sp.values, sp.dense_shape]
    return apply1(EDIT_DISTANCE, parts, name=name, normalize=bool(normalize))
