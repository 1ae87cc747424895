"""gc.saved_model and gc.train's checkpoint readers against TF1 (tf.compat.v1).

TF cannot read graphc's files (nor graphc TF's), so each test does the same thing in
both libraries, each with its own files, and compares what the user sees: constants,
TensorInfo/SignatureDef fields, is_valid_signature, error types and messages, the
values a loaded model computes, the checkpoint reader's maps and values, and the
variables init_from_checkpoint sets for the same assignment maps on the same names.
"""
import ast
import os
import re

import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

W0 = np.arange(6, dtype=np.float32).reshape(3, 2) / 7
XS = np.arange(12, dtype=np.float32).reshape(4, 3)


def _libs():
    return [("gc", gc, gc.Graph), ("tf", v1, tf.Graph)]


def _outcome(f):
    try:
        return ("ok", f())
    except Exception as e:      # noqa: BLE001  (the error is what we compare)
        return (type(e).__name__, str(e))


def _same_paths(value, tmp, name):
    """value (literals only) with its library's paths under tmp made neutral."""
    text = repr(value).replace(f"{tmp}/empty_{name}", "EMPTY")
    return ast.literal_eval(text.replace(f"{tmp}/{name}", "DIR"))


def _info(info):
    dims = None if info.tensor_shape.unknown_rank else [d.size for d in info.tensor_shape.dim]
    return info.name, int(info.dtype), dims


def _sig(sig):
    return (sig.method_name, {k: _info(v) for k, v in sig.inputs.items()},
            {k: _info(v) for k, v in sig.outputs.items()})


def test_constants():
    for mod in ["tag_constants", "signature_constants"]:
        want = {n: getattr(getattr(v1.saved_model, mod), n)
                for n in dir(getattr(v1.saved_model, mod)) if n.isupper()}
        got = {n: getattr(getattr(gc.saved_model, mod), n) for n in want}
        assert got == want
    for n in dir(v1.saved_model):
        if n.isupper():
            assert getattr(gc.saved_model, n) == getattr(v1.saved_model, n), n


def _signature_cases(m):
    sm = m.saved_model
    x = m.placeholder(m.float32, (None, 3), name="x")
    s = m.placeholder(m.string, (None,), name="s")
    i = m.placeholder(m.int32, (None,), name="i")
    d = m.placeholder(m.float64, (None,), name="d")
    u = m.placeholder(m.int64, name="u")
    b = sm.utils.build_tensor_info
    cases = {
        "info_x": lambda: _info(b(x)), "info_u": lambda: _info(b(u)),
        "info_scalar": lambda: _info(b(m.constant(1.5, name="k"))),
        "predict": lambda: _sig(sm.predict_signature_def({"x": x, "s": s}, {"y": x})),
        "predict_no_in": lambda: _sig(sm.predict_signature_def({}, {"y": x})),
        "predict_no_out": lambda: _sig(sm.predict_signature_def({"x": x}, None)),
        "cls_scores": lambda: _sig(sm.classification_signature_def(s, None, x)),
        "cls_both": lambda: _sig(sm.classification_signature_def(s, s, x)),
        "cls_bad_in": lambda: _sig(sm.classification_signature_def(x, None, x)),
        "cls_none": lambda: _sig(sm.classification_signature_def(s, None, None)),
        "cls_no_ex": lambda: _sig(sm.classification_signature_def(None, s, None)),
        "cls_bad_classes": lambda: _sig(sm.classification_signature_def(s, i, None)),
        "cls_bad_scores": lambda: _sig(sm.classification_signature_def(s, None, d)),
        "reg": lambda: _sig(sm.regression_signature_def(s, x)),
        "reg_bad_in": lambda: _sig(sm.regression_signature_def(x, x)),
        "reg_none": lambda: _sig(sm.regression_signature_def(s, None)),
        "reg_f64": lambda: _sig(sm.regression_signature_def(s, d)),
        "reg_no_ex": lambda: _sig(sm.regression_signature_def(None, x)),
        "build": lambda: _sig(sm.build_signature_def({"a": b(x)}, None, "m")),
    }
    valid = [({"inputs": s}, {"scores": d}, sm.CLASSIFY_METHOD_NAME),
             ({"inputs": s}, {"scores": x, "classes": s}, sm.CLASSIFY_METHOD_NAME),
             ({"inputs": s}, {"scores": x, "other": s}, sm.CLASSIFY_METHOD_NAME),
             ({"inputs": s}, {"outputs": d}, sm.REGRESS_METHOD_NAME),
             ({"inputs": s}, {"outputs": x}, sm.REGRESS_METHOD_NAME),
             ({"x": s}, {"outputs": x}, sm.REGRESS_METHOD_NAME),
             ({"x": i}, {"y": x}, sm.PREDICT_METHOD_NAME),
             ({}, {"y": x}, sm.PREDICT_METHOD_NAME),
             ({"x": i}, {"y": x}, "custom")]
    for k, (ins, outs, method) in enumerate(valid):
        cases[f"valid_{k}"] = (lambda ins=ins, outs=outs, method=method: sm.is_valid_signature(
            sm.build_signature_def({n: b(t) for n, t in ins.items()},
                                   {n: b(t) for n, t in outs.items()}, method)))
    return {k: _outcome(f) for k, f in cases.items()}


def test_signature_defs_and_tensor_infos():
    got = {}
    for name, m, Graph in _libs():
        with Graph().as_default():
            got[name] = _signature_cases(m)
    assert got["gc"] == got["tf"]


def _build_and_export(m, Graph, path):
    with Graph().as_default():
        x = m.placeholder(m.float32, (None, 3), name="x")
        W = m.get_variable("W", initializer=m.constant(W0))
        y = m.matmul(x, W, name="y")
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            m.saved_model.simple_save(sess, path, {"x": x}, {"y": y})
            b = m.saved_model.builder.SavedModelBuilder(path + "_b")
            first = _outcome(lambda: b.add_meta_graph(["serve"]))
            b.add_meta_graph_and_variables(sess, ["serve"])
            again = _outcome(lambda: b.add_meta_graph_and_variables(sess, ["x"]))
            b.add_meta_graph(["train", "gpu"])
            saved = b.save()
    exists = _outcome(lambda: m.saved_model.builder.SavedModelBuilder(path))
    return first, again, os.path.basename(os.fsdecode(saved)).split(".")[0], exists


def _load(m, Graph, path, tags, scope=None):
    with Graph().as_default() as g, m.Session() as sess:
        meta = m.saved_model.loader.load(sess, tags, path, import_scope=scope)
        sig = meta.signature_def.get("serving_default")
        if sig is None:
            return list(meta.meta_info_def.tags), sorted(meta.signature_def), None
        x = m.saved_model.utils.get_tensor_from_tensor_info(sig.inputs["x"], g, scope)
        y = m.saved_model.utils.get_tensor_from_tensor_info(sig.outputs["y"], g, scope)
        return list(meta.meta_info_def.tags), _sig(sig), (x.name, sess.run(y, {x: XS}))


def test_simple_save_builder_and_load(tmp_path):
    got = {}
    for name, m, Graph in _libs():
        path = str(tmp_path / name)
        built = _build_and_export(m, Graph, path)
        loads = [_load(m, Graph, path, ["serve"]), _load(m, Graph, path, ["serve"], "imp"),
                 _load(m, Graph, path + "_b", ["gpu", "train"])]
        bad_tags = _outcome(lambda: _load(m, Graph, path, ["nope", "a"]))
        empty = str(tmp_path / f"empty_{name}")
        os.makedirs(empty)
        no_model = _outcome(lambda: _load(m, Graph, empty, ["serve"]))
        flags = (m.saved_model.contains_saved_model(path),
                 m.saved_model.loader.maybe_saved_model_directory(path),
                 m.saved_model.loader.maybe_saved_model_directory(empty))
        got[name] = (_same_paths(built, str(tmp_path), name), loads,
                     _same_paths(bad_tags, str(tmp_path), name),
                     _same_paths(no_model, str(tmp_path), name), flags)
    gcv, tfv = got["gc"], got["tf"]
    for a, b in [(gcv[0], tfv[0]), (gcv[2], tfv[2]), (gcv[4], tfv[4])]:
        assert a == b
    for (ta, sa, ra), (tb, sb, rb) in zip(gcv[1], tfv[1]):
        assert (ta, sa) == (tb, sb)
        if ra is not None:
            assert ra[0] == rb[0]
            np.testing.assert_allclose(ra[1], rb[1], rtol=1e-6)
    # graphc's file is saved_model.json where TF's is saved_model.pb(txt)
    assert gcv[3][0] == tfv[3][0] == "OSError"
    assert re.sub(r"\{.*\}", "", gcv[3][1]) == re.sub(r"\{.*\}", "", tfv[3][1])


# ---- checkpoint readers -----------------------------------------------------------------
def _checkpoint(m, Graph, directory):
    with Graph().as_default():
        m.get_variable("old/a", initializer=np.arange(6.0, dtype=np.float32).reshape(2, 3))
        m.get_variable("old/sub/b", initializer=np.int32(5))
        m.get_variable("c", initializer=np.float64(2.5))
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return m.train.Saver().save(sess, os.path.join(directory, "m"))


def test_checkpoint_reader(tmp_path):
    got = {}
    for name, m, Graph in _libs():
        d = str(tmp_path / name)
        os.makedirs(d)
        os.makedirs(d + "_empty")
        prefix = _checkpoint(m, Graph, d)
        r = m.train.NewCheckpointReader(prefix)
        got[name] = [
            sorted(r.get_variable_to_shape_map().items()),
            sorted((k, v.name) for k, v in r.get_variable_to_dtype_map().items()),
            r.get_tensor("old/a").tolist(), type(r.get_tensor("c")).__name__,
            float(r.get_tensor("c")), r.has_tensor("c"),
            r.has_tensor("c:0"), r.debug_string(),
            _outcome(lambda: r.get_tensor("nope")),
            _outcome(lambda: m.train.NewCheckpointReader(d + "/zz")),
            _outcome(lambda: m.train.load_checkpoint(d + "_empty")),
            type(m.train.load_checkpoint(d).get_tensor("old/sub/b")).__name__]
    assert _same_paths(got["gc"], str(tmp_path), "gc") == \
        _same_paths(got["tf"], str(tmp_path), "tf")


INIT_CASES = [
    ({"old/": "new/"}, {}), ({"old/sub/": "new/sub/"}, {}), ({"old/a": "new/a"}, {}),
    ({"old/a": "new/sub/b"}, {}), ({"/": "/"}, dict(names=("old/a", "old/sub/b", "c"))),
    ({"/": "new/"}, dict(names=("new/old/a", "x", "y"))),
    ({"old/": "/"}, dict(names=("a", "sub/b", "zz"))),
    ({"old/": "/"}, dict(names=("a", "sub/b"), shapes=((2, 3), ()), dts=("float32", "int32"))),
    ({"old/a": "new/"}, {}), ({"old": "new"}, {}), ({"old": "new/a"}, {}),
    ({"nope": "new/a"}, {}), ({"old/a": "new/zz"}, {}),
    ({"old/": "new/"}, dict(names=("new/a", "new/sub/b", "new/extra"))),
    ({"old/a": "c"}, dict(shapes=((2, 3), (), (3, 2)), dts=("float32", "int32", "float32"))),
    ([("old/a", "new/a")], {}), ({"old/": "new"}, {}), ({"old/": "new/a"}, {}),
    ({"old/sub/": "new/", "old/a": "x/a"}, dict(names=("x/a", "new/b", "c"))),
    ("object", {}),
]


def _init(m, Graph, d, amap, names=("new/a", "new/sub/b", "c"), shapes=((2, 3), (), ()),
          dts=("float32", "int32", "float64")):
    with Graph().as_default():
        vs = [m.get_variable(n, shape=s, dtype=dt, initializer=m.zeros_initializer())
              for n, s, dt in zip(names, shapes, dts)]
        if amap == "object":
            amap = {"old/a": vs[0], "old/sub/b": "new/sub/b"}
        m.train.init_from_checkpoint(d, amap)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return [np.asarray(sess.run(v)).tolist() for v in vs]


def _sorted_maps(text):
    """TF1 prints the checkpoint's {name: shape} map in its own order: sort it."""
    return re.sub(r"\{[^{}]*\}", lambda mt: str(sorted(ast.literal_eval(mt.group(0)).items())),
                  text)


@pytest.mark.parametrize("k", range(len(INIT_CASES)))
def test_init_from_checkpoint_same_rules(tmp_path, k):
    amap, kw = INIT_CASES[k]
    got = {}
    for name, m, Graph in _libs():
        d = str(tmp_path / name)
        os.makedirs(d)
        _checkpoint(m, Graph, d)
        kind, value = _outcome(lambda: _init(m, Graph, d, amap, **kw))
        got[name] = (kind, _sorted_maps(value.replace(d, "CK")) if kind != "ok" else value)
    assert got["gc"] == got["tf"]
