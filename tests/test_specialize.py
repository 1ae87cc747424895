"""Plans specialized to the run-time shapes of feeds with unknown dims (JAX's jit does
the same): Session.run and make_callable compile one per feed-shape signature, with
exact shapes downstream, and give the results of the general plan."""
import numpy as np
import pytest

import graphc as gc
from graphc import feeds as S


def _mlp():
    x = gc.placeholder(gc.float32, (None, 64), name="x")
    W = gc.constant(np.random.default_rng(0).standard_normal((64, 32)).astype(np.float32))
    h = gc.nn.relu(gc.matmul(x, W) + 0.5)
    loss = gc.reduce_mean(h * h)
    return x, loss, gc.gradients(loss, [x])[0]


def _data(n, seed=0):
    return np.random.default_rng(seed).standard_normal((n, 64)).astype(np.float32)


def test_a_run_compiles_a_plan_for_its_feed_shapes():
    x, loss, g = _mlp()
    s = gc.Session()
    got = s.run([loss, g], {x: _data(128)})
    (runner,) = s._plans.values()
    assert isinstance(runner, S._Specializing) and list(runner.plans) == [((128, 64),)]
    exe = runner.plans[((128, 64),)]
    spec = next(ch for ch in exe.log if ch.name == "specialize")
    assert spec.counts["feeds given their run-time shapes"] == 1
    general = gc.compile([loss, g], [x])        # gc.compile: the general plan
    assert not any(ch.name == "specialize" for ch in general.log)
    # reduce_mean's gradient needs the batch size: known now, its Shape/Size are folded
    assert sum(n.type in ("Shape", "Size") for n in general.program.nodes) > 0
    assert not any(n.type in ("Shape", "Size") for n in exe.program.nodes)
    assert exe.plan.inplace > general.plan.inplace
    with gc.Session(optimize=False) as raw:
        want = raw.run([loss, g], {x: _data(128)})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_each_batch_size_gets_its_plan_up_to_a_cap(monkeypatch):
    monkeypatch.setattr(S, "MAX_SPECIALIZED", 2)
    x, loss, g = _mlp()
    s = gc.Session()
    f = s.make_callable([loss, g], [x])
    with gc.Session(optimize=False) as raw:
        for n in (8, 16, 8, 24, 40):
            got = f(_data(n, seed=n))
            want = raw.run([loss, g], {x: _data(n, seed=n)})
            for a, b in zip(got, want):
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    # batch 8 and 16 got plans of their own; 24 and 40 ran the one general plan
    specialized = [any(ch.name == "specialize" for ch in e.log) for e in s._executables]
    assert sorted(specialized) == [False, True, True]


def test_feeds_are_checked_before_a_plan_is_chosen():
    x, loss, g = _mlp()
    s = gc.Session()
    with pytest.raises(gc.errors.FeedError, match="does not fit static shape"):
        s.run(loss, {x: np.zeros((4, 63), np.float32)})
    f = s.make_callable(loss, [x])
    with pytest.raises(gc.errors.FeedError):
        f(np.zeros((4,), np.float32))


def test_static_feeds_and_gc_compile_never_specialize():
    x = gc.placeholder(gc.float32, (3,), name="x")
    s = gc.Session()
    s.run(x + 1.0, {x: np.zeros(3, np.float32)})
    assert not any(isinstance(p, S._Specializing) for p in s._plans.values())
    y = gc.placeholder(gc.float32, (None,), name="y")
    exe = gc.compile(y * 2.0, [y])
    np.testing.assert_allclose(exe(np.ones(5, np.float32)), 2.0)
    assert not any(ch.name == "specialize" for ch in exe.log)


def test_a_run_time_error_shows_the_shapes_the_user_built():
    a = gc.placeholder(gc.float32, (None,), name="a")
    b = gc.placeholder(gc.float32, (None,), name="b")
    with gc.Session() as s, pytest.raises(gc.errors.ExecutionError) as e:
        s.run(a + b, {a: np.ones(3, np.float32), b: np.ones(4, np.float32)})
    assert "shape (?,) float32" in str(e.value) and "at run time (3,)" in str(e.value)


def test_training_with_varying_batches_matches_the_plan_as_built(monkeypatch):
    """SGD on a (None, 64) placeholder, batches of several sizes (past the cap), the
    fed input also fetched: the variables end where optimize=False leaves them."""
    monkeypatch.setattr(S, "MAX_SPECIALIZED", 2)
    rng = np.random.default_rng(3)
    W0 = rng.standard_normal((64, 8)).astype(np.float32) * 0.1
    batches = [(rng.standard_normal((n, 64)).astype(np.float32),
                rng.standard_normal((n, 8)).astype(np.float32))
               for n in (16, 32, 16, 7, 50, 32)]
    finals = []
    for opt in (True, False):
        gc.reset_default_graph()
        x = gc.placeholder(gc.float32, (None, 64), name="x")
        y = gc.placeholder(gc.float32, ("batch", 8), name="y")     # a named dim too
        W = gc.Variable(W0)
        loss = gc.reduce_mean(gc.square(gc.matmul(x, W) - y))
        train = gc.train.GradientDescentOptimizer(0.1).minimize(loss)
        with gc.Session(optimize=opt) as s:
            s.run(gc.global_variables_initializer())
            step = s.make_callable([loss, x, train], [x, y])
            for xv, yv in batches:
                _, fed, _ = step(xv, yv)
                np.testing.assert_array_equal(fed, xv)
            finals.append(s.run(W))
    np.testing.assert_allclose(finals[0], finals[1], rtol=1e-5, atol=1e-6)
