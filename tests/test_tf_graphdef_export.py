"""gc.io.export_tf_graph_def without TensorFlow: every op sample whose exported graph
graphc's own TF importer reads back is exported, parsed from its bytes, re-imported and
run (values equal the original's); names, control inputs, devices, variables, shapes,
refusals, the text format and write_graph. tests/test_tf_parity_tf_graphdef_export.py
runs the exported graphs in real TensorFlow."""
import os
import sys

import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_export import EXPORT, export_tf_graph_def
from graphc.io.tf_graphdef_import import OPS as IMPORTABLE, UnsupportedOpError
from graphc.io.tf_graphdef_text import graph_def_text
from samples import all_samples


def _samples():
    return [s for s in all_samples() if s.op in EXPORT
            and s.op not in ("RandomUniform", "RandomStandardNormal", "TruncatedNormal")]


def sample_graph(sample, grad=False):
    """A sample built on placeholders "in0:0"... and run in graphc on fixed random
    inputs: (graph, outputs, their values, the feeds by name). With grad the outputs
    are the gradients of sum(out**2) w.r.t. the float inputs. Skips the test where
    there is no such gradient or the graph has ops without a TF export."""
    rng = np.random.default_rng(0)
    arrays = [np.asarray(a) for a in sample.inputs(rng)]
    with gc.Graph().as_default() as g:
        phs = [gc.placeholder(gc.as_dtype(a.dtype), a.shape, name=f"in{i}")
               for i, a in enumerate(arrays)]
        outs = sample.build(*phs)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        if grad:
            wrt = [p for p in phs if p.dtype.is_floating]
            floats = [o for o in outs if o.dtype.is_floating]
            if sample.grad and wrt and floats:
                gs = gc.gradients(gc.add_n([gc.reduce_sum(o * o) for o in floats]), wrt)
                outs = [gc.convert_to_tensor(t) for t in gs if t is not None]  # (rows:
                #                                          an IndexedSlices made dense)
            if not (sample.grad and wrt and floats and outs):
                pytest.skip("no gradient")
        if not all(n.type in EXPORT for n in g.nodes):
            pytest.skip("needs ops without a TF export: " + ", ".join(
                sorted({n.type for n in g.nodes if n.type not in EXPORT})))
        with gc.Session() as s:
            want = s.run(outs, dict(zip(phs, arrays)))
    return g, outs, want, {f"in{i}:0": a for i, a in enumerate(arrays)}


def compare(names, want, got, rtol, atol):
    """Same dtypes and shapes; floats allclose, the rest equal."""
    for name, w, v in zip(names, want, got):
        w, v = np.asarray(w), np.asarray(v)
        assert (v.dtype, v.shape) == (w.dtype, w.shape), name
        if w.dtype.kind in "fc":
            np.testing.assert_allclose(v, w, rtol=rtol, atol=atol, err_msg=name)
        else:
            np.testing.assert_array_equal(v, w, err_msg=name)


@pytest.mark.parametrize("sample", _samples(), ids=str)
def test_sample_round_trip(sample):
    """graphc -> TF GraphDef bytes -> graphc: the same values (where graphc's importer
    has every TF op the export used)."""
    g, outs, want, feeds = sample_graph(sample)
    try:
        gd = export_tf_graph_def(g)
    except UnsupportedOpError as e:
        assert "TF's" in str(e) and "(tests/" in str(e), e     # names why and where
        pytest.skip(str(e))
    names = {nd.name for nd in gd.node}
    assert all(t.node.name in names for t in outs)             # tensor names are kept
    gd = GraphDef.FromString(gd.SerializeToString())
    missing = sorted({nd.op for nd in gd.node} - set(IMPORTABLE))
    if missing:
        pytest.skip(f"graphc's importer lacks {missing}")
    with gc.Graph().as_default():        # outputs > 0 of a node built from several
        got_t = gc.import_graph_def(gd, name="",                # graphc ops: by return
                                    return_elements=[t.name for t in outs])  # elements
        with gc.Session() as s:
            got = s.run(got_t, feeds)
    compare([t.name for t in outs], want, got, max(sample.rtol, 1e-6),
            max(sample.atol, 1e-9))


def _nodes(gd):
    return {nd.name: nd for nd in gd.node}


def test_nodes_ops_and_attrs_are_tfs():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 4], name="x")
        y = gc.reduce_mean(gc.nn.relu(x + 1.0), axis=1, keepdims=True, name="m")
        gc.transpose(y, name="t")
        gc.nn.conv2d(gc.reshape(x, [-1, 2, 2, 1]), gc.ones([2, 2, 1, 3]), [1, 2, 1, 1], "SAME",
                     name="c")
    nodes = _nodes(export_tf_graph_def(g))
    assert nodes["add"].op == "AddV2" and nodes["add"].attr["T"].type == 1
    assert nodes["x"].attr["shape"].shape.dim[0].size == -1
    m = nodes["m"]
    assert (m.op, list(m.input), m.attr["keep_dims"].b) == ("Mean", ["Relu", "m/reduction_indices"], True)
    assert nodes["m/reduction_indices"].op == "Const"
    assert gc.make_ndarray(nodes["m/reduction_indices"].attr["value"].tensor).tolist() == [1]
    assert list(nodes["t"].input) == ["m", "t/perm"]
    assert nodes["c"].attr["strides"].list.i == [1, 2, 1, 1]
    assert nodes["c"].attr["padding"].s == b"SAME"


def test_output_index_control_inputs_and_device():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [6], name="x")
        a, b = gc.split(x, 2, name="s")
        with gc.device("/cpu:0"), gc.control_dependencies([a.op]):
            gc.identity(b, name="y")
    y = _nodes(export_tf_graph_def(g))["y"]
    assert list(y.input) == ["s:1", "^s"] and y.device == "/device:CPU:0"


def test_variables_and_updates():
    """VariableV2 and its Assign; an update gets as control inputs the reads made
    before it that meet it downstream (TF reads a variable when each reader runs), and
    no others (running it must not run them)."""
    with gc.Graph().as_default() as g:
        w = gc.Variable(gc.ones([2, 2]), name="w")
        x = gc.placeholder(gc.float32, [None, 2], name="x")
        y = gc.matmul(x, w, name="y")
        gc.reduce_sum(w, name="z")
        up = gc.assign_sub(w, gc.ones([2, 2]) * 0.5, name="up")
        gc.group(up, y, name="step")
        alone = gc.assign(w, gc.zeros([2, 2]), name="alone")
    nodes = _nodes(export_tf_graph_def(g))
    assert nodes["w"].op == "VariableV2" and nodes["w"].attr["shape"].shape.dim[1].size == 2
    assert nodes["w/Assign"].op == "Assign" and nodes["w/Assign"].input[0] == "w"
    assert nodes["up"].op == "AssignSub" and "^y" in nodes["up"].input
    assert "^z" not in nodes["up"].input and not [i for i in nodes["alone"].input
                                                  if i.startswith("^")]
    assert y.name == "y:0" and up.name == "up:0" and alone.name == "alone:0"


def test_add_shapes_and_from_a_frozen_graph_def():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        w = gc.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        gc.nn.softmax(gc.matmul(x, w), name="probs")
        with gc.Session() as s:
            s.run(gc.global_variables_initializer())
            frozen = gc.graph_util.convert_variables_to_constants(
                s, g.as_graph_def(), ["probs"])
    gd = export_tf_graph_def(frozen, add_shapes=True)
    nodes = _nodes(gd)
    assert nodes["w"].op == "Const" and "w/Assign" not in nodes
    assert [d.size for d in nodes["probs"].attr["_output_shapes"].list.shape[0].dim] == [-1, 2]
    with gc.Graph().as_default():
        probs, = gc.import_graph_def(GraphDef.FromString(gd.SerializeToString()),
                                     return_elements=["probs:0"], name="")
        with gc.Session() as s:
            out = s.run(probs, {"x:0": np.ones((1, 3), np.float32)})
    z = np.ones(3) @ np.arange(6).reshape(3, 2)
    np.testing.assert_allclose(out[0], np.exp(z - z.max()) / np.exp(z - z.max()).sum(),
                               rtol=1e-6)


def test_refusals_name_every_node_and_its_line():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [3], name="x")
        gc.py_func(lambda a: a, [x], gc.float32, name="f1")
        gc.py_func(lambda a: a, [x], gc.float32, name="f2")
        line = sys._getframe().f_lineno - 1
    with pytest.raises(UnsupportedOpError) as e:
        export_tf_graph_def(g)
    msg = str(e.value)
    assert "2 node(s)" in msg and "PyFunc" in msg and "'f1'" in msg and "'f2'" in msg
    assert f"test_tf_graphdef_export.py:{line}" in msg


def test_refusal_of_an_attr_tf_cannot_hold():
    with gc.Graph().as_default() as g:
        logits = gc.placeholder(gc.float32, [None, None], name="logits")
        gc.nn.softmax_cross_entropy_with_logits_v2(labels=logits, logits=logits, axis=0)
    with pytest.raises(UnsupportedOpError, match="SoftmaxCrossEntropyWithLogits node"):
        export_tf_graph_def(g)
    with pytest.raises(TypeError, match="gc.Graph or a graph_def dict"):
        export_tf_graph_def(42)


@pytest.mark.slow     # test_deep.py checks a 100k chain in the default run
def test_long_chain_exports_without_recursion():
    with gc.Graph().as_default() as g:
        y = gc.placeholder(gc.float32, [], name="x")
        for _ in range(20000):
            y = y * 1.0001
    gd = export_tf_graph_def(g)
    assert len(gd.node) == 40001 and gd.node[-1].input[0] == gd.node[-3].name


def test_text_format_and_write_graph(tmp_path):
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None], name="x")
        gc.nn.leaky_relu(x, 0.25, name="y")
        gc.constant([b"a\n\"", b"\xff"], name="s")
    gd = export_tf_graph_def(g)
    text = graph_def_text(gd)
    assert text.startswith('node {\n  name: "x"\n  op: "Placeholder"\n  attr {\n'
                           '    key: "dtype"\n    value {\n      type: DT_FLOAT\n')
    assert '      f: 0.25\n' in text and 'string_val: "a\\n\\""' in text
    assert 'string_val: "\\377"' in text and text.endswith("versions {\n  producer: 1882\n}\n")
    path = gc.io.write_graph(gd, str(tmp_path), "model.pb", as_text=False)
    with open(path, "rb") as f:
        assert GraphDef.FromString(f.read()) == gd
    path = gc.train.write_graph(gd, str(tmp_path), "model.pbtxt")
    with open(path, encoding="utf-8") as f:
        assert f.read() == text
    gc.io.write_graph(g, str(tmp_path), "graph.json")       # graphc's own JSON, as before
    assert os.path.exists(tmp_path / "graph.json")


def test_text_format_of_a_function_library(tmp_path):
    with gc.Graph().as_default() as g:
        p = gc.placeholder(gc.bool, [], name="p")
        x = gc.placeholder(gc.float32, [2], name="x")
        gc.cond(p, lambda: x * 2.0, lambda: x + 1.0)
    gd = export_tf_graph_def(g)
    text = graph_def_text(gd)
    assert "\nlibrary {\n  function {\n    signature {\n" in text
    assert text.count("  function {\n") == len(gd.library.function) == 2
    assert '      input_arg {\n        name: ' in text and "    ret {\n      key: " in text
    path = gc.io.write_graph(gd, str(tmp_path), "cond.pbtxt")
    with open(path, encoding="utf-8") as f:
        assert f.read() == text
