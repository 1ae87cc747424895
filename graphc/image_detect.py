"""gc.image's detection functions: non-max suppression (the ops in ops/image_nms.py) and
crop_and_resize (ops/image_crop.py), with TF1's signatures and defaults.

    keep = gc.image.non_max_suppression(boxes, scores, max_output_size=10)
    crops = gc.image.crop_and_resize(images, boxes, box_ind, [14, 14])
"""
from . import dtypes, errors
from .graph import name_scope
from .ops.core import convert_to_tensor
from .ops.image_crop import CROP_AND_RESIZE
from .ops.image_nms import COMBINED_NMS, NMS, NMS_OVERLAPS
from .ops.image_ops import size_tensor
from .ops.registry import apply, apply1

__all__ = ["non_max_suppression", "non_max_suppression_with_scores",
           "non_max_suppression_padded", "non_max_suppression_overlaps",
           "non_max_suppression_with_overlaps", "combined_non_max_suppression",
           "crop_and_resize"]


def _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, sigma, pad):
    boxes = convert_to_tensor(boxes)
    if not boxes.dtype.is_floating:
        boxes = convert_to_tensor(boxes, dtype=dtypes.float32)
    t = boxes.dtype
    scores = convert_to_tensor(scores, dtype=t)
    return apply(NMS, (boxes, scores, convert_to_tensor(max_output_size, dtype=dtypes.int32),
                       convert_to_tensor(iou_threshold, dtype=t),
                       convert_to_tensor(score_threshold, dtype=t),
                       convert_to_tensor(sigma, dtype=t)),
                 pad_to_max_output_size=bool(pad)).outputs


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """Indices (int32, at most max_output_size) of boxes [y1, x1, y2, x2] kept by greedy
    non-max suppression, by decreasing score (TF1's NonMaxSuppressionV3):

        keep = gc.image.non_max_suppression(boxes, scores, 10, iou_threshold=0.5)
        kept_boxes = gc.gather(boxes, keep)
    """
    with name_scope(name, "non_max_suppression"):
        return _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, 0.0,
                    False)[0]


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0,
                                    name=None):
    """(selected_indices, selected_scores): soft-NMS when soft_nms_sigma > 0 (each
    overlapping box's score decays by exp(-iou^2 / (2 sigma))):

        idx, sc = gc.image.non_max_suppression_with_scores(b, s, 10, soft_nms_sigma=0.5)
    """
    with name_scope(name, "non_max_suppression_with_scores"):
        out = _nms(boxes, scores, max_output_size, iou_threshold, score_threshold,
                   soft_nms_sigma, False)
        return out[0], out[1]


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5,
                               score_threshold=float("-inf"), pad_to_max_output_size=False,
                               name=None, sorted_input=False, canonicalized_coordinates=False,
                               tile_size=512):
    """(selected_indices, valid_outputs); with pad_to_max_output_size the indices are
    zero-padded to max_output_size. Single (num_boxes, 4) box sets only; sorted_input,
    canonicalized_coordinates and tile_size change nothing in the result here.

        idx, n = gc.image.non_max_suppression_padded(b, s, 10, pad_to_max_output_size=True)
    """
    boxes = convert_to_tensor(boxes)
    if boxes.shape.rank not in (2, None):
        from .ops.image_ops import shape_error
        raise shape_error("non_max_suppression_padded", "graphc takes boxes of shape "
                          f"(num_boxes, 4) only, not {boxes.shape} (no batch)", boxes,
                          "boxes")
    with name_scope(name, "non_max_suppression_padded"):
        out = _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, 0.0,
                   pad_to_max_output_size)
        return out[0], out[2]


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """Greedy NMS over a precomputed (n, n) overlap matrix; int32 indices:

        keep = gc.image.non_max_suppression_overlaps(iou, scores, 5, 0.7)
    """
    with name_scope(name, "non_max_suppression_overlaps"):
        overlaps = convert_to_tensor(overlaps, dtype=dtypes.float32)
        return apply1(NMS_OVERLAPS, (
            overlaps, convert_to_tensor(scores, dtype=dtypes.float32),
            convert_to_tensor(max_output_size, dtype=dtypes.int32),
            convert_to_tensor(overlap_threshold, dtype=dtypes.float32),
            convert_to_tensor(score_threshold, dtype=dtypes.float32)))


non_max_suppression_with_overlaps = non_max_suppression_overlaps


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size,
                                 iou_threshold=0.5, score_threshold=float("-inf"),
                                 pad_per_class=False, clip_boxes=True, name=None):
    """NMS per image and class, then the best max_total_size detections of each image:
    (nmsed_boxes (b, m, 4), nmsed_scores (b, m), nmsed_classes (b, m) float,
    valid_detections (b,) int32); boxes (b, n, q, 4) with q = 1 (shared by the classes)
    or num_classes, scores (b, n, num_classes).

        bx, sc, cl, n = gc.image.combined_non_max_suppression(b, s, 10, 20)
    """
    with name_scope(name, "combined_non_max_suppression"):
        f32, i32 = dtypes.float32, dtypes.int32
        return tuple(apply(COMBINED_NMS, (
            convert_to_tensor(boxes, dtype=f32), convert_to_tensor(scores, dtype=f32),
            convert_to_tensor(max_output_size_per_class, dtype=i32),
            convert_to_tensor(max_total_size, dtype=i32),
            convert_to_tensor(iou_threshold, dtype=f32),
            convert_to_tensor(score_threshold, dtype=f32)),
            pad_per_class=bool(pad_per_class), clip_boxes=bool(clip_boxes)).outputs)


def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear",
                    extrapolation_value=0, name=None, box_indices=None):
    """float32 crops (num_boxes, crop_h, crop_w, c) of NHWC image: box k is the
    normalized [y1, x1, y2, x2] region of image box_ind[k] (box_indices is TF 2's
    name), sampled bilinearly or at the nearest pixel; points outside the image get
    extrapolation_value. Differentiable in the image and the boxes:

        crops = gc.image.crop_and_resize(images, [[0., 0., .5, .5]], [0], [7, 7])
    """
    if box_ind is None:
        box_ind = box_indices
    elif box_indices is not None:
        raise errors.UsageError("crop_and_resize: give box_ind or box_indices, not both"
                                + errors.called_at(CROP_AND_RESIZE.api))
    if box_ind is None or crop_size is None:
        raise errors.UsageError("crop_and_resize: box_ind and crop_size are required"
                                + errors.called_at(CROP_AND_RESIZE.api))
    return apply1(CROP_AND_RESIZE, (convert_to_tensor(image),
                                    convert_to_tensor(boxes, dtype=dtypes.float32),
                                    convert_to_tensor(box_ind, dtype=dtypes.int32),
                                    size_tensor(crop_size, CROP_AND_RESIZE.api, "crop_size")),
                  name=name, method=str(method), extrapolation_value=float(extrapolation_value))
