"""gc.layers.batch_normalization against numpy and TF1's rules (names, collections, the
moving averages, fused vs non-fused variance, UPDATE_OPS)."""
import numpy as np
import pytest

import graphc as gc
from graphc.testing import check_vjp

RNG = np.random.default_rng(0)
EPS = 1e-3
INITS = dict(gamma_initializer=gc.constant_initializer([1.5, 0.5, 2.0]),
             beta_initializer=gc.constant_initializer([0.1, -0.2, 0.3]),
             moving_mean_initializer=gc.constant_initializer([0.5, -1.0, 2.0]),
             moving_variance_initializer=gc.constant_initializer([2.0, 0.5, 3.0]))
GAMMA, BETA = np.array([1.5, 0.5, 2.0]), np.array([0.1, -0.2, 0.3])
MEAN0, VAR0 = np.array([0.5, -1.0, 2.0]), np.array([2.0, 0.5, 3.0])


def _bn_np(x, axis, mean, var, eps=EPS):
    shape = [1] * x.ndim
    shape[axis] = -1
    r = [np.reshape(v, shape) for v in (mean, var, GAMMA, BETA)]
    return r[2] * (x - r[0]) / np.sqrt(r[1] + eps) + r[3]


def _stats(x, axis, unbiased):
    axes = tuple(i for i in range(x.ndim) if i != axis % x.ndim)
    n = x.size // x.shape[axis]
    return x.mean(axes), x.var(axes) * (n / (n - 1) if unbiased else 1.0)


# (input shape, axis, fused=, takes the fused path)
CASES = {"2d": ((6, 3), -1, None, False), "4d_last": ((4, 2, 5, 3), -1, None, True),
         "4d_axis1": ((4, 3, 2, 5), 1, None, True), "4d_axis2": ((4, 2, 3, 5), 2, None, False),
         "4d_unfused": ((4, 2, 5, 3), 3, False, False), "3d": ((5, 4, 3), -1, True, False)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_numpy_in_training_and_inference(case):
    shape, axis, fused, _ = CASES[case]
    x = gc.placeholder(gc.float64, (None,) + shape[1:])
    training = gc.placeholder_with_default(False, [])
    kw = dict(INITS, axis=axis, fused=fused)
    train = gc.layers.batch_normalization(x, training=True, name="bn", **kw)
    infer = gc.layers.batch_normalization(x, name="bn", reuse=True, **kw)
    both = gc.layers.batch_normalization(x, training=training, name="bn", reuse=True, **kw)
    assert len(gc.global_variables()) == 4 and both.shape == x.shape
    assert "StatelessIf" in {op.type for op in gc.get_default_graph().get_operations()}
    xv = RNG.standard_normal(shape) * 3 + 1
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        t, i, b0 = s.run([train, infer, both], {x: xv})
        b1 = s.run(both, {x: xv, training: True})
    mean, var = _stats(xv, axis, unbiased=False)
    eps = max(EPS, 1.001e-5)
    np.testing.assert_allclose(t, _bn_np(xv, axis, mean, var, eps), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(i, _bn_np(xv, axis, MEAN0, VAR0), rtol=1e-12)
    np.testing.assert_array_equal(b0, i)
    np.testing.assert_allclose(b1, t, rtol=1e-12, atol=1e-14)
    assert t.shape == shape


@pytest.mark.parametrize("case", sorted(CASES))
def test_moving_averages_after_updates_match_numpy(case):
    """moving -= (moving - stat) * (1 - momentum); the fused path (4-D, axis 1 or 3)
    moves the variance toward the unbiased batch variance, as TF1's does."""
    shape, axis, fused, is_fused = CASES[case]
    x = gc.placeholder(gc.float64, shape)
    training = gc.placeholder(gc.bool, [])
    gc.layers.batch_normalization(x, training=training, momentum=0.8, fused=fused,
                                  axis=axis, **INITS)
    updates = gc.get_collection(gc.GraphKeys.UPDATE_OPS)
    assert [u.op.name for u in updates] == ["batch_normalization/AssignMovingAvg",
                                            "batch_normalization/AssignMovingAvg_1"]
    moving = gc.global_variables()[2:]
    mean, var = MEAN0.copy(), VAR0.copy()
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        for step in range(5):
            xv = RNG.standard_normal(shape) * (step + 1) + step
            s.run(updates, {x: xv, training: True})
            s.run(updates, {x: xv * 7, training: False})        # no change
            bm, bv = _stats(xv, axis, unbiased=is_fused)
            mean -= (mean - bm) * 0.2
            var -= (var - bv) * 0.2
        got_mean, got_var = s.run(moving)
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(got_var, var, rtol=1e-12)


def test_update_ops_idiom_trains_and_the_moving_statistics_converge():
    gc.set_random_seed(1)
    rng = np.random.default_rng(2)
    w_true = rng.standard_normal((4, 1))
    scale, shift = np.array([1.0, 3.0, 0.5, 2.0]), np.array([4.0, -2.0, 1.0, 0.0])
    x = gc.placeholder(gc.float32, (None, 4))
    y = gc.placeholder(gc.float32, (None, 1))
    training = gc.placeholder_with_default(False, [])
    h = gc.layers.batch_normalization(x, training=training, momentum=0.9)
    pred = gc.layers.dense(gc.layers.dense(h, 16, activation=gc.nn.tanh), 1)
    loss = gc.losses.mean_squared_error(y, pred)
    with gc.control_dependencies(gc.get_collection(gc.GraphKeys.UPDATE_OPS)):
        train_op = gc.train.AdamOptimizer(0.02).minimize(loss)
    moving_mean, moving_var = gc.global_variables()[2:4]

    def batch():
        xs = rng.standard_normal((64, 4)) * scale + shift
        return {x: xs.astype(np.float32),
                y: (((xs - shift) / scale) @ w_true).astype(np.float32)}
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        test = batch()
        first = s.run(loss, {**test, training: True})
        for _ in range(300):
            s.run(train_op, {**batch(), training: True})
        last_train = s.run(loss, {**test, training: True})
        last_infer = s.run(loss, test)                      # moving statistics
        mm, mv = s.run([moving_mean, moving_var])
    assert last_train < 0.05 * first and last_infer < 0.05 * first
    np.testing.assert_allclose(mm, shift, atol=0.1 * scale.max())
    np.testing.assert_allclose(mv, scale ** 2, rtol=0.25)


def _bn_on(x, g, b, **kw):
    """batch_normalization(x) in training mode with gamma and beta taken from g and b
    (a custom getter), so that check_vjp differentiates with respect to them too."""
    def getter(getter, name, *args, **kwargs):
        v = getter(name, *args, **kwargs)
        return {"gamma": g, "beta": b}.get(name.split("/")[-1], v)
    with gc.variable_scope("net", custom_getter=getter):
        return gc.layers.batch_normalization(x, training=True, **kw)


@pytest.mark.parametrize("shape,axis", [((5, 3), -1), ((3, 3, 2, 4), 1), ((4, 2, 3, 3), -1),
                                        ((3, 2, 3, 4), 2)])
def test_gradients_in_training_mode_match_finite_differences(shape, axis):
    x = RNG.standard_normal(shape) * 2 + 1
    g, b = RNG.standard_normal(shape[axis]) + 2, RNG.standard_normal(shape[axis])
    check_vjp(lambda x, g, b: _bn_on(x, g, b, axis=axis, epsilon=0.1), [x, g, b])


def test_variables_collections_and_names_follow_tf1():
    x = gc.placeholder(gc.float32, (None, 5), name="x")
    reg = lambda w: 0.1 * gc.reduce_sum(w)                   # noqa: E731
    y = gc.layers.batch_normalization(x, gamma_regularizer=reg)
    with gc.variable_scope("block"):
        z = gc.layers.batch_normalization(x, scale=False, trainable=False, name="norm")
    w = gc.layers.batch_normalization(x, center=False, fused=True)
    h = gc.layers.batch_normalization(gc.placeholder(gc.float16, (None, 3)), training=True)
    names = [v.name for v in gc.global_variables()]
    assert names == ["batch_normalization/gamma:0", "batch_normalization/beta:0",
                     "batch_normalization/moving_mean:0",
                     "batch_normalization/moving_variance:0", "block/norm/beta:0",
                     "block/norm/moving_mean:0", "block/norm/moving_variance:0",
                     "batch_normalization_1/gamma:0", "batch_normalization_1/moving_mean:0",
                     "batch_normalization_1/moving_variance:0",
                     "batch_normalization_2/gamma:0", "batch_normalization_2/beta:0",
                     "batch_normalization_2/moving_mean:0",
                     "batch_normalization_2/moving_variance:0"]
    assert [v.name for v in gc.trainable_variables()] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0",
        "batch_normalization_1/gamma:0", "batch_normalization_2/gamma:0",
        "batch_normalization_2/beta:0"]
    assert all(v.shape == (5,) for v in gc.global_variables()[:10])
    assert gc.global_variables()[-1].dtype is gc.float32 and h.dtype is gc.float16
    # TF1's tf.layers does not use MOVING_AVERAGE_VARIABLES (ExponentialMovingAverage does)
    assert gc.get_collection(gc.GraphKeys.MOVING_AVERAGE_VARIABLES) == []
    # training=False (the default) adds no update ops; training=True adds two per call
    assert [u.op.name for u in gc.get_collection(gc.GraphKeys.UPDATE_OPS)] == [
        "batch_normalization_2/AssignMovingAvg", "batch_normalization_2/AssignMovingAvg_1"]
    [r] = gc.losses.get_regularization_losses()
    assert r.op.name.startswith("batch_normalization/gamma/Regularizer/")
    assert (y.op.name.split("/")[0], z.op.name.split("/")[:2]) == (
        "batch_normalization", ["block", "norm"])
    xv = RNG.standard_normal((4, 5)).astype(np.float32)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        yv, zv, wv, rv = s.run([y, z, w, r], {x: xv})
    np.testing.assert_allclose([yv, zv, wv], [xv / np.sqrt(1 + EPS)] * 3, rtol=1e-6)
    assert np.isclose(rv, 0.5)


def test_reuse_shares_the_variables():
    x = gc.placeholder(gc.float32, (None, 2, 2, 3))
    a = gc.layers.batch_normalization(x, training=True, name="bn")
    b = gc.layers.batch_normalization(x + 2.0, training=True, name="bn", reuse=True)
    c = gc.layers.batch_normalization(x, name="bn", reuse=gc.AUTO_REUSE)
    assert len(gc.global_variables()) == 4 and a.op.name.startswith("bn/")
    assert b.op.name.startswith("bn_1/") and c.op.name.startswith("bn_2/")
    assert len(gc.get_collection(gc.GraphKeys.UPDATE_OPS)) == 4
    with gc.variable_scope("tower", reuse=gc.AUTO_REUSE):
        for _ in range(2):
            gc.layers.batch_normalization(x, name="bn")
    assert len(gc.global_variables()) == 8
    with pytest.raises(ValueError, match="Variable bn/gamma already exists"):
        gc.layers.batch_normalization(x, name="bn")
    with pytest.raises(ValueError, match="Variable other/gamma does not exist"):
        gc.layers.batch_normalization(x, name="other", reuse=True)
    with pytest.raises(gc.errors.ShapeError, match="Trying to share variable bn/gamma"):
        gc.layers.batch_normalization(gc.placeholder(gc.float32, (None, 4)), name="bn",
                                      reuse=True)
    xv = RNG.standard_normal((3, 2, 2, 3)).astype(np.float32)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        av, bv = s.run([a, b], {x: xv})
    np.testing.assert_allclose(av, bv, rtol=1e-4, atol=1e-5)    # shifted: the same


def test_errors_name_the_argument():
    x = gc.placeholder(gc.float32, (None, 3), name="feats")
    with pytest.raises(ValueError, match="adjustment"):
        gc.layers.batch_normalization(x, adjustment=lambda shape: (1.0, 0.0),
                                      virtual_batch_size=2)
    with pytest.raises(ValueError, match="invalid keys for renorm_clipping"):
        gc.layers.batch_normalization(x, renorm=True, renorm_clipping={"r": 1.0})
    with pytest.raises(ValueError, match="virtual_batch_size must be a positive"):
        gc.layers.batch_normalization(x, virtual_batch_size=0)
    with pytest.raises(gc.errors.ShapeError, match="virtual_batch_size 4 does not divide"):
        gc.layers.batch_normalization(gc.placeholder(gc.float32, (6, 3)), virtual_batch_size=4)
    with pytest.raises(ValueError, match="Invalid axis: 2"):
        gc.layers.batch_normalization(x, axis=2)
    with pytest.raises(ValueError, match="Duplicate axis"):
        gc.layers.batch_normalization(x, axis=[1, -1])
    with pytest.raises(gc.errors.ShapeError, match="axis 1 dimension .* should be defined"):
        gc.layers.batch_normalization(gc.placeholder(gc.float32, (None, None)))
    with pytest.raises(gc.errors.ShapeError, match="undefined rank"):
        gc.layers.batch_normalization(gc.placeholder(gc.float32))
    with pytest.raises(gc.errors.DTypeError, match="non-floating point dtype int32"):
        gc.layers.batch_normalization(gc.placeholder(gc.int32, (None, 3)))
    with pytest.raises(TypeError, match="training must be a Python bool"):
        gc.layers.batch_normalization(x, training=None)
    assert gc.global_variables() == []


def test_virtual_batches_are_normalized_each_by_its_own_moments():
    """TF1's ghost batch norm: (8, 3) as (2, 4, 3); ghost batch k holds rows k and k + 4
    (values, gradients and parameter shapes checked against TF 2.21's tf.layers)."""
    x = gc.placeholder(gc.float64, (8, 3))
    y = gc.layers.batch_normalization(x, training=True, virtual_batch_size=2, name="bn")
    gamma, beta, mean, var = gc.global_variables()
    assert [v.shape.as_list() for v in (gamma, mean)] == [[1, 1, 3], [1, 1, 3]]
    assert y.shape.as_list() == [8, 3]
    xv = RNG.standard_normal((8, 3))
    ghosts = xv.reshape(2, 4, 3)
    m, v = ghosts.mean(0, keepdims=True), ghosts.var(0, keepdims=True)
    want = ((ghosts - m) / np.sqrt(v + EPS)).reshape(8, 3)
    with gc.control_dependencies(gc.get_collection(gc.GraphKeys.UPDATE_OPS)):
        step = gc.identity(y)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        np.testing.assert_allclose(s.run(step, {x: xv}), want, rtol=1e-10)
        np.testing.assert_allclose(s.run(mean)[0, 0], 0.01 * m.mean(1)[0], rtol=1e-10)
        np.testing.assert_allclose(s.run(var)[0, 0], 0.99 + 0.01 * v.mean(1)[0], rtol=1e-10)
        err = gc.test.compute_gradient_error(x, (8, 3), gc.reduce_sum(y * y * y), (),
                                             x_init_value=xv)
    assert err < 1e-6


def test_batch_renormalization_corrects_by_the_renorm_averages():
    """renorm=True as TF 2.x's layer (values checked against TF 2.21's tf.layers): at the
    start (renorm_mean 0, renorm_stddev 1) r = sigma_B and d = mu_B, clipped."""
    x = gc.placeholder(gc.float64, (6, 2))
    y = gc.layers.batch_normalization(x, training=True, renorm=True, momentum=0.9,
                                      renorm_momentum=0.8, name="bn",
                                      renorm_clipping={"rmax": 1.5, "dmax": 0.3})
    names = [v.op.name for v in gc.global_variables()]
    assert names == ["bn/" + n for n in ("gamma", "beta", "moving_mean", "moving_variance",
                                         "moving_stddev", "renorm_mean", "renorm_stddev")]
    assert [v.op.name for v in gc.trainable_variables()] == ["bn/gamma", "bn/beta"]
    state = {n.split("/")[1]: v for n, v in zip(names, gc.global_variables())}
    xv = RNG.standard_normal((6, 2)) * np.array([0.5, 3.0]) + np.array([0.1, -2.0])
    m, v = xv.mean(0), xv.var(0)
    sd = np.sqrt(v + EPS)
    want = (xv - m) / sd * np.minimum(sd, 1.5) + np.clip(m, -0.3, 0.3)
    with gc.control_dependencies(gc.get_collection(gc.GraphKeys.UPDATE_OPS)):
        step = gc.identity(y)
    grad = gc.gradients(gc.reduce_sum(y * y * y), x)[0]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        out, g = s.run([step, grad], {x: xv})       # r, d: from the averages before
        np.testing.assert_allclose(out, want, rtol=1e-10)
        got = s.run(state)
    np.testing.assert_allclose(got["renorm_mean"], 0.2 * m, rtol=1e-10)
    np.testing.assert_allclose(got["renorm_stddev"], 1 - 0.2 * (1 - sd), rtol=1e-10)
    np.testing.assert_allclose(got["moving_mean"], 0.1 * m, rtol=1e-10)
    stddev = 1 - 0.1 * (1 - sd)
    np.testing.assert_allclose(got["moving_stddev"], stddev, rtol=1e-10)
    np.testing.assert_allclose(got["moving_variance"], stddev ** 2 - EPS, rtol=1e-10)

    def f(a):           # r and d carry no gradient: held at this batch's values
        return np.sum(((a - a.mean(0)) / np.sqrt(a.var(0) + EPS) * np.minimum(sd, 1.5)
                       + np.clip(m, -0.3, 0.3)) ** 3)
    fd = np.zeros_like(xv)
    for i in np.ndindex(*xv.shape):
        e = np.zeros_like(xv)
        e[i] = 1e-6
        fd[i] = (f(xv + e) - f(xv - e)) / 2e-6
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-6)
