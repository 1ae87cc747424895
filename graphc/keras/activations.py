"""gc.keras.activations: Keras' activation functions, by name or as functions.

    gc.keras.activations.get("relu")(x)        # gc.nn.relu(x)
"""
import graphc as gc

__all__ = ["get", "serialize", "deserialize", "relu", "sigmoid", "tanh", "softmax",
           "linear", "elu", "selu", "softplus", "softsign", "exponential", "hard_sigmoid",
           "swish", "mish"]


def relu(x, alpha=0.0, max_value=None, threshold=0):
    """max(x, 0), with Keras' alpha (leak), max_value (cap) and threshold."""
    if alpha == 0 and max_value is None and threshold == 0:
        return gc.nn.relu(x)
    neg = None
    if alpha != 0:
        neg = gc.nn.relu(-x + threshold) if threshold != 0 else gc.nn.relu(-x)
    if threshold != 0:
        y = x * gc.cast(gc.greater(x, threshold), x.dtype)
    else:
        y = gc.nn.relu(x)
    if max_value is not None:
        y = gc.clip_by_value(y, gc.zeros([], x.dtype), gc.cast(max_value, x.dtype))
    if neg is not None:
        y = y - alpha * neg
    return y


def sigmoid(x):
    return gc.sigmoid(x)


def tanh(x):
    return gc.tanh(x)


def softmax(x, axis=-1):
    """softmax over `axis` (Keras refuses rank-1 inputs)."""
    if x.shape.ndims == 1:
        raise ValueError("Cannot apply softmax to a tensor that is 1D. Received input: "
                         f"{x}")
    return gc.nn.softmax(x, axis=axis)


def linear(x):
    return x


def elu(x, alpha=1.0):
    y = gc.nn.elu(x)
    return y if alpha == 1 else gc.where(x > 0, y, alpha * y)


def selu(x):
    return gc.nn.selu(x)


def softplus(x):
    return gc.nn.softplus(x)


def softsign(x):
    return gc.nn.softsign(x)


def exponential(x):
    return gc.exp(x)


def hard_sigmoid(x):
    """clip(0.2 * x + 0.5, 0, 1) (TF1 Keras)."""
    return gc.clip_by_value(x * 0.2 + 0.5, 0.0, 1.0)


def swish(x):
    """x * sigmoid(x) (SiLU): gc.keras.activations.swish(x)."""
    return gc.nn.swish(x)


def mish(x):
    """x * tanh(softplus(x)): gc.keras.activations.mish(x)."""
    return x * gc.tanh(gc.nn.softplus(x))


_BY_NAME = {f.__name__: f for f in (relu, sigmoid, tanh, softmax, linear, elu, selu,
                                    softplus, softsign, exponential, hard_sigmoid, swish,
                                    mish)}


def get(identifier):
    """An activation from a name, a function or None (linear).

        gc.keras.activations.get("softmax")
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier in _BY_NAME:
            return _BY_NAME[identifier]
        from .utils_registry import _GLOBAL_CUSTOM_OBJECTS, _scoped
        custom = {**_GLOBAL_CUSTOM_OBJECTS, **_scoped()}    # custom_object_scope's too
        if callable(custom.get(identifier)):
            return custom[identifier]
        raise ValueError(f"Unknown activation function: {identifier}")
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation):
    """The activation's name: 'relu' for gc.keras.activations.relu and gc.nn.relu alike
    (an op function's __name__ is 'nn.relu'), as TF's."""
    return getattr(activation, "__name__", str(activation)).rsplit(".", 1)[-1]


def deserialize(name):
    return get(name)
