"""Behaviour of the ops of trig.py, gamma.py, scan.py, scatter.py, mask.py, sorting.py,
matrix.py and norm.py beyond the registry-wide checks: flags and edge cases, ties,
static shapes of data-dependent outputs, build-time errors, TF1 dtypes."""
import math

import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, ExecutionError, ShapeError
from graphc.testing import check_vjp
from helpers import raises, run


# ---- cumsum, cumprod ------------------------------------------------------------------------
@pytest.mark.parametrize("exclusive, reverse, sums, prods", [
    (False, False, [1, 3, 6], [1, 2, 6]),
    (True, False, [0, 1, 3], [1, 1, 2]),
    (False, True, [6, 5, 3], [6, 6, 3]),
    (True, True, [5, 3, 0], [6, 3, 1]),
])
def test_cumulative_flags(exclusive, reverse, sums, prods):
    x = gc.constant([1, 2, 3])
    s, p = run([gc.cumsum(x, exclusive=exclusive, reverse=reverse),
                gc.cumprod(x, exclusive=exclusive, reverse=reverse)])
    assert s.dtype == np.int32 and p.dtype == np.int32
    assert s.tolist() == sums and p.tolist() == prods


def test_cumsum_errors_at_build_time():
    x = gc.placeholder(gc.float32, (2, 3), name="x")
    raises(ShapeError, lambda: gc.cumsum(x, axis=2), "axis 2 is out of range", "'x'")
    raises(ShapeError, lambda: gc.cumprod(gc.constant(1.0)), "at least one dim")
    raises(DTypeError, lambda: gc.cumsum(gc.constant([True])), "numeric")


# ---- gather_nd, scatter_nd ------------------------------------------------------------------
def test_gather_nd_shapes_and_values():
    p = np.arange(24.0).reshape(2, 3, 4)
    assert run(gc.gather_nd(p, [[1, 2], [0, 0]])).tolist() == [p[1, 2].tolist(),
                                                               p[0, 0].tolist()]
    whole = gc.gather_nd(p, np.zeros((5, 0), np.int64))        # q = 0: all of params
    assert whole.shape == (5, 2, 3, 4) and (run(whole) == p).all()
    i = gc.placeholder(gc.int32, (None, 2))
    assert gc.gather_nd(p, i).shape.as_list() == [None, 4]
    assert gc.gather_nd(p, gc.placeholder(gc.int32, (3, None))).shape.dims is None


def test_gather_nd_errors():
    p = gc.placeholder(gc.float32, (2, 3), name="params")
    raises(ShapeError, lambda: gc.gather_nd(p, [[0, 3]]), "3 at position 1",
           "dim 1 of params params, of size 3")
    raises(ShapeError, lambda: gc.gather_nd(p, [[-1, 0]]), "-1 at position 0")
    raises(ShapeError, lambda: gc.gather_nd(p, [[0, 0, 0]]), "tuples of 3", "only 2 dims")
    raises(DTypeError, lambda: gc.gather_nd(p, [[0.0, 1.0]]), "integer")
    i = gc.placeholder(gc.int32, (1, 2), name="i")
    with pytest.raises(ExecutionError, match=r"indices\[0\] = \[2, 0\] does not index"):
        run(gc.gather_nd(p, i), {p: np.zeros((2, 3)), i: [[2, 0]]})
    with pytest.raises(ValueError, match="batch_dims"):
        gc.gather_nd(p, i, batch_dims=-1)


def test_gather_nd_batch_dims():
    p = np.arange(24.0).reshape(2, 3, 4)
    i = np.array([[[2, 1]], [[0, 3]]])                         # (2, 1, 2)
    got = run(gc.gather_nd(p, i, batch_dims=1))
    assert got.tolist() == [[p[0, 2, 1]], [p[1, 0, 3]]]


def test_scatter_nd_adds_repeated_indices():
    out = gc.scatter_nd([[1], [3], [1]], [9.0, 10.0, 1.0], [5])
    assert out.shape == (5,) and run(out).tolist() == [0, 10, 0, 10, 0]
    rows = gc.scatter_nd(gc.constant([[0], [0]], gc.int64), [[1, 2], [3, 4]],
                         gc.constant([3, 2], gc.int64))
    assert run(rows).tolist() == [[4, 6], [0, 0], [0, 0]]


def test_scatter_nd_errors():
    i = gc.placeholder(gc.int32, (4, 1), name="i")
    u = gc.placeholder(gc.float32, (4, 3), name="u")
    raises(ShapeError, lambda: gc.scatter_nd(i, u, [5, 2]), "must have shape", "(4, 2)")
    raises(ShapeError, lambda: gc.scatter_nd([[7]], [1.0], [5]), "7 at position 0")
    s = gc.placeholder(gc.int32, (2,))
    assert gc.scatter_nd(i, u, s).shape.as_list() == [None, 3]      # 3 from updates




# ---- boolean_mask, sequence_mask --------------------------------------------------------------
def test_boolean_mask_static_shapes():
    x = gc.placeholder(gc.float32, (4, 3, 2))
    m = gc.placeholder(gc.bool, (4,))
    assert gc.boolean_mask(x, m).shape.as_list() == [None, 3, 2]
    assert gc.boolean_mask(x, gc.placeholder(gc.bool, (3, 2)), axis=1).shape.as_list() == \
        [4, None]
    assert gc.boolean_mask(x, [True, False, True], axis=-2).shape.as_list() == [4, 2, 2]


def test_boolean_mask_values_axis_and_gradient():
    x = np.arange(12.0).reshape(2, 3, 2)
    m = np.array([True, False, True])
    assert (run(gc.boolean_mask(x, m, axis=1)) == x[:, m]).all()
    t = gc.constant(x)
    g, = gc.gradients(gc.reduce_sum(gc.boolean_mask(t, m, axis=1) * 2.0), [t])
    assert (run(g) == 2.0 * m[None, :, None]).all()


def test_boolean_mask_errors():
    x = gc.placeholder(gc.float32, (4, 3), name="x")
    raises(DTypeError, lambda: gc.boolean_mask(x, [1, 0, 1, 1]), "must be bool")
    raises(ShapeError, lambda: gc.boolean_mask(x, True), "cannot be a scalar")
    raises(ShapeError, lambda: gc.boolean_mask(x, [True, False]), "has 2 at dim 0",
           "x has 4")
    raises(ShapeError, lambda: gc.boolean_mask(x, [[True] * 3], axis=1), "rank >= 3")
    with pytest.raises(ShapeError, match="known rank"):
        gc.boolean_mask(x, gc.placeholder(gc.bool, None))


def test_sequence_mask():
    n = gc.constant([1, 3, 2])
    fixed = gc.sequence_mask(n, 5)
    assert fixed.shape == (3, 5) and fixed.dtype is gc.bool
    assert run(fixed).sum(1).tolist() == [1, 3, 2]
    longest = gc.sequence_mask(n, dtype=gc.float32)
    assert longest.shape == (3, 3)                  # max(n) is known when n is constant
    assert run(longest).tolist() == [[1, 0, 0], [1, 1, 1], [1, 1, 0]]
    fed = gc.placeholder(gc.int64, (None,))
    assert gc.sequence_mask(fed).shape.as_list() == [None, None]
    assert run(gc.sequence_mask(fed), {fed: [2, 0]}).tolist() == [[True, True], [False] * 2]
    assert run(gc.sequence_mask([[0, 2]], 3)).tolist() == [[[False] * 3, [True, True, False]]]
    assert run(gc.sequence_mask(gc.zeros([0], gc.int32))).shape == (0, 0)
    with pytest.raises(TypeError, match="integers"):
        gc.sequence_mask([1.0, 2.0])


# ---- top_k, sort, argsort -------------------------------------------------------------------
def test_top_k_ties_take_the_lower_index_first():
    values, indices = out = gc.nn.top_k([[1.0, 3.0, 3.0, 2.0, 3.0]], k=3)
    assert out.values is values and out.indices is indices      # TF1's namedtuple
    assert indices.dtype is gc.int32 and values.shape == (1, 3)
    v, i = run([values, indices])
    assert v.tolist() == [[3, 3, 3]] and i.tolist() == [[1, 2, 4]]
    x = gc.constant([1.0, 3.0, 3.0], gc.float64)
    g, = gc.gradients(gc.reduce_sum(gc.nn.top_k(x, 1)[0]), [x])
    assert run(g).tolist() == [0, 1, 0]                         # to the chosen one only


def test_top_k_static_shapes_and_errors():
    x = gc.placeholder(gc.float32, (2, 4), name="x")
    k = gc.placeholder(gc.int32, ())
    assert gc.nn.top_k(x, k)[0].shape.as_list() == [2, None]
    raises(ShapeError, lambda: gc.nn.top_k(x, 5), "k = 5 is larger", "of size 4")
    raises(ShapeError, lambda: gc.nn.top_k(x, -1), "must be >= 0")
    raises(ShapeError, lambda: gc.nn.top_k(gc.constant(1.0)), "at least one dim")
    with pytest.raises(ExecutionError, match="k = 5 must be in 0..4"):
        run(gc.nn.top_k(x, k), {x: np.zeros((2, 4)), k: 5})


def test_sort_and_argsort():
    x = np.array([[3, -2**31, 2**31 - 1, 3, 0]], np.int32)     # no overflow going ascending
    assert run(gc.sort(x)).tolist() == [sorted(x[0].tolist())]
    assert run(gc.argsort(x)).tolist() == [[1, 4, 0, 3, 2]]    # stable: 0 before 3
    assert run(gc.argsort(x, direction="DESCENDING")).tolist() == [[2, 0, 3, 4, 1]]
    y = np.random.default_rng(0).normal(size=(3, 4, 2))
    assert (run(gc.sort(y, axis=1)) == np.sort(y, axis=1)).all()
    assert run(gc.argsort(y, axis=0)).dtype == np.int32
    with pytest.raises(ValueError, match="direction"):
        gc.sort(y, direction="UP")
    with pytest.raises(ValueError, match="known"):
        gc.sort(gc.placeholder(gc.float32, None), axis=0)


# ---- matrices ---------------------------------------------------------------------------------
def test_matrix_errors():
    raises(ShapeError, lambda: gc.matrix_inverse(gc.zeros([2, 3])), "square", "2 x 3")
    raises(DTypeError, lambda: gc.matrix_determinant(gc.constant([[1, 2], [3, 4]])), "float")
    raises(ShapeError, lambda: gc.matrix_determinant(gc.zeros([3])), "rank >= 2")
    raises(ShapeError, lambda: gc.matrix_set_diag(gc.zeros([2, 3]), gc.zeros([3])),
           "min(rows, cols)")
    with pytest.raises(NotImplementedError, match="known when the graph is built"):
        gc.matrix_diag([1.0, 2.0], k=gc.placeholder(gc.int32, [2]))
    with pytest.raises(ValueError, match="rank >= 2"):
        gc.matrix_transpose(gc.zeros([3]))
    with pytest.raises(ExecutionError, match="[Ss]ingular"):
        run(gc.matrix_inverse(gc.zeros([2, 2])))


def test_matrix_values():
    a = np.array([[2.0, 1.0], [0.5, 3.0]])
    inv, det, tr = run([gc.linalg.inv(a), gc.linalg.det(a), gc.trace(a)])
    np.testing.assert_allclose(inv @ a, np.eye(2), atol=1e-12)
    assert det == pytest.approx(5.5) and tr == 5.0
    assert run(gc.matrix_set_diag(gc.zeros([2, 3]), [1.0, 2.0])).tolist() == \
        [[1, 0, 0], [0, 2, 0]]
    n = gc.placeholder(gc.int32, ())
    e = gc.eye(n, batch_shape=[2], dtype=gc.int64)
    assert e.shape.as_list() == [2, None, None]
    assert (run(e, {n: 3}) == np.eye(3, dtype=np.int64)).all()
    assert gc.eye(2, 3).shape == (2, 3)


# ---- norm -------------------------------------------------------------------------------------
def test_norm_shapes_and_errors():
    x = gc.placeholder(gc.float32, (2, 3, 4))
    assert gc.norm(x).shape == ()
    assert gc.norm(x, axis=1, keepdims=True).shape == (2, 1, 4)
    assert gc.norm(x, "fro", (0, 2), keep_dims=True).shape == (1, 3, 1)
    for bad in ("fro", 0, -1, "nuc"):
        with pytest.raises(ValueError, match="ord"):
            gc.norm(x, bad)
    assert gc.norm(x, 2, (0, 1)).shape == (4,)          # the largest singular value
    with pytest.raises(ValueError, match="axis"):
        gc.norm(x, axis=(1, 1))


# ---- second derivatives: each vjp is built of differentiable ops ----------------------------
_MASK = np.array([True, False, True])
_SQ = np.array([[2.0, 0.5, 0.1], [0.3, 3.0, 0.2], [0.1, 0.4, 2.5]])


@pytest.mark.parametrize("f, x", [
    (lambda p: gc.gather_nd(p, [[0, 1], [1, 1]]), np.ones((2, 3)) * 0.7),
    (lambda u: gc.scatter_nd([[1], [1]], u, [3]), np.array([0.5, -1.5])),
    (lambda x: gc.boolean_mask(x, _MASK, axis=1), np.ones((2, 3)) * 0.3),
    (lambda x: gc.nn.top_k(x, 2).values, np.array([[0.3, -1.0, 2.0], [1.0, 0.5, -0.2]])),
    (lambda x: gc.cumprod(x, 1, exclusive=True), np.array([[0.8, -1.2, 1.5]])),
    (lambda x: gc.cumsum(x, reverse=True), np.array([0.5, -1.0, 2.0])),
    (gc.matrix_inverse, _SQ), (gc.matrix_determinant, _SQ),
    (lambda x: gc.matrix_diag(gc.matrix_diag_part(x)), _SQ[:2]),
    (lambda x: gc.norm(x, axis=0), _SQ), (gc.digamma, _SQ), (gc.atanh, _SQ / 4),
], ids=["gather_nd", "scatter_nd", "boolean_mask", "top_k", "cumprod", "cumsum",
        "inverse", "determinant", "diag", "norm", "digamma", "atanh"])
def test_second_derivatives(f, x):
    check_vjp(lambda t: gc.gradients(gc.reduce_sum(f(t) ** 3), [t])[0], [x])


# ---- elementwise math -------------------------------------------------------------------------
def test_log_sigmoid_is_stable():
    x = gc.constant([-1000.0, 0.0, 1000.0], gc.float64)
    y, g = run([gc.log_sigmoid(x), gc.gradients(gc.reduce_sum(gc.log_sigmoid(x)), [x])[0]])
    np.testing.assert_allclose(y, [-1000.0, -math.log(2), 0.0])
    np.testing.assert_allclose(g, [1.0, 0.5, 0.0])


def test_gamma_functions_at_known_points():
    x = gc.constant([0.5, 1.0, 0.0, -1.0], gc.float64)
    lg, dg, pg = run([gc.lgamma(x), gc.digamma(x), gc.polygamma(1.0, x)])
    np.testing.assert_allclose(lg[:2], [math.log(math.sqrt(math.pi)), 0.0], atol=1e-15)
    assert lg[2:].tolist() == [math.inf, math.inf]
    np.testing.assert_allclose(dg[:2], [-0.5772156649015329 - 2 * math.log(2),
                                        -0.5772156649015329], rtol=1e-14)
    assert np.isnan(dg[2:]).all()
    np.testing.assert_allclose(pg[:2], [math.pi ** 2 / 2, math.pi ** 2 / 6], rtol=1e-14)
    assert np.isnan(run(gc.polygamma(gc.constant([0.5, -1.0]), 2.0))).all()


def test_gamma_functions_match_scipy():
    special = pytest.importorskip("scipy.special")
    x = gc.constant(np.concatenate([np.linspace(-7.9, 30.0, 397), np.geomspace(1e-6, 1e8, 60)]))
    got = run([gc.lgamma(x), gc.digamma(x)] + [gc.polygamma(float(n), x) for n in range(4)])
    x = run(x)
    want = [special.gammaln(x), special.digamma(x)] + [special.polygamma(n, x)
                                                        for n in range(4)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-11, atol=1e-13)


def test_new_names_are_where_tf1_has_them():
    for name in ["atan", "asin", "acos", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2",
                 "log_sigmoid", "lgamma", "digamma", "polygamma", "cumsum", "cumprod",
                 "gather_nd", "scatter_nd", "boolean_mask", "sequence_mask", "sort",
                 "argsort", "norm", "matrix_inverse", "matrix_determinant",
                 "matrix_transpose", "matrix_diag", "matrix_diag_part", "matrix_set_diag",
                 "trace", "eye"]:
        assert callable(getattr(gc, name)), name
    assert gc.nn.top_k is not None and not hasattr(gc, "top_k")
    for name in ["inv", "det", "diag", "diag_part", "set_diag", "transpose", "trace", "eye",
                 "norm", "matmul"]:
        assert callable(getattr(gc.linalg, name)), name


def test_polygamma_and_zeta_at_negative_arguments_by_reflection():
    """Below 0 both use the reflection formula (O(1), not a sum of |x| terms: -1e10
    took minutes); values against direct sums and TF 2.21; poles give TF's inf or NaN."""
    x = np.array([-2.5, -1e4 + 0.5, -3.3, -0.7, -10.25, -5.6, -1e10 + 0.25])
    n = np.array([1.0, 1, 2, 2, 1, 3, 1])
    k = np.arange(0, 200_000, dtype=np.float64)

    def direct(s, q):           # sum_k (q + k)^-s, its tail by the integral
        return np.sum((q + k) ** -s) + (q + 2e5) ** (1 - s) / (s - 1)
    pg, z = run([gc.polygamma(n, x), gc.zeta(n + 1, x)])
    for i in (0, 2, 3, 4, 5):
        want = direct(n[i] + 1, x[i])
        np.testing.assert_allclose(z[i], want, rtol=1e-9)
        np.testing.assert_allclose(pg[i], (-1) ** (n[i] + 1) * math.factorial(int(n[i]))
                                   * want, rtol=1e-9)
    np.testing.assert_allclose([pg[1], pg[6]], [9.8695044, 19.7392088], rtol=1e-7)
    # at a pole odd orders tend to +inf from both sides, even ones to -inf and +inf: NaN
    # (TF 2.21: polygamma([1, 2, 3, 4], -3) = [inf, nan, inf, nan])
    at_pole = run(gc.polygamma(gc.constant([1.0, 2.0, 3.0, 4.0]), -3.0))
    assert at_pole[0] == at_pole[2] == np.inf and np.isnan(at_pole[[1, 3]]).all()
