"""Parity of gc.import_graph_def on TF graphs with TensorArrays: each case builds a
tf.compat.v1 graph twice, with control flow v1 (TensorArrayV3 + Enter/Exit loops) and
with control flow v2 (TensorLists in While functions), serializes the GraphDef, imports
it into graphc and compares the values on several feeds: dynamic_rnn over RNN, LSTM
and GRU cells with and without sequence_length, tf.scan, tf.map_fn, TensorArrays
grown, scattered, gathered and concatenated."""
import os
import sys

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.tf_graphdef import GraphDef
from tf_parity import frozen_tf_graph, no_cf_intermediates, tf, v1  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("no_cf_intermediates")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "data"))
from make_tf_ta import Cell  # noqa: E402

rng = np.random.default_rng(0)


@pytest.fixture(params=["v1", "v2"])
def flow(request):
    if request.param == "v1":
        v1.disable_control_flow_v2()
    yield request.param
    v1.enable_control_flow_v2()


def f32(*shape):
    return rng.uniform(-2.0, 2.0, shape).astype(np.float32)


def via_graphdef(flow, build, feeds, rtol=1e-5, atol=1e-6):
    """build() -> (placeholders, outputs) in TF; run on each feed in TF and in graphc."""
    gd, names, inputs, wants = frozen_tf_graph(build, feeds)
    ops = {nd.op for nd in gd.node}
    assert ("TensorArrayV3" in ops) if flow == "v1" else ("TensorArrayV3" not in ops)
    tf_fixtures.check_import(gd, names, inputs, feeds, wants, rtol, atol)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("seq", [False, True])
@pytest.mark.parametrize("time_major", [False, True])
def test_dynamic_rnn(flow, kind, seq, time_major):
    def build():
        x = v1.placeholder(tf.float32, [None, None, 2])
        lengths = v1.placeholder(tf.int32, [None])
        out, state = v1.nn.dynamic_rnn(Cell(kind, 5, 2, rng), x, dtype=tf.float32,
                                       sequence_length=lengths if seq else None,
                                       time_major=time_major)
        return [x, lengths], [out] + tf.nest.flatten(state)

    def feed(t, b, lengths):
        x = f32(t, b, 2) if time_major else f32(b, t, 2)
        return [x, np.array(lengths, np.int32)]
    via_graphdef(flow, build, [feed(6, 2, [3, 6]), feed(1, 3, [1, 0, 1]),
                               feed(4, 1, [4])])


def test_dynamic_rnn_initial_state_and_static_shapes(flow):
    def build():
        x = v1.placeholder(tf.float32, [3, 4, 2])
        h0 = v1.placeholder(tf.float32, [3, 5])
        out, state = v1.nn.dynamic_rnn(Cell("gru", 5, 2, rng), x, initial_state=h0,
                                       sequence_length=[4, 2, 1])
        return [x, h0], [out, state]
    via_graphdef(flow, build, [[f32(3, 4, 2), f32(3, 5)], [f32(3, 4, 2), f32(3, 5)],
                               [f32(3, 4, 2), f32(3, 5)]])


def test_scan_and_map_fn(flow):
    def build():
        x = v1.placeholder(tf.float32, [None, 3])
        cum = tf.scan(lambda a, r: a * 0.9 + r, x)
        rev = tf.scan(lambda a, r: a - r, x, initializer=tf.zeros([3]), reverse=True)
        pair = tf.scan(lambda a, r: (a[0] + tf.reduce_sum(r), a[1] * r), x,
                       initializer=(tf.constant(0.0), tf.ones([3])))
        norms = tf.map_fn(lambda r: tf.sqrt(tf.reduce_sum(r * r)), x)
        two = tf.map_fn(lambda r: (r[::-1], tf.reduce_min(r)), x,
                        fn_output_signature=(tf.float32, tf.float32))
        ints = tf.map_fn(lambda r: tf.cast(r > 0, tf.int32), x,
                         fn_output_signature=tf.int32)
        return [x], [cum, rev, *pair, norms, *two, ints]
    via_graphdef(flow, build, [[f32(5, 3)], [f32(1, 3)], [f32(2, 3)]])


def test_tensor_arrays_in_loops(flow):
    def build():
        x = v1.placeholder(tf.float32, [None, 2])
        n = v1.placeholder(tf.int32, [])
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, clear_after_read=False)
        _, ta = tf.while_loop(lambda i, t: i < n,
                              lambda i, t: (i + 1, t.write(i, x * tf.cast(i, tf.float32))),
                              [0, ta])
        src = tf.TensorArray(tf.float32, size=tf.shape(x)[0]).unstack(x)
        acc = tf.TensorArray(tf.float32, size=tf.shape(x)[0], clear_after_read=False)
        _, acc = tf.while_loop(
            lambda i, a: i < tf.shape(x)[0],
            lambda i, a: (i + 1, a.write(i, src.read(i) * 2.0 + tf.cast(i, tf.float32))),
            [0, acc])
        return [x, n], [ta.stack(), ta.size(), ta.concat(), acc.stack(),
                        acc.gather([0, 0]), acc.read(0)]
    via_graphdef(flow, build, [[f32(3, 2), 4], [f32(1, 2), 1], [f32(2, 2), 2]])


def _trained_then_frozen(build):
    """A TF graph trained one step (so TF rewrote its control flow to keep the
    intermediates its gradient needs), then frozen for `out`: TF's values and the
    frozen GraphDef's bytes."""
    v1.disable_resource_variables()
    try:
        g = tf.Graph()
        with g.as_default():
            feeds = build()
            out = g.get_tensor_by_name("out:0")
            v1.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(out))
            with v1.Session() as s:
                s.run(v1.global_variables_initializer())
                want = [s.run(out, f) for f in feeds]
                frozen = v1.graph_util.convert_variables_to_constants(
                    s, g.as_graph_def(), ["out"])
    finally:
        v1.enable_resource_variables()
    feeds = [{t.name: v for t, v in f.items()} for f in feeds]
    return frozen.SerializeToString(), feeds, want


def _import_and_run(data, feeds):
    with gc.Graph().as_default():
        out, = gc.import_graph_def(GraphDef.FromString(data), return_elements=["out:0"],
                                   name="")
        with gc.Session() as s:
            return [s.run(out, f) for f in feeds]


def test_frozen_after_training_loop_keeps_accumulators():
    """The forward While pushes its intermediates onto TensorLists (PushBack)."""
    def build():
        x = v1.placeholder(tf.float32, [None, 5, 3], name="x")
        w = v1.get_variable("w", initializer=np.full((3, 3), 0.1, np.float32))
        _, h = tf.while_loop(lambda i, h: i < 5,
                             lambda i, h: (i + 1, tf.tanh(tf.matmul(x[:, i], w) + h)),
                             [0, tf.zeros([tf.shape(x)[0], 3])])
        tf.identity(tf.reduce_sum(h, 1), name="out")
        rng = np.random.default_rng(0)
        return [{x: rng.random((n, 5, 3)).astype(np.float32)} for n in (2, 1)]
    data, feeds, want = _trained_then_frozen(build)
    assert b"TensorListPushBack" in data
    for got, w in zip(_import_and_run(data, feeds), want):
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)


def test_frozen_after_training_cond_keeps_optionals():
    """The forward cond returns its intermediates as Optionals."""
    def build():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        p = v1.placeholder(tf.bool, [], name="p")
        w = v1.get_variable("w", initializer=np.full((3, 3), 0.1, np.float32))
        y = tf.cond(p, lambda: tf.tanh(tf.matmul(x, w)),
                    lambda: tf.nn.relu(tf.matmul(x, w)) * 2.0)
        tf.identity(tf.reduce_sum(y, 1), name="out")
        xv = np.random.default_rng(1).random((2, 3)).astype(np.float32) - 0.5
        return [{x: xv, p: True}, {x: xv, p: False}]
    data, feeds, want = _trained_then_frozen(build)
    assert b"OptionalNone" in data
    for got, w in zip(_import_and_run(data, feeds), want):
        np.testing.assert_allclose(got, w, rtol=1e-5, atol=1e-6)
