"""The parsing ops of serving input graphs in TF GraphDefs: parse_example and
parse_single_example export as TF 2's ParseExampleV2 (an IdentityN restores graphc's
output order) and import back; TF 1's ParseExample and ParseSingleExample import;
DecodeRaw and DecodeCSV both ways. TF 2.21 ran the same graphs both ways
(test_tf_parity_tf_graphdef_parsing.py); here graphc's own importer checks the round
trip. No TensorFlow needed."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import AttrValue, GraphDef, ListValue, NodeDef
from graphc.io.tf_graphdef_import import UnsupportedOpError, tf_datatype
from graphc.io.tf_graphdef_export import shape_proto
from graphc.shapes import TensorShape


def example(a, b=None, c=(), d=(), e=()):
    t = gc.train
    f = {"a": t.Feature(float_list=t.FloatList(value=a)),
         "c": t.Feature(bytes_list=t.BytesList(value=c)),
         "d": t.Feature(float_list=t.FloatList(value=d)),
         "e": t.Feature(int64_list=t.Int64List(value=e))}
    if b is not None:
        f["b"] = t.Feature(int64_list=t.Int64List(value=[b]))
    return t.Example(features=t.Features(feature=f)).SerializeToString()


RECORDS = np.array([example([1, 2], 3, [b"x", b"yy"], [1, 2, 3], [4]),
                    example([5, 6], None, [], [1, 2, 3, 4, 5, 6], [7, 8, 9])], object)
# TF 2.21's values for build()'s fetches on FEED
TF = {"a": [[1.0, 2.0], [5.0, 6.0]], "b": [3, 7], "ci": [[0, 0], [0, 1]],
      "cv": [b"x", b"yy"], "cs": [2, 2],
      "d": [[[1.0, 2.0, 3.0], [1.5, 1.5, 1.5]], [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]],
      "ev": [4, 7, 8, 9], "es": [0, 1, 4], "a1": [5.0, 6.0], "ci1": np.zeros((0, 1)),
      "cv1": np.zeros(0, object), "cs1": [0], "e1": [7, 8, 9]}
FEED = {"s:0": RECORDS, "s1:0": RECORDS[1]}


def build(m=gc):
    """The parse graph in module m (graphc, or tf.compat.v1 in the parity test): its
    fetches {key: the tensor named "o_<key>"}."""
    s = m.placeholder(m.string, [None], name="s")
    out = m.io.parse_example(s, {
        "a": m.io.FixedLenFeature([2], m.float32),
        "b": m.io.FixedLenFeature([], m.int64, default_value=7),
        "c": m.io.VarLenFeature(m.string),
        "d": m.io.FixedLenSequenceFeature([3], m.float32, allow_missing=True,
                                          default_value=1.5),
        "e": m.io.RaggedFeature(m.int64)}, name="pe")
    s1 = m.placeholder(m.string, [], name="s1")
    one = m.io.parse_single_example(s1, {"a": m.io.FixedLenFeature([2], m.float32),
                                         "c": m.io.VarLenFeature(m.string),
                                         "e": m.io.RaggedFeature(m.int64)}, name="pse")
    fetch = {"a": out["a"], "b": out["b"], "ci": out["c"].indices, "cv": out["c"].values,
             "cs": out["c"].dense_shape, "d": out["d"], "ev": out["e"].values,
             "es": out["e"].row_splits, "a1": one["a"], "ci1": one["c"].indices,
             "cv1": one["c"].values, "cs1": one["c"].dense_shape, "e1": one["e"]}
    return {k: m.identity(v, name="o_" + k) for k, v in fetch.items()}


def _same(got, want):
    for k in want:
        g, w = np.asarray(got[k]), np.asarray(want[k])
        assert g.shape == w.shape, k
        np.testing.assert_array_equal(g, w, err_msg=k)


def test_parse_example_exports_as_parse_example_v2_and_imports_back():
    with gc.Graph().as_default() as g:
        outs = build()
        with gc.Session() as sess:
            want = sess.run(outs, FEED)
        gd = gc.io.export_tf_graph_def(g)
    _same(want, TF)
    nodes = {nd.name: nd for nd in gd.node}
    assert nodes["pe/ParseExampleV2"].op == "ParseExampleV2"
    assert nodes["pe"].op == "IdentityN"        # graphc's output order kept under its name
    v2 = nodes["pe/ParseExampleV2"]
    assert v2.attr["num_sparse"].i == 1
    assert [d.size for d in v2.attr["dense_shapes"].list.shape[2].dim] == [-1, 3]
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            got = sess.run({k: f"o_{k}:0" for k in want}, FEED)
    _same(got, want)
    for k in want:
        assert got[k].dtype == want[k].dtype, k


def _attr_types(*dts):
    return AttrValue(list=ListValue(type=[tf_datatype(d) for d in dts]))


def _shapes(*shapes):
    return AttrValue(list=ListValue(shape=[shape_proto(TensorShape(s)) for s in shapes]))


def _const(name, value, dtype):
    from graphc.tf1_misc import make_tensor_proto
    arr = np.asarray(value, dtype.np)
    return NodeDef(name=name, op="Const", attr={
        "dtype": AttrValue(type=tf_datatype(dtype)),
        "value": AttrValue(tensor=make_tensor_proto(arr, dtype))})


def _placeholder(name, shape):
    return NodeDef(name=name, op="Placeholder", attr={
        "dtype": AttrValue(type=7), "shape": AttrValue(shape=shape_proto(TensorShape(shape)))})


def _tf1_graph():
    """TF 1's ParseExample (keys as scalar inputs) and ParseSingleExample (keys as
    attrs), as tf.raw_ops builds them."""
    nodes = [_placeholder("s", [None]), _placeholder("s1", []),
             _const("names", np.zeros(0, object), gc.string),
             _const("kc", b"c", gc.string), _const("ka", b"a", gc.string),
             _const("kb", b"b", gc.string), _const("da", np.zeros(0), gc.float32),
             _const("db", 7, gc.int64)]
    nodes.append(NodeDef(name="v1", op="ParseExample",
                         input=["s", "names", "kc", "ka", "kb", "da", "db"], attr={
                             "Nsparse": AttrValue(i=1), "Ndense": AttrValue(i=2),
                             "sparse_types": _attr_types(gc.string),
                             "Tdense": _attr_types(gc.float32, gc.int64),
                             "dense_shapes": _shapes([2], [])}))
    nodes.append(NodeDef(name="v1s", op="ParseSingleExample", input=["s1", "da"], attr={
        "num_sparse": AttrValue(i=1), "sparse_keys": AttrValue(list=ListValue(s=[b"c"])),
        "dense_keys": AttrValue(list=ListValue(s=[b"a"])),
        "sparse_types": _attr_types(gc.string), "Tdense": _attr_types(gc.float32),
        "dense_shapes": _shapes([2])}))
    gd = GraphDef()
    gd.node.extend(nodes)
    return gd


def test_tf1_parse_example_and_parse_single_example_import():
    with gc.Graph().as_default():
        gc.import_graph_def(_tf1_graph(), name="")
        with gc.Session() as sess:
            got = sess.run([f"v1:{k}" for k in range(5)] + [f"v1s:{k}" for k in range(4)],
                           FEED)
    want = [TF["ci"], TF["cv"], TF["cs"], TF["a"], TF["b"], TF["ci1"], TF["cv1"],
            TF["cs1"], TF["a1"]]
    for k, (g, w) in enumerate(zip(got, want)):
        assert np.asarray(g).shape == np.asarray(w).shape, k
        np.testing.assert_array_equal(g, w, err_msg=str(k))


def test_decode_raw_and_decode_csv_round_trip():
    with gc.Graph().as_default() as g:
        r = gc.placeholder(gc.string, [None], name="r")
        raw = gc.identity(gc.io.decode_raw(r, gc.int16, little_endian=False), name="raw")
        lines = gc.placeholder(gc.string, [None], name="csv")
        cols = [gc.identity(c, name=f"col{k}") for k, c in enumerate(gc.io.decode_csv(
            lines, [[1.0], [], ["q"], [np.int64(3)]], field_delim=";", na_value="NA",
            select_cols=[0, 2, 3, 5]))]
        feed = {r: np.array([b"\x00\x01\x02\x03", b"\xff\xfe\x00\x00"], object),
                lines: np.array([b'1.5;q;2;"x";5;6', b"NA;;3;;8;9"], object)}
        with gc.Session() as sess:
            want = sess.run([raw] + cols, feed)
        gd = gc.io.export_tf_graph_def(g)
    # TF 2.21's values
    np.testing.assert_array_equal(want[0], [[1, 515], [-2, 0]])
    for w, t in zip(want[1:], [[1.5, 1.0], [2.0, 3.0], [b"x", b"q"], [6, 9]]):
        np.testing.assert_array_equal(w, t)
    assert {"DecodeRaw", "DecodeCSV"} <= {nd.op for nd in gd.node}
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            got = sess.run(["raw:0"] + [f"col{k}:0" for k in range(4)],
                           {"r:0": feed[r], "csv:0": feed[lines]})
    for g_, w in zip(got, want):
        assert g_.dtype == w.dtype
        np.testing.assert_array_equal(g_, w)


def test_refusals_name_the_node():
    with gc.Graph().as_default() as g:
        s = gc.placeholder(gc.string, [None])
        gc.io.parse_example(s, {"sp": gc.io.SparseFeature("ix", "val", gc.float32, 10)},
                            name="sf")
        with pytest.raises(UnsupportedOpError, match="'sf'.*feature 'sp' is a SparseFeature"):
            gc.io.export_tf_graph_def(g)
    gd = _tf1_graph()
    gd.node[6] = _placeholder("da", [None])          # a fed dense default
    gd.node[6].attr["dtype"] = AttrValue(type=1)
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="v1.*dense_defaults for 'a'.*Const"):
            gc.import_graph_def(gd, name="")


# ---- SequenceExamples (test_tf_parity_tf_graphdef_sequence_parsing.py checks TF) --------
def sequence_graph(m, single):
    """parse_single_sequence_example (single) or parse_sequence_example of a fed
    "ser" in module m (graphc or tf.compat.v1): the names of every output."""
    ser = m.placeholder(m.string, [] if single else [None], name="ser")
    ctx = {"len": m.io.FixedLenFeature([], m.int64), "tag": m.io.VarLenFeature(m.string),
           "w": m.io.FixedLenFeature([2], m.float32, default_value=[0.5, 1.5])}
    seq = {"tok": m.io.FixedLenSequenceFeature([], m.int64, allow_missing=single),
           "vec": m.io.FixedLenSequenceFeature([2], m.float32, allow_missing=True),
           "ids": m.io.VarLenFeature(m.int64)}
    if single:
        outs = m.io.parse_single_sequence_example(ser, ctx, seq)
    else:
        outs = m.io.parse_sequence_example(ser, ctx, seq)
    names = []
    for d in outs:
        for k in sorted(d):
            v = d[k]
            names += [v.indices.name, v.values.name, v.dense_shape.name] \
                if hasattr(v, "indices") else [v.name]
    return names


def sequence_records(m):
    """Two serialized SequenceExamples (2 and 3 steps; "vec" only in the second)."""
    out = []
    for n in (2, 3):
        ex = m.train.SequenceExample()
        ex.context.feature["len"].int64_list.value.append(n)
        ex.context.feature["tag"].bytes_list.value.extend([b"a", b"b"][:n - 1])
        for t in range(n):
            ex.feature_lists.feature_list["tok"].feature.add().int64_list.value.append(10 * t)
            ex.feature_lists.feature_list["ids"].feature.add().int64_list.value.extend(range(t))
            if n == 3:
                ex.feature_lists.feature_list["vec"].feature.add().float_list.value.extend(
                    [t, -t])
        out.append(ex.SerializeToString())
    return np.array(out, object)


@pytest.mark.parametrize("single", [True, False], ids=["single", "batch"])
def test_sequence_parsing_exports_and_imports_back(single):
    feeds = {"ser:0": sequence_records(gc)[1] if single else sequence_records(gc)}
    with gc.Graph().as_default() as g, gc.Session() as s:
        names = sequence_graph(gc, single)
        want = s.run(names, feeds)
        gd = gc.io.export_tf_graph_def(g)
    assert "ParseSequenceExampleV2" in {nd.op for nd in gd.node}
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(gd, name="")
        got = s.run(names, feeds)
    for n, g_, w in zip(names, got, want):
        np.testing.assert_array_equal(g_, w, err_msg=n)
