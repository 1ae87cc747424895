"""Small TF1 gaps, batch 22 (no TensorFlow needed): tf.nn.experimental's stateless_dropout
and general_dropout, RandomPoissonV2 imported from a GraphDef, optimizer slots under a
variable scope's reuse, complex multiply_no_nan gradients, SyncReplicasOptimizer in one
process. TF's own numbers are checked in test_tf_parity_small_apis22.py."""
import threading

import numpy as np
import pytest

import graphc as gc
from graphc.io.tf_graphdef import GraphDef
from graphc.io.tf_graphdef_import import OPS
from graphc.ops.accumulators import handle_key
from graphc.testing import check_infer, check_vjp

SD = gc.nn.experimental.stateless_dropout


def run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


# ---- stateless_dropout / general_dropout -------------------------------------------------
def test_namespace():
    assert gc.nn.experimental.__all__ == ["stateless_dropout", "general_dropout"]
    assert gc.compat.v1.nn.experimental.stateless_dropout is SD


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("rate", [0.2, 0.5, 0.9])
def test_mask_is_the_stateless_uniform_draw(dtype, rate):
    """kept where stateless_uniform(seed) >= rate, scaled by 1 / (1 - rate) in x's dtype."""
    x = np.arange(1, 13, dtype=dtype).reshape(3, 4)
    out, u = run([SD(x, rate, seed=[7, 3]),
                  gc.random.stateless_uniform([3, 4], seed=[7, 3], dtype=dtype)])
    want = np.where(u >= dtype(rate), x * dtype(1 / (1 - rate)), 0).astype(dtype)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, want)
    assert 0 < np.count_nonzero(out) < 12 or rate == 0.9


def test_same_mask_every_run_and_session_and_for_each_philox_name():
    x = np.ones((4, 5), np.float32)
    algs = [None, "philox", "auto_select", "Auto-Select", 1, 3, True,
            gc.random.experimental.Algorithm.PHILOX,
            gc.random.experimental.Algorithm.AUTO_SELECT]
    outs = [SD(x, 0.5, seed=[1, 2], rng_alg=a) for a in algs]
    first = run(outs)
    again = run(outs[0])
    for o in first:
        np.testing.assert_array_equal(o, again)
    assert not np.array_equal(again, run(SD(x, 0.5, seed=[2, 1])))


def test_noise_shape_shares_draws_and_fills_unknown_dims():
    x = np.arange(30, dtype=np.float32).reshape(3, 10) + 1
    out = run(SD(x, 2 / 3, seed=[1, 0], noise_shape=[1, 10]))
    assert (out == 0).any() and (out != 0).any()
    np.testing.assert_array_equal(out != 0, np.broadcast_to(out[:1] != 0, (3, 10)))
    # a None in noise_shape takes x's static dim: [3, None] -> [3, 10]
    a, b = run([SD(x, 0.5, seed=[4, 4], noise_shape=[3, None]), SD(x, 0.5, seed=[4, 4])])
    np.testing.assert_array_equal(a, b)
    p = gc.placeholder(gc.float32, [None, 10])
    with pytest.raises(ValueError, match=r"Cannot convert a partially known TensorShape "
                                         r"\(\?, 1\) to a Tensor"):
        SD(p, 0.5, seed=[1, 2], noise_shape=[None, 1])
    # a noise_shape tensor is passed on as it is
    y = SD(p, 0.5, seed=[1, 2], noise_shape=gc.constant([1, 10]))
    assert y.shape.as_list() == [None, 10]
    assert run(y, {p: x}).shape == (3, 10)


def test_rate_tensor_scales_by_division():
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    r = gc.placeholder(gc.float64, [])
    out = SD(x, r, seed=[5, 6])
    for rate in (0.25, 0.6):
        want = run(SD(x, rate, seed=[5, 6]))
        np.testing.assert_allclose(run(out, {r: rate}), want, rtol=1e-15)
    assert "stateless_dropout" in out.name and out.name.endswith("SelectV2:0")


def test_fast_path_and_static_shape():
    x = gc.placeholder(gc.float32, [None, 4])
    assert SD(x, 0.0, seed=[1, 2]) is x
    assert SD(x, 0, seed=[1, 2]) is x
    assert SD(x, 0.3, seed=[1, 2]).shape.as_list() == [None, 4]
    check_infer(lambda a: SD(a, 0.3, seed=[3, 9]), [np.ones((2, 3, 5))])


def test_errors_are_tfs():
    x = gc.constant(np.ones((2, 3), np.float32))
    for rate in (1.0, -0.1, 1):
        with pytest.raises(ValueError, match=r"`rate` must be a scalar tensor or a float "
                                             r"in the range \[0, 1\)"):
            SD(x, rate, seed=[1, 2])
    with pytest.raises(ValueError, match="`x.dtype` must be a floating point tensor"):
        SD(gc.constant([1, 2]), 0.5, seed=[1, 2])
    with pytest.raises(ValueError, match=r"Shape \(1,\) must have rank 0"):
        SD(x, gc.constant([0.5]), seed=[1, 2])
    with pytest.raises(ValueError, match="`x.dtype` must be compatible with `rate.dtype`"):
        SD(x, gc.constant(0.5, gc.float64), seed=[1, 2])
    with pytest.raises(ValueError, match="`rate` must be a scalar or scalar tensor. "
                                         "Received: rate=a"):
        SD(x, "a", seed=[1, 2])
    with pytest.raises(ValueError, match="unsupported value foo. Supported values are "
                                         "philox for the Philox algorithm, threefry"):
        SD(x, 0.5, seed=[1, 2], rng_alg="foo")
    with pytest.raises(ValueError, match="unsupported value 7. Supported values are 1 for "
                                         "the Philox algorithm, 2 for the ThreeFry"):
        SD(x, 0.5, seed=[1, 2], rng_alg=7)
    with pytest.raises(TypeError, match="Can't convert argument `alg`"):
        SD(x, 0.5, seed=[1, 2], rng_alg=1.5)
    for alg in ("threefry", 2, gc.random.experimental.Algorithm.THREEFRY):
        with pytest.raises(NotImplementedError, match="ThreeFry"):
            SD(x, 0.5, seed=[1, 2], rng_alg=alg)


def test_gradients_match_finite_differences():
    x = np.linspace(-1, 1, 24).reshape(4, 6)
    check_vjp(lambda a: SD(a, 0.4, seed=[2, 8]), [x])
    # a rate tensor is differentiated too: d/drate x / (1 - rate) = x / (1 - rate)^2 where
    # kept (the draws stay away from rate: the mask does not flip within eps)
    check_vjp(lambda a, r: SD(a, r, seed=[2, 8]), [x, np.float64(0.35)])
    check_vjp(lambda a: SD(a, 0.5, seed=[1, 1], noise_shape=[4, 1]), [x])
    xt = gc.constant(x)
    gx, = gc.gradients(gc.reduce_sum(SD(xt, 0.25, seed=[2, 8])), xt)
    out, gv = run([SD(xt, 0.25, seed=[2, 8]), gx])
    np.testing.assert_allclose(gv, np.where(out != 0, 1 / 0.75, 0))


def test_general_dropout_draws_with_the_given_sampler():
    x = np.arange(1, 21, dtype=np.float32).reshape(4, 5)
    seen = {}

    def sampler(shape, dtype):
        seen["dtype"] = dtype
        return gc.random.stateless_uniform(shape, [3, 1], dtype=dtype)
    a, b = run([gc.nn.experimental.general_dropout(x, 0.5, sampler),
                SD(x, 0.5, seed=[3, 1])])
    np.testing.assert_array_equal(a, b)
    assert seen["dtype"] is gc.float32
    gen = gc.random.experimental.Generator.from_seed(7)
    y = gc.nn.experimental.general_dropout(x, 0.5, gen.uniform, name="gd")
    assert y.name.startswith("gd/")
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        first, second = sess.run(y), sess.run(y)
    assert first.shape == (4, 5) and not np.array_equal(first != 0, second != 0)
    assert set(np.unique(first)) <= {0.0} | set(2 * x.ravel())


# ---- RandomPoissonV2 from a GraphDef -----------------------------------------------------
def test_random_poisson_imports():
    assert "RandomPoissonV2" in OPS
    g = gc.Graph()
    with g.as_default():
        lam = gc.placeholder(gc.float32, [2], name="lam")
        gc.random_poisson(lam, [4000], name="a")
        gc.random_poisson(gc.constant([[1.5, 20.0]], gc.float64), [300, 5], dtype=gc.int64,
                          seed=7, name="b")
        gc.random_poisson(3.0, [2], dtype=gc.int32, name="c")
    gd = GraphDef.FromString(gc.io.export_tf_graph_def(g).SerializeToString())
    assert [nd.op for nd in gd.node].count("RandomPoissonV2") == 3
    with gc.Graph().as_default():
        a, b, c = gc.import_graph_def(gd, name="", return_elements=["a:0", "b:0", "c:0"])
        assert [(t.shape.as_list(), t.dtype) for t in (a, b, c)] == [
            ([4000, 2], gc.float32), ([300, 5, 1, 2], gc.int64), ([2], gc.int32)]
        with gc.Session() as sess:
            av, bv, cv = sess.run([a, b, c], {"lam:0": [0.5, 12.0]})
            b_again = sess.run(b)
        with gc.Session() as sess:
            b_new_session = sess.run(b)
    np.testing.assert_allclose(av.mean(0), [0.5, 12.0], rtol=0.06)
    np.testing.assert_allclose(av.var(0), [0.5, 12.0], rtol=0.15)
    np.testing.assert_allclose(bv.reshape(-1, 2).mean(0), [1.5, 20.0], rtol=0.06)
    assert cv.dtype == np.int32 and (cv >= 0).all()
    # seeded (seed, seed2): the same draws in every Session, new ones each run
    np.testing.assert_array_equal(bv, b_new_session)
    assert not np.array_equal(bv, b_again)


# ---- optimizer slots under a variable scope's reuse ---------------------------------------
SLOTTED = {
    "Momentum": lambda: gc.train.MomentumOptimizer(0.1, 0.9),
    "Adam": lambda: gc.train.AdamOptimizer(0.1),
    "Adagrad": lambda: gc.train.AdagradOptimizer(0.1),
    "Adadelta": lambda: gc.train.AdadeltaOptimizer(0.1),
    "RMSProp": lambda: gc.train.RMSPropOptimizer(0.1),
    "Ftrl": lambda: gc.train.FtrlOptimizer(0.1),
    "ProximalAdagrad": lambda: gc.train.ProximalAdagradOptimizer(0.1),
}


def _model():
    with gc.variable_scope("s"):
        v = gc.get_variable("v", [2])
    return v, gc.reduce_sum(v * v)


@pytest.mark.parametrize("name", sorted(SLOTTED))
def test_slots_under_reuse_true_do_not_exist(name):
    with gc.Graph().as_default():
        v, loss = _model()
        opt = SLOTTED[name]()
        with pytest.raises(ValueError, match=f"Variable s/s/v/{name}/ does not exist, or "
                                             r"was not created with gc.get_variable\(\)"):
            with gc.variable_scope("s", reuse=True):
                opt.minimize(loss)
    with gc.Graph().as_default():
        v, loss = _model()
        with gc.variable_scope("s", reuse=gc.AUTO_REUSE):
            SLOTTED[name]().minimize(loss)
        assert f"s/s/v/{name}:0" in [x.name for x in gc.global_variables()]


@pytest.mark.parametrize("opt", [lambda: gc.train.GradientDescentOptimizer(0.1),
                                 lambda: gc.train.ProximalGradientDescentOptimizer(0.1)])
def test_optimizers_without_slots_train_under_reuse_true(opt):
    with gc.Graph().as_default():
        v, loss = _model()
        with gc.variable_scope("s", reuse=True):
            opt().minimize(loss)


def test_slots_are_get_variable_variables():
    with gc.Graph().as_default():
        v = gc.get_variable("v", [2])
        loss = gc.reduce_sum(v * v)
        gc.get_variable_scope().reuse_variables()
        with pytest.raises(ValueError, match="Variable v/Adagrad/ does not exist"):
            gc.train.AdagradOptimizer(0.1).minimize(loss)
    with gc.Graph().as_default():
        v = gc.get_variable("v", [2])
        loss = gc.reduce_sum(v * v)
        first = gc.train.MomentumOptimizer(0.1, 0.9)
        first.minimize(loss)
        first.minimize(loss)                     # its slots are kept: no new variable
        scope = gc.get_variable_scope()
        with pytest.raises(ValueError, match="Variable v/Momentum_1/ does not exist"):
            with gc.variable_scope(scope, reuse=True):
                gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
        with gc.variable_scope(scope, reuse=gc.AUTO_REUSE):
            made = gc.train.MomentumOptimizer(0.1, 0.9)
            made.minimize(loss)
        with gc.variable_scope(scope, reuse=True):        # the scope's name again: shared
            shared = gc.train.MomentumOptimizer(0.1, 0.9)
            shared.minimize(loss)
        assert shared.get_slot(v, "momentum") is made.get_slot(v, "momentum")
        assert sorted(x.name for x in gc.global_variables()) == [
            "v/Momentum:0", "v/Momentum_1:0", "v:0"]
    with gc.Graph().as_default():
        v = gc.get_variable("v", [2])
        loss = gc.reduce_sum(v * v)
        scope = gc.get_variable_scope()
        with gc.variable_scope(scope):
            gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
        with pytest.raises(ValueError, match="Variable v/Momentum/ already exists"):
            with gc.variable_scope(scope):
                gc.train.MomentumOptimizer(0.1, 0.9).minimize(loss)


# ---- multiply_no_nan on complex numbers -------------------------------------------------
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_multiply_no_nan_and_its_gradient(dtype):
    """TF's gradient, without conjugation: (mul_no_nan(g, y), mul_no_nan(x, g))."""
    x = np.array([[1 + 2j, 3 - 1j, np.inf + 0j]], dtype)
    y = np.array([[2 - 1j, 0j, 0j], [1j, -1 + 3j, 2 + 0j]], dtype)
    g = np.array([[1 + 1j, 2 - 0.5j, 0j], [-1 + 2j, 0j, 1 - 1j]], dtype)
    xt, yt = gc.constant(x), gc.constant(y)
    z = gc.math.multiply_no_nan(xt, yt)
    gx, gy = gc.gradients(z, [xt, yt], grad_ys=gc.constant(g))
    zv, gxv, gyv = run([z, gx, gy])
    with np.errstate(invalid="ignore"):
        assert zv.dtype == dtype
        np.testing.assert_array_equal(zv, np.where(y == 0, 0, x * y))
        np.testing.assert_allclose(gxv, np.where(y == 0, 0, g * y).sum(0, keepdims=True))
        np.testing.assert_allclose(gyv, np.where(g == 0, 0, x * g))
    assert gxv.dtype == dtype and gyv.dtype == dtype


# ---- SyncReplicasOptimizer in one process ----------------------------------------------
def _sync_model(rep, total, base=None):
    gs = gc.train.get_or_create_global_step()
    v = gc.get_variable("v", initializer=gc.constant([1.0, -2.0]))
    x = gc.placeholder(gc.float32, [2])
    loss = 0.5 * gc.reduce_sum((v - x) ** 2)     # gradient v - x
    opt = gc.train.SyncReplicasOptimizer(base or gc.train.GradientDescentOptimizer(0.5),
                                         replicas_to_aggregate=rep, total_num_replicas=total)
    return gs, v, x, opt, opt.minimize(loss, global_step=gs)


def _settle(sess, opt):
    """Wait until the chief's queue runner waits in take_grad again: it runs one graph at
    a time, so its last step (take, update, tokens) is done and nothing is takeable."""
    acc, = [a for a, _ in opt._accumulator_list]
    st = sess._op_state[handle_key(sess.run(acc.accumulator_ref))]
    with st.cond:
        assert st.cond.wait_for(lambda: st.takes, timeout=30), "the chief's take never came"


# closing the session cancels the chief thread's take after the coordinator joined: the
# thread raises (TF1's too)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_sync_replicas_one_worker_drops_the_stale_step():
    """Tokens hold the global step: the first token is the initial one (step 0), so the
    second step's gradient (local step 0 < the accumulator's 1) is dropped, as TF1's."""
    with gc.Graph().as_default():
        gs, v, x, opt, train = _sync_model(1, 1)
        hook = opt.make_session_run_hook(is_chief=True)
        got = []
        with gc.train.MonitoredTrainingSession(hooks=[hook],
                                               stop_grace_period_secs=1) as sess:
            raw = sess._tf_sess()
            for i in range(4):
                sess.run(train, {x: [i, 0.0]})
                _settle(raw, opt)
                got.append((raw.run(gs), raw.run(v).tolist()))
        for t in threading.enumerate():       # the chief's thread ends within this test
            if t.name.startswith("QueueRunnerThread-sync_token_q"):
                t.join(10)
    assert got == [(1, [0.5, -1.0]), (1, [0.5, -1.0]), (2, [1.25, -0.5]),
                   (3, [2.125, -0.25])]


def test_sync_replicas_two_replicas_average():
    with gc.Graph().as_default():
        gs, v, x, opt, train = _sync_model(2, 2)
        sess = gc.Session()
        sess.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        hook = opt.make_session_run_hook(is_chief=True)
        hook.begin()
        coord = gc.train.Coordinator()
        hook.after_create_session(sess, coord)
        sess.run(train, {x: [0.0, 0.0]})
        sess.run(train, {x: [1.0, 10.0]})
        _settle(sess, opt)
        # the mean of [1, -2] and [0, -12], times 0.5
        assert sess.run(gs) == 1 and sess.run(v).tolist() == [0.75, 1.5]
        assert sess.run(opt._local_step) == 0      # the two initial tokens
        coord.request_stop()
        sess.close()


def test_sync_replicas_api():
    with gc.Graph().as_default():
        gs = gc.train.get_or_create_global_step()
        v = gc.get_variable("v", [2])
        opt = gc.train.SyncReplicasOptimizer(gc.train.AdamOptimizer(0.1), 2,
                                             total_num_replicas=3)
        with pytest.raises(ValueError, match="Should be called after apply_gradients"):
            opt.get_chief_queue_runner()
        with pytest.raises(ValueError, match="should be called after apply_gradients"):
            opt.get_init_tokens_op()
        with pytest.raises(ValueError, match="apply_gradient should be called before"):
            opt.make_session_run_hook(True).begin()
        with pytest.raises(ValueError, match="Must supply at least one variable"):
            opt.apply_gradients([], gs)
        grads = opt.compute_gradients(gc.reduce_sum(v * v))
        with pytest.raises(ValueError, match="Global step is required"):
            opt.apply_gradients(grads)
        train = opt.apply_gradients(grads, gs)
        assert train.dtype is gc.int64 and opt._tokens_per_step == 3
        assert opt.get_slot_names() == ["m", "v"] and opt.get_slot(v, "m") is not None
        assert [x.name for x in opt.variables()] == ["beta1_power:0", "beta2_power:0",
                                                    "v/Adam:0", "v/Adam_1:0"]
        assert isinstance(opt.get_chief_queue_runner(), gc.train.QueueRunner)
        assert opt.get_init_tokens_op(0).type == "NoOp"
        with pytest.raises(ValueError, match=r"Too few tokens to finish the first step: -2 "
                                             r"\(given\) vs -1 \(needed\)"):
            opt.get_init_tokens_op(-2)
        worker = opt.make_session_run_hook(is_chief=False)
        worker.begin()
        assert worker._q_runner is None and worker._init_tokens_op is None
        with gc.Session() as sess:
            with pytest.raises(RuntimeError, match="Init operations did not make model "
                                                   "ready for SyncReplicasOptimizer"):
                worker.after_create_session(sess, gc.train.Coordinator())
            sess.run([gc.global_variables_initializer(), gc.local_variables_initializer(),
                      gs.assign(5)])
            worker.after_create_session(sess, gc.train.Coordinator())
            assert sess.run(opt._local_step) == 5
