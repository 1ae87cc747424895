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
        with tf.Graph().as_default():
            x, words, y, ids, w = make.build(v1, str(vocab))
            with v1.Session() as s:
                s.run([v1.global_variables_initializer(), v1.tables_initializer()])
                s.run(w.assign([[3.0], [-4.0]]))
                want = [s.run([y, ids], {x: a, words: b}) for a, b in FEEDS]
                if how == "simple_save":
                    v1.saved_model.simple_save(s, export, {"x": x, "words": words},
                                               {"y": y, "ids": ids},
                                               legacy_init_op=v1.tables_initializer())
                else:
                    b = v1.saved_model.builder.SavedModelBuilder(export)
                    sig = v1.saved_model.signature_def_utils.predict_signature_def(
                        {"x": x, "words": words}, {"y": y, "ids": ids})
                    b.add_meta_graph_and_variables(
                        s, ["serve", "gpu"], {"predict": sig},
                        main_op=v1.tables_initializer())
                    b.save(as_text=how == "builder_text")      # .pbtxt
        with gc.Graph().as_default(), gc.Session() as sess:
            tags = ["serve"] if how == "simple_save" else ["serve", "gpu"]
            meta = gc.saved_model.loader.load(sess, tags, export)
            sig = next(iter(meta.signature_def.values()))
            for (a, b), w_ in zip(FEEDS, want):
                got = sess.run([sig.outputs["y"].name, sig.outputs["ids"].name],
                               {sig.inputs["x"].name: a, sig.inputs["words"].name: b})
                np.testing.assert_allclose(got[0], w_[0])
                np.testing.assert_array_equal(got[1], w_[1])
