"""gc.import_graph_def on TF GraphDefs with TensorArrays (control flow v1: TensorArrayV3,
its handle and flow through Enter/Merge/Switch/Exit) and TensorLists (control flow v2:
DT_VARIANT loop variables of While functions): TF-made fixtures (dynamic_rnn, scan,
map_fn, a growing array; tests/data/make_tf_ta.py) reproduce TF's outputs, hand-built
graphs check attrs and error messages. No TensorFlow needed."""

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.tf_graphdef import AttrValue, GraphDef, NodeDef
from graphc.io.tf_graphdef_functiondef import parse_function_def
from graphc.io.tf_graphdef_import import UnsupportedOpError
from graphc.io.summary_protos import TensorShapeProto

F32, I32, RESOURCE, VARIANT = 1, 3, 20, 21


def load(name):
    return tf_fixtures.load("tf_ta_", name)


def replay(gd, d):
    return tf_fixtures.replay(gd, d)


@pytest.mark.parametrize("name", ["rnn_v1", "misc_v1", "rnn_v2", "misc_v2"])
def test_tf_fixture_outputs(name):
    gd, d = load(name)
    ops = {nd.op for nd in gd.node} | {nd.op for f in gd.library.function
                                        for nd in parse_function_def(f).node_def}
    if name.endswith("v1"):
        assert {"TensorArrayV3", "TensorArrayWriteV3", "Enter"} <= ops
    else:
        assert {"TensorListReserve", "TensorListSetItem", "StatelessWhile"} <= ops
    replay(gd, d)


def test_dynamic_rnn_shapes_and_loops():
    gd, _ = load("rnn_v1")
    with gc.Graph().as_default() as g:
        out, c, h = gc.import_graph_def(gd, return_elements=[
            "lstm/transpose_1:0", "lstm/while/Exit_3:0", "lstm/while/Exit_4:0"], name="")
        assert out.shape.as_list() == [None, None, 4]
        assert c.shape.as_list() == h.shape.as_list() == [None, 4]
        assert "StatelessLoop" in {n.op.name for n in g.nodes}


def test_imported_rnn_differentiates():
    gd, d = load("rnn_v1")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, None, 3])
        out, = gc.import_graph_def(gd, {"x:0": x}, ["gru/transpose_1:0"], name="")
        loss = gc.reduce_sum(out * out)
        gx, = gc.gradients(loss, [x])
        xv = d["in0_0"]
        with gc.Session() as sess:
            got = sess.run(gx, {x: xv})
            for idx in [(0, 0, 0), (1, 3, 2), (0, 4, 1)]:
                e = np.zeros_like(xv)
                e[idx] = 1e-2
                num = (sess.run(loss, {x: xv + e}) - sess.run(loss, {x: xv - e})) / 2e-2
                np.testing.assert_allclose(got[idx], num, rtol=2e-2, atol=2e-3)


# ---- hand-built graphs ---------------------------------------------------------------
def const(name, value, dtype=I32):
    return node(name, "Const", [], dtype=("type", dtype), value=AttrValue(
        tensor=gc.make_tensor_proto(value, gc.float32 if dtype == F32 else gc.int32)))


def node(name, op, inputs, **attrs):
    """A NodeDef; attr values: bool, int, str, ("type", n), ("shape", dims or None)
    or an AttrValue."""
    nd = NodeDef(name=name, op=op, input=list(inputs))
    for k, v in attrs.items():
        if isinstance(v, AttrValue):
            nd.attr[k] = v
        elif isinstance(v, bool):
            nd.attr[k] = AttrValue(b=v)
        elif isinstance(v, tuple) and v[0] == "type":
            nd.attr[k] = AttrValue(type=v[1])
        elif isinstance(v, tuple) and v[0] == "shape":
            nd.attr[k] = AttrValue(shape=TensorShapeProto(
                [TensorShapeProto.Dim(size=s) for s in v[1] or ()], v[1] is None))
        elif isinstance(v, str):
            nd.attr[k] = AttrValue(s=v.encode())
        else:
            nd.attr[k] = AttrValue(i=v)
    return nd


def ta_graph(dynamic=False, extra=(), **ta_attrs):
    """size 2 TensorArray, element 1 written with [1, 2, 3], read back and stacked."""
    attrs = dict(dtype=("type", F32), dynamic_size=dynamic, element_shape=("shape", [3]),
                 **ta_attrs)
    gd = GraphDef()
    gd.node.extend([
        const("size", 2), const("i", 1), const("v", [1., 2., 3.], F32),
        node("ta", "TensorArrayV3", ["size"], **attrs),
        node("w", "TensorArrayWriteV3", ["ta", "i", "v", "ta:1"], T=("type", F32)),
        node("r", "TensorArrayReadV3", ["ta", "i", "w"], dtype=("type", F32)),
        node("n", "TensorArraySizeV3", ["ta", "w"]),
        node("close", "TensorArrayCloseV3", ["ta", "^r"]), *extra])
    return gd


def test_hand_built_tensor_array():
    with gc.Graph().as_default():
        r, n, close = gc.import_graph_def(ta_graph(), return_elements=["r:0", "n:0", "close"],
                                          name="")
        with gc.Session() as sess:
            rv, nv = sess.run([r, n])
            sess.run(close)
    np.testing.assert_array_equal(rv, [1, 2, 3])
    assert nv == 2 and r.shape.as_list() == [3]


def test_dynamic_size_grows_and_fixed_size_refuses():
    grow = [const("j", 4), node("w2", "TensorArrayWriteV3", ["ta", "j", "v", "w"],
                                T=("type", F32)),
            node("n2", "TensorArraySizeV3", ["ta", "w2"])]
    with gc.Graph().as_default():
        n2, = gc.import_graph_def(ta_graph(True, grow), return_elements=["n2:0"], name="")
        with gc.Session() as sess:
            assert sess.run(n2) == 5
    with gc.Graph().as_default():
        n2, = gc.import_graph_def(ta_graph(False, grow), return_elements=["n2:0"], name="")
        with gc.Session() as sess, pytest.raises(Exception, match="out of range"):
            sess.run(n2)


def test_unknown_attr_is_refused_by_node():
    with gc.Graph().as_default(), pytest.raises(UnsupportedOpError,
                                                match="TensorArrayV3 node 'ta'.*bogus"):
        gc.import_graph_def(ta_graph(bogus=True), name="")


def test_wrong_value_dtype_names_the_node():
    gd = ta_graph()
    gd.node[4].attr["T"].type = I32
    with gc.Graph().as_default(), pytest.raises(TypeError, match="node w"):
        gc.import_graph_def(gd, name="")


def test_handle_that_cannot_be_followed():
    gd = ta_graph()
    gd.node.append(node("h", "Placeholder", [], dtype=("type", F32)))
    gd.node[4].input[0] = "h"
    with gc.Graph().as_default(), pytest.raises(UnsupportedOpError,
                                                match="TensorArrayWriteV3 node 'w'.*handle"):
        gc.import_graph_def(gd, name="")


def test_tensor_list_ops():
    gd = GraphDef()
    gd.node.extend([
        const("shape", [2]), const("num", 3), const("i", 2), const("v", [5., 6.], F32),
        const("idx", [2, 0]), const("m1", -1),
        node("l", "TensorListReserve", ["shape", "num"], element_dtype=("type", F32),
             shape_type=("type", I32)),
        node("s", "TensorListSetItem", ["l", "i", "v"], element_dtype=("type", F32)),
        node("g", "TensorListGetItem", ["s", "i", "shape"], element_dtype=("type", F32)),
        node("st", "TensorListStack", ["s", "shape"], element_dtype=("type", F32),
             num_elements=3),
        node("ga", "TensorListGather", ["s", "idx", "shape"], element_dtype=("type", F32)),
        node("len", "TensorListLength", ["s"]),
        node("es", "TensorListElementShape", ["s"], shape_type=("type", I32)),
        node("grow", "TensorListSetItem", ["l", "num", "v"], element_dtype=("type", F32),
             resize_if_index_out_of_bounds=True),
        node("glen", "TensorListLength", ["grow"]),
        node("ft", "TensorListFromTensor", ["st", "shape"], element_dtype=("type", F32),
             shape_type=("type", I32)),
        node("sc", "TensorListScatterV2", ["st", "idx", "shape", "m1"],
             element_dtype=("type", F32), shape_type=("type", I32)),
    ])
    gd.node[-1].input[0] = "ga"
    names = ["g:0", "st:0", "ga:0", "len:0", "es:0", "glen:0", "ft:0", "sc:0"]
    with gc.Graph().as_default():
        outs = gc.import_graph_def(gd, return_elements=names, name="")
        with gc.Session() as sess:
            g, st, ga, n, es, glen, ft, sc = sess.run(outs)
    np.testing.assert_array_equal(g, [5, 6])
    np.testing.assert_array_equal(st, [[0, 0], [0, 0], [5, 6]])
    np.testing.assert_array_equal(ga, [[5, 6], [0, 0]])
    assert n == 3 and glen == 4 and list(es) == [2]
    np.testing.assert_array_equal(ft, st)
    np.testing.assert_array_equal(sc, [[0, 0], [0, 0], [5, 6]])
    assert outs[1].shape.as_list() == [3, 2]


def test_stack_num_elements_mismatch_is_refused():
    gd = GraphDef()
    gd.node.extend([
        const("shape", [2]), const("num", 3),
        node("l", "TensorListReserve", ["shape", "num"], element_dtype=("type", F32),
             shape_type=("type", I32)),
        node("st", "TensorListStack", ["l", "shape"], element_dtype=("type", F32),
             num_elements=4)])
    with gc.Graph().as_default(), pytest.raises(UnsupportedOpError,
                                                match="TensorListStack node 'st'.*4"):
        gc.import_graph_def(gd, name="")


def test_push_back_pop_back_and_optionals():
    """TF 2's gradient accumulators (a forward While pushing onto a list) and a cond's
    kept intermediates (Optionals: whether they hold a value; reading one is refused)."""
    gd = GraphDef()
    gd.node.extend([
        const("shape", [2]), const("m1", -1), const("a", [1., 2.], F32),
        const("b", [3., 4.], F32),
        node("l", "EmptyTensorList", ["shape", "m1"], element_dtype=("type", F32),
             shape_type=("type", I32)),
        node("p1", "TensorListPushBack", ["l", "a"], element_dtype=("type", F32)),
        node("p2", "TensorListPushBack", ["p1", "b"], element_dtype=("type", F32)),
        node("st", "TensorListStack", ["p2", "shape"], element_dtype=("type", F32)),
        node("pop", "TensorListPopBack", ["p2", "shape"], element_dtype=("type", F32)),
        node("rest", "TensorListStack", ["pop", "shape"], element_dtype=("type", F32)),
        node("some", "OptionalFromValue", ["a"], Toutput_types=AttrValue(
            list=AttrValue.ListValue(type=[F32]))),
        node("none", "OptionalNone", []),
        node("has", "OptionalHasValue", ["some"]),
    ])
    names = ["st:0", "pop:1", "rest:0", "has:0", "none:0"]
    with gc.Graph().as_default():
        outs = gc.import_graph_def(gd, return_elements=names, name="")
        with gc.Session() as sess:
            st, last, rest, has, none = sess.run(outs)
    np.testing.assert_array_equal(st, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(last, [3, 4])
    np.testing.assert_array_equal(rest, [[1, 2]])
    assert has and not none
    gd.node.append(node("get", "OptionalGetValue", ["some"], output_types=AttrValue(
        list=AttrValue.ListValue(type=[F32])), output_shapes=AttrValue(
        list=AttrValue.ListValue(shape=[TensorShapeProto([TensorShapeProto.Dim(2)])]))))
    with gc.Graph().as_default(), pytest.raises(UnsupportedOpError,
                                                match="OptionalGetValue node 'get'"):
        gc.import_graph_def(gd, name="")
