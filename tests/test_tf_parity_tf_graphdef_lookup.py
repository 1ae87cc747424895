"""Parity of lookup tables between graphc and TF GraphDefs: TF builds
tests/data/make_tf_lookup.py's serving graph, graphc imports it and gives TF's values on
several feeds; TF imports graphc's export of the same graph written with graphc's API
and gives graphc's values; TF and graphc share a table between handles of one
shared_name alike."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from test_tf_graphdef_lookup import FETCHES, _build_graphc, make
from tf_parity import tf, v1

FEEDS = [make.FEED, np.array([[b"dog"], [b"d\xc3\xb6g"]], object),
         np.array([[b"bee", b"bee", b"zebra", b"cat"]], object)]


@pytest.fixture
def paths(tmp_path):
    out = []
    for name, lines in (("vocab.txt", make.VOCAB), ("counts.txt", make.COUNTS)):
        out.append(str(tmp_path / name))
        (tmp_path / name).write_text("".join(line + "\n" for line in lines))
    return out


def _run(sess, feed):
    sess.run("init")
    sess.run("insert", {"words:0": feed})
    out = dict(zip(FETCHES, sess.run([f + ":0" for f in FETCHES], {"words:0": feed})))
    order = np.argsort(out["seen_keys"])
    out["seen_keys"], out["seen_values"] = out["seen_keys"][order], out["seen_values"][order]
    return out


def _same(got, want):
    for k in FETCHES:
        assert np.asarray(got[k]).shape == np.asarray(want[k]).shape, k
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


@pytest.mark.parametrize("feed", FEEDS, ids=["two_rows", "utf8", "repeats"])
def test_tf_graph_imports_into_graphc(paths, feed):
    g = tf.Graph()
    with g.as_default():
        make.build(v1, *paths)
        with v1.Session() as sess:
            want = _run(sess, feed)
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(g.as_graph_def().SerializeToString()),
                            name="")
        with gc.Session() as sess:
            _same(_run(sess, feed), want)


@pytest.mark.parametrize("feed", FEEDS, ids=["two_rows", "utf8", "repeats"])
def test_graphc_export_runs_in_tf(paths, feed):
    with gc.Graph().as_default() as g:
        _build_graphc(*paths)
        with gc.Session() as sess:
            want = _run(sess, feed)
        data = gc.io.export_tf_graph_def(g).SerializeToString()
    tg = tf.Graph()
    with tg.as_default():
        v1.import_graph_def(v1.GraphDef.FromString(data), name="")
        with v1.Session() as sess:
            _same(_run(sess, feed), want)


def test_shared_name_shares_the_table_in_both():
    def build(m, raw):
        a = raw.HashTableV2(key_dtype=m.string, value_dtype=m.int64, shared_name="vocab")
        b = raw.HashTableV2(key_dtype=m.string, value_dtype=m.int64, shared_name="vocab")
        init = raw.InitializeTableV2(table_handle=a, keys=["x", "y"],
                                     values=m.constant([1, 2], m.int64))
        return init, raw.LookupTableFindV2(table_handle=b, keys=["y", "z"],
                                           default_value=m.constant(-1, m.int64))
    with tf.Graph().as_default():
        init, find = build(tf, tf.raw_ops)
        with v1.Session() as sess:
            sess.run(init)
            want = sess.run(find)
    with gc.Graph().as_default():
        init, find = build(gc, gc.raw_ops)
        with gc.Session() as sess:
            sess.run(init)
            np.testing.assert_array_equal(sess.run(find), want)


def test_a_table_read_in_cond_branches_runs_in_tf():
    from test_tf_graphdef_lookup import COND_WANT, _lookup_in_cond
    with gc.Graph().as_default() as g:
        _, feeds, init = _lookup_in_cond()
        data = gc.io.export_tf_graph_def(g).SerializeToString()
    with tf.Graph().as_default():
        v1.import_graph_def(v1.GraphDef.FromString(data), name="")
        with v1.Session() as sess:
            sess.run(init.name)
            assert [sess.run("y:0", f).tolist() for f in feeds] == COND_WANT
