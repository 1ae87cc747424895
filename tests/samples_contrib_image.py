"""Samples for gc.contrib.image's ops (ImageProjectiveTransformV2, ImageConnectedComponents,
BipartiteMatch), against numpy written here; see samples.py. The transform samples use
integer translations and flips, where TF 1.15's gradient (the inverse transform) is the
exact adjoint, so the finite-difference and transpose checks apply."""
from collections import deque

import numpy as np

import graphc as gc
from samples import Sample

ci = gc.contrib.image


def _shift_ref(x, dx, dy, out_h, out_w):
    """out[b, y, x] = x[b, y - dy, x - dx] inside the image, else 0."""
    n, h, w, c = x.shape
    out = np.zeros((n, out_h, out_w, c), x.dtype)
    for yy in range(out_h):
        for xx in range(out_w):
            sy, sx = yy - dy, xx - dx
            if 0 <= sy < h and 0 <= sx < w:
                out[:, yy, xx] = x[:, sy, sx]
    return out


def _image(r, w=None):
    return [r.standard_normal((int(r.integers(1, 3)), int(r.integers(2, 6)),
                               w or int(r.integers(2, 7)), int(r.integers(1, 3))))]


def _flip_build(x):
    # x -> (W - 1) - x: W = 5 is fixed by the inputs
    return ci.transform(x, [-1, 0, 4, 0, 1, 0, 0, 0], "BILINEAR")


def components_ref(images):
    """BFS labelling over the batch in row-major order (4-connectivity, equal values)."""
    out = np.zeros(images.shape, np.int32)
    label = 0
    n, h, w = images.shape
    for b in range(n):
        for y in range(h):
            for x in range(w):
                if images[b, y, x] == 0 or out[b, y, x]:
                    continue
                label += 1
                out[b, y, x] = label
                todo = deque([(y, x)])
                while todo:
                    cy, cx = todo.popleft()
                    for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                        if 0 <= ny < h and 0 <= nx < w and not out[b, ny, nx] and \
                                images[b, ny, nx] == images[b, y, x]:
                            out[b, ny, nx] = label
                            todo.append((ny, nx))
    return out


def match_ref(d, valid, top_k):
    """Greedy matching by a plain scan for the smallest free pair each time."""
    rows, cols = d.shape
    valid = rows if valid < 0 else int(valid + 0.1)
    k = top_k if top_k > 0 else valid * cols
    r2c, c2r = -np.ones(rows, np.int32), -np.ones(cols, np.int32)
    for _ in range(min(k, valid, cols)):
        best = None
        for i in range(valid):
            for j in range(cols):
                if r2c[i] == -1 and c2r[j] == -1 and (best is None or d[i, j] < d[best]):
                    best = (i, j)
        r2c[best[0]], c2r[best[1]] = best[1], best[0]
    return r2c, c2r


# linear in the image, so a wide step is exact; BILINEAR blends in float32 (as TF)
_LINEAR = {"eps": 0.5}

SAMPLES = [
    Sample("ImageProjectiveTransformV2", lambda x: ci.translate(x, [2, -1], "BILINEAR"),
           _image, lambda x: _shift_ref(x, 2, -1, x.shape[1], x.shape[2]), id="translate",
           grad_kw=_LINEAR),
    Sample("ImageProjectiveTransformV2",
           lambda x: ci.transform(x, [1, 0, 1, 0, 1, -2, 0, 0], output_shape=[4, 3]),
           _image, lambda x: _shift_ref(x, -1, 2, 4, 3), id="nearest_output_shape"),
    Sample("ImageProjectiveTransformV2", _flip_build, lambda r: _image(r, 5),
           lambda x: x[:, :, ::-1], id="flip", grad_kw=_LINEAR),
    Sample("ImageConnectedComponents", lambda x: ci.connected_components(x),
           lambda r: [r.integers(0, 3, (int(r.integers(1, 3)), int(r.integers(1, 6)),
                                        int(r.integers(1, 7)))).astype(np.int32)],
           components_ref, grad=False),
    Sample("BipartiteMatch", lambda d: list(ci.bipartite_match(d, -1)),
           lambda r: [r.uniform(0, 1, (int(r.integers(1, 5)), int(r.integers(1, 6))))
                      .astype(np.float32)],
           lambda d: list(match_ref(d, -1, -1)), grad=False),
    Sample("BipartiteMatch", lambda d: list(ci.bipartite_match(d, 2.0, top_k=1)),
           lambda r: [r.uniform(0, 1, (3, 4)).astype(np.float32)],
           lambda d: list(match_ref(d, 2, 1)), grad=False, id="top_k"),
]
