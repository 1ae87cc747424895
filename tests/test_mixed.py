"""Mixed mode: Hessian-vector products (forward over reverse), dense Hessians, and
Jacobians in one Session.run by batching (vmap) the jvp or the vjp."""
import collections

import numpy as np
import pytest

import graphc as gc
from graphc.autodiff.batching import vmap
from graphc.ops.registry import OpDef, apply1
from graphc.testing import numeric_jacobian

RNG = np.random.default_rng(0)


def run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


def matvec(A, x):
    """A @ x for a constant matrix A and a vector tensor x."""
    n = A.shape[1]
    return gc.reshape(gc.matmul(gc.reshape(x, [1, n]), gc.constant(A.T)), [A.shape[0]])


def new_types(graph, start):
    return collections.Counter(n.type for n in graph.nodes[start:])


# ---- Hessian-vector products --------------------------------------------------------------
def logistic_loss(w, X, t):
    z = matvec(X, w)
    return gc.reduce_mean(gc.nn.softplus(z) - gc.constant(t) * z) + \
        0.05 * gc.reduce_sum(gc.square(w))


def test_hvp_equals_finite_differences_of_the_gradient():
    X, t = RNG.standard_normal((30, 6)), (RNG.random(30) < 0.5).astype(float)
    w = gc.placeholder(gc.float64, (6,))
    loss = logistic_loss(w, X, t)
    g, = gc.gradients(loss, [w])
    v = gc.placeholder(gc.float64, (6,))
    hv, = gc.hessian_vector_product(loss, [w], [v])
    w0, v0, eps = RNG.standard_normal(6), RNG.standard_normal(6), 1e-5
    with gc.Session() as sess:
        got = sess.run(hv, {w: w0, v: v0})
        fd = (sess.run(g, {w: w0 + eps * v0}) - sess.run(g, {w: w0 - eps * v0})) / (2 * eps)
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-9)


def test_hvp_equals_hessians_times_v_for_several_xs():
    a = gc.placeholder(gc.float64, (3,))
    b = gc.placeholder(gc.float64, (2, 2))
    y = gc.reduce_sum(gc.sin(a) * gc.reduce_sum(b * b, axis=1)[0]) + gc.reduce_sum(a * a * a)
    va, vb = RNG.standard_normal(3), RNG.standard_normal((2, 2))
    hva, hvb = gc.hessian_vector_product(y, [a, b], [va, vb])
    Ha, Hb = gc.hessians(y, [a, b])
    assert Ha.shape.as_list() == [3, 3] and Hb.shape.as_list() == [2, 2, 2, 2]
    a0, b0 = RNG.standard_normal(3), RNG.standard_normal((2, 2))
    # H v restricted to a's block, with vb = 0, equals Ha @ va
    hva_only, = gc.hessian_vector_product(y, [a, b], [va, None])[:1]
    got_a, Ha_v, Hb_v, hvb_v = run([hva_only, Ha, Hb, hvb], {a: a0, b: b0})
    np.testing.assert_allclose(got_a, Ha_v @ va, rtol=1e-12, atol=1e-12)
    assert np.all(np.isfinite(hvb_v))
    np.testing.assert_allclose(Ha_v, Ha_v.T, atol=1e-12)
    Hb_flat = Hb_v.reshape(4, 4)
    np.testing.assert_allclose(Hb_flat, Hb_flat.T, atol=1e-12)


def test_hessian_of_a_quadratic_form_is_A_plus_A_transpose():
    n = 5
    A = RNG.standard_normal((n, n))
    x = gc.placeholder(gc.float64, (n,))
    y = gc.reduce_sum(x * matvec(A, x))
    H, = gc.hessians(y, [x])
    np.testing.assert_allclose(run(H, {x: RNG.standard_normal(n)}), A + A.T, atol=1e-12)


def test_hessians_of_a_matrix_variable_have_shape_x_shape_twice():
    x = gc.placeholder(gc.float64, (2, 3))
    y = gc.reduce_sum(gc.exp(x) * x)
    H, = gc.hessians(y, [x])
    x0 = RNG.standard_normal((2, 3))
    want = np.diag(((2 + x0) * np.exp(x0)).ravel()).reshape(2, 3, 2, 3)
    np.testing.assert_allclose(run(H, {x: x0}), want, rtol=1e-12)


def test_hvp_of_an_unconnected_x_is_zero():
    x = gc.placeholder(gc.float64, (3,))
    z = gc.placeholder(gc.float64, (3,))
    hz, = gc.hessian_vector_product(gc.reduce_sum(x * x), [z], [np.ones(3)])
    np.testing.assert_array_equal(run(hz, {x: np.ones(3), z: np.ones(3)}), np.zeros(3))


@pytest.mark.parametrize("depth", [4, 16])
def test_hvp_adds_nodes_in_proportion_to_the_gradient_graph(depth):
    x = gc.placeholder(gc.float64, (4,))
    W = [gc.constant(RNG.standard_normal((4, 4)) / 2) for _ in range(depth)]
    h = gc.reshape(x, [1, 4])
    for w in W:
        h = gc.tanh(gc.matmul(h, w))
    y = gc.reduce_sum(gc.square(h))
    g = gc.get_default_graph()
    s0 = len(g.nodes)
    gc.gradients(y, [x])
    grad_nodes = len(g.nodes) - s0
    s1 = len(g.nodes)
    gc.hessian_vector_product(y, [x], [np.ones(4)])
    hvp_nodes = len(g.nodes) - s1
    # the gradient graph again, plus its jvp: a constant factor, whatever the depth
    assert hvp_nodes <= 5 * grad_nodes, (hvp_nodes, grad_nodes)


# ---- Jacobians ----------------------------------------------------------------------------
MODES = ["forward", "reverse", "auto"]


def _tanh_Ax(n, m, seed=0):
    A = np.random.default_rng(seed).standard_normal((m, n)) / np.sqrt(n)
    return A, (lambda x: matvec(A, x)), (lambda x0: np.tanh(A @ x0))


@pytest.mark.parametrize("n, m", [(8, 2000), (2000, 8)])
@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_tanh_Ax_matches_finite_differences(n, m, mode):
    A, _, f_np = _tanh_Ax(n, m)
    x = gc.placeholder(gc.float64, (n,))
    y = gc.tanh(matvec(A, x))
    J = gc.jacobian(y, x, mode=mode)
    assert J.shape.as_list() == [m, n]
    x0 = RNG.standard_normal(n)
    got = run(J, {x: x0})
    np.testing.assert_allclose(got, numeric_jacobian(f_np, x0), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got, (1 - np.tanh(A @ x0) ** 2)[:, None] * A, atol=1e-13)


@pytest.mark.parametrize("n, m, picked", [(8, 2000, "jvp"), (2000, 8, "gradient")])
def test_auto_picks_the_mode_with_the_smaller_basis(n, m, picked):
    A, _, _ = _tanh_Ax(n, m)
    x = gc.placeholder(gc.float64, (n,))
    y = gc.tanh(matvec(A, x))
    g = gc.get_default_graph()
    start = len(g.nodes)
    gc.jacobian(y, x)
    roles = {nd.role for nd in g.nodes[start:]} - {"forward"}
    assert roles == {picked}


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_the_batch_goes_through_rules_not_n_copies(mode):
    # elementwise ops, matmul and reshapes batch with their own rules: no unstack/stack,
    # and the same number of nodes for n = 8 and n = 64
    counts = []
    for n in (8, 64):
        gc.reset_default_graph()
        A = RNG.standard_normal((3, n))
        x = gc.placeholder(gc.float64, (n,))
        y = gc.tanh(matvec(A, x)) * 2.0 + gc.sin(x)[0]
        g = gc.get_default_graph()
        start = len(g.nodes)
        gc.jacobian(y, x, mode=mode)
        types = new_types(g, start)
        assert "Unpack" not in types and "Pack" not in types, types
        counts.append(len(g.nodes) - start)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_with_broadcasting_and_reductions(mode):
    B = RNG.standard_normal((4, 3))
    c = RNG.standard_normal((3,))

    def f(x):        # x (4,) -> (3,) then (5, 3) ... -> (2, 3)
        h = gc.tanh(gc.expand_dims(x, 1) * gc.constant(B) + gc.constant(c))   # (4, 3)
        s = gc.reduce_sum(h, axis=0)                                           # (3,)
        m = gc.reduce_mean(h * h, axis=0, keepdims=True)                       # (1, 3)
        return gc.concat([gc.expand_dims(s, 0), gc.nn.softmax(m)], 0)          # (2, 3)

    def f_np(x0):
        h = np.tanh(x0[:, None] * B + c)
        m = (h * h).mean(axis=0, keepdims=True)
        e = np.exp(m - m.max())
        return np.concatenate([h.sum(axis=0)[None], e / e.sum()], 0)

    x = gc.placeholder(gc.float64, (4,))
    J = gc.jacobian(f(x), x, mode=mode)
    assert J.shape.as_list() == [2, 3, 4]
    x0 = RNG.standard_normal(4)
    np.testing.assert_allclose(run(J, {x: x0}), numeric_jacobian(f_np, x0),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_matrices_has_shape_y_shape_plus_x_shape(mode):
    W = gc.placeholder(gc.float64, (3, 2))
    X = RNG.standard_normal((4, 3))
    Y = gc.sigmoid(gc.matmul(gc.constant(X), W))       # (4, 2)
    J = gc.jacobian(Y, W, mode=mode)
    assert J.shape.as_list() == [4, 2, 3, 2]
    W0 = RNG.standard_normal((3, 2))
    want = numeric_jacobian(lambda w: 1 / (1 + np.exp(-X @ w)), W0)
    np.testing.assert_allclose(run(J, {W: W0}), want, rtol=1e-6, atol=1e-8)


def test_forward_jacobian_of_an_output_with_an_unknown_dim():
    x = gc.placeholder(gc.float64, (3,))
    c = gc.placeholder(gc.float64, (None, 3))
    J = gc.jacobian(gc.tanh(x * c), x)                 # auto: y's size is unknown
    c0, x0 = RNG.standard_normal((5, 3)), RNG.standard_normal(3)
    got = run(J, {x: x0, c: c0})
    want = numeric_jacobian(lambda v: np.tanh(v * c0), x0)
    assert got.shape == (5, 3, 3)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", MODES)
def test_jacobian_of_an_unconnected_y_is_zero(mode):
    x = gc.placeholder(gc.float64, (3,))
    z = gc.placeholder(gc.float64, (2,))
    J = gc.jacobian(gc.exp(z), x, mode=mode)
    np.testing.assert_array_equal(run(J, {x: np.ones(3), z: np.ones(2)}), np.zeros((2, 3)))


def test_jacobian_of_x_itself_is_the_identity():
    x = gc.placeholder(gc.float64, (2, 2))
    for mode in ("forward", "reverse"):
        np.testing.assert_array_equal(run(gc.jacobian(x, x, mode=mode), {x: np.ones((2, 2))}),
                                      np.eye(4).reshape(2, 2, 2, 2))


def test_jacobian_errors():
    x = gc.placeholder(gc.float64, (None,))
    with pytest.raises(ValueError, match="mode must be"):
        gc.jacobian(x * 2.0, x, mode="sideways")
    with pytest.raises(TypeError, match="expected tensors"):
        gc.jacobian(np.ones(2), x)


# ---- vmap ---------------------------------------------------------------------------------
def _cumsum_op():
    """An op with no batching rule and not elementwise: vmap falls back to slices."""
    def jvp(node, ts):
        return apply1(op, (ts[0],))
    op = OpDef("CumsumForTest", lambda ctx, x: (x.shape, x.dtype),
               lambda x: np.cumsum(x, axis=-1), vjp=lambda node, gs: [gs[0]], jvp=jvp)
    return op


def test_vmap_falls_back_to_slices_for_ops_without_a_rule():
    op = _cumsum_op()
    x = gc.placeholder(gc.float64, (4,))
    y = gc.sin(apply1(op, (x,)))
    J = gc.jacobian(y, x, mode="forward")
    x0 = RNG.standard_normal(4)
    want = numeric_jacobian(lambda v: np.sin(np.cumsum(v)), x0)
    np.testing.assert_allclose(run(J, {x: x0}), want, rtol=1e-6, atol=1e-8)


def test_vmap_repeats_outputs_that_do_not_depend_on_the_seeds():
    x = gc.placeholder(gc.float64, (3,))
    s = gc.zeros_like(x)
    out, rep = vmap([s * 2.0 + x, x], {s: gc.constant(np.eye(3))})
    a, b = run([out, rep], {x: np.arange(3.)})
    np.testing.assert_allclose(a, 2 * np.eye(3) + np.arange(3.))
    np.testing.assert_allclose(b, np.tile(np.arange(3.), (3, 1)))


def test_jacobian_of_an_integer_output_is_zero():
    x = gc.placeholder(gc.float64, (3,))
    y = gc.cast(x, gc.int32)
    for mode in ("forward", "reverse"):
        J = gc.jacobian(y, x, mode=mode)
        assert J.shape.as_list() == [3, 3]
        np.testing.assert_array_equal(run(J, {x: np.ones(3)}), np.zeros((3, 3)))


def test_forward_jacobian_of_a_scalar_x_and_a_y_of_unknown_length():
    """The target shape joins shape(y) with x's () as int32 (an empty list defaulted to
    float32 and broke the concat)."""
    x = gc.placeholder(gc.float64, ())
    n = gc.placeholder(gc.int32, ())
    y = gc.fill(gc.reshape(n, [1]), gc.constant(1.0, gc.float64)) * x * x
    j = gc.jacobian(y, x, mode="forward")
    assert j.shape.as_list() == [None]
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(j, {x: 2.0, n: 3}), [4.0, 4.0, 4.0])
