"""Bugs of the funcs hunt (tape and custom_gradient in bodies, vectorized_map's random ops
and unknown batch, jacobian of an unknown-shape target). Expected values come from TF 2.21
(tf.compat.v1 graph mode, resource variables, control flow v2) on the same programs;
gradients are also checked against finite differences or closed forms."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import numeric_jacobian

W0 = [1., 2., 3.]
X0 = np.array([[1., 0., 0.], [0., 1., 1.]], np.float32)


def _run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


def _w():
    return gc.get_variable("w", [3], initializer=gc.constant_initializer(W0))


# ---- bug 2: a tape or custom_gradient inside a body sees outer variables and tensors -----
def _tape_grad(loss_fn, wrt, watch=None):
    with gc.GradientTape() as tape:
        if watch is not None:
            tape.watch(watch)
        loss = loss_fn()
    return tape.gradient(loss, wrt)


def test_tape_in_map_fn_cond_and_while_sees_the_outer_variable():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        w = _w()
        per_ex = gc.map_fn(lambda xi: _tape_grad(lambda: gc.reduce_sum(xi * w) ** 2, w), x)
        watched = gc.map_fn(lambda xi: _tape_grad(lambda: gc.reduce_sum(xi * w) ** 2, w, w), x)
        branch = gc.cond(gc.shape(x)[0] > 0,
                         lambda: _tape_grad(lambda: gc.reduce_sum(x * w) ** 2, w),
                         lambda: gc.zeros([3]))

        def body(i, acc):
            return i + 1, acc + _tape_grad(lambda: gc.reduce_sum(x[i] * w) ** 2, w)
        loop = gc.while_loop(lambda i, a: i < gc.shape(x)[0], body, (0, gc.zeros([3])))[1]
        got = _run([per_ex, watched, branch, loop], {x: X0})
    want = [[[2, 0, 0], [0, 10, 10]], [[2, 0, 0], [0, 10, 10]], [12, 12, 12], [2, 10, 10]]
    for a, b in zip(got, want):                                     # TF's values
        np.testing.assert_allclose(a, b)


def test_tape_in_a_body_watches_outer_tensors_and_earlier_captures():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        w = _w()
        xo = gc.constant([1., 2., 3.])
        h = w * 2.0
        watch_outer = gc.cond(gc.shape(x)[0] > 0,
                              lambda: _tape_grad(lambda: gc.reduce_sum(xo * xo), xo, xo),
                              lambda: gc.zeros([3]))

        def captured_first(xi):
            _ = xi * w                  # w captured before the tape starts
            return _tape_grad(lambda: gc.reduce_sum(gc.exp(xi * w * 0.5)), w)

        early = gc.map_fn(captured_first, x)

        def through_h(xi):              # h was computed outside the tape: no gradient
            g = _tape_grad(lambda: gc.reduce_sum(xi * h), w)
            assert g is None
            return xi

        gc.map_fn(through_h, x)

        def nested(i, acc):             # a cond in a while body, pre read outside the tape
            pre = w * 1.0

            def inner():
                return _tape_grad(lambda: gc.reduce_sum(gc.sin(x[0] * w)) +
                                  gc.reduce_sum(pre), w)
            return i + 1, acc + gc.cond(gc.shape(x)[0] > 0, inner, lambda: gc.zeros([3]))
        loop = gc.while_loop(lambda i, a: i < 2, nested, (0, gc.zeros([3])))[1]
        a, b, c = _run([watch_outer, early, loop], {x: X0})
    np.testing.assert_allclose(a, [2, 4, 6])
    np.testing.assert_allclose(b, 0.5 * X0 * np.exp(0.5 * X0 * np.array(W0)), rtol=1e-6)
    np.testing.assert_allclose(c, [2 * np.cos(1.0), 0, 0], rtol=1e-6)   # TF: 1.0806, 0, 0


def test_watched_variables_in_a_body_are_the_outer_variables():
    with gc.Graph().as_default():
        w = _w()
        seen = []

        def fn(xi):
            with gc.GradientTape() as tape:
                y = gc.reduce_sum(xi * w)
            seen.append(tape.watched_variables())
            return y
        gc.map_fn(fn, gc.constant(X0))
    assert seen == [(w,)]


def test_custom_gradient_in_map_fn_and_cond_gets_the_outer_variables():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        w = _w()
        passed = []

        @gc.custom_gradient
        def scaled(t):
            def grad(dy, variables=None):
                passed.append(list(variables))
                dw = gc.reduce_sum(dy * t, 0) if dy.shape.ndims == 2 else dy * t
                return dy * w, [dw * 10.0]
            return t * w, grad
        outs = [gc.reduce_sum(gc.map_fn(scaled, x)),
                gc.reduce_sum(gc.cond(gc.shape(x)[0] > 0, lambda: scaled(x), lambda: x))]
        grads = [gc.gradients(o, [w, x]) for o in outs]
        got = _run(grads, {x: X0})
    assert passed == [[w], [w]]
    for dw, dx in got:     # TF for map_fn (TF's cond fails at run time; graphc as top level)
        np.testing.assert_allclose(dw, [10, 10, 10])
        np.testing.assert_allclose(dx, [[1, 2, 3], [1, 2, 3]])


# ---- bug 4: random ops in vectorized_map draw once per element --------------------------
def test_vectorized_map_draws_random_ops_per_element():
    with gc.Graph().as_default():
        gc.set_random_seed(7)
        x = gc.placeholder(gc.float32, [None, 3])
        z = gc.random_normal([3])                   # outside fn: shared, as in TF
        outs = [gc.vectorized_map(lambda r: r + gc.random_normal([3]), x),
                gc.vectorized_map(lambda r: gc.random_normal(gc.shape(r)) * r, x),
                gc.vectorized_map(lambda r: gc.nn.dropout(r, rate=0.5), x),
                gc.vectorized_map(lambda r: gc.random_shuffle(r), x),
                gc.vectorized_map(lambda r: gc.random_uniform([4], 0, 10 ** 6, gc.int32), x),
                gc.vectorized_map(lambda r: r + gc.random_uniform([3]), gc.zeros([50, 3])),
                gc.vectorized_map(lambda r: r + z, x)]
        xv = np.tile(np.arange(1, 4, dtype=np.float32), (400, 1))
        noise, scaled, drop, shuf, ints, static, shared = _run(outs, {x: xv})
        again = _run(outs[0], {x: xv})
    np.testing.assert_array_equal(noise, again)        # a graph seed repeats the draws
    for a in (noise, scaled, ints, static):
        assert len({tuple(r) for r in a}) == len(a)     # no row repeats
    assert abs(noise.mean() - 2.0) < 0.15 and abs(noise.std(0) - 1).max() < 0.15
    e = noise - xv                                      # rows independent of each other
    assert abs(np.corrcoef(e[:-1].ravel(), e[1:].ravel())[0, 1]) < 0.1
    kept = drop != 0
    assert 0.4 < kept.mean() < 0.6 and len({tuple(r) for r in kept}) == 8
    np.testing.assert_array_equal(drop[kept], (2 * xv)[kept])
    np.testing.assert_array_equal(np.sort(shuf, 1), xv)
    assert len({tuple(r) for r in shuf}) == 6           # every permutation shows up
    assert (static >= 0).all() and (static < 1).all()
    assert (shared == shared[0]).all()


# ---- bug 5: vectorized_map over an unknown batch size ----------------------------------
XB = np.array([[0.5, -1.0, 2.0, 0.3], [-0.2, 0.1, -0.4, 1.5], [1.0, 0.0, -2.0, 0.7]],
              np.float32)
YB = np.array([0, 2, 1], np.int32)
WB = np.arange(12, dtype=np.float32).reshape(4, 3) / 10 - 0.5


def test_vectorized_map_unknown_batch_per_example_gradients():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        y = gc.placeholder(gc.int32, [None])
        w = gc.Variable(WB, name="w")

        def per_example_grad(t):
            xi, yi = t
            logits = gc.matmul(xi[None], w)[0]
            loss = gc.nn.sparse_softmax_cross_entropy_with_logits(labels=yi, logits=logits)
            return gc.gradients(loss, w)[0]
        g = gc.vectorized_map(per_example_grad, (x, y))
        assert g.shape.as_list() == [None, 4, 3]
        got = _run(g, {x: XB, y: YB})
    want = [[[-0.36228, 0.16488, 0.1974], [0.72456, -0.32976, -0.3948],      # TF
             [-1.44912, 0.65952, 0.78959], [-0.21737, 0.09893, 0.11844]],
            [[-0.06012, -0.06644, 0.12657], [0.03006, 0.03322, -0.06328],
             [-0.12024, -0.13289, 0.25313], [0.45091, 0.49834, -0.94925]],
            [[0.34338, -0.66677, 0.32338], [0, 0, 0],
             [-0.68676, 1.33353, -0.64677], [0.24037, -0.46674, 0.22637]]]
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_vectorized_map_unknown_batch_ops_with_and_without_rules():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        y = gc.placeholder(gc.int32, [None])
        w = gc.constant(WB)
        fns = {
            "argmax": (lambda r: gc.argmax(r), x),
            "argmin": (lambda r: gc.argmin(r, output_type=gc.int32), x),
            "onehot": (lambda r: gc.one_hot(gc.argmax(r), 4, axis=0), x),
            "lse": (lambda r: gc.reduce_logsumexp(r), x),
            "xent": (lambda t: gc.nn.sparse_softmax_cross_entropy_with_logits(
                labels=t[1], logits=t[0]), (x, y)),
            "gather_rows": (lambda t: gc.gather(gc.transpose(w), t[1]), (x, y)),
            "gather_ax1": (lambda t: gc.gather(w, t[1], axis=1), (x, y)),
            "gather_both": (lambda t: gc.gather(t[0], t[1]), (x, y)),
            "sort": (lambda r: gc.sort(r), x),                  # no rule: the loop
            "cond": (lambda r: gc.cond(gc.reduce_sum(r) > 0, lambda: r * 2., lambda: r - 1.),
                     x),
            "segsum": (lambda r: gc.unsorted_segment_sum(r, [0, 1, 0, 1], 2), x),
            "stopgrad": (lambda r: gc.stop_gradient(r) * r, x),
        }
        outs = {k: gc.vectorized_map(f, el) for k, (f, el) in fns.items()}
        got = _run(outs, {x: XB, y: YB})
    rows = [[-0.5, -0.2, 0.1, 0.4], [-0.3, 0, 0.3, 0.6], [-0.4, -0.1, 0.2, 0.5]]
    want = {"argmax": [2, 3, 0], "argmin": [1, 2, 2],                        # TF
            "onehot": [[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
            "lse": [2.37542, 1.9567, 1.76941], "xent": [1.87542, 2.3567, 1.76941],
            "gather_rows": rows, "gather_ax1": rows, "gather_both": [0.5, -0.4, 0],
            "sort": np.sort(XB, 1),
            "cond": [[1, -2, 4, 0.6], [-0.4, 0.2, -0.8, 3], [0, -1, -3, -0.3]],
            "segsum": [[2.5, -0.7], [-0.6, 1.6], [-1, 0.7]], "stopgrad": XB * XB}
    for k, v in want.items():
        np.testing.assert_allclose(got[k], v, atol=1e-5, err_msg=k)
    assert got["argmin"].dtype == np.int32 and got["argmax"].dtype == np.int64


def test_vectorized_map_unknown_batch_gradient_through_the_loop_fallback():
    coef = np.array([1., 2., 3., 4.])
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [None, 4])
        ys = gc.vectorized_map(lambda r: gc.sort(r) * coef, x)     # sort: no rule
        seg = gc.vectorized_map(
            lambda r: gc.unsorted_segment_sum(r * r, [0, 1, 0, 1], 2) * np.array([1., 3.]), x)
        g1, = gc.gradients(gc.reduce_sum(ys ** 2), x)
        g2, = gc.gradients(gc.reduce_sum(seg), x)
        a, b = _run([g1, g2], {x: XB.astype(np.float64)})
    np.testing.assert_allclose(a, [[9, -2, 64, 2.4], [-1.6, 1.8, -0.8, 48],     # TF
                                   [32, 0, -4, 12.6]], rtol=1e-6)
    np.testing.assert_allclose(b, [[1, -6, 4, 1.8], [-0.4, 0.6, -0.8, 9], [2, 0, -4, 4.2]],
                               rtol=1e-6)
    fd = numeric_jacobian(lambda v: np.sum((np.sort(v, 1) * coef) ** 2), XB)
    np.testing.assert_allclose(a, fd, rtol=1e-5, atol=1e-6)


# ---- bug 6: jacobian of a target with an unknown batch dim ------------------------------
def test_tape_jacobian_of_an_unknown_batch_target():
    xv = XB[:2]
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        w = gc.Variable(WB[:, :2], name="w")
        with gc.GradientTape(persistent=True) as tape:
            tape.watch(x)
            h = gc.tanh(gc.matmul(x, w))
        jw, jx = tape.jacobian(h, w), tape.jacobian(h, x)
        jw2 = tape.jacobian(h, w, experimental_use_pfor=False)
        assert jw.shape.as_list() == [None, 2, 4, 2]                # TF's static shapes
        assert jx.shape.as_list() == [None, 2, None, 4]
        a, b, c = _run([jw, jx, jw2], {x: xv})
    d = 1 - np.tanh(xv @ WB[:, :2]) ** 2                            # (b, j)
    want_w = np.einsum("bj,bk,jl->bjkl", d, xv, np.eye(2))
    want_x = np.einsum("bj,bc,kj->bjck", d, np.eye(2), WB[:, :2])
    np.testing.assert_allclose(a, want_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c, want_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b, want_x, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a[0, 0, :, 0], [0.46525, -0.9305, 1.861, 0.27915],  # TF
                               rtol=1e-4)


def test_jacobian_with_run_time_shapes_both_modes():
    xv = np.array([0.3, -0.7, 1.1])
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [None])
        y = gc.sin(x) * gc.reduce_sum(x * x)
        jf = gc.jacobian(y, x, mode="forward")
        jr = gc.jacobian(y, x, mode="reverse")
        a, b = _run([jf, jr], {x: xv})
    fd = numeric_jacobian(lambda v: np.sin(v) * np.sum(v * v), xv)
    np.testing.assert_allclose(a, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(b, fd, rtol=1e-6, atol=1e-8)


def test_unconnected_jacobian_of_an_unknown_shape_is_zeros():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 2])
        u = gc.placeholder(gc.float32, [None])
        with gc.GradientTape() as tape:
            tape.watch([x, u])
            h = x * 2.0
        j = tape.jacobian(h, u, unconnected_gradients="zero")
        got = _run(j, {x: np.ones((3, 2)), u: np.ones(4)})
    assert got.shape == (3, 2, 4) and not got.any()


@pytest.mark.parametrize("n", [1, 3])
def test_vectorized_map_unknown_batch_sizes(n):
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 4])
        out = gc.vectorized_map(lambda r: gc.one_hot(gc.argmax(r), 4) * gc.sort(r), x)
        got = _run(out, {x: XB[:n]})
    want = np.eye(4)[np.argmax(XB[:n], 1)] * np.sort(XB[:n], 1)
    np.testing.assert_allclose(got, want)
