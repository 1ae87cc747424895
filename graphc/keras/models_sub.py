"""Subclassed Keras models (a Model subclass with its own `call`), as tf_keras in graph
mode: the layers its attributes hold are its layers (engine_track.py); fit, evaluate and
predict build it on the first data (placeholders 'input_1', ... from the data's shapes,
the model called with training=the learning phase); `build(input_shape)` calls `call` on
placeholders; get_config is made from the constructor's arguments when they are plain
values.

    class Net(gc.keras.Model):
        def __init__(self, units=8):
            super().__init__()
            self.hidden = gc.keras.layers.Dense(units, activation="relu")
            self.out = gc.keras.layers.Dense(1)
        def call(self, x, training=None):
            return self.out(self.hidden(x))
    net = Net()
    net.compile("sgd", "mse")
    net.fit(x_train, y_train)
"""
import contextlib
import inspect

import numpy as np

import graphc as gc
from . import backend as K
from .engine import InputLayer

NOT_BUILT = ("This model has not yet been built. Build the model first by calling "
             "`build()` or by calling the model on a batch of data.")


def _call_params(model):
    return inspect.signature(model.call).parameters


def _in_scope(model):
    """The scope of the strategy the model was made in (tf_keras builds a model's
    weights there, so they are its mirrored variables), when not already in it."""
    strategy = model.__dict__.get("_strategy")
    if strategy is None or gc.distribute.has_strategy():
        return contextlib.nullcontext()
    return strategy.scope()


def input_for(array, name=None):
    """A Keras input (placeholder) for batches like `array`: its shape with the batch
    dimension None, floatx for floats, else its dtype."""
    a = np.asarray(array)
    dtype = K.floatx() if a.dtype.kind == "f" else a.dtype.name
    layer = InputLayer(batch_input_shape=(None,) + a.shape[1:], dtype=dtype, name=name)
    return layer._inbound_nodes[0].outputs[0]


def build_from_data(model, x):
    """Give an unbuilt subclassed model inputs and outputs: a placeholder per input
    array (batch dimension None; a dict's named by its keys), the model called on them
    (on a dict of them for a dict)."""
    if model.inputs:
        return
    keys = sorted(x) if isinstance(x, dict) else None
    arrays = [x[k] for k in keys] if keys else x if isinstance(x, (list, tuple)) else [x]
    inputs = [input_for(a, keys[i] if keys else None) for i, a in enumerate(arrays)]
    kwargs = {"training": K.learning_phase()} if "training" in _call_params(model) else {}
    given = dict(zip(keys, inputs)) if keys else \
        inputs if isinstance(x, (list, tuple)) else inputs[0]
    with _in_scope(model):
        outputs = model(given, **kwargs)
    model.inputs, model.outputs = inputs, gc.nest.flatten(outputs)


def build(model, input_shape):
    """tf_keras' Model.build for a subclassed model: `call` on float placeholders of
    `input_shape` (a shape, a list of shapes or a dict of them)."""
    if input_shape is None:
        raise ValueError("Input shape must be defined when calling `build()` on a "
                         "`Model` subclass.")
    if not isinstance(input_shape, (tuple, list, gc.TensorShape, dict)):
        raise ValueError(f"Specified input shape is not one of the valid types. Please "
                         f"specify a batch input shape of type tuple or list of input "
                         f"shapes. User provided input type: {type(input_shape)}.")
    if input_shape and not model.inputs:
        def placeholder(shape):
            return gc.placeholder(K.floatx(), shape=gc.TensorShape(shape))
        if isinstance(input_shape, list) and all(d is None or isinstance(d, int)
                                                 for d in input_shape):
            input_shape = tuple(input_shape)
        if isinstance(input_shape, list):
            x = [placeholder(s) for s in input_shape]
        elif isinstance(input_shape, dict):
            x = {k: placeholder(s) for k, s in input_shape.items()}
        else:
            x = placeholder(input_shape)
        kwargs = {}
        params = list(_call_params(model).values())
        for p in params[1:]:
            if p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                continue
            if p.name != "training":
                raise ValueError(
                    "Currently, you cannot build your model if it has positional or "
                    "keyword arguments that are not inputs to the model, but are "
                    "required for its `call()` method. Instead, in order to instantiate "
                    "and build your model, `call()` your model on real tensor data with "
                    "all expected call arguments. The argument for `call()` can be a "
                    "single list/tuple that contains multiple inputs.")
            kwargs["training"] = False
        if not params:
            raise ValueError("You can only call `build()` on a model if its `call()` "
                             "method accepts an `inputs` argument.")
        try:
            with _in_scope(model):
                model.call(x, **kwargs)
        except TypeError as e:
            raise ValueError(
                f"You cannot build your model by calling `build` if your layers do not "
                f"support float type inputs. Instead, in order to instantiate and build "
                f"your model, call your model on real tensor data (of the correct "
                f"dtype).\n\nThe actual error from `call` is: {e}.") from e
    model.built = True


_PLAIN = (str, int, float, bool, type(None))


def get_config(model):
    """The constructor's explicitly passed arguments when all are plain values (str,
    int, float, bool, None, nested in lists/tuples/dicts), else {} with a warning, as
    tf_keras' default Model.get_config."""
    args, kwargs = model.__dict__.get("_init_args", ((), {}))
    params = list(inspect.signature(type(model).__init__).parameters.values())[1:]
    named = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                  p.POSITIONAL_OR_KEYWORD)]
    config = dict(zip(named, args))
    config.update(kwargs)
    if not all(isinstance(v, _PLAIN) for v in gc.nest.flatten(config)):
        gc.get_logger().warning(
            "Model's `__init__()` arguments contain non-serializable objects. Please "
            "implement a `get_config()` method in the subclassed Model for proper saving "
            "and loading. Defaulting to empty config.")
        return {}
    return config


def check_saveable(model, h5):
    """tf_keras' error for saving a subclassed model's architecture (HDF5), and the
    same for graphc's own model file."""
    if h5:
        raise NotImplementedError(
            "Saving the model to HDF5 format requires the model to be a Functional model "
            "or a Sequential model. It does not work for subclassed models, because such "
            "models are defined via the body of a Python method, which isn't safely "
            "serializable. Consider saving to the Tensorflow SavedModel format (by "
            "setting save_format=\"tf\") or using `save_weights`.")
    raise NotImplementedError(
        f"Saving model {model.name!r} with `save` requires a Functional or a Sequential "
        f"model: a subclassed model is defined by the body of its `call` method, which "
        f"cannot be written to a file. Use `save_weights` (and rebuild the model in "
        f"code) instead.")


def check_weights_exist(model):
    """tf_keras' error for loading weights into a subclassed model not yet built."""
    if not model.built:
        raise ValueError("Unable to load weights saved in HDF5 format into a subclassed "
                         "Model which has not created its variables yet. Call the Model "
                         "first, then load the weights.")
