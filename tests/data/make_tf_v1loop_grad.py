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
                        the weights, x and the initial state. A second loss, "loss2",
                        and its gated gradients (gate_gradients=True, as minimize's):
                        a decoder-like loop over fed tokens from a learned initial
                        state, reading the resource variable r (not frozen: run
                        "r/Assign" first) and looking up a table (IndexedSlices
                        gradients), and a foldl read in a tf.cond branch on "flag"
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

    # a decoder-like loop from a learned initial state, reading a resource variable
    # and looking up a table; a foldl read in a cond branch; gated gradients
    tok = v1.placeholder(tf.int32, [None, None], name="tok")
    flag = v1.placeholder(tf.bool, [], name="flag")
    r = v1.get_variable("r", initializer=rng.uniform(-1, 1, (2, 2)).astype("f"),
                        use_resource=True)
    table = tf.constant(rng.uniform(-1, 1, (5, 2)).astype("f"), name="table")

    scaled = table * w[0, 0]

    def decode(t, g):
        e = tf.nn.embedding_lookup(table, tok[:, t]) + tf.gather(scaled, tok[:, t])
        return t + 1, tf.tanh(g @ r + e)
    g0 = tf.tanh(tf.ones([tf.shape(tok)[0], 2]) @ w)
    _, g = tf.while_loop(lambda t, g: t < tf.shape(tok)[1], decode, [0, g0], name="decode")
    fold = tf.foldl(lambda a, row: tf.tanh(a * 0.5 + row),     # (TF: not over 0 rows)
                    tf.concat([x, tf.ones([1, 3])], 0) * u[0, 0], initializer=tf.zeros([3]))
    loss2 = tf.cond(flag, lambda: tf.reduce_sum(g * g) + tf.reduce_mean(fold),
                    lambda: tf.reduce_sum(g * g) * 2.0, name="pick")
    grads2 = tf.gradients(loss2, [w, u, r, table], gate_gradients=True)
    fetches += [tf.identity(loss2, name="loss2")] + [
        tf.identity(tf.convert_to_tensor(g), name=f"grad2_{k}")
        for k, g in zip(["w", "u", "r", "table"], grads2)]
    toks = [[[1, 2, 1], [3, 0, 4]], [[2]], [[4, 4], [0, 1], [3, 2]], [[1, 2, 3, 4]]]
    feeds = [{x: rng.uniform(-1, 1, (k, 3)).astype("f"), tok: np.array(t, np.int32),
              flag: k % 2 == 0} for k, t in zip((4, 1, 0, 5), toks)]
    return fetches, feeds


def write(name, build):
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        fetches, feeds = build()
        sess.run(v1.global_variables_initializer())
        wants = [sess.run(fetches, fd) for fd in feeds]
        resource = [v for v in v1.global_variables() if "r:" in v.name]
        gd = v1.graph_util.convert_variables_to_constants(   # r stays a variable
            sess, g.as_graph_def(), [t.op.name for t in fetches] +
            [v.initializer.name for v in resource],
            variable_names_blacklist=[v.op.name for v in resource])
    save(os.path.join(HERE, f"{name}"), gd, fetches, feeds, wants)


if __name__ == "__main__":
    v1.disable_eager_execution()
    v1.disable_control_flow_v2()
    write("tf_v1loop_grad", loop_grad_graph)
