"""gc.keras.utils: to_categorical, normalize, Sequence, and the (de)serialization of
Keras objects by name or config that constraints, regularizers and others share.

    gc.keras.utils.to_categorical([0, 2], 3)     # [[1, 0, 0], [0, 0, 1]] float32
"""
import numpy as np

__all__ = ["to_categorical", "normalize", "Sequence", "serialize_keras_object",
           "deserialize_keras_object"]


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
    """{"class_name": ..., "config": ...} of an object with get_config; a plain function
    by its name; None -> None (tf.keras.utils.serialize_keras_object)."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return {"class_name": type(instance).__name__, "config": instance.get_config()}
    return getattr(instance, "__name__", type(instance).__name__)


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name="object"):
    """The object of serialize_keras_object's dict: its class from custom_objects, then
    module_objects, built by from_config (or the class itself with the config)."""
    name = identifier["class_name"]
    cls = (custom_objects or {}).get(name) or (module_objects or {}).get(name)
    if cls is None:
        raise ValueError(f"Unknown {printable_module_name}: {name}")
    config = dict(identifier.get("config") or {})
    return cls.from_config(config) if hasattr(cls, "from_config") else cls(**config)


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
