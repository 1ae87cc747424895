"""Samples for graphc.ops.image_ops (see samples.py): the resize ops and their transposes,
against per-pixel numpy loops written from TF1's kernels (resize_bilinear_op.cc,
resize_nearest_neighbor_op.cc): float32 source coordinates, clamped neighbours."""
import numpy as np

from graphc.ops import image_ops as io
from graphc.ops.image_resize import RESIZE_WEIGHTS, _bicubic_weights
from graphc.ops.registry import apply1
from samples import Sample, normal


def _scale(n_in, n_out, align):
    if align and n_out > 1:
        return np.float32(n_in - 1) / np.float32(n_out - 1)
    return np.float32(n_in) / np.float32(n_out)


def bilinear_ref(x, size, align=False, half=False):
    """TF1's ResizeBilinear, one output pixel at a time."""
    n, h, w, c = x.shape
    oh, ow = size
    sy, sx = _scale(h, oh, align), _scale(w, ow, align)

    def coord(i, s, n_in):
        src = (np.float32(i) + np.float32(0.5)) * s - np.float32(0.5) if half else \
            np.float32(i) * s
        f = np.floor(src)
        return max(int(f), 0), min(int(np.ceil(src)), n_in - 1), float(src - f)
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        y0, y1, ly = coord(i, sy, h)
        for j in range(ow):
            x0, x1, lx = coord(j, sx, w)
            top = x[:, y0, x0] + (x[:, y0, x1] - x[:, y0, x0]) * lx
            bottom = x[:, y1, x0] + (x[:, y1, x1] - x[:, y1, x0]) * lx
            out[:, i, j] = top + (bottom - top) * ly
    return out


def nearest_index(n_in, n_out, align=False, half=False):
    """TF1's source row/column of each output one for nearest-neighbour resizing."""
    s = _scale(n_in, n_out, align)
    idx = []
    for i in range(n_out):
        src = (np.float32(i) + np.float32(0.5)) * s if half else np.float32(i) * s
        f = np.floor(src)
        k = int(f + (src - f >= 0.5)) if align else int(f)    # roundf: halves away from 0
        idx.append(max(min(k, n_in - 1), 0))
    return idx


def nearest_ref(x, size, align=False, half=False):
    iy, ix = nearest_index(x.shape[1], size[0], align, half), \
        nearest_index(x.shape[2], size[1], align, half)
    out = np.zeros((x.shape[0], size[0], size[1], x.shape[3]), x.dtype)
    for i, j in np.ndindex(*size):
        out[:, i, j] = x[:, iy[i], ix[j]]
    return out


def nearest_grad_ref(g, size, align=False, half=False):
    iy, ix = nearest_index(size[0], g.shape[1], align, half), \
        nearest_index(size[1], g.shape[2], align, half)
    out = np.zeros((g.shape[0], size[0], size[1], g.shape[3]))
    for i, j in np.ndindex(g.shape[1], g.shape[2]):
        out[:, iy[i], ix[j]] += g[:, i, j]
    return out


def bilinear_grad_ref(g, x, align=False, half=False):
    """The transpose of bilinear_ref, column by column of its matrix."""
    n, h, w, c = x.shape
    out = np.zeros(x.shape)
    for k in np.ndindex(h, w):
        e = np.zeros((1, h, w, 1))
        e[(0,) + k + (0,)] = 1.0
        col = bilinear_ref(e, g.shape[1:3], align, half)[0, :, :, 0]
        out[:, k[0], k[1]] = np.einsum("nijc,ij->nc", g, col)
    return out


def _grad_op(op, size_or_image, **attrs):
    attrs = {"align_corners": False, "half_pixel_centers": False, **attrs}
    return lambda g, *rest: apply1(op, (g, size_or_image(*rest)), **attrs)


SAMPLES = [
    Sample("ResizeBilinear", lambda x: io.resize_bilinear_op(x, [5, 7]),
           lambda r: [normal(r, (2, 3, 4, 2))], lambda x: bilinear_ref(x, (5, 7))),
    Sample("ResizeBilinear", lambda x: io.resize_bilinear_op(x, [2, 3]),
           lambda r: [normal(r, (1, 5, 7, 3))], lambda x: bilinear_ref(x, (2, 3)),
           id="down"),
    Sample("ResizeBilinear", lambda x: io.resize_bilinear_op(x, [4, 6], align_corners=True),
           lambda r: [normal(r, (2, 3, 5, 1))], lambda x: bilinear_ref(x, (4, 6), True),
           id="align_corners"),
    Sample("ResizeBilinear", lambda x: io.resize_bilinear_op(x, [6, 3],
                                                             half_pixel_centers=True),
           lambda r: [normal(r, (2, 4, 5, 2))], lambda x: bilinear_ref(x, (6, 3), False, True),
           id="half_pixel_centers"),
    Sample("ResizeBilinear", lambda x: io.resize_bilinear(x, [3, 5]),
           lambda r: [r.integers(0, 255, (1, 2, 4, 3)).astype(np.int32)],
           lambda x: bilinear_ref(x.astype(np.float64), (3, 5)).astype(np.float32),
           grad=False, rtol=1e-5, id="int32 -> float32"),
    Sample("ResizeBilinearGrad",
           lambda g, x: apply1(io.RESIZE_BILINEAR_GRAD, (g, x), align_corners=False,
                               half_pixel_centers=False),
           lambda r: [normal(r, (2, 5, 7, 2)), normal(r, (2, 3, 4, 2))],
           bilinear_grad_ref, wrt=(0,)),
    Sample("ResizeBilinearGrad",
           lambda g, x: apply1(io.RESIZE_BILINEAR_GRAD, (g, x), align_corners=True,
                               half_pixel_centers=False),
           lambda r: [normal(r, (1, 2, 6, 1)), normal(r, (1, 4, 3, 1))],
           lambda g, x: bilinear_grad_ref(g, x, True), wrt=(0,), id="align_corners"),
    Sample("ResizeNearestNeighbor", lambda x: io.resize_nearest_neighbor(x, [7, 3]),
           lambda r: [normal(r, (2, 3, 5, 2))], lambda x: nearest_ref(x, (7, 3))),
    Sample("ResizeNearestNeighbor",
           lambda x: io.resize_nearest_neighbor(x, [5, 8], align_corners=True),
           lambda r: [normal(r, (1, 4, 3, 2))], lambda x: nearest_ref(x, (5, 8), True),
           id="align_corners"),
    Sample("ResizeNearestNeighbor",
           lambda x: io.resize_nearest_neighbor(x, [2, 7], half_pixel_centers=True),
           lambda r: [normal(r, (2, 5, 4, 1))], lambda x: nearest_ref(x, (2, 7), False, True),
           id="half_pixel_centers"),
    Sample("ResizeNearestNeighbor", lambda x: io.resize_nearest_neighbor(x, [3, 2]),
           lambda r: [r.integers(-9, 9, (2, 4, 3, 1)).astype(np.int32)],
           lambda x: nearest_ref(x, (3, 2)), grad=False, id="int32"),
    Sample("ResizeNearestNeighborGrad",
           _grad_op(io.RESIZE_NEAREST_GRAD, lambda: io.size_tensor([3, 4])),
           lambda r: [normal(r, (2, 7, 5, 2))], lambda g: nearest_grad_ref(g, (3, 4))),
    Sample("ResizeNearestNeighborGrad",
           _grad_op(io.RESIZE_NEAREST_GRAD, lambda: io.size_tensor([4, 3]),
                    align_corners=True),
           lambda r: [normal(r, (1, 3, 7, 1))],
           lambda g: nearest_grad_ref(g, (4, 3), True), id="align_corners"),
    Sample("ResizeWeights",
           lambda n_in, n_out: apply1(RESIZE_WEIGHTS, (n_in, n_out), method="bicubic",
                                      align_corners=False, half_pixel=True),
           lambda r: [np.int32(5), np.int32(3)],
           lambda n_in, n_out: _bicubic_weights(5, 3, False, True).astype(np.float32),
           grad=False, rtol=1e-6),
]
