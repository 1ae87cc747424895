"""Parity of TF1's queues between graphc and TF GraphDefs: TF's queue graph imports into
graphc and graphc's export runs in TF, giving TF's values (random shuffling aside)."""
import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from test_tf_graphdef_queues import TF, _same, _session, build, run
from tf_parity import tf, v1


def test_tf_queues_import_and_graphc_export_runs_in_tf():
    with tf.Graph().as_default() as g:
        build(v1)
        with _session(v1) as sess:
            _same(run(sess), TF)
        tf_gd = g.as_graph_def().SerializeToString()
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(tf_gd), name="")
        with _session() as sess:
            _same(run(sess), TF)
    with gc.Graph().as_default() as g:
        build(gc)
        data = gc.io.export_tf_graph_def(g).SerializeToString()
    with tf.Graph().as_default():
        v1.import_graph_def(v1.GraphDef.FromString(data), name="")
        with _session(v1) as sess:
            _same(run(sess), TF)
