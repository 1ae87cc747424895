"""gc.io.export_tf_graph_def of control flow without TensorFlow: gc.cond and gc.while_loop
(and map_fn / scan / foldr, gradients through them) written as TF 2's If/While with
FunctionDefs, checked node by node and read back by graphc's own importer (values equal
the original's). tests/test_tf_parity_tf_graphdef_export_flow.py runs the same graphs in
real TensorFlow."""
import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_export import export_tf_graph_def
from graphc.io.tf_graphdef_export_args import OUTPUT_ARGS
from graphc.io.tf_graphdef_functiondef import parse_function_def
from graphc.io.tf_graphdef_import import OPS as IMPORTABLE, UnsupportedOpError

RNG = np.random.default_rng(3)
X1 = np.array([[1, 2, 3], [0.5, -1, 2]], "f")
X2 = np.array([[-1, 2, -3.5]], "f")


# ---- the graphs: build(x, n) -> outputs; feeds are (x, n) pairs ----------------------------
def _cond_simple(x, n):
    s = gc.reduce_sum(x)
    return [gc.cond(s > 0, lambda: x * 2.0, lambda: -x, name="simple")]


def _cond_tuple(x, n):
    a, b = gc.cond(n > 1, lambda: (gc.reduce_max(x, axis=1), n * 2),
                   lambda: (gc.reduce_min(x, axis=1), n - 1), name="pair")
    return [a, b]


def _cond_nested(x, n):
    s = gc.reduce_sum(x)
    return [gc.cond(s > 0, lambda: gc.cond(s > 5.0, lambda: x + 10.0, lambda: x - 10.0),
                    lambda: gc.nn.relu(x), name="nested")]


def _cond_passthrough(x, n):
    return list(gc.cond(n > 2, lambda: (x, gc.constant(1.0)),
                        lambda: (x * x, gc.constant(2.0)), name="through"))


def _while_count(x, n):
    i, s = gc.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s * 0.5 + x), [0, x],
                         name="count")
    return [i, s]


def _while_max(x, n):
    i, s = gc.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + gc.reduce_sum(x)),
                         [0, 0.0], maximum_iterations=4, name="bounded")
    return [i, s]


def _while_max64(x, n):
    i = gc.while_loop(lambda i: i < gc.cast(n, gc.int64), lambda i: i + 2,
                      [gc.constant(0, gc.int64)],
                      maximum_iterations=gc.constant(3, gc.int64), name="wide")
    return [i]


def _cond_in_while(x, n):
    def body(i, s):
        return i + 1, gc.cond(gc.equal(i % 2, 0), lambda: s + gc.reduce_max(x),
                              lambda: s - gc.reduce_min(x))
    return list(gc.while_loop(lambda i, s: i < n, body, [0, 0.0], name="alt"))


def _while_in_cond(x, n):
    def loop():
        return gc.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * 1.5), [0, x])[1]
    return [gc.cond(n > 1, loop, lambda: x - 1.0, name="maybe")]


def _while_in_while(x, n):
    def body(i, s):
        j, t = gc.while_loop(lambda j, t: j < i, lambda j, t: (j + 1, t + 1.0), [0, s])
        return i + 1, t
    return list(gc.while_loop(lambda i, s: i < n, body, [0, 0.0], name="outer"))


def _map_fn(x, n):
    return [gc.map_fn(lambda r: r * r + 1.0, x)]


def _scan(x, n):
    return [gc.scan(lambda a, r: a * 0.5 + r, x), gc.scan(lambda a, r: a + r, x, reverse=True)]


def _foldr(x, n):
    return [gc.foldr(lambda a, r: a * r, x, initializer=gc.ones([3]))]


def _grad_cond(x, n):
    y = gc.cond(gc.reduce_sum(x) > 0, lambda: gc.sin(x) * x, lambda: gc.exp(x))
    return [gc.gradients(gc.reduce_sum(y * y), x)[0]]


def _grad2_cond(x, n):
    y = gc.cond(n > 1, lambda: x * x * x, lambda: gc.tanh(x))
    g = gc.gradients(gc.reduce_sum(y), x)[0]
    return [g, gc.gradients(gc.reduce_sum(g), x)[0]]


def _grad_while(x, n):
    _, y = gc.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, gc.tanh(y) * x), [0, x])
    return [y, gc.gradients(gc.reduce_sum(y), x)[0]]


def _grad_scan(x, n):
    y = gc.scan(lambda a, r: gc.sin(a) + r * r, x)
    return [gc.gradients(gc.reduce_sum(y), x)[0]]


def _grad_cond_in_while(x, n):
    def body(i, y):
        return i + 1, gc.cond(i > 0, lambda: y * x, lambda: y + x)
    _, y = gc.while_loop(lambda i, y: i < n, body, [0, x])
    return [gc.gradients(gc.reduce_sum(y), x)[0]]


FEEDS = [(X1, 3), (X2, 0), (X1, 1)]
# graphc cannot stack no iterations' values of an unknown shape (nor can TF): the
# gradients through while loops are fed n > 0
AT_LEAST_ONCE = {"grad_while", "grad_cond_in_while"}
CASES = {f.__name__[1:]: f for f in (
    _cond_simple, _cond_tuple, _cond_nested, _cond_passthrough, _while_count, _while_max,
    _while_max64, _cond_in_while, _while_in_cond, _while_in_while, _map_fn, _scan, _foldr,
    _grad_cond, _grad2_cond, _grad_while, _grad_scan, _grad_cond_in_while)}


def case_graph(name):
    """Graph `name` on placeholders x, n, run in graphc for each FEEDS entry: (graph
    def, output names, per feed its values, the feeds by name)."""
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        n = gc.placeholder(gc.int32, [], name="n")
        outs = CASES[name](x, n)
        feeds = [{"x:0": a, "n:0": k} for a, k in FEEDS
                 if k or name not in AT_LEAST_ONCE]
        with gc.Session() as s:
            want = [s.run(outs, f) for f in feeds]
        gd = export_tf_graph_def(g)
    return GraphDef.FromString(gd.SerializeToString()), [t.name for t in outs], want, feeds


def compare(names, want, got, rtol=1e-5, atol=1e-6):
    for name, w, v in zip(names, want, got):
        w, v = np.asarray(w), np.asarray(v)
        assert (v.dtype, v.shape) == (w.dtype, w.shape), name
        np.testing.assert_allclose(v, w, rtol=rtol, atol=atol, err_msg=name)


def _functions(gd):
    return {f.signature.name: parse_function_def(f) for f in gd.library.function}


# ---- round trip through graphc's importer ----------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
def test_round_trip(name):
    gd, names, want, feeds = case_graph(name)
    ops = {nd.op for nd in gd.node} | {nd.op for f in _functions(gd).values()
                                       for nd in f.node_def}
    assert not ops - set(IMPORTABLE), sorted(ops - set(IMPORTABLE))
    with gc.Graph().as_default():
        ts = gc.import_graph_def(gd, return_elements=names, name="")
        with gc.Session() as s:
            for f, w in zip(feeds, want):
                compare(names, w, s.run(ts, f))


# ---- what is written -------------------------------------------------------------------------
def test_if_node_and_branch_functions():
    gd, names, _, _ = case_graph("cond_tuple")
    nd = {nd.name: nd for nd in gd.node}["pair/If"]
    assert nd.op == "StatelessIf" and nd.input[0] == "Greater"
    assert list(nd.attr["Tin"].list.type) == [1, 3]            # x (float), n (int32)
    assert list(nd.attr["Tout"].list.type) == [1, 3]
    assert nd.attr["Tcond"].type == 10 and nd.attr["_lower_using_switch_merge"].b
    assert [len(s.dim) for s in nd.attr["output_shapes"].list.shape] == [1, 0]
    fns = _functions(gd)
    then = fns[nd.attr["then_branch"].func.name]
    other = fns[nd.attr["else_branch"].func.name]
    assert [a.type for a in then.input_arg] == [1, 3] == [a.type for a in other.input_arg]
    ops = {d.name: d.op for d in then.node_def}
    assert sorted(ops.values()) == ["Const", "Const", "Max", "Mul"]
    max_node = next(d for d in then.node_def if d.op == "Max")
    assert max_node.input[0] == then.input_arg[0].name          # an arg by its name
    assert max_node.input[1].endswith(":output:0")              # a Const's out arg
    assert sorted(then.ret.values())[0].endswith(":output:0")
    assert any(v.endswith(":z:0") for v in then.ret.values())   # Mul's output arg is z


def test_while_layout_is_tf_while_loops():
    gd, _, _, _ = case_graph("while_max")
    nodes = {nd.name: nd for nd in gd.node}
    w = nodes["bounded/Loop/while"]
    assert w.op == "StatelessWhile"
    assert w.input[:2] == ["bounded/Loop/loop_counter", "bounded/maximum_iterations"]
    # counter, max, i, s, then the captured n and x
    assert list(w.attr["T"].list.type) == [3, 3, 3, 1, 3, 1]
    assert w.attr["parallel_iterations"].i == 10 and w.attr["_num_original_outputs"].i == 6
    out = nodes["bounded/Loop"]
    assert out.op == "IdentityN" and out.input == ["bounded/Loop/while:2",
                                                   "bounded/Loop/while:3"]
    fns = _functions(gd)
    cond = fns[w.attr["cond"].func.name]
    assert [d.op for d in cond.node_def] == ["Less", "Less", "LogicalAnd"]
    body = fns[w.attr["body"].func.name]
    ins = [a.name for a in body.input_arg]
    outs = [body.ret[a.name] for a in body.output_arg]
    assert outs[1] == ins[1] and outs[4:] == ins[4:]            # max, n, x passed through
    assert outs[0].endswith(":z:0")                             # the counter + 1


def test_scan_uses_tensor_lists():
    gd, _, _, _ = case_graph("scan")
    ops = [nd.op for nd in gd.node]
    for op in ("TensorListFromTensor", "TensorListReserve", "TensorListStack",
               "StatelessWhile"):
        assert op in ops
    body = next(f for f in _functions(gd).values()
                if any(d.op == "TensorListSetItem" for d in f.node_def))
    get = next(d for d in body.node_def if d.op == "TensorListGetItem")
    assert get.attr["element_dtype"].type == 1
    assert [a.type for a in body.input_arg].count(21) == 2       # DT_VARIANT lists


def test_gradient_of_while_stacks_its_trajectory():
    gd, _, _, _ = case_graph("grad_while")
    ops = [nd.op for nd in gd.node]
    assert "EmptyTensorList" in ops and ops.count("StatelessWhile") == 3
    assert any(d.op == "TensorListPushBack" for f in _functions(gd).values()
               for d in f.node_def)


def test_function_names_are_unique_and_ops_have_output_args():
    gd, _, _, _ = case_graph("while_in_while")
    names = [f.signature.name for f in gd.library.function]
    assert len(names) == len(set(names)) == 4
    for f in _functions(gd).values():
        for d in f.node_def:
            assert d.op in OUTPUT_ARGS
            for s in d.input:
                assert s.startswith("^") or ":" not in s or s.count(":") == 2, s


def test_random_draws_in_a_branch_are_exported():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [None, 3], name="x")
        y = gc.cond(gc.reduce_sum(x) > 0, lambda: gc.nn.dropout(x, rate=0.5, seed=1),
                    lambda: x)
        gc.gradients(gc.reduce_sum(y), x)
        gd = export_tf_graph_def(g)
    nodes = {nd.name: nd for nd in gd.node}
    assert nodes["cond/If"].op == "If" and len(nodes["cond/If"].attr["Tout"].list.type) == 2
    stateful = [parse_function_def(f).signature.is_stateful for f in gd.library.function]
    assert True in stateful


# ---- refusals --------------------------------------------------------------------------------
def test_refusal_names_every_inner_node_and_its_line():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [3], name="x")
        gc.cond(gc.reduce_sum(x) > 0, lambda: gc.py_func(np.negative, [x], gc.float32),
                lambda: gc.zeros([3]), name="s")
        with pytest.raises(UnsupportedOpError) as e:
            export_tf_graph_def(g)
    msg = str(e.value)
    assert "If node 's/If'" in msg and "PyFunc node 's/true/PyFunc'" in msg  # (stateful)
    assert "test_tf_graphdef_export_flow.py" in msg


def test_refusal_of_unsupported_op_in_nested_loop():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [3], name="x")
        gc.while_loop(lambda i: i < 3, lambda i: i + gc.cond(
            i > 0, lambda: gc.reshape(gc.py_func(lambda v: np.int32(v.size), [x], gc.int32),
                                      []), lambda: 1), [0], name="w")
        with pytest.raises(UnsupportedOpError, match="(?s)Loop node 'w/Loop'.*PyFunc node"):
            export_tf_graph_def(g)


def test_refusal_of_a_variable_update_in_a_branch():
    with gc.Graph().as_default() as g:
        x = gc.placeholder(gc.float32, [3], name="x")
        v = gc.Variable(np.zeros(3, np.float32), name="v")
        gc.cond(gc.reduce_sum(x) > 0, lambda: gc.assign(v, x), lambda: x, name="upd")
        with pytest.raises(UnsupportedOpError, match="If node 'upd/If'.*Assign node "
                                                     "'upd/true/Assign'.*reference"):
            export_tf_graph_def(g)
