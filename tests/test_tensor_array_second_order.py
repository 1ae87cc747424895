"""Second-order derivatives through while_loops that write TensorArrays, and the in-place
buffers those loops own (ops/tensor_array_ops.in_place_carries).

The expected values come from TF 2.21 through tf.compat.v1 with control flow v2 (TF1's
v1 control flow refuses second-order loop gradients), in float64; finite differences
agree with them."""
import numpy as np
import pytest

import graphc as gc
from graphc.autodiff.batching import vmap
from graphc.ops import loop_op
from graphc.ops.tensor_array_ops import in_place_carries

X, W = [0.5, -1.0, 2.0], 0.7


def _loss(mode, x, w):
    """A loss of w through a while_loop writing tanh(x[t] * w) (or a variant) into a
    TensorArray, read back in the way `mode` names."""
    n = gc.shape(x)[0]

    def new():
        return gc.TensorArray(gc.float64, size=n)

    def loop(body, init):
        return gc.while_loop(lambda t, *_: t < n, body, init)

    def value(t):
        if mode == "w_only":
            return gc.tanh(gc.cast(t, gc.float64) * w)
        if mode == "gather_x":
            return gc.tanh(gc.gather(x, t) * w)
        if mode == "ta_read_x":
            return gc.tanh(xs.read(t) * w)
        return gc.tanh(x[t] * w)
    xs = new().unstack(x)
    if mode == "hidden":            # a hidden state beside the TensorArray
        _, _, ta = loop(lambda t, h, ta: (t + 1, gc.tanh(h * w + x[t]),
                                          ta.write(t, gc.tanh(h * w + x[t]))),
                        (0, gc.constant(0.0, gc.float64), new()))
        return gc.reduce_sum(ta.stack() ** 3)
    if mode == "read_then_write":   # element t read, element n + t written (TF1 fails a
        room = gc.TensorArray(gc.float64, size=2 * n).unstack(x)    # second write to t)
        _, ta = loop(lambda t, ta: (t + 1, ta.write(n + t, gc.tanh(ta.read(t) * w))),
                     (0, room))
        return gc.reduce_sum(ta.gather(gc.range(n, 2 * n)) ** 3)
    if mode == "autoregressive":    # read(t - 1), write(t)
        _, ta = gc.while_loop(lambda t, ta: t < n, lambda t, ta: (
            t + 1, ta.write(t, gc.tanh(ta.read(t - 1) * w + x[t]))), (1, new().write(0, x[0])))
        return gc.reduce_sum(ta.stack() ** 3)
    if mode == "concat":
        _, ta = loop(lambda t, ta: (t + 1, ta.write(t, gc.stack([gc.tanh(x[t] * w),
                                                                 x[t] * w ** 2]))),
                     (0, new()))
        return gc.reduce_sum(ta.concat() ** 3)
    if mode == "scatter":
        body = lambda t, ta: (t + 1, ta.scatter(gc.reshape(t, [1]),   # noqa: E731
                                                gc.reshape(value(t), [1])))
    else:
        body = lambda t, ta: (t + 1, ta.write(t, value(t)))         # noqa: E731
    _, ta = loop(body, (0, new()))
    if mode == "second_loop":
        return loop(lambda t, a: (t + 1, a + ta.read(t) ** 3), (0, gc.constant(0.0, gc.float64)))[1]
    if mode == "gather":
        return gc.reduce_sum(ta.gather(gc.range(n)) ** 3)
    return gc.reduce_sum(ta.stack()) if mode == "sum" else gc.reduce_sum(ta.stack() ** 3)


# mode: TF's (L, dL/dw, d2L/dw2) at x = [.5, -1, 2], w = .7
TF = {
    "cube": (0.511289, 0.471567, -2.881417),
    "sum": (0.617359, 0.240991, -0.912893),
    "w_only": (0.914732, 1.712119, -1.987109),
    "gather_x": (0.511289, 0.471567, -2.881417),
    "ta_read_x": (0.511289, 0.471567, -2.881417),
    "second_loop": (0.511289, 0.471567, -2.881417),
    "gather": (0.511289, 0.471567, -2.881417),
    "scatter": (0.511289, 0.471567, -2.881417),
    "hidden": (0.672190, 0.166431, 0.046117),
    "read_then_write": (0.511289, 0.471567, -2.881417),       # cube's loss
    "autoregressive": (0.721042, 0.201061, 0.044318),
    "concat": (1.349539, 7.656559, 48.439958),
}


@pytest.mark.parametrize("mode", sorted(TF))
def test_second_derivative_matches_tf_and_finite_differences(mode):
    x = gc.placeholder(gc.float64, [None])
    w = gc.placeholder(gc.float64, [])
    loss = _loss(mode, x, w)
    g = gc.gradients(loss, w)[0]
    h = gc.gradients(g, w)[0]
    with gc.Session() as s:
        got = s.run([loss, g, h], {x: X, w: W})
        eps = 1e-5
        fd = (s.run(g, {x: X, w: W + eps}) - s.run(g, {x: X, w: W - eps})) / (2 * eps)
    np.testing.assert_allclose(got, TF[mode], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], fd, rtol=1e-6, atol=1e-8)


def test_hand_written_rnn_hessian_vector_product():
    """A while_loop with a cond and a hidden state writing a TensorArray, a
    double-backprop penalty (the hunt's l1.py, small)."""
    x = gc.placeholder(gc.float64, [None, None, 2])
    w = gc.placeholder(gc.float64, [2, 2])
    n = gc.shape(x)[1]

    def body(t, h, ta):
        xt = x[:, t, :]
        h = gc.cond(t % 2 > 0, lambda: gc.tanh(gc.matmul(h, w) + xt),
                    lambda: gc.nn.softplus(gc.matmul(h, w)) - xt)
        return t + 1, h, ta.write(t, h)
    _, h, ta = gc.while_loop(lambda t, *_: t < n, body,
                             (0, gc.zeros_like(x[:, 0, :]), gc.TensorArray(gc.float64, size=n)))
    loss = gc.reduce_sum(h ** 2) + gc.reduce_sum(ta.stack() ** 3)
    gw, gx = gc.gradients(loss, [w, x])
    penalty = gc.reduce_sum(gw * gc.sin(w)) + gc.reduce_sum(gx ** 2)
    hv = gc.gradients(penalty, w)[0]
    xv = np.array([[[1.76, 0.4], [0.98, 2.24], [1.87, -0.98]],
                   [[0.95, -0.15], [-0.1, 0.41], [0.14, 1.45]]])
    wv = np.array([[0.38, 0.06], [0.22, 0.17]])
    with gc.Session() as s:
        p, got = s.run([penalty, hv], {x: xv, w: wv})
    np.testing.assert_allclose(p, 200.24893960964928, rtol=1e-9)
    np.testing.assert_allclose(got, [[-1.818802213, 131.6520244986],       # TF
                                     [18.4454174642, 196.6555085859]], rtol=1e-8)


@pytest.mark.parametrize("static", [False, True])
def test_hessians_of_a_loop_writing_a_tensor_array(static):
    x = gc.placeholder(gc.float32, [3] if static else [None])
    w = gc.Variable([0.7, -0.2])
    n = gc.shape(x)[0]
    _, ta = gc.while_loop(lambda t, ta: t < n,
                          lambda t, ta: (t + 1, ta.write(t, gc.tanh(x[t] * w))),
                          (0, gc.TensorArray(gc.float32, size=n)))
    H = gc.hessians(gc.reduce_sum(ta.stack() ** 3), w)[0]
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        got = s.run(H, {x: X})
    np.testing.assert_allclose(got, [[-2.8814168, 0.0], [0.0, -4.6452904]],   # TF
                               rtol=1e-5, atol=1e-6)


def test_vmap_broadcast_to_of_unknown_rank_and_batch_size():
    """broadcast_to's batching rule inserts the unit dims when run: neither the rank of
    the batched value nor the batch size need be static."""
    v = gc.placeholder(gc.float32, None)
    s = gc.placeholder(gc.int32, [None])
    b = gc.placeholder(gc.float32, [None, 3])
    fixed, fed = vmap([gc.broadcast_to(v, [2, 3]), gc.broadcast_to(v, s)], {v: b})
    bv = np.arange(12, dtype=np.float32).reshape(4, 3)
    with gc.Session() as sess:
        got_fixed, got_fed = sess.run([fixed, fed], {b: bv, s: [5, 2, 3]})
    np.testing.assert_array_equal(got_fixed, np.broadcast_to(bv[:, None], (4, 2, 3)))
    np.testing.assert_array_equal(got_fed, np.broadcast_to(bv[:, None, None], (4, 5, 2, 3)))


def _loops(graph):
    return {n.name: n for n in graph.get_operations()
            if n.type in ("Loop", "StatelessLoop")}


def test_buffers_are_owned_unless_another_value_could_see_a_write():
    """The forward loop and its gradient's loop write their buffers in place; the
    trajectory that stacks the gradient loop's buffer (for the second derivative) may
    not, since each call's stacked buffer would change under that call's write."""
    x = gc.placeholder(gc.float64, [None])
    w = gc.placeholder(gc.float64, [])
    g = gc.gradients(_loss("sum", x, w), w)[0]
    gc.gradients(g, w)
    owned = {name: in_place_carries(*n.attrs["body"], n.attrs["n_carry"])
             for name, n in _loops(gc.get_default_graph()).items()}
    assert owned["while/Loop"] == [1]
    assert owned["gradients/while/Loop_grad/loop_grad"] == [0]
    assert owned["gradients_1/gradients/while/Loop_grad/loop_grad_grad/trajectory"] == []


def test_owned_buffer_is_written_in_place_across_calls(monkeypatch):
    """Each call writes the buffer the previous one gave, not a copy of it: a loop
    writing T elements copies its buffer once, not T times."""
    shared = []
    compiled = loop_op.compiled

    def spy(session, fg, ins, outs, keep=()):
        run = compiled(session, fg, ins, outs, keep)

        def checked(args):
            values = run(args)
            shared.extend(values[p] is args[p] for p in keep)
            return values
        return checked
    monkeypatch.setattr(loop_op, "compiled", spy)
    x = gc.placeholder(gc.float64, [None, 2])
    n = gc.shape(x)[0]
    _, ta = gc.while_loop(lambda t, ta: t < n,
                          lambda t, ta: (t + 1, ta.write(t, gc.sin(x[t]))),
                          (0, gc.TensorArray(gc.float64, size=n, element_shape=[2])))
    xv = np.arange(10.0).reshape(5, 2)
    with gc.Session() as s:
        np.testing.assert_allclose(s.run(ta.stack(), {x: xv}), np.sin(xv))
    assert shared == [True] * 5
