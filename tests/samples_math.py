"""Samples for the math and array ops of trig.py, gamma.py, scan.py, scatter.py, mask.py,
sorting.py, matrix.py and norm.py (see samples.py)."""
import numpy as np

import graphc as gc
from samples import Sample, away_from, normal, positive, shape

try:
    from scipy import special
except ImportError:                 # the gamma samples then check shapes and gradients only
    special = None


def _uniform(lo, hi):
    return lambda r: [r.uniform(lo, hi, size=shape(r))]


def _unary(op, fn, ref, gen=lambda r: [normal(r, shape(r))], **kw):
    return Sample(op, fn, gen, ref, **kw)


def _signed(r, s, lo=0.5, hi=1.5):
    """Values with |x| in [lo, hi] and random signs (away from 0, for cumprod)."""
    return r.uniform(lo, hi, size=s) * r.choice([-1.0, 1.0], size=s)


def _scan_ref(reduce, axis, exclusive=False, reverse=False):
    """out_i = reduce of x_j over j < i (j > i if reverse), and j = i unless exclusive."""
    def ref(x):
        xm = np.moveaxis(x, axis, 0)
        n = len(xm)
        rows = [reduce(xm[[j for j in range(n) if (j > i if reverse else j < i)
                            or (j == i and not exclusive)]], axis=0) for i in range(n)]
        return np.moveaxis(np.stack(rows), 0, axis)
    return ref


def _scan(op, fn, reduce, gen, axis, exclusive, reverse, **kw):
    flags = "".join(f for f, on in (("x", exclusive), ("r", reverse)) if on)
    return Sample(op, lambda x: fn(x, axis, exclusive=exclusive, reverse=reverse), gen,
                  _scan_ref(reduce, axis, exclusive, reverse), id=f"axis {axis} {flags}", **kw)


def _logaddexp(a, axis):
    """log(sum(exp(a))) over axis; -inf (log 0) for no elements."""
    return np.logaddexp.reduce(a, axis=axis) if len(a) else np.full(a.shape[1:], -np.inf)


def _cube(r):
    return [normal(r, (2, 3, 4))]


def _nd_indices(r, lead, dims):
    return np.stack([r.integers(0, d, size=lead) for d in dims], -1).astype(np.int32)


def _gather_nd(q, lead=(5,), pshape=(4, 3, 2)):
    return Sample("GatherNd", gc.gather_nd,
                  lambda r: [normal(r, pshape), _nd_indices(r, lead, pshape[:q])],
                  lambda p, i: p[tuple(np.moveaxis(i, -1, 0))], id=f"q={q}")


def _scatter_nd_ref(out_shape):
    def ref(i, u):
        out = np.zeros(out_shape)
        np.add.at(out, tuple(np.moveaxis(i, -1, 0)), u)
        return out
    return ref


def _scatter_nd(q, lead=(6,), out_shape=(4, 3, 2)):
    return Sample("ScatterNd", lambda i, u: gc.scatter_nd(i, u, list(out_shape)),
                  lambda r: [_nd_indices(r, lead, out_shape[:q]),
                             normal(r, lead + out_shape[q:])],
                  _scatter_nd_ref(out_shape), wrt=(1,), id=f"q={q}")


_MASK = np.array([[True, False, True], [False, True, True]])


def _mask_grad_build(g):
    x = gc.zeros([2, 3, 4], gc.float64)
    return gc.gradients(gc.boolean_mask(x, _MASK), [x], grad_ys=[g])[0]


def _mask_grad_ref(g):
    out = np.zeros((2, 3, 4))
    out[_MASK] = g
    return out


def _bools(r, s):
    return r.random(s) < 0.6


def _top_k_ref(k):
    def ref(x):
        idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
        return [np.take_along_axis(x, idx, -1), idx.astype(np.int32)]
    return ref


def _sort_ref(axis, descending, indices=False):
    def ref(x):
        idx = np.argsort(-x if descending else x, axis=axis, kind="stable")
        return idx.astype(np.int32) if indices else np.take_along_axis(x, idx, axis)
    return ref


def _invertible(batch, n):
    """Well-conditioned matrices: noise plus n on the diagonal."""
    return lambda r: [normal(r, batch + (n, n)) + n * np.eye(n)]


def _special_ref(name):
    return None if special is None else getattr(special, name)


SAMPLES = [
    # ---- inverse trigonometric and hyperbolic functions, atan2, log_sigmoid
    _unary("Atan", gc.atan, np.arctan),
    _unary("Asin", gc.asin, np.arcsin, _uniform(-0.9, 0.9)),
    _unary("Acos", gc.acos, np.arccos, _uniform(-0.9, 0.9)),
    _unary("Sinh", gc.sinh, np.sinh),
    _unary("Cosh", gc.cosh, np.cosh),
    _unary("Asinh", gc.asinh, np.arcsinh),
    _unary("Acosh", gc.acosh, np.arccosh, _uniform(1.2, 4.0)),
    _unary("Atanh", gc.atanh, np.arctanh, _uniform(-0.9, 0.9)),
    Sample("Atan2", gc.atan2, lambda r: [normal(r, (3, 4)), away_from(r, (4,), gap=0.3)],
           np.arctan2),
    Sample("Atan2", gc.atan2, lambda r: [normal(r, (2, 1)), positive(r, (2, 3))],
           np.arctan2, id="broadcast"),
    Sample("Softplus", gc.log_sigmoid, lambda r: [normal(r, shape(r)) * 5],
           lambda x: -np.logaddexp(0, -x), id="log_sigmoid"),
    # ---- lgamma and its derivatives (negative inputs away from the poles)
    _unary("Lgamma", gc.lgamma, _special_ref("gammaln"), _uniform(0.3, 6.0)),
    _unary("Lgamma", gc.lgamma, _special_ref("gammaln"), _uniform(-2.8, -2.2), id="negative"),
    _unary("Digamma", gc.digamma, _special_ref("digamma"), _uniform(0.3, 6.0)),
    _unary("Digamma", gc.digamma, _special_ref("digamma"), _uniform(-1.8, -1.2),
           id="negative"),
    Sample("Polygamma", gc.polygamma,
           lambda r: [r.integers(0, 4, size=(2, 3)).astype(np.float64),
                      r.uniform(0.5, 5.0, size=(2, 3))],
           None if special is None else lambda a, x: special.polygamma(a.astype(int), x),
           wrt=(1,), rtol=1e-9),
    Sample("Polygamma", lambda x: gc.polygamma(2.0, x), _uniform(0.5, 5.0),
           None if special is None else lambda x: special.polygamma(2, x), rtol=1e-9,
           id="a=2"),
    # ---- cumulative sums and products (every exclusive/reverse combination)
    _scan("Cumsum", gc.cumsum, np.sum, _cube, 0, False, False),
    _scan("Cumsum", gc.cumsum, np.sum, _cube, -1, True, False),
    _scan("Cumsum", gc.cumsum, np.sum, _cube, 1, False, True),
    _scan("Cumsum", gc.cumsum, np.sum, _cube, -2, True, True),
    _scan("Cumsum", gc.cumsum, np.sum, lambda r: [r.integers(-9, 9, (3, 4)).astype(np.int32)],
          1, True, False, grad=False),
    _scan("Cumprod", gc.cumprod, np.prod, lambda r: [_signed(r, (2, 3, 4))], 1, False, False),
    _scan("Cumprod", gc.cumprod, np.prod, lambda r: [_signed(r, (4, 3))], 0, True, False),
    _scan("Cumprod", gc.cumprod, np.prod, lambda r: [_signed(r, (3, 5))], -1, False, True),
    _scan("Cumprod", gc.cumprod, np.prod, lambda r: [_signed(r, (2, 3, 4))], 2, True, True),
    _scan("CumulativeLogsumexp", gc.math.cumulative_logsumexp, _logaddexp, _cube, 1, False,
          False),
    _scan("CumulativeLogsumexp", gc.math.cumulative_logsumexp, _logaddexp,
          lambda r: [np.array([[-200., 0., 1.], [-700., 3., -40.]])], -1, False, True),
    _scan("CumulativeLogsumexp", gc.math.cumulative_logsumexp, _logaddexp, _cube, 0, True,
          True, grad=False),        # exclusive: a constant -inf, no finite differences
    # ---- gather_nd and scatter_nd (each other's transpose)
    _gather_nd(1), _gather_nd(2), _gather_nd(3, lead=(2, 3)),
    Sample("GatherNd", lambda p, i: gc.gather_nd(p, i, batch_dims=1),
           lambda r: [normal(r, (2, 4, 3)), r.integers(0, 4, size=(2, 5, 1)).astype(np.int32)],
           lambda p, i: np.stack([p[b][i[b, :, 0]] for b in range(2)]), id="batch_dims=1"),
    _scatter_nd(1), _scatter_nd(2, lead=(2, 5)), _scatter_nd(3),
    Sample("ScatterNd", lambda i, u: gc.scatter_nd(i, u, gc.constant([5], gc.int64)),
           lambda r: [r.integers(0, 5, size=(4, 1)), normal(r, (4,))],
           lambda i, u: np.bincount(i[:, 0], u, 5), wrt=(1,), id="int64"),
    Sample("ScatterNd", lambda i, u: gc.scatter_nd(i, u, [5]),    # repeats: logical or
           lambda r: [r.integers(0, 5, size=(4, 1)), normal(r, (4,)) > 0],
           lambda i, u: np.bincount(i[:, 0], u, 5) > 0, grad=False, id="bool"),
    # ---- boolean_mask, its transpose, sequence_mask
    Sample("BooleanMask", gc.boolean_mask, lambda r: [normal(r, (5, 3)), _bools(r, (5,))],
           lambda x, m: x[m]),
    Sample("BooleanMask", lambda x, m: gc.boolean_mask(x, m, axis=1),
           lambda r: [normal(r, (2, 3, 4, 2)), _bools(r, (3, 4))],
           lambda x, m: x[:, m], id="axis 1, 2-D mask"),
    Sample("BooleanMask", lambda x: gc.boolean_mask(x, _MASK),
           lambda r: [normal(r, (2, 3, 4))], lambda x: x[_MASK], id="constant mask"),
    Sample("BooleanMaskGrad", _mask_grad_build, lambda r: [normal(r, (4, 4))],
           _mask_grad_ref),
    Sample("Less", lambda n: gc.sequence_mask(n, 6),
           lambda r: [r.integers(0, 7, size=(2, 3)).astype(np.int32)],
           lambda n: np.arange(6) < n[..., None], grad=False, id="sequence_mask"),
    Sample("Cast", lambda n: gc.sequence_mask(n, dtype=gc.float32),
           lambda r: [r.integers(0, 5, size=(4,)).astype(np.int64)],
           lambda n: (np.arange(n.max()) < n[:, None]).astype(np.float32), grad=False,
           id="sequence_mask float"),
    # ---- top_k, sort, argsort
    # (check_vjp feeds a float cotangent to every output, so the gradient samples
    # fetch the values alone)
    Sample("TopKV2", lambda x: gc.nn.top_k(x, 2), lambda r: [normal(r, (3, 5))],
           _top_k_ref(2), grad=False, id="values and indices"),
    Sample("TopKV2", lambda x: gc.nn.top_k(x, 2)[0], lambda r: [normal(r, (3, 5))],
           lambda x: _top_k_ref(2)(x)[0]),
    Sample("TopKV2", lambda x: gc.nn.top_k(x, 4)[0], lambda r: [normal(r, (2, 3, 4))],
           lambda x: _top_k_ref(4)(x)[0], id="k = n, 3-D"),
    Sample("TopKV2", lambda x: gc.nn.top_k(x)[0], lambda r: [normal(r, (6,))],
           lambda x: _top_k_ref(1)(x)[0], id="1-D"),
    Sample("TopKV2", gc.sort, lambda r: [normal(r, (3, 5))], _sort_ref(-1, False), id="sort"),
    Sample("TopKV2", lambda x: gc.sort(x, 0, "DESCENDING"), _cube, _sort_ref(0, True),
           id="sort axis 0 descending"),
    Sample("TopKV2", lambda x: gc.argsort(x, 1), _cube, _sort_ref(1, False, True),
           grad=False, id="argsort axis 1"),
    Sample("TopKV2", lambda x: gc.sort(x, direction="DESCENDING"),
           lambda r: [r.integers(-3, 3, size=(4, 5)).astype(np.int32)], _sort_ref(-1, True),
           grad=False, id="sort int32 ties"),
    # ---- matrices
    Sample("MatrixInverse", gc.matrix_inverse, _invertible((2,), 3), np.linalg.inv),
    Sample("MatrixInverse", lambda a: gc.linalg.inv(a, adjoint=True), _invertible((), 4),
           lambda a: np.linalg.inv(a.T), id="adjoint"),
    Sample("MatrixDeterminant", gc.matrix_determinant, _invertible((2, 3), 3), np.linalg.det),
    Sample("MatrixDeterminant", gc.linalg.det, lambda r: [normal(r, (4, 4))], np.linalg.det,
           id="4x4"),
    Sample("MatrixDiag", gc.matrix_diag, lambda r: [normal(r, (2, 3))],
           lambda d: d[..., None] * np.eye(3)),
    Sample("MatrixDiagPart", gc.matrix_diag_part, _cube,
           lambda x: np.diagonal(x, 0, -2, -1)),
    Sample("MatrixDiagPart", gc.linalg.diag_part, lambda r: [normal(r, (4, 3))], np.diagonal,
           id="tall"),
    Sample("MatrixSetDiag", gc.matrix_set_diag,
           lambda r: [normal(r, (2, 3, 4)), normal(r, (2, 3))],
           lambda x, d: np.where(np.eye(3, 4, dtype=bool), np.pad(d, [(0, 0), (0, 1)])[
               :, None, :], x)),
    Sample("Sum", gc.trace, lambda r: [normal(r, (2, 4, 3))],
           lambda x: np.trace(x, axis1=-2, axis2=-1), id="trace"),
    Sample("Transpose", gc.matrix_transpose, _cube, lambda x: np.swapaxes(x, -1, -2),
           id="matrix_transpose"),
    Sample("Tile", lambda: gc.eye(2, 3, batch_shape=[2]), lambda r: [],
           lambda: np.broadcast_to(np.eye(2, 3, dtype=np.float32), (2, 2, 3)), grad=False,
           id="eye"),
    # ---- norms (away from 0, where the euclidean norm has no gradient)
    Sample("Sqrt", gc.norm, _cube, lambda x: np.linalg.norm(x.ravel()), id="norm"),
    Sample("Sqrt", lambda x: gc.norm(x, axis=-1, keepdims=True), _cube,
           lambda x: np.linalg.norm(x, axis=-1, keepdims=True), id="norm axis -1"),
    Sample("Sum", lambda x: gc.norm(x, 1, 1), lambda r: [away_from(r, (3, 4), gap=0.2)],
           lambda x: np.linalg.norm(x, 1, 1), id="norm ord 1"),
    Sample("Max", lambda x: gc.norm(x, np.inf, 0), lambda r: [normal(r, (3, 4))],
           lambda x: np.linalg.norm(x, np.inf, 0), id="norm ord inf"),
    Sample("Pow", lambda x: gc.norm(x, 3, 0), lambda r: [away_from(r, (3, 4), gap=0.2)],
           lambda x: np.linalg.norm(x, 3, 0), id="norm ord 3"),
    Sample("Sqrt", lambda x: gc.norm(x, "fro", (1, 2)), _cube,
           lambda x: np.linalg.norm(x, "fro", (1, 2)), id="norm fro"),
    Sample("Max", lambda x: gc.norm(x, 1, [-2, -1]), lambda r: [away_from(r, (2, 3, 4))],
           lambda x: np.linalg.norm(x, 1, (-2, -1)), id="norm matrix 1"),
    Sample("Max", lambda x: gc.norm(x, np.inf, [1, 0]), lambda r: [away_from(r, (3, 4))],
           lambda x: np.linalg.norm(x, np.inf, (1, 0)), id="norm matrix inf"),
]
