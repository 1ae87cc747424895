"""Writes tests/data/tf_saved_model/, a TF1 SavedModel made by TensorFlow's simple_save
(saved_model.pb, variables/, assets/vocab.txt) that tests/test_saved_model_tf.py loads
with graphc's loader. Run once with TensorFlow 2.x: python tests/data/make_tf_saved_model.py

The model: y = x @ w + sum(ids), w = [[3], [4]] (trained away from its initial value),
ids the vocabulary table's ids of `words` (a text-file table, its file an asset, filled
by the legacy init op); signature "serving_default": inputs x, words; outputs y, ids."""
import os
import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET = os.path.join(HERE, "tf_saved_model")
FEEDS = [([[1.0, 1.0]], [b"cat", b"zz"]),          # (x, words) the parity tests serve
         ([[0.5, -2.0], [3.0, 0.0]], [b"ant", b"bee", b""])]


def build(m, vocab):
    """The model in module m's default graph; (x, words, y, ids, w)."""
    words = m.placeholder(m.string, [None], name="words")
    x = m.placeholder(m.float32, [None, 2], name="x")
    w = m.Variable([[1.0], [2.0]], name="w")
    table = m.lookup.StaticHashTable(m.lookup.TextFileInitializer(
        vocab, m.string, -2, m.int64, -1), -1)
    ids = m.identity(table.lookup(words), name="ids")
    y = m.identity(m.matmul(x, w) + m.cast(m.reduce_sum(ids), m.float32), name="y")
    return x, words, y, ids, w


def export(m, Graph, Session, vocab, export_dir, how, feeds):
    """The model in module m (graphc or tf.compat.v1) with w trained to [[3], [-4]],
    saved to export_dir by simple_save (tag "serve", signature "serving_default") or
    the builder (how "builder" or "builder_text" (.pbtxt): tags "serve" and "gpu",
    signature "predict", the vocabulary an asset); m's values of (y, ids) on feeds,
    [(x, words)]."""
    with Graph().as_default():
        x, words, y, ids, w = build(m, vocab)
        with Session() as s:
            s.run([m.global_variables_initializer(), m.tables_initializer()])
            s.run(w.assign([[3.0], [-4.0]]))
            want = [s.run([y, ids], {x: a, words: b}) for a, b in feeds]
            if how == "simple_save":
                m.saved_model.simple_save(s, export_dir, {"x": x, "words": words},
                                          {"y": y, "ids": ids},
                                          legacy_init_op=m.tables_initializer())
                return want
            b = m.saved_model.builder.SavedModelBuilder(export_dir)
            sig = m.saved_model.signature_def_utils.predict_signature_def(
                {"x": x, "words": words}, {"y": y, "ids": ids})
            b.add_meta_graph_and_variables(
                s, ["serve", "gpu"], {"predict": sig},
                assets_collection=m.get_collection("asset_filepaths"),
                main_op=m.tables_initializer())
            b.save(as_text=how == "builder_text")
    return want


def main():
    import tensorflow as tf
    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    vocab = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab, "w") as f:
        f.write("ant\nbee\ncat\n")
    shutil.rmtree(TARGET, ignore_errors=True)
    with tf.Graph().as_default():
        x, words, y, ids, w = build(v1, vocab)
        with v1.Session() as s:
            s.run([v1.global_variables_initializer(), v1.tables_initializer()])
            s.run(w.assign([[3.0], [4.0]]))
            v1.saved_model.simple_save(s, TARGET, {"x": x, "words": words},
                                       {"y": y, "ids": ids},
                                       legacy_init_op=v1.tables_initializer())


if __name__ == "__main__":
    main()
