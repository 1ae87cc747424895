"""TF's own text-format GraphDefs (tf.io.write_graph(..., as_text=True)) import into
graphc and give TF's values: v1 and v2 (functional) control flow, strings, attrs of
every kind."""
import os

import numpy as np
import pytest

import graphc as gc
from tf_parity import tf, v1


@pytest.mark.parametrize("v2_flow", [False, True])
def test_tf_pbtxt_imports(tmp_path, v2_flow):
    g = tf.Graph()
    with g.as_default():
        if v2_flow:
            v1.enable_control_flow_v2()
        try:
            x = v1.placeholder(tf.float32, [None, 3], name="x")
            w = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2))
            h = tf.nn.batch_normalization(tf.matmul(x, w), 0.1, 2.0, 0.0, 1.0, 1e-5)
            y = tf.nn.softmax(h) * 3.5e-7 + tf.reduce_mean(h, axis=[1], keepdims=True)
            y = tf.identity(tf.cond(tf.reduce_sum(x) > 0, lambda: y * 2.0, lambda: y), name="y")
            n = tf.identity(tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 1.5),
                                          [0, tf.reduce_sum(x)])[1], name="n")
            tf.identity(tf.strings.join([tf.as_string(y), "é\n\"q\""]), name="s")
        finally:
            if v2_flow:
                v1.disable_control_flow_v2()
        v1.train.write_graph(g, str(tmp_path), "graph.pbtxt", as_text=True)
        feeds = [{"x:0": [[1.0, 2.0, 3.0]]}, {"x:0": [[-1.0, 0.5, -3.0], [2.0, 2.0, 2.0]]}]
        with v1.Session() as sess:
            want = [sess.run(["y:0", "n:0", "s:0"], f) for f in feeds]
    with gc.Graph().as_default():
        gc.import_graph_def(os.path.join(str(tmp_path), "graph.pbtxt"), name="")
        with gc.Session() as sess:
            for f, w_ in zip(feeds, want):
                got = sess.run(["y:0", "n:0", "s:0"], f)
                np.testing.assert_allclose(got[0], w_[0], rtol=1e-6)
                np.testing.assert_allclose(got[1], w_[1], rtol=1e-6)
                np.testing.assert_array_equal(got[2], w_[2])
