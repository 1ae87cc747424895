"""TF1 rules checked against TF 2.21: conv3d's strides and dilations (5-lists only),
gradients built in ys's graph whatever the default graph, and double writes to a
TensorArray imported from a TF GraphDef."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.summary_protos import TensorShapeProto
from graphc.io.tf_graphdef import AttrValue, GraphDef, NodeDef
from graphc.ops.conv3d import conv3d_windows


# ---- conv3d: TF1's tf.nn.conv3d is the raw op, its strides and dilations 5-lists ------------
@pytest.fixture
def x5():
    with gc.Graph().as_default():
        yield gc.placeholder(gc.float32, (1, 4, 4, 4, 2), name="x")


F = np.zeros((1, 1, 1, 2, 3), np.float32)


@pytest.mark.parametrize("strides, cls, text", [
    (1, TypeError, "strides must be a list of 5 ints"),
    ((1, 1, 1), ValueError, "not [1, 1, 1] of length 3"),
    ([2], ValueError, "not [2] of length 1"),
    ([1, 1, 1, 1], ValueError, "of length 4"),
    ([1] * 6, ValueError, "of length 6"),
])
def test_conv3d_strides_must_be_a_5_list(x5, strides, cls, text):
    with pytest.raises(cls) as e:
        gc.nn.conv3d(x5, F, strides, "SAME")
    assert str(e.value).startswith("conv3d: ") and text in str(e.value)
    assert "\n  in conv3d called at " in str(e.value)
    if cls is ValueError:
        assert not isinstance(e.value, TypeError)


def test_conv3d_dilations_and_backprop_filter_follow_the_same_rule(x5):
    with pytest.raises(TypeError, match="dilations must be a list of 5 ints"):
        gc.nn.conv3d(x5, F, [1] * 5, "SAME", dilations=1)
    with pytest.raises(ValueError, match="dilations must have 5 entries"):
        gc.nn.conv3d(x5, F, [1] * 5, "SAME", dilations=[1, 1, 1])
    g = gc.zeros((1, 4, 4, 4, 3))
    with pytest.raises(ValueError, match="conv3d_backprop_filter_v2: strides must have 5"):
        gc.nn.conv3d_backprop_filter_v2(x5, [1, 1, 1, 2, 3], g, [1, 1, 1], "SAME")
    with pytest.raises(TypeError, match="conv3d_backprop_filter_v2: strides must be a list"):
        gc.nn.conv3d_backprop_filter(x5, [1, 1, 1, 2, 3], g, 1, "SAME")


def test_conv3d_5_lists_and_the_short_forms_of_the_other_3d_ops(x5):
    a = gc.nn.conv3d(x5, F, (1, 2, 2, 2, 1), "SAME", dilations=None)
    b = conv3d_windows(x5, F, [2, 2, 2], "SAME")            # nn.convolution's form
    assert a.shape == b.shape == (1, 2, 2, 2, 3)
    for pool in (gc.nn.max_pool3d, gc.nn.avg_pool3d):       # TF: 1, 3 or 5 entries
        assert pool(x5, 2, [2, 2, 2], "VALID").shape == (1, 2, 2, 2, 2)
        with pytest.raises(ValueError, match="ksize should be of length 1, 3 or 5"):
            pool(x5, [1, 2, 2, 1], [1] * 5, "VALID")
    t = gc.nn.conv3d_transpose(gc.zeros((1, 2, 2, 2, 3)), F, [1, 4, 4, 4, 2], [2, 2, 2])
    assert t.shape == (1, 4, 4, 4, 2)


# ---- gradients: built in ys's graph (TF1), whatever graph is the default -------------------
def test_gradients_under_another_default_graph_build_in_ys_graph():
    g1 = gc.Graph()
    with g1.as_default():
        x = gc.placeholder(gc.float32, (2,), name="x")
        y = gc.reduce_sum(x * x)
        _, r = gc.while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * 2.0),
                             [gc.constant(0), x])
        c = gc.cond(gc.reduce_sum(x) > 0, lambda: x * 3.0, lambda: x)
    with gc.Graph().as_default():
        gx, = gc.gradients(y, x)
        gr, = gc.gradients(r, x)
        gcond, = gc.gradients(c, [x])
    assert gx.graph is g1 and gx.name.startswith("gradients/")
    assert gr.graph is gcond.graph is g1
    with gc.Session(graph=g1) as sess:
        got = sess.run([gx, gr, gcond], {x: [1.0, 2.0]})
    np.testing.assert_allclose(got, [[2, 4], [8, 8], [3, 3]])


def test_gradients_of_tensors_of_two_graphs_still_fail():
    g1, g2 = gc.Graph(), gc.Graph()
    with g1.as_default():
        y = gc.reduce_sum(gc.placeholder(gc.float32, (2,)))
    with g2.as_default():
        x = gc.placeholder(gc.float32, (2,), name="x2")
    with pytest.raises(ValueError, match="must be from the same graph"):
        gc.gradients(y, x)


# ---- an imported TensorArrayV3: a second write to an element fails when run ---------------
def _node(name, op, inputs, **attrs):
    nd = NodeDef(name=name, op=op, input=list(inputs))
    for k, v in attrs.items():
        nd.attr[k] = v
    return nd


def _const(name, value, dtype):
    return _node(name, "Const", [], dtype=AttrValue(type=1 if dtype is gc.float32 else 3),
                 value=AttrValue(tensor=gc.make_tensor_proto(value, dtype)))


def _ta_graph(writes, scatter=None):
    """A TensorArrayV3 of 3 float scalars named 'arr', the writes (index, value) in
    order, an optional scatter of (indices, values) after them, then stacked."""
    f32 = AttrValue(type=1)
    nodes = [_const("size", 3, gc.int32),
             _node("arr", "TensorArrayV3", ["size"], dtype=f32,
                   element_shape=AttrValue(shape=TensorShapeProto([], False)))]
    flow = "arr:1"
    for k, (i, v) in enumerate(writes):
        nodes += [_const(f"i{k}", i, gc.int32), _const(f"v{k}", v, gc.float32),
                  _node(f"w{k}", "TensorArrayWriteV3", ["arr", f"i{k}", f"v{k}", flow], T=f32)]
        flow = f"w{k}"
    if scatter is not None:
        nodes += [_const("si", scatter[0], gc.int32), _const("sv", scatter[1], gc.float32),
                  _node("s", "TensorArrayScatterV3", ["arr", "si", "sv", flow], T=f32)]
        flow = "s"
    nodes += [_node("stack", "TensorArrayGatherV3", ["arr", "all", flow], dtype=f32),
              _const("all", [0, 1, 2], gc.int32)]
    gd = GraphDef()
    gd.node.extend(nodes)
    return gd


def _run_stack(gd):
    with gc.Graph().as_default():
        out, = gc.import_graph_def(gd, return_elements=["stack:0"], name="")
        with gc.Session() as sess:
            return sess.run(out)


@pytest.mark.parametrize("writes, scatter, index", [
    ([(0, 1.0), (0, 2.0)], None, 0),
    ([], ([1, 1], [1.0, 2.0]), 1),
    ([(2, 5.0)], ([1, 2], [1.0, 2.0]), 2),
])
def test_imported_second_write_fails_as_tfs(writes, scatter, index):
    with pytest.raises(gc.errors.InvalidArgumentError) as e:
        _run_stack(_ta_graph(writes, scatter))
    assert (f"TensorArray arr: Could not write to TensorArray index {index} because it has "
            "already been written to.") in str(e.value)


def test_imported_writes_to_distinct_elements_run():
    got = _run_stack(_ta_graph([(0, 1.0), (2, 3.0)], ([1], [2.0])))
    np.testing.assert_array_equal(got, [1.0, 2.0, 3.0])
