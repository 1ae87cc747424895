"""TF1's .meta + checkpoint written live by TF 2.21 (tests/data/make_tf_meta.py's model)
import into graphc, restore and train on with TF's losses; graphc's save through the
imported Saver restores in TF."""
import numpy as np

import graphc as gc
from test_tf_meta_graph import make
from tf_parity import tf, v1


def test_tf_meta_graph_round_trip(tmp_path):
    xs, ys = make.data()
    feed = {"x:0": xs, "y:0": ys}
    with tf.Graph().as_default():
        train = make.build(v1)
        saver = v1.train.Saver()
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            for _ in range(2):
                s.run(train, feed)
            path = saver.save(s, str(tmp_path / "model.ckpt"), global_step=2)
            want = [s.run(["loss:0", train], feed)[0] for _ in range(4)]
    with gc.Graph().as_default(), gc.Session() as sess:
        gsaver = gc.train.import_meta_graph(path + ".meta")
        gsaver.restore(sess, path)
        train = gc.get_collection("train_op")[0]
        got = [sess.run(["loss:0", train], feed)[0] for _ in range(2)]
        mine = gsaver.save(sess, str(tmp_path / "graphc.ckpt"))
    np.testing.assert_allclose(got, want[:2], rtol=1e-6)
    with tf.Graph().as_default():
        tsaver = v1.train.import_meta_graph(path + ".meta")
        with v1.Session() as s:
            tsaver.restore(s, mine)
            train = v1.get_collection("train_op")[0]
            rest = [s.run(["loss:0", train], feed)[0] for _ in range(2)]
    np.testing.assert_allclose(rest, want[2:], rtol=1e-6)
