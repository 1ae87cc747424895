"""gc.import_graph_def on TF GraphDefs with resource variables (VarHandleOp,
ReadVariableOp, AssignVariableOp, ResourceApply*, ResourceSparseApply*, ResourceScatter*):
TF-made training graphs (tests/data/make_tf_res.py) train as in TF, hand-built graphs
check read order, initialization and the error messages. No TensorFlow needed."""

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.tf_graphdef import AttrValue, GraphDef, NodeDef
from graphc.io.tf_graphdef_import import UnsupportedOpError

F32, I32 = AttrValue(type=1), AttrValue(type=3)


def load(name):
    return tf_fixtures.load("tf_res_", name)


def trained(d, key):
    """The (train op, variable) pairs of a fixture with the values TF gave."""
    return {k: d[k] for k in d if k.startswith(key + ":") and not k.endswith(":loss")}


@pytest.mark.parametrize("name", ["dense", "sparse"])
def test_tf_training_graphs_train_as_in_tf(name):
    gd, d = load(name)
    ops = {nd.op for nd in gd.node}
    assert {"VarHandleOp", "ReadVariableOp", "AssignVariableOp"} <= ops
    assert not ops & {"VariableV2", "Assign"}
    feeds = {k[5:]: d[k] for k in d if k.startswith("feed:")}
    trains = sorted({k.split(":")[0] for k in d if k.endswith(":loss")})
    assert len(trains) == 4
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd, name="")
        assert not [n for n in g.nodes if n.type in ("VarHandleOp", "ReadVariableOp")]
        with gc.Session() as sess:
            for t in trains:
                sess.run("init")
                losses = [sess.run(["loss:0", t], feeds)[0] for _ in range(3)]
                np.testing.assert_allclose(losses, d[t + ":loss"], rtol=1e-5, err_msg=t)
                for key, want in trained(d, t).items():
                    got = sess.run(key.split(":")[1] + ":0")     # the handle: the variable
                    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=key)


def test_tf_raw_update_ops_compute_tf_updates():
    gd, d = load("raw")
    cases = sorted({k.split(":")[0] for k in d if not k.startswith("feed")})
    assert len(cases) == 9
    with gc.Graph().as_default():
        gc.import_graph_def(gd, name="")
        with gc.Session() as sess:
            sess.run("init")
            for c in cases:
                g = d[f"feed:{c}/g:0"]
                for step in range(3):
                    sess.run(c + "/step", {c + "/g:0": g[step]})
                for key, want in trained(d, c).items():
                    got = sess.run(key.split(":")[1] + "/Read/ReadVariableOp:0")
                    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=key)


def test_tf_graph_imports_under_a_scope_with_initialization_checks():
    gd, d = load("dense")
    with gc.Graph().as_default() as g:
        init, ready = gc.import_graph_def(
            gd, return_elements=["init", "w1/IsInitialized/VarIsInitializedOp:0"])
        w1 = g.get_tensor_by_name("import/w1:0")
        assert w1.node.type == "VariableV2" and w1.shape.as_list() == [4, 5]
        with gc.Session() as sess:
            assert not sess.run(ready)
            with pytest.raises(gc.errors.FailedPreconditionError, match="import/w1"):
                sess.run("import/w1/Read/ReadVariableOp:0")
            sess.run(init)
            assert sess.run(ready)


# ---- hand-built graphs --------------------------------------------------------------------
def node(name, op, inputs=(), **attrs):
    return NodeDef(name=name, op=op, input=list(inputs), attr=attrs)


def const(name, value, dtype=F32):
    arr = np.asarray(value, np.float32 if dtype is F32 else np.int32)
    dt = gc.float32 if dtype is F32 else gc.int32
    return node(name, "Const", dtype=dtype, value=AttrValue(tensor=gc.make_tensor_proto(arr, dt)))


def handle(name, shape, **attrs):
    from graphc.io.summary_protos import Dim, TensorShapeProto
    sp = TensorShapeProto([Dim(size=s) for s in shape])
    attrs.setdefault("shared_name", AttrValue(s=name.encode()))
    return node(name, "VarHandleOp", dtype=F32, shape=AttrValue(shape=sp), **attrs)


def imported(*nodes, fetch=()):
    g = gc.Graph()
    with g.as_default():
        out = gc.import_graph_def(GraphDef(node=list(nodes)), return_elements=list(fetch),
                                  name="")
    return g, out


def test_reads_happen_where_their_control_inputs_put_them():
    g, (before, after, assign) = imported(
        handle("v", [2]), const("c", [1.0, 2.0]), const("one", [1.0, 1.0]),
        node("init", "AssignVariableOp", ["v", "c"], dtype=F32),
        node("before", "ReadVariableOp", ["v"], dtype=F32),
        node("add", "AssignAddVariableOp", ["v", "one", "^before"], dtype=F32),
        node("after", "ReadVariableOp", ["v", "^add"], dtype=F32),
        fetch=["before:0", "after:0", "add"])
    assert assign.type == "Assign"
    with g.as_default(), gc.Session() as sess:
        sess.run("init")
        b, a = sess.run([before, after])
        np.testing.assert_array_equal(b, [1, 2])
        np.testing.assert_array_equal(a, [2, 3])
        np.testing.assert_array_equal(sess.run(after), [3, 4])
        np.testing.assert_array_equal(sess.run(before), [3, 4])


def test_gather_scatter_and_shape_of_a_variable():
    g, (rows, nd, shape) = imported(
        handle("v", [3, 2]), const("c", np.arange(6.0).reshape(3, 2)),
        node("init", "AssignVariableOp", ["v", "c"], dtype=F32),
        const("i", [2, 0, 2], I32), const("u", np.ones((3, 2))),
        node("sc", "ResourceScatterAdd", ["v", "i", "u"], dtype=F32, Tindices=I32),
        node("rows", "ResourceGather", ["v", "i", "^sc"], dtype=F32, Tindices=I32),
        const("ij", [[1, 1]], I32),
        node("nd", "ResourceGatherNd", ["v", "ij", "^sc"], dtype=F32, Tindices=I32),
        node("shape", "VariableShape", ["v"], out_type=I32),
        fetch=["rows:0", "nd:0", "shape:0"])
    with g.as_default(), gc.Session() as sess:
        sess.run("init")
        np.testing.assert_array_equal(sess.run(rows), [[6, 7], [1, 2], [6, 7]])
        np.testing.assert_array_equal(sess.run(nd), [3 + 0])      # row 1 is not updated
        np.testing.assert_array_equal(sess.run(shape), [3, 2])


def test_sparse_apply_refuses_repeated_indices_at_run_time():
    g, (step,) = imported(
        handle("v", [3, 2]), handle("acc", [3, 2]), const("z", np.ones((3, 2))),
        node("i1", "AssignVariableOp", ["v", "z"], dtype=F32),
        node("i2", "AssignVariableOp", ["acc", "z"], dtype=F32),
        node("init", "NoOp", ["^i1", "^i2"]),
        node("idx", "Placeholder", dtype=I32), const("lr", 0.1), const("g", np.ones((2, 2))),
        node("step", "ResourceSparseApplyAdagrad", ["v", "acc", "lr", "g", "idx"], T=F32,
             Tindices=I32),
        fetch=["step"])
    with g.as_default(), gc.Session() as sess:
        sess.run("init")
        sess.run(step, {"idx:0": [2, 0]})
        v = sess.run("v:0")
        np.testing.assert_allclose(v[1], [1, 1])
        np.testing.assert_allclose(v[0], 1 - 0.1 / np.sqrt(2), rtol=1e-6)
        with pytest.raises(gc.errors.InvalidArgumentError, match="repeated indices"):
            sess.run(step, {"idx:0": [1, 1]})


def test_unique_imports_with_out_idx():
    g, (y, idx) = imported(const("x", [4, 1, 4, 3], I32),
                           node("u", "Unique", ["x"], T=I32, out_idx=AttrValue(type=9)),
                           fetch=["u:0", "u:1"])
    assert idx.dtype == gc.int64
    with g.as_default(), gc.Session() as sess:
        yv, iv = sess.run([y, idx])
        np.testing.assert_array_equal(yv, [4, 1, 3])
        np.testing.assert_array_equal(iv, [0, 1, 0, 2])


@pytest.mark.parametrize("attrs, match", [
    ({"container": AttrValue(s=b"c")}, "container='c'"),
    ({"shared_name": AttrValue(s=b"other")}, "shared_name='other' is not the node's name"),
])
def test_shared_variables_are_refused(attrs, match):
    with pytest.raises(UnsupportedOpError, match=match):
        imported(handle("v", [2], **attrs))


def test_empty_shared_name_is_the_node_name():
    g, (v,) = imported(handle("v", [2], shared_name=AttrValue(s=b"")), fetch=["v:0"])
    assert v.node.type == "VariableV2" and v.shape.as_list() == [2]


@pytest.mark.parametrize("nodes, cls, match", [
    ([const("c", [1.0]), node("r", "ReadVariableOp", ["c"], dtype=F32)],
     UnsupportedOpError, "input 0 \\(c:0\\) is a Const, not a variable handle"),
    ([handle("v", [2]), node("r", "ReadVariableOp", ["v"], dtype=I32)],
     ValueError, "is variable 'v' of dtype float32, the op's T is int32"),
    ([handle("v", [2]), handle("a", [2]), const("lr", [0.1, 0.2]), const("g", [1.0, 1.0]),
      node("s", "ResourceApplyAdagrad", ["v", "a", "lr", "g"], T=F32)],
     ValueError, "lr is not a scalar: input 2 \\(lr:0\\) has shape \\(2,\\)"),
    ([handle("v", [2]), handle("a", [3]), const("lr", 0.1), const("g", [1.0, 1.0]),
      node("s", "ResourceApplyAdagrad", ["v", "a", "lr", "g"], T=F32)],
     ValueError, "var and accum do not have the same shape"),
    ([handle("v", [2, 3]), const("lr", 0.1), const("g", [1.0, 1.0, 1.0]),
      node("s", "ResourceApplyGradientDescent", ["v", "lr", "g"], T=F32)],
     ValueError, "var and delta do not have the same shape"),
    ([handle("v", [4, 3]), handle("a", [4, 3]), const("lr", 0.1), const("g", np.ones((2, 2))),
      const("i", [0, 1], I32),
      node("s", "ResourceSparseApplyAdagrad", ["v", "a", "lr", "g", "i"], T=F32,
           Tindices=I32)],
     ValueError, "grad of shape \\(2, 2\\) does not hold the rows of var"),
    ([handle("v", [4, 3]), handle("a", [4, 3]), const("lr", 0.1), const("g", np.ones((2, 3))),
      const("i", [[0, 1]], I32),
      node("s", "ResourceSparseApplyAdagrad", ["v", "a", "lr", "g", "i"], T=F32,
           Tindices=I32)],
     ValueError, "indices must be one-dimensional"),
    ([handle("v", [2]), handle("a", [2]), const("lr", 0.1), const("g", [1.0, 2.0]),
      node("s", "ResourceApplyMomentum", ["v", "a", "lr", "g", "lr"], T=F32,
           use_nesterov=AttrValue(b=True), bogus=AttrValue(i=1))],
     UnsupportedOpError, "attrs \\['bogus'\\] are not supported"),
])
def test_errors_name_the_node(nodes, cls, match):
    with pytest.raises(cls, match=match):
        imported(*nodes)


def test_nesterov_momentum_update_by_hand():
    g, (step,) = imported(
        handle("v", [2]), handle("a", [2]), const("v0", [1.0, -1.0]), const("a0", [0.5, 0.0]),
        node("i1", "AssignVariableOp", ["v", "v0"], dtype=F32),
        node("i2", "AssignVariableOp", ["a", "a0"], dtype=F32),
        const("lr", 0.1), const("g", [2.0, 1.0]), const("mom", 0.9),
        node("step", "ResourceApplyMomentum", ["v", "a", "lr", "g", "mom", "^i1", "^i2"],
             T=F32, use_nesterov=AttrValue(b=True)),
        fetch=["step"])
    with g.as_default(), gc.Session() as sess:
        sess.run(step)
        accum = np.array([0.5 * 0.9 + 2.0, 1.0], np.float32)
        np.testing.assert_allclose(sess.run("a:0"), accum, rtol=1e-6)
        want = np.array([1.0, -1.0]) - (np.array([2.0, 1.0]) * 0.1 + accum * 0.9 * 0.1)
        np.testing.assert_allclose(sess.run("v:0"), want, rtol=1e-6)


def test_handles_passed_on_through_identity():
    """TF passes a handle on through Identity (T=resource): ops see the variable."""
    g, (r,) = imported(
        handle("v", [2]), const("c", [1.0, 2.0]),
        node("init", "AssignVariableOp", ["v", "c"], dtype=F32),
        node("h", "Identity", ["v"], T=AttrValue(type=20)),
        node("add", "AssignAddVariableOp", ["h", "c"], dtype=F32),
        node("r", "ReadVariableOp", ["h", "^add"], dtype=F32), fetch=["r:0"])
    with g.as_default(), gc.Session() as sess:
        sess.run("init")
        np.testing.assert_array_equal(sess.run(r), [2, 4])
