"""gc.image: TF1's tf.image functions. The resizes are ops (graphc/ops/image_ops.py);
everything else is a composite of reverse, transpose, slice, pad, reductions and casts,
with TF1's formulas and checks (a wrong known rank, or a crop/pad that cannot fit when
the sizes are known, is a ShapeError naming the image and the caller's line).

    small = gc.image.resize_images(images, [64, 64])
    gray = gc.image.rgb_to_grayscale(gc.image.flip_left_right(small))
"""
from .image_geometry import (_as_batch, _dims, central_crop,  # noqa: F401 (re-exports)
                             crop_to_bounding_box, flip_left_right, flip_up_down,
                             pad_to_bounding_box, random_flip_left_right,
                             random_flip_up_down, resize_image_with_crop_or_pad,
                             resize_with_crop_or_pad, rot90, transpose, transpose_image)
from .image_pixels import (_channels, adjust_brightness, adjust_contrast,  # noqa: F401
                           adjust_gamma, convert_image_dtype, extract_patches,
                           grayscale_to_rgb, hsv_to_rgb, image_gradients,
                           per_image_standardization, random_brightness, random_contrast,
                           rgb_to_grayscale, rgb_to_hsv, sobel_edges, total_variation)
from .ops.conv_extra import extract_image_patches  # noqa: F401 (a re-export)
from .ops.image_ops import (ResizeMethod, resize_bilinear,  # noqa: F401
                            resize_nearest_neighbor)
from .ops.image_resize import resize_area, resize_bicubic, resize_images  # noqa: F401
from .ops.image_resize import SCALE_AND_TRANSLATE_METHODS as _TF2_ONLY, \
    resize_images_v2 as _resize_v2
from .ops.random import random_crop  # noqa: F401 (a re-export)
from . import image_color as _color, image_detect as _detect, image_quality as _quality
from .image_color import *  # noqa: F401,F403 (hue, saturation, YIQ, YUV)
from .image_quality import *  # noqa: F401,F403 (psnr, ssim)
from . import image_boxes as _boxes, image_codec as _codec
from .image_boxes import *  # noqa: F401,F403 (draw, sample, glimpse, pad)
from .image_codec import *  # noqa: F401,F403 (PNG, BMP)
from . import image_jpeg as _jpeg
from .image_jpeg import *  # noqa: F401,F403 (JPEG, GIF)
from .image_detect import *  # noqa: F401,F403 (NMS, crop_and_resize)
from . import image_proposals as _proposals
from .image_proposals import *  # noqa: F401,F403 (generate_bounding_box_proposals)

__all__ = ["ResizeMethod", "resize", "resize_images", "resize_bilinear", "resize_nearest_neighbor",
           "resize_bicubic", "resize_area",
           "flip_left_right", "flip_up_down", "transpose_image", "rot90",
           "random_flip_left_right", "random_flip_up_down", "central_crop",
           "crop_to_bounding_box", "pad_to_bounding_box", "resize_image_with_crop_or_pad",
           "per_image_standardization", "convert_image_dtype", "adjust_brightness",
           "adjust_contrast", "adjust_gamma", "rgb_to_grayscale", "grayscale_to_rgb",
           "rgb_to_hsv", "hsv_to_rgb", "total_variation", "image_gradients", "sobel_edges",
           "transpose", "resize_with_crop_or_pad", "extract_image_patches", "extract_patches",
           "random_crop", "random_brightness", "random_contrast"]
__all__ += _jpeg.__all__ + _detect.__all__ + _color.__all__ + _quality.__all__ + _codec.__all__ + _boxes.__all__
__all__ += _proposals.__all__


def resize(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
           preserve_aspect_ratio=False, name=None, antialias=False):
    """TF 1.14+'s name for resize_images: tf.compat.v1.image.resize *is* resize_images
    (legacy pixel coordinates, no half_pixel_centers), so this takes its arguments and
    gives its result. With antialias=True, or one of TF 2's methods only it has
    ("lanczos3", "lanczos5", "gaussian", "mitchellcubic"), it is TF 2's tf.image.resize
    instead (half-pixel centers; ScaleAndTranslate for those methods and for an
    antialiased "bilinear" / "bicubic"), which has no align_corners.

        gc.image.resize(x, [224, 224], gc.image.ResizeMethod.BICUBIC)
        gc.image.resize(x, [56, 56], "bilinear", antialias=True)     # TF 2's
    """
    if antialias or method in _TF2_ONLY:
        if align_corners:
            raise ValueError(f"resize: align_corners=True is TF1's, but method={method!r} "
                             f"with antialias={antialias} is TF 2's tf.image.resize, "
                             "which has no align_corners")
        return _resize_v2(images, size, method=method,
                          preserve_aspect_ratio=preserve_aspect_ratio,
                          antialias=bool(antialias), name=name)
    return resize_images(images, size, method=method, align_corners=align_corners,
                         preserve_aspect_ratio=preserve_aspect_ratio, name=name)
