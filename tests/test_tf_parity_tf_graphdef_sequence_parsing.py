"""SequenceExample parsing between TF GraphDefs and graphc: TF's
parse_single_sequence_example and parse_sequence_example (ParseSequenceExampleV2) import
into graphc and graphc's export into TF, each giving the other's values on the same
records; outputs fetched by their names ("node:k"), which follow TF's order by kind."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from test_tf_graphdef_parsing import sequence_graph, sequence_records
from tf_parity import tf, v1


def _run(lib, Graph, Session, build, feeds):
    with Graph().as_default() as g:
        names = build(lib)
        with Session() as s:
            return names, s.run(names, feeds), g.as_graph_def()


@pytest.mark.parametrize("single", [True, False], ids=["single", "batch"])
def test_tf_sequence_parsing_imports_into_graphc(single):
    feeds = {"ser:0": sequence_records(gc)[1] if single else sequence_records(gc)}
    names, want, gd = _run(v1, tf.Graph, v1.Session,
                           lambda m: sequence_graph(m, single), feeds)
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        got = s.run(names, feeds)              # the TF node's outputs, by TF's name
    for n, g_, w in zip(names, got, want):
        np.testing.assert_array_equal(g_, w, err_msg=n)
        assert np.asarray(g_).dtype == np.asarray(w).dtype, n


@pytest.mark.parametrize("single", [True, False], ids=["single", "batch"])
def test_graphc_sequence_parsing_exports_to_tf(single):
    feeds = {"ser:0": sequence_records(gc)[1] if single else sequence_records(gc)}
    names, want, _ = _run(gc, gc.Graph, gc.Session, lambda m: sequence_graph(m, single),
                          feeds)
    with gc.Graph().as_default() as g:
        sequence_graph(gc, single)
        gd = gc.io.export_tf_graph_def(g)
    with tf.Graph().as_default(), v1.Session() as s:
        v1.import_graph_def(v1.GraphDef.FromString(gd.SerializeToString()), name="")
        got = s.run(names, feeds)
    _, tf_want, _ = _run(v1, tf.Graph, v1.Session, lambda m: sequence_graph(m, single), feeds)
    for n, g_, w, t in zip(names, got, want, tf_want):
        np.testing.assert_array_equal(g_, w, err_msg=n)
        np.testing.assert_array_equal(g_, t, err_msg=n)


def test_parse_example_with_two_sparse_features_by_name():
    """ParseExampleV2's outputs by kind (both indices, both values, both shapes) keep
    TF's names in graphc."""
    rec = tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 2])),
        "b": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"x"]))}))
    feeds = {"s:0": [rec.SerializeToString()]}

    def build(m):
        s = m.placeholder(m.string, [None], name="s")
        out = m.io.parse_example(s, {"a": m.io.VarLenFeature(m.int64),
                                     "b": m.io.VarLenFeature(m.string)})
        return [t.name for k in "ab" for t in (out[k].indices, out[k].values,
                                              out[k].dense_shape)]
    names, want, gd = _run(v1, tf.Graph, v1.Session, build, feeds)
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        got = s.run(names, feeds)
    for n, g_, w in zip(names, got, want):
        np.testing.assert_array_equal(g_, w, err_msg=n)


def test_tf1_sequence_parse_ops_import():
    """TF 1's ParseSingleSequenceExample (keys as inputs) and ParseSequenceExample (keys
    as attrs), as raw ops: graphc gives TF's outputs by name."""
    raw = tf.raw_ops
    recs = sequence_records(gc)

    def build():
        s1 = v1.placeholder(tf.string, [], name="s1")
        sb = v1.placeholder(tf.string, [None], name="sb")
        dflt = [tf.constant([0.5, 1.5]), tf.constant(7, tf.int64)]
        one = raw.ParseSingleSequenceExample(
            serialized=s1, feature_list_dense_missing_assumed_empty=tf.constant(["vec"]),
            context_sparse_keys=[tf.constant("tag")],
            context_dense_keys=[tf.constant("w"), tf.constant("len")],
            feature_list_sparse_keys=[tf.constant("ids")],
            feature_list_dense_keys=[tf.constant("tok"), tf.constant("vec")],
            context_dense_defaults=dflt, debug_name=tf.constant(""),
            context_sparse_types=[tf.string], feature_list_dense_types=[tf.int64, tf.float32],
            context_dense_shapes=[[2], []], feature_list_sparse_types=[tf.int64],
            feature_list_dense_shapes=[[], [2]], name="one")
        many = raw.ParseSequenceExample(
            serialized=sb, debug_name=tf.constant([], tf.string), context_dense_defaults=dflt,
            feature_list_dense_missing_assumed_empty=["tok", "vec"],
            context_sparse_keys=["tag"], context_dense_keys=["w", "len"],
            feature_list_sparse_keys=["ids"], feature_list_dense_keys=["tok", "vec"],
            Ncontext_sparse=1, Ncontext_dense=2, Nfeature_list_sparse=1,
            Nfeature_list_dense=2, context_sparse_types=[tf.string],
            feature_list_dense_types=[tf.int64, tf.float32], context_dense_shapes=[[2], []],
            feature_list_sparse_types=[tf.int64], feature_list_dense_shapes=[[], [2]],
            name="many")
        return [t.name for part in (one, many) for group in part for t in group]
    feeds = {"s1:0": recs[0], "sb:0": recs}
    with tf.Graph().as_default() as g:
        names = build()
        with v1.Session() as s:
            want = s.run(names, feeds)
        gd = g.as_graph_def()
    with gc.Graph().as_default(), gc.Session() as s:
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        got = s.run(names, feeds)
    for n, g_, w in zip(names, got, want):
        np.testing.assert_array_equal(g_, w, err_msg=n)
