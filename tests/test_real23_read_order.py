"""A variable read runs as soon as what its consumer waits for has run (TF1's executor
runs a ref variable's readers when they are ready): an update the consumer does not
depend on comes after the read, whichever was built first. The values are TF 2.21's."""
import numpy as np

import graphc as gc


def test_spectral_norm_reads_u_before_either_call_assigns_it():
    u = gc.Variable([[1.0, 2.0]])
    w = gc.constant([[1.0, 0.5], [0.2, 3.0], [1.0, 1.0]])

    def power_step():                   # SN-GAN's spectral_norm, one call per D call
        u_hat = gc.matmul(gc.matmul(u, w, transpose_b=True), w)
        with gc.control_dependencies([u.assign(u_hat)]):
            return gc.identity(u_hat), gc.reduce_sum(u) + 0.0     # the latter: after
    (real, after_real), (fake, after_fake) = power_step(), power_step()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        got = sess.run([real, fake, after_real, after_fake])
    np.testing.assert_allclose(got[0], [[6.24, 22.6]], rtol=1e-6)
    np.testing.assert_allclose(got[1], [[6.24, 22.6]], rtol=1e-6)
    np.testing.assert_allclose(got[2:], [28.84, 28.84], rtol=1e-6)


def test_value_and_update_fetched_together_read_before_the_update():
    labels, preds = gc.placeholder(gc.int32, [None]), gc.placeholder(gc.int32, [None])
    acc, acc_op = gc.metrics.accuracy(labels, preds)
    v, w = gc.Variable(1.0), gc.Variable(2.0)
    bump = v.assign_add(1.0)
    tenfold = v * 10.0                  # built after the update, not ordered after it
    step = gc.train.GradientDescentOptimizer(0.1).minimize(w * w)
    w_now = w * 1.0
    with gc.Session() as sess:
        sess.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        got = [sess.run([acc, acc_op], {labels: [1, 2, i], preds: [1, 0, 1]})
               for i in range(3)]
        np.testing.assert_allclose(got, [[0, 1 / 3], [1 / 3, 0.5], [0.5, 4 / 9]], rtol=1e-6)
        assert sess.run([bump, tenfold]) == [2.0, 10.0]
        assert sess.run([step, w_now])[1] == 2.0
        assert sess.run(w_now) == np.float32(1.6)
