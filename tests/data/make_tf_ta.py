"""Writes the TF GraphDefs with TensorArrays (control flow v1: TensorArrayV3 ...) and
TensorLists (control flow v2: TensorListReserve ... in While functions) that
tests/test_tf_graphdef_tensorarray.py imports, and the outputs TF gives for them.

Run once with TensorFlow 2.x (python tests/data/make_tf_ta.py). Each graph is built with
tf.compat.v1 in graph mode, once after tf.compat.v1.disable_control_flow_v2() (v1) and
once with control flow v2 (v2):
    tf_ta_rnn_<v>.pb    tf.compat.v1.nn.dynamic_rnn over a basic RNN, an LSTM and a GRU
                        cell (their math written out: the venv's rnn_cell needs Keras 2),
                        with and without sequence_length
    tf_ta_misc_<v>.pb   tf.scan, tf.map_fn (float and int32 outputs), a dynamic_size
                        TensorArray grown in a loop, scatter/gather/concat/size of a
                        TensorArray
    tf_ta_<name>.npz    per graph: "fetches", "feeds" (tensor names), and for each feed
                        set k "in{k}_{i}" and "out{k}_{j}".
"""
import os

import numpy as np
import tensorflow as tf
from fixture_files import save

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))


class Cell:
    """An RNN cell for dynamic_rnn: "rnn" (tanh), "lstm" (forget bias 1, state (c, h))
    or "gru", weights constants drawn from rng."""

    def __init__(self, kind, units, n_in, rng):
        self.kind, self.units = kind, units
        k = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
        self.w = tf.constant(rng.normal(0, .4, (n_in + units, k * units)).astype("f"))
        self.b = tf.constant(rng.normal(0, .1, (k * units,)).astype("f"))

    @property
    def state_size(self):
        return (self.units, self.units) if self.kind == "lstm" else self.units

    @property
    def output_size(self):
        return self.units

    def zero_state(self, batch, dtype):
        z = tf.zeros([batch, self.units], dtype)
        return (z, z) if self.kind == "lstm" else z

    def __call__(self, x, state, scope=None):
        u = self.units
        if self.kind == "rnn":
            h = tf.tanh(tf.matmul(tf.concat([x, state], 1), self.w) + self.b)
            return h, h
        if self.kind == "lstm":
            c, h = state
            i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), self.w) + self.b, 4, 1)
            c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
            h = tf.sigmoid(o) * tf.tanh(c)
            return h, (c, h)
        z = tf.matmul(tf.concat([x, state], 1), self.w[:, :2 * u]) + self.b[:2 * u]
        r, g = tf.split(tf.sigmoid(z), 2, 1)
        c = tf.tanh(tf.matmul(tf.concat([x, r * state], 1), self.w[:, 2 * u:]) + self.b[2 * u:])
        h = g * state + (1 - g) * c
        return h, h


def rnn_graph(g, rng):
    x = v1.placeholder(tf.float32, [None, None, 3], name="x")
    lengths = v1.placeholder(tf.int32, [None], name="lengths")
    fetches = []
    for kind in ("rnn", "lstm", "gru"):
        for seq in (None, lengths):
            name = f"{kind}{'_seq' if seq is not None else ''}"
            out, state = v1.nn.dynamic_rnn(Cell(kind, 4, 3, rng), x, sequence_length=seq,
                                           dtype=tf.float32, scope=name)
            fetches += [out] + tf.nest.flatten(state)
    feeds = [{x: rng.normal(0, 1, (2, 5, 3)).astype("f"), lengths: [2, 5]},
             {x: rng.normal(0, 1, (3, 1, 3)).astype("f"), lengths: [1, 0, 1]},
             {x: rng.normal(0, 1, (1, 7, 3)).astype("f"), lengths: [6]}]
    return fetches, feeds


def misc_graph(g, rng):
    x = v1.placeholder(tf.float32, [None, 3], name="x")
    n = v1.placeholder(tf.int32, [], name="n")
    cum = tf.scan(lambda a, r: a * 0.5 + r, x, name="scan")
    pair = tf.scan(lambda a, r: (a[0] + r, a[1] * 2.0), x,
                   initializer=(tf.zeros([3]), tf.constant(1.0)), name="scan2")
    sq = tf.map_fn(lambda r: tf.reduce_sum(r * r), x, name="map")
    both = tf.map_fn(lambda r: (r * 2.0, tf.reduce_max(r)), x,
                     fn_output_signature=(tf.float32, tf.float32), name="map2")
    # a dynamic_size array grown to n elements in a loop
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, name="grow")
    _, ta = tf.while_loop(lambda i, t: i < n,
                          lambda i, t: (i + 1, t.write(i, tf.cast(i, tf.float32) * x[0])),
                          [0, ta])
    grown, grown_n = ta.stack(), ta.size()
    # scatter, gather, read, concat outside loops
    tb = tf.TensorArray(tf.float32, size=4, element_shape=[3], clear_after_read=False,
                        name="fixed")
    tb = tb.scatter([3, 0, 1, 2], tf.tile(x[:1], [4, 1]) * tf.constant([[1.], [2.], [3.], [4.]]))
    picked = tb.gather([2, 0])
    one = tb.read(3)
    joined = tb.concat()
    tc = tf.TensorArray(tf.float32, size=2, infer_shape=False).write(0, x).write(1, x * 2.0)
    signs = tf.map_fn(lambda r: tf.cast(r > 0, tf.int32), x, fn_output_signature=tf.int32,
                      name="map_int")
    fetches = [cum, *pair, sq, *both, grown, grown_n, picked, one, joined, tc.concat(), signs]
    feeds = [{x: rng.normal(0, 1, (4, 3)).astype("f"), n: 3},
             {x: rng.normal(0, 1, (1, 3)).astype("f"), n: 1},
             {x: rng.normal(0, 1, (2, 3)).astype("f"), n: 5}]
    return fetches, feeds


def write(name, build):
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        fetches, feeds = build(g)
        wants = [sess.run(fetches, fd) for fd in feeds]
        gd = g.as_graph_def()
    save(os.path.join(HERE, f"tf_ta_{name}"), gd, fetches, feeds, wants)


if __name__ == "__main__":
    v1.disable_eager_execution()
    for flow in ("v2", "v1"):
        if flow == "v1":
            v1.disable_control_flow_v2()
        write(f"rnn_{flow}", lambda g: rnn_graph(g, np.random.default_rng(0)))
        write(f"misc_{flow}", lambda g: misc_graph(g, np.random.default_rng(1)))
