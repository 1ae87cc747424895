"""The saved_model.pb graphc's SavedModelBuilder writes for TensorFlow (TF1's
MetaGraphDef: TF's GraphDef, the Saver's nodes and SaverDef, VariableDefs, signatures,
assets): read back by graphc's own reader of TF SavedModels, without the
saved_model.json beside it. tests/test_tf_parity_saved_model_write.py loads the same
files in TensorFlow."""
import os

import numpy as np

import graphc as gc
from graphc.io import tf_graphdef_export
from graphc.saved_model import tf_saved_model

sm = gc.saved_model
XS = np.arange(6, dtype=np.float32).reshape(2, 3)


def _save(path, saver=None, as_text=False, tags=("serve",)):
    """A trained model with a vocabulary table (its file an asset) saved by the builder;
    graphc's outputs on XS and two words."""
    vocab = os.path.join(os.path.dirname(path), "vocab.txt")
    with open(vocab, "w") as f:
        f.write("ant\nbee\n")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        words = gc.placeholder(gc.string, [None], name="words")
        w = gc.get_variable("w", [3, 2], initializer=gc.ones_initializer())
        table = gc.lookup.StaticHashTable(gc.lookup.TextFileInitializer(
            vocab, gc.string, -2, gc.int64, -1), -1)
        ids = gc.identity(table.lookup(words), name="ids")
        y = gc.identity(gc.nn.relu(gc.matmul(x, w)), name="y")
        loss = gc.reduce_sum(y)
        train = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
        with gc.Session() as s:
            s.run([gc.global_variables_initializer(), gc.tables_initializer()])
            s.run(train, {x: XS})
            want = s.run([y, ids], {x: XS, words: [b"bee", b"cow"]})
            b = sm.builder.SavedModelBuilder(path)
            sig = sm.signature_def_utils.predict_signature_def(
                {"x": x, "words": words}, {"y": y, "ids": ids})
            b.add_meta_graph_and_variables(
                s, list(tags), {"serving_default": sig},
                assets_collection=gc.get_collection("asset_filepaths"),
                main_op=gc.tables_initializer(), saver=saver(w) if saver else None)
            written = b.save(as_text=as_text)
    os.remove(vocab)                            # the asset's copy must serve
    return want, written


def _load_tf_format(path):
    """graphc's outputs from path's saved_model.pb alone (its JSON removed)."""
    os.remove(os.path.join(path, "saved_model.json"))
    with gc.Graph().as_default(), gc.Session() as s:
        meta = sm.loader.load(s, ["serve"], path)
        sig = meta.signature_def["serving_default"]
        got = s.run([sig.outputs["y"].name, sig.outputs["ids"].name],
                    {sig.inputs["x"].name: XS, sig.inputs["words"].name: [b"bee", b"cow"]})
        names = [v.name for v in gc.global_variables()]
        trainable = [v.name for v in gc.trainable_variables()]
    return got, meta, names, trainable


def test_saved_model_pb_serves_the_trained_model(tmp_path):
    path = str(tmp_path / "m")
    want, written = _save(path)
    assert written == os.fsencode(os.path.join(path, "saved_model.pb"))
    got, meta, names, trainable = _load_tf_format(path)
    np.testing.assert_allclose(got[0], want[0])
    np.testing.assert_array_equal(got[1], [1, -1])
    assert names == trainable == ["w:0"]
    assert "(TF)" in repr(meta)                 # read as TF's file
    assert meta.saver_def == {"filename_tensor_name": "save/Const:0",
                              "save_tensor_name": "save/control_dependency:0",
                              "restore_op_name": "save/restore_all", "max_to_keep": 5,
                              "sharded": False, "keep_checkpoint_every_n_hours": 10000.0,
                              "version": 2}
    assert [a.filename for a in meta.asset_file_def] == ["vocab.txt"]
    assert sorted(meta.signature_def["serving_default"].inputs) == ["words", "x"]


def test_graphc_format_saver_still_writes_tf_checkpoint(tmp_path):
    """A Saver writing graphc's .npz is used for its variable list; the SavedModel's
    checkpoint is TF's all the same (what saved_model.pb's restore op reads)."""
    path = str(tmp_path / "m")
    want, _ = _save(path, saver=lambda w: gc.train.Saver({"weights": w}))
    assert sorted(os.listdir(os.path.join(path, "variables"))) == [
        "variables.data-00000-of-00001", "variables.index"]
    got, *_ = _load_tf_format(path)
    np.testing.assert_allclose(got[0], want[0])


def test_several_meta_graphs_and_the_parsed_meta_graph(tmp_path):
    path = str(tmp_path / "m")
    _save(path, tags=("serve", "gpu"))
    (m,) = tf_saved_model.read_tf(path)
    assert sorted(m["tags"]) == ["gpu", "serve"]
    nodes = {nd.name: nd.op for nd in m["graph_def"].node}
    assert nodes["save/SaveV2"] == "SaveV2" and nodes["save/RestoreV2"] == "RestoreV2"
    assert nodes["save/restore_all"] == "NoOp" and nodes["w"] == "VariableV2"
    assert set(m["collections"]) >= {"variables", "trainable_variables", "train_op",
                                     "saved_model_main_op", "table_initializer"}


def test_text_format(tmp_path):
    path = str(tmp_path / "m")
    want, written = _save(path, as_text=True)
    assert written == os.fsencode(os.path.join(path, "saved_model.pbtxt"))
    assert sorted(os.listdir(path)) == ["assets", "saved_model.json", "saved_model.pbtxt",
                                        "variables"]
    with open(written, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("saved_model_schema_version: 1\nmeta_graphs {\n")
    for line in ['    tags: "serve"', '    restore_op_name: "save/restore_all"',
                 "    version: V2", '  signature_def {\n    key: "serving_default"',
                 '      dtype: DT_STRING', '    filename: "vocab.txt"',
                 '      op: "VariableV2"']:
        assert line in text, line
    with gc.Graph().as_default(), gc.Session() as s:       # graphc reads its JSON
        sm.loader.load(s, ["serve"], path)
        assert s.run("ids:0", {"words:0": [b"ant"]}).tolist() == [0]
    got, meta, names, _ = _load_tf_format(path)            # and the text, without it
    np.testing.assert_allclose(got[0], want[0])
    np.testing.assert_array_equal(got[1], [1, -1])
    assert names == ["w:0"] and meta.saver_def["restore_op_name"] == "save/restore_all"


def test_graph_without_tf_form_gets_json_only(tmp_path, monkeypatch, caplog):
    """An op with no TF export: saved_model.json alone, and a warning naming it."""
    monkeypatch.delitem(tf_graphdef_export.EXPORT, "Relu")
    path = str(tmp_path / "m")
    want, written = _save(path)
    assert written == os.fsencode(os.path.join(path, "saved_model.json"))
    assert "saved_model.pb" not in os.listdir(path)
    assert "no saved_model.pb for TensorFlow" in caplog.text and "Relu" in caplog.text
    with gc.Graph().as_default(), gc.Session() as s:
        sm.loader.load(s, ["serve"], path)
        np.testing.assert_allclose(s.run("y:0", {"x:0": XS}), want[0])


def test_maybe_saved_model_directory_knows_tf_files(tmp_path):
    for name in ("saved_model.pb", "saved_model.pbtxt", "saved_model.json"):
        d = tmp_path / name.replace(".", "_")
        d.mkdir()
        assert not sm.maybe_saved_model_directory(str(d))
        (d / name).write_bytes(b"")
        assert sm.maybe_saved_model_directory(str(d)) and sm.contains_saved_model(str(d))


def test_no_variables(tmp_path):
    path = str(tmp_path / "m")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2], name="x")
        y = gc.multiply(x, 2.0, name="y")
        with gc.Session() as s:
            sm.simple_save(s, path, {"x": x}, {"y": y})
    assert sorted(os.listdir(path)) == ["saved_model.json", "saved_model.pb", "variables"]
    (m,) = tf_saved_model.read_tf(path)
    assert m["saver_def"] == {} and "save/restore_all" not in {
        nd.name for nd in m["graph_def"].node}
    os.remove(os.path.join(path, "saved_model.json"))
    with gc.Graph().as_default(), gc.Session() as s:
        sm.loader.load(s, ["serve"], path)
        assert s.run("y:0", {"x:0": [1.0, 2.0]}).tolist() == [2.0, 4.0]


def _linear_trained(d, as_text=False):
    """A linear model trained 3 Adam steps, saved as a V2 checkpoint with a TF .meta;
    graphc's losses of the next 3 steps."""
    xs = np.random.RandomState(0).randn(8, 3).astype(np.float32)
    ys = xs @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        y = gc.placeholder(gc.float32, [None, 1], name="y")
        w = gc.Variable(gc.zeros([3, 1]), name="w")
        loss = gc.reduce_mean(gc.square(gc.matmul(x, w) - y), name="loss")
        train = gc.train.AdamOptimizer(0.1).minimize(loss)
        saver = gc.train.Saver(write_version=gc.train.SaverDef.V2)
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            for _ in range(3):
                s.run(train, {x: xs, y: ys})
            prefix = saver.save(s, os.path.join(d, "model"), write_meta_graph=False)
            meta = gc.io.export_tf_meta_graph(prefix + ".meta", saver=saver,
                                              as_text=as_text)
            want = [s.run([loss, train], {x: xs, y: ys})[0] for _ in range(3)]
    return prefix, meta, {"x:0": xs, "y:0": ys}, want


def test_export_tf_meta_graph_imports_restores_and_trains_on(tmp_path):
    prefix, meta, feed, want = _linear_trained(str(tmp_path))
    assert meta == prefix + ".meta"
    with open(meta, "rb") as f:
        assert not f.read(1).startswith(b"{")            # TF's protobuf, not JSON
    with gc.Graph().as_default(), gc.Session() as s:
        saver = gc.train.import_meta_graph(meta)
        saver.restore(s, prefix)
        train = gc.get_collection("train_op")[0]
        got = [s.run(["loss:0", train], feed)[0] for _ in range(3)]
        assert sorted(v.name for v in gc.global_variables()) == [
            "beta1_power:0", "beta2_power:0", "w/Adam:0", "w/Adam_1:0", "w:0"]
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_export_tf_meta_graph_text(tmp_path):
    _, meta, _, _ = _linear_trained(str(tmp_path), as_text=True)
    with open(meta, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("graph_def {\n") and 'restore_op_name: "save/restore_all"' in text
    assert 'key: "train_op"' in text


def test_metric_and_global_step_collections_are_variable_defs(tmp_path):
    """TF1 keeps metric_variables and global_step as VariableDefs, so TF's
    variables_initializer(get_collection(METRIC_VARIABLES)) works on them."""
    with gc.Graph().as_default() as g, gc.Session() as s:
        x = gc.placeholder(gc.float32, [None], name="x")
        gc.train.get_or_create_global_step()
        gc.metrics.mean(x, name="m")
        s.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        path = gc.io.export_tf_meta_graph(str(tmp_path / "m.meta"), graph=g)
    from graphc.saved_model.tf_saved_model import _meta_graph
    from graphc.io.tf_meta_graph import _variable_def
    with open(path, "rb") as f:
        m = _meta_graph(f.read())
    assert [_variable_def(b)["variable_name"] for b in m["collections"]["global_step"]] == [
        "global_step:0"]
    assert sorted(_variable_def(b)["variable_name"] for b in
                  m["collections"]["metric_variables"]) == ["m/count:0", "m/total:0"]
