"""Behaviour of graphc/ops/decomp.py and graphc/ops/solve.py beyond the registry-wide
checks (tests/samples_decomp.py): the defining identities of each decomposition, the
sign convention, TF1's derivative conventions for symmetric inputs, build-time errors,
the unsupported derivative cases, and lstsq choosing its branch at run time."""
import numpy as np
import pytest

import graphc as gc
from graphc.errors import DTypeError, GradientError, ShapeError
from graphc.testing import check_jvp, check_transpose, check_vjp
from helpers import raises, run


def _rng(seed=0):
    return np.random.default_rng(seed)


def _t(x):
    return np.swapaxes(x, -1, -2)


# ---- the defining identities ------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4), (2, 6, 2)])
def test_svd_reconstructs_with_orthonormal_vectors_and_fixed_signs(shape):
    a = _rng().standard_normal(shape)
    s, u, v = run(gc.svd(gc.constant(a)))
    k = min(shape[-2:])
    assert s.shape == shape[:-2] + (k,) and np.all(np.diff(s, axis=-1) <= 0)
    np.testing.assert_allclose((u * s[..., None, :]) @ _t(v), a, atol=1e-12)
    np.testing.assert_allclose(_t(u) @ u, np.broadcast_to(np.eye(k), shape[:-2] + (k, k)),
                               atol=1e-12)
    np.testing.assert_allclose(_t(v) @ v, np.broadcast_to(np.eye(k), shape[:-2] + (k, k)),
                               atol=1e-12)
    top = np.take_along_axis(u, np.argmax(np.abs(u), axis=-2)[..., None, :], axis=-2)
    assert np.all(top > 0)


def test_svd_full_matrices_gives_square_orthogonal_factors():
    a = _rng(1).standard_normal((5, 3))
    s, u, v = run(gc.svd(gc.constant(a), full_matrices=True))
    assert u.shape == (5, 5) and v.shape == (3, 3)
    np.testing.assert_allclose(_t(u) @ u, np.eye(5), atol=1e-12)
    np.testing.assert_allclose((u[:, :3] * s) @ _t(v), a, atol=1e-12)


@pytest.mark.parametrize("shape, full", [((5, 3), False), ((3, 5), False), ((2, 5, 3), True)])
def test_qr_reconstructs_with_orthonormal_q_and_upper_r(shape, full):
    a = _rng(2).standard_normal(shape)
    q, r = run(gc.qr(gc.constant(a), full_matrices=full))
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    np.testing.assert_allclose(_t(q) @ q, np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2] +
                                                          (q.shape[-1],) * 2), atol=1e-12)
    assert np.all(np.tril(r, -1) == 0)


def test_eig_and_cholesky_read_only_the_lower_triangle():
    a = np.array([[4.0, 100.0], [2.0, 5.0]])          # the 100 must be ignored
    sym = np.array([[4.0, 2.0], [2.0, 5.0]])
    low, e, (e2, v) = run([gc.cholesky(a), gc.self_adjoint_eigvals(a), gc.self_adjoint_eig(a)])
    np.testing.assert_allclose(low, [[2, 0], [1, 2]])
    np.testing.assert_allclose(e, np.linalg.eigvalsh(sym))
    np.testing.assert_allclose(sym @ v, v * e2, atol=1e-12)
    assert np.all(v[np.argmax(np.abs(v), axis=0), [0, 1]] > 0)


def test_slogdet_keeps_the_sign_and_avoids_overflow():
    big = gc.constant(2 * np.eye(200, dtype=np.float32))
    sign, logabs = run(gc.linalg.slogdet(big))
    assert sign == 1 and sign.dtype == np.float32
    np.testing.assert_allclose(logabs, 200 * np.log(2), rtol=1e-6)
    sign, logabs = run(gc.linalg.slogdet([[0.0, 2.0], [3.0, 0.0]]))
    assert sign == -1 and np.isclose(logabs, np.log(6))


def test_band_part_counts_may_be_constant_or_fed_tensors():
    x = np.arange(12.0).reshape(3, 4)
    got = run(gc.linalg.band_part(x, gc.constant(0), gc.constant(1)))
    np.testing.assert_array_equal(got, np.triu(np.tril(x, 1)))
    n = gc.placeholder(gc.int32, [])
    fed = gc.matrix_band_part(x, n, 0)
    for k in (-1, 0, 2):
        np.testing.assert_array_equal(run(fed, {n: k}), run(gc.matrix_band_part(x, k, 0)))
    with pytest.raises(TypeError, match="num_upper must be a scalar integer"):
        gc.matrix_band_part(x, 0, gc.placeholder(gc.int32, [2]))


def test_solves_keep_float32():
    a = np.array([[2.0, 1.0], [0.0, 4.0]], np.float32)
    b = np.array([[1.0], [2.0]], np.float32)
    x1, x2, x3 = run([gc.matrix_solve(a, b), gc.matrix_triangular_solve(a, b, lower=False),
                      gc.cholesky_solve(gc.cholesky(a @ a.T), b)])
    for x in (x1, x2, x3):
        assert x.dtype == np.float32
    np.testing.assert_allclose(x2, np.linalg.solve(a, b), rtol=1e-6)
    np.testing.assert_allclose(x3, np.linalg.solve(a @ a.T, b), rtol=1e-5)


# ---- TF1's derivative conventions for symmetric inputs ---------------------------------------
def test_cholesky_gradient_is_symmetric_the_derivative_of_chol_of_sym():
    r = _rng(3)
    b = r.standard_normal((4, 4))
    a = b @ b.T + 4 * np.eye(4) + np.triu(r.standard_normal((4, 4)), 1)   # not symmetric
    w, d = r.standard_normal((4, 4)), r.standard_normal((4, 4))
    x = gc.placeholder(gc.float64, [4, 4])
    g, = gc.gradients(gc.reduce_sum(gc.cholesky(x) * w), x)
    got = run(g, {x: a})
    np.testing.assert_allclose(got, got.T, atol=1e-12)

    # at the matrix the kernel reads (a's lower triangle, mirrored), moved by sym(d)
    read = np.tril(a) + np.tril(a, -1).T

    def f(e):
        return np.sum(np.linalg.cholesky(read + e * (d + d.T) / 2) * w)
    eps = 1e-6
    fd = (f(eps) - f(-eps)) / (2 * eps)
    assert np.isclose(np.sum(got * d), fd, rtol=1e-6)


def test_eig_gradient_lives_on_the_lower_triangle():
    r = _rng(4)
    q, _ = np.linalg.qr(r.standard_normal((4, 4)))
    a = (q * [1.0, 2.0, 3.5, 5.0]) @ q.T
    x = gc.placeholder(gc.float64, [4, 4])
    e, v = gc.self_adjoint_eig(x)
    g, = gc.gradients(gc.reduce_sum(e * [1.0, -2.0, 0.5, 3.0]) + gc.reduce_sum(v * v * a), x)
    got = run(g, {x: a})
    assert np.all(np.triu(got, 1) == 0) and np.any(np.tril(got, -1) != 0)


def test_logdet_gradient_is_the_inverse():
    b = _rng(5).standard_normal((2, 3, 3))
    a = b @ _t(b) + 3 * np.eye(3)
    x = gc.placeholder(gc.float64, [2, 3, 3])
    g, = gc.gradients(gc.reduce_sum(gc.linalg.logdet(x)), x)
    np.testing.assert_allclose(run(g, {x: a}), np.linalg.inv(a), rtol=1e-10)


def test_svd_full_matrices_of_square_matrices_differentiates():
    r = _rng(6)
    u, _ = np.linalg.qr(r.standard_normal((4, 4)))
    v, _ = np.linalg.qr(r.standard_normal((4, 4)))
    a = (u * [4.0, 3.0, 2.0, 1.0]) @ v.T

    def fn(x):
        return list(gc.svd(x, full_matrices=True))
    check_vjp(fn, [a])
    check_jvp(fn, [a])
    check_transpose(fn, [a])


def test_second_derivatives_through_cholesky():
    b = _rng(7).standard_normal((3, 3))
    a = b @ b.T + 3 * np.eye(3)

    def grad_of_logdet_squared(x):
        low = gc.cholesky((x + gc.linalg.transpose(x)) * 0.5)
        return gc.gradients(gc.reduce_sum(low * low * low), x)[0]
    check_vjp(grad_of_logdet_squared, [a])


# ---- unsupported derivatives ----------------------------------------------------------------
def test_qr_of_a_wide_matrix_has_no_gradient():
    x = gc.placeholder(gc.float64, [3, 5])
    q, r = gc.qr(x)
    with pytest.raises(NotImplementedError, match="m >= n"):
        gc.gradients(gc.reduce_sum(r), x)
    with pytest.raises(GradientError, match="m >= n"):
        gc.jvp([q], [x], [gc.ones_like(x)])


def test_svd_full_matrices_of_a_tall_matrix_has_no_gradient():
    x = gc.placeholder(gc.float64, [5, 3])
    s, u, v = gc.svd(x, full_matrices=True)
    with pytest.raises(NotImplementedError, match="full_matrices"):
        gc.gradients(gc.reduce_sum(u), x)


def test_lstsq_slow_path_gives_the_minimum_norm_solution_and_ignores_l2():
    a = _rng(3).standard_normal((2, 5, 3))[..., [0, 1, 1]]     # rank 2
    b = _rng(4).standard_normal((2, 5, 2))
    x = gc.linalg.lstsq(a, b, l2_regularizer=0.5, fast=False)
    with gc.Session() as sess:
        np.testing.assert_allclose(sess.run(x), np.linalg.pinv(a) @ b, atol=1e-12)


# ---- lstsq picks the normal equations at run time when m, n are unknown --------------------
def test_lstsq_with_unknown_dims_solves_tall_and_wide_systems():
    r = _rng(8)
    a = gc.placeholder(gc.float64, [None, None])
    b = gc.placeholder(gc.float64, [None, 2])
    x = gc.linalg.lstsq(a, b)
    assert x.shape.as_list() == [None, 2]
    with gc.Session() as sess:
        for m, n in ((6, 3), (3, 6)):
            av, bv = r.standard_normal((m, n)), r.standard_normal((m, 2))
            want = np.linalg.lstsq(av, bv, rcond=None)[0]     # least squares / min norm
            np.testing.assert_allclose(sess.run(x, {a: av, b: bv}), want, rtol=1e-8)


# ---- build-time errors ------------------------------------------------------------------------
def test_non_square_matrices_are_rejected_when_built():
    x = gc.placeholder(gc.float32, [3, 4], name="x")
    raises(ShapeError, lambda: gc.cholesky(x), "cholesky: x must hold square matrices, not 3 x 4")
    raises(ShapeError, lambda: gc.self_adjoint_eig(x), "self_adjoint_eig: x must hold square")
    raises(ShapeError, lambda: gc.linalg.slogdet(x), "x must hold square matrices")


def test_solves_check_their_operands_when_built():
    a = gc.placeholder(gc.float64, [2, 4, 4], name="a")
    raises(ShapeError, lambda: gc.matrix_solve(a, gc.placeholder(gc.float64, [2, 3, 1],
                                                                 name="b")),
           "b must have as many rows as a: a is 4 x 4 but b has 3 rows", "b: placeholder")
    raises(ShapeError, lambda: gc.matrix_triangular_solve(
        a, gc.placeholder(gc.float64, [3, 4, 1], name="c")),
        "batch dims differ: a has 2 but c has 3")
    raises(ShapeError, lambda: gc.matrix_solve(a, gc.placeholder(gc.float64, [4], name="v")),
           "the right-hand side v must be a matrix or a batch of them (rank >= 2), not of "
           "rank 1")
    raises(ShapeError, lambda: gc.matrix_solve(a, gc.placeholder(gc.float64, [4, 1],
                                                                 name="w")),
           "a and w must have the same batch dims")
    raises(DTypeError, lambda: gc.matrix_solve(a, gc.placeholder(gc.float32, [2, 4, 1],
                                                                 name="f")),
           "dtypes differ")


def test_decompositions_need_matrices_of_floats():
    v = gc.placeholder(gc.float64, [4], name="v")
    raises(ShapeError, lambda: gc.qr(v), "qr: v must be a matrix or a batch of them")
    raises(ShapeError, lambda: gc.svd(v), "rank >= 2), not of rank 1")
    raises(ShapeError, lambda: gc.matrix_band_part(v, 0, 0), "v must be a matrix")
    raises(DTypeError, lambda: gc.svd(gc.placeholder(gc.int32, [2, 3], name="i")),
           "i has dtype int32, but this op needs a float dtype")


def test_static_shapes_with_unknown_dims():
    x = gc.placeholder(gc.float64, [None, 5, None])
    s, u, v = gc.svd(x)
    assert s.shape.as_list() == [None, None] and u.shape.as_list() == [None, 5, None]
    assert v.shape.as_list() == [None, None, None]
    q, r = gc.qr(gc.placeholder(gc.float64, [2, 5, 3]), full_matrices=True)
    assert q.shape.as_list() == [2, 5, 5] and r.shape.as_list() == [2, 5, 3]
    y = gc.placeholder(gc.float64, [None, None, 3])
    assert gc.cholesky(y).shape.as_list() == [None, 3, 3]
    e, w = gc.self_adjoint_eig(y)
    assert e.shape.as_list() == [None, 3] and w.shape.as_list() == [None, 3, 3]


def test_matvec_and_cross_match_numpy():
    a, v = _rng(5).standard_normal((2, 3, 4)), _rng(6).standard_normal(4)
    p, q = _rng(7).standard_normal((5, 3)), _rng(8).standard_normal((5, 3))
    with gc.Session() as sess:
        mv, cr = sess.run([gc.linalg.matvec(a, v), gc.cross(p, q)])
    np.testing.assert_allclose(mv, a @ v)
    np.testing.assert_allclose(cr, np.cross(p, q))
