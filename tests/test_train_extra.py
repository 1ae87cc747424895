"""gc.train beyond the core optimizers: the learning-rate schedules, ExponentialMovingAverage
and the Adadelta, Ftrl and proximal optimizers, each against a numpy transcription of the
TF1 1.15 formula or kernel (learning_rate_decay.py, moving_averages.py, training_ops.cc)."""
import math

import numpy as np
import pytest

import graphc as gc

STEPS = [0, 1, 5, 9, 10, 11, 15, 20, 21, 37, 100]     # decay_steps 10: 0, boundaries, past


# ---- numpy transcriptions of TF1's schedules ---------------------------------------------
def np_exponential(lr, s, ds, rate, staircase=False):
    p = math.floor(s / ds) if staircase else s / ds
    return lr * rate ** p


def np_natural_exp(lr, s, ds, rate, staircase=False):
    p = math.floor(s / ds) if staircase else s / ds
    return lr * math.exp(-rate) ** p


def np_inverse_time(lr, s, ds, rate, staircase=False):
    p = math.floor(s / ds) if staircase else s / ds
    return lr / (1 + rate * p)


def np_polynomial(lr, s, ds, end=0.0001, power=1.0, cycle=False):
    if cycle:
        ds = ds * (1.0 if s == 0 else math.ceil(s / ds))
    else:
        s = min(s, ds)
    return (lr - end) * (1 - s / ds) ** power + end


def np_cosine(lr, s, ds, alpha=0.0):
    s = min(s, ds)
    return lr * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / ds)) + alpha)


def np_restarts(lr, s, first, t_mul=2.0, m_mul=1.0, alpha=0.0):
    f = s / first
    if t_mul == 1.0:
        i = math.floor(f)
        f = f - i
    else:
        i = math.floor(math.log(1 - f * (1 - t_mul)) / math.log(t_mul))
        f = (f - (1 - t_mul ** i) / (1 - t_mul)) / t_mul ** i
    return lr * ((1 - alpha) * 0.5 * m_mul ** i * (1 + math.cos(math.pi * f)) + alpha)


def np_linear_cosine(lr, s, ds, num_periods=0.5, alpha=0.0, beta=0.001, noise=0.0):
    s = min(s, ds)
    linear = (ds - s) / ds + noise
    cosine = 0.5 * (1 + math.cos(math.pi * 2 * num_periods * s / ds))
    return lr * ((alpha + linear) * cosine + beta)


SCHEDULES = {   # name -> (graphc call, numpy reference), both of (lr, step)
    "exponential": (lambda lr, s: gc.train.exponential_decay(lr, s, 10, 0.7),
                    lambda lr, s: np_exponential(lr, s, 10, 0.7)),
    "exponential_staircase": (
        lambda lr, s: gc.train.exponential_decay(lr, s, 10, 0.7, staircase=True),
        lambda lr, s: np_exponential(lr, s, 10, 0.7, True)),
    "natural_exp": (lambda lr, s: gc.train.natural_exp_decay(lr, s, 10, 0.5),
                    lambda lr, s: np_natural_exp(lr, s, 10, 0.5)),
    "natural_exp_staircase": (
        lambda lr, s: gc.train.natural_exp_decay(lr, s, 10, 0.5, staircase=True),
        lambda lr, s: np_natural_exp(lr, s, 10, 0.5, True)),
    "inverse_time": (lambda lr, s: gc.train.inverse_time_decay(lr, s, 10, 0.5),
                     lambda lr, s: np_inverse_time(lr, s, 10, 0.5)),
    "inverse_time_staircase": (
        lambda lr, s: gc.train.inverse_time_decay(lr, s, 10, 0.5, staircase=True),
        lambda lr, s: np_inverse_time(lr, s, 10, 0.5, True)),
    "polynomial": (lambda lr, s: gc.train.polynomial_decay(lr, s, 10),
                   lambda lr, s: np_polynomial(lr, s, 10)),
    "polynomial_power": (
        lambda lr, s: gc.train.polynomial_decay(lr, s, 10, end_learning_rate=0.01, power=0.5),
        lambda lr, s: np_polynomial(lr, s, 10, 0.01, 0.5)),
    "polynomial_cycle": (
        lambda lr, s: gc.train.polynomial_decay(lr, s, 10, 0.01, power=2.0, cycle=True),
        lambda lr, s: np_polynomial(lr, s, 10, 0.01, 2.0, cycle=True)),
    "cosine": (lambda lr, s: gc.train.cosine_decay(lr, s, 10),
               lambda lr, s: np_cosine(lr, s, 10)),
    "cosine_alpha": (lambda lr, s: gc.train.cosine_decay(lr, s, 10, alpha=0.2),
                     lambda lr, s: np_cosine(lr, s, 10, 0.2)),
    "restarts": (lambda lr, s: gc.train.cosine_decay_restarts(lr, s, 10),
                 lambda lr, s: np_restarts(lr, s, 10)),
    "restarts_m_mul_alpha": (
        lambda lr, s: gc.train.cosine_decay_restarts(lr, s, 10, t_mul=3.0, m_mul=0.5,
                                                     alpha=0.1),
        lambda lr, s: np_restarts(lr, s, 10, 3.0, 0.5, 0.1)),
    "restarts_t_mul_1": (
        lambda lr, s: gc.train.cosine_decay_restarts(lr, s, 10, t_mul=1.0, m_mul=0.8),
        lambda lr, s: np_restarts(lr, s, 10, 1.0, 0.8)),
    "linear_cosine": (lambda lr, s: gc.train.linear_cosine_decay(lr, s, 10),
                      lambda lr, s: np_linear_cosine(lr, s, 10)),
    "linear_cosine_periods": (
        lambda lr, s: gc.train.linear_cosine_decay(lr, s, 10, num_periods=2.0, alpha=0.1,
                                                   beta=0.01),
        lambda lr, s: np_linear_cosine(lr, s, 10, 2.0, 0.1, 0.01)),
}


def _values(decayed, step, steps):
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        out = []
        for k in steps:
            step.load(k, sess)
            out.append(sess.run(decayed))
    return out


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_tf1_formula(name):
    make, reference = SCHEDULES[name]
    step = gc.train.get_or_create_global_step()
    lr64 = make(np.float64(0.1), step)       # float64: the formula, to rounding
    lr32 = make(0.1, step)                   # a Python float: float32, as in TF1
    assert lr64.dtype is gc.float64 and lr32.dtype is gc.float32
    assert lr64.shape.rank == 0
    got64, got32 = zip(*_values([lr64, lr32], step, STEPS))
    want = [reference(0.1, k) for k in STEPS]
    for k, a, b, w in zip(STEPS, got64, got32, want):
        np.testing.assert_allclose(a, w, rtol=1e-12, err_msg=f"{name}, step {k}")
        np.testing.assert_allclose(b, w, rtol=2e-6, atol=1e-9, err_msg=f"{name}, step {k}")


def test_schedules_take_tensor_hyperparameters():
    step = gc.train.get_or_create_global_step()
    t_mul = gc.placeholder(gc.float64, shape=())
    alpha = gc.placeholder(gc.float32, shape=())              # cast to float64
    restarts = gc.train.cosine_decay_restarts(np.float64(0.1), step, 10, t_mul=t_mul)
    cosine = gc.train.cosine_decay(np.float64(0.1), step, gc.constant(10), alpha=alpha)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for k in (0, 7, 10, 25, 31):
            step.load(k, sess)
            for t in (1.0, 2.0, 1.5):       # t_mul == 1 takes TF1's other cond branch
                got = sess.run(restarts, {t_mul: t})
                np.testing.assert_allclose(got, np_restarts(0.1, k, 10, t), rtol=1e-12)
            got = sess.run(cosine, {alpha: 0.25})
            np.testing.assert_allclose(got, np_cosine(0.1, k, 10, 0.25), rtol=1e-7)


def test_schedule_names_and_global_step_required():
    step = gc.train.get_or_create_global_step()
    assert gc.train.polynomial_decay(0.1, step, 10).node.name == "PolynomialDecay"
    assert gc.train.cosine_decay(0.1, step, 10, name="lr").node.name == "lr"
    assert gc.train.cosine_decay_restarts(0.1, step, 10).node.name == "SGDRDecay"
    with pytest.raises(ValueError, match="global_step is required for cosine_decay"):
        gc.train.cosine_decay(0.1, None, 10)
    with pytest.raises(gc.errors.DTypeError, match="floating point"):
        gc.train.inverse_time_decay(1, step, 10, 0.5)


def test_noisy_linear_cosine_decay():
    gc.set_random_seed(7)
    step = gc.train.get_or_create_global_step()
    quiet = gc.train.noisy_linear_cosine_decay(np.float64(0.1), step, 10,
                                               initial_variance=0.0)
    noisy = gc.train.noisy_linear_cosine_decay(np.float64(0.1), step, 10,
                                               initial_variance=2.0, variance_decay=0.5)
    assert noisy.dtype is gc.float64
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for k in (0, 4, 10, 15):            # no noise: linear_cosine_decay's values
            step.load(k, sess)
            np.testing.assert_allclose(sess.run(quiet), np_linear_cosine(0.1, k, 10),
                                       rtol=1e-12)
        step.load(3, sess)
        draws = np.array([sess.run(noisy) for _ in range(1500)])
    # recover the noise: lr * ((alpha + linear + eps) * cosine + beta), alpha = 0
    cosine = 0.5 * (1 + math.cos(math.pi * 2 * 0.5 * 3 / 10))
    eps = (draws / 0.1 - 0.001) / cosine - (10 - 3) / 10
    want_std = math.sqrt(2.0 / (1 + 3) ** 0.5)
    assert abs(eps.mean()) < 4 * want_std / math.sqrt(len(eps))
    assert abs(eps.std() / want_std - 1) < 0.08
    assert len(np.unique(draws)) == len(draws)          # a fresh draw each run


def test_piecewise_constant():
    step = gc.train.get_or_create_global_step()           # int64; int32 boundaries cast
    lr = gc.train.piecewise_constant(step, [10, 20, 30], [1.0, 0.5, 0.25, 0.1])
    assert lr.dtype is gc.float32 and lr.node.name == "PiecewiseConstant"
    assert gc.train.piecewise_constant_decay is gc.train.piecewise_constant
    x = gc.placeholder(gc.float32, shape=())
    by_x = gc.train.piecewise_constant(x, [0.5, 1.5], [1, 2, 3])   # int32 values
    assert by_x.dtype is gc.int32
    want = {0: 1.0, 1: 1.0, 10: 1.0, 11: 0.5, 20: 0.5, 21: 0.25, 30: 0.25, 31: 0.1,
            1000: 0.1}
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for k, w in want.items():
            step.load(k, sess)
            assert sess.run(lr) == np.float32(w), k
        got = [sess.run(by_x, {x: v}) for v in (-1.0, 0.5, 0.6, 1.5, 1.6)]
    assert got == [1, 1, 2, 2, 3]


def test_piecewise_constant_errors():
    step = gc.train.get_or_create_global_step()
    with pytest.raises(ValueError, match="1 less than the length of values"):
        gc.train.piecewise_constant(step, [10, 20], [1.0, 0.5])
    with pytest.raises(gc.errors.DTypeError, match=r"boundaries \(float32\) must have the "
                                                   r"same dtype as x \(int64\)"):
        gc.train.piecewise_constant(step, [10.0], [1.0, 0.5])
    with pytest.raises(gc.errors.DTypeError, match="values must all have one dtype"):
        gc.train.piecewise_constant(step, [10], [1.0, 1])
    with pytest.raises(ValueError, match="boundaries must increase"):
        gc.train.piecewise_constant(step, [20, 10], [1.0, 0.5, 0.1])
    # tensor boundaries are checked when the result runs (TF1's exclusive case)
    b = gc.placeholder(gc.int64, shape=())
    lr = gc.train.piecewise_constant(step, [gc.constant(np.int64(20)), b], [1.0, 0.5, 0.1])
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        step.load(25, sess)
        assert sess.run(lr, {b: 30}) == np.float32(0.5)
        step.load(15, sess)
        with pytest.raises(gc.errors.ExecutionError, match="more than one interval"):
            sess.run(lr, {b: 10})


# ---- ExponentialMovingAverage --------------------------------------------------------------
def test_ema_shadow_variables_and_updates():
    gc.set_random_seed(1)
    W = gc.Variable(gc.random_normal((2, 3), dtype=gc.float64), name="W")
    b = gc.Variable(np.array([1.0, 2.0], dtype=np.float32), name="b")
    new_W = gc.placeholder(gc.float64, shape=(2, 3))
    new_b = gc.placeholder(gc.float32, shape=(2,))
    ema = gc.train.ExponentialMovingAverage(0.9)
    assert ema.name == "ExponentialMovingAverage"
    assert ema.average(W) is None
    assert ema.average_name(W) == "W/ExponentialMovingAverage"
    with gc.control_dependencies([W.assign(new_W), b.assign(new_b)]):
        update = ema.apply([W, b])                  # sees the assigned values
    assert update.name == "ExponentialMovingAverage"
    avg_W, avg_b = ema.average(W), ema.average(b)
    assert avg_W.node.name == ema.average_name(W) == "W/ExponentialMovingAverage"
    assert avg_b.node.name == "b/ExponentialMovingAverage" and avg_b.dtype is gc.float32
    assert not avg_W.trainable and avg_W in gc.global_variables()
    assert gc.trainable_variables() == [W, b]
    assert gc.get_collection(gc.GraphKeys.MOVING_AVERAGE_VARIABLES) == [W, b]
    rng = np.random.default_rng(0)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        shadow_W, shadow_b = sess.run([W, b])       # a shadow starts at the initial value
        np.testing.assert_array_equal(sess.run(avg_W), shadow_W)
        for _ in range(4):
            w, v = rng.normal(size=(2, 3)), rng.normal(size=2).astype(np.float32)
            sess.run(update, {new_W: w, new_b: v})
            # TF1: 1 - decay in float32, cast to the variable's float64
            shadow_W = shadow_W - (shadow_W - w) * float(np.float32(1) - np.float32(0.9))
            shadow_b = shadow_b - (shadow_b - v) * (np.float32(1) - np.float32(0.9))
            np.testing.assert_allclose(sess.run(avg_W), shadow_W, rtol=1e-12)
            np.testing.assert_allclose(sess.run(avg_b), shadow_b, rtol=1e-6)
    other = gc.train.ExponentialMovingAverage(0.5)          # a second EMA: its own shadows
    other.apply([W])
    assert other.average(W).node.name == "W/ExponentialMovingAverage_1"


def test_ema_num_updates_lowers_the_decay():
    w = gc.Variable(np.array([0.0, 10.0]), name="w")
    step = gc.train.get_or_create_global_step()
    ema = gc.train.ExponentialMovingAverage(0.99, num_updates=step)
    train = gc.train.GradientDescentOptimizer(0.1).minimize(gc.reduce_sum(-w * w),
                                                            global_step=step)
    with gc.control_dependencies([train]):
        train = ema.apply()                         # default: the trainable variables
    value, shadow = np.array([0.0, 10.0]), np.array([0.0, 10.0])
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for n in range(1, 6):                       # num_updates reads the new step
            sess.run(train)
            value = value + 0.1 * 2 * value
            decay = min(np.float32(0.99), np.float32(1.0 + n) / np.float32(10.0 + n))
            shadow = shadow - (shadow - value) * float(np.float32(1) - decay)   # float32
            np.testing.assert_allclose(sess.run(ema.average(w)), shadow, rtol=1e-12)


@pytest.mark.parametrize("zero_debias", [False, True])
def test_ema_of_a_tensor(zero_debias):
    x = gc.placeholder(gc.float64, shape=(3,), name="x")
    mean = gc.identity(x * 2.0, name="batch_mean")
    ema = gc.train.ExponentialMovingAverage(0.8, zero_debias=zero_debias)
    update = ema.apply([mean])
    avg = ema.average(mean)
    assert avg.node.name == "batch_mean/ExponentialMovingAverage"
    assert gc.get_collection(gc.GraphKeys.MOVING_AVERAGE_VARIABLES) == []
    names = sorted(v.node.name for v in gc.global_variables())
    extra = ["batch_mean/ExponentialMovingAverage/biased",
             "batch_mean/ExponentialMovingAverage/local_step"] if zero_debias else []
    assert names == sorted(["batch_mean/ExponentialMovingAverage"] + extra)
    rng = np.random.default_rng(1)
    shadow, biased, t = np.zeros(3), np.zeros(3), 0.0
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(avg), np.zeros(3))
        for _ in range(4):
            xs = rng.normal(size=3)
            sess.run(update, {x: xs})
            rate = float(np.float32(1) - np.float32(0.8))      # TF1: in float32
            if zero_debias:                         # TF1's _zero_debias, term by term
                biased = biased - (biased - 2 * xs) * rate
                t += 1.0
                shadow = biased / (1 - (1.0 - rate) ** t)
            else:
                shadow = shadow - (shadow - 2 * xs) * rate
            np.testing.assert_allclose(sess.run(avg), shadow, rtol=1e-12)
    if zero_debias:         # debiased from the first step: the constant input's own value
        np.testing.assert_allclose(shadow, biased / (1 - 0.8 ** 4), rtol=1e-6)


def test_ema_restores_averages_into_the_model(tmp_path):
    def model():
        W = gc.Variable(np.array([[1.0, -1.0]]), name="W")
        step = gc.train.get_or_create_global_step()
        return W, step

    W, step = model()
    loss = gc.reduce_sum(gc.square(W - gc.constant(np.array([[3.0, 2.0]]))))
    ema = gc.train.ExponentialMovingAverage(0.5)
    train = gc.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    with gc.control_dependencies([train]):
        train = ema.apply([W])
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        for _ in range(3):
            sess.run(train)
        averaged, trained = sess.run([ema.average(W), W])
        path = gc.train.Saver().save(sess, str(tmp_path / "model"), write_meta_graph=False)
    assert not np.allclose(averaged, trained)

    with gc.Graph().as_default():                       # the evaluation graph
        W, step = model()
        ema = gc.train.ExponentialMovingAverage(0.5)
        restore = ema.variables_to_restore()
        assert restore == {"W/ExponentialMovingAverage": W, "global_step": step}
        with gc.Session() as sess:
            gc.train.Saver(restore).restore(sess, path)
            np.testing.assert_array_equal(sess.run(W), averaged)
            assert sess.run(step) == 3


def test_ema_variables_to_restore_in_the_training_graph():
    W = gc.Variable(np.ones(2), name="W")
    frozen = gc.Variable(np.ones(2), name="frozen", trainable=False)
    ema = gc.train.ExponentialMovingAverage(0.9)
    ema.apply([W, frozen])
    got = ema.variables_to_restore()
    assert got == {"W/ExponentialMovingAverage": W,
                   "frozen/ExponentialMovingAverage": frozen}     # (the collection)
    only = ema.variables_to_restore([W])
    assert only == {"W/ExponentialMovingAverage": W, "frozen": frozen,
                    "frozen/ExponentialMovingAverage": ema.average(frozen)}


def test_ema_errors():
    ema = gc.train.ExponentialMovingAverage(0.9)
    n = gc.Variable(np.int32(3), name="n")
    with pytest.raises(gc.errors.DTypeError, match="half, float, or double"):
        ema.apply([n])
    with pytest.raises(TypeError, match="Variables and Tensors"):
        ema.apply([np.ones(2)])
    with pytest.raises(gc.errors.ShapeError, match="fully known"):
        ema.apply([gc.placeholder(gc.float32, shape=(None, 2)) * 1.0])


# ---- Adadelta, Ftrl, proximal optimizers -----------------------------------------------------
RNG = np.random.default_rng(0)
X = RNG.normal(size=(6, 3))
Y = RNG.normal(size=(6, 2))
W0 = RNG.normal(size=(3, 2))
B0 = RNG.normal(size=(2,))


def _np_grads(params):
    W, b = params
    r = 2 * (X @ W + b - Y)
    return [X.T @ r, r.sum(axis=0)]


def adadelta(lr=0.001, rho=0.95, eps=1e-8):
    def step(p, g, s):
        s["accum"] = s["accum"] * rho + g * g * (1 - rho)
        update = np.sqrt(s["accum_update"] + eps) * (1 / np.sqrt(s["accum"] + eps)) * g
        p = p - update * lr
        s["accum_update"] = s["accum_update"] * rho + update * update * (1 - rho)
        return p
    return step, lambda p: {"accum": np.zeros_like(p), "accum_update": np.zeros_like(p)}


def ftrl(lr, lr_power=-0.5, init=0.1, l1=0.0, l2=0.0, shrinkage=0.0):
    def sigma(a):
        return np.sqrt(a) if lr_power == -0.5 else a ** -lr_power

    def step(p, g, s):
        g_shrunk = g + 2 * shrinkage * p if shrinkage > 0 else g
        new = s["accum"] + g * g
        s["linear"] = s["linear"] + (g_shrunk - (sigma(new) - sigma(s["accum"])) / lr * p)
        x = l1 * np.sign(s["linear"]) - s["linear"]
        y = sigma(new) / lr + 2 * l2
        p = np.where(np.abs(s["linear"]) > l1, x / y, 0.0)
        s["accum"] = s["accum"] + g * g
        return p
    return step, lambda p: {"accum": np.full_like(p, init), "linear": np.zeros_like(p)}


def _prox(v, lr, l1, l2):
    if l1 > 0:
        return np.sign(v) * np.maximum(np.abs(v) - lr * l1, 0) / (1 + l2 * lr)
    return v / (1 + l2 * lr)


def proximal_gd(lr, l1=0.0, l2=0.0):
    return (lambda p, g, s: _prox(p - g * lr, lr, l1, l2)), (lambda p: {})


def proximal_adagrad(lr, init=0.1, l1=0.0, l2=0.0):
    def step(p, g, s):
        s["accumulator"] = s["accumulator"] + g * g
        lr_t = lr * (1 / np.sqrt(s["accumulator"]))
        return _prox(p - g * lr_t, lr_t, l1, l2)
    return step, lambda p: {"accumulator": np.full_like(p, init)}


T = gc.train
CASES = {
    "adadelta": (lambda: T.AdadeltaOptimizer(1.0), adadelta(1.0)),
    "adadelta_args": (lambda: T.AdadeltaOptimizer(0.5, rho=0.8, epsilon=1e-4),
                      adadelta(0.5, 0.8, 1e-4)),
    "ftrl": (lambda: T.FtrlOptimizer(0.3), ftrl(0.3)),
    "ftrl_l1_l2": (lambda: T.FtrlOptimizer(0.3, l1_regularization_strength=2.0,
                                           l2_regularization_strength=0.5),
                   ftrl(0.3, l1=2.0, l2=0.5)),
    "ftrl_power": (lambda: T.FtrlOptimizer(0.3, learning_rate_power=-0.3,
                                           initial_accumulator_value=0.5,
                                           l1_regularization_strength=0.1),
                   ftrl(0.3, -0.3, 0.5, l1=0.1)),
    "ftrl_fixed_rate": (lambda: T.FtrlOptimizer(0.1, learning_rate_power=0.0),
                        ftrl(0.1, 0.0)),
    "ftrl_v2": (lambda: T.FtrlOptimizer(0.3, l1_regularization_strength=0.5,
                                        l2_shrinkage_regularization_strength=0.2),
                ftrl(0.3, l1=0.5, shrinkage=0.2)),
    "proximal_gd": (lambda: T.ProximalGradientDescentOptimizer(0.02), proximal_gd(0.02)),
    "proximal_gd_l1_l2": (lambda: T.ProximalGradientDescentOptimizer(
        0.02, l1_regularization_strength=5.0, l2_regularization_strength=1.0),
        proximal_gd(0.02, 5.0, 1.0)),
    "proximal_adagrad": (lambda: T.ProximalAdagradOptimizer(0.3), proximal_adagrad(0.3)),
    "proximal_adagrad_l1_l2": (lambda: T.ProximalAdagradOptimizer(
        0.3, initial_accumulator_value=0.5, l1_regularization_strength=0.5,
        l2_regularization_strength=0.3), proximal_adagrad(0.3, 0.5, 0.5, 0.3)),
}
SLOTS = {"Adadelta": {"accum": "Adadelta", "accum_update": "Adadelta_1"},
         "Ftrl": {"accum": "Ftrl", "linear": "Ftrl_1"},
         "ProximalGradientDescent": {},
         "ProximalAdagrad": {"accumulator": "ProximalAdagrad"}}


@pytest.mark.parametrize("optimize", [True, False], ids=["optimized", "unoptimized"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_optimizer_matches_tf1_kernel(case, optimize):
    make_opt, (np_step, np_init) = CASES[case]
    W = gc.Variable(W0, name="W")
    b = gc.Variable(B0, name="b")
    loss = gc.square(gc.matmul(gc.constant(X), W) + b - gc.constant(Y))
    opt = make_opt()
    train = opt.minimize(loss)
    params = [W0.copy(), B0.copy()]
    states = [np_init(p) for p in params]
    with gc.Session(optimize=optimize) as sess:
        sess.run(gc.global_variables_initializer())
        for t in range(1, 6):
            grads = _np_grads(params)
            params = [np_step(p, g, s) for p, g, s in zip(params, grads, states)]
            sess.run(train)
            for want, have in zip(params, sess.run([W, b])):
                np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-12,
                                           err_msg=f"{case}, step {t}")
        for var, state in zip([W, b], states):
            for name, want in state.items():
                np.testing.assert_allclose(sess.run(opt.get_slot(var, name)), want,
                                           rtol=1e-12, atol=1e-12, err_msg=f"{case}: {name}")
    slots = SLOTS[opt.get_name()]
    assert opt.get_slot_names() == sorted(slots)
    for name, suffix in slots.items():
        slot = opt.get_slot(W, name)
        assert slot.node.name == f"W/{suffix}" and not slot.trainable
    if case == "ftrl_l1_l2":            # the l1 shrinkage zeroed some weights exactly
        assert np.any(params[0] == 0.0) and np.any(params[0] != 0.0)


@pytest.mark.parametrize("make_opt", [
    lambda: T.AdadeltaOptimizer(1.0, epsilon=1e-4),
    lambda: T.FtrlOptimizer(1.0),
    lambda: T.FtrlOptimizer(1.0, learning_rate_power=-0.7, l2_regularization_strength=0.01),
    lambda: T.ProximalGradientDescentOptimizer(0.2, l1_regularization_strength=0.01),
    lambda: T.ProximalAdagradOptimizer(1.0, l2_regularization_strength=0.01),
], ids=["adadelta", "ftrl", "ftrl_power", "proximal_gd", "proximal_adagrad"])
def test_optimizer_minimizes_a_quadratic(make_opt):
    target = np.array([1.0, -2.0, 0.5])
    w = gc.Variable(np.zeros(3), name="w")
    loss = gc.reduce_sum(gc.square(w - gc.constant(target)))
    train = make_opt().minimize(loss)
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        first = sess.run(loss)
        for _ in range(300):
            sess.run(train)
        assert sess.run(loss) < 0.01 * first


def test_float32_variables_and_tensor_hyperparameters():
    w = gc.Variable(np.array([1.0, -2.0, 0.05], dtype=np.float32), name="w")
    l1 = gc.placeholder(gc.float64, shape=())        # cast to float32, decided per run
    power = gc.placeholder(gc.float32, shape=())
    grads = [(gc.constant(np.array([0.5, -0.25, 1.0], np.float32)), w)]
    prox = T.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=l1)
    ftrl_opt = T.FtrlOptimizer(0.3, learning_rate_power=power, l1_regularization_strength=0.1)
    step_prox = prox.apply_gradients(grads)
    step_ftrl = ftrl_opt.apply_gradients(grads)
    g = np.array([0.5, -0.25, 1.0])
    with gc.Session() as sess:
        for l1_value in (0.0, 2.0):
            sess.run(gc.global_variables_initializer())
            sess.run(step_prox, {l1: l1_value})
            got = sess.run(w)
            assert got.dtype == np.float32
            want = _prox(np.array([1.0, -2.0, 0.05]) - g * 0.1, 0.1, l1_value, 0.0)
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
        for p in (-0.5, -0.3):
            sess.run(gc.global_variables_initializer())
            sess.run(step_ftrl, {power: p})
            np_step, np_init = ftrl(0.3, p, l1=0.1)
            p0 = np.array([1.0, -2.0, 0.05])
            want = np_step(p0, g, np_init(p0))
            np.testing.assert_allclose(sess.run(w), want, rtol=1e-5, atol=1e-7)


def test_bad_optimizer_arguments():
    with pytest.raises(ValueError, match="initial_accumulator_value -1 needs to be positive"):
        T.FtrlOptimizer(0.1, initial_accumulator_value=-1)
    with pytest.raises(ValueError, match="learning_rate_power 0.5 needs to be negative"):
        T.FtrlOptimizer(0.1, learning_rate_power=0.5)
    for arg in ("l1_regularization_strength", "l2_regularization_strength",
                "l2_shrinkage_regularization_strength"):
        with pytest.raises(ValueError, match=f"{arg} -0.1 needs to be positive or zero"):
            T.FtrlOptimizer(0.1, **{arg: -0.1})
    with pytest.raises(ValueError, match="must be positive"):
        T.ProximalAdagradOptimizer(0.1, initial_accumulator_value=0.0)
    w = gc.Variable(np.ones(2), name="w")
    opt = T.FtrlOptimizer(0.1, accum_name="acc", linear_name="lin")
    opt.minimize(gc.reduce_sum(w * w))
    assert opt.get_slot(w, "accum").node.name == "w/acc"
    assert opt.get_slot(w, "linear").node.name == "w/lin"
