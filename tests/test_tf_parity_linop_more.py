"""The remaining tf.linalg LinearOperators against TensorFlow: every method's value and
gradient (BlockDiag, BlockLowerTriangular, Kronecker, LowRankUpdate, Circulant*,
Householder, Permutation, Toeplitz, Tridiag, Zeros)."""
import numpy as np
import pytest

from tf_parity import check, tf

R = np.random.default_rng(7)


def _methods(op, x, solve=True, det=True):
    out = [op.to_dense(), op.matmul(x), op.matmul(x, adjoint=True),
           op.matmul(op.to_dense(), adjoint_arg=True), op.matvec(x[..., 0]),
           op.matvec(x[..., 0], adjoint=True), op.trace(), op.diag_part(),
           op.adjoint().to_dense(), op.adjoint().matmul(x)]
    if solve:
        out += [op.solve(x), op.solve(x, adjoint=True), op.solvevec(x[..., 1]),
                op.solvevec(x[..., 1], adjoint=True), op.inverse().to_dense(),
                op.inverse().matmul(x)]
    if det:
        out += [op.determinant(), op.log_abs_determinant()]
    return out


def _spd(*shape):
    a = R.standard_normal(shape)
    return a + shape[-1] * np.eye(shape[-1])


A2, A3, A23 = _spd(2, 2, 2), _spd(2, 3, 3), R.standard_normal((2, 3, 2))
X5 = R.standard_normal((2, 5, 4))
X6 = R.standard_normal((2, 6, 4))


def test_block_diag():
    def f(m, a, b, x):
        L = m.linalg
        op = L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(a),
                                        L.LinearOperatorFullMatrix(b)])
        return _methods(op, x) + [op.shape_tensor()]
    check(f, A2, A3, X5, rtol=1e-8, atol=1e-8)


def test_block_diag_lists_and_hints():
    def f(m, a, b, x):
        L = m.linalg
        op = L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(a),
                                        L.LinearOperatorDiag(b[..., 0])])
        return (op.matmul([x[:, :2], x[:, 2:]]) + op.solve([x[:, :2], x[:, 2:]], adjoint=True)
                + op.matvec([x[:, :2, 0], x[:, 2:, 0]]))
    check(f, A2, A3, X5, rtol=1e-8, atol=1e-8)
    L = tf.linalg
    for lib in (L, __import__("graphc").linalg):
        d = lib.LinearOperatorDiag(np.ones(2), is_non_singular=True)
        assert lib.LinearOperatorBlockDiag([d, d]).is_non_singular is True
        name = lib.LinearOperatorBlockDiag([d, d]).name
        assert name == "LinearOperatorDiag_ds_LinearOperatorDiag"
        with pytest.raises(ValueError):
            lib.LinearOperatorBlockDiag([d, d], is_non_singular=False)
        with pytest.raises(ValueError):
            lib.LinearOperatorBlockDiag([])


def test_block_lower_triangular():
    def f(m, a, b, c, x):
        L = m.linalg
        op = L.LinearOperatorBlockLowerTriangular(
            [[L.LinearOperatorFullMatrix(a)],
             [L.LinearOperatorFullMatrix(c), L.LinearOperatorFullMatrix(b)]])
        return _methods(op, x)
    check(f, A2, A3, A23, X5, rtol=1e-8, atol=1e-8)


def test_kronecker():
    def f(m, a, b, x):
        L = m.linalg
        op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(a),
                                        L.LinearOperatorFullMatrix(b)])
        return _methods(op, x)
    check(f, A2, A3, X6, rtol=1e-7, atol=1e-8)


def test_kronecker_three_factors():
    def f(m, a, b, d, x):
        L = m.linalg
        op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(a), L.LinearOperatorDiag(d),
                                        L.LinearOperatorFullMatrix(b)])
        return _methods(op, x)
    check(f, A2[0], A3[0], R.uniform(1, 2, 2), R.standard_normal((12, 3)), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("kind", ["u", "u_d", "u_d_v"])
def test_low_rank_update(kind):
    def f(m, a, u, d, v):
        L = m.linalg
        base = L.LinearOperatorFullMatrix(a)
        op = {"u": lambda: L.LinearOperatorLowRankUpdate(base, u),
              "u_d": lambda: L.LinearOperatorLowRankUpdate(base, u, d),
              "u_d_v": lambda: L.LinearOperatorLowRankUpdate(base, u, d, v)}[kind]()
        return _methods(op, X3)
    X3 = R.standard_normal((2, 3, 4))
    check(f, A3, R.standard_normal((2, 3, 2)), R.uniform(1, 2, 2), R.standard_normal((2, 3, 2)),
          rtol=1e-7, atol=1e-8)


def test_low_rank_update_hints():
    import graphc as gc
    for lib in (tf.linalg, gc.linalg):
        base = lib.LinearOperatorDiag(np.array([1., 2., 3.]), is_positive_definite=True,
                                      is_non_singular=True)
        u = np.ones((3, 2))
        o = lib.LinearOperatorLowRankUpdate(base, u)
        assert (o.is_self_adjoint, o.is_positive_definite, o.is_non_singular) == (True, True, True)
        o = lib.LinearOperatorLowRankUpdate(base, u, np.ones(2))
        assert (o.is_self_adjoint, o.is_positive_definite) == (True, None)
        o = lib.LinearOperatorLowRankUpdate(base, u, v=u)
        assert o.is_self_adjoint is None
        with pytest.raises(ValueError):
            lib.LinearOperatorLowRankUpdate(base, u, is_self_adjoint=False)
        with pytest.raises(ValueError):
            lib.LinearOperatorLowRankUpdate(base, np.ones((4, 2)))


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_circulant_real_io(depth):
    shapes = {1: (2, 6), 2: (2, 2, 3), 3: (1, 2, 3)}

    def f(m, s, x):
        L = m.linalg
        cls = {1: L.LinearOperatorCirculant, 2: L.LinearOperatorCirculant2D,
               3: L.LinearOperatorCirculant3D}[depth]
        op = cls(s, input_output_dtype=s.dtype)
        return _methods(op, x) + [op.convolution_kernel()]
    s = R.uniform(1.0, 2.0, shapes[depth])
    check(f, s, R.standard_normal((2, 6, 3)), rtol=1e-7, atol=1e-8)


def test_circulant_complex():
    def f(m, x):
        L = m.linalg
        s = np.array([[2 + 1j, 1 - 0.5j, 3j, 1.5], [1, 2, 3, 4]], np.complex64)
        op = L.LinearOperatorCirculant(s)
        xc = m.cast(x, m.complex64) * np.complex64(1 - 0.5j)
        return _methods(op, xc) + [op.convolution_kernel()]
    check(f, R.standard_normal((2, 4, 3)).astype(np.float32), grad=False, rtol=2e-4,
          atol=2e-4)

    def g(m, s):                       # the default complex64 operator of a real spectrum
        op = m.linalg.LinearOperatorCirculant(s)
        return [op.to_dense(), op.determinant(), op.log_abs_determinant(), op.trace()]
    check(g, np.array([1., 2., 3.], np.float32), grad=False, rtol=1e-5, atol=1e-5)


def test_householder():
    def f(m, v, x):
        return _methods(m.linalg.LinearOperatorHouseholder(v), x)
    check(f, R.standard_normal((2, 5)), X5, rtol=1e-8, atol=1e-8)


def test_permutation():
    def f(m, x):
        L = m.linalg
        p = L.LinearOperatorPermutation(np.array([[2, 0, 4, 1, 3], [1, 0, 2, 3, 4]], np.int32),
                                        dtype=m.float64)
        q = L.LinearOperatorPermutation(np.array([3, 1, 4, 0, 2], np.int32), dtype=m.float64)
        return _methods(p, x) + _methods(q, x)
    check(f, X5, rtol=1e-10, atol=1e-10)


def test_toeplitz():
    def f(m, c, r, x):
        return _methods(m.linalg.LinearOperatorToeplitz(c, r), x)
    c = R.standard_normal((2, 5)) + np.array([6., 0, 0, 0, 0])
    check(f, c, R.standard_normal((2, 5)), X5, rtol=1e-7, atol=1e-8)

    def g(m, c, r, x):                   # unbatched, applied to a batch
        op = m.linalg.LinearOperatorToeplitz(c, r)
        return [op.matmul(x), op.to_dense(), op.solve(x), op.determinant()]
    check(g, c[0], R.standard_normal(5), X5[0], rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("fmt", ["compact", "sequence", "matrix"])
def test_tridiag(fmt):
    def f(m, d, x):
        L = m.linalg
        if fmt == "sequence":
            d = [d[..., 0, :], d[..., 1, :], d[..., 2, :]]
        elif fmt == "matrix":
            d = L.LinearOperatorTridiag(d).to_dense()
        return _methods(L.LinearOperatorTridiag(d, diagonals_format=fmt), x)
    d = R.standard_normal((2, 3, 5)) + np.array([0., 5., 0.])[:, None]
    check(f, d, X5, rtol=1e-7, atol=1e-8)


def test_zeros():
    def f(m, x):
        L = m.linalg
        z = L.LinearOperatorZeros(5, batch_shape=[2], dtype=m.float64)
        w = L.LinearOperatorZeros(3, 5, dtype=m.float64, is_square=False,
                                  is_self_adjoint=False)
        return [z.to_dense(), z.matmul(x), z.matvec(x[..., 0]), z.determinant(),
                z.log_abs_determinant(), z.trace(), z.diag_part(), w.matmul(x),
                w.matmul(x[:, :3], adjoint=True), w.to_dense(), w.diag_part(),
                w.trace(), z.add_to_tensor(x[0, :, :1] + x[0, :1, :1])]
    check(f, np.concatenate([X5, X5[:, :, :1]], -1), rtol=1e-10, atol=1e-10)
