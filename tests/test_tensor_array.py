"""TensorArray: TF1's per-iteration arrays, in while_loop and cond, with derivatives."""
import numpy as np
import pytest

import graphc as gc
from graphc import errors
from graphc.testing import check_vjp
from helpers import run


def _squares(x):
    """ta[i] = 2 x[i]^2 for each row of x, written in a while_loop."""
    n = gc.shape(x)[0]
    ta = gc.TensorArray(x.dtype, size=n)
    _, ta = gc.while_loop(lambda i, ta: i < n,
                          lambda i, ta: (i + 1, ta.write(i, gc.square(x[i]) * 2.0)), [0, ta])
    return ta


def test_write_in_a_loop_then_stack():
    x = gc.placeholder(gc.float64, (None, 3))
    ta = _squares(x)
    assert ta.element_shape.as_list() == [3]
    y = ta.stack()
    assert y.shape.as_list() == [None, 3]
    xv = np.arange(6.0).reshape(2, 3)
    with gc.Session() as s:
        got, size = s.run([y, ta.size()], {x: xv})
    np.testing.assert_allclose(got, 2 * xv ** 2)
    assert size == 2


def test_gradients_jvp_and_hessian_through_the_loop():
    rng = np.random.default_rng(0)
    check_vjp(lambda x: _squares(x).stack(), [rng.standard_normal((4, 3))])
    x = gc.placeholder(gc.float64, (4, 3))
    loss = gc.reduce_sum(gc.sin(_squares(x).stack()))
    hv = gc.hessian_vector_product(loss, [x], [gc.ones_like(x)])[0]
    xv = rng.standard_normal((4, 3))
    want = np.cos(2 * xv ** 2) * 4 - np.sin(2 * xv ** 2) * 16 * xv ** 2   # d2/dx2, diagonal
    np.testing.assert_allclose(run(hv, {x: xv}), want, rtol=1e-9)


def test_the_gradient_does_not_copy_the_buffer_per_iteration():
    x = gc.placeholder(gc.float64, (200, 64))
    g, = gc.gradients(gc.reduce_sum(_squares(x).stack()), [x])
    traj = [n for n in g.graph.nodes if n.name.endswith("trajectory")]
    assert [t.dtype for t in traj[0].outputs[2:]] == [gc.int32]   # the counter only
    xv = np.random.default_rng(1).standard_normal((200, 64))
    np.testing.assert_allclose(run(g, {x: xv}), 4 * xv)


def test_unstack_and_read_inside_a_loop_like_an_rnn():
    """h_t = tanh(x_t + h_{t-1} w), inputs read from a TensorArray, outputs written."""
    rng = np.random.default_rng(2)
    xv, wv = rng.standard_normal((5, 2, 3)), rng.standard_normal((3, 3)) * 0.5

    def rnn(x, w):
        inputs = gc.TensorArray(gc.float64, size=5).unstack(x)
        outs = gc.TensorArray(gc.float64, size=5)

        def body(t, h, outs):
            h = gc.tanh(inputs.read(t) + gc.matmul(h, w))
            return t + 1, h, outs.write(t, h)
        _, _, outs = gc.while_loop(lambda t, h, o: t < 5, body,
                                   [0, gc.zeros((2, 3), gc.float64), outs])
        return outs.stack()
    x, w = gc.constant(xv), gc.constant(wv)
    h, want = np.zeros((2, 3)), []
    for t in range(5):
        h = np.tanh(xv[t] + h @ wv)
        want.append(h)
    np.testing.assert_allclose(run(rnn(x, w)), np.stack(want))
    check_vjp(rnn, [xv, wv])


def test_dynamic_size_grows():
    x = gc.placeholder(gc.float64, ())
    ta = gc.TensorArray(gc.float64, size=0, dynamic_size=True)
    _, ta = gc.while_loop(lambda i, ta: i < 4, lambda i, ta: (i + 1, ta.write(i, x * gc.cast(i, gc.float64))),
                          [0, ta])
    y = ta.stack()
    assert y.shape.as_list() == [None]
    np.testing.assert_allclose(run([y, ta.size()], {x: 1.5})[0], [0, 1.5, 3.0, 4.5])
    g, = gc.gradients(gc.reduce_sum(y), [x])       # the buffer grows: 0 + 1 + 2 + 3
    assert run(g, {x: 1.5}) == pytest.approx(6.0)
    grown = gc.TensorArray(gc.float64, size=1, dynamic_size=True).write(0, x).write(2, x * x)
    gx, = gc.gradients(gc.reduce_sum(grown.stack()), [x])     # outside a loop it works
    assert run([grown.stack(), gx], {x: 3.0})[0].tolist() == [3.0, 0.0, 9.0]
    assert run(gx, {x: 3.0}) == 7.0


def test_cond_takes_and_returns_tensor_arrays():
    p = gc.placeholder(gc.bool, ())
    ta = gc.TensorArray(gc.float32, size=2, element_shape=(2,))
    out = gc.cond(p, lambda: ta.write(0, [1.0, 2.0]), lambda: ta.write(1, [3.0, 4.0]))
    assert isinstance(out, gc.TensorArray)
    assert run(out.stack(), {p: True}).tolist() == [[1, 2], [0, 0]]
    assert run(out.stack(), {p: False}).tolist() == [[0, 0], [3, 4]]


def test_gather_scatter_concat():
    x = gc.constant(np.arange(12.0).reshape(4, 3))
    ta = gc.TensorArray(gc.float64, size=4).unstack(x)
    assert run(ta.gather([3, 1])).tolist() == [[9, 10, 11], [3, 4, 5]]
    ta2 = gc.TensorArray(gc.float64, size=4).unstack(x[:2]).scatter([3, 2], -x[:2])
    assert run(ta2.stack())[:, 0].tolist() == [0, 3, -3, 0]
    assert run(ta.concat()).shape == (12,)
    assert run(ta.read(1)).tolist() == [3, 4, 5]


def test_errors_name_the_array_and_where():
    ta = gc.TensorArray(gc.float32, size=2, element_shape=(3,))
    with pytest.raises(errors.DTypeError, match="float64"):
        ta.write(0, gc.zeros((3,), gc.float64))
    with pytest.raises(errors.ShapeError, match=r"element of shape \(4,\) .* shape \(3,\)"):
        ta.write(0, gc.zeros((4,)))
    bad = ta.write(5, gc.zeros((3,)))
    with pytest.raises(errors.ExecutionError, match=r"write index 5 is out of range for a "
                       r"TensorArray of size 2(.|\n)*test_tensor_array.py"):
        run(bad.stack())
    fresh = gc.TensorArray(gc.float32, size=3)
    with pytest.raises(errors.ExecutionError, match="nothing has been written"):
        run(fresh.read(0))
    with pytest.raises(errors.ExecutionError, match="nothing has been written"):
        run(fresh.stack())
    with pytest.raises(ValueError, match="give a size"):
        gc.TensorArray(gc.float32)


def test_a_long_loop_writes_without_recursion():
    n = 3000
    ta = gc.TensorArray(gc.float64, size=n, element_shape=())
    _, ta = gc.while_loop(lambda i, ta: i < n,
                          lambda i, ta: (i + 1, ta.write(i, gc.cast(i, gc.float64))), [0, ta])
    assert run(gc.reduce_sum(ta.stack())) == n * (n - 1) / 2


def test_a_loop_writes_its_own_copy_in_place():
    """The loop copies the buffer it starts from (the caller's array is unchanged, a
    second run gives the same), and a value read or stacked inside the body is a
    snapshot that later writes do not change."""
    x = gc.placeholder(gc.float64, (4, 2))
    start = gc.TensorArray(gc.float64, size=8).unstack(x)      # elements 4..7: not yet

    def body(i, ta, seen):
        ta = ta.write(i + 4, ta.read(i) * 10.0)
        return i + 1, ta, seen + gc.reduce_sum(ta.stack())      # a stack of this step
    _, ta, seen = gc.while_loop(lambda i, ta, s: i < 4, body,
                                [0, start, gc.constant(0.0, gc.float64)])
    xv = np.arange(8.0).reshape(4, 2)
    with gc.Session() as s:
        for _ in range(2):
            got, total, before = s.run([ta.stack(), seen, start.stack()], {x: xv})
            np.testing.assert_array_equal(got, np.concatenate([xv, xv * 10]))
            np.testing.assert_array_equal(before, np.concatenate([xv, 0 * xv]))
            # after write k the sum is sum(xv) + 10 * (rows 0..k)
            want = sum(xv.sum() + 10 * xv[:k + 1].sum() for k in range(4))
            assert total == want
    g, = gc.gradients(seen, [x])
    np.testing.assert_allclose(run(g, {x: xv}), np.full((4, 2), 1.0) * [[44], [34], [24], [14]])


def test_per_step_snapshots_of_a_carried_array():
    """scan stacks the carried TensorArray's buffer after every step: each a snapshot."""
    ta = gc.TensorArray(gc.float64, size=3, element_shape=())
    flows = gc.scan(lambda ta, v: ta.write(gc.cast(v, gc.int32), v + 1.0),
                    gc.constant([0.0, 1.0, 2.0], gc.float64), initializer=ta)
    np.testing.assert_array_equal(run(flows.flow), [[1, 0, 0], [1, 2, 0], [1, 2, 3]])


def test_unstack_keeps_the_size_and_split_takes_run_time_lengths():
    """TF1: unstack is a scatter to range(rows): a size-4 array keeps its size (rows
    not written stack as zeros) and refuses more rows; split takes int32 lengths
    computed at run time (graphc: equal ones, checked when run)."""
    x = gc.placeholder(gc.float32, [None, 2])
    ta = gc.TensorArray(gc.float32, size=4).unstack(x).write(3, [9.0, 9.0])
    size, stacked = run([ta.size(), ta.stack()], {x: np.ones((2, 2))})
    assert size == 4
    np.testing.assert_array_equal(stacked, [[1, 1], [1, 1], [0, 0], [9, 9]])
    with pytest.raises(errors.InvalidArgumentError, match="out of range"):
        run(ta.stack(), {x: np.ones((5, 2))})
    grown = gc.TensorArray(gc.float32, size=1, dynamic_size=True).unstack(x)
    assert run(grown.size(), {x: np.ones((3, 2))}) == 3
    v = gc.placeholder(gc.float32, [None])
    n = gc.placeholder(gc.int32, [])
    parts = gc.TensorArray(gc.float32, size=2).split(v, gc.fill([2], n))
    np.testing.assert_array_equal(run(parts.stack(), {v: np.arange(6.0), n: 3}),
                                  [[0, 1, 2], [3, 4, 5]])
    with pytest.raises(errors.InvalidArgumentError, match="lengths must be equal"):
        run(parts.stack(), {v: np.arange(6.0), n: 2})


def test_split_with_a_run_time_number_of_lengths():
    """lengths whose count is known only when run (hunt 21): one piece per entry, none
    for an empty lengths; gradients flow back through concat."""
    x = gc.placeholder(gc.float32, [None, 3])
    ta = gc.TensorArray(gc.float32, size=gc.shape(x)[0], infer_shape=False)
    ta = ta.split(gc.reshape(x, [-1]), gc.fill([gc.shape(x)[0]], 3))
    out = ta.concat()
    g = gc.gradients(gc.reduce_sum(out * out), x)[0]
    xv = np.arange(6, dtype=np.float32).reshape(2, 3)
    got, gx, size = run([out, g, ta.size()], {x: xv})
    np.testing.assert_array_equal(got, xv.ravel())
    np.testing.assert_array_equal(gx, 2 * xv)
    assert size == 2
    assert run([ta.size(), out], {x: np.zeros((0, 3))})[0] == 0
    with pytest.raises(errors.InvalidArgumentError, match="lengths must be equal"):
        n = gc.placeholder(gc.int32, [None])
        bad = gc.TensorArray(gc.float32, size=0, dynamic_size=True).split(
            gc.reshape(x, [-1]), n)
        run(bad.concat(), {x: xv, n: [2, 4]})
