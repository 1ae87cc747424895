"""Keras' reshaping layers (graph-mode tf.keras, TF 1.x): Permute, RepeatVector,
Cropping1D/2D/3D, ZeroPadding1D/2D/3D, UpSampling1D/2D/3D and Identity. They have no
weights; each checks its input's rank as tf_keras' InputSpec does, and gives the static
output shape of its compute_output_shape.

    h = gc.keras.layers.ZeroPadding2D(((1, 0), (2, 2)))(images)   # pad rows, then cols
    h = gc.keras.layers.UpSampling2D(2, interpolation="bilinear")(h)
"""
import numpy as np

import graphc as gc
from .backend_conv import resize_images
from .engine import InputSpec, Layer

__all__ = ["Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D",
           "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D",
           "UpSampling2D", "UpSampling3D", "Identity"]

_ORDINALS = ("1st", "2nd", "3rd")
# tf_keras' image_utils.get_interpolation names (TF 2's tf.image.resize methods)
_INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                   "gaussian", "mitchellcubic")


def _normalize_tuple(value, n, name, allow_zero=False):
    """`value` (an int or n ints) as a tuple of n ints, each > 0 (>= 0 with allow_zero),
    with tf_keras' conv_utils.normalize_tuple messages."""
    msg = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, (int, np.integer)):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(msg) from None
        if len(values) != n:
            raise ValueError(msg)
        for v in values:
            try:
                int(v)
            except (ValueError, TypeError):
                raise ValueError(f"{msg}including element {v} of type {type(v)}") from None
        values = tuple(int(v) for v in values)
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        req = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{msg} including {bad} that does not satisfy the requirement "
                         f"`{req}`.")
    return values


def _data_format(value):
    from .backend import image_data_format
    fmt = image_data_format() if value is None else str(value).lower()
    if fmt not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         f'"channels_last". Received: {value}')
    return fmt


def _check_ndim(layer, x, ndim):
    """tf_keras' InputSpec(ndim=...) check, raised by the call at the user's line."""
    rank = x.shape.ndims
    if rank is not None and rank != ndim:
        raise ValueError(f'Input 0 of layer "{layer.name}" is incompatible with the layer: '
                         f"expected ndim={ndim}, found ndim={rank}. Full shape received: "
                         f"{tuple(x.shape.as_list())} (tensor {x.name})")


def _dims(input_shape):
    return gc.TensorShape(input_shape).as_list()


def _spatial_axes(data_format, rank):
    return (list(range(2, 2 + rank)) if data_format == "channels_first"
            else list(range(1, 1 + rank)))


def _pairs(value, rank, what):
    """An int, `rank` ints (symmetric) or `rank` pairs -> `rank` (before, after) pairs
    (tf_keras' Cropping2D/3D and ZeroPadding2D/3D argument rules)."""
    if isinstance(value, (int, np.integer)):
        return ((int(value), int(value)),) * rank
    if hasattr(value, "__len__"):
        if len(value) != rank:
            count = "two" if rank == 2 else str(rank)
            raise ValueError(f"`{what}` should have {count} elements. Received: {value}.")
        return tuple(_normalize_tuple(v, 2, f"{_ORDINALS[i]} entry of {what}",
                                      allow_zero=True) for i, v in enumerate(value))
    names = ("height", "width") if rank == 2 else ("dim1", "dim2", "dim3")
    sym = ", ".join(f"symmetric_{n}_{what[:4]}" for n in names)
    raise ValueError(f"`{what}` should be either an int, a tuple of {rank} ints ({sym}), "
                     f"or a tuple of {rank} tuples of 2 ints. Received: {value}.")


def repeat_elements(x, rep, axis):
    """Each slice of `x` along `axis` repeated `rep` times in place (K.repeat_elements):
    [a, b] -> [a, a, b, b] for rep=2."""
    rank = x.shape.ndims
    tiled = gc.tile(gc.expand_dims(x, axis + 1),
                    [rep if i == axis + 1 else 1 for i in range(rank + 1)])
    shape = gc.shape(x) * gc.constant([rep if i == axis else 1 for i in range(rank)])
    out = gc.reshape(tiled, shape)
    dims = x.shape.as_list()
    dims[axis] = None if dims[axis] is None else dims[axis] * rep
    out.set_shape(dims)
    return out


class Permute(Layer):
    """Permutes the non-batch axes: `dims` is a permutation of 1..rank-1 (TF1 Keras).

        gc.keras.layers.Permute((2, 1))(x)        # (batch, 10, 64) -> (batch, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError("Invalid permutation argument `dims` for Permute Layer. The "
                             "set of indices in `dims` must be consecutive and start from "
                             f"1. Received dims={dims}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        dims = _dims(input_shape)
        return gc.TensorShape([dims[0]] + [dims[d] for d in self.dims])

    def call(self, inputs):
        _check_ndim(self, inputs, len(self.dims) + 1)
        return gc.transpose(inputs, (0,) + self.dims)

    def _config(self):
        return {"dims": self.dims}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features), the input repeated n times.

        gc.keras.layers.RepeatVector(3)(x)         # (batch, 32) -> (batch, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        if not isinstance(n, int):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        dims = _dims(input_shape)
        return gc.TensorShape([dims[0], self.n, dims[1]])

    def call(self, inputs):
        _check_ndim(self, inputs, 2)
        return gc.tile(gc.expand_dims(inputs, 1), [1, self.n, 1])

    def _config(self):
        return {"n": self.n}


class _Spatial(Layer):
    """A layer over the `rank` spatial axes of (batch, *spatial, channels) inputs."""
    rank = 2

    def _axes(self):
        return _spatial_axes(getattr(self, "data_format", "channels_last"), self.rank)

    def _resize(self, dims, fn):
        """`dims` with each known spatial dim d replaced by fn(i, d)."""
        dims = list(dims)
        for i, ax in enumerate(self._axes()):
            dims[ax] = None if dims[ax] is None else fn(i, dims[ax])
        return dims

    def compute_output_shape(self, input_shape):
        return gc.TensorShape(self._resize(_dims(input_shape), self._new_size))


class _Cropping(_Spatial):
    """Removes `cropping[i] = (before, after)` entries from each spatial axis."""

    def _new_size(self, i, d):
        return d - sum(self._crops[i])

    def call(self, inputs):
        _check_ndim(self, inputs, self.rank + 2)
        dims = inputs.shape.as_list()
        if self.rank < 3:           # tf_keras checks 1-D and 2-D cropping only
            for ax, crop in zip(self._axes(), self._crops):
                if dims[ax] is not None and sum(crop) >= dims[ax]:
                    raise ValueError(f"Argument `cropping` of layer {self.name} must be "
                                     f"smaller than the input shape. Received: "
                                     f"inputs.shape={tuple(dims)}, and cropping="
                                     f"{self.cropping}")
        index = [slice(None)] * (self.rank + 2)
        for ax, (before, after) in zip(self._axes(), self._crops):
            index[ax] = slice(before, -after if after else None)
        return inputs[tuple(index)]

    def _config(self):
        config = {"cropping": self.cropping}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class Cropping1D(_Cropping):
    """Crops (before, after) steps of (batch, steps, features) inputs.

        gc.keras.layers.Cropping1D((1, 2))(x)      # (batch, 10, 4) -> (batch, 7, 4)
    """
    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _normalize_tuple(cropping, 2, "cropping", allow_zero=True)
        self._crops = (self.cropping,)
        self.input_spec = InputSpec(ndim=3)


class Cropping2D(_Cropping):
    """Crops rows and columns: an int, (rows, cols) or ((top, bottom), (left, right)).

        gc.keras.layers.Cropping2D(((2, 2), (4, 4)))(images)
    """
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.cropping = self._crops = _pairs(cropping, 2, "cropping")
        self.input_spec = InputSpec(ndim=4)


class Cropping3D(_Cropping):
    """Crops the three spatial axes of 5-D inputs (int, 3 ints or 3 pairs).

        gc.keras.layers.Cropping3D(1)(volumes)     # (b, 8, 8, 8, c) -> (b, 6, 6, 6, c)
    """
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.cropping = self._crops = _pairs(cropping, 3, "cropping")
        self.input_spec = InputSpec(ndim=5)


class _ZeroPadding(_Spatial):
    """Pads each spatial axis with `padding[i] = (before, after)` zeros."""

    def _new_size(self, i, d):
        return d + sum(self._pads[i])

    def call(self, inputs):
        _check_ndim(self, inputs, self.rank + 2)
        pattern = [[0, 0] for _ in range(self.rank + 2)]
        for ax, pad in zip(self._axes(), self._pads):
            pattern[ax] = list(pad)
        return gc.pad(inputs, pattern)

    def _config(self):
        config = {"padding": self.padding}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


class ZeroPadding1D(_ZeroPadding):
    """Zeros before and after the steps of (batch, steps, features) inputs.

        gc.keras.layers.ZeroPadding1D((0, 2))(x)   # (batch, 5, 3) -> (batch, 7, 3)
    """
    rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _normalize_tuple(padding, 2, "padding", allow_zero=True)
        self._pads = (self.padding,)
        self.input_spec = InputSpec(ndim=3)


class ZeroPadding2D(_ZeroPadding):
    """Zero rows and columns: an int, (rows, cols) or ((top, bottom), (left, right)).

        gc.keras.layers.ZeroPadding2D(1)(images)   # (b, 28, 28, c) -> (b, 30, 30, c)
    """
    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.padding = self._pads = _pairs(padding, 2, "padding")
        self.input_spec = InputSpec(ndim=4)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around the three spatial axes of 5-D inputs (int, 3 ints or 3 pairs).

        gc.keras.layers.ZeroPadding3D((1, 1, 0))(volumes)
    """
    rank = 3

    def __init__(self, padding=(1, 1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.padding = self._pads = _pairs(padding, 3, "padding")
        self.input_spec = InputSpec(ndim=5)


class _UpSampling(_Spatial):
    """Repeats each spatial entry `size[i]` times along its axis (nearest neighbour)."""

    def _new_size(self, i, d):
        return d * self._sizes[i]

    def call(self, inputs):
        _check_ndim(self, inputs, self.rank + 2)
        out = inputs
        for ax, rep in zip(self._axes(), self._sizes):
            out = repeat_elements(out, rep, ax)
        return out


class UpSampling1D(_UpSampling):
    """Repeats each step `size` times: (batch, steps, f) -> (batch, steps * size, f).

        gc.keras.layers.UpSampling1D(2)(x)
    """
    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self._sizes = (self.size,)
        self.input_spec = InputSpec(ndim=3)

    def _config(self):
        return {"size": self.size}


class UpSampling2D(_UpSampling):
    """Scales rows and columns by `size`; interpolation 'nearest' (repeat) or any other
    of TF 2's tf.image.resize methods (K.resize_images: half-pixel centres, float32 out),
    as tf_keras.

        gc.keras.layers.UpSampling2D((2, 3), interpolation="bilinear")(images)
    """
    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.size = self._sizes = _normalize_tuple(size, 2, "size")
        interpolation = interpolation.lower()
        if interpolation not in _INTERPOLATIONS:
            raise NotImplementedError(
                f"Value not recognized for `interpolation`: {interpolation}. Supported "
                f"values are: {list(_INTERPOLATIONS)}")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        _check_ndim(self, inputs, 4)
        return resize_images(inputs, self.size[0], self.size[1], self.data_format,
                             interpolation=self.interpolation)

    def _config(self):
        return {"size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeats the entries of the three spatial axes `size` times each.

        gc.keras.layers.UpSampling3D(2)(volumes)   # (b, 4, 4, 4, c) -> (b, 8, 8, 8, c)
    """
    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)
        self.size = self._sizes = _normalize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)

    def _config(self):
        return {"size": self.size, "data_format": self.data_format}


class Identity(Layer):
    """Returns its input(s) unchanged, as new tensors (tf.identity of each).

        gc.keras.layers.Identity()(x)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def call(self, inputs):
        return gc.nest.map_structure(gc.identity, inputs)
