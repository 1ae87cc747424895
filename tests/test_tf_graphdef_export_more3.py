"""gc.io.export_tf_graph_def's third batch (tf_graphdef_export_more3.py) without
TensorFlow: the NodeDefs emitted (boolean_mask as tf.boolean_mask's ops, beam search's
outputs reordered, set ops' operands swapped, quantized dtypes), round trips through
graphc's own importer, and the refusals. tests/test_tf_parity_tf_graphdef_export_more3.py
runs the exported graphs in TensorFlow."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import UnsupportedOpError

rng = np.random.default_rng(0)


def _nodes(gd):
    return {nd.name: nd for nd in gd.node}


def _round_trip(g, outs, feeds):
    """outs run in graphc, and run again after export -> bytes -> graphc's importer."""
    with gc.Session(graph=g) as s:
        want = s.run(outs, feeds)
    gd = GraphDef.FromString(gc.io.export_tf_graph_def(g).SerializeToString())
    with gc.Graph().as_default():
        got_t = gc.import_graph_def(gd, name="", return_elements=[t.name for t in outs])
        with gc.Session() as s:
            got = s.run(got_t, {k.name: v for k, v in feeds.items()})
    for w, v in zip(want, got):
        np.testing.assert_array_equal(v, w)
    return gd


@pytest.mark.parametrize("axis,mask_shape", [(0, (3,)), (0, (3, 4)), (1, (4,)), (1, (4, 2))])
def test_boolean_mask_is_tf_boolean_masks_ops(axis, mask_shape):
    x = rng.standard_normal((3, 4, 2))
    m = rng.random(mask_shape) < 0.5
    with gc.Graph().as_default() as g:
        a = gc.placeholder(gc.float64, (3, 4, 2), name="a")
        b = gc.placeholder(gc.bool, mask_shape, name="b")
        y = gc.boolean_mask(a, b, axis=axis, name="masked")
        dx, = gc.gradients(gc.reduce_sum(y * y), [a])
    gd = _round_trip(g, [y, dx], {a: x, b: m})
    nodes = _nodes(gd)
    assert nodes["masked"].op == "GatherV2"
    ops = {nd.op for nd in gd.node}
    assert {"Where", "Squeeze", "ScatterNd"} <= ops and "BooleanMask" not in ops
    assert ("Transpose" in ops) == (axis > 0)            # the grad moves the axis
    assert ("Prod" in ops) == (len(mask_shape) > 1)      # dims collapsed only for k > 1
    last = "Reshape" if len(mask_shape) > 1 else "Transpose" if axis else "ScatterNd"
    assert nodes[dx.node.name].op == last                # the grad keeps its name too


def test_beam_search_outputs_in_graphc_order():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, (5, 2, 4), name="x")
        decoded, _ = gc.nn.ctc_beam_search_decoder(x, [5, 4], beam_width=4, top_paths=2)
    node = decoded[0].indices.node
    gd = gc.io.export_tf_graph_def(g)
    idn = _nodes(gd)[node.name]
    inner = f"{node.name}/CTCBeamSearchDecoder"
    assert idn.op == "IdentityN" and _nodes(gd)[inner].attr["top_paths"].i == 2
    # graphc: (indices, values, shape) per path, then log probs; TF: by kind, then paths
    assert list(idn.input) == [inner, f"{inner}:2", f"{inner}:4", f"{inner}:1",
                               f"{inner}:3", f"{inner}:5", f"{inner}:6"]


@pytest.mark.parametrize("op,want", [("a-b", "b-a"), ("b-a", "a-b"),
                                     ("intersection", "intersection")])
def test_sparse_dense_set_operation_swaps_operands(op, want):
    with gc.Graph().as_default() as g:
        a = gc.sparse.from_dense(gc.placeholder(gc.int64, (2, 3), name="a"))
        b = gc.placeholder(gc.int64, (2, 4), name="b")
        r = (gc.sets.intersection(a, b) if op == "intersection"
             else gc.sets.difference(a, b, aminusb=op == "a-b"))
    nd = _nodes(gc.io.export_tf_graph_def(g))[r.indices.node.name]
    assert nd.op == "DenseToSparseSetOperation"
    assert nd.attr["set_operation"].s.decode() == want
    assert nd.input[0] == "b"                           # the dense operand first


def test_quantized_dtypes_are_tf_datatypes():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, (3,), name="x")
        q, lo, hi = gc.quantize(x, -1.0, 1.0, gc.quint8)
        gc.dequantize(gc.cast(gc.placeholder(gc.int8, (3,), name="i"), gc.qint8), lo, hi,
                      name="deq")
    nodes = _nodes(gc.io.export_tf_graph_def(g))
    assert nodes[q.node.name].attr["T"].type == 12          # DT_QUINT8
    cast = next(nd for nd in nodes.values() if nd.op == "Cast")
    assert cast.attr["DstT"].type == 11                     # DT_QINT8
    assert nodes["deq"].attr["T"].type == 11


def test_serialize_many_sparse_and_cumulative_logsumexp_axis():
    with gc.Graph().as_default() as g:
        sp = gc.SparseTensor(gc.constant([[0, 1]], gc.int64), [1.0], [2, 3])
        many = gc.io.serialize_many_sparse(sp)
        gc.math.cumulative_logsumexp(gc.placeholder(gc.float32, (2, 3)), axis=-1,
                                     reverse=True, name="cl")
    nodes = _nodes(gc.io.export_tf_graph_def(g))
    assert nodes[many.node.name].op == "SerializeManySparse"
    axis = nodes[nodes["cl"].input[1]]
    assert axis.op == "Const" and nodes["cl"].attr["reverse"].b


def test_ctc_loss_v2_and_threefry_refused():
    from graphc.ops import random_generator_ops as R
    from graphc.ops.registry import apply1
    with gc.Graph().as_default() as g:
        gc.nn.ctc_loss_v2(gc.constant([[1, 2]]), gc.placeholder(gc.float32, (4, 1, 3)), [2],
                          [4])
        apply1(R.UNIFORM_V2, (gc.constant([2]), gc.constant([1], gc.uint64),
                              gc.constant([0, 0], gc.uint64)), dtype=gc.float32, alg=2)
    for n in g.nodes:
        if n.type in ("CTCLoss", "StatelessRandomUniformV2"):
            fn = gc.io.tf_graphdef_export.EXPORT[n.type]
            from graphc.io.tf_graphdef_export import Exporter
            with pytest.raises(UnsupportedOpError, match="dense semantics|ThreeFry"):
                fn(Exporter(g), n)


def test_initialized_value_is_tf1s_v1_cond():
    with gc.Graph().as_default() as g:
        v = gc.Variable(np.float32([1.0, 2.0]), name="v")
        iv = v.initialized_value()
    nodes = _nodes(gc.io.export_tf_graph_def(g))
    merge = nodes[iv.node.name]
    assert merge.op == "Merge" and merge.attr["N"].i == 2
    ops = sorted(nd.op for nd in nodes.values() if nd.name.startswith(iv.node.name + "/"))
    assert ops == ["Identity", "Identity", "IsVariableInitialized", "RefSwitch", "Switch"]
    assert nodes[f"{iv.node.name}/read/Switch"].input[0] == "v"   # the ref, not read yet


def test_fractional_avg_pool_grad_shape_as_int64():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float64, (1, 6, 6, 1), name="x")
        y, _, _ = gc.nn.fractional_avg_pool(x, [1.0, 1.5, 1.5, 1.0], deterministic=True,
                                            seed=1, seed2=2)
        dx, = gc.gradients(gc.reduce_sum(y), [x])
    nodes = _nodes(gc.io.export_tf_graph_def(g))
    grad = next(nd for nd in nodes.values() if nd.op == "FractionalAvgPoolGrad")
    shape = nodes[grad.input[0].split(":")[0]]
    assert shape.op == "Cast" or shape.attr["dtype"].type == 9          # DT_INT64
    pool = next(nd for nd in nodes.values() if nd.op == "FractionalAvgPool")
    assert (pool.attr["seed"].i, pool.attr["seed2"].i) == (1, 2) and pool.attr["deterministic"].b


def test_matrix_exponential_in_a_cond_branch_refused():
    """Its TF1 while loop cannot be a function's body nodes."""
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float64, (3, 3))
        gc.cond(gc.reduce_sum(x) > 0, lambda: gc.linalg.expm(x), lambda: x)
        with pytest.raises(UnsupportedOpError, match="TF1 while loop"):
            gc.io.export_tf_graph_def(g)
