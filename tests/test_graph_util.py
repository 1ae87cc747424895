"""gc.graph_util: freezing a trained graph (variables -> constants), sub-graph
extraction and the removal of training-only nodes, on graphc's graph_def dicts."""
import numpy as np
import pytest

import graphc as gc


def _trained():
    x = gc.placeholder(gc.float32, [None, 3], name="x")
    w = gc.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
    b = gc.Variable(np.array([0.5, -0.5], np.float32), name="b")
    logits = gc.identity(gc.matmul(x, w) + b, name="logits")
    probs = gc.nn.softmax(logits, name="probs")
    loss = gc.reduce_mean(gc.square(logits))
    train = gc.train.AdamOptimizer(0.1).minimize(loss)
    return x, probs, train


def test_freeze_then_import_gives_the_same_outputs():
    feed = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]], np.float32)
    x, probs, train = _trained()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train, {x: feed})
        want = sess.run(probs, {x: feed})
        frozen = gc.graph_util.convert_variables_to_constants(
            sess, sess.graph.as_graph_def(), ["probs"])
    ops = {e["name"]: e["op"] for e in frozen["nodes"]}
    assert ops["w"] == "Const" and ops["b"] == "Const"
    assert "VariableV2" not in ops.values() and not any("Adam" in n for n in ops)
    assert "collections" not in frozen
    with gc.Graph().as_default():
        p, xi = gc.import_graph_def(frozen, return_elements=["probs:0", "x:0"], name="")
        with gc.Session() as sess:          # nothing to initialize: no variables left
            np.testing.assert_allclose(sess.run(p, {xi: feed}), want, rtol=1e-6)


def test_whitelist_blacklist_and_errors():
    x, probs, _ = _trained()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        gd = sess.graph.as_graph_def()
        only_w = gc.graph_util.convert_variables_to_constants(
            sess, gd, ["probs"], variable_names_whitelist=["w"])
        not_w = gc.graph_util.convert_variables_to_constants(
            sess, gd, ["probs"], variable_names_blacklist=["w"])
    ops = lambda g: {e["name"]: e["op"] for e in g["nodes"]}       # noqa: E731
    assert ops(only_w)["w"] == "Const" and ops(only_w)["b"] == "VariableV2"
    assert ops(not_w)["w"] == "VariableV2" and ops(not_w)["b"] == "Const"
    with pytest.raises(AssertionError, match="nope is not in graph"):
        gc.graph_util.extract_sub_graph(gd, ["nope"])
    with pytest.raises(TypeError):
        gc.graph_util.extract_sub_graph(gd, "probs")


def test_extract_sub_graph_and_remove_training_nodes():
    a = gc.placeholder(gc.float32, [2], name="a")
    b = gc.identity(a * 2.0, name="b")
    c = gc.check_numerics(b, "bad", name="c")
    gc.add(a, 1.0, name="unused")
    d = gc.identity(c + 1.0, name="d")
    gd = gc.get_default_graph().as_graph_def()
    sub = gc.graph_util.extract_sub_graph(gd, ["d"])
    assert "unused" not in [e["name"] for e in sub["nodes"]]
    slim = gc.graph_util.remove_training_nodes(sub, protected_nodes=["d"])
    names = [e["name"] for e in slim["nodes"]]
    assert "b" not in names and "c" not in names and "d" in names
    with gc.Graph().as_default():
        di, ai = gc.import_graph_def(slim, return_elements=["d:0", "a:0"], name="")
        with gc.Session() as sess:
            np.testing.assert_array_equal(sess.run(di, {ai: [1.0, 2.0]}), [3.0, 5.0])
    assert gc.graph_util.tensor_shape_from_node_def_name(gc.get_default_graph(), "d") == \
        d.shape
