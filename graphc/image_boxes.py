"""gc.image's box functions: draw_bounding_boxes, sample_distorted_bounding_box,
extract_glimpse (the ops of ops/image_boxes.py) and resize_image_with_pad.

    begin, size, box = gc.image.sample_distorted_bounding_box(gc.shape(image), boxes)
    crop = gc.slice(image, begin, size)
"""
import numpy as np

from . import dtypes
from .graph import name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops.core import convert_to_tensor
from .ops.image_boxes import DRAW_BOXES, GLIMPSE, SAMPLE_BOX
from .ops.image_ops import ResizeMethod, shape_error, size_tensor
from .ops.random import get_seed
from .ops.registry import apply, apply1

__all__ = ["draw_bounding_boxes", "sample_distorted_bounding_box", "extract_glimpse",
           "resize_image_with_pad"]


def draw_bounding_boxes(images, boxes, name=None, colors=None):
    """images (n, h, w, 1|3|4 float) with the outlines of boxes (n, k, 4) [y1, x1, y2,
    x2] (normalized) drawn; box j uses colors[j % len(colors)] (RGBA rows; TF's table
    when None, white on gray images):

        gc.image.draw_bounding_boxes(images, [[[0.1, 0.1, 0.6, 0.9]]])
    """
    colors = np.zeros((0, 4), np.float32) if colors is None else colors
    return apply1(DRAW_BOXES, (convert_to_tensor(images),
                               convert_to_tensor(boxes, dtype=dtypes.float32),
                               convert_to_tensor(colors, dtype=dtypes.float32)),
                  name=name or "draw_bounding_boxes")


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, seed2=None,
                                  min_object_covered=0.1, aspect_ratio_range=None,
                                  area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """A random crop of an image of shape image_size = [h, w, c] for data augmentation:
    (begin, size, bboxes) with begin = [y, x, 0] and size = [ch, cw, -1] for gc.slice
    and bboxes (1, 1, 4) the crop as a normalized box. The crop's aspect ratio lies in
    aspect_ratio_range (default (0.75, 1.33)), its area in area_range (default (0.05,
    1)) of the image's, and it covers at least min_object_covered of one of the
    bounding_boxes (b, n, 4); after max_attempts (100) failures it is the whole image:

        begin, size, _ = gc.image.sample_distorted_bounding_box(
            [480, 640, 3], [[[0.1, 0.1, 0.8, 0.9]]], min_object_covered=0.5)
    """
    from .graph import get_default_graph
    with name_scope(name, "sample_distorted_bounding_box"):
        size = convert_to_tensor(image_size)
        if not size.dtype.is_integer:
            size = convert_to_tensor(image_size, dtype=dtypes.int32)
        s = get_seed(get_default_graph(), seed)
        if seed2 is not None and seed is not None:
            s = (int(seed), int(seed2))
        return tuple(apply(SAMPLE_BOX, (
            size, convert_to_tensor(bounding_boxes, dtype=dtypes.float32),
            convert_to_tensor(min_object_covered, dtype=dtypes.float32)),
            seed=s, aspect_ratio_range=tuple(float(v) for v in
                                             (aspect_ratio_range or (0.75, 1.33))),
            area_range=tuple(float(v) for v in (area_range or (0.05, 1.0))),
            max_attempts=int(max_attempts or 100),
            use_image_if_no_bounding_boxes=bool(use_image_if_no_bounding_boxes)).outputs)


def extract_glimpse(input, size, offsets, centered=True, normalized=True,  # noqa: A002
                    uniform_noise=True, name=None, seed=None):
    """The size = [gh, gw] window of each image of input (n, h, w, c float32) at
    offsets (n, 2) = (y, x), TF1's ExtractGlimpse: normalized offsets are scaled by
    the image size, centered ones count from the image centre (with [-1, 1] spanning
    it), the window is centred there and its corner truncated to whole pixels; pixels
    outside the image are random noise (uniform between the channel's min and max, or
    Gaussian with its mean and stddev when uniform_noise is False):

        g = gc.image.extract_glimpse(images, [8, 8], [[0.0, 0.0]] * n)
    """
    from .graph import get_default_graph
    return apply1(GLIMPSE, (convert_to_tensor(input), size_tensor(size, GLIMPSE.api),
                            convert_to_tensor(offsets, dtype=dtypes.float32)),
                  name=name or "extract_glimpse", seed=get_seed(get_default_graph(), seed),
                  centered=bool(centered), normalized=bool(normalized),
                  uniform_noise=bool(uniform_noise))


def resize_image_with_pad(image, target_height, target_width,
                          method=ResizeMethod.BILINEAR, align_corners=False):
    """image (HWC or NHWC) resized to fit target_height x target_width keeping its
    aspect ratio, then zero-padded (centred) to exactly that size (TF1's formulas:
    ratio = max(w / tw, h / th), floor(h / ratio) rows, floor of half the slack above):

        gc.image.resize_image_with_pad(image, 224, 224)
    """
    from .image import _as_batch, _dims, pad_to_bounding_box, resize_images
    with name_scope(None, "resize_image_with_pad"):
        image, x, batched = _as_batch(image, "resize_image_with_pad")
        for v, what in ((target_height, "target_height"), (target_width, "target_width")):
            if isinstance(v, int) and v <= 0:
                raise shape_error("resize_image_with_pad", f"{what} must be > 0", image)
        h, w = _dims(x)
        f32 = dtypes.float32

        def f(v):
            return E.cast(convert_to_tensor(v), f32)
        fh, fw, fth, ftw = f(h), f(w), f(target_height), f(target_width)
        ratio = E.maximum(fw / ftw, fh / fth)
        rh, rw = fh / ratio, fw / ratio
        new_size = A.stack([E.cast(E.floor(rh), dtypes.int32),
                            E.cast(E.floor(rw), dtypes.int32)])
        ph = E.maximum(0, E.cast(E.floor((fth - rh) / 2), dtypes.int32))
        pw = E.maximum(0, E.cast(E.floor((ftw - rw) / 2), dtypes.int32))
        resized = resize_images(x, new_size, method=method, align_corners=align_corners,
                                _skip_same=False)   # TF1 resizes (its size is no constant)
        out = pad_to_bounding_box(resized, ph, pw, target_height, target_width)
        out.set_shape([None, target_height if isinstance(target_height, int) else None,
                       target_width if isinstance(target_width, int) else None, None])
        return out if batched else A.squeeze(out, [0])
