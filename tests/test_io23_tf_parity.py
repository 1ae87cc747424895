"""TensorFlow 2.21 against graphc's side of test_io23_meta_slices.py and
test_io23_dense_table.py: a TF .meta's partitioned variable saved by a new graphc Saver
after import is what TF's new Saver saves, and TF restores it; the SaverDef's fields are
TF's; DenseHashTable buckets equal TF's on random insert/remove sequences; and a TF
checkpoint of a DenseHashTable restores into graphc's import of TF's .meta, changes
there, and restores back into TF with graphc's lookups."""
import os

import numpy as np

import graphc as gc
from tf_parity import tf, v1

QUIET = {"write_meta_graph": False}


def _tf_partitioned(d):
    """TF1's y = x @ W + b, W in 3 parts, saved (max_to_keep=2, sharded): the prefix."""
    with tf.Graph().as_default():
        x = v1.placeholder(tf.float32, [None, 5], name="x")
        W = v1.get_variable("W", [5, 3], partitioner=v1.fixed_size_partitioner(3),
                            use_resource=False)
        b = v1.get_variable("b", [3], use_resource=False)
        tf.identity(tf.matmul(x, W) + b, name="y")
        saver = v1.train.Saver(max_to_keep=2, sharded=True, keep_checkpoint_every_n_hours=2.5)
        with v1.Session() as s:
            s.run(v1.global_variables_initializer())
            return saver.save(s, os.path.join(d, "m"))


def test_new_saver_after_import_writes_tfs_slices(tmp_path):
    d = str(tmp_path)
    prefix = _tf_partitioned(d)
    with tf.Graph().as_default(), v1.Session() as s:
        tf_saver = v1.train.import_meta_graph(prefix + ".meta", import_scope="imp")
        tf_saver.restore(s, prefix)
        tf_def = tf_saver.saver_def
        by_tf = v1.train.Saver().save(s, os.path.join(d, "by_tf"), **QUIET)
    with gc.Graph().as_default(), gc.Session() as s:
        saver = gc.train.import_meta_graph(prefix + ".meta", import_scope="imp")
        sd = saver.saver_def
        assert (sd.max_to_keep, sd.sharded, sd.keep_checkpoint_every_n_hours, sd.version) == (
            tf_def.max_to_keep, tf_def.sharded, tf_def.keep_checkpoint_every_n_hours,
            tf_def.version)
        saver.restore(s, prefix)
        by_gc = gc.train.Saver(write_version=gc.train.SaverDef.V2).save(
            s, os.path.join(d, "by_gc"), **QUIET)
    assert tf.train.list_variables(by_gc) == tf.train.list_variables(by_tf) == [
        ("imp/W", [5, 3]), ("imp/b", [3])]
    for name in ("imp/W", "imp/b"):
        np.testing.assert_array_equal(tf.train.load_variable(by_gc, name),
                                      tf.train.load_variable(by_tf, name))
    with tf.Graph().as_default(), v1.Session() as s:         # TF reads graphc's slices
        with v1.variable_scope("imp"):
            W = v1.get_variable("W", [5, 3], partitioner=v1.fixed_size_partitioner(2),
                                use_resource=False)
        v1.train.Saver().restore(s, by_gc)
        np.testing.assert_array_equal(s.run(tf.concat(list(W), 0)),
                                      tf.train.load_variable(by_tf, "imp/W"))


def _run_dense(m, kd, steps, buckets):
    """Each step's (export, size, lookup of its keys) in library m."""
    if m is gc:
        kd = gc.as_dtype(kd.name)
    dense = (tf.lookup.experimental if m is v1 else gc.lookup.experimental).DenseHashTable
    empty, deleted = (b"", b"$") if kd.name == "string" else (0, -1)
    with (tf if m is v1 else gc).Graph().as_default():
        t = dense(kd, m.float32, -1.0, empty_key=empty, deleted_key=deleted,
                  initial_num_buckets=buckets)
        k = m.placeholder(kd, [None])
        v = m.placeholder(m.float32, [None])
        ins, rm, ex, size, look = t.insert(k, v), t.remove(k), t.export(), t.size(), \
            t.lookup(k)
        out = []
        with (v1.Session() if m is v1 else gc.Session()) as s:
            for op, keys, values in steps:
                s.run(ins if op == "i" else rm, {k: keys, v: values} if op == "i" else {k: keys})
                out.append(s.run([ex, size, look], {k: keys}))
        return out


def test_dense_buckets_are_tfs_on_random_sequences():
    rng = np.random.RandomState(0)
    pools = {tf.int64: list(range(1, 40)) + [2 ** 40, -7, 2 ** 63 - 1],
             tf.string: [b"a", b"bb", b"hello world!", b"x" * 9, b"\xff\x00z", b"abcdefgh",
                         b"q1", b"q2", b"q3", b"q4", b"q5", b"long key of 17 b"]}
    for kd, pool in pools.items():
        steps = []
        for _ in range(30):
            keys = [pool[i] for i in rng.randint(0, len(pool), rng.randint(1, 5))]
            steps.append(("i" if rng.rand() < 0.6 else "r", keys,
                          rng.randn(len(keys)).astype(np.float32)))
        want, got = _run_dense(v1, kd, steps, 4), _run_dense(gc, kd, steps, 4)
        for (we, ws, wl), (ge, gs, gl) in zip(want, got):
            np.testing.assert_array_equal(ge[0], we[0])
            np.testing.assert_array_equal(ge[1], we[1])
            assert gs == ws
            np.testing.assert_array_equal(gl, wl)
        assert len(want[-1][0][0]) > 4                      # the buckets grew


def test_tf_checkpoint_of_a_dense_table_round_trips_through_graphc(tmp_path):
    d = str(tmp_path)
    queries = np.array([5, 13, 2, 100, 7, 21, 29], np.int64)
    with tf.Graph().as_default(), v1.Session() as s:
        t = tf.lookup.experimental.DenseHashTable(tf.int64, tf.float32, -1.0, empty_key=0,
                                                  deleted_key=-1, initial_num_buckets=8,
                                                  name="dt")
        k = v1.placeholder(tf.int64, [None], name="k")
        v = v1.placeholder(tf.float32, [None], name="v")
        ins, rm = t.insert(k, v, name="ins"), t.remove(k, name="rm")
        tf.identity(t.lookup(k), name="look")
        tf.identity(t.size(), name="size")
        s.run(ins, {k: [5, 13, 2, 100], v: [1, 2, 3, 4]})
        s.run(rm, {k: [13]})
        prefix = v1.train.Saver().save(s, os.path.join(d, "m"))
        want = s.run(["look:0", "size:0"], {k: queries})
    with gc.Graph().as_default(), gc.Session() as s:
        saver = gc.train.import_meta_graph(prefix + ".meta")
        saver.restore(s, prefix)
        got = s.run(["look:0", "size:0"], {"k:0": queries})
        np.testing.assert_array_equal(got[0], want[0])
        assert got[1] == want[1]
        s.run("ins/LookupTableInsertV2", {"k:0": [21, 29, 13, 7, 8, 9],
                                          "v:0": [5, 6, 7, 8, 9, 10]})    # grows to 16
        want = s.run(["look:0", "size:0"], {"k:0": queries})
        again = saver.save(s, os.path.join(d, "by_gc"))
    assert dict(tf.train.list_variables(again)) == {"dt-keys": [16, 1], "dt-values": [16, 1]}
    with tf.Graph().as_default(), v1.Session() as s:
        v1.train.import_meta_graph(prefix + ".meta").restore(s, again)
        got = s.run(["look:0", "size:0"], {"k:0": queries})
    np.testing.assert_array_equal(got[0], want[0])
    assert got[1] == want[1] == 9
