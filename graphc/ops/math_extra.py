"""More TF1 functions on values (array_extra.py has those on layout, counting.py the
counting and searching ones): the broadcast of two shapes (BroadcastArgs, and
broadcast_static_shape on TensorShapes) and elementwise math: realdiv, div_no_nan (its
derivatives are 0 where y == 0, never 0 * inf), erfc, rint and the composite polyval
(Horner's rule).
"""
import math

import numpy as np

from ..graph import name_scope
from ..shapes import InferError, TensorShape, as_shape
from .array import _shape_tensor, zeros_like
from .core import convert_to_tensor
from .elementwise import DIV, _infer_binary, _unary, conj_of, exp, operands
from .indexing import _int_index
from .registry import OpDef, apply1, register, shape_value

__all__ = ["broadcast_dynamic_shape", "broadcast_static_shape", "polyval", "realdiv",
           "div_no_nan", "erfc", "erfinv", "rint"]


def _entries(ctx, t):
    """The number of entries of a scalar or 1-D tensor, if known."""
    r = t.shape.rank
    return 1 if r == 0 else ctx.resolve(t.shape._dims[0]) if r == 1 else None


# ---- broadcast shapes: BroadcastArgs and broadcast_static_shape ------------------------------
def _broadcast_dim(a, b):
    """The broadcast of two dims (int, named or None); None when it depends on run time.
    Raises ValueError for two different known sizes, neither 1."""
    if a == 1 or a == b:
        return b
    if b == 1:
        return a
    if isinstance(a, int) and isinstance(b, int):
        raise ValueError(f"{a} vs {b}")
    return a if isinstance(a, int) else b if isinstance(b, int) else None


def _broadcast_dims(a, b):
    """The broadcast of two known-rank tuples of dims (numpy's rule, from the right)."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    return tuple(_broadcast_dim(x, y) for x, y in zip(a, b))


def _infer_broadcast_args(ctx, s0, s1):
    for i, t in enumerate((s0, s1)):
        _int_index(ctx, i, t, "the shape")
        if t.shape.rank not in (1, None):
            raise InferError(f"the shape {{{i}}} must be 1-D, not of shape {t.shape}")
    ctx.same_dtype()
    a, b = ctx.shape_value(s0)._dims, ctx.shape_value(s1)._dims
    if a is not None and b is not None:
        try:
            _broadcast_dims(a, b)
        except ValueError as e:
            raise InferError(f"the shapes {TensorShape(a)} ({{0}}) and {TensorShape(b)} "
                             f"({{1}}) cannot be broadcast: {e}") from None
    n0, n1 = _entries(ctx, s0), _entries(ctx, s1)
    return ((None if n0 is None or n1 is None else max(n0, n1)),), s0.dtype


def _broadcast_args_kernel(s0, s1):
    try:
        out = np.broadcast_shapes(tuple(s0.tolist()), tuple(s1.tolist()))
    except ValueError:
        raise ValueError(f"broadcast_dynamic_shape: shapes {s0.tolist()} and {s1.tolist()} "
                         "cannot be broadcast") from None
    return np.array(out, s0.dtype)


def _broadcast_args_partial(node):
    """What is known of the result from what is known of the two shapes."""
    a, b = (shape_value(t)._dims for t in node.inputs)
    try:
        return None if a is None or b is None else TensorShape(_broadcast_dims(a, b))
    except ValueError:                      # named dims that clash: known at run time
        return None


BROADCAST_ARGS = register(OpDef(
    "BroadcastArgs", _infer_broadcast_args, _broadcast_args_kernel,
    partial=_broadcast_args_partial, differentiable=False, api="broadcast_dynamic_shape",
    signature="broadcast_dynamic_shape(shape_x, shape_y)",
    shape_rule="(max(len(shape_x), len(shape_y)),)", dtypes="int32 or int64 (both same)",
    doc="The shape that tensors of shapes shape_x and shape_y broadcast to (numpy's "
        "rule), computed at run time."))


def broadcast_dynamic_shape(shape_x, shape_y):
    """The broadcast of two shapes given as 1-D int tensors, a 1-D int tensor:
    `gc.broadcast_dynamic_shape(gc.shape(x), gc.shape(y))`; [2, 1, 3] and [4, 1] give
    [2, 4, 3]."""
    api = "broadcast_dynamic_shape"
    return apply1(BROADCAST_ARGS, (_shape_tensor(shape_x, api, "shape_x"),
                                   _shape_tensor(shape_y, api, "shape_y")),
                  name="BroadcastArgs")


def broadcast_static_shape(shape_x, shape_y):
    """The broadcast of two TensorShapes, a TensorShape; a dim is unknown where it
    depends on an unknown one. Raises ValueError if they cannot broadcast:

        gc.broadcast_static_shape(gc.TensorShape([None, 1, 3]), gc.TensorShape([4, 1]))
        # TensorShape([None, 4, 3])
    """
    a, b = as_shape(shape_x), as_shape(shape_y)
    if a._dims is None or b._dims is None:
        return TensorShape(None)
    try:
        return TensorShape(_broadcast_dims(a._dims, b._dims))
    except ValueError as e:
        raise ValueError(f"Incompatible shapes for broadcasting: {a} and {b} ({e})") from None


# ---- elementwise math ---------------------------------------------------------------------
def _erfc_kernel(x):
    try:
        from scipy.special import erfc as _erfc
        return _erfc(x).astype(x.dtype, copy=False)
    except ImportError:
        return np.asarray(np.frompyfunc(math.erfc, 1, 1)(x)).astype(x.dtype)


ERFC, erfc = _unary("Erfc", "erfc", _erfc_kernel,
                    lambda x, y, a: (-2 / math.sqrt(math.pi)) * exp(-x * x), kind="float",
                    doc="1 - erf(x), accurate where erf(x) is near 1; "
                        "d = -2/sqrt(pi) e^(-x^2).")
def _erfinv_kernel(x):
    try:
        from scipy.special import erfinv as _erfinv
        return _erfinv(x).astype(x.dtype, copy=False)
    except ImportError:
        pass
    t = np.asarray(x, np.float64)
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - t) * (1.0 + t))
        y = t * np.where(w < 5.0, _poly(_GILES_CENTRAL, w - 2.5),
                         _poly(_GILES_TAIL, np.sqrt(w) - 3.0))
        erf = np.frompyfunc(math.erf, 1, 1)
        for _ in range(2):              # Newton on erf(y) = t from Giles' float32 guess
            step = (np.asarray(erf(y), np.float64) - t) / (2 / math.sqrt(math.pi) * np.exp(-y * y))
            y = np.where(np.isfinite(step), y - step, y)
        y = np.where(np.abs(t) == 1.0, np.copysign(np.inf, t), y)
        y = np.where(np.abs(t) > 1.0, np.nan, y)
    return np.asarray(y, dtype=x.dtype)


def _poly(coefficients, w):
    p = np.zeros_like(w)
    for c in coefficients:
        p = c + p * w
    return p


# M. Giles, "Approximating the erfinv function" (2010), its single-precision polynomials
_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                  0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
               0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)

ERFINV, erfinv = _unary("Erfinv", "erfinv", _erfinv_kernel,
                        lambda x, y, a: (math.sqrt(math.pi) / 2) * exp(y * y), kind="float",
                        doc="The inverse of erf on (-1, 1) (+-inf at +-1, NaN outside); "
                            "d = sqrt(pi)/2 e^(y^2).")
RINT, rint = _unary("Rint", "rint", np.rint, kind="float",
                    doc="The nearest integer, halves to even (rint(2.5) = 2); no gradient.")


def _div_no_nan_kernel(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.true_divide(x, y)
    return np.where(y == 0, np.zeros((), z.dtype), z)


def _div_no_nan_vjp(node, gs):
    """div_no_nan(g, conj(y)) and div_no_nan(-g conj(z), conj(y)) (z the output): 0 where
    y == 0, where -g x / y^2 would be 0 * inf (conj: TF's complex convention)."""
    y, z = conj_of(node.inputs[1]), conj_of(node.outputs[0])
    return [div_no_nan(gs[0], y), div_no_nan(-gs[0] * z, y)]


def _div_no_nan_jvp(node, ts):
    """div_no_nan(tx - ty z, y)."""
    y, z = node.inputs[1], node.outputs[0]
    if ts[0] is None and ts[1] is None:
        return None
    t = ts[0] if ts[1] is None else -ts[1] * z if ts[0] is None else ts[0] - ts[1] * z
    return div_no_nan(t, y)


DIV_NO_NAN = register(OpDef(
    "DivNoNan", _infer_binary("float or complex"), _div_no_nan_kernel, vjp=_div_no_nan_vjp,
    jvp=_div_no_nan_jvp, elementwise=True,
    api="div_no_nan", signature="div_no_nan(x, y, name=None)",
    shape_rule="numpy broadcast of x and y", dtypes="float or complex (x, y same)",
    doc="x / y, and 0 where y == 0 (whatever x is); the derivatives are 0 there too."))


def div_no_nan(x, y, name=None):
    """x / y where y != 0, else 0: `gc.div_no_nan([1.0, 2.0], [0.0, 4.0])` is [0, 0.5]."""
    x, y = operands(x, y, "div_no_nan")
    return apply1(DIV_NO_NAN, (x, y), name=name)


def realdiv(x, y, name=None):
    """x / y for float x and y of one dtype (TF1's RealDiv; gc.divide also converts
    integers to float64 first)."""
    x, y = operands(x, y, "realdiv")
    return apply1(DIV, (x, y), name=name)


def polyval(coeffs, x, name=None):
    """The polynomial coeffs[0] x^(n-1) + ... + coeffs[n-1] at x, by Horner's rule
    (p = c + p x): `gc.polyval([1.0, 2.0, 3.0], x)` is x^2 + 2x + 3. coeffs is a list of
    tensors or numbers that broadcast against x; an empty list gives zeros_like(x)."""
    if not isinstance(coeffs, list):
        raise ValueError(f"Argument coeffs must be list type found {type(coeffs)}.")
    with name_scope(name, "polyval"):
        x = convert_to_tensor(x)
        if not coeffs:
            return zeros_like(x)
        p = operands(coeffs[0], x, "polyval")[0]
        for c in coeffs[1:]:
            p = operands(c, x, "polyval")[0] + p * x
        return p
