"""Keras' LocallyConnected1D/2D (tf_keras, graph mode): a convolution whose weights are
not shared, one kernel per output position. The three `implementation`s of tf_keras
hold the same map in different weights (their shapes and orders match tf_keras, so
set_weights loads tf_keras' values):

1. kernel (positions, k * in, filters): each position's patch times its own kernel
   (patches flattened (*kernel_size, in) channels-last, (in, *kernel_size) first);
2. kernel input_shape[1:] + output_shape[1:], a dense map masked to the windows;
3. kernel (connections,): the nonzeros of that masked map, sorted by (flat output
   index, flat input index).

The bias (*output_spatial, filters) is added reshaped to the output's layout, as
tf_keras does (a plain reshape, also for channels_first).

    h = gc.keras.layers.LocallyConnected2D(8, 3)(images)        # 'valid' only for 1
"""
import itertools

import numpy as np

import graphc as gc
from . import activations
from . import initializers
from .engine import Layer
from .layers_conv import _format, _padding, _tuple

__all__ = ["LocallyConnected1D", "LocallyConnected2D"]


def _out_len(n, k, padding, s):
    return (n - k + s) // s if padding == "valid" else (n + s - 1) // s


def _window(o, k, padding, s, n):
    """The input positions that output position `o` sees (Keras' connected inputs:
    'same' windows start k // 2 before o * stride)."""
    start = o * s if padding == "valid" else o * s - k // 2
    return range(max(0, start), min(n, start + k))


class _LocallyConnected(Layer):
    """A convolution with unshared weights over `rank` spatial dims."""
    rank = 1

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 implementation=1, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        n = self.rank
        self.filters = int(filters)
        self.kernel_size = _tuple(kernel_size, n, "kernel_size")
        self.strides = _tuple(strides, n, "strides")
        self.padding = _padding(padding).lower()
        self.data_format = _format(data_format)
        if implementation not in (1, 2, 3):
            raise ValueError(f"Unrecognized implementation mode: {implementation}.")
        if self.padding != "valid" and implementation == 1:
            raise ValueError(f"Invalid border mode for {type(self).__name__} (only "
                             f"\"valid\" is supported if implementation is 1): {padding}")
        self.implementation = implementation
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    # ---- geometry ------------------------------------------------------------------
    def _split(self, dims):
        """(spatial dims, channels) of a shape list in the layer's layout."""
        if self.data_format == "channels_first":
            return list(dims[2:]), dims[1]
        return list(dims[1:-1]), dims[-1]

    def _out_spatial(self, spatial):
        return [None if n is None else _out_len(n, k, self.padding, s)
                for n, k, s in zip(spatial, self.kernel_size, self.strides)]

    def _join(self, batch, spatial, channels):
        if self.data_format == "channels_first":
            return [batch, channels] + list(spatial)
        return [batch] + list(spatial) + [channels]

    def compute_output_shape(self, input_shape):
        """(batch, *output_spatial, filters) in the layer's layout.

            LocallyConnected1D(3, 2).compute_output_shape((None, 5, 4))   # (None, 4, 3)
        """
        dims = gc.TensorShape(input_shape).as_list()
        spatial, _ = self._split(dims)
        return gc.TensorShape(self._join(dims[0], self._out_spatial(spatial), self.filters))

    def _connections(self):
        """A 0/1 array (*in_spatial, *out_spatial): which inputs each output sees."""
        conn = np.zeros(tuple(self._in_sp) + tuple(self._out_sp), np.float32)
        for out in itertools.product(*[range(n) for n in self._out_sp]):
            wins = [_window(o, k, self.padding, s, n) for o, k, s, n in
                    zip(out, self.kernel_size, self.strides, self._in_sp)]
            for pos in itertools.product(*wins):
                conn[pos + out] = 1.0
        return conn

    def _dense_mask(self):
        """The connections broadcast to the dense kernel's layout (input[1:] +
        output[1:]): a size-1 axis for the channels and for the filters."""
        conn, r = self._connections(), self.rank
        first = self.data_format == "channels_first"
        conn = np.expand_dims(conn, 0 if first else r)          # the input channels
        return np.expand_dims(conn, r + 1 if first else 2 * r + 1)   # the filters

    # ---- weights -------------------------------------------------------------------
    def build(self, input_shape):
        dims = input_shape.as_list() if input_shape.ndims is not None else None
        if dims is None or len(dims) != self.rank + 2:
            raise ValueError(f"Input 0 of layer {self.name} is incompatible with the "
                             f"layer: expected ndim={self.rank + 2}, found shape "
                             f"{input_shape}")
        spatial, c = self._split(dims)
        if c is None or any(n is None for n in spatial):
            raise ValueError(f"The spatial dimensions of the inputs to a "
                             f"{type(self).__name__} layer should be fully-defined, but "
                             f"layer received the inputs shape {input_shape}")
        self._in_sp, self._channels = spatial, c
        self._out_sp = self._out_spatial(spatial)
        if any(n <= 0 for n in self._out_sp):
            raise ValueError(f"Layer {self.name}: the kernel {self.kernel_size} does not "
                             f"fit the input's spatial shape {tuple(spatial)}")
        positions = int(np.prod(self._out_sp))
        in_shape = self._join(None, spatial, c)[1:]
        out_shape = self._join(None, self._out_sp, self.filters)[1:]
        if self.implementation == 1:
            shape = (positions, int(np.prod(self.kernel_size)) * c, self.filters)
        elif self.implementation == 2:
            shape = tuple(in_shape) + tuple(out_shape)
        else:
            full = np.broadcast_to(self._dense_mask(), tuple(in_shape) + tuple(out_shape))
            # the map as (outputs, inputs), its nonzeros sorted by (output, input)
            rows, cols = np.nonzero(full.reshape(int(np.prod(in_shape)), -1).T)
            self._idx = np.stack([rows, cols], 1).astype(np.int64)
            self._dense_shape = [int(np.prod(out_shape)), int(np.prod(in_shape))]
            shape = (len(rows),)
        self.kernel = self.add_weight("kernel", shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", tuple(self._out_sp) + (self.filters,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    # ---- calling -------------------------------------------------------------------
    def _patch_index(self):
        """(positions, prod(kernel_size)): flat input positions of each patch, row-major."""
        rows = []
        for out in itertools.product(*[range(n) for n in self._out_sp]):
            starts = [o * s for o, s in zip(out, self.strides)]
            pos = itertools.product(*[range(a, a + k) for a, k in
                                      zip(starts, self.kernel_size)])
            rows.append([int(np.ravel_multi_index(p, self._in_sp)) for p in pos])
        return np.asarray(rows, np.int32)

    def _local(self, inputs):
        """implementation=1: gather each position's patch, one matmul per position."""
        first = self.data_format == "channels_first"
        c, flat_in = self._channels, int(np.prod(self._in_sp))
        if first:
            x = gc.reshape(inputs, [-1, c, flat_in])
            patches = gc.gather(x, self._patch_index(), axis=2)       # (b, c, P, K)
            patches = gc.transpose(patches, [0, 2, 1, 3])
        else:
            x = gc.reshape(inputs, [-1, flat_in, c])
            patches = gc.gather(x, self._patch_index(), axis=1)       # (b, P, K, c)
        patches = gc.reshape(patches, [-1, self.kernel.shape.as_list()[0],
                                       self.kernel.shape.as_list()[1]])
        out = gc.einsum("bpj,pjf->bpf", patches, self.kernel)
        if first:
            out = gc.transpose(out, [0, 2, 1])
        return gc.reshape(out, [-1] + self._join(None, self._out_sp, self.filters)[1:])

    def _dense(self, inputs):
        """implementations 2 and 3: the inputs times the masked dense map."""
        out_shape = self._join(None, self._out_sp, self.filters)[1:]
        if self.implementation == 2:
            kernel = self.kernel * gc.constant(self._dense_mask(), self.kernel.dtype)
            return gc.tensordot(inputs, kernel, self.rank + 1)
        dense = gc.scatter_nd(self._idx, self.kernel, self._dense_shape)
        x = gc.reshape(inputs, [-1, self._dense_shape[1]])
        return gc.reshape(gc.matmul(x, dense, transpose_b=True), [-1] + out_shape)

    def call(self, inputs):
        out = self._local(inputs) if self.implementation == 1 else self._dense(inputs)
        if self.use_bias:
            out_shape = self._join(None, self._out_sp, self.filters)[1:]
            out = out + gc.reshape(self.bias, [1] + out_shape)
        return self.activation(out)

    def _config(self):
        return {"filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "implementation": self.implementation}


class LocallyConnected1D(_LocallyConnected):
    """Unshared 1-D convolution: (batch, steps, in) -> (batch, new_steps, filters);
    implementation=1 kernel (new_steps, k * in, filters), bias (new_steps, filters).

        gc.keras.layers.LocallyConnected1D(8, 3, strides=2)
    """
    rank = 1


class LocallyConnected2D(_LocallyConnected):
    """Unshared 2-D convolution; implementation=1 kernel (oh * ow, kh * kw * in,
    filters), bias (oh, ow, filters).

        gc.keras.layers.LocallyConnected2D(8, (3, 3), implementation=2, padding="same")
    """
    rank = 2

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, **kwargs)
