"""The remaining tf.linalg LinearOperators (graphc/ops/linalg_operator_blocks.py,
_lowrank.py, _struct.py, _struct_more.py, _circulant.py) against numpy: dense forms,
matmul/solve through the structure, hints, errors, unknown static shapes, gradients."""
import numpy as np
import pytest

import graphc as gc

L = gc.linalg
R = np.random.default_rng(3)


def run(*fetches, feed=None):
    with gc.Session() as s:
        return s.run(list(fetches), feed)


def _spd(*shape):
    return R.standard_normal(shape) + shape[-1] * np.eye(shape[-1])


def _check_against_dense(op, x, solve=True, rtol=1e-8):
    """Every method agrees with numpy on op's dense matrix."""
    dense, mm, mma, tr, dp = run(op.to_dense(), op.matmul(x), op.matmul(x, adjoint=True),
                                 op.trace(), op.diag_part())
    xv = run(x)[0] if isinstance(x, gc.Tensor) else x
    np.testing.assert_allclose(mm, dense @ xv, rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(mma, np.swapaxes(dense, -1, -2).conj() @ xv, rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(tr, np.trace(dense, axis1=-2, axis2=-1), rtol=rtol, atol=1e-9)
    np.testing.assert_allclose(dp, np.diagonal(dense, axis1=-2, axis2=-1), rtol=rtol, atol=1e-9)
    if solve:
        sv, sa, det, lad = run(op.solve(x), op.solve(x, adjoint=True), op.determinant(),
                               op.log_abs_determinant())
        np.testing.assert_allclose(dense @ sv, np.broadcast_to(xv, (dense @ sv).shape),
                                   rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(np.swapaxes(dense, -1, -2).conj() @ sa,
                                   np.broadcast_to(xv, sa.shape), rtol=1e-7, atol=1e-8)
        np.testing.assert_allclose(det, np.linalg.det(dense), rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(lad, np.linalg.slogdet(dense)[1], rtol=1e-7, atol=1e-9)
    return dense


def test_block_diag_dense_and_methods():
    a, b = _spd(2, 2, 2), _spd(2, 3, 3)
    op = L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(a), L.LinearOperatorFullMatrix(b)])
    assert op.shape == gc.TensorShape([2, 5, 5]) and op.is_square
    dense = _check_against_dense(op, R.standard_normal((2, 5, 3)))
    np.testing.assert_allclose(dense[:, :2, :2], a)
    np.testing.assert_allclose(dense[:, 2:, 2:], b)
    assert not dense[:, :2, 2:].any()
    assert isinstance(op.inverse(), L.LinearOperatorBlockDiag)


def test_block_diag_broadcasts_operator_batches():
    op = L.LinearOperatorBlockDiag([L.LinearOperatorDiag(R.uniform(1, 2, (4, 2))),
                                    L.LinearOperatorFullMatrix(_spd(3, 3))])
    assert op.shape == gc.TensorShape([4, 5, 5])
    _check_against_dense(op, R.standard_normal((5, 2)))


def test_block_lower_triangular():
    a, b, c = _spd(2, 2), _spd(3, 3), R.standard_normal((3, 2))
    op = L.LinearOperatorBlockLowerTriangular(
        [[L.LinearOperatorFullMatrix(a)],
         [L.LinearOperatorFullMatrix(c), L.LinearOperatorFullMatrix(b)]])
    dense = _check_against_dense(op, R.standard_normal((5, 4)))
    np.testing.assert_allclose(dense, np.block([[a, np.zeros((2, 3))], [c, b]]))
    with pytest.raises(ValueError, match=r"operators\[1\]` must contain `2` blocks"):
        L.LinearOperatorBlockLowerTriangular([[L.LinearOperatorFullMatrix(a)],
                                              [L.LinearOperatorFullMatrix(b)]])
    with pytest.raises(ValueError, match="range dimension"):
        L.LinearOperatorBlockLowerTriangular(
            [[L.LinearOperatorFullMatrix(a)],
             [L.LinearOperatorFullMatrix(np.ones((2, 2))), L.LinearOperatorFullMatrix(b)]])


def test_kronecker_matches_np_kron():
    a, b, d = _spd(2, 2), _spd(3, 3), R.uniform(1, 2, 2)
    op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(a), L.LinearOperatorDiag(d),
                                    L.LinearOperatorFullMatrix(b)])
    assert op.shape == gc.TensorShape([12, 12]) and op.name.count("_x_") == 2
    dense = _check_against_dense(op, R.standard_normal((12, 2)))
    np.testing.assert_allclose(dense, np.kron(np.kron(a, np.diag(d)), b), rtol=1e-12)
    assert isinstance(op.adjoint(), L.LinearOperatorKronecker)


def test_kronecker_non_square_factors():
    a, b = R.standard_normal((2, 3)), R.standard_normal((4, 2))
    op = L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(a), L.LinearOperatorFullMatrix(b)])
    assert op.shape == gc.TensorShape([8, 6])
    x = R.standard_normal((6, 2))
    mm, dense = run(op.matmul(x), op.to_dense())
    np.testing.assert_allclose(dense, np.kron(a, b))
    np.testing.assert_allclose(mm, np.kron(a, b) @ x)
    np.testing.assert_allclose(run(op.matmul(R.standard_normal((8, 2)) * 0 + 1, adjoint=True))[0],
                               np.kron(a, b).T @ np.ones((8, 2)))


@pytest.mark.parametrize("with_d, with_v", [(False, False), (True, False), (True, True)])
def test_low_rank_update(with_d, with_v):
    a, u, v = _spd(4, 4), R.standard_normal((4, 2)), R.standard_normal((4, 2))
    d = R.uniform(1, 2, 2)
    op = L.LinearOperatorLowRankUpdate(L.LinearOperatorFullMatrix(a), u,
                                       d if with_d else None, v if with_v else None)
    dense = _check_against_dense(op, R.standard_normal((4, 3)))
    want = a + (u * (d if with_d else 1.0)) @ (v if with_v else u).T
    np.testing.assert_allclose(dense, want, rtol=1e-12)
    assert op.is_diag_update_positive is (None if with_d else True)


def test_low_rank_update_hints_and_errors():
    base = L.LinearOperatorDiag(np.array([1., 2., 3.]), is_positive_definite=True,
                                is_non_singular=True)
    op = L.LinearOperatorLowRankUpdate(base, np.ones((3, 1)))
    assert (op.is_self_adjoint, op.is_positive_definite, op.is_non_singular) == (True,) * 3
    assert op.adjoint() is op
    with pytest.raises(ValueError, match="self-adjoint"):
        L.LinearOperatorLowRankUpdate(base, np.ones((3, 1)), is_self_adjoint=False)
    with pytest.raises(ValueError, match="not compatible"):
        L.LinearOperatorLowRankUpdate(base, np.ones((4, 1)))
    with pytest.raises(ValueError, match="not compatible"):
        L.LinearOperatorLowRankUpdate(base, np.ones((3, 2)), np.ones(3))


def _circulant_dense(kernel):
    n = kernel.shape[-1]
    return np.stack([np.roll(kernel, j) for j in range(n)], -1)


def test_circulant_is_a_circular_convolution():
    h = np.array([1., 2., 3., 0.5])
    op = L.LinearOperatorCirculant(np.fft.fft(h), input_output_dtype=gc.complex128)
    assert op.dtype == gc.complex128 and op.is_square and op.block_depth == 1
    dense, k = run(op.to_dense(), op.convolution_kernel())
    np.testing.assert_allclose(dense, _circulant_dense(h), atol=1e-12)
    np.testing.assert_allclose(k, h, atol=1e-12)
    x = (R.standard_normal((4, 2)) + 1j * R.standard_normal((4, 2)))
    _check_against_dense(op, gc.constant(x), solve=False)
    got = run(op.solve(x), op.solve(x, adjoint=True), op.matmul(x.T, adjoint_arg=True),
              op.determinant())
    np.testing.assert_allclose(dense @ got[0], x, atol=1e-10)
    np.testing.assert_allclose(dense.conj().T @ got[1], x, atol=1e-10)
    np.testing.assert_allclose(got[2], dense @ x.T.conj().T, atol=1e-10)
    np.testing.assert_allclose(got[3], np.linalg.det(dense), rtol=1e-10)


def test_circulant_real_spectrum_hints_and_real_io():
    op = L.LinearOperatorCirculant([1., 2., 3.])
    assert op.dtype == gc.complex64 and op.is_self_adjoint and op.spectrum.dtype == gc.float32
    with pytest.raises(ValueError, match="self-adjoint"):
        L.LinearOperatorCirculant([1., 2.], is_self_adjoint=False)
    with pytest.raises(ValueError, match="square"):
        L.LinearOperatorCirculant([1., 2.], is_square=False)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        L.LinearOperatorCirculant2D(np.ones(3))
    real = L.LinearOperatorCirculant(np.array([1., 2., 3.]), input_output_dtype=gc.float64)
    dense, det = run(real.to_dense(), real.determinant())
    np.testing.assert_allclose(dense, [[2, -.5, -.5], [-.5, 2, -.5], [-.5, -.5, 2]], atol=1e-12)
    np.testing.assert_allclose(det, 6.0)


def test_circulant_2d_3d_are_nested_circulants():
    # the spectrum of a real kernel (Hermitian), so the real operator is exact
    s = np.fft.fft2(R.standard_normal((2, 3)) + np.array([[4., 0, 0], [0, 0, 0]]))
    op = L.LinearOperatorCirculant2D(s, input_output_dtype=gc.float64)
    assert op.shape == gc.TensorShape([6, 6]) and op.block_shape == gc.TensorShape([2, 3])
    dense = _check_against_dense(op, R.standard_normal((6, 2)))
    # block circulant: block (i, j) depends on (i - j) mod 2
    np.testing.assert_allclose(dense[3:, 3:], dense[:3, :3], atol=1e-12)
    np.testing.assert_allclose(dense[3:, :3], dense[:3, 3:], atol=1e-12)
    k = R.standard_normal((2, 1, 2, 2)) + 4.0 * (np.arange(4).reshape(1, 2, 2) == 0)
    op3 = L.LinearOperatorCirculant3D(np.fft.fftn(k, axes=(-3, -2, -1)),
                                      input_output_dtype=gc.float64)
    assert op3.shape == gc.TensorShape([2, 4, 4])
    _check_against_dense(op3, R.standard_normal((4, 3)))


def test_householder():
    v = np.array([1., 2., 2.])
    op = L.LinearOperatorHouseholder(v)
    assert op.is_self_adjoint and op.is_positive_definite is False and op.inverse() is op
    dense = _check_against_dense(op, R.standard_normal((3, 2)))
    np.testing.assert_allclose(dense, np.eye(3) - 2 * np.outer(v, v) / 9.0, atol=1e-7)
    with pytest.raises(ValueError, match="self adjoint"):
        L.LinearOperatorHouseholder(v, is_self_adjoint=False)
    with pytest.raises(ValueError, match="at least 1 dimension"):
        L.LinearOperatorHouseholder(1.)


def test_permutation():
    perm = np.array([[2, 0, 3, 1], [0, 1, 3, 2]])
    op = L.LinearOperatorPermutation(perm, dtype=gc.float64)
    assert op.shape == gc.TensorShape([2, 4, 4]) and op.is_non_singular
    dense = _check_against_dense(op, R.standard_normal((4, 3)))
    np.testing.assert_allclose(dense[0], np.eye(4)[perm[0]])
    np.testing.assert_allclose(run(op.determinant())[0], [-1.0, -1.0])   # 3 and 1 inversions
    with pytest.raises(TypeError, match="integer"):
        L.LinearOperatorPermutation([1., 0.])
    with pytest.raises(ValueError, match="non-singular"):
        L.LinearOperatorPermutation([1, 0], is_non_singular=False)


def test_toeplitz():
    col, row = np.array([6., 2., 3., 1.]), np.array([9., 4., 5., -1.])
    op = L.LinearOperatorToeplitz(col, row)
    dense = _check_against_dense(op, R.standard_normal((2, 4, 3)))
    want = np.array([[col[max(i - j, 0)] if i >= j else row[j - i] for j in range(4)]
                     for i in range(4)])
    np.testing.assert_allclose(dense, want, atol=1e-12)
    with pytest.raises(ValueError, match="square"):
        L.LinearOperatorToeplitz([1., 2.], [1., 2., 3.])


@pytest.mark.parametrize("fmt", ["compact", "sequence", "matrix"])
def test_tridiag(fmt):
    d = R.standard_normal((3, 5)) + np.array([[0.], [5.], [0.]])
    want = np.diag(d[1]) + np.diag(d[0, :-1], 1) + np.diag(d[2, 1:], -1)
    arg = {"compact": d, "sequence": list(d), "matrix": want}[fmt]
    op = L.LinearOperatorTridiag(arg, diagonals_format=fmt)
    assert op.diagonals_format == fmt
    dense = _check_against_dense(op, R.standard_normal((2, 5, 3)))
    np.testing.assert_allclose(dense, want, atol=1e-12)
    with pytest.raises(ValueError, match="diagonals_format"):
        L.LinearOperatorTridiag(d, diagonals_format="bad")


def test_zeros():
    z = L.LinearOperatorZeros(3, 2, batch_shape=[4], is_square=False, is_self_adjoint=False)
    assert z.shape == gc.TensorShape([4, 3, 2]) and z.dtype == gc.float32
    got = run(z.matmul(np.ones((5, 1, 2, 7), np.float32)), z.diag_part(), z.trace())
    assert got[0].shape == (5, 4, 3, 7) and not got[0].any()
    assert got[1].shape == (4, 2) and got[2].shape == (4,)
    with pytest.raises(ValueError, match="not compatible"):
        z.matmul(np.ones((3, 1), np.float32))
    with pytest.raises(NotImplementedError):
        z.determinant()
    sq = L.LinearOperatorZeros(2)
    with pytest.raises(NotImplementedError, match="singular"):
        sq.solve(np.ones((2, 1), np.float32))
    assert run(sq.log_abs_determinant())[0] == -np.inf
    for kw, msg in [({"is_non_singular": True}, "singular"),
                    ({"is_positive_definite": True}, "positive"),
                    ({"is_self_adjoint": False}, "self adjoint")]:
        with pytest.raises(ValueError, match=msg):
            L.LinearOperatorZeros(2, **kw)
    with pytest.raises(ValueError, match="num_rows"):
        L.LinearOperatorZeros(2, 3)
    with pytest.raises(TypeError):
        L.LinearOperatorZeros(2.0)


def test_unknown_static_shapes():
    """Placeholders of unknown dims: shapes are partly unknown, results still right."""
    a = gc.placeholder(gc.float64, [None, None])
    x = gc.placeholder(gc.float64, [None, None])
    col = gc.placeholder(gc.float64, [None])
    ops = [L.LinearOperatorKronecker([L.LinearOperatorFullMatrix(a),
                                      L.LinearOperatorFullMatrix(a)]),
           L.LinearOperatorBlockDiag([L.LinearOperatorFullMatrix(a),
                                      L.LinearOperatorFullMatrix(a)]),
           L.LinearOperatorToeplitz(col, col + 1.0),
           L.LinearOperatorCirculant(col, input_output_dtype=gc.float64),
           L.LinearOperatorHouseholder(col)]
    assert ops[0].shape == (None, None)
    av, cv = _spd(2, 2), np.array([5., 1., 2., 1.])   # a Hermitian spectrum
    feed = {a: av, col: cv, x: R.standard_normal((4, 3))}
    for op in ops:
        dense, mm, sv = run(op.to_dense(), op.matmul(x), op.solve(x), feed=feed)
        np.testing.assert_allclose(mm, dense @ feed[x], rtol=1e-8, atol=1e-9)
        np.testing.assert_allclose(dense @ sv, feed[x], rtol=1e-7, atol=1e-8)


def test_gradients_flow_through_structure():
    """d/dparams of sum(op.solve(x)) and sum(op.matmul(x)) against finite differences."""
    d0 = R.standard_normal((3, 4)) + np.array([[0.], [4.], [0.]])
    x = R.standard_normal((4, 2))

    def loss(dv):
        p = gc.constant(dv)
        op = L.LinearOperatorKronecker([L.LinearOperatorTridiag(p),
                                        L.LinearOperatorDiag(gc.constant([1., 2.], gc.float64))])
        y = gc.reduce_sum(op.solve(np.concatenate([x, x], 0)) * 1.5) + \
            gc.reduce_sum(op.matvec(np.ones(8)) ** 2) + op.log_abs_determinant()
        return p, y
    p, y = loss(d0)
    (g,) = run(gc.gradients(y, [p])[0])
    eps, num = 1e-6, np.zeros_like(d0)
    for idx in np.ndindex(*d0.shape):
        e = np.zeros_like(d0)
        e[idx] = eps
        num[idx] = (run(loss(d0 + e)[1])[0] - run(loss(d0 - e)[1])[0]) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-5, atol=1e-6)
