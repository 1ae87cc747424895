"""Box drawing and sampling ops (TF1's DrawBoundingBoxes(V2), SampleDistortedBoundingBoxV2,
ExtractGlimpse). None is differentiable (TF registers no gradient).
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .image_crop import size2
from .registry import OpDef, register

# TF's default colours (RGBA), cycled through by box index
_COLORS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1],
                    [0.5, 0, 0.5, 1], [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1],
                    [0, 1, 1, 1], [1, 0, 1, 1]], np.float32)


def _infer_draw(ctx, images, boxes, colors):
    d = images.shape._dims
    if images.shape.rank not in (4, None):
        raise InferError(f"images {{0}} must be 4-D (NHWC), not {images.shape}")
    if images.dtype not in (dtypes.float16, dtypes.float32):
        raise InferError(f"images {{0}} must be float16 or float32, not {images.dtype.name}",
                         "dtype")
    if d is not None and d[3] not in (1, 3, 4, None):
        raise InferError(f"images {{0}} must have 1, 3 or 4 channels, not {d[3]}")
    b = boxes.shape._dims
    if boxes.shape.rank not in (3, None) or (b is not None and b[2] not in (4, None)):
        raise InferError(f"boxes {{1}} must be of shape (batch, num_boxes, 4), not "
                         f"{boxes.shape}")
    if d is not None and b is not None:
        ctx.merge_dims(d[0], b[0], "the batch of {{0}} ({a}) and {{1}} ({b}) differ")
    if colors.shape.rank not in (2, None):
        raise InferError(f"colors {{2}} must be 2-D (num_colors, 4), not {colors.shape}")
    return images.shape, images.dtype


def _draw_kernel(images, boxes, colors):
    out = images.copy()
    n, h, w, depth = images.shape
    table = colors.astype(np.float32) if colors.size else _COLORS
    if table.shape[1] < depth:
        raise ValueError(f"draw_bounding_boxes: the colors have {table.shape[1]} "
                         f"channels, the images {depth}")
    if depth == 1 and not colors.size:
        table = np.ones_like(table)               # gray images: white boxes
    for b in range(n):
        for k, box in enumerate(boxes[b].astype(np.float32)):
            color = table[k % len(table), :depth].astype(images.dtype)
            # float -> int64 truncates toward zero, as TF's kernel
            r0, c0 = int(box[0] * np.float32(h - 1)), int(box[1] * np.float32(w - 1))
            r1, c1 = int(box[2] * np.float32(h - 1)), int(box[3] * np.float32(w - 1))
            if r0 > r1 or c0 > c1 or r0 >= h or r1 < 0 or c0 >= w or c1 < 0:
                continue                          # inverted or outside: not drawn
            rr0, rr1, cc0, cc1 = max(r0, 0), min(r1, h - 1), max(c0, 0), min(c1, w - 1)
            if r0 >= 0:
                out[b, r0, cc0:cc1 + 1] = color
            if r1 < h:
                out[b, r1, cc0:cc1 + 1] = color
            if c0 >= 0:
                out[b, rr0:rr1 + 1, c0] = color
            if c1 < w:
                out[b, rr0:rr1 + 1, c1] = color
    return out


DRAW_BOXES = register(OpDef(
    "DrawBoundingBoxesV2", _infer_draw, _draw_kernel, differentiable=False,
    api="image.draw_bounding_boxes",
    signature="draw_bounding_boxes(images, boxes, name=None, colors=None)",
    shape_rule="(n, h, w, c), (n, k, 4), (m, 4) -> (n, h, w, c)", dtypes="float16/32",
    doc="images with the outline of each box [y1, x1, y2, x2] (normalized) drawn, box k "
        "in colour k % num_colors (TF's table when colors is empty)."))


def _lrint(v):
    return int(np.rint(np.float32(v)))


def _random_crop(gen, w, h, min_rel, max_rel, ratio):
    """TF's GenerateRandomCrop: (x, y, width, height) of a crop of aspect `ratio` whose
    area lies in [min_rel, max_rel] of the image's, or None."""
    min_area, max_area = min_rel * w * h, max_rel * w * h
    height = _lrint(np.sqrt(min_area / ratio))
    max_height = _lrint(np.sqrt(max_area / ratio))
    if _lrint(max_height * ratio) > w:
        max_height = int((w + 0.5 - 1e-7) / ratio)
    max_height = min(max_height, h)
    height = min(height, max_height)
    if height < max_height:
        height += int(gen.integers(0, max_height - height + 1))
    width = _lrint(height * ratio)
    area = width * height
    if area < min_area:
        height += 1
        width = _lrint(height * ratio)
        area = width * height
    if area > max_area:
        height -= 1
        width = _lrint(height * ratio)
        area = width * height
    if (area < min_area or area > max_area or width > w or height > h or width <= 0 or
            height <= 0):
        return None
    y = int(gen.integers(0, h - height)) if height < h else 0
    x = int(gen.integers(0, w - width)) if width < w else 0
    return x, y, width, height


def _covers(crop, rects, min_covered):
    """Whether the crop (x, y, width, height) covers min_covered of some rect's area."""
    x, y, cw, ch = crop
    for x0, y0, x1, y1 in rects:
        area = (x1 - x0) * (y1 - y0)
        if area <= 0:
            continue
        iw = max(0, min(x + cw, x1) - max(x, x0))
        ih = max(0, min(y + ch, y1) - max(y, y0))
        if iw * ih / area >= min_covered:
            return True
    return False


def _sample_kernel(rt, image_size, bounding_boxes, min_object_covered, *, seed,
                   aspect_ratio_range, area_range, max_attempts,
                   use_image_if_no_bounding_boxes):
    h, w = int(image_size[0]), int(image_size[1])
    if h <= 0 or w <= 0:
        raise ValueError(f"sample_distorted_bounding_box: image height and width must be "
                         f"positive, got {list(image_size)}")
    boxes = bounding_boxes.reshape(-1, 4).astype(np.float32)
    if ((boxes < 0) | (boxes > 1)).any():
        raise ValueError("sample_distorted_bounding_box: all bounding box coordinates "
                         "must be in [0.0, 1.0]")
    rects = [(int(b[1] * w), int(b[0] * h), int(b[3] * w), int(b[2] * h)) for b in boxes]
    if not rects:
        if not use_image_if_no_bounding_boxes:
            raise ValueError("sample_distorted_bounding_box: no bounding boxes provided "
                             "as input; enable use_image_if_no_bounding_boxes to use the "
                             "whole image")
        rects = [(0, 0, w, h)]
    gen = rt.rng()
    lo, hi = aspect_ratio_range
    crop = None
    for _ in range(max_attempts):
        ratio = np.float32(gen.random() * (hi - lo) + lo)
        c = _random_crop(gen, w, h, area_range[0], area_range[1], ratio)
        if c is not None and _covers(c, rects, float(min_object_covered)):
            crop = c
            break
    x, y, cw, ch = crop if crop is not None else (0, 0, w, h)
    t = image_size.dtype
    bbox = np.array([[[y / h, x / w, (y + ch) / h, (x + cw) / w]]], np.float32)
    return (np.array([y, x, 0]).astype(t), np.array([ch, cw, -1]).astype(t),  # -1 wraps
            bbox)


def _infer_sample(ctx, image_size, bounding_boxes, min_object_covered, *, seed,
                  aspect_ratio_range, area_range, max_attempts,
                  use_image_if_no_bounding_boxes):
    if image_size.dtype not in (dtypes.uint8, dtypes.int8, dtypes.int16, dtypes.int32,
                                dtypes.int64):
        raise InferError(f"image_size {{0}} must be an int tensor, not "
                         f"{image_size.dtype.name}", "dtype")
    if image_size.shape.rank not in (1, None) or (image_size.shape.rank == 1 and
                                                  image_size.shape._dims[0] not in (3,
                                                                                   None)):
        raise InferError(f"image_size {{0}} must be 1-D [height, width, channels], not "
                         f"{image_size.shape}")
    b = bounding_boxes.shape._dims
    if bounding_boxes.shape.rank not in (3, None) or (b is not None and b[2] not in (4,
                                                                                     None)):
        raise InferError(f"bounding_boxes {{1}} must be of shape (batch, N, 4), not "
                         f"{bounding_boxes.shape}")
    if bounding_boxes.dtype is not dtypes.float32:
        raise InferError("bounding_boxes {1} must be float32", "dtype")
    if min_object_covered.shape.rank not in (0, None):
        raise InferError("min_object_covered {2} must be a scalar")
    return [((3,), image_size.dtype), ((3,), image_size.dtype), ((1, 1, 4), dtypes.float32)]


SAMPLE_BOX = register(OpDef(
    "SampleDistortedBoundingBoxV2", _infer_sample, _sample_kernel, random=True,
    uses_state=True, differentiable=False, api="image.sample_distorted_bounding_box",
    signature="sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, "
              "seed2=None, min_object_covered=0.1, aspect_ratio_range=(0.75, 1.33), "
              "area_range=(0.05, 1.0), max_attempts=100, "
              "use_image_if_no_bounding_boxes=False)",
    shape_rule="(3,), (b, n, 4), () -> (3,), (3,), (1, 1, 4)",
    dtypes="image_size int -> begin, size of its dtype; bboxes float32",
    doc="A random crop (begin, size for gc.slice, and the normalized box) with an aspect "
        "ratio and area in the given ranges that covers min_object_covered of some "
        "box; the whole image after max_attempts failures."))


def _infer_glimpse(ctx, images, size, offsets, *, seed, centered, normalized,
                   uniform_noise):
    d = images.shape._dims
    if images.shape.rank not in (4, None):
        raise InferError(f"input {{0}} must be 4-D (NHWC), not {images.shape}")
    if images.dtype is not dtypes.float32:
        raise InferError(f"input {{0}} must be float32, not {images.dtype.name}", "dtype")
    o = offsets.shape._dims
    if offsets.shape.rank not in (2, None) or (o is not None and o[1] not in (2, None)):
        raise InferError(f"offsets {{2}} must be of shape (batch, 2), not {offsets.shape}")
    n = None
    if d is not None and o is not None:
        n = ctx.merge_dims(d[0], o[0], "the batch of {{0}} ({a}) and {{2}} ({b}) differ")
    elif d is not None or o is not None:
        n = (d or o)[0]
    gh, gw = size2(ctx, size, 1, "size", least=0)      # TF: an empty glimpse for 0
    return (n, gh, gw, None if d is None else d[3]), dtypes.float32


def _glimpse_kernel(rt, images, size, offsets, *, seed, centered, normalized,
                    uniform_noise):
    n, h, w, c = images.shape
    gh, gw = int(size[0]), int(size[1])
    if offsets.shape[0] != n:
        raise ValueError(f"extract_glimpse: offsets has {offsets.shape[0]} rows, the "
                         f"input a batch of {n}")
    gen = rt.rng()
    out = np.empty((n, gh, gw, c), np.float32)
    for b in range(n):
        y, x = (np.float32(v) for v in offsets[b])
        if normalized:
            y, x = y * np.float32(h), x * np.float32(w)
        if centered:
            y = y / np.float32(2) + np.float32(h) / np.float32(2)
            x = x / np.float32(2) + np.float32(w) / np.float32(2)
        # the window's corner, truncated toward zero as TF's (Index) cast
        y0, x0 = int(y - np.float32(gh) / np.float32(2)), int(x - np.float32(gw) / np.float32(2))
        img = images[b].reshape(-1, c)
        if uniform_noise:
            noise = gen.uniform(img.min(0), img.max(0), (gh, gw, c))
        else:
            noise = gen.normal(img.mean(0), img.std(0), (gh, gw, c))
        out[b] = noise
        ys, xs = np.arange(y0, y0 + gh), np.arange(x0, x0 + gw)
        yi, xi = (ys >= 0) & (ys < h), (xs >= 0) & (xs < w)
        out[b][np.ix_(yi, xi)] = images[b][np.ix_(ys[yi], xs[xi])]
    return out


GLIMPSE = register(OpDef(
    "ExtractGlimpse", _infer_glimpse, _glimpse_kernel, random=True, uses_state=True,
    differentiable=False, api="image.extract_glimpse",
    signature="extract_glimpse(input, size, offsets, centered=True, normalized=True, "
              "uniform_noise=True)",
    shape_rule="(n, h, w, c), [gh, gw], (n, 2) -> (n, gh, gw, c)", dtypes="float32",
    doc="A gh x gw window of each image around offsets (y, x) (TF1's coordinates); "
        "pixels outside the image are noise (uniform, or Gaussian)."))
