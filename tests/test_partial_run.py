"""Session.partial_run_setup / partial_run: a run in steps in which every op runs at
most once, with TF1's rules for what each step may feed and fetch."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors


def _graph():
    a, b, c = (gc.placeholder(gc.float32, [], name=n) for n in "abc")
    r = gc.random_uniform([], seed=1)
    r1 = a + b + r
    r2 = r1 * c
    v = gc.Variable(0.0, name="v")
    inc = gc.assign_add(v, 1.0)
    with gc.control_dependencies([inc]):
        r3 = r2 + 0.0
    return a, b, c, r, r1, r2, r3, v


def test_steps_share_random_draws_and_run_effects_once():
    a, b, c, r, r1, r2, r3, v = _graph()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        h = sess.partial_run_setup([r1, r2, r3, r], [a, b, c])
        v1, rv = sess.partial_run(h, [r1, r], feed_dict={a: 1.0, b: 2.0})
        assert v1 == pytest.approx(3.0 + rv)
        v2 = sess.partial_run(h, r2, feed_dict={c: 2.0})
        assert v2 == pytest.approx(2 * v1)           # the same draw of r
        assert sess.partial_run(h, r3) == pytest.approx(v2)
        assert sess.run(v) == 1.0                   # the assign ran once
        with pytest.raises(errors.InvalidArgumentError, match="Must run 'setup'"):
            sess.partial_run(h, r3)                 # every fetch done: the handle ended


def test_fetch_structures_names_and_ops():
    a, b, c, r, r1, r2, r3, v = _graph()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        h = sess.partial_run_setup([r1, r2, r3.op], [a, b, c])
        out = sess.partial_run(h, {"sum": r1.name}, feed_dict={"a:0": 1.0, b: 1.0})
        assert set(out) == {"sum"}
        assert sess.partial_run(h, (r3.op, r2), {c: 0.5}) == (None, pytest.approx(
            out["sum"] * 0.5))
        assert sess.run(v) == 1.0


def test_tf1_errors():
    a, b, c, r, r1, r2, r3, v = _graph()
    with gc.Session() as sess:
        sess.run(gc.global_variables_initializer())
        h = sess.partial_run_setup([r1, r2], [a, b])
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"Fetch mul:0 can't be computed from the feeds.*needs Placeholder"):
            sess.partial_run(h, r2)
        with pytest.raises(errors.InvalidArgumentError,
                           match="The feed c:0 was not specified in partial_run_setup"):
            sess.partial_run(h, r1, {c: 1.0})
        with pytest.raises(errors.InvalidArgumentError,
                           match=f"The fetch {r3.name} was not specified"):
            sess.partial_run(h, r3, {a: 1.0})
        sess.partial_run(h, r1, {a: 1.0, b: 2.0})
        with pytest.raises(errors.InvalidArgumentError, match="The feed a:0 has already been fed"):
            sess.partial_run(h, r2, {a: 1.0})
        with pytest.raises(errors.InvalidArgumentError, match="has already been fetched"):
            sess.partial_run(h, r1)
        with pytest.raises(errors.InvalidArgumentError, match="Must run 'setup'"):
            sess.partial_run("no such handle", r1)


def test_values_computed_but_not_fetched_are_reused():
    x = gc.placeholder(gc.float32, [3])
    noise = gc.random_normal([3], seed=3)
    h1 = gc.tanh(x + noise)
    y = gc.reduce_sum(h1)
    z = h1 * 2.0
    with gc.Session() as sess:
        h = sess.partial_run_setup([y, z], [x])
        yv = sess.partial_run(h, y, {x: np.ones(3, np.float32)})
        zv = sess.partial_run(h, z)                 # h1 from the first step
        np.testing.assert_allclose(zv.sum(), 2 * yv, rtol=1e-6)


def test_closing_the_session_ends_its_partial_runs():
    x = gc.placeholder(gc.float32, [])
    y, z = x + 1.0, x + 2.0
    sess = gc.Session()
    h = sess.partial_run_setup([y, z], [x])
    sess.partial_run(h, y, {x: 1.0})
    sess.close()
    with gc.Session() as other, pytest.raises(errors.InvalidArgumentError):
        other.partial_run(h, z)
