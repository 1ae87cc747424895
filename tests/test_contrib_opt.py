"""gc.contrib.opt: each update rule step by step against numpy written here (TF 1.15's
tf.contrib.opt formulas), sparse steps, slots, names and errors. The TF kernel
comparisons are in test_tf_parity_contrib_opt.py."""
import math

import numpy as np
import pytest

import graphc as gc
from graphc.contrib import opt

RNG = np.random.default_rng(3)
W0 = RNG.standard_normal((4, 3)).astype(np.float64)
GRADS = [RNG.standard_normal((4, 3)) for _ in range(3)]
ROWS = np.array([2, 0, 2])                      # a repeated row: its two rows add up
SPARSE = [RNG.standard_normal((3, 3)) for _ in range(3)]


def run(make_opt, grads, rows=None, slots=(), global_step=True, **kw):
    """W after each step of make_opt().minimize(sum(x * G)), x = W or gather(W, rows),
    so the gradient is G (an IndexedSlices at `rows`); and the slots at the end."""
    with gc.Graph().as_default():
        W = gc.Variable(W0, name="W")
        G = gc.placeholder(gc.float64, grads[0].shape)
        x = W if rows is None else gc.gather(W, rows)
        gs = gc.train.get_or_create_global_step() if global_step else None
        o = make_opt()
        train = o.minimize(gc.reduce_sum(x * G), global_step=gs, **kw)
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            out = [sess.run(W) for g in grads if sess.run(train, {G: g}) or True]
            return out, [sess.run(o.get_slot(W, s)) for s in slots]


def dense_rows(g, rows):
    """The dense gradient of sum(gather(W, rows) * g)."""
    d = np.zeros_like(W0)
    np.add.at(d, rows, g)
    return d


def adam_rate(lr, b1, b2, t):
    """Adam's bias-corrected rate at step t, its powers of beta float32 variables (TF1)."""
    p1, p2 = np.float32(b1), np.float32(b2)
    for _ in range(t - 1):
        p1, p2 = np.float32(p1 * np.float32(b1)), np.float32(p2 * np.float32(b2))
    return lr * math.sqrt(1 - float(p2)) / (1 - float(p1))


def adam_ref(grads, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, wd=0.0, nesterov=False,
             lazy_rows=None):
    w, m, v, out = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), []
    for t, g in enumerate(grads, 1):
        lr_t = adam_rate(lr, b1, b2, t)
        w = w - wd * w
        if lazy_rows is not None:       # only the named rows, their gradients summed
            r = np.unique(lazy_rows)
            gd = dense_rows(g, lazy_rows)[r]
            m[r] = b1 * m[r] + (1 - b1) * gd
            v[r] = b2 * v[r] + (1 - b2) * gd ** 2
            w[r] -= lr_t * m[r] / (np.sqrt(v[r]) + eps)
        else:
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            mm = (1 - b1) * g + b1 * m if nesterov else m
            w = w - lr_t * mm / (np.sqrt(v) + eps)
        out.append(w.copy())
    return out, [m, v]


def close(got, want, tol=1e-10):
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# ---- decoupled weight decay -------------------------------------------------------------
def test_adamw_dense_is_decay_then_adam():
    got, slots = run(lambda: opt.AdamWOptimizer(0.05, learning_rate=0.1), GRADS,
                     slots=["m", "v"])
    want, want_slots = adam_ref(GRADS, wd=0.05)
    close(got, want)
    close(slots, want_slots)


def test_adamw_sparse_decays_only_the_looked_up_rows():
    got, _ = run(lambda: opt.AdamWOptimizer(0.05, learning_rate=0.1), SPARSE, rows=ROWS)
    w, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for t, g in enumerate(SPARSE, 1):
        lr_t = adam_rate(0.1, 0.9, 0.999, t)
        w[[0, 2]] *= 1 - 0.05
        gd = dense_rows(g, ROWS)        # Adam's sparse step: every row of m, v decays
        m = 0.9 * m + 0.1 * gd
        v = 0.999 * v + 0.001 * gd ** 2
        w = w - lr_t * m / (np.sqrt(v) + 1e-8)
        close([got[t - 1]], [w])


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentumw_is_decay_then_momentum(nesterov):
    got, (acc,) = run(lambda: opt.MomentumWOptimizer(0.01, 0.1, 0.9, use_nesterov=nesterov),
                      GRADS, slots=["momentum"])
    w, a = W0.copy(), np.zeros_like(W0)
    for i, g in enumerate(GRADS):
        w = w - 0.01 * w
        a = 0.9 * a + g
        w = w - (g * 0.1 + a * 0.9 * 0.1 if nesterov else 0.1 * a)
        close([got[i]], [w])
    close([acc], [a])


def test_decay_var_list_of_apply_gradients_decays_only_those():
    with gc.Graph().as_default():
        W, b = gc.Variable(W0, name="W"), gc.Variable(W0[0], name="b")
        o = opt.MomentumWOptimizer(0.5, 0.0, 0.0)       # lr 0: only the decay moves
        loss = gc.reduce_sum(W) + gc.reduce_sum(b)
        train = o.apply_gradients(o.compute_gradients(loss), decay_var_list=[b])
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            sess.run(train)
            close(sess.run([W, b]), [W0, 0.5 * W0[0]])


def test_decay_var_list_of_minimize_is_lost_as_in_tf():
    with gc.Graph().as_default():
        W, b = gc.Variable(W0, name="W"), gc.Variable(W0[0], name="b")
        o = opt.MomentumWOptimizer(0.5, 0.0, 0.0)
        train = o.minimize(gc.reduce_sum(W) + gc.reduce_sum(b), decay_var_list=[b])
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            sess.run(train)
            close(sess.run([W, b]), [0.5 * W0, 0.5 * W0[0]])


def test_extend_with_decoupled_weight_decay():
    SGDW = opt.extend_with_decoupled_weight_decay(gc.train.GradientDescentOptimizer)
    assert SGDW.__name__ == "OptimizerWithDecoupledWeightDecay"
    assert issubclass(SGDW, opt.DecoupledWeightDecayExtension)
    got, _ = run(lambda: SGDW(0.1, learning_rate=0.2), GRADS[:1])
    close(got, [W0 * 0.9 - 0.2 * GRADS[0]])
    with pytest.raises(TypeError):          # TF: the extension takes keywords only
        SGDW(0.1, 0.2)
    # a callable weight decay is called when the step is built
    got, _ = run(lambda: SGDW(lambda: 0.1, learning_rate=0.2), GRADS[:1])
    close(got, [W0 * 0.9 - 0.2 * GRADS[0]])


def test_weight_decay_slot_and_op_names():
    with gc.Graph().as_default():
        W = gc.Variable(W0, name="W")
        o = opt.AdamWOptimizer(0.01)
        o.minimize(gc.reduce_sum(W))
        assert o.get_slot(W, "m").op.name == "W/AdamW"
        assert o.get_slot(W, "v").op.name == "W/AdamW_1"
        assert o.get_name() == "AdamW"
        assert opt.MomentumWOptimizer(0.1, 0.1, 0.9).get_name() == "MomentumW"


# ---- Adam variants ------------------------------------------------------------------------
def test_lazy_adam_dense_is_adam():
    got, slots = run(lambda: opt.LazyAdamOptimizer(0.1), GRADS, slots=["m", "v"])
    want, want_slots = adam_ref(GRADS)
    close(got, want)
    close(slots, want_slots)


def test_lazy_adam_sparse_touches_only_the_looked_up_rows():
    got, (m, v) = run(lambda: opt.LazyAdamOptimizer(0.1), SPARSE, rows=ROWS,
                      slots=["m", "v"])
    want, (m_want, v_want) = adam_ref(SPARSE, lazy_rows=ROWS)
    close(got, want)
    close([m, v], [m_want, v_want])
    np.testing.assert_array_equal(got[-1][[1, 3]], W0[[1, 3]])
    assert not m[[1, 3]].any() and not v[[1, 3]].any()


def test_nadam_dense():
    got, slots = run(lambda: opt.NadamOptimizer(0.1), GRADS, slots=["m", "v"])
    want, want_slots = adam_ref(GRADS, nesterov=True)
    close(got, want)
    close(slots, want_slots)


def test_nadam_sparse_moves_only_the_looked_up_rows():
    got, _ = run(lambda: opt.NadamOptimizer(0.1), SPARSE, rows=ROWS)
    w, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    r = np.array([0, 2])
    for t, g in enumerate(SPARSE, 1):
        lr_t = adam_rate(0.1, 0.9, 0.999, t)
        gd = dense_rows(g, ROWS)
        m = 0.9 * m + 0.1 * gd
        v = 0.999 * v + 0.001 * gd ** 2
        m_bar = 0.1 * gd[r] + 0.9 * m[r]
        w[r] -= lr_t * m_bar / (np.sqrt(v[r]) + 1e-8)
        close([got[t - 1]], [w])


# ---- AddSign, PowerSign --------------------------------------------------------------------
def sign_ref(grads, multiplier, lr=0.1, beta=0.9, rows=None):
    w, m, out = W0.copy(), np.zeros_like(W0), []
    for t, g in enumerate(grads):
        gd = g if rows is None else dense_rows(g, rows)
        m = m * beta + gd * (1 - beta)
        step = lr * multiplier(np.sign(gd) * np.sign(m), t) * gd
        if rows is None:
            w = w - step
        else:
            r = np.unique(rows)
            w[r] -= step[r]
        out.append(w.copy())
    return out, [m]


def test_addsign_dense_and_sparse():
    mult = lambda sgm, t: 1.5 + sgm      # noqa: E731
    for grads, rows in [(GRADS, None), (SPARSE, ROWS)]:
        got, slots = run(lambda: opt.AddSignOptimizer(0.1, alpha=1.5), grads, rows=rows,
                         slots=["m"])
        want, want_slots = sign_ref(grads, mult, rows=rows)
        close(got, want)
        close(slots, want_slots)


def test_powersign_with_linear_sign_decay_dense_and_sparse():
    decay = lambda t: max(0.0, (2 - min(t, 2)) / 2)     # noqa: E731 (step t before +1)
    mult = lambda sgm, t: np.exp(math.log(3.0) * decay(t) * sgm)    # noqa: E731
    for grads, rows in [(GRADS, None), (SPARSE, ROWS)]:
        got, slots = run(lambda: opt.PowerSignOptimizer(
            0.1, base=3.0, beta=0.5, sign_decay_fn=opt.get_linear_decay_fn(2)),
            grads, rows=rows, slots=["m"])
        want, want_slots = sign_ref(grads, mult, beta=0.5, rows=rows)
        close(got, want)
        close(slots, want_slots)


def test_sign_decay_needs_global_step():
    with gc.Graph().as_default():
        W = gc.Variable(W0)
        o = opt.AddSignOptimizer(sign_decay_fn=opt.get_cosine_decay_fn(10))
        with pytest.raises(ValueError, match="global_step is required for cosine_decay"):
            o.minimize(gc.reduce_sum(W))
    for fn, what in [(opt.get_linear_decay_fn, "linear_decay"),
                     (opt.get_restart_decay_fn, "cosine_decay")]:
        with pytest.raises(ValueError, match=f"required for {what}"):
            fn(10)(None)


def test_sign_decay_values():
    steps = np.arange(0, 12)
    lin = [max(0.0, (10 - min(s, 10)) / 10) for s in steps]
    cos = [0.5 * (1 + math.cos(math.pi * 2 * 0.5 * min(s, 10) / 10)) for s in steps]
    cos_zero = [0.0 if 2 * 2 * min(s, 10) / 10 >= 2 * 0.5 else
                0.5 * (1 + math.cos(math.pi * 2 * 2 * min(s, 10) / 10)) for s in steps]
    restart = [0.5 * (1 + math.cos(math.pi * ((3 * min(s, 10)) % 10) / 10)) for s in steps]
    with gc.Graph().as_default(), gc.Session() as sess:
        s = gc.placeholder(gc.int64, [])
        fns = [opt.get_linear_decay_fn(10), opt.get_cosine_decay_fn(10),
               opt.get_cosine_decay_fn(10, num_periods=2, zero_after=0.5),
               opt.get_restart_decay_fn(10, num_periods=3)]
        got = [[sess.run(fn(s), {s: i}) for i in steps] for fn in fns]
    for g, w in zip(got, [lin, cos, cos_zero, restart]):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)


# ---- LARS --------------------------------------------------------------------------------
def lars_ref(grads, lr=0.5, mu=0.9, wd=0.01, eeta=0.1, eps=0.0, skip=False):
    w, a, out = W0.copy(), np.zeros_like(W0), []
    for g in grads:
        wn, gn = np.linalg.norm(w), np.linalg.norm(g)
        ratio = eeta * wn / (gn + wd * wn + eps) if wn > 0 and gn > 0 else 1.0
        a = a * mu + g
        w = w - lr * (1.0 if skip else ratio) * a
        out.append(w.copy())
    return out


def test_lars_dense_scales_the_rate_by_the_trust_ratio():
    got, _ = run(lambda: opt.LARSOptimizer(0.5, weight_decay=0.01, eeta=0.1), GRADS)
    close(got, lars_ref(GRADS))
    zero = [np.zeros_like(W0)] + GRADS[:1]      # |g| = 0: ratio 1
    got, _ = run(lambda: opt.LARSOptimizer(0.5, weight_decay=0.01, eeta=0.1), zero)
    close(got, lars_ref(zero))


def test_lars_skip_list_and_sparse_fallback():
    got, _ = run(lambda: opt.LARSOptimizer(0.5, skip_list=["W"]), GRADS)
    close(got, lars_ref(GRADS, skip=True))
    got, _ = run(lambda: opt.LARSOptimizer(0.5), SPARSE, rows=ROWS)
    w, a = W0.copy(), np.zeros_like(W0)
    r = np.array([0, 2])
    for t, g in enumerate(SPARSE):
        a[r] = a[r] * 0.9 + dense_rows(g, ROWS)[r]
        w[r] -= 0.5 * a[r]
        close([got[t]], [w])


def test_lars_rejects_negative_hyperparameters():
    with pytest.raises(ValueError, match="momentum should be positive: -0.1"):
        opt.LARSOptimizer(0.1, momentum=-0.1)
    with pytest.raises(ValueError, match="weight_decay should be positive: -1"):
        opt.LARSOptimizer(0.1, weight_decay=-1)


# ---- MovingAverageOptimizer ---------------------------------------------------------------
def test_moving_average_optimizer_averages_after_each_step(tmp_path):
    with gc.Graph().as_default():
        W = gc.Variable(W0, name="W")
        G = gc.placeholder(gc.float64, W0.shape)
        o = opt.MovingAverageOptimizer(gc.train.GradientDescentOptimizer(0.1),
                                       average_decay=0.5)
        with pytest.raises(RuntimeError, match="Must call apply_gradients or minimize"):
            o.swapping_saver()
        train = o.minimize(gc.reduce_sum(W * G))
        assert train.name == "train_with_avg"
        saver = o.swapping_saver()
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            w, avg = W0.copy(), W0.copy()
            for g in GRADS:
                sess.run(train, {G: g})
                w = w - 0.1 * g
                avg = avg - 0.5 * (avg - w)
            close(sess.run([W, o._ema.average(W)]), [w, avg])
            path = saver.save(sess, str(tmp_path / "model"))
    # a plain model restored from the swapping saver's checkpoint holds the averages
    with gc.Graph().as_default():
        W = gc.Variable(np.zeros_like(W0), name="W")
        with gc.Session() as sess:
            gc.train.Saver([W]).restore(sess, path)
            close([sess.run(W)], [avg])


def test_moving_average_optimizer_parallel_update_and_missing_average():
    with gc.Graph().as_default():
        W = gc.Variable(W0, name="W")
        o = opt.MovingAverageOptimizer(gc.train.GradientDescentOptimizer(0.1),
                                       average_decay=0.5, sequential_update=False)
        train = o.minimize(gc.reduce_sum(W))
        with gc.Session() as sess:
            sess.run(gc.global_variables_initializer())
            sess.run(train)
            # TF leaves the order open (a benign race); graphc, as TF's executor
            # usually does, reads W for the average before the step updates it
            close([sess.run(o._ema.average(W))], [W0])
            sess.run(train)
            close([sess.run(o._ema.average(W))], [W0 - 0.5 * 0.1])
        with pytest.raises(ValueError, match="Variable to swap W/ExponentialMovingAverage "
                                             "is not part of variables to save"):
            o.swapping_saver([W])
        avg = o._ema.average(W)
        saver = o.swapping_saver({"W": W, "W/ExponentialMovingAverage": avg})
        assert saver._var_list == {"W": avg, "W/ExponentialMovingAverage": W}
        with pytest.raises(ValueError, match="Variable to swap W is not part"):
            o.swapping_saver({"renamed": W, "W/ExponentialMovingAverage": avg})


def test_moving_average_optimizer_compute_gradients_delegates():
    with gc.Graph().as_default():
        W = gc.Variable(W0, name="W")
        o = opt.MovingAverageOptimizer(gc.train.AdamOptimizer(0.1))
        (g, v), = o.compute_gradients(gc.reduce_sum(W))
        assert v is W
        o.apply_gradients([(g, W)])
        assert o._optimizer.get_slot(W, "m") is not None
