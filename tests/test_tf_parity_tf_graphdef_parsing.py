"""Parity of the parsing ops between graphc and TF GraphDefs: the same parse_example /
parse_single_example / decode_raw / decode_csv graph built by TF imports into graphc,
built by graphc exports into TF, and TF 1's raw ParseExample and ParseSingleExample
import, all giving TF's values on TF's own run."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from test_tf_graphdef_parsing import RECORDS, build as build_parse, example
from tf_parity import tf, v1

FEED = {"s:0": RECORDS, "s1:0": RECORDS[1],
        "r:0": np.array([b"\x00\x01\x02\x03", b"\xff\xfe\x00\x00"], object),
        "csv:0": np.array([b'1.5;q;2;"x";5;6', b"NA;;3;;8;9"], object)}
MORE = dict(FEED, **{"s:0": np.array([example([0, 1], 2, [b"\xc3\xa9"], [], [])], object),
                     "s1:0": RECORDS[0]})


def build(m):
    """The parse graph of test_tf_graphdef_parsing.py and decode_raw / decode_csv, in
    module m (graphc or tf.compat.v1); its fetches by name."""
    parsed = build_parse(m)
    r = m.placeholder(m.string, [None], name="r")
    csv = m.io.decode_csv(m.placeholder(m.string, [None], name="csv"),
                          [[1.0], [], ["q"], [np.int64(3)]], field_delim=";",
                          na_value="NA", select_cols=[0, 2, 3, 5])
    fetch = [m.io.decode_raw(r, m.int16, little_endian=False)] + list(csv)
    return [parsed[k].name for k in sorted(parsed)] + [
        m.identity(t, name=f"o{k}").name for k, t in enumerate(fetch)]


def build_tf1_raw():
    """TF 1's ops (keys as scalar inputs, or attrs) through tf.raw_ops."""
    s = v1.placeholder(tf.string, [None], name="s")
    o = tf.raw_ops.ParseExample(
        serialized=s, names=tf.constant([], tf.string), sparse_keys=[tf.constant("c")],
        dense_keys=[tf.constant("a"), tf.constant("b")],
        dense_defaults=[tf.constant([], tf.float32), tf.constant(7, tf.int64)],
        sparse_types=[tf.string], dense_shapes=[[2], []], name="v1")
    s1 = v1.placeholder(tf.string, [], name="s1")
    o1 = tf.raw_ops.ParseSingleExample(
        serialized=s1, dense_defaults=[tf.constant([], tf.float32)], num_sparse=1,
        sparse_keys=["c"], dense_keys=["a"], sparse_types=[tf.string], dense_shapes=[[2]],
        name="v1s")
    outs = [*o.sparse_indices, *o.sparse_values, *o.sparse_shapes, *o.dense_values,
            *o1.sparse_indices, *o1.sparse_values, *o1.sparse_shapes, *o1.dense_values]
    return [tf.identity(t, name=f"o{k}").name for k, t in enumerate(outs)]


def _same(got, want):
    for k, (g, w) in enumerate(zip(got, want)):
        g, w = np.asarray(g), np.asarray(w)
        assert (g.shape, g.dtype) == (w.shape, w.dtype), k
        np.testing.assert_array_equal(g, w, err_msg=str(k))


def _tf_run(builder, feeds):
    with tf.Graph().as_default() as g:
        fetches = builder()
        names = {op.name + ":0" for op in g.get_operations()}
        feeds = [{k: v for k, v in f.items() if k in names} for f in feeds]
        with v1.Session() as sess:
            want = [sess.run(fetches, f) for f in feeds]
    return GraphDef.FromString(g.as_graph_def().SerializeToString()), fetches, want


@pytest.mark.parametrize("builder", [lambda: build(v1), build_tf1_raw], ids=["v2", "tf1_raw"])
def test_tf_graph_imports_into_graphc(builder):
    gd, fetches, want = _tf_run(builder, [FEED, MORE])
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd, name="")
        names = {op.name + ":0" for op in g.get_operations()}
        with gc.Session() as sess:
            for f, w in zip([FEED, MORE], want):
                _same(sess.run(fetches, {k: v for k, v in f.items() if k in names}), w)


def test_graphc_export_runs_in_tf():
    with gc.Graph().as_default() as g:
        fetches = build(gc)
        with gc.Session() as sess:
            want = [sess.run(fetches, f) for f in (FEED, MORE)]
        data = gc.io.export_tf_graph_def(g).SerializeToString()
    _, _, tf_own = _tf_run(lambda: build(v1), [FEED, MORE])
    with tf.Graph().as_default():
        v1.import_graph_def(v1.GraphDef.FromString(data), name="")
        with v1.Session() as sess:
            for f, w, t in zip([FEED, MORE], want, tf_own):
                got = sess.run(fetches, f)
                _same(got, w)
                _same(got, t)
