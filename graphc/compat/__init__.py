"""tf.compat: what TF2-era code reaches for to run TF1 code.

    import graphc.compat.v1 as tf      # as `import tensorflow.compat.v1 as tf`
    tf.disable_v2_behavior()           # graphc is always TF1: a no-op
"""
from . import v1  # noqa: F401


def dimension_value(dimension):
    """A static dim as an int or None (TF's tf.compat.dimension_value; graphc's dims
    already are, and a TF1-style object with .value is read through it)."""
    return getattr(dimension, "value", dimension)
