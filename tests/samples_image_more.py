"""Samples for the image_more ops (NMS, CropAndResize, box drawing and sampling, the PNG
and BMP codecs), against numpy loops written from TF1's kernels; see samples.py."""
import numpy as np

import graphc as gc
from graphc.ops import image_crop as ic
from graphc.ops.registry import apply1
from png_writer import bmp, png
from samples import Sample


def _boxes(r, n):
    c, s = r.uniform(0, 1, (n, 2)), r.uniform(0.1, 0.6, (n, 2))
    b = np.concatenate([c - s / 2, c + s / 2], 1)
    flip = r.random(n) < 0.3
    b[flip] = b[flip][:, [2, 3, 0, 1]]
    return b.astype(np.float32)


def _iou(a, b):
    ya, xa, yb, xb = min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])
    yc, xc, yd, xd = min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])
    inter = max(min(yb, yd) - max(ya, yc), 0) * max(min(xb, xd) - max(xa, xc), 0)
    union = (yb - ya) * (xb - xa) + (yd - yc) * (xd - xc) - inter
    return inter / union if union > 0 else 0.0


def nms_ref(boxes, scores, k, thr, s_thr):
    """Plain greedy NMS (no soft-NMS): best first, drop those overlapping a kept box."""
    order = sorted((i for i in range(len(scores)) if scores[i] > s_thr),
                   key=lambda i: (-scores[i], i))
    keep = []
    for i in order:
        if len(keep) < k and all(_iou(boxes[i], boxes[j]) <= thr for j in keep):
            keep.append(i)
    return np.array(keep, np.int32)


def _nms_inputs(r):
    n = int(r.integers(4, 12))
    return [_boxes(r, n), r.uniform(0, 1, n).astype(np.float32)]


def _nms_build(b, s):
    out = gc.image.non_max_suppression_padded(b, s, 6, 0.4, 0.2, pad_to_max_output_size=True)
    return [out[0], out[1]]


def _nms_padded_ref(b, s):
    keep = nms_ref(b, s, 6, 0.4, 0.2)
    return [np.concatenate([keep, np.zeros(6 - len(keep), np.int32)]), len(keep)]


def _overlaps_inputs(r):
    n = int(r.integers(3, 9))
    o = r.uniform(0, 1, (n, n))
    return [((o + o.T) / 2).astype(np.float32), r.uniform(0, 1, n).astype(np.float32)]


def _overlaps_ref(o, s):
    order = sorted(range(len(s)), key=lambda i: (-s[i], i))
    keep = []
    for i in order:
        if len(keep) < 4 and all(o[i, j] <= 0.6 for j in keep):
            keep.append(i)
    return np.array(keep)


def _combined_inputs(r):
    return [np.stack([_boxes(r, 7)[:, None] for _ in range(2)]),
            r.uniform(0, 1, (2, 7, 3)).astype(np.float32)]


def _combined_ref(boxes, scores):
    out = [np.zeros((2, 5, 4)), np.zeros((2, 5)), np.zeros((2, 5)), np.zeros(2)]
    for n in range(2):
        found = []
        for c in range(3):
            for i in nms_ref(boxes[n, :, 0], scores[n, :, c], 3, 0.5, 0.1):
                found.append((-scores[n, i, c], c, i))
        found = sorted(found)[:5]
        out[3][n] = len(found)
        for k, (s, c, i) in enumerate(found):
            out[0][n, k], out[1][n, k], out[2][n, k] = np.clip(boxes[n, i, 0], 0, 1), -s, c
    return out


def crop_ref(img, boxes, ind, size, method="bilinear", extrapolation=0.0):
    """CropAndResize one sample point at a time (TF's crop_and_resize_op.cc)."""
    _, h, w, c = img.shape
    ch, cw = size
    out = np.zeros((len(boxes), ch, cw, c))
    for k, (y1, x1, y2, x2) in enumerate(boxes.astype(np.float64)):
        for i in range(ch):
            y = y1 * (h - 1) + i * (y2 - y1) * (h - 1) / (ch - 1) if ch > 1 else \
                0.5 * (y1 + y2) * (h - 1)
            for j in range(cw):
                x = x1 * (w - 1) + j * (x2 - x1) * (w - 1) / (cw - 1) if cw > 1 else \
                    0.5 * (x1 + x2) * (w - 1)
                if not (0 <= y <= h - 1 and 0 <= x <= w - 1):
                    out[k, i, j] = extrapolation
                    continue
                im = img[ind[k]].astype(np.float64)
                if method == "nearest":
                    out[k, i, j] = im[int(np.floor(y + 0.5)), int(np.floor(x + 0.5))]
                    continue
                t, b_, l_, r_ = int(np.floor(y)), int(np.ceil(y)), int(np.floor(x)), \
                    int(np.ceil(x))
                ly, lx = y - t, x - l_
                top = im[t, l_] + (im[t, r_] - im[t, l_]) * lx
                bot = im[b_, l_] + (im[b_, r_] - im[b_, l_]) * lx
                out[k, i, j] = top + (bot - top) * ly
    return out


def _crop_inputs(r):
    img = r.standard_normal((2, 5, 6, 3))
    boxes = np.array([[0.13, 0.21, 0.72, 0.93], [0.83, 0.91, 0.13, 0.07],
                      [-0.2, 0.33, 0.61, 1.22]], np.float32) + \
        r.uniform(-0.005, 0.005, (3, 4)).astype(np.float32)    # kinks stay away
    return [img, boxes]


_IND = np.array([1, 0, 1], np.int32)
_IMG = np.arange(120.0).reshape(2, 5, 6, 2) ** 1.5 % 7


def _grad_inputs(r):
    return [r.standard_normal((3, 4, 3, 2)).astype(np.float32),
            _crop_inputs(r)[1]]


def _grad_image_ref(g, boxes):
    """The transpose of crop_ref, one basis image at a time."""
    out = np.zeros((2, 5, 6, 2))
    for idx in np.ndindex(2, 5, 6):
        e = np.zeros((2, 5, 6, 1))
        e[idx + (0,)] = 1
        col = crop_ref(e, boxes, _IND, (4, 3))[..., 0]
        out[idx] = np.einsum("kij,kijc->c", col, g)
    return out


def _grad_boxes_ref(g, boxes, img):
    """d <g, crop(img, boxes)> / d boxes by central differences (away from kinks)."""
    out = np.zeros((3, 4))
    for idx in np.ndindex(3, 4):
        d = np.zeros((3, 4))
        d[idx] = 1e-4
        out[idx] = (np.sum(g * crop_ref(img, boxes + d, _IND, (4, 3))) -
                    np.sum(g * crop_ref(img, boxes - d, _IND, (4, 3)))) / 2e-4
    return out


def _draw_ref(img, boxes):
    out = img.copy()
    n, h, w, _ = img.shape
    for b in range(n):
        for k, (y1, x1, y2, x2) in enumerate(boxes[b]):
            col = [[1, 1, 0], [0, 0, 1]][k % 2]
            r0, r1 = int(y1 * (h - 1)), int(y2 * (h - 1))
            c0, c1 = int(x1 * (w - 1)), int(x2 * (w - 1))
            out[b, r0, c0:c1 + 1] = out[b, r1, c0:c1 + 1] = col
            out[b, r0:r1 + 1, c0] = out[b, r0:r1 + 1, c1] = col
    return out


def _draw_inputs(r):
    b = np.sort(r.uniform(0, 1, (2, 2, 2, 2)), axis=2).transpose(0, 1, 3, 2)
    return [r.uniform(0, 1, (2, 5, 7, 3)).astype(np.float32),
            b.reshape(2, 2, 4)[..., [0, 2, 1, 3]].astype(np.float32)]


def _sample_box(size, boxes):
    begin, sz, bbox = gc.image.sample_distorted_bounding_box(
        size, boxes, seed=1, min_object_covered=0.2, area_range=(0.1, 0.9))
    return [begin, sz, bbox]


def _string(b):
    return np.array(b, dtype=object)


def _png_inputs(r):
    x = r.integers(0, 256, (int(r.integers(1, 5)), int(r.integers(1, 6)), 3))
    return [_string(png(x, 8, 2)), x]


def _bmp_inputs(r):
    x = r.integers(0, 256, (int(r.integers(1, 5)), int(r.integers(1, 6)), 4)).astype(np.uint8)
    return [_string(bmp(x, bool(r.integers(0, 2)))), x]


def _encode_inputs(r):
    return [r.integers(0, 65535, (int(r.integers(1, 5)), int(r.integers(1, 6)), 2))
            .astype(np.uint16)]


def _glimpse_inputs(r):
    return [r.standard_normal((2, 6, 7, 2)).astype(np.float32),
            np.array([[0.1, 0.13], [-0.35, 0.45]], np.float32)]


def _glimpse_ref(x, off):
    return np.stack([x[0, 1:4, 1:5], x[1, 0:3, 3:7]])


SAMPLES = [
    Sample("NonMaxSuppressionV5", _nms_build, _nms_inputs, _nms_padded_ref, grad=False),
    Sample("NonMaxSuppressionV5", lambda b, s: gc.image.non_max_suppression(b, s, 4, 0.5),
           _nms_inputs, lambda b, s: nms_ref(b, s, 4, 0.5, -np.inf), grad=False,
           id="unpadded"),
    Sample("NonMaxSuppressionWithOverlaps",
           lambda o, s: gc.image.non_max_suppression_overlaps(o, s, 4, 0.6),
           _overlaps_inputs, _overlaps_ref, grad=False),
    Sample("CombinedNonMaxSuppression",
           lambda b, s: list(gc.image.combined_non_max_suppression(b, s, 3, 5, 0.5, 0.1)),
           _combined_inputs, _combined_ref, grad=False, rtol=1e-6, atol=1e-7),
    Sample("CropAndResize", lambda x, b: gc.image.crop_and_resize(x, gc.cast(b, gc.float32),
                                                                  _IND, [4, 3]),
           _crop_inputs, lambda x, b: crop_ref(x, b, _IND, (4, 3)), rtol=1e-5, atol=1e-5,
           grad_kw=dict(eps=1e-3, rtol=2e-3, atol=1e-4)),
    Sample("CropAndResize", lambda x, b: gc.image.crop_and_resize(
        x, gc.cast(b, gc.float32), _IND, [1, 5], method="nearest", extrapolation_value=-2),
        _crop_inputs, lambda x, b: crop_ref(x, b, _IND, (1, 5), "nearest", -2), rtol=1e-5,
        atol=1e-5, wrt=(0,), grad_kw=dict(eps=1e-3, rtol=2e-3, atol=1e-4), id="nearest"),
    Sample("CropAndResizeGradImage", lambda g, b: apply1(
        ic.CROP_GRAD_IMAGE, (g, b, gc.constant(_IND), gc.constant([2, 5, 6, 2])),
        method="bilinear", T=gc.float64), _grad_inputs, _grad_image_ref, grad=False,
        rtol=1e-5, atol=1e-5),
    Sample("CropAndResizeGradBoxes", lambda g, b: apply1(
        ic.CROP_GRAD_BOXES, (g, gc.constant(np.arange(120.0).reshape(2, 5, 6, 2) ** 1.5 % 7),
                             b, gc.constant(_IND))), _grad_inputs,
        lambda g, b: _grad_boxes_ref(g, b, np.arange(120.0).reshape(2, 5, 6, 2) ** 1.5 % 7),
        grad=False, rtol=2e-3, atol=2e-3),
    Sample("CropAndResizeBoxesTangent", lambda b, t: apply1(
        ic.CROP_BOXES_TANGENT, (gc.constant(_IMG), b, gc.constant(_IND), t,
                                gc.constant([4, 3]))),
        lambda r: [_crop_inputs(r)[1], r.standard_normal((3, 4)).astype(np.float32)],
        lambda b, t: (crop_ref(_IMG, b + 1e-6 * t.astype(float), _IND, (4, 3)) -
                      crop_ref(_IMG, b - 1e-6 * t.astype(float), _IND, (4, 3))) / 2e-6,
        grad=False, rtol=2e-3, atol=2e-3),
    Sample("DrawBoundingBoxesV2",
           lambda x, b: gc.image.draw_bounding_boxes(x, b, colors=[[1, 1, 0, 1],
                                                                    [0, 0, 1, 1]]),
           _draw_inputs, _draw_ref, grad=False),
    Sample("SampleDistortedBoundingBoxV2", _sample_box,
           lambda r: [np.array([30, 40, 3], np.int32),
                      np.array([[[0.1, 0.1, 0.7, 0.8]]], np.float32)], grad=False),
    Sample("ExtractGlimpse", lambda x, o: gc.image.extract_glimpse(x, [3, 4], o),
           _glimpse_inputs, _glimpse_ref, grad=False),
    Sample("DecodePng", lambda s, x: gc.image.decode_png(s), _png_inputs,
           lambda s, x: x, grad=False),
    Sample("DecodeBmp", lambda s, x: gc.image.decode_bmp(s), _bmp_inputs,
           lambda s, x: x, grad=False),
    Sample("DecodeImage", lambda s, x: gc.image.decode_image(s, channels=4), _bmp_inputs,
           lambda s, x: x, grad=False),
    Sample("EncodePng", lambda x: gc.image.decode_png(gc.image.encode_png(x),
                                                      dtype=gc.uint16),
           _encode_inputs, lambda x: x, grad=False),
    Sample("IsJpeg", lambda s, x: gc.image.is_jpeg(s), _png_inputs, lambda s, x: False,
           grad=False),
]
