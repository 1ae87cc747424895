"""Parity with TF for Session.partial_run (tests/test_partial_run.py has the behaviour
tests): the values of each step, effects run once, and TF's errors."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc


def _build(m):
    a = m.placeholder(m.float32, [2], name="a")
    b = m.placeholder(m.float32, [2], name="b")
    c = m.placeholder(m.float32, [], name="c")
    v = m.Variable(np.zeros(2, np.float32), name="v")
    bump = m.assign_add(v, a)                     # an effect: must run once
    with m.control_dependencies([bump]):
        s = m.identity(a * b, name="s")
        t = m.multiply(s, c, name="t")
        u = m.add(t, v.read_value(), name="u")     # reads v after the bump
    return a, b, c, v, s, t, u


def _steps(m, plan):
    """Run `plan` (a list of (fetch names, feed dict by name)) as partial runs; return
    the values, or the error class name and message of the failing step."""
    g = m.Graph()
    with g.as_default():
        a, b, c, v, s, t, u = _build(m)
        z = m.placeholder(m.float32, [], name="z")
        ts = {"a": a, "b": b, "c": c, "s": s, "t": t, "u": u, "z": z, "w": z * 2.0}
        out = []
        with m.Session(graph=g) as sess:
            sess.run(m.global_variables_initializer())
            h = sess.partial_run_setup([s, t, u], [a, b, c])
            for fetch, feed in plan:
                try:
                    res = sess.partial_run(h, [ts[f] for f in fetch],
                                           {ts[k]: x for k, x in feed.items()})
                    out.append([np.asarray(r).tolist() for r in res])
                except Exception as e:           # noqa: BLE001 (compared below)
                    out.append((type(e).__name__, str(e)))
                    break
            out.append(sess.run(v).tolist())
    return out


ONE, TWO = np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0], np.float32)
PLANS = {
    "in_order": [(["s"], {"a": ONE, "b": TWO}), (["t"], {"c": 2.0}), (["u"], {})],
    "all_at_once": [(["s", "t", "u"], {"a": ONE, "b": TWO, "c": 0.5})],
    "later_fetch_reuses": [(["t"], {"a": ONE, "b": TWO, "c": 3.0}), (["s", "u"], {})],
    "fetch_twice": [(["s"], {"a": ONE, "b": TWO}), (["s"], {})],
    "feed_twice": [(["s"], {"a": ONE, "b": TWO}), (["t"], {"a": ONE, "c": 1.0})],
    "not_computable": [(["t"], {"a": ONE})],
    "feed_not_declared": [(["s"], {"a": ONE, "b": TWO, "z": 1.0})],
    "fetch_not_declared": [(["s", "w"], {"a": ONE, "b": TWO})],
    "after_the_end": [(["s", "t", "u"], {"a": ONE, "b": TWO, "c": 0.5}), (["s"], {})],
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_partial_runs_match_tf(name):
    got, want = _steps(gc, PLANS[name]), _steps(v1, PLANS[name])
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if isinstance(w, tuple):                  # an error: the same kind, TF's words
            assert isinstance(g, tuple), (g, w)
            assert w[0] == "InvalidArgumentError"
            first = g[1].split(":")[0] if "computed" in g[1] else g[1]
            key = first.split(" ", 2)[-1] if "computed" in g[1] else first
            assert key in w[1], (g, w)
        else:
            np.testing.assert_allclose(g, w, rtol=1e-6)
