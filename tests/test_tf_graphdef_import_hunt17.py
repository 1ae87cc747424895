"""The TF ops a real TF1 training graph holds (tf_graphdef_import_grads.py: DynamicStitch,
ShapeN, ConcatOffset, PreventGradient, BiasAddGrad, the activations' gradient ops,
FusedBatchNormGrad/V2/V3) and the ops graphc's exporter writes (tf_graphdef_import_more3.py),
imported from GraphDefs built without TensorFlow and checked against numpy or numbers
TF 2.21 printed."""
import numpy as np
import pytest

import graphc as gc
from graphc.io import tf_graphdef_export_args, tf_graphdef_import
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_export import export_tf_graph_def
from graphc.io.tf_graphdef_import import UnsupportedOpError

from test_tf_graphdef_import_more import F32, I32, _const, _gd, _ph, _run

RNG = np.random.default_rng(0)


def test_dynamic_stitch_and_parallel():
    d0, d1 = RNG.standard_normal((2, 3)).astype(np.float32), \
        RNG.standard_normal((3, 3)).astype(np.float32)
    for op in ("DynamicStitch", "ParallelDynamicStitch"):
        gd = _gd(_const("i0", [0, 5]), _const("i1", [1, 4, 2]), _ph("d0", F32, [2, 3]),
                 _ph("d1", F32, [None, 3]),
                 ("m", op, ("i0", "i1", "d0", "d1"), {"N": 2, "T": F32}))
        got, = _run(gd, ["m:0"], {"d0": d0, "d1": d1})
        want = np.zeros((6, 3), np.float32)
        want[[0, 5]], want[[1, 4, 2]] = d0, d1
        np.testing.assert_array_equal(got, want)


def _sum_grad_graph():
    """TF's gradient of reduce_sum(x, 1) for x of unknown shape, as tf.gradients writes it
    (Shape, Size, Range, FloorMod, DynamicStitch, Reshape, Tile)."""
    return _gd(
        _ph("x", F32, [None, None]), _const("axis", [1]),
        ("Sum", "Sum", ("x", "axis"), {"T": F32, "Tidx": I32, "keep_dims": False}),
        ("g/Shape", "Shape", ("x",), {"T": F32, "out_type": I32}),
        ("g/Size", "Size", ("g/Shape",), {"T": I32, "out_type": I32}),
        ("g/add", "AddV2", ("axis", "g/Size"), {"T": I32}),
        ("g/mod", "FloorMod", ("g/add", "g/Size"), {"T": I32}),
        _const("g/zero", 0), _const("g/one", 1),
        ("g/range", "Range", ("g/zero", "g/Size", "g/one"), {"Tidx": I32}),
        ("g/ones_shape", "Shape", ("g/mod",), {"T": I32, "out_type": I32}),
        ("g/ones", "Fill", ("g/ones_shape", "g/one"), {"T": I32, "index_type": I32}),
        ("g/stitch", "DynamicStitch", ("g/range", "g/mod", "g/Shape", "g/ones"),
         {"N": 2, "T": I32}),
        ("g/dy", "OnesLike", ("Sum",), {"T": F32}),
        ("g/Reshape", "Reshape", ("g/dy", "g/stitch"), {"T": F32, "Tshape": I32}),
        ("g/div", "FloorDiv", ("g/Shape", "g/stitch"), {"T": I32}),
        ("g/Tile", "Tile", ("g/Reshape", "g/div"), {"T": F32, "Tmultiples": I32}))


def test_reduce_axis_gradient_imports():
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    stitch, tile = _run(_sum_grad_graph(), ["g/stitch:0", "g/Tile:0"], {"x": x})
    np.testing.assert_array_equal(stitch, [4, 1])
    np.testing.assert_array_equal(tile, np.ones((4, 3)))


def test_shape_n_and_concat_offset():
    gd = _gd(_ph("a", F32, [None, None]), _ph("b", F32, [None, 2]),
             ("s", "ShapeN", ("a", "b"), {"N": 2, "T": F32, "out_type": gc.int64}),
             _const("ax", 1), _const("ax_neg", -3),
             _const("s0", [2, 3, 4]), _const("s1", [2, 5, 4]), _const("s2", [2, 1, 4]),
             ("o", "ConcatOffset", ("ax", "s0", "s1", "s2"), {"N": 3, "shape_type": I32}),
             ("on", "ConcatOffset", ("ax_neg", "s0", "s1"), {"N": 2, "shape_type": I32}))
    got = _run(gd, ["s:0", "s:1", "o:0", "o:1", "o:2", "on:1"],
               {"a": np.zeros((3, 4), np.float32), "b": np.zeros((3, 2), np.float32)})
    assert got[0].dtype == np.int64
    for g, w in zip(got, [[3, 4], [3, 2], [0, 0, 0], [0, 3, 0], [0, 8, 0], [2, 0, 0]]):
        np.testing.assert_array_equal(g, w)


def test_prevent_gradient_forward_and_its_gradient_raises():
    gd = _gd(_ph("x", F32, [2]),
             ("p", "PreventGradient", ("x",), {"T": F32, "message": "no second derivative"}))
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd, name="")
        x, p = g.get_tensor_by_name("x:0"), g.get_tensor_by_name("p:0")
        with gc.Session() as s:
            np.testing.assert_array_equal(s.run(p, {x: [1.0, 2.0]}), [1.0, 2.0])
        with pytest.raises(LookupError, match="no second derivative"):
            gc.gradients(gc.reduce_sum(p), x)
        export_tf_graph_def(g)                  # it exports back as TF's op


@pytest.mark.parametrize("fmt,axes", [("NHWC", (0, 1, 2)), ("NCHW", (0, 2, 3))])
def test_bias_add_grad(fmt, axes):
    g = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    gd = _gd(_ph("g", F32, [None, 3, 4, 5]),
             ("b", "BiasAddGrad", ("g",), {"T": F32, "data_format": fmt}),
             _ph("u", F32, None), ("bu", "BiasAddGrad", ("u",), {"T": F32}))
    got, unknown = _run(gd, ["b:0", "bu:0"], {"g": g, "u": g})
    np.testing.assert_allclose(got, g.sum(axes), rtol=1e-5)
    np.testing.assert_allclose(unknown, g.sum((0, 1, 2)), rtol=1e-5)


def test_bias_add_grad_nchw_needs_rank_3():
    gd = _gd(_ph("g", F32, [3, 5]), ("b", "BiasAddGrad", ("g",),
                                      {"T": F32, "data_format": "NCHW"}))
    with pytest.raises(ValueError, match="at least 3-D"):
        _run(gd, ["b:0"])


_SCALE_ALPHA = 1.7580993408473768599402175208123
_SCALE = 1.0507009873554804934193349852946
_ACT = {  # TF's kernels (cwise_ops.h / relu_op_functor.h)
    "TanhGrad": (("y", "dy"), lambda y, dy: dy * (1 - y * y)),
    "SigmoidGrad": (("y", "dy"), lambda y, dy: dy * y * (1 - y)),
    "SqrtGrad": (("p", "dy"), lambda y, dy: 0.5 * dy / y),
    "RsqrtGrad": (("p", "dy"), lambda y, dy: -0.5 * dy * y ** 3),
    "ReciprocalGrad": (("p", "dy"), lambda y, dy: -dy * y * y),
    "SoftplusGrad": (("dy", "y"), lambda g, f: g / (np.exp(-f) + 1)),
    "SoftsignGrad": (("dy", "y"), lambda g, f: g / (1 + np.abs(f)) ** 2),
    "EluGrad": (("dy", "y"), lambda g, y: np.where(y < 0, g * (y + 1), g)),
    "SeluGrad": (("dy", "y"), lambda g, y: np.where(y < 0, g * (y + _SCALE_ALPHA),
                                                    g * _SCALE)),
}


@pytest.mark.parametrize("op", sorted(_ACT))
def test_activation_gradient_ops(op):
    feed = {"y": RNG.standard_normal((3, 4)), "dy": RNG.standard_normal((3, 4)),
            "p": np.abs(RNG.standard_normal((3, 4))) + 0.5}
    ins, formula = _ACT[op]
    gd = _gd(*(_ph(k, gc.float64, [3, 4]) for k in feed),
             ("out", op, ins, {"T": gc.float64}))
    got, = _run(gd, ["out:0"], feed)
    np.testing.assert_allclose(got, formula(*(feed[k] for k in ins)), rtol=1e-12)


def test_complex_activation_gradients_conj_where_tf_does():
    y = np.array([0.3 + 0.4j, -1.0 + 0.2j], np.complex128)
    dy = np.array([1.0 - 2.0j, 0.5 + 0.5j], np.complex128)
    gd = _gd(_ph("y", gc.complex128, [2]), _ph("dy", gc.complex128, [2]),
             *((op, op, ("y", "dy"), {"T": gc.complex128})
               for op in ("TanhGrad", "SqrtGrad", "ReciprocalGrad")))
    tanh, sqrt, recip = _run(gd, ["TanhGrad:0", "SqrtGrad:0", "ReciprocalGrad:0"],
                             {"y": y, "dy": dy})
    np.testing.assert_allclose(tanh, dy * (1 - y * y))          # no conj (TF's kernel)
    np.testing.assert_allclose(sqrt, 0.5 * dy / np.conj(y))
    np.testing.assert_allclose(recip, -dy * np.conj(y) ** 2)


_BN_X = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4) / 10 - 1
_BN_DY = np.cos(np.arange(24, dtype=np.float32)).reshape(1, 2, 3, 4)
_BN_SCALE = np.array([1., -2., .5, 3.], np.float32)
# TF 2.21 FusedBatchNormGradV3 on these inputs (epsilon 0.001): x_backprop[:6],
# scale_backprop, offset_backprop
_BN_TF = {
    True: ([1.041205883026123, -0.47703811526298523, -0.39173051714897156,
            -3.25539231300354, -1.256728172302246, -0.16823090612888336],
           [-0.842943549156189, -1.5494532585144043, -0.8314028382301331,
            0.651035487651825]),
    False: ([0.9995003938674927, -0.7639119029045105, -0.12011123448610306,
             -1.4848031997680664, -0.6533170342445374, -0.4010586440563202],
            [-0.6256570816040039, -0.7488865852355957, -0.2994615137577057,
             0.24935197830200195])}
_BN_OFFSET = [0.4951328635215759, -0.0026115775108337402, -0.49795496463775635,
              -0.5354808568954468]


def _bn_grad_gd(op, training, fmt="NHWC"):
    u = {"T": F32} if op == "FusedBatchNormGrad" else {"T": F32, "U": F32}
    ins = ["dy", "x", "scale", "m", "v"] + (["r3"] if op.endswith("V3") else [])
    shape = [1, 2, 3, 4] if fmt == "NHWC" else [1, 4, 2, 3]
    return _gd(_ph("dy", F32, shape), _ph("x", F32, shape), _ph("scale", F32, [4]),
               _ph("m", F32, [4]), _ph("v", F32, [4]), _const("r3", np.zeros(0), F32),
               ("bn", op, ins, dict(u, epsilon=0.001, data_format=fmt,
                                    is_training=training)))


@pytest.mark.parametrize("op", ["FusedBatchNormGrad", "FusedBatchNormGradV2",
                                "FusedBatchNormGradV3"])
@pytest.mark.parametrize("training", [True, False])
def test_fused_batch_norm_grad_matches_tf(op, training):
    mean, var = (_BN_X.mean((0, 1, 2)), _BN_X.var((0, 1, 2))) if training else \
        (np.float32([.1, .2, .3, .4]), np.float32([1, 2, 3, 4]))
    feed = {"dy": _BN_DY, "x": _BN_X, "scale": _BN_SCALE, "m": mean, "v": var}
    got = _run(_bn_grad_gd(op, training), [f"bn:{k}" for k in range(5)], feed)
    x_bp, scale_bp = _BN_TF[training]
    np.testing.assert_allclose(got[0].ravel()[:6], x_bp, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], scale_bp, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], _BN_OFFSET, rtol=1e-5, atol=1e-6)
    assert got[3].shape == got[4].shape == (0,)


def test_fused_batch_norm_grad_nchw_is_nhwc_transposed():
    mean, var = _BN_X.mean((0, 1, 2)), _BN_X.var((0, 1, 2))
    t = (0, 3, 1, 2)
    feed = {"dy": _BN_DY.transpose(t), "x": _BN_X.transpose(t), "scale": _BN_SCALE,
            "m": mean, "v": var}
    got = _run(_bn_grad_gd("FusedBatchNormGradV3", True, "NCHW"), ["bn:0", "bn:1"], feed)
    np.testing.assert_allclose(got[0].transpose(0, 2, 3, 1).ravel()[:6], _BN_TF[True][0],
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], _BN_TF[True][1], rtol=1e-5, atol=1e-6)


def test_fused_batch_norm_grad_second_derivative_is_tfs():
    """TF differentiates the op as if mean and variance were x's batch statistics:
    d(sum(w * x_backprop))/d(scale) is then sum(w * d x_backprop / d scale)."""
    mean, var = _BN_X.mean((0, 1, 2)), _BN_X.var((0, 1, 2))
    with gc.Graph().as_default() as g:
        gc.import_graph_def(_bn_grad_gd("FusedBatchNormGradV3", True), name="")
        x, xb = g.get_tensor_by_name("x:0"), g.get_tensor_by_name("bn:0")
        w = np.sin(np.arange(24, dtype=np.float32)).reshape(1, 2, 3, 4)
        gx, = gc.gradients(gc.reduce_sum(xb * w), [x])
        feed = {"dy:0": _BN_DY, "x:0": _BN_X, "scale:0": _BN_SCALE, "m:0": mean, "v:0": var}
        with gc.Session() as s:
            got = s.run(gx, feed)
    # finite differences of the op with the statistics recomputed from x
    def x_backprop(xv):
        m, v = xv.mean((0, 1, 2)), xv.var((0, 1, 2))
        r = 1 / np.sqrt(v + 0.001)
        xc = xv - m
        return _BN_SCALE * r * (_BN_DY - _BN_DY.mean((0, 1, 2))
                                - xc * (_BN_DY * xc).mean((0, 1, 2)) / (v + 0.001))
    x64 = _BN_X.astype(np.float64)
    num = np.zeros_like(x64)
    for i in np.ndindex(x64.shape):
        e = np.zeros_like(x64)
        e[i] = 1e-6
        num[i] = ((x_backprop(x64 + e) - x_backprop(x64 - e)) * w).sum() / 2e-6
    np.testing.assert_allclose(got, num, rtol=1e-3, atol=1e-3)


def test_fused_batch_norm_grad_half_computes_in_u():
    gd = _gd(_ph("dy", gc.float16, [1, 2, 3, 4]), _ph("x", gc.float16, [1, 2, 3, 4]),
             _ph("scale", F32, [4]), _ph("m", F32, [4]), _ph("v", F32, [4]),
             ("bn", "FusedBatchNormGradV2", ("dy", "x", "scale", "m", "v"),
              {"T": gc.float16, "U": F32, "epsilon": 0.001, "is_training": False}))
    mean, var = np.float32([.1, .2, .3, .4]), np.float32([1, 2, 3, 4])
    got = _run(gd, ["bn:0", "bn:1"], {"dy": _BN_DY.astype(np.float16),
                                       "x": _BN_X.astype(np.float16), "scale": _BN_SCALE,
                                       "m": mean, "v": var})
    assert got[0].dtype == np.float16 and got[1].dtype == np.float32
    np.testing.assert_allclose(got[0].ravel()[:6], _BN_TF[False][0], rtol=2e-3, atol=2e-3)


def test_v1_while_loop_gradients_are_refused_clearly():
    gd = _gd(("stack", "StackV2", (), {}), ("trig", "ControlTrigger", (), {}))
    with pytest.raises(UnsupportedOpError, match="gradient of a TF1 while loop"):
        _run(gd, [])


# ---- the exporter's ops import back -----------------------------------------------------
# exported but not imported (TF graphs holding them are refused by name): none since
# session 22 imports RandomPoissonV2
EXPORT_ONLY = set()


def test_every_exported_op_imports():
    left = set(tf_graphdef_export_args.OUTPUT_ARGS) - set(tf_graphdef_import.OPS) \
        - tf_graphdef_import._V1_FLOW
    assert left == {"RandomUniformInt", "Multinomial", "RandomShuffle"} | EXPORT_ONLY


def test_round_trip_sequences_partitions_blocks_scatters():
    x = RNG.standard_normal((3, 4, 4, 2)).astype(np.float32)
    holder = {}

    def build():
        xp = holder["x"] = gc.placeholder(F32, [None, 4, 4, 2], name="x")
        parts = gc.dynamic_partition(xp[:, 0, 0, 0], [0, 1, 0], 2)
        return [gc.reverse_sequence(xp, [1, 3, 2], seq_axis=1, batch_axis=0),
                parts[0], parts[1],
                gc.space_to_batch_nd(xp, [2, 2], [[0, 0], [0, 0]]),
                gc.batch_to_space_nd(gc.space_to_batch_nd(xp, [2, 2], [[0, 0], [0, 0]]),
                                     [2, 2], [[0, 0], [0, 0]]),
                gc.tensor_scatter_nd_add(xp, [[0], [2]], xp[:2] * 2),
                gc.tensor_scatter_nd_update(xp, [[1]], xp[:1]),
                gc.dynamic_stitch([[0, 2], [1]], [parts[0], parts[1]])]
    with gc.Graph().as_default() as g:
        outs = build()
        with gc.Session() as s:
            want = s.run(outs, {holder["x"]: x})
        names = [t.name for t in outs]
    gd = GraphDef.FromString(export_tf_graph_def(g).SerializeToString())
    assert {"ReverseSequence", "DynamicPartition", "TensorScatterAdd", "TensorScatterUpdate", "DynamicStitch"} <= \
        {nd.op for nd in gd.node}
    got = _run(gd, names, {"x": x})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_space_to_batch_nd_and_back():
    """TF's documented example: [1, 2, 2, 1] with block [2, 2] -> [4, 1, 1, 1]."""
    gd = _gd(_ph("x", F32, [None, 2, 2, 1]), _const("block", [2, 2]),
             _const("pads", [[0, 0], [0, 0]]),
             ("s2b", "SpaceToBatchND", ("x", "block", "pads"),
              {"T": F32, "Tblock_shape": I32, "Tpaddings": I32}),
             ("b2s", "BatchToSpaceND", ("s2b", "block", "pads"),
              {"T": F32, "Tblock_shape": I32, "Tcrops": I32}))
    x = np.array([[[[1], [2]], [[3], [4]]]], np.float32)
    s2b, b2s = _run(gd, ["s2b:0", "b2s:0"], {"x": x})
    np.testing.assert_array_equal(s2b, np.reshape([1, 2, 3, 4], (4, 1, 1, 1)))
    np.testing.assert_array_equal(b2s, x)


def _export_import(build, feed):
    with gc.Graph().as_default() as g:
        phs, outs = build()
        with gc.Session() as s:
            want = s.run(outs, dict(zip(phs, feed)))
        names, ph_names = [t.name for t in outs], [p.op.name for p in phs]
    gd = GraphDef.FromString(export_tf_graph_def(g).SerializeToString())
    got = _run(gd, names, dict(zip(ph_names, feed)))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    return {nd.op for nd in gd.node}


def test_round_trip_3d_conv_pool_crop_contrast():
    x = RNG.random((2, 4, 6, 6, 2)).astype(np.float32)

    def build():
        xp = gc.placeholder(F32, [None, 4, 6, 6, 2], name="x")
        w = gc.constant(RNG.standard_normal((2, 3, 3, 2, 3)).astype(np.float32))
        return [xp], [gc.nn.conv3d(xp, w, [1, 1, 2, 1, 1], "SAME"),
                      gc.nn.max_pool3d(xp, [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID"),
                      gc.nn.avg_pool3d(xp, [1, 1, 3, 3, 1], [1, 1, 1, 1, 1], "SAME"),
                      gc.image.crop_and_resize(xp[:, 0], [[0.1, 0.2, 0.8, 0.9]], [1],
                                               [3, 4]),
                      gc.image.adjust_contrast(xp[:, 0], 1.5)]
    ops = _export_import(build, [x])
    assert {"Conv3D", "MaxPool3D", "AvgPool3D", "CropAndResize"} <= ops


def test_round_trip_fft_linalg_random_search():
    x = RNG.standard_normal((3, 4)).astype(np.float32)

    def build():
        xp = gc.placeholder(F32, [3, 4], name="x")
        c = gc.complex(xp, xp * 2)
        s, u, v = gc.svd(xp)
        q, r = gc.qr(xp)
        return [xp], [gc.signal.fft(c), gc.signal.ifft2d(c), gc.signal.rfft(xp, [4]),
                      gc.signal.irfft(c, [6]), s, u, v, q, r,
                      gc.random.stateless_uniform([2, 3], seed=[1, 2]),
                      gc.random.stateless_normal([4], seed=[3, 4]),
                      gc.searchsorted([[1.0, 2.0, 3.0]] * 3, xp),
                      gc.unique_with_counts([3, 1, 3, 2])[2],
                      gc.setdiff1d([1, 2, 3, 4], [2, 4])[0],
                      gc.bitcast(xp, gc.int32)]
    ops = _export_import(build, [x])
    assert {"FFT", "IFFT2D", "RFFT", "IRFFT", "Svd", "Qr", "StatelessRandomUniform",
            "StatelessRandomNormal", "UniqueWithCounts", "ListDiff", "Bitcast"} <= ops


def test_strided_slice_assign_round_trips():
    """v[key].assign(value) exports as TF1's StridedSliceAssign and imports back."""
    with gc.Graph().as_default() as g:
        v = gc.Variable(np.arange(12.0).reshape(3, 4), name="v")
        a = v[1:, ::2].assign([[-1.0, -2.0], [-3.0, -4.0]])
        b = v[0, ...].assign(np.ones(4))
        c = v[2, 1:3].assign([7.0, 8.0])
        gd = GraphDef.FromString(export_tf_graph_def(g).SerializeToString())
    assert sum(nd.op == "StridedSliceAssign" for nd in gd.node) == 3
    with gc.Graph().as_default() as g2:
        ts = gc.import_graph_def(gd, name="", return_elements=[a.name, b.name, c.name])
        with gc.Session() as sess:
            sess.run(g2.get_operation_by_name("v/Assign"))
            got = [sess.run(t) for t in ts]
    want = np.arange(12.0).reshape(3, 4)
    want[1:, ::2] = [[-1, -2], [-3, -4]]
    np.testing.assert_array_equal(got[0], want)
    want[0] = 1
    np.testing.assert_array_equal(got[1], want)
    want[2, 1:3] = [7, 8]
    np.testing.assert_array_equal(got[2], want)
