"""Complex numbers (TF1): complex(real, imag), real, imag, conj, angle, the magnitude
abs(z) (ComplexAbs), to_complex64/128 and conjugate_transpose.

Gradients follow TF's convention: the gradient of a real loss L with respect to a
complex z = x + iy is dL/dx + i dL/dy, so a holomorphic op's vjp is g * conj(f'(z))
(elementwise.conj_of) and its jvp t * f'(z); the non-holomorphic ops below (real, imag,
conj, angle, abs) state both rules in terms of real and imaginary parts.
"""
import numpy as np

from .. import dtypes
from ..shapes import InferError
from .core import convert_to_tensor
from .registry import OpDef, apply1, register

complex64 = dtypes.complex64
complex128 = dtypes.complex128

__all__ = ["complex", "real", "imag", "conj", "angle", "to_complex64", "to_complex128",
           "conjugate_transpose", "complex64", "complex128"]

_COMPLEX_OF = {"float32": dtypes.complex64, "float64": dtypes.complex128}


def _infer_complex(ctx, re, im):
    ctx.same_dtype()
    ctx.require(0, "float")
    if re.dtype.name not in _COMPLEX_OF:
        raise InferError(f"{{0}} has dtype {re.dtype.name}; complex needs float32 "
                         "(complex64) or float64 (complex128) parts", "dtype")
    return ctx.broadcast(), _COMPLEX_OF[re.dtype.name]


def _complex_kernel(re, im):
    out = np.empty(np.broadcast_shapes(re.shape, im.shape), _COMPLEX_OF[re.dtype.name].np)
    out.real, out.imag = re, im
    return out


def _complex_vjp(node, gs):
    """z = re + i im: g_re = real(g), g_im = imag(g)."""
    return [real(gs[0]), imag(gs[0])]


def _complex_jvp(node, ts):
    """dz = t_re + i t_im (a missing tangent is zero)."""
    from .creation import zeros_like
    re, im = node.inputs
    t_re = ts[0] if ts[0] is not None else zeros_like(re)
    t_im = ts[1] if ts[1] is not None else zeros_like(im)
    return complex(t_re, t_im)


COMPLEX = register(OpDef(
    "Complex", _infer_complex, _complex_kernel, vjp=_complex_vjp, jvp=_complex_jvp,
    elementwise=True, api="complex", signature="complex(real, imag, name=None)",
    shape_rule="numpy broadcast of real and imag",
    dtypes="float32 -> complex64, float64 -> complex128 (real, imag same)",
    doc="real + i imag."))


def _infer_part(ctx, z):
    ctx.require(0, "complex")
    return z.shape, z.dtype.real_dtype


def _infer_same(ctx, z):
    ctx.require(0, "complex")
    return z.shape, z.dtype


def _real_of(fn):
    def kernel(z):
        return np.array(fn(z), dtype=z.real.dtype)        # a fresh copy, never a view
    return kernel


def _zeros(t):
    from .creation import zeros_like
    return zeros_like(t)


REAL = register(OpDef(
    "Real", _infer_part, _real_of(np.real),
    vjp=lambda node, gs: [complex(gs[0], _zeros(gs[0]))],
    jvp=lambda node, ts: None if ts[0] is None else real(ts[0]),
    elementwise=True, api="real", signature="real(input, name=None)",
    shape_rule="same as input", dtypes="complex -> float", doc="The real part."))

IMAG = register(OpDef(
    "Imag", _infer_part, _real_of(np.imag),
    vjp=lambda node, gs: [complex(_zeros(gs[0]), gs[0])],
    jvp=lambda node, ts: None if ts[0] is None else imag(ts[0]),
    elementwise=True, api="imag", signature="imag(input, name=None)",
    shape_rule="same as input", dtypes="complex -> float", doc="The imaginary part."))

CONJ = register(OpDef(
    "Conj", _infer_same, np.conj,
    vjp=lambda node, gs: [conj(gs[0])],
    jvp=lambda node, ts: None if ts[0] is None else conj(ts[0]),
    elementwise=True, api="conj", signature="conj(x, name=None)",
    shape_rule="same as x", dtypes="complex", doc="The complex conjugate re - i im."))


def _angle_vjp(node, gs):
    """angle = atan2(im, re): d/dre = -im/|z|^2, d/dim = re/|z|^2, so the TF-packed
    gradient is g (-im + i re)/|z|^2 = -g / (im + i re)."""
    z = node.inputs[0]
    return [-complex(gs[0], _zeros(gs[0])) / complex(imag(z), real(z))]


def _angle_jvp(node, ts):
    """d angle = imag(conj(z) t) / |z|^2."""
    if ts[0] is None:
        return None
    z = node.inputs[0]
    return imag(conj(z) * ts[0]) / real(conj(z) * z)


ANGLE = register(OpDef(
    "Angle", _infer_part, _real_of(np.angle), vjp=_angle_vjp, jvp=_angle_jvp,
    elementwise=True, api="angle", signature="angle(input, name=None)",
    shape_rule="same as input", dtypes="complex -> float",
    doc="The argument atan2(im, re), in [-pi, pi]."))


def _safe_div(a, b):
    """a / b, 0 where b == 0 (TF's div_no_nan in the ComplexAbs gradient)."""
    from .elementwise import equal, select
    zero = equal(b, 0)
    return select(zero, _zeros(a), a / select(zero, b + 1, b))


def _abs_vjp(node, gs):
    """|z| = sqrt(re^2 + im^2): the TF-packed gradient is g z / |z| (0 at z = 0)."""
    z, r = node.inputs[0], node.outputs[0]
    return [_safe_div(complex(gs[0], _zeros(gs[0])) * z, complex(r, _zeros(r)))]


def _abs_jvp(node, ts):
    """d|z| = real(conj(z) t) / |z| (0 at z = 0)."""
    if ts[0] is None:
        return None
    z, r = node.inputs[0], node.outputs[0]
    return _safe_div(real(conj(z) * ts[0]), r)


COMPLEX_ABS = register(OpDef(
    "ComplexAbs", _infer_part, _real_of(np.abs), vjp=_abs_vjp, jvp=_abs_jvp,
    elementwise=True, api="abs", signature="abs(x, name=None)",
    shape_rule="same as x", dtypes="complex -> float",
    doc="The magnitude |z| of a complex tensor (what gc.abs gives for complex x)."))


def complex_abs(x, name=None):
    """|x| of a complex tensor, as its real dtype (gc.abs calls it for complex x)."""
    return apply1(COMPLEX_ABS, (convert_to_tensor(x),), name=name or "ComplexAbs")


def complex(real, imag, name=None):  # noqa: A001 (TF1 name)
    """real + i imag: float32 parts give complex64, float64 parts complex128 (TF1).

        gc.complex([2.25, 3.25], [4.75, 5.75])    # [2.25+4.75j, 3.25+5.75j], complex64
    """
    from .elementwise import operands
    re, im = operands(real, imag, "complex")
    return apply1(COMPLEX, (re, im), name=name or "Complex")


def _numeric(x, api):
    x = convert_to_tensor(x)
    if not x.dtype.is_numeric:
        raise TypeError(f"{api}: expected a numeric tensor, got dtype {x.dtype.name} "
                        f"({x.name})")
    return x


def real(input, name=None):  # noqa: A002 (TF1 name)
    """The real part of a complex tensor, as its real dtype; a real tensor is returned as
    it is (TF1). `gc.real(gc.constant([-2.25 + 4.75j]))` is [-2.25] (float64)."""
    x = _numeric(input, "real")
    if not x.dtype.is_complex:
        return x
    return apply1(REAL, (x,), name=name or "Real")


def imag(input, name=None):  # noqa: A002 (TF1 name)
    """The imaginary part of a complex tensor, as its real dtype; zeros for a real
    tensor (TF1). `gc.imag(gc.constant([-2.25 + 4.75j]))` is [4.75] (float64)."""
    x = _numeric(input, "imag")
    if not x.dtype.is_complex:
        from .creation import zeros_like
        return zeros_like(x, name=name)
    return apply1(IMAG, (x,), name=name or "Imag")


def conj(x, name=None):
    """The complex conjugate; a real tensor is returned as it is (TF1).

        gc.conj(gc.constant([-2.25 + 4.75j]))      # [-2.25 - 4.75j]
    """
    x = _numeric(x, "conj")
    if not x.dtype.is_complex:
        return x
    return apply1(CONJ, (x,), name=name or "Conj")


def angle(input, name=None):  # noqa: A002 (TF1 name)
    """The argument atan2(imag, real) of each element, as the real dtype; for a real
    tensor pi where input < 0, else 0 (TF1). `gc.angle(gc.constant(1j))` is pi/2."""
    x = _numeric(input, "angle")
    if x.dtype.is_complex:
        return apply1(ANGLE, (x,), name=name or "Angle")
    from .creation import zeros_like
    from .elementwise import less, select
    return select(less(x, 0), zeros_like(x) + np.pi, zeros_like(x), name=name)


def to_complex64(x, name="ToComplex64"):
    """cast(x, complex64) (TF1's deprecated tf.to_complex64)."""
    from .elementwise import cast
    return cast(x, dtypes.complex64, name=name)


def to_complex128(x, name="ToComplex128"):
    """cast(x, complex128) (TF1's deprecated tf.to_complex128)."""
    from .elementwise import cast
    return cast(x, dtypes.complex128, name=name)


def conjugate_transpose(x, perm=None, name="transpose"):
    """transpose(x, perm) with complex elements conjugated (TF1's tf.conjugate_transpose).

        gc.conjugate_transpose([[1 + 1j, 2j]])      # [[1 - 1j], [-2j]]
    """
    from .array import transpose
    return transpose(x, perm, name=name, conjugate=True)
