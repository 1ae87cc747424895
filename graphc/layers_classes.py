"""TF1's object-oriented layers (tf.layers.Dense, Conv2D, ...), on the functions of
graphc/layers.py.

    fc = gc.layers.Dense(64, activation=gc.nn.relu)     # no variables yet
    h1 = fc(x1)                                          # makes dense/kernel, dense/bias
    h2 = fc(x2)                                          # the same variables
    fc.trainable_variables                               # [dense/kernel, dense/bias]

A layer object's first call captures its variable scope (`name`, else a unique "dense",
"dense_1", ... in the current scope, as TF1's default names) and builds its variables
there by calling the functional layer; later calls enter the same scope with reuse, so
they share the variables wherever they are made. Its ops go in the scope's first name
scope ('dense/MatMul', then 'dense/MatMul_1').
"""
from . import dtypes, errors
from .graph import Tensor
from .initializers import ones_initializer, zeros_initializer
from .layers import (_no_constraints, average_pooling1d, average_pooling2d,
                     average_pooling3d, conv1d, conv2d, conv2d_transpose, conv3d, dense,
                     dropout, flatten, max_pooling1d, max_pooling2d, max_pooling3d)
from .normalization import batch_normalization
from .ops.core import convert_to_tensor
from .ops.graphkeys import GraphKeys, get_collection_ref
from .ops.rnn_cell_base import _to_snake_case
from .ops.scope import variable_scope
from .ops.varstore import get_variable

__all__ = ["Layer", "Dense", "Dropout", "Flatten", "Conv1D", "Conv2D", "Conv3D",
           "Conv2DTranspose", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
           "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D",
           "AvgPool2D", "AvgPool3D", "Convolution1D", "Convolution2D", "Convolution3D",
           "Convolution2DTranspose"]


class Layer:
    """A TF1 layer object (tf.layers.Layer): `outputs = layer(inputs)` builds its
    variables on the first call, in its own variable scope, and shares them on later calls.

        class Scale(gc.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight("w", [input_shape[-1]])
            def call(self, inputs):
                return inputs * self.w

    `variables` (= `weights`), `trainable_variables`, `non_trainable_variables`: what its
    calls made or got, in order; `updates`: the ops its calls added to UPDATE_OPS (batch
    normalization's moving averages); `losses`: the regularization losses they added.
    The subclasses call a function of gc.layers from `call` with `name=self._current_scope`.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments "
                            f"{sorted(kwargs)}")
        self.trainable = trainable
        self._name = name
        self._base_name = name or _to_snake_case(type(self).__name__)
        self._dtype = None if dtype is None else dtypes.as_dtype(dtype)
        self._scope = None          # the VariableScope captured on the first call
        self._current_scope = None  # that scope, entered, while a call runs
        self._trainable, self._non_trainable = [], []
        self._updates, self._losses = [], []
        self.built = False

    @property
    def name(self):
        if self._name is not None or self._scope is None:
            return self._base_name
        return self._scope.name.split("/")[-1]

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError(f"No name available for layer scope because the layer "
                             f"{self.name!r} has not been used yet: the scope name is "
                             f"determined the first time the layer is called")
        return self._scope.name

    @property
    def dtype(self):
        return self._dtype

    @property
    def trainable_variables(self):
        return list(self._trainable) if self.trainable else []

    @property
    def non_trainable_variables(self):
        if self.trainable:
            return list(self._non_trainable)
        return self._trainable + self._non_trainable

    @property
    def variables(self):
        return self.trainable_variables + self.non_trainable_variables

    weights = variables
    trainable_weights = trainable_variables
    non_trainable_weights = non_trainable_variables

    @property
    def updates(self):
        return list(self._updates)

    @property
    def losses(self):
        return list(self._losses)

    def build(self, input_shape):
        """Make the layer's variables with `self.add_weight` (the first call runs it in
        the layer's scope, with the inputs' shape); the built-in layers make theirs in
        `call`, through the functional layer."""
        self.built = True

    def call(self, inputs, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define call(inputs)")

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None,
                   trainable=None):
        """get_variable(name) in the layer's scope, from `build` or `call`; dtype
        defaults to the layer's.

            self.kernel = self.add_weight("kernel", [input_shape[-1], self.units])
        """
        if self._current_scope is None:
            raise errors.GraphError(f"{type(self).__name__}.add_weight({name!r}): call it "
                                    f"from build or call, while the layer is called")
        return get_variable(name, shape, dtype=dtype or self._dtype, initializer=initializer,
                            regularizer=regularizer,
                            trainable=self.trainable if trainable is None else trainable)

    add_variable = add_weight

    def apply(self, inputs, *args, **kwargs):
        """The same as calling the layer."""
        return self(inputs, *args, **kwargs)

    def __call__(self, inputs, *args, **kwargs):
        """The layer on `inputs`: builds it on the first call, then shares its variables.

            h = layer(x)            # extra arguments go to call: layer(x, training=True)
        """
        inputs = self._checked_input(inputs)
        if self._scope is None:     # TF1 Layer._set_scope: a unique default name
            with variable_scope(None, default_name=self._base_name) as captured:
                pass
            self._scope = captured
        updates = get_collection_ref(GraphKeys.UPDATE_OPS)
        losses = get_collection_ref(GraphKeys.REGULARIZATION_LOSSES)
        n_updates, n_losses = len(updates), len(losses)
        with variable_scope(self._scope, reuse=True if self.built else None,
                            custom_getter=self._track, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            try:
                if not self.built:
                    if isinstance(inputs, Tensor):
                        self.build(inputs.shape)
                    self.built = True
                outputs = self.call(inputs, *args, **kwargs)
            finally:
                self._current_scope = None
        self._updates += updates[n_updates:]
        self._losses += losses[n_losses:]
        return outputs

    def _checked_input(self, inputs):
        """inputs as a tensor of the layer's dtype (the first call sets it when not given)."""
        if isinstance(inputs, (list, tuple)) and any(isinstance(v, Tensor) for v in inputs):
            return inputs               # a custom layer on several tensors
        x = convert_to_tensor(inputs, dtype=None if isinstance(inputs, Tensor) else self._dtype)
        if self._dtype is None:
            self._dtype = x.dtype
        elif x.dtype is not self._dtype:
            raise errors.DTypeError(f"{type(self).__name__} '{self.name}' has dtype "
                                    f"{self._dtype.name}, its inputs {x.dtype.name}\n  "
                                    + errors.describe_tensor(x, "inputs"))
        return x

    def _track(self, getter, *args, **kwargs):
        """A custom getter recording each variable the layer gets, as `layer.<name>` too
        (layer.kernel, layer.moving_mean)."""
        v = getter(*args, **kwargs)
        known = self._trainable + self._non_trainable
        if all(v is not w for w in known):
            (self._trainable if kwargs.get("trainable", True) else self._non_trainable).append(v)
            short = v.op.name.split("/")[-1]
            if not hasattr(type(self), short):
                setattr(self, short, v)
        return v

    def __repr__(self):
        where = f" '{self._scope.name}'" if self._scope is not None else ""
        return f"<gc.layers.{type(self).__name__}{where}>"


def _config(local_vars):
    """A constructor's arguments but self, name, trainable, dtype and **kwargs."""
    return {k: v for k, v in local_vars.items()
            if k not in ("self", "__class__", "name", "trainable", "dtype", "kwargs")}


class Dense(Layer):
    """activation(inputs @ kernel + bias) (TF1 tf.layers.Dense); see gc.layers.dense.

        fc = gc.layers.Dense(10, name="logits")
        logits = fc(h)                 # fc.kernel: 'logits/kernel', (h's last dim, 10)
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        _no_constraints("Dense", kernel_constraint=kernel_constraint,
                        bias_constraint=bias_constraint)
        self._kw = _config(locals())
        self.units, self.activation, self.use_bias = units, activation, use_bias

    def call(self, inputs):
        return dense(inputs, trainable=self.trainable, name=self._current_scope, **self._kw)


class _Conv(Layer):
    """The convolution layers: `_fn` is the functional layer, `_kw` its arguments."""
    _fn = None

    def _init(self, local_vars):
        _no_constraints(type(self).__name__, kernel_constraint=local_vars["kernel_constraint"],
                        bias_constraint=local_vars["bias_constraint"])
        self._kw = _config(local_vars)
        self.filters, self.kernel_size = self._kw["filters"], self._kw["kernel_size"]
        self.strides, self.padding = self._kw["strides"], self._kw["padding"]
        self.data_format, self.activation = self._kw["data_format"], self._kw["activation"]

    def call(self, inputs):
        return self._fn(inputs, trainable=self.trainable, name=self._current_scope,
                        **self._kw)


class Conv1D(_Conv):
    """A 1-D convolution (TF1 tf.layers.Conv1D): kernel (kernel_size, in, filters)."""
    _fn = staticmethod(conv1d)

    def __init__(self, filters, kernel_size, strides=1, padding="valid",
                 data_format="channels_last", dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class Conv2D(_Conv):
    """A 2-D convolution (TF1 tf.layers.Conv2D): kernel (kh, kw, in, filters).

        conv = gc.layers.Conv2D(32, 3, padding="same", activation=gc.nn.relu)
    """
    _fn = staticmethod(conv2d)

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class Conv3D(_Conv):
    """A 3-D convolution (TF1 tf.layers.Conv3D): kernel (kd, kh, kw, in, filters)."""
    _fn = staticmethod(conv3d)

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format="channels_last", dilation_rate=(1, 1, 1), activation=None,
                 use_bias=True, kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class Conv2DTranspose(_Conv):
    """A transposed 2-D convolution (TF1 tf.layers.Conv2DTranspose): kernel
    (kh, kw, filters, in)."""
    _fn = staticmethod(conv2d_transpose)

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format="channels_last", activation=None, use_bias=True,
                 kernel_initializer=None, bias_initializer=zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._init(locals())


class _Pooling(Layer):
    """The pooling layers: `_fn` is the functional layer."""
    _fn = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last",
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size, self.strides = pool_size, strides
        self.padding, self.data_format = padding, data_format

    def call(self, inputs):
        return self._fn(inputs, self.pool_size, self.strides, padding=self.padding,
                        data_format=self.data_format, name=self._current_scope)


class MaxPooling1D(_Pooling):
    """The maximum over pool_size windows of (batch, length, channels) inputs (TF1)."""
    _fn = staticmethod(max_pooling1d)


class MaxPooling2D(_Pooling):
    """The maximum over pool_size windows (TF1 tf.layers.MaxPooling2D).

        pool = gc.layers.MaxPooling2D(2, 2)      # (?, 28, 28, C) -> (?, 14, 14, C)
    """
    _fn = staticmethod(max_pooling2d)


class MaxPooling3D(_Pooling):
    """The maximum over pool_size windows of (batch, d, h, w, channels) inputs (TF1)."""
    _fn = staticmethod(max_pooling3d)


class AveragePooling1D(_Pooling):
    """The mean over pool_size windows of (batch, length, channels) inputs (TF1)."""
    _fn = staticmethod(average_pooling1d)


class AveragePooling2D(_Pooling):
    """The mean over pool_size windows (TF1 tf.layers.AveragePooling2D)."""
    _fn = staticmethod(average_pooling2d)


class AveragePooling3D(_Pooling):
    """The mean over pool_size windows of (batch, d, h, w, channels) inputs (TF1)."""
    _fn = staticmethod(average_pooling3d)


class Dropout(Layer):
    """inputs with a fraction `rate` zeroed and the rest scaled by 1/(1-rate) when called
    with `training` true (TF1 tf.layers.Dropout); see gc.layers.dropout.

        drop = gc.layers.Dropout(0.3)
        h = drop(h, training=is_training)       # a Python bool or a bool tensor
    """

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        return dropout(inputs, self.rate, self.noise_shape, self.seed, training=training,
                       name=self._current_scope)


class Flatten(Layer):
    """inputs reshaped to (batch, everything else) (TF1 tf.layers.Flatten)."""

    def __init__(self, data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.data_format = data_format

    def call(self, inputs):
        return flatten(inputs, name=self._current_scope, data_format=self.data_format)


class BatchNormalization(Layer):
    """Batch normalization (TF1 tf.layers.BatchNormalization); see
    gc.layers.batch_normalization. `training` is given at call time; each call that may
    train adds its two moving-average ops to UPDATE_OPS and to `layer.updates`.

        bn = gc.layers.BatchNormalization(momentum=0.9)
        h = bn(h, training=is_training)
        with gc.control_dependencies(bn.updates):
            train_op = gc.train.AdamOptimizer(1e-3).minimize(loss)
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=zeros_initializer(), gamma_initializer=ones_initializer(),
                 moving_mean_initializer=zeros_initializer(),
                 moving_variance_initializer=ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, fused=None,
                 trainable=True, virtual_batch_size=None, adjustment=None, name=None,
                 **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        _no_constraints("BatchNormalization", beta_constraint=beta_constraint,
                        gamma_constraint=gamma_constraint)
        self._kw = _config(locals())
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale

    def call(self, inputs, training=False):
        return batch_normalization(inputs, training=training, trainable=self.trainable,
                                   name=self._current_scope, **self._kw)


# TF1's aliases
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose = Conv2DTranspose
