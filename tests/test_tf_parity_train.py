"""Parity with TF1 for training and state: optimizers, learning-rate schedules, moving
averages, variables and scopes, control flow, layers, RNNs and streaming metrics.

Stateful programs run through `_steps`: the same `build(m)` in a fresh graph for
m = graphc and m = tf.compat.v1, a few session runs, every fetched number compared.
TF 2.x with Keras 3 hides tf.compat.v1.layers and tf.nn.rnn_cell; the TF side takes
them from TF's bundled legacy copies (tensorflow.python.keras).
"""
import types

import numpy as np
import pytest
from tf_parity import _flat, check, rand, tf, v1

import graphc as gc

from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as _tf_cells  # noqa: E402
from tensorflow.python.keras.legacy_tf_layers import (convolutional as _tf_conv,  # noqa: E402
                                                      core as _tf_core)


def _layers(m):
    if m is gc:
        return gc.layers
    return types.SimpleNamespace(dense=_tf_core.dense, conv2d=_tf_conv.conv2d)


def _cells(m):
    return gc.nn.rnn_cell if m is gc else _tf_cells


def _pattern(shape, dtype=np.float64, scale=0.5):
    """Distinct, deterministic values: a square weight hides no swapped axis."""
    n = int(np.prod(shape))
    return (scale * np.sin(np.arange(1, n + 1) * 0.7)).reshape(shape).astype(dtype)


def _pattern_init(m):
    """An initializer callable giving _pattern(shape) in each library."""
    def init(shape, dtype=None, partition_info=None):
        dt = np.float32 if dtype is None else dtype.as_numpy_dtype
        return m.constant(_pattern(tuple(int(d) for d in shape), dt), dtype=dtype)
    return init


# ---- the side-by-side runner for stateful programs ---------------------------------------
def _history(m, build, steps):
    """[(step result, fetched values)] of `steps` runs of build(m)'s program."""
    g = m.Graph()
    with g.as_default():
        built = build(m)
        step, fetch, feed = (tuple(built) + (None, None))[:3]
        with m.Session(graph=g) as sess:
            sess.run(m.global_variables_initializer())
            sess.run(m.local_variables_initializer())
            out = [(None, sess.run(fetch, feed(0) if feed else None))]
            for i in range(steps):
                fd = feed(i) if feed else None
                got = None if step is None else sess.run(step, fd)
                out.append((got, sess.run(fetch, fd)))
    return out


def _same(a, b, what, rtol, atol):
    if a is None or b is None:
        assert a is None and b is None, f"{what}: {a!r} vs TF's {b!r}"
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != TF's {b.dtype}"
    assert a.shape == b.shape, f"{what}: shape {a.shape} != TF's {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)


def _steps(build, steps=5, rtol=1e-6, atol=1e-7):
    """build(m) -> (step, fetch[, feed(i)]) runs alike on graphc and TF1: the fetches
    before any step and after each step, and each step's own result."""
    got, want = _history(gc, build, steps), _history(v1, build, steps)
    for i, ((gs, gf), (ws, wf)) in enumerate(zip(got, want)):
        ga, wa = _flat(gs), _flat(ws)
        assert len(ga) == len(wa)
        for j, (a, b) in enumerate(zip(ga, wa)):
            _same(a, b, f"step {i} result {j}", rtol, atol)
        ga, wa = _flat(gf), _flat(wf)
        assert len(ga) == len(wa)
        for j, (a, b) in enumerate(zip(ga, wa)):
            _same(a, b, f"after step {i}: fetch {j}", rtol, atol)


def _both(fn):
    """fn(m) in a fresh graph of each library, for comparing Python results (names)."""
    out = []
    for m in (gc, v1):
        with m.Graph().as_default():
            out.append(fn(m))
    return out


def _names(ts):
    return [t.name for t in ts]


# ---- (1) optimizers ------------------------------------------------------------------------
_X = rand(4, 2, seed=1)
_Y = rand(4, 3, seed=2)


def _problem(m, dtype):
    """A small smooth loss of w (2, 3) and b (3,), with a third variable it ignores."""
    w = m.Variable(_pattern((2, 3), dtype), name="w")
    b = m.Variable(np.array([0.1, -0.2, 0.3], dtype), name="b")
    unused = m.Variable(np.array([1.0, 2.0], dtype), name="unused")
    z = m.matmul(m.constant(_X.astype(dtype)), w) + b
    loss = (m.reduce_mean(m.square(z - m.constant(_Y.astype(dtype))))
            + 0.1 * m.reduce_sum(m.sigmoid(z)))
    return w, b, unused, loss


OPTIMIZERS = {
    "sgd": lambda m: m.train.GradientDescentOptimizer(0.3),
    "momentum": lambda m: m.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda m: m.train.MomentumOptimizer(0.1, 0.7, use_nesterov=True),
    "adagrad": lambda m: m.train.AdagradOptimizer(0.2),
    "adagrad_init": lambda m: m.train.AdagradOptimizer(0.2, initial_accumulator_value=0.5),
    "adadelta": lambda m: m.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "rmsprop": lambda m: m.train.RMSPropOptimizer(0.05),
    "rmsprop_mom": lambda m: m.train.RMSPropOptimizer(0.05, decay=0.8, momentum=0.5,
                                                      epsilon=1e-4),
    "rmsprop_centered": lambda m: m.train.RMSPropOptimizer(0.05, momentum=0.3,
                                                           centered=True, epsilon=1e-3),
    "adam": lambda m: m.train.AdamOptimizer(0.1),
    # betas whose powers are exact in float32 (see test_optimizer_minimize)
    "adam_betas": lambda m: m.train.AdamOptimizer(0.05, beta1=0.5, beta2=0.75, epsilon=1e-3),
    "ftrl": lambda m: m.train.FtrlOptimizer(0.3),
    "ftrl_l1l2": lambda m: m.train.FtrlOptimizer(0.3, l1_regularization_strength=0.05,
                                                 l2_regularization_strength=0.1),
    "ftrl_power": lambda m: m.train.FtrlOptimizer(0.3, learning_rate_power=-0.3,
                                                  initial_accumulator_value=0.4,
                                                  l1_regularization_strength=0.01),
    "ftrl_power0": lambda m: m.train.FtrlOptimizer(0.3, learning_rate_power=0.0),
    "ftrl_shrinkage": lambda m: m.train.FtrlOptimizer(
        0.3, l1_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.2),
    "proximal_sgd": lambda m: m.train.ProximalGradientDescentOptimizer(0.3),
    "proximal_sgd_l1l2": lambda m: m.train.ProximalGradientDescentOptimizer(
        0.3, l1_regularization_strength=0.05, l2_regularization_strength=0.2),
    "proximal_adagrad": lambda m: m.train.ProximalAdagradOptimizer(0.3),
    "proximal_adagrad_l1l2": lambda m: m.train.ProximalAdagradOptimizer(
        0.3, initial_accumulator_value=0.2, l1_regularization_strength=0.05,
        l2_regularization_strength=0.2),
}


def _minimize(make, dtype, **kw):
    def build(m):
        w, b, unused, loss = _problem(m, dtype)
        opt = make(m)
        step = opt.minimize(loss, var_list=[w, b], **kw)
        slots = [opt.get_slot(v, s) for s in sorted(opt.get_slot_names()) for v in (w, b)]
        return step, [w, b, unused, loss] + slots
    return build


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_optimizer_minimize(name, dtype):
    if name.startswith("proximal") and dtype == np.float64:
        pytest.skip("TF's proximal optimizers fail on float64 (float32 hyperparameters)")
    tol = 1e-6 if dtype == np.float64 else 1e-5
    if name == "adam" and dtype == np.float64:
        # docs/optimizers.md: graphc keeps beta1_power/beta2_power in the variable's dtype,
        # TF1 in float32, and 1 - float32(0.999^t) is off by ~1e-5 relative
        tol = 1e-4
    _steps(_minimize(OPTIMIZERS[name], dtype), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_slot_names(name):
    def build(m):
        w, b, _, loss = _problem(m, np.float32)
        opt = OPTIMIZERS[name](m)
        opt.minimize(loss)
        return (sorted(opt.get_slot_names()), sorted(_names(m.global_variables())),
                sorted(_names(opt.variables())))
    got, want = _both(build)
    assert got == want


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam_betas", "rmsprop_centered", "ftrl"])
def test_optimizer_global_step(name):
    def build(m):
        w, b, unused, loss = _problem(m, np.float64)
        gs = m.train.get_or_create_global_step()
        step = OPTIMIZERS[name](m).minimize(loss, global_step=gs)
        return step, [w, b, unused, gs]
    _steps(build)


@pytest.mark.parametrize("name", ["sgd", "adam", "momentum"])
def test_optimizer_decayed_rate(name):
    """A learning rate that reads the global step sees the step before its increment."""
    def build(m):
        w, b, unused, loss = _problem(m, np.float64)
        gs = m.train.get_or_create_global_step()
        lr = m.train.exponential_decay(0.2, gs, 2, 0.5, staircase=True)
        opt = {"sgd": lambda: m.train.GradientDescentOptimizer(lr),
               "adam": lambda: m.train.AdamOptimizer(lr, beta1=0.5, beta2=0.75),
               "momentum": lambda: m.train.MomentumOptimizer(lr, 0.9)}[name]()
        return opt.minimize(loss, global_step=gs), [w, b, gs, lr]
    _steps(build, rtol=1e-5, atol=1e-6)  # the float32 schedule is cast to float64


def test_compute_apply_gradients_none():
    def build(m):
        w, b, unused, loss = _problem(m, np.float64)
        opt = m.train.AdamOptimizer(0.1, beta1=0.5, beta2=0.75)
        gvs = opt.compute_gradients(loss, var_list=[w, unused, b])
        assert gvs[1][0] is None and gvs[0][0] is not None
        step = opt.apply_gradients(gvs)
        return step, [w, b, unused, [g for g, _ in gvs if g is not None]]
    _steps(build)


def test_apply_gradients_clipped():
    def build(m):
        w, b, unused, loss = _problem(m, np.float64)
        gs = m.train.get_or_create_global_step()
        opt = m.train.MomentumOptimizer(0.1, 0.9)
        grads, tvars = zip(*opt.compute_gradients(loss, var_list=[w, b]))
        clipped, norm = m.clip_by_global_norm(list(grads), 0.5)
        step = opt.apply_gradients(zip(clipped, tvars), global_step=gs)
        return step, [w, b, gs, norm, clipped]
    _steps(build)


def test_apply_gradients_given():
    """Gradients that are plain tensors (not from compute_gradients), one of them None."""
    def build(m):
        w, b, unused, _ = _problem(m, np.float32)
        opt = m.train.RMSPropOptimizer(0.1, momentum=0.5)
        step = opt.apply_gradients([(m.ones_like(w) * 0.5, w), (None, unused),
                                    (m.constant([1.0, -2.0, 3.0]), b)])
        return step, [w, b, unused]
    _steps(build, rtol=1e-5, atol=1e-6)


# ---- learning-rate schedules -------------------------------------------------------------
SCHEDULES = {
    "exponential": lambda m, s: m.train.exponential_decay(0.1, s, 3, 0.5),
    "exponential_stair": lambda m, s: m.train.exponential_decay(0.1, s, 3, 0.5,
                                                                staircase=True),
    "piecewise": lambda m, s: m.train.piecewise_constant(s, [2, 5], [1.0, 0.5, 0.1]),
    "piecewise_decay": lambda m, s: m.train.piecewise_constant_decay(s, [2, 5],
                                                                    [1.0, 0.5, 0.1]),
    "polynomial": lambda m, s: m.train.polynomial_decay(0.1, s, 4, 0.01, power=2.0),
    "polynomial_cycle": lambda m, s: m.train.polynomial_decay(0.1, s, 4, 0.01, power=0.5,
                                                              cycle=True),
    "cosine": lambda m, s: m.train.cosine_decay(0.1, s, 6),
    "cosine_alpha": lambda m, s: m.train.cosine_decay(0.1, s, 6, alpha=0.2),
    "cosine_restarts": lambda m, s: m.train.cosine_decay_restarts(0.1, s, 3, t_mul=2.0,
                                                                  m_mul=0.5, alpha=0.1),
    "linear_cosine": lambda m, s: m.train.linear_cosine_decay(0.1, s, 6, num_periods=1.5,
                                                              alpha=0.1, beta=0.01),
    "inverse_time": lambda m, s: m.train.inverse_time_decay(0.1, s, 3, 0.5),
    "inverse_time_stair": lambda m, s: m.train.inverse_time_decay(0.1, s, 3, 0.5,
                                                                  staircase=True),
    "natural_exp": lambda m, s: m.train.natural_exp_decay(0.1, s, 3, 0.5),
    "natural_exp_stair": lambda m, s: m.train.natural_exp_decay(0.1, s, 3, 0.5,
                                                                staircase=True),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule(name):
    for s, dtype in [(0, np.int64), (2, np.int32), (3, np.int64), (7, np.int32),
                     (12, np.int64)]:
        check(SCHEDULES[name], np.asarray(s, dtype), grad=False, rtol=1e-6)


F64_SCHEDULES = {   # TF's cosine schedules fail on a float64 rate (a float32 Mul)
    "exponential": lambda m, r, s: m.train.exponential_decay(r, s, 3, 0.5, staircase=True),
    "polynomial": lambda m, r, s: m.train.polynomial_decay(r, s, 4, 0.01, power=2.0),
    "inverse_time": lambda m, r, s: m.train.inverse_time_decay(r, s, 3, 0.5),
    "natural_exp": lambda m, r, s: m.train.natural_exp_decay(r, s, 3, 0.5),
}


@pytest.mark.parametrize("name", sorted(F64_SCHEDULES))
def test_schedule_float64_rate(name):
    for s in (0, 4, 9):
        check(F64_SCHEDULES[name], np.float64(0.1), np.int64(s), grad=False)


# ---- ExponentialMovingAverage ----------------------------------------------------------------
@pytest.mark.parametrize("num_updates", [False, True])
def test_ema_variables(num_updates):
    def build(m):
        v = m.Variable(np.array([1.0, 2.0, -1.0]), name="v")
        u = m.Variable(np.float32(3.0), name="u")
        n = m.Variable(0, name="n") if num_updates else None
        ema = m.train.ExponentialMovingAverage(0.8, num_updates=n)
        moves = [v.assign_add(np.array([0.5, -1.0, 2.0])), u.assign(u * 2.0)]
        if n is not None:
            moves.append(n.assign_add(3))
        with m.control_dependencies(moves):
            step = ema.apply([v, u])
        names = [ema.average_name(v), ema.average(u).name,
                 sorted(ema.variables_to_restore()), _names(m.moving_average_variables())]
        return step, [v, u, ema.average(v), ema.average(u)], names
    _steps(lambda m: build(m)[:2])
    got, want = _both(lambda m: build(m)[2])
    assert got == want


def test_ema_zero_debias():
    def build(m):
        v = m.Variable(np.array([1.0, -2.0]), name="v")
        ema = m.train.ExponentialMovingAverage(0.7, zero_debias=True)
        with m.control_dependencies([v.assign_add(np.array([1.0, 0.5]))]):
            t = v.read_value() * 3.0
            step = ema.apply([t])
        return step, [v, ema.average(t)]
    _steps(build)


# ---- (2) variables and state -------------------------------------------------------------------
def test_assign_ops():
    def build(m):
        v = m.Variable(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), name="v")
        a = v.assign(v * 2.0)
        with m.control_dependencies([a]):
            b = v.assign_add(np.ones((2, 3)))
        with m.control_dependencies([b]):
            c = m.assign_sub(v, np.full((2, 3), 0.25))
        with m.control_dependencies([c]):
            r = v.read_value()
        return r, [v]
    _steps(build, steps=3)


def test_assign_int_and_module_functions():
    def build(m):
        v = m.Variable(np.array([3, -4, 5], np.int32), name="iv")
        w = m.Variable(np.array([1, 2], np.int64), name="lv")
        step = m.group(m.assign_add(v, [2, 2, 2]), m.assign(w, w * 3))
        return step, [v, w]
    _steps(build, steps=3)


def test_control_dependencies_read_after_assign():
    def build(m):
        v = m.Variable(np.float32(1.0), name="v")
        with m.control_dependencies([v.assign(5.0)]):
            r = m.identity(v)
        with m.control_dependencies([v.assign_add(2.0)]):
            r2 = v.read_value() * 1.0
        return r, r2
    for m_fetch in (0, 1):
        _steps(lambda m: (build(m)[m_fetch], []), steps=2)


SCATTERS = {
    "update": lambda m, v, i, u: m.scatter_update(v, i, u),
    "add": lambda m, v, i, u: m.scatter_add(v, i, u),
    "sub": lambda m, v, i, u: m.scatter_sub(v, i, u),
    "mul": lambda m, v, i, u: m.scatter_mul(v, i, u),
    "div": lambda m, v, i, u: m.scatter_div(v, i, u),
    "max": lambda m, v, i, u: m.scatter_max(v, i, u),
    "min": lambda m, v, i, u: m.scatter_min(v, i, u),
}


@pytest.mark.parametrize("name", sorted(SCATTERS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32])
def test_scatter(name, dtype):
    if name == "div" and dtype == np.int32:
        pytest.skip("integer division: see test_scatter_int_div")

    def build(m):
        v = m.Variable(np.arange(1, 13).reshape(4, 3).astype(dtype), name="v")
        idx = np.array([2, 0, 2], np.int32) if name in ("add", "sub", "max", "min") \
            else np.array([3, 0], np.int32)
        upd = (np.arange(len(idx) * 3).reshape(len(idx), 3) - 2).astype(dtype)
        if name in ("mul", "div"):
            upd = upd + 5
        return SCATTERS[name](m, v, idx, upd), [v]
    _steps(build, steps=2)


def test_scatter_scalar_index():
    def build(m):
        v = m.Variable(np.arange(12.0).reshape(4, 3), name="v")
        return m.scatter_update(v, 1, np.array([7.0, 8.0, 9.0])), [v]
    _steps(build, steps=1)


@pytest.mark.parametrize("op", ["scatter_nd_update", "scatter_nd_add", "scatter_nd_sub"])
def test_scatter_nd(op):
    def build(m):
        v = m.Variable(np.arange(24.0).reshape(2, 3, 4), name="v")
        whole = getattr(m, op)(v, np.array([[1, 2], [0, 0]], np.int64),
                               np.arange(8.0).reshape(2, 4))
        return whole, [v]
    _steps(build, steps=2)

    def build_el(m):
        v = m.Variable(np.arange(24.0).reshape(2, 3, 4), name="v")
        return getattr(m, op)(v, np.array([[1, 2, 3], [0, 1, 0]], np.int32),
                              np.array([-1.0, 5.0])), [v]
    _steps(build_el, steps=2)


def _get_variables(m):
    a = m.get_variable("a", [2, 3], initializer=m.constant_initializer(1.5))
    b = m.get_variable("b", [4], dtype=m.float64, initializer=m.zeros_initializer())
    c = m.get_variable("c", [3, 2], initializer=m.ones_initializer())
    d = m.get_variable("d", initializer=m.constant(_pattern((2, 5))))
    e = m.get_variable("e", [2, 3], dtype=m.int32, initializer=m.constant_initializer(7))
    f = m.get_variable("f", [2, 3], initializer=m.constant_initializer(
        _pattern((2, 3), np.float32)))
    with m.variable_scope("rand"):      # random: compared by name, dtype and shape only
        m.get_variable("g", [3, 4], initializer=m.random_normal_initializer(seed=1))
        m.get_variable("h", [5, 2], dtype=m.float64)   # glorot_uniform by default
    return [a, b, c, d, e, f]


def test_get_variable_initializers():
    _steps(lambda m: (None, _get_variables(m)), steps=0)
    got, want = _both(lambda m: _get_variables(m) and [
        (v.name, v.dtype.name, v.shape.as_list(), v.trainable) for v in m.global_variables()])
    assert got == want


def test_variable_scope_names():
    def build(m):
        out = []
        with m.variable_scope("outer"):
            w = m.get_variable("w", [2])
            with m.variable_scope("inner"):
                x = m.get_variable("x", [3])
                y = m.add(x, 1.0, name="y")
            with m.name_scope("ns"):
                z = m.get_variable("z", [1])        # name_scope does not prefix variables
                k = m.Variable(1.0, name="k")       # but does prefix Variables
                t = m.multiply(z, 2.0, name="t")
        with m.variable_scope("outer", reuse=True):
            w2 = m.get_variable("w")
            with m.variable_scope("inner"):
                x2 = m.get_variable("x")
        with m.variable_scope("outer") as sc:
            sc.reuse_variables()
            w3 = m.get_variable("w")
        with m.variable_scope("auto", reuse=m.AUTO_REUSE):
            a1 = m.get_variable("a", [2])
        with m.variable_scope("auto", reuse=m.AUTO_REUSE):
            a2 = m.get_variable("a", [2])
        with m.variable_scope(None, default_name="dflt"):
            d1 = m.get_variable("d", [1])
        with m.variable_scope(None, default_name="dflt"):
            d2 = m.get_variable("d", [1])
        with m.variable_scope(sc):
            q = m.get_variable("q", [1]) if False else m.constant(1.0, name="q")
        out += [w.name, x.name, y.name, z.name, k.name, t.name, q.name,
                w2 is w, x2 is x, w3 is w, a1 is a2, a1.name, d1.name, d2.name]
        out += sorted(_names(m.global_variables()))
        out += sorted(_names(m.trainable_variables("outer")))
        return out
    got, want = _both(build)
    assert got == want


def _error_of(fn):
    try:
        fn()
    except ValueError:
        return "ValueError"
    return "no error"


def test_variable_scope_reuse_errors():
    def build(m):
        with m.variable_scope("s"):
            m.get_variable("w", [2])

        def again():
            with m.variable_scope("s"):
                m.get_variable("w", [2])

        def missing():
            with m.variable_scope("s", reuse=True):
                m.get_variable("nope", [2])

        def other_shape():
            with m.variable_scope("s", reuse=True):
                m.get_variable("w", [3])
        return [_error_of(again), _error_of(missing), _error_of(other_shape)]
    got, want = _both(build)
    assert got == want


def test_name_scope_naming():
    def build(m):
        x = m.constant(1.0, name="x")
        with m.name_scope("a"):
            y = m.add(x, x, name="y")
            y2 = m.add(x, x, name="y")
            with m.name_scope("b"):
                z = m.identity(y)
        with m.name_scope("a"):
            w = m.identity(y)
        with m.name_scope("a/"):
            u = m.identity(y, name="u")
        v = m.Variable(2.0, name="v")
        v2 = m.Variable(2.0, name="v")
        g = m.group(m.identity(x), name="grp")
        return [x.name, y.name, y2.name, z.name, w.name, u.name, v.name, v2.name,
                v.op.name, g.name, v.initializer.name]
    got, want = _both(build)
    assert got == want


def test_group_and_tuple():
    def build(m):
        a = m.Variable(1.0, name="a")
        b = m.Variable(np.array([1.0, 2.0]), name="b")
        step = m.group(a.assign_add(1.5), b.assign_sub(np.array([0.5, 0.5])))
        return step, [a, b]
    _steps(build, steps=3)


# ---- (3) control flow -----------------------------------------------------------------------
def _nested_cond(m, p, q, x, y):
    return m.cond(p, lambda: m.cond(q, lambda: x * y, lambda: x - y),
                  lambda: m.sin(x) * 2.0)


def _power_loop(m, x, n):
    _, out = m.while_loop(lambda i, acc: i < n, lambda i, acc: (i + 1, acc * x),
                          [m.constant(0), m.ones_like(x)])
    return out


def _ta_squares(m, x):
    ta = m.TensorArray(x.dtype, size=x.shape[0])

    def body(i, ta):
        return i + 1, ta.write(i, m.square(x[i]) + m.cast(i, x.dtype))
    _, ta = m.while_loop(lambda i, ta: i < x.shape[0], body, [m.constant(0), ta])
    # TF 2's TensorList knows the size (4, 3); graphc, like TF1's TensorArray, gives (?, 3)
    return m.reshape(ta.stack(), [4, 3])


def _ta_unstack_sum(m, x):
    ta = m.TensorArray(x.dtype, size=x.shape[0]).unstack(x)

    def body(i, acc):
        return i + 1, acc * 0.5 + ta.read(i)
    _, acc = m.while_loop(lambda i, acc: i < x.shape[0], body,
                          [m.constant(0), m.zeros(x.shape[1:], x.dtype)])
    return acc


def _ta_dynamic(m, x):
    ta = m.TensorArray(x.dtype, size=0, dynamic_size=True)

    def body(i, ta):
        return i + 1, ta.write(i, x * m.cast(i + 1, x.dtype))
    _, ta = m.while_loop(lambda i, ta: i < 3, body, [m.constant(0), ta])
    return m.reshape(ta.stack(), [3, 2, 3]), ta.size()


def _ta_gather_concat(m, x):
    ta = m.TensorArray(x.dtype, size=x.shape[0]).unstack(x)
    return ta.gather([2, 0]), m.reshape(ta.concat(), [6]), ta.size()


def _ta_split_run_time(m, x, n):
    lengths = m.boolean_mask(n, n > 0)      # how many pieces is known only at run time
    ta = m.TensorArray(x.dtype, size=0, dynamic_size=True, infer_shape=False)
    ta = ta.split(m.reshape(x, [-1]), lengths)
    return m.reshape(ta.concat(), [6]) * 2.0, ta.size()


def _shape_inv(m, x):
    i0 = m.constant(0)
    _, out = m.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, m.concat([a, a * 2.0], 0)),
                          [i0, x], shape_invariants=[i0.shape, m.TensorShape([None, 3])])
    assert out.shape.as_list() == [None, 3]
    return m.reshape(out, [4, 3])


CONTROL = {
    "cond_true": (lambda m, p, x, y: m.cond(p, lambda: x * y, lambda: x + y),
                  np.True_, rand(2, 3), rand(2, 3, seed=3)),
    "cond_false": (lambda m, p, x, y: m.cond(p, lambda: x * y, lambda: x + y),
                   np.False_, rand(2, 3), rand(2, 3, seed=3)),
    "cond_tuple": (lambda m, p, x: m.cond(p, lambda: (x, m.exp(x)), lambda: (-x, x * x)),
                   np.False_, rand(3, 2)),
    "cond_dict": (lambda m, p, x: m.cond(p, lambda: {"a": m.tanh(x), "b": x},
                                         lambda: {"a": x, "b": m.square(x)}),
                  np.True_, rand(4)),
    "cond_closure_only_one": (lambda m, p, x, y: m.cond(p, lambda: x * 3.0, lambda: y),
                              np.True_, rand(3), rand(3, seed=4)),
    "cond_nested_tt": (_nested_cond, np.True_, np.True_, rand(2, 4), rand(2, 4, seed=5)),
    "cond_nested_tf": (_nested_cond, np.True_, np.False_, rand(2, 4), rand(2, 4, seed=5)),
    "cond_nested_f": (_nested_cond, np.False_, np.True_, rand(2, 4), rand(2, 4, seed=5)),
    "cond_pred_tensor": (lambda m, x: m.cond(m.reduce_sum(x) > 0, lambda: x * 2.0,
                                             lambda: x / 2.0), rand(3, 2)),
    "while_power": (_power_loop, rand(3, 2), np.int32(4)),
    "while_power0": (_power_loop, rand(3, 2), np.int32(0)),
    "while_max_iter": (lambda m, x: m.while_loop(lambda i, a: i < 100,
                                                 lambda i, a: (i + 1, m.sin(a) + a),
                                                 [m.constant(0), x],
                                                 maximum_iterations=3), rand(4)),
    "while_single_var": (lambda m, x: m.while_loop(lambda a: m.reduce_sum(a) < 50.0,
                                                   lambda a: a * 1.5 + 1.0, [x]),
                         np.abs(rand(3)) + 0.5),
    "while_shape_invariant": (_shape_inv, rand(1, 3)),
    "while_nested": (lambda m, x: m.while_loop(
        lambda i, a: i < 3,
        lambda i, a: (i + 1, m.while_loop(lambda j, b: j < 2,
                                          lambda j, b: (j + 1, b * x + 0.1),
                                          [m.constant(0), a])[1]),
        [m.constant(0), x])[1], rand(2, 2, seed=8, low=-1, high=1)),
    "case": (lambda m, i, x: m.case([(m.equal(i, 0), lambda: x * 2.0),
                                     (m.equal(i, 1), lambda: m.exp(x))],
                                    default=lambda: -x), np.int32(1), rand(2, 3)),
    "case_default": (lambda m, i, x: m.case([(m.equal(i, 0), lambda: x * 2.0),
                                             (m.equal(i, 1), lambda: m.exp(x))],
                                            default=lambda: -x), np.int32(5), rand(2, 3)),
    "case_exclusive": (lambda m, i, x: m.case([(m.equal(i, 0), lambda: x * 2.0),
                                               (m.greater(i, 3), lambda: m.exp(x))],
                                              default=lambda: -x, exclusive=True),
                       np.int32(4), rand(2, 3)),
    "ta_write_stack": (_ta_squares, rand(4, 3)),
    "ta_unstack_read": (_ta_unstack_sum, rand(5, 2)),
    "ta_dynamic_size": (_ta_dynamic, rand(2, 3)),
    "ta_gather_concat": (_ta_gather_concat, rand(3, 2)),
    "ta_split_run_time_lengths": (_ta_split_run_time, rand(2, 3),
                                  np.array([3, 0, 3], np.int32)),
    "map_fn": (lambda m, x: m.map_fn(lambda r: m.reduce_sum(r * r) + r[0], x), rand(4, 3)),
    "map_fn_tuple": (lambda m, x, y: m.map_fn(lambda ab: (ab[0] * ab[1], ab[0] - ab[1]),
                                              (x, y), dtype=(x.dtype, x.dtype)),
                     rand(3, 2), rand(3, 2, seed=9)),
    "map_fn_dtype": (lambda m, x: m.map_fn(lambda r: m.cast(m.argmax(r), m.int32), x,
                                           dtype=m.int32), rand(4, 3)),
    "scan": (lambda m, x: m.scan(lambda a, r: a * 0.5 + r, x), rand(4, 3)),
    "scan_init": (lambda m, x: m.scan(lambda a, r: a * r, x,
                                      initializer=m.ones_like(x[0])), rand(4, 3)),
    "scan_reverse": (lambda m, x: m.scan(lambda a, r: m.tanh(a) + r, x, reverse=True),
                     rand(5, 2)),
    "scan_tuple": (lambda m, x: m.scan(lambda a, r: (a[0] + r, a[1] * r), x,
                                       initializer=(m.zeros_like(x[0]), m.ones_like(x[0]))),
                   rand(3, 2)),
    "foldl": (lambda m, x: m.foldl(lambda a, r: a * r + 1.0, x), rand(4, 2)),
    "foldl_init": (lambda m, x: m.foldl(lambda a, r: a + m.reduce_sum(r), x,
                                        initializer=m.constant(0.5, x.dtype)), rand(4, 2)),
    "foldr": (lambda m, x: m.foldr(lambda a, r: a * r + 1.0, x), rand(4, 2)),
    "foldr_init": (lambda m, x: m.foldr(lambda a, r: a * 0.5 - r, x,
                                        initializer=m.zeros_like(x[0])), rand(4, 2)),
}


# docs/control-flow.md: no gradient through a loop variable whose shape changes between
# iterations (a growing dynamic_size TensorArray, a shape_invariants loop that concats)
NO_GRAD = {"ta_dynamic_size", "while_shape_invariant"}


@pytest.mark.parametrize("name", sorted(CONTROL))
def test_control(name):
    fn, *args = CONTROL[name]
    check(fn, *args, grad=name not in NO_GRAD)


@pytest.mark.parametrize("branch", [0, 1, 2, 7])
def test_switch_case(branch):
    if not hasattr(gc, "switch_case"):
        pytest.skip("graphc has no switch_case")
    check(lambda m, i, x: m.switch_case(i, [lambda: x * 2.0, lambda: m.exp(x),
                                            lambda: x - 1.0], default=lambda: -x),
          np.int32(branch), rand(2, 3))


def test_while_loop_gradient_of_counter_dependent():
    """d/dx of x^n by repeated multiply, plus a loop over a float32 accumulator."""
    check(lambda m, x: m.gradients(_power_loop(m, x, 3), x)[0], rand(2, 3, seed=11),
          grad=False)


def test_cond_in_while():
    check(lambda m, x: m.while_loop(
        lambda i, a: i < 4,
        lambda i, a: (i + 1, m.cond(m.equal(i % 2, 0), lambda: a * x, lambda: a + x)),
        [m.constant(0), x])[1], rand(3, seed=12))


def test_cond_with_variable_and_assign():
    def build(m):
        v = m.Variable(np.array([1.0, 2.0]), name="v")
        c = m.Variable(0, name="c")
        step = m.cond(m.equal(c % 2, 0), lambda: v.assign(v * 3.0),
                      lambda: v.assign_sub(np.array([1.0, 1.0])))
        with m.control_dependencies([step]):
            step = m.group(c.assign_add(1))
        return step, [v, c]
    _steps(build, steps=4)


# ---- (4) layers and RNNs ------------------------------------------------------------------
def _dense_case(m, x, activation=None, use_bias=True):
    init = _pattern_init(m)
    h = _layers(m).dense(x, 4, activation=activation, use_bias=use_bias,
                         kernel_initializer=init, bias_initializer=init)
    h2 = _layers(m).dense(h, 2, kernel_initializer=init, name="out")
    return h, h2


def _conv_case(m, x, padding, strides, fmt="channels_last", dilation=(1, 1)):
    init = _pattern_init(m)
    return _layers(m).conv2d(x, 3, (2, 3), strides=strides, padding=padding,
                             data_format=fmt, dilation_rate=dilation,
                             kernel_initializer=init, bias_initializer=init,
                             activation=m.nn.relu)


LAYERS = {
    "dense": (lambda m, x: _dense_case(m, x), rand(5, 3)),
    "dense_relu_nobias": (lambda m, x: _dense_case(m, x, m.nn.relu, False), rand(5, 3)),
    "dense_rank3": (lambda m, x: _dense_case(m, x, m.tanh), rand(2, 5, 3)),
    "dense_f32": (lambda m, x: _dense_case(m, x, m.sigmoid), rand(5, 3, dtype=np.float32)),
    "conv_valid": (lambda m, x: _conv_case(m, x, "valid", (1, 1)), rand(2, 5, 6, 2)),
    "conv_same_strided": (lambda m, x: _conv_case(m, x, "same", (2, 2)), rand(2, 5, 6, 2)),
    "conv_dilated": (lambda m, x: _conv_case(m, x, "same", 1, dilation=(2, 1)),
                     rand(1, 6, 5, 2)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers(name):
    fn, *args = LAYERS[name]
    tol = 1e-5 if args[0].dtype == np.float32 else 1e-6
    check(fn, *args, rtol=tol, atol=tol)


def test_layer_weight_gradients_and_names():
    def fn(m, x):
        h = _dense_case(m, x, m.tanh)[1]
        h = h + m.reduce_sum(_conv_case(m, m.reshape(x, [1, 3, 5, 1]), "same", (1, 2)))
        tv = m.trainable_variables()
        return m.gradients(m.reduce_sum(h * h), tv)
    check(fn, rand(3, 5), grad=False)
    got, want = _both(lambda m: sorted(_names(
        (_dense_case(m, m.zeros((2, 3))), _conv_case(m, m.zeros((1, 3, 4, 2)), "same", 1),
         _layers(m).dense(m.zeros((2, 3)), 2), m.trainable_variables())[-1])))
    assert got == want


def _bn_reference(m, x, training, axis=-1, momentum=0.9, epsilon=1e-3):
    """TF1 tf.layers.batch_normalization spelled with tf.nn (Keras 3 has no v1 layer)."""
    ndim = x.shape.ndims
    ax = axis % ndim
    n = x.shape[ax]
    reduce_axes = [a for a in range(ndim) if a != ax]
    bshape = [n if a == ax else 1 for a in range(ndim)]
    with v1.variable_scope("batch_normalization"):
        gamma = v1.get_variable("gamma", [n], x.dtype, initializer=_pattern_init(m))
        beta = v1.get_variable("beta", [n], x.dtype, initializer=v1.constant_initializer(0.3))
        mm = v1.get_variable("moving_mean", [n], x.dtype, trainable=False,
                             initializer=v1.constant_initializer(0.1))
        mv = v1.get_variable("moving_variance", [n], x.dtype, trainable=False,
                             initializer=v1.constant_initializer(2.0))
    if training is False:
        mean, var = mm, mv
    elif training is True:
        mean, var = v1.nn.moments(x, reduce_axes)
    else:               # a bool tensor: the moving statistics update to themselves
        mean, var = v1.cond(training, lambda: v1.nn.moments(x, reduce_axes),
                            lambda: (v1.identity(mm), v1.identity(mv)))
    y = v1.nn.batch_normalization(x, v1.reshape(mean, bshape), v1.reshape(var, bshape),
                                  v1.reshape(beta, bshape), v1.reshape(gamma, bshape),
                                  epsilon)
    if training is not False:
        count = np.prod([x.shape[a] for a in reduce_axes])
        # the fused 4-D kernel hands the moving variance the unbiased batch variance
        var_upd = var * (count / (count - 1.0)) if ndim == 4 and ax in (1, 3) else var
        if training is not True:
            var_upd = v1.where(training, var_upd, mv)
        v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, mm.assign_sub((mm - mean) * (1 - momentum)))
        v1.add_to_collection(v1.GraphKeys.UPDATE_OPS,
                             mv.assign_sub((mv - var_upd) * (1 - momentum)))
    return y


@pytest.mark.parametrize("shape,axis", [((6, 3), -1), ((4, 3, 5, 2), -1), ((4, 3, 5, 2), 1),
                                        ((3, 4, 5), 1)])
@pytest.mark.parametrize("training", [False, True])
def test_batch_normalization(shape, axis, training):
    data = rand(*shape, seed=13)

    def build(m):
        x = m.constant(data)
        if m is gc:
            y = gc.layers.batch_normalization(
                x, axis=axis, momentum=0.9, training=training,
                gamma_initializer=_pattern_init(m),
                beta_initializer=gc.constant_initializer(0.3),
                moving_mean_initializer=gc.constant_initializer(0.1),
                moving_variance_initializer=gc.constant_initializer(2.0))
        else:
            y = _bn_reference(m, x, training, axis)
        with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
            step = m.no_op()
        grads = m.gradients(m.reduce_sum(m.sin(y)), [x] + m.trainable_variables())
        return step, [y, grads, sorted(m.global_variables(), key=lambda v: v.name)]
    _steps(build, steps=2)


def _cell(m, kind, n):
    C = _cells(m)
    if kind == "basic_rnn":
        return C.BasicRNNCell(n)
    if kind == "gru":
        return C.GRUCell(n)
    if kind == "basic_lstm":
        return C.BasicLSTMCell(n, forget_bias=0.7)
    if kind == "lstm":
        return C.LSTMCell(n)
    if kind == "lstm_peep_proj":
        return C.LSTMCell(n, use_peepholes=True, num_proj=2, cell_clip=0.8, proj_clip=0.5,
                          initializer=_pattern_init(m))
    if kind == "multi":
        return C.MultiRNNCell([C.GRUCell(n), C.BasicLSTMCell(n + 1)])
    raise KeyError(kind)


def _rnn(m, x, kind, seq=None, time_major=False, initial=False):
    with m.variable_scope("rnn_test", initializer=_pattern_init(m)):
        cell = _cell(m, kind, 3)
        init = None
        if initial:
            init = cell.zero_state(x.shape[1 if time_major else 0], x.dtype)
            init = m.nest.map_structure(lambda t: t + 0.25, init) if hasattr(m, "nest") \
                else tf.nest.map_structure(lambda t: t + 0.25, init)
        out, state = m.nn.dynamic_rnn(cell, x, sequence_length=seq, initial_state=init,
                                      dtype=x.dtype, time_major=time_major)
    return out, state


RNNS = ["basic_rnn", "gru", "basic_lstm", "lstm", "lstm_peep_proj", "multi"]


@pytest.mark.parametrize("kind", RNNS)
def test_dynamic_rnn(kind):
    check(lambda m, x: _rnn(m, x, kind), rand(2, 4, 3, seed=14, low=-1, high=1))


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_dynamic_rnn_sequence_length_time_major(kind):
    check(lambda m, x, s: _rnn(m, x, kind, seq=s),
          rand(3, 5, 2, seed=15, low=-1, high=1), np.array([5, 2, 0], np.int32))
    check(lambda m, x: _rnn(m, x, kind, time_major=True, initial=True),
          rand(4, 2, 3, seed=16, low=-1, high=1))


@pytest.mark.parametrize("kind", ["basic_rnn", "gru", "lstm_peep_proj"])
def test_dynamic_rnn_weight_gradients(kind):
    def fn(m, x):
        out, state = _rnn(m, x, kind)
        # graphc's convert_to_tensor does not pack a list of tensors: add_n, not reduce_sum
        loss = m.reduce_sum(out * out) + m.add_n([m.reduce_sum(s) for s in _flat(state)])
        return m.gradients(loss, sorted(m.trainable_variables(), key=lambda v: v.name))
    check(fn, rand(2, 4, 3, seed=17, low=-1, high=1), grad=False)
    got, want = _both(lambda m: sorted(_names(
        (_rnn(m, m.zeros((2, 4, 3)), kind), m.trainable_variables())[1])))
    assert got == want


def test_rnn_training_steps():
    """A few Adam steps on an LSTM's weights agree."""
    data = rand(2, 4, 3, seed=18, low=-1, high=1)

    def build(m):
        out, state = _rnn(m, m.constant(data), "lstm")
        loss = m.reduce_mean(m.square(out - 0.3))
        step = m.train.AdamOptimizer(0.05).minimize(loss)
        return step, [loss, sorted(m.trainable_variables(), key=lambda v: v.name)]
    _steps(build, steps=3, rtol=1e-6, atol=1e-6)


# ---- (5) metrics --------------------------------------------------------------------------
_LABELS = [np.array([1, 0, 1, 1, 0]), np.array([0, 0, 1, 0, 1]), np.array([1, 1, 0, 1, 0])]
_SCORES = [np.array([0.9, 0.2, 0.4, 0.7, 0.6]), np.array([0.1, 0.5, 0.8, 0.3, 0.45]),
           np.array([0.65, 0.3, 0.2, 0.95, 0.05])]
_WEIGHTS = [np.array([1.0, 0.5, 2.0, 1.0, 0.0]), np.array([1.0, 1.0, 1.0, 3.0, 1.0]),
            np.array([0.2, 0.4, 0.6, 0.8, 1.0])]

METRICS = {
    "accuracy": lambda m, l, p, w: m.metrics.accuracy(l, m.cast(p > 0.5, m.int64)),
    "accuracy_w": lambda m, l, p, w: m.metrics.accuracy(l, m.cast(p > 0.5, m.int64),
                                                        weights=w),
    "mean": lambda m, l, p, w: m.metrics.mean(p),
    "mean_w": lambda m, l, p, w: m.metrics.mean(p, weights=w),
    "precision": lambda m, l, p, w: m.metrics.precision(l, p > 0.5),
    "precision_w": lambda m, l, p, w: m.metrics.precision(l, p > 0.5, weights=w),
    "recall": lambda m, l, p, w: m.metrics.recall(l, p > 0.5),
    "recall_w": lambda m, l, p, w: m.metrics.recall(l, p > 0.5, weights=w),
    "auc": lambda m, l, p, w: m.metrics.auc(l, p),
    "auc_pr": lambda m, l, p, w: m.metrics.auc(l, p, curve="PR", num_thresholds=50),
    "auc_w_minoring": lambda m, l, p, w: m.metrics.auc(l, p, weights=w, num_thresholds=20,
                                                       summation_method="minoring"),
    "auc_careful": lambda m, l, p, w: m.metrics.auc(
        l, p, summation_method="careful_interpolation", curve="PR", num_thresholds=30),
    "mse": lambda m, l, p, w: m.metrics.mean_squared_error(m.cast(l, m.float32), p),
    "mae_w": lambda m, l, p, w: m.metrics.mean_absolute_error(m.cast(l, m.float32), p, w),
    "rmse": lambda m, l, p, w: m.metrics.root_mean_squared_error(m.cast(l, m.float32), p),
    "percentage_below": lambda m, l, p, w: m.metrics.percentage_below(p, 0.5),
    "mean_iou": lambda m, l, p, w: m.metrics.mean_iou(l, m.cast(p > 0.5, m.int64), 2),
    "mean_per_class_accuracy": lambda m, l, p, w: m.metrics.mean_per_class_accuracy(
        l, m.cast(p > 0.5, m.int64), 2),
    "precision_at_thresholds": lambda m, l, p, w: m.metrics.precision_at_thresholds(
        m.cast(l, m.bool), p, [0.3, 0.5, 0.7]),
    "recall_at_thresholds": lambda m, l, p, w: m.metrics.recall_at_thresholds(
        m.cast(l, m.bool), p, [0.3, 0.5, 0.7]),
    "false_negatives": lambda m, l, p, w: m.metrics.false_negatives(l, p > 0.5),
    "true_positives": lambda m, l, p, w: m.metrics.true_positives(l, p > 0.5),
}


@pytest.mark.parametrize("name", sorted(METRICS))
def test_metric(name):
    if name in ("false_negatives", "true_positives") and not hasattr(gc.metrics, name):
        pytest.skip(f"graphc has no metrics.{name}")

    def build(m):
        lab = m.placeholder(m.int64, [5])
        pred = m.placeholder(m.float32, [5])
        w = m.placeholder(m.float32, [5])
        value, update = METRICS[name](m, lab, pred, w)

        def feed(i):
            i = min(i, 2)
            return {lab: _LABELS[i], pred: _SCORES[i].astype(np.float32),
                    w: _WEIGHTS[i].astype(np.float32)}
        return update, value, feed
    _steps(build, steps=3, rtol=1e-5, atol=1e-6)


def test_metric_variables_and_reset():
    def build(m):
        lab = m.placeholder(m.int64, [5])
        acc, upd = m.metrics.accuracy(lab, m.constant([1, 0, 1, 0, 1], m.int64))
        return sorted(_names(m.local_variables())), acc.name.split(":")[0].split("/")[0]
    got, want = _both(build)
    assert got == want


# ---- more: sparse-gradient training, wrappers, pooling, more metrics ---------------------------
_IDS = [np.array(i, np.int32) for i in ([0, 3, 3, 1], [4, 4], [4, 2, 0, 2, 2], [1])]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_gather_gradient(name):
    """A loss that reads rows of w through gather (repeated and negative ids, rows left
    out in some steps): both libraries apply an IndexedSlices gradient, updating only the
    rows looked up (Adam: every row, TF1's sparse Adam); the slots agree too."""
    def build(m):
        w = m.Variable(_pattern((5, 3), np.float32), name="emb")
        ids = m.placeholder(m.int32, [None])
        rows = m.nn.embedding_lookup(w, ids)
        loss = m.reduce_sum(m.square(rows - 0.2)) + m.reduce_sum(m.sin(rows))
        opt = OPTIMIZERS[name](m)
        step = opt.minimize(loss)
        slots = [opt.get_slot(w, s) for s in opt.get_slot_names()]
        return step, [w] + slots, lambda i: {ids: _IDS[i % len(_IDS)]}
    _steps(build, rtol=1e-5, atol=1e-6)


def test_compute_gradients_gives_indexed_slices():
    """compute_gradients of a looked-up variable: an IndexedSlices in both, fetched as an
    IndexedSlicesValue with the same values, indices and dense_shape."""
    def build(m):
        w = m.Variable(_pattern((5, 3), np.float32), name="emb")
        a = m.gather(w, m.constant([0, 3, 3]))
        b = m.nn.embedding_lookup(w, m.constant([[4, 0]]))
        loss = m.reduce_sum(a * 2.0) + m.reduce_sum(m.square(b))
        (g, _), = m.train.GradientDescentOptimizer(0.1).compute_gradients(loss, [w])
        assert type(g).__name__ == "IndexedSlices"
        clipped = m.clip_by_norm(g, 1.0)
        assert type(clipped).__name__ == "IndexedSlices"
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return sess.run([g, clipped, m.convert_to_tensor(g)])
    got, want = _both(build)
    assert type(got[0]).__name__ == type(want[0]).__name__ == "IndexedSlicesValue"
    for a, b in zip(_flat(got), _flat(want)):
        _same(a, b, "gradient", 1e-6, 1e-7)


def test_gate_graph_and_grad_loss():
    def build(m):
        w, b, unused, loss = _problem(m, np.float64)
        opt = m.train.MomentumOptimizer(0.1, 0.5)
        gvs = opt.compute_gradients(loss, var_list=[w, b], gate_gradients=2,
                                    grad_loss=m.constant(2.0, m.float64))
        return opt.apply_gradients(gvs), [w, b]
    _steps(build)


def _sl(m, values, indices):
    return m.IndexedSlices(m.constant(values), m.constant(indices))


@pytest.mark.parametrize("mode", ["update", "add", "sub", "nd_update", "nd_add", "nd_sub"])
def test_variable_scatter_methods(mode):
    def build(m):
        v = m.Variable(np.arange(12.0).reshape(4, 3), name="v")
        if mode.startswith("nd"):
            op = getattr(v, "scatter_" + mode)(np.array([[3], [1]], np.int32),
                                                np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]]))
        else:
            op = getattr(v, "scatter_" + mode)(_sl(m, np.array([[1.0, 2.0, 3.0],
                                                                [-1.0, 0.5, 4.0]]),
                                                   np.array([3, 1], np.int32)))
        return op, [v]
    _steps(build, steps=2)


def test_scatter_int_div():
    def build(m):
        v = m.Variable(np.array([[7, -7, 9], [-9, 5, 0]], np.int32), name="v")
        return m.scatter_div(v, np.array([1, 0], np.int32),
                             np.array([[2, 2, -4], [2, -3, 4]], np.int32)), [v]
    _steps(build, steps=2)


@pytest.mark.parametrize("branch", [0, 2, -1, 9])
def test_switch_case_dict(branch):
    if not hasattr(gc, "switch_case"):
        pytest.skip("graphc has no switch_case")
    check(lambda m, i, x: m.switch_case(i, {1: lambda: x * 2.0, 0: lambda: m.exp(x)}),
          np.int32(branch), rand(3))


def _wrapped(m, x, kind):
    C = _cells(m)
    with m.variable_scope("w", initializer=_pattern_init(m)):
        if kind == "residual":
            cell = C.ResidualWrapper(C.GRUCell(3))
        elif kind == "dropout1":
            cell = C.DropoutWrapper(C.BasicLSTMCell(3), input_keep_prob=1.0,
                                    output_keep_prob=1.0)
        elif kind == "multi_lstm_tuple":
            cell = C.MultiRNNCell([C.LSTMCell(4), C.LSTMCell(3, num_proj=2)])
        return m.nn.dynamic_rnn(cell, x, dtype=x.dtype)


@pytest.mark.parametrize("kind", ["residual", "dropout1", "multi_lstm_tuple"])
def test_rnn_wrappers(kind):
    check(lambda m, x: _wrapped(m, x, kind), rand(2, 4, 3, seed=19, low=-1, high=1))


def _bidi(m, x, seq):
    with m.variable_scope("bidi", initializer=_pattern_init(m)):
        C = _cells(m)
        return m.nn.bidirectional_dynamic_rnn(C.GRUCell(3), C.BasicLSTMCell(2), x,
                                              sequence_length=seq, dtype=x.dtype)


def _static(m, x, seq):
    with m.variable_scope("static", initializer=_pattern_init(m)):
        cell = _cells(m).BasicLSTMCell(3)
        return m.nn.static_rnn(cell, m.unstack(x, axis=1), sequence_length=seq,
                               dtype=x.dtype)


def _static_bidi(m, x, seq):
    with m.variable_scope("sbidi", initializer=_pattern_init(m)):
        C = _cells(m)
        return m.nn.static_bidirectional_rnn(C.GRUCell(2), C.GRUCell(3),
                                             m.unstack(x, axis=1), sequence_length=seq,
                                             dtype=x.dtype)


@pytest.mark.parametrize("fn", [_bidi, _static, _static_bidi])
def test_rnn_variants(fn):
    check(fn, rand(3, 4, 2, seed=20, low=-1, high=1), np.array([4, 1, 3], np.int32))


def _pool(m, x, kind, padding, fmt="channels_last"):
    if m is gc:
        f = gc.layers.max_pooling2d if kind == "max" else gc.layers.average_pooling2d
    else:
        from tensorflow.python.keras.legacy_tf_layers import pooling
        f = pooling.max_pooling2d if kind == "max" else pooling.average_pooling2d
    return f(x, (2, 3), (2, 1), padding=padding, data_format=fmt)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pooling_layers(kind, padding):
    check(lambda m, x: _pool(m, x, kind, padding), rand(2, 5, 7, 3))


def test_layers_reuse_and_flatten():
    def fn(m, x, y):
        init = _pattern_init(m)
        a = _layers(m).dense(x, 2, kernel_initializer=init, name="shared")
        b = _layers(m).dense(y, 2, kernel_initializer=init, name="shared", reuse=True)
        flat = gc.layers.flatten(x[:, None, :]) if m is gc else _tf_core.flatten(
            x[:, None, :])
        assert len(m.trainable_variables()) == 2
        return a, b, flat
    check(fn, rand(3, 4), rand(2, 4, seed=21))


MORE_METRICS = {
    "mean_tensor": lambda m, l, p, w: m.metrics.mean_tensor(m.reshape(p, [5, 1]) * 2.0),
    "mean_relative_error": lambda m, l, p, w: m.metrics.mean_relative_error(
        m.cast(l, m.float32), p, normalizer=p + 1.0),
    "mean_cosine_distance": lambda m, l, p, w: m.metrics.mean_cosine_distance(
        m.reshape(m.nn.l2_normalize(m.cast(l, m.float32) + 0.5, 0), [5, 1]),
        m.reshape(m.nn.l2_normalize(p, 0), [5, 1]), dim=1),
    "sensitivity_at_specificity": lambda m, l, p, w: m.metrics.sensitivity_at_specificity(
        l, p, 0.6, num_thresholds=20),
    "specificity_at_sensitivity": lambda m, l, p, w: m.metrics.specificity_at_sensitivity(
        l, p, 0.5, weights=w, num_thresholds=20),
    "true_positives_at_thresholds": lambda m, l, p, w:
        m.metrics.true_positives_at_thresholds(l, p, [0.25, 0.5, 0.75]),
    "false_positives_at_thresholds": lambda m, l, p, w:
        m.metrics.false_positives_at_thresholds(l, p, [0.25, 0.5, 0.75], weights=w),
    "mean_iou_w": lambda m, l, p, w: m.metrics.mean_iou(
        l, m.cast(p > 0.4, m.int64), 2, weights=w),
}


@pytest.mark.parametrize("name", sorted(MORE_METRICS))
def test_more_metrics(name):
    fname = name[:-2] if name.endswith("_w") else name
    if not hasattr(gc.metrics, fname):
        pytest.skip(f"graphc has no metrics.{fname}")
    METRICS[name] = MORE_METRICS[name]
    try:
        test_metric(name)
    finally:
        del METRICS[name]


def test_piecewise_float_and_boundaries():
    for x in (-1.0, 0.5, 1.0, 2.5, 9.0):
        check(lambda m, s: m.train.piecewise_constant(s, [0.5, 2.5], [3.0, 2.0, 1.0]),
              np.float32(x), grad=False)
    for x in (0, 3, 10):
        check(lambda m, s: m.train.piecewise_constant(s, [3], [np.int32(7), np.int32(-1)]),
              np.int32(x), grad=False)


def test_ema_decay_tensor_and_scoped_names():
    def build(m):
        with m.variable_scope("net"):
            v = m.get_variable("v", initializer=np.array([1.0, -1.0], np.float32))
        decay = m.constant(0.6)
        ema = m.train.ExponentialMovingAverage(decay, name="E")
        with m.control_dependencies([v.assign(v * 2.0 + 1.0)]):
            step = ema.apply()
        return step, [v, ema.average(v)], [ema.average(v).name, ema.average_name(v)]
    _steps(lambda m: build(m)[:2], steps=3)
    got, want = _both(lambda m: build(m)[2])
    assert got == want


@pytest.mark.parametrize("shape", [(5, 3), (2, 3, 4, 2)])
@pytest.mark.parametrize("mode", [False, True])
def test_batch_normalization_training_tensor(shape, mode):
    """training as a bool tensor: the batch or the moving statistics, chosen per run."""
    data = rand(*shape, seed=22)

    def build(m):
        x = m.constant(data)
        training = m.placeholder_with_default(mode, [])
        if m is gc:
            y = gc.layers.batch_normalization(
                x, training=training, momentum=0.5, gamma_initializer=_pattern_init(m),
                beta_initializer=gc.constant_initializer(0.3),
                moving_mean_initializer=gc.constant_initializer(0.1),
                moving_variance_initializer=gc.constant_initializer(2.0))
        else:
            y = _bn_reference(m, x, training, momentum=0.5)
        with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
            step = m.no_op()
        return step, [y, sorted(m.global_variables(), key=lambda v: v.name)]
    _steps(build, steps=2)


@pytest.mark.parametrize("strict", [False, True])
def test_cond_singleton_list(strict):
    """TF1 (strict=False) unpacks a branch's singleton list; TF 2's cond_v2, which
    tf.compat.v1 uses, does not: graphc keeps TF1's documented behaviour."""
    with gc.Graph().as_default():
        out = gc.cond(gc.constant(True), lambda: [gc.constant(1.0)],
                      lambda: [gc.constant(2.0)], strict=strict)
    assert isinstance(out, list) == strict
