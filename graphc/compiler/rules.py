"""Named rewrite rules, one identity each, keyed by op type.

A rule gets a record (its inputs already rewritten) and a RuleContext, and returns the
Tensor that replaces the record's single output, or None. Rules never change a value's
shape or dtype: an identity that could (x*1 with a broadcasting 1) checks the types.
"""
import numpy as np

from ..ops.core import CONST
from ..ops.linalg import SCALED_MATMUL
from ..ops import blas
from ..ops.state import GEMM_ASSIGN
from ..ops.registry import REGISTRY
from . import program as P


class Rule:
    __slots__ = ("name", "ops", "fn", "unsafe")

    def __init__(self, name, ops, fn, unsafe=False):
        self.name = name
        self.ops = ops
        self.fn = fn
        self.unsafe = unsafe

    def __repr__(self):
        return f"<Rule {self.name!r}>"


SIMPLIFY = []
STABILITY = []


def rule(table, name, *ops, unsafe=False):
    def deco(fn):
        table.append(Rule(name, ops, fn, unsafe))
        return fn
    return deco


# ---- helpers ------------------------------------------------------------------------------
def _is(t, op_name):
    op = REGISTRY.get(op_name)
    return op is not None and t.node.op is op


_FILLED = {}            # Const Tensor -> its one value (all elements equal) or _MIXED;
_MIXED = object()       # cleared per rewrite


def _filled(t, value):
    """t is a constant whose every element equals `value`."""
    if t.node.op is not CONST:
        return False
    u = _FILLED.get(t)
    if u is None:
        a = t.node.attrs["value"].array
        if a.dtype.kind not in "biuf":          # strings are never the numbers rules seek
            u = _FILLED[t] = _MIXED
        else:
            u = _FILLED[t] = a.flat[0].item() if a.size and np.all(a == a.flat[0]) \
                else _MIXED
    return u is not _MIXED and u == value


def _same_type(a, b):
    """a and b surely have the same shape and dtype at run time (b is computed from a
    and constants, so equal static dims, unknown ones included, are the same)."""
    return (a.dtype is b.dtype and a.shape._dims is not None
            and a.shape._dims == b.shape._dims)


def _operand_pairs(node):
    """(x, other) for each order of a binary op's inputs the op allows."""
    x, y = node.inputs
    return ((x, y), (y, x)) if node.op.commutative else ((x, y),)


def _out(node):
    return node.outputs[0]


def _single(ctx, t):
    """t is used only by the record being rewritten."""
    return ctx.uses(t) <= 1


# ---- algebraic simplification -------------------------------------------------------------
@rule(SIMPLIFY, "x*1 -> x", "Mul")
def _mul_one(node, ctx):
    for x, c in _operand_pairs(node):
        if _filled(c, 1) and _same_type(x, _out(node)):
            return x


@rule(SIMPLIFY, "x+0 -> x", "Add")
def _add_zero(node, ctx):
    for x, c in _operand_pairs(node):
        if _filled(c, 0) and _same_type(x, _out(node)):
            return x


@rule(SIMPLIFY, "x-0 -> x", "Sub")
def _sub_zero(node, ctx):
    x, c = node.inputs
    if _filled(c, 0) and _same_type(x, _out(node)):
        return x


@rule(SIMPLIFY, "x/1 -> x", "RealDiv")
def _div_one(node, ctx):
    x, c = node.inputs
    if _filled(c, 1) and _same_type(x, _out(node)):
        return x


@rule(SIMPLIFY, "--x -> x", "Neg")
def _neg_neg(node, ctx):
    (y,) = node.inputs
    if _is(y, "Neg"):
        return y.node.inputs[0]


def _perm(perm, rank):
    return tuple(reversed(range(rank))) if perm is None else tuple(perm)


@rule(SIMPLIFY, "transpose(transpose(x)) -> x", "Transpose")
def _transpose_transpose(node, ctx):
    (y,) = node.inputs
    x = y.node.inputs[0] if _is(y, "Transpose") else None
    if x is None or x.shape.rank is None:
        return None
    p1 = _perm(y.node.attrs["perm"], x.shape.rank)
    p2 = _perm(node.attrs["perm"], x.shape.rank)
    q = tuple(p1[i] for i in p2)
    if q == tuple(range(len(q))):
        return x
    return ctx.emit("Transpose", (x,), node, perm=q)


@rule(SIMPLIFY, "reshape(reshape(x)) -> reshape(x)", "Reshape")
def _reshape_reshape(node, ctx):
    """Not where the outer shape may hold both 0 and -1: with no elements, -1 comes
    from the input's nonzero dims (TF's rule), which the inner reshape changes."""
    y, shape = node.inputs
    if not _is(y, "Reshape"):
        return None
    dims = P.const_array(shape)
    if dims is None or (-1 in dims and 0 in dims):
        x = y.node.inputs[0].shape
        if not (x.is_fully_defined() and 0 not in x.as_list()):
            return None
    return ctx.emit("Reshape", (y.node.inputs[0], shape), node)


@rule(SIMPLIFY, "reshape(x, shape(x)) -> x", "Reshape")
def _reshape_same(node, ctx):
    x = node.inputs[0]
    if x.shape.is_fully_defined() and _same_type(x, _out(node)):
        return x


@rule(SIMPLIFY, "identity(x) -> x", "Identity", "StopGradient", "PlaceholderWithDefault")
def _identity(node, ctx):
    if node.inputs[0].dtype is _out(node).dtype:
        return node.inputs[0]


@rule(SIMPLIFY, "cast(x, dtype(x)) -> x", "Cast")
def _cast_same(node, ctx):
    x = node.inputs[0]
    if x.dtype is node.attrs["dtype"]:
        return x


@rule(SIMPLIFY, "add_n([x]) -> x", "AddN")
def _add_n_one(node, ctx):
    if len(node.inputs) == 1:
        return node.inputs[0]


@rule(SIMPLIFY, "add_n(add_n(a, b), c) -> add_n(a, b, c)", "AddN")
def _add_n_flatten(node, ctx):
    flat, changed = [], False
    for t in node.inputs:
        if _is(t, "AddN") and _single(ctx, t) and _same_type(t, _out(node)):
            flat.extend(t.node.inputs)
            changed = True
        else:
            flat.append(t)
    if changed:
        return ctx.emit("AddN", tuple(flat), node)


def _swaps_last_two(t):
    if not _is(t, "Transpose"):
        return False
    r = t.shape.rank
    if r is None or r < 2:
        return False
    p = _perm(t.node.attrs["perm"], r)
    return p == tuple(range(r - 2)) + (r - 1, r - 2)


@rule(SIMPLIFY, "matmul(transpose(a), b) -> matmul(a, b, transpose_a)", "MatMul")
def _matmul_transpose(node, ctx):
    a, b = node.inputs
    ta, tb = node.attrs["transpose_a"], node.attrs["transpose_b"]
    if _swaps_last_two(a):
        return ctx.emit("MatMul", (a.node.inputs[0], b), node, transpose_a=not ta,
                        transpose_b=tb)
    if _swaps_last_two(b):
        return ctx.emit("MatMul", (a, b.node.inputs[0]), node, transpose_a=ta,
                        transpose_b=not tb)


@rule(SIMPLIFY, "(x*c1)*c2 -> x*(c1*c2)", "Mul")
def _mul_consts(node, ctx):
    for y, c2 in _operand_pairs(node):
        a2 = P.const_array(c2)
        if a2 is None or not _is(y, "Mul") or not _single(ctx, y):
            continue
        for x, c1 in _operand_pairs(y.node):
            a1 = P.const_array(c1)
            if a1 is not None and P.const_array(x) is None:
                c = _exact_product(a1, a2, _out(node).dtype.np)
                if c is not None:
                    return ctx.emit("Mul", (x, ctx.const(c, _out(node), node)), node)


def _exact_product(a1, a2, dtype):
    """a1*a2 in `dtype`, or None where the product overflows or underflows to 0 there
    (float16 256*256): x*c1*c2 must not turn finite results into inf, 0 or NaN. None
    for float16: TF rounds twice, and a truncating cast shows the difference
    (convert_image_dtype of u8 69 * (1/255) * 1.2 back to uint8: 82, folded 83)."""
    if np.dtype(dtype) == np.float16:
        return None
    with np.errstate(all="ignore"):
        c = np.multiply(a1, a2, dtype=dtype)
        if np.dtype(dtype).kind not in "fc":
            return c                            # integers wrap either way
        exact = np.multiply(a1, a2, dtype=np.complex128 if np.iscomplexobj(c) else np.float64)
    if np.array_equal(np.isfinite(c), np.isfinite(exact)) and \
            np.array_equal(c == 0, exact == 0):
        return c
    return None


@rule(SIMPLIFY, "matmul(a, b)*c -> scaled_matmul(a, b, c)", "Mul")
def _scaled_matmul(node, ctx):
    """c a scalar: its kernel multiplies the smallest of a, b and a@b by c (an SGD
    update lr * (x^T g) scales g, not the weight-sized product)."""
    for m, c in _operand_pairs(node):
        if (_is(m, "MatMul") and _single(ctx, m) and c.shape.rank == 0
                and all(x.shape.rank == 2 for x in m.node.inputs)
                and _same_type(m, _out(node))):
            return ctx.emit(SCALED_MATMUL, (*m.node.inputs, c), node, **m.node.attrs)
    return None


@rule(SIMPLIFY, "assign_sub(v, scaled_matmul(a, b, c)) -> gemm_assign(v; a, b, c)", "Assign")
def _gemm_assign(node, ctx):
    """An SGD update W -= lr * (x^T g) (or +=) as one BLAS gemm into W's buffer (beta 1):
    no weight-sized product, no second pass over W. Only where numpy's own BLAS has a
    gemm graphc can call (ops/blas.py); the kernel falls back to ScaledMatMul then
    Assign when W's old value is still held elsewhere."""
    if node.attrs.get("mode") not in ("add", "sub") or len(node.inputs) != 1:
        return None
    v = node.inputs[0]
    if (v.node.op is not SCALED_MATMUL or not _single(ctx, v) or v.node.control_inputs
            or blas.gemm(v.dtype.np) is None or not _same_type(v, _out(node))):
        return None
    return ctx.emit(GEMM_ASSIGN, v.node.inputs, node, var=node.attrs["var"],
                    mode=node.attrs["mode"], **v.node.attrs)


@rule(SIMPLIFY, "x*0 -> 0", "Mul", unsafe=True)
def _mul_zero(node, ctx):
    for x, c in _operand_pairs(node):
        if _filled(c, 0):
            return ctx.zeros(node)


@rule(SIMPLIFY, "x-x -> 0", "Sub", unsafe=True)
def _sub_self(node, ctx):
    x, y = node.inputs
    if x is y:
        return ctx.zeros(node)


# ---- numerical stability ------------------------------------------------------------------
@rule(STABILITY, "log(softmax(x)) -> log_softmax(x)", "Log")
def _log_softmax(node, ctx):
    (y,) = node.inputs
    if _is(y, "Softmax") and "LogSoftmax" in REGISTRY:
        return ctx.emit("LogSoftmax", y.node.inputs, node, **y.node.attrs)


@rule(STABILITY, "log(1+x) -> log1p(x)", "Log")
def _log1p(node, ctx):
    (y,) = node.inputs
    if _is(y, "Add"):
        for x, c in _operand_pairs(y.node):
            if _filled(c, 1) and _same_type(x, y):
                return ctx.emit("Log1p", (x,), node)


@rule(STABILITY, "exp(x)-1 -> expm1(x)", "Sub")
def _expm1(node, ctx):
    y, c = node.inputs
    if _is(y, "Exp") and _filled(c, 1) and _same_type(y, _out(node)):
        return ctx.emit("Expm1", y.node.inputs, node)


@rule(STABILITY, "log(sigmoid(x)) -> -softplus(-x)", "Log")
def _log_sigmoid(node, ctx):
    (y,) = node.inputs
    if _is(y, "Sigmoid"):
        neg = ctx.emit("Neg", y.node.inputs, node)
        return ctx.emit("Neg", (ctx.emit("Softplus", (neg,), node),), node)


ONE = "1"                       # what _over/_times find when t is 1/s or s itself


def _over(t, s):
    """t is a/s (as a * reciprocal(s), a / s, or 1/s): a (ONE for 1/s), else None."""
    if _is(t, "Reciprocal") and t.node.inputs[0] is s:
        return ONE
    if _is(t, "RealDiv") and t.node.inputs[1] is s:
        return t.node.inputs[0]
    if _is(t, "Mul"):
        for a, r in _operand_pairs(t.node):
            if _is(r, "Reciprocal") and r.node.inputs[0] is s:
                return a
    return None


def _times(t, s):
    """t is a*s (or s itself): a (ONE for s), else None."""
    if t is s:
        return ONE
    if _is(t, "Mul"):
        for a, b in _operand_pairs(t.node):
            if b is s:
                return a
    return None


@rule(STABILITY, "(a/s)*s -> a for s = softmax(x) or sigmoid(x)", "Mul", "RealDiv")
def _cancel_positive(node, ctx):
    """s > 0 in exact arithmetic, so the cancellation is exact; in floating point s may
    underflow to 0 and a/s*s give inf*0 = NaN. Log's derivative 1/s meeting softmax's or
    sigmoid's factor s in the gradient (or jvp) of log(softmax(x)) / log(sigmoid(x))
    is where this happens."""
    if _is(node.outputs[0], "RealDiv"):             # (a*s)/s
        pairs = [(node.inputs[0], node.inputs[1], _times)]
    else:                                           # (a/s)*s and (a*s)*(1/s)
        pairs = [(t, s, _over) for t, s in _operand_pairs(node)]
        pairs += [(t, r.node.inputs[0], _times) for t, r in _operand_pairs(node)
                  if _is(r, "Reciprocal")]
    for t, s, strip in pairs:
        if not (_is(s, "Softmax") or _is(s, "Sigmoid")):
            continue
        a = strip(t, s)
        if a is ONE:
            return ctx.filled(node, 1)
        if a is not None and _same_type(a, _out(node)):
            return a
    return None


@rule(STABILITY, "-sum(labels*log_softmax(x)) -> softmax_cross_entropy(labels, x)", "Neg")
def _fused_cross_entropy(node, ctx):
    """The fused op computes the loss from logits stably (and its gradient without
    dividing by a softmax that may underflow)."""
    fused = REGISTRY.get("SoftmaxCrossEntropyWithLogits")
    (s,) = node.inputs
    if fused is None or not _is(s, "Sum") or not _single(ctx, s):
        return None
    m = s.node.inputs[0]
    axis = s.node.attrs.get("axis")
    if not _is(m, "Mul") or not _single(ctx, m) or s.node.attrs.get("keepdims"):
        return None
    for labels, ls in _operand_pairs(m.node):
        if not _is(ls, "LogSoftmax"):
            continue
        logits = ls.node.inputs[0]
        r = logits.shape.rank
        if r is None or not _same_type(labels, logits):
            continue
        if ls.node.attrs.get("axis", -1) % r != r - 1:
            continue
        if axis is None or tuple(a % r for a in (axis if isinstance(axis, tuple)
                                                  else (axis,))) != (r - 1,):
            continue
        try:
            out = ctx.emit("SoftmaxCrossEntropyWithLogits", (labels, logits), node, axis=-1)
        except Exception:
            return None
        return out if _same_type(out, _out(node)) else None
