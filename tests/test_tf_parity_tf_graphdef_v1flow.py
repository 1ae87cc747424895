"""Parity of gc.import_graph_def on TF graphs with TF1 control flow: each case builds a
tf.compat.v1 graph after tf.compat.v1.disable_control_flow_v2() (tf.cond -> Switch/Merge,
tf.while_loop -> Enter/Merge/Switch/LoopCond/NextIteration/Exit), freezes its variables,
serializes the GraphDef, imports it into graphc and compares the values on several feeds
(both branches taken, loops of 0, 1 and more iterations)."""
import numpy as np
import pytest

import tf_fixtures
from tf_parity import control_flow_v1, frozen_tf_graph, tf, v1  # noqa: F401

rng = np.random.default_rng(0)


pytestmark = pytest.mark.usefixtures("control_flow_v1")


def f32(*shape):
    return rng.uniform(-2.0, 2.0, shape).astype(np.float32)


def via_graphdef(build, feeds, rtol=1e-5, atol=1e-6):
    """build() -> (placeholders, outputs) in TF; run on each feed in TF and in graphc."""
    gd, names, inputs, wants = frozen_tf_graph(build, feeds)
    assert {"Switch", "Merge"} <= {nd.op for nd in gd.node}
    tf_fixtures.check_import(gd, names, inputs, feeds, wants, rtol, atol)
    return gd


def ph(dtype, shape, name):
    return v1.placeholder(dtype, shape, name=name)


def test_conds_both_branches_nested_and_tuples():
    def build():
        x, p, k = ph(tf.float32, [None, 3], "x"), ph(tf.bool, [], "p"), ph(tf.int32, [], "k")
        y = tf.cond(p, lambda: tf.nn.softmax(x), lambda: tf.square(x))
        z = tf.cond(p, lambda: tf.cond(k > 1, lambda: x[:, 0], lambda: x[:, 1] * 2.0),
                    lambda: tf.cond(k > 3, lambda: tf.reduce_sum(x, 1), lambda: -x[:, 2]))
        a, b, c = tf.cond(tf.reduce_max(x) > 1.0, lambda: (x[:, 0], tf.shape(x), k),
                          lambda: (x[:, 1] * 2.0, tf.shape(x) + 1, k * 3))
        d = tf.cond(p, lambda: tf.constant(7.0), lambda: tf.reduce_mean(x))
        return [x, p, k], [y, z, a, b, c, d]
    via_graphdef(build, [(f32(2, 3), p, k) for p in (True, False) for k in (0, 2, 5)])


def test_frozen_batch_norm_with_is_training():
    def build():
        x, training = ph(tf.float32, [None, 5, 5, 3], "x"), ph(tf.bool, [], "is_training")
        w = v1.get_variable("w", initializer=f32(3, 3, 3, 4))
        h = tf.nn.conv2d(x, w, 1, "SAME")
        mm = v1.get_variable("moving_mean", initializer=f32(4))
        mv = v1.get_variable("moving_variance", initializer=np.abs(f32(4)) + 0.5)
        beta, gamma = v1.get_variable("beta", initializer=f32(4)), \
            v1.get_variable("gamma", initializer=f32(4))
        mean, var = tf.cond(training, lambda: tf.nn.moments(h, [0, 1, 2]),
                            lambda: (tf.identity(mm), tf.identity(mv)))
        y = tf.nn.batch_normalization(h, mean, var, beta, gamma, 1e-3)
        y = tf.cond(training, lambda: y * 0.5, lambda: y)
        return [x, training], [tf.nn.relu(y, name="out")]
    via_graphdef(build, [(f32(2, 5, 5, 3), True), (f32(3, 5, 5, 3), False)], atol=1e-5)


def test_while_loops():
    def build():
        x, n = ph(tf.float32, [None, 3], "x"), ph(tf.int32, [], "n")
        i, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s * 0.5 + x), [0, x])

        def outer(i, acc):
            _, inner = tf.while_loop(lambda j, a: j < i, lambda j, a: (j + 1, a + x[:, 0]),
                                     [0, tf.zeros_like(x[:, 0])])
            return i + 1, acc + inner
        _, tri = tf.while_loop(lambda i, a: i < n, outer, [0, tf.zeros_like(x[:, 0])])
        _, t = tf.while_loop(
            lambda i, t: i < n,
            lambda i, t: (i + 1, tf.cond(i % 3 > 0, lambda: t + tf.reduce_max(x),
                                         lambda: t * 0.5)), [0, 1.0])
        u = tf.cond(n > 2, lambda: tf.while_loop(lambda v: tf.reduce_sum(v) < 50.0,
                                                 lambda v: v * 2.0, [tf.abs(x) + 1.0])[0],
                    lambda: x)
        _, grown = tf.while_loop(lambda j, o: j < n, lambda j, o: (j + 1, tf.concat([o, x], 1)),
                                 [0, x], shape_invariants=[tf.TensorShape([]),
                                                           tf.TensorShape([None, None])])
        return [x, n], [i, s, tri, t, u, grown]
    via_graphdef(build, [(f32(2, 3), n) for n in (0, 1, 4)])


def test_lstm_loop_frozen():
    def build():
        x = ph(tf.float32, [None, None, 3], "x")
        units = 4
        w = v1.get_variable("lstm/w", initializer=f32(3 + units, 4 * units) * 0.4)
        b = v1.get_variable("lstm/b", initializer=f32(4 * units) * 0.1)
        batch, steps = tf.shape(x)[0], tf.shape(x)[1]

        def body(t, c, h):
            gates = tf.matmul(tf.concat([tf.gather(x, t, axis=1), h], 1), w) + b
            i, f, o, g = tf.split(gates, 4, axis=1)
            c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(g)
            return t + 1, c, tf.sigmoid(o) * tf.tanh(c)
        zeros = tf.zeros(tf.stack([batch, units]))
        _, c, h = tf.while_loop(lambda t, c, h: t < steps, body, [0, zeros, zeros])
        return [x], [tf.identity(c, name="c"), tf.identity(h, name="h")]
    via_graphdef(build, [(f32(2, 5, 3),), (f32(1, 0, 3),), (f32(3, 1, 3),)])


# ---- gradients through v1 conds (TF's cond_grad: a Switch of the gradient on the same
# pred, a Merge of the branch gradients, reading the forward branches' tensors) --------
def test_gradients_through_conds():
    def build():
        x, p, k = ph(tf.float32, [None, 3], "x"), ph(tf.bool, [], "p"), ph(tf.int32, [], "k")
        w = tf.constant([1.0, -2.0, 0.5])
        h = tf.cond(p, lambda: tf.tanh(x * w) * 2.0, lambda: tf.square(x) * w)
        inner = tf.cond(p, lambda: tf.cond(k > 1, lambda: tf.sin(h), lambda: h * h),
                        lambda: tf.constant(0.5) * x)
        a, b = tf.cond(k > 2, lambda: (tf.exp(-inner), tf.reduce_sum(x, 1)),
                       lambda: (inner, tf.reduce_max(x, 1)))
        c = tf.cond(p, lambda: tf.constant([1.0, 2.0, 3.0]), lambda: x[0] * 3.0)
        loss = tf.reduce_mean(tf.square(a - 1.0)) + tf.reduce_sum(b) + tf.reduce_sum(c)
        gx, = tf.gradients(loss, [x])
        return [x, p, k], [loss, gx]
    via_graphdef(build, [(f32(2, 3), p, k) for p in (True, False) for k in (0, 2, 5)],
                 rtol=1e-4, atol=1e-5)


def train_steps(build, feeds, steps=3):
    """build() -> (placeholders, loss, train op) in a TF graph with variables: the losses
    of `steps` train steps per feed, in TF and after gc.import_graph_def."""
    import graphc as gc
    g = tf.Graph()
    with g.as_default():
        xs, loss, train = build()
        init = v1.global_variables_initializer()
        gd = g.as_graph_def()
        with v1.Session() as sess:
            sess.run(init)
            want = [sess.run([loss, train], dict(zip(xs, fd)))[0]
                    for fd in feeds for _ in range(steps)]
    names = [x.name for x in xs]
    with gc.Graph().as_default():
        gc.import_graph_def(gc.GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            sess.run(init.name)
            got = [sess.run([loss.name, train.name], dict(zip(names, fd)))[0]
                   for fd in feeds for _ in range(steps)]
    assert {"Switch", "Merge"} <= {nd.op for nd in gd.node}
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_train_through_cond_dropout_and_fused_batch_norm():
    """What tf.layers' batch_normalization(fused=True) and dropout build on a `training`
    tensor, written out: fused batch norms and dropout in conds, moving averages
    updated with a cond's momentum, trained by Adam."""
    def build():
        x, tr = ph(tf.float32, [None, 2, 2, 3], "x"), ph(tf.bool, [], "training")
        w = v1.get_variable("w", initializer=f32(1, 1, 3, 4))
        h = tf.nn.conv2d(x, w, 1, "VALID")
        scale = v1.get_variable("gamma", initializer=np.ones(4, np.float32))
        offset = v1.get_variable("beta", initializer=np.zeros(4, np.float32))
        mm = v1.get_variable("moving_mean", initializer=np.zeros(4, np.float32))
        mv = v1.get_variable("moving_variance", initializer=np.ones(4, np.float32))
        h, mean, var = tf.cond(
            tr, lambda: v1.nn.fused_batch_norm(h, scale, offset, epsilon=1e-3),
            lambda: v1.nn.fused_batch_norm(h, scale, offset, mm, mv, 1e-3,
                                           is_training=False))
        momentum = tf.cond(tr, lambda: tf.constant(0.9), lambda: tf.constant(1.0))
        updates = [v1.assign_sub(mm, (mm - mean) * (1.0 - momentum)),
                   v1.assign_sub(mv, (mv - var) * (1.0 - momentum))]
        h = tf.cond(tf.logical_and(tr, False), lambda: tf.nn.dropout(h, rate=0.3),
                    lambda: tf.identity(h))
        h = tf.cond(tr, lambda: h * 2.0, lambda: h - 1.0)
        loss = tf.reduce_mean(tf.square(h - 1.0))
        with tf.control_dependencies(updates):
            train = v1.train.AdamOptimizer(0.1).minimize(loss)
        return [x, tr], loss, train
    train_steps(build, [(f32(4, 2, 2, 3), True), (f32(3, 2, 2, 3), False),
                        (f32(5, 2, 2, 3), True)])
