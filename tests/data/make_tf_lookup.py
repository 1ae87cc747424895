"""Writes tf_lookup.pb, a TF serving-style graph with lookup tables, and tf_lookup.npz,
what TF computes with it (tests/test_tf_graphdef_lookup.py imports it).

Run once with TensorFlow 2.x (python tests/data/make_tf_lookup.py). The graph is built
with tf.compat.v1 in graph mode (`build` takes the module: graphc's tests build the same
graph with graphc):
    ids       index_table_from_file(vocab.txt, num_oov_buckets=2): HashTableV2,
              InitializeTableFromTextFileV2, LookupTableFindV2/SizeV2 and hash buckets
    counts    a StaticHashTable of counts.txt's "word count" columns (delimiter " ")
    score     a StaticHashTable of KeyValueTensorInitializer (LookupTableImportV2)
    names     a raw HashTableV2 (shared_name "rev") filled by InitializeTableV2 (TF1's
              initializer op), int64 -> string, looked up with `ids`
    seen      a MutableHashTable string -> int64: op "insert" inserts the fed words,
              then seen_size and the export ("seen_keys", "seen_values")
    emb       a MutableHashTableOfTensors int64 -> float32[2], inserted by "insert"
All initializers are grouped in "init". The vocabulary files' paths are the Const nodes
listed in the npz ("asset:<node>" = the file's name), which a test maps to its own
copies of the files (input_map), as a SavedModel loader maps asset paths.
npz: "feed" (the fed words, 2-D), "vocab", "counts" (the files' lines) and, for each
fetch name f, "out:f" (the mutable table's export sorted by key); strings as bytes
arrays (dtype S: the npz loads without pickle).
"""
import os
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = ["ant", "bee", "cat", "dog"]
COUNTS = ["ant 5", "cat 7", "eel 11"]
FEED = np.array([[b"cat", b"zebra", b"ant"], [b"eel", b"bee", b""]], object)
FETCHES = ["ids", "ids_size", "counts", "score", "names", "seen", "seen_size", "seen_keys",
           "seen_values", "emb"]


def build(m, vocab_path, counts_path):
    """The graph in module m's default graph (tf.compat.v1, or graphc in
    tests/test_tf_graphdef_lookup.py)."""
    words = m.placeholder(m.string, [None, None], name="words")
    with m.name_scope("vocab"):
        ids_table = m.lookup.StaticVocabularyTable(
            m.lookup.TextFileInitializer(vocab_path, m.string, -2, m.int64, -1), 2)
    ids = m.identity(ids_table.lookup(words), name="ids")
    m.identity(ids_table.size(), name="ids_size")
    with m.name_scope("counts_table"):
        counts = m.lookup.StaticHashTable(m.lookup.TextFileInitializer(
            counts_path, m.string, 0, m.int64, 1, delimiter=" "), -1)
    m.identity(counts.lookup(words), name="counts")
    score = m.lookup.StaticHashTable(m.lookup.KeyValueTensorInitializer(
        ["cat", "eel"], [1.5, -2.0]), -1.0, name="score_table")
    m.identity(score.lookup(words), name="score")
    rev = m.raw_ops.HashTableV2(key_dtype=m.int64, value_dtype=m.string,
                                shared_name="rev", name="rev")
    rev_init = m.raw_ops.InitializeTableV2(
        table_handle=rev, keys=m.constant([0, 1, 2, 3, 4, 5], m.int64),
        values=m.constant(["ant", "bee", "cat", "dog", "<oov0>", "<oov1>"]))
    m.identity(m.raw_ops.LookupTableFindV2(table_handle=rev, keys=ids, default_value="?"),
               name="names")
    seen = m.lookup.experimental.MutableHashTable(m.string, m.int64, 0, name="seen_table")
    flat = m.reshape(words, [-1])
    emb = m.lookup.experimental.MutableHashTable(m.int64, m.float32, [0.0, 0.0],
                                                 name="emb_table")
    m.group(seen.insert(flat, m.cast(m.strings.length(flat), m.int64)),
            emb.insert(m.constant([0, 2], m.int64), [[1.0, 2.0], [3.0, 4.0]]), name="insert")
    m.identity(seen.lookup(words), name="seen")
    m.identity(seen.size(), name="seen_size")
    keys, values = seen.export()
    m.identity(keys, name="seen_keys")
    m.identity(values, name="seen_values")
    m.identity(emb.lookup(ids), name="emb")
    m.group(m.tables_initializer(), rev_init, name="init")


def main():
    import tensorflow as tf
    v1 = tf.compat.v1
    d = tempfile.mkdtemp()
    paths = []
    for name, lines in (("vocab.txt", VOCAB), ("counts.txt", COUNTS)):
        paths.append(os.path.join(d, name))
        with open(paths[-1], "w") as f:
            f.write("".join(line + "\n" for line in lines))
    g = tf.Graph()
    with g.as_default():
        build(v1, *paths)
        gd = g.as_graph_def()
        assets = {}
        for nd in gd.node:
            for k in list(nd.attr):
                if k.startswith("_"):
                    del nd.attr[k]
            if nd.op == "Const" and nd.attr["dtype"].type == tf.string.as_datatype_enum:
                value = tf.make_ndarray(nd.attr["value"].tensor)
                if value.shape == () and value.item().decode() in paths:
                    assets["asset:" + nd.name] = os.path.basename(value.item().decode())
        assert len(assets) == 2, assets
        with v1.Session() as sess:
            sess.run("init")
            sess.run("insert", {"words:0": FEED})
            outs = sess.run([f + ":0" for f in FETCHES], {"words:0": FEED})
    out = dict(zip(FETCHES, outs))
    order = np.argsort(out["seen_keys"])
    out["seen_keys"], out["seen_values"] = out["seen_keys"][order], out["seen_values"][order]
    with open(os.path.join(HERE, "tf_lookup.pb"), "wb") as f:
        f.write(gd.SerializeToString())
    out = {"out:" + k: v.astype("S") if v.dtype == object else v for k, v in out.items()}
    np.savez(os.path.join(HERE, "tf_lookup.npz"), feed=FEED.astype("S"), vocab=VOCAB,
             counts=COUNTS, **assets, **out)


if __name__ == "__main__":
    main()
