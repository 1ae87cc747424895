"""Writes tests/data/tf_partitioned_ckpt/: what TF1's Saver.save writes after 3 steps of
a model of partitioned variables (model.ckpt-3.index, .data-00000-of-00001,
checkpoint), and expected.npz: "saved/<name>" TF's value of every checkpoint tensor
(tf.train.load_variable; the session's for the strings, which TF's reader refuses; as
bytes "S" arrays, never pickled), "losses" TF's next 3 losses, "after/<name>" the
model's variables after them. tests/test_partitioned_ckpt_tf.py restores it into graphc and
trains on. model() here builds the same model in graphc or TF1 (m = graphc or
tf.compat.v1). Run once with TensorFlow 2.x:
TF_USE_LEGACY_KERAS=1 /tmp/benchvenv/bin/python tests/data/make_tf_partitioned_ckpt.py"""
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "tf_partitioned_ckpt")
PREFIX = os.path.join(TARGET, "model.ckpt-3")
IDS = np.array([0, 9, 4, 7, 7, 3], np.int64)
YS = np.random.RandomState(1).randn(6, 3).astype(np.float32)
WORDS = np.array([b"a", b"", b"\xffz", b"dd", b"e"], object)

# how model() partitions each variable: (name, shape, partitioner(m) or None); "emb/words"
# takes its partitioner from its variable_scope
LAYOUT = {
    "emb/words": ([10, 4], lambda m: m.fixed_size_partitioner(3)),
    "w1": ([4, 6], lambda m: m.fixed_size_partitioner(2, axis=1)),
    "w2": ([6, 3], lambda m: m.min_max_variable_partitioner(max_partitions=4,
                                                            min_slice_size=16)),
    "b": ([5, 3], lambda m: m.variable_axis_size_partitioner(max_shard_bytes=24)),
    "words": ([5], lambda m: m.fixed_size_partitioner(2)),
}
# another partitioning of each (None: unpartitioned), for restores across partitionings
OTHER = {
    "emb/words": lambda m: m.fixed_size_partitioner(4),
    "w1": None,
    "w2": lambda m: m.fixed_size_partitioner(5),
    "b": lambda m: m.fixed_size_partitioner(2, axis=1),
    "words": None,
}


def full_value(name):
    """The initial value of variable `name` (the strings' for "words")."""
    if name == "words":
        return WORDS
    seed = sorted(LAYOUT).index(name)
    return (np.random.RandomState(seed).randn(*LAYOUT[name][0]) * 0.5).astype(np.float32)


def _initializer(m, name):
    """An initializer giving each part its slice of full_value(name)."""
    value = full_value(name)

    def init(shape, dtype=None, partition_info=None):
        offset = partition_info.var_offset if partition_info else [0] * value.ndim
        return m.constant(value[tuple(slice(o, o + n) for o, n in zip(offset, shape))])
    return init


def model(m, partitioners=None):
    """(feeds (ids, y), train op, loss, {name: variable}) in m's default graph: every
    variable partitioned as LAYOUT says, or as `partitioners` ({name: partitioner(m) or
    None}) says; Adam trains emb/words and w1, Momentum w2 and b (and the step)."""
    parts = {k: p for k, (_, p) in LAYOUT.items()}
    parts.update(partitioners or {})

    def get(name, **kw):
        p = parts[name]
        return m.get_variable(name.split("/")[-1], shape=LAYOUT[name][0],
                              initializer=_initializer(m, name),
                              partitioner=p(m) if p else None, **kw)

    ids = m.placeholder(m.int64, [None], name="ids")
    y = m.placeholder(m.float32, [None, 3], name="y")
    scoped = parts["emb/words"]
    with m.variable_scope("emb", partitioner=scoped(m) if scoped else None):
        table = m.get_variable("words", shape=LAYOUT["emb/words"][0],
                               initializer=_initializer(m, "emb/words"))
    w1, w2, b = get("w1"), get("w2"), get("b")
    words = get("words", dtype=m.string, trainable=False)
    h = m.tanh(m.matmul(m.nn.embedding_lookup(table, ids), w1))
    loss = m.reduce_mean(m.square(m.matmul(h, w2) + m.reduce_sum(b, 0) - y), name="loss")
    step = m.train.get_or_create_global_step()
    adam = m.train.AdamOptimizer(0.05).minimize(loss, var_list=parts_of(table, w1))
    momentum = m.train.MomentumOptimizer(0.1, 0.9).minimize(
        loss, var_list=parts_of(w2, b), global_step=step)
    train = m.group(adam, momentum)
    return (ids, y), train, loss, {"emb/words": table, "w1": w1, "w2": w2, "b": b,
                                   "words": words}


def parts_of(*variables):
    """The Variables of `variables`: a PartitionedVariable's parts, a Variable itself."""
    return [p for v in variables
            for p in (list(v) if hasattr(v, "_get_variable_list") else [v])]


def whole(v):
    """The full value of v as a tensor (a PartitionedVariable's parts concatenated)."""
    return v.as_tensor() if hasattr(v, "_get_variable_list") else v


def main():
    import tensorflow as tf
    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    shutil.rmtree(TARGET, ignore_errors=True)
    os.makedirs(TARGET)
    with tf.Graph().as_default():
        (ids, y), train, loss, variables = model(v1)
        saver = v1.train.Saver(save_relative_paths=True)
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            feed = {ids: IDS, y: YS}
            for _ in range(3):
                s.run(train, feed)
            saver.save(s, os.path.join(TARGET, "model.ckpt"), global_step=3,
                       write_meta_graph=False)
            words = s.run(whole(variables["words"]))
            losses = [s.run([loss, train], feed)[0] for _ in range(3)]
            after = s.run({k: whole(v) for k, v in variables.items()})
    # TF's reader refuses a sliced string tensor ("Dtype string not supported")
    out = {f"saved/{n}": np.asarray(tf.train.load_variable(PREFIX, n))
           for n, _ in tf.train.list_variables(PREFIX) if n != "words"}
    out["saved/words"] = words.astype(bytes)
    out.update({f"after/{k}": v for k, v in after.items()})
    out["losses"] = np.array(losses, np.float32)
    out["after/words"] = out["after/words"].astype(bytes)
    np.savez_compressed(os.path.join(TARGET, "expected.npz"), **out)
    for name in sorted(os.listdir(TARGET)):
        print(name, os.path.getsize(os.path.join(TARGET, name)))


if __name__ == "__main__":
    main()
