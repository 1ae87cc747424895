"""gc.image's flips, rotations, crops and pads (TF1's tf.image; graphc/image.py
re-exports them), composites of reverse, transpose, slice and pad with TF1's checks: a
wrong known rank, or a crop/pad that cannot fit when the sizes are known, is a
ShapeError naming the image and the caller's line.

    x = gc.image.flip_left_right(gc.image.central_crop(images, 0.5))
"""
import numpy as np

from . import dtypes
from .graph import Tensor, control_dependencies, name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops.asserts import Assert
from .ops.core import convert_to_tensor, identity
from .ops.functional import case
from .ops.image_ops import shape_error as _shape_error, size_tensor
from .ops.random import random_uniform
from .ops.registry import constant_value

__all__ = ["flip_left_right", "flip_up_down", "transpose_image", "transpose", "rot90",
           "random_flip_left_right", "random_flip_up_down", "crop_to_bounding_box",
           "pad_to_bounding_box", "resize_image_with_crop_or_pad", "resize_with_crop_or_pad",
           "central_crop"]


def _rank(image, api, ranks=(3, 4)):
    """The known rank of image (one of ranks), or None when unknown."""
    r = image.shape.rank
    if r is not None and r not in ranks:
        want = " or ".join(str(k) for k in ranks)
        raise _shape_error(api, f"'image' must have {want} dimensions, not {r}", image)
    return r


def _static(v):
    """The int value of a Python int or a constant scalar tensor, else None."""
    if isinstance(v, Tensor):
        c = constant_value(v)
        return None if c is None else int(c)
    return int(v)


# ---- flips, rotations ---------------------------------------------------------------------
def flip_left_right(image):
    """image (HWC or NHWC) mirrored along its width: reverse(image, [-2])."""
    image = convert_to_tensor(image)
    _rank(image, "flip_left_right")
    return A.reverse(image, [-2], name="flip_left_right")


def flip_up_down(image):
    """image (HWC or NHWC) upside down: reverse(image, [-3])."""
    image = convert_to_tensor(image)
    _rank(image, "flip_up_down")
    return A.reverse(image, [-3], name="flip_up_down")


def transpose_image(image, name=None):
    """image with height and width swapped (HWC or NHWC)."""
    image = convert_to_tensor(image)
    r = _rank(image, "transpose_image")
    return A.transpose(image, _hw_swap(image, r), name=name or "transpose_image")


def _hw_swap(image, r):
    """The perm swapping height and width of an HWC or NHWC image (a tensor when its
    rank is known only at run time)."""
    if r is not None:
        return [1, 0, 2] if r == 3 else [0, 2, 1, 3]
    n = A.rank(image) - 3                   # 0 or 1 leading batch dim
    return A.concat([A.range(n), A.stack([n + 1, n, n + 2])], 0)


transpose = transpose_image       # TF 1.14+'s name


def _rot90_once(x, k, r):
    """x rotated k (0..3) quarter turns counter-clockwise (TF1's _rot90_3D/_4D)."""
    hw = [-3, -2]
    perm = _hw_swap(x, r)
    if k == 1:
        return A.transpose(A.reverse(x, [hw[1]]), perm)
    if k == 2:
        return A.reverse(x, hw)
    if k == 3:
        return A.reverse(A.transpose(x, perm), [hw[1]])
    return x


def rot90(image, k=1, name=None):
    """image (HWC or NHWC) rotated k times by 90 degrees counter-clockwise; k may be a
    scalar int tensor (then a gc.case picks the rotation at run time)."""
    with name_scope(name, "rot90"):
        image = convert_to_tensor(image)
        r = _rank(image, "rot90")
        kv = _static(k)
        if kv is not None:
            return _rot90_once(image, kv % 4, r)
        k = E.mod(convert_to_tensor(k, dtype=dtypes.int32), 4)
        return case([(E.equal(k, j), lambda j=j: _rot90_once(image, j, r)) for j in (1, 2, 3)],
                    default=lambda: image, exclusive=True)


def _random_flip(image, seed, axis, api):
    image = convert_to_tensor(image)
    r = _rank(image, api)
    if r is None:
        raise _shape_error(api, "'image' must have a known rank", image)
    with name_scope(None, api):
        flipped = A.reverse(image, [axis + r - 3])
        if r == 3:                          # one draw: flip when u < 0.5
            return E.select(random_uniform([], seed=seed) < 0.5, flipped, image)
        u = random_uniform(A.shape(image)[:1], seed=seed)   # per image: round(u) == 1
        return E.select(A.reshape(u > 0.5, [-1, 1, 1, 1]), flipped, image)


def random_flip_left_right(image, seed=None):
    """image mirrored left-right with probability 1/2 (each image of a batch drawn
    separately); seeded like gc.random_uniform."""
    return _random_flip(image, seed, 1, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """image flipped upside down with probability 1/2 (per image of a batch)."""
    return _random_flip(image, seed, 0, "random_flip_up_down")


# ---- crops and pads -----------------------------------------------------------------------
def _as_batch(image, api):
    image = convert_to_tensor(image)
    r = _rank(image, api)
    if r is None:
        raise _shape_error(api, "'image' must have a known rank", image)
    return image, (image if r == 4 else A.expand_dims(image, 0)), r == 4


def _checks(api, x, image, conditions):
    """TF1's validity checks: ShapeError now for the ones known, Asserts for the rest."""
    pending = []
    for ok, msg in conditions:
        v = ok if isinstance(ok, (bool, np.bool_)) else constant_value(ok)
        if v is None:
            pending.append(Assert(ok, [msg]))
        elif not v:
            raise _shape_error(api, msg, image)
    if not pending:
        return x
    with control_dependencies(pending):
        return identity(x)


def _dims(x):
    """Height and width of an NHWC tensor: ints where known, else scalar tensors."""
    s = A.shape(x)
    return [d if isinstance(d, int) else s[i] for i, d in ((1, x.shape._dims[1]),
                                                          (2, x.shape._dims[2]))]


def _ge(a, b):
    if isinstance(a, int) and isinstance(b, int):
        return a >= b
    return E.greater_equal(convert_to_tensor(a, dtype=dtypes.int32),
                           convert_to_tensor(b, dtype=dtypes.int32))


def _maybe_int(v):
    s = _static(v)
    return v if s is None else s


def _int_args(api, **args):
    """A crop's or pad's offsets and targets as ints where known, else scalar tensors. A
    float (even 2.0) or a float tensor is a DTypeError (TF1's TypeError): never
    truncated."""
    out = []
    for what, v in args.items():
        if not isinstance(v, Tensor):
            v = A.int_array(v, api, what)
        elif not v.dtype.is_integer:
            raise A._not_ints(api, what, v, f"a {v.dtype.name} tensor '{v.name}'")
        out.append(_maybe_int(v))
    return out


def _static_box(out, x, th, tw):
    """TF1's set_shape after a crop or pad: x's batch and channel dims, and the target
    height and width where they are known numbers."""
    dims = x.shape._dims
    if dims is not None:
        out.set_shape([dims[0], th if isinstance(th, int) else None,
                       tw if isinstance(tw, int) else None, dims[3]])
    return out


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The target_height x target_width window of image (HWC or NHWC) whose top-left
    corner is (offset_height, offset_width)."""
    image, x, batched = _as_batch(image, "crop_to_bounding_box")
    oh, ow, th, tw = _int_args("crop_to_bounding_box", offset_height=offset_height,
                               offset_width=offset_width, target_height=target_height,
                               target_width=target_width)
    h, w = _dims(x)
    x = _checks("crop_to_bounding_box", x, image, [
        (_ge(ow, 0), "offset_width must be >= 0."), (_ge(oh, 0), "offset_height must be >= 0."),
        (_ge(tw, 1), "target_width must be > 0."), (_ge(th, 1), "target_height must be > 0."),
        (_ge(w, tw + ow), "width must be >= target + offset."),
        (_ge(h, th + oh), "height must be >= target + offset.")])
    out = _static_box(A.slice(x, size_tensor([0, oh, ow, 0]), size_tensor([-1, th, tw, -1])),
                      x, th, tw)
    return out if batched else A.squeeze(out, [0])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """image (HWC or NHWC) zero-padded to target_height x target_width, with
    offset_height rows above and offset_width columns left of it."""
    image, x, batched = _as_batch(image, "pad_to_bounding_box")
    oh, ow, th, tw = _int_args("pad_to_bounding_box", offset_height=offset_height,
                               offset_width=offset_width, target_height=target_height,
                               target_width=target_width)
    h, w = _dims(x)
    after_h, after_w = _maybe_int(th - oh - h), _maybe_int(tw - ow - w)
    x = _checks("pad_to_bounding_box", x, image, [
        (_ge(oh, 0), "offset_height must be >= 0"), (_ge(ow, 0), "offset_width must be >= 0"),
        (_ge(after_w, 0), "width must be <= target - offset"),
        (_ge(after_h, 0), "height must be <= target - offset")])
    pads = A.reshape(size_tensor([0, 0, oh, after_h, ow, after_w, 0, 0]), [4, 2])
    out = _static_box(A.pad(x, pads), x, th, tw)
    return out if batched else A.squeeze(out, [0])


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """image (HWC or NHWC) centrally cropped and/or zero-padded to the target size
    (TF1's offsets: (diff) // 2 on each axis)."""
    image, x, batched = _as_batch(image, "resize_image_with_crop_or_pad")
    th, tw = _int_args("resize_image_with_crop_or_pad", target_height=target_height,
                       target_width=target_width)
    x = _checks("resize_image_with_crop_or_pad", x, image, [
        (_ge(tw, 1), "target_width must be > 0."), (_ge(th, 1), "target_height must be > 0.")])
    h, w = _dims(x)
    both = all(isinstance(v, int) for v in (th, tw, h, w))
    mx, mn = (max, min) if both else (E.maximum, E.minimum)
    dw, dh = tw - w, th - h
    cropped = crop_to_bounding_box(x, mx(-dh // 2, 0), mx(-dw // 2, 0), mn(th, h), mn(tw, w))
    out = pad_to_bounding_box(cropped, mx(dh // 2, 0), mx(dw // 2, 0), th, tw)
    return out if batched else A.squeeze(out, [0])


resize_with_crop_or_pad = resize_image_with_crop_or_pad   # TF 1.14+'s name


def central_crop(image, central_fraction):
    """The central part of image (HWC or NHWC): about central_fraction of each side
    (TF1: start = int((h - h * fraction) / 2), size = h - 2 * start)."""
    image = convert_to_tensor(image)
    if central_fraction <= 0.0 or central_fraction > 1.0:
        raise ValueError("central_crop: central_fraction must be within (0, 1]")
    if central_fraction == 1.0:
        return image
    image, x, batched = _as_batch(image, "central_crop")
    h, w = _dims(x)

    def start(d):
        if isinstance(d, int):
            return int((float(d) - float(d) * central_fraction) / 2)
        df = E.cast(d, dtypes.float64)
        return E.cast((df - df * central_fraction) / 2, dtypes.int32)
    sh, sw = start(h), start(w)
    nh, nw = h - 2 * sh, w - 2 * sw
    out = _static_box(A.slice(x, size_tensor([0, sh, sw, 0]), size_tensor([-1, nh, nw, -1])),
                      x, nh, nw)
    return out if batched else A.squeeze(out, [0])


