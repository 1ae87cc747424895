"""Writes tests/data/tf_meta/: what TF1's Saver.save writes after 3 Adam steps of a
linear model (model.ckpt-3.meta, .index, .data-00000-of-00001) and tf_meta.npz, the
losses of TF's next 3 steps. tests/test_tf_meta_graph.py imports the .meta with
gc.train.import_meta_graph, restores and trains on. Run once with TensorFlow 2.x:
python tests/data/make_tf_meta.py"""
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "tf_meta")


def data():
    xs = np.random.RandomState(0).randn(8, 3).astype(np.float32)
    return xs, xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)


def build(m):
    """The model in module m's default graph: its train op (in collection "train_op")."""
    x = m.placeholder(m.float32, [None, 3], name="x")
    y = m.placeholder(m.float32, [None, 1], name="y")
    w = m.Variable(m.zeros([3, 1]), name="w")
    pred = m.matmul(x, w, name="pred")
    loss = m.reduce_mean(m.square(pred - y), name="loss")
    train = m.train.AdamOptimizer(0.1).minimize(loss)
    m.add_to_collection("train_op", train)
    m.add_to_collection("pred", pred)
    return train


def main():
    import tensorflow as tf
    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    shutil.rmtree(TARGET, ignore_errors=True)
    os.makedirs(TARGET)
    xs, ys = data()
    with tf.Graph().as_default():
        train = build(v1)
        saver = v1.train.Saver()
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            feed = {"x:0": xs, "y:0": ys}
            for _ in range(3):
                s.run(train, feed)
            saver.save(s, os.path.join(TARGET, "model.ckpt"), global_step=3,
                       write_state=False)
            losses = [s.run(["loss:0", train], feed)[0] for _ in range(3)]
    np.savez(os.path.join(HERE, "tf_meta.npz"), losses=np.array(losses))


if __name__ == "__main__":
    main()
