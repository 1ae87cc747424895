"""graphc's TF GraphDef importer on what training graphs hold (tf_graphdef_import_more*.py):
a graphc training graph exported to a TF GraphDef and imported into a fresh graph trains
to the same losses; variables, random initializers, BroadcastGradientArgs (TF's rule),
StridedSliceGrad masks, the cross-entropies' two outputs, Bincount; refused attrs and
type errors. tests/test_tf_parity_tf_graphdef_import_more.py imports TF-built graphs."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.serialize import SerializationError
from graphc.io.tf_graphdef import GraphDef, NodeDef
from graphc.io.tf_graphdef_export import Shape, attr_value, export_tf_graph_def
from graphc.io.tf_graphdef_import import InputTypeError, UnsupportedOpError

F32 = gc.float32
I32 = gc.int32


def _gd(*nodes):
    """A GraphDef of (name, op, inputs, attrs) tuples."""
    gd = GraphDef()
    for name, op, inputs, attrs in nodes:
        nd = NodeDef(name=name, op=op, input=list(inputs))
        for k, v in attrs.items():
            nd.attr[k] = attr_value(v)
        gd.node.append(nd)
    return GraphDef.FromString(gd.SerializeToString())


def _const(name, value, dtype=I32):
    return (name, "Const", (), {"dtype": dtype, "value": np.asarray(value, dtype.np)})


def _ph(name, dtype=F32, shape=None):
    return (name, "Placeholder", (), {"dtype": dtype, "shape": Shape(gc.TensorShape(shape))})


def _run(gd, fetches, feed=None):
    """Run the imported graph; "name:i" fetches through return_elements (an output
    past 0 of a node graphc builds from several ops has no graph name)."""
    with gc.Graph().as_default():
        many = isinstance(fetches, list)
        fetches = fetches if many else [fetches]
        ts = gc.import_graph_def(gd, name="", return_elements=fetches)
        with gc.Session() as s:
            out = s.run(ts, {t + ":0" if ":" not in t else t: v
                             for t, v in (feed or {}).items()})
        return out if many else out[0]


def _model(batch):
    """A small CNN + a broadcasting dense layer (None batch: BroadcastGradientArgs on
    run-time shapes) with every gradient op the exporter writes for it."""
    x = gc.placeholder(F32, [2, 12, 12, 3], name="x")
    labels = gc.placeholder(F32, [2, 9], name="labels")
    w = gc.Variable(gc.random_normal([3, 3, 3, 4], stddev=0.3, seed=1), name="w")
    dw = gc.Variable(gc.truncated_normal([3, 3, 4, 2], stddev=0.3, seed=2), name="dw")
    y = gc.nn.relu(gc.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"))
    y = gc.nn.depthwise_conv2d_native(y, dw, [1, 1, 1, 1], "SAME")
    y = gc.nn.avg_pool(gc.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "VALID"),
                       [1, 2, 2, 1], [1, 1, 1, 1], "VALID")
    y = gc.pad(y[:, 1:, ::2, 0], [[0, 0], [1, 1], [1, 1]], mode="REFLECT")
    y = gc.image.resize_nearest_neighbor(gc.image.resize_bilinear(y[..., None], [4, 4]),
                                         [3, 3])
    logits = gc.reshape(y, [2, 9])
    xent = gc.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    sparse = gc.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 5], logits=logits)
    h = gc.placeholder(F32, [batch, 5], name="h")
    v = gc.Variable(gc.random_uniform([5, 2], -1.0, 1.0, seed=3), name="v")
    b = gc.Variable(gc.zeros([2]), name="b")
    dense = gc.reduce_mean(gc.square(gc.matmul(h, v) + b - 1.0))
    return gc.identity(gc.reduce_mean(xent) + gc.reduce_mean(sparse) + dense, name="loss")


@pytest.mark.parametrize("optimizer,batch", [("adam", None), ("momentum", 3)])
def test_training_graph_round_trip(optimizer, batch):
    """graphc -> TF GraphDef bytes -> a fresh graphc graph: initialize through the
    imported Assign ops, train three steps, the same losses."""
    rng = np.random.default_rng(0)
    feed = {"x:0": rng.standard_normal((2, 12, 12, 3)).astype(np.float32),
            "labels:0": rng.dirichlet(np.ones(9), 2).astype(np.float32),
            "h:0": rng.standard_normal((3, 5)).astype(np.float32)}
    with gc.Graph().as_default() as g:
        loss = _model(batch)
        opt = gc.train.AdamOptimizer(0.05) if optimizer == "adam" else \
            gc.train.MomentumOptimizer(0.1, 0.9)
        train = opt.minimize(loss, name="train")
        init = gc.global_variables_initializer()
        with gc.Session() as s:
            s.run(init)
            want = [s.run([loss, train], feed)[0] for _ in range(3)]
    gd = GraphDef.FromString(export_tf_graph_def(g).SerializeToString())
    ops = {nd.op for nd in gd.node}
    assert {"VariableV2", "Assign", "ReluGrad", "MaxPoolGrad", "AvgPoolGrad",
            "Conv2DBackpropFilter", "StridedSliceGrad", "MirrorPadGrad",
            "ResizeBilinearGrad", "ResizeNearestNeighborGrad", "BroadcastGradientArgs",
            "DepthwiseConv2dNativeBackpropFilter", "SoftmaxCrossEntropyWithLogits",
            "SparseSoftmaxCrossEntropyWithLogits"} <= ops
    with gc.Graph().as_default() as g2:
        gc.import_graph_def(gd, name="")
        assert gc.global_variables() == []          # TF1: no collections on import
        assert g2.get_operation_by_name("w").type == "VariableV2"
        with gc.Session() as s:
            s.run(init.name)
            got = [s.run(["loss:0", "train"], feed)[0] for _ in range(3)]
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert want[2] < want[0]


def test_variable_assign_add_sub():
    gd = _gd(("v", "VariableV2", (), {"dtype": F32, "shape": Shape(gc.TensorShape([2])),
                                      "container": "", "shared_name": ""}),
             _const("one", [1.0, 2.0], F32),
             ("init", "Assign", ("v", "one"), {"T": F32, "validate_shape": True,
                                                "use_locking": True}),
             ("inc", "AssignAdd", ("v", "one"), {"T": F32, "use_locking": False}),
             ("dec", "AssignSub", ("v", "one"), {"T": F32}))
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd, name="imp")
        with gc.Session() as s:
            with pytest.raises(gc.errors.FailedPreconditionError):
                s.run("imp/v:0")
            s.run("imp/init")
            s.run("imp/inc")
            np.testing.assert_array_equal(s.run("imp/inc:0"), [3.0, 6.0])
            np.testing.assert_array_equal(s.run("imp/dec:0"), [2.0, 4.0])
            np.testing.assert_array_equal(s.run("imp/v:0"), [2.0, 4.0])
        assert g.get_tensor_by_name("imp/v:0").shape.as_list() == [2]


def test_random_seeds():
    """seed=seed2=0: fresh entropy each run; set seeds: the same stream in every import."""
    def graph(seed, seed2):
        return _gd(_const("shape", [3, 4]),
                   ("r", "RandomUniform", ("shape",), {"dtype": F32, "T": I32, "seed": seed,
                                                      "seed2": seed2}),
                   ("n", "RandomStandardNormal", ("shape",), {"dtype": gc.float64, "T": I32,
                                                             "seed": seed, "seed2": seed2}),
                   ("t", "TruncatedNormal", ("shape",), {"dtype": F32, "T": I32,
                                                        "seed": seed, "seed2": seed2}))
    a, b = _run(graph(1, 7), ["r:0", "n:0", "t:0"]), _run(graph(1, 7), ["r:0", "n:0", "t:0"])
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert a[0].dtype == np.float32 and a[1].dtype == np.float64
    assert (0 <= a[0]).all() and (a[0] < 1).all() and (np.abs(a[2]) <= 2).all()
    c, d = _run(graph(0, 0), "r:0"), _run(graph(0, 0), "r:0")
    assert not np.array_equal(c, d)


def test_matrix_diag_part_v2_and_v3_import():
    """TF 2's matrix_diag ops (V3, align; V2 packs every diagonal to the left) with
    TF 2.21's values; k, sizes and padding must be Consts."""
    m = np.arange(12, dtype=np.float32).reshape(3, 4)
    want = [[1.0, 6.0, 11.0], [0.0, 5.0, 10.0], [4.0, 9.0, 7.0]]   # TF's, both ops
    for op, attrs in (("MatrixDiagPartV2", {}), ("MatrixDiagPartV3", {"align": "LEFT_LEFT"})):
        gd = _gd(_const("m", m, F32), _const("k", [-1, 1]), _const("p", 7.0, F32),
                 ("d", op, ("m", "k", "p"), {"T": F32, **attrs}))
        np.testing.assert_array_equal(_run(gd, "d:0"), want)
    gd = _gd(_const("m", m, F32), _ph("k", I32, [2]), _const("p", 7.0, F32),
             ("d", "MatrixDiagPartV3", ("m", "k", "p"), {"T": F32}))
    with pytest.raises(UnsupportedOpError, match="'d'.*input 'k'.*must be known"):
        _run(gd, "d:0", {"k:0": [0, 1]})


# TF's BroadcastGradientArgs outputs, as TF 2.21 computes them
_BGA = [([1, 1], [1, 1], [], []), ([2, 1], [2, 3], [1], []), ([3], [2, 3], [0], []),
        ([1], [2, 1], [0, 1], [1]), ([0, 1], [1, 3], [1], [0]), ([], [2, 3], [0, 1], []),
        ([2, 1, 1], [1, 1], [1, 2], [0, 1, 2]), ([5, 1, 3], [1, 1, 3], [1], [0, 1]),
        ([1, 2], [2], [0], [0]), ([1], [], [0], [0]), ([4, 1], [1], [1], [0, 1]),
        ([2, 3], [2, 3], [], [])]


@pytest.mark.parametrize("static", [True, False])
def test_broadcast_gradient_args(static):
    for s0, s1, r0, r1 in _BGA:
        if static:
            nodes = [_const("a", s0), _const("b", s1)]
            feed = {}
        else:
            nodes = [("a", "Placeholder", (), {"dtype": I32}),
                     ("b", "Placeholder", (), {"dtype": I32})]
            feed = {"a:0": np.array(s0, np.int32), "b:0": np.array(s1, np.int32)}
        gd = _gd(*nodes, ("r", "BroadcastGradientArgs", ("a", "b"), {"T": I32}))
        got = _run(gd, ["r:0", "r:1"], feed)
        assert [x.tolist() for x in got] == [r0, r1], (s0, s1)
        assert got[0].dtype == np.int32
    bad = _gd(_const("a", [2]), _const("b", [3]),
              ("r", "BroadcastGradientArgs", ("a", "b"), {"T": I32}))
    with pytest.raises(ValueError, match=r"Incompatible shapes: \[2\] vs. \[3\]"):
        _run(bad, "r:0")
    bad = _gd(("a", "Placeholder", (), {"dtype": I32}), _const("b", [3]),
              ("r", "BroadcastGradientArgs", ("a", "b"), {"T": I32}))
    with pytest.raises(gc.errors.InvalidArgumentError):
        _run(bad, "r:0", {"a:0": np.array([2], np.int32)})


def test_strided_slice_grad_masks():
    """StridedSliceGrad writes dy where StridedSlice (same masks) reads."""
    x = np.arange(60.0, dtype=np.float32).reshape(3, 4, 5)
    masks = {"begin_mask": 1, "end_mask": 4, "ellipsis_mask": 0, "new_axis_mask": 8,
             "shrink_axis_mask": 2}
    spec = (_const("begin", [0, 2, 1, 0]), _const("end", [2, 3, 0, 0]),
            _const("strides", [1, 1, 2, 1]))
    gd = _gd(_const("x", x, F32), *spec, _const("shape", [3, 4, 5]),
             ("s", "StridedSlice", ("x", "begin", "end", "strides"),
              {"T": F32, "Index": I32, **masks}),
             ("g", "StridedSliceGrad", ("shape", "begin", "end", "strides", "s"),
              {"T": F32, "Index": I32, **masks}))
    s, g = _run(gd, ["s:0", "g:0"])
    np.testing.assert_array_equal(s, x[:2, 2, 1::2, None])
    want = np.zeros_like(x)
    want[:2, 2, 1::2] = x[:2, 2, 1::2]
    np.testing.assert_array_equal(g, want)


def test_cross_entropies_two_outputs():
    """Output 1 is TF's backprop: softmax - labels (here labels sum to 2)."""
    logits = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]], np.float32)
    labels = np.array([[1.0, 1.0, 0.0], [0.0, 0.5, 1.5]], np.float32)
    gd = _gd(_const("f", logits, F32), _const("l", labels, F32), _const("i", [2, 0]),
             ("x", "SoftmaxCrossEntropyWithLogits", ("f", "l"), {"T": F32}),
             ("s", "SparseSoftmaxCrossEntropyWithLogits", ("f", "i"),
              {"T": F32, "Tlabels": I32}))
    loss, back, sloss, sback = _run(gd, ["x:0", "x:1", "s:0", "s:1"])
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    np.testing.assert_allclose(loss, -(labels * np.log(p)).sum(1), rtol=1e-6)
    np.testing.assert_allclose(back, p - labels, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(sloss, -np.log(p[[0, 1], [2, 0]]), rtol=1e-6)
    np.testing.assert_allclose(sback, p - np.eye(3)[[2, 0]], rtol=1e-6, atol=1e-7)


def test_bincount_weights():
    arr = np.array([1, 1, 3, 7], np.int32)
    gd = _gd(_const("a", arr), _const("n", 5), _const("w0", np.zeros(0, np.float32), F32),
             _const("w", [0.5, 1.0, 2.0, 4.0], F32),
             ("c", "Bincount", ("a", "n", "w0"), {"T": F32}),
             ("d", "Bincount", ("a", "n", "w"), {"T": F32}))
    c, d = _run(gd, ["c:0", "d:0"])
    np.testing.assert_array_equal(c, [0, 2, 0, 1, 0])
    np.testing.assert_array_equal(d, [0, 1.5, 0, 2.0, 0])
    assert c.dtype == d.dtype == np.float32


_VAR = ("v", "VariableV2", (), {"dtype": F32, "shape": Shape(gc.TensorShape([2]))})


@pytest.mark.parametrize("nodes,match", [
    ([("v", "VariableV2", (), {"dtype": F32, "shape": Shape(gc.TensorShape([2])),
                               "shared_name": "w"})],
     "VariableV2 node 'v': shared_name='w'"),
    ([_const("c", [1.0, 2.0], F32), _const("d", [1.0, 2.0], F32),
      ("a", "Assign", ("c", "d"), {"T": F32})], "Assign node 'a': input 0 .* is a Const"),
    ([_VAR, _const("d", [1.0, 2.0], F32),
      ("a", "Assign", ("v", "d"), {"T": F32, "validate_shape": False})],
     "validate_shape=false"),
    ([_const("x", np.ones((1, 4, 4, 1)), F32),
      ("m", "MaxPool", ("x",), {"T": F32, "ksize": [1, 2, 2, 1], "strides": [1, 2, 2, 1],
                                "padding": "VALID"}),
      ("g", "MaxPoolGrad", ("x", "m", "m"), {"T": F32, "ksize": [1, 2, 2, 1],
                                             "strides": [1, 2, 2, 1], "padding": "EXPLICIT",
                                             "explicit_paddings": [0] * 8})],
     "MaxPoolGrad node 'g': EXPLICIT padding"),
    ([_const("i", [[0]]), _const("u", [1.0], F32), _const("s", [2]),
      ("n", "ScatterNd", ("i", "u", "s"), {"T": F32, "Tindices": I32,
                                           "bad_indices_policy": "IGNORE"})],
     "bad_indices_policy 'IGNORE'"),
    ([_const("x", np.ones((1, 2, 2, 4)), F32),
      ("d", "SpaceToDepth", ("x",), {"T": F32, "block_size": 2,
                                     "data_format": "NCHW_VECT_C"})],
     "data_format 'NCHW_VECT_C'"),
    ([_const("x", [1.0], F32), _const("a", 0),
      ("c", "Cumsum", ("x", "a"), {"T": F32, "Tidx": I32,
                                                           "exclusive": False,
                                                           "reverse": False, "fancy": 1})],
     r"attrs \['fancy'\] are not supported"),
    ([_const("x", [1.0], F32), ("c", "Tan", ("x",), {"T": F32, "mystery": True})],
     r"attrs \['mystery'\]"),
])
def test_refusals_name_the_node(nodes, match):
    with pytest.raises(UnsupportedOpError, match=match):
        _run(_gd(*nodes), [])


def test_type_errors():
    """Inputs of another dtype than the node's type attrs: TF's import error."""
    gd = _gd(_VAR, _const("d", [1, 2]), ("a", "Assign", ("v", "d"), {"T": F32}))
    with pytest.raises(InputTypeError, match="Input 1 of node a was passed int32 from "
                                             "d:0 incompatible with expected float"):
        _run(gd, [])
    gd = _gd(_const("g", np.ones((1, 2, 2, 1)), gc.float64),
             _const("x", np.ones((1, 1, 1, 1)), gc.float64),
             ("r", "ResizeBilinearGrad", ("g", "x"), {"T": gc.float64}))
    with pytest.raises(InputTypeError, match="Input 0 of node r was passed double"):
        _run(gd, [])
    gd = _gd(_const("x", [1.0 + 2.0j], gc.complex64),
             ("r", "Real", ("x",), {"T": gc.complex64, "Tout": gc.float64}))
    with pytest.raises(SerializationError, match="output 0 is float32 in graphc, float64"):
        _run(gd, [])


def test_missing_required_attr_and_static_inputs():
    gd = _gd(_const("x", [1.0, 2.0], F32), ("a", "Placeholder", (), {"dtype": I32}),
             ("c", "Cumsum", ("x", "a"), {"T": F32, "Tidx": I32}))
    with pytest.raises(UnsupportedOpError, match="input 'axis' .* must be known"):
        _run(gd, [])
    gd = _gd(_const("x", np.ones((1, 2, 2, 4)), F32),
             ("d", "SpaceToDepth", ("x",), {"T": F32}))
    with pytest.raises(SerializationError, match="has no attr 'block_size'"):
        _run(gd, [])


def test_tf1_ref_variable_optimizer_and_scatter_ops():
    """TF1's Apply*/SparseApply*/Scatter* on ref variables: the update, and the
    variable after it as the output (TF's kernels; test_tf_parity_tf_graphdef_import_more
    trains TF1 graphs of every optimizer)."""
    v = gc.Variable([1.0, 2.0], name="v")
    m, s = gc.Variable([0.0, 0.0]), gc.Variable([0.0, 0.0])
    adam = gc.raw_ops.ApplyAdam(var=v, m=m, v=s, beta1_power=0.9, beta2_power=0.999,
                                lr=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8,
                                grad=[0.5, -1.0])
    e = gc.Variable(np.zeros((3, 2), np.float32), name="e")
    acc = gc.Variable(np.ones((3, 2), np.float32))
    mom = gc.raw_ops.SparseApplyMomentum(var=e, accum=acc, lr=0.5, grad=[[1.0, 2.0]],
                                         indices=[2], momentum=0.9)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        np.testing.assert_allclose(sess.run(adam), [0.9, 2.1], rtol=1e-6)
        np.testing.assert_allclose(sess.run([m, s]), [[0.05, -0.1], [0.00025, 0.001]],
                                   rtol=1e-4)      # (float32's 1 - 0.999)
        np.testing.assert_allclose(sess.run(mom), [[0, 0], [0, 0], [-0.95, -1.45]])
    with gc.Graph().as_default() as g:
        w = gc.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        add = gc.scatter_add(w, [0, 2], [[1.0, 1.0], [2.0, 2.0]], name="sa")
        upd = gc.identity(gc.scatter_nd_update(w, [[1, 1]], [9.0], name="snu"), name="r")
        gd = export_tf_graph_def(g)
        assert {"ScatterAdd", "ScatterNdUpdate"} <= {nd.op for nd in gd.node}
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            sess.run("w/Assign")
            sess.run("sa")
            np.testing.assert_array_equal(sess.run("r:0"), [[1, 2], [2, 9], [6, 7]])
