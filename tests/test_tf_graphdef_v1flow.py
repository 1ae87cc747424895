"""gc.import_graph_def on TF GraphDefs with TF1 control flow (Switch/Merge conds,
Enter/Merge/Switch/LoopCond/NextIteration/Exit while loops): TF-made fixtures reproduce
TF's outputs (tests/data/make_tf_v1flow.py), hand-built graphs check the structure
rules and the error messages. No TensorFlow needed."""

import numpy as np
import pytest

import graphc as gc
import tf_fixtures
from tf_fixtures import BOOL, F32, I32, const, node, t
from graphc.io.serialize import SerializationError
from graphc.io.tf_graphdef import AttrValue, GraphDef
from graphc.io.tf_graphdef_import import InputTypeError, UnsupportedOpError


def load(name):
    return tf_fixtures.load("tf_v1flow_", name)


@pytest.mark.parametrize("name", ["cond", "bn", "while", "cond_grad"])
def test_tf_fixture_outputs(name):
    gd, d = load(name)
    assert {"Switch", "Merge"} <= {nd.op for nd in gd.node}
    tf_fixtures.replay(gd, d, rtol=1e-5, atol=1e-5)


def test_loops_are_while_loops_and_grow():
    gd, _ = load("while")
    assert {"Enter", "Exit", "LoopCond", "NextIteration"} <= {nd.op for nd in gd.node}
    with gc.Graph().as_default() as g:
        grown, = gc.import_graph_def(gd, return_elements=["grow/Exit_1:0"], name="")
        assert grown.shape.as_list() == [None, 3]      # the shape invariant, rebuilt
        ops = {n.op.name for n in g.nodes}
        assert {"StatelessLoop", "StatelessIf"} <= ops and not ops & {"Switch", "Merge"}


def test_imported_cond_and_loop_differentiate():
    gd, _ = load("while")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 3])
        s, u = gc.import_graph_def(gd, {"x:0": x}, ["count/Exit_1:0", "loop_in_cond/Merge:0"])
        gs, gu = gc.gradients([s], [x])[0], gc.gradients([gc.reduce_sum(u)], [x])[0]
        with gc.Session() as sess:
            xv = np.array([[1, 2, -1.5]], np.float32)
            a, b = sess.run([gs, gu], {x: xv, "import/n:0": 4})
            c = sess.run(gu, {x: xv, "import/n:0": 2})
    np.testing.assert_allclose(a, np.full((1, 3), 4.0))         # s = n * sum(x)
    np.testing.assert_allclose(b, 16.0 * np.sign(xv))           # (|x|+1) doubled 4 times
    np.testing.assert_allclose(c, np.full((1, 3), 0.25))        # x halved twice


def test_frozen_batch_norm_takes_either_statistics():
    gd, d = load("bn")
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 6, 6, 2])
        training = gc.placeholder_with_default(False, [])
        probs, = gc.import_graph_def(gd, {"images:0": x, "is_training:0": training},
                                     ["probs:0"])
        with gc.Session() as sess:
            np.testing.assert_allclose(sess.run(probs, {x: d["in1_0"]}), d["out1_0"],
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(sess.run(probs, {x: d["in0_0"], training: True}),
                                       d["out0_0"], rtol=1e-5, atol=1e-6)


# ---- hand-built graphs -----------------------------------------------------------------


def placeholder(name, dtype=F32):
    return node(name, "Placeholder", dtype=t(dtype))


def cond_nodes(merge_inputs=("f", "m")):
    """x * x if p else -x, as TF1's cond writes it (a pivot for the constant)."""
    return [placeholder("p", BOOL), placeholder("x"),
            node("sw", "Switch", ["x", "p"], T=t(F32)),
            node("piv", "Switch", ["p", "p"], T=t(BOOL)),
            node("piv_t", "Identity", ["piv:1"], T=t(BOOL)),
            const("one", 1.0, inputs=["^piv_t"]),
            node("sq", "Mul", ["sw:1", "sw:1"], T=t(F32)),
            node("m", "AddV2", ["sq", "one"], T=t(F32)),
            node("f", "Neg", ["sw"], T=t(F32)),
            node("merge", "Merge", list(merge_inputs), T=t(F32), N=AttrValue(i=2))]


def run(nodes, fetches, feeds, **kw):
    with gc.Graph().as_default():
        outs = gc.import_graph_def(GraphDef(node=nodes), return_elements=fetches, name="",
                                   **kw)
        with gc.Session() as sess:
            return sess.run(outs, feeds)


def test_hand_built_cond_and_value_index():
    x = np.array([2.0, -3.0], np.float32)
    for p, want, index in ((True, x * x + 1, 1), (False, -x, 0)):
        y, i = run(cond_nodes(), ["merge:0", "merge:1"], {"p:0": p, "x:0": x})
        np.testing.assert_allclose(y, want)
        assert i == index and i.dtype == np.int32


def test_cond_gradient_and_unknown_pred():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2])
        p = gc.placeholder(gc.bool, [])
        y, = gc.import_graph_def(GraphDef(node=cond_nodes()), {"x:0": x, "p:0": p},
                                 ["merge:0"], name="")
        g, = gc.gradients(gc.reduce_sum(y), [x])
        with gc.Session() as sess:
            xv = np.array([2.0, -3.0], np.float32)
            np.testing.assert_allclose(sess.run(g, {x: xv, p: True}), 2 * xv)
            np.testing.assert_allclose(sess.run(g, {x: xv, p: False}), -np.ones(2))


def test_branch_tensor_cannot_be_returned():
    with pytest.raises(ValueError, match=r"'sq:0'.*true branch of the cond on 'p:0'.*Merge"):
        run(cond_nodes(), ["sq:0"], {})


def test_merge_of_one_branch_or_two_conds():
    with pytest.raises(SerializationError, match="Merge node 'merge': both inputs come from "
                                                 "the true branch"):
        run(cond_nodes(("sq", "m")), ["merge:0"], {})
    nodes = cond_nodes() + [placeholder("q", BOOL), node("sw2", "Switch", ["x", "q"], T=t(F32)),
                            node("g", "Neg", ["sw2"], T=t(F32)),
                            node("bad", "Merge", ["g", "m"], T=t(F32), N=AttrValue(i=2))]
    with pytest.raises(SerializationError, match="Merge node 'bad': inputs from different "
                                                 "conds"):
        run(nodes, ["bad:0"], {})


def test_node_mixing_branches_is_refused():
    nodes = cond_nodes() + [node("mix", "AddV2", ["f", "m"], T=t(F32))]
    with pytest.raises(SerializationError, match="AddV2 node 'mix': its inputs come from "
                                                 "different conds or loops"):
        run(nodes, ["merge:0"], {})


def test_switch_types_and_attrs_checked():
    nodes = cond_nodes()
    nodes[0] = placeholder("p", F32)
    nodes[3] = node("piv", "Switch", ["p", "p"], T=t(F32))
    with pytest.raises(InputTypeError, match="Input 1 of node (sw|piv) was passed float"):
        run(nodes, ["merge:0"], {})
    nodes = cond_nodes()
    nodes[2].attr["colour"] = AttrValue(s=b"red")
    with pytest.raises(UnsupportedOpError, match=r"Switch node 'sw': attrs \['colour'\]"):
        run(nodes, ["merge:0"], {})


def loop_nodes():
    """s = 0; for i < n: s += x (x a constant Enter), with TF1's frame layout."""
    frame = AttrValue(s=b"w/ctx")
    enter = {"frame_name": frame, "parallel_iterations": AttrValue(i=10)}
    return [placeholder("n", I32), placeholder("x"),
            const("i0", 0, I32), const("s0", 0.0),
            node("e_i", "Enter", ["i0"], T=t(I32), is_constant=AttrValue(b=False), **enter),
            node("e_s", "Enter", ["s0"], T=t(F32), is_constant=AttrValue(b=False), **enter),
            node("e_n", "Enter", ["n"], T=t(I32), is_constant=AttrValue(b=True), **enter),
            node("e_x", "Enter", ["x"], T=t(F32), is_constant=AttrValue(b=True), **enter),
            node("m_i", "Merge", ["e_i", "n_i"], T=t(I32), N=AttrValue(i=2)),
            node("m_s", "Merge", ["e_s", "n_s"], T=t(F32), N=AttrValue(i=2)),
            node("less", "Less", ["m_i", "e_n"], T=t(I32)),
            node("lc", "LoopCond", ["less"]),
            node("sw_i", "Switch", ["m_i", "lc"], T=t(I32)),
            node("sw_s", "Switch", ["m_s", "lc"], T=t(F32)),
            node("id_i", "Identity", ["sw_i:1"], T=t(I32)),
            node("id_s", "Identity", ["sw_s:1"], T=t(F32)),
            const("one", 1, I32, ["^id_i"]),
            node("inc", "AddV2", ["id_i", "one"], T=t(I32)),
            node("acc", "AddV2", ["id_s", "e_x"], T=t(F32)),
            node("n_i", "NextIteration", ["inc"], T=t(I32)),
            node("n_s", "NextIteration", ["acc"], T=t(F32)),
            node("x_i", "Exit", ["sw_i"], T=t(I32)),
            node("x_s", "Exit", ["sw_s"], T=t(F32))]


def test_hand_built_loop():
    for n in (0, 1, 5):
        i, s = run(loop_nodes(), ["x_i:0", "x_s:0"], {"n:0": n, "x:0": 1.5})
        assert i == n and s == 1.5 * n
    with pytest.raises(ValueError, match=r"'acc:0'.*inside while loop 'w/ctx'.*Exit"):
        run(loop_nodes(), ["acc:0"], {})


def test_loop_structure_errors():
    nodes = [nd for nd in loop_nodes() if nd.name != "lc"] + [
        node("lc", "LoopCond", ["less"]), node("lc2", "LoopCond", ["less"])]
    with pytest.raises(SerializationError, match="while loop 'w/ctx' has 2 LoopCond"):
        run(nodes, ["x_s:0"], {})
    nodes = loop_nodes() + [node("bad_exit", "Exit", ["x"], T=t(F32))]
    with pytest.raises(SerializationError, match="Exit node 'bad_exit': its input is not in "
                                                 "a while loop"):
        run(nodes, ["x_s:0"], {})
    nodes = loop_nodes() + [node("cyc", "Neg", ["cyc2"], T=t(F32)),
                            node("cyc2", "Neg", ["cyc"], T=t(F32))]
    with pytest.raises(SerializationError, match="cycle through"):
        run(nodes, ["x_s:0"], {})


def test_ref_control_flow_refused_with_hint():
    """A RefSwitch imports for a variable only (tests/test_tf_ema_import.py)."""
    nodes = cond_nodes()
    nodes[2] = node("sw", "RefSwitch", ["x", "p"], T=t(F32))
    with pytest.raises(UnsupportedOpError, match=r"RefSwitch node 'sw': switches x:0, a "
                                                 r"Placeholder[\s\S]*freeze the graph"):
        run(nodes, ["merge:0"], {})


def cond_grad_nodes():
    """cond_nodes' merge, then TF1's gradient of a cond (cond_grad): a Switch of the
    cotangent on the same pred, branch ops reading the forward branch's tensor `sq`, a
    Merge; and a Merge with zeros made under a second Switch of x, as TF's zeros for a
    branch that does not use an input."""
    return cond_nodes() + [
        const("two", 2.0), node("g", "Mul", ["merge", "two"], T=t(F32)),
        node("gsw", "Switch", ["g", "piv_id"], T=t(F32)),
        node("piv_id", "Identity", ["p"], T=t(BOOL)),
        node("gt", "Mul", ["gsw:1", "sq"], T=t(F32)),
        node("gf", "Neg", ["gsw"], T=t(F32)),
        node("gmerge", "Merge", ["gf", "gt"], T=t(F32), N=AttrValue(i=2)),
        node("zsw", "Switch", ["x", "piv_id"], T=t(F32)),
        node("zid", "Identity", ["zsw:1"], T=t(F32)),
        node("zero", "ZerosLike", ["zid"], T=t(F32)),
        node("zmerge", "Merge", ["gf", "zero"], T=t(F32), N=AttrValue(i=2))]


def test_cond_gradient_structure_is_a_second_cond():
    x = np.array([2.0, -3.0], np.float32)
    with gc.Graph().as_default() as g:
        outs = gc.import_graph_def(GraphDef(node=cond_grad_nodes()), name="",
                                   return_elements=["merge:0", "gmerge:0", "zmerge:0"])
        assert sum(n.op.name == "StatelessIf" for n in g.nodes) == 2
        with gc.Session() as sess:
            y, gy, z = sess.run(outs, {"p:0": True, "x:0": x})
            np.testing.assert_allclose([y, gy, z], [x * x + 1, 2 * (x * x + 1) * x * x, 0 * x])
            y, gy, z = sess.run(outs, {"p:0": False, "x:0": x})
            np.testing.assert_allclose([y, gy, z], [-x, 2 * x, 2 * x])
    with pytest.raises(ValueError, match=r"'sq:0'.*true branch of the cond on 'p:0'"):
        run(cond_grad_nodes(), ["sq:0"], {})


def test_unbuilt_top_level_node_is_a_clear_error():
    from graphc.io.tf_graphdef_v1flow import _Flow
    with gc.Graph().as_default():
        flow = _Flow(cond_nodes(), {}, "", set(), None)
        with pytest.raises(UnsupportedOpError, match="Placeholder node 'x': was not built"):
            flow.why("x")
