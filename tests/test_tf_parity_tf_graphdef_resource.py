"""Parity of gc.import_graph_def on TF graphs with resource variables (TF 2's default in
tf.compat.v1): TF builds and trains each graph of tests/data/make_tf_res.py (every
optimizer and raw op there, not only the fixtures' share), graphc imports its GraphDef
bytes and trains it from TF's init op: the same losses and variables."""

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.tf_graphdef import GraphDef
from tf_parity import tf, v1

make = tf_fixtures.data_module("make_tf_res")


def _import(g):
    gd = GraphDef.FromString(g.as_graph_def().SerializeToString())
    graph = gc.Graph()
    with graph.as_default():
        gc.import_graph_def(gd, name="")
    return graph


@pytest.mark.parametrize("build", [make.dense_graph, make.sparse_graph])
def test_every_tf1_optimizer_trains_as_in_tf(build):
    g, feeds, trains, var_names = build()
    assert len(trains) >= 5
    want = make.run_training(g, feeds, trains, var_names)
    assert all(np.isfinite(w).all() for w in want.values())
    graph = _import(g)
    with graph.as_default(), gc.Session() as sess:
        for t in trains:
            sess.run("init")
            losses = [sess.run(["loss:0", t], feeds)[0] for _ in range(make.STEPS)]
            np.testing.assert_allclose(losses, want[t + ":loss"], rtol=1e-5, err_msg=t)
            for v in var_names:
                np.testing.assert_allclose(sess.run(v + ":0"), want[f"{t}:{v}"], rtol=1e-5,
                                           atol=1e-6, err_msg=f"{t} {v}")


def test_every_raw_update_op_as_in_tf():
    g, feeds, cases = make.raw_graph()
    with g.as_default():
        v1.global_variables_initializer()
    ops = {nd.op for nd in g.as_graph_def().node}
    assert len([op for op in ops if op.startswith(("ResourceApply", "ResourceSparse"))]) >= 12
    want = make.run_raw(g, feeds, cases)
    assert all(np.isfinite(w).all() for w in want.values())
    graph = _import(g)
    with graph.as_default(), gc.Session() as sess:
        sess.run("init")
        for name, (step, variables) in cases.items():
            for f in feeds:
                sess.run(step, {k: f[k] for k in f if k.startswith(name + "/")})
            for v in variables:
                np.testing.assert_allclose(sess.run(v + ":0"), want[f"{name}:{v}"],
                                           rtol=1e-5, atol=1e-6, err_msg=f"{name} {v}")


def test_default_variables_and_reads_ordered_by_control_inputs():
    """tf.Variable with TF 2's defaults (a resource variable), assign_add's read_value
    and a read after an update under control_dependencies."""
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(np.array([1.0, 2.0, 3.0], np.float32), name="v")
        before = tf.identity(v.read_value(), name="before")
        bumped = v.assign_add([1.0, 1.0, 1.0], name="bump")
        with tf.control_dependencies([bumped]):
            after = tf.identity(v.read_value() * 2.0, name="after")
        ready = v1.is_variable_initialized(v)
        tf.identity(v, name="final")
        v1.global_variables_initializer()
    assert "VarHandleOp" in {nd.op for nd in g.as_graph_def().node}
    fetches = ["before:0", "after:0", ready.name]
    with v1.Session(graph=g) as sess:
        want0 = sess.run(ready)
        sess.run("init")
        want = [sess.run(fetches), sess.run(fetches), sess.run("final:0")]
    graph = _import(g)
    with graph.as_default(), gc.Session() as sess:
        assert sess.run(ready.name) == want0
        sess.run("init")
        got = [sess.run(fetches), sess.run(fetches), sess.run("final:0")]
    for w, o in zip(want[:2], got[:2]):
        # 'before' is not ordered with the update in TF (it reads before or after it,
        # by its executor's timing): either value is TF's; 'after' and the rest are exact
        assert np.allclose(o[0], w[0]) or np.allclose(o[0] + 1.0, w[0]), (o[0], w[0])
        for a, b in zip(w[1:], o[1:]):
            np.testing.assert_allclose(b, a)
    np.testing.assert_allclose(got[2], want[2])
