"""Projective image transforms of TF 1.15's tf.contrib.image: the ImageProjectiveTransformV2
op (one OpDef) and the Python functions built on it (transform, rotate, translate and the
helpers that make, compose and convert the 8-parameter transforms).

A transform row [a0, a1, a2, b0, b1, b2, c0, c1] maps an *output* pixel (x, y) to the
*input* point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1, read
with NEAREST (round half away from zero) or BILINEAR interpolation; points outside the
image read 0. As TF's kernel, the coordinates and the bilinear blend are float32 (a
float64 image is blended in float32) and an int image's blend is truncated toward zero.
The gradient is TF 1.15's: the same op on the cotangent with the inverted transform.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..ops.array import reshape, shape
from ..ops.cast import cast
from ..ops.core import constant, convert_to_tensor
from ..ops.creation import ones, zeros
from ..ops.elementwise import cos, sin
from ..ops.join import concat
from ..ops.linalg import matmul
from ..ops.matrix import matrix_inverse
from ..ops.registry import OpDef, apply1, register
from ..shapes import InferError

__all__ = ["transform", "rotate", "translate", "angles_to_projective_transforms",
           "translations_to_projective_transforms", "compose_transforms",
           "flat_transforms_to_matrices", "matrices_to_flat_transforms"]

IMAGE_DTYPES = (dtypes.uint8, dtypes.int32, dtypes.int64, dtypes.float16, dtypes.float32,
                dtypes.float64)
INTERPOLATIONS = ("NEAREST", "BILINEAR")


# ---- the kernel ---------------------------------------------------------------------------
def _round_half_away(v):
    """std::round: halves away from zero (np.round rounds them to even)."""
    r = np.trunc(v)
    frac = v - r                                   # exact in float32
    return r + np.where(np.abs(frac) >= 0.5, np.sign(v), 0).astype(v.dtype)


def _read(images, b, y, x):
    """images[b, y, x, :] where (y, x) is inside the image, else 0 (float coordinates)."""
    _, h, w, _ = images.shape
    inside = (y >= 0) & (y < h) & (x >= 0) & (x < w)       # False for NaN
    yi = np.where(inside, y, 0).astype(np.int64)
    xi = np.where(inside, x, 0).astype(np.int64)
    out = images[b, yi, xi]                                  # (n, oh, ow, c)
    return np.where(inside[..., None], out, np.zeros((), images.dtype))


def _transform_kernel(images, transforms, output_shape, *, interpolation):
    n, h, w, c = images.shape
    if transforms.ndim != 2 or transforms.shape[1] != 8 or transforms.shape[0] not in (1, n):
        raise ValueError(f"Input transform should be num_images x 8 or 1 x 8, got shape "
                         f"{list(transforms.shape)} for {n} images")
    oh, ow = (int(v) for v in np.asarray(output_shape).reshape(-1)[:2])
    if oh < 0 or ow < 0:
        raise ValueError(f"output_shape must be non-negative, got {[oh, ow]}")
    t = np.broadcast_to(transforms.astype(np.float32), (n, 8))
    t = [t[:, k, None, None] for k in range(8)]             # each (n, 1, 1)
    ys = np.arange(oh, dtype=np.float32)[None, :, None]
    xs = np.arange(ow, dtype=np.float32)[None, None, :]
    with np.errstate(all="ignore"):
        k = t[6] * xs + t[7] * ys + np.float32(1)
        x = (t[0] * xs + t[1] * ys + t[2]) / k
        y = (t[3] * xs + t[4] * ys + t[5]) / k
    x = np.where(k == 0, np.float32(np.nan), x)              # k = 0: outside, reads 0
    y = np.where(k == 0, np.float32(np.nan), y)
    b = np.arange(n)[:, None, None]
    if interpolation == "NEAREST":
        return _read(images, b, _round_half_away(y), _round_half_away(x))
    with np.errstate(all="ignore"):
        y0, x0 = np.floor(y), np.floor(x)
        y1, x1 = y0 + 1, x0 + 1
        f = images.astype(np.float32)
        wx0, wx1 = (x1 - x)[..., None], (x - x0)[..., None]
        top = wx0 * _read(f, b, y0, x0) + wx1 * _read(f, b, y0, x1)
        bottom = wx0 * _read(f, b, y1, x0) + wx1 * _read(f, b, y1, x1)
        out = (y1 - y)[..., None] * top + (y - y0)[..., None] * bottom
    out = np.where(np.isnan(y)[..., None], np.float32(0), out)
    return out.astype(images.dtype)                          # ints: truncated, as T(float)


def _infer_transform(ctx, images, transforms, output_shape, *, interpolation):
    if interpolation not in INTERPOLATIONS:
        raise InferError(f"interpolation must be NEAREST or BILINEAR, got {interpolation!r}")
    if images.dtype not in IMAGE_DTYPES:
        raise InferError(f"images {{0}} must be uint8, int32, int64, float16, float32 or "
                         f"float64, not {images.dtype.name}", "dtype")
    if transforms.dtype is not dtypes.float32:
        raise InferError(f"transforms {{1}} must be float32, not {transforms.dtype.name}",
                         "dtype")
    if output_shape.dtype is not dtypes.int32:
        raise InferError(f"output_shape {{2}} must be int32, not {output_shape.dtype.name}",
                         "dtype")
    if images.shape.rank not in (4, None):
        raise InferError(f"images {{0}} must be 4-D (NHWC), not of shape {images.shape}")
    if transforms.shape.rank not in (2, None) or (
            transforms.shape.rank == 2 and transforms.shape._dims[1] not in (8, None)):
        raise InferError(f"transforms {{1}} must be of shape (num_images or 1, 8), not "
                         f"{transforms.shape}")
    if output_shape.shape.rank not in (1, None) or (
            output_shape.shape.rank == 1 and output_shape.shape._dims[0] not in (2, None)):
        raise InferError(f"output_shape {{2}} must be a 1-D tensor of 2 elements "
                         f"(new_height, new_width), not of shape {output_shape.shape}")
    hw = ctx.shape_value(output_shape)._dims
    hw = (None, None) if hw is None or len(hw) != 2 else hw
    n, c = (None, None) if images.shape.rank is None else (images.shape._dims[0],
                                                           images.shape._dims[3])
    if transforms.shape.rank == 2 and isinstance(transforms.shape._dims[0], int) and \
            transforms.shape._dims[0] != 1 and n is not None:
        ctx.merge_dims(n, transforms.shape._dims[0],
                       "{{0}} has {a} images but {{1}} has {b} transforms (need 1 or "
                       "num_images)")
    return (n, hw[0], hw[1], c), images.dtype


def _transform_vjp(node, gs):
    """g_images = ImageProjectiveTransformV2(g, inverse(transforms), shape(images)[1:3]):
    TF 1.15's rule (the exact adjoint where the transform is a permutation of pixels,
    e.g. integer translations and flips); transforms and output_shape get none."""
    images, transforms, _ = node.inputs
    inverse = matrices_to_flat_transforms(
        matrix_inverse(flat_transforms_to_matrices(transforms)))
    return [apply1(PROJECTIVE_TRANSFORM, (gs[0], inverse, shape(images)[1:3]), **node.attrs),
            None, None]


def _transform_jvp(node, ts):
    """Linear in the images: the op on their tangent."""
    if ts[0] is None:
        return None
    return apply1(node.op, (ts[0],) + tuple(node.inputs[1:]), **node.attrs)


PROJECTIVE_TRANSFORM = register(OpDef(
    "ImageProjectiveTransformV2", _infer_transform, _transform_kernel,
    vjp=_transform_vjp, jvp=_transform_jvp, api="contrib.image.transform",
    signature="contrib.image.transform(images, transforms, interpolation='NEAREST', "
              "output_shape=None, name=None)",
    shape_rule="(n, h, w, c), (n or 1, 8), [oh, ow] -> (n, oh, ow, c)",
    dtypes="uint8, int32, int64, float16, float32, float64; transforms float32",
    doc="Projective transform of NHWC images (output pixel -> input point), NEAREST or "
        "BILINEAR, zeros outside; vjp w.r.t. the images as TF 1.15 (the inverse "
        "transform applied to the cotangent)."))


# ---- checks -------------------------------------------------------------------------------
def _type_error(api, msg, t, label):
    return errors.DTypeError(f"{api}: {msg}\n  {errors.describe_tensor(t, label)}")


def _as_batch(api, image_or_images):
    """The images as NHWC (HW and HWC get leading/trailing 1s) and their static rank."""
    if image_or_images.dtype not in IMAGE_DTYPES:
        raise _type_error(api, f"Invalid dtype {image_or_images.dtype.name}.",
                          image_or_images, "images")
    rank = image_or_images.shape.rank
    if rank is None:
        raise _type_error(api, "image_or_images rank must be statically known",
                          image_or_images, "images")
    if rank == 2:
        return image_or_images[None, :, :, None], rank
    if rank == 3:
        return image_or_images[None, :, :, :], rank
    if rank == 4:
        return image_or_images, rank
    raise _type_error(api, "Images should have rank between 2 and 4.", image_or_images,
                      "images")


def _unbatch(output, rank):
    return output[0, :, :, 0] if rank == 2 else output[0] if rank == 3 else output


def _rows(api, t, what, one, two):
    """t of rank 1 as one row [None], of rank 2 as is (TF's checks and messages)."""
    if t.shape.rank == 1:
        return t[None]
    if t.shape.rank is None:
        raise _type_error(api, f"{one} rank must be statically known", t, what)
    if t.shape.rank == 2:
        return t
    raise _type_error(api, f"{two} should have rank 1 or 2.", t, what)


# ---- public functions ---------------------------------------------------------------------
def transform(images, transforms, interpolation="NEAREST", output_shape=None, name=None):
    """Applies projective transform(s) to image(s) (HW, HWC or NHWC), as TF 1.15's
    tf.contrib.image.transform. A row [a0, a1, a2, b0, b1, b2, c0, c1] maps the output
    point (x, y) to the input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    k = c0 x + c1 y + 1; points outside the input read 0. output_shape = [height, width]
    (default: the input's).

        shifted = gc.contrib.image.transform(img, [1, 0, -2, 0, 1, 0, 0, 0])  # 2 px right
    """
    with name_scope(name, "transform"):
        image_or_images = convert_to_tensor(images, name="images")
        transform_or_transforms = convert_to_tensor(transforms, name="transforms",
                                                    dtype=dtypes.float32)
        images, rank = _as_batch("contrib.image.transform", image_or_images)
        if output_shape is None:
            dims = images.shape._dims[1:3]
            output_shape = (np.asarray(dims, np.int32) if all(isinstance(d, int)
                                                               for d in dims)
                            else shape(images)[1:3])
        output_shape = convert_to_tensor(output_shape, dtype=dtypes.int32,
                                         name="output_shape")
        if output_shape.shape.rank not in (1, None) or (
                output_shape.shape.rank == 1 and output_shape.shape._dims[0] not in (2, None)):
            raise errors.ShapeError(
                "output_shape must be a 1-D Tensor of 2 elements: new_height, new_width\n  "
                + errors.describe_tensor(output_shape, "output_shape"))
        transforms = _rows("contrib.image.transform", transform_or_transforms,
                           "transforms", "transform_or_transforms", "Transforms")
        if not isinstance(interpolation, str) or interpolation.upper() not in INTERPOLATIONS:
            raise ValueError(f"contrib.image.transform: interpolation must be 'NEAREST' or "
                             f"'BILINEAR', got {interpolation!r}")
        output = apply1(PROJECTIVE_TRANSFORM, (images, transforms, output_shape),
                        interpolation=interpolation.upper())
        return _unbatch(output, rank)


def rotate(images, angles, interpolation="NEAREST", name=None):
    """Rotates image(s) (HW, HWC or NHWC) counterclockwise by angle(s) in radians about
    their centre, as TF 1.15's tf.contrib.image.rotate; uncovered pixels are 0. angles:
    a scalar, or one per image of a batch.

        turned = gc.contrib.image.rotate(img, np.pi / 2)
    """
    with name_scope(name, "rotate"):
        image_or_images = convert_to_tensor(images)
        images, rank = _as_batch("contrib.image.rotate", image_or_images)
        height = cast(shape(images)[1], dtypes.float32)[None]
        width = cast(shape(images)[2], dtypes.float32)[None]
        output = transform(images, angles_to_projective_transforms(angles, height, width),
                           interpolation=interpolation)
        return _unbatch(output, rank)


def translate(images, translations, interpolation="NEAREST", name=None):
    """Translates image(s) (HW, HWC or NHWC) by [dx, dy] (or one per image of a batch),
    as TF 1.15's tf.contrib.image.translate; uncovered pixels are 0.

        moved = gc.contrib.image.translate(img, [3, -1])   # 3 px right, 1 px up
    """
    with name_scope(name, "translate"):
        return transform(images, translations_to_projective_transforms(translations),
                         interpolation=interpolation)


def angles_to_projective_transforms(angles, image_height, image_width, name=None):
    """The (num_angles, 8) float32 transforms that rotate by each angle about the centre
    of an image_height x image_width image.

        t = gc.contrib.image.angles_to_projective_transforms([0.1, 0.2], 32.0, 48.0)
    """
    with name_scope(name, "angles_to_projective_transforms"):
        angle_or_angles = convert_to_tensor(angles, name="angles", dtype=dtypes.float32)
        if angle_or_angles.shape.rank == 0:
            angles = angle_or_angles[None]
        elif angle_or_angles.shape.rank == 1:
            angles = angle_or_angles
        else:
            raise _type_error("contrib.image.angles_to_projective_transforms",
                              "Angles should have rank 0 or 1.", angle_or_angles, "angles")
        c, s = cos(angles), sin(angles)
        x_offset = ((image_width - 1) - (c * (image_width - 1)
                                         - s * (image_height - 1))) / 2.0
        y_offset = ((image_height - 1) - (s * (image_width - 1)
                                          + c * (image_height - 1))) / 2.0
        num = shape(angles)[0]
        return concat([c[:, None], -s[:, None], x_offset[:, None], s[:, None], c[:, None],
                       y_offset[:, None], zeros((num, 2), dtypes.float32)], axis=1)


def translations_to_projective_transforms(translations, name=None):
    """The (num, 8) float32 transforms that translate by each [dx, dy].

        t = gc.contrib.image.translations_to_projective_transforms([[1, 2], [0, -3]])
    """
    with name_scope(name, "translations_to_projective_transforms"):
        t = convert_to_tensor(translations, name="translations", dtype=dtypes.float32)
        t = _rows("contrib.image.translations_to_projective_transforms", t, "translations",
                  "translation_or_translations", "Translations")
        num = shape(t)[0]
        one, zero = ones((num, 1), dtypes.float32), zeros((num, 1), dtypes.float32)
        # [[1 0 -dx] [0 1 -dy] [0 0 1]], the last entry implicit
        return concat([one, zero, -t[:, 0, None], zero, one, -t[:, 1, None],
                       zeros((num, 2), dtypes.float32)], axis=1)


def compose_transforms(*transforms):
    """One transform (N, 8) equal to applying each given transform in order (the product
    of their 3x3 matrices).

        t = gc.contrib.image.compose_transforms(rotation, translation)
    """
    assert transforms, "transforms cannot be empty"
    with name_scope(None, "compose_transforms"):
        composed = flat_transforms_to_matrices(transforms[0])
        for tr in transforms[1:]:
            composed = matmul(composed, flat_transforms_to_matrices(tr))
        return matrices_to_flat_transforms(composed)


def flat_transforms_to_matrices(transforms):
    """(N, 3, 3) matrices (output -> input coordinates, homogeneous) of transforms of
    shape (8,) or (N, 8).

        m = gc.contrib.image.flat_transforms_to_matrices([1, 0, 2, 0, 1, 3, 0, 0])
    """
    with name_scope(None, "flat_transforms_to_matrices"):
        transforms = convert_to_tensor(transforms, name="transforms")
        if transforms.shape.rank not in (1, 2):
            raise errors.ShapeError(f"Transforms should be 1D or 2D, got: {transforms}\n  "
                                    + errors.describe_tensor(transforms, "transforms"))
        transforms = reshape(transforms, constant([-1, 8]))
        num = shape(transforms)[0]
        return reshape(concat([transforms, ones([num, 1], transforms.dtype)], axis=1),
                       constant([-1, 3, 3]))


def matrices_to_flat_transforms(transform_matrices):
    """(N, 8) transforms of matrices of shape (3, 3) or (N, 3, 3) (each divided by its
    last entry).

        t = gc.contrib.image.matrices_to_flat_transforms(np.eye(3, dtype=np.float32))
    """
    with name_scope(None, "matrices_to_flat_transforms"):
        m = convert_to_tensor(transform_matrices, name="transform_matrices")
        if m.shape.rank not in (2, 3):
            raise errors.ShapeError(f"Matrices should be 2D or 3D, got: {m}\n  "
                                    + errors.describe_tensor(m, "transform_matrices"))
        flat = reshape(m, constant([-1, 9]))
        flat = flat / flat[:, 8:9]
        return flat[:, :8]
