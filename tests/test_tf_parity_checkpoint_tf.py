"""TF's own checkpoint files between TensorFlow and graphc: TF's Saver writes, graphc
restores the same model and trains on exactly as TF does; graphc's Saver writes V2,
TF's Saver restores it and tf.train.list_variables/load_variable read it."""
import os

import numpy as np

import graphc as gc
from tf_parity import tf, v1

XS = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
YS = np.random.default_rng(1).normal(size=(8, 2)).astype(np.float32)
W0 = np.random.default_rng(2).normal(size=(3, 2)).astype(np.float32)


def _model(m):
    """Dense layer + Adam + global step, + a partitioned and a string variable."""
    x = m.placeholder(m.float32, (None, 3), name="x")
    y = m.placeholder(m.float32, (None, 2), name="y")
    w = m.get_variable("dense/kernel", initializer=W0)
    b = m.get_variable("dense/bias", shape=[2], initializer=m.zeros_initializer())
    # trained: its Adam slots are partitioned too, saved whole as "emb/Adam"
    emb = m.get_variable("emb", shape=[5, 2], initializer=m.ones_initializer(),
                         partitioner=m.fixed_size_partitioner(2))
    words = m.Variable(np.array([b"a", b"bc"], object), name="words")
    loss = m.reduce_mean(m.square(m.matmul(x, w) + b - y)) + \
        m.reduce_sum(m.square(m.concat(list(emb), 0) - 0.5))
    step = m.train.get_or_create_global_step()
    train = m.train.AdamOptimizer(0.05).minimize(loss, global_step=step)
    fetch = {"w": w, "b": b, "emb": m.concat(list(emb), 0), "step": step, "words": words}
    return (x, y), train, fetch


def _train(m, sess, io, train, n):
    for _ in range(n):
        sess.run(train, {io[0]: XS, io[1]: YS})


def _tf_session(g):
    return v1.Session(graph=g)


def test_tf_writes_graphc_restores_and_trains_on(tmp_path):
    prefix = str(tmp_path / "model.ckpt")
    g = tf.Graph()
    with g.as_default():
        io, train, fetch = _model(v1)
        saver = v1.train.Saver()
        with v1.Session(graph=g) as sess:
            sess.run(v1.global_variables_initializer())
            sess.run(fetch["words"].assign(np.array([b"\x00z", b""], object)))
            sess.run([p.assign(np.full(p.shape, i + 2.0, np.float32))
                      for i, p in enumerate(v1.get_collection("variables", "emb/"))])
            _train(v1, sess, io, train, 3)
            saved = saver.save(sess, prefix, global_step=fetch["step"])
            tf_saved = sess.run(fetch)
            _train(v1, sess, io, train, 4)
            tf_after = sess.run(fetch)
    assert gc.train.latest_checkpoint(str(tmp_path)) == saved
    assert dict(gc.train.list_variables(str(tmp_path))) == dict(
        tf.train.list_variables(str(tmp_path)))
    for name, _ in tf.train.list_variables(saved):
        want = tf.train.load_variable(saved, name)
        got = gc.train.load_variable(saved, name)
        assert got.dtype == np.asarray(want).dtype and np.array_equal(got, want), name
    with gc.Graph().as_default():
        io, train, fetch = _model(gc)
        with gc.Session() as sess:
            gc.train.Saver().restore(sess, gc.train.latest_checkpoint(str(tmp_path)))
            got = sess.run(fetch)
            _train(gc, sess, io, train, 4)
            after = sess.run(fetch)
    for key in ("w", "b", "emb", "step", "words"):
        assert np.array_equal(got[key], tf_saved[key]), key
    for key in ("w", "b", "emb"):
        np.testing.assert_allclose(after[key], tf_after[key], rtol=1e-5, atol=1e-6)
    assert after["step"] == tf_after["step"] == 7


def test_state_files_read_both_ways(tmp_path):
    """TF's CheckpointState text, with odd characters, read by the other library."""
    for i, (writer, reader) in enumerate(((gc, v1), (v1, gc))):
        d = tmp_path / str(i)
        d.mkdir()
        paths = [str(d / 'mo"d\\el\nx-1'), str(d / "model-\u00e92")]
        writer.train.update_checkpoint_state(str(d), paths[1], paths)
        state = reader.train.get_checkpoint_state(str(d))
        assert state.model_checkpoint_path == paths[1]
        assert list(state.all_model_checkpoint_paths) == paths


def test_graphc_writes_v2_tf_restores(tmp_path):
    with gc.Graph().as_default():
        io, train, fetch = _model(gc)
        saver = gc.train.Saver(write_version=gc.train.SaverDef.V2)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            _train(gc, sess, io, train, 3)
            saved = saver.save(sess, str(tmp_path / "gc.ckpt"), global_step=fetch["step"],
                               write_meta_graph=False)
            want = sess.run(fetch)
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "gc.ckpt-3.data-00000-of-00001",
                                            "gc.ckpt-3.index"]
    assert tf.train.latest_checkpoint(str(tmp_path)) == saved     # TF reads the state file
    state = v1.train.get_checkpoint_state(str(tmp_path))
    assert list(state.all_model_checkpoint_paths) == [saved]
    names = dict(tf.train.list_variables(saved))
    assert names == dict(gc.train.list_variables(saved))
    assert names["emb"] == [5, 2] and "dense/kernel/Adam_1" in names
    assert names["emb/Adam"] == names["emb/Adam_1"] == [5, 2]
    for name in names:
        got = tf.train.load_variable(saved, name)
        assert np.array_equal(got, gc.train.load_variable(saved, name)), name
    g = tf.Graph()
    with g.as_default():
        io, train, fetch = _model(v1)
        with v1.Session(graph=g) as sess:
            v1.train.Saver().restore(sess, saved)
            got = sess.run(fetch)
    for key in ("w", "b", "emb", "step", "words"):
        assert np.array_equal(got[key], want[key]), key
