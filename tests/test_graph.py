"""Graph building: names, scopes, control dependencies, lookups, finalize, guards."""
import sys

import numpy as np
import pytest

import graphc as gc


def test_unique_names_and_scopes():
    a = gc.placeholder(gc.float32, (2,), name="x")
    b = gc.placeholder(gc.float32, (2,), name="x")
    assert (a.name, b.name) == ("x:0", "x_1:0")
    with gc.name_scope("layer"):
        m1 = a * b
        m2 = a * b
    with gc.name_scope("layer"):
        m3 = a * b
    assert m1.op.name == "layer/mul"          # TF1 names x * y "mul", gc.multiply "Mul"
    assert m2.op.name == "layer/mul_1"
    assert m3.op.name == "layer_1/mul"
    with gc.name_scope("outer"), gc.name_scope("inner"):
        assert (a + b).op.name == "outer/inner/add"


def test_get_by_name_and_suggestions():
    x = gc.placeholder(gc.float32, (3,), name="input")
    y = gc.identity(x, name="out")
    g = gc.get_default_graph()
    assert g.get_tensor_by_name("out:0") is y
    assert g.get_operation_by_name("input") is x.op
    with pytest.raises(KeyError, match="did you mean 'input:0'"):
        g.get_tensor_by_name("inptu:0")
    with pytest.raises(gc.errors.GraphError, match="tensor names look like"):
        g.get_tensor_by_name("input")


def test_control_dependencies_order_effects():
    v = gc.Variable(0.0, name="v")
    inc = v.assign_add(1.0)
    with gc.control_dependencies([inc]):
        read = gc.identity(v)
    assert inc.op in read.op.control_inputs
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        assert s.run(read) == 1.0
        assert s.run(read) == 2.0


def test_graph_as_default_and_reset():
    g = gc.Graph()
    with g.as_default():
        x = gc.constant(1.0)
        assert gc.get_default_graph() is g
    assert x.graph is g
    assert gc.get_default_graph() is not g
    with g.as_default(), pytest.raises(gc.errors.GraphError):
        gc.reset_default_graph()


def test_finalize_blocks_new_nodes():
    g = gc.Graph()
    with g.as_default():
        gc.constant(1.0)
        g.finalize()
        with pytest.raises(gc.errors.GraphError, match="finalized"):
            gc.constant(2.0)


def test_mixing_graphs_is_an_error():
    g1, g2 = gc.Graph(), gc.Graph()
    with g1.as_default():
        a = gc.constant(1.0, name="a")
    with g2.as_default():
        b = gc.constant(1.0, name="b")
    with pytest.raises(gc.errors.GraphError, match="different graphs"):
        a + b


def test_bool_and_iter_of_tensor_explain():
    x = gc.placeholder(gc.float32, (3,), name="x")
    with pytest.raises(TypeError, match="Python bool"):
        if x > 0:
            pass
    with pytest.raises(TypeError, match="Iterating"):
        for _ in x:
            pass
    with pytest.raises(TypeError, match="numpy array"):
        np.asarray(x)


def test_shape_api():
    x = gc.placeholder(gc.float32, (None, 3, "batch"))
    assert x.shape.as_list() == [None, 3, "batch"]
    assert x.shape.rank == 3 and x.get_shape() is x.shape
    assert x.shape == [None, 3, "batch"]
    u = gc.placeholder(gc.float32)
    assert u.shape.rank is None
    assert str(gc.placeholder(gc.int32, (None, 128)).shape) == "(?, 128)"


def test_operators_build_the_expected_ops():
    x = gc.placeholder(gc.float32, (2, 2), name="x")
    b = gc.placeholder(gc.bool, (2,), name="b")
    ops = {"Add": x + 1, "Sub": 1 - x, "Mul": x * x, "RealDiv": x / 2, "FloorDiv": x // 2,
           "FloorMod": x % 2, "Pow": x ** 2, "MatMul": x @ x, "Neg": -x, "Abs": abs(x),
           "Less": x < 1, "LessEqual": x <= 1, "Greater": x > 1, "GreaterEqual": x >= 1,
           "LogicalAnd": b & b, "LogicalOr": b | b, "LogicalNot": ~b}
    for op_type, t in ops.items():
        assert t.op.type == op_type


def test_numpy_on_the_left_defers_to_tensor():
    x = gc.placeholder(gc.float32, (3,), name="x")
    y = np.float32(2.0) * x
    z = np.ones(3, np.float32) + x
    assert y.op.type == "Mul" and z.op.type == "Add"
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(z, {x: [1, 2, 3]}), [2, 3, 4])


def test_to_networkx():
    x = gc.placeholder(gc.float32, (2,), name="x")
    gc.exp(x, name="y")
    g = gc.get_default_graph().to_networkx()
    assert set(g.nodes) == {"x", "y"}
    assert g.edges["x", "y"]["shape"] == "(2,)"


def test_device_scopes_are_recorded_and_exported():
    with gc.Graph().as_default() as g:
        a = gc.constant(1.0, name="a")
        with gc.device("/cpu:0"):
            b = a + 1.0
            with gc.device(lambda node: "/gpu:0" if node.type == "Mul" else "/cpu:1"):
                c = b * 2.0
                d = c - 1.0
            with gc.device(None):
                e = d + 0.0
        with gc.colocate_with(b), gc.container("shared"):
            f = e * 3.0
        assert [n.device for n in (a.op, b.op, c.op, d.op, e.op, f.op)] == \
            ["", "/device:CPU:0", "/device:GPU:0", "/device:CPU:1", "", "/device:CPU:0"]
        with gc.Session() as sess:
            assert sess.run(f) == 9.0
        g2 = gc.Graph()
        with g2.as_default():
            gc.import_graph_def(g.as_graph_def(), name="")
        assert g2.get_operation_by_name(c.op.name).device == "/device:GPU:0"
        assert g2.get_operation_by_name(a.op.name).device == ""
        with pytest.raises(TypeError, match="Operation or Tensor"):
            with gc.colocate_with("b"):
                pass


def test_lists_holding_tensors_are_packed_as_in_tf1():
    a, b = gc.constant(1.5), gc.constant([2.0, 3.0])
    total = gc.reduce_sum([a, a, 2.0])                       # numbers take a's dtype
    rows = gc.convert_to_tensor([[a, 1.0], [2.0, a]])
    mean = gc.reduce_mean([b, [1.0, 1.0]], axis=0)
    assert rows.shape == (2, 2) and rows.op.type == "Pack" and mean.shape == (2,)
    with gc.Session() as s:
        t, r, m = s.run([total, rows, mean])
    assert t == 5.0 and r.tolist() == [[1.5, 1.0], [2.0, 1.5]] and m.tolist() == [1.5, 2.0]
    with pytest.raises(gc.errors.DTypeError, match="expected float32"):
        gc.convert_to_tensor([a, gc.constant(1)])
    with pytest.raises(gc.errors.ShapeError):
        gc.convert_to_tensor([a, b])


def test_node_sites_per_call_site_even_for_generated_code():
    """user_site caches per (code object, instruction): nodes built on different lines,
    or by code objects that come and go (exec'd cells, lambdas) whose ids Python reuses,
    each get their own line."""
    g = gc.Graph()
    with g.as_default():
        x = gc.placeholder(gc.float32, (2,))
        a = gc.add(x, x); b = gc.add(x, x)    # noqa: E702 (two call sites on one line)
        here = sys._getframe().f_lineno
        assert a.node.site == b.node.site == (__file__, here - 1)
        for i in range(40):
            ns = {"gc": gc, "x": x}
            exec(compile("\n" * (i % 7) + "y = gc.add(x, x)", f"<cell{i % 3}>", "exec"), ns)
            assert ns["y"].node.site == (f"<cell{i % 3}>", i % 7 + 1)
        sites = [(lambda k: gc.add(x, x))(k).node.site for k in range(3)]
        assert len(set(sites)) == 1 and sites[0][1] == here + 6
