"""Keras' core layers: Dense, Activation, Dropout, Flatten, Reshape, Lambda, Embedding
and Masking (the merge layers are in layers_merge.py).

    h = gc.keras.layers.Dense(64, activation="relu")(x)      # 'dense/kernel:0'
"""
import numpy as np

import graphc as gc
from . import activations
from . import initializers
from .engine import Layer, _takes
from .engine_dtype import disable_v2_dtype_behavior, enable_v2_dtype_behavior

__all__ = ["Dense", "Activation", "Dropout", "Flatten", "Reshape", "Lambda", "Embedding",
           "Masking", "enable_v2_dtype_behavior", "disable_v2_dtype_behavior"]


def _known(shape):
    """A static shape's dims as a list (None where unknown), or None for unknown rank."""
    return None if shape.ndims is None else shape.as_list()


def _is_multi(shape):
    """Whether `shape` is a list of shapes rather than one shape."""
    return isinstance(shape, (list, tuple)) and len(shape) > 0 and \
        isinstance(shape[0], (list, tuple, gc.TensorShape))


def _shapes(shape):
    """A shape, or a list of shapes, as TensorShapes."""
    return [gc.TensorShape(s) for s in shape] if _is_multi(shape) else gc.TensorShape(shape)


class Dense(Layer):
    """activation(inputs . kernel + bias) (tf.keras.layers.Dense): kernel (in, units)
    glorot_uniform, bias zeros; inputs of rank > 2 are contracted on their last axis.

        gc.keras.layers.Dense(10, activation="softmax", input_shape=(784,))
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.supports_masking = True

    def build(self, input_shape):
        last = _known(input_shape)
        if last is None or last[-1] is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be "
                             f"defined. Found `None`. (layer {self.name})")
        self.kernel = self.add_weight("kernel", (last[-1], self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        inputs = gc.cast(inputs, self.kernel.dtype) if inputs.dtype != self.kernel.dtype \
            else inputs
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            out = gc.tensordot(inputs, self.kernel, [[rank - 1], [0]])
        else:
            out = gc.matmul(inputs, self.kernel)
        if self.use_bias:
            out = gc.nn.bias_add(out, self.bias)
        return self.activation(out)

    def compute_output_shape(self, input_shape):
        """The input shape with its last axis replaced by `units`."""
        dims = _known(gc.TensorShape(input_shape))
        if dims is None or len(dims) < 2 or dims[-1] is None:
            raise ValueError(f"The innermost dimension of input_shape must be defined, "
                             f"but saw: {tuple(dims or ())}")
        return gc.TensorShape(dims[:-1] + [self.units])

    def _config(self):
        return {"units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}


class Activation(Layer):
    """An activation as a layer: gc.keras.layers.Activation("relu")."""
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def _config(self):
        return {"activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs and scales the rest by 1/(1-rate), only
    in the training phase (`training` argument, else the Keras learning phase).

        h = gc.keras.layers.Dropout(0.5)(h)      # identity unless the phase is True
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value "
                             f"between 0 and 1.")
        self.rate = float(rate)
        self.noise_shape, self.seed = noise_shape, seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if self.rate == 0:
            return gc.identity(inputs)
        training = self._training(training)

        def dropped():
            return gc.nn.dropout(inputs, rate=self.rate, noise_shape=self._noise_shape(inputs),
                                 seed=self.seed)
        if isinstance(training, (bool, int, np.bool_)):
            return dropped() if training else gc.identity(inputs)
        return gc.cond(training, dropped, lambda: gc.identity(inputs))

    def _noise_shape(self, inputs):
        """noise_shape with its None entries filled from the input's shape (tf_keras)."""
        if self.noise_shape is None or all(d is not None for d in self.noise_shape):
            return self.noise_shape
        dyn = gc.shape(inputs)
        return gc.stack([dyn[i] if d is None else gc.constant(d, gc.int32)
                         for i, d in enumerate(self.noise_shape)])

    def _config(self):
        return {"rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1*d2*...); rank 1 -> (batch, 1). Under
    "channels_first" (data_format=None: K.image_data_format()) the channel axis is
    moved last first, so the order is that of channels_last data (tf_keras)."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        from .backend import image_data_format
        self.data_format = (data_format or image_data_format()).lower()

    def call(self, inputs):
        dims = _known(inputs.shape)
        if self.data_format == "channels_first" and dims is not None and len(dims) > 2:
            inputs = gc.transpose(inputs, [0] + list(range(2, len(dims))) + [1])
        if dims is not None and len(dims) == 1:
            return gc.expand_dims(inputs, 1)
        if dims is not None and None not in dims[1:]:
            size = int(np.prod(dims[1:]))
            out = gc.reshape(inputs, gc.stack([gc.shape(inputs)[0], size]))
            out.set_shape([dims[0], size])
            return out
        return gc.reshape(inputs, gc.stack([gc.shape(inputs)[0], -1]))

    def compute_output_shape(self, input_shape):
        """(batch, product of the other dims), None when one is unknown or 0."""
        dims = gc.TensorShape(input_shape).as_list()
        if not dims:
            return gc.TensorShape([1])
        rest = dims[1:]
        return gc.TensorShape([dims[0], int(np.prod(rest)) if all(rest) else None])

    def _config(self):
        return {"data_format": self.data_format}


class Reshape(Layer):
    """(batch, ...) -> (batch,) + target_shape (one -1 allowed).

        gc.keras.layers.Reshape((7, 7, 1))
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs):
        out = gc.reshape(inputs, gc.stack([gc.shape(inputs)[0], *self.target_shape]))
        out.set_shape(self.compute_output_shape(inputs.shape))
        return out

    def compute_output_shape(self, input_shape):
        """(batch,) + target_shape, its -1 solved when the input's size is known."""
        dims = _known(gc.TensorShape(input_shape))
        target = list(self.target_shape)
        if -1 in target and dims is not None and None not in dims[1:]:
            known = int(np.prod([d for d in target if d != -1]))
            size = int(np.prod(dims[1:]))
            if known == 0 or size % known:
                raise ValueError(f"total size of new array must be unchanged, "
                                 f"input_shape = {dims[1:]}, "
                                 f"output_shape = {list(self.target_shape)}")
            target[target.index(-1)] = size // known
        return gc.TensorShape([dims[0] if dims else None]
                              + [None if d == -1 else d for d in target])

    def _config(self):
        return {"target_shape": self.target_shape}


class Lambda(Layer):
    """Any function of the inputs as a layer (no weights).

        gc.keras.layers.Lambda(lambda t: t * 2.0)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function, self.arguments = function, dict(arguments or {})
        self._output_shape, self.mask = output_shape, mask
        self.supports_masking = mask is not None

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if mask is not None and _takes(self.function, "mask"):
            kwargs["mask"] = mask
        if training is not None and _takes(self.function, "training"):
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        """`output_shape(input_shape)` when it is a function, (batch,) + output_shape
        when it is a shape, else the shape the function gives on placeholders of
        `input_shape` in a scratch graph (tf_keras runs it to infer it)."""
        if callable(self._output_shape):
            return _shapes(self._output_shape(input_shape))
        multi, shapes = _is_multi(input_shape), _shapes(input_shape)
        if self._output_shape is not None:
            first = shapes[0] if multi else shapes
            batch = first[0] if first.ndims else None
            out = _shapes(self._output_shape)
            if isinstance(out, list):
                return [gc.TensorShape([batch] + o.as_list()) for o in out]
            return gc.TensorShape([batch] + out.as_list())
        from .backend import floatx
        with gc.Graph().as_default():
            ph = [gc.placeholder(floatx(), s) for s in (shapes if multi else [shapes])]
            out = self.function(ph if multi else ph[0], **self.arguments)
        return [t.shape for t in out] if isinstance(out, (list, tuple)) else out.shape

    def compute_mask(self, inputs, mask=None):
        """`mask(inputs, input_mask)` when `mask` is callable, else `mask` itself."""
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def _config(self):
        from .saving_config import serialize_function
        return {"function": serialize_function(self.function),
                "output_shape": self._output_shape, "arguments": self.arguments}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .saving_config import deserialize_function
        config = dict(config)
        config["function"] = deserialize_function(config["function"], custom_objects)
        return cls(**config)


class Embedding(Layer):
    """Rows of an (input_dim, output_dim) table, 'embeddings', uniform(-0.05, 0.05).

        gc.keras.layers.Embedding(1000, 64, input_length=10)   # (batch, 10) -> (.., 64)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, activity_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            if input_length is not None:
                kwargs["input_shape"] = (input_length,)
        kwargs["autocast"] = False      # ids are cast to int32 in call, never to float16
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.mask_zero = bool(mask_zero)
        self.input_dim, self.output_dim = int(input_dim), int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = embeddings_regularizer
        self.embeddings_constraint = embeddings_constraint
        self.input_length = input_length

    def _as_tensor(self, x):
        return x if isinstance(x, gc.Tensor) else gc.convert_to_tensor(x, dtype=gc.int32)

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            "embeddings", (self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
            autocast=False)
        self.built = True

    def call(self, inputs):
        if inputs.dtype not in (gc.int32, gc.int64):
            inputs = gc.cast(inputs, gc.int32)
        out = gc.nn.embedding_lookup(self.embeddings, inputs)
        compute = self.compute_dtype      # mixed policy: rows looked up, then cast
        return out if compute in (None, out.dtype.name) else gc.cast(out, compute)

    def compute_mask(self, inputs, mask=None):
        """mask_zero: ids != 0 (bool, the shape of the ids), else None."""
        if not self.mask_zero:
            return None
        return gc.not_equal(inputs, gc.zeros([], inputs.dtype))

    def compute_output_shape(self, input_shape):
        """input_shape + (output_dim,), the steps checked against input_length."""
        dims = gc.TensorShape(input_shape).as_list()
        if self.input_length is None:
            return gc.TensorShape(dims + [self.output_dim])
        lengths = list(self.input_length) if isinstance(self.input_length, (list, tuple)) \
            else [self.input_length]
        if len(lengths) != len(dims) - 1:
            raise ValueError(f'"input_length" is {self.input_length}, but received '
                             f'input has shape {tuple(dims)}')
        for i, (want, got) in enumerate(zip(lengths, dims[1:])):
            if want is not None and got is not None and want != got:
                raise ValueError(f'"input_length" is {self.input_length}, but received '
                                 f'input has shape {tuple(dims)}')
            if want is None:
                lengths[i] = got
        return gc.TensorShape([dims[0]] + lengths + [self.output_dim])

    def _config(self):
        return {"input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer":
                    initializers.serialize(self.embeddings_initializer),
                "mask_zero": self.mask_zero, "input_length": self.input_length}


class Masking(Layer):
    """Masks the timesteps whose features all equal `mask_value`: the output is the
    input with those steps zeroed, its mask any(inputs != mask_value, axis=-1).

        x = gc.keras.layers.Masking(0.0)(padded)       # then an LSTM skips those steps
    """
    _same_shape = True      # compute_output_shape: the input shape

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return gc.reduce_any(gc.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = gc.reduce_any(gc.not_equal(inputs, self.mask_value), axis=-1,
                             keepdims=True)
        return inputs * gc.cast(keep, inputs.dtype)

    def _config(self):
        return {"mask_value": self.mask_value}
