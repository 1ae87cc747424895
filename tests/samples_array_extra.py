"""Samples for graphc.ops.array_extra, math_extra and counting (see samples.py); the
composites built on existing ops (strided_slice, meshgrid, where_v2, weighted bincount)
have samples under the op they build, so the registry-wide checks cover them too."""
import math

import numpy as np

import graphc as gc
from samples import Sample, away_from, normal, shape


def _erfinv_ref(x):
    """erf^-1 by bisection on math.erf (independent of the kernel's polynomial + Newton)."""
    lo, hi = np.full(x.shape, -6.0), np.full(x.shape, 6.0)
    erf = np.vectorize(math.erf, otypes=[np.float64])
    for _ in range(80):
        mid = (lo + hi) / 2
        below = erf(mid) < x
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def _ints(r, s, lo, hi, dtype=np.int32):
    return r.integers(lo, hi, size=s).astype(dtype)


def _s2d_ref(x, b):
    """space_to_depth (NHWC) element by element: out[n, i, j, (by b + bx) c + k] =
    x[n, i b + by, j b + bx, k]."""
    n, h, w, c = x.shape
    out = np.zeros((n, h // b, w // b, b * b * c), x.dtype)
    for i, j, by, bx in np.ndindex(h // b, w // b, b, b):
        out[:, i, j, (by * b + bx) * c:(by * b + bx + 1) * c] = x[:, i * b + by, j * b + bx]
    return out


def _d2s_ref(y, b):
    """depth_to_space (NHWC): the inverse map of _s2d_ref."""
    n, h, w, cc = y.shape
    c = cc // (b * b)
    out = np.zeros((n, h * b, w * b, c), y.dtype)
    for i, j, by, bx in np.ndindex(h, w, b, b):
        out[:, i * b + by, j * b + bx] = y[:, i, j, (by * b + bx) * c:(by * b + bx + 1) * c]
    return out


def _nchw(f):
    """The NCHW version of an NHWC reference."""
    return lambda x, b: f(x.transpose(0, 2, 3, 1), b).transpose(0, 3, 1, 2)


def _bounds_ref(side):
    def ref(s, v):
        rows = zip(s.reshape(-1, s.shape[-1]), v.reshape(-1, v.shape[-1]))
        return np.array([[np.sum(r < x) if side == "left" else np.sum(r <= x) for x in vr]
                         for r, vr in rows]).reshape(v.shape)
    return ref


def _sorted_rows(r, lead, m):
    return np.sort(normal(r, lead + (m,)), axis=-1)


def _hist_ref(v, lo, hi, nbins):
    """TF1's Python rule: floor(nbins (v - lo) / (hi - lo)) clipped to [0, nbins - 1]."""
    idx = np.clip(np.floor(nbins * (v.ravel() - lo) / (hi - lo)), 0, nbins - 1)
    return np.bincount(idx.astype(int), minlength=nbins)


def _rint_ref(x):
    """Halves to the even neighbour, written out."""
    f = np.floor(x)
    d = x - f
    return np.where(d > 0.5, f + 1, np.where(d < 0.5, f, np.where(f % 2 == 0, f, f + 1)))


def _y_with_zeros(r):
    y = away_from(r, (4,))
    y[[0, 2]] = 0.0
    return y


def _bincount_ref(a, length=None, dtype=np.int32):
    a = a.ravel()
    n = (a.max() + 1 if a.size else 0) if length is None else length
    return np.bincount(a[a < n], minlength=n)[:n].astype(dtype)


SAMPLES = [
    Sample("IdentityN", lambda a, b: gc.identity_n([a, b * 2.0]),
           lambda r: [normal(r, shape(r)), normal(r, (2, 3))], lambda a, b: [a, b * 2.0]),
    # ---- roll
    Sample("Roll", lambda x: gc.roll(x, 2, 1), lambda r: [normal(r, (2, 5, 3))],
           lambda x: np.roll(x, 2, 1)),
    Sample("Roll", lambda x: gc.roll(x, [1, -2, 3], [0, -1, 0]),
           lambda r: [normal(r, (3, 2, 4))], lambda x: np.roll(x, (1, -2, 3), (0, -1, 0)),
           id="lists, repeated axis"),
    Sample("Roll", lambda x, s: gc.roll(x, s, [1, 0]),
           lambda r: [normal(r, (3, 4)), _ints(r, (2,), -6, 7)],
           lambda x, s: np.roll(x, tuple(s), (1, 0)), id="shift tensor"),
    # ---- lin_space
    Sample("LinSpace", lambda a, b: gc.linspace(a, b, 5),
           lambda r: [normal(r, ()), normal(r, ())], lambda a, b: np.linspace(a, b, 5)),
    # (start and stop of shape (1,): gc.jacobian of a scalar x by a y of unknown length
    # fails in mixed.py, concat of an int32 shape and a float32 empty constant)
    Sample("LinSpace", lambda a, b, n: gc.lin_space(a[0], b[0], n),
           lambda r: [normal(r, (1,)), normal(r, (1,)), np.array(r.integers(1, 7), np.int32)],
           lambda a, b, n: np.linspace(a[0], b[0], n), id="num tensor"),
    Sample("LinSpace", lambda a, b: gc.linspace(a, b, 1),
           lambda r: [normal(r, ()), normal(r, ())], lambda a, b: np.array([a]), id="num 1"),
    Sample("LinSpace", lambda: gc.linspace(-1.0, 2.0, 4), lambda r: [],
           lambda: np.array([-1, 0, 1, 2], np.float32), grad=False, id="float32"),
    # ---- space_to_depth, depth_to_space
    Sample("SpaceToDepth", lambda x: gc.space_to_depth(x, 2),
           lambda r: [normal(r, (2, 4, 6, 3))], lambda x: _s2d_ref(x, 2)),
    Sample("SpaceToDepth", lambda x: gc.space_to_depth(x, 3, data_format="NCHW"),
           lambda r: [normal(r, (1, 2, 6, 3))], lambda x: _nchw(_s2d_ref)(x, 3), id="NCHW"),
    Sample("DepthToSpace", lambda x: gc.depth_to_space(x, 2),
           lambda r: [normal(r, (2, 2, 3, 12))], lambda x: _d2s_ref(x, 2)),
    Sample("DepthToSpace", lambda x: gc.depth_to_space(x, 3, data_format="NCHW"),
           lambda r: [normal(r, (1, 18, 2, 1))], lambda x: _nchw(_d2s_ref)(x, 3), id="NCHW"),
    # ---- broadcast_dynamic_shape, setdiff1d
    Sample("BroadcastArgs", lambda a, b: gc.broadcast_dynamic_shape(gc.shape(a), gc.shape(b)),
           lambda r: [normal(r, (2, 1, 3)), normal(r, (4, 1))],
           lambda a, b: np.array([2, 4, 3], np.int32), grad=False),
    Sample("BroadcastArgs", gc.broadcast_dynamic_shape,
           lambda r: [np.array([5, 1, 3], np.int64), np.array([2, 1], np.int64)],
           lambda a, b: np.array([5, 2, 3]), grad=False, id="int64 values"),
    Sample("ListDiff", lambda x, y: list(gc.setdiff1d(x, y)),
           lambda r: [_ints(r, (8,), 0, 6), _ints(r, (3,), 0, 6)],
           lambda x, y: [x[~np.isin(x, y)], np.flatnonzero(~np.isin(x, y))], grad=False),
    Sample("ListDiff", lambda x, y: list(gc.setdiff1d(x, y, index_dtype=gc.int64)),
           lambda r: [_ints(r, (7,), 0, 4).astype(np.float64), np.array([1.0, 3.0])],
           lambda x, y: [x[(x != 1) & (x != 3)], np.flatnonzero((x != 1) & (x != 3))],
           grad=False, id="float, int64 idx"),
    # ---- bincount (the weighted form is an unsorted_segment_sum)
    Sample("Bincount", gc.bincount, lambda r: [_ints(r, (3, 4), 0, 6)], _bincount_ref,
           grad=False),
    Sample("Bincount", lambda a: gc.bincount(a, minlength=8, maxlength=8, dtype=gc.float32),
           lambda r: [_ints(r, (9,), 0, 11)], lambda a: _bincount_ref(a, 8, np.float32),
           grad=False, id="min = max length, float32"),
    Sample("Bincount", lambda a: gc.bincount(a, minlength=9),
           lambda r: [_ints(r, (5,), 0, 5)], lambda a: _bincount_ref(a, 9), grad=False,
           id="minlength"),
    Sample("Bincount", lambda a: gc.bincount(a, maxlength=3, dtype=gc.int64),
           lambda r: [_ints(r, (2, 5), 0, 9)],
           lambda a: _bincount_ref(a, min(3, a.max() + 1), np.int64), grad=False,
           id="maxlength"),
    Sample("UnsortedSegmentSum", lambda a, w: gc.bincount(a, weights=w, maxlength=4),
           lambda r: [_ints(r, (6,), 0, 7), normal(r, (6,))],
           lambda a, w: np.array([w[a == i].sum() for i in range(min(4, a.max() + 1))]),
           id="bincount weights"),
    # ---- searchsorted
    Sample("LowerBound", gc.searchsorted,
           lambda r: [_sorted_rows(r, (3,), 5), normal(r, (3, 4))], _bounds_ref("left"),
           grad=False),
    Sample("LowerBound", gc.searchsorted,
           lambda r: [_sorted_rows(r, (2, 3), 4), normal(r, (2, 3, 2))],
           _bounds_ref("left"), grad=False, id="3-D"),
    Sample("UpperBound", lambda s, v: gc.searchsorted(s, v, side="right", out_type=gc.int64),
           lambda r: [np.sort(_ints(r, (6,), 0, 4)), _ints(r, (5,), -1, 5)],
           _bounds_ref("right"), grad=False),
    Sample("LowerBound", lambda s, v: gc.searchsorted(s, v, side="left"),
           lambda r: [np.sort(_ints(r, (6,), 0, 4)), _ints(r, (5,), -1, 5)],
           _bounds_ref("left"), grad=False, id="ties"),
    # ---- histogram_fixed_width
    Sample("HistogramFixedWidth", lambda v: gc.histogram_fixed_width(v, [-1.0, 1.5], 7),
           lambda r: [2 * normal(r, (4, 5))], lambda v: _hist_ref(v, -1.0, 1.5, 7),
           grad=False),
    Sample("HistogramFixedWidth",
           lambda v, vr, n: gc.histogram_fixed_width(v, vr, n, dtype=gc.int64),
           lambda r: [_ints(r, (3, 7), -3, 12), np.array([0, 10], np.int32), np.int32(4)],
           lambda v, vr, n: _hist_ref(v, 0, 10, 4), grad=False, id="ints, tensors"),
    # ---- elementwise math
    Sample("Erfc", gc.erfc, lambda r: [normal(r, shape(r))],
           np.vectorize(math.erfc, otypes=[np.float64])),
    Sample("Erfc", gc.erfc, lambda r: [r.uniform(3.0, 8.0, (2, 3))],
           np.vectorize(math.erfc, otypes=[np.float64]), rtol=1e-13, atol=0.0,
           id="tail (1 - erf(x) would be 0)"),
    Sample("Erfinv", gc.erfinv, lambda r: [r.uniform(-0.95, 0.95, shape(r))], _erfinv_ref,
           rtol=1e-10, atol=1e-12),
    Sample("Erfinv", gc.erfinv, lambda r: [np.array([-1.0, 1.0, 1.5, 0.0])],
           lambda x: np.array([-np.inf, np.inf, np.nan, 0.0]), grad=False, id="edges"),
    Sample("Rint", gc.rint, lambda r: [_ints(r, (3, 4), -12, 12) / 2.0 + 0.1 * normal(
        r, (3, 4)) * (r.random((3, 4)) < 0.5)], _rint_ref, grad=False),
    Sample("DivNoNan", gc.div_no_nan, lambda r: [normal(r, (3, 4)), _y_with_zeros(r)],
           lambda x, y: np.where(y == 0, 0.0, x / np.where(y == 0, 1.0, y)), wrt=(0,),
           id="y has zeros (d/dx)"),
    Sample("DivNoNan", gc.div_no_nan, lambda r: [normal(r, (4,)), away_from(r, (2, 3, 4))],
           lambda x, y: x / y),
    # ---- composites, checked as the ops they build
    Sample("StridedSlice", lambda x: gc.strided_slice(x, [1, 0, 0], [3, 0, 4], [1, -1, 2],
                                                      begin_mask=2, end_mask=2),
           lambda r: [normal(r, (4, 3, 5))], lambda x: x[1:3, ::-1, 0:4:2],
           id="strided_slice masks"),
    Sample("StridedSlice", lambda x: gc.strided_slice(x, [0, -1, 0], [0, 0, 0], [1, 1, 1],
                                                      ellipsis_mask=1, shrink_axis_mask=2,
                                                      new_axis_mask=4),
           lambda r: [normal(r, (2, 3, 4))], lambda x: x[..., -1, None],
           id="strided_slice ellipsis shrink new axis"),
    Sample("StridedSlice", lambda x, i: gc.strided_slice(x, [i, 1], [i + 1, 3],
                                                         shrink_axis_mask=1),
           lambda r: [normal(r, (3, 4)), np.array(r.integers(0, 3), np.int32)],
           lambda x, i: x[i, 1:3], id="strided_slice tensor begin"),
    Sample("BroadcastTo", lambda a, b, c: gc.meshgrid(a, b, c),
           lambda r: [normal(r, (2,)), normal(r, (3,)), normal(r, (4,))],
           lambda a, b, c: np.meshgrid(a, b, c), id="meshgrid xy"),
    Sample("BroadcastTo", lambda a, b: gc.meshgrid(a, b, indexing="ij"),
           lambda r: [normal(r, (2, 2)), normal(r, (3,))],
           lambda a, b: np.meshgrid(a.ravel(), b, indexing="ij"), id="meshgrid ij"),
    Sample("Select", gc.where_v2,
           lambda r: [r.random(4) < 0.5, normal(r, (3, 4)), normal(r, (1,))],
           np.where, id="where_v2 broadcasting"),
]
