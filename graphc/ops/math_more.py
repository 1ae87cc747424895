"""TF1 math functions added for parity (see docs/tf1-compat.md): C-style integer
division (truncatediv, truncatemod), multiply_no_nan, nextafter, the deprecated
arg_max/arg_min and conj/real/imag of real tensors. The special functions igamma,
igammac, betainc, zeta and the modified Bessel functions are in special.py.
"""
import numpy as np

from .. import dtypes
from .core import convert_to_tensor
from .creation import zeros_like
from .elementwise import _binary, _infer_binary, _nonzero_int_divisor, operands, sum_terms
from .reduce import argmax, argmin
from .registry import OpDef, apply1, register

__all__ = ["truncatediv", "truncatemod", "arg_max", "arg_min", "multiply_no_nan",
           "nextafter", "conj", "real", "imag"]


# ---- C-style division, multiply_no_nan, nextafter ---------------------------------------
def _truncatediv_kernel(x, y):
    if x.dtype.kind == "f":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.trunc(np.true_divide(x, y))
    _nonzero_int_divisor(y, "truncatediv")
    q = np.floor_divide(x, y)
    # floor -> trunc: one up where the division is inexact and the signs differ
    return q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0))).astype(q.dtype)


def _truncatemod_kernel(x, y):
    if x.dtype.kind != "f":
        _nonzero_int_divisor(y, "truncatemod")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.fmod(x, y)


TRUNCATEDIV, truncatediv = _binary(
    "TruncateDiv", "truncatediv", _truncatediv_kernel,
    doc="x / y rounded toward zero (C division: truncatediv(-7, 2) = -3); no gradient. An "
        "integer y of 0 fails the run.")
TRUNCATEMOD, truncatemod = _binary(
    "TruncateMod", "truncatemod", _truncatemod_kernel,
    doc="x - truncatediv(x, y) * y, the sign of x (C fmod: truncatemod(-7, 2) = -1); no "
        "gradient (TF1 neither). An integer y of 0 fails the run.")
NEXTAFTER, nextafter = _binary(
    "NextAfter", "nextafter", np.nextafter, lambda x, y, z: (1, None), kind="float",
    doc="The next float after x1 in the direction of x2; d/dx1 = 1, d/dx2 = 0 (as TF).")
NEXTAFTER.signature = "nextafter(x1, x2, name=None)"
_nextafter = nextafter


def nextafter(x1, x2, name=None):
    """The next float after x1 in the direction of x2 (elementwise)."""
    return _nextafter(x1, x2, name=name)


def _multiply_no_nan_kernel(x, y):
    with np.errstate(invalid="ignore", over="ignore"):
        z = np.multiply(x, y)
    return np.where(y == 0, np.zeros((), z.dtype), z)


def _multiply_no_nan_vjp(node, gs):
    """multiply_no_nan(g, y) and multiply_no_nan(x, g): the x-side is 0 where y == 0.
    For complex x, y this is TF's gradient, which does not conjugate (multiply's does:
    g * conj(y)): a TF quirk, kept so that gradients agree with TF's."""
    x, y = node.inputs
    return [multiply_no_nan(gs[0], y), multiply_no_nan(x, gs[0])]


def _multiply_no_nan_jvp(node, ts):
    """multiply_no_nan(tx, y) + multiply_no_nan(x, ty)."""
    x, y = node.inputs
    return sum_terms([None if ts[0] is None else multiply_no_nan(ts[0], y),
                      None if ts[1] is None else multiply_no_nan(x, ts[1])])


MULTIPLY_NO_NAN = register(OpDef(
    "MulNoNan", _infer_binary("float or complex"), _multiply_no_nan_kernel,
    vjp=_multiply_no_nan_vjp, jvp=_multiply_no_nan_jvp, elementwise=True,
    api="multiply_no_nan", signature="multiply_no_nan(x, y, name=None)",
    shape_rule="numpy broadcast of x and y", dtypes="float or complex (x, y same)",
    doc="x * y, and 0 where y == 0 even if x is inf or NaN; d/dx is 0 there too."))


def multiply_no_nan(x, y, name=None):
    """x * y where y != 0, else 0: `gc.multiply_no_nan([np.inf, 2.0], [0.0, 3.0])` is
    [0, 6]."""
    x, y = operands(x, y, "multiply_no_nan")
    return apply1(MULTIPLY_NO_NAN, (x, y), name=name)


# ---- TF1's old names and the complex-number functions on real tensors ------------------
def arg_max(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002 (TF1)
    """argmax under its deprecated TF1 name: `gc.arg_max(logits, 1)`."""
    return argmax(input, dimension, name=name, output_type=output_type)


def arg_min(input, dimension, output_type=dtypes.int64, name=None):  # noqa: A002 (TF1)
    """argmin under its deprecated TF1 name: `gc.arg_min(x, 0)`."""
    return argmin(input, dimension, name=name, output_type=output_type)


def _real_tensor(x, api):
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_integer):
        raise TypeError(f"{api}: expected a numeric tensor, got dtype {x.dtype.name} "
                        f"(graphc has no complex dtypes)")
    return x


def conj(x, name=None):
    """The complex conjugate; graphc's tensors are real, so x itself (as TF1 returns it)."""
    return _real_tensor(x, "conj")


def real(input, name=None):  # noqa: A002 (TF1 name)
    """The real part; for graphc's real tensors, input itself (as TF1 returns it)."""
    return _real_tensor(input, "real")


def imag(input, name=None):  # noqa: A002 (TF1 name)
    """The imaginary part; for graphc's real tensors, zeros of input's shape and dtype."""
    return zeros_like(_real_tensor(input, "imag"), name=name)
