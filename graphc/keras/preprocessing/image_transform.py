"""The numpy image transforms of gc.keras.preprocessing.image: apply_affine_transform
(rotation, shift, shear, zoom, resampled like scipy.ndimage.affine_transform with
order 0 or 1 and fill_mode constant / nearest / reflect / wrap / mirror), flips,
channel and brightness shifts, and their random_* forms. No scipy, no PIL.

    x = np.random.rand(3, 32, 32).astype("float32")            # channels first
    y = apply_affine_transform(x, theta=30, zx=1.2, fill_mode="reflect")
"""
import numpy as np

from .. import backend as K

__all__ = ["apply_affine_transform", "apply_channel_shift", "apply_brightness_shift",
           "random_rotation", "random_shift", "random_shear", "random_zoom",
           "random_channel_shift", "random_brightness"]

_FILL_MODES = ("constant", "nearest", "reflect", "wrap", "mirror")


def _fold(c, n, mode):
    """Input coordinates outside [0, n - 1] brought inside by the boundary mode
    (scipy.ndimage's rules; 'constant' marks them with -1)."""
    if n <= 1:
        return np.where((c < 0) | (c > n - 1), -1.0 if mode == "constant" else 0.0, c)
    low, high = c < 0, c > n - 1
    out = c.copy()
    if mode == "constant":
        out[low | high] = -1.0
    elif mode == "nearest":
        out[low], out[high] = 0.0, n - 1.0
    elif mode == "wrap":                          # period n - 1: the two edges coincide
        sz = n - 1
        out[low] = c[low] + sz * (np.trunc(-c[low] / sz) + 1)
        out[high] = c[high] - sz * np.trunc(c[high] / sz)
    elif mode == "mirror":                        # about the edge samples: period 2n - 2
        s2 = 2 * n - 2
        lo = c[low] + s2 * np.trunc(-c[low] / s2)
        out[low] = np.where(lo <= 1 - n, lo + s2, -lo)
        hi = c[high] - s2 * np.trunc(c[high] / s2)
        out[high] = np.where(hi >= n, s2 - hi, hi)
    else:                                         # reflect about the edges: period 2n
        s2 = 2 * n
        lo = c[low]
        lo = np.where(lo < -s2, lo + s2 * np.trunc(-lo / s2), lo)
        out[low] = np.where(lo < -n, lo + s2, -lo - 1)
        hi = c[high] - s2 * np.trunc(c[high] / s2)
        out[high] = np.where(hi >= n, s2 - hi - 1, hi)
    return out


def _index(k, n, mode):
    """Integer sample positions (possibly just outside [0, n)) as valid indices:
    half-sample symmetric for 'reflect', whole-sample for 'mirror', else clamped."""
    if n <= 1:
        return np.zeros_like(k)
    if mode == "reflect":
        k = np.mod(k, 2 * n)
        return np.where(k >= n, 2 * n - 1 - k, k)
    if mode == "mirror":
        k = np.mod(k, 2 * n - 2)
        return np.where(k >= n, 2 * n - 2 - k, k)
    return np.clip(k, 0, n - 1)


def _resample(image, matrix, offset, order, mode, cval):
    """out[o] = image at matrix @ o + offset, for a 2-D image: nearest sample (order 0)
    or bilinear (order 1), in float64, cast back to the image's dtype."""
    rows, cols = image.shape
    r, c = np.meshgrid(np.arange(rows, dtype=np.float64),
                       np.arange(cols, dtype=np.float64), indexing="ij")
    coords = [_fold(r * matrix[k, 0] + c * matrix[k, 1] + offset[k], image.shape[k], mode)
              for k in range(2)]
    outside = (coords[0] <= -1.0) | (coords[1] <= -1.0)
    src = image.astype(np.float64)
    if order == 0:
        i0, i1 = (_index(np.floor(coords[k] + 0.5).astype(np.int64), image.shape[k], mode)
                  for k in range(2))
        out = src[i0, i1]
    else:
        starts = [np.floor(coords[k]).astype(np.int64) for k in range(2)]
        w1 = [coords[k] - starts[k] for k in range(2)]
        w0 = [1.0 - w for w in w1]
        idx = [(_index(starts[k], image.shape[k], mode),
                _index(starts[k] + 1, image.shape[k], mode)) for k in range(2)]
        out = (src[idx[0][0], idx[1][0]] * w0[0] * w0[1]
               + src[idx[0][0], idx[1][1]] * w0[0] * w1[1]
               + src[idx[0][1], idx[1][0]] * w1[0] * w0[1]
               + src[idx[0][1], idx[1][1]] * w1[0] * w1[1])
    out = np.where(outside, cval, out)
    return out.astype(image.dtype) if image.dtype.kind == "f" else \
        np.round(out).astype(image.dtype)


def transform_matrix_offset_center(matrix, x, y):
    """The 3x3 homogeneous `matrix` moved to act about the centre of an x-by-y image."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def flip_axis(x, axis):
    """x reversed along `axis`."""
    return np.flip(np.asarray(x), axis)


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1,
                           col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                           order=1):
    """A 3-D image (rows, cols and channels on the given axes; channels first or last)
    rotated by theta degrees, shifted by tx rows and ty columns, sheared by `shear`
    degrees and zoomed by zx (rows) / zy (columns), all about the image centre; each
    output pixel samples the input (order 0: nearest, 1: bilinear) and points outside
    are filled by fill_mode ('constant' with cval, 'nearest', 'reflect', 'wrap',
    'mirror') as scipy.ndimage.affine_transform does.

        y = apply_affine_transform(x, theta=15, tx=2, row_axis=0, col_axis=1,
                                   channel_axis=2)
    """
    if np.unique([row_axis, col_axis, channel_axis]).size != 3:
        raise ValueError("'row_axis', 'col_axis', and 'channel_axis' must be distinct")
    axes = {row_axis, col_axis, channel_axis}
    if axes != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {axes - {0, 1, 2}}")
    if x.ndim != 3:
        raise ValueError("Input arrays must be multi-channel 2D images.")
    if channel_axis not in [0, 2]:
        raise ValueError("Channels are allowed and the first and last dimensions.")
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"apply_affine_transform: fill_mode must be one of "
                         f"{_FILL_MODES}, got {fill_mode!r}")
    if order not in (0, 1):
        raise ValueError(f"apply_affine_transform: graphc supports interpolation order "
                         f"0 (nearest) and 1 (bilinear), got order={order!r}")
    matrix = None

    def then(m):
        return m if matrix is None else matrix @ m

    if theta != 0:
        t = np.deg2rad(theta)
        matrix = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0],
                           [0, 0, 1]])
    if tx != 0 or ty != 0:
        matrix = then(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        s = np.deg2rad(shear)
        matrix = then(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        matrix = then(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    if matrix is None:
        return x
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    channels = np.moveaxis(x, channel_axis, 0)
    if col_axis > row_axis:         # the planes are (rows, cols); tf.keras swaps x and y
        matrix = matrix[[1, 0, 2]][:, [1, 0, 2]]
    out = np.stack([_resample(plane, matrix[:2, :2], matrix[:2, 2], order, fill_mode,
                              cval) for plane in channels], axis=0)
    return np.moveaxis(out, 0, channel_axis)


def apply_channel_shift(x, intensity, channel_axis=0):
    """x + intensity, clipped to x's overall [min, max].

        apply_channel_shift(x, 0.1, channel_axis=2)
    """
    lo, hi = np.min(x), np.max(x)
    return np.clip(np.asarray(x) + intensity, lo, hi)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """apply_channel_shift by an intensity drawn from U(-intensity_range,
    intensity_range) with np.random."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """The brightness change of tf.keras (PIL's ImageEnhance.Brightness) in numpy: the
    image (channels last, or first under image_data_format() == 'channels_first'; 1, 3
    or 4 channels) scaled to [0, 255] when `scale` or when it leaves that range, cut to
    uint8, each colour value v made trunc(brightness * v) in [0, 255] (an alpha channel
    kept), returned as float32 (scaled back to x's range when only out-of-range values
    forced the scaling).

        y = apply_brightness_shift(x, 1.3)
    """
    x = np.asarray(x)
    x_min, x_max = np.min(x), np.max(x)
    local_scale = (x_min < 0) or (x_max > 255)
    img = np.asarray(x, dtype=K.floatx())
    if img.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array "
                         f"with shape: {img.shape}")
    first = K.image_data_format() == "channels_first"
    if first:
        img = img.transpose(1, 2, 0)
    if local_scale or scale:
        img = img - np.min(img)
        top = np.max(img)
        if top != 0:
            img = img / top
        img = img * 255
    if img.shape[2] not in (1, 3, 4):
        raise ValueError(f"Unsupported channel number: {img.shape[2]}")
    pixels = img.astype("uint8").astype(np.float32)
    colour = slice(0, 3) if img.shape[2] == 4 else slice(None)
    shifted = pixels.copy()
    shifted[..., colour] = np.clip(np.trunc(np.float32(brightness) * pixels[..., colour]),
                                   0, 255)
    out = shifted.astype("float32")
    if first:
        out = out.transpose(2, 0, 1)
    if not scale and local_scale:
        out = out / 255 * (x_max - x_min) + x_min
    return out


def random_brightness(x, brightness_range, scale=True):
    """apply_brightness_shift by a factor drawn from U(*brightness_range)."""
    if len(brightness_range) != 2:
        raise ValueError(f"`brightness_range should be tuple or list of two floats. "
                         f"Received: {brightness_range}")
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u, scale)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """x rotated by an angle drawn from U(-rg, rg) degrees (np.random).

        y = random_rotation(x, 20)
    """
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """x shifted by U(-hrg, hrg) of its height and U(-wrg, wrg) of its width."""
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """x sheared by U(-intensity, intensity) degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """x zoomed by zx, zy drawn from U(*zoom_range) (no draw for (1, 1))."""
    if len(zoom_range) != 2:
        raise ValueError(f"`zoom_range` should be a tuple or list of two floats. "
                         f"Received: {zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode,
                                  cval=cval, order=interpolation_order)
