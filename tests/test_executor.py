"""The Executable and the Session's run paths: fast paths, feed checks, run-time errors
naming the node, variable semantics, buffer safety, deep chains."""
import numpy as np
import pytest

import graphc as gc
from graphc.compiler import executable


def test_make_callable_and_run_agree():
    x = gc.placeholder(gc.float32, (None, 3), name="x")
    y = gc.tanh(x) + 1.0
    xv = np.ones((2, 3), np.float32)
    with gc.Session() as s:
        f = s.make_callable(y, [x])
        np.testing.assert_allclose(f(xv), s.run(y, {x: xv}))
        np.testing.assert_allclose(f([[0.0, 0.0, 0.0]]), np.ones((1, 3)))   # converted
        g = s.make_callable([y, {"y": y}], [x])
        a, d = g(xv)
        np.testing.assert_allclose(a, d["y"])


def test_wrong_feeds_still_raise_feed_error():
    x = gc.placeholder(gc.float32, (2,), name="x")
    y = x + 1.0
    with gc.Session() as s:
        f = s.make_callable(y, [x])
        with pytest.raises(gc.errors.FeedError, match="'x:0'"):
            f(np.zeros(3, np.float32))
        with pytest.raises(gc.errors.FeedError, match="takes 1 feed"):
            f()
        with pytest.raises(gc.errors.FeedError, match="x"):
            f(np.zeros(2, np.int32) + 0.5)          # float64 -> float32 is fine ...
            f(np.array(["a", "b"]))                 # ... strings are not
        s.run(y, {x: np.zeros(2, np.float32)})      # the fast path's cache ...
        with pytest.raises(gc.errors.FeedError, match="does not fit"):
            s.run(y, {x: np.zeros(5, np.float32)})  # ... still checks shapes


def test_run_time_error_names_node_and_site_on_both_paths(monkeypatch):
    a = gc.placeholder(gc.float32, (None,), name="a")
    b = gc.placeholder(gc.float32, (None,), name="b")
    c = gc.tanh(gc.add(a, b, name="sum_ab"))
    for limit in (executable.CODEGEN_MAX, 0):      # generated code, then the loop
        monkeypatch.setattr(executable, "CODEGEN_MAX", limit)
        with gc.Session() as s, pytest.raises(gc.errors.ExecutionError) as e:
            s.run(c, {a: np.zeros(3), b: np.zeros(4)})
        msg = str(e.value)
        assert "Add 'sum_ab'" in msg and "test_executor.py" in msg and "(3,)" in msg
        assert isinstance(e.value.__cause__, ValueError)


def test_uninitialized_variable_error_passes_through():
    v = gc.Variable([1.0, 2.0], name="v")
    with gc.Session() as s, pytest.raises(gc.errors.UninitializedVariableError, match="'v'"):
        s.run(v * 2.0)


def test_reads_see_assignments_in_creation_order_and_fetches_after():
    v = gc.Variable(1.0, name="v")
    before = v * 10.0
    inc = v.assign_add(1.0)
    with gc.control_dependencies([inc]):
        after = v * 10.0
    for opt in (True, False):
        with gc.Session(optimize=opt) as s:
            s.run(gc.global_variables_initializer())
            b, a, _, fetched = s.run([before, after, inc, v])
            assert (b, a, fetched) == (10.0, 20.0, 2.0)


def test_fetched_values_are_not_overwritten_and_state_is_not_aliased():
    x = gc.placeholder(gc.float32, (4096,), name="x")
    v = gc.Variable(np.ones(4096, np.float32), name="v")
    a = x * 2.0                     # fetched mid-chain
    r = gc.reshape(a, [64, 64])     # a view of a, fetched
    b = gc.exp(a) + v               # would love to write into a's buffer
    c = gc.tanh(b) * 3.0
    xv = np.linspace(-1, 1, 4096).astype(np.float32)
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        av, rv, cv, vv = s.run([a, r, c, v], {x: xv})
        np.testing.assert_allclose(av, xv * 2)
        np.testing.assert_allclose(rv.reshape(-1), xv * 2)
        np.testing.assert_allclose(cv, np.tanh(np.exp(xv * 2) + 1) * 3, rtol=1e-6)
        np.testing.assert_array_equal(vv, 1.0)
        vv[:] = 5.0                                  # a copy: the variable is untouched
        np.testing.assert_array_equal(s.run(v), 1.0)


def test_cache_one_plan_per_fetch_and_feed_signature():
    x = gc.placeholder(gc.float32, (2,), name="x")
    y = x * 2.0
    with gc.Session() as s:
        for _ in range(3):
            s.run(y, {x: [1.0, 2.0]})
            s.run([y], {x: [1.0, 2.0]})
        assert len(s._plans) == 1
        s.run({"y": y}, {x: [1.0, 2.0]})             # unhashable fetch: no fast cache
        assert len(s._plans) == 1


def test_session_compile_and_report():
    x = gc.placeholder(gc.float32, (3,), name="x")
    with gc.Session(optimize=False) as s:
        exe = s.compile(x * 1.0, [x], optimize=True)
        assert "x*1 -> x" in exe.report(quiet=True)
        np.testing.assert_allclose(exe(np.arange(3, dtype=np.float32)), [0, 1, 2])
        assert s.make_callable(x * 1.0, [x])(np.ones(3, np.float32)).tolist() == [1, 1, 1]


def _chain(n):
    x = gc.placeholder(gc.float32, (4,), name="x")
    y = x
    for _ in range(n):
        y = y + 1.0
    return x, y


def test_deep_chain_compiles_and_runs_iteratively():
    x, y = _chain(20_000)
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(y, {x: np.zeros(4, np.float32)}), 20_000.0)


@pytest.mark.slow
def test_100k_chain():
    x, y = _chain(100_000)
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(y, {x: np.zeros(4, np.float32)}), 100_000.0)
