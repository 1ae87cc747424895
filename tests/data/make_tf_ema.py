"""Writes tests/data/tf_ema.meta, a TF1 training graph with ref variables that uses
TF1 control flow on them: non-fused batch norm on a training placeholder (its moving
averages assigned in a tf.cond: RefSwitch) and an ExponentialMovingAverage (its
averages initialized by initialized_value(): a cond on IsVariableInitialized) applied under a control
dependency on the optimizer step (TF1's idiom: the averages read the updated weights
through their `read` Identities, which alias the variables' buffers), and tf_ema.npz,
TF's values for 3 training steps and an evaluation. tests/test_tf_ema_import.py imports it with
gc.train.import_meta_graph. Run once with TensorFlow 2.x (tf_keras installed):
TF_USE_LEGACY_KERAS=1 python tests/data/make_tf_ema.py"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
XS = np.arange(12, dtype=np.float32).reshape(4, 3) / 4
VARIABLES = ["batch_normalization/moving_mean", "batch_normalization/moving_variance",
             "batch_normalization/gamma", "w/ExponentialMovingAverage",
             "batch_normalization/gamma/ExponentialMovingAverage"]


def main():
    import tensorflow as tf
    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 3], name="x")
        training = v1.placeholder_with_default(False, [], name="training")
        w = v1.get_variable("w", [3, 2], initializer=v1.constant_initializer(
            [[0.5, -0.2], [0.1, 0.4], [-0.3, 0.6]]))
        h = v1.layers.batch_normalization(tf.matmul(x, w), training=training, fused=False)
        loss = tf.reduce_mean(tf.square(h - 1.0), name="loss")
        with tf.control_dependencies(v1.get_collection(v1.GraphKeys.UPDATE_OPS)):
            step = v1.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.control_dependencies([step]):
            tf.group(v1.train.ExponentialMovingAverage(0.9).apply(
                v1.trainable_variables()), name="train")
        v1.train.export_meta_graph(os.path.join(HERE, "tf_ema.meta"))
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            out = {"losses": [], **{k: [] for k in VARIABLES}}
            for _ in range(3):
                out["losses"].append(s.run(["loss:0", "train"],
                                           {x: XS, training: True})[0])
                for k in VARIABLES:
                    out[k].append(s.run(k + ":0"))
            out["eval_loss"] = s.run("loss:0", {x: XS})
    np.savez(os.path.join(HERE, "tf_ema.npz"), **{k: np.array(v) for k, v in out.items()})


if __name__ == "__main__":
    main()
