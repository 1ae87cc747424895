"""Parity of gc.import_graph_def on TF graphs holding TF's gradients of TF1 while loops
(control flow v1: tf.gradients through tf.while_loop or dynamic_rnn builds a backward
loop popping stacks the forward loop pushed). graphc lifts the backward loop: its
Exits become graphc's gradients of the imported forward loop
(graphc/io/tf_graphdef_v1grad.py). Each case builds the graph in TF, runs it on feeds
of several batch sizes and lengths (0 steps included), and compares with graphc after
import from the GraphDef."""
import os

import numpy as np
import pytest

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")      # tf.compat.v1.nn.rnn_cell

import graphc as gc                                     # noqa: E402
import tf_fixtures                                      # noqa: E402
from tf_parity import control_flow_v1, frozen_tf_graph, tf, v1  # noqa: E402,F401

rng = np.random.default_rng(0)


pytestmark = pytest.mark.usefixtures("control_flow_v1")


def f32(*shape):
    return rng.uniform(-1.0, 1.0, shape).astype(np.float32)


def ph(dtype, shape, name):
    return v1.placeholder(dtype, shape, name=name)


def via_graphdef(build, feeds, rtol=1e-4, atol=1e-5):
    """build() -> (placeholders, outputs) in TF; run on each feed in TF and in graphc."""
    gd, names, inputs, wants = frozen_tf_graph(build, feeds)
    assert {"StackPushV2", "StackPopV2", "Exit"} <= {nd.op for nd in gd.node}
    tf_fixtures.check_import(gd, names, inputs, feeds, wants, rtol, atol)
    return gd


def test_while_loop_gradients_of_captures_and_initial_state():
    """w reaches the loss through the initial state and the body (TF adds the outside
    path itself: the lifted gradient is the input slot's)."""
    def build():
        x = ph(tf.float32, [None, 3], "x")
        w = v1.get_variable("w", initializer=f32(2, 2))
        u = v1.get_variable("u", initializer=f32(3, 2))
        h0 = tf.tanh(tf.reshape(tf.reduce_sum(x), [1, 1]) * tf.ones([1, 2]) @ w)

        def body(i, h, acc):
            h = tf.tanh(h @ w + tf.reshape(x[i], [1, 3]) @ u)
            return i + 1, h, acc + tf.reduce_sum(h)
        _, h, acc = tf.while_loop(lambda i, h, acc: i < tf.shape(x)[0], body,
                                  [tf.constant(0), h0, tf.constant(0.0)])
        loss = tf.reduce_sum(h * h) + 0.5 * acc
        return [x], [loss] + tf.gradients(loss, [w, u, x, h0])
    via_graphdef(build, [(f32(n, 3),) for n in (4, 1, 0, 6)])


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_dynamic_rnn_gradients(cell):
    def build():
        x, sl = ph(tf.float32, [None, None, 3], "x"), ph(tf.int32, [None], "sl")
        v1.set_random_seed(1)
        make = {"rnn": v1.nn.rnn_cell.BasicRNNCell, "gru": v1.nn.rnn_cell.GRUCell,
                "lstm": v1.nn.rnn_cell.LSTMCell}[cell]
        out, state = v1.nn.dynamic_rnn(make(4), x, sequence_length=sl, dtype=tf.float32)
        last = state.h if cell == "lstm" else state
        loss = tf.reduce_sum(out * out) + tf.reduce_sum(tf.sin(last))
        return [x, sl], [loss] + tf.gradients(loss, v1.trainable_variables() + [x])
    via_graphdef(build, [(f32(2, 5, 3), np.array([5, 3], np.int32)),
                         (f32(3, 1, 3), np.array([1, 0, 1], np.int32)),
                         (f32(1, 7, 3), np.array([6], np.int32))])


def test_cond_inside_the_loop_body():
    def build():
        x = ph(tf.float32, [None, 2], "x")
        w = v1.get_variable("w", initializer=f32(2, 2))

        def body(i, h):
            h = tf.cond(tf.equal(i % 2, 0), lambda: tf.tanh(h @ w) + x[i],
                        lambda: h * tf.reduce_sum(w) - x[i])
            return i + 1, h
        _, h = tf.while_loop(lambda i, h: i < tf.shape(x)[0], body,
                             [tf.constant(0), tf.ones([2])[None, :]])
        loss = tf.reduce_sum(tf.square(h))
        return [x], [loss] + tf.gradients(loss, [w, x])
    via_graphdef(build, [(f32(n, 2),) for n in (3, 0, 4)])


def test_train_dynamic_rnn_with_adam():
    """A TF1 training graph (AdamOptimizer.minimize on a dynamic_rnn loss, variables
    not frozen): 3 steps per feed in TF and in graphc from the same initial values."""
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(2)
        x, sl = ph(tf.float32, [None, None, 3], "x"), ph(tf.int32, [None], "sl")
        y = ph(tf.float32, [None, 2], "y")
        init = v1.random_uniform_initializer(-0.5, 0.5)   # (a RandomUniform op)
        cell = v1.nn.rnn_cell.GRUCell(5, kernel_initializer=init)
        out, state = v1.nn.dynamic_rnn(cell, x, sequence_length=sl, dtype=tf.float32)
        logits = v1.layers.dense(state, 2, kernel_initializer=init)
        loss = tf.reduce_mean(tf.square(logits - y)) + 0.01 * tf.reduce_mean(out)
        train = v1.train.AdamOptimizer(0.05).minimize(loss)
        init = v1.global_variables_initializer()
        gd = g.as_graph_def()
        feeds = [(f32(2, 4, 3), np.array([4, 2], np.int32), f32(2, 2)),
                 (f32(3, 6, 3), np.array([6, 1, 3], np.int32), f32(3, 2)),
                 (f32(1, 2, 3), np.array([2], np.int32), f32(1, 2))]
        xs = [x, sl, y]
        with v1.Session() as sess:
            sess.run(init)
            values = sess.run(v1.global_variables())
            want = [sess.run([loss, train], dict(zip(xs, fd)))[0]
                    for fd in feeds for _ in range(3)]
        assigns = [(v.initializer.name, v.initializer.inputs[1].name)
                   for v in v1.global_variables()]
    ops = {nd.op for nd in gd.node}
    assert "StackPushV2" in ops and ops & {"ApplyAdam", "ResourceApplyAdam"}
    with gc.Graph().as_default():
        gc.import_graph_def(gc.GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            for (assign, initial), value in zip(assigns, values):   # TF's initial values
                sess.run(assign, {initial: value})
            got = [sess.run([loss.name, train.name],
                            dict(zip([t.name for t in xs], fd)))[0]
                   for fd in feeds for _ in range(3)]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_nested_loops_gradient():
    def build():
        x = ph(tf.float32, [None, 2], "x")
        w = v1.get_variable("w", initializer=f32(2, 2) * 0.5)

        def outer(i, h):
            _, h = tf.while_loop(lambda j, h: j < i, lambda j, h: (j + 1, tf.tanh(h @ w)),
                                 [0, h])
            return i + 1, h + x[i]
        _, h = tf.while_loop(lambda i, h: i < tf.shape(x)[0], outer,
                             [0, tf.ones([1, 2])])
        loss = tf.reduce_sum(h * h)
        return [x], [loss] + tf.gradients(loss, [w, x])
    via_graphdef(build, [(f32(n, 2),) for n in (3, 0, 1)])
