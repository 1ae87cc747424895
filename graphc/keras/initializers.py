"""gc.keras.initializers: Keras' initializers (TF 1.x defaults), by name or object.

    gc.keras.initializers.get("glorot_uniform")     # GlorotUniform()
    gc.keras.initializers.RandomUniform()            # minval=-0.05, maxval=0.05 (Keras)
"""
from .. import initializers as _init

__all__ = ["get", "serialize", "deserialize", "Initializer", "Zeros", "Ones", "Constant", "RandomUniform",
           "RandomNormal", "TruncatedNormal", "VarianceScaling", "GlorotUniform",
           "GlorotNormal", "Orthogonal", "Identity", "he_normal", "he_uniform",
           "lecun_normal", "lecun_uniform", "glorot_uniform", "glorot_normal", "zeros",
           "ones", "constant", "uniform", "normal", "orthogonal", "identity",
           "random_normal", "random_uniform", "truncated_normal"]

Initializer = _init.Initializer
Zeros, Ones, Constant = _init.Zeros, _init.Ones, _init.Constant
VarianceScaling, GlorotUniform, GlorotNormal = (_init.VarianceScaling, _init.GlorotUniform,
                                                _init.GlorotNormal)
Orthogonal, Identity = _init.Orthogonal, _init.Identity
he_normal, he_uniform = _init.he_normal, _init.he_uniform
lecun_normal, lecun_uniform = _init.lecun_normal, _init.lecun_uniform


class RandomUniform(_init.RandomUniform):
    """Uniform in [minval, maxval): Keras' defaults -0.05, 0.05."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=None):
        super().__init__(minval, maxval, seed=seed, **({"dtype": dtype} if dtype else {}))


class RandomNormal(_init.RandomNormal):
    """Normal(mean, stddev): Keras' defaults 0, 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=None):
        super().__init__(mean, stddev, seed=seed, **({"dtype": dtype} if dtype else {}))


class TruncatedNormal(_init.TruncatedNormal):
    """Normal(mean, stddev) cut at 2 stddev: Keras' defaults 0, 0.05."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=None):
        super().__init__(mean, stddev, seed=seed, **({"dtype": dtype} if dtype else {}))


glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
zeros, ones, constant = Zeros, Ones, Constant
uniform, normal, orthogonal, identity = RandomUniform, RandomNormal, Orthogonal, Identity
random_uniform, random_normal, truncated_normal = RandomUniform, RandomNormal, TruncatedNormal

_BY_NAME = {"glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "zeros": Zeros,
            "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
            "uniform": RandomUniform, "random_uniform": RandomUniform,
            "normal": RandomNormal, "random_normal": RandomNormal,
            "truncated_normal": TruncatedNormal, "orthogonal": Orthogonal,
            "identity": Identity, "he_normal": he_normal, "he_uniform": he_uniform,
            "lecun_normal": lecun_normal, "lecun_uniform": lecun_uniform,
            "variance_scaling": VarianceScaling}


def get(identifier, custom_objects=None):
    """An initializer object from a name, a config {"class_name", "config"}, an
    object/callable, or None (None).

        init = gc.keras.initializers.get("he_normal")
        gc.keras.initializers.get({"class_name": "Constant", "config": {"value": 2.0}})
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        name, config = identifier["class_name"], dict(identifier.get("config") or {})
        from .utils_registry import get_registered_object     # CustomObjectScope too
        cls = (custom_objects or {}).get(name) or get_registered_object(name) \
            or globals().get(name) or _BY_NAME.get(name)
        if not isinstance(cls, type):
            raise ValueError(f"Unknown initializer: {name}")
        return cls(**config)
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            return custom_objects[identifier]
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown initializer: {identifier}")
        return _BY_NAME[identifier]()
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer):
    """{"class_name": ..., "config": ...} of an initializer object (Keras' form); a
    plain function by its name."""
    if initializer is None:
        return None
    if hasattr(initializer, "get_config"):
        return {"class_name": type(initializer).__name__,
                "config": initializer.get_config()}
    return getattr(initializer, "__name__", type(initializer).__name__)


def deserialize(config, custom_objects=None):
    """The initializer of serialize's {"class_name", "config"} (or a name).

        gc.keras.initializers.deserialize({"class_name": "RandomNormal",
                                           "config": {"stddev": 0.1}})
    """
    return get(config, custom_objects)
