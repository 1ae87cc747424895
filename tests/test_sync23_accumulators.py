"""A waiting take_grad is served by the apply that brings its num_required-th gradient,
before that apply returns (TF's kernel flushes the waiting takes inside ApplyGradient): the
global step has moved on when the next apply lands, so a gradient from the old step is
dropped, never averaged in. TF 2.21 gives the same numbers for each case here."""
import threading

import numpy as np
import pytest

import graphc as gc
from graphc.ops.accumulators import handle_key


def _state(sess, acc):
    return sess._op_state[handle_key(sess.run(acc.accumulator_ref))]


def _wait_for_takes(st, n=1):
    """Block until n takes wait in the accumulator's line (a real condition, no sleep)."""
    with st.cond:
        assert st.cond.wait_for(lambda: len(st.takes) >= n, timeout=30)


def _take_in_thread(sess, take):
    got = []
    t = threading.Thread(target=lambda: got.append(sess.run(take)))
    t.start()
    return t, got


@pytest.mark.parametrize("sparse", [False, True])
def test_stale_apply_after_the_nth_is_dropped(sparse):
    step = gc.placeholder(gc.int64, [])
    g = gc.placeholder(gc.float32, [1, 2])
    if sparse:
        acc = gc.SparseConditionalAccumulator(gc.float32, shape=[3, 2])
        apply = acc.apply_grad([1], g, local_step=step)
        take = acc.take_grad(2)
    else:
        acc = gc.ConditionalAccumulator(gc.float32, shape=[1, 2])
        apply = acc.apply_grad(g, local_step=step)
        take = acc.take_grad(2)
    with gc.Session() as sess:
        st = _state(sess, acc)
        t, got = _take_in_thread(sess, take)
        _wait_for_takes(st)
        sess.run(apply, {g: [[1.0, 2.0]], step: 0})
        sess.run(apply, {g: [[3.0, 6.0]], step: 0})       # the 2nd: the take is served now
        sess.run(apply, {g: [[100.0, 100.0]], step: 0})   # step 0 < 1: stale, dropped
        assert sess.run(acc.num_accumulated()) == 0
        t.join(30)
        first = got[0][1] if sparse else got[0]
        np.testing.assert_array_equal(first, [[2.0, 4.0]])
        sess.run(apply, {g: [[5.0, 5.0]], step: 1})
        sess.run(apply, {g: [[7.0, 9.0]], step: 1})
        second = sess.run(take)
        np.testing.assert_array_equal(second[1] if sparse else second, [[6.0, 7.0]])


def test_takes_are_served_in_line_by_the_applies():
    """Two takes waiting: each apply that completes the head serves it before returning."""
    acc = gc.ConditionalAccumulator(gc.float64, shape=[], reduction_type="SUM")
    step = gc.placeholder(gc.int64, [])
    apply = acc.apply_grad(2.0, local_step=step)
    with gc.Session() as sess:
        st = _state(sess, acc)
        t1, got1 = _take_in_thread(sess, acc.take_grad(1))
        _wait_for_takes(st, 1)
        t2, got2 = _take_in_thread(sess, acc.take_grad(1))
        _wait_for_takes(st, 2)
        sess.run(apply, {step: 0})          # serves the first take: step 1
        sess.run(apply, {step: 0})          # stale for the second
        assert len(st.takes) == 1 and sess.run(acc.num_accumulated()) == 0
        sess.run(apply, {step: 1})          # serves the second: step 2
        assert not st.takes
        t1.join(30), t2.join(30)
    assert got1 == [2.0] and got2 == [2.0]


def test_sync_replicas_back_to_back_steps_drop_the_stale_gradient():
    """One replica runs two steps at once while the chief waits: the first step's apply
    makes the step 1, so the second (local step 0, its token the initial one) is dropped.
    TF1: global step 1, v = [1, -2] - 0.5 * [1, -2]; graphc used to average in [-9, -12]."""
    with gc.Graph().as_default():
        gs = gc.train.get_or_create_global_step()
        v = gc.get_variable("v", initializer=gc.constant([1.0, -2.0]))
        x = gc.placeholder(gc.float32, [2])
        opt = gc.train.SyncReplicasOptimizer(gc.train.GradientDescentOptimizer(0.5),
                                             replicas_to_aggregate=1, total_num_replicas=1)
        train = opt.minimize(0.5 * gc.reduce_sum((v - x) ** 2), global_step=gs)
        (acc, _), = opt._accumulator_list
        count = acc.num_accumulated()
        sess = gc.Session()
        sess.run([gc.global_variables_initializer(), gc.local_variables_initializer()])
        hook = opt.make_session_run_hook(is_chief=True)
        hook.begin()
        coord = gc.train.Coordinator()
        st = _state(sess, acc)
        hook.after_create_session(sess, coord)     # the chief's queue runner starts
        _wait_for_takes(st)                        # and waits for gradients
        sess.run(train, {x: [0.0, 0.0]})
        sess.run(train, {x: [10.0, 10.0]})
        _wait_for_takes(st)                        # the chief's step is done
        got = sess.run([gs, v, count])
        coord.request_stop()
        sess.close()
    assert got[0] == 1 and got[1].tolist() == [0.5, -1.0] and got[2] == 0
