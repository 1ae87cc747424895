"""Resizes built from the ops of image_ops.py. resize_bicubic and resize_area are
composites of the same form, Wy x Wx^T as two einsums with constant weight matrices (so
they need static sizes), with the weights of TF1's ResizeBicubic (a 1024-entry table of the cubic kernel, a = -0.75 legacy or Keys'
-0.5 with half_pixel_centers) and ResizeArea (each output pixel the mean of the input
area it covers).

resize_images (TF1's) dispatches on ResizeMethod; resize_images_v2 is TF 2's
tf.image.resize (half-pixel centers, ScaleAndTranslate for the antialiased and the
lanczos / gaussian / mitchellcubic methods: image_scale.py).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from . import array as A
from . import elementwise as E
from . import reduce as R
from .core import convert_to_tensor
from .elementwise import cast
from .image_ops import (ResizeMethod, _check_size, _scale, _source, resize_bilinear,
                        resize_nearest_neighbor, shape_error, size_tensor)
from .image_scale import scale_and_translate
from .registry import OpDef, apply1, constant_value, register, shape_value

__all__ = ["resize_images", "resize_images_v2", "resize_bicubic", "resize_area"]


# ---- bicubic and area weights (composites) ------------------------------------------------
_TABLE = 1024


def _cubic_table(a):
    """TF's coefficient table: [i, 0] the kernel at x = i / 1024, [i, 1] at x + 1."""
    x = np.arange(_TABLE + 1, dtype=np.float64) / _TABLE
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    x = x + 1.0
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.stack([near, far], axis=1).astype(np.float32)


def _bicubic_weights(n_in, n_out, align_corners, half_pixel):
    """(n_out, n_in) weights of TF's ResizeBicubic along one axis."""
    src = _source(n_in, n_out, align_corners, half_pixel, False)
    table = _cubic_table(-0.5 if half_pixel else -0.75)
    w = np.zeros((n_out, n_in))
    for o, loc in enumerate(src):
        base = int(np.floor(loc))
        k = int(np.rint(np.float32(loc - np.float32(base)) * _TABLE))
        taps = [table[k, 1], table[k, 0], table[_TABLE - k, 0], table[_TABLE - k, 1]]
        idx = [base - 1 + t for t in range(4)]
        if half_pixel:               # Keys: outside taps dropped, the rest renormalised
            taps = [c if 0 <= i < n_in else 0.0 for c, i in zip(taps, idx)]
            total = sum(float(c) for c in taps)
            if abs(total) >= 1000.0 * np.finfo(np.float32).tiny:
                taps = [np.float32(c) / np.float32(total) for c in taps]
        for c, i in zip(taps, idx):
            w[o, min(max(i, 0), n_in - 1)] += float(c)
    return w


def _area_weights(n_in, n_out, align_corners):
    """(n_out, n_in) weights of TF's ResizeArea along one axis: output pixel o averages
    the input span [o * scale, (o + 1) * scale)."""
    scale = float(_scale(n_in, n_out, align_corners))
    w = np.zeros((n_out, n_in))
    for o in range(n_out):
        lo, hi = np.float32(o * scale), np.float32((o + 1) * scale)
        for i in range(int(np.floor(lo)), int(np.ceil(hi))):
            if i < lo:
                part = scale if i + 1 > hi else i + 1 - lo
            else:
                part = hi - i if i + 1 > hi else 1.0
            w[o, min(max(i, 0), n_in - 1)] += float(part) / scale
    return w


_WEIGHTS = {"bicubic": _bicubic_weights, "area": _area_weights}


def _infer_weights(ctx, n_in, n_out, **attrs):
    v_in, v_out = ctx.constant_value(n_in), ctx.constant_value(n_out)
    return (None if v_out is None else int(v_out), None if v_in is None else int(v_in)), \
        dtypes.float32


RESIZE_WEIGHTS = register(OpDef(
    "ResizeWeights", _infer_weights,
    lambda n_in, n_out, *, method, **flags: np.asarray(
        _WEIGHTS[method](int(n_in), int(n_out), **flags), np.float32),
    differentiable=False, api="image.resize_bicubic / resize_area",
    signature="(the run-time weights of a bicubic or area resize)",
    shape_rule="(n_out, n_in)", dtypes="n_in, n_out int32 -> float32",
    doc="The (n_out, n_in) matrix of a separable bicubic or area resize along one axis, "
        "made when the sizes are known only at run time."))


def _separable_resize(api, images, size, method, flags, name):
    """Wy x Wx^T per image and channel (float32), for 4-D images: the weights are
    constants when the sizes are known at build time, else made at run time."""
    images = convert_to_tensor(images)
    if images.shape.rank not in (4, None):
        raise shape_error(api, f"images must be 4-D (NHWC), not of shape {images.shape}",
                          images)
    size = size_tensor(size, api)
    want = constant_value(size)
    if want is not None:
        _check_size(want, api)
    dims = images.shape._dims
    with name_scope(name, api.split(".")[-1]):
        x = cast(images, dtypes.float32) if images.dtype is not dtypes.float32 else images
        if want is not None and dims is not None and all(isinstance(d, int)
                                                         for d in dims[1:3]):
            wy, wx = (convert_to_tensor(_WEIGHTS[method](dims[k + 1], int(want[k]), **flags)
                                        .astype(np.float32)) for k in (0, 1))
        else:
            s = A.shape(x)
            wy, wx = (apply1(RESIZE_WEIGHTS, (s[k + 1], cast(size[k], dtypes.int32)),
                             method=method, **flags) for k in (0, 1))
        from .einsum import einsum
        return einsum("jw,niwc->nijc", wx, einsum("ih,nhwc->niwc", wy, x))


def resize_bicubic(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bicubic resize of 4-D NHWC images to size (TF1's ResizeBicubic: float32 out; the
    cubic kernel with a = -0.75, or Keys' a = -0.5 with half_pixel_centers). Sizes may
    be known only at run time."""
    if align_corners and half_pixel_centers:
        raise ValueError("resize_bicubic: if half_pixel_centers is True, align_corners "
                         "must be False")
    return _separable_resize("image.resize_bicubic", images, size, "bicubic",
                             {"align_corners": bool(align_corners),
                              "half_pixel": bool(half_pixel_centers)}, name)


def resize_area(images, size, align_corners=False, name=None):
    """Area resize of 4-D NHWC images to size (TF1's ResizeArea: float32 out; each output
    pixel the mean of the input area it covers). Sizes may be known only at run time."""
    return _separable_resize("image.resize_area", images, size, "area",
                             {"align_corners": bool(align_corners)}, name)


# ---- resize ----------------------------------------------------------------------------------
# TF 1.14+ also takes the names of TF2's ResizeMethod
_METHOD_NAMES = {"bilinear": ResizeMethod.BILINEAR, "nearest": ResizeMethod.NEAREST_NEIGHBOR,
                 "bicubic": ResizeMethod.BICUBIC, "area": ResizeMethod.AREA}
# TF 2's methods that only ScaleAndTranslate computes
SCALE_AND_TRANSLATE_METHODS = ("lanczos3", "lanczos5", "gaussian", "mitchellcubic")
_ANTIALIASED = {"bilinear": "triangle", "bicubic": "keyscubic"}    # TF 2's kernels for these


def _resize_common(images, size, resize_fn, preserve_aspect_ratio, name, skip_same):
    """TF's _resize_images_common: images (NHWC, or one HWC image) resized by
    resize_fn(batch, size); preserve_aspect_ratio fits the image into size; with
    skip_same, images itself when its static size already is `size`."""
    with name_scope(name, "resize"):
        images = convert_to_tensor(images)
        if images.shape.rank is None:
            raise shape_error("resize_images", "'images' contains no shape", images)
        if images.shape.rank not in (3, 4):
            raise shape_error("resize_images", "'images' must have either 3 or 4 "
                              f"dimensions, not {images.shape.rank}", images)
        batched = images.shape.rank == 4
        x = images if batched else A.expand_dims(images, 0)
        try:        # TF1: a ValueError "'size' must be a 1-D int32 Tensor"
            size = size_tensor(size, "resize_images")
        except errors.DTypeError as e:
            raise errors.DTypeValueError(str(e)) from None
        if not size.dtype.is_integer:
            raise errors.DTypeValueError(
                f"resize_images: size must be ints, not {size.dtype.name}\n  "
                f"{errors.describe_tensor(size, 'size')}" + errors.called_at("resize_images"))
        if size.shape.rank != 1 or size.shape._dims[0] not in (2, None):
            raise shape_error("resize_images", "'size' must be a 1-D Tensor of 2 elements: "
                              "new_height, new_width", size, "size")
        want, h, w = constant_value(size), *x.shape._dims[1:3]
        if preserve_aspect_ratio and want is not None and isinstance(h, int) \
                and isinstance(w, int):         # TF's float32 arithmetic, static
            hw = np.array([h, w], np.float32)
            scale = np.min(np.asarray(want, np.float32) / hw)
            want = np.round(scale * hw).astype(np.int32)
            size, preserve_aspect_ratio = convert_to_tensor(want), False
        # TF1 skips a resize to the same size, as far as constant_value_as_shape knows
        if skip_same and not preserve_aspect_ratio and (h, w) == tuple(
                shape_value(size)._dims or (None, None)) and None not in (h, w):
            return images
        if preserve_aspect_ratio:
            hw = E.cast(A.shape(x)[1:3], dtypes.float32)
            scale = R.reduce_min(E.cast(size, dtypes.float32) / hw)
            size = E.cast(E.round(scale * hw), dtypes.int32)
        out = resize_fn(x, size)
        return out if batched else A.squeeze(out, [0])


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False,
                  preserve_aspect_ratio=False, name=None, _skip_same=True):
    """images (NHWC, or one HWC image) resized to size = (new_height, new_width). As TF1:
    float32 for BILINEAR, the input's dtype for NEAREST_NEIGHBOR, and images itself when
    its static size already is `size`. preserve_aspect_ratio fits the image into size.

        gc.image.resize_images(x, [224, 224], gc.image.ResizeMethod.NEAREST_NEIGHBOR)
    """
    fns = {ResizeMethod.BILINEAR: resize_bilinear,
           ResizeMethod.NEAREST_NEIGHBOR: resize_nearest_neighbor,
           ResizeMethod.BICUBIC: resize_bicubic, ResizeMethod.AREA: resize_area}
    method = _METHOD_NAMES.get(method, method) if isinstance(method, str) else method
    if method not in fns:
        raise ValueError(f"resize_images: unknown resize method {method!r}")
    return _resize_common(images, size, lambda x, s: fns[method](
        x, s, align_corners=align_corners), preserve_aspect_ratio, name, _skip_same)


def resize_images_v2(images, size, method="bilinear", preserve_aspect_ratio=False,
                     antialias=False, name=None):
    """TF 2's tf.image.resize: half-pixel centers, float32 out (the input's dtype for
    "nearest"), never skipped. The lanczos3 / lanczos5 / gaussian / mitchellcubic
    methods, and bilinear / bicubic with antialias (the triangle / Keys cubic kernels),
    are ScaleAndTranslate with scale = size / input size and no translation; antialias
    widens the kernel when downsampling (no effect on nearest and area).

        gc.image.resize(x, [56, 56], "lanczos3")          # (gc.image.resize's TF 2 path)
    """
    names = {v: k for k, v in _METHOD_NAMES.items()}
    method = names.get(method, method) if not isinstance(method, str) else method
    if method not in _METHOD_NAMES and method not in SCALE_AND_TRANSLATE_METHODS:
        raise ValueError(f"Resize method is not implemented: {method}")
    kernel = method if method in SCALE_AND_TRANSLATE_METHODS else \
        _ANTIALIASED.get(method) if antialias else None

    def resize_fn(x, size):
        if kernel is not None:
            scale = E.cast(size, dtypes.float32) / E.cast(A.shape(x)[1:3], dtypes.float32)
            return scale_and_translate(x, size, scale, np.zeros(2, np.float32),
                                       kernel_type=kernel, antialias=antialias)
        if method == "nearest":
            return resize_nearest_neighbor(x, size, half_pixel_centers=True)
        if method == "area":
            return resize_area(x, size)
        fn = resize_bilinear if method == "bilinear" else resize_bicubic
        return fn(x, size, half_pixel_centers=True)
    return _resize_common(images, size, resize_fn, preserve_aspect_ratio, name, False)
