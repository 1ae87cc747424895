"""tf.compat: what TF2-era code reaches for to run TF1 code, and TF's string and type
helpers (as_bytes, as_text, path_to_str, the *_types tuples, forward_compatible).

    import graphc.compat.v1 as tf      # as `import tensorflow.compat.v1 as tf`
    tf.disable_v2_behavior()           # TF1's shapes and Keras layer dtypes, as in TF
    gc.compat.as_bytes("name")         # b'name'
"""
import contextlib
import datetime
import numbers

import numpy as np

from . import v1  # noqa: F401

bytes_or_text_types = (bytes, str)
integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)

# The date after which graphs may use ops newer than what consumers know (TF moves it
# three weeks past each build); graphc's consumers are graphc itself.
_HORIZON = [datetime.date(2026, 12, 18)]


def dimension_value(dimension):
    """A static dim as an int or None (TF's tf.compat.dimension_value; graphc's dims
    already are, and a TF1-style object with .value is read through it)."""
    return getattr(dimension, "value", dimension)


def dimension_at_index(shape, index):
    """shape[index] as a Dimension (unknown when the rank is), as TF's."""
    from ..dimension import Dimension
    from ..shapes import TensorShape
    shape = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if shape.rank is None:
        return Dimension(None)
    return Dimension(shape._dims[index])


def as_bytes(bytes_or_text, encoding="utf-8"):
    """bytes of a str (encoded), bytes or bytearray (TF's tf.compat.as_bytes)."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text, encoding="utf-8"):
    """str of a str or bytes (decoded) (TF's tf.compat.as_text / as_str)."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value, encoding="utf-8"):
    """as_str of bytes, str() of anything else."""
    return as_str(value, encoding) if isinstance(value, bytes) else str(value)


def path_to_str(path):
    """A path-like object as a str (other values unchanged)."""
    if hasattr(path, "__fspath__"):
        path = as_str_any(path.__fspath__())
    return path


def forward_compatible(year, month, day):
    """Whether the forward-compatibility horizon is past year-month-day."""
    return _HORIZON[0] > datetime.date(year, month, day)


@contextlib.contextmanager
def forward_compatibility_horizon(year, month, day):
    """Moves the horizon to year-month-day inside the block (for tests)."""
    old = _HORIZON[0]
    _HORIZON[0] = datetime.date(year, month, day)
    try:
        yield
    finally:
        _HORIZON[0] = old
