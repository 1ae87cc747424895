"""gc.train.export_meta_graph(export_scope=...) and Saver.export_meta_graph(export_scope=
...): only the nodes under the scope, the scope stripped from every name they hold
(inputs, attrs, branch graphs, collections, the saver's var_list); a tensor from outside
is an unbound input "$unbound_inputs_<name>" that import_meta_graph's input_map must
give (TF1). import_meta_graph(import_scope=...) re-roots it, and a checkpoint of the
whole graph restores into it."""
import os

import numpy as np
import pytest

import graphc as gc
from graphc.io.serialize import SerializationError

FEED = np.array([1.0, -9.0], np.float32)


def _model(d):
    """A scope "net" reading a placeholder and a constant from outside, with a cond and
    a control dependency on an outside op; (meta path, checkpoint, values, names)."""
    with gc.Graph().as_default():
        outside = gc.placeholder(gc.float32, [2], name="outside")
        c = gc.constant([1.0, 2.0], name="c")
        other = gc.Variable([7.0], name="other")
        with gc.variable_scope("net"):
            w = gc.get_variable("w", [2], initializer=gc.ones_initializer())
            y = gc.identity(w * 3.0 + c, name="y")
            with gc.control_dependencies([other.initializer]):
                z = gc.add(w, outside, name="z")
            q = gc.cond(z[0] > 0, lambda: w * 2.0, lambda: w - outside, name="q")
        gc.add_to_collection("outs", y)
        gc.add_to_collection("outs", c)
        saver = gc.train.Saver()
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            s.run(w.assign([5.0, 6.0]))
            prefix = saver.save(s, os.path.join(d, "m"), write_meta_graph=False)
            want = s.run([y, z, q], {outside: FEED})
        path = os.path.join(d, "net.meta")
        meta = saver.export_meta_graph(path, export_scope="net")
        return path, meta, prefix, want, q.name[len("net/"):]


def test_export_scope_keeps_the_scope_stripped(tmp_path):
    _, meta, _, _, _ = _model(str(tmp_path))
    gd = meta["graph_def"]
    names = [e["name"] for e in gd["nodes"]]
    assert "w" in names and "y" in names and "z" in names
    assert not any(n.startswith("net/") or n in ("c", "outside") for n in names)
    z = next(e for e in gd["nodes"] if e["name"] == "z")
    assert z["inputs"] == ["w:0", "$unbound_inputs_outside:0"]
    assert z["control_inputs"] == ["^$unbound_inputs_other/Assign"]
    assert gd["collections"]["outs"] == [["tensor", "y:0"]]            # c is left out
    assert gd["collections"]["variables"] == [["tensor", "w:0"]]
    assert gd["collections"]["unbound_inputs"] == [
        ["str", "$unbound_inputs_c"], ["str", "$unbound_inputs_outside"],
        ["str", "^$unbound_inputs_other/Assign"]]
    assert [f["scope"] for f in gd["functions"]] == ["q/true/", "q/false/"]
    assert meta["saver_def"]["var_list"] == {"net/w": "w"}   # the checkpoint's keys


def test_import_scope_reroots_it_and_the_checkpoint_restores(tmp_path):
    path, _, prefix, want, q = _model(str(tmp_path))
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2], name="x")
        dep = gc.no_op(name="dep")
        saver = gc.train.import_meta_graph(
            path, import_scope="tower", input_map={
                "$unbound_inputs_outside": x, "$unbound_inputs_c": gc.constant([1.0, 2.0]),
                "^$unbound_inputs_other/Assign": dep})
        graph = gc.get_default_graph()
        assert list(graph.get_operation_by_name("tower/z").control_inputs) == [dep]
        assert [v.name for v in gc.global_variables()] == ["tower/w:0"]
        assert [t.name for t in gc.get_collection("outs")] == ["tower/y:0"]
        assert gc.get_collection("unbound_inputs") == []
        with gc.Session() as s:
            saver.restore(s, prefix)
            got = s.run(["tower/y:0", "tower/z:0", "tower/" + q], {x: FEED})
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_unbound_inputs_must_be_mapped(tmp_path):
    """TF1: ValueError 'Graph contains unbound inputs: ...'."""
    path, _, _, _, _ = _model(str(tmp_path))
    with gc.Graph().as_default():
        with pytest.raises(ValueError, match=r"unbound inputs: \$unbound_inputs_c,"
                                             r"\$unbound_inputs_outside,"
                                             r"\^\$unbound_inputs_other/Assign\. Must "):
            gc.train.import_meta_graph(path, import_scope="t")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2])
        with pytest.raises(SerializationError, match="not unbound inputs"):
            gc.train.import_meta_graph(path, input_map={
                "$unbound_inputs_outside": x, "$unbound_inputs_c": x,
                "^$unbound_inputs_other/Assign": x, "$unbound_inputs_nope": x})


def test_a_scope_without_outside_inputs_imports_as_is(tmp_path):
    """gc.train.export_meta_graph(export_scope=...) (no saver_def: TF1's empty one); the
    imported graph's Saver is over its variables, and its initializer runs."""
    with gc.Graph().as_default():
        gc.Variable([3.0], name="top")
        with gc.name_scope("a"):
            v = gc.Variable([1.0, 2.0], name="v")
            gc.reduce_sum(v * v, name="sq")
        meta = gc.train.export_meta_graph(export_scope="a/")
    assert "saver_def" not in meta and "unbound_inputs" not in meta["graph_def"]["collections"]
    with gc.Graph().as_default(), gc.Session() as s:
        gc.train.import_meta_graph(meta, import_scope="b")
        s.run(gc.global_variables_initializer())
        assert s.run("b/sq:0") == 5.0
        assert [v.name for v in gc.global_variables()] == ["b/v:0"]


def test_an_outside_op_named_in_an_attr_is_refused(tmp_path):
    """A cond in the scope reads a variable from outside (its ReadCapturedVariable names
    that variable's op): TF1 has no such attr; graphc says which node and where."""
    with gc.Graph().as_default():
        v = gc.Variable(1.0, name="v")
        x = gc.placeholder(gc.float32, [], name="x")
        with gc.name_scope("net"):
            gc.cond(x > 0, lambda: v * 2.0, lambda: v, name="c")
        with pytest.raises(SerializationError, match=r"export_scope='net'.*names op 'v'.*"
                                                     r"outside the scope"):
            gc.train.export_meta_graph(export_scope="net")
