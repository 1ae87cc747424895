"""Make the TensorFlow-written checkpoints of tests/test_checkpoint_tf.py (run once, with
TensorFlow: /tmp/benchvenv/bin/python tests/data/make_tf_ckpt.py). Writes, under
tests/data/tf_ckpt/:

  model.ckpt-42.index, model.ckpt-42.data-00000-of-00001, checkpoint
      tf.compat.v1.train.Saver of the variables of EXPECTED (a partitioned one included)
  obj/obj-1.index, obj/obj-1.data-00000-of-00001, obj/checkpoint
      tf.compat.v1.train.Checkpoint(weights=..., bias=...) (an object checkpoint)
"""
import os
import shutil

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_ckpt")

EXPECTED = {
    "dense/kernel": np.array([[0.5, -1.25, 2.0], [3.0, 4.75, -5.0]], np.float32),
    "counts": np.array([1, -2, 2 ** 40], np.int64),
    "words": np.array([b"ab", b"", b"\xff\x00z"], object),
    "part": np.arange(10, dtype=np.float32).reshape(5, 2) / 4,      # 2 parts: 3 + 2 rows
    "global_step": np.int64(42),
}
OBJ_EXPECTED = {"weights": np.array([1.5, -2.5], np.float32), "bias": np.float64(0.25)}


def main():
    v1.disable_eager_execution()
    shutil.rmtree(HERE, ignore_errors=True)
    os.makedirs(os.path.join(HERE, "obj"))
    with tf.Graph().as_default():
        kernel = v1.get_variable("dense/kernel", initializer=EXPECTED["dense/kernel"])
        counts = v1.get_variable("counts", initializer=EXPECTED["counts"])
        words = v1.Variable(EXPECTED["words"].astype(bytes), name="words")
        part = v1.get_variable("part", shape=[5, 2], initializer=v1.zeros_initializer(),
                               partitioner=v1.fixed_size_partitioner(2))
        step = v1.train.get_or_create_global_step()
        saver = v1.train.Saver(save_relative_paths=True)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            sess.run([p.assign(EXPECTED["part"][s])
                      for p, s in zip(part, (slice(0, 3), slice(3, 5)))])
            sess.run(step.assign(42))
            saver.save(sess, os.path.join(HERE, "model.ckpt"), global_step=step,
                       write_meta_graph=False)
        del kernel, counts, words
    with tf.Graph().as_default():
        weights = v1.Variable(OBJ_EXPECTED["weights"], name="w")
        bias = v1.Variable(OBJ_EXPECTED["bias"], name="b")
        ckpt = v1.train.Checkpoint(weights=weights, bias=bias)
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            ckpt.save(os.path.join(HERE, "obj", "obj"), session=sess)
    for root, _, files in os.walk(HERE):
        for name in sorted(files):
            print(os.path.join(root, name), os.path.getsize(os.path.join(root, name)))


if __name__ == "__main__":
    main()
