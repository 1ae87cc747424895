"""gc.contrib.integrate (TF 1.15's tf.contrib.integrate): odeint (adaptive
Dormand-Prince) and odeint_fixed (rk4, midpoint), against closed-form solutions, and
their gradients through the while_loops."""
import numpy as np
import pytest

import graphc as gc

integrate = gc.contrib.integrate


def _run(fetches, feed=None):
    with gc.Session() as sess:
        return sess.run(fetches, feed)


def test_odeint_matches_closed_forms():
    t = np.array([0.0, 0.5, 2.0, 5.0])
    decay = integrate.odeint(lambda y, _: -y, np.array([1.0, 2.0]), t)
    # y'' = -y as a system: (cos t, -sin t)
    osc, info = integrate.odeint(lambda y, _: gc.stack([y[1], -y[0]]), np.array([1.0, 0.0]),
                                 t, rtol=1e-10, atol=1e-10, full_output=True)
    # time-dependent, float32 state: y' = cos(t) y, y = exp(sin t)
    tdep = integrate.odeint(lambda y, s: gc.cast(gc.cos(s), gc.float32) * y, 1.0, t)
    assert decay.shape.as_list() == [4, 2] and osc.dtype == gc.float64
    assert tdep.shape.as_list() == [4] and tdep.dtype == gc.float32
    got = _run([decay, osc, info, tdep])
    np.testing.assert_allclose(got[0], np.exp(-t)[:, None] * [1.0, 2.0], rtol=1e-5)
    np.testing.assert_allclose(got[1], np.stack([np.cos(t), -np.sin(t)], 1), atol=1e-8)
    info = got[2]
    n = len(info["integrate_points"])
    assert n == len(info["error_ratio"]) > 4
    assert info["num_func_evals"] == 6 * n + 1
    assert info["integrate_points"][-1] >= 5.0
    np.testing.assert_allclose(got[3], np.exp(np.sin(t)), rtol=1e-5)


def test_odeint_gradients_through_the_solver():
    k = gc.placeholder(gc.float64, (), name="k")
    y0 = gc.placeholder(gc.float64, (2,), name="y0")
    t = np.array([0.0, 1.0, 3.0])
    y = integrate.odeint(lambda y, _: -k * y, y0, t, rtol=1e-10, atol=1e-12)
    loss = gc.reduce_sum(y[1:] * np.array([[1.0, 2.0], [3.0, -1.0]]))
    dk, dy0 = gc.gradients(loss, [k, y0])
    got = _run([dk, dy0], {k: 0.7, y0: [1.0, 0.5]})
    # y(t) = y0 exp(-k t): dy/dk = -t y, dy/dy0 = exp(-k t)
    e1, e3 = np.exp(-0.7), np.exp(-2.1)
    np.testing.assert_allclose(got[0], -(1 * e1 * 1.0 + 2 * e1 * 0.5)
                               - 3 * (3 * e3 * 1.0 - 1 * e3 * 0.5), rtol=1e-6)
    np.testing.assert_allclose(got[1], [1 * e1 + 3 * e3, 2 * e1 - e3], rtol=1e-6)


def test_odeint_fixed_rk4_and_midpoint():
    t = np.array([0.0, 0.5, 1.0, 2.0])
    rk4 = integrate.odeint_fixed(lambda y, _: -y, 1.0, t, dt=0.25)
    mid = integrate.odeint_fixed(lambda y, _: -y, np.float64(1.0), t, dt=0.3,
                                 method="midpoint")
    one = integrate.odeint_fixed(lambda y, s: s * gc.ones_like(y), np.zeros(2), t)
    got = _run([rk4, mid, one])
    assert rk4.dtype == gc.float32
    h = 0.25        # 2, 2, 4 steps: each multiplies by the rk4 polynomial of -h
    g = 1 - h + h ** 2 / 2 - h ** 3 / 6 + h ** 4 / 24
    np.testing.assert_allclose(got[0], g ** np.array([0, 2, 4, 8]), rtol=1e-6)
    # dt = 0.3 rounds to 2, 2 and 4 steps of 0.25; midpoint multiplies by 1 - h + h^2/2
    np.testing.assert_allclose(got[1], (1 - h + h ** 2 / 2) ** np.array([0, 2, 4, 8]),
                               rtol=1e-12)
    # rk4 integrates y' = t exactly: t^2 / 2
    np.testing.assert_allclose(got[2], np.repeat(t[:, None] ** 2 / 2, 2, 1), atol=1e-12)
    gc.testing.check_vjp(
        lambda y0, a: integrate.odeint_fixed(lambda y, s: -a * y + gc.sin(s), y0, t, dt=0.1),
        [np.array([1.0, -0.5]), np.array(0.8)])


def test_integrate_errors():
    with pytest.raises(ValueError, match="invalid method: 'rk45'"):
        integrate.odeint(lambda y, _: -y, 1.0, [0.0, 1.0], method="rk45")
    with pytest.raises(ValueError, match="cannot supply `options` without"):
        integrate.odeint(lambda y, _: -y, 1.0, [0.0, 1.0], options={"safety": 0.8})
    with pytest.raises(TypeError, match="`y0` must have a floating point"):
        integrate.odeint(lambda y, _: -y, 1, [0.0, 1.0])
    with pytest.raises(ValueError, match="method not supported: euler"):
        integrate.odeint_fixed(lambda y, _: -y, 1.0, [0.0, 1.0], method="euler")
    with pytest.raises(ValueError, match="incompatible lengths"):
        integrate.odeint_fixed(lambda y, _: -y, 1.0, [0.0, 1.0, 2.0], dt=[0.1])
    bad = integrate.odeint(lambda y, _: -y, 1.0, [0.0, 2.0, 1.0])
    with pytest.raises(gc.errors.InvalidArgumentError, match="monotonic increasing"):
        _run(bad)
    few = integrate.odeint(lambda y, _: -y, 1.0, [0.0, 50.0], method="dopri5",
                           options={"max_num_steps": 3})
    with pytest.raises(gc.errors.InvalidArgumentError, match="max_num_steps exceeded"):
        _run(few)
