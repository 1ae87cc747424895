"""while_loop: values, structures, shape invariants, errors, effects, derivatives (reverse
through a recomputed trajectory, forward through a loop over tangents), nesting, depth."""
import collections

import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.testing import check_vjp


@pytest.fixture(autouse=True)
def fresh_graph():
    gc.reset_default_graph()


def run(fetches, feeds=None, **kw):
    with gc.Session(**kw) as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feeds)


def test_counts_and_stops():
    n = gc.placeholder(gc.int32, ())
    x = gc.placeholder(gc.float64, (2,))
    i, y = gc.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 2.0), [0, x])
    assert y.op.type == "StatelessLoop" and y.shape == (2,)
    for k in (0, 1, 5):
        iv, yv = run([i, y], {n: k, x: [1.0, -3.0]})
        assert iv == k
        np.testing.assert_allclose(yv, np.array([1.0, -3.0]) * 2.0 ** k)


def test_maximum_iterations_bounds_the_loop():
    x = gc.constant(1.0)
    y = gc.while_loop(lambda y: y > 0.0, lambda y: y + 1.0, [x], maximum_iterations=7)
    assert isinstance(y, gc.Tensor)                     # one loop var: the tensor itself
    assert run(y) == 8.0
    kept = gc.while_loop(lambda y: y > 0.0, lambda y: y + 1.0, [x], maximum_iterations=3,
                         return_same_structure=True)
    assert isinstance(kept, list) and run(kept[0]) == 4.0


def test_structures_of_loop_variables():
    State = collections.namedtuple("State", "step total")
    out = gc.while_loop(lambda s, d: s.step < 4,
                        lambda s, d: (State(s.step + 1, s.total + d["inc"]),
                                      {"inc": d["inc"] * 2.0}),
                        (State(gc.constant(0), gc.constant(0.0)), {"inc": gc.constant(1.0)}))
    assert isinstance(out, tuple) and isinstance(out[0], State)
    got = run(out)
    assert got[0].step == 4 and got[0].total == 15.0 and got[1]["inc"] == 16.0


def test_shape_invariants_let_a_shape_grow():
    x = gc.constant([1.0])
    with pytest.raises(errors.ShapeError, match="shape_invariants"):
        gc.while_loop(lambda v: gc.size(v) < 8, lambda v: gc.concat([v, v], 0), [x])
    v = gc.while_loop(lambda v: gc.size(v) < 8, lambda v: gc.concat([v, v * 2.0], 0), [x],
                      shape_invariants=[gc.TensorShape([None])])
    assert v.shape == (None,)
    np.testing.assert_allclose(run(v), [1, 2, 2, 4, 2, 4, 4, 8])


def test_errors_name_the_loop_variable():
    x = gc.placeholder(gc.float32, (3,), name="x")
    with pytest.raises(errors.DTypeError, match="loop variable 0 is float32 but body returns int32"):
        gc.while_loop(lambda v: True, lambda v: gc.cast(v, gc.int32), [x])
    with pytest.raises(ValueError, match="structure of loop_vars"):
        gc.while_loop(lambda a, b: True, lambda a, b: [a, [b]], [x, x])
    with pytest.raises(errors.DTypeError, match="cond must return a bool scalar"):
        gc.while_loop(lambda v: gc.reduce_sum(v), lambda v: v, [x])
    with pytest.raises(TypeError, match="callables"):
        gc.while_loop(True, lambda v: v, [x])
    with pytest.raises(errors.ShapeError, match="does not fit its shape invariant"):
        gc.while_loop(lambda v: True, lambda v: v, [x], shape_invariants=[gc.TensorShape([4])])


def test_effects_run_once_per_iteration():
    count = gc.Variable(0)
    i = gc.while_loop(lambda i: i < 5, lambda i: i + count.assign_add(1) * 0 + 1, [0])
    assert i.op.type == "Loop"
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(i) == 5
        assert s.run(count) == 5


def test_draws_in_the_body_are_new_each_iteration_and_reused_by_the_gradient():
    x = gc.placeholder(gc.float64, ())
    y = gc.while_loop(
        lambda k, y: k < 3,
        lambda k, y: (k + 1, y + gc.one_hot(k, 3, dtype=gc.float64) *
                      gc.random_uniform((), dtype=gc.float64) * x),
        [0, gc.zeros((3,), gc.float64)])[1]
    assert y.op.type == "Loop"
    g, = gc.gradients(gc.reduce_sum(y), [x])
    with gc.Session() as s:
        v, gv = s.run([y, g], {x: 2.0})
    assert len(set(v.tolist())) == 3
    assert gv == pytest.approx(v.sum() / 2.0)       # the draws of this very run


def test_gradient_of_a_loop_variable_that_changes_shape():
    """The carries each call received differ in shape: the gradient's loop gets them one
    by one (a Ragged stack) and carries cotangents of changing shape back."""
    x = gc.placeholder(gc.float64, ())
    y = gc.while_loop(lambda k, y: k < 3,
                      lambda k, y: (k + 1, gc.concat([y * x, gc.reshape(x, [1])], 0)),
                      [0, gc.zeros((0,), gc.float64)],
                      shape_invariants=[gc.TensorShape([]), gc.TensorShape([None])])[1]
    g, = gc.gradients(gc.reduce_sum(y), [x])
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(y, {x: 2.0}), [8.0, 4.0, 2.0])     # x^3, x^2, x
        assert s.run(g, {x: 2.0}) == pytest.approx(3 * 4.0 + 2 * 2.0 + 1)
        eps = 1e-6
        total = gc.reduce_sum(y)
        fd = (s.run(total, {x: 2.0 + eps}) - s.run(total, {x: 2.0 - eps})) / (2 * eps)
        assert s.run(g, {x: 2.0}) == pytest.approx(fd, rel=1e-6)


def test_map_fn_results_that_change_shape_are_refused_clearly():
    n = gc.placeholder(gc.int32, (3,))
    y = gc.map_fn(lambda k: gc.range(k), n)
    with gc.Session() as s, pytest.raises(errors.ExecutionError, match=r"change shape between "
                                           r"calls \(\(1,\), \(2,\)\).*one shape in every call"):
        s.run(y, {n: [1, 2, 1]})


def test_gradient_stacks_only_the_carries_its_vjp_reads():
    """y -> y*0.5 + x reads no y in its vjp: the backward loop gets each call's k (for
    its number of calls) and no copy of y. y -> y*w + x reads y (the cotangent of w is
    g*y): y is stacked, and k no longer needs to be."""
    x = gc.placeholder(gc.float64, (50, 40))
    w = gc.placeholder(gc.float64, ())
    xv = np.random.default_rng(0).standard_normal((50, 40))

    def grads(scale):
        y = gc.while_loop(lambda k, y: k < 5, lambda k, y: (k + 1, y * scale + x),
                          [0, gc.zeros((50, 40), gc.float64)])[1]
        gs = gc.gradients(gc.reduce_sum(y), [x, w] if scale is w else [x])
        traj = [n for n in x.graph.nodes if n.name.endswith("trajectory")]
        with gc.Session() as s:
            return [t.dtype for t in traj[-1].outputs[2:]], s.run(gs, {x: xv, w: 0.5})

    stacked, (gx,) = grads(0.5)
    assert stacked == [gc.int32]
    np.testing.assert_allclose(gx, np.full((50, 40), sum(0.5 ** k for k in range(5))))
    stacked, (gx2, gw) = grads(w)
    assert stacked == [gc.float64]
    np.testing.assert_allclose(gx2, gx)
    ys = [np.zeros((50, 40))]
    for _ in range(5):
        ys.append(ys[-1] * 0.5 + xv)
    np.testing.assert_allclose(gw, sum(0.5 ** (4 - k) * ys[k].sum() for k in range(5)))


@pytest.mark.parametrize("steps", [0, 1, 4])
def test_gradient_and_jvp_match_finite_differences(steps):
    rng = np.random.default_rng(steps)
    xv, wv = rng.standard_normal((2, 3)), rng.standard_normal((3, 3)) * 0.5

    def f(x, w):
        return gc.while_loop(lambda k, h: k < steps,
                             lambda k, h: (k + 1, gc.tanh(gc.matmul(h, w)) + h), [0, x])[1]
    check_vjp(f, [xv, wv])


def test_an_rnn_trains_with_gradients_through_the_loop():
    rng = np.random.default_rng(0)
    xs = gc.constant(rng.standard_normal((6, 4, 3)))            # time, batch, features
    W = gc.Variable(rng.standard_normal((3, 5)) * 0.3)
    U = gc.Variable(rng.standard_normal((5, 5)) * 0.3)
    h0 = gc.zeros((4, 5), gc.float64)

    def body(t, h):
        return t + 1, gc.tanh(gc.matmul(gc.gather(xs, t), W) + gc.matmul(h, U))
    _, h = gc.while_loop(lambda t, h: t < 6, body, [0, h0])
    loss = gc.reduce_mean(gc.square(h - 0.5))
    gW, gU = gc.gradients(loss, [W, U])
    step = gc.train.GradientDescentOptimizer(0.5).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        Wv, Uv = s.run([W, U])
        got = s.run([gW, gU])
        losses = [s.run([step, loss])[1] for _ in range(30)]
    # the same gradient by hand: backprop through time in numpy
    X = np.random.default_rng(0).standard_normal((6, 4, 3))
    hs = [np.zeros((4, 5))]
    for t in range(6):
        hs.append(np.tanh(X[t] @ Wv + hs[-1] @ Uv))
    g = 2 * (hs[-1] - 0.5) / hs[-1].size
    dW, dU = np.zeros_like(Wv), np.zeros_like(Uv)
    for t in reversed(range(6)):
        g = g * (1 - hs[t + 1] ** 2)
        dW += X[t].T @ g
        dU += hs[t].T @ g
        g = g @ Uv.T
    np.testing.assert_allclose(got[0], dW, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got[1], dU, rtol=1e-10, atol=1e-12)
    assert losses[-1] < 0.5 * losses[0]


def test_gradient_refuses_effects():
    v = gc.Variable(1.0, dtype=gc.float64)
    x = gc.placeholder(gc.float64, ())
    y = gc.while_loop(lambda k, y: k < 2, lambda k, y: (k + 1, y * v.assign_add(1.0)), [0, x])[1]
    with pytest.raises(errors.GradientError, match="would run a second time"):
        gc.gradients(y, [x])


def test_second_derivatives_through_a_loop_in_every_order():
    x = gc.placeholder(gc.float64, ())
    n = gc.placeholder(gc.int32, ())
    z = gc.while_loop(lambda k, y: k < n, lambda k, y: (k + 1, y * y), [0, x])[1]  # x^(2^n)
    g, = gc.gradients(z, [x])
    t, = gc.jvp([z], [x], [gc.constant(1.0, gc.float64)])
    rr, = gc.gradients(g, [x])                          # reverse over reverse
    rf, = gc.gradients(t, [x])                          # reverse over forward
    fr, = gc.jvp([g], [x], [gc.constant(1.0, gc.float64)])     # forward over reverse
    h = gc.hessians(z, x)[0]
    with gc.Session() as s:
        for k in (0, 1, 2, 3):
            p = 2 ** k
            want = p * (p - 1) * 1.5 ** (p - 2)
            got = s.run([rr, rf, fr, h], {x: 1.5, n: k})
            np.testing.assert_allclose(got, [want] * 4, rtol=1e-12)


def test_loops_and_conds_nest():
    x = gc.placeholder(gc.float64, (2,))
    p = gc.placeholder(gc.bool, ())

    def body(k, y):
        return k + 1, gc.cond(p, lambda: y * 2.0 + x, lambda: y - x)
    y = gc.cond(p, lambda: gc.while_loop(lambda k, y: k < 3, body, [0, x])[1], lambda: x)
    g, = gc.gradients(gc.reduce_sum(y), [x])
    xv = np.array([1.0, -2.0])
    yv, gv = run([y, g], {x: xv, p: True})
    np.testing.assert_allclose(yv, 15 * xv)                  # y <- 2y + x, three times
    np.testing.assert_allclose(gv, [15.0, 15.0])


def test_a_long_loop_runs_and_differentiates():
    x = gc.placeholder(gc.float64, ())
    y = gc.while_loop(lambda k, y: k < 20000, lambda k, y: (k + 1, y * 1.0001), [0, x])[1]
    g, = gc.gradients(y, [x])
    yv, gv = run([y, g], {x: 2.0})
    assert yv == pytest.approx(2.0 * 1.0001 ** 20000) and gv == pytest.approx(1.0001 ** 20000)


def test_one_tensor_in_a_structure_comes_back_in_its_structure():
    """TF1 returns loop_vars[0] packed when the loop has one tensor in all: the dict,
    namedtuple, tuple or TensorArray holding it, not the bare tensor."""
    H = collections.namedtuple("H", "h")
    x = gc.placeholder(gc.float32, [None])
    small = lambda v: gc.reduce_sum(v) < 10.0       # noqa: E731
    r1 = gc.while_loop(lambda s: small(s["h"]), lambda s: [{"h": s["h"] * 2}], [{"h": x}])
    r2 = gc.while_loop(lambda s: small(s.h), lambda s: [H(s.h * 2)], [H(x)])
    r3 = gc.while_loop(lambda s: small(s[0]), lambda s: [(s[0] * 2,)], [(x,)])
    ta = gc.while_loop(lambda ta: ta.size() < 0, lambda ta: [ta.write(0, x)],
                       [gc.TensorArray(gc.float32, size=3)])
    r5 = gc.while_loop(small, lambda s: [s * 2], [x])
    assert isinstance(r1, dict) and isinstance(r2, H) and isinstance(r3, tuple)
    assert isinstance(ta, gc.TensorArray) and isinstance(r5, gc.Tensor)
    got = run([r1["h"], r2.h, r3[0], r5], {x: [1.0, 2.0]})
    for v in got:
        np.testing.assert_array_equal(v, [4.0, 8.0])
