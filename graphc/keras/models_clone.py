"""gc.keras.models.clone_model (graph-mode tf.keras): a model of the same architecture with
new layers (new weights), by replaying the model's layer calls on new inputs.

    clone = gc.keras.models.clone_model(model)       # same layers and calls, new weights
    clone.set_weights(model.get_weights())           # copy the weights if wanted
"""
import graphc as gc
from . import backend as K
from .engine import Input, InputLayer, _flat
from .models import Model, Sequential

__all__ = ["clone_model"]


def _clone_layer(layer):
    """A new layer of the same class and config (new weights)."""
    return layer.__class__.from_config(layer.get_config())


def _input_layer(tensor):
    entry = K._state(tensor.graph).history.get(id(tensor))
    return None if entry is None else entry[1]


def _wrap(x, name):
    """x itself when it is a Keras tensor, else the output of an InputLayer around it."""
    if _input_layer(x) is not None:
        return x
    return InputLayer(input_tensor=x, name=name)._inbound_nodes[0].outputs[0]


def _clone_functional(model, input_tensors, clone_function):
    old_inputs = model.inputs
    if input_tensors is None:
        new_inputs = []
        for t in old_inputs:
            layer = _input_layer(t)
            new_inputs.append(Input(batch_shape=layer._batch_input_shape, dtype=layer.dtype,
                                    name=layer.name))
    else:
        given = _flat(input_tensors)
        if len(given) != len(old_inputs):
            raise ValueError(f"To clone a model with {len(old_inputs)} inputs, "
                             f"`input_tensors` must be a list of {len(old_inputs)} "
                             f"tensors, got {len(given)}")
        new_inputs = [_wrap(x, "input_wrapper_for_" + _input_layer(t).name)
                      for x, t in zip(given, old_inputs)]
    values = {id(old): new for old, new in zip(old_inputs, new_inputs)}
    clones = {}
    for node in model._nodes:           # in an order that has each call's inputs ready
        layer = node.layer
        if id(layer) not in clones:
            clones[id(layer)] = clone_function(layer)
        args = [values[id(t)] for t in node.inputs]
        kwargs = gc.nest.map_structure(      # initial_state=[...] and other tensor kwargs
            lambda v: values.get(id(v), v) if isinstance(v, gc.Tensor) else v,
            dict(node.kwargs))
        out = clones[id(layer)](args if len(args) > 1 else args[0], **kwargs)
        for old, new in zip(node.outputs, _flat(out)):
            values[id(old)] = new
    outputs = [values[id(t)] for t in model.outputs]
    clone = Model(new_inputs, outputs, name=model.name)
    from .saving_config import _connect_ancillary       # add_loss's, add_metric's
    _connect_ancillary(clone, [clones[id(la)] for la in model._layers if id(la) in clones])
    return clone


def _clone_sequential(model, input_tensors, clone_function):
    layers = [clone_function(layer) for layer in model.layers]
    if input_tensors is None:
        if model.inputs:                # a new input layer like the model's
            old = _input_layer(model.inputs[0])
            layers = [InputLayer(batch_input_shape=old._batch_input_shape, dtype=old.dtype,
                                 name=old.name)] + layers
        return Sequential(layers=layers, name=model.name)
    given = _flat(input_tensors)
    if len(given) != 1:
        raise ValueError("To clone a `Sequential` model, we expect at most one tensor as "
                         "part of `input_tensors`.")
    x = _wrap(given[0], "input_wrapper_for_" + given[0].op.name)
    origin = _input_layer(x)
    if not isinstance(origin, InputLayer):
        raise ValueError("Cannot clone a Sequential model on top of a tensor that comes "
                         "from a Keras layer other than an InputLayer. Use the functional "
                         "API instead.")
    return Sequential(layers=[origin] + layers, name=model.name)


def clone_model(model, input_tensors=None, clone_function=None):
    """A functional or Sequential model of the same architecture with new layers and new
    weights (tf.keras.models.clone_model(model, input_tensors=None, clone_function=None)).

        clone = gc.keras.models.clone_model(model)
        clone = gc.keras.models.clone_model(model, input_tensors=[new_x])   # on new tensors
        shared = gc.keras.models.clone_model(model, clone_function=lambda layer: layer)

    clone_function(layer) gives each layer's replacement (default: a new layer from
    layer.get_config()); a layer called several times is cloned once. The clone's layers
    keep their names; the model its name. Subclassed models cannot be cloned.
    """
    if clone_function is None:
        clone_function = _clone_layer
    elif not callable(clone_function):
        raise ValueError(f"Expected `clone_function` argument to be a callable. Received: "
                         f"clone_function={clone_function!r}")
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function)
    if not isinstance(model, Model):
        raise ValueError(f"Expected `model` argument to be a `Model` instance, got "
                         f"{model!r}")
    if not model.inputs or type(model).call is not Model.call:
        raise ValueError(f"Expected `model` argument to be a functional `Model` instance, "
                         f"but got a subclassed model instead: {model!r}")
    return _clone_functional(model, input_tensors, clone_function)
