"""gc.GradientTape in graph mode: what it records, watching, nesting, jacobians."""
import numpy as np
import pytest

import graphc as gc


def _run(fetches, feed=None):
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        return s.run(fetches, feed)


def test_gradient_of_watched_placeholder_matches_gradients():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [4])
        with gc.GradientTape() as tape:
            tape.watch(x)
            y = gc.reduce_sum(gc.exp(x) * gc.sin(x))
        g = tape.gradient(y, x)
        ref, = gc.gradients(y, x)
        xv = np.linspace(-1, 1, 4)
        a, b = _run([g, ref], {x: xv})
    np.testing.assert_allclose(a, np.exp(xv) * (np.sin(xv) + np.cos(xv)))
    np.testing.assert_allclose(a, b)


def test_unwatched_and_unrecorded_give_none():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [3])
        before = x * 2.0                              # built before the tape
        with gc.GradientTape(persistent=True) as tape:
            y = gc.reduce_sum(x * x)                  # x not watched
            z = gc.reduce_sum(before)
        assert tape.gradient(y, x) is None
        tape.watch(x)
        assert tape.gradient(z, x) is None            # only an unrecorded op reads x
        zero = tape.gradient(z, x, unconnected_gradients=gc.UnconnectedGradients.ZERO)
        np.testing.assert_array_equal(_run(zero, {x: np.ones(3, np.float32)}), 0)


def test_trainable_variables_are_watched_unless_disabled():
    with gc.Graph().as_default():
        W = gc.Variable(np.full((2, 2), 3.0, np.float32), name="W")
        frozen = gc.Variable(np.ones(2, np.float32), trainable=False, name="frozen")
        with gc.GradientTape(persistent=True) as tape:
            y = gc.reduce_sum(W * W) + gc.reduce_sum(frozen)
        assert tape.watched_variables() == (W,)
        assert tape.gradient(y, frozen) is None
        np.testing.assert_allclose(_run(tape.gradient(y, W)), 6.0)
        with gc.GradientTape(watch_accessed_variables=False) as t2:
            y2 = gc.reduce_sum(W)
        assert t2.gradient(y2, W) is None


def test_stop_recording_and_reset():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [])
        with gc.GradientTape(persistent=True) as tape:
            tape.watch(x)
            with tape.stop_recording():
                hidden = x * x
            seen = x * 3.0
            y = hidden + seen
        np.testing.assert_allclose(_run(tape.gradient(y, x), {x: 2.0}), 3.0)
        tape.reset()
        assert tape.gradient(y, x) is None


def test_nested_tapes_give_second_derivatives():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [3])
        with gc.GradientTape() as outer:
            outer.watch(x)
            with gc.GradientTape() as inner:
                inner.watch(x)
                y = gc.reduce_sum(x ** 3)
            d1 = inner.gradient(y, x)
        d2 = outer.gradient(d1, x)
        xv = np.array([1.0, -2.0, 0.5])
        a, b = _run([d1, d2], {x: xv})
    np.testing.assert_allclose(a, 3 * xv ** 2)
    np.testing.assert_allclose(b, 6 * xv)


def test_nested_structures_and_output_gradients():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [2])
        w = gc.Variable(np.float32(2.0))
        with gc.GradientTape() as tape:
            tape.watch(x)
            out = {"a": x * w, "b": gc.reduce_sum(x)}
        grads = tape.gradient(out, {"x": x, "w": [w]},
                              output_gradients={"a": gc.constant([1.0, 10.0]),
                                                "b": gc.constant(1.0)})
        assert set(grads) == {"x", "w"} and isinstance(grads["w"], list)
        gx, gw = _run([grads["x"], grads["w"][0]], {x: np.array([1.0, 2.0], np.float32)})
    np.testing.assert_allclose(gx, [3.0, 21.0])
    np.testing.assert_allclose(gw, 21.0)


def test_jacobian_and_batch_jacobian_against_numpy():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 3))
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float64, [2, 4])
        with gc.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = gc.tanh(gc.matmul(x, gc.constant(A)))
        J = tape.jacobian(y, x)
        B = tape.batch_jacobian(y, x)
        xv = rng.standard_normal((2, 4))
        j, b = _run([J, B], {x: xv})
    d = 1 - np.tanh(xv @ A) ** 2                       # (2, 3)
    ref = np.zeros((2, 3, 2, 4))
    for i in range(2):
        ref[i, :, i, :] = d[i][:, None] * A.T
    np.testing.assert_allclose(j, ref, atol=1e-12)
    np.testing.assert_allclose(b, ref[np.arange(2), :, np.arange(2), :], atol=1e-12)


def test_batch_jacobian_with_unknown_batch():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [None, 2])
        with gc.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        B = tape.batch_jacobian(y, x)
        xv = np.arange(6, dtype=np.float32).reshape(3, 2)
        b = _run(B, {x: xv})
    assert b.shape == (3, 2, 2)
    np.testing.assert_allclose(b[:, [0, 1], [0, 1]], 2 * xv)
    np.testing.assert_allclose(b[:, 0, 1], 0)


def test_errors():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [3])
        with gc.GradientTape() as tape:
            tape.watch(x)
            y = gc.reduce_sum(x)
            with pytest.raises(ValueError, match="not a tensor"):
                tape.watch("x")
        with pytest.raises(TypeError, match="target must be tensors"):
            tape.gradient([1.0], x)
        tape.gradient(y, x)
        with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
            tape.gradient(y, x)
        z = gc.placeholder(gc.float32, [None, None])
        with gc.GradientTape() as t2:
            t2.watch(z)
            w = z * 2.0
        with pytest.raises(gc.errors.ShapeError, match="batch_jacobian.*static"):
            t2.batch_jacobian(w, z)


@pytest.mark.slow     # test_deep.py checks a 100k chain in the default run
def test_long_chain_has_no_recursion():
    with gc.Graph().as_default():
        x = gc.placeholder(gc.float32, [])
        with gc.GradientTape() as tape:
            tape.watch(x)
            y = x
            for _ in range(20000):
                y = y * 1.0
        g = tape.gradient(y, x)
        assert _run(g, {x: 1.0}) == 1.0
