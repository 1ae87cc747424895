"""gc.saved_model (export, load, signatures) and gc.train's checkpoint readers."""
import os
import re

import numpy as np
import pytest

import graphc as gc

sm = gc.saved_model
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XS = np.arange(12, dtype=np.float32).reshape(4, 3)


def _model():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    W = gc.get_variable("W", (3, 2))
    b = gc.Variable(np.array([0.5, -1.0], np.float32), name="b")
    return x, gc.add(gc.matmul(x, W), b, name="y")


def _export(path, **kw):
    with gc.Graph().as_default():
        x, y = _model()
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            expected = sess.run(y, {x: XS})
            sm.simple_save(sess, path, {"x": x}, {"y": y}, **kw)
    return expected


def test_simple_save_then_load_in_a_fresh_graph(tmp_path):
    path = str(tmp_path / "m")
    expected = _export(path)
    assert sorted(os.listdir(path)) == ["saved_model.json", "saved_model.pb", "variables"]
    assert sorted(os.listdir(os.path.join(path, "variables"))) == [
        "variables.data-00000-of-00001", "variables.index"]       # TF's V2 checkpoint
    with gc.Graph().as_default() as g, gc.Session() as sess:
        meta = sm.loader.load(sess, [sm.tag_constants.SERVING], path)
        assert meta.meta_info_def.tags == ["serve"]
        sig = meta.signature_def[sm.DEFAULT_SERVING_SIGNATURE_DEF_KEY]
        assert sig.method_name == sm.PREDICT_METHOD_NAME
        assert sm.is_valid_signature(sig)
        x = sm.utils.get_tensor_from_tensor_info(sig.inputs["x"], g)
        got = sess.run(sig.outputs["y"].name, {x: XS})
    np.testing.assert_array_equal(got, expected)


def test_load_under_an_import_scope(tmp_path):
    path = str(tmp_path / "m")
    expected = _export(path)
    with gc.Graph().as_default() as g, gc.Session() as sess:
        meta = sm.load(sess, "serve", path, import_scope="imp")
        sig = meta.signature_def["serving_default"]
        assert sig.inputs["x"].name == "x:0"            # as saved, TF1 too
        x = sm.get_tensor_from_tensor_info(sig.inputs["x"], import_scope="imp")
        y = sm.get_tensor_from_tensor_info(sig.outputs["y"], g, "imp")
        assert x.name == "imp/x:0"
        np.testing.assert_array_equal(sess.run(y, {x: XS}), expected)
        with pytest.raises(KeyError):
            sm.get_tensor_from_tensor_info(sig.inputs["x"], g)


def test_builder_tags_assets_and_main_op(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("vocab.txt", "w") as f:
        f.write("a\n")
    with gc.Graph().as_default():
        x, y = _model()
        vocab = gc.constant("vocab.txt", name="vocab_path")
        seen = gc.Variable(b"", name="seen", collections=[gc.GraphKeys.LOCAL_VARIABLES])
        count = gc.Variable(0, name="count", collections=[gc.GraphKeys.LOCAL_VARIABLES])
        init = gc.group(seen.assign(vocab), count.assign(7))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            b = sm.builder.SavedModelBuilder("exp")
            with pytest.raises(AssertionError, match="has not been saved yet"):
                b.add_meta_graph(["train"])
            b.add_meta_graph_and_variables(sess, ["serve"], assets_collection=[vocab],
                                           legacy_init_op=init)
            with pytest.raises(AssertionError, match=r"invoke `add_meta_graph\(\)`"):
                b.add_meta_graph_and_variables(sess, ["x"])
            b.add_meta_graph(["train", "gpu"])
            assert b.save(as_text=True) == os.fsencode(os.path.join("exp",
                                                                    "saved_model.pbtxt"))
        assert gc.get_collection(sm.MAIN_OP_KEY) == [init]  # kept in the graph (TF1)
    assert os.listdir("exp/assets") == ["vocab.txt"]
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = sm.loader.load(sess, ["serve"], "exp")
        assert sess.run("seen:0") == os.fsencode(os.path.join("exp", "assets", "vocab.txt"))
        assert sess.run("count:0") == 7
        assert meta.asset_file_def[0].filename == "vocab.txt"
        assert meta.asset_file_def[0].tensor_info.name == "vocab_path:0"
        assert sm.MAIN_OP_KEY in meta.collection_def
    with gc.Graph().as_default(), gc.Session() as sess:
        meta = sm.loader.load(sess, ["gpu", "train"], "exp")   # a set: order free
        assert meta.signature_def == {}
        np.testing.assert_array_equal(sess.run("b:0"), [0.5, -1.0])
    with pytest.raises(RuntimeError, match=re.escape(
            "MetaGraphDef associated with tags 'tpu' could not be found in SavedModel, "
            "with available tags '[{'serve'}, {'gpu', 'train'}]'.")):
        sm.loader.load(gc.Session(graph=gc.Graph()), ["tpu"], "exp")


def test_directory_errors(tmp_path):
    path = str(tmp_path / "m")
    _export(path)
    with pytest.raises(AssertionError, match="already exists, and isn't empty"):
        sm.builder.SavedModelBuilder(path)
    sm.Builder(str(tmp_path / "empty_ok"))          # an empty directory will do
    sm.Builder(str(tmp_path / "empty_ok"))
    assert sm.contains_saved_model(path) and sm.maybe_saved_model_directory(path)
    assert not sm.maybe_saved_model_directory(str(tmp_path / "nope"))
    with pytest.raises(OSError, match=r"SavedModel file does not exist at: .*nope.*"
                                      r"\{saved_model.json\|saved_model.pb\}"):
        sm.loader.load(gc.Session(graph=gc.Graph()), ["serve"], str(tmp_path / "nope"))
    tf_model = tmp_path / "tf_model"            # TF's text format, broken: said where
    tf_model.mkdir()
    (tf_model / "saved_model.pbtxt").write_bytes(b"meta_graphs { colour: 1 }")
    with pytest.raises(OSError, match=r"Cannot parse file .*saved_model.pbtxt: .*"
                                      r"SavedModel.meta_graphs: field 'colour'"):
        sm.loader.load(gc.Session(graph=gc.Graph()), ["serve"], str(tf_model))


def test_builder_checks_signatures_and_main_op(tmp_path):
    with gc.Graph().as_default():
        x, y = _model()
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            for i, (kw, err, msg) in enumerate([
                    (dict(signature_def_map={"a": 5}), TypeError, "not a SignatureDef"),
                    (dict(main_op=y), TypeError, "main_op needs to be an Operation"),
            ]):
                with pytest.raises(err, match=msg):
                    sm.Builder(str(tmp_path / str(i))).add_meta_graph_and_variables(
                        sess, ["serve"], **kw)
            with gc.Graph().as_default():
                other = gc.placeholder(gc.float32, (2,), name="other")
                sig = sm.predict_signature_def({"o": other}, {"o": other})
            with pytest.raises(ValueError, match="'other:0', which is not a tensor"):
                sm.Builder(str(tmp_path / "s")).add_meta_graph_and_variables(
                    sess, ["serve"], signature_def_map={"s": sig})


def test_tensor_info_and_signature_defs():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    s = gc.placeholder(gc.string, (None,), name="s")
    u = gc.placeholder(gc.int64, name="u")
    info = sm.build_tensor_info(x)
    assert (info.name, info.dtype) == ("x:0", 1)
    assert [d.size for d in info.tensor_shape.dim] == [-1, 3]
    assert sm.build_tensor_info(u).tensor_shape.unknown_rank
    assert sm.build_tensor_info(s).dtype == 7
    sp = sm.build_tensor_info(gc.SparseTensor([[0, 1]], [1.0], [2, 3]))
    assert sp.name == "" and sp.coo_sparse.values_tensor_name.endswith("values:0")
    back = sm.get_tensor_from_tensor_info(sp)
    assert isinstance(back, gc.SparseTensor)
    with pytest.raises(TypeError):
        sm.build_tensor_info(5)
    cls = sm.classification_signature_def(s, None, x)
    assert set(cls.outputs) == {"scores"} and sm.is_valid_signature(cls)
    reg = sm.regression_signature_def(s, x)
    assert reg.outputs["outputs"].name == "x:0" and sm.is_valid_signature(reg)
    for f, msg in [(lambda: sm.predict_signature_def({}, {"y": x}), "`inputs` cannot"),
                   (lambda: sm.predict_signature_def({"x": x}, None), "`outputs` cannot"),
                   (lambda: sm.classification_signature_def(x, None, x), "type 1"),
                   (lambda: sm.classification_signature_def(s, None, None), "both be"),
                   (lambda: sm.classification_signature_def(s, None, s), "float Tensor"),
                   (lambda: sm.regression_signature_def(s, None), "cannot be None"),
                   (lambda: sm.regression_signature_def(s, s), "type 7")]:
        with pytest.raises(ValueError, match=msg):
            f()
    assert not sm.is_valid_signature(sm.build_signature_def(
        {"x": info}, {"y": info}, sm.REGRESS_METHOD_NAME))
    assert not sm.is_valid_signature(sm.build_signature_def({"x": info}, {}, "custom"))
    with pytest.raises(TypeError, match="must be a TensorInfo"):
        sm.build_signature_def({"x": 5})


def test_constants():
    assert (sm.SERVING, sm.TRAINING, sm.GPU, sm.TPU) == ("serve", "train", "gpu", "tpu")
    assert sm.signature_constants.CLASSIFY_OUTPUT_SCORES == "scores"
    assert sm.constants.VARIABLES_DIRECTORY == "variables"
    assert sm.ASSETS_KEY == "saved_model_assets" and sm.MAIN_OP_KEY == "saved_model_main_op"


# ---- checkpoint readers -------------------------------------------------------------
def _checkpoint(directory):
    with gc.Graph().as_default():
        gc.get_variable("old/a", initializer=np.arange(6.0, dtype=np.float32).reshape(2, 3))
        gc.get_variable("old/sub/b", initializer=np.int32(5))
        gc.get_variable("c", initializer=np.float64(2.5))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            return gc.train.Saver().save(sess, os.path.join(directory, "m"))


def test_checkpoint_reader(tmp_path):
    prefix = _checkpoint(str(tmp_path))
    r = gc.train.NewCheckpointReader(prefix)
    assert r.get_variable_to_shape_map() == {"old/a": [2, 3], "old/sub/b": [], "c": []}
    assert r.get_variable_to_dtype_map() == {"old/a": gc.float32, "old/sub/b": gc.int32,
                                             "c": gc.float64}
    assert r.has_tensor("c") and not r.has_tensor("c:0")
    assert isinstance(r.get_tensor("c"), np.float64) and r.get_tensor("c") == 2.5
    assert r.debug_string() == (b"c (DT_DOUBLE) []\nold/a (DT_FLOAT) [2,3]\n"
                                b"old/sub/b (DT_INT32) []\n")
    with pytest.raises(gc.errors.NotFoundError, match="Key nope not found in checkpoint"):
        r.get_tensor("nope")
    with pytest.raises(gc.errors.NotFoundError, match="Failed to find any matching files"):
        gc.train.NewCheckpointReader(str(tmp_path / "zz"))
    assert gc.train.load_checkpoint(str(tmp_path)).get_tensor("old/sub/b") == 5
    os.makedirs(tmp_path / "empty")
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        gc.train.load_checkpoint(str(tmp_path / "empty"))


def _init(directory, amap, names=("new/a", "new/sub/b", "c"),
          shapes=((2, 3), (), ()), dts=("float32", "int32", "float64")):
    with gc.Graph().as_default():
        vs = [gc.get_variable(n, shape=s, dtype=d, initializer=gc.zeros_initializer())
              for n, s, d in zip(names, shapes, dts)]
        gc.train.init_from_checkpoint(directory, amap(vs) if callable(amap) else amap)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            return [np.asarray(sess.run(v)).tolist() for v in vs]


A = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
Z = [[0.0] * 3] * 2


@pytest.mark.parametrize("amap, kw, want", [
    ({"old/": "new/"}, {}, [A, 5, 0.0]),
    ({"old/sub/": "new/sub/"}, {}, [Z, 5, 0.0]),
    ([("old/a", "new/a")], {}, [A, 0, 0.0]),
    ({"/": "/"}, dict(names=("old/a", "old/sub/b", "c")), [A, 5, 2.5]),
    ({"/": "new/"}, dict(names=("new/old/a", "x", "y")), [A, 0, 0.0]),
    ({"old/": "/"}, dict(names=("a", "sub/b"), shapes=((2, 3), ()),
                         dts=("float32", "int32")), [A, 5]),
    (lambda vs: {"old/a": vs[0]}, {}, [A, 0, 0.0]),
])
def test_init_from_checkpoint_rules(tmp_path, amap, kw, want):
    _checkpoint(str(tmp_path))
    assert _init(str(tmp_path), amap, **kw) == want


@pytest.mark.parametrize("amap, kw, msg", [
    ({"old/a": "new/sub/b"}, {}, r"Shape of variable new/sub/b:0 \(\(\)\) doesn't match "
                                 r"with shape of tensor old/a \(\[2, 3\]\)"),
    ({"old/": "/"}, dict(names=("a", "sub/b", "zz")),
     r"Tensor old/zz \(z in old/\) is not found in .* checkpoint"),
    ({"old/a": "new/"}, {}, "Assignment map with scope only name new should map to scope "
                            "only old/a. Should be 'scope/': 'other_scope/'."),
    ({"nope": "new/a"}, {}, "Tensor nope is not found in"),
    ({"old/sub/b": "new/sub/b"}, dict(dts=("float32", "float32", "float64")), "int32"),
])
def test_init_from_checkpoint_errors(tmp_path, amap, kw, msg):
    _checkpoint(str(tmp_path))
    with pytest.raises((ValueError, gc.errors.DTypeError), match=msg):
        _init(str(tmp_path), amap, **kw)


def test_warm_start(tmp_path):
    _checkpoint(str(tmp_path))
    with gc.Graph().as_default():
        a = gc.get_variable("new/a", (2, 3))
        c = gc.get_variable("c", (), dtype=gc.float64, initializer=gc.zeros_initializer())
        gc.train.warm_start(str(tmp_path), vars_to_warm_start="new/",
                            var_name_to_prev_var_name={"new/a": "old/a"})
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            assert sess.run(a).tolist() == A and sess.run(c) == 0.0
        with pytest.raises(ValueError, match="were not used: \\['zz'\\]"):
            gc.train.warm_start(str(tmp_path), [c], var_name_to_prev_var_name={"zz": "c"})
        with pytest.raises(TypeError, match="must be a gc.train.VocabInfo"):
            gc.train.warm_start(str(tmp_path), var_name_to_vocab_info={"c": 1})


def test_doc_code_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with open(os.path.join(ROOT, "docs", "saved_model.md"), encoding="utf-8") as f:
        blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
    assert len(blocks) >= 4
    namespace = {"__name__": "__main__"}
    with gc.Graph().as_default():
        for i, block in enumerate(blocks):
            exec(compile(block, f"saved_model.md[{i}]", "exec"), namespace)
    assert "vocab.txt" in capsys.readouterr().out


def test_sparse_signature_and_existing_main_op(tmp_path):
    with gc.Graph().as_default():
        sp = gc.sparse_placeholder(gc.float32, (None, 4), name="sp")
        total = gc.sparse.reduce_sum(sp, axis=1, name="total")
        init = gc.no_op(name="init")
        with gc.Session() as sess:
            gc.saved_model.simple_save(sess, str(tmp_path / "m"), {"sp": sp}, {"t": total})
            gc.add_to_collection(sm.MAIN_OP_KEY, init)
            with pytest.raises(ValueError, match="already contains one or more main ops"):
                sm.Builder(str(tmp_path / "n")).add_meta_graph_and_variables(
                    sess, ["serve"], main_op=init)
    value = gc.SparseTensorValue([[0, 1], [1, 3]], np.float32([2.0, 5.0]), [2, 4])
    with gc.Graph().as_default() as g, gc.Session() as sess:
        sig = sm.load(sess, ["serve"], str(tmp_path / "m")).signature_def["serving_default"]
        assert sig.inputs["sp"].name == "" and sig.inputs["sp"].dtype == 1
        sp = sm.get_tensor_from_tensor_info(sig.inputs["sp"], g)
        np.testing.assert_array_equal(sess.run(sig.outputs["t"].name, {sp: value}), [2, 5])


def test_vocabulary_files_are_assets_and_main_op_as_tf1(tmp_path):
    """TF 2.21 on the session-19 export hunt's repros: a text file table registers its
    file in ASSET_FILEPATHS, so simple_save ships it; main_op() re-initializes the global
    variables too; the main op stays in the graph's collection for later meta graphs,
    and a second one is refused."""
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("the\ncat\nsat\n")
    with gc.Graph().as_default():
        w = gc.placeholder(gc.string, [None], name="w")
        table = gc.lookup.StaticHashTable(gc.lookup.TextFileInitializer(
            str(vocab), gc.string, gc.lookup.TextFileIndex.WHOLE_LINE, gc.int64,
            gc.lookup.TextFileIndex.LINE_NUMBER), -1)
        ids = table.lookup(w)
        assert len(gc.get_collection(gc.GraphKeys.ASSET_FILEPATHS)) == 1
        with gc.Session() as sess:
            sess.run(gc.tables_initializer())
            gc.saved_model.simple_save(sess, str(tmp_path / "e1"), {"w": w}, {"ids": ids},
                                       legacy_init_op=gc.tables_initializer())
    vocab.unlink()                          # only the export is shipped
    with gc.Graph().as_default(), gc.Session() as sess:
        gc.saved_model.loader.load(sess, ["serve"], str(tmp_path / "e1"))
        np.testing.assert_array_equal(sess.run(ids.name, {"w:0": ["cat", "dog"]}), [1, -1])
    with gc.Graph().as_default():
        v = gc.get_variable("v", initializer=gc.zeros([2]))
        k = gc.placeholder(gc.string, [None], name="k")
        ids = gc.lookup.StaticHashTable(gc.lookup.KeyValueTensorInitializer(
            ["a", "b", "c"], [0, 1, 2], gc.string, gc.int64), -1).lookup(k)
        with gc.Session() as sess:
            sess.run([gc.global_variables_initializer(), gc.tables_initializer()])
            sess.run(v.assign([5.0, 6.0]))
            b = gc.saved_model.builder.SavedModelBuilder(str(tmp_path / "e2"))
            b.add_meta_graph_and_variables(sess, ["train"],
                                           main_op=gc.saved_model.main_op.main_op())
            b.add_meta_graph(["serve"])
            with pytest.raises(ValueError, match="already contains one or more main ops"):
                b.add_meta_graph(["other"], main_op=gc.no_op())
            b.save()
    for tags in (["train"], ["serve"]):
        with gc.Graph().as_default(), gc.Session() as sess:
            gc.saved_model.loader.load(sess, tags, str(tmp_path / "e2"))
            np.testing.assert_array_equal(sess.run("v:0"), [0.0, 0.0])
            np.testing.assert_array_equal(sess.run(ids.name, {"k:0": ["b", "z"]}), [1, -1])
