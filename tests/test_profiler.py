"""gc.profiler (TF1's tf.compat.v1.profiler): FLOP rules per op type, parameter counts,
the scope / graph / op views and their options, the text report (the expected texts
below are what TF 2.21 prints for the same graphs), run times from a traced run, the
Profiler across steps, op logs and the advisor."""
import json
import os

import numpy as np
import pytest

import graphc as gc
from graphc.profiler_flops import float_ops

P = gc.profiler
B = P.ProfileOptionBuilder


def quiet(options):
    return dict(options, output="none")


def mlp(grads=False):
    """A two-layer MLP, as tests/test_tf_parity_profiler.py builds it in TF too."""
    x = gc.placeholder(gc.float32, (8, 6), name="x")
    y = gc.placeholder(gc.float32, (8, 3), name="y")
    zeros = gc.zeros_initializer()
    with gc.variable_scope("layer1"):
        w1 = gc.get_variable("w", (6, 4), initializer=zeros)
        b1 = gc.get_variable("b", (4,), initializer=zeros)
        h = gc.nn.relu(gc.nn.bias_add(gc.matmul(x, w1), b1))
    with gc.variable_scope("layer2"):
        w2 = gc.get_variable("w", (4, 3), initializer=zeros)
        b2 = gc.get_variable("b", (3,), initializer=zeros)
        out = gc.matmul(h, w2) + b2
    with gc.name_scope("loss"):
        loss = gc.reduce_mean(gc.square(out - y))
    if grads:
        gc.gradients(loss, [w1, b1, w2, b2])
    return loss


@pytest.fixture
def graph():
    g = gc.Graph()
    with g.as_default():
        yield g


def report(capsys):
    """The lines of the last report after "Profile:", up to the end marker."""
    out = capsys.readouterr().out
    body = out.split("Profile:\n", 1)[1]
    return body.split("\n\n======================End of Report", 1)[0].split("\n")


# ---- FLOP rules -------------------------------------------------------------------
def test_matmul_flops_are_2mnk_with_transposes(graph):
    a, b = gc.ones((5, 3)), gc.ones((3, 7))
    assert float_ops(gc.matmul(a, b).op) == 2 * 5 * 7 * 3
    assert float_ops(gc.matmul(gc.ones((3, 5)), b, transpose_a=True).op) == 2 * 5 * 7 * 3
    assert float_ops(gc.matmul(a, gc.ones((7, 3)), transpose_b=True).op) == 2 * 5 * 7 * 3
    batched = gc.matmul(gc.ones((2, 5, 3)), gc.ones((2, 3, 7)))
    assert float_ops(batched.op) == 2 * 2 * 5 * 7 * 3


def test_conv_pool_and_their_gradient_flops(graph):
    x = gc.placeholder(gc.float32, (2, 8, 8, 3))
    k = gc.ones((3, 3, 3, 4))
    conv = gc.nn.conv2d(x, k, [1, 2, 2, 1], "SAME")               # (2, 4, 4, 4)
    assert float_ops(conv.op) == 2 * 4 * 4 * 4 * 3 * 3 * 3 * 2
    dw = gc.nn.depthwise_conv2d(x, gc.ones((3, 3, 3, 2)), [1, 1, 1, 1], "SAME")
    assert float_ops(dw.op) == 2 * 8 * 8 * 6 * 3 * 3 * 2
    assert float_ops(gc.nn.bias_add(conv, gc.ones((4,))).op) == 2 * 4 * 4 * 4
    mp = gc.nn.max_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")  # (2, 2, 2, 4)
    ap = gc.nn.avg_pool(conv, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    assert float_ops(mp.op) == float_ops(ap.op) == 4 * 2 * 2 * 2 * 4
    grads = {t.op.type: t.op for t in
             gc.gradients(gc.reduce_sum(mp) + gc.reduce_sum(ap), [x, k])}
    ops = {n.type: n for n in graph.get_operations()}
    assert float_ops(ops["MaxPoolGrad"]) == 4 * 32 + 32
    assert float_ops(ops["AvgPoolGrad"]) == 4 * 32 * 2
    # 2 * image elements * filter elements / (image depth * stride area)
    assert float_ops(grads["Conv2DBackpropInput"]) == 2 * 384 * 108 // (3 * 4)
    assert float_ops(ops["Conv2DBackpropFilter"]) == 2 * 384 * 108 // (3 * 4)


def test_elementwise_reduction_and_other_flops(graph):
    x = gc.ones((4, 5))
    assert float_ops((x + gc.ones((5,))).op) == 20        # the broadcast output
    assert float_ops(gc.square(x).op) == 20
    assert float_ops(gc.math.rsqrt(x).op) == 40
    assert float_ops(gc.nn.softmax(x).op) == 100
    assert float_ops(gc.math.squared_difference(x, x).op) == 40
    assert float_ops(gc.reduce_mean(x, axis=0).op) == 20
    assert float_ops(gc.reduce_sum(x, axis=0).op) == 20 - 5
    assert float_ops(gc.argmax(x, axis=1).op) == 20 - 4
    assert float_ops(gc.add_n([x, x, x]).op) == 40
    assert float_ops(gc.nn.relu(x).op) == 0               # no rule: 0, as in TF
    v = gc.Variable(gc.zeros((3,)))
    assert float_ops(gc.assign_add(v, gc.ones((3,))).op) == 3
    assert float_ops(gc.assign_sub(v, gc.ones((3,))).op) == 3
    assert float_ops(gc.assign(v, gc.ones((3,))).op) == 0


def test_unknown_shapes_and_nchw_count_none(graph):
    x = gc.placeholder(gc.float32, (None, 3))
    assert float_ops(gc.matmul(x, gc.ones((3, 2))).op) is None
    assert float_ops(gc.placeholder(gc.float32, None).op) == 0
    nchw = gc.placeholder(gc.float32, (1, 3, 8, 8))
    pool = gc.nn.max_pool(nchw, [1, 1, 2, 2], [1, 1, 2, 2], "VALID", data_format="NCHW")
    assert float_ops(pool.op) is None


# ---- profile(): totals and trees --------------------------------------------------
def test_float_operation_scope_report(graph, capsys):
    mlp()
    result = P.profile(graph, options=B.float_operation())
    assert report(capsys) == [
        "node name | # float_ops",
        "_TFProfRoot (--/704 flops)",
        "  layer1/MatMul (384/384 flops)",
        "  layer2/MatMul (192/192 flops)",
        "  layer1/BiasAdd (32/32 flops)",
        "  layer2/add (24/24 flops)",
        "  loss/Mean (24/24 flops)",
        "  loss/Square (24/24 flops)",
        "  loss/sub (24/24 flops)"]
    assert isinstance(result, P.GraphNodeProto)
    assert result.name == "_TFProfRoot" and result.total_float_ops == 704
    assert result.children[0].name == "layer1/MatMul"
    assert result.children[0].float_ops == 384
    assert [d.size for d in result.children[0].input_shapes[1].dim] == [6, 4]
    assert result.total_definition_count == 8


def test_trainable_parameters_nest_by_scope(graph, capsys):
    mlp()
    gc.Variable(gc.zeros((100,)), trainable=False, name="step_counts")
    result = P.profile(graph)                     # the default: trainable parameters
    assert report(capsys) == [
        "node name | # parameters",
        "_TFProfRoot (--/43 params)",
        "  layer1 (--/28 params)",
        "    layer1/b (4, 4/4 params)",
        "    layer1/w (6x4, 24/24 params)",
        "  layer2 (--/15 params)",
        "    layer2/b (3, 3/3 params)",
        "    layer2/w (4x3, 12/12 params)"]
    assert result.total_parameters == 43
    assert [(c.name, c.total_parameters) for c in result.children] == \
        [("layer1", 28), ("layer2", 15)]
    assert result.children[0].children[1].parameters == 24


def test_op_view_is_a_chain_largest_first(graph, capsys):
    mlp()
    result = P.profile(graph, cmd="op", options=B.float_operation())
    assert report(capsys) == [
        "node name | # float_ops",
        "MatMul                   576 float_ops (100.00%, 81.82%)",
        "BiasAdd                    32 float_ops (18.18%, 4.55%)",
        "Add                        24 float_ops (13.64%, 3.41%)",
        "Mean                       24 float_ops (10.23%, 3.41%)",
        "Square                      24 float_ops (6.82%, 3.41%)",
        "Sub                         24 float_ops (3.41%, 3.41%)"]
    assert isinstance(result, P.MultiGraphNodeProto)
    first = result.children[0]
    assert (first.name, first.float_ops, first.total_float_ops) == ("MatMul", 576, 704)
    assert [g.name for g in first.graph_nodes] == ["layer1/MatMul", "layer2/MatMul"]
    assert first.children[0].name == "BiasAdd"


def test_graph_view_nests_inputs_under_consumers(graph, capsys):
    mlp()
    P.profile(graph, cmd="graph", options=B.float_operation())
    assert report(capsys)[1:4] == ["_TFProfRoot (--/704 flops)",
                                   "  loss/Mean (24/704 flops)",
                                   "    loss/Square (24/680 flops)"]


def test_graph_view_walks_a_deep_chain(graph):
    y = gc.placeholder(gc.float32, (2, 2))
    for _ in range(3000):
        y = y * 2.0
    result = P.profile(graph, cmd="graph", options=quiet(B.float_operation()))
    assert result.total_float_ops == 3000 * 4
    depth, node = 0, result
    while node.children:
        node, depth = node.children[0], depth + 1
    assert depth == 3000


def test_gradients_are_counted(graph):
    mlp(grads=True)
    result = P.profile(graph, options=quiet(B.float_operation()))
    assert result.total_float_ops == 2001        # what TF counts for its own gradients


# ---- options ----------------------------------------------------------------------
def _names(result):
    out, stack = [], list(reversed(result.children))
    while stack:
        node = stack.pop()
        out.append(node.name)
        stack.extend(reversed(node.children))
    return out


def test_name_filters_depth_and_order(graph):
    mlp()
    flops = B(B.float_operation())
    show = flops.with_node_names(show_name_regexes=["layer1/.*"]).build()
    assert _names(P.profile(graph, options=quiet(show))) == ["layer1/MatMul",
                                                             "layer1/BiasAdd"]
    hide = B(B.float_operation()).with_node_names(hide_name_regexes=[".*MatMul"]).build()
    result = P.profile(graph, options=quiet(hide))
    assert "layer1/MatMul" not in _names(result) and result.total_float_ops == 128
    params = B(B.trainable_variables_parameter())
    # depth 1 is the root: with_max_depth(2) shows its children, and counts only them
    shallow = P.profile(graph, options=quiet(params.with_max_depth(2).build()))
    assert _names(shallow) == ["layer1", "layer2"] and shallow.total_parameters == 0
    trimmed = B(B.trainable_variables_parameter()).with_node_names(
        trim_name_regexes=["layer2"]).build()
    assert _names(P.profile(graph, options=quiet(trimmed))) == \
        ["layer1", "layer1/b", "layer1/w", "layer2"]
    start = B(B.trainable_variables_parameter()).with_node_names(
        start_name_regexes=["layer2/.*"]).order_by("params").build()
    assert _names(P.profile(graph, options=quiet(start))) == ["layer2/w", "layer2/b"]
    big = B(B.trainable_variables_parameter()).with_min_parameters(10).build()
    assert _names(P.profile(graph, options=quiet(big))) == ["layer1/w", "layer2/w"]


def test_accounted_types_and_op_log(graph):
    mlp()
    mm = B(B.float_operation()).with_accounted_types(["MatMul"]).build()
    assert P.profile(graph, options=quiet(mm)).total_float_ops == 576
    log = P.OpLogProto()
    entry = log.log_entries.add(name="loss/Square")
    entry.types.append("my_type")
    entry.float_ops = 1000
    mine = B(B.float_operation()).with_accounted_types(["my_type"]).build()
    result = P.profile(graph, op_log=log, options=quiet(mine))
    assert _names(result) == ["loss/Square"] and result.total_float_ops == 1000


def test_outputs_file_none_and_bad(graph, capsys, tmp_path):
    mlp()
    path = str(tmp_path / "report.txt")
    P.profile(graph, options=B(B.float_operation()).with_file_output(path).build())
    assert capsys.readouterr().out == ""
    text = open(path).read()
    assert text.startswith("\nDoc:\nscope: ") and "_TFProfRoot (--/704 flops)" in text
    P.profile(graph, options=B(B.float_operation()).with_empty_output().build())
    bad = P.profile(graph, options=dict(B.float_operation(), output="bogus"))
    captured = capsys.readouterr()
    assert captured.out == "" and bad == P.GraphNodeProto()
    assert "Unknown output type: bogus" in captured.err
    with pytest.raises(NotImplementedError, match="timeline"):
        P.profile(graph, options=B().with_timeline_output(path).build())
    with pytest.raises(NotImplementedError, match="'code' view"):
        P.profile(graph, cmd="code")
    with pytest.raises(gc.errors.InvalidArgumentError, match="unknown cmd: bogus"):
        P.profile(graph, cmd="bogus")


def test_report_header_lists_the_options(graph, capsys):
    mlp()
    P.profile(graph, options=B.float_operation())
    out = capsys.readouterr().out
    assert out.startswith("\n=========================Options=============================\n"
                          "-max_depth                  10000\n")
    assert "-select                     float_ops\n-output                     stdout:\n" in out
    assert out.endswith("\n======================End of Report==========================\n")


def test_builder_is_tfs_dict():
    opts = B(B.float_operation()).with_max_depth(3).select(["params"]).build()
    assert opts["max_depth"] == 3 and opts["select"] == ["params"]
    assert B.float_operation()["max_depth"] == 10000
    assert B().build()["select"] == ["micros"]
    assert B.time_and_memory()["select"] == ["micros", "bytes"]


# ---- run times ----------------------------------------------------------------------
def _traced_run(graph, fetch, feed):
    meta = gc.RunMetadata()
    with gc.Session(graph=graph) as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(fetch, feed, options=gc.RunOptions(trace_level=gc.RunOptions.FULL_TRACE),
                 run_metadata=meta)
    return meta


def test_time_and_memory_from_a_traced_run(graph, capsys):
    x = gc.placeholder(gc.float32, (4, 3), name="x")
    w = gc.get_variable("w", (3, 5), initializer=gc.zeros_initializer())
    out = gc.reduce_sum(gc.matmul(x, w), name="out")
    meta = _traced_run(graph, out, {x: np.ones((4, 3), np.float32)})
    result = P.profile(graph, run_meta=meta, options=B.time_and_memory())
    lines = report(capsys)
    assert lines[0] == ("node name | requested bytes | total execution time | "
                        "accelerator execution time | cpu execution time")
    mm = next(c for c in result.children if c.name == "MatMul")
    assert mm.requested_bytes == mm.output_bytes == 4 * 5 * 4
    assert mm.exec_micros == mm.cpu_exec_micros > 0 and mm.run_count == 1
    assert mm.devices == ["/job:localhost/replica:0/task:0/device:cpu:0"]
    assert any(line.startswith("  MatMul (80B/80B, ") for line in lines)
    flops = P.profile(graph, run_meta=meta, options=quiet(B.float_operation()))
    assert flops.total_float_ops == 2 * 4 * 5 * 3 + 19


def test_profiler_steps_and_advice(graph, capsys):
    x = gc.placeholder(gc.float32, (4, 3), name="x")
    w = gc.get_variable("w", (3, 5), initializer=gc.zeros_initializer())
    out = gc.reduce_sum(gc.matmul(x, w), name="out")
    meta = _traced_run(graph, out, {x: np.ones((4, 3), np.float32)})
    profiler = P.Profiler(graph)
    profiler.add_step(1, meta)
    profiler.add_step(2, meta)
    opts = quiet(B(B.float_operation()).select(["float_ops", "occurrence"]).build())
    ops = profiler.profile_operations(opts)
    assert ops.children[0].name == "MatMul" and ops.children[0].float_ops == 120
    assert profiler.profile_name_scope(dict(opts, step=2)).total_float_ops == 139
    assert profiler.profile_graph(opts).total_run_count == 2
    missing = profiler.profile_name_scope(dict(opts, step=7))
    assert missing == P.GraphNodeProto()
    assert "Options -step=7 not found.\nAvailable steps: 1 2 " in capsys.readouterr().err
    advice = profiler.advise({"ExpensiveOperationChecker": {}, "OperationChecker": {}})
    reports = advice.checkers["ExpensiveOperationChecker"].reports
    assert reports[0].startswith("top 1 operation type: ")
    assert "\nExpensiveOperationChecker:\ntop 1 operation type" in capsys.readouterr().out
    with pytest.raises(NotImplementedError):
        profiler.profile_python(opts)


def test_advise_flags_unfused_batch_norm(graph, capsys):
    with gc.name_scope("BatchNorm"):
        gc.nn.batch_normalization(gc.ones((2, 3)), 0.0, 1.0, None, None, 1e-3)
    advice = P.advise(graph)
    assert list(advice.checkers["OperationChecker"].reports) == \
        ["Maybe use faster FusedBatchNorm instead of BatchNorm"]
    assert sorted(advice.checkers) == ["AcceleratorUtilizationChecker",
                                       "ExpensiveOperationChecker", "OperationChecker"]
    assert "Missing RunMetadata info" in capsys.readouterr().err


def test_write_op_log(graph, tmp_path):
    mlp()
    P.write_op_log(graph, str(tmp_path))
    log = json.load(open(os.path.join(str(tmp_path), "tfprof_log")))
    entries = {e["name"]: e for e in log["log_entries"]}
    assert entries["layer1/MatMul"]["float_ops"] == 384
    assert entries["layer1/w"]["types"] == ["_trainable_variables"]
    trace = entries["layer1/MatMul"]["code_def"]["traces"][0]
    assert log["id_to_string"][str(trace["file_id"])].endswith("test_profiler.py")


def test_protos_print_protobuf_text():
    p = P.GraphNodeProto(name="_TFProfRoot", total_float_ops=3)
    p.children.add(name="a", float_ops=3).input_shapes[0].dim.add(size=2)
    assert str(p) == ('name: "_TFProfRoot"\nchildren {\n  name: "a"\n  float_ops: 3\n'
                      '  input_shapes {\n    key: 0\n    value {\n      dim {\n'
                      '        size: 2\n      }\n    }\n  }\n}\ntotal_float_ops: 3\n')
    with pytest.raises(ValueError, match='has no "flops" field'):
        P.GraphNodeProto(flops=1)
    assert P.AdviceProto() == P.AdviceProto()


def test_a_traced_run_goes_into_an_event_file(graph, tmp_path):
    """FileWriter.add_run_metadata writes TF1's TaggedRunMetadata event; the bytes are
    TF's RunMetadata (TF 2.21 parses them: the device and node names it shows)."""
    x = gc.placeholder(gc.float32, (2,), name="x")
    meta = _traced_run(graph, gc.multiply(x, 2.0, name="twice"), {x: [1.0, 2.0]})
    with gc.summary.FileWriter(str(tmp_path)) as w:
        w.add_run_metadata(meta, "step1", 7)
        with pytest.raises(ValueError, match="tag was already used"):
            w.add_run_metadata(meta, "step1", 8)
        path = w.get_filename()
    events = [gc.summary.Event.FromString(r) for r in gc.io.tf_record_iterator(path)]
    tagged = [e for e in events if e.WhichOneof("what") == "tagged_run_metadata"]
    assert len(tagged) == 1 and tagged[0].step == 7
    assert tagged[0].tagged_run_metadata.tag == "step1"
    back = gc.RunMetadata.FromString(tagged[0].tagged_run_metadata.run_metadata)
    dev, = back.step_stats.dev_stats
    assert dev.device.endswith("device:CPU:0")
    assert [s.node_name for s in dev.node_stats] == \
        [s.node_name for s in meta.step_stats.dev_stats[0].node_stats] and \
        "twice" in [s.node_name for s in dev.node_stats]
