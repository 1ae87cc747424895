"""Writes the frozen TF graphs tests/test_tf_graphdef.py imports, and their outputs.

Run once with TensorFlow (python tests/data/make_tf_frozen.py): it builds two small
TF1 graphs with variables, freezes them (convert_variables_to_constants) and writes
    tf_frozen_cnn.pb   conv (SAME, dilated) + FusedBatchNormV3 + Relu6 + max/avg pool
                       + depthwise conv + dense + softmax
    tf_frozen_mlp.pb   an MLP using StridedSlice, ConcatV2, Pack, Split, Transpose,
                       GatherV2, Pad, reductions, Select, TopKV2, OneHot, Where
    tf_frozen_expected.npz  the inputs and the fetched outputs of both.
"""
import os

import numpy as np
import tensorflow as tf

v1 = tf.compat.v1
HERE = os.path.dirname(os.path.abspath(__file__))


def cnn(rng):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 8, 8, 3], name="images")
        w1 = v1.get_variable("conv1/w", initializer=rng.normal(0, .3, (3, 3, 3, 4)).astype("f"))
        b1 = v1.get_variable("conv1/b", initializer=rng.normal(0, .1, 4).astype("f"))
        h = tf.nn.bias_add(tf.nn.conv2d(x, w1, [1, 1, 1, 1], "SAME"), b1)
        gamma = v1.get_variable("bn/gamma", initializer=rng.uniform(.5, 1.5, 4).astype("f"))
        beta = v1.get_variable("bn/beta", initializer=rng.normal(0, .1, 4).astype("f"))
        mean = v1.get_variable("bn/mean", initializer=rng.normal(0, .1, 4).astype("f"))
        var = v1.get_variable("bn/var", initializer=rng.uniform(.5, 2, 4).astype("f"))
        h, _, _ = v1.nn.fused_batch_norm(h, gamma, beta, mean, var, epsilon=1e-3,
                                         is_training=False)
        h = tf.nn.relu6(h)
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
        wd = v1.get_variable("dw/w", initializer=rng.normal(0, .3, (3, 3, 4, 2)).astype("f"))
        h = tf.nn.depthwise_conv2d(h, wd, [1, 1, 1, 1], "SAME")
        w2 = v1.get_variable("conv2/w", initializer=rng.normal(0, .3, (2, 2, 8, 6)).astype("f"))
        h = tf.nn.elu(tf.nn.conv2d(h, w2, [1, 1, 1, 1], "SAME", dilations=[1, 2, 2, 1]))
        h = tf.nn.avg_pool2d(h, 2, 2, "SAME")
        h = tf.reshape(h, [-1, 2 * 2 * 6])
        wf = v1.get_variable("fc/w", initializer=rng.normal(0, .3, (24, 5)).astype("f"))
        bf = v1.get_variable("fc/b", initializer=rng.normal(0, .1, 5).astype("f"))
        logits = tf.add(tf.matmul(h, wf), bf, name="logits")
        tf.nn.softmax(logits, name="probs")
        tf.argmax(logits, 1, name="label")
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            frozen = v1.graph_util.convert_variables_to_constants(
                s, g.as_graph_def(), ["probs", "label"])
    xs = rng.normal(size=(2, 8, 8, 3)).astype("f")
    return frozen, {"images:0": xs}, ["probs:0", "label:0"]


def mlp(rng):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 6], name="x")
        ids = v1.placeholder(tf.int32, [None], name="ids")
        table = v1.get_variable("emb", initializer=rng.normal(size=(10, 3)).astype("f"))
        e = tf.gather(table, ids)
        head = x[:, 1:5:2]                                  # StridedSlice
        last = x[..., -1]                                   # shrink + ellipsis
        h = tf.concat([e, head, tf.expand_dims(last, 1)], axis=1)     # 6 columns
        w = v1.get_variable("w", initializer=rng.normal(0, .4, (6, 6)).astype("f"))
        h = tf.nn.leaky_relu(tf.matmul(h, w, transpose_b=True), alpha=0.1)
        a, b = tf.split(h, 2, axis=1)
        h = tf.transpose(tf.stack([a, tf.sigmoid(b)], axis=0), [1, 0, 2])   # (n, 2, 3)
        h = tf.pad(h, [[0, 0], [1, 0], [0, 1]])
        s = tf.reduce_sum(h, axis=[1], keepdims=False)      # (n, 4)
        m = tf.reduce_mean(h, axis=2)
        out = tf.where(s > 0.1, s, tf.square(s) - 1.0)
        tf.identity(out, name="out")
        tf.identity(m, name="row_mean")
        vals, idx = tf.nn.top_k(out, 2)
        tf.identity(vals, name="top_values")
        tf.one_hot(idx[:, 0], 4, name="onehot")
        tf.where(out > 0.0, name="positive")
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            frozen = v1.graph_util.convert_variables_to_constants(
                s, g.as_graph_def(), ["out", "row_mean", "top_values", "onehot", "positive"])
    feeds = {"x:0": rng.normal(size=(3, 6)).astype("f"),
             "ids:0": np.array([1, 7, 3], np.int32)}
    return frozen, feeds, ["out:0", "row_mean:0", "top_values:0", "onehot:0", "positive:0"]


def main():
    rng = np.random.default_rng(7)
    expected = {}
    for tag, make in (("cnn", cnn), ("mlp", mlp)):
        frozen, feeds, fetches = make(rng)
        with open(os.path.join(HERE, f"tf_frozen_{tag}.pb"), "wb") as f:
            f.write(frozen.SerializeToString())
        g = tf.Graph()
        with g.as_default():
            v1.import_graph_def(frozen, name="")
            with v1.Session() as s:
                outs = s.run(fetches, feeds)
        for k, v in feeds.items():
            expected[f"{tag}/in/{k}"] = v
        for k, v in zip(fetches, outs):
            expected[f"{tag}/out/{k}"] = v
    np.savez(os.path.join(HERE, "tf_frozen_expected.npz"), **expected)


if __name__ == "__main__":
    main()
