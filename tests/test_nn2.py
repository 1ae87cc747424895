"""fractional_max_pool / fractional_avg_pool, extract_volume_patches, with_space_to_batch
and linalg.logm: behaviour, edge cases and errors (no TensorFlow needed; the TF parity is
in test_tf_parity_nn2.py)."""
import numpy as np
import pytest

import graphc as gc
from graphc.ops.fractional_pool import (fractional_avg_pool_grad, fractional_max_pool_grad,
                                        fractional_max_pool_with_sequences)
from graphc.ops.volume_patches import extract_volume_patches


def run(fetches, feed=None):
    with gc.Session() as s:
        return s.run(fetches, feed)


# ---- fractional pooling --------------------------------------------------------------------
def test_tf_sequences_for_fixed_seeds():
    """Sequences TF 2.21 gives for seed=3, seed2=5 on a 10 x 7 input, ratio (1.5, 1.7)."""
    x = gc.zeros([1, 10, 7, 1])
    r = [1, 1.5, 1.7, 1]
    _, a, b = gc.nn.fractional_max_pool(x, r, deterministic=True, seed=3, seed2=5)
    _, c, d = gc.nn.fractional_avg_pool(x, r, pseudo_random=True, deterministic=True, seed=3,
                                        seed2=5)
    got = run([a, b, c, d])
    assert [v.tolist() for v in got] == [[0, 2, 3, 5, 7, 9, 10], [0, 2, 4, 5, 7],
                                         [0, 1, 3, 5, 6, 8, 10], [0, 2, 4, 5, 7]]


def test_static_shapes_and_dtypes():
    x = gc.placeholder(gc.float32, [None, 11, None, 3])
    y, r, c = gc.nn.fractional_max_pool(x, [1, 1.5, 2, 1])
    assert y.shape.as_list() == [None, 7, None, 3] and y.dtype == gc.float32
    assert r.shape.as_list() == [8] and c.shape.as_list() == [None] and r.dtype == gc.int64
    y, r, c = gc.nn.fractional_avg_pool(gc.placeholder(gc.int32), [1, 1.5, 2, 1])
    assert y.shape.as_list() == [None] * 4 and y.dtype == gc.int32 and r.shape.as_list() == [None]
    yv, rv, cv = run([y, r, c], {y.op.inputs[0]: np.ones((2, 9, 8, 1), np.int32)})
    assert yv.shape == (2, 6, 4, 1) and rv.shape == (7,) and cv.shape == (5,)


@pytest.mark.parametrize("pseudo", [False, True])
@pytest.mark.parametrize("ratio", [1.0, 1.3, 1.5, 2.0, 2.7])
def test_sequences_cut_into_k_or_k_plus_1(pseudo, ratio):
    x = gc.zeros([1, 37, 20, 1])
    _, r, c = gc.nn.fractional_max_pool(x, [1, ratio, ratio, 1], pseudo_random=pseudo)
    for seq, n in zip(run([r, c]), (37, 20)):
        out = int(n // ratio)
        assert seq[0] == 0 and seq[-1] == n and len(seq) == out + 1
        assert set(np.diff(seq)) <= {n // out, n // out + 1}


def test_seeding_runs_and_sessions():
    x = gc.zeros([1, 200, 3, 1])
    _, seeded, _ = gc.nn.fractional_max_pool(x, [1, 1.5, 1, 1], deterministic=True, seed=1,
                                             seed2=9)
    _, fixed, _ = gc.nn.fractional_max_pool(x, [1, 1.5, 1, 1], deterministic=True)
    _, fresh, _ = gc.nn.fractional_max_pool(x, [1, 1.5, 1, 1])
    with gc.Session() as s:
        a1, f1, n1 = s.run([seeded, fixed, fresh])
        a2, f2, n2 = s.run([seeded, fixed, fresh])
    with gc.Session() as s:
        a3 = s.run(seeded)
    np.testing.assert_array_equal(a1, a2)
    np.testing.assert_array_equal(a1, a3)
    np.testing.assert_array_equal(f1, f2)           # deterministic: fixed per session
    assert not np.array_equal(n1, n2)               # not deterministic: new each run


def test_values_and_gradients_overlapping():
    """The docstring's example: [20, 5, 16, 3, 7] with sequence [0, 2, 4] pools to [20, 16]
    overlapping (index 2 is in both regions), [20, 16] without (regions [0, 2), [2, 5))."""
    x = gc.constant(np.array([20, 5, 16, 3, 7], np.float64).reshape(1, 1, 5, 1))
    y = fractional_max_pool_with_sequences(x, [0, 1], [0, 2, 4], overlapping=True)
    dx = gc.gradients(y, x, grad_ys=gc.constant(np.array([1.0, 10.0]).reshape(1, 1, 2, 1)))
    yv, dxv = run([y, dx[0]])
    assert yv.ravel().tolist() == [20, 16]
    assert dxv.ravel().tolist() == [1, 0, 10, 0, 0]


def test_integer_average_truncates_toward_zero():
    x = gc.constant(np.array([[-7, 0, 5, 2]], np.int32).reshape(1, 1, 4, 1))
    y, _, c = gc.nn.fractional_avg_pool(x, [1, 1, 2, 1], deterministic=True, seed=1, seed2=1)
    yv, cv = run([y, c])
    assert cv.tolist() == [0, 2, 4] and yv.ravel().tolist() == [-3, 3]


def test_gradient_ops_and_second_order():
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((1, 7, 6, 2))
    x = gc.constant(xv)
    y, r, c = gc.nn.fractional_avg_pool(x, [1, 1.4, 1.4, 1], deterministic=True, seed=2,
                                        seed2=3)
    g = gc.gradients(gc.reduce_sum(y * y), x)[0]
    hess = gc.gradients(gc.reduce_sum(g * g), x)[0]    # the grad op differentiates too
    gv, hv, yv, rv, cv = run([g, hess, y, r, c])
    assert gv.shape == xv.shape and hv.shape == xv.shape and np.isfinite(hv).all()
    direct = fractional_avg_pool_grad([1, 7, 6, 2], 2 * yv, rv, cv)
    np.testing.assert_allclose(run(direct), gv, rtol=1e-12)
    ym = fractional_max_pool_with_sequences(x, rv, cv)
    gm = fractional_max_pool_grad(x, ym, np.ones((1, 5, 4, 2)), rv, cv)
    assert run(gm).sum() == 40


@pytest.mark.parametrize("kw, err, match", [
    (dict(seed=3), ValueError, "Both seed and seed2 should be 0"),
    (dict(pooling_ratio=[1, 0.5, 1.5, 1]), ValueError, "cannot be smaller than 1"),
    (dict(pooling_ratio=[1, 1.5, 1.5]), ValueError, "4 entries"),
    (dict(pooling_ratio=2.0), TypeError, "Expected list"),
    (dict(pooling_ratio=[2, 1.5, 1.5, 1]), ValueError, "rows and columns"),
])
def test_argument_errors(kw, err, match):
    args = dict(pooling_ratio=[1, 1.5, 1.5, 1])
    args.update(kw)
    with pytest.raises(err, match=match):
        gc.nn.fractional_max_pool(gc.zeros([1, 5, 5, 1]), **args)


def test_shape_and_dtype_errors():
    with pytest.raises(gc.errors.DTypeError, match="float32, float64, int32 or int64"):
        gc.nn.fractional_max_pool(gc.zeros([1, 4, 4, 1], gc.float16), [1, 2, 2, 1])
    with pytest.raises(gc.errors.ShapeError, match="rank 4"):
        gc.nn.fractional_avg_pool(gc.zeros([4, 4, 1]), [1, 2, 2, 1])
    with pytest.raises(gc.errors.ShapeError, match="output would be empty"):
        gc.nn.fractional_max_pool(gc.zeros([1, 1, 5, 1]), [1, 1.5, 1.5, 1])
    x = gc.placeholder(gc.float32, [1, None, 5, 1])
    y = gc.nn.fractional_max_pool(x, [1, 1.5, 1.5, 1])[0]
    with pytest.raises(gc.errors.ExecutionError, match="higher than input dimension"):
        run(y, {x: np.zeros((1, 1, 5, 1), np.float32)})


# ---- extract_volume_patches ----------------------------------------------------------------
def test_volume_patches_order_and_padding():
    xv = np.arange(1 * 3 * 4 * 5 * 2, dtype=np.float32).reshape(1, 3, 4, 5, 2)
    p = extract_volume_patches(gc.constant(xv), [1, 2, 2, 3, 1], [1, 1, 2, 1, 1], "SAME")
    assert p.shape.as_list() == [1, 3, 2, 5, 24]
    pv = run(p)
    # SAME: the planes pad 1 after, rows 0, cols 1 before and 1 after
    patch = pv[0, 0, 0, 0].reshape(2, 2, 3, 2)
    np.testing.assert_array_equal(patch[0, 0, 0], [0, 0])           # the left padding
    np.testing.assert_array_equal(patch[0, 0, 1:], xv[0, 0, 0, 0:2])
    np.testing.assert_array_equal(patch[1, 1, 1:], xv[0, 1, 1, 0:2])
    assert not pv[0, 2, :, :].reshape(-1, 2, 2, 3, 2)[:, 1].any()    # the planes' padding


def test_volume_patches_int_empty_and_unknown():
    xv = np.arange(2 * 3 * 3 * 3 * 1, dtype=np.int32).reshape(2, 3, 3, 3, 1)
    p = extract_volume_patches(xv, [1, 4, 1, 1, 1], [1, 1, 1, 1, 1], "VALID")
    assert p.shape.as_list() == [2, 0, 3, 3, 4] and run(p).shape == (2, 0, 3, 3, 4)
    x = gc.placeholder(gc.int32, [None, 3, None, 3, None])
    q = extract_volume_patches(x, [1, 1, 2, 3, 1], [1, 1, 1, 1, 1], "VALID")
    assert q.shape.as_list() == [None, 3, None, 1, None]
    np.testing.assert_array_equal(run(q, {x: xv})[..., :1], xv[:, :, :2, :1])


def test_volume_patches_gradient_counts_uses():
    x = gc.constant(np.ones((1, 3, 3, 3, 1)))
    p = extract_volume_patches(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID")
    g = run(gc.gradients(p, x)[0])
    assert g[0, 1, 1, 1, 0] == 8 and g[0, 0, 0, 0, 0] == 1 and g[0, 0, 1, 1, 0] == 4


@pytest.mark.parametrize("args, match", [
    (([1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "valid"), "padding must be 'SAME' or 'VALID'"),
    (([1, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"), "list of 5 ints"),
    (([2, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"), "batch and depth entries must be 1"),
    (([1, 2, 2, 2, 1], [1, 0, 1, 1, 1], "VALID"), "must be > 0"),
])
def test_volume_patches_argument_errors(args, match):
    with pytest.raises(ValueError, match=match):
        extract_volume_patches(gc.zeros([1, 3, 3, 3, 1]), *args)


def test_volume_patches_input_errors():
    with pytest.raises(gc.errors.ShapeError, match="rank 5"):
        extract_volume_patches(gc.zeros([3, 3, 3, 1]), [1, 1, 1, 1, 1], [1, 1, 1, 1, 1], "SAME")
    with pytest.raises(gc.errors.DTypeError, match="real numbers"):
        extract_volume_patches(gc.zeros([1, 3, 3, 3, 1], gc.bool), [1, 1, 1, 1, 1],
                               [1, 1, 1, 1, 1], "SAME")


# ---- with_space_to_batch -------------------------------------------------------------------
def _conv_op(w):
    return lambda v, n, p: gc.nn.conv2d(v, w, [1, 1, 1, 1], p)


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_with_space_to_batch_is_a_dilated_conv(padding):
    rng = np.random.default_rng(1)
    xv, w = rng.standard_normal((2, 9, 8, 3)), gc.constant(rng.standard_normal((3, 2, 3, 4)))
    y = gc.nn.with_space_to_batch(gc.constant(xv), [2, 3], padding, _conv_op(w),
                                  filter_shape=[3, 2])
    want = gc.nn.conv2d(gc.constant(xv), w, [1, 1, 1, 1], padding, dilations=[1, 2, 3, 1])
    x = gc.placeholder(gc.float64, [None, None, None, 3])
    dyn = gc.nn.with_space_to_batch(x, [2, 3], padding, _conv_op(w), filter_shape=[3, 2])
    a, b, c = run([y, want, dyn], {x: xv})
    assert y.shape.as_list() == list(b.shape)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    np.testing.assert_allclose(c, b, rtol=1e-12)


def test_with_space_to_batch_rate_one_and_spatial_dims():
    seen = []
    x = gc.zeros([2, 5, 6, 3])
    out = gc.nn.with_space_to_batch(x, [1, 1], "SAME", lambda v, n, p: seen.append((v, n, p))
                                    or v)
    assert out is x and seen == [(x, 2, "SAME")]
    xv = np.arange(2 * 5 * 6 * 3, dtype=np.float64).reshape(2, 5, 6, 3)
    y = gc.nn.with_space_to_batch(gc.constant(xv), [2], "VALID", lambda v, n, p: v + 1.0,
                                  spatial_dims=[2])
    np.testing.assert_array_equal(run(y), xv + 1)


@pytest.mark.parametrize("kw, match", [
    (dict(dilation_rate=[2, 2], padding="SAME"), "filter_shape` must be specified"),
    (dict(dilation_rate=[2, 2], padding="FULL"), "must be one of 'SAME' or 'VALID'"),
    (dict(dilation_rate=[0, 2], padding="VALID"), "must be positive"),
    (dict(dilation_rate=[2, 2], padding="VALID", spatial_dims=[2, 1]), "monotonically"),
    (dict(dilation_rate=[2, 2], padding="VALID", spatial_dims=[3, 4]), "rank` must be at least"),
    (dict(dilation_rate=[[2, 2]], padding="VALID"), "rank` must be 1"),
])
def test_with_space_to_batch_errors(kw, match):
    with pytest.raises(ValueError, match=match):
        gc.nn.with_space_to_batch(gc.zeros([1, 4, 4, 1]), op=lambda v, n, p: v, **kw)


# ---- logm ----------------------------------------------------------------------------------
def _expm(a):
    """exp of diagonalizable matrices (numpy only; gc.linalg.expm is real-only)."""
    lam, v = np.linalg.eig(a)
    return (v * np.exp(lam)[..., None, :]) @ np.linalg.inv(v)


def test_logm_inverts_expm():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 4, 4)) + 1j * rng.standard_normal((3, 4, 4))
    big = 30 * np.eye(3) + rng.standard_normal((3, 3))
    la, lb = run([gc.linalg.logm(a), gc.linalg.logm(big.astype(np.complex128))])
    np.testing.assert_allclose(_expm(la), a, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(_expm(lb), big, rtol=1e-10)


def test_logm_special_matrices():
    jordan = np.array([[1, 1], [0, 1]], np.complex64)
    diag = np.diag([1j, 2, -3]).astype(np.complex128)
    j, d, s, e = run([gc.linalg.logm(jordan), gc.linalg.logm(diag),
                      gc.linalg.logm(np.array([[1, 0], [0, 0]], np.complex128)),
                      gc.linalg.logm(np.zeros((2, 0, 0), np.complex128))])
    assert j.dtype == np.complex64
    np.testing.assert_allclose(j, [[0, 1], [0, 0]], atol=1e-6)
    np.testing.assert_allclose(np.diag(d), [np.pi / 2 * 1j, np.log(2), np.log(3) + np.pi * 1j])
    assert np.isnan(s).all() and e.shape == (2, 0, 0)


def test_logm_errors():
    with pytest.raises(gc.errors.DTypeError, match="complex64 or complex128"):
        gc.linalg.logm(np.eye(2))
    with pytest.raises(gc.errors.ShapeError, match="not square"):
        gc.linalg.logm(np.zeros((2, 3), np.complex64))
    with pytest.raises(gc.errors.ShapeError, match="rank >= 2"):
        gc.linalg.logm(np.zeros((2,), np.complex64))
    x = gc.placeholder(gc.complex128, [None, 3, None])
    assert gc.linalg.logm(x).shape.as_list() == [None, 3, 3]
    with pytest.raises(gc.errors.GradientError, match="no gradient"):
        gc.gradients(gc.real(gc.linalg.logm(x)), x)


# ---- docs/nn-extras.md ---------------------------------------------------------------------
def test_doc_code_runs(monkeypatch, tmp_path):
    """Every ```python block of docs/nn-extras.md runs, in order, in one namespace."""
    import os
    import re
    if not hasattr(gc, "extract_volume_patches"):        # until graphc/__init__ exports it
        monkeypatch.setattr(gc, "extract_volume_patches", extract_volume_patches, raising=False)
    path = os.path.join(os.path.dirname(__file__), "..", "docs", "nn-extras.md")
    with open(path, encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    gc.reset_default_graph()
    namespace = {"__name__": "__main__"}
    for i, block in enumerate(blocks):
        exec(compile(block, f"nn-extras.md[{i}]", "exec"), namespace)
    assert namespace["r"].tolist() == [0, 2, 3, 5, 7, 9, 10]
    assert namespace["p"].shape.as_list() == [2, 3, 2, 2, 36]
    assert namespace["y"].shape.as_list() == [1, 9, 8, 4]
