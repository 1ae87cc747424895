"""TF1 export details (bug hunt 19, area "export"): write_graph of a graph_def, partial
graph_defs (extract_sub_graph, partial freezing), the frozen '<var>/read' nodes, the
Saver's meta graph API, FileWriter's summary metadata and str items of collections.
The values asserted are what TF 2.21 (tf.compat.v1, v2 behaviour off) gives for the same
programs."""
import glob

import numpy as np

import graphc as gc
from graphc.io.summary_protos import SummaryMetadata
from graphc.io.tf_graphdef_export import export_tf_graph_def
from graphc.io.tf_graphdef_text import graph_def_text

ONES = np.ones((2, 3), np.float32)


def _model():
    """x -> softmax(x w + c + x w), w and c variables."""
    x = gc.placeholder(gc.float32, [None, 3], name="x")
    w = gc.Variable(np.ones((3, 2), np.float32), name="w")
    c = gc.get_variable("c", [2], initializer=gc.zeros_initializer())
    return gc.nn.softmax(gc.matmul(x, w) + c + gc.matmul(x, w), name="y")


def _listing(gd):
    return [(n.name, n.op, list(n.input)) for n in gd.node]


def _run_y(gd, init=None):
    with gc.Graph().as_default() as g:
        y, = gc.import_graph_def(gd, return_elements=["y:0"], name="")
        with gc.Session() as sess:
            for name, value in (init or {}).items():
                sess.run(gc.assign(g.get_tensor_by_name(name), value))
            return sess.run(y, {"x:0": ONES})


# ---- write_graph of a graph_def (bug 2) ---------------------------------------------------
def test_write_graph_of_a_frozen_graph_def_writes_tfs_protobuf(tmp_path):
    """TF1's freeze script: freeze -> write_graph(as_text=False) -> ParseFromString ->
    import_graph_def. TF prints [[0.5 0.5] [0.5 0.5]]; as_text=True writes the text
    format."""
    _model()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        frozen = gc.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["y"])
        full = sess.graph.as_graph_def()
    path = gc.train.write_graph(frozen, str(tmp_path), "frozen.pb", as_text=False)
    with gc.gfile.GFile(path, "rb") as f:
        data = f.read()
    assert data == frozen.SerializeToString()
    gd = gc.GraphDef()
    gd.ParseFromString(data)
    np.testing.assert_allclose(_run_y(gd), [[0.5, 0.5], [0.5, 0.5]])
    path = gc.train.write_graph(frozen, str(tmp_path), "frozen.pbtxt")
    with open(path, encoding="utf-8") as f:
        assert f.read() == graph_def_text(export_tf_graph_def(frozen))
    path = gc.io.write_graph(full, str(tmp_path), "full.pb", as_text=False)  # unfrozen too
    with open(path, "rb") as f:
        names = [n.name for n in gc.GraphDef.FromString(f.read()).node]
    assert {"w", "w/Assign", "c", "c/Assign", "y"} <= set(names)


# ---- partial graph_defs and the frozen /read nodes (bugs 5 and 10) -----------------------
def test_a_frozen_graph_reads_each_variable_through_its_read_identity():
    _model()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        frozen = gc.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["y"])
    assert _listing(frozen) == [        # TF's frozen graph, node for node
        ("x", "Placeholder", []), ("w", "Const", []), ("w/read", "Identity", ["w"]),
        ("c", "Const", []), ("c/read", "Identity", ["c"]),
        ("MatMul", "MatMul", ["x", "w/read"]), ("add", "AddV2", ["MatMul", "c/read"]),
        ("MatMul_1", "MatMul", ["x", "w/read"]), ("add_1", "AddV2", ["add", "MatMul_1"]),
        ("y", "Softmax", ["add_1"])]
    with gc.Graph().as_default() as g:
        gc.import_graph_def(frozen, name="")
        assert g.get_tensor_by_name("w/read:0").shape == (3, 2)


def test_partial_freezing_keeps_importable_variables():
    """TF: whitelist ["w"] keeps c a VariableV2 (and blacklist ["w"] keeps w); the
    graph_def lists, serializes and imports. TF's kept variable also has its 'c/read',
    which graphc's graphs never had (their readers read the variable itself)."""
    _model()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        gd = sess.graph_def
        only_w = gc.graph_util.convert_variables_to_constants(
            sess, gd, ["y"], variable_names_whitelist=["w"])
        not_w = gc.graph_util.convert_variables_to_constants(
            sess, gd, ["y"], variable_names_blacklist=["w"])
    tf_only_w = ["x", "w", "w/read", "c", "c/read", "MatMul", "add", "MatMul_1", "add_1", "y"]
    assert [n.name for n in only_w.node] == [n for n in tf_only_w if n != "c/read"]
    assert {n.name: n.op for n in only_w.node}["c"] == "VariableV2"
    assert [n.name for n in not_w.node] == [n for n in tf_only_w if n != "w/read"]
    assert {n.name: n.op for n in not_w.node}["w"] == "VariableV2"
    for part, kept in ((only_w, {"c:0": np.zeros(2, np.float32)}),
                       (not_w, {"w:0": np.ones((3, 2), np.float32)})):
        assert gc.GraphDef.FromString(part.SerializeToString()).node
        np.testing.assert_allclose(_run_y(part, kept), [[0.5, 0.5], [0.5, 0.5]])


def test_extract_sub_graph_keeps_a_variable_without_its_initializer():
    """TF lists ['MatMul', 'a', 'a/read', 'h', 'x'] (graphc has no 'a/read') and imports
    it; the import adds no variable to a collection (TF: [])."""
    x = gc.placeholder(gc.float32, [None, 3], name="x")
    a = gc.get_variable("a", [3, 3])
    h = gc.nn.relu(gc.matmul(x, a), name="h")
    gc.identity(h * 2.0, name="y")
    sub = gc.graph_util.extract_sub_graph(gc.get_default_graph().as_graph_def(), ["h"])
    assert sorted(n.name for n in sub.node) == ["MatMul", "a", "h", "x"]
    assert gc.GraphDef.FromString(sub.SerializeToString()).node[0].name == "x"
    with gc.Graph().as_default() as g:
        gc.import_graph_def(sub, name="")
        assert gc.global_variables() == []
        with gc.Session() as sess:
            sess.run(gc.assign(g.get_tensor_by_name("a:0"), np.eye(3, dtype=np.float32)))
            np.testing.assert_array_equal(sess.run("h:0", {"x:0": -ONES[:1]}), [[0, 0, 0]])


# ---- the Saver's meta graph API (bug 7) ---------------------------------------------------
def test_saver_export_meta_graph_carries_a_renaming_saver(tmp_path):
    """TF prints [1. 2.]: the meta graph carries the renaming saver_def."""
    w = gc.get_variable("w", initializer=[1.0, 2.0])
    saver = gc.train.Saver({"renamed_w": w})
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        saver.save(sess, str(tmp_path / "ck"), write_meta_graph=False)
        meta = saver.export_meta_graph(str(tmp_path / "model.meta"))
        via = gc.train.export_meta_graph(saver_def=saver.as_saver_def())
    assert meta.saver_def == via.saver_def == saver.saver_def == saver.to_proto()
    for source in (str(tmp_path / "model.meta"), via):
        with gc.Graph().as_default(), gc.Session() as sess:
            gc.train.import_meta_graph(source).restore(sess, str(tmp_path / "ck"))
            np.testing.assert_array_equal(sess.run("w:0"), [1.0, 2.0])


def test_saver_from_proto_keeps_max_to_keep(tmp_path):
    """TF: a Saver from a saver_def (from_proto, import_meta_graph) keeps max_to_keep=2,
    so of four saves y-2 and y-3 remain."""
    with gc.variable_scope("m"):
        w = gc.get_variable("w", initializer=[1.0, 2.0])
    saver = gc.train.Saver({"renamed_w": w}, max_to_keep=2)
    assert saver.as_saver_def()["max_to_keep"] == 2
    assert saver.to_proto("zz") is None
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        saver.save(sess, str(tmp_path / "ck"), write_meta_graph=False)
        meta = saver.export_meta_graph(str(tmp_path / "model.meta"))
    with gc.Graph().as_default(), gc.Session() as sess:
        gc.train.import_meta_graph(str(tmp_path / "model.meta"), import_scope="imp")
        restored = gc.train.Saver.from_proto(meta.saver_def, import_scope="imp")
        restored.restore(sess, str(tmp_path / "ck"))
        np.testing.assert_array_equal(sess.run("imp/m/w:0"), [1.0, 2.0])
        for step in range(4):
            restored.save(sess, str(tmp_path / "y"), global_step=step, write_meta_graph=False)
    assert [p.rsplit("/", 1)[1] for p in restored.last_checkpoints] == ["y-2", "y-3"]
    assert sorted(glob.glob(str(tmp_path / "y-*"))) == \
        [str(tmp_path / "y-2.npz"), str(tmp_path / "y-3.npz")]


# ---- FileWriter's summary metadata (bug 10) -------------------------------------------------
def _read_back(logdir):
    path = glob.glob(logdir + "/events*")[0]
    return [(e.step, v.tag, v.HasField("metadata") and v.metadata.plugin_data.plugin_name
             or v.metadata.display_name)
            for e in gc.train.summary_iterator(path) for v in e.summary.value]


def test_file_writer_keeps_a_tags_metadata_on_its_first_event_only(tmp_path):
    """TF reads back [(0, 'notes', 'text'), (1, 'notes', ''), (2, 'notes', '')]."""
    t = gc.placeholder(gc.string, [])
    s = gc.summary.text("notes", t)
    w = gc.summary.FileWriter(str(tmp_path / "txt"))
    with gc.Session() as sess:
        for step in range(3):
            w.add_summary(sess.run(s, {t: "step %d" % step}), step)
    w.close()
    assert _read_back(str(tmp_path / "txt")) == [(0, "notes", "text"), (1, "notes", ""),
                                                 (2, "notes", "")]


def test_file_writer_strips_metadata_of_a_tag_seen_without_it(tmp_path):
    """TF: a tag's first event counts even without metadata; the later one's metadata is
    cleared in the Summary object passed too."""
    w = gc.summary.FileWriter(str(tmp_path))
    w.add_summary(gc.Summary(value=[gc.Summary.Value(tag="a", simple_value=1.0)]), 0)
    s2 = gc.Summary(value=[gc.Summary.Value(tag="a", simple_value=2.0,
                                            metadata=SummaryMetadata(display_name="x"))])
    w.add_summary(s2, 1)
    assert not s2.value[0].HasField("metadata")
    w.close()
    assert _read_back(str(tmp_path)) == [(0, "a", ""), (1, "a", "")]


# ---- str items of collections (bug 10) -----------------------------------------------------
def test_strings_in_collections_come_back_as_bytes(tmp_path):
    """TF1 stores them in a bytes_list: [b'hello', b'w\\xc3\\xb6rld'], [3], [2.5], [b'x']."""
    gc.add_to_collection("my_strs", "hello")
    gc.add_to_collection("my_strs", "wörld")
    gc.add_to_collection("ints", 3)
    gc.add_to_collection("floats", 2.5)
    gc.add_to_collection("bytes", b"x")
    gc.Variable(1.0)
    meta = gc.train.export_meta_graph(str(tmp_path / "m.meta"))
    for source in (meta, str(tmp_path / "m.meta")):
        with gc.Graph().as_default():
            gc.train.import_meta_graph(source)
            assert [gc.get_collection(k) for k in ("my_strs", "ints", "floats", "bytes")] \
                == [[b"hello", "wörld".encode()], [3], [2.5], [b"x"]]


def test_saver_restores_an_object_based_checkpoint_and_checkpoint_takes_tf_layers(tmp_path):
    """TF 2.21: Saver.restore finds a tf.train.Checkpoint's values through its object
    graph ('dense/kernel' is 'model/kernel/.ATTRIBUTES/VARIABLE_VALUE'); a tf.layers
    layer is trackable (TF1's are Keras layers)."""
    def build(k):
        x = gc.placeholder(gc.float32, [None, 2])
        layer = gc.keras.layers.Dense(3, name="dense",
                                      kernel_initializer=gc.constant_initializer(k))
        return x, layer, layer(x)
    with gc.Graph().as_default():
        x, layer, y = build(1.0)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            path = gc.train.Checkpoint(model=layer).save(str(tmp_path / "ckpt"), session=sess)
    with gc.Graph().as_default():
        x, layer, y = build(0.0)
        with gc.Session() as sess:
            gc.train.Saver().restore(sess, path)
            np.testing.assert_array_equal(sess.run(y, {x: [[1.0, 2.0]]}), [[3.0, 3.0, 3.0]])
    with gc.Graph().as_default():
        dense = gc.layers.Dense(3, name="d")
        dense(gc.placeholder(gc.float32, [None, 2]))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            path = gc.train.Checkpoint(model=dense).save(str(tmp_path / "tfl"), session=sess)
        assert sorted(k for k, _ in gc.train.list_variables(path)) == [
            "_CHECKPOINTABLE_OBJECT_GRAPH", "model/bias/.ATTRIBUTES/VARIABLE_VALUE",
            "model/kernel/.ATTRIBUTES/VARIABLE_VALUE", "save_counter/.ATTRIBUTES/VARIABLE_VALUE"]
