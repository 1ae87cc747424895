"""Parity of summaries and prints between graphc and TF GraphDefs: TF's TF1 summary/print
graph imports into graphc and graphc's export runs in TF, the same Summary values (PNG
images compared decoded: the encoders' bytes differ) and the same printed text."""
import numpy as np

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from test_tf_graphdef_summary import FEED, build
from tf_parity import tf, v1


def _values(data):
    """(tag, what the value holds) of each Summary value; images as decoded pixels."""
    out = []
    for v in v1.Summary.FromString(data).value:
        if v.HasField("image"):         # (graphc's decoder: TF may be in graph mode)
            with gc.Graph().as_default(), gc.Session() as sess:
                pixels = sess.run(gc.image.decode_png(v.image.encoded_image_string))
            out.append((v.tag, pixels.tolist()))
        else:
            out.append((v.tag, str(v)))
    return sorted(out)


def _tf_run(data=None):
    with tf.Graph().as_default() as g:
        if data is None:
            fetches = build(v1)
        else:
            v1.import_graph_def(v1.GraphDef.FromString(data), name="")
            fetches = ["merged:0", "z:0"]
        with v1.Session() as sess:
            return sess.run(fetches, FEED), g.as_graph_def().SerializeToString()


def test_tf_summaries_import_and_graphc_export_runs_in_tf(capfd):
    want, tf_gd = _tf_run()
    tf_text = capfd.readouterr()
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(tf_gd), name="")
        with gc.Session() as sess:
            imported = sess.run(["merged:0", "z:0"], FEED)
    gc_text = capfd.readouterr()
    with gc.Graph().as_default() as g:
        build(gc)
        data = gc.io.export_tf_graph_def(g).SerializeToString()
    exported, _ = _tf_run(data)
    for got in (imported, exported):
        assert _values(got[0]) == _values(want[0])
        np.testing.assert_allclose(got[1], want[1])
    assert gc_text.out == tf_text.out
    assert "SUM [48][2 4 4 3]" in gc_text.err and "SUM [48][2 4 4 3]" in tf_text.err
