"""Samples for graphc.ops.array and graphc.ops.indexing (see samples.py)."""
import numpy as np

import graphc as gc
from samples import Sample, normal, shape


def _ints(r, s, lo=-9, hi=10):
    return r.integers(lo, hi, size=s).astype(np.int32)


def _matrix(r):
    return [normal(r, shape(r, 2, lo=2))]


def _cube(r):
    return [normal(r, shape(r, 3, lo=2))]


def _transpose_ref(f, xshape):
    """J^T g of a linear numpy function f at shape xshape, one basis vector at a time."""
    def ref(g):
        out = np.zeros(int(np.prod(xshape)))
        for i in range(out.size):
            e = np.zeros(out.size)
            e[i] = 1.0
            out[i] = np.sum(f(e.reshape(xshape)) * g)
        return out.reshape(xshape)
    return ref


def _transposed(op, f_gc, f_np, xshape, **kw):
    """A sample of op `op`, the vjp of the linear f_gc at a fixed input shape."""
    def build(g):
        x = gc.zeros(xshape, gc.float64)
        return gc.gradients(f_gc(x), [x], grad_ys=[g])[0]
    out_shape = f_np(np.zeros(xshape)).shape
    return Sample(op, build, lambda r: [normal(r, out_shape)], _transpose_ref(f_np, xshape),
                  **kw)


def _slice_index(r):
    x = normal(r, shape(r, 3, lo=2))
    return [x, np.array(r.integers(0, x.shape[0]), np.int32)]


def _pad_ref(mode):
    return lambda x: np.pad(x, [[1, 0], [0, 1]], mode=mode)


def _segments(r):
    n = int(r.integers(2, 6))
    ids = r.integers(0, 4, size=n).astype(np.int32)
    return [normal(r, (n, int(r.integers(1, 4)))), ids]


def _segment_ref(data, ids):
    out = np.zeros((4,) + data.shape[1:])
    np.add.at(out, ids, data)
    return out


SAMPLES = [
    # ---- core ops and shape queries
    Sample("Const", lambda: gc.constant([[1.5, 2.0, -3.0]], dtype=gc.float64),
           lambda r: [], lambda: np.array([[1.5, 2.0, -3.0]]), grad=False),
    Sample("Identity", gc.identity, lambda r: [normal(r, shape(r))], lambda x: x),
    Sample("StopGradient", gc.stop_gradient, lambda r: [normal(r, shape(r))], lambda x: x,
           grad=False),
    Sample("PlaceholderWithDefault", lambda x: gc.placeholder_with_default(x, x.shape),
           lambda r: [normal(r, shape(r))], lambda x: x),
    Sample("Shape", gc.shape, lambda r: [normal(r, shape(r))],
           lambda x: np.array(x.shape, np.int32), grad=False),
    Sample("Shape", lambda x: gc.shape(x, out_type=gc.int64), lambda r: [normal(r, shape(r))],
           lambda x: np.array(x.shape, np.int64), grad=False, id="int64"),
    Sample("Size", gc.size, lambda r: [normal(r, shape(r))], np.size, grad=False),
    Sample("Rank", gc.rank, lambda r: [normal(r, shape(r))], np.ndim, grad=False),
    Sample("Fill", lambda v: gc.fill([2, 3], v), lambda r: [normal(r, ())],
           lambda v: np.full((2, 3), v)),
    Sample("Fill", lambda x, v: gc.fill(gc.shape(x), v), lambda r: [normal(r, shape(r)),
                                                                      normal(r, ())],
           lambda x, v: np.full(x.shape, v), wrt=(1,), id="shape(x)"),
    # ---- reshape, transpose, expand_dims, squeeze
    Sample("Reshape", lambda x: gc.reshape(x, [-1]), _cube, lambda x: x.reshape(-1)),
    Sample("Reshape", lambda x: gc.reshape(x, [gc.shape(x)[0], -1]), _cube,
           lambda x: x.reshape(x.shape[0], -1), id="[shape(x)[0], -1]"),
    Sample("Reshape", lambda x: gc.reshape(x, (5, -1, 2)),
           lambda r: [normal(r, (2, 3, 5))], lambda x: x.reshape(5, -1, 2), id="static"),
    Sample("Reshape", lambda x, y: gc.reshape(x, gc.shape(y)),
           lambda r: [normal(r, (6,)), normal(r, (2, 3))], lambda x, y: x.reshape(2, 3),
           wrt=(0,), id="shape(y)"),
    Sample("Transpose", gc.transpose, _cube, np.transpose),
    Sample("Transpose", lambda x: gc.transpose(x, [1, 2, 0]), _cube,
           lambda x: x.transpose(1, 2, 0), id="perm"),
    Sample("DynamicTranspose", lambda x, p: gc.transpose(x, p),
           lambda r: [_cube(r)[0], np.array([2, 0, 1], np.int32)],
           lambda x, p: x.transpose(p), wrt=(0,)),
    Sample("ExpandDims", lambda x: gc.expand_dims(x, 0), _matrix, lambda x: x[None]),
    Sample("ExpandDims", lambda x: gc.expand_dims(x, -1), _matrix, lambda x: x[..., None],
           id="-1"),
    Sample("ExpandDims", lambda x: gc.expand_dims(x, 1), _matrix, lambda x: x[:, None],
           id="1"),
    Sample("Squeeze", gc.squeeze, lambda r: [normal(r, (1, 3, 1, 2))], np.squeeze),
    Sample("Squeeze", lambda x: gc.squeeze(x, [-2]), lambda r: [normal(r, (1, 3, 1, 2))],
           lambda x: x.squeeze(2), id="axis"),
    # ---- concat, stack, unstack, split
    Sample("ConcatV2", lambda a, b, c: gc.concat([a, b, c], 1),
           lambda r: [normal(r, (2, k)) for k in (1, 3, 2)],
           lambda a, b, c: np.concatenate([a, b, c], 1)),
    Sample("ConcatV2", lambda a, b: gc.concat([a, b], -3),
           lambda r: [normal(r, (k, 2, 3)) for k in (2, 1)],
           lambda a, b: np.concatenate([a, b], 0), id="-3"),
    Sample("Pack", lambda a, b, c: gc.stack([a, b, c]),
           lambda r: [normal(r, (2, 3)) for _ in range(3)], lambda *xs: np.stack(xs)),
    Sample("Pack", lambda a, b: gc.stack([a, b], axis=-1),
           lambda r: [normal(r, (4, 3)) for _ in range(2)],
           lambda *xs: np.stack(xs, -1), id="-1"),
    Sample("Unpack", lambda x: gc.unstack(x, 3), lambda r: [normal(r, (3, 2, 4))], list),
    Sample("Unpack", lambda x: gc.unstack(x, 2, axis=-1), lambda r: [normal(r, (3, 2))],
           lambda x: list(np.moveaxis(x, -1, 0)), id="-1"),
    Sample("Split", lambda x: gc.split(x, 3, axis=1), lambda r: [normal(r, (2, 6, 3))],
           lambda x: np.split(x, 3, axis=1)),
    Sample("Split", lambda x: gc.split(x, [2, -1, 1], axis=-1),
           lambda r: [normal(r, (3, 7))], lambda x: np.split(x, [2, 6], axis=-1),
           id="sizes"),
    # ---- tile, reverse, one_hot, range
    Sample("Tile", lambda x: gc.tile(x, [2, 1, 3]), _cube, lambda x: np.tile(x, (2, 1, 3))),
    Sample("ReverseV2", lambda x: gc.reverse(x, [0]), _matrix, lambda x: x[::-1]),
    Sample("ReverseV2", lambda x: gc.reverse(x, [-1, 0]), _cube,
           lambda x: x[::-1, :, ::-1], id="two axes"),
    Sample("OneHot", lambda i: gc.one_hot(i, 4), lambda r: [_ints(r, shape(r), -1, 5)],
           lambda i: (i[..., None] == np.arange(4)).astype(np.float32), grad=False),
    Sample("OneHot", lambda i: gc.one_hot(i, 3, 5, -1, axis=0),
           lambda r: [_ints(r, (4,), 0, 3)],
           lambda i: np.where(i[None] == np.arange(3)[:, None], 5, -1), grad=False,
           id="axis 0"),
    Sample("Range", gc.range, lambda r: [np.array(r.integers(0, 6), np.int32)], np.arange,
           grad=False),
    Sample("Range", lambda: gc.range(1.0, 2.0, 0.25), lambda r: [],
           lambda: np.arange(1, 2, 0.25), grad=False, id="float"),
    Sample("Range", lambda a, b: gc.range(a, b, -2), lambda r: [
        np.array(r.integers(0, 9), np.int64), np.array(r.integers(-5, 2), np.int64)],
        lambda a, b: np.arange(a, b, -2), grad=False, id="negative delta"),
    # ---- indexing
    Sample("StridedSlice", lambda x: x[:, 0], _matrix, lambda x: x[:, 0]),
    Sample("StridedSlice", lambda x: x[1:-1, ::2], lambda r: [normal(r, (5, 3))],
           lambda x: x[1:-1, ::2], id="[1:-1, ::2]"),
    Sample("StridedSlice", lambda x: x[..., None], _cube, lambda x: x[..., None],
           id="[..., None]"),
    Sample("StridedSlice", lambda x: x[-1, ::-2, None, 1:], _cube,
           lambda x: x[-1, ::-2, None, 1:], id="[-1, ::-2, None, 1:]"),
    Sample("StridedSlice", lambda x, i: x[i, 1:], _slice_index, lambda x, i: x[i, 1:],
           id="tensor index"),
    _transposed("StridedSliceGrad", lambda x: x[1:, ::-2], lambda x: x[1:, ::-2], (3, 5)),
    Sample("Slice", lambda x: gc.slice(x, [1, 0, 1], [-1, 2, 1]),
           lambda r: [normal(r, (3, 4, 2))], lambda x: x[1:, 0:2, 1:2]),
    Sample("Pad", lambda x: gc.pad(x, [[1, 2], [0, 1]]), _matrix,
           lambda x: np.pad(x, [[1, 2], [0, 1]])),
    Sample("Pad", lambda x, c: gc.pad(x, [[0, 1], [2, 0]], constant_values=c),
           lambda r: [normal(r, (2, 3)), normal(r, ())],
           lambda x, c: np.pad(x, [[0, 1], [2, 0]], constant_values=c), id="cval"),
    Sample("Pad", lambda x: gc.pad(x, [[1, 0], [0, 1]], "REFLECT"),
           lambda r: [normal(r, (3, 2))], _pad_ref("reflect"), id="REFLECT"),
    Sample("Pad", lambda x: gc.pad(x, [[1, 0], [0, 1]], "SYMMETRIC"),
           lambda r: [normal(r, (3, 2))], _pad_ref("symmetric"), id="SYMMETRIC"),
    Sample("Pad", lambda x: gc.pad(x, [[1, 0], [0, 2]]), lambda r: [normal(r, (3, 2)) > 0],
           lambda x: np.pad(x, [[1, 0], [0, 2]]), grad=False, id="bool"),
    _transposed("MirrorPadGrad", lambda x: gc.pad(x, [[2, 1], [0, 2]], "REFLECT"),
                lambda x: np.pad(x, [[2, 1], [0, 2]], mode="reflect"), (4, 3)),
    _transposed("MirrorPadGrad", lambda x: gc.pad(x, [[2, 1], [1, 2]], "SYMMETRIC"),
                lambda x: np.pad(x, [[2, 1], [1, 2]], mode="symmetric"), (3, 2),
                id="SYMMETRIC"),
    Sample("GatherV2", lambda p, i: gc.gather(p, i),
           lambda r: [normal(r, (4, 3)), _ints(r, (5,), 0, 4)],
           lambda p, i: np.take(p, i, axis=0)),
    Sample("GatherV2", lambda p, i: gc.gather(p, i, axis=1),
           lambda r: [normal(r, (2, 4, 3)), _ints(r, (2, 3), 0, 4)],
           lambda p, i: np.take(p, i, axis=1), id="axis 1"),
    Sample("UnsortedSegmentSum", lambda d, i: gc.unsorted_segment_sum(d, i, 4), _segments,
           _segment_ref),
    Sample("UnsortedSegmentSum", lambda d, i: gc.unsorted_segment_sum(d, i, 4),
           lambda r: [normal(r, (6, 2)), r.integers(-1, 4, size=6).astype(np.int32)],
           lambda d, i: _segment_ref(d[i >= 0], i[i >= 0]), id="negative ids dropped (TF1)"),
]
