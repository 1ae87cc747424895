"""gc.import_graph_def on TensorFlow GraphDef protobufs (no TF needed): the frozen
graphs of tests/data (written by tests/data/make_tf_frozen.py) run as in TF; proto
round trips; input naming, input_map, return_elements, scoping; errors."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc.io.serialize import SerializationError
from graphc.io.tf_graphdef import AttrValue, GraphDef, NameAttrList, NodeDef
from graphc.io.summary_protos import TensorProto, TensorShapeProto
from graphc.io.tf_graphdef_import import UnsupportedOpError, tf_datatype

DATA = os.path.join(os.path.dirname(__file__), "data")
FETCHES = {"cnn": ["probs:0", "label:0"],
           "mlp": ["out:0", "row_mean:0", "top_values:0", "onehot:0", "positive:0"]}


def load(tag):
    with open(os.path.join(DATA, f"tf_frozen_{tag}.pb"), "rb") as f:
        return f.read()


@pytest.fixture(scope="module")
def expected():
    return np.load(os.path.join(DATA, "tf_frozen_expected.npz"))


@pytest.mark.parametrize("tag", ["cnn", "mlp"])
def test_frozen_graph_matches_tf(tag, expected):
    gd = GraphDef()
    assert gd.ParseFromString(load(tag)) == len(load(tag))
    with gc.Graph().as_default() as g:
        outs = gc.import_graph_def(gd, return_elements=FETCHES[tag])
        feed = {g.get_tensor_by_name("import/" + k.split("/in/")[1]): expected[k]
                for k in expected.files if k.startswith(tag + "/in/")}
        with gc.Session() as sess:
            got = sess.run(outs, feed)
    for name, v in zip(FETCHES[tag], got):
        want = expected[f"{tag}/out/{name}"]
        assert v.dtype == want.dtype and v.shape == want.shape, name
        np.testing.assert_allclose(v, want, rtol=1e-5, atol=1e-6, err_msg=name)


def test_frozen_cnn_input_map_and_names(expected):
    gd = GraphDef.FromString(load("cnn"))
    x = expected["cnn/in/images:0"]
    with gc.Graph().as_default() as g:
        images = gc.placeholder(gc.float32, (None, 8, 8, 3), name="my_images")
        probs, op = gc.import_graph_def(gd, input_map={"images": images},
                                        return_elements=["probs:0", "probs"], name="net")
        assert probs.name == "net/probs:0" and op is probs.op
        assert g.get_tensor_by_name("net/logits:0").shape.as_list() == [None, 5]
        with gc.Session() as sess:
            got = sess.run(probs, {images: x})
    np.testing.assert_allclose(got, expected["cnn/out/probs:0"], rtol=1e-5, atol=1e-6)


def test_proto_round_trip_of_fixtures():
    for tag in ("cnn", "mlp"):
        gd = GraphDef.FromString(load(tag))
        again = GraphDef.FromString(gd.SerializeToString())
        assert again == gd and again.SerializeToString() == gd.SerializeToString()
        assert gd.versions.producer > 0 and gd.HasField("versions")
        conv = [n for n in gd.node if n.op in ("Conv2D", "MatMul")][0]
        assert conv.attr["T"].type == 1 and conv.attr["T"].WhichOneof("value") == "type"


def test_attr_value_kinds_round_trip():
    shape = TensorShapeProto
    values = [AttrValue(s=b"SAME"), AttrValue(i=-3), AttrValue(f=0.5), AttrValue(b=False),
              AttrValue(type=9), AttrValue(placeholder="T"), AttrValue(i=0),
              AttrValue(tensor=gc.make_tensor_proto([[1, -2]], gc.int32)),
              AttrValue(shape=shape(dim=[shape.Dim(size=-1), shape.Dim(size=3)])),
              AttrValue(func=NameAttrList(name="f", attr={"x": AttrValue(i=1)})),
              AttrValue(list=AttrValue.ListValue(i=[1, -2, 2 ** 40], f=[0.25], b=[True],
                                                 s=[b"a", "b"], type=[1, 3]))]
    for v in values:
        back = AttrValue.FromString(v.SerializeToString())
        assert back == v and back.WhichOneof("value") == v.WhichOneof("value")
    assert AttrValue(i=0).SerializeToString() == b"\x18\x00"    # a oneof member is written
    assert AttrValue().WhichOneof("value") is None and AttrValue().SerializeToString() == b""
    a = AttrValue()
    a.list.i.extend([1, 2, 2, 1])           # changing an unset message member selects it
    assert a.WhichOneof("value") == "list" and a.list.i == [1, 2, 2, 1]
    with pytest.raises(ValueError):
        AttrValue(s=b"x", i=1)


def test_node_def_and_graph_def_fields():
    nd = NodeDef(name="y", op="Relu", input=["x", "^c"], device="/cpu:0",
                 attr={"T": AttrValue(type=1)})
    gd = GraphDef(node=[nd])
    gd.node.add(name="x", op="Placeholder").attr["dtype"].type = 1
    back = GraphDef.FromString(gd.SerializeToString())
    assert [n.name for n in back.node] == ["y", "x"] and back.node[0].input == ["x", "^c"]
    assert back.node[0].device == "/cpu:0" and not back.HasField("library")
    assert back.node[1].attr["dtype"].type == 1
    copy = GraphDef()
    copy.CopyFrom(back)
    assert copy == back and copy.ByteSize() == len(back.SerializeToString())


def _node(name, op, inputs=(), **attrs):
    return NodeDef(name=name, op=op, input=list(inputs), attr=attrs)


def _t(type_num):
    return AttrValue(type=type_num)


def _const(name, value, dtype):
    return _node(name, "Const", value=AttrValue(tensor=gc.make_tensor_proto(value, dtype)),
                 dtype=_t(tf_datatype(dtype)))


def _placeholder(name):
    return _node(name, "Placeholder", dtype=_t(1))


def _run(gd, fetches, feeds=None, **kw):
    with gc.Graph().as_default() as g:
        outs = gc.import_graph_def(gd, return_elements=fetches, **kw)
        with gc.Session() as sess:
            feed = {g.get_tensor_by_name(k): v for k, v in (feeds or {}).items()}
            return sess.run([o for o in outs if isinstance(o, gc.Tensor)], feed)


def test_multi_output_inputs_control_inputs_and_unordered_nodes():
    # nodes listed consumer-first: import sorts them; "s:1" is Split's second output
    gd = GraphDef(node=[
        _node("y", "AddV2", ["s:1", "s"], T=_t(1)),
        _node("after", "Identity", ["y", "^init"], T=_t(1)),
        _node("s", "Split", ["axis", "x"], T=_t(1), num_split=AttrValue(i=2)),
        _const("axis", np.int32(0), gc.int32),
        _placeholder("x"),
        _node("init", "NoOp")])
    x = np.array([1.0, 2.0, 10.0, 20.0], np.float32)
    with gc.Graph().as_default() as g:
        after, init = gc.import_graph_def(gd, return_elements=["after:0", "init"], name="")
        assert init.name == "init" and init in after.op.control_inputs
        with gc.Session() as sess:
            np.testing.assert_array_equal(sess.run(after, {g.get_tensor_by_name("x:0"): x}),
                                          [11.0, 22.0])


def test_import_scope_is_unique_and_device_kept():
    gd = GraphDef(node=[_placeholder("x")])
    gd.node[0].device = "/device:CPU:0"
    with gc.Graph().as_default():
        a, = gc.import_graph_def(gd, return_elements=["x:0"])
        b, = gc.import_graph_def(gd, return_elements=["x:0"])
        assert (a.name, b.name) == ("import/x:0", "import_1/x:0")
        assert a.op.device == "/device:CPU:0"
        assert gc.import_graph_def(gd) is None


def test_splat_constants_and_negative_ints():
    # TF writes a constant whose values are all equal as one value ("splat"), and
    # negative int32s as 10-byte varints
    dims = b"\x12\x02\x08\x02" + b"\x12\x02\x08\x03"            # dim {size: 2} dim {3}
    raw = b"\x08\x01" + b"\x12" + bytes([len(dims)]) + dims \
        + b"\x2a\x04" + np.float32(2.5).tobytes()                  # float_val: [2.5]
    gd = GraphDef(node=[_node("c", "Const", value=AttrValue(tensor=TensorProto.FromString(raw)),
                              dtype=_t(1)),
                        _const("n", np.array([-1, -7], np.int32), gc.int32)])
    c, n = _run(gd, ["c:0", "n:0"])
    np.testing.assert_array_equal(c, np.full((2, 3), 2.5, np.float32))
    np.testing.assert_array_equal(n, [-1, -7])


def test_unsupported_ops_are_listed_at_once():
    gd = GraphDef(node=[_placeholder("x"), _node("e", "RefEnter", ["x"], T=_t(1)),
                        _node("m", "RefMerge", ["e"], T=_t(1)),
                        _node("f", "FancyOp", ["x"])])
    with gc.Graph().as_default(), pytest.raises(UnsupportedOpError) as e:
        gc.import_graph_def(gd)
    msg = str(e.value)
    assert "RefEnter: 'e'" in msg and "FancyOp: 'f'" in msg and "RefMerge: 'm'" in msg
    assert "freeze the graph" in msg


def test_errors_of_tf():
    gd = GraphDef(node=[_placeholder("x"), _node("y", "Relu", ["x"], T=_t(1))])
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match="Requested return tensor 'z:0' not found"):
            gc.import_graph_def(gd, return_elements=["z:0"])
        with pytest.raises(ValueError, match="Requested return node 'z' not found"):
            gc.import_graph_def(gd, return_elements=["z"])
        with pytest.raises(ValueError, match="Attempted to map inputs that were not found"):
            gc.import_graph_def(gd, input_map={"nope:0": gc.constant(1.0)})
        with pytest.raises(ValueError, match="Input 0 of node import_.*/y was passed int32 "
                                             "from Const.*:0 incompatible with expected float\\."):
            gc.import_graph_def(gd, input_map={"x:0": gc.constant([1])})
        with pytest.raises(ValueError, match=r"not found in graph_def: \[x:3\]"):
            gc.import_graph_def(gd, input_map={"x:3": gc.constant([1.0])})
        with pytest.raises(ValueError, match="Invalid return output 4 of node 'y', which "
                                             r"has 1 output\(s\)"):
            gc.import_graph_def(gd, return_elements=["y:4"])
        with pytest.raises(ValueError, match="Unknown input node 'w'"):
            gc.import_graph_def(GraphDef(node=[_node("y", "Relu", ["w"], T=_t(1))]))
        cycle = GraphDef(node=[_node("a", "Identity", ["b"], T=_t(1)),
                               _node("b", "Identity", ["a"], T=_t(1))])
        with pytest.raises(SerializationError, match="cycle"):
            gc.import_graph_def(cycle)
        with pytest.raises(ValueError, match="producer_op_list"):
            gc.import_graph_def(gd, producer_op_list=object())


def test_attrs_honoured_or_refused_by_node():
    def conv(**attrs):
        base = dict(T=_t(1), strides=AttrValue(list=AttrValue.ListValue(i=[1, 1, 1, 1])),
                    padding=AttrValue(s=b"SAME"))
        base.update(attrs)
        return GraphDef(node=[_node("x", "Placeholder", dtype=_t(1)),
                              _const("w", np.ones((1, 1, 2, 2), np.float32), gc.float32),
                              _node("c", "Conv2D", ["x", "w"], **base)])
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="Conv2D node 'c'.*'weird_attr'"):
            gc.import_graph_def(conv(weird_attr=AttrValue(i=1)))
        with pytest.raises(UnsupportedOpError, match="Conv2D node 'c'.*NDHWC"):
            gc.import_graph_def(conv(data_format=AttrValue(s=b"NDHWC")))
        with pytest.raises(UnsupportedOpError, match="explicit_paddings"):
            gc.import_graph_def(conv(explicit_paddings=AttrValue(
                list=AttrValue.ListValue(i=[0] * 8 + [1]))))


def test_fused_batch_norm_in_training_mode_imports():
    """TF's CPU outputs: y, the batch mean and unbiased variance, then the batch mean and
    biased variance (reserve spaces); exponential_avg_factor f < 1 mixes the running
    averages given. A frozen graph's training branch (behind a `training` placeholder)
    thus imports whole."""
    xv = np.random.RandomState(0).rand(3, 2, 2, 2).astype(np.float32)
    flat = xv.reshape(-1, 2)
    for factor in (1.0, 0.25):
        fbn = GraphDef(node=[_placeholder(n) for n in "xsomv"] + [_node(
            "bn", "FusedBatchNormV2", list("xsomv"), T=_t(1), U=_t(1), epsilon=AttrValue(
                f=0.001), is_training=AttrValue(b=True),
            exponential_avg_factor=AttrValue(f=factor))])
        feeds = {"x:0": xv, "s:0": [1.0, 2.0], "o:0": [0.0, 1.0], "m:0": [1.0, 1.0],
                 "v:0": [2.0, 2.0]}
        y, m, v, r1, r2 = _run(fbn, [f"bn:{k}" for k in range(5)], feeds, name="")
        mean, var = flat.mean(0), flat.var(0)
        np.testing.assert_allclose(y, (xv - mean) / np.sqrt(var + 1e-3) * [1, 2] + [0, 1],
                                   rtol=1e-4, atol=1e-5)
        unbiased = flat.var(0, ddof=1)
        np.testing.assert_allclose(m, (1 - factor) * 1.0 + factor * mean, rtol=1e-5)
        np.testing.assert_allclose(v, (1 - factor) * 2.0 + factor * unbiased, rtol=1e-5)
        np.testing.assert_allclose(r1, mean, rtol=1e-5)
        np.testing.assert_allclose(r2, var, rtol=1e-5)


def test_explicit_conv_padding_and_a_fed_perm():
    x = np.arange(2 * 3 * 3 * 1, dtype=np.float32).reshape(2, 3, 3, 1)
    pads = AttrValue(list=AttrValue.ListValue(i=[0, 0, 1, 0, 0, 2, 0, 0]))
    gd = GraphDef(node=[_placeholder("x"),
                        _const("w", np.ones((2, 2, 1, 1), np.float32), gc.float32),
                        _node("c", "Conv2D", ["x", "w"], T=_t(1), padding=AttrValue(
                            s=b"EXPLICIT"), explicit_paddings=pads, strides=AttrValue(
                            list=AttrValue.ListValue(i=[1, 1, 1, 1])))])
    got, = _run(gd, ["c:0"], {"import/x:0": x})
    xp = np.pad(x, [(0, 0), (1, 0), (0, 2), (0, 0)])
    want = xp[:, :-1, :-1] + xp[:, 1:, :-1] + xp[:, :-1, 1:] + xp[:, 1:, 1:]
    np.testing.assert_allclose(got, want)
    gd = GraphDef(node=[_placeholder("x"), _node("p", "Placeholder", dtype=_t(3)),
                        _node("t", "Transpose", ["x", "p"], T=_t(1), Tperm=_t(3))])
    got, = _run(gd, ["t:0"], {"import/x:0": x, "import/p:0": [3, 1, 2, 0]})  # perm fed
    np.testing.assert_array_equal(got, x.transpose(3, 1, 2, 0))


def test_deep_chain_in_reverse_order_imports_without_recursion():
    n = 3000
    nodes = [_node(f"n{i}", "Neg", [f"n{i - 1}"], T=_t(1)) for i in range(n, 0, -1)]
    gd = GraphDef(node=nodes + [_placeholder("n0")])
    got, = _run(gd, [f"n{n}:0"], {"import/n0:0": np.float32(1.5)})
    assert got == 1.5


def test_names_taken_in_the_graph_are_made_unique():
    gd = GraphDef(node=[_placeholder("x"), _node("y", "Relu", ["x"], T=_t(1))])
    with gc.Graph().as_default():
        gc.constant(0.0, name="x")
        x, y = gc.import_graph_def(gd, return_elements=["x:0", "y:0"], name="")
        assert (x.name, y.name) == ("x_1:0", "y:0") and y.op.inputs[0] is x
        with gc.Session() as sess:
            assert sess.run(y, {x: np.float32(-2)}) == 0
