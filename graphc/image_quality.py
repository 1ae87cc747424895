"""gc.image's quality measures (TF1's psnr, ssim, ssim_multiscale), composites of
convert_image_dtype, depthwise_conv2d, avg_pool and reductions, with gradients. Images
are (..., h, w, c); the result has the leading (batch) shape, float32.

    q = gc.image.ssim(gc.image.convert_image_dtype(a, gc.float32), b, max_val=1.0)
"""
import numpy as np

from . import dtypes
from .graph import name_scope
from .ops import array as A
from .ops import elementwise as E
from .ops import reduce as R
from .ops.core import constant, convert_to_tensor
from .ops.depthwise import depthwise_conv2d
from .ops.image_ops import shape_error
from .ops.pool import avg_pool

__all__ = ["psnr", "ssim", "ssim_multiscale"]

_POWERS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _pair(a, b, api):
    """a, b as tensors of compatible shapes (rank >= 3)."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    for t, label in ((a, "img1"), (b, "img2")):
        if t.shape.rank is not None and t.shape.rank < 3:
            raise shape_error(api, f"{label} must be at least three-dimensional, not "
                              f"{t.shape}", t, label)
    if a.shape.rank is not None and b.shape.rank is not None:
        da, db = a.shape._dims[-3:], b.shape._dims[-3:]
        if any(isinstance(x, int) and isinstance(y, int) and x != y
               for x, y in zip(da, db)):
            raise shape_error(api, f"the images' last three dimensions differ: {a.shape} "
                              f"and {b.shape}", b, "img2")
    return a, b


def _as_float(a, b, max_val):
    """(a, b, max_val) converted to float32 as TF1: max_val is cast to a's dtype first,
    then scaled like a pixel (255 for uint8 -> 1.0)."""
    from .image import convert_image_dtype
    mv = convert_image_dtype(E.cast(convert_to_tensor(max_val), a.dtype), dtypes.float32)
    return convert_image_dtype(a, dtypes.float32), convert_image_dtype(b, dtypes.float32), mv


def psnr(a, b, max_val, name=None):
    """Peak signal-to-noise ratio of each image pair: 20 log10(max_val) - 10 log10(mse),
    mse over the last three dims (float32):

        gc.image.psnr(images, noisy, max_val=255)
    """
    with name_scope(name, "PSNR"):
        a, b = _pair(a, b, "psnr")
        a, b, mv = _as_float(a, b, max_val)
        mse = R.reduce_mean(E.squared_difference(a, b), [-3, -2, -1])
        return E.subtract(20 * E.log(mv) / np.log(10.0),
                          np.float32(10 / np.log(10)) * E.log(mse), name="psnr")


def _gauss(size, sigma):
    """The (size, size, 1, 1) Gaussian window: a softmax of -(dy^2 + dx^2) / (2 sigma^2)."""
    c = np.arange(size, dtype=np.float32) - np.float32(size - 1) / np.float32(2.0)
    g = np.square(c) * np.float32(-0.5 / np.float32(sigma) ** 2)
    g = (g[None, :] + g[:, None]).reshape(-1).astype(np.float64)
    e = np.exp(g - g.max())
    return (e / e.sum()).astype(np.float32).reshape(size, size, 1, 1)


def _ssim_per_channel(x, y, max_val, filter_size, filter_sigma, k1, k2, api):
    """(ssim, contrast-structure), each averaged over height and width per channel."""
    d = x.shape._dims
    if d is not None and any(isinstance(v, int) and v < filter_size for v in d[-3:-1]):
        raise shape_error(api, f"the images ({x.shape}) are smaller than filter_size "
                          f"{filter_size}", x)
    c = d[-1] if d is not None and isinstance(d[-1], int) else None
    kernel = constant(np.tile(_gauss(filter_size, filter_sigma), (1, 1, c or 1, 1)))

    def reducer(t):
        s = A.shape(t)
        flat = A.reshape(t, A.concat([[-1], s[-3:]], 0))
        if c is not None:
            out = depthwise_conv2d(flat, kernel, [1, 1, 1, 1], "VALID")
            return A.reshape(out, A.concat([s[:-3], A.shape(out)[1:]], 0))
        # channels known at run time only: each channel an image of one channel
        out = depthwise_conv2d(A.expand_dims(A.reshape(A.transpose(flat, [0, 3, 1, 2]),
                                                       A.concat([[-1], s[-3:-1]], 0)), -1),
                               kernel, [1, 1, 1, 1], "VALID")
        out = A.transpose(A.reshape(out, A.concat([[-1], s[-1:], A.shape(out)[1:3]], 0)),
                          [0, 2, 3, 1])
        return A.reshape(out, A.concat([s[:-3], A.shape(out)[1:]], 0))
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    m0, m1 = reducer(x), reducer(y)
    num0 = m0 * m1 * 2.0
    den0 = E.square(m0) + E.square(m1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(x * y) * 2.0
    den1 = reducer(E.square(x) + E.square(y))
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    return R.reduce_mean(luminance * cs, [-3, -2]), R.reduce_mean(cs, [-3, -2])


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False):
    """Structural similarity of each image pair (float32, one per image; TF1's
    Gaussian-window SSIM averaged over pixels and channels). return_index_map is not
    supported (graphc gives the mean only).

        gc.image.ssim(a, b, max_val=1.0)
    """
    if return_index_map:
        raise NotImplementedError("ssim: return_index_map is not supported by graphc")
    with name_scope(None, "SSIM"):
        a, b = _pair(img1, img2, "ssim")
        a, b, mv = _as_float(a, b, max_val)
        val, _ = _ssim_per_channel(a, b, mv, filter_size, filter_sigma, k1, k2, "ssim")
        return R.reduce_mean(val, [-1])


def ssim_multiscale(img1, img2, max_val, power_factors=_POWERS, filter_size=11,
                    filter_sigma=1.5, k1=0.01, k2=0.03):
    """Multi-scale SSIM: contrast-structure at len(power_factors) scales (each halving
    the images by 2x2 average pooling, symmetric-padded to even sizes) and SSIM at the
    last, combined as prod(relu(value) ** power):

        gc.image.ssim_multiscale(a, b, max_val=1.0)     # needs images >= 11 * 16 pixels
    """
    with name_scope(None, "MS-SSIM"):
        a, b = _pair(img1, img2, "ssim_multiscale")
        a, b, mv = _as_float(a, b, max_val)
        imgs = [a, b]
        head = A.shape(a)[:-3]
        mcs = []
        for k in range(len(power_factors)):
            if k > 0:
                tail = A.shape(imgs[0])[-3:]
                rem = E.mod(tail, constant(np.array([2, 2, 1], np.int32)))
                pads = A.pad(A.expand_dims(rem, -1), [[1, 0], [1, 0]])
                flat = [A.reshape(t, A.concat([[-1], A.shape(t)[-3:]], 0)) for t in imgs]
                flat = [A.pad(t, pads, mode="SYMMETRIC") for t in flat]
                down = [avg_pool(t, [1, 2, 2, 1], [1, 2, 2, 1], "VALID") for t in flat]
                imgs = [A.reshape(t, A.concat([head, A.shape(t)[1:]], 0)) for t in down]
                imgs = [_static_tail(t, a, k) for t in imgs]
            val, cs = _ssim_per_channel(imgs[0], imgs[1], mv, filter_size, filter_sigma,
                                        k1, k2, "ssim_multiscale")
            mcs.append(E.relu(cs))
        mcs[-1] = E.relu(val)
        stacked = A.stack(mcs, axis=-1)
        powers = constant(np.asarray(power_factors, np.float32))
        return R.reduce_mean(R.reduce_prod(E.pow(stacked, powers), [-1]), [-1])


def _static_tail(t, orig, k):
    """t with the static (h, w, c) that k halvings of orig's give, where known (the
    reshape to a shape tensor loses them; _ssim_per_channel checks them)."""
    d = orig.shape._dims
    if d is None:
        return t
    dims = [v if isinstance(v, int) else None for v in d]
    for _ in range(k):
        dims[-3:-1] = [None if v is None else (v + 1) // 2 for v in dims[-3:-1]]
    t.set_shape(dims)
    return t
