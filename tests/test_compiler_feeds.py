"""Feeding a computed tensor replaces its value (TF1): no compiler pass may look through a
fed tensor to the op behind it. Fetched arrays belong to the caller: they share no memory
with the fed arrays, with each other or with what later steps read. The expected values
are TF 2.21's (compat.v1) on the same programs."""
import numpy as np
import pytest

import graphc as gc


@pytest.fixture(params=[True, False], ids=["optimized", "unoptimized"])
def session(request):
    with gc.Session(optimize=request.param) as s:
        yield s


def test_a_fed_zeros_state_and_a_fed_ones_mask_are_used(session):
    x = gc.placeholder(gc.float32, [2, 3])
    state = gc.zeros([2, 3])
    ones = gc.ones([2, 3])
    new_state, masked = x + state, x * ones             # x+0 and x*1 without the feeds
    xv = np.ones((2, 3), np.float32)
    s = session.run(new_state, {x: xv})
    for _ in range(3):
        s = session.run(new_state, {x: xv, state: s})
    assert s.tolist() == [[4.0] * 3] * 2
    assert session.run(masked, {x: xv, ones: np.zeros((2, 3))}).tolist() == [[0.0] * 3] * 2


@pytest.mark.parametrize("dims", [[1, 3], [None, 3], [None, None]])
def test_a_fed_intermediate_is_not_looked_through(session, dims):
    x = gc.placeholder(gc.float32, dims)
    h = x * 2.0
    y = h * 0.5 + gc.reduce_sum(x)                      # (x*c1)*c2
    p = gc.nn.softmax(x)
    lp = gc.log(p)                                      # log(softmax(x))
    xv = np.array([[1.0, 2.0, 3.0]], np.float32)
    assert session.run(y, {x: xv, h: np.zeros((1, 3))}).tolist() == [[6.0] * 3]
    assert session.run(y, {x: xv}).tolist() == [[7.0, 8.0, 9.0]]
    np.testing.assert_allclose(session.run(lp, {x: xv, p: [[0.25, 0.25, 0.5]]}),
                               np.log([[0.25, 0.25, 0.5]]), rtol=1e-6)
    np.testing.assert_allclose(session.run(lp, {p: [[0.25, 0.25, 0.5]]}),
                               np.log([[0.25, 0.25, 0.5]]), rtol=1e-6)


def test_sampling_from_fed_logits_with_a_temperature(session):
    h = gc.placeholder(gc.float32, [None, 4])
    w = gc.constant(np.arange(12, dtype=np.float32).reshape(4, 3))
    logits = gc.matmul(h, w)
    probs = gc.nn.softmax(logits * 0.5)                 # matmul*c: scaled_matmul
    out = session.run(probs, {logits: np.zeros((1, 3), np.float32)})
    np.testing.assert_allclose(out, [[1 / 3] * 3], rtol=1e-6)


def test_fetched_arrays_share_no_memory_with_feeds_or_each_other(session):
    x = gc.placeholder(gc.float32, [None, 4])
    img = gc.reshape(x, [-1, 2, 2])
    buf, kept = np.zeros((2, 4), np.float32), []
    for i in range(3):                  # one feed buffer, refilled for each batch
        buf[:] = i
        kept.append(session.run(img, {x: buf}))
    assert [k[0, 0, 0] for k in kept] == [0.0, 1.0, 2.0]
    r = session.run(img, {x: buf})
    r -= 100.0
    assert buf[0, 0] == 2.0
    for view in (gc.identity(x), gc.transpose(x), x[1:], gc.stop_gradient(x), x * 1.0,
                 x + 0.0, gc.cast(x, gc.float32), gc.expand_dims(x, 0)):
        session.run(view, {x: buf})[...] = -1.0
        assert buf[0, 0] == 2.0
    a = gc.exp(x)
    b = gc.identity(a)
    ra, rb = session.run([a, b], {x: np.ones((1, 4), np.float32)})
    ra[...] = 0.0
    assert rb[0, 0] == pytest.approx(np.e ** 1, rel=1e-6)
    p, q = x * 2.0, x * 2.0                             # merged by CSE when optimized
    rp, rq = session.run([p, q], {x: np.ones((1, 4), np.float32)})
    rp[...] = 0.0
    assert rq[0, 0] == 2.0


def test_partial_run_keeps_its_own_copies_of_feeds_and_results():
    a = gc.placeholder(gc.float32, [None])
    b = gc.placeholder(gc.float32, [])
    h = a * 2.0
    y = gc.reduce_sum(h * b)
    with gc.Session() as s:
        handle = s.partial_run_setup([h, y], [a, b])
        buf = np.arange(3, dtype=np.float32)
        hv = s.partial_run(handle, h, feed_dict={a: buf})
        buf[:] = 100.0
        hv += 1000.0
        assert s.partial_run(handle, y, feed_dict={b: 1.0}) == 6.0


def test_folding_float16_constants_does_not_overflow_or_underflow(session):
    x = gc.placeholder(gc.float16, [None])
    y, z = (x * 256.0) * 256.0, (x * 1e-4) * 1e-4
    with np.errstate(over="ignore"):
        out_y, out_z = session.run([y, z], {x: np.array([0.5, -0.25, 0, 2000], np.float16)})
    assert out_y.tolist() == [32768.0, -16384.0, 0.0, np.inf]
    assert out_z[3] == pytest.approx(2e-5, rel=1e-2) and out_z[0] == 0


def test_shapes_fed_that_cannot_work_together_fail_as_at_run_time(session):
    x = gc.placeholder(gc.float32, [None, None])
    w = gc.constant(np.ones((4, 4), np.float32))
    y = gc.reduce_sum(gc.matmul(gc.transpose(gc.matmul(x, w)), gc.transpose(w)) * 0.1)
    with pytest.raises(gc.errors.InvalidArgumentError, match="MatMul_1"):
        session.run(y, {x: np.ones((3, 4), np.float32)})
