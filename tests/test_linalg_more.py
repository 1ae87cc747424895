"""tf.bitwise, the newer tf.math functions and the newer tf.linalg ops: behaviour, edge
cases and errors (no TensorFlow; tests/test_tf_parity_linalg_more.py compares with TF)."""
import numpy as np
import pytest

import graphc as gc


def run(*fetches, feed=None):
    with gc.Session() as s:
        out = s.run(list(fetches), feed)
    return out[0] if len(out) == 1 else out


# ---- bitwise -----------------------------------------------------------------------------------
def test_shift_amounts_are_clamped_to_the_bit_width():
    x = gc.constant(np.array([1, 7, 100, -16], np.int8))
    left = gc.bitwise.left_shift(x, np.array([8, -1, 70, 2], np.int8))
    right = gc.bitwise.right_shift(x, np.array([8, -1, 70, 2], np.int8))
    np.testing.assert_array_equal(run(left), [-128, 7, 0, -64])
    np.testing.assert_array_equal(run(right), [0, 7, 0, -4])     # arithmetic for signed


def test_left_shift_wraps_unsigned_and_right_shift_is_logical():
    x = gc.constant(np.array([200, 255], np.uint8))
    np.testing.assert_array_equal(run(gc.bitwise.left_shift(x, np.uint8(2))), [32, 252])
    np.testing.assert_array_equal(run(gc.bitwise.right_shift(x, np.uint8(9))), [1, 1])


def test_bitwise_broadcasts_and_keeps_dtype():
    x = gc.constant(np.arange(6, dtype=np.int16).reshape(2, 3))
    z = gc.bitwise.bitwise_xor(x, np.array([[1], [2]], np.int16))
    assert z.dtype == gc.int16 and z.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(z), [[1, 0, 3], [1, 6, 7]])
    np.testing.assert_array_equal(run(gc.bitwise.invert(gc.constant(np.uint16(0)))), 65535)


def test_bitwise_rejects_floats_and_mixed_dtypes():
    with pytest.raises(gc.errors.DTypeError, match="int"):
        gc.bitwise.bitwise_and(gc.constant([1.0]), gc.constant([2.0]))
    with pytest.raises(gc.errors.DTypeError):
        gc.bitwise.bitwise_or(gc.constant([1], gc.int32), gc.constant([1], gc.int64))
    with pytest.raises(gc.errors.DTypeError):
        gc.bitwise.invert(gc.constant([True]))


def test_bitwise_has_no_gradient():
    x = gc.placeholder(gc.int32, [3])
    assert gc.gradients(gc.cast(gc.bitwise.invert(x), gc.float32), x) == [None]


# ---- tf.math -----------------------------------------------------------------------------------
def test_ndtri_edges_and_erfcinv():
    p = np.array([0.0, 1.0, 0.5, 0.025, 1.5, -0.1])
    got = run(gc.math.ndtri(p))
    np.testing.assert_allclose(got[:4], [-np.inf, np.inf, 0.0, -1.959963984540054])
    assert np.isnan(got[4:]).all()
    np.testing.assert_allclose(run(gc.math.erfcinv([0.5, 1.0, 2.0])),
                               [0.4769362762044699, 0.0, -np.inf], atol=1e-15)


def test_ndtri_kernel_without_scipy_matches(monkeypatch):
    import sys
    from graphc.ops.math_ndtri import _ndtri_kernel
    p = np.array([1e-300, 1e-20, 1e-9, 0.3, 0.5, 0.9, 1 - 1e-12, 0.0, 1.0])
    with_scipy = _ndtri_kernel(p)
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    np.testing.assert_allclose(_ndtri_kernel(p), with_scipy, rtol=1e-12)


def test_xlog1py_is_zero_where_x_is_zero_with_finite_gradient():
    x = gc.constant([0.0, 0.0, 2.0])
    y = gc.constant([-1.0, 3.0, 0.5])
    z = gc.math.xlog1py(x, y)
    gx, gy = gc.gradients(z, [x, y])
    got = run(z, gx, gy)
    np.testing.assert_allclose(got[0], [0.0, 0.0, 2 * np.log1p(0.5)], rtol=1e-6)
    assert np.isfinite(got[2]).all() and got[2][0] == 0.0


def test_math_aliases():
    assert gc.math.invert_permutation is gc.invert_permutation
    assert gc.math.zero_fraction is gc.nn.zero_fraction


def test_approx_k_along_any_dimension():
    x = np.array([[3.0, 1.0, 2.0], [0.0, 5.0, -1.0]], np.float32)
    v, i = gc.math.approx_max_k(x, 1, reduction_dimension=0)
    assert v.shape.as_list() == [1, 3] and i.dtype == gc.int32
    np.testing.assert_array_equal(run(v, i), [[[3, 5, 2]], [[0, 1, 0]]])
    v, i = gc.math.approx_min_k(x, 2)
    np.testing.assert_array_equal(run(v), [[1, 2], [-1, 0]])
    np.testing.assert_array_equal(run(i), [[1, 2], [2, 0]])


def test_approx_k_errors():
    with pytest.raises(TypeError, match="float16 or float32"):
        gc.math.approx_max_k(gc.constant([1.0, 2.0], gc.float64), 1)
    with pytest.raises(ValueError, match="more than"):
        gc.math.approx_max_k(gc.constant([1.0, 2.0]), 3)
    with pytest.raises(ValueError, match="out of range"):
        gc.math.approx_min_k(gc.constant([1.0, 2.0]), 1, reduction_dimension=1)
    with pytest.raises(ValueError, match="recall_target"):
        gc.math.approx_max_k(gc.constant([1.0, 2.0]), 1, recall_target=0.0)


# ---- lu --------------------------------------------------------------------------------------
def test_lu_packs_factors_and_pivots_like_lapack():
    a = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 10.0]])
    lu, p = run(*gc.linalg.lu(a))
    np.testing.assert_array_equal(p, [2, 0, 1])
    low, up = np.tril(lu, -1) + np.eye(3), np.triu(lu)
    np.testing.assert_allclose(low @ up, a[p], rtol=1e-14)


def test_lu_static_shapes_and_errors():
    x = gc.placeholder(gc.float32, [None, 4, 4])
    lu, p = gc.linalg.lu(x, output_idx_type=gc.int64)
    assert lu.shape.as_list() == [None, 4, 4] and p.shape.as_list() == [None, 4]
    assert p.dtype == gc.int64
    with pytest.raises(gc.errors.ShapeError, match="square"):
        gc.linalg.lu(gc.placeholder(gc.float32, [3, 4]))
    with pytest.raises(gc.errors.DTypeError):
        gc.linalg.lu(gc.placeholder(gc.float32, [3, 3]), output_idx_type=gc.int16)


def test_lu_singular_matrix_keeps_zero_pivot():
    lu, p = run(*gc.linalg.lu(np.array([[0.0, 0.0], [0.0, 1.0]])))
    assert np.isfinite(lu).all()
    np.testing.assert_allclose(lu, [[0.0, 0.0], [0.0, 1.0]])


def test_lu_solve_inverse_reconstruct_agree():
    r = np.random.default_rng(1)
    a = r.standard_normal((2, 4, 4)) + 3 * np.eye(4)
    b = r.standard_normal((2, 4, 3))
    lu, p = gc.linalg.lu(a)
    x, inv, back = run(gc.linalg.lu_solve(lu, p, b), gc.linalg.lu_matrix_inverse(lu, p),
                       gc.linalg.lu_reconstruct(lu, p))
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-10)
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(back, a, rtol=1e-12)


def test_lu_solve_rejects_bad_operands():
    with pytest.raises(TypeError, match="perm"):
        gc.linalg.lu_solve(np.eye(2), np.array([0.0, 1.0]), np.ones((2, 1)))
    with pytest.raises(ValueError, match="rank"):
        gc.linalg.lu_reconstruct(np.ones(3), np.array([0, 1, 2], np.int32))


# ---- expm, sqrtm, pinv, matrix_rank, normalize ------------------------------------------
def test_expm_known_values():
    np.testing.assert_allclose(run(gc.linalg.expm([[0.0, 1.0], [0.0, 0.0]])),
                               [[1.0, 1.0], [0.0, 1.0]])
    t = 0.7
    rot = run(gc.linalg.expm(np.array([[0.0, -t], [t, 0.0]])))
    np.testing.assert_allclose(rot, [[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]],
                               rtol=1e-14)
    big = run(gc.linalg.expm(np.diag([30.0, -30.0])))     # many squarings
    np.testing.assert_allclose(np.diag(big), np.exp([30.0, -30.0]), rtol=1e-12)
    assert run(gc.linalg.expm(np.zeros((0, 0)))).shape == (0, 0)


def test_sqrtm_known_values_and_negative_eigenvalue():
    np.testing.assert_allclose(run(gc.matrix_square_root([[4.0, 0.0], [0.0, 9.0]])),
                               [[2.0, 0.0], [0.0, 3.0]])
    assert gc.linalg.sqrtm is gc.matrix_square_root
    assert np.isnan(run(gc.linalg.sqrtm([[-1.0, 0.0], [0.0, 1.0]]))).all()


def test_matrix_function_shape_errors():
    with pytest.raises(gc.errors.ShapeError, match="square"):
        gc.linalg.expm(gc.placeholder(gc.float64, [2, 3]))
    with pytest.raises(gc.errors.DTypeError):
        gc.matrix_square_root(gc.constant([[1, 0], [0, 1]]))


def test_pinv_and_matrix_rank():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(run(gc.linalg.pinv(a)), np.linalg.pinv(a), atol=1e-14)
    assert run(gc.linalg.matrix_rank(a)) == 1
    rank = gc.linalg.matrix_rank(np.stack([np.eye(3), np.diag([1.0, 0.0, 1.0])]))
    assert rank.dtype == gc.int32
    np.testing.assert_array_equal(run(rank), [3, 2])
    assert run(gc.linalg.matrix_rank(np.diag([3.0, 1.0, 2.0]), tol=1.5)) == 2
    x = gc.placeholder(gc.float64, [None, None])
    np.testing.assert_allclose(run(gc.linalg.pinv(x), feed={x: a}), np.linalg.pinv(a),
                               atol=1e-14)
    with pytest.raises(ValueError, match="rank >= 2"):
        gc.linalg.pinv([1.0, 2.0])
    with pytest.raises(TypeError, match="float"):
        gc.linalg.matrix_rank([[1, 2], [3, 4]])


def test_normalize_returns_unit_tensor_and_kept_norm():
    unit, n = gc.linalg.normalize([[3.0, 4.0], [6.0, 8.0]], axis=1)
    assert n.shape.as_list() == [2, 1]
    u, nv = run(unit, n)
    np.testing.assert_allclose(nv, [[5.0], [10.0]])
    np.testing.assert_allclose(u, [[0.6, 0.8], [0.6, 0.8]])


# ---- tridiagonal -------------------------------------------------------------------------
def _dense(d):
    return np.diag(d[1]) + np.diag(d[0, :-1], 1) + np.diag(d[2, 1:], -1)


def test_tridiagonal_solve_formats_agree():
    r = np.random.default_rng(2)
    d = r.standard_normal((3, 5))
    d[1] += 4
    b = r.standard_normal((5, 2))
    want = np.linalg.solve(_dense(d), b)
    for got in run(gc.linalg.tridiagonal_solve(d, b),
                   gc.linalg.tridiagonal_solve(_dense(d), b, diagonals_format="matrix"),
                   gc.linalg.tridiagonal_solve((d[0, :-1], d[1], d[2, 1:]), b,
                                               diagonals_format="sequence"),
                   gc.linalg.tridiagonal_solve(d, b.T, transpose_rhs=True),
                   gc.linalg.tridiagonal_solve(d, b, partial_pivoting=False)):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(run(gc.linalg.tridiagonal_solve(d, b[:, 0])), want[:, 0],
                               rtol=1e-12)


def test_tridiagonal_solve_pivoting_and_zero_pivot():
    d = np.array([[1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0]])
    b = np.arange(8.0).reshape(4, 2)
    np.testing.assert_allclose(run(gc.linalg.tridiagonal_solve(d, b)),
                               np.linalg.solve(_dense(d), b), atol=1e-12)
    assert not np.isfinite(run(gc.linalg.tridiagonal_solve(d, b, partial_pivoting=False))).all()


def test_tridiagonal_errors():
    with pytest.raises(ValueError, match="diagonals_format"):
        gc.linalg.tridiagonal_solve(np.ones((3, 2)), np.ones((2, 1)), diagonals_format="band")
    with pytest.raises(ValueError, match="three"):
        gc.linalg.tridiagonal_matmul((np.ones(2),), np.ones((2, 1)),
                                     diagonals_format="sequence")
    with pytest.raises(gc.errors.ShapeError, match=r"\(\.\.\., 3, M\)"):
        gc.linalg.tridiagonal_solve(np.ones((4, 2)), np.ones((2, 1)))
    with pytest.raises(gc.errors.ShapeError, match="rows"):
        gc.linalg.tridiagonal_solve(np.ones((3, 2)), np.ones((5, 1)))
    with pytest.raises(ValueError, match="rank >= 2"):
        gc.linalg.tridiagonal_matmul(np.ones((3, 2)), np.ones(2))
    with pytest.raises(NotImplementedError, match="perturb_singular"):
        gc.linalg.tridiagonal_solve(np.ones((3, 2)), np.ones((2, 1)), perturb_singular=True)


def test_tridiagonal_matmul_matches_dense():
    r = np.random.default_rng(3)
    d, b = r.standard_normal((3, 4)), r.standard_normal((4, 3))
    np.testing.assert_allclose(run(gc.linalg.tridiagonal_matmul(d, b)), _dense(d) @ b,
                               rtol=1e-12)


def test_empty_matrices():
    lu, p = run(*gc.linalg.lu(np.zeros((2, 0, 0))))
    assert lu.shape == (2, 0, 0) and p.shape == (2, 0)
    assert run(gc.linalg.expm(np.zeros((0, 3, 3)))).shape == (0, 3, 3)
    assert run(gc.linalg.sqrtm(np.zeros((0, 0)))).shape == (0, 0)


def test_eigh_tridiagonal_selects_and_errors():
    a, b = np.array([2.0, 2.0, 2.0]), np.array([1.0, 1.0])
    want = np.linalg.eigvalsh(np.diag(a) + np.diag(b, 1) + np.diag(b, -1))
    np.testing.assert_allclose(run(gc.linalg.eigh_tridiagonal(a, b)), want, rtol=1e-12)
    np.testing.assert_allclose(
        run(gc.linalg.eigh_tridiagonal(a, b, select="i", select_range=(1, 2))), want[1:])
    e, v = gc.linalg.eigh_tridiagonal(a, b, eigvals_only=False, select="v",
                                      select_range=(1.0, 5.0))
    e, v = run(e, v)
    np.testing.assert_allclose(e, want[1:], rtol=1e-12)
    assert v.shape == (3, 2)
    with pytest.raises(ValueError, match="select must"):
        gc.linalg.eigh_tridiagonal(a, b, select="x")
    with pytest.raises(ValueError, match="select_range"):
        gc.linalg.eigh_tridiagonal(a, b, select="i")
    with pytest.raises(ValueError, match="vectors"):
        gc.linalg.eigh_tridiagonal(np.ones((2, 2)), b)


def test_docs_linalg_md_code_runs(capsys):
    """Every ```python block of docs/linalg.md runs, in order, in one namespace."""
    import pathlib
    import re
    text = (pathlib.Path(__file__).parent.parent / "docs" / "linalg.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 5
    gc.reset_default_graph()
    namespace = {"__name__": "__main__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"linalg.md[{i}]", "exec"), namespace)
    out = capsys.readouterr().out
    assert "[2 0 1]" in out and "[-128    0    0]" in out


# ---- LinearOperator subset --------------------------------------------------------------
def test_linear_operators_agree_with_their_dense_matrices():
    L = gc.linalg
    r = np.random.default_rng(4)
    a = r.standard_normal((2, 3, 3)) + 3 * np.eye(3)
    d = r.uniform(1.0, 2.0, (2, 3))
    x = r.standard_normal((2, 3, 4))
    ops = [L.LinearOperatorFullMatrix(a), L.LinearOperatorDiag(d),
           L.LinearOperatorIdentity(3, batch_shape=[2], dtype=gc.float64),
           L.LinearOperatorScaledIdentity(3, d[:, 0]), L.LinearOperatorLowerTriangular(a)]
    ops.append(L.LinearOperatorComposition(ops[:2]))
    ops.append(ops[0] @ ops[1])
    for op in ops:
        assert op.shape.as_list() == [2, 3, 3] and op.is_square
        dense, *got = run(op.to_dense(), op.matmul(x), op.solve(x, adjoint=True),
                          op.log_abs_determinant(), op.inverse().matmul(x),
                          op.adjoint().solvevec(x[..., 0]))
        want = [dense @ x, np.linalg.solve(np.swapaxes(dense, -1, -2), x),
                np.linalg.slogdet(dense)[1], np.linalg.solve(dense, x),
                np.linalg.solve(np.swapaxes(dense, -1, -2), x[..., :1])[..., 0]]
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def test_linear_operator_structure_and_errors():
    L = gc.linalg
    op = L.LinearOperatorDiag(np.array([2.0, 4.0]))
    assert op.adjoint() is op and op.inverse().inverse() is op
    full = L.LinearOperatorFullMatrix(np.ones((2, 3)))
    assert full.adjoint().adjoint() is full and full.adjoint().shape.as_list() == [3, 2]
    assert full.is_square is False
    with pytest.raises(ValueError, match="non-square"):
        full.inverse()
    with pytest.raises(ValueError, match="domain dimension 3"):
        L.LinearOperatorComposition([full, full])
    with pytest.raises(TypeError, match="float"):
        L.LinearOperatorFullMatrix([[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="num_rows"):
        L.LinearOperatorIdentity(-1)
    with pytest.raises(TypeError, match="LinearOperators"):
        L.LinearOperatorComposition([np.eye(2)])
    x = gc.placeholder(gc.float64, [2])
    (g,) = gc.gradients(op.matvec(x), [x])
    np.testing.assert_allclose(run(g, feed={x: [1.0, 1.0]}), [2.0, 4.0])
