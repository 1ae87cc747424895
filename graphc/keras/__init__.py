"""gc.keras: the graph-mode tf.keras of TF 1.x (tf.compat.v1.keras): layers, the
functional Model and Sequential, compile/fit/evaluate/predict, callbacks, losses,
metrics, optimizers and the backend (session, learning phase).

    model = gc.keras.Sequential([
        gc.keras.layers.Dense(64, activation="relu", input_shape=(784,)),
        gc.keras.layers.Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
"""
from . import (activations, backend, callbacks, constraints, initializers, layers, losses,
               metrics, optimizers, regularizers, utils)
from .engine import Input
from . import models
from .models import Model, Sequential
from . import experimental, estimator, mixed_precision

_LAZY = ("applications", "datasets", "preprocessing")   # imported when first used


def __getattr__(name):
    """gc.keras.applications, .datasets and .preprocessing, imported on first use (as
    TF's lazy loader does): `import graphc` does not pay for them."""
    if name in _LAZY:
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["activations", "backend", "callbacks", "constraints", "initializers", "layers",
           "losses", "metrics", "optimizers", "regularizers", "utils", "models", "Input",
           "Model", "Sequential", "experimental", "estimator", "mixed_precision",
           "applications", "datasets", "preprocessing"]
