"""GradientTape in graph mode against TF's: values, None patterns, nesting, jacobians."""
import numpy as np
import pytest
from tf_parity import tf, v1

import graphc as gc

X = np.array([0.5, -1.0, 2.0], np.float32)
XB = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
A = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)


def _scenarios(m):
    """Fetches (possibly None) of every scenario, built with module m in its graph."""
    x = m.placeholder(m.float32, [3], name="x")
    xb = m.placeholder(m.float32, [2, 4], name="xb")
    W = m.Variable(np.ones((3, 2), np.float32), name="W")
    frozen = m.Variable(np.ones((3,), np.float32), name="frozen", trainable=False)
    pre = x * 2.0
    out = {}
    with m.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = m.reduce_sum(m.sin(x) * x)
        z = m.matmul(m.expand_dims(x, 0), W)
        via_pre = m.reduce_sum(pre * x)
        with tape.stop_recording():
            hidden = m.reduce_sum(x * x)
        late = hidden * 3.0
        uses_frozen = m.reduce_sum(frozen * x)
    out["dy"] = tape.gradient(y, x)
    out["dz_dW"] = tape.gradient(z, W)
    out["dz_list"] = tape.gradient(z, [x, W])
    out["via_pre"] = tape.gradient(via_pre, x)            # pre is outside: only the x path
    out["late"] = tape.gradient(late, x)                  # hidden was not recorded
    out["frozen"] = tape.gradient(uses_frozen, frozen)    # not watched: None
    out["zero"] = tape.gradient(late, x, unconnected_gradients="zero")
    out["out_grads"] = tape.gradient(z, W, output_gradients=m.constant([[1.0, -2.0]]))
    out["jac"] = tape.jacobian(z, W)
    out["dict"] = tape.gradient({"a": y, "b": z}, {"x": x})
    with m.GradientTape() as outer:
        outer.watch(x)
        with m.GradientTape() as inner:
            inner.watch(x)
            c = m.reduce_sum(x * x * x)
        d1 = inner.gradient(c, x)
    out["d1"], out["d2"] = d1, outer.gradient(d1, x)
    with m.GradientTape() as tb:
        tb.watch(xb)
        yb = m.tanh(m.matmul(xb, m.constant(A)))
    out["batch_jac"] = tb.batch_jacobian(yb, xb)
    with m.GradientTape(watch_accessed_variables=False) as tw:
        q = m.reduce_sum(m.matmul(m.expand_dims(x, 0), W))
    out["unwatched_var"] = tw.gradient(q, W)
    return out, {x: X, xb: XB}


def _run(m):
    g = m.Graph()
    with g.as_default():
        out, feed = _scenarios(m)
        keys = sorted(out)
        flat = [(k, i, t) for k in keys for i, t in enumerate(tf.nest.flatten(out[k]))
                if t is not None]
        nones = {(k, i) for k in keys for i, t in enumerate(tf.nest.flatten(out[k]))
                 if t is None}
        with m.Session() as s:
            s.run(m.global_variables_initializer())
            vals = s.run([t for _, _, t in flat], feed)
    return {(k, i): v for (k, i, _), v in zip(flat, vals)}, nones


def test_tape_matches_tf():
    ours, our_nones = _run(gc)
    theirs, their_nones = _run(v1)
    assert our_nones == their_nones
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6,
                                   err_msg=str(key))


def test_non_persistent_second_call_raises_in_both():
    for m in (gc, v1):
        with m.Graph().as_default():
            x = m.placeholder(m.float32, [3])
            with m.GradientTape() as tape:
                tape.watch(x)
                y = m.reduce_sum(x * x)
            tape.gradient(y, x)
            with pytest.raises(RuntimeError, match="non-persistent"):
                tape.gradient(y, x)
