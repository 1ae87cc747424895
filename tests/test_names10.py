"""ragged_fill_empty_rows(_grad), image.generate_bounding_box_proposals and
CriticalSection: values against TF 2.21's outputs (noted where taken from TF) and the loop
references of samples_names10.py, edge cases, errors, and the lock's exclusion."""
import math
import threading
import time

import numpy as np
import pytest

import graphc as gc
from samples_names10 import fill_ref, proposal_inputs, proposals_ref


def run(fetches, feed=None):
    with gc.Session() as s:
        return s.run(fetches, feed)


def i64(x):
    return gc.constant(np.asarray(x, np.int64))


# ---- ragged_fill_empty_rows ----------------------------------------------------------------
def test_fill_unsorted_rows_values_from_tf():
    out = gc.ragged_fill_empty_rows(i64([1, 0, 1, 0, 3]), [1., 2., 3., 4., 5.], i64(5), -1.)
    assert type(out).__name__ == "RaggedFillEmptyRows"
    assert out._fields == ("output_value_rowids", "output_values", "empty_row_indicator",
                           "reverse_index_map")
    assert [t.dtype for t in out] == [gc.int64, gc.float32, gc.bool, gc.int64]
    assert [t.shape.as_list() for t in out] == [[None], [None], [None], [5]]
    v = run(out)
    np.testing.assert_array_equal(v.output_value_rowids, [0, 0, 1, 1, 2, 3, 4])
    np.testing.assert_array_equal(v.output_values, [2, 4, 1, 3, -1, 5, -1])
    np.testing.assert_array_equal(v.empty_row_indicator, [0, 0, 1, 0, 1])
    np.testing.assert_array_equal(v.reverse_index_map, [2, 0, 3, 1, 5])


@pytest.mark.parametrize("seed", range(5))
def test_fill_matches_loop_reference(seed):
    rng = np.random.default_rng(seed)
    nrows = int(rng.integers(1, 9))
    rows = rng.integers(0, nrows, size=int(rng.integers(0, 10))).astype(np.int64)
    vals = rng.integers(-9, 9, size=len(rows)).astype(np.int32)
    got = run(gc.ragged_fill_empty_rows(i64(rows), gc.constant(vals), i64(nrows), 7))
    for a, b in zip(got, fill_ref(rows, vals, nrows, np.int32(7))):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_fill_empty_inputs_and_strings():
    v = run(gc.ragged_fill_empty_rows(i64([]), gc.constant([], gc.float32), i64(3), 9.))
    np.testing.assert_array_equal(v.output_value_rowids, [0, 1, 2])
    np.testing.assert_array_equal(v.output_values, [9, 9, 9])
    v = run(gc.ragged_fill_empty_rows(i64([]), gc.constant([], gc.float32), i64(0), 9.))
    assert [a.shape for a in v] == [(0,)] * 4       # TF gives rowids (0, 1) here
    v = run(gc.ragged_fill_empty_rows(i64([0, 2]), [b"a", b"b"], i64(4), b"z"))
    assert list(v.output_values) == [b"a", b"z", b"b", b"z"]


@pytest.mark.parametrize("rows, nrows, msg", [
    ([0, 5], 3, r"indices\(1, 0\) is invalid: 5 >= 3"),
    ([-1, 0], 3, r"indices\(0, 0\) is invalid: -1 >= 3"),
    ([0, 1], -1, "Expected shape dimensions to be non-negative, got -1"),
    ([0, 1], 0, r"dense_shape\[0\] = 0 but indices.shape\[0\] = 2")])
def test_fill_run_time_errors_as_tf(rows, nrows, msg):
    out = gc.ragged_fill_empty_rows(i64(rows), [1., 2.], i64(nrows), 0.)
    with pytest.raises(gc.errors.InvalidArgumentError, match=msg):
        run(out)


def test_fill_build_errors():
    with pytest.raises(gc.errors.ShapeError, match="values .* must be rank 1"):
        gc.ragged_fill_empty_rows(i64([0, 1]), [[1., 2.], [3., 4.]], i64(3), 0.)
    with pytest.raises(gc.errors.ShapeError, match="default_value .* must be a scalar"):
        gc.ragged_fill_empty_rows(i64([0, 1]), [1., 2.], i64(3), [0., 1.])
    with pytest.raises(gc.errors.ShapeError, match="differ in length"):
        gc.ragged_fill_empty_rows(i64([0, 1, 1]), [1., 2.], i64(3), 0.)
    with pytest.raises(gc.errors.DTypeError, match="expected int64"):
        gc.ragged_fill_empty_rows(gc.constant([0, 1]), [1., 2.], i64(3), 0.)


def test_fill_gradient_values_from_tf():
    vals, d = gc.placeholder(gc.float32, [None]), gc.placeholder(gc.float32, [])
    out = gc.ragged_fill_empty_rows(i64([0, 2, 2]), vals, i64(5), d)
    g = gc.gradients(out.output_values, [vals, d],
                     grad_ys=gc.constant([1., 2., 3., 4., 5., 6.]))
    gv, gd = run(g, {vals: [1., 2., 3.], d: 0.5})
    np.testing.assert_array_equal(gv, [1, 3, 4])
    assert gd == 13.0 and gd.dtype == np.float32


def test_fill_grad_op_as_tf():
    out = gc.ragged_fill_empty_rows_grad(i64([0, 0]), [1., 2., 3., 4., 5., 6.])
    assert out._fields == ("d_values", "d_default_value")
    v = run(out)
    np.testing.assert_array_equal(v.d_values, [1, 1])
    assert v.d_default_value == 20.0          # each slot not named counts once (TF)
    with pytest.raises(gc.errors.InvalidArgumentError,
                       match=r"must be in \[0, 6\) but got 9"):
        run(gc.ragged_fill_empty_rows_grad(i64([0, 9]), [1., 2., 3., 4., 5., 6.]))


# ---- generate_bounding_box_proposals ------------------------------------------------------
def _proposals(*arrays, **kw):
    return run(gc.image.generate_bounding_box_proposals(*arrays, **kw))


def test_proposals_decode_by_hand():
    scores = np.array([[[[0.9]]]], np.float32)
    deltas = np.array([[[[0.1, -0.2, 0.0, math.log(2.0)]]]], np.float32)
    anchors = np.array([[[2., 4., 12., 24.]]], np.float32)        # [y1, x1, y2, x2]
    info = np.array([[100., 100., 1., 0., 0.]], np.float32)
    rois, probs = _proposals(scores, deltas, info, anchors, min_size=1., post_nms_topn=2)
    # h = 10, cy = 7 + 10 * 0.1 = 8; w = 20 -> 40, cx = 14 - 20 * 0.2 = 10: x1 = -10 is
    # clipped to 0
    np.testing.assert_allclose(rois[0], [[3., 0., 13., 30.], [0, 0, 0, 0]], atol=1e-5)
    np.testing.assert_allclose(probs, [[0.9, 0.0]])


def test_proposals_clip_min_size_scale_and_xform_clip():
    scores = np.array([[[[0.9, 0.8]]]], np.float32)
    deltas = np.zeros((1, 1, 1, 8), np.float32)
    deltas[0, 0, 0, 7] = 10.0                     # dw clipped to log(1000 / 16)
    anchors = np.array([[[0., 0., 10., 10., 20., 20., 21., 21.]]], np.float32)
    info = np.array([[50., 2000., 1., 0., 0.]], np.float32)
    rois, _ = _proposals(scores, deltas, info, anchors, min_size=1., post_nms_topn=2)
    # w' = 1 * exp(log(62.5)), centered at 20.5; x1 < 0 clipped
    np.testing.assert_allclose(rois[0, 1], [20., 0., 21., 20.5 + 31.25], rtol=1e-5)
    info[0, 2] = 11.0                              # min_size * scale = 11 > 10: dropped
    rois, probs = _proposals(scores, deltas, info, anchors, min_size=1., post_nms_topn=2)
    np.testing.assert_array_equal(probs, [[0.0, 0.0]])


@pytest.mark.parametrize("seed", range(6))
def test_proposals_match_loop_reference(seed):
    rng = np.random.default_rng(seed)
    arrays = proposal_inputs(rng, n=2, h=3, w=4, a=3)
    kw = dict(nms_threshold=float(rng.uniform(0.2, 0.8)), pre_nms_topn=int(rng.integers(1, 40)),
              min_size=float(rng.uniform(0, 4)), post_nms_topn=int(rng.integers(1, 12)))
    got = _proposals(*arrays, **kw)
    want = proposals_ref(*arrays, **kw)
    for a, b in zip(got, want):
        assert a.shape == b.shape and a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-5)


def test_proposals_nms_ties_and_zero_area():
    # three identical boxes, equal scores: the first index wins, the others are suppressed
    scores = np.full((1, 1, 1, 3), 0.5, np.float32)
    anchors = np.tile(np.array([0., 0., 10., 10.], np.float32), 3).reshape(1, 1, 12)
    info = np.array([[20., 20., 1., 0., 0.]], np.float32)
    deltas = np.zeros((1, 1, 1, 12), np.float32)
    deltas[0, 0, 0, 1] = 0.01                      # box 0 shifted a little in x
    rois, probs = _proposals(scores, deltas, info, anchors, min_size=0., post_nms_topn=4)
    np.testing.assert_allclose(rois[0, 0], [0., 0.1, 10., 10.1], atol=1e-6)
    np.testing.assert_array_equal(probs, [[0.5, 0, 0, 0]])
    # zero-area boxes (min_size 0) neither suppress nor are suppressed
    anchors = np.tile(np.array([5., 5., 5., 5.], np.float32), 3).reshape(1, 1, 12)
    _, probs = _proposals(scores, np.zeros_like(deltas), info, anchors, min_size=0.,
                          post_nms_topn=4)
    np.testing.assert_array_equal(probs, [[0.5, 0.5, 0.5, 0]])


def test_proposals_static_shapes_and_build_errors():
    s = gc.placeholder(gc.float32, [None, 3, 4, 2])
    out = gc.image.generate_bounding_box_proposals(
        s, gc.placeholder(gc.float32, [None, 3, 4, 8]), gc.placeholder(gc.float32, [None, 5]),
        gc.placeholder(gc.float32, [3, 4, 8]), post_nms_topn=7)
    assert type(out).__name__ == "GenerateBoundingBoxProposals"
    assert out.rois.shape.as_list() == [None, 7, 4]
    assert out.roi_probabilities.shape.as_list() == [None, 7]
    with pytest.raises(gc.errors.ShapeError, match=r"\(num_images, 5\)"):
        gc.image.generate_bounding_box_proposals(s, gc.placeholder(gc.float32, [1, 3, 4, 8]),
                                                 np.zeros((1, 4)), np.zeros((3, 4, 8)))
    with pytest.raises(gc.errors.ShapeError, match="scores .* must be rank 4"):
        gc.image.generate_bounding_box_proposals(np.zeros((1, 3, 4)), np.zeros((1, 3, 4, 8)),
                                                 np.zeros((1, 5)), np.zeros((3, 4, 8)))
    with pytest.raises(gc.errors.DTypeError, match="expected float32"):
        gc.image.generate_bounding_box_proposals(gc.placeholder(gc.float64, [1, 3, 4, 2]),
                                                 np.zeros((1, 3, 4, 8)), np.zeros((1, 5)),
                                                 np.zeros((3, 4, 8)))
    with pytest.raises(TypeError, match="Expected int for argument 'post_nms_topn'"):
        gc.image.generate_bounding_box_proposals(s, np.zeros((1, 3, 4, 8)), np.zeros((1, 5)),
                                                 np.zeros((3, 4, 8)), post_nms_topn=2.0)


@pytest.mark.parametrize("kw, msg", [
    (dict(nms_threshold=1.5), "nms_threshold should be between 0 and 1"),
    (dict(pre_nms_topn=0), "pre_nms_topn should be greater than 0"),
    (dict(post_nms_topn=0), "post_nms_topn can't be 0 or less")])
def test_proposals_run_time_errors_as_tf(kw, msg):
    arrays = proposal_inputs(np.random.default_rng(0), n=1, h=2, w=2, a=1)
    with pytest.raises(gc.errors.InvalidArgumentError, match=msg):
        _proposals(*arrays, **kw)


# ---- CriticalSection -------------------------------------------------------------------------
def _recorder(log, tag, hold=0.03):
    def f(x):
        log.append((tag, time.perf_counter(), "in"))
        time.sleep(hold)
        log.append((tag, time.perf_counter(), "out"))
        return x
    return f


def _overlaps(log):
    inside, worst = 0, 0
    for _, _, what in sorted(log, key=lambda e: e[1]):
        inside += 1 if what == "in" else -1
        worst = max(worst, inside)
    return worst > 1


def _threads(sess, fetches, feed, rounds=4):
    start = threading.Barrier(len(fetches))
    errors = []

    def work(f):
        try:
            start.wait(timeout=10)
            for _ in range(rounds):
                sess.run(f, feed)
        except Exception as e:          # noqa: BLE001 (reported below)
            errors.append(e)
    ts = [threading.Thread(target=work, args=(f,)) for f in fetches]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in ts), "a thread hung"
    assert not errors, errors


def test_execute_excludes_concurrent_runs():
    x = gc.placeholder(gc.float32, [])
    cs = gc.CriticalSection(name="cs")
    log, free_log = [], []
    guarded = [cs.execute(lambda t=t: gc.py_func(_recorder(log, t), [x + 1.0], gc.float32))
               for t in range(3)]
    free = [gc.py_func(_recorder(free_log, t), [x + 1.0], gc.float32) for t in range(3)]
    with gc.Session() as s:
        _threads(s, free, {x: 1.0})
        _threads(s, guarded, {x: 1.0})
    assert _overlaps(free_log), "the unguarded control should overlap"
    assert len(log) == 24 and not _overlaps(log)


def test_shared_name_shares_the_lock_and_distinct_sections_do_not():
    x = gc.placeholder(gc.float32, [])
    a, b = gc.CriticalSection(shared_name="lock"), gc.CriticalSection(shared_name="lock")
    log = []
    fetches = [cs.execute(lambda t=t: gc.py_func(_recorder(log, t), [x], gc.float32))
               for t, cs in enumerate((a, b))]
    meet = threading.Barrier(2)

    def both_inside(v):
        meet.wait(timeout=10)            # only passes if both sections run at once
        return v
    c, d = gc.CriticalSection(), gc.CriticalSection()
    together = [cs.execute(lambda: gc.py_func(both_inside, [x], gc.float32)) for cs in (c, d)]
    with gc.Session() as s:
        _threads(s, fetches, {x: 1.0})
        _threads(s, together, {x: 1.0}, rounds=1)
    assert not _overlaps(log)


def test_a_failing_run_releases_the_lock():
    x = gc.placeholder(gc.float32, [])
    cs = gc.CriticalSection()
    bad = cs.execute(lambda: gc.py_func(lambda v: 1 / 0, [x], gc.float32))
    good = cs.execute(lambda: x * 2.0)
    with gc.Session() as s:
        with pytest.raises(gc.errors.OpError, match="ZeroDivisionError"):
            s.run(bad, {x: 1.0})
        done = []
        t = threading.Thread(target=lambda: done.append(s.run(good, {x: 3.0})))
        t.start()
        t.join(timeout=10)
        assert done == [6.0]


def test_nested_execute_is_refused():
    cs = gc.CriticalSection(name="outer")
    with pytest.raises(ValueError, match=r"Attempting to lock a CriticalSection \(signature="
                       r"\('', 'outer/', None\)\) in which we are already running"):
        cs.execute(lambda: cs.execute(lambda: gc.constant(1.0)))
    twin = gc.CriticalSection(shared_name="outer/")
    with pytest.raises(ValueError, match="already running"):
        cs.execute(lambda: gc.cond(gc.constant(True), lambda: twin.execute(lambda: 1.0),
                                   lambda: gc.constant(0.0)))
    # through a py_func calling Session.run: an error, not a deadlock
    x = gc.placeholder(gc.float32, [])
    inner = cs.execute(lambda: x + 1.0)
    sess = gc.Session()
    outer = cs.execute(lambda: gc.py_func(lambda v: sess.run(inner, {x: v}), [x],
                                          gc.float32))
    with pytest.raises(gc.errors.OpError, match="already held by this thread"):
        sess.run(outer, {x: 1.0})
    assert sess.run(inner, {x: 1.0}) == 2.0
    sess.close()


def test_exclusive_resource_access_conflicts_as_tf():
    v = gc.get_variable("v", initializer=0.0)
    w = gc.get_variable("w", initializer=0.0)
    cs1, cs2 = gc.CriticalSection(name="cs1"), gc.CriticalSection(name="cs2")
    cs1.execute(lambda: v.assign_add(1.0))
    cs1.execute(lambda: v * 2.0)                        # the same section: fine
    for excl in (True, False):
        with pytest.raises(ValueError, match=r"This execution would access resources: "
                           r"\['v:0'\].*exclusive_resource_access=False\?"):
            cs2.execute(lambda: v * 3.0, exclusive_resource_access=excl)
    cs2.execute(lambda: w * 1.0, exclusive_resource_access=False)
    cs1.execute(lambda: w * 1.0, exclusive_resource_access=False)     # both shared: fine
    with pytest.raises(ValueError, match="would access resources"):
        cs1.execute(lambda: w * 1.0)


def test_structure_ops_constants_and_name():
    cs = gc.CriticalSection(name="cs")
    assert cs.name == "cs" and gc.CriticalSection(name="cs").name == "cs_1"
    assert gc.get_collection("critical_sections") == []      # kept off the collections
    v = gc.get_variable("v", initializer=0.0)
    x = gc.placeholder(gc.float32, [2])
    out = cs.execute(lambda: {"a": (x * 2.0, [x + 1.0]), "b": 3.0})
    assert isinstance(out["a"], tuple) and isinstance(out["a"][1], list)
    op = cs.execute(lambda: gc.group(v.assign_add(5.0)))
    assert isinstance(op, gc.Operation)
    with pytest.raises(ValueError, match="None values not supported"):
        cs.execute(lambda: None)
    with pytest.raises(ValueError, match="critical_section_def"):
        gc.CriticalSection(critical_section_def=object())
    with gc.Session() as s:
        s.run(gc.global_variables_initializer())
        got = s.run(out, {x: [1.0, 2.0]})
        np.testing.assert_array_equal(got["a"][0], [2, 4])
        np.testing.assert_array_equal(got["a"][1][0], [2, 3])
        assert got["b"] == 3.0
        s.run(op)
        assert s.run(v) == 5.0


@pytest.mark.parametrize("optimize", [True, False])
def test_passes_keep_every_execute(optimize):
    v = gc.get_variable("v", initializer=0.0)
    cs = gc.CriticalSection()
    a = cs.execute(lambda: v.assign_add(1.0))
    b = cs.execute(lambda: v.assign_add(1.0))          # identical: CSE must not merge
    with gc.control_dependencies([a, b]):
        total = gc.identity(v)
    unrelated = gc.constant(1.0) + 1.0
    with gc.Session(optimize=optimize) as s:
        s.run(gc.global_variables_initializer())
        s.run(unrelated)                                # pruned: no execute runs
        assert s.run(v) == 0.0
        assert s.run(total) == 2.0


def test_gradients_through_execute_and_effects_refused():
    x = gc.placeholder(gc.float64, [3])
    cs = gc.CriticalSection()
    y = cs.execute(lambda: gc.reduce_sum(x * x))
    g = gc.gradients(y, x)[0]
    np.testing.assert_allclose(run(g, {x: [1., 2., 3.]}), [2., 4., 6.])
    v = gc.get_variable("v", initializer=np.zeros(3), dtype=gc.float64)
    z = cs.execute(lambda: v.assign_add(x))
    with pytest.raises(gc.errors.GradientError, match="would run a second time"):
        gc.gradients(z, x)


def test_close_wakes_a_waiting_thread():
    x = gc.placeholder(gc.float32, [])
    cs = gc.CriticalSection()
    entered, leave = threading.Event(), threading.Event()

    def hold(v):
        entered.set()
        leave.wait(timeout=10)
        return v
    slow = cs.execute(lambda: gc.py_func(hold, [x], gc.float32))
    quick = cs.execute(lambda: x + 1.0)
    s = gc.Session()
    results = {}

    def go(key, f):
        try:
            results[key] = s.run(f, {x: 1.0})
        except Exception as e:          # noqa: BLE001
            results[key] = e
    a = threading.Thread(target=go, args=("slow", slow))
    a.start()
    assert entered.wait(timeout=10)
    b = threading.Thread(target=go, args=("quick", quick))
    b.start()
    time.sleep(0.05)
    s.close()
    b.join(timeout=10)
    leave.set()
    a.join(timeout=10)
    assert not a.is_alive() and not b.is_alive()
    assert isinstance(results["quick"], gc.errors.CancelledError)


def test_graph_with_a_section_exports_and_imports():
    x = gc.placeholder(gc.float32, [2], name="x")
    cs = gc.CriticalSection(name="cs")
    gc.identity(cs.execute(lambda: x * 2.0), name="y")
    gd = gc.get_default_graph().as_graph_def()
    with gc.Graph().as_default():
        gc.import_graph_def(gd, name="")
        with gc.Session() as s:
            np.testing.assert_array_equal(s.run("y:0", {"x:0": [1.0, 2.0]}), [2, 4])
