"""TF1's queues in TF GraphDefs (input pipelines: tf.FIFOQueue, PaddingFIFOQueue,
PriorityQueue, RandomShuffleQueue and the ops on their handles) export to TF's ops and
import back, with TF 2.21's values (test_tf_parity_tf_graphdef_queues.py runs the same
graph in TF both ways). No TensorFlow needed."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import UnsupportedOpError

FEED = {"x:0": np.arange(6, dtype=np.float32).reshape(3, 2),
        "l:0": np.array([3, 1, 2], np.int32)}
TF = [[[[0.0, 1.0], [2.0, 3.0]], [3, 1]], [0, 1, 2, 3, 4, 5], [[1, 2], [2.0, 4.0]],
      [1, False, 3], True]


def build(m):
    """The queues in module m (graphc, or TF's compat.v1 in the parity test)."""
    x = m.placeholder(m.float32, [None, 2], name="x")
    lengths = m.placeholder(m.int32, [None], name="l")
    q = m.FIFOQueue(20, [m.float32, m.int32], shapes=[[2], []], name="q")
    q.enqueue_many([x, lengths], name="enq")
    q.dequeue_many(2, name="deq")
    pq = m.PaddingFIFOQueue(10, [m.int32], shapes=[[None]], name="pq")
    pq.enqueue([m.range(m.reduce_sum(lengths))], name="penq")
    pq.dequeue(name="pdeq")
    pr = m.PriorityQueue(10, [m.float32], shapes=[[]], name="prq")
    pr.enqueue_many([m.cast(lengths, m.int64), m.cast(lengths, m.float32) * 2],
                    name="prenq")
    pr.dequeue_many(2, name="prdeq")
    m.identity(q.size(), name="size")
    q.close(name="close")
    m.identity(q.is_closed(), name="isc")
    rq = m.RandomShuffleQueue(10, 0, [m.int32], shapes=[[]], seed=5, name="rq")
    rq.enqueue_many([lengths], name="renq")
    m.identity(rq.size(), name="rsize")


def run(sess):
    sess.run(["enq", "penq", "prenq", "renq"], FEED)
    out = [sess.run(["deq:0", "deq:1"]), sess.run("pdeq:0"), sess.run(["prdeq:0", "prdeq:1"]),
           sess.run(["size:0", "isc:0", "rsize:0"])]
    sess.run("close")
    return out + [sess.run("isc:0")]


def _same(got, want):
    for g, w in zip(got, want):
        if isinstance(w, list) and isinstance(g, list):
            _same(g, w)
        else:
            np.testing.assert_array_equal(g, w)


def _session(m=gc):
    """A Session of module m (graphc, or tf.compat.v1) that fails a blocked queue op."""
    return m.Session(config=m.ConfigProto(operation_timeout_in_ms=10000))


def test_queues_export_and_import_back():
    with gc.Graph().as_default() as g:
        build(gc)
        with _session() as sess:
            _same(run(sess), TF)
        gd = gc.io.export_tf_graph_def(g)
    nodes = {nd.name: nd for nd in gd.node}
    assert nodes["prq"].op == "PriorityQueueV2"
    assert len(nodes["prq"].attr["component_types"].list.type) == 1     # TF's: no int64
    assert nodes["rq"].attr["seed2"].i == 5
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
        with _session() as sess:
            _same(run(sess), TF)


def test_queue_import_refusals():
    with gc.Graph().as_default() as g:
        q = gc.FIFOQueue(3, [gc.float32], shapes=[[]], name="q")
        q.dequeue(name="d")
        gd = gc.io.export_tf_graph_def(g)
    deq = next(nd for nd in gd.node if nd.name == "d")
    deq.attr["timeout_ms"].i = 100
    with gc.Graph().as_default():
        with pytest.raises(UnsupportedOpError, match="'d'.*timeout_ms=100"):
            gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()), name="")
