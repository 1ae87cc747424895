"""The premade models of graph-mode tf.keras (tf.keras.experimental): LinearModel, a
linear regression / classification model over one or several inputs, and WideDeepModel,
the sum of a linear model and a deep (DNN) model, each trained by its own optimizer.

    linear = gc.keras.experimental.LinearModel(units=1)
    dnn = gc.keras.Sequential([gc.keras.layers.Dense(8, activation="relu"),
                               gc.keras.layers.Dense(1)])
    model = gc.keras.experimental.WideDeepModel(linear, dnn, activation="sigmoid")
    model.compile(["sgd", "adam"], "binary_crossentropy")   # linear's, dnn's optimizer
    model.fit([x_wide, x_deep], y, epochs=5)
"""
import graphc as gc
from . import activations, initializers, optimizers, regularizers
from .layers_core import Dense
from .models import Model

__all__ = ["LinearModel", "WideDeepModel"]


def _dedup(weights):
    out = []
    for w in weights:
        if all(w is not v for v in out):
            out.append(w)
    return out


class _Premade(Model):
    """A subclassed model: its layers' weights, then its own; the first data given to
    fit / evaluate / predict makes its inputs (one placeholder per input array)."""

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return _dedup(Model.trainable_weights.fget(self) + self._trainable_weights)

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return _dedup(Model.weights.fget(self) + self._trainable_weights
                          + self._non_trainable_weights)
        return _dedup(Model.non_trainable_weights.fget(self) + self._non_trainable_weights)

    @property
    def weights(self):
        return _dedup(Model.weights.fget(self) + self._trainable_weights
                      + self._non_trainable_weights)

    variables = weights


    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "dtype": self.dtype or "float32"}


class LinearModel(_Premade):
    """activation(sum_i inputs_i @ kernel_i + bias): a linear model over one input, a
    list of inputs or a dict of inputs (one kernel per input, in the dict's sorted key
    order) (tf.keras.experimental.LinearModel(units=1, activation=None, use_bias=True,
    kernel_initializer="zeros", bias_initializer="zeros", kernel_regularizer=None,
    bias_regularizer=None, **kwargs)).

        model = gc.keras.experimental.LinearModel(units=1)
        model.compile("sgd", "mse")
        model.fit(x, y, epochs=10)            # weights 'linear_model/kernel:0', '.../bias:0'
    """

    def __init__(self, units=1, activation=None, use_bias=True, kernel_initializer="zeros",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self._keys = None
        self.bias = None

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, dict):        # one kernel per key, in sorted key order
            if self._keys is None and not self.built:
                self._keys = sorted(inputs)
            missing = sorted(set(self._keys or ()) ^ set(inputs))
            if self._keys is None or missing:
                raise ValueError(f"LinearModel {self.name} expects the input keys "
                                 f"{self._keys}, got {sorted(inputs)}")
            inputs = [inputs[k] for k in self._keys]
        return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        names = self._keys or [None] * len(shapes)
        self._layers = []
        for name, shape in zip(names, shapes):
            layer = Dense(self.units, use_bias=False,
                          kernel_initializer=self.kernel_initializer,
                          kernel_regularizer=self.kernel_regularizer, name=name)
            layer.build(shape)      # in this model's name scope: 'linear_model/kernel:0'
            layer.built = True
            self._layers.append(layer)
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer)
        self.built = True

    def call(self, inputs, training=None):
        xs = inputs if isinstance(inputs, list) else [inputs]
        if len(xs) != len(self._layers):
            raise ValueError(f"LinearModel {self.name} was built for {len(self._layers)} "
                             f"inputs, got {len(xs)}")
        outs = [layer(x) for layer, x in zip(self._layers, xs)]
        y = gc.add_n(outs) if len(outs) > 1 else outs[0]
        if self.use_bias:
            y = gc.nn.bias_add(y, self.bias)
        return self.activation(y) if self.activation is not None else y

    def get_config(self):
        config = super().get_config()
        config.update({
            "units": self.units, "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("kernel_initializer", "bias_initializer"):
            config[key] = initializers.get(config.get(key), custom_objects)
        for key in ("kernel_regularizer", "bias_regularizer"):
            config[key] = regularizers.get(config.get(key), custom_objects)
        act = config.get("activation")
        if isinstance(act, str) and custom_objects and act in custom_objects:
            config["activation"] = custom_objects[act]
        return cls(**config)


class WideDeepModel(_Premade):
    """activation(linear_model(linear_inputs) + dnn_model(dnn_inputs)): a wide (linear)
    and a deep model summed (tf.keras.experimental.WideDeepModel(linear_model, dnn_model,
    activation=None, **kwargs)). Called on a list of two inputs, the first goes to the
    linear model and the second to the DNN; any other input goes to both. compile takes
    one optimizer, or a list [linear_optimizer, dnn_optimizer] that updates each model's
    weights with its own optimizer.

        model = gc.keras.experimental.WideDeepModel(linear, dnn)
        model.compile(optimizer=["sgd", "adam"], loss="mse")
    """

    def __init__(self, linear_model, dnn_model, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.linear_model, self.dnn_model = linear_model, dnn_model
        self.activation = activations.get(activation)
        self._layers = [linear_model, dnn_model]

    def call(self, inputs, training=None):
        if isinstance(inputs, (list, tuple)) and len(inputs) == 2:
            linear_inputs, dnn_inputs = inputs
        else:
            linear_inputs = dnn_inputs = inputs
        linear_out = self.linear_model(linear_inputs)
        if training is not None and isinstance(self.dnn_model, Model):
            dnn_out = self.dnn_model(dnn_inputs, training=training)
        else:
            dnn_out = self.dnn_model(dnn_inputs)
        y = linear_out + dnn_out
        return self.activation(y) if self.activation is not None else y

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **kwargs):
        """compile with one optimizer, or [linear_optimizer, dnn_optimizer]."""
        pair = None
        if isinstance(optimizer, (list, tuple)):
            if len(optimizer) != 2:
                raise ValueError(f"WideDeepModel.compile: `optimizer` must be one "
                                 f"optimizer or a list of 2 ([linear, dnn]), got "
                                 f"{len(optimizer)}")
            pair = [optimizers.get(o) for o in optimizer]
            optimizer = pair[0]
        super().compile(optimizer, loss, metrics, **kwargs)
        self._optimizer_pair = pair
        if pair is not None:
            self.optimizer = pair

    def _training_op(self):
        pair = getattr(self, "_optimizer_pair", None)
        if pair is None:
            return super()._training_op()
        if self._train_op is None:
            with gc.name_scope("training"):
                with gc.control_dependencies([self.total_loss] + self._metric_tensors):
                    steps = [opt.minimize(self.total_loss, var_list=model.trainable_weights)
                             for opt, model in zip(pair, (self.linear_model, self.dnn_model))
                             if model.trainable_weights]
                    self._train_op = gc.group(*steps, *self.updates)
        return self._train_op

    def get_config(self):
        from .utils import serialize_keras_object
        config = super().get_config()
        config.update({"linear_model": serialize_keras_object(self.linear_model),
                       "dnn_model": serialize_keras_object(self.dnn_model),
                       "activation": activations.serialize(self.activation)})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from .layers_serialize_more2 import deserialize
        config = dict(config)
        config["linear_model"] = deserialize(config["linear_model"], custom_objects)
        config["dnn_model"] = deserialize(config["dnn_model"], custom_objects)
        act = config.get("activation")
        if isinstance(act, str) and custom_objects and act in custom_objects:
            config["activation"] = custom_objects[act]
        return cls(**config)
