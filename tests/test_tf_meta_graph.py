"""TensorFlow's .meta files in gc.train.import_meta_graph (the TF1 idiom: import the
meta graph, restore the checkpoint, fetch the train op from its collection and train
on): tests/data/tf_meta (tests/data/make_tf_meta.py, written by TF 2.21's Saver after 3
Adam steps) with TF's next 3 losses. No TensorFlow needed."""
import os

import numpy as np
import pytest

import graphc as gc
import tf_fixtures

DATA = os.path.join(os.path.dirname(__file__), "data")
PREFIX = os.path.join(DATA, "tf_meta", "model.ckpt-3")
make = tf_fixtures.data_module("make_tf_meta")


def test_tf_meta_graph_restores_and_trains_as_in_tf(tmp_path):
    xs, ys = make.data()
    want = np.load(os.path.join(DATA, "tf_meta.npz"))["losses"]
    with gc.Graph().as_default() as g, gc.Session() as sess:
        saver = gc.train.import_meta_graph(PREFIX + ".meta")
        saver.restore(sess, PREFIX)
        train = gc.get_collection("train_op")[0]
        assert gc.get_collection("pred")[0] is g.get_tensor_by_name("pred:0")
        feed = {"x:0": xs, "y:0": ys}
        got = [sess.run(["loss:0", train], feed)[0] for _ in range(3)]
        np.testing.assert_allclose(got, want, rtol=1e-6)
        path = saver.save(sess, str(tmp_path / "again"), global_step=6)
    assert path.endswith("again-6") and os.path.exists(path + ".index")
    with gc.Graph().as_default(), gc.Session() as sess:   # graphc's save, read back
        saver = gc.train.import_meta_graph(PREFIX + ".meta", import_scope="m")
        saver.restore(sess, path)
        after = sess.run("m/loss:0", {"m/x:0": xs, "m/y:0": ys})
    assert after < want[-1]


def test_graphc_meta_files_still_json(tmp_path):
    with gc.Graph().as_default():
        v = gc.Variable([1.0], name="v")
        saver = gc.train.Saver()
        with gc.Session() as sess:
            sess.run(v.initializer)
            path = saver.save(sess, str(tmp_path / "m"))
    with gc.Graph().as_default(), gc.Session() as sess:
        restored = gc.train.import_meta_graph(path + ".meta")
        assert isinstance(restored, gc.train.Saver)
        restored.restore(sess, path)
        assert sess.run("v:0").tolist() == [1.0]


def test_tf_meta_graph_variables_are_gc_variables():
    """The VariableDef collections come back as gc.Variables (TF's import_meta_graph
    rebuilds them): initializers run, a new optimizer fine-tunes them."""
    xs, ys = make.data()
    with gc.Graph().as_default() as g, gc.Session() as sess:
        saver = gc.train.import_meta_graph(PREFIX + ".meta")
        assert [v.name for v in gc.global_variables()] == [
            "w:0", "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0"]
        assert [v.name for v in gc.trainable_variables()] == ["w:0"]
        sess.run(gc.global_variables_initializer())
        assert sess.run("w:0").tolist() == [[0.0], [0.0], [0.0]]
        saver.restore(sess, PREFIX)
        loss = g.get_tensor_by_name("loss:0")
        tune = gc.train.GradientDescentOptimizer(0.1).minimize(
            loss, var_list=gc.trainable_variables())
        first = sess.run([loss, tune], {"x:0": xs, "y:0": ys})[0]
        second = sess.run(loss, {"x:0": xs, "y:0": ys})
    want = np.load(os.path.join(DATA, "tf_meta.npz"))["losses"]
    np.testing.assert_allclose(first, want[0], rtol=1e-6)
    assert second < first
