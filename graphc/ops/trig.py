"""More elementwise math (TF1 top-level names): the inverse trigonometric and the
hyperbolic functions, atan2 and log_sigmoid. Declared like elementwise.py's ops: each
states its derivative once, and vjp (g * d) and jvp (t * d) follow from it."""
import numpy as np

from .activations import softplus
from .elementwise import _binary, _unary, negative, reciprocal, rsqrt

__all__ = ["atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2",
           "log_sigmoid"]

ATAN, atan = _unary("Atan", "atan", np.arctan, lambda x, y, a: reciprocal(1 + x * x),
                    kind="float or complex", doc="arctan x; d = 1 / (1 + x^2).")
ASIN, asin = _unary("Asin", "asin", np.arcsin, lambda x, y, a: rsqrt(1 - x * x),
                    kind="float or complex",
                    doc="arcsin x (real x: NaN outside [-1, 1]); d = 1 / sqrt(1 - x^2).")
ACOS, acos = _unary("Acos", "acos", np.arccos, lambda x, y, a: -rsqrt(1 - x * x),
                    kind="float or complex",
                    doc="arccos x (real x: NaN outside [-1, 1]); d = -1 / sqrt(1 - x^2).")
SINH, sinh = _unary("Sinh", "sinh", np.sinh, lambda x, y, a: cosh(x), kind="float or complex",
                    doc="sinh x; d = cosh x.")
COSH, cosh = _unary("Cosh", "cosh", np.cosh, lambda x, y, a: sinh(x), kind="float or complex",
                    doc="cosh x; d = sinh x.")
ASINH, asinh = _unary("Asinh", "asinh", np.arcsinh, lambda x, y, a: rsqrt(x * x + 1),
                      kind="float or complex", doc="arsinh x; d = 1 / sqrt(x^2 + 1).")
# d = 1 / sinh(y) (TF1's form): no cancellation in x^2 - 1 near x = 1
ACOSH, acosh = _unary("Acosh", "acosh", np.arccosh, lambda x, y, a: reciprocal(sinh(y)),
                      kind="float or complex",
                      doc="arcosh x (real x: NaN below 1); d = 1 / sinh(acosh x).")
ATANH, atanh = _unary("Atanh", "atanh", np.arctanh, lambda x, y, a: reciprocal(1 - x * x),
                      kind="float or complex",
                      doc="artanh x (real x: NaN outside [-1, 1]); d = 1 / (1 - x^2).")


def _atan2_partials(y, x, z):
    """d/dy atan2(y, x) = x / (x^2 + y^2); d/dx = -y / (x^2 + y^2). A division, as TF's
    rule, not a reciprocal (whose gradient is 0 for a zero cotangent): the second
    derivatives at the origin stay NaN, as TF's."""
    d = x * x + y * y
    return x / d, -y / d


ATAN2, _atan2 = _binary("Atan2", "atan2", np.arctan2, _atan2_partials, kind="float",
                        doc="The angle of the point (x, y), in [-pi, pi] (numpy's arctan2).")
ATAN2.signature = "atan2(y, x, name=None)"


def atan2(y, x, name=None):
    """The angle of (x, y) from the positive x axis, elementwise: atan(y / x) with the
    quadrant taken from the signs. `gc.atan2(1.0, -1.0)` is 3 pi / 4."""
    return _atan2(y, x, name=name)


def log_sigmoid(x, name=None):
    """log(1 / (1 + e^-x)) = -softplus(-x), without overflow for large |x|.

        gc.log_sigmoid(gc.constant([-1000.0, 0.0]))   # [-1000, -log 2]
    """
    return negative(softplus(negative(x)), name=name or "log_sigmoid")
