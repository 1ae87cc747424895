"""The TF GraphDef export orders each variable read before the updates graphc runs
after it (compiler/program.py's _split_state_reads) where the two meet downstream, also
for a reader built after the update: the update gets the reader as a control input, so
TF gives graphc's values."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef_export import export_tf_graph_def


def _assign_then_read():
    with gc.Graph().as_default() as g:
        v = gc.Variable(1., name="v")
        a = v.assign(2., name="a")
        m = gc.multiply(v, 10., name="m")       # built after "a", not waiting for it
        gc.group(a, m, name="step")             # they meet here
        gc.multiply(v, 3., name="alone")        # never meets "a": no edge
    return g


def test_update_waits_for_the_reads_graphc_runs_first():
    nodes = {nd.name: nd for nd in export_tf_graph_def(_assign_then_read()).node}
    controls = [i for i in nodes["a"].input if i.startswith("^")]
    assert controls == ["^m"]                   # not "^alone"
    assert not [i for i in nodes["v/Assign"].input if i.startswith("^")]


def test_tf_runs_the_exported_graph_as_graphc():
    tf = pytest.importorskip("tensorflow")
    v1 = tf.compat.v1
    g = _assign_then_read()
    with g.as_default(), gc.Session() as s:
        s.run(g.get_operation_by_name("v/Assign"))
        want = [s.run([g.get_tensor_by_name("m:0"), g.get_operation_by_name("step")])[0]
                for _ in range(5)]
    gd = v1.GraphDef.FromString(export_tf_graph_def(g).SerializeToString())
    with tf.Graph().as_default() as tg:
        v1.import_graph_def(gd, name="")
        with v1.Session() as s:
            s.run(tg.get_operation_by_name("v/Assign"))
            got = [s.run(["m:0", "step"])[0] for _ in range(5)]
    np.testing.assert_allclose(got, want)
    assert want == [10., 20., 20., 20., 20.]
