"""Keras' 3-D pooling layers, the global 3-D poolings, the aliases tf_keras adds for the
1-D global poolings, and the Dot merge layer (graph-mode tf.keras, TF 1.x).

    v = gc.keras.layers.MaxPooling3D(2)(volumes)          # (b, 8, 8, 8, c) -> (b, 4, 4, 4, c)
    s = gc.keras.layers.Dot(axes=1, normalize=True)([a, b])   # cosine similarity, (b, 1)
"""
import graphc as gc
from .engine import InputSpec, Layer
from .layers_conv import GlobalAveragePooling1D, GlobalMaxPooling1D, _GlobalPool, _Pool
from .layers_reshape import _check_ndim, _data_format, _normalize_tuple

__all__ = ["MaxPooling3D", "AveragePooling3D", "MaxPool3D", "AvgPool3D",
           "GlobalMaxPooling3D", "GlobalAveragePooling3D", "GlobalMaxPool3D",
           "GlobalAvgPool3D", "GlobalAvgPool1D", "GlobalMaxPool1D", "Dot", "dot"]


def _pooled_length(size, k, padding, stride):
    """The pooled length of `size` entries (conv_utils.conv_output_length)."""
    if size is None:
        return None
    size = size - k + 1 if padding == "valid" else size
    return (size + stride - 1) // stride


class _Pool3D(_Pool):
    """Max or average pooling over the three spatial axes of 5-D inputs; channels_first
    inputs are pooled as channels_last and transposed back (as tf_keras does on CPU)."""
    rank = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid",
                 data_format=None, **kwargs):
        _normalize_tuple(pool_size, 3, "pool_size")
        if strides is not None:
            _normalize_tuple(strides, 3, "strides", allow_zero=True)
        super().__init__(pool_size=pool_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        _check_ndim(self, inputs, 5)
        first = self.data_format == "channels_first"
        x = gc.transpose(inputs, (0, 2, 3, 4, 1)) if first else inputs
        pool = gc.nn.max_pool3d if self.kind == "max" else gc.nn.avg_pool3d
        out = pool(x, ksize=(1,) + self.pool_size + (1,), strides=(1,) + self.strides + (1,),
                   padding=self.padding.upper())
        return gc.transpose(out, (0, 4, 1, 2, 3)) if first else out

    def compute_output_shape(self, input_shape):
        dims = gc.TensorShape(input_shape).as_list()
        axes = (2, 3, 4) if self.data_format == "channels_first" else (1, 2, 3)
        for i, ax in enumerate(axes):
            dims[ax] = _pooled_length(dims[ax], self.pool_size[i], self.padding,
                                      self.strides[i])
        return gc.TensorShape(dims)


class MaxPooling3D(_Pool3D):
    """The max over pool_size windows of 5-D inputs (strides default: pool_size).

        gc.keras.layers.MaxPooling3D((2, 2, 2))(volumes)
    """
    kind = "max"


class AveragePooling3D(_Pool3D):
    """The mean over pool_size windows of 5-D inputs (strides default: pool_size).

        gc.keras.layers.AveragePooling3D(2, padding="same")(volumes)
    """
    kind = "avg"


class _GlobalPool3D(_GlobalPool):
    """The mean or max over the three spatial axes; keepdims keeps them as size 1."""
    rank = 3

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=_data_format(data_format), **kwargs)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=5)

    def _axes(self):
        return [2, 3, 4] if self.data_format == "channels_first" else [1, 2, 3]

    def build(self, input_shape):
        dims = gc.TensorShape(input_shape).as_list()
        for axis in self._axes():
            if axis < len(dims) and dims[axis] == 0:
                raise ValueError(f"Incorrect input shape {tuple(dims)} with dimension 0 at "
                                 f"reduction axis {axis} (layer {self.name}).")
        self.built = True

    def call(self, inputs):
        _check_ndim(self, inputs, 5)
        reduce = gc.reduce_mean if self.kind == "avg" else gc.reduce_max
        return reduce(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        dims = gc.TensorShape(input_shape).as_list()
        first = self.data_format == "channels_first"
        channels = dims[1] if first else dims[4]
        if not self.keepdims:
            return gc.TensorShape([dims[0], channels])
        return gc.TensorShape([dims[0], channels, 1, 1, 1] if first
                              else [dims[0], 1, 1, 1, channels])

    def _config(self):
        return {"data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling3D(_GlobalPool3D):
    """(batch, d1, d2, d3, c) -> (batch, c), the mean over the spatial axes.

        gc.keras.layers.GlobalAveragePooling3D()(volumes)
    """
    kind = "avg"


class GlobalMaxPooling3D(_GlobalPool3D):
    """(batch, d1, d2, d3, c) -> (batch, c), the max over the spatial axes.

        gc.keras.layers.GlobalMaxPooling3D(keepdims=True)(volumes)   # (b, 1, 1, 1, c)
    """
    kind = "max"


MaxPool3D, AvgPool3D = MaxPooling3D, AveragePooling3D
GlobalMaxPool3D, GlobalAvgPool3D = GlobalMaxPooling3D, GlobalAveragePooling3D
GlobalAvgPool1D, GlobalMaxPool1D = GlobalAveragePooling1D, GlobalMaxPooling1D


def _dot_axes(axes, ranks):
    """Dot's `axes` as two non-negative axes for inputs of `ranks`."""
    if isinstance(axes, int):
        return [axes % ranks[0], axes % ranks[1]] if axes < 0 else [axes, axes]
    return [a % r if a < 0 else a for a, r in zip(axes, ranks)]


def batch_dot(x, y, axes):
    """Per example b, the contraction of x[b] and y[b] over axes[0] of x and axes[1] of
    y (K.batch_dot): the result is (batch, rest of x..., rest of y...), or (batch, 1)
    when both inputs are 2-D."""
    rx, ry = x.shape.ndims, y.shape.ndims
    a0, a1 = axes
    if 0 in (a0, a1):
        raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not "
                         "batched, add a dummy batch dimension to your inputs using "
                         "K.expand_dims(x, 0)")
    xd, yd = x.shape.as_list(), y.shape.as_list()
    x_rest = [i for i in range(1, rx) if i != a0]
    y_rest = [i for i in range(1, ry) if i != a1]
    xt = gc.transpose(x, [0] + x_rest + [a0])
    yt = gc.transpose(y, [0, a1] + y_rest)
    sx, sy = gc.shape(xt), gc.shape(yt)
    out = gc.matmul(gc.reshape(xt, gc.stack([sx[0], -1, sx[-1]])),
                    gc.reshape(yt, gc.stack([sy[0], sy[1], -1])))
    rest = ([sx[1:-1]] if x_rest else []) + ([sy[2:]] if y_rest else [])
    if not rest:
        out = gc.reshape(out, gc.stack([sx[0], 1]))
        static = [xd[0], 1]
    else:
        out = gc.reshape(out, gc.concat([sx[:1]] + rest, axis=0))
        static = [xd[0]] + [xd[i] for i in x_rest] + [yd[i] for i in y_rest]
    out.set_shape(static)
    return out


class Dot(Layer):
    """The dot product of two inputs along `axes` (an int, or one axis per input), per
    example; normalize=True L2-normalizes both first (cosine similarity).

        gc.keras.layers.Dot(axes=(2, 2))([queries, keys])    # (b, Tq, d), (b, Tk, d)
                                                             # -> (b, Tq, Tk)
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError("Invalid type for argument `axes`: it should be a list or "
                                f"an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError("Invalid format for argument `axes`: it should contain "
                                 f"two elements. Received: axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError("Invalid format for argument `axes`: list elements "
                                 f"should be integers. Received: axes={axes}")
        self.axes, self.normalize = axes, normalize
        self.supports_masking = True

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2:
            raise ValueError(f"A `Dot` layer ({self.name}) should be called on a list of 2 "
                             f"inputs. Received: input_shape={input_shape}")
        s1, s2 = (gc.TensorShape(s) for s in input_shape)
        if s1.ndims is not None and s2.ndims is not None:
            a0, a1 = _dot_axes(self.axes, (s1.ndims, s2.ndims))
            d1, d2 = s1.as_list()[a0], s2.as_list()[a1]
            if d1 != d2:
                raise ValueError(f"Incompatible input shapes in layer {self.name}: axis "
                                 f"values {d1} (at axis {a0}) != {d2} (at axis {a1}). Full "
                                 f"input shapes: {tuple(s1.as_list())}, "
                                 f"{tuple(s2.as_list())}")
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"A `Dot` layer ({self.name}) should be called on exactly 2 "
                             f"inputs. Received: inputs={inputs}")
        x1, x2 = inputs
        ranks = (x1.shape.ndims, x2.shape.ndims)
        if None in ranks or min(ranks) < 2:
            raise ValueError(f"Cannot do batch_dot on inputs with rank < 2 (layer "
                             f"{self.name}). Received inputs with shapes {x1.shape} and "
                             f"{x2.shape}.")
        axes = _dot_axes(self.axes, ranks)
        if self.normalize:
            x1 = gc.nn.l2_normalize(x1, axis=axes[0])
            x2 = gc.nn.l2_normalize(x2, axis=axes[1])
        return batch_dot(x1, x2, axes)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 2:
            raise ValueError("A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: input_shape={input_shape}")
        s1 = list(gc.TensorShape(input_shape[0]).as_list())
        s2 = list(gc.TensorShape(input_shape[1]).as_list())
        a0, a1 = _dot_axes(self.axes, (len(s1), len(s2)))
        s1.pop(a0)
        s2.pop(a1)
        out = s1 + s2[1:]
        return tuple(out + [1] if len(out) == 1 else out)

    def compute_mask(self, inputs, mask=None):
        return None

    def _config(self):
        return {"axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes, normalize=False, **kwargs):
    """Dot(axes, normalize)(inputs): gc.keras.layers.dot([a, b], axes=1)."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
