"""Non-max suppression ops (TF1's NonMaxSuppressionV5, NonMaxSuppressionWithOverlaps and
CombinedNonMaxSuppression). None is differentiable (TF registers no gradient).

The greedy loop, as TF's CPU kernel: candidates with score > score_threshold are taken
in order of decreasing score (equal scores: the lower box index first). A candidate is
compared with the boxes selected since it was last looked at; its score is multiplied
by w(iou) = exp(-iou^2 / (2 sigma)) (soft-NMS; 1 when sigma = 0), or 0 when
iou > iou_threshold. A candidate whose score did not change is selected; one whose
score dropped goes back into the queue if still above score_threshold. Boxes are
[y1, x1, y2, x2] with the corners in either order; an empty box overlaps nothing.
"""
import heapq

import numpy as np

from .. import dtypes
from ..shapes import InferError
from .registry import OpDef, register


def iou_rows(boxes):
    """sim(i, js): the intersection over union of box i with boxes js (an index array),
    boxes [y1, x1, y2, x2] (corners in any order), 0 where either box is empty (TF's
    IOU). Computed per candidate against the boxes selected so far, as TF's kernel
    does: no (n, n) matrix (8732 SSD anchors took seconds and gigabytes)."""
    b = np.asarray(boxes, np.float32)
    lo, hi = np.minimum(b[:, :2], b[:, 2:]), np.maximum(b[:, :2], b[:, 2:])
    area = np.prod(hi - lo, axis=1)

    def sim(i, js):
        inter = np.prod(np.maximum(np.minimum(hi[i], hi[js]) - np.maximum(lo[i], lo[js]),
                                   np.float32(0)), axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = inter / (area[i] + area[js] - inter)
        return np.where((area[i] <= 0) | (area[js] <= 0), np.float32(0), iou
                        ).astype(np.float32)
    return sim


def greedy_nms(sim, scores, max_out, threshold, score_threshold, sigma=0.0):
    """(selected indices, their scores) of the greedy (soft-)NMS loop; sim(i, js) gives
    the similarities of box i with boxes js (a matrix's rows: `lambda i, js: m[i, js]`);
    a similarity > threshold suppresses."""
    scores = np.asarray(scores, np.float32)
    thr, s_thr = np.float32(threshold), np.float32(score_threshold)
    scale = np.float32(-0.5 / sigma) if sigma > 0 else np.float32(0)
    # heap entries (-score, index, first selected to compare with)
    heap = [(-s, i, 0) for i, s in enumerate(scores) if s > s_thr]
    heapq.heapify(heap)
    sel, sel_scores = [], []
    while len(sel) < max_out and heap:
        neg, i, begin = heapq.heappop(heap)
        original = score = np.float32(-neg)
        if begin < len(sel):
            s = sim(i, np.asarray(sel[begin:][::-1]))       # the latest selected first
            if sigma <= 0 and (s > thr).any():
                continue                                    # suppressed
            if sigma > 0 or np.isnan(s).any():              # decayed one by one (TF)
                for v in s:
                    score = score * (np.exp(scale * v * v) if v <= thr else np.float32(0))
                    if score <= s_thr:
                        break
        if score == original:
            sel.append(i)
            sel_scores.append(score)
        elif score > s_thr:
            heapq.heappush(heap, (-np.float32(score), i, len(sel)))
    return np.asarray(sel, np.int32), np.asarray(sel_scores, np.float32)


def _scalar(ctx, t, i, kind):
    if t.shape.rank not in (0, None):
        raise InferError(f"{{{i}}} must be a scalar, not of shape {t.shape}")
    if kind == "int" and not t.dtype.is_integer:
        raise InferError(f"{{{i}}} must be an int scalar, not {t.dtype.name}", "dtype")
    if kind == "float" and not t.dtype.is_floating:
        raise InferError(f"{{{i}}} must be a float scalar, not {t.dtype.name}", "dtype")


def _int_value(ctx, t):
    v = ctx.constant_value(t)
    return None if v is None else int(v)


def _num_boxes(ctx, a, b, what):
    da, db = a.shape._dims, b.shape._dims
    if da is None or db is None:
        return None
    return ctx.merge_dims(da[0], db[0], "the number of boxes of {{0}} ({a}) and of "
                          "{{1}} ({b}) differ")


def _infer_nms(ctx, boxes, scores, max_output_size, iou_threshold, score_threshold,
               soft_nms_sigma, *, pad_to_max_output_size):
    if boxes.shape.rank not in (2, None) or (boxes.shape.rank == 2 and
                                             boxes.shape._dims[1] not in (4, None)):
        raise InferError(f"boxes {{0}} must be of shape (num_boxes, 4), not {boxes.shape}")
    if scores.shape.rank not in (1, None):
        raise InferError(f"scores {{1}} must be 1-D (num_boxes,), not {scores.shape}")
    for i, t in ((0, boxes), (1, scores)):
        if t.dtype not in (dtypes.float16, dtypes.float32):
            raise InferError(f"{{{i}}} must be float16 or float32, not {t.dtype.name}",
                             "dtype")
    ctx.same_dtype(0, 1)
    _num_boxes(ctx, boxes, scores, "scores")
    _scalar(ctx, max_output_size, 2, "int")
    for i in (3, 4, 5):
        _scalar(ctx, ctx.inputs[i], i, "float")
    m = _int_value(ctx, max_output_size) if pad_to_max_output_size else None
    return [((m,), dtypes.int32), ((m,), scores.dtype), ((), dtypes.int32)]


def _check_threshold(t):
    if not 0 <= float(t) <= 1:
        raise ValueError(f"iou_threshold must be in [0, 1], got {float(t)}")


def _nms_kernel(boxes, scores, max_output_size, iou_threshold, score_threshold,
                soft_nms_sigma, *, pad_to_max_output_size):
    _check_threshold(iou_threshold)
    if max_output_size < 0:
        raise ValueError(f"max_output_size must be >= 0, got {int(max_output_size)}")
    if float(soft_nms_sigma) < 0:
        raise ValueError(f"soft_nms_sigma must be non-negative, got {float(soft_nms_sigma)}")
    if boxes.shape[0] != scores.shape[0]:
        raise ValueError(f"scores has {scores.shape[0]} entries but boxes has "
                         f"{boxes.shape[0]}")
    sel, sc = greedy_nms(iou_rows(boxes), scores, int(max_output_size), iou_threshold,
                         score_threshold, float(soft_nms_sigma))
    n = len(sel)
    if pad_to_max_output_size:
        m = int(max_output_size)
        sel = np.concatenate([sel, np.zeros(m - n, np.int32)])
        sc = np.concatenate([sc, np.zeros(m - n, np.float32)])
    return sel, sc.astype(scores.dtype), np.int32(n)


NMS = register(OpDef(
    "NonMaxSuppressionV5", _infer_nms, _nms_kernel, differentiable=False,
    api="image.non_max_suppression_with_scores",
    signature="NonMaxSuppressionV5(boxes, scores, max_output_size, iou_threshold, "
              "score_threshold, soft_nms_sigma, pad_to_max_output_size=False)",
    shape_rule="(n, 4), (n,) -> (m,) int32, (m,) scores, () int32",
    dtypes="boxes, scores float16/float32; max_output_size int; thresholds float",
    doc="Greedy (soft-)NMS: the selected box indices by decreasing score, their "
        "(soft-NMS-decayed) scores and how many are valid (the rest is padding)."))


def _infer_overlaps(ctx, overlaps, scores, max_output_size, overlap_threshold,
                    score_threshold):
    d = overlaps.shape._dims
    if overlaps.shape.rank not in (2, None):
        raise InferError(f"overlaps {{0}} must be 2-D (n, n), not {overlaps.shape}")
    if scores.shape.rank not in (1, None):
        raise InferError(f"scores {{1}} must be 1-D (n,), not {scores.shape}")
    if d is not None:
        ctx.merge_dims(d[0], d[1], "overlaps {{0}} must be square, not ({a}, {b})")
    ctx.require(0, "float")
    ctx.require(1, "float")
    _num_boxes(ctx, overlaps, scores, "scores")
    _scalar(ctx, max_output_size, 2, "int")
    _scalar(ctx, overlap_threshold, 3, "float")
    _scalar(ctx, score_threshold, 4, "float")
    return (None,), dtypes.int32


def _overlaps_kernel(overlaps, scores, max_output_size, overlap_threshold,
                     score_threshold):
    if max_output_size < 0:
        raise ValueError(f"max_output_size must be >= 0, got {int(max_output_size)}")
    m = np.asarray(overlaps, np.float32)
    sel, _ = greedy_nms(lambda i, js: m[i, js], scores, int(max_output_size),
                        overlap_threshold, score_threshold)
    return sel


NMS_OVERLAPS = register(OpDef(
    "NonMaxSuppressionWithOverlaps", _infer_overlaps, _overlaps_kernel,
    differentiable=False, api="image.non_max_suppression_overlaps",
    signature="non_max_suppression_overlaps(overlaps, scores, max_output_size, "
              "overlap_threshold=0.5, score_threshold=-inf)",
    shape_rule="(n, n), (n,) -> (m,) int32", dtypes="float; max_output_size int",
    doc="Greedy NMS with a given overlap matrix: overlaps[i, j] > overlap_threshold "
        "suppresses the lower-scored of i and j."))


def _infer_combined(ctx, boxes, scores, max_per_class, max_total, iou_threshold,
                    score_threshold, *, pad_per_class, clip_boxes):
    if boxes.shape.rank not in (4, None) or (boxes.shape.rank == 4 and
                                             boxes.shape._dims[3] not in (4, None)):
        raise InferError(f"boxes {{0}} must be of shape (batch, num_boxes, q, 4), not "
                         f"{boxes.shape}")
    if scores.shape.rank not in (3, None):
        raise InferError(f"scores {{1}} must be 3-D (batch, num_boxes, num_classes), not "
                         f"{scores.shape}")
    if boxes.dtype is not dtypes.float32 or scores.dtype is not dtypes.float32:
        raise InferError("boxes {0} and scores {1} must be float32", "dtype")
    for i in (2, 3):
        _scalar(ctx, ctx.inputs[i], i, "int")
    for i in (4, 5):
        _scalar(ctx, ctx.inputs[i], i, "float")
    b, s = boxes.shape._dims, scores.shape._dims
    batch = None
    if b is not None and s is not None:
        batch = ctx.merge_dims(b[0], s[0], "the batch of {{0}} ({a}) and {{1}} ({b}) differ")
        ctx.merge_dims(b[1], s[1], "the number of boxes of {{0}} ({a}) and {{1}} ({b}) differ")
        if isinstance(b[2], int) and isinstance(s[2], int) and b[2] not in (1, s[2]):
            raise InferError(f"boxes {{0}} must have q = 1 or num_classes ({s[2]}) boxes "
                             f"per anchor, not {b[2]}")
    elif b is not None or s is not None:
        batch = (b or s)[0]
    total, per = _int_value(ctx, max_total), _int_value(ctx, max_per_class)
    m = total
    if pad_per_class:
        classes = None if s is None else s[2]
        m = None if None in (total, per) or not isinstance(classes, int) else \
            min(per * classes, total)
    return [((batch, m, 4), dtypes.float32), ((batch, m), dtypes.float32),
            ((batch, m), dtypes.float32), ((batch,), dtypes.int32)]


def _combined_kernel(boxes, scores, max_per_class, max_total, iou_threshold,
                     score_threshold, *, pad_per_class, clip_boxes):
    _check_threshold(iou_threshold)
    per, total = int(max_per_class), int(max_total)
    if per <= 0 or total <= 0:
        raise ValueError("max_output_size_per_class and max_total_size must be > 0, got "
                         f"{per} and {total}")
    batch, _, q, _ = boxes.shape
    classes = scores.shape[2]
    m = min(per * classes, total) if pad_per_class else total
    out_boxes = np.zeros((batch, m, 4), np.float32)
    out_scores = np.zeros((batch, m), np.float32)
    out_classes = np.zeros((batch, m), np.float32)
    valid = np.zeros(batch, np.int32)
    for n in range(batch):
        found = []                              # (score, class, box) of every selection
        for c in range(classes):
            bx = boxes[n, :, c if q > 1 else 0]
            sel, sc = greedy_nms(iou_rows(bx), scores[n, :, c], per, iou_threshold,
                                 score_threshold)
            found.extend((s, c, bx[i]) for i, s in zip(sel, sc))
        found.sort(key=lambda r: -r[0])        # stable: equal scores keep class order
        found = found[:m]
        k = len(found)
        valid[n] = k
        if k:
            out_scores[n, :k] = [r[0] for r in found]
            out_classes[n, :k] = [r[1] for r in found]
            out_boxes[n, :k] = np.stack([r[2] for r in found])
    if clip_boxes:
        out_boxes = np.clip(out_boxes, 0, 1)
    return out_boxes, out_scores, out_classes, valid


COMBINED_NMS = register(OpDef(
    "CombinedNonMaxSuppression", _infer_combined, _combined_kernel, differentiable=False,
    api="image.combined_non_max_suppression",
    signature="combined_non_max_suppression(boxes, scores, max_output_size_per_class, "
              "max_total_size, iou_threshold=0.5, score_threshold=-inf, "
              "pad_per_class=False, clip_boxes=True)",
    shape_rule="(b, n, q, 4), (b, n, k) -> (b, m, 4), (b, m), (b, m), (b,)",
    dtypes="float32; sizes int32",
    doc="NMS per batch and class, then the best max_total_size detections over all "
        "classes: boxes, scores, classes (float) and the number valid, zero-padded."))
