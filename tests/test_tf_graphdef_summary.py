"""Summaries and prints in TF GraphDefs (TF1 training graphs hold them): graphc's
summary ops export with their tags as Consts, Print as TF's, PrintV2 as tf.print's
StringFormat + PrintV2, and all import back giving the same summaries and text
(test_tf_parity_tf_graphdef_summary.py runs them in TF). No TensorFlow needed."""
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import UnsupportedOpError

FEED = {"x:0": np.linspace(0, 1, 96, dtype=np.float32).reshape(2, 4, 4, 3)}


def build(m):
    """The graph in module m (graphc, or TF's compat.v1 in the parity test)."""
    x = m.placeholder(m.float32, [None, 4, 4, 3], name="x")
    s = [m.summary.scalar("loss", m.reduce_mean(x)), m.summary.histogram("h", x),
         m.summary.image("img", x, max_outputs=2),
         m.summary.audio("a", m.reshape(x, [-1, 48]), 8000),
         m.summary.tensor_summary("t", x)]
    m.identity(m.summary.merge(s), name="merged")
    y = m.identity(m.Print(x, [m.reduce_sum(x), m.shape(x)], message="SUM ", summarize=4),
                   name="y")
    p = m.print("PRINTV2 total:", m.reduce_sum(x), {"k": m.shape(x)}, output_stream=sys.stdout)
    with m.control_dependencies([p]):
        m.identity(y * 2, name="z")
    return ["merged:0", "z:0"]


def test_summaries_and_prints_round_trip(capsys):
    with gc.Graph().as_default() as g:
        fetches = build(gc)
        with gc.Session() as sess:
            want = sess.run(fetches, FEED)
        gd = gc.io.export_tf_graph_def(g)
    first = capsys.readouterr()
    ops = {nd.op for nd in gd.node}
    assert {"ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummaryV2",
            "TensorSummaryV2", "MergeSummary", "Print", "StringFormat", "PrintV2"} <= ops
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with gc.Session() as sess:
            got = sess.run(fetches, FEED)
    again = capsys.readouterr()
    assert got[0] == want[0]                    # the same Summary proto bytes
    np.testing.assert_array_equal(got[1], want[1])
    # TF 2.21's text, printed by both graphs
    assert first.out == again.out == "PRINTV2 total: 48 {'k': [2 4 4 3]}\n"
    assert first.err.count("SUM [48][2 4 4 3]") == again.err.count("SUM [48][2 4 4 3]") == 1


def test_summary_tags_must_be_constants():
    with gc.Graph().as_default():
        gc.summary.scalar("loss", gc.constant(1.0))
        gd = gc.io.export_tf_graph_def()
    tags = next(nd for nd in gd.node if nd.op == "Const" and "tags" in nd.name)
    tags.op, tags.attr = "Placeholder", {"dtype": tags.attr["dtype"]}
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="ScalarSummary.*tags.*must be known"):
            gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
