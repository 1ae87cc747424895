"""gc.image.generate_bounding_box_proposals: Faster R-CNN's region proposals (TF's
GenerateBoundingBoxProposals op; TF has only a GPU kernel, graphc's is numpy).

    rois, probs = gc.image.generate_bounding_box_proposals(scores, bbox_deltas,
                                                           image_info, anchors)

For each image, as TF's kernel does it:
1. the H*W*A scores (positions h, w and anchors a, in that order) are sorted by
   decreasing score (a stable sort of the float bit patterns: equal scores keep the
   lower index first; -0.0 comes after +0.0) and the first pre_nms_topn kept;
2. each is decoded against its anchor (anchors (H, W, 4*A), boxes [y1, x1, y2, x2];
   deltas [dy, dx, dh, dw], no "+1" pixel convention):
       w = x2 - x1, cx = x1 + w/2 + w*dx, w' = w*exp(min(dw, log(1000/16))),
       x1' = cx - w'/2, x2' = cx + w'/2      (the same for y, h)
   then clipped to [0, width] x [0, height] of image_info's row (height, width, scale,
   ...), and dropped when min(w, h) < min_size * scale;
3. greedy NMS in that order: a box is dropped when an earlier kept box overlaps it with
   intersection > nms_threshold * union (a box of zero area overlaps nothing);
4. the first post_nms_topn kept boxes and their scores, zero-padded to post_nms_topn.
"""
import collections

import numpy as np

from . import dtypes
from .ops.core import convert_to_tensor
from .ops.registry import OpDef, apply, register
from .shapes import InferError

__all__ = ["generate_bounding_box_proposals"]

GenerateBoundingBoxProposals = collections.namedtuple(
    "GenerateBoundingBoxProposals", ["rois", "roi_probabilities"])

# TF's bound on the decoded log-scale of a box's width and height
_XFORM_CLIP = np.float32(np.log(1000.0 / 16.0))


def _rank(t, i, rank, what):
    if t.shape.rank not in (rank, None):
        kind = "a scalar" if rank == 0 else f"rank {rank}"
        raise InferError(f"{what} {{{i}}} must be {kind}, not of shape {t.shape}")


def _infer_proposals(ctx, scores, bbox_deltas, image_info, anchors, nms_threshold,
                     pre_nms_topn, min_size, *, post_nms_topn):
    names = ("scores", "bbox_deltas", "image_info", "anchors", "nms_threshold",
             "pre_nms_topn", "min_size")
    for i, rank in enumerate((4, 4, 2, 3, 0, 0, 0)):
        _rank(ctx.inputs[i], i, rank, names[i])
        want = dtypes.int32 if i == 5 else dtypes.float32
        if ctx.inputs[i].dtype is not want:
            raise InferError(f"{names[i]} {{{i}}} must be {want.name}, not "
                             f"{ctx.inputs[i].dtype.name}", "dtype")
    n = None
    if scores.shape.rank == 4:
        n, h, w, a = scores.shape._dims
        fours = None if a is None or isinstance(a, str) else 4 * a
        if bbox_deltas.shape.rank == 4:
            for k, (d, e) in enumerate(zip(bbox_deltas.shape._dims, (n, h, w, fours))):
                if e is not None:
                    ctx.merge_dims(d, e, f"bbox_deltas {{{{1}}}} must be of shape (N, H, "
                                   f"W, 4*A) for scores {{{{0}}}} of shape (N, H, W, A): "
                                   f"dim {k} is {{a}}, not {{b}}")
        if anchors.shape.rank == 3 and fours is not None:
            ctx.merge_dims(anchors.shape._dims[2], fours, "anchors {{3}} must be of shape "
                           "(H, W, 4*A) for scores {{0}} of shape (N, H, W, A): its last "
                           "dim is {a}, not {b}")
        if image_info.shape.rank == 2:
            ctx.merge_dims(image_info.shape._dims[0], n, "image_info {{2}} must have a row "
                           "per image of scores {{0}} ({a} rows, {b} images)")
    if image_info.shape.rank == 2:
        ctx.merge_dims(image_info.shape._dims[1], 5, "image_info {{2}} must be of shape "
                       "(num_images, 5), not {a} columns")
    return [((n, post_nms_topn, 4), dtypes.float32), ((n, post_nms_topn), dtypes.float32)]


def _descending(scores):
    """Indices sorting float32 scores by decreasing value, stably, by their bit
    patterns (a GPU radix sort's order: -0.0 after +0.0, NaNs by their bits)."""
    bits = np.ascontiguousarray(scores, np.float32).view(np.uint32)
    key = np.where(bits >> 31 == 1, ~bits, bits | np.uint32(0x80000000))
    return np.argsort(~key, kind="stable")


def _decode(anchors, deltas, info, min_size):
    """Boxes (x1, y1, x2, y2) decoded, clipped to the image, and which to keep."""
    y1, x1, y2, x2 = anchors.T
    dy, dx, dh, dw = deltas.T
    dw, dh = np.fmin(dw, _XFORM_CLIP), np.fmin(dh, _XFORM_CLIP)
    half = np.float32(0.5)
    out = []
    for lo, hi, d, dsize, limit in ((x1, x2, dx, dw, info[1]), (y1, y2, dy, dh, info[0])):
        size = hi - lo
        center = lo + half * size + size * d
        new = size * np.exp(dsize)
        out.append(np.fmax(np.fmin(center - half * new, limit), np.float32(0)))
        out.append(np.fmax(np.fmin(center + half * new, limit), np.float32(0)))
    bx1, bx2, by1, by2 = out
    keep = np.fmin(bx2 - bx1, by2 - by1) >= min_size * info[2]
    return np.stack([bx1, by1, bx2, by2], axis=1), keep


def _greedy_nms(boxes, threshold, max_keep):
    """Indices of boxes (x1, y1, x2, y2; in priority order) kept by greedy NMS: j is
    dropped when a kept i has intersection > threshold * union (never when either
    box has zero area)."""
    x1, y1, x2, y2 = boxes.T
    area = (x2 - x1) * (y2 - y1)
    dropped = np.zeros(len(boxes), bool)
    kept = []
    for i in range(len(boxes)):
        if dropped[i]:
            continue
        kept.append(i)
        if len(kept) == max_keep:
            break
        rest = slice(i + 1, None)
        w = np.maximum(np.fmin(x2[i], x2[rest]) - np.fmax(x1[i], x1[rest]), np.float32(0))
        h = np.maximum(np.fmin(y2[i], y2[rest]) - np.fmax(y1[i], y1[rest]), np.float32(0))
        inter = w * h
        over = inter > (area[i] + area[rest] - inter) * threshold
        if area[i] != 0:
            dropped[rest] |= over & (area[rest] != 0)
    return np.asarray(kept, np.int64)


def _proposals_kernel(scores, bbox_deltas, image_info, anchors, nms_threshold,
                      pre_nms_topn, min_size, *, post_nms_topn):
    if post_nms_topn <= 0:
        raise ValueError("post_nms_topn can't be 0 or less")
    n, h, w, a = scores.shape
    k = h * w * a
    if anchors.shape[2] != 4 * a or anchors.size != 4 * k:
        raise ValueError(f"Box dimensions need to be 4: anchors must be of shape "
                         f"({h}, {w}, {4 * a}), not {anchors.shape}")
    if bbox_deltas.shape != (n, h, w, 4 * a):
        raise ValueError(f"bbox_deltas must be of shape {(n, h, w, 4 * a)}, not "
                         f"{bbox_deltas.shape}")
    if image_info.shape != (n, 5):
        raise ValueError(f"image_info must be of shape {(n, 5)}, not {image_info.shape}")
    thr = np.float32(nms_threshold)
    if not 0 <= thr <= 1:
        raise ValueError(f"nms_threshold should be between 0 and 1. Got {thr}")
    if int(pre_nms_topn) <= 0:
        raise ValueError(f"pre_nms_topn should be greater than 0, got {int(pre_nms_topn)}")
    top = min(k, int(pre_nms_topn))
    rois = np.zeros((n, post_nms_topn, 4), np.float32)
    probs = np.zeros((n, post_nms_topn), np.float32)
    flat_anchors = anchors.reshape(k, 4).astype(np.float32)
    for b in range(n):
        s = scores[b].reshape(k)
        order = _descending(s)[:top]
        boxes, keep = _decode(flat_anchors[order], bbox_deltas[b].reshape(k, 4)[order],
                              image_info[b], np.float32(min_size))
        boxes, kept_scores = boxes[keep], s[order][keep]
        sel = _greedy_nms(boxes, thr, post_nms_topn)
        rois[b, :len(sel)] = boxes[sel][:, [1, 0, 3, 2]]
        probs[b, :len(sel)] = kept_scores[sel]
    return rois, probs


PROPOSALS = register(OpDef(
    "GenerateBoundingBoxProposals", _infer_proposals, _proposals_kernel,
    differentiable=False, api="image.generate_bounding_box_proposals",
    signature="GenerateBoundingBoxProposals(scores, bbox_deltas, image_info, anchors, "
              "nms_threshold, pre_nms_topn, min_size, post_nms_topn=300)",
    shape_rule="(n, h, w, a), (n, h, w, 4a), (n, 5), (h, w, 4a), (), (), () -> "
               "(n, post_nms_topn, 4), (n, post_nms_topn)",
    dtypes="float32; pre_nms_topn int32",
    doc="Faster R-CNN region proposals: deltas decoded on anchors, clipped, small boxes "
        "dropped, the pre_nms_topn best NMS-ed; rois [y1, x1, y2, x2] and scores, "
        "zero-padded to post_nms_topn."))


def generate_bounding_box_proposals(scores, bbox_deltas, image_info, anchors,
                                    nms_threshold=0.7, pre_nms_topn=6000, min_size=16,
                                    post_nms_topn=300, name=None):
    """tf.image.generate_bounding_box_proposals: the namedtuple (rois, roi_probabilities)
    of region proposals, rois (num_images, post_nms_topn, 4) as [y1, x1, y2, x2] sorted
    by score, zero-padded. scores (N, H, W, A), bbox_deltas (N, H, W, 4*A) as
    [dy, dx, dh, dw], image_info (N, 5) as (height, width, scale, ...), anchors
    (H, W, 4*A) as [y1, x1, y2, x2]; all float32.

        rois, probs = gc.image.generate_bounding_box_proposals(
            scores, deltas, [[64., 64., 1., 0., 0.]], anchors, min_size=2,
            post_nms_topn=10)
    """
    if isinstance(post_nms_topn, bool) or not isinstance(post_nms_topn, (int, np.integer)):
        raise TypeError(f"Expected int for argument 'post_nms_topn' not {post_nms_topn!r}.")
    f32 = dtypes.float32
    inputs = tuple(convert_to_tensor(x, dtype=f32) for x in
                   (scores, bbox_deltas, image_info, anchors, nms_threshold))
    inputs += (convert_to_tensor(pre_nms_topn, dtype=dtypes.int32),
               convert_to_tensor(min_size, dtype=f32))
    out = apply(PROPOSALS, inputs, name=name, post_nms_topn=int(post_nms_topn))
    return GenerateBoundingBoxProposals(*out.outputs)
