"""Writes tests/data/tf_keras_prep.pb and .npz: the ops TF 2's Keras preprocessing layers
build (TextVectorization: DenseBincount for ragged row lengths, RaggedTensorToTensor),
on fed placeholders, with TF's outputs for three feeds. tests/test_tf_graphdef_lookup.py
replays them (tf_fixtures.replay). Run once with TensorFlow 2.x:
python tests/data/make_tf_keras_prep.py"""
import os

import numpy as np
import tensorflow as tf
from fixture_files import save

HERE = os.path.dirname(os.path.abspath(__file__))
v1 = tf.compat.v1
raw = tf.raw_ops


def build():
    m = v1.placeholder(tf.int64, [None, None], name="m")
    w = v1.placeholder(tf.float32, [None, None], name="w")
    values = v1.placeholder(tf.float32, [None], name="values")
    splits = v1.placeholder(tf.int64, [None], name="splits")
    rowids = v1.placeholder(tf.int64, [None], name="rowids")
    outs = [raw.DenseBincount(input=m, size=tf.constant(6, tf.int64), weights=w),
            raw.DenseBincount(input=tf.reshape(m, [-1]), size=tf.constant(4, tf.int64),
                              weights=tf.constant([], tf.int64), binary_output=True),
            raw.RaggedTensorToTensor(shape=tf.constant([-1, 3], tf.int64), values=values,
                                     default_value=tf.constant(-1.0),
                                     row_partition_tensors=[splits],
                                     row_partition_types=["ROW_SPLITS"]),
            raw.RaggedTensorToTensor(shape=tf.constant([-1, -1], tf.int64), values=values,
                                     default_value=tf.constant(9.0),
                                     row_partition_tensors=[tf.size(splits, tf.int64),
                                                            rowids],
                                     row_partition_types=["FIRST_DIM_SIZE", "VALUE_ROWIDS"])]
    outs = [tf.identity(t, name=f"out{k}") for k, t in enumerate(outs)]
    feeds = [{m: [[0, 5, 5, 2], [1, 1, 9, 0]], w: [[0.5, 1, 2, 4], [1.5, 1.5, 3, 0.25]],
              values: [1.0, 2.0, 3.0, 4.0, 5.0], splits: [0, 2, 2, 5],
              rowids: [0, 0, 2, 2, 3]},
             {m: [[3]], w: [[2.0]], values: [7.0], splits: [0, 0, 1], rowids: [1]},
             {m: np.zeros((0, 2), np.int64), w: np.zeros((0, 2), np.float32),
              values: np.zeros(0, np.float32), splits: [0], rowids: np.zeros(0, np.int64)}]
    return outs, feeds


def main():
    v1.disable_eager_execution()
    g = tf.Graph()
    with g.as_default(), v1.Session() as sess:
        fetches, feeds = build()
        wants = [sess.run(fetches, fd) for fd in feeds]
        gd = g.as_graph_def()
    save(os.path.join(HERE, "tf_keras_prep"), gd, fetches, feeds, wants)


if __name__ == "__main__":
    main()
