"""CropAndResize (TF1's crop_and_resize) and its gradients CropAndResizeGradImage and
CropAndResizeGradBoxes.

Box b = [y1, x1, y2, x2] (normalized; y1 > y2 flips the crop) of image box_ind[b] is
sampled at crop_size = (ch, cw) points, float32 arithmetic as TF's kernel:
    y = y1 (h - 1) + i (y2 - y1) (h - 1) / (ch - 1)     (ch > 1)
    y = (y1 + y2) (h - 1) / 2                           (ch = 1)
(x likewise); points outside [0, h - 1] x [0, w - 1] get extrapolation_value. bilinear
interpolates the four neighbours, nearest takes the rounded one. The image gradient
scatters g back with the same weights; the boxes gradient is the derivative of the
bilinear interpolation through the sample coordinates (TF uses it for both methods).
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .registry import OpDef, apply1, register


def _coords(lo, hi, n_in, n_out):
    """(n_boxes, n_out) float32 sample coordinates and d coord / d lo, d coord / d hi."""
    lo, hi = lo.astype(np.float32), hi.astype(np.float32)
    size = np.float32(n_in - 1)
    if n_out > 1:
        step = (hi - lo) * size / np.float32(n_out - 1)
        t = np.arange(n_out, dtype=np.float32)
        c = lo[:, None] * size + t[None] * step[:, None]
        frac = np.arange(n_out, dtype=np.float64) / (n_out - 1)
        return c, np.broadcast_to(size * (1 - frac), c.shape), np.broadcast_to(size * frac,
                                                                                c.shape)
    c = (np.float32(0.5) * (lo + hi) * size)[:, None]
    half = np.full(c.shape, 0.5 * size)
    return c, half, half


def _sampling(image_shape, boxes, crop_size):
    """Per box: the y and x coordinates, their in-range masks, floor/ceil indices and
    lerp weights."""
    _, h, w, _ = image_shape
    ch, cw = (int(v) for v in crop_size)
    if ch <= 0 or cw <= 0:
        raise ValueError(f"crop_size must be positive, got {[ch, cw]}")
    out = []
    for k, (n_in, n_out) in enumerate(((h, ch), (w, cw))):
        c, dlo, dhi = _coords(boxes[:, k], boxes[:, k + 2], n_in, n_out)
        ok = (c >= 0) & (c <= n_in - 1)
        f = np.floor(c)
        lo_i = np.clip(f, 0, n_in - 1).astype(np.int64)
        hi_i = np.clip(np.ceil(c), 0, n_in - 1).astype(np.int64)
        near = np.clip(np.floor(c + np.float32(0.5)), 0, n_in - 1).astype(np.int64)  # roundf
        out.append((c, ok, lo_i, hi_i, (c - f).astype(np.float32), near, dlo, dhi))
    return out


def _check(image, boxes, box_ind):
    if boxes.shape[0] != box_ind.shape[0]:
        raise ValueError(f"boxes has {boxes.shape[0]} rows but box_ind {box_ind.shape[0]}")
    if box_ind.size and (box_ind.min() < 0 or box_ind.max() >= image[0]):
        raise ValueError(f"box_ind has values outside [0, {image[0]}): {box_ind.tolist()}")


def _crop_kernel(image, boxes, box_ind, crop_size, *, method, extrapolation_value):
    _check(image.shape, boxes, box_ind)
    (_, oky, y0, y1, ly, ny, _, _), (_, okx, x0, x1, lx, nx, _, _) = \
        _sampling(image.shape, boxes, crop_size)
    b = box_ind[:, None, None]
    img = image.astype(np.float32)
    if method == "nearest":
        out = img[b, ny[:, :, None], nx[:, None, :]]
    else:
        lyy, lxx = ly[:, :, None, None], lx[:, None, :, None]
        tl, tr = img[b, y0[:, :, None], x0[:, None]], img[b, y0[:, :, None], x1[:, None]]
        bl, br = img[b, y1[:, :, None], x0[:, None]], img[b, y1[:, :, None], x1[:, None]]
        top = tl + (tr - tl) * lxx
        bottom = bl + (br - bl) * lxx
        out = top + (bottom - top) * lyy
    ok = (oky[:, :, None] & okx[:, None, :])[..., None]
    return np.where(ok, out, np.float32(extrapolation_value)).astype(np.float32)


def _grad_image_kernel(grads, boxes, box_ind, image_size, *, method, T):
    shape = tuple(int(v) for v in image_size)
    _check(shape, boxes, box_ind)
    (_, oky, y0, y1, ly, ny, _, _), (_, okx, x0, x1, lx, nx, _, _) = \
        _sampling(shape, boxes, grads.shape[1:3])
    out = np.zeros(shape, np.float64)
    ok = (oky[:, :, None] & okx[:, None, :])[..., None]
    g = np.where(ok, grads, 0).astype(np.float64)
    b = np.broadcast_to(box_ind[:, None, None], g.shape[:3])
    if method == "nearest":
        np.add.at(out, (b, ny[:, :, None] + 0 * b, nx[:, None] + 0 * b), g)
        return out.astype(T.np)
    lyy, lxx = ly[:, :, None, None], lx[:, None, :, None]
    for yi, wy in ((y0, 1 - lyy), (y1, lyy)):
        for xi, wx in ((x0, 1 - lxx), (x1, lxx)):
            np.add.at(out, (b, yi[:, :, None] + 0 * b, xi[:, None] + 0 * b), g * wy * wx)
    return out.astype(T.np)


def _grad_boxes_kernel(grads, image, boxes, box_ind):
    _check(image.shape, boxes, box_ind)
    (_, oky, y0, y1, ly, _, dy1, dy2), (_, okx, x0, x1, lx, _, dx1, dx2) = \
        _sampling(image.shape, boxes, grads.shape[1:3])
    img = image.astype(np.float64)
    b = box_ind[:, None, None]
    tl = img[b, y0[:, :, None], x0[:, None]]
    tr = img[b, y0[:, :, None], x1[:, None]]
    bl = img[b, y1[:, :, None], x0[:, None]]
    br = img[b, y1[:, :, None], x1[:, None]]
    lyy, lxx = ly[:, :, None, None], lx[:, None, :, None]
    gy = (1 - lxx) * (bl - tl) + lxx * (br - tr)          # d value / d y
    gx = (1 - lyy) * (tr - tl) + lyy * (br - bl)          # d value / d x
    ok = (oky[:, :, None] & okx[:, None, :])[..., None]
    g = np.where(ok, grads, 0).astype(np.float64)
    sy = (g * gy).sum(axis=(2, 3))                        # (boxes, ch)
    sx = (g * gx).sum(axis=(1, 3))                        # (boxes, cw)
    return np.stack([(sy * dy1).sum(1), (sx * dx1).sum(1), (sy * dy2).sum(1),
                     (sx * dx2).sum(1)], axis=1).astype(np.float32)


def _boxes_tangent_kernel(image, boxes, box_ind, boxes_dot, crop_size):
    """d crop = sum over the box coordinates of d value / d coordinate * boxes_dot (the
    bilinear derivative, as the boxes gradient)."""
    _check(image.shape, boxes, box_ind)
    (_, oky, y0, y1, ly, _, dy1, dy2), (_, okx, x0, x1, lx, _, dx1, dx2) = \
        _sampling(image.shape, boxes, crop_size)
    img = image.astype(np.float64)
    b = box_ind[:, None, None]
    tl = img[b, y0[:, :, None], x0[:, None]]
    tr = img[b, y0[:, :, None], x1[:, None]]
    bl = img[b, y1[:, :, None], x0[:, None]]
    br = img[b, y1[:, :, None], x1[:, None]]
    lyy, lxx = ly[:, :, None, None], lx[:, None, :, None]
    gy = (1 - lxx) * (bl - tl) + lxx * (br - tr)
    gx = (1 - lyy) * (tr - tl) + lyy * (br - bl)
    t = boxes_dot.astype(np.float64)
    ydot = dy1 * t[:, :1] + dy2 * t[:, 2:3]               # (boxes, ch)
    xdot = dx1 * t[:, 1:2] + dx2 * t[:, 3:4]              # (boxes, cw)
    out = gy * ydot[:, :, None, None] + gx * xdot[:, None, :, None]
    ok = (oky[:, :, None] & okx[:, None, :])[..., None]
    return np.where(ok, out, 0).astype(np.float32)


def _boxes_ind(ctx, boxes, box_ind, i):
    if boxes.shape.rank not in (2, None) or (boxes.shape.rank == 2 and
                                             boxes.shape._dims[1] not in (4, None)):
        raise InferError(f"boxes {{{i}}} must be of shape (num_boxes, 4), not {boxes.shape}")
    if boxes.dtype is not dtypes.float32:
        raise InferError(f"boxes {{{i}}} must be float32, not {boxes.dtype.name}", "dtype")
    if box_ind.shape.rank not in (1, None):
        raise InferError(f"box_ind {{{i + 1}}} must be 1-D, not {box_ind.shape}")
    if box_ind.dtype is not dtypes.int32:
        raise InferError(f"box_ind {{{i + 1}}} must be int32, not {box_ind.dtype.name}",
                         "dtype")
    if boxes.shape.rank is None or box_ind.shape.rank is None:
        return boxes.shape._dims[0] if boxes.shape.rank else None
    return ctx.merge_dims(boxes.shape._dims[0], box_ind.shape._dims[0],
                          "boxes {{%d}} has {a} rows but box_ind {{%d}} has {b}" % (i, i + 1))


def size2(ctx, size, i, what, least=1):
    """The static (height, width) (None where unknown) of input i, a 1-D int32 tensor
    of 2 elements (TF's shape rule: its TypeError or ValueError); a known size under
    `least` fails now, where TF fails at run time."""
    if size.dtype is not dtypes.int32:
        raise InferError(f"{what} {{{i}}} must be int32, not {size.dtype.name}", "dtype")
    if size.shape.rank not in (1, None) or size.shape.rank == 1 and \
            size.shape._dims[0] not in (2, None):
        raise InferError(f"{what} {{{i}}} must be a 1-D tensor of 2 elements (height, "
                         f"width), not of shape {size.shape}")
    v = ctx.constant_value(size)
    if v is not None and (np.asarray(v) < least).any():
        raise InferError(f"{what} {{{i}}} must be {'positive' if least else 'non-negative'}"
                         f", got {np.asarray(v).tolist()}")
    d = ctx.shape_value(size)._dims
    return (None,) * 2 if d is None or len(d) != 2 else d


def _check_method(method):
    if method not in ("bilinear", "nearest"):
        raise InferError(f"method must be 'bilinear' or 'nearest', not {method!r}")


def _infer_crop(ctx, image, boxes, box_ind, crop_size, *, method, extrapolation_value):
    _check_method(method)
    if image.shape.rank not in (4, None):
        raise InferError(f"image {{0}} must be 4-D (NHWC), not {image.shape}")
    ctx.require(0, "numeric")
    n = _boxes_ind(ctx, boxes, box_ind, 1)
    ch, cw = size2(ctx, crop_size, 3, "crop_size")
    c = None if image.shape.rank is None else image.shape._dims[3]
    return (n, ch, cw, c), dtypes.float32


def _infer_grad_image(ctx, grads, boxes, box_ind, image_size, *, method, T):
    _check_method(method)
    if grads.shape.rank not in (4, None):
        raise InferError(f"grads {{0}} must be 4-D, not {grads.shape}")
    ctx.require(0, "float")
    _boxes_ind(ctx, boxes, box_ind, 1)
    d = ctx.shape_value(image_size)._dims
    return (None,) * 4 if d is None else d, T


def _infer_grad_boxes(ctx, grads, image, boxes, box_ind):
    if grads.shape.rank not in (4, None) or image.shape.rank not in (4, None):
        raise InferError("grads {0} and image {1} must be 4-D")
    ctx.require(0, "float")
    n = _boxes_ind(ctx, boxes, box_ind, 2)
    return (n, 4), dtypes.float32


def _infer_boxes_tangent(ctx, image, boxes, box_ind, boxes_dot, crop_size):
    out = _infer_crop(ctx, image, boxes, box_ind, crop_size, method="bilinear",
                      extrapolation_value=0.0)
    if boxes_dot.dtype is not dtypes.float32:
        raise InferError("boxes_dot {3} must be float32", "dtype")
    return out


def _crop_jvp(node, ts):
    """crop(image_dot) (extrapolation 0) + the boxes' CropAndResizeBoxesTangent."""
    image, boxes, box_ind, size = node.inputs
    out = None
    if ts[0] is not None:
        out = apply1(CROP_AND_RESIZE, (ts[0], boxes, box_ind, size),
                     method=node.attrs["method"], extrapolation_value=0.0)
    if ts[1] is not None:
        from .elementwise import cast
        t = apply1(CROP_BOXES_TANGENT, (image, boxes, box_ind, cast(ts[1], dtypes.float32),
                                        size))
        out = t if out is None else out + t
    return out


def _crop_vjp(node, gs):
    """g_image = the crop's weights transposed (CropAndResizeGradImage; float images
    only); g_boxes = sum g * d value / d box (CropAndResizeGradBoxes, bilinear)."""
    image, boxes, box_ind, _ = node.inputs
    from .array import shape
    g_image = None
    if image.dtype.is_floating:
        g_image = apply1(CROP_GRAD_IMAGE, (gs[0], boxes, box_ind, shape(image)),
                         method=node.attrs["method"], T=image.dtype)
    g_boxes = apply1(CROP_GRAD_BOXES, (gs[0], image, boxes, box_ind))
    return [g_image, g_boxes, None, None]


CROP_AND_RESIZE = register(OpDef(
    "CropAndResize", _infer_crop, _crop_kernel, vjp=_crop_vjp, jvp=_crop_jvp,
    api="image.crop_and_resize",
    signature="crop_and_resize(image, boxes, box_ind, crop_size, method='bilinear', "
              "extrapolation_value=0)",
    shape_rule="(n, h, w, c), (k, 4), (k,), [ch, cw] -> (k, ch, cw, c)",
    dtypes="image numeric; boxes float32; box_ind int32 -> float32",
    doc="Crops of normalized boxes [y1, x1, y2, x2] of image box_ind[k], resized to "
        "crop_size (bilinear or nearest); outside points get extrapolation_value."))
CROP_GRAD_IMAGE = register(OpDef(
    "CropAndResizeGradImage", _infer_grad_image, _grad_image_kernel, differentiable=False,
    api="CropAndResizeGradImage",
    signature="CropAndResizeGradImage(grads, boxes, box_ind, image_size, method, T)",
    shape_rule="-> image_size", dtypes="float grads -> T",
    doc="The image gradient of CropAndResize: g scattered with the sampling weights."))
CROP_GRAD_BOXES = register(OpDef(
    "CropAndResizeGradBoxes", _infer_grad_boxes, _grad_boxes_kernel, differentiable=False,
    api="CropAndResizeGradBoxes",
    signature="CropAndResizeGradBoxes(grads, image, boxes, box_ind)",
    shape_rule="-> (num_boxes, 4)", dtypes="float32",
    doc="The boxes gradient of CropAndResize (the bilinear interpolation's derivative "
        "through the sample coordinates)."))
CROP_BOXES_TANGENT = register(OpDef(
    "CropAndResizeBoxesTangent", _infer_boxes_tangent, _boxes_tangent_kernel,
    differentiable=False, api="CropAndResizeBoxesTangent",
    signature="CropAndResizeBoxesTangent(image, boxes, box_ind, boxes_dot, crop_size)",
    shape_rule="-> (num_boxes, ch, cw, c)", dtypes="float32",
    doc="The jvp of CropAndResize in its boxes: the bilinear derivative through the "
        "sample coordinates times boxes_dot (the transpose of CropAndResizeGradBoxes)."))
