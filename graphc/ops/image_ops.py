"""Image resizing ops (TF1's gen_image_ops): ResizeBilinear and ResizeNearestNeighbor on
NHWC images, and their transposes ResizeBilinearGrad and ResizeNearestNeighborGrad.

Both resizes are linear in the image, separable in height and width: out = Wy x Wx^T per
image and channel, with Wy (out_h, in_h) and Wx (out_w, in_w) built from TF1's source
coordinate rules (float32 arithmetic, as TF's kernels):
    scale  = (in - 1) / (out - 1) if align_corners and out > 1 else in / out
    legacy: src = dst * scale;  half_pixel_centers: src = (dst + 0.5) * scale - 0.5
            (nearest neighbour: (dst + 0.5) * scale, no -0.5)
bilinear: lo = max(floor(src), 0), hi = min(ceil(src), in - 1), weight src - floor(src)
on hi; nearest: min(floor(src), in - 1) (round half away from zero with align_corners).
So each op's vjp is the other of its pair (as conv.py's ops), and each jvp is the op
itself on the tangent. gc.image holds the public functions; resize_bicubic, resize_area and resize_images are
in image_resize.py.
"""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import InferError
from .array import _shape_tensor, int_array, shape as shape_of
from .core import convert_to_tensor
from .elementwise import cast
from .registry import OpDef, apply1, register

__all__ = ["resize_bilinear", "resize_nearest_neighbor", "ResizeMethod"]


class ResizeMethod:
    """TF1's tf.image.ResizeMethod: the interpolation of resize_images; and the names of
    TF 2's methods that only gc.image.resize (its TF 2 path) has."""
    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


# ---- the source coordinates ---------------------------------------------------------------
def _scale(n_in, n_out, align_corners):
    if align_corners and n_out > 1:
        return np.float32(n_in - 1) / np.float32(n_out - 1)
    return np.float32(n_in) / np.float32(n_out)


def _source(n_in, n_out, align_corners, half_pixel, nearest):
    """TF's scaler: the (float32) source coordinate of each output pixel."""
    s = _scale(n_in, n_out, align_corners)
    d = np.arange(n_out, dtype=np.float32)
    if not half_pixel:
        return d * s
    return (d + np.float32(0.5)) * s - (np.float32(0) if nearest else np.float32(0.5))


def _nearest_index(n_in, n_out, align_corners, half_pixel):
    src = _source(n_in, n_out, align_corners, half_pixel, True)
    f = np.floor(src)
    if align_corners:                  # roundf: halves away from zero (src >= 0 here)
        f = f + (src - f >= np.float32(0.5))
    return np.clip(f.astype(np.int64), 0, n_in - 1)


def _weights(n_in, n_out, attrs, nearest):
    """The (n_out, n_in) float64 matrix W of one axis: out = W @ in."""
    w = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    ac, hp = attrs["align_corners"], attrs["half_pixel_centers"]
    if nearest:
        w[rows, _nearest_index(n_in, n_out, ac, hp)] = 1.0
        return w
    src = _source(n_in, n_out, ac, hp, False)
    f = np.floor(src)
    lo = np.maximum(f.astype(np.int64), 0)
    hi = np.minimum(np.ceil(src).astype(np.int64), n_in - 1)
    lerp = (src - f).astype(np.float64)
    np.add.at(w, (rows, lo), 1.0 - lerp)
    np.add.at(w, (rows, hi), lerp)
    return w


def _check_size(size, api):
    size = np.asarray(size).reshape(-1)
    if size.shape != (2,) or (size <= 0).any():
        raise ValueError(f"{api}: size must hold 2 positive entries (new_height, new_width), "
                         f"got {size.tolist()}")
    return int(size[0]), int(size[1])


def _apply_weights(x, wy, wx, dtype):
    """out[n, i, j, c] = sum_hw wy[i, h] x[n, h, w, c] wx[j, w]."""
    y = np.einsum("ih,nhwc->niwc", wy, x, optimize=True)
    return np.einsum("jw,niwc->nijc", wx, y, optimize=True).astype(dtype, copy=False)


def _resize_kernel(nearest):
    def kernel(images, size, **attrs):
        oh, ow = _check_size(size, "resize")
        if images.ndim != 4:
            raise ValueError(f"resize: images must have rank 4, not {images.ndim}")
        _, h, w, _ = images.shape
        if nearest:
            iy = _nearest_index(h, oh, attrs["align_corners"], attrs["half_pixel_centers"])
            ix = _nearest_index(w, ow, attrs["align_corners"], attrs["half_pixel_centers"])
            return np.ascontiguousarray(images[:, iy][:, :, ix])
        return _apply_weights(images, _weights(h, oh, attrs, False),
                              _weights(w, ow, attrs, False), images.dtype)
    return kernel


def _bilinear_grad_kernel(grads, original_image, **attrs):
    """The transpose: g_in = Wy^T g Wx."""
    _, h, w, _ = original_image.shape
    _, oh, ow, _ = grads.shape
    return _apply_weights(grads, _weights(h, oh, attrs, False).T,
                          _weights(w, ow, attrs, False).T, original_image.dtype)


def _nearest_grad_kernel(grads, size, **attrs):
    """The transpose: each gradient pixel added to the source pixel it came from."""
    h, w = _check_size(size, "ResizeNearestNeighborGrad")
    _, oh, ow, _ = grads.shape
    return _apply_weights(grads, _weights(h, oh, attrs, True).T,
                          _weights(w, ow, attrs, True).T, grads.dtype)


# ---- shape rules --------------------------------------------------------------------------
def _check_attrs(align_corners, half_pixel_centers):
    if align_corners and half_pixel_centers:
        raise InferError("if half_pixel_centers is True, align_corners must be False")


def _rank4(x, i, what):
    if x.shape.rank not in (4, None):
        raise InferError(f"{what} {{{i}}} must be 4-D (NHWC), not of shape {x.shape}")


def _size_dims(ctx, size, i):
    if not size.dtype.is_integer:
        raise InferError(f"size {{{i}}} must be an int tensor, not {size.dtype.name}",
                         "dtype")
    if size.shape.rank not in (1, None) or (size.shape.rank == 1 and
                                            size.shape._dims[0] not in (2, None)):
        raise InferError(f"size {{{i}}} must be a 1-D tensor of 2 elements (new_height, "
                         f"new_width), not of shape {size.shape}")
    dims = ctx.shape_value(size)._dims
    dims = (None, None) if dims is None or len(dims) != 2 else dims
    for d in dims:
        if isinstance(d, int) and d <= 0:
            raise InferError(f"size {{{i}}} must be positive, got {list(dims)}")
    return dims


def _nc(x):
    d = x.shape._dims
    return (None, None) if d is None else (d[0], d[3])


def _infer_resize(float_only):
    def infer(ctx, images, size, *, align_corners, half_pixel_centers):
        _check_attrs(align_corners, half_pixel_centers)
        _rank4(images, 0, "images")
        ctx.require(0, "float" if float_only else "numeric")
        (n, c), (h, w) = _nc(images), _size_dims(ctx, size, 1)
        return (n, h, w, c), images.dtype
    return infer


def _infer_bilinear_grad(ctx, grads, original_image, *, align_corners, half_pixel_centers):
    _check_attrs(align_corners, half_pixel_centers)
    _rank4(grads, 0, "grads")
    _rank4(original_image, 1, "original_image")
    ctx.same_dtype(0, 1)
    ctx.require(0, "float")
    return grad_image_shape(ctx, grads, original_image), grads.dtype


def grad_image_shape(ctx, grads, original_image):
    """The shape of a resize's gradient w.r.t. the image: original_image's, its batch and
    channels merged with those of grads (inputs 0 and 1, both NHWC)."""
    g, o = grads.shape._dims, original_image.shape._dims
    if g is None or o is None:
        return original_image.shape
    n = ctx.merge_dims(g[0], o[0], "the batch of {{0}} ({a}) and {{1}} ({b}) differ")
    c = ctx.merge_dims(g[3], o[3], "the channels of {{0}} ({a}) and {{1}} ({b}) differ")
    return n, o[1], o[2], c


def _infer_nearest_grad(ctx, grads, size, *, align_corners, half_pixel_centers):
    _check_attrs(align_corners, half_pixel_centers)
    _rank4(grads, 0, "grads")
    ctx.require(0, "float")
    (n, c), (h, w) = _nc(grads), _size_dims(ctx, size, 1)
    return (n, h, w, c), grads.dtype


# ---- derivatives --------------------------------------------------------------------------
def _hw(t):
    """shape(t)[1:3]: the height and width of an NHWC tensor, as a size."""
    return shape_of(t)[1:3]


def _bilinear_vjp(node, gs):
    """g_images = Wy^T g Wx (ResizeBilinearGrad); the size has none."""
    return [apply1(RESIZE_BILINEAR_GRAD, (gs[0], node.inputs[0]), **node.attrs), None]


def _bilinear_grad_vjp(node, gs):
    """g_grads = Wy g Wx^T: the resize to the grads' size; original_image only lends its
    shape."""
    return [apply1(RESIZE_BILINEAR, (gs[0], _hw(node.inputs[0])), **node.attrs), None]


def _nearest_vjp(node, gs):
    """g_images: each gradient pixel added back to its source pixel."""
    return [apply1(RESIZE_NEAREST_GRAD, (gs[0], _hw(node.inputs[0])), **node.attrs), None]


def _nearest_grad_vjp(node, gs):
    """g_grads: the nearest-neighbour resize back to the grads' size."""
    return [apply1(RESIZE_NEAREST, (gs[0], _hw(node.inputs[0])), **node.attrs), None]


def _linear_jvp(node, ts):
    """Linear in input 0: the op on its tangent."""
    return None if ts[0] is None else apply1(node.op, (ts[0], node.inputs[1]), **node.attrs)


_SIG = "(images, size, align_corners=False, half_pixel_centers=False, name=None)"
_COORDS = ("; source = dest * in/out (align_corners: (in-1)/(out-1); half_pixel_centers: "
           "(dest + 0.5) * in/out - 0.5)")
RESIZE_BILINEAR = register(OpDef(
    "ResizeBilinear", _infer_resize(True), _resize_kernel(False), vjp=_bilinear_vjp,
    jvp=_linear_jvp, api="image.resize_bilinear", signature="image.resize_bilinear" + _SIG,
    shape_rule="(n, h, w, c) -> (n, size[0], size[1], c)",
    dtypes="float (gc.image.resize_bilinear casts to float32 first, as TF1); size int",
    doc="Bilinear interpolation of NHWC images" + _COORDS + "; the vjp is "
        "ResizeBilinearGrad."))
RESIZE_BILINEAR_GRAD = register(OpDef(
    "ResizeBilinearGrad", _infer_bilinear_grad, _bilinear_grad_kernel,
    vjp=_bilinear_grad_vjp, jvp=_linear_jvp, api="ResizeBilinearGrad",
    signature="ResizeBilinearGrad(grads, original_image, align_corners, half_pixel_centers)",
    shape_rule="shape of original_image", dtypes="float (both the same)",
    doc="The transpose of ResizeBilinear (its vjp): gradients of the resized image spread "
        "back onto the original's pixels; its own vjp is ResizeBilinear."))
RESIZE_NEAREST = register(OpDef(
    "ResizeNearestNeighbor", _infer_resize(False), _resize_kernel(True), vjp=_nearest_vjp,
    jvp=_linear_jvp, api="image.resize_nearest_neighbor",
    signature="image.resize_nearest_neighbor" + _SIG,
    shape_rule="(n, h, w, c) -> (n, size[0], size[1], c)", dtypes="int or float; size int",
    doc="Nearest-neighbour resize of NHWC images: floor of the source coordinate (round "
        "with align_corners)" + _COORDS + "; the vjp is ResizeNearestNeighborGrad."))
RESIZE_NEAREST_GRAD = register(OpDef(
    "ResizeNearestNeighborGrad", _infer_nearest_grad, _nearest_grad_kernel,
    vjp=_nearest_grad_vjp, jvp=_linear_jvp, api="ResizeNearestNeighborGrad",
    signature="ResizeNearestNeighborGrad(grads, size, align_corners, half_pixel_centers)",
    shape_rule="(n, h, w, c) -> (n, size[0], size[1], c)", dtypes="float; size int",
    doc="The transpose of ResizeNearestNeighbor (its vjp): each gradient pixel added to "
        "the source pixel it was copied from; its own vjp is ResizeNearestNeighbor."))


def shape_error(api, msg, t, label="image"):
    """A ShapeError about tensor t (the image) raised from the caller's line."""
    return errors.ShapeError(f"{api}: {msg}\n  {errors.describe_tensor(t, label)}"
                             + errors.called_at(api))


# ---- public functions ---------------------------------------------------------------------
def size_tensor(size, api=None, what="size"):
    """size as a 1-D int tensor (a tensor, or a list of ints and scalar int tensors). A
    float size (even 2.0) is a DTypeError naming api, as TF1's TypeError: never
    truncated."""
    if isinstance(size, Tensor):
        return size
    if isinstance(size, (list, tuple)) and any(isinstance(s, Tensor) for s in size):
        return _shape_tensor(size, api, what)
    return convert_to_tensor(int_array(size, api, what))


def _resize(op, images, size, align_corners, half_pixel_centers, name):
    return apply1(op, (images, size_tensor(size, op.api)), name=name,
                  align_corners=bool(align_corners),
                  half_pixel_centers=bool(half_pixel_centers))


def resize_bilinear(images, size, align_corners=False, name=None, half_pixel_centers=False):
    """Bilinear resize of 4-D NHWC images to size = (new_height, new_width); the result
    is float32 whatever the input's dtype (TF1's ResizeBilinear):

        gc.image.resize_bilinear(x, [64, 48])          # x: (n, 32, 24, c) -> float32
    """
    images = convert_to_tensor(images)
    if images.dtype is not dtypes.float32:
        images = cast(images, dtypes.float32)
    return _resize(RESIZE_BILINEAR, images, size, align_corners, half_pixel_centers, name)


def resize_bilinear_op(images, size, align_corners=False, half_pixel_centers=False,
                       name=None):
    """The ResizeBilinear op in the images' own float dtype (no cast to float32)."""
    return _resize(RESIZE_BILINEAR, convert_to_tensor(images), size, align_corners,
                   half_pixel_centers, name)


def resize_nearest_neighbor(images, size, align_corners=False, name=None,
                            half_pixel_centers=False):
    """Nearest-neighbour resize of 4-D NHWC images; keeps the dtype:

        gc.image.resize_nearest_neighbor(x, [64, 48])
    """
    return _resize(RESIZE_NEAREST, convert_to_tensor(images), size, align_corners,
                   half_pixel_centers, name)
