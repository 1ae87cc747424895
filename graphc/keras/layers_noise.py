"""Keras' noise and regularization layers (graph-mode tf.keras, TF 1.x): GaussianNoise,
GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D and ActivityRegularization.

The noise is drawn only in the training phase (the `training` argument, else Keras'
learning phase, which fit feeds True); otherwise the layers are the identity. As
tf_keras' legacy random generator, a layer made with `seed=s` gives its random ops the
op seeds s, s + 1, ... in the order it is called.

    h = gc.keras.layers.GaussianNoise(0.1)(x)           # x + N(0, 0.01) when training
    h = gc.keras.layers.SpatialDropout2D(0.2)(feature_maps)
"""
import numpy as np

import graphc as gc
from . import regularizers
from .engine import InputSpec, Layer
from .layers_core import Dropout
from .layers_reshape import _check_ndim

__all__ = ["GaussianNoise", "GaussianDropout", "AlphaDropout", "SpatialDropout1D",
           "SpatialDropout2D", "SpatialDropout3D", "ActivityRegularization"]


def _in_train_phase(layer, noised, inputs, training):
    """noised() in the training phase, else the inputs (K.in_train_phase; a gc.cond
    when the phase is a tensor). The inputs come back as a new tensor (identity), as
    Keras copies a layer's outputs that are its inputs."""
    training = layer._training(training)
    if isinstance(training, (bool, int, np.bool_)):
        return noised() if training else gc.identity(inputs)
    return gc.cond(training, noised, lambda: gc.identity(inputs))


class _RandomLayer(Layer):
    """A layer with tf_keras' legacy seeds: `seed`, then seed + 1, ... per random op."""
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._next = seed

    def _op_seed(self):
        seed = self._next
        if seed is not None:
            self._next = seed + 1
        return seed


class GaussianNoise(_RandomLayer):
    """inputs + N(0, stddev^2) noise in the training phase, else the inputs.

        gc.keras.layers.GaussianNoise(0.1, seed=3)(x)
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.supports_masking = True
        self.stddev = stddev

    def call(self, inputs, training=None):
        def noised():
            return inputs + gc.random.normal(gc.shape(inputs), mean=0.0,
                                             stddev=self.stddev, dtype=inputs.dtype,
                                             seed=self._op_seed())
        return _in_train_phase(self, noised, inputs, training)

    def _config(self):
        return {"stddev": self.stddev, "seed": self.seed}


class GaussianDropout(_RandomLayer):
    """inputs * N(1, rate / (1 - rate)) noise in the training phase (0 < rate < 1),
    else the inputs.

        gc.keras.layers.GaussianDropout(0.2)(h)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.supports_masking = True
        self.rate = rate

    def call(self, inputs, training=None):
        if not 0 < self.rate < 1:
            return gc.identity(inputs)

        def noised():
            stddev = float(np.sqrt(self.rate / (1.0 - self.rate)))
            return inputs * gc.random.normal(gc.shape(inputs), mean=1.0, stddev=stddev,
                                             dtype=inputs.dtype, seed=self._op_seed())
        return _in_train_phase(self, noised, inputs, training)

    def _config(self):
        return {"rate": self.rate, "seed": self.seed}


# SELU's constants: the dropped units take SELU's negative saturation value
_ALPHA, _SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


class AlphaDropout(_RandomLayer):
    """Dropout for SELU networks: in the training phase each dropped unit becomes
    -alpha * scale, then a * x + b restores the mean and variance (0 < rate < 1).

        gc.keras.layers.AlphaDropout(0.1)(h)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate, self.noise_shape = rate, noise_shape
        self.supports_masking = True

    def call(self, inputs, training=None):
        rate = self.rate
        if not 0.0 < rate < 1.0:
            return gc.identity(inputs)
        noise_shape = _noise_shape(inputs, self.noise_shape) if self.noise_shape \
            else gc.shape(inputs)

        def dropped():
            alpha_p = -_ALPHA * _SCALE
            kept = gc.greater_equal(gc.random.uniform(noise_shape, seed=self._op_seed()),
                                    rate)
            kept = gc.cast(kept, inputs.dtype)
            a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
            b = -a * alpha_p * rate
            x = inputs * kept + alpha_p * (1 - kept)
            return a * x + b
        return _in_train_phase(self, dropped, inputs, training)

    def _config(self):
        return {"rate": self.rate, "seed": self.seed}


def _noise_shape(inputs, spec):
    """A noise shape with None entries taken from the inputs' dynamic shape."""
    if all(d is not None for d in spec):
        return list(spec)
    dyn = gc.shape(inputs)
    return gc.stack([dyn[i] if d is None else d for i, d in enumerate(spec)])


class _SpatialDropout(Dropout):
    """Dropout of whole channels: the noise is shared over the spatial axes."""
    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value "
                             "between 0 and 1.")
        super().__init__(rate, seed=seed, **kwargs)
        self.rate = rate
        self._next = seed
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _noise_spec(self):
        keep = [None] + [1] * self.rank
        first = getattr(self, "data_format", "channels_last") == "channels_first"
        return [None, None] + [1] * self.rank if first else keep + [None]

    def call(self, inputs, training=None):
        _check_ndim(self, inputs, self.rank + 2)
        if self.rate == 0:
            return gc.identity(inputs)

        def dropped():
            seed = self._next
            if seed is not None:
                self._next = seed + 1
            return gc.nn.dropout(inputs, rate=self.rate,
                                 noise_shape=_noise_shape(inputs, self._noise_spec()),
                                 seed=seed)
        training = self._training(training)
        if isinstance(training, (bool, int, np.bool_)):
            return dropped() if training else gc.identity(inputs)
        return gc.cond(training, dropped, lambda: gc.identity(inputs))


def _spatial_format(data_format):
    from .backend import image_data_format
    fmt = image_data_format() if data_format is None else data_format
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError('`data_format` must be "channels_last" or "channels_first". '
                         f"Received: data_format={data_format}.")
    return fmt


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature channels of (batch, steps, channels) inputs.

        gc.keras.layers.SpatialDropout1D(0.3)(sequence)
    """
    rank = 1


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of 4-D inputs (channels_last or channels_first).

        gc.keras.layers.SpatialDropout2D(0.2)(feature_maps)
    """
    rank = 2

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = _spatial_format(data_format)


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of 5-D inputs (channels_last or channels_first).

        gc.keras.layers.SpatialDropout3D(0.2)(volumes)
    """
    rank = 3

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = _spatial_format(data_format)


class ActivityRegularization(Layer):
    """The identity, adding l1 * sum(|x|) + l2 * sum(x^2) of its output, divided by the
    batch size, to the layer's (and so the model's) losses.

        h = gc.keras.layers.ActivityRegularization(l1=1e-3)(h)
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1, self.l2 = l1, l2

    def call(self, inputs):
        return gc.identity(inputs)

    def _config(self):
        return {"l1": self.l1, "l2": self.l2}
