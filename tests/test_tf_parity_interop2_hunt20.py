"""Parity with TF of the fixes of hunt 20's interop2 bugs: TF builds each graph (the
ops TF1 training and serving scripts write), graphc imports its GraphDef bytes and runs
it: the same values, and the same variables after each training step."""

import numpy as np
import pytest

import graphc as gc
from test_tf_parity_tf_graphdef_resource import _import
from tf_parity import tf, v1

R = tf.raw_ops
STEPS = 3


def _tf_run(g, fetches, feeds=None, init=False):
    with g.as_default(), v1.Session(graph=g) as sess:
        if init:
            sess.run("init")
        return sess.run(fetches, feeds)


# ---- Bucketize (bucketized_column) -------------------------------------------------------
@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.int64])
def test_bucketize_imports_as_in_tf(dtype):
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(dtype, [None, None], name="x")
        R.Bucketize(input=x, boundaries=[-1.5, 0., 2., 2., 16777217.], name="b")
        R.Bucketize(input=x, boundaries=[], name="empty")
    values = np.array([[-3, -1.5, -1], [0, 2, 2.5], [16777216, 16777217, 1e9]])
    feed = {"x:0": values.astype(dtype.as_numpy_dtype)}
    want = _tf_run(g, ["b:0", "empty:0"], feed)
    with _import(g).as_default(), gc.Session() as sess:
        got = sess.run(["b:0", "empty:0"], feed)
    for w, t in zip(want, got):
        assert t.dtype == np.int32
        np.testing.assert_array_equal(t, w)


def test_bucketized_column_graph_imports_as_in_tf():
    g = tf.Graph()
    with g.as_default():
        age = v1.placeholder(tf.float32, [None, 1], name="age")
        fc = tf.feature_column
        col = fc.bucketized_column(fc.numeric_column("age"), [18., 30., 50.])
        tf.identity(v1.feature_column.input_layer({"age": age}, [col]), name="out")
    feed = {"age:0": [[10.], [30.], [70.], [18.]]}
    want = _tf_run(g, "out:0", feed)
    with _import(g).as_default(), gc.Session() as sess:
        np.testing.assert_array_equal(sess.run("out:0", feed), want)


# ---- SparseSegment*Grad(V2) ----------------------------------------------------------------
@pytest.mark.parametrize("kind", ["Sum", "Mean", "SqrtN"])
@pytest.mark.parametrize("v2", [False, True])
@pytest.mark.parametrize("shape", [(3,), (3, 2, 2)])
def test_sparse_segment_grads_import_as_in_tf(kind, v2, shape):
    rng = np.random.default_rng(len(shape) + 2 * v2)
    g = tf.Graph()
    with g.as_default():
        grad = v1.placeholder(tf.float32, None, name="grad")
        idx = v1.placeholder(tf.int64, [None], name="idx")
        seg = v1.placeholder(tf.int32, [None], name="seg")
        op = getattr(R, f"SparseSegment{kind}Grad" + ("V2" if v2 else ""))
        dim0 = {"dense_output_dim0" if v2 else "output_dim0": 6}
        out = op(grad=grad, indices=idx, segment_ids=seg, name="out", **dim0)
    fetches = ["out:0", "out:1"] if v2 else ["out:0"]
    feed = {"grad:0": rng.normal(size=shape).astype(np.float32),
            "idx:0": [5, 1, 1, 3, 0, 5], "seg:0": [0, 0, 0, 1, 2, 2]}
    want = _tf_run(g, fetches, feed)
    assert out is not None
    with _import(g).as_default(), gc.Session() as sess:
        got = sess.run(fetches, feed)
    for w, t in zip(want, got):
        assert t.dtype == w.dtype
        np.testing.assert_allclose(t, w, rtol=1e-6)


@pytest.mark.parametrize("combiner", ["mean", "sqrtn", "sum"])
def test_embedding_column_training_graph_imports_as_in_tf(combiner):
    g = tf.Graph()
    with g.as_default():
        v1.set_random_seed(1)
        words = v1.placeholder(tf.string, [None, None], name="words")
        y = v1.placeholder(tf.float32, [None, 1], name="y")
        fc = tf.feature_column
        cat = fc.categorical_column_with_vocabulary_list("w", ["a", "b", "c", "d"])
        emb = fc.embedding_column(cat, 3, combiner=combiner,
                                  initializer=v1.constant_initializer(0.1))
        net = v1.feature_column.input_layer({"w": words}, [emb])
        logit = tf.matmul(net, v1.Variable([[.5], [-.2], [.3]], name="kernel"))
        loss = tf.reduce_mean(tf.square(logit - y), name="loss")
        v1.train.AdagradOptimizer(0.5).minimize(loss, name="train")
        tf.group(v1.global_variables_initializer(), v1.tables_initializer(), name="setup")
    feed = {"words:0": [["a", "b", ""], ["c", "c", "z"]], "y:0": [[1.], [-1.]]}
    with g.as_default(), v1.Session(graph=g) as sess:
        sess.run("setup")
        want = [sess.run(["loss:0", "train"], feed)[0] for _ in range(STEPS)]
    ops = {nd.op for nd in g.as_graph_def().node}
    assert {op for op in ops if op.startswith("SparseSegment") and "Grad" in op}
    with _import(g).as_default(), gc.Session() as sess:
        sess.run("setup")
        got = [sess.run(["loss:0", "train"], feed)[0] for _ in range(STEPS)]
    np.testing.assert_allclose(got, want, rtol=1e-5)


# ---- Ftrl, Proximal*, AdagradDA: dense, sparse, ref and resource -------------------------
_IDX = [2, 0]
_CONFIGS = {   # name: (TF op base, slots, positive slots, scalar inputs, attrs)
    "ftrl": ("Ftrl", ["accum", "linear"], ["accum"],
             dict(lr=.1, l1=.01, l2=.02, lr_power=-.5), {}),
    "ftrl_power": ("Ftrl", ["accum", "linear"], ["accum"],
                   dict(lr=.1, l1=.3, l2=.0, lr_power=-.7), {}),
    "ftrl_by_lr": ("Ftrl", ["accum", "linear"], ["accum"],
                   dict(lr=.2, l1=.05, l2=.02, lr_power=-.5),
                   dict(multiply_linear_by_lr=True)),
    "ftrl_v2": ("FtrlV2", ["accum", "linear"], ["accum"],
                dict(lr=.1, l1=.01, l2=.02, l2_shrinkage=.03, lr_power=-.5), {}),
    "ftrl_v2_by_lr": ("FtrlV2", ["accum", "linear"], ["accum"],
                      dict(lr=.1, l1=.01, l2=.02, l2_shrinkage=.03, lr_power=-.6),
                      dict(multiply_linear_by_lr=True)),
    "proximal_adagrad": ("ProximalAdagrad", ["accum"], ["accum"], dict(lr=.1, l1=.05, l2=.02),
                         {}),
    "proximal_adagrad_l1_0": ("ProximalAdagrad", ["accum"], ["accum"],
                              dict(lr=.1, l1=0., l2=.02), {}),
    "proximal_gd": ("ProximalGradientDescent", [], [], dict(alpha=.1, l1=.05, l2=.02), {}),
    "proximal_gd_l1_0": ("ProximalGradientDescent", [], [], dict(alpha=.1, l1=0., l2=.2), {}),
    "adagrad_da": ("AdagradDA", ["gradient_accumulator", "gradient_squared_accumulator"],
                   ["gradient_squared_accumulator"], dict(lr=.1, l1=.01, l2=.02), {}),
    "adagrad_da_l1_0": ("AdagradDA", ["gradient_accumulator", "gradient_squared_accumulator"],
                        ["gradient_squared_accumulator"], dict(lr=.1, l1=0., l2=.02), {}),
}


def _optimizer_graph(resource, sparse):
    """Each config's op on its own variables; returns (graph, feeds per step, cases)."""
    rng = np.random.default_rng(7)
    g = tf.Graph()
    feeds = [{} for _ in range(STEPS)]
    cases = {}
    shape, grad_shape = ((4, 3), (2, 3)) if sparse else ((2, 3), (2, 3))
    with g.as_default():
        for name, (base, slots, positive, scalars, attrs) in _CONFIGS.items():
            with v1.variable_scope(name):
                vs = [v1.Variable((np.abs(rng.normal(0, 1, shape)) + .2 if s in positive
                                   else rng.normal(0, 1, shape)).astype(np.float32),
                                  name=s, use_resource=resource) for s in ["var", *slots]]
                gp = v1.placeholder(tf.float32, grad_shape, name="g")
                args = {k: tf.constant(v, tf.float32) for k, v in scalars.items()}
                if base == "AdagradDA":
                    args["global_step"] = tf.constant(3, tf.int64)
                if sparse:
                    args["indices"] = tf.constant(_IDX, tf.int64)
                if base == "ProximalGradientDescent" and not sparse:
                    args["delta"] = gp
                else:
                    args["grad"] = gp
                for v, s in zip(vs, ["var", *slots]):
                    args[s] = v.handle if resource else v
                op = getattr(R, ("Resource" if resource else "") +
                             ("SparseApply" if sparse else "Apply") + base)
                tf.group(op(**args, **attrs), name="step")
            for f in feeds:
                f[gp.name] = rng.normal(0, 1, grad_shape).astype(np.float32)
            cases[name] = (name + "/step", [f"{name}/{s}" for s in ["var", *slots]])
        tf.group(*[v.initializer for v in v1.global_variables()], name="init")
    return g, feeds, cases


def _read(sess, name, resource, graphc):
    if graphc or not resource:
        return sess.run(name + ":0")
    return sess.run(name + "/Read/ReadVariableOp:0")


@pytest.mark.parametrize("resource", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
def test_ftrl_proximal_adagrad_da_ops_import_as_in_tf(resource, sparse):
    g, feeds, cases = _optimizer_graph(resource, sparse)
    want = {}
    with g.as_default(), v1.Session(graph=g) as sess:
        sess.run("init")
        for name, (step, variables) in cases.items():
            for i, f in enumerate(feeds):
                sess.run(step, {k: f[k] for k in f if k.startswith(name + "/")})
                for v in variables:
                    want[v, i] = _read(sess, v, resource, False)
    assert all(np.isfinite(w).all() for w in want.values())
    with _import(g).as_default(), gc.Session() as sess:
        sess.run("init")
        for name, (step, variables) in cases.items():
            for i, f in enumerate(feeds):
                sess.run(step, {k: f[k] for k in f if k.startswith(name + "/")})
                for v in variables:
                    np.testing.assert_allclose(_read(sess, v, resource, True), want[v, i],
                                               rtol=2e-5, atol=1e-6, err_msg=f"{v} step {i}")


def test_ftrl_optimizer_training_graph_imports_as_in_tf():
    g = tf.Graph()
    with g.as_default():
        x = v1.placeholder(tf.float32, [None, 2], name="x")
        ids = v1.placeholder(tf.int32, [None], name="ids")
        w = v1.Variable([[1.], [2.]], name="w", use_resource=False)
        e = v1.Variable(np.arange(8, dtype=np.float32).reshape(4, 2) / 4, name="e",
                        use_resource=False)
        y = tf.matmul(x + tf.gather(e, ids), w)
        loss = tf.reduce_sum(tf.square(y), name="loss")
        v1.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01,
                               l2_shrinkage_regularization_strength=0.02).minimize(
            loss, name="train")
        tf.group(v1.global_variables_initializer(), name="setup")
    feed = {"x:0": [[1., 2.], [3., -1.]], "ids:0": [3, 1]}
    with g.as_default(), v1.Session(graph=g) as sess:
        sess.run("setup")
        want = [sess.run(["loss:0", "train"], feed)[0] for _ in range(STEPS)]
    with _import(g).as_default(), gc.Session() as sess:
        sess.run("setup")
        got = [sess.run(["loss:0", "train"], feed)[0] for _ in range(STEPS)]
    np.testing.assert_allclose(got, want, rtol=1e-5)
