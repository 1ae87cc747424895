"""gc.train: each optimizer against a numpy transcription of the TF1 kernel formulas,
plus the Optimizer protocol (global_step, var_list, slots, unconnected variables)."""
import numpy as np
import pytest

import graphc as gc

RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 3))
Y = RNG.normal(size=(6, 2))
W0 = RNG.normal(size=(3, 2))
B0 = RNG.normal(size=(2,))
STEPS = 5


def _problem():
    """loss = sum((X W + b - Y)^2) in float64: gradients 2 X^T r and 2 sum_rows(r)."""
    W = gc.Variable(W0, name="W")
    b = gc.Variable(B0, name="b")
    loss = gc.square(gc.matmul(gc.constant(X), W) + b - gc.constant(Y))
    return W, b, loss


def _np_grads(params):
    W, b = params
    r = 2 * (X @ W + b - Y)
    return [X.T @ r, r.sum(axis=0)]


# ---- numpy references: state per variable, step(p, g, s, t) -> new p -----------------------
def sgd(lr):
    def step(p, g, s, t):
        return p - g * lr
    return step, lambda p: {}


def momentum(lr, mu, nesterov=False):
    def step(p, g, s, t):
        s["momentum"] = s["momentum"] * mu + g
        if nesterov:
            return p - (g * lr + s["momentum"] * mu * lr)
        return p - s["momentum"] * lr
    return step, lambda p: {"momentum": np.zeros_like(p)}


def adagrad(lr, init=0.1):
    def step(p, g, s, t):
        s["accumulator"] = s["accumulator"] + g * g
        return p - g * lr * (1 / np.sqrt(s["accumulator"]))
    return step, lambda p: {"accumulator": np.full_like(p, init)}


def rmsprop(lr, decay=0.9, mu=0.0, eps=1e-10, centered=False):
    def step(p, g, s, t):
        s["rms"] = s["rms"] + (g * g - s["rms"]) * (1 - decay)
        if centered:
            s["mg"] = s["mg"] + (g - s["mg"]) * (1 - decay)
            denom = (s["rms"] - s["mg"] ** 2) + eps
        else:
            denom = s["rms"] + eps
        s["momentum"] = s["momentum"] * mu + (g * lr) / np.sqrt(denom)
        return p - s["momentum"]

    def init(p):
        s = {"rms": np.ones_like(p), "momentum": np.zeros_like(p)}
        if centered:
            s["mg"] = np.zeros_like(p)
        return s
    return step, init


def adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-8):
    def step(p, g, s, t):       # beta1^t, beta2^t: float32 variables, as TF1's
        b1p, b2p = (float(_f32_power(b, t)) for b in (b1, b2))
        lr_t = lr * np.sqrt(1 - b2p) / (1 - b1p)
        s["m"] = s["m"] + (g - s["m"]) * (1 - b1)
        s["v"] = s["v"] + (g * g - s["v"]) * (1 - b2)
        return p - (s["m"] * lr_t) / (np.sqrt(s["v"]) + eps)
    return step, lambda p: {"m": np.zeros_like(p), "v": np.zeros_like(p)}


def _f32_power(b, t):
    """b^t as a float32 variable starting at b, multiplied by float32(b) each step."""
    p = np.float32(b)
    for _ in range(t - 1):
        p = np.float32(p * np.float32(b))
    return p


CASES = {
    "sgd": (lambda: gc.train.GradientDescentOptimizer(0.01), sgd(0.01)),
    "momentum": (lambda: gc.train.MomentumOptimizer(0.01, 0.9), momentum(0.01, 0.9)),
    "nesterov": (lambda: gc.train.MomentumOptimizer(0.01, 0.9, use_nesterov=True),
                 momentum(0.01, 0.9, nesterov=True)),
    "adagrad": (lambda: gc.train.AdagradOptimizer(0.3), adagrad(0.3)),
    "adagrad_init": (lambda: gc.train.AdagradOptimizer(0.3, initial_accumulator_value=2.0),
                     adagrad(0.3, init=2.0)),
    "rmsprop": (lambda: gc.train.RMSPropOptimizer(0.05), rmsprop(0.05)),
    "rmsprop_momentum": (lambda: gc.train.RMSPropOptimizer(0.05, decay=0.8, momentum=0.5,
                                                           epsilon=1e-6),
                         rmsprop(0.05, decay=0.8, mu=0.5, eps=1e-6)),
    "rmsprop_centered": (lambda: gc.train.RMSPropOptimizer(0.05, momentum=0.3,
                                                           centered=True),
                         rmsprop(0.05, mu=0.3, centered=True)),
    "adam": (lambda: gc.train.AdamOptimizer(0.1), adam(0.1)),
    "adam_defaults": (lambda: gc.train.AdamOptimizer(), adam()),
    "adam_betas": (lambda: gc.train.AdamOptimizer(0.05, beta1=0.5, beta2=0.9, epsilon=1e-3),
                   adam(0.05, b1=0.5, b2=0.9, eps=1e-3)),
}


@pytest.mark.parametrize("optimize", [True, False], ids=["optimized", "unoptimized"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_optimizer_matches_numpy_formulas(case, optimize):
    make_opt, (np_step, np_init) = CASES[case]
    W, b, loss = _problem()
    opt = make_opt()
    train = opt.minimize(loss)
    params = [W0.copy(), B0.copy()]
    states = [np_init(p) for p in params]
    with gc.Session(optimize=optimize) as sess:
        sess.run(gc.global_variables_initializer())
        for t in range(1, STEPS + 1):
            grads = _np_grads(params)
            params = [np_step(p, g, s, t) for p, g, s in zip(params, grads, states)]
            sess.run(train)
            got = sess.run([W, b])
            for want, have in zip(params, got):
                np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-12,
                                           err_msg=f"{case}, step {t}")
        for var, state in zip([W, b], states):
            for name, want in state.items():
                slot = opt.get_slot(var, name)
                np.testing.assert_allclose(sess.run(slot), want, rtol=1e-12, atol=1e-12,
                                           err_msg=f"{case}: slot {name}")
        assert sorted(opt.get_slot_names()) == sorted(states[0])


def test_adam_beta_powers_advance_once_per_step():
    W, b, loss = _problem()
    opt = gc.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.95)
    train = opt.minimize(loss)
    b1p, b2p = opt._get_beta_accumulators()
    assert b1p.node.name == "beta1_power" and not b1p.trainable
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert b1p.dtype == gc.float32      # TF1: float32 whatever the variables' dtype
        np.testing.assert_allclose(sess.run([b1p, b2p]), [0.8 ** 4, 0.95 ** 4], rtol=1e-7)


@pytest.mark.parametrize("as_tensor", ["placeholder", "float32_constant"])
def test_learning_rate_tensor(as_tensor):
    W, b, loss = _problem()
    if as_tensor == "placeholder":
        lr = gc.placeholder(gc.float64, shape=())
        feed = {lr: 0.01}
    else:
        lr = gc.constant(0.25, dtype=gc.float32)     # cast to the variables' float64
        feed = {}
    value = 0.01 if as_tensor == "placeholder" else 0.25
    train = gc.train.MomentumOptimizer(lr, 0.9).minimize(loss)
    np_step, np_init = momentum(value, 0.9)
    params = [W0.copy(), B0.copy()]
    states = [np_init(p) for p in params]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for t in range(1, 4):
            params = [np_step(p, g, s, t)
                      for p, g, s in zip(params, _np_grads(params), states)]
            sess.run(train, feed_dict=feed)
        for want, have in zip(params, sess.run([W, b])):
            np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-12)


def test_float32_variables():
    w = gc.Variable(np.array([1.0, -2.0], dtype=np.float32), name="w")
    loss = gc.square(w)
    train = gc.train.AdamOptimizer(0.1).minimize(loss)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train)
        out = sess.run(w)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0.9, -1.9], rtol=1e-6)


def test_minimize_with_global_step_increments_it():
    W, b, loss = _problem()
    assert gc.train.get_global_step() is None
    step = gc.train.get_or_create_global_step()
    assert gc.train.get_or_create_global_step() is step
    assert gc.train.get_global_step() is step
    assert step.dtype is gc.int64 and step.node.name == "global_step"
    assert not step.trainable and step not in gc.trainable_variables()
    assert gc.get_default_graph().get_collection("global_step") == [step]
    train = gc.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=step)
    assert train.name == "GradientDescent"
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert gc.train.global_step(sess, step) == 3
        params = [W0.copy(), B0.copy()]
        for _ in range(3):
            params = [p - g * 0.01 for p, g in zip(params, _np_grads(params))]
        np.testing.assert_allclose(sess.run(W), params[0], rtol=1e-12)
    with pytest.raises(ValueError, match="already exists"):
        gc.train.create_global_step()


def test_global_step_increment_runs_after_the_updates():
    w = gc.Variable(np.array(1.0), name="w")
    step = gc.train.get_or_create_global_step()
    train = gc.train.GradientDescentOptimizer(0.5).minimize(gc.square(w), global_step=step)
    assert train.control_inputs, "the increment must wait for the update group"
    update = train.control_inputs[0]
    assert update.name == "GradientDescent/update"


def test_var_list_restricts_updates():
    W, b, loss = _problem()
    opt = gc.train.MomentumOptimizer(0.01, 0.9)
    train = opt.minimize(loss, var_list=[W])
    assert opt.get_slot(b, "momentum") is None
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train)
        sess.run(train)
        got_W, got_b = sess.run([W, b])
    np.testing.assert_array_equal(got_b, B0)
    assert not np.allclose(got_W, W0)


def test_slots_are_variables():
    W, b, loss = _problem()
    opt = gc.train.AdamOptimizer()
    opt.minimize(loss)
    m, v = opt.get_slot(W, "m"), opt.get_slot(W, "v")
    assert isinstance(m, gc.Variable) and isinstance(v, gc.Variable)
    assert (m.node.name, v.node.name) == ("W/Adam", "W/Adam_1")
    assert m.shape == W.shape and m.dtype is W.dtype
    assert not m.trainable and m not in gc.trainable_variables()
    assert m in gc.global_variables()
    assert opt.get_slot(W, "no_such_slot") is None
    assert opt.get_slot_names() == ["m", "v"]
    assert [x.node.name for x in opt.variables()] == [
        "W/Adam", "W/Adam_1", "b/Adam", "b/Adam_1", "beta1_power", "beta2_power"]
    assert gc.trainable_variables() == [W, b]


def test_slot_names_ignore_the_current_name_scope():
    with gc.name_scope("layer"):
        w = gc.Variable(np.ones(2), name="w")
    with gc.name_scope("training"):
        opt = gc.train.MomentumOptimizer(0.1, 0.9)
        opt.minimize(gc.square(w))
    assert opt.get_slot(w, "momentum").node.name == "layer/w/Momentum"


def test_rmsprop_slots_start_at_tf1_values():
    w = gc.Variable(np.zeros(3), name="w")
    opt = gc.train.RMSPropOptimizer(0.1, centered=True)
    opt.minimize(gc.square(w - 1.0))
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(opt.get_slot(w, "rms")), np.ones(3))
        np.testing.assert_array_equal(sess.run(opt.get_slot(w, "mg")), np.zeros(3))
    names = {opt.get_slot(w, n).node.name for n in ("rms", "mg", "momentum")}
    assert names == {"w/RMSProp", "w/RMSProp_1", "w/RMSProp_2"}


def test_unconnected_variables_get_none_and_are_skipped():
    W, b, loss = _problem()
    unused = gc.Variable(np.ones(4), name="unused")
    opt = gc.train.MomentumOptimizer(0.01, 0.9)
    grads_and_vars = opt.compute_gradients(loss)
    assert [v for _, v in grads_and_vars] == [W, b, unused]
    assert grads_and_vars[2][0] is None
    assert all(g is not None for g, _ in grads_and_vars[:2])
    train = opt.apply_gradients(grads_and_vars)
    assert opt.get_slot(unused, "momentum") is None
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train)
        np.testing.assert_array_equal(sess.run(unused), np.ones(4))


def test_no_gradients_at_all_is_an_error():
    W, b, loss = _problem()
    other = gc.Variable(np.ones(2), name="other")
    opt = gc.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.minimize(loss, var_list=[other])
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, other)])


def test_apply_gradients_with_given_gradients():
    w = gc.Variable(np.array([1.0, 2.0]), name="w")
    g = gc.placeholder(gc.float64, shape=(2,))
    step = gc.train.get_or_create_global_step()
    train = gc.train.GradientDescentOptimizer(0.5).apply_gradients([(g, w)], global_step=step)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train, feed_dict={g: [2.0, -2.0]})
        np.testing.assert_array_equal(sess.run(w), [0.0, 3.0])
        assert sess.run(step) == 1


def test_bad_arguments():
    W, b, loss = _problem()
    opt = gc.train.GradientDescentOptimizer(0.1)
    with pytest.raises(TypeError, match="gc.Variable"):
        opt.compute_gradients(loss, var_list=[gc.constant(1.0)])
    with pytest.raises(ValueError, match="No variables to optimize"):
        opt.compute_gradients(loss, var_list=[])
    n = gc.Variable(np.int32(3), name="n")          # no gradient for an int (TF1)
    assert opt.compute_gradients(loss, var_list=[n]) == [(None, n)]
    with pytest.raises(ValueError, match="No gradients provided for any variable: n"):
        opt.minimize(loss, var_list=[n])
    twice = opt.apply_gradients([(gc.ones_like(W), W), (2 * gc.ones_like(W), W),
                                 (None, W)])      # TF1 applies each: for SGD, the sum
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        w0 = s.run(W)
        s.run(twice)
        np.testing.assert_allclose(s.run(W), w0 - 0.1 * 3, rtol=1e-6)
    with pytest.raises(gc.errors.ShapeError, match="does not fit"):
        opt.apply_gradients([(gc.zeros_like(b), W)])
    with pytest.raises(TypeError, match="pairs"):
        opt.apply_gradients([W])
    with pytest.raises(ValueError, match="positive"):
        gc.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)


def test_exponential_decay():
    step = gc.train.get_or_create_global_step()
    smooth = gc.train.exponential_decay(0.1, step, decay_steps=10, decay_rate=0.5)
    stairs = gc.train.exponential_decay(0.1, step, 10, 0.5, staircase=True)
    assert smooth.dtype is gc.float32 and smooth.node.name == "ExponentialDecay"
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for k in (0, 5, 15, 20):
            step.load(k, sess)
            got_smooth, got_stairs = sess.run([smooth, stairs])
            np.testing.assert_allclose(got_smooth, 0.1 * 0.5 ** (k / 10), rtol=1e-6)
            np.testing.assert_allclose(got_stairs, 0.1 * 0.5 ** (k // 10), rtol=1e-6)


def test_decayed_learning_rate_drives_an_optimizer():
    w = gc.Variable(np.array(0.0), name="w")
    step = gc.train.get_or_create_global_step()
    lr = gc.train.exponential_decay(0.5, step, 1, 0.5, staircase=True)   # 0.5, 0.25, ...
    train = gc.train.GradientDescentOptimizer(lr).minimize(-w, global_step=step)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        assert sess.run(w) == pytest.approx(0.5 + 0.25 + 0.125)


def test_gate_graph_gives_the_same_step():
    W, b, loss = _problem()
    opt = gc.train.GradientDescentOptimizer(0.01)
    train = opt.minimize(loss, gate_gradients=gc.train.Optimizer.GATE_GRAPH)
    params = [p - g * 0.01 for p, g in zip([W0, B0], _np_grads([W0, B0]))]
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        sess.run(train)
        for want, have in zip(params, sess.run([W, b])):
            np.testing.assert_allclose(have, want, rtol=1e-12)
