"""gc.import_graph_def on a TF GraphDef holding TF's gradients of TF1 while loops
(backward loops popping the stacks their forward loops pushed), which graphc lifts:
each backward loop becomes graphc's gradient of the imported forward loop
(graphc/io/tf_graphdef_v1grad.py). A fixture TF wrote (tests/data/make_tf_v1loop_grad.py)
reproduces TF's loss and gradients; edited copies of it check the pairing rules and
the errors. No TensorFlow needed."""
import pytest

import graphc as gc
import tf_fixtures
from graphc.io.serialize import SerializationError
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import UnsupportedOpError
from graphc.io.tf_graphdef_v1grad import lift_loop_gradients


def load():
    gd, d = tf_fixtures.load("tf_v1loop_grad", "")
    return gd, d


def test_tf_fixture_loss_and_gradients():
    """TF's outputs on every stored feed, after r's initializer (the resource variable
    read in the "decode" loop stays a variable: its gradient must reach it)."""
    gd, d = load()
    assert {"StackV2", "StackPushV2", "StackPopV2", "ControlTrigger"} <= \
        {nd.op for nd in gd.node}
    tf_fixtures.replay(gd, d, rtol=1e-4, atol=1e-5, init=["r/Assign"])


def test_backward_loops_are_lifted():
    gd, _ = load()
    nodes, lifted = lift_loop_gradients(list(gd.node))
    ops = {nd.op for nd in nodes}
    assert not ops & {"StackV2", "StackPushV2", "StackPopV2", "ControlTrigger"}
    assert sorted(g.frame for g in lifted.values()) == \
        ["branchy/while_context", "decode/while_context", "foldl/while/while_context",
         "outer/while_context", "rnn/while_context"]
    decode, = (g for g in lifted.values() if g.frame == "decode/while_context")
    # the tables looked up in the loop: IndexedSlices (three accumulators each); the
    # resource variable r's handle; the learned initial state (a gated gradient)
    assert decode.sparse == {"decode/embedding_lookup/Enter", "decode/GatherV2/Enter"}
    assert set(decode.xs) == decode.sparse | {"decode/matmul/ReadVariableOp/Enter",
                                              "decode/Enter_1"}
    rnn, = (g for g in lifted.values() if g.frame == "rnn/while_context")
    # the gradients w.r.t. the initial state's slot (rnn/Enter_1), the captured weights
    assert set(rnn.xs) >= {"rnn/Enter_1", "rnn/matmul/ReadVariableOp/Enter",
                           "rnn/matmul_1/ReadVariableOp/Enter"}
    assert set(rnn.ys) == {"rnn/Exit_1", "rnn/Exit_2"}
    # the backward frames (the nested one inside "gradients/outer/...") are gone
    frames = {nd.attr["frame_name"].s.decode() for nd in nodes if nd.op == "Enter"}
    assert not any(f.startswith("gradients/") for f in frames)
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd, name="")
        ops = {n.op.name for n in g.nodes}
        assert "StatelessLoop" in ops and not any("Stack" in op for op in ops)
        kept = g.get_tensor_by_name("gradients/rnn/Enter_1_grad/Exit:0")   # TF's name
        assert kept.dtype == gc.float32


def renamed(gd, old, new):
    """gd with node `old` renamed `new` (and its readers reading `new`)."""
    out = GraphDef.FromString(gd.SerializeToString())
    for nd in out.node:
        if nd.name == old:
            nd.name = new
        nd.input = [new + s[len(old):] if s.split(":")[0].lstrip("^") == old and
                    not s.startswith("^") else ("^" + new if s == "^" + old else s)
                    for s in nd.input]
    return out


def test_an_unpairable_backward_exit_is_refused_by_name():
    gd, _ = load()
    bad = renamed(gd, "gradients/rnn/matmul/ReadVariableOp/Enter_grad/b_acc_3",
                  "gradients/rnn/mystery")
    with gc.Graph().as_default(), pytest.raises(SerializationError,
                                                match="'gradients/rnn/mystery'.*pair"):
        gc.import_graph_def(bad, name="")


def test_a_backward_exit_naming_another_enter_is_refused():
    gd, _ = load()
    bad = renamed(gd, "gradients/rnn/Enter_1_grad/Exit", "gradients/rnn/Enter_2_grad/Exit")
    with gc.Graph().as_default(), pytest.raises(SerializationError,
                                                match="Enter_2_grad/Exit.*rnn/Enter_1"):
        gc.import_graph_def(bad, name="")


def test_stacks_of_an_unpaired_backward_loop_are_refused_with_the_hint():
    gd, _ = load()
    bad = GraphDef.FromString(gd.SerializeToString())
    for nd in bad.node:             # the backward frame no longer names its forward one
        if nd.op == "Enter" and nd.attr["frame_name"].s == b"gradients/rnn/while_context":
            nd.attr["frame_name"].s = b"somewhere_else"
    with gc.Graph().as_default(), pytest.raises(UnsupportedOpError,
                                                match="(?s)StackPopV2.*backward loop"):
        gc.import_graph_def(bad, name="")


def test_nodes_of_a_lifted_backward_loop_cannot_be_returned():
    gd, _ = load()
    pop = next(nd.name for nd in gd.node if nd.op == "StackPopV2")
    with gc.Graph().as_default(), pytest.raises(ValueError, match="TF's gradient of a TF1"):
        gc.import_graph_def(gd, return_elements=[pop + ":0"], name="")
