"""The rest of TF 1.15's tf.contrib.image: connected_components and bipartite_match (one
OpDef each, not differentiable, as TF 1.15) and the YIQ colour distortions
adjust_hsv_in_yiq / random_hsv_in_yiq (a 3x3 colour matrix applied with matmul, so
differentiable, where TF 1.15's AdjustHsvInYiq kernel has no gradient).
"""
import numpy as np

from .. import dtypes, errors
from ..graph import name_scope
from ..ops.array import reshape, shape, transpose
from ..ops.core import constant, convert_to_tensor
from ..ops.elementwise import cos, sin
from ..ops.join import stack
from ..ops.linalg import matmul
from ..ops.random import random_uniform
from ..ops.registry import OpDef, apply, apply1, register
from ..shapes import InferError

__all__ = ["connected_components", "bipartite_match", "adjust_hsv_in_yiq",
           "random_hsv_in_yiq"]


# ---- connected_components -----------------------------------------------------------------
def _find(parent, i):
    """The root of i, halving the path on the way (iterative)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _components_kernel(images):
    """Labels 1..n of the 4-connected regions of equal non-zero pixels, numbered by their
    first pixel in row-major order over the whole batch; 0 for zero pixels."""
    flat = images.reshape(-1)
    idx = np.arange(flat.size).reshape(images.shape)
    on = images != 0
    pairs = []
    for axis in (1, 2):                         # right and down neighbours in each image
        a = [slice(None)] * 3
        b = [slice(None)] * 3
        a[axis], b[axis] = slice(None, -1), slice(1, None)
        join = on[tuple(a)] & (images[tuple(a)] == images[tuple(b)])
        pairs.append(np.stack([idx[tuple(a)][join], idx[tuple(b)][join]], 1))
    parent = list(range(flat.size))
    for i, j in np.concatenate(pairs).tolist():
        ri, rj = _find(parent, i), _find(parent, j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)     # the root is the first pixel
    roots = np.array([_find(parent, i) for i in range(flat.size)], np.int64)
    labels = np.zeros(flat.size, np.int32)
    first = np.unique(roots[on.reshape(-1)])      # roots are first pixels: sorted = order
    labels[on.reshape(-1)] = np.searchsorted(first, roots[on.reshape(-1)]) + 1
    return labels.reshape(images.shape)


def _infer_components(ctx, images):
    if images.shape.rank not in (3, None):
        raise InferError(f"images {{0}} must be 3-D (N, H, W), not of shape {images.shape}")
    if images.dtype is dtypes.string:
        raise InferError("images {0} must be bool or numeric, not string", "dtype")
    return images.shape, dtypes.int32


CONNECTED_COMPONENTS = register(OpDef(
    "ImageConnectedComponents", _infer_components, _components_kernel, differentiable=False,
    api="contrib.image.connected_components",
    signature="contrib.image.connected_components(images)",
    shape_rule="(n, h, w) -> (n, h, w) int32", dtypes="bool or numeric",
    doc="4-connected components of equal non-zero pixels, labelled 1..n by their first "
        "pixel in row-major order over the batch (TF 1.15's op and its renumbering)."))


def connected_components(images):
    """Labels the 4-connected components of equal non-zero pixels of image(s) (H, W) or
    (N, H, W), as TF 1.15's tf.contrib.image.connected_components: int32 ids 1..n over
    the whole batch, in the order of each component's first pixel (row-major), 0 for
    zero pixels (scipy.ndimage.label's default structure, per image).

        labels = gc.contrib.image.connected_components(mask)
    """
    with name_scope(None, "connected_components"):
        image_or_images = convert_to_tensor(images, name="images")
        rank = image_or_images.shape.rank
        if rank not in (2, 3):
            raise errors.DTypeError(
                "images should have rank 2 (HW) or 3 (NHW). Static shape is "
                f"{image_or_images.shape}\n  " + errors.describe_tensor(image_or_images,
                                                                         "images"))
        batch = image_or_images[None] if rank == 2 else image_or_images
        out = apply1(CONNECTED_COMPONENTS, (batch,))
        return out[0] if rank == 2 else out


# ---- bipartite_match ----------------------------------------------------------------------
def _match_kernel(distance_mat, num_valid_rows, *, top_k):
    rows, cols = distance_mat.shape
    if num_valid_rows.size != 1:
        raise ValueError("num_valid_rows argument should be a tensor with 1 element, but "
                         f"got {num_valid_rows.size}")
    valid = float(num_valid_rows.reshape(-1)[0])
    valid = int(valid + 0.1) if valid >= 0 else rows
    if valid > rows:
        raise ValueError(f"There should be at least {valid} rows in distance_mat, but only "
                         f"got {rows} rows.")
    k = top_k if top_k > 0 else valid * cols
    row_to_col = np.full(rows, -1, np.int32)
    col_to_row = np.full(cols, -1, np.int32)
    order = np.argsort(distance_mat[:valid].reshape(-1), kind="stable")
    matched = 0
    for flat in order.tolist():
        if matched >= k:
            break
        i, j = divmod(flat, cols)
        if row_to_col[i] == -1 and col_to_row[j] == -1:
            row_to_col[i], col_to_row[j] = j, i
            matched += 1
    return row_to_col, col_to_row


def _infer_match(ctx, distance_mat, num_valid_rows, *, top_k):
    if distance_mat.shape.rank not in (2, None):
        raise InferError(f"distance_mat {{0}} should be 2-dimensional, not of shape "
                         f"{distance_mat.shape}")
    for i, t in ((0, distance_mat), (1, num_valid_rows)):
        if t.dtype is not dtypes.float32:
            raise InferError(f"{{{i}}} must be float32, not {t.dtype.name}", "dtype")
    dims = distance_mat.shape._dims or (None, None)
    return [((dims[0],), dtypes.int32), ((dims[1],), dtypes.int32)]


BIPARTITE_MATCH = register(OpDef(
    "BipartiteMatch", _infer_match, _match_kernel, differentiable=False,
    api="contrib.image.bipartite_match",
    signature="contrib.image.bipartite_match(distance_mat, num_valid_rows, top_k=-1)",
    shape_rule="(r, c), () -> (r,) int32, (c,) int32", dtypes="float32",
    doc="Greedy bipartite matching: pairs by increasing distance, each row and column "
        "used once, at most top_k pairs; -1 where unmatched."))


def bipartite_match(distance_mat, num_valid_rows, top_k=-1, name="bipartite_match"):
    """Greedy minimum-distance matching of rows to columns of distance_mat (r, c), as TF
    1.15's tf.contrib.image.bipartite_match: only the first num_valid_rows rows (all if
    negative), at most top_k pairs (all if <= 0). Returns (row_to_col (r,), col_to_row
    (c,)) int32, -1 where unmatched.

        rows, cols = gc.contrib.image.bipartite_match(dist, -1)
    """
    distance_mat = convert_to_tensor(distance_mat, dtype=dtypes.float32)
    num_valid_rows = convert_to_tensor(num_valid_rows, dtype=dtypes.float32)
    return tuple(apply(BIPARTITE_MATCH, (distance_mat, num_valid_rows), name=name,
                       top_k=int(top_k)).outputs)


# ---- adjust_hsv_in_yiq --------------------------------------------------------------------
_YIQ = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.322],
                 [0.211, -0.523, 0.312]], np.float32)
_YIQ_INVERSE = np.array([[1, 0.95617069, 0.62143257], [1, -0.2726886, -0.64681324],
                         [1, -1.103744, 1.70062309]], np.float32)


def adjust_hsv_in_yiq(image, delta_hue=0, scale_saturation=1, scale_value=1, name=None):
    """Adjusts hue, saturation and value of RGB image(s) (last dim 3) in YIQ space, as TF
    1.15's tf.contrib.image.adjust_hsv_in_yiq: rotates (I, Q) by delta_hue radians,
    scales them by scale_saturation and all of (Y, I, Q) by scale_value; the result has
    the image's dtype (through convert_image_dtype, as TF).

        out = gc.contrib.image.adjust_hsv_in_yiq(rgb, delta_hue=0.3, scale_value=0.9)
    """
    from ..image_pixels import convert_image_dtype
    with name_scope(name, "adjust_hsv_in_yiq"):
        image = convert_to_tensor(image, name="image")
        if image.shape.rank is not None and (
                image.shape.rank < 3 or image.shape._dims[-1] not in (3, None)):
            raise errors.ShapeError(
                "adjust_hsv_in_yiq: input must be at least 3-D with 3 channels (RGB), got "
                f"shape {image.shape}\n  " + errors.describe_tensor(image, "image"))
        orig = image.dtype
        rgb = convert_image_dtype(image, dtypes.float32)
        h = convert_to_tensor(delta_hue, dtype=dtypes.float32)
        s = convert_to_tensor(scale_saturation, dtype=dtypes.float32)
        v = convert_to_tensor(scale_value, dtype=dtypes.float32)
        vsu, vsw, zero = v * s * cos(h), v * s * sin(h), constant(0.0)
        hsv = stack([stack([v, zero, zero]), stack([zero, vsu, -vsw]),
                     stack([zero, vsw, vsu])])
        # out = M rgb per pixel, M = yiq_inverse hsv yiq: rows times M^T
        m = matmul(matmul(constant(_YIQ_INVERSE), hsv), constant(_YIQ))
        out = reshape(matmul(reshape(rgb, [-1, 3]), transpose(m)), shape(rgb))
        return convert_image_dtype(out, orig)


def random_hsv_in_yiq(image, max_delta_hue=0, lower_saturation=1, upper_saturation=1,
                      lower_value=1, upper_value=1, seed=None):
    """adjust_hsv_in_yiq with delta_hue uniform in [-max_delta_hue, max_delta_hue] and the
    scales uniform in [lower, upper] (a constant where the range is empty), as TF 1.15.

        out = gc.contrib.image.random_hsv_in_yiq(rgb, 0.5, 0.8, 1.2, 0.9, 1.1, seed=1)
    """
    if max_delta_hue < 0:
        raise ValueError("max_delta must be non-negative.")
    if lower_saturation < 0:
        raise ValueError("lower_saturation must be non-negative.")
    if lower_value < 0:
        raise ValueError("lower_value must be non-negative.")
    if lower_saturation > upper_saturation:
        raise ValueError("lower_saturation must be < upper_saturation.")
    if lower_value > upper_value:
        raise ValueError("lower_value must be < upper_value.")
    delta_hue = 0 if max_delta_hue == 0 else random_uniform(
        [], -max_delta_hue, max_delta_hue, seed=seed)
    scale_saturation = lower_saturation if lower_saturation == upper_saturation else \
        random_uniform([], lower_saturation, upper_saturation, seed=seed)
    scale_value = lower_value if lower_value == upper_value else \
        random_uniform([], lower_value, upper_value, seed=seed)
    return adjust_hsv_in_yiq(image, delta_hue, scale_saturation, scale_value)
