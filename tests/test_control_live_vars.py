"""Variables used in a cond branch or a while_loop body are read where they are used
(ReadCapturedVariable), as TF1's variables are: assigns made earlier in the branch or in
earlier iterations are seen; gradients flow through the captured value."""
import numpy as np

import graphc as gc


def _session():
    sess = gc.Session()
    sess.run(gc.global_variables_initializer())
    return sess


def test_a_loop_body_sees_the_assigns_of_earlier_iterations():
    with gc.Graph().as_default():
        v = gc.Variable(1.0)

        def body(i, acc):
            return i + 1, acc + gc.assign(v, v * 2)
        _, acc = gc.while_loop(lambda i, a: i < 3, body, [0, gc.constant(0.0)])
        with _session() as sess:
            assert sess.run(acc) == 14.0 and sess.run(v) == 8.0      # TF1: 2 + 4 + 8


def test_a_branch_reads_after_its_own_assign():
    with gc.Graph().as_default():
        v = gc.Variable(1.0)
        p = gc.placeholder(gc.bool, [])

        def taken():
            with gc.control_dependencies([gc.assign_add(v, 100.0)]):
                return gc.identity(v)
        r = gc.cond(p, taken, lambda: gc.identity(v))
        with _session() as sess:
            assert sess.run(r, {p: True}) == 101.0
            assert sess.run(r, {p: False}) == 101.0


def test_gradients_through_variables_used_in_loops_and_branches():
    with gc.Graph().as_default():
        w = gc.Variable(np.array([0.5, -1.0], np.float32))
        x = gc.placeholder(gc.float32, [2])

        def body(i, h):
            return i + 1, gc.tanh(h * w + x)
        _, h = gc.while_loop(lambda i, h: i < 3, body, [0, gc.zeros([2])])
        y = gc.cond(gc.reduce_sum(x) > 0, lambda: gc.reduce_sum(h * w),
                    lambda: gc.reduce_sum(h))
        g, = gc.gradients(y, w)
        step = gc.train.GradientDescentOptimizer(0.1).minimize(y)
        with _session() as sess:
            xv = np.array([0.3, 0.2], np.float32)
            got = sess.run(g, {x: xv})
            eps, wv = 1e-3, sess.run(w)

            def f(wn):
                hn = np.zeros(2)
                for _ in range(3):
                    hn = np.tanh(hn * wn + xv)
                return float(np.sum(hn * wn))
            num = [(f(wv + eps * e) - f(wv - eps * e)) / (2 * eps) for e in np.eye(2)]
            np.testing.assert_allclose(got, num, rtol=1e-3, atol=1e-4)
            sess.run(step, {x: xv})
            np.testing.assert_allclose(sess.run(w), wv - 0.1 * got, rtol=1e-5)


def test_ema_applied_in_a_branch_updates_only_when_the_branch_runs():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        training = gc.placeholder(gc.bool, [])
        batch_mean, batch_var = gc.nn.moments(x, [0])
        assert batch_mean.op.name == "moments/Squeeze"             # TF1's names
        assert batch_var.op.name == "moments/Squeeze_1"
        ema = gc.train.ExponentialMovingAverage(0.5)

        def update():
            with gc.control_dependencies([ema.apply([batch_mean])]):
                return gc.identity(batch_mean)
        mean = gc.cond(training, update, lambda: ema.average(batch_mean))
        data = np.arange(6, dtype=np.float32).reshape(2, 3)
        with _session() as sess:
            sess.run(mean, {x: data, training: True})
            for _ in range(2):
                sess.run(mean, {x: data * 10, training: False})     # no update here
            np.testing.assert_allclose(sess.run(ema.average(batch_mean)), [0.75, 1.25, 1.75])
