"""Writes the TF GraphDefs with functional control flow that tests/test_tf_graphdef_function.py
imports, and the outputs TF gives for them.

Run once with TensorFlow 2.x (cwd anywhere: python tests/data/make_tf_function.py). Each
graph is built with tf.compat.v1 in graph mode, where tf.cond, tf.while_loop and
tf.switch_case are control flow v2 (If/While/Case nodes calling library functions):
    tf_function_cond.pb   tf.cond (StatelessIf), a cond nested in a cond, a cond whose
                          branch calls a tf.function, a tf.switch_case (Case)
    tf_function_while.pb  a loop counting to a fed n, a cond inside a while, a while
                          inside a cond, a tf.function called in the graph
                          (PartitionedCall)
    tf_function_rnn.pb    a GRU over time steps in a tf.while_loop (the outputs grow by
                          concat under a shape invariant), its variables frozen with
                          convert_variables_to_constants
    tf_function_<name>.npz  per graph: "fetches", "feeds" (tensor names), and for each
                          feed set k "in{k}_{i}" and "out{k}_{j}".
"""
import os

import numpy as np
import tensorflow as tf
from fixture_files import save

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))


def cond_graph():
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    k = v1.placeholder(tf.int32, [], name="k")

    @tf.function
    def scale(a):
        return a * 3.0 + 1.0

    s = tf.reduce_sum(x)
    y = tf.cond(s > 0, lambda: x * 2.0, lambda: -x, name="simple")
    z = tf.cond(s > 0, lambda: tf.cond(s > 5.0, lambda: x + 10.0, lambda: x - 10.0),
                lambda: tf.nn.relu(x), name="nested")
    a, b = tf.cond(k > 1, lambda: (tf.reduce_max(x, axis=1), k * 2),
                   lambda: (scale(tf.reduce_min(x, axis=1)), k - 1), name="pair")
    c = tf.switch_case(k, [lambda: s, lambda: s * 2.0, lambda: tf.exp(s / 10.0)],
                       name="switch")
    feeds = [{x: np.array([[1, 2, 3]], "f"), k: 0},
             {x: np.array([[1, 2, -1.5], [0.5, 0, 0]], "f"), k: 2},
             {x: np.array([[-1, 2, -3]], "f"), k: 1},
             {x: np.array([[-1, -2, 0]], "f"), k: 7}]
    return [y, z, a, b, c], feeds


def while_graph():
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    n = v1.placeholder(tf.int32, [], name="n")

    @tf.function
    def f(a, b):
        return a + b, a * b

    i, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.reduce_sum(x)),
                         [0, 0.0], name="count")
    # a cond in the body: add x's max on even steps, subtract its min on odd ones
    _, t = tf.while_loop(
        lambda i, t: i < n,
        lambda i, t: (i + 1, tf.cond(tf.equal(i % 2, 0), lambda: t + tf.reduce_max(x),
                                     lambda: t - tf.reduce_min(x))),
        [0, 0.0], name="with_cond")
    # a while in a branch: double until past 100, or halve n times
    u = tf.cond(n > 2,
                lambda: tf.while_loop(lambda v: tf.reduce_sum(v) < 100.0,
                                      lambda v: v * 2.0, [tf.abs(x) + 1.0])[0],
                lambda: tf.while_loop(lambda j, v: j < n, lambda j, v: (j + 1, v / 2.0),
                                      [0, x])[1], name="loop_in_cond")
    p, q = f(x, s)
    feeds = [{x: np.array([[1, 2, -1.5]], "f"), n: 4},
             {x: np.array([[0.5, -2, 3], [1, 1, 1]], "f"), n: 0},
             {x: np.array([[2, 0, -1]], "f"), n: 1},
             {x: np.array([[3, -3, 0.25]], "f"), n: 7}]
    return [i, s, t, u, p, q], feeds


def rnn_graph(sess_graph, rng):
    x = v1.placeholder(tf.float32, [None, None, 3], name="x")      # batch, time, features
    units = 4
    wz = v1.get_variable("gru/wz", initializer=rng.normal(0, .5, (3 + units, units)).astype("f"))
    wr = v1.get_variable("gru/wr", initializer=rng.normal(0, .5, (3 + units, units)).astype("f"))
    wh = v1.get_variable("gru/wh", initializer=rng.normal(0, .5, (3 + units, units)).astype("f"))
    bias = v1.get_variable("gru/b", initializer=rng.normal(0, .1, (units,)).astype("f"))
    batch, steps = tf.shape(x)[0], tf.shape(x)[1]

    def body(t, h, outs):
        xt = tf.gather(x, t, axis=1)
        xh = tf.concat([xt, h], 1)
        z = tf.sigmoid(tf.matmul(xh, wz))
        r = tf.sigmoid(tf.matmul(xh, wr))
        cand = tf.tanh(tf.matmul(tf.concat([xt, r * h], 1), wh) + bias)
        h = z * h + (1.0 - z) * cand
        return t + 1, h, tf.concat([outs, h[:, None]], 1)

    h0 = tf.zeros(tf.stack([batch, units]))
    o0 = tf.zeros(tf.stack([batch, 0, units]))
    _, h, outs = tf.while_loop(lambda t, h, o: t < steps, body, [0, h0, o0],
                               shape_invariants=[tf.TensorShape([]),
                                                 tf.TensorShape([None, units]),
                                                 tf.TensorShape([None, None, units])],
                               name="gru")
    feeds = [{x: rng.normal(0, 1, (2, 5, 3)).astype("f")},
             {x: rng.normal(0, 1, (1, 1, 3)).astype("f")},
             {x: rng.normal(0, 1, (3, 0, 3)).astype("f")}]
    return [tf.identity(h, name="state"), tf.identity(outs, name="outputs")], feeds


def write(name, build):
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        fetches, feeds = build(g)
        sess.run(v1.global_variables_initializer())
        wants = [sess.run(fetches, fd) for fd in feeds]
        gd = g.as_graph_def()
        if v1.global_variables():
            gd = v1.graph_util.convert_variables_to_constants(
                sess, gd, [t.op.name for t in fetches])
    save(os.path.join(HERE, f"tf_function_{name}"), gd, fetches, feeds, wants)


if __name__ == "__main__":
    write("cond", lambda g: cond_graph())
    write("while", lambda g: while_graph())
    write("rnn", lambda g: rnn_graph(g, np.random.default_rng(0)))
