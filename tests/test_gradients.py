"""Reverse mode: gradients() as a generated subgraph (issue 3)."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp


def _run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


def test_simple_gradient_values():
    x = gc.placeholder(gc.float64, (3,), name="x")
    y = gc.sin(x) * x
    dx, = gc.gradients(y, [x])
    xv = np.array([0.1, 0.5, -2.0])
    np.testing.assert_allclose(_run(dx, {x: xv}), np.cos(xv) * xv + np.sin(xv))


def test_fan_out_is_summed_and_ys_list_summed():
    x = gc.placeholder(gc.float64, (), name="x")
    y = x * x + x          # x used three times
    z = 3.0 * x
    g1, = gc.gradients(y, x)
    g2, = gc.gradients([y, z], [x])
    assert _run([g1, g2], {x: 2.0}) == [5.0, 8.0]


def test_broadcasting_is_undone():
    a = gc.placeholder(gc.float64, (2, 3), name="a")
    b = gc.placeholder(gc.float64, (3,), name="b")
    c = gc.placeholder(gc.float64, (2, 1), name="c")
    y = a * b + c
    da, db, dc = gc.gradients(y, [a, b, c])
    assert db.shape == [3] and dc.shape == [2, 1]
    av = np.arange(6.0).reshape(2, 3)
    out = _run([da, db, dc], {a: av, b: np.ones(3), c: np.ones((2, 1))})
    np.testing.assert_allclose(out[1], av.sum(0))
    np.testing.assert_allclose(out[2], [[3.0], [3.0]])


def test_unknown_dims_unbroadcast_at_run_time():
    check_vjp(lambda a, b: a * b, [np.random.randn(4, 3), np.random.randn(1, 3)],
              dynamic=True)


def test_unconnected_and_integer_paths():
    x = gc.placeholder(gc.float64, (2,), name="x")
    u = gc.placeholder(gc.float64, (2,), name="u")
    i = gc.placeholder(gc.int32, (2,), name="i")
    y = x * 2.0 + gc.cast(i, gc.float64)
    gx, gu, gi = gc.gradients(y, [x, u, i])
    assert gu is None and gi is None
    gu0, = gc.gradients(y, [u], unconnected_gradients="zero")
    np.testing.assert_allclose(_run(gu0, {x: [1, 2], i: [1, 2], u: [0, 0]}), [0, 0])
    # rounding carries no gradient (declared non-differentiable)
    r, = gc.gradients(gc.round(x) * x, [x])
    np.testing.assert_allclose(_run(r, {x: [1.2, 2.7]}), [1.0, 3.0])


def test_stop_gradient_and_stop_gradients_argument():
    x = gc.placeholder(gc.float64, (), name="x")
    y = gc.stop_gradient(x * x) + x
    g, = gc.gradients(y, [x])
    assert _run(g, {x: 3.0}) == 1.0
    h = x * x
    z = h * x
    g2, = gc.gradients(z, [x], stop_gradients=[h])
    assert _run(g2, {x: 3.0}) == 9.0   # h treated as a constant


def test_grad_ys_weights_the_sum():
    x = gc.placeholder(gc.float64, (2,), name="x")
    g, = gc.gradients(x * x, [x], grad_ys=[np.array([1.0, 10.0])])
    np.testing.assert_allclose(_run(g, {x: [1.0, 2.0]}), [2.0, 40.0])


def test_gradient_nodes_are_scoped_flagged_and_sited():
    x = gc.placeholder(gc.float64, (2,), name="x")
    y = gc.exp(x)
    g, = gc.gradients(y, [x])
    grad_nodes = [n for n in gc.get_default_graph().nodes if n.role == "gradient"]
    assert grad_nodes and all(n.name.startswith("gradients/") for n in grad_nodes)
    assert any(n.origin is y.op for n in grad_nodes)
    assert all(n.site[0].endswith("test_gradients.py") for n in grad_nodes)
    g2, = gc.gradients(y, [x])
    assert g2.op.name.startswith("gradients_1/")


def test_second_derivatives_match_finite_differences():
    fns = {
        "sin*x": (lambda x: gc.sin(x) * x, lambda x: 2 * np.cos(x) - x * np.sin(x)),
        "exp(tanh)": (lambda x: gc.exp(gc.tanh(x)),
                      lambda x: None),
        "x^3/(1+x^2)": (lambda x: x * x * x / (1.0 + x * x), lambda x: None),
        "sigmoid(x)*log1p(x^2)": (lambda x: gc.sigmoid(x) * gc.log1p(x * x), lambda x: None),
    }
    xv = np.array([-1.3, 0.2, 0.7, 2.1])
    for name, (f, exact) in fns.items():
        gc.reset_default_graph()
        x = gc.placeholder(gc.float64, (4,), name="x")
        y = f(x)
        g, = gc.gradients(y, [x])
        h, = gc.gradients(g, [x])       # elementwise f: diagonal Hessian
        eps = 1e-5
        gp = _run(g, {x: xv + eps})
        gm = _run(g, {x: xv - eps})
        np.testing.assert_allclose(_run(h, {x: xv}), (gp - gm) / (2 * eps), rtol=1e-6,
                                   atol=1e-8, err_msg=name)
        if exact(xv) is not None:
            np.testing.assert_allclose(_run(h, {x: xv}), exact(xv), rtol=1e-10)


def test_hessian_of_quadratic_form_is_A_plus_AT():
    rng = np.random.default_rng(0)
    n = 4
    A = rng.standard_normal((n, n))
    x = gc.placeholder(gc.float64, (n, 1), name="x")
    Ac = gc.constant(A)
    y = gc.matmul(x, gc.matmul(Ac, x), transpose_a=True)     # x^T A x, shape (1, 1)
    g, = gc.gradients(y, [x])
    cols = [gc.gradients(g, [x], grad_ys=[np.eye(n)[:, [j]]])[0] for j in range(n)]
    H = np.hstack(_run(cols, {x: rng.standard_normal((n, 1))}))
    np.testing.assert_allclose(H, A + A.T, rtol=1e-12, atol=1e-12)


def _added_nodes(build, n):
    gc.reset_default_graph()
    x = gc.placeholder(gc.float64, (), name="x")
    y = build(x, n)
    before = len(gc.get_default_graph().nodes)
    gc.gradients(y, [x])
    return len(gc.get_default_graph().nodes) - before


def _chain(x, n):
    for _ in range(n):
        x = gc.tanh(x)
    return x


def _ladder(x, n):
    for _ in range(n):           # every node feeds two later nodes (a diamond per step)
        x = gc.sin(x) * gc.cos(x)
    return x


@pytest.mark.parametrize("build", [_chain, _ladder])
def test_gradient_graph_size_is_linear(build):
    ratios = []
    for n in (10, 100, 1000, 10000):
        added = _added_nodes(build, n)
        ratios.append(added / n)
    assert max(ratios) <= 10, ratios
    assert ratios[-1] <= ratios[0] * 1.5 + 1, ratios     # no growth with n


def test_ladder_gradient_value():
    x = gc.placeholder(gc.float64, (), name="x")
    y = _ladder(x, 30)
    g, = gc.gradients(y, [x])

    def f(v):
        for _ in range(30):
            v = np.sin(v) * np.cos(v)
        return v
    eps = 1e-6
    np.testing.assert_allclose(_run(g, {x: 0.9}), (f(0.9 + eps) - f(0.9 - eps)) / (2 * eps),
                               rtol=1e-6)


def test_custom_gradient():
    @gc.custom_gradient
    def clip_grad(x):
        return gc.identity(x), lambda dy: gc.clip_by_value(dy, -1.0, 1.0)
    x = gc.placeholder(gc.float64, (3,), name="x")
    y = clip_grad(x) * 5.0
    g, = gc.gradients(y, [x])
    np.testing.assert_allclose(_run(g, {x: [1.0, 2.0, 3.0]}), [1.0, 1.0, 1.0])


def test_register_gradient_and_override_map():
    @gc.RegisterGradient("DoubleSquareGrad")
    def _grad(op, grad):
        return [grad * 4.0 * op.inputs[0]]
    x = gc.placeholder(gc.float64, (), name="x")
    g = gc.get_default_graph()
    with g.gradient_override_map({"Square": "DoubleSquareGrad"}):
        y = gc.square(x)
    z = gc.square(x)
    gy, = gc.gradients(y, [x])
    gz, = gc.gradients(z, [x])
    assert _run([gy, gz], {x: 3.0}) == [12.0, 6.0]
    with g.gradient_override_map({"Exp": "NoSuchGrad"}):
        e = gc.exp(x)
    with pytest.raises(gc.errors.GradientError, match="NoSuchGrad"):
        gc.gradients(e, [x])


def test_gradient_of_gradient_graph_is_ordinary():
    x = gc.placeholder(gc.float64, (2,), name="x")
    y = gc.tanh(x) * gc.exp(x)
    g, = gc.gradients(y, [x])
    assert isinstance(g, gc.Tensor) and g.shape == [2]
    h, = gc.gradients(g, [x])
    k, = gc.gradients(h, [x])
    assert _run(k, {x: [0.1, 0.2]}).shape == (2,)


def test_custom_gradient_of_the_wrong_shape_fails_at_build():
    @gc.custom_gradient
    def bad(x):
        return gc.identity(x), lambda dy: gc.reshape(dy, [-1, 3])
    x = gc.placeholder(gc.float64, (None,), name="x")
    with pytest.raises(gc.errors.GradientError, match="CustomGradient"):
        gc.gradients(bad(x), [x])


def test_failing_gradient_node_names_the_forward_op():
    @gc.custom_gradient
    def bad(x):                   # a shape only known to be wrong at run time
        return gc.identity(x), lambda dy: gc.reshape(dy, gc.shape(dy) + 1)
    x = gc.placeholder(gc.float64, (None,), name="x")
    y = bad(x)
    g, = gc.gradients(y, [x])
    with gc.Session() as s, pytest.raises(gc.errors.ExecutionError) as e:
        s.run(g, {x: np.ones(4)})
    msg = str(e.value)
    assert "gradient of CustomGradient" in msg and "test_gradients.py" in msg


def test_no_unbroadcast_where_the_shape_cannot_have_been_stretched():
    x = gc.placeholder(gc.float64, (None, 4), name="x")
    b = gc.placeholder(gc.float64, (4,), name="b")
    y = gc.tanh(gc.nn.relu(x) + b)
    gx, gb = gc.gradients(y, [x, b])
    sum_tos = [n for n in gc.get_default_graph().nodes if n.type == "SumTo"]
    assert len(sum_tos) == 1 and gb.op in sum_tos     # only b was broadcast
    out = _run([gx, gb], {x: np.ones((3, 4)), b: np.zeros(4)})
    assert out[0].shape == (3, 4) and out[1].shape == (4,)


def test_check_vjp_takes_functions_with_integer_outputs_too():
    # top_k gives (values, int32 indices): the harness weighs the float output only
    check_vjp(lambda x: gc.nn.top_k(x, k=2), [np.array([[0.3, -1.2, 2.5, 0.9]])])
    with pytest.raises(AssertionError, match="vjp check failed"):
        @gc.custom_gradient
        def wrong(x):
            return gc.nn.top_k(x, k=1).values, lambda g: gc.ones_like(x)
        check_vjp(lambda x: (wrong(x), gc.nn.top_k(x, k=1).indices),
                  [np.array([[0.3, -1.2, 2.5, 0.9]])])


def test_max_and_min_select_their_cotangent_so_an_inf_one_gives_no_nan():
    x = gc.placeholder(gc.float64, (3,))
    (gmax,) = gc.gradients(gc.sqrt(gc.maximum(x, 0.0)), x)
    (gmin,) = gc.gradients(gc.sqrt(-gc.minimum(x, 0.0)), x)
    tx = gc.placeholder(gc.float64, (3,))
    (jmax,) = gc.jvp([gc.maximum(x, 2.0)], [x], [tx])
    v = np.array([-1.0, 0.25, 4.0])
    with gc.Session() as s:
        got_max, got_min, tangent = s.run([gmax, gmin, jmax], {x: v, tx: [1.0, 2.0, 3.0]})
    np.testing.assert_allclose(got_max, [0.0, 1.0, 0.25])      # TF1's values
    np.testing.assert_allclose(got_min, [-0.5, 0.0, 0.0])
    np.testing.assert_allclose(tangent, [0.0, 0.0, 3.0])


def test_clip_by_value_keeps_a_sparse_gradient_sparse():
    emb = gc.Variable(np.ones((4, 2), np.float32))
    loss = gc.reduce_sum(3.0 * gc.nn.embedding_lookup(emb, [2, 2, 0]))
    (g, _), = gc.train.GradientDescentOptimizer(0.1).compute_gradients(loss, [emb])
    clipped = gc.clip_by_value(g, -1.0, 1.0)
    assert isinstance(clipped, gc.IndexedSlices)       # TF1: each row clipped, not the sum
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        v = sess.run(clipped)
    assert v.indices.tolist() == [2, 2, 0] and np.all(v.values == 1.0)


@pytest.mark.parametrize("f, second, third", [
    (gc.nn.relu, 0, "zeros"), (gc.nn.relu6, 0, "zeros"), (gc.nn.leaky_relu, 0, None),
    (lambda x: gc.nn.crelu(x[None])[0], 0, "zeros"),
    (lambda x: gc.nn.relu(x) * x, [0, 0, 2, 2, 2], "zeros")])
def test_second_derivatives_of_relu_like_ops_are_zeros_as_in_tf1(f, second, third):
    # TF1's ReluGrad, Relu6Grad and LeakyReluGrad give their features zeros, not None:
    # a gradient penalty through relu layers gets zeros, and Hessians have no holes
    x = gc.placeholder(gc.float32, [None])
    (g,) = gc.gradients(f(x), x)
    (h,) = gc.gradients(g, x)
    (h3,) = gc.gradients(h, x)
    assert h is not None and (h3 is None) == (third is None)    # as TF 2.21's tf.gradients
    xv = np.array([-2.0, -0.5, 0.3, 1.5, 7.0], np.float32)
    with gc.Session() as s:
        got = s.run([h] + ([h3] if h3 is not None else []), {x: xv})
    np.testing.assert_array_equal(got[0], np.broadcast_to(np.float32(second), (5,)))
    if h3 is not None:
        np.testing.assert_array_equal(got[1], np.zeros(5, np.float32))


def test_elu_second_derivative_at_zero_is_tf1s():
    x = gc.placeholder(gc.float32, [None])
    (g,) = gc.gradients(gc.nn.elu(x), x)
    (h,) = gc.gradients(g, x)
    with gc.Session() as s:
        got_g, got_h = s.run([g, h], {x: [-1.0, 0.0, 1.0]})
    np.testing.assert_allclose(got_g, [np.exp(-1), 1, 1], rtol=1e-6)
    np.testing.assert_allclose(got_h, [np.exp(-1), 0, 0], rtol=1e-6)    # TF's EluGradGrad
