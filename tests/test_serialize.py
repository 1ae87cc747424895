"""Graph serialization (graphc/io/serialize.py): graphs go to JSON text and come back as
graphs that compute the same values, with real Variables, collections, name scopes,
input_map and return_elements (TF1 semantics), and clear errors for what cannot travel."""
import base64
import io
import json
import os
import re
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import graphc as gc
from graphc.io import serialize
from graphc.io.serialize import SerializationError
from graphc.ops.registry import OpDef, apply1
from samples import all_samples
from test_passes import SHAPES, _build, programs

HERE = os.path.basename(__file__)


def through_json(graph=None):
    """The graph's graph_def after a trip through JSON text."""
    graph = graph or gc.get_default_graph()
    return json.loads(json.dumps(graph.as_graph_def(), allow_nan=False))


def imported(gd, **kw):
    """A fresh graph holding gd imported without a name prefix."""
    g = gc.Graph()
    with g.as_default():
        gc.import_graph_def(gd, name="", **kw)
    return g


def run(graph, fetches, feeds=None):
    """Session.run on `graph` with its variables initialized; fetches, feeds by name."""
    with gc.Session(graph=graph) as s:
        feeds = {graph.get_tensor_by_name(k): v for k, v in (feeds or {}).items()}
        for v in graph.get_collection("variables"):
            s.run(v.initializer, feeds)     # an initial value may be fed (a sample's input)
        return s.run(fetches, feeds)


# ---- round trips ------------------------------------------------------------------------
def _mlp():
    gc.set_random_seed(7)
    x = gc.placeholder(gc.float32, (None, 4), name="x")
    y = gc.placeholder(gc.float32, (None, 3), name="y")
    with gc.name_scope("dense"):
        w1 = gc.Variable(gc.random_normal((4, 8), stddev=0.5), name="w")
        b1 = gc.Variable(gc.zeros((8,)), name="b")
    w2 = gc.Variable(gc.truncated_normal((8, 3), stddev=0.5), name="w2")
    h = gc.nn.relu(gc.matmul(x, w1) + b1)
    loss = gc.reduce_mean(gc.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=h @ w2),
                          name="loss")
    step = gc.train.get_or_create_global_step()
    train = gc.train.AdamOptimizer(0.05).minimize(loss, global_step=step)
    return loss, train


def test_mlp_with_adam_trains_the_same_after_a_json_round_trip(tmp_path):
    loss, train = _mlp()
    g0 = gc.get_default_graph()
    path = gc.io.serialize.write_graph(g0, str(tmp_path), "mlp.json")
    g1 = gc.Graph()
    with g1.as_default():
        assert gc.import_graph_def(path, name="") is None
        # real Variables in the collections, slots and global step included
        vs = gc.global_variables()
        assert all(isinstance(v, gc.Variable) for v in vs)
        assert [(v.name, v.trainable, v.initial_value.name) for v in vs] == \
            [(v.name, v.trainable, v.initial_value.name) for v in g0.get_collection("variables")]
        assert [v.name for v in gc.trainable_variables()] == \
            ["dense/w:0", "dense/b:0", "w2:0"]
        assert all(v.initializer.type == "Assign" for v in vs)
        train1, = g1.get_collection("train_op")
        assert train1.name == train.name and train1.control_inputs
        init1 = gc.global_variables_initializer()
    with g0.as_default():
        init0 = gc.global_variables_initializer()
    rng = np.random.default_rng(0)
    xb = rng.normal(size=(5, 4)).astype(np.float32)
    yb = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 5)]
    out = []
    for g, init, tr in ((g0, init0, train), (g1, init1, train1)):
        with gc.Session(graph=g) as s:
            s.run(init)
            for v in g.get_collection("trainable_variables"):   # same start, by name
                v.load(np.full(v.shape.as_list(), 0.1 * len(v.name), np.float32), s)
            feeds = {g.get_tensor_by_name("x:0"): xb, g.get_tensor_by_name("y:0"): yb}
            for _ in range(3):
                s.run(tr, feeds)
            out.append(s.run(["loss:0", "global_step:0", "dense/w/Adam:0"], feeds))
    np.testing.assert_array_equal(out[0][0], out[1][0])
    assert out[0][1] == out[1][1] == 3
    np.testing.assert_array_equal(out[0][2], out[1][2])


def test_imported_variables_take_a_new_optimizer_and_initialize_from_their_seeds():
    _mlp()
    g1 = imported(through_json())
    with g1.as_default():
        loss = g1.get_tensor_by_name("loss:0")
        train = gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
        init = gc.global_variables_initializer()
    with gc.Session(graph=g1) as s:
        s.run(init)
        w = s.run("dense/w:0")
        feeds = {"x:0": np.ones((2, 4), np.float32), "y:0": np.eye(3, dtype=np.float32)[:2]}
        feeds = {g1.get_tensor_by_name(k): v for k, v in feeds.items()}
        before = s.run(loss, feeds)
        for _ in range(5):
            s.run(train, feeds)
        assert s.run(loss, feeds) < before
    g0 = gc.get_default_graph()
    with gc.Session(graph=g0) as s:            # seeded initializers: the same weights
        s.run(gc.global_variables_initializer())
        np.testing.assert_array_equal(s.run("dense/w:0"), w)


def test_gradient_graph_survives():
    x = gc.placeholder(gc.float64, (3, 2), name="x")
    w = gc.constant(np.arange(6.0).reshape(2, 3) / 7, name="w")
    y = gc.reduce_sum(gc.tanh(gc.matmul(x, w)) ** 2, name="y")
    dx, = gc.gradients(y, [x])
    hv = gc.hessian_vector_product(y, [x], [gc.ones_like(x)])[0]
    g0 = gc.get_default_graph()
    g1 = imported(through_json())
    feed = {"x:0": np.linspace(-1, 1, 6).reshape(3, 2)}
    want = run(g0, [y.name, dx.name, hv.name], feed)
    got = run(g1, [y.name, dx.name, hv.name], feed)
    for a, b in zip(want, got):
        np.testing.assert_array_equal(a, b)
    roles = {n.name: n.role for n in g0.nodes}
    assert {n.name: n.role for n in g1.nodes} == roles and "gradient" in roles.values()
    assert g1.get_operation_by_name(dx.node.name).origin.name == dx.node.origin.name
    with g1.as_default():                   # and it differentiates again
        d2, = gc.gradients(g1.get_tensor_by_name(dx.name), [g1.get_tensor_by_name("x:0")])
    assert d2.shape == (3, 2)


SAMPLES = all_samples()


@pytest.mark.parametrize("sample", SAMPLES, ids=[str(s) for s in SAMPLES])
def test_every_op_sample_round_trips(sample):
    """Every registered op (its attrs of every kind) and its gradient graph; an op that
    holds a Python function (py_func) is refused with an error naming it."""
    inputs = sample.inputs(np.random.default_rng(3))
    if "python" in sample.tags:
        x = gc.placeholder(gc.float64, np.shape(inputs[0]))
        sample.build(x)
        with pytest.raises(SerializationError, match=f"cannot serialize {sample.op} .*"
                           "'func' is a Python callable"):
            x.graph.as_graph_def()
        return
    gc.set_random_seed(11)
    xs = [gc.placeholder(gc.as_dtype(np.asarray(a).dtype), np.shape(a), name=f"in{i}")
          for i, a in enumerate(inputs)]
    outs = sample.build(*xs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    floats = [x for x in xs if x.dtype.is_floating]
    if sample.grad and floats:
        loss = gc.add_n([gc.reduce_sum(o) for o in outs if o.dtype.is_floating])
        outs += [gc.convert_to_tensor(g) for g in gc.gradients(loss, floats) if g is not None]
    names = [o.name for o in outs]
    feeds = {x.name: a for x, a in zip(xs, inputs)}
    g1 = imported(through_json())
    for t in outs:
        t1 = g1.get_tensor_by_name(t.name)
        assert (t1.shape, t1.dtype) == (t.shape, t.dtype)
    for a, b in zip(run(gc.get_default_graph(), names, feeds), run(g1, names, feeds)):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_random_graphs_and_their_gradients_round_trip(ops):
    gc.reset_default_graph()
    xs = [gc.placeholder(gc.float64, s, name=f"x{i}") for i, s in enumerate(SHAPES)]
    loss = _build(ops, xs)
    names = [loss.name] + [g.name for g in gc.gradients(loss, xs) if g is not None]
    rng = np.random.default_rng(len(ops))
    feeds = {x.name: rng.standard_normal(s) for x, s in zip(xs, SHAPES)}
    g0, g1 = gc.get_default_graph(), imported(through_json())
    assert [(n.name, n.type) for n in g1.nodes] == [(n.name, n.type) for n in g0.nodes]
    for a, b in zip(run(g0, names, feeds), run(g1, names, feeds)):
        np.testing.assert_array_equal(a, b)


def test_arrays_and_special_values_keep_dtype_shape_and_bits():
    vals = [np.float32(np.nan), np.array([np.inf, -np.inf, -0.0]), np.arange(100.0),
            np.array([[True, False]]), np.zeros((0, 3), np.int64), np.float16(1.5)]
    ts = [gc.constant(v) for v in vals] + [gc.nn.leaky_relu(gc.constant([-1.0]),
                                                            alpha=float("inf"))]
    g1 = imported(through_json())
    a, b = run(gc.get_default_graph(), [t.name for t in ts]), run(g1, [t.name for t in ts])
    for x, y in zip(a, b):
        assert x.dtype == y.dtype and x.shape == y.shape
        assert x.tobytes() == y.tobytes()


def test_control_dependencies_and_set_shape_survive():
    x = gc.placeholder(gc.float32, (None, 2), name="x")
    x.set_shape((5, 2))
    v = gc.Variable(0.0, name="v")
    inc = v.assign_add(1.0)
    with gc.control_dependencies([inc]):
        y = gc.identity(x * 2.0, name="y")
    g1 = imported(through_json())
    y1 = g1.get_tensor_by_name("y:0")
    assert [c.name for c in y1.node.control_inputs] == [inc.node.name]
    assert g1.get_tensor_by_name("x:0").shape == (5, 2) and y1.shape == y.shape == (5, 2)
    with gc.Session(graph=g1) as s:
        s.run(g1.get_collection("variables")[0].initializer)
        s.run(y1, {g1.get_tensor_by_name("x:0"): np.ones((5, 2), np.float32)})
        assert s.run("v:0") == 1.0


# ---- TF1 import semantics ------------------------------------------------------------------
def _affine():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    y = gc.reduce_sum(x * 2.0 + 1.0, axis=1, name="y")
    return x, y


def test_input_map_substitutes_tensors():
    _affine()
    gd = through_json()
    g = gc.Graph()
    with g.as_default():
        z = gc.constant(np.arange(6, dtype=np.float32).reshape(2, 3), name="z")
        y, = gc.import_graph_def(gd, input_map={"x:0": z}, return_elements=["y:0"])
        assert y.shape == (2,)          # the substitute's shape flows through
        y_bare, = gc.import_graph_def(gd, input_map={"x": z * 0.0}, return_elements=["y:0"])
    with gc.Session(graph=g) as s:
        np.testing.assert_array_equal(s.run(y), [9.0, 27.0])
        np.testing.assert_array_equal(s.run(y_bare), [3.0, 3.0])


def test_return_elements_give_operations_and_tensors():
    _affine()
    gd = through_json()
    with gc.Graph().as_default():
        op, t = gc.import_graph_def(gd, return_elements=["y", "x:0"])
        assert isinstance(op, gc.Operation) and op.name == "import/y"
        assert isinstance(t, gc.Tensor) and t.name == "import/x:0"
        with pytest.raises(SerializationError, match="'nope:0' is not in the graph_def"):
            gc.import_graph_def(gd, return_elements=["nope:0"])


def test_names_go_under_the_name_scope():
    _affine()
    gd = through_json()
    with gc.Graph().as_default() as g:
        gc.import_graph_def(gd)
        gc.import_graph_def(gd)                              # a unique scope again
        with gc.name_scope("outer"):
            gc.import_graph_def(gd, name="net")
        gc.import_graph_def(gd, name="")
        names = [n.name for n in g.nodes if n.type == "Sum"]
    assert names == ["import/y", "import_1/y", "outer/net/y", "y"]


def test_imported_nodes_say_where_they_came_from(tmp_path):
    _affine()
    path = serialize.write_graph(gc.get_default_graph(), str(tmp_path), "g.json")
    with gc.Graph().as_default() as g:
        gc.import_graph_def(path)
        y = g.get_operation_by_name("import/y")
        shown = gc.errors.describe_node(y)
    assert re.fullmatch(rf"Sum 'import/y' created at \S*{HERE}:\d+ \(imported from "
                        rf"{re.escape(path)} at \S*{HERE}:\d+\)", shown), shown


# ---- files ------------------------------------------------------------------------------------
@pytest.mark.parametrize("as_text", [True, False])
def test_write_graph_writes_json(tmp_path, as_text):
    """A gc.Graph is written as graphc's JSON (a graph_def dict as TF's GraphDef:
    tests/test_export_tf1_details.py)."""
    _affine()
    path = serialize.write_graph(gc.get_default_graph(), str(tmp_path / "d"), "g.json",
                                 as_text=as_text)
    text = open(path).read()
    assert json.loads(text) == through_json()
    n = len(gc.get_default_graph().nodes)
    assert text.count("\n") == (n + 2 if as_text else 1)   # one node per line


def _feeds(g, prefix=""):
    return {g.get_tensor_by_name(prefix + "x:0"): np.ones((2, 4), np.float32),
            g.get_tensor_by_name(prefix + "y:0"): np.eye(3, dtype=np.float32)[:2]}


def test_meta_graph_and_checkpoint_restore_under_an_import_scope(tmp_path):
    _, train = _mlp()
    g0 = gc.get_default_graph()
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for _ in range(2):
            s.run(train, _feeds(g0))
        prefix = gc.train.Saver(max_to_keep=None).save(s, str(tmp_path / "ckpt"))
        want = s.run(["loss:0", "dense/w/Adam_1:0"], _feeds(g0))
    meta = serialize.export_meta_graph(str(tmp_path / "model.meta"))
    assert meta["graph_def"] == through_json() and "saver_def" not in meta
    with gc.Graph().as_default() as g:
        saver = serialize.import_meta_graph(str(tmp_path / "model.meta"), import_scope="m")
        assert [v.name for v in gc.global_variables()][:2] == ["m/dense/w:0", "m/dense/b:0"]
    assert isinstance(saver, gc.train.Saver)
    with gc.Session(graph=g) as s:
        saver.restore(s, prefix)    # checkpoint keys: the names the graph was saved with
        got = s.run(["m/loss:0", "m/dense/w/Adam_1:0"], _feeds(g, "m/"))
        s.run("m/Adam", _feeds(g, "m/"))
        assert s.run("m/global_step:0") == 3
    for a, b in zip(want, got):
        np.testing.assert_array_equal(a, b)
    with gc.Graph().as_default():      # a graph without variables: no Saver (TF1)
        _affine()
        assert serialize.import_meta_graph(serialize.export_meta_graph()) is None


def test_saver_save_writes_a_meta_graph_its_var_list_comes_back(tmp_path):
    w = gc.Variable(np.array([1.0, 2.0]), name="w")
    v = gc.Variable(np.array([3.0]), name="v")
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        prefix = gc.train.Saver({"renamed": w}).save(s, str(tmp_path / "c"))
    meta = json.load(open(prefix + ".meta"))
    assert meta["saver_def"]["var_list"] == {"renamed": "w"}
    with gc.Graph().as_default() as g:
        saver = serialize.import_meta_graph(prefix + ".meta", import_scope="again")
        with gc.Session() as s:
            saver.restore(s, prefix)
            np.testing.assert_array_equal(s.run("again/w:0"), [1.0, 2.0])
            with pytest.raises(gc.errors.UninitializedVariableError):
                s.run(g.get_tensor_by_name("again/" + v.name))


# ---- errors ------------------------------------------------------------------------------
def test_callable_attr_is_refused_naming_node_op_and_site():
    @gc.custom_gradient
    def clip(x):
        return gc.identity(x), lambda dy: gc.clip_by_value(dy, -1.0, 1.0)
    line = sys._getframe().f_lineno + 1
    clip(gc.placeholder(gc.float32, (2,)))
    with pytest.raises(SerializationError) as e:
        gc.get_default_graph().as_graph_def()
    msg = str(e.value)
    assert "CustomGradient 'CustomGradient'" in msg and f"{HERE}:{line}" in msg
    assert "attr 'grad_fn' is a Python callable" in msg


def test_unregistered_opdef_is_refused():
    rogue = OpDef("Rogue", lambda ctx, x: (x.shape, x.dtype), lambda x: x)
    apply1(rogue, (gc.constant(1.0),), name="r")
    with pytest.raises(SerializationError, match="Rogue 'r' created at .*not the one in "
                                                 "the op registry"):
        gc.get_default_graph().as_graph_def()


def test_unknown_op_is_refused_naming_the_node():
    _affine()
    gd = through_json()
    gd["nodes"][-1]["op"] = "Frobnicate"
    with gc.Graph().as_default():
        with pytest.raises(SerializationError, match="(?s)Frobnicate 'y': no op 'Frobnicate' "
                                                     f"is registered.*created at .*{HERE}"):
            gc.import_graph_def(gd)


def test_input_map_of_the_wrong_shape_or_dtype_is_refused():
    _affine()
    gd = through_json()
    with gc.Graph().as_default():
        with pytest.raises(gc.errors.ShapeError,
                           match=r"input_map\['x:0'\]: the substitute has shape \(2, 4\), "
                                 r"not \(\?, 3\) as in the graph_def \(Placeholder 'x'"):
            gc.import_graph_def(gd, input_map={"x:0": gc.zeros((2, 4))})
        with pytest.raises(gc.errors.DTypeError, match="has dtype float64, not float32"):
            gc.import_graph_def(gd, input_map={"x:0": gc.zeros((2, 3), gc.float64)})
        with pytest.raises(SerializationError, match="'w:0' is not a tensor of the graph_def"):
            gc.import_graph_def(gd, input_map={"w:0": gc.zeros((2, 3))})


def test_tampered_recorded_shape_is_refused_naming_the_node():
    _affine()
    gd = through_json()
    gd["nodes"][-1]["outputs"][0][0] = [None, 7]
    with gc.Graph().as_default():
        with pytest.raises(SerializationError, match=r"Sum 'y': output 0 rebuilds with shape "
                                                     r"\(\?,\), not \(\?, 7\)"):
            gc.import_graph_def(gd)
    gd["nodes"][-1]["outputs"][0] = [[None], "float64"]
    with gc.Graph().as_default():
        with pytest.raises(SerializationError, match="Sum 'y': output 0 rebuilds with dtype "
                                                     "float32, not float64"):
            gc.import_graph_def(gd)


def test_bad_attr_is_reported_with_the_node_being_imported():
    _affine()
    gd = through_json()
    total = next(e for e in gd["nodes"] if e["op"] == "Sum")
    total["attrs"]["axis"] = ["tuple", [["int", 5]]]
    with gc.Graph().as_default():
        with pytest.raises(gc.errors.ShapeError, match="while importing Sum 'y' created at"):
            gc.import_graph_def(gd)
    gd = through_json()
    gd["nodes"].reverse()                   # inputs after their consumers
    with gc.Graph().as_default():
        with pytest.raises(SerializationError, match="(?s)'.*:0' is used before it is "
                                                     "defined.*while importing Sum 'y'"):
            gc.import_graph_def(gd)


def test_wrong_format_or_version_is_refused():
    _affine()
    gd = through_json()
    with pytest.raises(SerializationError, match="version 99 is not supported"):
        gc.import_graph_def(dict(gd, version=99))
    with pytest.raises(SerializationError, match="not a graphc.GraphDef"):
        gc.import_graph_def({"nodes": []})


def test_no_pickle_anywhere():
    from graphc.io import graphdef_import
    from graphc.train import checkpoint, saver
    src = "".join(open(m.__file__).read() for m in (serialize, graphdef_import, saver, checkpoint))
    assert not re.search(r"import pickle|pickle\.[a-z]|allow_pickle=True", src)
    calls = re.findall(r"np\.(?:load|save|lib\.format\.(?:read|write)_array)\(.*", src)
    assert len(calls) >= 4 and all("allow_pickle=False" in c for c in calls)
    g = gc.get_default_graph()
    g.add_to_collection("stuff", np.array([{}], dtype=object))
    g.add_to_collection("kept", gc.constant(1.0))
    gd = g.as_graph_def()           # left out, with a warning (TF1's export_meta_graph)
    assert "stuff" not in gd["collections"] and "kept" in gd["collections"]
    # a crafted payload holding a pickled object array is refused on load
    buf = io.BytesIO()
    np.save(buf, np.array([{}] * 100, dtype=object), allow_pickle=True)
    payload = ["const", {"npy": base64.b64encode(buf.getvalue()).decode()}]
    with pytest.raises(ValueError, match="allow_pickle"):
        serialize._decode(payload, None)


# ---- depth -------------------------------------------------------------------------------
def _chain_round_trip(n):
    x = gc.placeholder(gc.float64, (2,), name="x")
    y = x
    for i in range(n):
        y = gc.sin(y) if i % 2 else y * 1.0001
    g1 = imported(through_json())
    feed = {"x:0": np.array([0.5, 1.0])}
    np.testing.assert_array_equal(run(gc.get_default_graph(), y.name, feed),
                                  run(g1, y.name, feed))


def test_10k_chain_round_trips():
    _chain_round_trip(10_000)


@pytest.mark.slow
def test_100k_chain_round_trips():
    assert sys.getrecursionlimit() <= 10_000
    _chain_round_trip(100_000)


def _branches(graph):
    """What each If's branch graphs hold, by name: nodes, outer control inputs, captures."""
    return [[([n.name for n in fg.nodes], [n.name for n in fg.outer_control],
              sorted((o.name, i.name) for o, i in fg.captures.items()))
             for fg in n.attrs["branches"]] for n in graph.nodes if "branches" in n.attrs]


def test_cond_branches_round_trip_and_differentiate_again():
    if not hasattr(gc, "cond"):
        pytest.skip("gc.cond is not built yet")
    x = gc.placeholder(gc.float64, (3,), name="x")
    p = gc.placeholder(gc.bool, (), name="p")
    n = gc.Variable(0, name="n")
    count = n.assign_add(1)

    def inner():
        with gc.control_dependencies([count]):      # an outer op: a control input of If
            return gc.cond(p, lambda: gc.sin(x) * x, lambda: x)
    y = gc.cond(p, inner, lambda: gc.exp(x), name="outer")
    dx, = gc.gradients(gc.reduce_sum(y), [x])
    g0 = gc.get_default_graph()
    g1 = imported(through_json())
    assert _branches(g1) == _branches(g0) and any(c for b in _branches(g0) for _, c, _ in b)
    for pv in (True, False):
        feed = {"x:0": np.array([0.1, 0.2, 0.3]), "p:0": pv}
        for a, b in zip(run(g0, [y.name, dx.name], feed), run(g1, [y.name, dx.name], feed)):
            np.testing.assert_array_equal(a, b)
    for g in (g0, g1):                  # the rebuilt branch graphs take new derivatives
        with g.as_default():
            x1, y1 = g.get_tensor_by_name("x:0"), g.get_tensor_by_name(y.name)
            t, = gc.jvp([y1], [x1], [gc.ones_like(x1)])
    assert [(m.name, [c.name for c in m.control_inputs]) for m in g1.nodes] == \
        [(m.name, [c.name for c in m.control_inputs]) for m in g0.nodes]
    with gc.Session(graph=g1) as s:
        s.run(g1.get_collection("variables")[0].initializer)
        got = s.run(t, {x1: np.array([0.1, 0.2, 0.3]), g1.get_tensor_by_name("p:0"): False})
    np.testing.assert_allclose(got, np.exp([0.1, 0.2, 0.3]))


def test_the_docs_example_runs(capsys):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = open(os.path.join(root, "docs", "serialization.md"), encoding="utf-8").read()
    code, = re.findall(r"```python\n(.*?)```", text, re.S)
    exec(compile(code, "serialization.md", "exec"), {"__name__": "__main__"})
    shown = re.findall(r"# (\S.*)$", code, re.M)
    printed = capsys.readouterr().out.splitlines()
    assert printed == [s for s in shown if s.startswith(("<", "["))]


def test_a_saver_in_the_savers_collection_round_trips(tmp_path):
    """TF1 code keeps its Saver in the "savers" collection; the meta graph carries it and
    import_meta_graph rebuilds it over the imported variables."""
    w = gc.Variable(np.arange(6.0).reshape(2, 3), name="w")
    b = gc.Variable(np.zeros(3), name="b")
    saver = gc.train.Saver({"weights": w, "bias": b}, max_to_keep=3)
    gc.add_to_collection("savers", saver)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        path = saver.save(sess, str(tmp_path / "model"))
    with gc.Graph().as_default():
        gc.train.import_meta_graph(path + ".meta")
        restored, = gc.get_collection("savers")
        assert sorted(restored._var_list) == ["bias", "weights"]
        assert restored._max_to_keep == 3
        with gc.Session() as sess:
            restored.restore(sess, path)
            np.testing.assert_array_equal(sess.run("w:0"), np.arange(6.0).reshape(2, 3))


def test_export_meta_graph_takes_tf1s_arguments(tmp_path):
    """TF1's export_meta_graph(filename, meta_info_def, graph_def, saver_def,
    collection_list, as_text, ...): collection_list keeps only those collections, the
    rest are kept as given or change nothing in a JSON meta graph."""
    v = gc.Variable(1.0, name="v")
    gc.add_to_collection("extra", v)
    path = str(tmp_path / "m.meta")
    meta = gc.train.export_meta_graph(path, {"tags": ["serve"]}, None, None, ["variables"],
                                      True, clear_devices=True, strip_default_attrs=True)
    assert meta["meta_info_def"] == {"tags": ["serve"]}
    assert set(meta["graph_def"]["collections"]) == {"variables"}
    with gc.Graph().as_default():
        gc.train.import_meta_graph(path)
        assert [x.op.name for x in gc.global_variables()] == ["v"]
        assert gc.get_collection("extra") == []
    with pytest.raises(TypeError, match="unexpected arguments"):
        gc.train.export_meta_graph(nonsense=1)


def test_a_branch_reading_a_variable_round_trips(tmp_path):
    """A cond branch or loop body reads a variable of the main graph (ReadCapturedVariable
    names it): the meta graph refers to it there, and the imported graph reads the
    restored value."""
    x = gc.placeholder(gc.float32, (2,), name="x")
    w = gc.Variable([1.0, 2.0], name="w")
    p = gc.placeholder_with_default(True, (), name="p")
    y = gc.cond(p, lambda: x * w, lambda: x - w)
    z = gc.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a + w), [0, x])[1]
    out = gc.identity(y + z, name="out")
    saver = gc.train.Saver()
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        s.run(w.assign([3.0, 4.0]))
        want = s.run(out, {x: [1.0, 1.0]})
        path = saver.save(s, str(tmp_path / "m"))
    with gc.Graph().as_default() as g:
        restorer = gc.train.import_meta_graph(path + ".meta")
        with gc.Session() as s:
            restorer.restore(s, path)
            got = s.run(g.get_tensor_by_name("out:0"), {g.get_tensor_by_name("x:0"): [1.0, 1.0]})
    np.testing.assert_allclose(got, want)
    np.testing.assert_allclose(want, [1 * 3 + 1 + 9, 1 * 4 + 1 + 12])
