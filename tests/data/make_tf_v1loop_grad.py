"""Writes the TF GraphDef holding TF's gradients of TF1 while loops (control flow v1:
tf.gradients through tf.while_loop builds a backward loop popping stacks the forward
loop pushed) that tests/test_tf_graphdef_v1loop_grad.py imports, and the outputs TF
gives for it.

Run once with TensorFlow 2.x (python tests/data/make_tf_v1loop_grad.py); the graph is
built with tf.compat.v1 in graph mode after tf.compat.v1.disable_control_flow_v2(),
its variables frozen with convert_variables_to_constants:
    tf_v1loop_grad.pb   an RNN-like loop over the rows of a fed x, whose weight w
                        reaches the loss through the initial state too, and a second
                        output accumulated in the loop; a loop with a cond in its body;
                        nested loops; the loss and tf.gradients of it with respect to
                        the weights, x and the initial state
    tf_v1loop_grad.npz  "fetches", "feeds" (tensor names), and for each feed set k
                        "in{k}_{i}" and "out{k}_{j}".
"""
import os

import numpy as np
import tensorflow as tf
from fixture_files import save

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))


def loop_grad_graph():
    rng = np.random.default_rng(0)
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    w = v1.get_variable("w", initializer=rng.uniform(-1, 1, (2, 2)).astype("f"))
    u = v1.get_variable("u", initializer=rng.uniform(-1, 1, (3, 2)).astype("f"))
    n = tf.shape(x)[0]
    h0 = tf.tanh(tf.ones([1, 2]) * tf.reduce_sum(x) @ w, name="h0")

    def rnn(i, h, acc):
        h = tf.tanh(h @ w + tf.reshape(x[i], [1, 3]) @ u)
        return i + 1, h, acc + tf.reduce_sum(h)
    _, h, acc = tf.while_loop(lambda i, h, acc: i < n, rnn, [0, h0, 0.0], name="rnn")

    def branchy(i, v):
        v = tf.cond(tf.equal(i % 2, 0), lambda: tf.sin(v @ w), lambda: v * x[i, :2])
        return i + 1, v
    _, v = tf.while_loop(lambda i, v: i < n, branchy, [0, tf.ones([1, 2])], name="branchy")

    def outer(i, s):
        _, s = tf.while_loop(lambda j, s: j < i, lambda j, s: (j + 1, tf.tanh(s @ w)),
                             [0, s], name="inner")
        return i + 1, s + x[i, 1:]
    _, s = tf.while_loop(lambda i, s: i < n, outer, [0, tf.ones([1, 2])], name="outer")
    loss = tf.add_n([tf.reduce_sum(h * h), 0.5 * acc, tf.reduce_sum(v * v),
                     tf.reduce_sum(s * s)], name="loss")
    grads = tf.gradients(loss, [w, u, x, h0])
    fetches = [loss] + [tf.identity(g, name=f"grad_{k}") for k, g in
                        zip(["w", "u", "x", "h0"], grads)]
    feeds = [{x: rng.uniform(-1, 1, (k, 3)).astype("f")} for k in (4, 1, 0, 5)]
    return fetches, feeds


def write(name, build):
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        fetches, feeds = build()
        sess.run(v1.global_variables_initializer())
        wants = [sess.run(fetches, fd) for fd in feeds]
        gd = v1.graph_util.convert_variables_to_constants(
            sess, g.as_graph_def(), [t.op.name for t in fetches])
    save(os.path.join(HERE, f"{name}"), gd, fetches, feeds, wants)


if __name__ == "__main__":
    v1.disable_eager_execution()
    v1.disable_control_flow_v2()
    write("tf_v1loop_grad", loop_grad_graph)
