"""gc.import_graph_def on TF GraphDefs with functional control flow (If, While, Case,
PartitionedCall and the functions of the library): TF-made fixtures reproduce TF's
outputs (tests/data/make_tf_function.py), hand-built graphs check TF's rules and the
error messages. No TensorFlow needed."""

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from tf_fixtures import BOOL, F32, I32, const, node, t
from graphc.io.serialize import SerializationError
from graphc.io.tf_graphdef import AttrValue, FunctionDef, GraphDef, NameAttrList
from graphc.io.tf_graphdef_functiondef import ArgDef, Function, parse_function_def
from graphc.io.tf_graphdef_import import UnsupportedOpError
from graphc.io.summary_protos import TensorShapeProto


def load(name):
    return tf_fixtures.load("tf_function_", name)


@pytest.mark.parametrize("name", ["cond", "while", "rnn"])
def test_tf_fixture_outputs(name):
    gd, d = load(name)
    tf_fixtures.replay(gd, d)


def test_parse_fixture_functions():
    gd, _ = load("while")
    fns = {f.signature.name: parse_function_def(f) for f in gd.library.function}
    call = next(fn for name, fn in fns.items() if name.startswith("__inference_f_"))
    assert [a.name for a in call.input_arg] == ["a", "b"]
    assert [a.type for a in call.output_arg] == [F32, F32]
    assert sorted(call.ret.values()) == ["Identity:output:0", "Identity_1:output:0"]
    assert {nd.op for nd in call.node_def} == {"AddV2", "Mul", "Identity"}
    for f in gd.library.function:       # graphc's bytes read back the same
        fn = parse_function_def(f)
        again = parse_function_def(fn.SerializeToString())
        assert again.SerializeToString() == fn.SerializeToString()
        assert again.ret == fn.ret and len(again.node_def) == len(fn.node_def)


def test_imported_cond_and_loop_differentiate():
    gd, d = load("while")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        s, u = gc.import_graph_def(gd, {"x:0": x}, ["count:3", "loop_in_cond:0"])
        gs, gu = gc.gradients([s], [x])[0], gc.gradients([gc.reduce_sum(u)], [x])[0]
        with gc.Session() as sess:
            xv = np.array([[1, 2, -1.5]], np.float32)
            a, b = sess.run([gs, gu], {x: xv, "import/n:0": 4})
            c = sess.run(gu, {x: xv, "import/n:0": 2})
    np.testing.assert_allclose(a, np.full((1, 3), 4.0))         # s = n * sum(x)
    np.testing.assert_allclose(b, 16.0 * np.sign(xv))           # (|x|+1) doubled 4 times
    np.testing.assert_allclose(c, np.full((1, 3), 0.25))        # x halved twice


# ---- hand-built graphs -----------------------------------------------------------------


def types(*dts):
    return AttrValue(list=AttrValue.ListValue(type=list(dts)))


def shape(dims):
    return TensorShapeProto(dim=[TensorShapeProto.Dim(size=d) for d in dims])


def func(name):
    return AttrValue(func=NameAttrList(name=name))


def function(name, ins, outs, nodes, ret, control_ret=None):
    fn = Function()
    fn.signature.name = name
    fn.signature.input_arg = [ArgDef(n, d) for n, d in ins]
    fn.signature.output_arg = [ArgDef(n, d) for n, d in outs]
    fn.node_def, fn.ret = list(nodes), dict(ret)
    if control_ret:
        fn.control_ret = dict(control_ret)
        fn.signature.control_output = sorted(control_ret)
    return FunctionDef(fn.SerializeToString())


def graph(nodes, functions):
    gd = GraphDef(node=nodes)
    for f in functions:
        gd.library.function.append(f)
    return gd


def placeholder(name, dtype=F32):
    return node(name, "Placeholder", dtype=t(dtype))


DOUBLE = function("double", [("v", F32)], [("out", F32)],
                  [const("two", 2.0), node("m", "Mul", ["v", "two:output:0"], T=t(F32))],
                  {"out": "m:z:0"})
NEGATE = function("negate", [("v", F32)], [("out", F32)],
                  [node("neg", "Neg", ["v"], T=t(F32))], {"out": "neg:y:0"})


def if_node(cond_type=BOOL, then="double", other="negate", **extra):
    return node("c", "If", ["p", "x"], Tcond=t(cond_type), Tin=types(F32),
                Tout=types(F32), then_branch=func(then), else_branch=func(other), **extra)


def run(gd, fetch, feeds):
    with gc.Graph().as_default():
        out, = gc.import_graph_def(gd, return_elements=[fetch])
        with gc.Session() as sess:
            return sess.run(out, {f"import/{k}:0": v for k, v in feeds.items()}), out


def test_if_predicate_rule_of_tf():
    x = np.array([1.0, -2.0], np.float32)
    gd = graph([placeholder("p", I32), placeholder("x"), if_node(I32)], [DOUBLE, NEGATE])
    for p, want in ((3, 2 * x), (0, -x), (-1, 2 * x)):          # a number: not zero
        got, out = run(gd, "c:0", {"p": np.int32(p), "x": x})
        np.testing.assert_array_equal(got, want)
    assert out.name == "import/c:0"
    vec = graph([node("p", "Placeholder", dtype=t(F32),
                      shape=AttrValue(shape=shape([-1]))),
                 placeholder("x"), if_node(F32)], [DOUBLE, NEGATE])
    for p, want in ((np.zeros(3, np.float32), 2 * x), (np.zeros(0, np.float32), -x)):
        np.testing.assert_array_equal(run(vec, "c:0", {"p": p, "x": x})[0], want)


def test_if_output_shapes_refine_the_static_shape():
    shapes = AttrValue(list=AttrValue.ListValue(shape=[shape([2])]))
    gd = graph([placeholder("p", BOOL), placeholder("x"), if_node(output_shapes=shapes)],
               [DOUBLE, NEGATE])
    got, out = run(gd, "c:0", {"p": True, "x": np.ones(2, np.float32)})
    assert out.shape.as_list() == [2]
    bad = AttrValue(list=AttrValue.ListValue(shape=[shape([2, 2])]))
    gd = graph([placeholder("p", BOOL), node("x", "Placeholder", dtype=t(F32),
                                             shape=AttrValue(shape=shape([3]))),
                if_node(output_shapes=bad)], [DOUBLE, NEGATE])
    with pytest.raises(UnsupportedOpError, match="does not fit its output_shapes"):
        run(gd, "c:0", {})


def test_partitioned_call_multi_output_arg_names():
    topk = function("top", [("v", F32)], [("vals", F32), ("idx", I32)],
                    [const("k", 2, I32),
                     node("tk", "TopKV2", ["v", "k:output:0"], T=t(F32), sorted=AttrValue(b=True),
                          Tk=t(I32))],
                    {"vals": "tk:values:0", "idx": "tk:indices:0"})
    call = node("call", "StatefulPartitionedCall", ["x"], Tin=types(F32),
                Tout=types(F32, I32), f=func("top"), config=AttrValue(s=b""),
                config_proto=AttrValue(s=b""), executor_type=AttrValue(s=b""))
    gd = graph([placeholder("x"), call], [topk])
    x = np.array([3.0, 9.0, 1.0, 5.0], np.float32)
    with gc.Graph().as_default() as g:
        vals, idx = gc.import_graph_def(gd, return_elements=["call:0", "call:1"])
        assert g.get_tensor_by_name("import/call:0") is vals
        with gc.Session() as sess:
            v, i = sess.run([vals, idx], {"import/x:0": x})
    np.testing.assert_array_equal(v, [9.0, 5.0])
    np.testing.assert_array_equal(i, [1, 3])


def test_case_out_of_range_takes_the_last_branch():
    case = node("c", "Case", ["i", "x"], Tin=types(F32), Tout=types(F32),
                branches=AttrValue(list=AttrValue.ListValue(
                    func=[NameAttrList(name="double"), NameAttrList(name="negate")])))
    gd = graph([placeholder("i", I32), placeholder("x"), case], [DOUBLE, NEGATE])
    x = np.array([1.5], np.float32)
    for i, want in ((0, 2 * x), (1, -x), (5, -x), (-1, -x)):
        np.testing.assert_array_equal(run(gd, "c:0", {"i": np.int32(i), "x": x})[0], want)
    one = node("c", "StatelessCase", ["i", "x"], Tin=types(F32), Tout=types(F32),
               branches=AttrValue(list=AttrValue.ListValue(func=[NameAttrList(name="double")])))
    gd = graph([placeholder("i", I32), placeholder("x"), one], [DOUBLE])
    np.testing.assert_array_equal(run(gd, "c:0", {"i": np.int32(3), "x": x})[0], 2 * x)


def test_while_with_int_cond_output_and_passthrough_const():
    # loop (v, k): while k (an int: true when not zero): v *= w, k -= 1; w is a
    # loop-invariant Const that Transpose needs statically (perm)
    cond = function("cond", [("v", F32), ("k", I32), ("perm", I32)], [("go", I32)],
                    [node("id", "Identity", ["k"], T=t(I32))], {"go": "id:output:0"})
    body = function("body", [("v", F32), ("k", I32), ("perm", I32)],
                    [("v2", F32), ("k2", I32), ("perm2", I32)],
                    [node("tr", "Transpose", ["v", "perm"], T=t(F32), Tperm=t(I32)),
                     const("one", 1, I32),
                     node("dec", "Sub", ["k", "one:output:0"], T=t(I32))],
                    {"v2": "tr:y:0", "k2": "dec:z:0", "perm2": "perm"})
    loop = node("w", "StatelessWhile", ["x", "k", "perm"], T=types(F32, I32, I32),
                cond=func("cond"), body=func("body"), parallel_iterations=AttrValue(i=10))
    gd = graph([placeholder("x"), placeholder("k", I32), const("perm", [1, 0], I32), loop],
               [cond, body])
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with gc.Graph().as_default():
        v, k = gc.import_graph_def(gd, return_elements=["w:0", "w:1"])
        with gc.Session() as sess:
            for n in (0, 1, 3):
                got, kk = sess.run([v, k], {"import/x:0": x, "import/k:0": np.int32(n)})
                np.testing.assert_array_equal(got, x.T if n % 2 else x)
                assert kk == 0


def test_control_ret_runs_with_the_outputs():
    fn = function("f", [("v", F32)], [("out", F32)],
                  [node("neg", "Neg", ["v"], T=t(F32)), node("effect", "NoOp")],
                  {"out": "neg:y:0"}, control_ret={"effect": "effect"})
    call = node("call", "PartitionedCall", ["x"], Tin=types(F32), Tout=types(F32), f=func("f"))
    gd = graph([placeholder("x"), call], [fn])
    with gc.Graph().as_default() as g:
        out, = gc.import_graph_def(gd, return_elements=["call:0"])
        ret = out.node.inputs[0].node          # the Identity after the body's effects
        assert [c.name for c in ret.control_inputs] == ["import/call/effect"]
        assert g.get_operation_by_name("import/call/effect").type == "NoOp"


# ---- errors ----------------------------------------------------------------------------
def import_error(gd, cls=SerializationError):
    with gc.Graph().as_default(), pytest.raises(cls) as info:
        gc.import_graph_def(gd)
    return str(info.value)


def test_missing_function():
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(other="nowhere")], [DOUBLE]))
    assert "If node 'c'" in msg and "'nowhere', which is not in the GraphDef's library" in msg


def test_arity_and_dtype_mismatches():
    two = function("two", [("a", F32), ("b", F32)], [("o", F32)],
                   [node("s", "AddV2", ["a", "b"], T=t(F32))], {"o": "s:z:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="two")], [two, NEGATE]))
    assert "function 'two' (called by If node 'c') takes 2 inputs, the node gives 1" in msg
    ints = function("ints", [("a", I32)], [("o", I32)],
                    [node("n", "Neg", ["a"], T=t(I32))], {"o": "n:y:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="ints")], [ints, NEGATE]), TypeError)
    assert "input 0 ('a') of function 'ints' (called by If node 'c') is int32" in msg
    lies = function("lies", [("a", F32)], [("o", I32)],
                    [node("n", "Neg", ["a"], T=t(F32))], {"o": "n:y:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="lies")], [lies, NEGATE]))
    assert "output 0 ('o') of function 'lies'" in msg and "int32 in its signature" in msg


def test_unsupported_ops_in_nested_functions_all_listed():
    inner = function("inner", [("v", F32)], [("o", F32)],
                     [node("q", "Qux", ["v"]), node("q2", "Qux", ["v"])], {"o": "q:y:0"})
    outer = function("outer", [("v", F32)], [("o", F32)],
                     [node("z", "Frobnicate", ["v"]),
                      node("call", "PartitionedCall", ["v"], Tin=types(F32), Tout=types(F32),
                           f=func("inner"))], {"o": "call:output:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="outer")], [outer, inner, NEGATE]),
                       UnsupportedOpError)
    assert "function 'outer' has ops graphc does not import" in msg
    assert "Frobnicate in function 'outer': 'z'" in msg
    assert "Qux in function 'inner': 'q', 'q2'" in msg


def test_errors_inside_a_body_name_node_and_function():
    bad = function("bad", [("v", F32)], [("o", F32)],
                   [node("r", "Relu", ["v"], T=t(F32), alpha=AttrValue(f=1.0))],
                   {"o": "r:activations:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="bad")], [bad, NEGATE]), UnsupportedOpError)
    assert "Relu node 'r': attrs ['alpha'] are not supported" in msg
    assert "in function 'bad' (called by If node 'c')" in msg
    unknown = function("unk", [("v", F32)], [("o", F32)],
                       [const("k", 1, I32),
                        node("tk", "TopKV2", ["v", "k:output:0"], T=t(F32))],
                       {"o": "tk:nonsense:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="unk")], [unknown, NEGATE]))
    assert "TopKV2 node 'tk' has no output 'nonsense:0'" in msg
    dangling = function("dang", [("v", F32)], [("o", F32)],
                        [node("n", "Neg", ["w"], T=t(F32))], {"o": "n:y:0"})
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(then="dang")], [dangling, NEGATE]))
    assert "node 'n' has input 'w', which is neither an input arg" in msg


def test_refused_attrs():
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"),
                              if_node(frobs=AttrValue(i=1), _hint=AttrValue(i=1))],
                             [DOUBLE, NEGATE]), UnsupportedOpError)
    assert "attrs ['frobs'] are not supported" in msg
    with_attrs = if_node()
    with_attrs.attr["then_branch"].func.attr["T"].type = F32
    msg = import_error(graph([placeholder("p", BOOL), placeholder("x"), with_attrs],
                             [DOUBLE, NEGATE]), UnsupportedOpError)
    assert "calls function 'double' with attrs ['T']" in msg
    empty = node("c", "If", ["p"], Tcond=t(BOOL), Tin=types(), Tout=types(),
                 then_branch=func("double"), else_branch=func("negate"))
    msg = import_error(graph([placeholder("p", BOOL), empty], [DOUBLE, NEGATE]),
                       UnsupportedOpError)
    assert "without outputs" in msg
