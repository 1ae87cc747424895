"""Variables made, collections read and gradients taken while a cond branch or a loop
body is being built (TF1's in-graph control flow allows all three)."""
import numpy as np
import pytest

import graphc as gc


def _run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


def test_a_variable_made_in_a_branch_lives_in_the_outer_graph():
    p = gc.placeholder(gc.bool, ())
    x = gc.placeholder(gc.float64, (2,))

    def true_fn():
        v = gc.Variable(lambda: gc.constant([2.0, 3.0], gc.float64), name="scale")
        return x * v
    y = gc.cond(p, true_fn, lambda: x)
    v, = gc.global_variables()
    assert v.op.name == "cond/scale" and v.graph is gc.get_default_graph()
    assert gc.trainable_variables() == [v]
    g, = gc.gradients(gc.reduce_sum(y), [v])
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        np.testing.assert_allclose(s.run(y, {p: True, x: [1.0, 1.0]}), [2.0, 3.0])
        np.testing.assert_allclose(s.run(y, {p: False, x: [1.0, 1.0]}), [1.0, 1.0])
        np.testing.assert_allclose(s.run(g, {p: True, x: [4.0, 5.0]}), [4.0, 5.0])
        s.run(v.assign([10.0, 10.0]))           # the branch reads the variable live
        np.testing.assert_allclose(s.run(y, {p: True, x: [1.0, 2.0]}), [10.0, 20.0])


def test_layers_in_both_branches_share_weights_and_lift_their_regularizers():
    p = gc.placeholder(gc.bool, ())
    x = gc.placeholder(gc.float32, (4, 3))

    def branch(scale, reuse):
        def fn():
            with gc.variable_scope("net", reuse=reuse):
                h = gc.layers.dense(x, 5, activation=gc.nn.relu, name="d1",
                                    kernel_regularizer=lambda w: gc.reduce_sum(w * w))
                return gc.layers.dense(h, 2, name="d2") * scale
        return fn
    y = gc.cond(p, branch(1.0, None), branch(0.5, True))
    names = sorted(v.op.name for v in gc.global_variables())
    assert names == ["net/d1/bias", "net/d1/kernel", "net/d2/bias", "net/d2/kernel"]
    reg, = gc.losses.get_regularization_losses()    # once, built beside the variable
    assert reg.graph is gc.get_default_graph()
    xv = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        w1, b1, w2, b2 = s.run([gc.global_variables()[k] for k in range(4)])
        want = np.maximum(xv @ w1 + b1, 0) @ w2 + b2
        np.testing.assert_allclose(s.run(y, {p: True, x: xv}), want, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(s.run(y, {p: False, x: xv}), want * 0.5, rtol=1e-5,
                                   atol=1e-6)
        assert s.run(reg) == pytest.approx(float((w1 * w1).sum()), rel=1e-5)


class _GetVariableCell(gc.nn.rnn_cell.RNNCell):
    """A TF1-style custom cell that makes its variables in __call__, inside the loop."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    state_size = property(lambda self: self.n)
    output_size = property(lambda self: self.n)

    def __call__(self, inputs, state, scope=None):
        with gc.variable_scope(scope or "mycell"):
            w = gc.get_variable("W", [inputs.get_shape().as_list()[-1] + self.n, self.n],
                                gc.float64)
            b = gc.get_variable("b", [self.n], gc.float64,
                                initializer=gc.constant_initializer(0.1))
            h = gc.tanh(gc.matmul(gc.concat([inputs, state], 1), w) + b)
        return h, h


def test_a_cell_that_makes_variables_in_the_loop_body():
    x = gc.placeholder(gc.float64, (2, 5, 3))
    outs, _ = gc.nn.dynamic_rnn(_GetVariableCell(4), x, dtype=gc.float64)
    w, b = gc.global_variables()
    assert [w.op.name, b.op.name] == ["rnn/mycell/W", "rnn/mycell/b"]
    loss = gc.reduce_sum(outs ** 2)
    gw, = gc.gradients(loss, [w])
    xv = np.random.default_rng(1).standard_normal((2, 5, 3))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        wv, bv = s.run([w, b])
        h, want = np.zeros((2, 4)), []
        for t in range(5):
            h = np.tanh(np.concatenate([xv[:, t], h], 1) @ wv + bv)
            want.append(h)
        np.testing.assert_allclose(s.run(outs, {x: xv}), np.stack(want, 1), rtol=1e-10)
        g = s.run(gw, {x: xv})
        eps, k = 1e-6, (1, 2)
        base = wv.copy()
        vals = []
        for d in (eps, -eps):
            bumped = base.copy()
            bumped[k] += d
            w.load(bumped, s)
            vals.append(s.run(loss, {x: xv}))
        assert g[k] == pytest.approx((vals[0] - vals[1]) / (2 * eps), rel=1e-6)


def test_initial_values_from_inside_a_branch_are_refused_as_in_tf1():
    p = gc.placeholder(gc.bool, ())
    x = gc.placeholder(gc.float32, ())
    with pytest.raises(ValueError, match=r"Initializer for variable cond/w/ .*use a lambda"):
        gc.cond(p, lambda: gc.Variable(x * 2.0, name="w"), lambda: x)
    with pytest.raises(ValueError, match="initializer is a tensor made inside a cond"):
        gc.cond(p, lambda: gc.get_variable("g", initializer=x * 2.0), lambda: x)


def test_collections_in_a_body_show_the_outer_ones():
    w = gc.Variable(1.0, name="w")
    gc.add_to_collection("mine", w)
    seen = {}

    def body(i, acc):
        seen["trainable"] = gc.trainable_variables()
        gc.add_to_collection("mine", acc)
        seen["mine"] = gc.get_collection("mine")
        v = gc.get_variable("inner", [], initializer=gc.ones_initializer())
        return i + 1, acc + w * v
    _, acc = gc.while_loop(lambda i, a: i < 3, body, [0, 0.0])
    assert seen["trainable"] == [w]
    assert seen["mine"][0] is w and len(seen["mine"]) == 2
    assert gc.get_collection("mine") == [w]         # the body's own item stays there
    assert [v.op.name for v in gc.trainable_variables()] == ["w", "inner"]
    assert _run(acc) == pytest.approx(3.0)


def test_per_example_gradients_in_map_fn():
    xs = gc.placeholder(gc.float64, (6, 3))
    w = gc.Variable(np.arange(6.0).reshape(3, 2) / 10)

    def per_example(xi):
        return gc.gradients(gc.reduce_sum(gc.tanh(gc.matmul(xi[None], w)) ** 2), w)[0]
    g = gc.map_fn(per_example, xs)
    xv = np.random.default_rng(2).standard_normal((6, 3))
    wv = np.arange(6.0).reshape(3, 2) / 10
    h = np.tanh(xv @ wv)
    want = np.einsum("ni,nj->nij", xv, 2 * h * (1 - h ** 2))
    np.testing.assert_allclose(_run(g, {xs: xv}), want, rtol=1e-10)


def test_gradient_descent_inside_a_while_loop():
    x = gc.placeholder(gc.float64, (5, 2))
    w0 = gc.Variable([[0.5], [-0.5]], dtype=gc.float64)

    def body(i, w):
        loss = gc.reduce_sum((gc.matmul(x, w) - 1.0) ** 2)
        return i + 1, w - 0.01 * gc.gradients(loss, w)[0]
    _, w = gc.while_loop(lambda i, w: i < 4, body, [0, gc.identity(w0)])
    xv = np.random.default_rng(3).standard_normal((5, 2))
    want = np.array([[0.5], [-0.5]])
    for _ in range(4):
        want = want - 0.01 * 2 * xv.T @ (xv @ want - 1.0)
    np.testing.assert_allclose(_run(w, {x: xv}), want, rtol=1e-10)


def test_a_gradient_in_a_branch_flows_through_the_outer_ops():
    """d/dx of sum(sin(x) * s) with s = sum(x) computed outside the cond: both paths."""
    x = gc.placeholder(gc.float64, (4,))
    s = gc.reduce_sum(x)
    p = gc.placeholder(gc.bool, ())
    g = gc.cond(p, lambda: gc.gradients(gc.reduce_sum(gc.sin(x) * s), x)[0],
                lambda: gc.zeros_like(x))
    xv = np.array([0.1, -0.4, 0.7, 1.2])
    want = np.cos(xv) * xv.sum() + np.sin(xv).sum()
    np.testing.assert_allclose(_run(g, {x: xv, p: True}), want, rtol=1e-12)


def test_a_gradient_in_a_cond_inside_a_loop_reaches_a_root_variable():
    w = gc.Variable(2.0, dtype=gc.float64)
    k = gc.placeholder(gc.float64, ())

    def body(i, acc):
        c = gc.cond(i < 2, lambda: gc.gradients(w * w * k, w)[0],
                    lambda: gc.gradients(w * k, w)[0])
        return i + 1, acc + c
    _, acc = gc.while_loop(lambda i, a: i < 3, body, [0, gc.constant(0.0, gc.float64)])
    assert _run(acc, {k: 3.0}) == pytest.approx(2 * (2 * 2.0 * 3.0) + 3.0)


def test_batch_norm_in_a_cond_updates_through_update_ops_as_tf1():
    """The branch's UPDATE_OPS surface as an output of the If in the outer collection:
    `control_dependencies(UPDATE_OPS)` runs the taken branch's updates; fetching only the
    result does not (TF1 runs a branch's ops only where something uses them)."""
    p = gc.placeholder(gc.bool, ())
    x = gc.placeholder(gc.float32, (4, 3))
    y = gc.cond(p, lambda: gc.layers.batch_normalization(x, training=True, name="bn"),
                lambda: gc.layers.batch_normalization(x, training=False, name="bn",
                                                      reuse=True))
    updates = gc.get_collection(gc.GraphKeys.UPDATE_OPS)
    assert len(updates) == 1 and updates[0].graph is gc.get_default_graph()
    with gc.control_dependencies(updates):
        train = gc.train.GradientDescentOptimizer(0.1).minimize(gc.reduce_sum(y * y))
    mean = next(v for v in gc.global_variables() if v.op.name == "bn/moving_mean")
    xv = np.full((4, 3), 5.0, np.float32)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(train, {p: True, x: xv})
        np.testing.assert_allclose(s.run(mean), [0.05] * 3, rtol=1e-6)
        s.run(train, {p: False, x: xv})         # the inference branch updates nothing
        s.run(y, {p: True, x: xv})              # nothing waits for the updates
        np.testing.assert_allclose(s.run(mean), [0.05] * 3, rtol=1e-6)
        s.run([y, updates[0]], {p: True, x: xv})
        np.testing.assert_allclose(s.run(mean), [0.05 * 0.99 + 0.05] * 3, rtol=1e-6)


def test_a_branch_effect_runs_only_when_its_output_is_used():
    v = gc.Variable(0.0)
    p = gc.placeholder(gc.bool, ())
    y, bumped = gc.cond(p, lambda: (gc.constant(1.0), v.assign_add(1.0)),
                        lambda: (gc.constant(2.0), gc.identity(v)))
    with gc.Session() as s:
        s.run(v.initializer)
        assert s.run(y, {p: True}) == 1.0 and s.run(v) == 0.0
        assert s.run(bumped, {p: True}) == 1.0 and s.run(v) == 1.0
        with gc.control_dependencies([bumped]):
            after = gc.identity(y)
        assert s.run(after, {p: True}) == 1.0 and s.run(v) == 2.0
