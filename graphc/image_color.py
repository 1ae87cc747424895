"""gc.image's colour functions (TF1's adjust_hue, adjust_saturation, their random
versions, and the YIQ / YUV colour spaces): composites of rgb_to_hsv / hsv_to_rgb and
tensordot, so unlike TF (whose AdjustHue / AdjustSaturation ops have no gradient) they
are differentiable.

    x = gc.image.adjust_saturation(gc.image.adjust_hue(images, 0.1), 1.5)
"""
import numpy as np

from . import dtypes
from .graph import name_scope
from .ops import elementwise as E
from .ops.core import constant, convert_to_tensor
from .ops.linalg import tensordot
from .ops.random import random_uniform

__all__ = ["adjust_hue", "adjust_saturation", "random_hue", "random_saturation",
           "rgb_to_yiq", "yiq_to_rgb", "rgb_to_yuv", "yuv_to_rgb"]


def _hsv_adjust(image, name, default, fn):
    """image through rgb_to_hsv, fn(h, s, v), hsv_to_rgb; in float as TF1 (float16/32
    kept, others via convert_image_dtype to float32 and back)."""
    from .image import _channels, convert_image_dtype, hsv_to_rgb, rgb_to_hsv
    from .ops.array import stack, unstack
    with name_scope(name, default):
        image = convert_to_tensor(image)
        orig = image.dtype
        x = image if orig in (dtypes.float16, dtypes.float32) else \
            convert_image_dtype(image, dtypes.float32)
        _channels(x, default)
        h, s, v = unstack(rgb_to_hsv(x), 3, axis=-1)
        h, s, v = fn(h, s, v, x.dtype)
        return convert_image_dtype(hsv_to_rgb(stack([h, s, v], axis=-1)), orig)


def adjust_hue(image, delta, name=None):
    """RGB images (last dim 3) with delta (in [-1, 1]) added to the hue, wrapped into
    [0, 1):

        shifted = gc.image.adjust_hue(images, 0.2)
    """
    def fn(h, s, v, dt):
        h = h + E.cast(convert_to_tensor(delta, dtype=dtypes.float32), dt)
        return h - E.floor(h), s, v
    return _hsv_adjust(image, name, "adjust_hue", fn)


def adjust_saturation(image, saturation_factor, name=None):
    """RGB images with their saturation multiplied by saturation_factor (clipped to
    [0, 1]):

        vivid = gc.image.adjust_saturation(images, 2.0)
    """
    def fn(h, s, v, dt):
        f = E.cast(convert_to_tensor(saturation_factor, dtype=dtypes.float32), dt)
        zero, one = constant(0, dt), constant(1, dt)
        return h, E.minimum(E.maximum(s * f, zero), one), v
    return _hsv_adjust(image, name, "adjust_saturation", fn)


def random_hue(image, max_delta, seed=None):
    """adjust_hue by a delta drawn uniformly from [-max_delta, max_delta), max_delta in
    [0, 0.5]:

        gc.image.random_hue(images, 0.1, seed=3)
    """
    if max_delta > 0.5:
        raise ValueError("random_hue: max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("random_hue: max_delta must be non-negative.")
    return adjust_hue(image, random_uniform([], -max_delta, max_delta, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    """adjust_saturation by a factor drawn uniformly from [lower, upper):

        gc.image.random_saturation(images, 0.5, 1.5)
    """
    if upper <= lower:
        raise ValueError("random_saturation: upper must be > lower.")
    if lower < 0:
        raise ValueError("random_saturation: lower must be non-negative.")
    return adjust_saturation(image, random_uniform([], lower, upper, seed=seed))


_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _mix(images, matrix, api):
    """images (..., 3) @ matrix: each output channel a fixed mix of the three inputs."""
    from .image import _channels
    images, _ = _channels(images, api)
    return tensordot(images, constant(np.asarray(matrix), images.dtype), [[-1], [0]])


def rgb_to_yiq(images):
    """RGB (..., 3) float images to YIQ (TF1's matrix):

        yiq = gc.image.rgb_to_yiq(images)
    """
    return _mix(images, _RGB_TO_YIQ, "rgb_to_yiq")


def yiq_to_rgb(images):
    """YIQ (..., 3) float images back to RGB (the inverse of rgb_to_yiq)."""
    return _mix(images, _YIQ_TO_RGB, "yiq_to_rgb")


def rgb_to_yuv(images):
    """RGB (..., 3) float images to YUV (TF1's matrix):

        yuv = gc.image.rgb_to_yuv(images)
    """
    return _mix(images, _RGB_TO_YUV, "rgb_to_yuv")


def yuv_to_rgb(images):
    """YUV (..., 3) float images back to RGB (the inverse of rgb_to_yuv)."""
    return _mix(images, _YUV_TO_RGB, "yuv_to_rgb")
