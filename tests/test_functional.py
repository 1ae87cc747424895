"""map_fn, scan, foldl, foldr (one Loop node each) and case: values vs numpy, structures,
empty inputs, errors, effects, and derivatives up to second order."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.testing import check_vjp


@pytest.fixture(autouse=True)
def fresh_graph():
    gc.reset_default_graph()


def run(fetches, feeds=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feeds)


X = np.random.default_rng(0).standard_normal((5, 3))


def test_map_fn_over_structures():
    x = gc.constant(X)
    y = gc.constant(X[:, 0] * 2.0)
    out = gc.map_fn(lambda e: {"dot": gc.reduce_sum(e[0] * e[1]), "row": e[0] - e[1]},
                    (x, y))
    assert out["dot"].shape == (5,) and out["row"].shape == (5, 3)
    got = run(out)
    np.testing.assert_allclose(got["dot"], (X * X[:, :1] * 2.0).sum(1))
    np.testing.assert_allclose(got["row"], X - X[:, :1] * 2.0)
    with pytest.raises(errors.DTypeError, match="dtype says"):
        gc.map_fn(lambda r: r, x, dtype=gc.float32)


def test_scan_foldl_foldr_match_numpy():
    x = gc.placeholder(gc.float64, (None, 3))
    a0 = gc.constant(np.ones(3))
    fetch = [gc.scan(lambda a, r: a * r, x, initializer=a0),
             gc.scan(lambda a, r: a + r, x),                       # first row starts
             gc.scan(lambda a, r: a + r, x, reverse=True),
             gc.foldl(lambda a, r: a * 2.0 + r, x),
             gc.foldr(lambda a, r: a * 2.0 + r, x)]
    got = run(fetch, {x: X})
    np.testing.assert_allclose(got[0], np.cumprod(X, 0))
    np.testing.assert_allclose(got[1], np.cumsum(X, 0))
    np.testing.assert_allclose(got[2], np.cumsum(X[::-1], 0)[::-1])
    fl, fr = X[0], X[-1]
    for r in X[1:]:
        fl = fl * 2.0 + r
    for r in X[-2::-1]:
        fr = fr * 2.0 + r
    np.testing.assert_allclose(got[3], fl)
    np.testing.assert_allclose(got[4], fr)


def test_scan_with_a_structured_accumulator():
    x = gc.constant(X)
    total, count = gc.scan(lambda acc, r: (acc[0] + gc.reduce_sum(r), acc[1] + 1),
                           x, initializer=(gc.constant(0.0, gc.float64), gc.constant(0)))
    t, c = run([total, count])
    np.testing.assert_allclose(t, np.cumsum(X.sum(1)))
    np.testing.assert_array_equal(c, np.arange(1, 6))


def test_no_elements():
    x = gc.placeholder(gc.float64, (None, 3))
    m = gc.map_fn(lambda r: r * 2.0, x)
    f = gc.foldl(lambda a, r: a + r, x, initializer=gc.constant(np.ones(3)))
    mv, fv = run([m, f], {x: np.zeros((0, 3))})
    assert mv.shape == (0, 3)
    np.testing.assert_allclose(fv, np.ones(3))


def test_errors():
    x = gc.constant(X)
    with pytest.raises(errors.ShapeError, match="scalar"):
        gc.map_fn(lambda r: r, gc.constant(1.0))
    with pytest.raises(errors.ShapeError, match="different lengths, 5 and 4"):
        gc.map_fn(lambda e: e[0] + e[1], (x, gc.constant(X[:4])))
    with pytest.raises(ValueError, match="accumulator's structure, dtypes and shapes"):
        gc.scan(lambda a, r: gc.reduce_sum(a), x)
    v = gc.placeholder(gc.float64, (None, 3))
    w = gc.placeholder(gc.float64, (None, 3))
    with pytest.raises(errors.GraphcError, match="different lengths"):
        run(gc.map_fn(lambda e: e[0] + e[1], (v, w)), {v: X, w: X[:2]})


def test_effects_run_per_element_and_draws_are_per_element():
    count = gc.Variable(0)
    x = gc.constant(X)
    y = gc.map_fn(lambda r: r + gc.cast(count.assign_add(1), gc.float64) * 0.0, x)
    noise = gc.map_fn(lambda r: r + gc.random_normal((3,), dtype=gc.float64), x)
    assert y.op.type == "Loop"
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(y)
        assert s.run(count) == 5
        d = s.run(noise) - X
        assert len({round(float(v), 12) for v in d.ravel()}) == 15     # a draw per element
    with pytest.raises(errors.GradientError, match="would run a second time"):
        gc.gradients(gc.reduce_sum(y), [x])


@pytest.mark.parametrize("kind", ["map_fn", "scan", "while_loop"])
def test_derivatives_reuse_the_draws_of_the_forward_pass(kind):
    # dropout in the function: the derivative runs it again, fed the forward's masks
    x = gc.placeholder(gc.float64, (6, 500))
    if kind == "map_fn":
        y = gc.map_fn(lambda r: gc.nn.dropout(r, rate=0.5), x)
    elif kind == "scan":
        y = gc.scan(lambda a, r: a + gc.nn.dropout(r, rate=0.5), x,
                    initializer=gc.zeros((500,), gc.float64))
    else:       # each iteration adds a fresh dropout of x
        y = gc.while_loop(lambda k, acc: k < 4,
                          lambda k, acc: (k + 1, acc + gc.nn.dropout(x, rate=0.5)),
                          [0, gc.zeros_like(x)])[1]
    assert y.op.type == "Loop" and y.op.attrs["n_draws"] > 0
    g, = gc.gradients(gc.reduce_sum(y), [x])
    t, = gc.jvp([y], [x], [gc.ones_like(x)])
    ones = np.ones((6, 500))
    with gc.Session() as s:
        yv, gv, tv = s.run([y, g, t], {x: ones})
    assert 0.3 < (yv == 0).mean() < 0.7 or kind != "map_fn"
    if kind == "scan":      # y[i] sums the kept rows 0..i; d sum(y) / d x[j] = (6 - j) m_j 2
        masks = np.diff(np.concatenate([np.zeros((1, 500)), yv]), axis=0)
        np.testing.assert_allclose(gv, masks * np.arange(6, 0, -1)[:, None])
    else:                   # y is linear in x, and x is ones: gradient = jvp = y
        np.testing.assert_allclose(gv, yv)
    np.testing.assert_allclose(tv, yv)


@pytest.mark.parametrize("reverse", [False, True])
def test_gradients_jvps_and_second_order(reverse):
    rng = np.random.default_rng(1)
    xv, wv = rng.standard_normal((4, 3)), rng.standard_normal(3)

    def f(x, w):
        return gc.scan(lambda a, r: gc.tanh(a * w) + r * r, x, reverse=reverse)
    check_vjp(f, [xv, wv])
    # second order: the Hessian of sum(scan) against finite differences of the gradient
    x = gc.placeholder(gc.float64, (4, 3))
    w = gc.constant(wv)
    s = gc.reduce_sum(f(x, w))
    g, = gc.gradients(s, [x])
    h = gc.hessians(s, x)[0]
    with gc.Session() as sess:
        hv = sess.run(h, {x: xv}).reshape(12, 12)
        eps = 1e-6
        fd = np.stack([(sess.run(g, {x: xv + eps * e.reshape(4, 3)}) -
                        sess.run(g, {x: xv - eps * e.reshape(4, 3)})).ravel() / (2 * eps)
                       for e in np.eye(12)])
    np.testing.assert_allclose(hv, fd, rtol=1e-5, atol=1e-7)


def test_map_fn_gradient_reaches_captured_weights_and_trains():
    rng = np.random.default_rng(2)
    W = gc.Variable(rng.standard_normal((3, 2)))
    x = gc.constant(X)
    y = gc.map_fn(lambda r: gc.reduce_sum(gc.tanh(gc.matmul(r[None], W))), x)
    loss = gc.reduce_sum(gc.square(y - 1.0))
    gW, = gc.gradients(loss, [W])
    step = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        Wv = s.run(W)
        got = s.run(gW)
        first = s.run(loss)
        for _ in range(20):
            s.run(step)
        assert s.run(loss) < first
    t = np.tanh(X @ Wv)
    want = X.T @ (2 * (t.sum(1, keepdims=True) - 1.0) * (1 - t * t))
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_case_runs_only_the_chosen_function():
    v = gc.Variable(0)
    x = gc.placeholder(gc.float64, ())

    def bump(k):
        return lambda: gc.cast(v.assign_add(k), gc.float64) * 0.0 + x * k
    y = gc.case([(x < 0.0, bump(1)), (x > 10.0, bump(10))], default=bump(100))
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(y, {x: -1.0}) == -1.0 and s.run(v) == 1
        assert s.run(y, {x: 20.0}) == 200.0 and s.run(v) == 11
        assert s.run(y, {x: 5.0}) == 500.0 and s.run(v) == 111
    z = gc.case({x < 0.0: lambda: -x}, default=lambda: [x])
    assert isinstance(z, gc.Tensor)


def test_case_exclusive_checks_that_one_predicate_holds():
    x = gc.placeholder(gc.float64, ())
    y = gc.case([(x < 1.0, lambda: x * 2.0), (x < 2.0, lambda: x * 3.0)],
                default=lambda: x, exclusive=True)
    with gc.Session() as s:
        assert s.run(y, {x: 1.5}) == 4.5
        assert s.run(y, {x: 5.0}) == 5.0
        with pytest.raises(errors.ExecutionError, match="more than 1 conditions"):
            s.run(y, {x: 0.5})


def test_nested_control_flow_differentiates_to_second_order():
    # a scan whose body holds a cond (on the carry) and a while_loop, capturing w from
    # outside; and a map_fn of a scan reading w two levels up
    from graphc.testing import check_jvp
    rng = np.random.default_rng(0)
    xv, wv = rng.standard_normal((3, 4)), rng.standard_normal(4)

    def nested(x, w):
        def body(a, r):
            b = gc.cond(gc.reduce_sum(a) > 0.0, lambda: gc.sin(a) * w, lambda: a * a - w)
            return gc.while_loop(lambda k, v: k < 2, lambda k, v: (k + 1, gc.tanh(v) + r),
                                 [0, b])[1]
        return gc.scan(body, x, initializer=gc.zeros((4,), gc.float64))
    check_vjp(nested, [xv, wv])
    check_jvp(nested, [xv, wv])
    check_vjp(lambda x, w: gc.map_fn(lambda r: gc.reduce_sum(
        gc.scan(lambda a, e: gc.tanh(a * w[0] + e), r * w)), x), [xv, wv])
    x = gc.placeholder(gc.float64, (3, 4))
    s = gc.reduce_sum(nested(x, gc.constant(wv)))
    g, = gc.gradients(s, [x])
    h = gc.hessians(s, x)[0]
    eps = 1e-6
    with gc.Session() as sess:
        hv = sess.run(h, {x: xv}).reshape(12, 12)
        fd = np.stack([(sess.run(g, {x: xv + eps * e.reshape(3, 4)}) -
                        sess.run(g, {x: xv - eps * e.reshape(3, 4)})).ravel() / (2 * eps)
                       for e in np.eye(12)])
    np.testing.assert_allclose(hv, fd, rtol=1e-5, atol=1e-7)


def test_map_fn_and_scan_bodies_read_variables_live():
    """A read after an assign in fn sees it (TF: the variable is read where the body
    reads it; values: TF 2.21)."""
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None])
        c = gc.get_variable("c", [], initializer=gc.zeros_initializer(), use_resource=True)
        d = gc.get_variable("d", [], initializer=gc.zeros_initializer())

        def body(e):
            with gc.control_dependencies([c.assign_add(1.0)]):
                return c.read_value() + e * 0

        def step(acc, e):
            with gc.control_dependencies([d.assign_add(e)]):
                return acc + gc.identity(d)

        m = gc.map_fn(body, x, parallel_iterations=1)
        sc = gc.scan(step, x, initializer=0.0)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            np.testing.assert_array_equal(s.run(m, {x: [5.0, 6.0, 7.0]}), [1, 2, 3])
            np.testing.assert_array_equal(s.run(sc, {x: [1.0, 2.0, 3.0]}), [1, 4, 10])


def test_map_fn_fn_output_signature():
    x = gc.constant([[1.0, 2.0], [3.0, 4.0]])
    a = gc.map_fn(lambda r: gc.reduce_sum(r), x, fn_output_signature=gc.float32)
    b = gc.map_fn(lambda r: (r[0], gc.cast(r[1], gc.int32)), x,
                  fn_output_signature=(gc.TensorSpec([], gc.float32), gc.int32))
    with gc.Session() as s:
        got_a, (b0, b1) = s.run([a, b])
    np.testing.assert_array_equal(got_a, [3.0, 7.0])
    assert b1.dtype == np.int32 and b1.tolist() == [2, 4] and b0.tolist() == [1.0, 3.0]
    with pytest.raises(gc.errors.DTypeError, match="fn returns"):
        gc.map_fn(lambda r: r[0], x, fn_output_signature=gc.int32)
    with pytest.raises(ValueError, match="not both"):
        gc.map_fn(lambda r: r[0], x, dtype=gc.float32, fn_output_signature=gc.float32)


def test_a_fed_variable_is_read_fed_in_loop_bodies():
    """Feeding a variable replaces its value for the run, in while_loop and map_fn
    bodies too (they read variables live; TF1 reads the fed tensor)."""
    with gc.Graph().as_default():
        v = gc.Variable(1.0)
        out = gc.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a + v), [0, 0.0])[1]
        m = gc.map_fn(lambda e: e * v, gc.constant([1.0, 2.0]))
        with gc.Session() as s:
            s.run(v.initializer)
            assert s.run(out) == 3.0 and s.run(m).tolist() == [1.0, 2.0]
            got = s.run([out, m], {v: 10.0})
            assert got[0] == 30.0 and got[1].tolist() == [10.0, 20.0]
            assert s.run(out) == 3.0
        with gc.Session() as s:             # never initialized: the feed is enough
            assert s.run(m, {v: 2.0}).tolist() == [2.0, 4.0]


def test_map_fn_over_ragged_rows():
    """fn gets each row of a RaggedTensor (TF's map_fn; values: TF 2.21)."""
    v = gc.placeholder(gc.float32, [None])
    lengths = gc.placeholder(gc.int64, [None])
    rt = gc.RaggedTensor.from_row_lengths(v, lengths)
    s = gc.map_fn(lambda r: gc.reduce_sum(r), rt, fn_output_signature=gc.float32)
    m = gc.map_fn(lambda r: gc.stack([gc.reduce_max(r), gc.cast(gc.size(r), gc.float32)]),
                  rt, dtype=gc.float32)
    g = gc.convert_to_tensor(gc.gradients(gc.reduce_sum(s * s), v)[0])
    with gc.Session() as sess:
        got = sess.run([s, m, g], {v: [1., 2., 3., 4., 5., 6.], lengths: [2, 0, 4]})
    np.testing.assert_array_equal(got[0], [3, 0, 18])
    np.testing.assert_array_equal(got[1], [[2, 2], [-np.inf, 0], [6, 4]])
    np.testing.assert_array_equal(got[2], [6, 6, 36, 36, 36, 36])
