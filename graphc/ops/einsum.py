"""einsum: Einstein summation over named axes (numpy's einsum), its vjp and jvp being
einsums with the subscripts permuted; tensordot (ops/linalg.py) is built on it."""
import numpy as np

from .. import errors
from ..graph import Tensor
from ..shapes import InferError
from .core import convert_to_tensor
from .elementwise import sum_terms
from .registry import OpDef, apply1, register

__all__ = ["einsum"]


# ---- einsum -------------------------------------------------------------------------------
# An equation is kept in explicit form, "ab,bc->ac", with "..." for broadcast batch dims.
# Internally each subscript string is a tuple of letters where "." stands for "...".
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _equation_error(msg):
    """An equation that does not fit its operands (or is malformed): a ShapeError (TF's
    ValueError) at the user's line."""
    return errors.ShapeError(f"{msg}" + errors.called_at("einsum"))


def _split_subscripts(s, what):
    """'...ij' -> ('.', 'i', 'j'); checks letters and that no index repeats."""
    if s.count("...") > 1 or s.replace("...", "").count(".") > 0:
        raise _equation_error(f"einsum: {what} '{s}' has a misplaced '.': use '...' once "
                              "at most")
    out = _tokens(s)
    for c in out:
        if c != "." and c not in _LETTERS:
            raise _equation_error(f"einsum: {what} '{s}' has the character {c!r}; indices "
                                  "are letters a-z, A-Z")
    seen = set()
    for c in out:
        if c in seen and c != ".":
            raise _equation_error(
                f"einsum: index '{c}' repeats in the {what} '{s}': an index repeated in "
                "the output (building a diagonal) is not supported")
        seen.add(c)
    return out


def _tokens(s):
    """'...ij' -> ('.', 'i', 'j')."""
    out = []
    for k, part in enumerate(s.split("...")):
        if k:
            out.append(".")
        out.extend(part)
    return tuple(out)


def _join(subs):
    return "".join("..." if c == "." else c for c in subs)


def normalize_equation(equation, n_inputs):
    """The explicit form of an einsum equation (numpy's implicit output rule if no '->')."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) != n_inputs:
        raise _equation_error(f"einsum: the equation '{equation}' has {len(ins)} operands "
                              f"but {n_inputs} tensors were given")
    subs = [_split_subscripts(s, f"subscripts of input {i}") for i, s in enumerate(ins)]
    out = _split_subscripts(rhs, "output subscripts") if arrow else _implicit_output(subs)
    known = set().union(*subs)
    for c in out:
        if c not in known:
            what = "'...'" if c == "." else f"index '{c}'"
            raise _equation_error(f"einsum: the output {what} of '{equation}' is in no input")
    return ",".join(_join(s) for s in subs) + "->" + _join(out)


def _implicit_output(subs):
    """numpy's implicit mode: the indices used exactly once, sorted, after any ellipsis."""
    counts = {}
    for s in subs:
        for c in s:
            counts[c] = counts.get(c, 0) + 1
    return ((".",) if "." in counts else ()) + tuple(
        sorted(c for c, k in counts.items() if k == 1 and c != "."))


def _take_diagonals(x, s):
    """x and its subscripts s with each index repeated in s replaced by the diagonal over
    those two axes, moved last: (x, 'iji') -> (matrix_diag_part of x (j, i, i), 'ji')."""
    from .array import transpose
    from .matrix import matrix_diag_part
    subs = list(_tokens(s))
    while True:
        named = [c for c in subs if c != "."]
        c = next((c for c in named if named.count(c) > 1), None)
        r = x.shape.rank
        if c is None or (r is not None and r < len(named)):
            return x, _join(subs)       # a rank mismatch is the op's own error
        if r is None:
            raise _equation_error(f"einsum: the repeated index '{c}' in '{s}' needs its "
                                  f"operand's rank known, got {x.shape}")
        axes, a = [], 0                 # the first axis of each subscript
        for t in subs:
            axes.append(a)
            a += r - len(named) if t == "." else 1
        p, q = (axes[k] for k, t in enumerate(subs) if t == c)
        m, n = x.shape._dims[p], x.shape._dims[q]
        if isinstance(m, int) and isinstance(n, int) and m != n:
            raise _equation_error(f"einsum: the repeated index '{c}' in '{s}' has sizes {m} "
                                  f"and {n} in its operand of shape {x.shape} (a diagonal "
                                  "needs equal sizes)")
        x = matrix_diag_part(transpose(x, [k for k in range(r) if k not in (p, q)] + [p, q]))
        subs = [t for t in subs if t != c] + [c]


def _parse(equation):
    lhs, rhs = equation.split("->")
    return [_tokens(s) for s in lhs.split(",")], _tokens(rhs)


def _infer_einsum(ctx, *xs, equation):
    ctx.same_dtype()
    ctx.require(0, "numeric or complex")
    subs, out = _parse(equation)
    dims, where, ell, ell_known = {}, {}, [], True
    for i, (x, s) in enumerate(zip(xs, subs)):
        named = [c for c in s if c != "."]
        r = x.shape.rank
        if r is None:
            ell_known = ell_known and "." not in s
            continue
        if ("." in s and r < len(named)) or ("." not in s and r != len(named)):
            raise InferError(f"{{{i}}} has rank {r} but its subscripts '{_join(s)}' in "
                             f"'{equation}' need rank {'>= ' if '.' in s else ''}{len(named)}")
        k = s.index(".") if "." in s else len(s)
        n_ell = r - len(named)
        for pos, c in enumerate(s):
            if c == ".":
                ell.append((i, x.shape._dims[k:k + n_ell]))
                continue
            axis = pos if pos < k else pos - 1 + n_ell
            d = x.shape._dims[axis]
            if c in dims:
                j, ax = where[c]
                d = ctx.merge_dims(dims[c], d, (
                    f"index '{c}' of '{equation}' is {{a}} in {{{{{j}}}}} (dim {ax}) but "
                    f"{{b}} in {{{{{i}}}}} (dim {axis})"))
            else:
                where[c] = (i, axis)
            dims[c] = d
    if "." in out and not ell_known:
        return None, xs[0].dtype
    batch = _broadcast_ellipses(ctx, ell)
    shape = []
    for c in out:
        shape.extend(batch if c == "." else [dims.get(c)])
    return tuple(shape), xs[0].dtype


def _broadcast_ellipses(ctx, ell):
    """numpy broadcasting of the dims that '...' stands for in each operand."""
    n = max((len(d) for _, d in ell), default=0)
    out = [1] * n
    for i, d in ell:
        for k, v in enumerate(d, n - len(d)):
            if out[k] == 1:
                out[k] = v
            elif v != 1:
                out[k] = ctx.merge_dims(out[k], v, (
                    f"the dims that '...' stands for do not broadcast: {{a}} against {{b}} "
                    f"in {{{{{i}}}}}"))
    return out


def _einsum_kernel(*xs, equation):
    _check_sizes(equation, xs)
    eq = _spell_ellipsis(equation, [x.ndim for x in xs])
    dtype = xs[0].dtype
    if dtype == np.float16:             # float16 contracts in float32, as TF's Einsum
        xs = [x.astype(np.float32) for x in xs]
    out = np.einsum(eq, *xs, optimize=len(xs) > 2)
    return np.asarray(out, dtype=dtype)


def _check_sizes(equation, xs):
    """Each named index has one size in every operand (TF's InvalidArgument otherwise;
    numpy would broadcast a size 1 or read a non-square diagonal)."""
    from ..errors import ExecutionError
    sizes = {}
    for i, (s, x) in enumerate(zip(_parse(equation)[0], xs)):
        k = s.index(".") if "." in s else len(s)
        n_ell = x.ndim - (len(s) - ("." in s))
        for pos, c in enumerate(s):
            if c != ".":
                d = x.shape[pos if pos < k else pos - 1 + n_ell]
                if sizes.setdefault(c, d) != d:
                    raise ExecutionError(f"einsum: index '{c}' of '{equation}' has size "
                                         f"{sizes[c]} and {d} (operand {i}, shape "
                                         f"{x.shape})")


def _spell_ellipsis(equation, ndims):
    """'...' replaced by letters (right-aligned across operands), given the ranks: numpy
    cannot sum '...' dims away when the output has no '...'."""
    if "." not in equation:
        return equation
    subs, out = _parse(equation)
    free = [c for c in _LETTERS if c not in equation]
    n = max(nd - (len(s) - 1) for s, nd in zip(subs, ndims) if "." in s)
    batch = free[:n]

    def spell(s, k):
        return "".join("".join(batch[n - k:]) if c == "." else c for c in s)
    terms = [spell(s, nd - len(s) + 1) for s, nd in zip(subs, ndims)]
    return ",".join(terms) + "->" + spell(out, n)


def _einsum_vjp(node, gs):
    """y = einsum(s_1,...,s_n -> o): g_i = einsum(o, s_j (j != i) -> s_i)(g, x_j...).

    Indices of s_i found neither in o nor in another operand were summed away: a ones
    tensor shaped like x_i joins the product to bring them back (a broadcast)."""
    from .array import ones_like
    subs, out = _parse(node.attrs["equation"])
    xs, g = _conj_all(node.inputs), gs[0]      # complex: the conjugate operands (TF)
    grads = []
    for i, s in enumerate(subs):
        others = [subs[j] for j in range(len(subs)) if j != i]
        present = set(out).union(*others)
        operands = [g] + [xs[j] for j in range(len(xs)) if j != i]
        terms = [out] + others
        if any(c not in present for c in s) or ("." in s and "." not in out):
            operands.append(ones_like(xs[i]))
            terms.append(s)
        eq = ",".join(_join(t) for t in terms) + "->" + _join(s)
        grads.append(einsum(eq, *operands))
    return grads


def _conj_all(xs):
    """conj of each of xs if they are complex (a vjp of a product uses conj(other))."""
    if not xs or not xs[0].dtype.is_complex:
        return tuple(xs)
    from .complex_ops import conj
    return tuple(conj(x) for x in xs)


def _einsum_jvp(node, ts):
    """Linear in each operand: dy = sum_i einsum(..., t_i, ...)."""
    xs, eq = node.inputs, node.attrs["equation"]
    return sum_terms([einsum(eq, *(xs[:i] + (t,) + xs[i + 1:])) for i, t in enumerate(ts)
                 if t is not None])


EINSUM = register(OpDef(
    "Einsum", _infer_einsum, _einsum_kernel, vjp=_einsum_vjp, jvp=_einsum_jvp, broadcasts=True,
    api="einsum", signature="einsum(equation, *inputs, name=None)",
    shape_rule="from the equation; '...' dims broadcast",
    dtypes="numeric or complex (all same)",
    doc="Einstein summation, e.g. einsum('bij,bjk->bik', x, y); no index repeats "
        "within one operand (gc.einsum takes those diagonals first)."))


def einsum(equation, *inputs, name=None):
    """Einstein summation (numpy/TF semantics). An index repeated within one input takes
    that diagonal (`"ii->"` is the trace); one repeated in the output is not supported.

        gc.einsum("ij,jk->ik", a, b)        # matmul
        gc.einsum("...i,i->...", x, w)      # batched dot
        gc.einsum("ii->i", a)               # the diagonal
    """
    if len(inputs) == 1 and isinstance(inputs[0], (list, tuple)):
        inputs = tuple(inputs[0])
    if not inputs:
        raise errors.UsageError("einsum: no input tensors" + errors.called_at("einsum"))
    first = next((x for x in inputs if isinstance(x, Tensor)), None)
    xs = [convert_to_tensor(x, dtype=None if first is None else first.dtype) for x in inputs]
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    ins = lhs.split(",")
    if len(ins) == len(xs) and any(len(set(t) - {"."}) < len(t) - t.count(".")
                                   for t in map(_tokens, ins)):
        if not arrow:       # the implicit output counts the repeats before they go
            rhs = _join(_implicit_output([_tokens(t) for t in ins]))
        for i, t in enumerate(ins):
            xs[i], ins[i] = _take_diagonals(xs[i], t)
        equation = ",".join(ins) + "->" + rhs
    eq = normalize_equation(equation, len(xs))
    return apply1(EINSUM, tuple(xs), name=name, equation=eq)
