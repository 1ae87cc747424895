"""Linear algebra: matmul (batched, with transpose flags), tensordot, einsum."""
import numpy as np

from ..shapes import InferError
from .core import convert_to_tensor
from .elementwise import operands
from .registry import OpDef, apply1, register

__all__ = ["matmul"]


def _infer_matmul(ctx, a, b, *, transpose_a, transpose_b):
    ctx.same_dtype()
    ctx.require(0, "numeric")
    ra, rb = a.shape.rank, b.shape.rank
    for i, r, t in ((0, ra, a), (1, rb, b)):
        if r is not None and r < 2:
            raise InferError(f"{{{i}}} has rank {r} but matmul needs rank >= 2 (shape "
                             f"{t.shape}); use gc.expand_dims or gc.tensordot for vectors")
    if ra is None or rb is None:
        return None, a.dtype
    da, db = a.shape.dims, b.shape.dims
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
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


def _matmul_vjp(node, gs):
    """C = op(A) op(B): gA, gB from g with the transposes arranged as in TF1."""
    a, b = node.inputs
    g = gs[0]
    ta, tb = node.attrs["transpose_a"], node.attrs["transpose_b"]
    if not ta and not tb:
        return [matmul(g, b, transpose_b=True), matmul(a, g, transpose_a=True)]
    if not ta and tb:
        return [matmul(g, b), matmul(g, a, transpose_a=True)]
    if ta and not tb:
        return [matmul(b, g, transpose_b=True), matmul(a, g)]
    return [matmul(b, g, transpose_a=True, transpose_b=True),
            matmul(g, a, transpose_a=True, transpose_b=True)]


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


MATMUL = register(OpDef(
    "MatMul", _infer_matmul, _matmul_kernel, vjp=_matmul_vjp, jvp=_matmul_jvp,
    api="matmul", signature="matmul(a, b, transpose_a=False, transpose_b=False, name=None)",
    shape_rule="(..., m, k) @ (..., k, n) -> (..., m, n); batch dims broadcast",
    dtypes="numeric (a, b same)", doc="Matrix product, batched over leading dims."))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           name=None):
    """a @ b. `gc.matmul(x, W)` with x (batch, 784) and W (784, 10) gives (batch, 10)."""
    a, b = operands(a, b, "matmul")
    return apply1(MATMUL, (a, b), name=name, transpose_a=bool(transpose_a or adjoint_a),
                  transpose_b=bool(transpose_b or adjoint_b))
