"""ScaleAndTranslate: TF 2's resampling op (tf.image.resize with antialias=True, and its
lanczos3 / lanczos5 / gaussian / mitchellcubic methods), and its transpose
ScaleAndTranslateGrad.

Like the resizes of image_ops.py it is linear in the image and separable: out = Wy x Wx^T
per image and channel, in float32. Each axis's (n_out, n_in) matrix W is TF's "spans",
computed in float32 as TF's CPU kernel does:
    inv_scale = 1 / scale, kernel_scale = max(inv_scale, 1) if antialias else 1
    sample(o) = (o + 0.5) * inv_scale - inv_scale * translation
    W[o, i]   = k(|i + 0.5 - sample(o)| / kernel_scale) for the i within
                radius * kernel_scale of sample(o) - 0.5, normalised to sum 1
(a row is zero where sample(o) falls outside [0, n_in], or its weights sum to ~0). The
kernels k are sampling_kernels.h's: lanczos1/3/5, gaussian (radius 1.5, sigma 0.5), box,
triangle, keyscubic (Keys, a = -0.5) and mitchellcubic (B = C = 1/3).

ScaleAndTranslateGrad (g -> Wy^T g Wx) is the vjp; ScaleAndTranslate is the grad's vjp.
Neither is differentiable in scale or translation (TF gives None). gc.image.resize uses
these (image_resize.py's resize_images_v2).
"""
import numpy as np

from .. import dtypes, errors
from ..shapes import InferError
from .array import shape as shape_of
from .core import convert_to_tensor
from .image_ops import (_apply_weights, _nc, _rank4, _size_dims, grad_image_shape,
                        size_tensor)
from .registry import OpDef, apply1, register

__all__ = ["scale_and_translate", "KERNEL_TYPES"]

_F = np.float32
_PI = _F(3.14159265359)          # sampling_kernels.h's kPI, as a float


# ---- the sampling kernels (float32, as sampling_kernels.h) -----------------------------------
def _lanczos(radius):
    r = _F(radius)

    def k(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            v = r * np.sin(_PI * x) * np.sin(_PI * x / r) / (_PI * _PI * x * x)
        v = np.where(x.astype(np.float64) <= 1e-3, _F(1), v)     # sin(x)/x at 0
        return np.where(x > r, _F(0), v)
    return r, k


def _gaussian(x):
    """exp(-x^2 / (2 sigma^2)), sigma = 1.5 / 3: the exponent in double, as TF."""
    v = np.exp((-x * x).astype(np.float64) / (2.0 * 0.5 * 0.5)).astype(_F)
    return np.where(x >= _F(1.5), _F(0), v)


def _box(x):
    return np.where(x < _F(0.5), _F(1), np.where(x == _F(0.5), _F(0.5), _F(0)))


def _triangle(x):
    return np.where(x < _F(1), _F(1) - x, _F(0))


def _cubic(near, far):
    """A cubic kernel of radius 2: near(x) on [0, 1), far(x) on [1, 2), 0 beyond."""
    def k(x):
        return np.where(x >= _F(2), _F(0), np.where(x >= _F(1), far(x), near(x)))
    return k


_keys = _cubic(lambda x: (_F(1.5) * x - _F(2.5)) * x * x + _F(1),
               lambda x: ((_F(-0.5) * x + _F(2.5)) * x - _F(4)) * x + _F(2))
_mitchell = _cubic(lambda x: (_F(7) / _F(6) * x - _F(2)) * x * x + _F(8) / _F(9),
                   lambda x: ((_F(-7) / _F(18) * x + _F(2)) * x - _F(10) / _F(3)) * x
                   + _F(16) / _F(9))

# kernel_type (TF's names, matched in lower case) -> (radius, k(|x|) on float32 arrays)
KERNEL_TYPES = {"lanczos1": _lanczos(1), "lanczos3": _lanczos(3), "lanczos5": _lanczos(5),
                "gaussian": (_F(1.5), _gaussian), "box": (_F(1), _box),
                "triangle": (_F(1), _triangle), "keyscubic": (_F(2), _keys),
                "mitchellcubic": (_F(2), _mitchell)}


def _kernel_of(kernel_type):
    kernel = KERNEL_TYPES.get(str(kernel_type).lower())
    if kernel is None:
        raise InferError(f"Unrecognized kernel type: {kernel_type} (TF's: "
                         f"{', '.join(KERNEL_TYPES)})")
    return kernel


# ---- the spans, as a dense matrix ------------------------------------------------------------
def span_weights(n_in, n_out, scale, translate, kernel_type, antialias):
    """The (n_out, n_in) float32 matrix W of one axis (out = W @ in), TF's spans."""
    radius, k = KERNEL_TYPES[str(kernel_type).lower()]
    inv_scale = _F(1.0 / float(_F(scale)))              # (1.0 / scale in double, as TF)
    inv_translate = -inv_scale * _F(translate)
    kernel_scale = max(inv_scale, _F(1)) if antialias else _F(1)
    reach = radius * kernel_scale
    span = min(2 * int(np.ceil(reach)) + 1, n_in)
    sample = (np.arange(n_out).astype(_F) + _F(0.5)) * inv_scale + inv_translate
    start = np.clip(np.ceil(sample - reach - _F(0.5)), 0, n_in - 1).astype(np.int64)
    end = np.clip(np.floor(sample + reach - _F(0.5)), 0, n_in - 1).astype(np.int64) + 1
    src = start[:, None] + np.arange(span)
    inside = src < end[:, None]
    w = k(np.abs((src.astype(_F) + _F(0.5) - sample[:, None]) * (_F(1) / kernel_scale)))
    w = np.where(inside, w, _F(0))
    total = np.zeros(n_out, _F)
    for j in range(span):                              # float32, in TF's order
        total += w[:, j]
    keep = ~((sample < 0) | (sample > n_in)) & \
        (np.abs(total) >= _F(1000) * np.finfo(_F).tiny)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(keep[:, None], w * (_F(1) / total)[:, None], _F(0))
    out = np.zeros((n_out, n_in), _F)
    rows, cols = np.nonzero(inside)
    out[rows, src[rows, cols]] = w[rows, cols]
    return out


def _pair(v, what):
    v = np.asarray(v)
    if v.ndim != 1:
        raise errors.InvalidArgumentError(f"{what} must be 1-dimensional, got shape "
                                          f"{list(v.shape)}")
    if v.size != 2:
        raise errors.InvalidArgumentError(f"{what} must have two elements, got {v.size}")
    return v.tolist()


def _axis_weights(n_in, n_out, scale, translation, attrs):
    """(Wy, Wx) in float64 for the einsums, after TF's run-time checks."""
    scale, translation = _pair(scale, "scale"), _pair(translation, "translation")
    if not (scale[0] > 0 and scale[1] > 0):
        raise errors.InvalidArgumentError(f"Scale must be greater than zero, got {scale}")
    return [span_weights(n_in[a], n_out[a], scale[a], translation[a], attrs["kernel_type"],
                         attrs["antialias"]).astype(np.float64) for a in (0, 1)]


def _scale_kernel(images, size, scale, translation, **attrs):
    if images.ndim != 4:
        raise errors.InvalidArgumentError(f"input must be 4-dimensional, not of shape "
                                          f"{list(images.shape)}")
    oh, ow = _pair(size, "size")
    if oh <= 0 or ow <= 0:
        raise errors.InvalidArgumentError(f"output dimensions must be positive, got "
                                          f"{[int(oh), int(ow)]}")
    _, h, w, c = images.shape
    if c == 0:
        raise errors.InvalidArgumentError("image must have at least one channel")
    if h == 0 or w == 0:
        raise errors.InvalidArgumentError("input image must be of non-zero size")
    wy, wx = _axis_weights((h, w), (int(oh), int(ow)), scale, translation, attrs)
    return _apply_weights(images.astype(_F), wy, wx, _F)


def _grad_kernel(grads, original_image, scale, translation, **attrs):
    """The transpose: g_images = Wy^T g Wx."""
    (_, oh, ow, _), (_, h, w, _) = grads.shape, original_image.shape
    wy, wx = _axis_weights((h, w), (oh, ow), scale, translation, attrs)
    return _apply_weights(grads, wy.T, wx.T, _F)


# ---- shape rules ------------------------------------------------------------------------------
# TF's T of ScaleAndTranslate (REAL_NUMBER_TYPES, bfloat16 aside: graphc has none)
_IMAGE_DTYPES = ("int8", "uint8", "int16", "uint16", "int32", "int64", "float16", "float32",
                 "float64")


def _check_float_pairs(ctx, scale, translation):
    for i, (t, what) in enumerate(((scale, "scale"), (translation, "translation")), 2):
        if t.dtype is not dtypes.float32:
            raise InferError(f"{what} {{{i}}} must be float32, not {t.dtype.name}", "dtype")
        if t.shape.rank not in (1, None) or t.shape.rank == 1 and \
                t.shape._dims[0] not in (2, None):
            raise InferError(f"{what} {{{i}}} must be a 1-D tensor of 2 elements (for the "
                             f"height and the width), not of shape {t.shape}")
    v = ctx.constant_value(scale)
    if v is not None and not (np.asarray(v) > 0).all():
        raise InferError(f"scale {{2}} must be greater than zero, got {np.asarray(v).tolist()}")


def _infer_scale(ctx, images, size, scale, translation, *, kernel_type, antialias):
    _kernel_of(kernel_type)
    _rank4(images, 0, "images")
    if images.dtype.name not in _IMAGE_DTYPES:
        raise InferError(f"images {{0}} has dtype {images.dtype.name}, not one of TF's "
                         f"{', '.join(_IMAGE_DTYPES)}", "dtype")
    if size.dtype is not dtypes.int32:
        raise InferError(f"size {{1}} must be int32, not {size.dtype.name}", "dtype")
    _check_float_pairs(ctx, scale, translation)
    (n, c), (h, w) = _nc(images), _size_dims(ctx, size, 1)
    return (n, h, w, c), dtypes.float32


def _infer_grad(ctx, grads, original_image, scale, translation, *, kernel_type, antialias):
    _kernel_of(kernel_type)
    _rank4(grads, 0, "grads")
    _rank4(original_image, 1, "original_image")
    ctx.same_dtype(0, 1)
    if grads.dtype is not dtypes.float32:
        raise InferError(f"grads {{0}} must be float32 (TF's kernel has no other), not "
                         f"{grads.dtype.name}", "dtype")
    _check_float_pairs(ctx, scale, translation)
    return grad_image_shape(ctx, grads, original_image), dtypes.float32


# ---- derivatives ------------------------------------------------------------------------------
def _scale_vjp(node, gs):
    """g_images = Wy^T g Wx (ScaleAndTranslateGrad, float32 images only, as TF's);
    size, scale and translation get none."""
    images, _, scale, translation = node.inputs
    return [apply1(SCALE_AND_TRANSLATE_GRAD, (gs[0], images, scale, translation),
                   **node.attrs), None, None, None]


def _grad_vjp(node, gs):
    """g_grads = Wy g Wx^T: the forward op back to the grads' size."""
    grads, _, scale, translation = node.inputs
    return [apply1(SCALE_AND_TRANSLATE, (gs[0], shape_of(grads)[1:3], scale, translation),
                   **node.attrs), None, None, None]


def _linear_jvp(node, ts):
    """Linear in input 0: the op on its tangent."""
    return None if ts[0] is None else apply1(node.op, (ts[0], *node.inputs[1:]),
                                             **node.attrs)


_KERNELS_DOC = "kernel_type: " + " | ".join(KERNEL_TYPES)
SCALE_AND_TRANSLATE = register(OpDef(
    "ScaleAndTranslate", _infer_scale, _scale_kernel, vjp=_scale_vjp, jvp=_linear_jvp,
    api="raw_ops.ScaleAndTranslate",
    signature="raw_ops.ScaleAndTranslate(images, size, scale, translation, "
              "kernel_type='lanczos3', antialias=True, name=None)",
    shape_rule="(n, h, w, c) -> (n, size[0], size[1], c)",
    dtypes="images int or float -> float32; size int32; scale, translation float32 (2,)",
    doc="Resamples NHWC images with a sampling kernel (" + _KERNELS_DOC + "), scaled "
        "by 1/scale when antialias and downsampling; output pixel o samples the input "
        "at (o + 0.5) / scale - translation / scale. The vjp is ScaleAndTranslateGrad."))
SCALE_AND_TRANSLATE_GRAD = register(OpDef(
    "ScaleAndTranslateGrad", _infer_grad, _grad_kernel, vjp=_grad_vjp, jvp=_linear_jvp,
    api="raw_ops.ScaleAndTranslateGrad",
    signature="raw_ops.ScaleAndTranslateGrad(grads, original_image, scale, translation, "
              "kernel_type='lanczos3', antialias=True, name=None)",
    shape_rule="shape of original_image", dtypes="float32 (both)",
    doc="The transpose of ScaleAndTranslate (its vjp): gradients of the resampled image "
        "spread back onto the original's pixels; its own vjp is ScaleAndTranslate."))


def scale_and_translate(images, size, scale, translation, kernel_type="lanczos3",
                        antialias=True, name=None):
    """TF's ScaleAndTranslate (gen_image_ops.scale_and_translate): NHWC images resampled
    to `size` with `kernel_type`, output pixel (y, x) sampling the input at
    ((y, x) + 0.5 - translation) / scale; float32 out. antialias widens the kernel by
    1/scale when downsampling.

        y = scale_and_translate(x, [8, 8], [2.0, 2.0], [0.0, 0.0], "lanczos3")
    """
    return apply1(SCALE_AND_TRANSLATE,
                  (convert_to_tensor(images), size_tensor(size, SCALE_AND_TRANSLATE.api),
                   convert_to_tensor(scale, dtype=dtypes.float32),
                   convert_to_tensor(translation, dtype=dtypes.float32)),
                  name=name, kernel_type=str(kernel_type), antialias=bool(antialias))
