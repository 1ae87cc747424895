"""Parity of gc.import_graph_def on TF-built graphs holding the ops of
graphc/io/tf_graphdef_import_more*.py (gradient ops, math, linear algebra ...): TF runs
the graph, graphc imports its GraphDef bytes and runs it, same dtypes, shapes, values.
Plus a TF1 training graph (variables, GradientDescent) imported and trained in graphc."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from test_tf_parity_tf_graphdef import f32, i32, via_graphdef
from tf_parity import tf, v1

R = tf.raw_ops
IMG = f32(2, 6, 5, 3)
POOL = dict(ksize=[1, 2, 2, 1], strides=[1, 2, 1, 1], padding="SAME")


def _max_pool_grad(x, g):
    y = R.MaxPool(input=x, **POOL)
    return [R.MaxPoolGrad(orig_input=x, orig_output=y, grad=g, **POOL),
            R.MaxPoolGradGrad(orig_input=x, orig_output=y, grad=x * 2.0, **POOL)]


def _conv_filter(padding, explicit=()):
    return lambda x, g: R.Conv2DBackpropFilter(
        input=x, filter_sizes=[3, 3, 3, 4], out_backprop=g, strides=[1, 1, 1, 1],
        padding=padding, explicit_paddings=list(explicit))


def _strided_slice_grad(dy):
    return R.StridedSliceGrad(shape=[3, 4, 5], begin=[0, 2, 1, 0], end=[2, 3, 0, 0],
                              strides=[1, 1, 2, 1], dy=dy, begin_mask=1, end_mask=4,
                              new_axis_mask=8, shrink_axis_mask=2)


def _xent(logits, labels):
    loss, back = R.SoftmaxCrossEntropyWithLogits(features=logits, labels=labels)
    sl, sb = R.SparseSoftmaxCrossEntropyWithLogits(features=logits, labels=[2, 0, 1])
    return [loss, back, sl, sb]


POS = np.abs(f32(3, 4)) + 0.5
SPD = (lambda a: a @ a.T + 3 * np.eye(3, dtype=np.float32))(f32(3, 3))
CPLX = (f32(2, 3) + 1j * f32(2, 3)).astype(np.complex64)

CASES = {
    "relu_grad": (lambda g, x: R.ReluGrad(gradients=g, features=x), [f32(3, 4), f32(3, 4)]),
    "relu6_grad": (lambda g, x: R.Relu6Grad(gradients=g, features=4 * x),
                   [f32(3, 4), f32(3, 4)]),
    "leaky_relu_grad": (lambda g, x: R.LeakyReluGrad(gradients=g, features=x, alpha=0.3),
                        [f32(3, 4), f32(3, 4)]),
    "max_pool_grads": (_max_pool_grad, [IMG, f32(2, 3, 5, 3)]),
    "avg_pool_grad": (lambda g: R.AvgPoolGrad(orig_input_shape=[2, 6, 5, 3], grad=g, **POOL),
                      [f32(2, 3, 5, 3)]),
    "conv_filter_same": (_conv_filter("SAME"), [IMG, f32(2, 6, 5, 4)], 1e-4, 1e-5),
    "conv_filter_valid": (_conv_filter("VALID"), [IMG, f32(2, 4, 3, 4)], 1e-4, 1e-5),
    "conv_filter_explicit": (_conv_filter("EXPLICIT", [0, 0, 1, 0, 0, 2, 0, 0]),
                             [IMG, f32(2, 5, 5, 4)], 1e-4, 1e-5),
    "depthwise_backprops": (lambda x, w, g: [
        R.DepthwiseConv2dNativeBackpropInput(input_sizes=[2, 6, 5, 3], filter=w,
                                             out_backprop=g, strides=[1, 1, 1, 1],
                                             padding="SAME"),
        R.DepthwiseConv2dNativeBackpropFilter(input=x, filter_sizes=[2, 2, 3, 2],
                                              out_backprop=g, strides=[1, 1, 1, 1],
                                              padding="SAME")],
        [IMG, f32(2, 2, 3, 2), f32(2, 6, 5, 6)], 1e-4, 1e-5),   # float32 sums of ~15
    "strided_slice_grad": (_strided_slice_grad, [f32(2, 2, 1)]),
    "resize_grads": (lambda g, img: [
        R.ResizeBilinearGrad(grads=g, original_image=img, half_pixel_centers=True),
        R.ResizeBilinearGrad(grads=g, original_image=tf.cast(img, tf.float64),
                             align_corners=True),
        R.ResizeNearestNeighborGrad(grads=g, size=[6, 5])], [f32(2, 4, 7, 3), IMG]),
    "mirror_pad_grad": (lambda g: [R.MirrorPadGrad(input=g, paddings=[[1, 1], [2, 0]],
                                                   mode="REFLECT"),
                                   R.MirrorPadGrad(input=g, paddings=[[0, 1], [2, 2]],
                                                   mode="SYMMETRIC")], [f32(5, 7)]),
    "xent": (_xent, [f32(3, 4), np.abs(f32(3, 4))]),
    "broadcast_gradient_args": (lambda a, b: list(R.BroadcastGradientArgs(
        s0=tf.shape(a), s1=tf.shape(b))), [f32(4, 1, 3), f32(2, 1)]),
    "scans_reverse": (lambda x: [tf.cumsum(x, 1, exclusive=True), tf.math.cumprod(
        x, 0, reverse=True), tf.reverse(x, [0, -1])], [f32(3, 4)]),
    "segments": (lambda x: [tf.math.segment_sum(x, [0, 0, 2]), tf.math.segment_max(
        x, [0, 1, 1]), tf.math.unsorted_segment_prod(x, [2, 0, 2], 3),
        tf.math.unsorted_segment_min(x, [1, 0, 1], 2)], [f32(3, 4)]),
    "scatter_gather_nd": (lambda x: [tf.scatter_nd([[1], [3]], x[:2], [5, 4]),
                                     tf.gather_nd(x, [[0, 1], [2, 3]]),
                                     tf.broadcast_to(x[:1], [2, 3, 4])], [f32(3, 4)]),
    "einsum": (lambda a, b: [tf.einsum("ij,kj->ik", a, b), tf.einsum("ii->i", b[:, :3])],
               [f32(2, 4), f32(3, 4)]),
    "matrix": (lambda x: [R.MatrixDiag(diagonal=x[0]), R.MatrixDiagPart(input=x),
                          R.MatrixSetDiag(input=x, diagonal=x[1, :3]),
                          tf.linalg.band_part(x, 1, 0),
                          tf.math.invert_permutation([2, 0, 1])], [f32(3, 4)]),
    "linalg": (lambda a, b: [tf.linalg.inv(a), R.MatrixInverse(input=a, adjoint=True),
                             tf.linalg.det(a), tf.linalg.cholesky(a), tf.linalg.sqrtm(a),
                             tf.linalg.solve(a, b), R.MatrixSolve(matrix=a, rhs=b,
                                                                  adjoint=True),
                             tf.linalg.triangular_solve(tf.linalg.band_part(a, -1, 0), b),
                             tf.linalg.triangular_solve(a, b, lower=False, adjoint=True)],
               [SPD, f32(3, 2)], 1e-4, 1e-5),
    "complex": (lambda z, x: [tf.math.real(z), tf.math.imag(z), tf.math.conj(z),
                              tf.abs(z), tf.math.angle(z), tf.complex(x, x * 2.0)],
                [CPLX, f32(2, 3)]),
    "special": (lambda a, x: [tf.math.igamma(a, x), tf.math.igammac(a, x),
                              tf.math.zeta(a + 1.0, x), tf.math.polygamma(
                                  tf.round(a), x), tf.math.betainc(a, x, x / 4.0),
                              tf.math.lgamma(x), tf.math.digamma(x), tf.math.erfc(a),
                              R.IgammaGradA(a=a, x=x)], [POS, POS + 0.3], 1e-4, 1e-5),
    "trig": (lambda x: [tf.tan(x), tf.asin(x / 3), tf.acos(x / 3), tf.atan(x), tf.sinh(x),
                        tf.cosh(x), tf.asinh(x), tf.acosh(tf.abs(x) + 1), tf.atanh(x / 3),
                        tf.atan2(x, x + 1)], [f32(3, 4)]),
    "int_math": (lambda a, b: [tf.truncatediv(a, b), tf.truncatemod(a, b),
                               tf.bitwise.bitwise_xor(a, b), tf.bitwise.left_shift(a, 1)],
                 [i32(7, -7, 9, -3), i32(2, 3, -4, 5)]),
    "nn_misc": (lambda p, img: [tf.math.in_top_k(i32(1, 0, 3), p, 2),
                                tf.nn.lrn(img, 2, 1.0, 0.5, 0.75),
                                tf.nn.space_to_depth(img[:, :4, :4], 2),
                                tf.nn.depth_to_space(tf.tile(img, [1, 1, 1, 4]), 2)],
                [f32(3, 4), IMG]),
    "matrix_diag_v3": (lambda d, m: [
        tf.linalg.diag(d[0]), tf.linalg.diag_part(m), tf.linalg.set_diag(m, d[0]),
        tf.linalg.diag(d, k=(-1, 1), num_rows=4, padding_value=9.0),
        tf.linalg.diag_part(m, k=(-2, 1), padding_value=-1.0, align="LEFT_RIGHT"),
        tf.linalg.set_diag(m, d, k=(0, 2))], [f32(3, 4), f32(4, 5)]),
    "matrix_diag_v2": (lambda d, m: [
        R.MatrixDiagV2(diagonal=d, k=[-1, 1], num_rows=-1, num_cols=5, padding_value=2.0),
        R.MatrixDiagPartV2(input=m, k=[-1, 2], padding_value=7.0),
        R.MatrixSetDiagV2(input=m, diagonal=d[:2, :4], k=[0, 1])], [f32(3, 4), f32(4, 5)]),
    "bincount": (lambda a, w: [R.Bincount(arr=a, size=6, weights=tf.zeros([0])),
                               R.Bincount(arr=a, size=5, weights=w)],
                 [i32(1, 1, 3, 7, 4), f32(5)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op(name):
    fn, arrays, *tol = CASES[name]
    via_graphdef(fn, arrays, *([False] + tol if tol else []))


def test_random_ops_import():
    """TF's seeds cannot reproduce its streams in graphc: shapes, dtypes and ranges."""
    g = tf.Graph()
    with g.as_default():
        tf.random.set_seed(1)
        u = v1.random_uniform([3, 4], dtype=tf.float64, seed=2)
        t = v1.truncated_normal([500], seed=3)
        n = v1.random_normal([2, 2], seed=4)
    gd = GraphDef.FromString(g.as_graph_def().SerializeToString())
    with gc.Graph().as_default():
        outs = gc.import_graph_def(gd, return_elements=[u.name, t.name, n.name])
        with gc.Session() as s:
            a, b, c = s.run(outs)
            a2 = s.run(outs[0])
    assert a.dtype == np.float64 and a.shape == (3, 4) and (0 <= a).all() and (a < 1).all()
    assert (np.abs(b) <= 2).all() and c.shape == (2, 2)
    assert not np.array_equal(a, a2)           # a new draw each run, as in TF


OPTIMIZERS = {"sgd": lambda: v1.train.GradientDescentOptimizer(0.5),
              "adam": lambda: v1.train.AdamOptimizer(0.1),
              "momentum": lambda: v1.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
              "rmsprop": lambda: v1.train.RMSPropOptimizer(0.05, momentum=0.5),
              "rmsprop_centered": lambda: v1.train.RMSPropOptimizer(0.05, centered=True),
              "adagrad": lambda: v1.train.AdagradOptimizer(0.3),
              "adadelta": lambda: v1.train.AdadeltaOptimizer(1.0)}


@pytest.mark.parametrize("opt", sorted(OPTIMIZERS))
def test_tf1_training_graph(opt):
    """tf.compat.v1 ref variables (VariableV2) trained by a TF1 optimizer (ApplyAdam,
    SparseApplyMomentum, ScatterAdd ... for the embedding's sparse gradient), imported
    into graphc: initialize with TF's init op, train three steps, TF's losses."""
    rng = np.random.default_rng(1)
    xs, ys = rng.standard_normal((8, 5)).astype(np.float32), rng.integers(0, 3, 8)
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [8, 5], name="x")
        y = v1.placeholder(tf.int32, [8], name="y")
        w = v1.Variable(v1.truncated_normal([5, 4], seed=1, stddev=0.5), name="w",
                        use_resource=False)
        b = v1.Variable(tf.zeros([4]), name="b", use_resource=False)
        w2 = v1.Variable(v1.random_uniform([4, 3], -1.0, 1.0, seed=2), name="w2",
                         use_resource=False)
        e = v1.Variable(v1.random_uniform([6, 4], -1.0, 1.0, seed=3), name="e",
                        use_resource=False)
        h = tf.nn.relu(tf.matmul(x, w) + b + tf.gather(e, y * 2))
        logits = tf.matmul(h, w2)
        loss = tf.identity(tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=y, logits=logits)) + 0.1 * tf.reduce_mean(
            v1.nn.softmax_cross_entropy_with_logits_v2(labels=tf.one_hot(y, 3),
                                                       logits=logits * 2.0)), name="loss")
        train = OPTIMIZERS[opt]().minimize(loss, name="train")
        init = v1.global_variables_initializer()
        feed = {x: xs, y: ys}
        with v1.Session() as s:
            s.run(init)
            start = s.run([w, b, w2, e])
            want = [s.run([loss, train], feed)[0] for _ in range(3)]
        data = g.as_graph_def().SerializeToString()
    gd = GraphDef.FromString(data)
    with gc.Graph().as_default() as gg:
        gc.import_graph_def(gd, name="")
        with gc.Session() as s:
            s.run(init.name)
            # TF's initial values (its random streams differ from graphc's)
            for var, value in zip(("w", "b", "w2", "e"), start):
                s.run(f"{var}/Assign", {_init_input(gd, var): value})
            feed = {"x:0": xs, "y:0": ys.astype(np.int32)}
            got = [s.run(["loss:0", "train"], feed)[0] for _ in range(3)]
    np.testing.assert_allclose(got, want, rtol=1e-5)
    assert got[2] < got[0]
    assert gg.get_operation_by_name("w").type == "VariableV2"


def _init_input(gd, var):
    """The tensor the variable's initializer assigns."""
    nd = next(nd for nd in gd.node if nd.name == f"{var}/Assign")
    return nd.input[1] + ":0"


def test_tf_gradient_graph_with_unknown_batch():
    """TF's gradients sum over axes that BroadcastGradientArgs computes at run time (two
    unknown batch dims that may broadcast): graphc's run-time-axis reductions import
    them, and the same graph serves both feeds."""
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        y = v1.placeholder(tf.float32, [None, 3], name="y")
        w = tf.constant(np.ones((3, 2), np.float32), name="w")
        loss = tf.reduce_mean(tf.square(tf.nn.relu(tf.matmul(x * y + y, w))))
        grads = tf.gradients(loss, [x, y])
        rng = np.random.default_rng(0)
        feeds = [{x: rng.random((4, 3), np.float32), y: rng.random((1, 3), np.float32)},
                 {x: rng.random((1, 3), np.float32), y: rng.random((5, 3), np.float32)}]
        with v1.Session() as s:
            want = [s.run(grads, f) for f in feeds]
        data = g.as_graph_def().SerializeToString()
    with gc.Graph().as_default():
        got_t = gc.import_graph_def(GraphDef.FromString(data), name="",
                                    return_elements=[t.name for t in grads])
        assert any(n.type == "DynamicSum" for n in gc.get_default_graph().nodes)
        with gc.Session() as s:
            got = [s.run(got_t, {"x:0": f[x], "y:0": f[y]}) for f in feeds]
    for w_feed, g_feed in zip(want, got):
        for w_, g_ in zip(w_feed, g_feed):
            np.testing.assert_allclose(g_, w_, rtol=1e-6)
