"""A TF1 graph's Saver nodes (SaveV2, RestoreV2; a sharded Saver's ShardedFilename and
MergeV2Checkpoints) imported into graphc: its restore op reads TF's checkpoint, its save
op writes one TF restores."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from tf_parity import tf, v1


@pytest.mark.parametrize("sharded", [False, True])
def test_imported_saver_restores_and_saves_tf_checkpoints(tmp_path, sharded):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 2], name="x")
        w = v1.Variable([[1.0], [2.0]], name="w")
        b = v1.get_variable("b", [1], initializer=v1.constant_initializer(0.5),
                            use_resource=True)
        tf.identity(tf.matmul(x, w) + b, name="y")
        saver = v1.train.Saver(sharded=sharded)
        init = v1.global_variables_initializer()
        with v1.Session() as s:
            s.run(init)
            s.run([w.assign([[3.0], [4.0]]), b.assign([1.5])])
            path = saver.save(s, str(tmp_path / "tf_model"))
        sd = saver.saver_def
        data = g.as_graph_def().SerializeToString()
    mine = str(tmp_path / "gc_model")
    with gc.Graph().as_default():
        gc.import_graph_def(GraphDef.FromString(data), name="")
        with gc.Session() as s:
            s.run(sd.restore_op_name, {sd.filename_tensor_name: path})
            np.testing.assert_allclose(s.run("y:0", {"x:0": [[1.0, 1.0]]}), [[8.5]])
            s.run("w/Assign")                   # back to w's initial value
            saved = s.run(sd.save_tensor_name, {sd.filename_tensor_name: mine})
            assert saved == mine.encode()
    assert os.path.exists(mine + ".index")
    with g.as_default(), v1.Session() as s:
        s.run(init)
        saver.restore(s, mine)
        got = s.run([w, b])
    np.testing.assert_array_equal(got[0], [[1.0], [2.0]])
    np.testing.assert_array_equal(got[1], [1.5])
