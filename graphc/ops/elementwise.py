"""Elementwise ops. Each differentiable one states its partial derivatives once;
vjp (g * d) and jvp (t * d) both follow from them. The nn activations live in
activations.py, where/add_n/sum_to/broadcast_to in broadcast.py; both are re-exported
here, so `elementwise.relu` and `from .elementwise import where` keep working."""
import math

import numpy as np

from .. import dtypes, errors
from ..graph import Tensor, get_default_graph
from .core import as_sparse, convert_to_tensor, on_values
from .registry import OpDef, apply, apply1, apply_elementwise, register

__all__ = ["add", "subtract", "multiply", "divide", "truediv", "floordiv", "floor_div",
           "mod", "floormod", "pow", "maximum", "minimum", "squared_difference",
           "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "log", "log1p",
           "expm1", "sin", "cos", "tan", "tanh", "sigmoid", "erf", "floor", "ceil", "round",
           "reciprocal", "equal", "not_equal", "less", "less_equal", "greater",
           "greater_equal", "logical_and", "logical_or", "logical_not", "logical_xor",
           "where", "clip_by_value", "cast", "add_n", "scalar_mul", "relu", "relu6", "elu",
           "selu", "leaky_relu", "softplus", "softsign", "is_nan", "is_finite", "is_inf",
           "to_float", "to_int32", "to_int64", "to_double", "div", "sum_to", "broadcast_to",
           "relu_grad"]


def times(g, d):
    """g * d, where d may be the Python number 1 or -1."""
    if d is None or g is None:
        return None
    if isinstance(d, (int, float)):
        return g if d == 1 else -g if d == -1 else g * d
    return g * d


def sum_terms(terms):
    """The sum of the tensors in terms that are not None (None if all are)."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def conj_of(d):
    """conj(d) for a complex tensor d, else d: a vjp multiplies the cotangent by the
    conjugate derivative, g * conj(f'(x)) (TF's convention for complex gradients: the
    gradient of a real loss L is dL/dre + i dL/dim); a jvp uses f'(x) itself."""
    if isinstance(d, Tensor) and d.dtype.is_complex:
        from .complex_ops import conj
        return conj(d)
    return d


def _unary_rules(deriv):
    """vjp and jvp of a unary elementwise op from dy/dx = deriv(x, y, attrs)."""
    def vjp(node, gs):
        x, y = node.inputs[0], node.outputs[0]
        return [times(gs[0], conj_of(deriv(x, y, node.attrs)))]

    def jvp(node, ts):
        x, y = node.inputs[0], node.outputs[0]
        return times(ts[0], deriv(x, y, node.attrs))
    return vjp, jvp


def _binary_rules(partials):
    """vjp and jvp of a binary elementwise op from (dz/dx, dz/dy) = partials(x, y, z)."""
    def vjp(node, gs):
        x, y = node.inputs
        px, py = partials(x, y, node.outputs[0])
        return [times(gs[0], conj_of(px)), times(gs[0], conj_of(py))]

    def jvp(node, ts):
        x, y = node.inputs
        px, py = partials(x, y, node.outputs[0])
        return sum_terms([times(ts[0], px), times(ts[1], py)])
    return vjp, jvp


def _infer_unary(kind, out_dtype=None):
    def infer(ctx, x, **attrs):
        ctx.require(0, kind)
        return x.shape, out_dtype or x.dtype
    return infer


def _infer_binary(kind, out_dtype=None):
    def infer(ctx, x, y):
        ctx.same_dtype()
        ctx.require(0, kind)
        return ctx.broadcast(), out_dtype or x.dtype
    return infer


def _typed(fn):
    """A kernel that keeps its input's dtype (numpy may widen, e.g. for Python floats)."""
    def kernel(x, **attrs):
        return np.asarray(fn(x, **attrs), dtype=x.dtype)
    return kernel


# the unary ops TF1 also applies to a SparseTensor's values (those its math_ops dispatch)
_ON_SPARSE_VALUES = frozenset(("Abs", "Square", "Sqrt", "Sign", "Neg", "Tanh", "Sin", "Erf",
                               "Atan", "Asinh", "Asin", "Atanh", "Tan", "BesselI0e",
                               "BesselI1e"))


def _unary(name, api, kernel, deriv=None, kind="numeric", doc="", out=None, kernel_out=None,
           arg="x", rules=None):
    """(OpDef, its function) for a unary elementwise op; arg is the operand's name in
    TF1's signature (`features` for the activations of tf.nn); rules: (vjp, jvp) given
    whole instead of deriv."""
    vjp, jvp = rules or (_unary_rules(deriv) if deriv else (None, None))
    op = register(OpDef(name, _infer_unary(kind, out), kernel, api=api, vjp=vjp, jvp=jvp,
                        elementwise=True, differentiable=vjp is not None,
                        signature=f"{api}({arg}, name=None)", shape_rule="same as x",
                        dtypes=kind, doc=doc,
                        kernel_out=kernel_out or (kernel if isinstance(kernel, np.ufunc)
                                                  else None)))
    on_sparse = name in _ON_SPARSE_VALUES

    def fn(x, name=None):
        sp = as_sparse(x) if on_sparse else None
        if sp is not None:
            return on_values(fn, sp, name)
        if not isinstance(x, Tensor):
            x = convert_to_tensor(x)
        return apply_elementwise(op, (x,), kind, out, name)

    def fn_features(features, name=None):
        if not isinstance(features, Tensor):
            features = convert_to_tensor(features)
        return apply_elementwise(op, (features,), kind, out, name)
    fn = fn_features if arg == "features" else fn
    fn.__name__ = fn.__qualname__ = api
    fn.__doc__ = doc
    return op, fn


def _binary(name, api, kernel, partials=None, kind="numeric", doc="", out=None,
            commutative=False, rules=None):
    vjp, jvp = rules or (_binary_rules(partials) if partials else (None, None))
    op = register(OpDef(name, _infer_binary(kind, out), kernel, api=api, vjp=vjp, jvp=jvp,
                        elementwise=True, commutative=commutative,
                        differentiable=vjp is not None,
                        signature=f"{api}(x, y, name=None)",
                        shape_rule="numpy broadcast of x and y", dtypes=kind + " (x, y same)",
                        doc=doc,
                        kernel_out=kernel if isinstance(kernel, np.ufunc) else None))

    def fn(x, y, name=None):
        if not (isinstance(x, Tensor) and isinstance(y, Tensor)):   # a Python value
            x, y = operands(x, y, api, value_scope(x, y, name or op.name))
        return apply_elementwise(op, (x, y), kind, out, name)
    fn.__name__ = fn.__qualname__ = api
    fn.__doc__ = doc
    return op, fn


def value_scope(x, y, name):
    """Where TF1 names a Python value operand of op `name`: under the name the op is
    about to take ('add/y' for x + 1); None when both are tensors."""
    if isinstance(x, Tensor) and isinstance(y, Tensor):
        return None
    t = x if isinstance(x, Tensor) else y if isinstance(y, Tensor) else None
    graph = get_default_graph()     # a branch or body captures t: the op is built there
    if t is not None and graph.outer is None:
        graph = t.graph
    scope = graph.unique_name(name, mark_as_used=False)
    taken = f"{scope}/x" in graph._by_name or f"{scope}/y" in graph._by_name
    return None if taken else scope


def operands(x, y, api="op", scope=None):
    """Two tensors from x and y; a Python/numpy value takes the dtype of the tensor (and,
    with `scope`, the name `scope/x` or `scope/y`, as TF1 names it)."""
    if isinstance(x, Tensor) and isinstance(y, Tensor):
        return x, y

    def named(which):
        return None if scope is None else f"{scope}/{which}/"
    if isinstance(x, Tensor) or isinstance(y, Tensor):
        t = x if isinstance(x, Tensor) else y
        try:
            if t is x:
                return x, convert_to_tensor(y, dtype=t.dtype, name=named("y"))
            return convert_to_tensor(x, dtype=t.dtype, name=named("x")), y
        except errors.DTypeError as e:
            raise errors.DTypeError(
                f"{api}: the value {y if t is x else x!r} cannot take the dtype "
                f"{t.dtype.name} of\n  {errors.describe_tensor(t, t.node.name)}\n  ({e})"
                + errors.called_at(api)) from None
    x = convert_to_tensor(x, name=named("x"))
    return x, convert_to_tensor(y, dtype=x.dtype, name=named("y"))


def _mask(b, like):
    return cast(b, like.dtype)


# ---- binary arithmetic ----------------------------------------------------------------
ADD, add = _binary("Add", "add", np.add, lambda x, y, z: (1, 1),
                   kind="numeric, complex or string",
                   doc="x + y with numpy broadcasting; strings concatenate (TF1).",
                   commutative=True)
SUB, subtract = _binary("Sub", "subtract", np.subtract, lambda x, y, z: (1, -1),
                        kind="numeric or complex", doc="x - y.")
MUL, multiply = _binary("Mul", "multiply", np.multiply, lambda x, y, z: (y, x),
                        kind="numeric or complex", doc="x * y.", commutative=True)
DIV, _realdiv = _binary("RealDiv", "divide", np.true_divide,
                        lambda x, y, z: (reciprocal(y), -z / y), kind="float or complex",
                        doc="x / y for floating dtypes.")
def _nonzero_int_divisor(y, api):
    """TF1 fails the run on an integer division by zero (numpy would give 0)."""
    if y.dtype.kind in "iu" and not np.all(y):
        raise ZeroDivisionError(f"{api}: integer division by zero")


def _floordiv_kernel(x, y):
    # floats: floor(x / y), as TF1 (numpy's floor_divide gives 1 // 0.1 = 9, not 10)
    if x.dtype.kind == "f":
        return np.floor(np.true_divide(x, y))
    _nonzero_int_divisor(y, "floordiv")
    return np.floor_divide(x, y)


def _mod_kernel(x, y):
    _nonzero_int_divisor(y, "mod")
    return np.mod(x, y)


FLOORDIV, floordiv = _binary("FloorDiv", "floordiv", _floordiv_kernel,
                             doc="floor(x / y); no gradient. An integer y of 0 fails the run.")
MOD, mod = _binary("FloorMod", "mod", _mod_kernel, lambda x, y, z: (1, -floordiv(x, y)),
                   doc="x - floor(x / y) * y (sign of y, like numpy and TF1 FloorMod); an "
                       "integer y of 0 fails the run.")


def _pow_partials(x, y, z):
    # d/dx x^y = y x^(y-1); d/dy x^y = x^y log x (taken as 0 where x <= 0, as TF1 does;
    # complex x: 0 only where x == 0)
    if x.dtype.is_complex:
        nonzero = not_equal(x, 0)
        safe_log = select(nonzero, log(select(nonzero, x, ones_like_(x))), zeros_like_(x))
        return y * pow(x, y - 1), z * safe_log
    safe_log = select(greater(x, 0), log(select(greater(x, 0), x, ones_like_(x))),
                     zeros_like_(x))
    return y * pow(x, y - 1), z * safe_log


def zeros_like_(x):
    from .array import zeros_like
    return zeros_like(x)


def ones_like_(x):
    from .array import ones_like
    return ones_like(x)


POW, pow = _binary("Pow", "pow", np.power, _pow_partials, kind="numeric or complex",
                   doc="x ** y.")
def _pick_rules(x_wins):
    """vjp and jvp of max/min: each input gets the cotangent where it won, by select (as
    TF1; a 0/1 mask product would turn an inf cotangent into NaN where it lost, e.g.
    the gradient of sqrt(maximum(x, 0)) at x < 0)."""
    def vjp(node, gs):
        m = x_wins(*node.inputs)
        zero = zeros_like_(gs[0])
        return [select(m, gs[0], zero), select(m, zero, gs[0])]

    def jvp(node, ts):
        x, y = node.inputs
        if ts[0] is None and ts[1] is None:
            return None
        tx = ts[0] if ts[0] is not None else zeros_like_(x)
        ty = ts[1] if ts[1] is not None else zeros_like_(y)
        return select(x_wins(x, y), tx, ty)
    return vjp, jvp


MAXIMUM, maximum = _binary("Maximum", "maximum", np.maximum,
                           doc="Elementwise max; at ties the gradient goes to x.",
                           commutative=True, rules=_pick_rules(lambda x, y: greater_equal(x, y)))
MINIMUM, minimum = _binary("Minimum", "minimum", np.minimum,
                           doc="Elementwise min; at ties the gradient goes to x.",
                           commutative=True, rules=_pick_rules(lambda x, y: less_equal(x, y)))
def _sqdiff_kernel(x, y):
    d = x - y
    return d * np.conj(d) if d.dtype.kind == "c" else np.square(d)


def _real_part_of(g):
    """g with its imaginary part dropped, in g's complex dtype (the cotangent that
    reaches a complex op whose values are real)."""
    from .complex_ops import real
    return cast(real(g), g.dtype)


def _sqdiff_vjp(node, gs):
    """g 2(x - y) and g 2(y - x); for complex x, y, z = |x - y|^2 is real, so only
    real(g) reaches them: 2 real(g) (x - y) (TF's formula for a real g)."""
    x, y = node.inputs
    g = _real_part_of(gs[0]) if x.dtype.is_complex else gs[0]
    return [g * (2 * (x - y)), g * (2 * (y - x))]


def _sqdiff_jvp(node, ts):
    """2 (x - y) (tx - ty); for complex x, y its real part 2 re(conj(x - y) (tx - ty))."""
    x, y = node.inputs
    t = sum_terms([ts[0], None if ts[1] is None else -ts[1]])
    if t is None:
        return None
    if x.dtype.is_complex:
        from .complex_ops import conj
        return _real_part_of(2 * (conj(x - y) * t))
    return 2 * (x - y) * t


SQDIFF, squared_difference = _binary(
    "SquaredDifference", "squared_difference", _sqdiff_kernel, kind="numeric or complex",
    doc="(x - y)^2; for complex x, y the real |x - y|^2 = (x - y) conj(x - y) (TF1).",
    commutative=True, rules=(_sqdiff_vjp, _sqdiff_jvp))

# ---- comparisons and logic ---------------------------------------------------------------
EQUAL, equal = _binary("Equal", "equal", np.equal, kind="any", out=dtypes.bool_,
                       commutative=True, doc="x == y (bool).")
NOT_EQUAL, not_equal = _binary("NotEqual", "not_equal", np.not_equal, kind="any",
                               out=dtypes.bool_, commutative=True, doc="x != y (bool).")
LESS, less = _binary("Less", "less", np.less, out=dtypes.bool_, doc="x < y (bool).")
LESS_EQUAL, less_equal = _binary("LessEqual", "less_equal", np.less_equal,
                                 out=dtypes.bool_, doc="x <= y (bool).")
GREATER, greater = _binary("Greater", "greater", np.greater, out=dtypes.bool_,
                           doc="x > y (bool).")
GREATER_EQUAL, greater_equal = _binary("GreaterEqual", "greater_equal", np.greater_equal,
                                       out=dtypes.bool_, doc="x >= y (bool).")
LOGICAL_AND, logical_and = _binary("LogicalAnd", "logical_and", np.logical_and,
                                   kind="bool", commutative=True, doc="x and y.")
LOGICAL_OR, logical_or = _binary("LogicalOr", "logical_or", np.logical_or, kind="bool",
                                 commutative=True, doc="x or y.")
LOGICAL_XOR, logical_xor = _binary("LogicalXor", "logical_xor", np.logical_xor,
                                   kind="bool", commutative=True, doc="x xor y.")
LOGICAL_NOT, logical_not = _unary("LogicalNot", "logical_not", np.logical_not, kind="bool",
                                  doc="not x.")
IS_NAN, is_nan = _unary("IsNan", "is_nan", np.isnan, kind="float", out=dtypes.bool_,
                        doc="x is NaN.")
IS_INF, is_inf = _unary("IsInf", "is_inf", np.isinf, kind="float", out=dtypes.bool_,
                        doc="x is +-inf.")
IS_FINITE, is_finite = _unary("IsFinite", "is_finite", np.isfinite, kind="float",
                              out=dtypes.bool_, doc="x is finite.")

# ---- unary math -------------------------------------------------------------------------
NEG, negative = _unary("Neg", "negative", np.negative, lambda x, y, a: -1,
                       kind="numeric or complex", doc="-x.")
ABS, _abs_real = _unary("Abs", "abs", np.abs, lambda x, y, a: sign(x), doc="|x|.")


def abs(x, name=None):
    """|x|; for complex x the real magnitude sqrt(re^2 + im^2) (TF1: ComplexAbs), of
    dtype x.dtype.real_dtype: `gc.abs(gc.constant(3 + 4j))` is 5.0 (float64)."""
    sp = as_sparse(x)
    if sp is not None:
        return on_values(abs, sp, name)
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        from .complex_ops import complex_abs
        return complex_abs(x, name=name)
    return _abs_real(x, name=name)
SIGN, _sign_real = _unary("Sign", "sign", np.sign,
                          doc="-1, 0 or 1; its gradient is zeros (TF1's).",
                          rules=(lambda node, gs: [zeros_like_(node.inputs[0])],
                                 lambda node, ts: zeros_like_(node.outputs[0])))


def sign(x, name=None):
    """-1, 0 or 1 elementwise (its gradient is zeros); for complex x, x / |x| and 0 at 0,
    TF's div_no_nan(x, |x|), differentiable: `gc.sign(gc.constant(3 + 4j))` is 0.6+0.8j."""
    sp = as_sparse(x)
    if sp is not None:
        return on_values(sign, sp, name)
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        from .complex_ops import complex_abs
        from .math_extra import div_no_nan
        return div_no_nan(x, cast(complex_abs(x), x.dtype), name=name)
    return _sign_real(x, name=name)
SQUARE, square = _unary("Square", "square", np.square, lambda x, y, a: 2 * x,
                        kind="numeric or complex", doc="x^2.")
def _zero_where_zero(g, product):
    """product, but 0 where the cotangent g is 0: TF's SqrtGrad, RsqrtGrad and
    ReciprocalGrad kernels return 0 for a zero g, so the unselected branch of
    where(x > 0, sqrt(x), 0) passes 0 at x = 0, not 0 * inf = NaN. The jvps stay
    t * d, as TF's forward mode: a select picks tangents, so no branch leaks there, and
    norm(x) at x = 0 gets NaN both ways."""
    return select(equal(g, 0), zeros_like_(g), product)


def _sqrt_vjp(node, gs):
    """Returns g * (0.5 / y), 0 where g is 0; for complex y (g * 0.5) / conj(y), TF's
    SqrtGrad order: at y = 0 the quotient is inf + nan*i, which a later product would
    turn into NaN."""
    y = node.outputs[0]
    if y.dtype.is_complex:
        return [_zero_where_zero(gs[0], (gs[0] * 0.5) / conj_of(y))]
    return [_zero_where_zero(gs[0], gs[0] * (0.5 / y))]


SQRT, sqrt = _unary("Sqrt", "sqrt", np.sqrt, kind="float or complex",
                    doc="sqrt(x); d = 0.5 / sqrt(x).",
                    rules=(_sqrt_vjp, _unary_rules(lambda x, y, a: 0.5 / y)[1]))


def _rsqrt_vjp(node, gs):
    """Returns -0.5 * (g * conj(y)) * (conj(y) * conj(y)), 0 where g is 0, TF's RsqrtGrad
    order: float16 y^3 overflows where g * y does not (y = 57.7 at x = 3e-4, g = 1e-4)."""
    y = conj_of(node.outputs[0])
    return [_zero_where_zero(gs[0], -0.5 * (gs[0] * y) * (y * y))]


RSQRT, rsqrt = _unary("Rsqrt", "rsqrt", lambda x: 1 / np.sqrt(x), kind="float or complex",
                      doc="1/sqrt(x).", rules=(
                          _rsqrt_vjp, _unary_rules(lambda x, y, a: -0.5 * y * y * y)[1]))
EXP, exp = _unary("Exp", "exp", np.exp, lambda x, y, a: y, kind="float or complex",
                  doc="e^x; d = e^x (the output is reused).")
LOG, log = _unary("Log", "log", np.log, lambda x, y, a: reciprocal(x), kind="float or complex",
                  doc="ln x; d = 1/x.")
LOG1P, log1p = _unary("Log1p", "log1p", np.log1p, lambda x, y, a: reciprocal(1 + x),
                      kind="float or complex", doc="ln(1 + x), accurate near 0.")
EXPM1, expm1 = _unary("Expm1", "expm1", np.expm1, lambda x, y, a: y + 1,
                      kind="float or complex",
                      doc="e^x - 1, accurate near 0.")
SIN, sin = _unary("Sin", "sin", np.sin, lambda x, y, a: cos(x), kind="float or complex",
                  doc="sin x.")
COS, cos = _unary("Cos", "cos", np.cos, lambda x, y, a: -sin(x), kind="float or complex",
                  doc="cos x.")
TAN, tan = _unary("Tan", "tan", np.tan, lambda x, y, a: 1 + y * y, kind="float or complex",
                  doc="tan x; d = 1 + tan^2 x.")
TANH, tanh = _unary("Tanh", "tanh", np.tanh, lambda x, y, a: 1 - y * y,
                    kind="float or complex",
                    doc="tanh x; d = 1 - tanh^2 x.")


def _sigmoid_kernel(x):
    if x.dtype.kind == "c":
        return 1 / (1 + np.exp(-x))
    # 1/(1+e^-x) without overflow: e^(-softplus(-x))
    return np.exp(-np.logaddexp(0, -x)).astype(x.dtype, copy=False)


def _sigmoid_out(x, out):
    if x.dtype.kind == "c":
        out[...] = _sigmoid_kernel(x)
        return out
    np.negative(x, out=out)
    np.logaddexp(0, out, out=out)
    np.negative(out, out=out)
    return np.exp(out, out=out)


SIGMOID, sigmoid = _unary("Sigmoid", "sigmoid", _sigmoid_kernel,
                          lambda x, y, a: y * (1 - y), kind="float or complex",
                          doc="1 / (1 + e^-x); d = s (1 - s).", kernel_out=_sigmoid_out)
# g s (1 - s), grouped so that "(g/s)*s -> g" cancels log's 1/s in log(sigmoid(x))
SIGMOID.vjp = lambda node, gs: [(gs[0] * conj_of(node.outputs[0])) *
                                conj_of(1 - node.outputs[0])]
SIGMOID.jvp = lambda node, ts: None if ts[0] is None else \
    ((1 - node.outputs[0]) * ts[0]) * node.outputs[0]


def _erf_kernel(x):
    try:
        from scipy.special import erf as _erf
        return _erf(x).astype(x.dtype, copy=False)
    except ImportError:
        return np.asarray(np.frompyfunc(math.erf, 1, 1)(x)).astype(x.dtype)  # 0-d: float


ERF, erf = _unary("Erf", "erf", _erf_kernel,
                  lambda x, y, a: (2 / math.sqrt(math.pi)) * exp(-x * x), kind="float",
                  doc="The error function; d = 2/sqrt(pi) e^(-x^2).")
FLOOR, floor = _unary("Floor", "floor", np.floor, kind="float", doc="floor x; no gradient.")
CEIL, ceil = _unary("Ceil", "ceil", np.ceil, kind="float", doc="ceil x; no gradient.")
ROUND, round = _unary("Round", "round", np.round, doc="Round half to even; no gradient.")
def _reciprocal_vjp(node, gs):
    """Returns g * -conj(y)^2, 0 where g is 0 (TF's ReciprocalGrad)."""
    y = conj_of(node.outputs[0])
    return [_zero_where_zero(gs[0], gs[0] * (-y * y))]


RECIPROCAL, reciprocal = _unary("Reciprocal", "reciprocal", np.reciprocal,
                                kind="float or complex", doc="1/x.",
                                rules=(_reciprocal_vjp, _unary_rules(lambda x, y, a: -y * y)[1]))
def divide(x, y, name=None):
    """x / y. Integer inputs are converted to float first, as TF1's truediv does:
    int8/int16/uint8/uint16 to float32, int32/int64 to float64."""
    x, y = operands(x, y, "divide", value_scope(x, y, name or "truediv"))
    if x.dtype.is_integer and y.dtype is x.dtype:
        to = dtypes.float32 if x.dtype.size <= 2 else dtypes.float64
        x, y = cast(x, to), cast(y, to)
    return _realdiv(x, y, name=name)


def div(x, y, name=None):
    """x / y with Python 2's semantics (TF1's deprecated tf.div): floor division for
    integers, real division for floats. `gc.div(7, -2)` is -4; prefer divide/floordiv."""
    x, y = operands(x, y, "div", value_scope(x, y, name or "div"))
    if x.dtype.is_integer:
        return floordiv(x, y, name=name)
    return _realdiv(x, y, name=name)


truediv = divide
floor_div = floordiv
floormod = mod


def scalar_mul(scalar, x, name=None):
    """scalar * x, the scalar in x's dtype; an IndexedSlices stays one (its values
    scaled), as TF1's (averaged tower gradients keep sparse optimizer updates)."""
    from ..indexed_slices import IndexedSlices
    values = x.values if isinstance(x, IndexedSlices) else convert_to_tensor(x)
    scalar = convert_to_tensor(scalar, dtype=values.dtype)
    if scalar.shape.rank not in (0, None):
        raise errors.ShapeError(f"scalar_mul: the scalar must be 0-D, not of shape "
                                f"{scalar.shape}")
    if isinstance(x, IndexedSlices):
        return IndexedSlices(multiply(scalar, values, name=name), x.indices, x.dense_shape)
    return multiply(scalar, values, name=name)


# the rest of the elementwise family, in modules of their own (they use the ops above)
from .cast import CAST, cast, to_double, to_float, to_int32, to_int64  # noqa: E402,F401
from .broadcast import *  # noqa: E402,F401,F403
from .broadcast import ADD_N, BROADCAST_TO, SELECT, SUM_TO, select, sum_to_kernel  # noqa: E402,F401
from .activations import *  # noqa: E402,F401,F403
from .activations import (  # noqa: E402,F401
    ELU, LEAKY_RELU, RELU, RELU6, RELU_GRAD, SELU, SOFTPLUS, SOFTSIGN)
