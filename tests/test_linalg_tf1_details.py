"""Linear-algebra details where graphc differed from TF1 (bug hunt p18 hunt_linalg): the
norm of complex tensors, unknown-rank inputs, matmul's sparse hints, NaN input to the
SVD, sqrtm of defective and singular matrices, static shapes. Expected numbers are
TF 2.21 (compat.v1) outputs of the same programs; gradients are also checked against
finite differences."""
import numpy as np
import pytest

import graphc as gc


def run(*fetches, feed=None):
    with gc.Session() as s:
        out = s.run(list(fetches), feed)
    return out[0] if len(out) == 1 else out


def fd_grad(f, x, eps=1e-6):
    """Central finite differences of the scalar f at the float64 array x."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


# ---- norm / l2_normalize of complex tensors -----------------------------------------------
def test_norm_of_complex_is_sqrt_of_x_conj_x_and_its_gradient_matches_tf():
    re, im = gc.placeholder(gc.float32, [None]), gc.placeholder(gc.float32, [None])
    n = gc.norm(gc.complex(re, im))
    assert n.dtype == gc.complex64                          # TF keeps the complex dtype
    g = gc.gradients(gc.real(n), [re, im])
    feed = {re: [3., 0.], im: [4., 1.]}
    v, g_re, g_im = run(n, g[0], g[1], feed=feed)
    np.testing.assert_allclose(v, 5.0990195 + 0j, rtol=1e-6)
    np.testing.assert_allclose(g_re, [0.5883484, 0.], atol=1e-6)
    np.testing.assert_allclose(g_im, [0.78446454, 0.19611613], atol=1e-6)


def test_norm_of_complex_gradient_matches_finite_differences():
    x = gc.placeholder(gc.float64, [2, 3])
    n = gc.norm(gc.complex(x[0], x[1]))
    g = gc.gradients(gc.real(n), x)[0]
    x0 = np.array([[1., -2., .5], [3., .25, -1.]])
    num = fd_grad(lambda v: np.linalg.norm(v[0] + 1j * v[1]), x0)
    np.testing.assert_allclose(run(g, feed={x: x0}), num, atol=1e-7)


def test_l2_normalize_of_complex():
    re, im = gc.placeholder(gc.float32, [None]), gc.placeholder(gc.float32, [None])
    u = gc.nn.l2_normalize(gc.complex(re, im))
    g = gc.gradients(gc.real(u[0]) + gc.imag(u[1]) * 2., [re, im])
    v, g_re, g_im = run(u, g[0], g[1], feed={re: [3., 0.], im: [4., 1.]})
    np.testing.assert_allclose(v, [0.5883484 + 0.78446454j, 0.19611613j], atol=1e-6)
    np.testing.assert_allclose(g_re, [0.08297221, 0.], atol=1e-6)
    np.testing.assert_allclose(g_im, [-0.15085857, 0.35451764], atol=1e-6)


# ---- unknown rank ---------------------------------------------------------------------------
def _unknown_rank_feed():
    x, y = gc.placeholder(gc.float32), gc.placeholder(gc.float32)
    feed = {x: np.arange(12, dtype=np.float32).reshape(4, 3) / 10,
            y: np.ones((4, 1), np.float32)}
    return x, y, feed


def test_matrix_transpose_and_adjoint_of_unknown_rank():
    x, _, feed = _unknown_rank_feed()
    a = feed[x]
    t, adj = run(gc.matrix_transpose(x), gc.linalg.adjoint(x), feed=feed)
    np.testing.assert_array_equal(t, a.T)
    np.testing.assert_array_equal(adj, a.T)
    b = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    np.testing.assert_array_equal(run(gc.matrix_transpose(x), feed={x: b}),
                                  b.transpose(0, 2, 1))


@pytest.mark.parametrize("op, expected", [
    ("cholesky", [-0.02526383, 0.13157153, 0.19668649]),
    ("logdet", [-0.15175098, 0.02075228, 0.19325553]),
    ("det", [-0.9360002, 0.12800016, 1.192]),
])
def test_gradients_build_for_unknown_rank(op, expected):
    x, _, feed = _unknown_rank_feed()
    f = {"cholesky": lambda k: gc.reduce_sum(gc.cholesky(k)),
         "logdet": gc.linalg.logdet, "det": gc.matrix_determinant}[op]
    k = gc.matmul(x, x, transpose_a=True) + gc.eye(3)
    g = run(gc.gradients(f(k), x)[0], feed=feed)
    np.testing.assert_allclose(g.ravel()[:3], expected, rtol=1e-5, atol=1e-6)
    xs = gc.placeholder(gc.float64, [4, 3])                  # the same with a known shape
    ks = gc.matmul(xs, xs, transpose_a=True) + gc.eye(3, dtype=gc.float64)
    gs = run(gc.gradients(f(ks), xs)[0], feed={xs: feed[x].astype(np.float64)})
    np.testing.assert_allclose(g, gs, rtol=1e-4, atol=1e-5)


def test_matrix_solve_ls_and_tensordot_of_unknown_rank():
    x, y, feed = _unknown_rank_feed()
    ls = run(gc.matrix_solve_ls(x, y, l2_regularizer=0.1), feed=feed)
    np.testing.assert_allclose(ls.ravel(), [-0.57692444, 0.35256475, 1.2820518], rtol=1e-5)
    td = run(gc.tensordot(x, y, [[0], [0]]), feed=feed)
    np.testing.assert_allclose(td.ravel(), [1.8, 2.2, 2.6], rtol=1e-6)


def test_spectral_norm_and_tensordot_gradient_of_unknown_rank():
    x = gc.placeholder(gc.float64)
    a = (np.arange(24, dtype=np.float64).reshape(2, 3, 4) / 10) ** 2
    n2 = gc.norm(x, ord=2, axis=[-2, -1])
    n2k = gc.norm(x, ord=2, axis=[0, 2], keepdims=True)
    g = gc.gradients(gc.reduce_sum(gc.norm(x, ord=2, axis=[-1, -2])), x)[0]
    v2, v2k, gv = run(n2, n2k, g, feed={x: a})
    np.testing.assert_allclose(v2, [1.9966, 11.7931], atol=1e-4)            # TF
    assert v2k.shape == (1, 3, 1)
    np.testing.assert_allclose(v2k.ravel(), [3.7202, 6.2343, 9.5045], atol=1e-4)
    num = fd_grad(lambda v: np.linalg.norm(v, 2, axis=(-2, -1)).sum(), a)
    np.testing.assert_allclose(gv, num, atol=1e-6)
    t = gc.tensordot(x, x, [[0, 1], [0, 1]])
    gt = run(gc.gradients(gc.reduce_sum(t ** 2), x)[0], feed={x: a})
    num = fd_grad(lambda v: (np.tensordot(v, v, [[0, 1], [0, 1]]) ** 2).sum(), a)
    np.testing.assert_allclose(gt, num, rtol=1e-6)


def test_tensordot_axes_as_a_tensor():
    x = gc.placeholder(gc.float32, [2, 3, 4])
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    w = np.arange(8, dtype=np.float32).reshape(4, 2)
    axes = gc.placeholder(gc.int32, [2, 1])                 # known only at run time
    got = run(gc.tensordot(x, w, gc.constant([[2], [0]])), gc.tensordot(x, w, axes),
              feed={x: a, axes: [[2], [0]]})
    for v in got:
        np.testing.assert_allclose(v, np.tensordot(a, w, [[2], [0]]))


# ---- matmul hints -------------------------------------------------------------------------
def test_matmul_accepts_the_sparse_hints():
    a = np.array([[1., 0.], [0., 1.], [1., 1.]], np.float32)
    b = np.array([[0., 1., 2.], [3., 4., 5.]], np.float32)
    for m in (gc.matmul(a, b, a_is_sparse=True), gc.linalg.matmul(a, b, b_is_sparse=True)):
        np.testing.assert_allclose(run(m), a @ b)


# ---- NaN input ------------------------------------------------------------------------------
def test_svd_pinv_spectral_norm_of_nan_give_nan():
    a = gc.placeholder(gc.float32, [None, None])
    feed = {a: np.array([[1., np.nan], [0., 1.]], np.float32)}
    nuc, sp, pi = run(gc.reduce_sum(gc.svd(a, compute_uv=False)),
                      gc.norm(a, ord=2, axis=[-2, -1]), gc.linalg.pinv(a), feed=feed)
    assert np.isnan(nuc) and np.isnan(sp) and np.isnan(pi).all() and pi.shape == (2, 2)
    sign, logdet = run(*gc.linalg.slogdet(a), feed=feed)
    assert np.isnan(sign) and np.isnan(logdet)


def test_svd_nan_only_spoils_its_own_matrix():
    a = np.stack([np.diag([3., 2.]), [[np.nan, 0.], [0., 1.]]])
    s, u, v = run(*gc.svd(gc.constant(a)))
    np.testing.assert_allclose(s[0], [3., 2.])
    np.testing.assert_allclose(np.abs(u[0]), np.eye(2))
    assert np.isnan(s[1]).all() and np.isnan(u[1]).all() and np.isnan(v[1]).all()


# ---- sqrtm ----------------------------------------------------------------------------------
def test_sqrtm_of_defective_matrices_and_its_gradient():
    a = gc.placeholder(gc.float64, [None, None])
    s = gc.linalg.sqrtm(a)
    w = np.array([[1., 2.], [3., 4.]])
    g = gc.gradients(gc.reduce_sum(s * w), a)[0]
    jordan = np.array([[4., 1.], [0., 4.]])
    sv, gv = run(s, g, feed={a: jordan})
    np.testing.assert_allclose(sv, [[2., .25], [0., 2.]], atol=1e-12)
    np.testing.assert_allclose(gv, [[0.21875, 0.5], [0.675781, 0.96875]], atol=1e-6)   # TF

    def f(m):
        return (run(s, feed={a: m}) * w).sum()
    np.testing.assert_allclose(gv, fd_grad(f, jordan, 1e-5), atol=1e-6)
    unipotent = np.eye(3) + np.triu(np.ones((3, 3)), 1)
    np.testing.assert_allclose(run(s, feed={a: unipotent}),
                               [[1., .5, .375], [0., 1., .5], [0., 0., 1.]], atol=1e-12)


def test_sqrtm_of_singular_matrices_is_a_root_not_nan():
    a = gc.placeholder(gc.float64, [None, None])
    s = gc.linalg.sqrtm(a)
    sing = np.array([[1., 2., 3.], [2., 4., 6.], [1., 0., 1.]])  # an eigenvalue ~ -3e-16
    cov = np.cov(np.random.RandomState(0).standard_normal((3, 5)), rowvar=False)  # rank 2
    for m in (sing, cov):
        r = run(s, feed={a: m})
        assert np.isfinite(r).all()
        np.testing.assert_allclose(r @ r, m, atol=1e-12)
    f32 = run(gc.linalg.sqrtm(gc.constant([[4., 1.], [0., 4.]])))
    assert f32.dtype == np.float32
    np.testing.assert_allclose(f32, [[2., .25], [0., 2.]], atol=1e-6)


def test_sqrtm_keeps_nan_for_negative_eigenvalues_and_nan_input():
    a = gc.placeholder(gc.float64, [None, None])
    s = gc.linalg.sqrtm(a)
    assert np.isnan(run(s, feed={a: [[-1., 0.], [0., 4.]]})).all()
    assert np.isnan(run(s, feed={a: [[1., np.nan], [0., 1.]]})).all()
    np.testing.assert_allclose(run(s, feed={a: [[0., -1.], [1., 0.]]}),
                               np.array([[1., -1.], [1., 1.]]) / np.sqrt(2), atol=1e-12)


# ---- static shapes --------------------------------------------------------------------------
def test_static_shapes_as_tf():
    x = gc.placeholder(gc.float32, [None, 5])
    a = gc.placeholder(gc.float32, [None, 4, None])
    assert gc.eye(3, batch_shape=gc.shape(x)[:1]).shape.as_list() == [None, 3, 3]
    assert gc.eye(3, 4, batch_shape=gc.shape(x)).shape.as_list() == [None, 5, 3, 4]
    assert gc.matrix_inverse(a).shape.as_list() == [None, 4, 4]
    assert gc.linalg.lu(a)[0].shape.as_list() == [None, 4, 4]
    assert gc.linalg.sqrtm(a).shape.as_list() == [None, 4, 4]
    e = run(gc.eye(2, batch_shape=gc.shape(x)[:1]), feed={x: np.zeros((3, 5))})
    np.testing.assert_array_equal(e, np.broadcast_to(np.eye(2), (3, 2, 2)))


# ---- einsum ---------------------------------------------------------------------------------
def test_einsum_checks_index_sizes_at_run_time():
    a, b = gc.placeholder(gc.float32, [None, None]), gc.placeholder(gc.float32, [None, None])
    e = gc.einsum("ij,jk->ik", a, b)
    with pytest.raises(gc.errors.ExecutionError, match="index 'j'"):
        run(e, feed={a: np.ones((2, 1)), b: np.ones((3, 2))})            # TF: InvalidArgument
    np.testing.assert_allclose(run(e, feed={a: np.ones((2, 3)), b: np.ones((3, 2))}),
                               np.full((2, 2), 3.))
    x, y = gc.placeholder(gc.float32), gc.placeholder(gc.float32)   # ellipsis still broadcasts
    v = run(gc.einsum("...ij,...jk->...ik", x, y),
            feed={x: np.ones((2, 1, 2, 3)), y: np.ones((4, 3, 1))})
    assert v.shape == (2, 4, 2, 1)


def test_einsum_repeated_index_needs_equal_sizes():
    with pytest.raises(gc.errors.ShapeError, match="repeated index 'i'"):
        gc.einsum("ii->i", gc.ones([2, 3]))


@pytest.mark.parametrize("m, n", [(4, 3), (3, 4)])
def test_svd_gradient_with_full_matrices_when_m_and_n_differ_by_one(m, n):
    rng = np.random.RandomState(0)
    a = gc.placeholder(gc.float64, [m, n])
    s, u, v = gc.svd(a, full_matrices=True)
    cu, cv, cs = rng.randn(m, m), rng.randn(n, n), rng.randn(min(m, n))
    # sign-invariant uses of u's and v's columns (the extra column included)
    loss = gc.reduce_sum(gc.square(gc.matmul(u * cu[:1], u, transpose_b=True))) + \
        gc.reduce_sum(gc.matmul(v, v * cv[:1], transpose_b=True) * cv) + gc.reduce_sum(s * cs)
    g = gc.gradients(loss, a)[0]
    x = rng.randn(m, n)
    with gc.Session() as sess:
        got, fd = sess.run(g, {a: x}), np.zeros_like(x)
        for i in range(m):
            for j in range(n):
                e = np.zeros_like(x)
                e[i, j] = 1e-6
                fd[i, j] = (sess.run(loss, {a: x + e}) - sess.run(loss, {a: x - e})) / 2e-6
    np.testing.assert_allclose(got, fd, atol=1e-6)
    with pytest.raises(NotImplementedError, match="full_matrices"):
        b = gc.placeholder(gc.float64, [5, 3])
        gc.gradients(gc.reduce_sum(gc.svd(b, full_matrices=True)[1]), b)


def test_linear_operator_methods_tf1_has_on_every_operator():
    a = gc.placeholder(gc.float64, [None, None, None])
    op = gc.linalg.LinearOperatorFullMatrix(
        gc.matmul(a, a, transpose_b=True) + gc.eye(gc.shape(a)[-1], dtype=gc.float64),
        is_self_adjoint=True, is_positive_definite=True, is_non_singular=True)
    av = np.random.RandomState(0).standard_normal((2, 3, 3))
    dense = av @ np.swapaxes(av, -1, -2) + np.eye(3)
    with gc.Session() as s:
        got = s.run([op.add_to_tensor(np.ones((2, 3, 3))), op.batch_shape_tensor(),
                     op.domain_dimension_tensor(), op.range_dimension_tensor(),
                     op.tensor_rank_tensor(), op.cholesky().to_dense(), op.cond(),
                     op.eigvals(), op.assert_non_singular(), op.assert_positive_definite(),
                     op.assert_self_adjoint()], {a: av})
    np.testing.assert_allclose(got[0], dense + 1)
    assert got[1].tolist() == [2] and got[2] == 3 and got[3] == 3 and got[4] == 3
    np.testing.assert_allclose(got[5], np.linalg.cholesky(dense), atol=1e-12)
    s_ = np.linalg.svd(dense, compute_uv=False)
    np.testing.assert_allclose(got[6], s_.max(-1) / s_.min(-1), rtol=1e-10)
    np.testing.assert_allclose(got[7], np.linalg.eigvalsh(dense), rtol=1e-10)
    plain = gc.linalg.LinearOperatorFullMatrix(np.array([[1.0, 2.0], [3.0, 4.0]]))
    with pytest.raises(ValueError, match="self-adjoint positive"):
        plain.cholesky()
    with pytest.raises(NotImplementedError, match="self-adjoint"):
        plain.eigvals()
    with gc.Session() as s, pytest.raises(gc.errors.InvalidArgumentError, match="adjoint"):
        s.run(plain.assert_self_adjoint())


def test_identity_operators_take_a_num_rows_tensor():
    """TF 2.21: num_rows may be an int tensor known only at run time (the static dims
    are unknown then); a constant one gives static dims."""
    n = gc.placeholder(gc.int32, [])
    x = gc.placeholder(gc.float32, [None, None])
    LO = gc.linalg
    eye = LO.LinearOperatorIdentity(n)
    scaled = LO.LinearOperatorScaledIdentity(gc.shape(x)[0], 2.0)
    assert eye.shape.as_list() == [None, None]
    assert LO.LinearOperatorIdentity(n, batch_shape=[2]).shape.as_list() == [2, None, None]
    assert LO.LinearOperatorIdentity(gc.constant(3)).shape.as_list() == [3, 3]
    feed = {n: 3, x: np.ones([3, 2])}
    with gc.Session() as s:
        np.testing.assert_array_equal(s.run(eye.to_dense(), feed), np.eye(3))
        np.testing.assert_array_equal(s.run(eye.shape_tensor(), feed), [3, 3])
        np.testing.assert_array_equal(s.run(eye.diag_part(), feed), np.ones(3))
        np.testing.assert_array_equal(s.run(scaled.matmul(x), feed), np.full([3, 2], 2.0))
        np.testing.assert_array_equal(s.run(scaled.solve(x), feed), np.full([3, 2], 0.5))
        three = LO.LinearOperatorScaledIdentity(n, 3.0)
        np.testing.assert_allclose(s.run(three.log_abs_determinant(), feed), 3 * np.log(3))
        np.testing.assert_allclose(s.run(three.determinant(), feed), 27.0)
    with pytest.raises(ValueError, match="int scalar"):
        LO.LinearOperatorIdentity(gc.placeholder(gc.float32, []))
