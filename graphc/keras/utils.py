"""gc.keras.utils: to_categorical, normalize, Sequence, and the (de)serialization of
Keras objects by name or config that constraints, regularizers and others share.

    gc.keras.utils.to_categorical([0, 2], 3)     # [[1, 0, 0], [0, 0, 1]] float32
"""
import inspect

import numpy as np

from .utils_registry import (CustomObjectScope, custom_object_scope, get_custom_objects,
                             get_registered_name, get_registered_object,
                             register_keras_serializable)

__all__ = ["to_categorical", "normalize", "Sequence", "serialize_keras_object",
           "deserialize_keras_object", "CustomObjectScope", "custom_object_scope",
           "get_custom_objects", "register_keras_serializable", "get_registered_name",
           "get_registered_object", "Progbar", "enable_interactive_logging",
           "disable_interactive_logging", "is_interactive_logging_enabled",
           "pad_sequences", "to_ordinal", "get_file", "SequenceEnqueuer",
           "OrderedEnqueuer", "GeneratorEnqueuer", "model_to_dot", "plot_model",
           "get_source_inputs", "image_dataset_from_directory",
           "text_dataset_from_directory", "timeseries_dataset_from_array", "split_dataset"]


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot rows of integer labels (a trailing dim of 1 is dropped), num_classes
    max(y) + 1 by default."""
    y = np.array(y, dtype="int")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.ravel()
    if num_classes is None:
        num_classes = int(np.max(y)) + 1
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """x divided by its `order`-norm along `axis` (zero norms left as 1)."""
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


class Sequence:
    """A dataset of batches for fit_generator / fit (tf.keras.utils.Sequence): define
    `__len__` (batches per epoch) and `__getitem__(i)` -> (x, y) or (x, y, weights);
    `on_epoch_end` runs after each epoch.

        class Batches(gc.keras.utils.Sequence):
            def __len__(self): return 10
            def __getitem__(self, i): return xs[i * 32:(i + 1) * 32], ys[i * 32:(i + 1) * 32]
    """

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def serialize_keras_object(instance):
    """{"class_name": ..., "config": ...} of an object with get_config (its class by
    its registered name); a plain function by its name; None -> None
    (tf.keras.utils.serialize_keras_object, legacy form)."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": get_registered_name(type(instance)),
                "config": instance.get_config()}
    if hasattr(instance, "__name__"):
        return get_registered_name(instance)
    raise ValueError(f"Cannot serialize {instance!r} since it doesn't implement "
                     f"`get_config()`.")


def _lookup(name, module_objects, custom_objects):
    """custom_objects first, then the scopes and the registry, then module_objects."""
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return get_registered_object(name, None, module_objects)


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name="object"):
    """The object of serialize_keras_object: a config dict's class (from
    custom_objects, CustomObjectScopes, registered objects, then module_objects) built
    by from_config; a name gives a function as it is, a class as a new instance.

        gc.keras.utils.deserialize_keras_object({"class_name": "Huber", "config": {}},
                                                module_objects=vars(gc.keras.losses))
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        name = identifier["class_name"]
        cls = _lookup(name, module_objects, custom_objects)
        if cls is None:
            # (tf.keras quotes the name; tests/test_keras3.py expects it unquoted)
            raise ValueError(f"Unknown {printable_module_name}: {name}. Please ensure "
                             f"you are using a `keras.utils.custom_object_scope` and that "
                             f"this object is included in the scope.")
        config = dict(identifier.get("config") or {})
        if not hasattr(cls, "from_config"):
            return cls(**config)
        if "custom_objects" in inspect.signature(cls.from_config).parameters:
            return cls.from_config(config, custom_objects=custom_objects)
        with CustomObjectScope(custom_objects or {}):
            return cls.from_config(config)
    if isinstance(identifier, str):
        obj = _lookup(identifier, module_objects, custom_objects)
        if obj is None:
            raise ValueError(f"Unknown {printable_module_name}: '{identifier}'. Please "
                             f"ensure you are using a `keras.utils.custom_object_scope` "
                             f"and that this object is included in the scope.")
        return obj() if inspect.isclass(obj) else obj
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret serialized {printable_module_name}: "
                     f"{identifier}")


def get_keras_object(identifier, module_objects, custom_objects, printable_module_name):
    """None, a name (an instance with default arguments), a config dict or a callable,
    as the `get` of constraints and regularizers take them."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, module_objects, custom_objects,
                                        printable_module_name)
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            return custom_objects[identifier]
        return deserialize_keras_object({"class_name": identifier}, module_objects, None,
                                        printable_module_name)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {printable_module_name} identifier: "
                     f"{identifier}")


from .utils_progbar import (Progbar, disable_interactive_logging,  # noqa: E402
                            enable_interactive_logging, is_interactive_logging_enabled)
from .utils_data import (GeneratorEnqueuer, OrderedEnqueuer, SequenceEnqueuer,  # noqa: E402
                         get_file, pad_sequences, to_ordinal)
from .utils_vis import get_source_inputs, model_to_dot, plot_model  # noqa: E402
from .utils_dataset import (image_dataset_from_directory, split_dataset,  # noqa: E402
                            text_dataset_from_directory, timeseries_dataset_from_array)
