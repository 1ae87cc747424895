"""Parity of gc.import_graph_def on TF GraphDefs: each case builds a TF graph of one op
(attr variants), serializes its GraphDef, has graphc parse and import it, and runs both
on the same inputs: equal dtypes, shapes and values. Plus TF parsing graphc's bytes."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from tf_parity import tf, v1

R = tf.raw_ops
rng = np.random.default_rng(0)


def f32(*shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def i32(*values):
    return np.array(values, np.int32)


def via_graphdef(fn, arrays, unknown=False, rtol=1e-5, atol=1e-6):
    """fn(*placeholders) -> list of TF tensors; run in TF and through graphc's import."""
    g = tf.Graph()
    with g.as_default():
        xs = [v1.placeholder(a.dtype, None if unknown else a.shape, name=f"in{i}")
              for i, a in enumerate(arrays)]
        outs = fn(*xs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        names = [t.name for t in outs]
        with v1.Session() as s:
            want = s.run(outs, dict(zip(xs, arrays)))
        data = g.as_graph_def().SerializeToString()
    gd = GraphDef.FromString(data)
    with gc.Graph().as_default() as gg:
        got_t = gc.import_graph_def(gd, return_elements=names)
        for name, t in zip(names, got_t):       # output 0 keeps TF's name
            if name.endswith(":0"):
                assert gg.get_tensor_by_name("import/" + name) is t, name
        with gc.Session() as s:
            got = s.run(got_t, {gg.get_tensor_by_name(f"import/in{i}:0"): a
                                for i, a in enumerate(arrays)})
    for name, w, v in zip(names, want, got):
        w, v = np.asarray(w), np.asarray(v)
        assert v.dtype == w.dtype, (name, v.dtype, w.dtype)
        assert v.shape == w.shape, (name, v.shape, w.shape)
        if w.dtype.kind in "fc":
            np.testing.assert_allclose(v, w, rtol=rtol, atol=atol, err_msg=name)
        else:
            np.testing.assert_array_equal(v, w, err_msg=name)


X = f32(2, 3, 4)
M = f32(3, 4)
IMG = f32(2, 7, 6, 3)
IMG_NCHW = f32(2, 3, 7, 6)

CASES = {
    "identity_n": (lambda a, b: R.IdentityN(input=[a, b]), [M, i32(1, 2)]),
    "placeholder_with_default": (
        lambda a: [v1.placeholder_with_default(tf.constant([1.0, 2.0]), [None]) * 2.0,
                   tf.identity(a)], [M]),
    "matmul": (lambda a, b: [tf.matmul(a, b, transpose_b=True),
                             tf.matmul(a, b, transpose_a=True)], [M, f32(3, 4)]),
    "batch_matmul": (lambda a, b: [R.BatchMatMulV2(x=a, y=b, adj_y=True),
                                   R.BatchMatMul(x=a, y=a, adj_x=True),
                                   R.BatchMatMulV3(x=a, y=b, Tout=tf.float32, adj_y=True)],
                     [X, f32(2, 5, 4)]),
    "bias_add": (lambda a, b, c: [tf.nn.bias_add(a, b),
                                  tf.nn.bias_add(c, b, data_format="NCHW")],
                 [IMG, f32(3), IMG_NCHW]),
    "binary": (lambda a, b: [tf.add(a, b), R.AddV2(x=a, y=b), a - b, a * b, a / b,
                             tf.maximum(a, b), tf.minimum(a, b), tf.pow(tf.abs(a), b),
                             tf.math.squared_difference(a, b), tf.math.floordiv(a, b),
                             tf.math.floormod(a, b), tf.add_n([a, a * 2.0, a])],
               [X, f32(4, lo=0.5, hi=2)]),
    "unary": (lambda a, p: [-a, tf.nn.relu(a), tf.nn.relu6(a * 4), tf.nn.elu(a),
                            tf.nn.selu(a), tf.nn.leaky_relu(a, 0.3), tf.tanh(a),
                            tf.sigmoid(a), tf.exp(a), tf.math.log(p), tf.sqrt(p),
                            tf.math.rsqrt(p), tf.square(a), tf.floor(a), tf.round(a * 3),
                            tf.sign(a), tf.nn.softplus(a), tf.math.reciprocal(p)],
              [X, f32(2, 3, 4, lo=0.1, hi=3)]),
    "softmax": (lambda a: [tf.nn.softmax(a), tf.nn.log_softmax(a)], [X]),
    "compare": (lambda a, b: [tf.less(a, b), tf.greater_equal(a, b), tf.equal(a, a),
                              tf.not_equal(a, b), tf.logical_and(a > 0, b > 0),
                              tf.logical_not(a > 0)], [X, f32(4)]),
    "reshape_squeeze_expand": (
        lambda a: [tf.reshape(a, [4, -1]), tf.squeeze(tf.reshape(a, [1, 2, 1, 12])),
                   tf.squeeze(tf.reshape(a, [1, 2, 1, 12]), [2]), tf.expand_dims(a, -1),
                   tf.transpose(a, [2, 0, 1]), tf.shape(a), tf.shape(a, out_type=tf.int64),
                   tf.size(a), tf.rank(a)], [X]),
    "unknown_shapes": (lambda a: [tf.reshape(a, tf.stack([tf.shape(a)[0], -1])),
                                  tf.reduce_sum(a, axis=1), tf.shape(a)], [X], True),
    "concat_pack_split": (
        lambda a, b: [tf.concat([a, b], 1), tf.concat([a, b], -1), tf.stack([a, b], 1),
                      *tf.unstack(a, axis=1), *tf.split(a, 2, axis=2),
                      *tf.split(a, [1, -1], axis=1)], [X, f32(2, 3, 4)]),
    "slice": (lambda a: [tf.slice(a, [0, 1, 0], [2, -1, 3]), a[:, 1:, ::2], a[..., -1],
                         a[::-1, tf.newaxis, 1], a[1:, :-1], a[:, 2, 1:3],
                         tf.strided_slice(a, [1, 0], [0, 3], [-1, 1], end_mask=1)], [X]),
    "fill_cast_range": (lambda a, n: [tf.fill(tf.shape(a), 2.5), tf.cast(a, tf.int32),
                                      tf.cast(a > 0, tf.float32), tf.range(n),
                                      tf.range(1, n * 3, 2), tf.zeros_like(a),
                                      tf.ones_like(n)], [X, np.int32(4)]),
    "reduce": (lambda a: [tf.reduce_mean(a), tf.reduce_sum(a, 1, keepdims=True),
                          tf.reduce_max(a, [0, 2]), tf.reduce_min(a, -1),
                          tf.reduce_prod(a, 0), tf.reduce_any(a > 1, 1),
                          tf.argmax(a, 1), tf.argmin(a, 2, output_type=tf.int32)], [X]),
    "conv2d": (lambda x, w, xc: [
        tf.nn.conv2d(x, w, 1, "SAME"), tf.nn.conv2d(x, w, [1, 2, 1, 1], "VALID"),
        tf.nn.conv2d(x, w, 1, "SAME", dilations=2),
        tf.nn.conv2d(x, w, 1, [[0, 0], [1, 2], [0, 1], [0, 0]]),
        tf.nn.conv2d(xc, w, 1, "SAME", data_format="NCHW")],
        [IMG, f32(3, 2, 3, 4), IMG_NCHW], False, 1e-4, 1e-5),
    "depthwise": (lambda x, w: [R.DepthwiseConv2dNative(input=x, filter=w, strides=[1, 1, 1, 1],
                                                        padding="SAME"),
                                R.DepthwiseConv2dNative(input=x, filter=w, strides=[1, 2, 2, 1],
                                                        padding="VALID")],
                  [IMG, f32(3, 3, 3, 2)], False, 1e-4, 1e-5),
    "conv2d_backprop_input": (
        lambda w, dy: [R.Conv2DBackpropInput(input_sizes=[2, 7, 6, 3], filter=w,
                                             out_backprop=dy, strides=[1, 2, 2, 1],
                                             padding="SAME")],
        [f32(3, 3, 3, 4), f32(2, 4, 3, 4)], False, 1e-4, 1e-5),
    "pool": (lambda x, xc: [tf.nn.max_pool2d(x, 2, 2, "SAME"), tf.nn.avg_pool2d(x, 3, 1, "VALID"),
                            tf.nn.avg_pool2d(x, [2, 3], [2, 1], "SAME"),
                            tf.nn.max_pool2d(xc, 2, 2, "VALID", data_format="NCHW")],
             [IMG, IMG_NCHW]),
    "fused_batch_norm": (
        lambda x, s, o, m, v: [
            *R.FusedBatchNorm(x=x, scale=s, offset=o, mean=m, variance=v, is_training=False,
                              epsilon=0.01)[:3],
            R.FusedBatchNormV2(x=x, scale=s, offset=o, mean=m, variance=v,
                               is_training=False)[0],
            R.FusedBatchNormV3(x=tf.transpose(x, [0, 3, 1, 2]), scale=s, offset=o, mean=m,
                               variance=v, is_training=False, data_format="NCHW")[0]],
        [IMG, f32(3), f32(3), f32(3), f32(3, lo=0.5, hi=2)], False, 1e-5, 1e-5),
    "pad_tile": (lambda a: [tf.pad(a, [[1, 0], [0, 2], [1, 1]]),
                            tf.pad(a, [[1, 0], [0, 2], [1, 1]], constant_values=-1.5),
                            tf.pad(a, [[1, 1], [0, 2], [1, 0]], "REFLECT"),
                            tf.pad(a, [[1, 1], [0, 2], [1, 0]], "SYMMETRIC"),
                            tf.tile(a, [1, 2, 3])], [X]),
    "gather_select": (lambda a, i: [tf.gather(a, i, axis=1), tf.gather(a, i[:2]),
                                    R.Gather(params=a, indices=i),
                                    tf.gather(a, tf.zeros([2, 1], tf.int32), batch_dims=1),
                                    v1.where(a[:, 0, 0] > 0, a, -a),
                                    tf.where(a > 0, a, 0.0), tf.where(a > 0.5)],
                      [X, i32(1, 0, 1)]),
    "resize": (lambda x: [v1.image.resize_bilinear(x, [9, 4]),
                          v1.image.resize_bilinear(x, [3, 11], align_corners=True),
                          v1.image.resize_bilinear(x, [5, 5], half_pixel_centers=True),
                          v1.image.resize_nearest_neighbor(x, [14, 3]),
                          v1.image.resize_nearest_neighbor(x, [5, 8], half_pixel_centers=True)],
               [IMG], False, 1e-5, 1e-5),
    "top_k_one_hot": (lambda a, i: [*tf.nn.top_k(a, 2), *tf.nn.top_k(a, 3, sorted=True),
                                    tf.one_hot(i, 4), tf.one_hot(i, 3, 5.0, -1.0, axis=0)],
                      [X, i32(0, 3, 1)]),
    "constants": (lambda a: [tf.zeros([3, 4]) + a[0], tf.ones([2], tf.int64) * -5,
                             tf.constant([b"a", b"bc"]), tf.constant(np.float16([1.5, -2])),
                             tf.constant([True, False]), tf.constant(np.uint8([0, 255])),
                             tf.constant(-7, tf.int32), tf.constant([[1.0, 2.0], [3, 3]]),
                             tf.fill([2, 2], tf.constant(-1, tf.int64))], [X]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_op(case):
    fn, arrays, *opts = CASES[case]
    via_graphdef(fn, arrays, *opts)


def test_control_inputs_and_no_op():
    def fn(a):
        with tf.control_dependencies([v1.no_op(name="first")]):
            return [tf.identity(a) * 2.0]
    via_graphdef(fn, [M])


def test_tf_parses_graphc_serialization():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        y = tf.nn.conv2d(tf.reshape(x, [-1, 1, 3, 1]), tf.ones([1, 2, 1, 2]), 1, "SAME")
        tf.strided_slice(y, [0], [1], shrink_axis_mask=1, name="z")
        tf.constant([b"a", b"bc"], name="s")
        tf.constant(-7, tf.int64, name="neg")
        R.IdentityN(input=[x, tf.constant(1.5)], name="idn")
    tf_gd = g.as_graph_def()
    mine = GraphDef.FromString(tf_gd.SerializeToString())
    back = v1.GraphDef.FromString(mine.SerializeToString())
    assert back == tf_gd
    assert GraphDef.FromString(back.SerializeToString()) == mine
    assert [n.name for n in mine.node] == [n.name for n in tf_gd.node]
    # a GraphDef built with graphc's classes reads in TF with the same fields
    from graphc.io.tf_graphdef import AttrValue, NodeDef
    nd = NodeDef(name="p", op="Placeholder", attr={"dtype": AttrValue(type=1)})
    nd.attr["shape"].shape.dim.append(type(nd.attr["shape"].shape).Dim(size=-1))
    nd.attr["ksize"].list.i.extend([1, -2, 3])
    tf_nd = v1.NodeDef.FromString(nd.SerializeToString())
    assert tf_nd.attr["dtype"].type == 1 and list(tf_nd.attr["ksize"].list.i) == [1, -2, 3]
    assert tf_nd.attr["shape"].shape.dim[0].size == -1


def test_tf_graphdef_object_accepted_directly():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [2], name="x")
        tf.nn.relu(x, name="y")
    with gc.Graph().as_default():
        y, = gc.import_graph_def(g.as_graph_def(), return_elements=["y:0"], name="m")
        assert y.name == "m/y:0"
        with gc.Session() as s:
            np.testing.assert_array_equal(
                s.run(y, {"m/x:0": np.array([-1, 2], np.float32)}), [0, 2])


def test_unknown_input_message_matches_tf():
    gd = v1.GraphDef()
    gd.node.add(name="y", op="Identity", input=["nope"])
    with tf.Graph().as_default(), pytest.raises(ValueError) as tf_err:
        v1.import_graph_def(gd)
    with gc.Graph().as_default(), pytest.raises(ValueError) as gc_err:
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()))
    assert "Unknown input node 'nope'" in str(tf_err.value)
    assert "Unknown input node 'nope'" in str(gc_err.value)


@pytest.mark.parametrize("kw", [{"return_elements": ["y:4"]}, {"return_elements": ["q:0"]},
                                {"return_elements": ["q"]}, {"input_map": {"x:3": 1.0}},
                                {"input_map": {"nope:0": 1.0}}, {"input_map": {"x": 1}}])
def test_error_messages_match_tf(kw):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [], name="x")
        tf.nn.relu(x, name="y")
    gd = g.as_graph_def()

    def attempt(m, graph_def):
        with m.Graph().as_default():
            args = dict(kw)
            if "input_map" in args:
                args["input_map"] = {k: m.constant(v, name="c")
                                     for k, v in args["input_map"].items()}
            with pytest.raises(ValueError) as e:
                m.import_graph_def(graph_def, **args)
            return str(e.value).split("\n")[0]
    want = attempt(v1, gd)
    got = attempt(gc, GraphDef.FromString(gd.SerializeToString()))
    assert got == want
