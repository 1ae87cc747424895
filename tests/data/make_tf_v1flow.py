"""Writes the TF GraphDefs with TF1 control flow (control flow v1: Switch/Merge conds,
Enter/Exit while loops) that tests/test_tf_graphdef_v1flow.py imports, and the outputs
TF gives for them.

Run once with TensorFlow 2.x (python tests/data/make_tf_v1flow.py). Each graph is built
with tf.compat.v1 in graph mode after tf.compat.v1.disable_control_flow_v2():
    tf_v1flow_cond.pb   a cond on a fed bool, nested conds, a cond with two outputs of
                        different dtypes, a cond whose branch returns an op, Merge's
                        value_index
    tf_v1flow_bn.pb     a conv + batch norm whose statistics a cond on a fed
                        is_training picks (slim.batch_norm, fused=False), frozen with
                        convert_variables_to_constants
    tf_v1flow_cond_grad.pb  tf.gradients through conds (TF's cond_grad: Switches of the
                        gradients on the forward preds, Merges of the branch gradients):
                        nested conds, a cond with two outputs, a branch not using x
    tf_v1flow_while.pb  a loop counting to a fed n, nested loops, a cond inside a loop, a
                        loop inside a cond, a loop growing a tensor (shape invariant)
    tf_v1flow_<name>.npz  per graph: "fetches", "feeds" (tensor names), and for each
                        feed set k "in{k}_{i}" and "out{k}_{j}".
"""
import os

import numpy as np
import tensorflow as tf
from fixture_files import save

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))


def cond_graph(g):
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    p = v1.placeholder(tf.bool, [], name="p")
    k = v1.placeholder(tf.int32, [], name="k")
    y = tf.cond(p, lambda: x * 2.0, lambda: 1.0 - x, name="simple")
    z = tf.cond(p, lambda: tf.cond(k > 2, lambda: x + 10.0, lambda: x - tf.cast(k, tf.float32)),
                lambda: tf.nn.relu(x), name="nested")
    a, b = tf.cond(k > 1, lambda: (tf.reduce_max(x, axis=1), k * 2),
                   lambda: (tf.reduce_min(x, axis=1), tf.shape(x)[0]), name="pair")
    c = tf.cond(tf.logical_and(p, k > 0), lambda: tf.no_op(), lambda: tf.no_op(), name="ops")
    d = tf.cond(p, lambda: tf.constant([1, 2]), lambda: tf.constant([3, 4, 5]), name="consts")
    idx = g.get_tensor_by_name("simple/Merge:1")
    feeds = [{x: np.array([[1, 2, 3]], "f"), p: True, k: 0},
             {x: np.array([[1, 2, -1.5], [0.5, 0, 0]], "f"), p: False, k: 2},
             {x: np.array([[-1, 2, -3]], "f"), p: True, k: 5},
             {x: np.array([[-1, -2, 0]], "f"), p: False, k: 1}]
    return [y, z, a, b, c, d, idx], feeds


def cond_grad_graph(g):
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    p = v1.placeholder(tf.bool, [], name="p")
    k = v1.placeholder(tf.int32, [], name="k")
    w = tf.constant([1.0, -2.0, 0.5])
    h = tf.cond(p, lambda: tf.tanh(x * w) * 2.0, lambda: tf.square(x) * w, name="h")
    z = tf.cond(p, lambda: tf.cond(k > 1, lambda: tf.sin(h), lambda: h * h, name="inner"),
                lambda: tf.constant(0.5) * x, name="nested")
    a, b = tf.cond(k > 2, lambda: (tf.exp(-z), tf.reduce_sum(x, 1)),
                   lambda: (z, tf.reduce_max(x, 1)), name="pair")
    c = tf.cond(p, lambda: tf.constant([1.0, 2.0, 3.0]), lambda: x[0] * 3.0, name="const")
    loss = tf.add(tf.reduce_mean(tf.square(a - 1.0)) + tf.reduce_sum(b),
                  tf.reduce_sum(c), name="loss")
    gx, = tf.gradients(loss, [x])
    feeds = [{x: np.array([[1, 2, -1.5], [0.5, 0, 1]], "f"), p: True, k: 0},
             {x: np.array([[1, 2, -1.5], [0.5, 0, 1]], "f"), p: False, k: 2},
             {x: np.array([[-1, 0.5, -3]], "f"), p: True, k: 5},
             {x: np.array([[-1, -2, 0.25]], "f"), p: False, k: 3},
             {x: np.array([[0.3, -0.2, 0.1]], "f"), p: True, k: 2}]
    return [loss, tf.identity(gx, name="gx")], feeds


def bn_graph(g, rng):
    """slim.batch_norm(is_training=<tensor>, fused=False), written out: a cond between the
    batch's moments and the moving averages."""
    x = v1.placeholder(tf.float32, [None, 6, 6, 2], name="images")
    training = v1.placeholder(tf.bool, [], name="is_training")
    w = v1.get_variable("conv/w", initializer=rng.normal(0, .5, (3, 3, 2, 4)).astype("f"))
    h = tf.nn.conv2d(x, w, 1, "VALID")
    beta = v1.get_variable("bn/beta", initializer=rng.normal(0, .1, (4,)).astype("f"))
    gamma = v1.get_variable("bn/gamma", initializer=rng.uniform(.5, 1.5, (4,)).astype("f"))
    mm = v1.get_variable("bn/moving_mean", initializer=rng.normal(0, .3, (4,)).astype("f"))
    mv = v1.get_variable("bn/moving_variance", initializer=rng.uniform(.5, 2, (4,)).astype("f"))
    mean, var = tf.cond(training, lambda: tf.nn.moments(h, [0, 1, 2]),
                        lambda: (tf.identity(mm), tf.identity(mv)), name="bn/cond")
    h = tf.nn.relu(tf.nn.batch_normalization(h, mean, var, beta, gamma, 1e-3))
    wd = v1.get_variable("dense/w", initializer=rng.normal(0, .3, (64, 3)).astype("f"))
    logits = tf.matmul(tf.reshape(h, [-1, 64]), wd)
    probs = tf.nn.softmax(logits, name="probs")
    feeds = [{x: rng.normal(0, 1, (2, 6, 6, 2)).astype("f"), training: True},
             {x: rng.normal(0, 1, (3, 6, 6, 2)).astype("f"), training: False},
             {x: rng.normal(0, 1, (1, 6, 6, 2)).astype("f"), training: False}]
    return [probs], feeds


def while_graph(g):
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    n = v1.placeholder(tf.int32, [], name="n")
    i, s = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + tf.reduce_sum(x)),
                         [0, 0.0], name="count")
    # nested: sum over i < n of (sum over j < i of j)
    def outer(i, acc):
        _, inner = tf.while_loop(lambda j, a: j < i, lambda j, a: (j + 1, a + j), [0, 0],
                                 name="inner")
        return i + 1, acc + inner
    _, tri = tf.while_loop(lambda i, a: i < n, outer, [0, 0], name="outer")
    _, t = tf.while_loop(
        lambda i, t: i < n,
        lambda i, t: (i + 1, tf.cond(tf.equal(i % 2, 0), lambda: t + tf.reduce_max(x),
                                     lambda: t - tf.reduce_min(x))),
        [0, 0.0], name="with_cond")
    u = tf.cond(n > 2,
                lambda: tf.while_loop(lambda v: tf.reduce_sum(v) < 100.0,
                                      lambda v: v * 2.0, [tf.abs(x) + 1.0])[0],
                lambda: tf.while_loop(lambda j, v: j < n, lambda j, v: (j + 1, v / 2.0),
                                      [0, x])[1], name="loop_in_cond")
    _, grown = tf.while_loop(lambda j, o: j < n, lambda j, o: (j + 1, tf.concat([o, x], 0)),
                             [0, x[:0]], shape_invariants=[tf.TensorShape([]),
                                                           tf.TensorShape([None, 3])],
                             name="grow")
    feeds = [{x: np.array([[1, 2, -1.5]], "f"), n: 4},
             {x: np.array([[0.5, -2, 3], [1, 1, 1]], "f"), n: 0},
             {x: np.array([[2, 0, -1]], "f"), n: 1},
             {x: np.array([[3, -3, 0.25]], "f"), n: 7}]
    return [i, s, tri, t, u, grown], feeds


def write(name, build):
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        fetches, feeds = build(g)
        sess.run(v1.global_variables_initializer())
        tensors = [t for t in fetches if isinstance(t, tf.Tensor)]
        wants = [sess.run(tensors, fd) for fd in feeds]
        gd = g.as_graph_def()
        if v1.global_variables():
            gd = v1.graph_util.convert_variables_to_constants(
                sess, gd, [t.op.name for t in tensors])
    save(os.path.join(HERE, f"tf_v1flow_{name}"), gd, tensors, feeds, wants)


if __name__ == "__main__":
    v1.disable_eager_execution()
    v1.disable_control_flow_v2()
    write("cond", cond_graph)
    write("cond_grad", cond_grad_graph)
    write("bn", lambda g: bn_graph(g, np.random.default_rng(0)))
    write("while", while_graph)
