"""Keras' preprocessing layers (tf.keras.layers of TF 2.x Keras, graph mode): Rescaling,
Resizing, CenterCrop (image_preprocessing.py's), Normalization and Discretization (with
adapt, layers_adapt.py), Hashing and CategoryEncoding; DenseFeatures over feature
columns (layers_features.py).

    x = gc.keras.layers.Rescaling(1 / 255.0)(images)
    norm = gc.keras.layers.Normalization()
    norm.adapt(train_x)                       # mean and variance per feature
"""
import graphc as gc
from ..ops.image_resize import resize_images_v2
from . import backend as K
from .engine import Layer
from .layers_adapt import (Discretization, Normalization, compute_dtype_of,
                           encode_categorical)
from .layers_features import DenseFeatures

__all__ = ["Rescaling", "Resizing", "CenterCrop", "Normalization", "Discretization",
           "Hashing", "CategoryEncoding", "DenseFeatures"]

# tf_keras' image_utils.get_interpolation names (TF 2's tf.image.resize methods)
_RESIZE = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic")
_MODES = ("int", "one_hot", "multi_hot", "count")


class Rescaling(Layer):
    """inputs * scale + offset, as float (tf.keras.layers.Rescaling).

        gc.keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)    # [0, 255] -> [-1, 1]
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = scale, offset

    def call(self, inputs):
        dtype = compute_dtype_of(self)
        x = inputs if inputs.dtype == dtype else gc.cast(inputs, dtype)
        return x * gc.cast(self.scale, dtype) + gc.cast(self.offset, dtype)

    def _config(self):
        return {"scale": self.scale, "offset": self.offset}


def _batched(images, fn):
    """fn on images as a 4-D batch; a 3-D image goes in as a batch of one."""
    rank = images.shape.ndims
    if rank not in (3, 4):
        raise ValueError(f"Expected an image array with shape `(height, width, channels)`, "
                         f"or `(batch_size, height, width, channels)`, but got input with "
                         f"incorrect rank, of shape {images.shape}.")
    out = fn(images if rank == 4 else gc.expand_dims(images, 0))
    return out if rank == 4 else gc.squeeze(out, [0])


def _smart_resize(images, size, method):
    """Keras' smart_resize: the largest centred crop of the target aspect ratio, resized
    to `size` (its float32/int32 arithmetic)."""
    th, tw = size

    def fn(x):
        shape = gc.shape(x)
        h, w = shape[1], shape[2]
        ch = gc.cast(gc.cast(w * th, gc.float32) / float(tw), gc.int32)
        cw = gc.cast(gc.cast(h * tw, gc.float32) / float(th), gc.int32)
        ch, cw = gc.minimum(h, ch), gc.minimum(w, cw)
        hs = gc.cast(gc.cast(h - ch, gc.float32) / 2.0, gc.int32)
        ws = gc.cast(gc.cast(w - cw, gc.float32) / 2.0, gc.int32)
        crop = gc.slice(x, gc.stack([0, hs, ws, 0]), gc.stack([-1, ch, cw, -1]))
        out = resize_images_v2(crop, [th, tw], method)
        out.set_shape([None, None, None, x.shape.as_list()[-1]])
        return out
    return _batched(images, fn)


class Resizing(Layer):
    """Resizes images (batch, H, W, C) or (H, W, C) to (height, width) with TF 2's
    tf.image.resize (half-pixel centers); crop_to_aspect_ratio crops the largest centred
    window of the target aspect ratio first. Output in the compute dtype (float32;
    float16 under 'mixed_float16').

        gc.keras.layers.Resizing(224, 224, interpolation="bilinear")
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 **kwargs):
        if interpolation.lower() not in _RESIZE:
            raise NotImplementedError(
                f"Value not recognized for `interpolation`: {interpolation}. Supported "
                f"values are: {list(_RESIZE)}")
        super().__init__(**kwargs)
        self.height, self.width = height, width
        self.interpolation, self.crop_to_aspect_ratio = interpolation, crop_to_aspect_ratio

    def call(self, inputs):
        method = self.interpolation.lower()
        dtype = compute_dtype_of(self)
        x = inputs if inputs.dtype == dtype else gc.cast(inputs, dtype)
        x = x if x.dtype == gc.float32 else gc.cast(x, gc.float32)
        size = [self.height, self.width]
        if self.crop_to_aspect_ratio:
            out = _smart_resize(x, size, method)
        else:
            out = resize_images_v2(x, size, method)
        return out if out.dtype == dtype else gc.cast(out, dtype)

    def compute_output_shape(self, input_shape):
        dims = gc.TensorShape(input_shape).as_list()
        dims[-3], dims[-2] = self.height, self.width
        return gc.TensorShape(dims)

    def _config(self):
        return {"height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio}


class CenterCrop(Layer):
    """The centred (height, width) window of images (batch, H, W, C) or (H, W, C); an
    image smaller than that is smart-resized up instead (bilinear), as tf.keras.

        gc.keras.layers.CenterCrop(24, 24)
    """

    def __init__(self, height, width, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = height, width

    def call(self, inputs):
        dtype = compute_dtype_of(self)
        x = inputs if inputs.dtype == dtype else gc.cast(inputs, dtype)
        rank = x.shape.ndims
        shape = gc.shape(x)
        h_diff, w_diff = shape[-3] - self.height, shape[-2] - self.width

        def crop():
            hs, ws = h_diff // 2, w_diff // 2
            begin = [hs, ws, 0] if rank == 3 else [0, hs, ws, 0]
            size = [self.height, self.width, -1] if rank == 3 else [-1, self.height,
                                                                    self.width, -1]
            return gc.slice(x, gc.stack(begin), size)

        def upsize():
            return gc.cast(_smart_resize(x, [self.height, self.width], "bilinear"), dtype)
        dims = x.shape.as_list()
        if dims[-3] is not None and dims[-2] is not None:
            out = crop() if (dims[-3] >= self.height and dims[-2] >= self.width) \
                else upsize()
        else:
            out = gc.cond(gc.logical_and(h_diff >= 0, w_diff >= 0), crop, upsize)
        out.set_shape(dims[:-3] + [self.height, self.width, dims[-1]])
        return out

    def compute_output_shape(self, input_shape):
        dims = gc.TensorShape(input_shape).as_list()
        dims[-3], dims[-2] = self.height, self.width
        return gc.TensorShape(dims)

    def _config(self):
        return {"height": self.height, "width": self.width}


def _int_dtype(dtype, output_mode):
    """Keras' default dtype of the int-output layers: int64 for output_mode "int"
    (also when given a float dtype), floatx otherwise."""
    if dtype is None:
        return "int64" if output_mode == "int" else K.floatx()
    if output_mode == "int" and not gc.as_dtype(dtype).is_integer:
        return "int64"
    return dtype


def _check_mode(name, output_mode, sparse):
    if output_mode not in _MODES:
        raise ValueError(f"The `output_mode` argument of layer {name} received an invalid "
                         f"value {output_mode!r}. Allowed values are: {list(_MODES)}")
    if sparse:
        raise NotImplementedError(f"{name}(sparse=True) is not supported by graphc")


class Hashing(Layer):
    """Hashes strings (integers via their decimal strings) into num_bins bins with TF's
    FarmHash64 (to_hash_bucket_fast), or the keyed SipHash (to_hash_bucket_strong) when
    `salt` (an int or two ints) is given; mask_value goes to bin 0 and the rest to
    1..num_bins-1. output_mode "int" (int64) or "one_hot"/"multi_hot"/"count".

        gc.keras.layers.Hashing(num_bins=3)(gc.constant([["A"], ["B"]]))
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int",
                 sparse=False, **kwargs):
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"The `num_bins` for `Hashing` cannot be `None` or "
                             f"non-positive values. Received: num_bins={num_bins}.")
        kwargs["dtype"] = _int_dtype(kwargs.get("dtype"), output_mode)
        super().__init__(**kwargs)
        _check_mode("Hashing", output_mode, sparse)
        self.num_bins, self.mask_value = num_bins, mask_value
        self.output_mode, self.sparse = output_mode, sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(f"The `salt` argument for `Hashing` can only be a tuple of "
                                 f"size 2 integers, or a single integer. Received: "
                                 f"salt={salt}.")

    def _as_tensor(self, x):
        return x if isinstance(x, gc.Tensor) else gc.convert_to_tensor(x)

    def call(self, inputs):
        bins, mask = self.num_bins, None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = gc.equal(inputs, gc.constant(self.mask_value, inputs.dtype))
        values = gc.as_string(inputs) if inputs.dtype.is_integer else inputs
        if self.salt is not None:
            hashed = gc.strings.to_hash_bucket_strong(values, bins, self.salt, name="hash")
        else:
            hashed = gc.strings.to_hash_bucket_fast(values, bins, name="hash")
        if mask is not None:
            hashed = gc.where(mask, gc.zeros_like(hashed), hashed + 1)
        return encode_categorical(hashed, self.output_mode, self.num_bins,
                                  gc.as_dtype(self.dtype))

    def _config(self):
        return {"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}


class CategoryEncoding(Layer):
    """Integer ids in [0, num_tokens) to one_hot / multi_hot / count vectors
    (tf.keras.layers.CategoryEncoding); ids outside fail at run time (an Assert).
    count_weights (call argument, "count" only) weights each id's count.

        gc.keras.layers.CategoryEncoding(4, output_mode="multi_hot")([[0, 1], [1, 3]])
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        if "max_tokens" in kwargs:
            num_tokens = kwargs.pop("max_tokens")
        kwargs.setdefault("dtype", K.floatx())
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"The `output_mode` argument of layer CategoryEncoding received "
                             f"an invalid value {output_mode!r}. Allowed values are: "
                             f"['count', 'one_hot', 'multi_hot']")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of "
                             "tokens is not known beforehand, use the IntegerLookup layer "
                             "instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        _check_mode("CategoryEncoding", output_mode, sparse)
        self.num_tokens, self.output_mode, self.sparse = num_tokens, output_mode, sparse

    def _as_tensor(self, x):
        return x if isinstance(x, gc.Tensor) else gc.convert_to_tensor(x)

    def call(self, inputs, count_weights=None):
        dtype = gc.as_dtype(self.dtype)
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"`count_weights` is not used when `output_mode` is not "
                                 f"`'count'`. Received `count_weights={count_weights}`.")
            count_weights = gc.cast(gc.convert_to_tensor(count_weights), dtype)
        depth = self.num_tokens
        ok = gc.logical_and(gc.greater(gc.cast(depth, inputs.dtype), gc.reduce_max(inputs)),
                            gc.greater_equal(gc.reduce_min(inputs),
                                             gc.cast(0, inputs.dtype)))
        check = gc.Assert(ok, [f"Input values must be in the range 0 <= values < "
                               f"num_tokens with num_tokens={depth}"])
        with gc.control_dependencies([check]):
            return encode_categorical(inputs, self.output_mode, depth, dtype, count_weights)

    def compute_output_shape(self, input_shape):
        dims = list(gc.TensorShape(input_shape).as_list())
        if not dims:
            return gc.TensorShape([self.num_tokens])
        if self.output_mode == "one_hot" and dims[-1] != 1:
            return gc.TensorShape(dims + [self.num_tokens])
        return gc.TensorShape(dims[:-1] + [self.num_tokens])

    def _config(self):
        return {"num_tokens": self.num_tokens, "output_mode": self.output_mode,
                "sparse": self.sparse}
