"""gc.keras.layers.serialize / deserialize (graph-mode tf.keras): a layer (or model) as
{"class_name": ..., "config": ...} and back, custom classes and functions found by name
in custom_objects, the open CustomObjectScopes and the registered objects.

    config = gc.keras.layers.serialize(gc.keras.layers.Dense(3, name="d"))
    layer = gc.keras.layers.deserialize(config)            # a new Dense 'd'
"""
from .saving_config import layer_from_config
from .utils import CustomObjectScope, serialize_keras_object
from .utils_registry import get_registered_object

__all__ = ["serialize", "deserialize"]


def _module_objects():
    """The classes deserialize knows by name: gc.keras.layers', the models', the
    premade models, and the layers wrapping plain ops (TensorFlowOpLayer)."""
    from . import engine_add, engine_op_layer, layers, linear_models, models
    objects = {}
    for module in (layers, models, linear_models, engine_op_layer, engine_add):
        objects.update({k: v for k, v in vars(module).items() if isinstance(v, type)})
    return objects


def serialize(layer):
    """{"class_name": the layer's class (its registered name), "config":
    layer.get_config()} (tf.keras.layers.serialize(layer), TF 1.x form).

        gc.keras.layers.serialize(gc.keras.layers.Dense(2))["class_name"]   # 'Dense'
    """
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A new layer (or model) from serialize's dict (tf.keras.layers.deserialize(config,
    custom_objects=None)): the class by name from custom_objects, the CustomObjectScopes,
    the registered objects, then gc.keras' layers and models; custom activations and
    initializers named in the config are looked up the same way.

        layer = gc.keras.layers.deserialize(config, custom_objects={"MyLayer": MyLayer})
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized layer: {config!r}")
    name = config["class_name"]
    cls = get_registered_object(name, custom_objects, _module_objects())
    if not isinstance(cls, type):
        raise ValueError(f"Unknown layer: {name}. Please ensure this object is passed to "
                         f"the `custom_objects` argument.")
    objects = {name: cls, **(custom_objects or {})}
    with CustomObjectScope(custom_objects or {}):
        return layer_from_config({"class_name": name, "config": config.get("config") or {}},
                                 objects)
