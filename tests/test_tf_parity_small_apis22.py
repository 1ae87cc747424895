"""TF1 parity for batch 22 of small APIs (test_small_apis22.py has the rest):
tf.nn.experimental.stateless_dropout's masks and gradients (TF's bits), complex
multiply_no_nan gradients, optimizer slots under a variable scope's reuse,
RandomPoissonV2 imported from TF's GraphDef, SyncReplicasOptimizer's training values."""
import threading
import time

import numpy as np
import pytest
from test_small_apis22 import _settle
from tf_parity import check, rand, tf, v1

import graphc as gc
from graphc.io.tf_graphdef import GraphDef


def _sd(**kw):
    return lambda m, x: m.nn.experimental.stateless_dropout(x, **kw)


# ---- stateless_dropout: the same masks as TF's, and the same gradients -------------------
DROPOUT = {
    "f32": (_sd(rate=0.5, seed=[1, 0]), np.arange(1, 16, dtype=np.float32).reshape(3, 5)),
    "f64": (_sd(rate=0.3, seed=[7, 3]), rand(4, 6, seed=1)),
    "f16": (_sd(rate=0.8, seed=[2, 9]), rand(5, 3, dtype=np.float16, seed=2)),
    "rank3": (_sd(rate=0.25, seed=[-4, 11]), rand(2, 3, 4, dtype=np.float32, seed=3)),
    "noise_shape": (_sd(rate=2 / 3, seed=[1, 0], noise_shape=[1, 10]),
                    rand(3, 10, dtype=np.float32, seed=4)),
    "noise_shape_none": (_sd(rate=0.5, seed=[3, 3], noise_shape=[None, 1]),
                         rand(4, 5, seed=5)),
    "philox": (_sd(rate=0.4, seed=[5, 5], rng_alg="philox"), rand(6, 2, seed=6)),
    "alg_1": (_sd(rate=0.4, seed=[5, 5], rng_alg=1), rand(6, 2, seed=6)),
    "auto_select": (_sd(rate=0.4, seed=[5, 5], rng_alg="auto_select"), rand(6, 2, seed=6)),
    "rate_0": (_sd(rate=0.0, seed=[1, 2]), rand(3, 2, seed=7)),
    "rate_tensor": (lambda m, x, r: m.nn.experimental.stateless_dropout(x, r, seed=[8, 1]),
                    rand(5, 4, seed=8), np.float64(0.45)),
    "general": (lambda m, x: m.nn.experimental.general_dropout(
        x, 0.35, lambda shape, dtype: m.random.stateless_uniform(shape, [6, 2], dtype=dtype)),
        rand(4, 4, dtype=np.float32, seed=9)),
}


@pytest.mark.parametrize("case", sorted(DROPOUT))
def test_stateless_dropout(case):
    fn, *arrays = DROPOUT[case]
    check(fn, *arrays, rtol=1e-6, atol=0)


def _error(m, fn):
    try:
        fn(m)
    except Exception as e:        # noqa: BLE001  (compared below)
        return type(e), str(e).split(" Received")[0].split("\n")[0]
    return None


@pytest.mark.parametrize("fn", [
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), 1.0, seed=[1, 2]),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), -0.5, seed=[1, 2]),
    lambda m: m.nn.experimental.stateless_dropout(m.constant([1, 2]), 0.5, seed=[1, 2]),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), m.constant([0.5]), seed=[1, 2]),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), m.constant(0.5, m.float64),
                                                  seed=[1, 2]),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), "a", seed=[1, 2]),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), 0.5, seed=[1, 2],
                                                  rng_alg="foo"),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), 0.5, seed=[1, 2], rng_alg=7),
    lambda m: m.nn.experimental.stateless_dropout(m.ones([2]), 0.5, seed=[1, 2],
                                                  rng_alg=1.5),
    lambda m: m.nn.experimental.stateless_dropout(m.placeholder(m.float32, [None, 3]), 0.5,
                                                  seed=[1, 2], noise_shape=[None, 1]),
], ids=["rate_1", "rate_negative", "int_x", "rate_rank", "rate_dtype", "rate_str", "alg_str",
        "alg_int", "alg_float", "partial_noise_shape"])
def test_stateless_dropout_errors(fn):
    with v1.Graph().as_default():
        want = _error(v1, fn)
    with gc.Graph().as_default():
        got = _error(gc, fn)
    assert want is not None and got is not None
    assert issubclass(got[0], want[0]) or want[0] is TypeError and got[0] is TypeError
    assert got[1] == want[1].replace("(None,", "(?,")      # TF 2's TensorShape str


# ---- complex multiply_no_nan ------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_multiply_no_nan_gradients(dtype):
    """TF's gradient does not conjugate (multiply's does); graphc's follows it."""
    x = np.array([[1 + 2j, 3 - 1j, 0.5 + 0.5j]], dtype)
    y = np.array([[2 - 1j, 0j, -1 + 3j], [1j, 2 + 0j, 0j]], dtype)
    g = np.array([[1 + 1j, 2 - 0.5j, -1 + 2j], [0j, 3 - 1j, 1 + 0j]], dtype)
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            xt, yt = m.constant(x), m.constant(y)
            z = m.math.multiply_no_nan(xt, yt)
            grads = m.gradients(z, [xt, yt], grad_ys=m.constant(g))
            with m.Session() as sess:
                out.append(sess.run([z] + grads))
    for a, b in zip(*out):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6)


# ---- optimizer slots under a variable scope's reuse ---------------------------------------
OPTIMIZERS = {
    "GradientDescent": lambda m: m.train.GradientDescentOptimizer(0.1),
    "Momentum": lambda m: m.train.MomentumOptimizer(0.1, 0.9),
    "Adam": lambda m: m.train.AdamOptimizer(0.1),
    "Adagrad": lambda m: m.train.AdagradOptimizer(0.1),
    "AdagradDA": lambda m: m.train.AdagradDAOptimizer(
        0.1, m.train.get_or_create_global_step()),
    "Adadelta": lambda m: m.train.AdadeltaOptimizer(0.1),
    "RMSProp": lambda m: m.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
    "Ftrl": lambda m: m.train.FtrlOptimizer(0.1),
    "ProximalGradientDescent": lambda m: m.train.ProximalGradientDescentOptimizer(0.1),
    "ProximalAdagrad": lambda m: m.train.ProximalAdagradOptimizer(0.1),
}


def _slots(m, make, reuse):
    """(error message or None, global variable names) of minimize under reuse."""
    with m.Graph().as_default():
        with m.variable_scope("s"):
            v = m.get_variable("v", [2])
        loss = m.reduce_sum(v * v)
        opt = make(m)
        try:
            with m.variable_scope("s", reuse=reuse(m)):
                opt.minimize(loss)
        except ValueError as e:
            return str(e).replace("gc.", "tf."), None
        return None, sorted(x.name for x in m.global_variables())


@pytest.mark.parametrize("reuse", [lambda m: True, lambda m: m.AUTO_REUSE],
                         ids=["reuse_true", "auto_reuse"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_slots_under_reuse(name, reuse):
    assert _slots(gc, OPTIMIZERS[name], reuse) == _slots(v1, OPTIMIZERS[name], reuse)


def _reentered(m, modes):
    """Names or errors of successive optimizers, each in the root scope re-entered."""
    out = []
    with m.Graph().as_default():
        v = m.get_variable("v", [2])
        loss = m.reduce_sum(v * v)
        scope = m.get_variable_scope()
        for mode in modes:
            try:
                with m.variable_scope(scope, reuse={"none": None, "true": True,
                                                    "auto": m.AUTO_REUSE}[mode]):
                    m.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
                out.append(sorted(x.name for x in m.global_variables()))
            except ValueError as e:
                out.append(str(e).replace("gc.", "tf.").split(" Originally")[0])
    return out


@pytest.mark.parametrize("modes", [("none", "none"), ("auto", "auto"), ("none", "true"),
                                   ("true", "auto", "true")], ids="-".join)
def test_slots_of_optimizers_in_a_reentered_scope(modes):
    assert _reentered(gc, modes) == _reentered(v1, modes)


# ---- RandomPoissonV2 from TF's GraphDef -------------------------------------------------
def test_random_poisson_from_tf():
    g = tf.Graph()
    with g.as_default():
        lam = v1.placeholder(tf.float32, [2], name="lam")
        shp = v1.placeholder(tf.int32, [None], name="shp")
        outs = [v1.random.poisson(lam, [5000], name="a"),
                v1.random.poisson(tf.constant([[1.5, 20.0]], tf.float64), [400, 5],
                                  dtype=tf.int64, seed=7, name="b"),
                v1.random_poisson(3.0, [2], dtype=tf.int32, name="c"),
                v1.random.poisson(tf.constant([2, 3], tf.int64), [5000], dtype=tf.float16,
                                  name="e"),
                v1.random.poisson(tf.constant(4.0, tf.float16), shp, name="f")]
    feed = {"lam:0": [0.5, 12.0], "shp:0": [3, 2000]}
    with v1.Session(graph=g) as sess:
        want = sess.run([t.name for t in outs], feed)
    gd = GraphDef.FromString(g.as_graph_def().SerializeToString())
    with gc.Graph().as_default():
        got_t = gc.import_graph_def(gd, name="", return_elements=[t.name for t in outs])
        for a, b in zip(got_t, outs):
            assert a.dtype.name == b.dtype.name
            assert a.shape.as_list() == b.shape.as_list() if b.shape.rank is not None \
                else a.shape.rank is None
        with gc.Session() as sess:
            got = sess.run(got_t, feed)
    for a, b in zip(got, want):
        assert a.dtype == b.dtype and a.shape == b.shape
        a, b = (np.asarray(t, np.float64).reshape(-1, t.shape[-1]) for t in (a, b))
        if a.shape[0] >= 400:           # the means agree within a few standard errors
            se = np.sqrt(b.mean(0) / a.shape[0]) + 1e-9
            assert (np.abs(a.mean(0) - b.mean(0)) < 6 * se).all(), (a.mean(0), b.mean(0))


# ---- SyncReplicasOptimizer: the training values of one process ----------------------------
def _sync_run(m, rep, total, calls, steps, kind):
    g = m.Graph()
    with g.as_default():
        gs = m.train.get_or_create_global_step()
        x = m.placeholder(m.float32, [2])
        if kind == "sparse":
            var = m.get_variable("emb", initializer=m.constant([[1.0, -2.0], [0.5, 0.25],
                                                               [3.0, 1.0]]))
            ids = m.placeholder(m.int32, [2])
            loss = 0.5 * m.reduce_sum((m.nn.embedding_lookup(var, ids) - x) ** 2)
            base = m.train.AdamOptimizer(0.1)
        else:
            var = m.get_variable("v", initializer=m.constant([1.0, -2.0]))
            loss = 0.5 * m.reduce_sum((var - x) ** 2)
            base = m.train.MomentumOptimizer(0.5, 0.9) if kind == "momentum" else \
                m.train.GradientDescentOptimizer(0.5)
        opt = m.train.SyncReplicasOptimizer(base, replicas_to_aggregate=rep,
                                            total_num_replicas=total)
        train = opt.minimize(loss, global_step=gs)
        hook = opt.make_session_run_hook(is_chief=True)
        counts = [acc.num_accumulated() for acc, _ in opt._accumulator_list]
        out = []
        with m.train.MonitoredTrainingSession(hooks=[hook],
                                              stop_grace_period_secs=1) as sess:
            for i in range(steps):
                for c in range(calls):
                    feed = {x: np.array([i + c, 10.0 * c], np.float32)}
                    if kind == "sparse":
                        feed[ids] = np.array([(i + c) % 3, 2], np.int32)
                    sess.run(train, feed)
                    if m is gc:     # the chief waits in take_grad again: its step is done
                        _settle(sess._tf_sess(), opt)
                    else:           # TF's chief runs its update right after the take
                        for _ in range(2000):
                            if all(n < rep for n in sess.run(counts)):
                                break
                            time.sleep(0.002)
                out.append((int(sess.run(gs)), sess.run(var)))
        for t in threading.enumerate():
            if t.name.startswith("QueueRunnerThread-sync_token_q"):
                t.join(10)
    return out


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
@pytest.mark.parametrize("rep, total, calls, steps, kind", [
    (1, 1, 1, 5, "sgd"), (2, 2, 2, 4, "momentum"), (2, 2, 1, 4, "sgd"), (1, 2, 2, 3, "sgd"),
    (1, 1, 1, 4, "sparse")])
def test_sync_replicas_training(rep, total, calls, steps, kind):
    got = _sync_run(gc, rep, total, calls, steps, kind)
    want = _sync_run(v1, rep, total, calls, steps, kind)
    assert [s for s, _ in got] == [s for s, _ in want]
    for (_, a), (_, b) in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
