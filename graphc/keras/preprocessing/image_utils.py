"""Image <-> array helpers of gc.keras.preprocessing.image: img_to_array (any array-like,
no PIL needed) and array_to_img, load_img, save_img, which need PIL (Pillow) and raise
ImportError without it, as tf.keras does.

    x = img_to_array(load_img("cat.png", target_size=(64, 64)))     # (64, 64, 3) float32
"""
import io
import pathlib
import warnings

import numpy as np

from .. import backend as K

try:
    from PIL import Image as pil_image
except ImportError:
    pil_image = None

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]


def _pil_methods():
    if pil_image is None:
        return {}
    resampling = getattr(pil_image, "Resampling", pil_image)
    return {name: getattr(resampling, name.upper())
            for name in ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")
            if hasattr(resampling, name.upper())}


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL image of a 3-D array (1, 3 or 4 channels: L, RGB or RGBA; one channel above
    255 gives mode I); scale=True maps [min, max] to [0, 255] first.

        img = array_to_img(np.random.rand(8, 8, 3))
    """
    data_format = K.image_data_format() if data_format is None else data_format
    dtype = K.floatx() if dtype is None else dtype
    if pil_image is None:
        raise ImportError("Could not import PIL.Image. The use of `array_to_img` requires "
                          "PIL.")
    x = np.asarray(x, dtype=dtype)
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array "
                         f"with shape: {x.shape}")
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Invalid data_format: {data_format}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    if x.shape[2] == 4:
        return pil_image.fromarray(x.astype("uint8"), "RGBA")
    if x.shape[2] == 3:
        return pil_image.fromarray(x.astype("uint8"), "RGB")
    if x.shape[2] == 1:
        if np.max(x) > 255:
            return pil_image.fromarray(x[:, :, 0].astype("int32"), "I")
        return pil_image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {x.shape[2]}")


def img_to_array(img, data_format=None, dtype=None):
    """A 3-D float array (floatx) of an image (PIL image or array-like); a 2-D image
    gets a channel axis of 1.

        img_to_array(np.zeros((4, 5)))           # shape (4, 5, 1)
    """
    data_format = K.image_data_format() if data_format is None else data_format
    dtype = K.floatx() if dtype is None else dtype
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(f"Unknown data_format: {data_format}")
    x = np.asarray(img, dtype=dtype)
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x.reshape((1,) + x.shape) if data_format == "channels_first" else \
            x.reshape(x.shape + (1,))
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write a 3-D array as an image file (array_to_img, then PIL's save; an RGBA image
    saved as jpg/jpeg is converted to RGB).

        save_img("out.png", np.random.rand(8, 8, 3))
    """
    data_format = K.image_data_format() if data_format is None else data_format
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format in ("jpg", "jpeg"):
        warnings.warn("The JPG format does not support RGBA images, converting to RGB.")
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def load_img(path, grayscale=False, color_mode="rgb", target_size=None,
             interpolation="nearest", keep_aspect_ratio=False):
    """A PIL image read from a path (str, bytes, pathlib.Path) or io.BytesIO, converted
    to color_mode ('grayscale', 'rgb', 'rgba') and resized to target_size=(height,
    width) with `interpolation`; keep_aspect_ratio crops the centre to the target's
    aspect ratio first.

        img = load_img("cat.png", color_mode="grayscale", target_size=(28, 28))
    """
    if grayscale:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"')
        color_mode = "grayscale"
    if pil_image is None:
        raise ImportError("Could not import PIL.Image. The use of `load_img` requires PIL.")
    if isinstance(path, io.BytesIO):
        img = pil_image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as f:
            img = pil_image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is None:
        return img
    size = (target_size[1], target_size[0])
    if img.size == size:
        return img
    methods = _pil_methods()
    if interpolation not in methods:
        raise ValueError(f"Invalid interpolation method {interpolation} specified. "
                         f"Supported methods are {', '.join(methods)}")
    if not keep_aspect_ratio:
        return img.resize(size, methods[interpolation])
    width, height = img.size
    crop_h = min(height, (width * size[1]) // size[0])
    crop_w = min(width, (height * size[0]) // size[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img.resize(size, methods[interpolation],
                      box=[left, top, left + crop_w, top + crop_h])
