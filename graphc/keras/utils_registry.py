"""Custom objects of gc.keras by name (tf.keras.saving / utils object registration):
the global registry of register_keras_serializable and get_custom_objects, and
CustomObjectScope, which adds objects by name for the code inside it (this thread).

    @gc.keras.utils.register_keras_serializable(package="my")
    class Cubed(gc.keras.losses.Loss): ...
    gc.keras.utils.get_registered_name(Cubed)          # 'my>Cubed'
"""
import inspect
import threading

__all__ = ["CustomObjectScope", "custom_object_scope", "get_custom_objects",
           "register_keras_serializable", "get_registered_name", "get_registered_object"]

_GLOBAL_CUSTOM_OBJECTS = {}
_GLOBAL_CUSTOM_NAMES = {}
_LOCAL = threading.local()


def _scoped():
    """The objects of the CustomObjectScopes open in this thread."""
    if not hasattr(_LOCAL, "objects"):
        _LOCAL.objects = {}
    return _LOCAL.objects


class CustomObjectScope:
    """`with CustomObjectScope({"name": obj}, ...):` makes the objects known by name to
    deserialization (get, load_model, from_config) inside the block.

        with gc.keras.utils.custom_object_scope({"cubed": cubed}):
            loss = gc.keras.losses.get("cubed")
    """

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = dict(_scoped())
        for objects in self.custom_objects:
            _scoped().update(objects)
        return self

    def __exit__(self, *args, **kwargs):
        _scoped().clear()
        _scoped().update(self.backup)


custom_object_scope = CustomObjectScope


def get_custom_objects():
    """The global dict of custom objects by name (edit it to register an object).

        gc.keras.utils.get_custom_objects()["cubed"] = cubed
    """
    return _GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package="Custom", name=None):
    """A decorator registering a class or function as '{package}>{name}' (name: its
    __name__); classes need get_config.

        @gc.keras.utils.register_keras_serializable(package="my", name="cube")
        def cube(y_true, y_pred): ...
    """
    def decorator(arg):
        class_name = name if name is not None else arg.__name__
        registered_name = package + ">" + class_name
        if inspect.isclass(arg) and not hasattr(arg, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() "
                             "method.")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg
    return decorator


def get_registered_name(obj):
    """The name `obj` was registered under, else its __name__."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return obj.__name__


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object of `name`: from the open CustomObjectScopes, the global registry,
    custom_objects, then module_objects; None if none has it.

        gc.keras.utils.get_registered_object("my>Cubed")
    """
    if name in _scoped():
        return _scoped()[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None
