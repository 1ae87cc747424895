"""TensorFlow's own SavedModels (saved_model.pb of TF1's simple_save / builder) load with
gc.saved_model.loader.load: tests/data/tf_saved_model (tests/data/make_tf_saved_model.py,
made by TF 2.21) holds a variable trained away from its initial value and a vocabulary
table whose file is an asset. No TensorFlow needed."""
import os
import shutil

import numpy as np
import pytest

import graphc as gc

HERE = os.path.join(os.path.dirname(__file__), "data", "tf_saved_model")


def test_tf_saved_model_loads_restores_and_serves(tmp_path):
    moved = str(tmp_path / "moved")                 # assets are found where it lies
    shutil.copytree(HERE, moved)
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, [gc.saved_model.tag_constants.SERVING],
                                          moved)
        sig = meta.signature_def["serving_default"]
        assert sorted(sig.inputs) == ["words", "x"] and sorted(sig.outputs) == ["ids", "y"]
        assert sig.method_name == "tensorflow/serving/predict"
        assert sig.inputs["x"].tensor_shape.as_list() == [None, 2]
        y, ids = sess.run([sig.outputs["y"].name, sig.outputs["ids"].name],
                          {sig.inputs["x"].name: [[1.0, 1.0]],
                           sig.inputs["words"].name: [b"cat", b"zz"]})
    np.testing.assert_array_equal(y, [[8.0]])       # TF's: 3 + 4 + (2 - 1)
    np.testing.assert_array_equal(ids, [2, -1])
    assert meta.meta_info_def.tags == ["serve"]


def test_tf_saved_model_variables_are_gc_variables():
    with gc.Graph().as_default(), gc.Session() as sess:
        gc.saved_model.loader.load(sess, ["serve"], HERE)
        (w,) = gc.global_variables()
        assert w.name == "w:0" and sess.run(w).tolist() == [[3.0], [4.0]]


def test_tf_saved_model_tags_and_scope():
    with gc.Graph().as_default() as g, gc.Session() as sess:
        with pytest.raises(RuntimeError, match="could not be found.*'serve'"):
            gc.saved_model.loader.load(sess, ["train"], HERE)
        gc.saved_model.loader.load(sess, ["serve"], HERE, import_scope="m")
        assert g.get_operation_by_name("m/y") is not None
        assert sess.run("m/y:0", {"m/x:0": [[0.0, 1.0]], "m/words:0": [b"ant"]}) == [[4.0]]


def test_tf2_saved_model_loads_and_serves(tmp_path):
    """A TF 2 SavedModel (tests/data/make_tf2_saved_model.py: tf.saved_model.save of a
    tf.Module): its graph calls traced functions, its restore op is a function reading
    the checkpoint (w trained away from its initial value) and its init op fills a
    vocabulary table; graphc serves TF's outputs."""
    tf2 = os.path.join(os.path.dirname(HERE), "tf2_saved_model")
    want = np.load(os.path.join(os.path.dirname(HERE), "tf2_saved_model.npz"),
                   allow_pickle=True)
    moved = str(tmp_path / "moved")
    shutil.copytree(tf2, moved)
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = gc.saved_model.loader.load(sess, ["serve"], moved)
        sig = meta.signature_def["serving_default"]
        assert sorted(sig.inputs) == ["words", "x"] and sorted(sig.outputs) == ["score", "y"]
        y, score = sess.run([sig.outputs["y"].name, sig.outputs["score"].name],
                            {sig.inputs["x"].name: want["x"],
                             sig.inputs["words"].name: want["words"]})
    np.testing.assert_allclose(y, want["y"], rtol=1e-6)
    np.testing.assert_allclose(score, want["score"], rtol=1e-6)
    assert want["score"][1] == 0.0 and want["score"][0] != 0.0      # the table's default
