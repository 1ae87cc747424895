"""TF's SavedModels (simple_save and the builder with a main op, saved_model.pb and
.pbtxt) built live by TF 2.21 load in graphc and serve TF's values on several feeds."""
import importlib.util
import os

import numpy as np

import graphc as gc
from tf_parity import tf, v1

_spec = importlib.util.spec_from_file_location(
    "make_tf_saved_model",
    os.path.join(os.path.dirname(__file__), "data", "make_tf_saved_model.py"))
make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make)
FEEDS = [([[1.0, 1.0]], [b"cat", b"zz"]), ([[0.5, -2.0], [3.0, 0.0]], [b"ant", b"bee", b""])]


def test_tf_saved_models_load_in_graphc(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("ant\nbee\ncat\n")
    for how in ("simple_save", "builder", "builder_text"):
        export = str(tmp_path / how)
        want = make.export(v1, tf.Graph, v1.Session, str(vocab), export, how, FEEDS)
        with gc.Graph().as_default(), gc.Session() as sess:
            tags = ["serve"] if how == "simple_save" else ["serve", "gpu"]
            meta = gc.saved_model.loader.load(sess, tags, export)
            sig = next(iter(meta.signature_def.values()))
            for (a, b), w_ in zip(FEEDS, want):
                got = sess.run([sig.outputs["y"].name, sig.outputs["ids"].name],
                               {sig.inputs["x"].name: a, sig.inputs["words"].name: b})
                np.testing.assert_allclose(got[0], w_[0])
                np.testing.assert_array_equal(got[1], w_[1])
