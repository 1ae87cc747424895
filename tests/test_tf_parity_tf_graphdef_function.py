"""Parity of gc.import_graph_def on TF graphs with functional control flow: each case
builds a tf.compat.v1 graph (control flow v2: tf.cond -> If, tf.while_loop -> While,
tf.switch_case -> Case, a tf.function call -> PartitionedCall), freezes its variables,
serializes the GraphDef, imports it into graphc and compares the values on several
feeds (both branches taken, loops of 0 and more iterations)."""
import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_functiondef import parse_function_def
from tf_parity import frozen_tf_graph, no_cf_intermediates, tf, v1  # noqa: F401 (a fixture)

pytestmark = pytest.mark.usefixtures("no_cf_intermediates")

R = tf.raw_ops
rng = np.random.default_rng(0)


def f32(*shape):
    return rng.uniform(-2.0, 2.0, shape).astype(np.float32)


def via_graphdef(build, feeds, rtol=1e-5, atol=1e-6):
    """build() -> (placeholders, outputs) in TF; run on each feed in TF and in graphc."""
    gd, names, inputs, wants = frozen_tf_graph(build, feeds)
    assert len(gd.library.function) > 0
    tf_fixtures.check_import(gd, names, inputs, feeds, wants, rtol, atol)
    return gd


def ph(dtype, shape, name):
    return v1.placeholder(dtype, shape, name=name)


def test_cond_both_branches():
    def build():
        x = ph(tf.float32, [None, 3], "x")
        y = tf.cond(tf.reduce_mean(x) > 0, lambda: tf.nn.softmax(x), lambda: tf.square(x))
        a, b = tf.cond(tf.reduce_max(x) > 1.0, lambda: (x[:, 0], tf.shape(x)),
                       lambda: (x[:, 1] * 2.0, tf.shape(x) + 1))
        return [x], [y, a, b]
    via_graphdef(build, [(f32(2, 3) + 2.0,), (f32(4, 3) - 2.0,), (np.zeros((0, 3), "f"),),
                         (np.array([[3.0, -1, -1]], "f"),)])


def test_raw_if_predicate_kinds():
    @tf.function
    def then(v):
        return v * 2.0

    @tf.function
    def other(v):
        return -v

    t_fn, e_fn = then.get_concrete_function(tf.TensorSpec(None, tf.float32)), \
        other.get_concrete_function(tf.TensorSpec(None, tf.float32))

    def build():
        x = ph(tf.float32, None, "x")
        k = ph(tf.int32, [], "k")
        v = ph(tf.float32, [None], "v")
        outs = [R.If(cond=c, input=[x], Tout=[tf.float32], then_branch=t_fn,
                     else_branch=e_fn)[0] for c in (k, v)]
        return [x, k, v], outs
    via_graphdef(build, [(f32(2), np.int32(3), np.zeros(0, "f")),
                         (f32(2), np.int32(0), np.zeros(2, "f")),
                         (f32(3), np.int32(-2), np.ones(1, "f"))])


def test_while_counting_to_a_fed_n():
    def build():
        n = ph(tf.int32, [], "n")
        x = ph(tf.float32, [None], "x")
        i, s, p = tf.while_loop(lambda i, s, p: i < n,
                                lambda i, s, p: (i + 1, s + tf.cast(i, tf.float32) * x,
                                                 p * 1.5), [0, tf.zeros_like(x), 1.0])
        j, = tf.while_loop(lambda j: j < 100, lambda j: j + 3, [n], maximum_iterations=5)
        return [n, x], [i, s, p, j]
    via_graphdef(build, [(np.int32(n), f32(4)) for n in (0, 1, 6)])


def test_nested_cond_in_while_and_while_in_cond():
    def build():
        n = ph(tf.int32, [], "n")
        x = ph(tf.float32, [None, 2], "x")

        def body(i, acc):
            inner = tf.cond(tf.equal(i % 3, 0),
                            lambda: tf.cond(i > 2, lambda: acc * 2.0, lambda: acc + x),
                            lambda: acc - tf.reduce_mean(x))
            return i + 1, inner
        _, acc = tf.while_loop(lambda i, a: i < n, body, [0, tf.zeros_like(x)])
        u = tf.cond(n > 3,
                    lambda: tf.while_loop(lambda v: tf.reduce_sum(tf.abs(v)) < 50.0,
                                          lambda v: v * 2.0 + 0.5, [x])[0],
                    lambda: x)
        return [n, x], [acc, u]
    via_graphdef(build, [(np.int32(n), f32(3, 2)) for n in (0, 2, 4, 7)])


def test_rnn_in_a_while_loop_frozen():
    units, feat = 5, 3

    def build():
        x = ph(tf.float32, [None, None, feat], "x")
        w = v1.get_variable("lstm/w", initializer=rng.normal(0, .4, (feat + units, 4 * units))
                            .astype("f"))
        b = v1.get_variable("lstm/b", initializer=rng.normal(0, .1, 4 * units).astype("f"))
        batch, steps = tf.shape(x)[0], tf.shape(x)[1]

        def cell(t, c, h, outs):       # an LSTM cell, its outputs gathered by concat
            gates = tf.matmul(tf.concat([x[:, t], h], 1), w) + b
            i, f, o, g = tf.split(gates, 4, axis=1)
            c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(g)
            h = tf.sigmoid(o) * tf.tanh(c)
            return t + 1, c, h, tf.concat([outs, h[:, None]], 1)

        zero = tf.zeros(tf.stack([batch, units]))
        _, c, h, outs = tf.while_loop(
            lambda t, *_: t < steps, cell, [0, zero, zero, tf.zeros(tf.stack([batch, 0, units]))],
            shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, units]),
                              tf.TensorShape([None, units]), tf.TensorShape([None, None, units])])
        return [x], [c, h, outs]
    via_graphdef(build, [(f32(2, 6, feat),), (f32(1, 1, feat),), (f32(3, 0, feat),)],
                 rtol=1e-4, atol=1e-5)


def test_tf_function_calls():
    @tf.function
    def inner(a):
        return tf.nn.relu(a) - 0.5

    @tf.function
    def outer(a, b):
        top = tf.math.top_k(a, k=2)
        return inner(a) * b, top.indices, tf.cond(tf.reduce_sum(b) > 0, lambda: a, lambda: b)

    def build():
        x = ph(tf.float32, [None, 4], "x")
        y = ph(tf.float32, [None, 4], "y")
        p, q, r = outer(x, y)
        return [x, y], [p, q, r, inner(y)]
    via_graphdef(build, [(f32(2, 4), f32(2, 4) + 2.0), (f32(3, 4), f32(3, 4) - 2.0)])


def test_switch_case():
    def build():
        k = ph(tf.int32, [], "k")
        x = ph(tf.float32, [None], "x")
        y = tf.switch_case(k, [lambda: x + 1.0, lambda: tf.exp(x), lambda: x * x])
        z = tf.switch_case(k, {0: lambda: tf.reduce_sum(x), 1: lambda: tf.reduce_max(x)},
                           default=lambda: tf.constant(-1.0))
        return [k, x], [y, z]
    via_graphdef(build, [(np.int32(k), f32(3)) for k in (0, 1, 2, 5, -1)])


def test_function_def_bytes_read_by_tf():
    def build():
        x = ph(tf.float32, [None], "x")
        return [x], [tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)]
    gd = via_graphdef(build, [(f32(3),)])
    from tensorflow.core.framework import function_pb2
    for f in gd.library.function:
        fn = parse_function_def(f)
        ours = function_pb2.FunctionDef.FromString(fn.SerializeToString())
        theirs = function_pb2.FunctionDef.FromString(f.SerializeToString())
        assert ours.signature == theirs.signature
        assert list(ours.node_def) == list(theirs.node_def)
        assert dict(ours.ret) == dict(theirs.ret)


def test_tensor_list_graphs_import():
    """tf.scan's TensorLists (variant loop vars) import as graphc TensorArrays."""
    g = tf.Graph()
    with g.as_default():
        x = ph(tf.float32, [None, 3], "x")
        y = tf.scan(lambda a, v: a + v, x, name="scan")
        xv = np.arange(12, dtype=np.float32).reshape(4, 3)
        with v1.Session() as s:
            want = s.run(y, {x: xv})
    with gc.Graph().as_default():
        got, = gc.import_graph_def(GraphDef.FromString(g.as_graph_def().SerializeToString()),
                                   return_elements=[y.name])
        with gc.Session() as s:
            np.testing.assert_allclose(s.run(got, {"import/x:0": xv}), want)
