"""Linear algebra: matmul (batched, with transpose flags) and tensordot; einsum (in
ops/einsum.py) is re-exported here; the composites matvec and cross."""
import numpy as np

from .. import dtypes, errors
from ..graph import Tensor
from ..shapes import InferError
from .einsum import _LETTERS, _join, _parse, einsum
from .elementwise import operands
from .registry import OpDef, apply1, constant_value, register

__all__ = ["matmul", "tensordot", "einsum", "cross"]


def _infer_matmul(ctx, a, b, *, transpose_a, transpose_b):
    ctx.same_dtype()
    ctx.require(0, "numeric or complex")
    ra, rb = a.shape.rank, b.shape.rank
    for i, r, t in ((0, ra, a), (1, rb, b)):
        if r is not None and r < 2:
            raise InferError(f"{{{i}}} has rank {r} but matmul needs rank >= 2 (shape "
                             f"{t.shape}); use gc.expand_dims or gc.tensordot for vectors")
    if ra is None or rb is None:
        return None, a.dtype
    da, db = a.shape._dims, b.shape._dims
    ka, m = (ra - 2, ra - 1) if transpose_a else (ra - 1, ra - 2)
    kb, n = (rb - 1, rb - 2) if transpose_b else (rb - 2, rb - 1)
    ctx.merge_dims(da[ka], db[kb],
                   f"inner dimensions differ: {{{{0}}}} has {{a}} (dim {ka}) but {{{{1}}}} "
                   f"has {{b}} (dim {kb})")
    batch = _broadcast_batch(ctx, da[:-2], db[:-2])
    return batch + (da[m], db[n]), a.dtype


def _broadcast_batch(ctx, x, y):
    n = max(len(x), len(y))
    x = (1,) * (n - len(x)) + tuple(x)
    y = (1,) * (n - len(y)) + tuple(y)
    out = []
    for k, (p, q) in enumerate(zip(x, y)):
        if p == 1:
            out.append(q)
        elif q == 1:
            out.append(p)
        else:
            out.append(ctx.merge_dims(
                p, q, f"batch dimensions differ: {{{{0}}}} has {{a}} but {{{{1}}}} has {{b}} "
                      f"(batch dim {k})"))
    return tuple(out)


def _matmul_kernel(a, b, *, transpose_a, transpose_b):
    return _matmul_out(a, b, transpose_a=transpose_a, transpose_b=transpose_b, out=None)


def _matmul_vjp(node, gs):
    """C = op(A) op(B): gA, gB from g with the transposes arranged as in TF1; complex
    operands enter conjugated (gA = g conj(B)^T: TF's adjoint_b)."""
    a, b = _conj_all(node.inputs)
    g = gs[0]
    ta, tb = node.attrs["transpose_a"], node.attrs["transpose_b"]
    if not ta and not tb:
        ga, gb = matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)
    elif not ta and tb:
        ga, gb = matmul(g, b), matmul(g, a, transpose_a=True)
    elif ta and not tb:
        ga, gb = matmul(b, g, transpose_b=True), matmul(a, g)
    else:
        ga, gb = (matmul(b, g, transpose_a=True, transpose_b=True),
                  matmul(g, a, transpose_a=True, transpose_b=True))
    if a.shape.rank == 2 and b.shape.rank == 2:       # no batch dims: nothing broadcast
        return [ga, gb]
    return [_sum_batch(ga, a), _sum_batch(gb, b)]


def _conj_all(xs):
    from .einsum import _conj_all as conj_all
    return conj_all(xs)


def _sum_batch(g, x):
    """g summed over the batch dims that broadcasting added to x."""
    from .array import shape
    from .elementwise import sum_to
    if x.shape.is_fully_defined():
        return g if g.shape == x.shape else sum_to(g, list(x.shape._dims))
    return sum_to(g, shape(x, out_type="int64"))


def _matmul_jvp(node, ts):
    """d(AB) = dA B + A dB."""
    a, b = node.inputs
    ta, tb = ts
    kw = node.attrs
    terms = []
    if ta is not None:
        terms.append(matmul(ta, b, **kw))
    if tb is not None:
        terms.append(matmul(a, tb, **kw))
    return terms[0] if len(terms) == 1 else terms[0] + terms[1]


def _matmul_out(a, b, *, transpose_a, transpose_b, out):
    if a.ndim < 2 or b.ndim < 2:        # numpy would take a vector: TF's error instead
        i, x = (0, a) if a.ndim < 2 else (1, b)
        raise errors.InvalidArgumentError(
            f"matmul: In[{i}] ndims must be >= 2: {x.ndim} (In[{i}] has shape {x.shape}); "
            "use gc.expand_dims or gc.tensordot for vectors")
    at = np.swapaxes(a, -1, -2) if transpose_a else a
    bt = np.swapaxes(b, -1, -2) if transpose_b else b
    try:
        return np.matmul(at, bt, out=out)
    except ValueError:
        _explain_sizes(a, b, at, bt, transpose_a, transpose_b)
        raise


def _explain_sizes(a, b, at, bt, transpose_a, transpose_b):
    """Raise TF's error, in graphc's words, for inputs whose inner or batch dims clash."""
    shapes = f"In[0]: {_tf_dims(a.shape)}, In[1]: {_tf_dims(b.shape)}"
    if at.shape[-1] != bt.shape[-2]:
        ka, kb = a.ndim - (2 if transpose_a else 1), b.ndim - (1 if transpose_b else 2)
        raise errors.InvalidArgumentError(
            f"matmul: inner dimensions differ: In[0] of shape {a.shape} has {a.shape[ka]} "
            f"(dim {ka}) but In[1] of shape {b.shape} has {b.shape[kb]} (dim {kb}) "
            f"(Matrix size-incompatible: {shapes})")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise errors.InvalidArgumentError(
            f"matmul: the batch dimensions of In[0] of shape {a.shape} and In[1] of shape "
            f"{b.shape} do not broadcast (In[0] and In[1] must have compatible batch "
            f"dimensions: {_tf_dims(a.shape)} vs. {_tf_dims(b.shape)})") from None


def _tf_dims(shape):
    return "[" + ",".join(map(str, shape)) + "]"


MATMUL = register(OpDef(
    "MatMul", _infer_matmul, _matmul_kernel, vjp=_matmul_vjp, jvp=_matmul_jvp,
    kernel_out=_matmul_out, broadcasts=False,
    api="matmul", signature="matmul(a, b, transpose_a=False, transpose_b=False, name=None)",
    shape_rule="(..., m, k) @ (..., k, n) -> (..., m, n); batch dims broadcast",
    dtypes="numeric or complex (a, b same)", doc="Matrix product, batched over leading dims."))


def _scaled_matmul_out(a, b, c, *, transpose_a, transpose_b, out=None):
    """c * (a @ b) for a scalar c, multiplying the smallest of a, b and the product."""
    m = a.shape[-1 if transpose_a else -2]
    n = b.shape[-2 if transpose_b else -1]
    if m * n <= min(a.size, b.size):
        r = _matmul_out(a, b, transpose_a=transpose_a, transpose_b=transpose_b, out=out)
        return np.multiply(r, c, out=r)
    if a.size <= b.size:
        a = a * c
    else:
        b = b * c
    return _matmul_out(a, b, transpose_a=transpose_a, transpose_b=transpose_b, out=out)


# made by the compiler ("matmul(a, b) * c" with c a scalar), never by users: not registered
SCALED_MATMUL = OpDef(
    "ScaledMatMul", lambda ctx, a, b, c, **kw: _infer_matmul(ctx, a, b, **kw),
    _scaled_matmul_out, kernel_out=_scaled_matmul_out, broadcasts=False,
    differentiable=False, doc="c * (a @ b) of 2-D a and b and a scalar c; the kernel "
    "scales whichever of a, b and the product is smallest.")


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """a @ b. `gc.matmul(x, W)` with x (batch, 784) and W (784, 10) gives (batch, 10).

    adjoint_a/adjoint_b take the conjugate transpose (the transpose for real dtypes);
    passing transpose_a and adjoint_a together is a ValueError (UsageError), as in TF1.
    a_is_sparse/b_is_sparse are TF1's hints that an operand has many zeros: accepted and
    ignored (the result is the same)."""
    a, b = operands(a, b, "matmul")
    for k, (t, adj) in enumerate(((transpose_a, adjoint_a), (transpose_b, adjoint_b))):
        if t and adj:
            s = "ab"[k]
            raise errors.UsageError(
                f"matmul: only one of transpose_{s} and adjoint_{s} can be True"
                + errors.called_at("matmul"))
    if adjoint_a and a.dtype.is_complex or adjoint_b and b.dtype.is_complex:
        from .complex_ops import conj
        a = conj(a) if adjoint_a and a.dtype.is_complex else a
        b = conj(b) if adjoint_b and b.dtype.is_complex else b
    return apply1(MATMUL, (a, b), name=name, transpose_a=bool(transpose_a or adjoint_a),
                  transpose_b=bool(transpose_b or adjoint_b))


# ---- tensordot ----------------------------------------------------------------------------
def _tensordot_axes(ctx, a, b, axes):
    """((axes of a), (axes of b)), normalized to non-negative ints."""
    ra, rb = a.shape.rank, b.shape.rank
    if ra is None or rb is None:
        raise InferError("tensordot needs operands of known rank: {0} has shape "
                         f"{a.shape}, {{1}} has shape {b.shape}")
    if isinstance(axes, int):
        if not 0 <= axes <= min(ra, rb):
            raise InferError(f"axes={axes} must be in 0..{min(ra, rb)} for ranks {ra} and {rb}")
        return tuple(range(ra - axes, ra)), tuple(range(axes))
    xa, xb = axes
    if len(xa) != len(xb):
        raise InferError(f"axes {list(xa)} of {{0}} and {list(xb)} of {{1}} differ in length")
    xa = tuple(ctx.axis(k, ra, 0) for k in xa)
    xb = tuple(ctx.axis(k, rb, 1) for k in xb)
    for x, w in ((xa, 0), (xb, 1)):
        if len(set(x)) != len(x):
            raise InferError(f"axes {list(x)} of {{{w}}} repeat an axis")
    return xa, xb


def _tensordot_equation(ra, rb, xa, xb):
    """The einsum equation of tensordot: contracted axis pairs share a letter."""
    la = list(_LETTERS[:ra])
    lb = list(_LETTERS[ra:ra + rb])
    for p, q in zip(xa, xb):
        lb[q] = la[p]
    out = [la[k] for k in range(ra) if k not in xa] + [lb[k] for k in range(rb) if k not in xb]
    return "".join(la) + "," + "".join(lb) + "->" + "".join(out)


def _infer_tensordot(ctx, a, b, *, axes):
    ctx.same_dtype()
    ctx.require(0, "numeric or complex")
    xa, xb = _tensordot_axes(ctx, a, b, axes)
    da, db = a.shape._dims, b.shape._dims
    for p, q in zip(xa, xb):
        ctx.merge_dims(da[p], db[q], f"contracted dims differ: {{{{0}}}} has {{a}} (dim {p}) "
                                     f"but {{{{1}}}} has {{b}} (dim {q})")
    return ([da[k] for k in range(len(da)) if k not in xa]
            + [db[k] for k in range(len(db)) if k not in xb]), a.dtype


def _node_equation(node):
    a, b = node.inputs
    axes = node.attrs["axes"]
    ra, rb = a.shape.rank, b.shape.rank
    if isinstance(axes, int):
        xa, xb = tuple(range(ra - axes, ra)), tuple(range(axes))
    else:
        xa, xb = (tuple(k % ra for k in axes[0]), tuple(k % rb for k in axes[1]))
    return _tensordot_equation(ra, rb, xa, xb)


def _tensordot_kernel(a, b, *, axes):
    return np.asarray(np.tensordot(a, b, axes=axes), dtype=a.dtype)


def _tensordot_vjp(node, gs):
    """tensordot is an einsum: its gradients are einsums with the subscripts permuted."""
    eq = _node_equation(node)
    (sa, sb), out = _parse(eq)
    a, b = _conj_all(node.inputs)
    return [einsum(f"{_join(out)},{_join(sb)}->{_join(sa)}", gs[0], b),
            einsum(f"{_join(sa)},{_join(out)}->{_join(sb)}", a, gs[0])]


def _tensordot_jvp(node, ts):
    """Bilinear: d(a.b) = da.b + a.db."""
    a, b = node.inputs
    axes = node.attrs["axes"]
    terms = []
    if ts[0] is not None:
        terms.append(tensordot(ts[0], b, axes))
    if ts[1] is not None:
        terms.append(tensordot(a, ts[1], axes))
    return None if not terms else terms[0] if len(terms) == 1 else terms[0] + terms[1]


TENSORDOT = register(OpDef(
    "Tensordot", _infer_tensordot, _tensordot_kernel, vjp=_tensordot_vjp,
    jvp=_tensordot_jvp, api="tensordot", signature="tensordot(a, b, axes, name=None)",
    shape_rule="free dims of a, then free dims of b", dtypes="numeric or complex (a, b same)",
    doc="Sum of products over axes[0] of a and axes[1] of b (numpy.tensordot)."))


def tensordot(a, b, axes, name=None):
    """numpy.tensordot: `axes` is an int N (last N of a with first N of b) or a pair of
    axis lists. `gc.tensordot(x, w, [[1], [0]])` is x @ w. axes may be a tensor and a or b
    of unknown rank (TF1): then a transpose, reshape and matmul read at run time."""
    a, b = operands(a, b, "tensordot")
    if isinstance(axes, Tensor) and constant_value(axes) is not None:
        axes = constant_value(axes).tolist()
    if isinstance(axes, Tensor) or a.shape.rank is None or b.shape.rank is None:
        return _tensordot_dynamic(a, b, axes, name)
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        axes = int(axes)
    else:
        try:
            xa, xb = axes
            xa = (int(xa),) if isinstance(xa, (int, np.integer)) else tuple(int(k) for k in xa)
            xb = (int(xb),) if isinstance(xb, (int, np.integer)) else tuple(int(k) for k in xb)
        except (TypeError, ValueError):
            raise errors.UsageError(
                f"tensordot: axes must be an int or a pair of axis lists, got {axes!r}"
                + errors.called_at("tensordot")) from None
        axes = (xa, xb)
    return apply1(TENSORDOT, (a, b), name=name, axes=axes)


def _tensordot_dynamic(a, b, axes, name):
    """tensordot with axes or ranks known only at run time, as TF1 builds it: each operand
    transposed to (free, contracted) / (contracted, free), reshaped to a matrix, matmul."""
    from ..graph import name_scope
    from .array import rank, reshape, shape, transpose
    from .core import convert_to_tensor
    from .counting import setdiff1d
    from .creation import range as range_
    from .gather import gather
    from .join import concat, stack
    from .reduce import reduce_prod
    with name_scope(name, "Tensordot"):
        if not isinstance(axes, Tensor) and np.ndim(axes) == 0:
            axes = int(axes)
        axes = convert_to_tensor(axes, dtype=dtypes.int32)
        ra, rb = rank(a), rank(b)
        if axes.shape.rank == 0:
            xa, xb = range_(ra - axes, ra), range_(axes)
        elif axes.shape.rank in (1, 2):      # [[...], [...]] or [i, j]
            xa, xb = reshape(axes[0], [-1]), reshape(axes[1], [-1])
        else:
            raise errors.UsageError(
                f"tensordot: axes must be a scalar or a [2, k] tensor, got shape "
                f"{axes.shape}" + errors.called_at("tensordot"))

        def as_matrix(x, r, ax, contracted_first):
            ax = ax % r
            free = setdiff1d(range_(r), ax)[0]
            dims = shape(x)
            nf, nc = reduce_prod(gather(dims, free)), reduce_prod(gather(dims, ax))
            perm, sizes = ([ax, free], [nc, nf]) if contracted_first else ([free, ax], [nf, nc])
            return reshape(transpose(x, concat(perm, 0)), stack(sizes)), gather(dims, free)

        ma, fa = as_matrix(a, ra, xa, False)
        mb, fb = as_matrix(b, rb, xb, True)
        return reshape(matmul(ma, mb), concat([fa, fb], 0))


# ---- composites ---------------------------------------------------------------------------
def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """a @ b for matrices a (..., m, n) and vectors b (..., n): (..., m), batch dims
    broadcast as in matmul. `gc.linalg.matvec(w, x)` with w (3, 4), x (4,) is (3,)."""
    from .array import expand_dims, squeeze
    from ..graph import name_scope
    with name_scope(name, "MatVec"):
        a, b = operands(a, b, "matvec")
        return squeeze(matmul(a, expand_dims(b, -1), transpose_a=transpose_a,
                              adjoint_a=adjoint_a), [-1])


def cross(a, b, name=None):
    """The cross product of 3-vectors along the last axis of a and b (same shape (..., 3)):
    (a1 b2 - a2 b1, a2 b0 - a0 b2, a0 b1 - a1 b0)."""
    from .. import errors
    from ..graph import name_scope
    from .array import stack
    a, b = operands(a, b, "cross")
    da, db = a.shape._dims, b.shape._dims
    bad = [d for d in (da, db) if d is not None and (not d or d[-1] not in (3, None))]
    if not bad and da is not None and db is not None:
        bad = len(da) != len(db) or any(p != q and None not in (p, q) for p, q in zip(da, db))
    if bad:
        raise errors.ShapeError(
            f"cross: a and b must have the same shape (..., 3)\n"
            f"  {errors.describe_tensor(a, 'a')}\n  {errors.describe_tensor(b, 'b')}"
            + errors.called_at("cross"))
    with name_scope(name, "Cross"):
        x, y = [[t[..., i] for i in range(3)] for t in (a, b)]
        return stack([x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2],
                      x[0] * y[1] - x[1] * y[0]], axis=-1)
