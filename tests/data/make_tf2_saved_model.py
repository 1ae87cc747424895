"""Writes tests/data/tf2_saved_model/, a TF 2 SavedModel (tf.saved_model.save of a
tf.Module: its graph calls traced functions, its restore op is a function, its vocabulary
table is filled by its init op) and tf2_saved_model.npz, TF's outputs of its serving
signature on FEEDS. tests/test_saved_model_tf.py loads it with graphc's loader. Run
once with TensorFlow 2.x: python tests/data/make_tf2_saved_model.py"""
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "tf2_saved_model")
X = np.array([[1.0, 1.0], [0.5, -2.0], [-1.0, 0.25]], np.float32)
WORDS = np.array([b"bee", b"zz", b"ant"], object)


def module(tf):
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable([[1.0], [2.0]], name="w")
            self.b = tf.Variable(0.5, name="b")
            self.table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(
                tf.constant(["ant", "bee", "cat"]), tf.constant([1.0, 2.0, 3.0])), 0.0)

        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32),
                                      tf.TensorSpec([None], tf.string)])
        def serve(self, x, words):
            y = tf.nn.relu(tf.matmul(x, self.w)[:, 0] + self.b)
            return {"y": y, "score": y * self.table.lookup(words)}
    return Model()


def main():
    import tensorflow as tf
    shutil.rmtree(TARGET, ignore_errors=True)
    m = module(tf)
    m.w.assign([[3.0], [-1.0]])                 # trained away from its initial value
    tf.saved_model.save(m, TARGET, signatures={"serving_default": m.serve})
    out = m.serve(tf.constant(X), tf.constant(WORDS))
    np.savez(os.path.join(HERE, "tf2_saved_model.npz"), x=X, words=WORDS,
             y=out["y"].numpy(), score=out["score"].numpy())


if __name__ == "__main__":
    main()
