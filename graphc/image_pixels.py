"""gc.image's functions of pixel values (TF1's tf.image; graphc/image.py re-exports
them): dtype conversion with TF1's scaling, standardization, brightness, contrast and
gamma (random ones too), grayscale and HSV, total variation, image gradients and Sobel
edges; composites of casts, reductions and elementwise ops.

    x = gc.image.convert_image_dtype(uint8_images, gc.float32)    # 255 -> 1.0
    x = gc.image.adjust_contrast(gc.image.adjust_brightness(x, 0.1), 1.5)
"""
import numpy as np

from . import dtypes
from .graph import Tensor, name_scope
from .image_geometry import _checks, _rank
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.conv_extra import extract_image_patches
from .ops.core import constant, convert_to_tensor, identity
from .ops.image_ops import shape_error as _shape_error
from .ops.linalg import tensordot
from .ops.random import random_uniform
from .ops.registry import constant_value

__all__ = ["convert_image_dtype", "per_image_standardization", "adjust_brightness",
           "adjust_contrast", "adjust_gamma", "random_brightness", "random_contrast",
           "rgb_to_grayscale", "grayscale_to_rgb", "rgb_to_hsv", "hsv_to_rgb",
           "extract_patches", "total_variation", "image_gradients", "sobel_edges"]


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """image converted to dtype with TF1's scaling: ints span [0, MAX] of their dtype,
    floats [0, 1]. int -> float: cast * (1 / MAX_in); float -> int: x * (MAX_out + 0.5),
    cast; int -> int: floordiv or multiply by (MAX + 1) ratios; float -> float: cast.
    saturate clips to the target's range before casting (TF1's saturate_cast).

        gc.image.convert_image_dtype(uint8_images, gc.float32)    # 255 -> 1.0
    """
    image = convert_to_tensor(image)
    dtype = dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer):
        raise AttributeError("convert_image_dtype: dtype must be either floating point or "
                             f"integer, not {dtype.name}")
    if dtype is image.dtype:
        return identity(image, name=name)
    src = image.dtype
    to = _saturate_cast if saturate else E.cast
    with name_scope(name, "convert_image"):
        if src.is_integer and dtype.is_integer:
            m_in, m_out = int(np.iinfo(src.np).max), int(np.iinfo(dtype.np).max)
            if m_in > m_out:      # scale first, then cast
                return to(E.floordiv(image, constant((m_in + 1) // (m_out + 1), src)), dtype)
            return to(image, dtype) * constant((m_out + 1) // (m_in + 1), dtype)
        if src.is_floating and dtype.is_floating:
            return E.cast(image, dtype)
        if src.is_integer:
            return E.cast(image, dtype) * constant(1.0 / np.iinfo(src.np).max, dtype)
        with np.errstate(over="ignore"):      # float16 has no 65535.5: inf, as in TF
            scale = src.np.type(np.iinfo(dtype.np).max + 0.5)
        return to(image * constant(scale, src), dtype)


def _saturate_cast(x, dtype):
    """TF1's saturate_cast: x clipped to dtype's range where it is narrower, then cast."""
    if x.dtype.is_floating and dtype.is_integer:
        lo, hi = _float_limits(x.dtype.np.type, np.iinfo(dtype.np))
        x = E.minimum(E.maximum(x, constant(lo, x.dtype)), constant(hi, x.dtype))
    elif x.dtype.is_integer and dtype.is_integer:
        a, b = np.iinfo(x.dtype.np), np.iinfo(dtype.np)
        x = E.minimum(E.maximum(x, constant(max(a.min, b.min), x.dtype)),
                      constant(min(a.max, b.max), x.dtype))
    return E.cast(x, dtype)


def _float_limits(t, info):
    """The clip bounds of float type t for an int range, as TF's saturate_cast: the
    overlap of both ranges, nudged toward 0 where t rounds a bound out of the int range
    (float32(2**31 - 1) is 2**31; float16 cannot hold 65535 and clips at 65504)."""
    fi = np.finfo(t)
    lo, hi = t(max(float(fi.min), info.min)), t(min(float(fi.max), info.max))
    if float(lo) < info.min:
        lo = np.nextafter(lo, t(0))
    if float(hi) > info.max:
        hi = np.nextafter(hi, t(0))
    return lo, hi


def _to_float(image):
    """(float image, its original dtype): float16/32 kept, others converted to float32."""
    image = convert_to_tensor(image)
    if image.dtype in (dtypes.float16, dtypes.float32):
        return image, image.dtype
    return convert_image_dtype(image, dtypes.float32), image.dtype


def _at_least_3d(image, api):
    image = convert_to_tensor(image)
    if image.shape.rank is not None and image.shape.rank < 3:
        raise _shape_error(api, "'image' must be at least three-dimensional, not of shape "
                           f"{image.shape}", image)
    return image


def per_image_standardization(image):
    """(x - mean) / max(stddev, 1/sqrt(N)) over each image's N = h*w*c values (HWC or
    NHWC; float32 out, TF 1.15's formula: variance = relu(mean(x^2) - mean^2))."""
    with name_scope(None, "per_image_standardization"):
        image = _at_least_3d(image, "per_image_standardization")
        n = R.reduce_prod(A.shape(image)[-3:])
        x = E.cast(image, dtypes.float32)
        axes = [-1, -2, -3]
        mean = R.reduce_mean(x, axis=axes, keepdims=True)
        var = R.reduce_mean(E.square(x), axis=axes, keepdims=True) - E.square(mean)
        # max(sqrt(relu(var)), 1/sqrt(n)) as sqrt(max(var, 1/n)): the same value, and no
        # 0 * inf = NaN in the gradient of a uniform image (var = 0)
        scale = E.sqrt(E.maximum(var, E.reciprocal(E.cast(n, dtypes.float32))))
        return (x - mean) / scale


def adjust_brightness(image, delta):
    """image + delta, in float (float16/32 as they are, others via convert_image_dtype
    to float32 and back, saturated)."""
    with name_scope(None, "adjust_brightness"):
        x, orig = _to_float(image)
        out = x + E.cast(convert_to_tensor(delta), x.dtype)
        return convert_image_dtype(out, orig, saturate=True)


def adjust_contrast(images, contrast_factor):
    """(x - mean) * contrast_factor + mean, the mean over each image's height and width
    per channel (TF1's AdjustContrastv2; rank >= 3), in float as adjust_brightness."""
    with name_scope(None, "adjust_contrast"):
        x, orig = _to_float(_at_least_3d(images, "adjust_contrast"))
        mean = R.reduce_mean(x, axis=[-3, -2], keepdims=True)
        out = (x - mean) * E.cast(convert_to_tensor(contrast_factor), x.dtype) + mean
        return convert_image_dtype(out, orig, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """gain * image ** gamma, in float as adjust_brightness (gamma must be >= 0)."""
    with name_scope(None, "adjust_gamma"):
        x, orig = _to_float(image)
        gamma_v = _static_float(gamma)
        if gamma_v is not None and gamma_v < 0:
            raise ValueError(f"adjust_gamma: gamma must be a non-negative real number, got "
                             f"{gamma_v}")
        g = E.cast(convert_to_tensor(gamma), x.dtype)
        if gamma_v is None:
            g = _checks("adjust_gamma", g, x, [(E.greater_equal(g, constant(0, x.dtype)),
                                                "Gamma should be a non-negative real number.")])
        out = E.cast(convert_to_tensor(gain), x.dtype) * E.pow(x, g)
        return convert_image_dtype(out, orig, saturate=True)


def _static_float(v):
    """The float value of a number or a constant scalar tensor, else None."""
    if isinstance(v, Tensor):
        c = constant_value(v)
        return None if c is None else float(c)
    return float(v)


def random_brightness(image, max_delta, seed=None):
    """adjust_brightness by a delta drawn uniformly from [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError(f"random_brightness: max_delta must be non-negative, got {max_delta}")
    delta = random_uniform([], -max_delta, max_delta, seed=seed)
    return adjust_brightness(image, delta)


def random_contrast(image, lower, upper, seed=None):
    """adjust_contrast by a factor drawn uniformly from [lower, upper)."""
    if upper <= lower:
        raise ValueError(f"random_contrast: upper must be > lower, got {lower}, {upper}")
    if lower < 0:
        raise ValueError(f"random_contrast: lower must be non-negative, got {lower}")
    factor = random_uniform([], lower, upper, seed=seed)
    return adjust_contrast(image, factor)


def rgb_to_grayscale(images, name=None):
    """One channel from the last (RGB) axis: 0.2989 R + 0.587 G + 0.114 B (TF1's
    weights), computed in float32 and converted back to images' dtype."""
    with name_scope(name, "rgb_to_grayscale"):
        images = convert_to_tensor(images)
        x = convert_image_dtype(images, dtypes.float32)
        if x.shape.rank is None:        # (the rank known only at run time)
            gray = R.reduce_sum(x * constant([0.2989, 0.5870, 0.1140], dtypes.float32), -1)
        else:
            gray = tensordot(x, constant([0.2989, 0.5870, 0.1140], dtypes.float32),
                             [[-1], [-1]])
        return convert_image_dtype(A.expand_dims(gray, -1), images.dtype)


def grayscale_to_rgb(images, name=None):
    """The one channel of grayscale images (last dim 1) repeated three times."""
    images = convert_to_tensor(images)
    d = images.shape._dims
    if d is not None and (len(d) < 2 or isinstance(d[-1], int) and d[-1] != 1):
        raise _shape_error("grayscale_to_rgb", "a grayscale image must be at least "
                           "two-dimensional, with a last dimension of size 1", images)
    with name_scope(name, "grayscale_to_rgb"):
        out = A.concat([images, images, images], -1)
        if d is not None:
            out.set_shape(list(d[:-1]) + [3])   # the channels are 3 (TF1), known or not
        return out


def _channels(images, api):
    """The three channels (..., 3) of float images, as a list of (...) tensors."""
    images = convert_to_tensor(images)
    if not images.dtype.is_floating:
        raise _shape_error(api, f"images must be float, not {images.dtype.name}", images)
    d = images.shape._dims
    if d is not None and (not d or d[-1] not in (3, None)):
        raise _shape_error(api, "the last dimension of images must be 3", images)
    return images, A.unstack(images, 3, axis=-1)


def rgb_to_hsv(images, name=None):
    """RGB to HSV along the last axis (size 3), each in [0, 1] (TF1's RGBToHSV kernel):
    V = max, S = (max - min) / V, H = the hexcone angle / 360 (0 where max == min)."""
    with name_scope(name, "rgb_to_hsv"):
        images, (r, g, b) = _channels(images, "rgb_to_hsv")
        zero, one = constant(0, images.dtype), constant(1, images.dtype)
        v = R.reduce_max(images, axis=-1)
        spread = v - R.reduce_min(images, axis=-1)
        s = E.select(v > zero, spread / E.select(v > zero, v, A.ones_like(v)), A.zeros_like(v))
        has_hue = spread > zero
        norm = E.reciprocal(E.select(has_hue, spread, A.ones_like(v))) * (1.0 / 6.0)
        h = E.select(E.equal(r, v), norm * (g - b),
                    E.select(E.equal(g, v), norm * (b - r) + 2.0 / 6.0,
                            norm * (r - g) + 4.0 / 6.0))
        h = E.select(has_hue, h, A.zeros_like(h))
        h = E.select(h < zero, h + one, h)
        return A.stack([h, s, v], axis=-1)


def hsv_to_rgb(images, name=None):
    """HSV to RGB along the last axis (size 3), the inverse of rgb_to_hsv (TF1's
    HSVToRGB kernel): channel = (1 - S + S * clip(f(6 H), 0, 1)) * V."""
    with name_scope(name, "hsv_to_rgb"):
        images, (h, s, v) = _channels(images, "hsv_to_rgb")
        zero, one = constant(0, images.dtype), constant(1, images.dtype)

        def clip01(x):
            return E.minimum(E.maximum(x, zero), one)
        dh = h * 6.0
        dr = clip01(E.abs(dh - 3.0) - 1.0)
        dg = clip01(2.0 - E.abs(dh - 2.0))
        db = clip01(2.0 - E.abs(dh - 4.0))
        one_s = one - s
        return A.stack([(one_s + s * dr) * v, (one_s + s * dg) * v, (one_s + s * db) * v],
                       axis=-1)


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """TF 2's name for extract_image_patches (sizes for ksizes)."""
    return extract_image_patches(images, sizes, strides, rates, padding, name=name)


def total_variation(images, name=None):
    """Sum of absolute differences of neighbouring pixels (vertically and horizontally):
    a scalar for one HWC image, one per image (n,) for NHWC."""
    images = convert_to_tensor(images)
    r = _rank(images, "total_variation")
    if r is None:
        raise _shape_error("total_variation", "'images' must be either 3 or 4-dimensional",
                           images)
    with name_scope(name, "total_variation"):
        axis = None if r == 3 else [1, 2, 3]
        dy = images[..., 1:, :, :] - images[..., :-1, :, :]
        dx = images[..., 1:, :] - images[..., :-1, :]
        return (R.reduce_sum(E.abs(dy), axis=axis) + R.reduce_sum(E.abs(dx), axis=axis))


def image_gradients(image):
    """(dy, dx) of NHWC images: forward differences, zero in the last row/column."""
    image = convert_to_tensor(image)
    if image.shape.rank != 4:
        raise _shape_error("image_gradients", "image_gradients expects a 4D tensor "
                           f"[batch_size, h, w, d], not {image.shape}", image)
    dy = image[:, 1:] - image[:, :-1]
    dx = image[:, :, 1:] - image[:, :, :-1]
    return (A.pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]]),
            A.pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]]))


def sobel_edges(image):
    """(n, h, w, c, 2): the vertical and horizontal 3x3 Sobel responses of each channel
    of NHWC images, reflect-padded (TF1's kernels [[-1,-2,-1],[0,0,0],[1,2,1]] and its
    transpose)."""
    image = convert_to_tensor(image)
    if image.shape.rank is None:            # checked when it runs
        from .ops.array_more import ensure_shape
        image = ensure_shape(image, [None] * 4)
    if image.shape.rank != 4:
        raise _shape_error("sobel_edges", f"expects a 4D tensor, not {image.shape}", image)
    k = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], np.float64)
    p = A.pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    outs = []
    for kern in (k, k.T):           # a 3x3 correlation as nine shifted, weighted slices
        acc = None
        for i, j in np.ndindex(3, 3):
            if kern[i, j]:
                term = p[:, i:i - 2 or None, j:j - 2 or None] * constant(kern[i, j],
                                                                          image.dtype)
                acc = term if acc is None else acc + term
        outs.append(acc)
    return A.stack(outs, axis=-1)
